//! WaterTrek HTTP API: the actix-web application, its configuration and wiring.
//!
//! The binary (`src/main.rs`) is a thin CLI over this library; tests build the same
//! application with [`app`].

pub mod blocking;
pub mod booking_dto;
pub mod catalog_dto;
pub mod config;
pub mod dev_gateway;
pub mod dto;
pub mod error;
pub mod extract;
pub mod headers;
pub mod input;
pub mod openapi;
pub mod payment_dto;
pub mod rate_limit;
pub mod routes;
pub mod security;
pub mod seed;
pub mod state;
pub mod telemetry;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpMessage};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::state::AppState;

/// The whole application for one worker.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_limit = state.settings.json_body_limit;
    let media_root = state.settings.media_root.clone();
    let metrics = state.metrics.clone();
    App::new()
        .app_data(state)
        .app_data(web::PayloadConfig::new(body_limit))
        .app_data(web::QueryConfig::default().error_handler(|error, _| {
            ApiError::bad_request(format!("malformed query: {error}")).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|error, _| {
            ApiError::bad_request(format!("malformed path: {error}")).into()
        }))
        .wrap(from_fn(input::refuse_control_characters))
        .wrap(from_fn(request_id_header))
        .wrap(metrics)
        .wrap(TracingLogger::default())
        .wrap(from_fn(headers::security_headers))
        .configure(routes::health::routes)
        .configure(routes::api_v1)
        .service(actix_files::Files::new("/media", media_root).default_handler(web::to(not_found)))
        .service(
            SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", ApiDoc::openapi()),
        )
        .default_service(web::to(not_found))
}

/// What no route answers: 405 with `Allow` for a documented path under another method, else
/// 404.
async fn not_found(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    match state.routes.disallowed(req.path(), req.method()) {
        Some(allow) => Err(ApiError::method_not_allowed(allow)),
        None => Err(ApiError::not_found()),
    }
}

/// Echoes the request id of the tracing span as `X-Request-Id`, so a client can quote it.
async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let mut response = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(response)
}
