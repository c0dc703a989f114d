//! Names never reach `quote!` unchecked (issue 16).
//!
//! By construction: only `codegen/src/ident.rs` may turn a string into a
//! `proc_macro2::Ident`. By fuzzing: random strings in every place a name
//! comes from (operationIds, tags, multipart parameters and fields, catalog
//! classes, module ids and `[error_code_names]`) give `Ok` or an error,
//! never a panic.

use std::path::{Path, PathBuf};

use phala_codegen::{config, Config};
use proptest::prelude::*;

#[test]
fn only_the_ident_module_makes_idents() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("src/ident.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let unchecked = line.replace("RustIdent::new(", "");
                if unchecked.contains("format_ident!") || unchecked.contains("Ident::new(") {
                    offenders.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "make identifiers through phala_codegen::ident instead:\n{}",
        offenders.join("\n")
    );
}

fn workspace_config() -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut config = Config::load(&root.join(config::DEFAULT_CONFIG)).unwrap();
    config.allow_unused_overrides = true;
    config
}

/// A one-operation multipart spec with `name` as its operationId suffix,
/// tag, path parameter and form field.
fn spec_with(name: &str) -> String {
    let escaped = serde_json::to_string(name).unwrap();
    let key = escaped.trim_matches('"');
    format!(
        r#"{{
  "openapi": "3.1.0",
  "info": {{"title": "Fuzz", "version": "1"}},
  "paths": {{"/api/v1/things/{{{key}}}": {{"patch": {{
    "operationId": "handle_{key}_api_v1_things_patch",
    "tags": [{escaped}],
    "parameters": [{{"name": {escaped}, "in": "path", "required": true, "schema": {{"type": "string"}}}}],
    "requestBody": {{"content": {{"multipart/form-data": {{"schema": {{
      "type": "object",
      "properties": {{{escaped}: {{"type": "string"}}, "file": {{"type": "string", "format": "binary"}}}}
    }}}}}}}},
    "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"type": "object"}}}}}}}}}}
  }}}}}}
}}"#
    )
}

fn generate_without_panic(config: &Config, spec: &Path) -> Result<(), String> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        phala_codegen::generate(config, spec).map(drop)
    }));
    match outcome {
        Ok(_) => Ok(()),
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()),
    }
}

fn names() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,10}",
        "[a-z0-9_ -]{0,8}",
        prop::sample::select(vec![
            "", "-", "3", "_", "a b", "1X", "type", "self", "Self", "new", "raw", "builder",
            "safe_x", "Error", "Unknown", "Missing",
        ])
        .prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn spec_names_never_panic(name in names()) {
        let dir = tempfile::tempdir().unwrap();
        let spec: PathBuf = dir.path().join("spec.json");
        std::fs::write(&spec, spec_with(&name)).unwrap();
        let config = workspace_config();
        prop_assert!(generate_without_panic(&config, &spec).is_ok(), "name {:?} panicked", name);
    }

    #[test]
    fn catalog_names_never_panic(class in names(), module in names(), override_name in names()) {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec.json");
        std::fs::write(&spec, spec_with("thing")).unwrap();
        let codes = dir.path().join("codes.md");
        std::fs::write(
            &codes,
            format!(
                "## Module {module}: Things\n\n| Error Code | Exception | Message |\n|---|---|---|\n\
                 | `ERR-01-001` | `{class}` | Broken |\n"
            ),
        )
        .unwrap();
        let mut config = workspace_config();
        config.inputs.error_catalog = Some(codes);
        config.error_code_names.clear();
        prop_assert!(
            generate_without_panic(&config, &spec).is_ok(),
            "class {:?} / module {:?} panicked", class, module
        );
        config.error_code_names.insert("ERR-01-001".to_owned(), override_name.clone());
        prop_assert!(
            generate_without_panic(&config, &spec).is_ok(),
            "override {:?} panicked", override_name
        );
    }
}
