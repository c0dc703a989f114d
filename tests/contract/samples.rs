//! Sample values that satisfy a JSON Schema from the (3.1) spec: examples
//! first, then enums, formats and bounds.

use serde_json::{json, Map, Value};

pub fn sample(spec: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = spec
            .pointer(r.trim_start_matches('#'))
            .cloned()
            .unwrap_or(Value::Null);
        return sample(spec, &target, depth + 1);
    }
    if let Some(v) = schema.get("const") {
        return v.clone();
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return first.clone();
    }
    if let Some(v) = schema.get("example") {
        return v.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return first.clone();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_array) {
            let member = members
                .iter()
                .find(|m| m.get("type") != Some(&json!("null")))
                .unwrap_or(&Value::Null);
            return sample(spec, member, depth + 1);
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match sample(spec, part, depth + 1) {
                Value::Object(m) => merged.extend(m),
                other => return other,
            }
        }
        return Value::Object(merged);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => string(schema),
        Some("integer") => json!(bound(schema, 1.0) as i64),
        Some("number") => json!(bound(schema, 1.5)),
        Some("boolean") => json!(true),
        Some("array") => {
            let item = sample(spec, schema.get("items").unwrap_or(&Value::Null), depth + 1);
            json!([item])
        }
        Some("null") => Value::Null,
        _ if schema.get("properties").is_some() => object(spec, schema, depth),
        Some("object") => object(spec, schema, depth),
        _ => json!("sample"),
    }
}

fn object(spec: &Value, schema: &Value, depth: usize) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Map::new();
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if required.contains(&name.as_str()) {
            out.insert(name.clone(), sample(spec, prop, depth + 1));
        }
    }
    Value::Object(out)
}

fn bound(schema: &Value, fallback: f64) -> f64 {
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let mut v = fallback;
    if let Some(min) = num("minimum") {
        v = v.max(min);
    }
    if let Some(min) = num("exclusiveMinimum") {
        v = v.max(min + 1.0);
    }
    if let Some(max) = num("maximum") {
        v = v.min(max);
    }
    if let Some(max) = num("exclusiveMaximum") {
        v = v.min(max - 1.0);
    }
    v
}

fn string(schema: &Value) -> Value {
    let s = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-01-21T10:00:00Z".to_owned(),
        Some("date") => "2026-01-21".to_owned(),
        Some("email") => "user@example.com".to_owned(),
        Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned(),
        Some("uri") | Some("url") => "https://example.com".to_owned(),
        Some("decimal") => "1.5".to_owned(),
        _ => "sample".to_owned(),
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut s = if s.len() < min {
        format!("{s}{}", "x".repeat(min - s.len()))
    } else {
        s
    };
    if let Some(max) = max {
        s.truncate(max.max(1));
    }
    Value::String(s)
}
