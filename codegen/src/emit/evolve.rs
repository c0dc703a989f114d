//! Forward compatibility: the response enums and unions that decode what
//! this crate does not know yet (the generated runtime's `evolve` module
//! says why and how), and the rewrite of typify's items to match.
//!
//! Which types are open is decided once, from the API surface's view of
//! what responses reach ([`plan`]); the same [`Plan`] rewrites the items
//! ([`apply`]), records the change in the surface ([`describe`]) and gives
//! the union accessors their fallback arm.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use crate::api::compare::reachable;
use crate::ir::surface::{Model, Surface};
use crate::syn_ext::{mentioned, serde_keys, serde_rename};

/// What is open, by Rust type name.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// Open string enums.
    pub enums: BTreeMap<String, OpenEnum>,
    /// Open unions -> the fallback variant that keeps unknown JSON.
    pub unions: BTreeMap<String, syn::Ident>,
    /// Every type made `#[non_exhaustive]` here: the open enums and
    /// unions, and the structs responses reach.
    pub sealed: BTreeSet<String>,
    /// Open unions whose variants typify could only number (`Variant0`,
    /// when one model's name starts with another's: `VmV20260522`, `Vm`)
    /// -> each such variant and the name of its model's API version
    /// (`V20260522`), as the spec's own version unions are named.
    pub renamed: BTreeMap<String, Vec<(syn::Ident, syn::Ident)>>,
}

/// A string enum that keeps unknown values.
#[derive(Debug, Clone)]
pub struct OpenEnum {
    /// The variant holding an unknown value.
    pub fallback: syn::Ident,
    /// Each known variant and the JSON string it stands for.
    pub values: Vec<(syn::Ident, String)>,
}

/// The open types: every string enum of two or more values and every
/// union of models that a response reaches (even if a request does too: a
/// value the server sends must decode), and every struct a response
/// reaches. Models no operation reaches are left as typify made them.
/// `versions` maps a model to its API version, to name numbered union
/// variants by.
pub fn plan(items: &[syn::Item], surface: &Surface, versions: &BTreeMap<String, String>) -> Plan {
    let responses: BTreeSet<String> = reachable(surface)
        .into_iter()
        .filter(|(_, u)| u.output && !u.orphan)
        .map(|(name, _)| name)
        .collect();
    // Object models only: a union of string newtypes is a scalar union, to
    // which typify also gives `Display` and `FromStr`.
    let structs: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let mut plan = Plan::default();
    for item in items {
        match item {
            syn::Item::Struct(s) if responses.contains(&s.ident.to_string()) => {
                plan.sealed.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) if responses.contains(&e.ident.to_string()) => {
                let name = e.ident.to_string();
                let fallback = fallback_ident(e);
                match (string_values(e), fallback) {
                    // A one-value enum is a `const`: it tells apart the
                    // models of a union (`object_type: "node"`), so a new
                    // value is a new model, for the union's fallback.
                    (Some(values), _) if values.len() < 2 => continue,
                    (Some(values), Some(fallback)) => {
                        plan.enums
                            .insert(name.clone(), OpenEnum { fallback, values });
                    }
                    (None, Some(fallback))
                        if is_untagged(e) && holds_a_model(e, &structs) && all_single(e) =>
                    {
                        if let Some(renames) = version_names(e, versions) {
                            plan.renamed.insert(name.clone(), renames);
                        }
                        plan.unions.insert(name.clone(), fallback);
                    }
                    _ => continue,
                }
                plan.sealed.insert(name);
            }
            _ => {}
        }
    }
    plan
}

/// Removes typify's impls that the open enums of `plan` replace, before
/// the bodies of those that stay are parsed
/// ([`crate::backend::progenitor::Raw::parse_deferred`]) and [`apply`].
pub fn drop_replaced(items: &mut Vec<syn::Item>, plan: &Plan) {
    items.retain(|item| !replaced_impl(item, plan));
}

