//! Inline SVG charts drawn at build time: no script, no library, readable without CSS. Bar
//! charts for counts over time, line charts with threshold bands for KRIs, and sparklines.

use std::fmt::Write;

use super::escape;
use super::view::capitalise;

/// One bar: its label on the axis (or `None` to leave the axis blank there), its full name, its value.
pub struct Bar {
    pub tick: Option<String>,
    pub name: String,
    pub value: usize,
}

const WIDTH: usize = 640;
const HEIGHT: usize = 180;
const LEFT: usize = 32;
const BOTTOM: usize = 28;
const TOP: usize = 12;

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
        r#"<g class="chart-label" fill="currentColor" font-size="11" text-anchor="end"><text x="{}" y="{}">{max}</text><text x="{}" y="{}">0</text></g>"#,
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
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}"><title>{}: {}</title></rect>"#,
            escape(&bar.name),
            bar.value
        );
    }
    svg.push_str("</g>");
    svg.push_str(r#"<g class="chart-label" fill="currentColor" font-size="11" text-anchor="middle">"#);
    for (i, bar) in bars.iter().enumerate() {
        if let Some(tick) = &bar.tick {
            let x = LEFT as f64 + (i as f64 + 0.5) * slot;
            let _ = write!(svg, r#"<text x="{x:.1}" y="{}">{}</text>"#, base_y + 16, escape(tick));
        }
    }
    svg.push_str("</g></svg>");
    svg
}

/// An `<svg>` start tag with its accessible title; `id` must be unique on the page.
fn open_svg(class: &str, id: &str, title: &str, width: usize, height: usize) -> String {
    format!(
        r#"<svg class="{class}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="nm-{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="nm-{id}-title">{}</title>"#,
        escape(title)
    )
}

/// One period of a line chart: its axis label (if shown), its full name, its value.
pub struct Point {
    pub tick: Option<String>,
    pub name: String,
    /// `None` is "no data": the line breaks there.
    pub value: Option<f64>,
    /// The value as the page writes it, for the point's tooltip.
    pub text: String,
}

/// Where amber and red begin, and which way is worse, for the background bands.
#[derive(Debug, Clone, Copy)]
pub struct Bands {
    pub amber: f64,
    pub red: f64,
    pub higher_is_worse: bool,
}

const LINE_HEIGHT: usize = 220;
const LINE_LEFT: usize = 56;
const LINE_RIGHT: usize = 64;
const LINE_BOTTOM: usize = 44;

/// A line chart of a KRI over its periods, with the green, amber and red bands behind it, axis
/// titles and tick labels. `y_title` names the unit, `x_title` the period.
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
        let _ = write!(
            svg,
            r#"<rect class="band band-{name}" x="{LINE_LEFT}" y="{y0:.1}" width="{plot_w:.1}" height="{:.1}"/><text class="band-label" x="{:.1}" y="{:.1}" font-size="11" fill="currentColor">{}</text>"#,
            (y1 - y0).max(0.0),
            right + 6.0,
            (y0 + y1) / 2.0 + 4.0,
            capitalise(name)
        );
    }
    svg.push_str("</g>");
    let _ = write!(
        svg,
        r#"<g class="chart-axis" stroke="currentColor" stroke-width="1"><line x1="{LINE_LEFT}" y1="{base_y:.1}" x2="{right:.1}" y2="{base_y:.1}"/><line x1="{LINE_LEFT}" y1="{TOP}" x2="{LINE_LEFT}" y2="{base_y:.1}"/></g>"#
    );
    svg.push_str(r#"<g class="chart-label" fill="currentColor" font-size="11" text-anchor="end">"#);
    for v in [0.0, bands.amber, bands.red, top] {
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
    svg.push_str(r#"<g class="chart-line" fill="none" stroke="currentColor" stroke-width="2">"#);
    for run in runs(points) {
        let coords: Vec<String> = run.iter().map(|&(i, v)| format!("{:.1},{:.1}", x(i), y(v))).collect();
        if coords.len() > 1 {
            let _ = write!(svg, r#"<polyline points="{}"/>"#, coords.join(" "));
        }
    }
    svg.push_str("</g>");
    svg.push_str(r#"<g class="chart-points" fill="currentColor">"#);
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            let _ = write!(
                svg,
                r#"<circle class="point" cx="{:.1}" cy="{:.1}" r="3.5"><title>{}: {}</title></circle>"#,
                x(i),
                y(v),
                escape(&p.name),
                escape(&p.text)
            );
        }
    }
    svg.push_str("</g>");
    svg.push_str(r#"<g class="chart-label" fill="currentColor" font-size="11" text-anchor="middle">"#);
    for (i, p) in points.iter().enumerate() {
        if let Some(tick) = &p.tick {
            let _ = write!(svg, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, x(i), base_y + 16.0, escape(tick));
        }
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{}">{}</text>"#,
        LINE_LEFT as f64 + plot_w / 2.0,
        LINE_HEIGHT - 6,
        escape(x_title)
    );
    svg.push_str("</g></svg>");
    svg
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
    let points: Vec<Point> =
        values.iter().map(|&value| Point { tick: None, name: String::new(), value, text: String::new() }).collect();
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

    #[test]
    fn draws_one_bar_per_value_with_escaped_titles() {
        let bars = [
            Bar { tick: Some("2025".into()), name: "2025 Q1".into(), value: 2 },
            Bar { tick: None, name: "<Q2>".into(), value: 0 },
        ];
        let svg = bar_chart("c1", "Writeups & quarters", &bars);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(r#"<title id="nm-c1-title">Writeups &amp; quarters</title>"#));
        assert!(svg.contains("<title>&lt;Q2&gt;: 0</title>"));
        assert!(svg.contains(">2025</text>"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn an_empty_chart_is_still_valid() {
        let svg = bar_chart("c", "none", &[]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    fn point(name: &str, value: Option<f64>) -> Point {
        Point { tick: Some(name.into()), name: name.into(), value, text: format!("{value:?}") }
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
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
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
