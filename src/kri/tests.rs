//! Every metric on one small, hand-worked knowledge base.
//!
//! As of 2025-07-15 (July and Q3 in progress), with patterns `a` and `b`:
//!
//! ```text
//! id   occurred    reported    lag  patterns  severity  stopped by  actions (due → state)
//! A-1  2025-01-01  2025-01-03   2   a         low       luck        X1 02-01 → done 01-20
//! A-2  2025-03-31  2025-04-10  10   a         high      monitoring  X2 04-30 → done 05-05 (late)
//!                                                                  X3 05-31 → open
//! A-3  2025-02-15  2025-02-16   1   b         medium    automation  —
//! A-4  2025-05-20  2025-05-20   0   a, b      critical  human       X4 06-30 → open
//!                                                                  X5 07-15 → open
//!                                                                  X6 08-31 → done 05-19
//! A-5  2025-06-30  2025-07-20   —   a         high      luck        reported after as-of: ignored
//! A-6  2025-07-01  2025-07-02   1   a         high      luck        —
//! ```

use std::sync::Arc;

use super::def::{Direction, Filter, KriDef, Rag, Thresholds};
use super::metric::Metric;
use super::period::PeriodKind;
use super::value::Tenths;
use super::*;
use crate::model::{Action, ActionState, Body, Severity, Status, StoppedBy, Tlp, Writeup};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn action(due: &str, closed: Option<&str>) -> Action {
    let state = closed.map_or(ActionState::Open, |c| ActionState::Done { closed: d(c) });
    Action { what: "x".into(), owner_role: "sre".into(), due: d(due), state }
}

#[allow(clippy::too_many_arguments)]
fn w(
    id: &str,
    occurred: &str,
    reported: &str,
    patterns: &[&str],
    severity: Severity,
    stopped_by: StoppedBy,
    team: Option<&str>,
    actions: Vec<Action>,
) -> Arc<Writeup> {
    Arc::new(Writeup {
        source: format!("{id}.md").into(),
        id: id.into(),
        id_span: Default::default(),
        title: id.into(),
        status: Status::Approved,
        tlp: Tlp::Clear,
        occurred: d(occurred),
        detected: None,
        reported: d(reported),
        reviewed: Some(d(reported)),
        retrospective: None,
        patterns: patterns.iter().map(|p| (p.to_string(), Default::default())).collect(),
        severity,
        stopped_by,
        detection: None,
        impact_area: vec![],
        roles: vec![],
        systems: vec![],
        team: team.map(String::from),
        tags: vec![],
        actions,
        allow: vec![],
        body: Body::new(String::new(), 1),
        front_stamp: 0,
        origin: None,
    })
}

fn fixture() -> Vec<Arc<Writeup>> {
    use Severity::*;
    use StoppedBy::*;
    vec![
        w(
            "A-1",
            "2025-01-01",
            "2025-01-03",
            &["a"],
            Low,
            Luck,
            Some("t1"),
            vec![action("2025-02-01", Some("2025-01-20"))],
        ),
        w(
            "A-2",
            "2025-03-31",
            "2025-04-10",
            &["a"],
            High,
            Monitoring,
            None,
            vec![action("2025-04-30", Some("2025-05-05")), action("2025-05-31", None)],
        ),
        w("A-3", "2025-02-15", "2025-02-16", &["b"], Medium, Automation, Some("t2"), vec![]),
        w(
            "A-4",
            "2025-05-20",
            "2025-05-20",
            &["a", "b"],
            Critical,
            Human,
            None,
            vec![action("2025-06-30", None), action("2025-07-15", None), action("2025-08-31", Some("2025-05-19"))],
        ),
        w("A-5", "2025-06-30", "2025-07-20", &["a"], High, Luck, None, vec![action("2025-07-01", None)]),
        w("A-6", "2025-07-01", "2025-07-02", &["a"], High, Luck, None, vec![]),
    ]
}

const AS_OF: &str = "2025-07-15";

fn def(metric: Metric, period: PeriodKind, filter: Filter) -> KriDef {
    let thresholds = Thresholds::new(Direction::HigherIsWorse, Tenths::whole(1), Tenths::whole(50)).unwrap();
    KriDef {
        slug: metric.name().replace('_', "-"),
        name: metric.name().into(),
        description: "d".into(),
        metric,
        period,
        filter,
        thresholds,
    }
}

fn run(metric: Metric, period: PeriodKind, filter: Filter) -> Series {
    series(&def(metric, period, filter), &fixture(), d(AS_OF), true)
}

/// (period id, value in tenths or None) for every point.
fn values(s: &Series) -> Vec<(String, Option<i64>)> {
    s.points.iter().map(|p| (p.period.id(), p.measure.value.map(Tenths::tenths))).collect()
}

fn quarterly(metric: Metric) -> Vec<(String, Option<i64>)> {
    values(&run(metric, PeriodKind::Quarter, Filter::default()))
}

