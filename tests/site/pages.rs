//! What the pages say: titles, facts, action items, tables of contents, pattern lists, the feed.

use scraper::{ElementRef, Html};

use crate::common::*;

fn minimal() -> (Fixture, Built) {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    (f, built)
}

/// The `<dd>` text of the facts entry whose `<dt>` is `term`.
fn fact(page: &Html, term: &str) -> Option<String> {
    page.select(&sel("aside.facts dl > div")).find_map(|div| {
        let dt = div.select(&sel("dt")).next()?;
        (normalise_ws(&dt.text().collect::<String>()) == term)
            .then(|| normalise_ws(&div.select(&sel("dd")).next().unwrap().text().collect::<String>()))
    })
}

fn cell_texts(row: ElementRef<'_>) -> Vec<String> {
    row.select(&sel("th, td")).map(|c| normalise_ws(&c.text().collect::<String>())).collect()
}

#[test]
fn the_writeup_page_shows_the_title_and_the_facts() {
    let (_f, built) = minimal();
    let page = built.page("writeups/nm-0101.html");
    assert_eq!(text_of(&page, "h1"), "Deploy token printed in a CI log caught by the log scanner");
    assert!(text_of(&page, "title").starts_with("NM-0101: Deploy token printed in a CI log"));
    assert_eq!(page.select(&sel("aside.facts")).count(), 1);
    assert_eq!(fact(&page, "Severity").as_deref(), Some("High severity"));
    assert_eq!(fact(&page, "Stopped by").as_deref(), Some("Stopped by: Automation"));
    assert!(fact(&page, "Sharing").unwrap().starts_with("TLP:CLEAR"), "{:?}", fact(&page, "Sharing"));
    assert_eq!(fact(&page, "Pattern").as_deref(), Some("Credential leak"));
    assert_eq!(
        fact(&page, "Detection").as_deref(),
        Some("The CI log scanner flagged a token-shaped string in a build log and masked it.")
    );
    assert_eq!(fact(&page, "Occurred").as_deref(), Some("2025-03-03"));
    assert_eq!(fact(&page, "Reviewed").as_deref(), Some("2025-03-10"));
    assert_eq!(fact(&page, "Team").as_deref(), Some("team-otter"));
    assert_eq!(fact(&page, "Tags").as_deref(), Some("#secrets#ci-cd"));
    assert_eq!(texts(&page, "aside.facts a.tag"), ["#secrets", "#ci-cd"]);
    // The summary is the first paragraph of "What almost failed": the page's description, not
    // a lede repeating the text below it.
    assert!(
        attrs(&page, "meta[name=description]", "content")[0].starts_with("A debugging step in the deploy job printed")
    );
    assert!(page.select(&sel("header .lede")).next().is_none());

    let green = built.page("writeups/nm-0102.html");
    assert!(fact(&green, "Sharing").unwrap().starts_with("TLP:GREEN"));
    // Critical carries a warning sign besides the colour.
    assert_eq!(fact(&green, "Severity").as_deref(), Some("▲Critical severity"));
    assert_eq!(fact(&green, "Patterns").as_deref(), Some("Backup restore gapCredential leak"));
}

#[test]
fn action_items_are_marked_overdue_against_as_of() {
    let (f, built) = minimal();
    let page = built.page("writeups/nm-0101.html");
    let rows: Vec<Vec<String>> = page.select(&sel("table.actions-table tbody tr")).map(cell_texts).collect();
    assert_eq!(
        rows,
        [
            ["Rotate the deploy token", "Platform engineer", "2025-03-05", "✓Done 2025-03-04"],
            ["Mask every variable marked secret in build logs", "Platform engineer", "2025-04-30", "!Overdue"],
            ["Replace long-lived deploy tokens with short-lived ones", "Security lead", "2027-06-30", "Open"],
        ]
    );
    let overdue: Vec<String> = texts(&page, "table.actions-table .status-overdue");
    assert_eq!(overdue.len(), 1);

    // On its due date an action is not overdue yet; the day after, it is.
    for (as_of, expected) in [("2025-04-30", 0), ("2025-05-01", 1)] {
        let built = f.build_to(as_of, &["--as-of", as_of]);
        built.assert_success();
        let page = built.page("writeups/nm-0101.html");
        let overdue =
            texts(&page, "table.actions-table tbody tr").into_iter().filter(|row| row.contains("Overdue")).count();
        assert_eq!(overdue, expected, "as of {as_of}");
    }

    let none = Fixture::with_pattern().file("writeups/2025/w.md", &writeup(FRONT));
    let built = none.build();
    built.assert_success();
    let page = built.page("writeups/nm-0001.html");
    assert_eq!(page.select(&sel("table.actions-table")).count(), 0);
    assert_eq!(text_of(&page, "section.actions .empty"), "No action items recorded.");
}

