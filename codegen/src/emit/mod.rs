//! Stage 4: turn the IR and progenitor's output into the files of the
//! generated crate.

mod accessors;
pub mod brand;
mod builder;
mod docs;
mod error_codes;
pub mod evolve;
pub mod krate;
mod locate;
mod multipart;
mod operations;
mod paging;
pub mod progenitor;
mod readme;
pub mod requests;
mod tags;
mod types;
mod unions;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use quote::quote;

use crate::bind::{Bound, Sending};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Result;
use crate::format;
use crate::ir::Api;

/// The names the generated crate root exports
/// ([`crate::surface::Surface::exports`]): those of the `src/lib.rs` that
/// [`files`] writes (its docs aside, which do not change them).
pub fn exports(api: &Api, config: &Config, bound: &[Bound]) -> std::collections::BTreeSet<String> {
    let watch = krate::has_watch(bound);
    let negotiate = krate::has_negotiation(bound, watch);
    let lib = krate::lib_rs(api, config, 0, watch, negotiate);
    crate::surface::root_exports(&lib.to_string())
}

/// Every file of the generated crate, formatted, keyed by relative path.
pub fn files(
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
    let background = format::Background::start();
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
        format::markdown(
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
    background.rust(krate::settings_rs(config), "src/settings.rs".into());
    background.rust(error_codes::emit(catalog)?, "src/error_codes.rs".into());
    background.rust(
        unions::emit(&raw.types, &api.model_versions, plan),
        "src/unions.rs".into(),
    );
    background.rust(paging::impls(&paged)?, "src/pages.rs".into());
    let watch = watch_on.then_some(&krate::WATCH);
    let params = krate::has_own_params(api).then_some(&krate::PARAMS);
    let negotiate = negotiate_on.then_some(&krate::NEGOTIATE);
    let recode = krate::has_body_choice(api).then_some(&krate::RECODE);
    let extra: &[(&str, &str)] = if config.client.phala_modules {
        krate::PHALA
    } else {
        std::slice::from_ref(&krate::GENERIC_GUIDE)
    };
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
            format::markdown(source, Some(&origin))
        } else {
            format::verbatim_rust(source, &origin)
        };
        put((*path).into(), text);
    }

    let mut roots = std::collections::BTreeSet::new();
    for field in bound.iter().flat_map(|b| &b.fields) {
        types::mentioned(field.owned.clone(), &mut roots);
    }
    let type_files = types::split(
        raw.types,
        &api.facts,
        &roots,
        &types::Versions {
            of_models: &api.model_versions,
            supported: &config.api.supported_versions,
            plan,
        },
    )?;
    background.rust(type_module(type_files.module), "src/types/mod.rs".into());
    for (stem, items) in type_files.files {
        put(format!("src/types/{stem}.rs"), format::rust_items(items));
    }

    let (raw_module, raw_files) = raw_files(bound, raw.client)?;
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
    out.insert(PathBuf::from("Cargo.toml"), format::toml(&manifest));
    // License texts go as they are: a header would hide them from license
    // scanners.
    for (name, text) in krate::license_files(config) {
        out.insert(PathBuf::from(name), text);
    }
    Ok(out)
}

