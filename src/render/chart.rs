//! Inline SVG charts drawn at build time: no script, no library, readable without CSS. Bar
//! charts for counts over time, line charts with threshold bands for KRIs, and sparklines.

use std::fmt::Write;

use super::escape;
use super::view::capitalise;

/// One bar: its tick on the axis (`Q1`), the group its tick belongs to (`2025`, written once
/// under each run of bars), its full name, its value, and whether its period is still running.
pub struct Bar {
    pub tick: String,
    pub group: String,
    pub name: String,
    pub value: usize,
    pub in_progress: bool,
}

const WIDTH: usize = 640;
const HEIGHT: usize = 196;
const LEFT: usize = 36;
const BOTTOM: usize = 44;
const TOP: usize = 12;
/// The size of every chart text, in SVG units: the style sheet draws charts at least 600 px
/// wide (narrower screens scroll them), so no chart text renders under 11 px.
const FONT: usize = 12;
/// About how wide a character of [`FONT`] is.
const CHAR_W: f64 = 7.0;

/// A bar chart titled `title`; `id` must be unique on the page.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let plot_w = WIDTH - LEFT - 8;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w as f64 / bars.len().max(1) as f64;
    let bar_w = (slot * 0.7).max(1.0);
    let base_y = TOP + plot_h;
    let mut svg = open_svg("timeline", id, title, WIDTH, HEIGHT);
    let _ = write!(
        svg,
        r#"<g class="chart-axis" stroke="currentColor" stroke-width="1"><line x1="{LEFT}" y1="{base_y}" x2="{}" y2="{base_y}"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base_y}"/></g>"#,
        WIDTH - 8
    );
    let _ = write!(
        svg,
        r#"<g class="chart-label" fill="currentColor" font-size="{FONT}" text-anchor="end"><text x="{}" y="{}">{max}</text><text x="{}" y="{}">0</text></g>"#,
        LEFT - 4,
        TOP + 4,
        LEFT - 4,
        base_y + 4
    );
    svg.push_str(r#"<g class="chart-bars" fill="currentColor">"#);
    for (i, bar) in bars.iter().enumerate() {
        let h = bar.value as f64 / max as f64 * plot_h as f64;
        let x = LEFT as f64 + i as f64 * slot + (slot - bar_w) / 2.0;
        let y = base_y as f64 - h;
        let (class, extra, note) = if bar.in_progress {
            (
                "bar bar-partial",
                r#" fill-opacity="0.25" stroke="currentColor" stroke-dasharray="3 2""#,
                " (in progress)",
            )
        } else {
            ("bar", "", "")
        };
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}"{extra}><title>{}{note}: {}</title></rect>"#,
            escape(&bar.name),
            bar.value
        );
    }
    svg.push_str("</g>");
    let ticks: Vec<(&str, &str)> = bars.iter().map(|b| (b.tick.as_str(), b.group.as_str())).collect();
    axis_ticks(&mut svg, &ticks, |i| LEFT as f64 + (i as f64 + 0.5) * slot, slot, base_y as f64);
    if let Some(i) = bars.iter().rposition(|b| b.in_progress) {
        let x = LEFT as f64 + (i as f64 + 0.5) * slot;
        in_progress_label(&mut svg, x, TOP as f64 + 10.0);
    }
    svg.push_str("</svg>");
    svg
}

