//! The async and blocking clients mirror each other (issue 30), read off
//! `generated/src` with syn: every public method of the async client has a
//! blocking twin of the same name (and the reverse), every call the async
//! client awaits is sent on the blocking one by a `.send()` that is not
//! async (and cannot be awaited), and the builders the twins return have
//! the same methods. The rule is "async: `.await`; blocking: `.send()`".
//!
//! Two macros of the runtime (`codegen/runtime/builder.rs`) are read for
//! what they expand to, since syn does not expand them: `shared_methods!`
//! in a builder's `impl` adds `send`, `send_with_meta` and (unless its
//! version argument is `unversioned`) `api_version`, for every mode; and
//! `shared_impls!(Builder -> ..)` adds `IntoFuture` in the async modes
//! (`Raise`, `Safe`). A blocking mode's macro `send` returns the result.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Async-client methods with no blocking twin, and why.
const ASYNC_ONLY: &[(&str, &str)] = &[
    (
        "builder",
        "a blocking client is made from the async client's builder (`from_async`)",
    ),
    ("raw", "progenitor's low-level client is async only"),
];
/// Blocking-client methods with no async twin, and why.
const BLOCKING_ONLY: &[(&str, &str)] = &[
    ("from_async", "how a blocking client is made"),
    ("as_async", "the async client a blocking one was made from"),
];
/// Builder methods named differently on purpose: an async watch's
/// `.stream()` is a blocking watch's `.iter()`.
const RENAMED: &[(&str, &str)] = &[("stream", "iter")];
/// The modes in which `shared_impls!` gives a builder `IntoFuture`.
const ASYNC_MODES: &[&str] = &["Raise", "Safe"];

/// A public method: async (an `async fn`, or one returning a future) or
/// not, what it returns, and the file it is in (which names its types).
struct Method {
    is_async: bool,
    ret: Option<syn::Type>,
    file: PathBuf,
}

/// One inherent `impl` block of a type: its self type's generic type
/// arguments (`None`: one of the impl's own parameters, any mode) and its
/// public methods.
struct Impl {
    args: Vec<Option<String>>,
    methods: BTreeMap<String, Method>,
}

#[derive(Default)]
struct Crate {
    /// The async and the blocking client's methods, by name.
    clients: [BTreeMap<String, Method>; 2],
    /// Inherent impls by qualified type name (`blocking::ApiRequest`).
    impls: BTreeMap<String, Vec<Impl>>,
    /// Each struct's generic type parameters' defaults (`M = Raise`).
    defaults: BTreeMap<String, Vec<Option<String>>>,
    /// Types awaitable in the async modes (`shared_impls!`), and those with
    /// an `IntoFuture` impl for the given arguments.
    awaitable: BTreeMap<String, Vec<Vec<Option<String>>>>,
}

/// A type of the crate as a caller names it: its qualified name and its
/// generic type arguments.
#[derive(Debug, Clone, PartialEq)]
struct Named {
    name: String,
    args: Vec<String>,
}

