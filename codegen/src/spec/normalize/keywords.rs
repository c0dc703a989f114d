//! Passes that rewrite single JSON Schema 2020-12 keywords into their
//! OpenAPI 3.0 spelling.

use serde_json::{json, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

/// 3.1 writes `exclusiveMinimum: 0.0`; 3.0 wants `minimum: 0.0,
/// exclusiveMinimum: true`. openapiv3 fails to parse the numeric form.
pub fn exclusive_bounds(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let mut n = 0;
        for (excl, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(v) = s.get(excl).filter(|v| v.is_number()).cloned() {
                s.insert(bound.into(), v);
                s.insert(excl.into(), Value::Bool(true));
                n += 1;
            }
        }
        Ok(n)
    })
}

/// A `format` on an object, array or boolean schema (Lago writes
/// `type: [object, "null"], format: object`) means nothing in JSON Schema,
/// and typify rejects the whole schema for it; it is dropped.
pub fn stray_formats(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let formatted = |t: &Value| matches!(t.as_str(), Some("string" | "integer" | "number"));
        let meaningless = match s.get("type") {
            Some(Value::Array(types)) => !types.iter().any(formatted),
            Some(t) => !formatted(t),
            None => false,
        };
        if meaningless && s.remove("format").is_some() {
            Ok(1)
        } else {
            Ok(0)
        }
    })
}

/// A `default` that its own schema rejects (OpenAI: `type: string, enum:
/// [logprobs], default: []`; `type: object, default: null` without
/// `nullable`), or that the one schema it refers to rejects (InvenTree:
/// `allOf: [{$ref: ModelTypeEnum}], default: ""` where the enum has no
/// `""`), makes typify reject the whole type; the server applies its
/// defaults anyway, so such a default is dropped.
pub fn bad_defaults(doc: &mut Value, _: &Context) -> Result<usize> {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    let target = |s: &serde_json::Map<String, Value>| {
        let reference = match s.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 => parts[0].get("$ref"),
            _ => s.get("$ref"),
        }?;
        let name = reference.as_str()?.strip_prefix("#/components/schemas/")?;
        components.get(name)?.as_object()
    };
    for_each_schema(doc, &mut |s, _| {
        let Some(default) = s.get("default") else {
            return Ok(0);
        };
        let nullable = s.get("nullable") == Some(&Value::Bool(true));
        let accepted = accepts(s, default, nullable)
            && target(s)
                .is_none_or(|t| (nullable && default.is_null()) || accepts(t, default, false));
        if accepted {
            return Ok(0);
        }
        s.remove("default");
        Ok(1)
    })
}

/// An `enum` listing a value twice (InvenTree's ordering parameters:
/// `[revoked, -revoked, revoked, -revoked]`) keeps the first of each; typify
/// cannot name two variants alike.
pub fn duplicate_enum_values(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let Some(values) = s.get_mut("enum").and_then(Value::as_array_mut) else {
            return Ok(0);
        };
        let before = values.len();
        // Keyed by the value's JSON text: an enum may hold 100,000 values,
        // and a search of the values seen so far was quadratic.
        let mut seen = std::collections::BTreeSet::new();
        values.retain(|v| seen.insert(v.to_string()));
        Ok(before - values.len())
    })
}

/// `anyOf`/`oneOf` whose members only say which properties are required
/// (OpenAI's `ImageRefParam`: "exactly one of `image_url` or `file_id`") is
/// a validation rule, not a shape; typify made an enum with no variants of
/// it. It is dropped, and the server checks the rule.
pub fn constraint_unions(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let mut n = 0;
        for key in ["anyOf", "oneOf"] {
            let only_required = s.get(key).and_then(Value::as_array).is_some_and(|members| {
                !members.is_empty()
                    && members.iter().all(|m| {
                        m.as_object()
                            .is_some_and(|m| m.keys().all(|k| k == "required" || k == "not"))
                    })
            });
            if only_required {
                s.remove(key);
                n += 1;
            }
        }
        Ok(n)
    })
}

