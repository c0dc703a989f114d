//! The item unions of paged lists whose items differ by API version. A
//! page model that is a version union (`GetCvmListResponse`: one page model
//! per version) holds a different item type in each version, so `.items()`
//! has no one type to yield; it yields a union of them instead, made here
//! as typify would have made it and opened like every response union (see
//! [`super::evolve`]): `GetCvmListResponseItem`, one variant per item type
//! (an item that is a union itself gives its variants), an `Unknown` JSON
//! fallback, `#[non_exhaustive]`, and the accessors of the fields every
//! variant has ([`super::accessors`], as for any union).
//!
//! The pipeline has [`super::paging::item_unions`] find them and [`add`]
//! put them among typify's items, in the API surface and in the plan,
//! before the emitters run; [`super::paging`] finds the same union again
//! for the page model's `PageItems` impl ([`of`] is one function of the
//! items, so both agree).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ident::ident;
use crate::ir::surface::{display_type, EnumSurface, Model, Surface};

/// The union of a page model's item types.
#[derive(Debug, Clone)]
pub struct ItemUnion {
    /// `{page model}Item`.
    pub name: Ident,
    /// Its variants and their payloads, without the fallback.
    variants: Vec<(Ident, syn::Type)>,
    /// The variant keeping an item of a shape this crate does not know.
    pub fallback: Ident,
    /// The page model's variants feeding each variant, for its docs.
    sources: Vec<Vec<Ident>>,
    /// Per list of the page model (in the order `paging` read them), how
    /// its item becomes one of the union.
    pub from_page: Vec<FromPage>,
}

/// How the item of one page variant becomes the union.
#[derive(Debug, Clone)]
pub enum FromPage {
    /// It is the payload of this variant.
    Leaf(Ident),
    /// It is a union itself (`inner`): each of its variants is one of ours,
    /// and its fallback (when open) is ours.
    Spliced {
        inner: Ident,
        pairs: Vec<(Ident, Ident)>,
        fallback: Option<Ident>,
    },
}

/// What `of` reads of typify's items.
pub struct Known<'a> {
    pub enums: &'a BTreeMap<String, &'a syn::ItemEnum>,
    /// Every type name the items declare.
    pub taken: &'a BTreeSet<String>,
    pub plan: &'a super::evolve::Plan,
}

/// The union of the items of `page`, whose lists are `(page variant, list
/// field, item type)`; `None` when there is none to make: a variant name
/// two item types would share, or the name `{page}Item` taken by a type
/// that is not this very union.
pub fn of(
    page: &Ident,
    lists: &[(Option<Ident>, Ident, String)],
    known: &Known<'_>,
) -> Option<ItemUnion> {
    let name = ident(&format!("{page}Item")).ok()?;
    let mut union = ItemUnion {
        name,
        variants: Vec::new(),
        sources: Vec::new(),
        from_page: Vec::new(),
        fallback: ident("Unknown").ok()?,
    };
    for (variant, _, item) in lists {
        let source = variant.clone()?;
        let ty: syn::Type = syn::parse_str(item).ok()?;
        let from = match inner_union(&ty, known) {
            Some(inner) => {
                let mut pairs = Vec::new();
                for (member, payload) in inner.members {
                    pairs.push((member.clone(), union.add(member, payload, &source)?));
                }
                FromPage::Spliced {
                    inner: inner.name,
                    pairs,
                    fallback: inner.fallback,
                }
            }
            None => {
                let own = match &ty {
                    syn::Type::Path(p) => p.path.get_ident().cloned(),
                    _ => None,
                };
                FromPage::Leaf(union.add(own.unwrap_or(source.clone()), ty, &source)?)
            }
        };
        union.from_page.push(from);
    }
    let names: BTreeSet<String> = union.variants.iter().map(|(v, _)| v.to_string()).collect();
    union.fallback = super::evolve::free_fallback(&names)?;
    let existing = known.taken.contains(&union.name.to_string());
    match known.enums.get(&union.name.to_string()) {
        Some(e) if same_variants(e, &union.variants, known.plan) => Some(union),
        _ if existing => None,
        _ => Some(union),
    }
}

