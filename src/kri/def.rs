//! KRI definitions: what `kris:` in `site.yaml` declares (or the embedded default set), read with
//! the same `file:line:col` diagnostics as the rest of the configuration.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::model::{slugify, Keyword, Severity, Writeup};
use crate::validate::fields::{did_you_mean, Fields, Need};
use crate::yaml::{self, Node, NodeKind};

use super::metric::Metric;
use super::period::PeriodKind;
use super::value::Tenths;

/// One declared Key Risk Indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KriDef {
    /// The page's file name, `kri/<slug>.html`, and the id in exports.
    pub slug: String,
    pub name: String,
    /// Why it matters: the risk it warns about.
    pub description: String,
    pub metric: Metric,
    pub period: PeriodKind,
    pub filter: Filter,
    pub thresholds: Thresholds,
}

/// Which published near misses a KRI looks at: each non-empty list must match (any of its values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Pattern slugs, with where they are written for "unknown pattern" errors.
    pub patterns: Vec<(String, Span)>,
    pub teams: Vec<String>,
    pub impact_areas: Vec<String>,
    pub severities: Vec<Severity>,
}

impl Filter {
    /// Whether the KRI counts `w` (text compared case-insensitively).
    pub fn selects(&self, w: &Writeup) -> bool {
        fn any<'a>(
            wanted: impl ExactSizeIterator<Item = &'a str> + Clone,
            mut have: impl Iterator<Item = &'a str>,
        ) -> bool {
            wanted.len() == 0 || have.any(|h| wanted.clone().any(|x| h.eq_ignore_ascii_case(x)))
        }
        any(self.patterns.iter().map(|(p, _)| p.as_str()), w.patterns.iter().map(|(p, _)| p.as_str()))
            && any(self.teams.iter().map(String::as_str), w.team.as_deref().into_iter())
            && any(self.impact_areas.iter().map(String::as_str), w.impact_area.iter().map(String::as_str))
            && (self.severities.is_empty() || self.severities.contains(&w.severity))
    }

    /// "pattern credential-leak; severity high or critical", or `None` for every near miss.
    pub fn describe(&self) -> Option<String> {
        let or = |items: Vec<String>| match items.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => items.join(""),
        };
        let mut parts = Vec::new();
        let mut add = |label: &str, items: Vec<String>| {
            if !items.is_empty() {
                parts.push(format!("{label} {}", or(items)));
            }
        };
        add("pattern", self.patterns.iter().map(|(p, _)| p.clone()).collect());
        add("team", self.teams.clone());
        add("impact area", self.impact_areas.clone());
        add("severity", self.severities.iter().map(|s| s.as_str().to_string()).collect());
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Which way is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    HigherIsWorse,
    HigherIsBetter,
}

impl Keyword for Direction {
    const ALL: &'static [(&'static str, Self)] =
        &[("higher_is_worse", Direction::HigherIsWorse), ("higher_is_better", Direction::HigherIsBetter)];
}

/// Red, amber, green: how a value stands against the risk appetite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }

    /// The status in words, so that colour is never the only cue.
    pub fn label(self) -> &'static str {
        match self {
            Rag::Green => "Green: within appetite",
            Rag::Amber => "Amber: watch",
            Rag::Red => "Red: escalate",
        }
    }
}

/// Where amber and red begin; the limit itself belongs to the worse band. Always ordered so
/// that red is beyond amber in the bad direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Thresholds {
    direction: Direction,
    amber: Tenths,
    red: Tenths,
}

impl Thresholds {
    /// `None` unless red lies beyond amber in the bad direction.
    pub fn new(direction: Direction, amber: Tenths, red: Tenths) -> Option<Thresholds> {
        let ordered = match direction {
            Direction::HigherIsWorse => amber < red,
            Direction::HigherIsBetter => amber > red,
        };
        ordered.then_some(Thresholds { direction, amber, red })
    }

    pub fn direction(self) -> Direction {
        self.direction
    }

    pub fn amber(self) -> Tenths {
        self.amber
    }

    pub fn red(self) -> Tenths {
        self.red
    }

