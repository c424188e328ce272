//! Secrets: provider tokens with a fixed prefix (AWS, GitHub, GitLab, Slack, Stripe, Google,
//! Azure, npm, PyPI, SendGrid, OpenAI, Anthropic), JWTs, private key blocks, passwords in URLs,
//! `password = "…"`-style assignments and connection-string fields, and high-entropy strings
//! on the same line as a secret word.
//!
//! Documentation keys (AWS's `…EXAMPLE`), placeholders (`<REDACTED>`, `xxxx`, `${VAR}`,
//! `changeme`) and indirect references (`get_secret()`, `os.environ["X"]`) are never reported.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::packed::{self, MatchKind};
use aho_corasick::{AhoCorasick, Span};
use regex::Regex;

use super::text::{char_at, char_before, entropy, is_one_of, line_at, Words};
use super::url::Url;
use super::{Finding, Kind, SecretKind};

/// Every secret in `text`; `urls` are the URLs already found in it.
pub(super) fn scan(text: &str, words: &Words, urls: &[Url], out: &mut Vec<Finding>) {
    prefixed_tokens(text, out);
    private_keys(text, out);
    url_passwords(text, urls, out);
    keyword_lines(text, words.lower(), out);
}

/// Token formats that start with a fixed prefix (inner groups must not capture).
const TOKENS: &[(SecretKind, &str)] = &[
    (SecretKind::AwsAccessKey, r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"),
    (SecretKind::GithubToken, r"gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{82,}"),
    (SecretKind::GitlabToken, r"gl(?:pat|dt|rt|ptt|cbt|soat)-[A-Za-z0-9_-]{20,}"),
    (SecretKind::SlackToken, r"xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}"),
    (SecretKind::SlackWebhook, r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{20,}"),
    (SecretKind::StripeKey, r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"),
    (SecretKind::GoogleApiKey, r"AIza[A-Za-z0-9_-]{35}"),
    (
        SecretKind::AzureConnectionString,
        concat!(
            r#"DefaultEndpointsProtocol=[^\s'"]*?AccountKey=[A-Za-z0-9+/]{20,}={0,2}(?:;[A-Za-z]+=[^\s;'"]*)*"#,
            r#"|Endpoint=sb://[^\s;'"]+;SharedAccessKeyName=[^\s;'"]+;SharedAccessKey=[A-Za-z0-9+/]{20,}={0,2}"#,
            r"|(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{20,}={0,2}",
        ),
    ),
    (SecretKind::Jwt, r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    (SecretKind::NpmToken, r"npm_[A-Za-z0-9]{36}"),
    (SecretKind::PypiToken, r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    (SecretKind::SendGridKey, r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    (SecretKind::OpenAiKey, r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"),
    (SecretKind::AnthropicKey, r"sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{20,}"),
];

/// All of [`TOKENS`] as one regex, alternative `i` in capture group `i + 1`.
static TOKEN_REGEX: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = TOKENS.iter().map(|(_, p)| format!("({p})")).collect();
    Regex::new(&alternatives.join("|")).expect("valid token patterns")
});

/// Provider tokens, standing alone (not glued to other letters or digits).
fn prefixed_tokens(text: &str, out: &mut Vec<Finding>) {
    for caps in TOKEN_REGEX.captures_iter(text) {
        let Some((kind, m)) = TOKENS.iter().zip(caps.iter().skip(1)).find_map(|((k, _), m)| Some((*k, m?))) else {
            continue;
        };
        let glued = char_before(text, m.start()).is_some_and(|c| c.is_ascii_alphanumeric())
            || char_at(text, m.end()).is_some_and(|c| c.is_ascii_alphanumeric());
        // Slack tokens always carry numeric ids; without digits it is prose like "xoxb-tokens-are-…".
        let wordy = kind == SecretKind::SlackToken && !m.as_str().bytes().any(|b| b.is_ascii_digit());
        if glued || wordy || is_fake(m.as_str()) {
            continue;
        }
        // A bare `AccountKey=…` field: the value is the secret.
        let start = ["AccountKey=", "SharedAccessKey="]
            .iter()
            .find_map(|p| m.as_str().strip_prefix(p).map(|_| m.start() + p.len()))
            .unwrap_or(m.start());
        out.push(Finding { kind: Kind::Secret(kind), range: start..m.end() });
    }
}

static KEY_BEGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----").expect("valid key header pattern")
});

/// How far after its header a private key's END line is looked for.
const KEY_BLOCK_MAX: usize = 64 * 1024;

/// Private key blocks (PEM, OpenSSH, PGP), header to footer across lines. Without a footer the
/// block runs over the following base64 and header lines. A block with almost no key material
/// ("-----BEGIN RSA PRIVATE KEY-----\n...\n") is an illustration, not a leak.
fn private_keys(text: &str, out: &mut Vec<Finding>) {
    let mut searched_to = 0;
    for caps in KEY_BEGIN.captures_iter(text) {
        let (Some(header), Some(label)) = (caps.get(0), caps.get(1)) else { continue };
        if header.start() < searched_to {
            continue;
        }
        let footer = format!("-----END {}-----", label.as_str());
        let mut window_end = (header.end() + KEY_BLOCK_MAX).min(text.len());
        while !text.is_char_boundary(window_end) {
            window_end -= 1;
        }
        let footer_at = text[header.end()..window_end].find(&footer).map(|i| header.end() + i);
        let end = footer_at.map_or_else(|| unterminated_body_end(text, header.end()), |f| f + footer.len());
        let body = header.end()..footer_at.unwrap_or(end);
        let material = text[body].bytes().filter(|b| b.is_ascii_alphanumeric() || b"+/".contains(b)).count();
        if material >= 32 {
            out.push(Finding { kind: Kind::Secret(SecretKind::PrivateKey), range: header.start()..end });
            searched_to = end;
        }
    }
}

/// The end of a key body with no footer: the rest of the header line, then the following lines
/// of base64 or `Name: value` headers up to a blank or other line.
fn unterminated_body_end(text: &str, from: usize) -> usize {
    let mut end = text[from..].find('\n').map_or(text.len(), |n| from + n);
    let mut line_end = end;
    while line_end < text.len() {
        let line_start = line_end + 1;
        line_end = text[line_start..].find('\n').map_or(text.len(), |n| line_start + n);
        let content = text[line_start..line_end].trim();
        let base64 = content.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b));
        let header = content
            .split_once(": ")
            .is_some_and(|(name, _)| name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'));
        if content.is_empty() || !(base64 || header) {
            break;
        }
        end = line_start + text[line_start..line_end].trim_end().len();
    }
    end
}

/// URLs with a real password in their user info; the whole URL is the finding.
fn url_passwords(text: &str, urls: &[Url], out: &mut Vec<Finding>) {
    for url in urls {
        if let Some(password) = &url.password {
            let password = &text[password.clone()];
            if !is_placeholder(password) && !is_indirect(password, false) {
                out.push(Finding { kind: Kind::Secret(SecretKind::UrlPassword), range: url.range.clone() });
            }
        }
    }
}

/// Words that put a line under closer inspection (case-insensitive substrings).
const KEYWORDS: &[&str] = &[
    "aws",
    "passw",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "accesskey",
    "access-key",
    "private_key",
    "privatekey",
    "credential",
    "bearer",
    "authorization",
];

/// [`KEYWORDS`] in the lower-cased text, by a vector search (Teddy): a few instructions a byte,
/// where a case-insensitive automaton takes sixteen.
static KEYWORD_FINDER: LazyLock<packed::Searcher> = LazyLock::new(|| {
    let mut builder = packed::Config::new().match_kind(MatchKind::LeftmostFirst).builder();
    builder.extend(KEYWORDS).build().expect("a short list of non-empty keywords")
});

/// Words that make long hex on a line a digest or an id, not a secret.
const DIGEST_WORDS: &[&str] = &[
    "sha1",
    "sha-1",
    "sha256",
    "sha-256",
    "sha384",
    "sha512",
    "sha-512",
    "md5",
    "digest",
    "checksum",
    "hash",
    "commit",
    "fingerprint",
    "integrity",
    "uuid",
    "guid",
];

static DIGEST_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder().ascii_case_insensitive(true).build(DIGEST_WORDS).expect("valid digest word list")
});

