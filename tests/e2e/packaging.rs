//! The generated crate as the crate registry and docs.rs would take it
//! (issue 19): `cargo publish --dry-run` accepts it, the package holds the
//! README, both license files, the guide and the examples, and the packaged
//! sources document with no
//! rustdoc warning, with every feature that adds items (`dynamic`; the TLS
//! features only choose a backend).
//!
//! `cargo publish --dry-run` normally verifies by building the package with
//! every dependency again in a target directory of its own (203 s here).
//! This test passes `--no-verify` and checks the packaged sources itself
//! with `cargo doc`, in the target directory `tests/older_spec.rs` already
//! fills with the same dependencies in check mode, so only the crate is
//! documented anew (`--all-features`, as docs.rs builds, would also check
//! the native-tls stack, which adds no item). The crate's code is compiled
//! in full by the workspace build.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("cargo runs")
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_published_package_documents_without_warnings() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/older-spec");
    let package = ["-p", "phala-cloud", "--allow-dirty"];

    let dry_run = cargo(
        &root,
        &target,
        &[&["publish", "--dry-run", "--no-verify"][..], &package].concat(),
    );
    assert_ok(&dry_run, "cargo publish --dry-run");
    let log = String::from_utf8_lossy(&dry_run.stderr);
    assert!(log.contains("aborting upload due to dry run"), "{log}");

    let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("generated/Cargo.toml has a version");
    let name = format!("phala-cloud-{version}");
    // The dry run keeps its .crate in a scratch folder; `cargo package`
    // writes the same archive where this test can read it.
    let crate_file = target.join("package").join(format!("{name}.crate"));
    let _ = std::fs::remove_file(&crate_file);
    let packaged = cargo(
        &root,
        &target,
        &[&["package", "--no-verify", "--offline"][..], &package].concat(),
    );
    assert_ok(&packaged, "cargo package");

    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&crate_file)
        .output()
        .expect("tar runs");
    assert_ok(&listing, "listing the .crate");
    let listing = String::from_utf8(listing.stdout).unwrap();
    let files: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{name}/")))
        .collect();
    for needed in ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.lock"] {
        assert!(files.contains(&needed), "{needed} not packaged: {files:?}");
    }
    // The guide's pages, which `src/guide.rs` includes, and the example
    // programs the README points at.
    let mut shipped = Vec::new();
    for dir in ["guide", "examples"] {
        let found: Vec<String> = std::fs::read_dir(root.join("generated").join(dir))
            .unwrap_or_else(|e| panic!("generated/{dir}: {e}"))
            .map(|e| format!("{dir}/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        assert!(!found.is_empty(), "generated/{dir} is empty");
        shipped.extend(found);
    }
    for page in &shipped {
        assert!(
            files.contains(&page.as_str()),
            "{page} not packaged: {files:?}"
        );
    }
    assert!(
        !files.contains(&"codegen-fingerprint.json"),
        "the generator's fingerprint is packaged: {files:?}"
    );

    let unpacked = tempfile::tempdir().unwrap();
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(&crate_file)
        .arg("-C")
        .arg(unpacked.path())
        .output()
        .expect("tar runs");
    assert_ok(&tar, "unpacking the .crate");

    let dir = unpacked.path().join(&name);
    let doc = cargo(
        &dir,
        &target,
        &[
            "doc",
            "--offline",
            "--locked",
            "--no-deps",
            "--features",
            "dynamic",
        ],
    );
    assert_ok(&doc, "cargo doc of the packaged crate with -D warnings");
    let page = target.join("doc/phala_cloud/tags/cvms/index.html");
    let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    assert!(
        html.contains("get_cvm_info"),
        "the CVMs page lacks get_cvm_info"
    );
    let page = target.join("doc/phala_cloud/guide/errors/index.html");
    let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    assert!(
        html.contains("safe_get_cvm_info"),
        "the guide's errors page lacks its examples"
    );
}
