//! `phala-codegen`: regenerate the `phala-cloud` crate from the Phala Cloud
//! OpenAPI spec. With no arguments it reads `spec/phala-codegen.toml`.
//! `phala-codegen diff OLD NEW` reports what changes for the crate's callers
//! between two specs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use phala_codegen::api::release;
use phala_codegen::api::report::Report;
use phala_codegen::out::{fingerprint, write};
use phala_codegen::render;
use phala_codegen::{config, Config};

/// `println!` that does not panic when stdout is closed (`| head`): the
/// output is a report, and a reader that stopped reading wants no more.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn put(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().write_all(text.as_bytes());
}

/// A status line of a run (the summary, up to date, `--verbose`'s): on
/// stdout with the text report, on stderr when stdout carries a JSON or
/// Markdown report, so that stdout is the report alone.
fn status(cli: &Cli, line: &str) {
    if cli.format == OutputFormat::Text {
        say!("{line}");
    } else {
        eprintln!("{line}");
    }
}

/// The generator allocates heavily (syn trees, token streams, strings):
/// about a third of a run's samples were in glibc's malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Generate the phala-cloud SDK crate from the OpenAPI spec"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The generator's configuration file (naming tables, API versions;
    /// default: spec/phala-codegen.toml). With --generic it refines what is
    /// read from the spec: the keys it sets replace the derived ones.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
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
    /// How to print the API change report of this regeneration (against
    /// the previous generation in the output directory): `markdown` is for
    /// a pull request. Any format but `text` always prints the report, so
    /// it skips the fingerprint's no-op fast path; stdout then holds the
    /// report alone and the status lines go to stderr. A first generation
    /// (no `api-surface.json` in the output directory) has no report.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Generate even when the fingerprint in the output directory says
    /// that inputs and outputs are unchanged (normally a no-op).
    #[arg(long)]
    force: bool,
    /// Instead of the SDK, write to this directory a crate that is progenitor
    /// alone over the same spec (the compile-cost benchmark's baseline).
    #[arg(long, hide = true)]
    bare_progenitor: Option<PathBuf>,
    /// Print how many sites each normalization pass changed.
    #[arg(long, short)]
    verbose: bool,
    /// Accept overrides in the configuration that match nothing in the
    /// inputs (a warning instead of an error), e.g. to generate from an
    /// older spec.
    #[arg(long, global = true)]
    allow_unused_overrides: bool,
    /// Use the spec as it is, without the overlays of `inputs.overlays`
    /// (they are fixes for the Phala spec; a different spec has other
    /// paths and components).
    #[arg(long, global = true)]
    no_overlays: bool,
    /// Generate without the operations the generator cannot support (and
    /// with component schemas typify rejects typed as any JSON), listing
    /// each, instead of failing with the list.
    #[arg(long)]
    skip_unsupported: bool,
    /// Generate a standalone SDK for any OpenAPI spec (needs --spec and
    /// --out): names, base URL and auth come from the spec, nothing is
    /// Phala-specific, and only a --config given explicitly is read.
    #[arg(long, requires_all = ["spec", "out"])]
    generic: bool,
    /// With --generic: the crate name (default: from `info.title`); the
    /// client type is its UpperCamelCase (`my-api` -> `MyApi`).
    #[arg(long, requires = "generic")]
    name: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare two specs as the generated crate's callers see them: both go
    /// through the normalizer and the naming layer, and their public API is
    /// compared. Ends with a semver bump suggestion.
    Diff(DiffArgs),
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// The spec the current crate was generated from.
    old: PathBuf,
    /// The spec to compare it with.
    new: PathBuf,
    /// The error-code catalog that goes with OLD (compare error codes too).
    #[arg(long, requires = "new_catalog")]
    old_catalog: Option<PathBuf>,
    /// The error-code catalog that goes with NEW.
    #[arg(long, requires = "old_catalog")]
    new_catalog: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Exit with status 1 when the report has entries of this kind.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// The version the bump applies to; by default the generated crate's
    /// current version (from its `api-surface.json`), else `crate.version`.
    #[arg(long)]
    current_version: Option<semver::Version>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum OutputFormat {
    Text,
    Json,
    /// Tables for a pull request description.
    Markdown,
}

