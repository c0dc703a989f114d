//! Redirects the client follows itself: a hop to another origin never
//! carries the API key (nor `Authorization`), same-origin hops keep it,
//! 307/308 keep method and body while 301/302/303 become GET, and a loop
//! ends in a bounded `Request` error.

use std::time::{Duration, Instant};

use phala_cloud::types::RestartCvmBody;
use phala_cloud::{PhalaCloud, RetryPolicy, UploadFile};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::*;

const KEY: &str = "phak_SECRET_123";
const WEBHOOK: &str = r#"{"id":"wh_1","url":"https://example.com/hook","enabled":true,"events":["cvm.created"],"created_at":"2026-01-21T10:00:00Z","updated_at":"2026-01-21T10:00:00Z"}"#;
const VM: &str = r#"{"id":1,"name":"vm","app_id":"app_1","created_at":"2026-01-21T10:00:00Z","disk_size":10,"memory":1024,"status":"running","teepod_id":1,"vcpu":1}"#;
const HOOK_PATH: &str = "/api/v1/workspace/webhooks/wh_1";
const RESTART_PATH: &str = "/api/v1/cvms/cvm_1/restart";

fn client(server: &MockServer) -> PhalaCloud {
    PhalaCloud::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .header(AUTHORIZATION, HeaderValue::from_static("Bearer tok_SECRET"))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

fn redirect(code: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).insert_header("location", location)
}

async fn answer(server: &MockServer, route: &str, template: ResponseTemplate) {
    Mock::given(path(route.to_owned()))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn has_key(r: &Request) -> bool {
    r.headers.contains_key("x-api-key")
}

fn assert_no_credentials(r: &Request) {
    assert!(!has_key(r), "key sent to {}: {:?}", r.url, r.headers);
    assert!(!r.headers.contains_key("authorization"), "{:?}", r.headers);
    let dump = format!("{:?}", r.headers);
    assert!(!dump.contains("SECRET"), "{dump}");
}

#[tokio::test]
async fn cross_origin_302_and_307_drop_the_key_on_get() {
    for code in [301, 302, 303, 307, 308] {
        let a = MockServer::start().await;
        let b = MockServer::start().await;
        answer(
            &a,
            HOOK_PATH,
            redirect(code, &format!("{}/elsewhere/wh_1", b.uri())),
        )
        .await;
        answer(&b, "/elsewhere/wh_1", json_raw(200, WEBHOOK)).await;

        let hook = client(&a).get_webhook("wh_1").await;
        assert_eq!(hook.unwrap_or_else(|e| panic!("{code}: {e}")).id, "wh_1");
        let (at_a, at_b) = (requests(&a).await, requests(&b).await);
        assert_eq!(at_a.len(), 1, "{code}");
        assert!(has_key(&at_a[0]), "the origin gets the key");
        assert_eq!(at_b.len(), 1, "{code}: B gets the request");
        assert_eq!(at_b[0].method.as_str(), "GET");
        assert_no_credentials(&at_b[0]);
        assert_eq!(
            at_b[0].headers.get("x-phala-version").unwrap(),
            phala_cloud::DEFAULT_API_VERSION
        );
    }
}

#[tokio::test]
async fn cross_origin_307_308_keep_post_body_without_key_and_303_becomes_get() {
    for code in [307, 308, 301, 302, 303] {
        let a = MockServer::start().await;
        let b = MockServer::start().await;
        answer(
            &a,
            RESTART_PATH,
            redirect(code, &format!("{}/moved", b.uri())),
        )
        .await;
        answer(&b, "/moved", json_raw(200, VM)).await;

        let vm = client(&a)
            .restart_cvm("cvm_1", RestartCvmBody::new().force(true))
            .await;
        assert_eq!(vm.unwrap_or_else(|e| panic!("{code}: {e}")).id(), "1");
        let at_b = requests(&b).await;
        assert_eq!(at_b.len(), 1, "{code}");
        assert_no_credentials(&at_b[0]);
        if code == 307 || code == 308 {
            assert_eq!(at_b[0].method.as_str(), "POST", "{code}");
            let body: serde_json::Value = serde_json::from_slice(&at_b[0].body).unwrap();
            assert_eq!(body, serde_json::json!({"force": true}), "{code}");
        } else {
            assert_eq!(at_b[0].method.as_str(), "GET", "{code}");
            assert!(at_b[0].body.is_empty(), "{code}");
            assert!(!at_b[0].headers.contains_key("content-type"), "{code}");
        }
    }
}

#[tokio::test]
async fn another_host_on_the_same_port_is_another_origin() {
    let a = MockServer::start().await;
    let port = a.address().port();
    Mock::given(path(HOOK_PATH))
        .respond_with(redirect(
            302,
            &format!("http://localhost:{port}/via-localhost"),
        ))
        .mount(&a)
        .await;
    answer(&a, "/via-localhost", json_raw(200, WEBHOOK)).await;
    client(&a).get_webhook("wh_1").await.expect("followed");
    let got = requests(&a).await;
    assert_eq!(got.len(), 2);
    assert!(has_key(&got[0]));
    assert_no_credentials(&got[1]);
}

#[tokio::test]
async fn key_stays_dropped_when_a_redirect_comes_back_to_the_origin() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    answer(&a, HOOK_PATH, redirect(302, &format!("{}/bounce", b.uri()))).await;
    answer(&b, "/bounce", redirect(302, &format!("{}/final", a.uri()))).await;
    answer(&a, "/final", json_raw(200, WEBHOOK)).await;
    client(&a).get_webhook("wh_1").await.expect("A -> B -> A");
    let at_a = requests(&a).await;
    assert_eq!(at_a.len(), 2);
    assert!(has_key(&at_a[0]));
    assert_no_credentials(&at_a[1]);
    assert_no_credentials(&requests(&b).await[0]);
}

