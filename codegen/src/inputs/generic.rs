//! `--generic`: the configuration for any OpenAPI spec, read from the spec
//! itself, with nothing Phala-specific. The crate and client are named
//! after `info.title` (or `--name`), the base URL is the first server, the
//! key goes where the first supported security scheme says, and no version
//! header is sent.

use std::collections::BTreeMap;
use std::path::Path;

use heck::{ToKebabCase, ToShoutySnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::inputs::config::{
    ApiVersions, Auth, ClientSettings, Config, CrateMeta, Inputs, Output, PythonNames, Skip,
};

/// The configuration `--generic` uses for the spec `doc` (read from
/// `spec`), writing to `out`; `name` overrides the crate name.
pub fn config(spec: &Path, doc: &Value, out: &Path, name: Option<&str>) -> Result<Config> {
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or("API");
    let crate_name = match name {
        Some(n) => n.to_owned(),
        None => crate_name(title),
    };
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("1")
        .to_owned();
    let krate = CrateMeta {
        name: crate_name.clone(),
        version: "0.1.0".into(),
        description: format!(
            "Typed Rust client for the {title} API, generated from its OpenAPI spec."
        ),
        license: String::new(),
        copyright: None,
        rust_version: "1.88".into(),
        repository: None,
        homepage: None,
        keywords: Vec::new(),
        categories: crate::inputs::config::default_categories(),
    };
    krate.check_name(spec)?;
    let client = ClientSettings {
        name: client_name(&crate_name),
        title: title.to_owned(),
        env_prefix: crate_name.to_shouty_snake_case(),
        base_url: base_url(doc),
        path_prefix: String::new(),
        version_header: None,
        auth: auth(doc),
        phala_modules: false,
        user_agent: format!("{crate_name}-rust"),
        watch: None,
    };
    check_client_name(&client.name, &crate_name, spec)?;
    Ok(Config {
        source: spec.to_owned(),
        inputs: Inputs {
            spec: spec.to_owned(),
            error_catalog: None,
            python_names: None,
            overlays: None,
        },
        output: Output {
            dir: out.to_owned(),
        },
        krate,
        api: ApiVersions {
            default_version: version.clone(),
            supported_versions: vec![version],
            pins: BTreeMap::new(),
            variants: BTreeMap::new(),
        },
        client,
        python_names: PythonNames::default(),
        operation_names: BTreeMap::new(),
        type_names: BTreeMap::new(),
        error_code_names: BTreeMap::new(),
        method_examples: BTreeMap::new(),
        skip: Skip::default(),
        docs: Default::default(),
        skip_unsupported: false,
        allow_unused_overrides: false,
    })
}

/// The client type is named after the crate; `--name` fixes a name that
/// is no Rust identifier.
fn check_client_name(client: &str, crate_name: &str, spec: &Path) -> Result<()> {
    if syn::parse_str::<syn::Ident>(client).is_err() {
        return Err(Error::Config {
            path: spec.to_owned(),
            message: format!(
                "the client name {client:?} (from {crate_name:?}) is not a Rust identifier; pass --name"
            ),
        });
    }
    Ok(())
}

/// `--generic --config FILE`: the derived configuration `base` with every
/// key FILE sets replacing the derived one; tables merge key by key, so a
/// file with only `[client] base_url = ".."` changes only the base URL.
/// Relative paths in FILE (`inputs.*`, `output.dir`, `docs.guide`,
/// `docs.readme`, `docs.examples`) are
/// taken against its directory. The result is checked like any configuration file.
pub fn refine(base: &Config, path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut overlay: toml::Table =
        toml::from_str(&text).map_err(|e| crate::inputs::config::toml_error(path, &text, e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    for (table, key) in [
        ("inputs", "spec"),
        ("inputs", "error_catalog"),
        ("inputs", "python_names"),
        ("inputs", "overlays"),
        ("output", "dir"),
        ("docs", "guide"),
        ("docs", "readme"),
        ("docs", "examples"),
    ] {
        if let Some(toml::Value::String(p)) = overlay
            .get_mut(table)
            .and_then(toml::Value::as_table_mut)
            .and_then(|t| t.get_mut(key))
        {
            if Path::new(p.as_str()).is_relative() {
                *p = dir.join(&*p).to_string_lossy().into_owned();
            }
        }
    }
    let invalid = |message: String| Error::Config {
        path: path.to_owned(),
        message,
    };
    let mut merged = toml::Table::try_from(base).map_err(|e| invalid(e.to_string()))?;
    merge(&mut merged, overlay);
    let mut config: Config = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
    config.source = path.to_owned();
    config.krate.check_name(path)?;
    config.krate.semver(path)?;
    Ok(config)
}

/// `overlay`'s keys over `base`'s, tables merged recursively.
fn merge(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// `"Prefect Server"` -> `prefect-server`; a title that gives nothing
/// usable gives `api-client`.
pub fn crate_name(title: &str) -> String {
    let ascii: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let name = ascii.to_kebab_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        Some(_) => format!("api-{name}"),
        None => "api-client".into(),
    }
}

/// `prefect-server` -> `PrefectServer`; a name whose client, error or
/// builder type would clash with a runtime or prelude type (`api` ->
/// `ApiError`, `vec`) gets `Client` after it (`ApiClient`).
fn client_name(crate_name: &str) -> String {
    let name = crate_name.to_upper_camel_case();
    match crate::inputs::names::clash(&name) {
        Some(_) => format!("{name}Client"),
        None => name,
    }
}

/// The first server's URL with its variables at their defaults; a relative
/// URL (`/api`) is taken against `http://localhost`, and the caller sets
/// the real one with `base_url`.
fn base_url(doc: &Value) -> String {
    let Some(server) = doc.pointer("/servers/0") else {
        return "http://localhost".into();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("/")
        .to_owned();
    if let Some(vars) = server.get("variables").and_then(Value::as_object) {
        for (name, var) in vars {
            if let Some(default) = var.get("default").and_then(Value::as_str) {
                url = url.replace(&format!("{{{name}}}"), default);
            }
        }
    }
    let url = url.trim_end_matches('/');
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else {
        format!("http://localhost/{}", url.trim_start_matches('/'))
            .trim_end_matches('/')
            .to_owned()
    }
}

/// How the key is sent: the first scheme the spec's top-level `security`
/// names that the client supports, else the first supported scheme
/// declared. A cookie key is not supported (the caller can set the header).
pub fn auth(doc: &Value) -> Auth {
    let schemes = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    let of = |scheme: &Value| -> Option<Auth> {
        let kind = scheme.get("type").and_then(Value::as_str)?;
        let name = || {
            scheme
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match (kind, scheme.get("in").and_then(Value::as_str)) {
            ("apiKey", Some("header")) => name().map(Auth::Header),
            ("apiKey", Some("query")) => name().map(Auth::Query),
            ("http", _) => match scheme
                .get("scheme")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("bearer") => Some(Auth::Bearer),
                Some("basic") => Some(Auth::Basic),
                _ => None,
            },
            ("oauth2" | "openIdConnect", _) => Some(Auth::Bearer),
            _ => None,
        }
    };
    let required = doc
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|req| req.keys());
    let preferred = required
        .filter_map(|name| schemes.and_then(|s| s.get(name)))
        .find_map(of);
    preferred
        .or_else(|| schemes.into_iter().flat_map(|s| s.values()).find_map(of))
        .unwrap_or(Auth::None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_come_from_the_title() {
        assert_eq!(crate_name("Prefect Server"), "prefect-server");
        assert_eq!(crate_name("InvenTree API"), "inven-tree-api");
        assert_eq!(crate_name("3D printers"), "api-3d-printers");
        assert_eq!(crate_name("!!!"), "api-client");
        assert_eq!(client_name("prefect-server"), "PrefectServer");
        // Names whose client or error type the runtime or std already has.
        for (title, client) in [
            ("", "ApiClient"),
            ("Server", "ServerClient"),
            ("Request", "RequestClient"),
            ("Validation", "ValidationClient"),
            ("Auth", "AuthClient"),
            ("Business", "BusinessClient"),
            ("Vec", "VecClient"),
            ("Result", "ResultClient"),
        ] {
            let doc = json!({"info": {"title": title}});
            let config = config(Path::new("s.json"), &doc, Path::new("out"), None).unwrap();
            assert_eq!(config.client.name, client, "{title:?}");
            crate::inputs::names::ClientNames::of(&config).unwrap();
        }
    }

    #[test]
    fn base_url_from_servers() {
        let doc = json!({"servers": [{"url": "https://{host}/v1/", "variables": {"host": {"default": "api.example.com"}}}]});
        assert_eq!(base_url(&doc), "https://api.example.com/v1");
        assert_eq!(
            base_url(&json!({"servers": [{"url": "/api"}]})),
            "http://localhost/api"
        );
        assert_eq!(base_url(&json!({})), "http://localhost");
    }

    #[test]
    fn auth_prefers_the_required_scheme() {
        let doc = json!({
            "security": [{"cookie": []}, {"bearer": []}],
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
                "bearer": {"type": "http", "scheme": "bearer"}
            }}
        });
        assert_eq!(auth(&doc), Auth::Bearer);
        let doc = json!({"components": {"securitySchemes": {
            "cookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "key": {"type": "apiKey", "in": "query", "name": "api_key"}
        }}});
        assert_eq!(auth(&doc), Auth::Query("api_key".into()));
        assert_eq!(auth(&json!({})), Auth::None);
        let basic =
            json!({"components": {"securitySchemes": {"b": {"type": "http", "scheme": "Basic"}}}});
        assert_eq!(auth(&basic), Auth::Basic);
    }
}
