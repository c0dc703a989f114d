//! Client throughput against a local HTTP server on 127.0.0.1 that returns
//! a fixed, realistic `get_cvm_info` body: the blocking client sequentially,
//! the async client at concurrency 1 and 32, and a raw `reqwest` + serde
//! baseline doing the same request and decode by hand (the floor the SDK's
//! overhead is measured against). Also the cost of error responses, and the
//! Python SDK's sync and async clients on the same server when set up.
//! `cargo bench --bench client`; prints figures, ratios from the same run.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use phala_cloud::{PhalaCloud, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CALLS: usize = 4000;
const CONCURRENCY: usize = 32;

/// A keep-alive HTTP/1.1 server answering every request with `status` and `body`.
async fn serve(status: &'static str, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-request-id: req-bench\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut pending = Vec::new();
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn client(base: &str) -> PhalaCloud {
    PhalaCloud::builder()
        .api_key("phak_bench")
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

struct Figure {
    name: String,
    calls: usize,
    elapsed: Duration,
}

impl Figure {
    fn per_sec(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }
    fn micros(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1e6 / self.calls as f64
    }
}

async fn async_calls(c: &PhalaCloud, calls: usize, concurrency: usize) -> Duration {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..calls / concurrency {
                c.get_cvm_info("cvm_bench").await.expect("decodes");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed()
}

/// One request and decode by hand: what the SDK's call does, without it.
async fn raw_call(http: &reqwest::Client, url: &str) {
    let bytes = http
        .get(url)
        .header("x-api-key", "phak_bench")
        .header("x-phala-version", phala_cloud::DEFAULT_API_VERSION)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let _: phala_cloud::types::GetCvmInfoResponse = serde_json::from_slice(&bytes).unwrap();
}

async fn raw_calls(base: &str, calls: usize, concurrency: usize) -> Duration {
    let http = reqwest::Client::new();
    let url = format!("{base}/api/v1/cvms/cvm_bench");
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, url) = (http.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..calls / concurrency {
                raw_call(&http, &url).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed()
}

/// [`raw_calls`] at concurrency 1 without spawning: on whatever thread
/// drives the future.
async fn raw_calls_here(base: &str, calls: usize) -> Duration {
    let http = reqwest::Client::new();
    let url = format!("{base}/api/v1/cvms/cvm_bench");
    let start = Instant::now();
    for _ in 0..calls {
        raw_call(&http, &url).await;
    }
    start.elapsed()
}

/// Seconds the Python SDK took for `calls` calls through `bench/python_sdk.py`
/// (the async client with `concurrency` tasks, the sync one without), or
/// `None` when that Python is not set up.
fn python_seconds(
    python: &str,
    base: &str,
    calls: usize,
    concurrency: Option<usize>,
) -> Option<f64> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/python_sdk.py");
    let mut command = std::process::Command::new(python);
    command.args([script, base, &calls.to_string()]);
    if let Some(n) = concurrency {
        command.arg(n.to_string());
    }
    let out = command.output().ok().filter(|o| o.status.success())?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<f64>().ok())
}

/// The Python SDK's sync client and its async client at concurrency 32 on
/// the same server, when a Python 3.10 with phala-cloud 0.2.0 is at
/// `bench/.venv` (or `PHALA_BENCH_PYTHON`); each compared with the Rust
/// client of the same kind.
fn python_sdk(rt: &tokio::runtime::Runtime, base: &str, figures: &[Figure]) {
    let _guard = rt.enter();
    let python = std::env::var("PHALA_BENCH_PYTHON").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/bench/.venv/bin/python").to_owned()
    });
    let calls = 1000;
    let kinds = [
        ("python sdk 0.2.0, sync", None, "blocking, sequential"),
        (
            "python sdk 0.2.0, async, concurrency 32",
            Some(CONCURRENCY),
            "async, concurrency 32",
        ),
    ];
    for (name, concurrency, rust) in kinds {
        // The median of three runs, each its own process.
        let mut runs: Vec<f64> = (0..3)
            .filter_map(|_| python_seconds(&python, base, calls, concurrency))
            .collect();
        runs.sort_by(f64::total_cmp);
        let Some(&secs) = runs.get(runs.len() / 2).filter(|_| runs.len() == 3) else {
            println!("  {name}: not measured ({python} with phala-cloud 0.2.0 not available; see bench/python_sdk.py)");
            continue;
        };
        let py = Figure {
            name: name.into(),
            calls,
            elapsed: Duration::from_secs_f64(secs),
        };
        println!(
            "  {:<40} {:>9.0} calls/s {:>8.1} us/call",
            py.name,
            py.per_sec(),
            py.micros()
        );
        if let Some(f) = figures.iter().find(|f| f.name == rust) {
            println!(
                "  {} vs {}: {:.1}x the calls/s",
                f.name,
                py.name,
                f.per_sec() / py.per_sec()
            );
        }
    }
}

/// Every figure is the median of this many rounds.
const ROUNDS: usize = 5;

/// A measure: its name and one round of [`CALLS`] calls, timed.
type Round<'a> = (String, Box<dyn FnMut() -> Duration + 'a>);

