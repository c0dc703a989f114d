//! The API diff stage: compares two [`Surface`]s and classifies every
//! change by what it does to a Rust caller of the generated crate.
//!
//! The rules follow the crate's real API:
//! - An operation is `client.name(required args...)` returning a builder
//!   with one setter per optional parameter. A new optional parameter is a
//!   new setter (non-breaking); a new required one is a new argument, and a
//!   parameter moving between the two changes the call (both breaking).
//! - Models are typify structs with only public fields and no builder, so a
//!   caller who sends one writes a struct literal naming every field: any
//!   field added to a model reachable from a request is breaking, required
//!   or not (Rust's semver rules agree: a new public field on an exhaustive
//!   struct is a major change). A model reachable only from responses is
//!   read, not built, so a new field there is non-breaking.
//! - typify enums are exhaustive: a new variant breaks a `match` on a
//!   response enum, but not a request enum the caller only constructs.
//! - Required/optional and nullable changes are judged by the Rust type
//!   the field gets: `Option<T>` <-> `T` breaks; a property that only stops
//!   being required while staying `Option<T>` does not.
//! - Error statuses never change a signature: every error arrives as
//!   `PhalaCloudError`, so added or removed statuses are non-breaking.

use std::collections::{BTreeMap, BTreeSet};

use crate::report::{Category, Entry, Scope, Severity};
use crate::surface::{
    strip_option, type_names, FieldSurface, Model, OperationSurface, ParamLocation, ParamSurface,
    Surface,
};

use Severity::{Breaking, NonBreaking};

/// Every change from `old` to `new`. Error codes are compared only when
/// `with_error_codes` (a diff of two specs without catalogs has none).
pub fn compare(old: &Surface, new: &Surface, with_error_codes: bool) -> Vec<Entry> {
    let mut out = Entries::default();
    operations(&mut out, old, new);
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
    models(&mut out, old, new, &usage);
    if with_error_codes {
        error_codes(&mut out, old, new);
    }
    out.0
}

#[derive(Default)]
struct Entries(Vec<Entry>);

impl Entries {
    #[allow(clippy::too_many_arguments)]
    fn push(
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
        });
    }
}

fn operations(out: &mut Entries, old: &Surface, new: &Surface) {
    let endpoint = |o: &OperationSurface| (o.http_method.clone(), o.path.clone());
    let added: BTreeMap<(String, String), &str> = new
        .operations
        .iter()
        .filter(|(name, _)| !old.operations.contains_key(*name))
        .map(|(name, op)| (endpoint(op), name.as_str()))
        .collect();
    let mut renamed_to = BTreeSet::new();
    for (name, o) in &old.operations {
        if let Some(n) = new.operations.get(name) {
            operation(out, name, o, n);
            continue;
        }
        match added.get(&endpoint(o)) {
            Some(new_name) => {
                renamed_to.insert(*new_name);
                out.push(
                    Breaking,
                    Scope::Operation,
                    new_name,
                    None,
                    Category::OperationRenamed,
                    format!("renamed from `{name}` ({} {})", o.http_method, o.path),
                    "callers of the old method name no longer compile",
                );
                operation(out, new_name, o, &new.operations[*new_name]);
            }
            None => out.push(
                Breaking,
                Scope::Operation,
                name,
                None,
                Category::OperationRemoved,
                format!("removed ({} {})", o.http_method, o.path),
                "the method is gone",
            ),
        }
    }
    for (name, n) in &new.operations {
        if !old.operations.contains_key(name) && !renamed_to.contains(name.as_str()) {
            out.push(
                NonBreaking,
                Scope::Operation,
                name,
                None,
                Category::OperationAdded,
                format!("added ({} {})", n.http_method, n.path),
                "a new method",
            );
        }
    }
}

