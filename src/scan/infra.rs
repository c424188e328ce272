//! Infrastructure identifiers: IPv4 and IPv6 addresses (with any CIDR suffix) and internal host
//! names, alone or as the host of a URL (then the whole URL is the finding).
//!
//! Documentation ranges and names (RFC 5737, RFC 3849, example.com, *.test …), loopback and
//! unspecified addresses identify nothing and are never reported.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::text::{
    char_at, char_before, continues_number, digit_runs, ends_with_ignore_case, is_in_domain, is_one_of, is_word,
    words_before, Words,
};
use super::url::Url;
use super::{Finding, Kind};

/// Every IP address and internal host (or URL to one) in `text`.
pub(super) fn scan(text: &str, words: &Words, hosts: &InternalHosts, urls: &[Url], out: &mut Vec<Finding>) {
    ipv4(text, words, out);
    ipv6(text, out);
    hosts.find(text, out);
    out.extend(
        urls.iter()
            .filter(|u| hosts.is_internal(&text[u.host.clone()]))
            .map(|u| Finding { kind: Kind::InternalHost, range: u.range.clone() }),
    );
}

/// Domains reserved for documentation and testing, and localhost: safe to publish.
pub(super) fn is_documentation_domain(host: &str) -> bool {
    ["example.com", "example.org", "example.net", "example", "test", "invalid", "localhost"]
        .iter()
        .any(|d| is_in_domain(host, d))
}

static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?:/[0-9]{1,2})?(?-u:\b)")
        .expect("valid IPv4 pattern")
});

/// Words that make a dotted quad a version number rather than an address.
const VERSION_WORDS: &[&str] =
    &["version", "versions", "ver", "v", "release", "build", "firmware", "linux", "kernel", "os", "patch", "rev"];

/// Public anycast DNS resolvers (Cloudflare, Google, Quad9, OpenDNS, AdGuard, CleanBrowsing,
/// Level 3): they identify no one.
const PUBLIC_RESOLVERS_V4: &[[u8; 4]] = &[
    [1, 1, 1, 1],
    [1, 0, 0, 1],
    [1, 1, 1, 2],
    [1, 0, 0, 2],
    [1, 1, 1, 3],
    [1, 0, 0, 3],
    [8, 8, 8, 8],
    [8, 8, 4, 4],
    [9, 9, 9, 9],
    [149, 112, 112, 112],
    [9, 9, 9, 10],
    [149, 112, 112, 10],
    [9, 9, 9, 11],
    [149, 112, 112, 11],
    [208, 67, 222, 222],
    [208, 67, 220, 220],
    [208, 67, 222, 123],
    [208, 67, 220, 123],
    [94, 140, 14, 14],
    [94, 140, 15, 15],
    [185, 228, 168, 9],
    [185, 228, 169, 9],
    [4, 2, 2, 1],
    [4, 2, 2, 2],
    [64, 6, 64, 6],
    [64, 6, 65, 6],
];

/// The IPv6 siblings of the public resolvers.
const PUBLIC_RESOLVERS_V6: &[[u16; 8]] = &[
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111],
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001],
    [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888],
    [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844],
    [0x2620, 0x00fe, 0, 0, 0, 0, 0, 0x00fe],
    [0x2620, 0x00fe, 0, 0, 0, 0, 0, 0x0009],
    [0x2620, 0x0119, 0x0035, 0, 0, 0, 0, 0x0035],
    [0x2620, 0x0119, 0x0053, 0, 0, 0, 0, 0x0053],
    [0x2a10, 0x50c0, 0, 0, 0, 0, 0x0ad1, 0x00ff],
    [0x2a10, 0x50c0, 0, 0, 0, 0, 0x0ad2, 0x00ff],
];

/// IPv4 addresses, with a `/prefix` when one follows.
fn ipv4(text: &str, words: &Words, out: &mut Vec<Finding>) {
    let member = |b: u8| b.is_ascii_digit() || b == b'.' || b == b'/';
    let dotted_quad = |run: &[u8]| run.iter().filter(|&&b| b == b'.').count() >= 3;
    for run in digit_runs(text, words, |b| b.is_ascii_digit(), member, dotted_quad) {
        for m in IPV4.find_iter(&text[run.clone()]) {
            ipv4_candidate(text, run.start + m.start(), m.as_str(), out);
        }
    }
}

