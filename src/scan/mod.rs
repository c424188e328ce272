//! The leak and blame scanner: finds personal data, infrastructure identifiers, secrets and
//! blaming language in text, so the publication gate can keep them off the site.
//!
//! Build one [`Scanner`] per run from the site's [`ScanConfig`] and share it across threads;
//! [`Scanner::scan`] returns non-overlapping [`Finding`]s in text order, and [`mask`] makes
//! a finding printable without repeating what it found. Fixed patterns compile once per process.

mod blame;
mod infra;
mod mask;
mod people;
mod personal;
mod phrase;
mod secrets;
mod text;
mod url;

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::ops::Range;

pub use mask::mask;

/// Site-specific words and domains to look for (from site.yaml).
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    /// People, e.g. "Dave Smith", "Priya".
    pub blocked_names: Vec<String>,
    /// Organisations, e.g. "Acme Corp".
    pub blocked_orgs: Vec<String>,
    /// Internal DNS zones, e.g. "corp.acme.io" (subdomains included).
    pub internal_domains: Vec<String>,
    /// Code names of internal systems and projects, e.g. "Project Bluebird".
    pub internal_names: Vec<String>,
    /// Names that look like people but may be published, e.g. "Ada Lovelace".
    pub allowed_names: Vec<String>,
}

/// Built once per run (compile regexes once); `Sync` so it can be shared across threads.
pub struct Scanner {
    names: personal::Names,
    people: people::People,
    hosts: infra::InternalHosts,
}

impl Scanner {
    pub fn new(config: &ScanConfig) -> Scanner {
        Scanner {
            names: personal::Names::new(config),
            people: people::People::new(&config.allowed_names),
            hosts: infra::InternalHosts::new(&config.internal_domains),
        }
    }

    /// Every finding in `text`, sorted by start offset, non-overlapping: where findings overlap,
    /// a specific secret beats a generic one (assignment, entropy), any secret beats personal
    /// and infrastructure data, which beat blaming language; then the longest wins.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut found = Vec::new();
        let urls = url::find_all(text);
        let words = text::Words::new(text);
        personal::scan(text, &words, &mut found);
        self.names.scan(text, &words, &mut found);
        self.people.scan(text, &words, &mut found);
        infra::scan(text, &words, &self.hosts, &urls, &mut found);
        secrets::scan(text, &words, &urls, &mut found);
        let people: Vec<Range<usize>> =
            found.iter().filter(|f| matches!(f.kind, Kind::Person | Kind::Handle)).map(|f| f.range.clone()).collect();
        blame::scan(text, &words, &people, &mut found);
        resolve(text, found)
    }
}

/// One thing found: what it is and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// Byte range in the scanned text, on char boundaries.
    pub range: Range<usize>,
}

impl Finding {
    /// For blame findings: a blameless rewording of the matched text, e.g. for "Dave
    /// misconfigured the firewall rule" → "the firewall rule was misconfigured"; `None` for other
    /// kinds and where no rewording can be made (then [`Kind::hint`] says what to write).
    pub fn suggestion(&self, text: &str) -> Option<String> {
        match self.kind {
            Kind::Blame(rule) => blame::suggest(rule, text.get(self.range.clone()).unwrap_or_default()),
            _ => None,
        }
    }
}

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Email,
    Phone,
    CreditCard,
    NationalId,
    Iban,
    Person,
    Handle,
    Organisation,
    Ipv4,
    Ipv6,
    InternalHost,
    InternalName,
    Secret(SecretKind),
    Blame(BlameRule),
}

/// The kinds of secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretKind {
    AwsAccessKey,
    AwsSecretKey,
    GithubToken,
    GitlabToken,
    SlackToken,
    SlackWebhook,
    StripeKey,
    GoogleApiKey,
    AzureConnectionString,
    PrivateKey,
    Jwt,
    UrlPassword,
    PasswordAssignment,
    HighEntropy,
    NpmToken,
    PypiToken,
    SendGridKey,
    OpenAiKey,
    AnthropicKey,
}

