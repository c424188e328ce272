//! Key Risk Indicators end to end: every metric on a hand-worked fixture, through the real
//! binary, read back from kri.json, kri.csv and the HTML; the exports checked against their
//! schemas; and withheld writeups shown to change nothing at all.
//!
//! The fixture, as of 2025-07-15 (Q3 and July in progress; the headline is Q2, or June):
//!
//! ```text
//! id   occurred    reported    lag  patterns     severity  stopped by  actions (due → state)
//! A-1  2025-01-01  2025-01-03   2   alpha        low       luck        X1 02-01 → done 01-20
//! A-2  2025-03-31  2025-04-10  10   alpha        high      monitoring  X2 04-30 → done 05-05 (late)
//!                                                                     X3 05-31 → open
//! A-3  2025-02-15  2025-02-16   1   beta         medium    automation  —
//! A-4  2025-05-20  2025-05-20   0   alpha, beta  critical  human       X4 06-30 → open
//!                                                                     X5 07-15 → open
//!                                                                     X6 08-31 → done 05-19
//! A-5  2025-06-30  2025-07-20   —   alpha        high      luck        (reported after as-of)
//! A-6  2025-07-01  2025-07-02   1   alpha        high      luck        —
//! ```
//!
//! Hand-worked, by quarter (Q1, Q2, Q3 in progress):
//! reported 3, 1, 1 · lag median 2.0, 0.0, 1.0 · lag p90 (nearest rank ⌈0.9n⌉) 10.0, 0.0, 1.0 ·
//! luck 1/3 = 33.3%, 0/1, 1/1 · control 2/3 = 66.7%, 0%, 0% · repeat within 89 days: A-2 is 89
//! days after A-1, so 1/3 = 33.3%, 100%, 100% · closure 1/1, 0/3, 1/1 (X5, due on the as-of date,
//! is not known yet) · mean days to close 17.0, (25 + 0)/2 = 12.5, no data · overdue at the end
//! of each month Apr–Jul: 0, 0, 1 (X3; X4 is due on Jun 30 itself), 2 · exposure of high and
//! critical: 4, 8, 4.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::*;

const AS_OF: &str = "2025-07-15";

const SITE: &str = "\
title: KRI fixture
base_url: https://example.org/kri/
max_tlp: green
kris:
  - name: Reported per quarter
    slug: reported-q
    description: How many near misses are written up.
    metric: reported
    period: quarter
    thresholds: {direction: higher_is_better, amber: 1, red: 0}
  - name: Reported per month
    slug: reported-m
    description: How many near misses are written up, monthly.
    metric: reported
    period: month
    thresholds: {direction: higher_is_better, amber: 1, red: 0}
  - name: Median days to report
    slug: lag-median
    description: Reporting delay.
    metric: reporting_lag_median
    period: quarter
    thresholds: {direction: higher_is_worse, amber: 2, red: 10}
  - name: Slowest reports
    slug: lag-p90
    description: Reporting delay, the tail.
    metric: reporting_lag_p90
    period: quarter
    thresholds: {direction: higher_is_worse, amber: 5, red: 10}
  - name: Luck share
    slug: luck-q
    description: Luck is not a control.
    metric: luck_share
    period: quarter
    thresholds: {direction: higher_is_worse, amber: 20, red: 33.3}
  - name: Luck share, monthly
    slug: luck-m
    description: Luck is not a control.
    metric: luck_share
    period: month
    thresholds: {direction: higher_is_worse, amber: 20, red: 33.3}
  - name: Caught by a control
    slug: control-q
    description: Detection maturity.
    metric: control_share
    period: quarter
    thresholds: {direction: higher_is_better, amber: 66.7, red: 0}
  - name: Repeats
    slug: repeat-q
    description: Lessons that did not stick.
    metric: repeat_rate
    window_days: 89
    period: quarter
    thresholds: {direction: higher_is_worse, amber: 50, red: 100}
  - name: Closed on time
    slug: closure-q
    description: Fixes kept.
    metric: action_closure_rate
    period: quarter
    thresholds: {direction: higher_is_better, amber: 100, red: 0}
  - name: Overdue at month end
    slug: overdue-m
    description: Fixes late.
    metric: overdue_actions
    period: month
    thresholds: {direction: higher_is_worse, amber: 1, red: 2}
  - name: Days to close
    slug: close-days-q
    description: Gaps left open.
    metric: mean_days_to_close
    period: quarter
    thresholds: {direction: higher_is_worse, amber: 12.5, red: 17}
  - name: Severe exposure
    slug: exposure-q
    description: What could have happened.
    metric: exposure
    period: quarter
    filter: {severity: [high, critical]}
    thresholds: {direction: higher_is_worse, amber: 8, red: 9}
  - name: Beta repeats
    slug: beta-repeat-q
    description: Beta coming back.
    metric: repeat_rate
    period: quarter
    filter: {pattern: beta}
    thresholds: {direction: higher_is_worse, amber: 50, red: 100}
