//! A component that is only a reference to another (`{"$ref"}` or
//! `{"allOf": [{"$ref"}]}`, beside at most a title or description) is a
//! type alias of it: `pub type Alias = Target;`.
//!
//! typify would make each one a newtype with `Deref` and two `From` impls,
//! about 440 bytes of Rust for one name: a 5,000-link chain was 2.2 MB of
//! models and most of a 1.3 s run. The normalization already points every
//! reference to an alias at the end of its chain, so nothing refers to an
//! alias: typify does not see them ([`Aliases::hide`]), and they are added
//! to its items here ([`Aliases::add`]).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ident::RustIdent;
use crate::ir::distinct::{self, Case};
use crate::ir::surface::Model;
use crate::spec::normalize::refs;

/// The aliases of a normalized document, by name.
#[derive(Debug, Default)]
pub struct Aliases(BTreeMap<String, Alias>);

#[derive(Debug)]
struct Alias {
    /// The component it stands for.
    target: String,
    /// What the spec says of it: its description, else its title.
    about: Option<String>,
}

impl Aliases {
    /// Every alias component of `doc` whose name, and whose target's name,
    /// typify keeps as it is (the normalized names are Rust names, so all
    /// but the odd one); any other is left to typify.
    pub fn of(doc: &Value) -> Self {
        let plain = |name: &str| {
            distinct::sanitize(name, Case::Pascal, "x") == name && RustIdent::new(name).is_ok()
        };
        let schemas = doc.pointer("/components/schemas");
        let about = |name: &str| {
            let schema = schemas?.get(name)?;
            let text = |key: &str| schema.get(key).and_then(Value::as_str).map(str::trim);
            text("description")
                .filter(|t| !t.is_empty())
                .or_else(|| text("title").filter(|t| !t.is_empty()))
                .map(str::to_owned)
        };
        Aliases(
            refs::aliases(doc)
                .into_iter()
                .filter(|(name, target)| plain(name) && plain(target))
                .map(|(name, target)| {
                    let about = about(&name);
                    (name, Alias { target, about })
                })
                .collect(),
        )
    }

    /// Removes the aliases from the components typify is given.
    pub fn hide(&self, view: &mut Value) {
        if let Some(Value::Object(schemas)) = view.pointer_mut("/components/schemas") {
            for name in self.0.keys() {
                schemas.remove(name);
            }
        }
    }

    /// Adds each alias to typify's items and models. Its target must be
    /// one of typify's models.
    pub fn add(
        &self,
        types: &mut Vec<syn::Item>,
        models: &mut BTreeMap<String, Model>,
    ) -> Result<()> {
        for (name, alias) in &self.0 {
            if !models.contains_key(&alias.target) {
                return Err(Error::Schema {
                    pointer: format!(
                        "#/components/schemas/{}",
                        crate::spec::document::escape(name)
                    ),
                    message: format!(
                        "the schema is only a reference to `{}`, which typify made no type of",
                        alias.target
                    ),
                });
            }
            types.push(alias.item(name)?);
            models.insert(name.clone(), Model::Alias(alias.target.clone()));
        }
        Ok(())
    }
}

impl Alias {
    fn item(&self, name: &str) -> Result<syn::Item> {
        let ident = crate::ident::ident(name)?;
        let target = crate::ident::ident(&self.target)?;
        let about = self.about.clone().unwrap_or_else(|| format!("`{name}`"));
        let same = format!(
            "The same type as [`{}`]: the spec's schema is only a reference to it.",
            self.target
        );
        Ok(syn::parse_quote! {
            #[doc = #about]
            #[doc = ""]
            #[doc = #same]
            pub type #ident = #target;
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn aliases_are_found_hidden_and_documented() {
        let doc = json!({"components": {"schemas": {
            "Tag": {"type": "object"},
            "Label": {"allOf": [{"$ref": "#/components/schemas/Tag"}]},
            "Badge": {"$ref": "#/components/schemas/Tag", "description": " Worn. "},
            "Odd-name": {"$ref": "#/components/schemas/Tag"},
            "Wider": {"allOf": [{"$ref": "#/components/schemas/Tag"}], "nullable": true},
        }}});
        let aliases = Aliases::of(&doc);
        let names: Vec<&str> = aliases.0.keys().map(String::as_str).collect();
        // typify would rename `Odd-name`, and `Wider` says more than its
        // reference: both stay typify's.
        assert_eq!(names, ["Badge", "Label"]);
        assert_eq!(aliases.0["Badge"].about.as_deref(), Some("Worn."));
        let mut view = doc.clone();
        aliases.hide(&mut view);
        let mut left: Vec<&String> = view["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        left.sort();
        assert_eq!(left, ["Odd-name", "Tag", "Wider"]);
        let item = aliases.0["Label"].item("Label").unwrap();
        let text = quote::quote!(#item).to_string();
        assert!(text.ends_with("pub type Label = Tag ;"), "{text}");
        assert!(text.contains("\"`Label`\""), "{text}");
    }

    #[test]
    fn an_alias_of_no_model_is_an_error_at_its_pointer() {
        let doc = json!({"components": {"schemas": {
            "Label": {"$ref": "#/components/schemas/Tag"},
        }}});
        let err = Aliases::of(&doc)
            .add(&mut Vec::new(), &mut BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("#/components/schemas/Label"), "{err}");
    }
}
