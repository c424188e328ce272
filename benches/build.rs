//! `cargo bench`: prints the leak gate's throughput on hand-written prose, then builds generated
//! knowledge bases of 1,000 and 10,000 writeups in two shapes (today's and the wide one of issue
//! 18) and prints the wall time of each pipeline stage, the leak gate's throughput, peak memory,
//! output size (and its largest parts) and the search bundle's size.
//! `NEARMISS_BENCH_SIZES=10000,50000,100000` chooses the sizes and
//! `NEARMISS_BENCH_SHAPES="today wide:tags=3"` the shapes (see `support/corpus.rs`). With Hugo
//! and Pagefind (`benches/baselines.sh` installs them and sets NEARMISS_HUGO and
//! NEARMISS_PAGEFIND), it also builds the same corpus with Hugo (pages only) and indexes it with
//! Pagefind, and prints ratios; then builds with each in turn, `NEARMISS_BENCH_PAIRS` pairs in
//! all (3 by default), and prints every pair's ratio and their median.

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/measure.rs"]
mod measure;
#[path = "support/sizes.rs"]
mod sizes;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use measure::{cpu_time, secs, status_kb};
use nearmiss::date::Date;
use nearmiss::load::ContentSource;
use nearmiss::scan::{ScanConfig, Scanner};
use nearmiss::site::{self, Options};

/// The allocator the `nearmiss` binary uses, so that peak memory here is the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // As the `nearmiss` binary does, so that peak memory here is the binary's.
    nearmiss::memory::prefer_small_pages();
    let sizes = sizes::sizes();
    let shapes = corpus::Shape::from_env("today,wide");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    scan_prose(manifest);
    let root = manifest.join("target/bench");
    for n in sizes {
        for shape in &shapes {
            bench(&root, n, shape);
        }
    }
}

fn bench(root: &Path, n: usize, shape: &corpus::Shape) {
    let label = format!("{}-{n}", shape.name);
    let content = root.join(format!("corpus-{label}"));
    let generated = Instant::now();
    corpus::generate_shaped(&content, n, shape).expect("write the corpus");
    let generated = generated.elapsed();
    // The build starts, as Hugo does below, with nothing left for the kernel to write: the
    // corpus just generated, and the previous shape's sites, would otherwise be written to disk
    // while it runs (a third more wall time on this machine).
    flush_to_disk();

    let opts = Options::new(ContentSource::Dir(content.clone()), Date::new(2026, 11, 23).expect("a valid date"));
    let out = root.join(format!("site-{label}"));
    // The peak from here on is the build's, not the corpus generator's.
    let _ = fs::write("/proc/self/clear_refs", "5");
    let (mut outcome, first) = timed_build(&opts, &out);
    let peak = status_kb("self", "VmHWM:");
    if outcome.errors() > 0 {
        for d in outcome.diagnostics.iter().take(5) {
            eprintln!("{d}");
        }
        panic!("the generated corpus has {} errors", outcome.errors());
    }

    // The site this build replaced is deleted in the background: let that finish, so the
    // scanner's timing below is its own.
    std::mem::take(&mut outcome.retired).wait();
    // So is the kernel writing the new site to disk: flush it first.
    flush_to_disk();
    let texts = text_files(&content, &["md"]);
    let scan = ScanFigure::measure(&texts);

    let (files, size) = folder_size(&out);
    println!("\n== {n} writeups, {} shape {shape:?} (corpus generated in {})", shape.name, secs(generated));
    println!("{:<10} {:>10}", "stage", "wall time");
    for (stage, time) in &outcome.timings {
        println!("{stage:<10} {:>10}", secs(*time));
    }
    println!("{:<10} {:>10}", "total", secs(first.wall));
    if let Some(cpu) = first.cpu {
        println!("CPU time (user and system, all threads): {}", secs(cpu));
    }
    println!("diagnostics: {} errors, {} warnings", outcome.errors(), outcome.warnings());
    println!("gate scan: {scan}");
    println!(
        "output: {files} files, {:.1} MB ({:.1} kB a writeup)",
        size as f64 / 1e6,
        size as f64 / 1e3 / n.max(1) as f64
    );
    println!("  largest parts: {}", largest_parts(&out, 6));
    let (bundle_files, bundle_bytes) = folder_size(&out.join("search"));
    println!("search bundle: {bundle_files} files, {:.1} MB", bundle_bytes as f64 / 1e6);
    long_lists(&out);
    if let Some(peak) = peak {
        println!("peak memory of the build: {:.0} MB ({:.0} MiB)", peak as f64 / 1e3, peak as f64 / 1024.0);
    }
    // Later builds for the side-by-side pairs, each into an emptied folder as Hugo's are.
    let mut again = || {
        let _ = fs::remove_dir_all(&out);
        flush_to_disk();
        timed_build(&opts, &out).1
    };
    baselines(root, &content, &label, first, &mut again);
}

