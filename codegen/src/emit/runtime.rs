//! The runtime-module table: every hand-written file of `codegen/runtime/`
//! the generated crate may ship, when it ships, and the crates it names.
//! One table drives both which files are copied ([`shipped`]) and the
//! manifest's dependencies ([`super::manifest`]), so a runtime file and the
//! crates it needs cannot drift apart.

use crate::backend::bind::{Bound, Sending};
use crate::inputs::config::WatchOperation;
use crate::inputs::profile::Profile;
use crate::ir::Api;

/// When a runtime file is part of the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ships {
    /// In every crate.
    Always,
    /// With the profile's extra modules ([`Profile::phala_modules`]).
    WithExtras,
    /// Without them: what another API gets in their place.
    WithoutExtras,
    /// Only when the API calls for it.
    When(Need),
}

/// What a crate calls for beyond the runtime every crate ships: which of
/// the optional runtime files it gets, and so which modules `lib.rs`
/// declares and which crates the manifest names.
#[derive(Clone, Copy, Debug)]
pub struct Needs {
    /// The profile's extra modules ([`Profile::phala_modules`]).
    pub extras: bool,
    /// The state watch: the profile has one and the API has the operation
    /// it is built on.
    pub watch: bool,
    /// An operation has a parameter the SDK sends itself
    /// ([`crate::ir::Param::own`]).
    pub own_params: bool,
    /// A JSON body has a form, multipart or text alternative.
    pub body_choice: bool,
    /// An operation reads another media type, or the state watch is
    /// shipped (it reads server-sent events).
    pub negotiation: bool,
}

impl Needs {
    pub fn of(api: &Api, profile: &Profile, bound: &[Bound]) -> Self {
        let watch = profile
            .watch
            .as_ref()
            .is_some_and(|watch| has_operation(bound, watch));
        Needs {
            extras: profile.phala_modules,
            watch,
            own_params: api
                .operations
                .iter()
                .any(|op| op.params.iter().any(|p| p.own)),
            body_choice: api
                .operations
                .iter()
                .any(|op| op.body.as_ref().is_some_and(|b| !b.recodable().is_empty())),
            negotiation: watch
                || bound.iter().any(|b| {
                    matches!(b.sending, Sending::Json { .. }) && !b.op.negotiated().is_empty()
                }),
        }
    }

    pub fn has(&self, need: Need) -> bool {
        match need {
            Need::Watch => self.watch,
            Need::OwnParams => self.own_params,
            Need::BodyChoice => self.body_choice,
            Need::Negotiation => self.negotiation,
        }
    }
}

/// Whether the API has the operation the state watch and waiters are built
/// on ([`Profile::watch`]): that method, at that path, returning that model.
fn has_operation(bound: &[Bound], watch: &WatchOperation) -> bool {
    bound.iter().any(|b| {
        b.op.name == watch.operation
            && b.op.path.ends_with(&watch.path_suffix)
            && b.output_text.trim_start_matches("types::") == watch.returns
    })
}

/// What only some APIs call for; see [`Needs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The state watch and waiters.
    Watch,
    /// The encoders of the parameters the SDK sends itself.
    OwnParams,
    /// The body re-encoder behind `body_as`.
    BodyChoice,
    /// Content negotiation and server-sent events.
    Negotiation,
}

/// One hand-written file the crate may ship.
pub struct RuntimeFile {
    /// Its path in the generated crate.
    pub path: &'static str,
    /// Where it is kept (`codegen/runtime/error_guide_generic.md`), which
    /// its header names: an edit belongs there.
    pub origin: &'static str,
    /// Its text, as kept there.
    pub source: &'static str,
    pub ships: Ships,
    /// The crates it names (`serde_json::`), by package name; see
    /// [`super::manifest::DEPENDENCIES`].
    pub crates: &'static [&'static str],
}

/// A runtime file by its name in `codegen/runtime/`, shipped as `path`.
macro_rules! runtime_file {
    ($path:literal, $file:literal, $ships:expr, [$($krate:literal),*]) => {
        RuntimeFile {
            path: $path,
            origin: concat!("codegen/runtime/", $file),
            source: include_str!(concat!("../../runtime/", $file)),
            ships: $ships,
            crates: &[$($krate),*],
        }
    };
}

