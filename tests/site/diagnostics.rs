//! Every problem in the content is reported at `file:line:col` with a hint, and stops the build.
//!
//! The generated writeup is `content/writeups/2025/w.md`; its front matter lines are listed on
//! [`FRONT`]: `id` is line 2, `title` 3, … `stopped_by` 12; the closing `---` is line 13.

use crate::common::*;

const W: &str = "content/writeups/2025/w.md";

/// Checks a site whose only writeup is `text`; returns the run (which must fail).
fn check_writeup(text: &str) -> Run {
    let f = Fixture::with_pattern().file("writeups/2025/w.md", text);
    let run = f.check();
    run.assert_failure();
    run
}

#[track_caller]
fn assert_error(run: &Run, line: &str, hint: Option<&str>) {
    run.assert_line(line);
    if let Some(hint) = hint {
        assert_eq!(run.hint_of(line), Some(hint), "hint of {line}\n--- stderr:\n{}", run.stderr);
    }
}

#[test]
fn the_valid_writeup_passes() {
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup(FRONT));
    let run = f.check();
    run.assert_success();
    assert_eq!(run.diagnostics(), Vec::<&str>::new());
    run.assert_line("published 1 writeup (up to TLP:CLEAR); withheld none");
}

#[test]
fn unknown_field_suggests_the_closest() {
    let run = check_writeup(&writeup(&format!("{FRONT}detecton: Peer review\n")));
    assert_error(&run, &format!("{W}:13:1: error: unknown field `detecton`"), Some("did you mean `detection`?"));
    assert_eq!(run.errors().len(), 1, "{}", run.stderr);
}

#[test]
fn unknown_field_without_a_close_match_lists_the_known_ones() {
    let run = check_writeup(&writeup(&format!("{FRONT}colour: blue\n")));
    let line = format!("{W}:13:1: error: unknown field `colour`");
    run.assert_line(&line);
    let hint = run.hint_of(&line).expect("a hint");
    assert!(hint.starts_with("known fields: ") && hint.contains("stopped_by") && hint.contains("actions"), "{hint}");
}

#[test]
fn a_list_where_text_is_expected() {
    let run = check_writeup(&writeup(&front_with("title", "title: [Firewall, rule]")));
    assert_error(&run, &format!("{W}:3:8: error: `title` must be text, found a list"), None);
}

#[test]
fn a_bad_keyword_lists_the_valid_ones() {
    let run = check_writeup(&writeup(&front_with("severity", "severity: hgh")));
    let line = format!("{W}:11:11: error: `hgh` is not a valid `severity`");
    assert_error(&run, &line, Some("did you mean `high`? use one of: low, medium, high or critical"));
    // The whole report: location, source line, carets under the value, hint.
    run.assert_contains(&format!(
        "{line}\n   |\n11 | severity: hgh\n   |           ^^^\n   = hint: did you mean `high`? use one of: low, medium, high or critical\n"
    ));

    let run = check_writeup(&writeup(&front_with("tlp", "tlp: amber-strict")));
    assert_error(
        &run,
        &format!("{W}:5:6: error: `amber-strict` is not a valid `tlp`"),
        Some("did you mean `amber+strict`? use one of: clear, green, amber, amber+strict or red"),
    );
}

#[test]
fn a_date_in_another_format() {
    let run = check_writeup(&writeup(&front_with("occurred", "occurred: 04/03/2025")));
    assert_error(
        &run,
        &format!("{W}:6:11: error: `occurred`: `04/03/2025` is not a valid date: expected a date as YYYY-MM-DD"),
        Some("write the date as YYYY-MM-DD, e.g. 2025-03-14"),
    );
}

#[test]
fn an_impossible_date() {
    let run = check_writeup(&writeup(&front_with("occurred", "occurred: 2025-02-30")));
    assert_error(
        &run,
        &format!("{W}:6:11: error: `occurred`: `2025-02-30` is not a valid date: 02/2025 has only 28 days, not 30"),
        None,
    );
}

