//! Every override the configuration gives, and which of them the run used.
//!
//! An override that matches nothing in the inputs is almost always a typo or
//! a name the API dropped upstream, so it stops the run (unless
//! `--allow-unused-overrides`). Each stage that looks an override up marks
//! it read here, where it knows whether its target exists; what was never
//! read is then one query at the end ([`Overrides::unused`]), instead of
//! every stage checking its own table against the spec after the fact.

use std::collections::{BTreeMap, BTreeSet};

use super::config::Config;
use super::profile::called_method;

/// The tables whose keys must each match something, in the order their
/// unused keys are reported (the configuration file's order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    /// `[operation_names]`: operationId -> method name.
    OperationNames,
    /// `[python_names.primary]`: operationId -> the Python name to keep.
    PythonPrimary,
    /// `[type_names]`: component schema -> Rust type name.
    TypeNames,
    /// `[skip] operations`: operationIds left out.
    SkipOperations,
    /// The actions of the overlay files (`inputs.overlays`).
    Overlays,
    /// `[api.variants]`: extra methods for another operation's request.
    Variants,
    /// `[api.pins]`: method -> the API version it is sent at.
    Pins,
    /// `[method_examples]`: method -> its doc example.
    MethodExamples,
    /// `[docs] example_call`: the method the README's examples call.
    ExampleCall,
    /// `[error_code_names]`: error code -> constant name.
    ErrorCodeNames,
}

impl Table {
    /// How an unused key of this table reads in the error.
    fn describe(self, key: &str) -> String {
        let table = match self {
            Table::OperationNames => "[operation_names]",
            Table::PythonPrimary => "[python_names.primary]",
            Table::TypeNames => "[type_names]",
            Table::SkipOperations => "[skip] operations",
            Table::Overlays => return format!("overlay {key}"),
            Table::Variants => "[api.variants]",
            Table::Pins => "[api.pins]",
            Table::MethodExamples => "[method_examples]",
            Table::ExampleCall => "[docs] example_call",
            Table::ErrorCodeNames => "[error_code_names]",
        };
        format!("{table} `{key}`")
    }

    /// What a key of this table that was never read failed to match.
    fn unmatched(self) -> &'static str {
        match self {
            Table::OperationNames | Table::PythonPrimary | Table::SkipOperations => {
                "no such operationId"
            }
            Table::TypeNames => "no such component schema",
            Table::Overlays => "its target matches nothing",
            Table::Variants | Table::Pins | Table::MethodExamples | Table::ExampleCall => {
                "no such method"
            }
            Table::ErrorCodeNames => "no such error code in the catalog",
        }
    }
}

/// The overrides of one run: every key listed, the ones read, and for a
/// key whose lookup failed in a particular way, why.
#[derive(Debug, Default)]
pub struct Overrides {
    listed: BTreeSet<(Table, String)>,
    read: BTreeSet<(Table, String)>,
    why: BTreeMap<(Table, String), String>,
}

impl Overrides {
    /// Lists every key of the configuration's override tables.
    pub fn of(config: &Config) -> Self {
        let mut overrides = Overrides::default();
        let tables: [(Table, Vec<&String>); 8] = [
            (
                Table::OperationNames,
                config.operation_names.keys().collect(),
            ),
            (
                Table::PythonPrimary,
                config.python_names.primary.keys().collect(),
            ),
            (Table::TypeNames, config.type_names.keys().collect()),
            (
                Table::SkipOperations,
                config.skip.operations.iter().collect(),
            ),
            (Table::Variants, config.api.variants.keys().collect()),
            (Table::Pins, config.api.pins.keys().collect()),
            (
                Table::MethodExamples,
                config.method_examples.keys().collect(),
            ),
            (
                Table::ErrorCodeNames,
                config.error_code_names.keys().collect(),
            ),
        ];
        for (table, keys) in tables {
            for key in keys {
                overrides.list(table, key);
            }
        }
        if let Some(call) = &config.docs.example_call {
            // A call that names no method is listed whole, and never read.
            overrides.list(Table::ExampleCall, called_method(call).unwrap_or(call));
        }
        overrides
    }

    /// Adds a key found outside the configuration file (an overlay action).
    pub fn list(&mut self, table: Table, key: &str) {
        self.listed.insert((table, key.to_owned()));
    }

    /// Marks `key` of `table` as matched; a key not listed is ignored, so a
    /// stage may mark every name it looks up.
    pub fn read(&mut self, table: Table, key: &str) {
        self.read.insert((table, key.to_owned()));
    }

    /// Records why `key` matched nothing, when the stage knows better than
    /// the table's usual reason.
    pub fn missed(&mut self, table: Table, key: &str, why: String) {
        self.why.insert((table, key.to_owned()), why);
    }

    /// The listed keys never read, each as `[table] `key` (why)`, in table
    /// order and then by key.
    pub fn unused(&self) -> Vec<String> {
        self.listed
            .difference(&self.read)
            .map(|(table, key)| {
                let why = self
                    .why
                    .get(&(*table, key.clone()))
                    .map_or(table.unmatched(), String::as_str);
                format!("{} ({why})", table.describe(key))
            })
            .collect()
    }
}
