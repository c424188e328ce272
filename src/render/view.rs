//! What templates see: plain serialisable views of the published knowledge base.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::date::Date;
use crate::kri::def::{Direction, Rag, Thresholds};
use crate::kri::value::{Tenths, Unit};
use crate::kri::{ActionStatus, Point, Series};
use crate::model::{slugify, writeup_url, Action, ActionState, Keyword, Pattern, StoppedBy, Writeup};
use crate::render::chart;
use crate::render::markdown::{Html, TocEntry};

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
            max_tlp_label: config.max_tlp.label(),
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
    /// The page's file name: never empty, and never `index`.
    pub slug: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl TagView {
    /// The tag `name`; its page's file name is never empty, and never `index`, the tag index's own.
    pub fn new(name: &str, count: Option<usize>) -> TagView {
        let slug = match slugify(name) {
            s if s.is_empty() => "tag".to_string(),
            s if s == "index" => "index-tag".to_string(),
            s => s,
        };
        TagView { name: name.to_string(), url: format!("tags/{slug}.html"), slug, count }
    }
}

/// A role as pages name it: the catalogue's name and page, or the word as written for a role
/// the catalogue does not have (an imported writeup's).
#[derive(Debug, Clone, Serialize)]
pub struct RoleRef {
    pub slug: String,
    pub name: String,
    pub url: Option<String>,
}

impl RoleRef {
    pub fn new(slug: &str, catalogue: &[crate::roles::Role]) -> RoleRef {
        match catalogue.iter().find(|r| r.slug == slug) {
            Some(r) => RoleRef { slug: r.slug.clone(), name: r.name.clone(), url: Some(r.url()) },
            None => RoleRef { slug: slug.to_string(), name: slug.to_string(), url: None },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub what: String,
    pub owner_role: String,
    pub owner: RoleRef,
    pub due: Date,
    /// `open`, `in-progress`, `done` or `wont-do`, as written.
    pub status: &'static str,
    pub closed: Option<Date>,
    /// Why a `wont-do` item will not be done.
    pub reason: Option<String>,
    pub overdue: bool,
    /// Done after its due date.
    pub late: bool,
}

/// A writeup as lists show it: what a card, a feed entry or a link needs.
#[derive(Debug, Clone, Serialize)]
pub struct WriteupCard {
    pub id: String,
    pub title: String,
    pub url: String,
    pub tlp: &'static str,
    pub tlp_label: String,
    pub occurred: Date,
    pub reported: Date,
    pub reviewed: Option<Date>,
    pub year: i32,
    pub severity: &'static str,
    pub stopped_by: &'static str,
    pub stopped_by_label: &'static str,
    pub summary: String,
    pub patterns: Vec<Arc<PatternRef>>,
    pub tags: Vec<Arc<TagView>>,
    /// The pseudonymous label of the member it was imported from; `None` for the site's own.
    pub member: Option<String>,
}

impl WriteupCard {
    pub fn new(w: &Writeup, summary: String, patterns: Vec<Arc<PatternRef>>, tags: Vec<Arc<TagView>>) -> WriteupCard {
        WriteupCard {
            id: w.id.to_string(),
            title: w.title.clone(),
            url: w.url(),
            tlp: w.tlp.as_str(),
            tlp_label: w.tlp.label(),
            occurred: w.occurred,
            reported: w.reported,
            reviewed: w.reviewed,
            year: w.occurred.year(),
            severity: w.severity.as_str(),
            stopped_by: w.stopped_by.as_str(),
            stopped_by_label: w.stopped_by.label(),
            summary,
            patterns,
            tags,
            member: w.origin.as_ref().map(|m| m.label.clone()),
        }
    }
}

/// A writeup's own page: its card, every other fact, and the rendered body.
#[derive(Debug, Serialize)]
pub struct WriteupView<'a> {
    #[serde(flatten)]
    pub card: &'a WriteupCard,
    pub detected: Option<Date>,
    pub team: Option<&'a str>,
    pub detection: Option<&'a str>,
    pub impact_area: &'a [String],
    pub roles: &'a [String],
    /// The roles with their names and pages.
    pub role_refs: Vec<RoleRef>,
    pub retrospective: Option<Date>,
    pub systems: &'a [String],
    pub actions: Vec<ActionView>,
    /// SAFE: sanitised HTML.
    pub html: String,
    /// Empty when the body has no `##` heading (many real postmortems have none).
    pub toc: Vec<TocEntry>,
}

impl<'a> WriteupView<'a> {
    pub fn new(
        w: &'a Writeup,
        card: &'a WriteupCard,
        body: Html,
        as_of: Date,
        catalogue: &[crate::roles::Role],
    ) -> WriteupView<'a> {
        WriteupView {
            card,
            detected: w.detected,
            team: w.team.as_deref(),
            detection: w.detection.as_deref(),
            impact_area: &w.impact_area,
            roles: &w.roles,
            role_refs: w.roles.iter().map(|r| RoleRef::new(r, catalogue)).collect(),
            retrospective: w.retrospective,
            systems: &w.systems,
            actions: w
                .actions
                .iter()
                .map(|a| ActionView {
                    what: a.what.clone(),
                    owner_role: a.owner_role.clone(),
                    owner: RoleRef::new(&a.owner_role, catalogue),
                    due: a.due,
                    status: a.state.word(),
                    closed: a.state.closed(),
                    reason: a.state.reason().map(String::from),
                    overdue: a.is_overdue(as_of),
                    late: a.is_late(),
                })
                .collect(),
            html: body.html,
            toc: body.toc,
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
    /// How many organisations saw it: the members its writeups came from, this site counting as one.
    pub organisations: usize,
    /// The member it was imported from, when no pattern of this site stands for it.
    pub member: Option<String>,
    pub latest: Option<Date>,
    pub stopped_by: Vec<Share>,
    pub severity: Vec<Share>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writeups: Option<Vec<Arc<WriteupCard>>>,
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
            organisations: members.iter().map(|w| w.origin.as_ref().map(|m| &m.source)).collect::<HashSet<_>>().len(),
            member: p.origin.as_ref().map(|m| m.label.clone()),
            latest: members.iter().map(|w| w.occurred).max(),
            stopped_by: stopped_by_shares(&stopped),
            severity: shares(&severities, |s| capitalise(s.as_str())),
            html: None,
            writeups: None,
            timeline: None,
        }
    }
}

