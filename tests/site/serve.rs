//! `nearmiss serve`: a real server on loopback, real HTTP requests, real file edits.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nearmiss::load::ContentSource;
use nearmiss::site;

use crate::common::*;

/// A running `nearmiss serve`, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/base/`
    pub(crate) url: String,
    pub(crate) port: u16,
}

impl Server {
    pub(crate) fn start(f: &Fixture) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0", "--content", "content", "--as-of", AS_OF])
            .current_dir(f.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nearmiss serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the URL");
        let url = line.trim().strip_prefix("serving ").expect("a `serving URL` line").to_string();
        let port = url["http://127.0.0.1:".len()..].split('/').next().and_then(|p| p.parse().ok()).expect("a port");
        Server { child, url, port }
    }

    /// A raw GET of `path` (sent as written, so `..` reaches the server): status and body.
    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) =
            self.send(&format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        (status, body)
    }

    /// Sends `request` as it is: the status, the headers (lowercase names) and the body.
    pub(crate) fn send(&self, request: &str) -> (u16, BTreeMap<String, String>, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // The server may answer (and close) before reading all of a request that is too large.
        let _ = stream.write_all(request.as_bytes());
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let headers = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        (status, headers, body.to_string())
    }

    pub(crate) fn path(&self, rel: &str) -> String {
        let base = &self.url["http://127.0.0.1:".len()..];
        format!("{}{rel}", &base[base.find('/').unwrap_or(0)..])
    }

    /// Polls `rel` until `ready` holds for its body, or panics after ten seconds.
    fn wait_for(&self, rel: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let (_, body) = self.get(&self.path(rel));
            if ready(&body) {
                return body;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "{rel} never showed {what}:\n{body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn site() -> Fixture {
    Fixture::with_pattern()
        .file("site.yaml", "title: Served\nbase_url: https://org.github.io/kb/\n")
        .file("writeups/w.md", &writeup(FRONT))
}

fn title(body: &str) -> String {
    text_of(&scraper::Html::parse_document(body), "h1")
}

#[test]
fn serves_the_site_under_its_base_path_with_live_reload() {
    let f = site();
    let server = Server::start(&f);
    assert!(server.url.ends_with("/kb/"), "{}", server.url);
    let (status, body) = server.get("/kb/writeups/nm-0001.html");
    assert_eq!(status, 200);
    assert!(body.contains("<script src=\"/__nearmiss/reload.js\" data-version="), "the live-reload script is injected");
    let (status, script) = server.get("/__nearmiss/reload.js");
    assert_eq!(status, 200);
    assert!(script.contains("EventSource(\"/__nearmiss/events\")"), "{script}");
    assert_eq!(server.get("/kb/").0, 200, "a folder serves its index.html");
    assert_eq!(server.get("/kb/no-such-page.html").0, 404);
    assert_eq!(server.get("/elsewhere.html").0, 404);
    assert_eq!(server.get("/").0, 302);
}

#[test]
fn an_edit_is_picked_up() {
    let f = site();
    let server = Server::start(&f);
    let before = title(&server.get("/kb/writeups/nm-0001.html").1);
    f.write("writeups/w.md", &writeup(&FRONT.replace(&front_value(FRONT, "title").unwrap(), "Edited while serving")));
    let body = server.wait_for("writeups/nm-0001.html", "the new title", |b| title(b).contains("Edited while serving"));
    assert_ne!(before, title(&body));
}

#[test]
fn a_broken_edit_shows_the_overlay_and_keeps_the_old_page() {
    let f = site();
    let server = Server::start(&f);
    let good = title(&server.get("/kb/writeups/nm-0001.html").1);
    let token = "ghp_Q7rT2mX9vL4kP8wN3bZ6cY1dF5gH0jK2sA7e";
    let broken = writeup(&FRONT.replace("severity: high", "severity: hgh").replace(&good, "Broken title"))
        .replace("A sentence about it.", &format!("A sentence with {token}."));
    f.write("writeups/w.md", &broken);
    let body = server.wait_for("writeups/nm-0001.html", "the overlay", |b| b.contains("nm-overlay"));
    assert_eq!(title(&body), good, "the last good page is still served");
    assert!(body.contains("`hgh` is not a valid `severity`"), "{body}");
    assert!(body.contains("secret:github-token"), "{body}");
    assert!(!body.contains(token), "the overlay masks secrets");

    f.write("writeups/w.md", &writeup(FRONT));
    server.wait_for("writeups/nm-0001.html", "recovery", |b| !b.contains("nm-overlay"));
}

#[test]
fn paths_outside_the_site_are_refused() {
    let f = site();
    let server = Server::start(&f);
    for path in [
        "/kb/../../etc/passwd",
        "/kb/%2e%2e/%2e%2e/etc/passwd",
        "/kb/..%2f..%2fcontent/site.yaml",
        "/../content/site.yaml",
    ] {
        let (status, body) = server.get(path);
        assert!(status == 403 || status == 400, "{path} gave {status}");
        assert!(!body.contains("base_url"), "{path} leaked a file");
    }
}

#[test]
fn ctrl_c_stops_cleanly() {
    let f = site();
    let mut server = Server::start(&f);
    let status = Command::new("kill").args(["-INT", &server.child.id().to_string()]).status().expect("run kill");
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
}

#[test]
#[ignore = "needs node, Chromium and `npm ci --prefix tests/js`"]
fn the_open_page_follows_edits_in_chromium() {
    assert!(js("node_modules/playwright-core").is_dir(), "playwright-core is missing: run `npm ci --prefix tests/js`");
    // A theme override beside the content, so that its style sheet is watched too.
    let f = site();
    let css = f.root().join("theme/static/style.css");
    fs::create_dir_all(css.parent().unwrap()).unwrap();
    fs::write(&css, "body { margin: 0 auto; max-width: 40rem; }\n").unwrap();
    let server = Server::start(&f);
    let page = format!("{}writeups/nm-0001.html", server.url);
    let markdown = f.content().join("writeups/w.md");
    let out = node(&[js("live-reload.mjs").as_os_str(), page.as_ref(), markdown.as_os_str(), css.as_os_str()]);
    assert!(out.contains("live reload: ok"), "{out}");
}

/// The site `run_cached` makes with `cache`, as `serve` would serve it.
fn prepared(f: &Fixture, cache: &mut site::Cache) -> nearmiss::render::Site {
    let opts = site::Options {
        base_url: Some("http://127.0.0.1:1111/kb/".into()),
        ..site::Options::new(ContentSource::Dir(f.content()), AS_OF.parse().expect("a date"))
    };
    let mut outcome = site::run_cached(&opts, cache).expect("a run");
    let report = outcome.report();
    outcome.site.take().unwrap_or_else(|| panic!("no site:\n{report}"))
}

/// Every file of the site `run_cached` makes with `cache`, as `serve` would serve it.
fn served(f: &Fixture, cache: &mut site::Cache) -> BTreeMap<String, Vec<u8>> {
    let site = prepared(f, cache);
    let paths: Vec<String> = site.paths().map(String::from).collect();
    paths.into_iter().map(|p| (p.clone(), site.render(&p).expect("listed").expect("rendered"))).collect()
}

/// The links of the similar near misses `site`'s page at `path` lists, in order.
fn alike(site: &nearmiss::render::Site, path: &str) -> Vec<String> {
    let page = String::from_utf8(site.render(path).expect("listed").expect("rendered")).expect("UTF-8");
    attrs(&scraper::Html::parse_document(&page), ".alike-item a", "href")
}

/// After an edit, serve shows a writeup page at once, its similar near misses from the last
/// site's index, and once the new site's own index is made, the page a build writes.
#[test]
fn until_its_index_is_made_a_served_site_lists_similar_near_misses_from_the_last_one() {
    let f = Fixture::from_fixture("learning");
    let (page, twin) = ("writeups/l-1.html", "../writeups/l-3.html");
    let mut cache = site::Cache::keeping();
    let last = prepared(&f, &mut cache);
    let before = alike(&last, page);
    assert!(before.len() > 2 && before[0] != twin && before.contains(&twin.to_string()), "{before:?}");

    // L-1's body becomes L-3's: L-3 is then the writeup most like it.
    let front = |rel: &str| {
        let text = fs::read_to_string(f.content().join(rel)).unwrap();
        let end = text[3..].find("\n---\n").unwrap() + 3 + 5;
        (text[..end].to_string(), text[end..].to_string())
    };
    let (l1, _) = front("writeups/l-1.md");
    let (_, body) = front("writeups/l-3.md");
    f.write("writeups/l-1.md", &format!("{l1}{body}"));
    let mut next = prepared(&f, &mut cache);
    next.follow(&last);
    assert!(!next.has_search_index());
    assert_eq!(alike(&next, page), before, "from the last site's index");
    assert!(next.make_search_index(), "a page was rendered from the last site's index");

    let after = alike(&next, page);
    assert_eq!(after[0], twin, "{after:?}");
    let fresh = served(&f, &mut site::Cache::default());
    assert!(next.render(page).unwrap().unwrap() == fresh[page], "the page a build writes");
}

#[test]
fn a_rebuild_from_the_cache_equals_a_build_from_scratch() {
    let f = Fixture::minimal();
    let token = "writeups/2025/token-in-ci-log.md";
    let restore = "writeups/2025/restore-missing-key.md";
    let original = fs::read_to_string(f.content().join(token)).unwrap();
    // Edits that each reach other pages: the body (summary on lists), the front matter (lists,
    // tags, KRIs, the action tracker), a pattern's title (every card of its writeups), a link to
    // a writeup that then disappears, and a new file.
    let edits: Vec<(&str, String)> = vec![
        (token, original.replace("## What almost failed\n", "## What almost failed\n\nA new first paragraph.\n\n")),
        (
            token,
            original
                .replace("severity: high", "severity: critical")
                .replace("tags: [secrets, ci-cd]", "tags: [tokens]"),
        ),
        ("patterns/credential-leak.md", {
            let p = fs::read_to_string(f.content().join("patterns/credential-leak.md")).unwrap();
            p.replacen("title: ", "title: Renamed ", 1)
        }),
        (restore, {
            let r = fs::read_to_string(f.content().join(restore)).unwrap();
            format!("{}\nSee also [the token near miss](NM-0101).\n", r.trim_end())
        }),
        (token, original.replace("status: approved", "status: draft")),
        ("writeups/2025/new.md", original.replace("NM-0101", "NM-0199").replace("status: draft", "status: approved")),
    ];
    let mut cache = site::Cache::keeping();
    served(&f, &mut cache);
    for (i, (rel, text)) in edits.into_iter().enumerate() {
        f.write(rel, &text);
        let incremental = served(&f, &mut cache);
        let fresh = served(&f, &mut site::Cache::default());
        assert_eq!(incremental.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>(), "edit {i}: files");
        for (path, bytes) in &fresh {
            assert!(incremental[path] == *bytes, "edit {i}: {path} differs from a build from scratch");
        }
    }
}

/// A file edited again before the new site's index is made leaves that index unmade (bodies
/// are read again for it, and checked); the site after it still lists from the last good one.
#[test]
fn a_site_whose_index_cannot_be_made_passes_the_last_index_on() {
    let f = Fixture::from_fixture("learning");
    let page = "writeups/l-1.html";
    let mut cache = site::Cache::keeping();
    let first = prepared(&f, &mut cache);
    let listed = alike(&first, page);
    let original = fs::read_to_string(f.content().join("writeups/l-1.md")).unwrap();
    let edit = |n: usize| f.write("writeups/l-1.md", &format!("{}\n\nEdit {n}.\n", original.trim_end()));

    edit(1);
    let mut second = prepared(&f, &mut cache);
    second.follow(&first);
    edit(2);
    assert!(!second.make_search_index(), "a file changed since the second site was built");
    assert!(second.has_search_index(), "the failure is kept, not tried again");

    let mut third = prepared(&f, &mut cache);
    third.follow(&second);
    assert_eq!(alike(&third, page), listed, "from the first site's index");
    assert!(third.make_search_index(), "a page was rendered from the first site's index");
}

/// Serve renders a page when it is asked for (a writeup's similar near misses from its own
/// query); the page must be the one a build writes, which finds every writeup's at once.
#[test]
fn a_served_page_is_the_page_a_build_writes() {
    let f = Fixture::from_fixture("learning");
    let built = f.build_to("out", &["--base-url", "http://127.0.0.1:1111/kb/"]);
    built.assert_success();
    let served = served(&f, &mut site::Cache::default());
    let pages = built.writeup_pages();
    assert!(pages.len() > 3, "{pages:?}");
    for page in &pages {
        assert!(fs::read(built.path(page)).unwrap() == served[page.as_str()], "{page} differs");
    }
    assert!(built.text(&pages[0]).contains("class=\"alike-item"), "the fixture has similar near misses");
}

#[test]
fn every_response_says_nosniff_and_pages_carry_a_policy_the_theme_passes() {
    let (_kept, built) = build_example(&[]);
    let f = Fixture::from_fixture("../../content");
    let server = Server::start(&f);
    let base = server.path("");
    let origin = format!("http://127.0.0.1:{}/", server.port);
    let own = |url: &str| url.starts_with(&origin) || (!has_scheme(url) && !url.starts_with("//"));
    for page in built.html_files() {
        let (status, headers, body) =
            server.send(&format!("GET {base}{page} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", server.port));
        assert_eq!(status, 200, "{page}");
        assert_eq!(headers.get("x-content-type-options").map(String::as_str), Some("nosniff"), "{page}");
        let policy = headers.get("content-security-policy").unwrap_or_else(|| panic!("{page} has no policy"));
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-eval"));
        // What that policy would block: inline scripts and handlers, style elements, other origins.
        let html = scraper::Html::parse_document(&body);
        if page == "404.html" {
            // The same, but that it allows its inline style sheet by hash (tests/site/not_found.rs
            // checks that it is the style sheet's).
            let (before, hash) = policy.split_once(" 'sha256-").expect("404.html allows its style by hash");
            assert_eq!(
                format!("{before}{}", &hash[hash.find('\'').unwrap() + 1..]),
                nearmiss::serve::CONTENT_SECURITY_POLICY
            );
        } else {
            assert_eq!(policy, nearmiss::serve::CONTENT_SECURITY_POLICY);
        }
        for script in html.select(&sel("script")) {
            let src = script.value().attr("src").unwrap_or_else(|| panic!("{page} has an inline script"));
            assert!(own(src), "{page} loads {src}");
        }
        assert!(page == "404.html" || html.select(&sel("style")).next().is_none(), "{page} has a <style> element");
        for element in html.select(&sel("*")) {
            for (name, _) in element.value().attrs() {
                assert!(!name.starts_with("on"), "{page} has an inline handler {name}");
            }
        }
        for (css, attr) in LINK_ATTRS {
            if css.starts_with("a[") || css.starts_with("form[") {
                continue;
            }
            for url in attrs(&html, css, attr) {
                assert!(own(&url), "{page} loads {url}");
            }
        }
    }
    let (_, headers, _) =
        server.send(&format!("GET {base}assets/style.css HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", server.port));
    assert_eq!(headers.get("x-content-type-options").map(String::as_str), Some("nosniff"));
}

#[test]
fn another_host_name_is_refused_so_dns_rebinding_cannot_read_the_preview() {
    let f = site();
    let server = Server::start(&f);
    let page = server.path("writeups/nm-0001.html");
    let port = server.port;
    for (host, status) in [
        (format!("127.0.0.1:{port}"), 200),
        (format!("localhost:{port}"), 200),
        (format!("attacker.example:{port}"), 421),
        (format!("127.0.0.1.attacker.example:{port}"), 421),
        (format!("127.0.0.1:{}", port.wrapping_add(1)), 421),
    ] {
        let (got, _, body) = server.send(&format!("GET {page} HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(got, status, "Host: {host}\n{body}");
    }
}

#[test]
fn overlong_request_lines_and_headers_are_refused() {
    let f = site();
    let server = Server::start(&f);
    let long_path = format!("/kb/{}", "a".repeat(100_000));
    assert_eq!(server.send(&format!("GET {long_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).0, 414);
    let header = format!("X-Filler: {}\r\n", "b".repeat(1_000));
    let request = format!("GET /kb/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n", header.repeat(100));
    assert_eq!(server.send(&request).0, 431);
    assert_eq!(server.get("/kb/").0, 200, "the server still serves");
}

/// The number of threads of process `pid`.
fn threads(pid: u32) -> usize {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn idle_connections_are_bounded_and_timed_out() {
    let f = site();
    let server = Server::start(&f);
    let before = threads(server.child.id());
    let idle: Vec<TcpStream> =
        (0..300).map(|_| TcpStream::connect(("127.0.0.1", server.port)).expect("connect")).collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = threads(server.child.id());
    assert!(during <= before, "{} idle connections cost {} threads", idle.len(), during - before);
    // The idle ones are dropped after the read time-out, and the preview serves again.
    let started = Instant::now();
    loop {
        let (status, _) = server.get("/kb/");
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(started.elapsed() < Duration::from_secs(15), "still busy after the time-out");
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(idle);
}
