//! Stage 4 noun: the generated crate's public API as a Rust caller sees it:
//! every operation's method signature and every model's fields or variants,
//! with types spelled the way the caller writes them (`Option<Vec<CvmInfo>>`).
//!
//! It is read off what the crate is really made of (progenitor's method
//! signatures, typify's type space, the error catalog), not off the raw
//! JSON, so the API diff judges changes by what compiles. A snapshot of it is
//! written beside the generated crate (`api-surface.json`) so the next
//! regeneration can say what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

/// The public API of one generation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// Method name -> its signature.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Rust type name -> its shape.
    pub models: BTreeMap<String, Model>,
    /// Error code (`ERR-03-001`) -> its constant in `error_codes`.
    #[serde(default)]
    pub error_codes: BTreeMap<String, String>,
    /// The names the crate root exports besides the models and operations:
    /// its public modules and `pub use` items (`blocking`, `ServerEvent`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub exports: BTreeSet<String>,
    /// The runtime's public items a caller can name, each with its
    /// signature ([`crate::ir::runtime_api`]). Empty in a snapshot from
    /// before it was recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub runtime: BTreeMap<String, String>,
    /// The models marked `#[non_exhaustive]`: request models (built with
    /// `new` and setters) and response models (read, not built). Empty in a
    /// snapshot from before it was recorded.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub non_exhaustive: BTreeSet<String>,
}

/// The names a crate root (`src/lib.rs`) exports: `pub mod` and `pub use`
/// items, the last segment of each (a rename's new name); empty for text
/// that does not parse.
pub fn root_exports(lib_rs: &str) -> BTreeSet<String> {
    fn names(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(p) => names(&p.tree, out),
            syn::UseTree::Name(n) => {
                out.insert(n.ident.to_string());
            }
            syn::UseTree::Rename(r) => {
                out.insert(r.rename.to_string());
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| names(t, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = BTreeSet::new();
    let Ok(file) = syn::parse_file(lib_rs) else {
        return out;
    };
    for item in &file.items {
        match item {
            syn::Item::Mod(m) if matches!(m.vis, syn::Visibility::Public(_)) => {
                out.insert(m.ident.to_string());
            }
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                names(&u.tree, &mut out);
            }
            _ => {}
        }
    }
    out
}

/// One operation: `client.name(required...)` plus builder setters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSurface {
    pub http_method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// In signature order: required ones are the method's arguments, in
    /// this order; optional ones are builder setters.
    pub params: Vec<ParamSurface>,
    /// What `.await?` yields.
    pub success: String,
    /// The declared error statuses, ranges (`4XX`) and `default`, in
    /// that order, each ascending.
    pub error_statuses: Vec<crate::ir::StatusKey>,
}

/// One argument or setter of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamSurface {
    /// The Rust identifier.
    pub name: String,
    #[serde(rename = "in")]
    pub location: ParamLocation,
    pub required: bool,
    /// The type the caller passes (what the builder stores).
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
    /// The JSON or form request body.
    Body,
    /// A `multipart/form-data` part.
    Form,
}

impl fmt::Display for ParamLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
            ParamLocation::Body => "body",
            ParamLocation::Form => "form",
        })
    }
}

/// A named type of the `types` module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// Field name -> field.
    Struct(BTreeMap<String, FieldSurface>),
    Enum(EnumSurface),
    /// `pub struct Name(pub Inner)`.
    Newtype(String),
    /// `pub type Name = Target` (a schema that is only a reference).
    Alias(String),
}

impl Model {
    pub fn kind(&self) -> &'static str {
        match self {
            Model::Struct(_) => "struct",
            Model::Enum(_) => "enum",
            Model::Newtype(_) => "newtype",
            Model::Alias(_) => "type alias",
        }
    }

    /// Every type name this model's fields, variants or inner type mention.
    pub fn mentions(&self) -> Vec<&str> {
        let types: Vec<&str> = match self {
            Model::Struct(fields) => fields.values().map(|f| f.ty.as_str()).collect(),
            Model::Enum(e) => e.variants.values().map(String::as_str).collect(),
            Model::Newtype(inner) | Model::Alias(inner) => vec![inner.as_str()],
        };
        types.into_iter().flat_map(type_names).collect()
    }
}

