//! VERIS records (one object, or an array such as `veris.json`) to drafts: the summary is
//! "What almost failed", the notes their sections, the corrective actions action items; the
//! patterns come from `plus.nearmiss` or from the catalogue entry each action corresponds to.

use serde_json::Value;

use super::{action_lines, date, each, text, texts, Draft, PatternName};
use crate::catalog::{self, ActionCategory, AttributeKind};
use crate::date::Date;
use crate::export::veris::{DISCOVERY, PLUS_KEY, RATING};
use crate::model::{Keyword, Severity, StoppedBy, Tlp};

/// Every record of `value`, read from the file `name`.
pub fn read(value: &Value, name: &str) -> Vec<Result<Draft, String>> {
    each(value).into_iter().enumerate().map(|(i, r)| record(r, &format!("{name}#{}", i + 1))).collect()
}

fn record(r: &Value, origin: &str) -> Result<Draft, String> {
    if !r.is_object() || r.get("schema_version").is_none() && r.get("timeline").is_none() {
        return Err(format!("{origin}: not a VERIS record"));
    }
    let plus = &r["plus"][PLUS_KEY];
    let summary = text(r, "summary").unwrap_or_default();
    let incident = &r["timeline"]["incident"];
    let occurred = incident["year"].as_i64().and_then(|y| {
        let month = incident["month"].as_u64().unwrap_or(1);
        let day = incident["day"].as_u64().unwrap_or(1);
        Date::new(i32::try_from(y).ok()?, u32::try_from(month).ok()?, u32::try_from(day).ok()?).ok()
    });
    let discovery = &r["timeline"]["discovery"];
    let detected = date(plus, "detected").or_else(|| {
        let days = discovery["value"].as_f64().filter(|_| discovery["unit"] == "Days")?;
        Some(Date::from_days_since_epoch(occurred?.days_since_epoch() + days as i64))
    });
    let title = text(plus, "title").unwrap_or_else(|| title_from(&summary, origin));
    let mut draft = Draft {
        origin: origin.to_string(),
        id: text(plus, "id"),
        title,
        tlp: text(plus, "tlp").and_then(|t| Tlp::parse(&t)),
        occurred,
        detected,
        reported: date(plus, "reported"),
        severity: text(plus, "severity").and_then(|s| Severity::parse(&s)).or_else(|| {
            let rating = r["impact"]["overall_rating"].as_str()?;
            RATING.iter().find(|(_, v)| *v == rating).map(|(k, _)| *k)
        }),
        stopped_by: text(plus, "stopped_by").and_then(|s| StoppedBy::parse(&s)).or_else(|| {
            let variety = r["discovery_method"]["internal"]["variety"][0].as_str()?;
            DISCOVERY.iter().find(|(_, v)| *v == variety).map(|(k, _)| *k)
        }),
        detection: text(r, "discovery_notes"),
        impact_area: if plus.get("impact_area").is_some() {
            texts(plus, "impact_area")
        } else {
            let attributes = r["attribute"].as_object().into_iter().flatten();
            attributes.filter_map(|(k, _)| AttributeKind::parse(k)).map(|k| k.as_str().to_string()).collect()
        },
        tags: texts(plus, "tags"),
        ..Draft::default()
    };
    draft.patterns = if plus.get("patterns").is_some() {
        texts(plus, "patterns").into_iter().map(PatternName::Slug).collect()
    } else {
        let actions = r["action"].as_object().into_iter().flatten();
        actions
            .filter_map(|(category, body)| {
                let category = ActionCategory::ALL.into_iter().find(|c| c.as_str() == category)?;
                Some(texts(body, "variety").into_iter().filter_map(move |v| catalog::by_action(category, &v)))
            })
            .flatten()
            .map(PatternName::Catalog)
            .collect()
    };
    draft.add_text("What almost failed", &summary);
    if let Some(notes) = text(r, "notes") {
        draft.add_text("Why it happened", &notes);
    }
    if let Some(corrective) = text(r, "corrective_action") {
        let (actions, other) = action_lines(&corrective);
        draft.actions = actions;
        if !other.is_empty() {
            draft.add_text("How we make luck unnecessary", &other.join("\n\n"));
        }
    }
    Ok(draft)
}

/// A title from the summary's first sentence, for records with none.
pub(super) fn title_from(summary: &str, origin: &str) -> String {
    let first = summary.split(". ").next().unwrap_or("").trim().trim_end_matches('.');
    if first.is_empty() {
        return format!("Imported near miss {origin}");
    }
    crate::render::markdown::shorten(&super::one_line(first), 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_foreign_record_maps_through_the_catalogue() {
        let r = json!({
            "schema_version": "1.4.1", "incident_id": "X", "security_incident": "Near miss",
            "summary": "An employee reported a phishing mail. Nobody clicked.",
            "timeline": { "incident": { "year": 2024, "month": 5 }, "discovery": { "unit": "Days", "value": 2 } },
            "discovery_method": { "internal": { "variety": ["Reported by employee"] } },
            "action": { "social": { "variety": ["Phishing"], "vector": ["Email"], "target": ["End-user"] } },
            "attribute": { "confidentiality": { "data_disclosure": "No" } },
            "impact": { "overall_rating": "Painful" },
            "corrective_action": "Run a phishing exercise every quarter",
        });
        let d = read(&r, "vcdb.json").remove(0).unwrap();
        assert_eq!(d.title, "An employee reported a phishing mail");
        assert_eq!(d.occurred, "2024-05-01".parse().ok());
        assert_eq!(d.detected, "2024-05-03".parse().ok());
        assert_eq!(d.tlp, None);
        assert_eq!(d.severity, Some(Severity::Medium));
        assert_eq!(d.stopped_by, Some(StoppedBy::Human));
        assert_eq!(d.impact_area, ["confidentiality"]);
        assert_eq!(d.patterns, [PatternName::Catalog(catalog::get("phishing-attempt").unwrap())]);
        assert!(d.actions.is_empty());
        assert_eq!(
            d.sections[1],
            ("How we make luck unnecessary".into(), "Run a phishing exercise every quarter".into())
        );
    }

    #[test]
    fn what_is_not_veris_is_skipped() {
        assert!(read(&json!([{ "Event": {} }]), "x.json")[0].is_err());
    }
}
