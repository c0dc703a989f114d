//! Models: types added or removed, struct fields, enum variants and
//! newtypes, judged by whether requests or responses reach the model.

use std::collections::BTreeMap;

use super::entries::Entries;
use crate::api::report::Severity::{Breaking, NonBreaking};
use crate::api::report::{Category, Scope, Severity};
use crate::ir::surface::{strip_option, type_names, EnumSurface, FieldSurface, Model, Surface};

/// Whether a model is reachable from requests, from responses, or both.
#[derive(Debug, Default, Clone, Copy)]
pub struct Usage {
    pub input: bool,
    pub output: bool,
    /// No operation reaches it (typify emits every component schema).
    pub orphan: bool,
}

/// How each model is reached from the operations' arguments and results.
pub fn reachable(surface: &Surface) -> BTreeMap<String, Usage> {
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

pub(super) fn compare(
    out: &mut Entries,
    old: &Surface,
    new: &Surface,
    usage: &BTreeMap<String, Usage>,
) {
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
        if let (Model::Struct(_), Model::Struct(_)) = (o, n) {
            if sealed(old, new, name, u) {
                out.push(
                    Breaking,
                    Scope::Model,
                    name,
                    None,
                    Category::ModelSealed,
                    "now #[non_exhaustive]".to_owned(),
                    "it can no longer be built with a struct literal outside the crate",
                );
            }
        }
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
        field_changed(&mut push, field, f, g, usage);
    }
    for (field, g) in new {
        if old.contains_key(field) {
            continue;
        }
        field_added(&mut push, field, g, usage);
    }
}

/// A field in both: its type, or whether it is required, changed.
fn field_changed(
    push: &mut impl FnMut(Severity, &str, Category, String, &str),
    field: &str,
    f: &FieldSurface,
    g: &FieldSurface,
    usage: Usage,
) {
    if f.ty == g.ty {
        if f.required != g.required {
            let detail = if g.required {
                "optional -> required"
            } else {
                "required -> optional"
            };
            let (severity, reason) = if usage.input && !usage.orphan {
                (
                    Breaking,
                    "a request model's `new` takes its required fields",
                )
            } else {
                (NonBreaking, "the Rust type is unchanged")
            };
            push(
                severity,
                field,
                Category::FieldRequiredChanged,
                format!("{detail}, still {}", g.ty),
                reason,
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

/// A field only the new model has.
fn field_added(
    push: &mut impl FnMut(Severity, &str, Category, String, &str),
    field: &str,
    g: &FieldSurface,
    usage: Usage,
) {
    let detail = format!("field added: {}", describe_field(g));
    if usage.input && usage.orphan {
        push(
            Breaking,
            field,
            Category::FieldAdded,
            detail,
            "no operation uses this model, so it is judged as one a caller builds, \
             with a struct literal that names every field",
        );
    } else if usage.input && g.required {
        push(
            Breaking,
            field,
            Category::FieldAdded,
            detail,
            "a request model's `new` takes one more argument",
        );
    } else if usage.input {
        push(
            NonBreaking,
            field,
            Category::FieldAdded,
            detail,
            "request models are `#[non_exhaustive]` and built with `new` and setters, \
             so a new optional field is a new setter",
        );
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

fn describe_field(f: &FieldSurface) -> String {
    let word = if f.required { "required" } else { "optional" };
    format!("{word} {}", f.ty)
}

/// Whether `name` became `#[non_exhaustive]`. A snapshot from before
/// that was recorded has request models sealed already (they always were).
fn sealed(old: &Surface, new: &Surface, name: &str, usage: Usage) -> bool {
    let was = if old.non_exhaustive.is_empty() {
        usage.input && !usage.orphan
    } else {
        old.non_exhaustive.contains(name)
    };
    !was && new.non_exhaustive.contains(name)
}

/// A variant as the report shows it: its name and payload, and for a
/// string enum the JSON value it stands for.
fn show(e: &EnumSurface, variant: &str) -> String {
    let payload = e.variants.get(variant).map_or("", String::as_str);
    match e.values.get(variant) {
        Some(value) => format!("{variant} ({value:?})"),
        None => format!("{variant}{payload}"),
    }
}

fn variants(out: &mut Entries, model: &str, old: &EnumSurface, new: &EnumSurface, usage: Usage) {
    for (v, payload) in &old.variants {
        match new.variants.get(v) {
            None => out.push(
                Breaking,
                Scope::Model,
                model,
                Some(v),
                Category::VariantRemoved,
                format!("variant {} removed", show(old, v)),
                "code that names it no longer compiles",
            ),
            Some(p) if p != payload => out.push(
                Breaking,
                Scope::Model,
                model,
                Some(v),
                Category::VariantChanged,
                format!("variant {} -> {v}{p}", show(old, v)),
                "the variant's payload type changes",
            ),
            Some(_) => match (old.values.get(v), new.values.get(v)) {
                (Some(was), Some(now)) if was != now => out.push(
                    NonBreaking,
                    Scope::Model,
                    model,
                    Some(v),
                    Category::VariantChanged,
                    format!("variant {v} now stands for {now:?} (was {was:?})"),
                    "the Rust name is unchanged; the JSON value it reads and sends changes",
                ),
                _ => {}
            },
        }
    }
    for v in new.variants.keys() {
        if old.variants.contains_key(v) {
            continue;
        }
        let detail = format!("variant {} added", show(new, v));
        let (severity, reason) = if old.open && new.open {
            (
                NonBreaking,
                "the enum is #[non_exhaustive] and read this value as unknown before",
            )
        } else if usage.output && usage.orphan {
            (
                Breaking,
                "no operation uses this enum, so it is judged as one a caller matches on",
            )
        } else if usage.output {
            (
                Breaking,
                "the enum was exhaustive: a `match` on a response needs the new arm",
            )
        } else {
            (NonBreaking, "request enums are constructed, not matched")
        };
        out.push(
            severity,
            Scope::Model,
            model,
            Some(v),
            Category::VariantAdded,
            detail,
            reason,
        );
    }
}
