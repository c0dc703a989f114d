//! `watch_cvm_state` and the waiters against a wiremock server on 127.0.0.1
//! that answers `text/event-stream` as the Phala API does: multi-line data,
//! comments, `retry:` fields, `timeout`/`error` events, a stream cut off
//! mid-event, a refused watch (429) and the polling fallback, on the async,
//! safe and blocking clients.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use phala_cloud::{CvmStateEvent, PhalaCloudError};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::*;

const STARTING_THEN_RUNNING: &str = "\
: the server's keep-alive comment\n\
retry: 3000\n\
event: state\n\
data: {\"id\": \"cvm_1\", \"name\": \"app\",\n\
data:  \"status\": \"starting\"}\n\
\n\
: another comment\n\
event: state\n\
data: {\"id\": \"cvm_1\", \"status\": \"running\"}\n\
\n\
event: complete\n\
data: {\"id\": \"cvm_1\", \"status\": \"running\"}\n\
\n\
event: state\n\
data: {\"status\": \"after the end\"}\n\
\n";

#[tokio::test]
async fn events_are_typed_across_multi_line_data_comments_and_retry_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_1/state"))
        .and(query_param("target", "running"))
        .and(query_param("interval", "5"))
        .and(query_param("timeout", "60"))
        .and(header("accept", "text/event-stream"))
        .and(header("x-api-key", "test-key"))
        .respond_with(sse(STARTING_THEN_RUNNING))
        .expect(1)
        .mount(&server)
        .await;
    let events: Vec<CvmStateEvent> = client(&server)
        .watch_cvm_state("cvm_1")
        .target("running")
        .interval(Duration::from_secs(5))
        .timeout(Duration::from_secs(60))
        .stream()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(events.len(), 3, "{events:?}");
    let CvmStateEvent::State(first) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (first.status.as_str(), first.name.as_deref()),
        ("starting", Some("app"))
    );
    assert!(matches!(&events[1], CvmStateEvent::State(s) if s.status == "running"));
    // The stream ends at `complete`: the event after it is not read.
    assert!(matches!(&events[2], CvmStateEvent::Complete(s) if s.status == "running"));
}

#[tokio::test]
async fn timeout_error_unknown_and_cut_off_events_are_kept_or_dropped_as_sse_says() {
    let server = MockServer::start().await;
    let body = "event: timeout\ndata: {\"message\": \"gave up\"}\n\n\
                event: error\ndata: {\"error\": \"boom\"}\n\n\
                event: progress\ndata: 40%\n\n\
                data: {\"no\": \"type\"}\n\n\
                event: state\ndata: {\"status\": \"cut off";
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(sse(body))
        .mount(&server)
        .await;
    let events: Vec<_> = client(&server)
        .watch_cvm_state("cvm_1")
        .target("running")
        .stream()
        .collect()
        .await;
    let events: Vec<CvmStateEvent> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        events.len(),
        4,
        "the event cut off mid-way is not dispatched: {events:?}"
    );
    assert!(matches!(&events[0], CvmStateEvent::Timeout(v) if v["message"] == "gave up"));
    assert!(matches!(&events[1], CvmStateEvent::Error(v) if v["error"] == "boom"));
    assert!(
        matches!(&events[2], CvmStateEvent::Other { event, data } if event == "progress" && data == "40%")
    );
    assert!(matches!(&events[3], CvmStateEvent::Other { event, .. } if event == "message"));
}

#[tokio::test]
async fn a_bad_state_payload_is_a_validation_error_keeping_the_data() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(sse("event: state\ndata: {\"status\": 7}\n\n"))
        .mount(&server)
        .await;
    let events: Vec<_> = client(&server)
        .watch_cvm_state("cvm_1")
        .target("running")
        .stream()
        .collect()
        .await;
    let [Err(PhalaCloudError::Validation(e))] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(e.body(), "{\"status\": 7}");
}

