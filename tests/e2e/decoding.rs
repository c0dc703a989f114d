//! Runtime decoding tests for the generated `phala-cloud` crate.
//!
//! Every test sends a real request through the generated client to a real
//! local HTTP server (wiremock, listening on 127.0.0.1) that answers with a
//! real JSON body shaped after the OpenAPI spec, and asserts the decoded
//! values. Each test targets one known trap of the OpenAPI -> Rust generator.

use phala_cloud::types::{
    AppRevisionsResponse, CreateConnectionRequest, CreditAdjustmentRequest,
    CreditAdjustmentRequestAmount, CvmInfoDetailComposeFile, CvmRef, CvmRefObjectType,
    GetAppCvmsResponseItem, GetCvmInfoResponse, GetCvmListResponse, KmsType, ListCvmsResponseItem,
    NodeRef, NodeRefObjectType, NodeUpdate, TeepodStatus, TopupRequest, UserRefObjectType,
    WorkspaceRefObjectType,
};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};

use crate::common::*;

#[tokio::test]
async fn node_ref_and_cvm_ref_object_types_decode() {
    // Directly with serde_json from a realistic body.
    let node: NodeRef = serde_json::from_value(node_ref_json()).expect("NodeRef decodes");
    assert_eq!(node.object_type, Some(NodeRefObjectType::Node));
    assert_eq!(node.id, Some(12));
    assert_eq!(node.node_id, Some(7));
    assert_eq!(node.name.as_deref(), Some("prod-us-west-1"));
    assert!(matches!(node.status, Some(TeepodStatus::Online)));
    // Another const must not be accepted by the node const.
    assert!(serde_json::from_value::<NodeRef>(json!({"object_type": "cvm"})).is_err());

    let cvm_ref: CvmRef = serde_json::from_value(json!({
        "object_type": "cvm",
        "vm_uuid": "5b6c7d8e-9f01-4234-8567-89abcdef0123",
        "app_id": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
        "name": "my-cvm"
    }))
    .expect("CvmRef decodes");
    assert_eq!(cvm_ref.object_type, Some(CvmRefObjectType::Cvm));
    assert!(
        serde_json::from_value::<CvmRef>(json!({"object_type": "node", "vm_uuid": "x"})).is_err()
    );

    // Through an operation: GET /api/v1/cvms/{cvm_id} embeds a NodeRef (and
    // UserRef / WorkspaceRef) in CVMInfoDetail.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_node1"))
        .respond_with(json_ok(&cvm_detail_json("cvm_node1")))
        .expect(1)
        .mount(&server)
        .await;
    // GET /api/v1/apps/{app_id}/revisions embeds a CvmRef.
    let revisions = json!({
        "revisions": [{
            "revision_id": "rev_9x8y7z",
            "app_id": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
            "vm_uuid": "5b6c7d8e-9f01-4234-8567-89abcdef0123",
            "compose_hash": "3f2e1d0c",
            "created_at": "2026-01-21T10:15:30Z",
            "trace_id": null,
            "operation_type": "deploy",
            "triggered_by": {"object_type": "user", "id": "usr_abc123", "username": "alice", "avatar_url": null},
            "cvm": {
                "object_type": "cvm",
                "vm_uuid": "5b6c7d8e-9f01-4234-8567-89abcdef0123",
                "app_id": "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
                "name": "my-cvm"
            },
            "workspace": {"object_type": "workspace", "id": "wks_7Hq2LmN0", "name": "Acme", "slug": "acme", "avatar_url": null}
        }],
        "total": 1,
        "page": 1,
        "page_size": 20,
        "total_pages": 1
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/apps/e15a2f8b/revisions"))
        .respond_with(json_ok(&revisions))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    let detail = match c
        .get_cvm_info("cvm_node1")
        .await
        .expect("get_cvm_info decodes")
    {
        GetCvmInfoResponse::CvmInfoDetail(d) => d,
        other => panic!("expected CvmInfoDetail, got {other:?}"),
    };
    let node = detail.node_info.expect("node_info kept");
    assert_eq!(node.object_type, Some(NodeRefObjectType::Node));
    assert_eq!(node.region.as_deref(), Some("us-west"));
    let creator = detail.creator.expect("creator kept");
    assert_eq!(creator.object_type, Some(UserRefObjectType::User));
    let ws = detail.workspace.expect("workspace kept");
    assert_eq!(ws.object_type, Some(WorkspaceRefObjectType::Workspace));
    assert_eq!(ws.id.as_str(), "wks_7Hq2LmN0");

    let revs: AppRevisionsResponse = c
        .get_app_revisions("e15a2f8b")
        .await
        .expect("get_app_revisions decodes");
    assert_eq!(revs.revisions.len(), 1);
    let cvm = revs.revisions[0].cvm.as_ref().expect("cvm ref kept");
    assert_eq!(cvm.object_type, Some(CvmRefObjectType::Cvm));
    assert_eq!(cvm.name.as_deref(), Some("my-cvm"));
    assert_eq!(
        revs.revisions[0].triggered_by.as_ref().unwrap().object_type,
        Some(UserRefObjectType::User)
    );
}

// ---------------------------------------------------------------------------
// 2. CVM list endpoints: anyOf of two arrays
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_cvms_decodes_empty_and_cvm_info_items() {
    let server = MockServer::start().await;
    let c = client(&server);

    // `[]`
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms"))
        .respond_with(json_raw(200, "[]"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let empty = c.list_cvms().await.expect("[] decodes");
    assert!(empty.is_empty());

    // A list of v20260121 CVMInfo items.
    let body = json!([
        cvm_info_json("cvm_a1", "alpha"),
        cvm_info_json("cvm_b2", "beta")
    ]);
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms"))
        .respond_with(json_ok(&body))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let items = c.list_cvms().await.expect("CVMInfo list decodes");
    assert_eq!(items.len(), 2);
    match &items[1] {
        ListCvmsResponseItem::CvmInfoV20260121(info) => {
            assert_eq!(info.id.as_str(), "cvm_b2");
            assert_eq!(info.name, "beta");
            assert_eq!(info.resource.vcpu, Some(2));
            assert_eq!(info.resource.memory_in_gb, Some(4.0));
            assert_eq!(
                info.gateway.base_domain.as_deref(),
                Some("dstack-prod5.phala.network")
            );
            assert_eq!(info.storage_fs, "ext4");
            assert!(matches!(info.kms_type, Some(KmsType::Phala)));
            assert_eq!(
                info.node_info.as_ref().unwrap().object_type,
                Some(NodeRefObjectType::Node)
            );
        }
        other => panic!("expected CvmInfoV20260121, got {other:?}"),
    }

    // The other array of the union: HostedCvm items.
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms"))
        .respond_with(json_ok(&json!([hosted_cvm_json("legacy")])))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let hosted = c.list_cvms().await.expect("HostedCvm list decodes");
    match hosted.as_slice() {
        [ListCvmsResponseItem::HostedCvm(h)] => {
            assert_eq!(h.name, "legacy");
            assert_eq!(h.hosted.uptime, "3h 12m");
            assert!(h.allow_upgrade);
        }
        other => panic!("expected one HostedCvm, got {other:?}"),
    }
}

#[tokio::test]
async fn app_cvms_decodes_empty_and_cvm_info_items() {
    let server = MockServer::start().await;
    let c = client_for(&server, true);
    let app_id = "e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";

    Mock::given(method("GET"))
        .and(path(format!("/api/v1/apps/{app_id}/cvms")))
        .respond_with(json_raw(200, "[]"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let empty = c.get_app_cvms(app_id).await.expect("[] decodes");
    assert!(empty.is_empty());

    Mock::given(method("GET"))
        .and(path(format!("/api/v1/apps/{app_id}/cvms")))
        .respond_with(json_ok(&json!([cvm_info_json("cvm_app1", "replica-1")])))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let items = c.get_app_cvms(app_id).await.expect("CVMInfo list decodes");
    match items.as_slice() {
        [GetAppCvmsResponseItem::CvmInfoV20260121(info)] => {
            assert_eq!(info.id.as_str(), "cvm_app1");
            assert_eq!(info.name, "replica-1");
            assert_eq!(info.app_id.as_deref(), Some(app_id));
            assert_eq!(info.services.len(), 1);
        }
        other => panic!("expected one CvmInfoV20260121, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// 3. `user_id` (anyOf of strings) is sent as a plain query string
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_cvms_user_id_is_a_plain_query_string() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms"))
        .and(query_param("user_id", "usr_abc123"))
        .and(query_param_is_missing("teepod_id"))
        .respond_with(json_raw(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms"))
        .and(query_param("user_id", "0"))
        .and(query_param("teepod_id", "12"))
        .respond_with(json_raw(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    let a = c.list_cvms().user_id("usr_abc123").await.expect("usr_ id");
    assert!(a.is_empty());
    let b = c
        .list_cvms()
        .user_id("0")
        .teepod_id(12)
        .await
        .expect("'0' id");
    assert!(b.is_empty());

    let received = server.received_requests().await.unwrap();
    let queries: Vec<_> = received
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(queries, ["user_id=usr_abc123", "teepod_id=12&user_id=0"]);
    // The mocks' `.expect(1)` is verified when `server` drops.
}

// ---------------------------------------------------------------------------
// 4. get_cvm_info: anyOf of two object $refs -> untagged enum
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_cvm_info_decodes_each_variant_without_dropping_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_detail9"))
        .respond_with(json_ok(&cvm_detail_json("cvm_detail9")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/4242"))
        .respond_with(json_ok(&cvm_basic_info_json()))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);

    match c.get_cvm_info("cvm_detail9").await.expect("detail decodes") {
        GetCvmInfoResponse::CvmInfoDetail(d) => {
            assert_eq!(d.id.as_str(), "cvm_detail9");
            assert_eq!(d.name, "my-detailed-cvm");
            assert_eq!(d.status, "running");
            assert_eq!(d.resource.instance_type.as_deref(), Some("tdx.medium"));
            assert_eq!(
                d.resource.compute_billing_price.as_deref(),
                Some("0.058000")
            );
            assert_eq!(
                d.gateway.cname.as_deref(),
                Some("e15a2f8b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f.dstack-prod5.phala.network")
            );
            assert_eq!(
                d.logs.as_ref().unwrap().stdout.as_deref(),
                Some("https://logs.example/stdout")
            );
            assert!(d.public_logs && d.gateway_enabled && !d.secure_time);
            assert_eq!(d.endpoints.as_ref().unwrap().len(), 1);
            assert_eq!(d.os.as_ref().unwrap().name.as_deref(), Some("dstack-0.5.3"));
            assert_eq!(
                d.created_at.unwrap().to_rfc3339(),
                "2026-01-21T10:15:30+00:00"
            );
            match d.compose_file {
                Some(CvmInfoDetailComposeFile::Object(map)) => {
                    assert_eq!(map["manifest_version"], json!(2));
                }
                other => panic!("expected compose_file object, got {other:?}"),
            }
        }
        other => panic!("expected CvmInfoDetail, got {other:?}"),
    }

    match c.get_cvm_info("4242").await.expect("basic info decodes") {
        GetCvmInfoResponse::ManagementCvmBasicInfo(b) => {
            assert_eq!(b.id, 4242);
            assert_eq!(b.name, "basic-cvm");
            assert_eq!(b.status, "stopped");
            assert!(b.in_progress && b.listed);
            assert_eq!((b.vcpu, b.memory, b.disk_size), (4, 8192, 80));
            assert_eq!(b.teepod_id, Some(12));
            assert_eq!(b.teepod.as_ref().unwrap().name, "prod-us-west-1");
            assert_eq!(b.base_image.as_deref(), Some("dstack-0.5.3"));
            let kms = b.kms_info.as_ref().expect("kms_info kept");
            assert_eq!(kms.id.as_str(), "kms_0123abcd");
            assert_eq!(kms.chain_id, Some(8453));
            assert_eq!(
                b.public_urls.as_ref().unwrap()[0].app,
                "https://aa11bb22-80.example"
            );
            assert_eq!(
                b.gateway_domain.as_deref(),
                Some("dstack-prod5.phala.network")
            );
            assert_eq!(
                b.scheduled_delete_at.unwrap().to_rfc3339(),
                "2026-02-01T00:00:00+00:00"
            );
        }
        other => panic!("expected ManagementCvmBasicInfo, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// 5. get_cvm_list: paginated anyOf of PaginatedHostedCvms / PaginatedCvmInfos
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_cvm_list_decodes_a_page_of_cvm_infos() {
    let server = MockServer::start().await;
    let page = json!({
        "items": [cvm_info_json("cvm_p1", "one"), cvm_info_json("cvm_p2", "two")],
        "total": 52,
        "page": 2,
        "page_size": 50,
        "pages": 2
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/paginated"))
        .and(query_param("page", "2"))
        .and(query_param("page_size", "50"))
        .respond_with(json_ok(&page))
        .expect(1)
        .mount(&server)
        .await;
    let hosted_page = json!({
        "items": [hosted_cvm_json("old-style")],
        "total": 1,
        "page": 1,
        "page_size": 30,
        "pages": 1
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/paginated"))
        .and(query_param_is_missing("page"))
        .respond_with(json_ok(&hosted_page))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/paginated"))
        .and(query_param("page", "9"))
        .respond_with(json_raw(
            200,
            r#"{"items": [], "total": 52, "page": 9, "page_size": 30, "pages": 2}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    match c
        .get_cvm_list()
        .page(2)
        .page_size(50)
        .await
        .expect("page decodes")
    {
        GetCvmListResponse::CvmInfos(p) => {
            assert_eq!((p.total, p.page, p.page_size, p.pages), (52, 2, 50, 2));
            assert_eq!(p.items.len(), 2);
            assert_eq!(p.items[0].id.as_str(), "cvm_p1");
            assert_eq!(p.items[1].name, "two");
        }
        other => panic!("expected CvmInfos, got {other:?}"),
    }
    match c.get_cvm_list().await.expect("hosted page decodes") {
        GetCvmListResponse::HostedCvms(p) => {
            assert_eq!(p.items.len(), 1);
            assert_eq!(p.items[0].name, "old-style");
        }
        other => panic!("expected HostedCvms, got {other:?}"),
    }
    // Both shapes accept an empty page; the default API version's model
    // (whose items are v20260121 CVMInfo) is tried first.
    match c.get_cvm_list().page(9).await.expect("empty page decodes") {
        GetCvmListResponse::CvmInfos(p) => assert_eq!((p.total, p.page, p.items.len()), (52, 9, 0)),
        other => panic!("expected CvmInfos for an empty page, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// 6. Numeric `exclusiveMinimum` (OpenAPI 3.1 number form)
// ---------------------------------------------------------------------------

#[tokio::test]
async fn exclusive_minimum_fields_decode() {
    // No generated operation uses these models, so the bodies are served by
    // the mock server, fetched as raw JSON through a real operation, and then
    // decoded into the models.
    let server = MockServer::start().await;
    let bodies = [
        r#"{"amount": 12.5}"#,
        r#"{"user_id": "usr_abc123", "team_id": "wks_7Hq2LmN0", "credits_line": 250.75}"#,
        r#"{"user_id": "usr_abc123", "team_id": "wks_7Hq2LmN0"}"#,
        r#"{"name": "node-1", "vcpu_factor": 1.5}"#,
    ];
    for (i, body) in bodies.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/api/v1/attestations/collateral/body{i}")))
            .respond_with(json_raw(200, body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let mut fetched = Vec::new();
    for i in 0..bodies.len() {
        fetched.push(
            c.get_attestation_collateral(format!("body{i}"))
                .await
                .expect("raw JSON fetched"),
        );
    }

    let topup: TopupRequest = serde_json::from_value(fetched[0].clone()).expect("TopupRequest");
    assert_eq!(topup.amount, 12.5);

    let conn: CreateConnectionRequest =
        serde_json::from_value(fetched[1].clone()).expect("CreateConnectionRequest");
    assert_eq!(conn.credits_line, 250.75);
    assert_eq!(conn.user_id.as_str(), "usr_abc123");
    let conn_default: CreateConnectionRequest =
        serde_json::from_value(fetched[2].clone()).expect("CreateConnectionRequest default");
    assert_eq!(conn_default.credits_line, 5.0);

    let upd: NodeUpdate = serde_json::from_value(fetched[3].clone()).expect("NodeUpdate");
    assert_eq!(upd.vcpu_factor, Some(1.5));

    // And the same directly from the text.
    let topup: TopupRequest = serde_json::from_str(r#"{"amount":0.01}"#).unwrap();
    assert_eq!(topup.amount, 0.01);
}

// ---------------------------------------------------------------------------
// 7. `number | string` union field
// ---------------------------------------------------------------------------

#[tokio::test]
async fn number_or_string_union_round_trips() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/attestations/collateral/num"))
        .respond_with(json_raw(
            200,
            r#"{"amount": 25.5, "reason": "reconcile Jan"}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/attestations/collateral/str"))
        .respond_with(json_raw(
            200,
            r#"{"amount": "25.50", "reason": "reconcile Jan", "description": "manual"}"#,
        ))
        .mount(&server)
        .await;
    let c = client(&server);

    let num = c.get_attestation_collateral("num").await.unwrap();
    let num: CreditAdjustmentRequest = serde_json::from_value(num).expect("number amount");
    assert!(matches!(num.amount, CreditAdjustmentRequestAmount::Number(n) if n == 25.5));
    assert_eq!(num.reason.as_str(), "reconcile Jan");

    let s = c.get_attestation_collateral("str").await.unwrap();
    let s: CreditAdjustmentRequest = serde_json::from_value(s).expect("string amount");
    assert!(matches!(&s.amount, CreditAdjustmentRequestAmount::String(v) if v == "25.50"));
    assert_eq!(s.description.as_deref(), Some("manual"));

    // Serialization keeps the JSON kind.
    assert_eq!(serde_json::to_value(&num).unwrap()["amount"], json!(25.5));
    assert_eq!(serde_json::to_value(&s).unwrap()["amount"], json!("25.50"));
    assert_eq!(
        serde_json::to_string(&CreditAdjustmentRequestAmount::from(3.0)).unwrap(),
        "3.0"
    );
    assert_eq!(
        serde_json::to_string(&CreditAdjustmentRequestAmount::String("3".into())).unwrap(),
        r#""3""#
    );
    // Neither a number nor a string.
    assert!(serde_json::from_str::<CreditAdjustmentRequestAmount>("true").is_err());
}

// ---------------------------------------------------------------------------
// 8. Headers on every request
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Forward compatibility (issue 28): the API ahead of its spec.
// ---------------------------------------------------------------------------

/// A CVM as an action returns it: the spec's `VM`, with `id` an integer up
/// to 2026-01-21 or a hashid string from 2026-05-22.
fn vm_json(id: serde_json::Value) -> serde_json::Value {
    json!({
        "id": id, "name": "vm", "status": "starting", "teepod_id": 3,
        "app_id": "app_1", "vcpu": 1, "memory": 1024, "disk_size": 10,
        "created_at": "2026-06-23T10:00:00Z"
    })
}

#[test]
fn an_unknown_enum_value_decodes_prints_and_goes_back_unchanged() {
    // A value the spec does not list (a new KMS type).
    let kms: KmsType = serde_json::from_value(json!("tdx-next")).expect("an open enum");
    assert!(matches!(kms, KmsType::Unknown(ref v) if v.as_str() == "tdx-next"));
    assert_eq!(kms.to_string(), "tdx-next");
    assert_eq!(kms.as_str(), "tdx-next");
    assert_eq!(serde_json::to_value(&kms).unwrap(), json!("tdx-next"));
    // Known values are unchanged, and a string converts either way.
    let known: KmsType = serde_json::from_value(json!("phala")).unwrap();
    assert_eq!(known, KmsType::Phala);
    assert_eq!(serde_json::to_value(&known).unwrap(), json!("phala"));
    assert_eq!("phala".parse::<KmsType>(), Ok(KmsType::Phala));
    assert_eq!(KmsType::from("tdx-next"), kms);
    // Still a type error when it is not a string at all.
    assert!(serde_json::from_value::<KmsType>(json!(7)).is_err());

    // Inside a response model: the model decodes, and writes it back.
    let mut body = cvm_info_json("cvm_1", "a");
    body["kms_type"] = json!("tdx-next");
    body["node_info"]["status"] = json!("DRAINING");
    let detail: phala_cloud::types::CvmInfoV20260121 = serde_json::from_value(body).unwrap();
    assert_eq!(
        detail.kms_type.as_ref().map(KmsType::as_str),
        Some("tdx-next")
    );
    assert!(matches!(
        detail.node_info.as_ref().and_then(|n| n.status.as_ref()),
        Some(TeepodStatus::Unknown(v)) if v.as_str() == "DRAINING"
    ));
    let back = serde_json::to_value(&detail).unwrap();
    assert_eq!(back["kms_type"], json!("tdx-next"));
    assert_eq!(back["node_info"]["status"], json!("DRAINING"));
}

#[tokio::test]
async fn a_version_union_decodes_by_the_version_sent_and_reads_it_typed() {
    use phala_cloud::types::VmResponse;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/cvm_1/start"))
        .and(wiremock::matchers::header("x-phala-version", "2026-06-23"))
        .respond_with(json_ok(&vm_json(json!("cvm_1"))))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/cvms/7/start"))
        .and(wiremock::matchers::header("x-phala-version", "2026-01-21"))
        .respond_with(json_ok(&vm_json(json!(7))))
        .mount(&server)
        .await;
    let c = client(&server);

    // The default version (2026-06-23) gets the hashid shape of 2026-05-22.
    let vm = c.start_cvm("cvm_1").await.expect("the 2026-05-22 shape");
    let typed = vm.as_v20260623().expect("the model 2026-06-23 sends");
    assert_eq!(typed.id, "cvm_1");
    assert_eq!(vm.id(), "cvm_1");
    assert!(vm.as_v20260121().is_none());

    // A pinned older version: its integer id, in its own model.
    let old = c
        .start_cvm("7")
        .api_version("2026-01-21")
        .await
        .expect("the 2026-01-21 shape");
    assert!(
        matches!(old, VmResponse::V20251028(ref v) if v.id == 7),
        "{old:?}"
    );
    assert_eq!(old.as_v20260121().map(|v| v.id), Some(7));
    assert_eq!(old.id(), "7");
}

#[tokio::test]
async fn an_object_no_version_knows_is_kept_and_its_fields_read() {
    use phala_cloud::types::VmResponse;
    let server = MockServer::start().await;
    // `vcpu` became an object in some later version: fits neither model.
    let mut body = vm_json(json!("cvm_9"));
    body["vcpu"] = json!({"count": 2, "kind": "shared"});
    Mock::given(method("POST"))
        .respond_with(json_ok(&body))
        .mount(&server)
        .await;
    let response = client(&server)
        .stop_cvm("cvm_9")
        .send_with_meta()
        .await
        .expect("kept, not failed");
    let vm = response.data();
    assert!(
        matches!(vm, VmResponse::Unknown(json) if *json == body),
        "{vm:?}"
    );
    assert_eq!(vm.id(), "cvm_9");
    assert_eq!(vm.name(), "vm");
    assert_eq!(vm.vcpu(), 0, "absent as an integer: empty");
    assert!(vm.as_v20260623().is_none());
    assert_eq!(response.json().unwrap()["vcpu"]["kind"], json!("shared"));
}

#[tokio::test]
async fn fields_the_spec_does_not_name_are_read_from_the_kept_body() {
    let server = MockServer::start().await;
    let mut detail = cvm_info_json("cvm_1", "a");
    detail["compose_file"] = json!(null);
    detail["billing_tier"] = json!("enterprise");
    detail["node_info"]["rack"] = json!("r-12");
    detail["empty_new_list"] = json!([]);
    Mock::given(method("GET"))
        .and(path("/api/v1/cvms/cvm_1"))
        .respond_with(json_ok(&detail))
        .mount(&server)
        .await;
    let response = client(&server)
        .get_cvm_info("cvm_1")
        .send_with_meta()
        .await
        .unwrap();
    assert!(
        response.data().as_v20260623().is_some(),
        "typed, not Unknown"
    );
    let extra = response.extra_fields();
    assert_eq!(extra.get("billing_tier"), Some(&json!("enterprise")));
    assert_eq!(extra.get("node_info.rack"), Some(&json!("r-12")));
    assert_eq!(
        extra.len(),
        2,
        "known fields and empty values are not listed: {extra:?}"
    );
    assert_eq!(
        response.json().unwrap()["billing_tier"],
        json!("enterprise")
    );
    assert_eq!(
        response.body().map(<[u8]>::len),
        Some(detail.to_string().len())
    );
}
