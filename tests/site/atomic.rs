//! The output folder is replaced as a whole or not at all, and never when nearmiss did not write it.

use std::fs;
use std::path::Path;

use crate::common::*;

/// The names in `dir`, sorted, but the old site a killed build may have left to delete (see
/// [`done_leftovers`]).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = all_names(dir).into_iter().filter(|n| !n.contains(".nearmiss-done-")).collect();
    names.sort();
    names
}

fn all_names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// Old sites in `dir` left to delete: none after a finished build, at most the one it replaced
/// after a killed one.
fn done_leftovers(dir: &Path) -> usize {
    all_names(dir).iter().filter(|n| n.contains(".nearmiss-done-")).count()
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

#[test]
fn builds_into_the_same_output_at_once_each_leave_a_whole_site() {
    let f = Fixture::minimal();
    let serial = f.build_to("serial", &[]);
    serial.assert_success();
    let builds: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(BIN)
                .args(["build", "--content", "content", "--output", "out", "--as-of", AS_OF])
                .current_dir(f.root())
                .env_remove("SOURCE_DATE_EPOCH")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for build in builds {
        let done = build.wait_with_output().unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    }
    assert_eq!(snapshot(&f.root().join("out")), serial.snapshot(), "the concurrent builds mixed their files");
    assert_eq!(names(f.root()), ["content", "out", "serial"]);
    f.build().assert_success();
}

/// A build of `f` into `out` that aborts (as a kill would) at `point` of the swap.
fn killed_at(f: &Fixture, point: &str, env: &[(&str, &str)]) {
    let mut env = env.to_vec();
    env.push(("NEARMISS_ABORT_AT", point));
    let run = run_in(f.root(), &["build", "--content", "content", "--output", "out", "--as-of", AS_OF], &env);
    assert_eq!(run.code, None, "the build was not stopped at `{point}`:\n{}", run.stderr);
}

/// Changes the minimal site's title, so that the old and the new site differ.
fn retitle(f: &Fixture) {
    let text = fs::read_to_string(f.content().join("site.yaml")).unwrap();
    let title = text.lines().find(|l| l.starts_with("title:")).unwrap();
    f.write("site.yaml", &text.replacen(title, "title: A new title", 1));
}

#[test]
fn a_build_killed_at_any_point_of_the_swap_leaves_the_old_site_or_the_new_one() {
    for (point, env, keeps_old) in [
        ("staged", &[][..], true),
        ("swapped", &[][..], false),
        ("staged", &[("NEARMISS_NO_EXCHANGE", "1")][..], true),
        ("swapped", &[("NEARMISS_NO_EXCHANGE", "1")][..], false),
        ("retired", &[][..], false),
        ("retired", &[("NEARMISS_NO_EXCHANGE", "1")][..], false),
    ] {
        let f = Fixture::minimal();
        let old = f.build();
        old.assert_success();
        let before = old.snapshot();
        retitle(&f);
        let new = f.build_to("new", &[]);
        new.assert_success();
        killed_at(&f, point, env);
        let after = snapshot(&f.root().join("out"));
        let expected = if keeps_old { &before } else { &new.snapshot() };
        assert!(&after == expected, "killed at {point} {env:?}: out is neither the old nor the new site");
        // The next build clears what the killed one left beside the output.
        let next = f.build();
        next.assert_success();
        assert_eq!(next.snapshot(), new.snapshot());
        assert_eq!(names(f.root()), ["content", "new", "out"], "killed at {point} {env:?}");
        // It retired them (never to be put back) and may have exited while deleting them with
        // the site it replaced; the build after it deletes them all, whatever happened.
        f.build().assert_success();
        assert!(done_leftovers(f.root()) <= 1, "killed at {point} {env:?}: {:?}", all_names(f.root()));
    }
}

#[test]
fn old_sites_left_to_delete_are_never_put_back_nor_pile_up() {
    let f = Fixture::minimal();
    f.build().assert_success();
    // An old site a build was deleting when it exited, with the output gone (as if removed by hand).
    let done = f.root().join(".out.nearmiss-done-1-1-0");
    fs::rename(f.root().join("out"), &done).unwrap();
    retitle(&f);
    let next = f.build();
    next.assert_success();
    assert!(!done.exists(), "the next build did not delete the old site left to delete");
    assert!(String::from_utf8_lossy(&next.snapshot()["index.html"]).contains("A new title"), "an old site came back");
    for _ in 0..3 {
        f.build().assert_success();
        // A finished `nearmiss build` leaves no copy of the site it replaced (it may hold a
        // writeup since withdrawn) beside the output.
        assert_eq!(done_leftovers(f.root()), 0, "an old site was left beside the output: {:?}", all_names(f.root()));
    }
    assert_eq!(names(f.root()), ["content", "out"]);
}

#[test]
fn a_build_killed_between_the_two_renames_gets_the_old_site_back() {
    // Where the platform cannot exchange two folders in one step, the old site is moved aside
    // first; the next build puts it back before anything else.
    let f = Fixture::minimal();
    let old = f.build();
    old.assert_success();
    let before = old.snapshot();
    killed_at(&f, "set-aside", &[("NEARMISS_NO_EXCHANGE", "1")]);
    assert!(!f.root().join("out").exists());
    break_writeup(&f, BROKEN_SEVERITY);
    f.build().run.assert_failure();
    // A failed build writes nothing, recovery included; a good one recovers, then replaces.
    let fixed = fs::read_to_string(f.content().join("writeups/2025/token-in-ci-log.md")).unwrap();
    f.write("writeups/2025/token-in-ci-log.md", &fixed.replacen(BROKEN_SEVERITY.1, BROKEN_SEVERITY.0, 1));
    killed_at(&f, "staged", &[("NEARMISS_NO_EXCHANGE", "1")]);
    assert_eq!(snapshot(&f.root().join("out")), before, "the old site was not put back");
    f.build().assert_success();
    assert_eq!(names(f.root()), ["content", "out"]);
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_symbolic_link_is_followed_and_kept() {
    let f = Fixture::minimal();
    fs::create_dir_all(f.root().join("pages/site")).unwrap();
    std::os::unix::fs::symlink("pages/site", f.root().join("out")).unwrap();
    for _ in 0..2 {
        let built = f.build();
        built.assert_success();
        assert!(fs::symlink_metadata(f.root().join("out")).unwrap().file_type().is_symlink(), "the link was replaced");
        assert!(f.root().join("pages/site/index.html").is_file() && f.root().join("pages/site/.nearmiss").is_file());
    }
    assert_eq!(names(&f.root().join("pages")), ["site"]);

    std::os::unix::fs::symlink("nowhere", f.root().join("dangling")).unwrap();
    let built = f.build_to("dangling", &[]);
    built.run.assert_failure();
    built.run.assert_contains("error: --output dangling: a symbolic link nearmiss cannot follow");
    assert!(!f.root().join("nowhere").exists());
}
