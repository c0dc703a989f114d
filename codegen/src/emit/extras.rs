//! What the profile's extra runtime modules ([`Profile::phala_modules`]:
//! env encryption, webhooks, the KMS precondition) and the state watch add
//! to `lib.rs` and its crate map. The one place the crate skeleton branches on the profile;
//! [`super::krate`] asks [`Extras`] and names none of these modules.

use proc_macro2::TokenStream;
use quote::quote;

use crate::inputs::names::ClientNames;
use crate::inputs::profile::Profile;

/// The extra modules' part of `lib.rs`.
pub struct Extras {
    /// Their declarations and re-exports.
    pub modules: TokenStream,
    /// Their lines in the crate map, after the builder's.
    pub map_items: &'static str,
    /// The crate map's lines on errors.
    pub error_items: String,
    /// The state watch's declarations and re-exports, where it ships
    /// ([`super::runtime::Needs::watch`]).
    pub watch_module: TokenStream,
    /// The state watch's line in the crate map, listed with the extra
    /// modules; empty where they are not.
    pub watch_item: String,
    /// Every runtime helper has a caller: the runtime is written for this
    /// API. Another leaves the helpers of features it lacks (paging,
    /// uploads, integer bounds) unused.
    pub uses_every_helper: bool,
}

impl Extras {
    pub fn of(profile: &Profile, names: &ClientNames) -> Self {
        if profile.phala_modules {
            phala(names)
        } else {
            Extras {
                modules: TokenStream::new(),
                map_items: "",
                error_items: format!(
                    "- [`{}`]: the error every method returns; see \
                     [`error`] for the hierarchy.\n\
                     - [`SafeResult`]: what the `safe_*` twin of every method yields instead.\n",
                    names.error
                ),
                watch_module: watch_module(),
                watch_item: String::new(),
                uses_every_helper: false,
            }
        }
    }
}

/// The Phala Cloud modules.
fn phala(names: &ClientNames) -> Extras {
    Extras {
        modules: quote! {
            pub mod env;
            pub mod precondition;
            pub mod webhook;
            pub use precondition::ComposeHashPrecondition;
        },
        map_items: "- [`webhook`]: webhook signature verification and event parsing.\n\
            - [`env`](mod@env): `.env` parsing, env var encryption to a CVM's key, compose \
            hashes and KMS key signatures, byte-compatible with the Python SDK and dstack-sdk.\n",
        error_items: format!(
            "- [`{}`]: the error every method returns; see [`error`] \
             for the hierarchy, and [`precondition`] for the on-chain KMS's HTTP 465.\n\
             - [`SafeResult`]: what the `safe_*` twin of every method yields instead.\n\
             - [`error_codes`]: the structured `ERR-xx-xxx` codes.\n",
            names.error
        ),
        watch_module: watch_module(),
        watch_item: format!(
            "- [`watch`]: a CVM's state as a stream of events, and waiting for a \
             state ([`{}::wait_until_running`]).\n",
            names.client
        ),
        uses_every_helper: true,
    }
}

/// The runtime's `watch` module and what the crate root re-exports of it.
fn watch_module() -> TokenStream {
    quote! {
        pub mod watch;
        pub use watch::{CvmStateEvent, WaitForCvmState, WaitProgress, WatchCvmState};
    }
}
