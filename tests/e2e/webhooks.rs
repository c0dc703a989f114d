//! Webhook signatures and events: known-answer vectors (computed with
//! Python's `hmac` module) and an independent HMAC computed here, the
//! tolerance window at its edges, malformed input, and `parse_webhook_event`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use phala_cloud::webhook::{
    parse_webhook_event, parse_webhook_event_at, sign, verify_webhook_signature,
    verify_webhook_signature_at, WebhookError, DEFAULT_TOLERANCE,
};
use reqwest::header::{HeaderMap, HeaderValue};
use sha2::Sha256;

/// `(secret, timestamp, body, "sha256=" + hex)` from
/// `hmac.new(secret, f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()`.
const VECTORS: &[(&str, &str, &str, &str)] = &[
    (
        "whsec_test",
        "1700000000",
        r#"{"id":"evt_1"}"#,
        "sha256=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925",
    ),
    (
        "plain-secret",
        "1737453600",
        "",
        "sha256=63803c86924d6ab058f3adf32557917827a784b29d457f70761a11a12d01c9f3",
    ),
    (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "1737453600",
        EVENT,
        "sha256=b32f1ce76e48b0bf12d1b9c2bd78905785eb9dab0f7fc5b428d717bd998dc68b",
    ),
];
/// HMAC of the first vector with the `whsec_` prefix stripped from the key.
const STRIPPED_PREFIX_HEX: &str =
    "b3c710334558cb57a828b3c6f9fc7983f5f60c72d9a82d610f405b08305328fc";
const EVENT: &str = r#"{"id":"evt_1","event":"cvm.created","created_at":"2026-01-21T10:00:00Z","workspace":{"id":"wks_1"},"data":{"cvm_id":"cvm_1"}}"#;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TS: u64 = 1_737_453_600;

fn independent(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn verify_at(ts: &str, body: &str, sig: &str, now: SystemTime) -> bool {
    verify_webhook_signature_at(SECRET, ts, body, sig, DEFAULT_TOLERANCE, now)
}

#[test]
fn sign_matches_known_answers_and_an_independent_hmac() {
    for (secret, ts, body, expected) in VECTORS {
        assert_eq!(sign(secret, ts, body), *expected, "{secret} {ts}");
        assert_eq!(independent(secret, ts, body), *expected);
        assert_eq!(sign(secret, ts, body.as_bytes()), *expected, "bytes body");
        let now = at(ts.parse().unwrap());
        assert!(verify_webhook_signature_at(
            secret,
            ts,
            body,
            expected,
            DEFAULT_TOLERANCE,
            now
        ));
    }
}

#[test]
fn whsec_secret_is_used_as_is_prefix_included() {
    let (secret, ts, body, expected) = VECTORS[0];
    assert!(secret.starts_with("whsec_"));
    let stripped = format!("sha256={STRIPPED_PREFIX_HEX}");
    assert_eq!(independent("test", ts, body), stripped);
    assert_ne!(sign(secret, ts, body), stripped);
    assert_eq!(sign(secret, ts, body), expected);
    let now = at(1_700_000_000);
    assert!(!verify_webhook_signature_at(
        secret,
        ts,
        body,
        &stripped,
        DEFAULT_TOLERANCE,
        now
    ));
    assert!(!verify_webhook_signature_at(
        "test",
        ts,
        body,
        expected,
        DEFAULT_TOLERANCE,
        now
    ));
}

#[test]
fn wrong_secret_tampered_body_or_signature_is_rejected() {
    let ts = TS.to_string();
    let sig = sign(SECRET, &ts, EVENT);
    let now = at(TS);
    assert!(verify_at(&ts, EVENT, &sig, now));
    assert!(!verify_webhook_signature_at(
        "whsec_other",
        &ts,
        EVENT,
        &sig,
        DEFAULT_TOLERANCE,
        now
    ));
    let tampered = EVENT.replace("cvm_1", "cvm_2");
    assert!(!verify_at(&ts, &tampered, &sig, now));
    assert!(!verify_at(&ts, &format!("{EVENT} "), &sig, now));
    // The timestamp is signed too: another (valid, in-window) one fails.
    assert!(!verify_at(&(TS + 1).to_string(), EVENT, &sig, now));
    let hex = sig.strip_prefix("sha256=").unwrap();
    for bad in [
        hex.to_owned(),
        format!("sha256={}", hex.to_uppercase()),
        format!("SHA256={hex}"),
        format!("{sig}0"),
        sig[..sig.len() - 1].to_owned(),
        String::new(),
        "sha256=".to_owned(),
    ] {
        assert!(!verify_at(&ts, EVENT, &bad, now), "{bad:?}");
    }
}

#[test]
fn tolerance_is_300_seconds_inclusive_both_directions() {
    let ts = TS.to_string();
    let sig = sign(SECRET, &ts, EVENT);
    assert!(verify_at(&ts, EVENT, &sig, at(TS + 300)), "300 s old");
    assert!(verify_at(&ts, EVENT, &sig, at(TS - 300)), "300 s ahead");
    assert!(!verify_at(&ts, EVENT, &sig, at(TS + 301)), "301 s old");
    assert!(!verify_at(&ts, EVENT, &sig, at(TS - 301)), "301 s ahead");
    assert!(!verify_at(&ts, EVENT, &sig, at(TS + 86_400)));
    assert!(!verify_at(&ts, EVENT, &sig, at(0)));
    assert_eq!(DEFAULT_TOLERANCE, Duration::from_secs(300));

    let ten = Duration::from_secs(10);
    let check = |now| verify_webhook_signature_at(SECRET, &ts, EVENT, &sig, ten, now);
    assert!(check(at(TS + 10)) && check(at(TS - 10)));
    assert!(!check(at(TS + 11)) && !check(at(TS - 11)));
}

/// The Python SDK compares `abs(time.time() - ts) > tolerance` with the
/// fractional clock: 300.5 s is outside a 300 s window.
#[test]
fn a_fraction_of_a_second_past_the_window_is_rejected() {
    let ts = TS.to_string();
    let sig = sign(SECRET, &ts, EVENT);
    let now = at(TS + 300) + Duration::from_millis(500);
    assert!(
        !verify_at(&ts, EVENT, &sig, now),
        "a timestamp 300.5 s old was accepted with a 300 s tolerance"
    );
    let ahead = at(TS - 300) - Duration::from_millis(500);
    assert!(!verify_at(&ts, EVENT, &sig, ahead), "300.5 s ahead");
}

#[test]
fn non_numeric_timestamps_are_rejected_even_when_signed() {
    let now = at(TS);
    for ts in [
        "",
        "abc",
        "1737453600.0",
        "1.7e9",
        "0x678f6b20",
        "1737453600abc",
        "NaN",
    ] {
        let sig = sign(SECRET, ts, EVENT);
        assert!(!verify_at(ts, EVENT, &sig, now), "{ts:?}");
    }
}

#[test]
fn verify_uses_the_real_clock() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ts = now.to_string();
    let sig = sign(SECRET, &ts, EVENT);
    assert!(verify_webhook_signature(SECRET, &ts, EVENT, &sig));
    let old = (now - 3600).to_string();
    let sig_old = sign(SECRET, &old, EVENT);
    assert!(!verify_webhook_signature(SECRET, &old, EVENT, &sig_old));
}

