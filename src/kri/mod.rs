//! Key Risk Indicators: the aggregate side of the knowledge base. A pipeline stage between the
//! gate and the renderer: it takes only the *published* writeups, the patterns, the declared
//! KRIs and the as-of date, and returns every KRI's series of periods. Pure functions, no I/O.
//!
//! A series runs from the period of the earliest date the KRI's selection has (an `occurred`
//! date, or an action item's `due` or `closed` date) to the period containing the as-of date.
//! The **headline** ("current") value is that of the last *complete* period, the last one that
//! ended on or before the as-of date, because a period in progress undercounts; only when the
//! series has no complete period is the period in progress the headline, marked as such.

pub mod community;
pub mod def;
pub mod metric;
pub mod period;
pub mod value;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::date::Date;
use crate::model::{Action, ActionState, Pattern, Writeup};
use def::{Filter, KriDef, Rag};
use metric::{Ids, Measure, Selected};
use period::Period;
use value::Tenths;

/// One period of a KRI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub period: Period,
    /// Whether the period ended on or before the as-of date.
    pub complete: bool,
    pub measure: Measure,
    /// The RAG status, when the KRI is rated and the period has data.
    pub status: Option<Rag>,
}

/// A KRI computed over its periods, oldest first; never empty, and its headline always one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub def: KriDef,
    points: Vec<Point>,
    /// Whether the thresholds apply: false for count-like KRIs recomputed for one pattern,
    /// whose thresholds were set for the whole knowledge base.
    pub rated: bool,
    headline: usize,
}

impl Series {
    /// Every period, oldest first.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// The headline point: the last complete period, else the period in progress.
    pub fn headline(&self) -> &Point {
        &self.points[self.headline]
    }

    /// The period before the headline, if the series has one.
    pub fn previous(&self) -> Option<&Point> {
        self.headline.checked_sub(1).map(|i| &self.points[i])
    }

    /// The headline value minus the previous one, when both have data.
    pub fn change(&self) -> Option<Tenths> {
        Some(self.headline().measure.value?.minus(self.previous()?.measure.value?))
    }

    /// The points up to and including the headline, at most `n` of them.
    pub fn recent(&self, n: usize) -> &[Point] {
        &self.points[(self.headline + 1).saturating_sub(n)..=self.headline]
    }
}

/// Every KRI of the site, and for each pattern the site's KRIs recomputed on its near misses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indicators {
    pub site: Vec<Series>,
    /// By pattern slug: the site KRIs that do not filter on patterns, restricted to that pattern.
    pub by_pattern: BTreeMap<String, Vec<Series>>,
    /// Each KRI for this site's own near misses and for each source's (empty without sources).
    pub community: Vec<community::Standing>,
}

/// Computes every KRI. `published` must hold only what the gate published: nothing else is read.
pub fn compute(published: &[Arc<Writeup>], patterns: &[Pattern], defs: &[KriDef], as_of: Date) -> Indicators {
    let (ids, all) = places(published);
    let site: Vec<(KriDef, bool)> = defs.iter().map(|d| (d.clone(), true)).collect();
    let site = series_sharing_selections(&site, &all, &ids, as_of);
    let by_pattern = patterns
        .par_iter()
        .map(|p| {
            let only = Filter { patterns: vec![(p.slug.clone(), Default::default())], ..Filter::default() };
            // The pattern's near misses, found once: each KRI filters them further.
            let members: Vec<(u32, &Writeup)> = all.iter().filter(|(_, w)| only.selects(w)).copied().collect();
            let scoped: Vec<(KriDef, bool)> = defs
                .iter()
                .filter(|d| d.filter.patterns.is_empty())
                .map(|d| {
                    let filter = Filter { patterns: only.patterns.clone(), ..d.filter.clone() };
                    (KriDef { filter, ..d.clone() }, d.metric.unit().is_scale_free())
                })
                .collect();
            (p.slug.clone(), series_sharing_selections(&scoped, &members, &ids, as_of))
        })
        .collect();
    Indicators { site, by_pattern, community: Vec::new() }
}

