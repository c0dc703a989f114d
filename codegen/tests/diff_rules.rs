//! `phala-codegen diff` on small hand-made spec pairs: each test changes one
//! thing in a base spec and pins how the change is classified (category,
//! severity, subject), and where it matters the bump and the exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/phala-codegen.toml")
}

fn run(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .arg("--config")
        .arg(config())
        .args(args)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the generator panicked:\n{stderr}"
    );
    out
}

/// Two operations over four components:
/// - `GET /api/v1/things/{id}` (`get_thing`), with an optional `filter`
///   query parameter and a 404, returns `Thing`;
/// - `POST /api/v1/things` (`create_thing`) takes `ThingCreate`, returns
///   `Thing`.
///
/// `Thing` and its enum `ThingStatus` are response-only; `ThingCreate` and
/// its enum `ThingKind` are request-only. `Thing.note` is required and
/// nullable (`Option<String>`, required).
fn base() -> Value {
    let thing = json!({"$ref": "#/components/schemas/Thing"});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tiny", "version": "1"},
        "paths": {
            "/api/v1/things/{id}": {"get": {
                "operationId": "handle_get_thing_api_v1_things__id__get",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "filter", "in": "query", "required": false,
                     "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "ok",
                            "content": {"application/json": {"schema": thing}}},
                    "404": {"description": "missing"}
                }
            }},
            "/api/v1/things": {"post": {
                "operationId": "create_thing_api_v1_things_post",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ThingCreate"}}}},
                "responses": {
                    "200": {"description": "ok",
                            "content": {"application/json": {"schema": thing}}}
                }
            }}
        },
        "components": {"schemas": {
            "Thing": {
                "type": "object", "required": ["id", "name", "status", "note"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "status": {"$ref": "#/components/schemas/ThingStatus"},
                    "note": {"anyOf": [{"type": "string"}, {"type": "null"}]}
                }
            },
            "ThingStatus": {"type": "string", "enum": ["running", "stopped"]},
            "ThingCreate": {
                "type": "object", "required": ["name", "kind"],
                "properties": {
                    "name": {"type": "string"},
                    "kind": {"$ref": "#/components/schemas/ThingKind"}
                }
            },
            "ThingKind": {"type": "string", "enum": ["small", "large"]}
        }}
    })
}

/// The part of `doc` at a JSON pointer, for editing.
fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the spec"))
}

fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    at(doc, &format!("/components/schemas/{name}"))
}

fn get_thing(doc: &mut Value) -> &mut Value {
    at(doc, "/paths/~1api~1v1~1things~1{id}/get")
}

fn push(array: &mut Value, item: Value) {
    array.as_array_mut().expect("an array").push(item);
}

/// Adds a property to a component schema, listing it as required if asked.
fn add_property(doc: &mut Value, model: &str, name: &str, ty: Value, required: bool) {
    let s = schema(doc, model);
    s["properties"][name] = ty;
    if required {
        push(&mut s["required"], json!(name));
    }
}

fn unrequire(doc: &mut Value, model: &str, name: &str) {
    let required = schema(doc, model)["required"].as_array_mut().unwrap();
    let before = required.len();
    required.retain(|v| v != name);
    assert_eq!(
        required.len() + 1,
        before,
        "{model}.{name} was not required"
    );
}

/// One `diff` run's result.
struct Diff {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Diff {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// `(severity, scope, name, member, category)` of every entry.
    fn entries(&self) -> Vec<[String; 5]> {
        let report = self.json();
        report["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| {
                let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("-").to_owned();
                [
                    s("severity"),
                    s("scope"),
                    s("name"),
                    s("member"),
                    s("category"),
                ]
            })
            .collect()
    }

    fn bump(&self) -> (String, String) {
        let report = self.json();
        let version = &report["version"];
        let to = version["to"].as_str().expect("a version").to_owned();
        (report["bump"].as_str().expect("a bump").to_owned(), to)
    }

    /// Asserts the report is exactly `expected`, given as
    /// `"severity scope name member category"` (`-` for no member).
    fn expect(&self, expected: &[&str]) -> &Self {
        assert_eq!(self.status, 0, "{}\n{}", self.stdout, self.stderr);
        let got: Vec<String> = self.entries().iter().map(|e| e.join(" ")).collect();
        assert_eq!(got, expected, "report:\n{}", self.stdout);
        self
    }

    fn expect_bump(&self, bump: &str, version: &str) -> &Self {
        assert_eq!(
            self.bump(),
            (bump.to_owned(), version.to_owned()),
            "{}",
            self.stdout
        );
        self
    }
}

