//! Emits the public operation layer: for every operation a method on
//! `PhalaCloud` that takes the required parameters, and a builder that holds
//! the optional ones and sends the request when awaited.
//!
//! For JSON operations the builder calls progenitor's positional method; the
//! builder's fields and setters are derived from that method's signature, so
//! the two cannot disagree.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::multipart;
use super::signature::{self, Field};
use crate::error::{Error, Result};
use crate::ident::ident;
use crate::ir::{Api, Body, Location, Operation};

/// Emits one file's worth of operations per group, keyed by group name.
pub fn emit(api: &Api, raw_methods: &[syn::ImplItemFn]) -> Result<BTreeMap<String, TokenStream>> {
    let by_name: BTreeMap<String, &syn::ImplItemFn> = raw_methods
        .iter()
        .map(|m| (m.sig.ident.to_string(), m))
        .collect();
    let mut groups: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    for op in &api.operations {
        let tokens = match &op.body {
            Some(Body::Multipart { fields }) => multipart::emit(op, fields),
            _ => {
                let raw = by_name.get(&op.name).ok_or_else(|| Error::Unsupported {
                    operation: op.operation_id.clone(),
                    pointer: format!("#/paths/{}", crate::ir::escape(&op.path)),
                    message: "progenitor generated no method for this operation".into(),
                })?;
                emit_json(op, raw)
            }
        };
        groups.entry(op.group.clone()).or_default().push(tokens?);
    }
    Ok(groups
        .into_iter()
        .map(|(group, ops)| {
            let file = quote! {
                use crate::blocking;
                #[cfg(feature = "dynamic")]
                use crate::dynamic;
                use crate::error::PhalaCloudError;
                use crate::runtime;
                use crate::safe::{AsyncMode, Blocking, BlockingSafe, BoxFuture, Mode, Raise, Safe};
                use crate::PhalaCloud;
                #[allow(unused_imports)]
                use crate::types;

                #(#ops)*
            };
            (group, file)
        })
        .collect())
}

