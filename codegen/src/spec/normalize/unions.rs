//! Passes that turn `anyOf`/`oneOf` unions into shapes progenitor and typify
//! both accept *and* decode correctly at runtime.
//!
//! typify renders an `anyOf` as a struct of flattened `Option`s, which
//! compiles but cannot decode `[]` (anyOf of arrays), cannot serialize a plain
//! string (anyOf of strings), and silently fills the wrong fields (anyOf of
//! object refs). These passes rewrite every `anyOf` before typify sees it.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

/// `anyOf: [X, {type: null}]` (1,378 sites) becomes `X` with
/// `nullable: true`; a `$ref` X becomes `allOf: [{$ref}]` so the flag is
/// kept. progenitor panics on 3.1's `type: null`.
pub fn null_unions(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let mut n = 0;
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = s.get(key) else {
                continue;
            };
            if !members.iter().any(is_null) {
                continue;
            }
            let rest: Vec<Value> = members.iter().filter(|m| !is_null(m)).cloned().collect();
            s.remove(key);
            s.insert("nullable".into(), Value::Bool(true));
            match rest.len() {
                0 => {}
                1 => inline_member(s, rest.into_iter().next().unwrap_or_default()),
                _ => {
                    s.insert(key.into(), Value::Array(rest));
                }
            }
            n += 1;
        }
        Ok(n)
    })
}

/// A nullable union or object that is a whole component (OpenAI's
/// `ModelIdsCompaction: anyOf: [ModelIdsResponses, string, null]`) makes
/// typify emit two types of the component's name: the `Option` wrapper and
/// the type inside it. The inner schema moves to a component of its own,
/// `{Name}Value`, which the component refers to, nullable.
pub fn nullable_union_roots(doc: &mut Value, ctx: &Context) -> Result<usize> {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(0);
    };
    let mut moved = Vec::new();
    let mut values = BTreeMap::new();
    for (name, schema) in schemas.iter() {
        let Some(s) = schema.as_object() else {
            continue;
        };
        // An `allOf` of several parts is wrapped by typify the same way
        // (Plaid's `ScopesNullable`: a `$ref` and an open object).
        let union = ["anyOf", "oneOf", "allOf"].into_iter().any(|k| {
            s.get(k)
                .and_then(Value::as_array)
                .is_some_and(|m| m.len() > 1)
        });
        let object = s.get("type") == Some(&json!("object")) && s.contains_key("properties");
        if (union || object) && s.get("nullable") == Some(&Value::Bool(true)) {
            moved.push(name.clone());
        }
    }
    for name in &moved {
        // A free name, as a component key and as a Rust type name (the
        // components keep their spec names until `component_names`, and
        // `PayFrequencyValue_` would still become the Rust type
        // `PayFrequencyValue`, which Plaid already has).
        let taken =
            |n: &str| schemas.contains_key(n) || ctx.type_names.values().any(|rust| rust == n);
        let base = format!("{name}Value");
        let value_name = std::iter::once(base.clone())
            .chain((2..).map(|i| format!("{base}{i}")))
            .find(|n| !taken(n))
            .expect("some number is free");
        let Some(Value::Object(mut union)) = schemas.remove(name) else {
            continue;
        };
        union.remove("nullable");
        let mut wrapper = Map::new();
        for keep in ["description", "title", "deprecated"] {
            if let Some(v) = union.get(keep) {
                wrapper.insert(keep.into(), v.clone());
            }
        }
        wrapper.insert(
            "allOf".into(),
            json!([{"$ref": format!("#/components/schemas/{value_name}")}]),
        );
        wrapper.insert("nullable".into(), Value::Bool(true));
        schemas.insert(value_name.clone(), Value::Object(union));
        schemas.insert(name.clone(), Value::Object(wrapper));
        values.insert(format!("#/components/schemas/{name}"), value_name);
    }
    if !values.is_empty() {
        for_each_schema(doc, &mut |s, _| Ok(non_null_parts(s, &values)))?;
    }
    Ok(moved.len())
}

/// In an `allOf` with a part that is not a moved component, each reference
/// to a moved component points at its `{Name}Value`: the intersection with
/// a non-null part excludes null, and typify found the nullable wrapper
/// and an object part incompatible (Plaid's `ExternalPaymentScheduleRequest`
/// became an enum with no variants).
fn non_null_parts(s: &mut Map<String, Value>, values: &BTreeMap<String, String>) -> usize {
    let Some(Value::Array(parts)) = s.get_mut("allOf") else {
        return 0;
    };
    let moved = |p: &Value| {
        p.get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| values.contains_key(r))
    };
    if parts.len() < 2 || parts.iter().all(moved) {
        return 0;
    }
    let mut changed = 0;
    for part in parts.iter_mut() {
        let Some(Value::String(r)) = part.get_mut("$ref") else {
            continue;
        };
        if let Some(value) = values.get(r.as_str()) {
            *r = format!("#/components/schemas/{value}");
            changed += 1;
        }
    }
    changed
}

