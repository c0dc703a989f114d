//! Paginators, by a rule over the spec rather than a list: an operation is
//! paged when it takes optional integer `page` and `page_size` (or `offset`
//! and `limit`) parameters and its success type is a page model, a struct
//! with one list field (or a union of such structs, one per API version).
//! Its builder gets `.pages()` and `.items()`; the page model implements
//! `paging::Page` and `paging::PageItems`, reading `total` and `page_size`
//! when the model has them. The items of a union of page models are one
//! type when every version's are, else the union of them that
//! [`super::item_union`] makes.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::backend::bind::Bound;
use crate::error::Result;
use crate::ident::ident;
use crate::syn_ext::option_inner;

use super::item_union::{self, ItemUnion};

/// How an operation steps through its pages.
#[derive(Debug, Clone)]
pub struct Paged {
    page_type: Ident,
    /// `page` or `offset`.
    position: Ident,
    /// `page_size` or `limit`.
    size: Ident,
    offset: bool,
    /// What `.items()` yields; `None`: no `.items()`.
    items: Option<Items>,
    /// The page model, as `find` read it; `impls` writes `Page` from it.
    shape: Shape,
}

/// The items of a paged list.
#[derive(Debug, Clone)]
enum Items {
    /// Every page model holds this type (as typify spells it).
    Same(String),
    /// The page models hold different types: this union of them.
    Union(ItemUnion),
}

/// What a page model holds, read from typify's items.
#[derive(Debug, Clone)]
struct Shape {
    /// Per struct variant (a plain struct is one, wrapped by nothing): the
    /// variant, the list field and its item type.
    lists: Vec<(Option<Ident>, Ident, String)>,
    /// Whether every struct has an integer `total` (`Some(optional?)`).
    total: Option<bool>,
    page_size: Option<bool>,
    /// An open union's fallback variant, and the JSON names of the first
    /// model's list, `total` and `page_size` fields, which it reads from its
    /// JSON instead.
    fallback: Option<(Ident, [String; 3])>,
}

/// The paged operations of `bound`, by method name, given the crate's types.
pub fn find(
    bound: &[Bound],
    items: &[syn::Item],
    plan: &super::evolve::Plan,
) -> Result<BTreeMap<String, Paged>> {
    let (structs, enums) = by_name(items);
    let taken = super::types::local_names(items);
    let known = item_union::Known {
        enums: &enums,
        taken: &taken,
        plan,
    };
    let mut out = BTreeMap::new();
    for b in bound {
        let has = |name: &str| {
            b.fields
                .iter()
                .any(|f| f.ident == name && !f.required && f.int.is_some())
        };
        let (position, size, offset) = if has("page") && has("page_size") {
            ("page", "page_size", false)
        } else if has("offset") && has("limit") {
            ("offset", "limit", true)
        } else {
            continue;
        };
        let type_name = b
            .output_text
            .strip_prefix("types::")
            .unwrap_or(&b.output_text);
        let Some(shape) = shape(type_name, &structs, &enums, plan.unions.get(type_name)) else {
            continue;
        };
        let page_type = ident(type_name)?;
        let items = match &shape.lists[..] {
            [] => None,
            [(_, _, first), rest @ ..] if rest.iter().all(|(_, _, item)| item == first) => {
                Some(Items::Same(first.clone()))
            }
            lists => item_union::of(&page_type, lists, &known).map(Items::Union),
        };
        out.insert(
            b.op.name.clone(),
            Paged {
                page_type,
                position: ident(position)?,
                size: ident(size)?,
                offset,
                items,
                shape,
            },
        );
    }
    Ok(out)
}

/// Each paged list's page model whose items need a union, with that union.
pub fn item_unions(
    bound: &[Bound],
    items: &[syn::Item],
    plan: &super::evolve::Plan,
) -> Result<Vec<(Ident, ItemUnion)>> {
    Ok(find(bound, items, plan)?
        .into_values()
        .filter_map(|p| match p.items {
            Some(Items::Union(u)) => Some((p.page_type, u)),
            _ => None,
        })
        .collect())
}

type Structs<'a> = BTreeMap<String, &'a syn::ItemStruct>;
type Enums<'a> = BTreeMap<String, &'a syn::ItemEnum>;