impl OutputFormat {
    fn render(self, report: &Report) -> String {
        match self {
            OutputFormat::Text => report.to_text(),
            OutputFormat::Json => report.to_json(),
            OutputFormat::Markdown => report.to_markdown(),
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FailOn {
    /// Any breaking entry.
    Breaking,
    /// Any entry at all.
    Any,
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
            // 1 is taken by `--check` (stale) and `diff --fail-on` (found).
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> phala_codegen::Result<ExitCode> {
    let start = Instant::now();
    let mut config = config_of(cli)?;
    if let Some(Command::Diff(args)) = &cli.command {
        return diff(&config, args);
    }
    if let Some(catalog) = &cli.error_catalog {
        config.inputs.error_catalog = Some(catalog.clone());
    }
    let spec = cli
        .spec
        .clone()
        .unwrap_or_else(|| config.inputs.spec.clone());
    if let Some(out) = &cli.out {
        config.output.dir = out.clone();
    }
    let out = config.output.dir.clone();
    if let Some(dir) = &cli.bare_progenitor {
        return bare_progenitor(&config, &spec, dir);
    }
    if !cli.force && cli.format == OutputFormat::Text {
        if let Some(krate) = fingerprint::unchanged(&config, &spec, &out) {
            say_unchanged(cli, &out, &krate, start);
            return Ok(ExitCode::SUCCESS);
        }
    }
    let generated = phala_codegen::generate(&config, &spec)?;
    tell(cli, &generated, &out);
    let report = write::write(&out, &generated.files, cli.check)?;
    let elapsed = start.elapsed().as_secs_f64();
    if cli.check {
        return Ok(check_result(cli, &report, &out, elapsed));
    }
    let summary = format!(
        "phala-codegen: {} {}: {} operations, {} types; {} files written, {} unchanged, {} removed ({elapsed:.2} s)",
        config.krate.name,
        generated.version,
        generated.operations,
        generated.types,
        report.written.len(),
        report.unchanged,
        report.removed.len(),
    );
    status(cli, &summary);
    Ok(ExitCode::SUCCESS)
}

/// The configuration the command line asks for: the config file, or the
/// one `--generic` derives from the spec (refined by `--config`), with the
/// command line's switches applied.
fn config_of(cli: &Cli) -> phala_codegen::Result<Config> {
    let mut config = match (&cli.spec, &cli.out) {
        (Some(spec), Some(out)) if cli.generic => {
            let doc = phala_codegen::spec::load::load_spec(spec)?;
            let derived =
                phala_codegen::inputs::generic::config(spec, &doc, out, cli.name.as_deref())?;
            match &cli.config {
                Some(refinement) => phala_codegen::inputs::generic::refine(&derived, refinement)?,
                None => derived,
            }
        }
        _ => Config::load(
            cli.config
                .as_deref()
                .unwrap_or(std::path::Path::new(config::DEFAULT_CONFIG)),
        )?,
    };
    config.allow_unused_overrides = cli.allow_unused_overrides;
    config.skip_unsupported = cli.skip_unsupported;
    if cli.no_overlays {
        config.inputs.overlays = None;
    }
    Ok(config)
}

/// `--bare-progenitor DIR`: the benchmark's baseline crate.
fn bare_progenitor(config: &Config, spec: &Path, dir: &Path) -> phala_codegen::Result<ExitCode> {
    let lib = phala_codegen::bare_progenitor(config, spec)?;
    let files = std::collections::BTreeMap::from([
        (PathBuf::from("Cargo.toml"), render::toml(BARE_MANIFEST)),
        (PathBuf::from("src/lib.rs"), lib),
    ]);
    write::write(dir, &files, false)?;
    say!("phala-codegen: bare progenitor crate in {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// The summary of a run the fingerprint showed to have nothing to do.
fn say_unchanged(cli: &Cli, out: &Path, krate: &str, start: Instant) {
    let elapsed = start.elapsed().as_secs_f64();
    if cli.check {
        say!(
            "phala-codegen: {} is up to date (its {} matches; {elapsed:.3} s)",
            out.display(),
            fingerprint::FILE
        );
    } else {
        say!(
            "phala-codegen: {krate}: inputs and outputs match {}; 0 files written ({elapsed:.3} s)",
            fingerprint::FILE
        );
    }
}

/// Warnings and skips on stderr, the overlays and passes with `--verbose`,
/// then the API change report in the asked format (or, for a first
/// generation, how to get one).
fn tell(cli: &Cli, generated: &phala_codegen::Generated, out: &Path) {
    for warning in &generated.warnings {
        eprintln!("phala-codegen: warning: {warning}");
    }
    for (what, why) in &generated.api.skipped {
        eprintln!("phala-codegen: skipped {what}: {why}");
    }
    if cli.verbose {
        for action in &generated.overlays {
            let line = format!(
                "  overlay {}: {} {} node(s)",
                action.label(),
                if action.removed { "removed" } else { "updated" },
                action.matched
            );
            status(cli, &line);
        }
        for pass in &generated.passes {
            status(
                cli,
                &format!("  pass {:<22} {:>5} sites", pass.name, pass.sites),
            );
        }
    }
    match &generated.report {
        Some(report) if cli.format != OutputFormat::Text => put(&cli.format.render(report)),
        Some(report) if !report.is_empty() => put(&report.to_text()),
        Some(_) => say!("phala-codegen: no API changes"),
        None => first_generation(out, &generated.version),
    }
}

/// A first generation has nothing to compare with: says so on stderr, and
/// how to get a report, whatever the format (stdout stays empty of it).
fn first_generation(out: &Path, version: &str) {
    let regenerate = render::REGENERATE;
    eprintln!(
        "phala-codegen: no {snapshot} in {dir}: this is a first generation (version {version}), \
         so there is no API change report.\n\
         To review a spec change, compare it with a crate generated before \
         (its {snapshot} is the baseline):\n  \
         {regenerate} -- --spec NEW_SPEC --out CRATE_DIR --check --format markdown\n\
         or compare two specs:\n  \
         {regenerate} -- diff OLD_SPEC NEW_SPEC --format markdown",
        snapshot = release::SNAPSHOT,
        dir = out.display(),
    );
}

/// `--check`: success when nothing would change, else the stale files.
fn check_result(cli: &Cli, report: &write::WriteReport, out: &Path, elapsed: f64) -> ExitCode {
    let stale = report.stale();
    if stale.is_empty() {
        let line = format!(
            "phala-codegen: {} is up to date ({} files, {elapsed:.2} s)",
            out.display(),
            report.unchanged
        );
        status(cli, &line);
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "phala-codegen: {} is stale; these files differ from a fresh generation:",
        out.display()
    );
    for path in stale {
        eprintln!("  {}", path.display());
    }
    eprintln!("run `{}` to regenerate", render::REGENERATE);
    ExitCode::FAILURE
}

fn diff(config: &Config, args: &DiffArgs) -> phala_codegen::Result<ExitCode> {
    let old = phala_codegen::api_surface(config, &args.old, args.old_catalog.as_deref())?;
    let new = phala_codegen::api_surface(config, &args.new, args.new_catalog.as_deref())?;
    let with_codes = args.old_catalog.is_some();
    let error_type = phala_codegen::inputs::names::ClientNames::of(config)?.error;
    let entries = phala_codegen::api::compare::compare(&old, &new, with_codes, &error_type);
    let current = match &args.current_version {
        Some(v) => v.clone(),
        None => match release::previous(&config.output.dir)?.snapshot {
            Some(snap) => snap.crate_version,
            None => config.krate.semver(&config.source)?,
        },
    };
    let report = Report::new(
        args.old.display().to_string(),
        args.new.display().to_string(),
        entries,
    )
    .with_version(&current);
    put(&args.format.render(&report));
    let fail = match args.fail_on {
        Some(FailOn::Breaking) => report.has_breaking(),
        Some(FailOn::Any) => !report.is_empty(),
        None => false,
    };
    Ok(if fail {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
