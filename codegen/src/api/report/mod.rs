//! The API change report: what changed between two [`Surface`]s, how much
//! each change matters to a Rust caller, and the version bump that follows.
//! Rendered as terminal text, as JSON (`--format json`), as Markdown for a
//! pull request (`--format markdown`) and as a `CHANGELOG.md` entry
//! ([`render`]).
//!
//! Changes to models no operation uses (typify emits every component
//! schema) are kept apart, in [`Report::unused_models`]: they are listed,
//! but they never drive the bump.
//!
//! [`Surface`]: crate::ir::surface::Surface

mod render;

use serde::Serialize;

/// Whether existing caller code can stop compiling (or silently change
/// meaning) after the update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Breaking,
    NonBreaking,
}

/// What part of the API an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Operation,
    Model,
    ErrorCode,
    /// A name the crate root exports (a runtime type or module), or a
    /// public item of the runtime (`error::ApiError::body_as`).
    Export,
}

/// The kind of change; also the key for counting and for the bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    EndpointChanged,
    DeprecationChanged,
    ParameterAdded,
    ParameterRemoved,
    ParameterRequiredChanged,
    ParameterTypeChanged,
    ParameterLocationChanged,
    ArgumentsReordered,
    RequestBodyChanged,
    SuccessTypeChanged,
    ErrorStatusAdded,
    ErrorStatusRemoved,
    ModelAdded,
    ModelRemoved,
    ModelKindChanged,
    /// A model became `#[non_exhaustive]`.
    ModelSealed,
    /// A request started or stopped reaching a struct, so it gained or lost
    /// the request shape (`new` and setters, optional fields as `Option`):
    /// on the model itself, and on each field whose type changed with it.
    ModelReachabilityChanged,
    FieldAdded,
    FieldRemoved,
    FieldRequiredChanged,
    FieldNullableChanged,
    FieldTypeChanged,
    VariantAdded,
    VariantRemoved,
    VariantChanged,
    NewtypeChanged,
    ErrorCodeAdded,
    ErrorCodeRemoved,
    ErrorCodeRenamed,
    ExportAdded,
    ExportRemoved,
    /// A runtime item's signature changed.
    ExportChanged,
}

