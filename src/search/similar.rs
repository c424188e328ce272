//! Similar near misses, by content: each writeup's most telling words (by tf-idf, ties broken
//! by the word) are scored against every other writeup by BM25, as a search for them would
//! score it, so that the result is the same on every build. The words and the scores are read
//! from the index's postings, so no document's text is needed again.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, TermInfo};
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::termdict::TermOrdinal;
use tantivy::{DocId, DocSet, InvertedIndexReader, TERMINATED};

use super::index::{Index, SCORED};
use super::SearchError;

/// How many of a writeup's words make its query.
const QUERY_TERMS: usize = 25;
/// How many of the best-scored other writeups are looked at before the ties are broken.
const CANDIDATES: usize = 25;
/// Scores this close are a tie (they differ in the last digits of floating point only).
const SCORE_STEP: f32 = 0.01;

/// One of a writeup's words: its tf × idf × the field's boost, the field, and the word's place in
/// the field's dictionary (dictionaries are sorted, so a lower place is a smaller word).
#[derive(Debug, Clone, Copy)]
struct Word {
    weight: f32,
    field: usize,
    ord: TermOrdinal,
}

/// Worse words are greater: a lower weight, then a later field, then a later word. A heap of the
/// best words so far has the one to give up on top.
impl Ord for Word {
    fn cmp(&self, other: &Word) -> Ordering {
        other.weight.total_cmp(&self.weight).then(self.field.cmp(&other.field)).then(self.ord.cmp(&other.ord))
    }
}

