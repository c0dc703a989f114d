//! The on-chain KMS precondition (HTTP 465).
//!
//! A CVM whose app is governed by an on-chain KMS only accepts a new
//! compose file or new env vars once their compose hash is registered on
//! the app's contract. The first `update_cvm_envs`, `patch_cvm`,
//! `update_docker_compose` (or other update) answers 465 with the hash to
//! register; the Python SDK returns that as a "precondition required"
//! value, this crate as the error of the call, read with
//! [`PhalaCloudError::compose_hash_precondition`]. Then:
//!
//! 1. register `compose_hash` on the app contract (`app_id`) with your
//!    wallet (dstack's `addComposeHash`; this crate sends no transactions);
//! 2. send the same update again with the hash and the transaction hash:
//!    `compose_hash` / `transaction_hash` in the `update_cvm_envs` body, or
//!    the `x_compose_hash` / `x_transaction_hash` parameters of `patch_cvm`
//!    and `update_docker_compose`.
//!
//! ```no_run
//! # async fn run(client: phala_cloud::PhalaCloud, body: phala_cloud::types::UpdateCvmEnvsBody) -> Result<(), phala_cloud::PhalaCloudError> {
//! match client.update_cvm_envs("cvm_123", body.clone()).await {
//!     Ok(accepted) => println!("updating: {accepted:?}"),
//!     Err(e) => match e.compose_hash_precondition() {
//!         Some(p) => {
//!             let tx = "0x..."; // register p.compose_hash on p.app_id's contract first
//!             let body = body.compose_hash(p.compose_hash).transaction_hash(tx);
//!             client.update_cvm_envs("cvm_123", body).await?;
//!         }
//!         None => return Err(e),
//!     },
//! }
//! # Ok(()) }
//! ```

use serde_json::Value;

use crate::error::PhalaCloudError;

/// What the server needs registered on chain before it applies an update
/// (the body of an HTTP 465).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ComposeHashPrecondition {
    /// The server's message (`Compose hash verification required` when it
    /// gives none).
    pub message: String,
    /// The compose hash to register on the app's contract.
    pub compose_hash: String,
    /// The app whose contract takes the hash.
    pub app_id: String,
    /// The device the CVM runs on (empty when the server does not say).
    pub device_id: String,
    /// The KMS that governs the app, as the server describes it.
    pub kms_info: Option<Value>,
}

impl PhalaCloudError {
    /// The compose-hash precondition of an HTTP 465, read from the body's
    /// `details` array (`{"field": "compose_hash", "value": ...}`) or, from
    /// older servers, from its top-level fields; `None` for any other
    /// error. See [`crate::precondition`] for the flow around it.
    pub fn compose_hash_precondition(&self) -> Option<ComposeHashPrecondition> {
        let response = self.as_api()?.response();
        if response.status_code() != 465 {
            return None;
        }
        let body = response.detail()?.as_object()?;
        let message = body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("Compose hash verification required")
            .to_owned();
        if let Some(Value::Array(details)) = body.get("details") {
            let field = |name: &str| {
                details
                    .iter()
                    .find(|d| d.get("field").and_then(Value::as_str) == Some(name))
                    .and_then(|d| d.get("value"))
                    .filter(|v| !v.is_null())
            };
            if let (Some(hash), Some(app)) = (field("compose_hash"), field("app_id")) {
                return Some(ComposeHashPrecondition {
                    message,
                    compose_hash: text(hash),
                    app_id: text(app),
                    device_id: field("device_id").map(text).unwrap_or_default(),
                    kms_info: field("kms_info").cloned(),
                });
            }
        }
        let flat = |name: &str| body.get(name).filter(|v| !v.is_null());
        if flat("compose_hash").is_none() && flat("app_id").is_none() {
            return None;
        }
        Some(ComposeHashPrecondition {
            message,
            compose_hash: flat("compose_hash").map(text).unwrap_or_default(),
            app_id: flat("app_id").map(text).unwrap_or_default(),
            device_id: flat("device_id").map(text).unwrap_or_default(),
            kms_info: flat("kms_info").cloned(),
        })
    }
}

/// A string as it is, anything else (an app id sent as a number) as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
