//! The other inputs: the generator configuration ([`config`]), or the one
//! `--generic` derives from the spec ([`generic`]), the error-code
//! catalog ([`catalog`]), what the configuration says of the crate's
//! extras beyond the generic core ([`profile`]), and the client's names
//! ([`names`]).

pub mod catalog;
pub mod config;
pub mod generic;
pub mod names;
pub mod overrides;
pub mod profile;
