//! `nearmiss intake` on issue bodies made from the generated form: complete ones, missing
//! answers, markdown inside answers and hostile text, and on files from the report page.

use std::fs;

use crate::common::{front_value, front_with, snapshot, writeup, Fixture};
use crate::{complete, complete_but, issue_body, run_with_stdin};

/// The text of the one draft intake wrote (its path is the first line of stdout).
fn draft(f: &Fixture, stdout: &str) -> String {
    let path = stdout.lines().next().expect("intake prints the draft's path");
    fs::read_to_string(f.root().join(path)).unwrap()
}

/// The `status:` of a writeup, without its comment.
fn status(text: &str) -> String {
    front_value(text, "status").unwrap_or_default().split('#').next().unwrap_or("").trim().to_string()
}

#[test]
fn a_complete_issue_becomes_a_draft_with_the_next_id_that_check_accepts() {
    let f = Fixture::with_pattern();
    f.write("writeups/old.md", &writeup(&front_with("id", "id: NM-0007").replace("status: approved", "status: draft")));
    let run = run_with_stdin(f.root(), &["intake", "-"], &issue_body(&complete()));
    run.assert_success();
    assert_eq!(run.stdout.lines().next(), Some("content/writeups/2025/nm-0008.md"));
    run.assert_line("published 0 writeups (up to TLP:CLEAR); withheld 2: 2 draft");
    let text = draft(&f, &run.stdout);
    assert_eq!(front_value(&text, "id").as_deref(), Some("NM-0008"));
    assert_eq!(status(&text), "draft");
    for line in [
        "title: \"Backup restore would have failed: the archive key was missing\"",
        "occurred: 2025-05-02",
        "detected: 2025-05-03",
        "reported: 2025-05-05",
        "patterns: [firewall-change-drift]",
        "severity: high",
        "stopped_by: process",
        "roles: [\"backup-operator\", \"sre\"]",
        "team: \"team-heron\"",
        "  - what: \"Store the archive key in the vault on rotation\"",
        "## How we make luck unnecessary",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line:?} in\n{text}");
    }
    assert!(!text.contains("Before you submit") && !text.contains("[X]"), "{text}");
    let check = f.check();
    check.assert_success();
    assert_eq!(check.errors(), Vec::<&str>::new());
}

#[test]
fn missing_answers_are_each_reported_and_nothing_is_written() {
    let f = Fixture::with_pattern();
    let answers: Vec<(&str, &str)> = complete_but(&[("Title", ""), ("Severity", ""), ("What almost failed", "")])
        .into_iter()
        .filter(|(label, _)| *label != "Occurred")
        .collect();
    let body = issue_body(&answers);
    let before = snapshot(f.root());
    let run = run_with_stdin(f.root(), &["intake", "-"], &body);
    run.assert_failure();
    run.assert_line("<stdin>:1:5: error: \"Title\" has no answer");
    run.assert_line("<stdin>:1:1: error: the report has no \"Occurred\"");
    assert!(run
        .hint_of("<stdin>:1:1: error: the report has no \"Occurred\"")
        .unwrap()
        .starts_with("add `### Occurred`"));
    let severity = body.lines().position(|l| l == "### Severity").unwrap() + 1;
    run.assert_line(&format!("<stdin>:{severity}:5: error: \"Severity\" has no answer"));
    run.assert_contains("error: \"What almost failed\" has no answer");
    run.assert_line("nothing written: the report has 4 errors");
    assert_eq!(snapshot(f.root()), before, "intake wrote something");
}

#[test]
fn bad_answers_are_reported_at_their_lines() {
    let f = Fixture::with_pattern();
    let answers: Vec<(&str, &str)> = complete_but(&[
        ("Detected", "2025-04-30"),
        ("Reported", "5 May"),
        ("Stopped by", "magic"),
        ("Action items", "Fix it soon"),
    ]);
    let body = issue_body(&answers);
    let line = |label: &str| body.lines().position(|l| l == format!("### {label}")).unwrap() + 3;
    let run = run_with_stdin(f.root(), &["intake", "-"], &body);
    run.assert_failure();
    run.assert_line(&format!(
        "<stdin>:{}:1: error: `detected` (2025-04-30) is before `occurred` (2025-05-02)",
        line("Detected")
    ));
    run.assert_contains(&format!("<stdin>:{}:1: error: `5 May` is not a date", line("Reported")));
    run.assert_line(&format!("<stdin>:{}:1: error: `magic` is not a valid \"Stopped by\"", line("Stopped by")));
    assert_eq!(
        run.hint_of(&format!("<stdin>:{}:1: error: `magic` is not a valid \"Stopped by\"", line("Stopped by"))),
        Some("use one of: human, monitoring, automation, process, luck")
    );
    run.assert_line(&format!(
        "<stdin>:{}:1: error: an action item needs what, the owner's role and a due date",
        line("Action items")
    ));
}

