//! Forward compatibility: responses keep decoding when the API is newer
//! than this crate.
//!
//! The API adds values and shapes before its published spec does, and a
//! crate typed strictly to the spec would fail every call whose response
//! carries one. So:
//! - a string enum that a response can carry is *open*: a value this crate
//!   does not know decodes into its `Unknown` variant, which keeps the value,
//!   prints it and serializes it back unchanged ([`UnknownValue`]);
//! - a union of models that a response can carry is open too: a body that
//!   fits none of its shapes decodes into `Unknown(serde_json::Value)`, the
//!   JSON as it came, and the union's field accessors still read the fields
//!   it has;
//! - a union first tries the model of the API version the call sent, so two
//!   shapes that both fit a body (a newer model usually only adds optional
//!   fields) are told apart by the version, not by their order;
//! - both are `#[non_exhaustive]`, so a value or shape added to a later
//!   crate is not a breaking change. Request-only enums stay closed: what is
//!   sent is always one of the spec's values.
//!
//! The decoding is written here rather than derived: serde's
//! `#[serde(other)]` keeps no value, and `#[serde(untagged)]` tries the
//! variants in one fixed order.

// An API without open enums or unions uses only part of this.
#![allow(dead_code, unused_macros, unused_imports)]

use std::cell::Cell;
use std::fmt;

/// A value of an open enum that this crate does not know yet (the API is
/// newer than the crate), kept exactly as it came: [`as_str`](Self::as_str)
/// and `Display` give it back, and serializing the enum sends it unchanged.
///
/// Match on the known variants and treat the rest alike: a later crate may
/// know a value that this one reads as unknown, so code that matches one
/// unknown value by its text would change behaviour on upgrade.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        UnknownValue(value.into())
    }

    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes an open enum from a JSON string, borrowed or owned.
pub(crate) struct OpenEnumVisitor<T>(std::marker::PhantomData<T>);

impl<T> OpenEnumVisitor<T> {
    pub(crate) fn new() -> Self {
        OpenEnumVisitor(std::marker::PhantomData)
    }
}

impl<T: for<'s> From<&'s str> + From<String>> serde::de::Visitor<'_> for OpenEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// The impls of an open string enum, whose last variant holds an
/// [`UnknownValue`]: `as_str`, `Display`, `From<&str>`, `From<String>`,
/// an infallible `FromStr`, and serde as a plain string.
macro_rules! open_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? } else $fallback:ident) => {
        impl $name {
            /// The value as the API spells it; an unknown value as it came.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$fallback(value) => value.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$fallback($crate::evolve::UnknownValue::new(other)),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::$fallback($crate::evolve::UnknownValue::new(value)),
                }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::evolve::OpenEnumVisitor::new())
            }
        }
    };
}
pub(crate) use open_enum;

/// `Deserialize` for an open union: the variants are tried in
/// [`variant_order`], each decoding the body's text alone, and an object
/// that fits none becomes the fallback variant, which keeps it as a
/// `Value`. Anything else fails with serde's own words for an untagged
/// enum, which the runtime explains (see `runtime::decode_failure`).
///
/// The body is buffered as its text (`RawValue`), not as a `Value`: a
/// `Value` takes up to 32 times the text (an array of small numbers), and
/// only the fallback needs one.
macro_rules! open_union {
    ($name:ident { $($variant:ident($ty:ty)),* $(,)? } else $fallback:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let raw = <::std::boxed::Box<::serde_json::value::RawValue> as ::serde::Deserialize>::deserialize(deserializer)?;
                let text = raw.get();
                let tries: &[fn(&str) -> ::std::option::Option<$name>] = &[
                    $(|t| ::serde_json::from_str::<$ty>(t).ok().map($name::$variant),)*
                ];
                for i in $crate::evolve::variant_order(stringify!($name)) {
                    if let ::std::option::Option::Some(found) = tries.get(i).and_then(|t| t(text)) {
                        return ::std::result::Result::Ok(found);
                    }
                }
                // Only an object is a shape this crate may not know yet;
                // anything else (an empty body's `null`) is an error.
                if !text.trim_start().starts_with('{') {
                    return ::std::result::Result::Err(D::Error::custom(concat!(
                        "data did not match any variant of untagged enum ",
                        stringify!($name)
                    )));
                }
                $crate::evolve::fell_back(stringify!($name), text);
                let value = ::serde_json::from_str(text).map_err(D::Error::custom)?;
                ::std::result::Result::Ok($name::$fallback(value))
            }
        }
    };
}
pub(crate) use open_union;

