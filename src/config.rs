//! The site configuration (`site.yaml`): every key optional, unknown keys rejected.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::federate::source::{self, Source};
use crate::kri::{self, def::KriDef};
use crate::model::Tlp;
use crate::validate::fields::{Fields, Need};
use crate::yaml::Node;

/// Settings for one knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published at, always ending in `/`.
    pub base_url: String,
    /// The most sensitive TLP level that may be published.
    pub max_tlp: Tlp,
    /// Prefix of writeup ids, e.g. `NM` for `NM-0042`.
    pub id_prefix: String,
    /// People whose names must never be published.
    pub blocked_names: Vec<String>,
    /// Organisations whose names must never be published.
    pub blocked_orgs: Vec<String>,
    /// Domains (and their subdomains) of internal hosts.
    pub internal_domains: Vec<String>,
    /// Blaming language is an error rather than a warning.
    pub strict_blameless: bool,
    /// The Key Risk Indicators (`kris:`), or the embedded default set.
    pub kris: Vec<KriDef>,
    /// The knowledge bases whose feeds this site imports (`sources:`).
    pub sources: Vec<Source>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: "Near-miss knowledge base".into(),
            description: "Blameless retrospectives of incidents that almost happened.".into(),
            base_url: "/".into(),
            max_tlp: Tlp::Clear,
            id_prefix: "NM".into(),
            blocked_names: Vec::new(),
            blocked_orgs: Vec::new(),
            internal_domains: Vec::new(),
            strict_blameless: false,
            kris: kri::def::defaults(),
            sources: Vec::new(),
        }
    }
}

impl Config {
    /// Reads `site.yaml`, keeping defaults for absent keys and reporting every bad one.
    pub fn from_node(file: &Path, node: &Node, diags: &mut Diagnostics) -> Config {
        let mut config = Config::default();
        let Some(mut f) = Fields::new(file, node, "site.yaml", diags) else {
            return config;
        };
        if let Some((title, _)) = f.text("title", Need::Optional, "") {
            config.title = title;
        }
        if let Some((description, _)) = f.text("description", Need::Optional, "") {
            config.description = description;
        }
        if let Some((url, span)) = f.text("base_url", Need::Optional, "") {
            match normalise_base_url(&url) {
                Some(url) => config.base_url = url,
                None => f.diags().push(
                    Diagnostic::error(file, span, format!("`{url}` is not a usable base_url"))
                        .with_hint("use the absolute URL the site is served from, e.g. https://org.github.io/kb/"),
                ),
            }
        }
        if let Some(tlp) = f.keyword::<Tlp>("max_tlp", Need::Optional) {
            config.max_tlp = tlp;
        }
        if let Some((prefix, span)) = f.text("id_prefix", Need::Optional, "") {
            if prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
                config.id_prefix = prefix;
            } else {
                f.diags().push(
                    Diagnostic::error(file, span, format!("id_prefix `{prefix}` may only contain letters and digits"))
                        .with_hint("ids look like PREFIX-0001, e.g. NM-0001"),
                );
            }
        }
        let words =
            |f: &mut Fields<'_>, key| f.list(key, Need::Optional, "").unwrap_or_default().into_iter().map(|(w, _)| w);
        config.blocked_names = words(&mut f, "blocked_names").collect();
        config.blocked_orgs = words(&mut f, "blocked_orgs").collect();
        config.internal_domains =
            words(&mut f, "internal_domains").map(|d| d.trim_start_matches('.').to_lowercase()).collect();
        if let Some(strict) = f.flag("strict_blameless") {
            config.strict_blameless = strict;
        }
        config.kris = kri::def::read(&mut f);
        config.sources = source::read(&mut f);
        f.finish();
        config
    }

    /// The path part of `base_url` (e.g. `/kb/`), for pages served at any depth such as 404.html.
    pub fn base_path(&self) -> &str {
        match self.base_url.find("://") {
            Some(scheme_end) => {
                let after = &self.base_url[scheme_end + 3..];
                after.find('/').map_or("/", |i| &after[i..])
            }
            None => &self.base_url,
        }
    }

    /// Whether `base_url` is absolute, as the sitemap and the feed need.
    pub fn has_absolute_base_url(&self) -> bool {
        self.base_url.starts_with("https://") || self.base_url.starts_with("http://")
    }
}

/// An http(s) URL or a root-relative path, with a trailing slash.
pub fn normalise_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    let ok = if let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) {
        let host = rest.split('/').next().unwrap_or("");
        !host.is_empty() && !rest.contains(['?', '#', ' '])
    } else {
        url.starts_with('/') && !url.starts_with("//") && !url.contains(['?', '#', ' '])
    };
    ok.then(|| if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn read(text: &str) -> (Config, Vec<Diagnostic>) {
        let node = yaml::parse(text, 1).unwrap();
        let mut diags = Diagnostics::default();
        let c = Config::from_node(Path::new("site.yaml"), &node, &mut diags);
        (c, diags.sorted())
    }

    #[test]
    fn reads_keys_and_keeps_defaults() {
        let (c, d) = read("title: KB\nbase_url: https://org.github.io/kb\nmax_tlp: green\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.title, "KB");
        assert_eq!(c.base_url, "https://org.github.io/kb/");
        assert_eq!(c.base_path(), "/kb/");
        assert_eq!(c.max_tlp, Tlp::Green);
        assert_eq!(c.id_prefix, "NM");
        assert!(!c.strict_blameless);
    }

    #[test]
    fn reads_the_gate_settings() {
        let (c, d) = read("blocked_names: [Dave Smith]\nblocked_orgs: [Acme]\ninternal_domains: [.Corp.Example.io]\nstrict_blameless: true\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.blocked_names, ["Dave Smith"]);
        assert_eq!(c.blocked_orgs, ["Acme"]);
        assert_eq!(c.internal_domains, ["corp.example.io"]);
        assert!(c.strict_blameless);
        let (_, d) = read("strict_blameless: yes\n");
        assert_eq!(d[0].message, "`strict_blameless` must be true or false, found text");
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let (_, d) = read("title: KB\nmax_tpl: red\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].to_string(), "site.yaml:2:1: error: unknown field `max_tpl`");
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `max_tlp`?"));
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(normalise_base_url("/"), Some("/".into()));
        assert_eq!(normalise_base_url("https://x.example"), Some("https://x.example/".into()));
        assert_eq!(normalise_base_url("ftp://x"), None);
        assert_eq!(normalise_base_url("kb/"), None);
        let (_, d) = read("base_url: nope\n");
        assert_eq!(d[0].span.col, 11);
    }
}
