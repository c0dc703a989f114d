//! Stage 3 noun: what the spec says about each model's fields (required,
//! nullable, default, format, bounds, example), read from the normalized
//! document so the emitters can put it in the docs and decide which fields
//! a request sends. Keyed by the Rust type name typify gives the schema.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::Value;

/// Rust type name -> its fields by wire name.
pub type ModelFacts = BTreeMap<String, BTreeMap<String, FieldFacts>>;

/// One property of an object schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFacts {
    pub required: bool,
    pub nullable: bool,
    /// The type in words: `string`, `integer (int64)`, `list of PortMapping`.
    pub shape: String,
    /// The spec's `format` (`date-time`, `uuid`, `int64`).
    pub format: Option<String>,
    /// The spec's `default`, as JSON text.
    pub default: Option<String>,
    /// The spec's `example`, as JSON text.
    pub example: Option<String>,
    /// Bounds in words: `minimum 1`, `at most 63 characters`, `pattern ^a$`.
    pub bounds: Vec<String>,
}

/// The facts of every object schema typify makes a struct of: each
/// component, and each object nested in a component's property (typify
/// names those `{Parent}{Property}`).
pub fn collect(doc: &Value) -> ModelFacts {
    let mut out = ModelFacts::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            object(name, schema, &mut out);
        }
    }
    out
}

fn object(name: &str, schema: &Value, out: &mut ModelFacts) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut fields = BTreeMap::new();
    for (wire, prop) in props {
        let inner = unwrap_all_of(prop);
        if inner.get("properties").is_some() {
            object(&format!("{name}{}", wire.to_upper_camel_case()), inner, out);
        }
        fields.insert(
            wire.clone(),
            FieldFacts {
                required: required.contains(&wire.as_str()),
                nullable: prop.get("nullable") == Some(&Value::Bool(true))
                    || inner.get("nullable") == Some(&Value::Bool(true)),
                shape: shape(prop),
                format: inner
                    .get("format")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                default: prop.get("default").map(Value::to_string),
                example: prop
                    .get("example")
                    .or_else(|| inner.get("example"))
                    .map(Value::to_string),
                bounds: bounds(inner),
            },
        );
    }
    out.insert(name.to_owned(), fields);
}

/// `allOf: [{$ref}]` (how a nullable or described reference is written in
/// 3.0) is the reference itself.
fn unwrap_all_of(schema: &Value) -> &Value {
    match schema.get("allOf").and_then(Value::as_array) {
        Some(parts) if parts.len() == 1 => &parts[0],
        _ => schema,
    }
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
}

/// The schema's type in a few words.
fn shape(schema: &Value) -> String {
    let schema = unwrap_all_of(schema);
    if let Some(name) = ref_name(schema) {
        return format!("`{name}`");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| format!("`{v}`"))
            .collect();
        return format!("one of {}", values.join(", "));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_array) {
            let words: Vec<String> = members.iter().map(shape).collect();
            return words.join(" or ");
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let base = match ty {
        Some("array") => {
            let items = schema.get("items").map_or_else(|| "values".into(), shape);
            match items.as_str() {
                "string" | "integer" | "number" | "boolean" => format!("list of {items}s"),
                _ => format!("list of {items}"),
            }
        }
        Some("object") | None if schema.get("properties").is_some() => "object".into(),
        Some("object") => match schema.get("additionalProperties") {
            Some(Value::Object(v)) if !v.is_empty() => {
                format!("map of string to {}", shape(&Value::Object(v.clone())))
            }
            _ => "JSON object".into(),
        },
        Some(other) => other.to_owned(),
        None => "any JSON value".into(),
    };
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{base} ({format})"),
        None => base,
    }
}

