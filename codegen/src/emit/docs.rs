//! Doc comments for the generated items, from the spec's summary and
//! description plus the HTTP method and path.

use std::collections::BTreeMap;

use crate::backend::bind::Field;
use crate::inputs::names::ClientNames;
use crate::ir::{ErrorBody, ErrorStatus, Operation};

/// The doc comment of an operation's method on the client.
pub fn operation(op: &Operation, fields: &[Field]) -> String {
    let mut doc = String::new();
    match (&op.summary, &op.description) {
        (Some(s), Some(d)) => doc.push_str(&format!("{s}\n\n{d}")),
        (Some(s), None) | (None, Some(s)) => doc.push_str(s),
        (None, None) => doc.push_str(&format!("Calls `{}`.", op.operation_id)),
    }
    doc.push_str(&format!("\n\n`{} {}`", op.http_method, op.path));
    if let Some(source) = &op.unlisted_source {
        doc.push_str(&format!(
            "\n\nNot in the public API spec: the server serves it, and this \
             operation is taken from {source} by an overlay in `spec/overlays/`."
        ));
    }
    let optional: Vec<&Field> = fields.iter().filter(|f| !f.required).collect();
    if !optional.is_empty() {
        doc.push_str("\n\nOptional parameters, set on the returned builder:");
        for f in optional {
            doc.push_str(&format!("\n- `{}`: {}", f.ident, first_line(&f.doc)));
        }
    }
    if !op.python_aliases.is_empty() {
        doc.push_str(&format!(
            "\n\nThe Python SDK also calls this operation {}.",
            op.python_aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(reason) = &op.untyped_reason {
        doc.push_str(&format!(
            "\n\nReturns the JSON as `serde_json::Value`: the spec gives no schema, and {reason}."
        ));
    }
    doc.push_str(&error_statuses(op));
    doc
}

/// The declared error statuses, and for each error body the type it
/// decodes into, by the statuses that send it: "On `400`, `4XX` the body is
/// [`Error`](crate::types::Error): `err.body_as::<types::Error>()`." (the
/// link's text differs from its target, which rustdoc would call redundant
/// where `types` is in scope).
fn error_statuses(op: &Operation) -> String {
    if op.error_statuses.is_empty() {
        return String::new();
    }
    let keys = |list: &[&ErrorStatus]| {
        list.iter()
            .map(|e| format!("`{}`", e.key))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "\n\nDeclared error statuses: {}.",
        op.error_statuses
            .iter()
            .map(|e| e.key.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut by_body: BTreeMap<&ErrorBody, Vec<&ErrorStatus>> = BTreeMap::new();
    for e in &op.error_statuses {
        by_body.entry(&e.body).or_default().push(e);
    }
    for (body, list) in by_body {
        match body {
            ErrorBody::None => {}
            ErrorBody::Model(ty) => out.push_str(&format!(
                "\n\nOn {} the body is [`{ty}`](crate::types::{ty}): \
                 `err.body_as::<types::{ty}>()` reads it.",
                keys(&list)
            )),
            ErrorBody::Json => out.push_str(&format!(
                "\n\nOn {} the body is JSON of an inline schema: `err.detail()` reads it.",
                keys(&list)
            )),
        }
    }
    out
}

/// The `# Example` section of the async method's docs, where the config
/// gives one (see [`example_block`]).
pub fn example(op: &Operation, names: &ClientNames) -> Option<String> {
    example_block(op, names).map(|block| format!("\n\n# Example\n\n{block}"))
}

/// The operation's example, where the config gives one: a `no_run`
/// doctest around the example's lines, with `client` the crate's client.
pub fn example_block(op: &Operation, names: &ClientNames) -> Option<String> {
    let code = op.example.as_deref()?.trim_end();
    let ClientNames { krate, client, .. } = names;
    Some(format!(
        "```no_run\n\
         # async fn example(client: {krate}::{client}) -> Result<(), Box<dyn std::error::Error>> {{\n\
         {code}\n\
         # Ok(())\n\
         # }}\n\
         ```"
    ))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
