//! Workspace root package of the Phala Cloud SDK generator. It holds no
//! code of its own: `build.rs` warns when `generated/` is stale, `tests/`
//! holds the end-to-end tests, and the README below and the pages of
//! `docs/` (one doc-only module each) are compiled as doctests.
#![doc = include_str!("../README.md")]

#[doc = include_str!("../docs/api-changes.md")]
mod api_changes {}
#[doc = include_str!("../docs/generated-crate.md")]
mod generated_crate {}
#[doc = include_str!("../docs/generic.md")]
mod generic {}
#[doc = include_str!("../docs/performance.md")]
mod performance {}
#[doc = include_str!("../docs/specs-and-overlays.md")]
mod specs_and_overlays {}
#[doc = include_str!("../docs/testing.md")]
mod testing {}
