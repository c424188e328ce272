//! Character classes, boundaries, lines and words: the small helpers every detector shares.

use std::ops::Range;

use rustc_hash::FxHashSet;

/// The character that ends just before byte `i`.
pub(super) fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// The character that starts at byte `i`.
pub(super) fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// Letters, digits and `_` of any script: what words are made of.
pub(super) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The words of a text (maximal runs of [`is_word`] characters), each with the hash of its
/// ASCII-lower-cased bytes, and the whole text lower-cased at the same byte offsets (see
/// [`lower_cased`]): made once a scan and shared by every detector.
pub(super) struct Words {
    words: Vec<Word>,
    lower: String,
}

/// One run of word characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Word {
    pub start: usize,
    pub end: usize,
    /// [`word_hash`] of the word's bytes.
    pub hash: u64,
    /// What kinds of bytes the word holds.
    pub class: Class,
}

/// The kinds of bytes a word holds that its readers care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Class(u8);

impl Class {
    const UNDERSCORE: u8 = 1;
    const DIGIT: u8 = 2;

    /// An ASCII digit.
    pub(super) fn has_digit(self) -> bool {
        self.0 & Class::DIGIT != 0
    }

    /// An `_`.
    pub(super) fn has_underscore(self) -> bool {
        self.0 & Class::UNDERSCORE != 0
    }
}

impl Words {
    pub(super) fn new(text: &str) -> Words {
        let bytes = text.as_bytes();
        // Prose averages six bytes a word: reserve once rather than grow.
        let mut words = Vec::with_capacity(text.len() / 6);
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match WORD_BYTE[usize::from(b)] {
                0 => {
                    i += 1;
                    continue;
                }
                NON_ASCII => match non_ascii_char(text, i) {
                    (_, true) => {}
                    (len, false) => {
                        i += len;
                        continue;
                    }
                },
                _ => {}
            }
            let start = i;
            let mut hash = HASH_SEED;
            // The entries of the word's bytes, or-ed: their class bits are the word's class.
            let mut class = 0;
            while let Some(&b) = bytes.get(i) {
                let entry = WORD_BYTE[usize::from(b)];
                if entry.wrapping_sub(1) < NON_ASCII - 1 {
                    hash = hash_byte(hash, entry as u8);
                    class |= entry;
                    i += 1;
                } else if entry == NON_ASCII {
                    let (len, true) = non_ascii_char(text, i) else { break };
                    hash = bytes[i..i + len].iter().fold(hash, |h, &b| hash_byte(h, b));
                    i += len;
                } else {
                    break;
                }
            }
            words.push(Word { start, end: i, hash: finish_hash(hash), class: Class((class >> 8) as u8) });
        }
        Words { words, lower: lower_cased(text) }
    }

    /// The text lower-cased, each byte where it is in the text.
    pub(super) fn lower(&self) -> &str {
        &self.lower
    }

    /// Every word, in text order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Word> {
        self.words.iter()
    }

    /// Every word, in text order, to index.
    pub(super) fn as_slice(&self) -> &[Word] {
        &self.words
    }
}

/// `text` with every letter lower-cased whose lower case is one character of the same UTF-8
/// length (all of ASCII, Latin, Greek and Cyrillic capitals): the same byte offsets, so a word's
/// range indexes both. The few others ("İ", the Kelvin sign) stay as written.
fn lower_cased(text: &str) -> String {
    let mut lower = String::with_capacity(text.len());
    let mut from = 0;
    // ASCII stretches are copied whole; only the other characters are looked at one by one.
    while let Some(at) = next_non_ascii(text.as_bytes(), from) {
        lower.push_str(&text[from..at]);
        let Some(c) = char_at(text, at) else { break };
        let mut lowers = c.to_lowercase();
        match (lowers.next(), lowers.next()) {
            (Some(l), None) if l.len_utf8() == c.len_utf8() => lower.push(l),
            _ => lower.push(c),
        }
        from = at + c.len_utf8();
    }
    lower.push_str(&text[from..]);
    lower.make_ascii_lowercase();
    lower
}

/// Where the first byte at or after `from` that is not ASCII is: 64 bytes at a time (the
/// standard library checks a block a machine word at a time), then byte by byte.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at < bytes.len() {
        let block = &bytes[at..(at + 64).min(bytes.len())];
        if !block.is_ascii() {
            return block.iter().position(|b| !b.is_ascii()).map(|i| at + i);
        }
        at += block.len();
    }
    None
}

