//! Provision a CVM from a docker-compose file, then list CVMs and start the
//! first one: the request body is built with the model builders (only the
//! fields set are sent), the page parameters are plain integers, and the
//! listed CVM's id goes into the next call as it is.
//!
//! ```sh
//! PHALA_CLOUD_API_KEY=phak_... cargo run --example provision -- my-app docker-compose.yml
//! ```
//! `PHALA_CLOUD_API_PREFIX` points it at another server (a local mock, say).

use phala_cloud::types::{AppComposeV2, GetCvmListResponse, ProvisionDstackAppRequestV2};
use phala_cloud::{PhalaCloud, PhalaCloudError};

/// What the example did, for the caller (and its test) to check.
#[derive(Debug)]
pub struct Outcome {
    pub compose_hash: String,
    pub listed: Vec<String>,
    pub started: Option<String>,
}

pub async fn run(
    client: &PhalaCloud,
    name: &str,
    compose: &str,
) -> Result<Outcome, PhalaCloudError> {
    let body = ProvisionDstackAppRequestV2::new(
        AppComposeV2::new(name).docker_compose_file(compose),
        name,
    )
    .instance_type("tdx.small")
    .listed(false);
    let provisioned = client.provision_cvm(body).await?;
    // Typed: the spec leaves this response empty; spec/overlays/ gives it
    // the Python SDK's `ProvisionCvmResponse` fields.
    let compose_hash = provisioned.compose_hash;

    let page = client.get_cvm_list().page(1).page_size(20).await?;
    println!("{} CVMs in total", page.total());
    let ids: Vec<(String, String)> = match &page {
        GetCvmListResponse::CvmInfos(p) => p
            .items
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone()))
            .collect(),
        GetCvmListResponse::HostedCvms(p) => p
            .items
            .iter()
            .map(|c| (c.hosted.id.clone(), c.hosted.name.clone()))
            .collect(),
        // A page of a shape this crate does not know yet (a newer API).
        _ => Vec::new(),
    };
    let mut started = None;
    if let Some((id, name)) = ids.first() {
        client.start_cvm(id).await?;
        println!("started {name}");
        started = Some(id.clone());
    }
    Ok(Outcome {
        compose_hash,
        listed: ids.into_iter().map(|(_, name)| name).collect(),
        started,
    })
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "my-app".to_owned());
    let compose = match args.next() {
        Some(path) => std::fs::read_to_string(path)?,
        None => "services:\n  web:\n    image: nginx\n".to_owned(),
    };
    let client = PhalaCloud::builder().build()?;
    let outcome = run(&client, &name, &compose).await?;
    println!("{outcome:?}");
    Ok(())
}
