//! Accessors on unions of models. A response whose shape depends on the API
//! version is an untagged enum with one model per version, so reading
//! `cvm.name` would need a `match` at every call site. Each field that every
//! variant's model has, with the same type, gets a method that reads it
//! from whichever variant this is (`cvm.name()`); a field every variant has
//! with different types that all print (`id`: `i64` in one version, a
//! string in the other) gets one returning its text, which a path
//! parameter takes as is. Callers can still `match`.
//!
//! For the same reason every string newtype (an id with a pattern) prints:
//! `start_cvm(&detail.id)` compiles.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::requests::option_inner;
use super::types::serde_keys;
use crate::surface::display_type;

/// `Display` for each string newtype that lacks it, then one `impl` block
/// per union of structs with at least one shared field.
pub fn unions(items: &[syn::Item]) -> Vec<syn::Item> {
    let structs: BTreeMap<String, &syn::ItemStruct> = items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    let mut displayed: BTreeSet<String> = items.iter().filter_map(display_impl_of).collect();
    let mut out = Vec::new();
    for s in structs.values() {
        let name = &s.ident;
        if is_string_newtype(s) && displayed.insert(name.to_string()) {
            out.push(syn::parse_quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(&self.0)
                    }
                }
            });
        }
    }
    out.extend(items.iter().filter_map(|i| match i {
        syn::Item::Enum(e) if is_untagged(e) => accessors(e, &structs, &displayed),
        _ => None,
    }));
    out
}

/// The type `item` implements `Display` for, if it is such an impl.
fn display_impl_of(item: &syn::Item) -> Option<String> {
    let syn::Item::Impl(i) = item else {
        return None;
    };
    let (_, path, _) = i.trait_.as_ref()?;
    if path.segments.last()?.ident != "Display" {
        return None;
    }
    let syn::Type::Path(p) = &*i.self_ty else {
        return None;
    };
    Some(p.path.segments.last()?.ident.to_string())
}

pub(super) fn is_string_newtype(s: &syn::ItemStruct) -> bool {
    let syn::Fields::Unnamed(f) = &s.fields else {
        return false;
    };
    let [field] = f.unnamed.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let ty = &field.ty;
    quote!(#ty).to_string().replace(' ', "") == "::std::string::String"
}

fn is_untagged(e: &syn::ItemEnum) -> bool {
    serde_keys(&e.attrs).iter().any(|(k, _)| k == "untagged")
}

fn accessors(
    e: &syn::ItemEnum,
    structs: &BTreeMap<String, &syn::ItemStruct>,
    displayed: &BTreeSet<String>,
) -> Option<syn::Item> {
    let mut models = Vec::new();
    for v in &e.variants {
        let syn::Fields::Unnamed(f) = &v.fields else {
            return None;
        };
        let [field] = f.unnamed.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let syn::Type::Path(p) = &field.ty else {
            return None;
        };
        let model = structs.get(&p.path.get_ident()?.to_string())?;
        models.push((&v.ident, *model));
    }
    let (_, first) = models.first()?;
    let name = &e.ident;
    let variants: Vec<&syn::Ident> = models.iter().map(|(v, _)| *v).collect();
    let mut methods = Vec::new();
    for f in first.fields.iter() {
        let Some(ident) = f.ident.as_ref() else {
            continue;
        };
        let types: Option<Vec<&syn::Type>> = models
            .iter()
            .map(|(_, m)| m.fields.iter().find(|g| g.ident == f.ident).map(|g| &g.ty))
            .collect();
        let Some(types) = types else { continue };
        let text = |ty: &syn::Type| quote!(#ty).to_string().replace(' ', "");
        let wire = super::requests::wire_name(f);
        let (ret, reads, doc) = if types.iter().all(|t| text(t) == text(&f.ty)) {
            let (ret, read) = read(&f.ty, quote!(v.#ident));
            let doc = format!(
                "`{wire}` of whichever model this is (every variant has it, with this type)."
            );
            (ret, vec![read; variants.len()], doc)
        } else if types.iter().all(|t| prints(t, displayed)) {
            let reads = vec![quote!(v.#ident.to_string()); variants.len()];
            let spelled: Vec<String> = types
                .iter()
                .map(|t| format!("`{}`", display_type(t)))
                .collect();
            let doc = format!(
                "`{wire}` of whichever model this is, as text: the variants type it \
                 differently ({}).",
                spelled.join(", ")
            );
            (quote!(::std::string::String), reads, doc)
        } else {
            continue;
        };
        methods.push(quote! {
            #[doc = #doc]
            pub fn #ident(&self) -> #ret {
                match self {
                    #(Self::#variants(v) => #reads,)*
                }
            }
        });
    }
    if methods.is_empty() {
        return None;
    }
    Some(syn::parse_quote! {
        impl #name {
            #(#methods)*
        }
    })
}

/// Whether a field of type `ty` has `to_string` through `Display`.
fn prints(ty: &syn::Type, displayed: &BTreeSet<String>) -> bool {
    let text = quote!(#ty).to_string().replace(' ', "");
    if is_copy(ty) || text == "::std::string::String" {
        return true;
    }
    matches!(ty, syn::Type::Path(p) if p.path.get_ident().is_some_and(|i| displayed.contains(&i.to_string())))
}

/// The accessor's return type and how it reads `place`: small copies by
/// value, strings as `&str`, options as `Option<&T>`, the rest by reference.
fn read(ty: &syn::Type, place: TokenStream) -> (TokenStream, TokenStream) {
    let text = quote!(#ty).to_string().replace(' ', "");
    if is_copy(ty) {
        return (quote!(#ty), place);
    }
    if text == "::std::string::String" {
        return (quote!(&str), quote!(#place.as_str()));
    }
    if let Some(inner) = option_inner(ty) {
        let inner_text = quote!(#inner).to_string().replace(' ', "");
        if is_copy(inner) {
            return (quote!(#ty), place);
        }
        if inner_text == "::std::string::String" {
            return (
                quote!(::std::option::Option<&str>),
                quote!(#place.as_deref()),
            );
        }
        return (
            quote!(::std::option::Option<&#inner>),
            quote!(#place.as_ref()),
        );
    }
    (quote!(&#ty), quote!(&#place))
}

/// A primitive or a `NonZero*` integer: read by value.
fn is_copy(ty: &syn::Type) -> bool {
    super::requests::is_primitive(ty)
        || matches!(ty, syn::Type::Path(p) if p.path.segments.last()
            .is_some_and(|s| s.ident.to_string().starts_with("NonZero")))
}
