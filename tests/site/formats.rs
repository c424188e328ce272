//! The MISP, STIX and VERIS exports: what they hold, that withheld writeups are absent, that
//! ids are stable, and (ignored tests, `cargo test -- --ignored`) that the formats' own tools
//! accept them: jsonschema with the VERIS 1.4.1 schema, stix2 and stix2-validator, PyMISP.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

fn json(built: &Built, rel: &str) -> Value {
    serde_json::from_str(&built.text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The ids of the published writeups, from writeups.json.
fn published_ids(built: &Built) -> BTreeSet<String> {
    let w = json(built, "writeups.json");
    w["writeups"].as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap().to_string()).collect()
}

fn files_in(built: &Built, dir: &str) -> Vec<String> {
    built.all_files().into_iter().filter(|f| f.starts_with(dir) && !f[dir.len()..].contains('/')).collect()
}

#[test]
fn every_published_writeup_is_exported_in_each_format_and_nothing_else() {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    let ids = published_ids(&built);
    assert!(ids.len() >= 2, "{ids:?}");

    let veris: BTreeSet<String> = json(&built, "veris.json")
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["plus"]["nearmiss"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(veris, ids);
    for record in json(&built, "veris.json").as_array().unwrap() {
        assert_eq!(record["security_incident"], "Near miss");
        assert_eq!(record["schema_version"], "1.4.1");
    }
    // Each format is written once: the records are in veris.json, not also a file each.
    assert!(files_in(&built, "veris/").is_empty());

    let manifest = json(&built, "misp/manifest.json");
    let events =
        files_in(&built, "misp/").into_iter().filter(|f| f.ends_with(".json") && !f.ends_with("manifest.json"));
    let events: Vec<String> = events.collect();
    assert_eq!(events.len(), ids.len());
    assert_eq!(manifest.as_object().unwrap().len(), ids.len());
    let mut event_ids = BTreeSet::new();
    for file in &events {
        let event = &json(&built, file)["Event"];
        let uuid = event["uuid"].as_str().unwrap();
        assert_eq!(file, &format!("misp/{uuid}.json"));
        assert_eq!(manifest[uuid]["info"], event["info"]);
        let tags: Vec<&str> = event["Tag"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert!(tags.contains(&"veris:security_incident=\"Near miss\""), "{tags:?}");
        assert_eq!(tags.iter().filter(|t| t.starts_with("tlp:")).count(), 1, "{tags:?}");
        assert_eq!(event["distribution"], "1", "this community, by default");
        assert_eq!(event["Orgc"]["name"], "Anonymous member");
        let id = event["Attribute"][0]["value"].as_str().unwrap();
        event_ids.insert(id.to_string());
    }
    assert_eq!(event_ids, ids);
    let hashes = built.text("misp/hashes.csv");
    assert!(hashes.lines().all(|l| l.len() == 32 + 1 + 36), "{hashes}");

    let bundle = json(&built, "stix/bundle.json");
    let objects = bundle["objects"].as_array().unwrap();
    let incidents: BTreeSet<String> = objects
        .iter()
        .filter(|o| o["type"] == "incident")
        .map(|o| o["external_references"][0]["external_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(incidents, ids);
    for o in objects.iter().filter(|o| o["type"] != "marking-definition") {
        assert!(o["object_marking_refs"].as_array().is_some_and(|m| m.len() == 1), "{o}");
    }
}

#[test]
fn the_org_names_the_exports_and_their_uuids() {
    let f = Fixture::minimal();
    let first = f.build_to("a", &[]);
    first.assert_success();
    first.run.assert_contains("note: no `org:` in site.yaml");
    let config = std::fs::read_to_string(f.content().join("site.yaml")).unwrap();
    let org = "org: { id: member-7f3a, label: \"Member 7F3A\" }\nmisp_distribution: connected-communities\n";
    f.write("site.yaml", &format!("{config}{org}"));
    let second = f.build_to("b", &[]);
    second.assert_success();
    assert!(!second.run.stderr.contains("no `org:`"), "{}", second.run.stderr);
    let a: BTreeSet<String> = files_in(&first, "misp/").into_iter().collect();
    let b: BTreeSet<String> = files_in(&second, "misp/").into_iter().collect();
    assert_eq!(a.len(), b.len());
    assert!(a.intersection(&b).count() == 2, "only the manifest and hashes.csv keep their names: {a:?} {b:?}");
    for file in &b {
        if !file.ends_with("manifest.json") && file.ends_with(".json") {
            let event = &json(&second, file)["Event"];
            assert_eq!(event["distribution"], "2", "{file}: connected communities");
            assert_eq!(event["Orgc"]["name"], "Member 7F3A");
        }
    }
    let bundle = json(&second, "stix/bundle.json");
    let identity = bundle["objects"].as_array().unwrap().iter().find(|o| o["type"] == "identity").unwrap().clone();
    assert_eq!(identity["name"], "Member 7F3A");
    assert!(!second.text("stix/bundle.json").contains("Minimal near misses"), "the site's title is not its identity");
    let third = f.build_to("c", &[]);
    assert_eq!(
        second.snapshot().into_iter().filter(|(k, _)| k.starts_with("misp/")).collect::<Vec<_>>(),
        third.snapshot().into_iter().filter(|(k, _)| k.starts_with("misp/")).collect::<Vec<_>>()
    );
}

#[test]
fn the_data_page_lists_every_export_and_its_links_work() {
    let (_f, built) = build_example(&[]);
    let page = built.page("data.html");
    let names = texts(&page, ".export-list h2");
    assert_eq!(
        names,
        [
            "MISP feed",
            "STIX 2.1 bundle",
            "VERIS 1.4.1",
            "Writeups and KRIs as JSON and CSV",
            "nearmiss feed",
            "Atom feed"
        ]
    );
    let links = attrs(&page, ".export-files a", "href");
    assert!(links.len() >= 6, "{links:?}");
    for href in &links {
        assert!(built.exists(href), "data.html links to {href}, which does not exist");
    }
    let how = texts(&page, ".export-list li p");
    assert!(how.iter().any(|p| p.contains("URL https://example.org/near-misses/misp/")), "{how:?}");
    let footer = attrs(&built.page("index.html"), ".site-footer a", "href");
    assert!(footer.contains(&"data.html".to_string()), "{footer:?}");
}

// ---------------------------------------------------------------- the formats' own tools

/// The Python that has the checkers: `$NEARMISS_PYTHON`, else the virtual environment
/// `.ci/run` makes in `target/py`, else `python3` from the path.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("NEARMISS_PYTHON") {
        return p.into();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    for venv in [target.join("py/bin/python"), root.join("target/py/bin/python"), target.join("py/Scripts/python.exe")]
    {
        if venv.is_file() {
            return venv;
        }
    }
    "python3".into()
}

/// Runs `check.py kind site extra…`, panicking with its report unless every check passes.
#[track_caller]
fn check(kind: &str, site: &Path, extra: &[&Path]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats/check.py");
    let python = python();
    let out = Command::new(&python)
        .arg(&script)
        .arg(kind)
        .arg(site)
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}; run .ci/run or set NEARMISS_PYTHON", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{kind} check failed ({}; `.ci/run` installs jsonschema, stix2, stix2-validator and pymisp):\n{stdout}\n{stderr}",
        python.display()
    );
    stdout
}

#[test]
#[ignore = "needs Python with jsonschema (.ci/run installs it)"]
fn veris_records_validate_against_the_veris_1_4_1_schema() {
    let (_f, built) = build_example(&[]);
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/veris/verisc-merged.json");
    let report = check("veris", &built.out, &[&schema]);
    assert!(report.contains("29 records valid"), "{report}");
}

#[test]
#[ignore = "needs Python with stix2 and stix2-validator (.ci/run installs them)"]
fn the_stix_bundle_passes_stix2_and_stix2_validator() {
    let (_f, built) = build_example(&[]);
    let report = check("stix", &built.out, &[]);
    assert!(report.contains("29 incidents, valid"), "{report}");
}

#[test]
#[ignore = "needs Python with pymisp (.ci/run installs it)"]
fn the_misp_feed_loads_in_pymisp_and_its_manifest_matches() {
    let (_f, built) = build_example(&[]);
    let report = check("misp", &built.out, &[]);
    assert!(report.contains("29 events load in PyMISP"), "{report}");
}

#[test]
#[ignore = "needs Python with jsonschema, stix2, stix2-validator and pymisp (.ci/run installs them)"]
fn the_minimal_fixture_with_withheld_writeups_passes_every_checker() {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/veris/verisc-merged.json");
    check("veris", &built.out, &[&schema]);
    check("stix", &built.out, &[]);
    check("misp", &built.out, &[]);
}

#[test]
fn a_writeup_may_name_a_catalogue_pattern_as_it_is() {
    let f =
        Fixture::new().file("writeups/w.md", &writeup(&front_with("patterns", "patterns: [catalog/secret-in-code]")));
    let built = f.build();
    built.assert_success();
    let page = built.text("patterns/catalog/secret-in-code.html");
    assert!(page.contains("Secret in code") && page.contains("NM-0001"), "{page}");
    assert!(built.text("writeups/index.html").contains("catalog/secret-in-code.html"), "the writeup links its pattern");

    f.write("writeups/w.md", &writeup(&front_with("patterns", "patterns: [catalog/secret-in-cod]")));
    let run = f.check();
    run.assert_failure();
    assert!(run.stderr.contains("unknown pattern `catalog/secret-in-cod`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `catalog/secret-in-code`?"), "{}", run.stderr);
}