/// Whether `schema`'s own `enum` and `type` allow `value`.
fn accepts(schema: &serde_json::Map<String, Value>, value: &Value, nullable: bool) -> bool {
    let nullable = nullable || schema.get("nullable") == Some(&Value::Bool(true));
    let in_enum = match schema.get("enum").and_then(Value::as_array) {
        Some(values) => values.contains(value) || (nullable && value.is_null()),
        None => true,
    };
    let typed = |t: &str| match (t, value) {
        (_, Value::Null) => t == "null" || nullable,
        ("integer", v @ Value::Number(_)) => {
            let (low, high) = super::mistyped::integer_bounds(schema);
            super::mistyped::as_i128(v).is_some_and(|n| (low..=high).contains(&n))
        }
        (t, v) => json_type(v) == Some(t) || (t == "number" && v.is_number()),
    };
    let type_ok = match schema.get("type") {
        Some(Value::String(t)) => typed(t),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).any(typed),
        _ => true,
    };
    in_enum && type_ok
}

/// Bounds beside a composition without a `type` (drf-spectacular writes
/// `allOf: [{$ref: PriorityEnum}], minimum: .., maximum: ..`) make typify
/// reject the schema; the referenced type carries its own. They are
/// dropped, as is a `default` on a `oneOf`/`anyOf` that typify cannot
/// check against the union it builds (`default: ""` on a union of enums).
pub fn composition_keywords(doc: &mut Value, _: &Context) -> Result<usize> {
    const BOUNDS: [&str; 8] = [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "multipleOf",
    ];
    for_each_schema(doc, &mut |s, _| {
        if s.contains_key("type") {
            return Ok(0);
        }
        if !super::is_composed(s) {
            return Ok(0);
        }
        let mut n = BOUNDS.iter().filter(|k| s.remove(**k).is_some()).count();
        let union = s.contains_key("oneOf") || s.contains_key("anyOf");
        if union && s.get("default").is_some_and(|d| !d.is_null()) {
            s.remove("default");
            n += 1;
        }
        Ok(n)
    })
}

/// 3.1's `examples: [..]` becomes 3.0's single `example`.
pub fn examples_to_example(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let Some(examples) = s.remove("examples") else {
            return Ok(0);
        };
        if let Some(first) = examples.as_array().and_then(|a| a.first()) {
            s.entry("example").or_insert_with(|| first.clone());
        }
        Ok(1)
    })
}

/// `const: x` becomes a one-value `enum: [x]`. A `default` equal to the
/// constant is dropped: it says nothing, and typify would emit a default
/// function for a type that has only one value.
pub fn const_to_enum(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let Some(value) = s.remove("const") else {
            return Ok(0);
        };
        if s.get("default") == Some(&value) {
            s.remove("default");
        }
        if !s.contains_key("type") {
            if let Some(t) = json_type(&value) {
                s.insert("type".into(), t.into());
            }
        }
        s.insert("enum".into(), json!([value]));
        Ok(1)
    })
}

/// Tuple validation (`prefixItems`) has no 3.0 form. A tuple of one shape
/// becomes `items` of that shape; a tuple of mixed shapes becomes `items`
/// accepting any of them.
pub fn prefix_items(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let Some(Value::Array(mut prefix)) = s.remove("prefixItems") else {
            return Ok(0);
        };
        prefix.dedup();
        let items = match prefix.len() {
            0 => json!({}),
            1 => prefix.pop().unwrap_or_default(),
            _ => json!({ "anyOf": prefix }),
        };
        s.entry("items").or_insert(items);
        s.remove("minItems");
        s.remove("maxItems");
        Ok(1)
    })
}

