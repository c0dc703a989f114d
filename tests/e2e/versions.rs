//! `X-Phala-Version` on the wire (wiremock on 127.0.0.1): the client's
//! version by default, an operation's pin (`[api.pins]`, mirroring the
//! Python SDK) whatever the client's, and a builder's `.api_version(..)`
//! over both, on the async and blocking clients.

use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::common::*;

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

/// From 2026-06-23 `GET /kms` and `GET /kms/{id}` answer with KMS
/// contracts: `list_kms_contracts` and `get_kms_contract` send that version
/// and decode the contracts; `get_kms_list` and `get_kms_info` stay on the
/// KMS nodes of 2026-05-22 (as the Python SDK 0.2.0 pins them).
#[tokio::test]
async fn kms_contract_methods_are_pinned_to_2026_06_23_and_decode_contracts() {
    let server = MockServer::start().await;
    let contract = json!({
        "id": "kc_abc", "slug": "phala", "label": "Phala KMS",
        "contract_address": "phala", "chain_id": 0,
        "k256_pubkey": "02ab", "ca_pubkey": null, "node_count": 3
    });
    let node =
        json!({"id": "kms_1", "slug": "kms-prod", "url": "https://kms.example", "version": "0.5"});
    for (at, version, body) in [
        ("/api/v1/kms/phala", "2026-06-23", contract.clone()),
        (
            "/api/v1/kms",
            "2026-06-23",
            json!({"items": [contract], "total": 1, "page": 1, "page_size": 20, "pages": 1}),
        ),
        ("/api/v1/kms/kms_1", "2026-05-22", node.clone()),
        (
            "/api/v1/kms",
            "2026-05-22",
            json!({"items": [node], "total": 1, "page": 1, "page_size": 20, "pages": 1}),
        ),
    ] {
        Mock::given(wiremock::matchers::path(at))
            .and(wiremock::matchers::header("x-phala-version", version))
            .respond_with(json_ok(&body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    assert_eq!(c.api_version(), "2026-06-23");
    let found = c.get_kms_contract("phala").await.expect("a contract");
    assert_eq!((found.id.as_str(), found.node_count), ("kc_abc", 3));
    let page = c.list_kms_contracts().await.expect("a page of contracts");
    assert_eq!(page.items[0].contract_address, "phala");
    let info = c.get_kms_info("kms_1").await.expect("a KMS node");
    assert_eq!(info.url, "https://kms.example");
    let nodes = c.get_kms_list().await.expect("a page of KMS nodes");
    assert_eq!(nodes.items[0].id.to_string(), "kms_1");
}
