//! Passes over operations and the document itself rather than schemas.

use serde_json::{json, Value};

use super::Context;
use crate::error::Result;
use crate::spec::document::{for_each_operation, is_json, responses_mut};

/// progenitor accepts only 3.0.x; after the other passes the document is
/// 3.0-shaped, so it is labelled 3.0.3.
pub fn openapi_version(doc: &mut Value, _: &Context) -> Result<usize> {
    if doc.get("openapi") == Some(&json!("3.0.3")) {
        return Ok(0);
    }
    doc["openapi"] = json!("3.0.3");
    Ok(1)
}

/// An optional header parameter that is also `nullable` becomes
/// `Option<Option<&str>>` in progenitor; absence already says "no value".
/// A path parameter cannot be null at all (the URL needs a segment), so it
/// is a required value whatever its schema says.
pub fn nullable_params(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_operation(doc, |_, _, op| {
        let mut n = 0;
        for param in op
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let optional_header = param.get("in") == Some(&json!("header"))
                && param.get("required") != Some(&json!(true));
            let path = param.get("in") == Some(&json!("path"));
            if let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) {
                if (optional_header || path) && schema.remove("nullable").is_some() {
                    n += 1;
                }
            }
        }
        Ok(n)
    })
}

/// A response to HEAD never has a body, whatever the spec says.
pub fn head_no_body(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_operation(doc, |_, method, op| {
        if method != "head" {
            return Ok(0);
        }
        let mut n = 0;
        for response in responses_mut(op) {
            if let Some(r) = response.as_object_mut() {
                n += usize::from(r.remove("content").is_some());
            }
        }
        Ok(n)
    })
}

/// A response that may be JSON or `application/octet-stream` is returned as
/// bytes: the bytes are the one form that holds either.
pub fn json_or_octet(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_operation(doc, |_, _, op| {
        let mut n = 0;
        for response in responses_mut(op) {
            let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            if content.contains_key("application/octet-stream") && content.len() > 1 {
                content.retain(|media, _| media == "application/octet-stream");
                n += 1;
            }
        }
        Ok(n)
    })
}

/// Every JSON media type of a response is read as JSON: where a response
/// has no `application/json`, its first `+json` type
/// (`application/problem+json`, `application/vnd.foo+json`) or
/// `application/json; charset=utf-8` is renamed `application/json`, so
/// that progenitor types it and the error docs name its model.
pub fn json_media(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_operation(doc, |_, _, op| {
        let mut n = 0;
        for response in responses_mut(op) {
            let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            if content.contains_key("application/json") {
                continue;
            }
            let Some(json) = content.keys().find(|m| is_json(m)).cloned() else {
                continue;
            };
            if let Some(media) = content.remove(&json) {
                content.insert("application/json".into(), media);
                n += 1;
            }
        }
        Ok(n)
    })
}

/// Several 2xx responses with different JSON bodies (`200` an `Item`,
/// `202` a `Job`) give the operation one success type: every such response
/// gets the `anyOf` of the distinct bodies, which `object_unions` orders
/// and turns into an untagged enum (a body decodes as the first member
/// that accepts it). A member without a schema makes the union any JSON.
/// Bodies of other media types are left as they are, and lowering names
/// the operation if they still differ.
pub fn success_union(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_operation(doc, |_, _, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return Ok(0);
        };
        let json_bodies: Vec<String> = responses
            .iter()
            .filter(|(key, _)| key.starts_with('2'))
            .filter(|(_, r)| {
                r.get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|c| c.len() == 1 && c.contains_key("application/json"))
            })
            .map(|(key, _)| key.clone())
            .collect();
        let mut members: Vec<Value> = Vec::new();
        for key in &json_bodies {
            let schema = responses[key]
                .pointer("/content/application~1json/schema")
                .cloned()
                .unwrap_or_else(|| json!({}));
            if !members.contains(&schema) {
                members.push(schema);
            }
        }
        if members.len() < 2 {
            return Ok(0);
        }
        let any = members
            .iter()
            .any(|m| m.as_object().is_some_and(|m| m.is_empty()));
        let union = if any {
            json!({})
        } else {
            json!({"anyOf": members})
        };
        for key in &json_bodies {
            if let Some(r) = responses.get_mut(key) {
                r["content"] = json!({"application/json": {"schema": union.clone()}});
            }
        }
        Ok(1)
    })
}

