//! A generator of gate test corpora: every kind of finding planted in every position of a
//! writeup with fresh random values, and clean writeups full of look-alikes that must pass.

/// A small, seedable xorshift generator: fresh values each run, reproducible from the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chars(&mut self, alphabet: &str, n: usize) -> String {
        let a: Vec<char> = alphabet.chars().collect();
        (0..n).map(|_| *self.pick(&a)).collect()
    }

    pub fn digits(&mut self, n: usize) -> String {
        self.chars(DIGITS, n)
    }

    pub fn word(&mut self) -> String {
        self.pick(WORDS).to_string()
    }
}

const DIGITS: &str = "0123456789";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &str = "0123456789abcdef";
const WORDS: &[&str] = &[
    "falcon", "harbor", "granite", "willow", "ember", "cobalt", "meadow", "quartz", "summit", "lantern", "orchid",
    "tundra", "pebble", "saffron", "juniper", "beacon", "canyon", "delta", "fjord", "glacier",
];

/// People and organisations the corpus site blocks by name.
pub const BLOCKED_NAMES: &[&str] = &["Dave Holloway", "Priya Raman", "Tomasz Wojcik"];
pub const BLOCKED_ORGS: &[&str] = &["Globex", "Initech Holdings"];
pub const INTERNAL_DOMAIN: &str = "acme-int.net";
/// Internal code names the gate corpus configures (`internal_names`).
pub const INTERNAL_NAMES: &[&str] = &["Project Bluebird", "Quasar-7"];
/// People no list names: the gate must find them by themselves.
const UNLISTED_PEOPLE: &[(&str, &str)] = &[
    ("Kwame", "Mensah"),
    ("Ngozi", "Okafor"),
    ("Hiroshi", "Tanaka"),
    ("Svetlana", "Ivanova"),
    ("Mateus", "Carvalho"),
    ("Fatima", "Haddad"),
    ("Lars", "Lindqvist"),
    ("Deepak", "Sharma"),
    ("Nguyen", "Thi Lan"),
    ("Agnieszka", "Kowalska"),
    ("Oluwaseun", "Adeyemi"),
    ("Mehmet", "Yilmaz"),
];

/// A value planted in the corpus and the finding ids (any one of them) that catch it.
pub struct Plant {
    pub name: &'static str,
    pub value: String,
    pub ids: &'static [&'static str],
    /// Blame is prose: it is planted only where prose is written.
    pub prose_only: bool,
}

