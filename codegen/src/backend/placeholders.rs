//! Wire names that typify and progenitor would turn into colliding or
//! overlong identifiers (see [`crate::ir::distinct`] for the rule).
//!
//! Neither lets us name an enum variant, a field or a parameter, so their
//! view of the spec gets, in place of each such wire name, a placeholder
//! they turn into the identifier the rule chose: the identifier followed by
//! control characters, which their `sanitize` drops, that number the
//! placeholder. In what they emit, every string literal holding a
//! placeholder (the serde renames, `Display` and `FromStr`, the query
//! parameter names) gets the wire name back ([`Placeholders::restore`]).
//! Wire names whose identifiers are fine are left alone, so a spec that
//! generated before generates the same crate.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::visit_mut::VisitMut;
use unicode_ident::is_xid_continue;

use crate::ir::distinct::{self, Case, MAX_LEN};

/// Placeholder -> the wire name it stands for.
#[derive(Debug, Default)]
pub struct Placeholders {
    wire: BTreeMap<String, String>,
}

/// Keys whose values are data, not schemas: their objects are not renamed.
const DATA: [&str; 5] = ["example", "examples", "default", "const", "enum"];

impl Placeholders {
    /// A placeholder that typify and progenitor name `name`, for `wire`.
    pub fn mark(&mut self, name: &str, wire: &str) -> String {
        let mut id = self.wire.len();
        let mut placeholder = format!("{name}\u{1}");
        loop {
            placeholder.push(if id.is_multiple_of(2) {
                '\u{2}'
            } else {
                '\u{3}'
            });
            id /= 2;
            if id == 0 {
                break;
            }
        }
        self.wire.insert(placeholder.clone(), wire.to_owned());
        placeholder
    }

