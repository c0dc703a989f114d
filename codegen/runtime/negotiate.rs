//! Content negotiation: an operation whose success response comes in
//! several media types decodes its JSON form on `.await`, and its builder
//! also has `send_text()`, `send_bytes()` or `send_events()` for the others.
//! Each asks for its media type with `Accept`, and reads the body as text,
//! as bytes, or as a stream of server-sent events ([`ServerEvent`]), which
//! the state watch reads too.
//!
//! The request is built exactly as for `.await` (progenitor's method, the
//! same parameters and body); only the response is taken before progenitor
//! decodes it, into the call's capture slot.

// One API has text alternatives, another only the state watch: the
// readings it lacks go unused.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use reqwest::header::{HeaderValue, ACCEPT};

use crate::client::{Call, Extra};
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::raw;
use crate::runtime::Response;

/// Where the transport leaves the response of a capturing call.
pub(crate) type Capture = Arc<Mutex<Option<reqwest::Response>>>;

/// One server-sent event (`text/event-stream`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerEvent {
    /// The `event:` field; `"message"` when the server gave none.
    pub event: String,
    /// The `data:` lines, joined by `\n`.
    pub data: String,
    /// The `id:` field, or empty.
    pub id: String,
    /// The `retry:` field: how long the server asks a client to wait
    /// before reconnecting.
    pub retry: Option<Duration>,
}

impl ServerEvent {
    /// The data decoded as JSON into `T`; a [`ValidationError`] keeping the
    /// data when it does not decode.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, PhalaCloudError> {
        serde_json::from_str(&self.data).map_err(|e| {
            ValidationError::new(
                None,
                self.data.clone(),
                None,
                format!("the `{}` event's data does not decode: {e}", self.event),
            )
            .into()
        })
    }
}

/// A stream of server-sent events; an error is its last item.
pub type ServerEvents<'a> = std::pin::Pin<
    Box<dyn futures_util::Stream<Item = Result<ServerEvent, PhalaCloudError>> + Send + 'a>,
>;

impl Extra {
    /// Makes this call ask for `accept` and keep the raw response.
    pub(crate) fn capture(&mut self, accept: &'static str) -> Capture {
        self.headers.push((ACCEPT, HeaderValue::from_static(accept)));
        let slot = Capture::default();
        self.capture = Some(slot.clone());
        slot
    }
}

/// The captured response of a call, once progenitor's method returned:
/// a 2xx response as it is, any other status as its API error, and no
/// response (the request was never sent) as progenitor's error.
pub(crate) async fn captured<T>(
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>,
    slot: &Capture,
    raw: &raw::Client,
) -> Result<reqwest::Response, PhalaCloudError> {
    let taken = slot.lock().ok().and_then(|mut s| s.take());
    match (taken, result) {
        (Some(response), _) if response.status().is_success() => Ok(response),
        (Some(response), _) => {
            let attempts = raw.inner.outcome().attempts;
            Err(crate::runtime::api_error(response, &raw.inner)
                .await
                .with_attempts(attempts))
        }
        (None, Err(e)) => Err(crate::runtime::convert_error(e, &raw.inner).await),
        (None, Ok(_)) => Err(RequestError::new("the response was not captured", None).into()),
    }
}

/// The whole body as text (without a copy); a body that is not UTF-8 is a
/// [`ValidationError`] keeping it (lossily).
pub(crate) async fn text(
    response: reqwest::Response,
    call: &Call,
) -> Result<Response<String>, PhalaCloudError> {
    let whole = crate::runtime::read_whole(response, call).await?;
    let status = whole.status_code();
    let limit = call.shared.max_response_size;
    let mut failed = None;
    let whole = whole.map(|bytes| {
        String::from_utf8(bytes).unwrap_or_else(|e| {
            failed = Some(format!("the body is not UTF-8 text: {e}"));
            crate::runtime::body_text(e.into_bytes(), limit)
        })
    });
    match failed {
        None => Ok(whole),
        Some(problem) => {
            Err(ValidationError::new(Some(status), whole.into_data(), None, problem).into())
        }
    }
}

/// The whole body as bytes.
pub(crate) async fn bytes(
    response: reqwest::Response,
    call: &Call,
) -> Result<Response<Vec<u8>>, PhalaCloudError> {
    crate::runtime::read_whole(response, call).await
}

/// The body as server-sent events, read as they arrive.
pub(crate) fn events(response: reqwest::Response, call: Call) -> ServerEvents<'static> {
    Box::pin(response.bytes_stream().eventsource().map(move |item| {
        item.map(|e| ServerEvent {
            event: e.event,
            data: e.data,
            id: e.id,
            retry: e.retry,
        })
        .map_err(|e| match e {
            eventsource_stream::EventStreamError::Transport(e) => {
                crate::runtime::body_error(e, &call)
            }
            other => {
                RequestError::new(format!("the event stream is malformed: {other}"), None).into()
            }
        })
    }))
}

/// The events of a request that is sent when the stream is first polled;
/// a failure to open it is the stream's one item.
pub(crate) fn open_events<'a>(
    open: crate::safe::BoxFuture<'a, Result<(reqwest::Response, raw::Client), PhalaCloudError>>,
) -> ServerEvents<'a> {
    Box::pin(
        futures_util::stream::once(open).flat_map(|opened| match opened {
            Ok((response, raw)) => events(response, raw.inner.clone()),
            Err(e) => Box::pin(futures_util::stream::iter([Err(e)])) as ServerEvents<'a>,
        }),
    )
}
