//! `@handles` of people (GitHub, Slack, Mastodon): not e-mail addresses, npm scopes
//! (`@types/node`), decorators (`@Override`, `@app.route(…)`), CSS at-rules, broadcast mentions
//! (`@here`) or the accounts of organisations and teams (`@github`, `@sre-oncall`).

use std::ops::Range;
use std::sync::LazyLock;

use super::lists;
use super::names::is_not_person;
use crate::scan::text::{end_before, start_after, WordSet};

/// Handles that are code or broadcasts, not people.
const NOT_HANDLES: &[&str] = &[
    "here",
    "channel",
    "everyone",
    "all",
    "room",
    "group",
    "team",
    "latest",
    "next",
    "canary",
    "beta",
    "alpha",
    "stable",
    "media",
    "import",
    "keyframes",
    "font-face",
    "supports",
    "charset",
    "layer",
    "container",
    "page",
    "namespace",
    "property",
    "counter-style",
    "override",
    "deprecated",
    "test",
    "before",
    "after",
    "beforeeach",
    "aftereach",
    "beforeall",
    "afterall",
    "param",
    "return",
    "returns",
    "throws",
    "see",
    "since",
    "author",
    "version",
    "type",
    "typedef",
    "example",
    "link",
    "inheritdoc",
    "staticmethod",
    "classmethod",
    "dataclass",
    "abstractmethod",
    "cached_property",
    "lru_cache",
    "wraps",
    "patch",
    "fixture",
    "mark",
    "component",
    "injectable",
    "input",
    "output",
    "hostlistener",
    "viewchild",
    "ngmodule",
    "autowired",
    "bean",
    "service",
    "repository",
    "controller",
    "restcontroller",
    "getmapping",
    "postmapping",
    "requestmapping",
    "entity",
    "table",
    "column",
    "id",
    "transactional",
    "inject",
    "singleton",
    "suppresswarnings",
    "functionalinterface",
    "safevarargs",
    "nullable",
    "nonnull",
    "notnull",
    "valid",
    "types",
    "babel",
    "angular",
    "vue",
    "react",
    "nestjs",
    "sveltejs",
    "emotion",
    "mui",
    "tanstack",
    "testing-library",
    "storybook",
    "vitejs",
    "rollup",
    "esbuild",
    "swc",
    "scope",
    "org",
    "users",
    "user",
    "admin",
    "admins",
    "mention",
    "mentions",
    "someone",
    "somebody",
    "username",
    "handle",
    "name",
    "me",
    "you",
    "them",
    "us",
    "ops",
    "oncall",
    "on-call",
    "security",
    "support",
    "help",
    "status",
    "news",
    "official",
    "bot",
    "bots",
    "dependabot",
    "renovate",
    "github-actions",
    "codecov",
    "sonarcloud",
    "snyk-bot",
    "import-meta",
    "tailwind",
    "apply",
    "use",
    "forward",
    "include",
    "extend",
    "mixin",
    "function",
    "if",
    "else",
    "each",
    "while",
    "debug",
    "warn",
    "error",
    "content",
    "return",
    "tag",
];

/// Byte ranges of people's handles in `text`.
pub(super) fn find(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for at in memchr::memchr_iter(b'@', bytes) {
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || b"._%+-/\\:".contains(&bytes[at - 1])) {
            continue;
        }
        let name_len = bytes[at + 1..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
            .count();
        let name = text[at + 1..at + 1 + name_len].trim_end_matches(['.', '-', '_']);
        let end = at + 1 + name.len();
        if name.len() < 2 || name.len() > 39 || !name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        let after = bytes.get(end).copied();
        // npm scopes and URL paths (`@types/node`), decorator calls (`@app.route(`), code.
        if matches!(after, Some(b'/' | b'(' | b'{' | b'[' | b'=' | b'\\')) || is_decorator(text, at, end) {
            continue;
        }
        let end = mastodon_end(text, end);
        if is_not_a_person(name) {
            continue;
        }
        out.push(at..end);
    }
    out
}

