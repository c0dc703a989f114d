//! The OpenAPI parameter styles, as the specification's "Style Examples"
//! table spells them: `form`, `spaceDelimited`, `pipeDelimited` and
//! `deepObject` in the query, `simple`, `label` and `matrix` in the path,
//! `simple` in headers and `form` in cookies, each with and without
//! `explode`, for scalars, arrays and objects. A value is JSON here (what
//! the builder's stored value serializes to).
//!
//! In the query and the path every name, key and value is percent-encoded
//! except RFC 3986's unreserved characters, and the delimiters are not, so
//! a `,` inside a value (`%2C`) is never read as one. Header values are not
//! percent-encoded (a header is not a URL), except a `,` or `=` inside an
//! item, which would read as a delimiter. Null is left out; an empty array
//! or object sends nothing. Nested values are sent as JSON text, except in
//! `deepObject`, where objects nest (`filter[a][b]=1`) and arrays repeat
//! the key.

use serde_json::Value;

/// An OpenAPI `style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
    Label,
    Matrix,
}

/// A value's parts, as text: a scalar, an array's items or an object's
/// entries (null items and entries left out).
enum Parts {
    Absent,
    Scalar(String),
    List(Vec<String>),
    Entries(Vec<(String, String)>),
}

fn parts(value: &Value) -> Parts {
    match value {
        Value::Null => Parts::Absent,
        Value::Array(items) => {
            Parts::List(items.iter().filter(|v| !v.is_null()).map(text).collect())
        }
        Value::Object(entries) => Parts::Entries(
            entries
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), text(v)))
                .collect(),
        ),
        scalar => Parts::Scalar(text(scalar)),
    }
}

/// A value as text: a string as it is, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes every byte but RFC 3986's unreserved characters.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Items joined by `sep`, each encoded by `enc`.
fn joined(items: &[String], sep: &str, enc: fn(&str) -> String) -> String {
    items.iter().map(|i| enc(i)).collect::<Vec<_>>().join(sep)
}

/// Entries as `key,value,key,value` (`sep` between all) or, exploded, as
/// `key=value` joined by `sep`.
fn entries(
    entries: &[(String, String)],
    explode: bool,
    sep: &str,
    enc: fn(&str) -> String,
) -> String {
    let pieces: Vec<String> = entries
        .iter()
        .map(|(k, v)| match explode {
            true => format!("{}={}", enc(k), enc(v)),
            false => format!("{}{sep}{}", enc(k), enc(v)),
        })
        .collect();
    pieces.join(sep)
}

/// A query parameter as `name=value` pieces, encoded, to be joined by `&`.
/// `spaceDelimited` and `pipeDelimited` exploded are `form` exploded.
pub(crate) fn query(name: &str, style: Style, explode: bool, value: &Value) -> Vec<String> {
    let key = encode(name);
    let sep = match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    if style == Style::DeepObject {
        let mut out = Vec::new();
        deep(name.to_owned(), value, &mut out);
        return out;
    }
    match parts(value) {
        Parts::Absent => Vec::new(),
        Parts::Scalar(s) => vec![format!("{key}={}", encode(&s))],
        Parts::List(items) if explode => items
            .iter()
            .map(|i| format!("{key}={}", encode(i)))
            .collect(),
        Parts::Entries(e) if explode => e
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect(),
        Parts::List(items) if items.is_empty() => Vec::new(),
        Parts::Entries(e) if e.is_empty() => Vec::new(),
        Parts::List(items) => vec![format!("{key}={}", joined(&items, sep, encode))],
        Parts::Entries(e) => vec![format!("{key}={}", entries(&e, false, sep, encode))],
    }
}

/// `deepObject`: an object nests as `key[entry]`, an array repeats the
/// key, null is left out.
fn deep(key: String, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                deep(key.clone(), item, out);
            }
        }
        Value::Object(entries) => {
            for (entry, value) in entries {
                deep(format!("{key}[{entry}]"), value, out);
            }
        }
        scalar => out.push(format!("{}={}", encode(&key), encode(&text(scalar)))),
    }
}

