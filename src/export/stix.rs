//! A STIX 2.1 bundle (`stix/bundle.json`) for threat-intelligence platforms: an `identity` for
//! the site, one `incident` per published writeup with the Incident Core Extension (blocked when
//! a control stopped it, failed-attempt when luck did), a `task` (from the same extension suite)
//! per action item, a `grouping` per pattern, and the TLP 2.0 marking definitions, with their
//! published ids, on every object.

use serde_json::{json, Value};

use std::io::Write;

use super::{json_to, summary_and_rest, timestamp, Made, Record, Site, Stream};
use crate::date::Date;
use crate::model::{ActionState, Keyword, Severity, SourceError, StoppedBy, Tlp};
use crate::Error;

pub const BUNDLE: &str = "stix/bundle.json";
pub const FILES: [&str; 1] = [BUNDLE];

/// The Incident Core Extension (oasis-open/cti-stix-common-objects, `incident-core`).
pub const INCIDENT_EXTENSION: &str = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";
/// The Task object of the same extension suite.
pub const TASK_EXTENSION: &str = "extension-definition--2074a052-8be4-4932-849e-f5e7798e0030";
/// The extension that defines the TLP 2.0 marking definitions.
pub const TLP_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The published id of each TLP 2.0 marking definition (oasis-open/cti-stix-common-objects).
pub fn marking_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The marking definition object, exactly as published.
fn marking(tlp: Tlp) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id(tlp),
        "created": "2022-10-01T00:00:00.000Z",
        "name": tlp.label(),
        "extensions": { TLP_EXTENSION: { "extension_type": "property-extension", "tlp_2_0": tlp.as_str() } },
    })
}

/// The incident's criticality, 0–100: the impact had nothing stopped it.
pub fn criticality(severity: Severity) -> u8 {
    match severity {
        Severity::Low => 25,
        Severity::Medium => 50,
        Severity::High => 75,
        Severity::Critical => 100,
    }
}

/// `detection_methods` for what stopped it (none for luck).
pub fn detection_methods(stopped_by: StoppedBy) -> &'static [&'static str] {
    match stopped_by {
        StoppedBy::Human => &["user-reporting"],
        StoppedBy::Monitoring | StoppedBy::Automation => &["automated-tool"],
        StoppedBy::Process => &["human-review"],
        StoppedBy::Luck => &[],
    }
}

/// `blocked` when a defence stopped it, `failed-attempt` when nothing did.
pub fn determination(stopped_by: StoppedBy) -> &'static str {
    if stopped_by == StoppedBy::Luck {
        "failed-attempt"
    } else {
        "blocked"
    }
}

fn identity_id(site: &Site<'_>) -> String {
    format!("identity--{}", super::uuid(&site.config.org.id, "organisation"))
}

pub(super) fn bundle(site: &Site<'_>, out: &mut dyn Write) -> Result<(), Error> {
    let records = &site.index.records;
    let first = records.iter().map(|r| site.writeup(r).reported).min();
    let mut used: Vec<Tlp> = records.iter().map(|r| site.writeup(r).tlp).collect();
    used.push(Tlp::Clear);
    used.sort();
    used.dedup();
    let org = &site.config.org;
    let identity = json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id(site),
        "created": timestamp(first.unwrap_or(Date::from_days_since_epoch(0))),
        "modified": timestamp(first.unwrap_or(Date::from_days_since_epoch(0))),
        "name": org.label,
        "identity_class": "organization",
        "description": format!("The pseudonymous identity `{}` of a near-miss knowledge base.", org.id),
        "object_marking_refs": [marking_id(Tlp::Clear)],
    });
    let head = used.into_iter().map(marking).chain(std::iter::once(identity));
    let incidents = records.iter().flat_map(|r| match incident(site, r) {
        Ok(objects) => objects.into_iter().map(|o| Made(Ok(o))).collect(),
        Err(e) => vec![Made(Err(e))],
    });
    let groupings = site.patterns.iter().filter_map(|p| grouping(site, &p.slug));
    let made = |object| Made(Ok(object));
    let objects = Stream::new(head.map(made).chain(incidents).chain(groupings.map(made)));
    let id = format!("bundle--{}", super::uuid(&org.id, "stix/bundle"));
    json_to(out, &Bundle { id, objects, kind: "bundle" })
}

