//! A deterministic generated knowledge base of any size, for the search parity tests and the
//! search benchmark: realistic front matter, the six sections, a shared domain vocabulary and
//! made-up system names, so the vocabulary grows with the corpus as a real one does.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// xorshift64*: the same numbers on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PATTERNS: [(&str, &str); 12] = [
    ("firewall-change-drift", "Firewall change drift"),
    ("secret-in-code", "Secret in code"),
    ("certificate-expiry", "Certificate expiry"),
    ("backup-restore-gap", "Backup restore gap"),
    ("phishing-attempt", "Phishing attempt"),
    ("stale-access", "Stale access"),
    ("capacity-exhaustion", "Capacity exhaustion"),
    ("unsafe-deployment", "Unsafe deployment"),
    ("dns-misconfiguration", "DNS misconfiguration"),
    ("misdirected-data", "Misdirected data"),
    ("vendor-change", "Vendor change"),
    ("monitoring-blind-spot", "Monitoring blind spot"),
];

const SUBJECTS: [&str; 24] = [
    "firewall rule",
    "deploy pipeline",
    "backup job",
    "certificate",
    "access token",
    "database replica",
    "load balancer",
    "DNS record",
    "storage bucket",
    "payroll export",
    "VPN gateway",
    "service account",
    "container image",
    "monitoring alert",
    "change request",
    "vendor invoice",
    "mail relay",
    "API key",
    "disk volume",
    "feature flag",
    "build agent",
    "identity provider",
    "message queue",
    "release branch",
];
const VERBS: [&str; 16] = [
    "nearly exposed",
    "almost deleted",
    "quietly disabled",
    "was about to overwrite",
    "silently skipped",
    "would have leaked",
    "started to fill",
    "was left open to",
    "misrouted",
    "expired before renewing",
    "nearly published",
    "bypassed",
    "was pointed at",
    "was configured against",
    "duplicated",
    "truncated",
];
const OBJECTS: [&str; 16] = [
    "the production network",
    "customer records",
    "the staging cluster",
    "an internal dashboard",
    "the payment service",
    "a partner integration",
    "the shared drive",
    "the audit log",
    "the public website",
    "the reporting database",
    "every regional office",
    "the on-call rota",
    "the billing system",
    "the guest network",
    "archived mailboxes",
    "the analytics warehouse",
];
const STOPPERS: [&str; 10] = [
    "a peer reviewer noticed the change",
    "an automated policy check failed the build",
    "the canary release raised its error rate",
    "a scheduled restore test caught it",
    "an engineer double-checked the runbook",
    "monitoring paged the on-call engineer",
    "the vendor called back to confirm",
    "a linter flagged the configuration",
    "a tabletop exercise walked through it",
    "pure luck: the job crashed first",
];
const LESSONS: [&str; 12] = [
    "Defaults should be safe even when nobody reads the documentation.",
    "Reviews catch what checklists describe, so the checklist needs the risky cases.",
    "Alerts that page nobody are not monitoring.",
    "Temporary exceptions need an owner role and an expiry date.",
    "A restore that was never tested is only a hope.",
    "Automation should refuse obviously dangerous inputs instead of trusting them.",
    "The safe path has to be the fast path, or people will take the other one.",
    "Inventory drifts unless something reconciles it against reality every week.",
    "Rotation must be cheap enough to do whenever exposure is possible.",
    "Staged rollouts limit the blast radius of a bad change.",
    "Callbacks on a known number defeat most payment redirection fraud.",
    "Capacity forecasts need the growth of the last quarter, not of the last year.",
];
const SYLLABLES: [&str; 24] = [
    "brack", "en", "loom", "ravel", "stone", "sor", "rel", "wick", "um", "ber", "fold", "thistle", "byte", "marrow",
    "gate", "cobalt", "fen", "quartz", "line", "ember", "haw", "moss", "vale", "kin",
];

/// A made-up name, e.g. `ravelstonekin`: the kind of word only one team's writeups use.
fn codename(rng: &mut Rng) -> String {
    let parts = 2 + rng.below(2);
    (0..parts).map(|_| *rng.pick(&SYLLABLES)).collect()
}

fn sentence(rng: &mut Rng, system: &str) -> String {
    format!("The {} for {system} {} {}.", rng.pick(&SUBJECTS), rng.pick(&VERBS), rng.pick(&OBJECTS))
}

