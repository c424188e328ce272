//! Property-based fuzzing of the whole pipeline on stable Rust: knowledge bases made of hostile
//! front matter, markdown and `site.yaml` are checked and built, and every run must hold:
//! no panic, a time bound, bounded memory, no executable markup in any page, every XML file
//! well-formed, and `check` agreeing with `build`.
//!
//! `cargo test --test fuzz` runs a short round (as CI does). A long round:
//! `NEARMISS_FUZZ_CASES=5000 cargo test --release --test fuzz`; proptest prints the smallest
//! failing knowledge base it finds, and `PROPTEST_RNG_SEED` can replay it.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use nearmiss::date::Date;
use nearmiss::diagnostic::Level;
use nearmiss::load::ContentSource;
use nearmiss::site::{self, Options, Outcome};

/// The longest one check plus one build of a case may take (debug builds are slow).
const TIME_BOUND: Duration = Duration::from_secs(60);
/// The most memory the test process may have used at its peak.
const MEMORY_BOUND_KB: u64 = 2_000_000;

/// Text that breaks out of things: markup, quotes, YAML, terminals, XML.
const NASTY: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "\u{1b}]0;owned\u{7}\u{1b}[2J",
    "\u{0}\u{b}\u{c}\u{fffe}\u{ffff}\u{7f}\u{9b}",
    "\u{202e}txt.exe",
    "[[[[{{{{",
    "]]}}: - ? | > & * ! % @ `",
    "&amp;&lt;&#0;&#x110000;&nbsp;",
    "{{ config }}{% raw %}",
    "é漢字🙂\u{200d}",
    "",
];

/// What the gate stops: a case with one of these is refused, so they are rare.
const LEAKS: &[&str] = &["ops@ravelstone-mail.com", "AKIAIOSFODNN7EXAMPLE", "10.20.30.40"];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        40 => proptest::sample::select(&["backup", "firewall", "token", "review", "drill"][..]).prop_map(str::to_string),
        30 => proptest::sample::select(NASTY).prop_map(str::to_string),
        20 => proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => proptest::sample::select(LEAKS).prop_map(str::to_string),
    ]
}

/// Words, the first a plain one so that the text is never empty.
fn text() -> impl Strategy<Value = String> {
    let first = proptest::sample::select(&["near", "miss", "caught", "almost"][..]);
    (first, proptest::collection::vec(word(), 0..6)).prop_map(|(first, w)| format!("{first} {}", w.join(" ")))
}

/// `s` as a double-quoted YAML scalar, every character that needs it escaped.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML value: mostly the first of `choices` (valid), sometimes another, or any text quoted
/// or raw, so that validation and YAML errors are met too.
fn value(choices: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        100 => Just(choices[0].to_string()),
        1 => proptest::sample::select(choices).prop_map(str::to_string),
        1 => text().prop_map(|t| quoted(&t)),
        1 => text(),
    ]
}

fn list() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => proptest::collection::vec(text(), 0..5).prop_map(|items| {
            format!("[{}]", items.iter().map(|t| quoted(t)).collect::<Vec<_>>().join(", "))
        }),
        1 => (1usize..80).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        1 => (40usize..70).prop_map(|n| format!("[{}]", (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>().join(", "))),
    ]
}

/// One piece of a markdown body.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_map(|t| format!("## {t}\n")),
        text().prop_map(|t| format!("{t}\n")),
        (1usize..40, text()).prop_map(|(n, t)| format!("{}{t}\n", "- ".repeat(n))),
        (1usize..105, text()).prop_map(|(n, t)| format!("{}{t}\n", "> ".repeat(n))),
        (0usize..40, text()).prop_map(|(n, t)| format!("| a | {t} |\n|---|---|\n{}", "| x | y |\n".repeat(n))),
        text().prop_map(|t| format!("[{t}](NM-0002) [x](javascript:alert(1)) [y](../../patterns/p.md)\n")),
        text().prop_map(|t| format!(
            "<a href=\"javascript:alert(1)\" onclick=\"x()\">{t}</a><img src=x onerror=alert(1)>\n"
        )),
        text().prop_map(|t| format!("<div><script>{t}</script><style>*{{}}</style><iframe src=//x></iframe></div>\n")),
        (1usize..6000).prop_map(|n| format!("{}\n", "&amp;".repeat(n))),
        text().prop_map(|t| format!("`{t}` and ```\n{t}\n```\n")),
        text().prop_map(|t| format!("[^{t}]\n\n[^{t}]: {t}\n")),
        Just("* [ ] open\n* [x] done\n".to_string()),
    ]
}

fn body() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..8).prop_map(|f| f.join("\n"))
}

fn writeup(id: &'static str) -> impl Strategy<Value = String> {
    (
        value(&["approved", "draft", "in-review"]),
        value(&["clear", "green", "red"]),
        value(&["2025-03-04", "2025-02-30", "2031-01-01"]),
        text(),
        value(&["[p]", "[p, q]", "[]"]),
        list(),
        value(&["high", "low", "hgh"]),
        body(),
    )
        .prop_map(move |(status, tlp, occurred, title, patterns, tags, severity, body)| {
            format!(
                "---\nid: {id}\ntitle: {}\nstatus: {status}\ntlp: {tlp}\noccurred: {occurred}\nreported: 2025-03-06\n\
                 reviewed: 2025-03-12\npatterns: {patterns}\nseverity: {severity}\nstopped_by: process\ntags: {tags}\n---\n{body}",
                quoted(&title)
            )
        })
}

