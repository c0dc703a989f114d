//! Splits typify's single `types` module into files a reviewer can diff:
//! one file per initial letter of the type name, each type's impls beside it.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;
use crate::ident::ident;

/// `types/mod.rs` contents and the letter files, keyed by file stem.
pub struct TypeFiles {
    pub module: TokenStream,
    pub files: BTreeMap<String, TokenStream>,
}

pub fn split(items: Vec<syn::Item>) -> Result<TypeFiles> {
    let local: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut shared = Vec::new();
    let mut files: BTreeMap<String, Vec<syn::Item>> = BTreeMap::new();
    for mut item in items {
        if let syn::Item::Struct(s) = &mut item {
            widen_private_fields(s);
        }
        fill_docs(&mut item);
        match owner(&item, &local) {
            Some(name) => {
                let letter = name
                    .chars()
                    .next()
                    .map(|c| c.to_ascii_lowercase().to_string())
                    .unwrap_or_else(|| "other".into());
                files.entry(letter).or_default().push(item);
            }
            None => shared.push(item),
        }
    }
    let stems = files.keys().map(|k| ident(k)).collect::<Result<Vec<_>>>()?;
    let module = quote! {
        #(
            #[allow(clippy::derivable_impls, clippy::large_enum_variant)]
            mod #stems;
            pub use #stems::*;
        )*
        #(#shared)*
    };
    let files = files
        .into_iter()
        .map(|(stem, items)| {
            (
                stem,
                quote! {
                    #[allow(unused_imports)]
                    use super::*;
                    #(#items)*
                },
            )
        })
        .collect();
    Ok(TypeFiles { module, files })
}

/// typify keeps a constrained newtype's field private so only its validating
/// constructors can build it; they and the `defaults` module now live in
/// sibling files, so the field becomes visible to `types` (still not to
/// users of the crate).
fn widen_private_fields(s: &mut syn::ItemStruct) {
    for field in s.fields.iter_mut() {
        if matches!(field.vis, syn::Visibility::Inherited) {
            field.vis = syn::parse_quote!(pub(super));
        }
    }
}

/// typify documents a field or variant only when the schema describes it;
/// every public item of the crate gets at least its wire name.
fn fill_docs(item: &mut syn::Item) {
    let undocumented = |attrs: &[syn::Attribute]| !attrs.iter().any(|a| a.path().is_ident("doc"));
    match item {
        syn::Item::Struct(s) => {
            for field in s.fields.iter_mut() {
                if let (Some(ident), true) = (&field.ident, undocumented(&field.attrs)) {
                    let name = serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
                    let doc = format!("The `{name}` field.");
                    field.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                }
            }
        }
        syn::Item::Enum(e) => {
            for variant in e.variants.iter_mut() {
                if undocumented(&variant.attrs) {
                    let doc = match serde_rename(&variant.attrs) {
                        Some(wire) => format!("The value `{wire:?}`."),
                        None => format!("The `{}` case.", variant.ident),
                    };
                    variant.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                }
            }
        }
        _ => {}
    }
}

/// The value of `#[serde(rename = "...")]`, if present.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_keys(attrs)
        .into_iter()
        .find(|(key, _)| key == "rename")
        .and_then(|(_, value)| value)
}

/// The keys of every `#[serde(...)]` attribute, each with its value when it
/// is a string (`rename = "x"`); flags (`untagged`) have none.
pub(super) fn serde_keys(attrs: &[syn::Attribute]) -> Vec<(String, Option<String>)> {
    let mut keys = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let value = if meta.input.peek(syn::Token![=]) {
                match meta.value()?.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => Some(text.value()),
                    _ => None,
                }
            } else {
                None
            };
            keys.push((key, value));
            Ok(())
        });
    }
    keys
}

/// The type an item belongs to: its own name, or for an impl the first
/// local type it names (`impl From<Foo> for String` belongs to `Foo`, since
/// it reads `Foo`'s private field and must sit in `Foo`'s module).
fn owner(item: &syn::Item, local: &BTreeSet<String>) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Impl(i) => {
            let self_ty = &i.self_ty;
            let trait_path = i.trait_.as_ref().map(|(_, path, _)| path);
            first_local(quote!(#self_ty), local)
                .or_else(|| trait_path.and_then(|p| first_local(quote!(#p), local)))
        }
        _ => None,
    }
}

fn first_local(tokens: TokenStream, local: &BTreeSet<String>) -> Option<String> {
    tokens.into_iter().find_map(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) if local.contains(&i.to_string()) => Some(i.to_string()),
        proc_macro2::TokenTree::Group(g) => first_local(g.stream(), local),
        _ => None,
    })
}
