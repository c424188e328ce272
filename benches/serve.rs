//! Serve benchmark: how long a one-file edit takes to reach the browser under `nearmiss serve`,
//! on generated knowledge bases of 1,000 and 10,000 writeups. A writeup's page is open in
//! headless Chromium while its file is edited ten times (body and front matter in turn); each
//! edit is timed from the write to the page showing it, and the server's rebuild times are
//! collected from its `rebuilt in …` lines.
//!
//! `cargo bench --bench serve` (needs node, Chromium and `npm ci --prefix tests/js`).
//! `NEARMISS_BENCH_SIZES=10000` picks the sizes.

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/sizes.rs"]
mod sizes;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::thread::{self, JoinHandle};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_nearmiss");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const EDITS: usize = 10;

fn main() {
    if let Some(missing) = missing_tools() {
        println!("serve benchmark skipped: {missing}");
        return;
    }
    for n in sizes::sizes() {
        bench(n);
    }
}

/// What the browser side needs and is not there, if anything.
fn missing_tools() -> Option<String> {
    if !Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".into());
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("Chromium is not at {chromium} (set CHROMIUM)"));
    }
    if !Path::new(ROOT).join("tests/js/node_modules/playwright-core").exists() {
        return Some("playwright-core is not installed (npm ci --prefix tests/js)".into());
    }
    None
}

fn bench(n: usize) {
    let content = Path::new(ROOT).join(format!("target/bench/serve-corpus-{n}"));
    corpus::generate(&content, n).expect("write the corpus");
    let (file, id) = published_writeup(&content).expect("the corpus has a published writeup");
    let mut server = Server::start(&content);
    let page = format!("{}writeups/{}.html", server.url, id.to_lowercase());
    println!("\n== {n} writeups: editing {} at {page}", file.display());
    let latencies = browser(&page, &file);
    let rebuilds = server.stop();

    let each: Vec<String> = latencies.iter().map(|(kind, ms)| format!("{kind} {ms:.0}")).collect();
    println!("each edit, in order (ms): {}", each.join(", "));
    println!("{:<22} {:>7} {:>7} {:>7}", "edit to browser (ms)", "median", "p90", "max");
    for kind in ["body", "front", "all"] {
        let mut ms: Vec<f64> =
            latencies.iter().filter(|(k, _)| kind == "all" || k == kind).map(|(_, ms)| *ms).collect();
        let label = if kind == "front" { "front matter" } else { kind };
        println!(
            "{label:<22} {:>7.0} {:>7.0} {:>7.0}",
            percentile(&mut ms, 50.0),
            percentile(&mut ms, 90.0),
            percentile(&mut ms, 100.0)
        );
    }
    report_rebuilds(&rebuilds);
}

/// The first approved writeup cleared for publication (TLP clear or green): its file and id.
fn published_writeup(content: &Path) -> Option<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content.join("writeups"))
        .into_iter()
        .flatten()
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files.into_iter().find_map(|file| {
        let text = fs::read_to_string(&file).ok()?;
        let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
        let published = field("status:") == Some("approved") && matches!(field("tlp:"), Some("clear" | "green"));
        let id = field("id:")?.to_string();
        published.then_some((file, id))
    })
}

/// A running `nearmiss serve`, its stderr read to the end by a thread.
struct Server {
    child: Child,
    url: String,
    stderr: Option<JoinHandle<Vec<String>>>,
}

impl Server {
    /// Starts serving `content` on a free port and waits until it prints its URL.
    fn start(content: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0", "--as-of", "2026-11-23", "--content"])
            .arg(content)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nearmiss serve");
        let stderr = read_lines(child.stderr.take().expect("piped stderr"));
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let url = stdout.lines().map_while(Result::ok).find_map(|l| l.strip_prefix("serving ").map(String::from));
        let Some(url) = url else {
            // Its stdout closed without a URL: it has exited, and said why on stderr.
            panic!("nearmiss serve did not start:\n{}", stderr.join().unwrap_or_default().join("\n"));
        };
        Server { child, url, stderr: Some(stderr) }
    }

    /// Ends the server: everything it printed on stderr.
    fn stop(&mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr.take().and_then(|t| t.join().ok()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads `stderr` line by line in a thread, until the process ends.
fn read_lines(stderr: ChildStderr) -> JoinHandle<Vec<String>> {
    thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).collect())
}

/// Runs tests/js/serve-bench.mjs on `page` and `file`: each edit's kind and latency in ms.
fn browser(page: &str, file: &Path) -> Vec<(String, f64)> {
    let out = Command::new("node")
        .arg(Path::new(ROOT).join("tests/js/serve-bench.mjs"))
        .arg(page)
        .arg(file)
        .arg(EDITS.to_string())
        .output()
        .expect("run node");
    assert!(out.status.success(), "serve-bench.mjs: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("serve-bench.mjs prints JSON");
    let list = |key: &str| v[key].as_array().cloned().unwrap_or_default();
    list("kinds")
        .iter()
        .zip(list("ms"))
        .map(|(kind, ms)| (kind.as_str().unwrap_or("?").to_string(), ms.as_f64().unwrap_or(f64::NAN)))
        .collect()
}

/// The median total and stage times of the rebuilds after the initial build.
fn report_rebuilds(stderr: &[String]) {
    let rebuilds: Vec<Vec<(&str, f64)>> =
        stderr.iter().filter_map(|l| l.strip_prefix("rebuilt in ")).skip(1).map(stages).collect();
    let Some(first) = rebuilds.first() else {
        println!("no rebuilds reported");
        return;
    };
    let medians: Vec<String> = first
        .iter()
        .map(|(name, _)| {
            let mut ms: Vec<f64> = rebuilds.iter().flatten().filter(|(s, _)| s == name).map(|(_, ms)| *ms).collect();
            format!("{name} {:.0}", percentile(&mut ms, 50.0))
        })
        .collect();
    println!("rebuild medians over {} rebuilds (ms): {}", rebuilds.len(), medians.join(", "));
}

/// `383 ms (load 80, validate 56)` as `[("total", 383), ("load", 80), ("validate", 56)]`.
fn stages(line: &str) -> Vec<(&str, f64)> {
    let (total, rest) = line.split_once(" ms").unwrap_or((line, ""));
    let named = rest.trim().trim_start_matches('(').trim_end_matches(')').split(", ").filter_map(|s| {
        let (name, ms) = s.rsplit_once(' ')?;
        Some((name, ms.parse().ok()?))
    });
    std::iter::once(("total", total.parse().unwrap_or(f64::NAN))).chain(named).collect()
}

/// The nearest-rank `p`th percentile of `values` (NaN when empty).
fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = (p / 100.0 * values.len() as f64).ceil() as usize;
    values.get(rank.saturating_sub(1)).copied().unwrap_or(f64::NAN)
}
