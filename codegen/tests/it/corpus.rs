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
//! listed there. The specs build in two lanes at once ([`LANES`]).

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
    "lago-openapi.yaml",
    "mastodon-openapi-schema.json",
    "nestjs-immich-openapi-specs.json",
    "openai-openapi.yaml",
    "resend-openapi.yaml",
    "xero-accounting.yaml",
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/public-specs")
}

/// The specs are built in this many lanes at once, each with a target
/// directory of its own (cargo locks one per build). A large crate's build
/// is mostly one single-threaded rustc front end, so two lanes keep both of
/// CI's cores busy; the price is the shared dependencies built once per lane.
const LANES: usize = 2;

/// Lane `lane`'s cargo target directory, shared by the crates of that lane
/// so that their dependencies build once (and not the workspace's, whose
/// lock the running test holds).
fn target_dir(lane: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../target/corpus-{lane}"))
}

/// Specs dealt into [`LANES`] lanes, largest first, each to the lane with
/// the fewest bytes so far: spec size is a fair guess of build time.
fn lanes(specs: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    let size = |p: &PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut by_size: Vec<&PathBuf> = specs.iter().collect();
    by_size.sort_by_key(|p| std::cmp::Reverse(size(p)));
    let mut lanes = vec![(0u64, Vec::new()); LANES];
    for spec in by_size {
        let lightest = lanes.iter_mut().min_by_key(|(bytes, _)| *bytes).unwrap();
        lightest.0 += size(spec);
        lightest.1.push(spec.clone());
    }
    lanes.into_iter().map(|(_, specs)| specs).collect()
}

/// How one spec fared.
enum Outcome {
    Compiled,
    /// Generated, then failed to build: why.
    Generated(String),
    /// Failed to generate: why.
    Failed(String),
}

/// Generates `spec` into `temp` and builds it in `lane`'s target directory.
fn try_spec(spec: &Path, temp: &Path, lane: usize) -> Outcome {
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
        return Outcome::Failed(format!("generate: {}", tail(&run)));
    }
    let check = cargo(&out, lane, &["check", "--quiet", "--no-default-features"]);
    if !check.status.success() {
        return Outcome::Generated(format!("cargo check: {}", tail(&check)));
    }
    if name == DOCTESTED {
        let doc = cargo(
            &out,
            lane,
            &["test", "--doc", "--quiet", "--no-default-features"],
        );
        if !doc.status.success() {
            return Outcome::Generated(format!("cargo test --doc: {}", tail(&doc)));
        }
    }
    Outcome::Compiled
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

/// `cargo args` on the crate in `crate_dir`. The callers pass
/// `--no-default-features`: the default feature is TLS (rustls over
/// aws-lc, whose C build ran once per lane for about a minute of CPU), which
/// is transport, not what the generator writes; the crates compile without
/// it, and the Phala crate's own tests build it with TLS.
fn cargo(crate_dir: &Path, lane: usize, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir(lane))
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
    assert!(
        specs.iter().any(|s| s.ends_with(DOCTESTED)),
        "{DOCTESTED}, the doctested spec, is missing"
    );
    let temp = tempfile::tempdir().unwrap();
    let mut outcomes: Vec<(String, Outcome)> = std::thread::scope(|scope| {
        let workers: Vec<_> = lanes(&specs)
            .into_iter()
            .enumerate()
            .map(|(lane, specs)| {
                let temp = temp.path();
                scope.spawn(move || {
                    specs
                        .iter()
                        .map(|spec| {
                            let name = spec.file_name().unwrap().to_string_lossy().into_owned();
                            (name, try_spec(spec, temp, lane))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a corpus lane panicked"))
            .collect()
    });
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
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
