//! Full-text search: a tantivy index of the published pages, built at `nearmiss build`, queried
//! by `nearmiss search`, and exported as a static bundle for the browser client
//! (`themes/default/static/search*.js`). The bundle format is described in `FORMAT.md`.

mod bundle;
mod document;
mod encode;
mod index;
mod query;
mod similar;
mod stem;

pub use bundle::{export, export_to, Bundle, Opening};
pub use document::{Facet, FacetValue, Listing, SearchDoc};
pub use index::{Index, Store};
pub use query::{Clause, Hit, Query, Results};

use crate::gate::Publication;
use crate::model::Pattern;

/// Why the index or its bundle could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error("search bundle: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Source(#[from] crate::model::SourceError),
    #[error("search index: the `{}` analyzer is missing", index::ANALYZER)]
    Analyzer,
    #[error("search index: expected one segment holding every document once, in order")]
    Layout,
    #[error("`{given}` is not a filter; write facet=value with a facet among {}", facet_names())]
    Filter { given: String },
}

fn facet_names() -> String {
    Facet::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
}

/// A `facet=value` filter from the command line.
pub fn parse_filter(text: &str) -> Result<(Facet, String), SearchError> {
    let (name, value) = text.split_once('=').ok_or_else(|| SearchError::Filter { given: text.to_string() })?;
    let facet = Facet::parse(name.trim()).ok_or_else(|| SearchError::Filter { given: text.to_string() })?;
    Ok((facet, value.trim().to_string()))
}

/// Indexes the published writeups and the patterns into `store`; nothing withheld is ever handed in.
pub fn index(publication: &Publication, patterns: &[Pattern], store: Store<'_>) -> Result<Index, SearchError> {
    // The first body that cannot be read again ends the documents, and the build with it.
    let mut unread = None;
    let docs = document::documents(publication, patterns).map_while(|doc| doc.map_err(|e| unread = Some(e)).ok());
    let index = Index::build(docs, store)?;
    match unread {
        Some(e) => Err(e.into()),
        None => Ok(index),
    }
}