/// Reports the dotted quad (and optional prefix) `found` at byte `start` unless it is harmless
/// or part of a version number.
fn ipv4_candidate(text: &str, start: usize, found: &str, out: &mut Vec<Finding>) {
    let (addr, prefix) = match found.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (found, None),
    };
    let Ok(ip) = addr.parse::<Ipv4Addr>() else { return };
    let end = start + found.len();
    if is_harmless_v4(ip)
        || char_before(text, start).is_some_and(|c| is_word(c) || c == '.' || c == '-')
        || char_at(text, end).is_some_and(is_word)
        || continues_number(text, end)
        || words_before(text, start).next().is_some_and(|w| is_one_of(&text[w], VERSION_WORDS))
    {
        return;
    }
    let valid_prefix = prefix.and_then(|p| p.parse::<u8>().ok()).is_some_and(|p| p <= 32);
    let end = if prefix.is_some() && !valid_prefix { start + addr.len() } else { end };
    out.push(Finding { kind: Kind::Ipv4, range: start..end });
}

/// Documentation, loopback, unspecified and broadcast addresses, netmasks and public resolvers.
fn is_harmless_v4(ip: Ipv4Addr) -> bool {
    let bits = u32::from(ip);
    let netmask = bits >> 24 == 0xff && bits.leading_ones() + bits.trailing_zeros() == 32;
    ip.is_documentation()
        || ip.is_loopback()
        || ip.is_unspecified()
        || netmask
        || PUBLIC_RESOLVERS_V4.contains(&ip.octets())
}

/// IPv6 addresses: runs of hex digits, colons and dots around a colon that `std::net` parses,
/// with at least two colons and four hex digits (so `a::b` in code and `10:22:31` are not).
fn ipv6(text: &str, out: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let is_piece = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
    let mut searched_to = 0;
    for colon in memchr::memchr_iter(b':', bytes) {
        if colon < searched_to {
            continue;
        }
        let start = bytes[..colon].iter().rposition(|&b| !is_piece(b)).map_or(0, |i| i + 1);
        let run_end = colon + bytes[colon..].iter().take_while(|&&b| is_piece(b)).count();
        searched_to = run_end;
        let untrimmed = &text[start..run_end];
        let run = untrimmed.trim_start_matches('.');
        let start = start + (untrimmed.len() - run.len());
        let run = run.trim_end_matches('.');
        if char_before(text, start).is_some_and(is_word) {
            continue;
        }
        let Some((ip, len)) = parse_v6(run) else { continue };
        let end = start + len;
        if char_at(text, end).is_some_and(is_word) || is_harmless_v6(ip) {
            continue;
        }
        let run = &run[..len];
        if run.matches(':').count() < 2 || run.bytes().filter(u8::is_ascii_hexdigit).count() < 4 {
            continue;
        }
        out.push(Finding { kind: Kind::Ipv6, range: start..end + cidr_suffix(text, end, 128) });
    }
}

/// The address at the start of `run` and its length: the whole run, or the run without a
/// trailing `:` that ends a sentence or a label ("fe80::1: it failed").
fn parse_v6(run: &str) -> Option<(Ipv6Addr, usize)> {
    let parse = |s: &str| s.parse::<Ipv6Addr>().ok().map(|ip| (ip, s.len()));
    parse(run).or_else(|| {
        let shorter = run.strip_suffix(':').filter(|s| !s.ends_with(':'))?;
        parse(shorter)
    })
}

/// The length of a `/prefix` (at most `max`) at byte `at`, or 0.
fn cidr_suffix(text: &str, at: usize, max: u32) -> usize {
    let Some(rest) = text[at..].strip_prefix('/') else { return 0 };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let valid = (1..=3).contains(&digits)
        && rest[..digits].parse::<u32>().is_ok_and(|p| p <= max)
        && !char_at(rest, digits).is_some_and(is_word);
    if valid {
        1 + digits
    } else {
        0
    }
}

/// Documentation (2001:db8::/32), loopback and unspecified addresses, public resolvers, and
/// IPv4-mapped harmless ones.
fn is_harmless_v6(ip: Ipv6Addr) -> bool {
    let [a, b, ..] = ip.segments();
    ip.is_loopback()
        || ip.is_unspecified()
        || (a == 0x2001 && b == 0x0db8)
        || ip.to_ipv4_mapped().is_some_and(is_harmless_v4)
        || PUBLIC_RESOLVERS_V6.contains(&ip.segments())
}

/// Suffixes that only internal networks use.
const INTERNAL_SUFFIXES: &[&str] = &[".internal", ".local", ".lan", ".corp", ".intranet", ".home.arpa"];