/// 3.1's `type: ["string", "null"]` becomes `type: string, nullable: true`;
/// a lone `type: "null"` (a field that is always null) becomes a nullable
/// schema of any value, since 3.0 has no null type.
pub fn null_types(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        if s.get("type") == Some(&json!("null")) {
            s.remove("type");
            s.insert("nullable".into(), Value::Bool(true));
            return Ok(1);
        }
        let Some(Value::Array(types)) = s.get("type").cloned() else {
            return Ok(0);
        };
        let non_null: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        let nullable =
            s.get("type").and_then(Value::as_array).map(Vec::len) != Some(non_null.len());
        match non_null.as_slice() {
            [one] => {
                s.insert("type".into(), one.clone());
            }
            _ => {
                s.remove("type");
                let variants: Vec<Value> = non_null.iter().map(|t| json!({ "type": t })).collect();
                s.insert("anyOf".into(), Value::Array(variants));
            }
        }
        if nullable {
            s.insert("nullable".into(), Value::Bool(true));
        }
        Ok(1)
    })
}

/// In 3.0 every keyword beside a `$ref` is ignored, which would lose a
/// `default` (and `nullable`). Such a schema becomes `allOf: [{$ref}]` plus
/// the keywords.
pub fn ref_siblings(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        if !s.contains_key("$ref") || !s.keys().any(|k| matters_beside_ref(k)) {
            return Ok(0);
        }
        let reference = s.remove("$ref").unwrap_or_default();
        s.insert("allOf".into(), json!([{ "$ref": reference }]));
        Ok(1)
    })
}

fn matters_beside_ref(key: &str) -> bool {
    matches!(key, "default" | "nullable")
}

/// typify names an inline schema after its `title` and merges distinct inline
/// schemas that share one: `NodeRef.object_type` (`"node"`) and
/// `CvmRef.object_type` (`"cvm"`) both have the title "Object Type" and became
/// one enum that could not decode `"node"`. Dropping inline titles makes
/// typify name each inline type after its parent and property instead.
/// Component names are unaffected: they come from the component key. A
/// nullable component (or one whose enum lists `null`) loses its title
/// too: typify wraps it as `struct Name(Option<Inner>)` and names `Inner` after the title, which is
/// usually the component's own name (Plaid's `AccountSubtype`, 28 such
/// components: E0428, defined twice).
pub fn inline_titles(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, site| {
        let nullable = s.get("nullable") == Some(&Value::Bool(true))
            || s.get("type")
                .and_then(Value::as_array)
                .is_some_and(|t| t.contains(&json!("null")))
            || s.get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.contains(&Value::Null));
        if site.is_root && site.pointer.starts_with("#/components/") && !nullable {
            return Ok(0);
        }
        Ok(usize::from(s.remove("title").is_some()))
    })
}

/// The longest property name or string enum value the generated crate
/// can hold: serde matches each as a byte-string pattern, and rustc's
/// pattern checking grows past 6 GB at 30,000 characters (10,000 check in
/// about 2 s). Identifiers are bounded apart (`ir::distinct`).
pub const MAX_WIRE_NAME: usize = 4096;

/// A property name or string enum value longer than [`MAX_WIRE_NAME`] is
/// an error at its component (which `--skip-unsupported` types as any
/// JSON) or its operation, never a crate that cannot compile.
pub fn long_wire_names(doc: &mut Value) -> Result<()> {
    for_each_schema(doc, &mut |s, site| {
        let props = s.get("properties").and_then(Value::as_object);
        let long_prop = props
            .into_iter()
            .flat_map(|p| p.keys())
            .find(|k| k.chars().count() > MAX_WIRE_NAME);
        let values = s.get("enum").and_then(Value::as_array);
        let long_value = values
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|v| v.chars().count() > MAX_WIRE_NAME);
        let Some((what, name)) = long_prop
            .map(|k| ("property name", k.as_str()))
            .or(long_value.map(|v| ("enum value", v)))
        else {
            return Ok(0);
        };
        let start: String = name.chars().take(16).collect();
        let message = format!(
            "{what} of {} characters (`{start}...`) is longer than the {MAX_WIRE_NAME} a generated crate can compile",
            name.chars().count()
        );
        Err(match site.operation {
            Some(op) => crate::error::Error::Unsupported {
                operation: op.to_owned(),
                pointer: site.pointer.to_owned(),
                message,
            },
            None => crate::error::Error::Schema {
                pointer: site.pointer.split('/').take(4).collect::<Vec<_>>().join("/"),
                message: format!("{message} (at {})", site.pointer),
            },
        })
    })
    .map(|_| ())
}

