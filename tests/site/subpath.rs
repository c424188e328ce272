//! A site served under a sub-path (GitHub Pages project sites) or at the root of a host.

use scraper::Html;
use url::Url;

use crate::common::*;

const KB: &str = "https://org.github.io/kb/";

/// Where the test pretends a root-served site lives.
const ROOT_HOST: &str = "https://org.github.io/";

fn build(base_url: &str) -> (Fixture, Built) {
    build_example(&["--base-url", base_url])
}

/// The text of every `<tag>…</tag>` in an XML file.
fn xml_texts(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open).skip(1).map(|rest| rest.split(&close).next().unwrap().trim().to_string()).collect()
}

/// The `href` of every `<link>` of the Atom feed.
fn feed_links(xml: &str) -> Vec<String> {
    attrs(&Html::parse_document(xml), "link", "href")
}

/// Every reference on every page but 404.html that starts with `/`.
fn root_relative_refs(built: &Built) -> Vec<String> {
    let mut found = Vec::new();
    for page in built.html_files().into_iter().filter(|p| p != "404.html") {
        for href in references(&built.page(&page)) {
            if href.starts_with('/') {
                found.push(format!("{page}: {href}"));
            }
        }
    }
    found
}

/// A URL of the site as the file it names.
#[track_caller]
fn file_of(built: &Built, base: &Url, url: &str) -> String {
    let parsed = Url::parse(url).unwrap_or_else(|e| panic!("`{url}` is not an absolute URL: {e}"));
    match site_file(base, base, parsed.as_str()) {
        Some(Ok((file, _))) => {
            assert!(built.exists(&file), "`{url}` → {file}, which does not exist");
            file
        }
        other => panic!("`{url}` is not under {base}: {other:?}"),
    }
}

#[test]
fn sub_path_links_stay_under_the_base_and_resolve() {
    let (_f, built) = build(KB);
    let problems = broken_references(&built, KB);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every link to this host stays under /kb/.
    let base = Url::parse(KB).unwrap();
    for page in built.html_files() {
        let page_url = base.join(&page).unwrap();
        for href in references(&built.page(&page)) {
            let target = page_url.join(&href).unwrap();
            if target.host_str() == base.host_str() {
                assert!(target.as_str().starts_with(KB), "{page}: `{href}` leaves {KB}: {target}");
            }
        }
    }
}

#[test]
fn sub_path_pages_link_relatively_except_404() {
    let (_f, built) = build(KB);
    let found = root_relative_refs(&built);
    assert!(found.is_empty(), "root-relative references:\n{}", found.join("\n"));
    let not_found = built.page("404.html");
    for href in references(&not_found) {
        // But its way home from a copy on disk, beside it (tests/site/not_found.rs).
        if !href.starts_with('#') && !has_scheme(&href) && href != "index.html" {
            assert!(href.starts_with("/kb/"), "404.html: `{href}`");
        }
    }
}

#[test]
fn sub_path_sitemap_feed_and_robots_use_the_base_url() {
    // The example publishes TLP:GREEN, which keeps search engines out: a TLP:CLEAR copy of its
    // settings lists every page.
    let f = Fixture::new();
    let yaml = std::fs::read_to_string(example_content().join("site.yaml")).unwrap();
    let clear = f.root().join("clear.yaml");
    std::fs::write(&clear, yaml.replace("max_tlp: green", "max_tlp: clear")).unwrap();
    let content = example_content();
    let args = ["--content", content.to_str().unwrap(), "--config", clear.to_str().unwrap(), "--base-url", KB];
    let built = f.build_to("out", &args);
    built.assert_success();
    let base = Url::parse(KB).unwrap();
    let sitemap = built.text("sitemap.xml");
    let locs = xml_texts(&sitemap, "loc");
    assert_eq!(locs.len(), built.sitemap_size());
    let mut files: Vec<String> = locs.iter().map(|loc| file_of(&built, &base, loc)).collect();
    files.sort();
    let mut pages = built.html_files();
    pages.retain(|p| p != "404.html");
    assert_eq!(files, pages, "the sitemap lists every page but 404.html, once");

    let atom = built.text("atom.xml");
    let links = feed_links(&atom);
    assert_eq!(links.len(), 2 + built.writeup_pages().len().min(50));
    for link in links.iter().chain(&xml_texts(&atom, "id")) {
        assert!(link.starts_with(KB), "feed URL `{link}` is not under {KB}");
        file_of(&built, &base, link);
    }
    assert!(built.text("robots.txt").lines().any(|l| l == format!("Sitemap: {KB}sitemap.xml")));

    // Canonical links name the page itself.
    for page in built.html_files().into_iter().filter(|p| p != "404.html") {
        let canonical = attrs(&built.page(&page), "link[rel=canonical]", "href");
        assert_eq!(canonical, [format!("{KB}{page}")], "{page}");
    }
}

