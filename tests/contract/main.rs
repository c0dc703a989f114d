//! Contract tests: every operation of the generated async client against
//! Stoplight Prism, which validates each request against the spec and
//! answers from its schemas. Run once in static mode (examples) and once in
//! dynamic mode (generated bodies, fixed seed). A coverage report is printed
//! last. `evolution` decodes every response as the API may change it ahead
//! of the spec.

mod evolution;
mod prism;
mod samples;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use phala_cloud::{ApiError, BusinessError, PhalaCloud, PhalaCloudError, RetryPolicy};
use phala_codegen::ir::{Body, Location, Operation, PartKind, Scalar};
use serde_json::{json, Value};

struct Setup {
    spec: Value,
    spec_path: std::path::PathBuf,
    operations: Vec<Operation>,
}

fn setup() -> Setup {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config =
        phala_codegen::Config::load(&root.join(phala_codegen::inputs::config::DEFAULT_CONFIG))
            .unwrap();
    let generated = phala_codegen::generate(&config, &config.inputs.spec).unwrap();
    // Prism serves the spec the SDK was generated from: the public spec
    // with `spec/overlays/` applied (typed responses, added operations).
    let spec = phala_codegen::overlaid_spec(&config, &config.inputs.spec).unwrap();
    // Written under a unique name and renamed into place: every writer
    // writes the same bytes, and a reader never sees half a file.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let spec_path = dir.join("overlaid-openapi.json");
    let partial = tempfile::NamedTempFile::new_in(dir).unwrap();
    std::fs::write(partial.path(), serde_json::to_vec(&spec).unwrap()).unwrap();
    partial.persist(&spec_path).unwrap();
    Setup {
        spec,
        spec_path,
        operations: generated.api.operations,
    }
}

/// The raw (3.1) operation object of an IR operation.
fn raw_op<'a>(spec: &'a Value, op: &Operation) -> &'a Value {
    &spec["paths"][&*op.path][op.http_method.to_lowercase()]
}

/// Arguments for `call_json`: every required parameter and the body.
fn arguments(spec: &Value, op: &Operation) -> Value {
    let raw = raw_op(spec, op);
    let mut args = serde_json::Map::new();
    for p in raw
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = p["name"].as_str().unwrap_or_default();
        let Some(param) = op.params.iter().find(|q| q.api_name == name) else {
            continue;
        };
        if param.required || param.location == Location::Path {
            args.insert(
                param.rust_name.clone(),
                samples::sample(spec, &p["schema"], 0),
            );
        }
    }
    match &op.body {
        Some(Body::Multipart { fields, .. }) => {
            for f in fields {
                let value = match f.kind {
                    PartKind::File => json!({"file_name": "upload.txt", "content": "hello"}),
                    PartKind::Files => json!([{"file_name": "upload.txt", "content": "hello"}]),
                    PartKind::Text(Scalar::String) => json!("sample"),
                    PartKind::Text(Scalar::Integer) => json!(1),
                    PartKind::Text(Scalar::Number) => json!(1.5),
                    PartKind::Text(Scalar::Boolean) => json!(true),
                    PartKind::Texts(_) => json!(["sample"]),
                    PartKind::Json => json!({}),
                };
                args.insert(f.rust_name.clone(), value);
            }
        }
        Some(_) => {
            let content = &raw["requestBody"]["content"];
            let media = content
                .as_object()
                .and_then(|m| m.values().next())
                .cloned()
                .unwrap_or_default();
            args.insert("body".into(), samples::sample(spec, &media["schema"], 0));
        }
        None => {}
    }
    Value::Object(args)
}

fn client(base: &str, prefer: Option<u16>) -> PhalaCloud {
    let mut b = PhalaCloud::builder()
        .api_key("phak_contract")
        .base_url(base)
        .retry_policy(RetryPolicy::none());
    if let Some(code) = prefer {
        b = b.header(
            reqwest::header::HeaderName::from_static("prefer"),
            reqwest::header::HeaderValue::from_str(&format!("code={code}")).unwrap(),
        );
    }
    b.build().unwrap()
}

#[derive(Default)]
struct Tally {
    called: usize,
    sent: usize,
    valid: usize,
    received_2xx: usize,
    decoded: usize,
    problems: BTreeMap<String, String>,
    mock_faults: BTreeMap<String, String>,
    /// `[api.variants]` methods, sent but not decoded here: see
    /// [`run_mode`].
    variants: usize,
    errors_line: String,
}

