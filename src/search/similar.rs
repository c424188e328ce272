//! Similar near misses, by content: each writeup's most telling words (by tf-idf, ties broken
//! by the word) become one query on the index, so that the result is the same on every build.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;

use super::document::SearchDoc;
use super::index::{tokens, Index, SCORED};
use super::SearchError;

/// How many of a writeup's words make its query.
const QUERY_TERMS: usize = 25;
/// How many results of a query are looked at before the ties are broken.
const CANDIDATES: usize = 25;
/// Scores this close are a tie (they differ in the last digits of floating point only).
const SCORE_STEP: f32 = 0.01;

impl Index {
    /// For each published writeup (by id), the ids of up to `n` other writeups whose content is
    /// most like it, most similar first: [`Index::similar_to`] of each.
    pub fn similar_writeups(
        &self,
        n: usize,
        shared: impl Fn(&str, &str) -> usize + Sync,
    ) -> Result<HashMap<String, Vec<String>>, SearchError> {
        let analyzer = self.analyzer()?;
        // Each writeup's words are found where its query is made, not all collected first: a
        // large site's words, one string each, would outweigh the index.
        self.docs
            .par_iter()
            .filter(|d| d.kind == "writeup")
            .map_init(
                || analyzer.clone(),
                |analyzer, doc| Ok((doc.key.clone(), self.most_like(analyzer, doc, n, &shared)?)),
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
        match self.docs.iter().find(|d| d.kind == "writeup" && d.key == key) {
            Some(doc) => self.most_like(&mut self.analyzer()?, doc, n, &shared),
            None => Ok(Vec::new()),
        }
    }

    /// What [`Index::similar_to`] finds for `doc`, with `analyzer` (of the index) making its words.
    fn most_like(
        &self,
        analyzer: &mut TextAnalyzer,
        doc: &SearchDoc,
        n: usize,
        shared: &dyn Fn(&str, &str) -> usize,
    ) -> Result<Vec<String>, SearchError> {
        let texts: [Vec<&str>; 4] = [
            vec![doc.title.as_str()],
            doc.headings.iter().map(String::as_str).collect(),
            doc.keywords.iter().map(String::as_str).collect(),
            vec![doc.body.as_str()],
        ];
        let mut words = Vec::new();
        for (field, parts) in texts.iter().enumerate() {
            for part in parts {
                words.extend(tokens(analyzer, part).into_iter().map(|t| (field as u32, t)));
            }
        }
        let query = self.query_for(&words, self.docs.len().max(1) as f32)?;
        let top = self.searcher.search(&query, &TopDocs::with_limit(CANDIDATES))?;
        let mut found: Vec<(i64, usize, &str)> = top
            .into_iter()
            .filter_map(|(score, address)| {
                let other = self.docs.get(address.doc_id as usize)?;
                (other.kind == "writeup" && other.key != doc.key).then(|| {
                    let step = (score / SCORE_STEP).round() as i64;
                    (step, shared(&doc.key, &other.key), other.key.as_str())
                })
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then_with(|| a.2.cmp(b.2)));
        Ok(found.into_iter().take(n).map(|(_, _, id)| id.to_string()).collect())
    }

    /// The writeup's [`QUERY_TERMS`] words of highest tf × idf, each as a `should` clause with
    /// its field's boost, in a fixed order.
    fn query_for(&self, words: &[(u32, String)], total: f32) -> Result<BooleanQuery, SearchError> {
        let mut tf: BTreeMap<(u32, &str), usize> = BTreeMap::new();
        for (field, word) in words {
            *tf.entry((*field, word.as_str())).or_default() += 1;
        }
        let mut scored: Vec<(f32, u32, &str)> = Vec::with_capacity(tf.len());
        for ((field, word), count) in tf {
            let term = Term::from_field_text(self.scored[field as usize], word);
            let df = self.searcher.doc_freq(&term)?;
            // A word only this writeup has says nothing about what it is like, and one that a
            // tenth of a large site has says little while costing the most to look up.
            if df < 2 || (total > 100.0 && df as f32 > total / 10.0) {
                continue;
            }
            let idf = (total / df as f32).ln() + 1.0;
            scored.push((count as f32 * idf * SCORED[field as usize].boost, field, word));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.cmp(b.2)));
        let clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = scored
            .into_iter()
            .take(QUERY_TERMS)
            .map(|(_, field, word)| {
                let term = Term::from_field_text(self.scored[field as usize], word);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                let boosted: Box<dyn TantivyQuery> =
                    Box::new(BoostQuery::new(Box::new(query), SCORED[field as usize].boost));
                (Occur::Should, boosted)
            })
            .collect();
        Ok(BooleanQuery::new(clauses))
    }
}

#[cfg(test)]
mod tests {
    use crate::search::document::SearchDoc;
    use crate::search::Index;

    fn doc(key: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc::plain(key, title, body)
    }

    #[test]
    fn the_closest_content_comes_first_and_ties_go_to_shared_patterns() {
        let index = Index::build(vec![
            doc("A", "Backup restore failed", "The nightly backup restore failed on the encryption key."),
            doc("B", "Restore test", "A backup restore test found the encryption key missing."),
            doc("C", "Certificate expiry", "A certificate nearly expired on the load balancer."),
            doc("D", "Certificate renewal", "Certificate renewal nearly failed on the load balancer."),
            doc("E", "Certificate renewal", "Certificate renewal nearly failed on the load balancer."),
        ])
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
}
