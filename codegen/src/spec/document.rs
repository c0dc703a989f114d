//! The ground floor every stage may use: reading an OpenAPI document held
//! as `serde_json::Value`, its operations and schemas, and JSON pointers.
//!
//! A generic walk over every JSON object would be wrong: a schema may have a
//! property *named* `const` or `examples`, and those maps must not be treated
//! as schemas. This walk only visits places the OpenAPI spec says hold a
//! schema, children before parents.

use serde_json::{Map, Value};

use crate::error::Result;

/// Where a visited schema sits in the document.
pub struct Site<'a> {
    /// JSON pointer of the schema (`#/components/schemas/Foo/properties/bar`).
    pub pointer: &'a str,
    /// The operationId of the operation the schema belongs to, if any.
    pub operation: Option<&'a str>,
    /// True for `components/schemas/*` and the top schema of a parameter,
    /// body or response; false for schemas nested inside another schema.
    pub is_root: bool,
}

/// A visitor: gets each schema object and returns how many sites it changed.
pub type Visit<'f> = dyn FnMut(&mut Map<String, Value>, &Site<'_>) -> Result<usize> + 'f;

/// Keys whose object maps names to schemas.
const NAMED_SCHEMAS: [&str; 4] = ["properties", "$defs", "definitions", "patternProperties"];
/// Keys whose array holds schemas.
const LISTED_SCHEMAS: [&str; 4] = ["anyOf", "oneOf", "allOf", "prefixItems"];
/// Keys whose value is one schema.
const SINGLE_SCHEMAS: [&str; 3] = ["items", "additionalProperties", "not"];

pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Visits every schema in the document, post-order, and sums the counts.
pub fn for_each_schema(doc: &mut Value, visit: &mut Visit<'_>) -> Result<usize> {
    let mut count = 0;
    let mut ptr = String::from("#");
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            let len = ptr.len();
            push(&mut ptr, "components");
            push(&mut ptr, "schemas");
            push(&mut ptr, name);
            count += walk(schema, &mut ptr, None, true, visit)?;
            ptr.truncate(len);
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(count);
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        push(&mut ptr, "paths");
        push(&mut ptr, path);
        let base = ptr.len();
        if let Some(params) = item.get_mut("parameters") {
            push(&mut ptr, "parameters");
            count += walk_parameters(params, &mut ptr, None, visit)?;
            ptr.truncate(base);
        }
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let op_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let op_id = op_id.as_deref();
            push(&mut ptr, method);
            let op_base = ptr.len();
            if let Some(params) = op.get_mut("parameters") {
                push(&mut ptr, "parameters");
                count += walk_parameters(params, &mut ptr, op_id, visit)?;
                ptr.truncate(op_base);
            }
            if let Some(content) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) {
                push(&mut ptr, "requestBody");
                push(&mut ptr, "content");
                count += walk_content(content, &mut ptr, op_id, visit)?;
                ptr.truncate(op_base);
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for (code, response) in responses.iter_mut() {
                    if let Some(content) = response.get_mut("content") {
                        push(&mut ptr, "responses");
                        push(&mut ptr, code);
                        push(&mut ptr, "content");
                        count += walk_content(content, &mut ptr, op_id, visit)?;
                        ptr.truncate(op_base);
                    }
                }
            }
            ptr.truncate(base);
        }
        ptr.truncate(1);
    }
    Ok(count)
}

fn walk_parameters(
    params: &mut Value,
    ptr: &mut String,
    op: Option<&str>,
    visit: &mut Visit<'_>,
) -> Result<usize> {
    let mut count = 0;
    for (i, param) in params.as_array_mut().into_iter().flatten().enumerate() {
        if let Some(schema) = param.get_mut("schema") {
            let len = ptr.len();
            push(ptr, &i.to_string());
            push(ptr, "schema");
            count += walk(schema, ptr, op, true, visit)?;
            ptr.truncate(len);
        }
    }
    Ok(count)
}

fn walk_content(
    content: &mut Value,
    ptr: &mut String,
    op: Option<&str>,
    visit: &mut Visit<'_>,
) -> Result<usize> {
    let mut count = 0;
    for (media, mt) in content.as_object_mut().into_iter().flatten() {
        if let Some(schema) = mt.get_mut("schema") {
            let len = ptr.len();
            push(ptr, media);
            push(ptr, "schema");
            count += walk(schema, ptr, op, true, visit)?;
            ptr.truncate(len);
        }
    }
    Ok(count)
}

fn walk(
    schema: &mut Value,
    ptr: &mut String,
    op: Option<&str>,
    is_root: bool,
    visit: &mut Visit<'_>,
) -> Result<usize> {
    let Some(obj) = schema.as_object_mut() else {
        return Ok(0);
    };
    let mut count = 0;
    for key in NAMED_SCHEMAS {
        if let Some(map) = obj.get_mut(key).and_then(Value::as_object_mut) {
            for (name, child) in map.iter_mut() {
                let len = ptr.len();
                push(ptr, key);
                push(ptr, name);
                count += walk(child, ptr, op, false, visit)?;
                ptr.truncate(len);
            }
        }
    }
    for key in LISTED_SCHEMAS {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, child) in list.iter_mut().enumerate() {
                let len = ptr.len();
                push(ptr, key);
                push(ptr, &i.to_string());
                count += walk(child, ptr, op, false, visit)?;
                ptr.truncate(len);
            }
        }
    }
    for key in SINGLE_SCHEMAS {
        if let Some(child) = obj.get_mut(key) {
            let len = ptr.len();
            push(ptr, key);
            count += walk(child, ptr, op, false, visit)?;
            ptr.truncate(len);
        }
    }
    let site = Site {
        pointer: ptr,
        operation: op,
        is_root,
    };
    count += visit(obj, &site)?;
    Ok(count)
}