/// The kinds of blaming language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlameRule {
    /// A person (configured name, role or pronoun) as the subject of an error verb.
    PersonAsSubject,
    /// "human error", "operator error".
    HumanError,
    /// Hindsight: "should have known".
    ShouldHave,
    /// Judging character: "careless", "negligent", "sloppy", "incompetent", "lazy".
    Careless,
    /// "forgot to", whoever the subject.
    ForgotTo,
    /// "why didn't …".
    WhyDidnt,
    /// "obviously".
    Obviously,
    /// "blame", "at fault", "the fault of", "his fault".
    Fault,
}

impl SecretKind {
    /// Every kind of secret.
    pub const ALL: [SecretKind; 19] = [
        SecretKind::AwsAccessKey,
        SecretKind::AwsSecretKey,
        SecretKind::GithubToken,
        SecretKind::GitlabToken,
        SecretKind::SlackToken,
        SecretKind::SlackWebhook,
        SecretKind::StripeKey,
        SecretKind::GoogleApiKey,
        SecretKind::AzureConnectionString,
        SecretKind::PrivateKey,
        SecretKind::Jwt,
        SecretKind::UrlPassword,
        SecretKind::PasswordAssignment,
        SecretKind::HighEntropy,
        SecretKind::NpmToken,
        SecretKind::PypiToken,
        SecretKind::SendGridKey,
        SecretKind::OpenAiKey,
        SecretKind::AnthropicKey,
    ];

    /// Rule id and description.
    fn info(self) -> (&'static str, &'static str) {
        match self {
            SecretKind::AwsAccessKey => ("secret:aws-access-key", "an AWS access key id"),
            SecretKind::AwsSecretKey => ("secret:aws-secret-key", "an AWS secret access key"),
            SecretKind::GithubToken => ("secret:github-token", "a GitHub token"),
            SecretKind::GitlabToken => ("secret:gitlab-token", "a GitLab token"),
            SecretKind::SlackToken => ("secret:slack-token", "a Slack token"),
            SecretKind::SlackWebhook => ("secret:slack-webhook", "a Slack webhook URL"),
            SecretKind::StripeKey => ("secret:stripe-key", "a Stripe API key"),
            SecretKind::GoogleApiKey => ("secret:google-api-key", "a Google API key"),
            SecretKind::AzureConnectionString => {
                ("secret:azure-connection-string", "an Azure connection string or account key")
            }
            SecretKind::PrivateKey => ("secret:private-key", "a private key"),
            SecretKind::Jwt => ("secret:jwt", "a JSON web token"),
            SecretKind::UrlPassword => ("secret:url-password", "a URL with a password"),
            SecretKind::PasswordAssignment => ("secret:password-assignment", "a password or secret value"),
            SecretKind::HighEntropy => ("secret:high-entropy", "a random-looking string next to a secret word"),
            SecretKind::NpmToken => ("secret:npm-token", "an npm access token"),
            SecretKind::PypiToken => ("secret:pypi-token", "a PyPI API token"),
            SecretKind::SendGridKey => ("secret:sendgrid-key", "a SendGrid API key"),
            SecretKind::OpenAiKey => ("secret:openai-key", "an OpenAI API key"),
            SecretKind::AnthropicKey => ("secret:anthropic-key", "an Anthropic API key"),
        }
    }

    /// Generic rules that a specific token format beats when both match.
    fn is_generic(self) -> bool {
        matches!(self, SecretKind::PasswordAssignment | SecretKind::HighEntropy)
    }
}

impl BlameRule {
    /// Every blame rule.
    pub const ALL: [BlameRule; 8] = [
        BlameRule::PersonAsSubject,
        BlameRule::HumanError,
        BlameRule::ShouldHave,
        BlameRule::Careless,
        BlameRule::ForgotTo,
        BlameRule::WhyDidnt,
        BlameRule::Obviously,
        BlameRule::Fault,
    ];

