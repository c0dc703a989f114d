//! The crate's docs as a user navigates them (issue 19): one page per API
//! tag listing every operation exactly once, and on the client's page one
//! `impl` block per tag, each under its heading.

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

/// Each tag page shows an example (a doctest) of one of its methods.
#[test]
fn every_tag_page_has_an_example() {
    let tags = generated("src/tags.rs");
    // Each piece but the last ends with one page's docs (its `///` lines),
    // which end where its `pub mod` does.
    let pieces: Vec<&str> = tags.split("\npub mod ").collect();
    assert!(pieces.len() > 10, "{} tag pages", pieces.len() - 1);
    for piece in &pieces[..pieces.len() - 1] {
        let page: String = piece
            .lines()
            .filter(|l| l.starts_with("///"))
            .map(|l| format!("{l}\n"))
            .collect();
        let heading = page.lines().next().expect("a page heading");
        assert!(
            page.contains("/// ## Example: `") && page.contains("/// ```no_run"),
            "{heading}: no example"
        );
    }
}

#[test]
fn the_client_has_one_impl_block_per_tag() {
    let files = crate::common::tag_files();
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
    let config =
        phala_codegen::Config::load(&root.join(phala_codegen::inputs::config::DEFAULT_CONFIG))
            .expect("the workspace config loads");
    // The 30 methods a user calls most: the daily job (list, info,
    // provision, encrypt, commit, envs, start, stop, restart, delete, stats,
    // state) and at least one per tag.
    assert!(
        config.method_examples.len() >= 30,
        "{:?}",
        config.method_examples.keys()
    );
    for daily in [
        "get_cvm_list",
        "provision_cvm",
        "commit_cvm_provision",
        "restart_cvm",
        "delete_cvm",
        "get_cvm_stats",
        "get_cvm_state",
    ] {
        assert!(
            config.method_examples.contains_key(daily),
            "no example for {daily}"
        );
    }
    let (mut client, mut blocking) = (String::new(), String::new());
    for (_, text) in crate::common::tag_files() {
        let (async_impl, blocking_impl) = crate::common::client_impls(&text);
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

/// The models' modules allow `missing_docs`, for the fields the spec says
/// nothing of beyond their type (issue 29); every item there (struct, enum,
/// function, constant, module) still has docs.
#[test]
fn every_model_item_has_docs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("generated/src/types");
    let mut items = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
        let kinds = [
            "pub struct ",
            "pub enum ",
            "pub fn ",
            "pub type ",
            "pub const ",
            "pub mod ",
            "pub trait ",
        ];
        for (at, line) in lines.iter().enumerate() {
            if !kinds.iter().any(|k| line.starts_with(k)) {
                continue;
            }
            items += 1;
            // Up past the item's attributes, on one line or several.
            let mut above = at - 1;
            loop {
                if lines[above].starts_with("#[") {
                    above -= 1;
                } else if lines[above] == ")]" {
                    while !lines[above].starts_with("#[") {
                        above -= 1;
                    }
                    above -= 1;
                } else {
                    break;
                }
            }
            assert!(
                lines[above].starts_with("///"),
                "{}:{}: `{line}` has no docs",
                path.display(),
                at + 1
            );
        }
    }
    assert!(items > 1000, "{items} items");
}

/// The Markdown pages of this repository that link to each other: the
/// README and `docs/`.
fn repository_pages() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    pages.extend(markdown_files(&root.join("docs")));
    pages
}

fn markdown_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    found.sort();
    found
}

/// `text` without fenced code blocks and code spans (a span's backtick run
/// closes only on a run of the same length, and may cross lines).
fn prose(text: &str) -> String {
    let mut unfenced = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            unfenced.push('\n');
            continue;
        }
        if !fenced {
            unfenced.push_str(line);
        }
        unfenced.push('\n');
    }
    let mut out = String::new();
    let mut rest = unfenced.as_str();
    while let Some(at) = rest.find('`') {
        out.push_str(&rest[..at]);
        let run = rest[at..].len() - rest[at..].trim_start_matches('`').len();
        let fence = &rest[at..at + run];
        let after = &rest[at + run..];
        match after.find(fence) {
            Some(end) => rest = &after[end + run..],
            None => {
                out.push_str(fence);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The targets of the inline links `[text](target)` in `text`.
fn links(text: &str) -> Vec<String> {
    let prose = prose(text);
    let mut out = Vec::new();
    let mut rest = prose.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').expect("a link target ends with `)`");
        out.push(after[..end].trim().to_owned());
        rest = &after[end..];
    }
    out
}

/// The anchors of `text`'s headings, as GitHub and rustdoc make them.
fn anchors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#').trim();
        let slug: String = heading
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        out.push(slug);
    }
    out
}

