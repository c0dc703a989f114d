//! `spec/phala-codegen.toml`: where the inputs live, crate metadata, API
//! versions and the naming tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The configuration file, as written.
#[derive(Debug, Clone, Deserialize)]
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
    /// Accept overrides that match nothing in the inputs (set by
    /// `--allow-unused-overrides`, for generating from an older spec).
    /// Otherwise each one is an error: a key that an upstream rename left
    /// behind must not silently drop its fix.
    #[serde(skip)]
    pub allow_unused_overrides: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    pub spec: PathBuf,
    pub error_catalog: PathBuf,
    pub python_names: PathBuf,
    /// A directory of OpenAPI Overlay 1.0.0 documents applied to the spec
    /// in file-name order (see [`crate::overlay`]); none when absent.
    #[serde(default)]
    pub overlays: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateMeta {
    pub name: String,
    pub version: String,
    pub description: String,
    pub license: String,
    /// The generated crate's `rust-version` (MSRV): the floor its
    /// dependencies declare (progenitor-client and reqwest's ICU stack: 1.88).
    #[serde(default = "default_rust_version")]
    pub rust_version: String,
}

fn default_rust_version() -> String {
    "1.88".to_owned()
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiVersions {
    pub default_version: String,
    pub supported_versions: Vec<String>,
    /// Method name -> the `X-Phala-Version` that operation always sends,
    /// whatever the client's (the Python SDK pins these per method).
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonNames {
    /// operationId -> the Python method name to keep when several map to it.
    #[serde(default)]
    pub primary: BTreeMap<String, String>,
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
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| crate::load::line_column(&text, span.start))
                .unwrap_or((0, 0));
            Error::Parse {
                path: path.to_owned(),
                format: "TOML",
                line,
                column,
                message: e.message().to_owned(),
            }
        })?;
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
        config.source = path.to_owned();
        config.krate.semver(path)?;
        config.krate.check_name(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [
            &mut config.inputs.spec,
            &mut config.inputs.error_catalog,
            &mut config.inputs.python_names,
            &mut config.output.dir,
        ] {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        if let Some(p) = config.inputs.overlays.as_mut().filter(|p| p.is_relative()) {
            *p = base.join(&*p);
        }
        Ok(config)
    }
}
