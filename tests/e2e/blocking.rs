//! The blocking client: outside any runtime, inside multi-thread and
//! current-thread tokio runtimes (no panic, no deadlock), its safe and
//! `send_with_meta` forms, and sharing its connection pool with the async
//! client it wraps. Every call that could hang runs under a deadline.

use std::sync::mpsc;
use std::time::Duration;

use phala_cloud::blocking::PhalaCloud as Blocking;
use phala_cloud::{PhalaCloud, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

const KEY: &str = "phak_SECRET_123";
const WEBHOOK: &str = r#"{"id":"wh_1","url":"https://example.com/hook","enabled":true,"events":["cvm.created"],"created_at":"2026-01-21T10:00:00Z","updated_at":"2026-01-21T10:00:00Z"}"#;

async fn start() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/workspace/webhooks/wh_1"))
        .respond_with(json_raw(200, WEBHOOK).insert_header("x-request-id", "req_b_1"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/workspace/webhooks/wh_404"))
        .respond_with(
            json_raw(404, r#"{"detail":"gone"}"#).insert_header("x-request-id", "req_b_404"),
        )
        .mount(&server)
        .await;
    server
}

fn async_client(uri: &str) -> PhalaCloud {
    PhalaCloud::builder()
        .api_key(KEY)
        .base_url(uri)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn blocking_client(uri: &str) -> Blocking {
    Blocking::from_async(async_client(uri)).unwrap()
}

/// Runs `f` on its own thread and fails if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(e) => panic!("{what}: no result within {secs} s ({e:?}): deadlock or hang"),
    }
}

/// The checks every context runs: plain, safe, meta, error, with_version.
fn exercise(c: &Blocking) {
    let hook = c.get_webhook("wh_1").send().expect("blocking send");
    assert_eq!(hook.id, "wh_1");

    let safe = c.safe_get_webhook("wh_1").send();
    assert!(safe.ok && safe.error.is_none());
    assert_eq!(safe.data.unwrap().url, "https://example.com/hook");

    let meta = c.get_webhook("wh_1").send_with_meta().expect("meta");
    assert_eq!(meta.status_code(), 200);
    assert_eq!(meta.request_id(), Some("req_b_1"));
    assert_eq!(meta.data().id, "wh_1");

    let err = c.get_webhook("wh_404").send().expect_err("404");
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.request_id(), Some("req_b_404"));
    let safe = c.safe_get_webhook("wh_404").send();
    assert!(!safe.ok && safe.data.is_none());
    assert_eq!(safe.error.unwrap().status_code(), Some(404));

    let old = c.with_version("2025-10-28").unwrap();
    assert_eq!(old.api_version(), "2025-10-28");
    old.get_webhook("wh_1").send().expect("with_version");
}

async fn versions_seen(server: &MockServer) -> Vec<String> {
    let got = server.received_requests().await.unwrap();
    for r in &got {
        assert_eq!(r.headers.get("x-api-key").unwrap(), KEY);
    }
    got.iter()
        .map(|r| r.headers["x-phala-version"].to_str().unwrap().to_owned())
        .collect()
}

#[test]
fn outside_any_runtime() {
    // wiremock needs a runtime; this one only serves the mock setup calls.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(start());
    let c = blocking_client(&server.uri());
    exercise(&c);
    let versions = rt.block_on(versions_seen(&server));
    assert_eq!(versions.len(), 6);
    assert_eq!(versions[5], "2025-10-28");
    assert!(versions[..5].iter().all(|v| v == "2026-06-23"));

    let prod = Blocking::new(KEY).expect("production client");
    assert_eq!(prod.api_version(), phala_cloud::DEFAULT_API_VERSION);
    assert_eq!(prod.as_async().base_url(), "https://cloud-api.phala.com");
    let dbg = format!("{prod:?}");
    assert!(!dbg.contains(KEY), "{dbg}");
}

/// `call_json` (the `dynamic` feature) on the blocking client is a builder
/// like every other blocking call: nothing is sent until `.send()`.
#[test]
fn a_call_by_name_is_sent_by_send() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(start());
    let c = blocking_client(&server.uri());
    let args = serde_json::json!({"webhook_id": "wh_1"});
    let call = c.call_json("get_webhook", &args);
    assert!(rt.block_on(server.received_requests()).unwrap().is_empty());
    let response = call.send().expect("sent");
    assert_eq!(response.status_code(), 200);
    assert_eq!(response.data()["url"], "https://example.com/hook");
    let err = c
        .call_json("get_webhook", &serde_json::json!({"webhook_id": "wh_404"}))
        .send();
    assert_eq!(err.unwrap_err().status_code(), Some(404));
    assert_eq!(rt.block_on(versions_seen(&server)).len(), 2);
    // The client's settings read as the async client's do.
    assert_eq!(c.base_url(), server.uri());
    assert_eq!(c.retry_policy().retries(), 0);
}

