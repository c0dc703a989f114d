//! `README.md`: the crate's page on the crate registry and the front page of its
//! docs (`lib.rs` includes it): install, a quickstart with error handling,
//! the blocking client, testing against a mock server, and the operations
//! by tag, with the crate's own names ([`ClientNames`]). Its code blocks are
//! doctests, so they must compile as they are: whole programs, with no
//! hidden `#` lines (the registry page would show them).

use std::collections::BTreeMap;

use crate::backend::bind::Bound;
use crate::error::{Error, Result};
use crate::inputs::config::Config;
use crate::inputs::names::ClientNames;
use crate::inputs::profile::Profile;
use crate::ir::Api;

/// `open_enum` is the open enum (and one of its variants) the section on a
/// newer API shows; see [`super::evolve::showcase`].
pub fn readme(
    api: &Api,
    config: &Config,
    names: &ClientNames,
    profile: &Profile,
    version: &str,
    bound: &[Bound],
    open_enum: Option<(String, String)>,
) -> Result<String> {
    let k = &config.krate;
    let docs = format!("https://docs.rs/{}/latest/{}", k.name, names.krate);
    let call = super::krate::example_call(profile, bound);
    let mut out = format!("# {}\n\n{}\n\n", k.name, k.description);
    out.push_str(&format!(
        "API docs: <https://docs.rs/{}>. The {} operations are grouped by API tag below.\n\n",
        k.name,
        api.operations.len()
    ));
    if config.docs.guide.is_some() {
        out.push_str(&format!(
            "The [guide]({docs}/guide/index.html) has longer pages on using the crate.\n\n"
        ));
    }
    out.push_str(&format!(
        "## Install\n\n```toml\n[dependencies]\n{} = \"{version}\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n\n",
        k.name
    ));
    out.push_str(&format!(
        "TLS is rustls by default; the `native-tls` feature uses the platform's instead, \
         and `dynamic` adds calls by operation name with JSON arguments. \
         `{client}::from_env()` takes the API key from `{key_env}`, and `{client}::new(key)` \
         from its argument (or the variable, when the argument is empty); with neither, \
         building the client fails, naming the variable \
         (`{client}::builder().anonymous()` sends no key). Needs Rust {rust} or newer.\n\n",
        client = names.client,
        key_env = names.api_key_env,
        rust = k.rust_version
    ));
    if let Some(call) = &call {
        out.push_str(&quickstart(call, names));
    }
    if let Some(path) = &config.docs.readme {
        let section = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        out.push_str(section.trim_end());
        out.push_str("\n\n");
    }
    if let Some(call) = &call {
        out.push_str(&blocking(call, names));
    }
    let newest = config
        .api
        .supported_versions
        .iter()
        .max()
        .map(String::as_str);
    out.push_str(&newer_api(api, names, newest, call.as_deref(), open_enum));
    out.push_str(&super::template::fill(
        TESTING,
        &[
            ("krate", &names.krate),
            ("client", &names.client),
            ("error", &names.error),
        ],
    ));
    out.push_str(&tags(api, &docs));
    Ok(out)
}

/// The section on testing against a mock server.
const TESTING: &str = "## Testing code that uses the client\n\n\
    Point the client at a local mock server, such as \
    [wiremock](https://docs.rs/wiremock), with `base_url`; retries off keep \
    a test of an error response to one request:\n\n\
    ```rust,no_run\n\
    fn client_for(mock_server_uri: &str) -> Result<{krate}::{client}, {krate}::{error}> {\n\
    \x20   {krate}::{client}::builder()\n\
    \x20       .api_key(\"test-key\")\n\
    \x20       .base_url(mock_server_uri)\n\
    \x20       .retry_policy({krate}::RetryPolicy::none())\n\
    \x20       .build()\n\
    }\n\
    ```\n\n\
    Canned responses are JSON bodies, as the server sends them. Code that takes a \
    response model can also be tested without a server: every model deserializes, \
    so a test builds one with `serde_json::from_value` from the JSON the server would \
    send. (There is no `test-util` feature: it would repeat these.)\n\n";

