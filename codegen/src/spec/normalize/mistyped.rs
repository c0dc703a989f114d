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
//!
//! [`untyped_enums`] runs first and gives an `enum` with no `type` the one
//! its values have: typify infers none for values of several types
//! ("multiple implied types for an un-typed enum"), and named the inner
//! type of an untyped nullable enum like the schema itself (a type holding
//! itself: E0072).

use serde_json::{json, Map, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

/// Converts or drops the `enum` values of a typed scalar schema that its
/// `type` rejects, and the integers its Rust type cannot hold; returns how
/// many schemas changed.
pub fn mistyped_enum_values(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let retyped = retype(s);
        Ok(usize::from(retyped | integers_in_range(s)))
    })
}

/// The integer formats typify maps to a Rust type, with that type's range.
const INTEGER_FORMATS: [(&str, i128, i128); 10] = [
    ("int8", i8::MIN as i128, i8::MAX as i128),
    ("uint8", 0, u8::MAX as i128),
    ("int16", i16::MIN as i128, i16::MAX as i128),
    ("uint16", 0, u16::MAX as i128),
    ("int", i32::MIN as i128, i32::MAX as i128),
    ("int32", i32::MIN as i128, i32::MAX as i128),
    ("uint", 0, u32::MAX as i128),
    ("uint32", 0, u32::MAX as i128),
    ("int64", i64::MIN as i128, i64::MAX as i128),
    ("uint64", 0, u64::MAX as i128),
];

/// The integers the Rust type of an integer schema holds: its `format`'s
/// range (`i64`'s without a known one, as typify picks), narrowed by
/// `minimum` and `maximum` (3.0 `exclusive*` flags included). Shared with
/// `bad_defaults`, which drops a default outside it (typify rejects it).
pub(super) fn integer_bounds(s: &Map<String, Value>) -> (i128, i128) {
    let format = s.get("format").and_then(Value::as_str);
    let (mut low, mut high) = INTEGER_FORMATS
        .iter()
        .find(|(name, ..)| Some(*name) == format)
        .map_or((i64::MIN as i128, i64::MAX as i128), |(_, l, h)| (*l, *h));
    let flag = |key: &str| s.get(key) == Some(&Value::Bool(true));
    if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
        let min = min.ceil() as i128 + i128::from(flag("exclusiveMinimum"));
        low = low.max(min);
    }
    if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
        let max = max.floor() as i128 - i128::from(flag("exclusiveMaximum"));
        high = high.min(max);
    }
    (low, high)
}

/// An integer as `i128`, which holds every `i64` and `u64`.
pub(super) fn as_i128(v: &Value) -> Option<i128> {
    v.as_i64()
        .map(i128::from)
        .or_else(|| v.as_u64().map(i128::from))
}

/// Drops the values of an integer enum its Rust type cannot hold (typify
/// writes each as a literal of that type: "literal out of range", or `-`
/// on an unsigned type). An enum of non-negative values past `i64::MAX`
/// with no `format` gets `uint64` instead, which holds them all.
fn integers_in_range(s: &mut Map<String, Value>) -> bool {
    if scalar_type(s) != Some("integer") {
        return false;
    }
    let Some(values) = s.get("enum").and_then(Value::as_array).cloned() else {
        return false;
    };
    let numbers: Vec<i128> = values.iter().filter_map(as_i128).collect();
    let (low, high) = integer_bounds(s);
    if numbers.iter().all(|n| (low..=high).contains(n)) {
        return false;
    }
    let unsigned = numbers.iter().all(|n| *n >= 0 && *n <= u64::MAX as i128);
    if !s.contains_key("format") && unsigned {
        s.insert("format".into(), json!("uint64"));
        if numbers.iter().all(|n| (integer_bounds(s).0..).contains(n)) {
            return true;
        }
    }
    let (low, high) = integer_bounds(s);
    let kept: Vec<Value> = values
        .into_iter()
        .filter(|v| as_i128(v).is_none_or(|n| (low..=high).contains(&n)))
        .collect();
    set_values(s, kept);
    true
}

/// `kept` as the schema's enum, or no enum when no value but `null` is
/// left (typify rejects an enum with nothing of its type).
fn set_values(s: &mut Map<String, Value>, kept: Vec<Value>) {
    if kept.iter().all(Value::is_null) {
        s.remove("enum");
    } else {
        s.insert("enum".into(), Value::Array(kept));
    }
}

