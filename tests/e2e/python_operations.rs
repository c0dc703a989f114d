//! The 12 operations the public spec lacks and `spec/overlays/30-python-sdk-
//! operations.yaml` adds for the Python SDK's methods: each sends the
//! Python SDK's request (method, path, query, body, pinned version) to a
//! wiremock server on 127.0.0.1 and decodes a body the Python SDK 0.2.0's
//! model accepts (`tests/data/python_operations.json`, checked against
//! those models by `tests/data/check_python_shapes.py`), in every API
//! version shape the model has. The 5 of `50-upstream-operations.yaml`,
//! from the upstream SDKs, are last: their request and the sample body
//! their tests use.
#![allow(deprecated)] // get_cvm_containers_stats and update_cvm_visibility are deprecated upstream.

use phala_cloud::types::{
    CvmCreateKmsNodeId, CvmIsAllowedResponseCvmId, GetCurrentUserResponse, IsAllowedRequest,
    UpdateCvmVisibilityBody,
};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::*;

fn body(name: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("../data/python_operations.json")).unwrap();
    all[name].clone()
}

async fn serve(server: &MockServer, verb: &str, at: &str, name: &str) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(json_ok(&body(name)))
        .expect(1..)
        .mount(server)
        .await;
}

#[tokio::test]
async fn account_and_workspace_operations_decode() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/api/v1/auth/me", "get_current_user").await;
    serve(&server, "GET", "/api/v1/workspaces", "list_workspaces").await;
    serve(&server, "GET", "/api/v1/workspaces/team-a", "get_workspace").await;
    Mock::given(method("GET"))
        .and(path("/api/v1/workspaces/team-a/nodes"))
        .and(query_param("page", "2"))
        .and(query_param("page_size", "10"))
        .respond_with(json_ok(&body("get_workspace_nodes")))
        .expect(1)
        .mount(&server)
        .await;
    serve(
        &server,
        "GET",
        "/api/v1/workspaces/team-a/quotas",
        "get_workspace_quotas",
    )
    .await;
    let c = client(&server);

    let GetCurrentUserResponse::CurrentUser(me) = c.get_current_user().await.unwrap() else {
        panic!("the 2026-01-21 shape decodes as CurrentUser");
    };
    assert_eq!(me.user.username, "alice");
    assert_eq!(me.workspace.slug.as_deref(), Some("team-a"));
    assert_eq!(me.credits.balance.to_string(), "12.50");
    assert_eq!(me.credits.granted_balance.to_string(), "5");

    let list = c.list_workspaces().await.unwrap();
    assert_eq!(list.data[0].slug.as_deref(), Some("team-a"));
    assert!(!list.pagination.has_more);

    let team = list.data[0].slug.clone().unwrap();
    assert!(c.get_workspace(&team).await.unwrap().is_default);
    let nodes = c
        .get_workspace_nodes(&team)
        .page(2)
        .page_size(10)
        .await
        .unwrap();
    assert_eq!(nodes.items[0].name.as_deref(), Some("prod-us-west-1"));
    let quotas = c.get_workspace_quotas(&team).await.unwrap();
    assert_eq!(quotas.quotas.vcpu.remaining, 20);
    assert_eq!(quotas.reserved_gpu.in_use, 2);
}

#[tokio::test]
async fn the_2025_10_28_user_shape_decodes_too() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v1/auth/me",
        "get_current_user_2025_10_28",
    )
    .await;
    let c = client(&server).with_version("2025-10-28").unwrap();
    let GetCurrentUserResponse::LegacyCurrentUser(me) = c.get_current_user().await.unwrap() else {
        panic!("the 2025-10-28 shape decodes as LegacyCurrentUser");
    };
    assert_eq!((me.team_name.as_str(), me.credits), ("Team A", 12.5));
}

