//! `phala-codegen diff` on small hand-made spec pairs: each test changes one
//! thing in a base spec and pins how the change is classified (category,
//! severity, subject), and where it matters the bump and the exit status.

use std::path::Path;

use crate::diff_support::*;
use serde_json::{json, Value};

#[test]
fn identical_specs_have_no_entries() {
    let d = diff_with(&base(), &base(), &["--fail-on", "any"]);
    d.expect(&[]).expect_bump("none", "0.1.0");
    let report = d.json();
    assert_eq!(report["summary"]["breaking"], 0, "{}", d.stdout);
    assert_eq!(report["summary"]["non_breaking"], 0, "{}", d.stdout);
}

#[test]
fn an_added_operation_is_a_minor_change() {
    let delete = json!({
        "operationId": "delete_thing_api_v1_things__id__delete",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "gone"}}
    });
    let edit = |doc: &mut Value| doc["paths"]["/api/v1/things/{id}"]["delete"] = delete;
    changed(edit.clone())
        .expect(&["non_breaking operation delete_thing - operation_added"])
        .expect_bump("minor", "0.1.1");
    assert_eq!(
        diff_edit(edit.clone(), &["--fail-on", "breaking"]).status,
        0
    );
    assert_eq!(diff_edit(edit, &["--fail-on", "any"]).status, 1);
}

#[test]
fn a_removed_operation_is_breaking() {
    let edit = |doc: &mut Value| {
        doc["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/api/v1/things");
    };
    changed(edit)
        .expect(&["breaking operation create_thing - operation_removed"])
        .expect_bump("major", "0.2.0");
    let failed = diff_edit(edit, &["--fail-on", "breaking"]);
    assert_eq!(failed.status, 1, "{}\n{}", failed.stdout, failed.stderr);
    // The report is printed all the same.
    assert_eq!(failed.entries().len(), 1, "{}", failed.stdout);
}

#[test]
fn a_new_operation_id_on_the_same_endpoint_is_a_rename() {
    let d = changed(|doc| {
        get_thing(doc)["operationId"] = json!("handle_fetch_thing_api_v1_things__id__get");
    });
    d.expect(&["breaking operation fetch_thing - operation_renamed"])
        .expect_bump("major", "0.2.0");
    let detail = d.json()["entries"][0]["detail"].clone();
    assert!(detail.as_str().unwrap().contains("`get_thing`"), "{detail}");
}

#[test]
fn an_added_query_parameter_breaks_only_when_required() {
    let limit = |required: bool| {
        move |doc: &mut Value| {
            let p = json!({"name": "limit", "in": "query", "required": required,
                           "schema": {"type": "integer"}});
            push(&mut get_thing(doc)["parameters"], p);
        }
    };
    changed(limit(false))
        .expect(&["non_breaking operation get_thing limit parameter_added"])
        .expect_bump("minor", "0.1.1");
    changed(limit(true))
        .expect(&["breaking operation get_thing limit parameter_added"])
        .expect_bump("major", "0.2.0");
}

#[test]
fn a_query_parameter_becoming_required_is_breaking() {
    changed(|doc| get_thing(doc)["parameters"][1]["required"] = json!(true))
        .expect(&["breaking operation get_thing filter parameter_required_changed"]);
}

#[test]
fn a_query_parameter_type_change_is_breaking() {
    changed(|doc| get_thing(doc)["parameters"][1]["schema"] = json!({"type": "integer"}))
        .expect(&["breaking operation get_thing filter parameter_type_changed"]);
}

#[test]
fn a_required_field_in_a_response_model_is_not_breaking() {
    let edit =
        |doc: &mut Value| add_property(doc, "Thing", "size", json!({"type": "integer"}), true);
    changed(edit)
        .expect(&["non_breaking model Thing size field_added"])
        .expect_bump("minor", "0.1.1");
    assert_eq!(diff_edit(edit, &["--fail-on", "breaking"]).status, 0);
}

