//! The metrics a KRI can track, each defined precisely (here and on its page) and computed
//! for one period from the published near misses a KRI selects.

use std::sync::Arc;

use crate::date::Date;
use crate::model::{Action, ActionState, Keyword, Severity, StoppedBy, Writeup};

use super::period::Period;
use super::value::{Tenths, Unit};

/// What a KRI measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Near misses that occurred in the period.
    Reported,
    /// Median days from `occurred` to `reported`.
    ReportingLagMedian,
    /// 90th-percentile (nearest rank) days from `occurred` to `reported`.
    ReportingLagP90,
    /// Share stopped only by luck.
    LuckShare,
    /// Share stopped by monitoring or automation: detection maturity.
    ControlShare,
    /// Share whose pattern an earlier near miss had within `window_days` days before.
    RepeatRate { window_days: u32 },
    /// Share of action items closed by their due date, among those due in the period.
    ActionClosureRate,
    /// Action items open past their due date at the end of the period.
    OverdueActions,
    /// Mean days from the near miss's report to an action item's closing.
    MeanDaysToClose,
    /// Sum of severity weights.
    Exposure,
    /// Share whose retrospective was held within two days of detection.
    RetrospectiveWithin48h,
    /// Median days from `occurred` to `detected`.
    TimeToDetect,
    /// Days the oldest overdue action item is past its due date at the end of the period.
    OldestOverdueAction,
    /// Share of high or critical severity.
    HighSeverityShare,
}

/// How many days after detection a retrospective still counts as held within 48 hours: dates
/// are days, so detected on the 1st and held on the 3rd is within 48 hours, on the 4th is not.
pub const RETROSPECTIVE_DAYS: i64 = 2;

/// The look-back of `repeat_rate` when a KRI does not set `window_days`.
pub const DEFAULT_REPEAT_WINDOW: u32 = 90;

impl Keyword for Metric {
    const ALL: &'static [(&'static str, Self)] = &[
        ("reported", Metric::Reported),
        ("reporting_lag_median", Metric::ReportingLagMedian),
        ("reporting_lag_p90", Metric::ReportingLagP90),
        ("luck_share", Metric::LuckShare),
        ("control_share", Metric::ControlShare),
        ("repeat_rate", Metric::RepeatRate { window_days: DEFAULT_REPEAT_WINDOW }),
        ("action_closure_rate", Metric::ActionClosureRate),
        ("overdue_actions", Metric::OverdueActions),
        ("mean_days_to_close", Metric::MeanDaysToClose),
        ("exposure", Metric::Exposure),
        ("retrospective_within_48h", Metric::RetrospectiveWithin48h),
        ("time_to_detect", Metric::TimeToDetect),
        ("oldest_overdue_action", Metric::OldestOverdueAction),
        ("high_severity_share", Metric::HighSeverityShare),
    ];
}

/// How much each severity weighs in [`Metric::Exposure`]: each level doubles the one below.
pub fn severity_weight(severity: Severity) -> i64 {
    match severity {
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 4,
        Severity::Critical => 8,
    }
}

/// One period's figure and the records behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// `None` is "no data": nothing to divide by, or nothing to take a median of.
    pub value: Option<Tenths>,
    /// For shares, the records counted above the line.
    pub numerator: Option<usize>,
    /// How many records (near misses or action items) the figure is computed from.
    pub records: usize,
    /// The near misses behind the figure, oldest first.
    pub writeups: Behind,
}

/// The ids of one computation's near misses, which its measures name by place.
pub type Ids = Arc<[Arc<str>]>;

/// The ids of the near misses behind a figure: places in one list of ids that every measure of a
/// computation shares, four bytes each, where the many periods' lists would each hold the ids.
#[derive(Clone, Default)]
pub struct Behind {
    ids: Ids,
    places: Vec<u32>,
}

impl Behind {
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The ids, oldest first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.places.iter().map(|&at| self.ids.get(at as usize).map_or("", |id| &**id))
    }
}

impl PartialEq for Behind {
    fn eq(&self, other: &Behind) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Behind {}

impl std::fmt::Debug for Behind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl serde::Serialize for Behind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The near misses a KRI selected, sorted by `occurred`, then id, each with its place among the
/// ids its measures name; and their action items, flat, for the metrics that scan them every
/// period.
pub struct Selected<'a> {
    writeups: Vec<&'a Writeup>,
    places: Vec<u32>,
    ids: Ids,
    items: Vec<Item>,
    /// The earliest date among the near misses' `occurred` and their items' due and closing
    /// dates, up to the as-of date: where a series over them starts.
    earliest: Option<Date>,
}