/// An operation with a JSON 2xx response and another 2xx without a body
/// (`200 {..}` beside `202`) gets one nullable JSON body for all of them, so
/// progenitor sees one success type and the method returns it as optional;
/// the runtime decodes an empty 2xx body as JSON `null`.
pub fn bodiless_success(doc: &mut Value, _: &Context) -> Result<usize> {
    for_each_operation(doc, |_, _, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return Ok(0);
        };
        let success: Vec<String> = responses
            .keys()
            .filter(|c| c.starts_with('2'))
            .cloned()
            .collect();
        let bodies: Vec<&Value> = success
            .iter()
            .filter_map(|c| responses[c].get("content"))
            .filter(|c| c.as_object().is_some_and(|m| !m.is_empty()))
            .collect();
        let Some(first) = bodies.first() else {
            return Ok(0);
        };
        let all_same = bodies.iter().all(|b| b == first);
        let json_only = first
            .as_object()
            .is_some_and(|m| m.len() == 1 && m.contains_key("application/json"));
        if bodies.len() == success.len() || !all_same || !json_only {
            return Ok(0);
        }
        let mut content = (*first).clone();
        if let Some(schema) = content.pointer_mut("/application~1json/schema") {
            *schema = match schema.take() {
                Value::Object(mut m) if !m.contains_key("$ref") => {
                    m.insert("nullable".into(), Value::Bool(true));
                    Value::Object(m)
                }
                other => json!({"allOf": [other], "nullable": true}),
            };
        }
        for code in &success {
            if let Some(r) = responses.get_mut(code).and_then(Value::as_object_mut) {
                r.insert("content".into(), content.clone());
            }
        }
        Ok(1)
    })
}

