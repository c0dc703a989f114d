//! Output: files rendered to text ([`format`]), written when they changed
//! ([`write`]), and the run recorded ([`fingerprint`]) so an unchanged run does
//! nothing.

pub mod fingerprint;
pub mod format;
pub mod write;
