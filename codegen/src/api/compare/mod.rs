//! The API diff stage: compares two [`Surface`]s and classifies every
//! change by what it does to a Rust caller of the generated crate.
//!
//! The rules follow the crate's real API:
//! - An operation is `client.name(required args...)` returning a builder
//!   with one setter per optional parameter. A new optional parameter is a
//!   new setter (non-breaking); a new required one is a new argument, and a
//!   parameter moving between the two changes the call (both breaking).
//! - A struct a request reaches is `#[non_exhaustive]` and built with `new`
//!   (its required fields) and setters, so only a new required field breaks
//!   it. A model reachable only from responses is read, not built, so a new
//!   field there is non-breaking.
//! - A struct a request starts or stops reaching gains or loses that
//!   request shape ([`reach`]): fields whose type changes only by it are
//!   reported as a reachability change, not as a change of the field.
//! - typify enums are exhaustive: a new variant breaks a `match` on a
//!   response enum, but not a request enum the caller only constructs.
//! - Required/optional and nullable changes are judged by the Rust type
//!   the field gets: `Option<T>` <-> `T` breaks; a property that only stops
//!   being required while staying `Option<T>` does not.
//! - Error statuses never change a signature: every error arrives as the
//!   client's one error type (`PhalaCloudError`), so added or removed
//!   statuses are non-breaking.
//! - A model no operation reaches in either generation is judged the
//!   strict way (built with a struct literal, matched on), and its entries
//!   are marked [`Entry::unused`]: the report lists them apart, outside the
//!   bump.

mod entries;
mod models;
mod operations;
mod reach;

pub use reach::{reachable, Usage};

use std::collections::BTreeMap;

use crate::api::report::{Category, Entry, Scope, Severity};
use crate::ir::surface::Surface;

use entries::Entries;
use Severity::{Breaking, NonBreaking};

/// Every change from `old` to `new`. Error codes are compared only when
/// `with_error_codes` (a diff of two specs without catalogs has none).
/// `error_type` is the client's error type
/// ([`crate::inputs::names::ClientNames::error`]), named in the reasons.
pub fn compare(
    old: &Surface,
    new: &Surface,
    with_error_codes: bool,
    error_type: &str,
) -> Vec<Entry> {
    let mut out = Entries::default();
    operations::compare(&mut out, old, new, error_type);
    let mut usage = reachable(old);
    for (name, u) in reachable(new) {
        let e = usage.entry(name).or_default();
        e.input |= u.input;
        e.output |= u.output;
    }
    // A model no operation reaches in either spec is public all the same;
    // judge it both ways.
    for name in old.models.keys().chain(new.models.keys()) {
        usage.entry(name.clone()).or_insert(Usage {
            input: true,
            output: true,
            orphan: true,
        });
    }
    models::compare(&mut out, old, new, &usage, &reach::Requests::of(old, new));
    // Entries about a model no operation reaches in either generation go
    // to the report's own list: they never drive the bump.
    for e in &mut out.0 {
        e.unused = e.scope == Scope::Model && usage.get(&e.name).is_some_and(|u| u.orphan);
    }
    if with_error_codes {
        error_codes(&mut out, old, new);
    }
    exports(&mut out, old, new);
    runtime(&mut out, old, new);
    out.0
}

/// Public runtime items gained, lost or changed. A snapshot from before
/// they were recorded has none, and is not compared.
fn runtime(out: &mut Entries, old: &Surface, new: &Surface) {
    if old.runtime.is_empty() {
        return;
    }
    for (name, change) in keyed(&old.runtime, &new.runtime) {
        match change {
            Keyed::Removed(signature) => out.push(
                Breaking,
                Scope::Export,
                name,
                None,
                Category::ExportRemoved,
                format!("removed from the runtime (was `{signature}`)"),
                "code naming it no longer compiles",
            ),
            Keyed::Changed(signature, now) => out.push(
                Breaking,
                Scope::Export,
                name,
                None,
                Category::ExportChanged,
                format!("`{signature}` -> `{now}`"),
                "code written against the old signature may not compile",
            ),
            Keyed::Added(signature) => out.push(
                NonBreaking,
                Scope::Export,
                name,
                None,
                Category::ExportAdded,
                format!("added to the runtime: `{signature}`"),
                "a new name",
            ),
        }
    }
}

