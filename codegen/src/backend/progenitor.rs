//! progenitor, used as a library: it generates the typed models (through
//! typify) and the low-level endpoint methods for every JSON operation.
//!
//! progenitor is given a *view* of the normalized document: operationIds are
//! replaced by our method names (so its inline type names read
//! `GetCvmListResponse`), non-2xx responses are removed (so every error
//! reaches our error layer with its raw body, and progenitor's
//! one-error-type assertion never fires), and multipart operations, which it
//! rejects, are left to our own emitter.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;
use syn::visit_mut::VisitMut;
use typify::{TypeDetails, TypeEnumVariant, TypeId, TypeSpace};

use super::placeholders::Placeholders;
use crate::error::{Error, Result};
use crate::ir::distinct::{self, Case};
use crate::ir::surface::{display_tokens, FieldSurface, Model};
use crate::ir::{Api, Body, StyleKind};
use crate::spec::document::essence;

/// What progenitor produced, parsed.
pub struct Raw {
    /// Items of typify's `types` module.
    pub types: Vec<syn::Item>,
    /// The low-level client: struct, constructors, trait impls.
    pub client: Vec<syn::Item>,
    /// One endpoint method per JSON operation, by method name.
    pub methods: Vec<syn::ImplItemFn>,
    /// Every named type as the caller sees it, read from typify's type space.
    pub models: BTreeMap<String, Model>,
    /// The wire names to restore in the impls whose bodies were deferred
    /// ([`Raw::parse_deferred`]).
    placeholders: Placeholders,
}

impl Raw {
    /// How many models typify produced: its structs and enums.
    pub fn type_count(&self) -> usize {
        self.types
            .iter()
            .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
            .count()
    }

    /// Parses the bodies of typify's string impls that are still among
    /// the types (the open enums dropped theirs), rewritten as the rest of
    /// progenitor's output was in [`generate`].
    pub fn parse_deferred(&mut self) -> Result<()> {
        let placeholders = &mut self.placeholders;
        super::deferred::parse_bodies(&mut self.types, |file| rewrite(file, placeholders)).map_err(
            |e| Error::Syntax {
                file: "progenitor output".into(),
                message: e.to_string(),
            },
        )
    }
}

/// Runs progenitor over the normalized document.
pub fn generate(doc: &Value, api: &Api) -> Result<Raw> {
    let (spec, mut placeholders) = parsed_view(doc, api)?;
    let settings = settings();
    let mut generator = Generator::new(&settings);
    let tokens = match crate::backend::quiet::catch_quietly(|| generator.generate_tokens(&spec)) {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(located(doc, api, e.to_string())),
        Err(panic) => return Err(located(doc, api, panic)),
    };
    let (tokens, bodies) = super::deferred::hollow(tokens);
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| Error::Syntax {
        file: "progenitor output".into(),
        message: e.to_string(),
    })?;
    rewrite(&mut file, &mut placeholders);
    let mut raw = split(file);
    if !super::deferred::restore(&mut raw.types, bodies) {
        return Err(Error::Syntax {
            file: "progenitor output".into(),
            message: "typify's impls and the bodies taken out of them do not pair up".into(),
        });
    }
    raw.placeholders = placeholders;
    raw.models = models(generator.get_type_space())?;
    super::aliases::Aliases::of(doc).add(&mut raw.types, &mut raw.models)?;
    Ok(raw)
}

/// What every item of progenitor's output goes through once parsed.
fn rewrite(file: &mut syn::File, placeholders: &mut Placeholders) {
    StripApiVersion.visit_file_mut(file);
    MethodsByName.visit_file_mut(file);
    placeholders.restore(file);
}

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::client::Call));
    settings
}

/// A progenitor failure, with the operation or component that causes it.
fn located(doc: &Value, api: &Api, message: String) -> Error {
    let (view, placeholders) = progenitor_view(doc, api);
    // The failure of `candidate`, if it fails: the located operation is
    // reported with its own message, not the whole document's first one.
    let fails = |candidate: &Value| -> Option<String> {
        let spec = match serde_json::from_value::<openapiv3::OpenAPI>(candidate.clone()) {
            Ok(spec) => spec,
            Err(e) => return Some(e.to_string()),
        };
        let mut generator = Generator::new(&settings());
        match crate::backend::quiet::catch_quietly(|| generator.generate_tokens(&spec)) {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(panic) => Some(panic),
        }
    };
    let readable = |pointer: &str| placeholders.readable(pointer);
    super::locate::progenitor_error(&view, api, message, &fails, &readable)
}

