//! An authenticated request to any path of the API, for what the generated
//! methods do not cover yet: the same key, `X-Phala-Version`, user agent,
//! retries, redirect safety, size limit and error classification as every
//! generated method. It is this crate's counterpart of the Python SDK's
//! `get`/`post`/`request` (typed: [`ApiRequest::send`]) and `request_full`
//! (raw: [`ApiRequest::send_raw`], which never raises on the status).
//!
//! On the async client the senders are `async` (`.send().await`); the
//! blocking client's `request` gives a [`crate::blocking::ApiRequest`]
//! instead, with the same setters and blocking senders (`.send()`), so a
//! request of either client cannot be sent the other's way.
//!
//! ```no_run
//! # async fn run(client: phala_cloud::PhalaCloud) -> Result<(), phala_cloud::PhalaCloudError> {
//! use phala_cloud::Method;
//! let me: serde_json::Value = client.request(Method::GET, "/auth/me").send().await?;
//! let raw = client.request(Method::GET, "/workspaces").query("page", 1).send_raw().await?;
//! println!("{} {}", raw.status_code(), String::from_utf8_lossy(raw.data()));
//! # let _ = me; Ok(()) }
//! ```

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::client::PhalaCloud;
use crate::error::{PhalaCloudError, ValidationError};
use crate::runtime::{self, Response};
use crate::safe::SafeResult;

pub use reqwest::Method;

/// A request to one API path, built by [`PhalaCloud::request`]; `send`,
/// `send_with_meta`, `safe_send` or `send_raw`, each `.await`ed, sends it.
/// (The blocking client's is [`crate::blocking::ApiRequest`].)
#[must_use = "a request does nothing until it is sent: `.send().await` (async client)"]
pub struct ApiRequest<'a> {
    client: &'a PhalaCloud,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    version: Option<String>,
    /// The first builder mistake (a bad header, a body that does not
    /// serialize), reported when the request is sent.
    problem: Option<PhalaCloudError>,
}

impl PhalaCloud {
    /// Starts an authenticated request to `path`, an API path such as
    /// `/auth/me` (the `/api/v1` prefix is added when missing). Only paths
    /// are accepted, never a URL, so the API key cannot go to another
    /// origin.
    pub fn request(&self, method: Method, path: &str) -> ApiRequest<'_> {
        let problem = (!path.starts_with('/')).then(|| {
            ValidationError::argument("path", "must be an API path starting with `/`, not a URL")
                .into()
        });
        let path = if path.starts_with("/api/") {
            path.to_owned()
        } else {
            format!("/api/v1{path}")
        };
        ApiRequest {
            client: self,
            method,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            version: None,
            problem,
        }
    }
}

impl<'a> ApiRequest<'a> {
    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a header. The key and version headers stay this crate's.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            _ => {
                self.problem.get_or_insert_with(|| {
                    ValidationError::argument("header", format!("invalid header {name:?}")).into()
                });
            }
        }
        self
    }

    /// Sends `body` as JSON.
    pub fn json(mut self, body: &impl serde::Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(e) => {
                self.problem.get_or_insert_with(|| {
                    ValidationError::argument("json", format!("the body does not serialize: {e}"))
                        .into()
                });
            }
        }
        self
    }

    /// Sends this request with another `X-Phala-Version` than the client's.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Sends the request and decodes a 2xx body into `T`; any other status
    /// is the [`PhalaCloudError`] a generated method would return.
    pub async fn send<T: serde::de::DeserializeOwned + 'static>(self) -> Result<T, PhalaCloudError> {
        self.send_with_meta().await.map(Response::into_data)
    }

    /// Like [`Self::send`], keeping the status, headers and request id.
    pub async fn send_with_meta<T: serde::de::DeserializeOwned + 'static>(
        self,
    ) -> Result<Response<T>, PhalaCloudError> {
        let (client, build) = self.prepared()?;
        runtime::send_json(&client, &build, "request").await
    }

    /// Like [`Self::send`], but never fails: every error is in the result.
    pub async fn safe_send<T: serde::de::DeserializeOwned + 'static>(self) -> SafeResult<T> {
        SafeResult::from(self.send().await)
    }

    /// Sends the request and returns status, headers and body whatever the
    /// status (the Python SDK's `request_full`). Fails only when no
    /// response arrived (connection, timeout, size limit) or the request
    /// was malformed.
    pub async fn send_raw(self) -> Result<Response<bytes::Bytes>, PhalaCloudError> {
        let (client, build) = self.prepared()?;
        runtime::send_raw(&client, &build, "request").await
    }

    /// The client the request was started from (a blocking client's
    /// sender runs on its runtime).
    pub(crate) fn client(&self) -> &'a PhalaCloud {
        self.client
    }

    /// The client to send with and the request builder, once per attempt.
    #[allow(clippy::type_complexity)]
    fn prepared(
        self,
    ) -> Result<
        (
            std::borrow::Cow<'a, PhalaCloud>,
            impl Fn() -> Result<reqwest::RequestBuilder, PhalaCloudError> + Send + Sync + 'a,
        ),
        PhalaCloudError,
    > {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let client = self.client.versioned(self.version.as_deref())?;
        let url = format!("{}{}", client.base_url(), self.path);
        let http = client.http().clone();
        let (method, query, headers, body) = (self.method, self.query, self.headers, self.body);
        let build = move || {
            let mut request = http
                .request(method.clone(), &url)
                .header(reqwest::header::ACCEPT, "application/json")
                .headers(headers.clone())
                .query(&query);
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            Ok(request)
        };
        Ok((client, build))
    }
}