    /// Rule id, description and fix hint.
    fn info(self) -> (&'static str, &'static str, &'static str) {
        match self {
            BlameRule::PersonAsSubject => (
                "blame:person-as-subject",
                "blaming language: a person as the subject of a failure",
                "describe what happened to the system rather than who did it (e.g. 'the rule was misconfigured')",
            ),
            BlameRule::HumanError => (
                "blame:human-error",
                "blaming language: \"human error\"",
                "name the conditions that made the mistake possible (e.g. 'the UI allowed the change without confirmation')",
            ),
            BlameRule::ShouldHave => (
                "blame:should-have",
                "blaming language: hindsight (\"should have\")",
                "describe what was known at the time and what would have made the safe action easy (e.g. 'the dashboard did not show the expiry date')",
            ),
            BlameRule::Careless => (
                "blame:careless",
                "blaming language: a judgement of character",
                "describe the action and its conditions (time pressure, missing safeguards) instead of judging the person",
            ),
            BlameRule::ForgotTo => (
                "blame:forgot-to",
                "blaming language: \"forgot to\"",
                "say what was not done and what would have prompted it (e.g. 'the renewal was not scheduled and no alert fired')",
            ),
            BlameRule::WhyDidnt => {
                ("blame:why-didnt", "blaming language: \"why didn't\"", "ask what made the action hard or unlikely (e.g. 'what made the alert easy to miss?')")
            }
            BlameRule::Obviously => (
                "blame:obviously",
                "blaming language: hindsight (\"obviously\")",
                "drop 'obviously': it was not obvious at the time, or it would not have happened",
            ),
            BlameRule::Fault => (
                "blame:fault",
                "blaming language: assigning fault",
                "describe the contributing factors instead of assigning fault or blame",
            ),
        }
    }
}

impl Kind {
    /// The kinds that need no parameter, in declaration order.
    const PLAIN: [Kind; 12] = [
        Kind::Email,
        Kind::Phone,
        Kind::CreditCard,
        Kind::NationalId,
        Kind::Iban,
        Kind::Person,
        Kind::Handle,
        Kind::Organisation,
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::InternalHost,
        Kind::InternalName,
    ];

    /// Every kind, in order: for listing rules and checking configured rule ids.
    pub fn all() -> impl Iterator<Item = Kind> {
        Kind::PLAIN.into_iter().chain(SecretKind::ALL.map(Kind::Secret)).chain(BlameRule::ALL.map(Kind::Blame))
    }