fn q(values: [Option<i64>; 3]) -> Vec<(String, Option<i64>)> {
    ["2025-Q1", "2025-Q2", "2025-Q3"].iter().map(|p| p.to_string()).zip(values).collect()
}

#[test]
fn reported_counts_by_occurred_date_including_the_period_boundaries() {
    // Q1: A-1 (Jan 1), A-3, A-2 (Mar 31); Q2: A-4 (A-5 was reported after the as-of date); Q3: A-6.
    assert_eq!(quarterly(Metric::Reported), q([Some(30), Some(10), Some(10)]));
    let s = run(Metric::Reported, PeriodKind::Quarter, Filter::default());
    assert_eq!(ids(&s.points[0].measure.writeups), ["A-1", "A-3", "A-2"]);
    assert_eq!(s.points[0].measure.records, 3);
}

#[test]
fn reporting_lag_median_and_p90() {
    // Q1 lags 2, 1, 10: median 2, p90 rank ⌈2.7⌉ = 3 → 10. Q2: 0. Q3: 1.
    assert_eq!(quarterly(Metric::ReportingLagMedian), q([Some(20), Some(0), Some(10)]));
    assert_eq!(quarterly(Metric::ReportingLagP90), q([Some(100), Some(0), Some(10)]));
    // Monthly, April and June have no near miss: no data, not zero.
    let monthly = values(&run(Metric::ReportingLagMedian, PeriodKind::Month, Filter::default()));
    assert_eq!(monthly[3], ("2025-04".into(), None));
    assert_eq!(monthly[5], ("2025-06".into(), None));
    // A team with two of them: the median of an even count is the mean of the middle pair.
    let both = Filter { teams: vec!["t1".into(), "T2".into()], ..Filter::default() };
    assert_eq!(values(&run(Metric::ReportingLagMedian, PeriodKind::Quarter, both))[0], ("2025-Q1".into(), Some(15)));
}

#[test]
fn luck_and_control_shares() {
    // Q1: luck 1/3, control (monitoring + automation) 2/3; Q2: 0/1 each; Q3: luck 1/1.
    assert_eq!(quarterly(Metric::LuckShare), q([Some(333), Some(0), Some(1000)]));
    assert_eq!(quarterly(Metric::ControlShare), q([Some(667), Some(0), Some(0)]));
    let s = run(Metric::LuckShare, PeriodKind::Quarter, Filter::default());
    assert_eq!((s.points[0].measure.numerator, s.points[0].measure.records), (Some(1), 3));
    // Zero denominators: months without near misses have no share at all.
    let monthly = values(&run(Metric::LuckShare, PeriodKind::Month, Filter::default()));
    assert_eq!(monthly.iter().filter(|(_, v)| v.is_none()).count(), 2);
}

#[test]
fn repeat_rate_looks_back_a_window_that_includes_its_last_day() {
    let repeat = |days| Metric::RepeatRate { window_days: days };
    // A-2 (Mar 31) repeats pattern a of A-1 (Jan 1), 89 days earlier; A-4 repeats A-2 (50
    // days); A-6 repeats A-4 (42 days).
    assert_eq!(quarterly(repeat(89)), q([Some(333), Some(1000), Some(1000)]));
    assert_eq!(quarterly(repeat(88)), q([Some(0), Some(1000), Some(1000)]));
    // Within pattern b alone, A-4 (May 20) comes 94 days after A-3 (Feb 15).
    let b = Filter { patterns: vec![("b".into(), Default::default())], ..Filter::default() };
    assert_eq!(values(&run(repeat(90), PeriodKind::Quarter, b.clone())), q([Some(0), Some(0), None]));
    assert_eq!(values(&run(repeat(94), PeriodKind::Quarter, b)), q([Some(0), Some(1000), None]));
}

#[test]
fn action_closure_rate_counts_items_whose_outcome_is_known() {
    // Q1: X1 on time (1/1). Q2: X2 late, X3 and X4 open past due (0/3). Q3: X5 is due on the
    // as-of date and still open, so not yet known; X6 closed early (1/1).
    assert_eq!(quarterly(Metric::ActionClosureRate), q([Some(1000), Some(0), Some(1000)]));
    let s = run(Metric::ActionClosureRate, PeriodKind::Quarter, Filter::default());
    assert_eq!((s.points[1].measure.numerator, s.points[1].measure.records), (Some(0), 3));
    assert_eq!(ids(&s.points[1].measure.writeups), ["A-2", "A-4"]);
}

#[test]
fn overdue_actions_at_each_period_end() {
    // End of Q1: A-2 not reported yet, X1 done: 0. End of Q2 (Jun 30): X3; X4 is due that very
    // day, so not overdue yet: 1. The period in progress ends on the as-of date: X3 and X4.
    assert_eq!(quarterly(Metric::OverdueActions), q([Some(0), Some(10), Some(20)]));
    let monthly = values(&run(Metric::OverdueActions, PeriodKind::Month, Filter::default()));
    let expected = [("2025-04", 0), ("2025-05", 0), ("2025-06", 10), ("2025-07", 20)];
    assert_eq!(monthly[3..], expected.map(|(p, v)| (p.to_string(), Some(v))));
}

