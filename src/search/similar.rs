//! Similar near misses, by content: each writeup's most telling words (by tf-idf, ties broken
//! by the word) become one query on the index, so that the result is the same on every build.
//! The words are read from the index's postings, so no document's text is needed again.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::postings::Postings;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::termdict::TermOrdinal;
use tantivy::{DocId, DocSet, InvertedIndexReader, Term, TERMINATED};

use super::index::{Index, SCORED};
use super::SearchError;

/// How many of a writeup's words make its query.
const QUERY_TERMS: usize = 25;
/// How many results of a query are looked at before the ties are broken.
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
        let fields = self.dictionaries()?;
        let words = self.telling_words(&fields, &writeups)?;
        writeups
            .par_iter()
            .zip(words)
            .map(|(&doc, words)| {
                Ok((self.docs[doc as usize].key.clone(), self.most_like(&fields, doc, &words, n, &shared)?))
            })
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
        let fields = self.dictionaries()?;
        let words = self.telling_words(&fields, &[doc])?.pop().unwrap_or_default();
        self.most_like(&fields, doc, &words, n, &shared)
    }

    /// Each scored field's inverted index, in [`SCORED`] order (none for an empty index).
    fn dictionaries(&self) -> Result<Vec<Arc<InvertedIndexReader>>, SearchError> {
        match self.searcher.segment_readers().first() {
            Some(segment) => Ok(self.scored.iter().map(|f| segment.inverted_index(*f)).collect::<Result<_, _>>()?),
            None => Ok(Vec::new()),
        }
    }

    /// The [`QUERY_TERMS`] words of highest tf × idf of each of `docs` (ascending doc ids), best
    /// first; only [`telling`] words count. `fields` are [`Index::dictionaries`].
    fn telling_words(
        &self,
        fields: &[Arc<InvertedIndexReader>],
        docs: &[DocId],
    ) -> Result<Vec<Vec<Word>>, SearchError> {
        let total = self.docs.len();
        let mut slot: Vec<Option<usize>> = vec![None; self.docs.len()];
        for (i, &doc) in docs.iter().enumerate() {
            slot[doc as usize] = Some(i);
        }
        let mut best: Vec<BinaryHeap<Word>> = vec![BinaryHeap::with_capacity(QUERY_TERMS + 1); docs.len()];
        for (field, inverted) in fields.iter().enumerate() {
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let df = stream.value().doc_freq;
                if !telling(df, total) {
                    continue;
                }
                let idf = (total as f32 / df as f32).ln() + 1.0;
                let ord = stream.term_ord();
                let mut postings =
                    inverted.read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)?;
                let mut offer = |i: usize, tf: u32| {
                    let heap = &mut best[i];
                    heap.push(Word { weight: tf as f32 * idf * SCORED[field].boost, field, ord });
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

    /// The writeups most like `doc` by a query of its `words`, ties broken as
    /// [`Index::similar_to`] says.
    fn most_like(
        &self,
        fields: &[Arc<InvertedIndexReader>],
        doc: DocId,
        words: &[Word],
        n: usize,
        shared: &dyn Fn(&str, &str) -> usize,
    ) -> Result<Vec<String>, SearchError> {
        let key = &self.docs[doc as usize].key;
        let mut bytes = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::with_capacity(words.len());
        for word in words {
            let (Some(inverted), Some(scored)) = (fields.get(word.field), SCORED.get(word.field)) else { continue };
            if !inverted.terms().ord_to_term(word.ord, &mut bytes)? {
                continue;
            }
            let term = Term::from_field_text(self.scored[word.field], &String::from_utf8_lossy(&bytes));
            let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), scored.boost))));
        }
        let top = self.searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(CANDIDATES))?;
        let mut found: Vec<(i64, usize, &str)> = top
            .into_iter()
            .filter_map(|(score, address)| {
                let other = self.docs.get(address.doc_id as usize)?;
                (other.kind == "writeup" && other.key != *key).then(|| {
                    let step = (score / SCORE_STEP).round() as i64;
                    (step, shared(key, &other.key), other.key.as_str())
                })
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then_with(|| a.2.cmp(b.2)));
        Ok(found.into_iter().take(n).map(|(_, _, id)| id.to_string()).collect())
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