/// `anyOf` whose members are all plain scalars of one type (for example
/// `const "0" | hashid string`, the `user_id` query parameter) becomes that
/// one type, so it serializes as a plain string. Constraints that only one
/// member carried (a pattern, a one-value enum) are dropped, since the union
/// accepts values outside them.
pub fn scalar_unions(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let Some(Value::Array(members)) = s.get("anyOf") else {
            return Ok(0);
        };
        let Some(ty) = common_scalar_type(members).map(str::to_owned) else {
            return Ok(0);
        };
        let enums: Option<Vec<Value>> = members
            .iter()
            .map(|m| m.get("enum").and_then(Value::as_array).cloned())
            .collect::<Option<Vec<_>>>()
            .map(|lists| {
                let mut all: Vec<Value> = lists.into_iter().flatten().collect();
                all.dedup();
                all
            });
        s.remove("anyOf");
        s.insert("type".into(), ty.into());
        if let Some(values) = enums {
            s.insert("enum".into(), Value::Array(values));
        }
        Ok(1)
    })
}

/// `anyOf` of arrays (the CVM list endpoints: `HostedCvm[] | CVMInfo[]`)
/// becomes one array whose items are the union of the item shapes, ordered
/// like [`object_unions`]. It decodes `[]` and either list.
pub fn array_unions(doc: &mut Value, ctx: &Context) -> Result<usize> {
    let facts = component_facts(doc);
    for_each_schema(doc, &mut |s, _| {
        let Some(Value::Array(members)) = s.get("anyOf") else {
            return Ok(0);
        };
        if members.len() < 2
            || !members
                .iter()
                .all(|m| m.get("type") == Some(&json!("array")))
        {
            return Ok(0);
        }
        let items: Vec<Value> = members
            .iter()
            .map(|m| m.get("items").cloned().unwrap_or_else(|| json!({})))
            .collect();
        s.remove("anyOf");
        s.insert("type".into(), "array".into());
        let mut item = Map::new();
        set_union(&mut item, items, ctx, &facts);
        s.insert("items".into(), Value::Object(item));
        Ok(1)
    })
}

/// Every remaining `anyOf` of two or more shapes (the version-dependent
/// responses such as `CvmBasicInfo | CVMInfoDetail`, or `number | string`)
/// becomes a `oneOf`, which typify renders as an untagged enum. An untagged
/// enum takes the first variant that decodes, so the order is chosen, not
/// inherited:
/// 1. models of the configured default API version, then older versioned
///    models newest first, then unversioned models, then models of newer
///    versions (a model's version comes from its name, else from the models
///    its properties reference);
/// 2. within that, the model with more required properties first, so a rich
///    body is not swallowed by a looser model;
/// 3. then the spec's order. Duplicate members are removed.
pub fn object_unions(doc: &mut Value, ctx: &Context) -> Result<usize> {
    let facts = component_facts(doc);
    for_each_schema(doc, &mut |s, _| {
        let Some(Value::Array(members)) = s.remove("anyOf") else {
            return Ok(0);
        };
        set_union(s, members, ctx, &facts);
        Ok(1)
    })
}

/// Writes `members` into `s` as an ordered, deduplicated `oneOf`, or as the
/// single member when only one is left.
fn set_union(
    s: &mut Map<String, Value>,
    mut members: Vec<Value>,
    ctx: &Context,
    facts: &BTreeMap<String, Facts>,
) {
    let mut unique: Vec<Value> = Vec::new();
    for m in members.drain(..) {
        if !unique.contains(&m) {
            unique.push(m);
        }
    }
    if unique.len() == 1 {
        inline_member(s, unique.pop().unwrap_or_default());
        return;
    }
    let default: u64 = ctx
        .default_version
        .replace('-', "")
        .parse()
        .unwrap_or(u64::MAX);
    let mut keyed: Vec<((u8, u64, usize), usize, Value)> = unique
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let fact = ref_name(&m).and_then(|n| facts.get(n)).copied();
            let version = match fact.and_then(|f| f.version) {
                Some(v) if v <= default => (0, default - v),
                None => (1, 0),
                Some(v) => (2, v - default),
            };
            let req = match fact {
                Some(f) => f.required,
                None => m
                    .get("required")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
            };
            ((version.0, version.1, usize::MAX - req), i, m)
        })
        .collect();
    keyed.sort_by_key(|k| (k.0, k.1));
    s.insert(
        "oneOf".into(),
        Value::Array(keyed.into_iter().map(|(_, _, m)| m).collect()),
    );
}

