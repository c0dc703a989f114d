//! The generated client's names, computed once from `[crate]` and
//! `[client]`: the one home of each naming rule (the error type is the
//! client's name and `Error`, the crate's path is its package name with `_`
//! for `-`, the key is read from `<PREFIX>_API_KEY`, ...). The emitters take
//! every name they write from a [`ClientNames`]; none spells one API's.
//!
//! The runtime's hand-written sources are the exception: they are real Rust
//! files written with the Phala Cloud client's names, [`ClientNames::runtime`].
//! `emit::brand` renames those to a crate's own names, pairing the two
//! values field by field.

use std::path::Path;

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::ident::{in_file, RustIdent};

use super::config::{Auth, ClientSettings, Config};

/// What a crate's client is called, in code and in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientNames {
    /// The async client type (`PhalaCloud`); the blocking client has the
    /// same name in the crate's `blocking` module.
    pub client: RustIdent,
    /// The error every method returns (`PhalaCloudError`).
    pub error: RustIdent,
    /// The client's builder (`PhalaCloudBuilder`).
    pub builder: RustIdent,
    /// The crate as a path in a dependent's code (`phala_cloud`).
    pub krate: RustIdent,
    /// The package name (`phala-cloud`).
    pub package: String,
    /// The API's name in prose (`Phala Cloud`).
    pub title: String,
    /// The prefix of the environment variables read (`PHALA_CLOUD`).
    pub env_prefix: String,
    /// The variable read for the API key (`PHALA_CLOUD_API_KEY`).
    pub api_key_env: String,
    /// The variable read for the base URL (`PHALA_CLOUD_API_PREFIX`).
    pub base_url_env: String,
    /// The default `User-Agent`'s product (`phala-cloud-rust`).
    pub user_agent: String,
    /// How the key is sent, in prose (`` `X-API-Key` ``, `the `key` query
    /// parameter`, ...).
    pub auth: String,
    /// The version header in prose (`` `X-Phala-Version` ``), or what
    /// stands for it when the API has none.
    pub version: String,
    /// The path prefix in prose (`` `/api/v1` ``), or what stands for it
    /// when the API has none.
    pub path_prefix: String,
}

impl ClientNames {
    /// The names `config` gives its crate; a client or crate name that is
    /// no Rust identifier is an error naming the configuration.
    pub fn of(config: &Config) -> Result<Self> {
        Self::from_settings(&config.krate.name, &config.client, &config.source)
    }

    /// The names the runtime's sources (`codegen/runtime/`) are written
    /// with: the Phala Cloud client's, as `spec/phala-codegen.toml` gives
    /// them (a unit test holds the two together).
    pub fn runtime() -> Self {
        let phala = ClientSettings {
            name: "PhalaCloud".into(),
            title: "Phala Cloud".into(),
            env_prefix: "PHALA_CLOUD".into(),
            base_url: String::new(),
            path_prefix: "/api/v1".into(),
            version_header: Some("X-Phala-Version".into()),
            auth: Auth::Header("X-API-Key".into()),
            phala_modules: true,
            user_agent: "phala-cloud-rust".into(),
            watch: None,
        };
        Self::from_settings("phala-cloud", &phala, Path::new("codegen/runtime"))
            .expect("the runtime's names are identifiers")
    }

    fn from_settings(package: &str, c: &ClientSettings, source: &Path) -> Result<Self> {
        let place = |key: &str| format!("{} ([{key}] name)", source.display());
        let client = in_file(&c.name, "client name", place("client"))?;
        if let Some((name, clash)) = clash(&c.name) {
            return Err(Error::Reserved {
                what: "client name gives the type".into(),
                name,
                clash: clash.into(),
                place: place("client"),
            });
        }
        let krate = in_file(
            &package.replace('-', "_"),
            "crate name as a path",
            place("crate"),
        )?;
        Ok(ClientNames {
            error: client.suffixed("Error"),
            builder: client.suffixed("Builder"),
            client,
            krate,
            package: package.to_owned(),
            title: c.title.clone(),
            env_prefix: c.env_prefix.clone(),
            api_key_env: format!("{}_API_KEY", c.env_prefix),
            base_url_env: format!("{}_API_PREFIX", c.env_prefix),
            user_agent: c.user_agent.clone(),
            auth: auth_prose(&c.auth),
            version: match &c.version_header {
                Some(h) => format!("`{h}`"),
                None => "API version (this API has no version header; it is not sent)".to_owned(),
            },
            path_prefix: match c.path_prefix.as_str() {
                "" => "path prefix (none for this API)".to_owned(),
                p => format!("`{p}`"),
            },
        })
    }
}

