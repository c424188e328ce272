//! The same content and date give the same bytes, wherever and whenever the build runs.

use crate::common::*;

#[track_caller]
fn assert_same(a: &Built, b: &Built) {
    let (a, b) = (a.snapshot(), b.snapshot());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "different files");
    let differ: Vec<&String> = a.iter().filter(|(k, v)| b[*k] != **v).map(|(k, _)| k).collect();
    assert!(differ.is_empty(), "files differ between builds: {differ:?}");
}

#[test]
fn two_builds_of_the_example_are_byte_identical() {
    let f = Fixture::new();
    let content = example_content();
    let content = content.to_str().unwrap();
    let one = f.build_to("one", &["--content", content]);
    let two = f.build_to("elsewhere/two", &["--content", content]);
    one.assert_success();
    two.assert_success();
    assert_same(&one, &two);
}

#[test]
fn the_site_does_not_depend_on_where_the_content_is() {
    let a = Fixture::minimal();
    let b = Fixture::minimal();
    let one = a.build();
    let two = b.build();
    one.assert_success();
    two.assert_success();
    assert_same(&one, &two);
    for (file, bytes) in one.snapshot() {
        let text = String::from_utf8_lossy(&bytes);
        let root = a.root().to_string_lossy();
        assert!(!text.contains(root.as_ref()), "{file} mentions the build folder {root}");
        for source in markdown_names(&a.content()) {
            assert!(!text.contains(&source), "{file} mentions the source file {source}");
        }
    }
}

#[test]
fn source_date_epoch_sets_the_date_of_a_build() {
    let f = Fixture::minimal();
    let with_flag = f.build_to("flag", &["--as-of", "2025-05-01"]);
    with_flag.assert_success();
    // 2025-05-01T12:00:00Z
    let run = run_in(
        f.root(),
        &["build", "--content", "content", "--output", "epoch"],
        &[("SOURCE_DATE_EPOCH", "1746100800")],
    );
    run.assert_success();
    let with_epoch = Built { run, out: f.root().join("epoch") };
    assert_same(&with_flag, &with_epoch);
}

/// The names of the markdown files under `dir`.
fn markdown_names(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(markdown_names(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}
