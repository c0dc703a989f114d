//! Error classification end to end: for every response shape, the raising
//! method and its `safe_` twin are called against a local server and the
//! exact variant and every field of the error are checked.

use std::fmt::Debug;
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use crate::common::*;
use phala_cloud::error_codes::{
    ErrorCode, CVM_APP_ID_CONFLICT, CVM_NOT_FOUND, HASH_INVALID_OR_EXPIRED,
    HASH_REGISTRATION_REQUIRED, INVALID_REQUEST,
};
use phala_cloud::{
    ApiError, BusinessError, ErrorResponse, PhalaCloud, PhalaCloudError, SafeResult,
    ValidationDetail,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WEBHOOK: &str = r#"{"id":"wh_1","url":"https://example.com/hook","enabled":true,"events":["cvm.created"],"created_at":"2026-01-21T10:00:00Z","updated_at":"2026-01-21T10:00:00Z"}"#;

const INVALID_KEY: &str = r#"{"detail":"Invalid API key"}"#;

/// The operation a case calls (raising and safe).
#[derive(Clone, Copy, Debug, Default)]
enum Op {
    #[default]
    Webhook,
    Cvm,
    Delete,
}

impl Op {
    fn route(self) -> (&'static str, &'static str) {
        match self {
            Op::Webhook => ("GET", "/api/v1/workspace/webhooks/wh_1"),
            Op::Cvm => ("GET", "/api/v1/cvms/cvm_1"),
            Op::Delete => ("DELETE", "/api/v1/cvms/cvm_1"),
        }
    }
}

/// Starts a server answering `op`'s route with `template`, exactly twice.
async fn mount(op: Op, template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    let (m, p) = op.route();
    Mock::given(method(m))
        .and(path(p))
        .respond_with(template)
        .expect(2)
        .mount(&server)
        .await;
    server
}

/// Both outcomes must be failures: returns `[raised, safe.error]`.
fn both_err<T: Debug>(
    raised: Result<T, PhalaCloudError>,
    safe: SafeResult<T>,
) -> [PhalaCloudError; 2] {
    assert!(!safe.ok, "safe.ok must be false: {safe:?}");
    assert!(safe.data.is_none(), "safe.data must be None: {safe:?}");
    let safe_err = safe.error.expect("safe.error must be Some");
    let raised = raised.expect_err("the raising method must return Err");
    [raised, safe_err]
}

/// Calls the raising method, then its `safe_` twin.
async fn call(op: Op, c: &PhalaCloud) -> [PhalaCloudError; 2] {
    match op {
        Op::Webhook => both_err(
            c.get_webhook("wh_1").await,
            c.safe_get_webhook("wh_1").await,
        ),
        Op::Cvm => both_err(
            c.get_cvm_info("cvm_1").await,
            c.safe_get_cvm_info("cvm_1").await,
        ),
        Op::Delete => both_err(
            c.delete_cvm("cvm_1").await,
            c.safe_delete_cvm("cvm_1").await,
        ),
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Kind {
    Auth,
    Server,
    Conflict,
    Resource,
    #[default]
    Other,
}

/// One non-2xx case: what the server sends and what the error must hold.
#[derive(Default)]
struct Case {
    op: Op,
    status: u16,
    body: &'static str,
    /// `application/json` when empty.
    content_type: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    kind: Kind,
    message: &'static str,
    code: Option<&'static str>,
    request_id: Option<&'static str>,
    error_code: Option<ErrorCode>,
    suggestions: Vec<&'static str>,
    structured: Option<Value>,
    links: Vec<Value>,
    /// `(location, msg, type)` of each FastAPI validation entry.
    validation: Vec<(&'static str, &'static str, &'static str)>,
    display: &'static str,
}

fn one_line(e: &PhalaCloudError) -> String {
    let shown = e.to_string();
    assert!(!shown.contains('\n'), "Display is not one line: {shown:?}");
    shown
}

fn check_api(e: &PhalaCloudError, w: &Case) {
    let api = e
        .as_api()
        .unwrap_or_else(|| panic!("expected PhalaCloudError::Api, got {e:?}"));
    let leaf: &ErrorResponse = match (w.kind, api) {
        (Kind::Auth, ApiError::Auth(x)) => x,
        (Kind::Server, ApiError::Server(x)) => x,
        (Kind::Conflict, ApiError::Business(BusinessError::Conflict(x))) => x,
        (Kind::Resource, ApiError::Business(BusinessError::Resource(x))) => x,
        (Kind::Other, ApiError::Business(BusinessError::Other(x))) => x,
        (k, other) => panic!("expected {k:?} for HTTP {}, got {other:?}", w.status),
    };
    assert_eq!(e.is_auth(), w.kind == Kind::Auth, "is_auth");
    assert_eq!(e.is_server(), w.kind == Kind::Server, "is_server");
    assert_eq!(e.is_conflict(), w.kind == Kind::Conflict, "is_conflict");
    assert_eq!(e.is_resource(), w.kind == Kind::Resource, "is_resource");
    let business = matches!(w.kind, Kind::Conflict | Kind::Resource | Kind::Other);
    assert_eq!(e.is_business(), business, "is_business");
    assert!(e.is_api() && !e.is_request() && !e.is_validation());

    let detail: Option<Value> = serde_json::from_str(w.body).ok();
    let want_validation: Vec<(String, &str, &str)> = w
        .validation
        .iter()
        .map(|(l, m, k)| (l.to_string(), *m, *k))
        .collect();
    let mut views = vec![leaf, api.response()];
    if let ApiError::Business(b) = api {
        views.push(b.response());
    }
    for r in views {
        assert_eq!(r.status_code(), w.status, "status_code");
        assert_eq!(r.message(), w.message, "message");
        assert_eq!(r.code(), w.code, "code");
        assert_eq!(r.detail(), detail.as_ref(), "detail");
        assert_eq!(r.body(), w.body, "body");
        assert_eq!(r.request_id(), w.request_id, "request_id");
        let got: Vec<(String, &str, &str)> = r
            .validation_details()
            .iter()
            .map(|d| (d.location(), d.msg.as_str(), d.kind.as_str()))
            .collect();
        assert_eq!(got, want_validation, "validation_details");
        for (name, value) in &w.headers {
            let got = r.headers().get(*name).and_then(|h| h.to_str().ok());
            assert_eq!(got, Some(*value), "header {name}");
        }
    }
    assert_eq!(api.status_code(), w.status);
    assert_eq!(api.message(), w.message);
    assert_eq!(api.body(), w.body);

    assert_eq!(e.status_code(), Some(w.status), "top-level status_code");
    assert_eq!(e.code(), w.code, "top-level code");
    assert_eq!(e.detail(), detail.as_ref(), "top-level detail");
    assert_eq!(e.request_id(), w.request_id, "top-level request_id");
    assert_eq!(e.error_code(), w.error_code.as_ref(), "error_code");
    let suggestions: Vec<&str> = e.suggestions().iter().map(String::as_str).collect();
    assert_eq!(suggestions, w.suggestions, "suggestions");
    assert_eq!(e.structured_details(), w.structured.as_ref(), "details");
    assert_eq!(e.links(), w.links.as_slice(), "links");
    match api.as_resource() {
        Some(res) => {
            assert_eq!(Some(res.error_code()), w.error_code.as_ref());
            assert_eq!(res.suggestions().len(), w.suggestions.len());
            assert_eq!(res.structured_details(), w.structured.as_ref());
            assert_eq!(res.links(), w.links.as_slice());
            // The code is shown once: the top error adds it to the
            // resource error's own Display.
            assert_eq!(format!("[{}] {res}", res.error_code()), w.display);
        }
        None => assert_ne!(w.kind, Kind::Resource, "as_resource is None"),
    }
    assert_eq!(one_line(e), w.display, "Display");
}

/// Serves the case, calls both methods, checks both errors, returns them.
async fn run(case: Case) -> [PhalaCloudError; 2] {
    let ctype = match case.content_type {
        "" => "application/json",
        other => other,
    };
    let mut t = ResponseTemplate::new(case.status).set_body_raw(case.body, ctype);
    for (name, value) in &case.headers {
        t = t.insert_header(*name, *value);
    }
    let server = mount(case.op, t).await;
    let errors = call(case.op, &client(&server)).await;
    for e in &errors {
        check_api(e, &case);
    }
    errors
}

/// A client for `base`, with a short timeout when given. Retries are off:
/// these cases pin classification, one response each (tests/retries.rs
/// covers retrying).
fn client_at(base: String, timeout: Option<Duration>) -> PhalaCloud {
    let builder = PhalaCloud::builder()
        .api_key("k")
        .base_url(base)
        .retry_policy(phala_cloud::RetryPolicy::none());
    let builder = match timeout {
        Some(t) => builder.timeout(t),
        None => builder,
    };
    builder.build().expect("client builds")
}

fn code(c: &str) -> Option<ErrorCode> {
    Some(c.parse().expect("infallible"))
}

/// Calls both methods through `c`; both must be `Request` errors.
async fn transport_case(c: PhalaCloud, timeout: bool, connect: bool) {
    for e in call(Op::Webhook, &c).await {
        check_request(&e, timeout, connect);
    }
}

fn check_request(e: &PhalaCloudError, timeout: bool, connect: bool) {
    let PhalaCloudError::Request(r) = e else {
        panic!("expected PhalaCloudError::Request, got {e:?}");
    };
    assert_eq!(r.is_timeout(), timeout, "is_timeout: {r:?}");
    assert_eq!(r.is_connect(), connect, "is_connect: {r:?}");
    assert!(std::error::Error::source(r).is_some(), "source is Some");
    assert!(!r.message().is_empty());
    assert!(e.is_request() && !e.is_api() && !e.is_validation());
    assert_eq!(
        (e.status_code(), e.request_id(), e.detail()),
        (None, None, None)
    );
    assert!(e.error_code().is_none() && e.suggestions().is_empty());
    assert!(one_line(e).starts_with("request failed: "));
}

// --- 1-4: 2xx ----------------------------------------------------------------

#[tokio::test]
async fn case01_200_valid_body() {
    let server = mount(Op::Webhook, json_raw(200, WEBHOOK)).await;
    let c = client(&server);
    let raised = c.get_webhook("wh_1").await.expect("a valid 200 decodes");
    let safe = c.safe_get_webhook("wh_1").await;
    assert!(safe.ok, "safe.ok: {safe:?}");
    assert!(safe.error.is_none(), "safe.error: {safe:?}");
    let data = safe.data.expect("safe.data is Some");
    for hook in [&raised, &data] {
        assert_eq!(hook.id, "wh_1");
        assert_eq!(hook.url, "https://example.com/hook");
        assert!(hook.enabled);
        assert_eq!(hook.events, vec!["cvm.created".to_owned()]);
        assert_eq!(hook.name, None);
        assert_eq!(hook.created_at.to_rfc3339(), "2026-01-21T10:00:00+00:00");
    }
}

/// Serves `body` with a 200 and checks both errors are `Validation`.
async fn validation_case(body: &str, path: Option<&str>, message_part: &str) {
    let server = mount(Op::Webhook, json_raw(200, body)).await;
    for e in call(Op::Webhook, &client(&server)).await {
        let PhalaCloudError::Validation(v) = &e else {
            panic!("expected Validation, got {e:?}");
        };
        assert_eq!((v.status_code(), e.status_code()), (Some(200), Some(200)));
        assert_eq!(v.body(), body, "the raw body is kept");
        assert_eq!(v.path(), path, "path");
        assert!(v.message().contains(message_part), "{v:?}");
        assert!(e.is_validation() && !e.is_api() && !e.is_request());
        assert_eq!((e.detail(), e.request_id()), (None, None));
        let at = path.map(|p| format!(" at `{p}`")).unwrap_or_default();
        let prefix = format!("response body does not match the model{at}: ");
        assert!(one_line(&e).starts_with(&prefix), "{e}");
    }
}

#[tokio::test]
async fn case02_200_wrong_shape_is_validation() {
    let body = WEBHOOK.replace(r#""enabled":true"#, r#""enabled":"yes""#);
    validation_case(&body, Some("enabled"), "expected a boolean").await;
}

#[tokio::test]
async fn case03_200_invalid_json_is_validation() {
    validation_case(r#"{"id":"wh_1","url":"#, Some("url"), "EOF").await;
}

#[tokio::test]
async fn case04_204_delete_is_unit() {
    let server = mount(Op::Delete, ResponseTemplate::new(204)).await;
    let c = client(&server);
    let () = c.delete_cvm("cvm_1").await.expect("204 is Ok(())");
    let safe = c.safe_delete_cvm("cvm_1").await;
    assert!(safe.ok, "{safe:?}");
    assert!(matches!(safe.data, Some(())), "{safe:?}");
    assert!(safe.error.is_none(), "{safe:?}");
}

// --- 5-19: non-2xx classification, one test per row ---------------------------

/// Each row is a test: the `Case` fields, then optional extra checks run on
/// the raising error and on the safe one.
macro_rules! cases {
    ($($name:ident { $($field:ident: $val:expr),* $(,)? } $(|$e:ident| $extra:block)?)*) => {$(
        #[tokio::test]
        async fn $name() {
            let _errors = run(Case { $($field: $val,)* ..Case::default() }).await;
            $(for $e in &_errors $extra)?
        }
    )*};
}

cases! {
    case05_400_detail_is_plain_business {
        status: 400, body: r#"{"detail": "Bad thing"}"#,
        message: "Bad thing", display: "Bad thing (HTTP 400)",
    }
    case06_400_structured_is_resource_with_every_field {
        status: 400, kind: Kind::Resource,
        body: r#"{"error_code":"ERR-02-008","message":"Invalid vCPU count","code":"INVALID","details":[{"field":"vcpu"}],"suggestions":["Use 2 vCPUs"],"links":[{"label":"docs","url":"https://docs.phala.network"}]}"#,
        message: "Invalid vCPU count", code: Some("INVALID"), error_code: code(INVALID_REQUEST),
        suggestions: vec!["Use 2 vCPUs"], structured: Some(json!([{"field": "vcpu"}])),
        links: vec![json!({"label": "docs", "url": "https://docs.phala.network"})],
        display: "[ERR-02-008] Invalid vCPU count (HTTP 400)",
    } |e| { assert!(*e.error_code().unwrap() == INVALID_REQUEST); }
    case07_401_is_auth {
        status: 401, body: r#"{"detail":"Invalid API key"}"#, kind: Kind::Auth,
        message: "Invalid API key", display: "Invalid API key (HTTP 401)",
    }
    case08_403_is_auth {
        op: Op::Delete, status: 403, kind: Kind::Auth,
        body: r#"{"detail":"Not enough permissions","code":"FORBIDDEN"}"#,
        message: "Not enough permissions", code: Some("FORBIDDEN"),
        display: "Not enough permissions (HTTP 403)",
    }
    case09a_404_plain_is_business_other {
        op: Op::Cvm, status: 404, body: r#"{"detail":"CVM not found"}"#,
        message: "CVM not found", display: "CVM not found (HTTP 404)",
    }
    case09b_404_with_code_is_resource {
        op: Op::Cvm, status: 404, kind: Kind::Resource,
        body: r#"{"error_code":"ERR-03-001","message":"CVM not found","detail":"cvm_1"}"#,
        message: "CVM not found", error_code: code(CVM_NOT_FOUND),
        display: "[ERR-03-001] CVM not found (HTTP 404)",
    } |e| {
        let ec = e.as_resource().expect("resource").error_code();
        assert!(*ec == CVM_NOT_FOUND, "{ec:?}");
        assert!(CVM_NOT_FOUND == *ec, "{ec:?}");
        assert!(*ec != CVM_APP_ID_CONFLICT, "{ec:?}");
    }
    case10a_409_without_code_is_conflict {
        op: Op::Delete, status: 409, kind: Kind::Conflict,
        body: r#"{"detail":"CVM is busy, retry later"}"#,
        message: "CVM is busy, retry later", display: "CVM is busy, retry later (HTTP 409)",
    }
    case10b_409_with_code_is_resource {
        op: Op::Delete, status: 409, kind: Kind::Resource,
        body: r#"{"error_code":"ERR-03-007","message":"App id already in use"}"#,
        message: "App id already in use", error_code: code(CVM_APP_ID_CONFLICT),
        display: "[ERR-03-007] App id already in use (HTTP 409)",
    } |e| {
        let ec = e.error_code().expect("error_code");
        assert!(*ec == CVM_APP_ID_CONFLICT && !e.is_conflict());
        assert_eq!(ec.http_status(), Some(409));
        // The guide's Python-style print, with the code once.
        let r = e.as_resource().expect("a resource error");
        assert_eq!(
            format!("Error [{}]: {r}", r.error_code()),
            "Error [ERR-03-007]: App id already in use (HTTP 409)"
        );
    }
    case11_null_error_code_is_resource_missing {
        status: 400, kind: Kind::Resource,
        body: r#"{"error_code": null, "message": "Something went wrong"}"#,
        message: "Something went wrong", error_code: Some(ErrorCode::Missing),
        display: "[no code] Something went wrong (HTTP 400)",
    } |e| {
        let ec = e.error_code().unwrap();
        assert!(*ec != "", "Missing must not equal the empty string");
        assert_eq!(ec.to_string(), "no code");
        assert_eq!(ec.http_status(), None);
    }
    case12_422_fastapi_is_readable_and_typed {
        status: 422,
        body: r#"{"detail":[{"loc":["body","name"],"msg":"Field required","type":"missing"},{"loc":["query","page"],"msg":"Input should be a valid integer","type":"int_parsing"}]}"#,
        message: "body.name: Field required; query.page: Input should be a valid integer",
        validation: vec![
            ("body.name", "Field required", "missing"),
            ("query.page", "Input should be a valid integer", "int_parsing"),
        ],
        display: "body.name: Field required; query.page: Input should be a valid integer (HTTP 422)",
    } |e| {
        let want = ValidationDetail {
            loc: vec![json!("body"), json!("name")],
            msg: "Field required".into(),
            kind: "missing".into(),
        };
        assert_eq!(e.as_api().unwrap().validation_details()[0], want);
        let shown = e.to_string();
        assert!(!shown.contains("[{") && !shown.contains("\"loc\""), "{shown}");
    }
    case13_429_keeps_retry_after {
        status: 429, body: r#"{"detail":"Too many requests"}"#, headers: vec![("Retry-After", "3")],
        message: "Too many requests", display: "Too many requests (HTTP 429)",
    } |e| { assert_eq!(e.as_api().unwrap().headers().get("retry-after").unwrap(), "3"); }
    case14_465_hash_registration_keeps_commit_fields {
        op: Op::Cvm, status: 465, kind: Kind::Resource,
        body: r#"{"error_code":"ERR-01-005","message":"Compose hash registration required on-chain","commit_token":"ct_123","commit_url":"https://cloud.phala.network/commit/ct_123"}"#,
        message: "Compose hash registration required on-chain",
        error_code: code(HASH_REGISTRATION_REQUIRED),
        display: "[ERR-01-005] Compose hash registration required on-chain (HTTP 465)",
    } |e| {
        let d = e.detail().expect("parsed body");
        assert_eq!(d["commit_token"], "ct_123");
        assert_eq!(d["commit_url"], "https://cloud.phala.network/commit/ct_123");
        let ec = e.error_code().unwrap();
        assert!(*ec == HASH_REGISTRATION_REQUIRED);
        assert_eq!(ec.http_status(), Some(465));
    }
    case15_466_hash_invalid_or_expired {
        op: Op::Cvm, status: 466, kind: Kind::Resource,
        body: r#"{"error_code":"ERR-01-006","message":"The provided compose hash is invalid or has expired","suggestions":["Re-run prepare"]}"#,
        message: "The provided compose hash is invalid or has expired",
        error_code: code(HASH_INVALID_OR_EXPIRED), suggestions: vec!["Re-run prepare"],
        display: "[ERR-01-006] The provided compose hash is invalid or has expired (HTTP 466)",
    } |e| { assert_eq!(e.error_code().unwrap().http_status(), Some(466)); }
    case16a_500_json_is_server {
        status: 500, body: r#"{"message":"boom"}"#, kind: Kind::Server,
        message: "boom", display: "boom (HTTP 500)",
    }
    case16b_500_text_is_server {
        status: 500, body: "Internal Server Error", content_type: "text/plain", kind: Kind::Server,
        message: "Internal Server Error", display: "Internal Server Error (HTTP 500)",
    }
    case17_502_html_is_server_and_kept_raw {
        status: 502, body: BAD_GATEWAY_HTML, content_type: "text/html", kind: Kind::Server,
        message: BAD_GATEWAY_HTML.trim(),
        display: "<html> <head><title>502 Bad Gateway</title></head> <body>bad gateway</body> </html> (HTTP 502)",
    }
    case18a_503_json_is_server {
        op: Op::Delete, status: 503, kind: Kind::Server,
        body: r#"{"detail":"Service temporarily unavailable"}"#,
        message: "Service temporarily unavailable",
        display: "Service temporarily unavailable (HTTP 503)",
    }
    case18b_503_empty_body_is_server {
        status: 503, kind: Kind::Server,
        message: "Service Unavailable", display: "Service Unavailable (HTTP 503)",
    }
    case19a_request_id_from_header {
        op: Op::Cvm, status: 404, body: r#"{"detail":"CVM not found"}"#,
        headers: vec![("X-Request-ID", "req-header")], request_id: Some("req-header"),
        message: "CVM not found", display: "CVM not found (HTTP 404, request id req-header)",
    }
    case19b_string_body_request_id_wins {
        op: Op::Cvm, status: 404, body: r#"{"detail":"CVM not found","request_id":"req-body"}"#,
        headers: vec![("X-Request-ID", "req-header")], request_id: Some("req-body"),
        message: "CVM not found", display: "CVM not found (HTTP 404, request id req-body)",
    }
    case19c_non_string_body_request_id_keeps_header {
        op: Op::Cvm, status: 404, body: r#"{"detail":"CVM not found","request_id":42}"#,
        headers: vec![("X-Request-ID", "req-header")], request_id: Some("req-header"),
        message: "CVM not found", display: "CVM not found (HTTP 404, request id req-header)",
    }
}

const BAD_GATEWAY_HTML: &str =
    "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>bad gateway</body>\n</html>\n";

// --- 20-22: transport --------------------------------------------------------

#[tokio::test]
async fn case20_refused_connection_is_request_connect() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = client_at(format!("http://127.0.0.1:{port}"), None);
    transport_case(c, false, true).await;
}

#[tokio::test]
async fn case21_read_timeout_is_request_timeout() {
    let slow = json_raw(200, WEBHOOK).set_delay(Duration::from_secs(3));
    let server = mount(Op::Webhook, slow).await;
    let short = Some(Duration::from_millis(200));
    transport_case(client_at(server.uri(), short), true, false).await;
}

#[tokio::test]
async fn case22_connection_closed_mid_body_is_request() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut seen = Vec::new();
            let mut buf = [0u8; 1024];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":";
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.flush();
        }
    });
    let c = client_at(format!("http://127.0.0.1:{port}"), None);
    transport_case(c, false, false).await;
}

// --- SafeResult and Display --------------------------------------------------

/// A `PhalaCloudError` made without any network: an unsupported version.
fn config_error() -> PhalaCloudError {
    PhalaCloud::builder()
        .api_key("k")
        .version("1999-01-01")
        .build()
        .expect_err("an unsupported version is rejected")
}

#[test]
#[should_panic(
    expected = "called `SafeResult::unwrap()` on an error: request failed: unsupported API version"
)]
fn safe_unwrap_on_error_panics() {
    let safe: SafeResult<u8> = Err(config_error()).into();
    assert!(!safe.ok && safe.data.is_none() && safe.error.is_some());
    let _ = safe.unwrap();
}

