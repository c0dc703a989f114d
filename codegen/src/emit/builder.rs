//! The request builder every operation gets, JSON or multipart alike: the
//! struct (generic over its mode: raising or safe, async or blocking), its
//! setters and how it sends, and the four methods that start it: `name` and
//! `safe_name` on the async client and on the blocking one. What every
//! builder shares (`send`, `send_with_meta`, `api_version`, `IntoFuture`,
//! `from_json` for the `dynamic` feature) is the runtime's `shared_methods!`
//! and `shared_impls!` (`codegen/runtime/builder.rs`), which each builder
//! invokes with what differs.

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs;
use crate::backend::bind::Field;
use crate::error::{Error, Result};
use crate::ident::ident;
use crate::inputs::names::ClientNames;
use crate::ir::{Location, Operation};

/// What every builder needs of the client: its names, and whether the API
/// has a version header (without one, builders have no `api_version`
/// setter).
pub struct Client<'a> {
    pub names: &'a ClientNames,
    pub versioned: bool,
}

/// The builder of `op`: `fields` are its parameters, `output` what `.await?`
/// yields, and `send_body` the statements that send the request. `captured`,
/// for an operation with other response media types, sends it asking for
/// `accept` and evaluates to the raw response and its call.
pub fn builder(
    op: &Operation,
    fields: &[Field],
    output: TokenStream,
    send_body: TokenStream,
    captured: Option<TokenStream>,
    client: &Client,
) -> Result<Emitted> {
    check_field_names(op, fields)?;
    let names = Names::of(op, client.names)?;
    let definition = definition(op, &names, fields);
    let methods = builder_methods(op, &names, fields, &output, send_body, client.versioned);
    let negotiated = captured.map(|body| negotiated(op, &names, fields, body));
    let shared = shared_impls(&names, fields, &output);
    let (client, blocking) = starters(op, &names, fields);
    Ok(Emitted {
        items: quote! {
            #definition
            #methods
            #negotiated
            #shared
        },
        client,
        blocking,
    })
}

/// One operation's code: its builder's items, and the methods that start
/// it on each client, which [`super::operations`] gathers into one `impl`
/// block per tag (one heading per tag on the clients' doc pages).
pub struct Emitted {
    pub items: TokenStream,
    /// The method and its `safe_` twin on the async client.
    pub client: TokenStream,
    /// The same on the blocking client.
    pub blocking: TokenStream,
}

/// The identifiers one operation's builder code uses.
struct Names<'a> {
    method: Ident,
    safe_method: Ident,
    builder: Ident,
    /// The client's: the client and error types.
    client: &'a ClientNames,
}

impl<'a> Names<'a> {
    fn of(op: &Operation, client: &'a ClientNames) -> Result<Self> {
        Ok(Names {
            method: ident(&op.name)?,
            safe_method: ident(&format!("safe_{}", op.name))?,
            builder: ident(&format!("{}Builder", op.name.to_upper_camel_case()))?,
            client,
        })
    }
}

/// The builder's own field is `phala`, its senders' locals start with
/// `phala_`, and its own setter is `api_version`.
fn check_field_names(op: &Operation, fields: &[Field]) -> Result<()> {
    match fields.iter().find(|f| {
        let name = f.ident.to_string();
        name == "phala" || name.starts_with("phala_") || name == "api_version"
    }) {
        Some(f) => Err(Error::Unsupported {
            operation: op.operation_id.clone(),
            pointer: op.pointer(),
            message: format!(
                "parameter `{}` clashes with the builder's own `phala` field, `phala_` locals or `api_version`",
                f.ident
            ),
        }),
        None => Ok(()),
    }
}

