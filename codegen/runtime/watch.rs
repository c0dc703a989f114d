//! Watching a CVM's state as it changes, and waiting for a state.
//!
//! `GET /cvms/{cvm_id}/state?target=...` answers with server-sent events
//! (`text/event-stream`) instead of JSON: `state` events while the CVM
//! moves, then `complete` when it reaches the target, or `timeout` /
//! `error` when the server gives up. [`PhalaCloud::watch_cvm_state`] turns
//! that stream into typed [`CvmStateEvent`]s (the Python SDK's
//! `watch_cvm_state`); [`PhalaCloud::wait_for_cvm_state`] and
//! [`PhalaCloud::wait_until_running`] are built on it, and fall back to
//! polling `get_cvm_state` when the server refuses the stream. The server
//! allows each user 5 open watches at once.
//!
//! The forms follow the crate's rule (async: `.await`; blocking:
//! `.send()`): a wait is a request like any other, `.await`ed on the async
//! client and `.send()` on the blocking one. A watch is a stream of events,
//! so it is not awaited itself: `.stream()` opens it on the async client
//! (read it with [`StreamExt::next`]`.await`) and
//! `.iter()` on the blocking one.
//!
//! ```no_run
//! # async fn run(client: phala_cloud::PhalaCloud) -> Result<(), phala_cloud::PhalaCloudError> {
//! use phala_cloud::{CvmStateEvent, StreamExt};
//! let mut events = client.watch_cvm_state("cvm_123").target("running").stream();
//! while let Some(event) = events.next().await {
//!     match event? {
//!         CvmStateEvent::State(s) => println!("now {}", s.status),
//!         CvmStateEvent::Complete(s) => println!("reached {}", s.status),
//!         other => println!("{other:?}"),
//!     }
//! }
//! # Ok(()) }
//! ```

use std::marker::PhantomData;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};

use crate::client::PhalaCloud;
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::safe::{Blocking, BlockingSafe, BoxFuture, Raise, Safe, SafeResult};
use crate::types::CvmStateResponse;

/// What the server allows per user; more watches at once are refused.
pub const MAX_CONCURRENT_WATCHES: usize = 5;

/// One server-sent event of a state watch.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CvmStateEvent {
    /// The CVM's current state (`event: state`).
    State(CvmStateResponse),
    /// The CVM reached the target (`event: complete`); the stream ends.
    Complete(CvmStateResponse),
    /// The server's watch timed out before the target (`event: timeout`).
    Timeout(serde_json::Value),
    /// The server reported a problem (`event: error`).
    Error(serde_json::Value),
    /// An event of a kind this crate does not know, kept as it came.
    Other {
        /// The `event:` field (`message` when absent).
        event: String,
        /// The `data:` lines, joined with newlines.
        data: String,
    },
}

/// A stream of state events; see [`PhalaCloud::watch_cvm_state`].
pub type CvmStateStream<'a> =
    Pin<Box<dyn Stream<Item = Result<CvmStateEvent, PhalaCloudError>> + Send + 'a>>;

/// A watch of one CVM's state, started by [`PhalaCloud::watch_cvm_state`]
/// (or its `safe_` twin, or the blocking client's); `.stream()` (async) or
/// `.iter()` (blocking) opens it. It is not a future: a watch yields many
/// events, so `.await` goes on each item of the stream, not on the watch.
#[must_use = "a watch does nothing until it is opened: `.stream()` (async client; then \
              `.next().await` on the stream, with `phala_cloud::StreamExt`) or `.iter()` \
              (blocking client)"]
pub struct WatchCvmState<'a, M = Raise> {
    client: &'a PhalaCloud,
    cvm_id: String,
    target: Option<String>,
    interval: Option<u64>,
    timeout: Option<u64>,
    version: Option<String>,
    mode: PhantomData<fn() -> M>,
}