/// Every runtime file, by path. The generic error guide ships under the
/// Phala guide's path, so `error.rs` includes either.
pub const RUNTIME: &[RuntimeFile] = &[
    runtime_file!(
        "src/blocking.rs",
        "blocking.rs",
        Ships::Always,
        [
            "bytes",
            "futures-util",
            "reqwest",
            "serde",
            "serde_json",
            "tokio"
        ]
    ),
    runtime_file!(
        "src/builder.rs",
        "builder.rs",
        Ships::Always,
        ["serde_json"]
    ),
    runtime_file!(
        "src/classify.rs",
        "classify.rs",
        Ships::Always,
        ["reqwest", "serde", "serde_json", "serde_path_to_error"]
    ),
    runtime_file!(
        "src/client.rs",
        "client.rs",
        Ships::Always,
        ["base64", "http", "progenitor-client", "reqwest"]
    ),
    runtime_file!(
        "src/dynamic.rs",
        "dynamic.rs",
        Ships::Always,
        ["serde", "serde_json"]
    ),
    runtime_file!(
        "src/env.rs",
        "env.rs",
        Ships::WithExtras,
        [
            "aes-gcm",
            "dotenvy",
            "hex",
            "k256",
            "serde",
            "serde_json",
            "sha2",
            "sha3",
            "thiserror",
            "x25519-dalek"
        ]
    ),
    runtime_file!(
        "src/error.rs",
        "error.rs",
        Ships::Always,
        ["reqwest", "serde", "serde_json", "thiserror"]
    ),
    runtime_file!(
        "src/error_guide.md",
        "error_guide.md",
        Ships::WithExtras,
        []
    ),
    runtime_file!(
        "src/error_guide.md",
        "error_guide_generic.md",
        Ships::WithoutExtras,
        []
    ),
    runtime_file!(
        "src/evolve.rs",
        "evolve.rs",
        Ships::Always,
        ["serde", "serde_json", "tracing"]
    ),
    runtime_file!(
        "src/negotiate.rs",
        "negotiate.rs",
        Ships::When(Need::Negotiation),
        ["futures-util", "reqwest", "serde", "serde_json"]
    ),
    runtime_file!(
        "src/paging.rs",
        "paging.rs",
        Ships::Always,
        ["futures-util", "tracing"]
    ),
    runtime_file!(
        "src/params.rs",
        "params.rs",
        Ships::When(Need::OwnParams),
        ["progenitor-client", "reqwest", "serde", "serde_json"]
    ),
    runtime_file!(
        "src/precondition.rs",
        "precondition.rs",
        Ships::WithExtras,
        ["serde_json"]
    ),
    runtime_file!(
        "src/recode.rs",
        "recode.rs",
        Ships::When(Need::BodyChoice),
        ["fastrand", "reqwest", "serde_json"]
    ),
    runtime_file!(
        "src/request.rs",
        "request.rs",
        Ships::Always,
        ["bytes", "reqwest", "serde", "serde_json"]
    ),
    runtime_file!(
        "src/runtime.rs",
        "runtime.rs",
        Ships::Always,
        [
            "bytes",
            "progenitor-client",
            "reqwest",
            "serde",
            "serde_json",
            "serde_path_to_error"
        ]
    ),
    runtime_file!("src/safe.rs", "safe.rs", Ships::Always, ["futures-util"]),
    runtime_file!(
        "src/styles.rs",
        "styles.rs",
        Ships::When(Need::OwnParams),
        ["serde_json"]
    ),
    runtime_file!(
        "src/transport.rs",
        "transport.rs",
        Ships::Always,
        [
            "bytes",
            "fastrand",
            "futures-core",
            "http",
            "httpdate",
            "reqwest",
            "serde_json",
            "tokio",
            "tracing"
        ]
    ),
    runtime_file!(
        "src/watch.rs",
        "watch.rs",
        Ships::When(Need::Watch),
        [
            "futures-util",
            "reqwest",
            "serde",
            "serde_json",
            "tokio",
            "tracing"
        ]
    ),
    runtime_file!(
        "src/webhook.rs",
        "webhook.rs",
        Ships::WithExtras,
        [
            "hmac",
            "reqwest",
            "serde",
            "serde_json",
            "sha2",
            "subtle",
            "thiserror"
        ]
    ),
];

impl RuntimeFile {
    /// Whether a crate with these needs ships this file.
    pub fn ships_with(&self, needs: &Needs) -> bool {
        match self.ships {
            Ships::Always => true,
            Ships::WithExtras => needs.extras,
            Ships::WithoutExtras => !needs.extras,
            Ships::When(need) => needs.has(need),
        }
    }
}

/// The runtime files a crate with these needs ships, in table order.
pub fn shipped(needs: &Needs) -> impl Iterator<Item = &'static RuntimeFile> + '_ {
    RUNTIME.iter().filter(move |file| file.ships_with(needs))
}

#[cfg(test)]
mod tests {
    use super::RUNTIME;

    /// The header of a shipped runtime file names the file its text comes
    /// from (the generic error guide ships under the Phala guide's path).
    #[test]
    fn each_file_names_its_own_origin() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for file in RUNTIME {
            let kept = std::fs::read_to_string(root.join(file.origin));
            assert_eq!(kept.ok().as_deref(), Some(file.source), "{}", file.origin);
        }
    }

    /// The crates `source` names (a Markdown file's doctests use the
    /// dev-dependencies, so only Rust files are checked) as the first segment of a path
    /// (`serde_json::`, `::serde_json::`), as package names.
    fn named_crates(source: &str) -> Vec<String> {
        let mut found: Vec<String> = super::super::manifest::DEPENDENCIES
            .iter()
            .map(|d| d.name)
            .filter(|name| {
                let path = format!("{}::", name.replace('-', "_"));
                source.match_indices(&path).any(|(i, _)| {
                    let before = source[..i].trim_end_matches("::");
                    let outside = |c: char| !(c.is_alphanumeric() || c == '_' || c == ':');
                    before.chars().next_back().is_none_or(outside)
                })
            })
            .map(str::to_owned)
            .collect();
        found.sort();
        found
    }

    #[test]
    fn each_file_lists_the_crates_it_names() {
        for file in RUNTIME.iter().filter(|f| f.path.ends_with(".rs")) {
            let listed: Vec<String> = file.crates.iter().map(|c| (*c).to_owned()).collect();
            assert_eq!(listed, named_crates(file.source), "{}", file.path);
        }
    }

    #[test]
    fn every_runtime_file_is_in_the_table() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with("LICENSE") {
                continue;
            }
            let source = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("runtime")
                    .join(&name),
            )
            .unwrap();
            assert!(
                RUNTIME.iter().any(|f| f.source == source),
                "codegen/runtime/{name} is in no entry of RUNTIME"
            );
        }
    }
}
