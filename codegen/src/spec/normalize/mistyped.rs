//! Enum values that disagree with their schema's `type`.
//!
//! YAML reads an unquoted `true` or `4.1` as a boolean or a number, so a
//! spec that means `type: string, enum: [true, false]` or `enum: [4.1, 4]`
//! (Plaid's, 6 schemas) holds values its own type rejects, and typify
//! rejects the whole schema ("unexpected value type"). What the spec means
//! is the text those values print as, so each scalar value is read as its
//! schema's type where it converts without loss: a number or boolean to the
//! string it prints as, a numeric string to a number, `"true"`/`"false"` to
//! a boolean. A value that does not convert is dropped, and an enum left
//! with no value of its type is dropped with it (the schema is then its
//! plain type, which accepts every value the server sends). An enum that
//! lists `null` under a type that does not allow it is made `nullable`.

use serde_json::{json, Map, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

/// Converts or drops the `enum` values of a typed scalar schema that its
/// `type` rejects; returns how many schemas changed.
pub fn mistyped_enum_values(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| Ok(usize::from(retype(s))))
}

/// The one scalar type a schema declares (`"null"` beside it aside).
fn scalar_type(s: &Map<String, Value>) -> Option<&'static str> {
    let named = match s.get("type")? {
        Value::String(t) => Some(t.as_str()),
        Value::Array(types) => {
            let mut real = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null");
            match (real.next(), real.next()) {
                (Some(t), None) => Some(t),
                _ => None,
            }
        }
        _ => None,
    }?;
    ["string", "integer", "number", "boolean"]
        .into_iter()
        .find(|t| *t == named)
}

fn retype(s: &mut Map<String, Value>) -> bool {
    let Some(ty) = scalar_type(s) else {
        return false;
    };
    let lists_null = s
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.contains(&Value::Null));
    let null_typed = s
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|t| t.contains(&json!("null")));
    if lists_null && !null_typed && s.get("nullable") != Some(&Value::Bool(true)) {
        // `null` among the values says the schema is nullable; typify
        // named the type twice when only the enum said so (Plaid's
        // `PayFrequencyValue`).
        s.insert("nullable".to_owned(), Value::Bool(true));
        retype(s);
        return true;
    }
    let Some(values) = s.get("enum").and_then(Value::as_array) else {
        return false;
    };
    if values.iter().all(|v| v.is_null() || fits(v, ty)) {
        return false;
    }
    let kept: Vec<Value> = values
        .iter()
        .filter_map(|v| {
            if v.is_null() {
                Some(Value::Null)
            } else {
                convert(v, ty)
            }
        })
        .collect();
    if kept.iter().all(Value::is_null) {
        s.remove("enum");
    } else {
        s.insert("enum".to_owned(), Value::Array(kept));
    }
    true
}

fn fits(v: &Value, ty: &str) -> bool {
    match ty {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        _ => v.is_boolean(),
    }
}

/// `v` as a value of `ty`, where that loses nothing.
fn convert(v: &Value, ty: &str) -> Option<Value> {
    if fits(v, ty) {
        return Some(v.clone());
    }
    match (ty, v) {
        ("string", Value::Number(_) | Value::Bool(_)) => Some(Value::String(v.to_string())),
        ("integer", Value::String(t)) => t.parse::<i64>().ok().map(Value::from),
        ("number", Value::String(t)) => {
            let n: f64 = t.parse().ok()?;
            serde_json::Number::from_f64(n).map(Value::Number)
        }
        ("boolean", Value::String(t)) => t.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{one_schema, run};
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_read_as_their_schemas_type() {
        let (doc, n) = run(
            mistyped_enum_values,
            json!({"type": "string", "nullable": true, "enum": [4.1, 4, true, null, "x"]}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&doc)["enum"],
            json!(["4.1", "4", "true", null, "x"])
        );
        let (doc, _) = run(
            mistyped_enum_values,
            json!({"type": ["integer", "null"], "enum": ["1", "two", 3]}),
        );
        assert_eq!(one_schema(&doc)["enum"], json!([1, 3]));
        let (doc, _) = run(
            mistyped_enum_values,
            json!({"type": "boolean", "enum": ["true"]}),
        );
        assert_eq!(one_schema(&doc)["enum"], json!([true]));
    }

    #[test]
    fn null_among_the_values_makes_the_schema_nullable() {
        let (doc, n) = run(
            mistyped_enum_values,
            json!({"type": "string", "enum": ["a", null]}),
        );
        assert_eq!(n, 1);
        assert_eq!(one_schema(&doc)["nullable"], json!(true));
        assert_eq!(one_schema(&doc)["enum"], json!(["a", null]));
    }

    #[test]
    fn an_enum_with_nothing_of_its_type_left_is_dropped() {
        let (doc, n) = run(
            mistyped_enum_values,
            json!({"type": "integer", "enum": ["a", null]}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&doc),
            &json!({"type": "integer", "nullable": true})
        );
    }

    #[test]
    fn well_typed_enums_are_left_alone() {
        for schema in [
            json!({"type": "string", "nullable": true, "enum": ["a", null]}),
            json!({"type": ["string", "null"], "enum": ["a", null]}),
            json!({"type": "number", "enum": [1, 2.5]}),
            json!({"enum": [1, "a"]}),
            json!({"type": "object", "enum": [{"a": 1}]}),
        ] {
            assert_eq!(run(mistyped_enum_values, schema.clone()).1, 0, "{schema}");
        }
    }
}
