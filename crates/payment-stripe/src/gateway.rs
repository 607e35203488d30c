//! [`StripeGateway`]: the calls, the retries and the mapping of HTTP outcomes to
//! [`GatewayError`].

use std::thread;

use domain_payment::{
    GatewayError, GatewayIntent, GatewayRefund, IntentRequest, PaymentGateway, RefundRequest,
};
use ureq::http::Response;
use ureq::{Agent, Body};

use crate::config::{StripeConfig, StripeConfigError};
use crate::wire;

/// The Stripe API version every request asks for (`Stripe-Version`), whatever the account's
/// default is. The webhook endpoint should be created with the same version, so that the objects
/// in events look like the ones this adapter reads.
pub const STRIPE_API_VERSION: &str = "2025-08-27.basil";

/// Largest response body read (Stripe's objects are a few KiB).
const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// The [`PaymentGateway`] port over Stripe's HTTP API.
///
/// Uses the blocking `ureq` client rather than `reqwest`: the port is synchronous (the server
/// calls it from its blocking pool), and `reqwest`'s blocking client would start its own tokio
/// runtime per client and pull in hyper and the tokio I/O stack. `ureq` with rustls (ring, the
/// webpki root certificates) and no other features is a small, runtime-free build.
///
/// Every call is bounded by the configured timeout. A network error, a timeout, a 429 or a 5xx
/// is retried, with the same `Idempotency-Key` on POSTs, after an exponentially growing wait;
/// any other 4xx is final. Neither the secret key nor an intent's client secret is logged or
/// put into an error.
pub struct StripeGateway {
    agent: Agent,
    /// `Bearer <secret key>`.
    authorization: String,
    /// The API base without a trailing `/`.
    api_base: String,
    config: StripeConfig,
}

impl StripeGateway {
    /// Checks the configuration (key shape, API base URL, timeout) and builds the HTTP client.
    pub fn new(config: StripeConfig) -> Result<Self, StripeConfigError> {
        let api_base = config.validate()?;
        let agent = Agent::config_builder()
            .timeout_global(Some(config.timeout))
            // 4xx and 5xx carry Stripe's error body: read them as responses.
            .http_status_as_error(false)
            // Stripe's API does not redirect; a redirect means a wrong API base.
            .max_redirects(0)
            .user_agent(concat!("WaterTrek/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(Self {
            agent,
            authorization: format!("Bearer {}", config.secret_key),
            api_base,
            config,
        })
    }

    /// Sends `request` until it gets an answer that retrying cannot change, or runs out of
    /// retries. Returns the body of a 2xx.
    fn send(&self, request: &Request<'_>) -> Result<String, GatewayError> {
        let url = format!("{}{}", self.api_base, request.path);
        let mut retry = 0;
        loop {
            let reason = match self.attempt(&url, request) {
                Outcome::Final(result) => return result,
                Outcome::Transient(reason) => reason,
            };
            if retry >= self.config.max_retries {
                return Err(GatewayError::Unavailable(reason));
            }
            let delay = self.config.retry_delay(retry);
            tracing::warn!(
                method = request.method(),
                path = %request.path,
                %reason,
                retry = retry + 1,
                of = self.config.max_retries,
                delay_ms = delay.as_millis(),
                "Stripe call failed; retrying",
            );
            thread::sleep(delay);
            retry += 1;
        }
    }

    fn attempt(&self, url: &str, request: &Request<'_>) -> Outcome {
        let sent = match &request.body {
            None => self
                .agent
                .get(url)
                .header("Authorization", &self.authorization)
                .header("Stripe-Version", STRIPE_API_VERSION)
                .call(),
            Some(Form {
                fields,
                idempotency_key,
            }) => self
                .agent
                .post(url)
                .header("Authorization", &self.authorization)
                .header("Stripe-Version", STRIPE_API_VERSION)
                .header("Idempotency-Key", *idempotency_key)
                // Percent-encodes names and values and sets the form content type.
                .send_form(fields.iter().map(|(name, value)| (*name, value.as_str()))),
        };
        match sent.and_then(read_body) {
            Ok((status, body)) => classify_status(status, &body, request),
            Err(error) => classify_transport_error(error),
        }
    }
}

/// One call to Stripe: a GET without body, or a form POST with its idempotency key.
struct Request<'a> {
    path: String,
    body: Option<Form<'a>>,
    /// What a 404 means was not found, for [`GatewayError::NotFound`].
    subject: String,
}

struct Form<'a> {
    fields: Vec<(&'static str, String)>,
    idempotency_key: &'a str,
}

