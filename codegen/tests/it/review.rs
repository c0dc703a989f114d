//! Every path of a regeneration prints the API change report when the
//! output directory holds a baseline (a crate generated before, with its
//! `api-surface.json`): `--check`, a write, a write where nothing changed
//! and `--force`, in each format; with `--format json` or `markdown`, stdout
//! is the report alone. A first generation has no report and says on
//! stderr how to get one (issue 30). A golden transcript pins it all, and
//! the changelog entry the regeneration wrote.

use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::diff_support::{base, get_thing, push};

/// One run of `phala-codegen --generic --spec <spec> --out crate args...`
/// in `dir`, as a transcript block (the arguments, the exit status, stdout
/// and stderr, timings left out), and its stdout.
fn run(dir: &Path, spec: &str, args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .current_dir(dir)
        .args(["--generic", "--spec", spec, "--out", "crate"])
        .args(args)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines = |text: &str| -> String { text.lines().map(|l| untimed(l) + "\n").collect() };
    let args: String = args.iter().map(|a| format!(" {a}")).collect();
    let block = format!(
        "$ phala-codegen --spec {spec}{args}\nexit {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        lines(&stdout),
        lines(&stderr),
    );
    (block, stdout)
}

/// `... (0.03 s)` -> `... (T s)`.
fn untimed(line: &str) -> String {
    let Some(head) = line.strip_suffix(" s)") else {
        return line.to_owned();
    };
    let number = head.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    format!("{number}T s)")
}

#[test]
fn every_path_with_a_baseline_prints_the_report_and_a_first_generation_says_how() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("old.json"), base().to_string()).unwrap();
    let mut new = base();
    let limit = json!({"name": "limit", "in": "query", "required": false,
                       "schema": {"type": "integer"}});
    push(&mut get_thing(&mut new)["parameters"], limit);
    // A model no operation uses: listed apart, not in the bump.
    new["components"]["schemas"]["Leftover"] =
        json!({"type": "object", "properties": {"a": {"type": "string"}}});
    std::fs::write(dir.join("new.json"), new.to_string()).unwrap();

    let mut transcript = String::new();
    let mut step = |spec: &str, args: &[&str]| -> String {
        let (block, stdout) = run(dir, spec, args);
        transcript.push_str(&block);
        transcript.push('\n');
        stdout
    };
    // No baseline: nothing on stdout, the review commands on stderr.
    assert_eq!(step("old.json", &["--format", "markdown"]), "");
    // A baseline: each path prints the report, stdout holding it alone.
    let md = step("new.json", &["--check", "--format", "markdown"]);
    assert!(
        md.starts_with("### API changes: `tiny 0.1.0` -> `tiny 0.1.1`"),
        "{md}"
    );
    let written = step("new.json", &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&written).expect("stdout is JSON");
    assert_eq!(report["bump"], "minor");
    let same = step("new.json", &["--format", "markdown"]);
    assert!(same.contains("No API changes."), "{same}");
    let forced = step("new.json", &["--force", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&forced).expect("stdout is JSON");
    assert_eq!(report["entries"], json!([]));
    step("new.json", &["--check", "--format", "markdown"]);
    // The text format keeps the fingerprint's fast path.
    step("new.json", &["--check"]);
    step("new.json", &[]);
    let changelog = std::fs::read_to_string(dir.join("crate/CHANGELOG.md")).unwrap();
    transcript.push_str(&format!("--- crate/CHANGELOG.md\n{changelog}"));
    insta::assert_snapshot!("review_paths", transcript);
}
