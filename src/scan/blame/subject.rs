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

/// Role nouns that also name software or an account, with the words that make them one when
/// they come just before ("the secrets manager", "the monitoring agent", "the domain controller",
/// "the service user").
const MACHINE_ROLES: &[(&str, &[&str])] = &[
    (
        "manager",
        &[
            "secrets",
            "secret",
            "password",
            "package",
            "certificate",
            "cert",
            "key",
            "credential",
            "window",
            "task",
            "resource",
            "cluster",
            "node",
            "device",
            "connection",
            "session",
            "volume",
            "network",
            "process",
            "config",
            "configuration",
            "file",
            "boot",
            "license",
            "traffic",
            "systems",
            "state",
            "lock",
            "memory",
            "dependency",
            "plugin",
            "extension",
            "display",
            "login",
            "power",
            "storage",
            "disk",
            "partition",
            "download",
            "update",
            "cache",
            "pool",
            "queue",
            "job",
            "container",
            "identity",
            "consent",
            "cookie",
            "tag",
            "policy",
            "patch",
            "deployment",
            "replication",
            "transaction",
            "buffer",
            "input",
            "workspace",
            "entity",
            "vault",
            "version",
        ],
    ),
    (
        "controller",
        &[
            "domain",
            "ingress",
            "admission",
            "replication",
            "replica",
            "storage",
            "raid",
            "disk",
            "array",
            "wireless",
            "wlan",
            "sdn",
            "network",
            "memory",
            "flight",
            "motor",
            "kubernetes",
            "k8s",
            "deployment",
            "node",
            "endpoint",
            "volume",
            "job",
            "cron",
            "namespace",
            "cluster",
            "usb",
            "sata",
            "nvme",
            "scsi",
            "hardware",
            "logic",
            "door",
            "hvac",
            "gateway",
            "daemonset",
            "statefulset",
            "hpa",
            "autoscaling",
        ],
    ),
    (
        "operator",
        &[
            "kubernetes",
            "k8s",
            "postgres",
            "etcd",
            "prometheus",
            "cert-manager",
            "crossplane",
            "helm",
            "olm",
            "redis",
            "kafka",
            "strimzi",
            "elasticsearch",
            "mongodb",
            "mysql",
            "vault",
            "cluster",
            "database",
            "backup",
        ],
    ),
    (
        "agent",
        &[
            "monitoring",
            "backup",
            "logging",
            "log",
            "build",
            "ci",
            "endpoint",
            "edr",
            "xdr",
            "ssm",
            "update",
            "puppet",
            "chef",
            "salt",
            "deployment",
            "deploy",
            "datadog",
            "zabbix",
            "nagios",
            "telegraf",
            "security",
            "antivirus",
            "av",
            "mdm",
            "sync",
            "replication",
            "relay",
            "transfer",
            "mail",
            "user",
            "node",
            "host",
            "sidecar",
            "proxy",
            "metrics",
            "telemetry",
            "inventory",
            "patch",
            "dlp",
            "osquery",
            "wazuh",
            "fleet",
            "consul",
            "nomad",
            "vault",
            "ecs",
            "container",
            "cloudwatch",
            "automation",
            "coding",
            "browser",
            "collection",
            "scan",
            "scanning",
            "vulnerability",
            "discovery",
            "health",
            "heartbeat",
            "falcon",
        ],
    ),
    (
        "worker",
        &[
            "background",
            "queue",
            "job",
            "celery",
            "sidekiq",
            "resque",
            "rq",
            "build",
            "ci",
            "cron",
            "batch",
            "async",
            "task",
            "kubernetes",
            "thread",
            "web",
            "service",
            "cloudflare",
            "etl",
            "ingest",
            "ingestion",
            "import",
            "export",
            "sync",
            "render",
            "email",
            "mail",
            "webhook",
            "gunicorn",
            "uwsgi",
            "puma",
            "unicorn",
            "dramatiq",
            "temporal",
            "airflow",
            "spark",
            "dask",
            "compute",
            "gpu",
            "index",
            "indexing",
            "cleanup",
            "billing",
            "notification",
            "scheduler",
            "consumer",
            "stream",
            "pipeline",
        ],
    ),
    (
        "user",
        &[
            "service",
            "database",
            "db",
            "root",
            "admin",
            "iam",
            "system",
            "sudo",
            "test",
            "guest",
            "anonymous",
            "default",
            "ldap",
            "domain",
            "local",
            "machine",
            "technical",
            "application",
            "app",
            "bot",
            "api",
            "shared",
            "generic",
            "ftp",
            "sftp",
            "ssh",
            "unix",
            "linux",
            "windows",
            "postgres",
            "mysql",
            "oracle",
            "sql",
            "replication",
            "backup",
            "deploy",
            "deployment",
            "ci",
            "build",
            "jenkins",
            "git",
            "synthetic",
        ],
    ),
    ("member", &["cluster", "replica", "raid", "quorum", "pool", "array", "node", "etcd", "bond", "lag", "ensemble"]),
    ("supervisor", &["process", "service", "daemon", "runit", "s6", "systemd"]),
    ("dispatcher", &["event", "job", "message", "task", "request", "interrupt", "queue", "work", "signal"]),
    ("tester", &["load", "unit", "stress", "cable", "fuzz"]),
];