impl Category {
    /// Whether a non-breaking change of this kind adds API (a minor bump)
    /// rather than only changing behaviour or metadata (a patch bump).
    fn adds_api(self) -> bool {
        matches!(
            self,
            Category::OperationAdded
                | Category::ParameterAdded
                | Category::RequestBodyChanged
                | Category::ModelAdded
                | Category::ModelReachabilityChanged
                | Category::FieldAdded
                | Category::VariantAdded
                | Category::ErrorCodeAdded
                | Category::ExportAdded
        )
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Entry {
    pub severity: Severity,
    pub scope: Scope,
    /// Operation method name, model type name or error code.
    pub name: String,
    /// Parameter, field, variant or status within it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub category: Category,
    /// What changed, in words (`type Option<String> -> String`).
    pub detail: String,
    /// Why it is, or is not, breaking for a Rust caller.
    pub reason: String,
    /// Whether the entry is about a model no operation reaches in either
    /// generation (set by the comparison). [`Report::new`] moves such
    /// entries to [`Report::unused_models`]; JSON shows that list, not this.
    #[serde(skip)]
    pub unused: bool,
}

impl Entry {
    pub fn bump(&self) -> Bump {
        match self.severity {
            Severity::Breaking => Bump::Major,
            Severity::NonBreaking if self.category.adds_api() => Bump::Minor,
            Severity::NonBreaking => Bump::Patch,
        }
    }

    /// `get_cvm_info`, `CvmInfo.app_id`, `ERR-01-001`.
    pub fn subject(&self) -> String {
        match &self.member {
            Some(m) => format!("{}.{m}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A semver bump, in semver's own terms (see [`Bump::apply`] for 0.x). The
/// JSON report's `bump` is this kind (`major` for any breaking change, also
/// below 1.0); `version` says what it does to the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    /// The next version. Below 1.0 Cargo treats the minor number as the
    /// breaking one, so a major bump raises the minor and every other bump
    /// raises the patch (a 0.x crate has no separate "feature" number).
    pub fn apply(self, v: &semver::Version) -> semver::Version {
        let (major, minor, patch) = match (self, v.major) {
            (Bump::None, _) => return v.clone(),
            (Bump::Major, 0) => (0, v.minor + 1, 0),
            (_, 0) => (0, v.minor, v.patch + 1),
            (Bump::Major, m) => (m + 1, 0, 0),
            (Bump::Minor, m) => (m, v.minor + 1, 0),
            (Bump::Patch, m) => (m, v.minor, v.patch + 1),
        };
        semver::Version::new(major, minor, patch)
    }

    /// The bump in Cargo's terms, with the version change when one is
    /// known: below 1.0 a breaking change raises the minor number and
    /// anything compatible the patch number, which the words say.
    pub fn describe(self, version: Option<&VersionChange>) -> String {
        let what = match self {
            Bump::None => return "none (no API change)".to_owned(),
            Bump::Major => "breaking",
            Bump::Minor => "compatible, API added",
            Bump::Patch => "compatible, no API added or removed",
        };
        let Some(VersionChange { from, to }) = version.filter(|v| v.from != v.to) else {
            return what.to_owned();
        };
        let below_one = from.starts_with("0.");
        let why = match (self, below_one) {
            (Bump::Major, true) => ": below 1.0 Cargo treats the minor number as breaking",
            (Bump::Minor, true) => {
                ": below 1.0 additions take a patch-level bump, which Cargo treats as compatible"
            }
            (Bump::Major, false) => ": a new major version",
            (Bump::Minor, false) => ": a new minor version",
            _ => ": a patch-level bump",
        };
        format!("{what} ({from} -> {to}{why})")
    }
}

/// Added/removed/changed counts for one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub changed: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub operations: Counts,
    pub models: Counts,
    pub error_codes: Counts,
    /// Left out of the text when zero (reports before exports were compared
    /// had no such line).
    pub exports: Counts,
    /// Counted over `entries` only.
    pub breaking: usize,
    pub non_breaking: usize,
    /// The entries of [`Report::unused_models`], counted like `models`.
    pub unused_models: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionChange {
    pub from: String,
    pub to: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// What was compared (file names, or "generated/").
    pub old: String,
    pub new: String,
    pub summary: Summary,
    pub bump: Bump,
    /// The version before and after the bump, when one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<VersionChange>,
    /// Breaking first, then by scope, name and member. Only these count
    /// in `summary.breaking` and `non_breaking` and drive the bump.
    pub entries: Vec<Entry>,
    /// Changes to models no operation takes or returns, in either
    /// generation: public all the same (code can name them), so judged the
    /// strict way, but left out of the counts and the bump. Same order.
    pub unused_models: Vec<Entry>,
}

impl Report {
    pub fn new(old: String, new: String, mut entries: Vec<Entry>) -> Report {
        entries.sort();
        entries.dedup();
        let (unused_models, entries): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(|e| e.unused);
        let mut summary = summarize(&entries);
        summary.unused_models = summarize(&unused_models).models;
        let bump = entries.iter().map(Entry::bump).max().unwrap_or(Bump::None);
        Report {
            old,
            new,
            summary,
            bump,
            version: None,
            entries,
            unused_models,
        }
    }

    /// Records the version the bump applies to.
    pub fn with_version(mut self, current: &semver::Version) -> Report {
        self.version = Some(VersionChange {
            from: current.to_string(),
            to: self.bump.apply(current).to_string(),
        });
        self
    }

    /// No entry at all, in either list.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.unused_models.is_empty()
    }

    pub fn has_breaking(&self) -> bool {
        self.summary.breaking > 0
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes") + "\n"
    }
}

fn summarize(entries: &[Entry]) -> Summary {
    use std::collections::BTreeSet;
    let mut s = Summary::default();
    let mut changed: BTreeSet<(Scope, &str)> = BTreeSet::new();
    for e in entries {
        match e.severity {
            Severity::Breaking => s.breaking += 1,
            Severity::NonBreaking => s.non_breaking += 1,
        }
        let counts = match e.scope {
            Scope::Operation => &mut s.operations,
            Scope::Model => &mut s.models,
            Scope::ErrorCode => &mut s.error_codes,
            Scope::Export => &mut s.exports,
        };
        match e.category {
            Category::OperationAdded
            | Category::ModelAdded
            | Category::ErrorCodeAdded
            | Category::ExportAdded => counts.added += 1,
            Category::OperationRemoved
            | Category::ModelRemoved
            | Category::ErrorCodeRemoved
            | Category::ExportRemoved => counts.removed += 1,
            Category::OperationRenamed | Category::ErrorCodeRenamed => counts.renamed += 1,
            _ => {
                if changed.insert((e.scope, &e.name)) {
                    counts.changed += 1;
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    #[test]
    fn markdown_cells_escape_pipes_and_newlines() {
        let entry = Entry {
            severity: Severity::Breaking,
            scope: Scope::Model,
            name: "Cvm".into(),
            member: Some("state".into()),
            category: Category::FieldTypeChanged,
            detail: "type A | B -> C".into(),
            reason: "callers\nmatch on it".into(),
            unused: false,
        };
        let md = Report::new("old.json".into(), "new.json".into(), vec![entry]).to_markdown();
        assert!(
            md.contains("| model | `Cvm.state` | type A \\| B -> C | callers match on it |"),
            "{md}"
        );
        assert!(md.contains("#### Breaking changes (1)"), "{md}");
        assert!(!md.contains("<details>"), "{md}");
    }

    #[test]
    fn bumps_follow_cargo_semver_below_and_above_one() {
        assert_eq!(Bump::Major.apply(&v("0.1.3")), v("0.2.0"));
        assert_eq!(Bump::Minor.apply(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::Patch.apply(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::None.apply(&v("0.1.3")), v("0.1.3"));
        assert_eq!(Bump::Major.apply(&v("1.2.3")), v("2.0.0"));
        assert_eq!(Bump::Minor.apply(&v("1.2.3")), v("1.3.0"));
        assert_eq!(Bump::Patch.apply(&v("1.2.3")), v("1.2.4"));
    }

    #[test]
    fn bumps_are_worded_in_cargo_terms() {
        let said = |bump: Bump, from: &str| {
            let change = VersionChange {
                from: from.into(),
                to: bump.apply(&v(from)).to_string(),
            };
            bump.describe(Some(&change))
        };
        assert_eq!(
            said(Bump::Major, "0.2.4"),
            "breaking (0.2.4 -> 0.3.0: below 1.0 Cargo treats the minor number as breaking)"
        );
        assert_eq!(
            said(Bump::Minor, "0.2.4"),
            "compatible, API added (0.2.4 -> 0.2.5: below 1.0 additions take a patch-level \
             bump, which Cargo treats as compatible)"
        );
        assert_eq!(
            said(Bump::Patch, "0.2.4"),
            "compatible, no API added or removed (0.2.4 -> 0.2.5: a patch-level bump)"
        );
        assert_eq!(
            said(Bump::Major, "1.2.3"),
            "breaking (1.2.3 -> 2.0.0: a new major version)"
        );
        assert_eq!(
            said(Bump::Minor, "1.2.3"),
            "compatible, API added (1.2.3 -> 1.3.0: a new minor version)"
        );
        assert_eq!(said(Bump::None, "1.2.3"), "none (no API change)");
        assert_eq!(Bump::Major.describe(None), "breaking");
    }
}
