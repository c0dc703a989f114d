//! Stage 3 nouns: the plain, sorted description of the API that every
//! emitter reads. Built from the normalized document and the naming layer;
//! nothing here is a token stream.

use std::collections::BTreeMap;

pub mod deprecation;
pub mod depth;
pub mod distinct;
pub mod facts;
pub mod lower;
pub mod media;
pub mod naming;
pub mod param_shape;
pub mod request_body;
pub mod request_shape;
pub mod runtime_api;
mod status;
pub mod surface;
pub mod variants;

pub use status::{ErrorBody, ErrorStatus, StatusKey, Success};

/// The whole API, operations sorted by method name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    pub title: String,
    pub description: Option<String>,
    pub operations: Vec<Operation>,
    /// Rust type name -> the API version (`2026-01-21`) its model belongs
    /// to, where the spec's names say; for decode errors on version unions.
    pub model_versions: BTreeMap<String, String>,
    /// The most models on one chain of models holding the next (see
    /// [`crate::ir::depth`]).
    pub longest_model_chain: usize,
    /// What the spec says about each model's fields.
    pub facts: crate::ir::facts::ModelFacts,
    /// What was left out (`[skip]`, `--skip-unsupported`): operationId or
    /// `schema Name` -> why.
    pub skipped: BTreeMap<String, String>,
    /// Each operation group (module name) -> the tag it comes from.
    pub groups: BTreeMap<String, Group>,
}

/// An API tag, as the operations' [`Operation::group`] names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The tag as the spec writes it (`CVMs`); `default` for untagged
    /// operations.
    pub tag: String,
    /// The description of the tag in the spec's top-level `tags`.
    pub description: Option<String>,
}

/// One HTTP operation as the SDK exposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub operation_id: String,
    /// The Rust method name (`get_cvm_info`).
    pub name: String,
    /// Other names of this operation in the reference SDK whose method
    /// names `[inputs] python_names` gives (any API's, not only Phala's),
    /// told in the method's docs so its users find it.
    pub python_aliases: Vec<String>,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path as the spec keys it, parsed once.
    pub path: PathTemplate,
    /// The module the operation is emitted into, from its first tag.
    pub group: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// What to use instead, for a deprecated operation whose overlay or
    /// spec says ([`deprecation`]); endpoints already read as methods.
    pub replacement: Option<String>,
    /// Path parameters in template order, then query, then header.
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The response keys the success type comes from, ascending: 2xx
    /// codes and `2XX`, or `default` when the operation declares no 2xx
    /// (200 when it declares no response at all).
    pub success_statuses: Vec<StatusKey>,
    pub success: Success,
    /// The 2xx media types besides `application/json`, sorted: the builder
    /// reads these as text, bytes or server-sent events
    /// ([`Operation::negotiated`]).
    pub other_media: Vec<String>,
    /// The declared error responses, by key ascending: every status or
    /// range that is not a success, and `default` where the operation has a
    /// 2xx.
    pub error_statuses: Vec<ErrorStatus>,
    /// The `X-Phala-Version` this operation always sends (`[api.pins]`).
    pub version_pin: Option<String>,
    /// The example its docs show (`[method_examples]`): the body of an
    /// async function with `client` in scope.
    pub example: Option<String>,
    /// Why the success body stays untyped JSON, where an overlay says
    /// (`x-codegen-untyped` on the 2xx JSON media type).
    pub untyped_reason: Option<String>,
    /// Where an operation the public spec lacks was taken from, for one an
    /// overlay adds (`x-codegen-source` on the operation).
    pub unlisted_source: Option<String>,
    /// Set on a method of `[api.variants]`: it sends another operation's
    /// request, pinned to [`Operation::version_pin`].
    pub variant_of: Option<VariantOf>,
}

impl Operation {
    /// Where the operation is in the spec, for errors to name:
    /// `#/paths/~1cvms~1{cvm_id}/get`.
    pub fn pointer(&self) -> String {
        operation_pointer(&self.path.text, &self.http_method)
    }
}

/// The JSON pointer to the operation at `path` and `method` (in either
/// case): `#/paths/<escaped path>/<method in lower case>`, as the spec keys
/// it. The method is part of it because one path holds several operations.
/// Lowering names an operation by this before its [`Operation`] exists.
pub fn operation_pointer(path: &str, method: &str) -> String {
    format!(
        "#/paths/{}/{}",
        crate::spec::document::escape(path),
        method.to_lowercase()
    )
}

/// An operation's path as the spec keys it (`/api/v1/cvms/{cvm_id}`),
/// split once into text and `{parameter}` placeholders, so that no later
/// stage parses the template again. It reads as the text (`Deref<str>`,
/// `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    text: String,
    pieces: Vec<PathPiece>,
}

/// A piece of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPiece {
    /// Literal text, sent as it is: `/api/v1/cvms/`.
    Text(String),
    /// A `{name}` placeholder, filled with the path parameter `name`.
    Param(String),
}

