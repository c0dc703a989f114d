//! The pipeline: runs the stages in order for one spec. [`generate`] is the
//! whole run for the CLI, `build.rs` and the tests; [`api_surface`] stops
//! after the API stage (for `phala-codegen diff`); [`bare_progenitor`] is the
//! backend alone (for the compile-cost benchmark).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::api::{release, report};
use crate::backend::{bind, progenitor};
use crate::emit;
use crate::error::{Error, Result};
use crate::inputs::catalog;
use crate::inputs::config::Config;
use crate::inputs::overrides::{Overrides, Table};
use crate::ir::surface;
use crate::ir::{self, naming};
use crate::out::fingerprint;
use crate::spec::{deep_refs, document, fill, inline, load, normalize, overlay};

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

/// What a run leaves out: operations by operationId, and component schemas
/// (typed as any JSON instead) by their normalized name, each with why.
#[derive(Debug, Clone, Default)]
struct Skips {
    operations: BTreeMap<String, String>,
    schemas: BTreeMap<String, String>,
}

impl Skips {
    fn from_config(config: &Config) -> Self {
        Skips {
            operations: config
                .skip
                .operations
                .iter()
                .map(|id| (id.clone(), "listed in `[skip] operations`".to_owned()))
                .collect(),
            schemas: BTreeMap::new(),
        }
    }

    /// Takes what `error` is about into the skips; false when it is about
    /// nothing that can be left out, or about something already left out.
    fn take(&mut self, error: &Error) -> bool {
        let reason = error.to_string();
        if let Some(op) = error.skippable_operation() {
            return self.operations.insert(op.to_owned(), reason).is_none();
        }
        if let Some(schema) = error.schema() {
            return self.schemas.insert(schema.to_owned(), reason).is_none();
        }
        false
    }

    /// Every skip as `what -> why`, for the crate docs and the summary.
    fn listed(&self) -> BTreeMap<String, String> {
        let mut out = self.operations.clone();
        for (name, why) in &self.schemas {
            out.insert(format!("schema {name}"), why.clone());
        }
        out
    }
}

/// How many times a run restarts without the operations that failed the
/// previous try, looking for further problems; each try removes at least one.
const MAX_TRIES: usize = 64;

/// The stages before emitting: the normalized document and its IR.
struct Prepared {
    doc: serde_json::Value,
    api: ir::Api,
    passes: Vec<normalize::PassReport>,
    overlays: Vec<overlay::Applied>,
    /// The configuration's overrides, marked where the inputs matched them.
    overrides: Overrides,
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
    deep_refs::hoist(&mut doc)?;
    inline::component_refs(&mut doc)?;
    Ok((doc, applied))
}

/// The operations [`fill`] gave an operationId, as one warning.
fn filled_warning(filled: &[(String, String)]) -> Option<String> {
    let (first_op, first_id) = filled.first()?;
    Some(format!(
        "{} operation(s) have no operationId and are named from method and path (`{first_op}` -> `{first_id}`{})",
        filled.len(),
        if filled.len() > 1 { ", ..." } else { "" }
    ))
}

fn prepare(config: &Config, spec: &Path, skips: &Skips) -> Result<Prepared> {
    prepare_loaded(config, spec, load_overlaid(config, spec)?, skips)
}

/// [`prepare`] from the spec as [`load_overlaid`] gave it, so that the
/// tries of [`generate`] read and parse the file once.
fn prepare_loaded(
    config: &Config,
    spec: &Path,
    (mut doc, overlays): (serde_json::Value, Vec<overlay::Applied>),
    skips: &Skips,
) -> Result<Prepared> {
    let filled = fill::operation_ids(&mut doc);
    let unmatched_skips = remove_operations(&mut doc, &skips.operations);
    let python = match &config.inputs.python_names {
        Some(path) => naming::PythonNames::load(path)?,
        None => naming::PythonNames::default(),
    };
    let mut overrides = Overrides::of(config);
    let names = naming::name_everything(&doc, spec, config, &python, &mut overrides)?;
    for id in skips
        .operations
        .keys()
        .filter(|id| !unmatched_skips.contains(id))
    {
        overrides.read(Table::SkipOperations, id);
    }
    for applied in &overlays {
        let label = applied.label();
        overrides.list(Table::Overlays, &label);
        if applied.matched > 0 {
            overrides.read(Table::Overlays, &label);
        }
    }
    let mut warnings: Vec<String> = filled_warning(&filled).into_iter().collect();
    if let Some(path) = config
        .inputs
        .python_names
        .as_ref()
        .filter(|_| python.by_operation.is_empty())
    {
        warnings.push(format!(
            "{}: the Python SDK name table has no operations; every method is named by the rule",
            path.display()
        ));
    }
    let ctx = normalize::Context {
        default_version: config.api.default_version.clone(),
        type_names: names.types.clone(),
    };
    let model_versions = normalize::unions::model_versions(&doc, &names.types);
    let passes = normalize::passes::run(&mut doc, &ctx)?;
    untype_skipped_schemas(&mut doc, skips);
    normalize::passes::long_wire_names(&mut doc)?;
    let mut api = ir::lower::build(&doc, &names, model_versions)?;
    api.skipped = skips.listed();
    configure_operations(&mut api, config, &doc, &names, &mut overrides)?;
    Ok(Prepared {
        doc,
        api,
        passes,
        overlays,
        overrides,
        warnings,
    })
}

