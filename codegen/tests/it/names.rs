//! Every input that used to panic or to produce a crate that does not
//! compile (issue 16) is now exit 2 with a message that says where and what
//! to do. Each case pins the whole message.

use std::path::Path;

use crate::support::{config_in, run_with};

/// A multipart PATCH whose path parameter is `param`, and a JSON GET.
fn spec(param: &str, extra_schemas: &str) -> String {
    let p = serde_json::to_string(param).unwrap();
    let key = p.trim_matches('"');
    format!(
        r#"{{
  "openapi": "3.1.0",
  "info": {{"title": "Names", "version": "1"}},
  "paths": {{
    "/api/v1/things/{{{key}}}/file": {{"patch": {{
      "operationId": "upload_thing_api_v1_things__id__file_patch",
      "parameters": [{{"name": {p}, "in": "path", "required": true, "schema": {{"type": "string"}}}}],
      "requestBody": {{"content": {{"multipart/form-data": {{"schema": {{
        "type": "object", "properties": {{"file": {{"type": "string", "format": "binary"}}}}
      }}}}}}}},
      "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"type": "object"}}}}}}}}}}
    }}}},
    "/api/v1/things": {{"get": {{
      "operationId": "list_things_api_v1_things_get",
      "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"type": "object"}}}}}}}}}}
    }}}}
  }},
  "components": {{"schemas": {{"Thing": {{"type": "object"}}{extra_schemas}}}}}
}}"#
    )
}

/// Runs the generator on `spec_text` with the workspace configuration as
/// `edit` changes it and `catalog` (Markdown) if given; returns the exit
/// code and stderr.
fn generate(
    spec_text: &str,
    edit: impl FnOnce(String) -> String,
    catalog: Option<&str>,
) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("spec.json");
    std::fs::write(&spec_path, spec_text).unwrap();
    let config = config_in(dir.path(), edit);
    let mut args = vec![
        "--allow-unused-overrides",
        "--no-overlays",
        "--spec",
        spec_path.to_str().unwrap(),
    ];
    let catalog_path = dir.path().join("codes.md");
    if let Some(text) = catalog {
        std::fs::write(&catalog_path, text).unwrap();
        args.extend(["--error-catalog", catalog_path.to_str().unwrap()]);
    }
    let out = run_with(&config, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stderr, dir)
}

/// The error line, with the temporary directory replaced by `TMP`.
fn error_line(stderr: &str, dir: &Path) -> String {
    stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line in:\n{stderr}"))
        .replace(&dir.display().to_string(), "TMP")
}

fn expect(
    spec_text: &str,
    edit: impl FnOnce(String) -> String,
    catalog: Option<&str>,
    message: &str,
) {
    let (code, stderr, dir) = generate(spec_text, edit, catalog);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(error_line(&stderr, dir.path()), message);
}

const CATALOG_HEAD: &str =
    "## Module 01: Things\n\n| Error Code | Exception | Message |\n|---|---|---|\n";

#[test]
fn multipart_parameter_names_that_are_not_identifiers() {
    for (param, problem, suggestion) in [
        ("", "it is empty", "x_"),
        ("-", "it is empty", "x_"),
        ("3", "it starts with '3'", "x_3"),
    ] {
        expect(
            &spec(param, ""),
            |t| t,
            None,
            &format!(
                "error: operation `upload_thing_api_v1_things__id__file_patch` at \
                 #/paths/~1api~1v1~1things~1{{{param}}}~1file/patch/parameters: parameter `{param}` \
                 gives the Rust name {:?} is not a usable Rust identifier ({problem}); use a name \
                 like `{suggestion}`",
                heck::ToSnakeCase::to_snake_case(param)
            ),
        );
    }
}

#[test]
fn a_parameter_that_clashes_with_the_builder_names_the_operation_and_its_method() {
    // The pointer ends in the method: one path may hold several operations.
    expect(
        &spec("phala", ""),
        |t| t,
        None,
        "error: unsupported construct in operation `upload_thing_api_v1_things__id__file_patch` \
         at #/paths/~1api~1v1~1things~1{phala}~1file/patch: parameter `phala` clashes with the \
         builder's own `phala` field, `phala_` locals or `api_version` (to generate the rest, \
         list it in the config's `[skip] operations` or pass --skip-unsupported)",
    );
}