    /// The kind with rule id `id` ("email", "secret:jwt", "blame:human-error").
    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::all().find(|k| k.id() == id)
    }

    /// Stable rule id: "email", "ipv4", "secret:aws-access-key", "blame:human-error".
    pub fn id(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::CreditCard => "credit-card",
            Kind::NationalId => "national-id",
            Kind::Iban => "iban",
            Kind::Person => "person",
            Kind::Handle => "handle",
            Kind::Organisation => "organisation",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::InternalHost => "internal-host",
            Kind::InternalName => "internal-name",
            Kind::Secret(s) => s.info().0,
            Kind::Blame(b) => b.info().0,
        }
    }

    /// What was found, for messages: "an e-mail address", "an AWS access key id".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Email => "an e-mail address",
            Kind::Phone => "a phone number",
            Kind::CreditCard => "a payment card number",
            Kind::NationalId => "a national identifier (US social security number)",
            Kind::Iban => "a bank account number (IBAN)",
            Kind::Person => "a person's name",
            Kind::Handle => "a person's handle",
            Kind::Organisation => "an organisation's name",
            Kind::Ipv4 => "an IPv4 address",
            Kind::Ipv6 => "an IPv6 address",
            Kind::InternalHost => "an internal host name",
            Kind::InternalName => "an internal code name",
            Kind::Secret(s) => s.info().1,
            Kind::Blame(b) => b.info().1,
        }
    }

    /// What a redaction writes instead: "[EMAIL]", "[SECRET:aws-access-key]"; blame → "" (not
    /// redacted).
    pub fn placeholder(self) -> String {
        let label = match self {
            Kind::Email => "EMAIL",
            Kind::Phone => "PHONE",
            Kind::CreditCard => "CARD",
            Kind::NationalId => "NATIONAL-ID",
            Kind::Iban => "IBAN",
            Kind::Person => "PERSON",
            Kind::Handle => "HANDLE",
            Kind::Organisation => "ORG",
            Kind::Ipv4 => "IPV4",
            Kind::Ipv6 => "IPV6",
            Kind::InternalHost => "INTERNAL-HOST",
            Kind::InternalName => "INTERNAL-NAME",
            Kind::Secret(s) => return format!("[SECRET:{}]", s.info().0.trim_start_matches("secret:")),
            Kind::Blame(_) => return String::new(),
        };
        format!("[{label}]")
    }

    /// True for blaming language (reworded, not redacted).
    pub fn is_blame(self) -> bool {
        matches!(self, Kind::Blame(_))
    }

    /// How to fix it.
    pub fn hint(self) -> &'static str {
        match self {
            Kind::Email => "use a documentation address such as someone@example.com, or [EMAIL]",
            Kind::Phone => "use a fictional number such as +1 202-555-0147 (555-01xx), or [PHONE]",
            Kind::CreditCard => "remove it: card numbers never belong in a writeup; write [CARD] if needed",
            Kind::NationalId => "remove it: write [NATIONAL-ID] if needed",
            Kind::Iban => "remove it: write [IBAN] if needed",
            Kind::Person => {
                "refer to the role instead (e.g. 'the on-call engineer'), or [PERSON]; if it is no person, \
                 add it to `allowed_names` in site.yaml or to the writeup's `allow:`"
            }
            Kind::Handle => "refer to the role instead (e.g. 'the reviewer'), or [HANDLE]",
            Kind::Organisation => "describe it generically (e.g. 'a payment provider'), or [ORG]",
            Kind::Ipv4 => "replace it with a documentation address such as 192.0.2.10, or [IPV4]",
            Kind::Ipv6 => "replace it with a documentation address such as 2001:db8::10, or [IPV6]",
            Kind::InternalHost => "replace it with a documentation name such as db01.example.com, or [INTERNAL-HOST]",
            Kind::InternalName => "describe the system generically (e.g. 'the payments service'), or [INTERNAL-NAME]",
            Kind::Secret(SecretKind::PrivateKey) => "remove it and replace the key pair: it may already be in history",
            Kind::Secret(SecretKind::UrlPassword | SecretKind::PasswordAssignment) => {
                "remove it and change the password: it may already be in history"
            }
            Kind::Secret(SecretKind::HighEntropy) => {
                "remove it, and rotate it if it is a credential: it may already be in history"
            }
            Kind::Secret(_) => "remove it and rotate the key: it may already be in history",
            Kind::Blame(b) => b.info().2,
        }
    }

    /// Rank when findings overlap (lower wins): specific secrets, generic secrets, personal and
    /// infrastructure data, blaming language.
    fn precedence(self) -> u8 {
        match self {
            Kind::Secret(s) if s.is_generic() => 1,
            Kind::Secret(_) => 0,
            Kind::Blame(_) => 3,
            _ => 2,
        }
    }
}

