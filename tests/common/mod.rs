//! Fixtures shared by the end-to-end tests: a client pointed at a local
//! wiremock server, response helpers, and realistic bodies built from the
//! spec's schemas (every required field present).
#![allow(dead_code)]

pub mod capture;

use phala_cloud::PhalaCloud;
use serde_json::{json, Value};
use wiremock::{Match, MockServer, Request, ResponseTemplate};
/// A client pointed at the mock server. `with_prefix` exercises both accepted
/// base URL forms (`http://host:port` and `http://host:port/api/v1`).
/// Retries are off so every mock sees exactly the requests a test makes.
pub fn client_for(server: &MockServer, with_prefix: bool) -> PhalaCloud {
    let base = if with_prefix {
        format!("{}/api/v1", server.uri())
    } else {
        server.uri()
    };
    PhalaCloud::builder()
        .api_key("test-key")
        .base_url(base)
        .retry_policy(phala_cloud::RetryPolicy::none())
        .build()
        .expect("client builds")
}

pub fn client(server: &MockServer) -> PhalaCloud {
    client_for(server, false)
}

/// A 200 response carrying `body` verbatim as `application/json`.
pub fn json_ok(body: &Value) -> ResponseTemplate {
    json_raw(200, &body.to_string())
}

/// A 200 `text/event-stream` response carrying `body` (server-sent events).
pub fn sse(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
}

pub fn json_raw(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// Matches requests that do NOT carry the named header.
pub struct HeaderAbsent(pub &'static str);

impl Match for HeaderAbsent {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key(self.0)
    }
}

/// A `NodeRef` as the API embeds it (`node_info`).
pub fn node_ref_json() -> Value {
    json!({
        "object_type": "node",
        "id": 12,
        "node_id": 7,
        "name": "prod-us-west-1",
        "region": "us-west",
        "device_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "ppid": "00112233445566778899aabbccddeeff",
        "status": "ONLINE",
        "version": "0.5.3"
    })
}

/// A v20260121 `CVMInfo` (schema
/// `teehouse__api__routes__cvms__v20260121__schemas__CVMInfo`) with every
/// required field (`id`, `name`, `resource`, `status`, `gateway`) and most
/// optional ones, including the `*Ref` objects with their `object_type`.
pub fn cvm_info_json(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "app_id": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
        "vm_uuid": "5b6c7d8e-9f01-4234-8567-89abcdef0123",
        "instance_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6",
        "resource": {
            "instance_type": "tdx.medium",
            "vcpu": 2,
            "memory_in_gb": 4.0,
            "disk_in_gb": 40,
            "gpus": 0,
            "compute_billing_price": "0.058000",
            "billing_period": "hourly"
        },
        "node_info": node_ref_json(),
        "os": {
            "name": "dstack-0.5.3",
            "version": "0.5.3",
            "is_dev": false,
            "os_image_hash": "9a8b7c6d5e4f"
        },
        "kms_type": "phala",
        "kms_info": {
            "chain_id": null,
            "dstack_kms_address": null,
            "dstack_app_address": null,
            "deployer_address": null,
            "rpc_endpoint": null,
            "encrypted_env_pubkey": "04abcdef"
        },
        "status": "running",
        "in_progress": false,
        "progress": null,
        "compose_hash": "3f2e1d0c",
        "docker_compose_hash": "0c1d2e3f",
        "pre_launch_script_hash": null,
        "gateway": {
            "base_domain": "dstack-prod5.phala.network",
            "cname": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f.dstack-prod5.phala.network"
        },
        "logs": {
            "serial": "https://logs.example/serial",
            "stdout": "https://logs.example/stdout",
            "stderr": "https://logs.example/stderr",
            "container_log_base": "https://logs.example/containers"
        },
        "services": [{"name": "web", "status": "running"}],
        "endpoints": [{
            "app": "https://e15a2f8b-8080.dstack-prod5.phala.network",
            "instance": "https://0f1e2d3c-8080.dstack-prod5.phala.network"
        }],
        "public_logs": true,
        "public_sysinfo": true,
        "public_tcbinfo": true,
        "gateway_enabled": true,
        "secure_time": false,
        "storage_fs": "ext4",
        "workspace": {
            "object_type": "workspace",
            "id": "wks_7Hq2LmN0",
            "name": "Acme",
            "slug": "acme",
            "avatar_url": null
        },
        "creator": {
            "object_type": "user",
            "id": "usr_abc123",
            "username": "alice",
            "avatar_url": "https://gravatar.example/alice"
        },
        "created_at": "2026-01-21T10:15:30Z",
        "deleted_at": null,
        "listed": false,
        "project_type": "webdemo"
    })
}

