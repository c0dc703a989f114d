//! Ground floor: the shared queries on syn types that the backend and the
//! emitters both ask (serde attributes, `Option<T>`, primitives, `NonZero*`
//! integers, newtypes).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::discouraged::Speculative;

/// The keys of every `#[serde(...)]` attribute, each with its value when it
/// is a string (`rename = "x"`); flags (`untagged`) have none.
pub fn serde_keys(attrs: &[syn::Attribute]) -> Vec<(String, Option<String>)> {
    let mut keys = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let value = if meta.input.peek(syn::Token![=]) {
                let value = meta.value()?;
                // A string and nothing after it (the `rename = ".."` of
                // every variant of an enum, 100,000 in a big one) is read
                // as one literal, not through the expression parser.
                let ahead = value.fork();
                match ahead.parse::<syn::LitStr>() {
                    Ok(text) if ahead.is_empty() || ahead.peek(syn::Token![,]) => {
                        value.advance_to(&ahead);
                        Some(text.value())
                    }
                    _ => match value.parse::<syn::Expr>()? {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }) => Some(text.value()),
                        _ => None,
                    },
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

/// `#[doc = text]`, made as syn would parse it (without the parse: an
/// enum may have 100,000 variants to document).
pub fn doc_attr(text: &str) -> syn::Attribute {
    let span = proc_macro2::Span::call_site();
    syn::Attribute {
        pound_token: syn::Token![#](span),
        style: syn::AttrStyle::Outer,
        bracket_token: syn::token::Bracket(span),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: crate::ident::fixed("doc").into(),
            eq_token: syn::Token![=](span),
            value: syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::Lit::Str(syn::LitStr::new(text, span)),
            }),
        }),
    }
}

/// The value of `#[serde(rename = "...")]`, if present.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_keys(attrs)
        .into_iter()
        .find(|(key, _)| key == "rename")
        .and_then(|(_, value)| value)
}

/// The local type names `tokens` mention (the roots of the request models).
pub fn mentioned(tokens: TokenStream, found: &mut BTreeSet<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                found.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => mentioned(g.stream(), found),
            _ => {}
        }
    }
}

/// The wire name: `#[serde(rename)]` or the identifier.
pub fn wire_name(field: &syn::Field) -> String {
    serde_keys(&field.attrs)
        .into_iter()
        .find(|(k, _)| k == "rename")
        .and_then(|(_, v)| v)
        .or_else(|| field.ident.as_ref().map(|i| i.unraw().to_string()))
        .unwrap_or_default()
}

/// Whether `ty` is a primitive number or `bool` (passed and read by value).
pub fn is_primitive(ty: &syn::Type) -> bool {
    const PRIMITIVES: [&str; 13] = [
        "bool", "i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize", "f32",
        "f64",
    ];
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.get_ident().is_some_and(|i| PRIMITIVES.contains(&i.to_string().as_str())))
}

/// The `NonZero*` integers of `std::num`, each with the plain integer it
/// wraps. typify writes one of four of them (`NonZeroU8`, `NonZeroU16`,
/// `NonZeroU32`, `NonZeroU64`: unsigned even for a signed format) for an
/// integer schema whose `minimum` is 1, and progenitor passes them on to
/// the parameters. They become plain where a caller writes the value (a
/// request model's fields and setters: `.vcpu(2)` compiles where
/// `NonZeroU64` would want `NonZeroU64::new(2).unwrap()`); the bound stays
/// in the docs and the server checks it. std's other `NonZero*` are here
/// too, so no name of that family is mistaken for a model of the spec.
const NON_ZERO_INTEGERS: [(&str, &str); 12] = [
    ("NonZeroU8", "u8"),
    ("NonZeroU16", "u16"),
    ("NonZeroU32", "u32"),
    ("NonZeroU64", "u64"),
    ("NonZeroU128", "u128"),
    ("NonZeroUsize", "usize"),
    ("NonZeroI8", "i8"),
    ("NonZeroI16", "i16"),
    ("NonZeroI32", "i32"),
    ("NonZeroI64", "i64"),
    ("NonZeroI128", "i128"),
    ("NonZeroIsize", "isize"),
];

/// The plain integer a `NonZero*` type name wraps (`NonZeroU64` -> `u64`);
/// `None` for any other name.
pub fn non_zero_plain(name: &str) -> Option<&'static str> {
    NON_ZERO_INTEGERS
        .iter()
        .find(|(non_zero, _)| *non_zero == name)
        .map(|(_, plain)| *plain)
}

/// The plain integer type `ty` wraps when it is a `NonZero*` however it is
/// spelled (`::std::num::NonZeroU64` -> `u64`), read from its last segment.
pub fn non_zero_plain_type(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let plain = non_zero_plain(&p.path.segments.last()?.ident.to_string())?;
    // `plain` is a primitive's name from the table above, so it parses.
    syn::parse_str(plain).ok()
}

/// Whether `ty` is a `NonZero*` integer (`Copy`, so read by value).
pub fn is_non_zero(ty: &syn::Type) -> bool {
    non_zero_plain_type(ty).is_some()
}

pub fn is_string_newtype(s: &syn::ItemStruct) -> bool {
    let syn::Fields::Unnamed(f) = &s.fields else {
        return false;
    };
    let [field] = f.unnamed.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let ty = &field.ty;
    quote!(#ty).to_string().replace(' ', "") == "::std::string::String"
}

/// `T` in `Option<T>`.
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `tokens` use the identifier `name` anywhere, groups included:
/// an import only code that names it needs is left out of the rest.
pub fn mentions(tokens: &proc_macro2::TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_zero_integers_become_plain_however_spelled() {
        let plain = |ty: syn::Type| non_zero_plain_type(&ty).map(|t| quote!(#t).to_string());
        assert_eq!(
            plain(syn::parse_quote!(::std::num::NonZeroU64)).as_deref(),
            Some("u64")
        );
        assert_eq!(plain(syn::parse_quote!(NonZeroU8)).as_deref(), Some("u8"));
        assert_eq!(plain(syn::parse_quote!(NonZeroThing)), None);
        assert_eq!(plain(syn::parse_quote!(u64)), None);
        assert!(!is_non_zero(&syn::parse_quote!(
            ::std::option::Option<::std::num::NonZeroU64>
        )));
    }
}
