//! Stage 1: read the spec as JSON or YAML into a `serde_json::Value`.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};

/// Reads a spec file. `.yaml`/`.yml` files are read with serde_norway (a
/// maintained fork of serde_yaml); everything else as JSON.
pub fn load_spec(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_spec(path, &text)
}

/// Parses spec text already in memory; `path` only names it in errors and
/// picks the format.
pub fn parse_spec(path: &Path, text: &str) -> Result<Value> {
    let is_yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    let value: Value = if is_yaml {
        serde_norway::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            Error::Parse {
                path: path.to_owned(),
                format: "YAML",
                line,
                column,
                message: e.to_string(),
            }
        })?
    } else {
        serde_json::from_str(text).map_err(|e| Error::Parse {
            path: path.to_owned(),
            format: "JSON",
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?
    };
    check_version(path, &value)?;
    Ok(value)
}

fn check_version(path: &Path, doc: &Value) -> Result<()> {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    if version.starts_with("3.0.") || version.starts_with("3.1.") {
        Ok(())
    } else {
        Err(Error::Version {
            path: path.to_owned(),
            version: match doc.get("openapi") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => "<missing>".to_owned(),
            },
        })
    }
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_error_has_line_and_column() {
        let err = parse_spec(Path::new("x.json"), "{\n  \"openapi\": 3.1.0\n}").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("x.json:2:"), "{msg}");
    }

    #[test]
    fn yaml_is_read() {
        let v = parse_spec(Path::new("x.yaml"), "openapi: 3.1.0\npaths: {}\n").unwrap();
        assert_eq!(v["openapi"], "3.1.0");
    }

    #[test]
    fn yaml_error_has_line() {
        let err = parse_spec(Path::new("x.yml"), "openapi: 3.1.0\npaths: [\n").unwrap_err();
        assert!(matches!(err, Error::Parse { line: 3, .. }), "{err}");
    }

    #[test]
    fn version_2_is_rejected() {
        let err = parse_spec(Path::new("x.json"), r#"{"swagger":"2.0"}"#).unwrap_err();
        assert!(err.to_string().contains("<missing>"), "{err}");
        let err = parse_spec(Path::new("x.json"), r#"{"openapi":"4.0.0"}"#).unwrap_err();
        assert!(err.to_string().contains("\"4.0.0\""), "{err}");
    }
}
