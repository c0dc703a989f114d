//! The Phala Cloud SDK generator (and, with `--generic`, any OpenAPI 3.x
//! spec's). A map of the stages, in pipeline order; each folder is one stage
//! and uses only its own and earlier ones (see `ARCHITECTURE.md`, and
//! `tests/it/layout.rs`, which checks it):
//!
//! 1. [`spec`]: the document loaded, overlaid, inlined, filled and normalized.
//! 2. [`inputs`]: the configuration (or the `--generic` one) and the
//!    error-code catalog.
//! 3. [`ir`]: the nouns (the API, its operations, the crate's surface) and
//!    the lowering from the document and the names.
//! 4. [`backend`]: progenitor and typify, and each operation bound to its
//!    progenitor method.
//! 5. [`api`]: the surface compared with the previous generation's, the
//!    report, the version bump and the changelog.
//! 6. [`emit`]: the files of the generated crate.
//! 7. [`out`]: the files written, and the run's fingerprint.
//!
//! [`pipeline`] runs them ([`generate`] for the CLI, `build.rs` and the
//! tests; [`api_surface`] for `phala-codegen diff`). The ground floor, which
//! every stage may use: [`error`], [`ident`] (checked names), [`render`]
//! (tokens, Markdown and TOML to text) and [`syn_ext`] (shared queries on
//! syn types).

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
