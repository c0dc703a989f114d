//! The runtime's public API, as the change report compares it: every public
//! item of the hand-written runtime files a crate ships, with its
//! signature, so that a method the runtime gains (`ApiError::body_as`) or
//! loses shows in the changelog like a change of the generated part.
//!
//! An item counts when a caller can name it: its module is public at the
//! crate root, or the crate root re-exports it (`pub use`), or it belongs
//! to such a type (its methods and trait impls). Signatures are the
//! item's tokens without attributes and bodies; a change of them is
//! reported as a change of the item. Items a `macro_rules!` writes are not
//! seen (syn does not expand macros).

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;

/// `module::Item` (`module::Type::method`, `module::Type: Trait`) -> its
/// signature, for each public item of `files` (module name, Rust source)
/// that the crate root's `exports` make reachable, with `brand` applied to
/// names and signatures (the runtime is written for the Phala client). A
/// file that does not parse adds nothing.
pub fn read(
    exports: &BTreeSet<String>,
    files: &[(String, &'static str)],
    brand: &dyn Fn(&str) -> String,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (module, source) in files {
        for (name, key, signature) in parsed(source).iter() {
            let name = brand(name);
            if exports.contains(module) || exports.contains(&name) {
                out.insert(format!("{module}::{}", brand(key)), brand(signature));
            }
        }
    }
    out
}

/// The signatures of one runtime file, parsed once per process: the files
/// are the generator's own, and syn took an eighth of a small spec's run
/// when every generation parsed them again.
fn parsed(source: &'static str) -> std::sync::Arc<Vec<(String, String, String)>> {
    type Parsed = std::sync::Arc<Vec<(String, String, String)>>;
    static CACHE: std::sync::OnceLock<std::sync::Mutex<BTreeMap<usize, Parsed>>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = source.as_ptr() as usize;
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return found;
    }
    let items: Vec<(String, String, String)> = syn::parse_file(source)
        .map(|file| file.items.iter().flat_map(signatures).collect())
        .unwrap_or_default();
    let items = std::sync::Arc::new(items);
    if let Ok(mut c) = cache.lock() {
        c.insert(key, items.clone());
    }
    items
}

/// `(name the root would export, key, signature)` for a public item, or for
/// each public method and the trait of an `impl` block.
fn signatures(item: &syn::Item) -> Vec<(String, String, String)> {
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    let one =
        |ident: &syn::Ident, tokens: String| vec![(ident.to_string(), ident.to_string(), tokens)];
    match item.clone() {
        syn::Item::Fn(f) if public(&f.vis) => one(&f.sig.ident, text(&f.sig)),
        syn::Item::Struct(mut s) if public(&s.vis) => {
            s.attrs.clear();
            s.fields = public_fields(s.fields);
            one(&s.ident, text(&s))
        }
        syn::Item::Enum(mut e) if public(&e.vis) => {
            e.attrs.clear();
            for v in &mut e.variants {
                v.attrs.clear();
                v.fields.iter_mut().for_each(|f| f.attrs.clear());
            }
            one(&e.ident, text(&e))
        }
        syn::Item::Trait(mut t) if public(&t.vis) => {
            t.attrs.clear();
            for member in &mut t.items {
                if let syn::TraitItem::Fn(f) = member {
                    f.attrs.clear();
                    f.default = None;
                }
            }
            one(&t.ident, text(&t))
        }
        syn::Item::Type(mut t) if public(&t.vis) => {
            t.attrs.clear();
            one(&t.ident, text(&t))
        }
        syn::Item::Const(mut c) if public(&c.vis) => {
            c.attrs.clear();
            one(&c.ident, text(&c.ty))
        }
        syn::Item::Impl(i) => impl_signatures(&i),
        _ => Vec::new(),
    }
}

/// An `impl` block's public methods (inherent) or the trait it implements.
fn impl_signatures(block: &syn::ItemImpl) -> Vec<(String, String, String)> {
    let syn::Type::Path(ty) = &*block.self_ty else {
        return Vec::new();
    };
    let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
        return Vec::new();
    };
    let generics = if block.generics.params.is_empty() {
        String::new()
    } else {
        format!("{} ", text(&block.generics))
    };
    if let Some((_, tr, _)) = &block.trait_ {
        let key = format!("{name}: {}", text(tr));
        let signature = format!("impl {generics}{} for {}", text(tr), text(&block.self_ty));
        return vec![(name, key, signature)];
    }
    block
        .items
        .iter()
        .filter_map(|member| match member {
            syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => Some((
                name.clone(),
                format!("{name}::{}", f.sig.ident),
                format!("impl {generics}{}: {}", text(&block.self_ty), text(&f.sig)),
            )),
            _ => None,
        })
        .collect()
}

fn public_fields(fields: syn::Fields) -> syn::Fields {
    let keep = |f: &syn::Field| matches!(f.vis, syn::Visibility::Public(_));
    match fields {
        syn::Fields::Named(mut named) => {
            named.named = named.named.into_iter().filter(keep).map(bare).collect();
            syn::Fields::Named(named)
        }
        syn::Fields::Unnamed(mut unnamed) => {
            unnamed.unnamed = unnamed.unnamed.into_iter().filter(keep).map(bare).collect();
            syn::Fields::Unnamed(unnamed)
        }
        syn::Fields::Unit => syn::Fields::Unit,
    }
}

fn bare(mut field: syn::Field) -> syn::Field {
    field.attrs.clear();
    field
}

fn text(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reachable_public_items_with_their_signatures() {
        let source = r#"
            /// Docs do not count.
            pub struct Shown { pub a: u8, hidden: u8 }
            struct Private;
            pub(crate) fn internal() {}
            impl Shown {
                /// Neither do bodies.
                pub fn get(&self) -> u8 { self.a }
                fn helper(&self) {}
            }
            impl std::fmt::Display for Shown {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) }
            }
        "#;
        let files = vec![
            ("open".to_owned(), source),
            ("closed".to_owned(), "pub struct Unnamed; pub struct Shown;"),
        ];
        let exports: BTreeSet<String> = ["open", "Shown"].map(str::to_owned).into();
        let api = read(&exports, &files, &|s: &str| s.to_owned());
        let keys: Vec<&str> = api.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "closed::Shown",
                "open::Shown",
                "open::Shown: std :: fmt :: Display",
                "open::Shown::get"
            ]
        );
        assert_eq!(api["open::Shown"], "pub struct Shown { pub a : u8 }");
        assert_eq!(api["open::Shown::get"], "impl Shown: fn get (& self) -> u8");
    }
}
