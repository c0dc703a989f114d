//! Containing progenitor's panics must never change what a panic on another
//! thread prints (issue 11). A test-wide hook records every panic message
//! that reaches it; generations and quiet catches run on several threads
//! while another thread panics. Each of those panics must reach the hook,
//! and no contained one may.
//!
//! This file is its own test binary: it owns the process-wide panic hook.

use std::panic;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use phala_codegen::backend::quiet::catch_quietly;

static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn message(info: &panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn panics_elsewhere_still_reach_the_hook_while_generating() {
    // Records every panic and still prints it, so this test's own failing
    // assertion is visible.
    panic::set_hook(Box::new(|info| {
        if let Ok(mut seen) = SEEN.lock() {
            seen.push(message(info));
        }
        eprintln!("{info}");
    }));

    const QUIET_THREADS: usize = 4;
    const QUIET_ROUNDS: usize = 300;
    const LOUD: usize = 60;
    let start = Arc::new(Barrier::new(QUIET_THREADS + 3));
    let mut workers = Vec::new();
    for t in 0..QUIET_THREADS {
        let start = start.clone();
        workers.push(thread::spawn(move || {
            start.wait();
            for i in 0..QUIET_ROUNDS {
                let caught = catch_quietly(|| -> () { panic!("contained {t}/{i}") });
                assert_eq!(caught.unwrap_err(), format!("contained {t}/{i}"));
            }
        }));
    }
    // Real generations on two threads, as tests running in parallel do.
    let config_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/phala-codegen.toml");
    let config = Arc::new(phala_codegen::Config::load(&config_path).unwrap());
    for _ in 0..2 {
        let (start, config) = (start.clone(), config.clone());
        workers.push(thread::spawn(move || {
            start.wait();
            phala_codegen::generate(&config, &config.inputs.spec).expect("the spec generates");
        }));
    }
    start.wait();
    for i in 0..LOUD {
        let joined = thread::spawn(move || panic!("loud {i}")).join();
        assert!(joined.is_err());
        thread::yield_now();
    }
    for w in workers {
        w.join().expect("worker finished");
    }
    // One more after every catch has finished: the hook must be ours again.
    let _ = thread::spawn(|| panic!("loud after")).join();

    let seen = SEEN.lock().unwrap().clone();
    let loud: Vec<&String> = seen.iter().filter(|m| m.starts_with("loud")).collect();
    let contained: Vec<&String> = seen.iter().filter(|m| m.starts_with("contained")).collect();
    assert_eq!(
        loud.len(),
        LOUD + 1,
        "{} of {} panics on other threads reached the hook",
        loud.len(),
        LOUD + 1
    );
    assert!(
        contained.is_empty(),
        "{} contained panics were printed, e.g. {:?}",
        contained.len(),
        contained.first()
    );
}
