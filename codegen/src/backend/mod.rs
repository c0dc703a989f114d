//! The backend: progenitor and typify run over the normalized document
//! ([`progenitor`]; their panics contained by [`quiet`], their failures
//! located in the spec by [`locate`]; wire names that would make colliding
//! identifiers given [`placeholders`]), and each IR operation joined with its
//! progenitor method, once ([`bind`]).

pub mod aliases;
pub mod bind;
pub mod deferred;
pub mod locate;
pub mod placeholders;
pub mod progenitor;
pub mod quiet;