#[test]
fn the_table_of_contents_matches_the_heading_ids() {
    let body =
        "\n## What almost failed\n\nx\n\n### Detail\n\nx\n\n## Detail\n\nx\n\n## Content\n\nx\n\n## Top\n\nx\n\n\
                ## What stopped it\n\nx\n\n## What would have happened\n\nx\n\n## Why it happened\n\nx\n\n\
                ## What we learned\n\nx\n\n## How we make `luck` *unnecessary*\n\nx\n\n#### Deep heading\n\nx\n";
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup_with_body(FRONT, body));
    let built = f.build();
    built.assert_success();
    let page = built.page("writeups/nm-0001.html");
    let toc: Vec<(String, String)> = page
        .select(&sel("nav.toc a[href]"))
        .map(|a| (a.value().attr("href").unwrap().to_string(), normalise_ws(&a.text().collect::<String>())))
        .collect();
    let headings: Vec<(String, String)> = page
        .select(&sel(".prose h2, .prose h3"))
        .map(|h| {
            (format!("#{}", h.value().attr("id").expect("heading id")), normalise_ws(&h.text().collect::<String>()))
        })
        .collect();
    let mut expected = headings.clone();
    expected.push(("#nm-action-items".into(), "Action items".into()));
    assert_eq!(toc, expected);
    assert_eq!(headings.len(), 10);
    assert_eq!(toc[9].1, "How we make luck unnecessary");
    let all_ids = attrs(&page, "[id]", "id");
    for (href, text) in &toc {
        let n = all_ids.iter().filter(|id| format!("#{id}") == *href).count();
        assert_eq!(n, 1, "the toc entry {text} → {href} matches {n} ids");
    }
    assert!(page.select(&sel(".prose h4[id]")).next().is_some(), "deeper headings get anchors too");
}

#[test]
fn a_pattern_page_lists_exactly_its_published_writeups() {
    let (_f, built) = minimal();
    let listed = |page: &str| attrs(&built.page(page), ".writeup-list .writeup-item-title a", "href");
    assert_eq!(listed("patterns/credential-leak.html"), ["../writeups/nm-0102.html", "../writeups/nm-0101.html"]);
    assert_eq!(listed("patterns/backup-gap.html"), ["../writeups/nm-0102.html"]);
    let page = built.page("patterns/credential-leak.html");
    assert_eq!(text_of(&page, "h1"), "Credential leak");
    assert_eq!(
        texts(&page, ".signals li"),
        [
            "Secrets pasted into configuration files to get a test passing",
            "Build logs that print environment variables"
        ]
    );
    assert_eq!(
        texts(&page, ".controls li"),
        ["Secret scanning on every pull request", "Short-lived credentials issued by the pipeline"]
    );
    assert!(text_of(&page, ".risk").contains("A secret that grants access"));
    // Tag pages list their writeups the same way.
    assert_eq!(
        attrs(&built.page("tags/secrets.html"), ".writeup-item-title a", "href"),
        ["../writeups/nm-0102.html", "../writeups/nm-0101.html"]
    );
    assert_eq!(attrs(&built.page("tags/ci-cd.html"), ".writeup-item-title a", "href"), ["../writeups/nm-0101.html"]);
}