#[test]
fn safe_result_conversions_round_trip() {
    let ok = SafeResult::from(Ok::<u8, PhalaCloudError>(7));
    assert!(ok.ok && ok.error.is_none() && ok.data == Some(7));
    assert_eq!(ok.into_result().unwrap(), 7);
    assert_eq!(SafeResult::from(Ok::<u8, PhalaCloudError>(8)).unwrap(), 8);

    let err: SafeResult<u8> = Err(config_error()).into();
    let back: Result<u8, PhalaCloudError> = Result::from(err);
    assert!(back.expect_err("stays an error").is_request());

    let empty: SafeResult<u8> = SafeResult {
        ok: false,
        data: None,
        error: None,
    };
    let e = empty.into_result().expect_err("neither data nor error");
    assert!(e.is_request(), "{e:?}");
}

async fn via_into_result(c: &PhalaCloud) -> Result<String, PhalaCloudError> {
    let hook = c.safe_get_webhook("wh_1").await.into_result()?;
    Ok(hook.id)
}

async fn via_from(c: &PhalaCloud) -> Result<String, PhalaCloudError> {
    let hook = Result::from(c.safe_get_webhook("wh_1").await)?;
    Ok(hook.id)
}

#[tokio::test]
async fn safe_results_reraise_with_question_mark() {
    let good = mount(Op::Webhook, json_raw(200, WEBHOOK)).await;
    let c = client(&good);
    assert_eq!(via_into_result(&c).await.unwrap(), "wh_1");
    assert_eq!(via_from(&c).await.unwrap(), "wh_1");

    let bad = mount(Op::Webhook, json_raw(401, INVALID_KEY)).await;
    let c = client(&bad);
    for e in [via_into_result(&c).await, via_from(&c).await] {
        let e = e.expect_err("the 401 is re-raised");
        assert!(
            matches!(e, PhalaCloudError::Api(ApiError::Auth(_))),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "Invalid API key (HTTP 401)");
    }
}

