//! Emits the public operation layer: for every operation a method on
//! the client that takes the required parameters, and a builder that holds
//! the optional ones and sends the request when awaited.
//!
//! For JSON operations the builder calls progenitor's positional method; the
//! builder's fields and setters are derived from that method's signature (in
//! [`crate::backend::bind`]), so the two cannot disagree.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::builder::{builder, Client, Emitted};
use super::multipart;
use super::paging::{self, Paged};
use crate::backend::bind::{Bound, Sending};
use crate::error::Result;
use crate::ident::ident;
use crate::inputs::names::ClientNames;
use crate::ir::{Api, Group};

/// Emits one file's worth of operations per group, keyed by group name.
/// `versioned` when the API has a version header, which each builder's
/// `api_version` setter overrides.
pub fn emit(
    bound: &[Bound],
    paged: &BTreeMap<String, Paged>,
    names: &ClientNames,
    versioned: bool,
    groups: &BTreeMap<String, Group>,
) -> Result<BTreeMap<String, TokenStream>> {
    let target = Client { names, versioned };
    let mut emitted: BTreeMap<String, Vec<Emitted>> = BTreeMap::new();
    for b in bound {
        let mut code = match &b.sending {
            Sending::Multipart(parts) => multipart::emit(b, parts, &target)?,
            Sending::Json { raw, bytes, .. } => emit_json(b, raw, *bytes, &target)?,
        };
        if let Some(p) = paged.get(&b.op.name) {
            let builder = ident(&format!("{}Builder", b.op.name.to_upper_camel_case()))?;
            code.items.extend(paging::methods(b, &builder, p));
        }
        emitted.entry(b.op.group.clone()).or_default().push(code);
    }
    let ClientNames { client, error, .. } = names;
    Ok(emitted
        .into_iter()
        .map(|(group, ops)| {
            let tag = groups
                .get(&group)
                .map_or(group.as_str(), |g| g.tag.as_str());
            let heading = format!(
                "# {tag}\n\n{} tagged `{tag}`, each with its `safe_` twin; \
                 [`crate::tags::{group}`] lists them with their requests and summaries.",
                super::tags::operations(ops.len())
            );
            let blocking_heading = format!(
                "# {tag}\n\nThe operations tagged `{tag}`, blocking; \
                 [`crate::tags::{group}`] lists them."
            );
            let items = ops.iter().map(|o| &o.items);
            let starters = ops.iter().map(|o| &o.client);
            let blocking = ops.iter().map(|o| &o.blocking);
            // Only a group whose operations take or return a model uses it.
            let types = ops
                .iter()
                .any(|o| crate::syn_ext::mentions(&o.items, "types"))
                .then(|| quote! { use crate::types; });
            let file = quote! {
                use crate::blocking;
                use crate::builder::{shared_impls, shared_methods, Core};
                use crate::error::#error;
                use crate::runtime;
                use crate::safe::{Blocking, BlockingSafe, Mode, Raise, Safe};
                use crate::#client;
                #types

                #(#items)*

                #[doc = #heading]
                impl #client {
                    #(#starters)*
                }

                #[doc = #blocking_heading]
                impl blocking::#client {
                    #(#blocking)*
                }
            };
            (group, file)
        })
        .collect())
}

/// `path_template(name)`: the spec path of each operation, for tracing
/// spans; and, with the `dynamic` feature, the client's `call_json`.
pub fn path_table(api: &Api, names: &ClientNames) -> Result<TokenStream> {
    let ClientNames { client, error, .. } = names;
    let blocking_doc =
        format!("[`crate::{client}::call_json`] on the blocking client; `.send()` sends the call.");
    let arms = api.operations.iter().map(|op| {
        let (name, path) = (&op.name, &*op.path);
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
        #[cfg_attr(docsrs, doc(cfg(feature = "dynamic")))]
        impl crate::#client {
            /// Calls an operation by method name with JSON arguments keyed by
            /// parameter name (`{"cvm_id": "...", "page": 2, "body": {...}}`),
            /// and returns the response with its data as JSON. Arguments are
            /// decoded into the parameters' types first, so a bad one is an
            /// error before anything is sent.
            pub async fn call_json(
                &self,
                operation: &str,
                args: &::serde_json::Value,
            ) -> ::std::result::Result<crate::Response<::serde_json::Value>, crate::#error> {
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
        #[cfg_attr(docsrs, doc(cfg(feature = "dynamic")))]
        impl crate::blocking::#client {
            #[doc = #blocking_doc]
            pub fn call_json<'a>(
                &'a self,
                operation: &'a str,
                args: &'a ::serde_json::Value,
            ) -> crate::blocking::CallJson<'a> {
                crate::blocking::CallJson::new(self.inner(), operation, args)
            }
        }


        /// The spec path template of an operation (`/things/{thing_id}`).
        pub(crate) fn path_template(operation: &str) -> ::std::option::Option<&'static str> {
            match operation {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    })
}

fn emit_json(b: &Bound, raw: &syn::ImplItemFn, bytes: bool, client: &Client) -> Result<Emitted> {
    let raw_ident = &raw.sig.ident;
    let passes: Vec<&TokenStream> = b
        .fields
        .iter()
        .filter(|f| !f.pass.is_empty())
        .map(|f| &f.pass)
        .collect();
    let call = quote!(raw.#raw_ident(#(#passes),*));
    let content_type = b.op.body.as_ref().and_then(crate::ir::Body::content_type);
    let extra = super::builder::own_params(&b.fields, content_type);
    let raw_client = match extra {
        Some(_) => quote!(phala_client.call_with(phala_extra)),
        None => quote!(phala_client.call()),
    };
    let finish = if bytes {
        quote!(finish_bytes)
    } else {
        quote!(finish)
    };
    let send_body = quote! {
        #extra
        let raw = #raw_client;
        runtime::#finish(#call, &raw).await
    };
    // Another media type: the same request, its response taken whole.
    let captured = (!b.op.negotiated().is_empty()).then(|| {
        let declare = extra
            .clone()
            .unwrap_or_else(|| quote!(let mut phala_extra = crate::client::Extra::default();));
        quote! {
            #declare
            let slot = phala_extra.capture(accept);
            let raw = phala_client.call_with(phala_extra);
            let response = runtime::captured(#call.await, &slot, &raw).await?;
            ::std::result::Result::Ok((response, raw))
        }
    });
    builder(
        &b.op,
        &b.fields,
        b.output.clone(),
        send_body,
        captured,
        client,
    )
}
