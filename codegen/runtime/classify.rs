//! Turns a non-2xx response into the right [`ApiError`], exactly as the
//! Python SDK 0.2.0 classifies (measured), with its fields filled the same
//! way, plus two improvements: a readable 422 message and typed validation
//! details.
//!
//! The body is not parsed into a `serde_json::Value` to do it: a body of
//! many small values (a 30 MB array of numbers) takes many times its size
//! as a `Value`. A borrowing peek ([`Found`]) finds where the fields that
//! classification reads sit in the text; the fields are decoded from there,
//! and the parsed forms a caller may ask for (`detail()`, `details`,
//! `links`, ...) are parsed from the body when first asked for.
//!
//! The peek refuses what a `Value` refuses (bad syntax, trailing text,
//! nesting 128 deep) except in members it skips: a number beyond `f64` or
//! a lone surrogate escape there no longer makes the whole body "not
//! JSON" (Python's `json` accepts both), though `detail()` is still `None`
//! for such a body.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use reqwest::header::HeaderMap;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{
    ApiError, AuthError, BusinessError, ConflictError, ErrorResponse, PlainBusinessError,
    ResourceError, ResourceFields, ResourceSpans, ServerError, Text, ValidationDetail,
};
use crate::error_codes::ErrorCode;

/// The largest JSON text (in bytes) this module parses into a `Value`
/// before the caller asks for it: a `Value` is 32 bytes, so an array of
/// one-digit numbers (2 bytes each with its comma) takes 16 to 32 times its
/// text; a larger field keeps its text instead.
pub(crate) const SMALL_JSON: usize = 64 * 1024;

