//! The async client against a local server: the headers it sends, API
//! version switching, a user-supplied `reqwest::Client`, base URL forms,
//! percent-encoded ids, key redaction in `Debug`/`Display`, `send_with_meta`,
//! the timeout, and the tracing span of a request.

use std::time::Duration;

use phala_cloud::{PhalaCloud, PhalaCloudError, RetryPolicy};
use reqwest::header::{HeaderName, HeaderValue};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::capture::Capture;
use crate::common::*;

const KEY: &str = "phak_SECRET_123";
const WEBHOOK: &str = r#"{"id":"wh_1","url":"https://example.com/hook","enabled":true,"events":["cvm.created"],"created_at":"2026-01-21T10:00:00Z","updated_at":"2026-01-21T10:00:00Z"}"#;
const WEBHOOK_PATH: &str = "/api/v1/workspace/webhooks/wh_1";

fn builder(base: String) -> phala_cloud::PhalaCloudBuilder {
    PhalaCloud::builder()
        .api_key(KEY)
        .base_url(base)
        .retry_policy(RetryPolicy::none())
}

async fn webhook_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOK_PATH))
        .respond_with(json_raw(200, WEBHOOK).insert_header("x-request-id", "req_ok_1"))
        .mount(&server)
        .await;
    server
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).map(|v| v.to_str().unwrap())
}

fn user_agent_ok(r: &Request) -> bool {
    header(r, "user-agent").is_some_and(|ua| {
        ua.starts_with("phala-cloud-rust/") && ua.len() > "phala-cloud-rust/".len()
    })
}

#[tokio::test]
async fn sends_key_version_user_agent_and_custom_header_but_no_api_version() {
    let server = webhook_server().await;
    let c = builder(server.uri())
        .header(
            HeaderName::from_static("x-custom"),
            HeaderValue::from_static("custom-1"),
        )
        .build()
        .unwrap();
    assert_eq!(c.api_version(), phala_cloud::DEFAULT_API_VERSION);
    assert_eq!(phala_cloud::DEFAULT_API_VERSION, "2026-06-23");
    assert!(phala_cloud::SUPPORTED_API_VERSIONS.contains(&phala_cloud::DEFAULT_API_VERSION));
    let hook = c.get_webhook("wh_1").await.expect("valid webhook");
    assert_eq!(hook.id, "wh_1");

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert_eq!(r.url.path(), WEBHOOK_PATH);
    assert_eq!(header(r, "x-api-key"), Some(KEY));
    assert_eq!(header(r, "x-phala-version"), Some("2026-06-23"));
    assert_eq!(header(r, "x-custom"), Some("custom-1"));
    assert!(
        user_agent_ok(r),
        "user agent: {:?}",
        header(r, "user-agent")
    );
    assert!(!r.headers.contains_key("api-version"), "{:?}", r.headers);
    for name in ["x-api-key", "x-phala-version", "user-agent"] {
        assert_eq!(r.headers.get_all(name).iter().count(), 1, "{name} once");
    }
}

#[tokio::test]
async fn with_version_sends_new_version_and_keeps_key_base_and_headers() {
    let server = webhook_server().await;
    let c = builder(format!("{}/api/v1", server.uri()))
        .header(
            HeaderName::from_static("x-custom"),
            HeaderValue::from_static("custom-2"),
        )
        .build()
        .unwrap();
    let old = c.with_version("2025-10-28").expect("supported version");
    assert_eq!(old.api_version(), "2025-10-28");
    assert_eq!(old.base_url(), c.base_url());
    assert_eq!(c.api_version(), "2026-06-23", "original client unchanged");
    assert_eq!(old.retry_policy(), c.retry_policy());

    old.get_webhook("wh_1").await.expect("with_version request");
    c.get_webhook("wh_1").await.expect("original request");

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let versions: Vec<_> = received
        .iter()
        .map(|r| header(r, "x-phala-version"))
        .collect();
    assert_eq!(versions, [Some("2025-10-28"), Some("2026-06-23")]);
    for r in &received {
        assert_eq!(r.url.path(), WEBHOOK_PATH);
        assert_eq!(header(r, "x-api-key"), Some(KEY));
        assert_eq!(header(r, "x-custom"), Some("custom-2"));
        assert!(user_agent_ok(r));
        assert!(!r.headers.contains_key("api-version"));
    }
}

