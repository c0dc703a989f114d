//! The programs under `examples/`, run against a local mock server
//! (wiremock on 127.0.0.1) as a user would run them against the API.

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

mod common;
use common::*;

#[path = "../examples/provision.rs"]
mod provision;

#[tokio::test]
async fn the_provision_example_sends_what_it_set_and_starts_the_listed_cvm() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/provision"))
        .respond_with(json_ok(
            &json!({"app_id": "app_1", "compose_hash": "abc123"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/paginated"))
        .and(query_param("page", "1"))
        .and(query_param("page_size", "20"))
        .respond_with(json_ok(&json!({
            "items": [cvm_info_json("cvm_7", "seven"), cvm_info_json("cvm_8", "eight")],
            "total": 2, "page": 1, "page_size": 20, "pages": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/cvm_7/start"))
        .respond_with(json_ok(&json!({
            "id": 7, "name": "seven", "status": "starting", "teepod_id": 12,
            "app_id": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f", "vcpu": 2, "memory": 4096,
            "disk_size": 40, "created_at": "2026-01-21T10:15:30Z"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let compose = "services:\n  web:\n    image: nginx\n";
    let outcome = provision::run(&client(&server), "demo-app", compose)
        .await
        .expect("the example runs");
    assert_eq!(outcome.compose_hash, "abc123");
    assert_eq!(outcome.listed, ["seven", "eight"]);
    assert_eq!(outcome.started.as_deref(), Some("cvm_7"));

    let received = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "name": "demo-app",
            "instance_type": "tdx.small",
            "listed": false,
            "compose_file": {"name": "demo-app", "docker_compose_file": compose}
        })
    );
}