roles:
  - slug: sre
    description: Keeps services running.
# The fixture is small: rate figures resting on a single record (the default needs 3).
kri_min_records: 1
";

fn pattern(title: &str) -> String {
    format!(
        "---\ntitle: {title}\nrisk: Something goes wrong.\nsignals: [a signal]\ncontrols: [a control]\n---\n\nBody.\n"
    )
}

/// A writeup file; `extra` adds lines such as `team:` or `actions:`.
fn near_miss(id: &str, status: &str, occurred: &str, reported: &str, rest: &str) -> String {
    writeup(&format!(
        "id: {id}\ntitle: Near miss {id}\nstatus: {status}\ntlp: clear\noccurred: {occurred}\nreported: {reported}\n\
         reviewed: {reported}\n{rest}"
    ))
}

fn action(due: &str, closed: Option<&str>) -> String {
    match closed {
        Some(c) => {
            format!("  - what: Fix due {due}\n    owner_role: sre\n    due: {due}\n    status: done\n    closed: {c}\n")
        }
        None => format!("  - what: Fix due {due}\n    owner_role: sre\n    due: {due}\n    status: open\n"),
    }
}

fn fixture() -> Fixture {
    Fixture::new()
        .file("site.yaml", SITE)
        .file("patterns/alpha.md", &pattern("Alpha"))
        .file("patterns/beta.md", &pattern("Beta"))
        .file(
            "writeups/a1.md",
            &near_miss(
                "A-1",
                "approved",
                "2025-01-01",
                "2025-01-03",
                &format!(
                    "patterns: [alpha]\nseverity: low\nstopped_by: luck\nteam: t1\nactions:\n{}",
                    action("2025-02-01", Some("2025-01-20"))
                ),
            ),
        )
        .file(
            "writeups/a2.md",
            &near_miss(
                "A-2",
                "approved",
                "2025-03-31",
                "2025-04-10",
                &format!(
                    "patterns: [alpha]\nseverity: high\nstopped_by: monitoring\nactions:\n{}{}",
                    action("2025-04-30", Some("2025-05-05")),
                    action("2025-05-31", None)
                ),
            ),
        )
        .file(
            "writeups/a3.md",
            &near_miss(
                "A-3",
                "approved",
                "2025-02-15",
                "2025-02-16",
                "patterns: [beta]\nseverity: medium\nstopped_by: automation\n",
            ),
        )
        .file(
            "writeups/a4.md",
            &near_miss(
                "A-4",
                "approved",
                "2025-05-20",
                "2025-05-20",
                &format!(
                    "patterns: [alpha, beta]\nseverity: critical\nstopped_by: human\nactions:\n{}{}{}",
                    action("2025-06-30", None),
                    action("2025-07-15", None),
                    action("2025-08-31", Some("2025-05-19"))
                ),
            ),
        )
        .file(
            "writeups/a5.md",
            &near_miss(
                "A-5",
                "approved",
                "2025-06-30",
                "2025-07-20",
                "patterns: [alpha]\nseverity: high\nstopped_by: luck\n",
            ),
        )
        .file(
            "writeups/a6.md",
            &near_miss(
                "A-6",
                "approved",
                "2025-07-01",
                "2025-07-02",
                "patterns: [alpha]\nseverity: high\nstopped_by: luck\n",
            ),
        )
}

fn build(f: &Fixture) -> Built {
    let built = f.build_to("out", &["--as-of", AS_OF]);
    built.assert_success();
    built
}

