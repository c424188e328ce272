//! Who a failure is said of: the subject of a verb in its sentence, found by walking back over
//! adverbs, parentheticals, relative clauses and prepositional phrases, and judged a person (a
//! found name or handle, a pronoun, a role) or not (a system, an attacker).

use std::ops::Range;
use std::sync::LazyLock;

use crate::scan::text::{is_one_of, start_after, WordSet};

/// A person-ish subject of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    /// A found name or handle, reported on its own as a person: the finding starts at the verb.
    Named,
    /// "the intern", "he", "someone": the finding starts at this byte.
    Role(usize),
}

/// Pronouns that point at a person (not "we", "I" or "you": a team speaking of itself).
const PRONOUNS: &[&str] = &["he", "she", "they", "someone", "somebody", "anyone", "anybody"];

/// Nouns for people by role, singular and plural.
static ROLES: LazyLock<WordSet> = LazyLock::new(|| {
    WordSet::new(&[
        "intern",
        "contractor",
        "junior",
        "admin",
        "administrator",
        "sysadmin",
        "engineer",
        "developer",
        "dev",
        "operator",
        "sre",
        "dba",
        "trainee",
        "newbie",
        "guy",
        "girl",
        "hire",
        "starter",
        "joiner",
        "on-call",
        "oncall",
        "employee",
        "technician",
        "consultant",
        "colleague",
        "coworker",
        "co-worker",
        "teammate",
        "analyst",
        "tester",
        "manager",
        "lead",
        "person",
        "staff",
        "personnel",
        "member",
        "author",
        "reviewer",
        "approver",
        "user",
        "agent",
        "supervisor",
        "nurse",
        "pilot",
        "doctor",
        "clerk",
        "officer",
        "architect",
        "captain",
        "controller",
        "dispatcher",
        "owner",
        "maintainer",
        "committer",
        "responder",
        "team",
        "squad",
        "crew",
        "worker",
        "specialist",
        "associate",
        "representative",
        "rep",
        "accountant",
        "student",
        "volunteer",
        "vendor",
        "integrator",
        "partner",
        "researcher",
        "designer",
        "programmer",
        "coder",
        "requester",
        "customer",
        "commander",
        "secops",
        "devops",
        "ops",
        "sysops",
        "netops",
        "human",
        "people",
        "individual",
        "somebody",
        "someone",
        "he",
        "she",
    ])
});

/// Words that make a role an attacker's ("the phishing actor", "ransomware operators").
static HOSTILE: LazyLock<WordSet> = LazyLock::new(|| {
    WordSet::new(&[
        "attacker",
        "attackers",
        "adversary",
        "adversaries",
        "actor",
        "actors",
        "threat",
        "phishing",
        "phisher",
        "ransomware",
        "malicious",
        "criminal",
        "criminals",
        "scammer",
        "scammers",
        "fraudster",
        "fraudsters",
        "intruder",
        "intruders",
        "hacker",
        "hackers",
        "apt",
        "botnet",
        "malware",
        "insider",
        "group",
        "gang",
    ])
});

/// Words skipped between a subject and its verb ("Dave then accidentally deleted").
static FILLERS: LazyLock<WordSet> = LazyLock::new(|| {
    WordSet::new(&[
        "had",
        "has",
        "have",
        "then",
        "also",
        "just",
        "again",
        "still",
        "once",
        "already",
        "somehow",
        "simply",
        "actually",
        "even",
        "never",
        "apparently",
        "probably",
        "clearly",
        "initially",
        "later",
        "finally",
        "quickly",
        "immediately",
        "really",
        "repeatedly",
        "twice",
        "first",
        "was",
        "were",
        "is",
        "had",
        "not",
    ])
});

/// Conjunctions after which the subject of the sentence carries on ("noticed the levels but
/// failed to act").
const CONJUNCTIONS: &[&str] = &["and", "but", "yet", "so", "or", "then"];

/// Prepositions inside a subject ("the personnel on shift", "the DBA on call that weekend").
const PREPOSITIONS: &[&str] = &["on", "in", "of", "at", "from", "for", "with", "hired", "covering", "responsible"];

/// Words that open a noun phrase.
const DETERMINERS: &[&str] =
    &["the", "a", "an", "our", "their", "his", "her", "that", "this", "one", "another", "some", "your", "my", "its"];

/// A word of a sentence, or a piece of punctuation that matters for clauses.
#[derive(Debug, Clone)]
struct Token {
    range: Range<usize>,
    lower: String,
    /// A comma, a dash or a parenthesis.
    punct: bool,
}

/// The sentence prefix before byte `at`: its tokens, from the sentence's start.
fn prefix(text: &str, at: usize) -> Vec<Token> {
    let start = start_after(text, at, b".!?\n;:", 600);
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    for (i, c) in text[start..at].char_indices() {
        let i = start + i;
        let piece = c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '_' | '@');
        match (piece, word) {
            (true, None) => word = Some(i),
            (false, Some(w)) => {
                out.push(token(text, w..i));
                word = None;
            }
            _ => {}
        }
        if matches!(c, ',' | '—' | '–' | '(' | ')') {
            out.push(Token { range: i..i + c.len_utf8(), lower: c.to_string(), punct: true });
        }
    }
    if let Some(w) = word {
        out.push(token(text, w..at));
    }
    out
}

fn token(text: &str, range: Range<usize>) -> Token {
    Token { lower: text[range.clone()].to_lowercase(), range, punct: false }
}

