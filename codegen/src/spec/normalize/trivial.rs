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
//!
//! [`closed_unions`] handles a schema that allows nothing by mistake, and
//! [`zero_minimums`] bounds that allow everything.

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

/// Drops `additionalProperties: false` from a schema with no `properties`
/// of its own beside a `oneOf`, `anyOf` or `allOf`; returns how many
/// changed. In JSON Schema it forbids every property the members declare,
/// so no object matches and typify emits an enum with no variants, a type
/// no body decodes into (Jira's `JqlQueryClause` and `WorkflowCondition`).
/// What the spec means is "one of these objects", which the members say.
pub fn closed_unions(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let composed = ["oneOf", "anyOf", "allOf"].iter().any(|k| {
            s.get(*k)
                .and_then(Value::as_array)
                .is_some_and(|m| !m.is_empty())
        });
        let closed = s.get("additionalProperties") == Some(&Value::Bool(false));
        if !composed || !closed || s.contains_key("properties") {
            return Ok(0);
        }
        s.remove("additionalProperties");
        Ok(1)
    })
}

/// Drops `minLength: 0`, `minItems: 0` and `minProperties: 0`, which
/// every value meets; returns how many schemas changed. typify checks
/// `minLength` even at 0, a comparison rustc warns is useless (Plaid).
pub fn zero_minimums(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let before = s.len();
        s.retain(|key, value| {
            !(matches!(key.as_str(), "minLength" | "minItems" | "minProperties")
                && value.as_u64() == Some(0))
        });
        Ok(usize::from(s.len() < before))
    })
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
    fn a_union_closed_to_every_property_is_opened() {
        let members =
            json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]);
        let (doc, n) = run(
            closed_unions,
            json!({"type": "object", "additionalProperties": false, "anyOf": members.clone()}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&doc),
            &json!({"type": "object", "anyOf": members})
        );
        let own = json!({"properties": {"a": {}}, "additionalProperties": false, "allOf": [{}]});
        assert_eq!(run(closed_unions, own).1, 0);
    }

    #[test]
    fn minimums_of_zero_go() {
        let (doc, n) = run(
            zero_minimums,
            json!({"type": "string", "minLength": 0, "maxLength": 9}),
        );
        assert_eq!(n, 1);
        assert_eq!(one_schema(&doc), &json!({"type": "string", "maxLength": 9}));
        assert_eq!(
            run(zero_minimums, json!({"type": "array", "minItems": 1})).1,
            0
        );
    }

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