fn json(built: &Built, file: &str) -> Value {
    serde_json::from_str(&built.text(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The KRI with `slug` in kri.json.
fn kri<'a>(doc: &'a Value, slug: &str) -> &'a Value {
    doc["kris"].as_array().unwrap().iter().find(|k| k["slug"] == slug).unwrap_or_else(|| panic!("no KRI {slug}"))
}

/// (period, value) of every point of a KRI, values as JSON text (`null` for no data).
fn series(doc: &Value, slug: &str) -> Vec<(String, String)> {
    kri(doc, slug)["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["period"].as_str().unwrap().to_string(), p["value"].to_string()))
        .collect()
}

fn quarters(values: [&str; 3]) -> Vec<(String, String)> {
    ["2025-Q1", "2025-Q2", "2025-Q3"].iter().zip(values).map(|(p, v)| (p.to_string(), v.to_string())).collect()
}

#[test]
fn every_metric_matches_the_hand_worked_values() {
    let f = fixture();
    let built = build(&f);
    let doc = json(&built, "kri.json");
    assert_eq!(doc["as_of"], AS_OF);
    assert_eq!(series(&doc, "reported-q"), quarters(["3", "1", "1"]));
    assert_eq!(series(&doc, "lag-median"), quarters(["2.0", "0.0", "1.0"]));
    assert_eq!(series(&doc, "lag-p90"), quarters(["10.0", "0.0", "1.0"]));
    assert_eq!(series(&doc, "luck-q"), quarters(["33.3", "0.0", "100.0"]));
    assert_eq!(series(&doc, "control-q"), quarters(["66.7", "0.0", "0.0"]));
    assert_eq!(series(&doc, "repeat-q"), quarters(["33.3", "100.0", "100.0"]));
    assert_eq!(series(&doc, "closure-q"), quarters(["100.0", "0.0", "100.0"]));
    assert_eq!(series(&doc, "close-days-q"), quarters(["17.0", "12.5", "null"]));
    assert_eq!(series(&doc, "exposure-q"), quarters(["4", "8", "4"]));
    // Within beta alone, A-4 comes 94 days after A-3: no repeat; Q3 has no beta near miss.
    assert_eq!(series(&doc, "beta-repeat-q"), quarters(["0.0", "0.0", "null"]));
    assert_eq!(kri(&doc, "repeat-q")["window_days"], 89);

    // Monthly: empty months count 0 reports, have no luck share, and overdue is per month end.
    let months = |slug| series(&doc, slug).into_iter().map(|(_, v)| v).collect::<Vec<_>>();
    assert_eq!(months("reported-m"), ["1", "1", "1", "0", "1", "0", "1"]);
    assert_eq!(months("luck-m"), ["100.0", "0.0", "0.0", "null", "0.0", "null", "100.0"]);
    assert_eq!(months("overdue-m"), ["0", "0", "0", "0", "0", "1", "2"]);

    // The records behind each figure.
    let q1 = &kri(&doc, "luck-q")["series"][0];
    assert_eq!((q1["numerator"].clone(), q1["records"].clone()), (Value::from(1), Value::from(3)));
    assert_eq!(q1["writeups"], serde_json::json!(["A-1", "A-3", "A-2"]));
    let closure_q2 = &kri(&doc, "closure-q")["series"][1];
    assert_eq!((closure_q2["numerator"].clone(), closure_q2["records"].clone()), (Value::from(0), Value::from(3)));
}

#[test]
fn the_headline_is_the_last_complete_period_and_limits_take_the_worse_status() {
    let f = fixture();
    let built = build(&f);
    let doc = json(&built, "kri.json");
    let current = |slug: &str| {
        let c = &kri(&doc, slug)["current"];
        (
            c["period"].as_str().unwrap().to_string(),
            c["value"].to_string(),
            c["status"].to_string(),
            c["change"].to_string(),
        )
    };
    let c = |p: &str, v: &str, s: &str, ch: &str| (p.to_string(), v.to_string(), s.to_string(), ch.to_string());
    // Q2 = 1 is exactly on amber (higher is better: 1 or less is amber).
    assert_eq!(current("reported-q"), c("2025-Q2", "1", "\"amber\"", "-2"));
    assert_eq!(current("lag-median"), c("2025-Q2", "0.0", "\"green\"", "-2.0"));
    // Q2 mean 12.5 days is exactly on amber.
    assert_eq!(current("close-days-q"), c("2025-Q2", "12.5", "\"amber\"", "-4.5"));
    // 0.0% of Q2 is exactly on red for a higher-is-better share with red at 0.
    assert_eq!(current("control-q"), c("2025-Q2", "0.0", "\"red\"", "-66.7"));
    assert_eq!(current("exposure-q"), c("2025-Q2", "8", "\"amber\"", "4"));
    // June, the last complete month, has no near miss: no share, no status, no change.
    assert_eq!(current("luck-m"), c("2025-06", "null", "null", "null"));
    assert_eq!(current("overdue-m"), c("2025-06", "1", "\"amber\"", "1"));
    // Q1 values on a limit, in the series: 33.3% luck is red, p90 10.0 is red, 17.0 days is red.
    for slug in ["luck-q", "lag-p90", "close-days-q"] {
        assert_eq!(kri(&doc, slug)["series"][0]["status"], "red", "{slug}");
    }
    assert_eq!(kri(&doc, "lag-median")["series"][0]["status"], "amber");
    assert_eq!(kri(&doc, "closure-q")["series"][0]["status"], "amber");
}

/// The rows of an RFC 4180 file, fields unquoted.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn kri_csv_has_the_same_figures_as_kri_json() {
    let f = fixture();
    let built = build(&f);
    let doc = json(&built, "kri.json");
    let text = built.text("kri.csv");
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'), "CRLF line ends");
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0],
        ["kri", "name", "metric", "unit", "period", "complete", "value", "status", "numerator", "records", "writeups"]
    );
    let points: usize = doc["kris"].as_array().unwrap().iter().map(|k| k["series"].as_array().unwrap().len()).sum();
    assert_eq!(rows.len() - 1, points);
    for row in &rows[1..] {
        let k = kri(&doc, &row[0]);
        let p = k["series"].as_array().unwrap().iter().find(|p| p["period"] == row[4].as_str()).unwrap();
        let value = match &p["value"] {
            Value::Null => String::new(),
            v => v.to_string(),
        };
        assert_eq!(row[6], value, "{row:?}");
        assert_eq!(row[7], p["status"].as_str().unwrap_or(""), "{row:?}");
        assert_eq!(row[9], p["records"].to_string());
        let ids: Vec<&str> = p["writeups"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(row[10], ids.join(" "));
    }
    let q1 = rows.iter().find(|r| r[0] == "luck-q" && r[4] == "2025-Q1").unwrap();
    assert_eq!(q1[5..], ["true", "33.3", "red", "1", "3", "A-1 A-3 A-2"]);
    let june = rows.iter().find(|r| r[0] == "luck-m" && r[4] == "2025-06").unwrap();
    assert_eq!(june[6..10], ["", "", "0", "0"], "no data is empty, never 0 or NaN: 0 of 0 near misses");
}

