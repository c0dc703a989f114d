//! Request models as a caller builds them. typify makes every model a
//! struct of public fields, which has two traps for a request: a struct
//! literal must name every field (so each field the API adds breaks every
//! caller), and a field with a spec default is a plain value that is always
//! sent (`listed: false` goes out unless the caller copies the default by
//! hand). Each struct reachable from a request is rewritten here:
//!
//! - it is `#[non_exhaustive]`: built only through `new`, which takes the
//!   required fields, and one chained setter per optional field;
//! - every optional field is `Option<T>`, left out of the body when `None`,
//!   so an unset field is not sent and the server's default applies;
//! - `NonZero*` fields become their plain integer (`.vcpu(2)` compiles) and
//!   pattern-checked string newtypes become `String` (`.protocol("udp")`
//!   compiles); the bound or pattern stays in the docs and the server
//!   checks it. These field types are [`crate::ir::request_shape`]'s rule.
//!
//! Response models that are also request models (a compose file is both
//! sent and read back) get the same shape; they decode the same bodies.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::visit_mut::VisitMut;

use crate::ir::facts::FieldFacts;
use crate::ir::request_shape::{self, field_type};
use crate::ir::surface::{Model, Surface};
use crate::syn_ext::option_inner;
use crate::syn_ext::{is_primitive, serde_keys, wire_name};

/// A rewritten struct's `impl` block (`new` and setters), and the fields
/// whose type became `Option` (a struct literal elsewhere must wrap them).
pub struct Rewritten {
    pub methods: syn::Item,
    pub wrapped: BTreeSet<String>,
}

/// Rewrites `s` in place; `None` for a tuple struct, which is left as is.
pub fn rewrite(
    s: &mut syn::ItemStruct,
    facts: Option<&BTreeMap<String, FieldFacts>>,
    string_newtypes: &BTreeSet<String>,
) -> Option<Rewritten> {
    if !matches!(s.fields, syn::Fields::Named(_)) {
        return None;
    }
    let mut wrapped = BTreeSet::new();
    let mut required = Vec::new();
    let mut setters = Vec::new();
    for field in s.fields.iter_mut() {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let wire = wire_name(field);
        let keys = serde_keys(&field.attrs);
        let is_required = match facts.and_then(|f| f.get(&wire)) {
            Some(f) => f.required,
            None => !keys
                .iter()
                .any(|(k, _)| k == "default" || k == "skip_serializing_if"),
        };
        let (ty, now_optional) = field_type(&field.ty, is_required, string_newtypes);
        field.ty = ty;
        if is_required {
            required.push((ident, field.ty.clone()));
            continue;
        }
        if now_optional {
            wrapped.insert(ident.to_string());
        }
        let inner = option_inner(&field.ty)
            .cloned()
            .unwrap_or_else(|| field.ty.clone());
        setters.push(make_optional(field, &ident, &wire, inner, facts));
    }
    set_derives(s, required.is_empty());
    super::evolve::seal(&mut s.attrs);
    document_building(s, required.is_empty());
    let methods = constructor(s, &required, &setters);
    Some(Rewritten { methods, wrapped })
}

