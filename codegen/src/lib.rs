//! The Phala Cloud SDK generator.
//!
//! Stages, one module each: [`load`] -> [`overlay`] -> [`inline`] -> [`normalize`] -> [`ir`] (named by
//! [`naming`]) -> progenitor and typify ([`emit::progenitor`]) -> [`bind`]
//! (each operation joined with its progenitor method, once) -> [`emit`] and
//! the crate's API [`surface`], both read off the bound operations ->
//! [`release`] (compares that surface with the previous generation's,
//! through [`compare`], and bumps the version) -> [`format`] -> [`write`].
//! [`generate`] runs all but the last and returns the files; the CLI and
//! `build.rs` decide whether to write or only compare them. [`api_surface`]
//! and [`compare`] also serve `phala-codegen diff`. Every stage may use the
//! ground floor: [`openapi`] (reading the document), [`ident`] (checked
//! names) and [`error`].

pub mod bind;
pub mod catalog;
pub mod compare;
pub mod config;
pub mod emit;
pub mod error;
pub mod facts;
pub mod format;
pub mod ident;
pub mod inline;
pub mod ir;
pub mod load;
pub mod naming;
pub mod normalize;
pub mod openapi;
pub mod overlay;
pub mod quiet;
pub mod release;
pub mod report;
pub mod surface;
pub mod type_depth;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use config::Config;
pub use error::{Error, Result};

/// Everything one generation run produced.
pub struct Generated {
    /// Path relative to the output directory -> file content.
    pub files: BTreeMap<PathBuf, String>,
    pub operations: usize,
    pub types: usize,
    pub passes: Vec<normalize::PassReport>,
    /// The overlay actions applied, in order.
    pub overlays: Vec<overlay::Applied>,
    pub api: ir::Api,
    pub catalog: catalog::Catalog,
    /// The crate version written to `Cargo.toml`.
    pub version: String,
    /// What changed since the generation in the output directory; `None`
    /// when there was none to compare with.
    pub report: Option<report::Report>,
    /// Inputs that are allowed but probably wrong (an empty catalog or name
    /// table, overrides accepted with `allow_unused_overrides`), for stderr.
    pub warnings: Vec<String>,
}

/// The stages before emitting: the normalized document and its IR.
struct Prepared {
    doc: serde_json::Value,
    api: ir::Api,
    passes: Vec<normalize::PassReport>,
    overlays: Vec<overlay::Applied>,
    /// Overrides that match nothing in the spec, and other warnings.
    unused_overrides: Vec<String>,
    warnings: Vec<String>,
}

/// The spec as the generator reads it: loaded, with the overlays of
/// `inputs.overlays` applied (what Prism serves in the contract tests).
pub fn overlaid_spec(config: &Config, spec: &Path) -> Result<serde_json::Value> {
    load_overlaid(config, spec).map(|(doc, _)| doc)
}

fn load_overlaid(
    config: &Config,
    spec: &Path,
) -> Result<(serde_json::Value, Vec<overlay::Applied>)> {
    let mut doc = load::load_spec(spec)?;
    let applied = match &config.inputs.overlays {
        Some(dir) => overlay::apply(&mut doc, &overlay::load_dir(dir)?)?,
        None => Vec::new(),
    };
    inline::component_refs(&mut doc)?;
    Ok((doc, applied))
}

fn prepare(config: &Config, spec: &Path) -> Result<Prepared> {
    let (mut doc, overlays) = load_overlaid(config, spec)?;
    let python = naming::PythonNames::load(&config.inputs.python_names)?;
    let names = naming::name_everything(&doc, spec, config, &python)?;
    let mut unused_overrides = naming::unused_overrides(&doc, config);
    unused_overrides.extend(
        overlays
            .iter()
            .filter(|a| a.matched == 0)
            .map(|a| format!("overlay {} (its target matches nothing)", a.label())),
    );
    let mut warnings = Vec::new();
    if python.by_operation.is_empty() {
        warnings.push(format!(
            "{}: the Python SDK name table has no operations; every method is named by the rule",
            config.inputs.python_names.display()
        ));
    }
    let ctx = normalize::Context {
        default_version: config.api.default_version.clone(),
        type_names: names.types.clone(),
    };
    let model_versions = normalize::model_versions(&doc, &names.types);
    let passes = normalize::normalize(&mut doc, &ctx)?;
    let mut api = ir::build(&doc, &names, model_versions)?;
    for op in &mut api.operations {
        op.version_pin = config.api.pins.get(&op.name).cloned();
    }
    unused_overrides.extend(
        config
            .api
            .pins
            .keys()
            .filter(|m| !api.operations.iter().any(|op| &op.name == *m))
            .map(|m| format!("[api.pins] `{m}` (no such method)")),
    );
    Ok(Prepared {
        doc,
        api,
        passes,
        overlays,
        unused_overrides,
        warnings,
    })
}

