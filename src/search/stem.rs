//! English (Porter2) stemming with a cache of the stems already made: prose repeats its words,
//! and looking a stem up costs a fraction of making it. The stems are the ones tantivy's
//! `Stemmer` makes (the same `rust-stemmers` algorithm), so the index and the browser client agree.

use std::sync::{Arc, Mutex, PoisonError};

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap as HashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// At most this many words keep their stem (a few megabytes); past it, words are stemmed each
/// time, so memory stays bounded on a corpus of any vocabulary.
const CAPACITY: usize = 100_000;

/// A token filter that replaces each token by its English stem, from a cache shared by every
/// copy of the analyzer.
#[derive(Clone)]
pub(super) struct CachedStemmer {
    cache: Arc<Mutex<Cache>>,
}

struct Cache {
    stemmer: Stemmer,
    stems: HashMap<String, Box<str>>,
}

impl CachedStemmer {
    pub(super) fn new() -> CachedStemmer {
        let cache = Cache { stemmer: Stemmer::create(Algorithm::English), stems: HashMap::default() };
        CachedStemmer { cache: Arc::new(Mutex::new(cache)) }
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { cache: self.cache, inner: tokenizer }
    }
}

#[derive(Clone)]
pub(super) struct CachedStemmerFilter<T> {
    cache: Arc<Mutex<Cache>>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream { tail: self.inner.token_stream(text), cache: &self.cache }
    }
}

pub(super) struct CachedStemmerStream<'a, T> {
    tail: T,
    cache: &'a Mutex<Cache>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Locked a token at a time, so that threads tokenizing at once (the similar near
        // misses) take turns per word, and a stream made while another is open cannot wait on
        // it; the cache holds no invariant a panic could break.
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(stem) = cache.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem: Box<str> = cache.stemmer.stem(&token.text).into();
        if cache.stems.len() < CAPACITY {
            cache.stems.insert(token.text.clone(), stem.clone());
        }
        token.text.clear();
        token.text.push_str(&stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TextAnalyzer;
    use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer as TantivyStemmer};

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn the_same_tokens_as_tantivys_stemmer_the_second_time_too() {
        let base =
            || TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser);
        let mut tantivy = base().filter(TantivyStemmer::new(Language::English)).build();
        let mut cached = base().filter(CachedStemmer::new()).build();
        let text = "The firewall rules were misconfigured; reviewers caught the misconfiguration \
                    before deploying. Généralement, running runs ran: certifications, certified, \
                    generously, skies, dying, news, Ärger, 42 x86_64 connectivity";
        let expected = tokens(&mut tantivy, text);
        assert!(expected.iter().any(|(t, ..)| t == "misconfigur"), "{expected:?}");
        assert_eq!(tokens(&mut cached, text), expected);
        // Now from the cache, and through a copy of the analyzer, which shares it.
        assert_eq!(tokens(&mut cached.clone(), text), expected);
    }

    #[test]
    fn two_streams_open_at_once_share_the_cache() {
        let mut a = TextAnalyzer::builder(SimpleTokenizer::default()).filter(CachedStemmer::new()).build();
        let mut b = a.clone();
        let mut first = a.token_stream("running reviews");
        let mut second = b.token_stream("running reviews");
        let mut stems = Vec::new();
        while first.advance() && second.advance() {
            stems.push((first.token().text.clone(), second.token().text.clone()));
        }
        let same = |s: &str| (s.to_string(), s.to_string());
        assert_eq!(stems, [same("run"), same("review")]);
    }

    #[test]
    fn past_its_capacity_the_cache_stops_growing_and_stems_stay_right() {
        let stemmer = CachedStemmer::new();
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default()).filter(stemmer.clone()).build();
        let words: Vec<String> = (0..CAPACITY + 10).map(|i| format!("talk{i}ing")).collect();
        let stems = tokens(&mut analyzer, &words.join(" "));
        let english = Stemmer::create(Algorithm::English);
        assert_eq!(stems.len(), words.len());
        assert!(stems.iter().zip(&words).all(|(s, w)| s.0 == english.stem(w)));
        assert_eq!(stems.last().map(|t| t.0.as_str()), Some(format!("talk{}", CAPACITY + 9).as_str()));
        assert_eq!(stemmer.cache.lock().unwrap().stems.len(), CAPACITY);
    }
}
