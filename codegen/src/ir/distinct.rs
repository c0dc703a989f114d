//! Distinct identifiers for wire names that typify and progenitor would
//! name alike (enum values `+name` and `-name`, `ASC` and `asc`; properties
//! `isGlobal` and `is_global`; query parameters `DateCreated<` and
//! `DateCreated>`) or too long (a 100,000-character property). One rule,
//! documented in `docs/generic.md`:
//!
//! 1. a wire name keeps the name typify and progenitor give it (their
//!    `sanitize`, emulated by [`sanitize`]) when no other wire name of the
//!    same set gets it and it is at most [`MAX_LEN`] characters;
//! 2. the others, a wire name that already is its own name first, then in
//!    sorted order of the wire names, take the first free name of: the name
//!    with signs spelled out (`+` plus, `-` minus, `<` lt, `>` gt, `=` eq,
//!    `!` not, `*` star, `.` dot: `PlusName`, `date_created_lt`); that name
//!    with `lower` or `upper` when the wire name is all one case
//!    (`AscLower`); that name with 2, 3, ...;
//! 3. a name longer than [`MAX_LEN`] is cut and ends in eight hex digits
//!    of the SHA-256 of what it was made from.
//!
//! The wire name is never changed: serde renames the identifier to it.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};
use sha2::{Digest, Sha256};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The longest identifier made from a wire name.
pub const MAX_LEN: usize = 64;

/// The case of the identifiers of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Enum variants and type names (`PlusName`).
    Pascal,
    /// Fields and parameters (`date_created_lt`).
    Snake,
}

/// typify's and progenitor's identifier for `input` (their `sanitize`:
/// characters that cannot continue an identifier separate words, then the
/// case; a name that cannot start an identifier gets `x` before it, a
/// keyword `_` after it). progenitor puts `_` rather than `x` before a
/// parameter's name; `prefix` says which.
pub fn sanitize(input: &str, case: Case, prefix: &str) -> String {
    let to_case = |s: &str| match case {
        Case::Pascal => s.to_pascal_case(),
        Case::Snake => s.to_snake_case(),
    };
    let out = match input {
        "+1" => to_case("plus1"),
        "-1" => to_case("minus1"),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{}{out}", to_case(prefix)),
    };
    if crate::ident::RustIdent::new(&out).is_ok() || !out.is_ascii() {
        out
    } else {
        format!("{out}_")
    }
}

/// Whether the names typify gives `wire` collide or are too long.
pub fn needs_rule(wire: &[&str], case: Case) -> bool {
    let mut seen = BTreeSet::new();
    wire.iter().any(|w| {
        let name = sanitize(w, case, "x");
        name.len() > MAX_LEN || !seen.insert(name)
    })
}

/// The names of `wire` by the rule, in the same order: distinct, each at
/// most [`MAX_LEN`] characters. `prefix` as for [`sanitize`].
pub fn distinct(wire: &[&str], case: Case, prefix: &str) -> Vec<String> {
    distinct_beside(wire, case, prefix, &BTreeSet::new())
}

/// [`distinct`], the names also distinct from `reserved` (names already
/// given to others of the set).
pub fn distinct_beside(
    wire: &[&str],
    case: Case,
    prefix: &str,
    reserved: &BTreeSet<String>,
) -> Vec<String> {
    let base: Vec<String> = wire.iter().map(|w| sanitize(w, case, prefix)).collect();
    let mut names: Vec<Option<String>> = vec![None; wire.len()];
    let mut taken = reserved.clone();
    for (i, name) in base.iter().enumerate() {
        let alone = base.iter().filter(|b| *b == name).count() == 1 && !reserved.contains(name);
        if alone && name.len() <= MAX_LEN {
            taken.insert(name.clone());
            names[i] = Some(name.clone());
        }
    }
    let mut rest: Vec<usize> = (0..wire.len()).filter(|i| names[*i].is_none()).collect();
    rest.sort_by_key(|i| (base[*i] != wire[*i], wire[*i]));
    for i in rest {
        let name = candidates(wire[i], case, prefix)
            .find(|c| !taken.contains(c))
            .unwrap_or_default();
        taken.insert(name.clone());
        names[i] = Some(name);
    }
    names.into_iter().map(Option::unwrap_or_default).collect()
}

