//! Peak heap memory while a whole body is read (issue 28): an error body,
//! a body the retry classifier reads, a raw or bytes body, and a 2xx body
//! that fails to decode, each 30 MB (just under the 32 MiB default cap),
//! with `Content-Length` and chunked, plus one 100 MB body under a 128 MiB
//! cap. The heap may grow by at most twice the cap during the call.
//!
//! A counting global allocator keeps the bytes allocated now and their
//! peak. A `realloc` that grows is counted as if the block moved (old and
//! new both held for a moment), which over-counts an allocator that grows
//! in place. The bodies are built once before any measure and served from
//! a raw TCP server on 127.0.0.1 that allocates nothing per request, so the
//! growth is the client's. The cases run one at a time (a lock), since
//! other tests' allocations would count too. Run with `--nocapture` to see
//! the figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use phala_cloud::{Method, PhalaCloud, PhalaCloudError, RetryPolicy};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call goes to `System` unchanged; only counters are kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old {
            // Both blocks, as if it moved.
            let both = CURRENT.load(Ordering::SeqCst) + new_size;
            PEAK.fetch_max(both, Ordering::SeqCst);
        }
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size > old {
                grew(new_size - old);
            } else {
                CURRENT.fetch_sub(old - new_size, Ordering::SeqCst);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: usize = 1_000_000;
const MIB: u64 = 1024 * 1024;

/// Runs `call` on a fresh runtime and returns its result and the heap's
/// growth at its peak over what was allocated before it.
fn measure<T>(call: impl std::future::Future<Output = T>) -> (T, usize) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(60), call)
            .await
            .expect("the call ends within 60 s")
    });
    let peak = PEAK.load(Ordering::SeqCst) - base;
    (out, peak)
}

/// Serves every request on a fresh port with `status` and `body`
/// (`Content-Length` or chunked in 64 KiB chunks), from a thread that
/// allocates nothing per request. It stops when the test process ends.
fn serve(status: u16, content_type: &'static str, body: &'static [u8], chunked: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
            let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
            let _ = answer(&mut stream, status, content_type, body, chunked);
        }
    });
    base
}

fn answer(
    stream: &mut std::net::TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    chunked: bool,
) -> std::io::Result<()> {
    // Reads the request head into a fixed buffer, keeping its last 4 bytes.
    let (mut buf, mut tail) = ([0u8; 4096], [0u8; 4]);
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        for &b in &buf[..n] {
            tail = [tail[1], tail[2], tail[3], b];
        }
        if &tail == b"\r\n\r\n" {
            break;
        }
    }
    write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\n"
    )?;
    if !chunked {
        write!(
            stream,
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )?;
        return stream.write_all(body);
    }
    stream.write_all(b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n")?;
    for chunk in body.chunks(64 * 1024) {
        write!(stream, "{:x}\r\n", chunk.len())?;
        stream.write_all(chunk)?;
        stream.write_all(b"\r\n")?;
    }
    stream.write_all(b"0\r\n\r\n")
}

/// A body built once and kept for the whole run.
fn built(cell: &'static OnceLock<Vec<u8>>, build: fn() -> Vec<u8>) -> &'static [u8] {
    cell.get_or_init(build)
}

/// `{prefix}` + `item` repeated to about `size` bytes + `suffix`.
fn repeated(prefix: &str, item: &str, separator: &str, suffix: &str, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + item.len() * 2);
    out.extend_from_slice(prefix.as_bytes());
    while out.len() + item.len() + suffix.len() < size {
        if out.len() > prefix.len() {
            out.extend_from_slice(separator.as_bytes());
        }
        out.extend_from_slice(item.as_bytes());
    }
    out.extend_from_slice(suffix.as_bytes());
    out
}

static TEXT: OnceLock<Vec<u8>> = OnceLock::new();
static MESSAGE: OnceLock<Vec<u8>> = OnceLock::new();
static ARRAY: OnceLock<Vec<u8>> = OnceLock::new();
static DETAILS: OnceLock<Vec<u8>> = OnceLock::new();
static INVALID: OnceLock<Vec<u8>> = OnceLock::new();
static TEXT_100: OnceLock<Vec<u8>> = OnceLock::new();
static NOT_UTF8: OnceLock<Vec<u8>> = OnceLock::new();
static ESCAPED: OnceLock<Vec<u8>> = OnceLock::new();

