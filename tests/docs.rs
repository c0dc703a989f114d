//! The crate's docs as a user navigates them (issue 19): one page per API
//! tag listing every operation exactly once, and on the client's page one
//! `impl` block per tag, each under its heading.

mod common;

use std::path::PathBuf;

fn generated(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("generated")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_operation_is_on_exactly_one_tag_page() {
    let tags = generated("src/tags.rs");
    // Each page is a `pub mod` whose docs precede it.
    let pages: Vec<&str> = tags.split("pub mod ").skip(1).collect();
    assert!(pages.len() >= 10, "{} tag pages", pages.len());
    let mut seen = std::collections::BTreeMap::new();
    for name in phala_cloud::operations::OPERATIONS {
        let link = format!("(crate::PhalaCloud::{name})");
        let count = tags.matches(&link).count();
        assert_eq!(count, 1, "`{name}` is on {count} tag pages");
        let page = tags[..tags.find(&link).unwrap()]
            .matches("pub mod ")
            .count();
        seen.insert(*name, page);
    }
    assert_eq!(seen.len(), phala_cloud::operations::OPERATIONS.len());
    // The cvms page lists get_cvm_info with its request.
    let cvms = tags.split("pub mod cvms").next().unwrap();
    let page = &cvms[cvms.rfind("pub mod ").unwrap_or(0)..];
    assert!(page.contains("# CVMs"), "{page}");
    assert!(
        page.contains(
            "[`get_cvm_info`](crate::PhalaCloud::get_cvm_info) | `GET /api/v1/cvms/{cvm_id}`"
        ),
        "{page}"
    );
}

#[test]
fn the_client_has_one_impl_block_per_tag() {
    let files = common::tag_files();
    for (path, text) in &files {
        for block in ["impl PhalaCloud {", "impl blocking::PhalaCloud {"] {
            assert_eq!(
                text.matches(block).count(),
                1,
                "{}: {block}",
                path.display()
            );
        }
        let heading = text.split("impl PhalaCloud {").next().unwrap();
        let heading = &heading[heading.rfind("\n}\n").unwrap_or(0)..];
        assert!(heading.contains("# "), "{}: no heading doc", path.display());
    }
    assert!(files.len() >= 10, "{} tag files", files.len());
}

/// The docs of each method `[method_examples]` names show its example on the
/// async client (a doctest, compiled by `cargo test --doc`) and point to it
/// from the blocking one; no other method has one.
#[test]
fn the_configured_methods_show_their_examples() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = phala_codegen::Config::load(&root.join(phala_codegen::config::DEFAULT_CONFIG))
        .expect("the workspace config loads");
    assert!(
        config.method_examples.len() >= 8,
        "{:?}",
        config.method_examples.keys()
    );
    let (mut client, mut blocking) = (String::new(), String::new());
    for (_, text) in common::tag_files() {
        let (async_impl, blocking_impl) = common::client_impls(&text);
        client.push_str(async_impl);
        blocking.push_str(blocking_impl);
    }
    for (method, code) in &config.method_examples {
        let start = format!("    pub fn {method}(");
        let doc = doc_above(
            &client[..client
                .find(&start)
                .unwrap_or_else(|| panic!("no `{method}`"))],
        );
        let first = code.lines().next().unwrap();
        assert!(
            doc.contains("# Example\n\n```no_run\n") && doc.contains(first),
            "`{method}` lacks its example:\n{doc}"
        );
        assert!(
            blocking.contains(&format!("(crate::PhalaCloud::{method}) has an example.")),
            "blocking `{method}` does not point to the example"
        );
    }
    let shown = client
        .lines()
        .filter(|l| l.trim() == "/// # Example")
        .count();
    assert_eq!(shown, config.method_examples.len(), "examples shown");
}

/// The doc comment that ends `before` (the text up to an item), without
/// its `///` markers; attribute lines between it and the item are skipped.
fn doc_above(before: &str) -> String {
    let mut lines: Vec<&str> = before
        .lines()
        .rev()
        .map(str::trim_start)
        .skip_while(|l| l.is_empty() || l.starts_with("#["))
        .take_while(|l| l.starts_with("///"))
        .map(|l| {
            let text = l.trim_start_matches("///");
            text.strip_prefix(' ').unwrap_or(text)
        })
        .collect();
    lines.reverse();
    lines.join("\n")
}