/// The word with its first letter in upper case.
pub(crate) fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One year of writeups.
#[derive(Debug, Clone, Serialize)]
pub struct YearView<'a> {
    pub year: i32,
    pub writeups: Vec<&'a WriteupCard>,
}

/// An entry of `sitemap.xml`.
#[derive(Debug, Clone, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<Date>,
}

/// A KRI as the dashboard, its own page, a pattern's panel and the summary show it.
#[derive(Debug, Clone, Serialize)]
pub struct KriView {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// `kri/<slug>.html`: for a KRI recomputed for one pattern, the page of the site-wide KRI.
    pub url: String,
    pub metric: &'static str,
    pub definition: String,
    pub unit: &'static str,
    /// `month` or `quarter`.
    pub period: &'static str,
    /// Which near misses it counts, e.g. "pattern credential-leak", or `None` for all.
    pub filter: Option<String>,
    /// Whether the thresholds apply (see `kri::Series::rated`).
    pub rated: bool,
    pub direction: &'static str,
    /// Green, amber and red with the range of values each covers.
    pub bands: Vec<BandView>,
    pub current: PointView,
    pub previous: Option<PointView>,
    pub change: Option<ChangeView>,
    /// SAFE: a small SVG of the last periods up to the current one.
    pub sparkline: String,
    /// Every period, newest first (own page only).
    pub points: Vec<PointView>,
    /// SAFE: the time-series chart with threshold bands (own page only).
    pub chart: Option<String>,
    /// The most recent near misses behind the current value, at most [`BEHIND_CARDS`] (own page only).
    pub writeups: Vec<Arc<WriteupCard>>,
    /// How many near misses are behind the current value.
    pub writeups_total: usize,
}

