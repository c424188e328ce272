//! The tantivy index of the published pages: schema, analyzers and the build.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Searcher, TantivyDocument};

use super::document::{Facet, Listing, SearchDoc};
use super::stem::CachedStemmer;
use super::SearchError;

/// A field scored by BM25, with the weight of a match in it.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub name: &'static str,
    pub boost: f32,
}

/// The scored fields, most telling first: a word in the title outweighs the same word in the body.
pub const SCORED: [Scored; 4] = [
    Scored { name: "title", boost: 3.0 },
    Scored { name: "headings", boost: 2.0 },
    Scored { name: "keywords", boost: 1.5 },
    Scored { name: "body", boost: 1.0 },
];

/// The English analyzer: split on non-alphanumerics, drop tokens of 40 bytes or more,
/// lower-case, Snowball (Porter2) stemming; tantivy's `en_stem` with a stem cache ([`analyzer`]).
pub const ANALYZER: &str = "en_stem";

/// Field holding a document's position in [`Index::docs`], to map tantivy ids back.
const ORD: &str = "ord";

/// Memory tantivy may use while indexing before it writes a segment; the segments are merged into
/// one after. A larger arena saves that merge but holds its whole size at the build's peak.
const WRITER_MEMORY: usize = 50_000_000;

/// Where an index keeps its files.
#[derive(Debug, Clone, Copy)]
pub enum Store<'a> {
    /// In memory: for an index that is kept and queried (`serve`, `nearmiss search`).
    Memory,
    /// In this empty folder, read back through the page cache: what a build does, so that a
    /// large index (and the merge of its segments) is not held in memory beside the pages being
    /// rendered. The folder must outlive the index.
    Disk(&'a Path),
}

/// The built index and what results show of the documents it holds, `docs[doc_id]` for
/// tantivy's doc ids.
pub struct Index {
    pub(super) searcher: Searcher,
    pub(super) scored: [Field; 4],
    pub(super) facets: BTreeMap<Facet, Field>,
    pub(super) docs: Vec<Listing>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("docs", &self.docs.len()).finish_non_exhaustive()
    }
}

impl Index {
    /// Indexes `docs` into one segment kept in `store`, keeping of each what results show.
    pub fn build(docs: impl IntoIterator<Item = SearchDoc>, store: Store<'_>) -> Result<Index, SearchError> {
        let mut builder = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let scored = SCORED.map(|s| builder.add_text_field(s.name, text.clone()));
        let facets: BTreeMap<Facet, Field> =
            Facet::ALL.iter().map(|f| (*f, builder.add_text_field(f.name(), STRING))).collect();
        let ord = builder.add_u64_field(ORD, INDEXED | FAST);
        let index = match store {
            Store::Memory => tantivy::Index::create_in_ram(builder.build()),
            Store::Disk(folder) => tantivy::Index::create_in_dir(folder, builder.build())?,
        };
        index.tokenizers().register(ANALYZER, analyzer());

        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
        let mut listings = Vec::new();
        let mut values = HashSet::new();
        for (i, doc) in docs.into_iter().enumerate() {
            let mut d = TantivyDocument::default();
            let [title, headings, keywords, body] = scored;
            d.add_text(title, &doc.title);
            for h in &doc.headings {
                d.add_text(headings, h);
            }
            for k in &doc.keywords {
                d.add_text(keywords, k);
            }
            d.add_text(body, &doc.body);
            for v in &doc.facets {
                d.add_text(facets[&v.facet], &v.value);
            }
            d.add_u64(ord, i as u64);
            writer.add_document(d)?;
            listings.push(Listing::of(doc, &mut values));
        }
        writer.commit()?;
        let segments = index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;

        let searcher = index.reader()?.searcher();
        let mut by_id: Vec<Option<Listing>> = vec![None; listings.len()];
        let mut slots: Vec<Option<Listing>> = listings.into_iter().map(Some).collect();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64(ORD)?;
            for doc_id in 0..segment.max_doc() {
                let slot = column.first(doc_id).and_then(|o| slots.get_mut(o as usize)).and_then(Option::take);
                if let Some(cell) = by_id.get_mut(doc_id as usize) {
                    *cell = slot;
                }
            }
        }
        if searcher.segment_readers().len() > 1 || by_id.iter().any(Option::is_none) {
            return Err(SearchError::Layout);
        }
        Ok(Index { searcher, scored, facets, docs: by_id.into_iter().flatten().collect() })
    }

    /// The documents in tantivy's doc id order.
    pub fn docs(&self) -> &[Listing] {
        &self.docs
    }

    /// The analyzer every scored field uses; queries must go through it too.
    pub(super) fn analyzer(&self) -> Result<TextAnalyzer, SearchError> {
        self.searcher.index().tokenizers().get(ANALYZER).ok_or(SearchError::Analyzer)
    }
}

/// The analyzer of the scored fields (see [`ANALYZER`]).
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(CachedStemmer::new())
        .build()
}

/// The analyzer without its stemmer: the words as typed, for prefix matching.
pub(super) fn lowercase_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).build()
}

/// The tokens `analyzer` makes of `text`.
pub(super) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}
