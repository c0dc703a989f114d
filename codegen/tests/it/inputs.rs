//! Inputs that used to pass silently or slowly (issue 16): an override that
//! matches nothing is an error naming its key, an empty catalog or name
//! table is a warning, deep YAML nesting fails in milliseconds.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::{config_in, run_with as run};

const TINY: &str = r#"{
  "openapi": "3.1.0",
  "info": {"title": "Tiny", "version": "1"},
  "paths": {"/api/v1/things/{id}": {"get": {
    "operationId": "handle_get_thing_api_v1_things__id__get",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}
  }}}
}"#;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_override_that_matches_nothing_is_an_error_naming_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), |t| {
        t.replace(
            "[operation_names]\n",
            "[operation_names]\nhandle_renamed_upstream_api_v1_gone_get = \"gone\"\n",
        )
        .replace(
            "[type_names]\n",
            "[type_names]\nNoSuchSchema = \"Nothing\"\n",
        )
        .replace(
            "[error_code_names]\n",
            "[error_code_names]\n\"ERR-09-999\" = \"NOT_A_CODE\"\n",
        )
        .replace(
            "[method_examples]\n",
            "[method_examples]\nrenamed_away = \"client.renamed_away().await?;\"\n",
        )
    });
    let out = run(&config, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim_end(),
        format!(
            "error: {}: 4 override(s) match nothing in the inputs: \
             [operation_names] `handle_renamed_upstream_api_v1_gone_get` (no such operationId), \
             [type_names] `NoSuchSchema` (no such component schema), \
             [method_examples] `renamed_away` (no such method), \
             [error_code_names] `ERR-09-999` (no such error code in the catalog); \
             remove or correct each (an upstream rename?), or pass --allow-unused-overrides \
             when generating from an older spec",
            config.display()
        )
    );
    assert!(!dir.path().join("out").exists(), "nothing was written");

    // Allowed explicitly, they are warnings and the crate is written.
    let out = run(&config, &["--allow-unused-overrides"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("phala-codegen: warning: override matches nothing"))
        .map(|l| l.rsplit(": ").next().unwrap())
        .collect();
    assert_eq!(warnings.len(), 4, "{}", stderr(&out));
}

/// The other override tables answer to the same one query
/// (`inputs::overrides`): a pin, a variant, a skip and the README's example
/// call that match nothing are each named, the variant with what it lacks.
#[test]
fn pins_variants_and_skips_that_match_nothing_are_named_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), |t| {
        let t = t
            .replace(
                "[api.pins]\n",
                "[api.pins]\nno_such_method = \"2026-06-23\"\n",
            )
            .replace(
                "example_call = 'client.get_cvm_info(\"my-cvm-id\")'",
                "example_call = 'client.no_such_call(\"x\")'",
            )
            .replace(
                "[api.variants]\n",
                "[api.variants]\nget_nothing = { of = \"no_such_base\", version = \"2026-06-23\", returns = \"KmsContract\" }\n",
            );
        format!("{t}\n[skip]\noperations = [\"no_such_operation_id\"]\n")
    });
    let out = run(&config, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for key in [
        "[skip] operations `no_such_operation_id` (no such operationId), ",
        "[api.variants] `get_nothing` (no method `no_such_base`), ",
        "[api.pins] `no_such_method` (no such method)",
        "[docs] example_call `no_such_call` (no such method)",
    ] {
        assert!(err.contains(key), "no `{key}` in: {err}");
    }
    assert!(err.contains("4 override(s) match nothing"), "{err}");
}

#[test]
fn an_empty_catalog_and_an_empty_name_table_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let empty_catalog = dir.path().join("empty-codes.md");
    std::fs::write(&empty_catalog, "# Error codes\n\nNone yet.\n").unwrap();
    let empty_names = dir.path().join("names.tsv");
    std::fs::write(
        &empty_names,
        "python_method\thttp_method\tpath\toperation_id\n",
    )
    .unwrap();
    let config = config_in(dir.path(), |t| {
        let names_line = t
            .lines()
            .find(|l| l.starts_with("python_names = "))
            .unwrap()
            .to_owned();
        t.replace(
            &names_line,
            &format!("python_names = \"{}\"", empty_names.display()),
        )
    });
    // A one-operation spec: the workspace overrides match nothing in it,
    // which is allowed here and reported as warnings of their own.
    let spec = dir.path().join("tiny.json");
    std::fs::write(&spec, TINY).unwrap();
    let out = run(
        &config,
        &[
            "--allow-unused-overrides",
            "--no-overlays",
            "--spec",
            spec.to_str().unwrap(),
            "--error-catalog",
            empty_catalog.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "phala-codegen: warning: {}: the error catalog has no error codes; `error_codes` will be empty",
            empty_catalog.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "phala-codegen: warning: {}: the Python SDK name table has no operations; every method is named by the rule",
            empty_names.display()
        )),
        "{err}"
    );
}

#[test]
fn deep_yaml_nesting_is_refused_in_milliseconds() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("deep.yaml");
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: x, version: '1'}}\npaths: {}\n",
        "[".repeat(100_000)
    );
    std::fs::write(&spec, text).unwrap();
    let config = config_in(dir.path(), |t| t);
    let started = Instant::now();
    let out = run(&config, &["--spec", spec.to_str().unwrap()]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        format!(
            "error: {}:3:136: invalid YAML: nesting deeper than 128 levels",
            spec.display()
        )
    );
    // 100k levels took 14.9 s before; the check is one linear pass.
    assert!(took < Duration::from_secs(5), "{took:?}");
}
