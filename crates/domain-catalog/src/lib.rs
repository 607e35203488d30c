//! Catalog domain: categories, equipment items, adventure offerings and images.
//!
//! Not built yet: the catalog issue fills this crate. It exists so the workspace has its final
//! shape and the dependency rule (accounts ← catalog ← booking ← payment) is enforced by Cargo.
