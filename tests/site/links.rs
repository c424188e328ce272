//! Every page exists, every link and fragment resolves, nothing is orphaned.

use std::collections::{BTreeMap, BTreeSet};

use url::Url;

use crate::common::*;

const EXAMPLE_BASE: &str = "https://example.org/near-misses/";
const MINIMAL_BASE: &str = "https://example.org/minimal/";

/// The files every site has, whatever its content.
const LAYOUT: [&str; 39] = [
    "index.html",
    "report.html",
    "kri/index.html",
    "summary.html",
    "actions/index.html",
    "kri.json",
    "kri.csv",
    "writeups.json",
    "schemas/kri.schema.json",
    "schemas/kri.csv.schema.json",
    "schemas/writeups.schema.json",
    "writeups/index.html",
    "patterns/index.html",
    "tags/index.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    "assets/style.css",
    "search.html",
    "search/index.json",
    "data.html",
    "misp/manifest.json",
    "misp/hashes.csv",
    "stix/bundle.json",
    "veris.json",
    "feed/manifest.json",
    "feed/writeups.json",
    "feed/patterns.json",
    "feed/schemas/manifest.schema.json",
    "feed/schemas/writeups.schema.json",
    "feed/schemas/patterns.schema.json",
    ".nojekyll",
    ".nearmiss",
    "roles/index.html",
    "digest/index.html",
    "digest.xml",
    "actions/rows-1.json",
    "writeups/rows-1.json",
];

#[track_caller]
fn assert_layout(built: &Built) {
    for file in LAYOUT {
        assert!(built.exists(file), "missing {file}; the site has {:?}", built.all_files());
    }
    let stray: Vec<_> = built
        .all_files()
        .into_iter()
        .filter(|f| {
            !LAYOUT.contains(&f.as_str())
                && !built.writeup_pages().contains(f)
                && !built.pattern_pages().contains(f)
                && !built.tag_pages().contains(f)
                && !built.kri_pages().contains(f)
                && !f.starts_with("assets/")
                && !f.starts_with("search/")
                && !f.starts_with("roles/") // one page per catalogue role
                && !f.starts_with("digest/") // one digest per period
                && !f.starts_with("misp/") // one file per published writeup
        })
        .collect();
    assert!(stray.is_empty(), "files outside the documented layout: {stray:?}");
}

/// Every site file each page links to, resolved (self-links left out).
fn link_graph(built: &Built, base: &str) -> BTreeMap<String, BTreeSet<String>> {
    let base = Url::parse(base).unwrap();
    let mut graph = BTreeMap::new();
    for page in built.html_files() {
        let page_url = base.join(&page).unwrap();
        let targets = references(&built.page(&page))
            .iter()
            .filter_map(|href| site_file(&base, &page_url, href)?.ok())
            .map(|(file, _)| file)
            .filter(|file| *file != page)
            .collect();
        graph.insert(page, targets);
    }
    graph
}

#[track_caller]
fn assert_no_orphans(built: &Built, base: &str) {
    let graph = link_graph(built, base);
    let linked: BTreeSet<&String> = graph.values().flatten().collect();
    let pages: Vec<String> =
        [built.writeup_pages(), built.pattern_pages(), built.tag_pages()].into_iter().flatten().collect();
    for page in &pages {
        assert!(linked.contains(page), "{page} is linked from no other page");
    }
    for (index, pages) in [
        ("writeups/index.html", built.writeup_pages()),
        ("patterns/index.html", built.pattern_pages()),
        ("tags/index.html", built.tag_pages()),
    ] {
        let missing: Vec<_> = pages.iter().filter(|p| !graph[index].contains(*p)).collect();
        assert!(missing.is_empty(), "{index} does not list {missing:?}");
    }
    for index in ["writeups/index.html", "patterns/index.html", "tags/index.html", "index.html"] {
        let from_home = graph["index.html"].contains(index) || index == "index.html";
        assert!(from_home, "the home page does not link {index}");
    }
}

/// 404.html is served at any depth, so its links start with the base path (but its way home
/// from a copy on disk, `index.html` beside it).
#[track_caller]
fn assert_404_links_use_the_base_path(built: &Built, base: &str) {
    let base_url = Url::parse(base).unwrap();
    let page = built.page("404.html");
    let refs = references(&page);
    assert!(refs.iter().any(|r| r.ends_with("/index.html")), "404.html has no way home: {refs:?}");
    for href in refs {
        if href.starts_with('#') || has_scheme(&href) || href == "index.html" {
            continue;
        }
        assert!(href.starts_with(base_url.path()), "404.html link `{href}` does not start with {}", base_url.path());
        // Served from a deep URL, the link must still land on a real file.
        let deep = base_url.join("no/such/deep/page.html").unwrap();
        let (file, _) = site_file(&base_url, &deep, &href).unwrap().unwrap();
        assert!(built.exists(&file), "404.html link `{href}` → {file}, which does not exist");
    }
}

#[track_caller]
fn assert_unique_ids(built: &Built) {
    for page in built.html_files() {
        let all = attrs(&built.page(&page), "[id]", "id");
        let mut seen = BTreeSet::new();
        let dups: BTreeSet<_> = all.iter().filter(|id| !seen.insert(*id)).collect();
        assert!(dups.is_empty(), "{page} repeats the ids {dups:?}");
    }
}

