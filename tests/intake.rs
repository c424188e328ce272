//! Reporting and publishing on GitHub: `nearmiss intake`, the report page, and the files
//! `nearmiss init` writes for GitHub (workflows, issue form). Tests that need node, Chromium or
//! the workflow linters are `#[ignore]`d; `cargo test -- --ignored` runs them (`.ci/run`
//! installs what they need).

mod common;

#[path = "intake/browser.rs"]
mod browser;
#[path = "intake/cli.rs"]
mod cli;
#[path = "intake/github.rs"]
mod github;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Run, BIN};

/// 2025-06-01 09:00 UTC: what "today" is for every intake here.
pub const TODAY: &str = "1748768400";

/// Runs `nearmiss args…` in `cwd` with `stdin` as its standard input.
pub fn run_with_stdin(cwd: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", TODAY)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nearmiss");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        success: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An issue body as GitHub writes one from the near-miss form: `### Label`, a blank line, the
/// answer (or `_No response_`), a blank line.
pub fn issue_body(answers: &[(&str, &str)]) -> String {
    answers
        .iter()
        .map(|(label, answer)| {
            format!("### {label}\n\n{}\n\n", if answer.is_empty() { "_No response_" } else { answer })
        })
        .collect()
}

/// The answers of a complete report, by label, in the form's order.
pub fn complete() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Title", "Backup restore would have failed: the archive key was missing"),
        ("Occurred", "2025-05-02"),
        ("Detected", "2025-05-03"),
        ("Reported", "2025-05-05"),
        ("TLP", "clear"),
        ("Severity", "high"),
        ("Stopped by", "process"),
        ("Patterns", "firewall-change-drift"),
        ("Detection", "The quarterly restore test failed."),
        ("Impact areas", "availability, integrity"),
        ("Roles", "backup-operator, sre"),
        ("Systems", "backup archive"),
        ("Team", "team-heron"),
        ("Tags", "backups"),
        ("What almost failed", "The archive key was not in the vault, so no backup could be restored."),
        ("What stopped it", "The quarterly restore test, a process step."),
        ("What would have happened", "A full restore after data loss would have failed."),
        ("Why it happened", "The key rotation runbook did not say where the new key goes."),
        ("What we learned", "Restore tests find what backup monitoring cannot."),
        ("How we make luck unnecessary", "The rotation job stores the key in the vault and checks it."),
        ("Action items", "Store the archive key in the vault on rotation | backup-operator | 2025-07-01"),
        ("Before you submit", "- [X] This report names no person, customer, e-mail address, internal host or secret."),
    ]
}

/// [`complete`] with the answers of `changes` replaced, by label.
pub fn complete_but(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let changed = |label: &str| changes.iter().find(|(l, _)| *l == label).map(|(_, a)| *a);
    complete().into_iter().map(|(label, answer)| (label, changed(label).unwrap_or(answer))).collect()
}
