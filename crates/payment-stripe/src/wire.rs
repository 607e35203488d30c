//! Stripe's JSON bodies, read into the port's types.
//!
//! Only the fields this adapter needs are read; Stripe adds fields without a new API version.

use domain_core::{Currency, Money};
use domain_payment::{GatewayError, GatewayIntent, GatewayRefund, RefundStatus};
use serde::Deserialize;

/// A `payment_intent` object.
#[derive(Deserialize)]
struct IntentBody {
    id: String,
    client_secret: String,
    amount: i64,
    currency: String,
    status: String,
}

/// A `refund` object.
#[derive(Deserialize)]
struct RefundBody {
    id: String,
    status: String,
    failure_reason: Option<String>,
}

/// `{"error": {"type": …, "code": …, "message": …}}`.
#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

/// A 2xx body that is not the object asked for. Stripe answered, but not as documented: treated
/// as the gateway failing. The body is never quoted: an intent's body holds its client secret.
fn unreadable(object: &str, reason: impl std::fmt::Display) -> GatewayError {
    GatewayError::Unavailable(format!("unreadable {object} from Stripe: {reason}"))
}

pub(crate) fn intent(body: &str) -> Result<GatewayIntent, GatewayError> {
    let intent: IntentBody =
        serde_json::from_str(body).map_err(|error| unreadable("payment intent", error))?;
    let currency = Currency::parse(&intent.currency)
        .map_err(|error| unreadable("payment intent", format_args!("currency {error}")))?;
    Ok(GatewayIntent {
        id: intent.id,
        client_secret: intent.client_secret,
        amount: Money::new(intent.amount, currency),
        status: intent.status,
    })
}

pub(crate) fn refund(body: &str) -> Result<GatewayRefund, GatewayError> {
    let refund: RefundBody =
        serde_json::from_str(body).map_err(|error| unreadable("refund", error))?;
    Ok(GatewayRefund {
        status: refund_status(&refund.status),
        id: refund.id,
        failure_reason: refund.failure_reason,
    })
}

/// `succeeded` → Succeeded; `failed` and `canceled` → Failed; `pending`, `requires_action` and
/// any status a later API version adds → Pending, so the refund waits for its webhook event
/// instead of being settled on a guess.
fn refund_status(status: &str) -> RefundStatus {
    match status {
        "succeeded" => RefundStatus::Succeeded,
        "failed" | "canceled" => RefundStatus::Failed,
        "pending" | "requires_action" => RefundStatus::Pending,
        other => {
            tracing::warn!(
                status = other,
                "unknown Stripe refund status; treated as pending"
            );
            RefundStatus::Pending
        }
    }
}

/// The human-readable part of a Stripe error body: its `message`, else its `code` or `type`.
/// None for a body that is no Stripe error (from a proxy or a load balancer, say): it is not
/// quoted.
pub(crate) fn error_message(body: &str) -> Option<String> {
    serde_json::from_str::<ErrorEnvelope>(body)
        .ok()
        .and_then(|envelope| {
            let ErrorBody {
                kind,
                code,
                message,
            } = envelope.error;
            message.or(code).or(kind)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intent_reads_its_amount_in_the_domain_currency() {
        let intent = intent(
            r#"{"id":"pi_1","object":"payment_intent","client_secret":"pi_1_secret_x",
                "amount":4200,"currency":"eur","status":"requires_payment_method","livemode":false}"#,
        )
        .unwrap();
        assert_eq!(intent.id, "pi_1");
        assert_eq!(intent.client_secret, "pi_1_secret_x");
        assert_eq!(
            intent.amount,
            Money::new(4200, Currency::parse("EUR").unwrap())
        );
        assert_eq!(intent.status, "requires_payment_method");
    }

    #[test]
    fn an_intent_without_a_client_secret_or_with_an_unknown_currency_is_unreadable() {
        for body in [
            r#"{"id":"pi_1","client_secret":null,"amount":1,"currency":"eur","status":"x"}"#,
            r#"{"id":"pi_1","client_secret":"s","amount":1,"currency":"zzz","status":"x"}"#,
            "<html>",
        ] {
            assert!(
                matches!(intent(body), Err(GatewayError::Unavailable(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn an_unreadable_intent_never_quotes_its_client_secret() {
        let error = intent(r#"{"id":"pi_1","client_secret":"pi_1_secret_x","amount":"many"}"#)
            .unwrap_err()
            .to_string();
        assert!(!error.contains("secret_x"), "{error}");
    }

    #[test]
    fn refund_statuses_map_to_the_domain() {
        for (stripe, domain) in [
            ("succeeded", RefundStatus::Succeeded),
            ("failed", RefundStatus::Failed),
            ("canceled", RefundStatus::Failed),
            ("pending", RefundStatus::Pending),
            ("requires_action", RefundStatus::Pending),
            ("some_future_status", RefundStatus::Pending),
        ] {
            assert_eq!(refund_status(stripe), domain, "{stripe}");
        }
    }

    #[test]
    fn error_messages_fall_back_from_message_to_code_to_type() {
        let full = r#"{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined."}}"#;
        assert_eq!(
            error_message(full).as_deref(),
            Some("Your card was declined.")
        );
        let code_only = r#"{"error":{"type":"invalid_request_error","code":"amount_too_small"}}"#;
        assert_eq!(
            error_message(code_only).as_deref(),
            Some("amount_too_small")
        );
        let type_only = r#"{"error":{"type":"idempotency_error"}}"#;
        assert_eq!(
            error_message(type_only).as_deref(),
            Some("idempotency_error")
        );
        assert_eq!(error_message("<html>Bad gateway</html>"), None);
    }
}
