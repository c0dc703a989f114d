//! The parameters the SDK encodes itself, because progenitor cannot: a
//! cookie, a `deepObject` query (`filter[status]=active`), and a query or
//! header parameter that shares its name with a path parameter. Each is
//! added to the call's [`Extra`], which puts it on the request.

use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::client::Extra;
use crate::error::{PhalaCloudError, RequestError, ValidationError};

impl Extra {
    /// A query parameter. A scalar is one pair and an array one pair per
    /// item (`form` style, exploded). With `deep`, an object becomes
    /// `name[key]=value` pairs (nested objects `name[a][b]`, arrays one pair
    /// per item); without it, an object's entries are pairs of their own.
    pub(crate) fn query(
        &mut self,
        name: &str,
        deep: bool,
        value: &impl Serialize,
    ) -> Result<(), PhalaCloudError> {
        match (deep, json(name, value)?) {
            (true, value) => flatten(name.to_owned(), &value, &mut self.query),
            (false, Value::Object(entries)) => {
                for (key, value) in &entries {
                    flatten(key.clone(), value, &mut self.query);
                }
            }
            (false, value) => flatten(name.to_owned(), &value, &mut self.query),
        }
        Ok(())
    }

    /// A header parameter, as text (an array's items joined by `,`).
    pub(crate) fn header(&mut self, name: &str, value: &impl Serialize) -> Result<(), PhalaCloudError> {
        let text = text(&json(name, value)?);
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid(name, "is not a valid header name"))?;
        let value = HeaderValue::from_str(&text)
            .map_err(|_| invalid(name, "is not a valid header value"))?;
        self.headers.push((header, value));
        Ok(())
    }

    /// A cookie, as text, with the bytes a cookie value cannot hold
    /// percent-encoded.
    pub(crate) fn cookie(&mut self, name: &str, value: &impl Serialize) -> Result<(), PhalaCloudError> {
        let text = text(&json(name, value)?);
        self.cookies.push(format!("{name}={}", cookie_encode(&text)));
        Ok(())
    }

    /// Adds these parameters to a request built outside progenitor, the
    /// same way [`Extra::apply`] does for progenitor's requests.
    pub(crate) fn apply_to(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, PhalaCloudError> {
        let (client, built) = request.build_split();
        let mut built = built.map_err(|e| RequestError::new("invalid request", Some(Box::new(e))))?;
        self.apply(&mut built)
            .map_err(|message| RequestError::new(message, None))?;
        Ok(reqwest::RequestBuilder::from_parts(client, built))
    }
}

fn json(name: &str, value: &impl Serialize) -> Result<Value, PhalaCloudError> {
    serde_json::to_value(value).map_err(|e| invalid(name, &format!("cannot be encoded: {e}")))
}

fn invalid(name: &str, why: &str) -> PhalaCloudError {
    ValidationError::argument(name, why.to_owned()).into()
}

/// Appends `value` under `key`: null is left out, an array repeats the key,
/// an object nests as `key[entry]`.
fn flatten(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                flatten(key.clone(), item, out);
            }
        }
        Value::Object(entries) => {
            for (entry, value) in entries {
                flatten(format!("{key}[{entry}]"), value, out);
            }
        }
        scalar => out.push((key, text(scalar))),
    }
}

/// A value as parameter text: a string as it is, an array's items joined
/// by `,`, null as nothing, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Percent-encodes every byte outside RFC 6265's `cookie-octet`.
fn cookie_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let octet = matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E);
        if octet {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
