//! The corpus test: every third-party spec in `../shared/public-specs/`
//! (read-only; provenance in its `SOURCES.md`) is generated in `--generic`
//! mode into a temporary directory, and each crate that generates is
//! type-checked with `cargo check`; one of them ([`DOCTESTED`]) is also
//! built and its doctests run with `cargo test --doc`. It prints `public
//! specs: N/M generate, K/M compile`, and what stopped each one that did
//! not.
//!
//! Why not `cargo test --doc` for all: that is a full dev build of each
//! large crate and of its dependencies, then one compile per doctest. For
//! the OpenAI crate (8.5 MB of Rust) `cargo check` took 138 s of CPU, the
//! build 193 s more and its 17 doctests 175 s more (one run, 2026-12-07);
//! all ten crates through `cargo test --doc` took 891 s of CPU, about twice
//! the rest of the test binary. The crate docs and README are the same
//! templates for every `--generic` crate, so one crate's doctests check them
//! (and the fixture crate of `constructs` runs its own); for the rest `cargo
//! check` finds what the type checker finds (every error the corpus has
//! shown so far).
//!
//! Every spec in [`PASSING`] must generate and compile; a new spec dropped
//! into the directory is reported but does not fail the test until it is
//! listed there. The crates are checked together, as one workspace
//! ([`check_all`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The spec whose crate is also built and doctested: the smallest, so the
/// full build costs least.
const DOCTESTED: &str = "resend-openapi.yaml";

/// The specs that generate and compile today; each must keep doing so.
const PASSING: &[&str] = &[
    "adyen-checkout-service-v71.json",
    "drf-spectacular-inventree-api-534.yaml",
    "fastapi-prefect-rest-api.json",
    "handwritten-overseerr-api.yml",
    "jira-cloud-platform-swagger-v3.json",
    "lago-openapi.yaml",
    "mastodon-openapi-schema.json",
    "nestjs-immich-openapi-specs.json",
    "openai-openapi.yaml",
    "ory-kratos-api.json",
    "plaid-2020-09-14.yml",
    "resend-openapi.yaml",
    "spotify-web-api-fixed.yml",
    "twilio-api-v2010.json",
    "xero-accounting.yaml",
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/public-specs")
}

/// The one cargo target directory of the corpus workspace.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/corpus")
}

/// How one spec fared.
enum Outcome {
    Compiled,
    /// Generated, then failed to build: why.
    Generated(String),
    /// Failed to generate: why.
    Failed(String),
}

/// Generates `spec` into a directory of `temp`, named after the spec.
fn generate(spec: &Path, temp: &Path) -> Result<PathBuf, String> {
    let name = spec.file_name().unwrap().to_string_lossy().into_owned();
    let out = temp.join(name.replace('.', "_"));
    let run = Command::new(env!("CARGO_BIN_EXE_phala-codegen"))
        .arg("--generic")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("phala-codegen runs");
    if !run.status.success() {
        return Err(format!("generate: {}", tail(&run)));
    }
    Ok(out)
}

/// The last lines of a failed command's output, for the summary.
fn tail(output: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    first_errors(&text)
}