/// The line-level rules, run only on lines that mention a secret word.
fn keyword_lines(text: &str, lower: &str, out: &mut Vec<Finding>) {
    let mut from = 0;
    while let Some(m) = KEYWORD_FINDER.find_in(lower, Span::from(from..lower.len())) {
        let line = line_at(text, m.start());
        scan_line(text, &lower[line.clone()], line.clone(), out);
        from = line.end;
    }
}

static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)(?:[a-z0-9_.-]*(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key"#,
        r#"|client[_-]?secret|private[_-]?key|credentials?)["']?[ \t]*(?::=|=>|=|:)[ \t]*"#,
        r"|--[a-z0-9-]*(?:password|passwd|token|secret)(?:=|[ \t]+))",
    ))
    .expect("valid assignment pattern")
});

static TOKEN_LIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/_-]{20,}={0,2}").expect("valid token-like pattern"));

/// Assignments, AWS secret keys and high-entropy strings on one line.
fn scan_line(text: &str, lower: &str, line: Range<usize>, out: &mut Vec<Finding>) {
    let s = &text[line.clone()];
    let at = |r: Range<usize>| line.start + r.start..line.start + r.end;
    let keywords: Vec<(Range<usize>, &str)> =
        KEYWORD_FINDER.find_iter(lower).map(|m| (m.range(), KEYWORDS[m.pattern().as_usize()])).collect();
    let digest_word = DIGEST_FINDER.is_match(s);
    for m in ASSIGNMENT.find_iter(s) {
        if let Some((value, quoted)) = value_at(s, m.end()) {
            if is_secret_value(&s[value.clone()], quoted) {
                out.push(Finding { kind: Kind::Secret(SecretKind::PasswordAssignment), range: at(value) });
            }
        }
    }
    for m in TOKEN_LIKE.find_iter(s) {
        let token = m.as_str().trim_end_matches('=');
        // A secret word counts only beside the string, not inside it (`…-bpwdv` is a pod name).
        let words = keywords.iter().filter(|(k, _)| k.end <= m.start() || k.start >= m.end()).map(|(_, w)| *w);
        let (aws_word, secret_word) =
            words.fold((false, false), |(aws, secret), w| (aws || w == "aws" || w == "secret", secret || w != "aws"));
        let range = at(m.start()..m.start() + token.len());
        if aws_word && is_aws_secret_key(token) {
            out.push(Finding { kind: Kind::Secret(SecretKind::AwsSecretKey), range });
        } else if secret_word && !digest_word && is_random(token) {
            out.push(Finding { kind: Kind::Secret(SecretKind::HighEntropy), range });
        }
    }
}

