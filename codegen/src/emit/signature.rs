//! The signature of every public operation method: its arguments and
//! setters with the types the caller passes, and what `.await?` yields.
//! The builder emitter and the API surface both read it, so the API diff
//! judges exactly the methods that are emitted.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::error::{Error, Result};
use crate::ident::ident;
use crate::ir::{Api, Body, Location, MultipartField, Operation, Success};
use crate::surface::{display_tokens, display_type, OperationSurface, ParamLocation, ParamSurface};

/// One parameter of an operation method or builder.
pub struct Field {
    pub ident: Ident,
    /// The owned type the builder stores (`String`, `types::Foo`, `i64`).
    pub owned: TokenStream,
    /// How the stored value is passed on (`&self.x`, `self.x.as_deref()`).
    pub pass: TokenStream,
    pub required: bool,
    pub doc: String,
}

/// The fields and success type of a JSON operation, from progenitor's
/// positional method.
pub fn json(op: &Operation, raw: &syn::ImplItemFn) -> Result<(Vec<Field>, syn::Type)> {
    let mut fields = Vec::new();
    for input in raw.sig.inputs.iter().skip(1) {
        let syn::FnArg::Typed(arg) = input else {
            continue;
        };
        let syn::Pat::Ident(pat) = &*arg.pat else {
            continue;
        };
        fields.push(field(op, &pat.ident, &arg.ty));
    }
    let success = success_type(&raw.sig.output).ok_or_else(|| Error::Unsupported {
        operation: op.operation_id.clone(),
        pointer: format!("#/paths/{}", crate::openapi::escape(&op.path)),
        message: "unexpected return type from progenitor".into(),
    })?;
    Ok((fields, success))
}

/// The fields of a multipart operation: its parameters, then its parts.
pub fn multipart(op: &Operation, parts: &[MultipartField]) -> Result<Vec<Field>> {
    let mut fields = Vec::new();
    for p in &op.params {
        let ident = ident(&p.rust_name)?;
        fields.push(Field {
            owned: quote!(::std::string::String),
            pass: quote!(self.#ident),
            required: p.required,
            doc: p
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` parameter.", p.api_name)),
            ident,
        });
    }
    for part in parts {
        let ident = ident(&part.rust_name)?;
        let owned = if part.is_file {
            quote!(runtime::UploadFile)
        } else {
            quote!(::std::string::String)
        };
        fields.push(Field {
            owned,
            pass: quote!(self.#ident),
            required: part.required,
            doc: part
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` form field.", part.name)),
            ident,
        });
    }
    Ok(fields)
}

/// What a multipart operation's `.await?` yields.
pub fn multipart_output(op: &Operation) -> Result<TokenStream> {
    Ok(match &op.success {
        Success::Json {
            component: Some(name),
        } => {
            let ty = ident(name)?;
            quote!(types::#ty)
        }
        Success::Empty => quote!(()),
        _ => quote!(::serde_json::Value),
    })
}

/// Every operation's public signature, by method name.
pub fn surfaces(
    api: &Api,
    raw_methods: &[syn::ImplItemFn],
) -> Result<BTreeMap<String, OperationSurface>> {
    let by_name: BTreeMap<String, &syn::ImplItemFn> = raw_methods
        .iter()
        .map(|m| (m.sig.ident.to_string(), m))
        .collect();
    let mut out = BTreeMap::new();
    for op in &api.operations {
        let (fields, success) = match &op.body {
            Some(Body::Multipart { fields: parts }) => (
                multipart(op, parts)?,
                display_tokens(&multipart_output(op)?),
            ),
            _ => match by_name.get(&op.name) {
                Some(raw) => {
                    let (fields, success) = json(op, raw)?;
                    let success = if is_byte_stream(&success) {
                        "Vec<u8>".to_owned()
                    } else {
                        display_type(&success)
                    };
                    (fields, success)
                }
                None => continue,
            },
        };
        let params = fields
            .iter()
            .map(|f| {
                let name = f.ident.to_string();
                let location = match op.params.iter().find(|p| p.rust_name == name) {
                    Some(p) => match p.location {
                        Location::Path => ParamLocation::Path,
                        Location::Query => ParamLocation::Query,
                        Location::Header => ParamLocation::Header,
                    },
                    None if matches!(op.body, Some(Body::Multipart { .. })) => ParamLocation::Form,
                    None => ParamLocation::Body,
                };
                ParamSurface {
                    name,
                    location,
                    required: f.required,
                    ty: display_tokens(&f.owned),
                }
            })
            .collect();
        out.insert(
            op.name.clone(),
            OperationSurface {
                http_method: op.http_method.clone(),
                path: op.path.clone(),
                deprecated: op.deprecated,
                params,
                success,
                error_statuses: op.error_statuses.clone(),
            },
        );
    }
    Ok(out)
}

/// Maps one of progenitor's parameter types to what the builder stores and
/// how it is passed back.
fn field(op: &Operation, ident: &Ident, ty: &syn::Type) -> Field {
    let (inner, optional) = match option_inner(ty) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    let (owned, pass) = match inner {
        syn::Type::Reference(r) => {
            let elem = &r.elem;
            let is_str = matches!(&**elem, syn::Type::Path(p) if p.path.is_ident("str"));
            let owned = if is_str {
                quote!(::std::string::String)
            } else {
                quote!(#elem)
            };
            let pass = match (optional, is_str) {
                (true, true) => quote!(self.#ident.as_deref()),
                (true, false) => quote!(self.#ident.as_ref()),
                (false, _) => quote!(&self.#ident),
            };
            (owned, pass)
        }
        other => (quote!(#other), quote!(self.#ident)),
    };
    let name = ident.to_string();
    let doc = op
        .params
        .iter()
        .find(|p| p.rust_name == name)
        .and_then(|p| p.description.clone())
        .unwrap_or_else(|| {
            if name == "body" {
                "The request body.".to_owned()
            } else {
                format!("The `{name}` parameter.")
            }
        });
    Field {
        ident: ident.clone(),
        owned,
        pass,
        required: !optional,
        doc,
    }
}

fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// `T` in `Result<ResponseValue<T>, Error<()>>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result_args = generic_args(ty)?;
    let response_value = result_args.first()?;
    generic_args(response_value)?.first().cloned()
}

fn generic_args(ty: &syn::Type) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

pub fn is_byte_stream(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "ByteStream"))
}
