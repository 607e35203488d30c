//! WaterTrek catalog domain: categories, equipment items, adventure offerings and their images.
//!
//! - [`listing`]: the listing model and its parsing (a listing that reached the domain is
//!   valid); PATCH = overlay on the stored input, then parse the whole.
//! - [`images`]: uploads judged by their content (JPEG, PNG, WebP), identifying metadata
//!   stripped without re-encoding.
//! - [`model`], [`ports`], [`service`]: entities, what the catalog needs from storage, and the
//!   use cases with their ownership rules.

pub mod images;
pub mod listing;
pub mod model;
pub mod ports;
pub mod service;

pub use images::{inspect_image, ImageError, ImageFormat, InspectedImage, MAX_PIXELS};
pub use listing::*;
pub use model::*;
pub use ports::*;
pub use service::*;

#[cfg(test)]
mod service_tests;
