//! Workspace root package of the Phala Cloud SDK generator. It holds no
//! code of its own: `build.rs` warns when `generated/` is stale, and
//! `tests/` holds the end-to-end tests of the generator and the generated
//! crate.