#[test]
fn reported_before_occurred() {
    // Without `detected`, `reported` is line 7.
    let front = front_with("detected", "").replace("reported: 2025-03-06", "reported: 2025-03-01");
    let run = check_writeup(&writeup(&front));
    assert_error(
        &run,
        &format!("{W}:7:11: error: `reported` (2025-03-01) is before `occurred` (2025-03-04)"),
        Some("a near miss occurs, then is detected, reported and reviewed, in that order"),
    );
}

#[test]
fn reviewed_before_reported_and_approved_without_review() {
    let run = check_writeup(&writeup(&front_with("reviewed", "reviewed: 2025-03-05")));
    run.assert_line(&format!("{W}:9:11: error: `reviewed` (2025-03-05) is before `reported` (2025-03-06)"));
    let run = check_writeup(&writeup(&front_with("reviewed", "")));
    assert_error(
        &run,
        &format!("{W}:1:1: error: an approved writeup needs a `reviewed` date"),
        Some("add `reviewed: YYYY-MM-DD`, the day the review approved it for sharing"),
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let other = FRONT.replace("id: NM-0001", "id: nm-0001");
    let f = Fixture::with_pattern()
        .file("writeups/2025/a.md", &writeup(FRONT))
        .file("writeups/2025/b.md", &writeup(&other));
    let run = f.check();
    run.assert_failure();
    assert_error(
        &run,
        "content/writeups/2025/b.md:2:5: error: duplicate id `nm-0001`: content/writeups/2025/a.md uses it too",
        Some("ids must be unique; content/writeups/2025/a.md:2:5 has it first"),
    );
}

#[test]
fn unknown_pattern_suggests_the_closest() {
    let run = check_writeup(&writeup(&front_with("patterns", "patterns: [firewall-change-drfit]")));
    assert_error(
        &run,
        &format!("{W}:10:12: error: unknown pattern `firewall-change-drfit`"),
        Some("did you mean `firewall-change-drift`?"),
    );
}

#[test]
fn missing_required_field() {
    let run = check_writeup(&writeup(&front_with("severity", "")));
    assert_error(
        &run,
        &format!("{W}:1:1: error: missing required field `severity`"),
        Some("use one of: low, medium, high or critical"),
    );
    let run = check_writeup(&writeup(&front_with("id", "")));
    assert_error(&run, &format!("{W}:1:1: error: missing required field `id`"), None);
}

#[test]
fn empty_patterns_list() {
    let run = check_writeup(&writeup(&front_with("patterns", "patterns: []")));
    assert_error(&run, &format!("{W}:1:1: error: `patterns` is empty"), None);
}

#[test]
fn an_id_that_cannot_be_a_url() {
    let run = check_writeup(&writeup(&front_with("id", "id: NM 0001/x")));
    assert_error(
        &run,
        &format!("{W}:2:5: error: id `NM 0001/x` cannot be used in a URL"),
        Some("use letters, digits, `-` and `_` only, e.g. NM-0042"),
    );
}

#[test]
fn done_action_without_closed() {
    // `actions:` is line 13; the item starts on line 14.
    let front = format!(
        "{FRONT}actions:\n  - what: Add a policy linter\n    owner_role: devops\n    due: 2025-04-01\n    status: done\n"
    );
    let run = check_writeup(&writeup(&front));
    let line = run
        .errors()
        .into_iter()
        .find(|l| l.ends_with("error: a done action item needs a `closed` date"))
        .unwrap_or_else(|| panic!("no done-without-closed error:\n{}", run.stderr))
        .to_string();
    assert!(line.starts_with(&format!("{W}:14:")), "points at the item on line 14: {line}");
    assert_eq!(run.hint_of(&line), Some("add `closed: YYYY-MM-DD`, the day it was done"));

    let open = front.replace("status: done\n", "status: open\n    closed: 2025-03-30\n");
    let run = check_writeup(&writeup(&open));
    run.assert_line(&format!("{W}:18:13: error: an open action item has a `closed` date"));
}

#[test]
fn action_with_a_bad_status_and_an_unknown_key() {
    let front = format!(
        "{FRONT}actions:\n  - what: Add a policy linter\n    owner: network-engineer\n    due: 2025-04-01\n    status: finished\n"
    );
    let run = check_writeup(&writeup(&front));
    // The item is lines 14 (`- what`) to 17 (`status`).
    run.assert_line(&format!("{W}:14:5: error: missing required field `owner_role`"));
    assert_error(&run, &format!("{W}:15:5: error: unknown field `owner`"), Some("did you mean `owner_role`?"));
    assert_error(
        &run,
        &format!("{W}:17:13: error: `finished` is not a valid `status`"),
        Some("use one of: open, in-progress, done or wont-do"),
    );
}

/// The six sections with `insert` as the paragraph of "What almost failed" (body line 4, file
/// line 17 after the 11-line [`FRONT`]).
fn body_with(insert: &str) -> String {
    sections().replacen("A sentence about it.", insert, 1)
}

#[test]
fn broken_link_at_its_line_in_the_body() {
    let text = writeup_with_body(FRONT, &format!("\n{}", body_with("See [the other one](NM-9999) too.")));
    let run = check_writeup(&text);
    assert_error(
        &run,
        &format!("{W}:17:5: error: broken link `NM-9999`: no writeup or pattern has that id"),
        Some("link to a writeup by id (`NM-0042`), or to a file by relative path (`../../patterns/slug.md`)"),
    );
}

#[test]
fn broken_links_of_every_kind() {
    let para = "One [a](../../patterns/nope.md).\nTwo [b](/about.html).\nThree [c](docs/guide.html).";
    let text = writeup_with_body(FRONT, &format!("\n{}", body_with(para)));
    let run = check_writeup(&text);
    run.assert_line(&format!(
        "{W}:17:5: error: broken link `../../patterns/nope.md`: no writeup or pattern at that path"
    ));
    run.assert_line(&format!(
        "{W}:18:5: error: broken link `/about.html`: absolute paths break when the site is served under a sub-path"
    ));
    run.assert_line(&format!("{W}:19:7: error: broken link `docs/guide.html`: only `.md` files and ids can be linked"));
    assert_eq!(run.errors().len(), 3, "{}", run.stderr);
}

#[test]
fn images_are_errors() {
    let text = writeup_with_body(FRONT, &format!("\n{}", body_with("![diagram](https://tracker.example/x.png)")));
    let run = check_writeup(&text);
    run.assert_line(&format!("{W}:17:1: error: image `https://tracker.example/x.png` cannot be published"));
}

#[test]
fn invalid_yaml_syntax() {
    let run = check_writeup(&writeup(&front_with("title", "title: [unclosed")));
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    let line = errors[0];
    assert!(line.starts_with(&format!("{W}:")) && line.contains(": error: invalid YAML: "), "{line}");
    let at: Vec<usize> = line[W.len() + 1..].split(':').take(2).map(|n| n.parse().unwrap()).collect();
    assert!((3..=13).contains(&at[0]), "the position is inside the front matter: {line}");
    assert_eq!(
        run.hint_of(line),
        Some("check indentation and quote values that contain `: ` or start with a special character")
    );
}

#[test]
fn missing_front_matter() {
    let run = check_writeup("# Firewall rule caught in review\n\nNo front matter here.\n");
    assert_error(
        &run,
        &format!("{W}:1:1: error: missing front matter"),
        Some("start the file with a `---` line, the YAML fields, and another `---` line"),
    );
}

#[test]
fn unclosed_front_matter() {
    let run = check_writeup(&format!("---\n{FRONT}\n## What almost failed\n"));
    assert_error(&run, &format!("{W}:1:1: error: the front matter is never closed"), None);
}

#[test]
fn missing_section_is_a_warning_only() {
    let body = sections().replace("## What we learned\n\nA sentence about it.\n\n", "");
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup_with_body(FRONT, &format!("\n{body}")));
    let run = f.check();
    run.assert_success();
    assert_error(
        &run,
        &format!("{W}:14:1: warning: missing section \"What we learned\""),
        Some("add a `## What we learned` heading; `nearmiss new` writes all six"),
    );
    assert_eq!(run.diagnostics().len(), 1, "{}", run.stderr);
    run.assert_line("0 errors, 1 warning");
    let built = f.build();
    built.assert_success();
    assert!(built.exists("writeups/nm-0001.html"));
}

