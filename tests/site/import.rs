//! `nearmiss import`: drafts from VERIS, MISP and STIX files, and the round trip: the example
//! exported to VERIS and to MISP and imported into an empty knowledge base gives back the same
//! front matter for every field the format carries.

use std::collections::BTreeMap;
use std::fs;

use nearmiss::yaml::{self, Node, NodeKind};
use serde_json::{json, Value};

use crate::common::*;

/// A front matter value as JSON, without positions.
fn plain(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => json!(b),
        NodeKind::Int(i) => json!(i.to_string()),
        NodeKind::Float(f) => json!(f.to_string()),
        NodeKind::Str(s) => json!(s),
        NodeKind::Seq(items) => items.iter().map(plain).collect(),
        NodeKind::Map(entries) => {
            entries.iter().map(|e| (e.key.clone(), plain(&e.value))).collect::<serde_json::Map<_, _>>().into()
        }
    }
}

/// The front matter of a writeup file, by key.
fn front(text: &str) -> BTreeMap<String, Value> {
    let end = text[4..].find("\n---").expect("front matter") + 4;
    let node = yaml::parse(&text[4..end], 2).unwrap();
    match plain(&node) {
        Value::Object(map) => map.into_iter().collect(),
        other => panic!("front matter is {other}"),
    }
}

/// Every writeup below `content` by id, with its front matter.
fn writeups_by_id(content: &std::path::Path) -> BTreeMap<String, BTreeMap<String, Value>> {
    writeup_sources(content)
        .into_iter()
        .map(|(_, text)| {
            let f = front(&text);
            (f["id"].as_str().unwrap().to_string(), f)
        })
        .collect()
}

/// Imports `files` (relative to the fixture root) from `format` into the fixture's content.
fn import(f: &Fixture, format: &str, files: &[&str]) -> Run {
    let mut args = vec!["import", "--from", format, "--content", "content"];
    args.extend(files);
    run_in(f.root(), &args, &[("SOURCE_DATE_EPOCH", "1798675200")])
}

/// Exports the example, imports `files` of it in `format` into an empty knowledge base and
/// checks that every published writeup comes back with the same `fields`, as a draft.
fn round_trip(format: &str, files: impl Fn(&Built) -> Vec<String>, fields: &[&str]) {
    let (_example, built) = build_example(&[]);
    let target = Fixture::new().file("site.yaml", "title: Imported\nmax_tlp: green\norg: { id: member-0b1e }\n");
    let paths = files(&built);
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let run = import(&target, format, &paths);
    run.assert_success();
    run.assert_line("imported 29 drafts; checking the knowledge base");
    run.assert_contains("published 0 writeups (up to TLP:GREEN); withheld 29: 29 draft");
    assert!(run.errors().is_empty(), "{}", run.stderr);

    let original = writeups_by_id(&example_content());
    let imported = writeups_by_id(&target.content());
    let published: Vec<&String> = original
        .keys()
        .filter(|id| {
            let w = &original[*id];
            w["status"] == "approved" && w["tlp"] != "amber" && w["tlp"] != "red" && w["tlp"] != "amber+strict"
        })
        .collect();
    assert_eq!(published.len(), 29);
    assert_eq!(imported.len(), 29, "{:?}", imported.keys());
    for id in published {
        let (a, b) = (&original[id], imported.get(id).unwrap_or_else(|| panic!("{id} was not imported with its id")));
        for field in fields {
            assert_eq!(a.get(*field), b.get(*field), "{id}: `{field}` differs after the {format} round trip");
        }
        assert_eq!(b["status"], "draft", "{id}");
        assert!(b.get("reviewed").is_none(), "{id}");
    }
    // The patterns the drafts name exist (taken from the catalogue), and the result builds.
    let built = target.build();
    built.assert_success();
    assert_eq!(published_count(&built.run.stderr), 0, "a draft never publishes");
}

const COMMON: [&str; 11] = [
    "id",
    "title",
    "tlp",
    "occurred",
    "patterns",
    "severity",
    "stopped_by",
    "detection",
    "impact_area",
    "tags",
    "actions",
];