/// typify's structs and enums, by name.
fn by_name(items: &[syn::Item]) -> (Structs<'_>, Enums<'_>) {
    let (mut structs, mut enums) = (BTreeMap::new(), BTreeMap::new());
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                structs.insert(s.ident.to_string(), s);
            }
            syn::Item::Enum(e) => {
                enums.insert(e.ident.to_string(), e);
            }
            _ => {}
        }
    }
    (structs, enums)
}

fn shape(
    name: &str,
    structs: &Structs<'_>,
    enums: &Enums<'_>,
    fallback: Option<&Ident>,
) -> Option<Shape> {
    let mut parts: Vec<(Option<Ident>, &syn::ItemStruct)> = Vec::new();
    if let Some(s) = structs.get(name) {
        parts.push((None, s));
    } else {
        for v in enums
            .get(name)?
            .variants
            .iter()
            .filter(|v| Some(&v.ident) != fallback)
        {
            let syn::Fields::Unnamed(f) = &v.fields else {
                return None;
            };
            let [field] = f.unnamed.iter().collect::<Vec<_>>()[..] else {
                return None;
            };
            let ty = &field.ty;
            let inner = quote!(#ty).to_string().replace(' ', "");
            parts.push((Some(v.ident.clone()), structs.get(&inner)?));
        }
    }
    let mut lists = Vec::new();
    let (mut total, mut page_size) = (Some(false), Some(false));
    let wire = |s: &syn::ItemStruct, rust: &str| {
        s.fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == rust))
            .map_or_else(|| rust.to_owned(), crate::syn_ext::wire_name)
    };
    let mut fallback_names = None;
    for (variant, s) in &parts {
        let text = |ty: &syn::Type| quote!(#ty).to_string().replace(' ', "");
        let fields: Vec<(&Ident, &syn::Type)> = s
            .fields
            .iter()
            .filter_map(|f| Some((f.ident.as_ref()?, &f.ty)))
            .collect();
        let vecs: Vec<(&Ident, String)> = fields
            .iter()
            .map(|(i, ty)| (*i, text(ty)))
            .filter(|(_, ty)| ty.starts_with("::std::vec::Vec<"))
            .collect();
        let [(list, list_ty)] = vecs.as_slice() else {
            return None;
        };
        let item = list_ty["::std::vec::Vec<".len()..list_ty.len() - 1].to_owned();
        if fallback_names.is_none() {
            fallback_names = Some([
                wire(s, &list.to_string()),
                wire(s, "total"),
                wire(s, "page_size"),
            ]);
        }
        lists.push((variant.clone(), (*list).clone(), item));
        let int_field = |name: &str| {
            let (_, ty) = fields.iter().find(|(i, _)| *i == name)?;
            let inner = option_inner(ty);
            match text(inner.unwrap_or(ty)).as_str() {
                "i64" | "u64" | "i32" | "u32" => Some(inner.is_some()),
                _ => None,
            }
        };
        total = merge(total, int_field("total"));
        page_size = merge(page_size, int_field("page_size"));
    }
    Some(Shape {
        lists,
        total,
        page_size,
        fallback: fallback.cloned().zip(fallback_names),
    })
}

/// Whether every struct has the field (and whether any has it optional).
fn merge(acc: Option<bool>, this: Option<bool>) -> Option<bool> {
    Some(acc? | this?)
}

/// `impl Page` (and `PageItems`) for each page model of `paged`, once each.
pub fn impls(paged: &BTreeMap<String, Paged>) -> Result<TokenStream> {
    let mut done = BTreeMap::new();
    for p in paged.values() {
        if let std::collections::btree_map::Entry::Vacant(slot) =
            done.entry(p.page_type.to_string())
        {
            slot.insert(page_impl(&p.page_type, &p.shape, p.items.as_ref())?);
        }
    }
    if done.is_empty() {
        return Ok(quote! {
            //! No operation of this API is paged (see [`crate::paging`]).
        });
    }
    let impls = done.into_values();
    Ok(quote! {
        //! `Page` for the page models of the paged list operations (see
        //! [`crate::paging`]).
        use crate::paging::{Page, PageItems};
        // Item types are spelled as typify spells them, inside `types`.
        use crate::types::{self, *};
        #(#impls)*
    })
}

