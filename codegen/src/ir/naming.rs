//! The naming layer: operationId -> Rust method name, component schema ->
//! Rust type name. Names never change silently: two methods on one name
//! are an error; two components on one type name are told apart by a
//! documented rule ([`told_apart`]).
//!
//! Method names, in order of precedence:
//! 1. `[operation_names]` in `spec/phala-codegen.toml`;
//! 2. the Python SDK's method name from `python-sdk-names.tsv` (when several
//!    Python methods send the same request, `[python_names.primary]` picks);
//! 3. the rule: the operationId up to FastAPI's `_api_v1_...` route suffix,
//!    without a leading `handle_`.
//!
//! Type names: a FastAPI module-qualified name
//! (`teehouse__api__routes__cvms__v20260121__schemas__CVMInfo`) keeps its last
//! segment plus a `V{yyyymmdd}` suffix for a versioned module; when two such
//! names would clash, the nearest module segments are prepended until they
//! differ (`AdminCreditsPaginatedCreditTransactions`). `Body_{operationId}`
//! becomes `{Method}Body` (by the rule when the operation is gone). All names are UpperCamelCase; `[type_names]` wins.

use std::collections::BTreeMap;
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::inputs::config::Config;
use crate::inputs::overrides::{Overrides, Table};
use crate::spec::document;

/// The Python SDK's names for one operation, from the measured table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PythonNames {
    /// operationId -> every Python method seen sending that request.
    pub by_operation: BTreeMap<String, Vec<String>>,
}

impl PythonNames {
    /// Reads `python-sdk-names.tsv` (`python_method http_method path operation_id`).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut by_operation: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut header_seen = false;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 4 {
                return Err(Error::Table {
                    path: path.to_owned(),
                    line: i + 1,
                    message: format!("expected 4 tab-separated columns, found {}", cols.len()),
                });
            }
            if !header_seen {
                header_seen = true;
                if cols[0] == "python_method" {
                    continue;
                }
            }
            if cols[3] != "-" {
                by_operation
                    .entry(cols[3].to_owned())
                    .or_default()
                    .push(cols[0].to_owned());
            }
        }
        by_operation.values_mut().for_each(|v| v.sort());
        Ok(PythonNames { by_operation })
    }
}

/// The names chosen for one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationName {
    pub method: String,
    /// Other Python SDK names that send the same request.
    pub python_aliases: Vec<String>,
}

/// Every name the generator will use.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// operationId -> names.
    pub operations: BTreeMap<String, OperationName>,
    /// original component name -> Rust type name (only those that change).
    pub types: BTreeMap<String, String>,
}

/// Chooses method and type names for the raw (un-normalized) document.
pub fn name_everything(
    doc: &Value,
    spec_path: &Path,
    config: &Config,
    python: &PythonNames,
    overrides: &mut Overrides,
) -> Result<Names> {
    for (_, _, _, op) in document::operations(doc) {
        if let Some(op_id) = op.get("operationId").and_then(Value::as_str) {
            overrides.read(Table::OperationNames, op_id);
            overrides.read(Table::PythonPrimary, op_id);
        }
    }
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for schema in schemas.into_iter().flat_map(|s| s.keys()) {
        overrides.read(Table::TypeNames, schema);
    }
    let operations = operation_names(doc, spec_path, config, python)?;
    let types = type_names(doc, config, &operations)?;
    Ok(Names { operations, types })
}

fn operation_names(
    doc: &Value,
    spec_path: &Path,
    config: &Config,
    python: &PythonNames,
) -> Result<BTreeMap<String, OperationName>> {
    let mut out = BTreeMap::new();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for (path, method, _, op) in document::operations(doc) {
        let Some(op_id) = op.get("operationId").and_then(Value::as_str) else {
            return Err(Error::MissingOperationId {
                path: spec_path.to_owned(),
                method: method.to_uppercase(),
                api_path: path.clone(),
                pointer: crate::ir::operation_pointer(path, method),
            });
        };
        let py = python.by_operation.get(op_id).cloned().unwrap_or_default();
        let by_rule = !config.operation_names.contains_key(op_id) && py.is_empty();
        let name = match config.operation_names.get(op_id) {
                Some(n) => n.clone(),
                None => match py.as_slice() {
                    [] => method_name(op_id, method, path, op),
                    [one] => one.clone(),
                    several => config
                        .python_names
                        .primary
                        .get(op_id)
                        .filter(|p| several.contains(p))
                        .cloned()
                        .ok_or_else(|| Error::Config {
                            path: config.inputs.python_names.clone().unwrap_or_default(),
                            message: format!(
                                "operation {op_id} has several Python names ({}); choose one in [python_names.primary]",
                                several.join(", ")
                            ),
                        })?,
                },
            };
        // Two routes whose FastAPI function has one name: the later one
        // keeps its whole operationId.
        let name = if by_rule && taken.contains_key(&name) {
            rule_name(op_id)
        } else {
            name
        };
        check_identifier(&name, op_id)?;
        let where_ = format!("`{} {path}` ({op_id})", method.to_uppercase());
        if let Some(first) = taken.insert(name.clone(), where_.clone()) {
            return Err(Error::Collision {
                what: "method",
                name,
                first,
                second: where_,
            });
        }
        let python_aliases = py.into_iter().filter(|p| *p != name).collect();
        out.insert(
            op_id.to_owned(),
            OperationName {
                method: name,
                python_aliases,
            },
        );
    }
    check_reserved(&out)?;
    Ok(out)
}

