//! Stage 3, one part: an operation's request body as the IR holds it.
//!
//! When the spec offers several media types for one body (InvenTree offers
//! every body as JSON, form and multipart; OpenAI's image edits as
//! multipart or JSON), the SDK sends one, the first of [`PREFERENCE`] that
//! is offered, and the method's docs name the others. JSON comes first: it
//! carries every type the schema can describe, where a form flattens them.

use heck::ToSnakeCase;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::{Body, MultipartField, PartKind, Scalar};
use crate::spec::document::{escape, essence, is_json};

/// The media types the SDK prefers, most preferred first; `+json` stands
/// for every JSON type (`application/json`, `application/merge-patch+json`,
/// ...). A body offered in none of these is sent as bytes in the first
/// media type it offers.
pub const PREFERENCE: &[&str] = &[
    "+json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/octet-stream",
];

/// Reads the request body `rb` at `ptr`: in the most preferred media type
/// it can be sent in. A multipart schema that is not an object of fields
/// (Jira's array of column names) passes to the next type offered, where
/// there is one.
pub fn read(
    doc: &Value,
    rb: &Value,
    ptr: &str,
    unsupported: &dyn Fn(String, String) -> Error,
) -> Result<Body> {
    let content = rb.get("content").and_then(Value::as_object);
    let offered: Vec<&String> = content.into_iter().flat_map(|c| c.keys()).collect();
    let rank = |m: &str| {
        PREFERENCE
            .iter()
            .position(|want| match *want {
                "+json" => is_json(m),
                _ => essence(m) == *want,
            })
            .unwrap_or(PREFERENCE.len())
    };
    let mut candidates: Vec<&String> = offered
        .iter()
        .copied()
        .filter(|m| essence(m).contains('/'))
        .collect();
    candidates.sort_by_key(|m| rank(m));
    let mut first_error = None;
    for chosen in &candidates {
        match body_in(doc, rb, chosen, &offered, ptr, unsupported) {
            Ok(body) => return Ok(body),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        unsupported(
            format!("{ptr}/content"),
            format!(
                "request body media types {offered:?} are not supported (none is a media type)"
            ),
        )
    }))
}

/// The body `rb` sent as `chosen`, one of the `offered` media types.
fn body_in(
    doc: &Value,
    rb: &Value,
    chosen: &str,
    offered: &[&String],
    ptr: &str,
    unsupported: &dyn Fn(String, String) -> Error,
) -> Result<Body> {
    let required = rb.get("required") == Some(&Value::Bool(true));
    let alternatives: Vec<String> = offered
        .iter()
        .filter(|m| **m != chosen)
        .map(|m| (*m).clone())
        .collect();
    let media = chosen.trim().to_owned();
    // It is sent as the `Content-Type`, which takes visible ASCII only.
    if !media.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(unsupported(
            format!("{ptr}/content/{}", escape(chosen)),
            format!(
                "request body media type {media:?} cannot be a Content-Type (visible ASCII only)"
            ),
        ));
    }
    let schema_ptr = format!("{ptr}/content/{}/schema", escape(chosen));
    let schema = rb
        .get("content")
        .and_then(|c| c.get(chosen))
        .and_then(|m| m.get("schema"));
    Ok(match essence(chosen).as_str() {
        m if is_json(m) => Body::Json {
            media,
            required,
            alternatives,
        },
        "application/x-www-form-urlencoded" => Body::Form {
            required,
            alternatives,
        },
        "multipart/form-data" => Body::Multipart {
            fields: multipart_fields(doc, schema, &schema_ptr, unsupported)?,
            alternatives,
        },
        _ => Body::Raw {
            media,
            required,
            alternatives,
        },
    })
}

