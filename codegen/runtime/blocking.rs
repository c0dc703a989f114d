//! The blocking client: the same methods as [`crate::PhalaCloud`], each
//! returning the same builder (or one with the same setters), whose
//! `send()` blocks.
//!
//! One rule for every call: **async: `.await`; blocking: `.send()`**. A
//! request, a wait ([`PhalaCloud::wait_until_running`]), a request to any
//! path ([`PhalaCloud::request`], whose builder is this module's
//! [`ApiRequest`]) and a call by name (`call_json`, with the `dynamic`
//! feature) are all sent with `.send()` here, and `.await`ed on the async
//! client. What yields many items is an iterator here where the async
//! client has a stream: `.pages()`, `.items()`, and a state watch's
//! `.iter()` (`.stream()` on the async client). A builder that is never
//! sent is a `must_use` warning; `.await` on one of this client's builders
//! does not compile.
//!
//! It owns a current-thread tokio runtime, so callers need none, and the
//! calling thread drives its own request: no hand-off to another thread and
//! back, which cost more than the rest of a call to a nearby server. Threads
//! sharing one client take turns driving the runtime, each one's connections
//! progressing while any of them waits. Called from inside an async runtime
//! it still works: the request runs on a helper thread instead of blocking
//! the runtime's own (prefer the async client there).

use std::fmt;
use std::sync::Arc;

use crate::error::{PhalaCloudError, RequestError};
use crate::runtime::Response;
use crate::safe::{BoxFuture, SafeResult};

/// The blocking Phala Cloud client. Cheap to clone.
#[derive(Clone)]
pub struct PhalaCloud {
    /// Runs the blocking calls, on its own pool and runtime.
    inner: crate::PhalaCloud,
    /// The async client it was made from, for async callers.
    original: crate::PhalaCloud,
}

impl fmt::Debug for PhalaCloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::PhalaCloud")
            .field(&self.inner)
            .finish()
    }
}

impl PhalaCloud {
    /// A client for the production API with `api_key` (or, when it is empty,
    /// `PHALA_CLOUD_API_KEY`).
    pub fn new(api_key: impl Into<String>) -> Result<Self, PhalaCloudError> {
        Self::from_async(crate::PhalaCloud::new(api_key)?)
    }

    /// [`crate::PhalaCloud::from_env`], blocking: the key from
    /// `PHALA_CLOUD_API_KEY` (required) and the base URL from
    /// `PHALA_CLOUD_API_PREFIX`.
    pub fn from_env() -> Result<Self, PhalaCloudError> {
        Self::from_async(crate::PhalaCloud::from_env()?)
    }

    /// Wraps an async client configured with [`crate::PhalaCloud::builder`].
    /// The blocking client gets a connection pool of its own, unless the
    /// async client was given a caller's `reqwest::Client`: then that client
    /// is shared, and should not also be used from a runtime that calls the
    /// blocking client.
    pub fn from_async(client: crate::PhalaCloud) -> Result<Self, PhalaCloudError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                RequestError::new(
                    "cannot start the blocking client's runtime",
                    Some(Box::new(e)),
                )
            })?;
        let mut inner = client.with_own_pool()?;
        inner.blocking = Some(Arc::new(BlockingRuntime(Some(runtime))));
        Ok(PhalaCloud {
            inner,
            original: client,
        })
    }

    /// The same client sending another `X-Phala-Version`.
    pub fn with_version(&self, version: &str) -> Result<Self, PhalaCloudError> {
        Ok(PhalaCloud {
            inner: self.inner.with_version(version)?,
            original: self.original.with_version(version)?,
        })
    }

    /// The `X-Phala-Version` this client sends.
    pub fn api_version(&self) -> &str {
        self.inner.api_version()
    }

    /// The origin requests are sent to, as [`crate::PhalaCloud::base_url`].
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The retry policy, as [`crate::PhalaCloud::retry_policy`].
    pub fn retry_policy(&self) -> &crate::RetryPolicy {
        self.inner.retry_policy()
    }

    /// Starts an authenticated request to `path`, as
    /// [`crate::PhalaCloud::request`] does; its [`ApiRequest`] has the same
    /// setters, and its senders block.
    pub fn request(&self, method: crate::Method, path: &str) -> ApiRequest<'_> {
        ApiRequest(self.inner.request(method, path))
    }

    /// The async client this one was made from: the same settings, and its
    /// own connection pool, so async and blocking calls never wait on each
    /// other's runtime.
    pub fn as_async(&self) -> &crate::PhalaCloud {
        &self.original
    }

    pub(crate) fn inner(&self) -> &crate::PhalaCloud {
        &self.inner
    }
}

/// The runtime of a blocking client. Dropped without waiting, so a blocking
/// client may be dropped inside async code.
pub(crate) struct BlockingRuntime(Option<tokio::runtime::Runtime>);

