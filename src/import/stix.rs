//! A STIX 2.1 bundle's `incident` objects to drafts: the name is the title, the description
//! "What almost failed", the TLP marking (2.0, or 1.0's predefined ones) its TLP, the Incident
//! Core Extension's determination and criticality what stopped it and its severity, and its
//! tasks the action items.

use serde_json::Value;

use super::{date, text, texts, Draft, PatternName};
use crate::date::Date;
use crate::export::stix::{marking_id, INCIDENT_EXTENSION};
use crate::model::{Action, ActionState, Keyword, Severity, StoppedBy, Tlp};

/// The TLP 1.0 marking definitions STIX 2.1 predefines.
const TLP_1: [(&str, Tlp); 4] = [
    ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::Clear),
    ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::Green),
    ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::Amber),
    ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::Red),
];

/// Every incident of the bundle `value`, read from the file `name`.
pub fn read(value: &Value, name: &str) -> Vec<Result<Draft, String>> {
    let Some(objects) = value["objects"].as_array().filter(|_| value["type"] == "bundle") else {
        return vec![Err(format!("{name}: not a STIX bundle"))];
    };
    let by_id = |id: &str| objects.iter().find(|o| o["id"] == id);
    let incidents: Vec<&Value> = objects.iter().filter(|o| o["type"] == "incident").collect();
    if incidents.is_empty() {
        return vec![Err(format!("{name}: the bundle has no incident"))];
    }
    incidents
        .into_iter()
        .map(|o| incident(o, &by_id, format!("{name}#{}", text(o, "id").unwrap_or_default())))
        .collect()
}

fn tlp(refs: &[String]) -> Option<Tlp> {
    refs.iter().find_map(|r| {
        Tlp::ALL
            .iter()
            .map(|(_, t)| *t)
            .find(|t| marking_id(*t) == r)
            .or_else(|| TLP_1.iter().find(|(id, _)| id == r).map(|(_, t)| *t))
    })
}

fn incident<'a>(o: &Value, by_id: &impl Fn(&str) -> Option<&'a Value>, origin: String) -> Result<Draft, String> {
    let title = text(o, "name").ok_or_else(|| format!("{origin}: the incident has no name"))?;
    let core = &o["extensions"][INCIDENT_EXTENSION];
    let labels = texts(o, "labels");
    let label = |prefix: &'static str| labels.iter().filter_map(move |l| l.strip_prefix(prefix).map(String::from));
    let stopped_by = label("stopped-by:").find_map(|s| StoppedBy::parse(&s)).or(match core["determination"].as_str() {
        Some("failed-attempt") => Some(StoppedBy::Luck),
        _ => None,
    });
    let severity = core["criticality"].as_u64().map(|c| match c {
        88.. => Severity::Critical,
        63..=87 => Severity::High,
        38..=62 => Severity::Medium,
        _ => Severity::Low,
    });
    let id = o["external_references"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["source_name"] == "nearmiss")
        .and_then(|r| text(r, "external_id"));
    let mut actions = Vec::new();
    let mut loose = Vec::new();
    for task in core["tasks"].as_array().into_iter().flatten().filter_map(|t| by_id(t["task_ref"].as_str()?)) {
        match task_action(task) {
            Some(a) => actions.push(a),
            None => loose.extend(text(task, "name")),
        }
    }
    let mut draft = Draft {
        origin,
        id,
        title,
        tlp: tlp(&texts(o, "object_marking_refs")),
        occurred: date(o, "created"),
        reported: date(o, "created"),
        severity,
        stopped_by,
        patterns: label("pattern:").map(PatternName::Slug).collect(),
        actions,
        ..Draft::default()
    };
    if let Some(description) = text(o, "description") {
        draft.add_text("What almost failed", &description);
    }
    if !loose.is_empty() {
        draft.add_text(
            "How we make luck unnecessary",
            &loose.iter().map(|t| format!("- {t}")).collect::<Vec<_>>().join("\n"),
        );
    }
    Ok(draft)
}

/// A task written as nearmiss writes them: "Owned by the <role> role; due <date>."
fn task_action(task: &Value) -> Option<Action> {
    let what = text(task, "name")?;
    let description = text(task, "description")?;
    let (owned, reason) = match description.split_once(". Won't do: ") {
        Some((owned, reason)) => (owned, Some(reason)),
        None => (description.strip_suffix('.')?, None),
    };
    let (role, due) = owned.strip_prefix("Owned by the ")?.split_once(" role; due ")?;
    let due: Date = due.parse().ok()?;
    let state = match task["outcome"].as_str()? {
        "successful" => ActionState::Done { closed: date(task, "end_time")? },
        "cancelled" => ActionState::WontDo { closed: date(task, "end_time")?, reason: reason?.trim().to_string() },
        "ongoing" => ActionState::InProgress,
        _ => ActionState::Open,
    };
    Some(Action { what, owner_role: role.to_string(), due, state })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn incidents_keep_their_tlp_and_tasks() {
        let bundle = json!({ "type": "bundle", "id": "bundle--1", "objects": [
            { "type": "incident", "id": "incident--1", "name": "Rule caught", "created": "2025-03-06T00:00:00.000Z",
              "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
              "extensions": { INCIDENT_EXTENSION: { "determination": "failed-attempt", "criticality": 75, "tasks": [{ "task_ref": "task--1" }] } } },
            { "type": "task", "id": "task--1", "name": "Add a linter", "outcome": "successful",
              "description": "Owned by the network-engineer role; due 2025-04-01.", "end_time": "2025-03-20T00:00:00.000Z" },
        ]});
        let d = read(&bundle, "b.json").remove(0).unwrap();
        assert_eq!(d.tlp, Some(Tlp::Green));
        assert_eq!(d.stopped_by, Some(StoppedBy::Luck));
        assert_eq!(d.severity, Some(Severity::High));
        assert_eq!(d.actions[0].state, ActionState::Done { closed: "2025-03-20".parse().unwrap() });
        assert!(read(&json!({ "type": "report" }), "r.json")[0].is_err());
    }
}
