//! Output: the rendered files written when they changed ([`write`]), and
//! the run recorded ([`fingerprint`]) so that an unchanged run does nothing.

pub mod fingerprint;
pub mod write;
