//! The error hierarchy of the Python SDK, as nested enums whose leaves are
//! structs, so `match` can take the most specific case first:
//!
//! ```text
//! PhalaCloudError
//! ├── Request(RequestError)        transport: refused, timeout, reset, truncated body, body over the size limit
//! ├── Validation(ValidationError)  a 2xx body that does not match the model or is empty where one is
//! │                                expected (raw body, status, JSON path); an empty path id, before sending
//! └── Api(ApiError)                a non-2xx response (status, raw body, parsed body, headers, request id)
//!     ├── Auth(AuthError)          401, 403
//!     ├── Server(ServerError)      500 and above
//!     └── Business(BusinessError)  every other status
//!         ├── Conflict(ConflictError)    409 without `error_code`
//!         ├── Resource(ResourceError)    a JSON body with an `error_code` key, even null, at any status
//!         └── Other(PlainBusinessError)  the rest (400, 404, 422, 429, 465, ...)
//! ```
//!
//! Nothing the server sent is dropped: every API error keeps the status, the
//! raw body, the parsed body and the response headers.
#![doc = include_str!("error_guide.md")]

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error_codes::ErrorCode;

/// Any failure of a Phala Cloud API call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PhalaCloudError {
    /// The request could not be sent or its response could not be read.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// A 2xx response whose body does not match the expected model (or is
    /// empty where a body is expected), or an argument rejected before
    /// anything was sent (an empty path id).
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The server answered with a non-2xx status.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// A non-2xx response, by kind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 401 or 403: the API key is missing, invalid or lacks permission.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// 500 and above.
    #[error(transparent)]
    Server(#[from] ServerError),
    /// Every other status: a business-logic error.
    #[error(transparent)]
    Business(#[from] BusinessError),
}

/// A business-logic error, by kind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BusinessError {
    /// 409 without a structured code: usually transient, often worth a retry.
    #[error(transparent)]
    Conflict(#[from] ConflictError),
    /// A structured error carrying an `ERR-xx-xxx` code. Shown as
    /// `[ERR-03-007] message (HTTP 409, ...)`: the code is added here, so a
    /// print of the [`ResourceError`] itself next to its
    /// [`error_code`](ResourceError::error_code) shows the code once.
    #[error("[{code}] {0}", code = .0.error_code())]
    Resource(#[from] ResourceError),
    /// Any other business error (400, 404, 422, 465, ...).
    #[error(transparent)]
    Other(#[from] PlainBusinessError),
}

macro_rules! into_top {
    ($($leaf:ident => |$e:ident| $wrap:expr;)*) => {
        $(
            impl From<$leaf> for PhalaCloudError {
                fn from($e: $leaf) -> Self {
                    PhalaCloudError::Api($wrap)
                }
            }
        )*
    };
}

into_top! {
    AuthError => |e| ApiError::Auth(e);
    ServerError => |e| ApiError::Server(e);
    BusinessError => |e| ApiError::Business(e);
    ConflictError => |e| ApiError::Business(BusinessError::Conflict(e));
    ResourceError => |e| ApiError::Business(BusinessError::Resource(e));
    PlainBusinessError => |e| ApiError::Business(BusinessError::Other(e));
}

/// What every API error carries.
///
/// Only the body is kept whole; the message borrows from it where it can,
/// and the parsed forms (`detail()`, a long `validation_details()`) are
/// parsed from it when first asked for, so an error holds its body about
/// once, whatever the body holds.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    pub(crate) status: u16,
    /// `None` when the message is the raw body (not copied) or, for an
    /// empty body, the status's reason phrase.
    pub(crate) message: Option<Text>,
    pub(crate) code: Option<String>,
    /// The body as JSON, parsed on the first `detail()`.
    pub(crate) detail: OnceLock<Option<Value>>,
    pub(crate) body: String,
    pub(crate) request_id: Option<String>,
    pub(crate) headers: HeaderMap,
    /// Set when classified, except for a `detail` list too long to parse
    /// before it is asked for.
    pub(crate) validation: OnceLock<Vec<ValidationDetail>>,
    /// Where the body's `detail` member is, for `validation`.
    pub(crate) detail_field: Option<Range<usize>>,
    pub(crate) attempts: u32,
}

/// A message: its own text, or a part of the body (not copied).
#[derive(Debug, Clone)]
pub(crate) enum Text {
    Owned(String),
    InBody(Range<usize>),
}

impl ErrorResponse {
    /// The HTTP status code.
    pub fn status_code(&self) -> u16 {
        self.status
    }
    /// The message: the body's `message`, else its `detail`, else the raw
    /// text, skipping empty ones as Python does; for an empty body, the
    /// status's reason phrase. A FastAPI 422 list reads
    /// `body.name: Field required`. A `message` or `detail` that is a list
    /// or an object reads as its JSON (compact when it is at most 64 KiB,
    /// else as sent, and then a 422 list is not made readable).
    pub fn message(&self) -> &str {
        match &self.message {
            Some(Text::Owned(m)) => return m,
            Some(Text::InBody(range)) => return self.body.get(range.clone()).unwrap_or_default(),
            None => {}
        }
        let text = self.body.trim();
        if !text.is_empty() {
            return text;
        }
        reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("error")
    }
    /// The body's `code`, if any.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The whole body parsed as JSON; `None` when it is not JSON. Parsed
    /// on the first call (a body of many small values takes many times its
    /// size as a `Value`).
    pub fn detail(&self) -> Option<&Value> {
        self.detail
            .get_or_init(|| serde_json::from_str(&self.body).ok())
            .as_ref()
    }
    /// The raw body, exactly as received and in full (Display shows at
    /// most [`DISPLAY_LIMIT`] bytes of the message). A body that is not
    /// UTF-8 has each invalid sequence replaced by U+FFFD, and should that
    /// make it longer than the client's `max_response_size`, it is cut
    /// there.
    pub fn body(&self) -> &str {
        &self.body
    }
    /// The body decoded as `T`: the model the operation's docs name for
    /// this status (`err.body_as::<types::Error>()`), or any other type.
    /// An error when the body is not that JSON.
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.body)
    }
    /// The `X-Request-ID` header, replaced by a string `request_id` in the body.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The field errors of a FastAPI 422 body (`{"detail": [{"loc", "msg", "type"}]}`).
    pub fn validation_details(&self) -> &[ValidationDetail] {
        self.validation.get_or_init(|| {
            let field = self.detail_field.clone().and_then(|r| self.body.get(r));
            field.map(crate::classify::validation_in).unwrap_or_default()
        })
    }
    /// How many attempts were made; more than 1 when retries ran out.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// How many bytes of a message an error's Display shows; the rest is
/// replaced by `… (N bytes)`, so a large body does not end up in a log
/// line. [`ErrorResponse::body`] keeps all of it.
pub const DISPLAY_LIMIT: usize = 1024;

/// `text` on one line, cut at [`DISPLAY_LIMIT`] bytes (on a character
/// boundary) with the full size after it.
fn one_line_capped(text: &str) -> String {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        if line.len() > DISPLAY_LIMIT {
            break;
        }
    }
    if line.len() > DISPLAY_LIMIT {
        let mut cut = DISPLAY_LIMIT;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push_str(&format!("… ({} bytes)", text.len()));
    }
    line
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = one_line_capped(self.message());
        write!(f, "{line} (HTTP {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        if self.attempts > 1 {
            write!(f, ", after {} attempts", self.attempts)?;
        }
        f.write_str(")")
    }
}

