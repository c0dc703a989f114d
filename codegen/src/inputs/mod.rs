//! The other inputs: the generator configuration ([`config`]), or the one
//! `--generic` derives from the spec ([`generic`]), and the error-code
//! catalog ([`catalog`]).

pub mod catalog;
pub mod config;
pub mod generic;
pub mod overrides;