/// The first error lines of `text`, or its last lines when it has none.
fn first_errors(text: &str) -> String {
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

/// `cargo args` in the corpus workspace at `temp`. The callers pass
/// `--no-default-features`: the default feature is TLS (rustls over
/// aws-lc, a C build of about a minute of CPU), which is transport, not what
/// the generator writes; the crates compile without it, and the Phala
/// crate's own tests build it with TLS.
fn cargo(temp: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--manifest-path")
        .arg(temp.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        // Debug info is most of these large crates' build time and disk.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

/// Checks every crate in `crates` with one `cargo check` of a workspace
/// holding them all: their dependencies are checked once, and cargo keeps
/// both cores busy with the crates. Two lanes with a target directory each
/// checked the dependencies twice, and the lane with the largest crate ran
/// long after the other had finished: 433 s cold, against 273 s (one run
/// each). What failed, by crate directory, is read from cargo's JSON
/// messages.
fn check_all(temp: &Path, crates: &[PathBuf]) -> BTreeMap<PathBuf, Option<String>> {
    let members: Vec<String> = crates
        .iter()
        .map(|c| format!("{:?}", c.file_name().unwrap().to_string_lossy()))
        .collect();
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(temp.join("Cargo.toml"), manifest).unwrap();
    let run = cargo(
        temp,
        &[
            "check",
            "--workspace",
            "--keep-going",
            "--no-default-features",
            "--message-format=json",
        ],
    );
    let mut errors: BTreeMap<PathBuf, String> = BTreeMap::new();
    for line in String::from_utf8_lossy(&run.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let level = &message["message"]["level"];
        if message["reason"] != "compiler-message" || level != "error" {
            continue;
        }
        let id = message["package_id"].as_str().unwrap_or_default();
        if let Some(dir) = crates.iter().find(|c| id.contains(&*c.to_string_lossy())) {
            let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
            let entry = errors.entry(dir.clone()).or_default();
            entry.push_str(rendered);
        }
    }
    // A failure cargo reports outside the compiler's messages (a manifest
    // it cannot read) fails every crate, with cargo's words.
    let outside = if !run.status.success() && errors.is_empty() {
        Some(first_errors(&String::from_utf8_lossy(&run.stderr)))
    } else {
        None
    };
    crates
        .iter()
        .map(|dir| {
            let why = errors.get(dir).map(|e| first_errors(e));
            (dir.clone(), why.or_else(|| outside.clone()))
        })
        .collect()
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
    assert!(
        specs.iter().any(|s| s.ends_with(DOCTESTED)),
        "{DOCTESTED}, the doctested spec, is missing"
    );
    let temp = tempfile::tempdir().unwrap();
    let outcomes = outcomes(&specs, temp.path());
    let (mut generated, mut compiled) = (Vec::new(), Vec::new());
    let mut failures = Vec::new();
    for (name, outcome) in outcomes {
        match outcome {
            Outcome::Compiled => {
                generated.push(name.clone());
                compiled.push(name);
            }
            Outcome::Generated(why) => {
                failures.push(format!("{name}: {why}"));
                generated.push(name);
            }
            Outcome::Failed(why) => failures.push(format!("{name}: {why}")),
        }
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

/// Each spec's name and outcome, sorted by name: the specs are generated
/// two at a time, the crates checked together ([`check_all`]) and the
/// [`DOCTESTED`] one's doctests run.
fn outcomes(specs: &[PathBuf], temp: &Path) -> Vec<(String, Outcome)> {
    let halves: Vec<Vec<&PathBuf>> = (0..2)
        .map(|h| specs.iter().skip(h).step_by(2).collect())
        .collect();
    let generated: Vec<(String, Result<PathBuf, String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = halves
            .into_iter()
            .map(|half| {
                scope.spawn(move || {
                    half.into_iter()
                        .map(|spec| {
                            let name = spec.file_name().unwrap().to_string_lossy().into_owned();
                            (name, generate(spec, temp))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a generating thread panicked"))
            .collect()
    });
    let crates: Vec<PathBuf> = generated
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().cloned())
        .collect();
    let checked = check_all(temp, &crates);
    let mut outcomes: Vec<(String, Outcome)> = generated
        .into_iter()
        .map(|(name, result)| {
            let outcome = match result {
                Err(why) => Outcome::Failed(why),
                Ok(dir) => match &checked[&dir] {
                    Some(why) => Outcome::Generated(format!("cargo check: {why}")),
                    None if name == DOCTESTED => doctest(temp, &dir),
                    None => Outcome::Compiled,
                },
            };
            (name, outcome)
        })
        .collect();
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    outcomes
}

/// Builds the crate in `dir` and runs its doctests.
fn doctest(temp: &Path, dir: &Path) -> Outcome {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let package: toml::Table = toml::from_str(&manifest).unwrap();
    let name = package["package"]["name"].as_str().unwrap().to_owned();
    let doc = cargo(
        temp,
        &[
            "test",
            "--doc",
            "--quiet",
            "--no-default-features",
            "-p",
            &name,
        ],
    );
    if doc.status.success() {
        Outcome::Compiled
    } else {
        Outcome::Generated(format!("cargo test --doc: {}", tail(&doc)))
    }
}
