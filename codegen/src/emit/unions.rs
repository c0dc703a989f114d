//! Emits `src/unions.rs`: for every untagged union typify produced (the
//! version-dependent responses, `number | string`, ...), its variants in the
//! order serde tries them, each with the API version its model belongs to
//! and a function that decodes a value as that variant alone.
//!
//! serde's own error for a body that fits no variant is only "data did not
//! match any variant of untagged enum X"; the runtime uses this table to say
//! which variant was meant for the client's `X-Phala-Version` and where in
//! it the body first failed. An open union (see [`super::evolve`]) reads its
//! variants' versions here to try the model of the call's version first.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

/// The `unions.rs` file for typify's `items`; `versions` maps a model's
/// Rust type name to its API version. An open union's fallback variant is
/// not listed: it is what is left when every listed one fails.
pub fn emit(
    items: &[syn::Item],
    versions: &BTreeMap<String, String>,
    plan: &super::evolve::Plan,
) -> TokenStream {
    let models = super::types::local_names(items);
    let mut unions: Vec<(String, Vec<TokenStream>)> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) if is_untagged(&e.attrs) => Some(e),
            _ => None,
        })
        .map(|e| {
            let fallback = plan.unions.get(&e.ident.to_string());
            (e.ident.to_string(), variants(e, versions, fallback))
        })
        .collect();
    unions.sort_by(|a, b| a.0.cmp(&b.0));
    let arms = unions.iter().map(|(name, variants)| {
        quote! {
            #name => {
                const VARIANTS: &[UnionVariant] = &[#(#variants),*];
                VARIANTS
            }
        }
    });
    // An API without unions has no variant to decode.
    let first_error = unions.iter().any(|(_, v)| !v.is_empty()).then(|| {
        quote!(
            use crate::runtime::first_error;
        )
    });
    // With no union the match has only its catch-all arm, a shape clippy
    // would rather see as a `let`.
    let lone = unions
        .is_empty()
        .then(|| quote!(#[allow(clippy::match_single_binding)]));
    // Unused when every variant is a std type (`number | string`).
    let types = unions
        .iter()
        .flat_map(|(_, variants)| variants)
        .any(|v| {
            let mut names = std::collections::BTreeSet::new();
            crate::syn_ext::mentioned(v.clone(), &mut names);
            !names.is_disjoint(&models)
        })
        .then(|| quote! { use crate::types::*; });
    quote! {
        //! The variants of every untagged union in [`crate::types`], for
        //! decode errors that name the variant and field that failed.
        #types
        use crate::runtime::UnionVariant;
        #first_error

        /// The variants of the union type `name`, in the order serde tries
        /// them; empty for any other name.
        pub(crate) fn variants(name: &str) -> &'static [UnionVariant] {
            #lone
            match name {
                #(#arms)*
                _ => &[],
            }
        }
    }
}

fn variants(
    e: &syn::ItemEnum,
    versions: &BTreeMap<String, String>,
    fallback: Option<&syn::Ident>,
) -> Vec<TokenStream> {
    e.variants
        .iter()
        .filter(|v| Some(&v.ident) != fallback)
        .filter_map(|v| {
            let syn::Fields::Unnamed(fields) = &v.fields else {
                return None;
            };
            let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
                return None;
            };
            let ty = &field.ty;
            let name = v.ident.to_string();
            let version = match type_name(ty).and_then(|t| versions.get(&t)) {
                Some(v) => quote!(::std::option::Option::Some(#v)),
                None => quote!(::std::option::Option::None),
            };
            Some(quote! {
                UnionVariant {
                    name: #name,
                    version: #version,
                    first_error: first_error::<#ty>,
                }
            })
        })
        .collect()
}

/// The last segment of a plain type path (`CvmInfoDetail`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_untagged(attrs: &[syn::Attribute]) -> bool {
    crate::syn_ext::serde_keys(attrs)
        .iter()
        .any(|(key, _)| key == "untagged")
}
