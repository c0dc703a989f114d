//! Stage 2: turn the OpenAPI 3.1 document into the 3.0 shape that
//! progenitor and typify accept, and that decodes real bodies correctly.
//!
//! Each transformation is a named pass; `--verbose` prints how many sites
//! each one changed. Passes run in the order of [`PASSES`].

mod keywords;
mod operations;
mod prose;
mod refs;
mod unions;
pub(crate) use unions::collect_refs;
pub use unions::model_versions;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Result;

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

/// Every pass, in the order it runs. Order matters: `ref_aliases` first,
/// so no later pass copies a reference to an alias; keyword rewrites come
/// first so the union passes see 3.0 keywords; `null_unions` strips the null
/// members the other union passes would trip over, before `null_types`
/// rewrites the lone `type: null` schemas that remain; `ref_siblings` runs after
/// the unions that may put keywords beside a `$ref`.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "ref_aliases",
        run: refs::ref_aliases,
    },
    Pass {
        name: "exclusive_bounds",
        run: keywords::exclusive_bounds,
    },
    Pass {
        name: "doc_text",
        run: prose::doc_text,
    },
    Pass {
        name: "bad_defaults",
        run: keywords::bad_defaults,
    },
    Pass {
        name: "duplicate_enum_values",
        run: keywords::duplicate_enum_values,
    },
    Pass {
        name: "stray_formats",
        run: keywords::stray_formats,
    },
    Pass {
        name: "examples_to_example",
        run: keywords::examples_to_example,
    },
    Pass {
        name: "const_to_enum",
        run: keywords::const_to_enum,
    },
    Pass {
        name: "prefix_items",
        run: keywords::prefix_items,
    },
    Pass {
        name: "constraint_unions",
        run: keywords::constraint_unions,
    },
    Pass {
        name: "null_unions",
        run: unions::null_unions,
    },
    Pass {
        name: "null_types",
        run: keywords::null_types,
    },
    Pass {
        name: "scalar_unions",
        run: unions::scalar_unions,
    },
    Pass {
        name: "array_unions",
        run: unions::array_unions,
    },
    Pass {
        name: "object_unions",
        run: unions::object_unions,
    },
    Pass {
        name: "nullable_union_roots",
        run: unions::nullable_union_roots,
    },
    Pass {
        name: "composition_keywords",
        run: keywords::composition_keywords,
    },
    Pass {
        name: "ref_siblings",
        run: keywords::ref_siblings,
    },
    Pass {
        name: "inline_titles",
        run: keywords::inline_titles,
    },
    Pass {
        name: "nullable_params",
        run: operations::nullable_params,
    },
    Pass {
        name: "head_no_body",
        run: operations::head_no_body,
    },
    Pass {
        name: "json_or_octet",
        run: operations::json_or_octet,
    },
    Pass {
        name: "bodiless_success",
        run: operations::bodiless_success,
    },
    Pass {
        name: "component_names",
        run: operations::component_names,
    },
    Pass {
        name: "openapi_version",
        run: operations::openapi_version,
    },
];

/// How many sites one pass changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassReport {
    pub name: &'static str,
    pub sites: usize,
}

/// Runs every pass over `doc` in place.
pub fn normalize(doc: &mut Value, ctx: &Context) -> Result<Vec<PassReport>> {
    PASSES
        .iter()
        .map(|pass| {
            Ok(PassReport {
                name: pass.name,
                sites: (pass.run)(doc, ctx)?,
            })
        })
        .collect()
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