/// The struct, enum and newtype models of the type space, with each
/// field's and variant's type as the caller writes it.
fn models(space: &TypeSpace) -> Result<BTreeMap<String, Model>> {
    let display = |id: &TypeId| -> Result<String> {
        let ty = space
            .get_type(id)
            .map_err(|e| Error::Progenitor(format!("typify type lookup: {e}")))?;
        Ok(display_tokens(&ty.ident()))
    };
    let mut out = BTreeMap::new();
    for ty in space.iter_types() {
        let model = match ty.details() {
            TypeDetails::Struct(s) => {
                let mut fields = BTreeMap::new();
                for prop in s.properties_info() {
                    let field = FieldSurface {
                        required: prop.required,
                        ty: display(&prop.type_id)?,
                    };
                    fields.insert(prop.name.to_owned(), field);
                }
                Model::Struct(fields)
            }
            TypeDetails::Enum(e) => {
                let mut variants = BTreeMap::new();
                for v in e.variants_info() {
                    let payload = match v.details {
                        TypeEnumVariant::Simple => String::new(),
                        TypeEnumVariant::Tuple(ids) => {
                            let types = ids.iter().map(display).collect::<Result<Vec<_>>>()?;
                            format!("({})", types.join(", "))
                        }
                        TypeEnumVariant::Struct(props) => {
                            let mut parts = Vec::new();
                            for (name, id) in props {
                                parts.push(format!("{name}: {}", display(&id)?));
                            }
                            format!("{{ {} }}", parts.join(", "))
                        }
                    };
                    variants.insert(v.name.to_owned(), payload);
                }
                Model::Enum(crate::ir::surface::EnumSurface {
                    variants,
                    ..Default::default()
                })
            }
            TypeDetails::Newtype(n) => Model::Newtype(display(&n.inner())?),
            _ => continue,
        };
        out.insert(ty.name(), model);
    }
    Ok(out)
}