#[test]
fn unknown_key_in_site_yaml() {
    let f = Fixture::with_pattern()
        .file("site.yaml", "title: KB\nmax_tpl: green\n")
        .file("writeups/2025/w.md", &writeup(FRONT));
    let run = f.check();
    run.assert_failure();
    assert_error(&run, "content/site.yaml:2:1: error: unknown field `max_tpl`", Some("did you mean `max_tlp`?"));
}

#[test]
fn bad_values_in_site_yaml() {
    let f = Fixture::with_pattern()
        .file("site.yaml", "base_url: nope\nmax_tlp: amber-strict\nid_prefix: NM-\n")
        .file("writeups/2025/w.md", &writeup(FRONT));
    let run = f.check();
    run.assert_failure();
    run.assert_line("content/site.yaml:1:11: error: `nope` is not a usable base_url");
    run.assert_line("content/site.yaml:2:10: error: `amber-strict` is not a valid `max_tlp`");
    run.assert_line("content/site.yaml:3:12: error: id_prefix `NM-` may only contain letters and digits");
}

#[test]
fn a_pattern_without_a_risk() {
    let f = Fixture::new()
        .file(
            "patterns/firewall-change-drift.md",
            "---\ntitle: Firewall change drift\nsignals: [a]\ncontrols: [b]\n---\n",
        )
        .file("writeups/2025/w.md", &writeup(FRONT));
    let run = f.check();
    run.assert_failure();
    run.assert_line("content/patterns/firewall-change-drift.md:1:1: error: missing required field `risk`");
}