/// The value assigned at byte `start` of `line`: the text inside quotes, or a bare word up to
/// white space or a separator. The flag is `true` when the value is delimited as surely as by
/// quotes: quoted, or a connection-string field (`Password=value;`, no space around the `=`).
fn value_at(line: &str, start: usize) -> Option<(Range<usize>, bool)> {
    let rest = &line[start..];
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'));
    if let Some(q) = quote {
        let len = rest[1..].find(q)?;
        return Some((start + 1..start + 1 + len, true));
    }
    let len = rest.find(|c: char| c.is_whitespace() || ",;\"'`&)}".contains(c)).unwrap_or(rest.len());
    let value = rest[..len].trim_end_matches(['.', ':']);
    let tight = line[..start].strip_suffix('=').is_some_and(|key| key.ends_with(|c: char| c.is_alphanumeric()));
    let field = tight && value.len() == len && rest[len..].starts_with(';');
    Some((start..start + value.len(), field))
}

/// True when an assigned value looks like a real secret: long enough, not a placeholder or a
/// reference, and (when bare or spaced like prose) not just words — it needs a digit or symbol.
fn is_secret_value(value: &str, quoted: bool) -> bool {
    let min = if quoted { 4 } else { 6 };
    if value.chars().count() < min || is_placeholder(value) || is_indirect(value, quoted) || value.contains("://") {
        return false;
    }
    if quoted && !value.contains(char::is_whitespace) {
        return true;
    }
    let letter = value.chars().any(char::is_alphabetic);
    let digit_or_symbol = value.chars().any(|c| c.is_ascii_digit() || "!@#$%^&*+=?~".contains(c));
    letter && (digit_or_symbol || is_random_letters(value)) && !value.starts_with(['/', '~', '.'])
}

