//! MISP events (an event file `{"Event": …}`, a list of them, or a REST search `{"response": […]}`)
//! to drafts: `info` is the title, `date` when it occurred, the `tlp:` tag its TLP, the
//! `nearmiss:` machine tags the fields MISP has no place for, the event report the body and the
//! action-item attributes its action items. A feed's `manifest.json` is skipped: pass the events.

use serde_json::Value;

use super::{action, date, text, Draft, PatternName};
use crate::catalog::{self, ActionCategory};
use crate::export::misp::{DETECTION_COMMENT, ID_COMMENT, TAG_NAMESPACE};
use crate::model::{Keyword, Severity, StoppedBy, Tlp};

/// Every event of `value`, read from the file `name`.
pub fn read(value: &Value, name: &str) -> Vec<Result<Draft, String>> {
    let events: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(o) if o.contains_key("response") => value["response"].as_array().into_iter().flatten().collect(),
        Value::Object(o) if o.contains_key("Event") => vec![value],
        Value::Object(o) if o.values().all(|v| v.get("info").is_some()) => {
            return vec![Err(format!("{name}: a feed manifest lists events but holds none; import the event files"))]
        }
        _ => return vec![Err(format!("{name}: not a MISP event"))],
    };
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let origin = if value.is_array() || value.get("response").is_some() {
                format!("{name}#{}", i + 1)
            } else {
                name.to_string()
            };
            event(e.get("Event").unwrap_or(e), origin)
        })
        .collect()
}

/// The values of the tags `namespace:predicate="value"`.
fn machine_tags<'a>(tags: &'a [String], namespace: &'a str, predicate: &'a str) -> impl Iterator<Item = String> + 'a {
    let prefix = format!("{namespace}:{predicate}=\"");
    tags.iter().filter_map(move |t| t.strip_prefix(&prefix)?.strip_suffix('"').map(String::from))
}

fn event(e: &Value, origin: String) -> Result<Draft, String> {
    let title = text(e, "info").ok_or_else(|| format!("{origin}: the event has no info"))?;
    let tags: Vec<String> = e["Tag"].as_array().into_iter().flatten().filter_map(|t| text(t, "name")).collect();
    let tag = |predicate| machine_tags(&tags, TAG_NAMESPACE, predicate).next();
    let tlp = tags.iter().filter_map(|t| t.strip_prefix("tlp:")).find_map(|t| match t {
        "white" => Some(Tlp::Clear),
        t => Tlp::parse(t),
    });
    let attributes: Vec<&Value> = e["Attribute"].as_array().into_iter().flatten().collect();
    let with_comment =
        |comment: &str| attributes.iter().find(|a| a["comment"] == comment).and_then(|a| text(a, "value"));
    let severity = tag("severity").and_then(|s| Severity::parse(&s)).or(match text(e, "threat_level_id").as_deref() {
        Some("1") => Some(Severity::High),
        Some("2") => Some(Severity::Medium),
        Some("3") => Some(Severity::Low),
        _ => None,
    });
    let mut patterns: Vec<PatternName> = machine_tags(&tags, TAG_NAMESPACE, "pattern").map(PatternName::Slug).collect();
    if patterns.is_empty() {
        for category in ActionCategory::ALL {
            let predicate = format!("action:{}:variety", category.as_str());
            for variety in machine_tags(&tags, "veris", &predicate) {
                patterns.extend(catalog::by_action(category, &variety).map(PatternName::Catalog));
            }
        }
    }
    let actions = attributes
        .iter()
        .filter_map(|a| {
            let fields = a["comment"].as_str()?.strip_prefix("action item; ")?;
            let fields: Vec<(&str, &str)> = fields.split("; ").filter_map(|f| f.split_once(": ")).collect();
            let owner = fields.iter().find(|(k, _)| *k == "owner_role")?.1;
            action(a["value"].as_str()?, owner, fields.clone())
        })
        .collect();
    let mut draft = Draft {
        origin,
        id: with_comment(ID_COMMENT),
        title,
        tlp,
        occurred: date(e, "date"),
        severity,
        stopped_by: tag("stopped-by").and_then(|s| StoppedBy::parse(&s)),
        detection: with_comment(DETECTION_COMMENT),
        impact_area: machine_tags(&tags, TAG_NAMESPACE, "impact-area").collect(),
        tags: machine_tags(&tags, TAG_NAMESPACE, "tag").collect(),
        patterns,
        actions,
        ..Draft::default()
    };
    for report in e["EventReport"].as_array().into_iter().flatten() {
        if let Some(content) = text(report, "content") {
            draft.add_text("What almost failed", &content);
        }
    }
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_foreign_event_keeps_its_tlp_and_maps_veris_tags() {
        let e = json!({ "Event": {
            "info": "Typosquatted package caught", "date": "2025-06-01", "threat_level_id": "2",
            "Tag": [{ "name": "tlp:white" }, { "name": "veris:action:malware:variety=\"Backdoor or C2\"" }],
            "Attribute": [{ "type": "text", "value": "Pin dependencies", "comment": "action item; owner_role: dev-lead; due: 2025-07-01; status: open" }],
        }});
        let d = read(&e, "event.json").remove(0).unwrap();
        assert_eq!(d.tlp, Some(Tlp::Clear));
        assert_eq!(d.severity, Some(Severity::Medium));
        assert_eq!(d.patterns, [PatternName::Catalog(catalog::get("malicious-package").unwrap())]);
        assert_eq!(d.actions[0].owner_role, "dev-lead");
        assert!(read(&json!({ "abc": { "info": "x" } }), "manifest.json")[0]
            .as_ref()
            .unwrap_err()
            .contains("manifest"));
    }
}
