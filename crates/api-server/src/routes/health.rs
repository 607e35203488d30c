//! Liveness and readiness.

use actix_web::{web, HttpResponse};

use crate::dto::HealthResponse;
use crate::error::responses::*;
use crate::error::ApiError;
use crate::state::AppState;

/// The most `/health/ready` takes to answer.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(950);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health/live", web::get().to(live))
        .route("/health/ready", web::get().to(ready))
        .route("/metrics", web::get().to(metrics));
}

/// 200 while the process runs.
#[utoipa::path(get, path = "/health/live", tag = "operations",
    responses((status = 200, description = "The process is running", body = HealthResponse)))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse {
        status: "ok".into(),
    })
}

/// 200 when the database answers, 503 otherwise, within 1 s. The probe has a connection of
/// its own and does not queue behind requests.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = HealthResponse),
        (status = 503, response = ServiceUnavailable),
    ))]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let probe = state.probe_pool.clone();
    let ping = web::block(move || persistence::ping(&probe));
    match actix_web::rt::time::timeout(READY_TIMEOUT, ping).await {
        Ok(answer) => answer??,
        Err(_) => {
            return Err(ApiError::unavailable(format!(
                "the database did not answer within {} ms",
                READY_TIMEOUT.as_millis()
            )))
        }
    }
    Ok(HttpResponse::Ok().json(HealthResponse {
        status: "ok".into(),
    }))
}

/// Prometheus metrics: request counts and latency histograms by route pattern, method and
/// status (`watertrek_http_requests_total`, `watertrek_http_requests_duration_seconds`).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 500, description = "The metrics could not be encoded"),
    ))]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let families = state.metrics.registry.gather();
    let text = prometheus::TextEncoder::new()
        .encode_to_string(&families)
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(text))
}