/// One entry of a FastAPI validation error.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ValidationDetail {
    /// Where the problem is: `["body", "name"]`, `["query", "page"]`, indexes as numbers.
    pub loc: Vec<Value>,
    /// What is wrong: `Field required`.
    pub msg: String,
    /// The error type: `missing`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl ValidationDetail {
    /// `body.name`.
    pub fn location(&self) -> String {
        let parts: Vec<String> = self
            .loc
            .iter()
            .map(|p| match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        parts.join(".")
    }
}

macro_rules! leaf {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, thiserror::Error)]
        #[error("{response}")]
        pub struct $name {
            pub(crate) response: Box<ErrorResponse>,
        }

        impl std::ops::Deref for $name {
            type Target = ErrorResponse;
            fn deref(&self) -> &ErrorResponse {
                &self.response
            }
        }
    };
}

leaf!(
    /// 401 or 403. The accessors of [`ErrorResponse`] are available on it.
    AuthError
);
leaf!(
    /// 500 and above. The accessors of [`ErrorResponse`] are available on it.
    ServerError
);
leaf!(
    /// 409 without an `error_code`. The accessors of [`ErrorResponse`] are available on it.
    ConflictError
);
leaf!(
    /// A business error that is neither a conflict nor structured. The
    /// accessors of [`ErrorResponse`] are available on it.
    PlainBusinessError
);

