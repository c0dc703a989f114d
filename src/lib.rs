//! Workspace root package of the Phala Cloud SDK generator. It holds no
//! code of its own: `build.rs` warns when `generated/` is stale, `tests/`
//! holds the end-to-end tests, and the README below is compiled as doctests.
#![doc = include_str!("../README.md")]
