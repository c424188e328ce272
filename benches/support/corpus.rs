//! A deterministic generator of realistic knowledge bases for benchmarks: varied vocabulary,
//! patterns, teams, dates over years, action items, and a few withheld writeups, in a chosen
//! [`Shape`] (body length, tags and patterns per writeup, share of writeups with gate findings).
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use nearmiss::date::Date;

/// A seeded xorshift generator, so the same size always gives the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PATTERNS: &[(&str, &str)] = &[
    ("firewall-change-drift", "Firewall change drift"),
    ("phishing-attempt", "Phishing attempt"),
    ("secret-in-code", "Secret in code"),
    ("certificate-expiry", "Certificate expiry"),
    ("backup-restore-gap", "Backup restore gap"),
    ("over-permissive-access", "Over-permissive access"),
    ("dependency-vulnerability", "Dependency vulnerability"),
    ("capacity-exhaustion", "Capacity exhaustion"),
    ("misdirected-data", "Misdirected data"),
    ("unsafe-deployment", "Unsafe deployment"),
    ("stale-access", "Stale access"),
    ("dns-misconfiguration", "DNS misconfiguration"),
    ("vendor-change", "Vendor change"),
    ("monitoring-blind-spot", "Monitoring blind spot"),
    ("ransomware-precursor", "Ransomware precursor"),
];
const SYSTEMS: &[&str] = &[
    "edge firewall",
    "payroll export",
    "customer portal",
    "build pipeline",
    "object storage",
    "identity provider",
    "mail gateway",
    "reporting database",
    "service mesh",
    "backup vault",
    "DNS zone",
    "vendor portal",
    "VPN",
    "message queue",
    "data warehouse",
    "container registry",
    "secrets manager",
    "load balancer",
];
const SUBJECTS: &[&str] = &[
    "rule",
    "certificate",
    "role",
    "bucket policy",
    "deployment",
    "export job",
    "webhook",
    "record",
    "token",
    "migration",
    "snapshot",
    "alert",
    "queue consumer",
    "cron job",
    "feature flag",
    "replica",
    "cache",
    "runbook",
];
const STATES: &[&str] = &[
    "misconfigured",
    "left open",
    "about to expire",
    "silently failing",
    "over-permissive",
    "pointed at production",
    "missing from monitoring",
    "scheduled without review",
    "copied to a shared folder",
    "running an old version",
];
const STOPPERS: &[&str] = &[
    "peer review of the change",
    "an expiry alert",
    "a canary stage",
    "the policy linter",
    "a reconciliation report",
    "a reader of the runbook",
    "the weekly access review",
    "a synthetic check",
    "the service desk",
    "chance",
];
const VERBS: &[&str] = &[
    "noticed",
    "flagged",
    "blocked",
    "caught",
    "surfaced",
    "rejected",
    "paused",
    "escalated",
    "reported",
    "quarantined",
];
const NOUNS: &[&str] = &[
    "outage",
    "exposure",
    "data loss",
    "fraudulent payment",
    "customer impact",
    "regulatory notice",
    "failed restore",
    "privilege escalation",
    "service degradation",
    "breach notification",
    "lockout",
    "rollback",
];
const REASONS: &[&str] = &[
    "the change template had no field for scope",
    "the alert routed to a retired channel",
    "two teams each assumed the other owned the job",
    "the default in the tool was permissive",
    "the migration checklist skipped scheduled jobs",
    "the test data was far smaller than production",
    "the review approved the intent, not the diff",
    "the vendor changed a format without notice",
    "capacity planning used last year's growth",
    "the dashboard showed green from a cached value",
];
const LESSONS: &[&str] = &[
    "controls that are not tested are assumptions",
    "a second pair of eyes works when it sees the diff",
    "alerts need owners as much as systems do",
    "defaults should fail closed",
    "restores prove backups",
    "inventories drift unless something reconciles them",
    "the quiet failure is the dangerous one",
];
const ROLES: &[&str] = &[
    "sre",
    "security-lead",
    "network-engineer",
    "developer",
    "dba",
    "platform-engineer",
    "service-desk",
    "finance-ops",
    "data-protection-officer",
    "business-continuity",
];
const TEAMS: &[&str] = &["team-heron", "team-kestrel", "team-otter", "team-lynx", "team-puffin", "team-marten"];
const TAGS: &[&str] = &[
    "firewall",
    "tls",
    "iam",
    "backups",
    "phishing",
    "dns",
    "payments",
    "ci",
    "kubernetes",
    "vendors",
    "privacy",
    "monitoring",
    "change-review",
    "capacity",
    "secrets",
    "access-review",
];
const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];
const STOPPED_BY: &[&str] = &["human", "monitoring", "automation", "process", "luck"];