/// Component schemas the run leaves untyped become any JSON, each saying why.
fn untype_skipped_schemas(doc: &mut serde_json::Value, skips: &Skips) {
    for (name, why) in &skips.schemas {
        if let Some(schema) =
            doc.pointer_mut(&format!("/components/schemas/{}", document::escape(name)))
        {
            *schema = serde_json::json!({
                "description": format!("Any JSON: the generator could not type this schema ({why}).")
            });
        }
    }
}

/// The configuration's per-method settings on the IR (version pins, variants,
/// examples), each marked read in `overrides` where a method takes it.
fn configure_operations(
    api: &mut ir::Api,
    config: &Config,
    doc: &serde_json::Value,
    names: &naming::Names,
    overrides: &mut Overrides,
) -> Result<()> {
    for op in &mut api.operations {
        op.version_pin = config.api.pins.get(&op.name).cloned();
    }
    let variants = &config.api.variants;
    ir::variants::add_variants(api, variants, doc, &names.types, &config.source, overrides)?;
    for op in &mut api.operations {
        op.example = config.method_examples.get(&op.name).cloned();
        // After the variants are added: any method may be named.
        overrides.read(Table::Pins, &op.name);
        overrides.read(Table::MethodExamples, &op.name);
        overrides.read(Table::ExampleCall, &op.name);
    }
    Ok(())
}

/// Removes the operations whose operationId is a key of `skip`; returns
/// the keys that matched none.
fn remove_operations(doc: &mut serde_json::Value, skip: &BTreeMap<String, String>) -> Vec<String> {
    let mut unmatched: std::collections::BTreeSet<String> = skip.keys().cloned().collect();
    if let Some(paths) = doc
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            item.retain(|key, op| {
                let id = op.get("operationId").and_then(serde_json::Value::as_str);
                let skipped = document::methods().contains(&key.as_str())
                    && id.is_some_and(|id| skip.contains_key(id));
                if skipped {
                    unmatched.remove(id.unwrap_or_default());
                }
                !skipped
            });
        }
    }
    unmatched.into_iter().collect()
}

/// Runs every stage but `write` for `spec`. The previous generation is
/// read from `config.output.dir`: its API snapshot decides the version bump
/// and its changelog is kept below the new entry.
///
/// An operation the generator cannot support does not end the run: it is
/// left out and the run starts again, so one run finds every such problem.
/// They are then the error, all of them, unless `config.skip_unsupported`
/// says to generate without them (each is listed in the crate's docs).
pub fn generate(config: &Config, spec: &Path) -> Result<Generated> {
    let loaded = load_overlaid(config, spec)?;
    let mut skips = Skips::from_config(config);
    let mut problems = Vec::new();
    for _ in 0..MAX_TRIES {
        let error = match generate_with(config, spec, loaded.clone(), &skips) {
            Ok(generated) if problems.is_empty() => return Ok(generated),
            Ok(_) => return Err(Error::from_list(problems)),
            Err(e) => e,
        };
        let mut fatal = Vec::new();
        let mut progressed = false;
        for e in error.into_list() {
            if skips.take(&e) {
                progressed = true;
                if !config.skip_unsupported {
                    problems.push(e);
                }
            } else {
                fatal.push(e);
            }
        }
        if !fatal.is_empty() || !progressed {
            // A problem met again (one the skip could not cure) is listed once.
            for e in fatal {
                let text = e.to_string();
                if !problems.iter().any(|p| p.to_string() == text) {
                    problems.push(e);
                }
            }
            return Err(Error::from_list(problems));
        }
    }
    problems.push(Error::Progenitor(format!(
        "gave up after {MAX_TRIES} tries, each leaving out what the one before could not generate"
    )));
    Err(Error::from_list(problems))
}