    /// Whether `value` is at or beyond `limit` in the bad direction.
    fn reaches(self, value: Tenths, limit: Tenths) -> bool {
        match self.direction {
            Direction::HigherIsWorse => value >= limit,
            Direction::HigherIsBetter => value <= limit,
        }
    }

    pub fn rate(self, value: Tenths) -> Rag {
        if self.reaches(value, self.red) {
            Rag::Red
        } else if self.reaches(value, self.amber) {
            Rag::Amber
        } else {
            Rag::Green
        }
    }

    /// Whether a change of `delta` is for the worse (`Some(false)`: better; `None`: no change).
    pub fn worsens(self, delta: Tenths) -> Option<bool> {
        match delta.tenths().signum() {
            0 => None,
            s => Some((s > 0) == (self.direction == Direction::HigherIsWorse)),
        }
    }
}

/// The KRIs a site gets when `site.yaml` has no `kris:` key.
const DEFAULTS: &str = include_str!("defaults.yaml");

/// The embedded default set.
pub fn defaults() -> Vec<KriDef> {
    let mut ignored = Diagnostics::default();
    match yaml::parse(DEFAULTS, 1) {
        Ok(node) => read_list(Path::new("<default KRIs>"), &node, &mut ignored),
        Err(_) => Vec::new(),
    }
}

/// Reads `kris:` from `site.yaml`: the default set when absent, none for `kris: []`.
pub fn read(f: &mut Fields<'_>) -> Vec<KriDef> {
    let hint = "a list of KRIs, each with name, description, metric, period and thresholds";
    match f.node("kris", Need::Optional, hint) {
        None => defaults(),
        Some(node) => {
            let file = f.file();
            read_list(file, node, f.diags())
        }
    }
}

fn read_list(file: &Path, node: &Node, diags: &mut Diagnostics) -> Vec<KriDef> {
    let NodeKind::Seq(items) = &node.kind else {
        diags.push(
            Diagnostic::error(file, node.span, format!("`kris` must be a list, found {}", node.type_name()))
                .with_hint("write one `- name: …` item per KRI, or `kris: []` for none"),
        );
        return Vec::new();
    };
    let mut out: Vec<KriDef> = Vec::new();
    for item in items {
        let Some((def, slug_span)) = read_one(file, item, diags) else { continue };
        if out.iter().any(|d| d.slug == def.slug) {
            diags.push(
                Diagnostic::error(file, slug_span, format!("two KRIs have the slug `{}`", def.slug))
                    .with_hint("give each KRI its own `slug` (or name)"),
            );
        } else {
            out.push(def);
        }
    }
    out
}

/// One KRI and where its slug (or name) is written.
fn read_one(file: &Path, item: &Node, diags: &mut Diagnostics) -> Option<(KriDef, Span)> {
    let mut f = Fields::new(file, item, "a KRI", diags)?;
    let name = f.text("name", Need::Required, "a short title, e.g. `name: Share stopped only by luck`");
    let slug = f.text("slug", Need::Optional, "");
    let description =
        f.text("description", Need::Required, "why it matters: the risk this indicator warns about, in a sentence");
    let metric = f.keyword::<Metric>("metric", Need::Required);
    let period = f.keyword::<PeriodKind>("period", Need::Required);
    let window = whole_number(&mut f, "window_days");
    let filter =
        f.node("filter", Need::Optional, "").map_or(Some(Filter::default()), |n| read_filter(file, n, f.diags()));
    let thresholds = f
        .node("thresholds", Need::Required, "e.g. `thresholds: {direction: higher_is_worse, amber: 20, red: 40}`")
        .and_then(|n| read_thresholds(file, n, f.diags()));
    f.finish();

    let (slug, slug_span) = match (slug, &name) {
        (Some((slug, span)), _) => (slug, span),
        (None, Some((name, span))) => (slugify(name), *span),
        (None, None) => return None,
    };
    let slug_ok = !slug.is_empty()
        && slug != "index"
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        diags.push(
            Diagnostic::error(file, slug_span, format!("`{slug}` cannot name a KRI page"))
                .with_hint("set `slug:` to lowercase words joined by `-` (not `index`), e.g. `slug: luck-share`"),
        );
    }
    let metric = match (metric?, window) {
        (Metric::RepeatRate { .. }, Some((days, _))) => Metric::RepeatRate { window_days: days },
        (other, Some((_, span))) => {
            diags.push(
                Diagnostic::error(file, span, format!("`window_days` does not apply to `{}`", other.name()))
                    .with_hint("only `metric: repeat_rate` has a look-back window"),
            );
            return None;
        }
        (other, None) => other,
    };
    let def = KriDef {
        slug,
        name: name?.0,
        description: description?.0,
        metric,
        period: period?,
        filter: filter?,
        thresholds: thresholds?,
    };
    slug_ok.then_some((def, slug_span))
}