/// `path` with its `..` and `.` resolved without the file system.
fn lexical(path: &std::path::Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Written separately from these pages; until it lands, a link to it is
/// not checked (once it exists, its anchors are).
const WRITTEN_ELSEWHERE: &[&str] = &["ARCHITECTURE.md"];

#[test]
fn links_between_the_repository_pages_resolve() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for page in repository_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for target in links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                page.clone()
            } else {
                lexical(&page.parent().unwrap().join(file))
            };
            let name = page.strip_prefix(&root).unwrap().display().to_string();
            if !path.exists() {
                let elsewhere = WRITTEN_ELSEWHERE
                    .iter()
                    .any(|w| path.ends_with(w) && path.parent() == Some(root.as_path()));
                assert!(elsewhere, "{name}: the link `{target}` leads nowhere");
                continue;
            }
            if let Some(anchor) = anchor {
                let linked = std::fs::read_to_string(&path).unwrap();
                assert!(
                    anchors(&linked).iter().any(|a| a == anchor),
                    "{name}: `{target}` names no heading of {}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} links checked");
}

/// The guide's pages are read on docs.rs, without this repository: their
/// links are URLs, anchors of their own headings, or intra-doc paths
/// (`crate::guide::errors`, whose anchor must be a heading of that page).
#[test]
fn the_guide_pages_link_only_to_the_crate_and_the_web() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config =
        phala_codegen::Config::load(&root.join(phala_codegen::inputs::config::DEFAULT_CONFIG))
            .expect("the config loads");
    let dir = config.docs.guide.expect("the config has a guide");
    let pages = markdown_files(&dir);
    assert!(!pages.is_empty());
    // `10-using.md` is the module `using`.
    let module_of = |page: &PathBuf| -> String {
        let stem = page.file_stem().unwrap().to_string_lossy().into_owned();
        let rest = stem.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.strip_prefix('-').unwrap_or(rest).to_owned()
    };
    for page in &pages {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(page).unwrap();
        assert!(
            generated(&format!("guide/{}.md", module_of(page))).ends_with(&text),
            "generated/guide/ lacks {name} as it is"
        );
        for target in links(&text) {
            if target.starts_with("https://") || target.starts_with("http://") {
                continue;
            }
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let linked = if path.is_empty() {
                Some(page)
            } else if let Some(module) = path.strip_prefix("crate::guide::") {
                let linked = pages.iter().find(|p| module_of(p) == module);
                assert!(linked.is_some(), "{name}: `{target}` names no guide page");
                linked
            } else {
                assert!(
                    path.contains("::"),
                    "{name}: `{target}` is not a URL, an anchor or an intra-doc path"
                );
                None
            };
            if let (Some(linked), false) = (linked, anchor.is_empty()) {
                let text = std::fs::read_to_string(linked).unwrap();
                assert!(
                    anchors(&text).iter().any(|a| a == anchor),
                    "{name}: `{target}` names no heading of {}",
                    linked.display()
                );
            }
        }
    }
    let index = generated("src/guide.rs");
    for page in &pages {
        let module = module_of(page);
        assert!(
            index.contains(&format!("include_str!(\"../guide/{module}.md\")"))
                && index.contains(&format!("pub mod {module} {{}}")),
            "src/guide.rs lacks the module {module}"
        );
    }
}

/// Every page of `docs/` is a doc-only module of the root package, so a
/// Rust code block in it is compiled by `cargo test --workspace`.
#[test]
fn every_docs_page_is_compiled_as_doctests() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![doc = include_str!(\"../README.md\")]"));
    for page in markdown_files(&root.join("docs")) {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            lib.contains(&format!("#[doc = include_str!(\"../docs/{name}\")]")),
            "src/lib.rs does not include docs/{name}"
        );
    }
}
