//! `examples/deploy.rs` against a wiremock server on 127.0.0.1 playing the
//! Phala API and its KMS: every request body is checked, the env key is
//! signed the way a dstack KMS signs it, and the `encrypted_env` the
//! example commits is decrypted with the key's private half.

use k256::ecdsa::SigningKey;
use phala_cloud::env::{self, EnvVar};
use serde_json::{json, Value};
use sha3::{Digest, Keccak256};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

#[path = "../../generated/examples/deploy.rs"]
mod deploy;

const APP_ID: &str = "267e5dfb62548d2cc891400371fe662eb2ce8770";
const COMPOSE: &str = "services:\n  web:\n    image: nginx\n    environment:\n      - TOKEN\n";
const DOTENV: &str = "# secrets\nTOKEN=s3cr3t\nGREETING = héllo wörld\n";

/// The X25519 key pair the mock KMS hands out (from tests/data/env/vectors.json).
fn env_key() -> (String, [u8; 32]) {
    let vectors: Value = serde_json::from_str(include_str!("../data/env/vectors.json")).unwrap();
    let private = env::decode_hex(vectors["encryption"]["private_key"].as_str().unwrap()).unwrap();
    (
        vectors["encryption"]["public_key"]
            .as_str()
            .unwrap()
            .to_owned(),
        private.try_into().unwrap(),
    )
}

/// The KMS's legacy signature over `public_key` for `APP_ID`:
/// keccak256("dstack-env-encrypt-pubkey:" || app id || key), `r || s || v`.
fn kms_signature(kms: &SigningKey, public_key: &[u8]) -> String {
    let mut message = b"dstack-env-encrypt-pubkey:".to_vec();
    message.extend(env::decode_hex(APP_ID).unwrap());
    message.extend(public_key);
    let digest = Keccak256::digest(&message);
    let (signature, recovery) = kms.sign_prehash_recoverable(&digest).unwrap();
    let mut bytes = signature.to_bytes().to_vec();
    bytes.push(recovery.to_byte());
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn the_deploy_example_provisions_encrypts_commits_and_waits() {
    let server = MockServer::start().await;
    let (public_key, private_key) = env_key();
    let kms = SigningKey::from_slice(&[7u8; 32]).unwrap();
    let kms_signer = format!(
        "0x{}",
        kms.verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );

    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/provision"))
        .and(body_partial_json(json!({
            "name": "demo",
            "instance_type": "tdx.small",
            "compose_file": {
                "name": "demo", "docker_compose_file": COMPOSE,
                "allowed_envs": ["TOKEN", "GREETING"]
            }
        })))
        .respond_with(json_ok(&json!({
            "app_id": APP_ID, "app_env_encrypt_pubkey": public_key,
            "compose_hash": "3f2e1d0c", "kms_id": "kms_1", "node_id": 12
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/kms/kms_1/pubkey/{APP_ID}")))
        .respond_with(json_ok(&json!({
            "public_key": public_key,
            "signature": kms_signature(&kms, &env::decode_hex(&public_key).unwrap())
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms"))
        .and(body_partial_json(json!({
            "app_id": APP_ID, "compose_hash": "3f2e1d0c", "kms_id": "kms_1",
            "env_keys": ["TOKEN", "GREETING"]
        })))
        .respond_with(json_ok(&json!({
            "id": 4242, "name": "demo", "status": "creating", "teepod_id": 12,
            "app_id": APP_ID, "vcpu": 1, "memory": 2048, "disk_size": 20,
            "created_at": "2026-11-30T06:00:00Z"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/4242/state"))
        .respond_with(sse("event: state\ndata: {\"status\": \"starting\"}\n\n\
             event: complete\ndata: {\"status\": \"running\"}\n\n"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/4242"))
        .respond_with(json_ok(&cvm_info_json("cvm_4242", "demo")))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    let done = deploy::run(&c, "demo", COMPOSE, DOTENV, Some(&kms_signer))
        .await
        .expect("the example deploys");
    assert_eq!(done.cvm_id, "4242");
    assert_eq!(done.signer, kms_signer);
    assert_eq!(done.status, "running");
    assert_eq!(
        done.endpoint.as_deref(),
        Some("https://e15a2f8b-8080.dstack-prod5.phala.network")
    );

    // The committed env vars decrypt, with the private key, to the .env's.
    let commit = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/api/v1/cvms")
        .unwrap();
    let body: Value = serde_json::from_slice(&commit.body).unwrap();
    let sealed = body["encrypted_env"].as_str().unwrap();
    assert_eq!(
        env::decrypt_env_vars(sealed, &private_key).unwrap(),
        [
            EnvVar::new("TOKEN", "s3cr3t"),
            EnvVar::new("GREETING", "héllo wörld")
        ]
    );

    // A key signed by another KMS is refused before anything is committed.
    let other = SigningKey::from_slice(&[9u8; 32]).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/provision"))
        .respond_with(json_ok(&json!({
            "app_id": APP_ID, "compose_hash": "3f2e1d0c", "kms_id": "kms_1"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/kms/kms_1/pubkey/{APP_ID}")))
        .respond_with(json_ok(&json!({
            "public_key": public_key,
            "signature": kms_signature(&other, &env::decode_hex(&public_key).unwrap())
        })))
        .mount(&server)
        .await;
    let err = deploy::run(&client(&server), "demo", COMPOSE, DOTENV, Some(&kms_signer))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not the trusted KMS"), "{err}");
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert!(!paths.contains(&"/api/v1/cvms".to_owned()), "{paths:?}");
}
