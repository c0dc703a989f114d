//! The CLI on small hand-made specs: bad input gives a clear error and a
//! non-zero exit (never a panic), `--check` detects edits, and a second run
//! writes nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{config, run};

const GOOD: &str = r##"{
  "openapi": "3.1.0",
  "info": {"title": "Tiny", "version": "1"},
  "paths": {
    "/api/v1/things/{id}": {
      "get": {
        "operationId": "handle_get_thing_api_v1_things__id__get",
        "summary": "Get a thing",
        "parameters": [
          {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "kind", "in": "query", "required": false,
           "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]}}
        ],
        "responses": {
          "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
          "404": {"description": "missing"}
        }
      }
    }
  },
  "components": {"schemas": {"Thing": {
    "type": "object", "required": ["id"],
    "properties": {"id": {"type": "string"}, "size": {"type": "number", "exclusiveMinimum": 0.0}}
  }}}
}"##;

fn generate_from(name: &str, text: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join(name);
    std::fs::write(&spec, text).unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&[
        "--allow-unused-overrides",
        "--no-overlays",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    (dir, out)
}

fn expect_error(name: &str, text: &str, needles: &[&str]) {
    let (_dir, out) = generate_from(name, text);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure, got success:\n{stderr}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
}

#[test]
fn missing_spec_names_the_file() {
    let out = run(&[
        "--allow-unused-overrides",
        "--no-overlays",
        "--spec",
        "/nonexistent/spec.json",
        "--out",
        "/nonexistent/out",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/spec.json: cannot read"),
        "{stderr}"
    );
}

#[test]
fn invalid_json_reports_line_and_column() {
    let broken = GOOD.replacen(
        "\"summary\": \"Get a thing\",",
        "\"summary\": \"Get a thing\"",
        1,
    );
    expect_error("spec.json", &broken, &["spec.json:9:9:", "invalid JSON"]);
}

#[test]
fn invalid_yaml_reports_line_and_column() {
    let yaml = "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\npaths: {\n  /x: [\n";
    expect_error("spec.yaml", yaml, &["spec.yaml:7:", "invalid YAML"]);
}

#[test]
fn valid_yaml_generates() {
    let value: serde_json::Value = serde_json::from_str(GOOD).unwrap();
    let yaml = serde_norway::to_string(&value).unwrap();
    let (dir, out) = generate_from("spec.yaml", &yaml);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ops = std::fs::read_to_string(dir.path().join("out/src/operations/default.rs")).unwrap();
    assert!(ops.contains("pub fn get_thing("), "{ops}");
}

#[test]
fn unsupported_openapi_version_is_rejected() {
    expect_error(
        "spec.json",
        &GOOD.replace("\"openapi\": \"3.1.0\"", "\"swagger\": \"2.0\""),
        &["unsupported OpenAPI version", "<missing>"],
    );
    expect_error(
        "spec.json",
        &GOOD.replace("3.1.0", "4.0.0"),
        &["unsupported OpenAPI version \"4.0.0\""],
    );
}

#[test]
fn missing_operation_id_is_named_from_method_and_path_with_a_warning() {
    let (dir, out) = generate_from(
        "spec.json",
        &GOOD.replace(
            "\"operationId\": \"handle_get_thing_api_v1_things__id__get\",",
            "",
        ),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "1 operation(s) have no operationId and are named from method and path \
             (`GET /api/v1/things/{id}` -> `get_api_v1_things_by_id`)"
        ),
        "{stderr}"
    );
    let surface = std::fs::read_to_string(dir.path().join("out/api-surface.json")).unwrap();
    assert!(surface.contains("\"get_api_v1_things_by_id\""), "{surface}");
}

#[test]
fn two_operations_with_one_method_name_collide() {
    let mut doc: serde_json::Value = serde_json::from_str(GOOD).unwrap();
    let mut twin = doc["paths"]["/api/v1/things/{id}"].clone();
    twin["get"]["operationId"] = "get_thing_api_v1_other__id__get".into();
    doc["paths"]["/api/v1/other/{id}"] = twin;
    expect_error(
        "spec.json",
        &doc.to_string(),
        &[
            "name collision: method `get_thing`",
            "/api/v1/other/{id}",
            "/api/v1/things/{id}",
        ],
    );
}

#[test]
fn unsupported_construct_names_operation_and_pointer() {
    // Cookie parameters are supported; a location OpenAPI does not have is not.
    let matrix = GOOD.replace("\"in\": \"query\"", "\"in\": \"matrix\"");
    expect_error(
        "spec.json",
        &matrix,
        &[
            "unsupported construct in operation `handle_get_thing_api_v1_things__id__get`",
            "#/paths/~1api~1v1~1things~1{id}/get/parameters/1",
            "\"matrix\"",
        ],
    );
    // Any request media type is sent as bytes, but a multipart body needs
    // fields to send.
    let multipart = GOOD.replace(
        "\"responses\": {\n          \"200\"",
        "\"requestBody\": {\"content\": {\"multipart/form-data\": {\"schema\": {\"type\": \"string\"}}}},\n        \"responses\": {\n          \"200\"",
    );
    expect_error(
        "spec.json",
        &multipart,
        &[
            "#/paths/~1api~1v1~1things~1{id}/get/requestBody/content/multipart~1form-data/schema",
            "a multipart body must be an object schema",
        ],
    );
}

/// `GOOD` written to `dir/spec.json`, its output directory `dir/out`, and
/// the arguments that generate the one into the other.
fn good_in(dir: &Path) -> (PathBuf, PathBuf, Vec<String>) {
    let spec = dir.join("spec.json");
    std::fs::write(&spec, GOOD).unwrap();
    let out_dir = dir.join("out");
    let args = [
        "--allow-unused-overrides",
        "--no-overlays",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]
    .map(str::to_owned)
    .to_vec();
    (spec, out_dir, args)
}

#[test]
fn second_run_writes_nothing_and_check_detects_edits() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out_dir, owned) = good_in(dir.path());
    let args: Vec<&str> = owned.iter().map(String::as_str).collect();
    let first = run(&args);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let lib = out_dir.join("src/lib.rs");
    let mtime = std::fs::metadata(&lib).unwrap().modified().unwrap();

    let second = run(&args);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains(" 0 files written"), "{stdout}");
    assert_eq!(std::fs::metadata(&lib).unwrap().modified().unwrap(), mtime);

    let mut check_args = args.to_vec();
    check_args.push("--check");
    assert!(run(&check_args).status.success());

    let edited = out_dir.join("src/types/t.rs");
    let original = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{original}// hand edit\n")).unwrap();
    let check = run(&check_args);
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("src/types/t.rs"), "{stderr}");
    assert!(
        stderr.contains("cargo run --release -p phala-codegen"),
        "{stderr}"
    );
    assert!(
        std::fs::read_to_string(&edited)
            .unwrap()
            .ends_with("// hand edit\n"),
        "--check wrote"
    );
}

