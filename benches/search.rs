//! Search benchmark: generated knowledge bases of 1,000 and 10,000 writeups, built with nearmiss,
//! then measured — index and bundle build time, bundle size and file count, what a browser
//! downloads for the first query and for ten results, and query latency in headless Chromium —
//! side by side with Pagefind run on the same built site when it can be installed.
//!
//! `cargo bench --bench search` (needs node, Chromium and `npm ci --prefix tests/js`; Pagefind
//! is installed with npm into target/pagefind). `NEARMISS_BENCH_SIZES=1000` picks the sizes.
//! By default the corpus is the parity tests' (`tests/common/corpus.rs`);
//! `NEARMISS_BENCH_SHAPES="today wide"` uses the build benchmark's generator in those shapes.

#[path = "../tests/common/corpus.rs"]
mod corpus;
#[path = "support/corpus.rs"]
mod shaped;
#[path = "support/sizes.rs"]
mod sizes;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use nearmiss::date::Date;
use nearmiss::load::ContentSource;
use nearmiss::search::export;
use nearmiss::site::{self, Options};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_nearmiss");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The largest site Pagefind is run on: it took 3.4 GB at 10,000 writeups and grows with the
/// site, so 100,000 would need about 30 GB.
const PAGEFIND_MAX: usize = 50_000;

/// What people type into the search box of a generated knowledge base.
const QUERIES: &[&str] = &[
    "firewall rule",
    "backup job",
    "certificate expired",
    "production network",
    "customer records",
    "deploy pipeline",
    "monitoring alert",
    "payment service",
    "storage bucket",
    "access token",
    "restore test",
    "luck",
    "canary release",
    "dns record",
    "vendor invoice",
    "mail relay",
    "service account",
    "staging cluster",
    "feature flag",
    "audit log",
];

/// Figures of one engine on one site.
#[derive(Default)]
struct Figures {
    build_s: f64,
    files: usize,
    bytes: u64,
    first_kb: f64,
    first_files: f64,
    ten_kb: f64,
    first_ms: (f64, f64),
    /// Typed a key at a time: from the last key to the answer (nearmiss only).
    typed_ms: Option<(f64, f64)>,
    /// The first query on a phone's screen, filters closed: kB downloaded and time (nearmiss only).
    phone: Option<(f64, (f64, f64))>,
    p50: f64,
    p95: f64,
}

fn main() {
    let sizes = sizes::sizes();
    let pagefind = install_pagefind();
    let shapes = std::env::var_os("NEARMISS_BENCH_SHAPES").map(|_| shaped::Shape::from_env(""));
    for n in sizes {
        match &shapes {
            None => bench(n, None, pagefind.as_deref()),
            Some(shapes) => shapes.iter().for_each(|shape| bench(n, Some(shape), pagefind.as_deref())),
        }
    }
}

fn bench(n: usize, shape: Option<&shaped::Shape>, pagefind: Option<&Path>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("content");
    match shape {
        None => {
            println!("\n== {n} writeups");
            corpus::write(&content, n, 42);
        }
        Some(shape) => {
            println!("\n== {n} writeups, {} shape", shape.name);
            shaped::generate_shaped(&content, n, shape).expect("write the corpus");
        }
    }
    let out = dir.path().join("site");

    let t = Instant::now();
    let status = Command::new(BIN)
        .args(["build", "--as-of", "2026-12-31", "--base-url", "https://example.org/kb/", "--content"])
        .arg(&content)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("run nearmiss");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let site_s = t.elapsed().as_secs_f64();

    let opts = Options::new(ContentSource::Dir(content.clone()), "2026-12-31".parse::<Date>().expect("date"));
    let outcome = site::run(&opts).expect("pipeline");
    let site = outcome.site.expect("a site");
    let t = Instant::now();
    let index = site.search_index().expect("an index");
    let index_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let bundle = export(&index).expect("bundle").files;
    let export_s = t.elapsed().as_secs_f64();
    println!(
        "nearmiss build of the whole site {site_s:.2} s; search index {index_s:.2} s + bundle export {export_s:.2} s"
    );

    let mut ours = Figures { build_s: index_s + export_s, ..Figures::default() };
    ours.files = bundle.len() + 3;
    ours.bytes = bundle.values().map(|b| b.len() as u64).sum::<u64>()
        + ["search.js", "search-engine.js", "stemmer.js"]
            .iter()
            .map(|f| size(&out.join("assets").join(f)))
            .sum::<u64>();
    let largest = bundle.iter().max_by_key(|(_, b)| b.len()).map(|(k, b)| format!("{k} {} kB", b.len() / 1024));
    println!(
        "bundle: {} files, {:.1} MB; largest {}",
        ours.files,
        ours.bytes as f64 / 1e6,
        largest.unwrap_or_default()
    );
    browser(&out, "nearmiss", &mut ours);
    report("nearmiss", &ours);

    let Some(pagefind) = pagefind else {
        println!("pagefind: not installed, no comparison");
        return;
    };
    if n > PAGEFIND_MAX {
        println!("pagefind: not run at {n} writeups, where it would need more memory than this machine has");
        return;
    }
    let t = Instant::now();
    let run = Command::new(pagefind).arg("--site").arg(&out).output().expect("run pagefind");
    if !run.status.success() {
        println!("pagefind failed: {}", String::from_utf8_lossy(&run.stderr));
        return;
    }
    let mut theirs = Figures { build_s: t.elapsed().as_secs_f64(), ..Figures::default() };
    let (files, bytes) = tree(&out.join("pagefind"));
    (theirs.files, theirs.bytes) = (files, bytes);
    browser(&out, "pagefind", &mut theirs);
    report("pagefind", &theirs);
    compare(&ours, &theirs);
}

