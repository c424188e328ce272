//! A deterministic generator of realistic knowledge bases for benchmarks: varied vocabulary,
//! patterns, teams, dates over years, action items, and a few withheld writeups.

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

/// Writes a knowledge base of `writeups` writeups into `dir` (replacing it).
pub fn generate(dir: &Path, writeups: usize) -> std::io::Result<()> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("patterns"))?;
    fs::write(
        dir.join("site.yaml"),
        format!("title: Benchmark knowledge base\nbase_url: https://org.example/kb/\nmax_tlp: green\ninternal_domains: [corp.example.net]\n{}", role_catalogue()),
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
        let (year, text) = writeup(&mut r, i, writeups);
        let folder = dir.join("writeups").join(year.to_string());
        fs::create_dir_all(&folder)?;
        fs::write(folder.join(format!("nm-{:05}.md", i + 1)), text)?;
    }
    Ok(())
}

fn writeup(r: &mut Rng, i: usize, total: usize) -> (i32, String) {
    let day = 19_300 + (i * 1_400 / total.max(1)) as i64 + r.below(20) as i64; // 2022-11-04 to 2026-09
    let date = |offset: i64| {
        let d = Date::from_days_since_epoch(day + offset);
        (d.to_string(), d.year())
    };
    let (occurred, year) = date(0);
    let detected = date(r.below(3) as i64).0;
    let reported = date(3 + r.below(20) as i64).0;
    let reviewed = date(25 + r.below(10) as i64).0;
    let (slug, pattern_title) = PATTERNS[r.below(PATTERNS.len())];
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
         occurred: {occurred}\ndetected: {detected}\nreported: {reported}\nreviewed: {reviewed}\npatterns: [{slug}]\n\
         severity: {}\nstopped_by: {}\ndetection: \"{} {} it during routine work.\"\nimpact_area: [availability]\n\
         roles: [{}, {}]\nsystems: [{system}]\nteam: {}\ntags: [{}, {}]\nactions:\n",
        i + 1,
        capitalise(system),
        r.pick(SEVERITIES),
        r.pick(STOPPED_BY),
        capitalise(r.pick(STOPPERS)),
        r.pick(VERBS),
        r.pick(ROLES),
        r.pick(ROLES),
        r.pick(TEAMS),
        r.pick(TAGS),
        r.pick(TAGS),
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
    text.push_str("---\n");
    let sections = [
        format!("The {subject} on the {system} was {state}. Had it gone unnoticed for another week, the {} would have followed.", r.pick(NOUNS)),
        format!("It was {} by {}. The {} confirmed the finding within the hour.", r.pick(VERBS), r.pick(STOPPERS), r.pick(ROLES)),
        format!("A {} affecting the {system}, with knock-on {} for the teams that depend on it.", r.pick(NOUNS), r.pick(NOUNS)),
        format!("Contributing factors: {}; {}.", r.pick(REASONS), r.pick(REASONS)),
        format!("We learned that {}, and that {}. This is a recurring case of {pattern_title}.", r.pick(LESSONS), r.pick(LESSONS)),
        format!("The {subject} is now checked automatically, and the check alerts its owner when it fails.\n\n| Step | Owner |\n| --- | --- |\n| Automate | {} |", r.pick(ROLES)),
    ];
    for (title, body) in nearmiss::validate::SECTIONS.iter().zip(sections) {
        let _ = write!(text, "\n## {title}\n\n{body}\n");
    }
    (year, text)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
