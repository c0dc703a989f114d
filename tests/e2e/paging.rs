//! `.pages()` and `.items()` on the list operations the paging rule finds,
//! against a wiremock server on 127.0.0.1 serving numbered pages: the stop
//! rules (total reached, a short page, an empty page), offset/limit paging,
//! a version union of page models, an error mid-way, the builder's other
//! parameters kept on every request, and the blocking iterators.

use futures_util::StreamExt;
use phala_cloud::paging::Page;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::*;

fn kms(n: usize) -> Value {
    json!({"id": format!("kms_{n}"), "url": format!("https://kms-{n}.example.com"), "version": "0.5.3"})
}

/// `GET /kms?page=N` answers `items` with these ids and the given total.
async fn kms_page(server: &MockServer, page: u32, ids: std::ops::Range<usize>, total: usize) {
    let items: Vec<Value> = ids.map(kms).collect();
    Mock::given(method("GET"))
        .and(path("/api/v1/kms"))
        .and(query_param("page", page.to_string()))
        .and(query_param("page_size", "2"))
        .and(query_param("is_onchain", "false"))
        .respond_with(json_ok(&json!({
            "items": items, "total": total, "page": page, "page_size": 2, "pages": total.div_ceil(2)
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn items_stop_once_the_total_is_reached_keeping_the_other_parameters() {
    let server = MockServer::start().await;
    kms_page(&server, 1, 0..2, 5).await;
    kms_page(&server, 2, 2..4, 5).await;
    kms_page(&server, 3, 4..5, 5).await;
    let urls: Vec<String> = client(&server)
        .get_kms_list()
        .page_size(2)
        .is_onchain(false)
        .items()
        .map(|k| k.unwrap().url)
        .collect()
        .await;
    assert_eq!(urls.len(), 5);
    assert_eq!(urls[4], "https://kms-4.example.com");
}

#[tokio::test]
async fn a_short_page_or_an_empty_page_ends_the_list() {
    let server = MockServer::start().await;
    // The server claims 100 items; page 2 is short, so page 3 is never asked.
    kms_page(&server, 1, 0..2, 100).await;
    kms_page(&server, 2, 2..3, 100).await;
    let pages: Vec<_> = client(&server)
        .get_kms_list()
        .page_size(2)
        .is_onchain(false)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2);

    let server = MockServer::start().await;
    kms_page(&server, 3, 4..6, 100).await;
    kms_page(&server, 4, 0..0, 100).await;
    let pages: Vec<_> = client(&server)
        .get_kms_list()
        .page(3)
        .page_size(2)
        .is_onchain(false)
        .pages()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(pages.len(), 1, "the empty page 4 is not yielded");
    assert_eq!(pages[0].item_count(), 2);
}

#[tokio::test]
async fn an_error_mid_way_is_the_last_item() {
    let server = MockServer::start().await;
    kms_page(&server, 1, 0..2, 6).await;
    Mock::given(path("/api/v1/kms"))
        .and(query_param("page", "2"))
        .respond_with(json_raw(500, r#"{"detail":"database down"}"#))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .get_kms_list()
        .page_size(2)
        .is_onchain(false)
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    assert_eq!(items[2].as_ref().unwrap_err().status_code(), Some(500));
}

fn usage(n: usize) -> Value {
    json!({
        "instance_id": format!("i-{n}"), "project_id": 1, "team_id": 2,
        "timestamp": "2026-01-02T03:04:05Z", "event_type": "hourly", "cost": 0.5,
        "details": null, "usage_type": "compute", "billing_start": "2026-01-02T03:00:00Z",
        "billing_end": "2026-01-02T04:00:00Z", "duration_minutes": 60.0,
        "billing_key": "k", "billing_hour": "03", "billing_day": "2026-01-02"
    })
}

#[tokio::test]
async fn offset_and_limit_lists_step_by_the_items_seen() {
    let server = MockServer::start().await;
    for (offset, ids) in [(0, 0..2), (2, 2..4), (4, 4..5)] {
        let rows: Vec<Value> = ids.map(usage).collect();
        Mock::given(path("/api/v1/apps/app_1/usage"))
            .and(query_param("offset", offset.to_string()))
            .and(query_param("limit", "2"))
            .respond_with(json_ok(
                &json!({"usage": rows, "total": 5, "total_cost": 2.5}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let ids: Vec<String> = client(&server)
        .get_app_usage("app_1")
        .limit(2)
        .items()
        .map(|u| u.unwrap().instance_id)
        .collect()
        .await;
    assert_eq!(ids, ["i-0", "i-1", "i-2", "i-3", "i-4"]);
}

#[tokio::test]
async fn a_union_of_page_models_pages_by_its_variant() {
    let server = MockServer::start().await;
    for (page, names) in [(1, vec!["a", "b"]), (2, vec!["c"])] {
        let items: Vec<Value> = names
            .iter()
            .map(|n| cvm_info_json(&format!("cvm_{n}"), n))
            .collect();
        Mock::given(path("/api/v1/cvms/paginated"))
            .and(query_param("page", page.to_string()))
            .respond_with(json_ok(&json!({
                "items": items, "total": 3, "page": page, "page_size": 2, "pages": 2
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let pages: Vec<_> = client(&server)
        .get_cvm_list()
        .page_size(2)
        .pages()
        .map(Result::unwrap)
        .collect()
        .await;
    let counts: Vec<usize> = pages.iter().map(Page::item_count).collect();
    assert_eq!(counts, [2, 1]);
    assert_eq!(Page::total(&pages[0]), Some(3));
}

#[test]
fn the_blocking_client_pages_with_iterators() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        kms_page(&server, 1, 0..2, 3).await;
        kms_page(&server, 2, 2..3, 3).await;
        server
    });
    let c = phala_cloud::blocking::PhalaCloud::from_async(client(&server)).unwrap();
    let ids: Vec<String> = c
        .get_kms_list()
        .page_size(2)
        .is_onchain(false)
        .items()
        .map(|k| k.unwrap().id.to_string())
        .collect();
    assert_eq!(ids, ["kms_0", "kms_1", "kms_2"]);
}