/// The singular of a role noun ("engineers" → "engineer"), and whether it is one; a possessive
/// role ("the engineer's") is not a subject.
pub(super) fn is_role_word(lower: &str) -> bool {
    let base = lower.strip_suffix('s').filter(|b| b.len() > 2).unwrap_or(lower);
    ROLES.contains(lower) || ROLES.contains(base) || lower == "people" || lower == "staff"
}

/// True when the token at `i` ends a found name or handle.
fn is_named(tokens: &[Token], i: usize, name_ends: &[usize]) -> bool {
    let end = tokens[i].range.end;
    name_ends.binary_search(&end).is_ok()
        || tokens[i].lower.ends_with("'s") && name_ends.binary_search(&(end - 2)).is_ok()
}

/// The start of the noun phrase whose head is token `i` (determiner and adjectives before it),
/// or `None` when it names an attacker.
fn phrase_start(tokens: &[Token], i: usize) -> Option<usize> {
    let mut start = i;
    for k in (i.saturating_sub(3)..i).rev() {
        let t = &tokens[k];
        if t.punct || is_one_of(&t.lower, CONJUNCTIONS) || is_one_of(&t.lower, PREPOSITIONS) {
            break;
        }
        start = k;
        if is_one_of(&t.lower, DETERMINERS) {
            break;
        }
    }
    if tokens[start..=i].iter().any(|t| HOSTILE.contains(&t.lower)) {
        return None;
    }
    Some(tokens[start].range.start)
}

/// What the token at `i` is as a subject: a person, a thing, or unknown (punctuation, a
/// conjunction, a relative pronoun).
fn person_at(tokens: &[Token], i: usize, name_ends: &[usize]) -> Option<Subject> {
    let t = &tokens[i];
    if is_named(tokens, i, name_ends) {
        return Some(Subject::Named);
    }
    if is_one_of(&t.lower, PRONOUNS) {
        return Some(Subject::Role(t.range.start));
    }
    if is_role_word(&t.lower) && !t.lower.ends_with("'s") && !t.lower.ends_with("’s") {
        return phrase_start(tokens, i).map(Subject::Role);
    }
    None
}

/// The person who is the subject of the verb at byte `verb`, if the sentence makes one its
/// subject.
pub(super) fn subject(text: &str, verb: usize, name_ends: &[usize]) -> Option<Subject> {
    let tokens = prefix(text, verb);
    let mut i = tokens.len();
    while i > 0 {
        let t = &tokens[i - 1];
        let adverb = !t.punct && t.lower.len() > 4 && t.lower.ends_with("ly");
        if t.punct || !(FILLERS.contains(&t.lower) || adverb) {
            break;
        }
        i -= 1;
    }
    let head = i.checked_sub(1)?;
    let t = &tokens[head];
    if let Some(s) = person_at(&tokens, head, name_ends) {
        return Some(s);
    }
    if t.lower == "who" {
        let before = (0..head).rev().find(|&k| !tokens[k].punct)?;
        return person_at(&tokens, before, name_ends);
    }
    if t.lower == "that" || t.lower == "which" {
        return None;
    }
    if t.punct || is_one_of(&t.lower, CONJUNCTIONS) {
        // The subject of the sentence carries on past a parenthetical or a conjunction.
        return sentence_subject(&tokens, head, name_ends);
    }
    // A noun after a preposition inside the subject: "the personnel on shift".
    for k in (head.saturating_sub(5)..head).rev() {
        let w = &tokens[k];
        if w.punct {
            return None;
        }
        if is_one_of(&w.lower, PREPOSITIONS) && k > 0 {
            return person_at(&tokens, k - 1, name_ends);
        }
    }
    None
}

/// The first person named in the sentence before token `end`, when no thing stands between
/// it and a verb ("Kofi, who had been awake…, then ran", "A lead operator noticed … but failed").
fn sentence_subject(tokens: &[Token], end: usize, name_ends: &[usize]) -> Option<Subject> {
    (0..end)
        .find_map(|k| {
            let t = &tokens[k];
            if t.punct || is_one_of(&t.lower, DETERMINERS) {
                return None;
            }
            person_at(tokens, k, name_ends)
        })
        .filter(|_| !tokens[..end].iter().any(|t| t.lower == "which"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first word of the subject of `verb` in `text`, "named" for a found name, or `None`.
    fn who(text: &str, verb: &str, names: &[&str]) -> Option<String> {
        let at = text.find(verb).expect("verb in text");
        let ends: Vec<usize> = names.iter().filter_map(|n| text.find(n).map(|i| i + n.len())).collect();
        subject(text, at, &ends).map(|s| match s {
            Subject::Named => "named".to_string(),
            Subject::Role(start) => text[start..].split(' ').next().unwrap_or_default().to_string(),
        })
    }

    #[test]
    fn subjects_across_words_clauses_and_phrases() {
        let cases = [
            ("The intern dropped the table.", "dropped", Some("The")),
            ("A lead operator noticed the levels but failed to act.", "failed", Some("A")),
            ("Kofi, who had been awake for hours, then accidentally ran it.", "accidentally", Some("named")),
            ("The personnel on shift did not follow the procedure.", "did not", Some("The")),
            ("The DBA on call that weekend never opened the dashboard.", "never", Some("The")),
            ("The engineer restarted the service, which failed to start.", "failed", None),
            ("The engineer ran the script, and the script deleted the table.", "deleted", None),
            ("The phishing actor forgot to remove the pixel.", "forgot", None),
            ("Lazarus Group operators failed to reach the systems.", "failed", None),
            ("The job failed to start.", "failed", None),
            ("The admin API deleted the stale keys.", "deleted", None),
        ];
        for (text, verb, expected) in cases {
            assert_eq!(who(text, verb, &["Kofi"]).as_deref(), expected, "{text}");
        }
    }
}
