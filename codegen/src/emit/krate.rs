//! The crate's skeleton: `lib.rs`, the module files, `settings.rs` and the
//! license texts. The runtime files are listed in [`super::runtime`], the
//! manifest is [`super::manifest`].

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;
use crate::ident::ident;
use crate::inputs::config::{Auth, Config};
use crate::inputs::names::ClientNames;
use crate::inputs::profile::Profile;
use crate::ir::Api;

use super::extras::Extras;
use super::runtime::Needs;

/// The crate docs after the README (the front page is the crate's README:
/// install, quickstart, errors, blocking client, testing, tags): a map of
/// the crate's modules, then the sections of [`crate_map_doc`]. A
/// placeholder holding lines is empty or ends with a newline.
const CRATE_MAP: &str = "\n\n# Crate organization\n\n\
    - [`{client}`]: the async client. Each of the {op_count} operations is a method \
    taking the operation's required parameters; it returns a builder whose methods set \
    the optional ones, and `.await` sends the request. Every method has a `safe_*` twin.\n\
    - [`blocking::{client}`]: the same methods, blocking; `.send()` sends.\n\
    - [`{builder}`]: key, base URL, API version, timeout, headers, \
    [`RetryPolicy`], your own `reqwest::Client`.\n\
    {watch_item}\
    {extra_items}\
    - [`paging`]: `.pages()` and `.items()` on the builders of list operations.\n\
    {error_items}\
    - [`types`]: the {type_count} request and response models.\n\
    - [`tags`]: the operations by API tag, one page per tag with each operation's \
    request and summary.\n\
    {guide_item}\
    - [`operations`]: the request builders.\n\
    - [`raw`]: progenitor's low-level client, for what the typed layer does not cover.\
    {forms}\
    {paging}\
    {not_generated}";

/// The crate docs' section on the one rule every call follows.
const FORMS: &str = "\n\n# Sending: async `.await`, blocking `.send()`\n\n\
    Every method starts a builder: its setters add the optional parameters, and nothing \
    is sent until the builder is, by one rule: **async: `.await`; blocking: `.send()`**. \
    On [`{client}`] a builder is `.await`ed (its `.send()` is the same future); on \
    [`blocking::{client}`] its `.send()` blocks and returns the result. \
    [`{client}::request`] (a request to any API path) follows the rule too, with \
    [`blocking::ApiRequest`] on the blocking client{waits}.\n\n\
    What yields many items is a [`Stream`] on the async client, read with \
    [`StreamExt::next`]`.await` (both re-exported here, so no `futures-util` dependency \
    is needed), and an `Iterator` on the blocking one: `.pages()` and `.items()` on a \
    list's builder{watch}. A stream is not awaited itself: `.await` goes on each item.\n\n\
    A builder that is never sent is a `must_use` warning, and `.await` on a blocking \
    client's builder does not compile (the compiler suggests removing the `.await`; \
    `.send()` is what sends it). A `safe_*` method's [`SafeResult`] does not take `?`: \
    read it, or propagate its error with `.into_result()?`.";

/// The crate docs' paging example around the profile's code
/// ([`Profile::paging_example`]).
const PAGING: &str = "\n\n# Paging\n\n\
    ```no_run\n\
    # async fn run(client: {krate}::{client}) -> Result<(), {krate}::{error}> {\n\
    {code}\n\
    # Ok(()) }\n\
    ```";

/// The crate docs after the README: [`CRATE_MAP`], the paging example and
/// what was left out.
fn crate_map_doc(
    api: &Api,
    config: &Config,
    names: &ClientNames,
    profile: &Profile,
    extras: &Extras,
    type_count: usize,
    watch: bool,
) -> String {
    let guide_item = if config.docs.guide.is_some() {
        "- [`guide`]: longer pages on using the crate, one module each.\n"
    } else {
        ""
    };
    // In the crate docs, not in the shared `paging` module: the example
    // calls one API's list operation.
    let paging = profile
        .paging_example
        .as_deref()
        .map_or(String::new(), |code| {
            super::template::fill(
                PAGING,
                &[
                    ("krate", &names.krate),
                    ("client", &names.client),
                    ("error", &names.error),
                    ("code", &code.trim_end()),
                ],
            )
        });
    let forms = forms_doc(names, watch);
    super::template::fill(
        CRATE_MAP,
        &[
            ("client", &names.client),
            ("builder", &names.builder),
            ("op_count", &api.operations.len()),
            ("type_count", &type_count),
            (
                "watch_item",
                &if watch {
                    extras.watch_item.as_str()
                } else {
                    ""
                },
            ),
            ("extra_items", &extras.map_items),
            ("error_items", &extras.error_items),
            ("guide_item", &guide_item),
            ("forms", &forms),
            ("paging", &paging),
            ("not_generated", &not_generated(api)),
        ],
    )
}

