//! The Content-Security-Policy pages are held to, and the one exception it makes: 404.html,
//! served at any depth and opened from disk, carries the theme's style sheet inline, allowed by
//! the hash of exactly what it emits (no `'unsafe-inline'`).

use std::borrow::Cow;

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The policy every page is served with: nothing but the site's own scripts, styles (and the
/// theme's inline `style` attributes), images and requests. The theme passes it; a test checks.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The page GitHub Pages serves for every missing URL, whatever its depth.
pub const NOT_FOUND: &str = "404.html";

/// The policy for the page at `path` whose HTML is `html`: the site's, and for [`NOT_FOUND`]
/// the hashes of its own `<style>` elements added to `style-src`.
pub fn of_page(path: &str, html: &str) -> Cow<'static, str> {
    if path != NOT_FOUND {
        return Cow::Borrowed(CONTENT_SECURITY_POLICY);
    }
    let sources: Vec<String> = inline_styles(html).iter().map(|s| hash_source(s)).collect();
    if sources.is_empty() {
        return Cow::Borrowed(CONTENT_SECURITY_POLICY);
    }
    let directives = CONTENT_SECURITY_POLICY.split(';').map(str::trim).map(|d| match d.strip_prefix("style-src ") {
        Some(values) => format!("style-src {values} {}", sources.join(" ")),
        None => d.to_string(),
    });
    Cow::Owned(directives.collect::<Vec<_>>().join("; "))
}

/// `policy` as a `<meta http-equiv>` element may carry it: browsers ignore `frame-ancestors`
/// there (and say so in the console), so it is left to the server's header.
pub fn for_meta(policy: &str) -> String {
    let kept = policy.split(';').map(str::trim).filter(|d| !d.is_empty() && !d.starts_with("frame-ancestors"));
    kept.collect::<Vec<_>>().join("; ")
}

/// The text of each `<style>` element of `html` as a browser's parser reads it (the text its
/// hash is taken of): up to the next `</style`, line breaks normalised to `\n`.
pub fn inline_styles(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut styles = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<style") {
        let open = at + found + "<style".len();
        // `<styles>` or `<style-x>` is another element.
        if !lower[open..].starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace()) {
            at = open;
            continue;
        }
        let Some(start) = lower[open..].find('>').map(|i| open + i + 1) else { break };
        let end = lower[start..].find("</style").map_or(html.len(), |i| start + i);
        styles.push(html[start..end].replace("\r\n", "\n").replace('\r', "\n").replace('\0', "\u{fffd}"));
        at = end;
    }
    styles
}

/// The CSP source that allows an inline element whose text is `text`.
fn hash_source(text: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_other_than_404_get_the_site_policy_whatever_they_hold() {
        assert_eq!(of_page("index.html", "<style>body{}</style>"), CONTENT_SECURITY_POLICY);
        assert_eq!(of_page(NOT_FOUND, "<p>no style</p>"), CONTENT_SECURITY_POLICY);
    }

    #[test]
    fn the_404_policy_adds_the_hash_of_each_style_to_style_src_only() {
        // sha256("") and sha256("a"), base64, as `echo -n … | openssl dgst -sha256 -binary | base64` gives.
        let policy = of_page(NOT_FOUND, "<head><style></style><STYLE media=\"print\">a</STYLE></head>");
        let style_src = policy.split("; ").find(|d| d.starts_with("style-src ")).unwrap();
        assert_eq!(
            style_src,
            "style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' \
             'sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs='"
        );
        assert_eq!(policy.replace(style_src, "style-src 'self'"), CONTENT_SECURITY_POLICY);
    }

    #[test]
    fn style_text_is_read_as_a_browser_parses_it() {
        let html = "<styles>x</styles><style>a\r\nb\rc</style><style\n>d</Style><style-x>e</style-x>";
        assert_eq!(inline_styles(html), ["a\nb\nc", "d"]);
        assert_eq!(inline_styles("<style>unclosed"), ["unclosed"]);
    }

    #[test]
    fn a_meta_policy_leaves_frame_ancestors_to_the_header() {
        let meta = for_meta(CONTENT_SECURITY_POLICY);
        assert!(!meta.contains("frame-ancestors"), "{meta}");
        assert!(meta.starts_with("default-src 'self'; ") && meta.ends_with("form-action 'self'"), "{meta}");
    }
}
