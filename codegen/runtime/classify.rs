//! Turns a non-2xx response into the right [`ApiError`], exactly as the
//! Python SDK 0.2.0 classifies (measured), with its fields filled the same
//! way, plus two improvements: a readable 422 message and typed validation
//! details.

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{
    ApiError, AuthError, BusinessError, ConflictError, ErrorResponse, PlainBusinessError,
    ResourceError, ResourceFields, ServerError, ValidationDetail,
};
use crate::error_codes::ErrorCode;

/// Classifies a response:
/// 1. a JSON object body with an `error_code` key (even `null`): resource error, at any status;
/// 2. 401 and 403: auth error;
/// 3. 500 and above: server error;
/// 4. 409: conflict;
/// 5. anything else (other 4xx, and a 3xx that was not followed): plain business error.
pub fn classify(status: u16, headers: HeaderMap, body: String) -> ApiError {
    let response = fill(status, headers, body);
    let structured = response
        .detail
        .as_ref()
        .and_then(Value::as_object)
        .filter(|o| o.contains_key("error_code"))
        .map(resource_fields);
    if let Some((error_code, structured_details, suggestions, links)) = structured {
        return ApiError::Business(BusinessError::Resource(ResourceError {
            inner: Box::new(ResourceFields {
                error_code,
                structured_details,
                suggestions,
                links,
                response,
            }),
        }));
    }
    match status {
        401 | 403 => ApiError::Auth(AuthError {
            response: Box::new(response),
        }),
        500.. => ApiError::Server(ServerError {
            response: Box::new(response),
        }),
        409 => ApiError::Business(BusinessError::Conflict(ConflictError {
            response: Box::new(response),
        })),
        _ => ApiError::Business(BusinessError::Other(PlainBusinessError {
            response: Box::new(response),
        })),
    }
}

/// Fills the fields every API error has. The body is kept once, as
/// received, beside its parsed form; the message is taken from the parsed
/// body as Python does (`message or detail or text`: an empty string counts
/// as absent), and when it falls back to the raw text it is not copied, see
/// [`ErrorResponse::message`].
fn fill(status: u16, headers: HeaderMap, body: String) -> ErrorResponse {
    let detail: Option<Value> = serde_json::from_str(&body).ok();
    let object = detail.as_ref().and_then(Value::as_object);
    let field = |key: &str| object.and_then(|o| o.get(key));
    let validation: Vec<ValidationDetail> = field("detail")
        .and_then(|d| Vec::<ValidationDetail>::deserialize(d).ok())
        .unwrap_or_default();
    // `message or detail`, as Python's `or`: empty strings, empty lists
    // and objects, `false` and `null` count as absent.
    let usable = |value: &Value, is_detail: bool| match value {
        Value::String(m) if !m.trim().is_empty() => Some(m.clone()),
        Value::Array(items) if is_detail && !items.is_empty() && !validation.is_empty() => {
            Some(readable(&validation))
        }
        Value::Array(items) if !items.is_empty() => Some(value.to_string()),
        Value::Object(o) if !o.is_empty() => Some(value.to_string()),
        Value::Number(_) | Value::Bool(true) => Some(value.to_string()),
        _ => None,
    };
    let message = field("message")
        .and_then(|m| usable(m, false))
        .or_else(|| field("detail").and_then(|d| usable(d, true)));
    let code = match field("code") {
        Some(Value::String(c)) => Some(c.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let request_id = match field("request_id") {
        Some(Value::String(id)) => Some(id.clone()),
        _ => headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    ErrorResponse {
        status,
        message,
        code,
        detail,
        body,
        request_id,
        headers,
        validation,
        attempts: 1,
    }
}

/// `body.name: Field required; query.page: Input should be a valid integer`.
fn readable(details: &[ValidationDetail]) -> String {
    details
        .iter()
        .map(|d| format!("{}: {}", d.location(), d.msg))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The structured fields of a body with an `error_code` key: the code,
/// `details`, `suggestions` and `links`.
fn resource_fields(obj: &Map<String, Value>) -> (ErrorCode, Option<Value>, Vec<String>, Vec<Value>) {
    let error_code = match obj.get("error_code") {
        Some(Value::String(code)) => code.parse().unwrap_or(ErrorCode::Unknown(code.clone())),
        Some(Value::Null) | None => ErrorCode::Missing,
        Some(other) => ErrorCode::Unknown(other.to_string()),
    };
    let suggestions = match obj.get("suggestions") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let links = match obj.get("links") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    };
    let details = obj.get("details").filter(|d| !d.is_null()).cloned();
    (error_code, details, suggestions, links)
}