/// progenitor with its default settings over the same view, as one file:
/// the baseline the compile-cost benchmark compares the generated crate to.
pub fn bare(doc: &Value, api: &Api) -> Result<String> {
    let (spec, mut placeholders) = parsed_view(doc, api)?;
    let mut generator = Generator::new(&GenerationSettings::new());
    let tokens = crate::backend::quiet::catch_quietly(|| generator.generate_tokens(&spec))
        .map_err(Error::Progenitor)?
        .map_err(|e| Error::Progenitor(e.to_string()))?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| Error::Syntax {
        file: "bare progenitor output".into(),
        message: e.to_string(),
    })?;
    placeholders.restore(&mut file);
    crate::render::rust(quote!(#file), "bare progenitor crate")
}

fn parsed_view(doc: &Value, api: &Api) -> Result<(openapiv3::OpenAPI, Placeholders)> {
    let (view, placeholders) = progenitor_view(doc, api);
    let spec = serde_path_to_error::deserialize(&view).map_err(|e| {
        let pointer = format!("#/{}", e.path().to_string().replace('.', "/"));
        unreadable(&view, pointer, e.inner().to_string())
    })?;
    Ok((spec, placeholders))
}

/// The document as progenitor sees it, and the placeholders it holds for
/// wire names whose identifiers would collide (see [`Placeholders`]).
fn progenitor_view(doc: &Value, api: &Api) -> (Value, Placeholders) {
    let mut view = doc.clone();
    let mut placeholders = Placeholders::default();
    // A variant sends its operation's request through that operation's
    // method: progenitor sees the operation once, under its own name.
    for op in api.operations.iter().filter(|op| op.variant_of.is_none()) {
        let ptr = format!(
            "/paths/{}/{}",
            crate::spec::document::escape(&op.path),
            op.http_method.to_lowercase()
        );
        let multipart = matches!(op.body, Some(Body::Multipart { .. }));
        if multipart {
            if let Some(item) = view
                .pointer_mut(&format!(
                    "/paths/{}",
                    crate::spec::document::escape(&op.path)
                ))
                .and_then(Value::as_object_mut)
            {
                item.remove(&op.http_method.to_lowercase());
            }
            continue;
        }
        if op.params.iter().any(|p| p.own) {
            without_own_params(&mut view, op);
        }
        if op
            .params
            .iter()
            .any(|p| !p.own && p.style.kind != StyleKind::Form)
        {
            in_form_style(&mut view, op);
        }
        renamed_params(&mut view, op, &mut placeholders);
        if let Some(o) = view.pointer_mut(&ptr).and_then(Value::as_object_mut) {
            o.insert("operationId".into(), Value::String(op.name.clone()));
            if let Some(body) = &op.body {
                only_sent_media(o, body);
            }
            if let Some(responses) = o.get_mut("responses").and_then(Value::as_object_mut) {
                success_responses(responses, op);
                // progenitor types the JSON form; the builder reads the
                // others itself (`send_text()`, ...).
                for response in responses.values_mut() {
                    if let Some(content) =
                        response.get_mut("content").and_then(Value::as_object_mut)
                    {
                        if content.contains_key("application/json") {
                            content.retain(|media, _| media == "application/json");
                        }
                    }
                }
            }
        }
    }
    super::placeholders::inline_names(&mut view);
    placeholders.schemas(&mut view);
    // After the inline schemas are named: an alias's name stays taken.
    super::aliases::Aliases::of(doc).hide(&mut view);
    (view, placeholders)
}

/// Hides the parameters the SDK sends itself from progenitor, which
/// rejects them (a cookie, a `deepObject` query) or confuses them with a
/// path parameter of the same name, and restyles the ones it still sees
/// ([`crate::ir::Param::in_progenitor_view`]). The path item's shared parameters are
/// first copied into each of its operations, so that hiding one from this
/// operation leaves its siblings theirs.
fn without_own_params(view: &mut Value, op: &crate::ir::Operation) {
    let Some(params) = own_parameters(view, op) else {
        return;
    };
    let own = |p: &Value| {
        op.params.iter().find(|q| {
            q.own
                && p.get("name").and_then(Value::as_str) == Some(q.api_name.as_str())
                && p.get("in").and_then(Value::as_str) == Some(location_name(q.location))
        })
    };
    params.retain(|p| own(p).is_none_or(crate::ir::Param::in_progenitor_view));
    for p in params.iter_mut() {
        let q = own(p);
        if let (Some(q), Some(p)) = (q, p.as_object_mut()) {
            restyled(q, p);
        }
    }
}

/// Gives progenitor, for each query or header parameter the IR named by
/// the rule of [`crate::ir::distinct`] (its name collided), a placeholder
/// it names that way. Path parameters keep theirs: the path template
/// names them.
fn renamed_params(view: &mut Value, op: &crate::ir::Operation, placeholders: &mut Placeholders) {
    let renamed: Vec<&crate::ir::Param> = op
        .params
        .iter()
        .filter(|p| !p.own && p.location != crate::ir::Location::Path)
        .filter(|p| distinct::sanitize(&p.api_name, Case::Snake, "_") != p.rust_name)
        .filter(|p| p.api_name.to_snake_case() != p.rust_name)
        .collect();
    if renamed.is_empty() {
        return;
    }
    let Some(params) = own_parameters(view, op) else {
        return;
    };
    for p in params.iter_mut() {
        let found = renamed.iter().find(|q| {
            p.get("name").and_then(Value::as_str) == Some(q.api_name.as_str())
                && p.get("in").and_then(Value::as_str) == Some(location_name(q.location))
        });
        if let Some(q) = found {
            p["name"] = Value::String(placeholders.mark(&q.rust_name, &q.api_name));
        }
    }
}

/// The parameters of `op` in the view, the path item's shared ones first
/// copied into each of its operations, so that changing one of this
/// operation's leaves its siblings theirs.
fn own_parameters<'v>(
    view: &'v mut Value,
    op: &crate::ir::Operation,
) -> Option<&'v mut Vec<Value>> {
    let item = view
        .pointer_mut(&format!(
            "/paths/{}",
            crate::spec::document::escape(&op.path)
        ))
        .and_then(Value::as_object_mut)?;
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    let shared = match item.remove("parameters") {
        Some(Value::Array(shared)) => shared,
        _ => Vec::new(),
    };
    for (method, operation) in item.iter_mut() {
        let Some(operation) = operation.as_object_mut() else {
            continue;
        };
        if !crate::spec::document::METHODS.contains(&method.as_str()) {
            continue;
        }
        let own = match operation.remove("parameters") {
            Some(Value::Array(own)) => own,
            _ => Vec::new(),
        };
        let mut merged: Vec<Value> = shared
            .iter()
            .filter(|s| !own.iter().any(|o| key(o) == key(s)))
            .cloned()
            .collect();
        merged.extend(own);
        operation.insert("parameters".into(), Value::Array(merged));
    }
    item.get_mut(&op.http_method.to_lowercase())?
        .get_mut("parameters")?
        .as_array_mut()
}