#[tokio::test]
async fn safe_unwrap_on_api_error_panics_with_its_message() {
    let server = mount(Op::Webhook, json_raw(401, INVALID_KEY)).await;
    let c = client(&server);
    let safe = c.safe_get_webhook("wh_1").await;
    let err = safe.error.as_ref().map(ToString::to_string);
    assert_eq!(err.as_deref(), Some("Invalid API key (HTTP 401)"));
    let payload = catch_unwind(AssertUnwindSafe(|| safe.unwrap())).expect_err("unwrap panics");
    let text = payload
        .downcast_ref::<String>()
        .expect("a formatted message");
    assert_eq!(
        text,
        "called `SafeResult::unwrap()` on an error: Invalid API key (HTTP 401)"
    );
    let raised = c
        .get_webhook("wh_1")
        .await
        .expect_err("the raising twin fails");
    assert!(raised.is_auth(), "{raised:?}");
}

#[tokio::test]
async fn display_of_every_variant_is_one_line() {
    let multi = |status: u16, extra: &str| {
        json_raw(
            status,
            &format!(r#"{{"message":"line one\nline two\r\n  three"{extra}}}"#),
        )
    };
    let server = MockServer::start().await;
    const IDS: [&str; 6] = ["auth", "server", "conflict", "resource", "other", "invalid"];
    let routes = [
        ("auth", multi(401, "")),
        ("server", multi(500, "")),
        ("conflict", multi(409, "")),
        ("resource", multi(400, r#","error_code":"ERR-02-008""#)),
        ("other", multi(400, "")),
        ("invalid", json_raw(200, "{\n\"id\": 1\n}")),
    ];
    for (id, t) in routes {
        Mock::given(path(format!("/api/v1/workspace/webhooks/{id}")))
            .respond_with(t)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let mut seen = Vec::new();
    for id in IDS {
        let e = c.get_webhook(id).await.expect_err("fails");
        let shown = one_line(&e);
        if e.is_api() {
            assert!(shown.contains("line one line two three"), "{shown}");
        }
        seen.push(match &e {
            PhalaCloudError::Api(ApiError::Auth(_)) => "auth",
            PhalaCloudError::Api(ApiError::Server(_)) => "server",
            PhalaCloudError::Api(ApiError::Business(BusinessError::Conflict(_))) => "conflict",
            PhalaCloudError::Api(ApiError::Business(BusinessError::Resource(_))) => "resource",
            PhalaCloudError::Api(ApiError::Business(BusinessError::Other(_))) => "other",
            PhalaCloudError::Validation(_) => "invalid",
            _ => "unexpected",
        });
    }
    assert_eq!(seen, IDS);
    one_line(&config_error());
}

/// Issue 28: the error body is read with a borrowing peek, not a whole
/// `Value`. It refuses the bodies a `Value` refuses where it reads
/// (nesting 128 deep: a plain error, as before), keeps a duplicate key's
/// last value, decodes escaped keys and strings, and parses `detail()`,
/// `details`, `suggestions` and `links` on demand with the same results.
#[tokio::test]
async fn the_peek_reads_error_bodies_as_a_value_would() {
    let deep = format!(
        r#"{{"error_code": "ERR-01-001", "x": {}{}}}"#,
        "[".repeat(127),
        "]".repeat(127)
    );
    let shallow = deep.replacen('[', "", 1).replacen(']', "", 1);
    let escaped = r#"{"mess\u0061ge": "first", "message": "caf\u00e9 \ud83d\ude00\n", "code": 7,
        "error_code": null, "details": {"a": [1, 2]}, "suggestions": ["s", 2], "links": "l"}"#;
    let server = MockServer::start().await;
    for (id, body) in [
        ("deep", deep.as_str()),
        ("shallow", &shallow),
        ("escaped", escaped),
    ] {
        Mock::given(path(format!("/api/v1/workspace/webhooks/{id}")))
            .respond_with(json_raw(400, body))
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let deep = c.get_webhook("deep").await.unwrap_err();
    assert!(!deep.is_resource() && deep.detail().is_none(), "{deep:?}");
    let shallow = c.get_webhook("shallow").await.unwrap_err();
    assert!(
        shallow.is_resource() && shallow.detail().is_some(),
        "{shallow:?}"
    );

    let e = c.get_webhook("escaped").await.unwrap_err();
    let r = e.as_resource().expect("error_code: null is structured");
    assert_eq!(r.error_code(), &ErrorCode::Missing);
    assert_eq!(e.as_api().unwrap().message(), "café 😀\n");
    assert_eq!(e.code(), Some("7"));
    assert_eq!(r.structured_details(), Some(&json!({"a": [1, 2]})));
    assert_eq!(r.suggestions(), ["s", "2"]);
    assert_eq!(r.links(), [json!("l")]);
    assert_eq!(e.detail().unwrap()["message"], "café 😀\n");
}
