//! Drafts, writeups in review, retracted ones and anything above the site's TLP leave no trace:
//! no page, no link, no count, no feed or sitemap entry, no tag.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scraper::Html;

use crate::common::*;

/// Asserts that no file of the site (any type) mentions any of `needles`, case-insensitively.
#[track_caller]
fn assert_nowhere(built: &Built, needles: &[String]) {
    let mut found = Vec::new();
    for (file, bytes) in built.snapshot() {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in needles {
            if text.contains(&needle.to_lowercase()) {
                found.push(format!("{file} contains `{needle}`"));
            }
        }
    }
    assert!(found.is_empty(), "withheld content leaked:\n{}", found.join("\n"));
}

/// The pattern slugs of a writeup source (`patterns: [a, b]`).
fn source_patterns(text: &str) -> Vec<String> {
    let value = front_value(text, "patterns").expect("patterns");
    assert!(value.starts_with('['), "write fixture patterns inline: {value}");
    value.trim_matches(['[', ']']).split(',').map(|p| p.trim().to_string()).collect()
}

/// The first number in `text`.
fn number(text: &str) -> usize {
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number in `{text}`"))
}

fn writeup_items(html: &Html) -> usize {
    html.select(&sel(".writeup-item")).count()
}

/// Every count the site shows agrees with the published sources, and only those.
#[track_caller]
fn assert_counts(built: &Built, content: &Path, max_tlp: &str) {
    let sources = writeup_sources(content);
    let published: Vec<&String> = sources.iter().map(|(_, t)| t).filter(|t| is_published(t, max_tlp)).collect();
    let n = published.len();
    assert!(n < sources.len(), "the fixture should withhold something");
    assert_eq!(published_count(&built.run.stderr), n, "the summary line");
    assert_eq!(built.writeup_pages().len(), n, "writeup pages");

    // Home: the headline number, the pattern frequencies, the stopped-by breakdown.
    let home = built.page("index.html");
    let stats = texts(&home, ".hero .stats .stat-number");
    assert_eq!(number(&stats[0]), n, "home page writeup count");
    assert_eq!(number(&stats[1]), built.pattern_pages().len(), "home page pattern count");
    assert_eq!(number(&stats[2]), built.tag_pages().len(), "home page tag count");
    let stopped: usize = texts(&home, ".breakdown-stopped-by .breakdown-value").iter().map(|t| number(t)).sum();
    assert_eq!(stopped, n, "home stopped-by breakdown");
    assert_eq!(writeup_items(&home), n.min(10), "recent writeups on the home page");

    // Writeups index.
    let index = built.page("writeups/index.html");
    assert_eq!(writeup_items(&index), n);
    assert_eq!(number(&text_of(&index, ".page-header .lede")), n);

    // Patterns: the page, the index card and the home page agree with the sources.
    let mut per_pattern: BTreeMap<String, usize> = BTreeMap::new();
    for text in &published {
        for slug in source_patterns(text) {
            *per_pattern.entry(slug).or_default() += 1;
        }
    }
    let patterns_index = built.page("patterns/index.html");
    let cards: BTreeMap<String, usize> = patterns_index
        .select(&sel(".card"))
        .map(|card| {
            let href = card.select(&sel(".card-title a")).next().unwrap().value().attr("href").unwrap().to_string();
            let count = card.select(&sel(".card-count")).next().unwrap().text().collect::<String>();
            (href, number(&count))
        })
        .collect();
    let freq: Vec<(String, usize)> = home
        .select(&sel(".freq-list li"))
        .map(|li| {
            let href = li.select(&sel("a")).next().unwrap().value().attr("href").unwrap().to_string();
            (href, number(&li.select(&sel(".freq-count")).next().unwrap().text().collect::<String>()))
        })
        .collect();
    for page in built.pattern_pages() {
        let slug = page.trim_start_matches("patterns/").trim_end_matches(".html");
        let expected = per_pattern.get(slug).copied().unwrap_or(0);
        let html = built.page(&page);
        assert_eq!(number(&texts(&html, ".page-header .stat-number")[0]), expected, "{page} count");
        assert_eq!(writeup_items(&html), expected, "{page} list");
        let timeline: usize = texts(&html, ".chart-data tbody td").iter().map(|t| number(t)).sum();
        assert_eq!(timeline, expected, "{page} timeline");
        let stopped: usize = texts(&html, ".breakdown-stopped-by .breakdown-value").iter().map(|t| number(t)).sum();
        assert_eq!(stopped, expected, "{page} stopped-by breakdown");
        let severity: usize = texts(&html, ".breakdown-severity .breakdown-value").iter().map(|t| number(t)).sum();
        assert_eq!(severity, expected, "{page} severity breakdown");
        assert_eq!(cards.get(&format!("../{page}")), Some(&expected), "patterns index card for {slug}");
        assert!(freq.contains(&(page.clone(), expected)), "home frequency of {slug}: {freq:?}");
    }

    // Tags: only tags of published writeups, with their counts.
    let mut per_tag: BTreeMap<String, usize> = BTreeMap::new();
    for text in &published {
        for tag in source_tags(text) {
            *per_tag.entry(tag).or_default() += 1;
        }
    }
    let tags_index = built.page("tags/index.html");
    let listed: BTreeMap<String, usize> = tags_index
        .select(&sel(".tag-index a"))
        .map(|a| {
            // "#name <count> writeups": the name is the text before the count.
            let all = a.text().collect::<String>();
            let count = a.select(&sel(".tag-count")).next().unwrap().text().collect::<String>();
            let name = all.trim_start_matches('#').trim_end_matches(count.as_str()).trim().to_lowercase();
            (name, number(&count))
        })
        .collect();
    assert_eq!(listed, per_tag, "tags index");
    for page in built.tag_pages() {
        let html = built.page(&page);
        let name = text_of(&html, "h1").trim_start_matches("Tag: ").trim_start_matches('#').to_string();
        assert_eq!(Some(&writeup_items(&html)), per_tag.get(&name.to_lowercase()), "{page}");
        assert_eq!(number(&text_of(&html, ".page-header .lede")), writeup_items(&html), "{page} lede");
    }
    assert_eq!(built.tag_pages().len(), per_tag.len());

    // The feed and the sitemap.
    let atom = built.text("atom.xml");
    assert_eq!(atom.matches("<entry>").count(), n.min(50), "atom entries");
    let sitemap = built.text("sitemap.xml");
    let locs = sitemap.matches("<loc>").count();
    // A site publishing above TLP:CLEAR lists nothing for search engines.
    let listed = if published.iter().all(|t| t.contains("\ntlp: clear\n")) { built.sitemap_size() } else { 0 };
    assert_eq!(locs, listed, "sitemap entries");
    assert_eq!(built.writeup_pages().len(), n);
}

