//! Responses the public spec leaves empty (`{}`) decode into the models
//! `spec/overlays/` gives them, against bodies shaped like the Python SDK
//! 0.2.0's models for the same requests, from a wiremock server on
//! 127.0.0.1.

use phala_cloud::types::{CvmStateResponseId, UpdateCvmEnvsBody};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

async fn serve(server: &MockServer, verb: &str, at: &str, status: u16, body: serde_json::Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(json_raw(status, &body.to_string()))
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_deploy_steps_decode_into_typed_models() {
    let server = MockServer::start().await;
    serve(
        &server,
        "POST",
        "/api/v1/cvms/provision",
        200,
        json!({
            "app_id": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
            "app_env_encrypt_pubkey": "9a8b7c",
            "compose_hash": "3f2e1d0c",
            "kms_info": {"id": "kms_1", "chain_id": 8453},
            "fmspc": "00906ED50000",
            "device_id": "dev_1",
            "os_image_hash": "abc",
            "instance_type": "tdx.small",
            "node_id": 12,
            "kms_id": null,
            "kms_contract_id": "0x1234",
            "a_field_added_later": true
        }),
    )
    .await;
    serve(
        &server,
        "GET",
        "/api/v1/kms/kms_1/pubkey/app_1",
        200,
        json!({"public_key": "0a0b", "signature": "ffee"}),
    )
    .await;
    serve(
        &server,
        "GET",
        "/api/v1/kms/phala/next_app_id",
        200,
        json!({"app_ids": [{"app_id": "aa", "nonce": 3}]}),
    )
    .await;
    serve(
        &server,
        "GET",
        "/api/v1/cvms/cvm_1/compose_file",
        200,
        json!({"docker_compose_file": "services: {}", "name": "app", "manifest_version": 2}),
    )
    .await;
    serve(
        &server,
        "GET",
        "/api/v1/cvms/cvm_1/state",
        200,
        json!({"id": 4242, "instance_id": null, "name": "app", "status": "running"}),
    )
    .await;
    serve(
        &server,
        "GET",
        "/api/v1/cvms/cvm_2/state",
        200,
        json!({"id": "cvm_2", "status": "stopped"}),
    )
    .await;
    serve(
        &server,
        "PATCH",
        "/api/v1/cvms/cvm_1/envs",
        202,
        json!({"status": "in_progress", "message": "applying", "correlation_id": "op_9"}),
    )
    .await;

    let c = client(&server);
    let body = phala_cloud::types::ProvisionDstackAppRequestV2::new(
        phala_cloud::types::AppComposeV2::new("app"),
        "app",
    );
    let p = c.provision_cvm(body).await.expect("provision decodes");
    assert_eq!(p.compose_hash, "3f2e1d0c");
    assert_eq!(
        p.app_id.as_deref(),
        Some("e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f")
    );
    assert_eq!(p.node_id, Some(12));
    assert_eq!(p.kms_info.as_ref().unwrap()["chain_id"], json!(8453));

    let key = c
        .get_app_env_encrypt_pub_key("kms_1", "app_1")
        .await
        .expect("pubkey");
    assert_eq!(
        (key.public_key.as_str(), key.signature.as_str()),
        ("0a0b", "ffee")
    );

    let next = c.next_app_ids().await.expect("next app ids");
    assert_eq!(next.app_ids.len(), 1);

    let compose = c.get_cvm_compose_file("cvm_1").await.expect("compose file");
    assert_eq!(compose.docker_compose_file.as_deref(), Some("services: {}"));

    let running = c
        .get_cvm_state("cvm_1")
        .await
        .expect("state with an integer id");
    assert_eq!(running.status, "running");
    assert!(matches!(
        running.id,
        Some(CvmStateResponseId::Integer(4242))
    ));
    let stopped = c
        .get_cvm_state("cvm_2")
        .await
        .expect("state with a string id");
    assert_eq!(
        stopped.id.map(|id| id.to_string()).as_deref(),
        Some("cvm_2")
    );

    let update = c
        .update_cvm_envs("cvm_1", UpdateCvmEnvsBody::new("00ff"))
        .await
        .expect("202 decodes");
    assert_eq!(update.status, "in_progress");
    assert_eq!(update.correlation_id.as_deref(), Some("op_9"));
}

#[tokio::test]
async fn a_body_missing_a_required_field_is_a_validation_error_with_the_body() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v1/kms/kms_1/pubkey/app_1",
        200,
        json!({"public_key": "0a0b"}),
    )
    .await;
    let err = client(&server)
        .get_app_env_encrypt_pub_key("kms_1", "app_1")
        .await
        .expect_err("signature is required");
    let phala_cloud::PhalaCloudError::Validation(v) = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    assert!(v.body().contains("0a0b"), "the raw body is kept: {err}");
    assert!(err.to_string().contains("signature"), "{err}");
}
