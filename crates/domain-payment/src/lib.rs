//! Payment domain: payment records, refund policy math, webhook verification.
//!
//! Not built yet: the payments issue fills this crate.
