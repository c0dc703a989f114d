//! `[api.variants]`: methods of their own for another operation's request,
//! sent at a pinned API version whose response has another model.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Api, Operation, Success, VariantOf};
use crate::error::{Error, Result};
use crate::inputs::overrides::{Overrides, Table};
use crate::spec::document::escape;

/// Adds the methods of `[api.variants]` to `api`: each a copy of the
/// operation it names, under its own name, pinned to its version and
/// decoding into its model (a component of `doc`, which is normalized, so
/// components already carry their Rust names, `type_names`). An entry
/// whose operation or model exists is marked read in `overrides`, and one
/// whose does not is recorded with what is missing (as when generating from
/// an older spec); a name already taken is an error.
pub fn add_variants(
    api: &mut Api,
    variants: &BTreeMap<String, crate::inputs::config::Variant>,
    doc: &Value,
    type_names: &BTreeMap<String, String>,
    config_path: &std::path::Path,
    overrides: &mut Overrides,
) -> Result<()> {
    for (name, v) in variants {
        let place = || format!("[api.variants] `{name}`");
        if api.operations.iter().any(|op| &op.name == name) {
            return Err(Error::Config {
                path: config_path.to_owned(),
                message: format!(
                    "{}: another operation already has this method name; choose another",
                    place()
                ),
            });
        }
        let Some(base) = api.operations.iter().find(|op| op.name == v.of) else {
            overrides.missed(Table::Variants, name, format!("no method `{}`", v.of));
            continue;
        };
        let returns = type_names.get(&v.returns).unwrap_or(&v.returns).clone();
        if doc
            .pointer(&format!("/components/schemas/{}", escape(&returns)))
            .is_none()
        {
            let why = format!("no component schema `{}`", v.returns);
            overrides.missed(Table::Variants, name, why);
            continue;
        }
        overrides.read(Table::Variants, name);
        let Operation { description, .. } = base;
        let note = format!(
            "The request of [`{of}`](Self::{of}), sent as API version {version}, at which \
             the server answers with [`{returns}`](crate::types::{returns}).",
            of = v.of,
            version = v.version,
        );
        let mut op = base.clone();
        op.name = name.clone();
        op.python_aliases.clear();
        op.version_pin = Some(v.version.clone());
        op.description = Some(match description {
            Some(d) => format!("{note}\n\n{d}"),
            None => note,
        });
        op.success = Success::Json {
            component: Some(returns.clone()),
        };
        op.untyped_reason = None;
        op.variant_of = Some(VariantOf {
            method: v.of.clone(),
            returns,
        });
        api.operations.push(op);
    }
    for op in api.operations.iter_mut() {
        op.python_aliases
            .retain(|alias| !variants.contains_key(alias));
    }
    api.operations.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(())
}