impl PartialOrd for Word {
    fn partial_cmp(&self, other: &Word) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Word {
    fn eq(&self, other: &Word) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Word {}

/// The most documents a telling word may be in, however large the site.
const MAX_SHARED: u32 = 1_000;

/// Whether a word in `df` of `total` documents says what a document is like: one only a single
/// document has says nothing, and one that a tenth of a large site (or more than [`MAX_SHARED`]
/// documents) has says little about which few are alike, while its postings, the longest, are
/// what each query spends its time on: with the tenth alone, every query grew with the site.
fn telling(df: u32, total: usize) -> bool {
    df >= 2 && (total <= 100 || df as usize * 10 <= total && df <= MAX_SHARED)
}

impl Index {
    /// For each published writeup (by id), the ids of up to `n` other writeups whose content is
    /// most like it, most similar first: [`Index::similar_to`] of each.
    pub fn similar_writeups(
        &self,
        n: usize,
        shared: impl Fn(&str, &str) -> usize + Sync,
    ) -> Result<HashMap<String, Vec<String>>, SearchError> {
        let writeups: Vec<DocId> =
            (0..self.docs.len() as DocId).filter(|&d| self.docs[d as usize].kind == "writeup").collect();
        let mut fields = self.fields()?;
        let words = self.telling_words(&mut fields, &writeups)?;
        writeups
            .par_iter()
            .zip(words)
            .map_init(
                || Scores::new(self.docs.len()),
                |scores, (&doc, words)| {
                    let found = self.most_like(&fields, scores, doc, &words, n, &shared)?;
                    Ok((self.docs[doc as usize].key.clone(), found))
                },
            )
            .collect()
    }

    /// The ids of up to `n` other writeups whose content is most like that of the writeup `key`,
    /// most similar first (none if the index does not hold it). Equal scores go to the one sharing
    /// more patterns (`shared(a, b)`), then to the smaller id. Only what the index holds (what was
    /// published) can be listed.
    pub fn similar_to(
        &self,
        key: &str,
        n: usize,
        shared: impl Fn(&str, &str) -> usize,
    ) -> Result<Vec<String>, SearchError> {
        let Some(doc) = self.docs.iter().position(|d| d.kind == "writeup" && d.key == key) else {
            return Ok(Vec::new());
        };
        let doc = doc as DocId;
        let mut fields = self.fields()?;
        let words = self.telling_words(&mut fields, &[doc])?.pop().unwrap_or_default();
        self.most_like(&fields, &mut Scores::new(self.docs.len()), doc, &words, n, &shared)
    }

    /// The scored fields, in [`SCORED`] order (none for an empty index), with no telling words yet.
    fn fields(&self) -> Result<Vec<Scoring>, SearchError> {
        let Some(segment) = self.searcher.segment_readers().first() else { return Ok(Vec::new()) };
        let documents = u64::from(segment.max_doc());
        self.scored
            .iter()
            .zip(SCORED)
            .map(|(&field, scored)| {
                let inverted = segment.inverted_index(field)?;
                Ok(Scoring {
                    average_length: inverted.total_num_tokens() as f32 / documents.max(1) as f32,
                    inverted,
                    lengths: segment.get_fieldnorms_reader(field)?,
                    boost: scored.boost,
                    documents,
                    telling: Vec::new(),
                })
            })
            .collect()
    }

    /// The [`QUERY_TERMS`] words of highest tf × idf of each of `docs` (ascending doc ids), best
    /// first; only [`telling`] words count, and each field keeps where the postings of its
    /// telling words are.
    fn telling_words(&self, fields: &mut [Scoring], docs: &[DocId]) -> Result<Vec<Vec<Word>>, SearchError> {
        let total = self.docs.len();
        let mut slot: Vec<Option<usize>> = vec![None; self.docs.len()];
        for (i, &doc) in docs.iter().enumerate() {
            slot[doc as usize] = Some(i);
        }
        let mut best: Vec<BinaryHeap<Word>> = vec![BinaryHeap::with_capacity(QUERY_TERMS + 1); docs.len()];
        for (field, Scoring { inverted, telling: telling_terms, boost, .. }) in fields.iter_mut().enumerate() {
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let df = stream.value().doc_freq;
                if !telling(df, total) {
                    continue;
                }
                let idf = (total as f32 / df as f32).ln() + 1.0;
                let ord = stream.term_ord();
                telling_terms.push((ord, stream.value().clone()));
                let mut postings =
                    inverted.read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)?;
                let mut offer = |i: usize, tf: u32| {
                    let heap = &mut best[i];
                    heap.push(Word { weight: tf as f32 * idf * *boost, field, ord });
                    if heap.len() > QUERY_TERMS {
                        heap.pop();
                    }
                };
                if docs.len().saturating_mul(4) < df as usize {
                    // Few documents wanted (a page of `serve`): skip to each rather than read all.
                    for (i, &wanted) in docs.iter().enumerate() {
                        let at = if postings.doc() < wanted { postings.seek(wanted) } else { postings.doc() };
                        if at == TERMINATED {
                            break;
                        }
                        if at == wanted {
                            offer(i, postings.term_freq());
                        }
                    }
                    continue;
                }
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if let Some(i) = slot.get(doc as usize).copied().flatten() {
                        offer(i, postings.term_freq());
                    }
                    doc = postings.advance();
                }
            }
        }
        Ok(best.into_iter().map(BinaryHeap::into_sorted_vec).collect())
    }

    /// The writeups most like `doc`: each other writeup scored by BM25 (tantivy's, as a search
    /// for `words` would score it) over the postings of `words`, ties broken as
    /// [`Index::similar_to`] says.
    fn most_like(
        &self,
        fields: &[Scoring],
        scores: &mut Scores,
        doc: DocId,
        words: &[Word],
        n: usize,
        shared: &dyn Fn(&str, &str) -> usize,
    ) -> Result<Vec<String>, SearchError> {
        for word in words {
            let Some(scoring) = fields.get(word.field) else { continue };
            let Some(info) = scoring.telling_info(word.ord) else { continue };
            let weight = Bm25Weight::for_one_term_without_explain(
                u64::from(info.doc_freq),
                scoring.documents,
                scoring.average_length,
            )
            .boost_by(scoring.boost);
            let mut block = scoring.inverted.read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
            while !block.docs().is_empty() {
                for (&other, &tf) in block.docs().iter().zip(block.freqs()) {
                    scores.add(other, weight.score(scoring.lengths.fieldnorm_id(other), tf));
                }
                block.advance();
            }
        }
        let key = &self.docs[doc as usize].key;
        let candidates = scores.best(CANDIDATES, |other| {
            other != doc && self.docs.get(other as usize).is_some_and(|d| d.kind == "writeup")
        });
        let mut found: Vec<(i64, usize, &str)> = candidates
            .into_iter()
            .map(|(score, other)| {
                let other = &self.docs[other as usize].key;
                ((score / SCORE_STEP).round() as i64, shared(key, other), other.as_str())
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then_with(|| a.2.cmp(b.2)));
        Ok(found.into_iter().take(n).map(|(_, _, id)| id.to_string()).collect())
    }
}

/// What a scored field gives a similarity query: its words and their postings, its documents'
/// lengths and average length, its boost, and where its telling words' postings are.
struct Scoring {
    inverted: Arc<InvertedIndexReader>,
    lengths: FieldNormReader,
    average_length: f32,
    boost: f32,
    documents: u64,
    /// By the word's place in the dictionary, in that order.
    telling: Vec<(TermOrdinal, TermInfo)>,
}

impl Scoring {
    /// Where the postings of the telling word at `ord` are.
    fn telling_info(&self, ord: TermOrdinal) -> Option<&TermInfo> {
        let at = self.telling.binary_search_by_key(&ord, |(known, _)| *known).ok()?;
        Some(&self.telling[at].1)
    }
}

/// One query's score of every document, summed word by word, and which documents it reached;
/// kept between queries (a thread's), so that each does not allocate one per document.
struct Scores {
    score: Vec<f32>,
    reached: Vec<DocId>,
}

