//! The publication gate end to end: planted personal data, infrastructure identifiers, secrets
//! and blame are caught in every position, look-alikes pass, and nothing planted ever leaks.

mod common;
#[path = "gate/corpus.rs"]
mod corpus;
#[path = "gate/prose.rs"]
mod prose;

use std::collections::BTreeMap;
use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{Fixture, AS_OF};
use corpus::{Plant, Rng, POSITIONS};

/// A fresh seed each run (printed, and settable with NEARMISS_SEED to reproduce a failure).
fn rng() -> Rng {
    let seed = std::env::var("NEARMISS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64));
    eprintln!("corpus seed: NEARMISS_SEED={seed}");
    Rng::new(seed)
}

fn site_yaml() -> String {
    let list = |items: &[&str]| items.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
    format!(
        "title: Gate corpus\nbase_url: https://kb.example.org/\nblocked_names: [{}]\nblocked_orgs: [{}]\n\
         internal_domains: [{}]\ninternal_names: [{}]\nstrict_blameless: true\n",
        list(corpus::BLOCKED_NAMES),
        list(corpus::BLOCKED_ORGS),
        corpus::INTERNAL_DOMAIN,
        list(corpus::INTERNAL_NAMES)
    )
}

/// A gate diagnostic: file, line, level and rule id (the `[id]` that ends the message).
#[derive(Debug)]
struct Finding {
    file: String,
    line: usize,
    id: String,
}

fn findings(stderr: &str) -> Vec<Finding> {
    stderr
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .filter_map(|l| {
            let id = l.rsplit_once('[')?.1.strip_suffix(']')?.to_string();
            let mut parts = l.splitn(4, ':');
            let file = parts.next()?.to_string();
            let line = parts.next()?.parse().ok()?;
            Some(Finding { file, line, id })
        })
        .collect()
}

/// The 1-based line where `value` starts in `text`.
fn line_of(text: &str, value: &str) -> usize {
    let first = value.lines().next().unwrap_or(value);
    let at = text.find(first).expect("planted value is in the file");
    text[..at].matches('\n').count() + 1
}

#[test]
fn every_planted_kind_is_caught_in_every_position_and_never_printed() {
    let mut r = rng();
    let plants: Vec<Plant> = corpus::plants(&mut r);
    let f = Fixture::with_pattern().file("site.yaml", &site_yaml());
    let mut expected: BTreeMap<String, (usize, usize, &Plant, &'static str)> = BTreeMap::new();
    let mut n = 0;
    for plant in &plants {
        for position in POSITIONS.into_iter().filter(|p| p.fits(plant)) {
            n += 1;
            let rel = format!("writeups/{}-{}.md", plant.name, position.name());
            let text = corpus::writeup(&format!("NM-{n:04}"), &plant.value, position);
            let line = line_of(&text, &plant.value);
            expected.insert(format!("content/{rel}"), (line, plant.value.lines().count(), plant, position.name()));
            f.write(&rel, &text);
        }
    }

    let run = f.check();
    run.assert_failure();
    let found = findings(&run.stderr);
    let mut missed = Vec::new();
    for (file, (line, lines, plant, position)) in &expected {
        let caught = found.iter().any(|d| {
            &d.file == file
                && (*line..line + lines).contains(&d.line)
                && plant.ids.iter().any(|id| if id.ends_with(':') { d.id.starts_with(id) } else { d.id == *id })
        });
        if !caught {
            missed.push(format!("{} in {position} ({file}:{line}) expected {:?}", plant.name, plant.ids));
        }
    }
    let caught = expected.len() - missed.len();
    println!(
        "gate recall: {caught}/{} planted findings ({:.1}%) over {} kinds",
        expected.len(),
        100.0 * caught as f64 / expected.len() as f64,
        plants.len()
    );
    assert!(
        missed.is_empty(),
        "missed {} planted findings:\n{}\n--- stderr:\n{}",
        missed.len(),
        missed.join("\n"),
        run.stderr
    );

    for plant in plants.iter().filter(|p| !p.prose_only) {
        for line in plant.value.lines().filter(|l| l.len() >= 8) {
            assert!(!run.stderr.contains(line), "{} printed in full: {line}", plant.name);
        }
    }

    let built = f.build();
    built.run.assert_failure();
    assert!(!built.out.exists(), "a failed gate wrote output");
    for plant in &plants {
        for line in plant.value.lines().filter(|l| l.len() >= 8 && !plant.prose_only) {
            assert!(!built.run.stderr.contains(line), "{} printed in full by build", plant.name);
        }
    }
}

#[test]
fn look_alikes_and_the_example_content_pass_with_no_false_positive() {
    let mut r = rng();
    let f = Fixture::with_pattern().file("site.yaml", &site_yaml());
    let count = 40;
    for i in 0..count {
        f.write(&format!("writeups/clean-{i}.md"), &corpus::clean_writeup(&format!("NM-{:04}", i + 1), &mut r));
    }
    let run = f.check();
    let false_positives = findings(&run.stderr);
    println!("gate false positives: {} on {count} clean writeups", false_positives.len());
    assert!(run.success && run.diagnostics().is_empty(), "clean writeups were flagged:\n{}", run.stderr);

    let example = common::run_in(
        f.root(),
        &["check", "--content", &common::example_content().to_string_lossy(), "--as-of", AS_OF],
        &[],
    );
    println!("gate false positives: {} on the example content", findings(&example.stderr).len());
    assert!(
        example.success && example.diagnostics().is_empty(),
        "the example content was flagged:\n{}",
        example.stderr
    );
}

fn secret() -> String {
    let mut r = rng();
    format!("ghp_{}", r.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36))
}

#[test]
fn findings_in_withheld_writeups_are_warnings_and_never_reach_the_site() {
    let token = secret();
    let draft =
        corpus::writeup("NM-0002", &token, corpus::Position::CodeBlock).replace("status: approved", "status: draft");
    let mut r = rng();
    let f = Fixture::with_pattern()
        .file("writeups/clean.md", &corpus::clean_writeup("NM-0001", &mut r))
        .file("writeups/draft.md", &draft);
    let built = f.build();
    built.assert_success();
    let found = findings(&built.run.stderr);
    assert_eq!(found.len(), 1, "{}", built.run.stderr);
    assert_eq!(found[0].id, "secret:github-token");
    assert!(built.run.stderr.contains(": warning: "), "{}", built.run.stderr);
    assert!(!built.run.stderr.contains(&token));
    for (path, bytes) in built.snapshot() {
        assert!(!String::from_utf8_lossy(&bytes).contains(&token), "{path} holds the draft's secret");
    }
}

#[test]
fn blame_is_a_warning_with_a_blameless_rewording_unless_strict() {
    let body_line = "The intern broke the deployment pipeline.";
    let text = corpus::writeup("NM-0001", body_line, corpus::Position::Prose);
    let f = Fixture::with_pattern().file("writeups/w.md", &text);
    let run = f.check();
    run.assert_success();
    let found = findings(&run.stderr);
    assert_eq!(found.len(), 1, "{}", run.stderr);
    assert!(found[0].id.starts_with("blame:"));
    assert!(run.stderr.contains(": warning: "));
    assert!(run.stderr.contains("hint: "), "a rewording is suggested:\n{}", run.stderr);

    f.write("site.yaml", "strict_blameless: true\n");
    let strict = f.check();
    strict.assert_failure();
    assert!(strict.stderr.contains(": error: "), "{}", strict.stderr);
}

#[test]
fn an_allowance_accepts_a_false_positive_and_an_unused_one_is_a_warning() {
    let text = corpus::writeup("NM-0001", "10.20.30.0/24", corpus::Position::Prose);
    let f = Fixture::with_pattern().file("writeups/w.md", &text);
    f.check().assert_failure();

    let allowed = text.replacen(
        "---\n\n",
        "allow:\n  - text: 10.20.30.0/24\n    reason: the range in our public network policy\n  - text: unused-thing\n    reason: stale\n---\n\n",
        1,
    );
    f.write("writeups/w.md", &allowed);
    let run = f.check();
    run.assert_success();
    assert!(run.stderr.contains("allowed: content/writeups/w.md"), "the report names the allowance:\n{}", run.stderr);
    assert!(run.stderr.contains("the range in our public network policy"), "{}", run.stderr);
    let unused: Vec<_> = run.warnings().into_iter().filter(|l| l.contains("unused-thing")).collect();
    assert_eq!(unused.len(), 1, "{}", run.stderr);
    assert!(unused[0].starts_with("content/writeups/w.md:"), "{}", unused[0]);

    // While the writeup has another problem, its allowances still hold: that problem is the one error.
    f.write("writeups/w.md", &allowed.replacen("severity: high\n", "", 1));
    let broken = f.check();
    broken.assert_failure();
    assert_eq!(
        broken.errors(),
        ["content/writeups/w.md:1:1: error: missing required field `severity`"],
        "{}",
        broken.stderr
    );
}

#[test]
fn redact_replaces_findings_with_typed_placeholders() {
    let mut r = rng();
    let plants = corpus::plants(&mut r);
    let pick = |name: &str| plants.iter().find(|p| p.name == name).map(|p| p.value.clone()).unwrap_or_default();
    let (email, ip, key) = (pick("email"), pick("ipv4"), pick("aws-access-key"));
    let prose = format!("Mail {email} from {ip} used {key}");
    let text = corpus::writeup("NM-0001", &prose, corpus::Position::Prose);
    let f = Fixture::with_pattern().file("writeups/w.md", &text);

    let printed = f.run(&["redact", "content/writeups/w.md"]);
    printed.assert_success();
    for value in [&email, &ip, &key] {
        assert!(!printed.stdout.contains(value.as_str()), "{value} survived redaction");
        assert!(!printed.stderr.contains(value.as_str()), "{value} printed on stderr");
    }
    assert!(printed.stdout.contains("Mail [EMAIL] from [IPV4] used [SECRET:aws-access-key]"), "{}", printed.stdout);
    assert_eq!(
        fs::read_to_string(f.content().join("writeups/w.md")).unwrap(),
        text,
        "without --write the file is kept"
    );

    let written = f.run(&["redact", "content/writeups/w.md", "--write"]);
    written.assert_success();
    assert_eq!(fs::read_to_string(f.content().join("writeups/w.md.bak")).unwrap(), text, "a backup is kept");
    assert_eq!(fs::read_to_string(f.content().join("writeups/w.md")).unwrap(), printed.stdout);
    f.check().assert_success();
}

#[test]
fn people_found_without_a_list_are_allowed_by_name_and_code_names_are_internal() {
    let body = "Priya Raman rotated the key with @kwame-mensah while Project Bluebird was paused.";
    let text = corpus::writeup("NM-0001", body, corpus::Position::Prose);
    let f =
        Fixture::with_pattern().file("writeups/w.md", &text).file("site.yaml", "internal_names: [Project Bluebird]\n");
    let run = f.check();
    run.assert_failure();
    let ids: Vec<String> = findings(&run.stderr).into_iter().map(|d| d.id).collect();
    assert_eq!(ids, ["person", "handle", "internal-name"], "{}", run.stderr);
    assert!(
        !run.stderr.contains("Priya Raman") && !run.stderr.contains("kwame-mensah") && !run.stderr.contains("Bluebird")
    );

    let redacted = f.run(&["redact", "content/writeups/w.md"]);
    redacted.assert_success();
    assert!(
        redacted.stdout.contains("[PERSON] rotated the key with [HANDLE] while [INTERNAL-NAME] was paused."),
        "{}",
        redacted.stdout
    );

    f.write("site.yaml", "internal_names: [Project Bluebird]\nallowed_names: [Priya Raman, '@kwame-mensah']\n");
    let allowed = f.check();
    let ids: Vec<String> = findings(&allowed.stderr).into_iter().map(|d| d.id).collect();
    assert_eq!(ids, ["internal-name"], "{}", allowed.stderr);
}

/// A writeup whose prose holds an email address and an IPv4 address from the corpus.
fn leaky_writeup() -> (String, String, String) {
    let mut r = rng();
    let plants = corpus::plants(&mut r);
    let pick = |name: &str| plants.iter().find(|p| p.name == name).map(|p| p.value.clone()).unwrap_or_default();
    let (email, ip) = (pick("email"), pick("ipv4"));
    let text = corpus::writeup("NM-0001", &format!("Mail {email} came from {ip}"), corpus::Position::Prose);
    (text, email, ip)
}

#[test]
fn redact_write_never_overwrites_a_backup() {
    let (text, email, ip) = leaky_writeup();
    let f = Fixture::with_pattern().file("writeups/w.md", &text);
    let first = f.run(&["redact", "content/writeups/w.md", "--write"]);
    first.assert_success().assert_contains("the original is in content/writeups/w.md.bak\n");
    // The writer adds another address; the second run keeps its input beside the first backup.
    let path = f.content().join("writeups/w.md");
    let redacted = fs::read_to_string(&path).unwrap();
    let edited = redacted.replacen("[EMAIL]", &email, 1);
    fs::write(&path, &edited).unwrap();
    let second = f.run(&["redact", "content/writeups/w.md", "--write"]);
    second.assert_success().assert_contains("the original is in content/writeups/w.md.bak.2\n");
    assert_eq!(fs::read_to_string(f.content().join("writeups/w.md.bak")).unwrap(), text, "the first backup changed");
    assert_eq!(fs::read_to_string(f.content().join("writeups/w.md.bak.2")).unwrap(), edited);
    let now = fs::read_to_string(&path).unwrap();
    assert!(!now.contains(&email) && !now.contains(&ip), "{now}");
    // Nothing left to redact: nothing written, no third backup.
    let third = f.run(&["redact", "content/writeups/w.md", "--write"]);
    third.assert_success().assert_contains("nothing to redact");
    assert!(!f.content().join("writeups/w.md.bak.3").exists());
}

#[test]
fn redact_write_killed_midway_keeps_the_original_and_empty_input_is_refused() {
    let (text, _, _) = leaky_writeup();
    let f = Fixture::with_pattern().file("writeups/w.md", &text);
    let path = f.content().join("writeups/w.md");
    let killed = common::run_in(
        f.root(),
        &["redact", "content/writeups/w.md", "--write"],
        &[("NEARMISS_ABORT_AT", "temp-written")],
    );
    assert_eq!(killed.code, None, "not stopped: {}", killed.stderr);
    assert_eq!(fs::read_to_string(&path).unwrap(), text, "the file was changed before the redacted text was whole");

    fs::write(&path, "").unwrap();
    let empty = f.run(&["redact", "content/writeups/w.md", "--write"]);
    empty.assert_failure().assert_contains("content/writeups/w.md: the file is empty; nothing to redact");
    assert_eq!(fs::read_to_string(f.content().join("writeups/w.md.bak")).unwrap(), text, "the backup was replaced");
    assert!(!f.content().join("writeups/w.md.bak.2").exists());
}

#[test]
fn redact_prints_the_blameless_rewording_of_each_blaming_phrase() {
    let text = corpus::writeup("NM-0001", "The intern forgot to renew the certificate.", corpus::Position::Prose);
    let f = Fixture::with_pattern().file("writeups/w.md", &text);
    let run = f.run(&["redact", "content/writeups/w.md"]);
    run.assert_success();
    let line = text.lines().position(|l| l.contains("The intern")).unwrap() + 1;
    let col = text.lines().nth(line - 1).unwrap().find("The intern").unwrap() + 1;
    run.assert_contains(&format!(
        "content/writeups/w.md:{line}:{col}: reword \"The intern forgot to renew the certificate\": the certificate was not renewed\n"
    ));
    assert!(
        run.stdout.contains("The intern forgot to renew the certificate."),
        "blame is reworded by a person, not replaced"
    );
}
