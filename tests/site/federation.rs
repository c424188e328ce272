//! Sharing across organisations: three knowledge bases built by the real binary, the members'
//! feeds served by a loopback HTTP server, and a hub that imports them.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::{fs, thread};

use crate::common::*;

/// A name only the hub's gate blocks: member A publishes it, the hub must not.
const PLANTED: &str = "Zebulonix";

/// Serves the files below a folder on 127.0.0.1 until dropped; `gone` makes every file 404.
/// `/same/<path>` redirects to `/<path>`, and `/https/<path>` to the same path over HTTPS.
struct Server {
    port: u16,
    gone: Arc<AtomicBool>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let gone = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&gone);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split(' ').nth(1).unwrap_or("/").trim_start_matches('/').to_string();
                let redirect = |to: String| {
                    format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                };
                if let Some(rest) = path.strip_prefix("same/") {
                    let _ = stream.write_all(redirect(format!("/{rest}")).as_bytes());
                    continue;
                }
                if let Some(rest) = path.strip_prefix("https/") {
                    let _ = stream.write_all(redirect(format!("https://127.0.0.1:{port}/{rest}")).as_bytes());
                    continue;
                }
                let file = root.join(&path);
                let body =
                    (!flag.load(Ordering::SeqCst) && !path.contains("..")).then(|| fs::read(&file).ok()).flatten();
                let response = match body {
                    Some(body) => {
                        let mut r =
                            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
                                .into_bytes();
                        r.extend(body);
                        r
                    }
                    None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                };
                let _ = stream.write_all(&response);
            }
        });
        Server { port, gone }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

/// Two members and a hub; the members' sites are built into `<served>/a` and `<served>/b`.
struct Federation {
    a: Fixture,
    b: Fixture,
    hub: Fixture,
    served: tempfile::TempDir,
    server: Server,
    /// Member B's public key, which the hub requires.
    key: String,
}

impl Federation {
    fn new() -> Federation {
        let served = tempfile::tempdir().unwrap();
        let server = Server::start(served.path().to_path_buf());
        // Member A: the minimal knowledge base, and one writeup naming an organisation only
        // the hub blocks.
        let a = Fixture::minimal();
        let planted = front_with("title", &format!("title: {PLANTED} rollout nearly skipped the firewall review"))
            .replace("NM-0001", "NM-0201")
            .replace("firewall-change-drift", "credential-leak");
        a.write("writeups/2025/planted.md", &writeup(&planted));
        // Its patterns point at the catalogue: one the hub has a pattern for, one it has not.
        for (file, same_as) in [("credential-leak", "secret-in-code"), ("backup-gap", "backup-restore-gap")] {
            let path = a.content().join(format!("patterns/{file}.md"));
            let text = fs::read_to_string(&path).unwrap();
            fs::write(&path, text.replacen("---\n", &format!("---\nsame_as: catalog/{same_as}\n"), 1)).unwrap();
        }
        // Member B: one pattern the hub shares by slug, a clear and a green writeup; signed.
        let two = front_with("tlp", "tlp: green")
            .replace("NM-0001", "NM-0002")
            .replace("[firewall-change-drift]", "[firewall-change-drift, vendor-quirks]");
        let b =
            Fixture::with_pattern().file("writeups/one.md", &writeup(FRONT)).file("writeups/two.md", &writeup(&two));
        b.write(
            "patterns/vendor-quirks.md",
            &PATTERN.replace("Firewall change drift", "Vendor quirks").replace("Firewall rules drift", "Vendors drift"),
        );
        b.write("site.yaml", "title: Member B\nmax_tlp: green\norg: { id: member-7f3a, label: \"Member 7F3A\" }\n");
        let keys = b.run(&["keygen", "--dir", "."]);
        keys.assert_success();
        let secret = fs::read_to_string(b.root().join("feed.key")).unwrap();
        let key = fs::read_to_string(b.root().join("feed.pub")).unwrap().trim().to_string();
        let fed = Federation { a, b, hub: Fixture::with_pattern(), served, server, key };
        fed.publish_a();
        fed.publish_b(&secret);
        fed.hub.write("writeups/own.md", &writeup(FRONT));
        fed.hub.write(
            "patterns/leaked-secrets.md",
            &PATTERN
                .replace("title: Firewall change drift", "title: Leaked secrets\nsame_as: catalog/secret-in-code")
                .replace("Firewall rules drift", "Secrets leak"),
        );
        fed.configure_hub(&fed.key.clone(), "clear");
        fed
    }

