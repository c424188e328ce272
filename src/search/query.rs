//! The query language shared with the browser client, and its execution on the tantivy index.
//!
//! Words must all match (in any scored field); `"quoted words"` must match as a phrase; in
//! prefix mode the last word, while still being typed, also matches the indexed words it begins.
//! Each word or phrase scores, per field, BM25 times the field's boost; the scores add up.

use std::collections::BTreeMap;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::document::{Facet, Listing};
use super::index::{lowercase_analyzer, tokens, Index, SCORED};
use super::SearchError;

/// A word being typed matches indexed words it begins only from this many characters on.
pub const PREFIX_MIN_CHARS: usize = 3;
/// At most this many indexed words stand in for a word being typed.
pub const PREFIX_MAX_TERMS: usize = 32;

/// The endings a word being typed may still be given, to find the stems it could become: a
/// typed word that ends partway into one (`certifica` into `-ication`) is completed with the
/// rest (`certification`, stem `certif`). The inflections and derivations the English stemmer
/// removes, so that a prefix longer than its word's stem still finds the word. The browser
/// client reads this list from the bundle's manifest.
pub const COMPLETIONS: &[&str] = &[
    "s",
    "es",
    "ed",
    "ing",
    "ings",
    "e",
    "er",
    "ers",
    "ly",
    "y",
    "ies",
    "ied",
    "al",
    "ally",
    "ation",
    "ations",
    "ational",
    "ication",
    "ications",
    "ate",
    "ates",
    "ated",
    "ating",
    "ator",
    "ators",
    "ity",
    "ities",
    "ability",
    "abilities",
    "ibility",
    "ment",
    "ments",
    "ement",
    "ness",
    "ful",
    "fully",
    "ous",
    "ously",
    "ive",
    "ively",
    "ize",
    "izes",
    "ized",
    "izing",
    "ization",
    "ise",
    "ised",
    "ising",
    "isation",
    "ism",
    "ist",
    "ists",
    "ance",
    "ances",
    "ence",
    "ences",
    "ent",
    "ant",
    "able",
    "ible",
    "ic",
    "ical",
    "ically",
    "ion",
    "ions",
];

/// Every word `typed` could still become by finishing one of the [`COMPLETIONS`]: for each
/// ending and each way `typed` may already end with its start, `typed` plus the rest of it.
pub fn completions(typed: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ending in COMPLETIONS {
        for (cut, _) in ending.char_indices() {
            if typed.ends_with(&ending[..cut]) {
                let word = format!("{typed}{}", &ending[cut..]);
                if !out.contains(&word) {
                    out.push(word);
                }
            }
        }
    }
    out
}

/// One part of a query that every result must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A stemmed word.
    Term(String),
    /// Stemmed words in a row.
    Phrase(Vec<String>),
    /// A word still being typed: lower-cased as typed, and stemmed.
    Prefix { typed: String, stem: String },
}

/// A parsed query with its facet filters: values of one facet are alternatives, facets all apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub clauses: Vec<Clause>,
    pub filters: BTreeMap<Facet, Vec<String>>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<'a> {
    pub doc_id: u32,
    pub score: f32,
    pub doc: &'a Listing,
}

/// The results of a query: how many matched, and the best ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Results<'a> {
    pub total: usize,
    pub hits: Vec<Hit<'a>>,
}

impl Index {
    /// Parses `text`; with `prefix`, a last word not followed by a space or quote is a prefix.
    pub fn parse(&self, text: &str, prefix: bool) -> Result<Query, SearchError> {
        let mut stem = self.analyzer()?;
        let mut lower = lowercase_analyzer();
        let mut clauses: Vec<Clause> = Vec::new();
        let segments = split_quotes(text);
        let open_end = prefix && text.chars().last().is_some_and(char::is_alphanumeric);
        for (i, (segment, quoted)) in segments.iter().enumerate() {
            if *quoted {
                let words = tokens(&mut stem, segment);
                match words.len() {
                    0 => {}
                    1 => clauses.extend(words.into_iter().map(Clause::Term)),
                    _ => clauses.push(Clause::Phrase(words)),
                }
                continue;
            }
            // The analyzers differ only in stemming, so their tokens pair up one to one.
            let typed = tokens(&mut lower, segment);
            let stems = tokens(&mut stem, segment);
            let last = typed.len().saturating_sub(1);
            let typing = open_end && i + 1 == segments.len();
            for (j, (word, stemmed)) in typed.into_iter().zip(stems).enumerate() {
                if typing && j == last && word.chars().count() >= PREFIX_MIN_CHARS {
                    clauses.push(Clause::Prefix { typed: word, stem: stemmed });
                } else {
                    clauses.push(Clause::Term(stemmed));
                }
            }
        }
        let mut unique: Vec<Clause> = Vec::with_capacity(clauses.len());
        for c in clauses {
            if !unique.contains(&c) {
                unique.push(c);
            }
        }
        Ok(Query { clauses: unique, filters: BTreeMap::new() })
    }

