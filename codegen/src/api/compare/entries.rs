//! The list a comparison fills, one [`Entry`] per change.

use crate::api::report::{Category, Entry, Scope, Severity};

/// The entries found so far; [`Entries::push`] spells out every field.
#[derive(Default)]
pub(super) struct Entries(pub(super) Vec<Entry>);

impl Entries {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        severity: Severity,
        scope: Scope,
        name: &str,
        member: Option<&str>,
        category: Category,
        detail: String,
        reason: &str,
    ) {
        self.0.push(Entry {
            severity,
            scope,
            name: name.to_owned(),
            member: member.map(str::to_owned),
            category,
            detail,
            reason: reason.to_owned(),
            unused: false,
        });
    }
}