/// Builds `opts`' site into `out`, and what that took.
fn timed_build(opts: &Options, out: &Path) -> (site::Outcome, Run) {
    let started = Instant::now();
    let cpu_before = cpu_time(false);
    let outcome = site::build(opts, out).expect("build the corpus");
    let run =
        Run { wall: started.elapsed(), cpu: cpu_time(false).zip(cpu_before).map(|(after, before)| after - before) };
    (outcome, run)
}

/// The `count` largest files and folders at the top of `out`, with their sizes.
fn largest_parts(out: &Path, count: usize) -> String {
    let mut parts: Vec<(u64, usize, String)> = fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let (files, bytes) = folder_size(&e.path());
            let slash = if e.path().is_dir() { "/" } else { "" };
            (bytes, files, format!("{}{slash}", e.file_name().to_string_lossy()))
        })
        .collect();
    parts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
    let shown: Vec<String> = parts
        .iter()
        .take(count)
        .map(|(bytes, files, name)| format!("{name} {:.1} MB in {files}", *bytes as f64 / 1e6))
        .collect();
    shown.join(", ")
}

/// What a phone loads for the long lists: the first page of each, and the rows the filters read.
fn long_lists(out: &Path) {
    for dir in ["writeups", "actions"] {
        let first = fs::metadata(out.join(dir).join("index.html")).map_or(0, |m| m.len());
        let pages = fs::read_dir(out.join(dir).join("page")).map_or(0, |d| d.count()) + 1;
        let chunks: Vec<u64> = fs::read_dir(out.join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("rows-"))
            .map(|e| e.metadata().map_or(0, |m| m.len()))
            .collect();
        println!(
            "{dir}: {pages} pages, the first {:.0} kB; filter rows {:.1} MB in {} chunks",
            first as f64 / 1e3,
            chunks.iter().sum::<u64>() as f64 / 1e6,
            chunks.len()
        );
    }
}

/// What a build took: wall time and, where known, CPU time.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    cpu: Option<Duration>,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", secs(self.wall))?;
        match self.cpu {
            Some(cpu) => write!(f, " ({} CPU)", secs(cpu)),
            None => Ok(()),
        }
    }
}

/// Waits until the kernel has written every changed file to disk.
fn flush_to_disk() {
    if let Err(e) = std::process::Command::new("sync").status() {
        eprintln!("sync: {e}");
    }
}

