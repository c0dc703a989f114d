//! Splits typify's single `types` module into files a reviewer can diff:
//! one file per initial letter of the type name, each type's impls beside it.
//! On the way, every field gets the spec's facts in its docs, the request
//! models are rewritten to be built ([`super::requests`]), and unions of
//! models get accessors ([`super::accessors`]).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::requests;
use crate::error::Result;
use crate::ident::ident;
use crate::ir::facts::{FieldFacts, ModelFacts, RustType};
use crate::syn_ext::{mentioned, serde_keys, serde_rename};

/// `types/mod.rs` contents and the letter files, keyed by file stem.
pub struct TypeFiles {
    pub module: TokenStream,
    /// File stem -> its items, parsed once (by progenitor's stage).
    pub files: BTreeMap<String, Vec<syn::Item>>,
}

/// Splits typify's `items` into letter files: request models rewritten,
/// every model documented with its `facts`, union accessors added.
pub fn split(
    items: Vec<syn::Item>,
    facts: &ModelFacts,
    request_roots: &BTreeSet<String>,
    versions: &super::Versions<'_>,
) -> Result<TypeFiles> {
    let local = local_names(&items);
    let requests = request_models(&items, &local, request_roots);
    let mut items = without_rewritten_defaults(items, &requests);
    let mut extra = rewrite_and_document(&mut items, facts, &requests, versions);
    extra.extend(super::accessors::unions(&items, versions));
    items.extend(extra);
    prune_defaults(&mut items);
    let (mut files, shared) = by_letter(items, &local);
    let stems = files.keys().map(|k| ident(k)).collect::<Result<Vec<_>>>()?;
    let module = quote! {
        #(
            #[allow(missing_docs, clippy::derivable_impls, clippy::large_enum_variant)]
            mod #stems;
            pub use #stems::*;
        )*
        #(#shared)*
    };
    open_to_siblings(&mut files, &shared, &local);
    Ok(TypeFiles { module, files })
}

