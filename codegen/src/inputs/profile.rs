//! The profile: everything a crate gets beyond the generic core, read once
//! from the configuration. The emitters ask it, so none of them branches on
//! a configuration key or names an operation of one API: the Phala Cloud
//! SDK's extras are data in `spec/phala-codegen.toml` (`[client]
//! phala_modules` and `watch`, `[docs] example_call` and
//! `paging_example`), and `--generic` derives a profile with none.

use super::config::{Config, WatchOperation};

/// What the crate gets beyond the generic core.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The Phala Cloud modules: env encryption, webhooks, the KMS
    /// precondition and the error guide with Phala's codes; without them,
    /// the generic error guide.
    pub phala_modules: bool,
    /// The operation the state watch is built on, if the crate has one.
    pub watch: Option<WatchOperation>,
    /// The call the README's examples make, if the configuration names
    /// one; else the emitters pick one from the API.
    pub example_call: Option<String>,
    /// The body of the crate docs' paging example, if any.
    pub paging_example: Option<String>,
}

/// The method an example call makes: `get_cvm_info` of
/// `client.get_cvm_info("id")`; `None` when the text starts otherwise.
pub fn called_method(call: &str) -> Option<&str> {
    let rest = call.trim_start().strip_prefix("client.")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|m| !m.is_empty())
}

impl Profile {
    pub fn of(config: &Config) -> Self {
        Profile {
            phala_modules: config.client.phala_modules,
            watch: config.client.watch.clone(),
            example_call: config.docs.example_call.clone(),
            paging_example: config.docs.paging_example.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::called_method;

    #[test]
    fn the_called_method_is_the_name_after_client() {
        assert_eq!(
            called_method("client.get_cvm_info(\"id\")"),
            Some("get_cvm_info")
        );
        assert_eq!(called_method("  client.list_things()"), Some("list_things"));
        assert_eq!(called_method("other.get()"), None);
        assert_eq!(called_method("client.(1)"), None);
    }
}