/// An operation's method must not take a name the clients already have
/// (`new`, `raw`, `builder`, ...), nor the `safe_` twin of another one.
fn check_reserved(ops: &BTreeMap<String, OperationName>) -> Result<()> {
    let own = client_methods();
    let methods: Vec<&str> = ops.values().map(|o| o.method.as_str()).collect();
    for (op_id, op) in ops {
        let name = op.method.as_str();
        let clash = if own.contains(name) {
            Some("a method the client types already have".to_owned())
        } else {
            name.strip_prefix("safe_")
                .filter(|rest| methods.contains(rest))
                .map(|rest| format!("the `safe_` twin of operation method `{rest}`"))
        };
        if let Some(clash) = clash {
            return Err(Error::Reserved {
                what: "method".into(),
                name: name.to_owned(),
                clash,
                place: format!("operation `{op_id}`"),
            });
        }
    }
    Ok(())
}

/// The inherent methods of the runtime's async and blocking clients (read
/// from their sources, so the list cannot go stale), their `safe_` forms,
/// and the emitted `call_json`. The sources name the client as the runtime
/// is written, not as the configuration does: the brand renames them only
/// when they are copied into a crate.
fn client_methods() -> std::collections::BTreeSet<String> {
    let client = crate::inputs::names::ClientNames::runtime().client;
    let mut names = std::collections::BTreeSet::from(["call_json".to_owned()]);
    let sources = [
        include_str!("../../runtime/client.rs"),
        include_str!("../../runtime/blocking.rs"),
        include_str!("../../runtime/request.rs"),
    ];
    for file in sources.iter().filter_map(|s| syn::parse_file(s).ok()) {
        for item in file.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let is_client =
                matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident(client.as_str()));
            if !is_client || block.trait_.is_some() {
                continue;
            }
            for f in block.items {
                if let syn::ImplItem::Fn(f) = f {
                    let name = f.sig.ident.to_string();
                    names.insert(format!("safe_{name}"));
                    names.insert(name);
                }
            }
        }
    }
    names
}

/// The name of an operation neither the config nor the Python table names:
/// a method name the spec gives in an `x-...-sdk-method-name` extension (as
/// `x-speakeasy-name-override`-style tooling does), else [`rule_name`] of
/// the operationId without FastAPI's default suffix (the route with
/// non-word characters as `_`, then `_` and the method:
/// `read_flow_flows__id__get` for `GET /flows/{id}` -> `read_flow`).
pub fn method_name(op_id: &str, method: &str, path: &str, op: &Value) -> String {
    let declared = op
        .as_object()
        .into_iter()
        .flatten()
        .find_map(|(key, value)| {
            let named = key.starts_with("x-")
                && (key.ends_with("sdk-method-name") || key == "x-method-name");
            named.then(|| value.as_str()).flatten()
        });
    if let Some(name) = declared.filter(|n| !n.trim().is_empty()) {
        return name.to_snake_case();
    }
    if op.get(crate::spec::fill::FILLED) == Some(&Value::Bool(true)) {
        // Already a method name, made from method and path by `fill`.
        return op_id.to_owned();
    }
    let route: String = path
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let suffix = format!("{route}_{method}");
    let base = op_id
        .strip_suffix(&suffix)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(op_id);
    rule_name(base)
}

/// The documented rule for operations the Python SDK does not call.
pub fn rule_name(op_id: &str) -> String {
    let base = op_id.split("_api_v1_").next().unwrap_or(op_id);
    let base = base.strip_prefix("handle_").unwrap_or(base);
    // Canonical snake_case (`a__b` -> `a_b`): progenitor applies the same to
    // the operationIds it is given, and the two must agree.
    base.to_snake_case()
}