fn plant(name: &'static str, value: String, ids: &'static [&'static str]) -> Plant {
    Plant { name, value, ids, prose_only: false }
}

fn luhn_complete(partial: &str) -> String {
    let sum: u32 = partial
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap_or(0);
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum();
    format!("{partial}{}", (10 - sum % 10) % 10)
}

fn iban_de(r: &mut Rng) -> String {
    let bban = r.digits(18);
    let rearranged = format!("{bban}131400"); // D=13, E=14, check 00
    let rem = rearranged.chars().fold(0u64, |acc, c| (acc * 10 + c.to_digit(10).unwrap_or(0) as u64) % 97);
    let check = 98 - rem;
    let iban = format!("DE{check:02}{bban}");
    iban.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

fn public_ipv4(r: &mut Rng) -> String {
    loop {
        let a = r.range(11, 223);
        if [127, 169, 172, 192, 198, 203, 100].contains(&a) {
            continue;
        }
        return format!("{a}.{}.{}.{}", r.range(0, 255), r.range(0, 255), r.range(1, 254));
    }
}

fn jwt(r: &mut Rng) -> String {
    let b64 = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(BASE64URL.as_bytes()[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    };
    let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64(&format!(r#"{{"sub":"{}","iat":{}}}"#, r.digits(8), r.range(1_600_000_000, 1_800_000_000)));
    format!("{header}.{payload}.{}", r.chars(BASE64URL, 43))
}

fn pem(r: &mut Rng, label: &str) -> String {
    let body: Vec<String> = (0..3).map(|_| r.chars(BASE64, 64)).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----", body.join("\n"))
}

/// One fresh value of every kind the gate must find.
pub fn plants(r: &mut Rng) -> Vec<Plant> {
    let w1 = r.word();
    let w2 = r.word();
    let name = r.pick(BLOCKED_NAMES).to_string();
    let mut out = vec![
        plant("email", format!("{w1}.{w2}{}@{}mail.com", r.digits(2), r.word()), &["email"]),
        plant("phone-intl", format!("+44 20 7{} {}", r.digits(3), r.digits(4)), &["phone"]),
        plant("phone-national", format!("({}) {}-{}", r.range(201, 989), r.range(201, 549), r.digits(4)), &["phone"]),
        plant(
            "credit-card",
            {
                let n = luhn_complete(&format!("4{}", r.digits(14)));
                format!("{} {} {} {}", &n[0..4], &n[4..8], &n[8..12], &n[12..16])
            },
            &["credit-card", "card"],
        ),
        plant(
            "ssn",
            format!("{:03}-{:02}-{:04}", r.range(1, 665), r.range(1, 99), r.range(1, 9999)),
            &["national-id", "ssn"],
        ),
        plant("iban", iban_de(r), &["iban"]),
        plant("person", name.clone(), &["person"]),
        {
            let (given, surname) = *r.pick(UNLISTED_PEOPLE);
            plant("person-unlisted", format!("{given} {surname}"), &["person"])
        },
        {
            let (given, surname) = *r.pick(UNLISTED_PEOPLE);
            let sep = *r.pick(&["-", "_", ""]);
            plant(
                "handle",
                format!("@{}{sep}{}", given.to_lowercase(), surname.to_lowercase().replace(' ', "")),
                &["handle"],
            )
        },
        plant("internal-name", r.pick(INTERNAL_NAMES).to_string(), &["internal-name"]),
        plant("person-possessive", format!("{}'s", r.pick(BLOCKED_NAMES).to_lowercase()), &["person"]),
        plant("person-hyphenated", format!("{}-approved", r.pick(BLOCKED_NAMES)), &["person"]),
        plant("org", r.pick(BLOCKED_ORGS).to_uppercase(), &["organisation", "org"]),
        plant("org-possessive", format!("{}'s", r.pick(BLOCKED_ORGS)), &["organisation", "org"]),
        plant("org-hyphenated", format!("{}-owned", r.pick(BLOCKED_ORGS)), &["organisation", "org"]),
        plant("ipv4", public_ipv4(r), &["ipv4"]),
        plant("ipv4-cidr", format!("{}/{}", public_ipv4(r), r.range(8, 30)), &["ipv4"]),
        plant(
            "ipv6",
            format!("2a02:{:x}:{:x}::{:x}", r.range(0x100, 0xffff), r.range(1, 0xffff), r.range(1, 0xffff)),
            &["ipv6"],
        ),
        plant("internal-host", format!("{}{}.{}.corp", r.word(), r.range(1, 40), r.word()), &["internal-host"]),
        plant("internal-local", format!("{}-{}.local", r.word(), r.range(1, 40)), &["internal-host"]),
        plant("internal-lan", format!("nas{}.{}.lan", r.range(1, 9), r.word()), &["internal-host"]),
        plant("internal-intranet", format!("wiki.{}.intranet", r.word()), &["internal-host"]),
        plant("internal-home-arpa", format!("printer.{}.home.arpa", r.word()), &["internal-host"]),
        plant("internal-domain", format!("{}.{INTERNAL_DOMAIN}", r.word()), &["internal-host"]),
        plant(
            "internal-url",
            format!("https://{}.internal/{}/{}", r.word(), r.word(), r.digits(4)),
            &["internal-host", "internal-url"],
        ),
        plant(
            "aws-access-key",
            format!("AKIA{}", r.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
            &["secret:aws-access-key"],
        ),
        plant(
            "aws-secret-key",
            format!("aws_secret_access_key = {}", r.chars(BASE64, 40)),
            &["secret:aws-secret-key", "secret:password-assignment", "secret:high-entropy"],
        ),
        plant("github-classic", format!("ghp_{}", r.chars(ALNUM, 36)), &["secret:github-token"]),
        plant(
            "github-fine-grained",
            format!("github_pat_{}_{}", r.chars(ALNUM, 22), r.chars(ALNUM, 59)),
            &["secret:github-token"],
        ),
        plant("gitlab", format!("glpat-{}", r.chars(ALNUM, 20)), &["secret:gitlab-token"]),
        plant(
            "slack-token",
            format!("xoxb-{}-{}-{}", r.digits(12), r.digits(13), r.chars(ALNUM, 24)),
            &["secret:slack-token"],
        ),
        plant(
            "slack-webhook",
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                r.chars(UPPER, 8),
                r.chars(UPPER, 10),
                r.chars(ALNUM, 24)
            ),
            &["secret:slack-webhook"],
        ),
        plant("stripe", format!("sk_live_{}", r.chars(ALNUM, 24)), &["secret:stripe-key"]),
        plant("google-api-key", format!("AIza{}", r.chars(BASE64URL, 35)), &["secret:google-api-key"]),
        plant(
            "azure",
            format!(
                "DefaultEndpointsProtocol=https;AccountName={};AccountKey={}==;EndpointSuffix=core.windows.net",
                r.word(),
                r.chars(BASE64, 86)
            ),
            &["secret:azure-connection-string"],
        ),
        plant("pem-key", pem(r, "RSA PRIVATE KEY"), &["secret:private-key"]),
        plant("openssh-key", pem(r, "OPENSSH PRIVATE KEY"), &["secret:private-key"]),
        plant("pgp-key", pem(r, "PGP PRIVATE KEY BLOCK"), &["secret:private-key"]),
        plant("jwt", jwt(r), &["secret:jwt"]),
        plant(
            "url-password",
            format!(
                "postgres://{}:{}@db.{}{}.com:5432/{}",
                r.word(),
                r.chars(ALNUM, 14),
                r.word(),
                r.digits(2),
                r.word()
            ),
            &["secret:url-password"],
        ),
        plant(
            "connection-string",
            format!("Server=db{};Database={};User Id=app;Password={};", r.range(1, 9), r.word(), r.chars(ALNUM, 14)),
            &["secret:password-assignment", "secret:url-password"],
        ),
        plant("password-assignment", format!("password = \"{}\"", r.chars(ALNUM, 16)), &["secret:password-assignment"]),
        plant(
            "api-key-assignment",
            format!("api_key: {}", r.chars(ALNUM, 32)),
            &["secret:password-assignment", "secret:high-entropy"],
        ),
        // Any secret kind will do: 40 base64 characters next to "secret" may be read as an AWS secret key.
        plant("high-entropy", format!("the signing secret {}", r.chars(BASE64, 40)), &["secret:"]),
    ];
    let blame = [
        ("blame-name", format!("{name} misconfigured the {} rule", r.word())),
        ("blame-role", format!("the intern broke the {} deployment", r.word())),
        ("blame-human-error", format!("it was put down to human error on the {} change", r.word())),
        ("blame-should-have", format!("the operator should have known the {} was live", r.word())),
        ("blame-careless", format!("a careless edit to the {} config", r.word())),
    ];
    for (name, value) in blame {
        let ids: &'static [&'static str] = if name == "blame-name" { &["blame:", "person"] } else { &["blame:"] };
        out.push(Plant { name, value, ids, prose_only: true });
    }
    out
}

/// Where a value is planted in a writeup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    FrontMatter,
    Title,
    Prose,
    CodeBlock,
    InlineCode,
    Table,
    LinkUrl,
    LinkTitle,
    ImageAlt,
    Comment,
}

pub const POSITIONS: [Position; 10] = [
    Position::FrontMatter,
    Position::Title,
    Position::Prose,
    Position::CodeBlock,
    Position::InlineCode,
    Position::Table,
    Position::LinkUrl,
    Position::LinkTitle,
    Position::ImageAlt,
    Position::Comment,
];

impl Position {
    pub fn name(self) -> &'static str {
        match self {
            Position::FrontMatter => "front-matter",
            Position::Title => "title",
            Position::Prose => "prose",
            Position::CodeBlock => "code-block",
            Position::InlineCode => "inline-code",
            Position::Table => "table",
            Position::LinkUrl => "link-url",
            Position::LinkTitle => "link-title",
            Position::ImageAlt => "image-alt",
            Position::Comment => "comment",
        }
    }

    /// Whether `plant` can be written here at all.
    pub fn fits(self, plant: &Plant) -> bool {
        let one_line = !plant.value.contains('\n');
        let prose = matches!(
            self,
            Position::FrontMatter | Position::Title | Position::Prose | Position::Table | Position::Comment
        );
        (prose || !plant.prose_only)
            && match self {
                Position::Title | Position::InlineCode | Position::LinkUrl | Position::LinkTitle => one_line,
                Position::ImageAlt => one_line && !plant.value.contains([']', '[']),
                Position::Table => one_line && !plant.value.contains('|'),
                _ => true,
            }
    }
}

/// A YAML quoted scalar that keeps `s` as written in the file whenever it can.
fn quoted(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        format!("'{s}'")
    }
}

/// A valid, approved writeup with `value` planted at `position`.
pub fn writeup(id: &str, value: &str, position: Position) -> String {
    let title = match position {
        Position::Title => format!("Change review caught a problem near {value}"),
        _ => "Change review caught a problem before release".to_string(),
    };
    let detection = match position {
        Position::FrontMatter if value.contains('\n') => {
            format!("|\n  {}", value.replace('\n', "\n  "))
        }
        Position::FrontMatter => quoted(&format!("Noticed in review: {value}")),
        _ => quoted("Noticed during peer review of the change."),
    };
    let mut text = format!(
        "---\nid: {id}\ntitle: {}\nstatus: approved\ntlp: clear\noccurred: 2025-03-04\ndetected: 2025-03-04\n\
         reported: 2025-03-06\nreviewed: 2025-03-12\npatterns: [firewall-change-drift]\nseverity: high\n\
         stopped_by: process\ndetection: {detection}\n---\n",
        quoted(&title)
    );
    let planted = match position {
        Position::Prose => format!("The review found this in the request: {value}.\n"),
        Position::CodeBlock => format!("```text\n{value}\n```\n"),
        Position::InlineCode => format!("The request contained `{value}` in its diff.\n"),
        Position::Table => format!("| step | detail |\n| --- | --- |\n| review | {value} |\n"),
        Position::LinkUrl if value.contains("://") => format!("See [the link](<{value}>).\n"),
        Position::LinkUrl => format!("See [the request](<https://tickets.example.org/view?q={value}>).\n"),
        Position::LinkTitle if value.contains('"') => {
            format!("See [the request](https://tickets.example.org/view ({value})).\n")
        }
        Position::LinkTitle => format!("See [the request](https://tickets.example.org/view \"{value}\").\n"),
        Position::ImageAlt => format!("![A screenshot of {value}](screenshot.png)\n"),
        Position::Comment => format!("<!-- reviewer note: {value} -->\n"),
        Position::FrontMatter | Position::Title => String::new(),
    };
    for (i, section) in nearmiss::validate::SECTIONS.iter().enumerate() {
        text.push_str(&format!("\n## {section}\n\nA change request was checked before it was applied.\n"));
        if i == 0 && !planted.is_empty() {
            text.push('\n');
            text.push_str(&planted);
        }
    }
    text
}

/// Text full of things that look like findings but are not: versions, dates, hashes, UUIDs,
/// timestamps, CVE ids, ports, documentation addresses and placeholders.
pub fn clean_paragraphs(r: &mut Rng) -> Vec<String> {
    let hash40 = r.chars(HEX, 40);
    let hash7 = r.chars(HEX, 7);
    let sha256 = r.chars(HEX, 64);
    let uuid = format!(
        "{}-{}-4{}-a{}-{}",
        r.chars(HEX, 8),
        r.chars(HEX, 4),
        r.chars(HEX, 3),
        r.chars(HEX, 3),
        r.chars(HEX, 12)
    );
    let version = format!("{}.{}.{}", r.range(0, 20), r.range(0, 40), r.range(0, 200));
    let year = r.range(2019, 2026);
    vec![
        format!("The agent was upgraded from v{version} to {}.{}.{}-1 on {year}-0{}-1{} at {year}-03-04T10:2{}:31Z.", r.range(1, 9), r.range(0, 9), r.range(0, 99), r.range(1, 9), r.range(0, 9), r.range(0, 9)),
        format!("Commit {hash40} (short {hash7}) reverted the change; the image digest was sha256:{sha256}."),
        format!("Request id {uuid} was logged with trace 00-{}-{}-01.", r.chars(HEX, 32), r.chars(HEX, 16)),
        format!("The scanner flagged CVE-{year}-{} in openssl {}.{}.{} and libxml2 2.9.14.", r.range(1000, 49999), r.range(1, 3), r.range(0, 3), r.range(0, 15)),
        format!("The service listened on port {} and :8443, behind 203.0.113.{} and 2001:db8::{:x}.", r.range(1024, 65535), r.range(1, 254), r.range(1, 0xffff)),
        format!("Replies went to security@example.com and ops@{}.example, or by phone on 202-555-01{:02}.", r.word(), r.range(0, 99)),
        format!("The key in the ticket was replaced by <REDACTED>, XXXX-XXXX and [EMAIL]; the docs example is AKIAIOSFODNN7EXAMPLE."),
        format!("Change CHG-{} and incident INC00{} cost ${},{:03}.00 over {}h {}m.", r.digits(5), r.digits(5), r.range(1, 99), r.range(0, 999), r.range(1, 9), r.range(1, 59)),
        format!("Pod payments-api-{}-{} restarted {} times; see RFC 5737 and ISO 27001 A.{}.{}.", r.chars(HEX, 9), r.chars("bcdfghjklmnpqrstvwxz2456789", 5), r.range(2, 40), r.range(5, 18), r.range(1, 30)),
        format!("The config read `password: ${{DB_PASSWORD}}` and `token = os.environ[\"API_TOKEN\"]` from the vault path /v1/secret/data/{}.", r.word()),
        format!("Backups in /var/lib/postgresql/15/main were {}.{} GB; the restore took {} minutes at 10:{}:{:02}.", r.range(1, 900), r.range(0, 9), r.range(3, 90), r.range(10, 59), r.range(0, 59)),
        format!("Writeups NM-{} and NM-{} describe the same {} pattern; the job failed to start and the rule was misconfigured.", r.digits(4), r.digits(4), r.word()),
    ]
}

/// A valid, approved writeup that the gate must let through.
pub fn clean_writeup(id: &str, r: &mut Rng) -> String {
    let mut text = format!(
        "---\nid: {id}\ntitle: \"Agent upgrade v{}.{} caught by a canary\"\nstatus: approved\ntlp: clear\n\
         occurred: 2025-03-04\ndetected: 2025-03-04\nreported: 2025-03-06\nreviewed: 2025-03-12\n\
         patterns: [firewall-change-drift]\nseverity: medium\nstopped_by: automation\n\
         detection: \"The canary on port {} alerted at 2025-03-04T10:22:31Z.\"\nsystems: [\"edge proxy 2.4.58\"]\n---\n",
        r.range(1, 9),
        r.range(0, 30),
        r.range(1024, 65535)
    );
    let paragraphs = clean_paragraphs(r);
    for (i, section) in nearmiss::validate::SECTIONS.iter().enumerate() {
        text.push_str(&format!("\n## {section}\n\n{}\n", paragraphs[(i * 2) % paragraphs.len()]));
        text.push_str(&format!("\n{}\n", paragraphs[(i * 2 + 1) % paragraphs.len()]));
    }
    text.push_str(&format!("\n```text\n{}\n```\n", paragraphs.join("\n")));
    text
}
