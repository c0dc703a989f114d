//! A parameter's shape and style, and which parameters the SDK sends
//! itself because progenitor cannot, or not as the spec says.

use serde_json::Value;

use crate::ir::distinct;
use crate::ir::{Location, Param, ParamKind, Scalar, Style, StyleKind};

/// A query or header parameter named like a path parameter is sent by the
/// SDK (progenitor keys its arguments by name), under a Rust name that
/// says where it goes (`language_query`). So is any `own` parameter whose
/// Rust name another parameter already has.
pub(crate) fn mark_shadowed(params: &mut [Param]) {
    let path_names: Vec<String> = params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| p.api_name.clone())
        .collect();
    for p in params.iter_mut() {
        if p.location != Location::Path && path_names.contains(&p.api_name) {
            p.own = true;
            // Progenitor cannot see it beside the path parameter.
            p.progenitor_typed = false;
        }
    }
    for i in 0..params.len() {
        let clashes = params
            .iter()
            .enumerate()
            .any(|(j, q)| j != i && q.rust_name == params[i].rust_name && !q.own);
        if params[i].own && clashes {
            let suffix = match params[i].location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
                Location::Cookie => "cookie",
            };
            params[i].rust_name = format!("{}_{suffix}", params[i].rust_name);
        }
    }
}

/// A parameter's `style` and `explode`, with OpenAPI's defaults for its
/// location; a style its location does not allow is an error (the
/// message).
pub(crate) fn style(location: Location, p: &Value) -> Result<Style, String> {
    let kind = match p.get("style").and_then(Value::as_str) {
        None => match location {
            Location::Query | Location::Cookie => StyleKind::Form,
            Location::Path | Location::Header => StyleKind::Simple,
        },
        Some("form") => StyleKind::Form,
        Some("spaceDelimited") => StyleKind::SpaceDelimited,
        Some("pipeDelimited") => StyleKind::PipeDelimited,
        Some("deepObject") => StyleKind::DeepObject,
        Some("simple") => StyleKind::Simple,
        Some("label") => StyleKind::Label,
        Some("matrix") => StyleKind::Matrix,
        Some(other) => return Err(format!("parameter style `{other}` is not an OpenAPI style")),
    };
    let allowed: &[StyleKind] = match location {
        Location::Path => &[StyleKind::Simple, StyleKind::Label, StyleKind::Matrix],
        Location::Query => &[
            StyleKind::Form,
            StyleKind::SpaceDelimited,
            StyleKind::PipeDelimited,
            StyleKind::DeepObject,
        ],
        Location::Header => &[StyleKind::Simple],
        Location::Cookie => &[StyleKind::Form],
    };
    if !allowed.contains(&kind) {
        let names: Vec<String> = allowed
            .iter()
            .map(|k| format!("`{}`", k.openapi_name()))
            .collect();
        let place = match location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        };
        return Err(format!(
            "parameter style `{}` is not allowed in a {place} parameter (OpenAPI allows {})",
            kind.openapi_name(),
            names.join(", ")
        ));
    }
    let explode = match p.get("explode").and_then(Value::as_bool) {
        Some(explode) => explode,
        None => kind == StyleKind::Form,
    };
    Ok(Style { kind, explode })
}

/// Whether progenitor sends a parameter of this shape in this style as
/// the spec says. It sends query parameters as exploded `form` (a scalar
/// is the same in every query style but `deepObject`), path parameters as
/// one `simple` scalar, and header parameters as one scalar; cookies
/// never.
pub(crate) fn progenitor_sends(location: Location, style: Style, kind: ParamKind) -> bool {
    let scalar = matches!(kind, ParamKind::Text(_));
    match (location, style.kind) {
        (Location::Cookie, _) | (_, StyleKind::DeepObject) => false,
        (Location::Query, _) => scalar || style.explode,
        (Location::Path, StyleKind::Simple) | (Location::Header, _) => scalar,
        (Location::Path, _) => false,
    }
}

/// How an `own` parameter goes on the wire, for its doc, when its style
/// is not its location's default (empty when it is).
pub(crate) fn style_note(p: &Param) -> String {
    let default = match p.location {
        Location::Query | Location::Cookie => StyleKind::Form,
        Location::Path | Location::Header => StyleKind::Simple,
    };
    match p.style.kind {
        StyleKind::DeepObject => format!(
            "\n\nSent as `{}[key]=value` query pairs, one per entry.",
            p.api_name
        ),
        kind if kind == default && p.style.explode == (kind == StyleKind::Form) => String::new(),
        kind => format!(
            "\n\nSent in OpenAPI's `{}` style, {}.",
            kind.openapi_name(),
            if p.style.explode {
                "exploded"
            } else {
                "not exploded"
            }
        ),
    }
}

