//! `.items()` on the list operations whose page model is a version union
//! with a different item type per version (`get_cvm_list`, `get_app_list`):
//! two pages from a wiremock server on 127.0.0.1, for each of the two
//! shapes the client can ask for (the default version's and 2025-10-28's),
//! through the async stream and the blocking iterator; the item union's
//! variant follows the version sent, its accessors read either shape, and
//! an item of a shape the crate does not know is kept as JSON.

use futures_util::StreamExt;
use phala_cloud::types::{GetAppListResponseItem, GetCvmListResponseItem};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::*;

/// `GET path?page=N&page_size=2`, asked with `version`, answers `list`
/// (the list field's name) with `items` and a total of 3.
async fn page(
    server: &MockServer,
    path_: &str,
    version: &str,
    n: u32,
    list: &str,
    items: Vec<Value>,
) {
    let mut body = json!({"total": 3, "page": n, "page_size": 2, "pages": 2, "total_pages": 2});
    body[list] = Value::Array(items);
    Mock::given(method("GET"))
        .and(path(path_))
        .and(header("x-phala-version", version))
        .and(query_param("page", n.to_string()))
        .and(query_param("page_size", "2"))
        .respond_with(json_ok(&body))
        .expect(1)
        .mount(server)
        .await;
}

/// Three CVMs over two pages, in the shape of `version`.
async fn cvm_pages(server: &MockServer, version: &str) {
    let item = |name: &str| match version {
        "2025-10-28" => hosted_cvm_json(name),
        _ => cvm_info_json(&format!("cvm_{name}"), name),
    };
    let path_ = "/api/v1/cvms/paginated";
    page(
        server,
        path_,
        version,
        1,
        "items",
        vec![item("a"), item("b")],
    )
    .await;
    page(server, path_, version, 2, "items", vec![item("c")]).await;
}

/// A dstack app: both full shapes read it (the page's version picks one).
fn app(name: &str) -> Value {
    json!({
        "app_id": format!("app_{name}"), "created_at": "2026-01-21T10:15:30Z",
        "id": format!("prj_{name}"), "kms_type": "phala", "name": name, "cvm_count": 1
    })
}

/// Three apps over two pages in the shape of `version`; the third holds
/// only an `app_id`, which only the minimal shape reads.
async fn app_pages(server: &MockServer, version: &str) {
    let path_ = "/api/v1/apps";
    page(
        server,
        path_,
        version,
        1,
        "dstack_apps",
        vec![app("a"), app("b")],
    )
    .await;
    let minimal = json!({"app_id": "app_c"});
    page(server, path_, version, 2, "dstack_apps", vec![minimal]).await;
}

#[tokio::test]
async fn cvm_list_items_follow_the_version_sent() {
    let server = MockServer::start().await;
    cvm_pages(&server, "2026-06-23").await;
    let items: Vec<GetCvmListResponseItem> = client(&server)
        .get_cvm_list()
        .page_size(2)
        .items()
        .map(Result::unwrap)
        .collect()
        .await;
    let names: Vec<&str> = items.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    for item in &items {
        assert!(
            matches!(item, GetCvmListResponseItem::CvmInfoV20260121(_)),
            "{item:?}"
        );
        assert_eq!(
            item.as_v20260623().map(|c| c.id.to_string()),
            Some(format!("cvm_{}", item.name()))
        );
        assert_eq!(item.status(), "running");
    }

    let server = MockServer::start().await;
    cvm_pages(&server, "2025-10-28").await;
    let items: Vec<GetCvmListResponseItem> = client(&server)
        .get_cvm_list()
        .page_size(2)
        .api_version("2025-10-28")
        .items()
        .map(Result::unwrap)
        .collect()
        .await;
    let names: Vec<&str> = items.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    for item in &items {
        let hosted = item.as_v20251028().expect("the 2025-10-28 shape");
        assert_eq!(hosted.hosted.name, item.name());
        assert!(item.as_v20260623().is_none());
    }
}