/// Leaves progenitor the success responses only, so every error reaches
/// the runtime with its raw body and progenitor's one-error-type assertion
/// never fires. A `default` that is the success (the operation declares no
/// 2xx) becomes `2XX`: progenitor would also count it as an error type.
fn success_responses(responses: &mut serde_json::Map<String, Value>, op: &crate::ir::Operation) {
    use crate::ir::StatusKey;
    let default_success = op.success_statuses.contains(&StatusKey::Default);
    let default = responses.remove("default");
    responses.retain(|key, _| StatusKey::parse(key).is_some_and(StatusKey::is_success));
    if let (true, Some(default)) = (default_success, default) {
        responses.insert("2XX".into(), default);
    }
}

/// A query parameter progenitor sends as the spec says although its style
/// is not `form` (an exploded `pipeDelimited` array, which is exploded
/// `form`) is declared `form` for it, which is the one it accepts.
fn in_form_style(view: &mut Value, op: &crate::ir::Operation) {
    let item = format!("/paths/{}", crate::spec::document::escape(&op.path));
    for at in [
        format!("{item}/parameters"),
        format!("{item}/{}/parameters", op.http_method.to_lowercase()),
    ] {
        let Some(params) = view.pointer_mut(&at).and_then(Value::as_array_mut) else {
            continue;
        };
        for p in params.iter_mut().filter_map(Value::as_object_mut) {
            let sent = op.params.iter().any(|q| {
                !q.own
                    && q.location == crate::ir::Location::Query
                    && q.style.kind != StyleKind::Form
                    && p.get("name").and_then(Value::as_str) == Some(q.api_name.as_str())
                    && p.get("in").and_then(Value::as_str) == Some("query")
            });
            if sent {
                p.remove("style");
                p.remove("explode");
            }
        }
    }
}

/// An `own` parameter progenitor still sees, in the one style it sends:
/// a query parameter as `form` (it is given an empty value), a path
/// parameter as a `simple` string (it is given the placeholder the SDK
/// replaces with the styled segment).
fn restyled(q: &crate::ir::Param, p: &mut serde_json::Map<String, Value>) {
    p.remove("style");
    p.remove("explode");
    if q.location == crate::ir::Location::Path {
        p.insert("schema".into(), serde_json::json!({"type": "string"}));
        p.remove("content");
    }
}

fn location_name(location: crate::ir::Location) -> &'static str {
    match location {
        crate::ir::Location::Path => "path",
        crate::ir::Location::Query => "query",
        crate::ir::Location::Header => "header",
        crate::ir::Location::Cookie => "cookie",
    }
}