#[test]
fn catalog_rows_and_modules_that_give_no_usable_name() {
    let ok = |t: String| t;
    let spec_text = spec("id", "");
    expect(
        &spec_text,
        ok,
        Some(&format!(
            "{CATALOG_HEAD}| `ERR-01-001` | `Error` | Broken |\n"
        )),
        "error: TMP/codes.md:5: malformed row: ERR-01-001: the constant name \"\" (from class \
         `Error`) is not a SCREAMING_SNAKE_CASE Rust identifier; name the code in \
         [error_code_names] of spec/phala-codegen.toml, e.g. \"ERR-01-001\" = \"ERROR\"",
    );
    for class in ["UnknownError", "MissingError"] {
        let constant = if class == "UnknownError" {
            "UNKNOWN"
        } else {
            "MISSING"
        };
        let variant = if class == "UnknownError" {
            "Unknown"
        } else {
            "Missing"
        };
        expect(
            &spec_text,
            ok,
            Some(&format!(
                "{CATALOG_HEAD}| `ERR-01-001` | `{class}` | Broken |\n"
            )),
            &format!(
                "error: TMP/codes.md:5: malformed row: ERR-01-001: the constant {constant} (from \
                 class `{class}`) would be the variant `ErrorCode::{variant}`, which `ErrorCode` \
                 already has for codes it does not know; name the code in [error_code_names] of \
                 spec/phala-codegen.toml, e.g. \"ERR-01-001\" = \"{constant}_ERROR\""
            ),
        );
    }
    expect(
        &spec_text,
        ok,
        Some("## Module 0-7: Odd\n\n| Error Code | Exception | Message |\n|---|---|---|\n"),
        "error: TMP/codes.md:1: malformed row: module id \"0-7\" cannot name a Rust module \
         `module_0-7` (it contains '-'); use digits, e.g. `07`",
    );
    expect(
        &spec_text,
        ok,
        Some("## Module x y: Empty\n"),
        "error: TMP/codes.md:1: malformed row: module id \"x y\" cannot name a Rust module \
         `module_x y` (it contains ' '); use digits, e.g. `07`",
    );
}

#[test]
fn a_code_listed_twice() {
    expect(
        &spec("id", ""),
        |t| t,
        Some(&format!(
            "{CATALOG_HEAD}| `ERR-01-001` | `ThingBrokenError` | Broken |\n| `ERR-01-001` | `ThingGoneError` | Gone |\n"
        )),
        "error: TMP/codes.md:6: malformed row: ERR-01-001 is listed twice (first on line 5)",
    );
}

#[test]
fn error_code_names_that_are_not_constants() {
    let catalog = format!("{CATALOG_HEAD}| `ERR-01-001` | `ThingBrokenError` | Broken |\n");
    for (name, shown) in [
        ("", "\"\""),
        ("a b", "\"a b\""),
        ("1X", "\"1X\""),
        ("UNKNOWN", ""),
    ] {
        let edit = |t: String| {
            t.lines()
                .filter(|l| !(l.starts_with('"') && l.contains("ERR-")))
                .collect::<Vec<_>>()
                .join("\n")
                .replace(
                    "[error_code_names]",
                    &format!("[error_code_names]\n\"ERR-01-001\" = {name:?}"),
                )
        };
        let message = if name == "UNKNOWN" {
            "error: TMP/codes.md:5: malformed row: ERR-01-001: the constant UNKNOWN (from \
             [error_code_names]) would be the variant `ErrorCode::Unknown`, which `ErrorCode` \
             already has for codes it does not know; name the code in [error_code_names] of \
             spec/phala-codegen.toml, e.g. \"ERR-01-001\" = \"THING_BROKEN_ERROR\""
                .to_owned()
        } else {
            format!(
                "error: TMP/codes.md:5: malformed row: ERR-01-001: the constant name {shown} (from \
                 [error_code_names]) is not a SCREAMING_SNAKE_CASE Rust identifier; name the code \
                 in [error_code_names] of spec/phala-codegen.toml, e.g. \"ERR-01-001\" = \
                 \"THING_BROKEN_ERROR\""
            )
        };
        expect(&spec("id", ""), edit, Some(&catalog), &message);
    }
}

