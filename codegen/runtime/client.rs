//! The async client, its configuration, and the headers every request
//! carries.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::blocking::BlockingRuntime;
use crate::error::{PhalaCloudError, RequestError, ValidationError};
use crate::transport::{self, Outcome, RetryPolicy};
use crate::settings::{API_KEY_ENV, AUTH, BASE_URL_ENV, PATH_PREFIX, VERSION_HEADER};
pub use crate::settings::{DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
use crate::{raw, DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS};

/// The request timeout unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read unless configured otherwise: 32 MiB.
/// The API's largest bodies (CVM lists, attestation reports) are far
/// smaller; the cap stops a misbehaving server or proxy from filling memory.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 32 * 1024 * 1024;

/// How the API key is sent ([`crate::settings`] says which for this API).
// Each API uses one of these; the others are never built.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Auth {
    /// In this header (lower case), as it is.
    Header(&'static str),
    /// As this query parameter.
    Query(&'static str),
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// Not at all.
    None,
}

/// Settings shared by every request of one client.
pub(crate) struct Shared {
    api_key: Option<HeaderValue>,
    version: HeaderValue,
    extra_headers: HeaderMap,
    pub(crate) retry: RetryPolicy,
    /// The largest response body read, in bytes.
    pub(crate) max_response_size: u64,
    /// The timeout of the HTTP client this crate built; `None` for a
    /// caller's own client.
    own_http: Option<Duration>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("version", &self.version)
            .field(
                "extra_headers",
                &self.extra_headers.keys().collect::<Vec<_>>(),
            )
            .field("retry", &self.retry)
            .field("max_response_size", &self.max_response_size)
            .finish()
    }
}

impl Shared {
    /// Sets what every request carries: the caller's own headers first (a
    /// caller's `User-Agent` is kept), then this crate's version header and
    /// API key, in the header or query parameter the API wants.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        for (name, value) in &self.extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        if !headers.contains_key(reqwest::header::USER_AGENT) {
            headers.insert(
                reqwest::header::USER_AGENT,
                HeaderValue::from_static(DEFAULT_USER_AGENT),
            );
        }
        if let Some(name) = VERSION_HEADER {
            headers.insert(HeaderName::from_static(name), self.version.clone());
        }
        let Some(key) = &self.api_key else { return };
        match AUTH {
            Auth::Header(name) => {
                headers.insert(HeaderName::from_static(name), key.clone());
            }
            Auth::Bearer | Auth::Basic => {
                headers.insert(reqwest::header::AUTHORIZATION, key.clone());
            }
            Auth::Query(name) => {
                let key = key.to_str().unwrap_or_default().to_owned();
                request.url_mut().query_pairs_mut().append_pair(name, &key);
            }
            Auth::None => {}
        }
    }
}

/// What one call sends besides progenitor's request: the parameters the
/// SDK sends itself (cookies, styled query and path parameters, a query
/// parameter named like a path one), already encoded. Empty for most
/// operations.
#[derive(Clone, Default)]
pub(crate) struct Extra {
    /// `name=value` pieces, percent-encoded, appended to the query.
    pub(crate) query: Vec<String>,
    /// Path segments, encoded, each with the placeholder it replaces.
    pub(crate) path: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// `name=value` pairs, cookie-encoded.
    pub(crate) cookies: Vec<String>,
    /// Where the transport leaves the response, giving progenitor an empty
    /// one: every call's response is read here, by [`crate::runtime::finish`]
    /// or as text, bytes or events.
    pub(crate) capture: Option<Capture>,
    /// Set when the JSON body goes in another media type (`body_as`): that
    /// type and the function that re-encodes the body.
    pub(crate) recode: Option<(&'static str, Recode)>,
}

/// Where the transport leaves the response of a call.
pub(crate) type Capture = Arc<Mutex<Option<reqwest::Response>>>;

/// Re-encodes a request's JSON body as the given media type.
pub(crate) type Recode = fn(&mut reqwest::Request, &str) -> Result<(), String>;

/// Names only: a cookie or header may hold a session secret.
impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self
            .query
            .iter()
            .map(|q| q.split('=').next().unwrap_or_default())
            .collect();
        let path: Vec<&str> = self.path.iter().map(|(k, _)| k.as_str()).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        let cookies: Vec<&str> = self
            .cookies
            .iter()
            .map(|c| c.split('=').next().unwrap_or_default())
            .collect();
        f.debug_struct("Extra")
            .field("query", &query)
            .field("path", &path)
            .field("headers", &headers)
            .field("cookies", &cookies)
            .field("capture", &self.capture.is_some())
            .field("recode", &self.recode.map(|(media, _)| media))
            .finish()
    }
}

