//! WaterTrek shared kernel: what every domain crate needs and nothing more.
//!
//! - [`ValidationErrors`]: field-keyed messages collected while parsing input into domain types.
//! - [`Clock`]: the port through which services learn the current time (rules take `now` as an
//!   argument; only services ask the clock).
//! - [`PageRequest`] / [`Page`]: bounded pagination.

mod clock;
mod paging;
mod validation;

#[cfg(any(test, feature = "mocks"))]
pub use clock::MockClock;
pub use clock::{Clock, SystemClock};
pub use paging::{Page, PageRequest, MAX_PAGE_SIZE};
pub use store::StoreError;
pub use validation::ValidationErrors;

mod store;
pub use money::{Currency, Money};

mod money;
