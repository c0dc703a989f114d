//! Stage 4: turn the IR and progenitor's output into the files of the
//! generated crate.

mod accessors;
pub mod brand;
mod builder;
mod docs;
mod error_codes;
pub mod evolve;
pub mod examples;
mod extras;
pub mod files;
pub mod guide;
pub mod item_union;
pub mod krate;
mod manifest;
mod multipart;
mod operations;
pub mod paging;
mod raw;
mod readme;
pub mod requests;
mod runtime;
#[cfg(test)]
mod styles_table;
mod tags;
mod template;
mod types;
mod unions;

use std::collections::BTreeMap;

/// What the union accessors need to know about API versions.
pub struct Versions<'a> {
    /// Model type name -> the API version it belongs to.
    pub of_models: &'a BTreeMap<String, String>,
    /// Every version the client accepts.
    pub supported: &'a [String],
    /// Which unions are open, with their fallback variants.
    pub plan: &'a evolve::Plan,
}

/// `use super::*;`, which opens each file of a split module (a types
/// letter, a raw group) to its siblings.
fn glob_import() -> syn::Item {
    syn::parse_quote! {
        use super::*;
    }
}