/// The JSON Schema type name of a JSON value.
pub fn json_type(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{one_schema, run};
    use super::*;

    #[test]
    fn overlong_wire_names_are_an_error_at_their_component() {
        let long = "p".repeat(MAX_WIRE_NAME + 1);
        let mut doc = json!({"components": {"schemas": {"S": {"properties": {"ok": {
            "type": "object", "properties": {long.clone(): {}}}}}}}});
        let error = long_wire_names(&mut doc).unwrap_err();
        assert_eq!(error.schema(), Some("S"));
        assert!(error.to_string().contains("4097 characters"), "{error}");
        let mut doc = json!({"components": {"schemas": {"S": {"enum": [long, "b"]}}}});
        assert!(long_wire_names(&mut doc).is_err());
        let fine = "p".repeat(MAX_WIRE_NAME);
        let mut doc = json!({"components": {"schemas": {"S": {"properties": {fine: {}}}}}});
        assert!(long_wire_names(&mut doc).is_ok());
    }

    #[test]
    fn exclusive_minimum_number_becomes_boolean() {
        let (out, n) = run(
            exclusive_bounds,
            json!({"type": "number", "exclusiveMinimum": 0.0}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"type": "number", "minimum": 0.0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn examples_become_example() {
        let (out, n) = run(
            examples_to_example,
            json!({"type": "string", "examples": ["a", "b"]}),
        );
        assert_eq!(n, 1);
        assert_eq!(one_schema(&out), &json!({"type": "string", "example": "a"}));
    }

    #[test]
    fn const_becomes_enum_and_drops_equal_default() {
        let (out, n) = run(
            const_to_enum,
            json!({"type": "string", "const": "node", "default": "node"}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"type": "string", "enum": ["node"]})
        );
    }

    #[test]
    fn prefix_items_become_items() {
        let (out, n) = run(
            prefix_items,
            json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "minItems": 2}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"type": "array", "items": {"type": "number"}})
        );
    }

    #[test]
    fn type_array_becomes_nullable() {
        let (out, n) = run(null_types, json!({"type": ["string", "null"]}));
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn lone_null_type_becomes_nullable_any() {
        let (out, n) = run(null_types, json!({"type": "null", "description": "d"}));
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"nullable": true, "description": "d"})
        );
    }

    #[test]
    fn default_beside_ref_is_kept() {
        let (out, n) = run(
            ref_siblings,
            json!({"$ref": "#/components/schemas/B", "default": "x"}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"allOf": [{"$ref": "#/components/schemas/B"}], "default": "x"})
        );
    }

    #[test]
    fn inline_titles_are_dropped_but_component_titles_kept() {
        let (out, n) = run(
            inline_titles,
            json!({"title": "A", "properties": {"t": {"title": "Object Type", "type": "string"}}}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"title": "A", "properties": {"t": {"type": "string"}}})
        );
        for nullable in [
            json!({"title": "K", "type": "string", "nullable": true, "enum": ["a", null]}),
            json!({"title": "K", "type": ["string", "null"], "enum": ["a", null]}),
            json!({"title": "K", "type": "string", "enum": ["a", null]}),
        ] {
            let (out, n) = run(inline_titles, nullable);
            assert_eq!(n, 1);
            assert!(one_schema(&out).get("title").is_none(), "{out}");
        }
    }
}

