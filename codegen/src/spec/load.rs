//! Stage 1: read the spec as JSON or YAML into a `serde_json::Value`.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};

/// Reads a spec file. `.yaml`/`.yml` files are read with serde_norway (a
/// maintained fork of serde_yaml); everything else as JSON.
///
/// The last document read is kept, with its text: a `--generic` run reads
/// the spec once to derive its configuration and again to generate, and a
/// large YAML spec takes seconds to parse but milliseconds to compare and
/// clone.
pub fn load_spec(path: &Path) -> Result<Value> {
    static LAST: std::sync::Mutex<Option<(std::path::PathBuf, String, Value)>> =
        std::sync::Mutex::new(None);
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((p, t, doc)) = last.as_ref() {
        if p == path && *t == text {
            return Ok(doc.clone());
        }
    }
    let doc = parse_spec(path, &text)?;
    *last = Some((path.to_owned(), text, doc.clone()));
    Ok(doc)
}

/// Parses spec text already in memory; `path` only names it in errors and
/// picks the format.
pub fn parse_spec(path: &Path, text: &str) -> Result<Value> {
    let value = parse_document(path, text)?;
    check_version(path, &value)?;
    Ok(value)
}

/// Parses a JSON or YAML document (a spec or an overlay), by extension.
pub fn parse_document(path: &Path, text: &str) -> Result<Value> {
    // A byte-order mark is allowed before JSON and YAML text alike (some
    // Windows tools write one); neither parser skips it by itself.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let is_yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    let value: Value = if is_yaml {
        crate::spec::yaml_depth::check(path, text)?;
        serde_norway::from_str::<Lenient>(text)
            .map(|l| l.0)
            .map_err(|e| {
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
    Ok(value)
}

/// A JSON value read from YAML, where an integer too wide for 64 bits
/// (OpenAI's spec writes `minimum: -9223372036854776000`, a float printed
/// as an integer) becomes the nearest `f64` instead of an error, as a
/// JSON parser would read it.
struct Lenient(Value);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor).map(Lenient)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> std::result::Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> std::result::Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        // NaN and infinities have no JSON form.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Lenient(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((k, Lenient(v))) = map.next_entry::<String, Lenient>()? {
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
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

pub use crate::spec::yaml_depth::line_column;

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
    fn yaml_integers_wider_than_64_bits_read_as_floats() {
        let v = parse_spec(
            Path::new("x.yaml"),
            "openapi: 3.1.0\nmin: -9223372036854776000\nmax: 18446744073709551616\nsmall: 3\n",
        )
        .unwrap();
        assert_eq!(v["min"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(v["max"].as_f64(), Some(1.8446744073709552e19));
        assert_eq!(v["small"], 3);
    }

    #[test]
    fn yaml_error_has_line() {
        let err = parse_spec(Path::new("x.yml"), "openapi: 3.1.0\npaths: [\n").unwrap_err();
        assert!(matches!(err, Error::Parse { line: 3, .. }), "{err}");
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let v = parse_spec(Path::new("b.json"), "\u{feff}{\"openapi\":\"3.0.3\"}").unwrap();
        assert_eq!(v["openapi"], "3.0.3");
        let v = parse_spec(Path::new("b.yaml"), "\u{feff}openapi: 3.1.0\n").unwrap();
        assert_eq!(v["openapi"], "3.1.0");
    }

    #[test]
    fn deep_yaml_nesting_is_checked_before_parsing() {
        let text = format!("openapi: 3.1.0\npaths: {}\n", "[".repeat(200_000));
        let err = parse_spec(Path::new("deep.yaml"), &text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "deep.yaml:2:136: invalid YAML: nesting deeper than 128 levels"
        );
    }

    #[test]
    fn version_2_is_rejected() {
        let err = parse_spec(Path::new("x.json"), r#"{"swagger":"2.0"}"#).unwrap_err();
        assert!(err.to_string().contains("<missing>"), "{err}");
        let err = parse_spec(Path::new("x.json"), r#"{"openapi":"4.0.0"}"#).unwrap_err();
        assert!(err.to_string().contains("\"4.0.0\""), "{err}");
    }
}
