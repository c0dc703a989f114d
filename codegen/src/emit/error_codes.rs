//! Emits `error_codes.rs`: the Python SDK's string constants, grouped by
//! catalog module, and the `ErrorCode` enum.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::error::Result;
use crate::ident::ident;
use crate::inputs::catalog::{Catalog, Code};
use crate::inputs::names::ClientNames;

pub fn emit(catalog: &Catalog, client: &ClientNames) -> Result<TokenStream> {
    let modules = modules(catalog)?;
    let codes: Vec<&Code> = catalog.codes().collect();
    // (variant, constant) per code, checked once.
    let names: Vec<(Ident, Ident)> = codes
        .iter()
        .map(|c| Ok((ident(&c.variant)?, ident(&c.const_name)?)))
        .collect::<Result<_>>()?;
    let header = header(&codes, client);
    let variants = codes.iter().zip(&names).map(|(c, (v, _))| {
        let doc = code_doc(c);
        quote!(#[doc = #doc] #v,)
    });
    let accessors = accessors(&codes, &names);
    let text_impls = text_impls();
    let lone_from_str = lone_arm(codes.len());
    let from_str = codes.iter().zip(&names).map(|(c, (v, _))| {
        let code = &c.code;
        quote!(#code => ErrorCode::#v,)
    });
    Ok(quote! {
        #header

        #(#modules)*

        /// A structured error code. Codes this crate does not know (newer than
        /// its catalog) are kept in [`ErrorCode::Unknown`]; a body whose
        /// `error_code` is `null` gives [`ErrorCode::Missing`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#variants)*
            /// The body carried `"error_code": null`.
            Missing,
            /// A code not in this crate's catalog, as sent.
            Unknown(::std::string::String),
        }

        #accessors

        impl ::std::str::FromStr for ErrorCode {
            type Err = ::std::convert::Infallible;

            fn from_str(code: &str) -> ::std::result::Result<Self, Self::Err> {
                #lone_from_str
                ::std::result::Result::Ok(match code {
                    #(#from_str)*
                    other => ErrorCode::Unknown(other.to_owned()),
                })
            }
        }

        #text_impls
    })
}

/// How an [`ErrorCode`] prints and compares with the code as text.
fn text_impls() -> TokenStream {
    quote! {
        /// The code as sent (`ERR-03-007`), and `no code` for
        /// [`ErrorCode::Missing`], so an error print never shows an empty
        /// pair of brackets.
        impl ::std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    ErrorCode::Missing => f.write_str("no code"),
                    other => f.write_str(other.as_str()),
                }
            }
        }

        impl ::std::cmp::PartialEq<str> for ErrorCode {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other && !matches!(self, ErrorCode::Missing)
            }
        }

        impl ::std::cmp::PartialEq<&str> for ErrorCode {
            fn eq(&self, other: &&str) -> bool {
                self == *other
            }
        }

        impl ::std::cmp::PartialEq<ErrorCode> for &str {
            fn eq(&self, other: &ErrorCode) -> bool {
                other == self
            }
        }
    }
}

