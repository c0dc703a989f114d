//! `spec/phala-codegen.toml`: where the inputs live, crate metadata, API
//! versions and the naming tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The configuration file, as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The file this was read from.
    #[serde(skip)]
    pub source: PathBuf,
    pub inputs: Inputs,
    pub output: Output,
    #[serde(rename = "crate")]
    pub krate: CrateMeta,
    pub api: ApiVersions,
    pub client: ClientSettings,
    #[serde(default)]
    pub python_names: PythonNames,
    /// operationId -> method name; wins over the Python table and the rule.
    #[serde(default)]
    pub operation_names: BTreeMap<String, String>,
    /// component schema name -> Rust type name; wins over the cleaning rule.
    #[serde(default)]
    pub type_names: BTreeMap<String, String>,
    /// error code (`ERR-02-006`) -> constant name; wins over the class rule.
    #[serde(default)]
    pub error_code_names: BTreeMap<String, String>,
    /// Method name -> a short example for its docs: the body of an async
    /// function that has `client` (the async client) in scope and returns
    /// `Result<(), Box<dyn std::error::Error>>`, so `?` works. Each becomes
    /// a `no_run` doctest, compiled by `cargo test --doc`.
    #[serde(default)]
    pub method_examples: BTreeMap<String, String>,
    /// Operations left out of the generated crate.
    #[serde(default)]
    pub skip: Skip,
    /// Documentation shipped with the crate.
    #[serde(default)]
    pub docs: Docs,
    /// Leave out every operation the generator cannot support, and type
    /// every component schema typify rejects as any JSON, listing each,
    /// instead of failing (set by `--skip-unsupported`).
    #[serde(skip)]
    pub skip_unsupported: bool,
    /// Accept overrides that match nothing in the inputs (set by
    /// `--allow-unused-overrides`, for generating from an older spec).
    /// Otherwise each one is an error: a key that an upstream rename left
    /// behind must not silently drop its fix.
    #[serde(skip)]
    pub allow_unused_overrides: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    pub spec: PathBuf,
    /// The error-code catalog; without one, `error_codes` has no constants.
    #[serde(default)]
    pub error_catalog: Option<PathBuf>,
    /// The Python SDK's method names; without them, every method is named
    /// by the rule.
    #[serde(default)]
    pub python_names: Option<PathBuf>,
    /// A directory of OpenAPI Overlay 1.0.0 documents applied to the spec
    /// in file-name order (see [`crate::spec::overlay`]); none when absent.
    #[serde(default)]
    pub overlays: Option<PathBuf>,
}

/// What the generated client is called and sends: everything the runtime
/// would otherwise hard-code for one API.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    /// The client type (`PhalaCloud`); its builder and error types are
    /// named after it (`PhalaCloudBuilder`, `PhalaCloudError`).
    pub name: String,
    /// The API's name in the docs (`Phala Cloud`).
    pub title: String,
    /// Prefix of the environment variables read: `<PREFIX>_API_KEY` and
    /// `<PREFIX>_API_PREFIX` (the base URL).
    pub env_prefix: String,
    /// The default base URL.
    pub base_url: String,
    /// A prefix every spec path starts with (`/api/v1`), removed from a
    /// base URL that ends with it so that it is never doubled.
    #[serde(default)]
    pub path_prefix: String,
    /// The header carrying the API version, if the API has one.
    #[serde(default)]
    pub version_header: Option<String>,
    /// How the API key is sent.
    pub auth: Auth,
    /// Ship the Phala Cloud modules (`env`, `webhook`, `precondition`, the
    /// state watch) and the Phala error guide.
    #[serde(default)]
    pub phala_modules: bool,
    /// Prefix of the default `User-Agent` (`phala-cloud-rust`).
    pub user_agent: String,
    /// The operation the state watch (the runtime's `watch` module and the
    /// client's waiters) is built on. The watch ships only when the API has
    /// it; None: no watch.
    #[serde(default)]
    pub watch: Option<WatchOperation>,
}

/// `[client] watch`: the operation whose response is a resource's state.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WatchOperation {
    /// Its method name (`get_cvm_state`).
    pub operation: String,
    /// How its path ends (`/cvms/{cvm_id}/state`).
    pub path_suffix: String,
    /// The model it returns (`CvmStateResponse`).
    pub returns: String,
}

