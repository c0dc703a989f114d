//! The crate's guide (`[docs] guide` in the configuration): Markdown pages
//! written for the crate's users. Each page is copied into the crate as
//! `guide/<module>.md` and documented as a doc-only module of `guide`
//! (`src/guide.rs`), so docs.rs shows it beside the API and
//! `cargo test --doc` compiles and runs its code blocks.
//!
//! A page's module is its file name without `.md` and without a leading
//! `NN-` (`10-using.md` is `guide::using`): the prefix orders the index, as
//! it orders the overlays. The pages are inputs of the generation, hashed by
//! the fingerprint ([`page_paths`]).

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};
use crate::inputs::config::Config;

/// The guide's files: each page (path in the crate, text) and
/// `src/guide.rs`.
pub struct Guide {
    pub pages: Vec<(String, String)>,
    pub module: TokenStream,
}

/// The `*.md` files of `dir`, by file name: the pages, in index order.
pub fn page_paths(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    files_with_extension(dir, "md")
}

/// The files of `dir` whose extension is `extension`, sorted by name: the
/// inputs a `[docs]` directory holds (guide pages, example programs).
pub fn files_with_extension(dir: &Path, extension: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    Ok(files)
}

/// The module a page becomes: its file stem less a leading `NN-` or `NN_`.
fn module_name(stem: &str) -> &str {
    let rest = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.strip_prefix(['-', '_']) {
        Some(name) if rest.len() < stem.len() => name,
        _ => stem,
    }
}

/// A page's title: its first `# ` heading, else its module name.
fn title(text: &str, module: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| module.to_owned())
}

/// The guide of `config`, or `None` when it names no guide directory.
pub fn emit(config: &Config) -> Result<Option<Guide>> {
    let Some(dir) = &config.docs.guide else {
        return Ok(None);
    };
    let invalid = |message: String| Error::Config {
        path: config.source.clone(),
        message,
    };
    let paths = page_paths(dir).map_err(|source| Error::Read {
        path: dir.clone(),
        source,
    })?;
    if paths.is_empty() {
        return Err(invalid(format!(
            "docs.guide: {} holds no `.md` page",
            dir.display()
        )));
    }
    let mut pages = Vec::new();
    let mut index = format!(
        "The {} guide: longer pages on using this crate, one module each.\n\n",
        config.client.title
    );
    let mut modules = Vec::new();
    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    for path in paths {
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let name = module_name(&stem);
        let checked = crate::ident::in_file(
            name,
            "guide page module",
            format!("{} (docs.guide)", path.display()),
        )?;
        if let Some((_, other)) = seen.iter().find(|(n, _)| n == name) {
            return Err(invalid(format!(
                "docs.guide: {} and {} both make the module `guide::{name}`; rename one",
                other.display(),
                path.display()
            )));
        }
        seen.push((name.to_owned(), path.clone()));
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        // No path: the header is the same in every clone.
        let origin = format!(
            "`{}` of the configuration's `[docs] guide` directory",
            file_name(&path)
        );
        index.push_str(&format!("- [{}]({name})\n", title(&text, name)));
        pages.push((
            format!("guide/{name}.md"),
            crate::render::markdown(&text, Some(&origin)),
        ));
        let include = format!("../guide/{name}.md");
        let ident = checked.to_ident();
        modules.push(quote! {
            #[doc = include_str!(#include)]
            pub mod #ident {}
        });
    }
    let module = quote! {
        #![doc = #index]
        #(#modules)*
    };
    Ok(Some(Guide { pages, module }))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::{module_name, title};

    #[test]
    fn a_leading_number_orders_the_pages_and_is_not_part_of_the_name() {
        assert_eq!(module_name("10-using"), "using");
        assert_eq!(module_name("2_errors"), "errors");
        assert_eq!(module_name("errors"), "errors");
        assert_eq!(module_name("v2-errors"), "v2-errors");
        assert_eq!(module_name("10"), "10");
    }

    #[test]
    fn the_index_names_each_page_by_its_first_heading() {
        assert_eq!(
            title("<!-- c -->\n\n# Errors\n\n## Codes\n", "errors"),
            "Errors"
        );
        assert_eq!(title("no heading\n", "errors"), "errors");
    }
}