/// A structured error: the body had an `error_code` key (even `null`).
///
/// Its `Display` is the message, status and request id without the code,
/// as the Python SDK's `str(e)` is the message alone, so the Python-style
/// `println!("Error [{}]: {e}", e.error_code())` prints the code once. The
/// error it sits in ([`BusinessError`], [`ApiError`], the crate's top
/// error) adds the code in front: `[ERR-03-007] App id in use (HTTP 409)`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .inner.response)]
pub struct ResourceError {
    pub(crate) inner: Box<ResourceFields>,
}

/// The fields of a [`ResourceError`], boxed so errors stay small. Its
/// `details`, `suggestions` and `links` are parsed from the body when first
/// asked for.
#[derive(Debug, Clone)]
pub(crate) struct ResourceFields {
    pub(crate) response: ErrorResponse,
    pub(crate) error_code: ErrorCode,
    pub(crate) spans: ResourceSpans,
    pub(crate) details: OnceLock<Option<Value>>,
    pub(crate) suggestions: OnceLock<Vec<String>>,
    pub(crate) links: OnceLock<Vec<Value>>,
}

/// Where a structured error's members are in its body.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResourceSpans {
    pub(crate) details: Option<Range<usize>>,
    pub(crate) suggestions: Option<Range<usize>>,
    pub(crate) links: Option<Range<usize>>,
}

impl ResourceFields {
    /// The text of a member, if the body has it.
    fn member(&self, span: &Option<Range<usize>>) -> Option<&str> {
        span.clone().and_then(|r| self.response.body.get(r))
    }
}

impl std::ops::Deref for ResourceError {
    type Target = ErrorResponse;
    fn deref(&self) -> &ErrorResponse {
        &self.inner.response
    }
}

impl ResourceError {
    /// The structured code; compares with the `error_codes` constants:
    /// `e.error_code() == CVM_APP_ID_CONFLICT`.
    pub fn error_code(&self) -> &ErrorCode {
        &self.inner.error_code
    }
    /// The body's `details`: field-level context.
    pub fn structured_details(&self) -> Option<&Value> {
        let inner = &self.inner;
        inner
            .details
            .get_or_init(|| inner.member(&inner.spans.details).and_then(crate::classify::details_in))
            .as_ref()
    }
    /// The body's `suggestions`.
    pub fn suggestions(&self) -> &[String] {
        let inner = &self.inner;
        inner.suggestions.get_or_init(|| {
            let text = inner.member(&inner.spans.suggestions);
            text.map(crate::classify::suggestions_in).unwrap_or_default()
        })
    }
    /// The body's `links` to documentation.
    pub fn links(&self) -> &[Value] {
        let inner = &self.inner;
        inner.links.get_or_init(|| {
            let text = inner.member(&inner.spans.links);
            text.map(crate::classify::links_in).unwrap_or_default()
        })
    }
}

