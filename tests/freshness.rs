//! The checked-in `generated/` is exactly what the generator produces from
//! the default inputs, generation is deterministic, and the naming contract
//! holds on the real spec.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use phala_codegen::{config, write, Config, Generated};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> Config {
    Config::load(&root().join(config::DEFAULT_CONFIG)).expect("spec/phala-codegen.toml loads")
}

fn generate(config: &Config) -> Generated {
    phala_codegen::generate(config, &config.inputs.spec).expect("the default spec generates")
}

#[test]
fn generated_crate_is_fresh() {
    let config = config();
    let generated = generate(&config);
    let report = write::write(&root().join("generated"), &generated.files, true).unwrap();
    let stale: Vec<String> = report
        .stale()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "generated/ is stale; these files differ from a fresh generation: {stale:?}\n\
         run `cargo run --release -p phala-codegen` and commit the result"
    );
}

#[test]
fn generation_is_deterministic() {
    let config = config();
    let first = generate(&config).files;
    let second = generate(&config).files;
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, text) in &first {
        assert!(
            second[path] == *text,
            "{} differs between two runs",
            path.display()
        );
    }
}

#[test]
fn every_operation_has_a_method_and_python_names_are_kept() {
    let config = config();
    let generated = generate(&config);
    // 102 from the spec, 12 added by spec/overlays/30-python-sdk-operations.yaml.
    assert_eq!(generated.operations, 114);
    let tsv = std::fs::read_to_string(config.inputs.python_names.as_ref().unwrap()).unwrap();
    let mut checked = BTreeSet::new();
    for line in tsv.lines().skip(2) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (python, op_id) = (cols[0], cols[3]);
        if op_id == "-" {
            continue;
        }
        let op = generated
            .api
            .operations
            .iter()
            .find(|o| o.operation_id == op_id)
            .unwrap_or_else(|| panic!("{op_id} is in the Python table but not generated"));
        let all: Vec<&str> = tsv
            .lines()
            .filter(|l| l.ends_with(&format!("\t{op_id}")))
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert!(
            all.contains(&op.name.as_str()),
            "{op_id}: `{}` is not one of {all:?}",
            op.name
        );
        let _ = python;
        checked.insert(op_id.to_owned());
    }
    assert_eq!(checked.len(), 52, "operations carrying a Python name");
    let methods = method_names(&root().join("generated/src/operations"));
    for op in &generated.api.operations {
        assert!(
            methods.contains(&op.name),
            "no `pub fn {}` on PhalaCloud",
            op.name
        );
        let safe = format!("safe_{}", op.name);
        assert!(methods.contains(&safe), "no `pub fn {safe}` on PhalaCloud");
    }
    assert_eq!(methods.len(), 2 * 114, "every operation and its safe_ twin");
}

fn method_names(dir: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // A tag file ends with `impl PhalaCloud { .. }`, then the blocking
        // client's block. Doc comments are `/** .. */` blocks whose example
        // lines may start with `}`, so the region is found by those two
        // headers, and a method by its indentation.
        let Some((_, client)) = text.split_once("\nimpl PhalaCloud {\n") else {
            continue;
        };
        let client = client
            .split("\nimpl blocking::PhalaCloud {\n")
            .next()
            .unwrap();
        for line in client.lines() {
            if let Some(rest) = line.strip_prefix("    pub fn ") {
                names.insert(rest.split(['(', '<']).next().unwrap().to_owned());
            }
        }
    }
    names
}

#[test]
fn type_names_are_clean() {
    let generated = generate(&config());
    for (path, text) in &generated.files {
        for bad in ["Teehouse", "ApiV1", "pub struct Body", "pub enum Body"] {
            assert!(!text.contains(bad), "{} contains `{bad}`", path.display());
        }
        assert!(
            !text.contains("\"api-version\""),
            "{} still sends progenitor's api-version header",
            path.display()
        );
    }
}

#[test]
fn every_file_names_the_regenerate_command() {
    let generated = generate(&config());
    for (path, text) in &generated.files {
        // License texts go verbatim, so that license scanners recognise them.
        if path.to_string_lossy().starts_with("LICENSE-") {
            continue;
        }
        let head: String = text.lines().take(2).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("@generated by phala-codegen"),
            "{}",
            path.display()
        );
        assert!(
            head.contains("cargo run --release -p phala-codegen"),
            "{}",
            path.display()
        );
    }
}
