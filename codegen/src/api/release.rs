//! The release stage of a regeneration: compares the new API surface with
//! the snapshot the previous generation left in the output directory,
//! bumps the crate version as the report suggests and prepends the report
//! to `CHANGELOG.md`.
//!
//! Everything here is a function of the inputs and of the files already in
//! the output directory, so a regeneration that changes nothing produces the
//! same snapshot, version and changelog, and writes nothing.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::api::report::Report;
use crate::error::{Error, Result};
use crate::inputs::config::Config;
use crate::inputs::names::ClientNames;
use crate::ir::surface::Surface;

/// The snapshot file, relative to the output directory.
pub const SNAPSHOT: &str = "api-surface.json";
/// The changelog, relative to the output directory.
pub const CHANGELOG: &str = "CHANGELOG.md";

const CHANGELOG_TITLE: &str = "# Changelog\n\n\
Written by phala-codegen: each regeneration that changes the crate's API adds an entry \
at the top, with the version bump the changes call for.\n";

/// `api-surface.json`: the API surface and the version it was released as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The generated-file header, as a value: JSON has no comments.
    #[serde(default)]
    pub note: String,
    pub crate_version: semver::Version,
    pub surface: Surface,
}

/// What the previous generation left in the output directory.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub snapshot: Option<Snapshot>,
    /// The entries of `CHANGELOG.md`, without its title.
    pub changelog_entries: String,
}

/// What this generation releases.
#[derive(Debug, Clone)]
pub struct Release {
    pub version: String,
    /// `None` for a first generation (nothing to compare with).
    pub report: Option<Report>,
    pub snapshot_json: String,
    pub changelog: String,
}

/// Reads the snapshot and changelog in `out`, if any. A snapshot that is
/// there but does not parse is an error naming its line and column.
pub fn previous(out: &Path) -> Result<Previous> {
    let path = out.join(SNAPSHOT);
    let snapshot = match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).map_err(|e| Error::Parse {
            path: path.clone(),
            format: "API surface snapshot",
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(Error::Read { path, source }),
    };
    // A snapshot from before exports were recorded: they are read off the
    // crate root that generation wrote.
    let snapshot = snapshot.map(|mut s: Snapshot| {
        if s.surface.exports.is_empty() {
            if let Ok(lib) = std::fs::read_to_string(out.join("src/lib.rs")) {
                s.surface.exports = crate::ir::surface::root_exports(&lib);
            }
        }
        s
    });
    let changelog = std::fs::read_to_string(out.join(CHANGELOG)).unwrap_or_default();
    let changelog_entries = changelog
        .find("\n## ")
        .map(|i| changelog[i + 1..].to_owned())
        .unwrap_or_default();
    Ok(Previous {
        snapshot,
        changelog_entries,
    })
}

/// Decides the version and writes the snapshot and changelog texts.
/// `crate.version` in the configuration is the first version, and a floor a
/// maintainer can raise by hand.
pub fn release(previous: &Previous, surface: Surface, config: &Config) -> Result<Release> {
    let floor = config.krate.semver(&config.source)?;
    let (version, report, entry) = match &previous.snapshot {
        None => {
            let entry = format!(
                "## {floor}\n\nFirst generation: {} operations, {} models, {} error codes.\n",
                surface.operations.len(),
                surface.models.len(),
                surface.error_codes.len()
            );
            (floor, None, Some(entry))
        }
        Some(snap) => {
            let current = snap.crate_version.clone();
            let error_type = ClientNames::of(config)?.error;
            let entries = crate::api::compare::compare(&snap.surface, &surface, true, &error_type);
            let name = &config.krate.name;
            let mut report = Report::new(format!("{name} {current}"), String::new(), entries)
                .with_version(&current);
            let bumped = report.bump.apply(&current);
            let version = bumped.max(floor);
            report.new = format!("{name} {version}");
            let entry = if version == current {
                None
            } else if report.is_empty() {
                Some(format!(
                    "## {version}\n\nNo API changes; version raised in the configuration.\n"
                ))
            } else {
                Some(report.to_changelog(&version.to_string()))
            };
            (version, Some(report), entry)
        }
    };
    let snapshot = Snapshot {
        note: format!(
            "@generated by phala-codegen. DO NOT EDIT. Regenerate with `{}`.",
            crate::render::REGENERATE
        ),
        crate_version: version.clone(),
        surface,
    };
    let snapshot_json =
        serde_json::to_string_pretty(&snapshot).expect("a snapshot always serializes") + "\n";
    let mut entries = entry.unwrap_or_default();
    if !entries.is_empty() && !previous.changelog_entries.is_empty() {
        entries.push('\n');
    }
    entries.push_str(&previous.changelog_entries);
    let changelog = crate::render::markdown(&format!("{CHANGELOG_TITLE}\n{entries}"), None);
    Ok(Release {
        version: version.to_string(),
        report,
        snapshot_json,
        changelog,
    })
}
