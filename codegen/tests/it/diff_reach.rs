//! `phala-codegen diff` where what changes is which operations use a model
//! (issue 30): a struct a request starts or stops reaching changes shape
//! (the request shape: `new`, setters, optional fields as `Option`), which
//! the report calls a reachability change, not a field made optional; and
//! models no operation uses are listed apart and never drive the bump.
//! Golden files pin the whole reports.

use crate::diff_support::*;
use serde_json::{json, Value};

/// `POST /things` takes `Draft`, `GET /things/{id}` returns `Thing`, which
/// holds a `Draft` only when `draft_in_response`; with `draft_in_request`
/// false, the body is `Plain` instead (a schema only that spec has). `Draft.listed` is optional with a
/// default (typify: `bool`), `Draft.label` a bounded string (typify: a
/// newtype), `Draft.size` an optional integer of at least 1 (typify:
/// `NonZeroU64`); `Thing.name` is required unless `name_required` is false.
fn spec(draft_in_request: bool, draft_in_response: bool, name_required: bool) -> Value {
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let body = if draft_in_request { "Draft" } else { "Plain" };
    let mut thing = json!({
        "type": "object", "required": ["id"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}}
    });
    if name_required {
        push(&mut thing["required"], json!("name"));
    }
    if draft_in_response {
        thing["properties"]["draft"] = reference("Draft");
    }
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Tiny", "version": "1"},
        "paths": {
            "/api/v1/things/{id}": {"get": {
                "operationId": "get_thing",
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": reference("Thing")}}}}
            }},
            "/api/v1/things": {"post": {
                "operationId": "create_thing",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": reference(body)}}},
                "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": reference("Thing")}}}}
            }}
        },
        "components": {"schemas": {
            "Thing": thing,
            "Draft": {
                "type": "object", "required": ["label"],
                "properties": {
                    "label": {"type": "string", "maxLength": 8},
                    "listed": {"type": "boolean", "default": false},
                    "size": {"type": "integer", "minimum": 1, "format": "uint64"}
                }
            }
        }}
    });
    if !draft_in_request {
        doc["components"]["schemas"]["Plain"] =
            json!({"type": "object", "properties": {"note": {"type": "string"}}});
    }
    doc
}

/// A report with the temporary directory left out of the spec paths it
/// names (`"/tmp/.tmpXYZ/old.json",` -> `"old.json",`).
fn golden(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|word| match (word.find('/'), word.rfind('/')) {
                    (Some(first), Some(last)) if word.contains(".json") => {
                        format!("{}{}", &word[..first], &word[last + 1..])
                    }
                    _ => word.to_owned(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A model a request no longer reaches but a response does: its fields
/// that changed type with the request shape are reachability changes, the
/// model has one entry of its own, and a field that really stopped being
/// required (`Thing.name`) is still reported as that.
#[test]
fn a_model_a_request_stops_reaching_is_a_reachability_change() {
    let (old, new) = (spec(true, false, true), spec(false, true, false));
    let d = diff_with(&old, &new, &[]);
    d.expect(&[
        "breaking operation create_thing body request_body_changed",
        "breaking model Draft - model_reachability_changed",
        "breaking model Draft label model_reachability_changed",
        "breaking model Draft listed model_reachability_changed",
        "breaking model Draft size model_reachability_changed",
        "breaking model Thing name field_required_changed",
        "non_breaking model Plain - model_added",
        "non_breaking model Thing draft field_added",
    ]);
    let text = diff_raw(&old, &new, &[]);
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert!(!text.stdout.contains("Draft.listed: required -> optional"));
    insta::assert_snapshot!("request_stops_reaching", golden(&text.stdout));
}

/// The other way: a model only a response reached becomes a request body.
#[test]
fn a_model_a_request_starts_reaching_is_a_reachability_change() {
    let (old, new) = (spec(false, true, true), spec(true, true, true));
    diff_with(&old, &new, &[]).expect(&[
        "breaking operation create_thing body request_body_changed",
        "breaking model Draft label model_reachability_changed",
        "breaking model Draft listed model_reachability_changed",
        "breaking model Draft size model_reachability_changed",
        "breaking model Plain - model_removed",
        "non_breaking model Draft - model_reachability_changed",
    ]);
    let text = diff_raw(&old, &new, &[]);
    insta::assert_snapshot!("request_starts_reaching", golden(&text.stdout));
}

/// Models no operation takes or returns, in either spec: one removed, one
/// added and one with a new field. They are listed apart (in
/// JSON, `unused_models`), judged the strict way, and the bump is none.
#[test]
fn models_no_operation_uses_are_listed_apart_and_never_bump() {
    let leftover =
        |fields: Value| json!({"type": "object", "required": ["a"], "properties": fields});
    let mut old = base();
    old["components"]["schemas"]["Leftover"] = leftover(json!({"a": {"type": "string"}}));
    old["components"]["schemas"]["Gone"] = leftover(json!({"a": {"type": "string"}}));
    let mut new = base();
    new["components"]["schemas"]["Leftover"] =
        leftover(json!({"a": {"type": "string"}, "b": {"type": "integer"}}));
    new["components"]["schemas"]["Extra"] = leftover(json!({"a": {"type": "string"}}));
    let d = diff_with(&old, &new, &["--fail-on", "breaking"]);
    d.expect(&[]).expect_bump("none", "0.1.0");
    let report = d.json();
    let unused: Vec<String> = report["unused_models"]
        .as_array()
        .expect("an unused_models list")
        .iter()
        .map(|e| format!("{} {} {}", e["severity"], e["name"], e["category"]))
        .collect();
    assert_eq!(
        unused,
        [
            r#""breaking" "Gone" "model_removed""#,
            r#""breaking" "Leftover" "field_added""#,
            r#""non_breaking" "Extra" "model_added""#,
        ]
    );
    insta::assert_snapshot!("unused_models_json", golden(&d.stdout));
    let text = diff_raw(&old, &new, &[]);
    insta::assert_snapshot!("unused_models_text", golden(&text.stdout));
    // `--fail-on any` counts them: the public API did change.
    assert_eq!(diff_with(&old, &new, &["--fail-on", "any"]).status, 1);
}
