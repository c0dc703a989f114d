//! progenitor and typify report some problems for the document as a whole
//! ("type error value does not conform to the given schema", or a panic
//! such as "not yet implemented: invalid type: frob"), not where they are.
//! When a run fails, this finds where: the operations are halved until one
//! fails on its own; if the component schemas fail with no operation at
//! all, they are halved instead (the others replaced by the empty schema,
//! so references still resolve). Only a failed run pays for this, about
//! two progenitor runs per halving.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::ir::{Api, Body, Operation};
use crate::spec::document;
use crate::spec::document::escape;

/// The error for a progenitor failure with `message` on `view` (the
/// document as progenitor was given it), located where possible.
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
        let found = narrow(&ops, |keep| failed(&only_operations(view, keep)));
        if let Some(op) = found {
            // Several operations may fail; the message is this one's own.
            let own = fails(&only_operations(view, &[op])).unwrap_or(message);
            return Error::Unsupported {
                operation: op.operation_id.clone(),
                pointer: op.pointer(),
                message: summary(&own),
            };
        }
        return Error::Progenitor(format!(
            "{} (no single operation fails on its own)",
            summary(&message)
        ));
    }
    let names: Vec<&String> = view
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    match narrow(&names, |keep| failed(&only_components(&without_ops, keep))) {
        Some(name) => {
            let own = fails(&only_components(&without_ops, &[name])).unwrap_or(message);
            Error::Schema {
                pointer: format!("#/components/schemas/{}", escape(name)),
                message: summary(&own),
            }
        }
        None => Error::Progenitor(summary(&message)),
    }
}

/// typify appends a multi-line dump of its type entry; the first two lines
/// say what is wrong and with which value.
fn summary(message: &str) -> String {
    let lines: Vec<&str> = message.lines().take(2).map(str::trim).collect();
    format!("progenitor/typify: {}", lines.join("; "))
}

/// The one item of `items` that makes `fails` true on its own, found by
/// halving; `None` when it takes more than one together.
fn narrow<'a, T: ?Sized>(items: &[&'a T], fails: impl Fn(&[&'a T]) -> bool) -> Option<&'a T> {
    let mut candidates = items.to_vec();
    while candidates.len() > 1 {
        let (a, b) = candidates.split_at(candidates.len() / 2);
        candidates = if fails(a) {
            a.to_vec()
        } else if fails(b) {
            b.to_vec()
        } else {
            return None;
        };
    }
    candidates.first().copied().filter(|one| fails(&[*one]))
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

/// `view` with every component schema not in `keep` replaced by `{}`.
fn only_components(view: &Value, keep: &[&String]) -> Value {
    let mut out = view.clone();
    if let Some(schemas) = out
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if !keep.contains(&name) {
                *schema = Value::Object(Map::new());
            }
        }
    }
    out
}
