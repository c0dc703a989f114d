//! Stage 1b: apply the OpenAPI Overlay 1.0.0 documents in `spec/overlays/`
//! to the loaded spec, before anything else reads it. An overlay is where
//! this project fixes what the public spec leaves out (empty response
//! schemas, operations the Python SDK calls), in a standard format upstream
//! could take as it is.
//!
//! Each action's `target` is an RFC 9535 JSONPath, evaluated with
//! `serde_json_path`. `update` merges into every node it selects (objects
//! key by key, recursively; a value that is not an object replaces the
//! node; on an array, the value is appended), `remove: true` deletes them.
//! An action whose target selects nothing is reported, so an upstream
//! rename cannot silently drop a fix: the generator makes it an error
//! (like an override that matches nothing).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::error::{Error, Result};

/// One overlay document, as written.
#[derive(Debug, Clone, Deserialize)]
pub struct Overlay {
    /// The Overlay Specification version; `1.0.x` is accepted.
    pub overlay: String,
    pub info: Info,
    pub actions: Vec<Action>,
    #[serde(skip)]
    pub path: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    pub title: String,
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    pub target: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub update: Option<Value>,
    #[serde(default)]
    pub remove: bool,
}

/// What one action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub file: PathBuf,
    /// The action's place in its file, from 0.
    pub index: usize,
    pub target: String,
    pub description: Option<String>,
    /// How many nodes the target selected (0: the action did nothing).
    pub matched: usize,
    pub removed: bool,
}

impl Applied {
    /// `file#actions[i] (target): description`, for messages.
    pub fn label(&self) -> String {
        let what = self.description.as_deref().unwrap_or("no description");
        format!(
            "{}: actions[{}] `{}` ({what})",
            self.file.display(),
            self.index,
            self.target
        )
    }
}

/// The overlays in `dir` (`*.yaml`, `*.yml`, `*.json`), in file-name order;
/// none when `dir` does not exist.
pub fn load_dir(dir: &Path) -> Result<Vec<Overlay>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| load(p)).collect()
}

/// Reads one overlay document.
pub fn load(path: &Path) -> Result<Overlay> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let value = crate::spec::load::parse_document(path, &text)?;
    let mut overlay: Overlay =
        serde_path_to_error::deserialize(&value).map_err(|e| Error::Overlay {
            path: path.to_owned(),
            message: format!("at `{}`: {}", e.path(), e.inner()),
        })?;
    if !overlay.overlay.starts_with("1.0") {
        return Err(Error::Overlay {
            path: path.to_owned(),
            message: format!(
                "overlay version {:?} is not supported (1.0.x is)",
                overlay.overlay
            ),
        });
    }
    overlay.path = path.to_owned();
    Ok(overlay)
}

/// Applies every action of every overlay to `doc`, in order.
pub fn apply(doc: &mut Value, overlays: &[Overlay]) -> Result<Vec<Applied>> {
    let mut applied = Vec::new();
    for overlay in overlays {
        for (index, action) in overlay.actions.iter().enumerate() {
            let error = |message: String| Error::Overlay {
                path: overlay.path.clone(),
                message: format!("actions[{index}] `{}`: {message}", action.target),
            };
            let path = JsonPath::parse(&action.target)
                .map_err(|e| error(format!("not a JSONPath: {e}")))?;
            if !action.remove && action.update.is_none() {
                return Err(error("has neither `update` nor `remove: true`".into()));
            }
            let pointers: Vec<String> = path
                .query_located(doc)
                .locations()
                .map(|l| l.to_json_pointer())
                .collect();
            // Removing from the end keeps earlier array indices valid.
            for pointer in pointers.iter().rev() {
                if action.remove {
                    remove(doc, pointer);
                } else if let (Some(node), Some(update)) =
                    (doc.pointer_mut(pointer), &action.update)
                {
                    merge(node, update);
                }
            }
            applied.push(Applied {
                file: overlay.path.clone(),
                index,
                target: action.target.clone(),
                description: action.description.clone(),
                matched: pointers.len(),
                removed: action.remove,
            });
        }
    }
    Ok(applied)
}

fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(fields)) => {
            for (key, value) in fields {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(items), value) => items.push(value.clone()),
        (node, value) => *node = value.clone(),
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = crate::spec::document::unescape(last);
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        let mut o: Overlay = serde_json::from_value(json!({
            "overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions
        }))
        .unwrap();
        o.path = PathBuf::from("test.yaml");
        o
    }

    #[test]
    fn update_merges_remove_deletes_and_misses_are_counted() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"summary": "A", "responses": {"200": {"description": "ok"}}}},
            "/b": {"get": {"summary": "B", "tags": ["x"]}}
        }});
        let o = overlay(json!([
            {"target": "$.paths['/a'].get.responses['200']",
             "update": {"content": {"application/json": {"schema": {"type": "string"}}}}},
            {"target": "$.paths.*.get", "update": {"x-seen": true}},
            {"target": "$.paths['/b'].get.tags", "update": "y"},
            {"target": "$.paths['/b'].get.summary", "remove": true},
            {"target": "$.paths['/gone'].get", "update": {"x": 1}}
        ]));
        let applied = apply(&mut doc, &[o]).unwrap();
        let matched: Vec<usize> = applied.iter().map(|a| a.matched).collect();
        assert_eq!(matched, [1, 2, 1, 1, 0]);
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"],
            json!({"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}})
        );
        assert_eq!(
            doc["paths"]["/b"]["get"],
            json!({"tags": ["x", "y"], "x-seen": true})
        );
        assert!(applied[4].label().contains("test.yaml: actions[4]"));
    }

    #[test]
    fn a_bad_target_or_an_empty_action_names_the_file_and_action() {
        let mut doc = json!({});
        let err = apply(
            &mut doc,
            &[overlay(json!([{"target": "paths[", "update": {}}]))],
        );
        let text = err.unwrap_err().to_string();
        assert!(
            text.starts_with("test.yaml: actions[0] `paths[`: not a JSONPath"),
            "{text}"
        );
        let err = apply(&mut doc, &[overlay(json!([{"target": "$.x"}]))]);
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("neither `update` nor `remove: true`"));
    }
}