#[test]
fn veris_round_trip_keeps_every_field_veris_carries() {
    let mut fields = COMMON.to_vec();
    fields.extend(["detected", "reported"]);
    round_trip("veris", |b| vec![b.path("veris.json").display().to_string()], &fields);
}

#[test]
fn misp_round_trip_keeps_every_field_misp_carries() {
    let events = |b: &Built| {
        b.all_files()
            .into_iter()
            .filter(|f| f.starts_with("misp/") && f.ends_with(".json") && !f.ends_with("manifest.json"))
            .map(|f| b.path(&f).display().to_string())
            .collect()
    };
    round_trip("misp", events, &COMMON);
}

#[test]
fn a_stix_bundle_becomes_drafts_with_their_tlp_and_tasks() {
    let (_example, built) = build_example(&[]);
    let target = Fixture::new().file("site.yaml", "max_tlp: green\n");
    let bundle = built.path("stix/bundle.json").display().to_string();
    let run = import(&target, "stix", &[&bundle]);
    run.assert_success();
    let original = writeups_by_id(&example_content());
    let imported = writeups_by_id(&target.content());
    assert_eq!(imported.len(), 29);
    for (id, b) in &imported {
        let a = &original[id];
        for field in ["title", "tlp", "patterns", "severity", "stopped_by", "actions"] {
            assert_eq!(a.get(field), b.get(field), "{id}: `{field}` differs after the STIX import");
        }
    }
}

#[test]
fn foreign_records_map_through_the_catalogue_and_are_gated() {
    let f = Fixture::with_pattern().file("site.yaml", "blocked_names: [Dave Smith]\n");
    let record = json!([{
        "schema_version": "1.3.7", "incident_id": "A1", "security_incident": "Near miss",
        "summary": "Dave Smith reported a phishing mail that imitated the payroll portal. Nobody entered a password.",
        "timeline": { "incident": { "year": 2025, "month": 2, "day": 3 } },
        "discovery_method": { "internal": { "variety": ["Reported by employee"] } },
        "action": { "social": { "variety": ["Phishing"], "vector": ["Email"], "target": ["End-user"] } },
        "actor": { "external": { "variety": ["Organized crime"], "motive": ["Financial"] } },
        "asset": { "assets": [{ "variety": "P - End-user" }], "cloud": ["Unknown"] },
        "corrective_action": "Show external-sender banners in the mail client",
    }, { "not": "veris" }]);
    fs::write(f.root().join("vcdb.json"), record.to_string()).unwrap();
    let run = import(&f, "veris", &["vcdb.json"]);
    run.assert_failure();
    run.assert_line("skipped: vcdb.json#2: not a VERIS record");
    run.assert_line("imported 1 draft; checking the knowledge base");
    assert!(run.stdout.contains("content/patterns/phishing-attempt.md"), "{}", run.stdout);
    let draft = run.stdout.lines().find(|l| l.contains("writeups/2025/")).expect("a draft").to_string();
    assert_eq!(draft, "content/writeups/2025/nm-0001.md", "named by id, never by an imported title");
    let text = fs::read_to_string(f.root().join(&draft)).unwrap();
    let fm = front(&text);
    assert_eq!(fm["patterns"], json!(["phishing-attempt"]));
    assert_eq!(fm["stopped_by"], "human");
    assert_eq!(fm["tlp"], "red", "no TLP in the record: the most restrictive");
    assert!(text.contains("## How we make luck unnecessary\n\nShow external-sender banners"), "{text}");
    // The gate runs on the result: the name is found, as a warning since the draft is withheld.
    assert!(run.warnings().iter().any(|w| w.contains(&draft) && w.contains("[person]")), "{}", run.stderr);
    let pattern = fs::read_to_string(f.content().join("patterns/phishing-attempt.md")).unwrap();
    assert!(pattern.contains("same_as: catalog/phishing-attempt"), "{pattern}");
    // A second import of the same record keeps both, under new ids and file names.
    let again = import(&f, "veris", &["vcdb.json"]);
    assert_eq!(writeup_sources(&f.content()).len(), 2, "{}", again.stderr);
}
