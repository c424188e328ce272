//! The other commands and options: `new`, `init`, `check`, `--help`, the embedded example,
//! `--config` and `--theme`.

use std::fs;

use crate::common::*;

/// 2026-01-01T09:00:00Z.
const NEW_YEAR: &str = "1767258000";

#[test]
fn every_command_has_help_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"], &["new", "--help"], &["init", "--help"]] {
        let run = run_in(dir.path(), args, &[]);
        run.assert_success();
        assert!(run.stdout.contains("Examples"), "`nearmiss {}` has no examples:\n{}", args.join(" "), run.stdout);
        assert!(run.stdout.contains("Usage"), "{}", run.stdout);
    }
    for (cmd, flag) in [("build", "--base-url"), ("build", "--as-of"), ("check", "--config"), ("build", "--theme")] {
        let run = run_in(dir.path(), &[cmd, "--help"], &[]);
        assert!(run.stdout.contains(flag), "`{cmd} --help` does not mention {flag}");
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "--help wrote files");
}

#[test]
fn unknown_commands_and_flags_fail() {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), &["publish"], &[]).assert_failure();
    run_in(dir.path(), &["build", "--colour"], &[]).assert_failure();
    run_in(dir.path(), &["build", "--as-of", "2025-02-30"], &[]).assert_failure();
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn new_writes_a_draft_with_the_next_id_that_passes_check() {
    let f = Fixture::minimal();
    let title = r#"Phishing mail "reported": before a click \ #1"#;
    let run = run_in(f.root(), &["new", title, "--content", "content"], &[("SOURCE_DATE_EPOCH", NEW_YEAR)]);
    run.assert_success();
    let path = run.stdout.trim();
    assert_eq!(path, "content/writeups/2026/phishing-mail-reported-before-a-click-1.md");
    let text = fs::read_to_string(f.root().join(path)).unwrap();
    assert_eq!(front_value(&text, "id").as_deref(), Some("NM-0107"), "one above the highest id, NM-0106");
    assert!(text.lines().any(|l| l.starts_with("status: draft")), "{text}");
    for key in ["occurred", "detected", "reported"] {
        let value = front_value(&text, key).unwrap();
        assert!(value.starts_with("2026-01-01"), "{key}: {value}");
    }
    for section in [
        "## What almost failed",
        "## What stopped it",
        "## What would have happened",
        "## Why it happened",
        "## What we learned",
        "## How we make luck unnecessary",
    ] {
        assert!(text.lines().any(|l| l == section), "no `{section}` in\n{text}");
    }

    let check = f.check();
    check.assert_success();
    assert!(check.diagnostics().iter().all(|d| !d.contains("phishing-mail")), "{}", check.stderr);
    check.assert_line(&format!("  withheld NM-0107 (draft): {path}"));

    // Approved, it publishes with its title intact.
    let approved = text.replacen("status: draft", "status: approved\nreviewed: 2026-01-01", 1);
    fs::write(f.root().join(path), approved).unwrap();
    let built = f.build();
    built.assert_success();
    assert_eq!(text_of(&built.page("writeups/nm-0107.html"), "h1"), title);
}

#[test]
fn new_uses_the_id_prefix_and_refuses_to_overwrite() {
    let front = |id: &str| FRONT.replace("NM-0001", id);
    let f = Fixture::with_pattern()
        .file("site.yaml", "id_prefix: SEC\n")
        .file("writeups/2024/a.md", &writeup(&front("SEC-0009")))
        .file("writeups/2025/b.md", &writeup(&front("sec-0012")))
        .file("writeups/2025/c.md", &writeup(&front("NM-0099")));
    let env = [("SOURCE_DATE_EPOCH", NEW_YEAR)];
    let run = run_in(f.root(), &["new", "Backup restore would have failed", "--content", "content"], &env);
    run.assert_success();
    let text = fs::read_to_string(f.root().join(run.stdout.trim())).unwrap();
    assert_eq!(front_value(&text, "id").as_deref(), Some("SEC-0013"));
    f.check().assert_success();

    let before = fs::read_to_string(f.root().join(run.stdout.trim())).unwrap();
    let again = run_in(f.root(), &["new", "Backup restore would have failed", "--content", "content"], &env);
    again.assert_failure();
    assert_eq!(fs::read_to_string(f.root().join(run.stdout.trim())).unwrap(), before);
}

