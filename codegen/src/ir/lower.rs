//! Lowering: the normalized document and the names become the [`Api`].

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::deprecation::{self, Origin};
use crate::ir::media::other_media;
use crate::ir::naming::Names;
use crate::ir::param_shape::{mark_shadowed, param_kind, progenitor_sends, style};
use crate::ir::{
    operation_pointer, Api, Body, ErrorBody, ErrorStatus, Group, IntRange, Location,
    MultipartField, Operation, Param, ParamKind, PathTemplate, StatusKey, StyleKind, Success,
};
use crate::spec::document::{self, escape};

/// Builds the IR from the normalized document (component names already
/// renamed) and the names chosen for the raw document.
pub fn build(doc: &Value, names: &Names, model_versions: BTreeMap<String, String>) -> Result<Api> {
    let mut operations = Vec::new();
    let mut problems = Vec::new();
    let mut declared = BTreeSet::new();
    for (path, method, item, op) in document::operations(doc) {
        let ptr = operation_pointer(path, method);
        match operation(doc, path, method, op, item, &ptr, names) {
            Ok(mut lowered) => {
                if let Some((text, origin)) = deprecation::replacement(op) {
                    if origin == Origin::Declared {
                        declared.insert(lowered.operation_id.clone());
                    }
                    lowered.replacement = Some(text);
                }
                operations.push(lowered)
            }
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::from_list(problems));
    }
    deprecation::resolve(&mut operations, &declared)?;
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
    let template = PathTemplate::parse(path);
    let params = params(&template, op, item, ptr, &unsupported)?;
    let body = match op.get("requestBody") {
        None => None,
        Some(rb) => Some(crate::ir::request_body::read(
            doc,
            rb,
            &format!("{ptr}/requestBody"),
            &unsupported,
        )?),
    };
    let Responses {
        success_statuses,
        success,
        errors: error_statuses,
    } = responses(op, ptr, &unsupported)?;
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
        check_multipart_names(&params, fields, &op_id, ptr)?;
    }
    Ok(Operation {
        name: name.method.clone(),
        python_aliases: name.python_aliases.clone(),
        http_method: method.to_uppercase(),
        path: template,
        group,
        summary: text(op, "summary"),
        description: text(op, "description"),
        deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
        // Read with its origin by `build`, which resolves it.
        replacement: None,
        params,
        body,
        success_statuses,
        success,
        other_media: other_media(op),
        error_statuses,
        version_pin: None,
        example: None,
        untyped_reason: untyped_reason(op),
        unlisted_source: text(op, "x-codegen-source"),
        variant_of: None,
        operation_id: op_id,
    })
}

/// The parameters of `op` and of its path `item`, the operation's winning
/// over the path item's of the same name and location, in call order: by
/// location, then path parameters in the order the path names them.
fn params(
    path: &PathTemplate,
    op: &Value,
    item: &Value,
    ptr: &str,
    unsupported: &dyn Fn(String, String) -> Error,
) -> Result<Vec<Param>> {
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
        let param = param(p, format!("{ptr}/parameters/{i}"), unsupported)?;
        // An operation's parameter overrides the path item's one with the
        // same name and location.
        params.retain(|q: &Param| q.api_name != param.api_name || q.location != param.location);
        params.push(param);
    }
    mark_shadowed(&mut params);
    crate::ir::param_shape::distinct_names(&mut params);
    let order: Vec<&str> = path.params().collect();
    params.sort_by_key(|p| {
        (
            p.location,
            order
                .iter()
                .position(|n| *n == p.api_name)
                .unwrap_or(usize::MAX),
        )
    });
    Ok(params)
}