/// [`FORMS`], naming the waits and the state watch where the crate has them.
fn forms_doc(names: &ClientNames, watch: bool) -> String {
    let (waits, watch_stream) = if watch {
        (
            format!(
                ", and so do the waits ([`{0}::wait_until_running`], \
                 [`{0}::wait_for_cvm_state`])",
                names.client
            ),
            ", and a state watch's `.stream()` (`.iter()` on the blocking client)",
        )
    } else {
        (String::new(), "")
    };
    super::template::fill(
        FORMS,
        &[
            ("client", &names.client),
            ("waits", &waits),
            ("watch", &watch_stream),
        ],
    )
}

/// The crate docs' section on what was left out, each with why.
fn not_generated(api: &Api) -> String {
    if api.skipped.is_empty() {
        return String::new();
    }
    let mut doc = String::from("\n\n# Not generated\n\nLeft out of this crate, each with why:\n\n");
    for (what, why) in &api.skipped {
        // One list item per skip: a reason's line breaks would end it.
        let why = why.split('\n').collect::<Vec<_>>().join(" ");
        doc.push_str(&format!("- `{what}`: {why}\n"));
    }
    doc
}

pub fn lib_rs(
    api: &Api,
    config: &Config,
    names: &ClientNames,
    profile: &Profile,
    type_count: usize,
    needs: &Needs,
) -> TokenStream {
    let extras = Extras::of(profile, names);
    let doc = crate_map_doc(
        api,
        config,
        names,
        profile,
        &extras,
        type_count,
        needs.watch,
    );
    let root_items = root_items(config, names);
    let optional = optional_modules(config, &extras, needs);
    let recursion_limit = crate::ir::depth::recursion_limit(api.longest_model_chain).map(|n| {
        let n = n.to_string();
        quote!(#![recursion_limit = #n])
    });
    let unused_helpers = (!extras.uses_every_helper).then(|| quote!(#![allow(dead_code)]));
    quote! {
        #![doc = include_str!("../README.md")]
        #![doc = #doc]
        #![deny(missing_docs)]
        // docs.rs builds with `--cfg docsrs` (see Cargo.toml) on nightly,
        // and marks feature-gated items with the feature they need.
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #unused_helpers
        #recursion_limit

        pub mod blocking;
        mod builder;
        mod classify;
        mod client;
        #[cfg(feature = "dynamic")]
        mod dynamic;
        pub mod error;
        pub mod error_codes;
        mod evolve;
        pub mod operations;
        mod pages;
        pub mod paging;
        pub mod raw;
        mod request;
        mod runtime;
        pub mod safe;
        mod settings;
        pub mod tags;
        mod transport;
        pub mod types;
        mod unions;
        #optional

        #root_items
    }
}

/// What the crate root re-exports of the modules every crate has, and the
/// API versions.
fn root_items(config: &Config, names: &ClientNames) -> TokenStream {
    let default = &config.api.default_version;
    let supported = &config.api.supported_versions;
    let ClientNames {
        client,
        error,
        builder,
        ..
    } = names;
    let (default_doc, supported_doc) = match &config.client.version_header {
        Some(_) => (
            format!(
                "The {} sent unless the client is configured otherwise.",
                names.version
            ),
            format!("Every {} this crate accepts.", names.version),
        ),
        // Nothing is sent, so say what the value is rather than where it goes.
        None => (
            "The API version this crate was generated for (the spec's `info.version`). \
             This API has no version header, so it is never sent."
                .to_owned(),
            "The API versions this crate accepts for the client's `version` setting; \
             with no version header, none of them is sent."
                .to_owned(),
        ),
    };
    let stream_ext_doc = format!(
        "`.next().await` and the other stream adapters, re-exported from `futures-util`: \
         `use {}::StreamExt;` reads a stream.",
        names.krate
    );
    quote! {
        pub use error::{
            ApiError, AuthError, BusinessError, ConflictError, ErrorResponse, #error,
            PlainBusinessError, RequestError, ResourceError, ServerError, ValidationDetail,
            ValidationError,
        };
        pub use error_codes::ErrorCode;
        pub use client::{
            #client, #builder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT,
            DEFAULT_USER_AGENT,
        };
        pub use request::{ApiRequest, Method};
        pub use evolve::UnknownValue;
        pub use runtime::{Response, UploadFile};
        pub use transport::RetryPolicy;
        pub use safe::SafeResult;
        /// What a stream of this crate is (`.pages()`, `.items()`, event
        /// streams), re-exported from `futures-util` so that a caller needs
        /// no dependency of its own.
        pub use futures_util::Stream;
        #[doc = #stream_ext_doc]
        pub use futures_util::StreamExt;

        #[doc = #default_doc]
        pub const DEFAULT_API_VERSION: &str = #default;
        #[doc = #supported_doc]
        pub const SUPPORTED_API_VERSIONS: &[&str] = &[#(#supported),*];
    }
}

/// The modules only some crates have: the guide pages, the profile's extra
/// modules, state watching, and the runtime helpers the operations call
/// for.
fn optional_modules(config: &Config, extras: &Extras, needs: &Needs) -> TokenStream {
    let guide = config.docs.guide.is_some();
    let params_mod = needs.own_params.then(|| {
        quote!(
            mod params;
            mod styles;
        )
    });
    let recode_mod = needs.body_choice.then(|| {
        quote!(
            mod recode;
        )
    });
    let negotiate_mod = needs.negotiation.then(|| {
        quote! {
            mod negotiate;
            pub use negotiate::{ServerEvent, ServerEvents};
        }
    });
    let watch_mod = needs.watch.then_some(&extras.watch_module);
    let guide_mod = guide.then(|| {
        quote!(
            pub mod guide;
        )
    });
    let extra_mods = &extras.modules;
    quote! {
        #guide_mod
        #extra_mods
        #watch_mod
        #params_mod
        #recode_mod
        #negotiate_mod
    }
}

/// The call the examples make, without `.await`: the profile's
/// ([`Profile::example_call`]) when the API has its method (an older spec,
/// generated with `--allow-unused-overrides`, may not), else the first GET
/// operation whose required arguments are all strings or integers (none
/// when there is no such operation).
pub fn example_call(profile: &Profile, bound: &[crate::backend::bind::Bound]) -> Option<String> {
    let configured = profile.example_call.as_ref().filter(|call| {
        let method = crate::inputs::profile::called_method(call);
        bound.iter().any(|b| Some(b.op.name.as_str()) == method)
    });
    if let Some(call) = configured {
        return Some(call.clone());
    }
    let arg = |f: &crate::backend::bind::Field| -> Option<&'static str> {
        match f.owned.to_string().replace(' ', "").as_str() {
            "::std::string::String" => Some("\"id\""),
            "i64" => Some("1"),
            _ => None,
        }
    };
    bound
        .iter()
        .filter(|b| b.op.http_method == "GET" && !b.op.deprecated)
        .find_map(|b| {
            let args: Option<Vec<&str>> = b.fields.iter().filter(|f| f.required).map(arg).collect();
            Some(format!("client.{}({})", b.op.name, args?.join(", ")))
        })
}

/// `src/settings.rs`: what the client sends, from `[client]`.
pub fn settings_rs(config: &Config, names: &ClientNames) -> TokenStream {
    let c = &config.client;
    let base_url = &c.base_url;
    let prefix = &c.path_prefix;
    let agent = format!("{}/", names.user_agent);
    let (key_env, url_env) = (&names.api_key_env, &names.base_url_env);
    let auth = match &c.auth {
        Auth::Header(name) => {
            let name = name.to_ascii_lowercase();
            quote!(Auth::Header(#name))
        }
        Auth::Query(name) => quote!(Auth::Query(#name)),
        Auth::Bearer => quote!(Auth::Bearer),
        Auth::Basic => quote!(Auth::Basic),
        Auth::None => quote!(Auth::None),
    };
    let version = match &c.version_header {
        Some(h) => {
            let h = h.to_ascii_lowercase();
            quote!(::std::option::Option::Some(#h))
        }
        None => quote!(::std::option::Option::None),
    };
    let base_doc = format!("The {} API's default base URL.", names.title);
    let agent_doc = format!(
        "The `User-Agent` sent unless the caller sets one with \
         [`{0}::user_agent`](crate::{0}::user_agent) or \
         [`{0}::header`](crate::{0}::header).",
        names.builder
    );
    let key_doc = format!("Read for the API key when none is given: `{key_env}`.");
    let url_doc = format!("Read for the base URL when none is given: `{url_env}`.");
    quote! {
        //! What the client sends, from the generator's `[client]` settings.

        use crate::client::Auth;

        #[doc = #base_doc]
        pub const DEFAULT_BASE_URL: &str = #base_url;
        #[doc = #agent_doc]
        pub const DEFAULT_USER_AGENT: &str = concat!(#agent, env!("CARGO_PKG_VERSION"));
        /// Every spec path starts with this; a base URL ending with it is
        /// trimmed so it is not doubled.
        pub(crate) const PATH_PREFIX: &str = #prefix;
        /// How the API key is sent.
        pub(crate) const AUTH: Auth = #auth;
        /// The header carrying the API version, if the API has one.
        pub(crate) const VERSION_HEADER: ::std::option::Option<&str> = #version;
        #[doc = #key_doc]
        pub(crate) const API_KEY_ENV: &str = #key_env;
        #[doc = #url_doc]
        pub(crate) const BASE_URL_ENV: &str = #url_env;
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

/// The license texts the crate's `license` expression names, by file name:
/// `LICENSE-MIT` (its copyright line naming `crate.copyright`) and
/// `LICENSE-APACHE`.
pub fn license_files(config: &Config) -> Vec<(&'static str, String)> {
    let k = &config.krate;
    let names = |id: &str| {
        k.license
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '/')
            .any(|part| part == id)
    };
    let mut out = Vec::new();
    if names("MIT") {
        let holder = k
            .copyright
            .clone()
            .unwrap_or_else(|| format!("The {} authors", k.name));
        let text = super::template::fill(
            include_str!("../../runtime/LICENSE-MIT"),
            &[("copyright", &holder)],
        );
        out.push(("LICENSE-MIT", text));
    }
    if names("Apache-2.0") {
        out.push((
            "LICENSE-APACHE",
            include_str!("../../runtime/LICENSE-APACHE").to_owned(),
        ));
    }
    out
}