/// How the API key is sent on every request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// In this header, as it is (`{ header = "X-API-Key" }`).
    Header(String),
    /// As this query parameter.
    Query(String),
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic <base64 of the key>`; the key is `user:password`.
    Basic,
    /// No key is sent.
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CrateMeta {
    pub name: String,
    pub version: String,
    pub description: String,
    /// An SPDX expression; `MIT OR Apache-2.0` when absent. The text of
    /// each of MIT and Apache-2.0 it names ships with the crate
    /// (`LICENSE-MIT`, `LICENSE-APACHE`). Empty: no license at all, left to
    /// the crate's owner (`--generic`).
    #[serde(default = "default_license")]
    pub license: String,
    /// The holder named in `LICENSE-MIT`'s copyright line; by default
    /// "The <name> authors".
    #[serde(default)]
    pub copyright: Option<String>,
    /// The generated crate's `rust-version` (MSRV): the floor its
    /// dependencies declare (progenitor-client and reqwest's ICU stack: 1.88).
    #[serde(default = "default_rust_version")]
    pub rust_version: String,
    /// The source repository's URL, when the crate has a public home.
    #[serde(default)]
    pub repository: Option<String>,
    /// The project's home page, if it is not the repository.
    #[serde(default)]
    pub homepage: Option<String>,
    /// At most five keywords for the crate registry (ASCII letters,
    /// digits, `-`, `_`; up to 20 characters each).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The crate registry's category slugs; `api-bindings` and
    /// `web-programming::http-client` when absent.
    #[serde(default = "default_categories")]
    pub categories: Vec<String>,
}

fn default_rust_version() -> String {
    "1.88".to_owned()
}

fn default_license() -> String {
    "MIT OR Apache-2.0".to_owned()
}

/// The categories of any generated API client.
pub fn default_categories() -> Vec<String> {
    vec![
        "api-bindings".to_owned(),
        "web-programming::http-client".to_owned(),
    ]
}

impl CrateMeta {
    /// A crate name as Cargo accepts it: ASCII letters, digits, `-` and
    /// `_`, starting with a letter.
    pub fn check_name(&self, config_path: &Path) -> Result<()> {
        let name = &self.name;
        let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            return Ok(());
        }
        let suggestion: String = name
            .trim()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        Err(Error::Config {
            path: config_path.to_owned(),
            message: format!(
                "crate.name {name:?} is not a crate name (ASCII letters, digits, `-`, `_`, starting with a letter); e.g. {:?}",
                suggestion.trim_matches('-')
            ),
        })
    }

    /// Keywords as the crate registry accepts them (`cargo publish` would
    /// refuse the crate otherwise).
    pub fn check_keywords(&self, config_path: &Path) -> Result<()> {
        let bad = self.keywords.iter().find(|k| {
            k.is_empty()
                || k.len() > 20
                || !k.starts_with(|c: char| c.is_ascii_alphabetic())
                || !k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        let message = match bad {
            _ if self.keywords.len() > 5 => format!(
                "crate.keywords has {} keywords; the crate registry takes at most 5",
                self.keywords.len()
            ),
            Some(k) => format!(
                "crate.keywords {k:?} is not a keyword the crate registry takes (ASCII letters, digits, `-`, `_`, starting with a letter, at most 20 characters)"
            ),
            None => return Ok(()),
        };
        Err(Error::Config {
            path: config_path.to_owned(),
            message,
        })
    }

    /// `version` as semver; the version of a first generation and the floor
    /// of every later one (the generator bumps from the previous release).
    pub fn semver(&self, config_path: &Path) -> Result<semver::Version> {
        semver::Version::parse(&self.version).map_err(|e| Error::Config {
            path: config_path.to_owned(),
            message: format!(
                "crate.version {:?} is not a semver version: {e}",
                self.version
            ),
        })
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiVersions {
    pub default_version: String,
    pub supported_versions: Vec<String>,
    /// Method name -> the `X-Phala-Version` that operation always sends,
    /// whatever the client's (the Python SDK pins these per method).
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
    /// Method name -> a method of its own for another operation's request,
    /// pinned to an API version at which the server answers with another
    /// model (the same path serves KMS nodes before 2026-06-23 and KMS
    /// contracts from it).
    #[serde(default)]
    pub variants: BTreeMap<String, Variant>,
}

/// One `[api.variants]` entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The method whose request this one sends.
    pub of: String,
    /// The API version it always sends.
    pub version: String,
    /// The component schema (as the spec names it) of its response.
    pub returns: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Skip {
    /// operationIds of operations not to generate, e.g. ones the
    /// generator cannot support yet; each is listed in the crate's docs.
    #[serde(default)]
    pub operations: Vec<String>,
}

/// `[docs]`: documentation written for the crate's users.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// A directory of Markdown guide pages (`guide = "guide"`), relative
    /// to this file. Each `*.md` page is copied into the crate and becomes
    /// a doc-only module of its `guide` module, whose code blocks are
    /// doctests (see `emit/guide.rs`). None: no guide.
    #[serde(default)]
    pub guide: Option<PathBuf>,
    /// The call the README's examples make, without `.await`
    /// (`client.get_cvm_info("my-cvm-id")`). None: the first GET operation
    /// whose required arguments are all strings or integers.
    #[serde(default)]
    pub example_call: Option<String>,
    /// The crate docs' `# Paging` example: the body of an async fn with
    /// `client` in scope that returns the client's `Result`. None: no
    /// such section.
    #[serde(default)]
    pub paging_example: Option<String>,
    /// A Markdown section of the README for this API's daily job, inserted
    /// after the quickstart (`readme = "readme.md"`), relative to this
    /// file. Its code blocks are doctests of the crate (the README is its
    /// front page), so they are whole programs. None: no such section.
    #[serde(default)]
    pub readme: Option<PathBuf>,
    /// A directory of example programs (`examples = "examples"`), relative
    /// to this file. Each `*.rs` is copied into the crate's `examples/`, so
    /// it ships in the package and `cargo test` builds it. None: none.
    #[serde(default)]
    pub examples: Option<PathBuf>,
    /// What the examples need beyond the crate's own dependencies and
    /// tokio: crate name -> version requirement, added to
    /// `[dev-dependencies]` (`wiremock = "0.6"`).
    #[serde(default)]
    pub example_dependencies: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PythonNames {
    /// operationId -> the Python method name to keep when several map to it.
    #[serde(default)]
    pub primary: BTreeMap<String, String>,
}