/// The names `wire` may take, in order of preference (rule 2).
fn candidates<'a>(wire: &'a str, case: Case, prefix: &'a str) -> impl Iterator<Item = String> + 'a {
    let spelled = spell(wire);
    let has_upper = wire.chars().any(char::is_uppercase);
    let has_lower = wire.chars().any(char::is_lowercase);
    let one_case = match (has_upper, has_lower) {
        (false, true) => Some("lower"),
        (true, false) => Some("upper"),
        _ => None,
    };
    let first = [
        Some(spelled.clone()),
        one_case.map(|c| format!("{spelled} {c}")),
    ];
    let numbered = (2..).map(move |n: u64| Some(format!("{} {n}", spell(wire))));
    first
        .into_iter()
        .chain(numbered)
        .flatten()
        .map(move |raw| bounded(&raw, case, prefix))
}

/// `raw`'s name, cut to [`MAX_LEN`] with a hash of `raw` past it (rule 3).
fn bounded(raw: &str, case: Case, prefix: &str) -> String {
    let name = fixpoint(sanitize(raw, case, prefix), case, prefix);
    if name.len() <= MAX_LEN {
        return name;
    }
    let hash: String = Sha256::digest(raw.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let keep: String = name.chars().take(MAX_LEN - 9).collect();
    let keep = keep.trim_end_matches('_');
    let joined = match case {
        Case::Pascal => format!("{keep}H{hash}"),
        Case::Snake => format!("{keep}_{hash}"),
    };
    fixpoint(sanitize(&joined, case, prefix), case, prefix)
}

/// `name` sanitized until it no longer changes, so that typify, given it
/// (with a marker it drops, see `backend::placeholders`), names it the same.
fn fixpoint(mut name: String, case: Case, prefix: &str) -> String {
    for _ in 0..4 {
        let again = sanitize(&name, case, prefix);
        if again == name {
            break;
        }
        name = again;
    }
    name
}

/// `wire` with its signs spelled out as words.
fn spell(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        let word = match c {
            '+' => "plus",
            '-' => "minus",
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            '!' => "not",
            '*' => "star",
            '.' => "dot",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push(' ');
        out.push_str(word);
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pascal(wire: &[&str]) -> Vec<String> {
        distinct(wire, Case::Pascal, "x")
    }

    #[test]
    fn names_that_do_not_collide_stay_typify_s() {
        assert_eq!(pascal(&["active", "in-progress"]), ["Active", "InProgress"]);
        assert!(!needs_rule(&["active", "in-progress"], Case::Pascal));
    }

    #[test]
    fn signs_are_spelled() {
        let wire = ["-name", "+name", "-id", "+id", "created"];
        assert!(needs_rule(&wire, Case::Pascal));
        assert_eq!(
            pascal(&wire),
            ["MinusName", "PlusName", "MinusId", "PlusId", "Created"]
        );
        assert_eq!(
            pascal(&["Etc/GMT+0", "Etc/GMT-0"]),
            ["EtcGmtPlus0", "EtcGmtMinus0"]
        );
        let params = ["DateCreated", "DateCreated<", "DateCreated>"];
        assert_eq!(
            distinct(&params, Case::Snake, "_"),
            ["date_created", "date_created_lt", "date_created_gt"]
        );
    }

    #[test]
    fn case_is_told_apart() {
        assert_eq!(
            pascal(&["ASC", "DESC", "asc", "desc"]),
            ["Asc", "Desc", "AscLower", "DescLower"]
        );
        // The wire name that already is an identifier keeps it.
        assert_eq!(
            distinct(&["isGlobal", "is_global"], Case::Snake, "x"),
            ["is_global_2", "is_global"]
        );
        assert_eq!(pascal(&["NullTime", "nullTime"]), ["NullTime", "NullTime2"]);
    }

    #[test]
    fn long_names_are_cut_with_a_hash() {
        let long = "a".repeat(100_000);
        let longer = format!("{long}b");
        let names = distinct(&[&long, &longer, "a"], Case::Snake, "x");
        assert!(names[0].len() <= MAX_LEN && names[1].len() <= MAX_LEN);
        assert_ne!(names[0], names[1]);
        assert_eq!(names[2], "a");
        assert_eq!(sanitize(&names[0], Case::Snake, "x"), names[0]);
        let pascal_long = pascal(&[&long]);
        assert!(pascal_long[0].len() <= MAX_LEN);
        assert_eq!(sanitize(&pascal_long[0], Case::Pascal, "x"), pascal_long[0]);
    }
}