impl Extra {
    /// Adds these parameters to `request` (a cookie joins any `Cookie`
    /// header the caller configured) and re-encodes its body if asked to.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) -> Result<(), String> {
        if let Some((media, recode)) = self.recode {
            recode(request, media)?;
        }
        for (placeholder, segment) in &self.path {
            let path = request.url().path();
            if let Some(at) = path.find(placeholder.as_str()) {
                let path = [&path[..at], segment, &path[at + placeholder.len()..]].concat();
                request.url_mut().set_path(&path);
            }
        }
        if !self.query.is_empty() {
            // Appended as encoded, so that a style's delimiters stay as
            // they are (form pairs would encode them).
            let mut query = request.url().query().unwrap_or_default().to_owned();
            for piece in &self.query {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(piece);
            }
            request.url_mut().set_query(Some(&query));
        }
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if self.cookies.is_empty() {
            return Ok(());
        }
        let mut cookie = self.cookies.join("; ");
        if let Some(given) = headers.get(reqwest::header::COOKIE).and_then(|v| v.to_str().ok()) {
            cookie = format!("{given}; {cookie}");
        }
        let value = HeaderValue::from_str(&cookie).map_err(|e| format!("invalid cookie: {e}"))?;
        headers.insert(reqwest::header::COOKIE, value);
        Ok(())
    }
}

/// The state of one call: the shared settings, the call's own extra
/// parameters, and what the transport learned (attempts, status), read when
/// the result is converted.
#[derive(Clone, Debug)]
pub struct Call {
    pub(crate) shared: Arc<Shared>,
    pub(crate) extra: Extra,
    pub(crate) outcome: Arc<Mutex<Outcome>>,
}

impl Call {
    /// The `X-Phala-Version` this call sends.
    pub(crate) fn api_version(&self) -> &str {
        self.shared.version.to_str().unwrap_or_default()
    }

    pub(crate) fn outcome(&self) -> Outcome {
        self.outcome.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// The call's version as one of [`SUPPORTED_API_VERSIONS`], which a
    /// union decodes by (see `evolve`); `None` for an API without versions.
    pub(crate) fn decoding_version(&self) -> Option<&'static str> {
        VERSION_HEADER?;
        let version = self.api_version();
        crate::SUPPORTED_API_VERSIONS
            .iter()
            .copied()
            .find(|v| *v == version)
    }
}

impl ClientHooks<Call> for raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner.shared.apply(request);
        self.inner
            .extra
            .apply(request)
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response =
            transport::send(&self.client, request, None, &self.inner, info.operation_id).await?;
        match &self.inner.extra.capture {
            Some(slot) => {
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(response);
                }
                let mut empty = http::Response::new(Vec::<u8>::new());
                *empty.status_mut() = http::StatusCode::NO_CONTENT;
                Ok(reqwest::Response::from(empty))
            }
            None => transport::buffered(response, self.inner.shared.max_response_size).await,
        }
    }
}

