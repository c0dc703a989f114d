//! The spec stage: the OpenAPI document read ([`load`]), amended by the overlays
//! ([`overlay`]), its component `$ref`s inlined where progenitor needs it ([`inline`]),
//! missing operationIds filled ([`fill`]) and the pass table run ([`normalize`]).
//! [`document`] reads the document for every later stage.

pub mod document;
pub mod fill;
pub mod inline;
pub mod load;
pub mod normalize;
pub mod overlay;
