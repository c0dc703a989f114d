//! progenitor and typify report some unsupported shapes by panicking. The
//! generator turns such a panic into an error without printing it.
//!
//! The panic hook is process-wide, so swapping it around each call (take,
//! set a silent one, restore) races with other threads: two generations at
//! once could leave the silent hook installed for good, and a test's own
//! panic would then print nothing. Instead one hook is installed, once, on
//! top of whatever hook was there; it stays silent only on a thread that is
//! inside [`catch_quietly`] and hands every other panic to the previous hook.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`catch_quietly`] calls this thread is inside.
    static QUIET_DEPTH: Cell<u32> = const { Cell::new(0) };
}

static INSTALL: Once = Once::new();

fn install_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let quiet = QUIET_DEPTH.try_with(|d| d.get() > 0).unwrap_or(false);
            if !quiet {
                previous(info);
            }
        }));
    });
}

/// Leaves the quiet section when dropped, also while unwinding.
struct QuietSection;

impl QuietSection {
    fn enter() -> Self {
        QUIET_DEPTH.with(|d| d.set(d.get() + 1));
        QuietSection
    }
}

impl Drop for QuietSection {
    fn drop(&mut self) {
        let _ = QUIET_DEPTH.try_with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Runs `f`, turning a panic on this thread into its message without
/// printing it. Panics on other threads print as they would without it.
pub fn catch_quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    install_hook();
    let section = QuietSection::enter();
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    drop(section);
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "progenitor panicked".into())
    })
}
