//! `PHALA_CLOUD_API_KEY` and `PHALA_CLOUD_API_PREFIX` against builder
//! arguments. The process environment is global, so every mutation lives in
//! this one test (on a current-thread runtime), which runs alone.

use phala_cloud::{PhalaCloud, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

use crate::common::*;

const KEY_VAR: &str = "PHALA_CLOUD_API_KEY";
const PREFIX_VAR: &str = "PHALA_CLOUD_API_PREFIX";
const WEBHOOK: &str = r#"{"id":"wh_1","url":"https://example.com/hook","enabled":true,"events":["cvm.created"],"created_at":"2026-01-21T10:00:00Z","updated_at":"2026-01-21T10:00:00Z"}"#;

fn set(name: &str, value: &str) {
    // Only this test touches the environment, and nothing runs beside it.
    unsafe { std::env::set_var(name, value) }
}

fn unset(name: &str) {
    unsafe { std::env::remove_var(name) }
}

async fn server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_raw(200, WEBHOOK))
        .mount(&s)
        .await;
    s
}

/// The single request `server` has seen since the last call, and resets it.
async fn last(server: &MockServer) -> Request {
    let mut got = server.received_requests().await.unwrap();
    server.reset().await;
    Mock::given(any())
        .respond_with(json_raw(200, WEBHOOK))
        .mount(server)
        .await;
    assert_eq!(got.len(), 1, "exactly one request");
    got.pop().unwrap()
}

fn key_of(r: &Request) -> Option<String> {
    r.headers
        .get("x-api-key")
        .map(|v| v.to_str().unwrap().to_owned())
}

fn builder() -> phala_cloud::PhalaCloudBuilder {
    PhalaCloud::builder().retry_policy(RetryPolicy::none())
}