/// Rewrites typify's items as `plan` says, after [`drop_replaced`]:
/// structs sealed; open enums sealed, with a fallback variant and their
/// impls from the runtime's `open_enum!` instead of typify's; open unions
/// sealed, with a fallback variant and `Deserialize` from `open_union!`,
/// their numbered variants named by version.
pub fn apply(items: &mut Vec<syn::Item>, plan: &Plan) {
    let mut added = Vec::new();
    for item in items.iter_mut() {
        rename_variants(item, plan);
    }
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(s) if plan.sealed.contains(&s.ident.to_string()) => {
                seal(&mut s.attrs);
            }
            syn::Item::Enum(e) => {
                let name = e.ident.to_string();
                if let Some(open) = plan.enums.get(&name) {
                    added.push(open_enum(e, open));
                } else if let Some(fallback) = plan.unions.get(&name) {
                    added.push(open_union(e, fallback));
                }
            }
            _ => {}
        }
    }
    items.extend(added);
}

/// Records the open types in the surface: the fallback variants, the
/// `open` flag, and the sealed set; and every string enum's values.
pub fn describe(surface: &mut Surface, items: &[syn::Item], plan: &Plan) {
    for item in items {
        let syn::Item::Enum(e) = item else { continue };
        let Some(Model::Enum(model)) = surface.models.get_mut(&e.ident.to_string()) else {
            continue;
        };
        if let Some(values) = string_values(e) {
            model.values = values
                .into_iter()
                .map(|(v, wire)| (v.to_string(), wire))
                .collect();
        }
    }
    for (name, open) in &plan.enums {
        if let Some(Model::Enum(model)) = surface.models.get_mut(name) {
            model.open = true;
            model
                .variants
                .insert(open.fallback.to_string(), "(UnknownValue)".into());
        }
    }
    for (name, fallback) in &plan.unions {
        if let Some(Model::Enum(model)) = surface.models.get_mut(name) {
            model.open = true;
            for (old, new) in plan.renamed.get(name).into_iter().flatten() {
                if let Some(payload) = model.variants.remove(&old.to_string()) {
                    model.variants.insert(new.to_string(), payload);
                }
            }
            model
                .variants
                .insert(fallback.to_string(), "(Value)".into());
        }
    }
    surface.non_exhaustive.extend(plan.sealed.iter().cloned());
    surface
        .non_exhaustive
        .extend(crate::api::compare::request_models(surface));
}