/// Renames component schemas to their Rust type names (see `naming`) and
/// rewrites every `$ref` to match.
pub fn component_names(doc: &mut Value, ctx: &Context) -> Result<usize> {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(0);
    };
    let mut renamed = 0;
    let old = std::mem::take(schemas);
    for (name, schema) in old {
        let new = ctx.type_names.get(&name).cloned().unwrap_or(name.clone());
        renamed += usize::from(new != name);
        schemas.insert(new, schema);
    }
    if renamed > 0 {
        crate::spec::document::rewrite_refs(doc, &mut |r| {
            let name = r.strip_prefix("#/components/schemas/")?;
            Some(format!(
                "#/components/schemas/{}",
                ctx.type_names.get(name)?
            ))
        });
    }
    Ok(renamed)
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_doc;
    use super::*;

    #[test]
    fn version_is_relabelled() {
        let (out, n) = run_doc(openapi_version, json!({"openapi": "3.1.0"}));
        assert_eq!((n, &out["openapi"]), (1, &json!("3.0.3")));
    }

    #[test]
    fn optional_header_loses_nullable() {
        let doc = json!({"paths": {"/x": {"patch": {"parameters": [
            {"name": "X-H", "in": "header", "required": false, "schema": {"type": "string", "nullable": true}}]}}}});
        let (out, n) = run_doc(nullable_params, doc);
        assert_eq!(n, 1);
        assert_eq!(
            out["paths"]["/x"]["patch"]["parameters"][0]["schema"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn head_response_has_no_body() {
        let doc = json!({"paths": {"/x": {"head": {"responses": {"200": {"description": "", "content": {"application/json": {}}}}}}}});
        let (out, n) = run_doc(head_no_body, doc);
        assert_eq!(n, 1);
        assert_eq!(
            out["paths"]["/x"]["head"]["responses"]["200"],
            json!({"description": ""})
        );
    }

    #[test]
    fn json_or_octet_is_bytes() {
        let doc = json!({"paths": {"/x": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {}}, "application/octet-stream": {"schema": {}}}}}}}}});
        let (out, n) = run_doc(json_or_octet, doc);
        assert_eq!(n, 1);
        let content = &out["paths"]["/x"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            content,
            &json!({"application/octet-stream": {"schema": {}}})
        );
    }

    #[test]
    fn json_media_types_are_json() {
        let doc = json!({"paths": {"/x": {"patch": {"responses": {
            "200": {"content": {"application/vnd.x+json; version=2": {"schema": {"type": "object"}}}},
            "400": {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/P"}}}},
            "404": {"content": {"application/json": {}, "application/problem+json": {}}},
            "500": {"content": {"text/plain": {}}}}}}}});
        let (out, n) = run_doc(json_media, doc);
        assert_eq!(n, 2);
        let responses = &out["paths"]["/x"]["patch"]["responses"];
        assert_eq!(
            responses["200"]["content"],
            json!({"application/json": {"schema": {"type": "object"}}})
        );
        assert_eq!(
            responses["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/P"
        );
        assert_eq!(
            responses["404"]["content"],
            json!({"application/json": {}, "application/problem+json": {}})
        );
        assert_eq!(responses["500"]["content"], json!({"text/plain": {}}));
    }

    #[test]
    fn different_success_bodies_become_one_union() {
        let a = json!({"$ref": "#/components/schemas/A"});
        let b = json!({"$ref": "#/components/schemas/B"});
        let doc = json!({"paths": {"/x": {"post": {"responses": {
            "200": {"content": {"application/json": {"schema": a}}},
            "201": {"content": {"application/json": {"schema": a}}},
            "202": {"content": {"application/json": {"schema": b}}},
            "204": {"description": "none"},
            "400": {"content": {"application/json": {"schema": {"type": "string"}}}}}}}}});
        let (out, n) = run_doc(success_union, doc);
        assert_eq!(n, 1);
        let responses = &out["paths"]["/x"]["post"]["responses"];
        let union = json!({"application/json": {"schema": {"anyOf": [a, b]}}});
        for code in ["200", "201", "202"] {
            assert_eq!(responses[code]["content"], union, "{code}");
        }
        assert!(responses["204"].get("content").is_none());
        assert_eq!(
            responses["400"]["content"]["application/json"]["schema"],
            json!({"type": "string"})
        );
        // The same body twice is no union; a body without schema is any JSON.
        let same = json!({"paths": {"/x": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": a}}},
            "2XX": {"content": {"application/json": {"schema": a}}}}}}}});
        assert_eq!(run_doc(success_union, same).1, 0);
        let untyped = json!({"paths": {"/x": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": a}}},
            "202": {"content": {"application/json": {}}}}}}}});
        let (out, n) = run_doc(success_union, untyped);
        assert_eq!(n, 1);
        assert_eq!(
            out["paths"]["/x"]["get"]["responses"]["202"]["content"],
            json!({"application/json": {"schema": {}}})
        );
    }

    #[test]
    fn bodiless_success_shares_a_nullable_body() {
        let doc = json!({"paths": {"/x": {"put": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
            "202": {"description": "accepted"}}}}}});
        let (out, n) = run_doc(bodiless_success, doc);
        assert_eq!(n, 1);
        let expected = json!({"application/json": {"schema": {
            "allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true}}});
        let responses = &out["paths"]["/x"]["put"]["responses"];
        assert_eq!(responses["200"]["content"], expected);
        assert_eq!(responses["202"]["content"], expected);
    }

    #[test]
    fn components_and_refs_are_renamed() {
        let mut ctx = Context::for_tests();
        ctx.type_names
            .insert("teehouse__x__Foo".into(), "Foo".into());
        let doc = json!({"components": {"schemas": {
            "teehouse__x__Foo": {"type": "object"},
            "Bar": {"properties": {"f": {"$ref": "#/components/schemas/teehouse__x__Foo"}}}}}});
        let mut out = doc;
        let n = component_names(&mut out, &ctx).unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            out["components"]["schemas"]["Bar"]["properties"]["f"]["$ref"],
            json!("#/components/schemas/Foo")
        );
        assert!(out["components"]["schemas"]["Foo"].is_object());
    }
}
