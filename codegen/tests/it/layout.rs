//! The generator's own layout (ARCHITECTURE.md): its modules form no import
//! circle, and no stage uses a later one.
//!
//! How it is measured: every file under `codegen/src` is parsed with syn,
//! and each path it names (`use` items, paths in types and expressions, and
//! in the arguments of `format!` and its kin, but not in `quote!` bodies,
//! which are the generated crate's) that starts with `crate::`, `super::`
//! or `self::` is resolved to the longest module that is a file; so is a
//! path that starts with the name of a child module. `#[cfg(test)]` modules
//! are left out: a test may reach anywhere. A module's own `mod`
//! declarations and `pub(in ..)` visibilities are not arrows. Stages rank in
//! pipeline order, and an arrow to a higher rank runs back up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Stage folders (and root files) in pipeline order; a module may use its
/// own rank and lower ones only.
const STAGES: &[(&str, usize)] = &[
    ("error", 0),
    ("ident", 0),
    ("syn_ext", 0),
    ("render", 0),
    ("spec", 1),
    ("inputs", 2),
    ("ir", 3),
    ("backend", 4),
    ("api", 5),
    ("emit", 6),
    ("out", 7),
    ("pipeline", 8),
    ("lib", 9),
];

fn rank(module: &str) -> usize {
    let top = module.split("::").next().unwrap_or_default();
    STAGES
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(_, rank)| *rank)
        .unwrap_or_else(|| panic!("module `{module}` is in no stage of STAGES"))
}

/// `codegen/src` file -> module path (`ir/mod.rs` -> `ir`, `lib.rs` -> `lib`).
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("codegen/src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("main.rs") {
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .expect("under src")
                .with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into()).collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            out.insert(parts.join("::"), path);
        }
    }
    out
}

struct Paths<'a> {
    here: &'a str,
    known: &'a BTreeMap<String, PathBuf>,
    found: BTreeSet<String>,
}

impl Paths<'_> {
    /// The module a path names, if it is one of ours and not `here`.
    fn resolve(&mut self, segments: &[String]) {
        let mut base: Vec<String> = Vec::new();
        let mut rest = segments;
        match segments.first().map(String::as_str) {
            Some("crate") => rest = &segments[1..],
            Some("self") | Some("super") => {
                base = if self.here == "lib" {
                    Vec::new()
                } else {
                    self.here.split("::").map(str::to_owned).collect()
                };
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "self" => rest = &rest[1..],
                        "super" => {
                            base.pop();
                            rest = &rest[1..];
                        }
                        _ => break,
                    }
                }
            }
            // A child module named without `self::` (`use variants::x`); a
            // path of one segment is a local name, not a module.
            Some(first) if segments.len() > 1 => {
                base = if self.here == "lib" {
                    Vec::new()
                } else {
                    self.here.split("::").map(str::to_owned).collect()
                };
                let child: Vec<&str> = base.iter().map(String::as_str).chain([first]).collect();
                if !self.known.contains_key(&child.join("::")) {
                    return;
                }
            }
            _ => return,
        }
        let full: Vec<String> = base.into_iter().chain(rest.iter().cloned()).collect();
        if full.is_empty() {
            return;
        }
        let target = (1..=full.len())
            .rev()
            .map(|n| full[..n].join("::"))
            .find(|m| self.known.contains_key(m))
            .unwrap_or_else(|| "lib".to_owned());
        if target != self.here {
            self.found.insert(target);
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.resolve(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.resolve(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.resolve(&prefix.clone()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(prefix, t)),
        }
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string() == "test")
    })
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test_only(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    /// `pub(super)` and `pub(in path)` say who may use an item; they are
    /// not arrows.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    /// The arguments of std's expression macros are code of this crate and
    /// are read; `quote!` bodies are the generated crate's, and are not.
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        const EXPRESSION_MACROS: &[&str] = &[
            "format",
            "print",
            "println",
            "eprint",
            "eprintln",
            "write",
            "writeln",
            "panic",
            "assert",
            "assert_eq",
            "assert_ne",
            "debug_assert",
            "vec",
            "matches",
            "unreachable",
        ];
        let named = m.path.segments.last().map(|s| s.ident.to_string());
        if named.is_some_and(|n| EXPRESSION_MACROS.contains(&n.as_str())) {
            let args = m.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            );
            for expr in args.iter().flatten() {
                self.visit_expr(expr);
            }
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve(&segments);
        syn::visit::visit_path(self, p);
    }
}

