//! WaterTrek's outbound payment adapter: the [`PaymentGateway`](domain_payment::PaymentGateway)
//! port over Stripe's HTTP API.
//!
//! ```no_run
//! use domain_payment::PaymentGateway;
//! use payment_stripe::{StripeConfig, StripeGateway};
//!
//! let gateway = StripeGateway::new(StripeConfig::new("sk_test_123"))?;
//! assert_eq!(gateway.provider(), "stripe");
//! # Ok::<(), payment_stripe::StripeConfigError>(())
//! ```
//!
//! - [`StripeConfig`]: secret key, API base, timeout and retries; checked by
//!   [`StripeGateway::new`].
//! - [`StripeGateway`]: PaymentIntents (create, retrieve) and refunds (create), form-encoded,
//!   with `Idempotency-Key` on every POST and the API version pinned to [`STRIPE_API_VERSION`].

mod config;
mod gateway;
mod wire;

pub use config::{StripeConfig, StripeConfigError, DEFAULT_API_BASE};
pub use gateway::{StripeGateway, STRIPE_API_VERSION};