/// Request models are `#[non_exhaustive]` and built with `new` (the required
/// fields) and setters, so only a new required field breaks a caller.
#[test]
fn an_optional_field_added_to_a_request_model_is_minor() {
    let size = |required: bool| {
        move |doc: &mut Value| {
            add_property(
                doc,
                "ThingCreate",
                "size",
                json!({"type": "integer"}),
                required,
            )
        }
    };
    changed(size(false))
        .expect(&["non_breaking model ThingCreate size field_added"])
        .expect_bump("minor", "0.1.1");
    assert_eq!(diff_edit(size(false), &["--fail-on", "breaking"]).status, 0);
    changed(size(true))
        .expect(&["breaking model ThingCreate size field_added"])
        .expect_bump("major", "0.2.0");
}

#[test]
fn a_field_in_a_model_nested_in_a_request_follows_the_request_rule() {
    let with_spec = |doc: &mut Value| {
        schema(doc, "ThingCreate")["properties"]["spec"] =
            json!({"$ref": "#/components/schemas/ThingSpec"});
        doc["components"]["schemas"]["ThingSpec"] = json!({
            "type": "object", "required": ["cpu"], "properties": {"cpu": {"type": "integer"}}
        });
    };
    let mut old = base();
    with_spec(&mut old);
    for (required, expected) in [
        (false, "non_breaking model ThingSpec memory field_added"),
        (true, "breaking model ThingSpec memory field_added"),
    ] {
        let mut new = old.clone();
        add_property(
            &mut new,
            "ThingSpec",
            "memory",
            json!({"type": "integer"}),
            required,
        );
        diff_with(&old, &new, &[]).expect(&[expected]);
    }
}

#[test]
fn a_request_field_becoming_required_is_breaking() {
    let nullable_note = |doc: &mut Value| {
        schema(doc, "ThingCreate")["properties"]["note"] =
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]});
    };
    let mut old = base();
    nullable_note(&mut old);
    let mut new = old.clone();
    push(
        &mut schema(&mut new, "ThingCreate")["required"],
        json!("note"),
    );
    diff_with(&old, &new, &[]).expect(&["breaking model ThingCreate note field_required_changed"]);
}

#[test]
fn a_response_field_losing_required_is_breaking() {
    changed(|doc| unrequire(doc, "Thing", "name"))
        .expect(&["breaking model Thing name field_required_changed"])
        .expect_bump("major", "0.2.0");
}

#[test]
fn a_nullable_field_losing_required_keeps_its_type() {
    let d = changed(|doc| unrequire(doc, "Thing", "note"));
    d.expect(&["non_breaking model Thing note field_required_changed"])
        .expect_bump("patch", "0.1.1");
    let detail = d.json()["entries"][0]["detail"].clone();
    assert!(
        detail.as_str().unwrap().contains("Option<String>"),
        "{detail}"
    );
}

#[test]
fn a_required_field_becoming_nullable_is_breaking() {
    changed(|doc| {
        schema(doc, "Thing")["properties"]["name"] =
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]});
    })
    .expect(&["breaking model Thing name field_nullable_changed"]);
}

#[test]
fn field_type_changes_and_removals_are_breaking() {
    changed(|doc| schema(doc, "Thing")["properties"]["name"] = json!({"type": "integer"}))
        .expect(&["breaking model Thing name field_type_changed"]);
    changed(|doc| {
        unrequire(doc, "Thing", "name");
        schema(doc, "Thing")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("name");
    })
    .expect(&["breaking model Thing name field_removed"])
    .expect_bump("major", "0.2.0");
}

#[test]
fn enum_values_added_break_nothing_and_removed_break_code_naming_them() {
    // A response enum is open (`Unknown` keeps a value it does not know)
    // and `#[non_exhaustive]`, so a value the spec adds is a new variant no
    // `match` needs.
    changed(|doc| push(&mut schema(doc, "ThingStatus")["enum"], json!("paused")))
        .expect(&["non_breaking model ThingStatus Paused variant_added"])
        .expect_bump("minor", "0.1.1");
    changed(|doc| push(&mut schema(doc, "ThingKind")["enum"], json!("medium")))
        .expect(&["non_breaking model ThingKind Medium variant_added"])
        .expect_bump("minor", "0.1.1");
    for (model, gone, variant) in [
        ("ThingStatus", "stopped", "Stopped"),
        ("ThingKind", "large", "Large"),
    ] {
        let removed = format!("breaking model {model} {variant} variant_removed");
        // Left with one value, the response enum is a constant: closed, as
        // a union's discriminator must be, so it loses `Unknown` too.
        let closed = format!("breaking model {model} Unknown variant_removed");
        let expected: Vec<&str> = match model {
            "ThingStatus" => vec![&removed, &closed],
            _ => vec![&removed],
        };
        changed(|doc| {
            schema(doc, model)["enum"]
                .as_array_mut()
                .unwrap()
                .retain(|v| v != gone)
        })
        .expect(&expected);
    }
}