/// The [`ErrorResponse`] accessors on the enum levels of the hierarchy.
macro_rules! response_accessors {
    ($name:ident) => {
        impl $name {
            /// The HTTP status code.
            pub fn status_code(&self) -> u16 {
                self.response().status_code()
            }
            /// See [`ErrorResponse::message`].
            pub fn message(&self) -> &str {
                self.response().message()
            }
            /// The body's `code`, if any.
            pub fn code(&self) -> Option<&str> {
                self.response().code()
            }
            /// The whole body parsed as JSON; `None` when it is not JSON.
            pub fn detail(&self) -> Option<&Value> {
                self.response().detail()
            }
            /// The raw body, exactly as received.
            pub fn body(&self) -> &str {
                self.response().body()
            }
            /// See [`ErrorResponse::body_as`].
            pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
                self.response().body_as()
            }
            /// See [`ErrorResponse::request_id`].
            pub fn request_id(&self) -> Option<&str> {
                self.response().request_id()
            }
            /// The response headers.
            pub fn headers(&self) -> &HeaderMap {
                self.response().headers()
            }
            /// The field errors of a FastAPI 422 body.
            pub fn validation_details(&self) -> &[ValidationDetail] {
                self.response().validation_details()
            }
        }
    };
}

response_accessors!(BusinessError);
response_accessors!(ApiError);

impl BusinessError {
    /// The fields every API error carries.
    pub fn response(&self) -> &ErrorResponse {
        match self {
            BusinessError::Conflict(e) => e,
            BusinessError::Resource(e) => e,
            BusinessError::Other(e) => e,
        }
    }
    /// True for a 409 without `error_code`.
    pub fn is_conflict(&self) -> bool {
        matches!(self, BusinessError::Conflict(_))
    }
    /// The structured error, if this is one.
    pub fn as_resource(&self) -> Option<&ResourceError> {
        match self {
            BusinessError::Resource(e) => Some(e),
            _ => None,
        }
    }
}

impl ApiError {
    /// The fields every API error carries.
    pub fn response(&self) -> &ErrorResponse {
        match self {
            ApiError::Auth(e) => e,
            ApiError::Server(e) => e,
            ApiError::Business(b) => b.response(),
        }
    }

    fn response_mut(&mut self) -> &mut ErrorResponse {
        match self {
            ApiError::Auth(e) => &mut e.response,
            ApiError::Server(e) => &mut e.response,
            ApiError::Business(BusinessError::Conflict(e)) => &mut e.response,
            ApiError::Business(BusinessError::Resource(e)) => &mut e.inner.response,
            ApiError::Business(BusinessError::Other(e)) => &mut e.response,
        }
    }
    /// True for a 401/403.
    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::Auth(_))
    }
    /// True for a 500+.
    pub fn is_server(&self) -> bool {
        matches!(self, ApiError::Server(_))
    }
    /// True for any business error, conflicts and resource errors included.
    pub fn is_business(&self) -> bool {
        matches!(self, ApiError::Business(_))
    }
    /// True for a 409 without `error_code`.
    pub fn is_conflict(&self) -> bool {
        matches!(self, ApiError::Business(BusinessError::Conflict(_)))
    }
    /// The structured error, if this is one.
    pub fn as_resource(&self) -> Option<&ResourceError> {
        match self {
            ApiError::Business(BusinessError::Resource(e)) => Some(e),
            _ => None,
        }
    }
}

