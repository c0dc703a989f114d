//! The flow-nesting check a YAML spec passes before it is parsed.
//!
//! serde_json stops at 128 levels by itself; the YAML parser has no such
//! early stop and takes quadratic time on deep flow nesting (100k unclosed
//! `[` took 15 s), so the depth is measured first, in one linear pass over
//! the text. The pass is a small scanner rather than the YAML parser's own
//! events because those events are what take the quadratic time.
//!
//! Only real flow collections count. A `[` or `{` is one where YAML reads
//! it as an indicator: at the start of a value in block context (after
//! `key: `, `- `, `? `, or at the start of a line whose value the line
//! before left open), and anywhere inside a flow collection. Brackets in
//! quoted scalars, comments, block scalars (`|` and `>`, of any chomping or
//! indentation indicator) and the middle of plain scalars do not count. A
//! 3 MB spec with code samples in `|` blocks was rejected before this rule.

use std::path::Path;

use crate::error::{Error, Result};

/// The deepest `[`/`{` nesting a YAML spec may have.
pub const MAX_YAML_DEPTH: usize = 128;

/// Fails on flow nesting deeper than [`MAX_YAML_DEPTH`], naming the line
/// and column where it goes past.
pub fn check(path: &Path, text: &str) -> Result<()> {
    // A flow collection may open the document.
    let mut scan = Scanner {
        value_pending: true,
        ..Scanner::default()
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(column) = scan.line(line) {
            let (line, column) = line_column(text, offset + column);
            return Err(Error::Parse {
                path: path.to_owned(),
                format: "YAML",
                line,
                column,
                message: format!("nesting deeper than {MAX_YAML_DEPTH} levels"),
            });
        }
        offset += line.len();
    }
    Ok(())
}

/// The scanner's state between lines.
#[derive(Default)]
struct Scanner {
    /// Open flow collections.
    depth: usize,
    /// The quote character of a quoted scalar still open.
    quote: Option<char>,
    /// Inside a block scalar: its lines are those indented deeper than this.
    block_above: Option<usize>,
    /// The line before ended where a value starts (`key:`, `-`), so a
    /// bracket opening this line is a flow collection.
    value_pending: bool,
}

/// What the scanner last passed on a line, which decides whether a value
/// may start at the next character.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    /// Nothing but indentation.
    LineStart,
    /// A block indicator: `key: `, or a `- ` or `? ` at the line's head.
    Indicator,
    /// Inside a flow collection, after `[`, `{`, `,` or `:`.
    FlowSeparator,
    /// Anything else: a key, a plain scalar, a closed quote.
    Other,
}

impl Scanner {
    /// Reads one line (with its newline); the byte offset in it where the
    /// nesting goes too deep, if it does.
    fn line(&mut self, line: &str) -> Option<usize> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(above) = self.block_above {
            if line.trim().is_empty() || indent > above {
                return None;
            }
            self.block_above = None;
        }
        let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
        if blank && self.quote.is_none() {
            return None;
        }
        let mut after = After::LineStart;
        let mut previous = ' ';
        let mut chars = line.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next_is_space = chars.peek().is_none_or(|p| p.1.is_whitespace());
            if let Some(q) = self.quote {
                // `\x` in double quotes and `''` in single quotes are a
                // character of the scalar, not its end.
                let escaped = (c == '\\' && q == '"')
                    || (c == '\'' && q == '\'' && chars.peek().map(|p| p.1) == Some('\''));
                if escaped {
                    chars.next();
                } else if c == q {
                    self.quote = None;
                    after = After::Other;
                }
                previous = c;
                continue;
            }
            if c.is_whitespace() {
                previous = c;
                continue;
            }
            let opens = match after {
                After::LineStart => self.depth > 0 || self.value_pending,
                After::Indicator | After::FlowSeparator => true,
                After::Other => self.depth > 0,
            };
            after = match c {
                '#' if previous.is_whitespace() => break,
                '"' | '\'' if after != After::Other => {
                    self.quote = Some(c);
                    After::Other
                }
                '[' | '{' if opens => {
                    self.depth += 1;
                    if self.depth > MAX_YAML_DEPTH {
                        return Some(at);
                    }
                    After::FlowSeparator
                }
                ']' | '}' if self.depth > 0 => {
                    self.depth -= 1;
                    After::Other
                }
                ',' | ':' if self.depth > 0 => After::FlowSeparator,
                ':' if next_is_space => After::Indicator,
                '-' | '?' if next_is_space && after != After::Other => After::Indicator,
                '|' | '>' if opens && self.depth == 0 && block_header(&line[at + 1..]) => {
                    self.block_above = Some(block_parent(line, at));
                    self.value_pending = false;
                    return None;
                }
                _ => After::Other,
            };
            previous = c;
        }
        self.value_pending = self.depth == 0 && after == After::Indicator;
        None
    }
}

/// Whether what follows a `|` or `>` is a block scalar header: chomping
/// and indentation indicators, then nothing but a comment.
fn block_header(rest: &str) -> bool {
    let rest = rest.trim_start_matches(['+', '-', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

/// The column a block scalar's lines must be indented past: its key's, or
/// the `-` of a sequence entry whose value it is.
fn block_parent(line: &str, indicator: usize) -> usize {
    let mut column = line.len() - line.trim_start_matches(' ').len();
    let mut dash = column;
    while line[column..].starts_with("- ") {
        dash = column;
        column += 2;
        column += line[column..].len() - line[column..].trim_start_matches(' ').len();
    }
    if column == indicator {
        dash
    } else {
        column
    }
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(text: &str) -> Option<String> {
        check(Path::new("d.yaml"), text)
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn deep_flow_nesting_fails_fast_with_its_position() {
        let text = format!("openapi: 3.1.0\npaths: {}\n", "[".repeat(200_000));
        let started = std::time::Instant::now();
        let err = depth_error(&text).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(
            err,
            "d.yaml:2:136: invalid YAML: nesting deeper than 128 levels"
        );
        let inner = format!("x:\n  - a\n  - [{}\n", "[{".repeat(100));
        assert!(depth_error(&inner).unwrap().contains(":3:"));
        let next_line = format!("x:\n  {}\n", "[".repeat(129));
        assert!(depth_error(&next_line).is_some());
    }

    #[test]
    fn only_flow_collections_count() {
        let many = "[".repeat(300);
        for text in [
            format!("x: \"{many}\" # {many}\n"),
            format!("x: '{many} it''s {many}'\n"),
            format!("x: |\n  {many}\n\n  {{{many}\ny: 1\n"),
            format!("x: >-\n  {many}\n- |2 # c\n   {many}\n"),
            format!("paths:\n  - key: |\n      {many}\n    other: 1\n"),
            format!("description: see {many} here\n"),
            format!("description: a - {many} b: c\n"),
            format!("url: http://x/{many}\n"),
            format!("x: \"multi\n  line {many}\n  \"\n"),
            format!("x: {}{}\n", "[".repeat(100), "]".repeat(100)),
        ] {
            assert_eq!(depth_error(&text), None, "{text}");
        }
    }

    #[test]
    fn a_block_scalar_ends_where_its_indentation_does() {
        let text = format!("a:\n  b: |\n    [[[\n  c: {}\n", "[".repeat(129));
        assert!(depth_error(&text).unwrap().contains(":4:"));
        let entry = format!("a:\n- |\n  [[[\n- {}\n", "[".repeat(129));
        assert!(depth_error(&entry).unwrap().contains(":4:"));
    }
}