/// `phala-codegen diff old new --current-version 0.1.0 extra...` with the
/// two specs written to a temporary directory.
fn diff_raw(old: &Value, new: &Value, extra: &[&str]) -> Diff {
    let dir = tempfile::tempdir().unwrap();
    let (old_path, new_path) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&old_path, serde_json::to_string_pretty(old).unwrap()).unwrap();
    std::fs::write(&new_path, serde_json::to_string_pretty(new).unwrap()).unwrap();
    let mut args = vec![
        "diff",
        old_path.to_str().unwrap(),
        new_path.to_str().unwrap(),
        "--current-version",
        "0.1.0",
    ];
    args.extend(extra);
    let out = run(&args);
    Diff {
        status: out.status.code().expect("an exit status"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// [`diff_raw`] with `--format json`.
fn diff_with(old: &Value, new: &Value, extra: &[&str]) -> Diff {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    diff_raw(old, new, &args)
}

/// The base spec against the base spec changed by `edit`.
fn diff_edit(edit: impl FnOnce(&mut Value), extra: &[&str]) -> Diff {
    let mut new = base();
    edit(&mut new);
    diff_with(&base(), &new, extra)
}

fn changed(edit: impl FnOnce(&mut Value)) -> Diff {
    diff_edit(edit, &[])
}

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

#[test]
fn any_field_in_a_request_model_is_breaking() {
    for required in [true, false] {
        changed(|doc| {
            add_property(
                doc,
                "ThingCreate",
                "size",
                json!({"type": "integer"}),
                required,
            )
        })
        .expect(&["breaking model ThingCreate size field_added"])
        .expect_bump("major", "0.2.0");
    }
}

#[test]
fn a_field_in_a_model_nested_in_a_request_is_breaking() {
    let with_spec = |doc: &mut Value| {
        schema(doc, "ThingCreate")["properties"]["spec"] =
            json!({"$ref": "#/components/schemas/ThingSpec"});
        doc["components"]["schemas"]["ThingSpec"] = json!({
            "type": "object", "required": ["cpu"], "properties": {"cpu": {"type": "integer"}}
        });
    };
    let mut old = base();
    with_spec(&mut old);
    let mut new = old.clone();
    add_property(
        &mut new,
        "ThingSpec",
        "memory",
        json!({"type": "integer"}),
        false,
    );
    diff_with(&old, &new, &[]).expect(&["breaking model ThingSpec memory field_added"]);
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
fn enum_variants_break_matches_on_responses_only() {
    changed(|doc| push(&mut schema(doc, "ThingStatus")["enum"], json!("paused")))
        .expect(&["breaking model ThingStatus Paused variant_added"])
        .expect_bump("major", "0.2.0");
    changed(|doc| push(&mut schema(doc, "ThingKind")["enum"], json!("medium")))
        .expect(&["non_breaking model ThingKind Medium variant_added"])
        .expect_bump("minor", "0.1.1");
    for (model, gone, variant) in [
        ("ThingStatus", "stopped", "Stopped"),
        ("ThingKind", "large", "Large"),
    ] {
        changed(|doc| {
            schema(doc, model)["enum"]
                .as_array_mut()
                .unwrap()
                .retain(|v| v != gone)
        })
        .expect(&[format!("breaking model {model} {variant} variant_removed").as_str()]);
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
    d.expect(&["breaking operation get_thing - success_type_changed"])
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
}

#[test]
fn deprecating_an_operation_is_not_breaking() {
    changed(|doc| get_thing(doc)["deprecated"] = json!(true))
        .expect(&["non_breaking operation get_thing - deprecation_changed"])
        .expect_bump("patch", "0.1.1");
}

/// The real error catalog, as is and with one row added or removed.
fn catalogs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let config = phala_codegen::Config::load(&config()).unwrap();
    let text = std::fs::read_to_string(&config.inputs.error_catalog).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let row = |code: &str| lines.iter().position(|l| l.contains(code)).unwrap();
    let mut added = lines.clone();
    added.insert(
        row("`ERR-04-003`") + 1,
        "| `ERR-04-004` | `WorkspaceFrozenError` | The workspace is frozen<br/>*Raised when billing froze the workspace (HTTP 423)* |",
    );
    let mut removed = lines.clone();
    removed.remove(row("`ERR-01-008`"));
    let write = |name: &str, lines: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        path
    };
    (
        write("same.md", &lines),
        write("added.md", &added),
        write("removed.md", &removed),
    )
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
            last.starts_with("Suggested version bump: major") && last.ends_with("0.1.0 -> 0.2.0"),
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
    let out = run(&["diff", old.to_str().unwrap(), missing.to_str().unwrap()]);
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