/// A path parameter's segment, encoded: `blue,black` (`simple`),
/// `.blue.black` (`label`), `;color=blue,black` (`matrix`).
pub(crate) fn path(name: &str, style: Style, explode: bool, value: &Value) -> String {
    let parts = parts(value);
    match style {
        Style::Label => {
            let sep = if explode { "." } else { "," };
            format!(".{}", simple(parts, explode, sep))
        }
        Style::Matrix => matrix(&encode(name), parts, explode),
        _ => simple(parts, explode, ","),
    }
}

/// `simple` (and `label` after its `.`), items joined by `sep`.
fn simple(parts: Parts, explode: bool, sep: &str) -> String {
    match parts {
        Parts::Absent => String::new(),
        Parts::Scalar(s) => encode(&s),
        Parts::List(items) => joined(&items, sep, encode),
        Parts::Entries(e) => entries(&e, explode, sep, encode),
    }
}

/// `matrix`: `;name=value`, `;name` for an empty one.
fn matrix(name: &str, parts: Parts, explode: bool) -> String {
    let pair = |key: &str, value: &str| match value.is_empty() {
        true => format!(";{key}"),
        false => format!(";{key}={value}"),
    };
    match parts {
        Parts::Absent => format!(";{name}"),
        Parts::Scalar(s) => pair(name, &encode(&s)),
        Parts::List(items) if explode && !items.is_empty() => {
            items.iter().map(|i| pair(name, &encode(i))).collect()
        }
        Parts::Entries(e) if explode && !e.is_empty() => e
            .iter()
            .map(|(k, v)| pair(&encode(k), &encode(v)))
            .collect(),
        Parts::List(items) => pair(name, &joined(&items, ",", encode)),
        Parts::Entries(e) => pair(name, &entries(&e, false, ",", encode)),
    }
}

/// A header parameter's value (`simple`); `None` when there is nothing
/// to send.
pub(crate) fn header(explode: bool, value: &Value) -> Option<String> {
    match parts(value) {
        Parts::Absent => None,
        Parts::Scalar(s) => Some(s),
        Parts::List(items) if items.is_empty() => None,
        Parts::Entries(e) if e.is_empty() => None,
        Parts::List(items) => Some(joined(&items, ",", header_item)),
        Parts::Entries(e) => Some(entries(&e, explode, ",", header_item)),
    }
}

/// An item of a header's list: only the delimiters are encoded.
fn header_item(text: &str) -> String {
    text.replace('%', "%25")
        .replace(',', "%2C")
        .replace('=', "%3D")
}

/// A cookie parameter (`form`) as `name=value` cookies, to be joined by
/// `; `: exploded, an array is one cookie per item and an object one per
/// entry; not exploded, items are joined by `,`. Values are encoded as a
/// cookie needs ([`cookie_encode`]).
pub(crate) fn cookie(name: &str, explode: bool, value: &Value) -> Vec<String> {
    let pair = |k: &str, v: &str| format!("{}={}", cookie_encode(k), cookie_encode(v));
    match parts(value) {
        Parts::Absent => Vec::new(),
        Parts::Scalar(s) => vec![pair(name, &s)],
        Parts::List(items) if explode => items.iter().map(|i| pair(name, i)).collect(),
        Parts::Entries(e) if explode => e.iter().map(|(k, v)| pair(k, v)).collect(),
        Parts::List(items) if items.is_empty() => Vec::new(),
        Parts::Entries(e) if e.is_empty() => Vec::new(),
        Parts::List(items) => vec![format!(
            "{}={}",
            cookie_encode(name),
            joined(&items, ",", cookie_encode)
        )],
        Parts::Entries(e) => vec![format!(
            "{}={}",
            cookie_encode(name),
            entries(&e, false, ",", cookie_encode)
        )],
    }
}

/// Percent-encodes every byte outside RFC 6265's `cookie-octet` (which
/// leaves out `,`, so a comma inside an item is `%2C`).
pub(crate) fn cookie_encode(text: &str) -> String {
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
