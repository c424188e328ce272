//! Lines that exist to name people: "Authors: …", "Owner: …", "Reported by …", "cc: …", and
//! the name under a sign-off ("Thanks,\nJane"). Each person in them is found, by name or by
//! user name; roles and teams ("Owner: SRE team") name no one.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use super::gazetteer;
use super::lists::{ATTRIBUTION_LABELS, ROLE_WORDS, SIGN_OFFS};
use super::names::is_thing;
use crate::scan::text::{word_hash, HashFilter, Word, Words};

/// Byte ranges of the people named in attribution lines and signatures of `text`.
pub(super) fn find(text: &str, words: &Words) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut sign_off = 0u8;
    let mut table_columns: Vec<usize> = Vec::new();
    // Where labels may start, found in one pass over the words and taken line by line.
    let mut labels = label_starts(text, words).into_iter().peekable();
    // The bytes that start a long dash, for [`signature`]: most lines have none.
    let mut dashes = memchr::memchr_iter(0xE2, text.as_bytes()).peekable();
    while offset < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[offset..]).map_or(text.len(), |n| offset + n + 1);
        let line = &text[offset..end];
        let body = line.trim_end_matches(['\n', '\r']);
        while dashes.next_if(|&at| at < offset).is_some() {}
        let dashed = dashes.peek().is_some_and(|&at| at < offset + body.len());
        if sign_off > 0 && !body.trim().is_empty() {
            sign_off -= 1;
            let trimmed = body.trim_start_matches([' ', '\t', '-', '—', '–', '>']);
            let at = offset + body.len() - trimmed.len();
            let first = trimmed.split(['|', ',', '·']).next().unwrap_or(trimmed).trim_end();
            push_item(at, first, &mut out);
        }
        let row = body.trim_start().starts_with('|');
        table_columns =
            if row { table(body, offset, std::mem::take(&mut table_columns), &mut out) } else { Vec::new() };
        let mut values: Vec<usize> = Vec::new();
        while let Some((at, hash)) = labels.next_if(|&(at, _)| at < offset + line.len()) {
            if let Some(value) = value_at(body, at - offset, hash).filter(|v| !values.contains(v)) {
                values.push(value);
            }
        }
        for value in values {
            for item in items(body, value) {
                push_item(offset + item.start, &body[item], &mut out);
            }
        }
        if let Some(item) = signature(body, dashed) {
            push_item(offset + item.start, &body[item], &mut out);
        }
        let delimiter = matches!(body.trim_end(), "--" | "-- " | "—");
        let short = body.len() < 24 && body.trim_end().ends_with(',');
        let bare =
            if short { body.trim().trim_end_matches([',', '!', '.']).trim().to_lowercase() } else { String::new() };
        if delimiter || !bare.is_empty() && SIGN_OFFS.contains(&bare.as_str()) {
            sign_off = 3;
        }
        offset += line.len();
    }
    out.sort_by_key(|r| (r.start, r.end));
    out.dedup();
    out
}

/// Where the words of `text` that may begin an attribution label start, in order, with their
/// [`word_hash`]: the first word of a "… by" label anywhere, of another label where a clause
/// starts (see [`value_at`]); also inside underscores ("__Owner__").
fn label_starts(text: &str, words: &Words) -> Vec<(usize, u64)> {
    let bytes = text.as_bytes();
    let first_words = &*FIRST_WORDS;
    let mut starts = Vec::new();
    for w in words.iter() {
        let (at, hash) = if w.class.has_underscore() { past_underscores(bytes, w) } else { (w.start, w.hash) };
        // The "… by" labels are some of all: one test rules out most words.
        if first_words.all.may_contain(hash) && (first_words.by.may_contain(hash) || starts_clause(bytes, at)) {
            starts.push((at, hash));
        }
    }
    starts
}

/// Where the letters of a word with underscores start ("__Owner__"), and their [`word_hash`].
#[cold]
fn past_underscores(bytes: &[u8], w: &Word) -> (usize, u64) {
    let at = w.start + bytes[w.start..w.end].iter().take_while(|&&b| b == b'_').count();
    let len = bytes[at..w.end].iter().take_while(|b| b.is_ascii_alphabetic()).count();
    (at, word_hash(&bytes[at..at + len]))
}