#[test]
fn new_needs_a_title_with_a_letter_or_digit() {
    let f = Fixture::with_pattern();
    let run = run_in(f.root(), &["new", "?!", "--content", "content"], &[]);
    run.assert_failure();
    assert!(!f.content().join("writeups").exists());
}

#[test]
fn new_in_an_empty_knowledge_base_starts_at_one() {
    let f = Fixture::with_pattern();
    let run = run_in(f.root(), &["new", "First one", "--content", "content"], &[("SOURCE_DATE_EPOCH", NEW_YEAR)]);
    run.assert_success();
    let text = fs::read_to_string(f.root().join(run.stdout.trim())).unwrap();
    assert_eq!(front_value(&text, "id").as_deref(), Some("NM-0001"));
    let check = f.check();
    check.assert_success();
    check.assert_line("published 0 writeups (up to TLP:CLEAR); withheld 1: 1 draft");
}

#[test]
fn init_creates_a_knowledge_base_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["init", "near-misses"], &[("SOURCE_DATE_EPOCH", NEW_YEAR)]);
    run.assert_success();
    let kb = dir.path().join("near-misses");
    for file in [
        "content/site.yaml",
        "content/patterns/certificate-expiry.md",
        "content/writeups/2026/expiring-api-certificate.md",
        ".github/workflows/nearmiss.yml",
        ".gitignore",
    ] {
        assert!(kb.join(file).is_file(), "init did not write {file}");
        assert!(run.stdout.contains(file), "init does not list {file}:\n{}", run.stdout);
    }
    let check = run_in(&kb, &["check", "--as-of", AS_OF], &[]);
    check.assert_success();
    assert_eq!(check.diagnostics(), Vec::<&str>::new(), "the scaffold has problems");
    let build =
        run_in(dir.path(), &["build", "--content", "near-misses/content", "--output", "site", "--as-of", AS_OF], &[]);
    build.assert_success();
    build.assert_contains("published 1 writeup (up to TLP:CLEAR)");
    assert!(!build.stderr.contains("no `org:`"), "init gives the site a pseudonymous org:\n{}", build.stderr);
    let config = fs::read_to_string(kb.join("content/site.yaml")).unwrap();
    let org = config.lines().find(|l| l.starts_with("org: { id: member-")).expect("an org line");
    assert_eq!(org.len(), "org: { id: member-7f3a, label: \"Member 7F3A\" }".len(), "{org}");
    let built = Built { run: build, out: dir.path().join("site") };
    assert_eq!(built.writeup_pages(), ["writeups/nm-0001.html"]);
    assert_eq!(built.pattern_pages(), ["patterns/certificate-expiry.html"]);
    let problems = broken_references(&built, "https://example.org/");
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let run = run_in(dir.path(), &["init", "."], &[]);
    run.assert_failure();
    assert_eq!(snapshot(dir.path()).into_keys().collect::<Vec<_>>(), ["notes.txt"]);

    // An empty folder is fine.
    fs::create_dir(dir.path().join("empty")).unwrap();
    run_in(dir.path(), &["init", "empty"], &[]).assert_success();
}

#[test]
fn without_content_the_embedded_example_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["build", "--as-of", AS_OF], &[]);
    run.assert_success();
    assert!(run.stderr.contains("built-in example"), "{}", run.stderr);
    let embedded = Built { run, out: dir.path().join("public") };
    assert!(embedded.exists("index.html"));

    // It is the crate's content/ folder.
    let (_f, from_disk) = build_example(&[]);
    assert_eq!(published_count(&embedded.run.stderr), published_count(&from_disk.run.stderr));
    assert_eq!(embedded.snapshot(), from_disk.snapshot(), "the embedded example differs from content/");
}

#[test]
fn check_without_content_checks_the_embedded_example() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["check", "--as-of", AS_OF], &[]);
    run.assert_success();
    for id in ["NM-0011", "NM-0015", "NM-0031", "NM-0033", "NM-0034"] {
        assert!(
            run.stderr.lines().any(|l| l.starts_with(&format!("  withheld {id} ("))),
            "{id} not listed:\n{}",
            run.stderr
        );
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "check wrote files");
}