#[tokio::test]
async fn a_sixth_watch_is_refused_with_a_clear_error_on_every_form() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(json_raw(429, r#"{"detail":"Too many SSE connections"}"#))
        .mount(&server)
        .await;
    let c = client(&server);
    let mut events = c.watch_cvm_state("cvm_1").target("running").stream();
    let err = events.next().await.unwrap().unwrap_err();
    assert!(events.next().await.is_none(), "the error ends the stream");
    assert_eq!(err.status_code(), Some(429));
    let text = err.to_string();
    assert!(
        text.contains("Too many SSE connections") && text.contains("5 state watches per user"),
        "{text}"
    );
    assert_eq!(
        err.as_api().unwrap().response().body(),
        r#"{"detail":"Too many SSE connections"}"#
    );

    let safe: Vec<_> = c
        .safe_watch_cvm_state("cvm_1")
        .target("running")
        .stream()
        .collect()
        .await;
    assert!(!safe[0].ok && safe[0].error.as_ref().unwrap().status_code() == Some(429));

    let empty = c.watch_cvm_state(" ").stream().next().await.unwrap();
    assert!(matches!(empty, Err(PhalaCloudError::Validation(_))));
}

#[tokio::test]
async fn the_waiter_reconnects_after_a_server_timeout_and_reports_progress() {
    let server = MockServer::start().await;
    // First watch: the server's timeout; the second reaches the target.
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(sse(
            "event: state\ndata: {\"status\": \"starting\"}\n\nevent: timeout\ndata: {}\n\n",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(sse(STARTING_THEN_RUNNING))
        .mount(&server)
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let state = client(&server)
        .wait_until_running("cvm_1", Duration::from_secs(20))
        .reconnect_delay(Duration::from_millis(10))
        .on_progress(move |p| log.lock().unwrap().push(p.status.clone()))
        .await
        .unwrap();
    assert_eq!(state.status, "running");
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.contains(&Some("starting".to_owned())) && seen.last() == Some(&Some("running".into())),
        "{seen:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_stream_falls_back_to_polling() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .and(query_param("target", "stopped"))
        .respond_with(json_raw(429, r#"{"detail":"Too many SSE connections"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .and(HeaderAbsent("never"))
        .respond_with(json_ok(&json!({"status": "stopping"})))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(json_ok(&json!({"status": "stopped"})))
        .mount(&server)
        .await;
    let polled = Arc::new(Mutex::new(0));
    let count = polled.clone();
    let state = client(&server)
        .wait_for_cvm_state("cvm_1", "stopped", Duration::from_secs(20))
        .interval(Duration::from_millis(10))
        .on_progress(move |p| {
            if p.polling {
                *count.lock().unwrap() += 1;
            }
        })
        .await
        .unwrap();
    assert_eq!(state.status, "stopped");
    assert_eq!(
        *polled.lock().unwrap(),
        3,
        "two polls saw `stopping`, the third `stopped`"
    );
}

#[tokio::test]
async fn a_wait_past_its_timeout_is_a_timeout_error_naming_the_last_status() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(
            sse("event: state\ndata: {\"status\": \"starting\"}\n\n")
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .wait_until_running("cvm_1", Duration::from_millis(400))
        .reconnect_delay(Duration::from_millis(20))
        .await
        .unwrap_err();
    let PhalaCloudError::Request(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.is_timeout(), "{err}");
    assert!(
        err.to_string().contains("did not reach `running`")
            && err.to_string().contains("last status: starting"),
        "{err}"
    );
}

#[test]
fn the_blocking_client_iterates_and_waits() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(path("/api/v1/cvms/cvm_1/state"))
            .respond_with(sse(STARTING_THEN_RUNNING))
            .mount(&server)
            .await;
        Mock::given(path("/api/v1/cvms/gone/state"))
            .respond_with(json_raw(404, r#"{"detail":"CVM not found"}"#))
            .mount(&server)
            .await;
        server
    });
    let c = phala_cloud::blocking::PhalaCloud::from_async(client(&server)).unwrap();
    let statuses: Vec<String> = c
        .watch_cvm_state("cvm_1")
        .target("running")
        .iter()
        .map(|e| match e.unwrap() {
            CvmStateEvent::State(s) | CvmStateEvent::Complete(s) => s.status,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(statuses, ["starting", "running", "running"]);
    // A wait is a builder here too, with the async one's setters; `.send()`
    // waits.
    let progress = Arc::new(Mutex::new(Vec::new()));
    let log = progress.clone();
    let state = c
        .wait_until_running("cvm_1", Duration::from_secs(10))
        .interval(Duration::from_secs(5))
        .reconnect_delay(Duration::from_millis(10))
        .on_progress(move |p| log.lock().unwrap().push(p.status.clone()))
        .send()
        .unwrap();
    assert_eq!(state.status, "running");
    let progress = progress.lock().unwrap().clone();
    assert_eq!(
        progress.last(),
        Some(&Some("running".to_owned())),
        "{progress:?}"
    );
    let state = c
        .wait_for_cvm_state("cvm_1", "running", Duration::from_secs(10))
        .send()
        .unwrap();
    assert_eq!(state.status, "running");
    let safe: Vec<_> = c.safe_watch_cvm_state("gone").iter().collect();
    assert_eq!(safe.len(), 1);
    assert_eq!(safe[0].error.as_ref().unwrap().status_code(), Some(404));
}

/// Issue 28: an error ends the watch, as its docs say; the events after a
/// payload that does not decode are not read.
#[tokio::test]
async fn the_watch_ends_after_its_first_error() {
    let server = MockServer::start().await;
    let body = "event: state\ndata: {\"status\": 7}\n\n\
                event: state\ndata: {\"status\": \"running\"}\n\n\
                event: complete\ndata: {\"status\": \"running\"}\n\n";
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(sse(body))
        .mount(&server)
        .await;
    let c = client(&server);
    let events: Vec<_> = c
        .watch_cvm_state("cvm_1")
        .target("running")
        .stream()
        .collect()
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(matches!(&events[0], Err(PhalaCloudError::Validation(_))));

    let safe: Vec<_> = c
        .safe_watch_cvm_state("cvm_1")
        .target("running")
        .stream()
        .collect()
        .await;
    assert_eq!(safe.len(), 1);
    assert!(!safe[0].ok);
}

/// Line ends as the SSE standard allows them (CRLF, LF, CR, mixed), a BOM
/// at the start, a field without a colon, `data:` without a space, an id
/// that carries on, and an event without data (not dispatched).
#[tokio::test]
async fn every_line_ending_a_bom_and_bare_fields_parse_as_the_standard_says() {
    let server = MockServer::start().await;
    let body = "\u{FEFF}event: state\r\ndata:{\"status\": \"starting\"}\r\n\r\n\
                id: 7\revent: ping\r\rdata\nevent: state\rdata: {\"status\":\r\n\
                data: \"running\"}\n\n";
    Mock::given(path("/api/v1/cvms/cvm_1/state"))
        .respond_with(sse(body))
        .mount(&server)
        .await;
    let events: Vec<CvmStateEvent> = client(&server)
        .watch_cvm_state("cvm_1")
        .target("running")
        .stream()
        .map(Result::unwrap)
        .collect()
        .await;
    let statuses: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            CvmStateEvent::State(s) => Some(s.status.as_str()),
            _ => None,
        })
        .collect();
    // `event: ping` has no data, so it is not an event; `data` alone is an
    // empty data line, so the last event is a state with two lines.
    assert_eq!(statuses, ["starting", "running"], "{events:?}");
    assert_eq!(events.len(), 2, "{events:?}");
}

/// The parser is linear: one data line of 1, 4 and 8 MiB (eventsource-stream
/// took 0.1 s, 1.5 s and 7 s) is read and decoded. The times are printed,
/// not asserted.
#[tokio::test]
async fn an_8_mb_data_line_is_parsed() {
    for mib in [1, 4, 8] {
        let server = MockServer::start().await;
        let name = "n".repeat(mib * 1024 * 1024);
        let body =
            format!("event: complete\ndata: {{\"status\": \"running\", \"name\": \"{name}\"}}\n\n");
        Mock::given(path("/api/v1/cvms/cvm_1/state"))
            .respond_with(sse(&body))
            .mount(&server)
            .await;
        let started = std::time::Instant::now();
        let events: Vec<_> = client(&server)
            .watch_cvm_state("cvm_1")
            .target("running")
            .stream()
            .collect()
            .await;
        let took = started.elapsed();
        println!("sse: one {mib} MiB data line read and decoded in {took:?}");
        let [Ok(CvmStateEvent::Complete(state))] = events.as_slice() else {
            panic!(
                "{:?}",
                events.iter().map(|e| e.as_ref().err()).collect::<Vec<_>>()
            )
        };
        assert_eq!(state.name.as_deref().map(str::len), Some(name.len()));
    }
}

/// A 100 MB line fails at the 32 MiB cap as too large, promptly, instead of
/// being read until the watch times out.
#[tokio::test]
async fn a_100_mb_line_fails_at_the_cap_as_too_large() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        let chunk = vec![b'x'; 64 * 1024];
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let mut written = 0usize;
        let mut out = stream.write_all(head.as_bytes());
        let prefix = "event: state\ndata: ";
        out = out.and_then(|_| write!(stream, "{:x}\r\n{prefix}\r\n", prefix.len()));
        while out.is_ok() && written < 100_000_000 && std::time::Instant::now() < deadline {
            out = write!(stream, "{:x}\r\n", chunk.len())
                .and_then(|_| stream.write_all(&chunk))
                .and_then(|_| stream.write_all(b"\r\n"));
            written += chunk.len();
        }
    });
    let c = phala_cloud::PhalaCloud::builder()
        .api_key("k")
        .base_url(base)
        .retry_policy(phala_cloud::RetryPolicy::none())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let events: Vec<_> = c
        .watch_cvm_state("cvm_1")
        .target("running")
        .stream()
        .collect()
        .await;
    println!("sse: a 100 MB line failed after {:?}", started.elapsed());
    let [Err(PhalaCloudError::Request(e))] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(e.is_too_large(), "{e}");
    assert!(started.elapsed() < Duration::from_secs(20), "not promptly");
}