/// The struct: required parameters as they are, optional ones in `Option`.
fn definition(op: &Operation, names: &Names, fields: &[Field]) -> TokenStream {
    let Names {
        builder,
        safe_method,
        client,
        ..
    } = names;
    let builder_doc = format!(
        "A `{} {}` request, started by [`{client}::{}`] or [`{client}::{}`] (or the \
         blocking client's); `.await` (or `.send().await`) sends it on the async client, \
         `.send()` on the blocking one.",
        op.http_method,
        op.path,
        op.name,
        safe_method,
        client = client.client,
    );
    let stored = fields.iter().map(|f| {
        let (ident, owned) = (&f.ident, &f.owned);
        if f.required {
            quote!(#ident: #owned)
        } else {
            quote!(#ident: ::std::option::Option<#owned>)
        }
    });
    quote! {
        #[doc = #builder_doc]
        #[must_use = "a request does nothing until it is sent: `.await` (async client) or `.send()` (blocking client)"]
        pub struct #builder<'a, M = Raise> {
            phala: Core<'a, M>,
            #(#stored,)*
        }
    }
}

/// `new`, the setters, the shared methods (`api_version`, `send`,
/// `send_with_meta`) and `execute_with_meta`, which rejects an empty path
/// parameter before anything is sent.
fn builder_methods(
    op: &Operation,
    names: &Names,
    fields: &[Field],
    output: &TokenStream,
    send_body: TokenStream,
    versioned: bool,
) -> TokenStream {
    let builder = &names.builder;
    let ClientNames { client, error, .. } = names.client;
    let params = fields.iter().filter(|f| f.required).map(|f| {
        let (ident, owned) = (&f.ident, &f.owned);
        quote!(#ident: #owned)
    });
    let inits = fields.iter().map(|f| {
        let ident = &f.ident;
        if f.required {
            quote!(#ident)
        } else {
            quote!(#ident: ::std::option::Option::None)
        }
    });
    let setters = fields.iter().filter(|f| !f.required).map(|f| {
        let (ident, owned, doc) = (&f.ident, &f.owned, &f.doc);
        quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: impl ::std::convert::Into<#owned>) -> Self {
                self.#ident = ::std::option::Option::Some(value.into());
                self
            }
        }
    });
    let version = match (&op.version_pin, versioned) {
        (_, false) => quote!(unversioned),
        (Some(pin), true) => quote!(#pin),
        (None, true) => quote!(versioned),
    };
    let prelude = prelude(op, names, fields);
    quote! {
        impl<'a, M: Mode> #builder<'a, M> {
            fn new(phala_client: &'a #client, #(#params),*) -> Self {
                #builder {
                    phala: Core::new(phala_client),
                    #(#inits,)*
                }
            }

            #(#setters)*

            shared_methods!(#output, #version);

            async fn execute_with_meta(
                self,
            ) -> ::std::result::Result<runtime::Response<#output>, #error> {
                #prelude
                #send_body
            }
        }
    }
}

/// The `shared_impls!` call that adds `.await` and `from_json`, naming
/// the parameters `from_json` reads.
fn shared_impls(names: &Names, fields: &[Field], output: &TokenStream) -> TokenStream {
    let builder = &names.builder;
    let required = fields.iter().filter(|f| f.required).map(|f| &f.ident);
    let optional = fields.iter().filter(|f| !f.required).map(|f| &f.ident);
    quote! {
        shared_impls!(#builder -> #output, (#(#required),*) { #(#optional),* });
    }
}

/// The version this operation pins, as an `Option<&str>` expression.
fn version_pin(op: &Operation) -> TokenStream {
    match &op.version_pin {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// What every sender runs first: the client for this call's version
/// (`phala_client`), then [`checks`].
fn prelude(op: &Operation, names: &Names, fields: &[Field]) -> TokenStream {
    let pin = version_pin(op);
    let checks = checks(op, fields);
    let client = &names.client.client;
    quote! {
        let phala_client = self.phala.versioned(#pin)?;
        let phala_client: &#client = &phala_client;
        #checks
    }
}

/// What runs before a request is built: empty path parameters and
/// out-of-range integers are rejected, and integers converted.
fn checks(op: &Operation, fields: &[Field]) -> TokenStream {
    let path_checks = path_string_fields(op, fields).map(|f| {
        let (ident, name) = (&f.ident, f.ident.to_string());
        quote!(runtime::check_path_param(#name, &self.#ident)?;)
    });
    let int_checks = fields.iter().filter_map(|f| {
        let check = f.int.as_ref()?;
        let (ident, name, raw) = (&f.ident, f.ident.to_string(), &check.raw);
        let bound = |b: Option<i64>| match b {
            Some(v) => quote!(::std::option::Option::Some(#v)),
            None => quote!(::std::option::Option::None),
        };
        let (min, max) = (bound(check.range.min), bound(check.range.max));
        Some(if f.required {
            quote!(let #ident = runtime::int_param::<#raw>(#name, self.#ident, #min, #max)?;)
        } else {
            quote! {
                let #ident = self
                    .#ident
                    .map(|v| runtime::int_param::<#raw>(#name, v, #min, #max))
                    .transpose()?;
            }
        })
    });
    quote! {
        #(#path_checks)*
        #(#int_checks)*
    }
}

/// `send_text()`, `send_bytes()` and `send_events()`, one per other way the
/// response comes, each sending its `Accept`.
fn negotiated(op: &Operation, names: &Names, fields: &[Field], body: TokenStream) -> TokenStream {
    use crate::ir::Reading;
    let builder = &names.builder;
    let error = &names.client.error;
    let prelude = prelude(op, names, fields);
    let senders = op.negotiated().into_iter().map(|(reading, accept)| {
        let doc_for = |what: &str| {
            format!(
                "Sends the request with `Accept: {accept}` and returns {what}. \
                 `.await` (or `send()`) reads the JSON form instead."
            )
        };
        match reading {
            Reading::Text => {
                let doc = doc_for("the body as text");
                quote! {
                    #[doc = #doc]
                    pub fn send_text(self) -> M::Sent<'a, ::std::string::String> {
                        let client = self.phala.client();
                        M::send(client, ::std::boxed::Box::pin(async move {
                            let (response, raw) = self.execute_captured(#accept).await?;
                            crate::negotiate::text(response, &raw.inner).await.map(runtime::Response::into_data)
                        }))
                    }
                }
            }
            Reading::Bytes => {
                let doc = doc_for("the body as bytes");
                quote! {
                    #[doc = #doc]
                    pub fn send_bytes(self) -> M::Sent<'a, ::std::vec::Vec<u8>> {
                        let client = self.phala.client();
                        M::send(client, ::std::boxed::Box::pin(async move {
                            let (response, raw) = self.execute_captured(#accept).await?;
                            crate::negotiate::bytes(response, &raw.inner).await.map(runtime::Response::into_data)
                        }))
                    }
                }
            }
            Reading::Events => {
                let doc = doc_for(
                    "its server-sent events as they arrive (a stream; an iterator on the \
                     blocking client)",
                );
                quote! {
                    #[doc = #doc]
                    pub fn send_events(self) -> M::Stream<'a, crate::ServerEvent> {
                        let client = self.phala.client();
                        M::stream(
                            client,
                            crate::negotiate::open_events(::std::boxed::Box::pin(
                                self.execute_captured(#accept),
                            )),
                        )
                    }
                }
            }
        }
    });
    quote! {
        impl<'a, M: Mode> #builder<'a, M> {
            #(#senders)*

            async fn execute_captured(
                self,
                accept: &'static str,
            ) -> ::std::result::Result<(::reqwest::Response, crate::raw::Client), #error> {
                #prelude
                #body
            }
        }
    }
}

/// The method and its `safe_` twin on both clients (async, blocking),
/// taking the required parameters.
fn starters(op: &Operation, names: &Names, fields: &[Field]) -> (TokenStream, TokenStream) {
    let Names {
        method,
        safe_method,
        builder,
        ..
    } = names;
    let (args, forwards) = starter_params(op, fields);
    let StarterDocs {
        method_doc,
        safe_doc,
        blocking_doc,
        blocking_safe_doc,
    } = StarterDocs::of(op, names.client, fields);
    let deprecated = op.deprecated.then(|| match &op.replacement {
        Some(what) => {
            let note = format!("use {what} instead");
            quote!(#[deprecated(note = #note)])
        }
        None => quote!(#[deprecated]),
    });
    let client = quote! {
        #[doc = #method_doc]
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder<'_> {
            #builder::new(self, #(#forwards),*)
        }

        #[doc = #safe_doc]
        #deprecated
        pub fn #safe_method(&self, #(#args),*) -> #builder<'_, Safe> {
            #builder::new(self, #(#forwards),*)
        }
    };
    let blocking = quote! {
        #[doc = #blocking_doc]
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder<'_, Blocking> {
            #builder::new(self.inner(), #(#forwards),*)
        }

        #[doc = #blocking_safe_doc]
        #deprecated
        pub fn #safe_method(&self, #(#args),*) -> #builder<'_, BlockingSafe> {
            #builder::new(self.inner(), #(#forwards),*)
        }
    };
    (client, blocking)
}

/// The starters' parameters (`ident: impl ..`) and what they pass on to the
/// builder's `new`, one of each per required field.
fn starter_params(op: &Operation, fields: &[Field]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    // A path parameter takes anything `Display`, so an id read from one
    // response (`vm.id: i64`, `app_id: String`) goes into the next call as is.
    let displayed: Vec<String> = path_string_fields(op, fields)
        .map(|f| f.ident.to_string())
        .collect();
    fields
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let (ident, owned) = (&f.ident, &f.owned);
            if displayed.contains(&ident.to_string()) {
                (
                    quote!(#ident: impl ::std::fmt::Display),
                    quote!(#ident.to_string()),
                )
            } else {
                (
                    quote!(#ident: impl ::std::convert::Into<#owned>),
                    quote!(#ident.into()),
                )
            }
        })
        .unzip()
}

/// The doc comments of the four starters: the async method (with the
/// operation's example), its `safe_` twin, and the blocking pair.
struct StarterDocs {
    method_doc: String,
    safe_doc: String,
    blocking_doc: String,
    blocking_safe_doc: String,
}

impl StarterDocs {
    fn of(op: &Operation, names: &ClientNames, fields: &[Field]) -> Self {
        let (client, name) = (&names.client, &op.name);
        let mut method_doc = docs::operation(op, fields);
        let safe_doc = format!(
            "Like [`{client}::{name}`], but `.await` yields a [`SafeResult`](crate::SafeResult) \
             and never fails: every error, including invalid JSON, a decode failure or a \
             transport failure, is in its `error`."
        );
        let mut blocking_doc = format!("{method_doc}\n\nBlocking: `send()` returns the result.");
        // The example is async code, so only the async method shows it.
        if let Some(example) = docs::example(op, names) {
            method_doc.push_str(&example);
            blocking_doc.push_str(&format!(
                " [`{client}::{name}`](crate::{client}::{name}) has an example."
            ));
        }
        let blocking_safe_doc = format!(
            "Like [`blocking::{client}::{name}`](crate::blocking::{client}::{name}), but \
             `send()` returns a [`SafeResult`](crate::SafeResult) and never fails."
        );
        StarterDocs {
            method_doc,
            safe_doc,
            blocking_doc,
            blocking_safe_doc,
        }
    }
}

/// The builder fields that are string path parameters: an empty one would
/// change which endpoint the request reaches, so it is rejected before
/// sending.
fn path_string_fields<'f>(op: &Operation, fields: &'f [Field]) -> impl Iterator<Item = &'f Field> {
    let path_names: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| p.rust_name.clone())
        .collect();
    fields.iter().filter(move |f| {
        f.required
            && path_names.contains(&f.ident.to_string())
            && f.owned.to_string().replace(' ', "") == "::std::string::String"
    })
}

/// `let mut phala_extra = ..;` filled with the parameters the SDK sends
/// itself (see [`crate::ir::Param::own`]) and the body's `content_type`
/// where progenitor would send another ([`crate::ir::Body::content_type`]);
/// `None` when there is neither.
pub(super) fn own_params(fields: &[Field], content_type: Option<&str>) -> Option<TokenStream> {
    let content_type = content_type.map(|media| {
        quote! {
            phala_extra.headers.push((
                ::reqwest::header::CONTENT_TYPE,
                ::reqwest::header::HeaderValue::from_static(#media),
            ));
        }
    });
    let adds: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let (send, ident) = (f.send.as_ref()?, &f.ident);
            Some(if f.required {
                quote!({ let v = &self.#ident; #send })
            } else {
                quote! {
                    if let ::std::option::Option::Some(v) = &self.#ident {
                        #send
                    }
                }
            })
        })
        .chain(content_type)
        .collect();
    (!adds.is_empty()).then(|| {
        quote! {
            let mut phala_extra = crate::client::Extra::default();
            #(#adds)*
        }
    })
}