/// How the value under one key changed between two maps.
enum Keyed<'a> {
    Removed(&'a str),
    Changed(&'a str, &'a str),
    Added(&'a str),
}

/// Every key whose value `old` and `new` do not share: the removed and
/// changed ones in key order, then the added ones in key order.
fn keyed<'a>(
    old: &'a BTreeMap<String, String>,
    new: &'a BTreeMap<String, String>,
) -> impl Iterator<Item = (&'a str, Keyed<'a>)> {
    let gone = old.iter().filter_map(|(key, was)| match new.get(key) {
        None => Some((key.as_str(), Keyed::Removed(was.as_str()))),
        Some(now) if now != was => Some((key.as_str(), Keyed::Changed(was, now))),
        Some(_) => None,
    });
    let added = new
        .iter()
        .filter(|(key, _)| !old.contains_key(*key))
        .map(|(key, now)| (key.as_str(), Keyed::Added(now.as_str())));
    gone.chain(added)
}

/// Names the crate root gains or loses. A snapshot from before exports were
/// recorded has none, and is not compared.
fn exports(out: &mut Entries, old: &Surface, new: &Surface) {
    if old.exports.is_empty() {
        return;
    }
    for name in old.exports.difference(&new.exports) {
        out.push(
            Breaking,
            Scope::Export,
            name,
            None,
            Category::ExportRemoved,
            "removed from the crate root".to_owned(),
            "code naming it no longer compiles",
        );
    }
    for name in new.exports.difference(&old.exports) {
        out.push(
            NonBreaking,
            Scope::Export,
            name,
            None,
            Category::ExportAdded,
            "added to the crate root".to_owned(),
            "a new name",
        );
    }
}

fn error_codes(out: &mut Entries, old: &Surface, new: &Surface) {
    for (code, change) in keyed(&old.error_codes, &new.error_codes) {
        match change {
            Keyed::Removed(constant) => out.push(
                Breaking,
                Scope::ErrorCode,
                code,
                None,
                Category::ErrorCodeRemoved,
                format!("removed (was error_codes::{constant})"),
                "the constant and its ErrorCode variant are gone",
            ),
            Keyed::Changed(constant, c) => out.push(
                Breaking,
                Scope::ErrorCode,
                code,
                None,
                Category::ErrorCodeRenamed,
                format!("constant error_codes::{constant} -> error_codes::{c}"),
                "the old constant name is gone",
            ),
            Keyed::Added(constant) => out.push(
                NonBreaking,
                Scope::ErrorCode,
                code,
                None,
                Category::ErrorCodeAdded,
                format!("added as error_codes::{constant}"),
                "a new constant; ErrorCode is #[non_exhaustive]",
            ),
        }
    }
}

/// The models an operation's arguments reach: the request models, which
/// the generated crate makes `#[non_exhaustive]` with `new` and setters.
pub fn request_models(surface: &Surface) -> std::collections::BTreeSet<String> {
    reachable(surface)
        .into_iter()
        .filter(|(_, u)| u.input)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_exports(names: &[&str]) -> Surface {
        Surface {
            exports: names.iter().map(|n| n.to_string()).collect(),
            ..Surface::default()
        }
    }

    #[test]
    fn a_removed_export_breaks_and_an_added_one_does_not() {
        let entries = compare(
            &with_exports(&["A", "B"]),
            &with_exports(&["B", "C"]),
            false,
            "ApiError",
        );
        let got: Vec<(Severity, &str, crate::api::report::Category)> = entries
            .iter()
            .map(|e| (e.severity, e.name.as_str(), e.category))
            .collect();
        use crate::api::report::Category::{ExportAdded, ExportRemoved};
        assert_eq!(
            got,
            [
                (Breaking, "A", ExportRemoved),
                (NonBreaking, "C", ExportAdded)
            ]
        );
        // A snapshot without exports predates them: nothing to compare.
        assert!(compare(&with_exports(&[]), &with_exports(&["C"]), false, "ApiError").is_empty());
    }

    fn with_runtime(items: &[(&str, &str)]) -> Surface {
        Surface {
            runtime: items
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Surface::default()
        }
    }

    #[test]
    fn runtime_items_gained_lost_and_changed() {
        let old = with_runtime(&[("error::E::a", "fn a ()"), ("error::E::b", "fn b ()")]);
        let new = with_runtime(&[("error::E::b", "fn b (x : u8)"), ("error::E::c", "fn c ()")]);
        let got: Vec<(Severity, String, crate::api::report::Category)> =
            compare(&old, &new, false, "ApiError")
                .into_iter()
                .map(|e| (e.severity, e.name, e.category))
                .collect();
        use crate::api::report::Category::{ExportAdded, ExportChanged, ExportRemoved};
        assert_eq!(
            got,
            [
                (Breaking, "error::E::a".to_owned(), ExportRemoved),
                (Breaking, "error::E::b".to_owned(), ExportChanged),
                (NonBreaking, "error::E::c".to_owned(), ExportAdded)
            ]
        );
        assert!(compare(&Surface::default(), &new, false, "ApiError").is_empty());
    }
}