    /// `pointer` (into the view) with each placeholder segment back to the
    /// wire name it stands for, so an error points into the spec.
    pub fn readable(&self, pointer: &str) -> String {
        pointer
            .split('/')
            .map(|segment| {
                let key = crate::spec::document::unescape(segment);
                match self.wire.get(&key) {
                    Some(wire) => crate::spec::document::escape(wire),
                    None => segment.to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Renames, anywhere in `view`, the string enum values and the
    /// properties whose identifiers would collide or be too long.
    pub fn schemas(&mut self, view: &mut Value) {
        match view {
            Value::Object(map) => {
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    let renamed = self.enum_values(values);
                    if let Some(Value::String(d)) = map.get_mut("default") {
                        if let Some((_, p)) = renamed.iter().find(|(w, _)| w == d) {
                            *d = p.clone();
                        }
                    }
                }
                self.properties(map);
                for (key, child) in map.iter_mut() {
                    if !DATA.contains(&key.as_str()) {
                        self.schemas(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.schemas(i)),
            _ => {}
        }
    }

    /// An enum's values, when typify would fail to name them (both of its
    /// tries collide) or name one past [`MAX_LEN`]; returns the renamed
    /// values as (wire, placeholder).
    fn enum_values(&mut self, values: &mut [Value]) -> Vec<(String, String)> {
        let wire: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if wire.len() < 2 || !typify_fails(&wire) {
            return Vec::new();
        }
        let refs: Vec<&str> = wire.iter().map(String::as_str).collect();
        let names = distinct::distinct(&refs, Case::Pascal, "x");
        let mut renamed = Vec::new();
        for (w, name) in wire.iter().zip(names) {
            if distinct::sanitize(w, Case::Pascal, "x") != name {
                renamed.push((w.clone(), self.mark(&name, w)));
            }
        }
        for v in values.iter_mut() {
            if let Some((_, p)) = renamed.iter().find(|(w, _)| Some(w.as_str()) == v.as_str()) {
                *v = Value::String(p.clone());
            }
        }
        renamed
    }

    /// An object schema's properties, when typify's field names collide or
    /// one is too long; `required` follows.
    fn properties(&mut self, schema: &mut serde_json::Map<String, Value>) {
        let Some(Value::Object(props)) = schema.get("properties") else {
            return;
        };
        let wire: Vec<&str> = props.keys().map(String::as_str).collect();
        if !distinct::needs_rule(&wire, Case::Snake) {
            return;
        }
        let names = distinct::distinct(&wire, Case::Snake, "x");
        let renames: BTreeMap<String, String> = wire
            .iter()
            .zip(names)
            .filter(|(w, name)| distinct::sanitize(w, Case::Snake, "x") != *name)
            .map(|(w, name)| ((*w).to_owned(), name))
            .collect();
        let renames: BTreeMap<String, String> = renames
            .into_iter()
            .map(|(w, name)| {
                let p = self.mark(&name, &w);
                (w, p)
            })
            .collect();
        if let Some(Value::Object(props)) = schema.get_mut("properties") {
            let old = std::mem::take(props);
            for (key, value) in old {
                props.insert(renames.get(&key).cloned().unwrap_or(key), value);
            }
        }
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            for r in required.iter_mut() {
                if let Some(p) = r.as_str().and_then(|w| renames.get(w)) {
                    *r = Value::String(p.clone());
                }
            }
        }
    }

    /// Gives every placeholder in typify's and progenitor's output its
    /// wire name back.
    pub fn restore(&mut self, file: &mut syn::File) {
        if !self.wire.is_empty() {
            self.visit_file_mut(file);
        }
    }
}

impl Placeholders {
    /// `text` with each placeholder in it as its wire name (a doc comment
    /// may quote the schema as JSON).
    fn restored(&self, text: String) -> String {
        if !text.contains('\u{1}') {
            return text;
        }
        match self.wire.get(&text) {
            Some(wire) => wire.clone(),
            None => self.wire.iter().fold(text, |text, (p, w)| {
                text.replace(p, w).replace(&escaped(p), &escaped(w))
            }),
        }
    }

    /// The string literals inside an attribute's or a macro's tokens
    /// (`#[serde(rename = "..")]`), which syn leaves unparsed.
    fn restore_tokens(&self, tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        use proc_macro2::{Group, TokenTree};
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Group(g) => {
                    let mut new = Group::new(g.delimiter(), self.restore_tokens(g.stream()));
                    new.set_span(g.span());
                    TokenTree::Group(new)
                }
                TokenTree::Literal(lit) => match syn::parse_str::<syn::LitStr>(&lit.to_string()) {
                    Ok(s) if s.value().contains('\u{1}') => {
                        let value = self.restored(s.value());
                        TokenTree::Literal(proc_macro2::Literal::string(&value))
                    }
                    _ => TokenTree::Literal(lit),
                },
                other => other,
            })
            .collect()
    }
}

impl VisitMut for Placeholders {
    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        let value = lit.value();
        if value.contains('\u{1}') {
            *lit = syn::LitStr::new(&self.restored(value), lit.span());
        }
    }

    fn visit_meta_list_mut(&mut self, list: &mut syn::MetaList) {
        list.tokens = self.restore_tokens(std::mem::take(&mut list.tokens));
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = self.restore_tokens(std::mem::take(&mut mac.tokens));
    }
}

/// typify names an inline schema under a component's property after the
/// component and the property (`Order.item` -> `OrderItem`, array items
/// with `Item` after), and progenitor an operation's inline body, response
/// and parameter after the operation (`get_thing` -> `GetThingBody`,
/// `GetThingResponse`, `GetThingOrder`); both take a component of that
/// name for it, and the operation then decodes the component's shape. Such
/// an inline schema gets a `title` they name it by instead: the derived
/// name with the first free number after it (`OrderItem2`,
/// `GetThingResponse2`).
pub fn inline_names(view: &mut Value) {
    let Some(Value::Object(schemas)) = view.pointer_mut("/components/schemas") else {
        return;
    };
    let mut taken: std::collections::BTreeSet<String> = schemas
        .keys()
        .map(|k| distinct::sanitize(k, Case::Pascal, "x"))
        .collect();
    let components = taken.clone();
    for (key, schema) in schemas.iter_mut() {
        let base = distinct::sanitize(key, Case::Pascal, "x");
        name_inline(schema, &base, &components, &mut taken);
    }
    let Some(Value::Object(paths)) = view.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        for method in crate::spec::document::methods() {
            let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let id = id.to_owned();
            for (derived, schema) in operation_schemas(op, &id) {
                name_child(schema, &derived, &components, &mut taken);
            }
        }
    }
}

/// The inline schemas progenitor names after operation `id`, each with the
/// name it derives (before its `UpperCamelCase`): `id-body`, `id-response`,
/// `id-<parameter>`.
fn operation_schemas<'a>(
    op: &'a mut serde_json::Map<String, Value>,
    id: &str,
) -> Vec<(String, &'a mut Value)> {
    let mut out = Vec::new();
    for (key, value) in op.iter_mut() {
        match key.as_str() {
            "parameters" => {
                for param in value.as_array_mut().into_iter().flatten() {
                    let name = param
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    if let Some(schema) = param.get_mut("schema") {
                        out.push((format!("{id}-{name}"), schema));
                    }
                }
            }
            "requestBody" => {
                if let Some(schema) = value.pointer_mut("/content/application~1json/schema") {
                    out.push((format!("{id}-body"), schema));
                }
            }
            "responses" => {
                for response in value
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|r| r.values_mut())
                {
                    if let Some(schema) = response.pointer_mut("/content/application~1json/schema")
                    {
                        out.push((format!("{id}-response"), schema));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn name_inline(
    schema: &mut Value,
    base: &str,
    components: &std::collections::BTreeSet<String>,
    taken: &mut std::collections::BTreeSet<String>,
) {
    use heck::ToSnakeCase;
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    let mut children: Vec<(String, &mut Value)> = Vec::new();
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("properties", Value::Object(props)) => {
                for (prop, sub) in props.iter_mut() {
                    children.push((format!("{base}_{}", prop.to_snake_case()), sub));
                }
            }
            ("items", items @ Value::Object(_)) => children.push((format!("{base}_item"), items)),
            _ => {}
        }
    }
    for (derived, sub) in children {
        name_child(sub, &derived, components, taken);
    }
}

/// Gives the inline schema `sub`, which typify or progenitor would name
/// `derived`, a free name where that is a component's, then does the
/// same for the schemas inside it.
fn name_child(
    sub: &mut Value,
    derived: &str,
    components: &std::collections::BTreeSet<String>,
    taken: &mut std::collections::BTreeSet<String>,
) {
    let Some(map) = sub.as_object_mut() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    let mut name = distinct::sanitize(derived, Case::Pascal, "x");
    let named = ["properties", "enum", "oneOf", "anyOf", "allOf", "items"]
        .iter()
        .any(|k| map.contains_key(*k));
    if named && components.contains(&name) && !map.contains_key("title") {
        name = (2..)
            .map(|n| format!("{name}{n}"))
            .find(|n| !taken.contains(n))
            .unwrap_or_default();
        taken.insert(name.clone());
        map.insert("title".into(), Value::String(name.clone()));
    }
    name_inline(sub, &name, components, taken);
}

/// `s` as it reads inside a JSON string.
fn escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1)].to_owned()
}

