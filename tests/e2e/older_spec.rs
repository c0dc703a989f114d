//! Specs other than the current one generate crates that `cargo check`
//! accepts: the March 2026 spec (173 operations), so the generator is not
//! tuned to one spec; and a spec with 100-deep chains of models, which used
//! to overflow rustc's trait evaluation (E0275). The SDK itself is also
//! checked here as a user builds it, outside the workspace.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use phala_codegen::out::write;
use phala_codegen::{config, Config};
use serde_json::json;

/// Writes `files` as a crate and runs `cargo check` on it, with `args`
/// after the usual ones: offline, with the workspace's lockfile and a
/// target directory of its own that later runs reuse. The crate is outside
/// the workspace, so cargo resolves it as a user's build would (resolver 2
/// and only the crate's own features).
fn assert_compiles(root: &Path, files: &BTreeMap<PathBuf, String>, what: &str, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("phala-cloud");
    write::write(&krate, files, false).unwrap();
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let out = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .args(args)
        .arg("--manifest-path")
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/older-spec"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo check of {what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hundred_deep_model_chains_compile() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut config = Config::load(&root.join(config::DEFAULT_CONFIG)).unwrap();
    config.allow_unused_overrides = true;
    // A hand-made spec: the Phala overlays refer to schemas it lacks.
    config.inputs.overlays = None;
    let mut schemas = serde_json::Map::new();
    for i in 0..100 {
        // S0 holds S1 holds ... S100: one struct inside the next.
        let next = format!("#/components/schemas/S{}", i + 1);
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "properties": {"next": {"$ref": next}, "v": {"type": "string"}}}),
        );
        // R0 is only a reference to R1, ... to R100.
        let next = format!("#/components/schemas/R{}", i + 1);
        schemas.insert(format!("R{i}"), json!({"$ref": next}));
    }
    schemas.insert(
        "S100".into(),
        json!({"type": "object", "properties": {"v": {"type": "string"}}}),
    );
    schemas.insert(
        "R100".into(),
        json!({"type": "object", "properties": {"v": {"type": "string"}}}),
    );
    let get = |id: &str, model: &str| {
        json!({"get": {"operationId": id, "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{model}")}}}}}}})
    };
    let spec = json!({
        "openapi": "3.1.0",
        "info": {"title": "Deep", "version": "1"},
        "paths": {"/api/v1/s": get("get_s", "S0"), "/api/v1/r": get("get_r", "R0")},
        "components": {"schemas": schemas}
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.json");
    std::fs::write(&path, spec.to_string()).unwrap();
    let generated = phala_codegen::generate(&config, &path).expect("the deep spec generates");
    assert!(
        generated.files[Path::new("src/lib.rs")].contains("#![recursion_limit = \"512\"]"),
        "the struct chain needs a higher recursion limit"
    );
    assert_compiles(&root, &generated.files, "the 100-deep chains", &[]);
}

#[test]
fn march_spec_generates_a_crate_that_compiles() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut config = Config::load(&root.join(config::DEFAULT_CONFIG)).unwrap();
    let spec = config.inputs.spec.with_file_name("openapi-2026-03.json");
    // Three `[operation_names]` keys name April-only webhook operations.
    let strict = phala_codegen::generate(&config, &spec)
        .err()
        .map(|e| e.to_string());
    assert!(
        strict.as_deref().is_some_and(|e| e.contains(
            "[operation_names] `list_deliveries_api_v1_workspace_webhooks__webhook_id__deliveries_get` (no such operationId)"
        )),
        "{strict:?}"
    );
    config.allow_unused_overrides = true;
    let generated = phala_codegen::generate(&config, &spec).expect("the March spec generates");
    // 173 of its own, plus the 5 that spec/overlays/30-python-sdk-operations.yaml
    // adds from the Python SDK (the overlay's other 7 are March operations),
    // the 5 of 50-upstream-operations.yaml and the 2 `[api.variants]`.
    assert_eq!(generated.operations, 185);
    // The three names, the five overlay actions for April-only
    // operations (their untyped reasons) and the two `[method_examples]`
    // of April-only webhook methods are warnings here.
    let count = |needle: &str| {
        generated
            .warnings
            .iter()
            .filter(|w| w.contains(needle))
            .count()
    };
    assert_eq!(
        (
            count("[operation_names]"),
            count("overlay "),
            count("[method_examples]"),
            generated.warnings.len()
        ),
        (3, 5, 2, 10),
        "{:?}",
        generated.warnings
    );

    assert_compiles(&root, &generated.files, "the March crate", &[]);
}

/// The workspace builds with resolver 1 (see its `Cargo.toml`), which
/// unifies features across everything it builds, so a feature the SDK uses
/// but does not declare could pass there. This checks the crate the default
/// inputs give (the one `freshness` holds equal to `generated/`) outside
/// the workspace, with the optional `dynamic` module on.
#[test]
fn the_sdk_builds_alone_as_users_build_it() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&root.join(config::DEFAULT_CONFIG)).unwrap();
    let generated =
        phala_codegen::generate(&config, &config.inputs.spec).expect("the SDK generates");
    let features = ["--features", "dynamic"];
    assert_compiles(
        &root,
        &generated.files,
        "the SDK outside the workspace",
        &features,
    );
}