/// One module of constants per catalog module, each re-exported.
fn modules(catalog: &Catalog) -> Result<Vec<TokenStream>> {
    let mut modules = Vec::new();
    for m in &catalog.modules {
        let module_ident = ident(&format!("module_{}", m.id))?;
        let doc = format!("Module {}: {} (`ERR-{}-xxx`).", m.id, m.title, m.id);
        let mut consts = Vec::new();
        for c in &m.codes {
            let name = ident(&c.const_name)?;
            let value = &c.code;
            let doc = code_doc(c);
            consts.push(quote! {
                #[doc = #doc]
                pub const #name: &str = #value;
            });
        }
        let reexport = (!m.codes.is_empty()).then(|| quote!(pub use #module_ident::*;));
        modules.push(quote! {
            #[doc = #doc]
            pub mod #module_ident {
                #(#consts)*
            }
            #reexport
        });
    }
    Ok(modules)
}

/// The module docs, with an example made from the catalog's first code
/// that names an HTTP status (else its first code); without a catalog
/// there is nothing to show but the fallback.
fn header(codes: &[&Code], client: &ClientNames) -> TokenStream {
    let Some(shown) = codes
        .iter()
        .find(|c| c.http_status.is_some())
        .or_else(|| codes.first())
    else {
        return quote! {
            //! Structured error codes. This crate was generated without an
            //! error-code catalog, so every code a response carries is kept as
            //! it came, in [`ErrorCode::Unknown`].
        };
    };
    let Code {
        code,
        const_name,
        variant,
        ..
    } = shown;
    let status = shown
        .http_status
        .map(|s| format!("assert_eq!(code.http_status(), Some({s}));\n"))
        .unwrap_or_default();
    let doc = format!(
        "Structured error codes (`ERR-{{module}}-{{code}}`), generated from the\n\
         {title} error-code catalog.\n\
         \n\
         The constants have the Python SDK's names and compare directly with\n\
         [`crate::ResourceError::error_code`]:\n\
         \n\
         ```\n\
         use {krate}::error_codes::{{ErrorCode, {const_name}}};\n\
         let code: ErrorCode = \"{code}\".parse().unwrap();\n\
         assert!(code == {const_name});\n\
         assert_eq!(code, ErrorCode::{variant});\n\
         {status}\
         ```",
        title = client.title,
        krate = client.krate,
    );
    quote!(#![doc = #doc])
}

/// Without a catalog (or without a code that names a status) a match has
/// only its catch-all arm, a shape clippy would rather see as a `let`; the
/// allow goes only where that is so.
fn lone_arm(arms: usize) -> Option<TokenStream> {
    (arms == 0).then(|| quote!(#[allow(clippy::match_single_binding)]))
}

/// `impl ErrorCode`: the code as text, its module, message and status.
fn accessors(codes: &[&Code], names: &[(Ident, Ident)]) -> TokenStream {
    let as_str = names
        .iter()
        .map(|(v, name)| quote!(ErrorCode::#v => #name,));
    let module = codes.iter().zip(names).map(|(c, (v, _))| {
        let m = c.code.get(4..6).unwrap_or_default();
        quote!(ErrorCode::#v => ::std::option::Option::Some(#m),)
    });
    let message = codes.iter().zip(names).map(|(c, (v, _))| {
        let msg = &c.message;
        quote!(ErrorCode::#v => ::std::option::Option::Some(#msg),)
    });
    let status: Vec<TokenStream> = codes
        .iter()
        .zip(names)
        .filter_map(|(c, (v, _))| {
            c.http_status
                .map(|s| quote!(ErrorCode::#v => ::std::option::Option::Some(#s),))
        })
        .collect();
    let count = codes.len();
    let lone_message = lone_arm(count);
    let lone_status = lone_arm(status.len());
    quote! {
    impl ErrorCode {
        /// How many codes the catalog lists.
        pub const KNOWN: usize = #count;

        /// The code as sent: `"ERR-03-007"` (`""` for [`ErrorCode::Missing`]).
        pub fn as_str(&self) -> &str {
            match self {
                #(#as_str)*
                ErrorCode::Missing => "",
                ErrorCode::Unknown(code) => code,
            }
        }

        /// The catalog module, `"01"` to `"06"`.
        pub fn module(&self) -> ::std::option::Option<&str> {
            match self {
                #(#module)*
                ErrorCode::Missing => ::std::option::Option::None,
                ErrorCode::Unknown(code) => code.get(4..6).filter(|_| code.starts_with("ERR-")),
            }
        }

        /// The catalog's user-facing message.
        pub fn message(&self) -> ::std::option::Option<&'static str> {
            #lone_message
            match self {
                #(#message)*
                _ => ::std::option::Option::None,
            }
        }

        /// The HTTP status the catalog names for this code, if any.
        pub fn http_status(&self) -> ::std::option::Option<u16> {
            #lone_status
            match self {
                #(#status)*
                _ => ::std::option::Option::None,
            }
        }
    }

    }
}

fn code_doc(c: &Code) -> String {
    let mut doc = format!("`{}` (`{}`): {}", c.code, c.class, c.message);
    if let Some(d) = &c.description {
        doc.push_str(&format!("\n\n{d}"));
    }
    doc
}
