//! From progenitor's results (and our own multipart requests) to this
//! crate's: decoded values with their response metadata, or the right error.

use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;

use crate::classify::classify;
use crate::client::Call;
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::{raw, PhalaCloud};

/// A decoded response with its status and headers, from `send_with_meta()`.
#[derive(Debug, Clone)]
pub struct Response<T> {
    data: T,
    status: u16,
    headers: HeaderMap,
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
        }
    }
}

/// Converts progenitor's result. An empty 2xx body is decoded as JSON `null`,
/// which an optional response type accepts. `status` is the operation's
/// success status when it declares only one, so a decode failure can name it.
pub(crate) async fn finish<T: serde::de::DeserializeOwned>(
    result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
    raw: &raw::Client,
    status: Option<u16>,
) -> Result<Response<T>, PhalaCloudError> {
    match result {
        Ok(value) => Ok(Response {
            status: value.status().as_u16(),
            headers: value.headers().clone(),
            data: value.into_inner(),
        }),
        Err(progenitor_client::Error::InvalidResponsePayload(bytes, err)) => {
            let data = if bytes.is_empty() {
                serde_json::from_str("null").map_err(|_| {
                    ValidationError::new(status, String::new(), None, err.to_string()).into()
                })
            } else {
                Err(decode_failure::<T>(status, &bytes, err))
            };
            data.map(|data| Response {
                data,
                status: status.unwrap_or(200),
                headers: HeaderMap::new(),
            })
        }
        Err(e) => Err(convert_error(e, &raw.inner).await),
    }
}

/// Like [`finish`] for a raw body: reads the whole stream into bytes.
pub(crate) async fn finish_bytes(
    result: Result<ResponseValue<progenitor_client::ByteStream>, progenitor_client::Error<()>>,
    raw: &raw::Client,
) -> Result<Response<Vec<u8>>, PhalaCloudError> {
    let value = match result {
        Ok(value) => value,
        Err(e) => return Err(convert_error(e, &raw.inner).await),
    };
    let (status, headers) = (value.status().as_u16(), value.headers().clone());
    let mut stream = value.into_inner().into_inner();
    let mut data = Vec::new();
    while let Some(chunk) =
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(stream.as_mut(), cx)).await
    {
        let chunk = chunk.map_err(transport)?;
        data.extend_from_slice(&chunk);
    }
    Ok(Response {
        data,
        status,
        headers,
    })
}

/// Decodes the body again with `serde_path_to_error` to say where it failed.
fn decode_failure<T: serde::de::DeserializeOwned>(
    status: Option<u16>,
    bytes: &[u8],
    err: serde_json::Error,
) -> PhalaCloudError {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (Some(e.path().to_string()), e.inner().to_string()),
        Ok(_) => (None, err.to_string()),
    };
    ValidationError::new(
        status,
        String::from_utf8_lossy(bytes).into_owned(),
        path,
        message,
    )
    .into()
}

async fn convert_error(e: progenitor_client::Error<()>, call: &Call) -> PhalaCloudError {
    use progenitor_client::Error as E;
    let outcome = call.outcome();
    let error = match e {
        E::UnexpectedResponse(_) if outcome.redirect_loop => {
            RequestError::new("too many redirects", None).into()
        }
        E::UnexpectedResponse(response) => api_error(response).await,
        E::ErrorResponse(value) => classify(
            value.status().as_u16(),
            value.headers().clone(),
            String::new(),
        )
        .into(),
        E::InvalidResponsePayload(bytes, err) => ValidationError::new(
            None,
            String::from_utf8_lossy(&bytes).into_owned(),
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
async fn api_error(response: reqwest::Response) -> PhalaCloudError {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    match response.text().await {
        Ok(body) => classify(status, headers, body).into(),
        Err(e) => transport(e),
    }
}

fn transport(e: reqwest::Error) -> PhalaCloudError {
    RequestError::new(e.to_string(), Some(Box::new(e))).into()
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

/// Builds a multipart request, once per attempt: its body is a stream that
/// cannot be cloned.
pub(crate) type BuildRequest<'a> =
    dyn Fn() -> Result<reqwest::RequestBuilder, PhalaCloudError> + Send + Sync + 'a;

/// Sends a request built outside progenitor (multipart uploads) with the
/// same headers, retries, redirects and error handling as every other
/// operation.
pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(
    client: &PhalaCloud,
    build: &BuildRequest<'_>,
    operation: &'static str,
) -> Result<Response<T>, PhalaCloudError> {
    let raw = client.call();
    let prepare = || -> Result<reqwest::Request, PhalaCloudError> {
        let mut request = build()?.build().map_err(transport)?;
        raw.inner.shared.apply(request.headers_mut());
        Ok(request)
    };
    let first = prepare()?;
    let rebuild = || prepare().ok();
    let attempts = || raw.inner.outcome().attempts;
    let response =
        crate::transport::send(&raw.client, first, Some(&rebuild), &raw.inner, operation)
            .await
            .map_err(|e| transport(e).with_attempts(attempts()))?;
    let status = response.status();
    if raw.inner.outcome().redirect_loop && status.is_redirection() {
        return Err(RequestError::new("too many redirects", None).into());
    }
    if !status.is_success() {
        return Err(api_error(response).await.with_attempts(attempts()));
    }
    let headers = response.headers().clone();
    let bytes = response.bytes().await.map_err(transport)?;
    let data = serde_json::from_slice(&bytes)
        .map_err(|e| decode_failure::<T>(Some(status.as_u16()), &bytes, e))?;
    Ok(Response {
        data,
        status: status.as_u16(),
        headers,
    })
}
