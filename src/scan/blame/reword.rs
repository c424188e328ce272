//! Blameless rewordings: "Dave misconfigured the firewall rule" → "the firewall rule was
//! misconfigured".

use super::{action, Passive, Trigger, TRIGGERS};
use crate::scan::text::{is_one_of, Words};
use crate::scan::BlameRule;
use Passive::{As, NotDone};

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
pub(super) fn participle(verb: &str) -> String {
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

/// A blameless rewording of `matched`, a finding of `rule`: the person's failure said of the
/// thing that failed. `None` for rules that have no rewording of their own (the rule's hint
/// says what to write) and where the sentence has no object to make the subject.
pub(in crate::scan) fn suggest(rule: BlameRule, matched: &str) -> Option<String> {
    match rule {
        BlameRule::PersonAsSubject | BlameRule::ForgotTo => reword(matched),
        _ => None,
    }
}

/// "misconfigured the firewall rule" → "the firewall rule was misconfigured"; "forgot to renew
/// the certs" → "the certs were not renewed". `None` without an object to make the subject.
fn reword(matched: &str) -> Option<String> {
    let (verb, trigger) =
        TRIGGERS.find(matched, &Words::new(matched)).find(|(_, t)| matches!(t, Trigger::Verb { .. }))?;
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
