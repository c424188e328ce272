//! nearmiss turns a folder of blameless near-miss retrospectives into a static knowledge-base site.
//!
//! The pipeline runs one way: [`load`] (walk and parse) → [`validate`] (schema) → [`gate`]
//! (publication rules, leaks, blame; detectors in [`scan`]) → [`kri`] (indicators from the
//! published set) → [`render`] (markdown, sanitising, templates) → [`output`] (atomic write).
//! [`site`] strings the stages together; [`scaffold`] writes new writeups and knowledge bases;
//! [`catalog`] is the built-in vocabulary of common patterns.

pub mod catalog;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod export;
pub mod federate;
pub mod feed;
pub mod gate;
pub mod import;
pub mod intake;
pub mod kri;
pub mod load;
pub mod memo;
pub mod memory;
pub mod model;
pub mod output;
pub mod render;
pub mod roles;
pub mod scaffold;
pub mod scan;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod validate;
pub mod yaml;

use std::io;
use std::path::{Path, PathBuf};

/// Failures that stop a run before it can report on the content.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("content folder {} not found", .0.display())]
    NoContent(PathBuf),
    #[error("theme folder {} not found", .0.display())]
    NoTheme(PathBuf),
    #[error("theme error: {0}")]
    Theme(String),
    #[error("refusing to replace {}: it holds files nearmiss did not write (no {} marker); choose another --output or empty it", .0.display(), output::MARKER)]
    ForeignOutput(PathBuf),
    #[error("--output {}: a symbolic link nearmiss cannot follow: {why}; point it at a folder or pass the folder itself", link.display())]
    OutputLink { link: PathBuf, why: String },
    #[error("{}: the file is empty; nothing to redact (an earlier interrupted write? the original is in its .bak files)", .0.display())]
    EmptyInput(PathBuf),
    #[error(
        "`{0}` is not a usable base URL; use an absolute URL such as https://org.github.io/kb/ or a path such as /kb/"
    )]
    BadBaseUrl(String),
    #[error("{0}")]
    Scaffold(String),
    #[error("serve: {0}")]
    Serve(String),
    #[error("{}: invalid YAML; run `nearmiss check` for details", .0.display())]
    BadConfig(PathBuf),
    #[error("could not write the data exports: {0}")]
    Export(String),
    #[error("import: {0}")]
    Import(String),
    #[error("{0}")]
    Feed(String),
    #[error(transparent)]
    Search(#[from] search::SearchError),
    #[error(transparent)]
    Source(#[from] model::SourceError),
    /// A search failure seen once and reported again to every page that needs the bundle.
    #[error("{0}")]
    SearchBundle(String),
}

impl Error {
    pub fn io(path: &Path, source: io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }

    /// A theme error that names the source file whose page failed to render.
    pub fn about(self, file: &Path) -> Error {
        match self {
            Error::Theme(message) => Error::Theme(format!("{}: {message}", file.display())),
            other => other,
        }
    }
}
