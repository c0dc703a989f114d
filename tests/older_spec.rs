//! The March 2026 spec (173 operations) generates into a temporary crate
//! that `cargo check` accepts: the generator is not tuned to one spec.

use std::path::PathBuf;
use std::process::Command;

use phala_codegen::{config, write, Config};

#[test]
fn march_spec_generates_a_crate_that_compiles() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&root.join(config::DEFAULT_CONFIG)).unwrap();
    let spec = config.inputs.spec.with_file_name("openapi-2026-03.json");
    let generated = phala_codegen::generate(&config, &spec).expect("the March spec generates");
    assert_eq!(generated.operations, 173);

    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("phala-cloud");
    write::write(&krate, &generated.files, false).unwrap();
    // The workspace lockfile pins the same dependency versions, so the check
    // reuses what the workspace already built and needs no network.
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let target = root.join("target/older-spec");
    let out = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo check of the March crate failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