#[test]
fn the_dashboard_writes_status_in_words_and_no_data_as_such() {
    let f = fixture();
    let built = build(&f);
    let page = built.page("kri/index.html");
    let cards = page.select(&sel(".kri-card")).count();
    assert_eq!(cards, 13);
    let card = |slug: &str| {
        let card = page.select(&sel(&format!("article[aria-labelledby='nm-kri-{slug}']"))).next().unwrap();
        let text = |css: &str| normalise_ws(&card.select(&sel(css)).next().unwrap().text().collect::<String>());
        (text(".kri-number"), text(".kri-status"), text(".kri-change"))
    };
    assert_eq!(card("reported-q"), ("1".into(), "Amber: watch".into(), "vs 2025 Q1: ▼ −2, worse".into()));
    assert_eq!(card("luck-m"), ("no data".into(), "No data".into(), "vs May 2025: no comparison".into()));
    assert_eq!(card("control-q").1, "Red: escalate");
    assert_eq!(card("lag-median").1, "Green: within appetite");
    // The table alternative says the same.
    let rows: Vec<String> = texts(&page, ".kri-table tbody tr");
    assert!(
        rows.contains(&"Reported per quarter Amber: watch on 1 near miss 1 2025 Q2 ▼ −2, worse".to_string()),
        "{rows:#?}"
    );
    assert_eq!(attrs(&page, ".kri-table th[scope=row]", "scope").len(), 13);
    for file in built.html_files() {
        let text = built.text(&file);
        assert!(!text.contains("NaN") && !text.contains("inf%"), "{file}");
    }
}