/// Well-known internal names that identify nobody's network (Docker, cloud metadata, the
/// Kubernetes cluster domain and API service).
const GENERIC_INTERNAL: &[&str] = &[
    "host.docker.internal",
    "gateway.docker.internal",
    "metadata.google.internal",
    "cluster.local",
    "svc.cluster.local",
    "kubernetes.default.svc.cluster.local",
];

/// Internal host names: the fixed internal suffixes plus the site's own zones.
pub(super) struct InternalHosts {
    /// The site's zones, without leading `*.` or dots.
    zones: Vec<String>,
    /// The suffixes and the zones with a dot in them, each with where its first dot is: found
    /// by looking at the dots of the text, which are few.
    dotted: Vec<Pattern>,
    /// The bytes that follow the first dot of a dotted pattern, either case: a dot followed by
    /// anything else (a sentence end) starts none.
    after_dot: [bool; 256],
    /// Zones without a dot ("corp"), which can stand alone: found by Aho-Corasick, if any.
    dotless: Option<AhoCorasick>,
}

/// A suffix or zone to look for around the dots of a text.
struct Pattern {
    /// Lower case.
    text: String,
    first_dot: usize,
    is_zone: bool,
}

impl InternalHosts {
    pub(super) fn new(internal_domains: &[String]) -> InternalHosts {
        let zones: Vec<String> = internal_domains
            .iter()
            .map(|d| d.trim().trim_start_matches("*.").trim_matches('.').to_ascii_lowercase())
            .filter(|d| !d.is_empty() && !d.contains(char::is_whitespace))
            .collect();
        let suffixes = INTERNAL_SUFFIXES.iter().map(|s| (s.to_string(), false));
        let dotted = suffixes
            .chain(zones.iter().map(|z| (z.clone(), true)))
            .filter_map(|(text, is_zone)| Some(Pattern { first_dot: text.find('.')?, text, is_zone }))
            .collect::<Vec<Pattern>>();
        let mut after_dot = [false; 256];
        for b in dotted.iter().filter_map(|p| p.text.as_bytes().get(p.first_dot + 1)) {
            after_dot[usize::from(b.to_ascii_lowercase())] = true;
            after_dot[usize::from(b.to_ascii_uppercase())] = true;
        }
        let dotless: Vec<&String> = zones.iter().filter(|z| !z.contains('.')).collect();
        let dotless = (!dotless.is_empty()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(dotless)
                // Building fails only past 2^31 patterns or states, far beyond any zone list.
                .expect("zone list within Aho-Corasick limits")
        });
        InternalHosts { zones, dotted, after_dot, dotless }
    }

    /// Every place a suffix or zone occurs in `text` (overlapping): its byte range and whether
    /// it is a zone.
    fn occurrences(&self, text: &str) -> Vec<(Range<usize>, bool)> {
        let bytes = text.as_bytes();
        let mut found: Vec<(Range<usize>, bool)> = Vec::new();
        for dot in memchr::memchr_iter(b'.', bytes) {
            if !bytes.get(dot + 1).is_some_and(|&b| self.after_dot[usize::from(b)]) {
                continue;
            }
            for p in &self.dotted {
                let Some(start) = dot.checked_sub(p.first_dot) else { continue };
                let end = start + p.text.len();
                if bytes.get(start..end).is_some_and(|b| b.eq_ignore_ascii_case(p.text.as_bytes())) {
                    found.push((start..end, p.is_zone));
                }
            }
        }
        if let Some(dotless) = &self.dotless {
            found.extend(dotless.find_overlapping_iter(text).map(|m| (m.range(), true)));
        }
        found
    }

    /// True when `host` is in a zone the site names, or has an internal suffix and is neither a
    /// generic nor a documentation name: a zone named in `internal_domains` is internal even
    /// under a documentation domain ("corp.example.net").
    pub(super) fn is_internal(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        if is_one_of(host, GENERIC_INTERNAL) {
            return false;
        }
        self.zones.iter().any(|z| is_in_domain(host, z))
            || (INTERNAL_SUFFIXES.iter().any(|s| host.len() > s.len() && ends_with_ignore_case(host, s))
                && !is_documentation_domain(host))
    }

    /// Internal host names standing alone in `text`.
    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let bytes = text.as_bytes();
        let is_host_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
        for (m, is_zone) in self.occurrences(text) {
            if !ends_host(text, m.end) {
                continue;
            }
            let run_start = bytes[..m.start].iter().rposition(|&b| !is_host_byte(b)).map_or(0, |i| i + 1);
            let start = run_start + bytes[run_start..m.start].iter().take_while(|&&b| b == b'.' || b == b'-').count();
            // A leading dot is a dotfile (".env.local") unless it follows a wildcard ("*.corp").
            let dotfile = start > run_start && char_before(text, run_start) != Some('*');
            let label_ok = if is_zone { start == m.start || bytes[m.start - 1] == b'.' } else { start < m.start };
            let host = &text[start..m.end];
            if dotfile || !label_ok || host.contains("..") || !self.is_internal(host) {
                continue;
            }
            out.push(Finding { kind: Kind::InternalHost, range: start..m.end });
        }
    }
}