impl PathTemplate {
    /// Splits `text` at its `{name}` placeholders; an unclosed `{` is text.
    pub fn parse(text: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some((before, after)) = rest.split_once('{') {
            let Some((name, tail)) = after.split_once('}') else {
                break;
            };
            if !before.is_empty() {
                pieces.push(PathPiece::Text(before.to_owned()));
            }
            pieces.push(PathPiece::Param(name.to_owned()));
            rest = tail;
        }
        if !rest.is_empty() {
            pieces.push(PathPiece::Text(rest.to_owned()));
        }
        PathTemplate {
            text: text.to_owned(),
            pieces,
        }
    }

    /// The pieces in order.
    pub fn pieces(&self) -> &[PathPiece] {
        &self.pieces
    }

    /// The placeholders' names, in template order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            PathPiece::Param(name) => Some(name.as_str()),
            PathPiece::Text(_) => None,
        })
    }
}

impl std::ops::Deref for PathTemplate {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// What a variant method shares with the operation it is a variant of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantOf {
    /// The method whose request it sends (and whose progenitor method it
    /// calls).
    pub method: String,
    /// The Rust type its response decodes into.
    pub returns: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The name on the wire.
    pub api_name: String,
    /// The Rust identifier (progenitor's snake_case of `api_name`).
    pub rust_name: String,
    pub location: Location,
    pub required: bool,
    pub description: Option<String>,
    /// Inclusive bounds when the schema is an integer (`minimum`,
    /// `exclusiveMaximum`, ...), checked before a request is sent.
    pub range: Option<IntRange>,
    /// Whether the SDK sends it itself because progenitor cannot, or not
    /// the way the spec says: a cookie, a header that is not one scalar
    /// (progenitor formats it with `Display`), a query or path parameter
    /// whose style progenitor does not send (see
    /// [`crate::ir::param_shape::progenitor_sends`]), or a query or header
    /// parameter that shares its name with a path parameter.
    pub own: bool,
    /// Its schema's shape, which gives an `own` parameter its Rust type.
    pub kind: ParamKind,
    /// How it is serialized: `style` and `explode`, with the defaults of
    /// its location filled in.
    pub style: Style,
    /// For an `own` query parameter that progenitor still sees (restyled
    /// as `form`, and given an empty value when sent): the builder keeps
    /// progenitor's type for it (`Vec<Uuid>`, an enum) while the SDK sends
    /// it. An `own` path parameter stays in progenitor's view too, as a
    /// string placeholder (see [`Param::in_progenitor_view`]).
    pub progenitor_typed: bool,
}

impl Param {
    /// Whether progenitor's method takes this parameter: every parameter
    /// progenitor sends, an `own` one it still types
    /// ([`Param::progenitor_typed`]), and an `own` path parameter, for
    /// which it gets the placeholder the SDK replaces with the styled
    /// segment.
    pub fn in_progenitor_view(&self) -> bool {
        !self.own || self.progenitor_typed || self.location == Location::Path
    }
}

/// A parameter's serialization (OpenAPI `style` and `explode`); the
/// defaults are `form` (exploded) in the query and cookies, `simple` (not
/// exploded) in the path and headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub kind: StyleKind,
    pub explode: bool,
}

/// The OpenAPI `style` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleKind {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
    Label,
    Matrix,
}

impl StyleKind {
    /// The style's name in a spec (`spaceDelimited`).
    pub fn openapi_name(self) -> &'static str {
        match self {
            StyleKind::Form => "form",
            StyleKind::SpaceDelimited => "spaceDelimited",
            StyleKind::PipeDelimited => "pipeDelimited",
            StyleKind::DeepObject => "deepObject",
            StyleKind::Simple => "simple",
            StyleKind::Label => "label",
            StyleKind::Matrix => "matrix",
        }
    }

    /// The runtime's name of this style (`crate::styles::Style::Form`).
    pub fn runtime_name(self) -> &'static str {
        match self {
            StyleKind::Form => "Form",
            StyleKind::SpaceDelimited => "SpaceDelimited",
            StyleKind::PipeDelimited => "PipeDelimited",
            StyleKind::DeepObject => "DeepObject",
            StyleKind::Simple => "Simple",
            StyleKind::Label => "Label",
            StyleKind::Matrix => "Matrix",
        }
    }
}

/// Inclusive integer bounds; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// A request body, in the one media type the SDK sends (see
/// [`crate::ir::request_body`] for the choice when the spec offers several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// JSON, in the media type the spec declares (`application/json`, or
    /// any `+json` type such as `application/merge-patch+json`), which is
    /// sent as the `Content-Type`.
    Json {
        media: String,
        required: bool,
        /// The other media types the spec offers for this body.
        alternatives: Vec<String>,
    },
    /// `application/x-www-form-urlencoded`, encoded by progenitor.
    Form {
        required: bool,
        alternatives: Vec<String>,
    },
    /// Any other media type (`text/plain`, `application/octet-stream`,
    /// `image/jpeg`, ...), passed through as the caller gives it and sent
    /// with its declared `Content-Type` (a wildcard such as `image/*` as
    /// `application/octet-stream`).
    Raw {
        media: String,
        required: bool,
        alternatives: Vec<String>,
    },
    Multipart {
        fields: Vec<MultipartField>,
        alternatives: Vec<String>,
    },
}

