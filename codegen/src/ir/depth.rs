//! How deeply the spec's models nest: the longest chain of component
//! schemas each holding the next. rustc proves `Send` for a response type
//! through every level (about two per model: the struct and its `Option`),
//! and gives up with E0275 past its default `recursion_limit` of 128, so a
//! spec with a 64-deep chain needs a higher limit in the generated crate.

use std::collections::BTreeMap;

use serde_json::Value;

const PREFIX: &str = "#/components/schemas/";

/// The number of models on the longest reference chain among the
/// document's components. A reference back into the chain being followed
/// (a recursive model) adds nothing.
pub fn longest_chain(doc: &Value) -> usize {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return 0;
    };
    let names: Vec<&String> = schemas.keys().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            let mut refs = Vec::new();
            crate::spec::normalize::unions::collect_refs(&schemas[n.as_str()], &mut refs);
            let mut targets: Vec<usize> = refs
                .into_iter()
                .filter_map(|r| index.get(r.strip_prefix(PREFIX)?).copied())
                .collect();
            targets.sort_unstable();
            targets.dedup();
            targets
        })
        .collect();
    // Iterative depth-first search (a deep chain must not overflow the
    // generator's own stack); an edge back into the current path is a loop
    // and adds nothing.
    const NEW: usize = usize::MAX;
    const ON_PATH: usize = usize::MAX - 1;
    let mut depth = vec![NEW; names.len()];
    for root in 0..names.len() {
        if depth[root] != NEW {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        depth[root] = ON_PATH;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = edges[node].get(*next) {
                *next += 1;
                if depth[child] == NEW {
                    depth[child] = ON_PATH;
                    stack.push((child, 0));
                }
                continue;
            }
            let below = edges[node]
                .iter()
                .map(|&c| depth[c])
                .filter(|&d| d < ON_PATH)
                .max()
                .unwrap_or(0);
            depth[node] = below + 1;
            stack.pop();
        }
    }
    depth
        .into_iter()
        .filter(|&d| d < ON_PATH)
        .max()
        .unwrap_or(0)
}

/// The `recursion_limit` the generated crate needs, when it needs more
/// than rustc's default of 128: four levels per model on the chain, which
/// leaves room for `Vec`, `Option` and `Box` around each.
pub fn recursion_limit(chain: usize) -> Option<usize> {
    let needed = chain.saturating_mul(4);
    (needed > 128).then_some(needed.next_power_of_two())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn chains_count_models_and_loops_count_once() {
        let chain: serde_json::Map<String, Value> = (0..100)
            .map(|i| {
                let next = format!("{PREFIX}S{}", i + 1);
                (
                    format!("S{i}"),
                    json!({"properties": {"next": {"$ref": next}}}),
                )
            })
            .chain([("S100".to_owned(), json!({"type": "string"}))])
            .collect();
        let doc = json!({"components": {"schemas": chain}});
        assert_eq!(longest_chain(&doc), 101);
        assert_eq!(recursion_limit(101), Some(512));

        let looped = json!({"components": {"schemas": {
            "Tree": {"properties": {"children": {"items": {"$ref": "#/components/schemas/Tree"}}}},
            "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"properties": {"a": {"$ref": "#/components/schemas/A"}}}
        }}});
        assert_eq!(longest_chain(&looped), 2);
        assert_eq!(recursion_limit(2), None);
    }
}
