//! typify's string impls, parsed only if they stay.
//!
//! typify gives a string enum of n values `Display` and `FromStr` impls of
//! n match arms each, and an open enum ([`crate::emit::evolve`]) drops both
//! for the runtime's macro. Parsing those arms into syntax trees was most of
//! a run for a big enum: 3.3 s and 550 MB of 7.2 s and 840 MB for 100,000
//! values. So the body of each impl of `Display`, `FromStr` or `TryFrom` in
//! progenitor's `types` module is taken out of the tokens before syn sees
//! them ([`hollow`]); the impl is parsed with its header only (the trait and
//! the type, which is all that deciding its fate reads), gets its body back
//! as one `ImplItem::Verbatim` ([`restore`]), and the impls that remain are
//! parsed whole once the open enums have dropped theirs ([`parse_bodies`]).

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};

/// The traits whose impls wait: those an open enum replaces.
const DEFERRED: [&str; 3] = ["Display", "FromStr", "TryFrom"];

/// progenitor's output with the body of every [`DEFERRED`] impl at the top
/// of its `types` module emptied, and those bodies in order.
pub fn hollow(tokens: TokenStream) -> (TokenStream, Vec<TokenStream>) {
    let mut bodies = Vec::new();
    let mut out = Vec::new();
    let mut trees = tokens.into_iter();
    while let Some(tree) = trees.next() {
        let is_mod = matches!(&tree, TokenTree::Ident(i) if i == "mod");
        out.push(tree);
        if !is_mod {
            continue;
        }
        let Some(name) = trees.next() else { break };
        let is_types = matches!(&name, TokenTree::Ident(i) if i == "types");
        out.push(name);
        match trees.next() {
            Some(TokenTree::Group(g)) if is_types && g.delimiter() == Delimiter::Brace => {
                let mut hollowed = Group::new(Delimiter::Brace, items(g.stream(), &mut bodies));
                hollowed.set_span(g.span());
                out.push(TokenTree::Group(hollowed));
            }
            Some(other) => out.push(other),
            None => break,
        }
    }
    (out.into_iter().collect(), bodies)
}

/// The items of a module's body, [`DEFERRED`] impls emptied. An item
/// starts where the one before ended, after a `;` or a `{ .. }` body, and
/// may have attributes (`#[..]`) first; an impl's header holds no braces
/// in typify's output, so its body is its first brace group.
fn items(stream: TokenStream, bodies: &mut Vec<TokenStream>) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    let mut trees = stream.into_iter();
    let mut at_start = true;
    while let Some(tree) = trees.next() {
        match &tree {
            TokenTree::Ident(i) if at_start && i == "impl" => {
                let mut header = vec![tree];
                let body = loop {
                    match trees.next() {
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                            break Some(g)
                        }
                        Some(other) => header.push(other),
                        None => break None,
                    }
                };
                let header: TokenStream = header.into_iter().collect();
                let deferred = is_deferred(&header);
                out.extend(header);
                if let Some(g) = body {
                    if deferred {
                        bodies.push(g.stream());
                        let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
                        empty.set_span(g.span());
                        out.push(TokenTree::Group(empty));
                    } else {
                        out.push(TokenTree::Group(g));
                    }
                }
                continue;
            }
            // An attribute leaves the item where it starts.
            TokenTree::Punct(p) if p.as_char() == '#' || p.as_char() == '!' => {}
            TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {}
            TokenTree::Punct(p) if p.as_char() == ';' => at_start = true,
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => at_start = true,
            _ => at_start = false,
        }
        out.push(tree);
    }
    out.into_iter().collect()
}