fn page_impl(ty: &Ident, shape: &Shape, items: Option<&Items>) -> Result<TokenStream> {
    // One arm per struct: `Self::V(p) => <expr on p>` or, for a plain
    // struct, the expression on `self`; an open union's fallback reads its
    // JSON with `from_json`.
    let each = |expr: &dyn Fn(&TokenStream, &Ident) -> TokenStream,
                from_json: &dyn Fn(&[String; 3]) -> TokenStream|
     -> TokenStream {
        match shape.lists.first() {
            Some((None, list, _)) => expr(&quote!(self), list),
            _ => {
                let arms = shape.lists.iter().map(|(variant, list, _)| {
                    let p = quote!(p);
                    let body = expr(&p, list);
                    quote!(Self::#variant(p) => #body,)
                });
                let fallback = shape.fallback.as_ref().map(|(fb, names)| {
                    let body = from_json(names);
                    quote!(Self::#fb(p) => #body,)
                });
                quote!(match self { #(#arms)* #fallback })
            }
        }
    };
    let count = each(
        &|p, list| quote!(#p.#list.len()),
        &|[list, ..]| quote!(crate::evolve::read::<::std::vec::Vec<::serde_json::Value>>(p, #list).map_or(0, |l| l.len())),
    );
    let int = |field: &Ident, optional: Option<bool>, at: usize| -> TokenStream {
        let from_json = |names: &[String; 3]| {
            let name = &names[at];
            quote!(crate::evolve::read::<u64>(p, #name))
        };
        match optional {
            None => quote!(::std::option::Option::None),
            Some(false) => each(&|p, _| quote!(u64::try_from(#p.#field).ok()), &from_json),
            Some(true) => each(
                &|p, _| quote!(#p.#field.and_then(|v| u64::try_from(v).ok())),
                &from_json,
            ),
        }
    };
    let total = int(&ident("total")?, shape.total, 1);
    let page_size = int(&ident("page_size")?, shape.page_size, 2);
    let page_items = match items {
        None => None,
        Some(Items::Same(item)) => {
            let item: syn::Type = syn::parse_str(item).expect("a type typify wrote");
            let into = each(
                &|p, list| quote!(#p.#list),
                &|[list, ..]| quote!(crate::evolve::items::<#item>(p, #list)),
            );
            Some((quote!(#item), into))
        }
        Some(Items::Union(union)) => Some(union_items(shape, union)),
    }
    .map(|(item, into)| {
        quote! {
            impl PageItems for types::#ty {
                type Item = #item;
                fn into_items(self) -> ::std::vec::Vec<#item> {
                    #into
                }
            }
        }
    });
    Ok(quote! {
        impl Page for types::#ty {
            fn item_count(&self) -> usize {
                #count
            }
            fn total(&self) -> ::std::option::Option<u64> {
                #total
            }
            fn page_size(&self) -> ::std::option::Option<u64> {
                #page_size
            }
        }
        #page_items
    })
}

/// The item type and the body of `into_items` for a union of page models
/// whose items differ: each page variant's items become the item union,
/// and a page of a shape this crate does not know gives its list's items
/// decoded as the union (kept as JSON when no shape fits).
fn union_items(shape: &Shape, union: &ItemUnion) -> (TokenStream, TokenStream) {
    let name = &union.name;
    let arms = shape
        .lists
        .iter()
        .zip(&union.from_page)
        .map(|((variant, list, _), from)| {
            let convert = item_union::convert(union, from);
            quote!(Self::#variant(p) => p.#list.into_iter().map(#convert).collect(),)
        });
    let fallback = shape
        .fallback
        .as_ref()
        .map(|(fb, [list, ..])| quote!(Self::#fb(p) => crate::evolve::items::<#name>(p, #list),));
    (quote!(#name), quote!(match self { #(#arms)* #fallback }))
}

/// `.pages()` and `.items()` on the builder of a paged operation, for the
/// async client (streams) and the blocking one (iterators).
pub fn methods(b: &Bound, builder: &Ident, paged: &Paged) -> TokenStream {
    let into_async = into_async(b, builder);
    let pages_doc = pages_doc(paged);
    let async_pages = async_pages(b, builder, paged, &pages_doc);
    let blocking_pages = blocking_pages(builder, paged, &pages_doc);
    quote! {
        #into_async
        #async_pages
        #blocking_pages
    }
}

/// `into_async`, which turns a builder of any mode into the raising async
/// one the pages are fetched with; it moves every field.
fn into_async(b: &Bound, builder: &Ident) -> TokenStream {
    let kept = b.fields.iter().map(|f| {
        let ident = &f.ident;
        quote!(#ident: template.#ident)
    });
    quote! {
        impl<'a, M: Mode> #builder<'a, M> {
            fn into_async(self) -> #builder<'a, Raise> {
                let template = self;
                #builder {
                    phala: template.phala.into_mode(),
                    #(#kept,)*
                }
            }
        }
    }
}

/// The doc of `pages()` on both clients.
fn pages_doc(paged: &Paged) -> String {
    let position = &paged.position;
    let first = first_position(paged);
    format!(
        "Every page of this list from the builder's `{position}` on (default {first}), \
         keeping its other parameters; stops after an empty or short page or once \
         `total` is reached. See [`crate::paging`]."
    )
}

/// Where paging starts when the builder does not say: offset 0, or page 1.
fn first_position(paged: &Paged) -> i64 {
    if paged.offset {
        0
    } else {
        1
    }
}

/// `pages()` and `items()` on the async client: each page's request is a
/// copy of the builder with the position set.
fn async_pages(b: &Bound, builder: &Ident, paged: &Paged, pages_doc: &str) -> TokenStream {
    let Paged {
        page_type,
        position,
        size,
        offset,
        items,
        ..
    } = paged;
    let moved = b.fields.iter().map(|f| {
        let ident = &f.ident;
        if ident == position {
            quote!(#ident: ::std::option::Option::Some(at))
        } else {
            // Through a generic function: some fields are `Copy`, and
            // `.clone()` on those is a lint.
            quote!(#ident: crate::paging::duplicate(&template.#ident))
        }
    });
    let step = if *offset {
        quote!(crate::paging::Step::Offset)
    } else {
        quote!(crate::paging::Step::Number)
    };
    let start = proc_macro2::Literal::i64_unsuffixed(first_position(paged));
    let items_doc = items_doc(items.as_ref(), "");
    let items_async = items.is_some().then(|| {
        quote! {
            #[doc = #items_doc]
            pub fn items(self) -> crate::paging::Items<'a, <types::#page_type as crate::paging::PageItems>::Item> {
                self.pages().items()
            }
        }
    });
    quote! {
        impl<'a> #builder<'a, Raise> {
            #[doc = #pages_doc]
            pub fn pages(self) -> crate::paging::Pages<'a, types::#page_type> {
                let start = self.#position.unwrap_or(#start);
                let size = self.#size;
                let template = self;
                crate::paging::Pages::new(
                    start,
                    size,
                    #step,
                    ::std::boxed::Box::new(move |at| {
                        let next: #builder<'a, Raise> = #builder {
                            phala: template.phala.clone(),
                            #(#moved,)*
                        };
                        ::std::boxed::Box::pin(next.execute())
                    }),
                )
            }

            #items_async
        }
    }
}

/// `pages()` and `items()` on the blocking client: the async ones, as
/// iterators.
fn blocking_pages(builder: &Ident, paged: &Paged, pages_doc: &str) -> TokenStream {
    let page_type = &paged.page_type;
    let items_doc = items_doc(paged.items.as_ref(), ", as an iterator");
    let items_blocking = paged.items.is_some().then(|| {
        quote! {
            #[doc = #items_doc]
            pub fn items(self) -> crate::blocking::Iter<'a, <types::#page_type as crate::paging::PageItems>::Item> {
                let client = self.phala.client();
                self.into_async().pages().items().blocking(client)
            }
        }
    });
    quote! {
        impl<'a> #builder<'a, Blocking> {
            #[doc = #pages_doc]
            pub fn pages(self) -> crate::blocking::Iter<'a, types::#page_type> {
                let client = self.phala.client();
                self.into_async().pages().blocking(client)
            }

            #items_blocking
        }
    }
}

/// The doc of `items()`: what each item is, when the versions differ.
fn items_doc(items: Option<&Items>, form: &str) -> String {
    match items {
        Some(Items::Union(u)) => format!(
            "Every item of this list, across its pages{form}, each a [`{0}`](crate::types::{0}): \
             the item of whichever API version's shape its page has. See [`Self::pages`].",
            u.name
        ),
        _ => format!("Every item of this list, across its pages{form}; see [`Self::pages`]."),
    }
}
