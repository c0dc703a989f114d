//! Stage 3 nouns: the plain, sorted description of the API that every
//! emitter reads. Built from the normalized document and the naming layer;
//! nothing here is a token stream.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::media::other_media;
pub use crate::ir::media::Reading;
use crate::ir::naming::Names;
pub use crate::ir::param_shape::ParamKind;
use crate::ir::param_shape::{mark_shadowed, param_kind};
use crate::spec::document::{self, escape};

pub mod depth;
pub mod facts;
pub mod media;
pub mod naming;
pub mod param_shape;
pub mod request_body;
mod variants;
pub use variants::add_variants;

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

/// The groups of the operations of `doc`, each with the first tag that
/// names it (in document order) and that tag's description.
fn groups(doc: &Value) -> BTreeMap<String, Group> {
    let described = |tag: &str| {
        doc.get("tags")
            .and_then(Value::as_array)?
            .iter()
            .find(|t| t.get("name").and_then(Value::as_str) == Some(tag))?
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut out = BTreeMap::new();
    for (_, _, _, op) in document::operations(doc) {
        let tag = op
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or("default");
        let group = if op.pointer("/tags/0").is_some() {
            module_name(tag)
        } else {
            "default".to_owned()
        };
        out.entry(group).or_insert_with(|| Group {
            tag: tag.to_owned(),
            description: described(tag),
        });
    }
    out
}

/// One HTTP operation as the SDK exposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub operation_id: String,
    /// The Rust method name (`get_cvm_info`).
    pub name: String,
    pub python_aliases: Vec<String>,
    /// Upper-case HTTP method.
    pub http_method: String,
    pub path: String,
    /// The module the operation is emitted into, from its first tag.
    pub group: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Path parameters in template order, then query, then header.
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// Declared 2xx statuses, ascending (200 when none is declared).
    pub success_statuses: Vec<u16>,
    pub success: Success,
    /// The 2xx media types besides `application/json`, sorted: the builder
    /// reads these as text, bytes or server-sent events
    /// ([`Operation::negotiated`]).
    pub other_media: Vec<String>,
    /// Declared non-2xx statuses, ascending.
    pub error_statuses: Vec<u16>,
    /// The `X-Phala-Version` this operation always sends (`[api.pins]`).
    pub version_pin: Option<String>,
    /// The example its docs show (`[method_examples]`): the body of an
    /// async function with `client` in scope.
    pub example: Option<String>,
    /// Why the success body stays untyped JSON, where an overlay says
    /// (`x-phala-untyped` on the 2xx JSON media type).
    pub untyped_reason: Option<String>,
    /// Where an operation the public spec lacks was taken from, for one an
    /// overlay adds (`x-phala-source` on the operation).
    pub unlisted_source: Option<String>,
    /// Set on a method of `[api.variants]`: it sends another operation's
    /// request, pinned to [`Operation::version_pin`].
    pub variant_of: Option<VariantOf>,
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
    /// Whether the SDK sends it itself because progenitor cannot: a cookie,
    /// a `deepObject` query, a header that is not one scalar (progenitor
    /// formats it with `Display`), or a query or header parameter that
    /// shares its name with a path parameter.
    pub own: bool,
    /// Its schema's shape, which gives an `own` parameter its Rust type.
    pub kind: ParamKind,
    /// `style: deepObject`: sent as `name[key]=value` pairs.
    pub deep_object: bool,
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
    Json {
        required: bool,
        /// The other media types the spec offers for this body.
        alternatives: Vec<String>,
    },
    /// `application/x-www-form-urlencoded`, encoded by progenitor.
    Form {
        required: bool,
        alternatives: Vec<String>,
    },
    /// `text/plain` or `application/octet-stream`, passed through by
    /// progenitor as the caller gives it.
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
            Body::Json { .. } => "application/json",
            Body::Form { .. } => "application/x-www-form-urlencoded",
            Body::Raw { media, .. } => media,
            Body::Multipart { .. } => "multipart/form-data",
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

/// What a 2xx response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Success {
    /// No body.
    Empty,
    /// A JSON body; the component type name when the schema is a `$ref`.
    Json { component: Option<String> },
    /// Any other media type, returned as bytes.
    Bytes,
}

/// Builds the IR from the normalized document (component names already
/// renamed) and the names chosen for the raw document.
pub fn build(doc: &Value, names: &Names, model_versions: BTreeMap<String, String>) -> Result<Api> {
    let mut operations = Vec::new();
    let mut problems = Vec::new();
    for (path, method, item, op) in document::operations(doc) {
        let ptr = format!("#/paths/{}/{method}", escape(path));
        match operation(doc, path, method, op, item, &ptr, names) {
            Ok(op) => operations.push(op),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::from_list(problems));
    }
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Api {
        title: doc
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or("API")
            .to_owned(),
        description: doc
            .pointer("/info/description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        operations,
        model_versions,
        longest_model_chain: crate::ir::depth::longest_chain(doc),
        facts: crate::ir::facts::collect(doc),
        skipped: BTreeMap::new(),
        groups: groups(doc),
    })
}