impl ItemUnion {
    /// Adds variant `name` holding `ty`, fed by the page variant `source`;
    /// the variant that already holds `ty` is reused. `None` when `name` is
    /// taken by another type.
    fn add(&mut self, name: Ident, ty: syn::Type, source: &Ident) -> Option<Ident> {
        let text = |t: &syn::Type| quote!(#t).to_string();
        let at = match self.variants.iter().position(|(_, t)| text(t) == text(&ty)) {
            Some(at) => at,
            None if self.variants.iter().any(|(v, _)| *v == name) => return None,
            None => {
                self.variants.push((name, ty));
                self.sources.push(Vec::new());
                self.variants.len() - 1
            }
        };
        if !self.sources[at].contains(source) {
            self.sources[at].push(source.clone());
        }
        Some(self.variants[at].0.clone())
    }
}

/// A union among the items (its name, its variants with their payloads,
/// its fallback when it is open).
struct Inner {
    name: Ident,
    members: Vec<(Ident, syn::Type)>,
    fallback: Option<Ident>,
}

/// The union `ty` names when every variant holds one value, its fallback
/// left out of its members.
fn inner_union(ty: &syn::Type, known: &Known<'_>) -> Option<Inner> {
    let syn::Type::Path(p) = ty else { return None };
    let name = p.path.get_ident()?;
    let e = known.enums.get(&name.to_string())?;
    let untagged = crate::syn_ext::serde_keys(&e.attrs)
        .iter()
        .any(|(k, _)| k == "untagged");
    if !untagged {
        return None;
    }
    let fallback = known.plan.unions.get(&name.to_string());
    let mut members = Vec::new();
    for v in e.variants.iter().filter(|v| Some(&v.ident) != fallback) {
        let syn::Fields::Unnamed(f) = &v.fields else {
            return None;
        };
        let [field] = f.unnamed.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        members.push((v.ident.clone(), field.ty.clone()));
    }
    Some(Inner {
        name: name.clone(),
        members,
        fallback: fallback.cloned(),
    })
}

/// Whether enum `e` is `variants` and a fallback: the union made before.
fn same_variants(
    e: &syn::ItemEnum,
    variants: &[(Ident, syn::Type)],
    plan: &super::evolve::Plan,
) -> bool {
    let fallback = plan.unions.get(&e.ident.to_string());
    let theirs: Vec<String> = e
        .variants
        .iter()
        .filter(|v| Some(&v.ident) != fallback)
        .map(|v| {
            let (ident, fields) = (&v.ident, &v.fields);
            quote!(#ident #fields).to_string()
        })
        .collect();
    let ours: Vec<String> = variants
        .iter()
        .map(|(v, ty)| quote!(#v(#ty)).to_string())
        .collect();
    theirs == ours
}

/// Adds each of `found` (page model, its item union: what
/// [`super::paging::item_unions`] finds) to typify's `items` (already
/// opened by [`super::evolve::apply`]), opened alike, and records it in
/// `surface` and `plan` as an open, sealed union. A union already among
/// the items (the same one) is left as it is.
pub fn add(
    found: Vec<(Ident, ItemUnion)>,
    items: &mut Vec<syn::Item>,
    plan: &mut super::evolve::Plan,
    surface: &mut Surface,
) {
    let mut unions = BTreeMap::new();
    for (page, union) in found {
        unions
            .entry(union.name.to_string())
            .or_insert((page, union));
    }
    let declared = super::types::local_names(items);
    for (name, (page, union)) in unions {
        if declared.contains(&name) {
            continue;
        }
        let mut e = declare(&page, &union);
        let fallback = union.fallback.clone();
        let open = super::evolve::open_union(&mut e, &fallback);
        let from = union.variants.iter().map(|(v, ty)| -> syn::Item {
            let n = &union.name;
            syn::parse_quote! {
                impl ::std::convert::From<#ty> for #n {
                    fn from(value: #ty) -> Self {
                        Self::#v(value)
                    }
                }
            }
        });
        let from: Vec<syn::Item> = from.collect();
        items.push(syn::Item::Enum(e));
        items.extend(from);
        items.push(open);
        let mut variants: BTreeMap<String, String> = union
            .variants
            .iter()
            .map(|(v, ty)| (v.to_string(), format!("({})", display_type(ty))))
            .collect();
        variants.insert(fallback.to_string(), "(Value)".into());
        let model = EnumSurface {
            variants,
            values: BTreeMap::new(),
            open: true,
        };
        surface.models.insert(name.clone(), Model::Enum(model));
        surface.non_exhaustive.insert(name.clone());
        plan.unions.insert(name.clone(), fallback);
        plan.sealed.insert(name);
    }
}

/// The union as typify would declare it: documented, deriving both serde
/// traits, untagged.
fn declare(page: &Ident, union: &ItemUnion) -> syn::ItemEnum {
    let name = &union.name;
    let variants = union
        .variants
        .iter()
        .zip(&union.sources)
        .map(|((v, ty), sources)| {
            let shapes: Vec<String> = sources.iter().map(|s| format!("`{s}`")).collect();
            let doc = format!(
                "An item of a page of the {} shape{} of [`{page}`].",
                shapes.join(" and "),
                if sources.len() > 1 { "s" } else { "" }
            );
            quote! {
                #[doc = #doc]
                #v(#ty)
            }
        });
    let doc = format!(
        "One item of a [`{page}`] page, whichever API version's shape the page has: what \
         `.items()` yields on the builder of the list operation returning it. The \
         accessors read the fields every shape has; an item of a page this crate does not \
         know is kept as JSON."
    );
    syn::parse_quote! {
        #[doc = #doc]
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants,)*
        }
    }
}

/// The expression turning one item of a page variant into the union: a
/// variant's constructor, or a `match` over the inner union's variants.
pub fn convert(union: &ItemUnion, from: &FromPage) -> TokenStream {
    let name = &union.name;
    match from {
        FromPage::Leaf(v) => quote!(#name::#v),
        FromPage::Spliced {
            inner,
            pairs,
            fallback,
        } => {
            let arms = pairs
                .iter()
                .map(|(theirs, ours)| quote!(#inner::#theirs(v) => #name::#ours(v),));
            let ours = &union.fallback;
            let fallback_arm = fallback
                .as_ref()
                .map(|fb| quote!(#inner::#fb(v) => #name::#ours(v),));
            quote!(|item| match item { #(#arms)* #fallback_arm })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(items: &[(&str, &str)]) -> Vec<(Option<Ident>, Ident, String)> {
        items
            .iter()
            .map(|(v, ty)| {
                (
                    Some(ident(v).unwrap()),
                    ident("items").unwrap(),
                    ty.to_string(),
                )
            })
            .collect()
    }

    /// `of` over typify-like items: `enums` declared, `taken` the names.
    fn union_of(items: &[syn::Item], page_lists: &[(&str, &str)]) -> Option<ItemUnion> {
        let enums: BTreeMap<String, &syn::ItemEnum> = items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Enum(e) => Some((e.ident.to_string(), e)),
                _ => None,
            })
            .collect();
        let taken = super::super::types::local_names(items);
        let plan = super::super::evolve::Plan::default();
        let known = Known {
            enums: &enums,
            taken: &taken,
            plan: &plan,
        };
        of(&ident("Page").unwrap(), &lists(page_lists), &known)
    }

    fn names(u: &ItemUnion) -> Vec<String> {
        u.variants
            .iter()
            .map(|(v, ty)| format!("{v}({})", quote!(#ty)))
            .collect()
    }

    #[test]
    fn leaf_items_are_variants_named_by_their_type() {
        let u = union_of(&[], &[("New", "CvmInfo"), ("Old", "HostedCvm")]).unwrap();
        assert_eq!(u.name, "PageItem");
        assert_eq!(names(&u), ["CvmInfo(CvmInfo)", "HostedCvm(HostedCvm)"]);
        assert_eq!(u.fallback, "Unknown");
        assert!(matches!(&u.from_page[1], FromPage::Leaf(v) if v == "HostedCvm"));
    }

    #[test]
    fn an_item_union_gives_its_variants_and_a_shared_one_is_kept_once() {
        let items: Vec<syn::Item> = vec![
            syn::parse_quote! {
                #[serde(untagged)]
                pub enum NewItem { Full(FullNew), Minimal(Minimal) }
            },
            syn::parse_quote! {
                #[serde(untagged)]
                pub enum OldItem { FullOld(FullOld), Minimal(Minimal) }
            },
        ];
        let u = union_of(&items, &[("New", "NewItem"), ("Old", "OldItem")]).unwrap();
        assert_eq!(
            names(&u),
            ["Full(FullNew)", "Minimal(Minimal)", "FullOld(FullOld)"]
        );
        let FromPage::Spliced { inner, pairs, .. } = &u.from_page[1] else {
            panic!("spliced: {:?}", u.from_page[1]);
        };
        assert_eq!(inner, "OldItem");
        let pairs: Vec<String> = pairs.iter().map(|(a, b)| format!("{a}->{b}")).collect();
        assert_eq!(pairs, ["FullOld->FullOld", "Minimal->Minimal"]);
    }

    #[test]
    fn no_union_when_a_name_is_taken_by_another_type() {
        // Two item types would share the variant name `Cvm`.
        let items: Vec<syn::Item> = vec![
            syn::parse_quote! { #[serde(untagged)] pub enum A { Cvm(CvmA) } },
            syn::parse_quote! { #[serde(untagged)] pub enum B { Cvm(CvmB) } },
        ];
        assert!(union_of(&items, &[("New", "A"), ("Old", "B")]).is_none());
        // `PageItem` is a struct of the API already.
        let taken: Vec<syn::Item> = vec![syn::parse_quote! { pub struct PageItem {} }];
        assert!(union_of(&taken, &[("New", "CvmInfo"), ("Old", "HostedCvm")]).is_none());
        // A variant named `Unknown` moves the fallback aside.
        let u = union_of(&[], &[("New", "Unknown"), ("Old", "HostedCvm")]).unwrap();
        assert_eq!(u.fallback, "Unrecognized");
    }
}
