//! Deploy an app from a `docker-compose.yml` and a `.env`: provision, fetch
//! and verify the app's env-encryption key, encrypt the env vars to it,
//! commit, wait until the CVM runs, and print its endpoint.
//!
//! ```sh
//! PHALA_CLOUD_API_KEY=phak_... cargo run --example deploy -- my-app docker-compose.yml .env
//! ```
//! Set `PHALA_KMS_SIGNER` to the KMS's compressed secp256k1 key (`0x02...`)
//! to refuse an env key that KMS did not sign. `PHALA_CLOUD_API_PREFIX`
//! points the example at another server (a local mock, say).

use std::time::Duration;

use phala_cloud::env::{self, EnvVar};
use phala_cloud::types::{AppComposeV2, CreateTappRequest, ProvisionDstackAppRequestV2};
use phala_cloud::PhalaCloud;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// What the deploy did, for the caller (and its test) to check.
#[derive(Debug)]
pub struct Deployed {
    pub cvm_id: String,
    pub app_id: String,
    pub signer: String,
    pub status: String,
    pub endpoint: Option<String>,
}

pub async fn run(
    client: &PhalaCloud,
    name: &str,
    compose: &str,
    dotenv: &str,
    trusted_signer: Option<&str>,
) -> Result<Deployed, Error> {
    let vars: Vec<EnvVar> = env::parse_env_vars(dotenv);
    let keys: Vec<String> = vars.iter().map(|v| v.key.clone()).collect();

    // 1. Provision: the server fixes the compose hash and picks the KMS.
    let app = AppComposeV2::new(name)
        .docker_compose_file(compose)
        .allowed_envs(keys.clone());
    let body = ProvisionDstackAppRequestV2::new(app, name).instance_type("tdx.small");
    let provisioned = client.provision_cvm(body).await?;
    let app_id = provisioned.app_id.ok_or("the provision gave no app id")?;
    let kms = provisioned
        .kms_id
        .or(provisioned.kms_contract_id)
        .ok_or("the provision named no KMS")?;

    // 2. The key the env vars are encrypted to, signed by the KMS.
    let key = client.get_app_env_encrypt_pub_key(&kms, &app_id).await?;
    let public_key = env::decode_hex(&key.public_key)?;
    let signer = match (&key.signature_v1, key.timestamp) {
        (Some(sig), Some(at)) => env::verify_env_encrypt_public_key(
            &public_key,
            &env::decode_hex(sig)?,
            &app_id,
            u64::try_from(at)?,
        ),
        _ => env::verify_env_encrypt_public_key_legacy(
            &public_key,
            &env::decode_hex(&key.signature)?,
            &app_id,
        ),
    }
    .ok_or("the KMS signature over the env key does not verify")?;
    if trusted_signer.is_some_and(|t| !t.eq_ignore_ascii_case(&signer)) {
        return Err(format!("the env key is signed by {signer}, not the trusted KMS").into());
    }
    if let Some(offered) = &provisioned.app_env_encrypt_pubkey {
        if !offered
            .trim_start_matches("0x")
            .eq_ignore_ascii_case(&key.public_key)
        {
            return Err("the provision and the KMS disagree on the env key".into());
        }
    }

    // 3. Encrypt and commit: the server creates the CVM.
    let encrypted = env::encrypt_env_vars(&vars, &key.public_key)?;
    let commit = CreateTappRequest::new(&app_id, provisioned.compose_hash)
        .encrypted_env(encrypted)
        .env_keys(keys)
        .kms_id(kms);
    let vm = client.commit_cvm_provision(commit).await?;
    // The id is a string from API version 2026-05-22 on, an integer before.
    let cvm_id = vm.id();

    // 4. Wait until it runs, then read its endpoint.
    let state = client
        .wait_until_running(&cvm_id, Duration::from_secs(600))
        .on_progress(|p| eprintln!("{}: {}", p.target, p.status.as_deref().unwrap_or("...")))
        .await?;
    let cvm = client.get_cvm_info(&cvm_id).await?;
    let endpoint = cvm
        .as_v20260623()
        .and_then(|d| d.endpoints.clone())
        .unwrap_or_default()
        .into_iter()
        .next()
        .map(|e| e.app);
    Ok(Deployed {
        cvm_id,
        app_id,
        signer,
        status: state.status,
        endpoint,
    })
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, compose, dotenv] = args.as_slice() else {
        return Err("usage: deploy NAME docker-compose.yml .env".into());
    };
    let client = PhalaCloud::builder().build()?;
    let trusted = std::env::var("PHALA_KMS_SIGNER").ok();
    let deployed = run(
        &client,
        name,
        &std::fs::read_to_string(compose)?,
        &std::fs::read_to_string(dotenv)?,
        trusted.as_deref(),
    )
    .await?;
    println!(
        "CVM {} (app {}) is {}; endpoint: {}",
        deployed.cvm_id,
        deployed.app_id,
        deployed.status,
        deployed.endpoint.as_deref().unwrap_or("none yet")
    );
    Ok(())
}
