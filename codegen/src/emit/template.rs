//! Prose with named placeholders (`{op_count}`), filled from typed values.
//! A template keeps a page's text in one piece: `format!` would need every
//! brace of its code examples doubled, and patching the text afterwards
//! (`.replace`) hunts for a line that may have moved.
//!
//! A placeholder is `{`, a name of lowercase letters, digits and `_`, and
//! `}`; every other brace is text (`{}`, `{ x }`, `{e:?}` stay). A value may
//! hold braces of its own: it is not read again.

use std::fmt::Display;

/// `template` with each placeholder replaced by the value of that name.
///
/// Panics on a placeholder with no value, or a value no placeholder uses:
/// templates are the generator's own constants, not input, and each is
/// filled by the tests, so a mismatch is a bug in the generator.
pub fn fill(template: &str, values: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut used = vec![false; values.len()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        if name.is_empty() || !after[name_len..].starts_with('}') {
            out.push('{');
            rest = after;
            continue;
        }
        let Some(at) = values.iter().position(|(n, _)| *n == name) else {
            panic!("the template's placeholder `{{{name}}}` has no value");
        };
        used[at] = true;
        out.push_str(&values[at].1.to_string());
        rest = &after[name_len + 1..];
    }
    out.push_str(rest);
    if let Some(unused) = used.iter().position(|u| !u) {
        panic!("the value `{}` fills no placeholder", values[unused].0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn placeholders_are_filled_and_other_braces_stay() {
        let text = fill(
            "{n} ops: fn f() { println!(\"{}\", x); } {e:?} {name}",
            &[("n", &3), ("name", &"{kept}")],
        );
        assert_eq!(text, "3 ops: fn f() { println!(\"{}\", x); } {e:?} {kept}");
    }

    #[test]
    #[should_panic(expected = "`{missing}` has no value")]
    fn a_placeholder_without_a_value_is_a_bug() {
        fill("{missing}", &[]);
    }

    #[test]
    #[should_panic(expected = "`extra` fills no placeholder")]
    fn a_value_without_a_placeholder_is_a_bug() {
        fill("text", &[("extra", &1)]);
    }
}