thread_local! {
    /// The API version of the response being decoded on this thread, set by
    /// [`decoding`] around a decode.
    static DECODING: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Runs `decode` with `version` as the version whose models unions try
/// first. Decoding is synchronous, so a thread-local scoped to the call is
/// exact; a decode outside any call (a caller's own `serde_json::from_str`)
/// tries the variants in their declared order.
pub(crate) fn decoding<R>(version: Option<&'static str>, decode: impl FnOnce() -> R) -> R {
    struct Restore(Option<&'static str>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DECODING.with(|d| d.set(self.0));
        }
    }
    let _restore = Restore(DECODING.with(|d| d.replace(version)));
    decode()
}

/// The indices of the union `name`'s variants in the order to try them:
/// the [`preferred`] one for the version being decoded first, then the
/// others in their declared order, which puts the crate's default version
/// first.
pub(crate) fn variant_order(name: &str) -> Vec<usize> {
    let variants = crate::unions::variants(name);
    let mut order: Vec<usize> = (0..variants.len()).collect();
    let preferred = DECODING
        .with(Cell::get)
        .and_then(|version| preferred(variants, version));
    if let Some(first) = preferred {
        order.retain(|&i| i != first);
        order.insert(0, first);
    }
    order
}

/// The variant whose model API version `version` sends: the model of the
/// newest version not after it (a model is named for the version that
/// introduced its shape); the first such variant on a tie.
pub(crate) fn preferred(variants: &[crate::runtime::UnionVariant], version: &str) -> Option<usize> {
    variants
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, v.version?)))
        .filter(|(_, v)| *v <= version)
        .rev()
        .max_by_key(|(_, v)| *v)
        .map(|(i, _)| i)
}

/// A body that fits no variant of the open union `name`, kept as JSON: a
/// warning (target `phala_cloud::evolve`) says which variant it was read as
/// and why it failed, since it usually means the API is newer than this
/// crate.
pub(crate) fn fell_back(name: &str, text: &str) {
    if !tracing::enabled!(target: "phala_cloud::evolve", tracing::Level::WARN) {
        return;
    }
    let version = DECODING.with(Cell::get).unwrap_or(crate::DEFAULT_API_VERSION);
    // Explained only when small, as a decode error is: each variant decodes
    // the text again.
    let explained = (text.len() <= crate::classify::SMALL_JSON)
        .then(|| crate::runtime::explain(name, text, version))
        .flatten();
    let (path, why) =
        explained.unwrap_or_else(|| (".".to_owned(), format!("fits no variant of `{name}`")));
    tracing::warn!(
        target: "phala_cloud::evolve",
        union = name,
        path = %path,
        "kept as `Unknown` JSON: {why} (a newer version of this crate may know this shape)"
    );
}

/// A field of a JSON object as text, for a union accessor reading its
/// fallback variant; `None` when it is absent or not a string.
pub(crate) fn text<'v>(value: &'v serde_json::Value, field: &str) -> Option<&'v str> {
    value.get(field).and_then(serde_json::Value::as_str)
}

/// A field of a JSON object decoded as `T`; `None` when it is absent or
/// of another type.
pub(crate) fn read<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
    field: &str,
) -> Option<T> {
    T::deserialize(value.get(field)?).ok()
}

/// A field of a JSON object printed as text (a string as it is, a number
/// in its JSON form); empty when it is absent or null.
pub(crate) fn printed(value: &serde_json::Value, field: &str) -> String {
    match value.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        None | Some(serde_json::Value::Null) => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The items of a JSON list field that decode as `T`, for the items of a
/// page of a shape this crate does not know; an item that does not decode
/// is left out (the page itself, from `.pages()`, keeps all of them).
pub(crate) fn items<T: serde::de::DeserializeOwned>(value: serde_json::Value, field: &str) -> Vec<T> {
    match value {
        serde_json::Value::Object(mut object) => match object.remove(field) {
            Some(serde_json::Value::Array(list)) => list
                .into_iter()
                .filter_map(|item| serde_json::from_value(item).ok())
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}
