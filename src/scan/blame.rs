//! Blaming language: a person as the subject of a failure ("Dave deleted the table", "the intern
//! forgot to renew the cert"), "human error", hindsight ("should have known", "obviously"),
//! judgements of character ("careless") and fault-finding. Each finding has a blameless
//! rewording.
//!
//! Systems failing are fine: "the job failed to start", "the change could have caused an outage".

use std::ops::Range;
use std::sync::LazyLock;

use super::phrase::PhraseSet;
use super::text::{char_at, char_before, is_one_of, words_before};
use super::{BlameRule, Finding, Kind};

/// How an error verb reads once the thing, not the person, is the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Passive {
    /// "deleted the table" → "the table was deleted".
    As(&'static str),
    /// "failed to renew the cert" → "the cert was not renewed".
    NotDone,
}

/// What a matched phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// An error verb: blaming with a person as its subject, and always when `alone`.
    Verb { passive: Passive, alone: bool },
    /// A phrase that blames on its own.
    Phrase(BlameRule),
    /// A phrase that blames only when its surroundings pass a check.
    Checked(BlameRule, Check),
}

/// The context a [`Trigger::Checked`] phrase needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// "should have" followed by a past participle ("should have known"), not advice ("every
    /// service should have an owner").
    Hindsight,
    /// "lazy" about a person, not "lazy loading".
    AboutPeople,
    /// Fault that someone holds: "at fault", "his fault", "Dave's fault", "the fault of".
    Held,
    /// "blame" that is assigned, not disclaimed ("no blame", "not to blame") or `git blame`.
    Assigned,
}

use Passive::{As, NotDone};

/// Error verbs and how each rewords.
const VERBS: &[(&str, Passive, bool)] = &[
    ("misconfigured", As("misconfigured"), false),
    ("broke", As("broken"), false),
    ("deleted", As("deleted"), false),
    ("dropped", As("dropped"), false),
    ("wiped", As("wiped"), false),
    ("truncated", As("truncated"), false),
    ("overwrote", As("overwritten"), false),
    ("ignored", As("not acted on"), false),
    ("overlooked", As("missed"), false),
    ("missed", As("missed"), false),
    ("skipped", As("skipped"), false),
    ("messed up", As("left broken"), false),
    ("screwed up", As("left broken"), false),
    ("botched", As("left broken"), false),
    ("bungled", As("left broken"), false),
    ("caused", As("triggered"), false),
    ("mistyped", As("mistyped"), false),
    ("fat-fingered", As("mistyped"), false),
    ("leaked", As("exposed"), false),
    ("failed to", NotDone, false),
    ("neglected to", NotDone, false),
    ("didn't", NotDone, false),
    ("did not", NotDone, false),
    ("forgot to", NotDone, true),
    ("forgotten to", NotDone, true),
    ("forgets to", NotDone, true),
    ("forgetting to", NotDone, true),
    ("forgot about", As("overlooked"), true),
];

