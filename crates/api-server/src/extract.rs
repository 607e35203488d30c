//! Request extractors: strict JSON bodies, the authenticated caller, the client address.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use domain_accounts::Principal;
use domain_core::ValidationErrors;
use serde::de::DeserializeOwned;

use crate::blocking::db;
use crate::error::ApiError;
use crate::state::AppState;

type LocalFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// A JSON body parsed strictly: `application/json` only (415), within the size limit (413),
/// syntax errors are 400, and wrong, missing or unknown fields are 422 with per-field errors.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "the request body must be JSON (Content-Type: application/json)",
                ));
            }
            let bytes = body.await.map_err(|error| {
                if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "the request body is too large",
                    )
                } else {
                    ApiError::bad_request(format!("cannot read the request body: {error}"))
                }
            })?;
            parse_json(&bytes).map(ApiJson)
        })
    }
}

/// Like [`ApiJson`], but an empty body is `T::default()` (for actions whose body is optional).
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared_empty = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() == "0");
        let has_type = req.headers().contains_key(header::CONTENT_TYPE);
        if declared_empty || !has_type {
            let body = web::Bytes::from_request(req, payload);
            return Box::pin(async move {
                let bytes = body.await.map_err(|error| {
                    ApiError::bad_request(format!("cannot read the body: {error}"))
                })?;
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    Ok(OptionalJson(T::default()))
                } else {
                    Err(ApiError::new(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        "the request body must be JSON (Content-Type: application/json)",
                    ))
                }
            });
        }
        let json = ApiJson::<T>::from_request(req, payload);
        Box::pin(async move { json.await.map(|ApiJson(value)| OptionalJson(value)) })
    }
}

/// Parses `bytes` as `T`: a body that is not JSON is 400, one that is not a JSON object is
/// 400 (an array must not bind to fields by position), a string with control characters is
/// 422 naming its field ([`crate::input`]), and serde's field errors are 422.
///
/// A number with a zero fraction (`2.0`, `4500.0`) is an integer, as JSON Schema and the
/// OpenAPI document count it, so it is accepted where an integer is expected; `2.5` is not.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|error| ApiError::bad_request(format!("malformed JSON: {error}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    crate::input::check_json(&value).map_err(ApiError::validation)?;
    integral_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => field_error(&path, &inner),
            _ => ApiError::bad_request(format!("malformed JSON: {inner}")),
        }
    })
}

/// Turns every float with a zero fraction that an `i64` holds exactly into that integer.
fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64() {
                // 2^63 is the first float beyond i64; every integral float below it converts
                // exactly.
                const LIMIT: f64 = 9_223_372_036_854_775_808.0;
                if float.fract() == 0.0 && (-LIMIT..LIMIT).contains(&float) {
                    #[allow(clippy::cast_possible_truncation)]
                    let integer = float as i64;
                    *number = integer.into();
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        serde_json::Value::Object(fields) => {
            fields.values_mut().for_each(integral_numbers_as_integers);
        }
        _ => {}
    }
}

fn field_error(path: &str, error: &serde_json::Error) -> ApiError {
    let message = error.to_string();
    // serde_json appends " at line L column C"; clients need only the field.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    let join = |name: &str| {
        // serde_path_to_error ends the path with the unknown field itself, but not with a
        // missing one.
        if path == name || path.ends_with(&format!(".{name}")) {
            path.to_owned()
        } else if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    let (field, text) = if let Some(name) = quoted("unknown field `") {
        (join(&name), "is not an accepted field".to_owned())
    } else if let Some(name) = quoted("missing field `") {
        (join(&name), "is required".to_owned())
    } else if path == "." || path.is_empty() {
        ("body".to_owned(), message.to_owned())
    } else {
        (path.to_owned(), message.to_owned())
    };
    ApiError::validation(ValidationErrors::single(field, text))
}

