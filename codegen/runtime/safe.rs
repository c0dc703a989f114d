//! `SafeResult`, the return type of the `safe_*` methods, and the two
//! request modes a builder can be in.

use crate::error::PhalaCloudError;

/// The outcome of a `safe_*` call: never an `Err`, never a panic. Invalid
/// JSON, decode failures and transport failures all land in `error`.
///
/// It is not a `Result`, so `?` does not apply to it (the compiler says
/// the `Try` trait is not implemented): read `ok`, `data` and `error`, or
/// propagate the error with [`into_result`](Self::into_result)`?`. A call
/// that should raise is the method without `safe_`.
#[derive(Debug)]
#[must_use = "a SafeResult may hold an error: read `.ok` / `.error`, or propagate it with \
              `.into_result()?` (`?` does not apply to a SafeResult itself)"]
pub struct SafeResult<T> {
    /// True when the call succeeded; then `data` is `Some` (for a call with
    /// no response body, `Some(())`).
    pub ok: bool,
    /// The decoded response, on success.
    pub data: Option<T>,
    /// The error, on failure.
    pub error: Option<PhalaCloudError>,
}

impl<T> SafeResult<T> {
    /// The data, or a panic with the error's message, like
    /// [`Result::unwrap`]. To propagate the error instead, use
    /// [`SafeResult::into_result`] and `?`.
    #[track_caller]
    pub fn unwrap(self) -> T {
        match self.into_result() {
            Ok(data) => data,
            Err(e) => panic!("called `SafeResult::unwrap()` on an error: {e}"),
        }
    }

    /// Back to a `Result`, so `?` re-raises the error.
    pub fn into_result(self) -> Result<T, PhalaCloudError> {
        match (self.data, self.error) {
            (Some(data), None) => Ok(data),
            (_, Some(e)) => Err(e),
            (None, None) => Err(PhalaCloudError::Request(crate::error::RequestError::new(
                "SafeResult holds neither data nor an error",
                None,
            ))),
        }
    }
}

impl<T> From<Result<T, PhalaCloudError>> for SafeResult<T> {
    fn from(result: Result<T, PhalaCloudError>) -> Self {
        match result {
            Ok(data) => SafeResult {
                ok: true,
                data: Some(data),
                error: None,
            },
            Err(e) => SafeResult {
                ok: false,
                data: None,
                error: Some(e),
            },
        }
    }
}

impl<T> From<SafeResult<T>> for Result<T, PhalaCloudError> {
    fn from(safe: SafeResult<T>) -> Self {
        safe.into_result()
    }
}

/// A boxed, sendable future: what an async request resolves through.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// How a request builder reports its outcome: raising or safe, async or
/// blocking. The builder's `send()` returns [`Mode::Sent`].
pub trait Mode: Send + 'static {
    /// The outcome of a call returning `T`: a `Result` or a [`SafeResult`].
    type Output<T: Send + 'static>: Send + 'static;
    /// What `send()` returns: a future of the outcome, or the outcome itself.
    type Sent<'a, T: Send + 'static>;
    /// Turns the request's future into what `send()` returns.
    fn send<'a, T: Send + 'static>(
        client: &'a crate::PhalaCloud,
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> Self::Sent<'a, T>;
    /// What a streaming sender (`send_events()`) returns: a stream, or a
    /// blocking iterator, of outcomes.
    type Stream<'a, T: Send + 'a>;
    /// Turns a stream of results into what a streaming sender returns.
    fn stream<'a, T: Send + 'a>(
        client: &'a crate::PhalaCloud,
        stream: ResultStream<'a, T>,
    ) -> Self::Stream<'a, T>;
}

/// A boxed, sendable stream of results; an error is its last item.
pub type ResultStream<'a, T> =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<T, PhalaCloudError>> + Send + 'a>>;

