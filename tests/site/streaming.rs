//! The exports of every record (`veris.json`, the STIX bundle, the MISP manifest and hashes, the
//! feed's `writeups.json`) are written to disk record by record: their bytes are those of the
//! whole file serialised at once, and a build stopped halfway through one leaves the previous
//! site as it was.

use std::fs;
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// `value` as the exports were written before they were streamed: pretty JSON made whole, then a newline.
fn whole(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap();
    bytes.push(b'\n');
    bytes
}

#[test]
fn streamed_exports_are_the_bytes_of_the_whole_file_made_at_once() {
    let (_f, built) = build_example(&[]);
    let veris = fs::read(built.path("veris.json")).unwrap();
    let records: Vec<Value> = serde_json::from_slice(&veris).unwrap();
    assert!(records.len() > 3);
    assert!(veris == whole(&records), "veris.json is not what one serialisation writes");

    let stix = fs::read(built.path("stix/bundle.json")).unwrap();
    let bundle: Value = serde_json::from_slice(&stix).unwrap();
    assert!(stix == whole(&bundle), "the STIX bundle is not what one serialisation writes");
    let kinds = |kind: &str| bundle["objects"].as_array().unwrap().iter().filter(|o| o["type"] == kind).count();
    assert_eq!(kinds("incident"), records.len());

    let manifest = fs::read(built.path("misp/manifest.json")).unwrap();
    // Its events are in record order (oldest first), not in the key order a `Value` has.
    let events: Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(events.as_object().unwrap().len(), records.len());
    let attributes: usize = events
        .as_object()
        .unwrap()
        .keys()
        .map(|uuid| {
            let event: Value = serde_json::from_str(&built.text(&format!("misp/{uuid}.json"))).unwrap();
            event["Event"]["Attribute"].as_array().unwrap().len()
        })
        .sum();
    let hashes = built.text("misp/hashes.csv");
    assert_eq!(hashes.lines().count(), attributes);
    assert!(hashes.lines().all(|l| l.len() == 32 + 1 + 36 && events.get(&l[33..]).is_some()), "{hashes}");

    let feed = fs::read(built.path("feed/writeups.json")).unwrap();
    let file: nearmiss::feed::format::WriteupsFile = serde_json::from_slice(&feed).unwrap();
    assert_eq!(file.writeups.len(), records.len());
    assert!(feed == whole(&file), "feed/writeups.json is not what one serialisation writes");
    // The manifest's sizes and hashes are those of the files as written.
    let listed: nearmiss::feed::format::Manifest = serde_json::from_str(&built.text("feed/manifest.json")).unwrap();
    assert_eq!(listed.files.len(), 2 + nearmiss::feed::SCHEMAS.len());
    for entry in &listed.files {
        let bytes = fs::read(built.path(&format!("feed/{}", entry.path))).unwrap();
        assert_eq!(
            (entry.bytes, &entry.sha256),
            (bytes.len() as u64, &nearmiss::feed::sha256(&bytes)),
            "{}",
            entry.path
        );
    }
}

#[test]
fn a_build_killed_while_streaming_an_export_leaves_the_previous_site_untouched() {
    let f = Fixture::new();
    copy_dir(&example_content(), &f.content());
    let first = f.build();
    first.assert_success();
    let before = first.snapshot();
    let largest = before.values().map(Vec::len).max().unwrap();
    let veris = before["veris.json"].len();
    assert_eq!(largest, veris, "the test needs veris.json to be the largest file");
    // A limit on the size of a file, below veris.json's and above every other's: the system
    // stops the build (SIGXFSZ) halfway through writing it.
    let second = before.values().map(Vec::len).filter(|&n| n < veris).max().unwrap();
    let limit = (second + veris) / 2;
    let out = Command::new("prlimit")
        .arg(format!("--fsize={limit}"))
        .arg(BIN)
        .args(["build", "--content", "content", "--output", "out", "--as-of", AS_OF])
        .current_dir(f.root())
        .output()
        .expect("run prlimit (util-linux)");
    assert_eq!(out.status.code(), None, "the build was not stopped: {}", String::from_utf8_lossy(&out.stderr));
    // It was stopped with part of veris.json on disk, in its own staging folder.
    let staged: Vec<_> = fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".out.nearmiss-new-"))
        .collect();
    assert_eq!(staged.len(), 1, "{staged:?}");
    let partial = fs::metadata(staged[0].join("veris.json")).unwrap().len() as usize;
    assert!(partial > 0 && partial <= limit, "{partial} bytes of veris.json written (limit {limit})");
    assert_eq!(snapshot(&f.root().join("out")), before, "the stopped build changed the previous site");
    // The next build clears the half-written staging folder away.
    let next = f.build();
    next.assert_success();
    assert_eq!(next.snapshot(), before);
    f.build().assert_success();
    let beside: Vec<String> =
        fs::read_dir(f.root()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!beside.iter().any(|n| n.contains("nearmiss-new")), "{beside:?}");
}
