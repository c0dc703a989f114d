//! Sending one operation: retries with backoff and `Retry-After`, redirects
//! that never carry the API key to another origin, and a tracing span per
//! request.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use tracing::Instrument;

use crate::client::Call;

/// When and how failed requests are retried.
///
/// An idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) is retried after
/// a 409 without `error_code` (a transient conflict), 429, 502, 503 and 504,
/// and after a transport failure (refused, reset, timed out).
///
/// A POST or PATCH is retried by default only when the server certainly did
/// not act on it: a connection that failed before the request was written,
/// a 429, or a 503 that carries `Retry-After`. A 409, 502, 504, a 503
/// without `Retry-After` or a timeout can follow a request the server
/// already processed, and retrying it could create a CVM twice; those need
/// [`RetryPolicy::retry_non_idempotent`]. A structured (`error_code`) error
/// and any other 4xx are never retried.
///
/// Defaults, chosen for an interactive API whose transient failures clear in
/// seconds: 2 retries (3 attempts, as AWS SDKs' standard mode); backoff
/// starting at 500 ms, doubling, capped at 8 s, with jitter so clients that
/// failed together do not retry together; a server's `Retry-After` (seconds
/// or an HTTP date) is honoured up to 30 s, and longer waits are cut to 30 s;
/// and a budget of 30 s (the default request timeout) for the whole call:
/// a retry whose wait would end past it is not made, and the last answer is
/// returned instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_elapsed: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(30),
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
    /// The time budget of one call across all its attempts and waits
    /// (default 30 s): no retry starts whose wait would end past it.
    pub fn max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }
    /// Also retry POST and PATCH after any retryable status or transport
    /// failure, as GET is, although the server may already have acted on
    /// the request (a create could happen twice).
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
    /// Set when a response body went over the size limit: its status and
    /// declared length.
    pub(crate) too_large: Option<(u16, Option<u64>)>,
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
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    );
    let retry_anything = idempotent || policy.retry_non_idempotent;
    let started = Instant::now();
    let in_budget = |wait: Duration| {
        let fits = started.elapsed() + wait <= policy.max_elapsed;
        if !fits {
            tracing::debug!(?wait, budget = ?policy.max_elapsed, "retry would exceed the time budget");
        }
        fits
    };
    let mut current = request;
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        if let Ok(mut o) = call.outcome.lock() {
            o.attempts = attempt;
        }
        tracing::Span::current().record("attempt", attempt);
        let may_retry = attempt <= policy.max_retries;
        // A copy to send again is only made when a retry could follow.
        let spare = may_retry.then(|| copy(&current, rebuild)).flatten();
        match follow_redirects(http, current, rebuild, call).await {
            Err(e) => {
                let transient = e.is_timeout() || e.is_connect() || e.is_request();
                // A failed connect never wrote the request: safe for any method.
                let safe = retry_anything || e.is_connect();
                if let (true, true, true, Some(again)) = (may_retry, transient, safe, spare) {
                    let wait = policy.backoff(attempt);
                    if in_budget(wait) {
                        tracing::debug!(error = %e, "transport failure; retrying");
                        tokio::time::sleep(wait).await;
                        current = again;
                        continue;
                    }
                }
                return Err(e);
            }
            Ok(response) => {
                let response = limit_body(response, call);
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
                    classify_for_retry(response, retry_anything, call.shared.max_response_size).await?
                } else {
                    (false, response)
                };
                if let (true, true, Some(again)) = (retryable, may_retry, spare) {
                    let wait = retry_after(response.headers())
                        .map(|d| d.min(policy.max_retry_after))
                        .unwrap_or_else(|| policy.backoff(attempt));
                    if !in_budget(wait) {
                        return Ok(response);
                    }
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
/// back. Unless `any_status` (an idempotent request, or the caller opted
/// in), only the statuses that say the request was not acted on count: 429,
/// and 503 with `Retry-After`.
///
/// The body is read into one buffer ([`read_body`]) and looked at with a
/// borrowing peek ([`crate::classify::has_error_code`]) rather than parsed
/// into a `serde_json::Value`, which for a body of many small values takes
/// many times its size; the buffer then becomes the new body without a copy.
async fn classify_for_retry(
    response: reqwest::Response,
    any_status: bool,
    limit: u64,
) -> reqwest::Result<(bool, reqwest::Response)> {
    let retryable = match response.status().as_u16() {
        429 => true,
        503 => any_status || response.headers().contains_key(RETRY_AFTER),
        409 | 502 | 504 => any_status,
        _ => false,
    };
    if !retryable {
        return Ok((false, response));
    }
    let head = Head::of(&response);
    let body = read_body(response, limit).await?;
    let structured = crate::classify::has_error_code(&body);
    Ok((!structured, head.with_body(bytes::Bytes::from(body))))
}

/// Reads a whole body into one buffer (within the size limit, which the
/// [`Limited`] stream enforces), chunk by chunk, each chunk dropped once
/// copied.
///
/// Not `Response::bytes()`: it keeps every chunk until the end and then
/// copies them into one buffer, so a body takes twice its size at the peak
/// (and `text()` copies it once more). Here the buffer is sized from
/// `Content-Length` when there is one; a body that comes as one chunk (put
/// back by [`classify_for_retry`] or [`buffered`]) becomes the buffer
/// without a copy; and without a length the buffer grows in steps of
/// limit/2^k ([`grown`]), so its last growth holds at most half the limit
/// beside the new buffer: 1.5 times the limit at the peak, whatever the
/// limit and the body.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
) -> reqwest::Result<Vec<u8>> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let declared = response
        .content_length()
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX).min(limit));
    let url = response.url().clone();
    let mut data: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => append(&mut data, chunk, declared, limit),
            Ok(None) => return Ok(data),
            // As `bytes()` does, the error names the URL it was reading.
            Err(e) => return Err(e.with_url(url)),
        }
    }
}

