//! The crate's skeleton: `lib.rs`, the module files, `Cargo.toml`, and the
//! runtime files copied verbatim from `codegen/runtime/`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::config::Config;
use crate::error::Result;
use crate::ident::ident;
use crate::ir::Api;

/// Hand-written runtime modules, shipped as they are.
pub const RUNTIME: &[(&str, &str)] = &[
    ("src/blocking.rs", include_str!("../../runtime/blocking.rs")),
    ("src/classify.rs", include_str!("../../runtime/classify.rs")),
    ("src/client.rs", include_str!("../../runtime/client.rs")),
    ("src/dynamic.rs", include_str!("../../runtime/dynamic.rs")),
    ("src/env.rs", include_str!("../../runtime/env.rs")),
    ("src/error.rs", include_str!("../../runtime/error.rs")),
    (
        "src/error_guide.md",
        include_str!("../../runtime/error_guide.md"),
    ),
    ("src/paging.rs", include_str!("../../runtime/paging.rs")),
    (
        "src/precondition.rs",
        include_str!("../../runtime/precondition.rs"),
    ),
    ("src/request.rs", include_str!("../../runtime/request.rs")),
    ("src/safe.rs", include_str!("../../runtime/safe.rs")),
    (
        "src/transport.rs",
        include_str!("../../runtime/transport.rs"),
    ),
    ("src/webhook.rs", include_str!("../../runtime/webhook.rs")),
    ("src/runtime.rs", include_str!("../../runtime/runtime.rs")),
];

/// The state watch and waiters, shipped only when the API has the
/// operation they are built on: `get_cvm_state` returning `CvmStateResponse`
/// (the Phala spec with its overlays).
pub const WATCH: (&str, &str) = ("src/watch.rs", include_str!("../../runtime/watch.rs"));

/// Whether the crate gets [`WATCH`].
pub fn has_watch(bound: &[crate::bind::Bound]) -> bool {
    bound.iter().any(|b| {
        b.op.name == "get_cvm_state"
            && b.op.path.ends_with("/cvms/{cvm_id}/state")
            && b.output_text.trim_start_matches("types::") == "CvmStateResponse"
    })
}

