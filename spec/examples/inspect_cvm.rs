//! Describe one CVM, as a dashboard would, keeping working when the API is
//! newer than this crate: a KMS type it does not know yet, a response shape
//! of another API version, fields its models do not name.
//!
//! ```sh
//! PHALA_CLOUD_API_KEY=phak_... cargo run --example inspect_cvm -- cvm_123
//! ```
//! `PHALA_CLOUD_API_PREFIX` points it at another server (a local mock, say).

use phala_cloud::types::KmsType;
use phala_cloud::{PhalaCloud, PhalaCloudError};

/// What the example prints, line by line.
pub async fn run(client: &PhalaCloud, cvm_id: &str) -> Result<Vec<String>, PhalaCloudError> {
    let response = client.get_cvm_info(cvm_id).send_with_meta().await?;
    let cvm = response.data();
    // Fields every API version has read the same on any shape, even one
    // this crate does not know.
    let mut lines = vec![format!("{} ({}): {}", cvm.name(), cvm.id(), cvm.status())];
    // The typed model of the version the client speaks, when the server
    // answered in it.
    if let Some(detail) = cvm.as_v20260623() {
        let kms = match &detail.kms_type {
            Some(KmsType::Phala) => "the Phala KMS".to_owned(),
            Some(other) => format!("KMS type {other}"), // a new one prints as sent
            None => "no KMS".to_owned(),
        };
        lines.push(kms);
    }
    // What the server sent that the models do not name yet.
    for (path, value) in response.extra_fields() {
        lines.push(format!("also: {path} = {value}"));
    }
    Ok(lines)
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cvm_id = std::env::args().nth(1).ok_or("usage: inspect_cvm CVM_ID")?;
    let client = PhalaCloud::builder().build()?;
    for line in run(&client, &cvm_id).await? {
        println!("{line}");
    }
    Ok(())
}