#[tokio::test]
async fn same_origin_redirects_keep_the_key_and_work() {
    let a = MockServer::start().await;
    answer(
        &a,
        HOOK_PATH,
        redirect(302, "/api/v1/workspace/webhooks/wh_2"),
    )
    .await;
    answer(
        &a,
        "/api/v1/workspace/webhooks/wh_2",
        json_raw(200, WEBHOOK),
    )
    .await;
    answer(
        &a,
        RESTART_PATH,
        redirect(307, &format!("{}/api/v1/cvms/cvm_2/restart", a.uri())),
    )
    .await;
    answer(&a, "/api/v1/cvms/cvm_2/restart", json_raw(200, VM)).await;

    let c = client(&a);
    c.get_webhook("wh_1").await.expect("relative Location");
    c.restart_cvm("cvm_1", RestartCvmBody::new().force(true))
        .await
        .expect("307 keeps POST");
    let got = requests(&a).await;
    assert_eq!(got.len(), 4);
    for r in &got {
        assert_eq!(r.headers.get("x-api-key").unwrap(), KEY, "{}", r.url);
    }
    assert_eq!(got[1].url.path(), "/api/v1/workspace/webhooks/wh_2");
    assert_eq!(got[3].method.as_str(), "POST");
    assert_eq!(got[3].body, got[2].body);
}

#[tokio::test]
async fn user_supplied_no_redirect_client_still_follows_and_strips() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    answer(&a, HOOK_PATH, redirect(302, &format!("{}/x", b.uri()))).await;
    answer(&b, "/x", json_raw(200, WEBHOOK)).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let c = PhalaCloud::builder()
        .api_key(KEY)
        .base_url(a.uri())
        .http_client(http)
        .build()
        .unwrap();
    c.get_webhook("wh_1").await.expect("followed by the crate");
    assert_no_credentials(&requests(&b).await[0]);
}

#[tokio::test]
async fn redirect_loop_ends_in_a_bounded_request_error() {
    let a = MockServer::start().await;
    Mock::given(any())
        .respond_with(redirect(302, HOOK_PATH))
        .mount(&a)
        .await;
    let started = Instant::now();
    let err = client(&a).get_webhook("wh_1").await.expect_err("loop");
    assert!(started.elapsed() < Duration::from_secs(10));
    let n = requests(&a).await.len();
    eprintln!("redirect loop: {n} requests, error {err}");
    assert!((10..=11).contains(&n), "{n} requests");
    assert!(err.is_request(), "{err:?}");
    assert!(err.to_string().contains("redirect"), "{err}");

    let safe = client(&a).safe_delete_cvm("cvm_1").await;
    assert!(!safe.ok);
    assert!(safe.error.unwrap().is_request());
}

