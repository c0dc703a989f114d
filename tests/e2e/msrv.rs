//! The generated crate's declared `rust-version` is at least what its
//! dependency tree declares (issue 19). This machine has one toolchain, so
//! building on the declared one cannot run here; this check reads
//! `cargo metadata` instead, and `cargo +<rust-version> check -p
//! phala-cloud` is the full test where that toolchain is installed.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn declared_rust_version_covers_the_dependency_tree() {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/generated/Cargo.toml");
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--manifest-path",
            manifest,
        ])
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let root = packages
        .values()
        .find(|p| p["name"] == "phala-cloud")
        .expect("phala-cloud in the metadata");
    let declared = root["rust_version"]
        .as_str()
        .expect("phala-cloud declares rust-version");
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    // Normal (and build) dependencies, transitively: what a user compiles.
    let mut seen = BTreeSet::new();
    let mut stack = vec![root["id"].as_str().unwrap()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let runtime = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"] != "dev");
            if runtime {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let (highest, by) = seen
        .iter()
        .filter_map(|id| {
            let p = packages[id];
            Some((version(p["rust_version"].as_str()?), p["name"].as_str()?))
        })
        .max()
        .expect("some dependency declares a rust-version");
    assert!(seen.len() > 50, "{} packages in the tree", seen.len());
    assert!(
        version(declared) >= highest,
        "phala-cloud declares rust-version {declared}, but {by} needs {}.{}.{}",
        highest.0,
        highest.1,
        highest.2
    );
}