/// Tags only withheld writeups use (lowercase).
fn withheld_only_tags(content: &Path, max_tlp: &str) -> BTreeSet<String> {
    let sources = writeup_sources(content);
    let (published, withheld): (Vec<_>, Vec<_>) = sources.iter().partition(|(_, t)| is_published(t, max_tlp));
    let public: BTreeSet<String> = published.iter().flat_map(|(_, t)| source_tags(t)).collect();
    withheld.iter().flat_map(|(_, t)| source_tags(t)).filter(|t| !public.contains(t)).collect()
}

#[test]
fn example_withheld_writeups_leave_no_trace() {
    let (_f, built) = build_example(&[]);
    let mut needles: Vec<String> =
        ["Emberwick", "Quartzline", "Marrowgate", "Thistlebyte", "Cobaltfen"].into_iter().map(String::from).collect();
    needles.extend(["NM-0011", "NM-0015", "NM-0031", "NM-0033", "NM-0034"].map(String::from));
    assert_nowhere(&built, &needles);
    for tag in withheld_only_tags(&example_content(), "green") {
        assert!(!built.exists(&format!("tags/{tag}.html")), "tag page for withheld-only tag {tag}");
        assert_nowhere(&built, &[format!("tags/{tag}.html")]);
    }
    assert_counts(&built, &example_content(), "green");
}