    fn publish_a(&self) {
        let out = self.served.path().join("a");
        let built = self.a.build_to(out.to_str().unwrap(), &["--base-url", &self.server.url("a/")]);
        built.assert_success();
    }

    fn publish_b(&self, secret: &str) {
        let out = self.served.path().join("b");
        let args = ["build", "--content", "content", "--output", out.to_str().unwrap(), "--as-of", AS_OF];
        run_in(self.b.root(), &args, &[("NEARMISS_FEED_KEY", secret)]).assert_success();
    }

    fn configure_hub(&self, key: &str, a_tlp: &str) {
        let config = format!(
            "title: Hub\nbase_url: https://hub.example/kb/\nmax_tlp: green\nblocked_orgs: [{PLANTED}]\nsources:\n  \
             - name: member-a\n    url: {}\n    max_tlp: {a_tlp}\n  - name: member-b\n    url: {}\n    public_key: {key}\n    \
             max_tlp: green\n",
            self.server.url("a/feed/"),
            self.server.url("b/feed/"),
        );
        self.hub.write("site.yaml", &config);
    }

    fn feed_file(&self, member: &str, name: &str) -> PathBuf {
        self.served.path().join(member).join("feed").join(name)
    }

    fn build(&self, out: &str, extra: &[&str]) -> Built {
        self.hub.build_to(out, extra)
    }
}

fn all_text(built: &Built) -> Vec<(String, String)> {
    built.snapshot().into_iter().map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned())).collect()
}