fn text_body() -> Vec<u8> {
    repeated("", "upstream failed ", "", "", 30 * MB)
}
fn message_body() -> Vec<u8> {
    repeated(r#"{"message": ""#, "disk full ", "", r#""}"#, 30 * MB)
}
/// A message with an escape in every piece: it must be decoded, not borrowed.
fn escaped_body() -> Vec<u8> {
    repeated(r#"{"message": ""#, r"disk full\n", "", r#""}"#, 30 * MB)
}
fn array_body() -> Vec<u8> {
    repeated("[", "1", ",", "]", 30 * MB)
}
fn details_body() -> Vec<u8> {
    repeated(
        r#"{"error_code": "ERR-01-001", "message": "bad", "details": ["#,
        r#"{"field": "a", "value": 1}"#,
        ",",
        "]}",
        30 * MB,
    )
}
/// A 2xx body that decodes as no model: one huge field, the required ones missing.
fn invalid_body() -> Vec<u8> {
    repeated(r#"{"unexpected": ""#, "x", "", r#""}"#, 30 * MB)
}
/// Every byte an invalid UTF-8 sequence: as text, three times its size.
fn not_utf8_body() -> Vec<u8> {
    vec![0xFF; 30 * MB]
}
fn text_100_body() -> Vec<u8> {
    repeated("", "upstream failed ", "", "", 100 * MB)
}

fn client(base: &str, cap: Option<u64>) -> PhalaCloud {
    let mut builder = PhalaCloud::builder()
        .api_key("k")
        .base_url(base)
        .timeout(Duration::from_secs(60))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)));
    if let Some(cap) = cap {
        builder = builder.max_response_size(cap);
    }
    builder.build().unwrap()
}

fn framing(chunked: bool) -> &'static str {
    if chunked {
        "chunked"
    } else {
        "Content-Length"
    }
}

/// Prints and checks one measure against twice the cap.
fn check(what: &str, chunked: bool, peak: usize, cap: u64) {
    check_within(what, chunked, peak, cap, 2);
}

/// Prints and checks one measure against `times` the cap.
fn check_within(what: &str, chunked: bool, peak: usize, cap: u64, times: u64) {
    let mib = |n: f64| n / MIB as f64;
    println!(
        "memory: {what} ({}): peak {:.1} MiB (cap {:.0} MiB, {:.2}x)",
        framing(chunked),
        mib(peak as f64),
        mib(cap as f64),
        peak as f64 / cap as f64
    );
    assert!(
        peak as u64 <= times * cap,
        "{what}: peak {peak} bytes is over {times} times the cap of {cap}"
    );
}

fn api_error(result: Result<impl std::fmt::Debug, PhalaCloudError>) -> phala_cloud::ApiError {
    match result {
        Err(PhalaCloudError::Api(e)) => e,
        other => panic!("expected an API error, got {:?}", other.map(|_| ())),
    }
}

const CAP: u64 = phala_cloud::DEFAULT_MAX_RESPONSE_SIZE;

#[test]
fn a_30_mb_text_error_body() {
    let _one = crate::alone();
    let body = built(&TEXT, text_body);
    for chunked in [false, true] {
        let base = serve(500, "text/plain", body, chunked);
        let c = client(&base, None);
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send());
        let e = api_error(result);
        assert!(e.is_server());
        assert_eq!(e.body().len(), body.len());
        assert!(e.message().starts_with("upstream failed"));
        check("30 MB text error body", chunked, peak, CAP);
    }
}

#[test]
fn a_30_mb_json_error_body_with_a_huge_message() {
    let _one = crate::alone();
    let body = built(&MESSAGE, message_body);
    for chunked in [false, true] {
        let base = serve(400, "application/json", body, chunked);
        let c = client(&base, None);
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send());
        let e = api_error(result);
        assert!(e.message().starts_with("disk full disk full"));
        assert_eq!(e.message().len(), body.len() - r#"{"message": ""}"#.len());
        check("30 MB JSON error body, huge message", chunked, peak, CAP);
    }
    let escaped = built(&ESCAPED, escaped_body);
    for chunked in [false, true] {
        let base = serve(400, "application/json", escaped, chunked);
        let c = client(&base, None);
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send());
        let e = api_error(result);
        assert!(e.message().starts_with("disk full\ndisk full\n"));
        check(
            "30 MB JSON error body, huge escaped message",
            chunked,
            peak,
            CAP,
        );
    }
}

