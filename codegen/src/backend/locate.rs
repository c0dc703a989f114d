//! progenitor and typify report some problems for the document as a whole
//! ("type error value does not conform to the given schema", or a panic
//! such as "not yet implemented: invalid type: frob"), not where they are.
//! When a run fails, this finds where: the operations are halved, and each
//! failing half halved again, until every operation that fails on its own
//! is found; if the component schemas fail with no operation at all, they
//! are halved instead (the others replaced by the empty schema, so
//! references still resolve). Only a failed run pays for this, about two
//! progenitor runs per halving step of each culprit. [`super::cause`] then
//! finds the schemas inside each culprit that fail, and the error names
//! them, their keywords and a fix.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::ir::{Api, Body, Operation};
use crate::spec::document;
use crate::spec::document::escape;

use super::halving::culprits;

/// The errors for a progenitor failure with `message` on `view` (the
/// document as progenitor was given it), each located where possible: every
/// operation, or else every component schema, that fails on its own, so
/// one run names them all and the next try can leave them all out.
/// `readable` turns a pointer into `view` into one into the spec (the
/// view holds stand-ins for some wire names).
pub fn progenitor_error(
    view: &Value,
    api: &Api,
    message: String,
    fails: &dyn Fn(&Value) -> Option<String>,
    readable: &dyn Fn(&str) -> String,
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
                let alone = reachable(only_operations(view, &[op]));
                let own = fails(&alone).unwrap_or_else(|| message.clone());
                let pointer = op.pointer();
                let at = pointer.trim_start_matches('#');
                Error::Unsupported {
                    operation: op.operation_id.clone(),
                    message: explained(&alone, at, &own, &failed, readable),
                    pointer,
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
            let pointer = format!("#/components/schemas/{}", escape(name));
            // The component and what it reaches fail as it does alone
            // among emptied components, and each try of the cause search
            // costs a run over fewer schemas.
            let alone = reached_from(only_components(&without_ops, &[name]), &pointer[1..]);
            let own = fails(&alone).unwrap_or_else(|| message.clone());
            let mut message = explained(&alone, &pointer[1..], &own, &failed, readable);
            message.push_str(&format!(
                ", or pass --skip-unsupported to type `{name}` as any JSON"
            ));
            Error::Schema { pointer, message }
        })
        .collect();
    if found.together || errors.is_empty() {
        errors.push(Error::Progenitor(summary(&message)));
    }
    Error::from_list(errors)
}

/// `message` (the failure of `doc`, cut down to the part at `root`) with
/// the schemas inside `root` that cause it, their keywords, and a fix.
fn explained(
    doc: &Value,
    root: &str,
    message: &str,
    failed: &dyn Fn(&Value) -> bool,
    readable: &dyn Fn(&str) -> String,
) -> String {
    let places: Vec<String> = super::cause::narrow(doc, root, failed)
        .iter()
        .map(|at| {
            let construct = super::cause::construct(doc, at);
            format!("#{} ({construct})", readable(at))
        })
        .collect();
    format!(
        "{}; the schema that fails: {}; to go on, {}",
        summary(message),
        places.join(", "),
        super::cause::fix(message)
    )
}

/// typify appends a multi-line dump of its type entry; the first two lines
/// say what is wrong and with which value.
fn summary(message: &str) -> String {
    let lines: Vec<&str> = message.lines().take(2).map(str::trim).collect();
    format!("progenitor/typify: {}", lines.join("; "))
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
fn reachable(doc: Value) -> Value {
    reached_from(doc, "/paths")
}

/// `doc` without the component schemas that the node at `seed` (a JSON
/// pointer) does not reach; a component at `seed` stays.
fn reached_from(mut doc: Value, seed: &str) -> Value {
    let prefix = "#/components/schemas/";
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = Vec::new();
    document::refs_in(doc.pointer(seed).unwrap_or(&Value::Null), &mut queue);
    if let Some(name) = seed.strip_prefix("/components/schemas/") {
        seen.insert(document::unescape(name));
    }
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
                document::refs_in(schema, &mut queue);
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
