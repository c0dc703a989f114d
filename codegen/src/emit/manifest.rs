//! The generated crate's `Cargo.toml`, built as a TOML document: the
//! package from `[crate]`, fixed sections, and the dependencies that the
//! shipped runtime files ([`super::runtime`]), the emitters' own code and
//! progenitor's items need.

use std::collections::BTreeSet;

use syn::visit::Visit;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use crate::backend::bind::{Bound, Sending};
use crate::inputs::config::Config;
use crate::inputs::names::ClientNames;

/// A crate the generated crate may depend on, as `[dependencies]` names it.
pub struct Dependency {
    /// The package name (`serde_json`, `x25519-dalek`).
    pub name: &'static str,
    pub version: &'static str,
    pub default_features: bool,
    pub features: &'static [&'static str],
}

const fn plain(name: &'static str, version: &'static str) -> Dependency {
    Dependency {
        name,
        version,
        default_features: true,
        features: &[],
    }
}

const fn with(
    name: &'static str,
    version: &'static str,
    default_features: bool,
    features: &'static [&'static str],
) -> Dependency {
    Dependency {
        name,
        version,
        default_features,
        features,
    }
}

/// Every crate the generated crate may depend on, sorted. The TLS backend
/// comes from the crate's features (rustls by default).
pub const DEPENDENCIES: &[Dependency] = &[
    // Default features: they provide `aes_gcm::aead::OsRng`.
    plain("aes-gcm", "0.10"),
    plain("base64", "0.22"),
    plain("bytes", "1"),
    with("chrono", "0.4", false, &["serde", "std", "clock"]),
    plain("dotenvy", "0.15"),
    plain("fastrand", "2"),
    plain("futures-core", "0.3"),
    with("futures-util", "0.3", false, &["std"]),
    plain("hex", "0.4"),
    plain("hmac", "0.12"),
    plain("http", "1"),
    plain("httpdate", "1"),
    with("k256", "0.13", false, &["ecdsa", "std"]),
    plain("progenitor-client", "0.15"),
    plain("regress", "0.10"),
    with(
        "reqwest",
        "0.13",
        false,
        &["json", "query", "multipart", "http2", "stream"],
    ),
    with("serde", "1", true, &["derive"]),
    // `raw_value`: error bodies are read through borrowed `RawValue`s
    // rather than parsed whole into a `Value` (runtime/classify.rs).
    with("serde_json", "1", true, &["raw_value"]),
    plain("serde_path_to_error", "0.1"),
    plain("sha2", "0.10"),
    plain("sha3", "0.10"),
    plain("subtle", "2"),
    plain("thiserror", "2"),
    with("tokio", "1", true, &["rt-multi-thread", "time"]),
    plain("tracing", "0.1"),
    with("uuid", "1", true, &["serde"]),
    with("x25519-dalek", "2", true, &["static_secrets"]),
];

/// The crates the emitters' own code names (request builders, paging,
/// unions), whatever the runtime.
pub const EMITTED: &[&str] = &[
    "futures-util",
    "progenitor-client",
    "reqwest",
    "serde",
    "serde_json",
];

/// The crates typify brings in for string formats and patterns; the crate
/// depends on each only where progenitor's items name it.
const FORMATS: &[&str] = &["chrono", "regress", "uuid"];

/// Which of [`FORMATS`] progenitor's items (typify's models, the client,
/// the endpoint methods bound to operations) name as the first segment of
/// a path. Every type the emitters write comes from these.
pub fn format_crates(
    types: &[syn::Item],
    client: &[syn::Item],
    bound: &[Bound],
) -> BTreeSet<&'static str> {
    let mut roots = PathRoots::default();
    for item in types.iter().chain(client) {
        roots.visit_item(item);
    }
    for b in bound {
        if let Sending::Json { raw, .. } = &b.sending {
            roots.visit_impl_item_fn(raw);
        }
    }
    FORMATS
        .iter()
        .copied()
        .filter(|name| roots.0.contains(*name))
        .collect()
}

/// Every path's first segment.
#[derive(Default)]
struct PathRoots(BTreeSet<String>);

