//! The development payment provider (`PAYMENT_PROVIDER=dev`): a `PaymentGateway` that needs no
//! account and no network. It follows Stripe's lifecycle: an intent waits for the customer
//! (`requires_payment_method`) until `POST /payments/{id}/simulate` sends the signed event
//! Stripe would send through the real webhook endpoint; refunds succeed at once.
//!
//! It keeps no state, so a restarted server still knows its intents: ids are derived from the
//! idempotency key (a retry gets the same intent or refund, as at Stripe) and carry the amount
//! and currency; client secrets are derived from the id with a per-process key.

use domain_core::{Currency, Money};
use domain_payment::{
    GatewayError, GatewayIntent, GatewayRefund, IntentRequest, PaymentGateway, RefundRequest,
    RefundStatus,
};
use sha2::{Digest, Sha256};

pub struct DevGateway {
    /// Mixed into client secrets so that they cannot be guessed from the intent id.
    secret: String,
}

impl DevGateway {
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
        }
    }

    fn digest(parts: &[&str]) -> String {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(&hasher.finalize()[..12])
    }

    fn intent(&self, id: String, amount: Money) -> GatewayIntent {
        GatewayIntent {
            client_secret: format!("{id}_secret_{}", Self::digest(&[&self.secret, &id])),
            id,
            amount,
            status: "requires_payment_method".into(),
        }
    }
}

impl PaymentGateway for DevGateway {
    fn provider(&self) -> &'static str {
        "dev"
    }

    fn create_intent(&self, request: &IntentRequest) -> Result<GatewayIntent, GatewayError> {
        if request.amount.amount < 1 {
            return Err(GatewayError::Refused(
                "amount must be at least 1 minor unit".into(),
            ));
        }
        let id = format!(
            "pi_dev_{}_{}_{}",
            Self::digest(&[&request.idempotency_key]),
            request.amount.amount,
            request.amount.currency.code().to_ascii_lowercase()
        );
        Ok(self.intent(id, request.amount))
    }

    fn retrieve_intent(&self, intent_id: &str) -> Result<GatewayIntent, GatewayError> {
        let unknown = || GatewayError::NotFound(format!("payment intent {intent_id}"));
        let rest = intent_id.strip_prefix("pi_dev_").ok_or_else(unknown)?;
        let mut parts = rest.split('_');
        let (Some(_), Some(amount), Some(currency), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(unknown());
        };
        let amount = amount.parse().map_err(|_| unknown())?;
        let currency = Currency::parse(currency).map_err(|_| unknown())?;
        Ok(self.intent(intent_id.to_owned(), Money::new(amount, currency)))
    }

    fn create_refund(&self, request: &RefundRequest) -> Result<GatewayRefund, GatewayError> {
        self.retrieve_intent(&request.intent_id)?;
        Ok(GatewayRefund {
            id: format!("re_dev_{}", Self::digest(&[&request.idempotency_key])),
            status: RefundStatus::Succeeded,
            failure_reason: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(amount: i64) -> Money {
        Money::new(amount, Currency::parse("EUR").unwrap())
    }

    fn request(key: &str, amount: i64) -> IntentRequest {
        IntentRequest {
            amount: eur(amount),
            booking_id: "b-1".into(),
            idempotency_key: key.into(),
        }
    }

    #[test]
    fn the_same_key_gives_the_same_intent_and_a_retrieve_finds_it_without_state() {
        let gateway = DevGateway::new("k1");
        let first = gateway.create_intent(&request("key-1", 4_500)).unwrap();
        assert_eq!(
            first,
            gateway.create_intent(&request("key-1", 4_500)).unwrap()
        );
        assert_ne!(
            first.id,
            gateway.create_intent(&request("key-2", 4_500)).unwrap().id
        );
        assert_eq!(first.status, "requires_payment_method");
        let restarted = DevGateway::new("k1");
        assert_eq!(restarted.retrieve_intent(&first.id).unwrap(), first);
        assert_eq!(
            restarted.retrieve_intent(&first.id).unwrap().amount,
            eur(4_500)
        );
        assert_ne!(
            DevGateway::new("k2")
                .retrieve_intent(&first.id)
                .unwrap()
                .client_secret,
            first.client_secret
        );
    }

    #[test]
    fn unknown_intents_are_not_found_and_refunds_are_idempotent() {
        let gateway = DevGateway::new("k");
        for id in [
            "pi_123",
            "pi_dev_x",
            "pi_dev_a_b_eur",
            "pi_dev_a_1_xyz",
            "pi_dev_a_1_eur_z",
        ] {
            assert!(
                matches!(gateway.retrieve_intent(id), Err(GatewayError::NotFound(_))),
                "{id}"
            );
        }
        let intent = gateway.create_intent(&request("key", 100)).unwrap();
        let refund = |key: &str| {
            gateway.create_refund(&RefundRequest {
                intent_id: intent.id.clone(),
                amount: eur(50),
                refund_id: "r".into(),
                idempotency_key: key.into(),
            })
        };
        let first = refund("rk").unwrap();
        assert_eq!(first.status, RefundStatus::Succeeded);
        assert_eq!(first, refund("rk").unwrap());
        assert_ne!(first.id, refund("other").unwrap().id);
        assert!(gateway.create_intent(&request("zero", 0)).is_err());
    }
}