#[test]
fn a_hub_imports_its_members_namespaced_and_gated_again() {
    let fed = Federation::new();
    let manifest = fs::read_to_string(fed.feed_file("b", "manifest.json")).unwrap();
    assert!(manifest.contains("\"id\": \"member-7f3a\""), "the feed names its publisher by its org id:\n{manifest}");
    assert!(!manifest.contains("Member B"), "and never by the site's title");
    let built = fed.build("out", &[]);
    built.assert_success();
    // Ids never collide: the hub's own NM-0001 and member B's.
    assert!(built.exists("writeups/nm-0001.html"));
    assert!(built.exists("writeups/member-b/nm-0001.html"));
    assert!(built.exists("writeups/member-b/nm-0002.html"), "member B's green writeup is within its max_tlp");
    assert!(built.exists("writeups/member-a/nm-0101.html"));
    // The TLP limit of member A is clear: its green writeup is left out.
    assert!(!built.exists("writeups/member-a/nm-0102.html"));
    built.run.assert_contains(
        "source `member-a` (member-a): imported 1 writeup and 0 patterns; left out 1 above TLP:CLEAR, 1 that failed this site's checks",
    );
    built.run.assert_contains("source `member-b` (Member 7F3A): imported 2 writeups and 1 pattern");
    // Every imported writeup names its source by its pseudonymous label (its source's name
    // when the source declares no `org:`).
    let page = built.text("writeups/member-b/nm-0001.html");
    assert!(page.contains("Shared by") && page.contains("Member 7F3A"), "{page}");
    assert!(built.text("writeups/member-a/nm-0101.html").contains("member-a"));
    // Member A's credential-leak is the same catalogue pattern as the hub's leaked-secrets.
    let leaked = built.text("patterns/leaked-secrets.html");
    assert!(leaked.contains("writeups/member-a/nm-0101.html"), "{leaked}");
    assert!(!built.exists("patterns/member-a/credential-leak.html"));
    // Its backup-gap is a catalogue pattern the hub has none of: the catalogue's stands for it.
    assert!(built.exists("patterns/catalog/backup-restore-gap.html"));
    // Member B's vendor-quirks maps to nothing: kept under the source's name.
    assert!(built.exists("patterns/member-b/vendor-quirks.html"));
    // A pattern both the hub and member B use is one pattern, seen at two organisations.
    let pattern = built.page("patterns/firewall-change-drift.html");
    let orgs = scraper::Selector::parse(".organisations .stat-number").unwrap();
    let count: Vec<String> = pattern.select(&orgs).map(|e| e.text().collect()).collect();
    assert_eq!(count, ["2"]);
    // Search has an organisation facet.
    let index = built.text("search/index.json");
    assert!(index.contains("\"organisation\"") && index.contains("Member 7F3A"), "{index}");
    // A writeup page lists similar near misses from other members, never its own member's.
    let own = built.page("writeups/nm-0001.html");
    let similar = scraper::Selector::parse(".similar .writeup-item-title a").unwrap();
    let links: Vec<&str> = own.select(&similar).filter_map(|a| a.value().attr("href")).collect();
    // Newest first; these two occurred the same day, so by id.
    assert_eq!(links, ["../writeups/member-b/nm-0001.html", "../writeups/member-b/nm-0002.html"]);
    let theirs = built.page("writeups/member-b/nm-0001.html");
    let links: Vec<&str> = theirs.select(&similar).filter_map(|a| a.value().attr("href")).collect();
    assert_eq!(links, ["../../writeups/nm-0001.html"]);
    // KRIs member by member, and the hub's own beside the community's median and quartiles.
    let community = built.page("community.html");
    let rows = scraper::Selector::parse("tbody th").unwrap();
    let members: Vec<String> = community.select(&rows).take(3).map(|e| e.text().collect()).collect();
    assert_eq!(members, ["This site", "member-a", "Member 7F3A"]);
    let dashboard = built.text("kri/index.html");
    assert!(dashboard.contains("community median"), "{dashboard}");
    // Nor do the MISP, STIX and VERIS exports pass on what was imported.
    for file in ["stix/bundle.json", "veris.json", "misp/manifest.json", "writeups.json"] {
        let text = built.text(file);
        assert!(!text.contains("member-a/") && !text.contains("member-b/"), "{file} has imported records");
    }
    // The hub's own feed holds its own writeups only.
    let feed = built.text("feed/writeups.json");
    assert!(feed.contains("NM-0001") && !feed.contains("member-b"), "{feed}");
}

#[test]
fn a_leak_planted_in_a_source_is_refused_and_absent_from_every_file() {
    let fed = Federation::new();
    let served = fs::read_to_string(fed.feed_file("a", "writeups.json")).unwrap();
    assert!(served.contains(PLANTED), "member A publishes it: its gate does not block it");
    let built = fed.build("out", &[]);
    built.assert_success();
    let warning = built.run.warnings().into_iter().find(|w| w.contains("NM-0201")).map(str::to_string);
    let warning = warning.unwrap_or_else(|| panic!("no warning names the record:\n{}", built.run.stderr));
    assert!(warning.contains("source `member-a`: writeup `NM-0201` left out"), "{warning}");
    assert!(!built.run.stderr.contains(PLANTED), "the message quotes the leak:\n{}", built.run.stderr);
    for (path, text) in all_text(&built) {
        assert!(!text.contains(PLANTED), "{path} has the planted name");
        assert!(!text.to_lowercase().contains("nm-0201"), "{path} names the refused record");
    }
}