/// Merges a lone union member into its parent schema.
fn inline_member(s: &mut Map<String, Value>, member: Value) {
    match member {
        Value::Object(m) if m.contains_key("$ref") => {
            s.insert("allOf".into(), json!([Value::Object(m)]));
        }
        Value::Object(m) => {
            for (k, v) in m {
                if k == "title" || k == "description" {
                    s.entry(k).or_insert(v);
                } else {
                    s.insert(k, v);
                }
            }
        }
        _ => {}
    }
}

fn is_null(v: &Value) -> bool {
    v.get("type") == Some(&json!("null"))
}

fn common_scalar_type(members: &[Value]) -> Option<&str> {
    let mut ty = None;
    for m in members {
        if m.get("$ref").is_some() || m.get("anyOf").is_some() || m.get("oneOf").is_some() {
            return None;
        }
        let t = m.get("type").and_then(Value::as_str)?;
        if !matches!(t, "string" | "integer" | "number" | "boolean") || ty.is_some_and(|x| x != t) {
            return None;
        }
        ty = Some(t);
    }
    ty
}

fn ref_name(m: &Value) -> Option<&str> {
    m.get("$ref")?.as_str()?.rsplit('/').next()
}

/// A component's `x-api-version: yyyy-mm-dd`, which an overlay sets on a
/// model whose name does not carry its version: the first API version
/// that sends this shape.
fn declared_version(schema: &Value) -> Option<u64> {
    let date = schema.get("x-api-version")?.as_str()?;
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 8).then(|| digits.parse().ok()).flatten()
}

/// The `yyyymmdd` in a name like `..._v20260121_...` or `FooV20260121`.
fn version_number(name: &str) -> Option<u64> {
    let bytes = name.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let digits = bytes.get(i + 1..i + 9)?;
        let boundary = bytes.get(i + 9).is_none_or(|b| !b.is_ascii_digit());
        (matches!(bytes[i], b'v' | b'V') && digits.iter().all(u8::is_ascii_digit) && boundary)
            .then(|| std::str::from_utf8(digits).ok()?.parse().ok())
            .flatten()
    })
}

/// The API version of every component whose version is known (see
/// [`Facts::version`]), as `yyyy-mm-dd`, keyed by the Rust type name it
/// gets (`renames`: original name -> Rust name, for the names that change).
/// Read from the document before it is normalized, while the original
/// names still carry their versions.
pub fn model_versions(doc: &Value, renames: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    component_facts(doc)
        .into_iter()
        .filter_map(|(name, facts)| {
            let v = format!("{:08}", facts.version?);
            let date = format!("{}-{}-{}", &v[..4], &v[4..6], &v[6..]);
            let rust = renames.get(&name).cloned().unwrap_or(name);
            Some((rust, date))
        })
        .collect()
}

/// What the ordering of a union needs to know about each component.
#[derive(Debug, Clone, Copy, Default)]
struct Facts {
    required: usize,
    /// The API version the model belongs to: its `x-api-version`, else
    /// from its own name, else from the models its properties reference
    /// (`PaginatedCvmInfos.items` -> `..._v20260121_..._CVMInfo`).
    version: Option<u64>,
}

fn component_facts(doc: &Value) -> BTreeMap<String, Facts> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, s)| {
            let required = s
                .get("required")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let version = declared_version(s)
                .or_else(|| version_number(name))
                .or_else(|| {
                    let props = s.get("properties").and_then(Value::as_object)?;
                    props.values().find_map(|p| {
                        let mut refs = Vec::new();
                        collect_refs(p, &mut refs);
                        refs.into_iter().find_map(version_number)
                    })
                });
            (name.clone(), Facts { required, version })
        })
        .collect()
}

