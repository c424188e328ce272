//! Personal names in prose, found without a list of the people: a capitalised word or run of
//! words is a person when the gazetteer knows it as a name and the words around it say it is
//! used as one (a surname after a given name, a title, a verb of speech, an age, a verb after a
//! lone given name, a name already seen in full in the same text).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::Cell;
use std::ops::Range;
use std::sync::LazyLock;

use super::gazetteer::{self, Entry};
use super::lists;
use crate::scan::text::{char_at, end_before, start_after, WordSet, Words};

/// A word of the text as the name rules see it.
#[derive(Debug, Clone)]
struct Word<'t> {
    /// The word, without a possessive "'s".
    range: Range<usize>,
    lower: &'t str,
    /// What the gazetteer says of a capitalised word (nothing for other shapes).
    entry: Entry,
    shape: Shape,
    /// First word of a sentence, a line, a list item or a table cell.
    initial: bool,
    /// Followed by a possessive "'s".
    possessive: bool,
    /// Ends with a personal honorific suffix ("Takahashi-san", "Sharma-ji"), not in `lower`.
    honorific_suffix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// "Priya", "O'Brien", "McDonald", "Jean-Luc".
    Capitalised,
    /// "J." (the range holds the letter and the dot).
    Initial,
    /// Anything else: "the", "AWS", "GitHub", "x86".
    Other,
}

/// Sets built once from the word lists.
struct Lists {
    not_people: WordSet,
    /// Not-people phrases by their first word.
    phrases: HashMap<&'static str, Vec<Vec<&'static str>>>,
    honorifics: WordSet,
    speech: WordSet,
    before: WordSet,
    after: WordSet,
    things: WordSet,
    groups: WordSet,
    personas: WordSet,
    cast: WordSet,
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| Lists {
    not_people: WordSet::new(lists::NOT_PEOPLE),
    phrases: lists::NOT_PEOPLE_PHRASES.iter().fold(HashMap::default(), |mut map, p| {
        let words: Vec<&'static str> = p.split(' ').collect();
        map.entry(words[0].trim_end_matches('.')).or_insert_with(Vec::new).push(words);
        map
    }),
    honorifics: WordSet::new(lists::HONORIFICS),
    speech: WordSet::new(lists::SPEECH),
    before: WordSet::new(lists::BEFORE_PERSON),
    after: WordSet::new(lists::AFTER_PERSON),
    things: WordSet::new(lists::THING_NOUNS),
    groups: WordSet::new(lists::GROUP_WORDS),
    personas: WordSet::new(lists::PERSONAS),
    cast: WordSet::new(lists::CAST),
});

/// True when `lower` names a product, a place, a month or another thing that is not a person.
pub(super) fn is_not_person(lower: &str) -> bool {
    LISTS.not_people.contains(lower)
}

/// True when `lower` is a thing, a place or a group word ("Corp", "City", "cluster").
pub(super) fn is_thing(lower: &str) -> bool {
    is_not_person(lower) || LISTS.groups.contains(lower) || LISTS.things.contains(lower)
}

/// Byte ranges of personal names in `text`; `allowed` holds lower-case names never reported.
pub(super) fn find(text: &str, runs: &Words, allowed: &HashSet<String>) -> Vec<Range<usize>> {
    let words = words(text, runs);
    let lists = &*LISTS;
    let cast_met = words
        .iter()
        .filter(|w| w.shape == Shape::Capitalised && lists.cast.contains(w.lower))
        .map(|w| &w.lower)
        .collect::<HashSet<_>>()
        .len()
        >= 2;
    let ctx = Context { text, words: &words, lists, allowed, cast_met, last_line: Cell::new(None) };
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut known: HashSet<&str> = HashSet::default();
    // Words of firms, places and listed phrases: never a person, even when named elsewhere.
    let mut things: Vec<bool> = vec![false; words.len()];
    let mut i = 0;
    while i < words.len() {
        // Most words are neither capitalised nor an initial: they start no phrase and no name.
        if words[i].shape == Shape::Other && allowed.is_empty() {
            i += 1;
            continue;
        }
        if let Some(len) = ctx.phrase_at(i) {
            things[i..i + len].fill(true);
            i += len;
            continue;
        }
        let Some(run) = ctx.run_at(i) else {
            i += 1;
            continue;
        };
        let next = run.end;
        match ctx.judge(run.clone()) {
            Verdict::Person(span) => {
                for w in &words[span.clone()] {
                    let e = ctx.entry(w);
                    if w.shape == Shape::Capitalised && !e.word && !ctx.is_thing_word(w) {
                        known.insert(w.lower);
                    }
                }
                found.push(words[span.start].range.start..words[span.end - 1].range.end);
            }
            Verdict::Thing(span) => things[span].fill(true),
            Verdict::No => {}
        }
        i = next;
    }
    if !known.is_empty() {
        found.sort_by_key(|r| r.start);
        let mut covered = found.iter().peekable();
        let mut again = Vec::new();
        for (i, w) in words.iter().enumerate() {
            while covered.peek().is_some_and(|f| f.end <= w.range.start) {
                covered.next();
            }
            let inside = covered.peek().is_some_and(|f| f.start <= w.range.start && w.range.end <= f.end);
            if w.shape == Shape::Capitalised && !things[i] && !inside && known.contains(w.lower) && ctx.standalone(i) {
                again.push(w.range.clone());
            }
        }
        found.extend(again);
    }
    found.sort_by_key(|r| r.start);
    found.dedup();
    found
}

