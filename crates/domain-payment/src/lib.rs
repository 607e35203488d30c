//! WaterTrek payment domain. Pure rules and ports: no database, no HTTP, no clock reads
//! outside the services.
//!
//! - [`model`]: payment and refund records; statuses that only move forward.
//! - [`refund`]: the refund a cancellation gives under each policy.
//! - [`signature`]: Stripe's `Stripe-Signature` scheme (HMAC-SHA256, 5-minute tolerance).
//! - [`events`]: Stripe-format webhook events.
//! - [`webhook`]: what a verified event does, given what the store holds.
//! - [`gateway`]: the `PaymentGateway` port (Stripe, or the development provider).
//! - [`ports`] and [`service`]: storage and the use cases over it.

pub mod events;
pub mod gateway;
pub mod model;
pub mod ports;
pub mod refund;
pub mod service;
#[cfg(test)]
mod service_tests;
pub mod signature;
pub mod webhook;

pub use events::*;
pub use gateway::*;
pub use model::*;
pub use ports::*;
pub use refund::*;
pub use service::*;
pub use signature::*;
pub use webhook::*;
