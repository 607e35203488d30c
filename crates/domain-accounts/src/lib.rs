//! WaterTrek accounts domain: users, roles, vendor and customer profiles, credentials and the
//! rules of access and refresh tokens.
//!
//! Pure: no database, HTTP or async runtime. What it needs from outside is declared in
//! [`ports`] and supplied by adapters (`persistence`, `api-server`).

pub mod model;
pub mod ports;
pub mod service;
pub mod tokens;
pub mod values;

pub use model::*;
pub use ports::*;
pub use service::*;
pub use tokens::*;
pub use values::*;

#[cfg(test)]
mod service_tests;
