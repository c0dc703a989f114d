//! The whole generated crate: every emitter run in turn, each file rendered
//! and keyed by its path.

use std::collections::BTreeMap;
use std::path::PathBuf;

use quote::quote;

use crate::backend::bind::Bound;
use crate::backend::progenitor;
use crate::error::Result;
use crate::inputs::catalog::Catalog;
use crate::inputs::config::Config;
use crate::ir::Api;
use crate::render;

use super::{
    brand, error_codes, evolve, guide, krate, operations, paging, raw, readme, tags, types, unions,
};

/// The names the generated crate root exports
/// ([`crate::ir::surface::Surface::exports`]): those of the `src/lib.rs` that
/// [`all`] writes (its docs aside, which do not change them).
pub fn exports(api: &Api, config: &Config, bound: &[Bound]) -> std::collections::BTreeSet<String> {
    let watch = krate::has_watch(bound);
    let negotiate = krate::has_negotiation(bound, watch);
    let lib = krate::lib_rs(api, config, 0, watch, negotiate);
    crate::ir::surface::root_exports(&lib.to_string())
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
    let mut out = BTreeMap::new();
    let mut put = |path: String, text: String| {
        out.insert(PathBuf::from(path), text);
    };
    // Our own token streams are parsed and printed on a second thread while
    // this one splits and prints progenitor's items; the builders go first,
    // as they are the most work.
    let background = render::Background::start();
    let watch_on = krate::has_watch(bound);
    let negotiate_on = krate::has_negotiation(bound, watch_on);
    let paged = paging::find(bound, &raw.types, plan)?;
    let versioned = config.client.version_header.is_some();
    let groups = operations::emit(bound, &paged, versioned, &api.groups)?;
    background.rust(tags::emit(api)?, "src/tags.rs".into());
    let stems: Vec<String> = groups.keys().cloned().collect();
    for (group, tokens) in groups {
        background.rust(tokens, format!("src/operations/{group}.rs"));
    }
    let modules = krate::modules_rs(
        &stems,
        "Request builders, one module per API tag; see [`crate::PhalaCloud`].",
        true,
    )?;
    let table = operations::path_table(api)?;
    background.rust(quote!(#modules #table), "src/operations/mod.rs".into());
    background.rust(
        krate::lib_rs(api, config, type_count, watch_on, negotiate_on),
        "src/lib.rs".into(),
    );
    put(
        "README.md".into(),
        render::markdown(
            &readme::readme(
                api,
                config,
                version,
                bound,
                evolve::showcase(&raw.types, plan),
            ),
            None,
        ),
    );
    if let Some(guide) = guide::emit(config)? {
        background.rust(guide.module, "src/guide.rs".into());
        for (path, text) in guide.pages {
            put(path, text);
        }
    }
    background.rust(krate::settings_rs(config), "src/settings.rs".into());
    background.rust(error_codes::emit(catalog)?, "src/error_codes.rs".into());
    background.rust(
        unions::emit(&raw.types, &api.model_versions, plan),
        "src/unions.rs".into(),
    );
    background.rust(paging::impls(&paged)?, "src/pages.rs".into());
    for (path, text) in runtime_files(api, config, watch_on, negotiate_on) {
        put(path, text);
    }
    let mut roots = std::collections::BTreeSet::new();
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
    for (stem, items) in type_files.files {
        put(format!("src/types/{stem}.rs"), render::rust_items(items));
    }

    let (raw_module, raw_files) = raw::files(bound, raw.client)?;
    background.rust(raw_module, "src/raw/mod.rs".into());
    for (path, text) in raw_files {
        put(path, text);
    }
    for (path, text) in background.finish()? {
        put(path, text);
    }
    let brand = brand::Brand::of(config);
    if !brand.is_identity() {
        for text in out.values_mut() {
            *text = brand.apply(text);
        }
    }
    let all_text: Vec<&str> = out.values().map(String::as_str).collect();
    let manifest = krate::cargo_toml(config, version, &all_text);
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

/// The runtime's files this crate needs, copied under the header naming
/// where each comes from: the common ones, the Phala modules or the generic
/// guide, and the optional ones the operations call for.
fn runtime_files(
    api: &Api,
    config: &Config,
    watch_on: bool,
    negotiate_on: bool,
) -> Vec<(String, String)> {
    let watch = watch_on.then_some(&krate::WATCH);
    let params = krate::has_own_params(api).then_some(&krate::PARAMS);
    let negotiate = negotiate_on.then_some(&krate::NEGOTIATE);
    let recode = krate::has_body_choice(api).then_some(&krate::RECODE);
    let extra: &[(&str, &str)] = if config.client.phala_modules {
        krate::PHALA
    } else {
        std::slice::from_ref(&krate::GENERIC_GUIDE)
    };
    let mut out = Vec::new();
    for (path, source) in krate::RUNTIME
        .iter()
        .chain(extra)
        .chain(watch)
        .chain(params)
        .chain(negotiate)
        .chain(recode)
    {
        let origin = format!("codegen/runtime/{}", path.trim_start_matches("src/"));
        let text = if path.ends_with(".md") {
            render::markdown(source, Some(&origin))
        } else {
            render::verbatim_rust(source, &origin)
        };
        out.push(((*path).to_owned(), text));
    }
    out
}