/// The tick labels under a chart's axis: each period's own tick (`Q1`, `Mar`) where there is
/// room, thinned out evenly where there is not, and under them each group (year) once, centred
/// on its run of periods and shortened (`’24`) where the run is narrower than the year.
fn axis_ticks(svg: &mut String, ticks: &[(&str, &str)], x: impl Fn(usize) -> f64, slot: f64, base_y: f64) {
    let widest = ticks.iter().map(|(t, _)| t.chars().count()).max().unwrap_or(1) as f64 * CHAR_W + 6.0;
    let every = (widest / slot).ceil().max(1.0) as usize;
    let _ = write!(
        svg,
        r#"<g class="chart-label chart-ticks" fill="currentColor" font-size="{FONT}" text-anchor="middle">"#
    );
    for (i, (tick, _)) in ticks.iter().enumerate() {
        if i % every == 0 && !tick.is_empty() {
            let _ = write!(svg, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, x(i), base_y + 16.0, escape(tick));
        }
    }
    let mut i = 0;
    while i < ticks.len() {
        let group = ticks[i].1;
        let run = ticks[i..].iter().take_while(|(_, g)| *g == group).count();
        let (first, last) = (x(i) - slot / 2.0, x(i + run - 1) + slot / 2.0);
        let width = last - first;
        let full = group.chars().count() as f64 * CHAR_W;
        let label = if full + 4.0 <= width || group.chars().count() < 4 {
            group.to_string()
        } else {
            format!("’{}", group.chars().skip(group.chars().count() - 2).collect::<String>())
        };
        if !group.is_empty() {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                (first + last) / 2.0,
                base_y + 31.0,
                escape(&label)
            );
            if i > 0 {
                let _ = write!(
                    svg,
                    r#"<line class="chart-group-mark" x1="{first:.1}" y1="{base_y:.1}" x2="{first:.1}" y2="{:.1}" stroke="currentColor" stroke-width="1"/>"#,
                    base_y + 34.0
                );
            }
        }
        i += run;
    }
    svg.push_str("</g>");
}

/// The words "in progress" above the period still running.
fn in_progress_label(svg: &mut String, x: f64, y: f64) {
    let _ = write!(
        svg,
        r#"<text class="chart-partial-label" x="{x:.1}" y="{y:.1}" font-size="{FONT}" fill="currentColor" text-anchor="end">in progress</text>"#
    );
}

/// An `<svg>` start tag with its accessible title; `id` must be unique on the page.
fn open_svg(class: &str, id: &str, title: &str, width: usize, height: usize) -> String {
    format!(
        r#"<svg class="{class}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="nm-{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="nm-{id}-title">{}</title>"#,
        escape(title)
    )
}

/// One period of a line chart: its axis tick and group (see [`Bar`]), its full name, its value.
pub struct Point {
    pub tick: String,
    pub group: String,
    pub name: String,
    /// `None` is "no data": the line breaks there.
    pub value: Option<f64>,
    /// The value as the page writes it, for the point's tooltip.
    pub text: String,
    /// The period has not ended: drawn hollow, reached by a dashed line, labelled, never rated.
    pub in_progress: bool,
}

/// Where amber and red begin, and which way is worse, for the background bands.
#[derive(Debug, Clone, Copy)]
pub struct Bands {
    pub amber: f64,
    pub red: f64,
    pub higher_is_worse: bool,
}

const LINE_HEIGHT: usize = 240;
const LINE_LEFT: usize = 60;
const LINE_RIGHT: usize = 64;
const LINE_BOTTOM: usize = 64;
/// Labels on the value axis closer than this (in SVG units) would overlap: one is left out.
const LABEL_GAP: f64 = 13.0;

