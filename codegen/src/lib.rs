//! The Phala Cloud SDK generator.
//!
//! Stages, one module each: [`load`] -> [`overlay`] -> [`inline`] -> [`fill`] -> [`normalize`] -> [`ir`] (named by
//! [`naming`]) -> progenitor and typify ([`emit::progenitor`]) -> [`bind`]
//! (each operation joined with its progenitor method, once) -> [`emit`] and
//! the crate's API [`surface`], both read off the bound operations ->
//! [`release`] (compares that surface with the previous generation's,
//! through [`compare`], and bumps the version) -> [`format`] -> [`write`].
//! [`generate`] runs all but the last and returns the files, among them the
//! run's [`fingerprint`]; the CLI and `build.rs` decide whether to write or
//! only compare them, and first ask [`fingerprint::unchanged`] whether there
//! is anything to do at all. [`api_surface`]
//! and [`compare`] also serve `phala-codegen diff`. Every stage may use the
//! ground floor: [`openapi`] (reading the document), [`ident`] (checked
//! names) and [`error`].

pub mod api;
pub mod backend;
pub mod emit;
pub mod error;
pub mod ident;
pub mod inputs;
pub mod ir;
pub mod out;
pub mod pipeline;
pub mod render;
pub mod spec;
pub mod syn_ext;

pub use error::{Error, Result};
pub use inputs::config::{self, Config};
pub use pipeline::{api_surface, bare_progenitor, generate, overlaid_spec, Generated};
