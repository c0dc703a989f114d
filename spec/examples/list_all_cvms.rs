//! List every CVM of the workspace, page by page (the paginator stops after
//! the last page), with the blocking client.
//!
//! ```sh
//! PHALA_CLOUD_API_KEY=phak_... cargo run --example list_all_cvms
//! ```
//! `PHALA_CLOUD_API_PREFIX` points it at another server (a local mock, say).

use phala_cloud::types::GetCvmListResponse;
use phala_cloud::{blocking, PhalaCloudError};

/// The name of every CVM, across all pages.
pub fn run(client: &blocking::PhalaCloud) -> Result<Vec<String>, PhalaCloudError> {
    let mut names = Vec::new();
    for page in client.get_cvm_list().page_size(100).pages() {
        // The page's shape follows the API version the client sends.
        match page? {
            GetCvmListResponse::CvmInfos(p) => names.extend(p.items.into_iter().map(|c| c.name)),
            GetCvmListResponse::HostedCvms(p) => {
                names.extend(p.items.into_iter().map(|c| c.hosted.name))
            }
            // A page of a shape this crate does not know yet (a newer API):
            // its JSON is kept, and the page accessors still read it.
            other => eprintln!("a page of another shape: {} CVMs in all", other.total()),
        }
    }
    Ok(names)
}

#[cfg_attr(test, allow(dead_code))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = blocking::PhalaCloud::from_async(phala_cloud::PhalaCloud::builder().build()?)?;
    for name in run(&client)? {
        println!("{name}");
    }
    Ok(())
}