/// Gives each `enum` without a `type` the type of its values; returns how
/// many schemas changed. Values of one JSON type give that type (`integer`
/// when every number is whole). Values of several types become an `anyOf`
/// of one enum per type, in the order the types first appear, so each
/// value decodes as what it is; a `null` among them becomes a
/// `type: null` member, which `null_unions` reads as nullable.
pub fn untyped_enums(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        if s.contains_key("type") || super::is_composed(s) {
            return Ok(0);
        }
        let Some(values) = s.get("enum").and_then(Value::as_array) else {
            return Ok(0);
        };
        let mut groups: Vec<(&'static str, Vec<Value>)> = Vec::new();
        for value in values.iter().filter(|v| !v.is_null()) {
            let ty = json_type(value);
            match groups.iter_mut().find(|(t, _)| *t == ty) {
                Some((_, members)) => members.push(value.clone()),
                None => groups.push((ty, vec![value.clone()])),
            }
        }
        // Whole and fractional numbers are one `number` enum.
        if let Some(i) = groups.iter().position(|(t, _)| *t == "integer") {
            if let Some(n) = groups.iter().position(|(t, _)| *t == "number") {
                let (_, whole) = groups.remove(i);
                let n = if i < n { n - 1 } else { n };
                groups[n].1.extend(whole);
            }
        }
        let lists_null = values.contains(&Value::Null);
        match groups.as_slice() {
            [] => return Ok(0),
            [(ty, _)] => {
                s.insert("type".into(), json!(ty));
            }
            _ => {
                let mut members: Vec<Value> = groups
                    .into_iter()
                    .map(|(ty, values)| json!({"type": ty, "enum": values}))
                    .collect();
                if lists_null {
                    members.push(json!({"type": "null"}));
                }
                s.remove("enum");
                s.insert("anyOf".into(), Value::Array(members));
            }
        }
        Ok(1)
    })
}

/// The JSON Schema type of one value.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
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
    set_values(s, kept);
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
    fn an_untyped_enum_gets_the_type_of_its_values() {
        let (doc, n) = run(untyped_enums, json!({"enum": ["a", null]}));
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&doc),
            &json!({"type": "string", "enum": ["a", null]})
        );
        let (doc, _) = run(untyped_enums, json!({"enum": [1, 2.5]}));
        assert_eq!(one_schema(&doc)["type"], json!("number"));
        let (doc, _) = run(untyped_enums, json!({"enum": ["auto", 1, true, 2, null]}));
        assert_eq!(
            one_schema(&doc),
            &json!({"anyOf": [
                {"type": "string", "enum": ["auto"]},
                {"type": "integer", "enum": [1, 2]},
                {"type": "boolean", "enum": [true]},
                {"type": "null"}
            ]})
        );
        for kept in [
            json!({"type": "string", "enum": ["a", 1]}),
            json!({"enum": ["a", 1], "allOf": [{"$ref": "#/components/schemas/S"}]}),
            json!({"enum": []}),
        ] {
            assert_eq!(run(untyped_enums, kept).1, 0);
        }
    }

    #[test]
    fn integers_the_rust_type_cannot_hold_are_dropped_or_widen_it() {
        let big = u64::MAX;
        let (doc, n) = run(
            mistyped_enum_values,
            json!({"type": "integer", "enum": [big, 1]}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&doc),
            &json!({"type": "integer", "format": "uint64", "enum": [big, 1]})
        );
        for (schema, left) in [
            (
                json!({"type": "integer", "format": "int32", "enum": [4_294_967_295_u64, 7]}),
                json!([7]),
            ),
            (
                json!({"type": "integer", "format": "uint32", "enum": [-1, 2]}),
                json!([2]),
            ),
            (json!({"type": "integer", "enum": [big, -1]}), json!([-1])),
            (
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "enum": [0, 1]}),
                json!([1]),
            ),
        ] {
            let (doc, n) = run(mistyped_enum_values, schema);
            assert_eq!(n, 1);
            assert_eq!(one_schema(&doc)["enum"], left);
        }
        let fine = json!({"type": "integer", "format": "int8", "enum": [-128, 127]});
        assert_eq!(run(mistyped_enum_values, fine).1, 0);
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