/// An action item as the action metrics read it, in one array rather than behind each writeup.
#[derive(Debug, Clone, Copy)]
struct Item {
    /// Its near miss's index in [`Selected::writeups`].
    at: usize,
    reported: Date,
    due: Date,
    /// When it was done or decided against, if it was.
    closed: Option<Date>,
    wont_do: bool,
}

impl Item {
    /// The day it was closed, if that is on or before `date`.
    fn closed_by(&self, date: Date) -> Option<Date> {
        self.closed.filter(|closed| *closed <= date)
    }
}

impl<'a> Selected<'a> {
    /// `picked` (writeups with their places in `ids`), sorted, as known on `as_of`.
    pub fn new(mut picked: Vec<(u32, &'a Writeup)>, ids: &Ids, as_of: Date) -> Selected<'a> {
        picked.sort_by(|(_, a), (_, b)| (a.occurred, &a.id).cmp(&(b.occurred, &b.id)));
        let (places, writeups): (Vec<u32>, Vec<&Writeup>) = picked.into_iter().unzip();
        let items = writeups
            .iter()
            .enumerate()
            .flat_map(|(at, w)| {
                w.actions.iter().map(move |a| Item {
                    at,
                    reported: w.reported,
                    due: a.due,
                    closed: a.state.closed(),
                    wont_do: is_wont_do(a),
                })
            })
            .collect::<Vec<Item>>();
        let earliest = writeups
            .iter()
            .map(|w| w.occurred)
            .chain(items.iter().flat_map(|a| std::iter::once(a.due).chain(a.closed)))
            .filter(|d| *d <= as_of)
            .min();
        Selected { writeups, places, ids: Arc::clone(ids), items, earliest }
    }

    pub fn earliest(&self) -> Option<Date> {
        self.earliest
    }

    pub fn writeups(&self) -> &[&'a Writeup] {
        &self.writeups
    }

    /// The writeups at `at` (indices into [`Selected::writeups`], in order), each once.
    fn behind(&self, at: impl Iterator<Item = usize>) -> Behind {
        let mut places: Vec<u32> = Vec::new();
        for place in at.filter_map(|i| self.places.get(i).copied()) {
            if places.last() != Some(&place) {
                places.push(place);
            }
        }
        Behind { ids: Arc::clone(&self.ids), places }
    }
}

impl Metric {
    /// The metric's name as `site.yaml` writes it.
    pub fn name(self) -> &'static str {
        Metric::ALL.iter().find(|(_, m)| m.same_kind(self)).map_or("", |(w, _)| w)
    }

    fn same_kind(self, other: Metric) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Reported | Metric::OverdueActions => Unit::Count,
            Metric::ReportingLagMedian
            | Metric::ReportingLagP90
            | Metric::MeanDaysToClose
            | Metric::TimeToDetect
            | Metric::OldestOverdueAction => Unit::Days,
            Metric::LuckShare
            | Metric::ControlShare
            | Metric::RepeatRate { .. }
            | Metric::ActionClosureRate
            | Metric::RetrospectiveWithin48h
            | Metric::HighSeverityShare => Unit::Percent,
            Metric::Exposure => Unit::Score,
        }
    }

    /// What the records behind a figure are.
    pub fn records_noun(self) -> &'static str {
        match self {
            Metric::ActionClosureRate
            | Metric::OverdueActions
            | Metric::MeanDaysToClose
            | Metric::OldestOverdueAction => "action items",
            _ => "near misses",
        }
    }

    /// The exact definition, as the KRI's page shows it.
    pub fn definition(self) -> String {
        const EVENT: &str = "A near miss belongs to the period its occurred date falls in; only near misses \
                             reported on or before the as-of date count.";
        const SHARE: &str = "as a percentage to one decimal (half up); no data when none occurred in the period.";
        const STATUSES: &str = "Items open or in-progress are still to do; done and wont-do items are closed on \
                                their closed date.";
        match self {
            Metric::Reported => format!(
                "The number of near misses that occurred in the period. {EVENT} A period without any counts 0: \
                 zero reports is a finding, not a gap."
            ),
            Metric::ReportingLagMedian => format!(
                "The median of reported − occurred in days over the near misses that occurred in the period; \
                 for an even count, the mean of the two middle values. {EVENT} No data when none occurred."
            ),
            Metric::ReportingLagP90 => format!(
                "The 90th percentile of reported − occurred in days over the near misses that occurred in the \
                 period, by nearest rank: the ⌈0.9 × n⌉-th smallest. {EVENT} No data when none occurred."
            ),
            Metric::LuckShare => {
                format!("Near misses with stopped_by: luck, divided by all near misses of the period, {SHARE} {EVENT}")
            }
            Metric::ControlShare => format!(
                "Near misses with stopped_by: monitoring or automation, divided by all near misses of the \
                 period, {SHARE} {EVENT}"
            ),
            Metric::RepeatRate { window_days } => format!(
                "Near misses sharing a pattern with an earlier near miss of this KRI's selection that occurred at \
                 most {window_days} days before (on the same day, the one with the smaller id is earlier), divided \
                 by all near misses of the period, {SHARE} {EVENT}"
            ),
            Metric::ActionClosureRate => format!(
                "Of the action items due in the period whose outcome is known on the as-of date (done by then, \
                 or still to do after their due date), the share done on or before their due date, as a \
                 percentage to one decimal (half up). An item due on the as-of date and still to do is not yet \
                 late and is left out. {STATUSES} wont-do items are left out: a decision not to do it is neither \
                 on time nor late. No data when no item qualifies."
            ),
            Metric::OverdueActions => format!(
                "The number of action items still to do at the end of the period (not closed on or before it) \
                 whose due date is before it. {STATUSES} The end of the period in progress is the as-of date. \
                 Only items of near misses reported by then count. A period without any counts 0."
            ),
            Metric::MeanDaysToClose => format!(
                "The mean of closed − reported in days (the near miss's report date; an item closed before the \
                 report counts 0) over the done action items closed in the period, on or before the as-of date, \
                 to one decimal (half up). {STATUSES} wont-do items are left out. No data when none was done."
            ),
            Metric::OldestOverdueAction => format!(
                "The age in days of the oldest overdue action item at the end of the period: end − due over the \
                 items still to do then whose due date is before it, the largest. {STATUSES} The end of the period \
                 in progress is the as-of date; only items of near misses reported by then count. 0 when none is \
                 overdue."
            ),
            Metric::RetrospectiveWithin48h => format!(
                "Near misses whose retrospective date is at most {RETROSPECTIVE_DAYS} days after their detected \
                 date (their occurred date when detected is not given), divided by all near misses of the \
                 period; a near miss without a retrospective date counts as not held. {SHARE} {EVENT}"
            ),
            Metric::TimeToDetect => format!(
                "The median of detected − occurred in days over the near misses that occurred in the period and \
                 have a detected date; for an even count, the mean of the two middle values. {EVENT} No data when \
                 none has a detected date."
            ),
            Metric::HighSeverityShare => {
                format!("Near misses with severity high or critical, divided by all near misses of the period, {SHARE} {EVENT}")
            }
            Metric::Exposure => format!(
                "The sum of severity weights of the near misses that occurred in the period: low 1, medium 2, \
                 high 4, critical 8. {EVENT} A period without any scores 0."
            ),
        }
    }

    /// The figure for `period` over `selected` (published near misses reported by `as_of`, sorted by
    /// `occurred`, then id).
    pub fn measure(self, chosen: &Selected<'_>, period: Period, as_of: Date) -> Measure {
        let selected = chosen.writeups();
        debug_assert!(selected.is_sorted_by_key(|w| w.occurred), "selected must be sorted by occurred");
        let from = selected.partition_point(|w| w.occurred < period.start());
        let to = selected.partition_point(|w| w.occurred <= period.end());
        let occurred = &selected[from..to];
        let lags = || occurred.iter().map(|w| w.occurred.days_until(w.reported)).collect::<Vec<_>>();
        let share = |hit: &dyn Fn(&Writeup) -> bool| {
            let n = occurred.iter().filter(|w| hit(w)).count();
            (Tenths::percent(n, occurred.len()), Some(n))
        };
        let (value, numerator) = match self {
            Metric::Reported => (Some(Tenths::whole(occurred.len() as i64)), None),
            Metric::ReportingLagMedian => (Tenths::median(&lags()), None),
            Metric::ReportingLagP90 => (Tenths::p90(&lags()), None),
            Metric::LuckShare => share(&|w| w.stopped_by == StoppedBy::Luck),
            Metric::ControlShare => share(&|w| matches!(w.stopped_by, StoppedBy::Monitoring | StoppedBy::Automation)),
            Metric::RepeatRate { window_days } => share(&|w| is_repeat(w, selected, window_days)),
            Metric::Exposure => (Some(Tenths::whole(occurred.iter().map(|w| severity_weight(w.severity)).sum())), None),
            Metric::RetrospectiveWithin48h => share(&retrospective_within_48h),
            Metric::TimeToDetect => {
                let days: Vec<i64> = occurred.iter().filter_map(|w| Some(w.occurred.days_until(w.detected?))).collect();
                let with = chosen.behind((from..to).filter(|&i| selected[i].detected.is_some()));
                return Measure { value: Tenths::median(&days), numerator: None, records: days.len(), writeups: with };
            }
            Metric::HighSeverityShare => share(&|w| matches!(w.severity, Severity::High | Severity::Critical)),
            Metric::ActionClosureRate
            | Metric::OverdueActions
            | Metric::MeanDaysToClose
            | Metric::OldestOverdueAction => return self.measure_actions(chosen, period, as_of),
        };
        Measure { value, numerator, records: occurred.len(), writeups: chosen.behind(from..to) }
    }

    fn measure_actions(self, chosen: &Selected<'_>, period: Period, as_of: Date) -> Measure {
        let end = period.end().min(as_of);
        let items = chosen.items.iter();
        let counted: Vec<&Item> = match self {
            Metric::ActionClosureRate => items
                .filter(|a| !a.wont_do && period.contains(a.due) && (a.closed_by(as_of).is_some() || a.due < as_of))
                .collect(),
            Metric::OverdueActions | Metric::OldestOverdueAction => {
                items.filter(|a| a.reported <= end && a.closed_by(end).is_none() && a.due < end).collect()
            }
            // Mean days to close: the items done in the period.
            _ => items.filter(|a| !a.wont_do && a.closed_by(as_of).is_some_and(|c| period.contains(c))).collect(),
        };
        let (value, numerator) = match self {
            Metric::ActionClosureRate => {
                let on_time = counted.iter().filter(|a| a.closed_by(a.due).is_some()).count();
                (Tenths::percent(on_time, counted.len()), Some(on_time))
            }
            Metric::OverdueActions => (Some(Tenths::whole(counted.len() as i64)), None),
            Metric::OldestOverdueAction => {
                (Some(Tenths::whole(counted.iter().map(|a| a.due.days_until(end)).max().unwrap_or(0))), None)
            }
            _ => {
                let days: Vec<i64> = counted
                    .iter()
                    .filter_map(|a| a.closed_by(as_of).map(|c| a.reported.days_until(c).max(0)))
                    .collect();
                (Tenths::mean(&days), None)
            }
        };
        let owners = chosen.behind(counted.iter().map(|a| a.at));
        Measure { value, numerator, records: counted.len(), writeups: owners }
    }
}