/// True for Prism's own 500 when json-schema-faker cannot build a body for
/// a response schema ("missing items for" a `prefixItems` tuple).
fn prism_cannot_fake(status: u16, body: &str) -> bool {
    status == 500
        && body.contains("https://stoplight.io/prism/errors#UNKNOWN")
        && body.contains("missing items for")
}

/// True when a violation list names the request, not Prism's response.
fn violates_request(violations: &str) -> bool {
    let parsed: Vec<Value> = serde_json::from_str(violations).unwrap_or_default();
    parsed.is_empty() || parsed.iter().any(|v| v["location"][0] == "request")
}

impl Tally {
    fn record(&mut self, op: &str, result: Result<phala_cloud::Response<Value>, PhalaCloudError>) {
        self.called += 1;
        self.sent += 1;
        match result {
            Ok(_) => {
                self.valid += 1;
                self.received_2xx += 1;
                self.decoded += 1;
            }
            Err(PhalaCloudError::Validation(e)) => {
                self.valid += 1;
                self.received_2xx += 1;
                self.problems.insert(
                    op.into(),
                    format!("decode: {e} (body {})", truncate(e.body())),
                );
            }
            Err(PhalaCloudError::Api(e)) if e.headers().contains_key("sl-violations") => {
                let v = e.headers()["sl-violations"]
                    .to_str()
                    .unwrap_or("")
                    .to_owned();
                if violates_request(&v) {
                    self.problems.insert(
                        op.into(),
                        format!("request violates the spec: {}", truncate(&v)),
                    );
                } else {
                    // Prism's own mock response broke the spec: the request was
                    // valid, and no 2xx came back to decode.
                    self.valid += 1;
                    self.mock_faults.insert(op.into(), truncate(&v));
                }
            }
            Err(PhalaCloudError::Api(e)) if prism_cannot_fake(e.status_code(), e.body()) => {
                // Prism validated the request, then its faker failed on the
                // response schema (3.1 tuples, `prefixItems`): nothing came
                // back to decode.
                self.valid += 1;
                self.mock_faults.insert(op.into(), truncate(e.body()));
            }
            Err(e) => {
                self.valid += 1;
                self.problems.insert(op.into(), format!("unexpected: {e}"));
            }
        }
    }

    fn report(&self, mode: &str, total: usize) -> String {
        format!(
            "contract coverage ({mode}): {}/{total} operations called; {}/{} requests valid; {}/{} responses decoded ({} version variants not decoded: Prism answers with the spec's model for their path); {}",
            self.called, self.valid, self.sent, self.decoded, self.received_2xx, self.variants, self.errors_line
        )
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(300).collect()
}

/// The variant the error layer must give for a status with an empty body.
fn expected_kind(status: u16) -> &'static str {
    match status {
        401 | 403 => "auth",
        500.. => "server",
        409 => "conflict",
        _ => "business",
    }
}

fn kind(e: &PhalaCloudError) -> String {
    match e {
        PhalaCloudError::Api(ApiError::Auth(_)) => "auth".into(),
        PhalaCloudError::Api(ApiError::Server(_)) => "server".into(),
        PhalaCloudError::Api(ApiError::Business(BusinessError::Conflict(_))) => "conflict".into(),
        PhalaCloudError::Api(ApiError::Business(BusinessError::Other(_))) => "business".into(),
        PhalaCloudError::Api(ApiError::Business(BusinessError::Resource(r))) => {
            format!("resource {}", r.error_code())
        }
        other => format!("{other}"),
    }
}