/// One RAG band: `status` (`green`, `amber`, `red`), its label and the values it covers.
#[derive(Debug, Clone, Serialize)]
pub struct BandView {
    pub status: &'static str,
    pub label: &'static str,
    pub range: String,
}

/// One period of a KRI.
#[derive(Debug, Clone, Serialize)]
pub struct PointView {
    /// `2025-03` or `2025-Q1`.
    pub id: String,
    /// `Mar 2025` or `2025 Q1`.
    pub label: String,
    pub complete: bool,
    /// The value with its unit, or "no data".
    pub value: String,
    pub has_data: bool,
    /// `green`, `amber` or `red`, when rated, complete and resting on enough records.
    pub status: Option<&'static str>,
    pub status_label: Option<&'static str>,
    /// Why a period with data has no status: in progress, or resting on too few records.
    pub unrated: Option<String>,
    /// The records behind the figure, e.g. "1 of 3 near misses".
    pub basis: String,
    /// The first [`PERIOD_LINKS`] near misses behind the figure, oldest first.
    pub writeups: Vec<WriteupLink>,
    /// How many more there are.
    pub more: usize,
}

/// A link to a writeup by id.
#[derive(Debug, Clone, Serialize)]
pub struct WriteupLink {
    pub id: String,
    pub url: String,
}

/// The change from the previous period.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// `+2`, `−5.0 points`, `no change`.
    pub text: String,
    /// `worse`, `better` or `unchanged`.
    pub verdict: &'static str,
    /// `▲`, `▼` or `▬` (decorative; the text says it).
    pub arrow: &'static str,
}

impl KriView {
    /// The view of `series`; `full` adds the chart, every period and the first of `cards`, the
    /// writeups behind its current value.
    /// `id` makes the SVG ids unique on the page.
    /// A status resting on fewer than `min_records` records is not given (counts excepted: a
    /// count is its records).
    pub fn new(series: &Series, id: &str, full: bool, cards: &[&Arc<WriteupCard>], min_records: usize) -> KriView {
        let def = &series.def;
        let unit = def.metric.unit();
        let noun = def.metric.records_noun();
        let min_records = if unit == Unit::Count { 0 } else { min_records };
        let point = |p: &Point| PointView::new(p, unit, noun, min_records);
        let t = def.thresholds;
        let recent = series.recent(SPARK_POINTS);
        let spark_title = format!(
            "{}, last {} {}s: {}",
            def.name,
            recent.len(),
            def.period.as_str(),
            recent.iter().map(|p| format!("{} {}", p.period, value_text(p, unit))).collect::<Vec<_>>().join(", ")
        );
        let spark_values: Vec<Option<f64>> = recent.iter().map(|p| p.measure.value.map(Tenths::as_f64)).collect();
        let change = series.change().map(|delta| {
            let (verdict, arrow) = match t.worsens(delta) {
                None => ("unchanged", "▬"),
                Some(true) => ("worse", if delta.tenths() > 0 { "▲" } else { "▼" }),
                Some(false) => ("better", if delta.tenths() > 0 { "▲" } else { "▼" }),
            };
            ChangeView { text: unit.format_change(delta), verdict, arrow }
        });
        let behind = &series.headline().measure.writeups;
        let writeups =
            if full { cards.iter().take(BEHIND_CARDS).map(|&c| Arc::clone(c)).collect() } else { Vec::new() };
        KriView {
            slug: def.slug.clone(),
            name: def.name.clone(),
            description: def.description.clone(),
            url: format!("kri/{}.html", def.slug),
            metric: def.metric.name(),
            definition: def.metric.definition(),
            unit: unit.as_str(),
            period: def.period.as_str(),
            filter: def.filter.describe(),
            rated: series.rated,
            direction: t.direction().as_str(),
            bands: bands(t, unit),
            current: point(series.headline()),
            previous: series.previous().map(point),
            change,
            sparkline: chart::sparkline(&format!("{id}-spark"), &spark_title, &spark_values),
            points: if full { series.points().iter().rev().map(point).collect() } else { Vec::new() },
            chart: full.then(|| kri_chart(series, id)),
            writeups,
            writeups_total: behind.len(),
        }
    }
}

