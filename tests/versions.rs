//! `X-Phala-Version` on the wire (wiremock on 127.0.0.1): the client's
//! version by default, an operation's pin (`[api.pins]`, mirroring the
//! Python SDK) whatever the client's, and a builder's `.api_version(..)`
//! over both, on the async and blocking clients.

use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

mod common;
use common::*;

async fn versions_sent(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let version = r.headers.get("x-phala-version").unwrap().to_str().unwrap();
            format!("{} {version}", r.url.path())
        })
        .collect()
}

#[tokio::test]
async fn pins_and_per_request_overrides_reach_the_wire() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_ok(&json!({"public_key": "0a", "signature": "0b"})))
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.api_version(), "2026-06-23");
    let _ = c.get_app_env_encrypt_pub_key("k", "a").await;
    let _ = c
        .get_app_env_encrypt_pub_key("k", "a")
        .api_version("2026-06-23")
        .await;
    let _ = c.get_cvm_compose_file("cvm_1").await;
    let _ = c
        .get_cvm_compose_file("cvm_1")
        .api_version("2026-05-22")
        .await;
    let later = c.with_version("2026-06-23").unwrap();
    let _ = later.get_app_env_encrypt_pub_key("k", "a").await;
    let err = c
        .get_cvm_compose_file("cvm_1")
        .api_version("1999-01-01")
        .await
        .expect_err("an unsupported version is refused before sending");
    assert!(err.to_string().contains("unsupported API version"), "{err}");

    assert_eq!(
        versions_sent(&server).await,
        [
            "/api/v1/kms/k/pubkey/a 2026-05-22",
            "/api/v1/kms/k/pubkey/a 2026-06-23",
            "/api/v1/cvms/cvm_1/compose_file 2026-06-23",
            "/api/v1/cvms/cvm_1/compose_file 2026-05-22",
            "/api/v1/kms/k/pubkey/a 2026-05-22",
        ]
    );
}

#[test]
fn the_blocking_client_sends_the_same_versions() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(json_ok(&json!({"public_key": "0a", "signature": "0b"})))
            .mount(&server)
            .await;
        server
    });
    let c = phala_cloud::blocking::PhalaCloud::from_async(client(&server)).unwrap();
    c.get_app_env_encrypt_pub_key("k", "a").send().unwrap();
    c.get_app_env_encrypt_pub_key("k", "a")
        .api_version("2025-10-28")
        .send()
        .unwrap();
    assert_eq!(
        rt.block_on(versions_sent(&server)),
        [
            "/api/v1/kms/k/pubkey/a 2026-05-22",
            "/api/v1/kms/k/pubkey/a 2025-10-28"
        ]
    );
}
