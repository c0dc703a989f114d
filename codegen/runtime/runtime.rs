//! From progenitor's results (and our own multipart requests) to this
//! crate's: decoded values with their response metadata, or the right error.

use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;

use crate::classify::classify;
use crate::client::Call;
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::{raw, PhalaCloud};

/// A decoded response with its status and headers, from `send_with_meta()`.
///
/// A JSON response also keeps its body as received, so fields the spec
/// does not name yet (the API is often ahead of it) can be read without a
/// second request: [`Response::json`] and [`Response::extra_fields`].
#[derive(Clone)]
pub struct Response<T> {
    data: T,
    status: u16,
    headers: HeaderMap,
    body: Option<bytes::Bytes>,
}

/// The body shows as its length: it may be megabytes, and the data holds
/// what it says.
impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("data", &self.data)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body.as_ref().map(|b| format!("<{} bytes>", b.len())))
            .finish()
    }
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn data(&self) -> &T {
        &self.data
    }
    /// The decoded body, by value.
    pub fn into_data(self) -> T {
        self.data
    }
    /// The HTTP status.
    pub fn status_code(&self) -> u16 {
        self.status
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The `X-Request-ID` the server sent, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }
    /// The same response with its data transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }
    /// The body as received, for a response decoded from JSON; `None` for
    /// one read as text, bytes or events (its data is the body).
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }
    /// The body as JSON, every field included, whether or not the model
    /// has it: `resp.json().and_then(|j| j.get("new_field").cloned())`.
    /// `None` when the body was not kept or is not JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(self.body.as_deref()?).ok()
    }
}

impl<T: serde::Serialize> Response<T> {
    /// The fields of the body that the decoded model does not hold (the
    /// server sent fields this crate's spec does not name), by path
    /// (`hourly_rate`, `kms_info.chain`, `items[0].runner`), with their
    /// values: what pydantic calls `model_extra`. Found by comparing the
    /// body with the model written back as JSON, so a field the server
    /// sent as `null`, `[]` or `{}` is not listed (the model omits its own
    /// empty fields the same way).
    pub fn extra_fields(&self) -> std::collections::BTreeMap<String, serde_json::Value> {
        let mut extra = std::collections::BTreeMap::new();
        let (Some(body), Ok(known)) = (self.json(), serde_json::to_value(&self.data)) else {
            return extra;
        };
        unknown_fields(&body, &known, String::new(), &mut extra);
        extra
    }
}