#[test]
fn a_content_folder_in_the_working_directory_is_the_default() {
    let f = Fixture::minimal();
    let run = f.run(&["build", "--as-of", AS_OF]);
    run.assert_success();
    assert!(!run.stderr.contains("built-in example"));
    assert!(f.root().join("public/writeups/nm-0101.html").is_file());
}

#[test]
fn check_lists_what_is_withheld_and_writes_nothing() {
    let f = Fixture::minimal();
    let before = snapshot(f.root());
    let run = f.check();
    run.assert_success();
    assert_eq!(snapshot(f.root()), before, "check changed the folder");
    run.assert_line(
        "published 2 writeups (up to TLP:GREEN); withheld 4: 1 draft, 1 in review, 1 retracted, 1 TLP:AMBER above the site's limit",
    );
    for line in [
        "  withheld NM-0103 (draft): content/writeups/2025/brackenloom-payroll-draft.md",
        "  withheld NM-0104 (in review): content/writeups/2025/sorrelwick-quarantine-review.md",
        "  withheld NM-0105 (retracted): content/writeups/2025/umberfold-telemetry-retracted.md",
        "  withheld NM-0106 (TLP:AMBER above the site's limit): content/writeups/2025/ravelstone-badge-amber.md",
    ] {
        run.assert_line(line);
    }

    // With errors, check fails and still writes nothing.
    f.write("writeups/2025/broken.md", "no front matter\n");
    let before = snapshot(f.root());
    let run = f.check();
    run.assert_failure();
    run.assert_line("content/writeups/2025/broken.md:1:1: error: missing front matter");
    assert_eq!(snapshot(f.root()), before);
}

#[test]
fn a_missing_content_folder_is_an_error() {
    let f = Fixture::new();
    let run = f.run(&["check", "--content", "nowhere"]);
    run.assert_failure();
    run.assert_contains("nowhere");
    let built = f.build_to("out", &["--content", "nowhere"]);
    built.run.assert_failure();
    assert!(!built.out.exists());
}

#[test]
fn config_flag_replaces_site_yaml() {
    let f = Fixture::minimal();
    let config = f.root().join("amber.yaml");
    // The same role catalogue: only the title, the TLP limit and the URL change.
    let site = fs::read_to_string(f.content().join("site.yaml")).unwrap();
    let roles = &site[site.find("roles:").unwrap()..];
    fs::write(&config, format!("title: Amber edition\nmax_tlp: amber\nbase_url: https://example.org/amber/\n{roles}"))
        .unwrap();
    let built = f.build_to("out", &["--config", "amber.yaml"]);
    built.assert_success();
    assert!(built.exists("writeups/nm-0106.html"), "max_tlp from --config was not used");
    assert_eq!(text_of(&built.page("index.html"), "h1"), "Amber edition");
}

#[test]
fn a_theme_folder_overrides_single_templates_and_assets() {
    let f = Fixture::minimal();
    let theme = f.root().join("theme");
    fs::create_dir_all(theme.join("templates")).unwrap();
    fs::create_dir_all(theme.join("static")).unwrap();
    fs::write(
        theme.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1 id=\"page-title\">Custom lost page</h1><a href=\"{{ root }}index.html\">home</a>{% endblock content %}",
    )
    .unwrap();
    fs::write(theme.join("static/style.css"), "body { color: teal }\n").unwrap();
    fs::write(theme.join("static/extra.txt"), "extra asset\n").unwrap();

    let default = f.build_to("default", &[]);
    default.assert_success();
    let themed = f.build_to("themed", &["--theme", "theme"]);
    themed.assert_success();

    let page = themed.page("404.html");
    assert_eq!(text_of(&page, "h1"), "Custom lost page");
    assert_eq!(attrs(&page, "main a", "href"), ["/minimal/index.html"]);
    assert_eq!(themed.text("assets/style.css"), "body { color: teal }\n");
    assert_eq!(themed.text("assets/extra.txt"), "extra asset\n");
    // Everything not overridden is the default theme's.
    let (a, b) = (default.snapshot(), themed.snapshot());
    for (file, bytes) in &a {
        if !["404.html", "assets/style.css"].contains(&file.as_str()) {
            assert_eq!(Some(bytes), b.get(file), "{file} changed");
        }
    }

    let missing = f.build_to("missing", &["--theme", "no-such-theme"]);
    missing.run.assert_failure();
    assert!(!missing.out.exists());
}