#[test]
fn build_fails_on_errors_and_writes_nothing() {
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup(&front_with("severity", "severity: hgh")));
    let built = f.build();
    built.run.assert_failure();
    built.run.assert_line(&format!("{W}:11:11: error: `hgh` is not a valid `severity`"));
    assert!(!built.out.exists(), "a failed build created {}", built.out.display());
    assert!(std::fs::read_dir(f.root()).unwrap().all(|e| {
        let name = e.unwrap().file_name();
        name == "content"
    }));
}

#[test]
fn every_problem_in_every_file_is_reported_in_one_run() {
    let a = writeup(
        &format!("{FRONT}colour: blue\n")
            .replace("severity: high", "severity: hgh")
            .replace("occurred: 2025-03-04", "occurred: 2025-02-30"),
    );
    let b = writeup_with_body(
        &FRONT.replace("NM-0001", "NM-0002").replace("reported: 2025-03-06", "reported: 2025-03-04"),
        &format!("\n{}", body_with("See [gone](NM-9999).")),
    );
    let c = writeup(&FRONT.replace("NM-0001", "NM-0003").replace("[firewall-change-drift]", "[firewall-drift]"));
    let d = "no front matter\n";
    let e = writeup(&FRONT.replace("NM-0001", "NM-0005").replace("tlp: clear", "tlp: purple"));
    let f = Fixture::with_pattern()
        .file("site.yaml", "title: KB\nbase_urll: https://example.org/\n")
        .file("patterns/bad.md", "---\ntitle: [x]\nrisk: r\n---\n")
        .file("writeups/2025/a.md", &a)
        .file("writeups/2025/b.md", &b)
        .file("writeups/2025/c.md", &c)
        .file("writeups/2025/d.md", d)
        .file("writeups/2026/e.md", &e);
    let run = f.check();
    run.assert_failure();
    let expected = [
        "content/patterns/bad.md:2:8: error: `title` must be text, found a list",
        "content/site.yaml:2:1: error: unknown field `base_urll`",
        "content/writeups/2025/a.md:6:11: error: `occurred`: `2025-02-30` is not a valid date: 02/2025 has only 28 days, not 30",
        "content/writeups/2025/a.md:11:11: error: `hgh` is not a valid `severity`",
        "content/writeups/2025/a.md:13:1: error: unknown field `colour`",
        "content/writeups/2025/b.md:8:11: error: `reported` (2025-03-04) is before `detected` (2025-03-05)",
        "content/writeups/2025/b.md:17:5: error: broken link `NM-9999`: no writeup or pattern has that id",
        "content/writeups/2025/c.md:10:12: error: unknown pattern `firewall-drift`",
        "content/writeups/2025/d.md:1:1: error: missing front matter",
        "content/writeups/2026/e.md:5:6: error: `purple` is not a valid `tlp`",
    ];
    for line in expected {
        run.assert_line(line);
    }
    // Nothing else is an error, and the totals add up.
    let errors = run.errors();
    let extra: Vec<_> = errors.iter().filter(|l| !expected.contains(l)).collect();
    assert!(extra.is_empty(), "unexpected errors: {extra:?}\n--- stderr:\n{}", run.stderr);
    let warnings = run.warnings().len();
    run.assert_line(&format!("{} errors, {warnings} warning{}", expected.len(), if warnings == 1 { "" } else { "s" }));

    // `build` reports the same and writes nothing.
    let built = f.build();
    built.run.assert_failure();
    assert_eq!(built.run.errors(), errors);
    assert!(!built.out.exists());
}