/// The asynchronous Phala Cloud client. Cheap to clone: clones share one
/// connection pool.
///
/// Every API operation is a method that takes the operation's required
/// parameters and returns a request builder; optional parameters are set
/// with its methods, and `.await` sends it.
#[derive(Clone)]
pub struct PhalaCloud {
    pub(crate) raw: raw::Client,
    pub(crate) blocking: Option<Arc<BlockingRuntime>>,
}

impl fmt::Debug for PhalaCloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhalaCloud")
            .field("base_url", &self.raw.baseurl)
            .field("shared", &self.raw.inner.shared)
            .finish()
    }
}

impl PhalaCloud {
    /// A client for the production API with `api_key` (or, when it is empty,
    /// `PHALA_CLOUD_API_KEY`) and every other setting at its default. Fails
    /// when neither gives a key.
    pub fn new(api_key: impl Into<String>) -> Result<Self, PhalaCloudError> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from the environment alone: the key from
    /// `PHALA_CLOUD_API_KEY` and the base URL from `PHALA_CLOUD_API_PREFIX`
    /// (else the production API). Fails, naming the variable, when no key
    /// is set; [`PhalaCloudBuilder::anonymous`] builds one without a key.
    pub fn from_env() -> Result<Self, PhalaCloudError> {
        Self::builder().build()
    }

    /// Starts a builder with every setting at its default.
    pub fn builder() -> PhalaCloudBuilder {
        PhalaCloudBuilder::default()
    }

    /// The same client (key, base URL, headers, retry policy, connection
    /// pool) sending another `X-Phala-Version`.
    pub fn with_version(&self, version: &str) -> Result<Self, PhalaCloudError> {
        let shared = &self.raw.inner.shared;
        let call = Call {
            shared: Arc::new(Shared {
                api_key: shared.api_key.clone(),
                version: checked_version(version)?,
                extra_headers: shared.extra_headers.clone(),
                retry: shared.retry.clone(),
                max_response_size: shared.max_response_size,
                own_http: shared.own_http,
            }),
            extra: Extra::default(),
            outcome: Arc::default(),
        };
        Ok(PhalaCloud {
            raw: raw::Client::new_with_client(&self.raw.baseurl, self.raw.client.clone(), call),
            blocking: self.blocking.clone(),
        })
    }

    /// The low-level progenitor client: positional arguments and
    /// progenitor's own error type. Prefer the methods on this type.
    pub fn raw(&self) -> &raw::Client {
        &self.raw
    }

    /// The origin requests are sent to; the spec's paths add `/api/v1/...`.
    pub fn base_url(&self) -> &str {
        &self.raw.baseurl
    }

    /// The `X-Phala-Version` this client sends.
    pub fn api_version(&self) -> &str {
        self.raw.inner.shared.version.to_str().unwrap_or_default()
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.raw.inner.shared.retry
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.raw.client
    }

    /// This client with a connection pool of its own, for the blocking
    /// client: a pooled connection is driven by the runtime that opened it,
    /// and a blocking call must not wait on a runtime it may be blocking.
    /// A caller's own `reqwest::Client` is kept as it is.
    pub(crate) fn with_own_pool(&self) -> Result<Self, PhalaCloudError> {
        let Some(timeout) = self.raw.inner.shared.own_http else {
            return Ok(self.clone());
        };
        Ok(PhalaCloud {
            raw: raw::Client::new_with_client(
                &self.raw.baseurl,
                build_http(timeout)?,
                self.raw.inner.clone(),
            ),
            blocking: self.blocking.clone(),
        })
    }