#[test]
fn method_names_that_clash_with_the_clients_own() {
    for (name, clash) in [
        ("new", "a method the client types already have"),
        ("raw", "a method the client types already have"),
        ("builder", "a method the client types already have"),
        (
            "safe_list_things",
            "the `safe_` twin of operation method `list_things`",
        ),
    ] {
        let edit = |t: String| {
            t.replace(
                "[operation_names]\n",
                &format!(
                    "[operation_names]\nupload_thing_api_v1_things__id__file_patch = {name:?}\n"
                ),
            )
        };
        expect(
            &spec("id", ""),
            edit,
            None,
            &format!(
                "error: operation `upload_thing_api_v1_things__id__file_patch`: method `{name}` \
                 clashes with {clash}; rename it in spec/phala-codegen.toml"
            ),
        );
    }
}

#[test]
fn a_method_example_that_does_not_call_its_method() {
    // Left behind by a rename: it would document another method.
    expect(
        &spec("id", ""),
        |t| {
            t.replace(
                "[method_examples]\n",
                "[method_examples]\nlist_things = \"client.get_things().await?;\"\n",
            )
        },
        None,
        "error: TMP/phala-codegen.toml: invalid configuration: method_examples.list_things: \
         the example never calls `client.list_things(`",
    );
}

#[test]
fn a_crate_name_that_cargo_would_refuse() {
    expect(
        &spec("id", ""),
        |t| t.replace("name = \"phala-cloud\"", "name = \"phala cloud\""),
        None,
        "error: TMP/phala-codegen.toml: invalid configuration: crate.name \"phala cloud\" is not \
         a crate name (ASCII letters, digits, `-`, `_`, starting with a letter); e.g. \
         \"phala-cloud\"",
    );
}

#[test]
fn self_referential_schemas_are_errors_even_when_unused() {
    expect(
        &spec(
            "id",
            r##", "LoopA": {"$ref": "#/components/schemas/LoopA"}"##,
        ),
        |t| t,
        None,
        "error: #/components/schemas/LoopA: the schema is only a reference around a loop \
         (LoopA -> LoopA), so it has no shape a type could have; give one of them properties, or \
         remove them",
    );
    expect(
        &spec(
            "id",
            r##", "LoopB": {"allOf": [{"$ref": "#/components/schemas/LoopC"}]}, "LoopC": {"$ref": "#/components/schemas/LoopB"}"##,
        ),
        |t| t,
        None,
        "error: #/components/schemas/LoopB: the schema is only a reference around a loop \
         (LoopB -> LoopC -> LoopB), so it has no shape a type could have; give one of them \
         properties, or remove them",
    );
}

/// A spec whose `bad` property schema sits inline in one operation's body,
/// or in a component, among six good operations.
fn spec_with_bad_schema(bad: &str, in_operation: bool) -> String {
    let mut paths: Vec<String> = (0..6)
        .map(|i| {
            format!(
                r##""/api/v1/x{i}": {{"get": {{"operationId": "get_x{i}", "responses": {{"200": {{"description": "ok",
                "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Thing"}}}}}}}}}}}}}}"##
            )
        })
        .collect();
    let mut components =
        r#""Thing": {"type": "object", "properties": {"a": {"type": "string"}}}"#.to_owned();
    let holder = format!(r#"{{"type": "object", "properties": {{"flag": {bad}}}}}"#);
    if in_operation {
        paths.push(format!(
            r#""/api/v1/bad": {{"post": {{"operationId": "post_bad", "requestBody": {{"content": {{"application/json": {{"schema": {holder}}}}}}},
            "responses": {{"200": {{"description": "ok"}}}}}}}}"#
        ));
    } else {
        components.push_str(&format!(r#", "Bad": {holder}"#));
    }
    format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "L", "version": "1"}},
        "paths": {{{}}}, "components": {{"schemas": {{{components}}}}}}}"#,
        paths.join(",")
    )
}