/// The async modes: their builders can be `.await`ed directly.
pub trait AsyncMode: Mode {
    /// The future `.await` drives.
    fn future<'a, T: Send + 'static>(
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> BoxFuture<'a, Self::Output<T>>;
}

/// The mode of the plain async methods: `.await` yields `Result<T, PhalaCloudError>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Raise;

/// The mode of the async `safe_*` methods: `.await` yields [`SafeResult<T>`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Safe;

/// The mode of the blocking client's methods: `send()` returns `Result<T, PhalaCloudError>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking;

/// The mode of the blocking client's `safe_*` methods: `send()` returns [`SafeResult<T>`].
#[derive(Debug, Clone, Copy, Default)]
pub struct BlockingSafe;

impl Mode for Raise {
    type Output<T: Send + 'static> = Result<T, PhalaCloudError>;
    type Sent<'a, T: Send + 'static> = BoxFuture<'a, Result<T, PhalaCloudError>>;
    fn send<'a, T: Send + 'static>(
        _: &'a crate::PhalaCloud,
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> Self::Sent<'a, T> {
        request
    }
    type Stream<'a, T: Send + 'a> = ResultStream<'a, T>;
    fn stream<'a, T: Send + 'a>(
        _: &'a crate::PhalaCloud,
        stream: ResultStream<'a, T>,
    ) -> Self::Stream<'a, T> {
        stream
    }
}

impl AsyncMode for Raise {
    fn future<'a, T: Send + 'static>(
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> BoxFuture<'a, Self::Output<T>> {
        request
    }
}

impl Mode for Safe {
    type Output<T: Send + 'static> = SafeResult<T>;
    type Sent<'a, T: Send + 'static> = BoxFuture<'a, SafeResult<T>>;
    fn send<'a, T: Send + 'static>(
        _: &'a crate::PhalaCloud,
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> Self::Sent<'a, T> {
        Self::future(request)
    }
    type Stream<'a, T: Send + 'a> =
        std::pin::Pin<Box<dyn futures_util::Stream<Item = SafeResult<T>> + Send + 'a>>;
    fn stream<'a, T: Send + 'a>(
        _: &'a crate::PhalaCloud,
        stream: ResultStream<'a, T>,
    ) -> Self::Stream<'a, T> {
        use futures_util::StreamExt;
        Box::pin(stream.map(SafeResult::from))
    }
}

impl AsyncMode for Safe {
    fn future<'a, T: Send + 'static>(
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> BoxFuture<'a, Self::Output<T>> {
        Box::pin(async move { SafeResult::from(request.await) })
    }
}

impl Mode for Blocking {
    type Output<T: Send + 'static> = Result<T, PhalaCloudError>;
    type Sent<'a, T: Send + 'static> = Result<T, PhalaCloudError>;
    fn send<'a, T: Send + 'static>(
        client: &'a crate::PhalaCloud,
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> Self::Sent<'a, T> {
        crate::blocking::block_on(client, request)
    }
    type Stream<'a, T: Send + 'a> = crate::blocking::Iter<'a, T>;
    fn stream<'a, T: Send + 'a>(
        client: &'a crate::PhalaCloud,
        stream: ResultStream<'a, T>,
    ) -> Self::Stream<'a, T> {
        crate::blocking::Iter::new(client, stream)
    }
}

impl Mode for BlockingSafe {
    type Output<T: Send + 'static> = SafeResult<T>;
    type Sent<'a, T: Send + 'static> = SafeResult<T>;
    fn send<'a, T: Send + 'static>(
        client: &'a crate::PhalaCloud,
        request: BoxFuture<'a, Result<T, PhalaCloudError>>,
    ) -> Self::Sent<'a, T> {
        crate::blocking::block_on(client, request).into()
    }
    type Stream<'a, T: Send + 'a> = std::iter::Map<
        crate::blocking::Iter<'a, T>,
        fn(Result<T, PhalaCloudError>) -> SafeResult<T>,
    >;
    fn stream<'a, T: Send + 'a>(
        client: &'a crate::PhalaCloud,
        stream: ResultStream<'a, T>,
    ) -> Self::Stream<'a, T> {
        crate::blocking::Iter::new(client, stream).map(SafeResult::from)
    }
}
