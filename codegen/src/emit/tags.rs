//! `src/tags.rs`: the operations by API tag, one doc-only module (one page
//! of the docs) per tag, each a table of its operations linking to the
//! client methods. Every operation is on exactly one page: its group's.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;
use crate::ident::ident;
use crate::inputs::names::ClientNames;
use crate::ir::{Api, Operation};
use crate::render::markdown_cell;

pub fn emit(api: &Api, names: &ClientNames) -> Result<TokenStream> {
    let client = &names.client;
    let mut by_group: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        by_group.entry(op.group.as_str()).or_default().push(op);
    }
    let mut index = format!(
        "The operations by API tag: one page per tag, listing each operation's method, \
         request and summary.\n\n\
         Every method is on [`crate::{client}`] (one `impl` block per tag), with a `safe_` \
         twin, and on [`crate::blocking::{client}`].\n\n\
         | tag | operations |\n|---|---:|\n",
    );
    let mut pages = Vec::new();
    for (group, ops) in &by_group {
        let tag = api.groups.get(*group).map_or(*group, |g| g.tag.as_str());
        index.push_str(&format!(
            "| [{}](crate::tags::{group}) | {} |\n",
            markdown_cell(tag),
            ops.len()
        ));
        let mut doc = format!("# {tag}\n\n");
        if let Some(text) = api
            .groups
            .get(*group)
            .and_then(|g| g.description.as_deref())
        {
            doc.push_str(&format!("{}\n\n", text.trim()));
        }
        doc.push_str(&format!(
            "{} tagged `{tag}`. Each method starts a request builder; \
             its `safe_` twin and the blocking client's method of the same name take \
             the same arguments.\n\n| method | request | summary |\n|---|---|---|\n",
            operations(ops.len())
        ));
        for op in ops {
            let summary = op
                .summary
                .as_deref()
                .or_else(|| op.description.as_deref().and_then(|d| d.lines().next()))
                .unwrap_or("");
            let deprecated = if op.deprecated { " (deprecated)" } else { "" };
            doc.push_str(&format!(
                "| [`{name}`](crate::{client}::{name}) | `{} {}` | {}{deprecated} |\n",
                op.http_method,
                op.path,
                markdown_cell(summary),
                name = op.name,
            ));
        }
        doc.push_str(&tag_example(ops, names));
        let module = ident(group)?;
        pages.push(quote! {
            #[doc = #doc]
            pub mod #module {}
        });
    }
    Ok(quote! {
        #![doc = #index]
        #(#pages)*
    })
}

/// The first example (`[method_examples]`) among a tag's operations, as a
/// section of its page; empty when none of them has one.
fn tag_example(ops: &[&Operation], names: &ClientNames) -> String {
    // The heading names the method without a link: the table above holds
    // the page's one link to each method.
    ops.iter()
        .find_map(|op| {
            let block = crate::emit::docs::example_block(op, names)?;
            Some(format!("\n## Example: `{}`\n\n{block}\n", op.name))
        })
        .unwrap_or_default()
}

/// "The operation" or "The N operations".
pub fn operations(n: usize) -> String {
    match n {
        1 => "The operation".to_owned(),
        n => format!("The {n} operations"),
    }
}