#[test]
fn a_kri_page_has_its_definition_thresholds_chart_table_and_writeups() {
    let f = fixture();
    let built = build(&f);
    let page = built.page("kri/luck-q.html");
    assert_eq!(text_of(&page, "h1"), "Luck share");
    assert!(text_of(&page, ".kri-definition").starts_with("Near misses with stopped_by: luck, divided by all"));
    assert_eq!(
        texts(&page, ".bands-table tbody tr"),
        ["Green: within appetite below 20.0%", "Amber: watch 20.0% up to 33.3%", "Red: escalate 33.3% or more"]
    );
    let svg = page.select(&sel("figure.chart svg[role=img]")).next().expect("a chart");
    let labelled = svg.value().attr("aria-labelledby").unwrap();
    assert!(page.select(&sel(&format!("svg title#{labelled}"))).next().is_some());
    assert_eq!(svg.select(&sel(".band")).count(), 3);
    assert!(svg.text().any(|t| t == "percent") && svg.text().any(|t| t == "Quarter"), "axis titles");
    // The data table: newest first, in-progress marked, records and links.
    let rows: Vec<String> = texts(&page, "table.kri-data tbody tr");
    assert_eq!(
        rows,
        [
            "2025 Q3 (in progress) In progress, not rated on 1 of 1 near miss 100.0% A-6",
            "2025 Q2 Green: within appetite on 0 of 1 near miss 0.0% A-4",
            "2025 Q1 Red: escalate on 1 of 3 near misses 33.3% A-1, A-3, A-2",
        ]
    );
    assert_eq!(attrs(&page, "table.kri-data a", "href")[0], "../writeups/a-6.html");
    assert!(page.select(&sel("table.kri-data caption")).next().is_some());
    // The writeups behind the headline (Q2).
    assert_eq!(attrs(&page, ".writeup-list .writeup-item-title a", "href"), ["../writeups/a-4.html"]);
}

#[test]
fn a_busy_period_is_listed_briefly_on_its_page_and_in_full_in_kri_json() {
    // 160 more near misses in Q2, the headline quarter: the page links 12 per period and lists
    // the 100 most recent behind the figure, the next page the rest; kri.json keeps every id.
    let mut f = fixture();
    for n in 0..160 {
        let day = 1 + n % 28;
        let month = 4 + (n / 28) % 3;
        let date = format!("2025-{month:02}-{day:02}");
        let rest = "patterns: [beta]\nseverity: low\nstopped_by: luck\n";
        f = f.file(&format!("writeups/b{n}.md"), &near_miss(&format!("B-{n:02}"), "approved", &date, &date, rest));
    }
    let built = build(&f);
    let page = built.page("kri/luck-q.html");
    let q2 = page.select(&sel("table.kri-data tbody tr#nm-period-2025-Q2")).next().expect("the Q2 row");
    assert_eq!(q2.select(&sel("a")).count(), 12);
    let row = q2.text().collect::<String>();
    assert!(row.trim_end().ends_with("and 149 more"), "{row}");
    assert_eq!(page.select(&sel(".writeup-list .writeup-item")).count(), 100);
    let note = texts(&page, "section[aria-labelledby=nm-behind-title] p.muted");
    assert_eq!(
        note,
        ["The 100 most recent of 161 near misses; the pages below list the others, and kri.json every one, for every period."]
    );
    let newest = attrs(&page, ".writeup-list .writeup-item-title a", "href");
    assert_eq!(newest[0], "../writeups/b-83.html", "most recent first");
    assert_eq!(attrs(&page, "head link[rel=next]", "href"), ["../kri/luck-q/2.html"]);
    let rest = built.page("kri/luck-q/2.html");
    assert_eq!(rest.select(&sel(".writeup-list .writeup-item")).count(), 61);
    assert_eq!(attrs(&rest, "head link[rel=prev]", "href"), ["../../kri/luck-q.html"]);
    let doc = json(&built, "kri.json");
    let q2_ids = kri(&doc, "luck-q")["series"][1]["writeups"].as_array().unwrap().len();
    assert_eq!(q2_ids, 161);
}