/// Every `$ref` string inside `v`, in document order.
pub(crate) fn collect_refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            m.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(items) => items.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{one_schema, run, run_doc};
    use super::*;

    #[test]
    fn nullable_ref_keeps_the_ref() {
        let (out, n) = run(
            null_unions,
            json!({"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}], "description": "d"}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true, "description": "d"})
        );
    }

    #[test]
    fn nullable_scalar_is_inlined() {
        let (out, _) = run(
            null_unions,
            json!({"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "T"}),
        );
        assert_eq!(
            one_schema(&out),
            &json!({"type": "integer", "nullable": true, "title": "T"})
        );
    }

    #[test]
    fn string_union_becomes_plain_string() {
        let (out, n) = run(
            scalar_unions,
            json!({"anyOf": [{"type": "string", "enum": ["0"]}, {"type": "string", "pattern": "^usr_.+"}]}),
        );
        assert_eq!(n, 1);
        assert_eq!(one_schema(&out), &json!({"type": "string"}));
    }

    #[test]
    fn array_union_becomes_array_of_union() {
        let (out, n) = run(
            array_unions,
            json!({"anyOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
                {"type": "array", "items": {"$ref": "#/components/schemas/B"}}]}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&out),
            &json!({"type": "array", "items": {"oneOf": [
                {"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}})
        );
    }

    #[test]
    fn object_union_is_ordered_by_version_then_required_count() {
        let doc = json!({"components": {"schemas": {
            "Old_v20251028_Full": {"required": ["a", "b", "c"]},
            "New_v20260121_Full": {"required": ["a"]},
            "Minimal": {"required": []},
            "Rich": {"required": ["a", "b"]},
            "Page": {"required": ["items"], "properties": {"items": {"type": "array",
                "items": {"$ref": "#/components/schemas/New_v20260121_Full"}}}},
            "U": {"anyOf": [
                {"$ref": "#/components/schemas/Old_v20251028_Full"},
                {"$ref": "#/components/schemas/Minimal"},
                {"$ref": "#/components/schemas/New_v20260121_Full"},
                {"$ref": "#/components/schemas/Minimal"},
                {"$ref": "#/components/schemas/Rich"},
                {"$ref": "#/components/schemas/Page"}]}}}});
        let (out, n) = run_doc(object_unions, doc);
        assert_eq!(n, 1);
        let order: Vec<&str> = out["components"]["schemas"]["U"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["$ref"].as_str().unwrap().rsplit('/').next().unwrap())
            .collect();
        assert_eq!(
            order,
            [
                "New_v20260121_Full",
                "Page",
                "Old_v20251028_Full",
                "Rich",
                "Minimal"
            ]
        );
    }

    #[test]
    fn version_numbers_are_found() {
        assert_eq!(
            version_number("teehouse__v20260121__schemas__X"),
            Some(20260121)
        );
        assert_eq!(version_number("CvmInfoV20251028"), Some(20251028));
        assert_eq!(version_number("Version"), None);
        assert_eq!(
            declared_version(&json!({"x-api-version": "2025-10-28"})),
            Some(20251028)
        );
        assert_eq!(declared_version(&json!({"x-api-version": "soon"})), None);
    }

    #[test]
    fn a_nullable_union_component_moves_its_union_out() {
        let union = json!({"description": "A model id.", "nullable": true,
            "anyOf": [{"$ref": "#/components/schemas/Ids"}, {"type": "string"}]});
        let object =
            json!({"type": "object", "nullable": true, "properties": {"x": {"type": "string"}}});
        let doc = json!({"components": {"schemas": {"S": union, "O": object, "Ids": {"type": "string"}}}});
        let (out, n) = run_doc(nullable_union_roots, doc);
        assert_eq!(n, 2);
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["S"],
            json!({"description": "A model id.", "nullable": true,
                "allOf": [{"$ref": "#/components/schemas/SValue"}]})
        );
        assert_eq!(
            schemas["SValue"],
            json!({"description": "A model id.",
                "anyOf": [{"$ref": "#/components/schemas/Ids"}, {"type": "string"}]})
        );
        assert_eq!(
            schemas["OValue"]["properties"]["x"],
            json!({"type": "string"})
        );
        assert_eq!(schemas["Ids"], json!({"type": "string"}));
    }

    #[test]
    fn an_all_of_with_a_non_null_part_refers_to_the_moved_value() {
        let base =
            json!({"type": "object", "nullable": true, "properties": {"x": {"type": "string"}}});
        let base_ref = json!({"$ref": "#/components/schemas/Base"});
        let doc = json!({"components": {"schemas": {
            "Base": base,
            "Req": {"allOf": [base_ref.clone(), {"type": "object"}], "required": ["x"]},
            "Alias": {"allOf": [base_ref.clone()]}
        }}});
        let (out, _) = run_doc(nullable_union_roots, doc);
        let schemas = &out["components"]["schemas"];
        assert_eq!(
            schemas["Req"]["allOf"],
            json!([{"$ref": "#/components/schemas/BaseValue"}, {"type": "object"}])
        );
        // One part only: the reference keeps the nullable wrapper.
        assert_eq!(schemas["Alias"]["allOf"], json!([base_ref]));
    }
}
