//! Hostile files: whatever the content holds, what leaves nearmiss is well-formed and safe to
//! print, and no stage is swamped by repetition.

use std::fs;

use crate::common::*;

/// Every character class XML 1.0 forbids, and terminal controls: NUL, vertical tab, ESC with an
/// OSC title sequence, a C1 control, U+FFFE and U+FFFF.
const CONTROLS: &str = "a\u{0}b\u{b}c\u{1b}]0;owned\u{7}d\u{9b}e\u{fffe}f\u{ffff}g";

/// `text` as a double-quoted YAML scalar, with every control written as an escape.
fn yaml_escaped(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Parses every XML file of the site (and every SVG) with a strict parser.
#[track_caller]
fn assert_well_formed(built: &Built) {
    let xml: Vec<String> =
        built.all_files().into_iter().filter(|f| f.ends_with(".xml") || f.ends_with(".svg")).collect();
    assert!(xml.iter().any(|f| f == "atom.xml") && xml.iter().any(|f| f == "sitemap.xml"), "{xml:?}");
    for file in xml {
        let text = built.text(&file);
        if let Err(e) = roxmltree::Document::parse(&text) {
            panic!("{file} is not well-formed XML: {e}");
        }
    }
}

#[test]
fn control_characters_in_content_leave_every_xml_file_well_formed() {
    let f = Fixture::minimal();
    let path = f.content().join("writeups/2025/token-in-ci-log.md");
    let text = fs::read_to_string(&path).unwrap();
    let title = "title: Deploy token printed in a CI log caught by the log scanner";
    let text = text.replacen(title, &format!("title: {}", yaml_escaped(&format!("Deploy token {CONTROLS}"))), 1);
    // Raw controls in the body reach the summary, and so the feed.
    let text = text.replacen("\n## ", &format!("\nRaw {CONTROLS} in the first paragraph.\n\n## "), 1);
    f.write("writeups/2025/token-in-ci-log.md", &text);
    let built = f.build();
    built.assert_success();
    assert_well_formed(&built);
    let feed = built.text("atom.xml");
    assert!(feed.contains("Deploy token abc]0;owned"), "the title's text was lost:\n{feed}");
}

#[test]
fn diagnostics_never_print_terminal_controls_from_content_or_file_names() {
    let f = Fixture::minimal();
    let bad = writeup(&front_with("severity", &format!("severity: {}", yaml_escaped(&format!("hgh{CONTROLS}")))));
    f.write("writeups/2025/evil\u{1b}]0;pwned\u{7}name.md", &bad.replace("NM-0001", "NM-0301"));
    // A raw ESC beside a gate finding: the finding's source line is printed.
    let raw =
        writeup_with_body(&FRONT.replace("NM-0001", "NM-0302"), "\nMail ops@ravelstone-mail.com\u{1b}[2J here.\n");
    f.write("writeups/2025/raw.md", &raw);
    for run in [f.check(), f.build().run] {
        run.assert_failure();
        assert!(
            !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{9b}'),
            "raw controls printed:\n{:?}",
            run.stderr
        );
        run.assert_contains("evil\\u{1b}]0;pwned\\u{7}name.md");
        assert!(run.errors().iter().any(|l| l.contains("raw.md")), "{}", run.stderr);
        run.assert_contains("\\u{1b}[2J here.");
    }
}

#[test]
fn a_file_with_thousands_of_gate_findings_reports_a_bounded_number() {
    let addresses: String = (0..3000).map(|i| format!("Mail from ops{i}@ravelstone-mail.com was seen.\n")).collect();
    let f = Fixture::with_pattern()
        .file("writeups/w.md", &writeup_with_body(FRONT, &format!("\n{}\n{addresses}", sections())));
    let run = f.check();
    run.assert_failure();
    let found: Vec<_> = run.errors().into_iter().filter(|l| l.contains("content/writeups/w.md")).collect();
    assert_eq!(found.len(), 101, "{}", &run.stderr[..run.stderr.len().min(3000)]);
    assert!(found[100].ends_with("error: and 2900 more findings in this file, not shown"), "{}", found[100]);
    assert!(!run.stderr.contains("ops2999@"), "a masked address was printed");
}

#[test]
fn files_of_the_static_folder_are_copied_as_they_are_and_kept_across_builds() {
    let f = Fixture::minimal();
    let statics = f.root().join("static");
    fs::create_dir_all(statics.join(".well-known")).unwrap();
    fs::write(statics.join("CNAME"), "kb.example.org\n").unwrap();
    fs::write(statics.join(".well-known/security.txt"), "Expires: 2027-12-31T23:00:00.000Z\n").unwrap();
    let logo = [0x89, b'P', b'N', b'G', 0, 1, 2, 0xff];
    fs::write(statics.join("logo.png"), logo).unwrap();
    for _ in 0..2 {
        let built = f.build();
        built.assert_success();
        assert_eq!(built.text("CNAME"), "kb.example.org\n");
        assert_eq!(built.text(".well-known/security.txt"), "Expires: 2027-12-31T23:00:00.000Z\n");
        assert_eq!(fs::read(built.path("logo.png")).unwrap(), logo);
    }
}

#[test]
fn static_text_files_are_gated_and_may_not_replace_the_sites_own_files() {
    let f = Fixture::minimal();
    let statics = f.root().join("static");
    fs::create_dir_all(&statics).unwrap();
    fs::write(statics.join("team.txt"), "Ask ops@ravelstone-mail.com for access.\n").unwrap();
    fs::write(statics.join("index.html"), "<p>mine</p>\n").unwrap();
    let built = f.build();
    built.run.assert_failure();
    assert!(
        built.run.errors().iter().any(|l| l.starts_with("static/team.txt:1:5: error: ") && l.contains("[email]")),
        "{}",
        built.run.stderr
    );
    built.run.assert_line("static/index.html:1:1: error: would replace the site's own `index.html`");
    assert!(!built.run.stderr.contains("ops@ravelstone-mail.com"), "the address was printed");
}

#[cfg(unix)]
#[test]
fn links_and_special_files_in_the_content_are_never_read_and_said_so() {
    let f = Fixture::minimal();
    let passwd = f.root().join("secret-system-file");
    fs::write(&passwd, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    fs::remove_file(f.content().join("site.yaml")).unwrap();
    std::os::unix::fs::symlink(&passwd, f.content().join("site.yaml")).unwrap();
    std::os::unix::fs::symlink(&passwd, f.content().join("writeups/2025/linked.md")).unwrap();
    let fifo = f.content().join("writeups/2025/pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // A build that read the pipe would hang; one that read the links would quote them.
    let run = f.check();
    assert!(!run.stderr.contains("root:x:0"), "a linked system file was read:\n{}", run.stderr);
    run.assert_line("content/site.yaml:1:1: warning: skipped: a symbolic link, not a regular file");
    run.assert_line("content/writeups/2025/linked.md:1:1: warning: skipped: a symbolic link, not a regular file");
    run.assert_line("content/writeups/2025/pipe.md:1:1: warning: skipped: a named pipe, not a regular file");
}

#[test]
fn a_file_over_the_size_limit_is_an_error_and_not_read() {
    let f = Fixture::minimal();
    let text = fs::read_to_string(f.content().join("site.yaml")).unwrap();
    f.write("site.yaml", &format!("{text}max_file_mb: 1\n"));
    let padding = "A line of padding that makes the writeup large.\n".repeat(25_000);
    let big = writeup_with_body(&FRONT.replace("NM-0001", "NM-0401"), &format!("\n{}\n{padding}", sections()));
    f.write("writeups/2025/huge.md", &big);
    let run = f.check();
    run.assert_failure();
    run.assert_line("content/writeups/2025/huge.md:1:1: error: the file is 1.2 MB, over the limit of 1.0 MB");
    assert_eq!(run.errors().len(), 1, "{}", run.stderr);
}
