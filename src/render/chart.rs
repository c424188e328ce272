//! Inline SVG bar charts drawn at build time: no script, no library, readable without CSS.

use std::fmt::Write;

use super::escape;

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
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="nm-{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="nm-{id}-title">{}</title>"#,
        escape(title)
    );
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
}
