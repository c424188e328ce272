//! Blaming language: a person as the subject of a failure ("Dave deleted the table", "the intern
//! forgot to renew the cert", "a lead operator noticed the levels but failed to act"), a person
//! as the agent of one ("the table was dropped by Marco"), "human error" given as a cause,
//! hindsight about a person ("should have known"), judgements of a person ("careless", "not
//! experienced enough") and fault-finding. Each finding has a blameless rewording.
//!
//! Systems failing are fine ("the job failed to start", "the alert should have fired"), and so
//! are attackers failing, deliberate actions ("deleted the stale branches as planned") and human
//! error as a design topic ("mechanisms that prevent human error").

mod reword;
mod subject;

use std::ops::Range;
use std::sync::LazyLock;

use super::phrase::PhraseSet;
use super::text::{char_at, char_before, end_before, is_one_of, start_after, words_before, Words};
use super::{BlameRule, Finding, Kind};
pub(super) use reword::suggest;
use subject::{subject, Subject};

/// How an error verb reads once the thing, not the person, is the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Passive {
    /// "deleted the table" → "the table was deleted".
    As(&'static str),
    /// "failed to renew the cert" → "the cert was not renewed".
    NotDone,
}

/// How much an error verb says by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strength {
    /// A failure whoever does it, when a person does it ("misconfigured", "failed to").
    Failure,
    /// An action that is a failure unless the sentence says it was meant ("deleted … as planned").
    Action,
    /// "did not", "never": a failure when what was not done is a duty ("did not check").
    Omission,
    /// "forgot to": blaming unless a system or an attacker is its subject.
    Lapse,
    /// An everyday action that blames only when a person is named as its agent ("the alert was
    /// silenced by the on-call engineer").
    Passive,
}

/// What a matched phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// An error verb, blaming with a person as its subject or agent.
    Verb { passive: Passive, strength: Strength },
    /// An adverb of error ("accidentally", "by mistake"): blaming with a person as the subject.
    Adverb,
    /// A phrase that blames on its own.
    Phrase(BlameRule),
    /// A phrase that blames only when its surroundings pass a check.
    Checked(BlameRule, Check),
}

/// The context a [`Trigger::Checked`] phrase needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// "should have" + a past participle with a person as the subject ("Dave should have
    /// known"), not a system ("the alert should have fired") or advice.
    Hindsight,
    /// "lazy" about a person, not "lazy loading".
    AboutPeople,
    /// Fault that someone holds: "at fault", "his fault", "Dave's fault", "the fault of".
    Held,
    /// "blame" that is assigned, not disclaimed ("no blame", "not to blame"), `git blame` or the
    /// blame view.
    Assigned,
    /// "human error" given as the cause or put on a person, not discussed as a design topic.
    Cause,
    /// A question that asks why a person did not act: "why didn't the on-call check".
    AskedOfPerson,
    /// A failing of a person's: "Emil's mistake", "a lack of attention by the on-call engineer".
    OfPerson,
    /// "without reading it", "without telling anyone": blaming when a person acted.
    PersonActed,
}

use Passive::{As, NotDone};

