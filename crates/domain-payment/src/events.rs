//! Stripe-format webhook events, read after their signature was verified.

use serde_json::Value;

use crate::model::RefundStatus;

/// What a PaymentIntent event says about the intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentFacts {
    pub intent_id: String,
    /// Minor units.
    pub amount: i64,
    /// As sent (Stripe sends lower case); compared case-insensitively.
    pub currency: String,
    /// `metadata.booking_id`, which this server sets on every intent it creates.
    pub booking_id: Option<String>,
}

/// What a refund event says about the refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundFacts {
    pub provider_refund_id: String,
    pub status: RefundStatus,
    /// `metadata.refund_id`: this server's refund id, set when it created the refund. It finds
    /// the record even when the event arrives before the gateway's answer was stored.
    pub refund_id: Option<String>,
    pub failure_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    IntentSucceeded(IntentFacts),
    IntentFailed {
        intent: IntentFacts,
        message: Option<String>,
    },
    IntentCanceled(IntentFacts),
    Refund(RefundFacts),
    /// A type this server does not act on (or an object it cannot read): stored and
    /// acknowledged.
    Other,
}

/// The PaymentIntent and refund events this server acts on. docs/payments.md lists them for
/// the Stripe dashboard.
pub const HANDLED_EVENT_TYPES: [&str; 6] = [
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "refund.created",
    "refund.updated",
    "refund.failed",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEvent {
    pub id: String,
    pub event_type: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the body is not a JSON object")]
    NotJson,
    #[error("the event has no `id` or no `type`")]
    MissingIdentity,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key)?.as_str().map(str::to_owned)
}

fn intent(object: &Value) -> Option<IntentFacts> {
    Some(IntentFacts {
        intent_id: text(object, "id")?,
        amount: object.get("amount")?.as_i64()?,
        currency: text(object, "currency")?,
        booking_id: object.get("metadata").and_then(|m| text(m, "booking_id")),
    })
}

fn refund(object: &Value) -> Option<RefundFacts> {
    let status = match object.get("status")?.as_str()? {
        "succeeded" => RefundStatus::Succeeded,
        "failed" | "canceled" => RefundStatus::Failed,
        // `pending` and `requires_action`: still on its way.
        _ => RefundStatus::Pending,
    };
    Some(RefundFacts {
        provider_refund_id: text(object, "id")?,
        status,
        refund_id: object.get("metadata").and_then(|m| text(m, "refund_id")),
        failure_reason: text(object, "failure_reason"),
    })
}

impl ParsedEvent {
    /// Reads an event body. Only the identity (`id`, `type`) is required; an event whose object
    /// cannot be read is kept as [`EventKind::Other`].
    pub fn parse(body: &[u8]) -> Result<Self, EventError> {
        let value: Value = serde_json::from_slice(body).map_err(|_| EventError::NotJson)?;
        if !value.is_object() {
            return Err(EventError::NotJson);
        }
        let id = text(&value, "id").filter(|id| !id.is_empty());
        let event_type = text(&value, "type").filter(|t| !t.is_empty());
        let (Some(id), Some(event_type)) = (id, event_type) else {
            return Err(EventError::MissingIdentity);
        };
        let object = value.pointer("/data/object").unwrap_or(&Value::Null);
        let kind = match event_type.as_str() {
            "payment_intent.succeeded" => intent(object).map(EventKind::IntentSucceeded),
            "payment_intent.payment_failed" => {
                intent(object).map(|facts| EventKind::IntentFailed {
                    intent: facts,
                    message: object
                        .pointer("/last_payment_error/message")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                })
            }
            "payment_intent.canceled" => intent(object).map(EventKind::IntentCanceled),
            "refund.created" | "refund.updated" | "refund.failed" => {
                refund(object).map(EventKind::Refund)
            }
            _ => None,
        }
        .unwrap_or(EventKind::Other);
        Ok(Self {
            id,
            event_type,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_succeeded_intent() {
        let body = br#"{"id":"evt_1","object":"event","type":"payment_intent.succeeded",
            "data":{"object":{"id":"pi_1","object":"payment_intent","amount":1500,
            "currency":"eur","status":"succeeded","metadata":{"booking_id":"b-1"}}}}"#;
        let event = ParsedEvent::parse(body).unwrap();
        assert_eq!(event.id, "evt_1");
        assert_eq!(
            event.kind,
            EventKind::IntentSucceeded(IntentFacts {
                intent_id: "pi_1".into(),
                amount: 1500,
                currency: "eur".into(),
                booking_id: Some("b-1".into()),
            })
        );
    }

    #[test]
    fn reads_a_failure_message_and_refund_statuses() {
        let failed = br#"{"id":"evt_2","type":"payment_intent.payment_failed","data":{"object":
            {"id":"pi_1","amount":1,"currency":"usd","last_payment_error":{"message":"declined"}}}}"#;
        let EventKind::IntentFailed { message, .. } = ParsedEvent::parse(failed).unwrap().kind
        else {
            panic!("not a failure");
        };
        assert_eq!(message.as_deref(), Some("declined"));
        for (raw, status) in [
            ("succeeded", RefundStatus::Succeeded),
            ("failed", RefundStatus::Failed),
            ("canceled", RefundStatus::Failed),
            ("pending", RefundStatus::Pending),
        ] {
            let body = format!(
                r#"{{"id":"evt_3","type":"refund.updated","data":{{"object":{{"id":"re_1",
                "status":"{raw}","metadata":{{"refund_id":"r-1"}}}}}}}}"#
            );
            let EventKind::Refund(facts) = ParsedEvent::parse(body.as_bytes()).unwrap().kind else {
                panic!("not a refund");
            };
            assert_eq!(facts.status, status);
            assert_eq!(facts.refund_id.as_deref(), Some("r-1"));
        }
    }

    #[test]
    fn unknown_types_and_unreadable_objects_are_other() {
        let unknown = br#"{"id":"evt_4","type":"customer.created","data":{"object":{}}}"#;
        assert_eq!(ParsedEvent::parse(unknown).unwrap().kind, EventKind::Other);
        let no_amount =
            br#"{"id":"evt_5","type":"payment_intent.succeeded","data":{"object":{"id":"pi"}}}"#;
        assert_eq!(
            ParsedEvent::parse(no_amount).unwrap().kind,
            EventKind::Other
        );
    }

    #[test]
    fn an_event_needs_json_an_id_and_a_type() {
        assert_eq!(ParsedEvent::parse(b"not json"), Err(EventError::NotJson));
        assert_eq!(ParsedEvent::parse(b"[1]"), Err(EventError::NotJson));
        assert_eq!(
            ParsedEvent::parse(br#"{"type":"payment_intent.succeeded"}"#),
            Err(EventError::MissingIdentity)
        );
        assert_eq!(
            ParsedEvent::parse(br#"{"id":"","type":"x"}"#),
            Err(EventError::MissingIdentity)
        );
    }
}
