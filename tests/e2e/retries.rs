//! Retries: which statuses and failures are retried, how many attempts an
//! exhausted call reports, `Retry-After` (seconds and HTTP dates) and its
//! cap, transport failures of idempotent and non-idempotent requests, and
//! the backoff curve.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use phala_cloud::types::RestartCvmBody;
use phala_cloud::{PhalaCloud, RetryPolicy, UploadFile};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::*;

const KEY: &str = "phak_SECRET_123";
const WEBHOOK: &str = r#"{"id":"wh_1","url":"https://example.com/hook","enabled":true,"events":["cvm.created"],"created_at":"2026-01-21T10:00:00Z","updated_at":"2026-01-21T10:00:00Z"}"#;
const VM: &str = r#"{"id":1,"name":"vm","app_id":"app_1","created_at":"2026-01-21T10:00:00Z","disk_size":10,"memory":1024,"status":"running","teepod_id":1,"vcpu":1}"#;

/// The default policy with tiny delays.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn client(base: String, policy: RetryPolicy) -> PhalaCloud {
    PhalaCloud::builder()
        .api_key(KEY)
        .base_url(base)
        .retry_policy(policy)
        .build()
        .unwrap()
}

/// Answers with the i-th template, repeating the last one.
struct Seq(Vec<ResponseTemplate>, AtomicUsize);

impl Respond for Seq {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.1.fetch_add(1, Ordering::SeqCst);
        self.0[i.min(self.0.len() - 1)].clone()
    }
}

async fn serve(templates: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Seq(templates, AtomicUsize::new(0)))
        .mount(&server)
        .await;
    server
}

async fn count(server: &MockServer) -> usize {
    let received = server.received_requests().await.unwrap();
    for r in &received {
        assert_eq!(
            r.headers.get("x-api-key").unwrap(),
            KEY,
            "every attempt has the key"
        );
    }
    received.len()
}

fn ok() -> ResponseTemplate {
    json_raw(200, WEBHOOK)
}

fn status(code: u16, body: &str) -> ResponseTemplate {
    json_raw(code, body)
}

#[tokio::test]
async fn two_503s_then_200_succeeds_after_three_requests() {
    let server = serve(vec![status(503, "{}"), status(503, "{}"), ok()]).await;
    let c = client(server.uri(), fast());
    let hook = c.get_webhook("wh_1").await.expect("third attempt succeeds");
    assert_eq!(hook.id, "wh_1");
    assert_eq!(count(&server).await, 3);
}