/// The cards (their places in `writeups`) of the near misses behind `series`' current value,
/// newest first: made once for all of a KRI's pages.
pub fn behind_cards(series: &Series, writeups: &[Arc<WriteupCard>]) -> Vec<usize> {
    let ids: HashSet<&str> = series.headline().measure.writeups.iter().collect();
    (0..writeups.len()).filter(|&c| ids.contains(writeups[c].id.as_str())).collect()
}

/// How many periods a sparkline shows.
const SPARK_POINTS: usize = 8;
/// How many near misses a KRI page lists behind its current figure, most recent first (all of
/// them are in `kri.json`).
pub const BEHIND_CARDS: usize = super::paginate::PAGE_SIZE;
/// How many near misses a KRI page links from each period's row (all of them are in `kri.json`).
pub const PERIOD_LINKS: usize = 12;

impl PointView {
    fn new(p: &Point, unit: Unit, noun: &str, min_records: usize) -> PointView {
        let m = &p.measure;
        let basis = match m.numerator {
            Some(n) => format!("{n} of {}", counted(m.records, noun)),
            None => counted(m.records, noun),
        };
        let unrated = match p.status {
            Some(_) if !p.complete => Some("In progress, not rated".to_string()),
            Some(_) if m.records < min_records => {
                Some(format!("Too few to rate: {} needed", counted(min_records, noun)))
            }
            _ => None,
        };
        let status = p.status.filter(|_| unrated.is_none());
        PointView {
            id: p.period.id(),
            label: p.period.to_string(),
            complete: p.complete,
            value: value_text(p, unit),
            has_data: m.value.is_some(),
            status: status.map(Rag::as_str),
            status_label: status.map(Rag::label),
            unrated,
            basis,
            writeups: m
                .writeups
                .iter()
                .take(PERIOD_LINKS)
                .map(|id| WriteupLink { id: id.to_string(), url: writeup_url(id) })
                .collect(),
            more: m.writeups.len().saturating_sub(PERIOD_LINKS),
        }
    }
}

/// "1 near miss", "3 action items".
fn counted(n: usize, plural: &str) -> String {
    match (n, plural) {
        (1, "near misses") => "1 near miss".to_string(),
        (1, _) => format!("1 {}", plural.trim_end_matches('s')),
        (n, _) => format!("{n} {plural}"),
    }
}

fn value_text(p: &Point, unit: Unit) -> String {
    p.measure.value.map_or_else(|| "no data".to_string(), |v| unit.format(v))
}

/// The values each status covers; a value on a threshold belongs to the worse band.
fn bands(t: Thresholds, unit: Unit) -> Vec<BandView> {
    let (amber, red) = (unit.format(t.amber()), unit.format(t.red()));
    let (green, amber_range, red_range) = match t.direction() {
        Direction::HigherIsWorse => {
            (format!("below {amber}"), format!("{amber} up to {red}"), format!("{red} or more"))
        }
        Direction::HigherIsBetter => {
            (format!("above {amber}"), format!("{amber} down to {red}"), format!("{red} or less"))
        }
    };
    [(Rag::Green, green), (Rag::Amber, amber_range), (Rag::Red, red_range)]
        .into_iter()
        .map(|(rag, range)| BandView { status: rag.as_str(), label: rag.label(), range })
        .collect()
}

/// The KRI's line chart, every period with data marked, thresholds as bands.
fn kri_chart(series: &Series, id: &str) -> String {
    let def = &series.def;
    let unit = def.metric.unit();
    let points: Vec<chart::Point> = series
        .points()
        .iter()
        .map(|p| chart::Point {
            tick: p.period.short(),
            group: p.period.year().to_string(),
            name: p.period.to_string(),
            value: p.measure.value.map(Tenths::as_f64),
            text: value_text(p, unit),
            in_progress: !p.complete,
        })
        .collect();
    let t = def.thresholds;
    let bands = chart::Bands {
        amber: t.amber().as_f64(),
        red: t.red().as_f64(),
        higher_is_worse: t.direction() == Direction::HigherIsWorse,
    };
    let title = format!("{} per {}, with the green, amber and red bands", def.name, def.period.as_str());
    chart::line_chart(&format!("{id}-chart"), &title, unit.axis(), &capitalise(def.period.as_str()), &points, bands)
}

