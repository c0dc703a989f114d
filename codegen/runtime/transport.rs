//! Sending one operation: retries with backoff and `Retry-After`, redirects
//! that never carry the API key to another origin, and a tracing span per
//! request.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use tracing::Instrument;

use crate::client::Call;

/// When and how failed requests are retried.
///
/// Retried: a 409 without `error_code` (a transient conflict), 429, 502, 503
/// and 504, and a transport failure of an idempotent request (GET, HEAD,
/// PUT, DELETE, OPTIONS). Never retried: a structured (`error_code`) error,
/// any other 4xx, and a transport failure of a POST or PATCH, which may have
/// reached the server, unless [`RetryPolicy::retry_non_idempotent`] is set.
///
/// Defaults, chosen for an interactive API whose transient failures clear in
/// seconds: 2 retries (3 attempts, as AWS SDKs' standard mode); backoff
/// starting at 500 ms, doubling, capped at 8 s, with jitter so clients that
/// failed together do not retry together; a server's `Retry-After` (seconds
/// or an HTTP date) is honoured up to 30 s, and longer waits are cut to 30 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }
    /// How many times a request is retried (attempts = retries + 1); 0 turns retries off.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }
    /// The first backoff; each retry doubles it.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }
    /// The longest backoff.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }
    /// The longest `Retry-After` wait honoured; longer ones are cut to this.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }
    /// Also retry POST and PATCH after a transport failure (they may have
    /// reached the server once already).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }
    /// The number of retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `retry` (1-based): exponential, capped,
    /// with the upper half jittered.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        let capped = exp.min(self.max_backoff);
        let half = capped / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// What the transport learned about a call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub(crate) attempts: u32,
    pub(crate) redirect_loop: bool,
}

const MAX_REDIRECTS: usize = 10;

/// Builds a fresh copy of a request whose body cannot be cloned (a
/// multipart stream), for retries and 307/308 redirects.
pub(crate) type Rebuild<'a> = dyn Fn() -> Option<reqwest::Request> + Send + Sync + 'a;

/// Sends `request`, retrying and following redirects as the policy says.
pub(crate) async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
    rebuild: Option<&Rebuild<'_>>,
    call: &Call,
    operation: &'static str,
) -> reqwest::Result<reqwest::Response> {
    let path = crate::operations::path_template(operation).unwrap_or("");
    let span = tracing::info_span!(
        "phala_cloud.request",
        operation,
        method = %request.method(),
        path,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    retry_loop(http, request, rebuild, call)
        .instrument(span)
        .await
}

async fn retry_loop(
    http: &reqwest::Client,
    request: reqwest::Request,
    rebuild: Option<&Rebuild<'_>>,
    call: &Call,
) -> reqwest::Result<reqwest::Response> {
    let policy = &call.shared.retry;
    let idempotent = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    );
    let mut current = request;
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        if let Ok(mut o) = call.outcome.lock() {
            o.attempts = attempt;
        }
        tracing::Span::current().record("attempt", attempt);
        let spare = copy(&current, rebuild);
        let may_retry = attempt <= policy.max_retries;
        match follow_redirects(http, current, rebuild, call).await {
            Err(e) => {
                let transient = e.is_timeout() || e.is_connect() || e.is_request();
                if let (true, true, true, Some(again)) = (
                    may_retry,
                    transient,
                    idempotent || policy.retry_non_idempotent,
                    spare,
                ) {
                    tracing::debug!(error = %e, "transport failure; retrying");
                    tokio::time::sleep(policy.backoff(attempt)).await;
                    current = again;
                    continue;
                }
                return Err(e);
            }
            Ok(response) => {
                let status = response.status();
                let span = tracing::Span::current();
                span.record("status", status.as_u16());
                if let Some(id) = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                {
                    span.record("request_id", id);
                }
                // Reading the body to decide is only worth it when a retry
                // could follow.
                let (retryable, response) = if may_retry && spare.is_some() {
                    classify_for_retry(response).await?
                } else {
                    (false, response)
                };
                if let (true, true, Some(again)) = (retryable, may_retry, spare) {
                    let wait = retry_after(response.headers())
                        .map(|d| d.min(policy.max_retry_after))
                        .unwrap_or_else(|| policy.backoff(attempt));
                    tracing::debug!(
                        status = status.as_u16(),
                        ?wait,
                        "retryable status; retrying"
                    );
                    drop(response);
                    tokio::time::sleep(wait).await;
                    current = again;
                    continue;
                }
                return Ok(response);
            }
        }
    }
}

/// Whether a response is worth retrying: a retryable status whose body is
/// not a structured (`error_code`) error. The body is read to tell, and put
/// back.
async fn classify_for_retry(
    response: reqwest::Response,
) -> reqwest::Result<(bool, reqwest::Response)> {
    if !matches!(response.status().as_u16(), 409 | 429 | 502 | 503 | 504) {
        return Ok((false, response));
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let structured = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("error_code")))
        .unwrap_or(false);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok((!structured, reqwest::Response::from(rebuilt)))
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Follows up to [`MAX_REDIRECTS`] redirects. A hop to another origin
/// (scheme, host or port) drops `X-API-Key`, and it stays dropped.
async fn follow_redirects(
    http: &reqwest::Client,
    request: reqwest::Request,
    rebuild: Option<&Rebuild<'_>>,
    call: &Call,
) -> reqwest::Result<reqwest::Response> {
    let origin = request.url().origin();
    let mut current = request;
    for _ in 0..MAX_REDIRECTS {
        let spare = copy(&current, rebuild);
        let method = current.method().clone();
        let url = current.url().clone();
        let headers = current.headers().clone();
        let response = http.execute(current).await?;
        let Some(next_url) = redirect_target(&response, &url) else {
            return Ok(response);
        };
        let status = response.status();
        let keep_body = matches!(
            status,
            StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
        );
        let next_method = if keep_body || method == Method::HEAD {
            method
        } else {
            Method::GET
        };
        let mut next = match (keep_body, spare) {
            (true, Some(spare)) => spare,
            (true, None) => return Ok(response),
            (false, _) => reqwest::Request::new(next_method.clone(), next_url.clone()),
        };
        *next.method_mut() = next_method;
        *next.url_mut() = next_url;
        let mut next_headers = headers;
        if !keep_body {
            next_headers.remove(reqwest::header::CONTENT_TYPE);
            next_headers.remove(reqwest::header::CONTENT_LENGTH);
        }
        if next.url().origin() != origin {
            next_headers.remove("x-api-key");
            next_headers.remove(reqwest::header::AUTHORIZATION);
            next_headers.remove(reqwest::header::COOKIE);
        }
        *next.headers_mut() = next_headers;
        tracing::debug!(status = status.as_u16(), to = %redacted(next.url()), "following redirect");
        current = next;
    }
    if let Ok(mut o) = call.outcome.lock() {
        o.redirect_loop = true;
    }
    http.execute(current).await
}

/// A copy of the request to send again, if it can be made.
fn copy(request: &reqwest::Request, rebuild: Option<&Rebuild<'_>>) -> Option<reqwest::Request> {
    request.try_clone().or_else(|| rebuild.and_then(|f| f()))
}

fn redirect_target(response: &reqwest::Response, base: &Url) -> Option<Url> {
    if !response.status().is_redirection() || response.status() == StatusCode::NOT_MODIFIED {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    base.join(location).ok()
}

/// A URL for logs: scheme, host, port and path only.
fn redacted(url: &Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}