/// Error verbs, how each rewords and how much it says.
const VERBS: &[(&str, Passive, Strength)] = &[
    ("misconfigured", As("misconfigured"), Strength::Failure),
    ("broke", As("broken"), Strength::Failure),
    ("wiped", As("wiped"), Strength::Failure),
    ("overwrote", As("overwritten"), Strength::Failure),
    ("ignored", As("not acted on"), Strength::Failure),
    ("overlooked", As("missed"), Strength::Failure),
    ("missed", As("missed"), Strength::Failure),
    ("skipped", As("skipped"), Strength::Failure),
    ("messed up", As("left broken"), Strength::Failure),
    ("screwed up", As("left broken"), Strength::Failure),
    ("botched", As("left broken"), Strength::Failure),
    ("bungled", As("left broken"), Strength::Failure),
    ("mishandled", As("mishandled"), Strength::Failure),
    ("misread", As("misread"), Strength::Failure),
    ("misjudged", As("misjudged"), Strength::Failure),
    ("mistyped", As("mistyped"), Strength::Failure),
    ("fat-fingered", As("mistyped"), Strength::Failure),
    ("rubber-stamped", As("approved without review"), Strength::Failure),
    ("leaked", As("exposed"), Strength::Failure),
    ("failed to", NotDone, Strength::Failure),
    ("neglected to", NotDone, Strength::Failure),
    ("neglected", As("neglected"), Strength::Failure),
    ("omitted to", NotDone, Strength::Failure),
    ("overrode", As("overridden"), Strength::Failure),
    ("allowed to expire", As("allowed to expire"), Strength::Failure),
    ("deleted", As("deleted"), Strength::Action),
    ("silenced", As("silenced"), Strength::Passive),
    ("disabled", As("disabled"), Strength::Passive),
    ("exposed", As("exposed"), Strength::Passive),
    ("made public", As("made public"), Strength::Passive),
    ("dropped", As("dropped"), Strength::Action),
    ("truncated", As("truncated"), Strength::Action),
    ("caused", As("triggered"), Strength::Action),
    ("didn't", NotDone, Strength::Omission),
    ("didn’t", NotDone, Strength::Omission),
    ("did not", NotDone, Strength::Omission),
    ("never", NotDone, Strength::Omission),
    ("forgot to", NotDone, Strength::Lapse),
    ("forgot", As("overlooked"), Strength::Lapse),
    ("forgotten to", NotDone, Strength::Lapse),
    ("forgets to", NotDone, Strength::Lapse),
    ("forgetting to", NotDone, Strength::Lapse),
    ("forgot about", As("overlooked"), Strength::Lapse),
];

/// Adverbs of error.
const ADVERBS: &[&str] = &[
    "accidentally",
    "mistakenly",
    "inadvertently",
    "wrongly",
    "erroneously",
    "unintentionally",
    "by mistake",
    "by accident",
    "in error",
    "carelessly",
    "recklessly",
    "negligently",
    "stupidly",
    "foolishly",
    "blindly",
    "hastily",
    "sloppily",
];

