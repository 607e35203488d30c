//! API tests: the real application against real SQLite and PostgreSQL databases.
//!
//! Each test body is written once and run on both backends by [`both_backends!`]; every run
//! gets a database of its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract;
mod helpers;

mod auth;
mod availability;
mod bookings;
mod catalog;
mod cli;
mod hardening;
mod me;
mod operations;
mod payments;
mod tokens;
