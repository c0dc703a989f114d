//! Checks on every build of the workspace root that the checked-in
//! `generated/` is what the generator produces, and warns, naming the stale
//! files and the fix, when it is not. When `generated/`'s fingerprint
//! matches its inputs and files, that is the whole check; otherwise the SDK
//! is regenerated into OUT_DIR and compared. It never writes outside OUT_DIR.

use std::path::{Path, PathBuf};

use phala_codegen::out::{fingerprint, write};
use phala_codegen::render;
use phala_codegen::{config, Config};

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("phala-cloud");
    let config_path = root.join(config::DEFAULT_CONFIG);
    println!("cargo:rerun-if-changed={}", config_path.display());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("generated").display()
    );
    if let Err(e) = check(&config_path, &out) {
        println!("cargo:warning=phala-codegen could not check generated/: {e}");
    }
}

fn check(config_path: &Path, out: &Path) -> phala_codegen::Result<()> {
    let config = Config::load(config_path)?;
    let optional = [&config.inputs.python_names, &config.inputs.error_catalog];
    for input in std::iter::once(&config.inputs.spec).chain(optional.into_iter().flatten()) {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    // The guide's pages are inputs too (a directory: any page in it).
    if let Some(guide) = &config.docs.guide {
        println!("cargo:rerun-if-changed={}", guide.display());
    }
    if fingerprint::unchanged(&config, &config.inputs.spec, &config.output.dir).is_some() {
        return Ok(());
    }
    let generated = phala_codegen::generate(&config, &config.inputs.spec)?;
    write::write(out, &generated.files, false)?;
    let report = write::write(&config.output.dir, &generated.files, true)?;
    let stale = report.stale();
    if !stale.is_empty() {
        let names: Vec<String> = stale.iter().map(|p| p.display().to_string()).collect();
        println!(
            "cargo:warning=generated/ is stale ({} files differ: {}); run `{}`",
            names.len(),
            names.join(", "),
            render::REGENERATE
        );
    }
    Ok(())
}
