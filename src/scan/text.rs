//! Character classes, boundaries, lines and words: the small helpers every detector shares.

use std::ops::Range;

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

/// The maximal runs of bytes accepted by `member` that begin with a byte accepted by `start`
/// and that `keep` accepts: the only places where a numeric pattern can match, found in one
/// cheap pass so that the regexes only see them.
pub(super) fn runs<'t>(
    text: &'t str,
    start: impl Fn(u8) -> bool + 't,
    member: impl Fn(u8) -> bool + 't,
    keep: impl Fn(&[u8]) -> bool + 't,
) -> impl Iterator<Item = Range<usize>> + 't {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let begin = from + bytes.get(from..)?.iter().position(|&b| start(b))?;
        let len = bytes[begin..].iter().take_while(|&&b| member(b)).count().max(1);
        from = begin + len;
        if keep(&bytes[begin..from]) {
            return Some(begin..from);
        }
    })
}

/// How many bytes of `run` are ASCII digits.
pub(super) fn digits(run: &[u8]) -> usize {
    run.iter().filter(|b| b.is_ascii_digit()).count()
}

/// Where the stretch that ends at byte `at` starts: just after the last of `delimiters` before
/// it, looking back at most `limit` bytes (so scanning stays linear on a line of megabytes).
pub(super) fn start_after(text: &str, at: usize, delimiters: &[char], limit: usize) -> usize {
    let mut from = at.saturating_sub(limit);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text[from..at].rfind(delimiters).map_or(from, |i| from + i + 1)
}

/// Where the stretch that starts at byte `at` ends: at the first of `delimiters`, looking ahead
/// at most `limit` bytes.
pub(super) fn end_before(text: &str, at: usize, delimiters: &[char], limit: usize) -> usize {
    let mut to = (at + limit).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    text[at..to].find(delimiters).map_or(to, |i| at + i)
}

/// The line (without its line break) that holds byte `i`.
pub(super) fn line_at(text: &str, i: usize) -> Range<usize> {
    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
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
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let mut from = at.saturating_sub(window).max(line_start);
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
    fn runs_start_at_a_start_byte_and_are_kept_by_the_predicate() {
        let text = "tel +44 (0)20 7946 0123, ref 12-34 and 1.2.3.4.5.6.7";
        let start = |b: u8| b.is_ascii_digit() || b == b'+';
        let member = |b: u8| b.is_ascii_digit() || b" ()+.-".contains(&b);
        let found: Vec<&str> = runs(text, start, member, |r| digits(r) >= 7).map(|r| &text[r]).collect();
        assert_eq!(found, ["+44 (0)20 7946 0123", "1.2.3.4.5.6.7"]);
    }

    #[test]
    fn stretches_are_bounded() {
        let text = "one. two three. four";
        assert_eq!(&text[start_after(text, text.len(), &['.'], 100)..], " four");
        assert_eq!(&text[start_after(text, text.len(), &['.'], 3)..], "our");
        assert_eq!(&text[..end_before(text, 0, &['.'], 100)], "one");
        assert_eq!(&text[..end_before(text, 0, &['.'], 2)], "on");
        let wide = "ééé";
        assert_eq!(start_after(wide, wide.len(), &['.'], 3), 4, "never inside a character");
        assert_eq!(end_before(wide, 0, &['.'], 3), 2);
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
