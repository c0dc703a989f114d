//! Accessors on unions of models. A response whose shape depends on the API
//! version is an untagged enum with one model per version, so reading
//! `cvm.name` would need a `match` at every call site. Each field that every
//! variant's model has, with the same type, gets a method that reads it
//! from whichever variant this is (`cvm.name()`); callers can still `match`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::requests::option_inner;
use super::types::serde_keys;

/// One `impl` block per union of structs with at least one shared field.
pub fn unions(items: &[syn::Item]) -> Vec<syn::Item> {
    let structs: BTreeMap<String, &syn::ItemStruct> = items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Enum(e) if is_untagged(e) => accessors(e, &structs),
            _ => None,
        })
        .collect()
}

fn is_untagged(e: &syn::ItemEnum) -> bool {
    serde_keys(&e.attrs).iter().any(|(k, _)| k == "untagged")
}

fn accessors(e: &syn::ItemEnum, structs: &BTreeMap<String, &syn::ItemStruct>) -> Option<syn::Item> {
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
    let shared: Vec<&syn::Field> = first
        .fields
        .iter()
        .filter(|f| {
            let ty = &f.ty;
            let ty = quote!(#ty).to_string();
            models.iter().all(|(_, m)| {
                m.fields.iter().any(|g| {
                    let gty = &g.ty;
                    g.ident == f.ident && quote!(#gty).to_string() == ty
                })
            })
        })
        .collect();
    if shared.is_empty() {
        return None;
    }
    let name = &e.ident;
    let variants: Vec<&syn::Ident> = models.iter().map(|(v, _)| *v).collect();
    let methods = shared.iter().filter_map(|f| {
        let ident = f.ident.as_ref()?;
        let (ret, read) = read(&f.ty, quote!(v.#ident));
        let doc = format!(
            "`{}` of whichever model this is (every variant has it, with this type).",
            super::requests::wire_name(f)
        );
        Some(quote! {
            #[doc = #doc]
            pub fn #ident(&self) -> #ret {
                match self {
                    #(Self::#variants(v) => #read,)*
                }
            }
        })
    });
    Some(syn::parse_quote! {
        impl #name {
            #(#methods)*
        }
    })
}

/// The accessor's return type and how it reads `place`: small copies by
/// value, strings as `&str`, options as `Option<&T>`, the rest by reference.
fn read(ty: &syn::Type, place: TokenStream) -> (TokenStream, TokenStream) {
    let text = quote!(#ty).to_string().replace(' ', "");
    if is_copy(&text) {
        return (quote!(#ty), place);
    }
    if text == "::std::string::String" {
        return (quote!(&str), quote!(#place.as_str()));
    }
    if let Some(inner) = option_inner(ty) {
        let inner_text = quote!(#inner).to_string().replace(' ', "");
        if is_copy(&inner_text) {
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

fn is_copy(text: &str) -> bool {
    matches!(
        text,
        "bool" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64"
    ) || text.starts_with("::std::num::NonZero")
}