#[test]
fn a_tampered_record_or_a_bad_signature_is_refused() {
    let fed = Federation::new();
    fed.build("out", &[]).assert_success();
    let before = snapshot(&fed.hub.root().join("out"));

    let path = fed.feed_file("b", "writeups.json");
    let original = fs::read_to_string(&path).unwrap();
    fs::write(&path, original.replace("Firewall rule opening SSH", "Firewall rule opening RDP")).unwrap();
    let built = fed.build("out", &[]);
    built.run.assert_failure();
    built.run.assert_contains("source `member-b` refused: writeups.json does not match the SHA-256 in manifest.json");
    assert_eq!(snapshot(&built.out), before, "a refused build leaves the previous site untouched");
    fs::write(&path, original).unwrap();

    // Signed by member B, but the hub expects another key.
    let other = tempfile::tempdir().unwrap();
    run_in(other.path(), &["keygen"], &[]).assert_success();
    let wrong = fs::read_to_string(other.path().join("feed.pub")).unwrap();
    fed.configure_hub(wrong.trim(), "clear");
    let built = fed.build("out", &[]);
    built.run.assert_failure();
    built.run.assert_contains("source `member-b` refused: bad signature of manifest.json");

    // A signed source whose signature is gone.
    fed.configure_hub(&fed.key, "clear");
    fs::remove_file(fed.feed_file("b", "manifest.json.minisig")).unwrap();
    let built = fed.build("out", &[]);
    built.run.assert_failure();
    built.run.assert_contains("source `member-b` refused: the feed is not signed");
}

#[test]
fn tlp_limits_are_per_source() {
    let fed = Federation::new();
    fed.configure_hub(&fed.key, "green");
    let built = fed.build("out", &[]);
    built.assert_success();
    assert!(built.exists("writeups/member-a/nm-0102.html"), "member A's green writeup, now allowed");
    let page = built.text("writeups/member-a/nm-0102.html");
    assert!(page.contains("TLP:GREEN"));
}

#[test]
fn offline_builds_from_the_cache_and_output_is_byte_identical() {
    let fed = Federation::new();
    let one = fed.build("one", &[]);
    one.assert_success();
    let two = fed.build("two", &[]);
    two.assert_success();
    assert_eq!(one.snapshot(), two.snapshot(), "the same input gives the same bytes");
    assert!(fed.hub.root().join(".nearmiss/cache/member-b/manifest.json").is_file());

    fed.server.gone.store(true, Ordering::SeqCst);
    let offline = fed.build("offline", &["--offline"]);
    offline.assert_success();
    assert!(!offline.run.stderr.contains("unreachable"), "offline fetches nothing:\n{}", offline.run.stderr);
    assert_eq!(one.snapshot(), offline.snapshot(), "offline gives the same site from the cache");
}

#[test]
fn a_source_that_disappears_keeps_its_cached_records_with_a_warning() {
    let fed = Federation::new();
    fed.build("out", &[]).assert_success();
    fed.server.gone.store(true, Ordering::SeqCst);
    let built = fed.build("again", &[]);
    built.assert_success();
    built.run.assert_contains("warning: source `member-b` is unreachable");
    built.run.assert_contains("using its cached copy");
    assert!(built.exists("writeups/member-b/nm-0001.html"));

    // Without a cached copy, the build fails naming the source.
    fs::remove_dir_all(fed.hub.root().join(".nearmiss")).unwrap();
    let built = fed.build("out", &[]);
    built.run.assert_failure();
    built.run.assert_contains("source `member-a` cannot be imported");
}

#[test]
fn redirects_are_followed_only_within_the_scheme() {
    let fed = Federation::new();
    let config = fs::read_to_string(fed.hub.content().join("site.yaml")).unwrap();
    let moved = config.replace(&fed.server.url("b/feed/"), &fed.server.url("same/b/feed/"));
    fed.hub.write("site.yaml", &moved);
    fed.build("out", &[]).assert_success();
    let other_scheme = config.replace(&fed.server.url("b/feed/"), &fed.server.url("https/b/feed/"));
    fed.hub.write("site.yaml", &other_scheme);
    // The cached copy of the first build stands in; the redirect is never followed.
    let built = fed.build("out", &[]);
    built.assert_success();
    built.run.assert_contains("redirected to another scheme");
    built.run.assert_contains("using its cached copy");
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let f = Fixture::with_pattern();
    f.write("site.yaml", "sources:\n  - name: far\n    url: http://feeds.example/feed/\n");
    let run = f.check();
    run.assert_failure();
    run.assert_contains("`http://feeds.example/feed/` is not a feed URL nearmiss fetches");
}
