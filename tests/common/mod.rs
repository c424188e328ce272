//! Shared helpers for the integration tests: fixtures written into temporary folders, a runner
//! for the `nearmiss` binary, and readers for the site it writes.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};
use url::Url;

/// The date every test build judges "overdue" and "future" against.
pub const AS_OF: &str = "2026-12-31";

pub const BIN: &str = env!("CARGO_BIN_EXE_nearmiss");

/// A script of `tests/js/`.
pub fn js(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js").join(name)
}

/// Runs `node args…`, returning stdout; panics with stderr when it fails.
#[track_caller]
pub fn node(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new("node").args(args).output().expect("node is needed: apt-get install nodejs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "node {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// The crate's own example knowledge base.
pub fn example_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// A folder under `tests/fixtures/`.
pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

// ---------------------------------------------------------------- running the binary

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_success(&self) -> &Run {
        assert!(self.success, "expected exit 0, got {:?}\n--- stderr:\n{}", self.code, self.stderr);
        self
    }

    #[track_caller]
    pub fn assert_failure(&self) -> &Run {
        assert!(!self.success, "expected a non-zero exit\n--- stderr:\n{}", self.stderr);
        assert_ne!(self.code, None, "killed by a signal:\n{}", self.stderr);
        self
    }

    /// Asserts that stderr has `line` as one whole line.
    #[track_caller]
    pub fn assert_line(&self, line: &str) -> &Run {
        assert!(self.stderr.lines().any(|l| l == line), "stderr has no line\n  {line}\n--- stderr:\n{}", self.stderr);
        self
    }

    /// Asserts that stderr contains `text` somewhere.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Run {
        assert!(self.stderr.contains(text), "stderr lacks\n  {text}\n--- stderr:\n{}", self.stderr);
        self
    }

    /// The `path:line:col: level: message` lines of stderr.
    pub fn diagnostics(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(": error: ") || l.contains(": warning: ")).collect()
    }

    pub fn errors(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(": error: ")).collect()
    }

    pub fn warnings(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(": warning: ")).collect()
    }

    /// The hint printed under the diagnostic whose first line is `line`.
    pub fn hint_of(&self, line: &str) -> Option<&str> {
        let mut lines = self.stderr.lines().skip_while(|l| *l != line);
        lines.next()?;
        for l in lines {
            if l.contains(": error: ") || l.contains(": warning: ") || l.is_empty() {
                return None;
            }
            if let Some(i) = l.find("= hint: ") {
                return Some(&l[i + "= hint: ".len()..]);
            }
        }
        None
    }
}

/// Runs `nearmiss args…` in `cwd`, without SOURCE_DATE_EPOCH unless `env` sets it.
pub fn run_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(cwd).env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run nearmiss");
    Run {
        success: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// ---------------------------------------------------------------- fixtures

/// A temporary working folder whose `content/` holds a knowledge base.
pub struct Fixture {
    tmp: tempfile::TempDir,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

impl Fixture {
    /// An empty `content/` folder.
    pub fn new() -> Fixture {
        let tmp = tempfile::Builder::new().prefix("nearmiss-test").tempdir().expect("temp dir");
        fs::create_dir_all(tmp.path().join("content")).unwrap();
        Fixture { tmp }
    }

    /// A copy of `tests/fixtures/<name>/` as the content.
    pub fn from_fixture(name: &str) -> Fixture {
        let f = Fixture::new();
        copy_dir(&fixture_dir(name), &f.content());
        f
    }

    /// The realistic small site of `tests/fixtures/minimal/`.
    pub fn minimal() -> Fixture {
        Fixture::from_fixture("minimal")
    }

    /// Content with one pattern, `firewall-change-drift`, that generated writeups use.
    pub fn with_pattern() -> Fixture {
        Fixture::new().file("patterns/firewall-change-drift.md", PATTERN)
    }

    /// Adds (or replaces) `content/<rel>`.
    pub fn file(self, rel: &str, text: &str) -> Fixture {
        self.write(rel, text);
        self
    }

    /// Writes `content/<rel>`, creating folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.content().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    pub fn content(&self) -> PathBuf {
        self.root().join("content")
    }

    /// Runs `nearmiss args…` in the fixture's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args, &[])
    }

    /// `nearmiss check --content content --as-of AS_OF`.
    pub fn check(&self) -> Run {
        self.run(&["check", "--content", "content", "--as-of", AS_OF])
    }

    /// `nearmiss build --content content --output out --as-of AS_OF`.
    pub fn build(&self) -> Built {
        self.build_to("out", &[])
    }

    /// A build into `<root>/<out>` with `extra` arguments (which may name another `--content`
    /// or `--as-of`).
    pub fn build_to(&self, out: &str, extra: &[&str]) -> Built {
        let mut args = vec!["build", "--output", out];
        if !extra.contains(&"--as-of") {
            args.extend(["--as-of", AS_OF]);
        }
        if !extra.contains(&"--content") {
            args.extend(["--content", "content"]);
        }
        args.extend(extra);
        let run = self.run(&args);
        Built { run, out: self.root().join(out) }
    }
}