/// Writes `writeups` writeups (and every 9th one withheld on top: drafts, reviews, TLP:AMBER)
/// and the patterns into `content`.
pub fn write(content: &Path, writeups: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    fs::create_dir_all(content.join("patterns")).unwrap();
    fs::write(content.join("site.yaml"), "title: Generated near misses\nmax_tlp: green\n").unwrap();
    for (slug, title) in PATTERNS {
        let text = format!(
            "---\ntitle: {title}\nrisk: {title} turns into an incident when nobody notices it building up.\n\
             signals: [Repeated exceptions for {slug}]\ncontrols: [A check that fails closed]\n---\n\n\
             {title} recurs because the systems involved change faster than the checks around them.\n"
        );
        fs::write(content.join(format!("patterns/{slug}.md")), text).unwrap();
    }
    let systems: Vec<String> = (0..(writeups / 8).max(12)).map(|_| codename(&mut rng)).collect();
    let teams: Vec<String> = (0..12).map(|i| format!("team-{}", SYLLABLES[i * 2])).collect();
    let total = writeups + writeups / 9;
    for n in 0..total {
        let withheld = n >= writeups;
        let (status, tlp) = if withheld {
            match n % 3 {
                0 => ("draft", "clear"),
                1 => ("review", "green"),
                _ => ("approved", "amber"),
            }
        } else {
            ("approved", if n % 4 == 0 { "green" } else { "clear" })
        };
        let year = 2019 + rng.below(7);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(20);
        let (p1, t1) = PATTERNS[rng.below(PATTERNS.len())];
        let (p2, _) = PATTERNS[rng.below(PATTERNS.len())];
        let patterns = if p2 != p1 && rng.below(3) == 0 { format!("{p1}, {p2}") } else { p1.to_string() };
        let system = rng.pick(&systems).clone();
        let other = rng.pick(&systems).clone();
        let subject = rng.pick(&SUBJECTS);
        let secret = if withheld { format!(" zzwithheld{n}") } else { String::new() };
        let title = format!("{} for {system} {} {}{secret}", cap(subject), rng.pick(&VERBS), rng.pick(&OBJECTS));
        let mut body = String::new();
        for (i, heading) in nearmiss::validate::SECTIONS.iter().enumerate() {
            let _ = write!(body, "## {heading}\n\n");
            let count = 2 + rng.below(4);
            let mut para: Vec<String> =
                (0..count).map(|_| sentence(&mut rng, if i % 2 == 0 { &system } else { &other })).collect();
            match i {
                1 => para.push(format!("In the end {}.", rng.pick(&STOPPERS))),
                4 => para.push(rng.pick(&LESSONS).to_string()),
                _ => {}
            }
            if withheld {
                para.push(format!("Only the withheld draft mentions zzwithheld{n}."));
            }
            let _ = write!(body, "{}\n\n", para.join(" "));
            if i == 0 && rng.below(4) == 0 {
                let _ = write!(body, "### {} {}\n\nThe {} was reviewed twice.\n\n", cap(&other), t1, subject);
            }
        }
        let id = format!("NM-{:05}", n + 1);
        let text = format!(
            "---\nid: {id}\ntitle: {title}\nstatus: {status}\ntlp: {tlp}\noccurred: {year}-{month:02}-{day:02}\n\
             detected: {year}-{month:02}-{:02}\nreported: {year}-{month:02}-{:02}\nreviewed: {year}-{month:02}-{:02}\n\
             patterns: [{patterns}]\nseverity: {}\nstopped_by: {}\nimpact_area: [{}]\nsystems: [{system}, {other}]\n\
             team: {}\ntags: [{}, {}]\n---\n\n{body}",
            day + 1,
            day + 2,
            day + 5,
            rng.pick(&["low", "medium", "high", "critical"]),
            rng.pick(&["human", "monitoring", "automation", "process", "luck"]),
            rng.pick(&["confidentiality", "integrity", "availability", "financial"]),
            rng.pick(&teams),
            rng.pick(&["change-review", "secrets", "backups", "tls", "dns", "access", "vendors", "capacity"]),
            codename(&mut rng),
        );
        let dir = content.join(format!("writeups/{year}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("{}.md", id.to_lowercase())), text).unwrap();
    }
}

fn cap(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
