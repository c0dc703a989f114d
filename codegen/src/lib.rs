//! The Phala Cloud SDK generator.
//!
//! Stages, one module each: [`load`] -> [`normalize`] -> [`ir`] (named by
//! [`naming`]) -> [`emit`] -> [`format`] -> [`write`]. [`generate`] runs the
//! first five and returns the files; the CLI and `build.rs` decide whether to
//! write or only compare them.

pub mod catalog;
pub mod config;
pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod load;
pub mod naming;
pub mod normalize;
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
    pub api: ir::Api,
    pub catalog: catalog::Catalog,
}

/// The stages before emitting: the normalized document and its IR.
struct Prepared {
    doc: serde_json::Value,
    api: ir::Api,
    passes: Vec<normalize::PassReport>,
}

fn prepare(config: &Config, spec: &Path) -> Result<Prepared> {
    let mut doc = load::load_spec(spec)?;
    let python = naming::PythonNames::load(&config.inputs.python_names)?;
    let names = naming::name_everything(&doc, spec, config, &python)?;
    let ctx = normalize::Context {
        default_version: config.api.default_version.clone(),
        type_names: names.types.clone(),
    };
    let passes = normalize::normalize(&mut doc, &ctx)?;
    let api = ir::build(&doc, &names)?;
    Ok(Prepared { doc, api, passes })
}

/// Runs load -> normalize -> ir -> emit -> format for `spec`.
pub fn generate(config: &Config, spec: &Path) -> Result<Generated> {
    let Prepared { doc, api, passes } = prepare(config, spec)?;
    let raw = emit::progenitor::generate(&doc, &api)?;
    let types = raw
        .types
        .iter()
        .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
        .count();
    let catalog = catalog::load(&config.inputs.error_catalog, &config.error_code_names)?;
    let files = emit::files(&api, &catalog, config, raw, types)?;
    Ok(Generated {
        files,
        operations: api.operations.len(),
        types,
        passes,
        api,
        catalog,
    })
}

/// The `src/lib.rs` of a crate that is progenitor alone, with its default
/// settings, over the same normalized spec (for the compile-cost benchmark).
pub fn bare_progenitor(config: &Config, spec: &Path) -> Result<String> {
    let Prepared { doc, api, .. } = prepare(config, spec)?;
    emit::progenitor::bare(&doc, &api)
}