/// The median of [`ROUNDS`] rounds of each measure. Rounds are interleaved
/// (every measure once, then again), so that a slow spell of the machine
/// falls on all of them alike and the ratios stay fair.
fn measure_all(mut rounds: Vec<Round<'_>>) -> Vec<Figure> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); rounds.len()];
    for _ in 0..ROUNDS {
        for ((_, round), times) in rounds.iter_mut().zip(&mut times) {
            times.push(round());
        }
    }
    rounds
        .into_iter()
        .zip(times)
        .map(|((name, _), mut times)| {
            times.sort();
            Figure {
                name,
                calls: CALLS,
                elapsed: times[ROUNDS / 2],
            }
        })
        .collect()
}

/// Threads sharing one blocking client in the multi-threaded figure.
const THREADS: usize = 16;

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let body = common::cvm_detail_json("cvm_bench").to_string();
    let base = rt.block_on(serve("200 OK", body));
    let c = client(&base);
    let blocking = phala_cloud::blocking::PhalaCloud::from_async(client(&base)).unwrap();
    // The blocking client's floor: raw reqwest + serde driven on the
    // calling thread by a current-thread runtime, as the blocking client is.
    let local = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Warm up connections and caches.
    rt.block_on(async_calls(&c, 200, 1));
    rt.block_on(raw_calls(&base, 200, 1));
    local.block_on(raw_calls_here(&base, 200));
    blocking.get_cvm_info("cvm_bench").send().unwrap();

    let mut rounds: Vec<Round<'_>> = vec![
        (
            "blocking, sequential".into(),
            Box::new(|| {
                let start = Instant::now();
                for _ in 0..CALLS {
                    blocking.get_cvm_info("cvm_bench").send().expect("decodes");
                }
                start.elapsed()
            }),
        ),
        (
            "raw reqwest + serde, caller's thread".into(),
            Box::new(|| local.block_on(raw_calls_here(&base, CALLS))),
        ),
        (
            format!("blocking, {THREADS} threads, one client"),
            Box::new(|| {
                let start = Instant::now();
                std::thread::scope(|scope| {
                    for _ in 0..THREADS {
                        scope.spawn(|| {
                            for _ in 0..CALLS / THREADS {
                                blocking.get_cvm_info("cvm_bench").send().expect("decodes");
                            }
                        });
                    }
                });
                start.elapsed()
            }),
        ),
    ];
    for concurrency in [1, CONCURRENCY] {
        let (c, rt, base) = (&c, &rt, &base);
        rounds.push((
            format!("async, concurrency {concurrency}"),
            Box::new(move || rt.block_on(async_calls(c, CALLS, concurrency))),
        ));
        rounds.push((
            format!("raw reqwest + serde, concurrency {concurrency}"),
            Box::new(move || rt.block_on(raw_calls(base, CALLS, concurrency))),
        ));
    }
    let figures = measure_all(rounds);
    println!(
        "client throughput, {CALLS} get_cvm_info calls against 127.0.0.1 ({} body bytes), median of {ROUNDS} interleaved rounds:",
        common::cvm_detail_json("x").to_string().len()
    );
    for f in &figures {
        println!(
            "  {:<40} {:>9.0} calls/s {:>8.1} us/call",
            f.name,
            f.per_sec(),
            f.micros()
        );
    }
    let find = |name: &str| figures.iter().find(|f| f.name == name).unwrap();
    println!(
        "  blocking overhead: {:.2}x the raw floor on the caller's thread (us/call)",
        find("blocking, sequential").micros()
            / find("raw reqwest + serde, caller's thread").micros()
    );
    for concurrency in [1, CONCURRENCY] {
        let sdk = figures
            .iter()
            .find(|f| f.name == format!("async, concurrency {concurrency}"))
            .unwrap();
        let raw = figures
            .iter()
            .find(|f| f.name == format!("raw reqwest + serde, concurrency {concurrency}"))
            .unwrap();
        println!(
            "  overhead at concurrency {concurrency}: {:.2}x the raw floor (us/call)",
            sdk.micros() / raw.micros()
        );
    }

    python_sdk(&rt, &base, &figures);

    println!("error path, 2000 calls each (classification included):");
    for (status, body) in [
        ("401 Unauthorized", r#"{"detail":"Invalid API key"}"#.to_owned()),
        ("409 Conflict", r#"{"error_code":"ERR-03-007","message":"app_id conflict","details":[{"field":"app_id"}],"suggestions":["Provision again"]}"#.to_owned()),
        ("422 Unprocessable Entity", r#"{"detail":[{"loc":["body","name"],"msg":"Field required","type":"missing"}]}"#.to_owned()),
        ("502 Bad Gateway", "<html><body><h1>502 Bad Gateway</h1></body></html>".to_owned()),
    ] {
        let base = rt.block_on(serve(status, body));
        let c = client(&base);
        let start = Instant::now();
        rt.block_on(async {
            for _ in 0..2000 {
                assert!(c.get_cvm_info("cvm_bench").await.is_err());
            }
        });
        let f = Figure { name: status.into(), calls: 2000, elapsed: start.elapsed() };
        println!("  {:<40} {:>9.0} calls/s {:>8.1} us/call", f.name, f.per_sec(), f.micros());
    }
}
