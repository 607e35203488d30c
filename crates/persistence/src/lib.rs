//! WaterTrek persistence: one diesel code path over PostgreSQL and SQLite.
//!
//! - [`db`]: the multi-backend connection, the pool, embedded migrations, transactions.
//! - Repositories implementing the domain ports: [`DieselAccountRepository`],
//!   [`DieselCatalogRepository`], [`DieselAvailabilityRepository`], [`DieselBookingRepository`],
//!   [`DieselPaymentRepository`]; uploaded files: [`FsMediaStore`].
//! - `test-support` feature: [`test_support::TestDb`], a fresh database per test.

pub mod accounts;
pub mod availability;
pub mod bookings;
pub mod catalog;
mod common;
pub mod db;
mod events;
pub mod payments;
mod schema;
mod sql;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use accounts::DieselAccountRepository;
pub use availability::DieselAvailabilityRepository;
pub use bookings::DieselBookingRepository;
pub use catalog::{DieselCatalogRepository, FsMediaStore};
pub use db::{
    build_pool, build_probe_pool, ping, run_migrations, with_deadline, DatabaseTarget,
    DbConnection, DbPool, CONNECTION_TIMEOUT,
};
pub use payments::DieselPaymentRepository;