/// A `CVMInfoDetail`: a `CVMInfo` plus `compose_file`.
pub fn cvm_detail_json(id: &str) -> Value {
    let mut v = cvm_info_json(id, "my-detailed-cvm");
    v["compose_file"] = json!({
        "docker_compose_file": "services:\n  web:\n    image: nginx\n",
        "manifest_version": 2,
        "name": "my-detailed-cvm"
    });
    v
}

/// A `teehouse__api__routes__cvms__management__CvmBasicInfo`, whose `id` is
/// the internal integer id.
pub fn cvm_basic_info_json() -> Value {
    json!({
        "id": 4242,
        "teepod_id": 12,
        "teepod": {"id": 12, "name": "prod-us-west-1", "region_identifier": "us-west"},
        "name": "basic-cvm",
        "status": "stopped",
        "in_progress": true,
        "app_id": "aa11bb22cc33dd44ee55ff6677889900aabbccdd",
        "vm_uuid": "11111111-2222-4333-8444-555555555555",
        "instance_id": null,
        "vcpu": 4,
        "memory": 8192,
        "disk_size": 80,
        "base_image": "dstack-0.5.3",
        "encrypted_env_pubkey": "04deadbeef",
        "listed": true,
        "project_id": "0123abcd",
        "project_type": "webdemo",
        "instance_type": "tdx.large",
        "public_sysinfo": true,
        "public_logs": false,
        "dapp_dashboard_url": null,
        "syslog_endpoint": "syslog://logs.example:514",
        "kms_info": {
            "id": "kms_0123abcd",
            "slug": "phala-prod",
            "url": "https://kms.phala.example",
            "version": "v0.5.3",
            "chain_id": 8453,
            "kms_contract_address": "0x1234567890abcdef1234567890abcdef12345678",
            "gateway_app_id": "0xabcdef"
        },
        "contract_address": null,
        "deployer_address": null,
        "scheduled_delete_at": "2026-02-01T00:00:00Z",
        "public_urls": [{
            "app": "https://aa11bb22-80.example",
            "instance": "https://i-80.example"
        }],
        "gateway_domain": "dstack-prod5.phala.network"
    })
}

/// A `HostedCvm` (the other item type of the CVM list unions).
pub fn hosted_cvm_json(name: &str) -> Value {
    json!({
        "hosted": {
            "id": "5b6c7d8e-9f01-4234-8567-89abcdef0123",
            "name": name,
            "status": "running",
            "uptime": "3h 12m",
            "app_url": null,
            "app_id": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
            "instance_id": null,
            "configuration": null,
            "exited_at": null,
            "boot_progress": "done",
            "boot_error": null,
            "shutdown_progress": null,
            "image_version": "0.5.3",
            "events": []
        },
        "name": name,
        "managed_user": null,
        "node": {"id": 12, "name": "prod-us-west-1", "region_identifier": "us-west"},
        "listed": false,
        "status": "running",
        "in_progress": false,
        "dapp_dashboard_url": null,
        "syslog_endpoint": null,
        "allow_upgrade": true,
        "project_id": "prj_0123abcd",
        "project_type": "webdemo",
        "billing_period": "hourly",
        "kms_info": null,
        "contract_address": null,
        "deployer_address": null,
        "vcpu": 2,
        "memory": 4096,
        "disk_size": 40,
        "gateway_domain": "dstack-prod5.phala.network",
        "public_urls": []
    })
}

// ---------------------------------------------------------------------------
// 1. NodeRef / CvmRef (inline `object_type` consts sharing the title
//    "Object Type" must not be merged into one type)
// ---------------------------------------------------------------------------

/// Each tag file of `generated/src/operations` (all but `mod.rs`), sorted,
/// with its text.
pub fn tag_files() -> Vec<(std::path::PathBuf, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/src/operations");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().unwrap() != "mod.rs")
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect();
    files.sort();
    files
}

/// A tag file's `impl PhalaCloud { .. }` block and the
/// `impl blocking::PhalaCloud { .. }` block after it. Found by those
/// headers: doc comments are `/** .. */` blocks whose example lines may
/// start with `}`.
pub fn client_impls(text: &str) -> (&str, &str) {
    let (_, client) = text
        .split_once("\nimpl PhalaCloud {\n")
        .expect("a tag file has `impl PhalaCloud`");
    client
        .split_once("\nimpl blocking::PhalaCloud {\n")
        .expect("`impl blocking::PhalaCloud` follows `impl PhalaCloud`")
}