    /// A progenitor client for one call, with its own transport record.
    /// The client to send one request with: this one, or a copy sending
    /// `version` (an operation's pin, or the builder's `.api_version(..)`).
    pub(crate) fn versioned(
        &self,
        version: Option<&str>,
    ) -> Result<std::borrow::Cow<'_, PhalaCloud>, PhalaCloudError> {
        match version {
            Some(v) if v != self.api_version() => Ok(std::borrow::Cow::Owned(self.with_version(v)?)),
            _ => Ok(std::borrow::Cow::Borrowed(self)),
        }
    }

    pub(crate) fn call(&self) -> raw::Client {
        self.call_with(Extra::default())
    }

    /// A client for one call that also sends `extra`, and keeps its
    /// response for [`crate::runtime::finish`].
    pub(crate) fn call_with(&self, mut extra: Extra) -> raw::Client {
        extra.capture.get_or_insert_with(Capture::default);
        let call = Call {
            shared: self.raw.inner.shared.clone(),
            extra,
            outcome: Arc::default(),
        };
        raw::Client::new_with_client(&self.raw.baseurl, self.raw.client.clone(), call)
    }
}

/// Configures a [`PhalaCloud`] client. Every setting is optional:
///
/// | setting | default |
/// |---|---|
/// | `api_key` | `PHALA_CLOUD_API_KEY` (also when the argument is empty); [`Self::build`] fails without one unless [`Self::anonymous`] |
/// | `base_url` | `PHALA_CLOUD_API_PREFIX`, else [`DEFAULT_BASE_URL`]; with or without `/api/v1` |
/// | `version` | [`DEFAULT_API_VERSION`], one of [`SUPPORTED_API_VERSIONS`] |
/// | `timeout` | [`DEFAULT_TIMEOUT`] (30 s) |
/// | `retry_policy` | [`RetryPolicy::default`] |
/// | `max_response_size` | [`DEFAULT_MAX_RESPONSE_SIZE`] (32 MiB) |
/// | `user_agent` | [`DEFAULT_USER_AGENT`] (`phala-cloud-rust/<version>`) |
/// | `http_client` / `http_client_builder` | a rustls client that does not follow redirects itself |
///
/// This crate follows redirects itself, and drops the API key (and
/// `Authorization`, `Cookie`) on a hop to another origin. A
/// `reqwest::Client` that followed redirects on its own would forward
/// `X-API-Key` to any host a server points it at, so
/// [`Self::http_client`] accepts only a client built with
/// `.redirect(reqwest::redirect::Policy::none())`, and
/// [`Self::http_client_builder`] sets that policy itself.
#[derive(Default)]
pub struct PhalaCloudBuilder {
    api_key: Option<String>,
    /// Set by [`Self::anonymous`]: build without a key instead of failing.
    anonymous: bool,
    base_url: Option<String>,
    version: Option<String>,
    timeout: Option<Duration>,
    headers: HeaderMap,
    http: Option<CallerHttp>,
    retry: Option<RetryPolicy>,
    max_response_size: Option<u64>,
}

impl fmt::Debug for PhalaCloudBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhalaCloudBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_size", &self.max_response_size)
            .finish()
    }
}