#[test]
fn the_action_tracker_has_overdue_open_and_done_views() {
    let f = fixture();
    let built = build(&f);
    let page = built.page("actions/index.html");
    let what = |section: &str| texts(&page, &format!("section[aria-labelledby='{section}'] tbody th"));
    assert_eq!(what("nm-group-overdue"), ["Fix due 2025-05-31", "Fix due 2025-06-30"]);
    assert_eq!(what("nm-group-open"), ["Fix due 2025-07-15"]);
    assert_eq!(what("nm-group-done"), ["Fix due 2025-08-31", "Fix due 2025-04-30", "Fix due 2025-02-01"]);
    assert_eq!(texts(&page, ".view-nav a"), ["2 overdue", "0 in progress", "1 open", "3 done", "0 won’t do"]);
    assert_eq!(
        attrs(&page, ".view-nav a", "href"),
        ["#nm-group-overdue", "#nm-group-in-progress", "#nm-group-open", "#nm-group-done", "#nm-group-wont-do"]
    );
    let overdue = texts(&page, "section[aria-labelledby='nm-group-overdue'] tbody tr");
    assert_eq!(overdue[0], "Fix due 2025-05-31 A-2 Near miss A-2 sre 2025-05-31 !Overdue 45 days");
}

#[test]
fn pattern_pages_have_their_own_kri_panel() {
    let f = fixture();
    let built = build(&f);
    let page = built.page("patterns/beta.html");
    let cell = sel("th, td:not(.kri-spark)");
    let rows: Vec<String> = page
        .select(&sel(".kri-table tbody tr"))
        .map(|tr| {
            let cells: Vec<String> = tr.select(&cell).map(|c| c.text().collect::<String>()).collect();
            normalise_ws(&cells.join(" "))
        })
        .collect();
    assert_eq!(page.select(&sel(".kri-table tbody td.kri-spark svg[role=img] title")).count(), 12);
    // Every site KRI without a pattern filter (12 of 13), on beta's near misses (A-3, A-4).
    assert_eq!(rows.len(), 12);
    assert!(
        rows.contains(&"Reported per quarter Not rated on 1 near miss 1 2025 Q2 ▬ no change".to_string()),
        "{rows:#?}"
    );
    assert!(
        rows.contains(&"Luck share Green: within appetite on 0 of 1 near miss 0.0% 2025 Q2 ▬ no change".to_string()),
        "{rows:#?}"
    );
    assert_eq!(attrs(&page, ".kri-table th a", "href")[0], "../kri/reported-q.html");
}

#[test]
fn the_summary_is_one_printable_page() {
    let f = fixture();
    let built = build(&f);
    let page = built.page("summary.html");
    assert_eq!(page.select(&sel(".kri-table tbody tr")).count(), 13);
    assert_eq!(
        texts(&page, "section[aria-labelledby='nm-overdue-title'] tbody th"),
        ["Fix due 2025-05-31", "Fix due 2025-06-30"]
    );
    // Notable: high or critical, or luck, in the year before the as-of date; newest first.
    let notable = attrs(&page, "section[aria-labelledby='nm-notable-title'] a", "href");
    assert_eq!(notable, ["writeups/a-6.html", "writeups/a-5.html", "writeups/a-4.html", "writeups/a-2.html"]);
    assert_eq!(attrs(&page, "body", "class"), ["kind-summary print-tlp-clear"]);
    let css = built.text("assets/style.css");
    assert!(css.contains("@page summary-tlp-clear { size: portrait; margin: 10mm;"));
    assert!(css.contains("body.kind-summary.print-tlp-clear { page: summary-tlp-clear; }"));
}