/// [`WORD_BYTE`] of a byte that is not ASCII: decode the character to know. Above every other
/// entry, so that one comparison tells an ASCII word byte.
const NON_ASCII: u16 = 0x8000;

/// The length of the character at byte `i` of `text`, and whether it is a word character.
#[cold]
fn non_ascii_char(text: &str, i: usize) -> (usize, bool) {
    char_at(text, i).map_or((1, false), |c| (c.len_utf8(), is_word(c)))
}

/// For each byte: when it is an ASCII word byte (letter, digit, `_`), its lower case with its
/// [`Class`] bits above; 0 for other ASCII, [`NON_ASCII`] otherwise.
static WORD_BYTE: [u16; 256] = {
    let mut table = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        let class = match byte {
            b'_' => Class::UNDERSCORE,
            b'0'..=b'9' => Class::DIGIT,
            _ => 0,
        };
        table[b] = if byte.is_ascii_alphanumeric() || byte == b'_' {
            (class as u16) << 8 | byte.to_ascii_lowercase() as u16
        } else {
            0
        };
        b += 1;
    }
    table
};

const HASH_SEED: u64 = 0;

/// One step of the word hash: the bytes packed into a word (up to eight exactly), two cycles a
/// byte; [`finish_hash`] mixes them once a word.
#[inline]
fn hash_byte(hash: u64, b: u8) -> u64 {
    hash.rotate_left(8) ^ u64::from(b)
}

/// Spreads the packed bytes over every bit, the top ones too ([`HashFilter`] keys on them).
#[inline]
fn finish_hash(hash: u64) -> u64 {
    let hash = hash.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    hash ^ hash >> 29
}

/// The hash [`Words`] gives a word with these bytes, ignoring ASCII case.
pub(super) fn word_hash(word: &[u8]) -> u64 {
    finish_hash(word.iter().fold(HASH_SEED, |h, &b| hash_byte(h, b.to_ascii_lowercase())))
}

/// A one-bit filter of word hashes (32,768 bits, by their top bits, 4 kB): most words are not
/// in the set, and it says so at once; a set of 500 words lets 1.5% of other words through.
pub(super) struct HashFilter(Box<[u64; 512]>);

impl HashFilter {
    pub(super) fn new(hashes: impl IntoIterator<Item = u64>) -> HashFilter {
        let mut bits = Box::new([0u64; 512]);
        for hash in hashes {
            let bit = HashFilter::bit(hash);
            bits[bit / 64] |= 1 << (bit % 64);
        }
        HashFilter(bits)
    }

    /// False when no hash of the set is `hash`; true when one may be.
    #[inline]
    pub(super) fn may_contain(&self, hash: u64) -> bool {
        let bit = HashFilter::bit(hash);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }

    #[inline]
    fn bit(hash: u64) -> usize {
        (hash >> 49) as usize
    }
}

/// True when `text[i..]` continues a number: a digit, or `.`/`-` followed by a digit (as in
/// versions and long ids), so a match ending at `i` is only part of something bigger.
pub(super) fn continues_number(text: &str, i: usize) -> bool {
    let rest = text.as_bytes().get(i..).unwrap_or_default();
    match rest {
        [d, ..] if d.is_ascii_digit() => true,
        [b'.' | b'-', d, ..] => d.is_ascii_digit(),
        _ => false,
    }
}

/// The maximal runs of bytes accepted by `member` that hold an ASCII digit, each from its first
/// byte accepted by `start`, and that `keep` accepts: the only places where a numeric pattern
/// can match. Digits are members and start bytes; the runs are looked for around the digits of
/// the text's `words`, so the bytes of other words are never read.
pub(super) fn digit_runs<'t>(
    text: &'t str,
    words: &'t Words,
    start: impl Fn(u8) -> bool + 't,
    member: impl Fn(u8) -> bool + 't,
    keep: impl Fn(&[u8]) -> bool + 't,
) -> impl Iterator<Item = Range<usize>> + 't {
    let bytes = text.as_bytes();
    let digits = words
        .iter()
        .filter(|w| w.class.has_digit())
        .flat_map(move |w| (w.start..w.end).filter(move |&i| bytes[i].is_ascii_digit()));
    let mut searched = 0;
    digits.filter_map(move |digit| {
        if digit < searched {
            return None;
        }
        let first = digit - bytes[searched..digit].iter().rev().take_while(|&&b| member(b)).count();
        let begin = first + bytes[first..digit].iter().position(|&b| start(b)).unwrap_or(digit - first);
        searched = digit + bytes[digit..].iter().take_while(|&&b| member(b)).count();
        keep(&bytes[begin..searched]).then_some(begin..searched)
    })
}