/// Makes the optional `field` (already an `Option<inner>`) left out of the
/// body when unset, and returns its chained setter.
fn make_optional(
    field: &mut syn::Field,
    ident: &syn::Ident,
    wire: &str,
    inner: syn::Type,
    facts: Option<&BTreeMap<String, FieldFacts>>,
) -> TokenStream {
    field.attrs.retain(|a| !a.path().is_ident("serde"));
    if ident.unraw() != wire {
        field
            .attrs
            .push(syn::parse_quote!(#[serde(rename = #wire)]));
    }
    field.attrs.push(syn::parse_quote!(
        #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
    ));
    let mut doc = match first_doc(&field.attrs) {
        Some(first) => format!("Sets `{wire}`: {first}"),
        None => format!("Sets `{wire}`."),
    };
    if let Some(default) = facts.and_then(|f| f.get(wire)?.default.as_ref()) {
        doc.push_str(&format!(
            " Unset, it is not sent and the server uses `{default}`."
        ));
    }
    // `new` is the constructor's name.
    let setter = if ident == "new" {
        quote!(with_new)
    } else {
        quote!(#ident)
    };
    let (param, value) = argument(&inner);
    quote! {
        #[doc = #doc]
        #[must_use]
        pub fn #setter(mut self, value: #param) -> Self {
            self.#ident = ::std::option::Option::Some(#value);
            self
        }
    }
}

/// Tells, under the model's own docs, how a caller builds it.
fn document_building(s: &mut syn::ItemStruct, all_optional: bool) {
    let name = &s.ident;
    let how = if all_optional {
        format!(
            "Build it with [`{name}::new`] (or `Default`) and the setters; \
             fields left unset are not sent."
        )
    } else {
        format!(
            "Build it with [`{name}::new`], which takes the required fields, and the \
             setters; fields left unset are not sent."
        )
    };
    let at = s
        .attrs
        .iter()
        .rposition(|a| a.path().is_ident("doc"))
        .map_or(0, |i| i + 1);
    s.attrs.insert(at, syn::parse_quote!(#[doc = #how]));
    s.attrs.insert(at, syn::parse_quote!(#[doc = ""]));
}

/// `impl Model { new(required..) and the setters }`.
fn constructor(
    s: &syn::ItemStruct,
    required: &[(syn::Ident, syn::Type)],
    setters: &[TokenStream],
) -> syn::Item {
    let name = &s.ident;
    let params = required.iter().map(|(ident, ty)| {
        let (param, _) = argument(ty);
        quote!(#ident: #param)
    });
    let inits = s.fields.iter().filter_map(|f| {
        let ident = f.ident.as_ref()?;
        Some(match required.iter().find(|(r, _)| r == ident) {
            Some((_, ty)) if is_primitive(ty) => quote!(#ident),
            Some(_) => quote!(#ident: #ident.into()),
            None => quote!(#ident: ::std::option::Option::None),
        })
    });
    let new_doc = if required.is_empty() {
        format!("Creates a `{name}` with every field unset.")
    } else {
        let list: Vec<String> = required.iter().map(|(i, _)| format!("`{i}`")).collect();
        format!(
            "Creates a `{name}` from its required fields ({}); every optional field is unset.",
            list.join(", ")
        )
    };
    // clippy's default limit is seven arguments.
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    syn::parse_quote! {
        impl #name {
            #[doc = #new_doc]
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }
    }
}

/// Wraps in `Some` the fields of struct literals that a rewrite made
/// optional (typify spells some spec defaults as literals of a model).
pub struct WrapLiterals<'a>(pub &'a BTreeMap<String, BTreeSet<String>>);

impl VisitMut for WrapLiterals<'_> {
    fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
        syn::visit_mut::visit_expr_struct_mut(self, e);
        let Some(last) = e.path.segments.last() else {
            return;
        };
        let Some(wrapped) = self.0.get(&last.ident.to_string()) else {
            return;
        };
        for field in e.fields.iter_mut() {
            if let syn::Member::Named(name) = &field.member {
                if wrapped.contains(&name.to_string()) {
                    let expr = &field.expr;
                    field.expr = syn::parse_quote!(::std::option::Option::Some(#expr));
                }
            }
        }
    }
}

/// How a setter or `new` takes a value of `ty`, and the expression storing
/// it: primitives by value (so an integer literal infers its type), others
/// through `Into` (`&str` for a `String`).
fn argument(ty: &syn::Type) -> (TokenStream, TokenStream) {
    if is_primitive(ty) {
        (quote!(#ty), quote!(value))
    } else {
        (quote!(impl ::std::convert::Into<#ty>), quote!(value.into()))
    }
}

/// typify's `Default` (derived or spelled out) filled in the spec defaults;
/// a request model's default is every field unset, derived when it has no
/// required field.
fn set_derives(s: &mut syn::ItemStruct, default: bool) {
    for attr in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = paths.iter().filter(|p| !p.is_ident("Default"));
        let extra = default.then(|| quote!(Default));
        *attr = syn::parse_quote!(#[derive(#(#kept,)* #extra)]);
    }
}

/// The first line of a field's docs.
fn first_doc(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value().trim().to_owned()).filter(|s| !s.is_empty()),
            _ => None,
        },
        _ => None,
    })
}

/// Whether `item` is typify's `impl Default for {name}`.
pub fn is_default_impl(item: &syn::Item, name: &str) -> bool {
    let syn::Item::Impl(i) = item else {
        return false;
    };
    let is_default = i
        .trait_
        .as_ref()
        .is_some_and(|(_, path, _)| path.segments.last().is_some_and(|s| s.ident == "Default"));
    is_default && matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// The API surface of the request models as [`rewrite`] emits them:
/// optional fields are `Option`, `NonZero*` integers are plain.
pub fn reshape_surface(surface: &mut Surface) {
    let string_newtypes = request_shape::string_newtypes(surface);
    for name in crate::api::compare::request_models(surface) {
        let Some(Model::Struct(fields)) = surface.models.get_mut(&name) else {
            continue;
        };
        for field in fields.values_mut() {
            // The surface holds types as `display_type` wrote them, which
            // parse back as types; one that does not is left as it is.
            if let Some(ty) = request_shape::surface_field_type(field, &string_newtypes) {
                field.ty = ty;
            }
        }
    }
}