/// The open enum the crate's docs show (the one most struct fields have,
/// the first by name on a tie), with its first value: `(enum, variant)`.
pub fn showcase(items: &[syn::Item], plan: &Plan) -> Option<(String, String)> {
    let mut uses: BTreeMap<&str, usize> = plan.enums.keys().map(|n| (n.as_str(), 0)).collect();
    for item in items {
        let syn::Item::Struct(s) = item else { continue };
        for field in s.fields.iter() {
            let ty = &field.ty;
            let mut named = BTreeSet::new();
            mentioned(quote!(#ty), &mut named);
            for name in named {
                if let Some(count) = uses.get_mut(name.as_str()) {
                    *count += 1;
                }
            }
        }
    }
    let (name, _) = uses.into_iter().rev().max_by_key(|(_, count)| *count)?;
    let (variant, _) = plan.enums.get(name)?.values.first()?;
    Some((name.to_owned(), variant.to_string()))
}

/// The variants and JSON strings of a string enum (every variant a unit
/// one, named by `#[serde(rename)]` or by itself); `None` for any other.
fn string_values(e: &syn::ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    if is_untagged(e) || e.variants.is_empty() {
        return None;
    }
    e.variants
        .iter()
        .map(|v| {
            matches!(v.fields, syn::Fields::Unit).then(|| {
                let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
                (v.ident.clone(), wire)
            })
        })
        .collect()
}

fn is_untagged(e: &syn::ItemEnum) -> bool {
    serde_keys(&e.attrs).iter().any(|(k, _)| k == "untagged")
}

/// Whether some variant of a union holds one of the crate's object models.
fn holds_a_model(e: &syn::ItemEnum, structs: &BTreeSet<String>) -> bool {
    e.variants.iter().any(|v| match &v.fields {
        syn::Fields::Unnamed(f) => f.unnamed.iter().any(|field| {
            matches!(&field.ty, syn::Type::Path(p)
                if p.path.get_ident().is_some_and(|i| structs.contains(&i.to_string())))
        }),
        _ => false,
    })
}

/// `V20260522` for each variant typify numbered (`Variant0`), from its
/// model's API version; `None` unless every numbered variant's model has a
/// version, all distinct and unused as names.
fn version_names(
    e: &syn::ItemEnum,
    versions: &BTreeMap<String, String>,
) -> Option<Vec<(syn::Ident, syn::Ident)>> {
    let numbered = |v: &syn::Variant| {
        let name = v.ident.to_string();
        name.strip_prefix("Variant")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let taken: BTreeSet<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
    let mut renames = Vec::new();
    let mut chosen = BTreeSet::new();
    for v in e.variants.iter().filter(|v| numbered(v)) {
        let syn::Fields::Unnamed(f) = &v.fields else {
            return None;
        };
        let syn::Type::Path(p) = &f.unnamed.first()?.ty else {
            return None;
        };
        let version = versions.get(&p.path.get_ident()?.to_string())?;
        let name = format!("V{}", version.replace('-', ""));
        if taken.contains(&name) || !chosen.insert(name.clone()) {
            return None;
        }
        renames.push((v.ident.clone(), crate::ident::ident(&name).ok()?));
    }
    (!renames.is_empty()).then_some(renames)
}

/// Renames a union's numbered variants, in the enum and in typify's impls
/// for it (`From<Model>`, which builds `Self::Variant0(value)`).
fn rename_variants(item: &mut syn::Item, plan: &Plan) {
    struct Rename<'a>(&'a [(syn::Ident, syn::Ident)]);
    impl syn::visit_mut::VisitMut for Rename<'_> {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let is_self = path.segments.len() == 2 && path.segments[0].ident == "Self";
            if let (true, Some(last)) = (is_self, path.segments.last_mut()) {
                if let Some((_, new)) = self.0.iter().find(|(old, _)| last.ident == *old) {
                    last.ident = new.clone();
                }
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let name = match &*item {
        syn::Item::Enum(e) => e.ident.to_string(),
        syn::Item::Impl(i) => match &*i.self_ty {
            syn::Type::Path(p) => p
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default(),
            _ => return,
        },
        _ => return,
    };
    let Some(renames) = plan.renamed.get(&name) else {
        return;
    };
    match item {
        syn::Item::Enum(e) => {
            for v in e.variants.iter_mut() {
                if let Some((_, new)) = renames.iter().find(|(old, _)| v.ident == *old) {
                    v.ident = new.clone();
                }
            }
        }
        syn::Item::Impl(i) => {
            syn::visit_mut::VisitMut::visit_item_impl_mut(&mut Rename(renames), i)
        }
        _ => {}
    }
}

/// Whether every variant holds one value (typify's unions of `$ref`s and
/// scalars); a union with a struct-like variant is left closed.
fn all_single(e: &syn::ItemEnum) -> bool {
    e.variants
        .iter()
        .all(|v| matches!(&v.fields, syn::Fields::Unnamed(f) if f.unnamed.len() == 1))
}

/// `Unknown`, or `Unrecognized` when a known value already took that name
/// (an API whose enum lists `"unknown"`), underscored until it is free.
fn fallback_ident(e: &syn::ItemEnum) -> Option<syn::Ident> {
    let taken: BTreeSet<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
    free_fallback(&taken)
}

/// The fallback's name among the variant names `taken`, by the rule of
/// [`fallback_ident`].
pub(super) fn free_fallback(taken: &BTreeSet<String>) -> Option<syn::Ident> {
    let mut name = if taken.contains("Unknown") {
        "Unrecognized".to_owned()
    } else {
        "Unknown".to_owned()
    };
    while taken.contains(&name) {
        name.push('_');
    }
    crate::ident::ident(&name).ok()
}

/// typify's impls that an open enum's macro replaces: `Display`, `FromStr`
/// and `TryFrom` of strings (its `Display` matches on `*self`, which an
/// enum holding a `String` cannot do).
fn replaced_impl(item: &syn::Item, plan: &Plan) -> bool {
    let syn::Item::Impl(i) = item else {
        return false;
    };
    let (Some((_, path, _)), syn::Type::Path(ty)) = (&i.trait_, &*i.self_ty) else {
        return false;
    };
    let Some(self_name) = ty.path.get_ident() else {
        return false;
    };
    let trait_name = path.segments.last().map(|s| s.ident.to_string());
    plan.enums.contains_key(&self_name.to_string())
        && matches!(
            trait_name.as_deref(),
            Some("Display" | "FromStr" | "TryFrom")
        )
}

/// Adds `#[non_exhaustive]` unless it is there (a model both requests and
/// responses reach is sealed by both rewrites).
pub(super) fn seal(attrs: &mut Vec<syn::Attribute>) {
    if !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
        attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
}

/// Opens a string enum: serde's derives and attributes go (the macro's
/// impls read and write the strings), so does `Copy` (the fallback holds a
/// `String`); the fallback variant is added; returns the macro call.
fn open_enum(e: &mut syn::ItemEnum, open: &OpenEnum) -> syn::Item {
    drop_derives(&mut e.attrs, &["Deserialize", "Serialize", "Copy"]);
    e.attrs.retain(|a| !a.path().is_ident("serde"));
    for v in e.variants.iter_mut() {
        v.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    seal(&mut e.attrs);
    let fallback = &open.fallback;
    e.variants.push(syn::parse_quote! {
        /// A value this crate does not know yet (the API is newer than the
        /// crate), kept as it came: it prints and is sent back unchanged.
        #fallback(crate::UnknownValue)
    });
    let name = &e.ident;
    let variants = open.values.iter().map(|(v, _)| v);
    let wires = open.values.iter().map(|(_, w)| w);
    // The call is built, not parsed: its body is one value per variant.
    let span = proc_macro2::Span::call_site();
    syn::Item::Macro(syn::ItemMacro {
        attrs: Vec::new(),
        ident: None,
        mac: syn::Macro {
            path: syn::parse_quote!(crate::evolve::open_enum),
            bang_token: syn::Token![!](span),
            delimiter: syn::MacroDelimiter::Brace(syn::token::Brace(span)),
            tokens: quote!(#name { #(#variants = #wires),* } else #fallback),
        },
        semi_token: None,
    })
}

/// Opens a union: its `Deserialize` comes from the macro, which tries the
/// variants by API version and keeps a body none fits in the fallback.
pub(super) fn open_union(e: &mut syn::ItemEnum, fallback: &syn::Ident) -> syn::Item {
    drop_derives(&mut e.attrs, &["Deserialize"]);
    seal(&mut e.attrs);
    let tries: Vec<proc_macro2::TokenStream> = e
        .variants
        .iter()
        .filter_map(|v| match &v.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let (ident, ty) = (&v.ident, &f.unnamed[0].ty);
                Some(quote!(#ident(#ty)))
            }
            _ => None,
        })
        .collect();
    e.variants.push(syn::parse_quote! {
        /// A body that fits none of the shapes above (the API is newer
        /// than this crate): the JSON as it came. The accessors still read
        /// the fields it has.
        #fallback(::serde_json::Value)
    });
    let name = &e.ident;
    syn::parse_quote! {
        crate::evolve::open_union! {
            #name { #(#tries),* } else #fallback
        }
    }
}

/// Removes the named traits from `#[derive(...)]`.
fn drop_derives(attrs: &mut [syn::Attribute], names: &[&str]) {
    for a in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = a.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = paths.into_iter().filter(|p| {
            p.segments
                .last()
                .is_none_or(|s| !names.contains(&s.ident.to_string().as_str()))
        });
        *a = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
