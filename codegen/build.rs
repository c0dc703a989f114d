//! Hashes the generator's own sources (its Rust code, the runtime files it
//! ships and its manifest) into `PHALA_CODEGEN_SOURCE_HASH`, which the
//! fingerprint of a generation records: a changed generator must never
//! take the no-op fast path over output an older generator wrote.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut files = Vec::new();
    for dir in ["src", "runtime"] {
        println!("cargo:rerun-if-changed={dir}");
        collect(&root.join(dir), &mut files);
    }
    println!("cargo:rerun-if-changed=Cargo.toml");
    files.push(root.join("Cargo.toml"));
    let mut rel: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(&root).unwrap_or(&p).to_string_lossy();
            (name.replace('\\', "/"), p)
        })
        .collect();
    rel.sort();
    let mut hash = Sha256::new();
    for (name, path) in rel {
        let bytes = std::fs::read(&path).unwrap_or_default();
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    let hex: String = hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("cargo:rustc-env=PHALA_CODEGEN_SOURCE_HASH={hex}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
