//! The client runtime: configuration, the headers every request carries, and
//! the conversions from progenitor's results to this crate's types.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::classify::classify;
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::{raw, DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://cloud-api.phala.com/api/v1";
/// The spec's paths all start with this prefix.
const API_PREFIX: &str = "/api/v1";
const API_KEY_HEADER: &str = "x-api-key";
const VERSION_HEADER: &str = "x-phala-version";

/// Settings shared by every request of one client.
pub struct Shared {
    api_key: Option<HeaderValue>,
    version: HeaderValue,
    extra_headers: HeaderMap,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("version", &self.version)
            .field(
                "extra_headers",
                &self.extra_headers.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Shared {
    fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        headers.insert(
            HeaderName::from_static(VERSION_HEADER),
            self.version.clone(),
        );
        if let Some(key) = &self.api_key {
            headers.insert(HeaderName::from_static(API_KEY_HEADER), key.clone());
        }
    }
}

impl ClientHooks<Arc<Shared>> for raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner.apply(request.headers_mut());
        Ok(())
    }
}

/// The asynchronous Phala Cloud client. Cheap to clone: clones share one
/// connection pool.
///
/// Every API operation is a method that takes the operation's required
/// parameters and returns a request value; optional parameters are set with
/// its methods, and `.await` sends it.
#[derive(Clone)]
pub struct PhalaCloud {
    pub(crate) raw: raw::Client,
}

impl fmt::Debug for PhalaCloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhalaCloud")
            .field("base_url", &self.raw.baseurl)
            .field("shared", &self.raw.inner)
            .finish()
    }
}

impl PhalaCloud {
    /// A client for the production API with `api_key` (or, when it is empty,
    /// `PHALA_CLOUD_API_KEY`), the default API version and a 30 s timeout.
    pub fn new(api_key: impl Into<String>) -> Result<Self, PhalaCloudError> {
        Self::builder().api_key(api_key).build()
    }

    /// Starts a builder with every setting at its default.
    pub fn builder() -> PhalaCloudBuilder {
        PhalaCloudBuilder::default()
    }

    /// The low-level progenitor client: positional arguments and
    /// progenitor's own error type. Prefer the methods on this type.
    pub fn raw(&self) -> &raw::Client {
        &self.raw
    }

    /// The base URL requests are sent to, without the `/api/v1` prefix.
    pub fn base_url(&self) -> &str {
        &self.raw.baseurl
    }

    /// The `X-Phala-Version` this client sends.
    pub fn api_version(&self) -> &str {
        self.raw.inner.version.to_str().unwrap_or_default()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.raw.client
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.raw.inner
    }
}

/// Configures a [`PhalaCloud`] client.
#[derive(Default)]
pub struct PhalaCloudBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    version: Option<String>,
    timeout: Option<Duration>,
    headers: HeaderMap,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for PhalaCloudBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhalaCloudBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl PhalaCloudBuilder {
    /// The API key, sent as `X-API-Key`. When unset or empty,
    /// `PHALA_CLOUD_API_KEY` is used.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL, with or without the `/api/v1` suffix. When unset,
    /// `PHALA_CLOUD_API_PREFIX`, else [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `X-Phala-Version` to send; one of [`SUPPORTED_API_VERSIONS`].
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// The whole-request timeout (default 30 s). Ignored when a
    /// [`reqwest::Client`] is supplied with [`Self::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// An extra header sent on every request.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sends requests through this `reqwest::Client`. The key, version and
    /// base URL still apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<PhalaCloud, PhalaCloudError> {
        let config_error =
            |message: String| PhalaCloudError::Request(RequestError::new(message, None));
        let api_key = self.api_key.filter(|k| !k.is_empty()).or_else(|| {
            std::env::var("PHALA_CLOUD_API_KEY")
                .ok()
                .filter(|k| !k.is_empty())
        });
        let api_key = match api_key {
            Some(k) => {
                let mut v = HeaderValue::from_str(&k)
                    .map_err(|_| config_error("the API key is not a valid header value".into()))?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        let version = self
            .version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        if !SUPPORTED_API_VERSIONS.contains(&version.as_str()) {
            return Err(config_error(format!(
                "unsupported API version {version:?}; supported: {}",
                SUPPORTED_API_VERSIONS.join(", ")
            )));
        }
        let version = HeaderValue::from_str(&version)
            .map_err(|_| config_error("the API version is not a valid header value".into()))?;
        let base_url = self
            .base_url
            .or_else(|| std::env::var("PHALA_CLOUD_API_PREFIX").ok())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                .user_agent(concat!("phala-cloud-rust/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| {
                    PhalaCloudError::Request(RequestError::new(
                        "cannot build the HTTP client",
                        Some(Box::new(e)),
                    ))
                })?,
        };
        let shared = Arc::new(Shared {
            api_key,
            version,
            extra_headers: self.headers,
        });
        Ok(PhalaCloud {
            raw: raw::Client::new_with_client(&origin_of(&base_url), http, shared),
        })
    }
}

