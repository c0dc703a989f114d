//! The corpus test: every third-party spec in `../shared/public-specs/`
//! (read-only; provenance in its `SOURCES.md`) is generated in `--generic`
//! mode into a temporary directory, and each crate that generates is built
//! and its doctests run with `cargo test --doc` (which fails on anything
//! `cargo check` would). It prints `public specs: N/M generate, K/M
//! compile`, and what stopped each one that did not.
//!
//! Every spec in [`PASSING`] must generate and compile; a new spec dropped
//! into the directory is reported but does not fail the test until it is
//! listed there.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The specs that generate and compile today; each must keep doing so.
const PASSING: &[&str] = &[
    "drf-spectacular-inventree-api-534.yaml",
    "fastapi-prefect-rest-api.json",
    "handwritten-overseerr-api.yml",
    "lago-openapi.yaml",
    "nestjs-immich-openapi-specs.json",
    "openai-openapi.yaml",
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/public-specs")
}

/// One cargo target directory for every corpus crate, so their shared
/// dependencies build once (and it is not the workspace's, whose lock the
/// running test holds).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/corpus")
}

/// The last lines of a failed command's output, for the summary.
fn tail(output: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("error"))
        .take(3)
        .collect();
    let lines = if errors.is_empty() {
        text.lines().rev().take(3).collect::<Vec<_>>()
    } else {
        errors
    };
    lines.join(" | ").chars().take(400).collect()
}

fn cargo(crate_dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        // Debug info is most of these large crates' build time and disk.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

#[test]
fn public_specs_generate_and_compile() {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("../shared/public-specs is beside the project")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no specs in {}", corpus_dir().display());
    let temp = tempfile::tempdir().unwrap();
    let (mut generated, mut compiled) = (Vec::new(), Vec::new());
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        let out = temp.path().join(name.replace('.', "_"));
        let run = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
            .arg("--generic")
            .arg("--spec")
            .arg(spec)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("phala-codegen runs");
        if !run.status.success() {
            failures.push(format!("{name}: generate: {}", tail(&run)));
            continue;
        }
        generated.push(name.clone());
        let doc = cargo(&out, &["test", "--doc", "--quiet"]);
        if !doc.status.success() {
            failures.push(format!("{name}: cargo test --doc: {}", tail(&doc)));
            continue;
        }
        compiled.push(name);
    }
    let n = specs.len();
    let mut summary = format!(
        "public specs: {}/{n} generate, {}/{n} compile\n",
        generated.len(),
        compiled.len()
    );
    for failure in &failures {
        summary.push_str(&format!("  {failure}\n"));
    }
    // Straight to stderr, past the test harness's capture: CI's log shows
    // the line whether the test passes or not.
    use std::io::Write as _;
    let _ = std::io::stderr().write_all(summary.as_bytes());
    let regressed: Vec<&&str> = PASSING
        .iter()
        .filter(|p| !compiled.iter().any(|c| c == *p))
        .collect();
    assert!(
        regressed.is_empty(),
        "these specs generated and compiled before and no longer do: {regressed:?}\n{}",
        failures.join("\n")
    );
}