/// `roles:` for site.yaml, naming every role the generated writeups use.
fn role_catalogue() -> String {
    let mut out = String::from("roles:\n");
    for role in ROLES {
        out.push_str(&format!("  - slug: {role}\n    description: The {role} role in a near miss.\n"));
    }
    out
}

/// What a generated corpus looks like, besides its size.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The name benchmarks print and name their folders by.
    pub name: String,
    /// Body length in words, drawn evenly from this range; `None` for one sentence a section.
    pub body_words: Option<(usize, usize)>,
    /// Tags per writeup (distinct where the vocabulary allows).
    pub tags: usize,
    /// How many distinct tags there are (at most the built-in list's 16).
    pub tag_vocabulary: usize,
    /// Patterns per writeup (distinct, at most 15).
    pub patterns: usize,
    /// Percent of writeups naming an internal host, which the gate finds and an `allow:` accepts.
    pub findings_percent: usize,
}

impl Shape {
    /// The shape the README's figures were first measured on: short bodies, two of 16 tags, one pattern.
    pub fn today() -> Shape {
        Shape {
            name: "today".into(),
            body_words: None,
            tags: 2,
            tag_vocabulary: TAGS.len(),
            patterns: 1,
            findings_percent: 0,
        }
    }

    /// Issue 18's corpus: 300–900-word bodies, five tags from a small vocabulary (a tag carries
    /// thousands of writeups), three patterns each, and a tenth with an accepted gate finding.
    pub fn wide() -> Shape {
        Shape {
            name: "wide".into(),
            body_words: Some((300, 900)),
            tags: 5,
            tag_vocabulary: 8,
            patterns: 3,
            findings_percent: 10,
        }
    }

    /// `today`, `wide`, or either followed by `:key=value` overrides, e.g.
    /// `wide:words=100-400:tags=3:vocab=6:patterns=2:findings=0` (and `:name=…`).
    pub fn parse(spec: &str) -> Result<Shape, String> {
        let mut parts = spec.split(':');
        let base = parts.next().unwrap_or_default().trim();
        let mut shape = match base {
            "today" => Shape::today(),
            "wide" => Shape::wide(),
            other => return Err(format!("unknown corpus shape `{other}`: use today or wide, then :key=value")),
        };
        let mut renamed = false;
        for part in parts {
            let (key, value) = part.split_once('=').ok_or_else(|| format!("`{part}` is not key=value"))?;
            let number = |v: &str| v.trim().parse::<usize>().map_err(|_| format!("`{part}`: not a number"));
            match key.trim() {
                "words" => {
                    let (lo, hi) = value.split_once('-').unwrap_or((value, value));
                    let (lo, hi) = (number(lo)?, number(hi)?);
                    if lo > hi || lo == 0 {
                        return Err(format!("`{part}`: write words=LOW-HIGH with 0 < LOW <= HIGH"));
                    }
                    shape.body_words = Some((lo, hi));
                }
                "tags" => shape.tags = number(value)?,
                "vocab" => shape.tag_vocabulary = number(value)?.clamp(1, TAGS.len()),
                "patterns" => shape.patterns = number(value)?.clamp(1, PATTERNS.len()),
                "findings" => shape.findings_percent = number(value)?.min(100),
                "name" => {
                    shape.name = value.trim().to_string();
                    renamed = true;
                }
                other => {
                    return Err(format!(
                        "unknown shape option `{other}` (words, tags, vocab, patterns, findings, name)"
                    ))
                }
            }
        }
        if !renamed && spec.contains(':') {
            shape.name = spec.replace([':', '='], "-");
        }
        Ok(shape)
    }

