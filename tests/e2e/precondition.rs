//! The on-chain KMS's HTTP 465 read with `compose_hash_precondition()`, in
//! the structured (`details` array) and legacy flat bodies the Python SDK
//! reads, and the retry that carries the registered hash (wiremock on
//! 127.0.0.1).

use phala_cloud::types::UpdateCvmEnvsBody;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

const STRUCTURED: &str = r#"{
  "error_code": "ERR-03-009", "message": "Compose hash must be registered on chain",
  "details": [
    {"field": "compose_hash", "value": "3f2e1d0c"},
    {"field": "app_id", "value": "e15a2f8b"},
    {"field": "device_id", "value": "dev_1"},
    {"field": "kms_info", "value": {"chain_id": 8453, "kms_contract_address": "0xabc"}}
  ]
}"#;

#[tokio::test]
async fn the_structured_465_reads_and_the_retry_carries_the_transaction() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/cvms/cvm_1/envs"))
        .and(body_json(json!({"encrypted_env": "aa", "env_keys": ["A"]})))
        .respond_with(json_raw(465, STRUCTURED))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/cvms/cvm_1/envs"))
        .and(body_json(json!({
            "encrypted_env": "aa", "env_keys": ["A"],
            "compose_hash": "3f2e1d0c", "transaction_hash": "0xfeed"
        })))
        .respond_with(json_raw(
            202,
            r#"{"status":"in_progress","correlation_id":"op_1"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let body = UpdateCvmEnvsBody::new("aa").env_keys(vec!["A".to_owned()]);
    let err = c.update_cvm_envs("cvm_1", body.clone()).await.unwrap_err();
    let p = err.compose_hash_precondition().expect("a 465 precondition");
    assert_eq!(
        (
            p.compose_hash.as_str(),
            p.app_id.as_str(),
            p.device_id.as_str()
        ),
        ("3f2e1d0c", "e15a2f8b", "dev_1")
    );
    assert_eq!(p.message, "Compose hash must be registered on chain");
    assert_eq!(p.kms_info.unwrap()["chain_id"], 8453);

    let retry = body.compose_hash(p.compose_hash).transaction_hash("0xfeed");
    let accepted = c.update_cvm_envs("cvm_1", retry).await.unwrap();
    assert_eq!(accepted.correlation_id.as_deref(), Some("op_1"));
}

#[tokio::test]
async fn the_legacy_flat_465_reads_and_other_errors_have_none() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/cvms/cvm_1"))
        .respond_with(json_raw(
            465,
            r#"{"compose_hash": "0c1d", "app_id": 42, "kms_info": null}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/cvms/cvm_2"))
        .respond_with(json_raw(409, r#"{"compose_hash": "0c1d", "app_id": "x"}"#))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .patch_cvm("cvm_1", phala_cloud::types::UpdateCvmRequest::default())
        .await
        .unwrap_err();
    let p = err.compose_hash_precondition().unwrap();
    assert_eq!(
        (
            p.compose_hash.as_str(),
            p.app_id.as_str(),
            p.device_id.as_str()
        ),
        ("0c1d", "42", "")
    );
    assert_eq!(p.message, "Compose hash verification required");
    assert_eq!(p.kms_info, None);

    let other = c
        .patch_cvm("cvm_2", phala_cloud::types::UpdateCvmRequest::default())
        .await
        .unwrap_err();
    assert_eq!(other.compose_hash_precondition(), None);
}