fn operation(out: &mut Entries, name: &str, o: &OperationSurface, n: &OperationSurface) {
    let mut push = |severity, member: Option<&str>, category, detail: String, reason: &str| {
        out.push(
            severity,
            Scope::Operation,
            name,
            member,
            category,
            detail,
            reason,
        )
    };
    if (&o.http_method, &o.path) != (&n.http_method, &n.path) {
        push(
            NonBreaking,
            None,
            Category::EndpointChanged,
            format!(
                "endpoint {} {} -> {} {}",
                o.http_method, o.path, n.http_method, n.path
            ),
            "the call is unchanged",
        );
    }
    if o.deprecated != n.deprecated {
        let detail = if n.deprecated {
            "now deprecated"
        } else {
            "no longer deprecated"
        };
        push(
            NonBreaking,
            None,
            Category::DeprecationChanged,
            detail.into(),
            "`#[deprecated]` only warns",
        );
    }
    let old_params: BTreeMap<&str, &ParamSurface> =
        o.params.iter().map(|p| (p.name.as_str(), p)).collect();
    let new_params: BTreeMap<&str, &ParamSurface> =
        n.params.iter().map(|p| (p.name.as_str(), p)).collect();
    for (pname, p) in &old_params {
        match new_params.get(pname) {
            None if p.location == ParamLocation::Body => push(
                Breaking,
                Some(pname),
                Category::RequestBodyChanged,
                format!("request body removed (was {})", p.ty),
                "the body argument or setter is gone",
            ),
            None => push(
                Breaking,
                Some(pname),
                Category::ParameterRemoved,
                format!(
                    "{} parameter removed (was {})",
                    p.location,
                    describe_param(p)
                ),
                if p.required {
                    "the method loses an argument"
                } else {
                    "the builder loses a setter"
                },
            ),
            Some(q) => param(&mut push, pname, p, q),
        }
    }
    for (pname, q) in &new_params {
        if old_params.contains_key(pname) {
            continue;
        }
        let category = if q.location == ParamLocation::Body {
            Category::RequestBodyChanged
        } else {
            Category::ParameterAdded
        };
        let what = if q.location == ParamLocation::Body {
            "request body".to_owned()
        } else {
            format!("{} parameter", q.location)
        };
        if q.required {
            push(
                Breaking,
                Some(pname),
                category,
                format!("{what} added: {}", describe_param(q)),
                "a new argument of the method",
            );
        } else {
            push(
                NonBreaking,
                Some(pname),
                category,
                format!("{what} added: {}", describe_param(q)),
                "a new builder setter",
            );
        }
    }
    let required = |ps: &[ParamSurface]| -> Vec<String> {
        ps.iter()
            .filter(|p| p.required)
            .map(|p| p.name.clone())
            .collect()
    };
    let (old_args, new_args) = (required(&o.params), required(&n.params));
    let same_set = old_args.iter().collect::<BTreeSet<_>>() == new_args.iter().collect();
    if same_set && old_args != new_args {
        push(
            Breaking,
            None,
            Category::ArgumentsReordered,
            format!(
                "arguments reordered: ({}) -> ({})",
                old_args.join(", "),
                new_args.join(", ")
            ),
            "positional arguments change meaning",
        );
    }
    if o.success != n.success {
        push(
            Breaking,
            None,
            Category::SuccessTypeChanged,
            format!("returns {} -> {}", o.success, n.success),
            "the awaited value has a different type",
        );
    }
    for status in &o.error_statuses {
        if !n.error_statuses.contains(status) {
            push(
                NonBreaking,
                Some(&status.to_string()),
                Category::ErrorStatusRemoved,
                format!("error status {status} no longer declared"),
                "errors are all PhalaCloudError",
            );
        }
    }
    for status in &n.error_statuses {
        if !o.error_statuses.contains(status) {
            push(
                NonBreaking,
                Some(&status.to_string()),
                Category::ErrorStatusAdded,
                format!("error status {status} declared"),
                "errors are all PhalaCloudError",
            );
        }
    }
}

fn param(
    push: &mut impl FnMut(Severity, Option<&str>, Category, String, &str),
    name: &str,
    p: &ParamSurface,
    q: &ParamSurface,
) {
    let body = q.location == ParamLocation::Body;
    if p.ty != q.ty {
        let category = if body {
            Category::RequestBodyChanged
        } else {
            Category::ParameterTypeChanged
        };
        let what = if body { "request body" } else { "type" };
        push(
            Breaking,
            Some(name),
            category,
            format!("{what} {} -> {}", p.ty, q.ty),
            "callers pass a value of the old type",
        );
    }
    if p.required != q.required {
        let (detail, reason) = if q.required {
            (
                "optional -> required",
                "the setter becomes a method argument",
            )
        } else {
            (
                "required -> optional",
                "the method argument becomes a setter",
            )
        };
        let category = if body {
            Category::RequestBodyChanged
        } else {
            Category::ParameterRequiredChanged
        };
        push(Breaking, Some(name), category, detail.into(), reason);
    }
    if p.location != q.location {
        push(
            NonBreaking,
            Some(name),
            Category::ParameterLocationChanged,
            format!("sent in {} -> {}", p.location, q.location),
            "the call is unchanged",
        );
    }
}

