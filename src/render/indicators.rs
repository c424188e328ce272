//! The aggregate pages: the KRI dashboard, one page per KRI, the leadership summary and the
//! action-item tracker, plus each pattern's KRI panel. Everything comes from the published set.

use std::sync::Arc;

use tera::Context;

use super::paginate;
use super::view::{ActionRow, KriView, PatternView, StandingView, WriteupCard};
use super::Input;
use crate::date::Date;
use crate::kri::{ActionStatus, Indicators, Series};
use crate::model::{Action, Writeup};

/// How many patterns, near misses and overdue actions the one-page summary lists.
const SUMMARY_PATTERNS: usize = 5;
const SUMMARY_NOTABLE: usize = 4;
const SUMMARY_OVERDUE: usize = 5;
/// Notable near misses are from the year before the as-of date.
const NOTABLE_DAYS: i64 = 365;

/// The paths of the pages this module writes, for the sitemap.
pub(super) fn paths(indicators: &Indicators) -> Vec<String> {
    let mut out = vec!["kri/index.html".to_string(), "summary.html".into(), "actions/index.html".into()];
    for s in &indicators.site {
        let first = format!("kri/{}.html", s.def.slug);
        // Every published writeup behind the figure has a card, so the ids count the pages.
        out.extend(paginate::later_pages(&first, s.headline().measure.writeups.len()).map(|(_, path)| path));
        out.push(first);
    }
    if !indicators.community.is_empty() {
        out.push(COMMUNITY.into());
    }
    out
}

/// The page of the federation's KRIs per member, when the site imports any.
const COMMUNITY: &str = "community.html";

/// The site KRIs recomputed for one pattern, for its page's panel.
pub(super) fn pattern_panel(indicators: &Indicators, slug: &str, min_records: usize) -> Vec<KriView> {
    let series = indicators.by_pattern.get(slug).map_or(&[][..], Vec::as_slice);
    series.iter().map(|s| KriView::new(s, &format!("kri-{}", s.def.slug), false, &[], min_records)).collect()
}

/// A page of this module, ready to render: template, kind, title, description and context.
pub(super) type Prepared = (&'static str, &'static str, String, String, Context);

/// The dashboard, a KRI page, the summary or the tracker at `path`, if it is one of them.
/// `behind` holds, for each site KRI, the cards behind its current value
/// ([`super::view::behind_cards`]).
pub(super) fn page(
    input: &Input<'_>,
    writeups: &[Arc<WriteupCard>],
    behind: &[Vec<usize>],
    patterns: &[PatternView],
    path: &str,
) -> Option<Prepared> {
    let kris = || -> Vec<KriView> {
        let min = input.config.kri_min_records;
        input.indicators.site.iter().map(|s| KriView::new(s, &format!("kri-{}", s.def.slug), false, &[], min)).collect()
    };
    let community = || -> Vec<StandingView> { input.indicators.community.iter().map(StandingView::new).collect() };
    let mut ctx = Context::new();
    ctx.insert("as_of", &input.as_of);
    match path {
        COMMUNITY => {
            ctx.insert("community", &community());
            let description = "Each Key Risk Indicator for every member of the federation, with the community's median and quartiles.";
            Some(("community.html", "community", "KRIs across the community".into(), description.into(), ctx))
        }
        "kri/index.html" => {
            ctx.insert("kris", &kris());
            ctx.insert("community", &community());
            let description =
                "Key Risk Indicators computed from the published near misses, with their status and trend.";
            Some(("kris.html", "kris", "Key Risk Indicators".into(), description.into(), ctx))
        }
        "summary.html" => {
            let since = Date::from_days_since_epoch(input.as_of.days_since_epoch() - NOTABLE_DAYS);
            let notable: Vec<&Arc<WriteupCard>> = writeups
                .iter()
                .filter(|w| w.occurred > since && w.occurred <= input.as_of)
                .filter(|w| matches!(w.severity, "high" | "critical") || w.stopped_by == "luck")
                .take(SUMMARY_NOTABLE)
                .collect();
            let (overdue, overdue_total) = overdue_rows(input, SUMMARY_OVERDUE);
            ctx.insert("kris", &kris());
            ctx.insert("patterns", &patterns.iter().filter(|p| p.count > 0).take(SUMMARY_PATTERNS).collect::<Vec<_>>());
            ctx.insert("notable", &notable);
            ctx.insert("notable_since", &since);
            ctx.insert("overdue", &overdue);
            ctx.insert("overdue_total", &overdue_total);
            let description =
                "One printable page for leadership: headline KRIs, top patterns, notable near misses, overdue actions.";
            Some(("summary.html", "summary", "Leadership summary".into(), description.into(), ctx))
        }
        _ => {
            if let Some((first, number)) = paginate::parse_later(path) {
                return behind_page(input, writeups, behind, &first, number);
            }
            let slug = path.strip_prefix("kri/")?.strip_suffix(".html")?;
            let (series, cards) = kri_of(input, writeups, behind, slug)?;
            let kri = KriView::new(series, "kri", true, &cards, input.config.kri_min_records);
            ctx.insert("kri", &kri);
            ctx.insert("pager", &paginate::pager(&kri.url, kri.writeups_total, 1));
            Some(("kri.html", "kri", kri.name.clone(), kri.description.clone(), ctx))
        }
    }
}

/// The first `n` overdue action items, oldest due date first (the tracker, `actions/`, lists
/// them all), and how many there are: rows are made for the `n` shown only.
fn overdue_rows(input: &Input<'_>, n: usize) -> (Vec<ActionRow>, usize) {
    let mut overdue: Vec<(&Writeup, &Action)> = input
        .publication
        .published
        .iter()
        .flat_map(|w| w.actions.iter().map(move |a| (&**w, a)))
        .filter(|(_, a)| ActionStatus::on(a, input.as_of) == ActionStatus::Overdue)
        .collect();
    overdue.sort_by(|(w, a), (v, b)| (a.due, &w.id, &a.what).cmp(&(b.due, &v.id, &b.what)));
    let rows = overdue.iter().take(n).map(|(w, a)| ActionRow::new(w, a, input.as_of, &input.config.roles)).collect();
    (rows, overdue.len())
}

/// The site KRI `slug` and the cards behind its current value.
fn kri_of<'a>(
    input: &Input<'a>,
    writeups: &'a [Arc<WriteupCard>],
    behind: &[Vec<usize>],
    slug: &str,
) -> Option<(&'a Series, Vec<&'a Arc<WriteupCard>>)> {
    let k = input.indicators.site.iter().position(|s| s.def.slug == slug)?;
    let cards = behind.get(k)?.iter().filter_map(|&c| writeups.get(c)).collect();
    Some((&input.indicators.site[k], cards))
}

/// Page `number` of the near misses behind a KRI's current figure; its first page is the KRI's.
fn behind_page(
    input: &Input<'_>,
    writeups: &[Arc<WriteupCard>],
    behind: &[Vec<usize>],
    first: &str,
    number: usize,
) -> Option<Prepared> {
    let slug = first.strip_prefix("kri/")?.strip_suffix(".html")?;
    let (series, cards) = kri_of(input, writeups, behind, slug)?;
    let listing = paginate::Listing {
        name: series.def.name.clone(),
        what: format!("behind the {} figure", series.headline().period),
        section: "Key Risk Indicators",
        section_url: "kri/index.html",
    };
    let (title, ctx) = paginate::later_page(listing, first, &cards, number)?;
    Some(("listing.html", "kri", title, series.def.description.clone(), ctx))
}
