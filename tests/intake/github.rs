//! What `nearmiss init` writes for GitHub, checked with the tools people run on workflows
//! (`check-jsonschema`, `zizmor`), and `init` → `new` → `check` → `build` from an empty folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{run_in, AS_OF};

/// The files `init` writes for GitHub.
const GITHUB_FILES: [&str; 3] = [
    ".github/workflows/nearmiss.yml",
    ".github/workflows/near-miss-intake.yml",
    ".github/ISSUE_TEMPLATE/near-miss.yml",
];

/// A knowledge base made by `nearmiss init kb` in a new folder.
fn init() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["init", "kb"], &[]);
    run.assert_success();
    for file in GITHUB_FILES {
        assert!(run.stdout.lines().any(|l| l == format!("kb/{file}")), "init does not list {file}:\n{}", run.stdout);
    }
    let kb = dir.path().join("kb");
    (dir, kb)
}

#[test]
fn the_workflows_pin_actions_ask_for_little_and_keep_no_credentials() {
    let (_dir, kb) = init();
    for file in &GITHUB_FILES[..2] {
        let text = fs::read_to_string(kb.join(file)).unwrap();
        assert!(text.contains("\npermissions: {}\n"), "{file}: no default permissions");
        for line in text.lines().map(str::trim).filter(|l| l.starts_with("uses:") || l.starts_with("- uses:")) {
            let reference = line.trim_start_matches("- ").trim_start_matches("uses:").trim();
            let sha = reference.split_once('@').map(|(_, r)| r.split(' ').next().unwrap()).unwrap_or("");
            assert!(sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()), "{file}: {line} is not pinned");
        }
        let checkouts = text.matches("uses: actions/checkout@").count();
        assert_eq!(text.matches("persist-credentials: false").count(), checkouts, "{file}");
        assert!(!text.contains("cargo install nearmiss"), "{file} installs from a registry nearmiss is not on");
        assert!(
            text.contains(&format!("NEARMISS_VERSION: \"{}\"", env!("CARGO_PKG_VERSION")))
                && text.contains(&format!("NEARMISS_GIT: {}", env!("CARGO_PKG_REPOSITORY"))),
            "{file}: not pinned to this release"
        );
        assert!(
            text.contains("--tag \"v$NEARMISS_VERSION\"") && text.contains("path: ~/.cargo/bin/nearmiss"),
            "{file}"
        );
        // Expressions only in `if:`, `with:` and `env:` values, never inside a script.
        let mut in_run = false;
        for line in text.lines() {
            let t = line.trim_start();
            if t.starts_with("run:") {
                in_run = true;
                assert!(!t.contains("${{"), "{file}: {line}");
            } else if in_run && line.starts_with("          ") && !t.starts_with('-') {
                assert!(!t.contains("${{"), "{file}: {line}");
            } else {
                in_run = false;
            }
        }
    }
}

#[test]
fn the_issue_form_asks_every_question_intake_reads() {
    let (_dir, kb) = init();
    let form = fs::read_to_string(kb.join(".github/ISSUE_TEMPLATE/near-miss.yml")).unwrap();
    for label in crate::complete().iter().map(|(label, _)| label) {
        assert!(form.contains(&format!("label: \"{label}\"")), "the form does not ask {label:?}");
    }
}

#[test]
fn init_new_check_build_from_an_empty_folder_as_in_the_readme() {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), &["init", "near-misses"], &[]).assert_success();
    let kb = dir.path().join("near-misses");
    let new = run_in(&kb, &["new", "Phishing mail reported before anyone clicked"], &[]);
    new.assert_success();
    let path = kb.join(new.stdout.trim());
    assert!(path.is_file(), "{}", new.stdout);
    let check = run_in(&kb, &["check", "--as-of", AS_OF], &[]);
    check.assert_success();
    check.assert_line("published 1 writeup (up to TLP:CLEAR); withheld 1: 1 draft");
    let build = run_in(&kb, &["build", "--as-of", AS_OF], &[]);
    build.assert_success();
    for page in ["index.html", "report.html", "writeups/nm-0001.html"] {
        assert!(kb.join("public").join(page).is_file(), "no {page}");
    }
    assert!(!kb.join("public/writeups/nm-0002.html").exists(), "the draft was published");
}

// ---------------------------------------------------------------- the linters

/// A tool of the virtual environment `.ci/run` makes in `target/py`, else one on the path.
fn tool(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    [target.join("py/bin").join(name), root.join("target/py/bin").join(name)]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| name.into())
}

/// Runs `tool args…` in `dir`, returning its output; panics with it unless it succeeds.
#[track_caller]
fn lint(dir: &Path, name: &str, args: &[&str]) -> String {
    let out = Command::new(tool(name))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}; install tests/github/requirements.txt into target/py"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{name} {args:?} failed:\n{text}");
    text
}

#[test]
#[ignore = "needs check-jsonschema (tests/github/requirements.txt)"]
fn every_file_init_writes_for_github_passes_its_schema() {
    let (_dir, kb) = init();
    for file in &GITHUB_FILES[..2] {
        lint(&kb, "check-jsonschema", &["--builtin-schema", "vendor.github-workflows", file]);
    }
    lint(&kb, "check-jsonschema", &["--builtin-schema", "vendor.github-issue-forms", GITHUB_FILES[2]]);
}

#[test]
#[ignore = "needs zizmor (tests/github/requirements.txt)"]
fn zizmor_finds_nothing_in_the_workflows() {
    let (_dir, kb) = init();
    let report = lint(&kb, "zizmor", &["--offline", "--format", "plain", ".github/workflows"]);
    assert!(report.contains("No findings to report"), "{report}");
    assert!(!report.contains("warning") && !report.contains("error"), "{report}");
}
