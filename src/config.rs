//! The site configuration (`site.yaml`): every key optional, unknown keys rejected.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::export::misp::Distribution;
use crate::federate::source::{self, Source};
use crate::kri::{self, def::KriDef};
use crate::model::Tlp;
use crate::validate::fields::{Fields, Need};
use crate::yaml::{Node, NodeKind};

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
    /// Code names of internal systems and projects, never published.
    pub internal_names: Vec<String>,
    /// Words that look like people's names but are not (products, places, personas).
    pub allowed_names: Vec<String>,
    /// Blaming language is an error rather than a warning.
    pub strict_blameless: bool,
    /// The Key Risk Indicators (`kris:`), or the embedded default set.
    pub kris: Vec<KriDef>,
    /// The knowledge bases whose feeds this site imports (`sources:`).
    pub sources: Vec<Source>,
    /// The site's pseudonymous identity in exports and feeds (`org:`), or [`Org::anonymous`].
    pub org: Org,
    /// Who a MISP instance may pass the feed's events on to (`misp_distribution`).
    pub misp_distribution: Distribution,
    /// The largest content file read, in bytes (`max_file_mb`); larger ones are an error.
    pub max_file_size: u64,
    /// The GitHub repository of the knowledge base (`repository:`), as `https://host/owner/name`:
    /// the report page opens its near-miss issue form.
    pub repository: Option<String>,
    /// How to report without a name (`anonymous_channel:`): a URL or a sentence.
    pub anonymous_channel: Option<String>,
    /// The role catalogue (`roles:`), or the default one.
    pub roles: Vec<crate::roles::Role>,
    /// How long each digest covers (`digest: quarter`, or `month`).
    pub digest: crate::kri::period::PeriodKind,
    /// The fewest records a KRI status may rest on (`kri_min_records`); fewer say so instead.
    pub kri_min_records: usize,
    /// The site is served only to its community, behind a login (`access_controlled`): no
    /// warning when it publishes above TLP:CLEAR.
    pub access_controlled: bool,
}

/// The stable pseudonymous identity a site publishes under, e.g. `member-7f3a` labelled
/// "Member 7F3A". Nothing is derived from the organisation's real name: without `org:` a site
/// is [`Org::anonymous`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Org {
    /// Lowercase letters, digits and `-`, starting with a letter or digit; at most 64.
    pub id: String,
    /// Free text shown to people, e.g. on other members' sites.
    pub label: String,
}

impl Org {
    /// The id of a site without `org:`.
    pub const ANONYMOUS: &'static str = "anonymous";

    /// The identity of a site that declares none.
    pub fn anonymous() -> Org {
        Org { id: Org::ANONYMOUS.into(), label: "Anonymous member".into() }
    }

    /// Whether the site declared no identity of its own.
    pub fn is_anonymous(&self) -> bool {
        self.id == Org::ANONYMOUS
    }

