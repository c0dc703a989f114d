//! `phala-codegen diff` on hand-made spec pairs, continued: endpoints and
//! parameters that move, reordered arguments, error-code constants renamed,
//! and shape changes of enums, newtypes and models.

use crate::diff_support::*;
use serde_json::{json, Value};

#[test]
fn a_new_class_for_an_error_code_renames_its_constant() {
    let dir = tempfile::tempdir().unwrap();
    let (same, _, _) = catalogs(dir.path());
    let text = std::fs::read_to_string(&same).unwrap();
    let renamed = dir.path().join("renamed.md");
    std::fs::write(
        &renamed,
        text.replace("`HashNotAllowed`", "`ComposeHashRejected`"),
    )
    .unwrap();
    let args = [
        "--old-catalog",
        same.to_str().unwrap(),
        "--new-catalog",
        renamed.to_str().unwrap(),
    ];
    let d = diff_with(&base(), &base(), &args);
    d.expect(&["breaking error_code ERR-01-008 - error_code_renamed"]);
    let detail = d.json()["entries"][0]["detail"].clone();
    assert_eq!(
        detail,
        "constant error_codes::HASH_NOT_ALLOWED -> error_codes::COMPOSE_HASH_REJECTED"
    );
}

#[test]
fn a_moved_endpoint_under_the_same_name_is_not_breaking() {
    changed(|doc| {
        let paths = doc["paths"].as_object_mut().unwrap();
        let item = paths.remove("/api/v1/things/{id}").unwrap();
        paths.insert("/api/v1/items/{id}".into(), item);
    })
    .expect(&["non_breaking operation get_thing - endpoint_changed"])
    .expect_bump("patch", "0.1.1");
}

#[test]
fn a_parameter_sent_elsewhere_under_the_same_name_is_not_breaking() {
    changed(|doc| get_thing(doc)["parameters"][1]["in"] = json!("header"))
        .expect(&["non_breaking operation get_thing filter parameter_location_changed"]);
}

#[test]
fn swapped_path_arguments_are_breaking() {
    let two = |template: &str| {
        let mut doc = base();
        let paths = doc["paths"].as_object_mut().unwrap();
        let mut item = paths.remove("/api/v1/things/{id}").unwrap();
        push(
            &mut item["get"]["parameters"],
            json!({"name": "part", "in": "path", "required": true, "schema": {"type": "string"}}),
        );
        paths.insert(template.into(), item);
        doc
    };
    let (old, new) = (
        two("/api/v1/things/{id}/{part}"),
        two("/api/v1/parts/{part}/{id}"),
    );
    diff_with(&old, &new, &[]).expect(&[
        "breaking operation get_thing - arguments_reordered",
        "non_breaking operation get_thing - endpoint_changed",
    ]);
}

#[test]
fn shape_changes_of_enums_newtypes_and_models_are_breaking() {
    let with = |name: &str, schema: Value| {
        let mut doc = base();
        doc["components"]["schemas"][name] = schema;
        add_property(
            &mut doc,
            "Thing",
            "extra",
            json!({"$ref": format!("#/components/schemas/{name}")}),
            false,
        );
        doc
    };
    let union = |items: &str| json!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": items}}]});
    diff_with(
        &with("Value", union("string")),
        &with("Value", union("integer")),
        &[],
    )
    .expect(&["breaking model Value Array variant_changed"]);
    let code = json!({"type": "string", "maxLength": 8});
    let codes = json!({"type": "array", "items": {"type": "string"}, "maxItems": 3});
    let d = diff_with(&with("Code", code), &with("Code", codes), &[]);
    d.expect(&["breaking model Code - newtype_changed"]);
    assert_eq!(
        d.json()["entries"][0]["detail"],
        "inner type String -> Vec<String>"
    );
    changed(|doc| {
        *schema(doc, "ThingStatus") = json!({
            "type": "object", "required": ["state"], "properties": {"state": {"type": "string"}}
        });
    })
    .expect(&["breaking model ThingStatus - model_kind_changed"]);
}
