//! Why progenitor or typify failed on an operation or a component, once
//! [`super::locate`] has found which: the smallest schemas inside it that
//! fail, the construct each is, and what the user can do.
//!
//! The search empties schemas (replaces them by `{}`, which every stage
//! accepts) and reruns the failing check: a schema whose content makes the
//! check fail is searched in turn, by halving its children as the locator
//! halves operations, until the failure is in a schema's own keywords.
//! It stops after [`MAX_RUNS`] checks and names the schema it reached.

use std::cell::Cell;

use serde_json::{Map, Value};

use super::halving::culprits;
use crate::spec::document;

/// The checks one search may run: each is a progenitor run over the small
/// document the locator already cut down to the failing part.
const MAX_RUNS: usize = 64;

/// Keys that say nothing a type is built from: left out of a construct's
/// description.
const PROSE: [&str; 9] = [
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
    "xml",
];

/// The smallest schemas under `root` (a JSON pointer into `doc`, without
/// `#`) whose content makes `fails` true, each as a pointer without `#`;
/// `root` itself when the failure is in its own keywords or needs several
/// of its parts together.
pub fn narrow(doc: &Value, root: &str, fails: &dyn Fn(&Value) -> bool) -> Vec<String> {
    let runs = Cell::new(0);
    let mut found = Vec::new();
    narrow_at(
        doc,
        root,
        root.starts_with("/paths/"),
        &runs,
        fails,
        &mut found,
    );
    found
}

fn narrow_at(
    doc: &Value,
    at: &str,
    is_operation: bool,
    runs: &Cell<usize>,
    fails: &dyn Fn(&Value) -> bool,
    found: &mut Vec<String>,
) {
    let children: Vec<String> = doc
        .pointer(at)
        .map(|node| document::child_schemas(node, is_operation))
        .unwrap_or_default()
        .into_iter()
        .map(|child| format!("{at}{child}"))
        .collect();
    let check = |candidate: &Value| {
        runs.set(runs.get() + 1);
        fails(candidate)
    };
    if children.is_empty() || runs.get() >= MAX_RUNS || check(&emptied(doc, &children)) {
        found.push(at.to_owned());
        return;
    }
    let refs: Vec<&String> = children.iter().collect();
    let parts = culprits(&refs, |keep| {
        runs.get() < MAX_RUNS
            && check(&emptied(
                doc,
                refs.iter().copied().filter(|c| !keep.contains(c)),
            ))
    });
    if parts.alone.is_empty() {
        found.push(at.to_owned());
        return;
    }
    for child in parts.alone {
        let alone = emptied(doc, children.iter().filter(|c| *c != child));
        narrow_at(&alone, child, false, runs, fails, found);
    }
}

/// `doc` with the schema at each pointer replaced by `{}`.
fn emptied<'a>(doc: &Value, pointers: impl IntoIterator<Item = &'a String>) -> Value {
    let mut out = doc.clone();
    for pointer in pointers {
        if let Some(node) = out.pointer_mut(pointer) {
            *node = Value::Object(Map::new());
        }
    }
    out
}

/// The keywords a type is built from at `pointer` in `doc`, in backticks:
/// what the user looks for when reading that schema.
pub fn construct(doc: &Value, pointer: &str) -> String {
    let keys: Vec<String> = doc
        .pointer(pointer)
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::keys)
        .filter(|k| !PROSE.contains(&k.as_str()) && !k.starts_with("x-"))
        .map(|k| format!("`{k}`"))
        .collect();
    if keys.is_empty() {
        "no keywords".to_owned()
    } else {
        keys.join(", ")
    }
}

/// What the user can do about a failure that says `message`: a fix for
/// the causes known by their message, else the way around any construct.
pub fn fix(message: &str) -> &'static str {
    const KNOWN: [(&str, &str); 2] = [
        (
            "external references are not supported",
            "bundle the spec into one document, so every `$ref` starts with `#`",
        ),
        (
            "expected struct Schema",
            "write it as an OpenAPI schema object",
        ),
    ];
    KNOWN
        .iter()
        .find(|(cause, _)| message.contains(cause))
        .map_or(
            "rewrite or remove it with an overlay (a directory given as `[inputs] overlays` in a --config file; see docs/specs-and-overlays.md#overlays)",
            |(_, fix)| fix,
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A stand-in check: fails while any schema says `"bad": true`.
    fn has_bad(value: &Value) -> bool {
        match value {
            Value::Object(map) => {
                map.get("bad") == Some(&Value::Bool(true)) || map.values().any(has_bad)
            }
            Value::Array(items) => items.iter().any(has_bad),
            _ => false,
        }
    }

    #[test]
    fn the_deepest_failing_schemas_are_found() {
        let doc = json!({"components": {"schemas": {"S": {"type": "object", "properties": {
            "a": {"type": "string"},
            "b": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"bad": true}]}},
            "c": {"allOf": [{"bad": true, "type": "string"}]},
            "d/e": {"type": "integer"}
        }}}}});
        let found = narrow(&doc, "/components/schemas/S", &has_bad);
        assert_eq!(
            found,
            [
                "/components/schemas/S/properties/b/items/oneOf/1",
                "/components/schemas/S/properties/c/allOf/0"
            ]
        );
        assert_eq!(
            construct(&doc, "/components/schemas/S/properties/c/allOf/0"),
            "`bad`, `type`"
        );
    }

    #[test]
    fn a_failure_in_a_schemas_own_keywords_stops_there() {
        let doc = json!({"paths": {"/x": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"bad": true, "properties": {"a": {}}}}}}}}}}});
        let found = narrow(&doc, "/paths/~1x/get", &has_bad);
        assert_eq!(
            found,
            ["/paths/~1x/get/responses/200/content/application~1json/schema"]
        );
    }

    #[test]
    fn known_causes_get_their_own_fix() {
        assert!(fix("external references are not supported: a.yaml#/X").contains("bundle"));
        assert!(fix("anything else").contains("overlay"));
    }
}