fn check_identifier(name: &str, op_id: &str) -> Result<()> {
    // Canonical: progenitor snake-cases the names it is given, and the
    // operation layer finds progenitor's methods by name.
    let ok =
        name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && name == name.to_snake_case();
    if ok && syn::parse_str::<syn::Ident>(name).is_ok() {
        Ok(())
    } else {
        Err(Error::Unsupported {
            operation: op_id.to_owned(),
            pointer: "operationId".to_owned(),
            message: format!("method name {name:?} is not a canonical snake_case Rust identifier"),
        })
    }
}

/// Segments of a FastAPI module path that say nothing about the type.
const NOISE: [&str; 5] = ["teehouse", "api", "routes", "models", "schemas"];

struct Qualified {
    original: String,
    modules: Vec<String>,
    base: String,
    version: String,
}

fn type_names(
    doc: &Value,
    config: &Config,
    operations: &BTreeMap<String, OperationName>,
) -> Result<BTreeMap<String, String>> {
    let schemas: Vec<&String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys())
        .collect();
    let mut chosen: BTreeMap<String, String> = BTreeMap::new();
    let mut qualified = Vec::new();
    for name in &schemas {
        if let Some(op_id) = name.strip_prefix("Body_") {
            // A body schema left behind by an operation the spec no longer
            // has is named by the rule, as that operation would have been.
            let method = operations
                .get(op_id)
                .map_or_else(|| rule_name(op_id), |op| op.method.clone());
            chosen.insert(
                (*name).clone(),
                format!("{}Body", method.to_upper_camel_case()),
            );
            continue;
        }
        if name.contains("__") {
            qualified.push(split_qualified(name));
        } else {
            chosen.insert((*name).clone(), name.to_upper_camel_case());
        }
    }
    for q in &qualified {
        let mut depth = 0;
        let name = loop {
            let candidate = qualified_name(q, depth);
            let clashes = qualified.iter().any(|other| {
                other.original != q.original && qualified_name(other, depth) == candidate
            });
            if !clashes || depth >= q.modules.len() {
                break candidate;
            }
            depth += 1;
        };
        chosen.insert(q.original.clone(), name);
    }
    for (from, to) in &config.type_names {
        let usable = crate::ident::RustIdent::new(to).is_ok() && *to == to.to_upper_camel_case();
        if !usable {
            return Err(Error::Config {
                path: config.source.clone(),
                message: format!(
                    "[type_names] `{from}` = {to:?}: a type name must be an UpperCamelCase Rust identifier, e.g. `{}`",
                    crate::ident::RustIdent::suggest(to).to_upper_camel_case()
                ),
            });
        }
        chosen.insert(from.clone(), to.clone());
    }
    told_apart(&mut chosen, config)?;
    chosen.retain(|original, rust| original != rust);
    Ok(chosen)
}

/// Components that the rule names alike (`NullTime` and `nullTime`) are
/// told apart: the one `[type_names]` names, else the one whose name
/// already is the type name, else the first in sorted order keeps it; each
/// other gets the first free `{name}2`, `{name}3`, ... Two components that
/// `[type_names]` gives one name are an error naming both.
fn told_apart(chosen: &mut BTreeMap<String, String>, config: &Config) -> Result<()> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (original, rust) in chosen.iter() {
        by_name
            .entry(rust.clone())
            .or_default()
            .push(original.clone());
    }
    let mut taken: std::collections::BTreeSet<String> = by_name.keys().cloned().collect();
    for (rust, mut originals) in by_name {
        if originals.len() < 2 {
            continue;
        }
        let configured: Vec<&String> = originals
            .iter()
            .filter(|o| config.type_names.contains_key(*o))
            .collect();
        if let [first, second, ..] = configured.as_slice() {
            return Err(Error::Collision {
                what: "type",
                name: rust.clone(),
                first: format!("component `{first}`"),
                second: format!("component `{second}`"),
            });
        }
        originals.sort_by_key(|o| (!config.type_names.contains_key(o), *o != rust, o.clone()));
        for original in originals.iter().skip(1) {
            let name = (2..)
                .map(|n| format!("{rust}{n}"))
                .find(|n| !taken.contains(n))
                .unwrap_or_default();
            taken.insert(name.clone());
            chosen.insert(original.clone(), name);
        }
    }
    Ok(())
}

