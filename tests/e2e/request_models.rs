//! Request bodies as a caller builds them, and values carried from one
//! response into the next call, against a real local server (wiremock on
//! 127.0.0.1): a builder sends exactly the fields set, integer parameters
//! are plain numbers checked against the spec's bounds before anything is
//! sent, version unions read in one line, and ids pass on as they are.

use phala_cloud::types::{
    AppComposeV2, GetCvmInfoResponse, GetCvmListResponse, KmsType, ProvisionDstackAppRequestV2,
    UpdateCvmRequest,
};
use phala_cloud::PhalaCloudError;
use serde_json::{json, Value};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

const COMPOSE: &str = "services:\n  web:\n    image: nginx\n";

/// The JSON body of the only request the server received.
async fn only_body(server: &MockServer) -> Value {
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1, "exactly one request");
    serde_json::from_slice(&received[0].body).expect("the body is JSON")
}

#[tokio::test]
async fn a_minimal_provision_body_sends_exactly_the_keys_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/provision"))
        .respond_with(json_ok(&json!({"app_id": "app_1", "compose_hash": "h"})))
        .mount(&server)
        .await;
    let body = ProvisionDstackAppRequestV2::new(
        AppComposeV2::new("my-app").docker_compose_file(COMPOSE),
        "my-app",
    );
    client(&server)
        .provision_cvm(body)
        .await
        .expect("provision succeeds");
    // The golden body: the spec defaults (`listed: true`, `kms: "phala"`,
    // `manifest_version: 2`, ...) are the server's to apply, so none of
    // them is on the wire.
    let expected = json!({
        "name": "my-app",
        "compose_file": {"name": "my-app", "docker_compose_file": COMPOSE}
    });
    assert_eq!(only_body(&server).await, expected);
}

#[test]
fn setters_take_plain_values_and_send_them_even_when_they_equal_a_default() {
    let body = ProvisionDstackAppRequestV2::new(AppComposeV2::new("app").kms_enabled(false), "app")
        .listed(false)
        .kms(KmsType::Phala)
        .vcpu(2)
        .env_keys(vec!["API_TOKEN".to_owned()]);
    let sent = serde_json::to_value(&body).unwrap();
    assert_eq!(
        sent,
        json!({
            "name": "app",
            "compose_file": {"name": "app", "kms_enabled": false},
            "listed": false,
            "kms": "phala",
            "vcpu": 2,
            "env_keys": ["API_TOKEN"]
        })
    );
    // A model with no required field starts empty and sends `{}`.
    assert_eq!(
        serde_json::to_value(UpdateCvmRequest::default()).unwrap(),
        json!({})
    );
    assert_eq!(
        serde_json::to_value(UpdateCvmRequest::new().vcpu(4)).unwrap(),
        json!({"vcpu": 4})
    );
}

#[test]
fn a_request_model_read_back_keeps_unset_fields_unset() {
    let read: ProvisionDstackAppRequestV2 =
        serde_json::from_value(json!({"name": "a", "compose_file": {"name": "a"}})).unwrap();
    assert_eq!(read.listed, None);
    assert_eq!(read.compose_file.kms_enabled, None);
    assert_eq!(
        serde_json::to_value(&read).unwrap(),
        json!({"name": "a", "compose_file": {"name": "a"}})
    );
}

#[tokio::test]
async fn integer_parameters_are_plain_numbers_checked_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_ok(
            &json!({"items": [], "total": 0, "page": 1, "page_size": 20, "pages": 0}),
        ))
        .mount(&server)
        .await;
    let c = client(&server);
    for (page, page_size, bad) in [(0, 20, "page"), (1, 0, "page_size"), (1, 101, "page_size")] {
        let err = c
            .get_cvm_list()
            .page(page)
            .page_size(page_size)
            .await
            .expect_err("out of bounds");
        let PhalaCloudError::Validation(v) = &err else {
            panic!("expected a validation error, got {err:?}");
        };
        assert_eq!(v.argument_name(), Some(bad), "{err}");
        assert!(v.status_code().is_none(), "nothing was sent: {err}");
    }
    let err = c.get_cvm_list().page(-3).await.expect_err("negative page");
    assert!(
        err.to_string().contains("must be at least 1, got -3"),
        "{err}"
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no out-of-bounds request reached the server"
    );

    c.get_cvm_list()
        .page(1)
        .page_size(100)
        .await
        .expect("the bounds themselves are allowed");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.query(), Some("page=1&page_size=100"));
}

#[test]
fn version_unions_read_in_one_line() {
    let v1: GetCvmInfoResponse = serde_json::from_value(cvm_basic_info_json()).unwrap();
    let v2: GetCvmInfoResponse = serde_json::from_value(cvm_detail_json("cvm_9")).unwrap();
    assert!(matches!(v1, GetCvmInfoResponse::ManagementCvmBasicInfo(_)));
    assert!(matches!(v2, GetCvmInfoResponse::CvmInfoDetail(_)));
    assert_eq!((v1.name(), v1.status()), ("basic-cvm", "stopped"));
    assert_eq!((v2.name(), v2.status()), ("my-detailed-cvm", "running"));
    assert_eq!(v1.vm_uuid(), Some("11111111-2222-4333-8444-555555555555"));
    assert!(v1.in_progress() && !v2.in_progress());
    // `id` is an integer in one version and a string in the other.
    assert_eq!((v1.id(), v2.id()), ("4242".to_owned(), "cvm_9".to_owned()));

    let list: GetCvmListResponse = serde_json::from_value(json!({
        "items": [cvm_info_json("cvm_1", "one")], "total": 41, "page": 3, "page_size": 20, "pages": 3
    }))
    .unwrap();
    assert_eq!((list.total(), list.page(), list.page_size()), (41, 3, 20));
}

#[tokio::test]
async fn an_id_read_from_a_response_goes_into_the_next_call_as_is() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/app_aa11"))
        .respond_with(json_ok(&cvm_basic_info_json()))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(json_ok(&json!({})))
        .mount(&server)
        .await;
    let c = client(&server);
    let cvm = c.get_cvm_info("app_aa11").await.expect("get");
    let GetCvmInfoResponse::ManagementCvmBasicInfo(basic) = &cvm else {
        panic!("expected the basic info shape");
    };
    // An integer id, a string id, an id through the union accessor, and a
    // string newtype read from a model: each goes into a path as it is.
    let _ = c.start_cvm(basic.id).await;
    let _ = c.start_cvm(&basic.app_id).await;
    let _ = c.stop_cvm(cvm.id()).await;
    let detail: GetCvmInfoResponse =
        serde_json::from_value(cvm_detail_json("cvm_from_detail")).unwrap();
    if let GetCvmInfoResponse::CvmInfoDetail(d) = &detail {
        let _ = c.shutdown_cvm(&d.id).await;
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "GET /api/v1/cvms/app_aa11",
            "POST /api/v1/cvms/4242/start",
            "POST /api/v1/cvms/aa11bb22cc33dd44ee55ff6677889900aabbccdd/start",
            "POST /api/v1/cvms/4242/stop",
            "POST /api/v1/cvms/cvm_from_detail/shutdown",
        ]
    );
}