async fn run_mode(setup: &Setup, dynamic: bool) -> (Tally, String) {
    let mode = if dynamic { "dynamic" } else { "static" };
    let prism = prism::Prism::start(&setup.spec_path, dynamic);
    let ok_client = client(&prism.base_url(), None);
    let mut tally = Tally::default();
    for op in &setup.operations {
        let args = arguments(&setup.spec, op);
        let result = ok_client.call_json(&op.name, &args).await;
        if op.variant_of.is_some() {
            // A variant sends its operation's request at another API
            // version, whose model the spec cannot tell apart by path:
            // Prism answers with the operation's model. The request is
            // still checked; the variant's own model is decoded in
            // tests/e2e/versions.rs and evolution.rs.
            tally.variants += 1;
            tally.called += 1;
            tally.sent += 1;
            match result {
                Err(PhalaCloudError::Api(e)) if e.headers().contains_key("sl-violations") => {
                    tally
                        .problems
                        .insert(op.name.clone(), format!("request: {e}"));
                }
                _ => tally.valid += 1,
            }
            continue;
        }
        tally.record(&op.name, result);
    }
    let mut errors = String::new();
    let (mut asked, mut classified, mut mock_faults) = (0, 0, 0);
    for op in &setup.operations {
        let args = arguments(&setup.spec, op);
        // Prism answers a numeric status; Phala's spec declares only those
        // (a range or `default` has no one status to ask for).
        let codes = op.error_statuses.iter().filter_map(|e| match e.key {
            phala_codegen::ir::StatusKey::Code(code) => Some(code),
            _ => None,
        });
        for status in codes {
            asked += 1;
            let c = client(&prism.base_url(), Some(status));
            match c.call_json(&op.name, &args).await {
                Err(e) if e.status_code() == Some(status) && kind(&e) == expected_kind(status) => {
                    classified += 1;
                }
                Err(PhalaCloudError::Api(e))
                    if e.headers()
                        .get("sl-violations")
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| !violates_request(v)) =>
                {
                    println!("{mode} {} {status}: Prism could not produce this response for the spec (mock fault)", op.name);
                    mock_faults += 1;
                }
                other => {
                    let got = match &other {
                        Ok(r) => format!("Ok {}", r.status_code()),
                        Err(e) => format!("{} ({:?})", kind(e), e.status_code()),
                    };
                    let _ = writeln!(
                        errors,
                        "{mode} {} {status}: expected {}, got {got}",
                        op.name,
                        expected_kind(status)
                    );
                }
            }
        }
    }
    tally.errors_line = format!(
        "{classified}/{} declared error statuses classified as expected ({mock_faults} Prism could not produce)",
        asked - mock_faults
    );
    (tally, errors)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_against_prism() {
    let setup = setup();
    let total = setup.operations.len();
    let mut summary = Vec::new();
    let mut failures = String::new();
    for dynamic in [false, true] {
        let (tally, errors) = run_mode(&setup, dynamic).await;
        let mode = if dynamic { "dynamic" } else { "static" };
        for (op, problem) in &tally.problems {
            let _ = writeln!(failures, "{mode} {op}: {problem}");
        }
        for (op, fault) in &tally.mock_faults {
            println!("{mode} {op}: Prism's mock response violates the spec itself: {fault}");
        }
        failures.push_str(&errors);
        summary.push(tally.report(mode, total));
        assert_eq!(tally.called, total);
    }
    // Written to the process's stderr, past the test harness's capture, so
    // the coverage report is the last thing the test prints.
    let mut err = std::io::stderr();
    for line in &summary {
        let _ = writeln!(err, "{line}");
    }
    assert!(
        failures.is_empty(),
        "contract failures:\n{failures}\n{}",
        summary.join("\n")
    );
}

/// A sample of at least 10 operations, covering GET, POST, PATCH, PUT,
/// DELETE and a multipart upload, through the blocking client.
#[test]
fn blocking_client_sample_against_prism() {
    let setup = setup();
    let prism = prism::Prism::start(&setup.spec_path, false);
    let client =
        phala_cloud::blocking::PhalaCloud::from_async(client(&prism.base_url(), None)).unwrap();
    let wanted = [
        "get_cvm_info",
        "list_cvms",
        "get_cvm_list",
        "restart_cvm",
        "provision_cvm",
        "update_cvm_name",
        "patch_cvm",
        "set_port_mappings",
        "update_webhook",
        "delete_cvm",
        "delete_webhook",
        "update_pre_launch_script",
        "verify_attestation_upload",
    ];
    let mut methods = std::collections::BTreeSet::new();
    for name in wanted {
        let op = setup
            .operations
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("{name} exists"));
        let response = client
            .call_json(name, &arguments(&setup.spec, op))
            .send()
            .unwrap_or_else(|e| panic!("{name} through the blocking client: {e}"));
        assert!(
            (200..300).contains(&response.status_code()),
            "{name}: {}",
            response.status_code()
        );
        let multipart = matches!(op.body, Some(Body::Multipart { .. }));
        methods.insert(if multipart {
            "multipart".to_owned()
        } else {
            op.http_method.clone()
        });
    }
    for m in ["GET", "POST", "PATCH", "PUT", "DELETE", "multipart"] {
        assert!(methods.contains(m), "the sample covers {m}: {methods:?}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "contract coverage (blocking): {}/{} sampled operations ok",
        wanted.len(),
        wanted.len()
    );
}