fn generate_with(
    config: &Config,
    spec: &Path,
    loaded: (serde_json::Value, Vec<overlay::Applied>),
    skips: &Skips,
) -> Result<Generated> {
    let Prepared {
        doc,
        api,
        passes,
        overlays,
        mut overrides,
        mut warnings,
    } = prepare_loaded(config, spec, loaded, skips)?;
    let catalog = match &config.inputs.error_catalog {
        Some(path) => {
            let catalog = catalog::load(path, &config.error_code_names)?;
            if catalog.codes().next().is_none() {
                warnings.push(format!(
                    "{}: the error catalog has no error codes; `error_codes` will be empty",
                    path.display()
                ));
            }
            catalog
        }
        None => catalog::Catalog::default(),
    };
    for code in catalog.codes() {
        overrides.read(Table::ErrorCodeNames, &code.code);
    }
    let unused_overrides = overrides.unused();
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
    let mut raw = progenitor::generate(&doc, &api)?;
    let bound = bind::bind(&api, std::mem::take(&mut raw.methods))?;
    let types = raw.type_count();
    let exports = emit::files::exports(&api, config, &bound)?;
    let (surface, plan) = read_surface(
        &bound,
        &mut raw,
        error_codes(&catalog),
        exports,
        &api.model_versions,
    )?;
    let previous = release::previous(&config.output.dir)?;
    let release = release::release(&previous, surface, config)?;
    let mut files = emit::files::all(&api, &catalog, config, &release.version, raw, &bound, &plan)?;
    files.insert(PathBuf::from(release::SNAPSHOT), release.snapshot_json);
    files.insert(PathBuf::from(release::CHANGELOG), release.changelog);
    let label = format!("{} {}", config.krate.name, release.version);
    let record = fingerprint::record(fingerprint::inputs(config, spec)?, label, &files);
    files.insert(PathBuf::from(fingerprint::FILE), record);
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
    let Prepared { doc, api, .. } = prepare(config, spec, &Skips::from_config(config))?;
    let mut raw = progenitor::generate(&doc, &api)?;
    let bound = bind::bind(&api, std::mem::take(&mut raw.methods))?;
    let error_codes = match catalog {
        Some(path) => error_codes(&catalog::load(path, &config.error_code_names)?),
        None => BTreeMap::new(),
    };
    let exports = emit::files::exports(&api, config, &bound)?;
    Ok(read_surface(&bound, &mut raw, error_codes, exports, &api.model_versions)?.0)
}

/// The crate's API surface: method signatures from the bound operations and
/// the models typify produced, taken out of `raw` (the emitters do not read
/// them). The surface decides which response types are open
/// ([`emit::evolve`]); typify's items are rewritten to match, and the plan
/// is returned for the emitters. The item unions of paged lists
/// ([`emit::item_union`]) join the items, the surface and the plan.
fn read_surface(
    bound: &[bind::Bound],
    raw: &mut progenitor::Raw,
    error_codes: BTreeMap<String, String>,
    (exports, runtime): (std::collections::BTreeSet<String>, BTreeMap<String, String>),
    versions: &BTreeMap<String, String>,
) -> Result<(surface::Surface, emit::evolve::Plan)> {
    let mut surface = surface::Surface {
        operations: bind::surfaces(bound),
        models: std::mem::take(&mut raw.models),
        error_codes,
        exports,
        runtime,
        non_exhaustive: Default::default(),
    };
    emit::requests::reshape_surface(&mut surface);
    let mut plan = emit::evolve::plan(&raw.types, &surface, versions);
    emit::evolve::describe(&mut surface, &raw.types, &plan);
    emit::evolve::drop_replaced(&mut raw.types, &plan);
    raw.parse_deferred()?;
    emit::evolve::apply(&mut raw.types, &plan);
    let found = emit::paging::item_unions(bound, &raw.types, &plan)?;
    emit::item_union::add(found, &mut raw.types, &mut plan, &mut surface);
    Ok((surface, plan))
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
    let Prepared { doc, api, .. } = prepare(config, spec, &Skips::from_config(config))?;
    progenitor::bare(&doc, &api)
}
