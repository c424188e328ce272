//! The published dataset for other organisations to aggregate: `kri.json`, `kri.csv` and
//! `writeups.json`, each described by a JSON Schema shipped under `schemas/`. Output is
//! deterministic: keys sorted, records in a fixed order, numbers written one way.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use super::view::WriteupCard;
use super::Input;
use crate::date::Date;
use crate::export::{json_to, Stream};
use crate::feed::format::WriteupFields;
use crate::kri::metric::Behind;
use crate::kri::value::{Tenths, Unit};
use crate::kri::{Point, Series};
use crate::model::{Keyword, Writeup};
use crate::Error;

/// The schemas, by file name under `schemas/`.
pub const SCHEMAS: [(&str, &str); 3] = [
    ("kri.schema.json", include_str!("schemas/kri.schema.json")),
    ("kri.csv.schema.json", include_str!("schemas/kri.csv.schema.json")),
    ("writeups.schema.json", include_str!("schemas/writeups.schema.json")),
];

/// The columns of `kri.csv`, one row per KRI and period.
pub const CSV_COLUMNS: [&str; 11] =
    ["kri", "name", "metric", "unit", "period", "complete", "value", "status", "numerator", "records", "writeups"];

/// The path of every export and schema.
pub fn paths() -> Vec<String> {
    let mut out = vec!["kri.json".to_string(), "kri.csv".into(), "writeups.json".into()];
    out.extend(SCHEMAS.iter().map(|(name, _)| format!("schemas/{name}")));
    out
}

/// Writes the export or schema at `path` to `out` as it is made, record by record (nothing
/// for no such file).
pub fn write(
    input: &Input<'_>,
    views: &[Arc<WriteupCard>],
    path: &str,
    out: &mut dyn Write,
) -> Option<Result<(), Error>> {
    let written = match path {
        "kri.json" => kri_json(input, out),
        "kri.csv" => kri_csv(&input.indicators.site, out).map_err(|e| Error::io(Path::new(path), e)),
        "writeups.json" => writeups_json(input, views, out),
        _ => {
            let name = path.strip_prefix("schemas/")?;
            let (_, text) = SCHEMAS.iter().find(|(n, _)| *n == name)?;
            out.write_all(text.as_bytes()).map_err(|e| Error::io(Path::new(path), e))
        }
    };
    Some(written)
}

/// A value as JSON: whole numbers for counts and scores, one decimal for percentages and days.
fn number(unit: Unit, v: Option<Tenths>) -> Value {
    match (v, unit) {
        (None, _) => Value::Null,
        (Some(v), Unit::Count | Unit::Score) => json!(v.tenths().div_euclid(10)),
        (Some(v), Unit::Percent | Unit::Days) => json!(v.as_f64()),
    }
}

/// Every export: where its schema is (absolute when `base_url` is), what made it, the as-of
/// date and the site, then its records: `kris` or `writeups`. Fields are in key order.
#[derive(Serialize)]
struct Export<T> {
    #[serde(rename = "$schema")]
    schema: String,
    as_of: Date,
    generator: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kris: Option<T>,
    site: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    writeups: Option<T>,
}

impl<T: Serialize> Export<T> {
    fn new(input: &Input<'_>, schema: &str) -> Export<T> {
        let base = if input.config.has_absolute_base_url() { input.config.base_url.as_str() } else { "" };
        Export {
            schema: format!("{base}schemas/{schema}"),
            as_of: input.as_of,
            generator: format!("nearmiss {}", env!("CARGO_PKG_VERSION")),
            kris: None,
            site: json!({ "title": input.config.title, "base_url": input.config.base_url }),
            writeups: None,
        }
    }
}

fn kri_json(input: &Input<'_>, out: &mut dyn Write) -> Result<(), Error> {
    let kris = Stream::new(input.indicators.site.iter().map(Kri::new));
    json_to(out, &Export { kris: Some(kris), ..Export::new(input, "kri.schema.json") })
}

/// One KRI in `kri.json`, fields in key order.
#[derive(Serialize)]
struct Kri<'a> {
    current: Value,
    definition: String,
    description: &'a str,
    filter: Value,
    metric: &'static str,
    name: &'a str,
    period: &'static str,
    series: Vec<PointOut<'a>>,
    slug: &'a str,
    thresholds: Value,
    unit: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    window_days: Option<u32>,
}