#[test]
fn text_that_is_not_an_issue_of_the_form_is_refused() {
    let f = Fixture::with_pattern();
    let run = run_with_stdin(f.root(), &["intake", "-"], "Hello, something almost broke.\n");
    run.assert_failure();
    run.assert_line("<stdin>:1:1: error: no answer of the near-miss form found");
}

#[test]
fn markdown_inside_answers_stays_in_its_section() {
    let f = Fixture::with_pattern();
    let failed = "The archive key was **missing**.\n\n## Timeline\n\n- 09:00 restore test\n- 09:30 failure\n\n```text\n### What stopped it\n## not a heading\n```\n\n| step | result |\n| --- | --- |\n| restore | failed |";
    let answers: Vec<(&str, &str)> = complete_but(&[("What almost failed", failed)]);
    let run = run_with_stdin(f.root(), &["intake", "-"], &issue_body(&answers));
    run.assert_success();
    let text = draft(&f, &run.stdout);
    assert!(text.contains("\n### Timeline\n"), "{text}");
    assert!(text.contains("```text\n### What stopped it\n## not a heading\n```"), "{text}");
    assert!(text.contains("\n## What stopped it\n\nThe quarterly restore test, a process step.\n"), "{text}");
    // The six sections, and the line in the fenced block.
    assert_eq!(text.matches("\n## ").count(), 7, "{text}");
    let check = f.check();
    check.assert_success();
    assert!(check.warnings().iter().all(|w| !w.contains("missing section")), "{}", check.stderr);
}

#[test]
fn hostile_text_becomes_an_inert_draft() {
    let f = Fixture::with_pattern();
    let answers: Vec<(&str, &str)> = complete_but(&[
        ("Title", "Key \"missing\"\\ \u{1b}[31mred\u{202e} <script>alert(1)</script>"),
        ("Roles", "sre\"], status: approved, x: [\"y"),
        ("Team", "a\nstatus: approved"),
        ("What almost failed", "---\nstatus: approved\n---\n<img src=x onerror=alert(1)>"),
    ]);
    let body = issue_body(&answers).replace('\n', "\r\n");
    let run = run_with_stdin(f.root(), &["intake", "-"], &body);
    run.assert_success();
    let text = draft(&f, &run.stdout);
    assert_eq!(status(&text), "draft");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("title: \"Key \\\"missing\\\"\\\\ [31mred <script>alert(1)</script>\""), "{text}");
    assert!(text.contains("roles: [\"sre\\\"]\", \"status: approved\", \"x: [\\\"y\"]"), "{text}");
    let check = f.check();
    check.assert_success();
    check.assert_line("published 0 writeups (up to TLP:CLEAR); withheld 1: 1 draft");
}

#[test]
fn a_report_page_file_gets_the_next_id_and_stays_a_draft() {
    let f = Fixture::with_pattern();
    f.write("writeups/old.md", &writeup(&front_with("id", "id: NM-0003").replace("status: approved", "status: draft")));
    let page_file =
        writeup(&front_with("id", "id: NM-report-20250601-ab12")).replacen("---\n", "---\n# from the report page\n", 1);
    let file = f.root().join("report.md");
    fs::write(&file, page_file).unwrap();
    let run = run_with_stdin(f.root(), &["intake", "report.md"], "");
    run.assert_success();
    let text = draft(&f, &run.stdout);
    assert_eq!(front_value(&text, "id").as_deref(), Some("NM-0004"));
    assert_eq!(status(&text), "draft");
    assert!(text.contains("# from the report page"));
}

#[test]
fn an_unknown_pattern_is_a_warning_at_its_place_and_the_review_chooses() {
    let f = Fixture::with_pattern();
    let answers: Vec<(&str, &str)> = complete_but(&[("Patterns", "firewall-change-drift, phishing-ish")]);
    let body = issue_body(&answers);
    let line = body.lines().position(|l| l == "### Patterns").unwrap() + 3;
    let run = run_with_stdin(f.root(), &["intake", "-"], &body);
    run.assert_success();
    run.assert_line(&format!("<stdin>:{line}:24: warning: unknown pattern `phishing-ish`"));
    assert!(draft(&f, &run.stdout).contains("\npatterns: [firewall-change-drift]\n"));
}
