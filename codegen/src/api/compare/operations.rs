//! Operations: methods added, removed or renamed, and each method's
//! arguments, setters, body, awaited type and declared error statuses.

use std::collections::{BTreeMap, BTreeSet};

use super::entries::Entries;
use crate::api::report::Severity::{Breaking, NonBreaking};
use crate::api::report::{Category, Scope, Severity};
use crate::ir::surface::{OperationSurface, ParamLocation, ParamSurface, Surface};

/// `error_type` is what every method's error arrives as (the client's
/// error type), named in the reason a changed error status breaks nothing.
pub(super) fn compare(out: &mut Entries, old: &Surface, new: &Surface, error_type: &str) {
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
            operation(out, name, o, n, error_type);
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
                operation(out, new_name, o, &new.operations[*new_name], error_type);
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

fn operation(
    out: &mut Entries,
    name: &str,
    o: &OperationSurface,
    n: &OperationSurface,
    error_type: &str,
) {
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
    header_changes(&mut push, o, n);
    param_changes(&mut push, o, n);
    argument_order(&mut push, o, n);
    result_changes(&mut push, o, n, error_type);
}

/// The endpoint and the deprecation mark.
fn header_changes(
    push: &mut impl FnMut(Severity, Option<&str>, Category, String, &str),
    o: &OperationSurface,
    n: &OperationSurface,
) {
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
}

/// Parameters and the body removed, added or changed.
fn param_changes(
    push: &mut impl FnMut(Severity, Option<&str>, Category, String, &str),
    o: &OperationSurface,
    n: &OperationSurface,
) {
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
            Some(q) => param(push, pname, p, q),
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
}

/// The required arguments, same set in another order.
fn argument_order(
    push: &mut impl FnMut(Severity, Option<&str>, Category, String, &str),
    o: &OperationSurface,
    n: &OperationSurface,
) {
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
}

/// The awaited type and the declared error statuses.
fn result_changes(
    push: &mut impl FnMut(Severity, Option<&str>, Category, String, &str),
    o: &OperationSurface,
    n: &OperationSurface,
    error_type: &str,
) {
    let same_error = format!("errors are all {error_type}");
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
                &same_error,
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
                &same_error,
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
