//! The generator's error type: every failure names the file, and where it can,
//! the line/column or JSON pointer that caused it.

use std::path::PathBuf;

/// Anything that stops a generation run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: invalid {format}: {message}")]
    Parse {
        path: PathBuf,
        format: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: invalid configuration: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Overlay { path: PathBuf, message: String },
    #[error("{path}: unsupported OpenAPI version {version:?}: only 3.0.x and 3.1.x are accepted")]
    Version { path: PathBuf, version: String },
    #[error("{path}: `{method} {api_path}` has no operationId (at {pointer})")]
    MissingOperationId {
        path: PathBuf,
        method: String,
        api_path: String,
        pointer: String,
    },
    #[error("name collision: {what} `{name}` would be produced by both {first} and {second}; add an entry to spec/phala-codegen.toml to rename one")]
    Collision {
        what: &'static str,
        name: String,
        first: String,
        second: String,
    },
    #[error("{pointer}: {message}")]
    Schema { pointer: String, message: String },
    #[error("unsupported construct in operation `{operation}` at {pointer}: {message} (to generate the rest, list it in the config's `[skip] operations` or pass --skip-unsupported)")]
    Unsupported {
        operation: String,
        pointer: String,
        message: String,
    },
    #[error("{place}: {what} {name:?} is not a usable Rust identifier ({problem}); use a name like `{suggestion}`")]
    Name {
        what: String,
        name: String,
        /// What is wrong with it (`it is empty`, `it starts with '3'`).
        problem: String,
        suggestion: String,
        place: String,
    },
    #[error("{place}: {what} `{name}` clashes with {clash}; rename it in spec/phala-codegen.toml")]
    Reserved {
        what: String,
        name: String,
        clash: String,
        place: String,
    },
    #[error("{path}: {} override(s) match nothing in the inputs: {}; remove or correct each (an upstream rename?), or pass --allow-unused-overrides when generating from an older spec", keys.len(), keys.join(", "))]
    UnusedOverrides { path: PathBuf, keys: Vec<String> },
    #[error("{path}:{line}: malformed row: {message}")]
    Table {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("progenitor rejected the normalized spec: {0}")]
    Progenitor(String),
    #[error("generated code does not parse ({file}): {message}")]
    Syntax { file: String, message: String },
    /// Every problem one run found, each on its own line.
    #[error("{} problems:\n{}", .0.len(), .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Many(Vec<Error>),
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The errors this one stands for: itself, or each of [`Error::Many`].
    pub fn into_list(self) -> Vec<Error> {
        match self {
            Error::Many(list) => list.into_iter().flat_map(Error::into_list).collect(),
            one => vec![one],
        }
    }

    /// One error for `list`: its only member, or [`Error::Many`].
    pub fn from_list(mut list: Vec<Error>) -> Error {
        if list.len() == 1 {
            list.remove(0)
        } else {
            Error::Many(list)
        }
    }

    /// The operation (operationId) this error is about, if it is about one
    /// that generation could go on without.
    pub fn skippable_operation(&self) -> Option<&str> {
        match self {
            Error::Unsupported { operation, .. } => Some(operation),
            Error::Name { place, .. } => place
                .strip_prefix("operation `")
                .and_then(|rest| rest.split('`').next()),
            _ => None,
        }
    }

    /// The component schema this error is about, if any.
    pub fn schema(&self) -> Option<&str> {
        match self {
            Error::Schema { pointer, .. } => pointer.strip_prefix("#/components/schemas/"),
            _ => None,
        }
    }
}
