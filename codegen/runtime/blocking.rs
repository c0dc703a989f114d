//! The blocking client: the same methods as [`crate::PhalaCloud`], each
//! returning the same builder, whose `send()` blocks.
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
use crate::safe::BoxFuture;

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
