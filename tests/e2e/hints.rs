//! What the compiler tells a caller on the common slips (issue 30): a
//! request built and never sent, a `SafeResult` dropped unread, a blocking
//! wait never sent. Each is a `#[must_use]` whose message names the fix,
//! checked here by compiling a small crate that makes all three slips and
//! reading cargo's warnings.

use std::path::PathBuf;
use std::process::Command;

const SLIPS: &str = r#"
pub async fn slips(client: &phala_cloud::PhalaCloud, blocking: &phala_cloud::blocking::PhalaCloud) {
    client.get_cvm_info("my-cvm-id");
    client.safe_get_cvm_info("my-cvm-id").await;
    blocking.wait_until_running("my-cvm-id", std::time::Duration::from_secs(1));
}
"#;

#[test]
fn the_common_slips_are_warned_with_the_fix() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"slips\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nphala-cloud = {{ path = {:?} }}\n\n[workspace]\n",
        root.join("generated").display().to_string()
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), SLIPS).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", root.join("target/older-spec"))
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for (slip, fix) in [
        (
            "a request never sent",
            "`.await` (async client) or `.send()` (blocking client)",
        ),
        (
            "a SafeResult dropped",
            "propagate it with `.into_result()?`",
        ),
        (
            "a blocking wait never sent",
            "a wait does nothing until it is sent",
        ),
    ] {
        assert!(stderr.contains(fix), "{slip}: no `{fix}` in:\n{stderr}");
    }
}
