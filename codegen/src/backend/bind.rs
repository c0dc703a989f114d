//! Stage `bind`: joins the IR's operations with the methods progenitor
//! generated for them, once, into one typed list: each operation with the
//! fields its builder stores (its arguments and setters, with the types the
//! caller passes), what `.await?` yields, and how it is sent. The API
//! surface, the emitters and `diff` all read this list, so they agree by
//! construction on which operations exist and what their methods look like;
//! an operation progenitor made no method for is an error here, for all of
//! them at once.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::error::{Error, Result};
use crate::ident::{ident, RustIdent};
use crate::ir::surface::{
    display_tokens, display_type, OperationSurface, ParamLocation, ParamSurface,
};
use crate::ir::{
    Api, Body, IntRange, Location, MultipartField, Operation, Param, ParamKind, PartKind, Scalar,
    Success,
};
use crate::syn_ext::option_inner;

/// One operation, ready to emit.
pub struct Bound {
    pub op: Operation,
    /// Its parameters, in the order the method takes them.
    pub fields: Vec<Field>,
    /// What `.await?` yields.
    pub output: TokenStream,
    /// `output` as a caller writes it (`Vec<CvmInfo>`), for the surface.
    pub output_text: String,
    pub sending: Sending,
}

/// How a bound operation's request is made.
pub enum Sending {
    /// Through progenitor's positional method; `bytes` when the response
    /// is a raw byte stream; `position` is the method's place in
    /// progenitor's output, which the `raw` module keeps.
    Json {
        raw: Box<syn::ImplItemFn>,
        bytes: bool,
        position: usize,
    },
    /// Our own multipart request with these parts.
    Multipart(Vec<MultipartField>),
}

/// Binds every operation of `api` to its progenitor method (taken out of
/// `methods`), in the IR's order. A variant method (`[api.variants]`)
/// calls the progenitor method of the operation it is a variant of.
pub fn bind(api: &Api, methods: Vec<syn::ImplItemFn>) -> Result<Vec<Bound>> {
    let mut by_name: BTreeMap<String, (usize, syn::ImplItemFn)> = methods
        .into_iter()
        .enumerate()
        .map(|(i, m)| (m.sig.ident.to_string(), (i, m)))
        .collect();
    let shared: BTreeMap<String, (usize, syn::ImplItemFn)> = api
        .operations
        .iter()
        .filter_map(|op| op.variant_of.as_ref())
        .filter_map(|v| Some((v.method.clone(), by_name.get(&v.method)?.clone())))
        .collect();
    let mut bound = Vec::with_capacity(api.operations.len());
    for op in &api.operations {
        let b = match (&op.body, &op.variant_of) {
            (Some(Body::Multipart { fields: parts, .. }), None) => {
                let output = multipart_output(op)?;
                Bound {
                    fields: multipart_fields(op, parts)?,
                    output_text: display_tokens(&output),
                    output,
                    sending: Sending::Multipart(parts.clone()),
                    op: op.clone(),
                }
            }
            (_, variant) => {
                let method = variant.as_ref().map_or(&op.name, |v| &v.method);
                let found = match variant {
                    Some(_) => shared.get(method).cloned(),
                    None => by_name.remove(method),
                };
                let (position, raw) = found.ok_or_else(|| Error::Unsupported {
                    operation: op.operation_id.clone(),
                    pointer: op.pointer(),
                    message: "progenitor generated no method for this operation".into(),
                })?;
                json_bound(op, raw, position)?
            }
        };
        bound.push(b);
    }
    if !by_name.is_empty() {
        let names: Vec<&str> = by_name.keys().map(String::as_str).collect();
        return Err(Error::Progenitor(format!(
            "progenitor generated methods that match no operation: {}",
            names.join(", ")
        )));
    }
    Ok(bound)
}

