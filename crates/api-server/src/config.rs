//! Settings, read once from the environment (and an optional `.env`) and validated.

use std::fmt;
use std::net::SocketAddr;

use persistence::DatabaseTarget;

/// Development or production. Production refuses to start without real secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Who takes card payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentProvider {
    /// The built-in development provider: intents that wait for `POST /payments/{id}/simulate`.
    Dev,
    /// Stripe's API, with `STRIPE_SECRET_KEY`.
    Stripe,
}

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Every setting of the server. Names of the variables are in [`Settings::from_lookup`].
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseTarget,
    pub bind_addr: SocketAddr,
    pub app_env: AppEnv,
    pub jwt_secret: Secret,
    /// True when `JWT_SECRET` was missing and a random one was made for this process.
    pub jwt_secret_generated: bool,
    pub access_token_ttl_seconds: i64,
    pub refresh_token_ttl_days: i64,
    pub db_pool_size: u32,
    /// How long a request may wait in all for its turn at the database and its pooled
    /// connection before it is answered 503.
    pub db_wait: std::time::Duration,
    /// Password hashes (argon2id, 19 MiB each) that may run at once; default: the cores
    /// this process may use.
    pub password_hashing_concurrency: usize,
    pub log_format: LogFormat,
    /// Requests per minute per client address (and per e-mail) on register, login, refresh.
    pub auth_rate_limit: u32,
    /// Failed logins per account per 15 minutes before logins are refused with 429.
    pub login_max_failures: u32,
    pub auto_migrate: bool,
    /// Take the client address from `Forwarded` / `X-Forwarded-For` (only behind a proxy that
    /// sets them).
    pub trust_proxy_headers: bool,
    /// Largest accepted JSON request body, in bytes.
    pub json_body_limit: usize,
    /// Folder of uploaded images, served under `/media/`.
    pub media_root: std::path::PathBuf,
    /// Largest accepted image upload, in bytes.
    pub max_upload_bytes: usize,
    /// How long a booking request holds its capacity before it lapses.
    pub booking_hold_minutes: i64,
    /// How long an approved booking may wait for payment.
    pub payment_window_minutes: i64,
    /// Live holds one customer may have at once.
    pub max_active_holds_per_customer: i64,
    /// Booking requests per minute per user.
    pub booking_rate_limit: u32,
    pub payment_provider: PaymentProvider,
    /// Required for the Stripe provider.
    pub stripe_secret_key: Option<Secret>,
    /// Signing secret of the webhook endpoint (`whsec_…`).
    pub stripe_webhook_secret: Secret,
    /// True when `STRIPE_WEBHOOK_SECRET` was missing and a random one was made for this
    /// process (development provider only).
    pub stripe_webhook_secret_generated: bool,
    /// Base URL of Stripe's API (a stub server in tests).
    pub stripe_api_base: String,
}

