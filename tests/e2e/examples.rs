//! The programs under `examples/`, run against a local mock server
//! (wiremock on 127.0.0.1) as a user would run them against the API.

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::*;

#[path = "../../generated/examples/inspect_cvm.rs"]
mod inspect_cvm;

#[path = "../../generated/examples/provision.rs"]
mod provision;

#[path = "../../generated/examples/testing_with_wiremock.rs"]
mod testing_with_wiremock;

/// The testing example's checks pass against its own mock server; one of
/// them fails if the client does not send the key or decode the state.
#[tokio::test]
async fn the_testing_example_passes_its_checks() {
    testing_with_wiremock::check()
        .await
        .expect("the testing example's checks pass");
}

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

#[path = "../../generated/examples/watch.rs"]
mod watch;

#[tokio::test]
async fn the_watch_example_prints_states_until_the_target() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_7/state"))
        .and(query_param("target", "stopped"))
        .and(query_param("timeout", "300"))
        .respond_with(sse("event: state\ndata: {\"status\": \"stopping\"}\n\n\
             event: complete\ndata: {\"status\": \"stopped\"}\n\n"))
        .expect(1)
        .mount(&server)
        .await;
    let seen = watch::run(&client(&server), "cvm_7", "stopped")
        .await
        .unwrap();
    assert_eq!(seen, ["stopping", "stopped"]);
}

#[path = "../../generated/examples/list_all_cvms.rs"]
mod list_all_cvms;

#[test]
fn the_list_all_cvms_example_reads_every_page() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        for (page, ids) in [(1, 0..100), (2, 100..150)] {
            let items: Vec<Value> = ids
                .map(|n| cvm_info_json(&format!("cvm_{n}"), &format!("app-{n}")))
                .collect();
            Mock::given(method("GET"))
                .and(path("/api/v1/cvms/paginated"))
                .and(query_param("page", page.to_string()))
                .and(query_param("page_size", "100"))
                .respond_with(json_ok(&json!({
                    "items": items, "total": 150, "page": page, "page_size": 100, "pages": 2
                })))
                .expect(1)
                .mount(&server)
                .await;
        }
        server
    });
    let c = phala_cloud::blocking::PhalaCloud::from_async(client(&server)).unwrap();
    let names = list_all_cvms::run(&c).unwrap();
    assert_eq!(names.len(), 150);
    assert_eq!(
        (names[0].as_str(), names[149].as_str()),
        ("app-0", "app-149")
    );
}

/// The API ahead of the crate: a KMS type and a field the spec does not
/// have, then a body of a shape no version has.
#[tokio::test]
async fn the_inspect_example_reads_a_newer_api() {
    let server = MockServer::start().await;
    let mut cvm = cvm_info_json("cvm_7", "seven");
    cvm["kms_type"] = json!("tdx-quorum");
    cvm["billing_tier"] = json!("gold");
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_7"))
        .respond_with(json_ok(&cvm))
        .expect(1)
        .mount(&server)
        .await;
    let shape: Value =
        json!({"id": "cvm_8", "name": "eight", "status": "running", "spec": {"v": 9}});
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_8"))
        .respond_with(json_ok(&shape))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(
        inspect_cvm::run(&c, "cvm_7").await.unwrap(),
        [
            "seven (cvm_7): running",
            "KMS type tdx-quorum",
            "also: billing_tier = \"gold\""
        ]
    );
    // No model fits: the accessors still read it, and nothing is "extra"
    // (the whole body is kept as it came).
    assert_eq!(
        inspect_cvm::run(&c, "cvm_8").await.unwrap(),
        ["eight (cvm_8): running"]
    );
}
