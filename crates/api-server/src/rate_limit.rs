//! Per-process rate limits (GCRA, from `governor`): the authentication endpoints, and
//! booking requests per user (`BOOKING_RATE_LIMIT`).
//!
//! Per client address and per account (e-mail address or user): each key may make
//! `AUTH_RATE_LIMIT` requests per minute, with bursts up to that many. The per-account
//! failed-login limit, which must hold across instances, lives in the database (see the
//! accounts service); this one protects each instance.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Keys kept before stale ones are swept.
const SWEEP_AT: usize = 10_000;

/// `limit` requests per minute per key (bursts up to `limit`).
pub struct KeyedLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl KeyedLimiter {
    pub fn per_minute(limit: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one request for `key`; 429 with the seconds to wait when it is over the limit.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        if self.limiter.len() > SWEEP_AT {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| {
                ApiError::rate_limited(not_until.wait_time_from(self.clock.now()).as_secs() + 1)
            })
    }
}

pub struct AuthRateLimiter {
    by_address: KeyedLimiter,
    by_account: KeyedLimiter,
}

impl AuthRateLimiter {
    pub fn per_minute(limit: u32) -> Self {
        Self {
            by_address: KeyedLimiter::per_minute(limit),
            by_account: KeyedLimiter::per_minute(limit),
        }
    }

    /// Counts one request from `address` (and for `account`, when known); 429 with the
    /// seconds to wait when either is over its limit.
    pub fn check(&self, address: &str, account: Option<&str>) -> Result<(), ApiError> {
        self.by_address.check(address)?;
        match account {
            Some(account) => self.by_account.check(&account.trim().to_lowercase()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_own_budget() {
        let limiter = AuthRateLimiter::per_minute(2);
        assert!(limiter.check("10.0.0.1", None).is_ok());
        assert!(limiter.check("10.0.0.1", None).is_ok());
        let error = limiter.check("10.0.0.1", None).unwrap_err();
        assert_eq!(error.code(), "rate_limited");
        assert!(limiter.check("10.0.0.2", None).is_ok());
    }

    #[test]
    fn accounts_are_limited_across_addresses() {
        let limiter = AuthRateLimiter::per_minute(2);
        assert!(limiter.check("a", Some("ana@example.com")).is_ok());
        assert!(limiter.check("b", Some("ANA@example.com")).is_ok());
        assert!(limiter.check("c", Some("ana@example.com")).is_err());
        assert!(limiter.check("d", Some("bo@example.com")).is_ok());
    }
}
