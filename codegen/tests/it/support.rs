//! Running the `phala-codegen` binary from the integration tests, with the
//! workspace configuration, checking that it never panics.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `spec/phala-codegen.toml`.
pub fn config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/phala-codegen.toml")
}

/// `phala-codegen --config <workspace config> args...`.
pub fn run(args: &[&str]) -> Output {
    run_in(Path::new("."), args)
}

/// [`run`] with `dir` as the working directory.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .current_dir(dir)
        .arg("--config")
        .arg(config())
        .args(args)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the generator panicked:\n{stderr}"
    );
    out
}

/// The workspace configuration rewritten into `dir` with absolute input
/// paths, output into `dir/out`, and `edit` applied to its text.
pub fn config_in(dir: &Path, edit: impl FnOnce(String) -> String) -> PathBuf {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec_dir = spec_dir.canonicalize().unwrap();
    let text = std::fs::read_to_string(spec_dir.join("phala-codegen.toml")).unwrap();
    let shared = spec_dir.join("../../shared/phala-cloud");
    let text = text
        .replace(
            "\"../../shared/phala-cloud/",
            &format!("\"{}/", shared.display()),
        )
        .replace(
            "overlays = \"overlays\"",
            &format!("overlays = \"{}\"", spec_dir.join("overlays").display()),
        )
        .replace(
            "guide = \"guide\"",
            &format!("guide = \"{}\"", spec_dir.join("guide").display()),
        )
        .replace(
            "readme = \"readme.md\"",
            &format!("readme = \"{}\"", spec_dir.join("readme.md").display()),
        )
        .replace(
            "examples = \"examples\"",
            &format!("examples = \"{}\"", spec_dir.join("examples").display()),
        )
        .replace(
            "dir = \"../generated\"",
            &format!("dir = \"{}\"", dir.join("out").display()),
        );
    let path = dir.join("phala-codegen.toml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

pub fn run_with(config: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    out
}
