//! The crate's example programs (`[docs] examples` in the configuration):
//! each `*.rs` of the directory is copied into the crate's `examples/` with
//! a header naming where it is kept, so the examples ship in the package,
//! `cargo test` builds them, and the crate page can point at them. They are
//! written with the runtime's names, like the guide pages, and renamed
//! with them for another API ([`super::brand::Brand`]).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::inputs::config::Config;

/// The `*.rs` files of `dir`, by file name.
pub fn program_paths(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    super::guide::files_with_extension(dir, "rs")
}

/// Each example as (path in the crate, text), or none when `config` names
/// no examples directory. An empty or unreadable directory is an error
/// naming it.
pub fn emit(config: &Config) -> Result<Vec<(String, String)>> {
    let Some(dir) = &config.docs.examples else {
        return Ok(Vec::new());
    };
    let paths = program_paths(dir).map_err(|source| Error::Read {
        path: dir.clone(),
        source,
    })?;
    if paths.is_empty() {
        return Err(Error::Config {
            path: config.source.clone(),
            message: format!("docs.examples: {} holds no `.rs` program", dir.display()),
        });
    }
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            // No directory in the header: it is the same in every clone.
            let origin = format!("`{name}` of the configuration's `[docs] examples` directory");
            Ok((
                format!("examples/{name}"),
                crate::render::verbatim_rust(&text, &origin),
            ))
        })
        .collect()
}