impl PhalaCloud {
    /// Watches a CVM's state over server-sent events
    /// (`GET /api/v1/cvms/{cvm_id}/state` with `target`). Set `.target(..)`
    /// to the status to wait for; `.interval(..)` (5-30 s) and
    /// `.timeout(..)` (10-600 s, default 300 s) are the server's. Errors
    /// are classified like every call: a refused watch (for instance a
    /// sixth at once, HTTP 429) is a [`PhalaCloudError::Api`].
    pub fn watch_cvm_state(&self, cvm_id: impl std::fmt::Display) -> WatchCvmState<'_> {
        WatchCvmState::new(self, cvm_id.to_string())
    }

    /// Like [`Self::watch_cvm_state`], with every item a [`SafeResult`].
    pub fn safe_watch_cvm_state(
        &self,
        cvm_id: impl std::fmt::Display,
    ) -> WatchCvmState<'_, Safe> {
        WatchCvmState::new(self, cvm_id.to_string())
    }
}

impl crate::blocking::PhalaCloud {
    /// [`crate::PhalaCloud::watch_cvm_state`] as an iterator: `.iter()`.
    pub fn watch_cvm_state(&self, cvm_id: impl std::fmt::Display) -> WatchCvmState<'_, Blocking> {
        WatchCvmState::new(self.inner(), cvm_id.to_string())
    }

    /// Like [`Self::watch_cvm_state`], with every item a [`SafeResult`].
    pub fn safe_watch_cvm_state(
        &self,
        cvm_id: impl std::fmt::Display,
    ) -> WatchCvmState<'_, BlockingSafe> {
        WatchCvmState::new(self.inner(), cvm_id.to_string())
    }
}

impl<'a, M: 'static> WatchCvmState<'a, M> {
    fn new(client: &'a PhalaCloud, cvm_id: String) -> Self {
        WatchCvmState {
            client,
            cvm_id,
            target: None,
            interval: None,
            timeout: None,
            version: None,
            mode: PhantomData,
        }
    }

    /// The status to watch for (`running`, `stopped`, ...).
    pub fn target(mut self, status: impl Into<String>) -> Self {
        self.target = Some(status.into());
        self
    }

    /// How often the server checks the state (5 to 30 s; default 5 s).
    pub fn interval(mut self, every: Duration) -> Self {
        self.interval = Some(every.as_secs());
        self
    }

    /// How long the server watches before it sends `timeout` (10 to 600 s;
    /// default 300 s). The client waits this long plus 30 s for events.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit.as_secs());
        self
    }

    /// Sends this watch with another `X-Phala-Version` than the client's.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    fn open(self) -> CvmStateStream<'a> {
        let connect = async move { self.connect().await };
        Box::pin(
            futures_util::stream::once(connect).flat_map(|opened| match opened {
                Ok(events) => events,
                Err(e) => Box::pin(futures_util::stream::iter([Err(e)])) as CvmStateStream<'a>,
            }),
        )
    }

    async fn connect(self) -> Result<CvmStateStream<'a>, PhalaCloudError> {
        crate::runtime::check_path_param("cvm_id", &self.cvm_id)?;
        if let Some(t) = self.interval {
            crate::runtime::int_param::<i64>("interval", t as i64, Some(5), Some(30))?;
        }
        if let Some(t) = self.timeout {
            crate::runtime::int_param::<i64>("timeout", t as i64, Some(10), Some(600))?;
        }
        let client = self.client.versioned(self.version.as_deref())?;
        let url = format!("{}/api/v1/cvms/{}/state", client.base_url(), self.cvm_id);
        let mut query = Vec::new();
        if let Some(target) = &self.target {
            query.push(("target", target.clone()));
        }
        if let Some(interval) = self.interval {
            query.push(("interval", interval.to_string()));
        }
        if let Some(timeout) = self.timeout {
            query.push(("timeout", timeout.to_string()));
        }
        let waited = Duration::from_secs(self.timeout.unwrap_or(300) + 30);
        let http = client.http().clone();
        let build = move || {
            Ok(http
                .get(&url)
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .header(reqwest::header::CACHE_CONTROL, "no-cache")
                .query(&query)
                .timeout(waited))
        };
        let (response, raw) = crate::runtime::exchange(&client, &build, "watch_cvm_state").await?;
        let status = response.status().as_u16();
        if !response.status().is_success() {
            let e = crate::runtime::api_error(response, &raw.inner).await;
            return Err(if status == 429 {
                e.with_hint(&format!(
                    "the server allows {MAX_CONCURRENT_WATCHES} state watches per user at \
                     once; close one, or poll get_cvm_state"
                ))
            } else {
                e
            });
        }
        let is_stream = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_stream {
            // Without `target` the server answers the state as JSON: one
            // `State` event, so both forms read the same.
            let whole = crate::runtime::read_whole(response, &raw.inner).await?;
            let limit = raw.inner.shared.max_response_size;
            let state = decode(status, whole.into_data(), "the state does not decode", limit)?;
            return Ok(Box::pin(futures_util::stream::iter([Ok(
                CvmStateEvent::State(state),
            )])));
        }
        let events = crate::negotiate::events(response, raw.inner.clone());
        let limit = raw.inner.shared.max_response_size;
        Ok(Box::pin(futures_util::stream::unfold(
            Some(events),
            move |events| async move {
                let mut events = events?;
                let parsed = match events.next().await? {
                    Ok(event) => parse(&event.event, event.data, limit),
                    Err(e) => return Some((Err(e), None)),
                };
                // `Complete` ends the watch, and so does an error (a payload
                // that does not decode): it is the stream's last item.
                let last = matches!(parsed, Ok(CvmStateEvent::Complete(_)) | Err(_));
                Some((parsed, (!last).then_some(events)))
            },
        )))
    }
}