/// True when the word at byte `at` starts a clause, with only white space, quote, list and
/// emphasis marks before it: at the start of `bytes` or of a line, or after "(", ".", ";" or "·".
fn starts_clause(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at - bytes[..at].iter().rev().take_while(|&&b| is_lead(b)).count()];
    before.is_empty() || matches!(before.last(), Some(b'\n' | b'(' | b'.' | b';')) || before.ends_with("·".as_bytes())
}

/// Where the value of a label whose first word (of [`word_hash`] `hash`) starts at byte `at` of
/// `line` starts: any label where a clause starts ("Owner:", "**Authors:**", "| Owner |",
/// "(reviewer: …"), a "reported by", "posted by" label also after white space anywhere.
fn value_at(line: &str, at: usize, hash: u64) -> Option<usize> {
    let colon_labels = starts_clause(line.as_bytes(), at);
    let whole_word = colon_labels || line[..at].chars().next_back().is_none_or(char::is_whitespace);
    whole_word.then(|| value_after_label(&line[at..], hash, colon_labels)).flatten().map(|v| at + v)
}

/// What may stand before a label: white space, quote, list and heading marks, emphasis.
fn is_lead(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'>' | b'-' | b'*' | b'+' | b'|' | b'#' | b'_')
}

/// The first words of the attribution labels, to find the words that may start one.
struct FirstWords {
    all: HashFilter,
    /// Of the labels that need no colon ("reported by", "assigned to").
    by: HashFilter,
}

static FIRST_WORDS: LazyLock<FirstWords> = LazyLock::new(|| {
    let of = |by_only: bool| {
        let labels = ATTRIBUTION_LABELS.iter().filter(|l| !by_only || needs_no_colon(l));
        HashFilter::new(labels.map(|l| word_hash(first_word(l).as_bytes())))
    };
    FirstWords { all: of(false), by: of(true) }
});

/// A label's first word: "author" of "author(s)", "on" of "on-call".
fn first_word(label: &str) -> &str {
    label.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or(label)
}

/// "reported by", "assigned to", "signed-off-by": labels whose value may follow without a colon.
fn needs_no_colon(label: &str) -> bool {
    label.ends_with(" by") || label.ends_with(" to") || label.ends_with("-by")
}

/// The cells of a markdown table row, as byte ranges of `line` (without the bars).
fn cells(line: &str) -> Option<Vec<Range<usize>>> {
    let trimmed = line.trim();
    if !trimmed.starts_with('|') || trimmed.len() < 2 {
        return None;
    }
    let start = line.find('|')?;
    let mut out = Vec::new();
    let mut from = start + 1;
    for (i, _) in line[start + 1..].match_indices('|') {
        out.push(from..start + 1 + i);
        from = start + 2 + i;
    }
    Some(out)
}

/// Tables whose header names an attribution column ("| Owner | Action | Due |"): the people in
/// that column of each row. Returns the attribution columns to carry to the next row.
fn table(line: &str, offset: usize, columns: Vec<usize>, out: &mut Vec<Range<usize>>) -> Vec<usize> {
    let Some(cells) = cells(line) else { return Vec::new() };
    if cells.iter().all(|c| line[c.clone()].trim().chars().all(|ch| matches!(ch, '-' | ':' | ' '))) {
        return columns;
    }
    for pair in cells.windows(2) {
        let key = line[pair[0].clone()]
            .trim()
            .trim_matches(['*', '_'])
            .trim_end_matches(':')
            .trim_matches(['*', '_'])
            .to_lowercase();
        if ATTRIBUTION_LABELS.contains(&key.as_str()) {
            for item in items(line, pair[1].start).into_iter().filter(|r| r.end <= pair[1].end) {
                push_item(offset + item.start, &line[item], out);
            }
        }
    }
    if !columns.is_empty() {
        for &c in &columns {
            if let Some(cell) = cells.get(c) {
                for item in items(line, cell.start).into_iter().filter(|r| r.end <= cell.end) {
                    push_item(offset + item.start, &line[item], out);
                }
            }
        }
        return columns;
    }
    cells
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let header = line[(*c).clone()].trim().trim_matches(['*', '_']).to_lowercase();
            ATTRIBUTION_LABELS.contains(&header.as_str())
        })
        .map(|(i, _)| i)
        .collect()
}