#[test]
fn the_exports_follow_their_schemas() {
    let f = fixture();
    let built = build(&f);
    let schema = |name: &str| json(&built, &format!("schemas/{name}"));
    for (file, name) in [("kri.json", "kri.schema.json"), ("writeups.json", "writeups.schema.json")] {
        let doc = json(&built, file);
        let problems = validate(&schema(name), &doc);
        assert!(problems.is_empty(), "{file}:\n{}", problems.join("\n"));
        assert_eq!(doc["$schema"], format!("https://example.org/kri/schemas/{name}"));
    }
    let rows = parse_csv(&built.text("kri.csv"));
    let row_schema = schema("kri.csv.schema.json");
    for row in &rows[1..] {
        let object: serde_json::Map<String, Value> =
            rows[0].iter().cloned().zip(row.iter().map(|c| Value::from(c.as_str()))).collect();
        let problems = validate(&row_schema, &Value::Object(object));
        assert!(problems.is_empty(), "kri.csv {row:?}:\n{}", problems.join("\n"));
    }
    // Keys in order, as every export promises (the files are written a record at a time).
    assert_eq!(keys_at(&built.text("kri.json"), 2), ["$schema", "as_of", "generator", "kris", "site"]);
    assert_eq!(keys_at(&built.text("writeups.json"), 2), ["$schema", "as_of", "generator", "site", "writeups"]);
    let all_kri_keys = keys_at(&built.text("kri.json"), 6);
    let first_kri: Vec<&String> =
        all_kri_keys.iter().enumerate().take_while(|(i, k)| *i == 0 || *k != "current").map(|(_, k)| k).collect();
    assert!(first_kri.len() > 10 && first_kri.is_sorted(), "{first_kri:?}");
    // writeups.json: the published writeups only, with published fields only.
    let doc = json(&built, "writeups.json");
    let ids: Vec<&str> = doc["writeups"].as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["A-1", "A-3", "A-2", "A-4", "A-5", "A-6"]);
    let text = built.text("writeups.json");
    for private in ["\"source\"", "\"allow\"", "\"status\": \"approved\"", ".md\""] {
        assert!(!text.contains(private), "writeups.json has {private}");
    }
    // A validator that finds nothing wrong with everything proves nothing: it does reject.
    let mut bad = json(&built, "kri.json");
    bad["kris"][0]["series"][0]["status"] = Value::from("purple");
    bad["kris"][0]["unknown"] = Value::from(1);
    assert_eq!(validate(&schema("kri.schema.json"), &bad).len(), 2);
}

#[test]
fn withheld_writeups_change_no_figure_and_no_export() {
    let published = fixture();
    let with_withheld = fixture()
        // In periods that have data, before the first one and in the period in progress; with
        // luck, severe impact, repeats and overdue actions that would move every figure.
        .file(
            "writeups/w1.md",
            &near_miss(
                "W-1",
                "draft",
                "2025-02-10",
                "2025-03-30",
                &format!(
                    "patterns: [alpha]\nseverity: critical\nstopped_by: luck\nteam: t1\nactions:\n{}",
                    action("2025-03-01", None)
                ),
            ),
        )
        .file(
            "writeups/w2.md",
            &near_miss(
                "W-2",
                "review",
                "2024-11-05",
                "2024-11-06",
                "patterns: [beta]\nseverity: high\nstopped_by: luck\n",
            ),
        )
        .file(
            "writeups/w3.md",
            &near_miss(
                "W-3",
                "retracted",
                "2025-06-15",
                "2025-06-16",
                &format!(
                    "patterns: [alpha, beta]\nseverity: critical\nstopped_by: luck\nactions:\n{}",
                    action("2025-06-20", Some("2025-07-01"))
                ),
            ),
        )
        .file(
            "writeups/w4.md",
            &near_miss(
                "W-4",
                "approved",
                "2025-07-03",
                "2025-07-04",
                &format!(
                    "patterns: [beta]\nseverity: high\nstopped_by: luck\nactions:\n{}",
                    action("2025-07-05", None)
                ),
            )
            .replace("tlp: clear", "tlp: amber"),
        );
    let a = build(&published);
    let b = build(&with_withheld);
    b.run.assert_contains("withheld 4");
    for file in ["kri.json", "kri.csv", "writeups.json", "kri/index.html", "summary.html", "actions/index.html"] {
        assert_eq!(a.text(file), b.text(file), "{file} changed");
    }
    let (a, b) = (a.snapshot(), b.snapshot());
    let differ: Vec<&String> = a.keys().filter(|k| b.get(*k) != a.get(*k)).collect();
    assert!(differ.is_empty() && a.len() == b.len(), "withheld writeups changed {differ:?}");
    // The test has teeth: once the amber writeup may be published, the figures move.
    with_withheld.write("site.yaml", &SITE.replace("max_tlp: green", "max_tlp: amber"));
    let c = build(&with_withheld);
    assert_eq!(series(&json(&c, "kri.json"), "reported-q")[2], ("2025-Q3".to_string(), "2".to_string()));
}

