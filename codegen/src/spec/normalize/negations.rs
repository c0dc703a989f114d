//! `not`: a schema that forbids values rather than describing them.
//!
//! typify implements two forms: `not: {required: [..]}` on an object (or a
//! schema with no `type`), and `not: {enum: [..]}` beside `type: string`. Any other
//! `not` stops it ("not yet implemented: unhandled not schema"), on its own
//! (`{not: {type: string}}`), beside a `$ref` or inside a property. Those
//! are dropped: without them the schema accepts a superset of what it did,
//! so every body the server sends still decodes, and the server still
//! rejects what the `not` forbade. (typify also read `not: {enum}` beside
//! `type: integer` as a float, so that one is dropped too.)

use serde_json::{Map, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::for_each_schema;

/// Drops every `not` typify cannot build a type for; returns how many
/// schemas changed.
pub fn negations(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_schema(doc, &mut |s, _| {
        let Some(not) = s.get("not").and_then(Value::as_object) else {
            return Ok(0);
        };
        if typify_reads(s, not) {
            return Ok(0);
        }
        s.remove("not");
        Ok(1)
    })
}

/// Whether typify implements this `not` beside the rest of `schema`.
fn typify_reads(schema: &Map<String, Value>, not: &Map<String, Value>) -> bool {
    let only = |key: &str| not.len() == 1 && not.get(key).is_some_and(Value::is_array);
    let typed = |ty: &str| schema.get("type").and_then(Value::as_str) == Some(ty);
    let object = schema.get("type").is_none_or(|t| t == "object");
    (only("required") && object)
        || (only("enum")
            && typed("string")
            && not["enum"]
                .as_array()
                .is_some_and(|v| v.iter().all(Value::is_string)))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{one_schema, run};
    use super::*;
    use serde_json::json;

    #[test]
    fn a_not_typify_cannot_read_is_dropped() {
        for (schema, left) in [
            (json!({"not": {"type": "string"}}), json!({})),
            (
                json!({"type": "integer", "not": {"enum": [3]}}),
                json!({"type": "integer"}),
            ),
            (
                json!({"allOf": [{"$ref": "#/components/schemas/T"}], "not": {"$ref": "#/components/schemas/U"}}),
                json!({"allOf": [{"$ref": "#/components/schemas/T"}]}),
            ),
        ] {
            let (doc, n) = run(negations, schema);
            assert_eq!(n, 1);
            assert_eq!(one_schema(&doc), &left);
        }
    }

    #[test]
    fn the_forms_typify_reads_stay() {
        for schema in [
            json!({"type": "object", "properties": {"a": {}}, "not": {"required": ["a"]}}),
            json!({"type": "string", "not": {"enum": ["a", "b"]}}),
        ] {
            assert_eq!(run(negations, schema).1, 0);
        }
    }
}
