//! The crate's public API as a caller sees it ([`crate::ir::surface`]), compared with the
//! previous generation's ([`compare`], [`report`]) to decide the version bump
//! and the changelog entry ([`release`]).

pub mod compare;
pub mod release;
pub mod report;