/// Module -> the modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&src);
    known
        .iter()
        .map(|(module, path)| {
            let text = std::fs::read_to_string(path).expect("a source file");
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut paths = Paths {
                here: module,
                known: &known,
                found: BTreeSet::new(),
            };
            paths.visit_file(&file);
            (module.clone(), paths.found)
        })
        .collect()
}

/// The modules on a circle through `start`, if any (a shortest one).
fn circle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                let mut circle = vec![at.to_owned()];
                let mut cur = at;
                while let Some(prev) = came_from.get(cur) {
                    circle.push((*prev).to_owned());
                    cur = prev;
                }
                circle.reverse();
                return Some(circle);
            }
            if !came_from.contains_key(next.as_str()) && next != start {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}

#[test]
fn no_import_circles_and_no_arrow_back_up() {
    let graph = graph();
    assert!(graph.len() > 40, "found only {} modules", graph.len());
    let arrows: usize = graph.values().map(BTreeSet::len).sum();
    let mut circles = BTreeSet::new();
    for module in graph.keys() {
        if let Some(mut circle) = circle_through(&graph, module) {
            // One entry per circle, however it is entered.
            let first = circle
                .iter()
                .enumerate()
                .min_by_key(|(_, m)| *m)
                .map(|(i, _)| i);
            circle.rotate_left(first.unwrap_or(0));
            circles.insert(circle.join(" -> "));
        }
    }
    let back_up: Vec<String> = graph
        .iter()
        .flat_map(|(from, to)| to.iter().map(move |t| (from, t)))
        .filter(|(from, to)| rank(to) > rank(from))
        .map(|(from, to)| format!("{from} -> {to}"))
        .collect();
    println!(
        "layout: {} modules, {arrows} arrows, {} circles, {} arrows back up",
        graph.len(),
        circles.len(),
        back_up.len()
    );
    assert!(
        circles.is_empty() && back_up.is_empty(),
        "import circles:\n{}\narrows back up:\n{}",
        circles.into_iter().collect::<Vec<_>>().join("\n"),
        back_up.join("\n")
    );
}

/// The real functions of a file, by name (outside `#[cfg(test)]` modules).
#[derive(Default)]
struct Functions(BTreeSet<String>);

impl<'ast> Visit<'ast> for Functions {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test_only(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.0.insert(f.sig.ident.to_string());
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.0.insert(f.sig.ident.to_string());
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// Every function's length in lines, `file name` -> lines, from the
/// rustfmt'd text: from its `fn` line to the `}` at the same indentation.
fn function_lengths() -> BTreeMap<String, usize> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    for path in modules(&src).into_values().chain([src.join("main.rs")]) {
        let text = std::fs::read_to_string(&path).expect("a source file");
        let file = syn::parse_file(&text).expect("parses");
        let mut real = Functions::default();
        real.visit_file(&file);
        let rel = path
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let indent = &line[..line.len() - line.trim_start().len()];
            let rest = line.trim_start();
            let Some(after) = ["pub fn ", "pub(crate) fn ", "pub(super) fn ", "fn "]
                .iter()
                .find_map(|p| rest.strip_prefix(p))
            else {
                continue;
            };
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !real.0.contains(&name) || rest.ends_with(';') {
                continue;
            }
            let close = format!("{indent}}}");
            if let Some(end) = lines[i + 1..].iter().position(|l| *l == close) {
                let key = format!("{rel} {name}");
                let len = end + 2;
                out.entry(key)
                    .and_modify(|l: &mut usize| *l = (*l).max(len))
                    .or_insert(len);
            }
        }
    }
    out
}

#[test]
fn no_function_over_80_lines() {
    let lengths = function_lengths();
    assert!(
        lengths.len() > 300,
        "found only {} functions",
        lengths.len()
    );
    let long: Vec<(&String, &usize)> = lengths.iter().filter(|(_, n)| **n > 80).collect();
    println!(
        "functions: {} measured, {} over 80 lines",
        lengths.len(),
        long.len()
    );
    let report: Vec<String> = long
        .iter()
        .map(|(key, n)| format!("{key}: {n} lines"))
        .collect();
    assert!(
        report.is_empty(),
        "functions over 80 lines:\n{}",
        report.join("\n")
    );
}