/// How many bytes of `run` are ASCII digits.
pub(super) fn digits(run: &[u8]) -> usize {
    run.iter().filter(|b| b.is_ascii_digit()).count()
}

/// Where the stretch that ends at byte `at` starts: just after the last of the ASCII
/// `delimiters` before it, looking back at most `limit` bytes (so scanning stays linear on a
/// line of megabytes).
pub(super) fn start_after(text: &str, at: usize, delimiters: &[u8], limit: usize) -> usize {
    let mut from = at.saturating_sub(limit);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let last = find_ascii(&text.as_bytes()[from..at], delimiters, true);
    last.map_or(from, |i| from + i + 1)
}

/// Where the stretch that starts at byte `at` ends: at the first of the ASCII `delimiters`,
/// looking ahead at most `limit` bytes.
pub(super) fn end_before(text: &str, at: usize, delimiters: &[u8], limit: usize) -> usize {
    let mut to = (at + limit).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let first = find_ascii(&text.as_bytes()[at..to], delimiters, false);
    first.map_or(to, |i| at + i)
}

/// Where the first (or, `backwards`, the last) of the ASCII `delimiters` is in `bytes`.
fn find_ascii(bytes: &[u8], delimiters: &[u8], backwards: bool) -> Option<usize> {
    if let [a, rest @ ..] = delimiters {
        if rest.len() <= 2 {
            let b = *rest.first().unwrap_or(a);
            let c = *rest.get(1).unwrap_or(&b);
            return if backwards { memchr::memrchr3(*a, b, c, bytes) } else { memchr::memchr3(*a, b, c, bytes) };
        }
    }
    let set = ascii_set(delimiters);
    if backwards {
        bytes.iter().rposition(|&b| in_ascii_set(set, b))
    } else {
        bytes.iter().position(|&b| in_ascii_set(set, b))
    }
}

/// The ASCII bytes of `bytes` as a bit set.
fn ascii_set(bytes: &[u8]) -> u128 {
    bytes.iter().filter(|b| b.is_ascii()).fold(0, |set, &b| set | 1 << b)
}

fn in_ascii_set(set: u128, b: u8) -> bool {
    b.is_ascii() && set >> b & 1 == 1
}

/// The line (without its line break) that holds byte `i`.
pub(super) fn line_at(text: &str, i: usize) -> Range<usize> {
    let start = memchr::memrchr(b'\n', &text.as_bytes()[..i]).map_or(0, |n| n + 1);
    let end = memchr::memchr(b'\n', &text.as_bytes()[i..]).map_or(text.len(), |n| i + n);
    start..end
}