/// Words that make any role noun a machine's ("the automated reviewer", "an AI agent").
const AUTOMATED: &[&str] = &[
    "automated",
    "automatic",
    "auto",
    "scheduled",
    "headless",
    "virtual",
    "software",
    "ai",
    "llm",
    "autonomous",
    "robotic",
    "bot",
    "synthetic",
];

/// True when the role noun `role` (lower case), after the words `before` it in its noun phrase
/// (in order), names software or an account rather than a person.
pub(super) fn names_a_machine(role: &str, before: &[&str]) -> bool {
    let role = singular(role);
    let compound = before.last().is_some_and(|modifier| {
        MACHINE_ROLES.iter().any(|(head, modifiers)| *head == role && is_one_of(modifier, modifiers))
    });
    compound || before.iter().any(|w| is_one_of(w, AUTOMATED))
}

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
    ROLES.contains(lower) || ROLES.contains(singular(lower)) || lower == "people" || lower == "staff"
}

/// `lower` without a plural `s` ("engineers" → "engineer").
fn singular(lower: &str) -> &str {
    lower.strip_suffix('s').filter(|b| b.len() > 2).unwrap_or(lower)
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
    let before: Vec<&str> = tokens[start..i].iter().map(|t| t.lower.as_str()).collect();
    if names_a_machine(&tokens[i].lower, &before) || modifies_a_thing(tokens, start) {
        return None;
    }
    Some(tokens[start].range.start)
}

/// Prepositions that tie a noun phrase to the noun before it ("the dashboard for the engineer").
const ATTACHING: &[&str] = &["on", "of", "for", "from", "in", "at", "with", "to", "about", "behind", "under"];

/// Quantities that make "of the engineers" the people themselves ("one of the engineers").
const QUANTITIES: &[&str] = &[
    "one", "two", "three", "none", "each", "some", "half", "most", "all", "several", "many", "few", "any", "both",
    "either", "neither", "rest", "majority", "minority", "everyone", "nobody",
];

/// True when the noun phrase starting at token `start` is inside a prepositional phrase of a
/// thing introduced by a determiner ("the dashboard for the on-call engineer"): the thing, not
/// the person, is then the subject.
fn modifies_a_thing(tokens: &[Token], start: usize) -> bool {
    let [.., thing, preposition] = &tokens[..start] else { return false };
    if thing.punct || !is_one_of(&preposition.lower, ATTACHING) {
        return false;
    }
    let person = is_role_word(&thing.lower) || is_one_of(&thing.lower, PRONOUNS) || is_one_of(&thing.lower, QUANTITIES);
    let end = start - 2;
    let introduced = tokens[end.saturating_sub(3)..end].iter().any(|t| is_one_of(&t.lower, DETERMINERS));
    !person && introduced && !is_one_of(&thing.lower, DETERMINERS)
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
            ("The snapshot on the secrets manager was misconfigured.", "misconfigured", None),
            ("The AWS Secrets Manager was misconfigured.", "misconfigured", None),
            ("The monitoring agent failed to report.", "failed", None),
            ("The Celery workers forgot to ack the messages.", "forgot", None),
            ("The domain controller failed to replicate.", "failed", None),
            ("The service user was misconfigured.", "misconfigured", None),
            ("An AI agent deleted the table.", "deleted", None),
            ("The dashboard for the on-call engineer was misconfigured.", "misconfigured", None),
            ("The release manager forgot to tag the build.", "forgot", Some("The")),
            ("The service desk agent failed to escalate.", "failed", Some("The")),
            ("One of the engineers deleted the table.", "deleted", Some("the")),
            ("The manager of the engineer deleted the table.", "deleted", Some("the")),
            ("Later on Friday engineers deleted the table.", "deleted", Some("Friday")),
        ];
        for (text, verb, expected) in cases {
            assert_eq!(who(text, verb, &["Kofi"]).as_deref(), expected, "{text}");
        }
    }
}