/// Adds one chunk to a body buffer; see [`read_body`].
pub(crate) fn append(data: &mut Vec<u8>, chunk: bytes::Bytes, declared: Option<usize>, limit: usize) {
    if data.is_empty() && declared.is_none_or(|n| n <= chunk.len()) {
        // The whole body, or the first chunk of one of unknown length:
        // taken as it is (no copy when the chunk owns its buffer alone).
        *data = Vec::from(chunk);
        return;
    }
    let needed = data.len() + chunk.len();
    if needed > data.capacity() {
        let target = match declared {
            Some(n) if n >= needed => n,
            _ => grown(data.capacity(), needed, limit),
        };
        data.reserve_exact(target - data.len());
    }
    data.extend_from_slice(&chunk);
}

/// The capacity a body buffer of unknown length grows to: the smallest of
/// `limit`, `limit / 2`, `limit / 4`, ... that holds `needed` and at least
/// doubles `current` (so growth stays amortised). Vec's own doubling could
/// end just under the limit and then allocate twice it; these steps end at
/// the limit, from at most half of it.
fn grown(current: usize, needed: usize, limit: usize) -> usize {
    const SMALLEST: usize = 16 * 1024;
    let want = needed.max(current.saturating_mul(2)).max(SMALLEST);
    let mut capacity = limit.max(needed);
    while capacity / 2 >= want {
        capacity /= 2;
    }
    capacity
}

/// The response with its body read whole ([`read_body`]) and put back as
/// one chunk. progenitor reads a success body with `Response::bytes()`,
/// which holds it twice at the peak; read here first, its one chunk passes
/// through that without a copy.
pub(crate) async fn buffered(
    response: reqwest::Response,
    limit: u64,
) -> reqwest::Result<reqwest::Response> {
    let head = Head::of(&response);
    let body = read_body(response, limit).await?;
    Ok(head.with_body(bytes::Bytes::from(body)))
}

/// A response's status line, headers and URL, to put a new body under.
struct Head {
    status: StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    url: Url,
}

impl Head {
    fn of(response: &reqwest::Response) -> Self {
        Head {
            status: response.status(),
            version: response.version(),
            headers: response.headers().clone(),
            url: response.url().clone(),
        }
    }

    /// The response again, with `body`; its URL is kept, so errors reading
    /// the body still name it.
    fn with_body(self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        use reqwest::ResponseBuilderExt;
        let mut rebuilt = http::Response::builder()
            .status(self.status)
            .version(self.version)
            .url(self.url)
            .body(body.into())
            .unwrap_or_default();
        *rebuilt.headers_mut() = self.headers;
        reqwest::Response::from(rebuilt)
    }
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
            if let crate::client::Auth::Header(name) = crate::settings::AUTH {
                next_headers.remove(name);
            }
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

/// The response with its body capped at the client's `max_response_size`.
/// A declared `Content-Length` over the limit fails before any of the body
/// is read; otherwise the count is kept while the body streams, and the
/// read fails as soon as it passes the limit. Either way the call records
/// it, so the error says "too large" rather than "body error".
fn limit_body(response: reqwest::Response, call: &Call) -> reqwest::Response {
    let limit = call.shared.max_response_size;
    let declared = response.content_length();
    // hyper never yields more body than a declared length (HTTP/1 reads
    // exactly that much, HTTP/2 fails a mismatch), so a length within the
    // limit needs no counting stream: the common case stays unwrapped.
    if declared.is_some_and(|n| n <= limit) {
        return response;
    }
    let head = Head::of(&response);
    let over = declared.is_some_and(|n| n > limit);
    let inner: Option<ChunkStream> = if over {
        drop(response);
        None
    } else {
        Some(Box::pin(response.bytes_stream()))
    };
    let body = reqwest::Body::wrap_stream(Limited {
        inner,
        seen: 0,
        limit,
        status: head.status.as_u16(),
        declared,
        call: call.clone(),
        done: false,
    });
    head.with_body(body)
}

type ChunkStream = Pin<Box<dyn futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

/// A body stream that fails once more than `limit` bytes have come.
struct Limited {
    /// `None` when the declared length was already over the limit.
    inner: Option<ChunkStream>,
    seen: u64,
    limit: u64,
    status: u16,
    declared: Option<u64>,
    call: Call,
    done: bool,
}

/// The error a [`Limited`] body yields; the call's record says which limit.
#[derive(Debug)]
struct BodyTooLarge(u64);

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "response body exceeds {} bytes", self.0)
    }
}

impl std::error::Error for BodyTooLarge {}

impl Limited {
    fn trip(&mut self) -> Poll<Option<<Self as futures_core::Stream>::Item>> {
        self.done = true;
        self.inner = None;
        if let Ok(mut o) = self.call.outcome.lock() {
            o.too_large = Some((self.status, self.declared));
        }
        Poll::Ready(Some(Err(BodyTooLarge(self.limit).into())))
    }
}

impl futures_core::Stream for Limited {
    type Item = Result<bytes::Bytes, Box<dyn std::error::Error + Send + Sync>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let Some(inner) = self.inner.as_mut() else {
            return self.trip();
        };
        match inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen += chunk.len() as u64;
                if self.seen > self.limit {
                    return self.trip();
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