/// The names of the types typify wrote (structs, enums, aliases).
pub(super) fn local_names(items: &[syn::Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// `items` without typify's `Default` impls of the request structs: the
/// rewrite gives those a `new` instead ([`requests::is_default_impl`]).
fn without_rewritten_defaults(
    items: Vec<syn::Item>,
    requests: &BTreeSet<String>,
) -> Vec<syn::Item> {
    let rewritten: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if requests.contains(&s.ident.to_string()) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    items
        .into_iter()
        .filter(|i| {
            !rewritten
                .iter()
                .any(|name| requests::is_default_impl(i, name))
        })
        .collect()
}

/// Rewrites the request structs among `items` and fills every model's
/// docs; returns the items the rewrite adds (the `impl` blocks with `new`
/// and the setters). Literals of a wrapped field's type are wrapped after,
/// across all `items`, since any model's defaults may name one.
fn rewrite_and_document(
    items: &mut [syn::Item],
    facts: &ModelFacts,
    requests: &BTreeSet<String>,
    versions: &super::Versions<'_>,
) -> Vec<syn::Item> {
    let string_newtypes = string_newtypes(items);
    let mut extra = Vec::new();
    let mut wrapped = BTreeMap::new();
    for item in items.iter_mut() {
        let name = match &*item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            _ => continue,
        };
        let is_request = requests.contains(&name);
        if let syn::Item::Struct(s) = item {
            if is_request {
                if let Some(r) = requests::rewrite(s, facts.get(&name), &string_newtypes) {
                    extra.push(r.methods);
                    wrapped.insert(name.clone(), r.wrapped);
                }
            }
        }
        let open = versions.plan.enums.get(&name);
        fill_docs(item, facts.get(&name), is_request, open);
    }
    let mut wrap = requests::WrapLiterals(&wrapped);
    for item in items.iter_mut() {
        syn::visit_mut::VisitMut::visit_item_mut(&mut wrap, item);
    }
    extra
}

/// The structs that are a newtype around `String`.
fn string_newtypes(items: &[syn::Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) if crate::syn_ext::is_string_newtype(s) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The letter files (by the lowercased first letter of the type each item
/// belongs to) and the items that belong to no one type (`shared`, such as
/// the `defaults` and `error` modules), which stay in `types/mod.rs`.
fn by_letter(
    items: Vec<syn::Item>,
    local: &BTreeSet<String>,
) -> (BTreeMap<String, Vec<syn::Item>>, Vec<syn::Item>) {
    let mut shared = Vec::new();
    let mut files: BTreeMap<String, Vec<syn::Item>> = BTreeMap::new();
    for mut item in items {
        if let syn::Item::Struct(s) = &mut item {
            widen_private_fields(s);
        }
        match owner(&item, local) {
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
    (files, shared)
}

/// Starts each letter file that uses a name from another file or a module
/// of `types` itself (`shared`: `defaults`, `error`) with `use super::*;`.
/// A file whose types name only their own and std's would leave it unused.
fn open_to_siblings(
    files: &mut BTreeMap<String, Vec<syn::Item>>,
    shared: &[syn::Item],
    local: &BTreeSet<String>,
) {
    let modules: BTreeSet<String> = shared
        .iter()
        .filter_map(|i| match i {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect();
    for items in files.values_mut() {
        let own: BTreeSet<String> = items.iter().filter_map(|i| owner(i, local)).collect();
        let mut uses = Uses::default();
        for item in items.iter_mut() {
            syn::visit_mut::VisitMut::visit_item_mut(&mut uses, item);
        }
        let sibling = uses
            .names
            .iter()
            .any(|n| local.contains(n) && !own.contains(n));
        if sibling || !uses.modules.is_disjoint(&modules) {
            items.insert(0, super::glob_import());
        }
    }
}

/// The names code looks up in its scope: the head of every path (past
/// `self::`), including the paths serde attributes name in strings
/// (`default = "defaults::f"`, code the derive writes), and every
/// identifier in a macro call. `modules` keeps the heads that a path goes
/// on past, the only ones that can be a module (a local variable or field
/// is never one).
#[derive(Default)]
struct Uses {
    names: BTreeSet<String>,
    modules: BTreeSet<String>,
}

impl Uses {
    fn path(&mut self, path: &syn::Path) {
        if path.leading_colon.is_some() {
            return;
        }
        let idents: Vec<&syn::Ident> = path.segments.iter().map(|s| &s.ident).collect();
        let idents = match idents.split_first() {
            Some((first, rest)) if *first == "self" => rest,
            _ => &idents[..],
        };
        if let Some(head) = idents.first() {
            self.names.insert(head.to_string());
            if idents.len() > 1 {
                self.modules.insert(head.to_string());
            }
        }
    }
}

impl syn::visit_mut::VisitMut for Uses {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.path(path);
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        for (_, value) in serde_keys(std::slice::from_ref(attr)) {
            if let Some(path) = value.and_then(|v| syn::parse_str::<syn::Path>(&v).ok()) {
                self.path(&path);
            }
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mentioned(mac.tokens.clone(), &mut self.names);
    }
}

/// The local types reachable from `roots` (the types operations take)
/// through struct fields, enum payloads and newtypes.
fn request_models(
    items: &[syn::Item],
    local: &BTreeSet<String>,
    roots: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        let (name, tokens) = match item {
            syn::Item::Struct(s) => {
                let fields = s.fields.iter().map(|f| &f.ty);
                (s.ident.to_string(), quote!(#(#fields)*))
            }
            syn::Item::Enum(e) => {
                let fields = e
                    .variants
                    .iter()
                    .flat_map(|v| v.fields.iter().map(|f| &f.ty));
                (e.ident.to_string(), quote!(#(#fields)*))
            }
            syn::Item::Type(t) => {
                let ty = &t.ty;
                (t.ident.to_string(), quote!(#ty))
            }
            _ => continue,
        };
        let mut found = BTreeSet::new();
        all_local(tokens, local, &mut found);
        edges.entry(name).or_default().extend(found);
    }
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots
        .iter()
        .filter(|r| local.contains(*r))
        .cloned()
        .collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        stack.extend(edges.get(&name).into_iter().flatten().cloned());
    }
    seen
}

fn all_local(tokens: TokenStream, local: &BTreeSet<String>, found: &mut BTreeSet<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) if local.contains(&i.to_string()) => {
                found.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => all_local(g.stream(), local, found),
            _ => {}
        }
    }
}

/// typify's `defaults` module holds one function per spec default; the
/// request models no longer call theirs, and an unused one would warn.
fn prune_defaults(items: &mut [syn::Item]) {
    let mut used = BTreeSet::new();
    for item in items.iter() {
        if !matches!(item, syn::Item::Mod(m) if m.ident == "defaults") {
            defaults_named(quote!(#item), &mut used);
        }
    }
    for item in items.iter_mut() {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "defaults" {
            continue;
        }
        if let Some((_, content)) = &mut m.content {
            content.retain(|i| match i {
                syn::Item::Fn(f) => used.contains(&f.sig.ident.to_string()),
                _ => true,
            });
        }
    }
}

/// The `defaults` functions `tokens` names: called in code
/// (`defaults :: f`) or named in a serde attribute's string
/// (`"defaults::f"`). One walk over the tokens (a search of the printed
/// text per function took 12% of a large spec's generation).
fn defaults_named(tokens: TokenStream, used: &mut BTreeSet<String>) {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(module) if module == "defaults" => {
                if let [TokenTree::Punct(a), TokenTree::Punct(b), TokenTree::Ident(name), ..] =
                    &trees[i + 1..]
                {
                    if a.as_char() == ':' && b.as_char() == ':' {
                        used.insert(name.to_string());
                    }
                }
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                for (at, prefix) in text.match_indices("defaults::") {
                    let rest = &text[at + prefix.len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    used.insert(name);
                }
            }
            TokenTree::Group(group) => defaults_named(group.stream(), used),
            _ => {}
        }
    }
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

/// Every field gets the spec's facts about it (default, bounds, example),
/// and a variant the spec does not describe gets the value it stands for.
/// A doc that would only restate the Rust type is left out: a field the
/// spec neither describes nor constrains has none.
/// An open enum's variants lost their `#[serde(rename)]` to its macro;
/// `open` gives their values back.
fn fill_docs(
    item: &mut syn::Item,
    facts: Option<&BTreeMap<String, FieldFacts>>,
    request: bool,
    open: Option<&super::evolve::OpenEnum>,
) {
    let undocumented = |attrs: &[syn::Attribute]| !attrs.iter().any(|a| a.path().is_ident("doc"));
    match item {
        syn::Item::Struct(s) => {
            for field in s.fields.iter_mut() {
                let wire = crate::syn_ext::wire_name(field);
                let lines = match facts.and_then(|f| f.get(&wire)) {
                    Some(f) => f.doc(!undocumented(&field.attrs), request, &rust_type(&field.ty)),
                    None => Vec::new(),
                };
                // Right after the spec's description, a blank line between.
                let mut at = field
                    .attrs
                    .iter()
                    .rposition(|a| a.path().is_ident("doc"))
                    .map_or(0, |i| i + 1);
                if !lines.is_empty() && !undocumented(&field.attrs) {
                    field.attrs.insert(at, syn::parse_quote!(#[doc = ""]));
                    at += 1;
                }
                for (i, line) in lines.iter().enumerate() {
                    field
                        .attrs
                        .insert(at + i, syn::parse_quote!(#[doc = #line]));
                }
            }
        }
        syn::Item::Enum(e) => {
            // Looked up by name: an enum may have 100,000 variants.
            let open_values: BTreeMap<String, &String> = open
                .iter()
                .flat_map(|o| o.values.iter())
                .map(|(v, wire)| (v.to_string(), wire))
                .collect();
            for variant in e.variants.iter_mut() {
                if undocumented(&variant.attrs) {
                    let wire = serde_rename(&variant.attrs).or_else(|| {
                        open_values
                            .get(&variant.ident.to_string())
                            .map(|w| (*w).clone())
                    });
                    let doc = match (wire, &variant.fields) {
                        (Some(wire), _) => Some(format!("The value `{wire:?}`.")),
                        // A case holding one value is named after its type.
                        (None, syn::Fields::Unnamed(f)) if f.unnamed.len() == 1 => None,
                        (None, _) => Some(format!("The `{}` case.", variant.ident)),
                    };
                    if let Some(doc) = doc {
                        variant.attrs.insert(0, crate::syn_ext::doc_attr(&doc));
                    }
                }
            }
        }
        _ => {}
    }
}

/// What a field's type tells a reader: whether it is an `Option`, and the
/// name of the type inside any `Option`, `Vec` or `Box`.
fn rust_type(ty: &syn::Type) -> RustType {
    let last = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().cloned(),
        _ => None,
    };
    let option = last(ty).is_some_and(|s| s.ident == "Option");
    let mut ty = ty.clone();
    while let Some(segment) = last(&ty) {
        let inner = match &segment.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.first(),
            _ => None,
        };
        match inner {
            Some(syn::GenericArgument::Type(inner))
                if matches!(segment.ident.to_string().as_str(), "Option" | "Vec" | "Box") =>
            {
                ty = inner.clone();
            }
            _ => {
                return RustType {
                    option,
                    inner: segment.ident.to_string(),
                }
            }
        }
    }
    RustType {
        option,
        inner: String::new(),
    }
}

/// The type an item belongs to: its own name, or for an impl the first
/// local type it names (`impl From<Foo> for String` belongs to `Foo`, since
/// it reads `Foo`'s private field and must sit in `Foo`'s module), or for a
/// macro call (`open_enum! { Foo { .. } }`) the type it is about.
fn owner(item: &syn::Item, local: &BTreeSet<String>) -> Option<String> {
    match item {
        syn::Item::Macro(m) => first_local(m.mac.tokens.clone(), local),
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