/// Phrases that are blaming by themselves or with a check.
const PHRASES: &[(&str, Trigger)] = &[
    ("human error", Trigger::Phrase(BlameRule::HumanError)),
    ("human errors", Trigger::Phrase(BlameRule::HumanError)),
    ("operator error", Trigger::Phrase(BlameRule::HumanError)),
    ("user error", Trigger::Phrase(BlameRule::HumanError)),
    ("pilot error", Trigger::Phrase(BlameRule::HumanError)),
    ("pebkac", Trigger::Phrase(BlameRule::HumanError)),
    ("should have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("should've", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("shouldn't have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("should not have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("ought to have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("careless", Trigger::Phrase(BlameRule::Careless)),
    ("carelessly", Trigger::Phrase(BlameRule::Careless)),
    ("carelessness", Trigger::Phrase(BlameRule::Careless)),
    ("negligent", Trigger::Phrase(BlameRule::Careless)),
    ("negligently", Trigger::Phrase(BlameRule::Careless)),
    ("negligence", Trigger::Phrase(BlameRule::Careless)),
    ("sloppy", Trigger::Phrase(BlameRule::Careless)),
    ("sloppily", Trigger::Phrase(BlameRule::Careless)),
    ("sloppiness", Trigger::Phrase(BlameRule::Careless)),
    ("incompetent", Trigger::Phrase(BlameRule::Careless)),
    ("incompetence", Trigger::Phrase(BlameRule::Careless)),
    ("reckless", Trigger::Phrase(BlameRule::Careless)),
    ("recklessly", Trigger::Phrase(BlameRule::Careless)),
    ("laziness", Trigger::Phrase(BlameRule::Careless)),
    ("lazy", Trigger::Checked(BlameRule::Careless, Check::AboutPeople)),
    ("why didn't", Trigger::Phrase(BlameRule::WhyDidnt)),
    ("why didnt", Trigger::Phrase(BlameRule::WhyDidnt)),
    ("why did not", Trigger::Phrase(BlameRule::WhyDidnt)),
    ("why did nobody", Trigger::Phrase(BlameRule::WhyDidnt)),
    ("why did no one", Trigger::Phrase(BlameRule::WhyDidnt)),
    ("why hadn't", Trigger::Phrase(BlameRule::WhyDidnt)),
    ("obviously", Trigger::Phrase(BlameRule::Obviously)),
    ("fault", Trigger::Checked(BlameRule::Fault, Check::Held)),
    ("blame", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
    ("blamed", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
    ("blames", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
    ("blaming", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
];

/// Every trigger phrase, found in one pass.
static TRIGGERS: LazyLock<PhraseSet<Trigger>> = LazyLock::new(|| {
    let verbs = VERBS.iter().map(|&(verb, passive, alone)| (verb, Trigger::Verb { passive, alone }));
    PhraseSet::new(verbs.chain(PHRASES.iter().copied()), false).expect("non-empty trigger list")
});

/// Every blaming phrase in `text`; `people` are where configured person names were found.
pub(super) fn scan(text: &str, people: &[Range<usize>], out: &mut Vec<Finding>) {
    let mut name_ends: Vec<usize> = people.iter().map(|p| p.end).collect();
    name_ends.sort_unstable();
    for (range, trigger) in TRIGGERS.find(text) {
        let found = match trigger {
            Trigger::Verb { passive, alone } => {
                let end = action(text, range.end, passive).end;
                match subject(text, range.start, &name_ends) {
                    Some(Subject::Named) => Some((BlameRule::PersonAsSubject, range.start..end)),
                    Some(Subject::Role(start)) => Some((BlameRule::PersonAsSubject, start..end)),
                    None if alone => Some((BlameRule::ForgotTo, range.start..end)),
                    None => None,
                }
            }
            Trigger::Phrase(rule) => Some((rule, range)),
            Trigger::Checked(rule, check) => check.apply(text, range).map(|r| (rule, r)),
        };
        if let Some((rule, range)) = found {
            out.push(Finding { kind: Kind::Blame(rule), range });
        }
    }
}

/// A person-ish subject of an error verb.
enum Subject {
    /// A configured name, reported on its own as a person: the finding starts at the verb.
    Named,
    /// "the intern", "he", "someone": the finding starts at this byte.
    Role(usize),
}

/// Words that may stand between a subject and its verb ("Dave then accidentally deleted").
const FILLERS: &[&str] =
    &["had", "has", "have", "then", "also", "just", "again", "still", "once", "already", "somehow"];
/// Pronouns that point at a person.
const PRONOUNS: &[&str] = &["he", "she", "someone", "somebody"];
/// Words that open a role noun phrase ("the intern", "our contractor").
const DETERMINERS: &[&str] =
    &["the", "a", "an", "our", "their", "his", "her", "that", "this", "one", "another", "some"];
/// Adjectives allowed between determiner and role ("the new guy", "the on-call engineer").
const ROLE_ADJECTIVES: &[&str] = &[
    "new",
    "junior",
    "senior",
    "same",
    "other",
    "on-call",
    "offshore",
    "external",
    "former",
    "night-shift",
    "overnight",
    "temp",
    "temporary",
    "inexperienced",
];
/// Nouns for people by role.
const ROLES: &[&str] = &[
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
];

/// The person-ish subject just before the verb at `verb`, skipping up to three fillers.
fn subject(text: &str, verb: usize, name_ends: &[usize]) -> Option<Subject> {
    let words: Vec<Range<usize>> = words_before(text, verb).take(6).collect();
    let word = |i: usize| words.get(i).map(|w| &text[w.clone()]);
    let skipped = words
        .iter()
        .take(3)
        .take_while(|w| {
            let w = &text[(*w).clone()];
            is_one_of(w, FILLERS) || (w.len() > 4 && w.ends_with("ly"))
        })
        .count();
    let head = words.get(skipped)?;
    if name_ends.binary_search(&head.end).is_ok() {
        return Some(Subject::Named);
    }
    let head_word = &text[head.clone()];
    if is_one_of(head_word, PRONOUNS) {
        return Some(Subject::Role(head.start));
    }
    if !is_one_of(head_word, ROLES) {
        return None;
    }
    let determiner_at = match word(skipped + 1) {
        Some(w) if is_one_of(w, ROLE_ADJECTIVES) => skipped + 2,
        _ => skipped + 1,
    };
    word(determiner_at).filter(|w| is_one_of(w, DETERMINERS))?;
    words.get(determiner_at).map(|w| Subject::Role(w.start))
}

/// The blamed action after a verb ending at `verb_end`: for "failed to" forms the infinitive,
/// then the object (up to six words, to punctuation or a clause word).
struct Action {
    infinitive: Option<Range<usize>>,
    object: Option<Range<usize>>,
    end: usize,
}

/// The action after the verb ending at `verb_end` in `text`.
fn action(text: &str, verb_end: usize, passive: Passive) -> Action {
    let infinitive = if passive == NotDone { next_word(text, verb_end) } else { None };
    let object_from = infinitive.as_ref().map_or(verb_end, |w| w.end);
    let object = if passive == NotDone && infinitive.is_none() { None } else { object_after(text, object_from) };
    let end = object.as_ref().or(infinitive.as_ref()).map_or(verb_end, |r| r.end);
    Action { infinitive, object, end }
}

/// Words that end an object: conjunctions, relative pronouns and prepositions (the object is
/// the noun phrase itself: "renew the certificate on lb01" → "the certificate").
const CLAUSE_WORDS: &[&str] = &[
    "and", "but", "or", "because", "which", "who", "when", "while", "so", "after", "before", "during", "since", "then",
    "as", "that", "until", "without", "by", "to", "for", "instead", "though", "although", "if", "once", "even", "on",
    "in", "at", "from", "with", "into", "onto", "via", "over", "under", "across", "through", "against", "within",
    "per", "about",
];

/// The word right after `from` on the same line (letters, digits, apostrophes, hyphens).
fn next_word(text: &str, from: usize) -> Option<Range<usize>> {
    let rest = &text[from..];
    let start = from + rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let len = text[start..]
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '-')))
        .unwrap_or(text.len() - start);
    (len > 0 && start > from && !is_one_of(&text[start..start + len], CLAUSE_WORDS)).then_some(start..start + len)
}

/// The object after `from`: up to six words on the same line, ending at punctuation or before
/// a clause word.
fn object_after(text: &str, from: usize) -> Option<Range<usize>> {
    let mut start = None;
    let mut end = from;
    let mut pos = from;
    for _ in 0..6 {
        let rest = &text[pos..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if gap == 0 {
            break;
        }
        let word_start = pos + gap;
        let token_len = text[word_start..].find(char::is_whitespace).unwrap_or(text.len() - word_start);
        let token = &text[word_start..word_start + token_len];
        let core = token.trim_end_matches(|c: char| ".,;:!?)\"'”’".contains(c));
        if core.is_empty() || is_one_of(core, CLAUSE_WORDS) {
            break;
        }
        start.get_or_insert(word_start);
        end = word_start + core.len();
        if core.len() < token.len() {
            break;
        }
        pos = word_start + token_len;
    }
    start.map(|s| s..end)
}

impl Check {
    /// The finding's range when the context confirms the phrase at `range`.
    fn apply(self, text: &str, range: Range<usize>) -> Option<Range<usize>> {
        match self {
            Check::Hindsight => {
                let next = next_word(text, range.end)?;
                is_participle(&text[next.clone()]).then_some(range.start..next.end)
            }
            Check::AboutPeople => {
                let technical = char_at(text, range.end) == Some('-')
                    || next_word(text, range.end).is_some_and(|w| is_one_of(&text[w], LAZY_TECHNICAL));
                (!technical).then_some(range)
            }
            Check::Held => {
                let before: Vec<Range<usize>> = words_before(text, range.start).take(2).collect();
                let prev = before.first().map(|w| &text[w.clone()]);
                let disclaimed = prev.is_some_and(|w| is_one_of(w, &["nobody's", "nobody’s"]))
                    || (prev.is_some_and(|w| is_one_of(w, &["one's", "one’s"]))
                        && before.get(1).is_some_and(|w| is_one_of(&text[w.clone()], &["no"])));
                if disclaimed {
                    None
                } else if let Some(w) = before.first().filter(|w| is_one_of(&text[(*w).clone()], HOLDERS)) {
                    Some(w.start..range.end)
                } else if prev.is_some_and(|w| ["'s", "’s", "s'", "s’"].iter().any(|s| w.ends_with(s))) {
                    Some(range)
                } else {
                    let of = next_word_raw(text, range.end).filter(|w| text[w.clone()].eq_ignore_ascii_case("of"))?;
                    Some(range.start..of.end)
                }
            }
            Check::Assigned => {
                let compound = char_before(text, range.start) == Some('-') || char_at(text, range.end) == Some('-');
                let disclaimed = words_before(text, range.start).take(3).any(|w| is_one_of(&text[w], DISCLAIMERS));
                (!compound && !disclaimed).then_some(range)
            }
        }
    }
}

/// Words after "lazy" that make it about code.
const LAZY_TECHNICAL: &[&str] = &[
    "loading",
    "load",
    "loaded",
    "loads",
    "evaluation",
    "evaluated",
    "init",
    "initialization",
    "initialisation",
    "initialized",
    "initialised",
    "static",
    "iterator",
    "iterators",
    "import",
    "imports",
    "mode",
    "fetch",
    "fetching",
    "val",
    "binding",
    "bindings",
    "sequence",
    "stream",
    "streams",
    "consumer",
    "expansion",
    "deletion",
    "cleanup",
    "instantiation",
    "allocation",
];
/// Words before "fault" that say someone holds it.
const HOLDERS: &[&str] = &["at", "his", "her", "their", "my", "your", "our", "whose"];
/// Words before "blame" that disclaim it.
const DISCLAIMERS: &[&str] =
    &["no", "non", "not", "without", "nobody", "never", "don't", "don’t", "dont", "doesn't", "doesn’t", "avoid", "git"];

/// The next word even when it is a clause word ("fault of").
fn next_word_raw(text: &str, from: usize) -> Option<Range<usize>> {
    let rest = &text[from..];
    let start = from + rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let len = text[start..].find(|c: char| !c.is_alphanumeric()).unwrap_or(text.len() - start);
    (len > 0 && start > from).then_some(start..start + len)
}

/// Irregular past participles (and other forms that follow "should have").
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "been",
    "done",
    "gone",
    "seen",
    "had",
    "caught",
    "run",
    "put",
    "set",
    "got",
    "made",
    "told",
    "kept",
    "left",
    "sent",
    "built",
    "read",
    "thought",
    "found",
    "held",
    "heard",
    "said",
    "paid",
    "spent",
    "lost",
    "meant",
    "understood",
    "stood",
    "won",
    "hit",
    "cut",
    "shut",
    "brought",
    "taught",
    "bought",
    "sought",
];

/// True for a past participle: "-ed", "-en", "-wn" or an irregular one.
fn is_participle(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    is_one_of(&lower, IRREGULAR_PARTICIPLES)
        || (lower.len() > 3 && ["ed", "en", "wn"].iter().any(|s| lower.ends_with(s)))
}

/// Participles of common irregular verbs, for rewording "failed to X".
const IRREGULAR_VERBS: &[(&str, &str)] = &[
    ("be", "been"),
    ("break", "broken"),
    ("bring", "brought"),
    ("build", "built"),
    ("buy", "bought"),
    ("catch", "caught"),
    ("choose", "chosen"),
    ("cut", "cut"),
    ("do", "done"),
    ("draw", "drawn"),
    ("drive", "driven"),
    ("feed", "fed"),
    ("find", "found"),
    ("forget", "forgotten"),
    ("get", "got"),
    ("give", "given"),
    ("hide", "hidden"),
    ("hit", "hit"),
    ("hold", "held"),
    ("keep", "kept"),
    ("know", "known"),
    ("lead", "led"),
    ("leave", "left"),
    ("let", "let"),
    ("lose", "lost"),
    ("make", "made"),
    ("mean", "meant"),
    ("overwrite", "overwritten"),
    ("pay", "paid"),
    ("put", "put"),
    ("read", "read"),
    ("rebuild", "rebuilt"),
    ("rerun", "rerun"),
    ("reset", "reset"),
    ("rewrite", "rewritten"),
    ("run", "run"),
    ("say", "said"),
    ("see", "seen"),
    ("sell", "sold"),
    ("send", "sent"),
    ("set", "set"),
    ("shake", "shaken"),
    ("show", "shown"),
    ("shut", "shut"),
    ("speak", "spoken"),
    ("spend", "spent"),
    ("split", "split"),
    ("spread", "spread"),
    ("take", "taken"),
    ("teach", "taught"),
    ("tell", "told"),
    ("think", "thought"),
    ("throw", "thrown"),
    ("understand", "understood"),
    ("undo", "undone"),
    ("upset", "upset"),
    ("win", "won"),
    ("withdraw", "withdrawn"),
    ("write", "written"),
];

/// Regular verbs that double their last consonant ("drop" → "dropped").
const DOUBLING: &[&str] = &[
    "commit", "submit", "omit", "admit", "permit", "format", "log", "plan", "ship", "stop", "drop", "skip", "tag",
    "swap", "trim", "strip", "wrap", "zip", "pin", "map", "scan", "step", "grab", "flag", "rerun",
];

/// The past participle of `verb`.
fn participle(verb: &str) -> String {
    let verb = verb.to_ascii_lowercase();
    if let Some((_, p)) = IRREGULAR_VERBS.iter().find(|(v, _)| *v == verb) {
        return (*p).to_string();
    }
    if DOUBLING.contains(&verb.as_str()) {
        let last = verb.chars().next_back().map(String::from).unwrap_or_default();
        return format!("{verb}{last}ed");
    }
    let consonant_y =
        verb.len() > 1 && verb.ends_with('y') && !verb[..verb.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{}ied", &verb[..verb.len() - 1])
    } else if verb.ends_with('e') {
        format!("{verb}d")
    } else {
        format!("{verb}ed")
    }
}

/// A blameless rewording for a finding of `rule` whose matched text is `matched`.
pub(super) fn suggest(rule: BlameRule, matched: &str) -> String {
    match rule {
        BlameRule::PersonAsSubject | BlameRule::ForgotTo => reword(matched).unwrap_or_else(|| {
            if rule == BlameRule::ForgotTo {
                "say what was not done and what would have prompted it (e.g. 'the renewal was not scheduled and no alert fired')".to_string()
            } else {
                "describe what happened to the system rather than who did it (e.g. 'the rule was misconfigured')".to_string()
            }
        }),
        BlameRule::HumanError => "name the conditions that made the mistake possible (e.g. 'the UI allowed the change without confirmation')".to_string(),
        BlameRule::ShouldHave => "describe what was known at the time and what would have made the safe action easy (e.g. 'the dashboard did not show the expiry date')".to_string(),
        BlameRule::Careless => "describe the action and its conditions (time pressure, missing safeguards) instead of judging the person".to_string(),
        BlameRule::WhyDidnt => "ask what made the action hard or unlikely (e.g. 'what made the alert easy to miss?')".to_string(),
        BlameRule::Obviously => "drop 'obviously': it was not obvious at the time, or it would not have happened".to_string(),
        BlameRule::Fault => "describe the contributing factors instead of assigning fault or blame".to_string(),
    }
}

/// "misconfigured the firewall rule" → "the firewall rule was misconfigured"; "forgot to renew
/// the certs" → "the certs were not renewed". `None` without an object to make the subject.
fn reword(matched: &str) -> Option<String> {
    let (verb, trigger) = TRIGGERS.find(matched).find(|(_, t)| matches!(t, Trigger::Verb { .. }))?;
    let Trigger::Verb { passive, .. } = trigger else { return None };
    let action = action(matched, verb.end, passive);
    let object = definite(&matched[action.object?]);
    let last = object.rsplit(' ').next().unwrap_or_default();
    let plural = last.len() > 3 && last.ends_with('s') && !["ss", "us", "is"].iter().any(|s| last.ends_with(s));
    let be = if plural { "were" } else { "was" };
    Some(match passive {
        As(participle) => format!("{object} {be} {participle}"),
        NotDone => format!("{object} {be} not {}", participle(&matched[action.infinitive?])),
    })
}

/// The object with a personal possessive made definite: "his change" → "the change".
fn definite(object: &str) -> String {
    match object.split_once(' ') {
        Some((first, rest)) if is_one_of(first, &["his", "her", "their", "my", "your"]) => format!("the {rest}"),
        _ => object.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found_with(text: &str, people: &[&str]) -> Vec<(BlameRule, String)> {
        let ranges: Vec<Range<usize>> = people
            .iter()
            .flat_map(|p| text.match_indices(p).map(|(i, _)| i..i + p.len()).collect::<Vec<_>>())
            .collect();
        let mut out = Vec::new();
        scan(text, &ranges, &mut out);
        out.into_iter()
            .filter_map(|f| match f.kind {
                Kind::Blame(rule) => Some((rule, text[f.range].to_string())),
                _ => None,
            })
            .collect()
    }

    fn found(text: &str) -> Vec<(BlameRule, String)> {
        found_with(text, &[])
    }

    #[test]
    fn named_person_as_subject_starts_at_the_verb() {
        assert_eq!(
            found_with("Dave misconfigured the firewall rule.", &["Dave"]),
            [(BlameRule::PersonAsSubject, "misconfigured the firewall rule".into())]
        );
        assert_eq!(
            found_with("Then Priya accidentally deleted the prod table, and left.", &["Priya"]),
            [(BlameRule::PersonAsSubject, "deleted the prod table".into())]
        );
        assert_eq!(
            found_with("- Dave Smith broke `main`", &["Dave Smith"]),
            [(BlameRule::PersonAsSubject, "broke `main`".into())]
        );
        assert_eq!(
            found_with("Dave failed to rotate the key", &["Dave"]),
            [(BlameRule::PersonAsSubject, "failed to rotate the key".into())]
        );
    }

    #[test]
    fn roles_and_pronouns_as_subject_include_the_subject() {
        let cases = [
            ("The intern dropped the users table.", "The intern dropped the users table"),
            ("the new guy messed up the DNS zone", "the new guy messed up the DNS zone"),
            ("Our contractor ignored the alert", "Our contractor ignored the alert"),
            ("and then the junior forgot to renew the certificate;", "the junior forgot to renew the certificate"),
            ("the on-call engineer didn't check the logs", "the on-call engineer didn't check the logs"),
            ("He screwed up the migration", "He screwed up the migration"),
            ("someone deleted the bucket", "someone deleted the bucket"),
            ("the admin caused the outage", "the admin caused the outage"),
        ];
        for (text, expected) in cases {
            assert_eq!(found(text), [(BlameRule::PersonAsSubject, expected.into())], "{text}");
        }
    }

    #[test]
    fn systems_failing_are_blameless() {
        let clean = [
            "The rule was misconfigured.",
            "The change failed validation.",
            "The job failed to start.",
            "The deploy could have caused an outage.",
            "What would have happened if the backup was stale?",
            "The admin API deleted the stale keys.",
            "Terraform dropped the table during the apply.",
            "The alert did not fire because the threshold was wrong.",
            "the cron job missed its window",
            "Dave's script deleted the logs",
            "We lazy-load modules and use lazy loading; LazyLock and lazy_static too.",
            "A page fault, fault injection and a fault-tolerant design; default settings.",
            "We run blameless reviews: no blame, blame-free, not to blame, nobody is to blame; `git blame` shows it.",
            "It was nobody's fault. It was no one's fault.",
            "Every service should have an owner and should have a runbook.",
            "Rotate the key, then check the logs.",
        ];
        for text in clean {
            assert!(found_with(text, &["Dave"]).is_empty(), "{text}: {:?}", found_with(text, &["Dave"]));
        }
    }

    #[test]
    fn standalone_phrases() {
        let cases = [
            ("It was human error.", BlameRule::HumanError, "human error"),
            ("Classic operator error", BlameRule::HumanError, "operator error"),
            ("They should have known better.", BlameRule::ShouldHave, "should have known"),
            ("We should've caught it", BlameRule::ShouldHave, "should've caught"),
            ("the alert should have been obvious", BlameRule::ShouldHave, "should have been"),
            ("a careless change", BlameRule::Careless, "careless"),
            ("it was negligence", BlameRule::Careless, "negligence"),
            ("Sloppy work.", BlameRule::Careless, "Sloppy"),
            ("an incompetent reviewer", BlameRule::Careless, "incompetent"),
            ("a lazy engineer", BlameRule::Careless, "lazy"),
            ("Why didn't anyone check?", BlameRule::WhyDidnt, "Why didn't"),
            ("why didn’t we notice", BlameRule::WhyDidnt, "why didn’t"),
            ("Obviously, the flag was wrong.", BlameRule::Obviously, "Obviously"),
            ("The team blamed the vendor.", BlameRule::Fault, "blamed"),
            ("The reviewer was at fault", BlameRule::Fault, "at fault"),
            ("it was his fault", BlameRule::Fault, "his fault"),
            ("it was Dave's fault", BlameRule::Fault, "fault"),
            ("the fault of the reviewer", BlameRule::Fault, "fault of"),
            ("The support team forgot to renew the cert.", BlameRule::ForgotTo, "forgot to renew the cert"),
        ];
        for (text, rule, expected) in cases {
            assert_eq!(found(text), [(rule, expected.into())], "{text}");
        }
    }

    #[test]
    fn phrases_span_wrapped_lines() {
        assert_eq!(found("it was human\nerror"), [(BlameRule::HumanError, "human\nerror".into())]);
    }

    #[test]
    fn suggestions_reword_into_the_passive() {
        let cases = [
            ("misconfigured the firewall rule", "the firewall rule was misconfigured"),
            ("Dave misconfigured the firewall rule", "the firewall rule was misconfigured"),
            ("the intern deleted the logs", "the logs were deleted"),
            ("the junior forgot to renew the certificate", "the certificate was not renewed"),
            ("failed to rotate his keys", "the keys were not rotated"),
            ("didn't check the DNS", "the DNS was not checked"),
            ("forgot to apply the patch", "the patch was not applied"),
            ("failed to stop the job", "the job was not stopped"),
            ("failed to write the file", "the file was not written"),
            ("the admin broke the build", "the build was broken"),
            ("ignored the alert", "the alert was not acted on"),
        ];
        for (matched, expected) in cases {
            assert_eq!(suggest(BlameRule::PersonAsSubject, matched), expected, "{matched}");
        }
    }

    #[test]
    fn suggestions_without_an_object_fall_back_to_advice() {
        assert!(suggest(BlameRule::PersonAsSubject, "deleted").starts_with("describe what happened"));
        assert!(suggest(BlameRule::ForgotTo, "forgot to").starts_with("say what was not done"));
        assert!(suggest(BlameRule::HumanError, "human error").starts_with("name the conditions"));
        for rule in BlameRule::ALL {
            assert!(!suggest(rule, "").is_empty());
        }
    }

    #[test]
    fn participles() {
        let cases = [
            ("renew", "renewed"),
            ("rotate", "rotated"),
            ("apply", "applied"),
            ("deploy", "deployed"),
            ("drop", "dropped"),
            ("take", "taken"),
            ("Check", "checked"),
        ];
        for (verb, expected) in cases {
            assert_eq!(participle(verb), expected);
        }
        assert!(is_participle("known") && is_participle("noticed") && is_participle("been"));
        assert!(!is_participle("an") && !is_participle("the") && !is_participle("owner"));
    }
}