/// An action item in the tracker, with the writeup it came from and what the filters match.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub what: String,
    pub owner_role: String,
    pub owner: RoleRef,
    pub due: Date,
    pub closed: Option<Date>,
    /// `open`, `in-progress`, `overdue`, `done` or `wont-do`, on the as-of date.
    pub status: &'static str,
    /// For an overdue item, whether it is `open` or `in-progress`; otherwise its status.
    pub state: &'static str,
    /// Why a `wont-do` item will not be done.
    pub reason: Option<String>,
    /// Done after its due date.
    pub late: bool,
    /// Days past due on the as-of date, for overdue items; days late, for late completions.
    pub days_overdue: Option<i64>,
    pub days_late: Option<i64>,
    pub writeup_id: String,
    pub writeup_title: String,
    pub writeup_url: String,
    /// The writeup's severity and pattern slugs, which the filters match.
    pub severity: &'static str,
    pub patterns: Vec<String>,
}

impl ActionRow {
    pub fn new(w: &Writeup, a: &Action, as_of: Date, catalogue: &[crate::roles::Role]) -> ActionRow {
        let status = ActionStatus::on(a, as_of);
        let closed = status.closed();
        let late = matches!(status, ActionStatus::Done { closed } if closed > a.due);
        ActionRow {
            what: a.what.clone(),
            owner_role: a.owner_role.clone(),
            owner: RoleRef::new(&a.owner_role, catalogue),
            due: a.due,
            closed,
            status: status.word(),
            state: match (status, &a.state) {
                (ActionStatus::Overdue, ActionState::InProgress) => "in-progress",
                (ActionStatus::Overdue, _) => "open",
                (status, _) => status.word(),
            },
            reason: closed.and(a.state.reason()).map(String::from),
            late,
            days_overdue: (status == ActionStatus::Overdue).then(|| a.due.days_until(as_of)),
            days_late: closed.filter(|_| late).map(|c| a.due.days_until(c)),
            writeup_id: w.id.to_string(),
            writeup_title: w.title.clone(),
            writeup_url: w.url(),
            severity: w.severity.as_str(),
            patterns: w.patterns.iter().map(|(p, _)| p.clone()).collect(),
        }
    }
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

/// One export on `data.html`: where it is, what it is, who reads it and how.
#[derive(Debug, Clone, Serialize)]
pub struct ExportView {
    pub name: &'static str,
    /// The files, from the site root.
    pub paths: Vec<String>,
    pub audience: &'static str,
    /// How to pull it, with the site's URL filled in when it is absolute.
    pub how: String,
}

/// Every export of the site, with `published` records in the MISP, STIX and VERIS ones.
pub fn exports(config: &Config, published: usize) -> Vec<ExportView> {
    let base = if config.has_absolute_base_url() { config.base_url.as_str() } else { "<site URL>/" };
    let org = &config.org;
    let records = format!("{published} near miss{}", if published == 1 { "" } else { "es" });
    let mut out = vec![
        ExportView {
            name: "MISP feed",
            paths: vec!["misp/manifest.json".into(), "misp/hashes.csv".into(), "misp/<uuid>.json".into()],
            audience: "MISP instances of security teams and sharing communities",
            how: format!(
                "{records} as MISP events by {} ({}). In MISP: Sync Actions → Feeds → Add Feed, source format \
                 “MISP Feed”, URL {base}misp/, then fetch. Each event is tagged with its TLP and \
                 veris:security_incident=\"Near miss\"; the distribution is “{}”.",
                org.label,
                org.id,
                config.misp_distribution.as_str()
            ),
        },
        ExportView {
            name: "STIX 2.1 bundle",
            paths: vec!["stix/bundle.json".into()],
            audience: "threat-intelligence platforms that read STIX (OpenCTI, TAXII-fed tools)",
            how: format!(
                "{records} as incidents (Incident Core Extension) with their tasks, grouped by pattern, each \
                 marked with its TLP 2.0 marking definition. Import {base}stix/bundle.json as a STIX 2.1 file."
            ),
        },
        ExportView {
            name: "VERIS 1.4.1",
            paths: vec!["veris.json".into()],
            audience: "analysts who use VERIS and the VERIS Community Database (VCDB), e.g. for DBIR-style statistics",
            how: format!(
                "{records} as VERIS records with security_incident \"Near miss\", one array in {base}veris.json \
                 (jq -c '.[]' gives one record a line, for tools that read VCDB's one file per incident)."
            ),
        },
        ExportView {
            name: "Writeups and KRIs as JSON and CSV",
            paths: vec!["writeups.json".into(), "kri.json".into(), "kri.csv".into(), "schemas/".into()],
            audience: "other knowledge bases, spreadsheets and scripts",
            how: "The published writeups and every Key Risk Indicator per period, each file described by a JSON \
                  Schema under schemas/."
                .into(),
        },
        ExportView {
            name: "nearmiss feed",
            paths: vec!["feed/manifest.json".into(), "feed/writeups.json".into(), "feed/patterns.json".into()],
            audience: "other nearmiss knowledge bases: a group's or a sharing community's hub",
            how: format!(
                "The published writeups with their bodies, and the patterns, by {} ({}), with the SHA-256 of every                  file (and a minisign signature when the site signs). A hub lists {base}feed/ under `sources:`                  in its site.yaml.",
                org.label, org.id
            ),
        },
    ];
    if config.has_absolute_base_url() {
        out.push(ExportView {
            name: "Atom feed",
            paths: vec!["atom.xml".into()],
            audience: "feed readers",
            how: format!("The {} newest writeups; subscribe to {base}atom.xml.", super::FEED_ENTRIES),
        });
    }
    out
}

/// One KRI across a federation, for the community page and the dashboard: each member's
/// headline value, this site's own, and the sources' quartiles, all as text.
#[derive(Debug, Clone, Serialize)]
pub struct StandingView {
    pub slug: String,
    pub name: String,
    pub period: String,
    /// This site's own value, when it has near misses of its own.
    pub own: Option<String>,
    pub members: Vec<MemberValue>,
    pub q1: Option<String>,
    pub median: Option<String>,
    pub q3: Option<String>,
    /// "Yours 12.0%, community median 21.0% (quartiles 15.0%–30.0%)", when the site has its own.
    pub sentence: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberValue {
    pub label: String,
    pub value: String,
}

impl StandingView {
    pub fn new(s: &crate::kri::community::Standing) -> StandingView {
        let unit = s.def.metric.unit();
        // Counts and scores of one member are whole; the sources' quartiles may fall between.
        let stat = |v: Tenths| match unit {
            Unit::Count | Unit::Score => v.to_string(),
            _ => unit.format(v),
        };
        let value = |v: Option<Tenths>| v.map_or_else(|| "no data".to_string(), |v| unit.format(v));
        let [q1, median, q3] = s.quartiles.map_or([None, None, None], |q| q.map(|v| Some(stat(v))));
        let own = s.own.map(value);
        let sentence = match (&own, &median, &q1, &q3) {
            (Some(own), Some(median), Some(q1), Some(q3)) => {
                Some(format!("Yours {own}, community median {median} (quartiles {q1}–{q3})"))
            }
            _ => None,
        };
        StandingView {
            slug: s.def.slug.clone(),
            name: s.def.name.clone(),
            period: s.period.clone(),
            own,
            members: s.members.iter().map(|(m, v)| MemberValue { label: m.label.clone(), value: value(*v) }).collect(),
            q1,
            median,
            q3,
            sentence,
        }
    }
}