/// Classifies a response:
/// 1. a JSON object body with an `error_code` key (even `null`): resource error, at any status;
/// 2. 401 and 403: auth error;
/// 3. 500 and above: server error;
/// 4. 409: conflict;
/// 5. anything else (other 4xx, and a 3xx that was not followed): plain business error.
pub fn classify(status: u16, headers: HeaderMap, body: String) -> ApiError {
    let found = Found::peek(&body).unwrap_or_default();
    let structured = found.error_code.map(|code| {
        let spans = ResourceSpans {
            details: found.details.map(|d| span(d, &body)),
            suggestions: found.suggestions.map(|s| span(s, &body)),
            links: found.links.map(|l| span(l, &body)),
        };
        (error_code_of(code), spans)
    });
    let fields = fill(status, headers, &found, &body);
    let response = ErrorResponse { body, ..fields };
    if let Some((error_code, spans)) = structured {
        return ApiError::Business(BusinessError::Resource(ResourceError {
            inner: Box::new(ResourceFields {
                response,
                error_code,
                spans,
                details: OnceLock::new(),
                suggestions: OnceLock::new(),
                links: OnceLock::new(),
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

/// Fills the fields every API error has (all but the body, which the
/// caller moves in). The message is taken as Python does (`message or
/// detail or text`: an empty string counts as absent); when it is the raw
/// text, or a string of the body without escapes, it is not copied, see
/// [`ErrorResponse::message`].
fn fill(status: u16, headers: HeaderMap, found: &Found<'_>, body: &str) -> ErrorResponse {
    // The 422 list is parsed now when small (the message is made from it),
    // and on demand otherwise.
    let validation = OnceLock::new();
    match found.detail {
        Some(d) if d.get().starts_with('[') && d.get().len() > SMALL_JSON => {}
        Some(d) if d.get().starts_with('[') => {
            let _ = validation.set(validation_in(d.get()));
        }
        _ => {
            let _ = validation.set(Vec::new());
        }
    }
    let listed = validation.get().map_or(&[][..], Vec::as_slice);
    let message = usable(found.message, &[], body).or_else(|| usable(found.detail, listed, body));
    let code = found
        .code
        .filter(|c| c.get() != "null")
        .map(|c| text_of(c).into_owned());
    let request_id = match found.request_id {
        Some(id) if id.get().starts_with('"') => Some(unescape(id.get()).into_owned()),
        _ => headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    ErrorResponse {
        status,
        message,
        code,
        detail: OnceLock::new(),
        body: String::new(),
        request_id,
        headers,
        validation,
        detail_field: found.detail.map(|d| span(d, body)),
        attempts: 1,
    }
}

/// A `message` or `detail` member as a message, if Python's `or` would
/// take it: empty strings, empty lists and objects, `false` and `null`
/// count as absent. A non-empty `detail` list that reads as FastAPI
/// validation errors (`listed`) becomes `body.name: Field required`.
fn usable(raw: Option<&RawValue>, listed: &[ValidationDetail], body: &str) -> Option<Text> {
    let text = raw?.get();
    match text.as_bytes().first()? {
        b'"' => match unescape(text) {
            s if s.trim().is_empty() => None,
            Cow::Borrowed(s) => Some(Text::InBody(range_of(s, body))),
            Cow::Owned(s) => Some(Text::Owned(s)),
        },
        b'n' | b'f' => None,
        b'[' | b'{' if is_empty_container(text) => None,
        b'[' if !listed.is_empty() => Some(Text::Owned(readable(listed))),
        _ => Some(match compact(text) {
            Some(small) => Text::Owned(small),
            None => Text::InBody(range_of(text, body)),
        }),
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

/// The FastAPI validation errors in a `detail` member's JSON text (through
/// a `Value`, so duplicate keys resolve as they always did).
pub(crate) fn validation_in(text: &str) -> Vec<ValidationDetail> {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|d| Vec::<ValidationDetail>::deserialize(d).ok())
        .unwrap_or_default()
}

/// The structured code of an `error_code` member.
fn error_code_of(raw: &RawValue) -> ErrorCode {
    match raw.get() {
        "null" => ErrorCode::Missing,
        s if s.starts_with('"') => {
            let code = unescape(s);
            code.parse().unwrap_or_else(|_| ErrorCode::Unknown(code.into_owned()))
        }
        _ => ErrorCode::Unknown(text_of(raw).into_owned()),
    }
}

/// The `details` member: field-level context (`None` for `null`).
pub(crate) fn details_in(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(|d| !d.is_null())
}

/// The `suggestions` member: a list of strings (other items as their JSON),
/// or one string.
pub(crate) fn suggestions_in(text: &str) -> Vec<String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(|i| match i {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
        Ok(Value::String(s)) => vec![s],
        _ => Vec::new(),
    }
}

/// The `links` member: a list, one value, or nothing for `null`.
pub(crate) fn links_in(text: &str) -> Vec<Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items,
        Ok(Value::Null) | Err(_) => Vec::new(),
        Ok(other) => vec![other],
    }
}

/// True when `body` is a JSON object with an `error_code` key (the retry
/// classifier's test), without parsing it into a `Value`.
pub(crate) fn has_error_code(body: &[u8]) -> bool {
    std::str::from_utf8(body)
        .ok()
        .and_then(Found::peek)
        .is_some_and(|f| f.error_code.is_some())
}

/// Where the members classification reads sit in an error body: each as
/// its JSON text, borrowed from the body. Every other member is skipped
/// (checked, not kept).
#[derive(Default)]
struct Found<'a> {
    message: Option<&'a RawValue>,
    detail: Option<&'a RawValue>,
    code: Option<&'a RawValue>,
    request_id: Option<&'a RawValue>,
    error_code: Option<&'a RawValue>,
    details: Option<&'a RawValue>,
    suggestions: Option<&'a RawValue>,
    links: Option<&'a RawValue>,
}

impl<'a> Found<'a> {
    /// The members of `body`; `None` when it is not a JSON object that
    /// `serde_json::Value` would parse (nesting over its depth limit
    /// included, see [`too_deep`]).
    fn peek(body: &'a str) -> Option<Self> {
        let start = body.trim_start_matches([' ', '\t', '\n', '\r']);
        if !start.starts_with('{') || too_deep(body.as_bytes()) {
            return None;
        }
        serde_json::from_str(body).ok()
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<&'a RawValue>> {
        Some(match key {
            "message" => &mut self.message,
            "detail" => &mut self.detail,
            "code" => &mut self.code,
            "request_id" => &mut self.request_id,
            "error_code" => &mut self.error_code,
            "details" => &mut self.details,
            "suggestions" => &mut self.suggestions,
            "links" => &mut self.links,
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for Found<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_map(FoundVisitor)
    }
}

struct FoundVisitor;

impl<'de> Visitor<'de> for FoundVisitor {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<'de>, A::Error> {
        let mut found = Found::default();
        // A repeated key keeps its last value, as `Value` does.
        while let Some(key) = map.next_key::<&'de RawValue>()? {
            match short_key(key).as_deref().and_then(|k| found.slot(k)) {
                Some(slot) => *slot = Some(map.next_value()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// A key's text, when it is short enough to be one of the names looked
/// for (a key of the body's size is not decoded just to compare it).
fn short_key(raw: &RawValue) -> Option<Cow<'_, str>> {
    // An escaped character takes at most 6 bytes of JSON per byte it
    // decodes to; the longest name looked for has 11 bytes.
    (raw.get().len() <= 2 + 6 * 11).then(|| unescape(raw.get()))
}

/// True when `text` nests arrays and objects 128 levels deep or more,
/// which `serde_json::Value` refuses (its recursion limit). Skipping a
/// value does not count levels, so they are counted here, to refuse the
/// same bodies as before, and because serde_json's skipping keeps one
/// byte per open level: a body of 30 MB of `[` would take 30 MB more.
pub(crate) fn too_deep(text: &[u8]) -> bool {
    const LIMIT: usize = 128;
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in text {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth >= LIMIT {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The text of a JSON string literal (`raw`, quotes included, already
/// checked by serde_json): borrowed when it has no escapes, else decoded
/// into one string no longer than the literal. (serde_json decodes through
/// a scratch buffer that grows by doubling and then copies out of it: two
/// to three times a string the size of the body.) A lone surrogate, which
/// `Value` would refuse, becomes U+FFFD.
pub(crate) fn unescape(raw: &str) -> Cow<'_, str> {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = rest.as_bytes().get(at + 1).copied().unwrap_or(b'\\');
        rest = rest.get(at + 2..).unwrap_or("");
        out.push(match escape {
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let (c, used) = hex_escape(rest);
                rest = &rest[used..];
                c
            }
            other => other as char,
        });
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character of a `\u` escape whose hex digits start `rest` (and of the
/// low surrogate's escape after it), and how many bytes of `rest` it used.
fn hex_escape(rest: &str) -> (char, usize) {
    let unit = |s: &str| s.get(..4).and_then(|h| u32::from_str_radix(h, 16).ok());
    let Some(high) = unit(rest) else {
        return ('\u{FFFD}', rest.len().min(4));
    };
    if !(0xD800..0xDC00).contains(&high) {
        return (char::from_u32(high).unwrap_or('\u{FFFD}'), 4);
    }
    let low = rest
        .get(4..6)
        .filter(|p| *p == "\\u")
        .and_then(|_| unit(&rest[6..]))
        .filter(|low| (0xDC00..0xE000).contains(low));
    match low {
        Some(low) => {
            let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            (char::from_u32(c).unwrap_or('\u{FFFD}'), 10)
        }
        None => ('\u{FFFD}', 4),
    }
}

/// A member as text: a string's value, any other value as its JSON.
fn text_of(raw: &RawValue) -> Cow<'_, str> {
    if raw.get().starts_with('"') {
        return unescape(raw.get());
    }
    match compact(raw.get()) {
        Some(small) => Cow::Owned(small),
        None => Cow::Borrowed(raw.get()),
    }
}

/// A JSON text as `Value::to_string` writes it (compact, keys in `Value`'s
/// order, numbers normalized), when it is small enough to parse into a
/// `Value` ([`SMALL_JSON`]); a larger one is used as it came.
fn compact(text: &str) -> Option<String> {
    (text.len() <= SMALL_JSON)
        .then(|| serde_json::from_str::<Value>(text).ok())
        .flatten()
        .map(|v| v.to_string())
}

fn is_empty_container(text: &str) -> bool {
    text[1..text.len() - 1]
        .trim_matches([' ', '\t', '\n', '\r'])
        .is_empty()
}

/// Where `part`, a slice of `body`, sits in it.
fn range_of(part: &str, body: &str) -> Range<usize> {
    let start = part.as_ptr() as usize - body.as_ptr() as usize;
    start..start + part.len()
}

fn span(raw: &RawValue, body: &str) -> Range<usize> {
    range_of(raw.get(), body)
}

/// The compact JSON text of the value at `path` in `body` (for explaining
/// a union that did not decode), found without parsing the rest of the body
/// into a `Value`; `None` when it is not there or larger than
/// [`SMALL_JSON`].
pub(crate) fn compact_at(body: &[u8], path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let text = std::str::from_utf8(body).ok()?;
    if too_deep(body) {
        return None;
    }
    let mut raw: &RawValue = serde_json::from_str(text).ok()?;
    for segment in path.iter() {
        let mut de = serde_json::Deserializer::from_str(raw.get());
        raw = match segment {
            Segment::Seq { index } => de.deserialize_seq(Nth(*index)).ok()??,
            Segment::Map { key } => de.deserialize_map(Member(key)).ok()??,
            Segment::Enum { .. } | Segment::Unknown => raw,
        };
    }
    compact(raw.get())
}

/// The element at an index of a JSON array, the others skipped.
struct Nth(usize);

impl<'de> Visitor<'de> for Nth {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut index = 0;
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            if index == self.0 {
                found = Some(item);
            }
            index += 1;
        }
        Ok(found)
    }
}

/// The value of a key of a JSON object (the last, when repeated).
struct Member<'k>(&'k str);

impl<'de> Visitor<'de> for Member<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let longest = 2 + 6 * self.0.len();
        while let Some(key) = map.next_key::<&'de RawValue>()? {
            let matches = key.get().len() <= longest && unescape(key.get()) == self.0;
            let value: &'de RawValue = map.next_value()?;
            if matches {
                found = Some(value);
            }
        }
        Ok(found)
    }
}
