//! Security headers on every response.
//!
//! - `X-Content-Type-Options: nosniff` everywhere (media included), so a browser never runs
//!   an upload as something other than its declared type.
//! - `Referrer-Policy: no-referrer`: URLs of this server (which may hold ids) are never sent
//!   to other sites.
//! - `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'` on JSON, problem
//!   and media responses: a document that is data may load nothing and be framed by nobody.
//!   HTML pages (Swagger UI) keep their own needs and set their own policy, if any.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

pub const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

pub async fn security_headers<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let is_media = req.path().starts_with("/media/");
    let mut response = next.call(req).await?;
    let is_data = is_media
        || response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                let mime = value.split(';').next().unwrap_or_default().trim();
                mime == "application/json" || mime.ends_with("+json")
            });
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    if is_data && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DATA_CSP),
        );
    }
    Ok(response)
}