/// Case-insensitive (ASCII) `ends_with`.
pub(super) fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len() && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// True when `host` is `domain` or one of its subdomains (ASCII case-insensitive).
pub(super) fn is_in_domain(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case(domain)
        || (ends_with_ignore_case(host, domain) && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// True when `word` is one of `list` (ASCII case-insensitive).
pub(super) fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A fixed list of lower-case words, for lists too long for [`is_one_of`] to scan one by one.
pub(super) struct WordSet(FxHashSet<&'static str>);

impl WordSet {
    pub(super) fn new(words: &[&'static str]) -> WordSet {
        WordSet(words.iter().copied().collect())
    }

    /// True when `lower`, a lower-case word, is in the list.
    pub(super) fn contains(&self, lower: &str) -> bool {
        self.0.contains(lower)
    }
}

/// Part of a prose word: letters, digits, apostrophes (straight or curly) and hyphens.
fn is_word_piece(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’' | '-')
}

/// The words that end before byte `end`, nearest first, separated by white space; stops at the
/// first punctuation, so words never come from another clause.
pub(super) fn words_before(text: &str, end: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut pos = end;
    std::iter::from_fn(move || {
        let before = text[..pos].trim_end();
        if before.len() == pos {
            return None;
        }
        let start = before.char_indices().rev().find(|&(_, c)| !is_word_piece(c)).map_or(0, |(i, c)| i + c.len_utf8());
        if start == before.len() {
            return None;
        }
        pos = start;
        Some(start..before.len())
    })
}

/// True when one of `words` (lower-case ASCII) occurs as a whole word on the line before byte
/// `at`, at most `window` bytes back: the context that makes an ambiguous number a phone number.
pub(super) fn context_before(text: &str, at: usize, window: usize, words: &[&str]) -> bool {
    let lo = at.saturating_sub(window);
    let mut from = memchr::memrchr(b'\n', &text.as_bytes()[lo..at]).map_or(lo, |n| lo + n + 1);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text[from..at].split(|c: char| !c.is_ascii_alphabetic()).any(|w| is_one_of(w, words))
}

/// Shannon entropy of `s` in bits per byte.
pub(super) fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_word_characters_hashed_without_ascii_case() {
        let text = "Don’t  page_Dave: José-42!";
        let words = Words::new(text);
        let found: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(found, ["Don", "t", "page_Dave", "José", "42"]);
        let hashes: Vec<u64> = words.iter().map(|w| w.hash).collect();
        assert_eq!(hashes[2], word_hash(b"PAGE_dave"));
        assert_eq!(hashes[3], word_hash("josé".as_bytes()));
        assert_ne!(hashes[3], word_hash("josÉ".as_bytes()), "only ASCII case is ignored");
        let classes: Vec<(bool, bool)> =
            words.iter().map(|w| (w.class.has_underscore(), w.class.has_digit())).collect();
        assert_eq!(classes, [(false, false), (false, false), (true, false), (false, false), (false, true)]);
    }

    /// The words of `text` by their definition, a character at a time.
    fn words_by_definition(text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().map(|(i, c)| (i, Some(c))).chain([(text.len(), None)]) {
            match (c.is_some_and(is_word), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let word = &text[s..i];
                    let underscore = if word.contains('_') { Class::UNDERSCORE } else { 0 };
                    let digit = if word.bytes().any(|b| b.is_ascii_digit()) { Class::DIGIT } else { 0 };
                    let class = underscore | digit;
                    out.push(Word { start: s, end: i, hash: word_hash(word.as_bytes()), class: Class(class) });
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn words_are_found_as_defined(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Z", "q", "M", "0", "9", "_", " ", "-", ".", "@", "`", "[", "{", "/", ":", "\n", "é", "É",
                    "’", "中", "ß", "İ", "🙂", "\u{a0}", "x7", "ab", "Quick", "brown_fox", "\u{7f}",
                ]),
                0..80,
            )
        ) {
            let text: String = pieces.concat();
            let words = Words::new(&text);
            proptest::prop_assert_eq!(words.as_slice(), &words_by_definition(&text)[..]);
        }
    }

    #[test]
    fn the_lower_cased_text_keeps_every_byte_in_place() {
        let long = format!("{}ÉMILE {}MÜLLER", "A".repeat(150), "b".repeat(70));
        assert_eq!(lower_cased(&long), format!("{}émile {}müller", "a".repeat(150), "b".repeat(70)));
        let odd = "İzmir KELVIN";
        assert_eq!(lower_cased(odd), "İzmir kelvin", "a capital whose lower case is longer stays");
        let text = "ÉMILE page_DAVE: Ünal’s";
        let words = Words::new(text);
        assert_eq!(words.lower(), "émile page_dave: ünal’s");
        for w in words.iter() {
            assert_eq!(text[w.start..w.end].to_lowercase(), words.lower()[w.start..w.end]);
        }
    }

    #[test]
    fn a_hash_filter_holds_what_it_was_given() {
        let hashes: Vec<u64> = ["owner", "cc", "reported"].iter().map(|w| word_hash(w.as_bytes())).collect();
        let filter = HashFilter::new(hashes.iter().copied());
        assert!(hashes.iter().all(|&h| filter.may_contain(h)));
        let others = (0..1000).map(|i| word_hash(format!("word{i}").as_bytes()));
        assert!(others.filter(|&h| filter.may_contain(h)).count() < 20, "three bits of 4,096 pass few others");
    }

    #[test]
    fn chars_around_a_position() {
        let text = "é1x";
        assert_eq!(char_before(text, 2), Some('é'));
        assert_eq!(char_at(text, 2), Some('1'));
        assert_eq!(char_before(text, 0), None);
        assert_eq!(char_at(text, text.len()), None);
    }

    #[test]
    fn numbers_continue_through_dots_and_dashes_before_digits() {
        assert!(continues_number("1.2.3.4.5", 7));
        assert!(continues_number("123-45", 3));
        assert!(continues_number("12", 1));
        assert!(!continues_number("1.2.3.4. Next", 7));
        assert!(!continues_number("1-a", 1));
        assert!(!continues_number("12", 2));
    }

    #[test]
    fn digit_runs_start_at_a_start_byte_and_are_kept_by_the_predicate() {
        let text = "tel +44 (0)20 7946 0123, ref 12-34 and 1.2.3.4.5.6.7";
        let start = |b: u8| b.is_ascii_digit() || b == b'+';
        let member = |b: u8| b.is_ascii_digit() || b" ()+.-".contains(&b);
        let found: Vec<&str> =
            digit_runs(text, &Words::new(text), start, member, |r| digits(r) >= 7).map(|r| &text[r]).collect();
        assert_eq!(found, ["+44 (0)20 7946 0123", "1.2.3.4.5.6.7"]);
        let glued = "x+1234567, (.)+ -- 12ab3456789 _2345678";
        let found: Vec<&str> =
            digit_runs(glued, &Words::new(glued), start, member, |r| digits(r) >= 7).map(|r| &glued[r]).collect();
        assert_eq!(found, ["+1234567", "3456789 ", "2345678"], "from the start byte; inside words too");
    }

    #[test]
    fn stretches_are_bounded() {
        let text = "one. two three. four";
        assert_eq!(&text[start_after(text, text.len(), b".", 100)..], " four");
        assert_eq!(&text[start_after(text, text.len(), b".", 3)..], "our");
        assert_eq!(&text[..end_before(text, 0, b".", 100)], "one");
        assert_eq!(&text[..end_before(text, 0, b".", 2)], "on");
        let clause = "Yes! Then é; and so";
        assert_eq!(&clause[start_after(clause, clause.len(), b".!?\n;", 100)..], " and so", "any of many delimiters");
        assert_eq!(&clause[..end_before(clause, 0, b".!?\n;", 100)], "Yes");
        let wide = "ééé";
        assert_eq!(start_after(wide, wide.len(), b".", 3), 4, "never inside a character");
        assert_eq!(end_before(wide, 0, b".", 3), 2);
    }

    #[test]
    fn lines_exclude_the_break() {
        let text = "one\ntwo\nthree";
        assert_eq!(&text[line_at(text, 5)], "two");
        assert_eq!(&text[line_at(text, 0)], "one");
        assert_eq!(&text[line_at(text, 12)], "three");
    }

    #[test]
    fn domains_match_themselves_and_subdomains_only() {
        assert!(is_in_domain("corp.acme.io", "corp.acme.io"));
        assert!(is_in_domain("DB01.Corp.Acme.IO", "corp.acme.io"));
        assert!(!is_in_domain("notcorp.acme.io", "corp.acme.io"));
        assert!(!is_in_domain("acme.io", "corp.acme.io"));
    }

    #[test]
    fn words_before_stop_at_punctuation() {
        let text = "Later, Dave's new-ish intern deleted";
        let words: Vec<&str> = words_before(text, 29).map(|r| &text[r]).collect();
        assert_eq!(words, ["intern", "new-ish", "Dave's"]);
        assert_eq!(words_before("x(deleted", 2).count(), 0);
    }

    #[test]
    fn context_is_whole_words_on_the_same_line() {
        let text = "tel: 7946 0958";
        assert!(context_before(text, 5, 30, &["tel"]));
        assert!(!context_before("hotel 7946 0958", 6, 30, &["tel"]));
        assert!(!context_before("phone\n7946 0958", 6, 30, &["phone"]));
        assert!(!context_before("phone and then a long run of words 7946", 35, 10, &["phone"]));
    }

    #[test]
    fn entropy_grows_with_variety() {
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
        assert!(entropy("wJalrXUtnFEMIK7MDENGbPxRfiCY") > 4.0);
    }
}