impl<'a> Kri<'a> {
    fn new(series: &'a Series) -> Kri<'a> {
        let def = &series.def;
        let unit = def.metric.unit();
        let t = def.thresholds;
        let head = series.headline();
        Kri {
            current: json!({
                "period": head.period.id(),
                "complete": head.complete,
                "value": number(unit, head.measure.value),
                "status": head.status.map(|s| s.as_str()),
                "change": number(unit, series.change()),
            }),
            definition: def.metric.definition(),
            description: &def.description,
            filter: json!({
                "pattern": def.filter.patterns.iter().map(|(p, _)| p).collect::<Vec<_>>(),
                "team": def.filter.teams,
                "impact_area": def.filter.impact_areas,
                "severity": def.filter.severities.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            }),
            metric: def.metric.name(),
            name: &def.name,
            period: def.period.as_str(),
            series: series.points().iter().map(|p| PointOut::new(p, unit)).collect(),
            slug: &def.slug,
            thresholds: json!({
                "direction": t.direction().as_str(),
                "amber": number(unit, Some(t.amber())),
                "red": number(unit, Some(t.red())),
            }),
            unit: unit.as_str(),
            window_days: match def.metric {
                crate::kri::metric::Metric::RepeatRate { window_days } => Some(window_days),
                _ => None,
            },
        }
    }
}

/// One period of a KRI in `kri.json`, fields in key order.
#[derive(Serialize)]
struct PointOut<'a> {
    complete: bool,
    numerator: Option<usize>,
    period: String,
    records: usize,
    status: Option<&'static str>,
    value: Value,
    writeups: &'a Behind,
}

impl<'a> PointOut<'a> {
    fn new(p: &'a Point, unit: Unit) -> PointOut<'a> {
        PointOut {
            complete: p.complete,
            numerator: p.measure.numerator,
            period: p.period.id(),
            records: p.measure.records,
            status: p.status.map(|s| s.as_str()),
            value: number(unit, p.measure.value),
            writeups: &p.measure.writeups,
        }
    }
}

/// One row per KRI and period, oldest period first, RFC 4180 (CRLF line ends, quoted as needed).
fn kri_csv(site: &[Series], out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(csv_line(CSV_COLUMNS.iter().map(|c| c.to_string())).as_bytes())?;
    for series in site {
        let def = &series.def;
        let unit = def.metric.unit();
        for p in series.points() {
            let m = &p.measure;
            out.write_all(
                csv_line([
                    def.slug.clone(),
                    def.name.clone(),
                    def.metric.name().to_string(),
                    unit.as_str().to_string(),
                    p.period.id(),
                    p.complete.to_string(),
                    m.value.map(|v| unit.number(v)).unwrap_or_default(),
                    p.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
                    m.numerator.map(|n| n.to_string()).unwrap_or_default(),
                    m.records.to_string(),
                    m.writeups.iter().collect::<Vec<_>>().join(" "),
                ])
                .as_bytes(),
            )?;
        }
    }
    Ok(())
}

fn csv_line(fields: impl IntoIterator<Item = String>) -> String {
    let quoted: Vec<String> = fields
        .into_iter()
        .map(|f| {
            if f.contains([',', '"', '\r', '\n']) || f.starts_with(' ') || f.ends_with(' ') {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

/// The published writeups with the fields their pages publish, oldest first; `views` give the
/// summary their lists show.
fn writeups_json(input: &Input<'_>, views: &[Arc<WriteupCard>], out: &mut dyn Write) -> Result<(), Error> {
    // The site's own only: what other sites take of it is its feed, which holds its own only.
    let mut published: Vec<&Writeup> =
        input.publication.published.iter().map(|w| &**w).filter(|w| w.origin.is_none()).collect();
    published.sort_by(|a, b| (a.occurred, &a.id).cmp(&(b.occurred, &b.id)));
    let summaries: HashMap<&str, &str> = views.iter().map(|v| (v.id.as_str(), v.summary.as_str())).collect();
    let writeups = published.into_iter().map(|w| {
        // The feed's fields, with where the page is and what lists show; keys sorted.
        let mut fields = match serde_json::to_value(WriteupFields::of(w)) {
            Ok(Value::Object(fields)) => fields,
            _ => serde_json::Map::new(),
        };
        fields.insert("url".into(), json!(w.url()));
        fields.insert("summary".into(), json!(summaries.get(&*w.id).copied().unwrap_or("")));
        fields
    });
    json_to(out, &Export { writeups: Some(Stream::new(writeups)), ..Export::new(input, "writeups.schema.json") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let line = csv_line(["a".into(), "b,c".into(), "say \"hi\"".into(), " pad".into(), String::new()]);
        assert_eq!(line, "a,\"b,c\",\"say \"\"hi\"\"\",\" pad\",\r\n");
    }

    #[test]
    fn numbers_follow_the_unit() {
        assert_eq!(number(Unit::Count, Some(Tenths::whole(3))).to_string(), "3");
        assert_eq!(number(Unit::Percent, Some(Tenths::from_tenths(333))).to_string(), "33.3");
        assert_eq!(number(Unit::Days, Some(Tenths::whole(2))).to_string(), "2.0");
        assert_eq!(number(Unit::Days, None), Value::Null);
    }

    #[test]
    fn json_keys_are_sorted_and_schemas_are_json() {
        let v = json!({"b": 1, "a": {"d": 2, "c": 3}});
        assert_eq!(v.to_string(), r#"{"a":{"c":3,"d":2},"b":1}"#);
        for (name, text) in SCHEMAS {
            let schema: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        }
    }
}
