//! Watch a CVM's state until it reaches a target, printing every event.
//!
//! ```sh
//! PHALA_CLOUD_API_KEY=phak_... cargo run --example watch -- cvm_123 running
//! ```
//! `PHALA_CLOUD_API_PREFIX` points it at another server (a local mock, say).

use std::time::Duration;

use phala_cloud::{CvmStateEvent, PhalaCloud, PhalaCloudError, StreamExt};

/// The statuses seen, in order, ending with the target when it was reached.
pub async fn run(
    client: &PhalaCloud,
    cvm_id: &str,
    target: &str,
) -> Result<Vec<String>, PhalaCloudError> {
    let mut seen = Vec::new();
    let mut events = client
        .watch_cvm_state(cvm_id)
        .target(target)
        .timeout(Duration::from_secs(300))
        .stream();
    while let Some(event) = events.next().await {
        match event? {
            CvmStateEvent::State(s) => {
                println!("{cvm_id}: {}", s.status);
                seen.push(s.status);
            }
            CvmStateEvent::Complete(s) => {
                println!("{cvm_id} reached {}", s.status);
                seen.push(s.status);
            }
            CvmStateEvent::Timeout(_) => println!("the server's watch timed out"),
            other => println!("{other:?}"),
        }
    }
    Ok(seen)
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let cvm_id = args.next().ok_or("usage: watch CVM_ID [TARGET]")?;
    let target = args.next().unwrap_or_else(|| "running".to_owned());
    let client = PhalaCloud::builder().build()?;
    run(&client, &cvm_id, &target).await?;
    Ok(())
}
