//! Checked Rust identifiers. Every name that comes from the spec, the error
//! catalog, the configuration or the Python name table becomes a
//! [`RustIdent`] before emission, and the emitters turn only `RustIdent`s
//! into `proc_macro2::Ident`s: `format_ident!` panics on a string that is
//! not an identifier, so an unchecked name must never reach it.
//! (`codegen/tests/idents.rs` checks that no other module calls it.)

use std::fmt;

use proc_macro2::{Ident, Span};

use crate::error::{Error, Result};

/// `name` as an identifier for an emitter. Every name is checked where it
/// is read, with its file and line or operation and JSON pointer; this is
/// the last line of defence, so that a name a check missed is an error,
/// never a panic.
pub fn ident(name: &str) -> Result<Ident> {
    RustIdent::new(name)
        .map(|i| i.to_ident())
        .map_err(|problem| Error::Name {
            what: "generated name".into(),
            name: name.to_owned(),
            problem: problem.to_string(),
            suggestion: RustIdent::suggest(name),
            place: "the generator (a name no earlier check covered)".into(),
        })
}

/// A keyword-free name written in the generator's own source (`doc`), as
/// an identifier without a check: for the hot paths that build syntax by
/// hand, where [`ident`]'s `Result` has nothing to report.
pub fn fixed(name: &'static str) -> Ident {
    debug_assert!(RustIdent::new(name).is_ok(), "{name}");
    Ident::new(name, Span::call_site())
}

/// Checks a name read from an operation of the spec.
pub fn in_operation(name: &str, what: &str, operation: &str, pointer: &str) -> Result<RustIdent> {
    RustIdent::new(name).map_err(|problem| Error::Name {
        what: what.to_owned(),
        name: name.to_owned(),
        problem: problem.to_string(),
        suggestion: RustIdent::suggest(name),
        place: format!("operation `{operation}` at {pointer}"),
    })
}

/// Checks a name read from a file (`place` says where: `path:line`, or a
/// table and key of the configuration).
pub fn in_file(name: &str, what: &str, place: String) -> Result<RustIdent> {
    RustIdent::new(name).map_err(|problem| Error::Name {
        what: what.to_owned(),
        name: name.to_owned(),
        problem: problem.to_string(),
        suggestion: RustIdent::suggest(name),
        place,
    })
}

/// A string that is a valid, non-keyword Rust identifier made of ASCII
/// letters, digits and `_`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustIdent(String);

/// Why a name is not a usable identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentProblem {
    Empty,
    /// The first character (a digit, `-`, ...) cannot start an identifier.
    BadStart(char),
    /// A character other than an ASCII letter, digit or `_`.
    BadChar(char),
    Keyword,
}

impl fmt::Display for IdentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentProblem::Empty => f.write_str("it is empty"),
            IdentProblem::BadStart(c) => write!(f, "it starts with {c:?}"),
            IdentProblem::BadChar(c) => write!(f, "it contains {c:?}"),
            IdentProblem::Keyword => f.write_str("it is a Rust keyword"),
        }
    }
}

/// Strict and reserved keywords of the 2021 edition, plus `gen` (2024).
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

impl RustIdent {
    /// Checks `name`.
    pub fn new(name: &str) -> Result<Self, IdentProblem> {
        let mut chars = name.chars();
        let first = chars.next().ok_or(IdentProblem::Empty)?;
        if !(first.is_ascii_alphabetic() || first == '_') || name == "_" {
            return Err(IdentProblem::BadStart(first));
        }
        if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
            return Err(IdentProblem::BadChar(bad));
        }
        if KEYWORDS.contains(&name) {
            return Err(IdentProblem::Keyword);
        }
        Ok(RustIdent(name.to_owned()))
    }

    /// A valid identifier close to `name`, to suggest in an error: other
    /// characters become `_`, a leading digit gets `_` before it, a keyword
    /// gets `_` after it.
    pub fn suggest(name: &str) -> String {
        let mut out: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if out.chars().next().is_none_or(|c| c.is_ascii_digit()) || out == "_" {
            out.insert_str(0, "x_");
        }
        if KEYWORDS.contains(&out.as_str()) {
            out.push('_');
        }
        out
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier, for `quote!`.
    pub fn to_ident(&self) -> Ident {
        Ident::new(&self.0, Span::call_site())
    }

    /// `prefix` + this name, e.g. `safe_` + `get_cvm`. The prefix is a
    /// literal of the generator, so the result is an identifier too.
    pub fn prefixed(&self, prefix: &'static str) -> RustIdent {
        RustIdent::join(prefix, &self.0)
    }

    /// This name + `suffix`, e.g. `GetCvm` + `Builder`.
    pub fn suffixed(&self, suffix: &'static str) -> RustIdent {
        RustIdent::join(&self.0, suffix)
    }

    fn join(a: &str, b: &str) -> RustIdent {
        let joined = format!("{a}{b}");
        RustIdent::new(&joined).unwrap_or_else(|_| RustIdent(format!("x_{joined}")))
    }
}

impl std::ops::Deref for RustIdent {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RustIdent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl quote::ToTokens for RustIdent {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.to_ident().to_tokens(tokens);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_suggests() {
        assert!(RustIdent::new("get_cvm").is_ok());
        assert!(RustIdent::new("_private").is_ok());
        assert_eq!(RustIdent::new(""), Err(IdentProblem::Empty));
        assert_eq!(RustIdent::new("-"), Err(IdentProblem::BadStart('-')));
        assert_eq!(RustIdent::new("3"), Err(IdentProblem::BadStart('3')));
        assert_eq!(RustIdent::new("_"), Err(IdentProblem::BadStart('_')));
        assert_eq!(RustIdent::new("a b"), Err(IdentProblem::BadChar(' ')));
        assert_eq!(RustIdent::new("café"), Err(IdentProblem::BadChar('é')));
        assert_eq!(RustIdent::new("type"), Err(IdentProblem::Keyword));
        for bad in ["", "-", "3", "_", "a b", "type", "1X", "x-y"] {
            let suggestion = RustIdent::suggest(bad);
            assert!(
                RustIdent::new(&suggestion).is_ok(),
                "{bad:?} -> {suggestion:?}"
            );
        }
    }
}
