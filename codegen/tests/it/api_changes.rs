//! The API change report over the real specs (March -> April, pinned by a
//! golden file) and the release flow of a regeneration: snapshot, version
//! bump, changelog entry, and nothing written when nothing changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{config, run_in};
use phala_codegen::Config;

/// The directory that holds the default spec (`../shared/phala-cloud`).
fn inputs_dir() -> PathBuf {
    let config = Config::load(&config()).expect("the default configuration loads");
    config
        .inputs
        .spec
        .parent()
        .expect("the spec has a directory")
        .to_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

const MARCH_TO_APRIL: [&str; 5] = [
    "diff",
    "openapi-2026-03.json",
    "openapi.json",
    "--current-version",
    "0.1.0",
];

#[test]
fn march_to_april_report_matches_the_golden_file() {
    let out = run_in(&inputs_dir(), &MARCH_TO_APRIL);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("march_to_april", stdout(&out));
}

/// The pull-request form of the same report (issue 19): golden, and every
/// entry of the text form is a row of its tables.
#[test]
fn march_to_april_markdown_matches_the_golden_file() {
    let dir = inputs_dir();
    let mut args = MARCH_TO_APRIL.to_vec();
    args.extend(["--format", "markdown"]);
    let out = run_in(&dir, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let markdown = stdout(&out);
    let text = stdout(&run_in(&dir, &MARCH_TO_APRIL));
    let entries = text.lines().filter(|l| l.starts_with("    ")).count();
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(" | `"))
        .count();
    assert_eq!(rows, entries, "{markdown}");
    insta::assert_snapshot!("march_to_april_markdown", markdown);
}

#[test]
fn march_to_april_json_agrees_with_the_text_and_fails_on_breaking() {
    let dir = inputs_dir();
    let mut args = MARCH_TO_APRIL.to_vec();
    args.extend(["--format", "json", "--fail-on", "breaking"]);
    let out = run_in(&dir, &args);
    assert_eq!(out.status.code(), Some(1), "breaking entries must fail");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let entries = report["entries"].as_array().expect("entries");
    let count =
        |severity: &str| entries.iter().filter(|e| e["severity"] == severity).count() as u64;
    assert_eq!(report["summary"]["breaking"], count("breaking"));
    assert_eq!(report["summary"]["non_breaking"], count("non_breaking"));
    assert_eq!(report["bump"], "major");
    assert_eq!(
        report["version"],
        serde_json::json!({"from": "0.1.0", "to": "0.2.0"})
    );
    let text = stdout(&run_in(&dir, &MARCH_TO_APRIL));
    let summary = &report["summary"]["operations"];
    let line = format!(
        "Operations: {} added, {} removed, {} renamed, {} changed",
        summary["added"], summary["removed"], summary["renamed"], summary["changed"]
    );
    assert!(text.contains(&line), "text lacks {line:?}");
    for e in entries {
        let subject = match e["member"].as_str() {
            Some(m) => format!("{}.{m}", e["name"].as_str().unwrap()),
            None => e["name"].as_str().unwrap().to_owned(),
        };
        let line = format!("    {subject}: {}  [", e["detail"].as_str().unwrap());
        assert!(text.contains(&line), "text lacks the entry {line:?}");
    }
}

/// Every file under `dir`, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A regeneration's stdout and stderr.
fn generate(spec: &str, out: &Path) -> (String, String) {
    generate_with(spec, out, &[])
}

/// The workspace configuration written into `dir` with its `[crate]`
/// version (the floor of every bump) at `floor`: the real one is raised
/// by hand now and then, and these tests count bumps from 0.1.0.
fn config_with_floor(dir: &Path, floor: &str) -> PathBuf {
    crate::support::config_in(dir, |text| {
        text.lines()
            .map(|line| match line.starts_with("version = \"") {
                true => format!("version = \"{floor}\""),
                false => line.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn generate_with(spec: &str, out: &Path, extra: &[&str]) -> (String, String) {
    let dir = inputs_dir();
    let spec = dir.join(spec);
    let config = config_with_floor(out.parent().expect("out has a parent"), "0.1.0");
    // The March spec lacks operations the configuration names: allowed here.
    let mut args = vec![
        "--allow-unused-overrides",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = crate::support::run_with(&config, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (stdout(&out), stderr)
}

#[test]
fn regeneration_reports_bumps_and_prepends_a_changelog_entry_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crate");

    let (_, first) = generate("openapi-2026-03.json", &out);
    assert!(first.contains("this is a first generation"), "{first}");
    assert!(first.contains("--check --format markdown"), "{first}");
    assert!(read(out.join("Cargo.toml")).contains("\nversion = \"0.1.0\"\n"));
    let changelog = read(out.join("CHANGELOG.md"));
    assert!(
        // 173 in the March spec, plus the 5 spec/overlays/30-python-sdk-operations.yaml
        // adds that are in neither spec (its other 7 are March operations), the 5
        // of 50-upstream-operations.yaml and the 2 `[api.variants]` methods.
        changelog.contains("## 0.1.0\n\nFirst generation: 185 operations"),
        "{changelog}"
    );

    let (second, _) = generate("openapi.json", &out);
    let diff = stdout(&run_in(&inputs_dir(), &MARCH_TO_APRIL));
    // The regeneration prints the same entries as `diff` of the two specs.
    let entries = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("    "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(entries(&second), entries(&diff));
    assert!(
        second.contains(
            "Suggested version bump: breaking (0.1.0 -> 0.2.0: below 1.0 Cargo treats the minor number as breaking)"
        ),
        "{second}"
    );
    assert!(read(out.join("Cargo.toml")).contains("\nversion = \"0.2.0\"\n"));
    let surface: serde_json::Value =
        serde_json::from_str(&read(out.join("api-surface.json"))).unwrap();
    assert_eq!(surface["crate_version"], "0.2.0");
    let changelog = read(out.join("CHANGELOG.md"));
    let new_entry = changelog.find("## 0.2.0\n").expect("a 0.2.0 entry");
    let old_entry = changelog
        .find("## 0.1.0\n")
        .expect("the 0.1.0 entry is kept");
    assert!(new_entry < old_entry, "the new entry goes on top");
    assert!(changelog.contains("### Breaking\n\n- operation `api_change_email`: removed"));
    assert!(changelog.contains("### Non-breaking\n\n"));

    let before = snapshot(&out);
    // `--force`: a real regeneration, not the fingerprint's fast path.
    let (third, _) = generate_with("openapi.json", &out, &["--force"]);
    assert!(third.contains("no API changes"), "{third}");
    assert!(third.contains(" 0 files written"), "{third}");
    assert_eq!(
        snapshot(&out),
        before,
        "a no-op regeneration changes nothing"
    );
    assert_eq!(
        read(out.join("CHANGELOG.md")).matches("## 0.2.0").count(),
        1
    );
}

/// `--format markdown` on a regeneration prints the report to paste into
/// the pull request, also when nothing changed (no fingerprint fast path).
#[test]
fn regeneration_prints_the_markdown_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crate");
    let (nothing, _) = generate_with("openapi-2026-03.json", &out, &["--format", "markdown"]);
    assert_eq!(nothing, "", "a first generation has no report");
    let (md, status) = generate_with("openapi.json", &out, &["--format", "markdown"]);
    assert!(md.starts_with("### API changes: `"), "{md}");
    assert!(
        md.contains("**Suggested version bump: breaking (0.1.0 -> 0.2.0: "),
        "{md}"
    );
    // stdout is the report alone; the summary line is on stderr.
    assert!(!md.contains("files written"), "{md}");
    assert!(status.contains(" files written"), "{status}");
    assert!(md.contains("#### Breaking changes ("), "{md}");
    assert!(
        md.contains("<details><summary>Non-breaking changes ("),
        "{md}"
    );
    let (again, status) = generate_with("openapi.json", &out, &["--format", "markdown"]);
    assert!(again.contains("No API changes."), "{again}");
    assert!(status.contains(" 0 files written"), "{status}");
}

#[test]
fn a_version_raised_in_the_configuration_is_a_floor() {
    let tmp = tempfile::tempdir().unwrap();
    // `config_in` writes the crate to `out`.
    let out = tmp.path().join("out");
    generate("openapi.json", &out);
    let config = config_with_floor(tmp.path(), "1.0.0");
    let run = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(read(out.join("Cargo.toml")).contains("\nversion = \"1.0.0\"\n"));
    let changelog = read(out.join("CHANGELOG.md"));
    assert!(
        changelog.contains(
            "## 1.0.0\n\nNo API changes; version raised in the configuration.\n\n## 0.1.0"
        ),
        "{changelog}"
    );
}

#[test]
fn a_malformed_snapshot_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crate");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("api-surface.json"), "{\n  \"crate_version\": 1,\n").unwrap();
    let run = run_in(&inputs_dir(), &["--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("api-surface.json:"), "{stderr}");
    assert!(stderr.contains("invalid API surface snapshot"), "{stderr}");
}

#[test]
fn a_reader_that_stops_reading_gets_no_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .current_dir(inputs_dir())
        .arg("--config")
        .arg(config())
        .args(MARCH_TO_APRIL)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Close our end before the report is written, as `| head -1` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn runtime_methods_gained_or_changed_are_in_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crate");
    generate("openapi.json", &out);
    let path = out.join("api-surface.json");
    let mut surface: serde_json::Value = serde_json::from_str(&read(path.clone())).unwrap();
    let runtime = surface["surface"]["runtime"]
        .as_object_mut()
        .expect("the snapshot records the runtime");
    // The snapshot of an older runtime: without `body_as` on the
    // response, and with another signature for `ErrorResponse::body`.
    assert!(runtime.remove("error::ErrorResponse::body_as").is_some());
    let body = runtime
        .get_mut("error::ErrorResponse::body")
        .expect("ErrorResponse::body is public");
    *body = "impl ErrorResponse: fn body (& self) -> String".into();
    std::fs::write(&path, serde_json::to_string_pretty(&surface).unwrap()).unwrap();
    let (report, _) = generate_with("openapi.json", &out, &["--force"]);
    assert!(
        report.contains(
            "error::ErrorResponse::body_as: added to the runtime: `impl ErrorResponse: fn body_as"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "error::ErrorResponse::body: `impl ErrorResponse: fn body (& self) -> String` ->"
        ),
        "{report}"
    );
    assert!(
        report.contains("Suggested version bump: breaking"),
        "{report}"
    );
}
