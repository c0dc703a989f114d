//! Requests as they reach a real local server (wiremock on 127.0.0.1): the
//! headers every request carries, multipart uploads, HEAD and raw-byte
//! responses, percent-encoded path ids, and how error responses surface.

use phala_cloud::types::GetCvmInfoResponse;
use phala_cloud::{PhalaCloudError, UploadFile};
use serde_json::json;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn every_request_carries_version_and_key_and_no_api_version() {
    assert_eq!(phala_cloud::DEFAULT_API_VERSION, "2026-06-23");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms"))
        .and(header("x-phala-version", "2026-06-23"))
        .and(header("x-api-key", "test-key"))
        .and(HeaderAbsent("api-version"))
        .respond_with(json_raw(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;
    // Fallback so the other operations do not 404; their headers are checked
    // from `received_requests` below.
    Mock::given(any())
        .respond_with(json_raw(200, "{}"))
        .mount(&server)
        .await;

    let c = client(&server);
    assert_eq!(c.api_version(), "2026-06-23");
    c.list_cvms()
        .await
        .expect("list_cvms via the header-matching mock");
    // Other code paths: JSON body, raw bytes, HEAD, multipart.
    let _ = c.get_attestation_collateral("abc").await;
    let _ = c.get_raw_attestation("abc").await;
    let _ = c.check_raw_attestation("abc").await;
    let _ = c
        .update_pre_launch_script("cvm_x")
        .file(UploadFile::new("s.sh", b"true".to_vec()))
        .await;

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 5);
    for r in &received {
        let ctx = format!("{} {}", r.method, r.url.path());
        assert_eq!(
            r.headers
                .get("x-phala-version")
                .map(|v| v.to_str().unwrap()),
            Some("2026-06-23"),
            "{ctx}"
        );
        assert_eq!(
            r.headers.get("x-api-key").map(|v| v.to_str().unwrap()),
            Some("test-key"),
            "{ctx}"
        );
        assert!(
            !r.headers.contains_key("api-version"),
            "{ctx}: {:?}",
            r.headers
        );
        assert_eq!(
            r.headers.get_all("x-phala-version").iter().count(),
            1,
            "{ctx}"
        );
    }
}

// ---------------------------------------------------------------------------
// 9. Multipart upload
// ---------------------------------------------------------------------------

#[tokio::test]
async fn pre_launch_script_upload_is_multipart_with_file_part() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/cvms/cvm_up1/pre-launch-script"))
        .respond_with(json_ok(
            &json!({"status": "accepted", "correlation_id": "op_123"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client_for(&server, true);
    let resp = c
        .update_pre_launch_script("cvm_up1")
        .file(UploadFile::new("script.sh", b"echo hi".to_vec()))
        .await
        .expect("upload accepted");
    assert_eq!(resp.correlation_id.as_deref(), Some("op_123"));

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let req = &received[0];
    let content_type = req
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "content-type: {content_type}"
    );
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("boundary")
        .trim_matches('"')
        .to_owned();
    let body = String::from_utf8(req.body.clone()).expect("utf-8 body");
    let parts: Vec<&str> = body
        .split(&format!("--{boundary}"))
        .map(str::trim_start)
        .filter(|p| !p.is_empty() && !p.starts_with("--"))
        .collect();
    assert_eq!(parts.len(), 1, "one part expected in {body:?}");
    let (head, content) = parts[0].split_once("\r\n\r\n").expect("part header/body");
    assert!(head.contains(r#"name="file""#), "part headers: {head}");
    assert!(
        head.contains(r#"filename="script.sh""#),
        "part headers: {head}"
    );
    assert_eq!(content.strip_suffix("\r\n").unwrap_or(content), "echo hi");
}

// ---------------------------------------------------------------------------
// 10. HEAD with no body, and a raw-bytes response
// ---------------------------------------------------------------------------

#[tokio::test]
async fn head_returns_unit_and_raw_attestation_returns_exact_bytes() {
    let server = MockServer::start().await;
    let checksum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let quote: Vec<u8> = vec![
        0x04, 0x00, 0x02, 0x00, 0x81, 0xff, 0xfe, 0x00, b'{', 0x7f, 0x80, 0x0a,
    ];
    Mock::given(method("HEAD"))
        .and(path(format!("/api/v1/attestations/raw/{checksum}")))
        .respond_with(
            ResponseTemplate::new(200).insert_header("content-type", "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .and(path("/api/v1/attestations/raw/missing"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/attestations/raw/{checksum}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(quote.clone(), "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);

    let head = c.check_raw_attestation(checksum).await;
    assert!(
        matches!(head, Ok(())),
        "HEAD 200 must be Ok(()), got {head:?}"
    );
    match c.check_raw_attestation("missing").await {
        Err(PhalaCloudError::Api(e)) => assert_eq!(e.status_code(), 404),
        other => panic!("expected Api 404, got {other:?}"),
    }
    let bytes = c.get_raw_attestation(checksum).await.expect("raw bytes");
    assert_eq!(bytes, quote);
}

// ---------------------------------------------------------------------------
// 11. Path parameters are percent-encoded as one segment
// ---------------------------------------------------------------------------

#[tokio::test]
async fn path_id_with_special_characters_is_one_encoded_segment() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_ok(&cvm_detail_json("cvm_weird")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let got = c.get_cvm_info("a b/c?d").await.expect("decodes");
    assert!(
        matches!(got, GetCvmInfoResponse::CvmInfoDetail(ref d) if d.id.as_str() == "cvm_weird")
    );

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), "/api/v1/cvms/a%20b%2Fc%3Fd");
    assert_eq!(received[0].url.query(), None);
}

// ---------------------------------------------------------------------------
// 12. Errors: non-2xx -> Api, 2xx with a wrong shape -> Validation (or, for
// a version union, an `Unknown` that keeps the JSON)
// ---------------------------------------------------------------------------

#[tokio::test]
async fn not_found_is_api_error_and_wrong_shape_is_validation_error() {
    let server = MockServer::start().await;
    let not_found = r#"{"detail": "CVM not found", "error_code": "ERR-03-001", "details": {"cvm_id": "cvm_gone"}}"#;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_gone"))
        .respond_with(json_raw(404, not_found).insert_header("x-request-id", "req-7f3a9c"))
        .expect(1)
        .mount(&server)
        .await;
    let wrong = r#"{"id": "cvm_bad", "name": 17, "status": ["running"]}"#;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_bad/state"))
        .respond_with(json_raw(200, wrong))
        .expect(1)
        .mount(&server)
        .await;
    // A list whose item has the wrong type for a required field.
    let mut bad_item = cvm_info_json("cvm_l1", "x");
    bad_item["resource"] = json!("not-an-object");
    let bad_list = json!([bad_item]).to_string();
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms"))
        .respond_with(json_raw(200, &bad_list))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);

    match c.get_cvm_info("cvm_gone").await {
        Err(PhalaCloudError::Api(e)) => {
            assert_eq!(e.status_code(), 404);
            assert_eq!(e.body(), not_found);
            assert_eq!(e.request_id(), Some("req-7f3a9c"));
            assert_eq!(e.detail().unwrap()["error_code"], json!("ERR-03-001"));
        }
        other => panic!("expected PhalaCloudError::Api, got {other:?}"),
    }

    match c.get_cvm_state("cvm_bad").await {
        Err(PhalaCloudError::Validation(e)) => {
            assert_eq!(e.body(), wrong);
        }
        other => panic!("expected PhalaCloudError::Validation, got {other:?}"),
    }

    // An item of a version union that fits no shape is kept as JSON; the
    // rest of the list decodes (see `evolve`).
    let listed = c.list_cvms().await.expect("an unknown item shape decodes");
    match &listed[..] {
        [phala_cloud::types::ListCvmsResponseItem::Unknown(item)] => {
            assert_eq!(item["resource"], json!("not-an-object"))
        }
        other => panic!("expected one Unknown item, got {other:?}"),
    }
}

#[tokio::test]
async fn validation_error_names_the_failing_json_path() {
    let server = MockServer::start().await;
    // `events` must be an array of strings; the second entry is a number.
    let body = r#"{"id": "wh_1", "url": "https://example.com/hook", "enabled": true,
        "events": ["cvm.created", 7], "created_at": "2026-01-21T10:00:00Z",
        "updated_at": "2026-01-21T10:00:00Z"}"#;
    Mock::given(method("GET"))
        .and(path("/api/v1/workspace/webhooks/wh_1"))
        .respond_with(json_raw(200, body))
        .expect(1)
        .mount(&server)
        .await;
    match client(&server).get_webhook("wh_1").await {
        Err(PhalaCloudError::Validation(e)) => {
            assert_eq!(e.path(), Some("events[1]"));
            assert_eq!(e.body(), body);
            assert!(e.to_string().contains("at `events[1]`"), "{e}");
        }
        other => panic!("expected PhalaCloudError::Validation, got {other:?}"),
    }
}
