//! The generator's integration tests, one binary: the CLI and its inputs,
//! the emitters' snapshots, the API change report and its rules, and the
//! slow compile tests (`corpus`, `constructs`, `consumer_compat`), which
//! can be run alone by name (`cargo test -p phala-codegen --test it corpus`).
//! `tests/panic_hook.rs` stays a binary of its own: it owns the
//! process-wide panic hook.

mod support;
// Only the `diff` rule tests use it.
mod diff_support;

mod api_changes;
mod cli;
mod constructs;
mod consumer_compat;
mod corpus;
mod diff_reach;
mod diff_rules;
mod diff_shapes;
mod emitters;
mod idents;
mod inputs;
mod layout;
mod names;
mod overlays;
mod review;
