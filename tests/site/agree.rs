//! `check` says what `build` will say: the same errors, and success exactly when a build succeeds.

use std::fs;

use crate::common::*;

/// A writeup whose body has no `##` heading, as many real postmortems are written.
fn no_headings(f: &Fixture) {
    let front = FRONT.replace("NM-0001", "NM-0201").replace("firewall-change-drift", "backup-gap");
    f.write(
        "writeups/2025/plain.md",
        &writeup_with_body(&front, "\nThe backup job failed quietly for a week.\n\nA restore drill caught it.\n"),
    );
}

/// A `theme/` beside the content whose writeup template fails: found only by rendering.
fn theme_failing_on_writeup_pages(f: &Fixture) {
    fs::create_dir_all(f.root().join("theme/templates")).unwrap();
    fs::write(
        f.root().join("theme/templates/writeup.html"),
        "{% extends \"base.html\" %}{% block content %}{{ writeup.no_such_field }}{% endblock content %}",
    )
    .unwrap();
}

/// The first lines of every error, of whichever run: the diagnostics and any final `error:` line.
fn errors(run: &Run) -> Vec<String> {
    run.stderr.lines().filter(|l| l.contains(": error: ") || l.starts_with("error: ")).map(str::to_string).collect()
}

/// Runs `check` and `build` on `f` and asserts they agree.
#[track_caller]
fn agree(f: &Fixture, what: &str) -> bool {
    let check = f.check();
    let built = f.build();
    assert_eq!(
        check.success, built.run.success,
        "{what}: check and build disagree\n--- check:\n{}\n--- build:\n{}",
        check.stderr, built.run.stderr
    );
    assert_eq!(errors(&check), errors(&built.run), "{what}: check and build report different errors");
    built.run.success
}

#[test]
fn a_writeup_without_second_level_headings_builds() {
    let f = Fixture::minimal();
    no_headings(&f);
    assert!(agree(&f, "no headings"));
    let built = f.build();
    let page = built.page("writeups/nm-0201.html");
    assert!(texts(&page, "nav.toc").is_empty(), "a table of contents with no headings");
    assert!(text_of(&page, "main").contains("A restore drill caught it."));
}

#[test]
fn check_and_build_agree_on_every_fixture() {
    let mut cases: Vec<(&str, Fixture)> = vec![
        ("minimal", Fixture::minimal()),
        ("example", Fixture::from_fixture("../../content")),
        ("empty", Fixture::new()),
        ("one writeup", Fixture::with_pattern().file("writeups/a.md", &writeup(FRONT))),
    ];
    let plain = Fixture::minimal();
    no_headings(&plain);
    cases.push(("no headings", plain));
    let broken = Fixture::minimal();
    let path = broken.content().join("writeups/2025/token-in-ci-log.md");
    let text = fs::read_to_string(&path).unwrap();
    broken.write("writeups/2025/token-in-ci-log.md", &text.replacen("severity: high", "severity: hgh", 1));
    cases.push(("bad severity", broken));
    let theme = Fixture::minimal();
    theme_failing_on_writeup_pages(&theme);
    cases.push(("theme failing on writeup pages", theme));
    let mut outcomes = Vec::new();
    for (what, f) in &cases {
        outcomes.push((*what, agree(f, what)));
    }
    assert_eq!(
        outcomes,
        [
            ("minimal", true),
            ("example", true),
            ("empty", true),
            ("one writeup", true),
            ("no headings", true),
            ("bad severity", false),
            ("theme failing on writeup pages", false)
        ]
    );
}

#[test]
fn a_template_error_names_the_writeup_whose_page_failed() {
    let f = Fixture::minimal();
    theme_failing_on_writeup_pages(&f);
    let check = f.check();
    check.assert_failure();
    check.assert_contains("error: theme error: content/writeups/2025/");
}