#[test]
fn lists_are_newest_first() {
    let (_f, built) = build_example(&[]);
    let index = built.page("writeups/index.html");
    let dates = attrs(&index, ".writeup-item-meta time", "datetime");
    assert_eq!(dates.len(), built.writeup_pages().len());
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    let years: Vec<String> = attrs(&index, ".year-group h2", "id");
    let mut sorted_years = years.clone();
    sorted_years.sort_by(|a, b| b.cmp(a));
    assert_eq!(years, sorted_years);
}

#[test]
fn the_body_renders_tables_footnotes_task_lists_and_code() {
    let (_f, built) = minimal();
    let page = built.page("writeups/nm-0101.html");
    let rows: Vec<Vec<String>> = page.select(&sel(".prose table tr")).map(cell_texts).collect();
    assert_eq!(rows, [["Step", "Minutes", "Stopped"], ["Token printed", "0", "no"], ["Scanner matched", "1", "yes"]]);
    assert_eq!(attrs(&page, ".prose table th", "class"), ["align-left", "align-right", "align-center"]);
    let footnote = page.select(&sel(".prose sup.footnote-reference a")).next().expect("a footnote reference");
    let target = footnote.value().attr("href").unwrap().trim_start_matches('#').to_string();
    let definition = page.select(&sel(&format!("[id=\"{target}\"]"))).next().expect("the footnote definition");
    assert!(definition.text().collect::<String>().contains("Deploy tokens lived for 90 days"));
    // Task-list markers are text with a hidden label, not form controls.
    let boxes: Vec<String> =
        page.select(&sel(".prose li .task")).map(|t| normalise_ws(&t.text().collect::<String>())).collect();
    assert_eq!(boxes, ["☑ done:", "☐ to do:"]);
    assert_eq!(page.select(&sel(".prose input")).count(), 0);
    assert_eq!(attrs(&page, ".prose pre code", "class"), ["language-sh"]);
    assert_eq!(text_of(&page, ".prose pre code"), "env | sort # prints secrets too");
}

#[test]
fn the_feed_has_one_entry_per_published_writeup() {
    let (_f, built) = minimal();
    let feed = Html::parse_document(&built.text("atom.xml"));
    let entries: Vec<String> =
        feed.select(&sel("entry")).map(|e| normalise_ws(&e.text().collect::<String>())).collect();
    assert_eq!(entries.len(), 2);
    assert!(entries[0].starts_with("NM-0102: Database restore test"), "newest report first: {entries:?}");
    assert!(entries[1].starts_with("NM-0101: Deploy token"), "{entries:?}");
}

#[test]
fn the_feed_keeps_the_newest_fifty() {
    let mut f = Fixture::with_pattern().file("site.yaml", "base_url: https://kb.example.org/\n");
    for i in 1..=52 {
        let day = format!("2025-{:02}-{:02}", 1 + (i - 1) / 28, 1 + (i - 1) % 28);
        let front = FRONT
            .replace("NM-0001", &format!("NM-{i:04}"))
            .replace("2025-03-04", &day)
            .replace("2025-03-05", &day)
            .replace("2025-03-06", &day)
            .replace("2025-03-12", &day);
        f = f.file(&format!("writeups/2025/w{i:02}.md"), &writeup(&front));
    }
    let built = f.build();
    built.assert_success();
    assert_eq!(built.writeup_pages().len(), 52);
    let atom = built.text("atom.xml");
    let feed = Html::parse_document(&atom);
    let ids: Vec<String> = feed.select(&sel("entry")).map(|e| text_of_el(e, "id")).collect();
    assert_eq!(ids.len(), 50);
    assert!(ids[0].ends_with("writeups/nm-0052.html"), "{:?}", ids.first());
    assert!(
        !ids.iter().any(|id| id.ends_with("nm-0001.html") || id.ends_with("nm-0002.html")),
        "the oldest two are dropped"
    );
    // The home page shows ten, the archive all.
    assert_eq!(built.page("index.html").select(&sel(".writeup-item")).count(), 10);
    assert_eq!(built.page("writeups/index.html").select(&sel(".writeup-item")).count(), 52);
}

fn text_of_el(el: ElementRef<'_>, css: &str) -> String {
    normalise_ws(&el.select(&sel(css)).next().unwrap_or_else(|| panic!("no {css}")).text().collect::<String>())
}

