//! A static MISP feed (`misp/`): `manifest.json`, `hashes.csv` and one `<uuid>.json` event per
//! published writeup, the layout any MISP instance pulls with "Add feed" (format "MISP Feed").
//! An event has the writeup's title, date, threat level and TLP, the site's pseudonymous
//! organisation, tags for the TLP, VERIS ("Near miss") and each pattern, the retrospective as an
//! event report in markdown, and the action items as attributes.

use std::io::Write;

use md5::{Digest, Md5};
use serde_json::{json, Value};

use super::{epoch_seconds, json_to, Record, Site, StreamMap};
use crate::model::{Action, Keyword, Severity, SourceError, Writeup};
use crate::Error;

pub const MANIFEST: &str = "misp/manifest.json";
pub const HASHES: &str = "misp/hashes.csv";
pub const FILES: [&str; 2] = [MANIFEST, HASHES];

/// Who a MISP instance may pass the events on to, once pulled (MISP's `distribution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Distribution {
    /// 0: the pulling organisation only.
    YourOrganisation,
    /// 1: the pulling instance's community.
    #[default]
    ThisCommunity,
    /// 2: connected communities.
    ConnectedCommunities,
    /// 3: all communities.
    AllCommunities,
}

impl Keyword for Distribution {
    const ALL: &'static [(&'static str, Self)] = &[
        ("your-organisation", Distribution::YourOrganisation),
        ("this-community", Distribution::ThisCommunity),
        ("connected-communities", Distribution::ConnectedCommunities),
        ("all-communities", Distribution::AllCommunities),
    ];
}

impl Distribution {
    /// The number MISP writes.
    pub fn level(self) -> u8 {
        match self {
            Distribution::YourOrganisation => 0,
            Distribution::ThisCommunity => 1,
            Distribution::ConnectedCommunities => 2,
            Distribution::AllCommunities => 3,
        }
    }
}

/// MISP's "inherit the event's distribution", for attributes and reports.
const INHERIT: &str = "5";

/// The namespace of the machine tags nearmiss adds for what MISP has no field for.
pub const TAG_NAMESPACE: &str = "nearmiss";

/// `misp/<uuid>.json`.
pub fn event_path(r: &Record) -> String {
    format!("misp/{}.json", r.uuid)
}

/// MISP's threat level: 1 high, 2 medium, 3 low.
pub fn threat_level(severity: Severity) -> u8 {
    match severity {
        Severity::Critical | Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
    }
}

/// A machine tag `namespace:predicate="value"`.
pub fn machine_tag(namespace: &str, predicate: &str, value: &str) -> String {
    format!("{namespace}:{predicate}=\"{}\"", value.replace('"', "'"))
}

/// The comment of an action item's attribute: `action item; owner_role: r; due: d; status: s[; closed: c][; reason: r]`.
pub fn action_comment(a: &Action) -> String {
    format!("action item; owner_role: {}; due: {}; {}", a.owner_role, a.due, a.state.fields())
}

/// The comment of the attribute that holds the writeup's id.
pub const ID_COMMENT: &str = "nearmiss writeup id";
/// The comment of the attribute that holds how the near miss was detected.
pub const DETECTION_COMMENT: &str = "how it was detected";

fn tags(r: &Record, w: &Writeup) -> Vec<Value> {
    let mut names = vec![
        format!("tlp:{}", w.tlp.as_str()),
        "veris:security_incident=\"Near miss\"".to_string(),
        machine_tag(TAG_NAMESPACE, "severity", w.severity.as_str()),
        machine_tag(TAG_NAMESPACE, "stopped-by", w.stopped_by.as_str()),
    ];
    names.extend(w.patterns.iter().map(|(p, _)| machine_tag(TAG_NAMESPACE, "pattern", p)));
    for e in &r.catalog {
        let a = &e.veris.action;
        names.push(machine_tag("veris", &format!("action:{}:variety", a.category.as_str()), &a.variety));
    }
    names.extend(w.impact_area.iter().map(|a| machine_tag(TAG_NAMESPACE, "impact-area", a)));
    names.extend(w.tags.iter().map(|t| machine_tag(TAG_NAMESPACE, "tag", t)));
    let mut seen = Vec::new();
    names.retain(|n| {
        if seen.contains(n) {
            false
        } else {
            seen.push(n.clone());
            true
        }
    });
    names.into_iter().map(|name| json!({ "name": name })).collect()
}

/// The organisation that created the events: the site's pseudonymous identity.
fn orgc(site: &Site<'_>) -> Value {
    let org = &site.config.org;
    json!({ "name": org.label, "uuid": super::uuid(&org.id, "organisation").to_string() })
}