/// One blocking client shared by 16 threads, each making its calls at the
/// same time as the others: every call succeeds (its own runtime is driven
/// by whichever caller holds it, the others wait their turn) and the server
/// sees every request.
#[test]
fn sixteen_threads_share_one_client() {
    const THREADS: usize = 16;
    const CALLS: usize = 25;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(start());
    let c = blocking_client(&server.uri());
    let ids = within(60, "16 threads on one blocking client", move || {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..THREADS)
                .map(|_| {
                    scope.spawn(|| {
                        (0..CALLS)
                            .map(|_| c.get_webhook("wh_1").send().expect("shared call").id)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("no worker panics"))
                .collect::<Vec<_>>()
        })
    });
    assert_eq!(ids.len(), THREADS * CALLS);
    assert!(ids.iter().all(|id| id == "wh_1"));
    assert_eq!(rt.block_on(versions_seen(&server)).len(), THREADS * CALLS);
}

#[test]
fn inside_runtimes_of_both_flavors_on_a_helper_thread() {
    for multi in [false, true] {
        let r = within(
            30,
            if multi {
                "multi_thread"
            } else {
                "current_thread"
            },
            move || {
                let rt = if multi {
                    tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(1)
                        .enable_all()
                        .build()
                } else {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                }
                .unwrap();
                rt.block_on(async {
                    let server = start().await;
                    let c = blocking_client(&server.uri());
                    exercise(&c);
                    drop(c); // dropping inside async code must not panic
                    versions_seen(&server).await.len()
                })
            },
        );
        assert_eq!(r, 6, "multi_thread = {multi}");
    }
}

/// Aborts the process if the test has not finished in time, so a deadlock
/// cannot hang the suite. Dropping the returned sender disarms it.
fn watchdog(secs: u64, name: &'static str) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(Duration::from_secs(secs)) {
            eprintln!("{name}: deadlocked (no result within {secs} s)");
            std::process::exit(101);
        }
    });
    tx
}

#[tokio::test(flavor = "multi_thread")]
async fn directly_inside_a_multi_thread_runtime() {
    let _armed = watchdog(60, "directly_inside_a_multi_thread_runtime");
    let server = start().await;
    let c = blocking_client(&server.uri());
    exercise(&c);
    assert_eq!(versions_seen(&server).await.len(), 6);
}

#[tokio::test(flavor = "current_thread")]
async fn directly_inside_a_current_thread_runtime() {
    let _armed = watchdog(60, "directly_inside_a_current_thread_runtime");
    let server = start().await;
    let c = blocking_client(&server.uri());
    exercise(&c);
    assert_eq!(versions_seen(&server).await.len(), 6);
}

/// `as_async()` shares the blocking client's settings but not its pool.
/// After it ran a request on the caller's current-thread runtime, a blocking
/// call from that same runtime must still complete at once (it would wait
/// for the timeout on a pooled connection driven by the blocked runtime).
#[test]
fn async_then_blocking_on_one_current_thread_runtime() {
    let ok = within(
        40,
        "as_async().await then .send() on a current_thread runtime",
        || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let server = start().await;
                let c = blocking_client(&server.uri());
                c.as_async().get_webhook("wh_1").await.expect("async first");
                let started = std::time::Instant::now();
                let r = c.get_webhook("wh_1").send();
                (r.map(|h| h.id), started.elapsed())
            })
        },
    );
    eprintln!("blocking call after an async one: {ok:?}");
    assert_eq!(ok.0.expect("blocking after async"), "wh_1");
    assert!(ok.1 < Duration::from_secs(2), "took {:?}", ok.1);
}

/// The async client keeps working after the blocking wrapper (and its
/// runtime) is gone.
#[test]
fn async_clone_outlives_the_blocking_client() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(start());
    let shared = async_client(&server.uri());
    let c = Blocking::from_async(shared.clone()).unwrap();
    c.get_webhook("wh_1").send().expect("blocking");
    let copy = c.clone();
    drop(c);
    copy.get_webhook("wh_1")
        .send()
        .expect("a clone keeps the runtime");
    drop(copy);
    let hook = within(20, "async after blocking dropped", move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async { shared.get_webhook("wh_1").await.map(|h| h.id) })
    });
    assert_eq!(hook.expect("pooled connection of a dead runtime"), "wh_1");
}