#[tokio::test]
async fn unsupported_version_is_an_error() {
    let err = builder("http://127.0.0.1:9".into())
        .version("2024-01-01")
        .build()
        .expect_err("unsupported version in the builder");
    assert!(err.is_request(), "{err:?}");
    assert!(err.to_string().contains("2024-01-01"), "{err}");

    let c = builder("http://127.0.0.1:9".into()).build().unwrap();
    let err = c.with_version("1999-12-31").expect_err("unsupported");
    assert!(err.to_string().contains("unsupported"), "{err}");
    let err = c.with_version("").expect_err("empty version");
    assert!(err.is_request());
    for v in phala_cloud::SUPPORTED_API_VERSIONS {
        assert_eq!(c.with_version(v).unwrap().api_version(), *v);
        let built = builder("http://127.0.0.1:9".into()).version(*v).build();
        assert_eq!(built.unwrap().api_version(), *v);
    }
}

#[tokio::test]
async fn user_supplied_reqwest_client_still_gets_key_version_ua_and_base() {
    let server = webhook_server().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let c = builder(format!("{}/api/v1/", server.uri()))
        .version("2026-05-22")
        .http_client(http)
        .build()
        .unwrap();
    let hook = c.get_webhook("wh_1").await.expect("via the user's client");
    assert_eq!(hook.url, "https://example.com/hook");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert_eq!(r.url.path(), WEBHOOK_PATH);
    assert_eq!(header(r, "x-api-key"), Some(KEY));
    assert_eq!(header(r, "x-phala-version"), Some("2026-05-22"));
    assert!(user_agent_ok(r), "{:?}", header(r, "user-agent"));
}

#[tokio::test]
async fn every_base_url_form_reaches_api_v1_exactly_once() {
    let server = webhook_server().await;
    let uri = server.uri();
    let forms = [
        uri.clone(),
        format!("{uri}/"),
        format!("{uri}/api/v1"),
        format!("{uri}/api/v1/"),
    ];
    for base in &forms {
        let c = builder(base.clone()).build().unwrap();
        assert_eq!(c.base_url(), uri, "origin of {base}");
        c.get_webhook("wh_1")
            .await
            .unwrap_or_else(|e| panic!("{base}: {e}"));
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), forms.len());
    for r in &received {
        assert_eq!(r.url.path(), WEBHOOK_PATH);
        assert!(!r.url.path().contains("/api/v1/api/v1"));
    }
}

#[tokio::test]
async fn path_ids_are_percent_encoded_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let c = builder(server.uri()).build().unwrap();
    c.delete_cvm("a b/c?d").await.expect("204");
    let _ = c.get_webhook("a b/c?d").await; // 204 does not decode; the path matters
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method.as_str(), "DELETE");
    assert_eq!(received[0].url.path(), "/api/v1/cvms/a%20b%2Fc%3Fd");
    assert_eq!(received[0].url.query(), None);
    assert_eq!(
        received[1].url.path(),
        "/api/v1/workspace/webhooks/a%20b%2Fc%3Fd"
    );
}

#[tokio::test]
async fn debug_and_display_never_show_the_key() {
    let b = builder("http://127.0.0.1:9".into());
    let dbg = format!("{b:?}");
    assert!(!dbg.contains(KEY) && !dbg.contains("SECRET"), "{dbg}");

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            json_raw(401, r#"{"detail":"Invalid API key"}"#).insert_header("x-request-id", "r1"),
        )
        .mount(&server)
        .await;
    let c = builder(server.uri()).build().unwrap();
    let v = c.with_version("2025-10-28").unwrap();
    let blocking = phala_cloud::blocking::PhalaCloud::from_async(c.clone()).unwrap();
    let api_err = c.get_webhook("wh_1").await.unwrap_err();
    assert!(api_err.is_auth(), "{api_err:?}");
    let refused = builder("http://127.0.0.1:9".into())
        .build()
        .unwrap()
        .get_webhook("wh_1")
        .await
        .unwrap_err();
    assert!(refused.is_request(), "{refused:?}");
    let bad_key = PhalaCloud::builder()
        .api_key(format!("{KEY}\n"))
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    let safe = c.safe_get_webhook("wh_1").await;

    let texts = [
        format!("{c:?}"),
        format!("{v:?}"),
        format!("{blocking:?}"),
        format!("{api_err:?}"),
        api_err.to_string(),
        format!("{refused:?}"),
        refused.to_string(),
        format!("{bad_key:?}"),
        bad_key.to_string(),
        format!("{safe:?}"),
    ];
    for t in &texts {
        assert!(!t.contains(KEY) && !t.contains("SECRET"), "key leaked: {t}");
    }
    assert!(texts[0].contains("redacted"), "{}", texts[0]);
    drop(blocking); // dropping inside async code must not panic
}

