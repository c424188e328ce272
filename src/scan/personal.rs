//! Personal data: e-mail addresses, phone numbers, payment cards (Luhn), US social security
//! numbers, IBANs (mod 97), and the people, organisations and internal code names the site
//! names in its config.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::infra::is_documentation_domain;
use super::phrase::PhraseSet;
use super::text::{
    char_at, char_before, context_before, continues_number, digit_runs, digits, ends_with_ignore_case, is_one_of,
    is_word, Words,
};
use super::{Finding, Kind, ScanConfig};

/// Every e-mail address, phone number, card number, SSN and IBAN in `text`.
pub(super) fn scan(text: &str, words: &Words, out: &mut Vec<Finding>) {
    emails(text, out);
    let start = |b: u8| b.is_ascii_digit() || b == b'+' || b == b'(';
    let member = |b: u8| b.is_ascii_digit() || matches!(b, b' ' | b'(' | b')' | b'+' | b'.' | b'-');
    for run in digit_runs(text, words, start, member, |run| digits(run) >= 7) {
        phones(text, run.clone(), out);
        cards(text, run.clone(), out);
        ssns(text, run, out);
    }
    ibans(text, words, out);
}

/// True when a number found at `range` is part of a bigger token: a word, a version, an amount
/// or an id around it. A `+` number may follow a URI scheme (`tel:+44…`).
fn is_embedded(text: &str, range: &Range<usize>) -> bool {
    let international = text[range.clone()].starts_with('+');
    char_before(text, range.start)
        .is_some_and(|c| is_word(c) || ".-+/#$€£¥".contains(c) || (c == ':' && !international))
        || char_at(text, range.end).is_some_and(|c| is_word(c) || c == '%')
        || continues_number(text, range.end)
}

/// The people, organisations and internal code names listed in the site's configuration.
pub(super) struct Names(Option<PhraseSet<Kind>>);

impl Names {
    pub(super) fn new(config: &ScanConfig) -> Names {
        let people = config.blocked_names.iter().map(|n| (n, Kind::Person));
        let orgs = config.blocked_orgs.iter().map(|n| (n, Kind::Organisation));
        let internal = config.internal_names.iter().map(|n| (n, Kind::InternalName));
        Names(PhraseSet::new(people.chain(orgs).chain(internal), true))
    }

    /// Whole-word, case-insensitive mentions, also possessive ("Dave's", "Daves'") and
    /// hyphenated ("Acme-owned"); the finding covers the name itself.
    pub(super) fn scan(&self, text: &str, words: &Words, out: &mut Vec<Finding>) {
        if let Some(set) = &self.0 {
            out.extend(set.find(text, words).map(|(range, kind)| Finding { kind, range }));
        }
    }
}

/// Top-level domains that are really file extensions ("icon@2x.png").
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "css", "js", "mjs", "ts", "tsx", "jsx", "json", "yaml", "yml",
    "toml", "lock", "txt", "html", "htm", "xml", "csv", "pdf", "zip", "gz", "tgz", "tar", "log", "exe", "dll", "so",
    "bin", "wasm",
];

/// E-mail addresses with a real-looking top-level domain, except at documentation domains,
/// `git@` (an SSH remote, not a person) and user info inside URLs.
fn emails(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let is_local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    for at in memchr::memchr_iter(b'@', bytes) {
        let run_start = bytes[..at].iter().rposition(|&b| !is_local(b)).map_or(0, |i| i + 1);
        let start = run_start + bytes[run_start..at].iter().take_while(|&&b| b == b'.').count();
        let local = &text[start..at];
        if local.is_empty()
            || local.len() > 64
            || local.eq_ignore_ascii_case("git")
            || is_url_user_info(text, start)
            || char_before(text, start).is_some_and(is_word)
        {
            continue;
        }
        let Some(end) = domain_end(text, at + 1) else { continue };
        if !is_documentation_domain(&text[at + 1..end]) {
            out.push(Finding { kind: Kind::Email, range: start..end });
        }
    }
}