/// What a run of capitalised words is.
enum Verdict {
    /// These words (indices) name a person.
    Person(Range<usize>),
    /// These words name a firm or a place ("Ernst & Young", "Ho Chi Minh City").
    Thing(Range<usize>),
    /// Not a person here, though the text may name the word as one elsewhere.
    No,
}

struct Context<'a> {
    text: &'a str,
    words: &'a [Word<'a>],
    lists: &'a Lists,
    allowed: &'a HashSet<String>,
    /// Two of Alice and Bob's cast appear: they are personas.
    cast_met: bool,
    /// The bounds of the last line [`Context::is_title_line`] judged, and its verdict.
    last_line: Cell<Option<(usize, usize, bool)>>,
}

impl Context<'_> {
    fn entry(&self, w: &Word) -> Entry {
        w.entry
    }

    /// A product, place, month, group word or documentation persona: never a person alone.
    fn is_thing_word(&self, w: &Word) -> bool {
        let l = w.lower;
        is_thing(l) || (self.cast_met && self.lists.personas.contains(l)) || self.allowed.contains(l)
    }

    /// The number of words of a not-people phrase ("Morgan Stanley", "Fancy Bear") starting at `i`.
    fn phrase_at(&self, i: usize) -> Option<usize> {
        let first = &self.words[i];
        if first.shape == Shape::Other
            && (self.allowed.is_empty() || !self.allowed.iter().any(|a| a.starts_with(first.lower)))
        {
            return None;
        }
        let matches = |phrase: &[&str]| {
            phrase.len() <= self.words.len() - i
                && phrase.iter().enumerate().all(|(k, p)| {
                    let w = &self.words[i + k];
                    let lower = w.lower.trim_end_matches('.');
                    lower == p.trim_end_matches('.') && (k == 0 || self.adjacent(i + k - 1, i + k))
                })
        };
        let listed = self
            .lists
            .phrases
            .get(first.lower.trim_end_matches('.'))
            .and_then(|phrases| phrases.iter().filter(|p| matches(p)).map(Vec::len).max());
        let allowed = if self.allowed.is_empty() {
            None
        } else {
            self.allowed
                .iter()
                .filter(|a| a.contains(' '))
                .filter(|a| matches(&a.split(' ').collect::<Vec<_>>()))
                .map(|a| a.split(' ').count())
                .max()
        };
        listed.max(allowed)
    }

    /// True when word `b` follows word `a` with only a space (or an initial's dot and a space)
    /// between them, on the same line.
    fn adjacent(&self, a: usize, b: usize) -> bool {
        let gap = &self.text[self.words[a].range.end..self.words[b].range.start];
        let gap = if self.words[a].possessive { return false } else { gap };
        matches!(gap, " " | "\u{a0}") || (self.words[a].shape == Shape::Initial && gap.is_empty())
    }

    /// The run of capitalised words and initials starting at `i` (with name particles such as
    /// "van der" inside), at most five words; `None` when word `i` cannot start a name.
    fn run_at(&self, i: usize) -> Option<Range<usize>> {
        if self.words[i].shape == Shape::Other {
            return None;
        }
        let mut end = i + 1;
        while end < self.words.len() && end - i < 5 {
            let w = &self.words[end];
            if w.shape != Shape::Other && self.adjacent(end - 1, end) {
                end += 1;
            } else if w.shape == Shape::Other
                && is_particle(w.lower)
                && end + 1 < self.words.len()
                && self.words[end + 1].shape == Shape::Capitalised
                && self.adjacent(end - 1, end)
                && self.adjacent(end, end + 1)
                && end > i
            {
                end += 2;
            } else {
                break;
            }
            if self.words[end - 1].possessive {
                break;
            }
        }
        Some(i..end)
    }

    /// Decides what the run `run` of capitalised words is.
    fn judge(&self, run: Range<usize>) -> Verdict {
        let words = &self.words[run.clone()];
        // A title: "Dr. Okafor", "Ms Amara Okafor".
        if let Some(title) = self.title_before(run.start) {
            let end = self.name_end(run.start, run.end, true);
            if end > run.start {
                return Verdict::Person(title..end);
            }
        }
        if run.len() >= 2 && self.title_before(run.start + 1).is_some() {
            let end = self.name_end(run.start + 1, run.end, true);
            if end > run.start + 1 {
                return Verdict::Person(run.start..end);
            }
        }
        if words.iter().all(|w| w.shape == Shape::Initial) {
            return Verdict::No;
        }
        // The longest stretch of name-like words; the words before it are not part of a name.
        let mut start = run.start;
        while start < run.end {
            let w = &self.words[start];
            let e = self.entry(w);
            let namey = self.namey(w, e);
            if namey && !(w.initial && e.word && !e.is_name() && start + 1 < run.end) {
                break;
            }
            if w.shape == Shape::Initial && start + 1 < run.end {
                break;
            }
            start += 1;
        }
        if start == run.end {
            return Verdict::No;
        }
        let end = self.name_end(start, run.end, false);
        if end == start {
            return Verdict::No;
        }
        if self.is_company_or_place(start, end) {
            return Verdict::Thing(start..end);
        }
        let names = &self.words[start..end];
        let title_line = self.is_title_line(start);
        if names.len() >= 2 {
            return self.judge_full(start..end, title_line);
        }
        self.judge_single(start, title_line)
    }

    /// "Ernst & Young", "Johnson & Johnson" (a firm), or a name followed by a place or group
    /// word ("Ho Chi Minh City", "Fancy Bear").
    fn is_company_or_place(&self, start: usize, end: usize) -> bool {
        let before = &self.text[..self.words[start].range.start];
        let after = &self.text[self.words[end - 1].range.end..];
        let ampersand_before =
            before.ends_with(" & ") && self.prev_word(start).is_some_and(|w| w.shape == Shape::Capitalised);
        let ampersand_after =
            after.starts_with(" & ") && self.words.get(end).is_some_and(|w| w.shape == Shape::Capitalised);
        let group_after = self.words.get(end).is_some_and(|w| {
            w.shape == Shape::Capitalised && self.adjacent(end - 1, end) && self.lists.groups.contains(w.lower)
        });
        ampersand_before || ampersand_after || group_after
    }

    /// Where the name starting at `start` ends: name-like words, initials and particles up to
    /// `end` (or the first word that is a thing).
    fn name_end(&self, start: usize, end: usize, titled: bool) -> usize {
        let mut k = start;
        while k < end {
            let w = &self.words[k];
            let e = self.entry(w);
            let ok = match w.shape {
                Shape::Initial => true,
                Shape::Capitalised => {
                    self.namey(w, e) || (titled && !self.is_thing_word(w)) || self.name_inside_a_name(k, start, end)
                }
                Shape::Other => is_particle(w.lower),
            };
            if !ok {
                break;
            }
            k += 1;
            if w.possessive {
                break;
            }
        }
        while k > start && self.words[k - 1].shape == Shape::Other {
            k -= 1;
        }
        k
    }

    /// A listed word that is also a name ("Thu" in "Phạm Thu Hà", "Sun" in "Sun Li"), inside a
    /// run whose other words include a name that is no dictionary word and no thing.
    fn name_inside_a_name(&self, k: usize, start: usize, end: usize) -> bool {
        let w = &self.words[k];
        let e = self.entry(w);
        let listed_name =
            e.is_name() && self.lists.not_people.contains(w.lower) && !self.lists.groups.contains(w.lower);
        listed_name
            && (start..end).filter(|&j| j != k).any(|j| {
                let other = &self.words[j];
                let oe = self.entry(other);
                other.shape == Shape::Capitalised && oe.is_name() && !oe.word && !self.is_thing_word(other)
            })
    }

    /// A word that could be part of a name: a known name, or a capitalised word the dictionary
    /// does not know; never a thing.
    fn namey(&self, w: &Word, e: Entry) -> bool {
        match w.shape {
            Shape::Initial => true,
            Shape::Capitalised => {
                (e.is_name() || !e.word)
                    && !self.is_thing_word(w)
                    && w.lower.chars().count() >= 2
                    && !is_function_word(w.lower)
            }
            Shape::Other => false,
        }
    }

    /// Two or more name-like words: "Priya Raman", "Zhang Wei", "J. Smith", "Emil C.".
    fn judge_full(&self, span: Range<usize>, title_line: bool) -> Verdict {
        let names: Vec<(&Word, Entry)> = self.words[span.clone()].iter().map(|w| (w, self.entry(w))).collect();
        let capitalised: Vec<&(&Word, Entry)> = names.iter().filter(|(w, _)| w.shape == Shape::Capitalised).collect();
        let initials = names.len() - capitalised.len();
        let Some(first) = capitalised.first() else { return Verdict::No };
        let strong = |(w, e): &&(&Word, Entry)| e.is_name() && !e.word && !self.is_thing_word(w);
        let any_strong = capitalised.iter().any(strong);
        let context = self.context_around(span.clone());
        let person = if initials > 0 {
            // "J. Smith", "Emil C.": the capitalised word must be a name (or unknown, with context).
            capitalised.iter().any(|(_, e)| e.surname || e.given && !e.word)
                || (context && capitalised.iter().all(|(_, e)| !e.word))
        } else if title_line {
            capitalised.iter().any(|(_, e)| e.given && !e.word) && capitalised.iter().any(|(_, e)| e.surname && !e.word)
        } else if any_strong {
            // A sentence-initial dictionary word before a name is not part of it: "Will Priya…",
            // "Later Okafor…".
            let (w, e) = first;
            if w.initial && e.word && names[0].0.shape == Shape::Capitalised && capitalised[1..].iter().any(strong) {
                return Verdict::Person(span.start + 1..span.end);
            }
            true
        } else {
            // Every word a dictionary word ("Mark Baker") or unknown ("Tendai Moyo"): context decides.
            context || capitalised.iter().all(|(_, e)| e.is_name()) && capitalised.iter().any(|(_, e)| !e.word)
        };
        if person {
            Verdict::Person(span)
        } else {
            Verdict::No
        }
    }

    /// One capitalised word alone.
    fn judge_single(&self, i: usize, title_line: bool) -> Verdict {
        let w = &self.words[i];
        let e = self.entry(w);
        if self.is_thing_word(w) || w.shape != Shape::Capitalised {
            return Verdict::No;
        }
        let after = self.next_word(i);
        let before = self.prev_word(i);
        let place = before.is_some_and(|b| is_locative(b.lower) && self.gap_is_plain(b, w));
        if place
            || before.is_some_and(|b| is_determiner(b.lower))
            || after.is_some_and(|a| self.lists.things.contains(a.lower))
        {
            return Verdict::No;
        }
        // "Hiroshi accidentally pushed", "Agnieszka never tested": the verb after the adverbs;
        // "Priya (SRE) rolled back": after an aside in brackets too.
        let aside = self.aside_after(i);
        let next = aside.unwrap_or(i + 1);
        let plain_from = if aside.is_some() { next + 1 } else { next };
        let verb_at = (next..self.words.len().min(next + 3))
            .find(|&k| !is_adverb(self.words[k].lower) || k + 1 == self.words.len())
            .filter(|&k| (plain_from..k).all(|j| self.gap_is_plain(&self.words[j - 1], &self.words[j])));
        let after = verb_at.map(|k| &self.words[k]).or(self.words.get(next));
        let human_verb = after.is_some_and(|a| is_human_verb(a.lower)) && verb_at.is_some();
        if title_line || !self.standalone(i) {
            return Verdict::No;
        }
        let speech = self.speech_around(i);
        let age = self.age_after(i);
        let after_person = after.is_some_and(|a| self.after_person(i, a));
        let acts = after.is_some_and(|a| self.gap_is_plain(w, a) && is_present_tense(a.lower));
        let honoured = w.honorific_suffix;
        let before_person = before.is_some_and(|b| self.lists.before.contains(b.lower) && self.gap_is_plain(b, w));
        let vocative = self.vocative(i);
        let strong_before = before.is_some_and(|b| is_strong_before(b.lower) && self.gap_is_plain(b, w));
        // "the team lead (Marco) approved": a name alone in brackets.
        let bracketed = self.text[..w.range.start].ends_with('(') && self.text[w.range.end..].starts_with(')');
        let person = honoured
            || if e.given && !e.word {
                !w.initial || after_person || acts || speech || w.possessive || vocative || age || bracketed
            } else if e.given {
                (!w.initial && (before_person || w.possessive))
                    || after_person && after.is_some_and(|a| a.lower != "and")
                    || speech
                    || age
            } else if e.surname && !e.word {
                speech
                    || age
                    || bracketed
                    || w.possessive
                    || before_person && before.is_some_and(|b| b.lower != "and" && b.lower != "or")
                    || after_person && after.is_some_and(|a| a.lower != "and" && a.lower != "(")
            } else if !e.is_name() && !e.word {
                speech || age || strong_before || human_verb
            } else {
                speech && e.is_name()
            };
        if person {
            Verdict::Person(i..i + 1)
        } else {
            Verdict::No
        }
    }

    /// The word after a short aside in brackets that follows word `i` on its line ("Priya
    /// (SRE) rolled back", "Dave (the on-call engineer) misconfigured").
    fn aside_after(&self, i: usize) -> Option<usize> {
        let end = self.words[i].range.end;
        let inside = self.text[end..].strip_prefix(" (")?;
        let close = inside.find([')', '(', '\n'])?;
        if close > 40 || !inside[close..].starts_with(") ") {
            return None;
        }
        let at = end + " (".len() + close + ") ".len();
        let k = i + 1 + self.words[i + 1..].iter().position(|w| w.range.start >= at)?;
        (self.words[k].range.start == at).then_some(k)
    }

    /// A title (Mr, Dr., Prof) just before word `i`: the byte where its span starts.
    fn title_before(&self, i: usize) -> Option<usize> {
        let prev = i.checked_sub(1).map(|p| &self.words[p])?;
        let gap = &self.text[prev.range.end..self.words[i].range.start];
        let ok_gap = matches!(gap, " " | ". " | "\u{a0}" | ".\u{a0}");
        (ok_gap && prev.shape == Shape::Capitalised && self.lists.honorifics.contains(prev.lower)).then_some(i - 1)
    }

    /// Context that makes a run of unknown words a person: speech, an age, a verb after it,
    /// a person word before it.
    fn context_around(&self, span: Range<usize>) -> bool {
        let last = span.end - 1;
        self.speech_around_span(span.clone())
            || self.age_after(last)
            || self.next_word(last).is_some_and(|a| self.after_person(last, a) && a.lower != "and")
            || self
                .prev_word(span.start)
                .is_some_and(|b| self.lists.before.contains(b.lower) && self.gap_is_plain(b, &self.words[span.start]))
    }

    /// A verb of speech right after word `i` or right before it ("Okafor said", "said Okafor").
    fn speech_around(&self, i: usize) -> bool {
        self.speech_around_span(i..i + 1)
    }

    fn speech_around_span(&self, span: Range<usize>) -> bool {
        let last = span.end - 1;
        let after = self.next_word(last).filter(|a| self.gap_is_plain(&self.words[last], a));
        let before = self.prev_word(span.start).filter(|b| self.gap_is_plain(b, &self.words[span.start]));
        after.is_some_and(|a| self.lists.speech.contains(a.lower))
            || before.is_some_and(|b| self.lists.speech.contains(b.lower) || b.lower == "according")
            || self.prev_word(span.start).is_some_and(|b| b.lower == "to")
                && span.start >= 2
                && self.words[span.start - 2].lower == "according"
    }

    /// ", 34," or " (34)" after word `i`: a person's age.
    fn age_after(&self, i: usize) -> bool {
        let rest = &self.text[self.words[i].range.end..];
        let rest = rest.strip_prefix("'s").unwrap_or(rest);
        let Some(rest) = rest.strip_prefix(", ").or_else(|| rest.strip_prefix(" (")) else { return false };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        (1..=3).contains(&digits)
            && rest[..digits].parse::<u32>().is_ok_and(|n| (14..=110).contains(&n))
            && (rest[digits..].starts_with(',')
                || rest[digits..].starts_with(')')
                || rest[digits..].starts_with(" years"))
    }

    /// A lower-case word after a lone name that makes it a person: an auxiliary, a past tense.
    fn after_person(&self, i: usize, a: &Word) -> bool {
        let adjacent = a.range.start == self.words.get(i + 1).map_or(0, |n| n.range.start);
        if adjacent
            && !self.gap_is_plain(&self.words[i], a)
            && !matches!(&self.text[self.words[i].range.end..a.range.start], " (" | " — " | " – " | ", who ")
        {
            return false;
        }
        a.shape == Shape::Other
            && a.lower.chars().all(|c| c.is_lowercase() || c == '\'' || c == '’' || c == '-')
            && (self.lists.after.contains(a.lower) || self.lists.speech.contains(a.lower) || is_past_tense(a.lower))
    }

    /// "Priya, can you…", "Thanks, Priya": a name said to someone.
    fn vocative(&self, i: usize) -> bool {
        let w = &self.words[i];
        let rest = &self.text[w.range.end..];
        w.initial
            && (rest.starts_with(", ") || rest.starts_with(": "))
            && self.next_word(i).is_some_and(|a| a.shape == Shape::Other)
    }

    /// Only white space (one space) between two words: the same clause.
    fn gap_is_plain(&self, a: &Word, b: &Word) -> bool {
        let (first, second) = if a.range.start < b.range.start { (a, b) } else { (b, a) };
        let gap = &self.text[first.range.end..second.range.start];
        let gap = if first.possessive {
            gap.strip_prefix("'s").or_else(|| gap.strip_prefix("’s")).unwrap_or(gap)
        } else {
            gap
        };
        gap.chars().all(|c| c == ' ' || c == '\u{a0}') && !gap.is_empty() && gap.len() <= 2
    }

    fn next_word(&self, i: usize) -> Option<&Word<'_>> {
        self.words.get(i + 1)
    }

    fn prev_word(&self, i: usize) -> Option<&Word<'_>> {
        i.checked_sub(1).map(|p| &self.words[p])
    }

    /// A word that stands alone in prose: not part of a path, an identifier, a URL or code
    /// (`Priya.yaml`, `/home/Priya`, `Priya_test`, `x.Priya`).
    fn standalone(&self, i: usize) -> bool {
        let w = &self.words[i];
        let before = self.text[..w.range.start].chars().next_back();
        let end = if w.possessive {
            w.range.end + self.text[w.range.end..].chars().take(2).map(char::len_utf8).sum::<usize>()
        } else {
            w.range.end
        };
        let mut after = self.text[end..].chars();
        let a1 = after.next();
        let a2 = after.next();
        let bad_before = before.is_some_and(|c| {
            matches!(c, '.' | '/' | '_' | '\\' | '=' | '<' | '$' | '#' | '@' | '`' | '~' | '-' | ':' | '&')
        });
        let bad_after = match (a1, a2) {
            (Some('_' | '/' | '\\' | '=' | '(' | '`' | '@' | '<' | '>' | '{'), _) => true,
            (Some('.' | ':' | '-'), Some(c)) => c.is_alphanumeric() || c == '_',
            _ => false,
        };
        !bad_before && !bad_after
    }

    /// A heading ("# …") or a line in Title Case, where capitals say nothing about names
    /// (remembered for the last line asked about: runs of one line are judged in turn).
    fn is_title_line(&self, i: usize) -> bool {
        let at = self.words[i].range.start;
        if let Some((start, end, title)) = self.last_line.get() {
            if start <= at && at < end {
                return title;
            }
        }
        let start = start_after(self.text, at, b"\n", 300);
        let end = end_before(self.text, at, b"\n", 300);
        let title = is_title_line(&self.text[start..end]);
        self.last_line.set(Some((start, end, title)));
        title
    }
}