fn multipart_fields(
    doc: &Value,
    schema: Option<&Value>,
    pointer: &str,
    unsupported: &dyn Fn(String, String) -> Error,
) -> Result<Vec<MultipartField>> {
    let schema = schema.map(|s| resolve(doc, s));
    // A body that is only a file (Jira's `addAttachment`: `type: string,
    // format: binary`) names no form field; it goes as one part named
    // `file`, the conventional name (Jira's documentation uses it). An
    // overlay that gives the schema properties names the field otherwise.
    if let Some(bare) = schema.filter(|s| s.get("properties").is_none()) {
        let kind = part_kind(doc, bare);
        if matches!(kind, PartKind::File | PartKind::Files) {
            return Ok(vec![MultipartField {
                rust_name: "file".to_owned(),
                name: "file".to_owned(),
                kind,
                required: true,
                description: Some(
                    "The file. The spec names no form field for it, so it is sent as the \
                     `file` part."
                        .to_owned(),
                ),
            }]);
        }
    }
    let Some(props) = schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return Err(unsupported(
            pointer.to_owned(),
            "a multipart body must be an object schema with properties".into(),
        ));
    };
    let required: Vec<&str> = schema
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    Ok(props
        .iter()
        .map(|(name, prop)| MultipartField {
            rust_name: name.to_snake_case(),
            name: name.clone(),
            kind: part_kind(doc, prop),
            required: required.contains(&name.as_str()),
            description: prop
                .get("description")
                .and_then(Value::as_str)
                .filter(|d| !d.trim().is_empty())
                .map(str::to_owned),
        })
        .collect())
}

/// How a field of schema `prop` is sent: files and scalars as they are,
/// anything else as JSON. A nullable field is its non-null type (an absent
/// optional field sends nothing).
pub fn part_kind(doc: &Value, prop: &Value) -> PartKind {
    let prop = non_null(doc, prop);
    let is_binary = |s: &Value| {
        let s = non_null(doc, s);
        s.get("format").and_then(Value::as_str) == Some("binary")
            || s.get("contentMediaType")
                .and_then(Value::as_str)
                .is_some_and(|m| m == "application/octet-stream")
    };
    if is_binary(prop) {
        return PartKind::File;
    }
    let ty = single_type(prop);
    match ty {
        Some("array") if prop.get("items").is_some_and(is_binary) => PartKind::Files,
        Some("array") => {
            let items = prop.get("items").map(|i| non_null(doc, i));
            match Scalar::of(items.and_then(single_type)) {
                Some(scalar) => PartKind::Texts(scalar),
                None => PartKind::Json,
            }
        }
        // No type at all but an enum of strings: a string.
        None if prop
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().all(Value::is_string)) =>
        {
            PartKind::Text(Scalar::String)
        }
        other => match Scalar::of(other) {
            Some(scalar) => PartKind::Text(scalar),
            None => PartKind::Json,
        },
    }
}

/// The one non-null type of a schema (`type: [integer, "null"]` ->
/// `integer`).
fn single_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        Some(Value::Array(types)) => {
            let mut real = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null");
            match (real.next(), real.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `schema` with a `$ref` followed, and a nullable union (`anyOf: [X,
/// {type: null}]`, OpenAPI 3.0 `allOf: [X]` wrappers) unwrapped to `X`.
fn non_null<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = resolve(doc, schema);
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(members)) = schema.get(key) {
            let real: Vec<&Value> = members
                .iter()
                .filter(|m| m.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if let [one] = real.as_slice() {
                return non_null(doc, one);
            }
        }
    }
    schema
}

