//! What the adapter needs to reach Stripe, checked once when the gateway is built.

use std::fmt;
use std::time::Duration;

use ureq::http::Uri;

/// Stripe's production API.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// How to reach Stripe. `Debug` shows everything but the secret key.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeConfig {
    /// `sk_live_…`, `sk_test_…` or a restricted `rk_…` key; sent only as the bearer token.
    pub secret_key: String,
    /// Scheme and host, optionally a path prefix; no query. [`DEFAULT_API_BASE`] in production,
    /// a local stub (stripe-mock, a test server) otherwise. A trailing `/` is ignored.
    pub api_base: String,
    /// Bound on one attempt, from connecting to reading the whole response.
    pub timeout: Duration,
    /// Further attempts after a network error, a timeout, a 429 or a 5xx (0: try once).
    pub max_retries: u32,
    /// Wait before the first retry; it doubles with each further one, up to
    /// [`MAX_RETRY_DELAY`](StripeConfig::MAX_RETRY_DELAY).
    pub retry_base_delay: Duration,
}

impl StripeConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    pub const DEFAULT_MAX_RETRIES: u32 = 2;
    pub const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(500);
    /// The longest wait between two attempts, however many retries are configured.
    pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);

    /// Stripe's production API with the default timeout and retries.
    pub fn new(secret_key: impl Into<String>) -> Self {
        Self {
            secret_key: secret_key.into(),
            api_base: DEFAULT_API_BASE.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            max_retries: Self::DEFAULT_MAX_RETRIES,
            retry_base_delay: Self::DEFAULT_RETRY_BASE_DELAY,
        }
    }

    /// The wait before retry number `retry` (0 for the first): the base delay doubled `retry`
    /// times, capped at [`MAX_RETRY_DELAY`](StripeConfig::MAX_RETRY_DELAY).
    pub(crate) fn retry_delay(&self, retry: u32) -> Duration {
        self.retry_base_delay
            .saturating_mul(1 << retry.min(16))
            .min(Self::MAX_RETRY_DELAY)
    }

    /// The secret key and the API base without its trailing `/`, or what is wrong with them.
    pub fn validate(&self) -> Result<String, StripeConfigError> {
        let key = &self.secret_key;
        if key.is_empty() {
            return Err(StripeConfigError::InvalidSecretKey("is empty"));
        }
        if !key.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(StripeConfigError::InvalidSecretKey(
                "contains a space or a character that is not printable ASCII",
            ));
        }
        if !(key.starts_with("sk_") || key.starts_with("rk_")) {
            return Err(StripeConfigError::InvalidSecretKey(
                "must start with sk_ or rk_ (a publishable pk_ key cannot call the API)",
            ));
        }
        if self.timeout.is_zero() {
            return Err(StripeConfigError::ZeroTimeout);
        }
        let base = self.api_base.trim_end_matches('/');
        let invalid = || StripeConfigError::InvalidApiBase(self.api_base.clone());
        let uri: Uri = base.parse().map_err(|_| invalid())?;
        let http = matches!(uri.scheme_str(), Some("http" | "https"));
        if !http || uri.host().is_none() || uri.query().is_some() || base.contains('#') {
            return Err(invalid());
        }
        Ok(base.to_owned())
    }
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &"<redacted>")
            .field("api_base", &self.api_base)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_base_delay", &self.retry_base_delay)
            .finish()
    }
}

/// A [`StripeConfig`] the gateway cannot work with. No message quotes the secret key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeConfigError {
    #[error("the Stripe secret key {0}")]
    InvalidSecretKey(&'static str),
    #[error(
        "the Stripe API base {0:?} is not an http(s) URL without query (for example {DEFAULT_API_BASE})"
    )]
    InvalidApiBase(String),
    #[error("the Stripe timeout must be longer than zero")]
    ZeroTimeout,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> StripeConfig {
        StripeConfig::new("sk_test_123")
    }

    #[test]
    fn the_default_config_calls_stripes_production_api() {
        assert_eq!(config().validate().unwrap(), "https://api.stripe.com");
    }

    #[test]
    fn a_trailing_slash_and_a_path_prefix_are_accepted() {
        for (base, expected) in [
            ("http://127.0.0.1:12111/", "http://127.0.0.1:12111"),
            (
                "https://proxy.example/stripe/",
                "https://proxy.example/stripe",
            ),
        ] {
            let config = StripeConfig {
                api_base: base.to_owned(),
                ..config()
            };
            assert_eq!(config.validate().unwrap(), expected);
        }
    }

    #[test]
    fn api_bases_that_are_not_http_urls_are_refused() {
        for base in [
            "",
            "api.stripe.com",
            "ftp://api.stripe.com",
            "https://api.stripe.com?x=1",
            "https://api.stripe.com#x",
            "https:// api.stripe.com",
        ] {
            let config = StripeConfig {
                api_base: base.to_owned(),
                ..config()
            };
            assert_eq!(
                config.validate(),
                Err(StripeConfigError::InvalidApiBase(base.to_owned())),
                "{base:?}"
            );
        }
    }

    #[test]
    fn empty_publishable_and_malformed_keys_are_refused_without_being_quoted() {
        for key in ["", "pk_test_123", "sk_test_123\n", "sk test"] {
            let error = StripeConfig::new(key).validate().unwrap_err();
            assert!(
                matches!(error, StripeConfigError::InvalidSecretKey(_)),
                "{key:?}"
            );
            if !key.is_empty() {
                assert!(!error.to_string().contains(key), "{error}");
            }
        }
        assert!(StripeConfig::new("rk_live_abc").validate().is_ok());
    }

    #[test]
    fn a_zero_timeout_is_refused() {
        let config = StripeConfig {
            timeout: Duration::ZERO,
            ..config()
        };
        assert_eq!(config.validate(), Err(StripeConfigError::ZeroTimeout));
    }

    #[test]
    fn debug_output_hides_the_secret_key() {
        let shown = format!("{:?}", config());
        assert!(!shown.contains("sk_test_123"), "{shown}");
        assert!(shown.contains("api.stripe.com"), "{shown}");
    }

    #[test]
    fn retry_delays_double_from_the_base_up_to_the_cap() {
        let config = StripeConfig {
            retry_base_delay: Duration::from_millis(500),
            ..config()
        };
        let delays: Vec<_> = (0..6).map(|retry| config.retry_delay(retry)).collect();
        let millis = |ms| Duration::from_millis(ms);
        assert_eq!(
            delays,
            [
                millis(500),
                millis(1000),
                millis(2000),
                millis(4000),
                millis(5000),
                millis(5000)
            ]
        );
        assert_eq!(config.retry_delay(u32::MAX), StripeConfig::MAX_RETRY_DELAY);
    }
}