/// Values that stand for a secret rather than being one.
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "redacted",
    "removed",
    "hidden",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "true",
    "false",
    "yes",
    "no",
    "required",
    "optional",
    "string",
    "str",
    "bool",
    "boolean",
    "int",
    "integer",
    "number",
    "todo",
    "tbd",
    "n/a",
    "foo",
    "bar",
    "foobar",
    "test",
];

/// Placeholders: `<REDACTED>`, `[EMAIL]`, `{{ var }}`, `${VAR}`, `$VAR`, `%VAR%`, `****`,
/// `xxxx`, `changeme`, documentation values and the like.
pub(super) fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    let wrapped = [('<', '>'), ('[', ']'), ('{', '}'), ('(', ')'), ('%', '%')]
        .iter()
        .any(|&(open, close)| value.starts_with(open) && value.ends_with(close));
    value.is_empty()
        || wrapped
        || value.starts_with('$')
        || !value.chars().any(char::is_alphanumeric)
        || is_one_of(value, PLACEHOLDER_WORDS)
        || is_fake(value)
}

/// Markers of made-up values inside a token or password (case-insensitive).
const FAKE_MARKERS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "fake",
    "placeholder",
    "redacted",
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "your",
    "notreal",
    "not_real",
    "not-a-real",
];

/// Well-known values published in documentation: the jwt.io signature, Stripe's docs keys and
/// Azure's storage emulator key.
const DOCUMENTED_VALUES: &[&str] = &[
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "4eC39HqLyjWDarjtT1zdp7dc",
    "TYooMQauvdEDq54NiTphI7jx",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
];

/// True for made-up secrets: documentation keys, marker words, masked runs (`xxxx`, `****`)
/// and any character repeated six times, which random keys never do.
fn is_fake(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let mut run = (' ', 0);
    let repeated = value.chars().any(|c| {
        run = if c == run.0 { (c, run.1 + 1) } else { (c, 1) };
        run.1 >= 6 || (run.1 >= 4 && matches!(c, 'x' | 'X' | '*' | '#' | '.'))
    });
    repeated || FAKE_MARKERS.iter().any(|m| lower.contains(m)) || DOCUMENTED_VALUES.iter().any(|d| value.contains(d))
}

/// Indirect references: `get_secret()`, `os.environ["X"]`, `config.db.password`, `DB_PASSWORD`,
/// YAML tags, anchors and block scalars (`!vault |`, `*pw`), templates (`{{ … }}`, `${…}`).
fn is_indirect(value: &str, quoted: bool) -> bool {
    let template = ["${", "{{", "{%", "$("].iter().any(|t| value.contains(t));
    if quoted {
        return template;
    }
    let ident = |s: &str| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let dotted_path = value.contains('.') && value.split('.').all(ident);
    let env_name =
        value.contains('_') && value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    template
        || value.starts_with(['$', '%', '!', '&', '*', '@', '{', '<', '[', '|', '>'])
        || value.contains(['(', '['])
        || dotted_path
        || env_name
}

/// A 40-character AWS secret access key: base64 alphabet, mixed case, a digit or symbol, random.
fn is_aws_secret_key(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 40
        && b.iter().all(|c| c.is_ascii_alphanumeric() || b"+/".contains(c))
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        // One real key in a thousand has no digit; then it has a `+` or a `/`.
        && b.iter().any(|c| c.is_ascii_digit() || b"+/".contains(c))
        && entropy(token) >= 4.0
        && !is_fake(token)
}