#[track_caller]
fn assert_site_links(built: &Built, base: &str) {
    assert_layout(built);
    let problems = broken_references(built, base);
    assert!(problems.is_empty(), "broken references:\n{}", problems.join("\n"));
    assert_no_orphans(built, base);
    assert_404_links_use_the_base_path(built, base);
    assert_unique_ids(built);
}

#[test]
fn example_site_has_every_page_and_every_link_resolves() {
    let (_f, built) = build_example(&[]);
    assert!(built.writeup_pages().len() >= 20, "{:?}", built.writeup_pages());
    assert!(!built.pattern_pages().is_empty() && !built.tag_pages().is_empty());
    assert_site_links(&built, EXAMPLE_BASE);
}

#[test]
fn minimal_site_has_every_page_and_every_link_resolves() {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    assert_eq!(built.writeup_pages(), ["writeups/nm-0101.html", "writeups/nm-0102.html"]);
    assert_eq!(built.pattern_pages(), ["patterns/backup-gap.html", "patterns/credential-leak.html"]);
    assert_eq!(built.tag_pages(), ["tags/backups.html", "tags/ci-cd.html", "tags/secrets.html"]);
    assert_site_links(&built, MINIMAL_BASE);
}

#[test]
fn body_links_by_id_and_by_path_lead_to_the_pages() {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    let page = built.page("writeups/nm-0101.html");
    let prose: Vec<String> = attrs(&page, ".prose a[href]", "href");
    for expected in [
        "../writeups/nm-0102.html",                 // [..](NM-0102)
        "../writeups/nm-0102.html#what-stopped-it", // [..](NM-0102#what-stopped-it)
        "../patterns/backup-gap.html",              // [..](../../patterns/backup-gap.md)
        "#what-almost-failed",
        "https://example.com/ci",
    ] {
        assert!(prose.contains(&expected.to_string()), "no link to {expected} in {prose:?}");
    }
    // The link to the draft is kept as plain text: its words stay, the link goes.
    assert!(text_of(&page, ".prose").contains("An earlier attempt at this writeup"));
    assert!(!page.select(&sel(".prose a")).any(|a| a.text().collect::<String>().contains("earlier attempt")));

    let back = attrs(&built.page("writeups/nm-0102.html"), ".prose a[href]", "href");
    assert!(back.contains(&"../writeups/nm-0101.html".to_string()), "{back:?}"); // by relative .md path
    assert!(back.contains(&"../patterns/credential-leak.html".to_string()), "{back:?}"); // by pattern slug

    let pattern = attrs(&built.page("patterns/credential-leak.html"), ".prose a[href]", "href");
    assert_eq!(pattern, ["../patterns/backup-gap.html"]);
    let pattern = attrs(&built.page("patterns/backup-gap.html"), ".prose a[href]", "href");
    assert_eq!(pattern, ["../writeups/nm-0101.html"]);

    built.run.assert_line(
        "content/writeups/2025/token-in-ci-log.md:65:56: warning: `NM-0103` is not published; the link is shown as plain text",
    );
}

#[test]
fn links_to_withheld_writeups_become_plain_text_with_a_warning() {
    let draft = FRONT.replace("NM-0001", "NM-0002").replace("status: approved", "status: draft");
    let body = format!(
        "\n{}",
        sections().replacen(
            "A sentence about it.",
            "See [the draft by path](draft.md), [the draft by id](nm-0002#what-stopped-it) and [ok](NM-0001).",
            1
        )
    );
    let pattern = format!("{PATTERN}\nAlso [the draft](../writeups/2025/draft.md).\n");
    let f = Fixture::new()
        .file("patterns/firewall-change-drift.md", &pattern)
        .file("writeups/2025/w.md", &writeup_with_body(FRONT, &body))
        .file("writeups/2025/draft.md", &writeup(&draft));
    let built = f.build();
    built.assert_success();
    built.run.assert_line(
        "content/writeups/2025/w.md:17:5: warning: `draft.md` is not published; the link is shown as plain text",
    );
    built.run.assert_line(
        "content/writeups/2025/w.md:17:36: warning: `nm-0002#what-stopped-it` is not published; the link is shown as plain text",
    );
    built.run.assert_line(
        "content/patterns/firewall-change-drift.md:10:6: warning: `../writeups/2025/draft.md` is not published; the link is shown as plain text",
    );
    // Found after the gate, when the build no longer holds the file's text: read again to show it.
    built.run.assert_contains("17 | See [the draft by path](draft.md)");
    let page = built.page("writeups/nm-0001.html");
    assert!(text_of(&page, ".prose").contains("See the draft by path, the draft by id and ok."));
    assert_eq!(attrs(&page, ".prose a", "href"), ["../writeups/nm-0001.html"]);
    let pattern = built.page("patterns/firewall-change-drift.html");
    assert!(text_of(&pattern, ".prose").contains("Also the draft."));
    assert!(pattern.select(&sel(".prose a")).next().is_none());
    assert!(!built.exists("writeups/nm-0002.html"));
}

#[test]
fn tags_in_any_script_get_pages_that_links_reach() {
    let front = format!("{FRONT}tags: [Sécurité réseau, 日本語, C++, firewall]\n");
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup(&front));
    let built = f.build();
    built.assert_success();
    assert_eq!(built.tag_pages().len(), 4, "{:?}", built.tag_pages());
    let page = built.page("writeups/nm-0001.html");
    assert_eq!(texts(&page, "aside.facts a.tag"), ["#Sécurité réseau", "#日本語", "#C++", "#firewall"]);
    let problems = broken_references(&built, "https://example.org/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_no_orphans(&built, "https://example.org/");
}