#[cfg(test)]
mod bad_default_tests {
    use super::super::tests::{one_schema, run_doc};
    use serde_json::{json, Value};

    /// `schema` as `S`, beside the enum `Kind` it may refer to.
    fn run(
        pass: fn(&mut Value, &super::Context) -> crate::error::Result<usize>,
        schema: Value,
    ) -> (Value, usize) {
        let kind = json!({"type": "string", "enum": ["part", "build"]});
        run_doc(
            pass,
            json!({"components": {"schemas": {"S": schema, "Kind": kind}}}),
        )
    }

    #[test]
    fn defaults_the_schema_rejects_go() {
        for bad in [
            json!({"type": "string", "enum": ["logprobs"], "default": []}),
            json!({"type": "string", "default": true}),
            json!({"type": "object", "default": null}),
            json!({"type": "integer", "default": 1.5}),
            json!({"enum": ["a"], "default": "b"}),
            json!({"allOf": [{"$ref": "#/components/schemas/Kind"}], "default": ""}),
        ] {
            let (doc, n) = run(super::bad_defaults, bad.clone());
            assert_eq!(n, 1, "{bad}");
            assert!(one_schema(&doc).get("default").is_none(), "{bad}");
        }
        for good in [
            json!({"type": "number", "default": 1}),
            json!({"type": ["object", "null"], "default": null}),
            json!({"type": "object", "nullable": true, "default": null}),
            json!({"type": "string", "enum": ["pcm16"], "default": "pcm16"}),
            json!({"default": {"any": "thing"}}),
            json!({"allOf": [{"$ref": "#/components/schemas/Kind"}], "default": "part"}),
            json!({"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": true, "default": null}),
        ] {
            let (_, n) = run(super::bad_defaults, good.clone());
            assert_eq!(n, 0, "{good}");
        }
    }
}

#[cfg(test)]
mod constraint_union_tests {
    use super::super::tests::{one_schema, run};
    use serde_json::json;

    #[test]
    fn unions_of_required_lists_go_and_shapes_stay() {
        let (doc, n) = run(
            super::constraint_unions,
            json!({"type": "object", "properties": {"a": {}, "b": {}},
                "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
        );
        assert_eq!(n, 1);
        assert!(one_schema(&doc).get("anyOf").is_none());
        let shape = json!({"anyOf": [{"type": "string"}, {"required": ["a"]}]});
        let (doc, n) = run(super::constraint_unions, shape.clone());
        assert_eq!((one_schema(&doc), n), (&shape, 0));
    }
}

#[cfg(test)]
mod duplicate_enum_tests {
    use super::super::tests::{one_schema, run};
    use serde_json::json;

    #[test]
    fn repeated_values_keep_their_first_place() {
        let (doc, n) = run(
            super::duplicate_enum_values,
            json!({"type": "string", "enum": ["a", "-a", "a", "-a", "b"]}),
        );
        assert_eq!(n, 2);
        assert_eq!(one_schema(&doc)["enum"], json!(["a", "-a", "b"]));
    }
}

#[cfg(test)]
mod stray_format_tests {
    use super::super::tests::{one_schema, run};
    use serde_json::json;

    #[test]
    fn formats_go_only_where_they_mean_nothing() {
        let (doc, n) = run(
            super::stray_formats,
            json!({"type": ["object", "null"], "format": "object"}),
        );
        assert_eq!(
            (one_schema(&doc), n),
            (&json!({"type": ["object", "null"]}), 1)
        );
        for kept in [
            json!({"type": "string", "format": "uuid"}),
            json!({"type": ["integer", "null"], "format": "int64"}),
            json!({"format": "date-time"}),
        ] {
            let (doc, n) = run(super::stray_formats, kept.clone());
            assert_eq!((one_schema(&doc), n), (&kept, 0));
        }
    }
}
