//! `cargo bench`: builds generated knowledge bases of 1,000 and 10,000 writeups and prints the
//! wall time of each pipeline stage, the leak gate's throughput, peak memory and output size.
//! `NEARMISS_BENCH_SIZES=1000,10000,50000 cargo bench` chooses the sizes.

mod corpus;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use nearmiss::date::Date;
use nearmiss::load::ContentSource;
use nearmiss::scan::{ScanConfig, Scanner};
use nearmiss::site::{self, Options};

fn main() {
    let sizes: Vec<usize> = std::env::var("NEARMISS_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    for n in sizes {
        bench(&root, n);
    }
}

fn bench(root: &Path, n: usize) {
    let content = root.join(format!("corpus-{n}"));
    let generated = Instant::now();
    corpus::generate(&content, n).expect("write the corpus");
    let generated = generated.elapsed();

    let opts = Options {
        content: ContentSource::Dir(content.clone()),
        config: None,
        theme: None,
        base_url: None,
        as_of: Date::new(2026, 11, 23).expect("a valid date"),
    };
    let out = root.join(format!("site-{n}"));
    let started = Instant::now();
    let outcome = site::build(&opts, &out).expect("build the corpus");
    let total = started.elapsed();
    if outcome.errors() > 0 {
        for d in outcome.diagnostics.iter().take(5) {
            eprintln!("{d}");
        }
        panic!("the generated corpus has {} errors", outcome.errors());
    }

    let texts = markdown_files(&content);
    let bytes: usize = texts.iter().map(String::len).sum();
    let scanner = Scanner::new(&ScanConfig { internal_domains: vec!["corp.example.net".into()], ..Default::default() });
    let scan = (0..3)
        .map(|_| {
            let t = Instant::now();
            let found: usize = texts.iter().map(|t| scanner.scan(t).len()).sum();
            std::hint::black_box(found);
            t.elapsed()
        })
        .min()
        .unwrap_or_default();

    let (files, size) = folder_size(&out);
    println!("\n== {n} writeups (corpus generated in {})", secs(generated));
    println!("{:<10} {:>10}", "stage", "wall time");
    for (stage, time) in &outcome.timings {
        println!("{stage:<10} {:>10}", secs(*time));
    }
    println!("{:<10} {:>10}", "total", secs(total));
    println!("diagnostics: {} errors, {} warnings", outcome.errors(), outcome.warnings());
    println!(
        "gate scan: {:.1} MB in {} = {:.0} MB/s (one thread, best of 3)",
        bytes as f64 / 1e6,
        secs(scan),
        bytes as f64 / 1e6 / scan.as_secs_f64()
    );
    println!("output: {files} files, {:.1} MB", size as f64 / 1e6);
    if let Some(peak) = peak_memory() {
        println!("peak memory of this process so far: {:.0} MB", peak as f64 / 1e6);
    }
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn files(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir).into_iter().flatten().filter(|e| e.file_type().is_file())
}

fn markdown_files(dir: &Path) -> Vec<String> {
    files(dir)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .collect()
}

fn folder_size(dir: &Path) -> (usize, u64) {
    files(dir).fold((0, 0), |(n, size), e| (n + 1, size + e.metadata().map_or(0, |m| m.len())))
}

/// Peak resident memory (VmHWM) on Linux.
fn peak_memory() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
