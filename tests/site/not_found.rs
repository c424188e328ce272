//! 404.html is served for every missing URL at any depth, so its links start with the base
//! path, which a copy opened from disk does not have. It carries the theme's style sheet inline
//! instead of linking it, allowed by the sha256 of exactly what it emits in its own policy (no
//! `'unsafe-inline'`); no other page has a `<style>` or a policy of its own.

use std::fs;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::common::*;
use crate::serve::Server;

/// The CSP source that allows an inline element whose parsed text is `text`.
fn hash_source(text: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

/// The directives of a policy, trimmed, in order.
fn directives(policy: &str) -> Vec<String> {
    policy.split(';').map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect()
}

/// The text of 404.html's one `<style>` (as a browser parses it) and its `<meta>` policy,
/// checked against each other: the policy is the site's, with that style's hash in `style-src`
/// and without `frame-ancestors` (which a `<meta>` cannot carry).
#[track_caller]
fn inline_style_and_policy(built: &Built) -> (String, String) {
    let page = built.page("404.html");
    let styles = texts_raw(&page, "style");
    assert_eq!(styles.len(), 1, "404.html has {} <style> elements", styles.len());
    let policies = attrs(&page, "head > meta[http-equiv=Content-Security-Policy]", "content");
    assert_eq!(policies.len(), 1, "404.html carries {} policies", policies.len());
    assert_eq!(page.select(&sel("meta[http-equiv]")).count(), 1);
    let (style, policy) = (styles[0].clone(), policies[0].clone());
    let expected: Vec<String> = directives(nearmiss::serve::CONTENT_SECURITY_POLICY)
        .into_iter()
        .filter(|d| !d.starts_with("frame-ancestors"))
        .map(|d| if d == "style-src 'self'" { format!("{d} {}", hash_source(&style)) } else { d })
        .collect();
    assert_eq!(directives(&policy), expected, "404.html's policy");
    assert!(!policy.contains("style-src 'self' 'unsafe-inline'"), "{policy}");
    // The policy comes before what it allows, and nothing is linked that disk could not reach.
    let html = built.text("404.html");
    assert!(html.find("http-equiv").unwrap() < html.find("<style").unwrap());
    assert!(page.select(&sel("link[rel~=stylesheet]")).next().is_none(), "404.html still links a style sheet");
    (style, policy)
}

/// The text of each element matching `css`, unnormalised.
fn texts_raw(html: &scraper::Html, css: &str) -> Vec<String> {
    html.select(&sel(css)).map(|e| e.text().collect()).collect()
}

#[test]
fn the_404_page_inlines_the_theme_style_sheet_allowed_by_its_hash_and_no_other_page_has_a_style() {
    let (_f, built) = build_example(&["--base-url", "https://org.github.io/kb/"]);
    let (style, _) = inline_style_and_policy(&built);
    assert_eq!(style, built.text("assets/style.css"), "404.html inlines something else than the theme's style sheet");
    for page in built.html_files().into_iter().filter(|p| p != "404.html") {
        let html = built.page(&page);
        assert!(html.select(&sel("style")).next().is_none(), "{page} has a <style> element");
        assert!(html.select(&sel("meta[http-equiv]")).next().is_none(), "{page} has a <meta http-equiv>");
        let sheets = attrs(&html, "link[rel~=stylesheet]", "href");
        assert!(sheets.len() == 1 && sheets[0].ends_with("assets/style.css"), "{page}: {sheets:?}");
    }
}

#[test]
fn from_disk_the_404_page_links_the_home_page_beside_it() {
    let (_f, built) = build_example(&["--base-url", "https://org.github.io/kb/"]);
    let page = built.page("404.html");
    let relative: Vec<String> = references(&page).into_iter().filter(|h| !h.starts_with(['/', '#'])).collect();
    assert_eq!(relative, ["index.html"], "404.html's links that work from disk");
    assert!(built.exists("index.html"));
    assert!(text_of(&page, ".not-found-offline").contains("saved on disk"));
}

#[test]
fn a_theme_gets_the_hash_of_what_its_own_style_sheet_or_404_template_emits() {
    let f = Fixture::minimal();
    let theme = f.root().join("theme");
    fs::create_dir_all(theme.join("static")).unwrap();
    // Line breaks as a Windows editor saves them: a browser reads them as `\n`, and hashes that.
    fs::write(theme.join("static/style.css"), "body { color: teal }\r\nmain { max-width: 30rem }\r\n").unwrap();
    let built = f.build_to("sheet", &["--theme", "theme"]);
    built.assert_success();
    let (style, _) = inline_style_and_policy(&built);
    assert_eq!(style, "body { color: teal }\nmain { max-width: 30rem }\n");

    fs::create_dir_all(theme.join("templates")).unwrap();
    fs::write(
        theme.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block stylesheet %}<style>h1 { color: {{ \"navy\" }} }</style>{% endblock stylesheet %}\
         {% block content %}<h1 id=\"nm-page-title\">Lost</h1>{% endblock content %}",
    )
    .unwrap();
    let built = f.build_to("template", &["--theme", "theme"]);
    built.assert_success();
    let (style, _) = inline_style_and_policy(&built);
    assert_eq!(style, "h1 { color: navy }");
}

#[test]
fn a_style_sheet_that_would_end_the_inline_copy_early_fails_the_build() {
    let f = Fixture::minimal();
    let theme = f.root().join("theme/static");
    fs::create_dir_all(&theme).unwrap();
    fs::write(theme.join("style.css"), "/* </STYLE><script>alert(1)</script> */ body { color: teal }\n").unwrap();
    let built = f.build_to("out", &["--theme", "theme"]);
    built.run.assert_failure();
    built.run.assert_contains("static/style.css holds `</style`");
    assert!(!built.out.exists());
}

#[test]
fn served_404_gets_a_header_policy_with_the_same_hash() {
    let f = Fixture::minimal();
    let built = f.build();
    built.assert_success();
    let (style, _) = inline_style_and_policy(&built);
    let server = Server::start(&f);
    for path in ["no/such/deep/page.html", "404.html"] {
        let (status, headers, body) = server.send(&format!(
            "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.path(path),
            server.port
        ));
        assert_eq!(status, if path == "404.html" { 200 } else { 404 }, "{path}");
        let policy = &headers["content-security-policy"];
        let expected = nearmiss::serve::CONTENT_SECURITY_POLICY
            .replace("style-src 'self';", &format!("style-src 'self' {};", hash_source(&style)));
        assert_eq!(policy, &expected, "{path}");
        assert!(body.contains(&format!("<style>{style}</style>")), "{path}");
    }
    let (_, headers, _) =
        server.send(&format!("GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", server.path("index.html"), server.port));
    assert_eq!(headers["content-security-policy"], nearmiss::serve::CONTENT_SECURITY_POLICY);
}

#[test]
#[ignore = "needs node, Chromium and `npm ci --prefix tests/js`"]
fn the_404_page_is_styled_from_disk_served_deep_and_under_serve_in_chromium() {
    assert!(js("node_modules/playwright-core").is_dir(), "playwright-core is missing: run `npm ci --prefix tests/js`");
    // The script serves this build under /kb/ as GitHub Pages would, and opens it from disk.
    let (_f, built) = build_example(&["--base-url", "/kb/"]);
    let preview = Server::start(&Fixture::from_fixture("../../content"));
    let out = node(&[js("not-found.mjs").as_os_str(), built.out.as_os_str(), preview.url.as_ref()]);
    println!("{out}");
    assert!(out.contains("not found: 5 passed, 0 failed"), "{out}");
}
