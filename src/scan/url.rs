//! URLs written in text — `scheme://[user[:password]@]host[:port][/path…]` — found by their
//! `://`, with where the host and any password sit.

use std::ops::Range;

/// One URL in the text, as byte ranges into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Url {
    /// The whole URL, from the scheme to the last character that belongs to it.
    pub range: Range<usize>,
    /// The host name or address (without brackets, user info or port).
    pub host: Range<usize>,
    /// The password in the user info, when there is a non-empty one.
    pub password: Option<Range<usize>>,
}

/// Every URL in `text`, in order.
pub(super) fn find_all(text: &str) -> Vec<Url> {
    let mut urls: Vec<Url> = Vec::new();
    for sep in memchr::memmem::find_iter(text.as_bytes(), b"://") {
        if urls.last().is_some_and(|u| sep < u.range.end) {
            continue;
        }
        if let Some(url) = url_at(text, sep) {
            urls.push(url);
        }
    }
    urls
}

/// The URL whose `://` is at byte `sep`.
fn url_at(text: &str, sep: usize) -> Option<Url> {
    let bytes = text.as_bytes();
    let scheme_start =
        bytes[..sep].iter().rposition(|&b| !(b.is_ascii_alphanumeric() || b"+.-".contains(&b))).map_or(0, |i| i + 1);
    let scheme_start = scheme_start + bytes[scheme_start..sep].iter().take_while(|b| !b.is_ascii_alphabetic()).count();
    if sep - scheme_start < 2 {
        return None;
    }
    let authority_start = sep + 3;
    let authority_end = authority_start + bytes[authority_start..].iter().take_while(|&&b| !ends_authority(b)).count();
    let (password, host_start) = match text[authority_start..authority_end].rfind('@') {
        Some(at) => {
            let at = authority_start + at;
            let password = text[authority_start..at]
                .find(':')
                .map(|colon| authority_start + colon + 1..at)
                .filter(|p| !p.is_empty());
            (password, at + 1)
        }
        None => (None, authority_start),
    };
    let host = if bytes.get(host_start) == Some(&b'[') {
        let close = text[host_start..authority_end].find(']')?;
        host_start + 1..host_start + close
    } else {
        let len = text[host_start..authority_end].find(':').unwrap_or(authority_end - host_start);
        host_start..host_start + len
    };
    let end = url_end(text, authority_end);
    let host = host.start..host.end.min(end);
    if host.is_empty() {
        return None;
    }
    Some(Url { range: scheme_start..end, host, password })
}

/// Bytes that end the authority (user info, host and port) of a URL.
fn ends_authority(b: u8) -> bool {
    b.is_ascii_whitespace() || b"/?#\"'<>`|\\),;".contains(&b)
}

/// Where a URL whose path starts at `from` ends: at white space, quotes, angle brackets or an
/// unbalanced closing parenthesis (a markdown link), without trailing sentence punctuation.
fn url_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut end = from;
    while let Some(&b) = bytes.get(end) {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' if depth == 0 => break,
            b')' | b']' => depth -= 1,
            _ if b.is_ascii_whitespace() || b"\"'<>`|\\".contains(&b) => break,
            _ => {}
        }
        end += 1;
    }
    while end > from && b".,;:!?*_~".contains(&bytes[end - 1]) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, String, Option<String>) {
        let urls = find_all(text);
        assert_eq!(urls.len(), 1, "{text}");
        let u = &urls[0];
        (
            text[u.range.clone()].to_string(),
            text[u.host.clone()].to_string(),
            u.password.clone().map(|p| text[p].to_string()),
        )
    }

    #[test]
    fn plain_urls_end_before_punctuation_and_markdown() {
        assert_eq!(one("see https://wiki.corp/x/y?z=1.").0, "https://wiki.corp/x/y?z=1");
        assert_eq!(one("[runbook](https://wiki.corp/rb) now").0, "https://wiki.corp/rb");
        assert_eq!(one("<http://a.b/(x)>").0, "http://a.b/(x)");
        assert_eq!(one("url: \"https://a.b/c\"").1, "a.b");
    }

    #[test]
    fn user_info_host_and_port() {
        let (url, host, pw) = one("DATABASE_URL=postgres://app:s3cr3t@db01.corp:5432/app");
        assert_eq!(url, "postgres://app:s3cr3t@db01.corp:5432/app");
        assert_eq!(host, "db01.corp");
        assert_eq!(pw.as_deref(), Some("s3cr3t"));
        assert_eq!(one("ssh://git@host.lan/repo").2, None);
        assert_eq!(one("redis://:p@ss@cache.lan").2.as_deref(), Some("p@ss"));
        assert_eq!(one("http://user:@h.lan").2, None);
    }

    #[test]
    fn bracketed_ipv6_hosts() {
        assert_eq!(one("http://[2001:db8::1]:8080/").1, "2001:db8::1");
    }

    #[test]
    fn not_urls() {
        assert!(find_all("a://b is odd, :// alone, 1://x").is_empty());
        assert!(find_all("https:// nothing").is_empty());
    }
}