/// The async quickstart: a call, and what an error carries.
fn quickstart(call: &str, names: &ClientNames) -> String {
    let ClientNames {
        krate,
        client,
        error,
        api_key_env,
        ..
    } = names;
    format!(
        "## Quickstart\n\n\
         Each operation is a method taking its required parameters; optional ones are \
         builder methods, and `.await` sends the request. Every error is a \
         `{error}`, with the HTTP status and the request id when the server \
         answered:\n\n\
         ```rust,no_run\n\
         #[tokio::main]\n\
         async fn main() {{\n\
         \x20   let client = {krate}::{client}::from_env().expect(\"{api_key_env} is set\");\n\
         \x20   match {call}.await {{\n\
         \x20       Ok(found) => println!(\"{{found:?}}\"),\n\
         \x20       Err(e) => eprintln!(\"status {{:?}}, request id {{:?}}: {{e}}\", e.status_code(), e.request_id()),\n\
         \x20   }}\n\
         }}\n\
         ```\n\n\
         Each method has a `safe_` twin whose result never fails: it holds the data or the \
         error, as the Python SDK's `safe_*` methods do.\n\n"
    )
}

/// What a caller meets when the API is ahead of this crate: open enums,
/// version unions, and fields the spec does not name.
fn newer_api(
    api: &Api,
    names: &ClientNames,
    newest: Option<&str>,
    call: Option<&str>,
    open_enum: Option<(String, String)>,
) -> String {
    let mut out = String::from(
        "## When the API is newer than this crate\n\n\
         The API gains values, shapes and fields before its published spec does. Responses \
         keep decoding when they do:\n\n",
    );
    let ClientNames {
        krate,
        client,
        error,
        ..
    } = names;
    if let Some((name, variant)) = open_enum {
        out.push_str(&format!(
            "- A string enum in a response keeps a value this crate does not know yet in its \
             `Unknown` variant, which prints and is sent back as the server sent it. The \
             enums are `#[non_exhaustive]`, so a `match` ends with a catch-all arm:\n\n\
             ```rust\n\
             fn describe(value: &{krate}::types::{name}) -> String {{\n\
             \x20   match value {{\n\
             \x20       {krate}::types::{name}::{variant} => \"the one this code handles\".to_owned(),\n\
             \x20       other => format!(\"{{other}}\"), // any other, known or not, as sent\n\
             \x20   }}\n\
             }}\n\
             ```\n\n"
        ));
    }
    if let (false, Some(newest)) = (api.model_versions.is_empty(), newest) {
        out.push_str(&format!(
            "- A response whose shape depends on the API version is an enum of one model \
             per version, decoded by the version the request sent. Its accessors read the \
             fields every version has; `as_v{}()` and its siblings give the model a \
             version sends. A body of a shape this crate does not know is kept, as JSON, in \
             its `Unknown` variant, and the accessors still read it.\n",
            newest.replace('-', "")
        ));
    }
    if let Some(call) = call {
        out.push_str(&format!(
            "- Fields the spec does not name are kept: `send_with_meta()` returns the \
             response with `extra_fields()` (each field the model lacks, by path) and \
             `json()` (the whole body).\n\n\
             ```rust,no_run\n\
             async fn extras(client: &{krate}::{client}) -> Result<(), {krate}::{error}> {{\n\
             \x20   let response = {call}.send_with_meta().await?;\n\
             \x20   for (path, value) in response.extra_fields() {{\n\
             \x20       println!(\"{{path}}: {{value}}\");\n\
             \x20   }}\n\
             \x20   Ok(())\n\
             }}\n\
             ```\n\n"
        ));
    }
    out
}

/// The same call on the blocking client.
fn blocking(call: &str, names: &ClientNames) -> String {
    let ClientNames {
        krate,
        client,
        error,
        ..
    } = names;
    format!(
        "## Blocking client\n\n\
         `{krate}::blocking::{client}` has the same methods; `.send()` sends. It \
         needs no runtime of yours and also works inside one.\n\n\
         ```rust,no_run\n\
         fn main() -> Result<(), {krate}::{error}> {{\n\
         \x20   let client = {krate}::blocking::{client}::from_env()?;\n\
         \x20   let found = {call}.send()?;\n\
         \x20   println!(\"{{found:?}}\");\n\
         \x20   Ok(())\n\
         }}\n\
         ```\n\n"
    )
}

/// The operations by tag, each linking to its docs page.
fn tags(api: &Api, docs: &str) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for op in &api.operations {
        *counts.entry(op.group.as_str()).or_default() += 1;
    }
    let mut out = String::from("## Operations by tag\n\n| tag | operations |\n|---|---:|\n");
    for (group, count) in counts {
        let tag = api.groups.get(group).map_or(group, |g| g.tag.as_str());
        out.push_str(&format!(
            "| [{}]({docs}/tags/{group}/index.html) | {count} |\n",
            crate::render::markdown_cell(tag)
        ));
    }
    out
}
