//! VERIS 1.4.1 records (all of them in `veris.json`): what the VERIS community database (VCDB)
//! and the DBIR collect. Each published writeup is a
//! `security_incident: "Near miss"` whose actor, action, asset and attribute come from its
//! catalogue patterns (else `Unknown`, as VERIS prescribes); what VERIS has no field for (the
//! id, title, TLP, patterns, severity and what stopped it) is kept in `plus.nearmiss`, VERIS's
//! place for extensions, so that `nearmiss import --from veris` gets it back.

use serde_json::{json, Map, Value};

use std::io::Write;

use super::{json_to, summary_and_rest, Made, Record, Site, Stream};
use crate::catalog::{ActorKind, AttributeKind, Entry};
use crate::model::{Keyword, Severity, SourceError, StoppedBy, Writeup};
use crate::Error;

/// The file with every record.
pub const ALL: &str = "veris.json";
pub const FILES: [&str; 1] = [ALL];

/// The schema version written in every record.
pub const SCHEMA_VERSION: &str = "1.4.1";

/// The key under `plus` that holds what VERIS has no field for.
pub const PLUS_KEY: &str = "nearmiss";

pub(super) fn all(site: &Site<'_>, out: &mut dyn Write) -> Result<(), Error> {
    json_to(out, &Stream::new(site.index.records.iter().map(|r| Made(record(site, r)))))
}

/// Where VERIS files a discovery by each kind of stop: `discovery_method.internal.variety`.
pub const DISCOVERY: [(StoppedBy, &str); 5] = [
    (StoppedBy::Human, "Reported by employee"),
    (StoppedBy::Monitoring, "Infrastructure monitoring"),
    (StoppedBy::Automation, "Security alarm"),
    (StoppedBy::Process, "It review"),
    (StoppedBy::Luck, "Other"),
];

/// `impact.overall_rating` for each severity: the impact had nothing stopped it.
pub const RATING: [(Severity, &str); 4] = [
    (Severity::Low, "Distracting"),
    (Severity::Medium, "Painful"),
    (Severity::High, "Damaging"),
    (Severity::Critical, "Catastrophic"),
];

fn lookup<K: PartialEq + Copy, V: Copy>(table: &[(K, V)], key: K) -> V {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).expect("every value is in its table")
}

/// One action item as a line of `corrective_action`: `what (owner role: r; due: d; status: s[; closed: c])`.
pub fn action_line(a: &crate::model::Action) -> String {
    format!("{} (owner role: {}; due: {}; {})", a.what, a.owner_role, a.due, a.state.fields())
}

fn record(site: &Site<'_>, r: &Record) -> Result<Value, SourceError> {
    let w = site.writeup(r);
    let mut incident = Map::new();
    incident.insert("year".into(), json!(w.occurred.year()));
    incident.insert("month".into(), json!(w.occurred.month()));
    incident.insert("day".into(), json!(w.occurred.day()));
    let mut timeline = json!({ "incident": incident });
    if let Some(detected) = w.detected {
        timeline["discovery"] = json!({ "unit": "Days", "value": w.occurred.days_until(detected) });
    }
    let (summary, rest) = summary_and_rest(w, super::sections(&(site.body)(w)?));
    let notes: Vec<String> = rest
        .iter()
        .filter(|s| !s.markdown.is_empty())
        .map(|s| if s.heading.is_empty() { s.markdown.clone() } else { format!("## {}\n\n{}", s.heading, s.markdown) })
        .collect();
    let mut out = json!({
        "schema_version": SCHEMA_VERSION,
        "schema_name": "verisc",
        "incident_id": r.uuid.to_string().to_uppercase(),
        "source_id": site.config.org.id,
        "reference": site.url(w).unwrap_or_else(|| w.id.to_string()),
        "security_incident": "Near miss",
        "confidence": "High",
        "summary": summary,
        "timeline": timeline,
        "discovery_method": { "internal": { "variety": [lookup(&DISCOVERY, w.stopped_by)] } },
        "impact": {
            "overall_rating": lookup(&RATING, w.severity),
            "notes": "The impact had the near miss not been stopped."
        },
        "actor": actor(&r.catalog),
        "action": action(&r.catalog),
        "asset": asset(&r.catalog),
        "plus": {
            "master_id": r.uuid.to_string().to_uppercase(),
            PLUS_KEY: {
                "id": w.id,
                "title": w.title,
                "tlp": w.tlp.as_str(),
                "patterns": w.patterns.iter().map(|(p, _)| p).collect::<Vec<_>>(),
                "severity": w.severity.as_str(),
                "stopped_by": w.stopped_by.as_str(),
                "detected": w.detected,
                "reported": w.reported,
                "impact_area": w.impact_area,
                "tags": w.tags,
            }
        },
    });
    if let Some(attribute) = attribute(w, &r.catalog) {
        out["attribute"] = attribute;
    }
    if let Some(detection) = &w.detection {
        out["discovery_notes"] = json!(detection);
    }
    if !notes.is_empty() {
        out["notes"] = json!(notes.join("\n\n"));
    }
    if !w.actions.is_empty() {
        out["corrective_action"] = json!(w.actions.iter().map(action_line).collect::<Vec<_>>().join("\n"));
    }
    Ok(out)
}