pub fn lib_rs(api: &Api, config: &Config, type_count: usize, watch: bool) -> TokenStream {
    let default = &config.api.default_version;
    let supported = &config.api.supported_versions;
    let op_count = api.operations.len();
    let doc = format!(
        "Typed Rust client for the {title}, generated from its OpenAPI spec by \
         `phala-codegen`.\n\n\
         # Crate organization\n\n\
         - [`PhalaCloud`]: the async client. Each of the {op_count} operations is a method \
         taking the operation's required parameters; it returns a builder whose methods set \
         the optional ones, and `.await` sends the request. Every method has a `safe_*` twin.\n\
         - [`blocking::PhalaCloud`]: the same methods, blocking; `.send()` sends.\n\
         - [`PhalaCloudBuilder`]: key, base URL, API version, timeout, headers, \
         [`RetryPolicy`], your own `reqwest::Client`.\n\
         - [`webhook`]: webhook signature verification and event parsing.\n\
         - [`env`]: `.env` parsing, env var encryption to a CVM's key, compose hashes and \
         KMS key signatures, byte-compatible with the Python SDK and dstack-sdk.\n\
         - [`paging`]: `.pages()` and `.items()` on the builders of list operations.\n\
         - [`PhalaCloudError`]: the error every method returns; see [`error`] for the hierarchy, \
         and [`precondition`] for the on-chain KMS's HTTP 465.\n\
         - [`SafeResult`]: what the `safe_*` twin of every method yields instead.\n\
         - [`error_codes`]: the structured `ERR-xx-xxx` codes.\n\
         - [`types`]: the {type_count} request and response models.\n\
         - [`operations`]: the request builders.\n\
         - [`raw`]: progenitor's low-level client, for what the typed layer does not cover.\n\n\
         # Example\n\n\
         ```no_run\n\
         # async fn run() -> Result<(), phala_cloud::PhalaCloudError> {{\n\
         let client = phala_cloud::PhalaCloud::new(\"phak_...\")?;\n\
         let cvm = client.get_cvm_info(\"my-cvm-id\").await?;\n\
         let mine = client.list_cvms().user_id(\"usr_0123abcd\").await?;\n\
         # let _ = (cvm, mine);\n\
         # Ok(())\n\
         # }}\n\
         ```",
        title = api.title
    );
    let doc = if watch {
        doc.replace(
            "- [`webhook`]:",
            "- [`watch`]: a CVM's state as a stream of events, and waiting for a state \
             ([`PhalaCloud::wait_until_running`]).\n- [`webhook`]:",
        )
    } else {
        doc
    };
    let watch_mod = watch.then(|| {
        quote! {
            pub mod watch;
            pub use watch::{CvmStateEvent, WaitForCvmState, WaitProgress, WatchCvmState};
        }
    });
    let recursion_limit = crate::type_depth::recursion_limit(api.longest_model_chain).map(|n| {
        let n = n.to_string();
        quote!(#![recursion_limit = #n])
    });
    quote! {
        #![doc = #doc]
        #![deny(missing_docs)]
        #recursion_limit

        pub mod blocking;
        mod classify;
        mod client;
        #[cfg(feature = "dynamic")]
        mod dynamic;
        pub mod env;
        pub mod error;
        pub mod error_codes;
        pub mod operations;
        mod pages;
        pub mod paging;
        pub mod precondition;
        pub mod raw;
        mod request;
        mod runtime;
        pub mod safe;
        mod transport;
        pub mod types;
        mod unions;
        #watch_mod
        pub mod webhook;

        pub use error::{
            ApiError, AuthError, BusinessError, ConflictError, ErrorResponse, PhalaCloudError,
            PlainBusinessError, RequestError, ResourceError, ServerError, ValidationDetail,
            ValidationError,
        };
        pub use error_codes::ErrorCode;
        pub use client::{
            PhalaCloud, PhalaCloudBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT,
            DEFAULT_USER_AGENT,
        };
        pub use precondition::ComposeHashPrecondition;
        pub use request::{ApiRequest, Method};
        pub use runtime::{Response, UploadFile};
        pub use transport::RetryPolicy;
        pub use safe::SafeResult;

        /// The `X-Phala-Version` sent unless the client is configured otherwise.
        pub const DEFAULT_API_VERSION: &str = #default;
        /// Every `X-Phala-Version` this crate accepts.
        pub const SUPPORTED_API_VERSIONS: &[&str] = &[#(#supported),*];
    }
}

pub fn modules_rs(stems: &[String], doc: &str, reexport: bool) -> Result<TokenStream> {
    let idents = stems.iter().map(|s| ident(s)).collect::<Result<Vec<_>>>()?;
    let uses = reexport.then(|| quote!(#(pub use #idents::*;)*));
    Ok(quote! {
        #![doc = #doc]
        #(mod #idents;)*
        #uses
    })
}

/// The generated crate's dependencies, sorted. The TLS backend comes from
/// the crate's features (rustls by default).
const DEPENDENCIES: &[(&str, &str)] = &[
    // Default features: they provide `aes_gcm::aead::OsRng`.
    ("aes-gcm", r#""0.10""#),
    ("bytes", r#""1""#),
    (
        "chrono",
        r#"{ version = "0.4", default-features = false, features = ["serde", "std", "clock"] }"#,
    ),
    ("dotenvy", r#""0.15""#),
    ("eventsource-stream", r#""0.2""#),
    ("fastrand", r#""2""#),
    ("futures-core", r#""0.3""#),
    (
        "futures-util",
        r#"{ version = "0.3", default-features = false, features = ["std"] }"#,
    ),
    ("hex", r#""0.4""#),
    ("hmac", r#""0.12""#),
    ("http", r#""1""#),
    ("httpdate", r#""1""#),
    (
        "k256",
        r#"{ version = "0.13", default-features = false, features = ["ecdsa", "std"] }"#,
    ),
    ("progenitor-client", r#""0.15""#),
    ("regress", r#""0.10""#),
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["json", "query", "multipart", "http2", "stream"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    ("serde_json", r#""1""#),
    ("serde_path_to_error", r#""0.1""#),
    ("sha2", r#""0.10""#),
    ("sha3", r#""0.10""#),
    ("subtle", r#""2""#),
    ("thiserror", r#""2""#),
    (
        "tokio",
        r#"{ version = "1", features = ["rt-multi-thread", "time"] }"#,
    ),
    ("tracing", r#""0.1""#),
    (
        "x25519-dalek",
        r#"{ version = "2", features = ["static_secrets"] }"#,
    ),
];

pub fn cargo_toml(config: &Config, version: &str) -> String {
    let k = &config.krate;
    let mut out = String::new();
    out.push_str("[package]\n");
    out.push_str(&format!(
        "name = {:?}\nversion = {:?}\nedition = \"2021\"\nrust-version = {:?}\n",
        k.name, version, k.rust_version
    ));
    out.push_str(&format!(
        "description = {:?}\nlicense = {:?}\n",
        k.description, k.license
    ));
    out.push_str("\n# TLS: rustls by default; `native-tls` uses the platform's TLS instead.\n");
    out.push_str("[features]\ndefault = [\"rustls\"]\nrustls = [\"reqwest/rustls\"]\nnative-tls = [\"reqwest/native-tls\"]\n# `PhalaCloud::call_json`: call an operation by name with JSON arguments.\ndynamic = []\n");
    out.push_str("\n[dependencies]\n");
    for (name, spec) in DEPENDENCIES {
        out.push_str(&format!("{name} = {spec}\n"));
    }
    out.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\", \"time\"] }\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn dependencies_are_sorted_and_unique() {
        let names: Vec<&str> = super::DEPENDENCIES.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
