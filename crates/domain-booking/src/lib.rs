//! WaterTrek booking rules. Pure functions of their inputs: the current time is always an
//! argument (`now`), never read from a clock.
//!
//! - [`window`]: half-open UTC time windows.
//! - [`hours`]: weekly opening hours in a listing's IANA time zone, expanded to UTC across DST.
//! - [`capacity`]: free units over time given bookings, buffers and blackouts.
//! - [`rules`]: `is_bookable` for equipment and sessions, returning every reason that applies.
//! - [`quote`]: prices in integer minor units with daily and weekly caps.
//! - [`lifecycle`]: the booking state machine with its actor rules, holds and payment deadlines.
//! - [`sessions`]: adventure sessions, one-off or weekly recurrences.
//! - [`terms`]: what the rules and prices need from a listing, shared by quotes and requests.
//! - [`inputs`]: which request fields go together (one target per quote or booking).
//! - [`ports`] and [`availability`]: storage the rules need and the use cases over it
//!   (opening hours, blackouts, sessions, timelines, quotes).

pub mod availability;
pub mod bookings;
pub mod capacity;
pub mod hours;
pub mod inputs;
pub mod lifecycle;
pub mod ports;
pub mod quote;
pub mod rules;
pub mod sessions;
pub mod terms;
pub mod window;

pub use availability::*;
pub use bookings::*;
pub use capacity::*;
pub use hours::*;
pub use inputs::*;
pub use lifecycle::*;
pub use ports::*;
pub use quote::*;
pub use rules::*;
pub use sessions::*;
pub use terms::*;
pub use window::*;
#[cfg(test)]
mod service_tests;
