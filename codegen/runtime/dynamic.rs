//! Calling an operation by name with JSON arguments (the `dynamic`
//! feature): for tools that take their input as data, such as a CLI or the
//! contract tests, where writing one typed call per operation would be the
//! whole program. Arguments are keyed by the Rust parameter names
//! (`cvm_id`, `page`, `body`); each is decoded into the parameter's type.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{PhalaCloudError, RequestError};
use crate::runtime::Response;

fn invalid(name: &str, message: impl std::fmt::Display) -> PhalaCloudError {
    RequestError::new(format!("invalid argument `{name}`: {message}"), None).into()
}

/// A required argument.
pub(crate) fn arg<T: DeserializeOwned>(args: &Value, name: &str) -> Result<T, PhalaCloudError> {
    let value = args.get(name).ok_or_else(|| invalid(name, "missing"))?;
    serde_json::from_value(value.clone()).map_err(|e| invalid(name, e))
}

/// An optional argument; absent or `null` is `None`.
pub(crate) fn opt_arg<T: DeserializeOwned>(
    args: &Value,
    name: &str,
) -> Result<Option<T>, PhalaCloudError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|e| invalid(name, e)),
    }
}

/// The response with its data as JSON.
pub(crate) fn to_json<T: Serialize>(
    result: Result<Response<T>, PhalaCloudError>,
) -> Result<Response<Value>, PhalaCloudError> {
    let response = result?;
    let data = serde_json::to_value(response.data())
        .map_err(|e| RequestError::new(format!("cannot encode the response as JSON: {e}"), None))?;
    Ok(response.map(|_| data))
}
