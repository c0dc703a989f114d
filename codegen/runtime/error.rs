//! The error type every client method returns.
//!
//! This is the first layer of the Python SDK's hierarchy
//! (`PhalaCloudError` > `RequestError` | `ValidationError` | `ApiError`);
//! nothing the server sent is dropped: API errors keep the status, the raw
//! body and the request id.

use std::fmt;

/// Any failure of a Phala Cloud API call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PhalaCloudError {
    /// The request could not be sent or its response could not be read.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// A 2xx response whose body does not match the expected model.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The server answered with a non-2xx status.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// A transport failure: connection refused, timeout, reset, truncated body.
#[derive(Debug, thiserror::Error)]
#[error("request failed: {message}")]
pub struct RequestError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl RequestError {
    pub(crate) fn new(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        RequestError {
            message: message.into(),
            source,
        }
    }

    /// A one-line description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A 2xx body that does not decode into the operation's model.
#[derive(Debug, thiserror::Error)]
#[error("response body does not match the model{}: {message}", path_suffix(.path))]
pub struct ValidationError {
    status: Option<u16>,
    body: String,
    path: Option<String>,
    message: String,
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
            status,
            body,
            path,
            message,
        }
    }

    /// The HTTP status of the response, when known.
    pub fn status_code(&self) -> Option<u16> {
        self.status
    }

    /// The raw response body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The JSON path where decoding failed (`items[0].id`), when known.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

/// A non-2xx response.
#[derive(Debug, thiserror::Error)]
pub struct ApiError {
    status: u16,
    body: String,
    request_id: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: u16, body: String, request_id: Option<String>) -> Self {
        ApiError {
            status,
            body,
            request_id,
        }
    }

    /// The HTTP status code.
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// The raw response body, exactly as received.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn detail(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The `X-Request-ID` of the response, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first_line = self.body.lines().next().unwrap_or("");
        let shown: String = first_line.chars().take(200).collect();
        write!(f, "HTTP {}: {}", self.status, shown)
    }
}