#[test]
fn mean_days_to_close_from_the_report() {
    // Q1: X1 17 days after A-1's report. Q2: X2 25 days; X6 a day before A-4's report counts 0:
    // (25 + 0) / 2. Q3: nothing closed, no data.
    assert_eq!(quarterly(Metric::MeanDaysToClose), q([Some(170), Some(125), None]));
}

#[test]
fn exposure_weighs_severity() {
    // Q1: low 1 + high 4 + medium 2; Q2: critical 8; Q3: high 4.
    assert_eq!(quarterly(Metric::Exposure), q([Some(70), Some(80), Some(40)]));
    let severe = Filter { severities: vec![Severity::High, Severity::Critical], ..Filter::default() };
    assert_eq!(values(&run(Metric::Exposure, PeriodKind::Quarter, severe)), q([Some(40), Some(80), Some(40)]));
}

#[test]
fn the_headline_is_the_last_complete_period() {
    let s = run(Metric::Reported, PeriodKind::Quarter, Filter::default());
    assert_eq!(s.headline().period.id(), "2025-Q2");
    assert!(s.headline().complete && !s.points[2].complete);
    assert_eq!(s.previous().map(|p| p.period.id()), Some("2025-Q1".into()));
    assert_eq!(s.change(), Some(Tenths::whole(-2)));
    // Thresholds amber 1, red 50 (higher is worse): Q2's 1 is exactly on amber.
    assert_eq!(s.headline().status, Some(Rag::Amber));
    // Monthly: June is the headline and has no near miss, so no share and no change.
    let luck = run(Metric::LuckShare, PeriodKind::Month, Filter::default());
    assert_eq!(luck.headline().period.id(), "2025-06");
    assert_eq!((luck.headline().measure.value, luck.headline().status, luck.change()), (None, None, None));
    assert_eq!(luck.recent(3).iter().map(|p| p.period.id()).collect::<Vec<_>>(), ["2025-04", "2025-05", "2025-06"]);
}

#[test]
fn an_empty_selection_has_only_the_period_in_progress() {
    let nobody = Filter { teams: vec!["nobody".into()], ..Filter::default() };
    let s = run(Metric::Reported, PeriodKind::Month, nobody.clone());
    assert_eq!(values(&s), [("2025-07".to_string(), Some(0))]);
    assert_eq!(s.headline().period.id(), "2025-07");
    assert!(!s.headline().complete);
    let s = run(Metric::MeanDaysToClose, PeriodKind::Month, nobody);
    assert_eq!(values(&s), [("2025-07".to_string(), None)]);
    let s = series(&def(Metric::LuckShare, PeriodKind::Quarter, Filter::default()), &[], d(AS_OF), true);
    assert_eq!(values(&s), [("2025-Q3".to_string(), None)]);
}

#[test]
fn patterns_get_the_site_kris_rated_only_when_scale_free() {
    let patterns: Vec<Pattern> = ["a", "b"]
        .iter()
        .map(|slug| Pattern {
            source: format!("{slug}.md").into(),
            slug: slug.to_string(),
            title: slug.to_string(),
            risk: "r".into(),
            signals: vec![],
            controls: vec![],
            same_as: None,
            allow: vec![],
            body: Body::new(String::new(), 1),
            origin: None,
        })
        .collect();
    let only_b = Filter { patterns: vec![("b".into(), Default::default())], ..Filter::default() };
    let defs = [
        def(Metric::Reported, PeriodKind::Quarter, Filter::default()),
        def(Metric::LuckShare, PeriodKind::Quarter, Filter::default()),
        def(Metric::Exposure, PeriodKind::Quarter, only_b),
    ];
    let all = compute(&fixture(), &patterns, &defs, d(AS_OF));
    assert_eq!(all.site.len(), 3);
    let b = &all.by_pattern["b"];
    assert_eq!(b.len(), 2, "a KRI that already filters on patterns is not recomputed");
    // Pattern b: A-3 in Q1, A-4 in Q2.
    assert_eq!(
        values(&b[0]),
        [("2025-Q1".to_string(), Some(10)), ("2025-Q2".into(), Some(10)), ("2025-Q3".into(), Some(0))]
    );
    assert!(!b[0].rated && b[0].headline().status.is_none());
    assert!(b[1].rated && b[1].headline().status == Some(Rag::Green));
}

#[test]
fn action_status_on_a_date() {
    let a = action("2025-05-31", Some("2025-06-10"));
    assert_eq!(ActionStatus::on(&a, d("2025-05-31")), ActionStatus::Open);
    assert_eq!(ActionStatus::on(&a, d("2025-06-01")), ActionStatus::Overdue);
    assert_eq!(ActionStatus::on(&a, d("2025-06-10")), ActionStatus::Done { closed: d("2025-06-10") });
}

fn ids(writeups: &super::metric::Behind) -> Vec<&str> {
    writeups.iter().collect()
}