/// The bundle, its fields in key order.
#[derive(serde::Serialize)]
struct Bundle<I> {
    id: String,
    objects: I,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The incident of a writeup, then its tasks.
fn incident(site: &Site<'_>, r: &Record) -> Result<Vec<Value>, SourceError> {
    let w = site.writeup(r);
    let marking = [marking_id(w.tlp)];
    let created = timestamp(w.reported);
    let modified = timestamp(w.reviewed.unwrap_or(w.reported));
    let tasks: Vec<Value> = w
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut task = json!({
                "type": "task",
                "spec_version": "2.1",
                "id": format!("task--{}", super::uuid(&r.uuid.to_string(), &format!("task/{i}"))),
                "created": created,
                "modified": modified,
                "name": a.what,
                "description": match a.state.reason() {
                    Some(reason) => format!("Owned by the {} role; due {}. Won't do: {reason}", a.owner_role, a.due),
                    None => format!("Owned by the {} role; due {}.", a.owner_role, a.due),
                },
                "task_types": ["corrective-action"],
                "outcome": match a.state {
                    ActionState::Open => "pending",
                    ActionState::InProgress => "ongoing",
                    ActionState::Done { .. } => "successful",
                    ActionState::WontDo { .. } => "cancelled",
                },
                "object_marking_refs": marking,
                "extensions": { TASK_EXTENSION: { "extension_type": "new-sdo" } },
            });
            if let Some(closed) = a.state.closed() {
                task["end_time"] = json!(timestamp(closed));
                task["end_time_fidelity"] = json!("day");
            }
            task
        })
        .collect();
    let mut core = json!({
        "extension_type": "property-extension",
        "determination": determination(w.stopped_by),
        "investigation_status": "closed",
        "criticality": criticality(w.severity),
        "incident_types": ["near-miss"],
    });
    let methods = detection_methods(w.stopped_by);
    if !methods.is_empty() {
        core["detection_methods"] = json!(methods);
    }
    if !tasks.is_empty() {
        core["tasks"] = tasks.iter().map(|t| json!({ "task_ref": t["id"] })).collect();
    }
    let mut reference = json!({ "source_name": "nearmiss", "external_id": w.id });
    if let Some(url) = site.url(w) {
        reference["url"] = json!(url);
    }
    let mut labels: Vec<String> = vec![format!("stopped-by:{}", w.stopped_by.as_str())];
    labels.extend(w.patterns.iter().map(|(p, _)| format!("pattern:{p}")));
    let incident = json!({
        "type": "incident",
        "spec_version": "2.1",
        "id": format!("incident--{}", r.uuid),
        "created_by_ref": identity_id(site),
        "created": created,
        "modified": modified,
        "name": w.title,
        "description": summary_and_rest(w, super::sections(&(site.body)(w)?)).0,
        "labels": labels,
        "external_references": [reference],
        "object_marking_refs": marking,
        "extensions": { INCIDENT_EXTENSION: core },
    });
    Ok(std::iter::once(incident).chain(tasks).collect())
}

/// A pattern that published writeups belong to, as a grouping of their incidents.
fn grouping(site: &Site<'_>, slug: &str) -> Option<Value> {
    let p = site.pattern(slug)?;
    let members: Vec<&Record> =
        site.index.records.iter().filter(|r| site.writeup(r).patterns.iter().any(|(s, _)| s == slug)).collect();
    let newest = members.iter().map(|r| site.writeup(r).reviewed.unwrap_or(site.writeup(r).reported)).max()?;
    let oldest = members.iter().map(|r| site.writeup(r).reported).min()?;
    let mut description = p.risk.clone();
    if let Some(entry) = p.same_as {
        description.push_str(&format!(" (catalogue pattern `{}`)", entry.reference()));
    }
    Some(json!({
        "type": "grouping",
        "spec_version": "2.1",
        "id": format!("grouping--{}", super::uuid(&site.config.org.id, &format!("pattern/{slug}"))),
        "created_by_ref": identity_id(site),
        "created": timestamp(oldest),
        "modified": timestamp(newest),
        "name": p.title,
        "description": description,
        "context": "unspecified",
        "object_refs": members.iter().map(|r| format!("incident--{}", r.uuid)).collect::<Vec<_>>(),
        "object_marking_refs": [marking_id(Tlp::Clear)],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markings_are_the_published_ones() {
        let m = marking(Tlp::AmberStrict);
        assert_eq!(m["name"], "TLP:AMBER+STRICT");
        assert_eq!(m["extensions"][TLP_EXTENSION]["tlp_2_0"], "amber+strict");
        let ids: Vec<&str> = Tlp::ALL.iter().map(|(_, t)| marking_id(*t)).collect();
        assert!(ids.iter().enumerate().all(|(i, id)| !ids[..i].contains(id)));
    }

    #[test]
    fn luck_is_a_failed_attempt_and_controls_block() {
        assert_eq!(determination(StoppedBy::Luck), "failed-attempt");
        assert_eq!(determination(StoppedBy::Process), "blocked");
        assert!(detection_methods(StoppedBy::Luck).is_empty());
        assert_eq!(criticality(Severity::Critical), 100);
    }
}
