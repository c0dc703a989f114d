//! Shared by the `diff` rule tests: a small base spec, JSON-pointer edits,
//! and running `phala-codegen diff` on two specs in a temporary directory.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

pub use crate::support::{config, run};

/// Two operations over four components:
/// - `GET /api/v1/things/{id}` (`get_thing`), with an optional `filter`
///   query parameter and a 404, returns `Thing`;
/// - `POST /api/v1/things` (`create_thing`) takes `ThingCreate`, returns
///   `Thing`.
///
/// `Thing` and its enum `ThingStatus` are response-only; `ThingCreate` and
/// its enum `ThingKind` are request-only. `Thing.note` is required and
/// nullable (`Option<String>`, required).
pub fn base() -> Value {
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
pub fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the spec"))
}

pub fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    at(doc, &format!("/components/schemas/{name}"))
}

pub fn get_thing(doc: &mut Value) -> &mut Value {
    at(doc, "/paths/~1api~1v1~1things~1{id}/get")
}

pub fn push(array: &mut Value, item: Value) {
    array.as_array_mut().expect("an array").push(item);
}

/// Adds a property to a component schema, listing it as required if asked.
pub fn add_property(doc: &mut Value, model: &str, name: &str, ty: Value, required: bool) {
    let s = schema(doc, model);
    s["properties"][name] = ty;
    if required {
        push(&mut s["required"], json!(name));
    }
}

pub fn unrequire(doc: &mut Value, model: &str, name: &str) {
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
pub struct Diff {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Diff {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// `(severity, scope, name, member, category)` of every entry.
    pub fn entries(&self) -> Vec<[String; 5]> {
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

    pub fn bump(&self) -> (String, String) {
        let report = self.json();
        let version = &report["version"];
        let to = version["to"].as_str().expect("a version").to_owned();
        (report["bump"].as_str().expect("a bump").to_owned(), to)
    }

    /// Asserts the report is exactly `expected`, given as
    /// `"severity scope name member category"` (`-` for no member).
    pub fn expect(&self, expected: &[&str]) -> &Self {
        assert_eq!(self.status, 0, "{}\n{}", self.stdout, self.stderr);
        let got: Vec<String> = self.entries().iter().map(|e| e.join(" ")).collect();
        assert_eq!(got, expected, "report:\n{}", self.stdout);
        self
    }

    pub fn expect_bump(&self, bump: &str, version: &str) -> &Self {
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
pub fn diff_raw(old: &Value, new: &Value, extra: &[&str]) -> Diff {
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
        // Hand-made specs: the Phala overlays' targets are not in them.
        "--no-overlays",
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
pub fn diff_with(old: &Value, new: &Value, extra: &[&str]) -> Diff {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    diff_raw(old, new, &args)
}

/// The base spec against the base spec changed by `edit`.
pub fn diff_edit(edit: impl FnOnce(&mut Value), extra: &[&str]) -> Diff {
    let mut new = base();
    edit(&mut new);
    diff_with(&base(), &new, extra)
}

pub fn changed(edit: impl FnOnce(&mut Value)) -> Diff {
    diff_edit(edit, &[])
}

/// The real error catalog, as is and with one row added or removed.
pub fn catalogs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let config = phala_codegen::Config::load(&config()).unwrap();
    let text = std::fs::read_to_string(config.inputs.error_catalog.as_ref().unwrap()).unwrap();
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