fn bounds(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    // `1.0` reads as `1`: the normalizer may have turned integers into floats.
    let number = |key: &str| {
        let v = schema.get(key)?;
        match (v.as_i64(), v.as_f64()) {
            (Some(i), _) => Some(i.to_string()),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", f as i64)),
            (None, Some(f)) => Some(f.to_string()),
            _ => None,
        }
    };
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    if let Some(min) = number("minimum") {
        let word = if exclusive("exclusiveMinimum") {
            "greater than"
        } else {
            "minimum"
        };
        out.push(format!("{word} {min}"));
    }
    if let Some(max) = number("maximum") {
        let word = if exclusive("exclusiveMaximum") {
            "less than"
        } else {
            "maximum"
        };
        out.push(format!("{word} {max}"));
    }
    let pair = |lo: &str, hi: &str, unit: &str| match (number(lo), number(hi)) {
        (Some(a), Some(b)) => Some(format!("{a} to {b} {unit}")),
        (Some(a), None) => Some(format!("at least {a} {unit}")),
        (None, Some(b)) => Some(format!("at most {b} {unit}")),
        (None, None) => None,
    };
    out.extend(pair("minLength", "maxLength", "characters"));
    out.extend(pair("minItems", "maxItems", "items"));
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        out.push(format!("pattern `{pattern}`"));
    }
    out
}

/// What a field's Rust type already tells a reader, so its docs need not.
pub struct RustType {
    /// The type is an `Option`: the field may be absent or null.
    pub option: bool,
    /// The innermost type's name, past `Option`, `Vec` and `Box`:
    /// `String`, `DateTime`, `i64`, `KmsType`.
    pub inner: String,
}

impl RustType {
    /// Whether the type carries the spec's `format`, as typify maps the
    /// formats it knows (`date-time` to `DateTime`, `int64` to `i64`).
    fn says(&self, format: &str) -> bool {
        let ty = match format {
            "date-time" => "DateTime",
            "date" => "NaiveDate",
            "uuid" => "Uuid",
            "ip" => "IpAddr",
            "ipv4" => "Ipv4Addr",
            "ipv6" => "Ipv6Addr",
            "int8" => "i8",
            "int16" => "i16",
            "int32" => "i32",
            "int64" => "i64",
            "uint8" => "u8",
            "uint16" => "u16",
            "uint32" => "u32",
            "uint64" => "u64",
            "float" => "f32",
            "double" => "f64",
            _ => return false,
        };
        self.inner == ty
    }
}

impl FieldFacts {
    /// The doc lines for a field of Rust type `ty`: a type sentence when it
    /// has no docs yet (`documented`) and the sentence says more than `ty`
    /// does, then the facts; `request` adds what an unset optional field
    /// means on the wire.
    pub fn doc(&self, documented: bool, request: bool, ty: &RustType) -> Vec<String> {
        let mut lines = Vec::new();
        let sentence = !documented && !self.restates(ty);
        if sentence {
            let nullable = if self.nullable { ", or null" } else { "" };
            let presence = if self.required {
                "required"
            } else {
                "optional"
            };
            lines.push(format!(
                "{}{nullable}; {presence}.",
                capitalize(&self.shape)
            ));
        }
        let mut facts = Vec::new();
        match &self.format {
            // The type sentence names the format already.
            Some(format) if !sentence && !ty.says(format) => {
                facts.push(format!("Format: `{format}`."));
            }
            _ => {}
        }
        if let Some(default) = &self.default {
            facts.push(format!("Default: `{default}`."));
        }
        if !self.bounds.is_empty() {
            facts.push(format!("Bounds: {}.", self.bounds.join(", ")));
        }
        if let Some(example) = &self.example {
            facts.push(format!("Example: `{example}`."));
        }
        if request && !self.required {
            facts.push(match &self.default {
                Some(_) => "Not sent when unset, so the server's default applies.".into(),
                None => "Not sent when unset.".into(),
            });
        }
        if !facts.is_empty() {
            lines.push(facts.join(" "));
        }
        lines
    }

