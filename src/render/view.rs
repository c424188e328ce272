//! What templates see: plain serialisable views of the published knowledge base.

use serde::Serialize;

use crate::config::Config;
use crate::date::Date;
use crate::model::{ActionState, Keyword, Pattern, StoppedBy, Writeup};
use crate::render::markdown::TocEntry;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    /// Whether `base_url` is absolute: canonical links, the feed and the sitemap need it.
    pub absolute: bool,
    pub max_tlp: String,
    pub max_tlp_label: String,
}

impl SiteView {
    pub fn new(config: &Config) -> SiteView {
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            absolute: config.has_absolute_base_url(),
            max_tlp: config.max_tlp.as_str().to_string(),
            max_tlp_label: config.max_tlp_label(),
        }
    }
}

/// The page being rendered.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub path: String,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Stats {
    pub writeups: usize,
    pub patterns: usize,
    pub tags: usize,
}

/// A link to a pattern from a writeup.
#[derive(Debug, Clone, Serialize)]
pub struct PatternRef {
    pub slug: String,
    pub title: String,
    pub url: String,
}

/// A tag with the page that lists its writeups.
#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    pub name: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub what: String,
    pub owner_role: String,
    pub due: Date,
    pub status: &'static str,
    pub closed: Option<Date>,
    pub overdue: bool,
}

/// A writeup as lists show it; `html` and `toc` are filled only for its own page.
#[derive(Debug, Clone, Serialize)]
pub struct WriteupView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub tlp: &'static str,
    pub tlp_label: String,
    pub occurred: Date,
    pub detected: Option<Date>,
    pub reported: Date,
    pub reviewed: Option<Date>,
    pub year: i32,
    pub severity: &'static str,
    pub stopped_by: &'static str,
    pub stopped_by_label: &'static str,
    pub summary: String,
    pub patterns: Vec<PatternRef>,
    pub tags: Vec<TagView>,
    pub team: Option<String>,
    pub detection: Option<String>,
    pub impact_area: Vec<String>,
    pub roles: Vec<String>,
    pub systems: Vec<String>,
    pub actions: Vec<ActionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub toc: Vec<TocEntry>,
}

impl WriteupView {
    pub fn new(
        w: &Writeup,
        summary: String,
        patterns: Vec<PatternRef>,
        tags: Vec<TagView>,
        as_of: Date,
    ) -> WriteupView {
        WriteupView {
            id: w.id.clone(),
            title: w.title.clone(),
            url: w.url(),
            tlp: w.tlp.as_str(),
            tlp_label: w.tlp.label(),
            occurred: w.occurred,
            detected: w.detected,
            reported: w.reported,
            reviewed: w.reviewed,
            year: w.occurred.year(),
            severity: w.severity.as_str(),
            stopped_by: w.stopped_by.as_str(),
            stopped_by_label: w.stopped_by.label(),
            summary,
            patterns,
            tags,
            team: w.team.clone(),
            detection: w.detection.clone(),
            impact_area: w.impact_area.clone(),
            roles: w.roles.clone(),
            systems: w.systems.clone(),
            actions: w
                .actions
                .iter()
                .map(|a| ActionView {
                    what: a.what.clone(),
                    owner_role: a.owner_role.clone(),
                    due: a.due,
                    status: match a.state {
                        ActionState::Open => "open",
                        ActionState::Done { .. } => "done",
                    },
                    closed: match a.state {
                        ActionState::Open => None,
                        ActionState::Done { closed } => Some(closed),
                    },
                    overdue: a.is_overdue(as_of),
                })
                .collect(),
            html: None,
            toc: Vec::new(),
        }
    }
}

/// How many writeups fall under one value (a stopped-by kind, a severity).
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub name: &'static str,
    pub label: String,
    pub count: usize,
    pub percent: usize,
}

/// The values of `K` that occur among `items`, most frequent first, with rounded percentages.
pub fn shares<K: Keyword + PartialEq>(items: &[K], label: impl Fn(K) -> String) -> Vec<Share> {
    let total = items.len();
    let mut out: Vec<Share> = K::ALL
        .iter()
        .map(|(name, k)| (name, *k, items.iter().filter(|i| **i == *k).count()))
        .filter(|(_, _, count)| *count > 0)
        .map(|(name, k, count)| Share { name, label: label(k), count, percent: (count * 100 + total / 2) / total })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out
}

pub fn stopped_by_shares(items: &[StoppedBy]) -> Vec<Share> {
    shares(items, |k| k.label().to_string())
}

/// A count-over-time chart with its data as a table.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub svg: String,
    pub caption: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatternView {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub risk: String,
    pub signals: Vec<String>,
    pub controls: Vec<String>,
    pub count: usize,
    pub latest: Option<Date>,
    pub stopped_by: Vec<Share>,
    pub severity: Vec<Share>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writeups: Option<Vec<WriteupView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
}

impl PatternView {
    pub fn new(p: &Pattern, members: &[&Writeup]) -> PatternView {
        let stopped: Vec<StoppedBy> = members.iter().map(|w| w.stopped_by).collect();
        let severities: Vec<_> = members.iter().map(|w| w.severity).collect();
        PatternView {
            slug: p.slug.clone(),
            title: p.title.clone(),
            url: p.url(),
            risk: p.risk.clone(),
            signals: p.signals.clone(),
            controls: p.controls.clone(),
            count: members.len(),
            latest: members.iter().map(|w| w.occurred).max(),
            stopped_by: stopped_by_shares(&stopped),
            severity: shares(&severities, |s| capitalise(s.as_str())),
            html: None,
            writeups: None,
            timeline: None,
        }
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One year of writeups.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub year: i32,
    pub writeups: Vec<WriteupView>,
}

/// An entry of `sitemap.xml`.
#[derive(Debug, Clone, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<Date>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    #[test]
    fn shares_round_and_sort_by_count() {
        let s = shares(&[Severity::Low, Severity::High, Severity::High], |s| capitalise(s.as_str()));
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].name, s[0].label.as_str(), s[0].count, s[0].percent), ("high", "High", 2, 67));
        assert_eq!(s[1].percent, 33);
        assert!(shares::<Severity>(&[], |_| String::new()).is_empty());
    }
}