/// Builds the crate's example content (in a fresh temporary folder) with `extra` arguments.
pub fn build_example(extra: &[&str]) -> (Fixture, Built) {
    let f = Fixture::new();
    let content = example_content();
    let mut args = vec!["--content", content.to_str().unwrap()];
    args.extend(extra);
    let built = f.build_to("out", &args);
    built.run.assert_success();
    (f, built)
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file below `dir` as (path with `/`, bytes), dotfiles included.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

// ---------------------------------------------------------------- generated content

/// A pattern with every field, for generated fixtures.
pub const PATTERN: &str = "\
---
title: Firewall change drift
risk: Firewall rules drift from the intended policy and expose services.
signals: [Rules with any-source]
controls: [Policy linter in the change pipeline]
---

Rules drift when changes are made by hand.
";

/// The front matter of a valid, approved writeup, one field a line; in a file made by
/// [`writeup`] the first field is on line 2:
///
/// ```text
///  2 id             7 detected       12 stopped_by
///  3 title          8 reported
///  4 status         9 reviewed
///  5 tlp           10 patterns
///  6 occurred      11 severity
/// ```
pub const FRONT: &str = "\
id: NM-0001
title: Firewall rule opening SSH caught in change review
status: approved
tlp: clear
occurred: 2025-03-04
detected: 2025-03-05
reported: 2025-03-06
reviewed: 2025-03-12
patterns: [firewall-change-drift]
severity: high
stopped_by: process
";

/// The six sections, each with a sentence.
pub fn sections() -> String {
    nearmiss::validate::SECTIONS.iter().map(|s| format!("## {s}\n\nA sentence about it.\n\n")).collect()
}

/// A writeup file: `front` (without the `---` lines), then the six sections. The body's first
/// line is the line after the closing `---`.
pub fn writeup(front: &str) -> String {
    format!("---\n{front}---\n\n{}", sections())
}

/// A writeup file with `front` and a body of exactly `body`.
pub fn writeup_with_body(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

/// [`FRONT`] with the line starting `key:` replaced by `line` (or removed when `line` is empty).
pub fn front_with(key: &str, line: &str) -> String {
    let prefix = format!("{key}:");
    let mut found = false;
    let out: String = FRONT
        .lines()
        .filter_map(|l| {
            if l.starts_with(&prefix) {
                found = true;
                (!line.is_empty()).then(|| format!("{line}\n"))
            } else {
                Some(format!("{l}\n"))
            }
        })
        .collect();
    assert!(found, "FRONT has no `{key}`");
    out
}

// ---------------------------------------------------------------- reading the site

/// The output of one `nearmiss build`.
pub struct Built {
    pub run: Run,
    pub out: PathBuf,
}

impl Built {
    #[track_caller]
    pub fn assert_success(&self) -> &Built {
        self.run.assert_success();
        self
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.out.join(rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).is_file()
    }

    #[track_caller]
    pub fn text(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    #[track_caller]
    pub fn page(&self, rel: &str) -> Html {
        Html::parse_document(&self.text(rel))
    }

    /// Every file of the site, relative, `/`-separated, sorted (dotfiles included).
    pub fn all_files(&self) -> Vec<String> {
        snapshot(&self.out).into_keys().collect()
    }

    pub fn html_files(&self) -> Vec<String> {
        self.all_files().into_iter().filter(|f| f.ends_with(".html")).collect()
    }

    /// The writeup pages (not the index).
    pub fn writeup_pages(&self) -> Vec<String> {
        self.pages_in("writeups/")
    }

    pub fn pattern_pages(&self) -> Vec<String> {
        self.pages_in("patterns/")
    }

    pub fn tag_pages(&self) -> Vec<String> {
        self.pages_in("tags/")
    }

    /// The page of each KRI (not the dashboard).
    pub fn kri_pages(&self) -> Vec<String> {
        self.pages_in("kri/")
    }

    /// How many pages the sitemap lists: the home page, the writeup, pattern and tag indexes,
    /// search, the data page, the report page, the KRI dashboard, the summary, the action
    /// tracker, the role and digest indexes, and every writeup, pattern, tag, KRI, role and
    /// digest page.
    pub fn sitemap_size(&self) -> usize {
        12 + self.writeup_pages().len()
            + self.pattern_pages().len()
            + self.tag_pages().len()
            + self.kri_pages().len()
            + self.pages_in("roles/").len()
            + self.pages_in("digest/").len()
    }

    fn pages_in(&self, dir: &str) -> Vec<String> {
        self.html_files()
            .into_iter()
            .filter(|f| f.starts_with(dir) && !f.ends_with("/index.html") && !f[dir.len()..].contains('/'))
            .collect()
    }

    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.out)
    }
}

/// A CSS selector, panicking on a typo.
pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// The whitespace-normalised text of every element matching `css`.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    html.select(&sel(css)).map(|e| normalise_ws(&e.text().collect::<String>())).collect()
}

