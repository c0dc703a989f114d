//! Emits the `multipart/form-data` operations, which progenitor rejects:
//! the request is built with reqwest's multipart support and sent through the
//! same runtime path (headers, errors) as every other operation.
//!
//! Note: the Python SDK sends the docker-compose and pre-launch-script
//! uploads as raw `text/yaml` / `text/plain` bodies; this crate follows the
//! spec, which says `multipart/form-data` with a `file` part.

use proc_macro2::TokenStream;
use quote::quote;

use super::builder::{builder, Client, Emitted};
use crate::backend::bind::Bound;
use crate::error::Result;
use crate::ident::ident;
use crate::ir::{Location, MultipartField, Operation, PartKind, PathPiece, Scalar};

pub fn emit(b: &Bound, parts: &[MultipartField], client: &Client) -> Result<Emitted> {
    let op = &b.op;
    let error = &client.names.error;
    let (fmt, path_args) = url_format(op)?;
    let method = ident(&op.http_method)?;
    let (headers, query) = param_statements(op)?;
    let extra = super::builder::own_params(&b.fields, None);
    let apply_extra = extra
        .is_some()
        .then(|| quote!(let request = phala_extra.apply_to(request)?;));
    let form_parts = parts.iter().map(form_part).collect::<Result<Vec<_>>>()?;
    let op_name = &op.name;
    // The body is a stream, so the request is built again for each attempt.
    let send_body = quote! {
        #extra
        let url = format!(#fmt, phala_client.base_url(), #(#path_args),*);
        let build = || -> ::std::result::Result<::reqwest::RequestBuilder, #error> {
            let form = ::reqwest::multipart::Form::new();
            #(#form_parts)*
            let request = phala_client
                .http()
                .request(::reqwest::Method::#method, &url)
                .header(::reqwest::header::ACCEPT, "application/json")
                .multipart(form);
            #(#headers)*
            #(#query)*
            #apply_extra
            ::std::result::Result::Ok(request)
        };
        runtime::send_json(phala_client, &build, #op_name).await
    };
    builder(op, &b.fields, b.output.clone(), send_body, None, client)
}

/// The statements that add the header and the query parameters the caller
/// set (the SDK's own go through `phala_extra`), in the spec's order.
fn param_statements(op: &Operation) -> Result<(Vec<TokenStream>, Vec<TokenStream>)> {
    let mut headers = Vec::new();
    let mut query = Vec::new();
    for p in op.params.iter().filter(|p| !p.own) {
        let ident = ident(&p.rust_name)?;
        let name = &p.api_name;
        match p.location {
            Location::Header if p.required => {
                headers.push(quote!(let request = request.header(#name, self.#ident.as_str());));
            }
            Location::Header => headers.push(quote! {
                let request = match &self.#ident {
                    ::std::option::Option::Some(v) => request.header(#name, v.as_str()),
                    ::std::option::Option::None => request,
                };
            }),
            Location::Query => {
                query.push(quote!(let request = request.query(&[(#name, &self.#ident)]);));
            }
            // Cookies are always `own`.
            Location::Path | Location::Cookie => {}
        }
    }
    Ok((headers, query))
}

/// The statement that adds `part` to `form` when the caller set it.
fn form_part(part: &MultipartField) -> Result<TokenStream> {
    let ident = ident(&part.rust_name)?;
    let add = part_adder(part);
    Ok(if part.required {
        quote!(let v = &self.#ident; let form = #add;)
    } else {
        quote! {
            let form = match &self.#ident {
                ::std::option::Option::Some(v) => #add,
                ::std::option::Option::None => form,
            };
        }
    })
}

/// The expression that is `form` with the value `v` added as `part`'s kind
/// of part.
fn part_adder(part: &MultipartField) -> TokenStream {
    let name = &part.name;
    // Several files go as several parts under one name.
    match part.kind {
        PartKind::File => quote!(form.part(#name, v.clone().into_part()?)),
        PartKind::Files => quote! {{
            let mut form = form;
            for file in v {
                form = form.part(#name, file.clone().into_part()?);
            }
            form
        }},
        PartKind::Text(Scalar::String) => {
            quote!(form.part(#name, ::reqwest::multipart::Part::text(v.clone())))
        }
        PartKind::Text(_) => {
            quote!(form.part(#name, ::reqwest::multipart::Part::text(v.to_string())))
        }
        PartKind::Texts(_) => quote! {{
            let mut form = form;
            for item in v {
                form = form.part(#name, ::reqwest::multipart::Part::text(item.to_string()));
            }
            form
        }},
        PartKind::Json => quote!(form.part(#name, runtime::json_part(v)?)),
    }
}

/// `"{}/api/v1/cvms/{}/file"` and the percent-encoded path arguments.
fn url_format(op: &Operation) -> Result<(String, Vec<TokenStream>)> {
    let mut fmt = String::from("{}");
    let mut args = Vec::new();
    for piece in op.path.pieces() {
        let name = match piece {
            PathPiece::Text(text) => {
                fmt.push_str(text);
                continue;
            }
            PathPiece::Param(name) => name,
        };
        let param = op
            .params
            .iter()
            .find(|p| p.api_name == *name && p.location == Location::Path);
        fmt.push_str("{}");
        if param.is_some_and(|p| p.own) {
            // The runtime replaces it with the styled segment, as for
            // progenitor's requests.
            let placeholder = format!("{{{name}}}");
            args.push(quote!(::progenitor_client::encode_path(#placeholder)));
            continue;
        }
        let ident = ident(param.map_or(name.as_str(), |p| p.rust_name.as_str()))?;
        args.push(quote!(::progenitor_client::encode_path(&self.#ident)));
    }
    Ok((fmt, args))
}