fn site_yaml() -> impl Strategy<Value = String> {
    let names = prop_oneof![9 => Just("[Dave Smith]".to_string()), 1 => list()];
    (text(), value(&["https://example.org/kb/", "/kb/", "https://example.org/"]), value(&["clear", "green"]), names)
        .prop_map(|(title, base_url, max_tlp, names)| {
            format!("title: {}\nbase_url: {base_url}\nmax_tlp: {max_tlp}\nblocked_names: {names}\n", quoted(&title))
        })
}

const PATTERN: &str = "---\ntitle: Pattern\nrisk: A risk.\nsignals: [a]\ncontrols: [b]\n---\nA pattern.\n";

/// What a run ended with, in a form two runs can be compared by.
fn verdict(result: &Result<Outcome, nearmiss::Error>) -> Result<(bool, Vec<String>), String> {
    match result {
        Ok(outcome) => Ok((
            outcome.site.is_some(),
            outcome.diagnostics.iter().filter(|d| d.level == Level::Error).map(|d| d.to_string()).collect(),
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// The peak memory of this process so far.
fn peak_kb() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Whether a URL in a page could run script.
fn runs_script(url: &str) -> bool {
    let url: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
    url.starts_with("javascript:") || url.starts_with("vbscript:") || url.starts_with("data:")
}

/// Every property of one built site.
fn check_output(out: &Path) -> Result<(), TestCaseError> {
    let theme_css = fs::read_to_string(out.join("assets/style.css")).unwrap_or_default();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = entry.path();
        let name = path.to_string_lossy();
        if name.ends_with(".xml") || name.ends_with(".svg") {
            let text = fs::read_to_string(path).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if let Err(e) = roxmltree::Document::parse(&text) {
                return Err(TestCaseError::fail(format!("{name} is not well-formed: {e}")));
            }
        }
        if name.ends_with(".html") {
            let text = fs::read_to_string(path).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let html = scraper::Html::parse_document(&text);
            let all = scraper::Selector::parse("*").expect("a selector");
            for element in html.select(&all) {
                let e = element.value();
                // 404.html carries the theme's style sheet inline, and nothing else.
                let theme_sheet = path == out.join("404.html") && element.text().collect::<String>() == theme_css;
                prop_assert!(
                    !matches!(e.name(), "iframe" | "object" | "embed" | "base") && (e.name() != "style" || theme_sheet),
                    "{name}: a <{}> element",
                    e.name()
                );
                if e.name() == "script" {
                    let src = e.attr("src").unwrap_or_default();
                    prop_assert!(src.contains("assets/"), "{name}: a script that is not the theme's: {src:?}");
                }
                for (attr, value) in e.attrs() {
                    prop_assert!(!attr.starts_with("on"), "{name}: handler {attr}={value:?}");
                    if matches!(attr, "href" | "src" | "action" | "formaction" | "xlink:href") {
                        prop_assert!(!runs_script(value), "{name}: {attr}={value:?}");
                    }
                }
            }
        }
    }
    Ok(())
}

/// Checks and builds one knowledge base; whether it built a site.
fn run_case(site_yaml: &str, writeups: &[String]) -> Result<bool, TestCaseError> {
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let content = dir.path().join("content");
    let write = |rel: &str, text: &str| {
        let path = content.join(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        fs::write(path, text).expect("a file");
    };
    write("site.yaml", site_yaml);
    write("patterns/p.md", PATTERN);
    for (i, w) in writeups.iter().enumerate() {
        write(&format!("writeups/2025/w{i}.md"), w);
    }
    let opts = Options::new(ContentSource::Dir(content), Date::new(2026, 1, 1).expect("a date"));
    let started = Instant::now();
    let checked = site::check(&opts);
    let out = dir.path().join("out");
    let built = site::build(&opts, &out);
    let took = started.elapsed();
    prop_assert!(took < TIME_BOUND, "check and build took {took:?}");
    prop_assert!(peak_kb() < MEMORY_BOUND_KB, "peak memory {} kB", peak_kb());
    let (checked, built_verdict) = (verdict(&checked), verdict(&built));
    prop_assert_eq!(&checked, &built_verdict, "check and build disagree");
    if let Ok(outcome) = &built {
        // What is printed never carries a terminal control.
        let report = outcome.report();
        prop_assert!(!report.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{report:?}");
        if outcome.site.is_some() {
            check_output(&out)?;
            return Ok(true);
        }
    }
    Ok(false)
}

#[test]
fn hostile_knowledge_bases_build_safely_and_check_agrees() {
    let cases = std::env::var("NEARMISS_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(24);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let strategy = (site_yaml(), writeup("NM-0001"), writeup("NM-0002"));
    let built = std::cell::Cell::new(0u32);
    runner
        .run(&strategy, |(site_yaml, a, b)| {
            let wrote = run_case(&site_yaml, &[a, b])?;
            built.set(built.get() + u32::from(wrote));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{} of {cases} fuzzed knowledge bases built a site", built.get());
    assert!(built.get() * 10 >= cases, "too few cases built a site for the output checks to mean much");
}