/// `data` as a `T`; otherwise a `ValidationError` keeping the data (not a
/// copy of it), its message starting with `problem`.
fn decode<T: serde::de::DeserializeOwned>(
    status: u16,
    data: Vec<u8>,
    problem: &str,
    limit: u64,
) -> Result<T, PhalaCloudError> {
    serde_json::from_slice(&data).map_err(|e| {
        ValidationError::new(
            Some(status),
            crate::runtime::body_text(data, limit),
            None,
            format!("{problem}: {e}"),
        )
        .into()
    })
}

/// One event, typed by its `event:` field.
fn parse(event: &str, data: String, limit: u64) -> Result<CvmStateEvent, PhalaCloudError> {
    let (state, json) = ("the state does not decode", "invalid event data");
    Ok(match event {
        "state" | "complete" => {
            let s = decode(200, data.into_bytes(), state, limit)?;
            match event {
                "state" => CvmStateEvent::State(s),
                _ => CvmStateEvent::Complete(s),
            }
        }
        "timeout" | "error" => {
            let v = decode(200, data.into_bytes(), json, limit)?;
            match event {
                "timeout" => CvmStateEvent::Timeout(v),
                _ => CvmStateEvent::Error(v),
            }
        }
        _ => CvmStateEvent::Other {
            event: event.to_owned(),
            data,
        },
    })
}

impl<'a> WatchCvmState<'a, Raise> {
    /// Opens the watch: a stream of events, ending after `Complete`, when
    /// the server closes it, or after an error (which is its last item).
    pub fn stream(self) -> CvmStateStream<'a> {
        self.open()
    }
}

impl<'a> WatchCvmState<'a, Safe> {
    /// Opens the watch; every item is a [`SafeResult`].
    pub fn stream(self) -> Pin<Box<dyn Stream<Item = SafeResult<CvmStateEvent>> + Send + 'a>> {
        Box::pin(self.open().map(SafeResult::from))
    }
}

impl<'a> WatchCvmState<'a, Blocking> {
    /// Opens the watch as an iterator of events; each `next()` waits for
    /// the next one.
    pub fn iter(self) -> crate::blocking::Iter<'a, CvmStateEvent> {
        let client = self.client;
        crate::blocking::Iter::new(client, self.open())
    }
}

impl<'a> WatchCvmState<'a, BlockingSafe> {
    /// Opens the watch as an iterator; every item is a [`SafeResult`].
    pub fn iter(self) -> impl Iterator<Item = SafeResult<CvmStateEvent>> + 'a {
        let client = self.client;
        crate::blocking::Iter::new(client, self.open()).map(SafeResult::from)
    }
}

