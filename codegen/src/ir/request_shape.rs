//! The request shape: how a model a request reaches differs from typify's
//! struct. Every optional field is `Option<T>` (set with a setter, left out
//! of the body when unset), `NonZero*` integers are plain and
//! pattern-checked string newtypes are `String`.
//!
//! One rule for the code (`emit::requests` rewrites the structs with it),
//! for the API surface (`emit::requests::reshape_surface`) and for the
//! change report, which tells a field whose type changed only because a
//! request started or stopped reaching its model from a real type change.

use std::collections::BTreeSet;

use crate::ir::surface::{display_type, FieldSurface, Model, Surface};
use crate::syn_ext::{non_zero_plain_type, option_inner};

/// The type a request model's field gets: its plain type, in an `Option`
/// when it is optional; and whether that `Option` is new.
pub fn field_type(
    ty: &syn::Type,
    required: bool,
    string_newtypes: &BTreeSet<String>,
) -> (syn::Type, bool) {
    let mut ty = ty.clone();
    plain_types(&mut ty, string_newtypes);
    if required || option_inner(&ty).is_some() {
        return (ty, false);
    }
    (syn::parse_quote!(::std::option::Option<#ty>), true)
}

/// [`field_type`] of a field as the surface records it (a displayed type),
/// displayed the same way; `None` when the type does not parse.
pub fn surface_field_type(
    field: &FieldSurface,
    string_newtypes: &BTreeSet<String>,
) -> Option<String> {
    let ty = syn::parse_str::<syn::Type>(&field.ty).ok()?;
    let (ty, _) = field_type(&ty, field.required, string_newtypes);
    Some(display_type(&ty))
}

/// The surface's models that are a newtype around `String`.
pub fn string_newtypes(surface: &Surface) -> BTreeSet<String> {
    surface
        .models
        .iter()
        .filter(|(_, m)| matches!(m, Model::Newtype(inner) if inner == "String"))
        .map(|(name, _)| name.clone())
        .collect()
}

/// A string newtype (`PortMappingEntryProtocol`) -> `String`, and
/// `NonZeroU64` -> `u64`, at any depth (`Option<..>`, `Vec<..>`).
fn plain_types(ty: &mut syn::Type, string_newtypes: &BTreeSet<String>) {
    if let Some(plain) = non_zero_plain_type(ty) {
        *ty = plain;
        return;
    }
    let syn::Type::Path(p) = ty else { return };
    if let Some(name) = p.path.get_ident().map(ToString::to_string) {
        if string_newtypes.contains(&name) {
            *ty = syn::parse_quote!(::std::string::String);
            return;
        }
    }
    for segment in p.path.segments.iter_mut() {
        if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
            for arg in args.args.iter_mut() {
                if let syn::GenericArgument::Type(inner) = arg {
                    plain_types(inner, string_newtypes);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(required: bool, ty: &str) -> FieldSurface {
        FieldSurface {
            required,
            ty: ty.to_owned(),
        }
    }

    #[test]
    fn optional_fields_become_options_of_plain_types() {
        let newtypes = BTreeSet::from(["Name".to_owned()]);
        let shape = |f: FieldSurface| surface_field_type(&f, &newtypes).unwrap();
        assert_eq!(shape(field(false, "bool")), "Option<bool>");
        assert_eq!(shape(field(false, "Option<NonZeroU64>")), "Option<u64>");
        assert_eq!(shape(field(true, "Name")), "String");
        assert_eq!(shape(field(true, "Vec<Name>")), "Vec<String>");
        // Idempotent: a field already in the request shape keeps it.
        assert_eq!(shape(field(false, "Option<u64>")), "Option<u64>");
        assert_eq!(
            surface_field_type(&field(true, "not a type <"), &newtypes),
            None
        );
    }
}