#[test]
fn base_url_without_a_trailing_slash_is_the_same_site() {
    let (_f, with) = build(KB);
    let (_g, without) = build(KB.trim_end_matches('/'));
    assert_eq!(with.snapshot(), without.snapshot());
}

#[test]
fn base_url_from_site_yaml_is_used_and_the_flag_overrides_it() {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    // (The minimal site publishes TLP:GREEN, so its sitemap is empty: canonical links say it.)
    let canonical = |b: &Built| attrs(&b.page("writeups/nm-0101.html"), "link[rel=canonical]", "href");
    assert_eq!(canonical(&built), ["https://example.org/minimal/writeups/nm-0101.html"]);
    let over = f.build_to("over", &["--base-url", KB]);
    over.assert_success();
    assert_eq!(canonical(&over), [format!("{KB}writeups/nm-0101.html")]);
    assert!(!over.text("atom.xml").contains("example.org"));
}

#[test]
fn an_unusable_base_url_is_refused() {
    let f = Fixture::minimal();
    for bad in ["kb/", "ftp://org.github.io/kb/", "https:///kb/", "//org.github.io/kb/"] {
        let built = f.build_to("out", &["--base-url", bad]);
        built.run.assert_failure();
        built.run.assert_contains(&format!("`{bad}` is not a usable base URL"));
        assert!(!built.out.exists());
    }
}

#[test]
fn root_links_resolve() {
    let (_f, built) = build("/");
    let problems = broken_references(&built, ROOT_HOST);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let not_found = built.page("404.html");
    let refs: Vec<String> =
        references(&not_found).into_iter().filter(|h| !h.starts_with('#') && h != "index.html").collect();
    assert!(!refs.is_empty());
    for href in refs {
        assert!(href.starts_with('/') && !href.starts_with("//"), "404.html: `{href}`");
    }
}

#[test]
fn root_pages_link_relatively_except_404() {
    let (_f, built) = build("/");
    let found = root_relative_refs(&built);
    assert!(
        found.is_empty(),
        "{} root-relative references with base URL `/`, e.g.\n{}",
        found.len(),
        found.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn without_an_absolute_base_url_the_feed_and_sitemap_are_left_out() {
    // sitemaps.org: a <loc> "must begin with the protocol"; RFC 4287: atom:id is an absolute IRI.
    // With only a path to go on, nearmiss writes neither rather than invalid ones, and says so.
    let (_f, built) = build("/");
    built.assert_success();
    assert!(!built.exists("sitemap.xml") && !built.exists("atom.xml"));
    assert!(!built.text("robots.txt").contains("Sitemap:"));
    assert!(built.run.stderr.contains("note: base_url `/` is not an absolute URL"), "{}", built.run.stderr);
    for page in built.html_files() {
        let html = built.page(&page);
        assert!(attrs(&html, "link[rel=canonical]", "href").is_empty(), "{page} has a canonical link");
        assert!(
            attrs(&html, "a[href$='atom.xml'], link[href$='atom.xml']", "href").is_empty(),
            "{page} links to the feed"
        );
    }
}