impl Body {
    /// The media type sent.
    pub fn media(&self) -> &str {
        match self {
            Body::Json { media, .. } => media,
            Body::Form { .. } => "application/x-www-form-urlencoded",
            Body::Raw { media, .. } => media,
            Body::Multipart { .. } => "multipart/form-data",
        }
    }

    /// The `Content-Type` the SDK sets itself, where progenitor's request
    /// would carry another: a `+json` type, or a byte body's own type.
    /// progenitor sends `application/json`, `text/plain` and
    /// `application/octet-stream` as they are.
    pub fn content_type(&self) -> Option<&str> {
        use crate::spec::document::essence;
        match self {
            Body::Json { media, .. } if essence(media) != "application/json" => Some(media),
            Body::Raw { media, .. }
                if !media.contains('*')
                    && !matches!(
                        essence(media).as_str(),
                        "text/plain" | "application/octet-stream"
                    ) =>
            {
                Some(media)
            }
            _ => None,
        }
    }

    /// For a JSON body, the media types the caller may pick instead with
    /// `body_as` (the body is re-encoded when sent): the spec's
    /// alternatives among form, multipart and plain text. Empty otherwise.
    pub fn recodable(&self) -> Vec<&'static str> {
        const RECODABLE: [&str; 3] = [
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
        ];
        match self {
            Body::Json { alternatives, .. } => RECODABLE
                .into_iter()
                .filter(|m| alternatives.iter().any(|a| a.split(';').next() == Some(*m)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The other media types the spec offers, which this SDK does not send.
    pub fn alternatives(&self) -> &[String] {
        match self {
            Body::Json { alternatives, .. }
            | Body::Form { alternatives, .. }
            | Body::Raw { alternatives, .. }
            | Body::Multipart { alternatives, .. } => alternatives,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartField {
    /// The form field name on the wire.
    pub name: String,
    /// The Rust identifier of its builder field.
    pub rust_name: String,
    pub kind: PartKind,
    pub required: bool,
    pub description: Option<String>,
}

/// How a multipart field is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// One file (`format: binary`): [`UploadFile`](crate) in the builder.
    File,
    /// Several files under one name (an array of binaries).
    Files,
    /// A scalar sent as its text: `String`, `i64`, `f64` or `bool`.
    Text(Scalar),
    /// An array of scalars, one text part per item under the field's name
    /// (how form frameworks such as FastAPI read a list field).
    Texts(Scalar),
    /// An object, array or union, sent as a JSON part.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    String,
    Integer,
    Number,
    Boolean,
}

impl Scalar {
    /// The scalar a JSON Schema `type` names; `None` for any other type.
    pub fn of(ty: Option<&str>) -> Option<Scalar> {
        match ty? {
            "string" => Some(Scalar::String),
            "integer" => Some(Scalar::Integer),
            "number" => Some(Scalar::Number),
            "boolean" => Some(Scalar::Boolean),
            _ => None,
        }
    }
}

/// How a builder reads a response media type other than JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reading {
    /// `send_events()`: `text/event-stream`.
    Events,
    /// `send_text()`: `text/*` and the textual `application/` types.
    Text,
    /// `send_bytes()`: anything else.
    Bytes,
}

impl Reading {
    pub fn of(media: &str) -> Reading {
        let media = media.split(';').next().unwrap_or_default().trim();
        let textual = media.starts_with("text/")
            || media.ends_with("+xml")
            || media.ends_with("+json")
            || matches!(
                media,
                "application/xml"
                    | "application/yaml"
                    | "application/x-yaml"
                    | "application/x-ndjson"
                    | "application/jsonl"
                    | "application/csv"
                    | "application/javascript"
            );
        if media == "text/event-stream" {
            Reading::Events
        } else if textual {
            Reading::Text
        } else {
            Reading::Bytes
        }
    }
}

/// The shape of a parameter's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// One scalar, sent as text.
    Text(Scalar),
    /// An array of scalars, sent as one pair per item.
    List(Scalar),
    /// An object of text values (`additionalProperties: {type: string}`).
    Map,
    /// Any other schema, taken as JSON.
    Json,
}

#[cfg(test)]
mod tests {
    use super::{PathPiece, PathTemplate};

    #[test]
    fn a_path_template_splits_into_text_and_placeholders() {
        let t = PathTemplate::parse("/apps/{app_id}/cvms/{vm_uuid}.json");
        assert_eq!(
            t.pieces(),
            [
                PathPiece::Text("/apps/".into()),
                PathPiece::Param("app_id".into()),
                PathPiece::Text("/cvms/".into()),
                PathPiece::Param("vm_uuid".into()),
                PathPiece::Text(".json".into()),
            ]
        );
        assert_eq!(t.params().collect::<Vec<_>>(), ["app_id", "vm_uuid"]);
        assert_eq!(&*t, "/apps/{app_id}/cvms/{vm_uuid}.json");
        // An unclosed brace is text, not a parameter.
        let odd = PathTemplate::parse("/a/{b");
        assert_eq!(odd.pieces(), [PathPiece::Text("/a/{b".into())]);
        assert_eq!(odd.params().count(), 0);
    }
}