/// The text of the one element matching `css`.
#[track_caller]
pub fn text_of(html: &Html, css: &str) -> String {
    let all = texts(html, css);
    assert_eq!(all.len(), 1, "expected one `{css}`, found {}: {all:?}", all.len());
    all.into_iter().next().unwrap()
}

pub fn normalise_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every value of `attr` on elements matching `css`.
pub fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    html.select(&sel(css)).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}

/// Every element id on the page.
pub fn ids(html: &Html) -> BTreeSet<String> {
    attrs(html, "[id]", "id").into_iter().collect()
}

/// Every URL-valued attribute a page links or loads through: (selector, attribute).
pub const LINK_ATTRS: [(&str, &str); 6] = [
    ("a[href]", "href"),
    ("link[href]", "href"),
    ("script[src]", "src"),
    ("img[src]", "src"),
    ("iframe[src]", "src"),
    ("form[action]", "action"),
];

/// Every link and resource reference on a page.
pub fn references(html: &Html) -> Vec<String> {
    LINK_ATTRS.iter().flat_map(|(css, attr)| attrs(html, css, attr)).collect()
}

/// Whether `href` names another site or scheme (`https://…`, `mailto:`), not a file of this site.
pub fn has_scheme(href: &str) -> bool {
    match href.find(':') {
        Some(i) => {
            let scheme = &href[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Resolves `href` on the page at `page_url` and, when it lands under `base`, returns the site
/// file it names (`dir/` → `dir/index.html`) and its fragment; `None` for other sites.
pub fn site_file(base: &Url, page_url: &Url, href: &str) -> Option<Result<(String, Option<String>), String>> {
    let target = match page_url.join(href) {
        Ok(t) => t,
        Err(e) => return Some(Err(format!("`{href}` does not parse: {e}"))),
    };
    if target.scheme() != base.scheme() || target.host_str() != base.host_str() || target.port() != base.port() {
        return None;
    }
    let path = percent_decode(target.path());
    let Some(rel) = path.strip_prefix(&percent_decode(base.path())) else {
        return Some(Err(format!("`{href}` leaves the site: {target}")));
    };
    let mut rel = rel.to_string();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    Some(Ok((rel, target.fragment().map(str::to_string))))
}

/// `%XX` escapes of a URL path back to UTF-8 text.
pub fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks every reference on every HTML page, served under `base`: each one inside the site
/// must name an existing file, and each fragment an id of that page. Returns the problems.
pub fn broken_references(built: &Built, base: &str) -> Vec<String> {
    let base = Url::parse(base).unwrap();
    let mut id_cache: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for page in built.html_files() {
        let page_url = base.join(&page).unwrap();
        let html = built.page(&page);
        for href in references(&html) {
            match site_file(&base, &page_url, &href) {
                None => {}
                Some(Err(e)) => problems.push(format!("{page}: {e}")),
                Some(Ok((file, fragment))) => {
                    if !built.exists(&file) {
                        problems.push(format!("{page}: `{href}` → {file}, which does not exist"));
                        continue;
                    }
                    let Some(fragment) = fragment.filter(|f| !f.is_empty()) else { continue };
                    if !file.ends_with(".html") {
                        continue;
                    }
                    let ids = id_cache.entry(file.clone()).or_insert_with(|| ids(&built.page(&file)));
                    if !ids.contains(&fragment) {
                        problems.push(format!("{page}: `{href}` → {file}#{fragment}, which has no such id"));
                    }
                }
            }
        }
    }
    problems
}

/// Lowercase tags of a writeup source file's `tags: [a, b]` line.
pub fn source_tags(text: &str) -> Vec<String> {
    front_value(text, "tags")
        .map(|v| {
            v.trim_matches(['[', ']']).split(',').map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect()
        })
        .unwrap_or_default()
}

/// The raw value of a top-level `key:` line in a file's front matter.
pub fn front_value(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}:");
    text.lines().skip(1).take_while(|l| *l != "---").find_map(|l| l.strip_prefix(&prefix).map(|v| v.trim().to_string()))
}

/// Every writeup source below `content/writeups` as (path, text).
pub fn writeup_sources(content: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![content.join("writeups")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// Whether a writeup source would be published on a site limited to `max_tlp`.
pub fn is_published(text: &str, max_tlp: &str) -> bool {
    const ORDER: [&str; 5] = ["clear", "green", "amber", "amber+strict", "red"];
    let rank = |t: &str| ORDER.iter().position(|o| *o == t).unwrap_or(usize::MAX);
    front_value(text, "status").as_deref() == Some("approved")
        && rank(&front_value(text, "tlp").unwrap_or_default()) <= rank(max_tlp)
}

/// The number in a "published N writeups" summary line.
pub fn published_count(stderr: &str) -> usize {
    let rest = stderr.split("published ").nth(1).expect("a publication summary");
    rest.split_whitespace().next().unwrap().parse().expect("a count")
}