/// One parameter object, at `pointer`.
fn param(
    p: &Value,
    pointer: String,
    unsupported: &dyn Fn(String, String) -> Error,
) -> Result<Param> {
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
    let kind = param_kind(p.get("schema"));
    let style =
        style(location, p).map_err(|message| unsupported(format!("{pointer}/style"), message))?;
    let required = location == Location::Path || p.get("required") == Some(&Value::Bool(true));
    let own = !progenitor_sends(location, style, kind);
    // Progenitor still types a restyled query parameter when it can be
    // given an empty value: `None`, or an empty list.
    let progenitor_typed = own
        && location == Location::Query
        && style.kind != StyleKind::DeepObject
        && (!required || matches!(kind, ParamKind::List(_)));
    Ok(Param {
        rust_name: api_name.to_snake_case(),
        api_name,
        required,
        location,
        description: text(p, "description"),
        range: p
            .get("schema")
            .and_then(crate::ir::facts::integer_range)
            .map(|(min, max)| IntRange { min, max }),
        own,
        kind,
        style,
        progenitor_typed,
    })
}

/// progenitor names the parameters of the operations it emits; the
/// multipart ones are ours, so their names are checked here.
fn check_multipart_names(
    params: &[Param],
    fields: &[MultipartField],
    op_id: &str,
    ptr: &str,
) -> Result<()> {
    for p in params {
        crate::ident::in_operation(
            &p.rust_name,
            &format!("parameter `{}` gives the Rust name", p.api_name),
            op_id,
            &format!("{ptr}/parameters"),
        )?;
    }
    for f in fields {
        crate::ident::in_operation(
            &f.rust_name,
            &format!("form field `{}` gives the Rust name", f.name),
            op_id,
            &format!(
                "{ptr}/requestBody/content/multipart~1form-data/schema/properties/{}",
                escape(&f.name)
            ),
        )?;
    }
    Ok(())
}