/// A bad setting: which variable and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid setting {variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn err(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment in production, a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());

        let app_env = match get("APP_ENV").as_deref().map(str::trim) {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                return Err(err(
                    "APP_ENV",
                    format!("{other:?} is neither \"development\" nor \"production\""),
                ))
            }
        };
        let database = DatabaseTarget::from_url(get("DATABASE_URL").as_deref())
            .map_err(|message| err("DATABASE_URL", message))?;
        let bind_addr = match get("BIND_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(raw) => raw.trim().parse().map_err(|_| {
                err(
                    "BIND_ADDR",
                    format!("{raw:?} is not an address like 127.0.0.1:8080"),
                )
            })?,
        };
        let (jwt_secret, jwt_secret_generated) = match get("JWT_SECRET") {
            Some(secret) if secret.len() < 32 => {
                return Err(err("JWT_SECRET", "must be at least 32 bytes long"))
            }
            Some(secret) => (Secret::new(secret), false),
            None if app_env == AppEnv::Production => {
                return Err(err("JWT_SECRET", "is required when APP_ENV=production"))
            }
            None => (Secret::new(crate::security::random_hex(32)), true),
        };
        let log_format = match get("LOG_FORMAT").as_deref().map(str::trim) {
            None if app_env == AppEnv::Production => LogFormat::Json,
            None | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(err(
                    "LOG_FORMAT",
                    format!("{other:?} is neither \"pretty\" nor \"json\""),
                ))
            }
        };
        let stripe_secret_key = get("STRIPE_SECRET_KEY").map(|key| Secret::new(key.trim()));
        let payment_provider = match get("PAYMENT_PROVIDER").as_deref().map(str::trim) {
            None if stripe_secret_key.is_some() => PaymentProvider::Stripe,
            None | Some("dev") => PaymentProvider::Dev,
            Some("stripe") => PaymentProvider::Stripe,
            Some(other) => {
                return Err(err(
                    "PAYMENT_PROVIDER",
                    format!("{other:?} is neither \"dev\" nor \"stripe\""),
                ))
            }
        };
        let stripe_api_base = get("STRIPE_API_BASE").map_or_else(
            || payment_stripe::DEFAULT_API_BASE.to_owned(),
            |base| base.trim().to_owned(),
        );
        if let Some(key) = &stripe_secret_key {
            let config = payment_stripe::StripeConfig {
                api_base: stripe_api_base.clone(),
                ..payment_stripe::StripeConfig::new(key.expose())
            };
            config.validate().map_err(|error| match error {
                payment_stripe::StripeConfigError::InvalidApiBase(_) => {
                    err("STRIPE_API_BASE", error.to_string())
                }
                _ => err("STRIPE_SECRET_KEY", error.to_string()),
            })?;
        }
        if payment_provider == PaymentProvider::Stripe && stripe_secret_key.is_none() {
            return Err(err(
                "STRIPE_SECRET_KEY",
                "is required when PAYMENT_PROVIDER=stripe",
            ));
        }
        let (stripe_webhook_secret, stripe_webhook_secret_generated) =
            match get("STRIPE_WEBHOOK_SECRET") {
                Some(secret) if !secret.trim().starts_with("whsec_") => {
                    return Err(err("STRIPE_WEBHOOK_SECRET", "must start with whsec_"))
                }
                Some(secret) => (Secret::new(secret.trim()), false),
                None if app_env == AppEnv::Production => {
                    return Err(err(
                        "STRIPE_WEBHOOK_SECRET",
                        "is required when APP_ENV=production",
                    ))
                }
                None if payment_provider == PaymentProvider::Stripe => {
                    return Err(err(
                        "STRIPE_WEBHOOK_SECRET",
                        "is required when PAYMENT_PROVIDER=stripe (the endpoint's signing secret)",
                    ))
                }
                None => (
                    Secret::new(format!("whsec_{}", crate::security::random_hex(32))),
                    true,
                ),
            };
        Ok(Self {
            database,
            bind_addr,
            app_env,
            jwt_secret,
            jwt_secret_generated,
            access_token_ttl_seconds: number(&get, "ACCESS_TOKEN_TTL_SECONDS", 900, 30, 86_400)?,
            refresh_token_ttl_days: number(&get, "REFRESH_TOKEN_TTL_DAYS", 30, 1, 365)?,
            db_pool_size: number(&get, "DB_POOL_SIZE", 10, 1, 512)?,
            db_wait: std::time::Duration::from_millis(number(
                &get,
                "DB_WAIT_TIMEOUT_MS",
                5_000,
                50,
                60_000,
            )?),
            password_hashing_concurrency: number(
                &get,
                "PASSWORD_HASHING_CONCURRENCY",
                crate::blocking::HashingGate::cores(),
                1,
                256,
            )?,
            log_format,
            auth_rate_limit: number(&get, "AUTH_RATE_LIMIT", 20, 1, 100_000)?,
            login_max_failures: number(&get, "LOGIN_MAX_FAILURES", 5, 1, 1_000)?,
            auto_migrate: boolean(&get, "AUTO_MIGRATE", true)?,
            trust_proxy_headers: boolean(&get, "TRUST_PROXY_HEADERS", false)?,
            json_body_limit: number(&get, "JSON_BODY_LIMIT_BYTES", 64 * 1024, 1024, 16 << 20)?,
            media_root: get("MEDIA_ROOT")
                .map_or_else(|| "./data/media".into(), |root| root.trim().into()),
            max_upload_bytes: number(&get, "MAX_UPLOAD_BYTES", 5 << 20, 1024, 100 << 20)?,
            booking_hold_minutes: number(&get, "BOOKING_HOLD_MINUTES", 1440, 1, 43_200)?,
            payment_window_minutes: number(&get, "PAYMENT_WINDOW_MINUTES", 1440, 1, 43_200)?,
            max_active_holds_per_customer: number(
                &get,
                "MAX_ACTIVE_HOLDS_PER_CUSTOMER",
                5,
                1,
                1_000,
            )?,
            booking_rate_limit: number(&get, "BOOKING_RATE_LIMIT", 30, 1, 100_000)?,
            payment_provider,
            stripe_secret_key,
            stripe_webhook_secret,
            stripe_webhook_secret_generated,
            stripe_api_base,
        })
    }
}

fn number<T>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    min: T,
    max: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let Some(raw) = get(name) else {
        return Ok(default);
    };
    let value: T = raw
        .trim()
        .parse()
        .map_err(|_| err(name, format!("{raw:?} is not a whole number")))?;
    if value < min || value > max {
        return Err(err(name, format!("{value} is outside {min}..={max}")));
    }
    Ok(value)
}