/// How a wait is going, for [`WaitForCvmState::on_progress`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WaitProgress {
    /// The last state seen, if any.
    pub status: Option<String>,
    /// The status waited for.
    pub target: String,
    /// Time since the wait began.
    pub elapsed: Duration,
    /// True while polling `get_cvm_state` because the server refused the
    /// event stream.
    pub polling: bool,
}

type Progress<'a> = Box<dyn Fn(&WaitProgress) + Send + Sync + 'a>;

/// A wait for a CVM state, started by [`PhalaCloud::wait_for_cvm_state`] or
/// [`PhalaCloud::wait_until_running`] (or the blocking client's); `.await`
/// it on the async client, `.send()` it on the blocking one.
#[must_use = "a wait does nothing until it is sent: `.await` (async client) or `.send()` \
              (blocking client)"]
pub struct WaitForCvmState<'a, M = Raise> {
    client: &'a PhalaCloud,
    cvm_id: String,
    target: String,
    timeout: Duration,
    interval: Duration,
    reconnect_delay: Duration,
    progress: Option<Progress<'a>>,
    mode: PhantomData<fn() -> M>,
}

impl PhalaCloud {
    /// Waits until the CVM's status is `target`, for at most `timeout`.
    /// Built on [`Self::watch_cvm_state`] (reconnecting when the server's
    /// watch times out); when the server refuses the stream (HTTP 429, or
    /// no event stream at all) it polls `get_cvm_state` every `interval`
    /// instead. Progress goes to `tracing` (target `phala_cloud::wait`) and
    /// to [`WaitForCvmState::on_progress`]. Past `timeout` it fails with a
    /// [`RequestError`] whose `is_timeout()` is true.
    pub fn wait_for_cvm_state(
        &self,
        cvm_id: impl std::fmt::Display,
        target: impl Into<String>,
        timeout: Duration,
    ) -> WaitForCvmState<'_> {
        WaitForCvmState::new(self, cvm_id.to_string(), target.into(), timeout)
    }

    /// [`Self::wait_for_cvm_state`] for `running`.
    pub fn wait_until_running(
        &self,
        cvm_id: impl std::fmt::Display,
        timeout: Duration,
    ) -> WaitForCvmState<'_> {
        self.wait_for_cvm_state(cvm_id, "running", timeout)
    }
}

impl crate::blocking::PhalaCloud {
    /// [`crate::PhalaCloud::wait_for_cvm_state`] on the blocking client:
    /// the same builder, and `.send()` waits.
    pub fn wait_for_cvm_state(
        &self,
        cvm_id: impl std::fmt::Display,
        target: impl Into<String>,
        timeout: Duration,
    ) -> WaitForCvmState<'_, Blocking> {
        WaitForCvmState::new(self.inner(), cvm_id.to_string(), target.into(), timeout)
    }

    /// [`crate::PhalaCloud::wait_until_running`] on the blocking client;
    /// `.send()` waits.
    pub fn wait_until_running(
        &self,
        cvm_id: impl std::fmt::Display,
        timeout: Duration,
    ) -> WaitForCvmState<'_, Blocking> {
        self.wait_for_cvm_state(cvm_id, "running", timeout)
    }
}

impl<'a> WaitForCvmState<'a, Raise> {
    /// Runs the wait: the future `.await` drives (the state reached, or
    /// the error).
    pub fn send(self) -> BoxFuture<'a, Result<CvmStateResponse, PhalaCloudError>> {
        Box::pin(self.run())
    }
}

impl<'a> WaitForCvmState<'a, Blocking> {
    /// Runs the wait on the blocking client's runtime: the state reached,
    /// or the error.
    pub fn send(self) -> Result<CvmStateResponse, PhalaCloudError> {
        let client = self.client;
        crate::blocking::block_on(client, Box::pin(self.run()))
    }
}

impl<'a, M> WaitForCvmState<'a, M> {
    fn new(client: &'a PhalaCloud, cvm_id: String, target: String, timeout: Duration) -> Self {
        WaitForCvmState {
            client,
            cvm_id,
            target,
            timeout,
            interval: Duration::from_secs(5),
            reconnect_delay: Duration::from_secs(2),
            progress: None,
            mode: PhantomData,
        }
    }