/// Whether typify cannot name these enum values: its first try (the
/// values as identifiers) and its second (with `_` and other non-word
/// characters as `X`) both collide, or a name is longer than [`MAX_LEN`].
fn typify_fails(wire: &[String]) -> bool {
    let first: Vec<&str> = wire.iter().map(String::as_str).collect();
    // `needs_rule` says whether a name is long or two collide; `long` is
    // only asked when it says yes (each asks every value's name).
    if !distinct::needs_rule(&first, Case::Pascal) {
        return false;
    }
    let long = first
        .iter()
        .any(|w| distinct::sanitize(w, Case::Pascal, "x").len() > MAX_LEN);
    let second: Vec<String> = wire
        .iter()
        .map(|w| w.replace(|c: char| c == '_' || !is_xid_continue(c), "X"))
        .collect();
    let second: Vec<&str> = second.iter().map(String::as_str).collect();
    long || distinct::needs_rule(&second, Case::Pascal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_named_as_chosen() {
        let mut p = Placeholders::default();
        for i in 0..5 {
            let mark = p.mark("PlusName", "+name");
            assert_eq!(
                distinct::sanitize(&mark, Case::Pascal, "x"),
                "PlusName",
                "{i}"
            );
            let mark = p.mark("date_created_lt", "DateCreated<");
            assert_eq!(
                distinct::sanitize(&mark, Case::Snake, "_"),
                "date_created_lt"
            );
        }
        assert_eq!(p.wire.len(), 10);
    }

    #[test]
    fn only_colliding_enums_and_properties_change() {
        let mut view = json!({
            "fine": {"enum": ["a", "b-c"]},
            "x_second_try": {"enum": ["a-b", "aB"]},
            "sort": {"enum": ["-name", "+name", "id"], "default": "+name"},
            "obj": {"properties": {"isGlobal": {}, "is_global": {}, "other": {}},
                    "required": ["isGlobal"], "example": {"enum": ["+a", "-a"]}}
        });
        let mut p = Placeholders::default();
        p.schemas(&mut view);
        assert_eq!(view["fine"]["enum"], json!(["a", "b-c"]));
        assert_eq!(view["x_second_try"]["enum"], json!(["a-b", "aB"]));
        assert_eq!(view["sort"]["enum"][2], json!("id"));
        let plus = view["sort"]["enum"][1].as_str().unwrap();
        assert_eq!(p.wire[plus], "+name");
        assert_eq!(view["sort"]["default"], json!(plus));
        let props = view["obj"]["properties"].as_object().unwrap();
        assert!(props.contains_key("is_global") && props.contains_key("other"));
        let renamed = view["obj"]["required"][0].as_str().unwrap();
        assert!(props.contains_key(renamed));
        assert_eq!(distinct::sanitize(renamed, Case::Snake, "x"), "is_global_2");
        assert_eq!(view["obj"]["example"], json!({"enum": ["+a", "-a"]}));

        let mut file: syn::File =
            syn::parse_str(&format!("#[serde(rename = {plus:?})] struct S;")).unwrap();
        p.restore(&mut file);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("\"+name\""), "{text}");
    }
}
