//! The remaining differences from the Python SDK 0.2.0 (issue 15), each
//! against a local wiremock server, through the raising method and its
//! `safe_*` twin where both apply:
//! 1. a 2xx is never an `ApiError`;
//! 2. an empty `message` falls back as in Python;
//! 3. the caller's `User-Agent` wins;
//! 4. an empty path id is rejected before any request;
//! 7. a transport error's Display says what went wrong;
//! 8. a body that fits no variant of a version union is kept as `Unknown`
//!    JSON, and a warning names the variant and the field (Python fails).
//!
//! (5, retry safety, is in `retries.rs`; 6, bounded memory, in `limits.rs`.)

use std::time::Duration;

use phala_cloud::{PhalaCloud, PhalaCloudError, RetryPolicy};
use reqwest::header::{HeaderValue, USER_AGENT};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn validation(e: &PhalaCloudError) -> &phala_cloud::ValidationError {
    match e {
        PhalaCloudError::Validation(v) => v,
        other => panic!("expected a ValidationError, got {other:?}"),
    }
}

// 1. ------------------------------------------------------------------------

#[tokio::test]
async fn undeclared_2xx_with_a_body_on_a_bodiless_operation_is_ok() {
    // delete_cvm declares 204; Python returns None for any 2xx.
    let server = answering(json_ok(&json!({"ok": true}))).await;
    let c = client(&server);
    c.delete_cvm("cvm_1").await.expect("a 200 is a success");
    let safe = c.safe_delete_cvm("cvm_1").await;
    assert!(safe.ok && safe.error.is_none(), "{safe:?}");

    let server = answering(ResponseTemplate::new(202)).await;
    client(&server)
        .delete_cvm("cvm_1")
        .await
        .expect("an empty 202 is a success");
}

#[tokio::test]
async fn empty_2xx_where_a_body_is_expected_is_a_validation_error() {
    let server = answering(ResponseTemplate::new(204)).await;
    let c = client(&server);
    for err in [
        c.get_cvm_info("cvm_1").await.unwrap_err(),
        c.safe_get_cvm_info("cvm_1").await.error.unwrap(),
        c.provision_cvm(provision_body()).await.unwrap_err(),
    ] {
        let v = validation(&err);
        assert_eq!(v.status_code(), Some(204), "{err}");
        assert_eq!(err.status_code(), Some(204));
        assert!(v.message().contains("empty"), "{err}");
        assert!(!err.is_api(), "a 2xx is never an ApiError: {err:?}");
    }
}

