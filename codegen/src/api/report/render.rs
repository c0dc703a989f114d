//! The report's three written forms: terminal text, Markdown for a pull
//! request and a `CHANGELOG.md` entry. Each lists the entries that count
//! (breaking, then non-breaking), then the unused models' entries apart,
//! and says the bump in Cargo's terms.

use std::fmt::Write as _;

use super::{Counts, Entry, Report, Scope, Severity};
use crate::render::markdown_cell;

/// The heading of the unused models' part, and what it means.
const UNUSED: &str = "Unused models";
const UNUSED_WHY: &str = "no operation takes or returns them; not counted in the bump";

impl Report {
    /// The terminal form: summary, then the entries grouped by severity,
    /// the unused models' entries, and the bump.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "API changes: {} -> {}", self.old, self.new);
        if let Some(none) = self.nothing_counts() {
            let _ = writeln!(out, "{none}");
        }
        let _ = write!(out, "{}", self.summary_lines());
        for (severity, entries) in by_severity(&self.entries) {
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
        if !self.unused_models.is_empty() {
            let n = self.unused_models.len();
            let _ = writeln!(out, "\n{UNUSED} ({n}): {UNUSED_WHY}");
            for (severity, entries) in by_severity(&self.unused_models) {
                let _ = writeln!(out, "  {} ({})", severity_word(severity), entries.len());
                for e in entries {
                    let _ = writeln!(out, "    {}: {}  [{}]", e.subject(), e.detail, e.reason);
                }
            }
        }
        let _ = writeln!(out, "\n{}", self.bump_line());
        out
    }

    /// The pull-request form: a summary table and the bump, the breaking
    /// entries as a table, and the non-breaking ones and the unused models'
    /// in collapsed tables (a large regeneration lists hundreds), ready to
    /// paste into a review.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "### API changes: `{}` -> `{}`\n", self.old, self.new);
        let _ = writeln!(out, "**{}**\n", self.bump_line());
        if self.is_empty() {
            let _ = writeln!(out, "No API changes.");
            return out;
        }
        self.markdown_summary(&mut out);
        for (severity, entries) in by_severity(&self.entries) {
            let (title, folded) = match severity {
                Severity::Breaking => ("Breaking changes", false),
                Severity::NonBreaking => ("Non-breaking changes", true),
            };
            let heading = format!("{title} ({})", entries.len());
            markdown_table(&mut out, &heading, folded, entries, |e| scope_word(e.scope));
        }
        if !self.unused_models.is_empty() {
            let heading = format!("{UNUSED} ({}): {UNUSED_WHY}", self.unused_models.len());
            markdown_table(&mut out, &heading, true, &self.unused_models, |e| {
                severity_word(e.severity)
            });
        }
        out
    }

    fn markdown_summary(&self, out: &mut String) {
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
        if s.unused_models != Counts::default() {
            rows.push(("Unused models (not counted)", &s.unused_models));
        }
        for (what, c) in rows {
            let _ = writeln!(
                out,
                "| {what} | {} | {} | {} | {} |",
                c.added, c.removed, c.renamed, c.changed
            );
        }
        let _ = write!(
            out,
            "\n{} breaking, {} non-breaking entries",
            s.breaking, s.non_breaking
        );
        match self.unused_models.len() {
            0 => {
                let _ = writeln!(out, ".");
            }
            n => {
                let _ = writeln!(out, "; {n} about unused models, not counted.");
            }
        }
        if let Some(none) = self.nothing_counts() {
            let _ = writeln!(out, "\n{none}");
        }
    }

    /// A `CHANGELOG.md` section for `version`.
    pub fn to_changelog(&self, version: &str) -> String {
        let mut out = format!("## {version}\n\n");
        let _ = writeln!(out, "API changes from {} to {}.\n", self.old, self.new);
        for line in self.summary_lines().lines() {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out, "- {}", self.bump_line());
        for (severity, entries) in by_severity(&self.entries) {
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
        if !self.unused_models.is_empty() {
            let _ = writeln!(
                out,
                "\n### {UNUSED}\n\nNo operation takes or returns these models; \
                 they do not count towards the version bump.\n"
            );
            for e in &self.unused_models {
                let _ = writeln!(
                    out,
                    "- `{}`: {} ({})",
                    e.subject(),
                    e.detail,
                    severity_word(e.severity)
                );
            }
        }
        out
    }

    /// The line that says nothing counts, when only unused models changed
    /// (or nothing did).
    fn nothing_counts(&self) -> Option<&'static str> {
        match (self.entries.is_empty(), self.unused_models.is_empty()) {
            (true, true) => Some("No API changes."),
            (true, false) => Some("No API changes to what the operations use."),
            _ => None,
        }
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
        let unused = if s.unused_models == Counts::default() {
            String::new()
        } else {
            format!(
                "{UNUSED}: {} (not counted in the bump)\n",
                counts(&s.unused_models)
            )
        };
        format!(
            "Operations: {}\nModels: {}\nError codes: {}\n{exports}Entries: {} breaking, {} non-breaking\n{unused}",
            counts(&s.operations),
            counts(&s.models),
            counts(&s.error_codes),
            s.breaking,
            s.non_breaking
        )
    }

    fn bump_line(&self) -> String {
        format!(
            "Suggested version bump: {}",
            self.bump.describe(self.version.as_ref())
        )
    }
}

/// `entries` as a table under a heading; `folded` in a `<details>` block.
/// `first` fills the first column.
fn markdown_table(
    out: &mut String,
    heading: &str,
    folded: bool,
    entries: &[Entry],
    first: impl Fn(&Entry) -> &'static str,
) {
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
            first(e),
            e.subject(),
            markdown_cell(&e.detail),
            markdown_cell(&e.reason)
        );
    }
    if folded {
        let _ = writeln!(out, "\n</details>");
    }
}

/// The breaking entries, then the non-breaking ones; empty groups left
/// out. Entries are sorted by severity first, so each group is a run.
fn by_severity(entries: &[Entry]) -> Vec<(Severity, &[Entry])> {
    entries
        .chunk_by(|a, b| a.severity == b.severity)
        .map(|run| (run[0].severity, run))
        .collect()
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Breaking => "breaking",
        Severity::NonBreaking => "non-breaking",
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
