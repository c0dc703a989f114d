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

use crate::ir::surface::display_type;
use crate::syn_ext::{
    is_non_zero, is_primitive, is_string_newtype, option_inner, serde_keys, wire_name,
};

/// `Display` for each string newtype that lacks it, then one `impl` block
/// per union of structs with at least one shared field or API version.
pub fn unions(items: &[syn::Item], versions: &super::Versions<'_>) -> Vec<syn::Item> {
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
        syn::Item::Enum(e) if is_untagged(e) => accessors(e, &structs, &displayed, versions),
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

fn is_untagged(e: &syn::ItemEnum) -> bool {
    serde_keys(&e.attrs).iter().any(|(k, _)| k == "untagged")
}

fn accessors(
    e: &syn::ItemEnum,
    structs: &BTreeMap<String, &syn::ItemStruct>,
    displayed: &BTreeSet<String>,
    versions: &super::Versions<'_>,
) -> Option<syn::Item> {
    let fallback = versions.plan.unions.get(&e.ident.to_string());
    let mut models = Vec::new();
    for v in e.variants.iter().filter(|v| Some(&v.ident) != fallback) {
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
    let mut methods = Vec::new();
    for f in first.fields.iter() {
        if let Some(method) = shared_field(f, &models, displayed, fallback) {
            methods.push(method);
        }
    }
    methods.extend(by_version(&models, versions, e.variants.len() > 1));
    if methods.is_empty() {
        return None;
    }
    Some(syn::parse_quote! {
        impl #name {
            #(#methods)*
        }
    })
}

/// The accessor of field `f` when every model has it, with one type or
/// with types that all print; `None` otherwise. An open union's fallback
/// variant reads it from its JSON.
fn shared_field(
    f: &syn::Field,
    models: &[(&syn::Ident, &syn::ItemStruct)],
    displayed: &BTreeSet<String>,
    fallback: Option<&syn::Ident>,
) -> Option<TokenStream> {
    let ident = f.ident.as_ref()?;
    let types: Vec<&syn::Type> = models
        .iter()
        .map(|(_, m)| m.fields.iter().find(|g| g.ident == f.ident).map(|g| &g.ty))
        .collect::<Option<_>>()?;
    let text = |ty: &syn::Type| quote!(#ty).to_string().replace(' ', "");
    let wire = wire_name(f);
    let variants: Vec<&syn::Ident> = models.iter().map(|(v, _)| *v).collect();
    let (read, doc) = if types.iter().all(|t| text(t) == text(&f.ty)) {
        let doc =
            format!("`{wire}` of whichever model this is (every variant has it, with this type).");
        (read(&f.ty, ident, &wire, fallback.is_some()), doc)
    } else if types.iter().all(|t| prints(t, displayed)) {
        let spelled: Vec<String> = types
            .iter()
            .map(|t| format!("`{}`", display_type(t)))
            .collect();
        let doc = format!(
            "`{wire}` of whichever model this is, as text: the variants type it \
             differently ({}).",
            spelled.join(", ")
        );
        let read = Read {
            ret: quote!(::std::string::String),
            from_model: quote!(v.#ident.to_string()),
            from_json: Some(quote!(crate::evolve::printed(v, #wire))),
        };
        (read, doc)
    } else {
        return None;
    };
    let Read {
        ret,
        from_model,
        from_json,
    } = read;
    let doc = match fallback {
        Some(fb) => format!(
            "{doc} From `{fb}`, read from the JSON: empty (`\"\"`, `0`, `false`, `None`) \
             when absent."
        ),
        None => doc,
    };
    let fallback_arm = fallback.map(|fb| match from_json {
        Some(read) => quote!(Self::#fb(v) => #read,),
        // A model cannot be borrowed out of the JSON.
        None => quote!(Self::#fb(_) => ::std::option::Option::None,),
    });
    Some(quote! {
        #[doc = #doc]
        pub fn #ident(&self) -> #ret {
            match self {
                #(Self::#variants(v) => #from_model,)*
                #fallback_arm
            }
        }
    })
}

/// One accessor per supported API version: the model of the newest version
/// not after it (the shape the server sends for it), as `as_v20260623()`.
/// `others` when the union has more than that one variant, which the
/// accessor's catch-all arm answers with `None`.
fn by_version(
    models: &[(&syn::Ident, &syn::ItemStruct)],
    versions: &super::Versions<'_>,
    others: bool,
) -> Vec<TokenStream> {
    let catch_all = others.then(|| quote!(_ => ::std::option::Option::None,));
    let versioned: Vec<(&syn::Ident, &syn::Ident, &str)> = models
        .iter()
        .filter_map(|(variant, model)| {
            let version = versions.of_models.get(&model.ident.to_string())?;
            Some((*variant, &model.ident, version.as_str()))
        })
        .collect();
    let mut out = Vec::new();
    for wanted in versions.supported {
        // The newest version not after `wanted`; the first such variant on a tie.
        let Some((variant, model, since)) = versioned
            .iter()
            .filter(|(_, _, v)| *v <= wanted.as_str())
            .rev()
            .max_by_key(|(_, _, v)| *v)
        else {
            continue;
        };
        let Ok(method) = crate::ident::ident(&format!("as_v{}", wanted.replace('-', ""))) else {
            continue;
        };
        let doc = format!(
            "The body as API version {wanted} sends it: [`{model}`], the model of version \
             {since}. `None` when it has another shape (the server answered another version, \
             or a shape this crate does not know)."
        );
        out.push(quote! {
            #[doc = #doc]
            pub fn #method(&self) -> ::std::option::Option<&#model> {
                match self {
                    Self::#variant(v) => ::std::option::Option::Some(v),
                    #catch_all
                }
            }
        });
    }
    out
}

/// Whether a field of type `ty` has `to_string` through `Display`.
fn prints(ty: &syn::Type, displayed: &BTreeSet<String>) -> bool {
    let text = quote!(#ty).to_string().replace(' ', "");
    if is_copy(ty) || text == "::std::string::String" {
        return true;
    }
    matches!(ty, syn::Type::Path(p) if p.path.get_ident().is_some_and(|i| displayed.contains(&i.to_string())))
}

/// How an accessor reads one field: its return type, the read from a
/// model `v`, and the read from the JSON `v` of an open union's fallback
/// (`None` when it can only be `None`).
struct Read {
    ret: TokenStream,
    from_model: TokenStream,
    from_json: Option<TokenStream>,
}

/// Small copies by value, strings as `&str`, options as `Option<&T>`, the
/// rest by reference. Behind an open union, a required value read from
/// JSON defaults when absent; one without a default (a `NonZero*`, a
/// model) becomes an `Option`, `None` from the JSON, since a model cannot
/// be borrowed out of it.
fn read(ty: &syn::Type, ident: &syn::Ident, wire: &str, open: bool) -> Read {
    let text = |t: &syn::Type| quote!(#t).to_string().replace(' ', "");
    let place = quote!(v.#ident);
    let read = |ret: TokenStream, from_model: TokenStream, from_json: Option<TokenStream>| Read {
        ret,
        from_model,
        from_json,
    };
    let none = None;
    if is_primitive(ty) {
        return read(
            quote!(#ty),
            place,
            Some(quote!(crate::evolve::read::<#ty>(v, #wire).unwrap_or_default())),
        );
    }
    if is_copy(ty) {
        return match open {
            true => read(
                quote!(::std::option::Option<#ty>),
                quote!(::std::option::Option::Some(#place)),
                Some(quote!(crate::evolve::read::<#ty>(v, #wire))),
            ),
            false => read(quote!(#ty), place, none),
        };
    }
    if text(ty) == "::std::string::String" {
        return read(
            quote!(&str),
            quote!(#place.as_str()),
            Some(quote!(crate::evolve::text(v, #wire).unwrap_or_default())),
        );
    }
    if let Some(inner) = option_inner(ty) {
        if is_copy(inner) {
            return read(
                quote!(#ty),
                place,
                Some(quote!(crate::evolve::read::<#inner>(v, #wire))),
            );
        }
        if text(inner) == "::std::string::String" {
            return read(
                quote!(::std::option::Option<&str>),
                quote!(#place.as_deref()),
                Some(quote!(crate::evolve::text(v, #wire))),
            );
        }
        return read(
            quote!(::std::option::Option<&#inner>),
            quote!(#place.as_ref()),
            none,
        );
    }
    match open {
        true => read(
            quote!(::std::option::Option<&#ty>),
            quote!(::std::option::Option::Some(&#place)),
            none,
        ),
        false => read(quote!(&#ty), quote!(&#place), none),
    }
}

/// A primitive or a `NonZero*` integer: read by value.
fn is_copy(ty: &syn::Type) -> bool {
    is_primitive(ty) || is_non_zero(ty)
}