impl Scores {
    fn new(documents: usize) -> Scores {
        Scores { score: vec![0.0; documents], reached: Vec::new() }
    }

    /// Adds `score` (above zero, as every BM25 score is) to `doc`'s.
    fn add(&mut self, doc: DocId, score: f32) {
        let Some(slot) = self.score.get_mut(doc as usize) else { return };
        if *slot == 0.0 {
            self.reached.push(doc);
        }
        *slot += score;
    }

    /// The `k` best-scored documents that `keep` accepts (higher score, then lower doc id
    /// first), and every score back to zero for the next query.
    fn best(&mut self, k: usize, keep: impl Fn(DocId) -> bool) -> Vec<(f32, DocId)> {
        let mut reached: Vec<(f32, DocId)> = Vec::with_capacity(self.reached.len());
        for doc in self.reached.drain(..) {
            let score = std::mem::take(&mut self.score[doc as usize]);
            if keep(doc) {
                reached.push((score, doc));
            }
        }
        let order = |a: &(f32, DocId), b: &(f32, DocId)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if reached.len() > k {
            reached.select_nth_unstable_by(k, order);
            reached.truncate(k);
        }
        reached.sort_unstable_by(order);
        reached
    }
}

#[cfg(test)]
mod tests {
    use super::telling;
    use crate::search::document::SearchDoc;
    use crate::search::{Index, Store};

    #[test]
    fn a_telling_word_is_shared_by_a_few_documents_however_large_the_site() {
        assert!(!telling(1, 50), "one document's own word");
        assert!(telling(40, 100), "a small site keeps every shared word");
        assert!(telling(100, 1_000) && !telling(101, 1_000), "at most a tenth");
        assert!(telling(1_000, 10_000) && !telling(1_001, 10_000));
        assert!(!telling(1_001, 100_000), "at most a thousand, where a tenth would be 10,000");
        assert!(telling(1_000, 100_000));
    }

    fn doc(key: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc::plain(key, title, body)
    }

    #[test]
    fn the_closest_content_comes_first_and_ties_go_to_shared_patterns() {
        let index = Index::build(
            vec![
                doc("A", "Backup restore failed", "The nightly backup restore failed on the encryption key."),
                doc("B", "Restore test", "A backup restore test found the encryption key missing."),
                doc("C", "Certificate expiry", "A certificate nearly expired on the load balancer."),
                doc("D", "Certificate renewal", "Certificate renewal nearly failed on the load balancer."),
                doc("E", "Certificate renewal", "Certificate renewal nearly failed on the load balancer."),
            ],
            Store::Memory,
        )
        .unwrap();
        let shared = |a: &str, b: &str| usize::from((a, b) == ("C", "E"));
        let similar = index.similar_writeups(5, shared).unwrap();
        assert_eq!(similar["A"][0], "B");
        assert!(!similar["A"].contains(&"A".to_string()));
        // D and E read the same to C: the one sharing a pattern with C wins the tie.
        assert_eq!(similar["C"][..2], ["E".to_string(), "D".to_string()]);
        let again = index.similar_writeups(5, shared).unwrap();
        assert_eq!(similar, again);
        // One writeup's, found on its own, is what the whole site's run finds for it.
        for (key, found) in &similar {
            assert_eq!(&index.similar_to(key, 5, shared).unwrap(), found, "{key}");
        }
        assert!(index.similar_to("no such writeup", 5, shared).unwrap().is_empty());
    }

    #[test]
    fn one_writeup_found_alone_matches_the_whole_site_run_on_a_larger_index() {
        // Over 100 documents, so that the words of a tenth of the site are left out, and some
        // words common enough that one writeup's words are skipped to rather than read.
        let vocabulary: Vec<String> = (0..400).map(|i| format!("word{i}")).collect();
        let mut state = 7u64;
        let mut next = move |n: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        let docs: Vec<SearchDoc> = (0..160)
            .map(|i| {
                let body: Vec<&str> = (0..40).map(|_| vocabulary[next(20) * next(20)].as_str()).collect();
                let title = format!("{} {}", vocabulary[next(400)], vocabulary[next(400)]);
                doc(&format!("W-{i:03}"), &title, &body.join(" "))
            })
            .collect();
        let index = Index::build(docs, Store::Memory).unwrap();
        let shared = |a: &str, b: &str| a.len().abs_diff(b.len());
        let similar = index.similar_writeups(5, shared).unwrap();
        assert_eq!(similar.len(), 160);
        assert!(similar.values().filter(|found| found.len() == 5).count() > 80);
        for (key, found) in &similar {
            assert_eq!(&index.similar_to(key, 5, shared).unwrap(), found, "{key}");
        }
    }
}
