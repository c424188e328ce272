//! `cargo bench --bench hostile`: times `check` (every stage, pages rendered, nothing written) on
//! small hostile knowledge bases, each one of the files that once took tens of seconds or
//! gigabytes, and `redact` on a large file; prints the time, the peak memory so far and what
//! nearmiss said (the bound it hit, or "accepted"). `NEARMISS_BENCH_CASE=entities` runs only the
//! cases whose name contains the text (and the redact case).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use nearmiss::date::Date;
use nearmiss::diagnostic::Level;
use nearmiss::load::ContentSource;
use nearmiss::site::{self, Options};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FRONT: &str = "---\nid: NM-0001\ntitle: Hostile file\nstatus: approved\ntlp: clear\noccurred: 2025-03-04\n\
reported: 2025-03-06\nreviewed: 2025-03-12\npatterns: [p]\nseverity: high\nstopped_by: process\n";
const PATTERN: &str = "---\ntitle: Pattern\nrisk: A risk.\nsignals: [a]\ncontrols: [b]\n---\nA pattern.\n";

/// A writeup with `extra` front matter lines and `body`.
fn writeup(id: &str, extra: &str, body: &str) -> String {
    format!("{}{extra}---\n\n## What almost failed\n\n{body}\n", FRONT.replace("NM-0001", id))
}

/// Writes a knowledge base of `writeups` (path, text) whose files may be as large as `max_mb`.
fn knowledge_base(root: &Path, name: &str, max_mb: u64, writeups: &Files) -> PathBuf {
    let content = root.join(name).join("content");
    let _ = fs::remove_dir_all(&content);
    fs::create_dir_all(content.join("patterns")).expect("a folder");
    fs::create_dir_all(content.join("writeups")).expect("a folder");
    fs::write(content.join("site.yaml"), format!("title: Bench\nmax_file_mb: {max_mb}\n")).expect("site.yaml");
    fs::write(content.join("patterns/p.md"), PATTERN).expect("a pattern");
    for (rel, text) in writeups {
        fs::write(content.join("writeups").join(rel), text).expect("a writeup");
    }
    content
}

/// Writeups as (file name, text).
type Files = Vec<(String, String)>;

fn one(body_or_front: (&str, &str)) -> Files {
    vec![("a.md".to_string(), writeup("NM-0001", body_or_front.0, body_or_front.1))]
}

fn peak_mb() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kb / 1024
}

fn main() {
    // As the `nearmiss` binary does, so that peak memory here is the binary's.
    nearmiss::memory::prefer_small_pages();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/hostile");
    let emails: String = (0..96_000).map(|i| format!("ops{i}@ravelstone-mail.com, ")).collect();
    let tags: Vec<String> = (0..10_000).map(|i| format!("t{i}")).collect();
    let many: Files = (0..10_000)
        .map(|i| {
            let leaks: String = (0..10).map(|j| format!("ops{i}x{j}@ravelstone-mail.com ")).collect();
            (format!("w{i}.md"), writeup(&format!("NM-{i:05}"), "", &leaks))
        })
        .collect();
    let cases: Vec<(&str, u64, Files)> = vec![
        ("YAML nested 64k deep", 16, one((&format!("tags: {}{}\n", "[".repeat(64_000), "]".repeat(64_000)), ""))),
        ("10,000 tags on one writeup", 16, one((&format!("tags: [{}]\n", tags.join(", ")), ""))),
        ("a list nested 32,000 deep", 16, one(("", &format!("{}x", "- ".repeat(32_000))))),
        ("a line of 1,000,000 entities", 16, one(("", &"&amp;".repeat(1_000_000)))),
        ("2.7 MB, 96,000 gate hits", 16, one(("", &emails))),
        ("an 8 MB table", 16, one(("", &format!("| a | b |\n|---|---|\n{}", "| x | y |\n".repeat(800_000))))),
        ("a 20 MB file, default limit", 4, one(("", &"word ".repeat(4_000_000)))),
        ("10,000 writeups, 10 findings each", 16, many),
    ];
    let only = std::env::var("NEARMISS_BENCH_CASE").unwrap_or_default();
    println!("{:<36} {:>9} {:>9}  result", "case", "check", "peak MB");
    for (name, max_mb, writeups) in cases.iter().filter(|(name, ..)| name.contains(only.as_str())) {
        let slug: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let content = knowledge_base(&root, &slug, *max_mb, writeups);
        let opts = Options::new(ContentSource::Dir(content), Date::new(2026, 1, 1).expect("a date"));
        let started = Instant::now();
        let outcome = site::check(&opts);
        let took = started.elapsed();
        let said = match &outcome {
            Ok(o) => {
                let printed = Instant::now();
                let report = o.report();
                let errors = o.diagnostics.iter().filter(|d| d.level == Level::Error).count();
                let first = match o.diagnostics.iter().find(|d| d.level == Level::Error) {
                    Some(d) => format!("{errors} errors; first: {}", d.message.chars().take(70).collect::<String>()),
                    None => "accepted".to_string(),
                };
                format!("{first} (report of {} KB in {:.2}s)", report.len() / 1024, printed.elapsed().as_secs_f64())
            }
            Err(e) => format!("refused: {e}"),
        };
        println!("{name:<36} {:>8.2}s {:>9}  {said}", took.as_secs_f64(), peak_mb());
    }

    let file = root.join("redact.md");
    let line = "Mail ops@ravelstone-mail.com from 10.20.30.40 about the rota.\n";
    fs::write(&file, writeup("NM-0001", "", &line.repeat(10_000_000 / line.len()))).expect("the file");
    let started = Instant::now();
    let count = site::redact(&file, &ContentSource::Dir(root.clone()), None).expect("redact").replaced;
    println!(
        "{:<36} {:>8.2}s {:>9}  {count} findings replaced",
        "redact of 10 MB",
        started.elapsed().as_secs_f64(),
        peak_mb()
    );
}