    /// The shapes a benchmark runs: `NEARMISS_BENCH_SHAPES` (space- or comma-separated specs,
    /// see [`Shape::parse`]), else `default`.
    pub fn from_env(default: &str) -> Vec<Shape> {
        let specs = std::env::var("NEARMISS_BENCH_SHAPES").unwrap_or_else(|_| default.into());
        specs
            .split([' ', ','])
            .filter(|s| !s.trim().is_empty())
            .map(|s| Shape::parse(s).unwrap_or_else(|e| panic!("NEARMISS_BENCH_SHAPES: {e}")))
            .collect()
    }
}

/// Writes a knowledge base of `writeups` writeups into `dir` (replacing it), in today's shape.
pub fn generate(dir: &Path, writeups: usize) -> std::io::Result<()> {
    generate_shaped(dir, writeups, &Shape::today())
}

/// Writes a knowledge base of `writeups` writeups in `shape` into `dir` (replacing it).
pub fn generate_shaped(dir: &Path, writeups: usize, shape: &Shape) -> std::io::Result<()> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("patterns"))?;
    fs::write(
        dir.join("site.yaml"),
        format!(
            "title: Benchmark knowledge base\nbase_url: https://org.example/kb/\nmax_tlp: green\n\
             internal_domains: [corp.example.net]\n{}",
            role_catalogue()
        ),
    )?;
    for (slug, title) in PATTERNS {
        fs::write(
            dir.join("patterns").join(format!("{slug}.md")),
            format!(
                "---\ntitle: {title}\nslug: {slug}\nrisk: The {title} pattern turns into an incident.\nsignals:\n  - Early warnings go unanswered.\ncontrols:\n  - A tested control replaces luck.\n---\n\nHow {title} shows up, and why it recurs.\n"
            ),
        )?;
    }
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ writeups as u64);
    for i in 0..writeups {
        let (year, text) = writeup(&mut r, i, writeups, shape);
        let folder = dir.join("writeups").join(year.to_string());
        fs::create_dir_all(&folder)?;
        fs::write(folder.join(format!("nm-{:05}.md", i + 1)), text)?;
    }
    Ok(())
}

/// `count` distinct items of `items` (all of them when it has fewer), in a random order.
fn distinct<'a>(r: &mut Rng, items: &[&'a str], count: usize) -> Vec<&'a str> {
    let mut pool = items.to_vec();
    let mut out = Vec::with_capacity(count);
    while out.len() < count && !pool.is_empty() {
        out.push(pool.swap_remove(r.below(pool.len())));
    }
    out
}

/// One more sentence of a long body, on the writeup's own subject and system.
fn sentence(r: &mut Rng, subject: &str, system: &str) -> String {
    match r.below(6) {
        0 => format!(
            "The {subject} on the {system} was {} when {} {} it.",
            r.pick(STATES),
            r.pick(STOPPERS),
            r.pick(VERBS)
        ),
        1 => format!("Left alone, it would have become a {} for the {system}.", r.pick(NOUNS)),
        2 => format!("A contributing factor was that {}.", r.pick(REASONS)),
        3 => format!("The {} reviewed the {subject} and found that {}.", r.pick(ROLES), r.pick(REASONS)),
        4 => format!("We keep relearning that {}.", r.pick(LESSONS)),
        _ => format!("The {} now owns a check on every {subject} of the {system}.", r.pick(ROLES)),
    }
}