    /// Whether `id` is usable as an org id: in file names, URLs, UUID names and MISP tags.
    pub fn is_valid_id(id: &str) -> bool {
        id.len() <= 64
            && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && !id.ends_with('-')
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    /// Reads `org: { id, label }`; `None` (reported) when it is malformed.
    /// A label naming one of `blocked_orgs` is refused: the identity is pseudonymous.
    fn read(f: &mut Fields<'_>, blocked_orgs: &[String]) -> Option<Org> {
        let node = f.node("org", Need::Optional, "")?;
        let file = f.file();
        let mut o = Fields::new(file, node, "`org`", f.diags())?;
        let id = o.text("id", Need::Required, "a stable pseudonymous id, e.g. `id: member-7f3a`");
        let label = o.text("label", Need::Optional, "");
        o.finish();
        let (id, span) = id?;
        if !Org::is_valid_id(&id) {
            f.diags().push(
                Diagnostic::error(
                    file,
                    span,
                    format!("org id `{id}` may only contain lowercase letters, digits and `-`"),
                )
                .with_hint("use a pseudonymous id such as `member-7f3a`, never the organisation's name"),
            );
            return None;
        }
        let label = match label {
            Some((label, span)) => {
                let lower = label.to_lowercase();
                if let Some(name) = blocked_orgs.iter().find(|o| !o.is_empty() && lower.contains(&o.to_lowercase())) {
                    f.diags().push(
                        Diagnostic::error(file, span, format!("the org label names `{name}`, a blocked organisation"))
                            .with_hint(
                                "the label is shown to other organisations: use a pseudonym such as \"Member 7F3A\"",
                            ),
                    );
                    return None;
                }
                label
            }
            None => id.clone(),
        };
        Some(Org { id, label })
    }
}

/// The default `max_file_mb`: far above any real writeup, far below what slows a build.
pub const DEFAULT_MAX_FILE_MB: u64 = 4;

/// The default `kri_min_records`: a share or a median of fewer records is an anecdote.
pub const DEFAULT_KRI_MIN_RECORDS: usize = 3;

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
            internal_names: Vec::new(),
            allowed_names: Vec::new(),
            strict_blameless: false,
            kris: kri::def::defaults(),
            sources: Vec::new(),
            org: Org::anonymous(),
            misp_distribution: Distribution::default(),
            max_file_size: DEFAULT_MAX_FILE_MB * 1_000_000,
            repository: None,
            anonymous_channel: None,
            roles: crate::roles::defaults(),
            digest: crate::kri::period::PeriodKind::Quarter,
            kri_min_records: DEFAULT_KRI_MIN_RECORDS,
            access_controlled: false,
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
        config.internal_names = words(&mut f, "internal_names").collect();
        config.allowed_names = words(&mut f, "allowed_names").collect();
        if let Some(strict) = f.flag("strict_blameless") {
            config.strict_blameless = strict;
        }
        if let Some(node) = f.node("max_file_mb", Need::Optional, "") {
            match node.kind {
                NodeKind::Int(mb) if mb > 0 => config.max_file_size = mb.unsigned_abs().saturating_mul(1_000_000),
                _ => f.diags().push(
                    Diagnostic::error(file, node.span, "`max_file_mb` must be a whole number of megabytes above 0")
                        .with_hint(format!("e.g. `max_file_mb: {DEFAULT_MAX_FILE_MB}`, the default")),
                ),
            }
        }
        if let Some(node) = f.node("kri_min_records", Need::Optional, "") {
            match node.kind {
                NodeKind::Int(n) if n > 0 => config.kri_min_records = usize::try_from(n).unwrap_or(usize::MAX),
                _ => f.diags().push(
                    Diagnostic::error(file, node.span, "`kri_min_records` must be a whole number above 0")
                        .with_hint(format!("e.g. `kri_min_records: {DEFAULT_KRI_MIN_RECORDS}`, the default")),
                ),
            }
        }
        if let Some(controlled) = f.flag("access_controlled") {
            config.access_controlled = controlled;
        }
        config.kris = kri::def::read(&mut f);
        config.sources = source::read(&mut f);
        if let Some(org) = Org::read(&mut f, &config.blocked_orgs) {
            config.org = org;
        }
        if let Some(distribution) = f.keyword::<Distribution>("misp_distribution", Need::Optional) {
            config.misp_distribution = distribution;
        }
        if let Some((repository, span)) = f.text("repository", Need::Optional, "") {
            match normalise_repository(&repository) {
                Some(url) => config.repository = Some(url),
                None => f
                    .diags()
                    .push(Diagnostic::error(file, span, format!("`{repository}` is not a repository")).with_hint(
                    "write `owner/name` of a GitHub repository, or its URL, e.g. https://github.com/org/near-misses",
                )),
            }
        }
        if let Some((channel, _)) = f.text("anonymous_channel", Need::Optional, "") {
            config.anonymous_channel = Some(channel.trim().to_string()).filter(|c| !c.is_empty());
        }
        config.roles = crate::roles::read(&mut f);
        if let Some(period) = f.keyword::<crate::kri::period::PeriodKind>("digest", Need::Optional) {
            config.digest = period;
        }
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

/// `owner/name` (on github.com) or `https://host/owner/name[.git]`, as `https://host/owner/name`.
pub fn normalise_repository(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('/');
    let text = text.strip_suffix(".git").unwrap_or(text);
    let (host, path) = match text.strip_prefix("https://") {
        Some(rest) => rest.split_once('/')?,
        None => ("github.com", text),
    };
    let part = |p: &str| {
        !p.is_empty()
            && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && p != ".."
            && p != "."
    };
    let (owner, name) = path.split_once('/')?;
    let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':'));
    (host_ok && part(owner) && part(name)).then(|| format!("https://{host}/{owner}/{name}"))
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
    fn reads_the_file_size_limit() {
        assert_eq!(read("").0.max_file_size, 4_000_000);
        let (c, d) = read("max_file_mb: 12\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.max_file_size, 12_000_000);
        let (_, d) = read("max_file_mb: 0\n");
        assert_eq!(d[0].message, "`max_file_mb` must be a whole number of megabytes above 0");
    }

    #[test]
    fn reads_the_kri_minimum_and_access_control() {
        let (c, d) = read("");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((c.kri_min_records, c.access_controlled), (3, false));
        let (c, d) = read("kri_min_records: 5\naccess_controlled: true\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((c.kri_min_records, c.access_controlled), (5, true));
        let (_, d) = read("kri_min_records: 0\n");
        assert_eq!(d[0].message, "`kri_min_records` must be a whole number above 0");
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
    fn org_is_the_sites_pseudonymous_identity() {
        let (c, d) = read("title: KB\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(c.org.is_anonymous());
        let (c, d) = read("org: { id: member-7f3a, label: \"Member 7F3A\" }\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.org, Org { id: "member-7f3a".into(), label: "Member 7F3A".into() });
        let (c, _) = read("org:\n  id: m-1\n");
        assert_eq!(c.org.label, "m-1");
        let (c, d) = read("org:\n  id: Acme Corp\n");
        assert!(c.org.is_anonymous());
        assert_eq!(
            d[0].to_string(),
            "site.yaml:2:7: error: org id `Acme Corp` may only contain lowercase letters, digits and `-`"
        );
        let (_, d) = read("org: { label: x }\n");
        assert_eq!(d[0].message, "missing required field `id`");
        let (_, d) = read("org: { id: m, lable: x }\n");
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `label`?"));
        let (_, d) = read("blocked_orgs: [Acme]\norg: { id: m, label: Acme Europe }\n");
        assert_eq!(d[0].message, "the org label names `Acme`, a blocked organisation");
        assert!(!Org::is_valid_id("-a") && !Org::is_valid_id("a-") && Org::is_valid_id("7f3a"));
    }

    #[test]
    fn the_misp_distribution_is_a_keyword() {
        assert_eq!(read("").0.misp_distribution, Distribution::ThisCommunity);
        let (c, d) = read("misp_distribution: your-organisation\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.misp_distribution.level(), 0);
        let (_, d) = read("misp_distribution: all\n");
        assert_eq!(d[0].message, "`all` is not a valid `misp_distribution`");
    }

    #[test]
    fn repository_and_anonymous_channel() {
        let (c, d) = read("repository: org/near-misses\nanonymous_channel: Tell the security lead in person.\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.repository.as_deref(), Some("https://github.com/org/near-misses"));
        assert_eq!(c.anonymous_channel.as_deref(), Some("Tell the security lead in person."));
        assert_eq!(
            normalise_repository("https://git.example.org/a/b.git/"),
            Some("https://git.example.org/a/b".into())
        );
        for bad in ["org", "a/b/c", "a/../b", "http://github.com/a/b", "a b/c"] {
            assert_eq!(normalise_repository(bad), None, "{bad}");
        }
        let (_, d) = read("repository: not a repo\n");
        assert_eq!(d[0].message, "`not a repo` is not a repository");
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