/// True when the local part starting at `start` is the user info of a URL ("//user@",
/// "user:pass@"), which the URL rules own; `mailto:` is an e-mail address.
fn is_url_user_info(text: &str, start: usize) -> bool {
    match char_before(text, start) {
        Some('/') => true,
        Some(':') => !ends_with_ignore_case(&text[..start - 1], "mailto"),
        _ => false,
    }
}

/// The end of a domain name starting at `from` with at least two labels and an alphabetic
/// top-level domain that is not a file extension.
fn domain_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let run = bytes[from..].iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.').count();
    let domain = text[from..from + run].trim_end_matches(['.', '-']);
    let end = from + domain.len();
    if char_at(text, end).is_some_and(is_word) || domain.len() > 253 {
        return None;
    }
    let labels_ok = domain
        .split('.')
        .all(|label| !label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-'));
    let (_, tld) = domain.rsplit_once('.')?;
    let tld_ok = (2..=24).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && !is_one_of(tld, FILE_EXTENSIONS);
    (labels_ok && tld_ok).then_some(end)
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:(?P<intl>\+[1-9][0-9]{0,3}(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})){2,7})",
        r"|(?P<strong>1-[0-9]{3}-[0-9]{3}-[0-9]{4}|1\.[0-9]{3}\.[0-9]{3}\.[0-9]{4}|1 \([0-9]{3}\) ?[0-9]{3}-[0-9]{4}",
        r"|\([0-9]{2,5}\)[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,4}",
        r"|[0-9]{3}-[0-9]{3}-[0-9]{4}|[0-9]{3}\.[0-9]{3}\.[0-9]{4}",
        r"|0[1-9](?:[ .][0-9]{2}){4}|0[0-9]{1,4}[ -][0-9]{3,8}(?:[ -][0-9]{3,4})?)",
        r"|(?P<weak>[0-9]{3} [0-9]{3} [0-9]{4}|[0-9]{3,4}[ -][0-9]{4}|[0-9]{10,11}))(?-u:\b)",
    ))
    .expect("valid phone pattern")
});

/// Words that make an ambiguous number a phone number.
const PHONE_WORDS: &[&str] = &[
    "phone",
    "tel",
    "telephone",
    "mobile",
    "cell",
    "call",
    "called",
    "fax",
    "sms",
    "whatsapp",
    "dial",
    "ring",
    "contact",
];

/// Phone numbers: international (`+44 20 7946 0123`, `+14155552671`, `1-415-867-5309`) and
/// unambiguous national formats (`(020) 7946 0958`, `202-555-0147`, `0171 1234567`) always; bare or space-grouped digits
/// only after a word like "phone" or "call". Fictional 555-01xx numbers are fine.
fn phones(text: &str, run: Range<usize>, out: &mut Vec<Finding>) {
    for caps in PHONE.captures_iter(&text[run.clone()]) {
        let Some(m) = caps.get(0) else { continue };
        let range = run.start + m.start()..run.start + m.end();
        let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
        let plausible = if caps.name("intl").is_some() {
            (8..=15).contains(&digits)
        } else if caps.name("strong").is_some() {
            (9..=12).contains(&digits)
        } else {
            (7..=11).contains(&digits) && context_before(text, range.start, 40, PHONE_WORDS)
        };
        if plausible && !is_embedded(text, &range) && !is_fictional_phone(m.as_str()) {
            out.push(Finding { kind: Kind::Phone, range });
        }
    }
}

/// North American 555-0100 to 555-0199 numbers, reserved for fiction and documentation.
fn is_fictional_phone(number: &str) -> bool {
    let digits: Vec<u8> = number.bytes().filter(u8::is_ascii_digit).collect();
    digits.len() >= 7 && digits[digits.len() - 7..].starts_with(b"55501")
}

static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[0-9](?:[ -]?[0-9]){12,18}(?-u:\b)").expect("valid card pattern"));

