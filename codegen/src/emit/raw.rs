//! `src/raw/`: progenitor's own client, kept verbatim apart from lint
//! allowances this crate's hooks make needless.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use super::krate;
use crate::backend::bind::{Bound, Sending};
use crate::error::Result;
use crate::render;

/// `src/raw/mod.rs` (progenitor's client, `client`) and the files of
/// progenitor's methods, one per group in progenitor's order.
pub fn files(
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
        uses_types |= crate::syn_ext::mentions(&quote!(#method), "types");
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
    uses_types |= crate::syn_ext::mentions(&quote!(#(#client)*), "types");
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
            let text = render::rust_items(vec![super::glob_import(), syn::Item::Impl(client)]);
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
