//! `StripeGateway` against a local stub of Stripe's API: what goes over the wire, and what each
//! answer becomes.

#![allow(clippy::unwrap_used)]

mod stub;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use domain_core::{Currency, Money};
use domain_payment::{
    GatewayError, GatewayIntent, GatewayRefund, IntentRequest, PaymentGateway, RefundRequest,
    RefundStatus,
};
use payment_stripe::{StripeConfig, StripeGateway, STRIPE_API_VERSION};
use stub::{json, Reply, Stub};

const SECRET_KEY: &str = "sk_test_51WaterTrek";

const INTENT: &str = r#"{
  "id": "pi_3Abc", "object": "payment_intent", "amount": 12550, "currency": "eur",
  "client_secret": "pi_3Abc_secret_Xyz", "status": "requires_payment_method",
  "metadata": {"booking_id": "bk_1"}, "livemode": false
}"#;

fn eur(amount: i64) -> Money {
    Money::new(amount, Currency::parse("eur").unwrap())
}

fn config(stub: &Stub, max_retries: u32) -> StripeConfig {
    StripeConfig {
        secret_key: SECRET_KEY.to_owned(),
        api_base: stub.base.clone(),
        timeout: Duration::from_secs(2),
        max_retries,
        retry_base_delay: Duration::from_millis(1),
    }
}

fn gateway(stub: &Stub, max_retries: u32) -> StripeGateway {
    StripeGateway::new(config(stub, max_retries)).unwrap()
}

fn intent_request() -> IntentRequest {
    IntentRequest {
        amount: eur(12550),
        booking_id: "bk 1&x=ü".to_owned(),
        idempotency_key: "intent-bk_1-1".to_owned(),
    }
}

fn refund_request() -> RefundRequest {
    RefundRequest {
        intent_id: "pi_3Abc".to_owned(),
        amount: eur(5000),
        refund_id: "rf_7".to_owned(),
        idempotency_key: "refund-rf_7".to_owned(),
    }
}