fn split_qualified(name: &str) -> Qualified {
    let segments: Vec<&str> = name
        .split("__")
        .map(|s| s.trim_start_matches('_'))
        .collect();
    let (base, modules) = segments
        .split_last()
        .map_or((name, &[][..]), |(b, m)| (*b, m));
    let is_version =
        |s: &&str| s.len() == 9 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit());
    let version = modules
        .iter()
        .find(|s| is_version(s))
        .map_or(String::new(), |v| v.to_upper_camel_case());
    let modules = modules
        .iter()
        .filter(|s| !is_version(s) && !NOISE.contains(s) && !s.is_empty())
        .map(|s| s.to_string())
        .collect();
    Qualified {
        original: name.to_owned(),
        modules,
        base: base.to_upper_camel_case(),
        version,
    }
}

fn qualified_name(q: &Qualified, depth: usize) -> String {
    let start = q.modules.len().saturating_sub(depth);
    let prefix: String = q.modules[start..]
        .iter()
        .map(|m| m.to_upper_camel_case())
        .collect();
    format!("{prefix}{}{}", q.base, q.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_strips_route_suffix_and_handle_prefix() {
        assert_eq!(
            rule_name("handle_get_cvm_api_v1_cvms__cvm_id__get"),
            "get_cvm"
        );
        assert_eq!(
            rule_name("list_webhooks_api_v1_workspace_webhooks_get"),
            "list_webhooks"
        );
        assert_eq!(rule_name("a__b_v1_x__y_post"), "a_b_v1_x_y_post");
    }

    #[test]
    fn fastapi_suffixes_go_for_any_route() {
        let op = Value::Null;
        assert_eq!(
            method_name("read_flow_flows__id__get", "get", "/flows/{id}", &op),
            "read_flow"
        );
        assert_eq!(
            method_name("read_flows_flows_filter_post", "post", "/flows/filter", &op),
            "read_flows"
        );
        assert_eq!(
            method_name(
                "handle_get_cvm_api_v1_cvms__cvm_id__get",
                "get",
                "/api/v1/cvms/{cvm_id}",
                &op
            ),
            "get_cvm"
        );
        // Not FastAPI's shape: only snake-cased.
        assert_eq!(
            method_name("uploadAsset", "post", "/assets", &op),
            "upload_asset"
        );
        // Only a suffix is stripped, never the whole id.
        assert_eq!(method_name("_flows_get", "get", "/flows", &op), "flows_get");
        // An endpoint moved under the same operationId keeps its name.
        assert_eq!(
            method_name(
                "handle_get_thing_api_v1_things__id__get",
                "get",
                "/api/v1/parts/{id}",
                &op
            ),
            "get_thing"
        );
        // An id `fill` made is the name as it is.
        let filled = serde_json::json!({ (crate::spec::fill::FILLED): true });
        assert_eq!(
            method_name(
                "get_api_v1_things_by_id",
                "get",
                "/api/v1/things/{id}",
                &filled
            ),
            "get_api_v1_things_by_id"
        );
        let declared = serde_json::json!({"x-acme-sdk-method-name": "listAll"});
        assert_eq!(method_name("whatever", "get", "/x", &declared), "list_all");
    }

    #[test]
    fn components_named_alike_are_told_apart() {
        let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {}, "components": {"schemas": {
                "nullTime": {}, "NullTime": {}, "null_time": {}, "NullTime2": {}}}});
        let path = Path::new("spec.json");
        let config = crate::inputs::generic::config(path, &doc, Path::new("out"), None).unwrap();
        let types = type_names(&doc, &config, &BTreeMap::new()).unwrap();
        assert_eq!(types.get("nullTime").map(String::as_str), Some("NullTime3"));
        assert_eq!(
            types.get("null_time").map(String::as_str),
            Some("NullTime4")
        );
        assert!(!types.contains_key("NullTime") && !types.contains_key("NullTime2"));
    }

    #[test]
    fn qualified_names_grow_until_unique() {
        let names: Vec<Qualified> = [
            "teehouse__api__routes__admin__credits__PaginatedCreditTransactions",
            "teehouse__api__routes__billing__credits__PaginatedCreditTransactions",
            "teehouse__api__routes__cvms__v20260121__schemas__CVMInfo",
        ]
        .iter()
        .map(|n| split_qualified(n))
        .collect();
        assert_eq!(
            qualified_name(&names[0], 2),
            "AdminCreditsPaginatedCreditTransactions"
        );
        assert_eq!(
            qualified_name(&names[1], 1),
            "CreditsPaginatedCreditTransactions"
        );
        assert_eq!(qualified_name(&names[2], 0), "CvmInfoV20260121");
    }
}
