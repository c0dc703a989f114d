//! References to any JSON pointer in the document, made into references to
//! components.
//!
//! A `$ref` may point anywhere in the document:
//! `#/components/schemas/Tag/allOf/0`, `#/components/parameters/x/schema`,
//! `#/components/responses/X/content/application~1json/schema/oneOf/0`, or
//! into `#/paths`. typify resolves only `#/components/schemas/Name`, and
//! the inlining of operation parts only `#/components/<kind>/Name`, so each
//! such target moves into a component of its own, named after where it was
//! (`TagAllOf0`, `XParam`, `XResponseOneOf0`), and both the target's old
//! place and every reference to it refer to that component: one type, not
//! a copy per reference. Runs in the load stage after the overlays and
//! before the inlining, so that naming and every later stage see only
//! component references.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::spec::document::{escape, unescape};
use crate::spec::inline::MAX_HOPS;

/// Moves the target of every deep reference into a component; returns how
/// many targets moved. A reference to nothing, or a loop of references, is
/// an error at the reference's pointer.
pub fn hoist(doc: &mut Value) -> Result<usize> {
    // A document that is no object has no components to move targets into
    // (the version check has already named it).
    if !doc.is_object() {
        return Ok(0);
    }
    let mut sites = Vec::new();
    collect(doc, &mut String::from("#"), &mut sites);
    // Target pointer -> the component kind it moves into.
    let mut targets: BTreeMap<String, &'static str> = BTreeMap::new();
    for (site, reference) in &sites {
        if !is_deep(reference) {
            continue;
        }
        let target = follow(doc, reference, site)?;
        if is_deep(&target) {
            targets.entry(target).or_insert_with(|| kind_of(site));
        }
    }
    // Deepest first: a target inside another moves before its parent does,
    // so the parent carries a reference to it.
    let mut order: Vec<(&String, &&str)> = targets.iter().collect();
    order.sort_by_key(|(t, _)| (std::cmp::Reverse(t.matches('/').count()), t.to_string()));
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for (target, kind) in order {
        let name = free_name(doc, kind, &component_name(target));
        let reference = format!("#/components/{kind}/{}", escape(&name));
        let Some(place) = doc.pointer_mut(&pointer_of(target)) else {
            return Err(Error::Schema {
                pointer: target.clone(),
                message: "a `$ref` target moved away under another one".to_owned(),
            });
        };
        let value = std::mem::replace(place, serde_json::json!({ "$ref": reference }));
        components(doc, kind).insert(name, value);
        moved.insert(target.clone(), reference);
    }
    for (site, reference) in &sites {
        if is_deep(reference) {
            let end = follow(doc, reference, site).unwrap_or_else(|_| reference.clone());
            if let Some(to) = moved.get(&end) {
                moved.insert(reference.clone(), to.clone());
            }
        }
    }
    crate::spec::document::rewrite_refs(doc, &mut |r| moved.get(r).cloned());
    Ok(targets.len())
}

/// Whether a reference points deeper than one component, or outside the
/// components: one this module moves.
fn is_deep(reference: &str) -> bool {
    let Some(pointer) = reference.strip_prefix("#/") else {
        return false;
    };
    let segments: Vec<&str> = pointer.split('/').collect();
    !(segments.len() == 3 && segments[0] == "components")
}