/// Payment card numbers: 13–19 digits, grouped consistently, with an issuer's first digit and a
/// valid Luhn check digit. A run that starts or ends with other numbers is searched for one.
fn cards(text: &str, run: Range<usize>, out: &mut Vec<Finding>) {
    for m in CARD.find_iter(&text[run.clone()]) {
        let range = run.start + m.start()..run.start + m.end();
        if is_embedded(text, &range) {
            continue;
        }
        let groups = groups(m.as_str(), range.start);
        let found = (0..groups.len())
            .find_map(|i| (i + 1..=groups.len()).rev().map(|j| &groups[i..j]).find(|g| is_card(text, g)));
        if let Some(g) = found {
            out.push(Finding { kind: Kind::CreditCard, range: g[0].start..g[g.len() - 1].end });
        }
    }
}

/// The digit groups of a run like "4111 1111-1111 1111", as byte ranges (offset by `at`).
fn groups(run: &str, at: usize) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    for (i, b) in run.bytes().enumerate() {
        if !b.is_ascii_digit() {
            groups.push(at + start..at + i);
            start = i + 1;
        }
    }
    groups.push(at + start..at + run.len());
    groups
}

/// True when `groups` of `text` form a card number.
fn is_card(text: &str, groups: &[Range<usize>]) -> bool {
    let (Some(first), Some(last)) = (groups.first(), groups.last()) else { return false };
    let number = &text[first.start..last.end];
    let digits: Vec<u8> = number.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let separators: Vec<u8> = number.bytes().filter(|b| !b.is_ascii_digit()).collect();
    let lens: Vec<usize> = groups.iter().map(Range::len).collect();
    let grouped = match lens.as_slice() {
        [_] | [4, 6, 4 | 5] => true,
        [4, middle @ .., last] => middle.iter().all(|&l| l == 4) && (1..=4).contains(last),
        _ => false,
    };
    (13..=19).contains(&digits.len())
        && separators.windows(2).all(|w| w[0] == w[1])
        && grouped
        && (2..=6).contains(&digits[0])
        && digits.iter().any(|&d| d != digits[0])
        && luhn(&digits)
}

/// The Luhn check over decimal digits (0–9 values).
fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

static SSN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([0-9]{3})([ -]?)([0-9]{2})([ -]?)([0-9]{4})(?-u:\b)").expect("valid SSN pattern")
});

/// Words that make nine digits a social security number.
const SSN_WORDS: &[&str] = &["ssn", "social", "security"];

/// US social security numbers: `ddd-dd-dddd` always, spaced or bare only after "SSN" or
/// "social security"; never area 000, 666 or 9xx, group 00 or serial 0000.
fn ssns(text: &str, run: Range<usize>, out: &mut Vec<Finding>) {
    for caps in SSN.captures_iter(&text[run.clone()]) {
        let (Some(m), Some(area), Some(sep1), Some(group), Some(sep2), Some(serial)) =
            (caps.get(0), caps.get(1), caps.get(2), caps.get(3), caps.get(4), caps.get(5))
        else {
            continue;
        };
        let range = run.start + m.start()..run.start + m.end();
        if sep1.as_str() != sep2.as_str() || is_embedded(text, &range) {
            continue;
        }
        let dashed = sep1.as_str() == "-";
        let valid = is_ssn(area.as_str(), group.as_str(), serial.as_str());
        if valid && (dashed || context_before(text, range.start, 40, SSN_WORDS)) {
            out.push(Finding { kind: Kind::NationalId, range });
        }
    }
}

/// The Social Security Administration's rules for numbers it issues.
fn is_ssn(area: &str, group: &str, serial: &str) -> bool {
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

static IBAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}").expect("valid IBAN pattern"));

/// IBAN lengths by country (SWIFT IBAN registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// IBANs, compact or in groups of four, of their country's length and with valid check digits.
fn ibans(text: &str, words: &Words, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let member = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b' ';
    // An IBAN starts a word with a country code and two check digits ("GB82", "DE89").
    let starts = words.iter().filter(|w| w.class.has_digit()).map(|w| w.start).filter(|&at| {
        matches!(bytes.get(at..at + 4), Some([a, b, c, d])
            if a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_ascii_digit() && d.is_ascii_digit())
    });
    for at in starts {
        let run = &text[at..at + bytes[at..].iter().take_while(|b| member(b)).count()];
        if run.len() < 15 || digits(run.as_bytes()) < 8 {
            continue;
        }
        if let Some(m) = IBAN.find(run).filter(|m| m.start() == 0) {
            iban_candidate(text, at, m.as_str(), out);
        }
    }
}

