//! Booking domain: availability, capacity, quotes and the booking lifecycle.
//!
//! Not built yet: the booking-engine issue fills this crate.
