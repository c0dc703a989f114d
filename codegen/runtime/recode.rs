//! A JSON body sent in another media type the operation accepts, chosen
//! with the builder's `body_as` setter: `application/x-www-form-urlencoded`,
//! `multipart/form-data` or `text/plain`. The body is built as JSON exactly
//! as for the default, then re-encoded just before sending:
//!
//! - form and multipart: each top-level field of the body object is one
//!   field (a string as it is, a number or boolean as its JSON text, an
//!   array of scalars as one field per item, an object as JSON text, which
//!   in multipart is an `application/json` part); a null field is left out;
//! - text: a string body as it is, anything else as its JSON text.

use serde_json::Value;

use crate::client::{Extra, Recode};
use crate::error::{PhalaCloudError, ValidationError};

impl Extra {
    /// Sends the body as `media`, one of `allowed`.
    pub(crate) fn body_as(
        &mut self,
        allowed: &[&'static str],
        media: &str,
    ) -> Result<(), PhalaCloudError> {
        let chosen = allowed
            .iter()
            .copied()
            .find(|m| m.eq_ignore_ascii_case(media.trim()))
            .ok_or_else(|| {
                ValidationError::argument(
                    "body_as",
                    format!("must be one of {allowed:?}, got {media:?}"),
                )
            })?;
        self.recode = (chosen != "application/json").then_some((chosen, recode as Recode));
        Ok(())
    }
}

/// Re-encodes the request's JSON body as `media`.
fn recode(request: &mut reqwest::Request, media: &str) -> Result<(), String> {
    let json: Value = match request.body().and_then(reqwest::Body::as_bytes) {
        Some(bytes) => serde_json::from_slice(bytes)
            .map_err(|e| format!("the JSON body cannot be re-encoded as {media}: {e}"))?,
        None => return Err(format!("there is no JSON body to send as {media}")),
    };
    let (content_type, body) = match media {
        "text/plain" => (media.to_owned(), text_body(&json)),
        "application/x-www-form-urlencoded" => (media.to_owned(), form_body(&fields(&json)?)),
        "multipart/form-data" => {
            let boundary = format!("----sdk-boundary-{:016x}", fastrand::u64(..));
            let body = multipart_body(&fields(&json)?, &boundary);
            (format!("multipart/form-data; boundary={boundary}"), body)
        }
        other => return Err(format!("a body cannot be re-encoded as {other}")),
    };
    let value = reqwest::header::HeaderValue::from_str(&content_type).map_err(|e| e.to_string())?;
    request
        .headers_mut()
        .insert(reqwest::header::CONTENT_TYPE, value);
    *request.body_mut() = Some(body.into());
    Ok(())
}

/// One form field: its name, its text, and whether it is JSON.
type FormField = (String, String, bool);

/// The body object's fields in order, an array of scalars as one field per
/// item.
fn fields(json: &Value) -> Result<Vec<FormField>, String> {
    let Value::Object(entries) = json else {
        return Err("only an object body can be sent as form fields".to_owned());
    };
    let mut out = Vec::new();
    for (name, value) in entries {
        match value {
            Value::Null => {}
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                for item in items {
                    out.push((name.clone(), scalar_text(item), false));
                }
            }
            Value::Array(_) | Value::Object(_) => out.push((name.clone(), value.to_string(), true)),
            scalar => out.push((name.clone(), scalar_text(scalar), false)),
        }
    }
    Ok(out)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn text_body(json: &Value) -> Vec<u8> {
    match json {
        Value::String(s) => s.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

/// `application/x-www-form-urlencoded`, with the URL parser's encoder.
fn form_body(fields: &[FormField]) -> Vec<u8> {
    let mut url = reqwest::Url::parse("http://form.invalid/").expect("a valid URL");
    url.query_pairs_mut()
        .extend_pairs(fields.iter().map(|(name, text, _)| (name, text)));
    url.query().unwrap_or_default().as_bytes().to_vec()
}

fn multipart_body(fields: &[FormField], boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, text, json) in fields {
        let name = name.replace('"', "%22").replace(['\r', '\n'], " ");
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
        );
        if *json {
            body.extend_from_slice(b"Content-Type: application/json\r\n");
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(text.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}
