//! The whole generated crate: every emitter run in turn, each file rendered
//! and keyed by its path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use quote::quote;

use crate::backend::bind::Bound;
use crate::backend::progenitor;
use crate::error::Result;
use crate::inputs::catalog::Catalog;
use crate::inputs::config::Config;
use crate::inputs::names::ClientNames;
use crate::inputs::profile::Profile;
use crate::ir::Api;
use crate::render;

use super::brand::Brand;
use super::runtime::{self, Needs};
use super::{
    error_codes, evolve, guide, krate, manifest, operations, paging, raw, readme, tags, types,
    unions,
};

/// The names the generated crate root exports
/// ([`crate::ir::surface::Surface::exports`]): those of the `src/lib.rs` that
/// [`all`] writes (its docs aside, which do not change them); and the
/// public API of the runtime files it ships
/// ([`crate::ir::surface::Surface::runtime`]), as shipped.
pub fn exports(
    api: &Api,
    config: &Config,
    bound: &[Bound],
) -> Result<(BTreeSet<String>, BTreeMap<String, String>)> {
    let names = ClientNames::of(config)?;
    let profile = Profile::of(config);
    let needs = Needs::of(api, &profile, bound);
    let lib = krate::lib_rs(api, config, &names, &profile, 0, &needs);
    let exports = crate::ir::surface::root_exports(&lib.to_string());
    let brand = Brand::of(&names);
    let modules: Vec<(String, &'static str)> = runtime::shipped(&needs)
        .filter_map(|file| {
            let module = file.path.strip_prefix("src/")?.strip_suffix(".rs")?;
            Some((module.to_owned(), file.source))
        })
        .collect();
    let runtime = crate::ir::runtime_api::read(&exports, &modules, &|text| brand.apply(text));
    Ok((exports, runtime))
}

/// Every file of the generated crate, formatted, keyed by relative path.
pub fn all(
    api: &Api,
    catalog: &Catalog,
    config: &Config,
    version: &str,
    raw: progenitor::Raw,
    bound: &[Bound],
    plan: &evolve::Plan,
) -> Result<BTreeMap<PathBuf, String>> {
    let type_count = raw.type_count();
    let names = ClientNames::of(config)?;
    let profile = Profile::of(config);
    let needs = Needs::of(api, &profile, bound);
    let mut crates: BTreeSet<&str> = manifest::EMITTED.iter().copied().collect();
    crates.extend(runtime::shipped(&needs).flat_map(|file| file.crates.iter().copied()));
    crates.extend(manifest::format_crates(&raw.types, &raw.client, bound));
    // Our own token streams are parsed and printed on a second thread while
    // this one splits and prints progenitor's items; the builders go first,
    // as they are the most work.
    let background = render::Background::start();
    operation_files(api, config, &names, bound, &raw.types, plan, &background)?;
    background.rust(
        krate::lib_rs(api, config, &names, &profile, type_count, &needs),
        "src/lib.rs".into(),
    );
    let mut out = BTreeMap::new();
    let mut put = |path: String, text: String| {
        out.insert(PathBuf::from(path), text);
    };
    let showcase = evolve::showcase(&raw.types, plan);
    let readme = readme::readme(api, config, &names, &profile, version, bound, showcase)?;
    put("README.md".into(), render::markdown(&readme, None));
    // The runtime's files and the guide's pages are written with the
    // runtime's names; the emitters' files already have the crate's.
    let brand = Brand::of(&names);
    if let Some(guide) = guide::emit(config)? {
        background.rust(guide.module, "src/guide.rs".into());
        for (path, text) in guide.pages {
            put(path, brand.apply(&text));
        }
    }
    for (path, text) in super::examples::emit(config)? {
        put(path, brand.apply(&text));
    }
    background.rust(krate::settings_rs(config, &names), "src/settings.rs".into());
    background.rust(
        error_codes::emit(catalog, &names)?,
        "src/error_codes.rs".into(),
    );
    background.rust(
        unions::emit(&raw.types, &api.model_versions, plan),
        "src/unions.rs".into(),
    );
    for (path, text) in runtime_files(&needs, &brand) {
        put(path, text);
    }
    for (path, text) in progenitor_files(api, config, bound, raw, plan, &background)? {
        put(path, text);
    }
    for (path, text) in background.finish()? {
        put(path, text);
    }
    finish(config, &names, version, &crates, out)
}

/// Queues the operations' files: the request builders by tag, their
/// module with the path table, the tag pages and the paging impls.
fn operation_files(
    api: &Api,
    config: &Config,
    names: &ClientNames,
    bound: &[Bound],
    types: &[syn::Item],
    plan: &evolve::Plan,
    background: &render::Background,
) -> Result<()> {
    let paged = paging::find(bound, types, plan)?;
    let versioned = config.client.version_header.is_some();
    let groups = operations::emit(bound, &paged, names, versioned, &api.groups)?;
    background.rust(tags::emit(api, names)?, "src/tags.rs".into());
    let stems: Vec<String> = groups.keys().cloned().collect();
    for (group, tokens) in groups {
        background.rust(tokens, format!("src/operations/{group}.rs"));
    }
    let doc = format!(
        "Request builders, one module per API tag; see [`crate::{}`].",
        names.client
    );
    let modules = krate::modules_rs(&stems, &doc, true)?;
    let table = operations::path_table(api, names)?;
    background.rust(quote!(#modules #table), "src/operations/mod.rs".into());
    background.rust(paging::impls(&paged)?, "src/pages.rs".into());
    Ok(())
}

/// progenitor's items as files: typify's models split by letter (their
/// module queued), and the low-level client by tag.
fn progenitor_files(
    api: &Api,
    config: &Config,
    bound: &[Bound],
    raw: progenitor::Raw,
    plan: &evolve::Plan,
    background: &render::Background,
) -> Result<Vec<(String, String)>> {
    let mut roots = BTreeSet::new();
    for field in bound.iter().flat_map(|b| &b.fields) {
        crate::syn_ext::mentioned(field.owned.clone(), &mut roots);
    }
    let type_files = types::split(
        raw.types,
        &api.facts,
        &roots,
        &super::Versions {
            of_models: &api.model_versions,
            supported: &config.api.supported_versions,
            plan,
        },
    )?;
    background.rust(type_module(type_files.module), "src/types/mod.rs".into());
    let mut out = Vec::new();
    for (stem, items) in type_files.files {
        out.push((format!("src/types/{stem}.rs"), render::rust_items(items)));
    }
    let (raw_module, raw_files) = raw::files(bound, raw.client)?;
    background.rust(raw_module, "src/raw/mod.rs".into());
    out.extend(raw_files);
    Ok(out)
}

/// The files so far, then the manifest and the license texts.
fn finish(
    config: &Config,
    names: &ClientNames,
    version: &str,
    crates: &BTreeSet<&str>,
    mut out: BTreeMap<PathBuf, String>,
) -> Result<BTreeMap<PathBuf, String>> {
    let manifest = manifest::cargo_toml(config, names, version, crates);
    out.insert(PathBuf::from("Cargo.toml"), render::toml(&manifest));
    // License texts go as they are: a header would hide them from license
    // scanners.
    for (name, text) in krate::license_files(config) {
        out.insert(PathBuf::from(name), text);
    }
    Ok(out)
}

fn type_module(body: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote! {
        //! Request and response models, generated by typify through progenitor.
        //!
        //! Lint allowances on the submodules are for typify's own shapes:
        //! spelled-out `Default` impls, version unions whose variants
        //! differ in size (a response is decoded once and moved; boxing
        //! would only cost callers), and fields the spec says nothing of
        //! beyond their type, which get no docs rather than docs restating
        //! the type.
        #body
    }
}

/// The runtime's files this crate needs ([`runtime::shipped`]), copied
/// under the header naming where each comes from, renamed for the crate
/// ([`Brand`]).
fn runtime_files(needs: &Needs, brand: &Brand) -> Vec<(String, String)> {
    runtime::shipped(needs)
        .map(|file| {
            let text = if file.path.ends_with(".md") {
                render::markdown(file.source, Some(file.origin))
            } else {
                render::verbatim_rust(file.source, file.origin)
            };
            (file.path.to_owned(), brand.apply(&text))
        })
        .collect()
}