/// The fingerprint's fast path (issue 18): an unchanged run skips every
/// stage, and each kind of edit (an input, a generated file, a removed or an
/// extra generated file) forces the full run that repairs the output.
#[test]
fn fingerprint_skips_no_ops_and_every_edit_forces_a_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, out_dir, owned) = good_in(dir.path());
    let args: Vec<&str> = owned.iter().map(String::as_str).collect();
    let stdout = |args: &[&str]| {
        let out = run(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    const FAST: &str = "inputs and outputs match codegen-fingerprint.json";
    let first = stdout(&args);
    assert!(!first.contains(FAST), "{first}");
    assert!(out_dir.join("codegen-fingerprint.json").is_file());
    let again = stdout(&args);
    assert!(
        again.contains(FAST) && again.contains(" 0 files written"),
        "{again}"
    );
    let mut check = args.to_vec();
    check.push("--check");
    assert!(stdout(&check).contains("codegen-fingerprint.json matches"));
    let mut force = args.to_vec();
    force.push("--force");
    let forced = stdout(&force);
    assert!(
        !forced.contains(FAST) && forced.contains(" 0 files written"),
        "{forced}"
    );

    // An edited generated file: the full run puts it back.
    let edited = out_dir.join("src/types/t.rs");
    let original = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{original}// hand edit\n")).unwrap();
    let repaired = stdout(&args);
    assert!(
        !repaired.contains(FAST) && repaired.contains(" 1 files written"),
        "{repaired}"
    );
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), original);

    // A removed one comes back; an extra one the generator owns goes.
    std::fs::remove_file(&edited).unwrap();
    assert!(stdout(&args).contains(" 1 files written"));
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), original);
    let extra = out_dir.join("src/stray.rs");
    std::fs::write(&extra, format!("{}\n", phala_codegen::render::MARKER)).unwrap();
    assert!(stdout(&args).contains(" 1 removed"));
    assert!(!extra.exists());
    assert!(stdout(&args).contains(FAST));

    // An edited input: the new summary reaches the docs.
    std::fs::write(&spec, GOOD.replace("Get a thing", "Get one thing")).unwrap();
    let regenerated = stdout(&args);
    assert!(!regenerated.contains(FAST), "{regenerated}");
    let ops = std::fs::read_to_string(out_dir.join("src/operations/default.rs")).unwrap();
    assert!(ops.contains("Get one thing"), "{ops}");
    assert!(stdout(&args).contains(FAST));
}