/// Phrases that are blaming by themselves or with a check.
const PHRASES: &[(&str, Trigger)] = &[
    ("human error", Trigger::Checked(BlameRule::HumanError, Check::Cause)),
    ("human errors", Trigger::Checked(BlameRule::HumanError, Check::Cause)),
    ("operator error", Trigger::Checked(BlameRule::HumanError, Check::Cause)),
    ("user error", Trigger::Checked(BlameRule::HumanError, Check::Cause)),
    ("pilot error", Trigger::Checked(BlameRule::HumanError, Check::Cause)),
    ("pebkac", Trigger::Phrase(BlameRule::HumanError)),
    ("should have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("should've", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("shouldn't have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("should not have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("ought to have", Trigger::Checked(BlameRule::ShouldHave, Check::Hindsight)),
    ("careless", Trigger::Phrase(BlameRule::Careless)),
    ("carelessness", Trigger::Phrase(BlameRule::Careless)),
    ("negligent", Trigger::Phrase(BlameRule::Careless)),
    ("negligence", Trigger::Phrase(BlameRule::Careless)),
    ("sloppy", Trigger::Phrase(BlameRule::Careless)),
    ("sloppiness", Trigger::Phrase(BlameRule::Careless)),
    ("incompetent", Trigger::Phrase(BlameRule::Careless)),
    ("incompetence", Trigger::Phrase(BlameRule::Careless)),
    ("reckless", Trigger::Phrase(BlameRule::Careless)),
    ("laziness", Trigger::Phrase(BlameRule::Careless)),
    ("inattentive", Trigger::Phrase(BlameRule::Careless)),
    ("gullible", Trigger::Phrase(BlameRule::Careless)),
    ("clueless", Trigger::Phrase(BlameRule::Careless)),
    ("irresponsible", Trigger::Phrase(BlameRule::Careless)),
    ("inexperienced", Trigger::Phrase(BlameRule::Careless)),
    ("unqualified", Trigger::Phrase(BlameRule::Careless)),
    ("not qualified", Trigger::Phrase(BlameRule::Careless)),
    ("not experienced", Trigger::Phrase(BlameRule::Careless)),
    ("poor judgement", Trigger::Phrase(BlameRule::Careless)),
    ("poor judgment", Trigger::Phrase(BlameRule::Careless)),
    ("bad judgement", Trigger::Phrase(BlameRule::Careless)),
    ("bad judgment", Trigger::Phrase(BlameRule::Careless)),
    ("lacked the diligence", Trigger::Phrase(BlameRule::Careless)),
    ("lacked diligence", Trigger::Phrase(BlameRule::Careless)),
    ("without being thorough", Trigger::Phrase(BlameRule::Careless)),
    ("not thorough", Trigger::Phrase(BlameRule::Careless)),
    ("wasn't thorough", Trigger::Phrase(BlameRule::Careless)),
    ("did not bother", Trigger::Phrase(BlameRule::Careless)),
    ("didn't bother", Trigger::Phrase(BlameRule::Careless)),
    ("never bothered", Trigger::Phrase(BlameRule::Careless)),
    ("couldn't be bothered", Trigger::Phrase(BlameRule::Careless)),
    ("did not pay attention", Trigger::Phrase(BlameRule::Careless)),
    ("didn't pay attention", Trigger::Phrase(BlameRule::Careless)),
    ("not paying attention", Trigger::Phrase(BlameRule::Careless)),
    ("wasn't paying attention", Trigger::Phrase(BlameRule::Careless)),
    ("should face consequences", Trigger::Phrase(BlameRule::Careless)),
    ("should be disciplined", Trigger::Phrase(BlameRule::Careless)),
    ("should be held accountable", Trigger::Phrase(BlameRule::Careless)),
    ("should be fired", Trigger::Phrase(BlameRule::Careless)),
    ("lazy", Trigger::Checked(BlameRule::Careless, Check::AboutPeople)),
    ("mistake", Trigger::Checked(BlameRule::Careless, Check::OfPerson)),
    ("oversight", Trigger::Checked(BlameRule::Careless, Check::OfPerson)),
    ("failure to", Trigger::Checked(BlameRule::Careless, Check::OfPerson)),
    ("lack of care", Trigger::Checked(BlameRule::Careless, Check::OfPerson)),
    ("lack of attention", Trigger::Checked(BlameRule::Careless, Check::OfPerson)),
    ("lack of diligence", Trigger::Checked(BlameRule::Careless, Check::OfPerson)),
    ("without reading", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("without checking", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("without looking", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("without testing", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("without telling", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("without asking", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("without any review", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("without thinking", Trigger::Checked(BlameRule::Careless, Check::PersonActed)),
    ("wrong", Trigger::Checked(BlameRule::PersonAsSubject, Check::PersonActed)),
    ("why didn't", Trigger::Checked(BlameRule::WhyDidnt, Check::AskedOfPerson)),
    ("why didn’t", Trigger::Checked(BlameRule::WhyDidnt, Check::AskedOfPerson)),
    ("why didnt", Trigger::Checked(BlameRule::WhyDidnt, Check::AskedOfPerson)),
    ("why did", Trigger::Checked(BlameRule::WhyDidnt, Check::AskedOfPerson)),
    ("why hadn't", Trigger::Checked(BlameRule::WhyDidnt, Check::AskedOfPerson)),
    ("why wasn't", Trigger::Checked(BlameRule::WhyDidnt, Check::AskedOfPerson)),
    ("how could", Trigger::Checked(BlameRule::WhyDidnt, Check::AskedOfPerson)),
    ("obviously", Trigger::Phrase(BlameRule::Obviously)),
    ("fault", Trigger::Checked(BlameRule::Fault, Check::Held)),
    ("blame", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
    ("blamed", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
    ("blames", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
    ("blaming", Trigger::Checked(BlameRule::Fault, Check::Assigned)),
];

/// Every trigger phrase, found in one pass.
static TRIGGERS: LazyLock<PhraseSet<Trigger>> = LazyLock::new(|| {
    let verbs = VERBS.iter().map(|&(verb, passive, strength)| (verb, Trigger::Verb { passive, strength }));
    let adverbs = ADVERBS.iter().map(|&a| (a, Trigger::Adverb));
    PhraseSet::new(verbs.chain(adverbs).chain(PHRASES.iter().copied()), false).expect("non-empty trigger list")
});

/// Every blaming phrase in `text`; `people` are where names and handles were found.
pub(super) fn scan(text: &str, words: &Words, people: &[Range<usize>], out: &mut Vec<Finding>) {
    let mut name_ends: Vec<usize> = people.iter().map(|p| p.end).collect();
    name_ends.sort_unstable();
    let mut starts: Vec<(usize, usize)> = people.iter().map(|p| (p.start, p.end)).collect();
    starts.sort_unstable();
    let ctx = Context { text, name_ends: &name_ends, name_starts: &starts };
    for (range, trigger) in TRIGGERS.find(text, words) {
        let found = match trigger {
            Trigger::Verb { passive, strength } => ctx.verb(range, passive, strength),
            Trigger::Adverb => ctx.adverb(range),
            Trigger::Phrase(rule) => Some((rule, range)),
            Trigger::Checked(rule, check) => check.apply(&ctx, range).map(|r| (rule, r)),
        };
        if let Some((rule, range)) = found {
            out.push(Finding { kind: Kind::Blame(rule), range });
        }
    }
}

/// The text and where people were found in it.
struct Context<'a> {
    text: &'a str,
    name_ends: &'a [usize],
    /// (start, end) of each name, sorted by start.
    name_starts: &'a [(usize, usize)],
}

/// Verbs whose omission is a failure of duty ("did not check", "never tested").
const DUTIES: &[&str] = &[
    "check",
    "verify",
    "test",
    "follow",
    "read",
    "notice",
    "escalate",
    "notify",
    "tell",
    "look",
    "review",
    "confirm",
    "validate",
    "update",
    "run",
    "lock",
    "monitor",
    "see",
    "open",
    "respond",
    "acknowledge",
    "ack",
    "report",
    "inform",
    "wait",
    "ask",
    "inspect",
    "rotate",
    "renew",
    "back",
    "patch",
    "announce",
    "document",
    "communicate",
    "call",
    "page",
    "warn",
    "hand",
    "record",
    "secure",
    "double-check",
    "sign",
    "consult",
    "coordinate",
    "raise",
    "flag",
    "mention",
    "share",
    "attend",
    "answer",
    "investigate",
    "heed",
    "act",
    "alert",
    "lock",
    "log",
    "restore",
    "backup",
    "remove",
    "revoke",
    "disable",
    "enable",
    "configure",
    "set",
    "bother",
    "pay",
    "listen",
    "care",
    "plan",
    "prepare",
    "do",
];

/// Words in a sentence that say an action was meant ("as planned", "after confirming").
const MEANT: &[&str] = &[
    "as planned",
    "as intended",
    "as expected",
    "as agreed",
    "as designed",
    "as scheduled",
    "after confirming",
    "after checking",
    "after verifying",
    "on purpose",
    "deliberately",
    "intentionally",
    "per the runbook",
    "following the runbook",
    "according to the runbook",
    "as documented",
    "as requested",
    "safely",
];

/// Finds any of [`MEANT`] in one pass.
static MEANT_FINDER: LazyLock<aho_corasick::AhoCorasick> =
    LazyLock::new(|| aho_corasick::AhoCorasick::new(MEANT).expect("a small fixed phrase list"));

impl Context<'_> {
    /// An error verb: blaming with a person as its subject, or as the agent of its passive.
    fn verb(&self, range: Range<usize>, passive: Passive, strength: Strength) -> Option<(BlameRule, Range<usize>)> {
        let text = self.text;
        let act = action(text, range.end, passive);
        if strength == Strength::Omission && !self.omits_duty(&act, range.end) {
            return None;
        }
        let nearly = words_before(text, range.start).next().is_some_and(|w| is_one_of(&text[w], &["nearly", "almost"]));
        if strength == Strength::Action && self.meant(range.start) || self.hypothetical(range.start) || nearly {
            return None;
        }
        let end = act.end;
        if strength == Strength::Passive {
            return self.agent(range).map(|r| (BlameRule::PersonAsSubject, r));
        }
        match subject(text, range.start, self.name_ends) {
            Some(Subject::Named) => Some((BlameRule::PersonAsSubject, range.start..end)),
            Some(Subject::Role(start)) => Some((BlameRule::PersonAsSubject, start..end)),
            None if strength == Strength::Lapse && !self.has_thing_subject(range.start) => {
                Some((BlameRule::ForgotTo, range.start..end))
            }
            None if matches!(strength, Strength::Failure | Strength::Action) => {
                self.agent(range).map(|r| (BlameRule::PersonAsSubject, r))
            }
            None => None,
        }
    }

    /// "did not check", "never even opened": the thing not done is a duty or a past action.
    fn omits_duty(&self, act: &Action, verb_end: usize) -> bool {
        let text = self.text;
        let word = act.infinitive.clone().or_else(|| next_word(text, verb_end));
        let Some(word) = word else { return false };
        let w = text[word.clone()].to_lowercase();
        let w = if matches!(w.as_str(), "even" | "actually" | "once" | "really") {
            next_word(text, word.end).map(|r| text[r].to_lowercase()).unwrap_or_default()
        } else {
            w
        };
        // The duty itself, or its past tense ("checked", "noticed").
        let duty = |word: &str| is_one_of(word, DUTIES);
        duty(&w) || w.strip_suffix("ed").is_some_and(duty) || w.strip_suffix('d').is_some_and(duty)
    }

    /// True when the sentence around byte `at` says the action was meant.
    fn meant(&self, at: usize) -> bool {
        let sentence = sentence_at(self.text, at).to_lowercase();
        MEANT_FINDER.is_match(&sentence)
    }

    /// True when the clause before byte `at` is a condition or advice ("If an operator had
    /// deleted…", "Operators should be able to…").
    fn hypothetical(&self, at: usize) -> bool {
        let start = sentence_start(self.text, at);
        let before = self.text[start..at].to_lowercase();
        let first = before.split_whitespace().next().unwrap_or("");
        matches!(first, "if" | "unless" | "imagine" | "suppose" | "whenever")
            || before.split_whitespace().any(|w| {
                matches!(
                    w,
                    "should"
                        | "must"
                        | "can"
                        | "could"
                        | "would"
                        | "might"
                        | "may"
                        | "cannot"
                        | "can't"
                        | "shall"
                        | "able"
                        | "will"
                        | "sometimes"
                        | "occasionally"
                        | "often"
                        | "always"
                        | "usually"
                        | "tend"
                )
            })
    }

    /// True when a system or an attacker stands right before byte `at` ("the phishing actor
    /// forgot", "the cron job forgot").
    fn has_thing_subject(&self, at: usize) -> bool {
        words_before(self.text, at).next().is_some_and(|w| {
            let w = self.text[w].to_lowercase();
            !matches!(w.as_str(), "and" | "but" | "then" | "also" | "just" | "simply" | "i" | "we" | "you")
        })
    }

    /// "was dropped by Marco", "were deleted by the contractor": the participle to the agent.
    fn agent(&self, verb: Range<usize>) -> Option<Range<usize>> {
        let text = self.text;
        let aux = words_before(text, verb.start).next()?;
        if !is_one_of(&text[aux], &["was", "were", "been", "got", "being"]) {
            return None;
        }
        let clause = &text[verb.end..end_before(text, verb.end, b".;\n,!?", SENTENCE_LIMIT)];
        let by = verb.end + clause.find(" by ")? + 4;
        self.person_at(by).map(|end| verb.start..end)
    }

    /// Where a person starting at byte `at` ends: a found name, or a role phrase ("the on-call
    /// engineer", "an intern", "the network team's new engineer").
    fn person_at(&self, at: usize) -> Option<usize> {
        let text = self.text;
        if let Ok(i) = self.name_starts.binary_search_by_key(&at, |&(s, _)| s) {
            return Some(self.name_starts[i].1);
        }
        let mut pos = at;
        let mut before: Vec<String> = Vec::new();
        for _ in 0..5 {
            let word = next_word(text, pos).or_else(|| (pos == at).then(|| first_word(text, at)).flatten())?;
            let w = text[word.clone()].to_lowercase();
            if subject::is_role_word(&w) {
                let before: Vec<&str> = before.iter().map(String::as_str).collect();
                return (!subject::names_a_machine(&w, &before)).then_some(word.end);
            }
            before.push(w);
            pos = word.end;
        }
        None
    }

    /// An adverb of error with a person as the subject of the verb it qualifies.
    fn adverb(&self, range: Range<usize>) -> Option<(BlameRule, Range<usize>)> {
        let text = self.text;
        let verb = next_word(text, range.end);
        let lucky = verb.as_ref().is_some_and(|v| is_one_of(&text[v.clone()], LUCKY));
        if lucky || self.hypothetical(range.start) {
            return None;
        }
        let end = verb.as_ref().map_or(range.end, |v| object_after(text, v.end).map_or(v.end, |o| o.end));
        let at = if text[range.clone()].contains(' ') {
            // "by mistake", "in error" come after the action: its subject starts the sentence.
            sentence_start(text, range.start)
        } else {
            range.start
        };
        match subject(text, at, self.name_ends).or_else(|| self.first_person(range.start)) {
            Some(Subject::Named) => Some((BlameRule::PersonAsSubject, range.start..end)),
            Some(Subject::Role(start)) if start < range.start => Some((BlameRule::PersonAsSubject, start..end)),
            _ => None,
        }
    }

    /// For adverbs placed after the action ("ran the migration by mistake"): the sentence's
    /// subject, when it is a person.
    fn first_person(&self, at: usize) -> Option<Subject> {
        subject_of_sentence(self.text, sentence_start(self.text, at), at, self.name_ends)
    }
}

/// The first word at or after byte `at`.
fn first_word(text: &str, at: usize) -> Option<Range<usize>> {
    let rest = &text[at..];
    let start = at + rest.find(|c: char| c.is_alphanumeric())?;
    let len = text[start..]
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '-')))
        .unwrap_or(text.len() - start);
    Some(start..start + len)
}

/// Verbs of finding: an accident that finds a problem is luck, not a failure.
const LUCKY: &[&str] = &[
    "discovered",
    "found",
    "noticed",
    "spotted",
    "caught",
    "uncovered",
    "learned",
    "learnt",
    "realised",
    "realized",
    "stumbled",
    "detected",
    "saw",
    "identified",
    "revealed",
    "exposed",
    "prevented",
    "stopped",
    "avoided",
];

/// Where the sentence holding byte `at` starts.
fn sentence_start(text: &str, at: usize) -> usize {
    start_after(text, at, SENTENCE_ENDS, SENTENCE_LIMIT)
}

/// What ends a sentence (or a line, a clause that stands alone).
const SENTENCE_ENDS: &[u8] = b".!?\n;";

/// How far back or ahead a sentence is looked for: longer ones are cut, so a line of megabytes
/// costs no more than many short ones.
const SENTENCE_LIMIT: usize = 600;

/// The sentence holding byte `at`.
fn sentence_at(text: &str, at: usize) -> &str {
    let start = sentence_start(text, at);
    let end = end_before(text, at, SENTENCE_ENDS, SENTENCE_LIMIT);
    &text[start..end]
}

/// The person who opens the sentence starting at `start`, before byte `before`.
fn subject_of_sentence(text: &str, start: usize, before: usize, name_ends: &[usize]) -> Option<Subject> {
    let mut pos = start;
    for _ in 0..4 {
        let word = first_word(text, pos).filter(|w| w.end <= before)?;
        if let Some(s) = subject(text, word.end, name_ends).filter(|s| match s {
            Subject::Named => true,
            Subject::Role(r) => *r >= start,
        }) {
            return Some(s);
        }
        pos = word.end;
    }
    None
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
    fn apply(self, ctx: &Context<'_>, range: Range<usize>) -> Option<Range<usize>> {
        let text = ctx.text;
        match self {
            Check::Hindsight => {
                let next = next_word(text, range.end)?;
                let noun_after = first_word(text, next.end).is_some_and(|w| {
                    is_one_of(&text[w], &["access", "permission", "permissions", "rights", "privileges"])
                });
                if !is_participle(&text[next.clone()]) || noun_after {
                    return None;
                }
                match subject(text, range.start, ctx.name_ends)? {
                    Subject::Named => Some(range.start..next.end),
                    Subject::Role(start) => Some(start..next.end),
                }
            }
            Check::AboutPeople => {
                let technical = char_at(text, range.end) == Some('-')
                    || next_word(text, range.end).is_some_and(|w| is_one_of(&text[w], LAZY_TECHNICAL));
                (!technical).then_some(range)
            }
            Check::Held => {
                let before: Vec<Range<usize>> = words_before(text, range.start).take(4).collect();
                let prev = before.first().map(|w| &text[w.clone()]);
                let disclaimed = prev.is_some_and(|w| is_one_of(w, &["nobody's", "nobody’s", "no", "not"]))
                    || (prev.is_some_and(|w| is_one_of(w, &["one's", "one’s"]))
                        && before.get(1).is_some_and(|w| is_one_of(&text[w.clone()], &["no"])))
                    || before.iter().any(|w| is_one_of(&text[w.clone()], &["nobody", "noone", "not", "never"]))
                    || before
                        .windows(2)
                        .any(|p| is_one_of(&text[p[1].clone()], &["no"]) && is_one_of(&text[p[0].clone()], &["one"]));
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
                let disclaimed = words_before(text, range.start).take(5).any(|w| is_one_of(&text[w], DISCLAIMERS));
                let noun = next_word(text, range.end).is_some_and(|w| is_one_of(&text[w], BLAME_TOOLS));
                (!compound && !disclaimed && !noun).then_some(range)
            }
            Check::Cause => {
                let before: Vec<String> =
                    words_before(text, range.start).take(5).map(|w| text[w].to_lowercase()).collect();
                let negated = before.iter().any(|w| {
                    is_one_of(
                        w,
                        &[
                            "no",
                            "not",
                            "never",
                            "without",
                            "prevent",
                            "prevents",
                            "reduce",
                            "reduces",
                            "avoid",
                            "minimise",
                            "minimize",
                            "design",
                            "tolerate",
                            "tolerant",
                            "resilient",
                            "against",
                            "for",
                            "out",
                        ],
                    )
                });
                let cause = before.iter().take(3).any(|w| is_one_of(w, CAUSE_WORDS))
                    || next_word_raw(text, range.end).is_some_and(|w| is_one_of(&text[w], &["by", "from"]));
                let about_design = next_word_raw(text, range.end)
                    .is_some_and(|w| is_one_of(&text[w], &["is", "will", "happens", "can"]));
                (cause && !negated && !about_design).then_some(range)
            }
            Check::AskedOfPerson => {
                let mut pos = range.end;
                for _ in 0..4 {
                    let word =
                        first_word(text, pos).filter(|w| !text[pos..w.start].contains(['.', '?', '!', ',', ';']))?;
                    let w = text[word.clone()].to_lowercase();
                    if ctx.name_starts.binary_search_by_key(&word.start, |&(s, _)| s).is_ok()
                        || subject::is_role_word(&w)
                        || is_one_of(&w, &["anyone", "anybody", "nobody", "someone", "he", "she", "they", "you"])
                    {
                        return Some(range.start..word.end);
                    }
                    pos = word.end;
                }
                None
            }
            Check::OfPerson => {
                let prev = words_before(text, range.start).next();
                let possessed = prev.as_ref().is_some_and(|w| {
                    let word = text[w.clone()].to_lowercase();
                    let stem = word.trim_end_matches("'s").trim_end_matches("’s");
                    stem.len() < word.len()
                        && (ctx.name_ends.binary_search(&(w.start + stem.len())).is_ok() || subject::is_role_word(stem))
                });
                let by = next_word_raw(text, range.end)
                    .filter(|w| is_one_of(&text[w.clone()], &["by", "of", "from"]))
                    .and_then(|w| ctx.person_at(w.end + 1));
                let generic = prev
                    .as_ref()
                    .and_then(|p| words_before(text, p.start).next())
                    .is_some_and(|w| is_one_of(&text[w], &["one", "any", "single", "a", "an", "every", "each", "no"]));
                if possessed && !generic && !ctx.hypothetical(range.start) {
                    prev.map(|p| p.start..range.end)
                } else {
                    by.map(|end| range.start..end)
                }
            }
            Check::PersonActed => {
                let wrong = text[range.clone()].eq_ignore_ascii_case("wrong");
                if wrong
                    && !words_before(text, range.start).next().is_some_and(|w| is_one_of(&text[w], &["the", "a", "an"]))
                {
                    return None;
                }
                let start = sentence_start(text, range.start);
                let subject = subject_of_sentence(text, start, range.start, ctx.name_ends);
                let agent =
                    sentence_at(text, range.start).find(" by ").and_then(|i| ctx.person_at(start + i + 4)).is_some();
                ((subject.is_some() || agent) && !ctx.hypothetical(range.start)).then_some(range)
            }
        }
    }
}

/// Words that give "human error" as a cause ("was human error", "due to human error").
const CAUSE_WORDS: &[&str] = &[
    "was",
    "is",
    "were",
    "due",
    "caused",
    "because",
    "result",
    "blamed",
    "cause",
    "attributed",
    "down",
    "chalked",
    "simply",
    "just",
    "pure",
    "classic",
    "typical",
    "obvious",
    "clear",
    "case",
];

/// Nouns after "blame" that make it a tool ("the blame view", "blame output").
const BLAME_TOOLS: &[&str] = &[
    "view",
    "command",
    "tool",
    "output",
    "annotation",
    "annotations",
    "history",
    "page",
    "feature",
    "mode",
    "button",
    "line",
    "panel",
    "tab",
    "plugin",
    "log",
];

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

#[cfg(test)]
mod tests {
    use super::reword::participle;
    use super::*;

    fn found_with(text: &str, people: &[&str]) -> Vec<(BlameRule, String)> {
        let ranges: Vec<Range<usize>> = people
            .iter()
            .flat_map(|p| text.match_indices(p).map(|(i, _)| i..i + p.len()).collect::<Vec<_>>())
            .collect();
        let mut out = Vec::new();
        scan(text, &Words::new(text), &ranges, &mut out);
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
            [
                (BlameRule::PersonAsSubject, "accidentally deleted the prod table".into()),
                (BlameRule::PersonAsSubject, "deleted the prod table".into())
            ],
            "the adverb and the verb both blame; the scanner keeps the longer"
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
            ("Ops failed to notice the disk filling up.", "Ops failed to notice the disk filling up"),
            ("The reviewer rubber-stamped the PR.", "The reviewer rubber-stamped the PR"),
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
            "We should've caught it; the alert should have been obvious and should have fired.",
            "Mechanisms that prevent human error; human error is a symptom, not a cause.",
            "The attacker failed to escalate and the phishing actor forgot to remove the pixel.",
            "The engineer accidentally discovered the bug. Tomasz deleted the stale branches as planned.",
            "Rotate the key, then check the logs.",
            "Why didn't the alert fire?",
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
            ("They should have known better.", BlameRule::ShouldHave, "They should have known"),
            ("The reviewer should've caught it", BlameRule::ShouldHave, "The reviewer should've caught"),
            ("a careless change", BlameRule::Careless, "careless"),
            ("it was negligence", BlameRule::Careless, "negligence"),
            ("Sloppy work.", BlameRule::Careless, "Sloppy"),
            ("an incompetent reviewer", BlameRule::Careless, "incompetent"),
            ("a lazy engineer", BlameRule::Careless, "lazy"),
            ("Why didn't anyone check?", BlameRule::WhyDidnt, "Why didn't anyone"),
            ("why didn’t the on-call notice", BlameRule::WhyDidnt, "why didn’t the on-call"),
            ("Obviously, the flag was wrong.", BlameRule::Obviously, "Obviously"),
            ("The team blamed the vendor.", BlameRule::Fault, "blamed"),
            ("The reviewer was at fault", BlameRule::Fault, "at fault"),
            ("it was his fault", BlameRule::Fault, "his fault"),
            ("it was Dave's fault", BlameRule::Fault, "fault"),
            ("the fault of the reviewer", BlameRule::Fault, "fault of"),
            (
                "The support team forgot to renew the cert.",
                BlameRule::PersonAsSubject,
                "The support team forgot to renew the cert",
            ),
            ("Forgot to renew the cert.", BlameRule::ForgotTo, "Forgot to renew the cert"),
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
            ("the reviewer rubber-stamped the PR", "the PR was approved without review"),
        ];
        for (matched, expected) in cases {
            assert_eq!(suggest(BlameRule::PersonAsSubject, matched).as_deref(), Some(expected), "{matched}");
        }
    }

    #[test]
    fn no_rewording_without_an_object_or_for_rules_without_one() {
        assert_eq!(suggest(BlameRule::PersonAsSubject, "deleted"), None);
        assert_eq!(suggest(BlameRule::ForgotTo, "forgot to"), None);
        assert_eq!(suggest(BlameRule::HumanError, "human error"), None);
        for rule in BlameRule::ALL {
            assert!(Kind::Blame(rule).hint().contains(' '), "every rule says what to write instead");
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
