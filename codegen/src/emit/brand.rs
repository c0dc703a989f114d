//! The client's names, for a crate that is not the Phala Cloud SDK.
//!
//! The runtime files and the emitters are written once, with the Phala
//! Cloud client's names (`PhalaCloud`, `PhalaCloudError`,
//! `PHALA_CLOUD_API_KEY`, `X-Phala-Version` in the docs). For another API
//! each file's text is renamed word for word to the names of
//! `[client]` (see [`Brand::apply`]); for the Phala crate there is nothing
//! to rename and the text stays byte for byte what it was. What the client
//! *sends* (base URL, key header, version header) is not renamed text but
//! the generated `settings` module.

use crate::inputs::config::{Auth, Config};

/// Word replacements, applied in order; empty for the Phala crate.
pub struct Brand {
    pairs: Vec<(&'static str, String)>,
}

impl Brand {
    pub fn of(config: &Config) -> Self {
        let c = &config.client;
        let crate_ident = config.krate.name.replace('-', "_");
        let auth = match &c.auth {
            Auth::Header(name) => format!("`{name}`"),
            Auth::Query(name) => format!("the `{name}` query parameter"),
            Auth::Bearer => "`Authorization: Bearer`".to_owned(),
            Auth::Basic => "`Authorization: Basic`".to_owned(),
            Auth::None => "nothing (this API takes no key)".to_owned(),
        };
        let version = match &c.version_header {
            Some(h) => format!("`{h}`"),
            None => "API version (this API has no version header; it is not sent)".to_owned(),
        };
        let prefix = match c.path_prefix.as_str() {
            "" => "path prefix (none for this API)".to_owned(),
            p => format!("`{p}`"),
        };
        let candidates: Vec<(&'static str, String)> = vec![
            ("PHALA_CLOUD_", format!("{}_", c.env_prefix)),
            ("phala-cloud-rust", c.user_agent.clone()),
            ("phala_cloud", crate_ident),
            ("phala-cloud", config.krate.name.clone()),
            ("PhalaCloud", c.name.clone()),
            ("Phala Cloud", c.title.clone()),
            ("`X-Phala-Version`", version.clone()),
            ("X-Phala-Version", version.trim_matches('`').to_owned()),
            ("`X-API-Key`", auth),
            ("`/api/v1`", prefix),
        ];
        let pairs = candidates
            .into_iter()
            .filter(|(from, to)| from.trim_matches('`') != to.trim_matches('`'))
            .collect();
        Brand { pairs }
    }

    /// Whether this brand renames nothing (the Phala crate).
    pub fn is_identity(&self) -> bool {
        self.pairs.is_empty()
    }

    /// `text` with every Phala name replaced by this API's.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (from, to) in &self.pairs {
            if out.contains(from) {
                out = out.replace(from, to);
            }
        }
        out
    }
}