fn actor(catalog: &[&Entry]) -> Value {
    let mut out = Map::new();
    for e in catalog {
        let a = &e.veris.actor;
        let entry = out.entry(a.kind.as_str()).or_insert_with(|| json!({ "motive": [], "variety": [] }));
        push_unique(&mut entry["motive"], &a.motive);
        match (&a.variety, a.kind) {
            (Some(v), _) => push_unique(&mut entry["variety"], v),
            (None, ActorKind::Partner) => entry["country"] = json!(["Unknown"]),
            (None, _) => {}
        }
    }
    for actor in out.values_mut() {
        if actor["variety"].as_array().is_some_and(Vec::is_empty) {
            actor.as_object_mut().map(|o| o.remove("variety"));
        }
    }
    if out.is_empty() {
        return json!({ "unknown": { "notes": "No catalogue pattern names the actor of this near miss." } });
    }
    Value::Object(out)
}

fn action(catalog: &[&Entry]) -> Value {
    let mut out = Map::new();
    for e in catalog {
        let a = &e.veris.action;
        let entry = out.entry(a.category.as_str()).or_insert_with(|| json!({ "variety": [] }));
        push_unique(&mut entry["variety"], &a.variety);
        if let Some(vector) = &a.vector {
            push_unique(entry.as_object_mut().expect("an object").entry("vector").or_insert_with(|| json!([])), vector);
        }
        if let Some(target) = &a.target {
            push_unique(entry.as_object_mut().expect("an object").entry("target").or_insert_with(|| json!([])), target);
        }
    }
    if out.is_empty() {
        return json!({ "unknown": { "notes": "No catalogue pattern names the action of this near miss." } });
    }
    Value::Object(out)
}

fn asset(catalog: &[&Entry]) -> Value {
    let mut varieties = json!([]);
    for e in catalog {
        push_unique(&mut varieties, &e.veris.asset);
    }
    let assets: Vec<Value> = match varieties.as_array() {
        Some(v) if !v.is_empty() => v.iter().map(|v| json!({ "variety": v })).collect(),
        _ => vec![json!({ "variety": "Unknown" })],
    };
    json!({ "assets": assets, "cloud": ["Unknown"] })
}

/// The attributes named in `impact_area` (else those of the catalogue patterns), with the
/// catalogue's varieties where it has them. Nothing was disclosed: it is a near miss.
fn attribute(w: &Writeup, catalog: &[&Entry]) -> Option<Value> {
    let mut kinds: Vec<AttributeKind> = w.impact_area.iter().filter_map(|a| AttributeKind::parse(a)).collect();
    if kinds.is_empty() {
        kinds = catalog.iter().map(|e| e.veris.attribute.kind).collect();
    }
    kinds.sort();
    kinds.dedup();
    if kinds.is_empty() {
        return None;
    }
    let mut out = Map::new();
    for kind in kinds {
        let mut varieties = json!([]);
        for e in catalog.iter().filter(|e| e.veris.attribute.kind == kind) {
            push_unique(&mut varieties, &e.veris.attribute.variety);
        }
        if varieties.as_array().is_some_and(Vec::is_empty) {
            varieties = json!(["Unknown"]);
        }
        let value = match kind {
            AttributeKind::Confidentiality => json!({
                "data_disclosure": "No",
                "data": varieties.as_array().into_iter().flatten().map(|v| json!({ "variety": v })).collect::<Vec<_>>(),
            }),
            AttributeKind::Integrity | AttributeKind::Availability => json!({ "variety": varieties }),
        };
        out.insert(kind.as_str().into(), value);
    }
    Some(Value::Object(out))
}

fn push_unique(list: &mut Value, item: &str) {
    if let Some(items) = list.as_array_mut() {
        if !items.iter().any(|i| i == item) {
            items.push(json!(item));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    #[test]
    fn catalogue_patterns_fill_actor_action_and_asset() {
        let entries = [catalog::get("secret-in-code").unwrap(), catalog::get("phishing-attempt").unwrap()];
        let actors = actor(&entries);
        assert_eq!(actors["internal"]["variety"], json!(["Developer"]));
        assert_eq!(actors["external"]["motive"], json!(["Financial"]));
        let actions = action(&entries);
        assert_eq!(actions["error"]["variety"], json!(["Publishing error"]));
        assert_eq!(actions["social"]["target"], json!(["End-user"]));
        assert_eq!(asset(&entries)["assets"][0]["variety"], "S - Code repository");
        let partner = actor(&[catalog::get("vendor-change").unwrap()]);
        assert_eq!(partner["partner"], json!({ "country": ["Unknown"], "motive": ["NA"] }));
    }

    #[test]
    fn without_the_catalogue_the_parts_are_unknown() {
        assert!(actor(&[])["unknown"]["notes"].is_string());
        assert!(action(&[])["unknown"]["notes"].is_string());
        assert_eq!(asset(&[]), json!({ "assets": [{ "variety": "Unknown" }], "cloud": ["Unknown"] }));
    }

    #[test]
    fn every_stop_and_severity_has_one_veris_value() {
        for (_, s) in StoppedBy::ALL {
            assert_eq!(DISCOVERY.iter().filter(|(k, _)| k == s).count(), 1);
        }
        let values: Vec<&str> = DISCOVERY.iter().map(|(_, v)| *v).collect();
        assert!(values.iter().enumerate().all(|(i, v)| !values[..i].contains(v)));
        for (_, s) in Severity::ALL {
            assert_eq!(RATING.iter().filter(|(k, _)| k == s).count(), 1);
        }
    }
}
