//! Older words left in an OpenAPI 3 spec by a hand conversion.
//!
//! `type: file` is Swagger 2's upload type; OpenAPI 3 spells it
//! `type: string, format: binary`, and typify stops on the old word
//! ("not yet implemented: invalid type: file"). `items: [A, B]` is JSON
//! Schema draft 4's tuple, which 3.1 spells `prefixItems: [A, B]` and
//! openapiv3 cannot read ("invalid type: sequence, expected struct
//! Schema").

use serde_json::{json, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

/// Rewrites each `type: file` as `type: string, format: binary`; returns
/// how many schemas changed.
pub fn file_type(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        if s.get("type").and_then(Value::as_str) != Some("file") {
            return Ok(0);
        }
        s.insert("type".into(), json!("string"));
        s.insert("format".into(), json!("binary"));
        Ok(1)
    })
}

/// Rewrites each `items` list (a draft 4 tuple) as `prefixItems`, which
/// the `prefix_items` pass then reads; returns how many schemas changed.
pub fn tuple_items(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        if !s.get("items").is_some_and(Value::is_array) || s.contains_key("prefixItems") {
            return Ok(0);
        }
        if let Some(tuple) = s.remove("items") {
            s.insert("prefixItems".into(), tuple);
        }
        Ok(1)
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{one_schema, run};
    use super::*;

    #[test]
    fn a_swagger_2_file_is_binary_text() {
        let (doc, n) = run(
            file_type,
            json!({"type": "file", "description": "An upload."}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&doc),
            &json!({"type": "string", "format": "binary", "description": "An upload."})
        );
        assert_eq!(run(file_type, json!({"type": "string"})).1, 0);
    }

    #[test]
    fn a_draft_4_tuple_is_prefix_items() {
        let tuple = json!([{"type": "string"}, {"type": "integer"}]);
        let (doc, n) = run(
            tuple_items,
            json!({"type": "array", "items": tuple.clone()}),
        );
        assert_eq!(n, 1);
        assert_eq!(
            one_schema(&doc),
            &json!({"type": "array", "prefixItems": tuple})
        );
    }
}
