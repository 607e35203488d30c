//! Stripe's webhook signature scheme.
//!
//! `Stripe-Signature: t=<unix seconds>,v1=<hex>,v1=<hex>,v0=<hex>`: each `v1` is
//! HMAC-SHA256 over `"{t}.{raw body}"` keyed by the whole endpoint secret (`whsec_…`, used as
//! the bytes of the string). Any one matching `v1` verifies the event; other schemes (`v0`) are
//! ignored. The timestamp must be within the tolerance of now, in either direction.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Stripe's default tolerance.
pub const SIGNATURE_TOLERANCE: Duration = Duration::seconds(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no v1 signature matches the body")]
    Mismatch,
}

/// `None` only if the HMAC implementation refused the key, which HMAC's definition (keys of
/// any length) rules out.
fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// Checks `header` against `body` as received, before anything parses the body.
pub fn verify_signature(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: DateTime<Utc>,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" => timestamp = value.parse::<i64>().ok(),
            // A value that is not hex cannot match; skip it rather than fail the rest.
            "v1" => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let signed_at = DateTime::from_timestamp(timestamp, 0).ok_or(SignatureError::Stale)?;
    if (now - signed_at).abs() > tolerance {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body).ok_or(SignatureError::Mismatch)?;
    // `verify_slice` compares in constant time.
    if signatures
        .iter()
        .any(|signature| expected.clone().verify_slice(signature).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `Stripe-Signature` header Stripe would send for `body` at `at` (the development
/// provider signs its simulated events with it).
pub fn sign(body: &[u8], secret: &str, at: DateTime<Utc>) -> Option<String> {
    let timestamp = at.timestamp();
    let signature = hex::encode(mac(secret, timestamp, body)?.finalize().into_bytes());
    Some(format!("t={timestamp},v1={signature}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    fn verify(header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
        verify_signature(Some(header), body, SECRET, at(now), SIGNATURE_TOLERANCE)
    }

    #[test]
    fn matches_an_independently_computed_signature() {
        // python3: hmac.new(b"whsec_test_secret", b"1700000000." + BODY, "sha256").hexdigest()
        let expected =
            "t=1700000000,v1=22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31";
        assert_eq!(sign(BODY, SECRET, at(1_700_000_000)).unwrap(), expected);
        assert_eq!(verify(expected, BODY, 1_700_000_000), Ok(()));
    }

    #[test]
    fn any_v1_may_match_and_other_schemes_are_ignored() {
        let good = sign(BODY, SECRET, at(1_700_000_000)).unwrap();
        let v1 = good.split_once(",v1=").unwrap().1;
        let header = format!("t=1700000000,v0=abcd,v1={},v1={v1}", "00".repeat(32));
        assert_eq!(verify(&header, BODY, 1_700_000_000), Ok(()));
        let only_v0 = format!("t=1700000000,v0={v1}");
        assert_eq!(
            verify(&only_v0, BODY, 1_700_000_000),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn a_changed_body_or_another_secret_does_not_verify() {
        let header = sign(BODY, SECRET, at(1_700_000_000)).unwrap();
        let mut tampered = BODY.to_vec();
        tampered[10] ^= 1;
        assert_eq!(
            verify(&header, &tampered, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        let other = sign(BODY, "whsec_other", at(1_700_000_000)).unwrap();
        assert_eq!(
            verify(&other, BODY, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        let shifted = header.replace("t=1700000000", "t=1700000001");
        assert_eq!(
            verify(&shifted, BODY, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn the_timestamp_must_be_within_five_minutes_either_way() {
        let header = sign(BODY, SECRET, at(1_700_000_000)).unwrap();
        assert_eq!(verify(&header, BODY, 1_700_000_300), Ok(()));
        assert_eq!(verify(&header, BODY, 1_699_999_700), Ok(()));
        assert_eq!(
            verify(&header, BODY, 1_700_000_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&header, BODY, 1_699_999_699),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn missing_or_malformed_headers_are_refused() {
        assert_eq!(
            verify_signature(None, BODY, SECRET, at(0), SIGNATURE_TOLERANCE),
            Err(SignatureError::Missing)
        );
        for header in [
            "",
            "garbage",
            "v1=abcd",
            "t=1700000000",
            "t=soon,v1=00",
            "t=1700000000,v1=zz",
        ] {
            assert_eq!(
                verify(header, BODY, 1_700_000_000),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
    }
}
