//! Cost follows the number of writeups: a tag's, a pattern's and a KRI's lists are split into
//! pages of a fixed size with stable URLs (the first page where it always was) linked by
//! `rel=prev`/`rel=next`, so that no page grows with the corpus.

mod common;

use std::collections::BTreeSet;

use common::*;
use scraper::{Html, Selector};
use url::Url;

/// More than two pages' worth, so a list has a first, a middle and a last page.
const WRITEUPS: usize = 230;
const PAGE_SIZE: usize = 100;

/// A knowledge base where every writeup has the tag `dns` and the one pattern, all in the
/// as-of date's month, so the KRIs' current figure is behind every one of them.
fn crowded() -> (Fixture, Built) {
    let f = Fixture::with_pattern();
    for i in 1..=WRITEUPS {
        let front = FRONT
            .replace("id: NM-0001", &format!("id: NM-{i:04}"))
            .replace("caught in change review", &format!("caught in change review {i}"))
            .replace("2025-03-", "2026-12-");
        f.write(&format!("writeups/nm-{i:04}.md"), &writeup(&format!("{front}tags: [dns]\n")));
    }
    // An absolute base URL, so the site has a sitemap and canonical links.
    let built = f.build_to("out", &["--base-url", "https://kb.example/"]);
    built.assert_success();
    (f, built)
}

fn select(page: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).unwrap();
    page.select(&selector).filter_map(|e| e.value().attr("href").map(str::to_string)).collect()
}

/// `href` on the page at `from` as a path from the site root.
fn resolve(from: &str, href: &str) -> String {
    let base = Url::parse("https://kb.example/").unwrap().join(from).unwrap();
    base.join(href).unwrap().path().trim_start_matches('/').to_string()
}

/// The one `<link rel=…>` of the page, resolved, if any.
fn link(built: &Built, path: &str, rel: &str) -> Option<String> {
    let found = select(&built.page(path), &format!("head link[rel={rel}]"));
    assert!(found.len() <= 1, "{path}: {found:?}");
    found.first().map(|href| resolve(path, href))
}

/// Follows `rel=next` from `first`: every page of the list, checking that `rel=prev` goes back,
/// that the pager's links agree with the head's, and what each page lists.
fn walk(built: &Built, first: &str) -> Vec<(String, Vec<String>)> {
    let mut pages = Vec::new();
    let mut at = Some(first.to_string());
    while let Some(path) = at {
        let page = built.page(&path);
        let listed: Vec<String> =
            select(&page, ".writeup-list .writeup-item-title a").iter().map(|h| resolve(&path, h)).collect();
        let prev = link(built, &path, "prev");
        assert_eq!(prev, pages.last().map(|(p, _): &(String, Vec<String>)| p.clone()), "{path}: rel=prev");
        let next = link(built, &path, "next");
        let in_nav: Vec<String> = select(&page, "nav.pager a[rel=next]").iter().map(|h| resolve(&path, h)).collect();
        assert_eq!(in_nav, next.clone().into_iter().collect::<Vec<_>>(), "{path}: the pager's next link");
        let current: Vec<String> =
            select(&page, "nav.pager a[aria-current=page]").iter().map(|h| resolve(&path, h)).collect();
        assert_eq!(current, std::slice::from_ref(&path), "{path}: the pager marks this page");
        pages.push((path, listed));
        at = next;
        assert!(pages.len() <= WRITEUPS, "rel=next goes round in a circle");
    }
    pages
}

fn assert_paginated(built: &Built, first: &str, stem: &str, writeups: &BTreeSet<String>) {
    let pages = walk(built, first);
    let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, [first.to_string(), format!("{stem}/2.html"), format!("{stem}/3.html")], "stable URLs");
    let sizes: Vec<usize> = pages.iter().map(|(_, l)| l.len()).collect();
    assert_eq!(sizes, [PAGE_SIZE, PAGE_SIZE, WRITEUPS - 2 * PAGE_SIZE], "{first}: a fixed page size");
    let all: Vec<&String> = pages.iter().flat_map(|(_, l)| l).collect();
    let distinct: BTreeSet<String> = all.iter().map(|s| s.to_string()).collect();
    assert_eq!(all.len(), distinct.len(), "{first}: no writeup listed twice");
    assert_eq!(&distinct, writeups, "{first}: every writeup listed once");
    // Newest first, then by id, across the pages: the last listed is the oldest id.
    assert_eq!(all.first().map(|s| s.as_str()), Some("writeups/nm-0001.html"));
    assert!(!built.exists(&format!("{stem}/4.html")) && !built.exists(&format!("{stem}/1.html")));
    let later = built.page(&format!("{stem}/2.html"));
    let title: String = later.select(&Selector::parse("title").unwrap()).flat_map(|t| t.text()).collect();
    assert!(title.contains("page 2 of 3"), "{title}");
    let canonical = select(&later, "head link[rel=canonical]");
    assert_eq!(canonical, [format!("https://kb.example/{stem}/2.html")], "each page is its own canonical URL");
}

#[test]
fn tag_and_pattern_lists_are_split_into_linked_pages() {
    let (_f, built) = crowded();
    let writeups: BTreeSet<String> = built.writeup_pages().into_iter().collect();
    assert_eq!(writeups.len(), WRITEUPS);
    assert_paginated(&built, "tags/dns.html", "tags/dns", &writeups);
    assert_paginated(&built, "patterns/firewall-change-drift.html", "patterns/firewall-change-drift", &writeups);
    let sitemap = built.text("sitemap.xml");
    for later in ["tags/dns/2.html", "tags/dns/3.html", "patterns/firewall-change-drift/3.html"] {
        assert!(sitemap.contains(later), "the sitemap lists {later}");
    }
}

#[test]
fn the_near_misses_behind_a_kri_are_paginated_too() {
    let (_f, built) = crowded();
    let writeups: BTreeSet<String> = built.writeup_pages().into_iter().collect();
    let kri_pages: Vec<String> = built
        .all_files()
        .into_iter()
        .filter(|p| {
            p.starts_with("kri/") && p.ends_with(".html") && p.matches('/').count() == 1 && p != "kri/index.html"
        })
        .collect();
    let long: Vec<&String> = kri_pages.iter().filter(|p| link(&built, p, "next").is_some()).collect();
    assert!(!long.is_empty(), "a KRI counts every writeup: {kri_pages:?}");
    for first in long {
        let stem = first.trim_end_matches(".html");
        assert_paginated(&built, first, stem, &writeups);
    }
}

#[test]
fn short_lists_keep_one_page_without_a_pager() {
    let (_f, built) = build_example(&[]);
    let later: Vec<String> =
        built.html_files().into_iter().filter(|p| p.rsplit('/').next().is_some_and(|n| n == "2.html")).collect();
    assert!(later.is_empty(), "{later:?}");
    for page in built.html_files().iter().filter(|p| p.starts_with("tags/") || p.starts_with("patterns/")) {
        let html = built.page(page);
        assert!(select(&html, "nav.pager a").is_empty(), "{page} has a pager");
        assert!(select(&html, "head link[rel=next], head link[rel=prev]").is_empty(), "{page}");
    }
}