#[tokio::test]
async fn always_503_returns_the_last_error_after_three_attempts() {
    assert_eq!(RetryPolicy::default().retries(), 2);
    let server = serve(
        (1..=5)
            .map(|i| status(503, &format!(r#"{{"detail":"down {i}"}}"#)))
            .collect(),
    )
    .await;
    let c = client(server.uri(), fast());
    let err = c.get_webhook("wh_1").await.expect_err("exhausted");
    assert_eq!(count(&server).await, 3);
    assert_eq!(err.attempts(), 3);
    assert!(err.is_server(), "{err:?}");
    assert!(
        matches!(
            &err,
            phala_cloud::PhalaCloudError::Api(phala_cloud::ApiError::Server(_))
        ),
        "{err:?}"
    );
    let api = err.as_api().unwrap();
    assert_eq!(api.status_code(), 503);
    assert_eq!(api.body(), r#"{"detail":"down 3"}"#, "the LAST body");
    assert_eq!(api.message(), "down 3");
    assert!(err.to_string().contains("after 3 attempts"), "{err}");

    // The safe twin reports the same.
    let safe = c.safe_get_webhook("wh_1").await;
    assert!(!safe.ok);
    assert_eq!(safe.error.unwrap().attempts(), 3);
}

#[tokio::test]
async fn max_retries_zero_sends_exactly_one_request() {
    let server = serve(vec![status(503, "{}"), ok()]).await;
    let err = client(server.uri(), fast().max_retries(0))
        .get_webhook("wh_1")
        .await
        .expect_err("no retry");
    assert_eq!(count(&server).await, 1);
    assert_eq!(err.attempts(), 1);
    assert!(!err.to_string().contains("attempts"), "{err}");

    let server = serve(vec![status(503, "{}"), ok()]).await;
    let none = client(server.uri(), RetryPolicy::none());
    assert!(none.get_webhook("wh_1").await.is_err());
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn retryable_statuses_are_retried_once_then_succeed() {
    for code in [429, 502, 503, 504] {
        let server = serve(vec![status(code, "{}"), ok()]).await;
        let c = client(server.uri(), fast());
        c.get_webhook("wh_1")
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(count(&server).await, 2, "status {code}");
    }
}

#[tokio::test]
async fn conflict_without_error_code_is_retried() {
    let server = serve(vec![status(409, r#"{"detail":"busy"}"#), ok()]).await;
    client(server.uri(), fast())
        .get_webhook("wh_1")
        .await
        .expect("retried after the transient conflict");
    assert_eq!(count(&server).await, 2);

    let server = serve(vec![status(409, r#"{"detail":"still busy"}"#)]).await;
    let err = client(server.uri(), fast())
        .get_webhook("wh_1")
        .await
        .unwrap_err();
    assert_eq!(count(&server).await, 3);
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.attempts(), 3);
    let api = err.as_api().unwrap();
    assert_eq!(
        api.body(),
        r#"{"detail":"still busy"}"#,
        "body kept after the 409 peek"
    );
    assert_eq!(api.message(), "still busy");
}

#[tokio::test]
async fn conflict_with_error_code_is_a_resource_error_and_not_retried() {
    let body =
        r#"{"detail":"app id in use","error_code":"ERR-02-003","suggestions":["pick another"]}"#;
    let server = serve(vec![status(409, body), ok()]).await;
    let err = client(server.uri(), fast())
        .get_webhook("wh_1")
        .await
        .expect_err("not retried");
    assert_eq!(count(&server).await, 1);
    assert!(err.is_resource(), "{err:?}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.as_api().unwrap().body(), body);
    assert_eq!(err.suggestions(), ["pick another"]);
}

#[tokio::test]
async fn other_4xx_and_500_are_not_retried() {
    for code in [400, 401, 403, 404, 422, 465, 500] {
        let server = serve(vec![status(code, r#"{"detail":"no"}"#), ok()]).await;
        let err = client(server.uri(), fast())
            .get_webhook("wh_1")
            .await
            .expect_err("not retried");
        assert_eq!(count(&server).await, 1, "status {code}");
        assert_eq!(err.status_code(), Some(code));
        assert_eq!(err.attempts(), 1);
    }
}

/// The brief: "Not retried: ResourceError (body has `error_code`)"; the
/// transport docs: "Never retried: a structured (`error_code`) error".
#[tokio::test]
async fn structured_error_on_a_retryable_status_is_not_retried() {
    for code in [429, 503] {
        let body = r#"{"detail":"quota","error_code":"ERR-01-001"}"#;
        let server = serve(vec![status(code, body), ok()]).await;
        let result = client(server.uri(), fast()).get_webhook("wh_1").await;
        assert_eq!(
            count(&server).await,
            1,
            "{code} with error_code was retried; result {result:?}"
        );
        assert!(result.unwrap_err().is_resource());
    }
}

async fn timed(server: &MockServer, policy: RetryPolicy) -> (Duration, usize) {
    let c = client(server.uri(), policy);
    let started = Instant::now();
    c.get_webhook("wh_1").await.expect("retry succeeds");
    (started.elapsed(), count(server).await)
}

#[tokio::test]
async fn retry_after_seconds_is_honoured_and_capped() {
    let server = serve(vec![
        status(429, "{}").insert_header("retry-after", "1"),
        ok(),
    ])
    .await;
    let (elapsed, n) = timed(&server, fast()).await;
    eprintln!("Retry-After: 1 -> waited {elapsed:?}");
    assert_eq!(n, 2);
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");

    let cap = fast().max_retry_after(Duration::from_millis(100));
    let server = serve(vec![
        status(429, "{}").insert_header("retry-after", "1"),
        ok(),
    ])
    .await;
    let (elapsed, n) = timed(&server, cap.clone()).await;
    eprintln!("Retry-After: 1, cap 100ms -> waited {elapsed:?}");
    assert_eq!(n, 2);
    assert!(elapsed >= Duration::from_millis(90), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");

    let server = serve(vec![
        status(503, "{}").insert_header("retry-after", "3600"),
        ok(),
    ])
    .await;
    let (elapsed, _) = timed(&server, cap).await;
    eprintln!("Retry-After: 3600, cap 100ms -> waited {elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");

    // Unparseable: falls back to the (tiny) backoff.
    let server = serve(vec![
        status(503, "{}").insert_header("retry-after", "soon"),
        ok(),
    ])
    .await;
    let (elapsed, n) = timed(&server, fast()).await;
    assert_eq!(n, 2);
    assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = serve(vec![
        status(503, "{}").insert_header("retry-after", when.as_str()),
        ok(),
    ])
    .await;
    let (elapsed, n) = timed(&server, fast()).await;
    eprintln!("Retry-After: {when} (now + 2 s, whole seconds) -> waited {elapsed:?}");
    assert_eq!(n, 2);
    // The date has whole seconds, so the real wait is between 1 and 2 s.
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");

    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
    let server = serve(vec![
        status(503, "{}").insert_header("retry-after", past.as_str()),
        ok(),
    ])
    .await;
    let (elapsed, n) = timed(&server, fast()).await;
    assert_eq!(n, 2);
    assert!(
        elapsed < Duration::from_millis(500),
        "past date: {elapsed:?}"
    );
}

// ---------------------------------------------------------------------------
// Transport failures: a raw server that drops the first connections.
// ---------------------------------------------------------------------------

/// Serves on 127.0.0.1: drops the first `drop_first` connections right after
/// accepting them, then answers each with `status` and `body`. Counts accepts.
fn raw_server(drop_first: usize, status: &str, body: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let accepts = Arc::new(AtomicUsize::new(0));
    let counter = accepts.clone();
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline && counter.load(Ordering::SeqCst) < drop_first + 8 {
            let stream = match listener.accept() {
                Ok((s, _)) => s,
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                }
            };
            if counter.fetch_add(1, Ordering::SeqCst) < drop_first {
                drop(stream);
                continue;
            }
            answer(stream, &response);
        }
    });
    (format!("http://{addr}"), accepts)
}

/// Reads one request (headers and `content-length` bytes, bounded) and answers.
fn answer(mut stream: std::net::TcpStream, response: &str) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    for _ in 0..1000 {
        let text = String::from_utf8_lossy(&buf).to_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                break;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}

#[tokio::test]
async fn idempotent_get_and_delete_are_retried_after_transport_failures() {
    let (base, accepts) = raw_server(2, "200 OK", WEBHOOK);
    let hook = client(base, fast()).get_webhook("wh_1").await;
    assert_eq!(hook.expect("third connection answers").id, "wh_1");
    assert_eq!(accepts.load(Ordering::SeqCst), 3);

    let (base, accepts) = raw_server(1, "204 No Content", "");
    client(base, fast())
        .delete_cvm("cvm_1")
        .await
        .expect("DELETE retried");
    assert_eq!(accepts.load(Ordering::SeqCst), 2);

    let (base, accepts) = raw_server(100, "200 OK", WEBHOOK);
    let err = client(base, fast()).get_webhook("wh_1").await.unwrap_err();
    assert_eq!(accepts.load(Ordering::SeqCst), 3);
    assert!(err.is_request(), "{err:?}");
    assert_eq!(err.attempts(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn post_is_not_retried_after_a_transport_failure_unless_opted_in() {
    let (base, accepts) = raw_server(1, "200 OK", VM);
    let err = client(base, fast())
        .restart_cvm("cvm_1", RestartCvmBody::default())
        .await
        .expect_err("POST not retried");
    assert!(err.is_request(), "{err:?}");
    assert_eq!(err.attempts(), 1);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(accepts.load(Ordering::SeqCst), 1);

    let (base, accepts) = raw_server(1, "200 OK", VM);
    let vm = client(base, fast().retry_non_idempotent(true))
        .restart_cvm("cvm_1", RestartCvmBody::new().force(true))
        .await
        .expect("retried when opted in");
    assert_eq!(vm.id(), "1");
    assert_eq!(accepts.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn post_is_retried_on_503_with_retry_after_with_the_same_body() {
    let server = serve(vec![
        status(503, "{}").insert_header("retry-after", "0"),
        json_raw(200, VM),
    ])
    .await;
    client(server.uri(), fast())
        .restart_cvm("cvm_1", RestartCvmBody::new().force(true))
        .await
        .expect("a 503 with Retry-After is retried for POST too");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].body, received[1].body);
    assert_eq!(received[1].method.as_str(), "POST");
    let body: serde_json::Value = serde_json::from_slice(&received[1].body).unwrap();
    assert_eq!(body, serde_json::json!({"force": true}));
}

#[tokio::test]
async fn multipart_patch_transport_failure_not_retried_by_default() {
    let (base, accepts) = raw_server(1, "200 OK", "{}");
    let err = client(base, fast())
        .update_pre_launch_script("cvm_1")
        .file(UploadFile::new("s.sh", b"#!/bin/sh\ntrue\n".to_vec()))
        .await
        .expect_err("PATCH not retried");
    assert!(err.is_request(), "{err:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(accepts.load(Ordering::SeqCst), 1);
}

/// A 503 with `Retry-After` is retried for any method, and POST/PATCH are
/// retried after a transport failure when opted in. The multipart PATCH body
/// is built in memory from `UploadFile` bytes, yet sent as a stream that
/// cannot be cloned.
#[tokio::test]
async fn multipart_patch_is_retried_on_503_and_when_opted_in() {
    let server = serve(vec![
        status(503, "{}").insert_header("retry-after", "0"),
        json_raw(200, "{}"),
    ])
    .await;
    let result = client(server.uri(), fast())
        .update_pre_launch_script("cvm_1")
        .file(UploadFile::new("s.sh", b"true".to_vec()))
        .await;
    let n = count(&server).await;
    assert_eq!(n, 2, "multipart PATCH on 503: {n} request(s), {result:?}");

    let (base, accepts) = raw_server(1, "200 OK", "{}");
    let result = client(base, fast().retry_non_idempotent(true))
        .update_pre_launch_script("cvm_1")
        .file(UploadFile::new("s.sh", b"true".to_vec()))
        .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let n = accepts.load(Ordering::SeqCst);
    assert_eq!(
        n, 2,
        "opted-in multipart PATCH: {n} connection(s), {result:?}"
    );
}

#[test]
fn backoff_grows_exponentially_with_half_jitter_and_stays_capped() {
    let p = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_secs(1));
    let ms = |n: u64| Duration::from_millis(n);
    let expected = [
        (1, 100),
        (2, 200),
        (3, 400),
        (4, 800),
        (5, 1000),
        (6, 1000),
        (40, 1000),
    ];
    for (retry, full) in expected {
        for _ in 0..200 {
            let d = p.backoff(retry);
            assert!(d >= ms(full / 2) && d <= ms(full), "retry {retry}: {d:?}");
        }
    }
    // Growth: the smallest wait of retry n+1 is the largest of retry n.
    for retry in 1..4 {
        let max_n = (0..200).map(|_| p.backoff(retry)).max().unwrap();
        let min_next = (0..200).map(|_| p.backoff(retry + 1)).min().unwrap();
        assert!(min_next >= max_n, "{retry}: {max_n:?} vs {min_next:?}");
    }
    for retry in [u32::MAX, 1000, 33, 32, 31] {
        assert!(p.backoff(retry) <= ms(1000));
    }
    let d = RetryPolicy::default();
    assert!((0..100).all(|_| (ms(250)..=ms(500)).contains(&d.backoff(1))));
    assert!((0..100).all(|_| (ms(4000)..=ms(8000)).contains(&d.backoff(20))));
    let jittered: std::collections::BTreeSet<_> = (0..50).map(|_| d.backoff(3)).collect();
    assert!(jittered.len() > 1, "jitter");
    assert_eq!(RetryPolicy::none().retries(), 0);
}

// ---------------------------------------------------------------------------
// Retry safety (issue 15): a POST is retried by default only when the server
// certainly did not act on it.
// ---------------------------------------------------------------------------

const PROVISION: &str = r#"{"app_id":"app_1","compose_hash":"abc"}"#;

fn provision_body() -> phala_cloud::types::ProvisionDstackAppRequestV2 {
    serde_json::from_value(serde_json::json!({
        "name": "demo",
        "instance_type": "tdx.small",
        "compose_file": {"name": "demo", "docker_compose_file": "services: {}"}
    }))
    .expect("a minimal provision body")
}

#[tokio::test]
async fn post_reaches_the_server_once_on_409_502_503_504_by_default() {
    for (code, body) in [
        (409, r#"{"detail":"operation in progress"}"#),
        (502, "{}"),
        (503, "{}"),
        (504, "{}"),
    ] {
        let server = serve(vec![status(code, body), json_raw(200, PROVISION)]).await;
        let err = client(server.uri(), fast())
            .provision_cvm(provision_body())
            .await
            .expect_err("not retried");
        assert_eq!(count(&server).await, 1, "POST on {code}");
        assert_eq!(err.status_code(), Some(code));
        assert_eq!(err.attempts(), 1);

        // Opted in, the same status is retried like a GET.
        let server = serve(vec![status(code, body), json_raw(200, PROVISION)]).await;
        client(server.uri(), fast().retry_non_idempotent(true))
            .provision_cvm(provision_body())
            .await
            .unwrap_or_else(|e| panic!("opted in, {code}: {e}"));
        assert_eq!(count(&server).await, 2, "opted-in POST on {code}");
    }
}

#[tokio::test]
async fn post_is_retried_up_to_the_count_on_429_and_503_with_retry_after() {
    for template in [
        status(429, "{}"),
        status(429, "{}").insert_header("retry-after", "0"),
        status(503, "{}").insert_header("retry-after", "0"),
    ] {
        let server = serve(vec![template]).await;
        let err = client(server.uri(), fast())
            .provision_cvm(provision_body())
            .await
            .expect_err("every attempt fails");
        assert_eq!(count(&server).await, 3, "{err}");
        assert_eq!(err.attempts(), 3);
        let received = server.received_requests().await.unwrap();
        assert!(received.iter().all(|r| r.method.as_str() == "POST"));
        assert!(received.windows(2).all(|w| w[0].body == w[1].body));
    }
}

#[tokio::test]
async fn post_is_retried_when_the_connection_was_refused() {
    // Nothing listens on this port once the listener is dropped.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(format!("http://127.0.0.1:{port}"), fast())
        .provision_cvm(provision_body())
        .await
        .expect_err("refused");
    assert!(err.is_request(), "{err:?}");
    assert_eq!(err.attempts(), 3, "a refused connect never wrote the POST");
    assert!(
        err.to_string()
            .to_lowercase()
            .contains("connection refused"),
        "Display names the cause: {err}"
    );
}

#[tokio::test]
async fn the_time_budget_stops_retries_that_would_end_past_it() {
    // Retry-After: 2 s against a 1 s budget: answered at once with the 503.
    let server = serve(vec![
        status(503, r#"{"detail":"later"}"#).insert_header("retry-after", "2"),
        ok(),
    ])
    .await;
    let started = Instant::now();
    let err = client(server.uri(), fast().max_elapsed(Duration::from_secs(1)))
        .get_webhook("wh_1")
        .await
        .expect_err("no retry past the budget");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(count(&server).await, 1);
    assert_eq!(err.status_code(), Some(503));

    // The default budget (30 s) cuts the old worst case: Retry-After: 30 on
    // every attempt used to wait 60 s; now the first wait would already end
    // past the budget, so the 503 comes back at once.
    let server = serve(vec![status(503, "{}").insert_header("retry-after", "30")]).await;
    let started = Instant::now();
    let err = client(server.uri(), RetryPolicy::default())
        .get_webhook("wh_1")
        .await
        .expect_err("503");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.attempts(), 1);

    // Within the budget, retries go on as before.
    let server = serve(vec![status(503, "{}"), status(503, "{}"), ok()]).await;
    client(server.uri(), fast().max_elapsed(Duration::from_secs(5)))
        .get_webhook("wh_1")
        .await
        .expect("two quick retries fit");
    assert_eq!(count(&server).await, 3);
}