/// The day `action` was closed (done, or decided against), if that is on or before `date`.
pub fn closed_by(action: &Action, date: Date) -> Option<Date> {
    action.state.closed().filter(|closed| *closed <= date)
}

fn is_wont_do(action: &Action) -> bool {
    matches!(action.state, ActionState::WontDo { .. })
}

/// Whether the retrospective of `w` was held within [`RETROSPECTIVE_DAYS`] of its detection
/// (of its occurrence when the detection date is not given); without a date it was not held.
pub fn retrospective_within_48h(w: &Writeup) -> bool {
    w.retrospective.is_some_and(|r| w.detected.unwrap_or(w.occurred).days_until(r) <= RETROSPECTIVE_DAYS)
}

/// Whether an earlier near miss among `selected` (sorted by `occurred`) shares a pattern with `w`
/// within `window_days`.
fn is_repeat(w: &Writeup, selected: &[&Writeup], window_days: u32) -> bool {
    debug_assert!(selected.is_sorted_by_key(|v| v.occurred), "selected must be sorted by occurred");
    let from = Date::from_days_since_epoch(w.occurred.days_since_epoch() - i64::from(window_days));
    let start = selected.partition_point(|v| v.occurred < from);
    let end = selected.partition_point(|v| v.occurred <= w.occurred);
    selected[start..end].iter().any(|v| {
        let earlier = v.occurred < w.occurred || v.id.to_lowercase() < w.id.to_lowercase();
        earlier && v.patterns.iter().any(|(p, _)| w.patterns.iter().any(|(q, _)| p == q))
    })
}