/// Every `$ref` string in the document with the pointer of the object
/// holding it. Examples are data, so their contents are not read.
fn collect(value: &Value, at: &mut String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((at.clone(), r.clone()));
            }
            for (key, child) in map {
                if matches!(key.as_str(), "example" | "examples") {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&escape(key));
                collect(child, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                collect(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Where a reference ends: its target, or the target of the reference the
/// target only is, and so on (as a `#/` pointer). Errors name `site`.
fn follow(doc: &Value, reference: &str, site: &str) -> Result<String> {
    let error = |message: String| Error::Schema {
        pointer: site.to_owned(),
        message,
    };
    let mut current = reference.to_owned();
    let mut seen = BTreeSet::new();
    for _ in 0..MAX_HOPS {
        if !is_deep(&current) {
            return Ok(current);
        }
        if !seen.insert(current.clone()) {
            break;
        }
        let Some(target) = doc.pointer(&pointer_of(&current)) else {
            return Err(error(format!(
                "`$ref` {reference:?} points at nothing in the document"
            )));
        };
        match only_reference(target) {
            Some(next) => current = next.to_owned(),
            None => return Ok(current),
        }
    }
    Err(error(format!(
        "`$ref` {reference:?} is part of a loop of references"
    )))
}

/// The reference a value is and nothing else.
fn only_reference(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    (map.len() == 1).then(|| map.get("$ref")?.as_str())?
}

/// A `#/...` reference as a JSON pointer for `Value::pointer`: without
/// the `#`, and with the URI fragment's percent-encoding decoded.
fn pointer_of(reference: &str) -> String {
    let fragment = reference.strip_prefix('#').unwrap_or(reference);
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex =
            || u8::from_str_radix(std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?, 16).ok();
        match (bytes[i], hex()) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The component kind a reference at `site` needs: operation parts keep
/// their kind (so the inlining finds them); anything else is a schema.
fn kind_of(site: &str) -> &'static str {
    let segments: Vec<&str> = site.rsplit('/').take(2).collect();
    match segments.as_slice() {
        [_, "parameters"] => "parameters",
        ["requestBody", ..] => "requestBodies",
        [_, "responses"] => "responses",
        _ => "schemas",
    }
}

/// The name a moved target gets, from where it was: the component's name
/// and kind, then each step below it that says something (`allOf`, `0`,
/// a property's name), in upper camel case.
fn component_name(target: &str) -> String {
    let pointer = pointer_of(target);
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    let mut words = Vec::new();
    let mut rest = segments.as_slice();
    if let [first, kind, name, tail @ ..] = rest {
        if first == "components" {
            words.push(name.clone());
            words.push(
                match kind.as_str() {
                    "schemas" => "",
                    "parameters" => "Param",
                    "requestBodies" => "Body",
                    "responses" => "Response",
                    other => other,
                }
                .to_owned(),
            );
            rest = tail;
        }
    }
    let mut previous = "";
    for segment in rest {
        let structural = matches!(segment.as_str(), "properties" | "schema" | "content");
        if !structural && previous != "content" {
            words.push(segment.clone());
        }
        previous = segment;
    }
    let name: String = words
        .iter()
        .flat_map(|w| w.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect();
    if name.is_empty() {
        "Referenced".to_owned()
    } else {
        name
    }
}

/// `wanted`, or else `wantedRef`, `wantedRef2`, ...: the first name no
/// component of `kind` has (a bare number would run into a name that ends
/// in one, such as `TagAllOf0`).
fn free_name(doc: &Value, kind: &str, wanted: &str) -> String {
    let taken = |name: &str| {
        doc.pointer(&format!("/components/{kind}/{}", escape(name)))
            .is_some()
    };
    if !taken(wanted) {
        return wanted.to_owned();
    }
    (1..)
        .map(|n| match n {
            1 => format!("{wanted}Ref"),
            n => format!("{wanted}Ref{n}"),
        })
        .find(|name| !taken(name))
        .expect("some number is free")
}

/// The `kind` map of `components`, made where missing.
fn components<'a>(doc: &'a mut Value, kind: &str) -> &'a mut Map<String, Value> {
    let root = doc.as_object_mut().expect("a spec is an object");
    let all = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if !all.is_object() {
        *all = Value::Object(Map::new());
    }
    let entry = all
        .as_object_mut()
        .expect("made an object above")
        .entry(kind)
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("made an object above")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/tags": {"get": {
                "parameters": [{"name": "x", "in": "query",
                    "schema": {"$ref": "#/components/parameters/Limit/schema"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Tag/allOf/0"}}}}}
            }}},
            "components": {
                "schemas": {
                    "Tag": {"allOf": [
                        {"type": "object", "properties": {"id": {"type": "string"}}},
                        {"type": "object", "properties": {
                            "kind": {"$ref": "#/components/responses/Err/content/application~1json/schema/oneOf/0"}}}
                    ]},
                    "TagAllOf0": {"type": "string"}
                },
                "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
                "responses": {"Err": {"description": "e", "content": {"application/json": {
                    "schema": {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "integer"}]}}}}}
            }
        })
    }

    #[test]
    fn deep_targets_become_components_that_every_reference_shares() {
        let mut d = doc();
        assert_eq!(hoist(&mut d).unwrap(), 3);
        let schemas = &d["components"]["schemas"];
        // The name the rule gives was taken, so `Ref` is added.
        assert_eq!(
            schemas["TagAllOf0Ref"]["properties"]["id"]["type"],
            "string"
        );
        assert_eq!(
            schemas["Tag"]["allOf"][0]["$ref"],
            "#/components/schemas/TagAllOf0Ref"
        );
        assert_eq!(
            d.pointer("/paths/~1tags/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/TagAllOf0Ref"))
        );
        assert_eq!(schemas["LimitParam"]["type"], "integer");
        assert_eq!(schemas["ErrResponseOneOf0"]["enum"][0], "a");
        assert_eq!(
            schemas["Tag"]["allOf"][1]["properties"]["kind"]["$ref"],
            "#/components/schemas/ErrResponseOneOf0"
        );
        assert_eq!(hoist(&mut d).unwrap(), 0, "a second run changes nothing");
    }

    #[test]
    fn dangling_references_and_loops_name_their_pointer() {
        let mut d = doc();
        d["components"]["schemas"]["Tag"]["allOf"]
            .as_array_mut()
            .unwrap()
            .remove(0);
        d["components"]["schemas"]["Tag"]["allOf"]
            .as_array_mut()
            .unwrap()
            .remove(0);
        let e = hoist(&mut d).unwrap_err().to_string();
        assert_eq!(
            e,
            "#/paths/~1tags/get/responses/200/content/application~1json/schema: \
             `$ref` \"#/components/schemas/Tag/allOf/0\" points at nothing in the document"
        );
        let mut d = doc();
        d["components"]["schemas"]["A"] =
            json!({"properties": {"a": {"$ref": "#/components/schemas/A/properties/a"}}});
        let e = hoist(&mut d).unwrap_err().to_string();
        assert!(
            e.starts_with("#/components/schemas/A/properties/a: "),
            "{e}"
        );
        assert!(e.contains("loop of references"), "{e}");
    }

    #[test]
    fn percent_encoded_pointers_and_path_targets_are_read() {
        let mut d = doc();
        d["paths"]["/tags"]["get"]["parameters"][0]["schema"] =
            json!({"$ref": "#/paths/~1tags/get/parameters/1/schema"});
        d["paths"]["/tags"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "y", "in": "query", "schema": {"type": "boolean"}}));
        d["paths"]["/tags"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"$ref": "#/paths/~1tags/get/parameters/1"}));
        assert_eq!(pointer_of("#/paths/~1a%7Bb%7D"), "/paths/~1a{b}");
        hoist(&mut d).unwrap();
        let schemas = &d["components"]["schemas"];
        assert_eq!(schemas["PathsTagsGetParameters1"]["type"], "boolean");
        let params = &d["components"]["parameters"];
        assert_eq!(params["PathsTagsGetParameters1"]["name"], "y");
    }
}
