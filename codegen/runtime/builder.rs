//! What every operation's request builder shares, written once here so that
//! an operation's generated code declares only what differs: its
//! parameters, their setters and how it sends. A builder keeps the shared
//! state in a [`Core`] field named `phala` and has an `execute_with_meta`
//! method; [`shared_methods!`] and [`shared_impls!`] add the rest.

use std::borrow::Cow;
use std::marker::PhantomData;

use crate::client::PhalaCloud;
use crate::error::PhalaCloudError;

/// The part of a request builder that is not a parameter: the client it
/// was started from, the API version `api_version` set, and its mode
/// ([`crate::safe::Mode`]).
pub(crate) struct Core<'a, M> {
    client: &'a PhalaCloud,
    version: Option<String>,
    mode: PhantomData<M>,
}

impl<'a, M> Core<'a, M> {
    pub(crate) fn new(client: &'a PhalaCloud) -> Self {
        Core {
            client,
            version: None,
            mode: PhantomData,
        }
    }

    /// The client the builder was started from; a blocking sender runs on
    /// its runtime.
    pub(crate) fn client(&self) -> &'a PhalaCloud {
        self.client
    }

    /// Sends the request with `version` (`api_version`).
    pub(crate) fn set_version(&mut self, version: String) {
        self.version = Some(version);
    }

    /// The client to send with: one sending the version `api_version` set,
    /// else `pin` (the version the operation pins), else the client itself.
    pub(crate) fn versioned(
        &self,
        pin: Option<&str>,
    ) -> Result<Cow<'a, PhalaCloud>, PhalaCloudError> {
        self.client.versioned(self.version.as_deref().or(pin))
    }

    /// The same state in mode `N`: a blocking pager runs the async builder.
    pub(crate) fn into_mode<N>(self) -> Core<'a, N> {
        Core {
            client: self.client,
            version: self.version,
            mode: PhantomData,
        }
    }
}

// Not derived: that would ask `M: Clone` of the mode.
impl<M> Clone for Core<'_, M> {
    fn clone(&self) -> Self {
        Core {
            client: self.client,
            version: self.version.clone(),
            mode: PhantomData,
        }
    }
}

/// The methods every operation's builder has, written inside its `impl<'a,
/// M: Mode>` block (so the docs show them with the setters, as one block):
///
/// ```text
/// shared_methods!(types::CvmInfo, versioned);
/// ```
///
/// adds `send` and `send_with_meta`, which return `$output`, for a builder
/// with a [`Core`] field `phala` and an `execute_with_meta` method.
/// `versioned` adds the `api_version` setter; a version literal in its
/// place says the operation pins that version; `unversioned` (an API
/// without a version header) adds none.
macro_rules! shared_methods {
    ($output:ty, $version:tt) => {
        $crate::builder::shared_methods!(@api_version $version);

        /// Sends the request and decodes the response: a future for the
        /// async client, the result itself for the blocking one.
        pub fn send(self) -> M::Sent<'a, $output> {
            let client = self.phala.client();
            M::send(client, ::std::boxed::Box::pin(self.execute()))
        }

        /// Like `send`, keeping the response's status, headers and request id.
        pub fn send_with_meta(self) -> M::Sent<'a, $crate::Response<$output>> {
            let client = self.phala.client();
            M::send(client, ::std::boxed::Box::pin(self.execute_with_meta()))
        }

        async fn execute(self) -> ::std::result::Result<$output, $crate::PhalaCloudError> {
            self.execute_with_meta().await.map($crate::Response::into_data)
        }
    };
    (@api_version unversioned) => {};
    (@api_version versioned) => {
        /// Sends this request with another `X-Phala-Version` (one of [`SUPPORTED_API_VERSIONS`](crate::SUPPORTED_API_VERSIONS)) than the client's.
        pub fn api_version(mut self, version: impl ::std::convert::Into<::std::string::String>) -> Self {
            self.phala.set_version(version.into());
            self
        }
    };
    (@api_version $pin:literal) => {
        #[doc = concat!(
            "Sends this request with another `X-Phala-Version` (one of [`SUPPORTED_API_VERSIONS`](crate::SUPPORTED_API_VERSIONS)). Without it this operation sends `",
            $pin,
            "`, its pinned version, whatever the client's."
        )]
        pub fn api_version(mut self, version: impl ::std::convert::Into<::std::string::String>) -> Self {
            self.phala.set_version(version.into());
            self
        }
    };
}
pub(crate) use shared_methods;

/// The trait impls every operation's builder has, beside it:
///
/// ```text
/// shared_impls!(GetCvmInfoBuilder -> types::CvmInfo, (cvm_id) { page });
/// ```
///
/// adds `IntoFuture` (`.await` in the async modes) and, with the `dynamic`
/// feature, `from_json`, which reads the required parameters (in
/// parentheses, in the order `new` takes them) and the optional ones (in
/// braces) from JSON arguments by name.
macro_rules! shared_impls {
    ($builder:ident -> $output:ty, ($($required:ident),*) {$($optional:ident),*}) => {
        impl<'a, M: $crate::safe::AsyncMode> ::std::future::IntoFuture for $builder<'a, M> {
            type Output = M::Output<$output>;
            type IntoFuture = $crate::safe::BoxFuture<'a, M::Output<$output>>;

            fn into_future(self) -> Self::IntoFuture {
                M::future(::std::boxed::Box::pin(self.execute()))
            }
        }

        $crate::builder::shared_impls!(@from_json $builder ($($required),*) {$($optional),*});
    };
    // Three shapes, so that none leaves an argument or a `mut` unused.
    (@from_json $builder:ident () {}) => {
        #[cfg(feature = "dynamic")]
        impl<'a> $builder<'a, $crate::safe::Raise> {
            /// Builds the request from JSON arguments keyed by parameter name.
            pub(crate) fn from_json(
                phala_client: &'a $crate::PhalaCloud,
                _args: &::serde_json::Value,
            ) -> ::std::result::Result<Self, $crate::PhalaCloudError> {
                ::std::result::Result::Ok(Self::new(phala_client))
            }
        }
    };
    (@from_json $builder:ident ($($required:ident),*) {}) => {
        #[cfg(feature = "dynamic")]
        impl<'a> $builder<'a, $crate::safe::Raise> {
            /// Builds the request from JSON arguments keyed by parameter name.
            pub(crate) fn from_json(
                phala_client: &'a $crate::PhalaCloud,
                args: &::serde_json::Value,
            ) -> ::std::result::Result<Self, $crate::PhalaCloudError> {
                ::std::result::Result::Ok(Self::new(
                    phala_client,
                    $($crate::dynamic::arg(args, stringify!($required))?),*
                ))
            }
        }
    };
    (@from_json $builder:ident ($($required:ident),*) {$($optional:ident),*}) => {
        #[cfg(feature = "dynamic")]
        impl<'a> $builder<'a, $crate::safe::Raise> {
            /// Builds the request from JSON arguments keyed by parameter name.
            pub(crate) fn from_json(
                phala_client: &'a $crate::PhalaCloud,
                args: &::serde_json::Value,
            ) -> ::std::result::Result<Self, $crate::PhalaCloudError> {
                let builder = Self::new(
                    phala_client,
                    $($crate::dynamic::arg(args, stringify!($required))?),*
                );
                ::std::result::Result::Ok(Self {
                    $($optional: $crate::dynamic::opt_arg(args, stringify!($optional))?,)*
                    ..builder
                })
            }
        }
    };
}
pub(crate) use shared_impls;
