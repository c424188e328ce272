//! Whole-word, ASCII case-insensitive phrase matching that lets any white space (a wrapped
//! line, two spaces) stand between the words of a phrase.
//!
//! One Aho-Corasick pass (a DFA, longest first word at each place) finds the first words; the
//! rest of each phrase is checked in place.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::text::{char_at, char_before, is_word};

/// A set of phrases, each with a tag saying what it means.
pub(super) struct PhraseSet<T> {
    firsts: AhoCorasick,
    /// For each first word (by Aho-Corasick pattern id): the following words and tag of each
    /// phrase starting with it, longest phrase first.
    rests: Vec<Vec<(Vec<String>, T)>>,
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
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut firsts: Vec<String> = Vec::new();
        let mut rests: Vec<Vec<(Vec<String>, T)>> = Vec::new();
        for (phrase, tag) in phrases {
            let phrase = phrase.as_ref();
            let curly = phrase.contains('\'').then(|| phrase.replace('\'', "’"));
            for variant in std::iter::once(phrase).chain(curly.as_deref()) {
                let mut words = variant.split_whitespace();
                let Some(first) = words.next() else { continue };
                let rest: Vec<String> = words.map(str::to_string).collect();
                let i = *index.entry(first.to_ascii_lowercase()).or_insert_with(|| {
                    firsts.push(first.to_string());
                    rests.push(Vec::new());
                    firsts.len() - 1
                });
                if !rests[i].iter().any(|(r, _)| words_eq(r, &rest)) {
                    rests[i].push((rest, tag));
                }
            }
        }
        if firsts.is_empty() {
            return None;
        }
        for phrases in &mut rests {
            phrases.sort_by_key(|(rest, _)| Reverse(rest.len()));
        }
        let firsts = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&firsts)
            // Building fails only past 2^31 patterns or states, far beyond any word list.
            .expect("phrase list within Aho-Corasick limits");
        Some(PhraseSet { firsts, rests, plural_possessive })
    }

    /// Every whole-word occurrence of a phrase in `text`, with its tag, in order of where the
    /// first word ends; where phrases share a start, only the longest that matches.
    pub(super) fn find<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (Range<usize>, T)> + 't {
        self.firsts.find_iter(text).filter_map(move |m| {
            if char_before(text, m.start()).is_some_and(is_word) {
                return None;
            }
            self.rests[m.pattern().as_usize()].iter().find_map(|(rest, tag)| {
                let end = rest_end(text, m.end(), rest)?;
                self.ends_word(text, end).then_some((m.start()..end, *tag))
            })
        })
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
        set.find(text).map(|(r, t)| (text[r].to_string(), t)).collect()
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
    fn no_phrases_no_set() {
        assert!(PhraseSet::new(Vec::<(&str, u8)>::new(), false).is_none());
        assert!(PhraseSet::new([("  ", 1u8)], false).is_none());
    }
}