// The lock is held across the awaits on purpose: the whole test, runtime
// included, must run with no other test of this binary. A current-thread
// runtime has no other task that could wait on it.
#[allow(clippy::await_holding_lock)]
#[tokio::test(flavor = "current_thread")]
async fn env_vars_are_fallbacks_and_arguments_win() {
    let _alone = crate::alone();
    let a = server().await;
    let b = server().await;
    unset(KEY_VAR);
    unset(PREFIX_VAR);

    // Nothing set: building fails, naming the variable, before any request.
    let missing = |e: phala_cloud::PhalaCloudError, what: &str| {
        let phala_cloud::PhalaCloudError::Validation(v) = &e else {
            panic!("{what}: not a validation error: {e:?}");
        };
        assert_eq!(v.argument_name(), Some("api_key"), "{what}");
        assert!(e.to_string().contains(KEY_VAR), "{what}: {e}");
    };
    missing(builder().base_url(a.uri()).build().unwrap_err(), "builder");
    let empty = builder().api_key("").base_url(a.uri()).build();
    missing(empty.unwrap_err(), "empty argument, no env");
    missing(PhalaCloud::new("").unwrap_err(), "new(\"\")");
    missing(PhalaCloud::from_env().unwrap_err(), "from_env");
    let blocking = phala_cloud::blocking::PhalaCloud::from_env();
    missing(blocking.unwrap_err(), "blocking from_env");
    assert!(a.received_requests().await.unwrap().is_empty());
    // Anonymous on purpose: no key header at all, production base URL.
    let c = builder().anonymous().base_url(a.uri()).build().unwrap();
    c.get_webhook("wh_1").await.unwrap();
    assert_eq!(key_of(&last(&a).await), None);
    assert_eq!(
        builder().anonymous().build().unwrap().base_url(),
        "https://cloud-api.phala.com"
    );
    assert_eq!(
        phala_cloud::DEFAULT_BASE_URL,
        "https://cloud-api.phala.com/api/v1"
    );
    // A key given after `anonymous()` is sent.
    let c = builder().anonymous().api_key("arg_key_0").base_url(a.uri());
    c.build().unwrap().get_webhook("wh_1").await.unwrap();
    assert_eq!(key_of(&last(&a).await).as_deref(), Some("arg_key_0"));

    // Key from the environment.
    set(KEY_VAR, "env_key_1");
    let cases: [(Option<&str>, &str); 3] = [
        (Some("arg_key_1"), "arg_key_1"), // argument beats env
        (Some(""), "env_key_1"),          // empty argument falls back
        (None, "env_key_1"),              // no argument
    ];
    for (arg, want) in cases {
        let mut bld = builder().base_url(a.uri());
        if let Some(k) = arg {
            bld = bld.api_key(k);
        }
        bld.build().unwrap().get_webhook("wh_1").await.unwrap();
        assert_eq!(
            key_of(&last(&a).await).as_deref(),
            Some(want),
            "arg {arg:?}"
        );
    }
    // `anonymous()` wins over the environment's key.
    let c = builder().anonymous().base_url(a.uri()).build().unwrap();
    c.get_webhook("wh_1").await.unwrap();
    assert_eq!(key_of(&last(&a).await), None, "anonymous with a key set");
    set(KEY_VAR, "");
    missing(
        builder().base_url(a.uri()).build().unwrap_err(),
        "empty env",
    );

    // Base URL from the environment, both forms, never doubled.
    set(KEY_VAR, "env_key_2");
    for prefix in [
        a.uri(),
        format!("{}/api/v1", a.uri()),
        format!("{}/api/v1/", a.uri()),
    ] {
        set(PREFIX_VAR, &prefix);
        let c = builder().build().unwrap();
        assert_eq!(c.base_url(), a.uri(), "{prefix}");
        c.get_webhook("wh_1").await.unwrap();
        let r = last(&a).await;
        assert_eq!(r.url.path(), "/api/v1/workspace/webhooks/wh_1", "{prefix}");
        assert_eq!(key_of(&r).as_deref(), Some("env_key_2"));

        // The argument beats the environment; an empty one falls back.
        let c = builder().base_url(b.uri()).build().unwrap();
        c.get_webhook("wh_1").await.unwrap();
        assert_eq!(last(&b).await.url.path(), "/api/v1/workspace/webhooks/wh_1");
        let c = builder().base_url("").build().unwrap();
        assert_eq!(c.base_url(), a.uri());
    }

    // `new("")` and the blocking client read both variables.
    PhalaCloud::new("")
        .unwrap()
        .get_webhook("wh_1")
        .await
        .unwrap();
    assert_eq!(key_of(&last(&a).await).as_deref(), Some("env_key_2"));
    PhalaCloud::new("arg_key_3")
        .unwrap()
        .get_webhook("wh_1")
        .await
        .unwrap();
    assert_eq!(key_of(&last(&a).await).as_deref(), Some("arg_key_3"));
    let blocking = phala_cloud::blocking::PhalaCloud::new("").unwrap();
    blocking.get_webhook("wh_1").send().unwrap();
    assert_eq!(key_of(&last(&a).await).as_deref(), Some("env_key_2"));
    drop(blocking);
    let from_env = PhalaCloud::from_env().unwrap();
    assert_eq!(from_env.base_url(), a.uri());
    from_env.get_webhook("wh_1").await.unwrap();
    assert_eq!(key_of(&last(&a).await).as_deref(), Some("env_key_2"));
    let blocking = phala_cloud::blocking::PhalaCloud::from_env().unwrap();
    blocking.get_webhook("wh_1").send().unwrap();
    assert_eq!(key_of(&last(&a).await).as_deref(), Some("env_key_2"));
    drop(blocking);

    // An empty or invalid prefix (with the key still set).
    set(PREFIX_VAR, "");
    assert_eq!(
        builder().build().unwrap().base_url(),
        "https://cloud-api.phala.com"
    );
    set(PREFIX_VAR, "not a url");
    assert!(builder().build().is_err(), "invalid env prefix");
    assert!(
        builder().base_url(b.uri()).build().is_ok(),
        "argument beats it"
    );

    // A key that is not a valid header value is an error that hides it.
    unset(PREFIX_VAR);
    set(KEY_VAR, "env_SECRET_key\n");
    let err = builder().build().unwrap_err();
    assert!(err.is_request());
    assert!(!format!("{err} {err:?}").contains("SECRET"), "{err:?}");
    assert!(builder().api_key("arg_key_4").build().is_ok());

    unset(KEY_VAR);
    unset(PREFIX_VAR);
}