/// Runs every stage but `write` for `spec`. The previous generation is
/// read from `config.output.dir`: its API snapshot decides the version bump
/// and its changelog is kept below the new entry.
pub fn generate(config: &Config, spec: &Path) -> Result<Generated> {
    let Prepared {
        doc,
        api,
        passes,
        overlays,
        mut unused_overrides,
        mut warnings,
    } = prepare(config, spec)?;
    let catalog = catalog::load(&config.inputs.error_catalog, &config.error_code_names)?;
    if catalog.codes().next().is_none() {
        warnings.push(format!(
            "{}: the error catalog has no error codes; `error_codes` will be empty",
            config.inputs.error_catalog.display()
        ));
    }
    unused_overrides.extend(catalog::unused_names(&catalog, &config.error_code_names));
    if !unused_overrides.is_empty() {
        if !config.allow_unused_overrides {
            return Err(Error::UnusedOverrides {
                path: config.source.clone(),
                keys: unused_overrides,
            });
        }
        warnings.extend(
            unused_overrides
                .into_iter()
                .map(|k| format!("override matches nothing: {k}")),
        );
    }
    let mut raw = emit::progenitor::generate(&doc, &api)?;
    let bound = bind::bind(&api, std::mem::take(&mut raw.methods))?;
    let types = raw
        .types
        .iter()
        .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
        .count();
    let surface = read_surface(&bound, &mut raw, error_codes(&catalog));
    let previous = release::previous(&config.output.dir)?;
    let release = release::release(&previous, surface, config)?;
    let mut files = emit::files(&api, &catalog, config, &release.version, raw, &bound, types)?;
    files.insert(PathBuf::from(release::SNAPSHOT), release.snapshot_json);
    files.insert(PathBuf::from(release::CHANGELOG), release.changelog);
    Ok(Generated {
        files,
        operations: api.operations.len(),
        types,
        passes,
        overlays,
        api,
        catalog,
        version: release.version,
        report: release.report,
        warnings,
    })
}

/// The API surface the generated crate would have for `spec`, with the
/// error codes of `catalog` when one is given (for `phala-codegen diff`).
pub fn api_surface(
    config: &Config,
    spec: &Path,
    catalog: Option<&Path>,
) -> Result<surface::Surface> {
    let Prepared { doc, api, .. } = prepare(config, spec)?;
    let mut raw = emit::progenitor::generate(&doc, &api)?;
    let bound = bind::bind(&api, std::mem::take(&mut raw.methods))?;
    let error_codes = match catalog {
        Some(path) => error_codes(&catalog::load(path, &config.error_code_names)?),
        None => BTreeMap::new(),
    };
    Ok(read_surface(&bound, &mut raw, error_codes))
}

/// The crate's API surface: method signatures from the bound operations and
/// the models typify produced, taken out of `raw` (the emitters do not read
/// them).
fn read_surface(
    bound: &[bind::Bound],
    raw: &mut emit::progenitor::Raw,
    error_codes: BTreeMap<String, String>,
) -> surface::Surface {
    let mut surface = surface::Surface {
        operations: bind::surfaces(bound),
        models: std::mem::take(&mut raw.models),
        error_codes,
    };
    emit::requests::reshape_surface(&mut surface);
    surface
}

fn error_codes(catalog: &catalog::Catalog) -> BTreeMap<String, String> {
    catalog
        .modules
        .iter()
        .flat_map(|m| &m.codes)
        .map(|c| (c.code.clone(), c.const_name.clone()))
        .collect()
}

/// The `src/lib.rs` of a crate that is progenitor alone, with its default
/// settings, over the same normalized spec (for the compile-cost benchmark).
pub fn bare_progenitor(config: &Config, spec: &Path) -> Result<String> {
    let Prepared { doc, api, .. } = prepare(config, spec)?;
    emit::progenitor::bare(&doc, &api)
}
