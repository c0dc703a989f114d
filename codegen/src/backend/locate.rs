//! progenitor and typify report some problems for the document as a whole
//! ("type error value does not conform to the given schema", or a panic
//! such as "not yet implemented: invalid type: frob"), not where they are.
//! When a run fails, this finds where: the operations are halved, and each
//! failing half halved again, until every operation that fails on its own
//! is found; if the component schemas fail with no operation at all, they
//! are halved instead (the others replaced by the empty schema, so
//! references still resolve). Only a failed run pays for this, about two
//! progenitor runs per halving step of each culprit.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::ir::{Api, Body, Operation};
use crate::spec::document;
use crate::spec::document::escape;

/// The errors for a progenitor failure with `message` on `view` (the
/// document as progenitor was given it), each located where possible: every
/// operation, or else every component schema, that fails on its own, so
/// one run names them all and the next try can leave them all out.
pub fn progenitor_error(
    view: &Value,
    api: &Api,
    message: String,
    fails: &dyn Fn(&Value) -> Option<String>,
) -> Error {
    let failed = |candidate: &Value| fails(candidate).is_some();
    let ops: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|o| !matches!(o.body, Some(Body::Multipart { .. })))
        .collect();
    let without_ops = only_operations(view, &[]);
    if !failed(&without_ops) {
        // Each run keeps only the components its operations reach: the
        // components alone are known to pass, and typify's time grows with
        // the schemas it is given.
        let found = culprits(&ops, |keep| failed(&reachable(only_operations(view, keep))));
        let mut errors: Vec<Error> = found
            .alone
            .iter()
            .map(|op| {
                // Several operations may fail; each gets its own message.
                let own = fails(&reachable(only_operations(view, &[op])))
                    .unwrap_or_else(|| message.clone());
                Error::Unsupported {
                    operation: op.operation_id.clone(),
                    pointer: op.pointer(),
                    message: summary(&own),
                }
            })
            .collect();
        if found.together || errors.is_empty() {
            errors.push(Error::Progenitor(format!(
                "{} (no single operation fails on its own)",
                summary(&message)
            )));
        }
        return Error::from_list(errors);
    }
    let names: Vec<&String> = view
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    let found = culprits(&names, |keep| failed(&only_components(&without_ops, keep)));
    let mut errors: Vec<Error> = found
        .alone
        .iter()
        .map(|name| {
            let own =
                fails(&only_components(&without_ops, &[name])).unwrap_or_else(|| message.clone());
            Error::Schema {
                pointer: format!("#/components/schemas/{}", escape(name)),
                message: summary(&own),
            }
        })
        .collect();
    if found.together || errors.is_empty() {
        errors.push(Error::Progenitor(summary(&message)));
    }
    Error::from_list(errors)
}

/// typify appends a multi-line dump of its type entry; the first two lines
/// say what is wrong and with which value.
fn summary(message: &str) -> String {
    let lines: Vec<&str> = message.lines().take(2).map(str::trim).collect();
    format!("progenitor/typify: {}", lines.join("; "))
}

/// What [`culprits`] found.
struct Culprits<'a, T: ?Sized> {
    /// The items that fail on their own, in their order in the input.
    alone: Vec<&'a T>,
    /// Whether some failure needs several items together.
    together: bool,
}

/// Every item of `items` (a set that fails) that makes `fails` true on its
/// own, found by halving each failing part: about two runs per halving
/// step of each culprit, each run over the part it tests, so a spec with
/// many bad schemas is located in one pass rather than one run of the
/// pipeline per schema.
fn culprits<'a, T: ?Sized>(items: &[&'a T], fails: impl Fn(&[&'a T]) -> bool) -> Culprits<'a, T> {
    let mut found = Culprits {
        alone: Vec::new(),
        together: false,
    };
    let mut parts = vec![items.to_vec()];
    while let Some(part) = parts.pop() {
        if let [one] = part.as_slice() {
            found.alone.push(*one);
            continue;
        }
        if part.is_empty() {
            continue;
        }
        let (a, b) = part.split_at(part.len() / 2);
        let (a_fails, b_fails) = (fails(a), fails(b));
        if !a_fails && !b_fails {
            found.together = true;
        }
        // The second half goes on the stack first, so parts are finished
        // in input order.
        for (half, failing) in [(b, b_fails), (a, a_fails)] {
            if failing {
                parts.push(half.to_vec());
            }
        }
    }
    found
}

/// `view` with only the operations in `keep`.
fn only_operations(view: &Value, keep: &[&Operation]) -> Value {
    let mut out = view.clone();
    if let Some(paths) = out.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for method in document::methods() {
                let kept = keep
                    .iter()
                    .any(|o| *o.path == **path && o.http_method.eq_ignore_ascii_case(method));
                if !kept {
                    item.remove(*method);
                }
            }
        }
    }
    out
}

/// `doc` without the component schemas its paths do not reach.
fn reachable(mut doc: Value) -> Value {
    let prefix = "#/components/schemas/";
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = Vec::new();
    references(doc.get("paths").unwrap_or(&Value::Null), &mut queue);
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    while let Some(reference) = queue.pop() {
        let Some(name) = reference.strip_prefix(prefix) else {
            continue;
        };
        let name = document::unescape(name);
        if let Some(schema) = schemas.and_then(|m| m.get(&name)) {
            if seen.insert(name) {
                references(schema, &mut queue);
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|name, _| seen.contains(name));
    }
    doc
}

/// Every `$ref` string in `value`, onto `out`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// `view` with every component schema not in `keep` replaced by `{}`.
fn only_components(view: &Value, keep: &[&String]) -> Value {
    let mut out = view.clone();
    if let Some(schemas) = out
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let keep: std::collections::BTreeSet<&String> = keep.iter().copied().collect();
        for (name, schema) in schemas.iter_mut() {
            if !keep.contains(name) {
                *schema = Value::Object(Map::new());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn every_item_that_fails_alone_is_found_in_one_pass() {
        let items: Vec<&u32> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].iter().collect();
        let bad = [3, 4, 10];
        let runs = Cell::new(0);
        let found = culprits(&items, |part| {
            runs.set(runs.get() + 1);
            part.iter().any(|i| bad.contains(*i))
        });
        assert_eq!(found.alone, vec![&3, &4, &10]);
        assert!(!found.together);
        assert!(runs.get() <= 2 * 3 * 4, "{} runs", runs.get());
    }

    #[test]
    fn a_failure_of_two_items_together_is_said() {
        let items: Vec<&u32> = [1, 2, 3, 4].iter().collect();
        let found = culprits(&items, |part| part.contains(&&2) && part.contains(&&3));
        assert!(found.alone.is_empty());
        assert!(found.together);
    }
}