fn error(kind: &str, code: &str, message: &str) -> String {
    format!(r#"{{"error":{{"type":"{kind}","code":"{code}","message":"{message}"}}}}"#)
}

fn expected_intent() -> GatewayIntent {
    GatewayIntent {
        id: "pi_3Abc".to_owned(),
        client_secret: "pi_3Abc_secret_Xyz".to_owned(),
        amount: eur(12550),
        status: "requires_payment_method".to_owned(),
    }
}

#[test]
fn the_provider_is_stripe() {
    let stub = Stub::start(vec![]);
    assert_eq!(gateway(&stub, 0).provider(), "stripe");
}

#[test]
fn creating_an_intent_posts_an_encoded_form_with_key_version_and_idempotency_key() {
    let stub = Stub::start(vec![json(200, INTENT)]);

    let intent = gateway(&stub, 0).create_intent(&intent_request()).unwrap();

    assert_eq!(intent, expected_intent());
    let request = stub.request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/payment_intents");
    assert_eq!(
        request.header("Authorization"),
        Some("Bearer sk_test_51WaterTrek")
    );
    assert_eq!(request.header("Stripe-Version"), Some(STRIPE_API_VERSION));
    assert_eq!(request.header("Idempotency-Key"), Some("intent-bk_1-1"));
    assert_eq!(
        request.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = request.form();
    assert_eq!(form.len(), 4, "{form:?}");
    assert_eq!(form["amount"], "12550");
    assert_eq!(form["currency"], "eur");
    assert_eq!(form["metadata[booking_id]"], "bk 1&x=ü");
    assert_eq!(form["automatic_payment_methods[enabled]"], "true");
    // The special characters were encoded, not sent raw.
    assert!(!request.body.contains("bk 1&x"), "{}", request.body);
}

#[test]
fn retrieving_an_intent_gets_it_by_id_without_an_idempotency_key() {
    let stub = Stub::start(vec![json(200, INTENT)]);

    let intent = gateway(&stub, 0).retrieve_intent("pi_3Abc").unwrap();

    assert_eq!(intent, expected_intent());
    let request = stub.request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v1/payment_intents/pi_3Abc");
    assert_eq!(
        request.header("Authorization"),
        Some("Bearer sk_test_51WaterTrek")
    );
    assert_eq!(request.header("Stripe-Version"), Some(STRIPE_API_VERSION));
    assert_eq!(request.header("Idempotency-Key"), None);
    assert_eq!(request.body, "");
}

#[test]
fn an_intent_id_that_is_no_stripe_id_is_not_found_without_a_request() {
    let stub = Stub::start(vec![]);

    let result = gateway(&stub, 0).retrieve_intent("../refunds");

    assert!(
        matches!(result, Err(GatewayError::NotFound(_))),
        "{result:?}"
    );
    assert!(stub.requests().is_empty());
}

#[test]
fn creating_a_refund_posts_the_intent_amount_and_refund_id() {
    let stub = Stub::start(vec![json(
        200,
        r#"{"id":"re_9","object":"refund","amount":5000,"status":"pending","failure_reason":null}"#,
    )]);

    let refund = gateway(&stub, 0).create_refund(&refund_request()).unwrap();

    assert_eq!(
        refund,
        GatewayRefund {
            id: "re_9".to_owned(),
            status: RefundStatus::Pending,
            failure_reason: None,
        }
    );
    let request = stub.request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/refunds");
    assert_eq!(
        request.header("Authorization"),
        Some("Bearer sk_test_51WaterTrek")
    );
    assert_eq!(request.header("Stripe-Version"), Some(STRIPE_API_VERSION));
    assert_eq!(request.header("Idempotency-Key"), Some("refund-rf_7"));
    let form = request.form();
    assert_eq!(form.len(), 3, "{form:?}");
    assert_eq!(form["payment_intent"], "pi_3Abc");
    assert_eq!(form["amount"], "5000");
    assert_eq!(form["metadata[refund_id]"], "rf_7");
}

#[test]
fn refund_statuses_map_to_the_domain() {
    let cases = [
        ("succeeded", None, RefundStatus::Succeeded),
        (
            "failed",
            Some("expired_or_canceled_card"),
            RefundStatus::Failed,
        ),
        ("canceled", None, RefundStatus::Failed),
        ("pending", None, RefundStatus::Pending),
        ("requires_action", None, RefundStatus::Pending),
    ];
    let replies = cases
        .iter()
        .map(|(status, reason, _)| {
            let reason = reason.map_or("null".to_owned(), |reason| format!("\"{reason}\""));
            json(
                200,
                &format!(r#"{{"id":"re_1","status":"{status}","failure_reason":{reason}}}"#),
            )
        })
        .collect();
    let stub = Stub::start(replies);
    let gateway = gateway(&stub, 0);

    for (status, reason, expected) in cases {
        let refund = gateway.create_refund(&refund_request()).unwrap();
        assert_eq!(refund.status, expected, "{status}");
        assert_eq!(refund.failure_reason.as_deref(), reason, "{status}");
    }
}

#[test]
fn a_400_is_refused_with_stripes_message_and_not_retried() {
    let body = error(
        "invalid_request_error",
        "amount_too_small",
        "Amount must be at least €0.50 eur",
    );
    let stub = Stub::start(vec![json(400, &body), json(200, INTENT)]);

    let result = gateway(&stub, 3).create_intent(&intent_request());

    assert_eq!(
        result,
        Err(GatewayError::Refused(
            "Amount must be at least €0.50 eur".to_owned()
        ))
    );
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn a_declined_card_402_is_refused() {
    let body = error("card_error", "card_declined", "Your card was declined.");
    let stub = Stub::start(vec![json(402, &body)]);

    let result = gateway(&stub, 3).create_intent(&intent_request());

    assert_eq!(
        result,
        Err(GatewayError::Refused("Your card was declined.".to_owned()))
    );
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn an_idempotency_key_reused_with_other_parameters_is_refused_and_not_retried() {
    let body = error(
        "idempotency_error",
        "idempotency_key_in_use",
        "Keys for idempotent requests can only be used with the same parameters they were first used with.",
    );
    let stub = Stub::start(vec![json(409, &body), json(200, INTENT)]);

    let result = gateway(&stub, 3).create_refund(&refund_request());

    assert!(
        matches!(&result, Err(GatewayError::Refused(message)) if message.starts_with("Keys for idempotent")),
        "{result:?}"
    );
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn other_4xx_answers_are_refused_even_without_a_stripe_error_body() {
    let stub = Stub::start(vec![json(422, "not json")]);

    let result = gateway(&stub, 3).create_intent(&intent_request());

    assert_eq!(result, Err(GatewayError::Refused("HTTP 422".to_owned())));
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn a_404_is_not_found_and_not_retried() {
    let body = error(
        "invalid_request_error",
        "resource_missing",
        "No such payment_intent: 'pi_404'",
    );
    let stub = Stub::start(vec![json(404, &body), json(200, INTENT)]);

    let result = gateway(&stub, 3).retrieve_intent("pi_404");

    assert_eq!(
        result,
        Err(GatewayError::NotFound("payment intent pi_404".to_owned()))
    );
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn a_401_or_403_is_unauthorized_and_not_retried() {
    for status in [401, 403] {
        let body = error(
            "invalid_request_error",
            "api_key_expired",
            "Expired API Key provided: sk_test_****Trek",
        );
        let stub = Stub::start(vec![json(status, &body), json(200, INTENT)]);

        let result = gateway(&stub, 3).create_intent(&intent_request());

        assert_eq!(result, Err(GatewayError::Unauthorized), "{status}");
        assert_eq!(stub.requests().len(), 1, "{status}");
    }
}

#[test]
fn a_500_is_retried_with_the_same_idempotency_key_and_then_succeeds() {
    let body = error("api_error", "", "An unknown error occurred");
    let stub = Stub::start(vec![json(500, &body), json(200, INTENT)]);

    let intent = gateway(&stub, 2).create_intent(&intent_request()).unwrap();

    assert_eq!(intent, expected_intent());
    let requests = stub.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.header("Idempotency-Key"), Some("intent-bk_1-1"));
        assert_eq!(request.body, requests[0].body);
    }
}

#[test]
fn a_dropped_connection_is_retried_with_the_same_idempotency_key() {
    let stub = Stub::start(vec![
        Reply::Drop,
        json(
            200,
            r#"{"id":"re_9","status":"succeeded","failure_reason":null}"#,
        ),
    ]);

    let refund = gateway(&stub, 1).create_refund(&refund_request()).unwrap();

    assert_eq!(refund.status, RefundStatus::Succeeded);
    let requests = stub.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.header("Idempotency-Key"), Some("refund-rf_7"));
    }
}

#[test]
fn rate_limiting_and_5xx_are_retried_until_the_retries_run_out_then_unavailable() {
    let stub = Stub::start(vec![
        json(502, "<html>Bad gateway</html>"),
        json(503, "<html>Unavailable</html>"),
        json(
            429,
            &error("rate_limit_error", "rate_limit", "Too many requests"),
        ),
    ]);

    let result = gateway(&stub, 2).retrieve_intent("pi_3Abc");

    assert_eq!(
        result,
        Err(GatewayError::Unavailable(
            "Stripe answered HTTP 429: Too many requests".to_owned()
        ))
    );
    assert_eq!(stub.requests().len(), 3);
}

#[test]
fn a_timeout_is_unavailable() {
    let stub = Stub::start(vec![Reply::Stall(Duration::from_secs(2))]);
    let gateway = StripeGateway::new(StripeConfig {
        timeout: Duration::from_millis(100),
        ..config(&stub, 0)
    })
    .unwrap();
    let started = Instant::now();

    let result = gateway.create_intent(&intent_request());

    assert!(
        matches!(&result, Err(GatewayError::Unavailable(_))),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn an_unreachable_api_is_retried_then_unavailable() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let gateway = StripeGateway::new(StripeConfig {
        secret_key: SECRET_KEY.to_owned(),
        api_base: format!("http://127.0.0.1:{port}"),
        timeout: Duration::from_millis(500),
        max_retries: 2,
        retry_base_delay: Duration::from_millis(1),
    })
    .unwrap();

    let result = gateway.create_intent(&intent_request());

    assert!(
        matches!(&result, Err(GatewayError::Unavailable(_))),
        "{result:?}"
    );
}

#[test]
fn errors_never_carry_the_secret_key_or_the_client_secret() {
    let stub = Stub::start(vec![
        json(
            401,
            &error(
                "invalid_request_error",
                "",
                "Invalid API Key provided: sk_test_51WaterTrek",
            ),
        ),
        json(
            200,
            r#"{"id":"pi_1","client_secret":"pi_1_secret_Xyz","amount":"12","currency":"eur","status":"x"}"#,
        ),
    ]);
    let gateway = gateway(&stub, 0);

    for result in [
        gateway.create_intent(&intent_request()),
        gateway.retrieve_intent("pi_1"),
    ] {
        let error = result.unwrap_err().to_string();
        assert!(!error.contains(SECRET_KEY), "{error}");
        assert!(!error.contains("secret_Xyz"), "{error}");
    }
}