/// `[docs] guide` (issue 29): a directory of Markdown pages becomes the
/// crate's `guide` module, one doc-only module per page, in file-name
/// order; without the key there is none. The pages are inputs: an edited
/// page forces a full run, a removed one takes its copy with it, and a page
/// whose name is not an identifier is an error naming it.
#[test]
fn a_guide_directory_becomes_the_crate_guide_and_its_pages_are_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.json");
    std::fs::write(&spec, GOOD).unwrap();
    let out_dir = dir.path().join("out");
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    let start = "# Getting started\n\nCall `get_thing`.\n";
    std::fs::write(pages.join("10-start.md"), start).unwrap();
    std::fs::write(
        pages.join("20-errors.md"),
        "# Errors\n\nSee [the start](crate::guide::start#getting-started).\n",
    )
    .unwrap();
    let refinement = dir.path().join("refine.toml");
    std::fs::write(&refinement, "[docs]\nguide = \"pages\"\n").unwrap();
    let generic = |with_guide: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_phala-codegen"));
        command
            .args(["--generic", "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&out_dir);
        if with_guide {
            command.arg("--config").arg(&refinement);
        }
        let out = command.output().expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        (out, stderr)
    };
    let read = |rel: &str| std::fs::read_to_string(out_dir.join(rel)).unwrap();
    const FAST: &str = "inputs and outputs match codegen-fingerprint.json";

    let (plain, stderr) = generic(false);
    assert!(plain.status.success(), "{stderr}");
    assert!(!out_dir.join("src/guide.rs").exists());
    assert!(!out_dir.join("guide").exists());
    assert!(!read("src/lib.rs").contains("pub mod guide"));

    let (guided, stderr) = generic(true);
    assert!(guided.status.success(), "{stderr}");
    assert!(read("src/lib.rs").contains("pub mod guide;"));
    assert!(read("README.md").contains("/guide/index.html"));
    let module = read("src/guide.rs");
    assert!(
        module.starts_with(phala_codegen::render::MARKER),
        "{module}"
    );
    let (first, second) = (
        module
            .find("- [Getting started](start)")
            .expect("the index"),
        module.find("- [Errors](errors)").expect("the index"),
    );
    assert!(first < second, "{module}");
    for name in ["start", "errors"] {
        assert!(
            module.contains(&format!(
                "#[doc = include_str!(\"../guide/{name}.md\")]\npub mod {name} {{}}"
            )),
            "{module}"
        );
    }
    let page = read("guide/start.md");
    assert!(
        page.starts_with(phala_codegen::render::MARKDOWN_MARKER) && page.ends_with(start),
        "{page}"
    );
    let (again, _) = generic(true);
    assert!(String::from_utf8_lossy(&again.stdout).contains(FAST));

    // An edited page is an edited input.
    std::fs::write(
        pages.join("10-start.md"),
        start.replace("Call", "First call"),
    )
    .unwrap();
    let (edited, _) = generic(true);
    assert!(!String::from_utf8_lossy(&edited.stdout).contains(FAST));
    assert!(read("guide/start.md").contains("First call `get_thing`"));

    // A removed page takes its copy and its module with it.
    std::fs::remove_file(pages.join("20-errors.md")).unwrap();
    let (removed, _) = generic(true);
    let stdout = String::from_utf8_lossy(&removed.stdout);
    assert!(stdout.contains(" 1 removed"), "{stdout}");
    assert!(!out_dir.join("guide/errors.md").exists());
    assert!(!read("src/guide.rs").contains("pub mod errors"));

    // A page whose module would not be an identifier.
    std::fs::write(pages.join("30-bad name.md"), "# Bad\n").unwrap();
    let (bad, stderr) = generic(true);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("guide page module \"bad name\"") && stderr.contains("30-bad name.md"),
        "{stderr}"
    );
}

