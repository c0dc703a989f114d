//! The spec stage: the OpenAPI document read ([`load`], after the flow-depth
//! check of [`yaml_depth`] for YAML), amended by the overlays
//! ([`overlay`]), its `$ref`s to deeper pointers made component references
//! ([`deep_refs`]), its component `$ref`s inlined where progenitor needs it ([`inline`]),
//! missing operationIds filled ([`fill`]) and the pass table run ([`normalize`]).
//! [`document`] reads the document for every later stage.

pub mod deep_refs;
pub mod document;
pub mod fill;
pub mod inline;
pub mod load;
pub mod normalize;
pub mod overlay;
pub mod yaml_depth;
