//! The runtime's names, renamed for a crate that is not the Phala Cloud SDK.
//!
//! The runtime's hand-written files (`codegen/runtime/`, copied in by
//! [`super::files`]) and the guide pages of `[docs] guide` are real Rust
//! and Markdown, written with the Phala Cloud client's names
//! ([`ClientNames::runtime`]: `PhalaCloud`, `PhalaCloudError`,
//! `PHALA_CLOUD_API_KEY`, `X-Phala-Version` in the docs). For another API
//! their text is renamed word for word to the crate's own names (see
//! [`Brand::apply`]); for the Phala crate there is nothing to rename and
//! the text stays byte for byte what it was. Nothing else passes through
//! here: the emitters write the crate's names themselves, from the same
//! [`ClientNames`]. What the client *sends* (base URL, key header, version
//! header) is not renamed text but the generated `settings` module.

use crate::inputs::names::ClientNames;

/// Word replacements, applied in order; empty for the Phala crate.
pub struct Brand {
    pairs: Vec<(String, String)>,
}

impl Brand {
    /// The renames from the runtime's names to `names`.
    pub fn of(names: &ClientNames) -> Self {
        let from = ClientNames::runtime();
        let unquoted = |prose: &str| prose.trim_matches('`').to_owned();
        let candidates: Vec<(String, String)> = vec![
            (
                format!("{}_", from.env_prefix),
                format!("{}_", names.env_prefix),
            ),
            (from.user_agent, names.user_agent.clone()),
            (from.krate.to_string(), names.krate.to_string()),
            (from.package, names.package.clone()),
            (from.client.to_string(), names.client.to_string()),
            (from.title, names.title.clone()),
            (from.version.clone(), names.version.clone()),
            (unquoted(&from.version), unquoted(&names.version)),
            (from.auth, names.auth.clone()),
            (from.path_prefix, names.path_prefix.clone()),
        ];
        let pairs = candidates
            .into_iter()
            .filter(|(from, to)| from.trim_matches('`') != to.trim_matches('`'))
            .collect();
        Brand { pairs }
    }

    /// `text` with every Phala name replaced by this API's.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (from, to) in &self.pairs {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), to);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Brand;
    use crate::inputs::names::ClientNames;

    #[test]
    fn the_phala_names_are_not_renamed() {
        let brand = Brand::of(&ClientNames::runtime());
        assert!(brand.pairs.is_empty());
    }
}