/// The caller, authenticated by a bearer access token checked against the store.
#[derive(Debug, Clone)]
pub struct AuthUser(pub Principal);

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token =
                token.ok_or_else(|| ApiError::unauthorized("a bearer access token is required"))?;
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let principal = db(&state, move |state| state.accounts.authenticate(&token)).await??;
            Ok(AuthUser(principal))
        })
    }
}

/// The caller if a bearer token is sent (and then it must be valid), else nobody.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<Principal>);

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = LocalFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let user = AuthUser::from_request(req, payload);
            Box::pin(async move { user.await.map(|AuthUser(p)| MaybeAuthUser(Some(p))) })
        } else {
            Box::pin(async { Ok(MaybeAuthUser(None)) })
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// The client's address for rate limiting: the peer address, or the forwarded one when the
/// server is configured to trust proxy headers.
pub fn client_address(req: &HttpRequest, trust_proxy_headers: bool) -> String {
    let info = req.connection_info();
    let raw = if trust_proxy_headers {
        info.realip_remote_addr().map(str::to_owned)
    } else {
        req.peer_addr().map(|addr| addr.ip().to_string())
    };
    raw.map(|addr| {
        // realip may carry a port; the limiter keys on the host.
        addr.parse::<std::net::SocketAddr>()
            .map(|socket| socket.ip().to_string())
            .unwrap_or(addr)
    })
    .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        size: u32,
    }

    fn status(result: Result<Body, ApiError>) -> (u16, String) {
        let error = result.unwrap_err();
        let response = actix_web::ResponseError::error_response(&error);
        (response.status().as_u16(), format!("{error:?}"))
    }

    #[test]
    fn syntax_errors_are_400() {
        assert_eq!(status(parse_json(b"{\"name\": ")).0, 400);
        assert_eq!(status(parse_json(b"{\"name\": \"a\"} trailing")).0, 400);
    }

    #[test]
    fn field_errors_are_422_and_name_the_field() {
        let (code, debug) = status(parse_json(b"{\"name\": \"a\", \"role\": \"admin\"}"));
        assert_eq!(code, 422);
        assert!(debug.contains("\"role\""), "{debug}");
        let (code, debug) = status(parse_json(b"{}"));
        assert_eq!(code, 422);
        assert!(debug.contains("\"name\""), "{debug}");
        let (code, debug) = status(parse_json(
            b"{\"name\": \"a\", \"inner\": {\"size\": \"big\"}}",
        ));
        assert_eq!(code, 422);
        assert!(debug.contains("inner.size"), "{debug}");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_400() {
        for body in [&b"[\"a\", null]"[..], b"\"just a string\"", b"42", b"null"] {
            assert_eq!(status(parse_json(body)).0, 400, "{body:?}");
        }
    }

    #[test]
    fn control_characters_are_422_naming_the_field() {
        let (code, debug) = status(parse_json(b"{\"name\": \"a\\u0000b\"}"));
        assert_eq!(code, 422);
        assert!(debug.contains("\"name\""), "{debug}");
    }

    #[test]
    fn integral_floats_are_integers_and_fractions_are_not() {
        #[derive(Debug, Deserialize)]
        struct Numbers {
            count: i64,
            latitude: f64,
        }
        let numbers: Numbers = parse_json(b"{\"count\": 4500.0, \"latitude\": 2}").unwrap();
        assert_eq!((numbers.count, numbers.latitude), (4500, 2.0));
        let error = parse_json::<Numbers>(b"{\"count\": 4500.5, \"latitude\": 2}").unwrap_err();
        let response = actix_web::ResponseError::error_response(&error);
        assert_eq!(response.status().as_u16(), 422);
        assert!(parse_json::<Numbers>(b"{\"count\": 1e19, \"latitude\": 2}").is_err());
    }

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "bearer abc.def"))
            .to_http_request();
        assert_eq!(bearer_token(&req).as_deref(), Some("abc.def"));
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic abc"))
            .to_http_request();
        assert!(bearer_token(&req).is_none());
    }
}
