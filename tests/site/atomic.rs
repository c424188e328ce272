//! The output folder is replaced as a whole or not at all, and never when nearmiss did not write it.

use std::fs;
use std::path::Path;

use crate::common::*;

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

const BROKEN_SEVERITY: (&str, &str) = ("severity: high", "severity: hgh");

fn break_writeup(f: &Fixture, (from, to): (&str, &str)) {
    let path = f.content().join("writeups/2025/token-in-ci-log.md");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    f.write("writeups/2025/token-in-ci-log.md", &text.replacen(from, to, 1));
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let f = Fixture::minimal();
    let first = f.build();
    first.assert_success();
    let before = first.snapshot();
    assert!(before.contains_key(".nearmiss") && before.contains_key("writeups/nm-0101.html"));

    break_writeup(&f, BROKEN_SEVERITY);
    let second = f.build();
    second.run.assert_failure();
    second.run.assert_line("content/writeups/2025/token-in-ci-log.md:11:11: error: `hgh` is not a valid `severity`");
    assert_eq!(second.snapshot(), before, "the failed build changed the previous site");
    assert_eq!(names(f.root()), ["content", "out"], "staging folders were left beside the output");
}

#[test]
fn a_broken_link_found_while_rendering_leaves_the_previous_site_untouched() {
    let f = Fixture::minimal();
    let first = f.build();
    first.assert_success();
    let before = first.snapshot();
    break_writeup(&f, ("[the restore writeup](NM-0102)", "[the restore writeup](NM-0999)"));
    let second = f.build();
    second.run.assert_failure();
    second.run.assert_contains("error: broken link `NM-0999`");
    assert_eq!(second.snapshot(), before);
    assert_eq!(names(f.root()), ["content", "out"]);
}

#[test]
fn a_broken_theme_leaves_the_previous_site_untouched() {
    let f = Fixture::minimal();
    let first = f.build();
    first.assert_success();
    let before = first.snapshot();
    let theme = f.root().join("theme/templates");
    fs::create_dir_all(&theme).unwrap();
    fs::write(
        theme.join("writeup.html"),
        "{% extends \"base.html\" %}{% block content %}{{ writeup.title }{% endblock content %}",
    )
    .unwrap();
    let second = f.build_to("out", &["--theme", "theme"]);
    second.run.assert_failure();
    assert_eq!(second.snapshot(), before);
    assert_eq!(names(f.root()), ["content", "out", "theme"]);
}

#[test]
fn a_rebuild_replaces_the_whole_site() {
    let f = Fixture::minimal();
    f.build().assert_success();
    fs::write(f.root().join("out/stale.html"), "left over").unwrap();
    fs::remove_file(f.content().join("writeups/2025/restore-missing-key.md")).unwrap();
    // NM-0101 links to NM-0102: drop those links too.
    let path = f.content().join("writeups/2025/token-in-ci-log.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("[the restore writeup](NM-0102)", "the restore writeup")
        .replace("[how it was stopped there](NM-0102#what-stopped-it)", "how it was stopped there");
    f.write("writeups/2025/token-in-ci-log.md", &text);
    // Links in withheld writeups are checked too: the amber one links to NM-0102.
    let amber = f.content().join("writeups/2025/ravelstone-badge-amber.md");
    let text = fs::read_to_string(&amber).unwrap().replace("[the restore writeup](NM-0102)", "the restore writeup");
    f.write("writeups/2025/ravelstone-badge-amber.md", &text);
    let second = f.build();
    second.assert_success();
    assert!(!second.exists("stale.html"), "a file of the previous build survived");
    assert!(!second.exists("writeups/nm-0102.html"));
    assert!(second.exists("writeups/nm-0101.html") && second.exists(".nearmiss"));
    assert_eq!(names(f.root()), ["content", "out"]);
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let f = Fixture::minimal();
    let out = f.root().join("out");
    fs::create_dir_all(out.join("chapters")).unwrap();
    fs::write(out.join("thesis.tex"), "precious").unwrap();
    fs::write(out.join("chapters/one.tex"), "also precious").unwrap();
    let before = snapshot(&out);
    let built = f.build();
    built.run.assert_failure();
    built.run.assert_contains("refusing to replace");
    assert_eq!(snapshot(&out), before);
    assert_eq!(names(f.root()), ["content", "out"]);
}

#[test]
fn refuses_to_write_over_the_content_or_the_working_folder() {
    let f = Fixture::minimal();
    let before = snapshot(f.root());
    for out in ["content", ".", "content/writeups"] {
        let built = f.build_to(out, &[]);
        built.run.assert_failure();
        assert_eq!(snapshot(f.root()), before, "--output {out} changed files");
    }
    assert_eq!(names(f.root()), ["content"]);
}

#[test]
fn an_empty_folder_may_be_used() {
    let f = Fixture::minimal();
    fs::create_dir_all(f.root().join("out")).unwrap();
    let built = f.build();
    built.assert_success();
    assert!(built.exists("index.html") && built.exists(".nearmiss"));
}

#[test]
fn a_nested_output_folder_is_created() {
    let f = Fixture::minimal();
    let built = f.build_to("site/public", &[]);
    built.assert_success();
    assert!(built.exists("index.html"));
    assert_eq!(names(&f.root().join("site")), ["public"]);
}