fn read_filter(file: &Path, node: &Node, diags: &mut Diagnostics) -> Option<Filter> {
    let mut f = Fields::new(file, node, "`filter`", diags)?;
    let patterns = words(&mut f, "pattern");
    let teams = words(&mut f, "team");
    let impact_areas = words(&mut f, "impact_area");
    let severities = words(&mut f, "severity");
    f.finish();
    let mut parsed = Vec::new();
    for (word, span) in severities.clone().unwrap_or_default() {
        match Severity::parse(&word) {
            Some(s) => parsed.push(s),
            None => {
                let choices: Vec<&str> = Severity::ALL.iter().map(|(w, _)| *w).collect();
                let hint = match did_you_mean(&word, &choices) {
                    Some(close) => format!("did you mean `{close}`? use one of: {}", Severity::choices()),
                    None => format!("use one of: {}", Severity::choices()),
                };
                diags
                    .push(Diagnostic::error(file, span, format!("`{word}` is not a valid `severity`")).with_hint(hint));
                return None;
            }
        }
    }
    let texts = |l: Option<Vec<(String, Span)>>| l.map(|l| l.into_iter().map(|(t, _)| t).collect::<Vec<_>>());
    Some(Filter {
        patterns: patterns?,
        teams: texts(teams)?,
        impact_areas: texts(impact_areas)?,
        severities: severities.map(|_| parsed)?,
    })
}

/// One text or a list of texts; absent is an empty list, a bad value `None`.
fn words(f: &mut Fields<'_>, key: &'static str) -> Option<Vec<(String, Span)>> {
    match f.node(key, Need::Optional, "").map(|n| matches!(n.kind, NodeKind::Seq(_))) {
        None => Some(Vec::new()),
        Some(true) => f.list(key, Need::Optional, ""),
        Some(false) => f.text(key, Need::Optional, "").map(|t| vec![t]),
    }
}

fn read_thresholds(file: &Path, node: &Node, diags: &mut Diagnostics) -> Option<Thresholds> {
    let mut f = Fields::new(file, node, "`thresholds`", diags)?;
    let direction = f.keyword::<Direction>("direction", Need::Required);
    let amber = number(&mut f, "amber");
    let red = number(&mut f, "red");
    f.finish();
    let ((amber, _), (red, red_span), direction) = (amber?, red?, direction?);
    let made = Thresholds::new(direction, amber, red);
    if made.is_none() {
        let (want, because) = match direction {
            Direction::HigherIsWorse => ("above", "higher values are worse"),
            Direction::HigherIsBetter => ("below", "higher values are better"),
        };
        diags.push(
            Diagnostic::error(file, red_span, format!("`red` ({red}) must be {want} `amber` ({amber})"))
                .with_hint(format!("{because}, so red must lie beyond amber; or change `direction`")),
        );
    }
    made
}

/// A required number with at most one decimal.
fn number(f: &mut Fields<'_>, key: &'static str) -> Option<(Tenths, Span)> {
    let node = f.node(key, Need::Required, "a number, e.g. `20` or `12.5`, in the metric's unit")?;
    let tenths = match node.kind {
        NodeKind::Int(i) => i.checked_mul(10),
        NodeKind::Float(x) if (x * 10.0 - (x * 10.0).round()).abs() < 1e-9 && x.abs() < 1e15 => {
            Some((x * 10.0).round() as i64)
        }
        _ => None,
    };
    if tenths.is_none() {
        let found = node.as_scalar().unwrap_or_else(|| node.type_name().to_string());
        let d = Diagnostic::error(
            f.file(),
            node.span,
            format!("`{key}` must be a number with at most one decimal, found `{found}`"),
        )
        .with_hint("write e.g. `20` or `12.5`: percentages in percent, durations in days");
        f.diags().push(d);
    }
    tenths.map(|t| (Tenths::from_tenths(t), node.span))
}