#[test]
fn a_30_mb_json_error_body_that_is_an_array() {
    let _one = crate::alone();
    let body = built(&ARRAY, array_body);
    for chunked in [false, true] {
        let base = serve(422, "application/json", body, chunked);
        let c = client(&base, None);
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send());
        let e = api_error(result);
        assert!(e.as_resource().is_none());
        assert!(e.message().starts_with("[1,1,1"));
        check("30 MB JSON array error body", chunked, peak, CAP);
    }
}

#[test]
fn a_30_mb_error_code_body_with_big_details_through_the_retry_classifier() {
    let _one = crate::alone();
    let body = built(&DETAILS, details_body);
    for chunked in [false, true] {
        // A 503 to a GET is retryable, so the retry classifier reads the
        // body first: its `error_code` says not to retry.
        let base = serve(503, "application/json", body, chunked);
        let c = client(&base, None);
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send());
        let e = api_error(result);
        let resource = e.as_resource().expect("a structured error");
        assert_eq!(resource.error_code().as_str(), "ERR-01-001");
        assert_eq!(e.response().attempts(), 1, "not retried");
        check("30 MB error_code body, big details", chunked, peak, CAP);
        // Asked for, the details are parsed then (not measured).
        let details = resource.structured_details().unwrap().as_array().unwrap();
        assert_eq!(details[0]["field"], "a");
    }
}

#[test]
fn a_30_mb_2xx_body_read_raw_and_as_bytes() {
    let _one = crate::alone();
    let body = built(&TEXT, text_body);
    for chunked in [false, true] {
        let base = serve(200, "application/octet-stream", body, chunked);
        let c = client(&base, None);
        let (result, peak) = measure(c.request(Method::GET, "/big").send_raw());
        assert_eq!(result.unwrap().data().len(), body.len());
        check("30 MB 2xx body, send_raw()", chunked, peak, CAP);

        // The generated operation whose response is raw bytes.
        let (result, peak) = measure(c.get_raw_attestation("abc").send());
        assert_eq!(result.unwrap().len(), body.len());
        check("30 MB 2xx body, get_raw_attestation", chunked, peak, CAP);
    }
}

#[test]
fn a_30_mb_2xx_body_that_fails_validation() {
    let _one = crate::alone();
    let body = built(&INVALID, invalid_body);
    for chunked in [false, true] {
        let base = serve(200, "application/json", body, chunked);
        let c = client(&base, None);
        // A model the body does not fit (`status` is required).
        let (result, peak) = measure(c.get_cvm_state("cvm_1").send());
        let Err(PhalaCloudError::Validation(v)) = result else {
            panic!("expected a validation error")
        };
        assert_eq!(v.body().len(), body.len());
        check("30 MB 2xx body failing validation", chunked, peak, CAP);
    }
}

#[test]
fn a_30_mb_body_of_a_shape_a_version_union_does_not_know() {
    let _one = crate::alone();
    let body = built(&INVALID, invalid_body);
    for chunked in [false, true] {
        let base = serve(200, "application/json", body, chunked);
        let c = client(&base, None);
        // Kept as `Unknown` JSON (see the crate's `evolve` module).
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send_with_meta());
        let response = result.expect("an object of an unknown shape decodes");
        assert!(matches!(
            response.data(),
            phala_cloud::types::GetCvmInfoResponse::Unknown(_)
        ));
        assert_eq!(response.body().map(<[u8]>::len), Some(body.len()));
        check_within(
            "30 MB body a version union keeps as JSON",
            chunked,
            peak,
            CAP,
            3,
        );
    }
}

#[test]
fn a_30_mb_error_body_that_is_not_utf8() {
    let _one = crate::alone();
    let body = built(&NOT_UTF8, not_utf8_body);
    for chunked in [false, true] {
        let base = serve(500, "text/plain", body, chunked);
        let c = client(&base, None);
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send());
        // Each byte becomes U+FFFD (3 bytes); the text stops at the cap.
        let e = api_error(result);
        assert_eq!(e.body().len() as u64, CAP - CAP % 3);
        assert!(e.body().chars().all(|c| c == '\u{FFFD}'));
        check("30 MB error body, not UTF-8", chunked, peak, CAP);
    }
}

#[test]
fn a_100_mb_error_body_under_a_128_mib_cap() {
    let _one = crate::alone();
    let body = built(&TEXT_100, text_100_body);
    let cap = 128 * MIB;
    for chunked in [false, true] {
        let base = serve(500, "text/plain", body, chunked);
        let c = client(&base, Some(cap));
        let (result, peak) = measure(c.get_cvm_info("cvm_1").send());
        assert_eq!(api_error(result).body().len(), body.len());
        check("100 MB text error body", chunked, peak, cap);
    }
}