/// One text attribute of the event.
fn attribute(r: &Record, n: usize, category: &str, kind: &str, value: &str, comment: &str, time: i64) -> Value {
    json!({
        "uuid": super::uuid(&r.uuid.to_string(), &format!("attribute/{n}")).to_string(),
        "type": kind,
        "category": category,
        "value": value,
        "comment": comment,
        "to_ids": false,
        "distribution": INHERIT,
        "timestamp": time.to_string(),
    })
}

/// The attributes of an event: the writeup's id, its page, how it was detected and each action item.
fn attributes(site: &Site<'_>, r: &Record) -> Vec<Value> {
    let w = site.writeup(r);
    let time = epoch_seconds(w.reviewed.unwrap_or(w.reported));
    let mut out = vec![attribute(r, 0, "Internal reference", "text", &w.id, ID_COMMENT, time)];
    if let Some(url) = site.url(w) {
        out.push(attribute(r, 1, "External analysis", "link", &url, "the published writeup", time));
    }
    if let Some(detection) = &w.detection {
        out.push(attribute(r, 2, "Other", "text", detection, DETECTION_COMMENT, time));
    }
    for (i, a) in w.actions.iter().enumerate() {
        out.push(attribute(r, 10 + i, "Other", "text", &a.what, &action_comment(a), time));
    }
    out
}

fn event(site: &Site<'_>, r: &Record) -> Result<Value, SourceError> {
    let w = site.writeup(r);
    let time = epoch_seconds(w.reviewed.unwrap_or(w.reported)).to_string();
    let distribution = site.config.misp_distribution.level().to_string();
    let content = (site.body)(w)?;
    Ok(json!({ "Event": {
        "uuid": r.uuid.to_string(),
        "info": w.title,
        "date": w.occurred,
        "threat_level_id": threat_level(w.severity).to_string(),
        "analysis": "2",
        "distribution": distribution,
        "published": true,
        "timestamp": time,
        "publish_timestamp": time,
        "Orgc": orgc(site),
        "Tag": tags(r, w),
        "Attribute": attributes(site, r),
        "EventReport": [{
            "uuid": super::uuid(&r.uuid.to_string(), "report").to_string(),
            "name": w.title,
            "content": content.trim(),
            "distribution": INHERIT,
            "timestamp": time,
        }],
    }}))
}

pub(super) fn event_file(site: &Site<'_>, r: &Record, out: &mut dyn Write) -> Result<(), Error> {
    json_to(out, &event(site, r)?)
}

/// Every event's UUID with what MISP lists before pulling it: info, organisation, date,
/// timestamp, analysis, threat level and tags.
pub(super) fn manifest(site: &Site<'_>, out: &mut dyn Write) -> Result<(), Error> {
    let entries = site.index.records.iter().map(|r| {
        let w = site.writeup(r);
        let entry = json!({
            "info": w.title,
            "Orgc": orgc(site),
            "date": w.occurred,
            "timestamp": epoch_seconds(w.reviewed.unwrap_or(w.reported)).to_string(),
            "analysis": "2",
            "threat_level_id": threat_level(w.severity).to_string(),
            "Tag": tags(r, w),
        });
        (r.uuid.to_string(), entry)
    });
    json_to(out, &StreamMap::new(entries))
}

/// One line per attribute, `<md5 of its value>,<event uuid>`, for correlation without a pull.
pub(super) fn hashes(site: &Site<'_>, out: &mut dyn Write) -> Result<(), Error> {
    for r in &site.index.records {
        for a in attributes(site, r) {
            let value = a["value"].as_str().unwrap_or_default();
            writeln!(out, "{:x},{}", Md5::digest(value.as_bytes()), r.uuid)
                .map_err(|e| Error::Export(e.to_string()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActionState;

    #[test]
    fn tags_and_levels() {
        assert_eq!(machine_tag("nearmiss", "pattern", "secret-in-code"), "nearmiss:pattern=\"secret-in-code\"");
        assert_eq!(machine_tag("nearmiss", "tag", "say \"hi\""), "nearmiss:tag=\"say 'hi'\"");
        assert_eq!(threat_level(Severity::Critical), 1);
        assert_eq!(threat_level(Severity::Low), 3);
        assert_eq!(Distribution::default().level(), 1);
        assert_eq!(Distribution::parse("all-communities"), Some(Distribution::AllCommunities));
    }

    #[test]
    fn action_comments_say_everything_but_what() {
        let d = |s: &str| s.parse().unwrap();
        let a = Action {
            what: "Rotate".into(),
            owner_role: "sre".into(),
            due: d("2025-02-01"),
            state: ActionState::Done { closed: d("2025-01-20") },
        };
        assert_eq!(
            action_comment(&a),
            "action item; owner_role: sre; due: 2025-02-01; status: done; closed: 2025-01-20"
        );
    }

    #[test]
    fn hashes_are_md5_hex() {
        assert_eq!(format!("{:x}", Md5::digest(b"NM-0001")).len(), 32);
    }
}