#[test]
fn verbose_prints_pass_counts() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.json");
    std::fs::write(&spec, GOOD).unwrap();
    let out_dir = dir.path().join("out");
    // Without the overlays, whose schemas would add to the counts.
    let config = crate::support::config_in(dir.path(), |text| {
        text.lines()
            .filter(|l| !l.starts_with("overlays = "))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let out = crate::support::run_with(
        &config,
        &[
            "--verbose",
            "--allow-unused-overrides",
            "--no-overlays",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let sites = |pass: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some(pass))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(
        sites("exclusive_bounds"),
        ["pass exclusive_bounds 1 sites"],
        "{stdout}"
    );
    assert_eq!(
        sites("null_unions"),
        ["pass null_unions 1 sites"],
        "{stdout}"
    );
    assert_eq!(
        sites("object_unions"),
        ["pass object_unions 0 sites"],
        "{stdout}"
    );
}

/// The real catalog with `row` inserted after the ERR-04-003 row; returns
/// the path and the 1-based line number of the new row.
fn catalog_with(dir: &Path, row: &str) -> (PathBuf, usize) {
    let config = phala_codegen::Config::load(&config()).unwrap();
    let text = std::fs::read_to_string(config.inputs.error_catalog.as_ref().unwrap()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("`ERR-04-003`"))
        .unwrap()
        + 1;
    lines.insert(at, row);
    let path = dir.join("error-codes.md");
    std::fs::write(&path, lines.join("\n")).unwrap();
    (path, at + 1)
}

#[test]
fn a_new_catalog_row_becomes_a_constant_and_a_variant() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.json");
    std::fs::write(&spec, GOOD).unwrap();
    let generate = |catalog: Option<&Path>| {
        let out_dir = dir.path().join("out");
        let mut args = vec![
            "--allow-unused-overrides",
            "--no-overlays",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ];
        if let Some(c) = catalog {
            args.extend(["--error-catalog", c.to_str().unwrap()]);
        }
        let out = run(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(out_dir.join("src/error_codes.rs")).unwrap()
    };
    let before = generate(None);
    assert!(before.contains("pub const CVM_APP_ID_CONFLICT: &str = \"ERR-03-007\";"));
    assert!(!before.contains("WORKSPACE_FROZEN"));

    let row = "| `ERR-04-004` | `WorkspaceFrozenError` | The workspace is frozen<br/>*Raised when billing froze the workspace (HTTP 423)* |";
    let (catalog, _) = catalog_with(dir.path(), row);
    let after = generate(Some(&catalog));
    assert!(
        after.contains("pub const WORKSPACE_FROZEN: &str = \"ERR-04-004\";"),
        "{after}"
    );
    assert!(after.contains("    WorkspaceFrozen,\n"), "{after}");
    assert!(
        after.contains("\"ERR-04-004\" => ErrorCode::WorkspaceFrozen,"),
        "{after}"
    );
    assert!(
        after.contains("ErrorCode::WorkspaceFrozen => ::std::option::Option::Some(423u16)"),
        "{after}"
    );
}

#[test]
fn a_malformed_catalog_row_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.json");
    std::fs::write(&spec, GOOD).unwrap();
    let (catalog, line) = catalog_with(
        dir.path(),
        "| `ERR-04-4` | `WorkspaceFrozenError` | Frozen |",
    );
    let out_dir = dir.path().join("out");
    let out = run(&[
        "--allow-unused-overrides",
        "--no-overlays",
        "--spec",
        spec.to_str().unwrap(),
        "--error-catalog",
        catalog.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error-codes.md:{line}: malformed row: `ERR-04-4` is not an error code"
        )),
        "{stderr}"
    );
}