/// True when a host name can end at byte `end`: no further label or word follows.
fn ends_host(text: &str, end: usize) -> bool {
    match text.as_bytes().get(end..).unwrap_or_default() {
        [b'.', next, ..] => !(next.is_ascii_alphanumeric() || *next == b'-'),
        [b'-' | b'_', ..] => false,
        _ => !char_at(text, end).is_some_and(is_word),
    }
}

#[cfg(test)]
mod tests {
    use super::super::url;
    use super::*;

    fn found(text: &str, zones: &[&str]) -> Vec<(Kind, String)> {
        let hosts = InternalHosts::new(&zones.iter().map(ToString::to_string).collect::<Vec<_>>());
        let mut out = Vec::new();
        scan(text, &Words::new(text), &hosts, &url::find_all(text), &mut out);
        out.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
        out.into_iter().map(|f| (f.kind, text[f.range].to_string())).collect()
    }

    fn strings(text: &str, zones: &[&str]) -> Vec<String> {
        found(text, zones).into_iter().map(|(_, s)| s).collect()
    }

    #[test]
    fn ipv4_in_prose_code_yaml_and_links() {
        assert_eq!(strings("The proxy at 10.20.30.40 dropped it.", &[]), ["10.20.30.40"]);
        assert_eq!(strings("`curl http://172.16.5.4:8080/health`", &[]), ["172.16.5.4"]);
        assert_eq!(strings("bind_address: 192.168.1.10\n", &[]), ["192.168.1.10"]);
        assert_eq!(strings("[dash](http://100.64.0.7/)", &[]), ["100.64.0.7"]);
        assert_eq!(strings("8.8.8.7", &[]), ["8.8.8.7"]);
        assert_eq!(strings("(10.0.0.1),", &[]), ["10.0.0.1"]);
    }

    #[test]
    fn ipv4_cidr_suffix_is_part_of_the_match() {
        assert_eq!(strings("allow 10.0.0.0/8 and 172.16.0.0/12.", &[]), ["10.0.0.0/8", "172.16.0.0/12"]);
        assert_eq!(strings("route 10.1.0.0/40", &[]), ["10.1.0.0"]);
    }

    #[test]
    fn harmless_ipv4_is_not_reported() {
        let text = "docs 192.0.2.10, 198.51.100.7 and 203.0.113.0/24; loopback 127.0.0.1 and \
                    127.1.2.3; any 0.0.0.0; mask 255.255.255.0 and 255.255.255.255; resolvers 1.1.1.1, \
                    8.8.8.8, 8.8.4.4, 9.9.9.9, 149.112.112.112, 208.67.222.222, 2606:4700:4700::1111 and \
                    2001:4860:4860::8888";
        assert!(strings(text, &[]).is_empty(), "{:?}", strings(text, &[]));
        assert_eq!(strings("the resolver at 8.8.8.9", &[]), ["8.8.8.9"], "only the resolvers themselves");
    }

    #[test]
    fn versions_and_other_dotted_numbers_are_not_ipv4() {
        let text = "openssl 3.0.13, kernel v10.0.19045.3693, version 1.2.3.4, OID 1.3.6.1.4.1, \
                    pkg-1.2.3.4, 2.4.58-1, 01.02.03.04, 300.1.1.1, at 2025-03-04T10:22:31Z, Linux 4.19.0.1, \
                    kernel 5.10.0.21, release 2.4.1.9, v1.2.3.4 and V 10.2.3.4";
        assert!(strings(text, &[]).is_empty(), "{:?}", strings(text, &[]));
    }

    #[test]
    fn ipv6_in_prose_with_prefix_and_brackets() {
        assert_eq!(strings("router fe80::1ff:fe23:4567:890a on eth0", &[]), ["fe80::1ff:fe23:4567:890a"]);
        assert_eq!(strings("prefix 2a01:4f8:c010::/48.", &[]), ["2a01:4f8:c010::/48"]);
        assert_eq!(strings("http://[2606:4700::6810:85e5]:443/", &[]), ["2606:4700::6810:85e5"]);
        assert_eq!(strings("addr: 2600:1f18:abcd::17: down", &[]), ["2600:1f18:abcd::17"]);
        assert_eq!(strings("ip: fd00:1234:5678:9abc::1\n", &[]), ["fd00:1234:5678:9abc::1"]);
    }

