//! Spec prose becomes rustdoc: in progenitor's methods, typify's types and
//! our builders alike. Rustdoc compiles code blocks as doctests, so the
//! prose is made safe here, once, before any of them reads it.

use serde_json::Value;

use super::Context;
use crate::error::Result;

/// Keys whose values are data, not prose: nothing under them is touched.
const DATA: [&str; 5] = ["example", "examples", "default", "enum", "const"];

/// Rewrites every `description` and `summary` string with [`spec_text`].
pub fn doc_text(doc: &mut Value, _: &Context) -> Result<usize> {
    Ok(walk(doc))
}

fn walk(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => map
            .iter_mut()
            .map(|(key, v)| match v {
                Value::String(text) if key == "description" || key == "summary" => {
                    let safe = spec_text(text);
                    if safe == *text {
                        0
                    } else {
                        *text = safe;
                        1
                    }
                }
                _ if DATA.contains(&key.as_str()) => 0,
                _ => walk(v),
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(walk).sum(),
        _ => 0,
    }
}

/// Spec prose as rustdoc that never runs as a doctest: rustdoc compiles
/// every untagged fence and every block indented four spaces (Prefect's
/// descriptions indent their lists so), so untagged fences become `text`
/// and indentation outside fences stops at three spaces, which Markdown
/// still reads as the same list or paragraph.
fn spec_text(text: &str) -> String {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            let untagged = trimmed.trim_start_matches('`').trim().is_empty();
            out.push(if !fenced && untagged {
                format!("{line}text")
            } else {
                line.to_owned()
            });
            fenced = !fenced;
        } else if fenced {
            out.push(line.to_owned());
        } else {
            let indent = (line.len() - trimmed.len()).min(3);
            out.push(format!("{}{trimmed}", " ".repeat(indent)));
        }
    }
    let mut safe = out.join("\n");
    if text.ends_with('\n') {
        safe.push('\n');
    }
    safe
}

#[cfg(test)]
mod tests {
    #[test]
    fn spec_prose_has_no_code_blocks_rustdoc_would_run() {
        let text = "Order:\n\n    - Runs start at `start_time`\n\t- tab\n```\nx = 1\n```\n```json\n{}\n```";
        assert_eq!(
            super::spec_text(text),
            "Order:\n\n   - Runs start at `start_time`\n - tab\n```text\nx = 1\n```\n```json\n{}\n```"
        );
        assert_eq!(super::spec_text("plain\n"), "plain\n");
    }
}