#[tokio::test]
async fn undeclared_2xx_decodes_when_it_can_and_keeps_the_body_when_not() {
    let body = cvm_detail_json("cvm_1");
    let server = answering(ResponseTemplate::new(201).set_body_json(&body)).await;
    let meta = client(&server)
        .get_cvm_info("cvm_1")
        .send_with_meta()
        .await
        .expect("a 201 with a valid body decodes");
    assert_eq!(meta.status_code(), 201);

    let server = answering(json_raw(202, r#"{"ok":true}"#)).await;
    let err = client(&server).get_cvm_state("cvm_1").await.unwrap_err();
    let v = validation(&err);
    assert_eq!(v.status_code(), Some(202));
    assert_eq!(v.body(), r#"{"ok":true}"#, "raw body kept");

    // A version union keeps an object it cannot type, as `Unknown`.
    let server = answering(json_raw(202, r#"{"ok":true}"#)).await;
    let meta = client(&server)
        .get_cvm_info("cvm_1")
        .send_with_meta()
        .await
        .expect("an object of an unknown shape decodes");
    assert_eq!(meta.status_code(), 202);
    match meta.data() {
        phala_cloud::types::GetCvmInfoResponse::Unknown(json) => {
            assert_eq!(json, &json!({"ok": true}))
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

// 2. ------------------------------------------------------------------------

#[tokio::test]
async fn empty_message_and_detail_fall_back_to_the_raw_body() {
    let cases = [
        (
            r#"{"message":"","detail":""}"#,
            r#"{"message":"","detail":""}"#,
        ),
        (r#"{"message":"","detail":"boom"}"#, "boom"),
        (r#"{"message":null,"detail":"x"}"#, "x"),
        (r#"{"message":"m","detail":"d"}"#, "m"),
        (
            r#"{"message":"  ","detail":[]}"#,
            r#"{"message":"  ","detail":[]}"#,
        ),
        ("oops", "oops"),
        ("", "Bad Request"),
    ];
    for (body, expected) in cases {
        let server = answering(json_raw(400, body)).await;
        let err = client(&server).get_cvm_info("cvm_1").await.unwrap_err();
        let api = err.as_api().expect("a 400 is an ApiError");
        assert_eq!(api.message(), expected, "body {body:?}");
        assert_eq!(api.body(), body);
        // Display puts the message on one line, whitespace runs folded.
        let one_line = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            err.to_string(),
            format!("{one_line} (HTTP 400)"),
            "body {body:?}"
        );
    }
}

#[tokio::test]
async fn display_truncates_a_long_body_and_the_accessor_keeps_it_all() {
    let long = "x".repeat(5000);
    let server = answering(json_raw(500, &long)).await;
    let err = client(&server).get_cvm_info("cvm_1").await.unwrap_err();
    let shown = err.to_string();
    assert!(shown.len() < 1200, "{} bytes shown", shown.len());
    assert!(shown.contains("… (5000 bytes)"), "{shown}");
    assert_eq!(err.as_api().unwrap().body(), long);
    assert_eq!(err.as_api().unwrap().message(), long);
}

// 3. ------------------------------------------------------------------------

#[tokio::test]
async fn the_callers_user_agent_wins_over_the_default() {
    let server = answering(json_ok(&cvm_detail_json("cvm_1"))).await;
    let base = server.uri();
    let default = PhalaCloud::builder()
        .base_url(&base)
        .api_key("k")
        .build()
        .unwrap();
    let by_header = PhalaCloud::builder()
        .base_url(&base)
        .api_key("k")
        .header(USER_AGENT, HeaderValue::from_static("my-agent/1.0"))
        .build()
        .unwrap();
    let by_setter = PhalaCloud::builder()
        .base_url(&base)
        .api_key("k")
        .user_agent(HeaderValue::from_static("setter/2.0"))
        .build()
        .unwrap();
    for c in [&default, &by_header, &by_setter] {
        c.get_cvm_info("cvm_1").await.unwrap();
    }
    let agents: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("user-agent")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        agents,
        [
            phala_cloud::DEFAULT_USER_AGENT,
            "my-agent/1.0",
            "setter/2.0"
        ]
    );
    assert!(phala_cloud::DEFAULT_USER_AGENT.starts_with("phala-cloud-rust/"));
}

// 4. ------------------------------------------------------------------------

#[tokio::test]
async fn an_empty_path_id_is_rejected_before_any_request() {
    let server = answering(json_ok(&cvm_detail_json("cvm_1"))).await;
    let c = client(&server);
    for id in ["", "   ", "\t"] {
        for err in [
            c.get_cvm_info(id).await.unwrap_err(),
            c.safe_get_cvm_info(id).await.error.unwrap(),
            c.delete_cvm(id).await.unwrap_err(),
            c.start_cvm(id).await.unwrap_err(),
        ] {
            let v = validation(&err);
            assert_eq!(v.argument_name(), Some("cvm_id"), "{err}");
            assert!(err.to_string().contains("`cvm_id`"), "{err}");
            assert_eq!(err.status_code(), None);
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    let blocking = phala_cloud::blocking::PhalaCloud::from_async(c.clone()).unwrap();
    let err = blocking.get_cvm_info(" ").send().unwrap_err();
    assert_eq!(validation(&err).argument_name(), Some("cvm_id"));
    assert!(server.received_requests().await.unwrap().is_empty());

    // A real id still goes out, percent-encoded.
    c.get_cvm_info("a b").await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent[0].url.path(), "/api/v1/cvms/a%20b");
}

// 7. ------------------------------------------------------------------------

#[tokio::test]
async fn a_timeout_says_timed_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_1"))
        .respond_with(json_ok(&cvm_detail_json("cvm_1")).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let c = PhalaCloud::builder()
        .base_url(server.uri())
        .api_key("k")
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.get_cvm_info("cvm_1").await.unwrap_err();
    let PhalaCloudError::Request(request) = &err else {
        panic!("{err:?}")
    };
    assert!(request.is_timeout());
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn a_body_cut_off_mid_way_says_so_and_names_the_real_url() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut seen = Vec::new();
        let mut buf = [0u8; 1024];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.len() < 65536 {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\":";
        let _ = stream.write_all(head.as_bytes());
    });
    let c = PhalaCloud::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key("k")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.get_cvm_info("cvm_1").await.unwrap_err();
    let text = err.to_string();
    assert!(err.is_request(), "{err:?}");
    assert!(
        text.contains(&format!("127.0.0.1:{port}/api/v1/cvms/cvm_1")),
        "{text}"
    );
    assert!(!text.contains("no.url.provided"), "{text}");
}

// 8. ------------------------------------------------------------------------

/// The body of a call decoded under a subscriber that records events, and
/// those events.
async fn decoded_with_events(
    body: &serde_json::Value,
) -> (
    Result<phala_cloud::types::GetCvmInfoResponse, PhalaCloudError>,
    Vec<String>,
) {
    let server = answering(json_ok(body)).await;
    let (capture, guard) = crate::common::capture::Capture::start();
    let result = client(&server).get_cvm_info("cvm_1").await;
    drop(guard);
    let events = capture.0.events.lock().unwrap().clone();
    (result, events)
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_that_fits_no_variant_is_kept_and_the_warning_names_variant_and_field() {
    // A 2026-01-21 CVM detail with `resource` missing: fits no variant, so
    // it is kept as `Unknown` JSON (Python fails the call here).
    let mut body = cvm_detail_json("cvm_1");
    body.as_object_mut().unwrap().remove("resource");
    let (result, events) = decoded_with_events(&body).await;
    let cvm = result.expect("an unknown shape still decodes");
    assert!(
        matches!(&cvm, phala_cloud::types::GetCvmInfoResponse::Unknown(json) if *json == body),
        "{cvm:?}"
    );
    assert_eq!(cvm.id(), "cvm_1", "the accessors read the JSON");
    assert_eq!(cvm.name(), body["name"].as_str().unwrap());
    let warning = events
        .iter()
        .find(|e| e.contains("GetCvmInfoResponse"))
        .unwrap_or_else(|| panic!("no warning naming the union: {events:?}"));
    assert!(warning.contains("as `CvmInfoDetail`"), "{warning}");
    assert!(warning.contains("missing field `resource`"), "{warning}");
    assert!(
        warning.contains("X-Phala-Version"),
        "the version's model: {warning}"
    );
    assert!(
        warning.contains("ManagementCvmBasicInfo"),
        "the other variant is named: {warning}"
    );

    // A wrong type deep inside: the warning's path leads to it.
    let mut body = cvm_detail_json("cvm_1");
    body["resource"]["vcpu"] = json!("two");
    let (result, events) = decoded_with_events(&body).await;
    assert!(result.is_ok(), "{result:?}");
    let warning = events.join(" ");
    assert!(warning.contains("resource.vcpu"), "{warning}");

    // Not an object at all: a validation error naming the union.
    let (result, _) = decoded_with_events(&json!(["cvm_1"])).await;
    let err = result.expect_err("a list is no CVM of any version");
    let text = err.to_string();
    assert!(text.contains("GetCvmInfoResponse"), "{text}");
    assert!(!text.contains("did not match any variant"), "{text}");
    assert_eq!(validation(&err).body(), r#"["cvm_1"]"#);
}

fn provision_body() -> phala_cloud::types::ProvisionDstackAppRequestV2 {
    serde_json::from_value(json!({
        "name": "demo",
        "compose_file": {"name": "demo", "docker_compose_file": "services: {}"}
    }))
    .expect("a minimal provision body")
}