#[test]
fn progenitor_and_typify_errors_name_the_part_the_schema_and_a_fix() {
    let frob = r#"{"type": "frob"}"#;
    let at_op =
        "error: unsupported construct in operation `post_bad` at #/paths/~1api~1v1~1bad/post: ";
    let at_component = "error: #/components/schemas/Bad: ";
    let frob_text = "progenitor/typify: not yet implemented: invalid type: frob";
    let skip_hint = " (to generate the rest, list it in the config's `[skip] operations` or pass --skip-unsupported)";
    // A default its own schema rejects used to stop typify here; the
    // `bad_defaults` pass now drops it, and the spec generates.
    let default = r#"{"type": "string", "default": true}"#;
    for in_operation in [true, false] {
        let (code, stderr, _dir) =
            generate(&spec_with_bad_schema(default, in_operation), |t| t, None);
        assert_eq!(code, Some(0), "{stderr}");
    }
    // Each names the schema inside that fails, its keywords, and a fix.
    let overlay = "to go on, rewrite or remove it with an overlay (a directory given as \
                   `[inputs] overlays` in a --config file; see docs/specs-and-overlays.md#overlays)";
    let in_op = "#/paths/~1api~1v1~1bad/post/requestBody/content/application~1json/schema";
    expect(
        &spec_with_bad_schema(frob, true),
        |t| t,
        None,
        &format!(
            "{at_op}{frob_text}; the schema that fails: {in_op}/properties/flag (`type`); \
             {overlay}{skip_hint}"
        ),
    );
    expect(
        &spec_with_bad_schema(frob, false),
        |t| t,
        None,
        &format!(
            "{at_component}{frob_text}; the schema that fails: \
             #/components/schemas/Bad/properties/flag (`type`); {overlay}, \
             or pass --skip-unsupported to type `Bad` as any JSON"
        ),
    );
}

/// `spec` with both operations deprecated: the upload says what replaces
/// it in prose, the list by `x-codegen-replacement` naming `replacement`.
fn deprecated_spec(replacement: &str) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&spec("id", "")).unwrap();
    let upload = &mut doc["paths"]["/api/v1/things/{id}/file"]["patch"];
    upload["deprecated"] = true.into();
    upload["description"] = "Deprecated. Use GET /things instead.".into();
    let list = &mut doc["paths"]["/api/v1/things"]["get"];
    list["deprecated"] = true.into();
    list["x-codegen-replacement"] = replacement.into();
    doc.to_string()
}

#[test]
fn a_deprecation_names_its_replacement_by_method() {
    let (code, stderr, dir) = generate(&deprecated_spec("PATCH /things/{x}/file"), |t| t, None);
    assert_eq!(code, Some(0), "{stderr}");
    let ops = std::fs::read_to_string(dir.path().join("out/src/operations/default.rs")).unwrap();
    for note in [
        "use `list_things` (`GET /api/v1/things`) instead",
        "use `upload_thing` (`PATCH /api/v1/things/{id}/file`) instead",
    ] {
        let attribute = format!("#[deprecated(note = \"{note}\")]");
        assert!(ops.contains(&attribute), "{attribute} missing");
    }
    // A declared replacement must name an endpoint the API has.
    expect(
        &deprecated_spec("PUT /things"),
        |t| t,
        None,
        "error: #/paths/~1api~1v1~1things/get/x-codegen-replacement: names `PUT /things`, \
         which no operation of the API has",
    );
}

/// The `error_codes` module's example is made from the crate's own catalog
/// (its first code with an HTTP status), not from Phala's.
#[test]
fn the_error_codes_example_uses_the_crates_own_catalog() {
    let catalog = format!(
        "{CATALOG_HEAD}| `ERR-01-001` | `ThingBrokenError` | Broken |\n\
         | `ERR-01-002` | `ThingTakenError` | Taken<br/>*Raised when taken (HTTP 409)* |\n"
    );
    let drop_phala_names = |t: String| {
        t.lines()
            .filter(|l| !(l.starts_with('"') && l.contains("ERR-")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (code, stderr, dir) = generate(&spec("id", ""), drop_phala_names, Some(&catalog));
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("out/src/error_codes.rs")).unwrap();
    for line in [
        "//! use phala_cloud::error_codes::{ErrorCode, THING_TAKEN};",
        "//! let code: ErrorCode = \"ERR-01-002\".parse().unwrap();",
        "//! assert_eq!(code.http_status(), Some(409));",
    ] {
        assert!(text.contains(line), "{line} missing:\n{}", &text[..1200]);
    }
    assert!(!text.contains("CVM_APP_ID_CONFLICT"));
}
