//! Turns a non-2xx response into the right [`ApiError`], exactly as the
//! Python SDK 0.2.0 classifies (measured), with its fields filled the same
//! way, plus two improvements: a readable 422 message and typed validation
//! details.

use reqwest::header::HeaderMap;
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
    let detail: Option<Value> = serde_json::from_str(&body).ok();
    let object = detail.as_ref().and_then(Value::as_object);
    let response = fill(status, headers, &body, detail.clone());
    if let Some(obj) = object.filter(|o| o.contains_key("error_code")) {
        return ApiError::Business(BusinessError::Resource(resource(response, obj)));
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

fn fill(status: u16, headers: HeaderMap, body: &str, detail: Option<Value>) -> ErrorResponse {
    let object = detail.as_ref().and_then(Value::as_object);
    let field = |key: &str| object.and_then(|o| o.get(key));
    let validation: Vec<ValidationDetail> = field("detail")
        .and_then(|d| serde_json::from_value(d.clone()).ok())
        .unwrap_or_default();
    let message = match (field("message"), field("detail")) {
        (Some(Value::String(m)), _) => m.clone(),
        (_, Some(Value::String(d))) => d.clone(),
        (_, Some(Value::Array(_))) if !validation.is_empty() => readable(&validation),
        (_, Some(d)) if !d.is_null() => d.to_string(),
        _ if !body.trim().is_empty() => body.trim().to_owned(),
        _ => reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("error")
            .to_owned(),
    };
    let code = match field("code") {
        Some(Value::String(c)) => Some(c.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let header_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let request_id = match field("request_id") {
        Some(Value::String(id)) => Some(id.clone()),
        _ => header_id,
    };
    ErrorResponse {
        status,
        message,
        code,
        detail,
        body: body.to_owned(),
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

fn resource(response: ErrorResponse, obj: &Map<String, Value>) -> ResourceError {
    let error_code = match obj.get("error_code") {
        Some(Value::String(code)) => code.parse().unwrap_or(ErrorCode::Unknown(code.clone())),
        Some(Value::Null) | None => ErrorCode::Missing,
        Some(other) => ErrorCode::Unknown(other.to_string()),
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let links = match obj.get("links") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    };
    ResourceError {
        inner: Box::new(ResourceFields {
            error_code,
            structured_details: obj.get("details").filter(|d| !d.is_null()).cloned(),
            suggestions: strings(obj.get("suggestions")),
            links,
            response,
        }),
    }
}
