//! Stage 6: write the files that changed, and only those, or with `--check`
//! report which ones would change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What a write (or check) found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files whose content changed (or would change with `--check`).
    pub written: Vec<PathBuf>,
    pub unchanged: usize,
    /// Generated files no longer produced: removed (or to be removed).
    pub removed: Vec<PathBuf>,
}

impl WriteReport {
    /// Every path that differs from what the generator produces.
    pub fn stale(&self) -> Vec<&PathBuf> {
        self.written.iter().chain(&self.removed).collect()
    }
}

/// Compares `files` (paths relative to `out`) with the disk; writes the
/// differences unless `check` is set. A file whose bytes are equal is not
/// touched, so its mtime stays.
pub fn write(out: &Path, files: &BTreeMap<PathBuf, String>, check: bool) -> Result<WriteReport> {
    let mut report = WriteReport::default();
    for (rel, content) in files {
        let path = out.join(rel);
        match std::fs::read(&path) {
            Ok(existing) if existing == content.as_bytes() => {
                report.unchanged += 1;
                continue;
            }
            _ => {}
        }
        report.written.push(rel.clone());
        if !check {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                    path: dir.to_owned(),
                    source,
                })?;
            }
            std::fs::write(&path, content).map_err(|source| Error::Write { path, source })?;
        }
    }
    for rel in owned_files(out)? {
        if !files.contains_key(&rel) {
            if !check {
                let path = out.join(&rel);
                std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
            }
            report.removed.push(rel);
        }
    }
    Ok(report)
}

/// Files under `out/src` and `out/guide` that carry the generator's marker
/// (a Rust or a Markdown one).
pub(crate) fn owned_files(out: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![out.join("src"), out.join("guide")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read_to_string(&path).is_ok_and(|t| {
                t.starts_with(crate::render::MARKER)
                    || t.starts_with(crate::render::MARKDOWN_MARKER)
            }) {
                if let Ok(rel) = path.strip_prefix(out) {
                    found.push(rel.to_owned());
                }
            }
        }
    }
    found.sort();
    Ok(found)
}