/// Reports the IBAN at the start of `found` (at byte `start`), cut to its country's length: the
/// match may run on into following words.
fn iban_candidate(text: &str, start: usize, found: &str, out: &mut Vec<Finding>) {
    let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(cc, _)| found.starts_with(cc)) else { return };
    let mut seen = 0;
    let Some(end) = found.char_indices().find_map(|(i, c)| {
        seen += usize::from(c != ' ');
        (seen == len).then_some(start + i + 1)
    }) else {
        return;
    };
    let iban = &text[start..end];
    let standalone = !char_before(text, start).is_some_and(is_word) && !char_at(text, end).is_some_and(is_word);
    if standalone && is_grouped_by_four(iban) && iban_checks(iban) {
        out.push(Finding { kind: Kind::Iban, range: start..end });
    }
}

/// Compact, or spaced in groups of four with a shorter last group.
fn is_grouped_by_four(iban: &str) -> bool {
    let groups: Vec<&str> = iban.split(' ').collect();
    match groups.split_last() {
        Some((_, [])) => true,
        Some((last, init)) => init.iter().all(|g| g.len() == 4) && (1..=4).contains(&last.len()),
        None => false,
    }
}

/// ISO 13616 check: the country code and check digits moved to the end, letters as 10–35,
/// the whole number mod 97 is 1.
fn iban_checks(iban: &str) -> bool {
    let compact: Vec<u8> = iban.bytes().filter(|&b| b != b' ').collect();
    let (head, tail) = compact.split_at(4.min(compact.len()));
    let remainder = tail.iter().chain(head).try_fold(0u32, |acc, &b| match b {
        b'0'..=b'9' => Some((acc * 10 + u32::from(b - b'0')) % 97),
        b'A'..=b'Z' => Some((acc * 100 + u32::from(b - b'A') + 10) % 97),
        _ => None,
    });
    compact.len() > 4 && remainder == Some(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Kind, String)> {
        let mut out = Vec::new();
        scan(text, &Words::new(text), &mut out);
        out.sort_by_key(|f| f.range.start);
        out.into_iter().map(|f| (f.kind, text[f.range].to_string())).collect()
    }

    fn of_kind(text: &str, kind: Kind) -> Vec<String> {
        found(text).into_iter().filter(|(k, _)| *k == kind).map(|(_, s)| s).collect()
    }

    #[test]
    fn emails_in_prose_links_yaml_and_code() {
        assert_eq!(of_kind("Mail dave.smith@acme.io about it.", Kind::Email), ["dave.smith@acme.io"]);
        assert_eq!(of_kind("[mail](mailto:priya+ops@corp.acme.io)", Kind::Email), ["priya+ops@corp.acme.io"]);
        assert_eq!(of_kind("owner: sre-team@acme.co.uk\n", Kind::Email), ["sre-team@acme.co.uk"]);
        assert_eq!(of_kind("`notify(\"a_b@c-d.dev\")`", Kind::Email), ["a_b@c-d.dev"]);
        assert_eq!(of_kind("x@y.org", Kind::Email), ["x@y.org"]);
        assert_eq!(of_kind("...(bob@acme.io).", Kind::Email), ["bob@acme.io"]);
    }

    #[test]
    fn not_emails() {
        let text = "someone@example.com, ops@mail.example.org, a@b.test, root@localhost, \
                    git@github.com:org/repo.git, icon@2x.png, lodash@4.17.21, @types/node@20.1.0, \
                    image@sha256:abc, @dave, user@host, https://user@acme.io/x, a@b.c0m, x@y.z";
        assert!(of_kind(text, Kind::Email).is_empty(), "{:?}", of_kind(text, Kind::Email));
    }

    #[test]
    fn international_phones() {
        for p in [
            "+44 20 7946 0123",
            "+1-202-456-1111",
            "+49 (0)30 901820",
            "+33 1 42 68 53 00",
            "+12024561111",
            "+442079460123",
            "1-866-456-0100",
            "1-415-867-5309",
            "1.415.867.5309",
            "1 (415) 867-5309",
        ] {
            assert_eq!(of_kind(&format!("Call {p}."), Kind::Phone), [p], "{p}");
        }
        assert_eq!(of_kind("mobile: +353 87 123 4567\n", Kind::Phone), ["+353 87 123 4567"]);
        assert_eq!(of_kind("[call us](tel:+442079460123)", Kind::Phone), ["+442079460123"]);
        assert_eq!(of_kind("`notify --sms +1-202-456-1111`", Kind::Phone), ["+1-202-456-1111"]);
        assert!(of_kind("id:2024561111 and ref:202-456-1111", Kind::Phone).is_empty());
    }

    #[test]
    fn national_phones() {
        for p in [
            "(020) 7946 0958",
            "(202) 456-1111",
            "202-456-1111",
            "202.456.1111",
            "0171 1234567",
            "020 7946 0958",
            "01 42 68 53 00",
        ] {
            assert_eq!(of_kind(&format!("Ring {p}, then wait"), Kind::Phone), [p], "{p}");
            assert_eq!(of_kind(p, Kind::Phone), [p], "{p} alone");
        }
    }

    #[test]
    fn ambiguous_phones_need_context() {
        assert_eq!(of_kind("Tel: 7946 0958", Kind::Phone), ["7946 0958"]);
        assert_eq!(of_kind("his phone is 2024561111.", Kind::Phone), ["2024561111"]);
        assert_eq!(of_kind("call 202 456 1111", Kind::Phone), ["202 456 1111"]);
        assert!(of_kind("took 2024561111 ms; 7946 0958 rows; 202 456 1111 bytes", Kind::Phone).is_empty());
    }

    #[test]
    fn fictional_phones_are_fine() {
        let text = "call 202-555-0147 or +1 555 0100 or +1-202-555-0199 or (202) 555-0123 or phone 555-0100";
        assert!(of_kind(text, Kind::Phone).is_empty(), "{:?}", of_kind(text, Kind::Phone));
    }

    #[test]
    fn not_phones() {
        let text = "v10.0.19045, 2.4.58-1, 2025-03-04, 2025-03-04T10:22:31Z, 10:22:31, :8443, port 22, \
                    12,500 rows, $12,500.00, CVE-2024-3094, CHG-10482, INC0012345, NM-0042, \
                    ISBN 978-3-16-148410-0 and 0-306-40615-2, +1 vote, 1.5h, 0900-1700, RFC 3849, \
                    1709547751000, 192.168.100.200, +12.5%, 3.14159265358";
        assert!(of_kind(text, Kind::Phone).is_empty(), "{:?}", of_kind(text, Kind::Phone));
    }

    #[test]
    fn luhn_check() {
        let digits = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
        assert!(luhn(&digits("4111111111111111")));
        assert!(luhn(&digits("79927398713")));
        assert!(!luhn(&digits("4111111111111112")));
        assert!(!luhn(&digits("79927398710")));
    }

    #[test]
    fn cards_with_and_without_separators() {
        for c in [
            "4111 1111 1111 1111",
            "5500-0000-0000-0004",
            "340000000000009",
            "3714 496353 98431",
            "6011111111111117",
            "4222222222222",
        ] {
            assert_eq!(of_kind(&format!("card: {c}."), Kind::CreditCard), [c], "{c}");
        }
        assert_eq!(of_kind("order 12 4111 1111 1111 1111", Kind::CreditCard), ["4111 1111 1111 1111"]);
    }

    #[test]
    fn not_cards() {
        let text = "4111 1111 1111 1112, 4111-1111 1111-1111, 0000 0000 0000 0000, 1709547751000000, \
                    41111 1111 1111 111, 9111111111111111, 4111.1111.1111.1111, 1.4111111111111111";
        assert!(of_kind(text, Kind::CreditCard).is_empty(), "{:?}", of_kind(text, Kind::CreditCard));
    }

    #[test]
    fn ssn_rules() {
        assert!(is_ssn("123", "45", "6789"));
        for (a, g, s) in [
            ("000", "12", "3456"),
            ("666", "12", "3456"),
            ("900", "12", "3456"),
            ("123", "00", "4567"),
            ("123", "45", "0000"),
        ] {
            assert!(!is_ssn(a, g, s), "{a}-{g}-{s}");
        }
    }

    #[test]
    fn ssns_dashed_or_with_context() {
        assert_eq!(of_kind("SSN 123-45-6789 leaked", Kind::NationalId), ["123-45-6789"]);
        assert_eq!(of_kind("id: 078-05-1120", Kind::NationalId), ["078-05-1120"]);
        assert_eq!(of_kind("social security number 123 45 6789", Kind::NationalId), ["123 45 6789"]);
        assert_eq!(of_kind("ssn=123456789", Kind::NationalId), ["123456789"]);
        let not = "000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000 123456789 123-45 6789 \
                   2025-03-04 1-123-45-6789";
        assert!(of_kind(not, Kind::NationalId).is_empty(), "{:?}", of_kind(not, Kind::NationalId));
    }

    #[test]
    fn iban_mod_97() {
        assert!(iban_checks("GB82WEST12345698765432"));
        assert!(iban_checks("DE89 3704 0044 0532 0130 00"));
        assert!(!iban_checks("GB82WEST12345698765433"));
        assert!(!iban_checks("GB83WEST12345698765432"));
        assert!(!iban_checks("GB"));
    }

    #[test]
    fn ibans_compact_and_grouped() {
        assert_eq!(of_kind("Pay GB82WEST12345698765432.", Kind::Iban), ["GB82WEST12345698765432"]);
        assert_eq!(of_kind("iban: DE89 3704 0044 0532 0130 00\n", Kind::Iban), ["DE89 3704 0044 0532 0130 00"]);
        assert_eq!(of_kind("NL91 ABNA 0417 1643 00 EUR TRANSFER", Kind::Iban), ["NL91 ABNA 0417 1643 00"]);
        assert_eq!(of_kind("NO9386011117947", Kind::Iban), ["NO9386011117947"]);
    }

    #[test]
    fn not_ibans() {
        let text = "GB82WEST12345698765433 XX82WEST12345698765432 GB82 WEST1234 5698 7654 32 \
                    CVE-2024-3094 SHA256SUMS AB12CDEFGHIJKLMNOP gb82west12345698765432";
        assert!(of_kind(text, Kind::Iban).is_empty(), "{:?}", of_kind(text, Kind::Iban));
    }

    #[test]
    fn configured_names_whole_word_possessive_and_hyphenated() {
        let config = ScanConfig {
            blocked_names: vec!["Dave Smith".into(), "Priya".into(), " ".into()],
            blocked_orgs: vec!["Acme Corp".into(), "Initech".into()],
            ..ScanConfig::default()
        };
        let names = Names::new(&config);
        let text = "dave smith's laptop; PRIYA; the Priyas' desks; Dave-approved? no: \
                    Priya-approved; Acme Corp-owned, initech. Priyanka and Initechs are fine.";
        let mut out = Vec::new();
        names.scan(text, &Words::new(text), &mut out);
        let got: Vec<(Kind, &str)> = out.iter().map(|f| (f.kind, &text[f.range.clone()])).collect();
        assert_eq!(
            got,
            [
                (Kind::Person, "dave smith"),
                (Kind::Person, "PRIYA"),
                (Kind::Person, "Priya"),
                (Kind::Person, "Priya"),
                (Kind::Organisation, "Acme Corp"),
                (Kind::Organisation, "initech"),
            ]
        );
    }

    #[test]
    fn no_names_configured_finds_nothing() {
        let mut out = Vec::new();
        Names::new(&ScanConfig::default()).scan("Dave and Acme", &Words::new("Dave and Acme"), &mut out);
        assert!(out.is_empty());
    }
}