/// Keeps the best of overlapping findings in `text` (see [`Scanner::scan`]) and sorts them by
/// offset. Blaming language is cut short before data found inside it rather than lost.
fn resolve(text: &str, mut found: Vec<Finding>) -> Vec<Finding> {
    found.sort_by_key(|f| (f.kind.precedence(), Reverse(f.range.len()), f.kind, f.range.start));
    let mut kept: BTreeMap<usize, Finding> = BTreeMap::new();
    for mut f in found {
        if f.kind.is_blame() {
            if let Some((&inner, _)) = kept.range(f.range.clone()).next() {
                let before = text[f.range.start..inner]
                    .trim_end_matches(|c: char| c.is_whitespace() || "()[]{}<>`\"'".contains(c));
                f.range.end = f.range.start + before.len();
            }
        }
        // Kept findings never overlap, so only the last one starting before `f` ends can overlap it.
        let overlaps = kept.range(..f.range.end).next_back().is_some_and(|(_, k)| k.range.end > f.range.start);
        if !f.range.is_empty() && !overlaps {
            kept.insert(f.range.start, f);
        }
    }
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ScanConfig {
        ScanConfig {
            blocked_names: vec!["Dave Smith".into(), "Dave".into(), "Priya".into()],
            blocked_orgs: vec!["Acme Corp".into(), "Acme".into()],
            internal_domains: vec!["corp.acme.io".into()],
            ..ScanConfig::default()
        }
    }

    fn scan(text: &str) -> Vec<(Kind, &str)> {
        Scanner::new(&config()).scan(text).into_iter().map(|f| (f.kind, &text[f.range])).collect()
    }

    fn finding(kind: Kind, range: Range<usize>) -> Finding {
        Finding { kind, range }
    }

    #[test]
    fn scanner_is_shareable_across_threads() {
        fn assert_sync_send<T: Sync + Send>() {}
        assert_sync_send::<Scanner>();
    }

    #[test]
    fn overlap_keeps_the_most_specific_then_the_longest() {
        let github = Kind::Secret(SecretKind::GithubToken);
        let assignment = Kind::Secret(SecretKind::PasswordAssignment);
        let kept = resolve(
            &" ".repeat(60),
            vec![
                finding(Kind::Ipv4, 30..40),
                finding(assignment, 0..25),
                finding(github, 5..20),
                finding(Kind::Email, 28..45),
                finding(Kind::Person, 28..32),
                finding(Kind::Blame(BlameRule::HumanError), 44..60),
                finding(Kind::Phone, 50..50),
            ],
        );
        assert_eq!(
            kept,
            [finding(github, 5..20), finding(Kind::Email, 28..45)],
            "a specific secret beats the generic one around it; the longest of equals wins; \
             blame loses to data; empty ranges vanish"
        );
    }

    #[test]
    fn blame_is_cut_short_before_data_inside_it() {
        let text = "the intern deleted the [table](https://db.corp.acme.io/t) today";
        let url = text.find("https").unwrap()..text.find(") today").unwrap();
        let blame = Kind::Blame(BlameRule::PersonAsSubject);
        let kept = resolve(text, vec![finding(blame, 0..url.end), finding(Kind::InternalHost, url.clone())]);
        assert_eq!(kept, [finding(blame, 0..text.find("[table").unwrap() + 6), finding(Kind::InternalHost, url)]);
        let kept = resolve(text, vec![finding(Kind::Blame(BlameRule::Fault), 4..10), finding(Kind::Ipv4, 4..8)]);
        assert_eq!(kept, [finding(Kind::Ipv4, 4..8)]);
    }

    #[test]
    fn url_with_password_beats_the_internal_host_inside_it() {
        let text = "DATABASE_URL=postgres://app:Tr0ub4dor@db01.corp.acme.io:5432/app";
        assert_eq!(
            scan(text),
            [(Kind::Secret(SecretKind::UrlPassword), "postgres://app:Tr0ub4dor@db01.corp.acme.io:5432/app")]
        );
    }

    #[test]
    fn secret_inside_an_assignment_is_reported_by_its_format() {
        let token = "ghp_q7Zk2Lm9Rt4Xv8Nb3Hc6Wd1Fg5Jp0Ysq7Zk2";
        let text = format!("GITHUB_TOKEN=\"{token}\"");
        assert_eq!(scan(&text), [(Kind::Secret(SecretKind::GithubToken), token)]);
    }

    #[test]
    fn names_inside_emails_and_hosts_are_part_of_them() {
        assert_eq!(scan("mail dave.smith@acme.co.uk"), [(Kind::Email, "dave.smith@acme.co.uk")]);
        assert_eq!(scan("ssh acme.corp.acme.io"), [(Kind::InternalHost, "acme.corp.acme.io")]);
    }

    #[test]
    fn person_and_blame_are_both_reported_side_by_side() {
        let text = "Dave misconfigured the firewall rule.";
        let found = Scanner::new(&config()).scan(text);
        assert_eq!(found, [finding(Kind::Person, 0..4), finding(Kind::Blame(BlameRule::PersonAsSubject), 5..36)]);
        assert_eq!(found[1].suggestion(text).as_deref(), Some("the firewall rule was misconfigured"));
        assert_eq!(found[0].suggestion(text), None);
    }

    #[test]
    fn a_realistic_writeup() {
        let text = "---\n\
            id: NM-0042\n\
            title: Expired certificate nearly took down checkout\n\
            owner: priya@acme.io\n\
            date: 2025-03-04\n\
            ---\n\n\
            # What happened\n\n\
            At 10:22:31 on 2025-03-04 the canary at 10.40.2.17 (v2.4.58-1) started failing TLS.\n\
            The intern forgot to renew the certificate on lb01.corp.acme.io, \n\
            see [runbook](https://wiki.corp.acme.io/tls) and CHG-10482.\n\n\
            ```yaml\n\
            aws_access_key_id: AKIAZ7K2M4Q6R3T5V2W4\n\
            password: \"Winter2025!\"\n\
            docs_key: AKIAIOSFODNN7EXAMPLE\n\
            ```\n\n\
            It was human error, Acme's pager called +44 20 7946 0123.\n";
        assert_eq!(
            scan(text),
            [
                (Kind::Email, "priya@acme.io"),
                (Kind::Ipv4, "10.40.2.17"),
                (Kind::Blame(BlameRule::PersonAsSubject), "The intern forgot to renew the certificate"),
                (Kind::InternalHost, "lb01.corp.acme.io"),
                (Kind::InternalHost, "https://wiki.corp.acme.io/tls"),
                (Kind::Secret(SecretKind::AwsAccessKey), "AKIAZ7K2M4Q6R3T5V2W4"),
                (Kind::Secret(SecretKind::PasswordAssignment), "Winter2025!"),
                (Kind::Blame(BlameRule::HumanError), "human error"),
                (Kind::Organisation, "Acme"),
                (Kind::Phone, "+44 20 7946 0123"),
            ]
        );
    }

    /// Clean prose full of near-misses of the patterns: nothing may be reported.
    const CLEAN: &str = r#"---
id: NM-0042
title: Near miss on the payments cluster
date: 2025-03-04
tags: [tls, kubernetes, payments-api]
---

# Summary

On 2025-03-04T10:22:31Z the payments-api rollout to v10.0.19045 (chart 2.4.58-1, image
sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855) paused at 10:22:31.
The rule was misconfigured and the change failed validation; the job failed to start, which
could have caused an outage. What would have happened without the canary? We do blameless
reviews: no blame, only contributing factors.

Commit 7f3c2a1 and 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b fixed it; see CVE-2024-3094, RFC
5737, CHG-10482, INC0012345 and NM-0017. Request 550e8400-e29b-41d4-a716-446655440000 took 1.5s.
It listened on :8443 (port 22 stayed closed); 12,500 requests cost $12,500.00 over 3h 20m.
Use someone@example.com, ops@mail.example.org, 192.0.2.10, 198.51.100.7, 203.0.113.0/24,
2001:db8::10, 127.0.0.1, ::1, 0.0.0.0, localhost, db01.example.com and https://api.example/x.
Call 202-555-0147 or +1 555 0100 for the drill. ISBN 978-3-16-148410-0.
Packages: serde@1.0.219, lodash@4.17.21, `cargo add regex@1.11`, @types/node@20.1.0.
The deployment `payments-api-7f9c6d5b8-x2x9q` in namespace `prod-eu-1` mounts
/etc/payments/config.yaml; `kubectl rollout undo deploy/payments-api`.

```yaml
password: ${DB_PASSWORD}
api_key: "{{ vault_api_key }}"
token: <REDACTED>
aws_access_key_id: AKIAIOSFODNN7EXAMPLE
aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
client_secret: os.environ["CLIENT_SECRET"]
secret: changeme
checksum: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b08a1b3f3c6b3c1d1e1f1a1b1
```

The payload aGVsbG8gd29ybGQsIHRoaXMgaXMganVzdCBiYXNlNjQ= was plain base64. Timings: 250ms,
p99 1.2s, 99.95% availability, 4096 tokens, max_tokens = 4096, 3 of 4 replicas.
"#;

    #[test]
    fn clean_writeup_has_no_findings() {
        let found = scan(CLEAN);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn findings_are_sorted_non_overlapping_and_on_char_boundaries() {
        let text = "Zoë’s note — Dave’s key AKIAZ7K2M4Q6R3T5V2W4 «10.1.2.3» at db.corp.acme.io, \
                    dave@acme.io; ✓ token: “s3cr3t-Ω-2024” the intern deleted the table. é+44 20 7946 0123";
        let found = Scanner::new(&config()).scan(text);
        assert!(found.len() >= 6, "{found:?}");
        for pair in found.windows(2) {
            assert!(pair[0].range.end <= pair[1].range.start, "{pair:?}");
        }
        for f in &found {
            assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end), "{f:?}");
        }
    }

    /// Random text from pattern fragments and multi-byte characters: scanning never panics, and
    /// findings stay sorted, non-overlapping and on char boundaries.
    #[test]
    fn random_fragments_never_break_the_invariants() {
        const FRAGMENTS: &[&str] = &[
            "AKIA",
            "Z7K2M4Q6R3T5V2W4",
            "@",
            "acme.io",
            "://",
            "user:pw1@",
            "password=",
            "token: \"",
            "\"",
            "é",
            "€",
            "🔑",
            "字",
            "10.0.0.",
            "1",
            ":",
            "::",
            "fe80",
            "+44 ",
            "20 7946 ",
            "0123",
            "-",
            ".",
            "/",
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----END RSA PRIVATE KEY-----",
            "\n",
            " ",
            "  ",
            "Dave",
            "’s",
            "deleted the ",
            "the intern ",
            "failed to ",
            "fault",
            "human error",
            "should have ",
            "corp",
            ".corp.acme.io",
            "eyJ",
            "ghp_",
            "4111 1111 ",
            "GB82",
            "WEST",
            "123-45-",
            "6789",
            "(",
            ")",
            "[x](",
            "xoxb-",
            "q7Zk2Lm9Rt4Xv8Nb3Hc6",
            "=",
            ";",
            "Password=",
            "https://",
            "mailto:",
            "ssn ",
            "tel:",
        ];
        let scanner = Scanner::new(&config());
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(FRAGMENTS[(state % FRAGMENTS.len() as u64) as usize]);
            }
            let found = scanner.scan(&text);
            for f in &found {
                assert!(text.get(f.range.clone()).is_some_and(|s| !s.is_empty()), "{text:?} {f:?}");
                let _ = f.suggestion(&text);
                assert_eq!(mask(f.kind, &text[f.range.clone()]).chars().count(), text[f.range.clone()].chars().count());
            }
            for pair in found.windows(2) {
                assert!(pair[0].range.end <= pair[1].range.start, "{text:?} {pair:?}");
            }
        }
    }

    #[test]
    fn empty_config_and_empty_text() {
        let scanner = Scanner::new(&ScanConfig::default());
        assert!(scanner.scan("").is_empty());
        let text = "Dave broke it at Acme Corp";
        let found: Vec<(Kind, &str)> = scanner.scan(text).into_iter().map(|f| (f.kind, &text[f.range])).collect();
        assert_eq!(
            found,
            [(Kind::Person, "Dave"), (Kind::Blame(BlameRule::PersonAsSubject), "broke it")],
            "no list: the name is found by itself"
        );
    }

    #[test]
    fn rule_ids_are_unique_and_round_trip() {
        let kinds: Vec<Kind> = Kind::all().collect();
        assert_eq!(kinds.len(), 12 + SecretKind::ALL.len() + BlameRule::ALL.len());
        let mut ids: Vec<&str> = kinds.iter().map(|k| k.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), kinds.len());
        for k in kinds {
            assert_eq!(Kind::from_id(k.id()), Some(k));
            assert!(!k.describe().is_empty() && !k.hint().is_empty());
            assert_eq!(k.is_blame(), k.id().starts_with("blame:"));
            assert_eq!(k.placeholder().is_empty(), k.is_blame());
        }
        assert_eq!(Kind::from_id("nope"), None);
    }

    #[test]
    fn documented_ids_and_placeholders() {
        assert_eq!(Kind::Email.id(), "email");
        assert_eq!(Kind::Secret(SecretKind::AwsAccessKey).id(), "secret:aws-access-key");
        assert_eq!(Kind::Blame(BlameRule::HumanError).id(), "blame:human-error");
        assert_eq!(Kind::Secret(SecretKind::AwsAccessKey).placeholder(), "[SECRET:aws-access-key]");
        assert_eq!(Kind::CreditCard.placeholder(), "[CARD]");
        assert_eq!(Kind::InternalHost.placeholder(), "[INTERNAL-HOST]");
        assert_eq!(Kind::Blame(BlameRule::Careless).placeholder(), "");
        assert_eq!(Kind::Email.describe(), "an e-mail address");
        assert_eq!(Kind::Secret(SecretKind::AwsAccessKey).describe(), "an AWS access key id");
        assert!(Kind::Ipv4.hint().contains("192.0.2.10"));
        assert_eq!(
            Kind::Secret(SecretKind::GithubToken).hint(),
            "remove it and rotate the key: it may already be in history"
        );
    }

    #[test]
    fn human_error_suggestion() {
        let text = "It was human error.";
        let found = Scanner::new(&config()).scan(text);
        assert_eq!(found[0].suggestion(text), None, "no rewording of its own");
        assert!(found[0].kind.hint().starts_with("name the conditions that made the mistake possible (e.g. "));
    }

    /// A typical writeup: front matter, prose, a timeline, a small config excerpt.
    const TYPICAL: &str = r"---
