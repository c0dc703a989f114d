//! Load stage, last step: operationIds for operations that have none
//! (Overseerr's hand-written spec has none at all). Every later stage keys
//! operations by operationId, so a missing one is filled in from the method
//! and path, and the run warns about it, instead of failing.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::spec::document::for_each_operation;

/// The extension `fill` marks the operations it named with, so that the
/// naming rule takes their id as the method name as it is.
pub const FILLED: &str = "x-codegen-filled-operation-id";

/// The operationId given to `method path`: the method, the path's literal
/// segments, then `by_` and its parameters: `GET /user/{userId}/requests`
/// -> `get_user_requests_by_user_id`.
pub fn operation_id(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    let mut params = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => params.push(param.to_snake_case()),
            None => words.push(segment.to_snake_case()),
        }
    }
    if !params.is_empty() {
        words.push("by".into());
        words.push(params.join("_and_"));
    }
    words
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Gives every operation without an operationId one from
/// [`operation_id`], made unique with a number if it is taken. Returns
/// `METHOD path -> operationId` for each one filled, in document order.
pub fn operation_ids(doc: &mut Value) -> Vec<(String, String)> {
    let mut taken: BTreeSet<String> = crate::spec::document::operations(doc)
        .filter_map(|(_, _, _, op)| op.get("operationId").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let mut filled = Vec::new();
    // The visitor never fails; the count it returns is `filled.len()`.
    let _ = for_each_operation(doc, |path, method, op| {
        if op.get("operationId").is_some_and(Value::is_string) {
            return Ok(0);
        }
        let base = operation_id(method, path);
        let mut id = base.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(id.clone());
        op.insert("operationId".into(), Value::String(id.clone()));
        op.insert(FILLED.into(), Value::Bool(true));
        filled.push((format!("{} {path}", method.to_uppercase()), id));
        Ok(1)
    });
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_method_and_path() {
        assert_eq!(operation_id("get", "/status"), "get_status");
        assert_eq!(
            operation_id("get", "/user/{userId}/requests"),
            "get_user_requests_by_user_id"
        );
        assert_eq!(
            operation_id("post", "/request/{requestId}/{status}"),
            "post_request_by_request_id_and_status"
        );
        assert_eq!(operation_id("delete", "/"), "delete");
    }

    #[test]
    fn only_missing_ids_are_filled_and_kept_unique() {
        let mut doc = serde_json::json!({"paths": {
            "/status": {"get": {"responses": {}}},
            "/status/": {"get": {"responses": {}}},
            "/other": {"get": {"operationId": "get_status_2", "responses": {}}}
        }});
        let filled = operation_ids(&mut doc);
        assert_eq!(filled.len(), 2);
        assert_eq!(doc["paths"]["/status"]["get"]["operationId"], "get_status");
        assert_eq!(
            doc["paths"]["/status/"]["get"]["operationId"],
            "get_status_3"
        );
        assert_eq!(doc["paths"]["/other"]["get"]["operationId"], "get_status_2");
    }
}
