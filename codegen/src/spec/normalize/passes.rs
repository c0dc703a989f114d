//! The pass table, in the order the passes run, and the runner.

use serde_json::Value;

use super::{
    keywords, legacy, mistyped, narrowed, negations, operations, prose, refs, trivial, unions,
    Context, Pass, PassReport,
};
use crate::error::Result;

/// Run after the passes, once skipped components are untyped.
pub use super::keywords::long_wire_names;

/// Every pass, in the order it runs. Order matters: `boolean_schemas`
/// first, so every later pass sees schemas as objects; `ref_aliases` next,
/// so no later pass copies a reference to an alias; `json_media` and
/// `success_union` before the schema passes, so that the union of several
/// success bodies is an `anyOf` like any other; keyword rewrites come
/// first so the union passes see 3.0 keywords; `null_unions` strips the null
/// members the other union passes would trip over, before `null_types`
/// rewrites the lone `type: null` schemas that remain; `ref_siblings` runs after
/// the unions that may put keywords beside a `$ref`.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "boolean_schemas",
        run: trivial::boolean_schemas,
    },
    Pass {
        name: "closed_unions",
        run: trivial::closed_unions,
    },
    Pass {
        name: "zero_minimums",
        run: trivial::zero_minimums,
    },
    Pass {
        name: "ref_aliases",
        run: refs::ref_aliases,
    },
    Pass {
        name: "json_media",
        run: operations::json_media,
    },
    Pass {
        name: "success_union",
        run: operations::success_union,
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
        name: "file_type",
        run: legacy::file_type,
    },
    Pass {
        name: "tuple_items",
        run: legacy::tuple_items,
    },
    Pass {
        name: "untyped_enums",
        run: mistyped::untyped_enums,
    },
    Pass {
        name: "mistyped_enum_values",
        run: mistyped::mistyped_enum_values,
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
        name: "enum_beside_ref",
        run: narrowed::enum_beside_ref,
    },
    Pass {
        name: "composite_enums",
        run: narrowed::composite_enums,
    },
    Pass {
        name: "negations",
        run: negations::negations,
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

/// Runs every pass over `doc` in place.
pub fn run(doc: &mut Value, ctx: &Context) -> Result<Vec<PassReport>> {
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
