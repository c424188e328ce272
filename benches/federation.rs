//! `cargo bench --bench federation`: a federation of 20 sources of 5,000 writeups each
//! (about 100,000 in all) imported by a hub, printing the hub build's wall time per stage and
//! its peak memory. `NEARMISS_BENCH_SOURCES` and `NEARMISS_BENCH_WRITEUPS` change the shape.
//! The members' sites are built once and kept under `target/bench/federation/`.

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/measure.rs"]
mod measure;

use std::fs;
use std::path::Path;
use std::time::Instant;

use measure::{secs, status_kb};

use nearmiss::date::Date;
use nearmiss::load::ContentSource;
use nearmiss::site::{self, Options};

/// The allocator the `nearmiss` binary uses, so that peak memory here is the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // As the `nearmiss` binary does, so that peak memory here is the binary's.
    nearmiss::memory::prefer_small_pages();
    let number = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let sources = number("NEARMISS_BENCH_SOURCES", 20);
    let writeups = number("NEARMISS_BENCH_WRITEUPS", 5_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench/federation-{sources}x{writeups}"));
    let as_of = Date::new(2026, 11, 23).expect("a valid date");

    let started = Instant::now();
    let mut config =
        String::from("title: Federation hub\nbase_url: https://hub.example/kb/\nmax_tlp: green\nsources:\n");
    for k in 0..sources {
        let member = root.join(format!("member-{k:02}"));
        // A different size for each member gives each its own generated corpus.
        let size = writeups + k;
        let feed = member.join("site/feed/manifest.json");
        if !feed.is_file() {
            let content = member.join("content");
            corpus::generate(&content, size).expect("write a member's corpus");
            let yaml = content.join("site.yaml");
            let mut text = fs::read_to_string(&yaml).expect("the corpus config");
            text.push_str(&format!("org: {{ id: member-{k:02}, label: \"Member {k:02}\" }}\n"));
            fs::write(&yaml, text).expect("write the member's config");
            let outcome = site::build(&Options::new(ContentSource::Dir(content), as_of), &member.join("site"))
                .expect("build a member");
            assert_eq!(outcome.errors(), 0, "a member's corpus has errors");
        }
        config.push_str(&format!(
            "  - name: member-{k:02}\n    path: {}\n    max_tlp: green\n",
            member.join("site/feed").display()
        ));
    }
    let members = started.elapsed();

    let hub = root.join("hub");
    let content = hub.join("content");
    fs::create_dir_all(content.join("writeups")).expect("the hub's content");
    fs::write(content.join("site.yaml"), config).expect("the hub's config");
    let _ = fs::remove_dir_all(hub.join(".nearmiss"));
    let out = hub.join("site");
    // The peak from here on is the hub build's, not the members'.
    let _ = fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let outcome = site::build(&Options::new(ContentSource::Dir(content), as_of), &out).expect("build the hub");
    let total = started.elapsed();
    if outcome.errors() > 0 {
        for d in outcome.diagnostics.iter().take(5) {
            eprintln!("{d}");
        }
        panic!("the federation has {} errors", outcome.errors());
    }
    let published = outcome.site.as_ref().map_or(0, |s| s.len());
    println!("\n== federation: {sources} sources × ~{writeups} writeups (members ready in {})", secs(members));
    println!("{:<10} {:>10}", "stage", "wall time");
    for (stage, time) in &outcome.timings {
        println!("{stage:<10} {:>10}", secs(*time));
    }
    println!("{:<10} {:>10}", "total", secs(total));
    let imported: usize = outcome
        .notes
        .iter()
        .filter_map(|n| n.split("imported ").nth(1)?.split(' ').next()?.parse::<usize>().ok())
        .sum();
    println!("imported: {imported} writeups; the hub's site has {published} files");
    println!("diagnostics: {} errors, {} warnings", outcome.errors(), outcome.warnings());
    if let Some(peak) = status_kb("self", "VmHWM:") {
        println!("peak memory of the hub build: {:.0} MB ({:.0} MiB)", peak as f64 / 1e3, peak as f64 / 1024.0);
    }
}
