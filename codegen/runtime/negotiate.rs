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

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use reqwest::header::{HeaderValue, ACCEPT};

use crate::client::{Call, Capture, Extra};
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::raw;
use crate::runtime::Response;

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
    /// Makes this call ask for `accept`; it keeps the raw response.
    pub(crate) fn capture(&mut self, accept: &'static str) -> Capture {
        self.headers.push((ACCEPT, HeaderValue::from_static(accept)));
        self.capture.get_or_insert_with(Capture::default).clone()
    }
}

/// The whole body as text; a body that is not UTF-8 is a
/// [`ValidationError`] keeping it (lossily).
pub(crate) async fn text(
    response: reqwest::Response,
    call: &Call,
) -> Result<Response<String>, PhalaCloudError> {
    let whole = crate::runtime::read_whole(response, call).await?;
    let status = whole.status_code();
    let text = String::from_utf8(whole.data().to_vec()).map_err(|e| {
        ValidationError::new(
            Some(status),
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
            None,
            format!("the body is not UTF-8 text: {e}"),
        )
    })?;
    Ok(whole.map(|_| text))
}

/// The whole body as bytes.
pub(crate) async fn bytes(
    response: reqwest::Response,
    call: &Call,
) -> Result<Response<Vec<u8>>, PhalaCloudError> {
    let whole = crate::runtime::read_whole(response, call).await?;
    Ok(whole.map(|b| b.to_vec()))
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