/// Hugo's pages-only build of the same corpus, then Pagefind's index of it, where installed;
/// then more builds of nearmiss (`again`) and Hugo in turn, `NEARMISS_BENCH_PAIRS` pairs in all
/// (3 unless set), so that the ratio is read over pairs measured moments apart: on a shared
/// machine the same build's time varies by more than the difference measured.
fn baselines(root: &Path, content: &Path, label: &str, ours: Run, again: &mut dyn FnMut() -> Run) {
    let (Ok(hugo), Ok(pagefind)) = (std::env::var("NEARMISS_HUGO"), std::env::var("NEARMISS_PAGEFIND")) else {
        println!("baselines: set NEARMISS_HUGO and NEARMISS_PAGEFIND (benches/baselines.sh does) to compare");
        return;
    };
    let site = root.join(format!("hugo-{label}"));
    let _ = fs::remove_dir_all(&site);
    let layouts = site.join("layouts/_default");
    fs::create_dir_all(&layouts).expect("create the Hugo site");
    let writeups = content.join("writeups").canonicalize().expect("the corpus");
    fs::write(
        site.join("hugo.yaml"),
        format!("baseURL: https://org.example/kb/\ncontentDir: {}\ntaxonomies:\n  tag: tags\n", writeups.display()),
    )
    .expect("write hugo.yaml");
    fs::write(
        layouts.join("single.html"),
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><dl>\
         {{ range $k, $v := .Params }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}</dl>{{ .Content }}</body></html>\n",
    )
    .expect("write a layout");
    fs::write(
        layouts.join("list.html"),
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><ul>\
         {{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>\
         </body></html>\n",
    )
    .expect("write a layout");
    let public = site.join("public");
    let run_hugo = || {
        let _ = fs::remove_dir_all(&public);
        // Each tool, like the build, starts with nothing left to write to disk.
        flush_to_disk();
        measure(Command::new(&hugo).args(["--quiet", "--source"]).arg(&site).arg("--destination").arg(&public))
    };
    let Some((hugo, hugo_peak)) = run_hugo() else {
        return;
    };
    flush_to_disk();
    let Some((pagefind, pagefind_peak)) = measure(Command::new(&pagefind).arg("--site").arg(&public)) else {
        return;
    };
    let mb = |kb: Option<u64>| kb.map_or("?".to_string(), |kb| format!("{:.0} MB", kb as f64 / 1e3));
    println!("hugo (pages only): {hugo}, peak {}", mb(hugo_peak));
    println!("pagefind (search): {pagefind}, peak {}", mb(pagefind_peak));
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "nearmiss full build / hugo pages only = {:.2}; / hugo + pagefind = {:.2}",
        ratio(ours.wall, hugo.wall),
        ratio(ours.wall, hugo.wall + pagefind.wall)
    );
    // CPU time is what a shared machine's other work disturbs least.
    if let (Some(ours), Some(hugo)) = (ours.cpu, hugo.cpu) {
        println!("in CPU time: nearmiss full build / hugo pages only = {:.2}", ratio(ours, hugo));
    }
    let pairs = std::env::var("NEARMISS_BENCH_PAIRS").ok().and_then(|n| n.parse().ok()).unwrap_or(3);
    let mut measured = vec![(ours, hugo)];
    while measured.len() < pairs {
        let ours = again();
        let Some((hugo, _)) = run_hugo() else { break };
        measured.push((ours, hugo));
    }
    if measured.len() > 1 {
        let wall: Vec<f64> = measured.iter().map(|(ours, hugo)| ratio(ours.wall, hugo.wall)).collect();
        let cpu: Vec<f64> = measured.iter().filter_map(|(ours, hugo)| Some(ratio(ours.cpu?, hugo.cpu?))).collect();
        println!("{} pairs in turn, nearmiss then hugo:", measured.len());
        for (ours, hugo) in &measured {
            println!("  nearmiss {ours}, hugo {hugo}");
        }
        println!("  nearmiss / hugo pages only: {}; in CPU time: {}", median_of(&wall), median_of(&cpu));
    }
}

/// The ratios, then their median.
fn median_of(ratios: &[f64]) -> String {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    let each: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    match sorted.get(sorted.len() / 2) {
        Some(median) => format!("{} (median {median:.2})", each.join(", ")),
        None => "none".to_string(),
    }
}

/// Runs `command` to the end: its wall and CPU time and peak memory (kB, sampled every 10 ms).
fn measure(command: &mut Command) -> Option<(Run, Option<u64>)> {
    let started = Instant::now();
    let cpu_before = cpu_time(true);
    let mut child = match command.stdout(std::process::Stdio::null()).spawn() {
        Ok(child) => child,
        Err(e) => {
            println!("baseline {:?} did not start: {e}", command.get_program());
            return None;
        }
    };
    let pid = child.id().to_string();
    let mut peak = None;
    loop {
        peak = status_kb(&pid, "VmHWM:").max(peak);
        if let Ok(Some(status)) = child.try_wait() {
            if !status.success() {
                println!("baseline {:?} failed: {status}", command.get_program());
                return None;
            }
            let wall = started.elapsed();
            let cpu = cpu_time(true).zip(cpu_before).map(|(after, before)| after - before);
            return Some((Run { wall, cpu }, peak));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn files(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir).into_iter().flatten().filter(|e| e.file_type().is_file())
}

/// The gate's scanner on hand-written prose rather than generated writeups: the example site's
/// writeups (real-style postmortems), the README, and the gate's labelled prose corpus (every
/// sentence a name, a handle, a blaming sentence or a look-alike: the densest text it meets).
fn scan_prose(manifest: &Path) {
    println!("== gate scan on hand-written prose");
    let readme = fs::read_to_string(manifest.join("README.md")).into_iter().collect();
    for (what, texts) in [
        ("example writeups", text_files(&manifest.join("content"), &["md"])),
        ("README", readme),
        ("labelled prose corpus (dense)", text_files(&manifest.join("tests/gate/prose"), &["md", "txt"])),
    ] {
        println!("{what:<30} {}", ScanFigure::measure(&texts));
    }
}

/// How fast the gate's scanner reads a set of texts on one thread.
struct ScanFigure {
    bytes: usize,
    best: Duration,
    passes: usize,
}

impl ScanFigure {
    /// The best pass of those in two seconds (at least five): on a shared machine a short burst
    /// of other work (the kernel writing a site back) must not decide the figure.
    fn measure(texts: &[String]) -> ScanFigure {
        let scanner =
            Scanner::new(&ScanConfig { internal_domains: vec!["corp.example.net".into()], ..Default::default() });
        let measuring = Instant::now();
        let mut passes = 0;
        let mut best = Duration::MAX;
        while passes < 5 || measuring.elapsed() < Duration::from_secs(2) {
            let t = Instant::now();
            let found: usize = texts.iter().map(|t| scanner.scan(t).len()).sum();
            std::hint::black_box(found);
            best = best.min(t.elapsed());
            passes += 1;
        }
        ScanFigure { bytes: texts.iter().map(String::len).sum(), best, passes }
    }
}

impl std::fmt::Display for ScanFigure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let megabytes = self.bytes as f64 / 1e6;
        write!(
            f,
            "{megabytes:.2} MB in {:.1} ms = {:.0} MB/s (one thread, best of {})",
            self.best.as_secs_f64() * 1e3,
            megabytes / self.best.as_secs_f64(),
            self.passes
        )
    }
}

/// The texts of the files under `dir` whose names end in one of `extensions`.
fn text_files(dir: &Path, extensions: &[&str]) -> Vec<String> {
    files(dir)
        .filter(|e| e.path().extension().is_some_and(|x| extensions.iter().any(|ext| x == *ext)))
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .collect()
}

fn folder_size(dir: &Path) -> (usize, u64) {
    files(dir).fold((0, 0), |(n, size), e| (n + 1, size + e.metadata().map_or(0, |m| m.len())))
}
