//! An `enum` beside an `allOf`, `oneOf` or `anyOf` of one `$ref` to a
//! component: a property that narrows a named type to some of its values.
//! (A one-member `oneOf` or `anyOf` means what a one-member `allOf` does.)
//!
//! typify panics on each form ("internal error: entered unreachable code", 22
//! components of one large spec), so the schema keeps one of the two, by
//! what its values allow:
//! - where the referenced component accepts every value of the enum (it is
//!   an enum holding them, a union of one-value enums holding them, or not
//!   an enum at all), the reference stays and the enum goes: the field has
//!   the named type, and the server still sends only the narrower values;
//! - otherwise (the two disagree, so no value satisfies both on the
//!   component's side) the enum stays and the reference goes: the field
//!   decodes exactly the values the property lists.
//!
//! [`composite_enums`] handles the other enum typify cannot carry: one
//! whose values are arrays or objects.

use serde_json::{Map, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

const PREFIX: &str = "#/components/schemas/";

/// Keeps the reference or the enum of each schema that has both; returns
/// how many schemas changed.
pub fn enum_beside_ref(doc: &mut Value, _: &Context) -> Result<usize> {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    for_each_schema(doc, &mut |s, _| {
        let Some(values) = s.get("enum").and_then(Value::as_array) else {
            return Ok(0);
        };
        let Some((keyword, name)) = referenced(s) else {
            return Ok(0);
        };
        let Some(target) = components.get(name) else {
            return Ok(0);
        };
        let keep_reference = match accepted(target) {
            None => true,
            Some(allowed) => values.iter().all(|v| v.is_null() || allowed.contains(v)),
        };
        if keep_reference {
            s.remove("enum");
        } else {
            s.remove(keyword);
        }
        Ok(1)
    })
}

/// The longest value list [`composite_enums`] copies into a description;
/// a longer one is left to the spec's own prose.
const LISTED_VALUES_MAX: usize = 200;

/// Drops each `enum` with an array or object value, keeping the schema's
/// shape; returns how many schemas changed. typify checks such values
/// with `==` on the generated type, which derives no `PartialEq` where
/// its parts lack one (an array of a union, an object holding an inline
/// struct), so the crate would not compile. Decoding then accepts any
/// value of the shape, and the description lists the values where the
/// list is short.
pub fn composite_enums(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let composite = s
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|v| v.is_array() || v.is_object()));
        if !composite {
            return Ok(0);
        }
        let values = s.remove("enum").unwrap_or_default();
        let listed = values.to_string();
        if listed.len() <= LISTED_VALUES_MAX {
            let line = format!("Values the API lists: `{listed}`.");
            let text = match s.get("description").and_then(Value::as_str) {
                Some(prose) if !prose.trim().is_empty() => format!("{prose}\n\n{line}"),
                _ => line,
            };
            s.insert("description".into(), Value::String(text));
        }
        Ok(1)
    })
}

/// The keyword and the component of an `allOf`, `oneOf` or `anyOf` that
/// holds one `$ref` and nothing else.
fn referenced(s: &Map<String, Value>) -> Option<(&'static str, &str)> {
    ["allOf", "oneOf", "anyOf"].into_iter().find_map(|keyword| {
        let [single] = s.get(keyword)?.as_array()?.as_slice() else {
            return None;
        };
        let name = single.get("$ref")?.as_str()?.strip_prefix(PREFIX)?;
        Some((keyword, name))
    })
}