impl PhalaCloudError {
    /// The API error, if the server answered with a non-2xx status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            PhalaCloudError::Api(e) => Some(e),
            _ => None,
        }
    }
    /// The structured error, if this is one.
    pub fn as_resource(&self) -> Option<&ResourceError> {
        self.as_api().and_then(ApiError::as_resource)
    }
    /// The HTTP status: of the error response, or of a 2xx body that did not decode.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            PhalaCloudError::Api(e) => Some(e.status_code()),
            PhalaCloudError::Validation(e) => e.status_code(),
            PhalaCloudError::Request(_) => None,
        }
    }
    /// The body's `code`, for API errors.
    pub fn code(&self) -> Option<&str> {
        self.as_api().and_then(|e| e.response().code())
    }
    /// The parsed error body, for API errors.
    pub fn detail(&self) -> Option<&Value> {
        self.as_api().and_then(|e| e.response().detail())
    }
    /// For an API error, its body decoded as `T` (see
    /// [`ErrorResponse::body_as`]); `None` for any other error.
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.as_api().map(ApiError::body_as)
    }
    /// The request id, for API errors.
    pub fn request_id(&self) -> Option<&str> {
        self.as_api().and_then(|e| e.response().request_id())
    }
    /// The structured code, for resource errors.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        self.as_resource().map(ResourceError::error_code)
    }
    /// The suggestions of a resource error (empty otherwise).
    pub fn suggestions(&self) -> &[String] {
        self.as_resource().map_or(&[], ResourceError::suggestions)
    }
    /// The `details` of a resource error.
    pub fn structured_details(&self) -> Option<&Value> {
        self.as_resource()
            .and_then(ResourceError::structured_details)
    }
    /// The `links` of a resource error (empty otherwise).
    pub fn links(&self) -> &[Value] {
        self.as_resource().map_or(&[], ResourceError::links)
    }
    /// How many attempts the call made (1 without retries).
    pub fn attempts(&self) -> u32 {
        match self {
            PhalaCloudError::Request(e) => e.attempts,
            PhalaCloudError::Api(e) => e.response().attempts,
            PhalaCloudError::Validation(_) => 1,
        }
    }

    /// Records how many attempts the transport made.
    /// The error with `hint` after its message, for a status whose cause
    /// the caller's situation explains better than the server's body.
    pub(crate) fn with_hint(mut self, hint: &str) -> Self {
        if let PhalaCloudError::Api(e) = &mut self {
            let response = e.response_mut();
            let message = format!("{} ({hint})", response.message());
            response.message = Some(Text::Owned(message));
        }
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        let attempts = attempts.max(1);
        match &mut self {
            PhalaCloudError::Request(e) => e.attempts = attempts,
            PhalaCloudError::Api(e) => e.response_mut().attempts = attempts,
            PhalaCloudError::Validation(_) => {}
        }
        self
    }

    /// True for a transport failure.
    pub fn is_request(&self) -> bool {
        matches!(self, PhalaCloudError::Request(_))
    }
    /// True for a 2xx body that did not match the model.
    pub fn is_validation(&self) -> bool {
        matches!(self, PhalaCloudError::Validation(_))
    }
    /// True for any non-2xx response.
    pub fn is_api(&self) -> bool {
        self.as_api().is_some()
    }
    /// True for a 401/403.
    pub fn is_auth(&self) -> bool {
        self.as_api().is_some_and(ApiError::is_auth)
    }
    /// True for a 500+.
    pub fn is_server(&self) -> bool {
        self.as_api().is_some_and(ApiError::is_server)
    }
    /// True for any business error, conflicts and resource errors included.
    pub fn is_business(&self) -> bool {
        self.as_api().is_some_and(ApiError::is_business)
    }
    /// True for a 409 without `error_code`.
    pub fn is_conflict(&self) -> bool {
        self.as_api().is_some_and(ApiError::is_conflict)
    }
    /// True for a structured error.
    pub fn is_resource(&self) -> bool {
        self.as_resource().is_some()
    }
}

/// A transport failure: connection refused, timeout, reset, truncated body,
/// a body over the client's size limit; also a client that cannot be built.
///
/// Its Display ends with the innermost cause (`Connection refused`,
/// `operation timed out`), which is what says what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("request failed: {message}{}{}", cause_suffix(&self.message, self.source.as_deref()), attempts_suffix(*.attempts))]
pub struct RequestError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    attempts: u32,
    too_large: bool,
    /// Set for a wait (`wait_for_cvm_state`) that ran out of time.
    waited_out: bool,
}