/// `src/raw/mod.rs` (progenitor's client, `client`) and the files of
/// progenitor's methods, one per group in progenitor's order.
fn raw_files(
    bound: &[Bound],
    client: Vec<syn::Item>,
) -> Result<(proc_macro2::TokenStream, Vec<(String, String)>)> {
    let mut json: Vec<(usize, &str, &syn::ImplItemFn)> = bound
        .iter()
        .filter_map(|b| match &b.sending {
            // A variant calls the method of the operation it varies.
            Sending::Json { .. } if b.op.variant_of.is_some() => None,
            Sending::Json { raw, position, .. } => Some((*position, b.op.group.as_str(), &**raw)),
            Sending::Multipart(_) => None,
        })
        .collect();
    json.sort_by_key(|(position, ..)| *position);
    let mut raw_groups: BTreeMap<String, Vec<syn::ImplItem>> = BTreeMap::new();
    let mut uses_types = false;
    for (_, group, method) in json {
        let mut method = method.clone();
        drop_needless_unused_mut(&mut method);
        uses_types |= mentions(&quote!(#method), "types");
        raw_groups
            .entry(group.to_owned())
            .or_default()
            .push(syn::ImplItem::Fn(method));
    }
    let raw_stems: Vec<String> = raw_groups.keys().cloned().collect();
    let raw_mods = krate::modules_rs(
        &raw_stems,
        "progenitor's low-level client: positional arguments, progenitor's error type.\n\n\
         The endpoint bodies are progenitor's, kept verbatim; the clippy lints allowed on \
         them (many arguments, explicit lifetimes, `to_string` before `encode_path`) are \
         properties of that generated shape, not of this crate's API.",
        false,
    )?;
    let client: Vec<syn::Item> = client.into_iter().map(public_use_allowed).collect();
    uses_types |= mentions(&quote!(#(#client)*), "types");
    // The group files reach `types` through their `use super::*`.
    let types = uses_types.then(|| quote! { use crate::types; });
    let module = quote! {
        #raw_mods
        #types
        #(#client)*
    };
    let files = raw_groups
        .into_iter()
        .map(|(group, methods)| {
            let mut client: syn::ItemImpl = syn::parse_quote! {
                #[allow(
                    clippy::too_many_arguments,
                    clippy::needless_lifetimes,
                    clippy::unnecessary_to_owned
                )]
                impl Client {}
            };
            client.items = methods;
            // `impl Client` names `Client` from `raw`, so the import is used.
            let text = format::rust_items(vec![glob_import(), syn::Item::Impl(client)]);
            (format!("src/raw/{group}.rs"), text)
        })
        .collect();
    Ok((module, files))
}

/// progenitor allows `unused_mut` on the `let mut request` of every
/// method, for clients whose hooks do not borrow it; this crate's do
/// (`self.pre(&mut request, ..)`). The allowance goes wherever the body
/// takes `&mut` of the binding.
fn drop_needless_unused_mut(method: &mut syn::ImplItemFn) {
    struct MutBorrows(BTreeSet<String>);
    impl syn::visit_mut::VisitMut for MutBorrows {
        fn visit_expr_reference_mut(&mut self, e: &mut syn::ExprReference) {
            if let (Some(_), syn::Expr::Path(p)) = (e.mutability, &*e.expr) {
                if let Some(ident) = p.path.get_ident() {
                    self.0.insert(ident.to_string());
                }
            }
            syn::visit_mut::visit_expr_reference_mut(self, e);
        }
    }
    let mut borrowed = MutBorrows(BTreeSet::new());
    syn::visit_mut::VisitMut::visit_block_mut(&mut borrowed, &mut method.block);
    for stmt in method.block.stmts.iter_mut() {
        let syn::Stmt::Local(local) = stmt else {
            continue;
        };
        if let syn::Pat::Ident(p) = &local.pat {
            if p.mutability.is_some() && borrowed.0.contains(&p.ident.to_string()) {
                local.attrs.retain(|a| !allows(a, "unused_mut"));
            }
        }
    }
}

/// A `pub use` of the public `raw` module re-exports its names, so it is
/// never an unused import: progenitor's allowance on it goes.
fn public_use_allowed(mut item: syn::Item) -> syn::Item {
    if let syn::Item::Use(u) = &mut item {
        if matches!(u.vis, syn::Visibility::Public(_)) {
            u.attrs.retain(|a| !allows(a, "unused_imports"));
        }
    }
    item
}

/// Whether `attr` is `#[allow(lint)]`, that lint alone.
fn allows(attr: &syn::Attribute, lint: &str) -> bool {
    attr.path().is_ident("allow")
        && attr
            .parse_args::<syn::Path>()
            .is_ok_and(|p| p.is_ident(lint))
}

/// Whether `tokens` use the identifier `name` anywhere, groups included:
/// an import only code that names it needs is left out of the rest.
fn mentions(tokens: &proc_macro2::TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

/// `use super::*;`, which opens each file of a split module (a types
/// letter, a raw group) to its siblings.
fn glob_import() -> syn::Item {
    syn::parse_quote! {
        use super::*;
    }
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
