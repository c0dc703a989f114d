//! Golden tests for the emitters, one tiny spec per construct, as
//! progenitor does: the emitted file is an insta snapshot in
//! `tests/it/snapshots/`. After an intended change, review them with
//! `cargo insta review` (or run with `INSTA_UPDATE=always` and read the
//! diff).

use std::path::Path;

use phala_codegen::{config, Config};
use serde_json::{json, Value};

/// The generated files for a spec with `paths` and `schemas`.
fn generate(
    paths: Value,
    schemas: Value,
) -> std::collections::BTreeMap<std::path::PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut config = Config::load(&root.join(config::DEFAULT_CONFIG)).unwrap();
    config.allow_unused_overrides = true;
    // The tiny specs alone: the overlays are for the Phala spec.
    config.inputs.overlays = None;
    let spec = json!({
        "openapi": "3.1.0",
        "info": {"title": "Fixture", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.json");
    std::fs::write(&path, spec.to_string()).unwrap();
    phala_codegen::generate(&config, &path)
        .expect("the fixture generates")
        .files
}

fn file(files: &std::collections::BTreeMap<std::path::PathBuf, String>, path: &str) -> String {
    files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("{path} not generated; files: {:?}", files.keys()))
        .clone()
}

fn ok(schema: Value) -> Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}})
}

#[test]
fn multipart_operation_with_header_and_query() {
    let files = generate(
        json!({"/api/v1/things/{thing_id}/file": {"patch": {
            "operationId": "upload_api_v1_things__thing_id__file_patch",
            "tags": ["Things"],
            "parameters": [
                {"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "X-Token", "in": "header", "required": false, "schema": {"type": "string"}},
                {"name": "dry_run", "in": "query", "required": true, "schema": {"type": "string"}}
            ],
            "requestBody": {"content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}}
            }}}},
            "responses": ok(json!({"$ref": "#/components/schemas/Thing"}))
        }}}),
        json!({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}),
    );
    insta::assert_snapshot!(file(&files, "src/operations/things.rs"));
}

#[test]
fn version_union_and_its_variant_table() {
    let files = generate(
        json!({"/api/v1/cvms/{cvm_id}": {"get": {
            "operationId": "get_cvm_api_v1_cvms__cvm_id__get",
            "parameters": [{"name": "cvm_id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": ok(json!({"anyOf": [
                {"$ref": "#/components/schemas/CvmV20251028"},
                {"$ref": "#/components/schemas/CvmV20260121"}
            ]}))
        }}}),
        json!({
            "CvmV20251028": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
            "CvmV20260121": {"type": "object", "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
        }),
    );
    insta::assert_snapshot!("union_type", file(&files, "src/types/g.rs"));
    insta::assert_snapshot!("union_table", file(&files, "src/unions.rs"));
}

#[test]
fn header_parameter_bodiless_success_and_paged_list() {
    let files = generate(
        json!({
            "/api/v1/things/{thing_id}": {"delete": {
                "operationId": "delete_thing_api_v1_things__thing_id__delete",
                "tags": ["Things"],
                "parameters": [
                    {"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "X-Confirm", "in": "header", "required": true, "schema": {"type": "string"}}
                ],
                "responses": {"204": {"description": "gone"}}
            }},
            "/api/v1/things": {"get": {
                "operationId": "list_things_api_v1_things_get",
                "tags": ["Things"],
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                    {"name": "page_size", "in": "query", "schema": {"type": "integer", "maximum": 100, "default": 20}}
                ],
                "responses": ok(json!({"type": "object", "required": ["items", "total"], "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "total": {"type": "integer"}
                }}))
            }}
        }),
        json!({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}),
    );
    insta::assert_snapshot!(file(&files, "src/operations/things.rs"));
}

#[test]
fn raw_bytes_response() {
    let files = generate(
        json!({"/api/v1/things/{thing_id}/raw": {"get": {
            "operationId": "get_raw_api_v1_things__thing_id__raw_get",
            "tags": ["Things"],
            "parameters": [{"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "bytes", "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}
            }}}}
        }}}),
        json!({}),
    );
    insta::assert_snapshot!(file(&files, "src/operations/things.rs"));
}
