//! The backend: progenitor and typify run over the normalized document
//! ([`progenitor`]; their panics contained by [`quiet`], their failures
//! located in the spec by [`locate`] and explained by [`cause`]; wire names
//! that would make colliding identifiers given [`placeholders`]; alias
//! components kept from typify by [`aliases`]; impl bodies parsed only when
//! kept, by [`deferred`]), and each IR operation joined with its progenitor
//! method, once ([`bind`]).

pub mod aliases;
pub mod bind;
pub mod cause;
pub mod deferred;
pub mod halving;
pub mod locate;
pub mod placeholders;
pub mod progenitor;
pub mod quiet;
