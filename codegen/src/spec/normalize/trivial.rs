//! Schemas that allow everything or nothing: JSON Schema's boolean schemas
//! (`true`, `false`, valid in OpenAPI 3.1) and an empty `allOf`.
//!
//! openapiv3 cannot read a boolean where it expects a schema ("invalid
//! type: boolean `false`, expected struct Schema"), except as
//! `additionalProperties`, and typify panics on `allOf: []` ("we should
//! not be trying to merge an empty array of schemas"). What each means is
//! kept where a Rust type can say it:
//! - `true` and an empty `allOf` allow any value: `{}`;
//! - a `false` property can never be sent: the property goes (and leaves
//!   `required`);
//! - a `false` member of a `oneOf`/`anyOf` never matches: it goes;
//! - a `false` anywhere else (`items`, `not`, an `allOf` member, a whole
//!   component) becomes `{}`: no Rust type is empty, and the server rejects
//!   what it forbids.

use serde_json::{Map, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

/// Rewrites boolean schemas and empty `allOf`s; returns how many changed.
pub fn boolean_schemas(doc: &mut Value, _: &Context) -> Result<usize> {
    let mut count = 0;
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut().filter(|s| s.is_boolean()) {
            *schema = Value::Object(Map::new());
            count += 1;
        }
    }
    count += for_each_schema(doc, &mut |s, _| Ok(in_children(s)))?;
    Ok(count)
}

/// The boolean schemas among `s`'s children, and its empty `allOf`.
fn in_children(s: &mut Map<String, Value>) -> usize {
    let mut count = 0;
    if s.get("allOf")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        s.remove("allOf");
        count += 1;
    }
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        let never: Vec<String> = props
            .iter()
            .filter(|(_, v)| **v == Value::Bool(false))
            .map(|(k, _)| k.clone())
            .collect();
        for name in &never {
            props.remove(name);
        }
        for v in props.values_mut().filter(|v| v.is_boolean()) {
            *v = Value::Object(Map::new());
            count += 1;
        }
        if let Some(Value::Array(required)) = s.get_mut("required") {
            required.retain(|r| !never.iter().any(|n| r.as_str() == Some(n)));
        }
        count += never.len();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = s.get_mut(key) {
            let before = members.len();
            members.retain(|m| *m != Value::Bool(false));
            count += before - members.len();
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(members)) = s.get_mut(key) {
            for m in members.iter_mut().filter(|m| m.is_boolean()) {
                *m = Value::Object(Map::new());
                count += 1;
            }
        }
    }
    for key in ["items", "not"] {
        if let Some(child) = s.get_mut(key).filter(|c| c.is_boolean()) {
            *child = Value::Object(Map::new());
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::super::tests::{one_schema, run};
    use super::*;
    use serde_json::json;

    #[test]
    fn each_boolean_schema_keeps_what_it_means() {
        let (doc, n) = run(
            boolean_schemas,
            json!({"type": "object", "required": ["gone", "kept"],
                "properties": {"gone": false, "any": true, "kept": {"type": "string"}},
                "additionalProperties": false}),
        );
        assert_eq!(n, 2);
        assert_eq!(
            one_schema(&doc),
            &json!({"type": "object", "required": ["kept"],
                "properties": {"any": {}, "kept": {"type": "string"}},
                "additionalProperties": false})
        );
        let (doc, _) = run(
            boolean_schemas,
            json!({"oneOf": [false, {"type": "string"}, true], "allOf": []}),
        );
        assert_eq!(
            one_schema(&doc),
            &json!({"oneOf": [{"type": "string"}, {}]})
        );
        let (doc, _) = run(boolean_schemas, json!(false));
        assert_eq!(one_schema(&doc), &json!({}));
        let (doc, _) = run(boolean_schemas, json!({"type": "array", "items": false}));
        assert_eq!(one_schema(&doc), &json!({"type": "array", "items": {}}));
    }
}
