//! The tests that change process-wide state, each of which must run with
//! nothing else in the process: `memory` counts every allocation (its
//! `#[global_allocator]`), `env_config` sets environment variables (which
//! another thread's `getenv`, reqwest's proxy lookup among them, may not
//! race). They take [`ONE_AT_A_TIME`] for their whole length.

use std::sync::Mutex;

#[path = "../common/mod.rs"]
mod common;

mod env_config;
mod memory;

/// Held by every test of this binary while it runs.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Takes [`ONE_AT_A_TIME`], also after a test that held it panicked.
pub fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}
