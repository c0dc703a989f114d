//! An `enum` beside an `allOf` that refers to a component: a property that
//! narrows a named type to some of its values.
//!
//! typify panics on it ("internal error: entered unreachable code", 22
//! components of one large spec), so the schema keeps one of the two, by
//! what its values allow:
//! - where the referenced component accepts every value of the enum (it is
//!   an enum holding them, a union of one-value enums holding them, or not
//!   an enum at all), the reference stays and the enum goes: the field has
//!   the named type, and the server still sends only the narrower values;
//! - otherwise (the two disagree, so no value satisfies both on the
//!   component's side) the enum stays and the reference goes: the field
//!   decodes exactly the values the property lists.

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
        let Some(target) = referenced(s).and_then(|name| components.get(name)) else {
            return Ok(0);
        };
        let keep_reference = match accepted(target) {
            None => true,
            Some(allowed) => values.iter().all(|v| v.is_null() || allowed.contains(v)),
        };
        if keep_reference {
            s.remove("enum");
        } else {
            s.remove("allOf");
        }
        Ok(1)
    })
}

/// The component an `allOf` of one `$ref` names.
fn referenced(s: &Map<String, Value>) -> Option<&str> {
    let [single] = s.get("allOf")?.as_array()?.as_slice() else {
        return None;
    };
    single.get("$ref")?.as_str()?.strip_prefix(PREFIX)
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
}