/// `: <innermost cause>` unless the message already says it.
fn cause_suffix(message: &str, source: Option<&(dyn std::error::Error + Send + Sync)>) -> String {
    let Some(mut cause) = source.map(|s| s as &dyn std::error::Error) else {
        return String::new();
    };
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    if text.is_empty() || message.contains(&text) {
        String::new()
    } else {
        format!(": {text}")
    }
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

impl RequestError {
    pub(crate) fn new(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        RequestError {
            message: message.into(),
            source,
            attempts: 1,
            too_large: false,
            waited_out: false,
        }
    }

    /// A wait for a state that did not come in time.
    pub(crate) fn wait_timeout(message: impl Into<String>) -> Self {
        RequestError {
            waited_out: true,
            ..RequestError::new(message, None)
        }
    }

    /// A response body larger than the client's `max_response_size`.
    pub(crate) fn too_large(limit: u64, status: u16, declared: Option<u64>) -> Self {
        let size = match declared {
            Some(n) => format!("Content-Length {n}"),
            None => format!("more than {limit} bytes"),
        };
        RequestError {
            message: format!(
                "the HTTP {status} response body ({size}) exceeds the limit of {limit} bytes \
                 (PhalaCloudBuilder::max_response_size); it was not read further"
            ),
            source: None,
            attempts: 1,
            too_large: true,
            waited_out: false,
        }
    }

    /// A server-sent event (or one of its lines) longer than the client's
    /// `max_response_size`.
    pub(crate) fn event_too_large(limit: u64) -> Self {
        RequestError {
            message: format!(
                "a server-sent event exceeds the limit of {limit} bytes \
                 (PhalaCloudBuilder::max_response_size); the stream was not read further"
            ),
            too_large: true,
            ..RequestError::new("", None)
        }
    }

    /// True when the response body (or one server-sent event) was over the
    /// client's `max_response_size` and was not read.
    pub fn is_too_large(&self) -> bool {
        self.too_large
    }

    /// How many attempts were made; more than 1 when retries ran out.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// A one-line description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True when the request timed out, or a wait for a CVM state ran out
    /// of time.
    pub fn is_timeout(&self) -> bool {
        self.waited_out || self.reqwest().is_some_and(reqwest::Error::is_timeout)
    }

    /// True when the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.reqwest().is_some_and(reqwest::Error::is_connect)
    }

    fn reqwest(&self) -> Option<&reqwest::Error> {
        self.source.as_ref()?.downcast_ref::<reqwest::Error>()
    }
}

/// A 2xx body that does not decode into the operation's model, an empty
/// 2xx body where one is expected, or an argument rejected before the
/// request was sent (as the Python SDK's request models reject a missing
/// id before sending).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", validation_text(.inner))]
pub struct ValidationError {
    inner: Box<ValidationFields>,
}

#[derive(Debug, Clone)]
struct ValidationFields {
    status: Option<u16>,
    body: String,
    path: Option<String>,
    message: String,
    argument: Option<String>,
}

fn validation_text(v: &ValidationFields) -> String {
    match &v.argument {
        Some(name) => format!("invalid argument `{name}`: {}", v.message),
        None => format!(
            "response body does not match the model{}: {}",
            path_suffix(&v.path),
            v.message
        ),
    }
}

fn path_suffix(path: &Option<String>) -> String {
    path.as_ref()
        .map(|p| format!(" at `{p}`"))
        .unwrap_or_default()
}

impl ValidationError {
    pub(crate) fn new(
        status: Option<u16>,
        body: String,
        path: Option<String>,
        message: String,
    ) -> Self {
        ValidationError {
            inner: Box::new(ValidationFields {
                status,
                body,
                path,
                message,
                argument: None,
            }),
        }
    }

    /// An argument rejected before sending; `name` is the parameter's Rust name.
    pub(crate) fn argument(name: &str, message: impl Into<String>) -> Self {
        ValidationError {
            inner: Box::new(ValidationFields {
                status: None,
                body: String::new(),
                path: None,
                message: message.into(),
                argument: Some(name.to_owned()),
            }),
        }
    }

    /// The rejected argument's name, when nothing was sent.
    pub fn argument_name(&self) -> Option<&str> {
        self.inner.argument.as_deref()
    }

    /// The HTTP status of the response, when known.
    pub fn status_code(&self) -> Option<u16> {
        self.inner.status
    }

    /// The raw response body.
    pub fn body(&self) -> &str {
        &self.inner.body
    }

    /// The JSON path where decoding failed (`items[0].id`), when known.
    pub fn path(&self) -> Option<&str> {
        self.inner.path.as_deref()
    }

    /// The decoder's message.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}