fn headers(ts: Option<&str>, sig: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(ts) = ts {
        h.insert("X-Webhook-Timestamp", HeaderValue::from_str(ts).unwrap());
    }
    if let Some(sig) = sig {
        h.insert("x-webhook-signature", HeaderValue::from_str(sig).unwrap());
    }
    h
}

fn parse_at(h: &HeaderMap, body: &str) -> Result<phala_cloud::webhook::WebhookEvent, WebhookError> {
    parse_webhook_event_at(h, body, SECRET, DEFAULT_TOLERANCE, at(TS + 10))
}

#[test]
fn parse_webhook_event_verifies_and_parses() {
    let ts = TS.to_string();
    let sig = sign(SECRET, &ts, EVENT);
    let event = parse_at(&headers(Some(&ts), Some(&sig)), EVENT).expect("valid");
    assert_eq!(event.id, "evt_1");
    assert_eq!(event.event, "cvm.created");
    assert_eq!(event.version, "1", "absent version defaults to \"1\"");
    assert_eq!(event.created_at, "2026-01-21T10:00:00Z");
    assert_eq!(event.workspace["id"], "wks_1");
    assert_eq!(event.data, serde_json::json!({"cvm_id": "cvm_1"}));

    let v2 = EVENT.replace(r#""event":"#, r#""version":"2","event":"#);
    let sig2 = sign(SECRET, &ts, &v2);
    let event = parse_at(&headers(Some(&ts), Some(&sig2)), &v2).unwrap();
    assert_eq!(event.version, "2");

    // With the real clock.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig_now = sign(SECRET, &now, EVENT);
    let h = headers(Some(&now), Some(&sig_now));
    assert_eq!(parse_webhook_event(&h, EVENT, SECRET).unwrap().id, "evt_1");
}

#[test]
fn parse_webhook_event_errors() {
    let ts = TS.to_string();
    let sig = sign(SECRET, &ts, EVENT);
    for h in [
        headers(None, None),
        headers(Some(&ts), None),
        headers(None, Some(&sig)),
        headers(Some(""), Some(&sig)),
        headers(Some(&ts), Some("")),
    ] {
        let err = parse_at(&h, EVENT).unwrap_err();
        assert!(
            matches!(err, WebhookError::MissingHeaders),
            "{h:?}: {err:?}"
        );
        assert!(err.to_string().contains("X-Webhook-Timestamp"), "{err}");
    }

    let err = parse_at(
        &headers(Some(&ts), Some(&sign("whsec_x", &ts, EVENT))),
        EVENT,
    );
    assert!(
        matches!(err, Err(WebhookError::InvalidSignature)),
        "{err:?}"
    );
    let tampered = EVENT.replace("evt_1", "evt_2");
    let err = parse_at(&headers(Some(&ts), Some(&sig)), &tampered);
    assert!(
        matches!(err, Err(WebhookError::InvalidSignature)),
        "{err:?}"
    );
    let expired = parse_webhook_event_at(
        &headers(Some(&ts), Some(&sig)),
        EVENT,
        SECRET,
        DEFAULT_TOLERANCE,
        at(TS + 301),
    );
    assert!(
        matches!(expired, Err(WebhookError::InvalidSignature)),
        "{expired:?}"
    );
    assert!(expired.unwrap_err().to_string().contains("signature"));

    for body in [
        "not json",
        "",
        "[]",
        r#"{"id":"evt_1"}"#,
        r#"{"id":"evt_1","event":"x","created_at":"t","workspace":"wks_1","data":{}}"#,
    ] {
        let sig = sign(SECRET, &ts, body);
        let err = parse_at(&headers(Some(&ts), Some(&sig)), body);
        assert!(
            matches!(err, Err(WebhookError::InvalidBody(_))),
            "{body:?}: {err:?}"
        );
    }
}
