//! What replaces a deprecated operation, so its `#[deprecated]` warning
//! tells the caller where to go. It comes from the operation's
//! `x-codegen-replacement` (an overlay or the spec sets it), else from a
//! "use … instead" in its description or summary. Endpoints it names as
//! `METHOD /path` become the method of this crate that sends them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::Operation;

/// The extension that says what replaces a deprecated operation: free text
/// in which `METHOD /path` names an endpoint.
pub const REPLACEMENT_KEY: &str = "x-codegen-replacement";

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Where the replacement text came from: an explicit one must resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `x-codegen-replacement`: each endpoint it names must exist.
    Declared,
    /// Read from the prose: left as written when it names no endpoint here.
    Prose,
}

/// What replaces `op`, before its endpoints are resolved.
pub fn replacement(op: &Value) -> Option<(String, Origin)> {
    if op.get("deprecated") != Some(&Value::Bool(true)) {
        return None;
    }
    if let Some(text) = op.get(REPLACEMENT_KEY).and_then(Value::as_str) {
        return Some((text.trim().to_owned(), Origin::Declared));
    }
    ["description", "summary"]
        .iter()
        .filter_map(|key| op.get(*key).and_then(Value::as_str))
        .find_map(use_instead)
        .map(|text| (text, Origin::Prose))
}

/// `X` out of "… Use X instead …", when the text has it.
fn use_instead(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let start = lower.find("use ")? + "use ".len();
    let end = start + lower[start..].find(" instead")?;
    let what = text[start..end].trim();
    (!what.is_empty()).then(|| what.to_owned())
}

/// Rewrites every operation's replacement so that each `METHOD /path` it
/// names reads as the method sending it: `` `update_cvm` (`PATCH /api/v1/cvms/{cvm_id}`) ``.
/// A declared replacement naming an endpoint no operation has is an error
/// at the operation's pointer.
/// `declared` holds the operationIds whose text is [`Origin::Declared`].
pub fn resolve(operations: &mut [Operation], declared: &BTreeSet<String>) -> Result<()> {
    let endpoints: Vec<(String, String, String)> = operations
        .iter()
        .map(|o| (o.http_method.clone(), o.path.text.clone(), o.name.clone()))
        .collect();
    let mut problems = Vec::new();
    for op in operations.iter_mut() {
        let Some(text) = op.replacement.take() else {
            continue;
        };
        match rewrite(&text, &endpoints) {
            Ok(resolved) => op.replacement = Some(resolved),
            Err(missing) if declared.contains(&op.operation_id) => problems.push(Error::Schema {
                pointer: format!("{}/{REPLACEMENT_KEY}", op.pointer()),
                message: format!("names `{missing}`, which no operation of the API has"),
            }),
            Err(_) => op.replacement = Some(text),
        }
    }
    match problems.len() {
        0 => Ok(()),
        _ => Err(Error::from_list(problems)),
    }
}

/// `text` with each `METHOD /path` replaced by its method; the first
/// endpoint that matches no operation (or several) is the error.
fn rewrite(text: &str, endpoints: &[(String, String, String)]) -> Result<String, String> {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let next = words.get(i + 1).copied().unwrap_or_default();
        if METHODS.contains(&word) && next.starts_with('/') {
            let path = next.trim_end_matches(['.', ',', ';', ')', ':']);
            let tail = &next[path.len()..];
            let found: Vec<&(String, String, String)> = endpoints
                .iter()
                .filter(|(method, full, _)| method == word && same_path(full, path))
                .collect();
            let [(method, full, name)] = found.as_slice() else {
                return Err(format!("{word} {path}"));
            };
            out.push(format!("`{name}` (`{method} {full}`){tail}"));
            i += 2;
        } else {
            out.push(word.to_owned());
            i += 1;
        }
    }
    Ok(out.join(" "))
}

/// Whether `full` (as the spec keys it) is `short`, or ends with it after a
/// prefix such as `/api/v1`; `{placeholders}` match whatever their names.
fn same_path(full: &str, short: &str) -> bool {
    let segments = |p: &str| -> Vec<String> {
        p.trim_end_matches('/')
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    "{}".into()
                } else {
                    s.into()
                }
            })
            .collect()
    };
    let (full, short) = (segments(full), segments(short));
    full.ends_with(&short[1..]) && short.len() > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints() -> Vec<(String, String, String)> {
        [
            ("PATCH", "/api/v1/cvms/{cvm_id}", "update_cvm"),
            ("GET", "/api/v1/cvms/{cvm_id}", "get_cvm_info"),
            ("GET", "/api/v1/cvms/{cvm_id}/stats", "get_cvm_stats"),
        ]
        .map(|(m, p, n)| (m.into(), p.into(), n.into()))
        .to_vec()
    }

    #[test]
    fn prose_gives_what_to_use() {
        let op = serde_json::json!({"deprecated": true, "description": "Deprecated. Use PATCH /cvms/{cvm_id} instead. Sets flags."});
        assert_eq!(
            replacement(&op),
            Some(("PATCH /cvms/{cvm_id}".into(), Origin::Prose))
        );
        let not_deprecated = serde_json::json!({"description": "Use X instead."});
        assert_eq!(replacement(&not_deprecated), None);
    }

    #[test]
    fn endpoints_become_methods_whatever_their_placeholders() {
        let text = "GET /cvms/{id} (its `containers`), or GET /api/v1/cvms/{cvm_id}/stats.";
        assert_eq!(
            rewrite(text, &endpoints()).unwrap(),
            "`get_cvm_info` (`GET /api/v1/cvms/{cvm_id}`) (its `containers`), or `get_cvm_stats` (`GET /api/v1/cvms/{cvm_id}/stats`)."
        );
        assert_eq!(
            rewrite("PUT /cvms/{id}", &endpoints()).unwrap_err(),
            "PUT /cvms/{id}"
        );
        assert_eq!(
            rewrite("GET /", &endpoints()).unwrap_err(),
            "GET /",
            "a bare slash names no endpoint"
        );
    }
}
