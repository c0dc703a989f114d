//! The error-code catalog (`error-codes.md`): Markdown tables, one per
//! module, parsed into the nouns the `error_codes` emitter reads.
//!
//! Constant names follow the Python SDK: the exception class in
//! SCREAMING_SNAKE_CASE without its `Error` suffix (`NodeNotFoundError` ->
//! `NODE_NOT_FOUND`), unless `[error_code_names]` names the code. Two rows
//! with one class need distinct names: that is an error until configured.

use std::collections::BTreeMap;
use std::path::Path;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};

use crate::error::{Error, Result};

/// Every module of the catalog, in code order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub modules: Vec<Module>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// `"01"`.
    pub id: String,
    pub title: String,
    pub codes: Vec<Code>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// `"ERR-01-001"`.
    pub code: String,
    /// `"NodeNotFoundError"`.
    pub class: String,
    /// `"NODE_NOT_FOUND"`.
    pub const_name: String,
    /// `"NodeNotFound"`.
    pub variant: String,
    /// The user-facing message (the first line of the cell).
    pub message: String,
    /// When the catalog says when it is raised.
    pub description: Option<String>,
    /// The HTTP status the catalog names (`(HTTP 409)`), if any.
    pub http_status: Option<u16>,
}

impl Catalog {
    /// Every code, in catalog order.
    pub fn codes(&self) -> impl Iterator<Item = &Code> {
        self.modules.iter().flat_map(|m| m.codes.iter())
    }
}

/// Reads and parses the catalog file.
pub fn load(path: &Path, names: &BTreeMap<String, String>) -> Result<Catalog> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text, names)
}

/// Parses catalog text; `path` only names it in errors.
pub fn parse(path: &Path, text: &str, names: &BTreeMap<String, String>) -> Result<Catalog> {
    let bad = |line: usize, message: String| Error::Table {
        path: path.to_owned(),
        line,
        message,
    };
    let mut titles: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut code_lines: BTreeMap<String, usize> = BTreeMap::new();
    // A module id becomes the module `module_{id}` of `error_codes`.
    let check_module = |id: &str, line: usize| -> Result<()> {
        crate::ident::RustIdent::new(&format!("module_{id}"))
            .map(drop)
            .map_err(|p| {
                bad(
                    line,
                    format!("module id {id:?} cannot name a Rust module `module_{id}` ({p}); use digits, e.g. `07`"),
                )
            })
    };
    let mut modules: Vec<Module> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("- **Module ") {
            // `- **Module 01** - CVM API / Preflight`
            if let Some((id, title)) = rest.split_once("**") {
                let title = title.trim_start_matches([' ', '-']).trim();
                titles.insert(id.trim().to_owned(), (title.to_owned(), line_no));
            }
        } else if let Some(rest) = line.strip_prefix("## Module ") {
            let (id, title) = rest.split_once(':').unwrap_or((rest, ""));
            check_module(id.trim(), line_no)?;
            modules.push(Module {
                id: id.trim().to_owned(),
                title: title.trim().to_owned(),
                codes: Vec::new(),
            });
        } else if line.starts_with('|') {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let is_header = cells.first().is_some_and(|c| *c == "Error Code");
            let is_rule = cells
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'));
            if is_header || is_rule {
                continue;
            }
            let module = modules
                .last_mut()
                .ok_or_else(|| bad(line_no, "table row before any `## Module` heading".into()))?;
            let code = row(&cells, &module.id, names).map_err(|m| bad(line_no, m))?;
            if let Some(first) = code_lines.insert(code.code.clone(), line_no) {
                return Err(bad(
                    line_no,
                    format!("{} is listed twice (first on line {first})", code.code),
                ));
            }
            module.codes.push(code);
        }
    }
    for (id, (title, line)) in titles {
        if !modules.iter().any(|m| m.id == id) {
            check_module(&id, line)?;
            modules.push(Module {
                id,
                title,
                codes: Vec::new(),
            });
        }
    }
    modules.sort_by(|a, b| a.id.cmp(&b.id));
    check_unique(path, &modules)?;
    Ok(Catalog { modules })
}