/// The non-empty values of `body` at paths `known` lacks.
fn unknown_fields(
    body: &serde_json::Value,
    known: &serde_json::Value,
    path: String,
    out: &mut std::collections::BTreeMap<String, serde_json::Value>,
) {
    use serde_json::Value;
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    match (body, known) {
        (Value::Object(b), Value::Object(k)) => {
            for (key, value) in b {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match k.get(key) {
                    Some(inner) => unknown_fields(value, inner, at, out),
                    None if !empty(value) => {
                        out.insert(at, value.clone());
                    }
                    None => {}
                }
            }
        }
        (Value::Array(b), Value::Array(k)) => {
            for (i, (value, inner)) in b.iter().zip(k).enumerate() {
                unknown_fields(value, inner, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Rejects an empty or whitespace-only path parameter before anything is
/// sent: `GET /cvms/{id}` with an empty id would reach `GET /cvms/`, a
/// different endpoint. The Python SDK also rejects a missing id before
/// sending, with a (pydantic) validation error; this is a
/// [`ValidationError`] naming the parameter.
pub(crate) fn check_path_param(name: &str, value: &str) -> Result<(), PhalaCloudError> {
    if value.trim().is_empty() {
        return Err(ValidationError::argument(
            name,
            "a path parameter must not be empty or only whitespace (the request would reach another endpoint)",
        )
        .into());
    }
    Ok(())
}

/// Checks an integer parameter against the spec's inclusive bounds before
/// anything is sent, and converts it to the type the request takes (a
/// `NonZeroU64` for a page number). Callers pass plain integers; a value out
/// of range is a [`ValidationError`] naming the parameter.
pub(crate) fn int_param<T: IntParam>(
    name: &str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<T, PhalaCloudError> {
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "in range".to_owned(),
    };
    let in_bounds = min.is_none_or(|lo| value >= lo) && max.is_none_or(|hi| value <= hi);
    match T::from_i64(value).filter(|_| in_bounds) {
        Some(converted) => Ok(converted),
        None => Err(ValidationError::argument(
            name,
            format!("must be {range}, got {value}"),
        )
        .into()),
    }
}

/// An integer type a request parameter may have.
pub(crate) trait IntParam: Sized {
    fn from_i64(value: i64) -> Option<Self>;
}

macro_rules! int_params {
    ($($ty:ty => |$v:ident| $convert:expr),* $(,)?) => {
        $(impl IntParam for $ty {
            fn from_i64($v: i64) -> Option<Self> {
                $convert
            }
        })*
    };
}

int_params! {
    i64 => |v| Some(v),
    i32 => |v| i32::try_from(v).ok(),
    u64 => |v| u64::try_from(v).ok(),
    u32 => |v| u32::try_from(v).ok(),
    std::num::NonZeroU64 => |v| u64::try_from(v).ok().and_then(std::num::NonZeroU64::new),
    std::num::NonZeroU32 => |v| u32::try_from(v).ok().and_then(std::num::NonZeroU32::new),
    std::num::NonZeroI64 => |v| std::num::NonZeroI64::new(v),
}

/// Sends a request built by progenitor's method and decodes its answer.
/// The call keeps the response (see [`crate::client::Extra::capture`]):
/// progenitor is given an empty one, and the real one is decoded here by
/// [`decode_success`], so the body is kept for [`Response::json`] and the
/// API version the call sent picks among a union's shapes.
///
/// A 2xx status the operation does not declare is still a success, never an
/// [`crate::ApiError`]: see [`decode_success`].
pub(crate) async fn finish<T: serde::de::DeserializeOwned + 'static, P>(
    request: impl std::future::Future<
        Output = Result<ResponseValue<P>, progenitor_client::Error<()>>,
    >,
    raw: &raw::Client,
) -> Result<Response<T>, PhalaCloudError> {
    let result = request.await;
    let response = match &raw.inner.extra.capture {
        Some(slot) => captured(result, slot, raw).await?,
        None => return Err(RequestError::new("the response was not kept", None).into()),
    };
    let whole = read_whole(response, &raw.inner).await?;
    decode_success(whole.status, whole.headers, whole.data, &raw.inner)
}

/// The kept response of a call, once progenitor's method returned: a 2xx
/// response as it is, any other status as its API error, and no response
/// (the request was never sent) as progenitor's error.
pub(crate) async fn captured<T>(
    result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
    slot: &crate::client::Capture,
    raw: &raw::Client,
) -> Result<reqwest::Response, PhalaCloudError> {
    let taken = slot.lock().ok().and_then(|mut s| s.take());
    let looped = raw.inner.outcome().redirect_loop;
    match (taken, result) {
        (Some(response), _) if response.status().is_success() => Ok(response),
        (Some(response), _) if looped && response.status().is_redirection() => {
            Err(RequestError::new("too many redirects", None).into())
        }
        (Some(response), _) => {
            let attempts = raw.inner.outcome().attempts;
            Err(api_error(response, &raw.inner).await.with_attempts(attempts))
        }
        (None, Err(e)) => Err(convert_error(e, &raw.inner).await),
        (None, Ok(_)) => Err(RequestError::new("the response was not kept", None).into()),
    }
}

/// Decodes a 2xx body into the operation's success type:
/// - where the success type is `()`, any 2xx is `Ok(())`, whatever its body;
/// - an empty body is JSON `null`, which an optional type accepts; any
///   other type, `serde_json::Value` included, makes it a
///   [`ValidationError`] ("empty body");
/// - a body that does not decode is a [`ValidationError`] with the status
///   and the raw body;
/// - a body that decodes is kept in the [`Response`].
pub(crate) fn decode_success<T: serde::de::DeserializeOwned + 'static>(
    status: u16,
    headers: HeaderMap,
    bytes: Vec<u8>,
    call: &Call,
) -> Result<Response<T>, PhalaCloudError> {
    use std::any::TypeId;
    let unit = TypeId::of::<T>() == TypeId::of::<()>();
    let empty = bytes.iter().all(u8::is_ascii_whitespace);
    let empty_error = || -> PhalaCloudError {
        ValidationError::new(
            Some(status),
            String::new(),
            None,
            "the body is empty, where a response body was expected".into(),
        )
        .into()
    };
    let data: T = if unit || empty {
        // `null` is what `()` and an optional type decode from; an untyped
        // JSON body (`serde_json::Value`) still needs a body.
        if empty && !unit && TypeId::of::<T>() == TypeId::of::<serde_json::Value>() {
            return Err(empty_error());
        }
        serde_json::from_slice(b"null").map_err(|_| empty_error())?
    } else {
        let decoded = crate::evolve::decoding(call.decoding_version(), || {
            serde_json::from_slice(&bytes)
        });
        match decoded {
            Ok(data) => data,
            Err(e) => return Err(decode_failure::<T>(Some(status), bytes, e, call)),
        }
    };
    // The response keeps the body it was decoded from (`json()`,
    // `extra_fields()`); `Bytes` takes the buffer over without a copy.
    Ok(Response {
        data,
        status,
        headers,
        body: Some(bytes::Bytes::from(bytes)),
    })
}

/// Like [`finish`] for a raw body: the kept response's body, read whole
/// into one buffer ([`crate::transport::read_body`]).
pub(crate) async fn finish_bytes<P>(
    request: impl std::future::Future<
        Output = Result<ResponseValue<P>, progenitor_client::Error<()>>,
    >,
    raw: &raw::Client,
) -> Result<Response<Vec<u8>>, PhalaCloudError> {
    let result = request.await;
    let response = match &raw.inner.extra.capture {
        Some(slot) => captured(result, slot, raw).await?,
        None => return Err(RequestError::new("the response was not kept", None).into()),
    };
    read_whole(response, &raw.inner).await
}

/// A body as text: without a copy when it is UTF-8. Otherwise each invalid
/// sequence becomes U+FFFD, as `String::from_utf8_lossy` does; that can
/// make the text up to three times the body, so it is cut at the size
/// limit (`max_response_size`), which keeps a hostile body within twice
/// the limit while it is converted.
pub(crate) fn body_text(bytes: Vec<u8>, limit: u64) -> String {
    let mut bytes = match String::from_utf8(bytes) {
        Ok(text) => return text,
        Err(e) => e.into_bytes(),
    };
    // The spare room of a buffer grown without a known length goes back
    // (a shrink happens in place) before the text is built beside it.
    bytes.shrink_to_fit();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let lossy_len: usize = bytes
        .utf8_chunks()
        .map(|c| c.valid().len() + if c.invalid().is_empty() { 0 } else { 3 })
        .sum();
    let mut text = String::with_capacity(lossy_len.min(limit));
    for chunk in bytes.utf8_chunks() {
        let replacement = if chunk.invalid().is_empty() { "" } else { "\u{FFFD}" };
        for piece in [chunk.valid(), replacement] {
            let room = limit - text.len();
            if piece.len() > room {
                let mut cut = room;
                while !piece.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.push_str(&piece[..cut]);
                return text;
            }
            text.push_str(piece);
        }
    }
    text
}

/// Decodes the body again with `serde_path_to_error` to say where it
/// failed. When it failed because a value fits no variant of a union, one
/// variant is decoded alone and the error names it and the first field that
/// failed in it: the variant whose model belongs to `version` (the client's
/// `X-Phala-Version`) where the spec says which that is, else the variant
/// the body got furthest into before failing (a missing field is found only
/// after every present field decoded, a wrong type as soon as it is met).
fn decode_failure<T: serde::de::DeserializeOwned>(
    status: Option<u16>,
    bytes: Vec<u8>,
    err: serde_json::Error,
    call: &Call,
) -> PhalaCloudError {
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => {
            let path = e.path().to_string();
            let message = e.inner().to_string();
            match explain_union(&bytes, e.path(), &message, call.api_version()) {
                Some((inner_path, explained)) => (Some(join_paths(&path, &inner_path)), explained),
                None => (Some(path), message),
            }
        }
        Ok(_) => (None, err.to_string()),
    };
    // The error keeps the body itself, not a copy of it.
    let body = body_text(bytes, call.shared.max_response_size);
    ValidationError::new(status, body, path, message).into()
}

/// One variant of an untagged union, from the generated `unions` table.
pub(crate) struct UnionVariant {
    /// The variant's name (`V20260121`, `CvmInfoDetail`).
    pub(crate) name: &'static str,
    /// The API version the variant's model belongs to, where known.
    pub(crate) version: Option<&'static str>,
    /// Decodes a value (as compact JSON text) as this variant alone.
    pub(crate) first_error: fn(&str) -> Option<VariantFailure>,
}

/// Where and why a value does not decode as one variant.
pub(crate) struct VariantFailure {
    path: String,
    message: String,
    /// How far into the text decoding got.
    offset: usize,
}

/// Where and why `text` does not decode as `T`.
pub(crate) fn first_error<T: serde::de::DeserializeOwned>(text: &str) -> Option<VariantFailure> {
    let mut de = serde_json::Deserializer::from_str(text);
    let e = serde_path_to_error::deserialize::<_, T>(&mut de).err()?;
    let inner = e.inner();
    let position = format!(" at line {} column {}", inner.line(), inner.column());
    let message = inner.to_string();
    Some(VariantFailure {
        path: e.path().to_string(),
        message: message.strip_suffix(&position).unwrap_or(&message).to_owned(),
        offset: inner.column(),
    })
}

const NO_VARIANT: &str = "data did not match any variant of untagged enum ";

/// For serde's "did not match any variant of untagged enum X" at `at`: the
/// path inside the value and a message naming the variant tried and why it
/// failed.
fn explain_union(
    bytes: &[u8],
    at: &serde_path_to_error::Path,
    message: &str,
    version: &str,
) -> Option<(String, String)> {
    let union = message.strip_prefix(NO_VARIANT)?.split_whitespace().next()?;
    // Only the value at `at` is parsed, and only when small: the whole body
    // as a `Value` can take many times its size.
    let text = crate::classify::compact_at(bytes, at)?;
    explain(union, &text, version)
}

/// Why `text` (a JSON value) fits no variant of the union `union`: the
/// path inside it and a message naming the variant tried and the field
/// that failed. The variant is the one for `version` (see
/// [`crate::evolve::preferred`]), else the one the value got furthest into.
pub(crate) fn explain(union: &str, text: &str, version: &str) -> Option<(String, String)> {
    let variants = crate::unions::variants(union);
    let failures: Vec<(&UnionVariant, VariantFailure)> = variants
        .iter()
        .filter_map(|v| Some((v, (v.first_error)(text)?)))
        .collect();
    let preferred = crate::evolve::preferred(variants, version).map(|i| variants[i].name);
    let by_version = failures.iter().find(|(v, _)| Some(v.name) == preferred);
    // The furthest failure; the first variant on a tie.
    let furthest = failures
        .iter()
        .rev()
        .max_by_key(|(_, f)| f.offset);
    let (chosen, failure) = by_version.or(furthest)?;
    let reason = match (by_version, chosen.version) {
        (Some(_), Some(since)) => {
            format!("the model X-Phala-Version {version} gets, from version {since}")
        }
        _ => "the variant the body fits furthest".to_owned(),
    };
    let (inner_path, why) = (failure.path.clone(), &failure.message);
    let others: Vec<&str> = variants
        .iter()
        .map(|v| v.name)
        .filter(|n| *n != chosen.name)
        .collect();
    Some((
        inner_path,
        format!(
            "fits no variant of `{union}`; as `{}` ({reason}): {why}; other variants: {}",
            chosen.name,
            others.join(", ")
        ),
    ))
}

/// `outer` then `inner`, either of which may be the root (`.`).
fn join_paths(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        (".", inner) => inner.to_owned(),
        (outer, ".") => outer.to_owned(),
        (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        (outer, inner) => format!("{outer}.{inner}"),
    }
}

pub(crate) async fn convert_error(e: progenitor_client::Error<()>, call: &Call) -> PhalaCloudError {
    use progenitor_client::Error as E;
    let outcome = call.outcome();
    if let Some(too_large) = too_large(call) {
        return too_large.with_attempts(outcome.attempts);
    }
    let error = match e {
        E::UnexpectedResponse(_) if outcome.redirect_loop => {
            RequestError::new("too many redirects", None).into()
        }
        E::UnexpectedResponse(response) => api_error(response, call).await,
        E::ErrorResponse(value) => classify(
            value.status().as_u16(),
            value.headers().clone(),
            String::new(),
        )
        .into(),
        E::InvalidResponsePayload(bytes, err) => ValidationError::new(
            None,
            body_text(Vec::from(bytes), call.shared.max_response_size),
            None,
            err.to_string(),
        )
        .into(),
        E::CommunicationError(err) | E::ResponseBodyError(err) | E::InvalidUpgrade(err) => {
            transport(err)
        }
        E::InvalidRequest(message) | E::Custom(message) => RequestError::new(message, None).into(),
    };
    error.with_attempts(outcome.attempts)
}

/// Reads a non-2xx response and classifies it. A body cut off mid-read is
/// a transport failure.
pub(crate) async fn api_error(response: reqwest::Response, call: &Call) -> PhalaCloudError {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let limit = call.shared.max_response_size;
    match crate::transport::read_body(response, limit).await {
        Ok(body) => classify(status, headers, body_text(body, limit)).into(),
        Err(e) => body_error(e, call),
    }
}

fn transport(e: reqwest::Error) -> PhalaCloudError {
    RequestError::new(e.to_string(), Some(Box::new(e))).into()
}

/// A failure while reading a body: "too large" when the size limit cut it
/// off, otherwise a transport failure.
pub(crate) fn body_error(e: reqwest::Error, call: &Call) -> PhalaCloudError {
    too_large(call).unwrap_or_else(|| transport(e))
}

fn too_large(call: &Call) -> Option<PhalaCloudError> {
    let (status, declared) = call.outcome().too_large?;
    let limit = call.shared.max_response_size;
    Some(RequestError::too_large(limit, status, declared).into())
}

/// A file to upload in a multipart request. As JSON (for the `dynamic`
/// feature): `{"file_name": "a.sh", "content": "echo hi"}`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(from = "UploadFileJson")]
pub struct UploadFile {
    file_name: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

#[derive(serde::Deserialize)]
struct UploadFileJson {
    file_name: String,
    content: String,
    content_type: Option<String>,
}

impl From<UploadFileJson> for UploadFile {
    fn from(json: UploadFileJson) -> Self {
        UploadFile {
            file_name: json.file_name,
            content_type: json.content_type,
            bytes: json.content.into_bytes(),
        }
    }
}

impl UploadFile {
    /// A file part with this name and content.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        UploadFile {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the part's `Content-Type` (default `application/octet-stream`).
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }

    pub(crate) fn into_part(self) -> Result<reqwest::multipart::Part, PhalaCloudError> {
        let part = reqwest::multipart::Part::bytes(self.bytes).file_name(self.file_name);
        // A file part always says its type: some servers (Prism among them)
        // fail on a part without one.
        let mime = self
            .content_type
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        part.mime_str(&mime).map_err(|e| {
            RequestError::new(format!("invalid content type {mime:?}"), Some(Box::new(e))).into()
        })
    }
}

/// A multipart field that is an object, array or union: its JSON text, as
/// an `application/json` part.
// Used by the crates of APIs that have such fields.
#[allow(dead_code)]
pub(crate) fn json_part(
    value: &serde_json::Value,
) -> Result<reqwest::multipart::Part, PhalaCloudError> {
    reqwest::multipart::Part::text(value.to_string())
        .mime_str("application/json")
        .map_err(|e| RequestError::new("invalid JSON part".to_owned(), Some(Box::new(e))).into())
}

/// Builds a multipart request, once per attempt: its body is a stream that
/// cannot be cloned.
pub(crate) type BuildRequest<'a> =
    dyn Fn() -> Result<reqwest::RequestBuilder, PhalaCloudError> + Send + Sync + 'a;

/// Sends a request built outside progenitor (multipart uploads) with the
/// same headers, retries, redirects and error handling as every other
/// operation.
pub(crate) async fn send_json<T: serde::de::DeserializeOwned + 'static>(
    client: &PhalaCloud,
    build: &BuildRequest<'_>,
    operation: &'static str,
) -> Result<Response<T>, PhalaCloudError> {
    let (response, raw) = exchange(client, build, operation).await?;
    if !response.status().is_success() {
        let attempts = raw.inner.outcome().attempts;
        return Err(api_error(response, &raw.inner)
            .await
            .with_attempts(attempts));
    }
    let whole = read_whole(response, &raw.inner).await?;
    decode_success(whole.status, whole.headers, whole.data, &raw.inner)
}

/// Like [`send_json`], but any status is a response: status, headers and
/// the raw body (the generic request's `send_raw`).
pub(crate) async fn send_raw(
    client: &PhalaCloud,
    build: &BuildRequest<'_>,
    operation: &'static str,
) -> Result<Response<bytes::Bytes>, PhalaCloudError> {
    let (response, raw) = exchange(client, build, operation).await?;
    let whole = read_whole(response, &raw.inner).await?;
    Ok(whole.map(bytes::Bytes::from))
}

/// Sends the request (retrying as the policy says) and returns the final
/// response, which may have any status.
pub(crate) async fn exchange(
    client: &PhalaCloud,
    build: &BuildRequest<'_>,
    operation: &'static str,
) -> Result<(reqwest::Response, raw::Client), PhalaCloudError> {
    let raw = client.call();
    let prepare = || -> Result<reqwest::Request, PhalaCloudError> {
        let mut request = build()?.build().map_err(transport)?;
        raw.inner.shared.apply(&mut request);
        Ok(request)
    };
    let first = prepare()?;
    let rebuild = || prepare().ok();
    let attempts = || raw.inner.outcome().attempts;
    let response =
        crate::transport::send(&raw.client, first, Some(&rebuild), &raw.inner, operation)
            .await
            .map_err(|e| body_error(e, &raw.inner).with_attempts(attempts()))?;
    if raw.inner.outcome().redirect_loop && response.status().is_redirection() {
        return Err(RequestError::new("too many redirects", None).into());
    }
    Ok((response, raw))
}

/// A response read whole (within the size limit) into one buffer, see
/// [`crate::transport::read_body`]: status, headers, body.
pub(crate) async fn read_whole(
    response: reqwest::Response,
    call: &Call,
) -> Result<Response<Vec<u8>>, PhalaCloudError> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let data = crate::transport::read_body(response, call.shared.max_response_size)
        .await
        .map_err(|e| body_error(e, call))?;
    Ok(Response {
        data,
        status,
        headers,
        body: None,
    })
}
