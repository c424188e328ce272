//! Lines that exist to name people: "Authors: …", "Owner: …", "Reported by …", "cc: …", and
//! the name under a sign-off ("Thanks,\nJane"). Each person in them is found, by name or by
//! user name; roles and teams ("Owner: SRE team") name no one.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use super::gazetteer;
use super::lists::{ATTRIBUTION_LABELS, ROLE_WORDS, SIGN_OFFS};
use super::names::is_thing;
use crate::scan::phrase::PhraseSet;
use crate::scan::text::Words;

/// Byte ranges of the people named in attribution lines and signatures of `text`.
pub(super) fn find(text: &str, words: &Words) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut sign_off = 0u8;
    let mut table_columns: Vec<usize> = Vec::new();
    // The "… by" labels of the whole text, found in one pass and taken line by line.
    let mut by_labels = BY_LABELS.find(text, words).map(|(range, ())| range.start).peekable();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if sign_off > 0 && !body.trim().is_empty() {
            sign_off -= 1;
            let trimmed = body.trim_start_matches([' ', '\t', '-', '—', '–', '>']);
            let at = offset + body.len() - trimmed.len();
            let first = trimmed.split(['|', ',', '·']).next().unwrap_or(trimmed).trim_end();
            push_item(at, first, &mut out);
        }
        table_columns = table(body, offset, std::mem::take(&mut table_columns), &mut out);
        let mut on_line = Vec::new();
        while let Some(at) = by_labels.next_if(|&at| at < offset + line.len()) {
            on_line.push(at - offset);
        }
        for value in values_after_labels(body, &on_line) {
            for item in items(body, value) {
                push_item(offset + item.start, &body[item], &mut out);
            }
        }
        if let Some(item) = signature(body) {
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

/// "-- tmakinen", "— H. Strand" starting a line, or "… before matching — ayaz" ending one.
fn signature(line: &str) -> Option<Range<usize>> {
    let trimmed = line.trim_start();
    // Both dashes start with the byte E2: most lines have none, and memchr says so at once.
    let dashed = memchr::memchr(0xE2, line.as_bytes()).is_some() && (line.contains('—') || line.contains('–'));
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

/// Where the values of the attribution labels on `line` start: after "Owner:",
/// "**Authors:**", "| Owner |" at the start of the line or after "(", ". ", "; " or "· ",
/// and after the "reported by", "posted by" labels found at `by_labels`.
fn values_after_labels(line: &str, by_labels: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = value_after_label(line, true).into_iter().collect();
    let mut push = |v: usize| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    // Bytes, not chars: "(", ".", ";" and "·" (U+00B7, whose second byte is B7).
    let bytes = line.as_bytes();
    let after_dots = memchr::memchr3_iter(b'(', b'.', b';', bytes).map(|i| i + 1);
    let after_bullets = memchr::memchr_iter(0xB7, bytes).filter(|&i| i > 0 && bytes[i - 1] == 0xC2).map(|i| i + 1);
    for from in after_dots.chain(after_bullets) {
        if let Some(v) = value_after_label(&line[from..], true) {
            push(from + v);
        }
    }
    for &at in by_labels.iter().filter(|&&at| at < line.len()) {
        let whole_word = line[..at].chars().next_back().is_none_or(char::is_whitespace);
        if let Some(v) = value_after_label(&line[at..], false).filter(|_| whole_word) {
            push(at + v);
        }
    }
    out
}

/// The labels that need no colon ("reported by", "assigned to"), found anywhere in one pass.
static BY_LABELS: LazyLock<PhraseSet<()>> = LazyLock::new(|| {
    let labels = ATTRIBUTION_LABELS.iter().filter(|l| l.ends_with(" by") || l.ends_with("-by") || l.ends_with(" to"));
    PhraseSet::new(labels.map(|l| (l, ())), false).expect("a non-empty label list")
});

/// The attribution labels by their first word, so a line position is looked up, not searched.
static LABELS_BY_FIRST_WORD: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<&'static str>> = HashMap::default();
    for label in ATTRIBUTION_LABELS {
        let first = label.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or(label);
        map.entry(first).or_default().push(label);
    }
    map
});

/// Where the value of an attribution line starts; with `colon_labels`, labels that need a
/// colon count too, else only "… by" and "… to" labels.
fn value_after_label(line: &str, colon_labels: bool) -> Option<usize> {
    let lead = if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
        0
    } else {
        line.len() - line.trim_start_matches([' ', '\t', '>', '-', '*', '+', '|', '#', '_']).len()
    };
    let rest = &line[lead..];
    let first_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
    if first_len == 0 || first_len > 16 {
        return None;
    }
    let first = &rest[..first_len];
    let candidates = if first.bytes().all(|b| b.is_ascii_lowercase()) {
        LABELS_BY_FIRST_WORD.get(first)
    } else {
        LABELS_BY_FIRST_WORD.get(first.to_ascii_lowercase().as_str())
    }?;
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
    let needs_colon = !(label.ends_with(" by") || label.ends_with(" to") || label.ends_with("-by"));
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
    Some(line.len() - value.len())
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
    let is_role = |w: &str| ROLE_WORDS.contains(&w) || is_thing(w);
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