impl PhalaCloudBuilder {
    /// The API key, sent as `X-API-Key`. When unset or empty,
    /// `PHALA_CLOUD_API_KEY` is used.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self.anonymous = false;
        self
    }

    /// Sends no API key, not even `PHALA_CLOUD_API_KEY`: for endpoints
    /// that need none, or a proxy in front of the API that adds it. Without
    /// this, [`Self::build`] fails when no key is given or set, so a
    /// missing key shows at start-up rather than as a 401 on the first
    /// call. A later [`Self::api_key`] undoes it.
    pub fn anonymous(mut self) -> Self {
        self.api_key = None;
        self.anonymous = true;
        self
    }

    /// The base URL, with or without the `/api/v1` suffix. When unset,
    /// `PHALA_CLOUD_API_PREFIX`, else [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `X-Phala-Version` to send; one of [`SUPPORTED_API_VERSIONS`].
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// The whole-request timeout (default 30 s). Ignored when a
    /// [`reqwest::Client`] is supplied with [`Self::http_client`] or
    /// [`Self::http_client_builder`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// An extra header sent on every request. A `User-Agent` set here
    /// replaces the default one; `X-Phala-Version` and `X-API-Key` are set
    /// by [`Self::version`] and [`Self::api_key`] and win over this.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The `User-Agent` to send instead of [`DEFAULT_USER_AGENT`].
    pub fn user_agent(self, agent: HeaderValue) -> Self {
        self.header(reqwest::header::USER_AGENT, agent)
    }

    /// The largest response body to read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`], 32 MiB). A larger body is a
    /// [`RequestError`] whose `is_too_large()` is true, raised as soon as
    /// its declared length or the bytes read pass the limit; it is never
    /// buffered whole.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// When and how failed requests are retried; [`RetryPolicy::none`]
    /// turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends requests through this `reqwest::Client`; the key, version,
    /// user agent and base URL still apply, and [`Self::timeout`] does not
    /// (the client's own applies).
    ///
    /// The client must be built with
    /// `.redirect(reqwest::redirect::Policy::none())`, or [`Self::build`]
    /// refuses it: this crate follows redirects itself so that the key
    /// never goes to another origin, which a client that follows redirects
    /// on its own cannot promise (reqwest drops `Authorization` and
    /// `Cookie` on such a hop, not `X-API-Key`). To keep a client's other
    /// settings (proxy, TLS, timeouts) without building it, pass its
    /// builder to [`Self::http_client_builder`] instead.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(CallerHttp::Client(client));
        self
    }

    /// Sends requests through a client built from this
    /// `reqwest::ClientBuilder`, with every setting the caller gave it
    /// (proxy, TLS, timeouts, ...) and one change:
    /// `.redirect(reqwest::redirect::Policy::none())`, since this crate
    /// follows redirects itself and keeps the key on the original origin.
    /// [`Self::timeout`] does not apply; the builder's own does.
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(CallerHttp::Builder(Box::new(builder)));
        self
    }

    /// Builds the client. Fails with a [`crate::ValidationError`] for the
    /// `api_key` argument when no key is given nor set in
    /// `PHALA_CLOUD_API_KEY` (unless [`Self::anonymous`] was called), and
    /// for an unsupported version or a malformed base URL.
    pub fn build(self) -> Result<PhalaCloud, PhalaCloudError> {
        let api_key = match self.api_key.filter(|k| !k.is_empty()) {
            _ if self.anonymous => None,
            Some(k) => Some(k),
            None => match std::env::var(API_KEY_ENV).ok().filter(|k| !k.is_empty()) {
                None if !matches!(AUTH, Auth::None) => return Err(missing_key()),
                from_env => from_env,
            },
        };
        let api_key = match api_key {
            Some(k) => {
                let k = match AUTH {
                    Auth::Bearer => format!("Bearer {k}"),
                    Auth::Basic => {
                        use base64::Engine as _;
                        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(k))
                    }
                    _ => k,
                };
                let mut v = HeaderValue::from_str(&k)
                    .map_err(|_| config_error("the API key is not a valid header value".into()))?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        let version = checked_version(self.version.as_deref().unwrap_or(DEFAULT_API_VERSION))?;
        let base_url = self
            .base_url
            .filter(|u| !u.is_empty())
            .or_else(|| {
                std::env::var(BASE_URL_ENV)
                    .ok()
                    .filter(|u| !u.is_empty())
            })
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let origin = origin_of(&base_url)?;
        // `own_http` remembers the timeout of a client this crate built, so
        // the blocking client can build its own pool alike.
        let (http, own_http) = match self.http {
            Some(CallerHttp::Client(client)) if follows_no_redirects(&client) => (client, None),
            Some(CallerHttp::Client(_)) => {
                return Err(config_error(
                    "the reqwest::Client given to http_client may follow redirects itself, \
                     and would then send the API key to whatever host a redirect names; build \
                     it with .redirect(reqwest::redirect::Policy::none()), or pass its \
                     ClientBuilder to http_client_builder"
                        .into(),
                ))
            }
            Some(CallerHttp::Builder(builder)) => {
                let client = (*builder)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(http_build_error)?;
                (client, None)
            }
            None => {
                let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
                (build_http(timeout)?, Some(timeout))
            }
        };
        let call = Call {
            shared: Arc::new(Shared {
                api_key,
                version,
                extra_headers: self.headers,
                retry: self.retry.unwrap_or_default(),
                max_response_size: self.max_response_size.unwrap_or(DEFAULT_MAX_RESPONSE_SIZE),
                own_http,
            }),
            extra: Extra::default(),
            outcome: Arc::default(),
        };
        Ok(PhalaCloud {
            raw: raw::Client::new_with_client(&origin, http, call),
            blocking: None,
        })
    }
}

