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

use std::collections::VecDeque;
use std::time::Duration;

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

/// The body as server-sent events, read as they arrive, parsed by
/// [`SseParser`]. A failure (the connection, or an event over the size
/// limit) is the last item.
pub(crate) fn events(response: reqwest::Response, call: Call) -> ServerEvents<'static> {
    let parser = SseParser::new(call.shared.max_response_size);
    let reader = EventReader {
        response,
        parser,
        ready: VecDeque::new(),
        call,
    };
    Box::pin(futures_util::stream::unfold(Some(reader), |reader| async move {
        let mut reader = reader?;
        loop {
            if let Some(event) = reader.ready.pop_front() {
                return Some((Ok(event), Some(reader)));
            }
            let failure = match reader.response.chunk().await {
                Ok(Some(chunk)) => match reader.parser.feed(&chunk, &mut reader.ready) {
                    Ok(()) => continue,
                    Err(e) => e,
                },
                // A last event without its blank line is not dispatched.
                Ok(None) => return None,
                Err(e) => crate::runtime::body_error(e, &reader.call),
            };
            return Some((Err(failure), None));
        }
    }))
}

/// An event stream being read: the response, the parser, and the events
/// parsed but not yet yielded.
struct EventReader {
    response: reqwest::Response,
    parser: SseParser,
    ready: VecDeque<ServerEvent>,
    call: Call,
}

/// A parser of `text/event-stream` as the WHATWG HTML standard defines it
/// ("Server-sent events", event stream interpretation): lines end in CRLF,
/// LF or CR; a line starting with `:` is a comment; `field: value` (one
/// space after the colon dropped) sets `event`, appends to `data`, sets
/// `id` (unless it holds NUL) or `retry` (digits only); a blank line
/// dispatches the event, unless it has no data; a last event without a
/// blank line is dropped; a UTF-8 BOM at the start is skipped; text that
/// is not UTF-8 is decoded with U+FFFD.
///
/// It replaces the `eventsource-stream` crate, which searches its whole
/// buffer for a line end again on every chunk: one long line costs time
/// quadratic in its length (a single 8 MB data line took 7 s), and it has
/// no cap, so a 100 MB line was still being rescanned when the watch timed
/// out. Here each byte is looked at once, and a line or an event longer
/// than the client's `max_response_size` fails at once as too large.
pub(crate) struct SseParser {
    /// The line read so far (its end not yet seen).
    line: Vec<u8>,
    /// The last line ended in CR, so an LF right after it ends nothing.
    after_cr: bool,
    /// A first line was read: a BOM is only skipped before it.
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    retry: Option<Duration>,
    /// The last event id seen, which carries on to later events.
    last_id: String,
    limit: usize,
    limit_bytes: u64,
}

impl SseParser {
    pub(crate) fn new(limit: u64) -> Self {
        SseParser {
            line: Vec::new(),
            after_cr: false,
            started: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            retry: None,
            last_id: String::new(),
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            limit_bytes: limit,
        }
    }

    /// Reads a chunk of the stream, adding the events it completes to `out`.
    pub(crate) fn feed(
        &mut self,
        mut chunk: &[u8],
        out: &mut VecDeque<ServerEvent>,
    ) -> Result<(), PhalaCloudError> {
        while !chunk.is_empty() {
            if std::mem::take(&mut self.after_cr) && chunk[0] == b'\n' {
                chunk = &chunk[1..];
                continue;
            }
            let end = chunk.iter().position(|&b| b == b'\n' || b == b'\r');
            let part = &chunk[..end.unwrap_or(chunk.len())];
            if self.line.len() + part.len() + self.data.len() > self.limit {
                return Err(RequestError::event_too_large(self.limit_bytes).into());
            }
            self.line.extend_from_slice(part);
            let Some(end) = end else { break };
            self.after_cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            let line = std::mem::take(&mut self.line);
            self.line_ended(&line, out);
            // The buffer is kept for the next line.
            self.line = line;
            self.line.clear();
        }
        Ok(())
    }

    fn line_ended(&mut self, mut line: &[u8], out: &mut VecDeque<ServerEvent>) {
        if !std::mem::replace(&mut self.started, true) {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            return self.dispatch(out);
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"event" => self.event = value.into_owned(),
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"id" if !value.contains('\0') => self.last_id = value.into_owned(),
            b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
    }

    /// A blank line: the event so far, if it has data.
    fn dispatch(&mut self, out: &mut VecDeque<ServerEvent>) {
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        out.push_back(ServerEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
            retry,
        });
    }
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