fn row(cells: &[&str], module: &str, names: &BTreeMap<String, String>) -> Result<Code, String> {
    let [code, class, message] = cells else {
        return Err(format!(
            "expected 3 cells (code | class | message), found {}",
            cells.len()
        ));
    };
    let code = code.trim_matches('`');
    let class = class.trim_matches('`');
    let valid_code = code.len() == 10
        && code.starts_with("ERR-")
        && code.as_bytes()[6] == b'-'
        && code[4..6].bytes().all(|b| b.is_ascii_digit())
        && code[7..].bytes().all(|b| b.is_ascii_digit());
    if !valid_code {
        return Err(format!(
            "`{code}` is not an error code of the form ERR-NN-NNN"
        ));
    }
    if &code[4..6] != module {
        return Err(format!("{code} is listed under module {module}"));
    }
    if class.is_empty()
        || !class.chars().all(|c| c.is_ascii_alphanumeric())
        || !class.starts_with(|c: char| c.is_ascii_uppercase())
    {
        return Err(format!("`{class}` is not an exception class name"));
    }
    let (first, rest) = message.split_once("<br/>").unwrap_or((message, ""));
    let description = rest.trim().trim_matches('*').trim();
    let (const_name, from) = match names.get(code) {
        Some(name) => (name.clone(), "[error_code_names]".to_owned()),
        None => (
            class
                .strip_suffix("Error")
                .unwrap_or(class)
                .to_shouty_snake_case(),
            format!("class `{class}`"),
        ),
    };
    let usable = crate::ident::RustIdent::new(&const_name).is_ok()
        && const_name == const_name.to_shouty_snake_case();
    if !usable {
        return Err(format!(
            "{code}: the constant name {const_name:?} (from {from}) is not a SCREAMING_SNAKE_CASE \
             Rust identifier; name the code in [error_code_names] of spec/phala-codegen.toml, \
             e.g. \"{code}\" = \"{}\"",
            suggest_const(class, code)
        ));
    }
    let variant = const_name.to_upper_camel_case();
    if RESERVED_VARIANTS.contains(&variant.as_str()) {
        return Err(format!(
            "{code}: the constant {const_name} (from {from}) would be the variant \
             `ErrorCode::{variant}`, which `ErrorCode` already has for codes it does not \
             know; name the code in [error_code_names] of spec/phala-codegen.toml, \
             e.g. \"{code}\" = \"{}\"",
            suggest_const(class, code)
        ));
    }
    Ok(Code {
        code: code.to_owned(),
        class: class.to_owned(),
        variant,
        const_name,
        message: first.trim().to_owned(),
        description: (!description.is_empty()).then(|| description.to_owned()),
        http_status: http_status(message),
    })
}

/// Variants `ErrorCode` has besides the catalog's.
const RESERVED_VARIANTS: &[&str] = &["Missing", "Unknown"];

/// A constant name to suggest for a code whose class gives none.
fn suggest_const(class: &str, code: &str) -> String {
    let base = class.to_shouty_snake_case();
    if base.is_empty()
        || RESERVED_VARIANTS
            .iter()
            .any(|v| v.to_shouty_snake_case() == base)
    {
        format!(
            "{}_{}",
            base.trim_end_matches("_ERROR"),
            code.replace('-', "_")
        )
        .trim_start_matches('_')
        .to_owned()
    } else {
        base
    }
}

/// The status in `(HTTP 409)`.
fn http_status(text: &str) -> Option<u16> {
    let start = text.find("(HTTP ")? + "(HTTP ".len();
    text[start..].split(')').next()?.trim().parse().ok()
}

fn check_unique(path: &Path, modules: &[Module]) -> Result<()> {
    let mut seen: BTreeMap<&str, &Code> = BTreeMap::new();
    for code in modules.iter().flat_map(|m| &m.codes) {
        if let Some(first) = seen.insert(&code.const_name, code) {
            return Err(Error::Config {
                path: path.to_owned(),
                message: format!(
                    "{} and {} would both be named {} (class {}); name one in [error_code_names] of spec/phala-codegen.toml",
                    first.code, code.code, code.const_name, code.class
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "## Modules\n\n- **Module 01** - CVM API\n- **Module 06** - Auth\n\n## Module 01: CVM API\n\n| Error Code | Exception Class | Message |\n|---|---|---|\n| `ERR-01-001` | `NodeNotFoundError` | The node is gone<br/>*Raised when missing (HTTP 404)* |\n| `ERR-01-005` | `HashRegistrationRequired` | Register it<br/>*(HTTP 465)* |\n";

    #[test]
    fn rows_become_codes_with_python_names() {
        let c = parse(Path::new("c.md"), SAMPLE, &BTreeMap::new()).unwrap();
        let codes: Vec<_> = c
            .codes()
            .map(|c| (c.const_name.as_str(), c.variant.as_str(), c.http_status))
            .collect();
        assert_eq!(
            codes,
            [
                ("NODE_NOT_FOUND", "NodeNotFound", Some(404)),
                (
                    "HASH_REGISTRATION_REQUIRED",
                    "HashRegistrationRequired",
                    Some(465)
                )
            ]
        );
        assert_eq!(
            c.modules.len(),
            2,
            "module 06 is kept though it has no rows"
        );
        assert_eq!(c.modules[0].codes[0].message, "The node is gone");
    }

    #[test]
    fn malformed_row_names_the_line() {
        let text = format!("{SAMPLE}| `ERR-1-2` | `X` | y |\n");
        let err = parse(Path::new("c.md"), &text, &BTreeMap::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.md:12: malformed row: `ERR-1-2` is not an error code of the form ERR-NN-NNN"
        );
        let text = format!("{SAMPLE}| `ERR-01-009` | `X` |\n");
        let err = parse(Path::new("c.md"), &text, &BTreeMap::new()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("c.md:12: malformed row: expected 3 cells"),
            "{err}"
        );
    }

    #[test]
    fn shared_class_needs_a_configured_name() {
        let text = format!("{SAMPLE}| `ERR-01-009` | `NodeNotFoundError` | again |\n");
        let err = parse(Path::new("c.md"), &text, &BTreeMap::new()).unwrap_err();
        assert!(
            err.to_string()
                .contains("ERR-01-001 and ERR-01-009 would both be named NODE_NOT_FOUND"),
            "{err}"
        );
        let names = BTreeMap::from([("ERR-01-009".to_owned(), "NODE_NOT_FOUND_AGAIN".to_owned())]);
        let c = parse(Path::new("c.md"), &text, &names).unwrap();
        assert_eq!(c.codes().last().unwrap().variant, "NodeNotFoundAgain");
    }
}