/// The HTTP client this crate builds: rustls (or native-tls), the timeout,
/// and no redirects of its own (the transport follows them, keeping the key
/// on one origin).
fn build_http(timeout: Duration) -> Result<reqwest::Client, PhalaCloudError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(http_build_error)
}

fn http_build_error(e: reqwest::Error) -> PhalaCloudError {
    PhalaCloudError::Request(RequestError::new(
        "cannot build the HTTP client",
        Some(Box::new(e)),
    ))
}

/// The HTTP client a caller supplied, built or to build.
enum CallerHttp {
    Client(reqwest::Client),
    Builder(Box<reqwest::ClientBuilder>),
}

/// True only when `client` was built with `Policy::none()`, so it hands
/// every redirect back to this crate.
///
/// reqwest 0.13 has no getter for a client's redirect policy, so this reads
/// the client's `Debug` output, which shows `redirect_policy:
/// "Policy(None)"` exactly when the policy is `Policy::none()` (and no such
/// field for the default policy, `Limit(..)` or `Custom` for the others).
/// Only the part before `default_headers` is read, since a header value is
/// the caller's text. Anything else, such as a reqwest whose output reads
/// otherwise, counts as a client that may follow redirects: refused.
fn follows_no_redirects(client: &reqwest::Client) -> bool {
    let described = format!("{client:?}");
    let Some((settings, _)) = described.split_once(", default_headers: ") else {
        return false;
    };
    let none = r#", redirect_policy: "Policy(None)""#;
    settings.ends_with(none) || settings.ends_with(&format!("{none}, referer: true"))
}

/// The error of a client built with no key: it names the variable and the
/// ways to give one, since the alternative is a 401 on the first call.
fn missing_key() -> PhalaCloudError {
    ValidationError::argument(
        "api_key",
        format!(
            "no API key: pass one to `PhalaCloud::new` or `PhalaCloud::builder().api_key(..)`, \
             or set {API_KEY_ENV} (`PhalaCloud::builder().anonymous()` builds a client that sends none)"
        ),
    )
    .into()
}

fn config_error(message: String) -> PhalaCloudError {
    PhalaCloudError::Request(RequestError::new(message, None))
}

fn checked_version(version: &str) -> Result<HeaderValue, PhalaCloudError> {
    if !SUPPORTED_API_VERSIONS.contains(&version) {
        return Err(config_error(format!(
            "unsupported API version {version:?}; supported: {}",
            SUPPORTED_API_VERSIONS.join(", ")
        )));
    }
    HeaderValue::from_str(version).map_err(|_| config_error("invalid API version".into()))
}

/// The spec's paths already start with `/api/v1`, so that suffix is removed
/// from a base URL that has it, and never doubled.
fn origin_of(base_url: &str) -> Result<String, PhalaCloudError> {
    let trimmed = base_url.trim_end_matches('/');
    let origin = match PATH_PREFIX {
        "" => trimmed,
        prefix => trimmed.strip_suffix(prefix).unwrap_or(trimmed),
    };
    reqwest::Url::parse(origin)
        .map_err(|e| config_error(format!("invalid base URL {base_url:?}: {e}")))?;
    Ok(origin.to_owned())
}