fn boolean(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(name).as_deref().map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(err(name, format!("{v:?} is not true or false"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn nothing_set_gives_a_working_development_setup() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.app_env, AppEnv::Development);
        assert!(s.jwt_secret_generated);
        assert_eq!(s.jwt_secret.expose().len(), 64);
        assert_eq!(s.database.backend_name(), "sqlite");
        assert_eq!((s.auth_rate_limit, s.login_max_failures), (20, 5));
        assert_eq!(s.access_token_ttl_seconds, 900);
        assert_eq!(s.db_wait, std::time::Duration::from_secs(5));
        assert_eq!(
            s.password_hashing_concurrency,
            std::thread::available_parallelism().map_or(1, usize::from)
        );
        assert_eq!(s.log_format, LogFormat::Pretty);
        assert_eq!(s.media_root, std::path::PathBuf::from("./data/media"));
        assert_eq!(s.max_upload_bytes, 5 * 1024 * 1024);
        assert_eq!(
            (s.booking_hold_minutes, s.payment_window_minutes),
            (1440, 1440)
        );
        assert_eq!(
            (s.max_active_holds_per_customer, s.booking_rate_limit),
            (5, 30)
        );
        assert_eq!(s.payment_provider, PaymentProvider::Dev);
        assert!(s.stripe_webhook_secret_generated);
        assert!(s.stripe_webhook_secret.expose().starts_with("whsec_"));
        assert_eq!(s.stripe_api_base, "https://api.stripe.com");
    }

    #[test]
    fn a_stripe_key_chooses_stripe_which_needs_a_webhook_secret() {
        let error = settings(&[("STRIPE_SECRET_KEY", "sk_test_1")]).unwrap_err();
        assert_eq!(error.variable, "STRIPE_WEBHOOK_SECRET");
        let s = settings(&[
            ("STRIPE_SECRET_KEY", "sk_test_1"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
            ("STRIPE_API_BASE", "http://127.0.0.1:9999"),
        ])
        .unwrap();
        assert_eq!(s.payment_provider, PaymentProvider::Stripe);
        assert!(!s.stripe_webhook_secret_generated);
        assert_eq!(s.stripe_api_base, "http://127.0.0.1:9999");
        assert!(!format!("{s:?}").contains("sk_test_1"));
        let error = settings(&[("PAYMENT_PROVIDER", "stripe")]).unwrap_err();
        assert_eq!(error.variable, "STRIPE_SECRET_KEY");
        let dev = settings(&[
            ("PAYMENT_PROVIDER", "dev"),
            ("STRIPE_SECRET_KEY", "sk_test_1"),
        ]);
        assert_eq!(dev.unwrap().payment_provider, PaymentProvider::Dev);
    }

    #[test]
    fn production_requires_a_jwt_secret_and_logs_json() {
        let error = settings(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(error.variable, "JWT_SECRET");
        let error =
            settings(&[("APP_ENV", "production"), ("JWT_SECRET", &"k".repeat(32))]).unwrap_err();
        assert_eq!(error.variable, "STRIPE_WEBHOOK_SECRET");
        let s = settings(&[
            ("APP_ENV", "production"),
            ("JWT_SECRET", &"k".repeat(32)),
            ("STRIPE_WEBHOOK_SECRET", "whsec_prod"),
        ])
        .unwrap();
        assert!(!s.jwt_secret_generated);
        assert_eq!(s.log_format, LogFormat::Json);
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (name, value) in [
            ("BIND_ADDR", "localhost"),
            ("APP_ENV", "staging"),
            ("JWT_SECRET", "short"),
            ("ACCESS_TOKEN_TTL_SECONDS", "soon"),
            ("ACCESS_TOKEN_TTL_SECONDS", "5"),
            ("REFRESH_TOKEN_TTL_DAYS", "0"),
            ("DB_POOL_SIZE", "-1"),
            ("DB_WAIT_TIMEOUT_MS", "10"),
            ("PASSWORD_HASHING_CONCURRENCY", "0"),
            ("LOG_FORMAT", "xml"),
            ("AUTH_RATE_LIMIT", "many"),
            ("LOGIN_MAX_FAILURES", "0"),
            ("AUTO_MIGRATE", "maybe"),
            ("MAX_UPLOAD_BYTES", "5MB"),
            ("BOOKING_HOLD_MINUTES", "0"),
            ("PAYMENT_WINDOW_MINUTES", "day"),
            ("MAX_ACTIVE_HOLDS_PER_CUSTOMER", "0"),
            ("BOOKING_RATE_LIMIT", "-3"),
            ("PAYMENT_PROVIDER", "paypal"),
            ("STRIPE_SECRET_KEY", "pk_test_publishable"),
            ("STRIPE_WEBHOOK_SECRET", "secret"),
            ("DATABASE_URL", "mysql://x/y"),
        ] {
            let error = settings(&[(name, value)]).unwrap_err();
            assert_eq!(error.variable, name, "{name}={value}");
            assert!(error.to_string().contains(name));
        }
    }

    #[test]
    fn secrets_are_not_printed() {
        let s = settings(&[("JWT_SECRET", &"s3cr3t".repeat(6))]).unwrap();
        assert!(!format!("{s:?}").contains("s3cr3t"));
    }
}
