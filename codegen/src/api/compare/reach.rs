//! How operations reach models ([`reachable`]), and the models a request
//! starts or stops reaching. The generated crate gives a
//! struct a request reaches the request shape ([`crate::ir::request_shape`]:
//! `new` and setters, every optional field an `Option`, plain integers and
//! strings), so such a model's fields change type with no change to their
//! schema. Those changes are reported as what they are, not as a field
//! that became optional or changed type in the spec.

use std::collections::{BTreeMap, BTreeSet};

use super::entries::Entries;
use crate::api::report::Severity::{Breaking, NonBreaking};
use crate::api::report::{Category, Scope, Severity};
use crate::ir::request_shape::{string_newtypes, surface_field_type};
use crate::ir::surface::{type_names, FieldSurface, Surface};

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

/// Which models a request reaches in each generation, which ones any
/// operation reaches in the new one, and each generation's string newtypes
/// (the request shape makes them `String`).
pub(super) struct Requests {
    before: BTreeSet<String>,
    after: BTreeSet<String>,
    used_now: BTreeSet<String>,
    old_newtypes: BTreeSet<String>,
    new_newtypes: BTreeSet<String>,
}

impl Requests {
    pub(super) fn of(old: &Surface, new: &Surface) -> Requests {
        let inputs = |usage: &BTreeMap<String, Usage>| -> BTreeSet<String> {
            usage
                .iter()
                .filter(|(_, u)| u.input)
                .map(|(name, _)| name.clone())
                .collect()
        };
        let now = reachable(new);
        Requests {
            before: inputs(&reachable(old)),
            after: inputs(&now),
            used_now: now.into_keys().collect(),
            old_newtypes: string_newtypes(old),
            new_newtypes: string_newtypes(new),
        }
    }

    /// `Some(true)` when a request reaches `model` now and did not before,
    /// `Some(false)` for the reverse, `None` when that did not change.
    pub(super) fn change(&self, model: &str) -> Option<bool> {
        let (was, is) = (self.before.contains(model), self.after.contains(model));
        (was != is).then_some(is)
    }

    /// [`Requests::change`] when the model gets an entry of its own: when
    /// some operation uses it now. One that no operation uses any more
    /// lost its `new` with the operation that took it, which the report
    /// names (a method removed, a body of another type): an entry per such
    /// model would say it again.
    pub(super) fn model_change(&self, model: &str) -> Option<bool> {
        self.change(model).filter(|_| self.used_now.contains(model))
    }

    /// Whether `old` and `new` (the same field, equally required) would
    /// have one type in the request shape: their difference is the shape.
    pub(super) fn explains(&self, old: &FieldSurface, new: &FieldSurface) -> bool {
        let old = surface_field_type(old, &self.old_newtypes);
        old.is_some() && old == surface_field_type(new, &self.new_newtypes)
    }
}

fn words(now: bool) -> &'static str {
    if now {
        "now used by a request"
    } else {
        "no longer used by a request"
    }
}

/// The struct `model` a request started (`now`) or stopped reaching.
pub(super) fn model_entry(out: &mut Entries, model: &str, now: bool) {
    let (severity, reason) = if now {
        (
            NonBreaking,
            "a method takes it now, so it gains `new` and setters; \
             fields whose type changes with it are listed by name",
        )
    } else {
        (
            Breaking,
            "no method takes it any more, so its `new` and setters are gone; \
             fields whose type changes with it are listed by name",
        )
    };
    out.push(
        severity,
        Scope::Model,
        model,
        None,
        Category::ModelReachabilityChanged,
        words(now).to_owned(),
        reason,
    );
}

/// A field whose type changed only because its model's request shape came
/// or went (`now`: a request reaches the model now).
pub(super) fn field_entry(
    push: &mut impl FnMut(Severity, &str, Category, String, &str),
    field: &str,
    old: &FieldSurface,
    new: &FieldSurface,
    now: bool,
) {
    let word = if new.required { "required" } else { "optional" };
    let reason = if now {
        "a request model holds each optional field as an `Option` (set with a setter) \
         and bounded integers and strings as plain ones; code using the old type no longer compiles"
    } else {
        "the field has typify's type again (a default filled in rather than an `Option`, \
         bounded integers and strings as types of their own); code using the old type no \
         longer compiles"
    };
    push(
        Breaking,
        field,
        Category::ModelReachabilityChanged,
        format!(
            "{}: {} -> {} ({word} before and after)",
            words(now),
            old.ty,
            new.ty
        ),
        reason,
    );
}