fn describe_param(p: &ParamSurface) -> String {
    let word = if p.required { "required" } else { "optional" };
    format!("{word} {}", p.ty)
}

/// Whether a model is reachable from requests, from responses, or both.
#[derive(Debug, Default, Clone, Copy)]
struct Usage {
    input: bool,
    output: bool,
    /// No operation reaches it (typify emits every component schema).
    orphan: bool,
}

/// How each model is reached from the operations' arguments and results.
fn reachable(surface: &Surface) -> BTreeMap<String, Usage> {
    let mut seeds: Vec<(&str, bool)> = Vec::new();
    for op in surface.operations.values() {
        for p in &op.params {
            seeds.extend(type_names(&p.ty).map(|t| (t, true)));
        }
        seeds.extend(type_names(&op.success).map(|t| (t, false)));
    }
    let mut out: BTreeMap<String, Usage> = BTreeMap::new();
    while let Some((name, input)) = seeds.pop() {
        let Some(model) = surface.models.get(name) else {
            continue;
        };
        let u = out.entry(name.to_owned()).or_default();
        let seen = if input { &mut u.input } else { &mut u.output };
        if *seen {
            continue;
        }
        *seen = true;
        seeds.extend(model.mentions().into_iter().map(|t| (t, input)));
    }
    out
}

fn models(out: &mut Entries, old: &Surface, new: &Surface, usage: &BTreeMap<String, Usage>) {
    for (name, o) in &old.models {
        let Some(n) = new.models.get(name) else {
            out.push(
                Breaking,
                Scope::Model,
                name,
                None,
                Category::ModelRemoved,
                format!("{} removed", o.kind()),
                "the type is gone",
            );
            continue;
        };
        let u = usage.get(name).copied().unwrap_or_default();
        match (o, n) {
            (Model::Struct(of), Model::Struct(nf)) => fields(out, name, of, nf, u),
            (Model::Enum(ov), Model::Enum(nv)) => variants(out, name, ov, nv, u),
            (Model::Newtype(oi), Model::Newtype(ni)) if oi != ni => out.push(
                Breaking,
                Scope::Model,
                name,
                None,
                Category::NewtypeChanged,
                format!("inner type {oi} -> {ni}"),
                "the wrapped type changes",
            ),
            (Model::Newtype(_), Model::Newtype(_)) => {}
            _ => out.push(
                Breaking,
                Scope::Model,
                name,
                None,
                Category::ModelKindChanged,
                format!("{} -> {}", o.kind(), n.kind()),
                "the type's shape changes",
            ),
        }
    }
    for (name, n) in &new.models {
        if !old.models.contains_key(name) {
            out.push(
                NonBreaking,
                Scope::Model,
                name,
                None,
                Category::ModelAdded,
                format!("{} added", n.kind()),
                "a new type",
            );
        }
    }
}

