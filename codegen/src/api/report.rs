//! The API change report: what changed between two [`Surface`]s, how much
//! each change matters to a Rust caller, and the version bump that follows.
//! Rendered as terminal text, as JSON (`--format json`), as Markdown for a
//! pull request (`--format markdown`) and as a `CHANGELOG.md` entry.
//!
//! [`Surface`]: crate::ir::surface::Surface

use std::fmt::Write as _;

use serde::Serialize;

use crate::render::markdown_cell;

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
    /// A name the crate root exports (a runtime type or module).
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

/// A semver bump, in semver's own terms (see [`Bump::apply`] for 0.x).
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

    fn describe(self) -> &'static str {
        match self {
            Bump::None => "none (no API change)",
            Bump::Patch => "patch (no API added or broken)",
            Bump::Minor => "minor (API added, nothing broken)",
            Bump::Major => "major (breaking changes)",
        }
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
    pub breaking: usize,
    pub non_breaking: usize,
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
    /// Breaking first, then by scope, name and member.
    pub entries: Vec<Entry>,
}

impl Report {
    pub fn new(old: String, new: String, mut entries: Vec<Entry>) -> Report {
        entries.sort();
        entries.dedup();
        let summary = summarize(&entries);
        let bump = entries.iter().map(Entry::bump).max().unwrap_or(Bump::None);
        Report {
            old,
            new,
            summary,
            bump,
            version: None,
            entries,
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

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn has_breaking(&self) -> bool {
        self.summary.breaking > 0
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes") + "\n"
    }

    /// The terminal form: summary, then the entries grouped by severity.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "API changes: {} -> {}", self.old, self.new);
        if self.is_empty() {
            let _ = writeln!(out, "No API changes.");
        }
        let _ = write!(out, "{}", self.summary_lines());
        for (severity, entries) in self.by_severity() {
            let title = match severity {
                Severity::Breaking => "Breaking changes",
                Severity::NonBreaking => "Non-breaking changes",
            };
            let _ = writeln!(out, "\n{title} ({})", entries.len());
            let mut scope = None;
            for e in entries {
                if scope != Some(e.scope) {
                    scope = Some(e.scope);
                    let _ = writeln!(out, "  {}", scope_title(e.scope));
                }
                let _ = writeln!(out, "    {}: {}  [{}]", e.subject(), e.detail, e.reason);
            }
        }
        let _ = writeln!(out, "\n{}", self.bump_line());
        out
    }

    /// The pull-request form: a summary table and the bump, the breaking
    /// entries as a table, and the non-breaking ones in a collapsed table
    /// (a large regeneration lists hundreds), ready to paste into a review.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "### API changes: `{}` -> `{}`\n", self.old, self.new);
        let _ = writeln!(out, "**{}**\n", self.bump_line());
        if self.is_empty() {
            let _ = writeln!(out, "No API changes.");
            return out;
        }
        let s = &self.summary;
        let _ = writeln!(out, "| | added | removed | renamed | changed |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        let mut rows = vec![
            ("Operations", &s.operations),
            ("Models", &s.models),
            ("Error codes", &s.error_codes),
        ];
        if s.exports != Counts::default() {
            rows.push(("Exports", &s.exports));
        }
        for (what, c) in rows {
            let _ = writeln!(
                out,
                "| {what} | {} | {} | {} | {} |",
                c.added, c.removed, c.renamed, c.changed
            );
        }
        let _ = writeln!(
            out,
            "\n{} breaking, {} non-breaking entries.",
            s.breaking, s.non_breaking
        );
        for (severity, entries) in self.by_severity() {
            let (title, folded) = match severity {
                Severity::Breaking => ("Breaking changes", false),
                Severity::NonBreaking => ("Non-breaking changes", true),
            };
            let heading = format!("{title} ({})", entries.len());
            if folded {
                let _ = writeln!(out, "\n<details><summary>{heading}</summary>\n");
            } else {
                let _ = writeln!(out, "\n#### {heading}\n");
            }
            let _ = writeln!(out, "| | subject | change | why |");
            let _ = writeln!(out, "|---|---|---|---|");
            for e in entries {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} |",
                    scope_word(e.scope),
                    e.subject(),
                    markdown_cell(&e.detail),
                    markdown_cell(&e.reason)
                );
            }
            if folded {
                let _ = writeln!(out, "\n</details>");
            }
        }
        out
    }

    /// A `CHANGELOG.md` section for `version`.
    pub fn to_changelog(&self, version: &str) -> String {
        let mut out = format!("## {version}\n\n");
        let _ = writeln!(out, "API changes from {} to {}.\n", self.old, self.new);
        for line in self.summary_lines().lines() {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out, "- {}", self.bump_line());
        for (severity, entries) in self.by_severity() {
            let title = match severity {
                Severity::Breaking => "Breaking",
                Severity::NonBreaking => "Non-breaking",
            };
            let _ = writeln!(out, "\n### {title}\n");
            for e in entries {
                let _ = writeln!(
                    out,
                    "- {} `{}`: {}",
                    scope_word(e.scope),
                    e.subject(),
                    e.detail
                );
            }
        }
        out
    }

    /// The breaking entries, then the non-breaking ones; empty groups left
    /// out. Entries are sorted by severity first, so each group is a run.
    fn by_severity(&self) -> Vec<(Severity, &[Entry])> {
        self.entries
            .chunk_by(|a, b| a.severity == b.severity)
            .map(|run| (run[0].severity, run))
            .collect()
    }

    fn summary_lines(&self) -> String {
        let s = &self.summary;
        let counts = |c: &Counts| {
            format!(
                "{} added, {} removed, {} renamed, {} changed",
                c.added, c.removed, c.renamed, c.changed
            )
        };
        let exports = if s.exports == Counts::default() {
            String::new()
        } else {
            format!("Exports: {}\n", counts(&s.exports))
        };
        format!(
            "Operations: {}\nModels: {}\nError codes: {}\n{exports}Entries: {} breaking, {} non-breaking\n",
            counts(&s.operations),
            counts(&s.models),
            counts(&s.error_codes),
            s.breaking,
            s.non_breaking
        )
    }

    fn bump_line(&self) -> String {
        match &self.version {
            Some(VersionChange { from, to }) if from != to => {
                format!(
                    "Suggested version bump: {} {from} -> {to}",
                    self.bump.describe()
                )
            }
            _ => format!("Suggested version bump: {}", self.bump.describe()),
        }
    }
}

fn scope_title(scope: Scope) -> &'static str {
    match scope {
        Scope::Operation => "operations",
        Scope::Model => "models",
        Scope::ErrorCode => "error codes",
        Scope::Export => "crate exports",
    }
}

fn scope_word(scope: Scope) -> &'static str {
    match scope {
        Scope::Operation => "operation",
        Scope::Model => "model",
        Scope::ErrorCode => "error code",
        Scope::Export => "export",
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
}
