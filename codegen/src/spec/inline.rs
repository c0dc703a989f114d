//! Reusable operation parts, inlined: a parameter, request body or response
//! given as `{"$ref": "#/components/parameters/X"}` (and `requestBodies`,
//! `responses`) is replaced by the component it names, so naming, the IR
//! and progenitor each see every operation whole. Schemas stay references;
//! they are types. Runs in the load stage, after the overlays, which may
//! target the spec as published.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::spec::document::{escape, methods, unescape};

/// How many references to follow from one site before calling it a loop
/// (also the bound of [`crate::spec::deep_refs`]).
pub(crate) const MAX_HOPS: usize = 32;

/// Replaces every component reference among the operations' parameters,
/// request bodies and responses with its target. Returns how many sites
/// changed; a reference to nothing, or a loop, is an error at its pointer.
pub fn component_refs(doc: &mut Value) -> Result<usize> {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(0);
    };
    let mut changed = 0;
    for (path, item) in paths.iter_mut() {
        let at = format!("#/paths/{}", escape(path));
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        if let Some(Value::Array(params)) = item.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                changed += resolve(
                    p,
                    &components,
                    "parameters",
                    &format!("{at}/parameters/{i}"),
                )?;
            }
        }
        for method in methods() {
            let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                continue;
            };
            let at = format!("{at}/{method}");
            if let Some(Value::Array(params)) = op.get_mut("parameters") {
                for (i, p) in params.iter_mut().enumerate() {
                    let pointer = format!("{at}/parameters/{i}");
                    changed += resolve(p, &components, "parameters", &pointer)?;
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                let pointer = format!("{at}/requestBody");
                changed += resolve(body, &components, "requestBodies", &pointer)?;
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for (code, response) in responses.iter_mut() {
                    let pointer = format!("{at}/responses/{}", escape(code));
                    changed += resolve(response, &components, "responses", &pointer)?;
                }
            }
        }
    }
    Ok(changed)
}

/// Replaces `node` by the `kind` component it refers to, following chains;
/// 1 when it was a reference, 0 when it was not.
fn resolve(node: &mut Value, components: &Value, kind: &str, pointer: &str) -> Result<usize> {
    let prefix = format!("#/components/{kind}/");
    let mut hops = 0;
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix(&prefix)
            .and_then(|name| components.get(kind)?.get(unescape(name)));
        let Some(target) = target else {
            return Err(Error::Schema {
                pointer: pointer.to_owned(),
                message: format!("`$ref` {reference:?} names no entry of components.{kind}"),
            });
        };
        hops += 1;
        if hops > MAX_HOPS {
            return Err(Error::Schema {
                pointer: pointer.to_owned(),
                message: format!("`$ref` {reference:?} is part of a loop of references"),
            });
        }
        *node = target.clone();
    }
    Ok(usize::from(hops > 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {"/things/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {
                    "operationId": "get_thing",
                    "parameters": [{"$ref": "#/components/parameters/Page"}, {"name": "q", "in": "query"}],
                    "requestBody": {"$ref": "#/components/requestBodies/Thing"},
                    "responses": {"200": {"$ref": "#/components/responses/Ok"}, "404": {"description": "no"}}
                }
            }},
            "components": {
                "parameters": {
                    "Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    "Page": {"$ref": "#/components/parameters/PageNumber"},
                    "PageNumber": {"name": "page", "in": "query", "schema": {"type": "integer"}}
                },
                "requestBodies": {"Thing": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
                "responses": {"Ok": {"description": "ok"}}
            }
        })
    }

    #[test]
    fn parameters_bodies_and_responses_are_inlined_through_chains() {
        let mut d = doc();
        assert_eq!(component_refs(&mut d).unwrap(), 4);
        let item = &d["paths"]["/things/{id}"];
        assert_eq!(item["parameters"][0]["name"], "id");
        assert_eq!(item["get"]["parameters"][0]["name"], "page");
        assert_eq!(item["get"]["parameters"][1]["name"], "q");
        assert_eq!(
            item["get"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Thing",
            "schema references stay"
        );
        assert_eq!(item["get"]["responses"]["200"]["description"], "ok");
        assert_eq!(
            component_refs(&mut d).unwrap(),
            0,
            "a second run changes nothing"
        );
    }

    #[test]
    fn a_dangling_reference_or_a_loop_names_its_pointer() {
        let mut d = doc();
        d["components"]["parameters"]
            .as_object_mut()
            .unwrap()
            .remove("PageNumber");
        let e = component_refs(&mut d).unwrap_err().to_string();
        assert_eq!(
            e,
            "#/paths/~1things~1{id}/get/parameters/0: `$ref` \"#/components/parameters/PageNumber\" names no entry of components.parameters"
        );
        let mut d = doc();
        d["components"]["parameters"]["PageNumber"] =
            json!({"$ref": "#/components/parameters/Page"});
        let e = component_refs(&mut d).unwrap_err().to_string();
        assert!(e.contains("loop of references"), "{e}");
    }
}
