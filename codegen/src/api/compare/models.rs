//! Models: types added or removed, struct fields, enum variants and
//! newtypes, judged by whether requests or responses reach the model.

use std::collections::BTreeMap;

use super::entries::Entries;
use super::reach::{self, Requests, Usage};
use crate::api::report::Severity::{Breaking, NonBreaking};
use crate::api::report::{Category, Scope, Severity};
use crate::ir::surface::{strip_option, EnumSurface, FieldSurface, Model, Surface};

pub(super) fn compare(
    out: &mut Entries,
    old: &Surface,
    new: &Surface,
    usage: &BTreeMap<String, Usage>,
    requests: &Requests,
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
        match (o, n) {
            (Model::Struct(of), Model::Struct(nf)) => {
                struct_entries(out, (old, new), name, u, requests);
                let shape = Shape {
                    requests,
                    change: requests.change(name),
                };
                fields(out, name, (of, nf), u, &shape)
            }
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
            (Model::Alias(ot), Model::Alias(nt)) if ot != nt => out.push(
                Breaking,
                Scope::Model,
                name,
                None,
                Category::NewtypeChanged,
                format!("aliased type {ot} -> {nt}"),
                "the type it stands for changes",
            ),
            (Model::Newtype(_), Model::Newtype(_)) | (Model::Alias(_), Model::Alias(_)) => {}
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

/// The entries of a struct in both generations as a whole: a request
/// started or stopped reaching it, it became `#[non_exhaustive]`.
fn struct_entries(
    out: &mut Entries,
    (old, new): (&Surface, &Surface),
    name: &str,
    usage: Usage,
    requests: &Requests,
) {
    if let Some(now) = requests.model_change(name) {
        reach::model_entry(out, name, now);
    }
    if sealed(old, new, name, usage) {
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

/// Whether a request started (`Some(true)`) or stopped reaching a struct,
/// and the rule that tells which of its fields changed type only by that.
struct Shape<'a> {
    requests: &'a Requests,
    change: Option<bool>,
}

fn fields(
    out: &mut Entries,
    model: &str,
    (old, new): (
        &BTreeMap<String, FieldSurface>,
        &BTreeMap<String, FieldSurface>,
    ),
    usage: Usage,
    shape: &Shape,
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
        field_changed(&mut push, field, (f, g), usage, shape);
    }
    for (field, g) in new {
        if old.contains_key(field) {
            continue;
        }
        field_added(&mut push, field, g, usage);
    }
}

/// A field in both: its type, or whether it is required, changed. A type
/// change that is only the request shape coming or going (the field as
/// required as before) is a reachability change, not a change of the field.
fn field_changed(
    push: &mut impl FnMut(Severity, &str, Category, String, &str),
    field: &str,
    (f, g): (&FieldSurface, &FieldSurface),
    usage: Usage,
    shape: &Shape,
) {
    if let Some(now) = shape.change {
        if f.ty != g.ty && f.required == g.required && shape.requests.explains(f, g) {
            reach::field_entry(push, field, f, g, now);
            return;
        }
    }
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