/// Multipart operations go through another code path (`send_json`).
#[tokio::test]
async fn multipart_redirect_loop_is_also_a_request_error() {
    let a = MockServer::start().await;
    Mock::given(any())
        .respond_with(redirect(302, "/again"))
        .mount(&a)
        .await;
    let err = client(&a)
        .update_pre_launch_script("cvm_1")
        .file(UploadFile::new("s.sh", b"true".to_vec()))
        .await
        .expect_err("loop");
    let n = requests(&a).await.len();
    assert!((10..=11).contains(&n), "{n} requests");
    assert!(err.is_request(), "multipart redirect loop gave {err:?}");
}

/// 307 keeps the body; the multipart body is a stream.
#[tokio::test]
async fn multipart_patch_follows_a_same_origin_307() {
    let a = MockServer::start().await;
    answer(
        &a,
        "/api/v1/cvms/cvm_1/pre-launch-script",
        redirect(307, "/api/v1/cvms/cvm_2/pre-launch-script"),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/cvms/cvm_2/pre-launch-script"))
        .respond_with(json_raw(200, "{}"))
        .mount(&a)
        .await;
    let result = client(&a)
        .update_pre_launch_script("cvm_1")
        .file(UploadFile::new("s.sh", b"true".to_vec()))
        .await;
    let n = requests(&a).await.len();
    assert_eq!(n, 2, "307 not followed for multipart PATCH: {result:?}");
    result.expect("followed");
}

// Issue 28: redirects through every kind of client. ------------------------

/// How a client of the matrix gets its `reqwest::Client`.
#[derive(Clone, Copy, Debug)]
enum Http {
    /// The one this crate builds.
    Own,
    /// The caller's, built with `Policy::none()`.
    CallerClient,
    /// The caller's builder, through `http_client_builder`.
    CallerBuilder,
}

fn matrix_client(api: &MockServer, http: Http) -> PhalaCloud {
    let builder = PhalaCloud::builder()
        .api_key(KEY)
        .base_url(api.uri())
        .header(AUTHORIZATION, HeaderValue::from_static("Bearer tok_SECRET"))
        .retry_policy(RetryPolicy::none());
    let timeout = Duration::from_secs(10);
    let builder = match http {
        Http::Own => builder.timeout(timeout),
        Http::CallerClient => builder.http_client(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
                .build()
                .unwrap(),
        ),
        Http::CallerBuilder => {
            builder.http_client_builder(reqwest::Client::builder().timeout(timeout))
        }
    };
    builder.build().unwrap()
}

/// Runs one call against an "api" origin that redirects everything to the
/// "attacker" origin, and checks what each saw: the api the key, the
/// attacker exactly one request (this crate follows redirects itself)
/// without the key or `Authorization`. The call must end, in any result.
async fn one_call<T: std::fmt::Debug>(
    label: &str,
    api: &MockServer,
    attacker: &MockServer,
    call: impl std::future::Future<Output = T>,
) {
    let (at_api, at_attacker) = (requests(api).await.len(), requests(attacker).await.len());
    let outcome = tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .unwrap_or_else(|_| panic!("{label}: no result within 20 s"));
    let api_saw = requests(api).await.split_off(at_api);
    let attacker_saw = requests(attacker).await.split_off(at_attacker);
    assert!(!api_saw.is_empty(), "{label}: the api origin got nothing");
    for r in &api_saw {
        assert_eq!(r.headers.get("x-api-key").unwrap(), KEY, "{label}");
    }
    assert_eq!(attacker_saw.len(), 1, "{label}: {outcome:?}");
    for r in &attacker_saw {
        assert_no_credentials(r);
    }
}

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Every redirect status x every method through the generic request, four
/// generated operations (GET, POST, PATCH, DELETE) and the state watch,
/// with the crate's client, a caller's `Policy::none()` client and a
/// caller's builder (as the Python SDK's test_redirect_security.py does,
/// with our policy: follow, and keep the key on the original origin).
#[tokio::test]
async fn the_key_never_reaches_another_origin_for_any_status_method_or_client() {
    use futures_util::StreamExt;
    use phala_cloud::types::UpdateCvmNameBody;
    use phala_cloud::Method;
    for status in [301, 302, 303, 307, 308] {
        let (api, attacker) = (MockServer::start().await, MockServer::start().await);
        let stolen = format!("{}/stolen", attacker.uri());
        Mock::given(any())
            .respond_with(redirect(status, &stolen))
            .mount(&api)
            .await;
        Mock::given(any())
            .respond_with(json_raw(200, r#"{"status": "stolen"}"#))
            .mount(&attacker)
            .await;
        for http in [Http::Own, Http::CallerClient, Http::CallerBuilder] {
            let c = matrix_client(&api, http);
            for name in METHODS {
                let method = Method::from_bytes(name.as_bytes()).unwrap();
                let mut request = c.request(method, "/cvms/cvm_1");
                if matches!(name, "POST" | "PUT" | "PATCH") {
                    request = request.json(&serde_json::json!({"name": "n"}));
                }
                let label = format!("{status} {name} request() {http:?}");
                let send = async { request.send_raw().await.map(|r| r.status_code()) };
                one_call(&label, &api, &attacker, send).await;
            }
            let label = |op: &str| format!("{status} {op} {http:?}");
            one_call(
                &label("get_cvm_info"),
                &api,
                &attacker,
                c.get_cvm_info("cvm_1").send(),
            )
            .await;
            let restart = c.restart_cvm("cvm_1", RestartCvmBody::new().force(true));
            one_call(&label("restart_cvm"), &api, &attacker, restart.send()).await;
            let rename = c.update_cvm_name("cvm_1", UpdateCvmNameBody::new("n"));
            one_call(&label("update_cvm_name"), &api, &attacker, rename.send()).await;
            one_call(
                &label("delete_cvm"),
                &api,
                &attacker,
                c.delete_cvm("cvm_1").send(),
            )
            .await;
            let watch = c
                .watch_cvm_state("cvm_1")
                .target("running")
                .stream()
                .collect::<Vec<_>>();
            one_call(&label("watch_cvm_state"), &api, &attacker, watch).await;
        }
    }
}

#[test]
fn a_caller_client_that_follows_redirects_itself_is_refused() {
    let build = |http: reqwest::Client| {
        PhalaCloud::builder()
            .api_key(KEY)
            .base_url("http://127.0.0.1:9")
            .http_client(http)
            .build()
    };
    let none = reqwest::redirect::Policy::none();
    let accepted = reqwest::Client::builder().redirect(none).build().unwrap();
    build(accepted).expect("a Policy::none() client is accepted");

    let refused = [
        ("Client::new()", reqwest::Client::new()),
        (
            "Policy::limited(3)",
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::limited(3))
                .build()
                .unwrap(),
        ),
        (
            "Policy::custom",
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::custom(|a| a.follow()))
                .build()
                .unwrap(),
        ),
    ];
    for (what, http) in refused {
        let err = build(http).expect_err(what);
        let text = err.to_string();
        assert!(err.is_request(), "{what}: {err:?}");
        assert!(
            text.contains("Policy::none()") && text.contains("http_client_builder"),
            "{what}: {text}"
        );
        assert!(!text.contains(KEY) && !format!("{err:?}").contains(KEY));
    }
}

#[tokio::test]
async fn a_caller_builder_keeps_its_own_settings() {
    let a = MockServer::start().await;
    answer(&a, HOOK_PATH, json_raw(200, WEBHOOK)).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-caller", HeaderValue::from_static("yes"));
    let c = PhalaCloud::builder()
        .api_key(KEY)
        .base_url(a.uri())
        .http_client_builder(reqwest::Client::builder().default_headers(defaults))
        .build()
        .unwrap();
    c.get_webhook("wh_1")
        .await
        .expect("through the caller's builder");
    let got = requests(&a).await;
    assert_eq!(got[0].headers.get("x-caller").unwrap(), "yes");
    assert_eq!(got[0].headers.get("x-api-key").unwrap(), KEY);
}