/// A heading, or three or more words in Title Case (small words aside) not ending a sentence.
fn is_title_line(line: &str) -> bool {
    if line.trim_start().starts_with('#') {
        return true;
    }
    if line.trim_end().ends_with(['.', '?', '!', ',']) {
        return false;
    }
    let small = ["a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "vs", "from"];
    let mut capitalised = 0;
    for word in line.split_whitespace().filter(|w| !small.contains(w)) {
        match word.chars().next() {
            Some(c) if c.is_uppercase() => capitalised += 1,
            Some(c) if c.is_alphabetic() => return false,
            _ => {}
        }
    }
    capitalised >= 3
}

/// Pronouns, prepositions, contractions and other closed-class words ("In", "We've", "Do").
fn is_function_word(lower: &str) -> bool {
    lower.chars().count() <= 2
        && !matches!(
            lower,
            "li" | "wu"
                | "xu"
                | "hu"
                | "ma"
                | "an"
                | "ng"
                | "yu"
                | "he"
                | "ho"
                | "lo"
                | "le"
                | "om"
                | "oh"
                | "ko"
                | "su"
        )
        || lower.contains(['\'', '’']) && !lower.starts_with(['o', 'd'])
        || matches!(
            lower,
            "the"
                | "and"
                | "but"
                | "for"
                | "nor"
                | "yet"
                | "she"
                | "her"
                | "him"
                | "his"
                | "its"
                | "our"
                | "you"
                | "they"
                | "them"
                | "their"
                | "this"
                | "that"
                | "then"
                | "than"
                | "when"
                | "what"
                | "who"
                | "why"
                | "how"
                | "with"
                | "from"
                | "into"
                | "onto"
                | "over"
                | "under"
                | "after"
                | "before"
                | "during"
                | "while"
                | "once"
                | "also"
                | "only"
                | "just"
                | "even"
                | "still"
                | "some"
                | "none"
                | "each"
                | "both"
                | "all"
                | "any"
                | "many"
                | "much"
                | "more"
                | "most"
                | "such"
                | "here"
                | "there"
                | "where"
                | "would"
                | "shall"
                | "should"
                | "can"
                | "could"
                | "might"
                | "must"
                | "does"
                | "did"
                | "done"
                | "have"
                | "has"
                | "had"
                | "are"
                | "was"
                | "were"
                | "been"
                | "being"
                | "not"
                | "yes"
                | "per"
                | "via"
                | "see"
                | "note"
                | "notes"
        )
}

/// Lower-case words inside names: "van der Berg", "da Silva", "bin Abdullah".
fn is_particle(lower: &str) -> bool {
    matches!(
        lower,
        "van"
            | "von"
            | "de"
            | "da"
            | "di"
            | "del"
            | "della"
            | "der"
            | "den"
            | "du"
            | "dos"
            | "das"
            | "le"
            | "la"
            | "bin"
            | "binti"
            | "ibn"
            | "al"
            | "el"
            | "ter"
            | "ten"
            | "zu"
            | "y"
            | "e"
            | "bint"
            | "af"
            | "av"
            | "degli"
    )
}

/// Prepositions of place: "in Savannah", "near Adelaide" name places, not people.
fn is_locative(lower: &str) -> bool {
    matches!(
        lower,
        "in" | "at" | "near" | "across" | "outside" | "inside" | "around" | "throughout" | "into" | "within"
    )
}

/// Words before a thing, not a person ("the Aurora cluster", "our Jenkins").
fn is_determiner(lower: &str) -> bool {
    matches!(
        lower,
        "the"
            | "a"
            | "an"
            | "our"
            | "their"
            | "your"
            | "its"
            | "this"
            | "that"
            | "these"
            | "those"
            | "each"
            | "every"
            | "any"
            | "new"
            | "old"
    )
}

/// Words before a lone unknown word that say it is a person ("thanks Chidinma", "asked Oksana").
fn is_strong_before(lower: &str) -> bool {
    matches!(
        lower,
        "thanks"
            | "thank"
            | "asked"
            | "told"
            | "pinged"
            | "paged"
            | "cc"
            | "dear"
            | "hi"
            | "hello"
            | "hey"
            | "according"
            | "congrats"
            | "congratulations"
            | "kudos"
            | "ask"
            | "ping"
    )
}

/// Adverbs and fillers between a subject and its verb ("then", "never", "accidentally").
fn is_adverb(lower: &str) -> bool {
    (lower.len() > 4 && lower.ends_with("ly"))
        || matches!(
            lower,
            "then" | "never" | "also" | "just" | "still" | "again" | "later" | "once" | "even" | "soon" | "quickly"
        )
}

/// Verbs that only people do: an unknown word before one is a person ("Siobhán overlooked").
fn is_human_verb(lower: &str) -> bool {
    matches!(
        lower,
        "forgot"
            | "neglected"
            | "overlooked"
            | "misconfigured"
            | "mistyped"
            | "misread"
            | "noticed"
            | "realised"
            | "realized"
            | "decided"
            | "admitted"
            | "apologised"
            | "apologized"
            | "panicked"
            | "hesitated"
            | "wondered"
            | "remembered"
            | "messed"
            | "botched"
            | "bungled"
            | "screwed"
            | "fat-fingered"
            | "said"
            | "told"
            | "wrote"
            | "asked"
            | "replied"
            | "volunteered"
            | "joined"
            | "agreed"
            | "insisted"
    )
}

/// A regular past tense: "misconfigured", "rolled", "noticed".
fn is_past_tense(lower: &str) -> bool {
    lower.len() > 3 && lower.ends_with("ed") && !lower.ends_with("eed")
}

/// A present tense of the third person: "rolls", "rotates", "opens" (not "class", "status").
fn is_present_tense(lower: &str) -> bool {
    lower.len() > 3
        && lower.ends_with('s')
        && !["ss", "us", "is", "ys"].iter().any(|s| lower.ends_with(s))
        && lower.chars().all(char::is_lowercase)
}

/// Japanese, Korean and Hindi honorifics written after a name.
const HONORIFIC_SUFFIXES: &[&str] = &["-san", "-sama", "-kun", "-chan", "-sensei", "-senpai", "-ssi", "-nim", "-ji"];

/// Every word of `text` with its shape and position in its sentence: the text's word runs that
/// start with a letter, joined by apostrophes and hyphens followed by a letter ("O'Brien",
/// "Jean-Luc").
fn words<'t>(text: &'t str, runs: &'t Words) -> Vec<Word<'t>> {
    let bytes = text.as_bytes();
    let lowered = runs.lower();
    let runs = runs.as_slice();
    let mut out: Vec<Word> = Vec::with_capacity(runs.len());
    let mut last_end = 0;
    let mut i = 0;
    while i < runs.len() {
        let start = runs[i].start;
        let mut end = runs[i].end;
        i += 1;
        if !starts_with_letter(text, start) {
            continue;
        }
        let mut hyphenated = false;
        while let Some(next) =
            runs.get(i).filter(|next| joins(bytes, end, next.start) && starts_with_letter(text, next.start))
        {
            hyphenated |= bytes[end] == b'-';
            end = next.end;
            i += 1;
        }
        let possessive = if bytes[end - 1] == b's' {
            ["'s", "’s"].into_iter().find(|s| bytes[start..end].ends_with(s.as_bytes()) && end - start > s.len() + 1)
        } else {
            None
        };
        let word_end = end - possessive.map_or(0, str::len);
        let suffix = if hyphenated { honorific_suffix(&text[start..word_end]) } else { None };
        let stem_end = word_end - suffix.map_or(0, str::len);
        // Most words start with a lower-case ASCII letter: neither a name nor an initial.
        let shape = if bytes[start].is_ascii_lowercase() {
            Shape::Other
        } else {
            shape(&text[start..word_end], &text[start..stem_end], bytes.get(word_end) == Some(&b'.'))
        };
        let spaced = start == last_end + 1 && bytes[last_end] == b' ';
        let initial = out.is_empty() || (!spaced && starts_item(&text[last_end..start]));
        let range_end = if shape == Shape::Initial { word_end + 1 } else { word_end };
        // Lower-cased in the shared copy of the text, at the same offsets.
        let lower = &lowered[start..stem_end];
        out.push(Word {
            range: start..range_end,
            lower,
            entry: Entry::default(),
            shape,
            initial,
            possessive: possessive.is_some(),
            honorific_suffix: suffix.is_some(),
        });
        last_end = if shape == Shape::Initial { range_end } else { end };
    }
    // Looked up in a loop of their own: the gazetteer is larger than the caches, and a short
    // loop keeps several of its reads in flight instead of waiting for each in turn.
    for word in out.iter_mut().filter(|w| w.shape == Shape::Capitalised) {
        word.entry = gazetteer::lookup(word.lower);
    }
    out
}

/// True when the bytes from `end` to `next` (between two word runs) join them into one word:
/// an apostrophe or a hyphen ("O'Brien", "Jean-Luc").
fn joins(bytes: &[u8], end: usize, next: usize) -> bool {
    match next - end {
        1 => matches!(bytes[end], b'\'' | b'-'),
        3 => bytes[end..next] == *"’".as_bytes(),
        _ => false,
    }
}

/// The personal honorific suffix `word` ends with ("Takahashi-san"), if any.
fn honorific_suffix(word: &str) -> Option<&'static str> {
    HONORIFIC_SUFFIXES.iter().copied().find(|s| word.ends_with(s) && word.len() > s.len() + 2)
}