#[tokio::test]
async fn app_list_items_follow_the_version_sent_with_the_items_own_union() {
    let server = MockServer::start().await;
    app_pages(&server, "2026-06-23").await;
    let items: Vec<GetAppListResponseItem> = client(&server)
        .get_app_list()
        .page_size(2)
        .items()
        .map(Result::unwrap)
        .collect()
        .await;
    let ids: Vec<&str> = items.iter().map(|a| a.app_id()).collect();
    assert_eq!(ids, ["app_a", "app_b", "app_c"]);
    assert!(matches!(&items[0], GetAppListResponseItem::FullResponseV20260121(a) if a.name == "a"));
    assert!(matches!(
        &items[2],
        GetAppListResponseItem::MinimalResponse(_)
    ));

    let server = MockServer::start().await;
    app_pages(&server, "2025-10-28").await;
    let c = client(&server).with_version("2025-10-28").unwrap();
    let items: Vec<GetAppListResponseItem> = c
        .get_app_list()
        .page_size(2)
        .items()
        .map(Result::unwrap)
        .collect()
        .await;
    let ids: Vec<&str> = items.iter().map(|a| a.app_id()).collect();
    assert_eq!(ids, ["app_a", "app_b", "app_c"]);
    assert!(matches!(&items[1], GetAppListResponseItem::FullResponseV20251028(a) if a.name == "b"));
    assert!(items[1].as_v20251028().is_some() && items[1].as_v20260623().is_none());
    assert!(matches!(
        &items[2],
        GetAppListResponseItem::MinimalResponse(_)
    ));
}

#[test]
fn the_blocking_client_iterates_the_item_unions_in_both_versions() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        cvm_pages(&server, "2026-06-23").await;
        cvm_pages(&server, "2025-10-28").await;
        app_pages(&server, "2026-06-23").await;
        app_pages(&server, "2025-10-28").await;
        server
    });
    let c = phala_cloud::blocking::PhalaCloud::from_async(client(&server)).unwrap();
    for version in ["2026-06-23", "2025-10-28"] {
        let cvms: Vec<GetCvmListResponseItem> = c
            .get_cvm_list()
            .page_size(2)
            .api_version(version)
            .items()
            .map(Result::unwrap)
            .collect();
        let names: Vec<&str> = cvms.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["a", "b", "c"], "{version}");
        let hosted = cvms.iter().filter(|c| c.as_v20251028().is_some()).count();
        assert_eq!(hosted, if version == "2025-10-28" { 3 } else { 0 });

        let apps: Vec<GetAppListResponseItem> = c
            .get_app_list()
            .page_size(2)
            .api_version(version)
            .items()
            .map(Result::unwrap)
            .collect();
        let ids: Vec<&str> = apps.iter().map(|a| a.app_id()).collect();
        assert_eq!(ids, ["app_a", "app_b", "app_c"], "{version}");
        let full = |a: &GetAppListResponseItem| match version {
            "2025-10-28" => matches!(a, GetAppListResponseItem::FullResponseV20251028(_)),
            _ => matches!(a, GetAppListResponseItem::FullResponseV20260121(_)),
        };
        assert!(apps[..2].iter().all(full), "{version}: {apps:?}");
    }
}

#[tokio::test]
async fn an_item_of_an_unknown_shape_is_kept_as_json() {
    let server = MockServer::start().await;
    let version = "2026-06-23";
    let path_ = "/api/v1/cvms/paginated";
    page(
        &server,
        path_,
        version,
        1,
        "items",
        vec![cvm_info_json("cvm_a", "a"), cvm_info_json("cvm_b", "b")],
    )
    .await;
    // A CVM of a shape no version of this crate has: the page fits no page
    // model, so it is kept as JSON, and so is this item; its fields still
    // read through the accessors. The page's other item has a known shape
    // (2025-10-28's, on a page of neither version) and decodes as it.
    let future = json!({"name": "d", "status": "hibernating", "in_progress": true, "quantum": 1});
    page(
        &server,
        path_,
        version,
        2,
        "items",
        vec![hosted_cvm_json("c"), future],
    )
    .await;
    let items: Vec<GetCvmListResponseItem> = client(&server)
        .get_cvm_list()
        .page_size(2)
        .items()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items.len(), 4);
    assert!(matches!(&items[2], GetCvmListResponseItem::HostedCvm(c) if c.name == "c"));
    let GetCvmListResponseItem::Unknown(json) = &items[3] else {
        panic!("kept as JSON: {:?}", items[3]);
    };
    assert_eq!(json["quantum"], 1);
    assert_eq!(
        (items[3].name(), items[3].status(), items[3].in_progress()),
        ("d", "hibernating", true)
    );
}