/// A TOML error in `path` (whose text is `text`), with its line and column.
pub(crate) fn toml_error(path: &Path, text: &str, e: toml::de::Error) -> Error {
    let (line, column) = e
        .span()
        .map(|span| crate::spec::load::line_column(text, span.start))
        .unwrap_or((0, 0));
    Error::Parse {
        path: path.to_owned(),
        format: "TOML",
        line,
        column,
        message: e.message().to_owned(),
    }
}

/// The default configuration file, relative to the workspace root.
pub const DEFAULT_CONFIG: &str = "spec/phala-codegen.toml";

impl Config {
    /// Reads the file and resolves its relative paths against its directory.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| toml_error(path, &text, e))?;
        if !config
            .api
            .supported_versions
            .contains(&config.api.default_version)
        {
            return Err(Error::Config {
                path: path.to_owned(),
                message: format!(
                    "api.default_version {:?} is not in api.supported_versions",
                    config.api.default_version
                ),
            });
        }
        if let Some((method, version)) = config
            .api
            .pins
            .iter()
            .find(|(_, v)| !config.api.supported_versions.contains(v))
        {
            return Err(Error::Config {
                path: path.to_owned(),
                message: format!(
                    "api.pins.{method} = {version:?} is not in api.supported_versions"
                ),
            });
        }
        // An example that no longer calls its method (a rename left it
        // behind) would document something else.
        if let Some(method) = config
            .method_examples
            .iter()
            .find(|(m, code)| !code.contains(&format!("client.{m}(")))
            .map(|(m, _)| m)
        {
            return Err(Error::Config {
                path: path.to_owned(),
                message: format!(
                    "method_examples.{method}: the example never calls `client.{method}(`"
                ),
            });
        }
        config.source = path.to_owned();
        config.krate.semver(path)?;
        config.krate.check_name(path)?;
        config.krate.check_keywords(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [&mut config.inputs.spec, &mut config.output.dir] {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        for p in [
            &mut config.inputs.overlays,
            &mut config.inputs.error_catalog,
            &mut config.inputs.python_names,
            &mut config.docs.guide,
            &mut config.docs.readme,
            &mut config.docs.examples,
        ]
        .into_iter()
        .flatten()
        .filter(|p| p.is_relative())
        {
            *p = base.join(&*p);
        }
        Ok(config)
    }
}
