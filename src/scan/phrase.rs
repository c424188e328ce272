//! Whole-word, ASCII case-insensitive phrase matching that lets any white space (a wrapped
//! line, two spaces) stand between the words of a phrase.
//!
//! The text's [`Words`] (found once per scan) are looked up by their hash, after a one-bit
//! filter that rejects most of them; the phrases that start with a word are checked in place.

use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::ops::Range;

use super::text::{char_at, char_before, is_word, word_hash, HashFilter, Words};

/// A phrase: its words (the first with any leading punctuation) and what it means.
struct Phrase<T> {
    words: Vec<String>,
    /// Bytes of the first word before its first word character ("@" of "@dave").
    lead: usize,
    tag: T,
}

/// A set of phrases, each with a tag saying what it means.
pub(super) struct PhraseSet<T> {
    /// Phrases by the [`word_hash`] of the first word run of their first word ("didn" for
    /// "didn't"), longest phrase first.
    by_hash: HashMap<u64, Vec<Phrase<T>>>,
    /// The key hashes: most words start no phrase, and say so at once.
    filter: HashFilter,
    /// Also accept the plural possessive "Daves'" for "Dave".
    plural_possessive: bool,
}

impl<T: Copy> PhraseSet<T> {
    /// The set of `phrases`; `None` when there is no phrase to look for. A phrase written with a
    /// straight apostrophe also matches a curly one.
    pub(super) fn new<S: AsRef<str>>(
        phrases: impl IntoIterator<Item = (S, T)>,
        plural_possessive: bool,
    ) -> Option<PhraseSet<T>> {
        let mut by_hash: HashMap<u64, Vec<Phrase<T>>> = HashMap::default();
        for (phrase, tag) in phrases {
            let phrase = phrase.as_ref();
            let curly = phrase.contains('\'').then(|| phrase.replace('\'', "’"));
            for variant in std::iter::once(phrase).chain(curly.as_deref()) {
                let words: Vec<String> = variant.split_whitespace().map(str::to_string).collect();
                let Some(first) = words.first() else { continue };
                let Some(lead) = first.find(is_word) else { continue };
                let key = first[lead..].split(|c: char| !is_word(c)).next().unwrap_or_default();
                let phrases = by_hash.entry(word_hash(key.as_bytes())).or_default();
                if !phrases.iter().any(|p| words_eq(&p.words, &words)) {
                    phrases.push(Phrase { words, lead, tag });
                }
            }
        }
        if by_hash.is_empty() {
            return None;
        }
        let filter = HashFilter::new(by_hash.keys().copied());
        for phrases in by_hash.values_mut() {
            phrases.sort_by_key(|p| Reverse(p.words.len()));
        }
        Some(PhraseSet { by_hash, filter, plural_possessive })
    }

    /// Every whole-word occurrence of a phrase in `text` (whose [`Words`] are `words`), with its
    /// tag, in order of where it starts; where phrases share a start, only the longest that matches.
    pub(super) fn find<'t>(&'t self, text: &'t str, words: &'t Words) -> impl Iterator<Item = (Range<usize>, T)> + 't {
        let bytes = text.as_bytes();
        words.iter().filter_map(move |w| {
            self.starting_at(text, w.start, w.hash).or_else(|| {
                // "Daves'" holds "Dave" when plural possessives count.
                let plural = self.plural_possessive
                    && w.end - w.start > 1
                    && bytes[w.end - 1].eq_ignore_ascii_case(&b's')
                    && text[w.end..].starts_with(['\'', '’']);
                plural.then(|| self.starting_at(text, w.start, word_hash(&bytes[w.start..w.end - 1]))).flatten()
            })
        })
    }

    /// The longest phrase whose first word run is at `at` and hashes to `hash`. The filter is
    /// asked in the caller's loop, which runs for every word of the text; the rest seldom runs.
    #[inline(always)]
    fn starting_at(&self, text: &str, at: usize, hash: u64) -> Option<(Range<usize>, T)> {
        if !self.filter.may_contain(hash) {
            return None;
        }
        self.longest_at(text, at, hash)
    }

    #[inline(never)]
    fn longest_at(&self, text: &str, at: usize, hash: u64) -> Option<(Range<usize>, T)> {
        self.by_hash.get(&hash)?.iter().find_map(|p| self.matches_at(text, at, p))
    }

    /// The phrase `p` when it occurs in `text` with its first word run at `at`.
    fn matches_at(&self, text: &str, at: usize, p: &Phrase<T>) -> Option<(Range<usize>, T)> {
        let start = at.checked_sub(p.lead)?;
        let first = &p.words[0];
        if !text.get(start..start + first.len())?.eq_ignore_ascii_case(first)
            || (p.lead > 0 && char_before(text, start).is_some_and(is_word))
        {
            return None;
        }
        let end = rest_end(text, start + first.len(), &p.words[1..])?;
        self.ends_word(text, end).then_some((start..end, p.tag))
    }

    /// True when a phrase ending at `end` ends a word (a possessive "'s" or a hyphenated
    /// "-approved" may follow).
    fn ends_word(&self, text: &str, end: usize) -> bool {
        if !char_at(text, end).is_some_and(is_word) {
            return true;
        }
        self.plural_possessive
            && ["s'", "s’"].iter().any(|suffix| {
                text[end..].starts_with(suffix) && !char_at(text, end + suffix.len()).is_some_and(is_word)
            })
    }
}