    /// How often to poll when the stream is refused (default 5 s); also the
    /// server's check interval for the stream, kept within its 5 to 30 s.
    pub fn interval(mut self, every: Duration) -> Self {
        self.interval = every;
        self
    }

    /// How long to wait before opening a new watch after the server closed
    /// one without the target (its watch timed out; default 2 s).
    pub fn reconnect_delay(mut self, delay: Duration) -> Self {
        self.reconnect_delay = delay;
        self
    }

    /// Calls `f` with every state seen (and on each reconnect or poll).
    pub fn on_progress(mut self, f: impl Fn(&WaitProgress) + Send + Sync + 'a) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    fn report(&self, status: Option<&str>, started: Instant, polling: bool) {
        let progress = WaitProgress {
            status: status.map(str::to_owned),
            target: self.target.clone(),
            elapsed: started.elapsed(),
            polling,
        };
        tracing::info!(
            target: "phala_cloud::wait",
            cvm_id = %self.cvm_id,
            status = progress.status.as_deref().unwrap_or("-"),
            target_status = %self.target,
            elapsed_ms = progress.elapsed.as_millis() as u64,
            polling,
            "waiting for CVM state"
        );
        if let Some(f) = &self.progress {
            f(&progress);
        }
    }

    async fn run(self) -> Result<CvmStateResponse, PhalaCloudError> {
        let started = Instant::now();
        let deadline = started + self.timeout;
        let mut last: Option<String> = None;
        // Watch while the server streams; poll once it refuses.
        let mut polling = false;
        while Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if polling {
                let state = self.client.get_cvm_state(&self.cvm_id).await?;
                self.report(Some(&state.status), started, true);
                if state.status == self.target {
                    return Ok(state);
                }
                last = Some(state.status);
                tokio::time::sleep(self.interval.min(left)).await;
                continue;
            }
            let server_timeout = left.as_secs().clamp(10, 600);
            let mut events = self
                .client
                .watch_cvm_state(&self.cvm_id)
                .target(self.target.clone())
                .interval(
                    self.interval
                        .clamp(Duration::from_secs(5), Duration::from_secs(30)),
                )
                .timeout(Duration::from_secs(server_timeout))
                .stream();
            self.report(last.as_deref(), started, false);
            loop {
                let next = tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), events.next()).await;
                let Ok(next) = next else { break };
                match next {
                    Some(Ok(CvmStateEvent::State(s) | CvmStateEvent::Complete(s))) => {
                        self.report(Some(&s.status), started, false);
                        if s.status == self.target {
                            return Ok(s);
                        }
                        last = Some(s.status);
                    }
                    // The server's watch ended; the outer loop reconnects.
                    Some(Ok(CvmStateEvent::Timeout(_) | CvmStateEvent::Error(_))) | None => break,
                    Some(Ok(CvmStateEvent::Other { .. })) => {}
                    Some(Err(e)) if refused(&e) => {
                        polling = true;
                        break;
                    }
                    Some(Err(e)) => return Err(e),
                }
            }
            if !polling {
                // The server closed the watch: do not reconnect in a tight loop.
                let left = deadline.saturating_duration_since(Instant::now());
                tokio::time::sleep(self.reconnect_delay.min(left)).await;
            }
        }
        Err(RequestError::wait_timeout(format!(
            "CVM {} did not reach `{}` within {:?} (last status: {})",
            self.cvm_id,
            self.target,
            self.timeout,
            last.as_deref().unwrap_or("unknown")
        ))
        .into())
    }
}

/// True when the server refused the stream itself, so polling is the way
/// on: too many watches, or no event stream for this path or client.
fn refused(e: &PhalaCloudError) -> bool {
    matches!(e.status_code(), Some(406 | 415 | 429 | 501))
}

impl<'a> std::future::IntoFuture for WaitForCvmState<'a, Raise> {
    type Output = Result<CvmStateResponse, PhalaCloudError>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}