/// An optional whole number of at least 1.
fn whole_number(f: &mut Fields<'_>, key: &'static str) -> Option<(u32, Span)> {
    let node = f.node(key, Need::Optional, "")?;
    let value = match node.kind {
        NodeKind::Int(i) => u32::try_from(i).ok().filter(|n| *n >= 1),
        _ => None,
    };
    if value.is_none() {
        let found = node.as_scalar().unwrap_or_else(|| node.type_name().to_string());
        let d =
            Diagnostic::error(f.file(), node.span, format!("`{key}` must be a whole number of days, found `{found}`"))
                .with_hint(format!("e.g. `{key}: 90`"));
        f.diags().push(d);
    }
    value.map(|v| (v, node.span))
}

/// Reports pattern slugs in filters that no pattern has.
pub fn check_patterns(file: &Path, defs: &[KriDef], slugs: &[&str], diags: &mut Diagnostics) {
    for (slug, span) in defs.iter().flat_map(|d| &d.filter.patterns) {
        if !slugs.contains(&slug.as_str()) {
            let hint = match did_you_mean(slug, slugs) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("known patterns: {}", slugs.join(", ")),
            };
            diags.push(
                Diagnostic::error(file, *span, format!("unknown pattern `{slug}` in a KRI filter")).with_hint(hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_yaml(text: &str) -> (Vec<KriDef>, Vec<Diagnostic>) {
        let node = yaml::parse(text, 1).unwrap();
        let mut diags = Diagnostics::default();
        let mut f = Fields::new(Path::new("site.yaml"), &node, "site.yaml", &mut diags).unwrap();
        let defs = read(&mut f);
        f.finish();
        (defs, diags.sorted())
    }

    const ONE: &str = "\
kris:
  - name: Share stopped only by luck
    description: Luck is not a control.
    metric: luck_share
    period: quarter
    filter:
      pattern: credential-leak
      severity: [high, critical]
    thresholds:
      direction: higher_is_worse
      amber: 20
      red: 33.5
";

    #[test]
    fn reads_a_kri_with_its_filter_and_thresholds() {
        let (defs, d) = read_yaml(ONE);
        assert!(d.is_empty(), "{d:?}");
        let k = &defs[0];
        assert_eq!(k.slug, "share-stopped-only-by-luck");
        assert_eq!(k.metric, Metric::LuckShare);
        assert_eq!(k.period, PeriodKind::Quarter);
        assert_eq!(k.filter.patterns, [("credential-leak".to_string(), Span::new(7, 16, 15))]);
        assert_eq!(k.filter.severities, [Severity::High, Severity::Critical]);
        assert_eq!(k.filter.describe().as_deref(), Some("pattern credential-leak; severity high or critical"));
        assert_eq!(k.thresholds.red(), Tenths::from_tenths(335));
    }

    #[test]
    fn the_default_set_is_valid_and_used_when_kris_is_absent() {
        let node = yaml::parse(DEFAULTS, 1).unwrap();
        let mut diags = Diagnostics::default();
        let defs = read_list(Path::new("defaults.yaml"), &node, &mut diags);
        assert!(diags.is_empty(), "{:?}", diags.sorted());
        assert_eq!(defs.len(), 14);
        let (absent, _) = read_yaml("title: x\n");
        assert_eq!(absent, defs);
        let (none, d) = read_yaml("kris: []\n");
        assert!(none.is_empty() && d.is_empty());
        // Every metric is in the default set once.
        for (name, _) in Metric::ALL {
            assert_eq!(defs.iter().filter(|k| k.metric.name() == *name).count(), 1, "{name}");
        }
    }

    #[test]
    fn bad_values_are_located_with_hints() {
        let text = ONE
            .replace("metric: luck_share", "metric: luck_shar\n    window_days: 30")
            .replace("red: 33.5", "red: 10")
            .replace("period: quarter", "period: week\n    colour: red");
        let (defs, d) = read_yaml(&text);
        assert!(defs.is_empty());
        let lines: Vec<String> = d.iter().map(|d| format!("{d} [{}]", d.hint.as_deref().unwrap_or(""))).collect();
        assert!(lines.contains(&"site.yaml:4:13: error: `luck_shar` is not a valid `metric` [did you mean `luck_share`? use one of: reported, reporting_lag_median, reporting_lag_p90, luck_share, control_share, repeat_rate, action_closure_rate, overdue_actions, mean_days_to_close, exposure, retrospective_within_48h, time_to_detect, oldest_overdue_action or high_severity_share]".to_string()), "{lines:#?}");
        assert!(
            lines.iter().any(|l| l.starts_with("site.yaml:6:13: error: `week` is not a valid `period`")),
            "{lines:#?}"
        );
        assert!(lines.iter().any(|l| l.starts_with("site.yaml:7:5: error: unknown field `colour`")), "{lines:#?}");
        assert!(
            lines.iter().any(|l| l.starts_with("site.yaml:14:12: error: `red` (10.0) must be above `amber` (20.0)")),
            "{lines:#?}"
        );
    }

    #[test]
    fn window_days_belongs_to_repeat_rate_and_slugs_are_unique() {
        let repeat = ONE.replace("metric: luck_share", "metric: repeat_rate\n    window_days: 30");
        let (defs, d) = read_yaml(&repeat);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(defs[0].metric, Metric::RepeatRate { window_days: 30 });
        let (_, d) = read_yaml(&ONE.replace("metric: luck_share", "metric: luck_share\n    window_days: 30"));
        assert_eq!(d[0].message, "`window_days` does not apply to `luck_share`");
        let twice = format!("{ONE}{}", &ONE["kris:\n".len()..]);
        let (defs, d) = read_yaml(&twice);
        assert_eq!(defs.len(), 1);
        assert_eq!(d[0].to_string(), "site.yaml:13:11: error: two KRIs have the slug `share-stopped-only-by-luck`");
        let (_, d) = read_yaml(&ONE.replace("red: 33.5", "red: 33.55"));
        assert_eq!(d[0].message, "`red` must be a number with at most one decimal, found `33.55`");
    }

    #[test]
    fn filters_take_one_value_or_a_list_and_reject_the_rest() {
        let (defs, d) = read_yaml(&ONE.replace("severity: [high, critical]", "team: Team-Heron"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(defs[0].filter.teams, ["Team-Heron"]);
        let (defs, d) = read_yaml(&ONE.replace("pattern: credential-leak", "pattern: {a: b}"));
        assert!(defs.is_empty());
        assert_eq!(d[0].message, "`pattern` must be text, found a mapping");
        let (_, d) = read_yaml(&ONE.replace("[high, critical]", "[hihg]"));
        assert_eq!(d[0].to_string(), "site.yaml:8:18: error: `hihg` is not a valid `severity`");
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `high`? use one of: low, medium, high or critical"));
    }

    #[test]
    fn thresholds_put_the_limit_in_the_worse_band() {
        let t = |n| Tenths::whole(n);
        let worse = Thresholds::new(Direction::HigherIsWorse, t(20), t(40)).unwrap();
        assert_eq!(
            [19, 20, 39, 40, 41].map(|v| worse.rate(t(v))),
            [Rag::Green, Rag::Amber, Rag::Amber, Rag::Red, Rag::Red]
        );
        assert_eq!(worse.rate(Tenths::from_tenths(199)), Rag::Green);
        let better = Thresholds::new(Direction::HigherIsBetter, t(3), t(1)).unwrap();
        assert_eq!(
            [0, 1, 2, 3, 4].map(|v| better.rate(t(v))),
            [Rag::Red, Rag::Red, Rag::Amber, Rag::Amber, Rag::Green]
        );
        assert!(Thresholds::new(Direction::HigherIsBetter, t(1), t(3)).is_none());
        assert!(Thresholds::new(Direction::HigherIsWorse, t(3), t(3)).is_none());
        assert_eq!(worse.worsens(t(1)), Some(true));
        assert_eq!(better.worsens(t(1)), Some(false));
        assert_eq!(better.worsens(t(0)), None);
    }
}
