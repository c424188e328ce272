//! The tantivy index of the published pages: schema, analyzers and the build.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{ReloadPolicy, Searcher, TantivyDocument};

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

/// Field holding a document's position in [`Index::docs`]: what segments are merged in order of.
const ORD: &str = "ord";

/// Memory tantivy may use while indexing before it writes a segment; the segments are merged into
/// one after. A larger arena saves that merge but holds its whole size at the build's peak.
const WRITER_MEMORY: usize = 50_000_000;

/// How much text may wait for the writer before the documents sent are indexed (a commit): the
/// writer queues up to 10,000 documents, which for long ones would be most of a build's memory.
const QUEUED_TEXT: usize = 16_000_000;

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
    /// Tantivy's doc ids follow the order of `docs`, however many segments the writer made.
    pub fn build(docs: impl IntoIterator<Item = SearchDoc>, store: Store<'_>) -> Result<Index, SearchError> {
        Index::build_queuing(docs, store, QUEUED_TEXT)
    }

    /// [`Index::build`], with at most `queued` bytes of text waiting for the writer.
    fn build_queuing(
        docs: impl IntoIterator<Item = SearchDoc>,
        store: Store<'_>,
        queued_text: usize,
    ) -> Result<Index, SearchError> {
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
        // Merged once, below, in order: a merge in the background would order them by timing.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let mut listings = Vec::new();
        let mut values = HashSet::new();
        let mut queued = 0;
        for (i, doc) in docs.into_iter().enumerate() {
            queued += doc.text_len();
            if queued > queued_text {
                writer.commit()?;
                queued = doc.text_len();
            }
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
        let segments = in_added_order(&reader(&index)?.searcher())?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;

        let searcher = reader(&index)?.searcher();
        // One segment whose doc ids are the documents' places, so `listings` is in doc id order.
        let in_order = match searcher.segment_readers() {
            [] => listings.is_empty(),
            [segment] => {
                let column = segment.fast_fields().u64(ORD)?;
                segment.max_doc() as usize == listings.len()
                    && (0..segment.max_doc()).all(|d| column.first(d) == Some(u64::from(d)))
            }
            _ => false,
        };
        if !in_order {
            return Err(SearchError::Layout);
        }
        Ok(Index { searcher, scored, facets, docs: listings })
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

/// A reader of what `index` has committed, reloaded by nothing (an index is built once).
fn reader(index: &tantivy::Index) -> Result<tantivy::IndexReader, SearchError> {
    Ok(index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?)
}

/// The segments in the order their documents were added (each holds a run of consecutive
/// [`ORD`] values), so that merged in this order, tantivy's doc ids follow the documents' order:
/// the bundle and the similar near misses do not depend on where the writer cut segments, nor
/// on the order tantivy lists them in (by size, ties in no set order).
fn in_added_order(searcher: &Searcher) -> Result<Vec<SegmentId>, SearchError> {
    let mut firsts = Vec::new();
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().u64(ORD)?;
        firsts.push((column.first(0).unwrap_or(u64::MAX), segment.segment_id()));
    }
    firsts.sort_by_key(|(first, _)| *first);
    Ok(firsts.into_iter().map(|(_, id)| id).collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_built_in_many_commits_is_the_one_built_in_one() {
        let docs = || SearchDoc::numbered(40);
        let whole = Index::build(docs(), Store::Memory).unwrap();
        // A commit about every other document: twenty segments, merged in order.
        let queued = Index::build_queuing(docs(), Store::Memory, 150).unwrap();
        assert_eq!(queued.docs(), whole.docs());
        assert_eq!(crate::search::export(&queued).unwrap().files, crate::search::export(&whole).unwrap().files);
    }

    #[test]
    fn segments_are_merged_in_the_order_their_documents_came_in() {
        let mut schema = Schema::builder();
        let ord = schema.add_u64_field(ORD, INDEXED | FAST);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        // Two segments, the later one the larger, which tantivy lists first.
        for batch in [0..2u64, 2..9] {
            for i in batch {
                let mut doc = TantivyDocument::default();
                doc.add_u64(ord, i);
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = reader(&index).unwrap().searcher();
        let size =
            |id: &SegmentId| searcher.segment_readers().iter().find(|s| s.segment_id() == *id).unwrap().max_doc();
        let listed: Vec<u32> = index.searchable_segment_ids().unwrap().iter().map(size).collect();
        assert_eq!(listed, [7, 2]);
        let ordered = in_added_order(&searcher).unwrap();
        assert_eq!(ordered.iter().map(size).collect::<Vec<_>>(), [2, 7]);

        writer.merge(&ordered).wait().unwrap();
        let merged = reader(&index).unwrap().searcher();
        let [segment] = merged.segment_readers() else { panic!("not merged into one segment") };
        let column = segment.fast_fields().u64(ORD).unwrap();
        let ords: Vec<u64> = (0..segment.max_doc()).filter_map(|d| column.first(d)).collect();
        assert_eq!(ords, (0..9).collect::<Vec<_>>());
    }
}
