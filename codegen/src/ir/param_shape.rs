//! A parameter's shape, and which parameters the SDK sends itself
//! because progenitor cannot.

use serde_json::Value;

use crate::ir::distinct;
use crate::ir::{Location, Param, ParamKind, Scalar};

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
            deep_object: false,
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