/// A tag, a pattern or a writeup id named like an index page must neither replace that index
/// nor lose its own page: either the build refuses the name (saying where), or both pages exist.
/// `link` is (page, selector) of a link to the item's own page, whose h1 must be `own_h1`.
#[track_caller]
fn assert_index_survives(built: &Built, index: &str, index_h1: &str, link: (&str, &str), own_h1: &str) {
    if !built.run.success {
        assert!(built.run.errors().iter().any(|l| l.starts_with("content/")), "{}", built.run.stderr);
        return;
    }
    assert_eq!(text_of(&built.page(index), "h1"), index_h1, "{index} was replaced by another page");
    let (from, css) = link;
    let hrefs = attrs(&built.page(from), css, "href");
    assert_eq!(hrefs.len(), 1, "{from}: {css} → {hrefs:?}");
    let base = url::Url::parse("https://site.invalid/").unwrap();
    let (target, _) = site_file(&base, &base.join(from).unwrap(), &hrefs[0]).unwrap().unwrap();
    assert_ne!(target, index, "the link to the item's own page leads to the index");
    assert!(text_of(&built.page(&target), "h1").contains(own_h1), "{target} is not the item's page");
}

#[test]
fn a_tag_named_index_keeps_the_tag_index() {
    let front = format!("{FRONT}tags: [index]\n");
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup(&front));
    let built = f.build();
    assert_index_survives(&built, "tags/index.html", "Tags", ("writeups/nm-0001.html", "aside.facts a.tag"), "index");
}

#[test]
fn a_pattern_named_index_keeps_the_pattern_index() {
    let f = Fixture::new()
        .file("patterns/index.md", &PATTERN.replace("Firewall change drift", "Index maintenance"))
        .file("writeups/2025/w.md", &writeup(&FRONT.replace("[firewall-change-drift]", "[index]")));
    let built = f.build();
    let link = ("writeups/nm-0001.html", "aside.facts .inline-list a");
    assert_index_survives(&built, "patterns/index.html", "Patterns", link, "Index maintenance");
}

#[test]
fn a_writeup_with_the_id_index_keeps_the_archive() {
    let index =
        FRONT.replace("NM-0001", "index").replace("Firewall rule opening SSH caught in change review", "Index writeup");
    let f = Fixture::with_pattern()
        .file("writeups/2025/w.md", &writeup(&index))
        .file("writeups/2025/v.md", &writeup(&FRONT.replace("NM-0001", "NM-0002")));
    let built = f.build();
    let link = ("patterns/firewall-change-drift.html", ".writeup-item-title a[href*='index']");
    assert_index_survives(&built, "writeups/index.html", "Writeups", link, "Index writeup");
}

#[test]
fn ids_from_the_body_never_collide_with_headings_or_the_theme() {
    // A footnote named like a section, and raw HTML ids the theme uses for its own landmarks.
    let body = sections()
        .replacen(
            "A sentence about it.",
            "Note[^what-stopped-it], <span id=\"page-title\">a</span> <span id=\"nm-action-items\">b</span>.\n\n\
             [^what-stopped-it]: The footnote.",
            1,
        )
        .replacen("## What stopped it", "## What stopped it\n\nx\n\n## Page title", 1);
    let f = Fixture::with_pattern().file("writeups/2025/w.md", &writeup_with_body(FRONT, &format!("\n{body}")));
    let built = f.build();
    built.assert_success();
    let page = built.page("writeups/nm-0001.html");
    let all = attrs(&page, "[id]", "id");
    let mut seen = std::collections::BTreeSet::new();
    let dups: Vec<&String> = all.iter().filter(|id| !seen.insert(*id)).collect();
    assert!(dups.is_empty(), "ids repeated on the page: {dups:?}");
    // Each table-of-contents entry and the footnote reference lead to exactly one element.
    for href in attrs(&page, "nav.toc a, .prose sup a", "href") {
        let n = all.iter().filter(|id| format!("#{id}") == href).count();
        assert_eq!(n, 1, "{href} matches {n} elements");
    }
}