/// The shape of `word` (without a possessive, not starting in lower-case ASCII), whose `stem`
/// is without its honorific suffix; `dotted` when a dot follows it.
fn shape(word: &str, stem: &str, dotted: bool) -> Shape {
    if dotted && word.len() <= 4 && word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        Shape::Initial
    } else if is_capitalised(stem) {
        Shape::Capitalised
    } else {
        Shape::Other
    }
}

/// True when the text `gap` between two words starts a sentence, a line, a list item or a
/// table cell.
fn starts_item(gap: &str) -> bool {
    gap.bytes().any(|b| matches!(b, b'\n' | b'.' | b'!' | b'?' | b':' | b'|' | b'"' | b'(' | b'['))
        || (!gap.is_ascii() && (gap.contains('•') || gap.contains('“')))
        || gap.trim_start().starts_with(['-', '*', '+', '>'])
}

/// True when the character at byte `i` of `text` is a letter.
fn starts_with_letter(text: &str, i: usize) -> bool {
    match text.as_bytes().get(i) {
        Some(b) if b.is_ascii() => b.is_ascii_alphabetic(),
        _ => char_at(text, i).is_some_and(char::is_alphabetic),
    }
}

/// "Priya", "O'Brien", "McDonald", "MacLeod", "DeVries", "Jean-Luc", "Nguyễn": a capital, then
/// lower-case letters, with a capital allowed after an apostrophe, a hyphen, "Mc", "Mac" or "De".
fn is_capitalised(word: &str) -> bool {
    let mut chars = word.char_indices().peekable();
    let Some((_, first)) = chars.next() else { return false };
    if !first.is_uppercase() || chars.peek().is_none() {
        return false;
    }
    let mut prev = first;
    while let Some((i, c)) = chars.next() {
        if c.is_numeric() {
            return false;
        }
        if c.is_uppercase() {
            let after_join = matches!(prev, '\'' | '’' | '-');
            let after_prefix = matches!(&word[..i], "Mc" | "Mac" | "De" | "Di" | "La" | "Le" | "Van" | "O");
            if !(after_join || after_prefix) || chars.peek().is_some_and(|&(_, n)| n.is_uppercase()) {
                return false;
            }
        }
        prev = c;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(text: &str) -> Vec<&str> {
        find(text, &Words::new(text), &HashSet::default()).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn full_names_of_many_cultures() {
        let text = "The change was reviewed by Priya Raman and approved by Kwame Mensah after Zhang Wei \
                    and Oluwaseun Adeyemi looked at it with Siobhán O'Sullivan and Jean-Luc Moreau.";
        assert_eq!(
            people(text),
            ["Priya Raman", "Kwame Mensah", "Zhang Wei", "Oluwaseun Adeyemi", "Siobhán O'Sullivan", "Jean-Luc Moreau"]
        );
    }

    #[test]
    fn a_lone_given_name_as_a_subject() {
        assert_eq!(people("Dave misconfigured the firewall."), ["Dave"]);
        assert_eq!(people("At 10:05 Aditi then rolled back the release."), ["Aditi"]);
        assert_eq!(people("The pager went to Tomasz, who acknowledged it."), ["Tomasz"]);
        assert_eq!(people("Priya's laptop was locked."), ["Priya"]);
    }

    #[test]
    fn an_aside_in_brackets_does_not_hide_the_verb() {
        assert_eq!(people("Priya (SRE) rolled back the deploy."), ["Priya"]);
        assert_eq!(people("Dave (the on-call engineer) misconfigured the firewall."), ["Dave"]);
        assert_eq!(people("Mensah (payments) approved the change."), ["Mensah"]);
        assert_eq!(people("Priya (SRE) and the database team met on Monday."), ["Priya"]);
        assert_eq!(people("The team lead (Marco) approved the rollback."), ["Marco"]);
        assert_eq!(people("Escalated to the vendor (Mensah)."), ["Mensah"]);
        for thing in [
            "Kubernetes (v1.29) restarted the pod.",
            "Jenkins (the CI server) failed the build.",
            "Terraform (1.6) deleted the bucket.",
            "The fix (see PR 42) landed on Monday.",
            "Grafana (self-hosted) showed the spike.",
            "The queue (Kafka) lagged.",
            "The region (Sydney) failed over.",
            "The default (Will) is kept.",
        ] {
            assert_eq!(people(thing), Vec::<&str>::new(), "{thing}");
        }
    }

    #[test]
    fn surnames_with_speech_titles_and_ages() {
        assert_eq!(people("\"We caught it early,\" Okafor said."), ["Okafor"]);
        assert_eq!(people("According to Schneider, the patch was late."), ["Schneider"]);
        assert_eq!(people("Dr. Amara Okafor joined; Ms Lee agreed."), ["Dr. Amara Okafor", "Ms Lee"]);
        assert_eq!(people("Jane Doe, 34, was not hurt."), ["Jane Doe"]);
        assert_eq!(people("The fix came from J. Smith and Emil C. on Monday."), ["J. Smith", "Emil C."]);
    }

    #[test]
    fn a_name_seen_in_full_is_a_person_alone_too() {
        assert_eq!(people("Amara Okafor led the review. Later Okafor wrote the summary."), ["Amara Okafor", "Okafor"]);
    }

    #[test]
    fn things_named_like_people_are_not_people() {
        assert!(people("Chance noticed it before the release. Luck caught the rest.").is_empty());
        let clean = [
            "Jenkins failed to archive the artifacts and Kafka dropped messages.",
            "Will the job retry? Mark the ticket resolved. Grant access to the group.",
            "We moved to Grafana and Ruby 3.2 in May; June was quiet.",
            "Johnson & Johnson and Morgan Stanley use the same vendor.",
            "Alice sends Bob a message and Mallory intercepts it.",
            "The Aurora cluster in Frankfurt failed over to Phoenix.",
            "Fancy Bear and Lazarus Group were named in the advisory.",
            "## Root Cause Analysis",
            "TLP:AMBER applies to this report.",
            "The on-call engineer paged the security lead.",
        ];
        for text in clean {
            assert!(people(text).is_empty(), "{text}: {:?}", people(text));
        }
    }

    #[test]
    fn allowed_names_are_never_found() {
        let allowed: HashSet<String> = ["priya raman".to_string(), "dave".to_string()].into_iter().collect();
        let text = "Priya Raman and Dave looked at it.";
        assert!(find(text, &Words::new(text), &allowed).is_empty(), "{:?}", find(text, &Words::new(text), &allowed));
    }

    #[test]
    fn shapes() {
        for yes in ["Priya", "O'Brien", "McDonald", "MacLeod", "DeVries", "Jean-Luc", "Nguyễn", "Ödön"] {
            assert!(is_capitalised(yes), "{yes}");
        }
        for no in ["AWS", "GitHub", "priya", "X", "PagerDuty", "K8s", "HTTPS"] {
            assert!(!is_capitalised(no), "{no}");
        }
    }
}
