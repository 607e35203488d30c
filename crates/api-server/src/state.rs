//! What every handler shares: the services, the pool (for health checks), settings, limits.

use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use domain_accounts::{AccountPorts, AccountService, LoginThrottle, TokenPolicy};
use domain_booking::{AvailabilityService, BookingService, BookingSettings};
use domain_catalog::CatalogService;
use domain_core::{Clock, StoreError};
use domain_payment::{PaymentGateway, PaymentService, PaymentSettings};
use payment_stripe::{StripeConfig, StripeGateway};
use persistence::{
    DbPool, DieselAccountRepository, DieselAvailabilityRepository, DieselBookingRepository,
    DieselCatalogRepository, DieselPaymentRepository, FsMediaStore,
};

use crate::blocking::{DbGate, HashingGate};
use crate::config::{PaymentProvider, Settings};
use crate::dev_gateway::DevGateway;
use crate::rate_limit::{AuthRateLimiter, KeyedLimiter};
use crate::security::{Argon2Hasher, JwtCodec, RandomRefreshTokens};

/// The system clock at the precision both databases store (microseconds), so a value read
/// back equals the value written.
pub struct MicrosecondClock;

impl Clock for MicrosecondClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// How long `/health/ready` waits for its own connection; with the query it answers within 1 s.
pub const READY_PROBE_WAIT: std::time::Duration = std::time::Duration::from_millis(700);

pub struct AppState {
    /// Request counts and latencies by route pattern, method and status, served at `/metrics`.
    pub metrics: actix_web_prom::PrometheusMetrics,
    pub settings: Arc<Settings>,
    pub pool: DbPool,
    /// One connection for `/health/ready` alone, so a probe never waits behind requests.
    pub probe_pool: DbPool,
    pub accounts: AccountService,
    pub catalog: CatalogService,
    pub availability: AvailabilityService,
    pub bookings: BookingService,
    pub payments: PaymentService,
    pub booking_limiter: KeyedLimiter,
    pub auth_limiter: AuthRateLimiter,
    /// The methods of each documented path, for 405 answers.
    pub routes: crate::routes::allow::RouteTable,
    /// One permit per pooled connection; see [`crate::blocking`].
    pub db_gate: DbGate,
    /// `PASSWORD_HASHING_CONCURRENCY` permits for the calls that hash a password; see
    /// [`crate::blocking::db_hashing`].
    pub hashing_gate: HashingGate,
    /// The accounts service's hasher, whose kept working memory the hashing gate frees when
    /// hashing goes idle.
    pub password_hasher: Arc<Argon2Hasher>,
}

impl AppState {
    /// Wires the adapters into the services.
    pub fn new(settings: Settings, pool: DbPool) -> Result<Self, StoreError> {
        let policy = TokenPolicy {
            issuer: TokenPolicy::DEFAULT_ISSUER.to_owned(),
            audience: TokenPolicy::DEFAULT_AUDIENCE.to_owned(),
            access_ttl: Duration::seconds(settings.access_token_ttl_seconds),
            refresh_ttl: Duration::days(settings.refresh_token_ttl_days),
        };
        let codec = JwtCodec::new(
            settings.jwt_secret.expose(),
            &policy.issuer,
            &policy.audience,
        );
        let password_hasher = Arc::new(Argon2Hasher::new(settings.password_hashing_concurrency)?);
        let accounts = AccountService::new(
            AccountPorts {
                repository: Arc::new(DieselAccountRepository::new(pool.clone())),
                hasher: password_hasher.clone(),
                codec: Arc::new(codec),
                secrets: Arc::new(RandomRefreshTokens),
                clock: Arc::new(MicrosecondClock),
            },
            policy,
            LoginThrottle {
                max_failures: settings.login_max_failures,
                window: Duration::minutes(15),
            },
        );
        let media = FsMediaStore::new(&settings.media_root).map_err(|error| {
            StoreError::unexpected(format!(
                "cannot create MEDIA_ROOT {}: {error}",
                settings.media_root.display()
            ))
        })?;
        let catalog_repository = Arc::new(DieselCatalogRepository::new(pool.clone()));
        let availability_repository = Arc::new(DieselAvailabilityRepository::new(pool.clone()));
        let availability = AvailabilityService::new(
            catalog_repository.clone(),
            availability_repository.clone(),
            Arc::new(MicrosecondClock),
        );
        let bookings = BookingService::new(
            catalog_repository.clone(),
            availability_repository,
            Arc::new(DieselBookingRepository::new(pool.clone())),
            Arc::new(MicrosecondClock),
            BookingSettings {
                hold: Duration::minutes(settings.booking_hold_minutes),
                payment_window: Duration::minutes(settings.payment_window_minutes),
                max_active_holds: settings.max_active_holds_per_customer,
            },
        );
        let gateway: Arc<dyn PaymentGateway> = match settings.payment_provider {
            PaymentProvider::Dev => {
                Arc::new(DevGateway::new(settings.stripe_webhook_secret.expose()))
            }
            PaymentProvider::Stripe => {
                let key = settings.stripe_secret_key.as_ref().ok_or_else(|| {
                    StoreError::unexpected("PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY")
                })?;
                let config = StripeConfig {
                    api_base: settings.stripe_api_base.clone(),
                    ..StripeConfig::new(key.expose())
                };
                Arc::new(StripeGateway::new(config).map_err(|error| {
                    StoreError::unexpected(format!("invalid Stripe settings: {error}"))
                })?)
            }
        };
        let payments = PaymentService::new(
            bookings.clone(),
            availability.clone(),
            catalog_repository.clone(),
            Arc::new(DieselPaymentRepository::new(pool.clone())),
            gateway,
            Arc::new(MicrosecondClock),
            PaymentSettings {
                webhook_secret: settings.stripe_webhook_secret.expose().to_owned(),
                simulation: settings.payment_provider == PaymentProvider::Dev,
            },
        );
        let catalog = CatalogService::new(
            catalog_repository,
            Arc::new(media),
            Arc::new(MicrosecondClock),
            settings.max_upload_bytes,
        );
        let metrics = actix_web_prom::PrometheusMetricsBuilder::new("watertrek")
            .mask_unmatched_patterns("UNMATCHED")
            .build()
            .map_err(|error| StoreError::unexpected(format!("cannot set up metrics: {error}")))?;
        Ok(Self {
            metrics,
            catalog,
            availability,
            bookings,
            payments,
            booking_limiter: KeyedLimiter::per_minute(settings.booking_rate_limit),
            auth_limiter: AuthRateLimiter::per_minute(settings.auth_rate_limit),
            routes: crate::routes::allow::RouteTable::from_openapi(
                &<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi(),
            ),
            db_gate: DbGate::new(pool.max_size(), settings.db_wait),
            hashing_gate: HashingGate::new(settings.password_hashing_concurrency).when_idle({
                let hasher = password_hasher.clone();
                move || hasher.release_memory()
            }),
            password_hasher,
            probe_pool: persistence::build_probe_pool(&settings.database, READY_PROBE_WAIT),
            settings: Arc::new(settings),
            pool,
            accounts,
        })
    }
}