/// The runtime's sources: a type the client names itself after must not be
/// a name they already use.
const RUNTIME_SOURCES: [&str; 20] = [
    include_str!("../../runtime/blocking.rs"),
    include_str!("../../runtime/builder.rs"),
    include_str!("../../runtime/classify.rs"),
    include_str!("../../runtime/client.rs"),
    include_str!("../../runtime/dynamic.rs"),
    include_str!("../../runtime/env.rs"),
    include_str!("../../runtime/error.rs"),
    include_str!("../../runtime/evolve.rs"),
    include_str!("../../runtime/negotiate.rs"),
    include_str!("../../runtime/paging.rs"),
    include_str!("../../runtime/params.rs"),
    include_str!("../../runtime/precondition.rs"),
    include_str!("../../runtime/recode.rs"),
    include_str!("../../runtime/request.rs"),
    include_str!("../../runtime/runtime.rs"),
    include_str!("../../runtime/safe.rs"),
    include_str!("../../runtime/styles.rs"),
    include_str!("../../runtime/transport.rs"),
    include_str!("../../runtime/watch.rs"),
    include_str!("../../runtime/webhook.rs"),
];

/// Types of the prelude and of std that a generated crate names unqualified,
/// and the names its emitters add beside the runtime's.
const PRELUDE: &[&str] = &[
    "Box",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Default",
    "Drop",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "Extend",
    "AsRef",
    "AsMut",
    "Debug",
    "Hash",
    "Display",
    "Self",
    "Future",
    "Unpin",
    "ErrorCode",
    "Method",
    "Stream",
    "StreamExt",
    "Client",
];

/// What `client`, or the error or builder type named after it, clashes
/// with: a std or prelude type, or a name the runtime's sources use (other
/// than the runtime's own client names, which are renamed to these).
pub fn clash(client: &str) -> Option<(String, &'static str)> {
    // The runtime's type names, gathered once per process: every check of
    // a name tokenized all twenty files again.
    static USED: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    let used = USED.get_or_init(|| {
        let runtime_client = "PhalaCloud";
        let mut used = BTreeSet::new();
        for source in RUNTIME_SOURCES {
            collect_types(source.parse().unwrap_or_default(), &mut used);
        }
        for own in ["", "Error", "Builder"] {
            used.remove(&format!("{runtime_client}{own}"));
        }
        used
    });
    ["", "Error", "Builder"].iter().find_map(|suffix| {
        let name = format!("{client}{suffix}");
        if PRELUDE.contains(&name.as_str()) {
            Some((name, "a std or prelude type the crate uses"))
        } else if used.contains(&name) {
            Some((name, "a type of the runtime the crate ships"))
        } else {
            None
        }
    })
}

/// Every identifier in `tokens` that starts with an uppercase letter.
fn collect_types(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(i) => {
                let name = i.to_string();
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    out.insert(name);
                }
            }
            proc_macro2::TokenTree::Group(g) => collect_types(g.stream(), out),
            _ => {}
        }
    }
}

/// How the key is sent, as the docs say it.
fn auth_prose(auth: &Auth) -> String {
    match auth {
        Auth::Header(name) => format!("`{name}`"),
        Auth::Query(name) => format!("the `{name}` query parameter"),
        Auth::Bearer => "`Authorization: Bearer`".to_owned(),
        Auth::Basic => "`Authorization: Basic`".to_owned(),
        Auth::None => "nothing (this API takes no key)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::ClientNames;
    use crate::inputs::config::{Config, DEFAULT_CONFIG};

    fn phala_config() -> Config {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        Config::load(&root.join(DEFAULT_CONFIG)).unwrap()
    }

    #[test]
    fn the_runtime_is_written_with_the_phala_crates_names() {
        assert_eq!(
            ClientNames::of(&phala_config()).unwrap(),
            ClientNames::runtime()
        );
    }

    #[test]
    fn the_error_and_builder_are_named_after_the_client() {
        let names = ClientNames::runtime();
        assert_eq!(names.error.as_str(), "PhalaCloudError");
        assert_eq!(names.builder.as_str(), "PhalaCloudBuilder");
        assert_eq!(names.krate.as_str(), "phala_cloud");
        assert_eq!(names.api_key_env, "PHALA_CLOUD_API_KEY");
    }

    #[test]
    fn a_client_name_that_clashes_is_an_error_naming_it() {
        let clients = [
            "Api",
            "Server",
            "Request",
            "Validation",
            "Auth",
            "Business",
            "Vec",
            "Option",
            "String",
            "Result",
            "Box",
        ];
        for client in clients {
            let mut config = phala_config();
            config.client.name = client.into();
            let error = ClientNames::of(&config).unwrap_err().to_string();
            assert!(
                error.contains(&format!("`{client}")) && error.contains("clashes with"),
                "{error}"
            );
        }
        assert_eq!(
            super::clash("Server").map(|c| c.0),
            Some("Server".to_owned())
        );
        assert_eq!(super::clash("Api").map(|c| c.0), Some("Api".to_owned()));
        assert_eq!(
            super::clash("Vec").map(|c| c.1),
            Some("a std or prelude type the crate uses")
        );
        assert_eq!(super::clash("PhalaCloud"), None);
        assert_eq!(super::clash("ApiClient"), None);
    }

    #[test]
    fn every_runtime_source_is_read_for_names() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        let files = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension() == Some("rs".as_ref()))
            .count();
        assert_eq!(files, super::RUNTIME_SOURCES.len());
    }

    #[test]
    fn a_client_name_that_is_no_identifier_is_an_error() {
        let mut config = phala_config();
        config.client.name = "Phala Cloud".into();
        let error = ClientNames::of(&config).unwrap_err().to_string();
        assert!(error.contains("[client] name"), "{error}");
    }
}