fn writeup(r: &mut Rng, i: usize, total: usize, shape: &Shape) -> (i32, String) {
    let day = 19_300 + (i * 1_400 / total.max(1)) as i64 + r.below(20) as i64; // 2022-11-04 to 2026-09
    let date = |offset: i64| {
        let d = Date::from_days_since_epoch(day + offset);
        (d.to_string(), d.year())
    };
    let (occurred, year) = date(0);
    let detected = date(r.below(3) as i64).0;
    let reported = date(3 + r.below(20) as i64).0;
    let reviewed = date(25 + r.below(10) as i64).0;
    let first = r.below(PATTERNS.len());
    let (slug, pattern_title) = PATTERNS[first];
    let mut slugs = vec![slug];
    let others: Vec<&str> = PATTERNS.iter().map(|(s, _)| *s).filter(|s| *s != slug).collect();
    slugs.extend(distinct(r, &others, shape.patterns.saturating_sub(1)));
    let system = r.pick(SYSTEMS);
    let subject = r.pick(SUBJECTS);
    let state = r.pick(STATES);
    let status = match i % 97 {
        0 => "draft",
        1 => "review",
        _ => "approved",
    };
    let tlp = if i % 53 == 0 {
        "amber"
    } else if i % 3 == 0 {
        "green"
    } else {
        "clear"
    };
    let mut text = String::with_capacity(3_000);
    let _ = write!(
        text,
        "---\nid: NM-{:05}\ntitle: \"{} {subject} {state} was caught before it reached customers\"\nstatus: {status}\ntlp: {tlp}\n\
         occurred: {occurred}\ndetected: {detected}\nreported: {reported}\nreviewed: {reviewed}\npatterns: [{}]\n\
         severity: {}\nstopped_by: {}\ndetection: \"{} {} it during routine work.\"\nimpact_area: [availability]\n\
         roles: [{}, {}]\nsystems: [{system}]\nteam: {}\ntags: [{}]\nactions:\n",
        i + 1,
        capitalise(system),
        slugs.join(", "),
        r.pick(SEVERITIES),
        r.pick(STOPPED_BY),
        capitalise(r.pick(STOPPERS)),
        r.pick(VERBS),
        r.pick(ROLES),
        r.pick(ROLES),
        r.pick(TEAMS),
        tags(r, shape).join(", "),
    );
    for a in 0..1 + r.below(3) {
        let due = date(40 + 30 * a as i64).0;
        if r.below(3) == 0 {
            let _ = write!(
                text,
                "  - what: Add a check for the {subject}\n    owner_role: {}\n    due: {due}\n    status: open\n",
                r.pick(ROLES)
            );
        } else {
            let closed = date(35 + 30 * a as i64).0;
            let _ = write!(text, "  - what: Automate the {subject} review\n    owner_role: {}\n    due: {due}\n    status: done\n    closed: {closed}\n", r.pick(ROLES));
        }
    }
    let finding = shape.findings_percent > 0 && r.below(100) < shape.findings_percent;
    let host = format!("build-{:02}.corp.example.net", i % 40);
    if finding {
        let _ = write!(text, "allow:\n  - text: {host}\n    reason: a build host named in the public runbook\n");
    }
    text.push_str("---\n");
    let mut sections = [
        format!("The {subject} on the {system} was {state}. Had it gone unnoticed for another week, the {} would have followed.", r.pick(NOUNS)),
        format!("It was {} by {}. The {} confirmed the finding within the hour.", r.pick(VERBS), r.pick(STOPPERS), r.pick(ROLES)),
        format!("A {} affecting the {system}, with knock-on {} for the teams that depend on it.", r.pick(NOUNS), r.pick(NOUNS)),
        format!("Contributing factors: {}; {}.", r.pick(REASONS), r.pick(REASONS)),
        format!("We learned that {}, and that {}. This is a recurring case of {pattern_title}.", r.pick(LESSONS), r.pick(LESSONS)),
        format!("The {subject} is now checked automatically, and the check alerts its owner when it fails.\n\n| Step | Owner |\n| --- | --- |\n| Automate | {} |", r.pick(ROLES)),
    ];
    if let Some((lo, hi)) = shape.body_words {
        let target = lo + r.below(hi - lo + 1);
        let mut words: usize = sections.iter().map(|s| s.split_whitespace().count()).sum();
        let mut k = 0;
        while words < target {
            let more = sentence(r, subject, system);
            words += more.split_whitespace().count();
            // Sections 0–4 grow; the last one ends in a table.
            let section = &mut sections[k % 5];
            section.push(' ');
            section.push_str(&more);
            k += 1;
            if k % 7 == 0 {
                section.push_str("\n\n");
            }
        }
    }
    if finding {
        let _ = write!(sections[1], " The build log on {host} showed it first.");
    }
    for (title, body) in nearmiss::validate::SECTIONS.iter().zip(sections) {
        let _ = write!(text, "\n## {title}\n\n{body}\n");
    }
    (year, text)
}

/// The tags of one writeup: `shape.tags` of the first `shape.tag_vocabulary` tags. Today's shape
/// draws two with repetition, as the generator always did.
fn tags(r: &mut Rng, shape: &Shape) -> Vec<&'static str> {
    let vocabulary = &TAGS[..shape.tag_vocabulary.clamp(1, TAGS.len())];
    if shape.tags <= 2 && shape.tag_vocabulary == TAGS.len() {
        return (0..shape.tags).map(|_| r.pick(vocabulary)).collect();
    }
    distinct(r, vocabulary, shape.tags)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