fn fields(
    out: &mut Entries,
    model: &str,
    old: &BTreeMap<String, FieldSurface>,
    new: &BTreeMap<String, FieldSurface>,
    usage: Usage,
) {
    let mut push = |severity, field: &str, category, detail: String, reason: &str| {
        out.push(
            severity,
            Scope::Model,
            model,
            Some(field),
            category,
            detail,
            reason,
        )
    };
    for (field, f) in old {
        let Some(g) = new.get(field) else {
            push(
                Breaking,
                field,
                Category::FieldRemoved,
                format!("field removed (was {})", describe_field(f)),
                "code that reads or sets it no longer compiles",
            );
            continue;
        };
        if f.ty == g.ty {
            if f.required != g.required {
                let detail = if g.required {
                    "optional -> required"
                } else {
                    "required -> optional"
                };
                push(
                    NonBreaking,
                    field,
                    Category::FieldRequiredChanged,
                    format!("{detail}, still {}", g.ty),
                    "the Rust type is unchanged",
                );
            }
        } else if strip_option(&f.ty) == strip_option(&g.ty) {
            let category = if f.required && g.required {
                Category::FieldNullableChanged
            } else {
                Category::FieldRequiredChanged
            };
            let what = match (category, g.ty.starts_with("Option<")) {
                (Category::FieldNullableChanged, true) => "now nullable",
                (Category::FieldNullableChanged, false) => "no longer nullable",
                (_, _) if g.required => "optional -> required",
                _ => "required -> optional",
            };
            push(
                Breaking,
                field,
                category,
                format!("{what}: {} -> {}", f.ty, g.ty),
                "the field's Rust type changes",
            );
        } else {
            push(
                Breaking,
                field,
                Category::FieldTypeChanged,
                format!("type {} -> {}", f.ty, g.ty),
                "the field's Rust type changes",
            );
        }
    }
    for (field, g) in new {
        if old.contains_key(field) {
            continue;
        }
        let detail = format!("field added: {}", describe_field(g));
        if usage.input {
            let reason = if usage.orphan {
                "no operation uses this model, so it is judged as one a caller builds, \
                 with a struct literal that names every field"
            } else {
                "request models are built with struct literals that name every field"
            };
            push(Breaking, field, Category::FieldAdded, detail, reason);
        } else {
            push(
                NonBreaking,
                field,
                Category::FieldAdded,
                detail,
                "response models are read, not built",
            );
        }
    }
}

fn describe_field(f: &FieldSurface) -> String {
    let word = if f.required { "required" } else { "optional" };
    format!("{word} {}", f.ty)
}

fn variants(
    out: &mut Entries,
    model: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    usage: Usage,
) {
    let show = |v: &str, payload: &str| format!("{v}{payload}");
    for (v, payload) in old {
        match new.get(v) {
            None => out.push(
                Breaking,
                Scope::Model,
                model,
                Some(v),
                Category::VariantRemoved,
                format!("variant {} removed", show(v, payload)),
                "code that names it no longer compiles",
            ),
            Some(p) if p != payload => out.push(
                Breaking,
                Scope::Model,
                model,
                Some(v),
                Category::VariantChanged,
                format!("variant {} -> {}", show(v, payload), show(v, p)),
                "the variant's payload type changes",
            ),
            Some(_) => {}
        }
    }
    for (v, payload) in new {
        if old.contains_key(v) {
            continue;
        }
        let detail = format!("variant {} added", show(v, payload));
        if usage.output {
            let reason = if usage.orphan {
                "no operation uses this enum, so it is judged as one a caller matches on"
            } else {
                "typify enums are exhaustive: a `match` on a response needs the new arm"
            };
            out.push(
                Breaking,
                Scope::Model,
                model,
                Some(v),
                Category::VariantAdded,
                detail,
                reason,
            );
        } else {
            out.push(
                NonBreaking,
                Scope::Model,
                model,
                Some(v),
                Category::VariantAdded,
                detail,
                "request enums are constructed, not matched",
            );
        }
    }
}

fn error_codes(out: &mut Entries, old: &Surface, new: &Surface) {
    for (code, constant) in &old.error_codes {
        match new.error_codes.get(code) {
            None => out.push(
                Breaking,
                Scope::ErrorCode,
                code,
                None,
                Category::ErrorCodeRemoved,
                format!("removed (was error_codes::{constant})"),
                "the constant and its ErrorCode variant are gone",
            ),
            Some(c) if c != constant => out.push(
                Breaking,
                Scope::ErrorCode,
                code,
                None,
                Category::ErrorCodeRenamed,
                format!("constant error_codes::{constant} -> error_codes::{c}"),
                "the old constant name is gone",
            ),
            Some(_) => {}
        }
    }
    for (code, constant) in &new.error_codes {
        if !old.error_codes.contains_key(code) {
            out.push(
                NonBreaking,
                Scope::ErrorCode,
                code,
                None,
                Category::ErrorCodeAdded,
                format!("added as error_codes::{constant}"),
                "a new constant; ErrorCode is #[non_exhaustive]",
            );
        }
    }
}