#[tokio::test]
async fn cvm_operations_send_pythons_bodies_and_decode() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v1/cvms/cvm_9/composition",
        "get_cvm_containers_stats",
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/cvms/cvm_9/visibility"))
        .and(body_json(
            json!({"public_sysinfo": true, "public_logs": false}),
        ))
        .respond_with(json_ok(&body("update_cvm_visibility")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/cvm_9/is-allowed"))
        .and(body_json(json!({"compose_hash": "3f2e1d0c"})))
        .respond_with(json_ok(&body("check_cvm_is_allowed")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/4242/is-allowed"))
        .and(body_json(json!({})))
        .respond_with(json_ok(&body("check_cvm_is_allowed_2026_01_21")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);

    let stats = c.get_cvm_containers_stats("cvm_9").await.unwrap();
    assert!(stats.is_online);
    assert_eq!(stats.containers.unwrap()[0].state, "running");

    let vm = c
        .update_cvm_visibility("cvm_9", UpdateCvmVisibilityBody::new(false, true))
        .await
        .unwrap();
    assert_eq!((vm.id, vm.vcpu), (4242, 2));

    let allowed = c
        .check_cvm_is_allowed(
            "cvm_9",
            IsAllowedRequest::default().compose_hash("3f2e1d0c"),
        )
        .await
        .unwrap();
    assert!(allowed.is_allowed);
    assert!(matches!(allowed.cvm_id, CvmIsAllowedResponseCvmId::String(ref s) if s == "cvm_9"));
    let denied = c
        .check_cvm_is_allowed(4242, IsAllowedRequest::default())
        .await
        .unwrap();
    assert!(matches!(
        denied.cvm_id,
        CvmIsAllowedResponseCvmId::Integer(4242)
    ));
    assert_eq!(denied.error.as_deref(), Some("compose hash not registered"));
    assert_eq!(denied.device_id_allowed, None);
}

#[tokio::test]
async fn placement_resources_and_images_decode_in_both_id_shapes() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v1/teepods/available",
        "get_available_nodes",
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/teepods/cvm-create-resources"))
        .and(header("x-phala-version", "2026-01-21"))
        .respond_with(json_ok(&body("get_cvm_create_resources_2026_01_21")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/teepods/cvm-create-resources"))
        .and(header("x-phala-version", "2026-06-23"))
        .respond_with(json_ok(&body("get_cvm_create_resources")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/os-images"))
        .and(query_param("is_dev", "false"))
        .and(query_param("page", "1"))
        .respond_with(json_ok(&body("get_os_images")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);

    let available = c.get_available_nodes().await.unwrap();
    assert_eq!(available.nodes[0].remaining_cvm_slots, 5);
    assert_eq!(available.kms_list[0].url, "https://kms.example.com");
    assert_eq!(available.gpu_availability.unwrap().public_gpu_count, 4);

    let old = c
        .get_cvm_create_resources()
        .api_version("2026-01-21")
        .await
        .unwrap();
    assert!(matches!(
        old.kms_nodes[0].id,
        CvmCreateKmsNodeId::Integer(3)
    ));
    assert_eq!(old.gateway_nodes[0].id.to_string(), "5");
    // The client's default (2026-06-23) gets the string ids of 2026-05-22.
    let new = c.get_cvm_create_resources().await.unwrap();
    assert_eq!(new.kms_nodes[0].id.to_string(), "kms_0123abcd");
    assert_eq!(new.instance_types[0].memory_mb, 2048);
    assert_eq!(new.node_kms_relations[0].teepod_id, 12);

    let images = c.get_os_images().page(1).is_dev(false).await.unwrap();
    assert_eq!(images.items[0].slug, "dstack-0-5-3");
}

#[tokio::test]
async fn kms_contract_nodes_are_pinned_to_2026_06_23() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/kms/phala-prod/nodes"))
        .and(header("x-phala-version", "2026-06-23"))
        .respond_with(json_ok(&body("list_kms_contract_nodes")))
        .expect(1)
        .mount(&server)
        .await;
    let nodes = client(&server)
        .list_kms_contract_nodes("phala-prod")
        .await
        .unwrap();
    assert_eq!(nodes.total, 1);
    assert_eq!(nodes.items[0].url, "https://kms-1.example.com");
}

#[test]
fn the_blocking_and_safe_forms_reach_the_same_operations() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        serve(&server, "GET", "/api/v1/auth/me", "get_current_user").await;
        serve(&server, "GET", "/api/v1/os-images", "get_os_images").await;
        Mock::given(method("GET"))
            .and(path("/api/v1/kms/missing/nodes"))
            .respond_with(json_raw(404, r#"{"detail":"KMS contract not found"}"#))
            .mount(&server)
            .await;
        server
    });
    let c = phala_cloud::blocking::PhalaCloud::from_async(client(&server)).unwrap();
    assert!(matches!(
        c.get_current_user().send().unwrap(),
        GetCurrentUserResponse::CurrentUser(_)
    ));
    let safe = c.safe_get_os_images().send();
    assert_eq!(safe.data.unwrap().total, 1);
    let missing = c.safe_list_kms_contract_nodes("missing").send();
    let err = missing.error.expect("a 404 is an error");
    assert_eq!(err.status_code(), Some(404));
    assert!(err.to_string().contains("KMS contract not found"), "{err}");
}

#[tokio::test]
async fn operations_of_the_upstream_sdks_send_their_requests_and_decode() {
    use phala_cloud::types::UpdateCvmSshKeysRequest;
    let server = MockServer::start().await;
    let status = json!({"current_hash": "aaa", "latest_official_hash": "bbb",
        "is_official": true, "is_latest": false, "can_upgrade": true});
    let key = json!({"id": "sshkey_abc", "owner_user_id": "usr_1", "owner_username": "alice",
        "added_by_user_id": "usr_2", "name": "laptop", "public_key": "ssh-ed25519 AAAA",
        "fingerprint": "SHA256:abc", "key_type": "ssh-ed25519"});
    let keys = json!({"keys": [key], "restart_required": true});
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_1/pre-launch-script/upgrade-status"))
        .respond_with(json_ok(&status))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/api/v1/cvms/cvm_1/pre-launch-script/upgrade-to-latest-official",
        ))
        .and(header("x-compose-hash", "0xfeed"))
        .and(header("x-transaction-hash", "0xbeef"))
        .respond_with(json_raw(
            202,
            r#"{"status": "in_progress", "message": "upgrading", "correlation_id": "op_1"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_1/ssh-keys"))
        .respond_with(json_ok(&keys))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/cvms/cvm_1/ssh-keys"))
        .and(body_json(
            json!({"ssh_key_ids": ["sshkey_abc"], "apply_now": true}),
        ))
        .respond_with(json_ok(&keys))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/tokens/self"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);

    let upgrade = c
        .get_pre_launch_script_upgrade_status("cvm_1")
        .await
        .unwrap();
    assert!(upgrade.can_upgrade && !upgrade.is_latest);
    assert_eq!(upgrade.current_hash.as_deref(), Some("aaa"));
    let started = c
        .upgrade_pre_launch_script("cvm_1")
        .x_compose_hash("0xfeed")
        .x_transaction_hash("0xbeef")
        .await
        .unwrap();
    assert_eq!(started.correlation_id.as_deref(), Some("op_1"));
    let stored = c.get_cvm_ssh_keys("cvm_1").await.unwrap();
    assert_eq!(stored.keys[0].owner_username, "alice");
    let replaced = c
        .update_cvm_ssh_keys(
            "cvm_1",
            UpdateCvmSshKeysRequest::new(vec!["sshkey_abc".to_owned()]).apply_now(true),
        )
        .await
        .unwrap();
    assert!(replaced.restart_required);
    c.revoke_current_api_token().await.unwrap();
}