/// "-- tmakinen", "— H. Strand" starting a line, or "… before matching — ayaz" ending one;
/// `dashed` when the line holds the byte E2 that both long dashes start with.
fn signature(line: &str, dashed: bool) -> Option<Range<usize>> {
    let trimmed = line.trim_start();
    let dashed = dashed && (line.contains('—') || line.contains('–'));
    if !trimmed.starts_with(['-', '—', '–']) && !dashed {
        return None;
    }
    for dash in ["-- ", "— ", "– "] {
        if let Some(rest) = trimmed.strip_prefix(dash) {
            let at = line.len() - rest.len();
            let item = rest.split(['|', ',', '(', '·']).next().unwrap_or(rest).trim_end();
            return (!item.is_empty()).then_some(at..at + item.len());
        }
    }
    if !dashed {
        return None;
    }
    let (before, last) = line.trim_end().rsplit_once(" — ").or_else(|| line.trim_end().rsplit_once(" – "))?;
    let at = before.len()
        + 3
        + (line[before.len()..].len() - line[before.len()..].trim_start_matches([' ', '—', '–']).len() - 3);
    let item = last.trim_end_matches(['.', ')']);
    (item.split_whitespace().count() == 1
        && item.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)))
    .then_some(at..at + item.len())
}

/// The attribution labels by the [`word_hash`] of their first word, so a word is looked up,
/// not searched.
static LABELS_BY_FIRST_WORD: LazyLock<HashMap<u64, Vec<&'static str>>> = LazyLock::new(|| {
    let mut map: HashMap<u64, Vec<&'static str>> = HashMap::default();
    for label in ATTRIBUTION_LABELS {
        map.entry(word_hash(first_word(label).as_bytes())).or_default().push(label);
    }
    map
});

/// Where the value of the label that `rest` starts with starts, its first word's
/// [`word_hash`] being `hash`; with `colon_labels`, labels that need a colon count too, else
/// only "… by" and "… to" labels.
fn value_after_label(rest: &str, hash: u64, colon_labels: bool) -> Option<usize> {
    let candidates = LABELS_BY_FIRST_WORD.get(&hash)?;
    let label = candidates
        .iter()
        .filter(|l| {
            rest.get(..l.len()).is_some_and(|head| head.eq_ignore_ascii_case(l))
                && !rest[l.len()..].starts_with(|c: char| c.is_alphanumeric())
        })
        .max_by_key(|l| l.len())?;
    let after = &rest[label.len()..];
    let closers = after.len() - after.trim_start_matches(['*', '_']).len();
    let after = &after[closers..];
    let sep = after.len() - after.trim_start().len();
    let after_sep = &after[sep..];
    let needs_colon = !needs_no_colon(label);
    if needs_colon && !colon_labels {
        return None;
    }
    let (skip, ok) = match after_sep.chars().next() {
        Some(':' | '|') => (1, true),
        Some(_) => (0, !needs_colon && sep > 0),
        None => (0, false),
    };
    if !ok {
        return None;
    }
    let value = &after_sep[skip..];
    let value = value.trim_start_matches(['*', '_', ' ', '\t']);
    Some(rest.len() - value.len())
}