/// `schema`, or what its local `$ref` points at (up to 16 hops).
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_multipart_body_that_is_only_a_file_is_the_file_part() {
        let unsupported = |p: String, m: String| Error::Schema {
            pointer: p,
            message: m,
        };
        for (schema, kind) in [
            (
                json!({"type": "string", "format": "binary"}),
                PartKind::File,
            ),
            (
                json!({"type": "array", "items": {"type": "string", "format": "binary"}}),
                PartKind::Files,
            ),
        ] {
            let fields = multipart_fields(&json!({}), Some(&schema), "#/b", &unsupported).unwrap();
            assert_eq!(fields.len(), 1);
            assert_eq!(
                (fields[0].name.as_str(), fields[0].kind, fields[0].required),
                ("file", kind, true)
            );
        }
        let text = json!({"type": "string"});
        let error = multipart_fields(&json!({}), Some(&text), "#/b", &unsupported).unwrap_err();
        assert!(
            error.to_string().contains("must be an object schema"),
            "{error}"
        );
    }

    #[test]
    fn multipart_fields_of_every_shape() {
        let doc = json!({"components": {"schemas": {"Meta": {"type": "object"}}}});
        let kind = |s: Value| part_kind(&doc, &s);
        assert_eq!(
            kind(json!({"type": "string", "format": "binary"})),
            PartKind::File
        );
        assert_eq!(
            kind(json!({"type": "array", "items": {"type": "string", "format": "binary"}})),
            PartKind::Files
        );
        assert_eq!(
            kind(json!({"type": "integer"})),
            PartKind::Text(Scalar::Integer)
        );
        assert_eq!(
            kind(json!({"anyOf": [{"type": "number"}, {"type": "null"}]})),
            PartKind::Text(Scalar::Number)
        );
        assert_eq!(
            kind(json!({"type": ["boolean", "null"]})),
            PartKind::Text(Scalar::Boolean)
        );
        assert_eq!(
            kind(json!({"$ref": "#/components/schemas/Meta"})),
            PartKind::Json
        );
        assert_eq!(
            kind(json!({"type": "array", "items": {"type": "string"}})),
            PartKind::Texts(Scalar::String)
        );
        assert_eq!(
            kind(json!({"type": "array", "items": {"type": "object"}})),
            PartKind::Json
        );
        assert_eq!(
            kind(json!({"enum": ["a", "b"]})),
            PartKind::Text(Scalar::String)
        );
    }

    #[test]
    fn json_is_chosen_among_several_and_the_rest_are_named() {
        let rb = json!({"content": {
            "multipart/form-data": {"schema": {"type": "object", "properties": {}}},
            "application/json; charset=utf-8": {"schema": {"type": "object"}},
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}}
        }});
        let unsupported = |p: String, m: String| Error::Schema {
            pointer: p,
            message: m,
        };
        let body = read(&Value::Null, &rb, "#/b", &unsupported).unwrap();
        assert_eq!(body.media(), "application/json; charset=utf-8");
        assert_eq!(
            body.alternatives(),
            ["multipart/form-data", "application/x-www-form-urlencoded"]
        );
        let odd = json!({"content": {"examples": {}}});
        let err = read(&Value::Null, &odd, "#/b", &unsupported).unwrap_err();
        assert!(err.to_string().contains("examples"), "{err}");
    }

    #[test]
    fn any_json_type_is_json_and_any_other_type_is_bytes() {
        let unsupported = |p: String, m: String| Error::Schema {
            pointer: p,
            message: m,
        };
        let body = |media: &str| {
            let rb = json!({"content": {media: {"schema": {"type": "object"}}}});
            read(&Value::Null, &rb, "#/b", &unsupported).unwrap()
        };
        for media in [
            "application/merge-patch+json",
            "application/json-patch+json",
            "application/vnd.foo+json; version=2",
            "application/json; charset=utf-8",
        ] {
            let b = body(media);
            assert!(matches!(b, Body::Json { .. }), "{media}: {b:?}");
            assert_eq!(b.media(), media);
        }
        assert_eq!(body("application/json").content_type(), None);
        assert_eq!(body("application/json; charset=utf-8").content_type(), None);
        assert_eq!(
            body("application/merge-patch+json").content_type(),
            Some("application/merge-patch+json")
        );
        for media in ["image/jpeg", "application/pdf", "application/sdp"] {
            let b = body(media);
            assert!(matches!(b, Body::Raw { .. }), "{media}: {b:?}");
            assert_eq!(b.content_type(), Some(media));
        }
        // A multipart array is no form: the next type offered is sent.
        let columns = json!({"content": {
            "*/*": {"schema": {"type": "array", "items": {"type": "string"}}},
            "multipart/form-data": {"schema": {"type": "array", "items": {"type": "string"}}}
        }});
        let b = read(&Value::Null, &columns, "#/b", &unsupported).unwrap();
        assert_eq!(
            (b.media(), b.alternatives()),
            ("*/*", &["multipart/form-data".to_owned()][..])
        );
        let only = json!({"content": {"multipart/form-data": {"schema": {"type": "array"}}}});
        let err = read(&Value::Null, &only, "#/b", &unsupported).unwrap_err();
        assert!(
            err.to_string().contains("multipart~1form-data/schema"),
            "{err}"
        );
        // A wildcard is no Content-Type: such a body goes as octets.
        for media in ["*/*", "image/*", "application/octet-stream", "text/plain"] {
            let b = body(media);
            assert!(matches!(b, Body::Raw { .. }), "{media}: {b:?}");
            assert_eq!(b.content_type(), None, "{media}");
        }
    }
}