impl Drop for BlockingRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// Runs a request to completion on the client's runtime.
pub(crate) fn block_on<T: Send>(
    client: &crate::PhalaCloud,
    request: BoxFuture<'_, Result<T, PhalaCloudError>>,
) -> Result<T, PhalaCloudError> {
    let Some(runtime) = client.blocking.as_ref().and_then(|b| b.0.as_ref()) else {
        return Err(RequestError::new(
            "this client has no blocking runtime; use blocking::PhalaCloud",
            None,
        )
        .into());
    };
    if tokio::runtime::Handle::try_current().is_err() {
        return runtime.block_on(request);
    }
    // Inside an async runtime, blocking this thread on another runtime
    // would panic; a scoped helper thread drives the request instead.
    std::thread::scope(|scope| {
        scope
            .spawn(|| runtime.block_on(request))
            .join()
            .unwrap_or_else(|_| Err(RequestError::new("the request thread panicked", None).into()))
    })
}

type EventStream<'a, T> =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<T, PhalaCloudError>> + Send + 'a>>;

/// A stream read as a blocking iterator: each `next()` waits on the
/// client's runtime for the stream's next item (a state event of a watch,
/// a page or an item of a list). It ends where the stream ends.
#[must_use = "an iterator does nothing until it is read: `for item in ..` or `.next()`"]
pub struct Iter<'a, T> {
    client: &'a crate::PhalaCloud,
    stream: Option<EventStream<'a, T>>,
}

impl<'a, T: Send + 'a> Iter<'a, T> {
    pub(crate) fn new(client: &'a crate::PhalaCloud, stream: EventStream<'a, T>) -> Self {
        Iter {
            client,
            stream: Some(stream),
        }
    }
}

impl<'a, T: Send + 'a> Iterator for Iter<'a, T> {
    type Item = Result<T, PhalaCloudError>;

    fn next(&mut self) -> Option<Self::Item> {
        use futures_util::StreamExt;
        let mut stream = self.stream.take()?;
        let next: BoxFuture<'_, Result<_, PhalaCloudError>> = Box::pin(async move {
            let item = stream.next().await;
            Ok((item, stream))
        });
        match block_on(self.client, next) {
            Ok((Some(item), stream)) => {
                self.stream = Some(stream);
                Some(item)
            }
            Ok((None, _)) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// A request to one API path on the blocking client, built by
/// [`PhalaCloud::request`]: the setters of [`crate::ApiRequest`], and
/// senders that block (`send`, `send_with_meta`, `safe_send`, `send_raw`).
#[must_use = "a request does nothing until it is sent: `.send()` (blocking client)"]
pub struct ApiRequest<'a>(crate::ApiRequest<'a>);

impl<'a> ApiRequest<'a> {
    /// Adds a query parameter.
    pub fn query(self, name: &str, value: impl fmt::Display) -> Self {
        ApiRequest(self.0.query(name, value))
    }

    /// Adds a header. The key and version headers stay this crate's.
    pub fn header(self, name: &str, value: &str) -> Self {
        ApiRequest(self.0.header(name, value))
    }

    /// Sends `body` as JSON.
    pub fn json(self, body: &impl serde::Serialize) -> Self {
        ApiRequest(self.0.json(body))
    }

    /// Sends this request with another `X-Phala-Version` than the client's.
    pub fn api_version(self, version: impl Into<String>) -> Self {
        ApiRequest(self.0.api_version(version))
    }

    /// Sends the request and decodes a 2xx body into `T`; any other status
    /// is the [`PhalaCloudError`] a generated method would return.
    pub fn send<T: serde::de::DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<T, PhalaCloudError> {
        self.send_with_meta().map(Response::into_data)
    }

    /// Like [`Self::send`], keeping the status, headers and request id.
    pub fn send_with_meta<T: serde::de::DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<Response<T>, PhalaCloudError> {
        let client = self.0.client();
        block_on(client, Box::pin(self.0.send_with_meta()))
    }

    /// Like [`Self::send`], but never fails: every error is in the result.
    pub fn safe_send<T: serde::de::DeserializeOwned + Send + 'static>(self) -> SafeResult<T> {
        SafeResult::from(self.send())
    }

    /// Sends the request and returns status, headers and body whatever the
    /// status (the Python SDK's `request_full`). Fails only when no
    /// response arrived (connection, timeout, size limit) or the request
    /// was malformed.
    pub fn send_raw(self) -> Result<Response<bytes::Bytes>, PhalaCloudError> {
        let client = self.0.client();
        block_on(client, Box::pin(self.0.send_raw()))
    }
}

/// A call by operation name with JSON arguments on the blocking client,
/// built by `call_json` (the `dynamic` feature); `.send()` sends it.
#[cfg(feature = "dynamic")]
#[cfg_attr(docsrs, doc(cfg(feature = "dynamic")))]
#[must_use = "a call does nothing until it is sent: `.send()` (blocking client)"]
pub struct CallJson<'a> {
    client: &'a crate::PhalaCloud,
    operation: &'a str,
    args: &'a serde_json::Value,
}

#[cfg(feature = "dynamic")]
impl<'a> CallJson<'a> {
    pub(crate) fn new(
        client: &'a crate::PhalaCloud,
        operation: &'a str,
        args: &'a serde_json::Value,
    ) -> Self {
        CallJson {
            client,
            operation,
            args,
        }
    }

    /// Sends the call, as [`crate::PhalaCloud::call_json`] does: the
    /// response with its data as JSON.
    pub fn send(self) -> Result<Response<serde_json::Value>, PhalaCloudError> {
        let client = self.client;
        block_on(client, Box::pin(client.call_json(self.operation, self.args)))
    }
}