fn read_sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                // The models and progenitor's client have no client methods.
                if name != "types" && name != "raw" {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// The qualified name of a type path written in `file`: `blocking::X` for
/// a path through `blocking` or a bare name in `blocking.rs`.
fn qualify(path: &syn::Path, file: &Path) -> String {
    let last = path.segments.last().unwrap().ident.to_string();
    let through_blocking = path.segments.iter().any(|s| s.ident == "blocking");
    if through_blocking || (path.segments.len() == 1 && file.ends_with("blocking.rs")) {
        format!("blocking::{last}")
    } else {
        last
    }
}

fn type_args(args: &syn::PathArguments) -> Vec<syn::Type> {
    match args {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn text(tokens: impl quote::ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

impl Crate {
    fn parse(files: &[(PathBuf, String)]) -> Self {
        let mut krate = Crate::default();
        for (path, source) in files {
            let file =
                syn::parse_file(source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for item in &file.items {
                krate.item(item, path);
            }
        }
        krate
    }

    fn item(&mut self, item: &syn::Item, file: &Path) {
        match item {
            syn::Item::Struct(s) => {
                let defaults = s
                    .generics
                    .type_params()
                    .map(|p| p.default.as_ref().map(text))
                    .collect();
                self.defaults
                    .insert(qualify(&s.ident.clone().into(), file), defaults);
            }
            syn::Item::Impl(i) => self.impl_block(i, file),
            syn::Item::Macro(m) if m.mac.path.is_ident("shared_impls") => {
                let name = m.mac.tokens.clone().into_iter().next().unwrap().to_string();
                self.awaitable
                    .entry(qualify(&syn::parse_str(&name).unwrap(), file))
                    .or_default()
                    .extend(ASYNC_MODES.iter().map(|m| vec![Some((*m).to_owned())]));
            }
            _ => {}
        }
    }

    fn impl_block(&mut self, i: &syn::ItemImpl, file: &Path) {
        let syn::Type::Path(self_ty) = &*i.self_ty else {
            return;
        };
        let last = self_ty.path.segments.last().unwrap();
        let params: BTreeSet<String> = i
            .generics
            .type_params()
            .map(|p| p.ident.to_string())
            .collect();
        let args: Vec<Option<String>> = type_args(&last.arguments)
            .iter()
            .map(|t| Some(text(t)).filter(|t| !params.contains(t)))
            .collect();
        let name = qualify(&self_ty.path, file);
        if let Some((_, trait_path, _)) = &i.trait_ {
            if trait_path.segments.last().unwrap().ident == "IntoFuture" {
                self.awaitable.entry(name).or_default().push(args);
            }
            return;
        }
        let mut methods = BTreeMap::new();
        for item in &i.items {
            match item {
                syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                    let ret = match &f.sig.output {
                        syn::ReturnType::Type(_, t) => Some((**t).clone()),
                        syn::ReturnType::Default => None,
                    };
                    let future = ret.as_ref().is_some_and(|t| text(t).contains("Future"));
                    let is_async = f.sig.asyncness.is_some() || future;
                    let file = file.to_path_buf();
                    methods.insert(
                        f.sig.ident.to_string(),
                        Method {
                            is_async,
                            ret,
                            file,
                        },
                    );
                }
                syn::ImplItem::Macro(m) if m.mac.path.is_ident("shared_methods") => {
                    let mut shared = vec!["send", "send_with_meta"];
                    if !text(&m.mac.tokens).ends_with("unversioned") {
                        shared.push("api_version");
                    }
                    for s in shared {
                        let file = file.to_path_buf();
                        methods.insert(
                            s.to_owned(),
                            Method {
                                is_async: false,
                                ret: None,
                                file,
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        if name == "PhalaCloud" || name == "blocking::PhalaCloud" {
            let side = usize::from(name.starts_with("blocking::"));
            self.clients[side].extend(methods);
        } else {
            self.impls
                .entry(name)
                .or_default()
                .push(Impl { args, methods });
        }
    }

    /// The crate's type method `m` returns, with its defaults filled in;
    /// `None` for another type (`Result`, `&str`).
    fn named(&self, m: &Method) -> Option<Named> {
        let Some(syn::Type::Path(p)) = &m.ret else {
            return None;
        };
        let name = qualify(&p.path, &m.file);
        self.impls.get(&name)?;
        let mut args: Vec<String> = type_args(&p.path.segments.last()?.arguments)
            .iter()
            .map(text)
            .collect();
        for default in self
            .defaults
            .get(&name)
            .into_iter()
            .flatten()
            .skip(args.len())
        {
            args.extend(default.clone());
        }
        Some(Named { name, args })
    }

    /// The public methods of `ty`, from every impl whose arguments match.
    fn methods(&self, ty: &Named) -> BTreeMap<&str, &Method> {
        let mut out = BTreeMap::new();
        for i in self.impls.get(&ty.name).into_iter().flatten() {
            if matches(&i.args, &ty.args) {
                out.extend(i.methods.iter().map(|(n, m)| (n.as_str(), m)));
            }
        }
        out
    }

    fn awaitable(&self, ty: &Named) -> bool {
        self.awaitable
            .get(&ty.name)
            .is_some_and(|impls| impls.iter().any(|args| matches(args, &ty.args)))
    }
}

fn matches(pattern: &[Option<String>], args: &[String]) -> bool {
    pattern.len() == args.len()
        && pattern
            .iter()
            .zip(args)
            .all(|(p, a)| p.as_ref().is_none_or(|p| p == a))
}

/// Everything that breaks the mirror, one line each; empty when it holds.
/// Also returns how many pairs of builders were compared.
fn mismatches(files: &[(PathBuf, String)]) -> (Vec<String>, usize) {
    let krate = Crate::parse(files);
    let [asyncs, blockings] = &krate.clients;
    let mut out = Vec::new();
    let allowed = |list: &[(&str, &str)], name: &str| list.iter().any(|(n, _)| *n == name);
    for name in asyncs
        .keys()
        .filter(|n| !blockings.contains_key(*n) && !allowed(ASYNC_ONLY, n))
    {
        out.push(format!(
            "`{name}` is on the async client but not on the blocking one"
        ));
    }
    for name in blockings
        .keys()
        .filter(|n| !asyncs.contains_key(*n) && !allowed(BLOCKING_ONLY, n))
    {
        out.push(format!(
            "`{name}` is on the blocking client but not on the async one"
        ));
    }
    let mut compared = 0;
    for (name, a) in asyncs {
        let Some(b) = blockings.get(name) else {
            continue;
        };
        let (a_ty, b_ty) = (krate.named(a), krate.named(b));
        let awaited = a.is_async || a_ty.as_ref().is_some_and(|t| krate.awaitable(t));
        if b.is_async {
            out.push(format!("blocking `{name}` is async"));
        }
        if let Some(t) = &b_ty {
            if krate.awaitable(t) {
                out.push(format!(
                    "blocking `{name}` returns `{}`, which can be awaited",
                    t.name
                ));
            }
            for (m, _) in krate.methods(t).iter().filter(|(_, m)| m.is_async) {
                out.push(format!("blocking `{name}(..).{m}()` is async"));
            }
        }
        let sent = b_ty
            .as_ref()
            .is_some_and(|t| krate.methods(t).contains_key("send"));
        if awaited && !sent {
            out.push(format!(
                "async `{name}` is awaited, but blocking `{name}` returns no builder with `.send()`"
            ));
        }
        if let (Some(a_ty), Some(b_ty)) = (&a_ty, &b_ty) {
            compared += 1;
            out.extend(compare_builders(
                name,
                &krate.methods(a_ty),
                &krate.methods(b_ty),
            ));
        }
    }
    (out, compared)
}

/// The methods of an async builder missing from its blocking twin's and
/// the reverse, [`RENAMED`] aside.
fn compare_builders(
    name: &str,
    a: &BTreeMap<&str, &Method>,
    b: &BTreeMap<&str, &Method>,
) -> Vec<String> {
    fn rename(m: &str) -> &str {
        RENAMED
            .iter()
            .find(|(from, _)| *from == m)
            .map_or(m, |(_, to)| to)
    }
    let a: BTreeSet<&str> = a.keys().map(|m| rename(m)).collect();
    let b: BTreeSet<&str> = b.keys().copied().collect();
    let mut out = Vec::new();
    for m in a.difference(&b) {
        out.push(format!(
            "`{name}(..).{m}()` is on the async builder but not the blocking one"
        ));
    }
    for m in b.difference(&a) {
        out.push(format!(
            "`{name}(..).{m}()` is on the blocking builder but not the async one"
        ));
    }
    out
}

fn generated() -> Vec<(PathBuf, String)> {
    read_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/src"))
}

#[test]
fn the_async_and_blocking_clients_mirror_each_other() {
    let (problems, compared) = mismatches(&generated());
    assert!(
        problems.is_empty(),
        "the clients differ:\n{}",
        problems.join("\n")
    );
    // The builders of every operation and its `safe_` twin, and of the
    // hand-written methods (request, watch, waits).
    assert!(compared >= 2 * 121 + 5, "{compared} builders compared");
}

/// Replaces `from` with `to` in the file ending with `file`, once.
fn edited(files: &[(PathBuf, String)], file: &str, from: &str, to: &str) -> Vec<(PathBuf, String)> {
    let mut files = files.to_vec();
    let (_, text) = files.iter_mut().find(|(p, _)| p.ends_with(file)).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from}");
    *text = text.replacen(from, to, 1);
    files
}

#[test]
fn a_missing_or_async_twin_is_reported() {
    let files = generated();
    // A blocking wait that returns the result itself: no `.send()`.
    let bare = edited(
        &files,
        "watch.rs",
        "    ) -> WaitForCvmState<'_, Blocking> {\n        self.wait_for_cvm_state(cvm_id, \"running\", timeout)",
        "    ) -> Result<CvmStateResponse, PhalaCloudError> {\n        self.wait_for_cvm_state(cvm_id, \"running\", timeout).send()",
    );
    let (problems, _) = mismatches(&bare);
    assert_eq!(problems, ["async `wait_until_running` is awaited, but blocking `wait_until_running` returns no builder with `.send()`"]);
    // A method the blocking client lacks.
    let (problems, _) = mismatches(&edited(
        &files,
        "blocking.rs",
        "pub fn base_url(",
        "pub fn origin(",
    ));
    assert!(
        problems
            .contains(&"`base_url` is on the async client but not on the blocking one".to_owned()),
        "{problems:?}"
    );
    // The blocking request builder's `send` made async, and a setter gone.
    let (problems, _) = mismatches(&edited(
        &files,
        "blocking.rs",
        "    pub fn send<T",
        "    pub async fn send<T",
    ));
    assert_eq!(problems, ["blocking `request(..).send()` is async"]);
    let (problems, _) = mismatches(&edited(
        &files,
        "blocking.rs",
        "pub fn header(self",
        "fn header(self",
    ));
    assert_eq!(
        problems,
        ["`request(..).header()` is on the async builder but not the blocking one"]
    );
    // A paged list whose blocking builder lost `.items()`.
    let lost = edited(
        &files,
        "operations/kms.rs",
        "impl<'a> GetKmsListBuilder<'a, Blocking> {",
        "impl<'a> GetKmsListBuilder<'a, Elsewhere> {",
    );
    let (problems, _) = mismatches(&lost);
    assert_eq!(
        problems,
        [
            "`get_kms_list(..).items()` is on the async builder but not the blocking one",
            "`get_kms_list(..).pages()` is on the async builder but not the blocking one"
        ]
    );
}
