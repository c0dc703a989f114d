//! Fixture tests for the constructs real specs use (issues 17 and 31): for
//! each directory under `fixtures/` an SDK is generated in `--generic` mode
//! from its `spec.yaml`, and its `wire.rs` runs inside it as an integration test
//! against a local wiremock server: cookie, `deepObject`, shadowed and
//! reserved-name parameters, nullable path parameters, multipart fields of
//! every type, text and byte bodies, a body offered in several media types,
//! and a response read as JSON, text, bytes or server-sent events. The
//! generated crate also has to build with `#![deny(missing_docs)]` from a
//! spec whose fields have no descriptions.
//!
//! The crate must also pass `cargo clippy -D warnings`. It is built in
//! `target/constructs`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/constructs")
        .join(name)
}

fn generate(spec: &Path, out: &Path) {
    generate_with(spec, out, &[]);
}

fn generate_with(spec: &Path, out: &Path, extra: &[&std::ffi::OsStr]) {
    let run = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .args(["--generic", "--name", "fixture-shop", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("phala-codegen runs");
    assert!(
        run.status.success(),
        "generation failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The `[dependencies]` names of a generated manifest.
fn dependencies(crate_dir: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    let table: toml::Table = manifest.parse().unwrap();
    table["dependencies"]
        .as_table()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn format_driven_dependencies_appear_exactly_when_used() {
    let temp = tempfile::tempdir().unwrap();
    let with = temp.path().join("with");
    generate(&fixture("spec.yaml"), &with);
    let deps = dependencies(&with);
    assert!(deps.contains(&"uuid".to_owned()), "{deps:?}");
    assert!(deps.contains(&"chrono".to_owned()), "{deps:?}");

    let plain = std::fs::read_to_string(fixture("spec.yaml"))
        .unwrap()
        .replace("format: uuid", "")
        .replace("format: date-time", "");
    let spec = temp.path().join("plain.yaml");
    std::fs::write(&spec, plain).unwrap();
    let without = temp.path().join("without");
    generate(&spec, &without);
    let deps = dependencies(&without);
    assert!(!deps.contains(&"uuid".to_owned()), "{deps:?}");
    assert!(!deps.contains(&"chrono".to_owned()), "{deps:?}");
}

#[test]
fn a_config_file_refines_what_the_spec_gives() {
    let temp = tempfile::tempdir().unwrap();
    let refine = temp.path().join("refine.toml");
    std::fs::write(
        &refine,
        "[crate]\nlicense = \"MIT\"\n\n[client]\nbase_url = \"https://shop.test/v2\"\n\
         auth = { header = \"x-shop-key\" }\n\n[skip]\noperations = [\"put_blob\"]\n",
    )
    .unwrap();
    let out = temp.path().join("refined");
    generate_with(
        &fixture("spec.yaml"),
        &out,
        &["--config".as_ref(), refine.as_os_str()],
    );
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    assert!(read("Cargo.toml").contains("license = \"MIT\""));
    let settings = read("src/settings.rs");
    assert!(settings.contains("\"https://shop.test/v2\""), "{settings}");
    assert!(
        settings.contains("Auth::Header(\"x-shop-key\")"),
        "{settings}"
    );
    // What the file does not set still comes from the spec.
    assert!(settings.contains("FIXTURE_SHOP_API_KEY"), "{settings}");
    let operations = read("src/operations/mod.rs");
    assert!(operations.contains("\"get_item\""));
    assert!(!operations.contains("\"put_blob\""), "{operations}");

    std::fs::write(&refine, "[client]\ncolour = \"blue\"\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .args(["--generic", "--spec"])
        .arg(fixture("spec.yaml"))
        .arg("--out")
        .arg(temp.path().join("bad"))
        .arg("--config")
        .arg(&refine)
        .output()
        .expect("phala-codegen runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains("refine.toml") && stderr.contains("colour"),
        "{stderr}"
    );
}

/// Every fixture directory (`tests/fixtures/<name>/` with a `spec.yaml` and
/// a `wire.rs`), sorted: one per family of constructs, so each stays small
/// enough to read.
fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|d| d.join("spec.yaml").is_file() && d.join("wire.rs").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_construct_works_on_the_wire() {
    let dirs = fixture_dirs();
    assert!(!dirs.is_empty(), "no fixture directories");
    for dir in dirs {
        wire_test(&dir);
    }
}

/// Generates the fixture in `dir` and runs its `wire.rs` inside the crate.
fn wire_test(dir: &Path) {
    let temp = tempfile::tempdir().unwrap();
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let out = temp.path().join(format!("fixture_{name}"));
    generate(&dir.join("spec.yaml"), &out);
    std::fs::create_dir_all(out.join("tests")).unwrap();
    std::fs::copy(dir.join("wire.rs"), out.join("tests/wire.rs")).unwrap();
    let mut manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let dev = "[dev-dependencies]\n";
    assert!(manifest.contains(dev), "{manifest}");
    manifest = manifest.replace(
        dev,
        "[dev-dependencies]\nwiremock = \"0.6\"\nfutures-util = \"0.3\"\n",
    );
    std::fs::write(out.join("Cargo.toml"), manifest).unwrap();
    // The generated crate is clippy-clean, and its tests and wire.rs pass.
    for args in [
        &["clippy", "--quiet", "--all-targets"][..],
        &["test", "--quiet"][..],
    ] {
        let mut command = Command::new(env!("CARGO"));
        command
            .args(args)
            .arg("--manifest-path")
            .arg(out.join("Cargo.toml"));
        if args[0] == "clippy" {
            command.args(["--", "-D", "warnings"]);
        }
        let run = command
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/constructs"),
            )
            // As in the corpus test: no debug info, no incremental cache.
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            run.status.success(),
            "cargo {} failed on the fixture crate `{name}`:\n{}\n{}",
            args[0],
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}