#[test]
fn minimal_withheld_writeups_leave_no_trace() {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    let mut needles: Vec<String> = ["Brackenloom", "Sorrelwick", "Umberfold", "Ravelstone"].map(String::from).to_vec();
    needles.extend(["NM-0103", "NM-0104", "NM-0105", "NM-0106"].map(String::from));
    // Their file names, titles' words, and every date only they have.
    needles.extend(["payroll-draft", "quarantine-review", "telemetry-retracted", "badge-amber"].map(String::from));
    needles.extend(
        ["2025-07-01", "2025-07-02", "2025-08-04", "2025-08-05", "2025-09-0", "2025-09-10", "2025-10-"]
            .map(String::from),
    );
    // Quarters only withheld writeups fall in would stretch the pattern timelines. (KRI series
    // run to the as-of date by design, so these quarters appear there, with published data only:
    // the KRI tests check that withheld writeups change no figure.)
    for page in built.pattern_pages() {
        let timeline = texts(&built.page(&page), "figure.chart").join(" ");
        for quarter in ["2025 Q3", "2025 Q4"] {
            assert!(!timeline.contains(quarter), "{page} has a timeline stretched to {quarter}");
        }
    }
    let only_withheld = withheld_only_tags(&f.content(), "green");
    assert_eq!(
        only_withheld,
        ["badge-readers", "payroll-exports", "quarantine-queue", "telemetry-gaps"].map(String::from).into()
    );
    for tag in &only_withheld {
        assert!(!built.exists(&format!("tags/{tag}.html")), "tag page for withheld-only tag {tag}");
        needles.push(tag.clone());
    }
    assert_nowhere(&built, &needles);
    assert_counts(&built, &f.content(), "green");

    // The latest writeup of a pattern is the latest published one.
    let backup = built.page("patterns/backup-gap.html");
    assert_eq!(attrs(&backup, ".page-header .stat-value time", "datetime"), ["2025-05-12"]);
}

#[test]
fn raising_max_tlp_publishes_the_amber_writeup_and_nothing_else() {
    let f = Fixture::minimal();
    let config =
        std::fs::read_to_string(f.content().join("site.yaml")).unwrap().replace("max_tlp: green", "max_tlp: amber");
    f.write("site.yaml", &config);
    let built = f.build();
    built.assert_success();
    assert_eq!(built.writeup_pages(), ["writeups/nm-0101.html", "writeups/nm-0102.html", "writeups/nm-0106.html"]);
    assert!(built.exists("tags/badge-readers.html"));
    assert_counts(&built, &f.content(), "amber");
    assert_nowhere(
        &built,
        &["Brackenloom", "Sorrelwick", "Umberfold", "NM-0103", "NM-0104", "NM-0105"].map(String::from),
    );
}

#[test]
fn the_default_max_tlp_is_clear() {
    let f = Fixture::minimal();
    let config = std::fs::read_to_string(f.content().join("site.yaml")).unwrap().replace("max_tlp: green\n", "");
    f.write("site.yaml", &config);
    let built = f.build();
    built.assert_success();
    built.run.assert_contains("published 1 writeup (up to TLP:CLEAR)");
    // NM-0102 (green) is withheld now, so NM-0101's links to it become plain-text warnings.
    assert_eq!(built.writeup_pages(), ["writeups/nm-0101.html"]);
    assert_nowhere(&built, &["NM-0102".to_string(), "Database restore test found".to_string()]);
    assert_counts(&built, &f.content(), "clear");
}