id: NM-0107
title: Certificate rotation almost expired the public API
date: 2025-02-11
status: approved
tlp: clear
tags: [tls, automation, monitoring]
---

## Summary

During a routine review on Tuesday morning, an engineer noticed that the wildcard certificate
for the public API would expire in four days. The renewal job had been failing silently for
three weeks after a dependency upgrade changed the default key type, and the alerting rule
that should have caught the failure only looked at the job's exit code, which stayed zero.
Nothing broke for customers, but the margin was far smaller than anyone had assumed.

## Timeline

- 09:12 the weekly certificate report shows 4 days left on the API certificate
- 09:20 the on-call engineer confirms the renewal job logs a warning on every run
- 09:41 a manual renewal succeeds from the runbook; the new certificate is deployed at 10:05
- 11:30 the team agrees to fix the job and the alert before closing the incident

## Contributing factors

1. The renewal tool was upgraded from 2.3 to 3.0, and the new default key type was rejected
   by the load balancer's import step, which logged a warning instead of failing.
2. The alert checked only for a non-zero exit status, so a run that renewed nothing looked
   healthy; there was no check on the expiry date of the certificate actually served.
3. The weekly report is read by a human, and it was the only signal that still worked.

## What went well

The report existed, it was read, and the runbook for a manual renewal was current. The
renewal took twenty minutes from decision to deployment, including a peer review.

