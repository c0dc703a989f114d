//! `client.request(method, path)`: an authenticated request to any API path
//! with the key, `X-Phala-Version` and user agent every generated method
//! sends, typed (`send`), never raising (`safe_send`), raw (`send_raw`, any
//! status), and blocking; errors are classified like a generated method's.
//! Against wiremock on 127.0.0.1.

use phala_cloud::{Method, PhalaCloudError};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::*;

#[derive(Debug, Deserialize)]
struct CurrentUser {
    username: String,
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auth/me"))
        .and(header("x-api-key", "test-key"))
        .and(header("x-phala-version", "2026-06-23"))
        .and(header("user-agent", phala_cloud::DEFAULT_USER_AGENT))
        .respond_with(json_ok(
            &json!({"username": "alice", "email": "a@example.com"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/workspaces/ws_1/things"))
        .and(query_param("dry_run", "true"))
        .and(body_json(json!({"name": "x"})))
        .and(header("x-phala-version", "2026-05-22"))
        .respond_with(json_raw(201, r#"{"id": "t_1"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/missing"))
        .respond_with(json_raw(
            404,
            r#"{"detail": "Not found", "error_code": "ERR-01-001"}"#,
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn typed_raw_and_safe_forms_carry_the_client_settings() {
    let server = server().await;
    let c = client(&server);

    let me: CurrentUser = c
        .request(Method::GET, "/auth/me")
        .send()
        .await
        .expect("typed");
    assert_eq!(me.username, "alice");
    let same: Value = c
        .request(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("the /api/v1 prefix may be given");
    assert_eq!(same["email"], "a@example.com");

    let created = c
        .request(Method::POST, "/workspaces/ws_1/things")
        .query("dry_run", true)
        .json(&json!({"name": "x"}))
        .api_version("2026-05-22")
        .send_with_meta::<Value>()
        .await
        .expect("created");
    assert_eq!(
        (created.status_code(), created.data()["id"].as_str()),
        (201, Some("t_1"))
    );

    // The raw form returns a 404 as a response, with its body.
    let raw = c
        .request(Method::GET, "/missing")
        .send_raw()
        .await
        .expect("a response");
    assert_eq!(raw.status_code(), 404);
    assert!(std::str::from_utf8(raw.data())
        .unwrap()
        .contains("Not found"));

    // The typed form classifies it like any generated method.
    let err = c
        .request(Method::GET, "/missing")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(err, PhalaCloudError::Api(_)), "{err:?}");
    assert_eq!(err.status_code(), Some(404));
    let safe = c
        .request(Method::GET, "/missing")
        .safe_send::<Value>()
        .await;
    assert!(!safe.ok && safe.error.is_some());
}

#[tokio::test]
async fn a_url_instead_of_a_path_is_refused_before_sending() {
    let server = server().await;
    let c = client(&server);
    let err = c
        .request(Method::GET, "https://elsewhere.example/steal")
        .send::<Value>()
        .await
        .unwrap_err();
    let PhalaCloudError::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.argument_name(), Some("path"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn the_blocking_client_sends_the_same_request_with_send() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(server());
    let c = phala_cloud::blocking::PhalaCloud::from_async(client(&server)).unwrap();
    // `send` blocks: its result is the data, no future in between.
    let me: CurrentUser = c.request(Method::GET, "/auth/me").send().unwrap();
    assert_eq!(me.username, "alice");
    let created = c
        .request(Method::POST, "/workspaces/ws_1/things")
        .query("dry_run", true)
        .json(&json!({"name": "x"}))
        .api_version("2026-05-22")
        .send_with_meta::<Value>()
        .unwrap();
    assert_eq!(
        (created.status_code(), created.data()["id"].as_str()),
        (201, Some("t_1"))
    );
    let raw = c.request(Method::GET, "/missing").send_raw().unwrap();
    assert_eq!(raw.status_code(), 404);
    let safe = c.request(Method::GET, "/missing").safe_send::<Value>();
    assert_eq!(safe.error.and_then(|e| e.status_code()), Some(404));
    let err = c
        .request(Method::GET, "https://elsewhere.example/steal")
        .header("x-trace", "1")
        .send::<Value>()
        .unwrap_err();
    assert!(matches!(err, PhalaCloudError::Validation(_)), "{err:?}");
    // Every request above reached the server but the refused URL.
    assert_eq!(rt.block_on(server.received_requests()).unwrap().len(), 4);
}