    /// Whether the type sentence would say only what `ty` and the facts
    /// say: a required non-null field that is not an `Option`, or an
    /// optional one that is (or whose default the facts name), of the type
    /// `ty` names (its format aside, which goes with the facts). A required
    /// field that may be null, an optional one that is empty when absent,
    /// or a string limited to a few values is a fact the type does not show.
    fn restates(&self, ty: &RustType) -> bool {
        let presence = if self.required {
            !self.nullable && !ty.option
        } else {
            ty.option || self.default.is_some()
        };
        let values = self.shape.starts_with("one of") && ty.inner == "String";
        presence && !values
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Inclusive integer bounds of a parameter schema, when it is an integer.
pub fn integer_range(schema: &Value) -> Option<(Option<i64>, Option<i64>)> {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return None;
    }
    // A fractional bound rounds inward: `minimum: 0.5` allows 1 and up.
    let bound = |key: &str, exclusive_key: &str, step: i64| {
        let value = schema.get(key)?;
        let value = value.as_i64().or_else(|| {
            value
                .as_f64()
                .map(|f| if step > 0 { f.ceil() } else { f.floor() } as i64)
        })?;
        let exclusive = schema.get(exclusive_key) == Some(&Value::Bool(true));
        Some(if exclusive {
            value.saturating_add(step)
        } else {
            value
        })
    };
    Some((
        bound("minimum", "exclusiveMinimum", 1),
        bound("maximum", "exclusiveMaximum", -1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts_of(schema: Value) -> BTreeMap<String, FieldFacts> {
        let doc = json!({"components": {"schemas": {"M": schema}}});
        collect(&doc).remove("M").expect("M has facts")
    }

    fn ty(option: bool, inner: &str) -> RustType {
        RustType {
            option,
            inner: inner.to_owned(),
        }
    }

    #[test]
    fn an_undocumented_field_gets_its_facts_and_what_unset_means() {
        let f = facts_of(json!({
            "type": "object",
            "required": ["name", "mail"],
            "properties": {
                "name": {"type": "string", "minLength": 5, "maxLength": 63, "example": "my-app"},
                "listed": {"type": "boolean", "default": true},
                "created": {"type": "string", "format": "date-time", "nullable": true},
                "mail": {"type": "string", "format": "email"}
            }
        }));
        assert_eq!(
            f["name"].doc(false, true, &ty(false, "String")),
            ["Bounds: 5 to 63 characters. Example: `\"my-app\"`."]
        );
        assert_eq!(
            f["listed"].doc(false, true, &ty(true, "bool")),
            ["Default: `true`. Not sent when unset, so the server's default applies."]
        );
        // `Option<DateTime<Utc>>` says all the spec does.
        assert!(f["created"]
            .doc(false, false, &ty(true, "DateTime"))
            .is_empty());
        assert_eq!(
            f["created"].doc(true, false, &ty(true, "String")),
            ["Format: `date-time`."]
        );
        assert_eq!(
            f["mail"].doc(false, false, &ty(false, "String")),
            ["Format: `email`."]
        );
    }

    #[test]
    fn the_type_sentence_stays_where_it_says_more_than_the_type() {
        let f = facts_of(json!({
            "type": "object",
            "required": ["note", "kind"],
            "properties": {
                "ports": {"type": "array", "items": {"$ref": "#/components/schemas/Port"}},
                "note": {"type": "string", "nullable": true},
                "kind": {"type": "string", "enum": ["a", "b"]}
            }
        }));
        // Optional, yet not an `Option`: absent, it decodes as empty.
        assert_eq!(
            f["ports"].doc(false, false, &ty(false, "Port")),
            ["List of `Port`; optional."]
        );
        // Always present, maybe null.
        assert_eq!(
            f["note"].doc(false, false, &ty(true, "String")),
            ["String, or null; required."]
        );
        // A string of a few values; an enum type names them itself.
        assert_eq!(
            f["kind"].doc(false, false, &ty(false, "String")),
            ["One of `\"a\"`, `\"b\"`; required."]
        );
        assert!(f["kind"].doc(false, false, &ty(false, "Kind")).is_empty());
    }

    #[test]
    fn integer_ranges_are_inclusive() {
        let range = |s: Value| integer_range(&s);
        assert_eq!(
            range(json!({"type": "integer", "minimum": 1, "maximum": 100})),
            Some((Some(1), Some(100)))
        );
        assert_eq!(
            range(
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true,
                         "maximum": 10, "exclusiveMaximum": true})
            ),
            Some((Some(1), Some(9)))
        );
        assert_eq!(
            range(json!({"type": "integer", "minimum": 0.5})),
            Some((Some(1), None))
        );
        assert_eq!(range(json!({"type": "string", "minimum": 1})), None);
    }
}