fn operation(
    doc: &Value,
    path: &str,
    method: &str,
    op: &Value,
    item: &Value,
    ptr: &str,
    names: &Names,
) -> Result<Operation> {
    let op_id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let unsupported = |pointer: String, message: String| Error::Unsupported {
        operation: op_id.clone(),
        pointer,
        message,
    };
    let name = names
        .operations
        .get(&op_id)
        .ok_or_else(|| unsupported(ptr.to_owned(), "operation was not named".into()))?;
    let mut params = Vec::new();
    let path_level = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let op_level = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (i, p) in path_level.chain(op_level).enumerate() {
        let pointer = format!("{ptr}/parameters/{i}");
        if p.get("$ref").is_some() {
            return Err(unsupported(
                pointer,
                "parameter `$ref` is not supported".into(),
            ));
        }
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            Some("cookie") => Location::Cookie,
            other => {
                return Err(unsupported(
                    pointer,
                    format!("parameter location {other:?} is not supported"),
                ))
            }
        };
        let api_name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        // An operation's parameter overrides the path item's one with the
        // same name and location.
        params.retain(|q: &Param| q.api_name != api_name || q.location != location);
        let deep_object = p.get("style").and_then(Value::as_str) == Some("deepObject");
        let kind = param_kind(p.get("schema"));
        params.push(Param {
            rust_name: api_name.to_snake_case(),
            api_name,
            required: location == Location::Path || p.get("required") == Some(&Value::Bool(true)),
            location,
            description: text(p, "description"),
            range: p
                .get("schema")
                .and_then(crate::ir::facts::integer_range)
                .map(|(min, max)| IntRange { min, max }),
            own: location == Location::Cookie
                || deep_object
                || (location == Location::Header && !matches!(kind, ParamKind::Text(_))),
            kind,
            deep_object,
        });
    }
    mark_shadowed(&mut params);
    let order: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    params.sort_by_key(|p| {
        (
            p.location,
            order
                .iter()
                .position(|n| *n == p.api_name)
                .unwrap_or(usize::MAX),
        )
    });
    let body = match op.get("requestBody") {
        None => None,
        Some(rb) => Some(crate::ir::request_body::read(
            doc,
            rb,
            &format!("{ptr}/requestBody"),
            &unsupported,
        )?),
    };
    let (success_statuses, success, error_statuses) = responses(op, ptr, &unsupported)?;
    let group = op
        .pointer("/tags/0")
        .and_then(Value::as_str)
        .map_or_else(|| "default".to_owned(), module_name);
    crate::ident::in_operation(
        &group,
        "module name from the first tag",
        &op_id,
        &format!("{ptr}/tags/0"),
    )?;
    if let Some(Body::Multipart { fields, .. }) = &body {
        // progenitor names the parameters of the operations it emits; the
        // multipart ones are ours, so their names are checked here.
        for p in &params {
            crate::ident::in_operation(
                &p.rust_name,
                &format!("parameter `{}` gives the Rust name", p.api_name),
                &op_id,
                &format!("{ptr}/parameters"),
            )?;
        }
        for f in fields {
            crate::ident::in_operation(
                &f.rust_name,
                &format!("form field `{}` gives the Rust name", f.name),
                &op_id,
                &format!(
                    "{ptr}/requestBody/content/multipart~1form-data/schema/properties/{}",
                    escape(&f.name)
                ),
            )?;
        }
    }
    Ok(Operation {
        name: name.method.clone(),
        python_aliases: name.python_aliases.clone(),
        http_method: method.to_uppercase(),
        path: path.to_owned(),
        group,
        summary: text(op, "summary"),
        description: text(op, "description"),
        deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
        params,
        body,
        success_statuses,
        success,
        other_media: other_media(op),
        error_statuses,
        version_pin: None,
        example: None,
        untyped_reason: op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(code, _)| code.starts_with('2'))
            .find_map(|(_, r)| {
                r.pointer("/content/application~1json/x-phala-untyped")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }),
        unlisted_source: text(op, "x-phala-source"),
        variant_of: None,
        operation_id: op_id,
    })
}

fn responses(
    op: &Value,
    ptr: &str,
    unsupported: &dyn Fn(String, String) -> Error,
) -> Result<(Vec<u16>, Success, Vec<u16>)> {
    let mut success: Option<Success> = None;
    let mut statuses = Vec::new();
    let mut errors = BTreeSet::new();
    for (code, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let pointer = format!("{ptr}/responses/{code}");
        let Ok(status) = code.parse::<u16>() else {
            return Err(unsupported(
                pointer,
                format!("response key {code:?} is not supported (only numeric statuses)"),
            ));
        };
        if !(200..300).contains(&status) {
            errors.insert(status);
            continue;
        }
        let kind = match response.get("content").and_then(Value::as_object) {
            None => Success::Empty,
            Some(c) if c.is_empty() => Success::Empty,
            Some(c) => match c.get("application/json") {
                Some(mt) => Success::Json {
                    component: mt
                        .pointer("/schema/$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .map(str::to_owned),
                },
                None => Success::Bytes,
            },
        };
        statuses.push(status);
        match &success {
            Some(previous) if *previous != kind => {
                return Err(unsupported(
                    pointer,
                    "several 2xx responses with different bodies are not supported".into(),
                ));
            }
            Some(_) => {}
            None => success = Some(kind),
        }
    }
    statuses.sort_unstable();
    if statuses.is_empty() {
        statuses.push(200);
    }
    let kind = success.unwrap_or(Success::Bytes);
    Ok((statuses, kind, errors.into_iter().collect()))
}

/// A tag as a module name: `CVMs` -> `cvms`, `SSH Keys` -> `ssh_keys`.
fn module_name(tag: &str) -> String {
    let words: Vec<String> = tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "default".to_owned()
    } else {
        words.join("_")
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}