/// One KRI over its periods. Near misses reported after `as_of` were not known then and are left out.
pub fn series(def: &KriDef, published: &[Arc<Writeup>], as_of: Date, rated: bool) -> Series {
    let (ids, all) = places(published);
    series_of(def, &select(&def.filter, &all, &ids, as_of), as_of, rated)
}

/// The ids of `published`, which measures name by their places, and each writeup with its place.
fn places(published: &[Arc<Writeup>]) -> (Ids, Vec<(u32, &Writeup)>) {
    let ids = published.iter().map(|w| Arc::clone(&w.id)).collect();
    let all = published.iter().enumerate().map(|(i, w)| (u32::try_from(i).unwrap_or(u32::MAX), &**w)).collect();
    (ids, all)
}

/// The series of each KRI (and whether it is rated) over `candidates`: KRIs with the same
/// filter (most have none) share one selection, sorted once.
fn series_sharing_selections(
    defs: &[(KriDef, bool)],
    candidates: &[(u32, &Writeup)],
    ids: &Ids,
    as_of: Date,
) -> Vec<Series> {
    let mut filters: Vec<&Filter> = Vec::new();
    let which: Vec<usize> = defs
        .iter()
        .map(|(d, _)| {
            filters.iter().position(|f| **f == d.filter).unwrap_or_else(|| {
                filters.push(&d.filter);
                filters.len() - 1
            })
        })
        .collect();
    let selections: Vec<Selected> = filters.par_iter().map(|f| select(f, candidates, ids, as_of)).collect();
    defs.par_iter().zip(which).map(|((d, rated), i)| series_of(d, &selections[i], as_of, *rated)).collect()
}

/// The near misses among `candidates` that `filter` selects and that were reported by `as_of`.
fn select<'a>(filter: &Filter, candidates: &[(u32, &'a Writeup)], ids: &Ids, as_of: Date) -> Selected<'a> {
    let picked = candidates.iter().filter(|(_, w)| w.reported <= as_of && filter.selects(w)).copied().collect();
    // Ids come out of every period in this order, oldest near miss first.
    Selected::new(picked, ids, as_of)
}

/// [`series`] over the near misses `def`'s filter selected.
fn series_of(def: &KriDef, selected: &Selected<'_>, as_of: Date, rated: bool) -> Series {
    let last = Period::containing(def.period, as_of);
    let first = selected.earliest().map_or(last, |d| Period::containing(def.period, d));
    let points: Vec<Point> = Period::range(first, last)
        .into_iter()
        .map(|period| {
            let measure = def.metric.measure(selected, period, as_of);
            let status = measure.value.filter(|_| rated).map(|v| def.thresholds.rate(v));
            Point { period, complete: period.end() <= as_of, measure, status }
        })
        .collect();
    let headline = points.iter().rposition(|p| p.complete).unwrap_or(points.len() - 1);
    Series { def: def.clone(), points, rated, headline }
}

/// Where an action item stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    /// Open and not yet past its due date.
    Open,
    /// In progress and not yet past its due date.
    InProgress,
    /// Still to do (open or in progress) after its due date.
    Overdue,
    /// Done on or before the date.
    Done { closed: Date },
    /// Decided against on or before the date.
    WontDo { closed: Date },
}

impl ActionStatus {
    /// The status of `action` on `date`: an item closed after `date` was still to do then.
    pub fn on(action: &Action, date: Date) -> ActionStatus {
        match (metric::closed_by(action, date), &action.state) {
            (Some(closed), ActionState::WontDo { .. }) => ActionStatus::WontDo { closed },
            (Some(closed), _) => ActionStatus::Done { closed },
            (None, _) if action.due < date => ActionStatus::Overdue,
            (None, ActionState::InProgress) => ActionStatus::InProgress,
            (None, _) => ActionStatus::Open,
        }
    }

    /// `open`, `in-progress`, `overdue`, `done` or `wont-do`.
    pub fn word(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Overdue => "overdue",
            ActionStatus::Done { .. } => "done",
            ActionStatus::WontDo { .. } => "wont-do",
        }
    }

    /// The day it was closed, when it was by then.
    pub fn closed(self) -> Option<Date> {
        match self {
            ActionStatus::Done { closed } | ActionStatus::WontDo { closed } => Some(closed),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
