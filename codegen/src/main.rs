//! `phala-codegen`: regenerate the `phala-cloud` crate from the Phala Cloud
//! OpenAPI spec. With no arguments it reads `spec/phala-codegen.toml`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use phala_codegen::{config, format, write, Config};

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Generate the phala-cloud SDK crate from the OpenAPI spec"
)]
struct Cli {
    /// The generator's configuration file.
    #[arg(long, default_value = config::DEFAULT_CONFIG)]
    config: PathBuf,
    /// The OpenAPI spec (JSON or YAML); overrides `inputs.spec`.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The error-code catalog (Markdown); overrides `inputs.error_catalog`.
    #[arg(long)]
    error_catalog: Option<PathBuf>,
    /// The output crate directory; overrides `output.dir`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write nothing; exit non-zero and name the stale files if the output
    /// differs from what would be generated.
    #[arg(long)]
    check: bool,
    /// Instead of the SDK, write to this directory a crate that is progenitor
    /// alone over the same spec (the compile-cost benchmark's baseline).
    #[arg(long, hide = true)]
    bare_progenitor: Option<PathBuf>,
    /// Print how many sites each normalization pass changed.
    #[arg(long, short)]
    verbose: bool,
}

const BARE_MANIFEST: &str = r#"[package]
name = "bare-progenitor"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "clock"] }
progenitor-client = "0.15"
regress = "0.10"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "rustls", "http2"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
"#;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> phala_codegen::Result<ExitCode> {
    let start = Instant::now();
    let mut config = Config::load(&cli.config)?;
    if let Some(catalog) = &cli.error_catalog {
        config.inputs.error_catalog = catalog.clone();
    }
    let spec = cli
        .spec
        .clone()
        .unwrap_or_else(|| config.inputs.spec.clone());
    let out = cli.out.clone().unwrap_or_else(|| config.output.dir.clone());
    if let Some(dir) = &cli.bare_progenitor {
        let lib = phala_codegen::bare_progenitor(&config, &spec)?;
        let files = std::collections::BTreeMap::from([
            (PathBuf::from("Cargo.toml"), format::toml(BARE_MANIFEST)),
            (PathBuf::from("src/lib.rs"), lib),
        ]);
        write::write(dir, &files, false)?;
        println!("phala-codegen: bare progenitor crate in {}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let generated = phala_codegen::generate(&config, &spec)?;
    if cli.verbose {
        for pass in &generated.passes {
            println!("  pass {:<22} {:>5} sites", pass.name, pass.sites);
        }
    }
    let report = write::write(&out, &generated.files, cli.check)?;
    let elapsed = start.elapsed().as_secs_f64();
    if cli.check {
        let stale = report.stale();
        if stale.is_empty() {
            println!(
                "phala-codegen: {} is up to date ({} files, {elapsed:.2} s)",
                out.display(),
                report.unchanged
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "phala-codegen: {} is stale; these files differ from a fresh generation:",
            out.display()
        );
        for path in stale {
            eprintln!("  {}", path.display());
        }
        eprintln!("run `{}` to regenerate", format::REGENERATE);
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "phala-codegen: {} operations, {} types; {} files written, {} unchanged, {} removed ({elapsed:.2} s)",
        generated.operations,
        generated.types,
        report.written.len(),
        report.unchanged,
        report.removed.len(),
    );
    Ok(ExitCode::SUCCESS)
}