/// Whether `header` (`impl .. for ..`) implements a [`DEFERRED`] trait.
fn is_deferred(header: &TokenStream) -> bool {
    syn::parse2::<syn::ItemImpl>(quote::quote!(#header {})).is_ok_and(|imp| deferred_trait(&imp))
}

fn deferred_trait(imp: &syn::ItemImpl) -> bool {
    imp.trait_.as_ref().is_some_and(|(_, path, _)| {
        path.segments
            .last()
            .is_some_and(|s| DEFERRED.iter().any(|t| s.ident == t))
    })
}

/// Gives each emptied impl among `items` its body from `bodies`, in order,
/// as tokens. Returns false if they do not pair up.
pub fn restore(items: &mut [syn::Item], bodies: Vec<TokenStream>) -> bool {
    let mut bodies = bodies.into_iter();
    for item in items.iter_mut() {
        let syn::Item::Impl(imp) = item else {
            continue;
        };
        if imp.items.is_empty() && deferred_trait(imp) {
            let Some(body) = bodies.next() else {
                return false;
            };
            imp.items = vec![syn::ImplItem::Verbatim(body)];
        }
    }
    bodies.next().is_none()
}

/// Parses the body of every impl [`restore`] left as tokens among `items`,
/// then lets `rewrite` do to it what the rest of the file had done.
pub fn parse_bodies(
    items: &mut [syn::Item],
    mut rewrite: impl FnMut(&mut syn::File),
) -> syn::Result<()> {
    let body = |input: ParseStream| -> syn::Result<Vec<syn::ImplItem>> {
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse()?);
        }
        Ok(items)
    };
    for item in items.iter_mut() {
        let syn::Item::Impl(imp) = item else {
            continue;
        };
        let tokens = match imp.items.as_mut_slice() {
            [syn::ImplItem::Verbatim(tokens)] => std::mem::take(tokens),
            _ => continue,
        };
        imp.items = body.parse2(tokens)?;
        let mut file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![std::mem::replace(
                item,
                syn::Item::Verbatim(TokenStream::new()),
            )],
        };
        rewrite(&mut file);
        if let Some(rewritten) = file.items.pop() {
            *item = rewritten;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn progenitor_like() -> TokenStream {
        quote! {
            pub mod types {
                #[derive(Clone, Copy)]
                pub enum Big { #[serde(rename = "a")] A, B }
                impl ::std::fmt::Display for Big {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self { Self::A => f.write_str("a"), Self::B => f.write_str("b") }
                    }
                }
                impl Big { pub fn first() -> Self { Self::A } }
                impl ::std::convert::TryFrom<&str> for Big {
                    type Error = String;
                    fn try_from(value: &str) -> Result<Self, String> { value.parse() }
                }
                pub struct Unit;
                impl ::std::str::FromStr for Unit {
                    type Err = String;
                    fn from_str(_: &str) -> Result<Self, String> { Ok(Self) }
                }
            }
            pub struct Client { x: u8 }
            impl ::std::fmt::Display for Client {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) }
            }
        }
    }

    fn types_of(file: syn::File) -> Vec<syn::Item> {
        file.items
            .into_iter()
            .find_map(|i| match i {
                syn::Item::Mod(m) if m.ident == "types" => m.content.map(|(_, items)| items),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn the_string_impls_of_the_models_wait_and_come_back_whole() {
        let (tokens, bodies) = hollow(progenitor_like());
        assert_eq!(bodies.len(), 3, "Display, TryFrom, FromStr of the models");
        let file: syn::File = syn::parse2(tokens).unwrap();
        // The client's own impl is outside `types`, so it is parsed whole.
        assert!(file
            .items
            .iter()
            .any(|i| matches!(i, syn::Item::Impl(imp) if imp.items.len() == 1
                && matches!(imp.items[0], syn::ImplItem::Fn(_)))));
        let mut items = types_of(file);
        assert!(restore(&mut items, bodies));
        let mut rewritten = 0;
        parse_bodies(&mut items, |_| rewritten += 1).unwrap();
        assert_eq!(rewritten, 3);
        let whole = types_of(syn::parse2(progenitor_like()).unwrap());
        assert_eq!(
            quote!(#(#items)*).to_string(),
            quote!(#(#whole)*).to_string()
        );
    }

    #[test]
    fn bodies_that_do_not_pair_up_are_refused() {
        let (tokens, mut bodies) = hollow(progenitor_like());
        bodies.pop();
        let mut items = types_of(syn::parse2(tokens).unwrap());
        assert!(!restore(&mut items, bodies));
    }
}