/// The spec's paths already start with `/api/v1`, so that suffix is removed
/// from a base URL that has it, and never doubled.
fn origin_of(base_url: &str) -> String {
    let trimmed = base_url.trim_end_matches('/');
    trimmed
        .strip_suffix(API_PREFIX)
        .unwrap_or(trimmed)
        .to_owned()
}

/// Converts progenitor's result into this crate's. An empty 2xx body is
/// decoded as JSON `null`, which an optional response type accepts.
///
/// `status` is the operation's success status when it declares only one, so a
/// decode failure can report it.
pub(crate) async fn finish<T: serde::de::DeserializeOwned>(
    result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
    status: Option<u16>,
) -> Result<T, PhalaCloudError> {
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(progenitor_client::Error::InvalidResponsePayload(bytes, err)) if bytes.is_empty() => {
            serde_json::from_str("null").map_err(|_| {
                ValidationError::new(status, String::new(), None, err.to_string()).into()
            })
        }
        Err(progenitor_client::Error::InvalidResponsePayload(bytes, err)) => {
            Err(decode_failure::<T>(status, &bytes, err))
        }
        Err(e) => Err(convert_error(e).await),
    }
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

/// Like [`finish`] for a raw body: reads the whole stream into bytes.
pub(crate) async fn finish_bytes(
    result: Result<ResponseValue<progenitor_client::ByteStream>, progenitor_client::Error<()>>,
) -> Result<Vec<u8>, PhalaCloudError> {
    let mut stream = match result {
        Ok(value) => value.into_inner().into_inner(),
        Err(e) => return Err(convert_error(e).await),
    };
    let mut out = Vec::new();
    while let Some(chunk) =
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(stream.as_mut(), cx)).await
    {
        let chunk = chunk.map_err(transport)?;
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

async fn convert_error(e: progenitor_client::Error<()>) -> PhalaCloudError {
    use progenitor_client::Error as E;
    match e {
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
    }
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

/// A file to upload in a multipart request.
#[derive(Debug, Clone)]
pub struct UploadFile {
    file_name: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
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

    /// Sets the part's `Content-Type` (default: guessed by reqwest as
    /// `application/octet-stream`).
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }

    pub(crate) fn into_part(self) -> Result<reqwest::multipart::Part, PhalaCloudError> {
        let part = reqwest::multipart::Part::bytes(self.bytes).file_name(self.file_name);
        match self.content_type {
            Some(mime) => part.mime_str(&mime).map_err(|e| {
                RequestError::new(format!("invalid content type {mime:?}"), Some(Box::new(e)))
                    .into()
            }),
            None => Ok(part),
        }
    }
}

/// Sends a request built outside progenitor (multipart uploads) with the
/// same headers and error handling as every other operation.
pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(
    client: &PhalaCloud,
    request: reqwest::RequestBuilder,
) -> Result<T, PhalaCloudError> {
    let mut request = request.build().map_err(transport)?;
    client.shared().apply(request.headers_mut());
    let response = client.http().execute(request).await.map_err(transport)?;
    let status = response.status();
    if !status.is_success() {
        return Err(api_error(response).await);
    }
    let bytes = response.bytes().await.map_err(transport)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| decode_failure::<T>(Some(status.as_u16()), &bytes, e))
}
