//! Testing your own code that calls the SDK: point the client's `base_url`
//! at a local [wiremock](https://docs.rs/wiremock) server and give
//! it canned responses. In your crate the body of `main` below is a
//! `#[tokio::test]`; here it runs as a program:
//!
//! ```sh
//! cargo run --example testing_with_wiremock
//! ```
//!
//! It needs `wiremock`, `serde_json` and `tokio` (with `macros`) as
//! dev-dependencies.

use phala_cloud::types::CvmStateResponse;
use phala_cloud::{PhalaCloud, PhalaCloudError, RetryPolicy};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The code under test (yours): whether a CVM is running. A CVM that does
/// not exist is not running; any other error is the caller's to handle.
pub async fn is_running(client: &PhalaCloud, cvm_id: &str) -> Result<bool, PhalaCloudError> {
    match client.get_cvm_state(cvm_id).await {
        Ok(state) => Ok(state.status == "running"),
        Err(e) if e.status_code() == Some(404) => Ok(false),
        Err(e) => Err(e),
    }
}

/// More code under test: it takes a model, not a client.
pub fn describe(state: &CvmStateResponse) -> String {
    match &state.name {
        Some(name) => format!("{name}: {}", state.status),
        None => state.status.clone(),
    }
}

/// A client for the mock server: any key, its URL, and no retries, so an
/// error response is one request.
pub fn client_for(server: &MockServer) -> Result<PhalaCloud, PhalaCloudError> {
    PhalaCloud::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
}

/// The checks a user's test makes; `Err` names the one that failed.
pub async fn check() -> Result<(), String> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_up/state"))
        .and(header("x-api-key", "test-key"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"status": "running", "name": "web"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_gone/state"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"detail": "CVM not found"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_broken/state"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream down"))
        .mount(&server)
        .await;

    let client = client_for(&server).map_err(|e| e.to_string())?;
    let up = is_running(&client, "cvm_up")
        .await
        .map_err(|e| e.to_string())?;
    if !up {
        return Err("cvm_up should be running".into());
    }
    let gone = is_running(&client, "cvm_gone")
        .await
        .map_err(|e| e.to_string())?;
    if gone {
        return Err("a missing CVM should not be running".into());
    }
    match is_running(&client, "cvm_broken").await {
        Err(e) if e.status_code() == Some(500) => {}
        other => {
            return Err(format!(
                "a 500 should be an error with its status, got {other:?}"
            ))
        }
    }
    // `expect(1)` above is verified here: exactly one call for cvm_up.
    server.verify().await;

    // Code that takes a model needs no server: build the model from the
    // JSON the server would send.
    let state: CvmStateResponse =
        serde_json::from_value(serde_json::json!({"status": "stopped", "name": "web"}))
            .map_err(|e| e.to_string())?;
    if describe(&state) != "web: stopped" {
        return Err(format!("describe gave {:?}", describe(&state)));
    }
    Ok(())
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main]
async fn main() {
    match check().await {
        Ok(()) => println!("all checks passed"),
        Err(e) => {
            eprintln!("check failed: {e}");
            std::process::exit(1);
        }
    }
}
