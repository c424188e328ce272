//! `sources:` in `site.yaml`: the knowledge bases a site imports, where their feeds are, the
//! key each must be signed with, the highest TLP to take from each, and pattern mappings.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Span};
use crate::model::Tlp;
use crate::validate::fields::{Fields, Need};
use crate::validate::is_slug;
use crate::yaml::NodeKind;

/// One knowledge base a site imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// A slug that namespaces the source's ids, slugs and pages (`writeups/<name>/…`).
    pub name: String,
    pub location: Location,
    /// The minisign public key (base64) the source's manifest must be signed with.
    pub public_key: Option<String>,
    /// The most sensitive TLP level taken from this source (never above the site's own).
    pub max_tlp: Tlp,
    /// The source's pattern slugs mapped to the site's own, with where each mapping is written.
    pub patterns: Vec<(String, String, Span)>,
    /// Where the entry is in `site.yaml`.
    pub span: Span,
}

/// Where a source's feed folder is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The URL of the feed folder, ending in `/`: `https://…`, or `http://` on loopback only.
    Url(String),
    /// A folder on disk (relative paths are relative to `site.yaml`'s folder).
    Path(PathBuf),
}

impl Location {
    /// Where the file `name` of the feed is, for messages.
    pub fn display(&self, name: &str) -> String {
        match self {
            Location::Url(base) => format!("{base}{name}"),
            Location::Path(dir) => dir.join(name).display().to_string(),
        }
    }
}

/// Whether `url` may be fetched: HTTPS anywhere, plain HTTP only to this machine.
pub fn allowed_url(url: &str) -> bool {
    if let Some(rest) = url.strip_prefix("https://") {
        return !host_of(rest).is_empty();
    }
    url.strip_prefix("http://").is_some_and(|rest| is_loopback(host_of(rest)))
}

/// Whether `host` (without the port) is this machine.
pub fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// The host of `rest` (a URL after its `scheme://`), without the port or credentials.
pub fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Reads `sources:`, reporting every bad entry; `file` is `site.yaml`, which paths are relative to.
pub fn read(f: &mut Fields<'_>) -> Vec<Source> {
    let Some(node) = f.node("sources", Need::Optional, "") else {
        return Vec::new();
    };
    let Some(items) = f.as_list("sources", node) else {
        return Vec::new();
    };
    let file = f.file();
    let base = file.parent().unwrap_or(Path::new(""));
    let mut out: Vec<Source> = Vec::new();
    for item in items {
        let Some(mut s) = Fields::new(file, item, "a source", f.diags()) else {
            continue;
        };
        let name = s.text("name", Need::Required, "a short slug for the source, e.g. `name: member-a`");
        let url = s.text("url", Need::Optional, "");
        let path = s.text("path", Need::Optional, "");
        let public_key = s.text("public_key", Need::Optional, "");
        let max_tlp = s.keyword::<Tlp>("max_tlp", Need::Optional).unwrap_or(Tlp::Clear);
        let mut patterns = Vec::new();
        if let Some(map) = s.node("patterns", Need::Optional, "") {
            match &map.kind {
                NodeKind::Map(entries) => {
                    for e in entries {
                        match e.value.as_scalar() {
                            Some(ours) => patterns.push((e.key.clone(), ours, e.key_span)),
                            None => s.diags().push(
                                Diagnostic::error(file, e.value.span, "a pattern mapping needs one slug of this site")
                                    .with_hint("write `their-slug: our-slug`"),
                            ),
                        }
                    }
                }
                _ => s.diags().push(
                    Diagnostic::error(file, map.span, "`patterns` must map the source's slugs to this site's")
                        .with_hint("write `patterns: { their-slug: our-slug }`"),
                ),
            }
        }
        s.finish();
        let diags = f.diags();
        let Some((name, name_span)) = name else { continue };
        if name == crate::catalog::PREFIX.trim_end_matches('/') {
            diags.push(
                Diagnostic::error(
                    file,
                    name_span,
                    format!("source name `{name}` is reserved for the built-in catalogue"),
                )
                .with_hint("choose another name, e.g. `name: member-a`"),
            );
            continue;
        }
        if !is_slug(&name) {
            diags.push(
                Diagnostic::error(
                    file,
                    name_span,
                    format!("source name `{name}` is not lowercase words joined by `-`"),
                )
                .with_hint("the name is part of imported pages' URLs, e.g. `name: member-a`"),
            );
            continue;
        }
        if out.iter().any(|o| o.name == name) {
            diags.push(
                Diagnostic::error(file, name_span, format!("source `{name}` is listed twice"))
                    .with_hint("give each source its own name"),
            );
            continue;
        }
        let location = match (url, path) {
            (Some((url, span)), None) => {
                let url = url.trim().trim_end_matches("manifest.json").to_string();
                let url = if url.ends_with('/') { url } else { format!("{url}/") };
                if !allowed_url(&url) || url.contains(['?', '#', ' ']) {
                    diags.push(
                        Diagnostic::error(file, span, format!("`{url}` is not a feed URL nearmiss fetches")).with_hint(
                            "use the https:// URL of the source's feed/ folder (plain http only on 127.0.0.1)",
                        ),
                    );
                    continue;
                }
                Location::Url(url)
            }
            (None, Some((path, _))) => Location::Path(base.join(path)),
            (Some((_, span)), Some(_)) => {
                diags.push(
                    Diagnostic::error(file, span, format!("source `{name}` has both `url` and `path`"))
                        .with_hint("give the feed's URL, or the path of a feed folder on disk"),
                );
                continue;
            }
            (None, None) => {
                diags.push(
                    Diagnostic::error(file, name_span, format!("source `{name}` has no `url` or `path`"))
                        .with_hint("add `url: https://member.example/kb/feed/`"),
                );
                continue;
            }
        };
        let public_key = match public_key {
            Some((key, span)) if minisign::PublicKey::from_base64(key.trim()).is_err() => {
                diags.push(
                    Diagnostic::error(file, span, format!("the public key of source `{name}` is not a minisign key"))
                        .with_hint("copy the line of the source's feed.pub (it starts with RW)"),
                );
                continue;
            }
            other => other.map(|(key, _)| key.trim().to_string()),
        };
        out.push(Source { name, location, public_key, max_tlp, patterns, span: item.span });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_fetched() {
        assert!(allowed_url("https://member.example/kb/feed/"));
        assert!(allowed_url("http://127.0.0.1:8080/feed/"));
        assert!(allowed_url("http://localhost/feed/"));
        assert!(allowed_url("http://[::1]:9/feed/"));
        assert!(!allowed_url("http://member.example/feed/"));
        assert!(!allowed_url("http://127.0.0.1.evil.example/feed/"));
        assert!(!allowed_url("http://127.0.0.1@evil.example/feed/"));
        assert!(!allowed_url("file:///etc/passwd"));
        assert!(!allowed_url("https:///feed/"));
    }
}