#[tokio::test]
async fn send_with_meta_returns_status_headers_and_request_id() {
    let server = webhook_server().await;
    Mock::given(path("/api/v1/workspace/webhooks/wh_missing"))
        .respond_with(
            json_raw(404, r#"{"detail":"Webhook not found"}"#)
                .insert_header("x-request-id", "req_err_9"),
        )
        .mount(&server)
        .await;
    let c = builder(server.uri()).build().unwrap();
    let meta = c.get_webhook("wh_1").send_with_meta().await.expect("ok");
    assert_eq!(meta.status_code(), 200);
    assert_eq!(meta.request_id(), Some("req_ok_1"));
    assert_eq!(
        meta.headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("application/json")
    );
    assert_eq!(meta.data().id, "wh_1");
    assert!(meta.into_data().enabled);

    let err = c
        .get_webhook("wh_missing")
        .send_with_meta()
        .await
        .expect_err("404");
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.request_id(), Some("req_err_9"));
    assert_eq!(err.attempts(), 1);
    assert!(err.to_string().contains("req_err_9"), "{err}");

    let safe = c.safe_get_webhook("wh_1").send_with_meta().await;
    assert!(safe.ok);
    assert_eq!(safe.data.unwrap().status_code(), 200);
}

#[tokio::test]
async fn timeout_setting_applies() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_raw(200, WEBHOOK).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let c = builder(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = c.get_webhook("wh_1").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    match &err {
        PhalaCloudError::Request(e) => assert!(e.is_timeout(), "{e:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn request_span_names_operation_method_path_status_attempt_not_key() {
    let server = webhook_server().await;
    let c = builder(server.uri()).build().unwrap();
    let (capture, guard) = Capture::start();
    c.get_webhook("wh_1").await.expect("ok");
    drop(guard);

    let spans = capture.0.spans.lock().unwrap();
    let span = spans
        .iter()
        .find(|s| s.1 == "phala_cloud.request")
        .unwrap_or_else(|| panic!("no phala_cloud.request span: {spans:?}"));
    let field = |name: &str| {
        span.2
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("operation"), Some("get_webhook"), "{span:?}");
    assert_eq!(field("method"), Some("GET"), "{span:?}");
    assert_eq!(
        field("path"),
        Some("/api/v1/workspace/webhooks/{webhook_id}"),
        "{span:?}"
    );
    assert_eq!(field("status"), Some("200"), "{span:?}");
    assert_eq!(field("attempt"), Some("1"), "{span:?}");
    assert_eq!(field("request_id"), Some("req_ok_1"), "{span:?}");
    let all = format!("{spans:?} {:?}", capture.0.events.lock().unwrap());
    assert!(!all.contains(KEY) && !all.contains("SECRET"), "{all}");
}

#[tokio::test(flavor = "current_thread")]
async fn request_span_records_the_last_attempt_and_status() {
    let server = MockServer::start().await;
    Mock::given(path(WEBHOOK_PATH))
        .respond_with(json_raw(503, "{}"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(WEBHOOK_PATH))
        .respond_with(json_raw(200, WEBHOOK))
        .mount(&server)
        .await;
    let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(1));
    let c = builder(server.uri()).retry_policy(policy).build().unwrap();
    let (capture, guard) = Capture::start();
    c.get_webhook("wh_1").await.expect("second attempt");
    drop(guard);

    let spans = capture.0.spans.lock().unwrap();
    let requests: Vec<_> = spans
        .iter()
        .filter(|s| s.1 == "phala_cloud.request")
        .collect();
    assert_eq!(requests.len(), 1, "one span per call: {spans:?}");
    let recorded = |name: &str| -> Vec<&str> {
        requests[0]
            .2
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(recorded("attempt"), ["1", "2"]);
    assert_eq!(recorded("status"), ["503", "200"]);
}