impl Request<'_> {
    fn method(&self) -> &'static str {
        if self.body.is_some() {
            "POST"
        } else {
            "GET"
        }
    }
}

enum Outcome {
    /// Success, or an answer that the same request would get again.
    Final(Result<String, GatewayError>),
    /// Worth another attempt: why this one failed.
    Transient(String),
}

fn read_body(mut response: Response<Body>) -> Result<(u16, String), ureq::Error> {
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_string()?;
    Ok((status, body))
}

fn classify_status(status: u16, body: &str, request: &Request<'_>) -> Outcome {
    let message = || wire::error_message(body);
    let error = match status {
        200..=299 => return Outcome::Final(Ok(body.to_owned())),
        429 | 500..=599 => {
            return Outcome::Transient(match message() {
                Some(message) => format!("Stripe answered HTTP {status}: {message}"),
                None => format!("Stripe answered HTTP {status}"),
            })
        }
        401 | 403 => GatewayError::Unauthorized,
        404 => GatewayError::NotFound(request.subject.clone()),
        400..=499 => GatewayError::Refused(message().unwrap_or_else(|| format!("HTTP {status}"))),
        _ => GatewayError::Unavailable(format!("unexpected HTTP status {status} from Stripe")),
    };
    Outcome::Final(Err(error))
}

/// Failures on the way (connecting, TLS, sending, a dropped connection, a timeout) are worth a
/// retry; a request this client cannot build or a body over the limit is not.
fn classify_transport_error(error: ureq::Error) -> Outcome {
    use ureq::Error as E;
    let transient = matches!(
        error,
        E::Io(_)
            | E::Timeout(_)
            | E::HostNotFound
            | E::ConnectionFailed
            | E::Protocol(_)
            | E::Tls(_)
            | E::Rustls(_)
            | E::ConnectProxyFailed(_)
    );
    let reason = format!("Stripe could not be reached: {error}");
    if transient {
        Outcome::Transient(reason)
    } else {
        Outcome::Final(Err(GatewayError::Unavailable(reason)))
    }
}

/// Stripe ids are letters, digits and `_`. Anything else is no Stripe object, and must not reach
/// a URL path (`../refunds`).
fn is_stripe_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

impl PaymentGateway for StripeGateway {
    fn provider(&self) -> &'static str {
        "stripe"
    }

    /// `POST /v1/payment_intents` with `automatic_payment_methods[enabled]=true`: the customer's
    /// client confirms it with the returned client secret.
    fn create_intent(&self, request: &IntentRequest) -> Result<GatewayIntent, GatewayError> {
        let body = self.send(&Request {
            path: "/v1/payment_intents".to_owned(),
            body: Some(Form {
                fields: vec![
                    ("amount", request.amount.amount.to_string()),
                    (
                        "currency",
                        request.amount.currency.code().to_ascii_lowercase(),
                    ),
                    ("metadata[booking_id]", request.booking_id.clone()),
                    ("automatic_payment_methods[enabled]", "true".to_owned()),
                ],
                idempotency_key: &request.idempotency_key,
            }),
            subject: "the payment_intents endpoint".to_owned(),
        })?;
        wire::intent(&body)
    }

    /// `GET /v1/payment_intents/{id}`.
    fn retrieve_intent(&self, intent_id: &str) -> Result<GatewayIntent, GatewayError> {
        let subject = format!("payment intent {intent_id}");
        if !is_stripe_id(intent_id) {
            return Err(GatewayError::NotFound(subject));
        }
        let body = self.send(&Request {
            path: format!("/v1/payment_intents/{intent_id}"),
            body: None,
            subject,
        })?;
        wire::intent(&body)
    }

    /// `POST /v1/refunds` against the intent, with this server's refund id as metadata.
    fn create_refund(&self, request: &RefundRequest) -> Result<GatewayRefund, GatewayError> {
        let body = self.send(&Request {
            path: "/v1/refunds".to_owned(),
            body: Some(Form {
                fields: vec![
                    ("payment_intent", request.intent_id.clone()),
                    ("amount", request.amount.amount.to_string()),
                    ("metadata[refund_id]", request.refund_id.clone()),
                ],
                idempotency_key: &request.idempotency_key,
            }),
            subject: format!("payment intent {}", request.intent_id),
        })?;
        wire::refund(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_ids_are_letters_digits_and_underscores() {
        assert!(is_stripe_id("pi_3MtwBwLkdIwHu7ix28a3tqPa"));
        for id in [
            "",
            "../refunds",
            "pi_1?expand[]=x",
            "pi 1",
            "pi_1/cancel",
            "pí_1",
        ] {
            assert!(!is_stripe_id(id), "{id:?}");
        }
    }
}