/// The JSON pointers (relative, escaped, each starting with `/`) of the
/// schema objects directly inside `node`: a schema's subschemas, or, for
/// an operation, the schemas of its parameters, body and responses. The
/// same places [`for_each_schema`] walks.
pub fn child_schemas(node: &Value, is_operation: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = |segments: &[&str], child: Option<&Value>| {
        if child.is_some_and(Value::is_object) {
            let mut ptr = String::new();
            segments.iter().for_each(|s| push(&mut ptr, s));
            out.push(ptr);
        }
    };
    if is_operation {
        for (i, param) in node
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            at(
                &["parameters", &i.to_string(), "schema"],
                param.get("schema"),
            );
        }
        let bodies = node
            .get("requestBody")
            .into_iter()
            .map(|b| ("requestBody", None, b));
        let responses = node
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(code, r)| ("responses", Some(code.as_str()), r));
        for (key, code, holder) in bodies.chain(responses) {
            for (media, mt) in holder
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let mut segments = vec![key];
                segments.extend(code);
                segments.extend(["content", media.as_str(), "schema"]);
                at(&segments, mt.get("schema"));
            }
        }
        return out;
    }
    for key in NAMED_SCHEMAS {
        for (name, child) in node
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            at(&[key, name], Some(child));
        }
    }
    for key in LISTED_SCHEMAS {
        for (i, child) in node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            at(&[key, &i.to_string()], Some(child));
        }
    }
    for key in SINGLE_SCHEMAS {
        at(&[key], node.get(key));
    }
    out
}

/// Keys whose values are example data, never a `$ref` to follow.
const EXAMPLES: [&str; 2] = ["example", "examples"];

/// Rewrites every `$ref` string in `value` (outside example data) that
/// `to` maps to a new target; returns how many changed. The one walk the
/// stages that move or rename references share.
pub fn rewrite_refs(value: &mut Value, to: &mut dyn FnMut(&str) -> Option<String>) -> usize {
    match value {
        Value::Object(map) => {
            let mut changed = 0;
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some(new) = to(r).filter(|new| new != r) {
                    *r = new;
                    changed += 1;
                }
            }
            for (key, child) in map.iter_mut() {
                if key != "$ref" && !EXAMPLES.contains(&key.as_str()) {
                    changed += rewrite_refs(child, to);
                }
            }
            changed
        }
        Value::Array(items) => items.iter_mut().map(|v| rewrite_refs(v, to)).sum(),
        _ => 0,
    }
}

/// Every `$ref` string in `value` (outside example data), onto `out`.
pub fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            for (key, child) in map {
                if !EXAMPLES.contains(&key.as_str()) {
                    refs_in(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// Appends one escaped JSON-pointer segment.
fn push(ptr: &mut String, segment: &str) {
    ptr.push('/');
    for c in segment.chars() {
        match c {
            '~' => ptr.push_str("~0"),
            '/' => ptr.push_str("~1"),
            c => ptr.push(c),
        }
    }
}

/// Visits every operation object: `(path, method, operation)`.
pub fn for_each_operation(
    doc: &mut Value,
    mut visit: impl FnMut(&str, &str, &mut Map<String, Value>) -> Result<usize>,
) -> Result<usize> {
    let mut count = 0;
    for (path, item) in doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                count += visit(path, method, op)?;
            }
        }
    }
    Ok(count)
}

/// Every operation of a document, read-only, in document order:
/// `(path, method, path item, operation)`.
pub fn operations(doc: &Value) -> impl Iterator<Item = (&String, &'static str, &Value, &Value)> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |m| item.get(*m).map(|op| (path, *m, item, op)))
        })
}

/// The response objects of an operation, mutable.
pub fn responses_mut(op: &mut Map<String, Value>) -> impl Iterator<Item = &mut Value> {
    op.get_mut("responses")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|r| r.values_mut())
}

/// The HTTP methods an OpenAPI path item may hold, in the spec's order.
pub fn methods() -> &'static [&'static str] {
    &METHODS
}

/// A media type without its parameters, in lower case:
/// `Application/JSON; charset=utf-8` -> `application/json`.
pub fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON: `application/json` or any `+json` type
/// (`application/problem+json`, `application/vnd.foo+json`), with or
/// without parameters.
pub fn is_json(media: &str) -> bool {
    let essence = essence(media);
    essence == "application/json" || (essence.contains('/') && essence.ends_with("+json"))
}

/// Escapes one JSON-pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A JSON-pointer segment as the key it stands for: the reverse of
/// [`escape`].
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_nested_schemas_with_pointers_but_not_property_maps() {
        let mut doc = json!({
            "components": {"schemas": {"A": {"properties": {"const": {"type": "string"}}}}},
            "paths": {"/x": {"get": {"operationId": "op",
                "parameters": [{"name": "q", "in": "query", "schema": {"anyOf": [{"type": "integer"}]}}]}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |_, site| {
            seen.push((
                site.pointer.to_owned(),
                site.operation.map(str::to_owned),
                site.is_root,
            ));
            Ok(0)
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (
                    "#/components/schemas/A/properties/const".into(),
                    None,
                    false
                ),
                ("#/components/schemas/A".into(), None, true),
                (
                    "#/paths/~1x/get/parameters/0/schema/anyOf/0".into(),
                    Some("op".into()),
                    false
                ),
                (
                    "#/paths/~1x/get/parameters/0/schema".into(),
                    Some("op".into()),
                    true
                ),
            ]
        );
    }
}
