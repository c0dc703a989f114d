//! Stage 2: turn the OpenAPI 3.1 document into the 3.0 shape that
//! progenitor and typify accept, and that decodes real bodies correctly.
//!
//! Each transformation is a named pass; `--verbose` prints how many sites
//! each one changed. Passes run in the order of [`passes::PASSES`]; this
//! module holds what they share.

mod keywords;
mod legacy;
mod mistyped;
mod narrowed;
mod negations;
mod operations;
pub mod passes;
mod prose;
pub mod refs;
mod trivial;
pub mod unions;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Result;

/// The keywords that make a schema a composition of others (a reference
/// or a combination): an untyped enum beside one is left to the passes for
/// an enum beside a reference, and bounds beside an untyped one go.
const COMPOSED: [&str; 4] = ["$ref", "allOf", "oneOf", "anyOf"];

/// Whether `s` has any of the [`COMPOSED`] keywords.
fn is_composed(s: &serde_json::Map<String, Value>) -> bool {
    COMPOSED.iter().any(|k| s.contains_key(*k))
}

/// What the passes need to know beyond the document.
#[derive(Debug, Clone)]
pub struct Context {
    /// The API version sent by default, `yyyy-mm-dd`; orders version unions.
    pub default_version: String,
    /// Original component name -> Rust type name.
    pub type_names: BTreeMap<String, String>,
}

impl Context {
    #[cfg(test)]
    pub fn for_tests() -> Self {
        Context {
            default_version: "2026-01-21".into(),
            type_names: BTreeMap::new(),
        }
    }
}

/// A named transformation that returns how many sites it changed.
pub struct Pass {
    pub name: &'static str,
    pub run: fn(&mut Value, &Context) -> Result<usize>,
}

/// How many sites one pass changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassReport {
    pub name: &'static str,
    pub sites: usize,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// Runs one pass over a document whose only schema is `schema`.
    pub fn run(pass: fn(&mut Value, &Context) -> Result<usize>, schema: Value) -> (Value, usize) {
        run_doc(pass, json!({"components": {"schemas": {"S": schema}}}))
    }

    pub fn run_doc(
        pass: fn(&mut Value, &Context) -> Result<usize>,
        mut doc: Value,
    ) -> (Value, usize) {
        let n = pass(&mut doc, &Context::for_tests()).unwrap();
        (doc, n)
    }

    pub fn one_schema(doc: &Value) -> &Value {
        &doc["components"]["schemas"]["S"]
    }
}