/// Why the 2xx JSON body is left as JSON (`x-codegen-untyped`), if it is.
fn untyped_reason(op: &Value) -> Option<String> {
    op.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(code, _)| code.starts_with('2'))
        .find_map(|(_, r)| {
            r.pointer("/content/application~1json/x-codegen-untyped")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
}

/// What lowering reads off an operation's `responses`.
#[derive(Debug, PartialEq, Eq)]
struct Responses {
    success_statuses: Vec<StatusKey>,
    success: Success,
    errors: Vec<ErrorStatus>,
}

/// Sorts the responses into the success and the errors: a 2xx code or
/// `2XX` is a success; every other key is an error, `default` included,
/// except where the operation declares no 2xx at all, when `default` is the
/// success. The success keys must share one body (the normalization gives
/// several JSON bodies one union).
fn responses(
    op: &Value,
    ptr: &str,
    unsupported: &dyn Fn(String, String) -> Error,
) -> Result<Responses> {
    let mut keyed = BTreeMap::new();
    for (key, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(status) = StatusKey::parse(key) else {
            return Err(unsupported(
                format!("{ptr}/responses/{}", escape(key)),
                format!(
                    "response key {key:?} is not a status (100 to 599), a range (1XX to 5XX) or `default`"
                ),
            ));
        };
        keyed.insert(status, (key, response));
    }
    let has_success = keyed.keys().any(|k| k.is_success());
    let mut success: Option<Success> = None;
    let mut statuses = Vec::new();
    let mut errors = Vec::new();
    for (status, (key, response)) in keyed {
        if !(status.is_success() || (status == StatusKey::Default && !has_success)) {
            errors.push(ErrorStatus {
                key: status,
                body: error_body(response),
            });
            continue;
        }
        let kind = success_kind(response);
        statuses.push(status);
        match &success {
            Some(previous) if *previous != kind => {
                return Err(unsupported(
                    format!("{ptr}/responses/{}", escape(key)),
                    "several 2xx responses with bodies of different media types (JSON and another) are not supported".into(),
                ));
            }
            Some(_) => {}
            None => success = Some(kind),
        }
    }
    if statuses.is_empty() {
        statuses.push(StatusKey::Code(200));
    }
    Ok(Responses {
        success_statuses: statuses,
        success: success.unwrap_or(Success::Bytes),
        errors,
    })
}

/// What a success response carries.
fn success_kind(response: &Value) -> Success {
    match response.get("content").and_then(Value::as_object) {
        None => Success::Empty,
        Some(c) if c.is_empty() => Success::Empty,
        Some(c) => match c.get("application/json") {
            Some(mt) => Success::Json {
                component: component(mt),
            },
            None => Success::Bytes,
        },
    }
}

/// What an error response's body is (its `+json` media type is already
/// `application/json`, see the normalization).
fn error_body(response: &Value) -> ErrorBody {
    match response.pointer("/content/application~1json") {
        None => ErrorBody::None,
        Some(mt) => component(mt).map_or(ErrorBody::Json, ErrorBody::Model),
    }
}

/// The component a media type's schema is a `$ref` to.
fn component(media: &Value) -> Option<String> {
    media
        .pointer("/schema/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(keys: Value) -> Result<Responses> {
        let unsupported = |pointer: String, message: String| Error::Schema { pointer, message };
        responses(
            &json!({ "responses": keys }),
            "#/paths/~1x/get",
            &unsupported,
        )
    }

    fn model(name: &str) -> Value {
        json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}})
    }

    #[test]
    fn response_keys_are_codes_ranges_or_default() {
        assert_eq!(StatusKey::parse("404"), Some(StatusKey::Code(404)));
        assert_eq!(StatusKey::parse("4XX"), Some(StatusKey::Range(4)));
        assert_eq!(StatusKey::parse("5xx"), Some(StatusKey::Range(5)));
        assert_eq!(StatusKey::parse("default"), Some(StatusKey::Default));
        for bad in ["6XX", "0XX", "99", "600", "4X", "Default", "ok"] {
            assert_eq!(StatusKey::parse(bad), None, "{bad}");
        }
        assert_eq!(StatusKey::Range(4).to_string(), "4XX");
        let mut keys = vec![
            StatusKey::Default,
            StatusKey::Range(4),
            StatusKey::Code(500),
        ];
        keys.sort();
        assert_eq!(
            keys,
            [
                StatusKey::Code(500),
                StatusKey::Range(4),
                StatusKey::Default
            ]
        );
    }

    #[test]
    fn ranges_and_default_are_errors_beside_a_success() {
        let r = read(json!({
            "2XX": model("Thing"),
            "404": {"description": "none"},
            "4XX": model("Problem"),
            "default": {"content": {"application/json": {"schema": {"type": "object"}}}}
        }))
        .unwrap();
        assert_eq!(r.success_statuses, [StatusKey::Range(2)]);
        assert_eq!(
            r.success,
            Success::Json {
                component: Some("Thing".into())
            }
        );
        assert_eq!(
            r.errors,
            [
                ErrorStatus {
                    key: StatusKey::Code(404),
                    body: ErrorBody::None
                },
                ErrorStatus {
                    key: StatusKey::Range(4),
                    body: ErrorBody::Model("Problem".into())
                },
                ErrorStatus {
                    key: StatusKey::Default,
                    body: ErrorBody::Json
                },
            ]
        );
    }

    #[test]
    fn default_is_the_success_only_without_a_2xx() {
        let r = read(json!({"default": model("Status"), "500": {}})).unwrap();
        assert_eq!(r.success_statuses, [StatusKey::Default]);
        assert_eq!(
            r.success,
            Success::Json {
                component: Some("Status".into())
            }
        );
        assert_eq!(r.errors.len(), 1);
        let none = read(json!({})).unwrap();
        assert_eq!(none.success_statuses, [StatusKey::Code(200)]);
        assert_eq!(none.success, Success::Bytes);
    }

    #[test]
    fn an_unknown_key_or_mixed_success_media_is_named() {
        let err = read(json!({"200": {}, "6XX": {}})).unwrap_err().to_string();
        assert!(
            err.contains("6XX") && err.contains("#/paths/~1x/get/responses/6XX"),
            "{err}"
        );
        let err = read(json!({
            "200": model("Thing"),
            "202": {"content": {"text/plain": {}}}
        }))
        .unwrap_err()
        .to_string();
        assert!(err.contains("responses/202"), "{err}");
    }
}