/// An enum: a string enum (unit variants, each one JSON string) or a union
/// (variants holding models or scalars).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "EnumRepr")]
pub struct EnumSurface {
    /// Variant name -> its payload (`""` for a unit variant, `(CvmInfo)`).
    pub variants: BTreeMap<String, String>,
    /// Unit variant name -> the JSON string it stands for (`Pro` -> `PRO`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// Whether it decodes what it does not know into a fallback variant
    /// (see `emit::evolve`): a response enum or union.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

/// How a snapshot spells an enum: the current form, or before values were
/// recorded, the bare map of variants.
#[derive(Deserialize)]
#[serde(untagged)]
enum EnumRepr {
    Full {
        variants: BTreeMap<String, String>,
        #[serde(default)]
        values: BTreeMap<String, String>,
        #[serde(default)]
        open: bool,
    },
    Variants(BTreeMap<String, String>),
}

impl From<EnumRepr> for EnumSurface {
    fn from(repr: EnumRepr) -> Self {
        match repr {
            EnumRepr::Full {
                variants,
                values,
                open,
            } => EnumSurface {
                variants,
                values,
                open,
            },
            EnumRepr::Variants(variants) => EnumSurface {
                variants,
                ..EnumSurface::default()
            },
        }
    }
}

/// A struct field. Serialized as one string, `"required String"` or
/// `"optional Option<String>"`, so the snapshot has one line per field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct FieldSurface {
    /// Whether the schema requires the property (typify's `Required`
    /// state); a required nullable property is `Option<T>` and required.
    pub required: bool,
    pub ty: String,
}

impl From<FieldSurface> for String {
    fn from(f: FieldSurface) -> String {
        let word = if f.required { "required" } else { "optional" };
        format!("{word} {}", f.ty)
    }
}

impl TryFrom<String> for FieldSurface {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        match s.split_once(' ') {
            Some(("required", ty)) => Ok(FieldSurface {
                required: true,
                ty: ty.to_owned(),
            }),
            Some(("optional", ty)) => Ok(FieldSurface {
                required: false,
                ty: ty.to_owned(),
            }),
            _ => Err(format!(
                "expected `required <type>` or `optional <type>`, found {s:?}"
            )),
        }
    }
}

/// The identifiers in a displayed type (`Option<Vec<CvmInfo>>` ->
/// `Option`, `Vec`, `CvmInfo`).
pub fn type_names(ty: &str) -> impl Iterator<Item = &str> {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty())
}

/// `Option<T>` -> `T`; anything else unchanged.
pub fn strip_option(ty: &str) -> &str {
    ty.strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty)
}

/// A type as a caller writes it: the last segment of every path, references
/// dropped (the builder stores owned values), `str` as `String`.
pub fn display_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return String::new();
            };
            let name = last.ident.to_string();
            let name = if name == "str" { "String".into() } else { name };
            match &last.arguments {
                syn::PathArguments::AngleBracketed(args) => {
                    let inner: Vec<String> = args
                        .args
                        .iter()
                        .map(|a| match a {
                            syn::GenericArgument::Type(t) => display_type(t),
                            other => quote::quote!(#other).to_string(),
                        })
                        .collect();
                    format!("{name}<{}>", inner.join(", "))
                }
                _ => name,
            }
        }
        syn::Type::Reference(r) => display_type(&r.elem),
        syn::Type::Tuple(t) => {
            let inner: Vec<String> = t.elems.iter().map(display_type).collect();
            format!("({})", inner.join(", "))
        }
        syn::Type::Slice(s) => format!("[{}]", display_type(&s.elem)),
        syn::Type::Array(a) => {
            let len = &a.len;
            format!("[{}; {}]", display_type(&a.elem), quote::quote!(#len))
        }
        syn::Type::Paren(p) => display_type(&p.elem),
        syn::Type::Group(g) => display_type(&g.elem),
        other => quote::quote!(#other).to_string(),
    }
}

/// [`display_type`] of a token stream that holds a type.
pub fn display_tokens(tokens: &proc_macro2::TokenStream) -> String {
    match syn::parse2::<syn::Type>(tokens.clone()) {
        Ok(ty) => display_type(&ty),
        Err(_) => tokens.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_exports_are_its_public_modules_and_uses() {
        let lib = "pub mod blocking; mod client; pub use client::{Api, Builder as B}; \
                   pub use negotiate::ServerEvent; use std::fmt; pub(crate) use x::Y;";
        let names: Vec<String> = root_exports(lib).into_iter().collect();
        assert_eq!(names, ["Api", "B", "ServerEvent", "blocking"]);
    }

    #[test]
    fn types_read_as_a_caller_writes_them() {
        let ty: syn::Type =
            syn::parse_quote!(::std::option::Option<::std::vec::Vec<types::CvmInfo>>);
        assert_eq!(display_type(&ty), "Option<Vec<CvmInfo>>");
        let ty: syn::Type = syn::parse_quote!(&'a str);
        assert_eq!(display_type(&ty), "String");
        let ty: syn::Type = syn::parse_quote!(
            ::std::collections::HashMap<::std::string::String, (i64, bool)>
        );
        assert_eq!(display_type(&ty), "HashMap<String, (i64, bool)>");
    }

    #[test]
    fn a_field_round_trips_through_its_one_line_form() {
        let f = FieldSurface {
            required: false,
            ty: "Option<Vec<String>>".into(),
        };
        let text: String = f.clone().into();
        assert_eq!(text, "optional Option<Vec<String>>");
        assert_eq!(FieldSurface::try_from(text).unwrap(), f);
        assert!(FieldSurface::try_from("sometimes String".to_owned()).is_err());
    }
}