## Changes

```yaml
renewal:
  key_type: rsa-2048
  fail_on_warning: true
alerts:
  - name: certificate-expiry
    threshold_days: 21
```

We now alert on the served certificate's expiry (21 days) rather than the job's exit code,
and the job fails when the import step warns. See the pattern on silent failures for the
other places this shape of problem shows up.
";

    /// Release-mode throughput over typical and adversarial writeups:
    /// `cargo test --release --lib scan::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing: run in release with --nocapture"]
    fn throughput() {
        let scanner = Scanner::new(&config());
        // NEARMISS_SCAN_MB sets the corpus size (default 10 MB), e.g. 1 for a profiler.
        let mb: usize = std::env::var("NEARMISS_SCAN_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
        for (name, doc) in [("typical", TYPICAL), ("dense near-misses", CLEAN)] {
            let corpus = doc.repeat((mb << 20) / doc.len());
            let mut best = f64::MAX;
            let mut found = 0;
            for _ in 0..5 {
                let start = std::time::Instant::now();
                found = scanner.scan(&corpus).len();
                best = best.min(start.elapsed().as_secs_f64());
            }
            let mb = corpus.len() as f64 / 1e6;
            println!("{name}: {found} findings in {mb:.1} MB, {:.0} MB/s", mb / best);
        }
    }
}