#[test]
fn an_empty_knowledge_base_shows_no_data_and_zero_counts() {
    let f = Fixture::with_pattern();
    let built = build(&f);
    let doc = json(&built, "kri.json");
    assert_eq!(doc["kris"].as_array().unwrap().len(), 14, "the default set");
    for k in doc["kris"].as_array().unwrap() {
        let series = k["series"].as_array().unwrap();
        assert_eq!(series.len(), 1, "only the period in progress: {}", k["slug"]);
        // Counts, scores and the age of the oldest overdue item are 0 with nothing to count.
        let expected = match (k["unit"].as_str().unwrap(), k["slug"].as_str().unwrap()) {
            ("count" | "score", _) => Value::from(0),
            (_, "oldest-overdue-action") => Value::from(0.0),
            _ => Value::Null,
        };
        assert_eq!(series[0]["value"], expected, "{}", k["slug"]);
    }
    let page = built.page("kri/index.html");
    // Medians, percentiles, shares and means: 10 of the 14 defaults.
    assert_eq!(texts(&page, ".kri-number").iter().filter(|t| *t == "no data").count(), 10);
    let actions = built.page("actions/index.html");
    assert_eq!(texts(&actions, "section .empty"), ["None."; 5]);
}

#[test]
fn kri_mistakes_in_site_yaml_are_located() {
    let bad = SITE
        .replacen("metric: reported\n", "metric: reportd\n", 1)
        .replace("filter: {pattern: beta}", "filter:\n      pattern: [betta]");
    let f = fixture().file("site.yaml", &bad);
    let run = f.check();
    run.assert_failure();
    let errors = run.errors();
    assert!(errors.contains(&"content/site.yaml:8:13: error: `reportd` is not a valid `metric`"), "{errors:#?}");
    assert!(errors.contains(&"content/site.yaml:85:17: error: unknown pattern `betta` in a KRI filter"), "{errors:#?}");
    assert_eq!(
        run.hint_of("content/site.yaml:85:17: error: unknown pattern `betta` in a KRI filter"),
        Some("did you mean `beta`?")
    );
}

// ---------------------------------------------------------------- a small JSON Schema checker

/// The problems of `value` against `schema` (the subset of JSON Schema 2020-12 the shipped
/// schemas use: type, enum, pattern, minimum, minItems, required, properties,
/// additionalProperties: false, items, oneOf and local `$ref`s).
/// The keys written at `indent` spaces in pretty-printed JSON, in file order.
fn keys_at(text: &str, indent: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.len() > indent && l[..indent].trim().is_empty() && l[indent..].starts_with('"'))
        .filter_map(|l| l[indent + 1..].split_once("\":").map(|(key, _)| key.to_string()))
        .collect()
}

pub(crate) fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check(schema, schema, value, "$", &mut problems);
    problems
}

fn check(root: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/$defs/");
        return check(root, &root["$defs"][name], value, at, out);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let fits = options.iter().filter(|o| validate_with(root, o, value)).count();
        if fits != 1 {
            out.push(format!("{at}: matches {fits} of oneOf"));
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let is = |ty: &str| match ty {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        };
        if !types.iter().any(|ty| is(ty)) {
            return out.push(format!("{at}: {value} is not {types:?}"));
        }
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            out.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let (Some(p), Some(s)) = (schema["pattern"].as_str(), value.as_str()) {
        if !regex::Regex::new(p).unwrap().is_match(s) {
            out.push(format!("{at}: `{s}` does not match {p}"));
        }
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_f64(), value.as_f64()) {
        if n < min {
            out.push(format!("{at}: {n} < {min}"));
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(min) = schema["minItems"].as_u64() {
            if (items.len() as u64) < min {
                out.push(format!("{at}: fewer than {min} items"));
            }
        }
        if schema.get("items").is_some() {
            for (i, item) in items.iter().enumerate() {
                check(root, &schema["items"], item, &format!("{at}[{i}]"), out);
            }
        }
    }
    if let Some(object) = value.as_object() {
        for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(key) {
                out.push(format!("{at}: missing `{key}`"));
            }
        }
        let properties: BTreeMap<&str, &Value> = schema["properties"]
            .as_object()
            .map(|p| p.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        for (key, v) in object {
            match properties.get(key.as_str()) {
                Some(s) => check(root, s, v, &format!("{at}.{key}"), out),
                None if schema["additionalProperties"] == false => out.push(format!("{at}: unexpected `{key}`")),
                None => {}
            }
        }
    }
}

fn validate_with(root: &Value, schema: &Value, value: &Value) -> bool {
    let mut out = Vec::new();
    check(root, schema, value, "", &mut out);
    out.is_empty()
}