/// Query, header and cookie parameters whose Rust names still collide
/// (`DateCreated`, `DateCreated<` and `DateCreated>` are all
/// `date_created`), or are longer than [`distinct::MAX_LEN`], are named by
/// the rule of [`crate::ir::distinct`] (`date_created_lt`); the others
/// keep theirs, path parameters too (the path template names them).
pub(crate) fn distinct_names(params: &mut [Param]) {
    let count = |name: &str| params.iter().filter(|p| p.rust_name == name).count();
    let colliding: Vec<usize> = (0..params.len())
        .filter(|i| params[*i].location != Location::Path)
        .filter(|i| {
            let name = &params[*i].rust_name;
            name.len() > distinct::MAX_LEN || count(name) > 1
        })
        .collect();
    if colliding.is_empty() {
        return;
    }
    let reserved: std::collections::BTreeSet<String> = (0..params.len())
        .filter(|i| !colliding.contains(i))
        .map(|i| params[i].rust_name.clone())
        .collect();
    let wire: Vec<&str> = colliding
        .iter()
        .map(|i| match &params[*i] {
            p if p.own => p.rust_name.as_str(),
            p => p.api_name.as_str(),
        })
        .collect();
    let names = distinct::distinct_beside(&wire, distinct::Case::Snake, "_", &reserved);
    for (i, name) in colliding.into_iter().zip(names) {
        params[i].rust_name = name;
    }
}

/// The shape of a parameter's `schema` (a missing one is text).
pub(crate) fn param_kind(schema: Option<&Value>) -> ParamKind {
    let Some(schema) = schema else {
        return ParamKind::Text(Scalar::String);
    };
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        Some(t) => t.as_str(),
        None => None,
    };
    let scalar = Scalar::of;
    match ty {
        Some("array") => match scalar(schema.pointer("/items/type").and_then(Value::as_str)) {
            Some(s) => ParamKind::List(s),
            None => ParamKind::Json,
        },
        Some("object") => {
            let values = schema.get("additionalProperties");
            let textual = values
                .and_then(|v| scalar(v.get("type").and_then(Value::as_str)))
                .is_some();
            if textual && schema.get("properties").is_none() {
                ParamKind::Map
            } else {
                ParamKind::Json
            }
        }
        None if schema.get("$ref").is_some() || schema.get("allOf").is_some() => ParamKind::Json,
        other => ParamKind::Text(scalar(other).unwrap_or(Scalar::String)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameter_schemas_have_shapes() {
        let kind = |s: Value| param_kind(Some(&s));
        assert_eq!(
            kind(json!({"type": "integer"})),
            ParamKind::Text(Scalar::Integer)
        );
        assert_eq!(
            kind(json!({"type": ["boolean", "null"]})),
            ParamKind::Text(Scalar::Boolean)
        );
        assert_eq!(
            kind(json!({"type": "array", "items": {"type": "number"}})),
            ParamKind::List(Scalar::Number)
        );
        assert_eq!(
            kind(json!({"type": "object", "additionalProperties": {"type": "string"}})),
            ParamKind::Map
        );
        assert_eq!(
            kind(json!({"type": "object", "properties": {"a": {}}})),
            ParamKind::Json
        );
        assert_eq!(
            kind(json!({"$ref": "#/components/schemas/X"})),
            ParamKind::Json
        );
        assert_eq!(param_kind(None), ParamKind::Text(Scalar::String));
    }

    fn param(name: &str, location: Location, own: bool) -> Param {
        Param {
            api_name: name.to_owned(),
            rust_name: name.to_owned(),
            location,
            required: false,
            description: None,
            range: None,
            own,
            kind: ParamKind::Text(Scalar::String),
            style: Style {
                kind: StyleKind::Form,
                explode: true,
            },
            progenitor_typed: false,
        }
    }

    #[test]
    fn a_query_named_like_a_path_parameter_is_sent_by_the_sdk_under_its_own_name() {
        let mut params = vec![
            param("language", Location::Path, false),
            param("language", Location::Query, false),
            param("session", Location::Cookie, true),
            param("page", Location::Query, false),
        ];
        mark_shadowed(&mut params);
        let got: Vec<(&str, bool)> = params
            .iter()
            .map(|p| (p.rust_name.as_str(), p.own))
            .collect();
        assert_eq!(
            got,
            [
                ("language", false),
                ("language_query", true),
                ("session", true),
                ("page", false)
            ]
        );
    }
}
