//! Webhook signature verification, as in the Python SDK: the
//! `X-Webhook-Signature` header is
//! `"sha256=" + hex(HMAC-SHA256(secret, "{timestamp}.{body}"))`, compared in
//! constant time, and `X-Webhook-Timestamp` may be at most the tolerance
//! (300 s by default, inclusive) away from now in either direction. A
//! `whsec_` secret is used as it is, prefix included.
//!
//! ```
//! use phala_cloud::webhook::{sign, verify_webhook_signature};
//! let now = std::time::SystemTime::now()
//!     .duration_since(std::time::UNIX_EPOCH).unwrap().as_secs().to_string();
//! let body = r#"{"id":"evt_1"}"#;
//! let signature = sign("whsec_test", &now, body);
//! assert!(verify_webhook_signature("whsec_test", &now, body, &signature));
//! assert!(!verify_webhook_signature("whsec_other", &now, body, &signature));
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far the timestamp may be from now unless configured otherwise.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// `"sha256=<hex>"` for a body: what the server sends in `X-Webhook-Signature`.
pub fn sign(secret: &str, timestamp: &str, body: impl AsRef<[u8]>) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body.as_ref());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// True when `signature` is valid for `body` and `timestamp` is within
/// [`DEFAULT_TOLERANCE`] of now.
pub fn verify_webhook_signature(
    secret: &str,
    timestamp: &str,
    body: impl AsRef<[u8]>,
    signature: &str,
) -> bool {
    verify_webhook_signature_at(
        secret,
        timestamp,
        body,
        signature,
        DEFAULT_TOLERANCE,
        SystemTime::now(),
    )
}

/// [`verify_webhook_signature`] with an explicit tolerance and clock.
pub fn verify_webhook_signature_at(
    secret: &str,
    timestamp: &str,
    body: impl AsRef<[u8]>,
    signature: &str,
    tolerance: Duration,
    now: SystemTime,
) -> bool {
    let Ok(ts) = timestamp.trim().parse::<i64>() else {
        return false;
    };
    // Compared in nanoseconds, like the Python SDK's float seconds: 300.5 s
    // is outside a 300 s window.
    let now_ns: i128 = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    };
    let ts_ns = i128::from(ts) * 1_000_000_000;
    if (now_ns - ts_ns).unsigned_abs() > tolerance.as_nanos() {
        return false;
    }
    let expected = sign(secret, timestamp, body);
    expected.as_bytes().ct_eq(signature.as_bytes()).into()
}

/// A verified webhook event.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct WebhookEvent {
    /// The event id.
    pub id: String,
    /// The event type, e.g. `cvm.created`.
    pub event: String,
    /// The envelope version (`"1"` when absent).
    #[serde(default = "default_version")]
    pub version: String,
    /// When the event was created.
    pub created_at: String,
    /// The workspace the event belongs to.
    pub workspace: serde_json::Map<String, serde_json::Value>,
    /// The event payload.
    pub data: serde_json::Value,
}

fn default_version() -> String {
    "1".to_owned()
}

/// Why a webhook was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// `X-Webhook-Timestamp` or `X-Webhook-Signature` is missing.
    #[error("missing required webhook headers: X-Webhook-Timestamp and X-Webhook-Signature")]
    MissingHeaders,
    /// The signature does not match, or the timestamp is out of tolerance.
    #[error("invalid webhook signature or expired timestamp")]
    InvalidSignature,
    /// The body is not a webhook event.
    #[error("invalid webhook body: {0}")]
    InvalidBody(#[from] serde_json::Error),
}

/// Verifies the signature headers and parses the event.
pub fn parse_webhook_event(
    headers: &HeaderMap,
    body: &str,
    secret: &str,
) -> Result<WebhookEvent, WebhookError> {
    parse_webhook_event_at(headers, body, secret, DEFAULT_TOLERANCE, SystemTime::now())
}

/// [`parse_webhook_event`] with an explicit tolerance and clock.
pub fn parse_webhook_event_at(
    headers: &HeaderMap,
    body: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<WebhookEvent, WebhookError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
    };
    let (Some(timestamp), Some(signature)) =
        (header("x-webhook-timestamp"), header("x-webhook-signature"))
    else {
        return Err(WebhookError::MissingHeaders);
    };
    if !verify_webhook_signature_at(secret, timestamp, body, signature, tolerance, now) {
        return Err(WebhookError::InvalidSignature);
    }
    Ok(serde_json::from_str(body)?)
}