/// An operation sent through progenitor's method `raw`; a variant decodes
/// into its own model instead of the method's.
fn json_bound(op: &Operation, raw: syn::ImplItemFn, position: usize) -> Result<Bound> {
    let (fields, success) = json_fields(op, &raw)?;
    let bytes = is_byte_stream(&success);
    let (output, output_text) = match (&op.variant_of, bytes) {
        (Some(v), _) => {
            let ty = ident(&v.returns)?;
            (quote!(types::#ty), v.returns.clone())
        }
        (None, true) => (quote!(::std::vec::Vec<u8>), "Vec<u8>".to_owned()),
        (None, false) => (quote!(#success), display_type(&success)),
    };
    Ok(Bound {
        fields,
        output,
        output_text,
        sending: Sending::Json {
            raw: Box::new(raw),
            bytes: bytes && op.variant_of.is_none(),
            position,
        },
        op: op.clone(),
    })
}

/// Every bound operation's public signature, by method name.
pub fn surfaces(bound: &[Bound]) -> BTreeMap<String, OperationSurface> {
    let mut out = BTreeMap::new();
    for Bound {
        op,
        fields,
        output_text,
        ..
    } in bound
    {
        let params = fields
            .iter()
            .map(|f| {
                let name = f.ident.to_string();
                let location = match f.location {
                    Some(Location::Path) => ParamLocation::Path,
                    Some(Location::Query) => ParamLocation::Query,
                    Some(Location::Header) => ParamLocation::Header,
                    Some(Location::Cookie) => ParamLocation::Cookie,
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
                path: op.path.to_string(),
                deprecated: op.deprecated,
                params,
                success: output_text.clone(),
                error_statuses: op.error_statuses.iter().map(|e| e.key).collect(),
            },
        );
    }
    out
}

/// One parameter of an operation method or builder.
pub struct Field {
    pub ident: Ident,
    /// The owned type the builder stores (`String`, `types::Foo`, `i64`).
    pub owned: TokenStream,
    /// How the stored value is passed to progenitor's method (`&self.x`,
    /// `self.x.as_deref()`); for a parameter the SDK sends itself that the
    /// method still takes, what the method gets in its place (`None`, an
    /// empty list, a path placeholder). Empty when the method does not
    /// take it.
    pub pass: TokenStream,
    pub required: bool,
    pub doc: String,
    /// Where a parameter goes; `None` for the body or a form part.
    pub location: Option<Location>,
    /// For a parameter the SDK sends itself ([`Param::own`]): the statement
    /// that adds `v` (a reference to the stored value) to `phala_extra`.
    pub send: Option<TokenStream>,
    /// For an integer parameter: the type progenitor's method takes and the
    /// spec's bounds. The builder stores a plain `i64` and converts it,
    /// checked, before sending.
    pub int: Option<IntCheck>,
}

pub struct IntCheck {
    pub raw: TokenStream,
    pub range: IntRange,
}

/// The fields and success type of a JSON operation, from progenitor's
/// positional method.
fn json_fields(op: &Operation, raw: &syn::ImplItemFn) -> Result<(Vec<Field>, syn::Type)> {
    let mut fields = Vec::new();
    for input in raw.sig.inputs.iter().skip(1) {
        let syn::FnArg::Typed(arg) = input else {
            continue;
        };
        let syn::Pat::Ident(pat) = &*arg.pat else {
            continue;
        };
        // A byte body is generic in progenitor (`B: Into<reqwest::Body>`);
        // the builder stores the bytes.
        let generic = raw
            .sig
            .generics
            .type_params()
            .any(|t| matches!(&*arg.ty, syn::Type::Path(p) if p.path.is_ident(&t.ident)));
        if generic {
            let ident = unreserved(&pat.ident)?;
            fields.push(Field {
                owned: quote!(::std::vec::Vec<u8>),
                pass: quote!(self.#ident),
                required: true,
                doc: "The request body, as bytes.".to_owned(),
                ident,
                location: None,
                send: None,
                int: None,
            });
            continue;
        }
        let name = pat.ident.to_string();
        // Progenitor names a keyword `type_`.
        let own = op.params.iter().find(|p| {
            p.own
                && p.in_progenitor_view()
                && (p.rust_name == name || RustIdent::suggest(&p.rust_name) == name)
        });
        fields.push(match own {
            Some(p) => own_in_view(op, p, &pat.ident, &arg.ty)?,
            None => field(op, &pat.ident, &arg.ty)?,
        });
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.own && !p.in_progenitor_view())
    {
        fields.push(own_field(p)?);
    }
    if let Some(choice) = body_choice(op)? {
        fields.push(choice);
    }
    let success = success_type(&raw.sig.output).ok_or_else(|| Error::Unsupported {
        operation: op.operation_id.clone(),
        pointer: op.pointer(),
        message: "unexpected return type from progenitor".into(),
    })?;
    Ok((fields, success))
}

/// The fields of a multipart operation: its parameters, then its parts.
fn multipart_fields(op: &Operation, parts: &[MultipartField]) -> Result<Vec<Field>> {
    let mut fields = Vec::new();
    for p in &op.params {
        if p.own {
            fields.push(own_field(p)?);
            continue;
        }
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
            location: Some(p.location),
            send: None,
            int: None,
        });
    }
    for part in parts {
        let ident = ident(&part.rust_name)?;
        let owned = match part.kind {
            PartKind::File => quote!(runtime::UploadFile),
            PartKind::Files => quote!(::std::vec::Vec<runtime::UploadFile>),
            PartKind::Text(s) => scalar_type(s),
            PartKind::Texts(s) => {
                let item = scalar_type(s);
                quote!(::std::vec::Vec<#item>)
            }
            PartKind::Json => quote!(::serde_json::Value),
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
            location: None,
            send: None,
            int: None,
        });
    }
    Ok(fields)
}

/// What a multipart operation's `.await?` yields.
fn multipart_output(op: &Operation) -> Result<TokenStream> {
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

/// A parameter the SDK sends itself: what the builder stores follows the
/// schema's shape, and the runtime's `Extra` puts it on the request.
fn own_field(p: &Param) -> Result<Field> {
    own_field_as(p, unreserved(&ident(&p.rust_name)?)?)
}

/// [`own_field`], under the name `ident`.
fn own_field_as(p: &Param, ident: Ident) -> Result<Field> {
    let owned = match p.kind {
        ParamKind::Text(s) => scalar_type(s),
        ParamKind::List(s) => {
            let item = scalar_type(s);
            quote!(::std::vec::Vec<#item>)
        }
        ParamKind::Map => quote!(
            ::std::collections::BTreeMap<::std::string::String, ::std::string::String>
        ),
        ParamKind::Json => quote!(::serde_json::Value),
    };
    let doc = p
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` parameter.", p.api_name));
    Ok(Field {
        ident,
        owned,
        pass: quote!(),
        required: p.required,
        doc: doc + &crate::ir::param_shape::style_note(p),
        location: Some(p.location),
        send: Some(own_send(p)?),
        int: None,
    })
}

/// An `own` parameter progenitor's method still takes: a query parameter
/// keeps progenitor's type and progenitor gets an empty value; a path
/// parameter is stored by its shape and progenitor gets the placeholder
/// (`{name}`) that the runtime replaces with the styled segment.
fn own_in_view(op: &Operation, p: &Param, raw: &Ident, ty: &syn::Type) -> Result<Field> {
    if p.location == Location::Path {
        let placeholder = format!("{{{}}}", p.api_name);
        return Ok(Field {
            pass: quote!(#placeholder),
            ..own_field_as(p, unreserved(raw)?)?
        });
    }
    let typed = field(op, raw, ty)?;
    let pass = match typed.required {
        true => quote!(&::std::default::Default::default()),
        false => quote!(::std::option::Option::None),
    };
    Ok(Field {
        pass,
        doc: typed.doc.clone() + &crate::ir::param_shape::style_note(p),
        send: Some(own_send(p)?),
        int: None,
        ..typed
    })
}

/// The statement that adds `v`, a reference to an `own` parameter's
/// stored value, to `phala_extra`, in the parameter's style.
fn own_send(p: &Param) -> Result<TokenStream> {
    let name = &p.api_name;
    let explode = p.style.explode;
    let style = ident(p.style.kind.runtime_name())?;
    let style = quote!(crate::styles::Style::#style);
    Ok(match p.location {
        Location::Cookie => quote!(phala_extra.cookie(#name, #explode, v)?;),
        Location::Header => {
            let header = p.api_name.to_ascii_lowercase();
            quote!(phala_extra.header(#header, #explode, v)?;)
        }
        Location::Query => quote!(phala_extra.query(#name, #style, #explode, v)?;),
        Location::Path => quote!(phala_extra.path(#name, #style, #explode, v)?;),
    })
}

/// `body_as`, for a JSON body the spec also accepts as a form, multipart or
/// text: the caller picks the media type, and the runtime re-encodes the
/// body when it is sent.
fn body_choice(op: &Operation) -> Result<Option<Field>> {
    let recodable = op.body.as_ref().map(Body::recodable).unwrap_or_default();
    if recodable.is_empty() {
        return Ok(None);
    }
    let allowed: Vec<&str> = std::iter::once("application/json")
        .chain(recodable.iter().copied())
        .collect();
    let listed = allowed
        .iter()
        .map(|m| format!("`{m}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Some(Field {
        ident: ident("body_as")?,
        owned: quote!(::std::string::String),
        pass: quote!(),
        required: false,
        doc: format!(
            "Sends the body in another media type the operation accepts: one of {listed} \
             (JSON when unset). A form or multipart body has one field per top-level field \
             of the body; text is a string body as it is. Another value is a validation \
             error before anything is sent."
        ),
        location: None,
        send: Some(quote!(phala_extra.body_as(&[#(#allowed),*], v)?;)),
        int: None,
    }))
}

/// The Rust type a scalar parameter or form field is stored as.
fn scalar_type(s: Scalar) -> TokenStream {
    match s {
        Scalar::String => quote!(::std::string::String),
        Scalar::Integer => quote!(i64),
        Scalar::Number => quote!(f64),
        Scalar::Boolean => quote!(bool),
    }
}

/// A parameter named like one of the builder's own members (`api_version`,
/// `phala_*`) gets a `_param` suffix in Rust; its wire name is unchanged.
fn unreserved(original: &Ident) -> Result<Ident> {
    let name = original.to_string();
    if name == "api_version" || name.starts_with("phala_") {
        ident(&format!("{name}_param"))
    } else {
        Ok(original.clone())
    }
}

/// Maps one of progenitor's parameter types to what the builder stores and
/// how it is passed back.
fn field(op: &Operation, progenitor_ident: &Ident, ty: &syn::Type) -> Result<Field> {
    let ident = &unreserved(progenitor_ident)?;
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
    let name = progenitor_ident.to_string();
    let param = op.params.iter().find(|p| p.rust_name == name);
    let doc = param
        .and_then(|p| p.description.clone())
        .unwrap_or_else(|| {
            if name == "body" {
                "The request body.".to_owned()
            } else {
                format!("The `{name}` parameter.")
            }
        });
    let int = param.and_then(|p| p.range).and_then(|range| {
        let raw = owned.to_string().replace(' ', "");
        let integer = INTEGER_TYPES.contains(&raw.trim_start_matches("::std::num::"));
        let plain_unbounded = raw == "i64" && range.min.is_none() && range.max.is_none();
        (integer && !plain_unbounded).then(|| IntCheck {
            raw: owned.clone(),
            range,
        })
    });
    let (owned, pass) = match int {
        Some(_) => (quote!(i64), quote!(#ident)),
        None => (owned, pass),
    };
    Ok(Field {
        ident: ident.clone(),
        owned,
        pass,
        required: !optional,
        doc,
        location: param.map(|p| p.location),
        send: None,
        int,
    })
}

/// The integer types progenitor gives parameters, which the builder takes
/// as a plain `i64` and converts with the runtime's `int_param`. This is
/// not the `NonZero*` fact ([`crate::syn_ext::non_zero_plain`] has that)
/// but the list of the runtime's `int_params!` impls
/// (`codegen/runtime/runtime.rs`), and it must stay that list: a type
/// missing there would not compile in the generated crate, so a `NonZero*`
/// the runtime cannot convert to is passed through as it is.
const INTEGER_TYPES: [&str; 7] = [
    "i64",
    "i32",
    "u64",
    "u32",
    "NonZeroU64",
    "NonZeroU32",
    "NonZeroI64",
];

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

fn is_byte_stream(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "ByteStream"))
}

#[cfg(test)]
mod tests {
    /// The types of the runtime's `int_params!` impls: every entry up to
    /// its `=>`, last segment (`std::num::NonZeroU64` -> `NonZeroU64`).
    fn runtime_int_params() -> Vec<String> {
        let file: syn::File =
            syn::parse_str(include_str!("../../runtime/runtime.rs")).expect("the runtime parses");
        let call = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Macro(m) if m.mac.path.is_ident("int_params") => Some(&m.mac),
                _ => None,
            })
            .expect("runtime.rs invokes int_params!");
        let mut names = Vec::new();
        let mut last_ident = None;
        let mut in_type = true;
        for tt in call.tokens.clone() {
            match tt {
                proc_macro2::TokenTree::Ident(i) if in_type => last_ident = Some(i.to_string()),
                proc_macro2::TokenTree::Punct(p) if p.as_char() == '=' && in_type => {
                    names.extend(last_ident.take());
                    in_type = false;
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => in_type = true,
                _ => {}
            }
        }
        names
    }

    #[test]
    fn integer_types_are_the_runtimes_int_params() {
        assert_eq!(super::INTEGER_TYPES.to_vec(), runtime_int_params());
        for name in super::INTEGER_TYPES
            .iter()
            .filter(|n| n.starts_with("NonZero"))
        {
            assert!(crate::syn_ext::non_zero_plain(name).is_some(), "{name}");
        }
    }
}