#[test]
fn a_different_success_type_is_breaking() {
    let mut old = base();
    old["components"]["schemas"]["Gadget"] = json!({
        "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}
    });
    let mut new = old.clone();
    get_thing(&mut new)["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/Gadget"});
    let d = diff_with(&old, &new, &[]);
    // No operation used `Gadget` before; a response model is sealed.
    d.expect(&[
        "breaking operation get_thing - success_type_changed",
        "breaking model Gadget - model_sealed",
    ])
    .expect_bump("major", "0.2.0");
    let detail = d.json()["entries"][0]["detail"].clone();
    assert_eq!(detail, "returns Thing -> Gadget");
}

#[test]
fn an_added_error_status_is_a_patch() {
    changed(|doc| get_thing(doc)["responses"]["409"] = json!({"description": "conflict"}))
        .expect(&["non_breaking operation get_thing 409 error_status_added"])
        .expect_bump("patch", "0.1.1");
    changed(|doc| {
        get_thing(doc)["responses"]
            .as_object_mut()
            .unwrap()
            .remove("404");
    })
    .expect(&["non_breaking operation get_thing 404 error_status_removed"])
    .expect_bump("patch", "0.1.1");
    // A range and `default` beside a 2xx are error keys too.
    changed(|doc| {
        let responses = &mut get_thing(doc)["responses"];
        responses["4XX"] = json!({"description": "refused"});
        responses["default"] = json!({"description": "anything else"});
    })
    .expect(&[
        "non_breaking operation get_thing 4XX error_status_added",
        "non_breaking operation get_thing default error_status_added",
    ])
    .expect_bump("patch", "0.1.1");
}

#[test]
fn deprecating_an_operation_is_not_breaking() {
    changed(|doc| get_thing(doc)["deprecated"] = json!(true))
        .expect(&["non_breaking operation get_thing - deprecation_changed"])
        .expect_bump("patch", "0.1.1");
}

#[test]
fn catalog_rows_added_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (same, added, removed) = catalogs(dir.path());
    let with = |old: &Path, new: &Path| {
        let args = [
            "--old-catalog",
            old.to_str().unwrap(),
            "--new-catalog",
            new.to_str().unwrap(),
        ];
        diff_with(&base(), &base(), &args)
    };
    with(&same, &same).expect(&[]).expect_bump("none", "0.1.0");
    with(&same, &added)
        .expect(&["non_breaking error_code ERR-04-004 - error_code_added"])
        .expect_bump("minor", "0.1.1");
    with(&same, &removed)
        .expect(&["breaking error_code ERR-01-008 - error_code_removed"])
        .expect_bump("major", "0.2.0");
    // Without catalogs, error codes are not compared at all.
    diff_with(&base(), &base(), &[]).expect(&[]);
}

#[test]
fn text_report_groups_breaking_changes_and_ends_with_the_bump() {
    let mut new = base();
    unrequire(&mut new, "Thing", "name");
    for extra in [&[][..], &["--format", "text"][..]] {
        let d = diff_raw(&base(), &new, extra);
        assert_eq!(d.status, 0, "{}", d.stderr);
        assert!(d.stdout.contains("Breaking changes (1)"), "{}", d.stdout);
        assert!(d.stdout.contains("Thing.name"), "{}", d.stdout);
        assert!(!d.stdout.contains("Non-breaking changes"), "{}", d.stdout);
        let last = d.stdout.lines().last().unwrap_or_default();
        assert!(
            last == "Suggested version bump: breaking (0.1.0 -> 0.2.0: \
                     below 1.0 Cargo treats the minor number as breaking)",
            "{}",
            d.stdout
        );
    }
}

#[test]
fn a_missing_new_spec_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    std::fs::write(&old, base().to_string()).unwrap();
    let missing = dir.path().join("missing.json");
    let out = run(&[
        "diff",
        "--no-overlays",
        old.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}: cannot read", missing.display())),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