/// Where the words of `rest` end when they follow `from` in `text`, each after white space.
fn rest_end(text: &str, from: usize, rest: &[String]) -> Option<usize> {
    let mut pos = from;
    for word in rest {
        let gap = text[pos..].len() - text[pos..].trim_start().len();
        if gap == 0 {
            return None;
        }
        pos += gap;
        let candidate = text.get(pos..pos + word.len())?;
        if !candidate.eq_ignore_ascii_case(word) {
            return None;
        }
        pos += word.len();
    }
    Some(pos)
}

/// Word lists equal ignoring ASCII case.
fn words_eq(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(set: &PhraseSet<u8>, text: &str) -> Vec<(String, u8)> {
        set.find(text, &Words::new(text)).map(|(r, t)| (text[r].to_string(), t)).collect()
    }

    #[test]
    fn whole_words_case_insensitive() {
        let set = PhraseSet::new([("Dave", 1)], false).unwrap();
        assert_eq!(found(&set, "DAVE and dave."), [("DAVE".into(), 1), ("dave".into(), 1)]);
        assert!(found(&set, "Davey, xDave, Dave_1").is_empty());
        assert_eq!(found(&set, "(Dave's) Dave-approved")[1].0, "Dave");
    }

    #[test]
    fn longest_phrase_sharing_a_first_word_wins() {
        let set = PhraseSet::new([("Dave", 1), ("Dave Smith", 2)], false).unwrap();
        assert_eq!(found(&set, "Dave  Smith"), [("Dave  Smith".into(), 2)]);
        assert_eq!(found(&set, "Dave\nSmith"), [("Dave\nSmith".into(), 2)]);
        assert_eq!(found(&set, "Dave Smithers"), [("Dave".into(), 1)]);
    }

    #[test]
    fn plural_possessive_only_when_asked() {
        let names = PhraseSet::new([("Dave", 1)], true).unwrap();
        assert_eq!(found(&names, "the Daves' laptops"), [("Dave".into(), 1)]);
        assert!(found(&names, "the Daves laptops").is_empty());
        let words = PhraseSet::new([("Dave", 1)], false).unwrap();
        assert!(found(&words, "the Daves' laptops").is_empty());
    }

    #[test]
    fn straight_apostrophes_match_curly_ones() {
        let set = PhraseSet::new([("why didn't", 7)], false).unwrap();
        assert_eq!(found(&set, "Why didn’t we?").len(), 1);
        assert_eq!(found(&set, "why didn't we?").len(), 1);
    }

    #[test]
    fn non_ascii_names_match_as_written() {
        let set = PhraseSet::new([("José", 1)], true).unwrap();
        assert_eq!(found(&set, "ask josé, not Josée"), [("josé".into(), 1)]);
    }

    #[test]
    fn a_phrase_may_start_with_punctuation() {
        let set = PhraseSet::new([("@ops-lead", 1), ("(ISC)2 member", 2)], false).unwrap();
        assert_eq!(
            found(&set, "ping @ops-lead, an (ISC)2  member"),
            [("@ops-lead".into(), 1), ("(ISC)2  member".into(), 2)]
        );
        assert!(found(&set, "x@ops-lead and ops-lead").is_empty(), "the punctuation is part of the phrase");
    }

    #[test]
    fn no_phrases_no_set() {
        assert!(PhraseSet::new(Vec::<(&str, u8)>::new(), false).is_none());
        assert!(PhraseSet::new([("  ", 1u8)], false).is_none());
    }
}