impl<'ast> Visit<'ast> for PathRoots {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(first) = path.segments.first() {
            self.0.insert(first.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }
}

/// `Cargo.toml`, depending on `crates` (package names from
/// [`DEPENDENCIES`]; any other is left out).
pub fn cargo_toml(
    config: &Config,
    names: &ClientNames,
    version: &str,
    crates: &BTreeSet<&str>,
) -> String {
    let mut doc = DocumentMut::new();
    doc.insert("package", Item::Table(package(config, version)));
    doc["package"]["metadata"] = implicit_table();
    doc["package"]["metadata"]["docs"] = implicit_table();
    let mut docs_rs = Table::new();
    docs_rs.insert("all-features", toml_edit::value(true));
    docs_rs.insert(
        "rustdoc-args",
        toml_edit::value(strings(&["--cfg", "docsrs"])),
    );
    commented(
        &mut docs_rs,
        &["docs.rs documents every feature and marks the items each one adds."],
    );
    doc["package"]["metadata"]["docs"]["rs"] = Item::Table(docs_rs);
    let mut lib = Table::new();
    lib.insert("test", toml_edit::value(false));
    commented(
        &mut lib,
        &[
            "No unit tests in the crate itself (it is tested from outside), so",
            "`cargo test` builds no empty test harness of it; its doctests still run.",
        ],
    );
    doc.insert("lib", Item::Table(lib));
    doc.insert("features", Item::Table(features(names)));
    let mut dependencies = Table::new();
    for dependency in DEPENDENCIES.iter().filter(|d| crates.contains(d.name)) {
        dependencies.insert(dependency.name, Item::Value(requirement(dependency)));
    }
    doc.insert("dependencies", Item::Table(dependencies));
    let mut dev = Table::new();
    let dev_tokio = with("tokio", "1", true, &["rt-multi-thread", "macros", "time"]);
    dev.insert("tokio", Item::Value(requirement(&dev_tokio)));
    for (name, version) in &config.docs.example_dependencies {
        dev.insert(name, toml_edit::value(version));
    }
    doc.insert("dev-dependencies", Item::Table(dev));
    doc.to_string()
}

/// `[package]`, from `[crate]`.
fn package(config: &Config, version: &str) -> Table {
    let k = &config.krate;
    let mut package = Table::new();
    package.insert("name", toml_edit::value(&k.name));
    package.insert("version", toml_edit::value(version));
    package.insert("edition", toml_edit::value("2021"));
    package.insert("rust-version", toml_edit::value(&k.rust_version));
    package.insert("description", toml_edit::value(&k.description));
    // `--generic` leaves the license of a crate for another API to its owner.
    if !k.license.is_empty() {
        package.insert("license", toml_edit::value(&k.license));
    }
    package.insert("readme", toml_edit::value("README.md"));
    let documentation = format!("https://docs.rs/{}", k.name);
    package.insert("documentation", toml_edit::value(documentation));
    for (key, url) in [("repository", &k.repository), ("homepage", &k.homepage)] {
        if let Some(url) = url {
            package.insert(key, toml_edit::value(url));
        }
    }
    for (key, list) in [("keywords", &k.keywords), ("categories", &k.categories)] {
        if !list.is_empty() {
            package.insert(key, toml_edit::value(list.iter().collect::<Array>()));
        }
    }
    // The generator's record of its last run is of no use to a dependent.
    let exclude = strings(&[crate::render::FINGERPRINT_FILE]);
    package.insert("exclude", toml_edit::value(exclude));
    package
}

/// `[features]`: the TLS backend, and `dynamic`.
fn features(names: &ClientNames) -> Table {
    let mut features = Table::new();
    features.insert("default", toml_edit::value(strings(&["rustls"])));
    features.insert("rustls", toml_edit::value(strings(&["reqwest/rustls"])));
    features.insert(
        "native-tls",
        toml_edit::value(strings(&["reqwest/native-tls"])),
    );
    features.insert("dynamic", toml_edit::value(Array::new()));
    let dynamic_doc = format!(
        "# `{}::call_json`: call an operation by name with JSON arguments.\n",
        names.client
    );
    if let Some(mut key) = features.key_mut("dynamic") {
        key.leaf_decor_mut().set_prefix(dynamic_doc);
    }
    commented(
        &mut features,
        &["TLS: rustls by default; `native-tls` uses the platform's TLS instead."],
    );
    features
}

/// A dependency's requirement: its version alone, or an inline table when
/// it sets features.
fn requirement(dependency: &Dependency) -> Value {
    if dependency.default_features && dependency.features.is_empty() {
        return Value::from(dependency.version);
    }
    let mut table = InlineTable::new();
    table.insert("version", Value::from(dependency.version));
    if !dependency.default_features {
        table.insert("default-features", Value::from(false));
    }
    table.insert("features", Value::Array(strings(dependency.features)));
    Value::InlineTable(table)
}

fn strings(items: &[&str]) -> Array {
    items.iter().copied().collect()
}

/// A table that only holds tables (`[package.metadata]`), not printed itself.
fn implicit_table() -> Item {
    let mut table = Table::new();
    table.set_implicit(true);
    Item::Table(table)
}

/// Puts `lines` as `#` comments above the table's header, after a blank line.
fn commented(table: &mut Table, lines: &[&str]) {
    let comment: String = lines.iter().map(|line| format!("# {line}\n")).collect();
    table.decor_mut().set_prefix(format!("\n{comment}"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn dependencies_are_sorted_and_unique() {
        let names: Vec<&str> = super::DEPENDENCIES.iter().map(|d| d.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn every_crate_named_is_a_dependency() {
        let known = |name: &&str| super::DEPENDENCIES.iter().any(|d| d.name == *name);
        for file in super::super::runtime::RUNTIME {
            assert!(file.crates.iter().all(known), "{}", file.path);
        }
        assert!(super::EMITTED.iter().chain(super::FORMATS).all(known));
    }
}