/// `@user@instance.social`: the whole address.
fn mastodon_end(text: &str, end: usize) -> usize {
    let Some(rest) = text[end..].strip_prefix('@') else { return end };
    let host_len = rest.bytes().take_while(|&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-').count();
    let host = rest[..host_len].trim_end_matches(['.', '-']);
    if host.contains('.')
        && host.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        end + 1 + host.len()
    } else {
        end
    }
}

/// A Java, Python or TypeScript decorator: `@Override` or `@pytest.fixture` starting a line, or
/// a capitalised identifier followed by `(` or the end of the line.
fn is_decorator(text: &str, at: usize, end: usize) -> bool {
    let line_start = start_after(text, at, b"\n", 200);
    let starts_line = text[line_start..at].trim().is_empty();
    let rest_of_line = &text[end..end_before(text, end, b"\n", 200)];
    let name = &text[at + 1..end];
    let capital = name.bytes().next().is_some_and(|b| b.is_ascii_uppercase());
    starts_line && (name.contains('.') || capital) && (rest_of_line.trim().is_empty() || rest_of_line.starts_with('('))
}

/// Broadcasts, code words, organisations, products and teams.
fn is_not_a_person(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if NOT_HANDLES.contains(&lower.as_str()) {
        return true;
    }
    let parts = split_parts(name);
    parts.iter().all(|p| is_organisation_part(&p.to_ascii_lowercase()))
}

/// Words that name organisations, products, teams and what their accounts are for.
static ACCOUNT_WORDS: LazyLock<WordSet> = LazyLock::new(|| {
    WordSet::new(&[
        "status",
        "news",
        "official",
        "support",
        "help",
        "bot",
        "app",
        "hq",
        "inc",
        "io",
        "js",
        "dev",
        "devs",
        "sync",
        "labs",
        "sec",
        "cloud",
        "updates",
        "alerts",
        "security",
        "team",
        "eng",
        "ops",
        "example",
        "acme",
        "contoso",
        "fabrikam",
        "initech",
        "globex",
        "corp",
        "org",
        "project",
        "community",
        "foundation",
        "releases",
        "info",
    ])
});

/// A part of an organisation's handle: "github", "aws", "support", "npmjs", "harborsync".
fn is_organisation_part(part: &str) -> bool {
    let known = |w: &str| is_not_person(w) || ACCOUNT_WORDS.contains(w) || lists::ROLE_WORDS.contains(w) && w.len() > 2;
    known(part)
        || (2..part.len().saturating_sub(1))
            .any(|i| part.is_char_boundary(i) && known(&part[..i]) && ACCOUNT_WORDS.contains(&part[i..]))
}

/// The parts of a handle: split at `-`, `_`, `.` and where lower case turns to upper case
/// (`AWSSupport` → AWS, Support).
fn split_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for piece in name.split(['-', '_', '.']) {
        let chars: Vec<char> = piece.chars().collect();
        let mut current = String::new();
        for (k, &c) in chars.iter().enumerate() {
            let boundary = k > 0
                && c.is_ascii_uppercase()
                && (chars[k - 1].is_ascii_lowercase()
                    || chars.get(k + 1).is_some_and(|n| n.is_ascii_lowercase()) && chars[k - 1].is_ascii_uppercase());
            if boundary && !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        if !current.is_empty() {
            parts.push(current);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handles(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn people_handles() {
        assert_eq!(
            handles("cc @jdoe and @priya.raman; (@k-mensah) @tomasz_w: ping @ana@infosec.exchange."),
            ["@jdoe", "@priya.raman", "@k-mensah", "@tomasz_w", "@ana@infosec.exchange"]
        );
    }

    #[test]
    fn not_handles() {
        let text = "mail jdoe@example.com; npm i @types/node @babel/core; @here the deploy;\n\
                    @Override\n    @pytest.fixture\n@app.route(\"/\")\n@media screen {}\n\
                    thanks @github and @AWSSupport, @platform-team and @sre-oncall; lodash@4.17.21";
        assert!(handles(text).is_empty(), "{:?}", handles(text));
    }

    #[test]
    fn parts() {
        assert_eq!(split_parts("AWSSupport"), ["AWS", "Support"]);
        assert_eq!(split_parts("sre-oncall.eu"), ["sre", "oncall", "eu"]);
        assert_eq!(split_parts("jdoe"), ["jdoe"]);
    }
}
