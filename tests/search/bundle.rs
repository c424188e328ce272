//! The bundle in `search/`: a manifest naming content-hashed, gzip'd files, and nothing of a
//! withheld writeup in any of them.

use std::io::Read;

use serde_json::Value;

use crate::common::*;
use crate::corpus;

/// The bundle's files, decompressed, by path.
fn bundle(built: &Built) -> Vec<(String, Vec<u8>)> {
    built
        .snapshot()
        .into_iter()
        .filter(|(path, _)| path.starts_with("search/"))
        .map(|(path, bytes)| {
            if path.ends_with(".gz") {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(bytes.as_slice()).read_to_end(&mut out).unwrap();
                (path, out)
            } else {
                (path, bytes)
            }
        })
        .collect()
}

#[test]
fn the_manifest_names_every_bundle_file_and_hashes_are_of_content() {
    let (_f, built) = build_example(&[]);
    let manifest: Value = serde_json::from_str(&built.text("search/index.json")).unwrap();
    assert_eq!(manifest["version"], 4);
    assert_eq!(manifest["docs"].as_u64().unwrap() as usize, built.writeup_pages().len() + built.pattern_pages().len());
    let mut named: Vec<String> =
        ["data", "facet_data"].iter().map(|k| manifest[*k].as_str().unwrap().to_string()).collect();
    for shard in manifest["shards"].as_array().unwrap() {
        named.extend(shard.as_array().unwrap()[1..].iter().map(|v| v.as_str().unwrap().to_string()));
    }
    let mut files: Vec<String> =
        built.all_files().into_iter().filter_map(|f| f.strip_prefix("search/").map(str::to_string)).collect();
    files.retain(|f| f != "index.json");
    // The metadata chunks are `<chunks>.0.gz`, `<chunks>.1.gz`, … with no gap.
    let chunks = manifest["chunks"].as_str().unwrap();
    let count = files.iter().filter(|f| f.starts_with(&format!("{chunks}."))).count();
    assert!(count > 0, "{files:?}");
    named.extend((0..count).map(|n| format!("{chunks}.{n}.gz")));
    named.sort();
    assert_eq!(named, files, "the manifest names exactly the other files");
    for name in &files {
        let bytes = std::fs::read(built.path(&format!("search/{name}"))).unwrap();
        assert_eq!(&bytes[..2], [0x1f, 0x8b], "{name} is gzip");
        let hash = name.split('.').nth(1).unwrap();
        assert_eq!(hash.len(), 16, "{name}");
    }
    let norms = manifest["norms"].as_array().unwrap();
    assert_eq!(norms.len(), 256);
    let fields: Vec<&str> =
        manifest["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "headings", "keywords", "body"]);
}

#[test]
fn withheld_writeups_leave_nothing_in_the_bundle() {
    let f = Fixture::new();
    corpus::write(&f.content(), 40, 3);
    let built = f.build();
    built.assert_success();
    let manifest: Value = serde_json::from_str(&built.text("search/index.json")).unwrap();
    assert_eq!(manifest["docs"].as_u64().unwrap(), 40 + 12, "40 writeups and 12 patterns");
    for (path, bytes) in bundle(&built) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(!text.contains("zzwithheld"), "{path} holds a withheld writeup's words");
        assert!(!text.contains("nm-00041") && !text.contains("nm-00044"), "{path} names a withheld writeup");
    }
    let run = f.run(&["search", "zzwithheld41", "--content", "content", "--as-of", AS_OF]);
    run.assert_success();
    assert!(run.stdout.starts_with("0 results"), "{}", run.stdout);
}