    /// The `limit` best documents for `query`, best first; ties go to the lower doc id.
    pub fn search(&self, query: &Query, limit: usize) -> Result<Results<'_>, SearchError> {
        if query.clauses.is_empty() || limit == 0 {
            return Ok(Results { total: 0, hits: Vec::new() });
        }
        let mut must: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for clause in &query.clauses {
            must.push((Occur::Must, Box::new(self.clause_query(clause)?)));
        }
        for (facet, values) in &query.filters {
            let field = self.facets[facet];
            let any: Vec<(Occur, Box<dyn TantivyQuery>)> = values
                .iter()
                .map(|v| -> (Occur, Box<dyn TantivyQuery>) {
                    (Occur::Should, Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)))
                })
                .collect();
            // A filter narrows the results without changing their scores.
            must.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))));
        }
        let (top, total) = self.searcher.search(&BooleanQuery::new(must), &(TopDocs::with_limit(limit), Count))?;
        let hits = top
            .into_iter()
            .filter_map(|(score, address)| {
                let doc = self.docs.get(address.doc_id as usize)?;
                Some(Hit { doc_id: address.doc_id, score, doc })
            })
            .collect();
        Ok(Results { total, hits })
    }

    /// A clause as a sum over the scored fields of BM25 times the field's boost.
    fn clause_query(&self, clause: &Clause) -> Result<BooleanQuery, SearchError> {
        let mut should: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let mut add = |boost: f32, query: Box<dyn TantivyQuery>| {
            should.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
        };
        let term_query = |field: Field, word: &str| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs))
        };
        match clause {
            Clause::Term(word) => {
                for (field, s) in self.scored.iter().zip(SCORED) {
                    add(s.boost, term_query(*field, word));
                }
            }
            Clause::Phrase(words) => {
                for (field, s) in self.scored.iter().zip(SCORED) {
                    let terms = words.iter().map(|w| Term::from_field_text(*field, w)).collect();
                    add(s.boost, Box::new(PhraseQuery::new(terms)));
                }
            }
            Clause::Prefix { typed, stem } => {
                for word in self.expand(typed, stem)? {
                    for (field, s) in self.scored.iter().zip(SCORED) {
                        add(s.boost, term_query(*field, &word));
                    }
                }
            }
        }
        Ok(BooleanQuery::new(should))
    }

    /// The indexed words a word being typed stands for: its stem when indexed, then the words
    /// beginning with it and the stems of its [`completions`], most frequent first (documents
    /// summed over the fields), then in byte order.
    pub fn expand(&self, typed: &str, stem: &str) -> Result<Vec<String>, SearchError> {
        let mut analyzer = self.analyzer()?;
        let mut stems: Vec<String> = Vec::new();
        for word in completions(typed) {
            for s in tokens(&mut analyzer, &word) {
                if !stems.contains(&s) {
                    stems.push(s);
                }
            }
        }
        let mut freq: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mut stem_indexed = false;
        for segment in self.searcher.segment_readers() {
            for field in &self.scored {
                let inverted = segment.inverted_index(*field)?;
                let dict = inverted.terms();
                stem_indexed |= dict.get(stem.as_bytes())?.is_some();
                for s in stems.iter().filter(|s| !s.starts_with(typed)) {
                    if let Some(info) = dict.get(s.as_bytes())? {
                        *freq.entry(s.as_bytes().to_vec()).or_default() += u64::from(info.doc_freq);
                    }
                }
                let mut stream = dict.range().ge(typed.as_bytes()).into_stream()?;
                while stream.advance() {
                    if !stream.key().starts_with(typed.as_bytes()) {
                        break;
                    }
                    *freq.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut words: Vec<(Vec<u8>, u64)> = freq.into_iter().filter(|(w, _)| w != stem.as_bytes()).collect();
        words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut out: Vec<String> = Vec::with_capacity(PREFIX_MAX_TERMS);
        if stem_indexed {
            out.push(stem.to_string());
        }
        out.extend(words.into_iter().map(|(w, _)| String::from_utf8_lossy(&w).into_owned()));
        out.truncate(PREFIX_MAX_TERMS);
        Ok(out)
    }
}

/// The query text cut at double quotes: (text, inside quotes); an unclosed quote runs to the end.
fn split_quotes(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (i, part) in text.split('"').enumerate() {
        if !part.is_empty() {
            out.push((part.to_string(), i % 2 == 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::document::{FacetValue, SearchDoc};
    use crate::search::Store;

    fn doc(key: &str, title: &str, body: &str) -> SearchDoc {
        let high = FacetValue { facet: Facet::Severity, value: "high".into(), label: "High".into() };
        SearchDoc { facets: vec![high], ..SearchDoc::plain(key, title, body) }
    }

    fn index() -> Index {
        Index::build(
            vec![
                doc("a", "Firewall rules drifted", "The firewall change review caught it."),
                doc("b", "Certificates expiring", "A change to the firewall was reviewed late."),
                doc("c", "Backups", "Restores were never tested."),
            ],
            Store::Memory,
        )
        .unwrap()
    }

    #[test]
    fn parsing_stems_words_keeps_phrases_and_marks_the_word_being_typed() {
        let idx = index();
        let q = idx.parse(r#"Firewalls "change review" firewall revi"#, true).unwrap();
        assert_eq!(
            q.clauses,
            [
                Clause::Term("firewal".into()),
                Clause::Phrase(vec!["chang".into(), "review".into()]),
                Clause::Prefix { typed: "revi".into(), stem: "revi".into() },
            ]
        );
        let done = idx.parse("firewall revi ", true).unwrap();
        assert_eq!(done.clauses[1], Clause::Term("revi".into()));
        assert_eq!(idx.parse("firewall re", true).unwrap().clauses[1], Clause::Term("re".into()));
    }

    #[test]
    fn a_prefix_stands_for_its_stem_then_the_most_frequent_words() {
        let idx = index();
        assert_eq!(idx.expand("revi", "revi").unwrap(), ["review"]);
        assert_eq!(idx.expand("firewall", "firewal").unwrap(), ["firewal"]);
        let results = idx.search(&idx.parse("firewall revi", true).unwrap(), 10).unwrap();
        let keys: Vec<&str> = results.hits.iter().map(|h| h.doc.key.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
    }

    #[test]
    fn a_prefix_longer_than_its_stem_finds_the_words_it_could_become() {
        let idx = index();
        // "certificates" is indexed as "certif": "certifica" is longer than the stem.
        assert_eq!(idx.expand("certifica", "certifica").unwrap(), ["certif"]);
        let whole = idx.search(&idx.parse("certificates", false).unwrap(), 10).unwrap();
        for typed in ["cer", "cert", "certi", "certif", "certifi", "certific", "certifica", "certificat"] {
            let part = idx.search(&idx.parse(typed, true).unwrap(), 10).unwrap();
            assert_eq!(part.hits.len(), whole.hits.len(), "{typed}");
        }
        assert!(completions("monitori").contains(&"monitoring".to_string()));
        assert!(completions("deploym").contains(&"deployment".to_string()));
    }

    #[test]
    fn every_clause_must_match_and_filters_keep_scores() {
        let idx = index();
        let phrase = idx.search(&idx.parse(r#""change review""#, false).unwrap(), 10).unwrap();
        assert_eq!(phrase.total, 1);
        let mut q = idx.parse("firewall", false).unwrap();
        let plain = idx.search(&q, 10).unwrap();
        q.filters.insert(Facet::Severity, vec!["high".into()]);
        let filtered = idx.search(&q, 10).unwrap();
        assert_eq!(plain.hits, filtered.hits);
        q.filters.insert(Facet::Severity, vec!["low".into()]);
        assert_eq!(idx.search(&q, 10).unwrap().total, 0);
        assert_eq!(idx.search(&idx.parse("firewall backups", false).unwrap(), 10).unwrap().total, 0);
    }

    #[test]
    fn an_empty_index_exports_a_usable_bundle() {
        let idx = Index::build(Vec::new(), Store::Memory).unwrap();
        assert_eq!(idx.search(&idx.parse("anything", false).unwrap(), 10).unwrap().total, 0);
        let bundle = crate::search::export(&idx).unwrap();
        assert!(bundle.files.contains_key("search/index.json"));
        let opening = &bundle.opening;
        for file in opening.always.iter().chain([&opening.facets]) {
            assert!(bundle.files.contains_key(file), "{file} is opened but not in the bundle");
        }
    }

    #[test]
    fn quotes_split_the_query() {
        assert_eq!(
            split_quotes(r#"disk "change review" full "open"#),
            [
                ("disk ".to_string(), false),
                ("change review".to_string(), true),
                (" full ".to_string(), false),
                ("open".to_string(), true)
            ]
        );
    }
}