/// Leaves progenitor the one media type the SDK sends (it takes one), and
/// for a text or byte body the one schema it accepts for it: the body is
/// passed through as the caller gives it, whatever the spec's schema says.
fn only_sent_media(op: &mut serde_json::Map<String, Value>, body: &Body) {
    let Some(content) = op
        .get_mut("requestBody")
        .and_then(|b| b.get_mut("content"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    content.retain(|media, _| !body.alternatives().contains(media));
    // progenitor knows four media types by name; the body's own
    // `Content-Type` is set by the builder (`Body::content_type`).
    let (key, schema) = match body {
        Body::Json { media, .. } if essence(media) != "application/json" => {
            ("application/json", None)
        }
        Body::Raw { media, .. } if essence(media) == "text/plain" => {
            ("text/plain", Some(serde_json::json!({"type": "string"})))
        }
        Body::Raw { .. } => (
            "application/octet-stream",
            Some(serde_json::json!({"type": "string", "format": "binary"})),
        ),
        _ => return,
    };
    let Some(mut value) = std::mem::take(content).into_iter().next().map(|(_, v)| v) else {
        return;
    };
    if let Some(schema) = schema {
        value["schema"] = schema;
    }
    content.insert(key.into(), value);
}

/// openapiv3's refusal of the node at `pointer`: an error about its
/// operation, or about the component schema holding it (which
/// `--skip-unsupported` can then type as any JSON), or about the document.
fn unreadable(doc: &Value, pointer: String, message: String) -> Error {
    let segments: Vec<&str> = pointer.trim_start_matches("#/").split('/').collect();
    match segments.as_slice() {
        ["paths", path, method, ..] => Error::Unsupported {
            operation: doc
                .get("paths")
                .and_then(|p| p.get(*path))
                .and_then(|i| i.get(*method))
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str)
                .map_or_else(
                    || format!("{} {path}", method.to_uppercase()),
                    str::to_owned,
                ),
            pointer,
            message,
        },
        ["components", "schemas", name, rest @ ..] => Error::Schema {
            pointer: format!("#/components/schemas/{name}"),
            message: if rest.is_empty() {
                format!("openapiv3 cannot read it: {message}")
            } else {
                format!("openapiv3 cannot read it at {pointer}: {message}")
            },
        },
        _ => Error::Schema {
            pointer,
            message: format!("openapiv3 cannot read it: {message}"),
        },
    }
}

/// Removes progenitor's fixed `api-version: <info.version>` header; the
/// runtime sends `X-Phala-Version` instead. A method left with no header
/// of its own gets `let header_map` without `mut`.
struct StripApiVersion;

impl VisitMut for StripApiVersion {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block
            .stmts
            .retain(|stmt| header_append(stmt).is_none_or(|name| name != "api-version"));
        let still_appends = block.stmts.iter().any(appends_a_header);
        if block.stmts.len() != before && !still_appends {
            for stmt in &mut block.stmts {
                if let syn::Stmt::Local(local) = stmt {
                    if let syn::Pat::Ident(p) = &mut local.pat {
                        if p.ident == "header_map" {
                            p.mutability = None;
                        }
                    }
                }
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// progenitor starts a request with the `reqwest::Client` method named
/// like the HTTP method (`client.get(url)`), but reqwest has no `options`
/// or `trace`: those become `client.request(Method::OPTIONS, url)`.
struct MethodsByName;

impl VisitMut for MethodsByName {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        let on_client = matches!(&*call.receiver, syn::Expr::Field(f) if matches!(&f.member, syn::Member::Named(n) if n == "client"));
        let method = match call.method.to_string().as_str() {
            "options" => quote!(OPTIONS),
            "trace" => quote!(TRACE),
            _ => return,
        };
        if !on_client || call.args.len() != 1 {
            return;
        }
        let url = call.args[0].clone();
        let Ok(request) = crate::ident::ident("request") else {
            return;
        };
        call.method = request;
        call.args = syn::parse_quote!(::reqwest::Method::#method, #url);
    }
}

/// Whether `call` is `header_map.append(..)`.
fn is_header_append(call: &syn::ExprMethodCall) -> bool {
    call.method == "append"
        && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map"))
}

/// Whether `stmt` appends to `header_map` anywhere in it (an optional
/// header's append sits inside an `if let`).
fn appends_a_header(stmt: &syn::Stmt) -> bool {
    struct Appends(bool);
    impl<'ast> syn::visit::Visit<'ast> for Appends {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            self.0 |= is_header_append(call);
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut appends = Appends(false);
    syn::visit::Visit::visit_stmt(&mut appends, stmt);
    appends.0
}

/// For progenitor's `header_map.append(<name>, <value>);`, the header's
/// name: the string literal inside the first argument (progenitor spells it
/// `HeaderName::from_static("...")`), or `""` when the name is computed.
fn header_append(stmt: &syn::Stmt) -> Option<String> {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return None;
    };
    if !is_header_append(call) {
        return None;
    }
    struct FirstLiteral(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for FirstLiteral {
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            self.0.get_or_insert_with(|| lit.value());
        }
    }
    let mut found = FirstLiteral(None);
    if let Some(name) = call.args.first() {
        syn::visit::Visit::visit_expr(&mut found, name);
    }
    Some(found.0.unwrap_or_default())
}

fn split(file: syn::File) -> Raw {
    let mut raw = Raw {
        types: Vec::new(),
        client: Vec::new(),
        methods: Vec::new(),
        models: BTreeMap::new(),
        placeholders: Placeholders::default(),
    };
    for item in file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                raw.types = m.content.map(|(_, items)| items).unwrap_or_default();
            }
            syn::Item::Mod(m) if m.ident == "prelude" => {}
            syn::Item::Impl(imp) if imp.trait_.is_none() && has_async_methods(&imp) => {
                for it in imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        raw.methods.push(f);
                    }
                }
            }
            other => raw.client.push(other),
        }
    }
    raw
}

fn has_async_methods(imp: &syn::ItemImpl) -> bool {
    imp.items
        .iter()
        .any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.asyncness.is_some()))
}