    #[test]
    fn harmless_ipv6_and_lookalikes_are_not_reported() {
        let text = "docs 2001:db8::10 and 2001:DB8:1::/48, loopback ::1, any ::, mapped \
                    ::ffff:192.0.2.1; code std::net::Ipv6Addr and a::b; time 10:22:31; \
                    MAC 00:1a:2b:3c:4d:5e; 2025-03-04T10:22:31Z; emoji :tada: ports :8443";
        assert!(strings(text, &[]).is_empty(), "{:?}", strings(text, &[]));
    }

    #[test]
    fn internal_suffixes_alone() {
        assert_eq!(
            strings("db01.prod.internal failed over to nas.local and printer.lan.", &[]),
            ["db01.prod.internal", "nas.local", "printer.lan"]
        );
        assert_eq!(strings("host: jenkins.corp\n", &[]), ["jenkins.corp"]);
        assert_eq!(strings("(wiki.intranet)", &[]), ["wiki.intranet"]);
        assert_eq!(strings("router.home.arpa", &[]), ["router.home.arpa"]);
        assert_eq!(strings("GIT.CORP", &[]), ["GIT.CORP"]);
        assert_eq!(strings("payments.prod.svc.cluster.local:8080", &[]), ["payments.prod.svc.cluster.local"]);
    }

    #[test]
    fn configured_zones_and_their_subdomains() {
        let zones = ["corp.acme.io", "*.ops.acme.net."];
        assert_eq!(strings("ssh db01.corp.acme.io now", &zones), ["db01.corp.acme.io"]);
        assert_eq!(strings("zone corp.acme.io.", &zones), ["corp.acme.io"]);
        assert_eq!(strings("vault.ops.acme.net", &zones), ["vault.ops.acme.net"]);
        assert_eq!(strings("wildcard *.corp.acme.io", &zones), ["corp.acme.io"]);
        assert!(strings("notcorp.acme.io and acme.io and corp.acme.iox", &zones).is_empty());
        assert_eq!(strings("ssh DB01.Corp.Acme.IO now", &zones), ["DB01.Corp.Acme.IO"], "any case");
    }

    #[test]
    fn a_configured_zone_under_a_documentation_domain_is_internal() {
        let zones = ["corp.example.net"];
        assert_eq!(strings("the log on build-08.corp.example.net showed it", &zones), ["build-08.corp.example.net"]);
        assert!(strings("see www.example.net and db.example.com", &zones).is_empty(), "the rest stays harmless");
        assert!(strings("build-08.corp.example.net", &[]).is_empty(), "only when the site names the zone");
    }

    #[test]
    fn a_zone_without_a_dot_is_found_too() {
        assert_eq!(
            strings("ssh db01.acmenet or acmenet itself, not acmenetwork", &["acmenet"]),
            ["db01.acmenet", "acmenet"]
        );
    }

    #[test]
    fn urls_to_internal_hosts_are_whole_findings() {
        assert_eq!(
            found("See [runbook](https://wiki.corp/ops/db?x=1).", &[]),
            [(Kind::InternalHost, "https://wiki.corp/ops/db?x=1".into()), (Kind::InternalHost, "wiki.corp".into())]
        );
        assert_eq!(
            strings("https://grafana.corp.acme.io:3000/d/x", &["corp.acme.io"])[0],
            "https://grafana.corp.acme.io:3000/d/x"
        );
    }

    #[test]
    fn not_internal_hosts() {
        let text = "files .env.local and app.local.yaml, docker-compose.local.yml; localhost; \
                    host.docker.internal; metadata.google.internal; cluster.local; the .local suffix; \
                    classes.lang; corporate; db.example.com; svc.corp.example; Acme Corp.";
        assert!(strings(text, &[]).is_empty(), "{:?}", strings(text, &[]));
    }

    #[test]
    fn documentation_domains() {
        for d in ["example.com", "mail.example.org", "x.example", "ci.test", "a.invalid", "localhost"] {
            assert!(is_documentation_domain(d), "{d}");
        }
        for d in ["example.co", "examples.com", "acme.io", "testing.io"] {
            assert!(!is_documentation_domain(d), "{d}");
        }
    }
}