/// A line chart of a KRI over its periods, with the green, amber and red bands behind it, axis
/// titles and tick labels. `y_title` names the unit, `x_title` the period. A period in progress
/// (the last) is drawn apart: a hollow point reached by a dashed line, labelled "in progress".
pub fn line_chart(id: &str, title: &str, y_title: &str, x_title: &str, points: &[Point], bands: Bands) -> String {
    let values = points.iter().filter_map(|p| p.value);
    let top = values.fold(bands.amber.max(bands.red) * 1.25, f64::max).max(1.0);
    let plot_w = (WIDTH - LINE_LEFT - LINE_RIGHT) as f64;
    let plot_h = (LINE_HEIGHT - TOP - LINE_BOTTOM) as f64;
    let base_y = (TOP as f64) + plot_h;
    let y = |v: f64| base_y - v.clamp(0.0, top) / top * plot_h;
    let slot = plot_w / points.len().max(1) as f64;
    let x = |i: usize| LINE_LEFT as f64 + (i as f64 + 0.5) * slot;
    let right = (WIDTH - LINE_RIGHT) as f64;

    let mut svg = open_svg("kri-chart", id, title, WIDTH, LINE_HEIGHT);
    let (low, high) = (bands.amber.min(bands.red), bands.amber.max(bands.red));
    let zones = if bands.higher_is_worse {
        [("green", 0.0, low), ("amber", low, high), ("red", high, top)]
    } else {
        [("red", 0.0, low), ("amber", low, high), ("green", high, top)]
    };
    svg.push_str(r#"<g class="chart-bands">"#);
    for (name, from, to) in zones {
        let (y0, y1) = (y(to), y(from));
        if y1 - y0 <= 0.0 {
            continue;
        }
        let _ = write!(
            svg,
            r#"<rect class="band band-{name}" x="{LINE_LEFT}" y="{y0:.1}" width="{plot_w:.1}" height="{:.1}"/>"#,
            y1 - y0
        );
        // A band too thin for its label goes unlabelled rather than labelled on the axis.
        if y1 - y0 >= LABEL_GAP {
            let _ = write!(
                svg,
                r#"<text class="band-label" x="{:.1}" y="{:.1}" font-size="{FONT}" fill="currentColor">{}</text>"#,
                right + 6.0,
                (y0 + y1) / 2.0 + 4.0,
                capitalise(name)
            );
        }
    }
    svg.push_str("</g>");
    let _ = write!(
        svg,
        r#"<g class="chart-axis" stroke="currentColor" stroke-width="1"><line x1="{LINE_LEFT}" y1="{base_y:.1}" x2="{right:.1}" y2="{base_y:.1}"/><line x1="{LINE_LEFT}" y1="{TOP}" x2="{LINE_LEFT}" y2="{base_y:.1}"/></g>"#
    );
    let _ = write!(svg, r#"<g class="chart-label" fill="currentColor" font-size="{FONT}" text-anchor="end">"#);
    for v in value_labels(&[0.0, bands.amber, bands.red, top], y) {
        let _ = write!(svg, r#"<text x="{}" y="{:.1}">{}</text>"#, LINE_LEFT - 4, y(v) + 4.0, number(v));
    }
    let _ = write!(
        svg,
        r#"<text x="14" y="{:.1}" text-anchor="middle" transform="rotate(-90 14 {:.1})">{}</text>"#,
        base_y - plot_h / 2.0,
        base_y - plot_h / 2.0,
        escape(y_title)
    );
    svg.push_str("</g>");
    let complete: Vec<Point> = points.iter().map(|p| p.without_partial()).collect();
    svg.push_str(r#"<g class="chart-line" fill="none" stroke="currentColor" stroke-width="2">"#);
    for run in runs(&complete) {
        let coords: Vec<String> = run.iter().map(|&(i, v)| format!("{:.1},{:.1}", x(i), y(v))).collect();
        if coords.len() > 1 {
            let _ = write!(svg, r#"<polyline points="{}"/>"#, coords.join(" "));
        }
    }
    if let Some(last) = points.len().checked_sub(1).filter(|&i| points[i].in_progress && i > 0) {
        if let (Some(a), Some(b)) = (points[last - 1].value, points[last].value) {
            let _ = write!(
                svg,
                r#"<line class="chart-line-partial" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke-dasharray="5 4"/>"#,
                x(last - 1),
                y(a),
                x(last),
                y(b)
            );
        }
    }
    svg.push_str("</g>");
    svg.push_str(r#"<g class="chart-points" fill="currentColor">"#);
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            let (class, extra, note) = if p.in_progress {
                (
                    "point point-partial",
                    r#" fill="none" stroke="currentColor" stroke-width="2""#,
                    " (in progress, not rated)",
                )
            } else {
                ("point", "", "")
            };
            let _ = write!(
                svg,
                r#"<circle class="{class}" cx="{:.1}" cy="{:.1}" r="4"{extra}><title>{}{note}: {}</title></circle>"#,
                x(i),
                y(v),
                escape(&p.name),
                escape(&p.text)
            );
        }
    }
    svg.push_str("</g>");
    let ticks: Vec<(&str, &str)> = points.iter().map(|p| (p.tick.as_str(), p.group.as_str())).collect();
    axis_ticks(&mut svg, &ticks, x, slot, base_y);
    if let Some(i) = points.iter().rposition(|p| p.in_progress) {
        let label_y = points[i].value.map_or(TOP as f64 + 12.0, |v| (y(v) - 10.0).max(TOP as f64 + 12.0));
        in_progress_label(&mut svg, x(i) + slot / 2.0, label_y);
    }
    let _ = write!(
        svg,
        r#"<text class="chart-label" x="{:.1}" y="{}" font-size="{FONT}" fill="currentColor" text-anchor="middle">{}</text>"#,
        LINE_LEFT as f64 + plot_w / 2.0,
        LINE_HEIGHT - 6,
        escape(x_title)
    );
    svg.push_str("</svg>");
    svg
}

/// The values to label on the value axis, each once, thresholds kept before the axis ends when
/// two would overlap.
fn value_labels(candidates: &[f64; 4], y: impl Fn(f64) -> f64) -> Vec<f64> {
    // Thresholds first: they matter more than the axis' ends.
    let order = [candidates[1], candidates[2], candidates[0], candidates[3]];
    let mut kept: Vec<f64> = Vec::new();
    for v in order {
        if kept.iter().all(|&k| (y(k) - y(v)).abs() >= LABEL_GAP) {
            kept.push(v);
        }
    }
    kept.sort_by(f64::total_cmp);
    kept
}

impl Point {
    /// The point as the solid line sees it: a period in progress has no value there.
    fn without_partial(&self) -> Point {
        Point {
            tick: String::new(),
            group: String::new(),
            name: String::new(),
            value: self.value.filter(|_| !self.in_progress),
            text: String::new(),
            in_progress: false,
        }
    }
}

/// A small trend line without axes; the page states the values in text beside it.
pub fn sparkline(id: &str, title: &str, values: &[Option<f64>]) -> String {
    const W: f64 = 120.0;
    const H: f64 = 32.0;
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let min = values.iter().flatten().copied().fold(max, f64::min).min(0.0);
    let span = if max > min { max - min } else { 1.0 };
    let step = W / values.len().max(1) as f64;
    let at = |i: usize, v: f64| ((i as f64 + 0.5) * step, H - 4.0 - (v - min) / span * (H - 8.0));
    let mut svg = open_svg("sparkline", id, title, W as usize, H as usize);
    svg.push_str(r#"<g fill="none" stroke="currentColor" stroke-width="1.5">"#);
    let points: Vec<Point> = values
        .iter()
        .map(|&value| Point {
            tick: String::new(),
            group: String::new(),
            name: String::new(),
            value,
            text: String::new(),
            in_progress: false,
        })
        .collect();
    for run in runs(&points) {
        let coords: Vec<String> = run
            .iter()
            .map(|&(i, v)| {
                let (x, y) = at(i, v);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        if coords.len() > 1 {
            let _ = write!(svg, r#"<polyline points="{}"/>"#, coords.join(" "));
        }
    }
    svg.push_str("</g>");
    if let Some((i, v)) = values.iter().enumerate().rev().find_map(|(i, v)| v.map(|v| (i, v))) {
        let (x, y) = at(i, v);
        let _ = write!(svg, r#"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="currentColor"/>"#);
    }
    svg.push_str("</svg>");
    svg
}

/// The stretches of consecutive points with data, as (index, value).
fn runs(points: &[Point]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = vec![Vec::new()];
    for (i, p) in points.iter().enumerate() {
        match (p.value, out.last_mut()) {
            (Some(v), Some(run)) => run.push((i, v)),
            (None, Some(run)) if !run.is_empty() => out.push(Vec::new()),
            _ => {}
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// A threshold as an axis label: `20` or `12.5`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(tick: &str, group: &str, name: &str, value: usize) -> Bar {
        Bar { tick: tick.into(), group: group.into(), name: name.into(), value, in_progress: false }
    }

    #[test]
    fn draws_one_bar_per_value_with_escaped_titles() {
        let bars = [bar("Q1", "2025", "2025 Q1", 2), bar("Q2", "2025", "<Q2>", 0)];
        let svg = bar_chart("c1", "Writeups & quarters", &bars);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(r#"<title id="nm-c1-title">Writeups &amp; quarters</title>"#));
        assert!(svg.contains("<title>&lt;Q2&gt;: 0</title>"));
        assert!(svg.contains(">2025</text>") && svg.contains(">Q1</text>") && svg.contains(">Q2</text>"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn every_quarter_is_labelled_and_each_year_once_without_collisions() {
        let mut bars = vec![bar("Q4", "2024", "2024 Q4", 1)];
        bars.extend((1..=4).map(|q| bar(&format!("Q{q}"), "2025", &format!("2025 Q{q}"), q)));
        let svg = bar_chart("c", "t", &bars);
        assert_eq!(svg.matches(">2024</text>").count(), 1, "{svg}");
        assert_eq!(svg.matches(">2025</text>").count(), 1);
        assert_eq!(svg.matches(">Q4</text>").count(), 2);
        // Many quarters: years that do not fit their run are shortened, never run together.
        let many: Vec<Bar> =
            (0..40).map(|i| bar(&format!("Q{}", i % 4 + 1), &(2000 + i / 4).to_string(), "x", 1)).collect();
        let svg = bar_chart("c", "t", &many);
        assert!(!svg.contains("20002001"));
        assert_eq!(svg.matches("chart-group-mark").count(), 9);
    }

    #[test]
    fn an_empty_chart_is_still_valid() {
        let svg = bar_chart("c", "none", &[]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    fn point(name: &str, value: Option<f64>) -> Point {
        Point {
            tick: name.into(),
            group: "2025".into(),
            name: name.into(),
            value,
            text: format!("{value:?}"),
            in_progress: false,
        }
    }

    #[test]
    fn line_charts_break_at_missing_data_and_draw_three_bands() {
        let points = [point("Q1", Some(10.0)), point("Q2", Some(30.0)), point("Q3", None), point("Q4", Some(50.0))];
        let bands = Bands { amber: 20.0, red: 40.0, higher_is_worse: true };
        let svg = line_chart("k", "Luck & chance", "percent", "Quarter", &points, bands);
        assert!(svg.contains(r#"<title id="nm-k-title">Luck &amp; chance</title>"#));
        assert_eq!(svg.matches("<polyline").count(), 1, "Q4 stands alone after the gap");
        assert_eq!(svg.matches(r#"class="point""#).count(), 3);
        for band in ["band-green", "band-amber", "band-red"] {
            assert_eq!(svg.matches(band).count(), 1, "{band}");
        }
        assert!(svg.contains(">percent</text>") && svg.contains(">Quarter</text>") && svg.contains(">Q3</text>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf") && !svg.contains("in progress"));
    }

    #[test]
    fn the_period_in_progress_is_hollow_dashed_and_labelled() {
        let mut points = vec![point("Q1", Some(10.0)), point("Q2", Some(12.0)), point("Q3", Some(100.0))];
        points[2].in_progress = true;
        let bands = Bands { amber: 20.0, red: 40.0, higher_is_worse: true };
        let svg = line_chart("k", "t", "percent", "Quarter", &points, bands);
        assert_eq!(svg.matches(r#"class="point point-partial""#).count(), 1);
        assert!(svg.contains(r#"class="chart-line-partial""#) && svg.contains(">in progress</text>"));
        // The solid line stops at the last complete period.
        let solid = svg.split("<polyline points=\"").nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(solid.split(' ').count(), 2, "{solid}");
    }

    #[test]
    fn value_labels_are_never_repeated_and_empty_bands_are_unlabelled() {
        let points = [point("Q1", Some(0.0)), point("Q2", Some(0.0))];
        let bands = Bands { amber: 0.0, red: 1.0, higher_is_worse: true };
        let svg = line_chart("k", "t", "count", "Quarter", &points, bands);
        assert_eq!(svg.matches(">0</text>").count(), 1, "{svg}");
        assert_eq!(svg.matches(">Green</text>").count(), 0, "a zero-height band has no label");
        assert_eq!(svg.matches("band-green").count(), 0);
    }

    #[test]
    fn sparklines_survive_empty_and_flat_series() {
        for values in [vec![], vec![None], vec![Some(0.0), Some(0.0)], vec![Some(3.0), None, Some(1.0)]] {
            let svg = sparkline("s", "trend", &values);
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(!svg.contains("NaN"), "{svg}");
        }
        assert_eq!(sparkline("s", "t", &[Some(3.0), Some(2.0), Some(1.0)]).matches("<polyline").count(), 1);
    }
}