/// `path_template(name)`: the spec path of each operation, for tracing
/// spans; and, with the `dynamic` feature, `PhalaCloud::call_json`.
pub fn path_table(api: &Api) -> Result<TokenStream> {
    let arms = api.operations.iter().map(|op| {
        let (name, path) = (&op.name, &op.path);
        quote!(#name => ::std::option::Option::Some(#path),)
    });
    let calls = api
        .operations
        .iter()
        .map(|op| {
            let name = &op.name;
            let builder = ident(&format!("{}Builder", op.name.to_upper_camel_case()))?;
            Ok(quote! {
                #name => crate::dynamic::to_json(#builder::from_json(self, args)?.send_with_meta().await),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let names = api.operations.iter().map(|op| &op.name);
    Ok(quote! {
        /// Every operation's method name, sorted.
        pub const OPERATIONS: &[&str] = &[#(#names),*];

        #[cfg(feature = "dynamic")]
        impl crate::PhalaCloud {
            /// Calls an operation by method name with JSON arguments keyed by
            /// parameter name (`{"cvm_id": "...", "page": 2, "body": {...}}`),
            /// and returns the response with its data as JSON. Arguments are
            /// decoded into the parameters' types first, so a bad one is an
            /// error before anything is sent.
            pub async fn call_json(
                &self,
                operation: &str,
                args: &::serde_json::Value,
            ) -> ::std::result::Result<crate::Response<::serde_json::Value>, crate::PhalaCloudError> {
                match operation {
                    #(#calls)*
                    other => ::std::result::Result::Err(crate::RequestError::new(
                        format!("unknown operation `{other}`"),
                        ::std::option::Option::None,
                    ).into()),
                }
            }
        }

        #[cfg(feature = "dynamic")]
        impl crate::blocking::PhalaCloud {
            /// [`crate::PhalaCloud::call_json`], blocking.
            pub fn call_json(
                &self,
                operation: &str,
                args: &::serde_json::Value,
            ) -> ::std::result::Result<crate::Response<::serde_json::Value>, crate::PhalaCloudError> {
                let client = self.inner();
                crate::blocking::block_on(client, ::std::boxed::Box::pin(client.call_json(operation, args)))
            }
        }


        /// The spec path template of an operation (`/api/v1/cvms/{cvm_id}`).
        pub(crate) fn path_template(operation: &str) -> ::std::option::Option<&'static str> {
            match operation {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    })
}

fn emit_json(op: &Operation, raw: &syn::ImplItemFn) -> Result<TokenStream> {
    let (fields, success) = signature::json(op, raw)?;
    let raw_ident = &raw.sig.ident;
    let passes = fields.iter().map(|f| &f.pass);
    let call = quote!(raw.#raw_ident(#(#passes),*).await);
    let (output, send_body) = if signature::is_byte_stream(&success) {
        (
            quote!(::std::vec::Vec<u8>),
            quote! {
                let raw = self.phala_client.call();
                runtime::finish_bytes(#call, &raw).await
            },
        )
    } else {
        let status = match op.success_statuses.as_slice() {
            [one] => quote!(::std::option::Option::Some(#one)),
            _ => quote!(::std::option::Option::None),
        };
        (
            quote!(#success),
            quote! {
                let raw = self.phala_client.call();
                runtime::finish(#call, &raw, #status).await
            },
        )
    };
    builder(op, &fields, output, send_body)
}

/// The builder struct (generic over its mode: raising or safe, async or
/// blocking), its setters, `send`, `send_with_meta`, `IntoFuture` for the
/// async modes, and the four methods that start it: `name` and `safe_name`
/// on `PhalaCloud` and on `blocking::PhalaCloud`.
pub fn builder(
    op: &Operation,
    fields: &[Field],
    output: TokenStream,
    send_body: TokenStream,
) -> Result<TokenStream> {
    if let Some(f) = fields
        .iter()
        .find(|f| f.ident.to_string().starts_with("phala_"))
    {
        return Err(Error::Unsupported {
            operation: op.operation_id.clone(),
            pointer: format!("#/paths/{}", crate::ir::escape(&op.path)),
            message: format!(
                "parameter `{}` clashes with the builder's own `phala_` fields",
                f.ident
            ),
        });
    }
    let method = ident(&op.name)?;
    let safe_method = ident(&format!("safe_{}", op.name))?;
    let builder = ident(&format!("{}Builder", op.name.to_upper_camel_case()))?;
    let method_doc = docs::operation(op, fields);
    let safe_doc = format!(
        "Like [`PhalaCloud::{}`], but `.await` yields a [`SafeResult`](crate::SafeResult) \
         and never fails: every error, including invalid JSON, a decode failure or a \
         transport failure, is in its `error`.",
        op.name
    );
    let builder_doc = format!(
        "A `{} {}` request, started by [`PhalaCloud::{}`] or [`PhalaCloud::{}`]; \
         `.await` (or `.send().await`) sends it.",
        op.http_method, op.path, op.name, safe_method
    );
    let stored = fields.iter().map(|f| {
        let (ident, owned) = (&f.ident, &f.owned);
        if f.required {
            quote!(#ident: #owned)
        } else {
            quote!(#ident: ::std::option::Option<#owned>)
        }
    });
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let params: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let (ident, owned) = (&f.ident, &f.owned);
            quote!(#ident: #owned)
        })
        .collect();
    let args: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let (ident, owned) = (&f.ident, &f.owned);
            quote!(#ident: impl ::std::convert::Into<#owned>)
        })
        .collect();
    let forwards: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let ident = &f.ident;
            quote!(#ident.into())
        })
        .collect();
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
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let path_checks = path_string_fields(op, fields).map(|f| {
        let (ident, name) = (&f.ident, f.ident.to_string());
        quote!(runtime::check_path_param(#name, &self.#ident)?;)
    });
    let json_required = required.iter().map(|f| {
        let name = f.ident.to_string();
        quote!(dynamic::arg(args, #name)?)
    });
    let json_optional = fields.iter().filter(|f| !f.required).map(|f| {
        let (ident, name) = (&f.ident, f.ident.to_string());
        quote!(builder.#ident = dynamic::opt_arg(args, #name)?;)
    });
    let from_json = quote! {
        #[cfg(feature = "dynamic")]
        impl<'a> #builder<'a, Raise> {
            /// Builds the request from JSON arguments keyed by parameter name.
            #[allow(unused_variables)]
            pub(crate) fn from_json(
                phala_client: &'a PhalaCloud,
                args: &::serde_json::Value,
            ) -> ::std::result::Result<Self, PhalaCloudError> {
                #[allow(unused_mut)]
                let mut builder = Self::new(phala_client, #(#json_required),*);
                #(#json_optional)*
                ::std::result::Result::Ok(builder)
            }
        }
    };
    let blocking_doc = format!("{method_doc}\n\nBlocking: `send()` returns the result.");
    let blocking_safe_doc = format!(
        "Like [`blocking::PhalaCloud::{}`](crate::blocking::PhalaCloud::{}), but `send()` \
         returns a [`SafeResult`](crate::SafeResult) and never fails.",
        op.name, op.name
    );
    Ok(quote! {
        #[doc = #builder_doc]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<'a, M = Raise> {
            phala_client: &'a PhalaCloud,
            #(#stored,)*
            phala_mode: ::std::marker::PhantomData<M>,
        }

        impl<'a, M: Mode> #builder<'a, M> {
            fn new(phala_client: &'a PhalaCloud, #(#params),*) -> Self {
                #builder {
                    phala_client,
                    #(#inits,)*
                    phala_mode: ::std::marker::PhantomData,
                }
            }

            #(#setters)*

            /// Sends the request and decodes the response: a future for the
            /// async client, the result itself for the blocking one.
            pub fn send(self) -> M::Sent<'a, #output> {
                let client = self.phala_client;
                M::send(client, ::std::boxed::Box::pin(self.execute()))
            }

            /// Like `send`, keeping the response's status, headers and request id.
            pub fn send_with_meta(self) -> M::Sent<'a, runtime::Response<#output>> {
                let client = self.phala_client;
                M::send(client, ::std::boxed::Box::pin(self.execute_with_meta()))
            }

            async fn execute(self) -> ::std::result::Result<#output, PhalaCloudError> {
                self.execute_with_meta().await.map(runtime::Response::into_data)
            }

            async fn execute_with_meta(
                self,
            ) -> ::std::result::Result<runtime::Response<#output>, PhalaCloudError> {
                #(#path_checks)*
                #send_body
            }
        }

        #from_json

        impl<'a, M: AsyncMode> ::std::future::IntoFuture for #builder<'a, M> {
            type Output = M::Output<#output>;
            type IntoFuture = BoxFuture<'a, M::Output<#output>>;

            fn into_future(self) -> Self::IntoFuture {
                M::future(::std::boxed::Box::pin(self.execute()))
            }
        }

        impl PhalaCloud {
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
        }

        impl blocking::PhalaCloud {
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
        }
    })
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