/// Runs tests/js/bench.mjs and reads its figures into `f`.
fn browser(site: &Path, engine: &str, f: &mut Figures) {
    let queries = site.join(".queries.json");
    fs::write(&queries, serde_json::to_string(QUERIES).expect("json")).expect("write queries");
    let out = Command::new("node")
        .arg(Path::new(ROOT).join("tests/js/bench.mjs"))
        .arg(site)
        .arg(engine)
        .arg(&queries)
        .output()
        .expect("node is needed");
    assert!(out.status.success(), "bench.mjs: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("bench.mjs output");
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let downloads = v["firstDownloads"].as_array().cloned().unwrap_or_default();
    let mean = |key: &str| downloads.iter().map(|d| num(&d[key])).sum::<f64>() / downloads.len().max(1) as f64;
    f.first_kb = mean("bytes") / 1000.0;
    f.first_files = mean("files");
    f.ten_kb = mean("metaBytes") / 1000.0;
    let range = |key: &str| {
        let mut all: Vec<f64> = v[key].as_array().cloned().unwrap_or_default().iter().map(num).collect();
        all.sort_by(f64::total_cmp);
        Some((*all.first()?, *all.last()?))
    };
    f.first_ms = range("first").unwrap_or((f64::NAN, f64::NAN));
    f.typed_ms = range("firstTyped");
    let phone = v["phoneDownloads"].as_array().cloned().unwrap_or_default();
    if let (false, Some(ms)) = (phone.is_empty(), range("phone")) {
        f.phone = Some((phone.iter().map(|d| num(&d["bytes"])).sum::<f64>() / phone.len() as f64 / 1000.0, ms));
    }
    f.p50 = num(&v["p50"]);
    f.p95 = num(&v["p95"]);
    for d in &downloads {
        println!(
            "  {engine} first query {:<20} {:>6} results  {:>7.1} kB in {:>2} files (results' metadata {:.1} kB in {} files)",
            d["query"].as_str().unwrap_or(""),
            d["total"],
            num(&d["bytes"]) / 1000.0,
            d["files"],
            num(&d["metaBytes"]) / 1000.0,
            d["metaFiles"]
        );
    }
}

fn report(engine: &str, f: &Figures) {
    let typed = f.typed_ms.map_or(String::new(), |(lo, hi)| format!(" (typed a key at a time: {lo:.1}–{hi:.1} ms)"));
    let phone = f.phone.map_or(String::new(), |(kb, (lo, hi))| {
        format!(" | on a phone (filters closed) {kb:.1} kB, answered in {lo:.1}–{hi:.1} ms")
    });
    println!(
        "{engine:>9}: index {:.2} s | {} files, {:.1} MB | first query {:.1} kB in {:.1} files, ten results {:.1} kB | \
         first query answered in {:.1}–{:.1} ms{typed}{phone} | loaded p50 {:.2} ms, p95 {:.2} ms",
        f.build_s,
        f.files,
        f.bytes as f64 / 1e6,
        f.first_kb,
        f.first_files,
        f.ten_kb,
        f.first_ms.0,
        f.first_ms.1,
        f.p50,
        f.p95
    );
}

fn compare(ours: &Figures, theirs: &Figures) {
    let r = |a: f64, b: f64| a / b;
    println!(
        "nearmiss ÷ pagefind: index time {:.2} | files {:.3} | total size {:.2} | first-query download {:.2} | \
         ten results {:.2} | first query time {:.2} | p95 {:.2}",
        r(ours.build_s, theirs.build_s),
        r(ours.files as f64, theirs.files as f64),
        r(ours.bytes as f64, theirs.bytes as f64),
        r(ours.first_kb, theirs.first_kb),
        r(ours.ten_kb, theirs.ten_kb),
        r(ours.first_ms.1, theirs.first_ms.1),
        r(ours.p95, theirs.p95)
    );
}

fn size(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Files and bytes below `dir`.
fn tree(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        files += 1;
        bytes += size(entry.path());
    }
    (files, bytes)
}

/// Installs Pagefind from npm into target/pagefind; `None` when that is not possible.
fn install_pagefind() -> Option<PathBuf> {
    let prefix = Path::new(ROOT).join("target/pagefind");
    let bin = prefix.join("node_modules/.bin/pagefind");
    if !bin.exists() {
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg("pagefind@1.6.0")
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
    }
    bin.exists().then_some(bin)
}