/// The items of a value that starts at byte `from` of `line`: split at commas, semicolons,
/// "and", "&", "/" and "+", up to the end of the value (a table bar, a "·", a sentence end).
fn items(line: &str, from: usize) -> Vec<Range<usize>> {
    let value = &line[from..];
    let first = value.split_whitespace().next().unwrap_or("");
    if first.contains("://") || first.starts_with("mailto:") || first.starts_with("www.") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (mut start, mut depth, mut end) = (0, 0usize, value.len());
    let mut chars = value.char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' if depth > 0 => depth -= 1,
            '|' | '·' | ')' | ']' if depth == 0 => {
                end = k;
                break;
            }
            '.' if depth == 0 && next.is_none_or(|n| n == ' ') && !ends_abbreviation(&value[..k]) => {
                end = k;
                break;
            }
            ',' | ';' | '/' | '&' | '+' if depth == 0 => {
                out.push(start..k);
                start = k + 1;
            }
            ' ' if depth == 0 && value[k..].to_ascii_lowercase().starts_with(" and ") => {
                out.push(start..k);
                start = k + 5;
                for _ in 0..4 {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out.push(start..end.max(start));
    out.into_iter()
        .filter_map(|r| {
            let item = &value[r.clone()];
            let item = item.split(['(', '<']).next().unwrap_or(item);
            let core = item.trim_matches(|c: char| c.is_whitespace() || "*_`\"'.:".contains(c));
            if core.is_empty() {
                return None;
            }
            let start = from + r.start + value[r].find(core)?;
            Some(start..start + core.len())
        })
        .collect()
}

/// True when `before` ends with an initial ("J") or a title ("Dr"): the dot after it ends no
/// sentence.
fn ends_abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || super::lists::HONORIFICS.contains(&word.to_lowercase().as_str())
}

/// Records `item` (at byte `at`) when it names a person: a name of capitalised words
/// or a user name, not a role, a team, a date or an address.
fn push_item(at: usize, item: &str, out: &mut Vec<Range<usize>>) {
    if is_person_item(item) {
        out.push(at..at + item.len());
    }
}

fn is_person_item(item: &str) -> bool {
    let words: Vec<&str> = item.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 4
        || item.contains(['@', '[', ']', '{', '}', '=', '#'])
        || item.starts_with(|c: char| !c.is_alphabetic())
    {
        return false;
    }
    let lower: Vec<String> =
        words.iter().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).collect();
    // A role, team or thing, also written as a slug ("finance-ops", "network_engineer").
    let is_role = |w: &str| ROLE_WORDS.contains(w) || is_thing(w);
    if lower.iter().any(|w| is_role(w) || w.split(['-', '_']).any(is_role)) {
        return false;
    }
    if let [word] = words.as_slice() {
        let is_user_name = word.len() >= 2
            && word.len() <= 32
            && word.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && word.chars().any(|c| c.is_ascii_lowercase());
        let capitalised =
            word.chars().next().is_some_and(char::is_uppercase) && word.chars().skip(1).any(char::is_lowercase);
        if !is_user_name && !capitalised {
            return false;
        }
        let entry = gazetteer::lookup(&lower[0]);
        return !entry.word || word.contains(['.', '_', '-']) || word.chars().any(|c| c.is_ascii_digit());
    }
    words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && lower.iter().any(|w| w.chars().count() > 1 && !gazetteer::lookup(w).word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_slugs_in_owner_columns_name_no_one() {
        let text = "| Step | Owner |\n| --- | --- |\n| Automate | finance-ops |\n| Review | network-engineer |\n| Rotate | data_protection_officer |\n| Patch | jsmith |\n";
        let found: Vec<&str> = find(text, &Words::new(text)).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["jsmith"]);
    }

    fn people(text: &str) -> Vec<&str> {
        find(text, &Words::new(text)).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn attribution_lines() {
        let text = "Authors: Priya Raman, kmensah and Li Wei\n\
                    **Owner:** jlo\n\
                    | Owner | a.nowak |\n\
                    Reported by tomasz_w (SRE)\n\
                    cc: Dana Whitfield <dana@example.com>; ops\n";
        assert_eq!(people(text), ["Priya Raman", "kmensah", "Li Wei", "jlo", "a.nowak", "tomasz_w", "Dana Whitfield"]);
    }

    #[test]
    fn labels_where_a_clause_starts_and_inside_underscores() {
        let text = "Fixed. Owner: jlo (reviewer: a.nowak) · cc: kmensah\n__Owner__: tmakinen\n\
                    We sent it to jdoe; owner jlo.\n";
        assert_eq!(people(text), ["jlo", "a.nowak", "kmensah", "tmakinen"]);
    }

    #[test]
    fn roles_teams_and_other_lines_name_no_one() {
        let text = "Owner: SRE team\nOn call: primary on-call\nowner: security-lead\nReported by: the monitoring\n\
                    From: 2024-01-01\nTo: all staff\nThe owner: unknown\nowner: devops\nassignee: TBD\n\
                    Contact: https://example.org/security\nContact: mailto:security@example.org\n\
                    Authors mentioned that the deploy failed.\n";
        assert!(people(text).is_empty(), "{:?}", people(text));
    }

    #[test]
    fn the_name_under_a_sign_off() {
        assert_eq!(people("Please check.\n\nThanks,\nAmara\n"), ["Amara"]);
        assert_eq!(people("Best regards,\n\nKwame Mensah\nSRE\n"), ["Kwame Mensah"]);
        assert!(people("Thanks,\nthe platform team\n").is_empty());
    }
}
