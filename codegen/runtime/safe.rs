//! `SafeResult`, the return type of the `safe_*` methods, and the two
//! request modes a builder can be in.

use crate::error::PhalaCloudError;

/// The outcome of a `safe_*` call: never an `Err`, never a panic. Invalid
/// JSON, decode failures and transport failures all land in `error`.
#[derive(Debug)]
#[must_use = "a SafeResult may hold an error"]
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

/// How a request builder reports its outcome.
pub trait Mode: Send + 'static {
    /// What `.await` yields for a call returning `T`.
    type Output<T: Send + 'static>: Send + 'static;
    /// Wraps the outcome.
    fn wrap<T: Send + 'static>(result: Result<T, PhalaCloudError>) -> Self::Output<T>;
}

/// The mode of the plain methods: `.await` yields `Result<T, PhalaCloudError>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Raise;

/// The mode of the `safe_*` methods: `.await` yields [`SafeResult<T>`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Safe;

impl Mode for Raise {
    type Output<T: Send + 'static> = Result<T, PhalaCloudError>;
    fn wrap<T: Send + 'static>(result: Result<T, PhalaCloudError>) -> Self::Output<T> {
        result
    }
}

impl Mode for Safe {
    type Output<T: Send + 'static> = SafeResult<T>;
    fn wrap<T: Send + 'static>(result: Result<T, PhalaCloudError>) -> Self::Output<T> {
        result.into()
    }
}
