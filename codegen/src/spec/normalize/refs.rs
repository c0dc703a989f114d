//! Components that are only a reference to another component.
//!
//! typify gives each one a newtype around its target, so a chain of them
//! becomes a chain of nested newtypes, and a long one (about 64) overflows
//! the compiler's trait evaluation (E0275 on `Send`). A component that is
//! only a reference to itself, directly or around a loop, becomes
//! `struct A(Box<A>)`, which does not compile at all (E0119). So every
//! reference to an alias is pointed at the end of its chain, and a loop is
//! an error that names it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Context;
use crate::error::{Error, Result};
use crate::spec::document::escape;

const PREFIX: &str = "#/components/schemas/";

/// Points every `$ref` to an alias component at the component its chain
/// ends in. Returns how many references were moved.
pub fn ref_aliases(doc: &mut Value, _: &Context) -> Result<usize> {
    let aliases = aliases(doc);
    if aliases.is_empty() {
        return Ok(0);
    }
    // Each alias's end, found once: a chain's every link gets the end its
    // first walk found, so a 5,000-link chain is walked once, not once per
    // link (that, with a list search for loops, took 39 s).
    let mut found: BTreeMap<&str, &str> = BTreeMap::new();
    for start in aliases.keys() {
        if found.contains_key(start.as_str()) {
            continue;
        }
        let mut chain = vec![start.as_str()];
        let mut on_chain = BTreeSet::from([start.as_str()]);
        let mut current = aliases[start].as_str();
        let end = loop {
            if let Some(end) = found.get(current) {
                break *end;
            }
            let Some(next) = aliases.get(current) else {
                break current;
            };
            chain.push(current);
            if !on_chain.insert(current) {
                return Err(Error::Schema {
                    pointer: format!("{PREFIX}{}", escape(start)),
                    message: format!(
                        "the schema is only a reference around a loop ({}), so it has no shape \
                         a type could have; give one of them properties, or remove them",
                        chain.join(" -> ")
                    ),
                });
            }
            current = next;
        };
        for link in chain {
            found.insert(link, end);
        }
    }
    let ends: BTreeMap<String, String> = found
        .into_iter()
        .map(|(from, to)| (format!("{PREFIX}{}", escape(from)), to.to_owned()))
        .collect();
    let ends: BTreeMap<String, String> = ends
        .into_iter()
        .map(|(from, to)| (from, format!("{PREFIX}{}", escape(&to))))
        .collect();
    Ok(crate::spec::document::rewrite_refs(doc, &mut |r| {
        ends.get(r).cloned()
    }))
}

/// The alias components of a normalized document: component -> the one it
/// refers to, which [`ref_aliases`] made the end of its chain.
pub fn aliases(doc: &Value) -> BTreeMap<String, String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| Some((name.clone(), only_ref(schema)?.to_owned())))
        .collect()
}

/// The component a schema refers to when that is all it does: `{"$ref"}`
/// or `{"allOf": [{"$ref"}]}`, with at most a title or description beside.
fn only_ref(schema: &Value) -> Option<&str> {
    let object = schema.as_object()?;
    let decorative = |key: &str| matches!(key, "title" | "description");
    let target = if let Some(r) = object.get("$ref") {
        if object.keys().any(|k| k != "$ref" && !decorative(k)) {
            return None;
        }
        r
    } else {
        let [single] = object.get("allOf")?.as_array()?.as_slice() else {
            return None;
        };
        if object.keys().any(|k| k != "allOf" && !decorative(k)) {
            return None;
        }
        let inner = single.as_object()?;
        if inner.len() != 1 {
            return None;
        }
        inner.get("$ref")?
    };
    let name = target.as_str()?.strip_prefix(PREFIX)?;
    (!name.contains('/') && !name.contains('~')).then_some(name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn chains_end_at_their_target_and_loops_are_errors() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"allOf": [{"$ref": "#/components/schemas/C"}], "description": "b"},
            "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}
        }}});
        let moved = ref_aliases(&mut doc, &Context::for_tests()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["A"]["$ref"],
            "#/components/schemas/C"
        );
        assert_eq!(
            doc["components"]["schemas"]["C"]["properties"]["a"]["$ref"],
            "#/components/schemas/C"
        );
        assert_eq!(moved, 2);

        let mut looped = json!({"components": {"schemas": {
            "LoopA": {"$ref": "#/components/schemas/LoopA"}
        }}});
        let err = ref_aliases(&mut looped, &Context::for_tests()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/LoopA: the schema is only a reference around a loop \
             (LoopA -> LoopA), so it has no shape a type could have; give one of them \
             properties, or remove them"
        );
    }
}