/// The values a component accepts when it lists them: its `enum`, or the
/// values of a `oneOf`/`anyOf` of one-value enums (or `const`s); `None`
/// when it does not restrict values that way.
fn accepted(target: &Value) -> Option<Vec<Value>> {
    if let Some(values) = target.get("enum").and_then(Value::as_array) {
        return Some(values.clone());
    }
    let members = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| target.get(*k).and_then(Value::as_array))?;
    let mut out = Vec::new();
    for m in members {
        match (m.get("enum").and_then(Value::as_array), m.get("const")) {
            (Some(values), _) => out.extend(values.iter().cloned()),
            (None, Some(value)) => out.push(value.clone()),
            (None, None) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_doc;
    use super::*;
    use serde_json::json;

    fn doc(property: Value) -> Value {
        json!({"components": {"schemas": {
            "Color": {"type": "string", "enum": ["red", "green", "blue"]},
            "Level": {"oneOf": [{"const": 1}, {"enum": [2]}]},
            "Text": {"type": "string", "maxLength": 9},
            "Thing": {"type": "object", "properties": {"p": property}}
        }}})
    }

    fn property(doc: &Value) -> &Value {
        &doc["components"]["schemas"]["Thing"]["properties"]["p"]
    }

    #[test]
    fn the_reference_stays_where_it_accepts_every_value() {
        for (name, values) in [
            ("Color", json!(["red", null])),
            ("Level", json!([1, 2])),
            ("Text", json!(["a"])),
        ] {
            let reference = json!([{"$ref": format!("#/components/schemas/{name}")}]);
            let (d, n) = run_doc(
                enum_beside_ref,
                doc(json!({"enum": values, "allOf": reference.clone()})),
            );
            assert_eq!(n, 1);
            assert_eq!(property(&d), &json!({"allOf": reference}), "{name}");
        }
    }

    #[test]
    fn the_enum_stays_where_the_reference_disagrees() {
        let (d, n) = run_doc(
            enum_beside_ref,
            doc(json!({"type": "string", "enum": ["red", "pink"],
                "allOf": [{"$ref": "#/components/schemas/Color"}]})),
        );
        assert_eq!(n, 1);
        assert_eq!(
            property(&d),
            &json!({"type": "string", "enum": ["red", "pink"]})
        );
        let plain = json!({"enum": ["a"], "allOf": [{"type": "string"}]});
        assert_eq!(run_doc(enum_beside_ref, doc(plain)).1, 0);
    }

    #[test]
    fn a_one_member_one_of_or_any_of_is_read_as_an_all_of() {
        for keyword in ["oneOf", "anyOf"] {
            let reference = json!([{"$ref": "#/components/schemas/Level"}]);
            let kept = run_doc(
                enum_beside_ref,
                doc(json!({"type": "integer", "enum": [1], keyword: reference.clone()})),
            );
            assert_eq!(
                property(&kept.0),
                &json!({"type": "integer", keyword: reference})
            );
            let narrowed = run_doc(
                enum_beside_ref,
                doc(json!({"type": "integer", "enum": [1, 7], keyword: reference})),
            );
            assert_eq!(
                property(&narrowed.0),
                &json!({"type": "integer", "enum": [1, 7]})
            );
        }
        let two = json!({"enum": [1], "oneOf": [
            {"$ref": "#/components/schemas/Level"}, {"$ref": "#/components/schemas/Text"}]});
        assert_eq!(run_doc(enum_beside_ref, doc(two)).1, 0);
    }

    #[test]
    fn an_enum_of_arrays_or_objects_moves_to_the_description() {
        let (d, n) = run_doc(
            composite_enums,
            doc(json!({"type": "array", "items": {"type": "integer"},
                "description": "Pair.", "enum": [[1, 2], [3, 4]]})),
        );
        assert_eq!(n, 1);
        assert_eq!(
            property(&d),
            &json!({"type": "array", "items": {"type": "integer"},
                "description": "Pair.\n\nValues the API lists: `[[1,2],[3,4]]`."})
        );
        let long: Vec<Value> = (0..100).map(|i| json!({ "k": i })).collect();
        let (d, _) = run_doc(
            composite_enums,
            doc(json!({"type": "object", "enum": long})),
        );
        assert_eq!(property(&d), &json!({"type": "object"}));
        let scalar = json!({"type": "integer", "enum": [1, 2]});
        assert_eq!(run_doc(composite_enums, doc(scalar)).1, 0);
    }
}