/// A random-looking string of 20+ base64/hex characters: letters and digits that change class
/// often (unlike identifiers and slugs), with Shannon entropy ≥ 3.5 (≥ 3.0 for hex), and not a
/// UUID, a path or a placeholder.
fn is_random(token: &str) -> bool {
    let b = token.as_bytes();
    let class = |c: u8| match c {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let switches = b.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    let hex = b.iter().all(u8::is_ascii_hexdigit);
    let slug = token.split(['_', '-']).count() >= 2
        && token
            .split(['_', '-'])
            .all(|p| p.bytes().all(|c| c.is_ascii_alphabetic()) || p.bytes().all(|c| c.is_ascii_digit()));
    let path = token.contains('/')
        && token.split('/').any(|seg| seg.len() >= 4 && seg.bytes().all(|c| c.is_ascii_lowercase()));
    b.len() >= 20
        && (b.iter().any(u8::is_ascii_digit) || is_random_letters(token))
        && b.iter().any(u8::is_ascii_alphabetic)
        && switches * 3 >= b.len()
        && entropy(token) >= if hex { 3.0 } else { 3.5 }
        && !slug
        && !path
        && !is_uuid(token)
        && !is_fake(token)
}

/// Letters drawn at random, though without a digit (a 32-character key of letters and digits
/// has none about once in 280): 16 or more ASCII letters and nothing else, a third to two
/// thirds of them capitals, changing case at every third letter or more. CamelCase names have
/// far fewer capitals, or long runs of lower case between them.
fn is_random_letters(value: &str) -> bool {
    let letters = value.as_bytes();
    if letters.len() < 16 || !letters.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let upper = letters.iter().filter(|b| b.is_ascii_uppercase()).count();
    let switches = letters.windows(2).filter(|w| w[0].is_ascii_uppercase() != w[1].is_ascii_uppercase()).count();
    3 * upper >= letters.len() && 3 * upper <= 2 * letters.len() && switches * 3 >= letters.len()
}

/// 8-4-4-4-12 hex digits.
fn is_uuid(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

#[cfg(test)]
mod tests {
    use super::super::url;
    use super::*;

    fn found(text: &str) -> Vec<(SecretKind, String)> {
        let mut out = Vec::new();
        scan(text, &Words::new(text), &url::find_all(text), &mut out);
        out.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
        out.into_iter()
            .filter_map(|f| match f.kind {
                Kind::Secret(k) => Some((k, text[f.range].to_string())),
                _ => None,
            })
            .collect()
    }

    fn kinds_of(text: &str, kind: SecretKind) -> Vec<String> {
        found(text).into_iter().filter(|(k, _)| *k == kind).map(|(_, s)| s).collect()
    }

    /// A token body that looks random: `n` characters from a fixed mixed alphabet.
    fn random(n: usize) -> String {
        "q7Zk2Lm9Rt4Xv8Nb3Hc6Wd1Fg5Jp0Ys".chars().cycle().take(n).collect::<String>()
    }

    #[test]
    fn aws_access_keys() {
        for id in ["AKIAZ7K2M4Q6R3T5V2W4", "ASIAY3BCD4EFG5HIJ6KL", "A3T0ABCDEFGHIJ2345KL"] {
            assert_eq!(kinds_of(&format!("key id {id}."), SecretKind::AwsAccessKey), [id]);
            assert_eq!(kinds_of(&format!("aws_access_key_id: \"{id}\"\n"), SecretKind::AwsAccessKey), [id]);
        }
        assert!(kinds_of("AKIAIOSFODNN7EXAMPLE xAKIAZ7K2M4Q6R3T5V2W4 AKIAZ7K2M4Q6R3T5V2W4X", SecretKind::AwsAccessKey)
            .is_empty());
    }

    #[test]
    fn aws_secret_keys_next_to_aws_words() {
        let key = "k8Jd/2hQ+x7LmN4pR1sT6vW9yZ0aB3cE5fG8hI2j";
        assert_eq!(kinds_of(&format!("aws_secret_access_key = {key}"), SecretKind::AwsSecretKey), [key]);
        assert_eq!(kinds_of(&format!("AWS creds: {key}"), SecretKind::AwsSecretKey), [key]);
        assert!(kinds_of(&format!("blob {key}"), SecretKind::AwsSecretKey).is_empty());
        assert!(kinds_of("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SecretKind::AwsSecretKey)
            .is_empty());
        assert!(found("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_empty());
        // A key without a digit (one in a thousand), here in a screenshot's alt text.
        let letters = "uEBUuntDStHy+QtXCzZgfV+eEeJVCLZpCDUhIGWY";
        let alt = format!("![A screenshot of aws_secret_access_key = {letters}](screenshot.png)");
        assert_eq!(kinds_of(&alt, SecretKind::AwsSecretKey), [letters]);
        assert!(kinds_of("aws docs: AwsSecretAccessKeyRotationPolicyDocumentV", SecretKind::AwsSecretKey).is_empty());
    }

    #[test]
    fn github_gitlab_slack_stripe_google_tokens() {
        let cases = [
            (SecretKind::GithubToken, format!("ghp_{}", random(36))),
            (SecretKind::GithubToken, format!("gho_{}", random(36))),
            (SecretKind::GithubToken, format!("github_pat_11ABCDEFG0_{}", random(71))),
            (SecretKind::GitlabToken, format!("glpat-{}", random(20))),
            (SecretKind::SlackToken, "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx".to_string()),
            (SecretKind::SlackToken, "xapp-1-A0123456789-1234567890123-abcdef0123456789".to_string()),
            (
                SecretKind::SlackWebhook,
                "https://hooks.slack.com/services/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".to_string(),
            ),
            (SecretKind::StripeKey, format!("sk_live_{}", random(24))),
            (SecretKind::StripeKey, format!("rk_test_{}", random(24))),
            (SecretKind::GoogleApiKey, format!("AIza{}", random(35))),
            (SecretKind::NpmToken, format!("npm_{}", random(36))),
            (SecretKind::PypiToken, format!("pypi-AgEIcHlwaS5vcmc{}", random(60))),
            (SecretKind::SendGridKey, format!("SG.{}.{}", random(22), random(43))),
            (SecretKind::OpenAiKey, format!("sk-proj-{}", random(40))),
            (SecretKind::AnthropicKey, format!("sk-ant-api03-{}", random(40))),
        ];
        for (kind, token) in cases {
            for text in [
                format!("The token {token} was in the log."),
                format!("export TOKEN='{token}'"),
                format!("[link]({token})"),
                token.clone(),
                format!("- `{token}`,"),
            ] {
                assert_eq!(kinds_of(&text, kind), [token.as_str()], "{text}");
            }
        }
    }

    #[test]
    fn connection_string_fields_are_secret_even_when_only_letters() {
        let conn = "Server=db1;Database=orders;User Id=app;Password=kHqzPwLmRtYvXa;";
        assert_eq!(kinds_of(conn, SecretKind::PasswordAssignment), ["kHqzPwLmRtYvXa"]);
        // Prose that merely mentions a password and moves on is not a field.
        assert!(kinds_of("the password: rotated; the token: revoked;", SecretKind::PasswordAssignment).is_empty());
        assert!(kinds_of("password = changed; nothing else", SecretKind::PasswordAssignment).is_empty());
    }

    #[test]
    fn placeholder_tokens_are_fine() {
        let text = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx sk_test_4eC39HqLyjWDarjtT1zdp7dc \
                    xoxb-not-a-real-token-this-will-not-work xoxb-tokens-are-for-bots \
                    https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX \
                    AIzaSyEXAMPLEEXAMPLEEXAMPLEEXAMPLE12345 glpat-XXXXXXXXXXXXXXXXXXXX ghp_ prefix";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn azure_connection_strings_and_keys() {
        let key = format!("{}==", random(86));
        let conn = format!(
            "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={key};EndpointSuffix=core.windows.net"
        );
        assert_eq!(kinds_of(&format!("conn: \"{conn}\""), SecretKind::AzureConnectionString), [conn.as_str()]);
        let sb = format!("Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={key}");
        assert_eq!(kinds_of(&sb, SecretKind::AzureConnectionString), [sb.as_str()]);
        assert_eq!(kinds_of(&format!("set AccountKey={key} there"), SecretKind::AzureConnectionString), [key.as_str()]);
        let emulator =
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        assert!(kinds_of(emulator, SecretKind::AzureConnectionString).is_empty());
    }

    #[test]
    fn private_key_blocks_whole_and_multiline() {
        let body = format!("{}\n{}\n", random(64), random(40));
        for label in
            ["RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]
        {
            let block = format!("-----BEGIN {label}-----\n{body}-----END {label}-----");
            let text = format!("```\n{block}\n```\n");
            assert_eq!(kinds_of(&text, SecretKind::PrivateKey), [block.as_str()], "{label}");
        }
        let escaped =
            format!("\"key\": \"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\"", random(48));
        assert_eq!(kinds_of(&escaped, SecretKind::PrivateKey).len(), 1);
    }

    #[test]
    fn private_key_without_footer_runs_over_its_body() {
        let text = format!(
            "key:\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n{}\n{}\n\nAfter.",
            random(64),
            random(20)
        );
        let got = kinds_of(&text, SecretKind::PrivateKey);
        assert_eq!(got.len(), 1);
        assert!(got[0].ends_with(&random(20)), "{got:?}");
    }

    #[test]
    fn private_key_illustrations_are_fine() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n\
                    and -----BEGIN PUBLIC KEY----- MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA -----END PUBLIC KEY-----";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn jwts() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkYXZlIiwicm9sZSI6ImFkbWluIn0.q7Zk2Lm9Rt4Xv8Nb3Hc6Wd1Fg5Jp0Ys";
        assert_eq!(kinds_of(&format!("Authorization: Bearer {jwt}"), SecretKind::Jwt), [jwt]);
        assert_eq!(kinds_of(&format!("cookie={jwt};"), SecretKind::Jwt), [jwt]);
        let docs = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert!(found(docs).is_empty());
    }

    #[test]
    fn url_passwords_cover_the_whole_url() {
        for url in [
            "postgres://app:s3cr3t-pw@db01.corp:5432/app",
            "https://deploy:hunter2@git.acme.io/x.git",
            "redis://:Pa55w0rd@10.0.0.5:6379",
        ] {
            assert_eq!(kinds_of(&format!("url: {url}\n"), SecretKind::UrlPassword), [url]);
        }
        let fine = "postgres://user:password@localhost/db https://u:${PASS}@h.io/ mysql://root:<redacted>@db/x \
                    amqp://guest:****@mq/ https://user@host.io/ http://a:changeme@b.io";
        assert!(kinds_of(fine, SecretKind::UrlPassword).is_empty(), "{:?}", kinds_of(fine, SecretKind::UrlPassword));
    }

    #[test]
    fn random_keys_without_a_digit_are_still_secrets() {
        let key = "RXEHmrbfEjOiXDGSCBKxXPGDyOjxhNgQ";
        assert_eq!(kinds_of(&format!("api_key: {key}"), SecretKind::PasswordAssignment), [key]);
        assert_eq!(kinds_of(&format!("the signing secret {key}"), SecretKind::HighEntropy), [key]);
        for name in ["ThisIsAVeryLongClassNameForTheService", "AWSIAMRoleForEKSClusterAutoscaler", "SECRETSMANAGERARN"]
        {
            assert!(!is_random_letters(name), "{name}");
            assert!(kinds_of(&format!("secret: {name}"), SecretKind::PasswordAssignment).is_empty(), "{name}");
        }
    }

    #[test]
    fn password_assignments_quoted_and_bare() {
        let cases = [
            ("password = \"hunter2\"", "hunter2"),
            ("DB_PASSWORD=Summer2024!", "Summer2024!"),
            ("  db_password: 'correct-horse-42'", "correct-horse-42"),
            ("{\"client_secret\": \"abcd1234efgh\"}", "abcd1234efgh"),
            ("Server=db;User Id=sa;Password=P@ssw0rd!;", "P@ssw0rd!"),
            ("jdbc:mysql://db/app?user=app&password=s3cr3tpw&ssl=1", "s3cr3tpw"),
            ("api_key: abc123def456", "abc123def456"),
            ("pwd=letmein99", "letmein99"),
            ("mysqladmin --password=hunter22 status", "hunter22"),
            ("$token = 'tok3n-value';", "tok3n-value"),
            ("secret => \"password123\"", "password123"),
            ("password: password123", "password123"),
        ];
        for (text, value) in cases {
            assert_eq!(kinds_of(text, SecretKind::PasswordAssignment), [value], "{text}");
        }
    }

    #[test]
    fn placeholders_and_references_are_not_passwords() {
        let lines = [
            "password = get_secret()",
            "password: ${DB_PASSWORD}",
            "token = os.environ[\"GITHUB_TOKEN\"]",
            "password: \"{{ vault_db_password }}\"",
            "password: <REDACTED>",
            "password: [REDACTED]",
            "token: xxxx",
            "token: XXXXXXXXXXXX",
            "password = \"****\"",
            "password: changeme",
            "secret: $SECRET",
            "api_key: %API_KEY%",
            "password = config.db.password",
            "token: GITHUB_TOKEN",
            "password: !vault |",
            "password: *db_password",
            "password: \"\"",
            "The password was rotated on Monday.",
            "Password: see the vault entry",
            "secret: true",
            "max_tokens = 4096",
            "token_count: 12",
            "password_policy: min12chars",
            "credentials: ~/.aws/credentials",
            "pwd: /home/ops2/work",
            "rule secret:aws-access-key fired",
            "token: \"Enter your token\"",
            "password: \"password\"",
            "password: your-password-here",
        ];
        for line in lines {
            assert!(found(line).is_empty(), "{line}: {:?}", found(line));
        }
    }

    #[test]
    fn high_entropy_next_to_secret_words() {
        let tok = "Zq8Lm2Xv7Rt4Nb9Hc3Wd6Fg1Jp5Ys0K";
        assert_eq!(kinds_of(&format!("the bearer token was {tok} before rotation"), SecretKind::HighEntropy), [tok]);
        assert_eq!(kinds_of(&format!("Authorization: Bearer {tok}"), SecretKind::HighEntropy), [tok]);
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";
        assert_eq!(kinds_of(&format!("legacy token {hex}"), SecretKind::HighEntropy), [hex]);
    }

    #[test]
    fn high_entropy_elsewhere_or_digest_like_is_fine() {
        let lines = [
            "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b fixed the token refresh",
            "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 (token cache)",
            "id 550e8400-e29b-41d4-a716-446655440000 of the token",
            "the payload Zq8Lm2Xv7Rt4Nb9Hc3Wd6Fg1Jp5Ys0K was base64",
            "see refreshTokenExpiry2024 and TOKEN_REFRESH_INTERVAL_SECONDS_2 in the secret store",
            // The secret word is inside the random-looking string, not beside it.
            "Pod payments-api-05bae89f0-bpwdv restarted 12 times",
            "the build cache key was x7Kq2mZp9TokenVb3Lw8Rt5Yh1 yesterday",
            "token stored at /var/lib/secrets/prod2024/token.json",
            "the token-rotation-runbook-2024-03 covers secrets",
        ];
        for line in lines {
            assert!(found(line).is_empty(), "{line}: {:?}", found(line));
        }
    }

    #[test]
    fn fakes_and_placeholders() {
        for v in ["AKIAIOSFODNN7EXAMPLE", "xxxx", "XXXXXXXX", "****", "aaaaaaaaaaaa", "my-sample-key", "YOUR_API_KEY"] {
            assert!(is_fake(v), "{v}");
        }
        for v in ["hunter2", "q7Zk2Lm9Rt4Xv8Nb3Hc6", "password123"] {
            assert!(!is_fake(v) && !is_placeholder(v), "{v}");
        }
        for v in ["<REDACTED>", "<redacted>", "[EMAIL]", "${VAR}", "{{ var }}", "$VAR", "changeme", "...", ""] {
            assert!(is_placeholder(v), "{v}");
        }
    }
}