#[test]
fn dates_after_as_of_are_warnings() {
    let front = FRONT.replace("2025-03-12", "2027-01-05");
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup(&front));
    let run = f.check();
    run.assert_success();
    assert_error(
        &run,
        &format!("{W}:9:11: warning: `reviewed` (2027-01-05) is in the future"),
        Some("today is 2026-12-31; check the year"),
    );
}

#[test]
fn empty_and_null_values() {
    let run = check_writeup(&writeup(&front_with("title", "title: '   '")));
    run.assert_line(&format!("{W}:3:8: error: `title` is empty"));
    let run = check_writeup(&writeup(&front_with("title", "title:")));
    assert!(run.errors().iter().any(|l| l.starts_with(&format!("{W}:")) && l.contains("`title`")), "{}", run.stderr);
    // An optional field left empty is just absent.
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup(&format!("{FRONT}team:\n")));
    f.check().assert_success();
}

#[test]
fn every_problem_in_one_writeup_is_reported_in_one_run() {
    // A bad keyword, an unknown field and an unknown pattern in the front matter, and a broken
    // link in the body: four problems in one file, all reported together.
    let front = format!("{FRONT}colour: blue\n")
        .replace("severity: high", "severity: hgh")
        .replace("[firewall-change-drift]", "[firewall-change-drfit]");
    let text = writeup_with_body(&front, &format!("\n{}", body_with("See [gone](NM-9999).")));
    let run = check_writeup(&text);
    let expected = [
        format!("{W}:10:12: error: unknown pattern `firewall-change-drfit`"),
        format!("{W}:11:11: error: `hgh` is not a valid `severity`"),
        format!("{W}:13:1: error: unknown field `colour`"),
        format!("{W}:18:5: error: broken link `NM-9999`: no writeup or pattern has that id"),
    ];
    let missing: Vec<&String> = expected.iter().filter(|l| !run.stderr.lines().any(|s| s == l.as_str())).collect();
    assert!(missing.is_empty(), "not reported: {missing:#?}\n--- stderr:\n{}", run.stderr);
}

#[test]
fn broken_links_in_drafts_are_reported_by_check() {
    // `nearmiss new` tells writers to run `nearmiss check` on their draft: a broken link should
    // show up then, not only once the writeup is approved.
    let draft = FRONT.replace("status: approved", "status: draft");
    let text = writeup_with_body(&draft, &format!("\n{}", body_with("See [gone](NM-9999).")));
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &text);
    let run = f.check();
    run.assert_line(&format!("{W}:17:5: error: broken link `NM-9999`: no writeup or pattern has that id"));
    run.assert_failure();
}
