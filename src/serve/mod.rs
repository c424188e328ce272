//! `nearmiss serve`: builds the site in memory, serves it on 127.0.0.1 under its sub-path,
//! rebuilds when content, theme or config change, and reloads the open pages. A failed
//! rebuild keeps the last good site and shows its (masked) problems over every page. A new
//! site is served before its search index is made: see [`index_in_background`].

pub mod http;

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc::{self, TrySendError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::load::ContentSource;
use crate::render::{escape, Site};
use crate::site::{self, Cache, Options};
use crate::Error;

/// The path the live-reload events are served at, outside any site's sub-path.
const EVENTS: &str = "/__nearmiss/events";
/// The path of the live-reload script, a file so that the pages' policy allows no inline script.
const RELOAD: &str = "/__nearmiss/reload.js";

pub use crate::render::policy::CONTENT_SECURITY_POLICY;

/// The threads that answer requests, and how many accepted connections may wait for one; more
/// are answered `503` at once and closed.
const WORKERS: usize = 16;
const QUEUE: usize = 48;
/// The most pages kept up to date over live-reload streams at once.
const MAX_STREAMS: usize = 256;
/// How long a client may take to send its request, and to take each part of the answer.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
const STREAM_WRITE_TIMEOUT: Duration = Duration::from_secs(1);

/// The live-reload script: on a new version it fetches the page again and swaps its body in
/// (keeping the scroll position), or reloads it when the theme's assets changed or the page
/// runs scripts of its own.
const RELOAD_JS: &str =
    "(function(){var v=document.currentScript.dataset.version,s=new EventSource(\"/__nearmiss/events\");\
function reload(){s.close();location.reload();}\
s.onmessage=function(e){if(e.data===v)return;var assets=e.data.split(\" \")[1]!==v.split(\" \")[1];v=e.data;\
if(assets||document.scripts.length>1)return reload();var at=v;\
fetch(location.href,{cache:\"no-store\"}).then(function(r){return r.text();}).then(function(t){\
if(at!==v)return;var d=new DOMParser().parseFromString(t,\"text/html\"),n=d.body.querySelectorAll(\"script\");\
if(n.length>1)return reload();n.forEach(function(x){x.remove();});\
document.title=d.title;document.body.replaceWith(d.body);}).catch(reload);};})();\n";

/// How long to wait for more file events before rebuilding, so one save is one rebuild.
const SETTLE: Duration = Duration::from_millis(15);

/// Pages already rendered from one site, by path.
type Rendered = Mutex<HashMap<String, Arc<Vec<u8>>>>;

/// What is being served now.
struct Snapshot {
    /// The last good site (none until a build succeeds), and its pages rendered so far.
    site: Option<(Arc<Site>, Arc<Rendered>)>,
    /// The report of the last failed rebuild, shown over the last good site.
    problems: Option<String>,
    generation: u64,
}

impl Snapshot {
    /// What the open pages compare against: the generation, then the theme assets' fingerprint.
    fn version(&self) -> String {
        let assets = self.site.as_ref().map_or(0, |(site, _)| site.assets_fingerprint());
        format!("{} {assets:x}", self.generation)
    }
}

/// The served state, shared by the watcher and the request threads.
struct Preview {
    snapshot: Mutex<Snapshot>,
    changed: Condvar,
    base_path: String,
}

impl Preview {
    fn lock(&self) -> MutexGuard<'_, Snapshot> {
        self.snapshot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The pages rendered so far of `site`, if it is the one served.
    fn rendered_of(&self, site: &Arc<Site>) -> Option<Arc<Rendered>> {
        match &self.lock().site {
            Some((current, rendered)) if Arc::ptr_eq(current, site) => Some(Arc::clone(rendered)),
            _ => None,
        }
    }

    /// Runs the pipeline, prints its report, and publishes the result (or the problems).
    fn rebuild(&self, opts: &Options, cache: &mut Cache) {
        let started = Instant::now();
        let result = site::run_cached(opts, cache);
        let mut snapshot = self.lock();
        match result {
            Ok(outcome) => {
                eprint!("{}", outcome.report());
                match outcome.site {
                    Some(mut site) => {
                        if let Some((last, _)) = &snapshot.site {
                            site.follow(last);
                        }
                        snapshot.site = Some((Arc::new(site), Arc::default()));
                        snapshot.problems = None;
                        let stages: Vec<String> =
                            outcome.timings.iter().map(|(stage, t)| format!("{stage} {}", t.as_millis())).collect();
                        eprintln!("rebuilt in {} ms ({})", started.elapsed().as_millis(), stages.join(", "));
                    }
                    None => {
                        snapshot.problems = Some(outcome.report());
                        eprintln!("still serving the last good site");
                    }
                }
            }
            Err(e) => {
                eprintln!("error: {}", crate::diagnostic::printable(&e.to_string()));
                snapshot.problems = Some(format!("error: {e}\n"));
            }
        }
        snapshot.generation += 1;
        self.changed.notify_all();
    }
}

/// Serves `opts`' site on `127.0.0.1:port` (0 picks a free port) until the process ends;
/// `ready` gets the URL once the first build is served.
pub fn serve(mut opts: Options, port: u16, ready: impl FnOnce(&str)) -> Result<(), Error> {
    let config = site::read_config(&opts.content, opts.config.as_deref())?;
    let base_path = config.base_path().to_string();
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| Error::Serve(format!("port {port}: {e}")))?;
    let port = listener.local_addr().map_err(|e| Error::Serve(e.to_string()))?.port();
    let url = format!("http://127.0.0.1:{port}{base_path}");
    opts.base_url = Some(url.clone());

    let preview = Arc::new(Preview {
        snapshot: Mutex::new(Snapshot { site: None, problems: None, generation: 0 }),
        changed: Condvar::new(),
        base_path,
    });
    let mut cache = Cache::keeping();
    preview.rebuild(&opts, &mut cache);
    index_in_background(Arc::clone(&preview));
    let _watcher = watch(&opts, Arc::clone(&preview), cache)?;

    let streams = Streams::start(Arc::clone(&preview));
    let (queue, waiting) = mpsc::sync_channel::<(TcpStream, Instant)>(QUEUE);
    let waiting = Arc::new(Mutex::new(waiting));
    for _ in 0..WORKERS {
        let (preview, waiting, streams) = (Arc::clone(&preview), Arc::clone(&waiting), streams.clone());
        thread::Builder::new()
            .name("serve-worker".into())
            .spawn(move || loop {
                // One worker at a time waits on the queue; the lock is released before serving.
                let next = waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
                let Ok((stream, accepted)) = next else { return };
                // The read time-out counts from the accept, so idle connections queued behind
                // others are dropped at once rather than each waiting its full time-out again.
                let left = READ_TIMEOUT.saturating_sub(accepted.elapsed()).max(Duration::from_millis(50));
                let _ = stream.set_read_timeout(Some(left));
                if let Err(e) = handle(stream, &preview, port, &streams) {
                    let quiet =
                        [ErrorKind::BrokenPipe, ErrorKind::ConnectionReset, ErrorKind::WouldBlock, ErrorKind::TimedOut];
                    if !quiet.contains(&e.kind()) {
                        eprintln!("serve: {e}");
                    }
                }
            })
            .map_err(|e| Error::Serve(format!("cannot start a worker thread: {e}")))?;
    }
    ready(&url);
    for stream in listener.incoming().flatten() {
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if let Err(TrySendError::Full((stream, _)) | TrySendError::Disconnected((stream, _))) =
            queue.try_send((stream, Instant::now()))
        {
            let _ = http::respond(&stream, "503 Service Unavailable", &[("Retry-After", "1")], b"busy\n", false);
        }
    }
    Ok(())
}

/// Watches the content, theme and config, rebuilding after each settled burst of changes.
fn watch(opts: &Options, preview: Arc<Preview>, mut cache: Cache) -> Result<Option<notify::RecommendedWatcher>, Error> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let ContentSource::Dir(dir) = &opts.content {
        roots.push(dir.clone());
    }
    roots.extend(opts.theme.clone());
    roots.extend(opts.static_dir());
    roots.extend(opts.config.clone());
    if roots.is_empty() {
        return Ok(None);
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = tx.send(());
        }
    })
    .map_err(|e| Error::Serve(format!("cannot watch files: {e}")))?;
    for root in &roots {
        watcher
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| Error::Serve(format!("cannot watch {}: {e}", root.display())))?;
    }
    let opts = opts.clone();
    thread::spawn(move || {
        while rx.recv().is_ok() {
            while rx.recv_timeout(SETTLE).is_ok() {}
            preview.rebuild(&opts, &mut cache);
        }
    });
    Ok(Some(watcher))
}

/// Makes each new site's search index as soon as it is served, on a thread of its own: until
/// then its writeup pages list the similar near misses the last site's index finds, so an edit
/// shows without waiting for the whole site to be indexed again. The pages rendered so far are
/// then rendered again and, if one came out otherwise, the open ones follow, as after a
/// rebuild; unless a file changed meanwhile (a page then cannot be rendered), since the
/// rebuild that starts will show it.
fn index_in_background(preview: Arc<Preview>) {
    thread::spawn(move || {
        run_after_the_others();
        loop {
            index_next(&preview);
        }
    });
}

/// Waits for a served site without its own search index, makes it, and tells the open pages
/// if a page rendered so far came out otherwise.
fn index_next(preview: &Preview) {
    let site = {
        let mut snapshot = preview.lock();
        loop {
            if let Some((site, _)) = snapshot.site.as_ref().filter(|(site, _)| !site.has_search_index()) {
                break Arc::clone(site);
            }
            snapshot = preview.changed.wait(snapshot).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    };
    if !site.make_search_index() {
        return;
    }
    let Some(rendered) = preview.rendered_of(&site) else { return };
    // Only pages list similar near misses: the other files are kept as they are.
    let kept = rendered.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    let mut changed = false;
    let again: Option<HashMap<String, Arc<Vec<u8>>>> = kept
        .into_iter()
        .map(|(path, bytes)| {
            if !path.ends_with(".html") {
                return Some((path, bytes));
            }
            let page = site.render(&path)?.ok()?;
            changed |= page != *bytes;
            Some((path, Arc::new(page)))
        })
        .collect();
    // Nothing to tell when the lists came out the same (most edits leave them so).
    let Some(again) = again.filter(|_| changed) else { return };
    let mut snapshot = preview.lock();
    if let Some((current, rendered)) = &mut snapshot.site {
        if Arc::ptr_eq(current, &site) {
            *rendered = Arc::new(Mutex::new(again));
            snapshot.generation += 1;
            preview.changed.notify_all();
        }
    }
}

/// Asks the system to give this thread, and the threads it starts, the processors only after
/// the others (the lowest priority): making the search index gives way to rebuilds and pages.
fn run_after_the_others() {
    #[cfg(target_os = "linux")]
    {
        // Linux keeps a nice value per thread; if it refuses, the index is made as before.
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
    }
}

fn handle(owned: TcpStream, preview: &Preview, port: u16, streams: &Streams) -> std::io::Result<()> {
    let stream = &owned;
    let request = match http::read_request(stream)? {
        Ok(request) => request,
        Err(bad) => {
            let (status, body) = bad.response();
            return http::respond(stream, status, &[], body, false);
        }
    };
    if request.host.as_deref().is_some_and(|host| !http::is_local_host(host, port)) {
        return http::respond(
            stream,
            "421 Misdirected Request",
            &[],
            b"this preview answers only to 127.0.0.1 and localhost\n",
            false,
        );
    }
    let head = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => return http::respond(stream, "405 Method Not Allowed", &[("Allow", "GET, HEAD")], b"", false),
    };
    if request.path == EVENTS {
        return streams.add(owned, preview);
    }
    if request.path == RELOAD {
        let kind = [("Content-Type", http::content_type(RELOAD)), ("Cache-Control", "no-store")];
        return http::respond(stream, "200 OK", &kind, RELOAD_JS.as_bytes(), head);
    }
    let Some(rel) = request.path.strip_prefix(&preview.base_path) else {
        if request.path == "/" {
            return http::respond(stream, "302 Found", &[("Location", &preview.base_path)], b"", head);
        }
        return http::respond(stream, "404 Not Found", &[], b"not under the site's base path\n", head);
    };
    let rel = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() };
    let (site, problems, version) = {
        let s = preview.lock();
        (s.site.clone(), s.problems.clone(), s.version())
    };
    let page = |path: &str| site.as_ref().and_then(|(site, rendered)| page(site, rendered, path));
    let (status, name, body) = match page(&rel) {
        Some(body) => ("200 OK", rel.as_str(), body),
        None => match page("404.html") {
            Some(body) => ("404 Not Found", "404.html", body),
            None => {
                let body = inject("<!doctype html><title>nearmiss</title><body></body>", &version, problems.as_deref());
                let headers = [("Content-Type", "text/html"), ("Content-Security-Policy", CONTENT_SECURITY_POLICY)];
                return http::respond(stream, "404 Not Found", &headers, body.as_bytes(), head);
            }
        },
    };
    let kind = http::content_type(name);
    let no_store = [("Content-Type", kind), ("Cache-Control", "no-store")];
    if name.ends_with(".html") {
        let page = inject(&String::from_utf8_lossy(&body), &version, problems.as_deref());
        let policy = crate::render::policy::of_page(name, &page);
        let headers = [no_store[0], no_store[1], ("Content-Security-Policy", &*policy)];
        http::respond(stream, status, &headers, page.as_bytes(), head)
    } else {
        http::respond(stream, status, &no_store, &body, head)
    }
}

/// The page at `path`, rendered once per site; a page that fails to render is logged and missing.
fn page(site: &Site, rendered: &Rendered, path: &str) -> Option<Arc<Vec<u8>>> {
    let lock = |r: &Rendered| r.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(path).cloned();
    if let Some(done) = lock(rendered) {
        return Some(done);
    }
    let bytes = match site.render(path)? {
        Ok(bytes) => Arc::new(bytes),
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return None;
        }
    };
    rendered.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(path.to_string(), Arc::clone(&bytes));
    Some(bytes)
}

/// Adds the live-reload script (see [`RELOAD_JS`]), and the problems of a failed rebuild, to a page.
fn inject(page: &str, version: &str, problems: Option<&str>) -> String {
    let mut extra = format!("<script src=\"{RELOAD}\" data-version=\"{}\"></script>", escape(version));
    if let Some(report) = problems {
        extra.push_str(&format!(
            "<div id=\"nm-overlay\" role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;max-height:60vh;\
             overflow:auto;z-index:2147483647;background:#161616;color:#f4f4f4;border-top:4px solid #ff2b2b;\
             padding:1rem 1.25rem;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace\">\
             <strong>nearmiss: the last change does not build, so this is the last good version.</strong>\
             <pre style=\"white-space:pre-wrap;margin:.75rem 0 0\">{}</pre></div>",
            escape(report)
        ));
    }
    match page.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &page[..at], &page[at..]),
        None => format!("{page}{extra}"),
    }
}

/// The live-reload streams (server-sent events) of the open pages, kept by one thread so that
/// no worker waits on them: each gets the current version, then every new one, with keep-alives.
#[derive(Clone)]
struct Streams(Arc<Mutex<Vec<Stream>>>);

/// An open live-reload stream and the last generation it was sent.
struct Stream {
    stream: TcpStream,
    sent: u64,
}

impl Streams {
    /// Starts the thread that writes to the streams when the site changes, or every 15 s.
    fn start(preview: Arc<Preview>) -> Streams {
        let streams = Streams(Arc::default());
        let open = streams.clone();
        thread::spawn(move || loop {
            let (generation, version) = {
                let s = preview.lock();
                let (s, _) = preview
                    .changed
                    .wait_timeout(s, Duration::from_secs(15))
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                (s.generation, s.version())
            };
            open.send(generation, &version);
        });
        streams
    }

    /// Answers a request for the event stream and keeps it, or refuses it when too many are open.
    fn add(&self, stream: TcpStream, preview: &Preview) -> std::io::Result<()> {
        use std::io::Write;
        let mut streams = self.lock();
        if streams.len() >= MAX_STREAMS {
            return http::respond(&stream, "503 Service Unavailable", &[("Retry-After", "5")], b"busy\n", false);
        }
        (&stream).write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
              X-Content-Type-Options: nosniff\r\n\r\n",
        )?;
        let (generation, version) = {
            let s = preview.lock();
            (s.generation, s.version())
        };
        (&stream).write_all(format!("data: {version}\n\n").as_bytes())?;
        // A page that stops reading is dropped rather than holding up the others.
        stream.set_write_timeout(Some(STREAM_WRITE_TIMEOUT))?;
        streams.push(Stream { stream, sent: generation });
        Ok(())
    }

    /// Sends `version` to the streams that have not seen `generation` (a keep-alive to the
    /// others), and forgets those that fail.
    fn send(&self, generation: u64, version: &str) {
        use std::io::Write;
        let data = format!("data: {version}\n\n");
        self.lock().retain_mut(|open| {
            let message = if open.sent == generation { &b": keep-alive\n\n"[..] } else { data.as_bytes() };
            open.sent = generation;
            open.stream.write_all(message).and_then(|()| open.stream.flush()).is_ok()
        });
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Stream>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;

    /// A copy of the `learning` fixture, which has similar near misses, to edit.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/learning");
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten().filter(|e| e.file_type().is_file()) {
            let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(entry.path(), to).unwrap();
        }
        dir
    }

    /// Builds the content and serves it as [`Preview::rebuild`] does.
    fn rebuild(preview: &Preview, opts: &Options, cache: &mut Cache) -> u64 {
        preview.rebuild(opts, cache);
        let snapshot = preview.lock();
        assert!(snapshot.problems.is_none(), "{:?}", snapshot.problems);
        snapshot.generation
    }

    fn served(preview: &Preview, path: &str) -> Vec<u8> {
        let (site, rendered) = preview.lock().site.clone().unwrap();
        page(&site, &rendered, path).unwrap().to_vec()
    }

    #[test]
    fn the_open_pages_follow_the_new_index_only_where_a_page_changes() {
        let dir = fixture();
        let opts = Options::new(ContentSource::Dir(dir.path().to_path_buf()), "2026-12-31".parse().unwrap());
        let preview = Preview {
            snapshot: Mutex::new(Snapshot { site: None, problems: None, generation: 0 }),
            changed: Condvar::new(),
            base_path: "/".into(),
        };
        let mut cache = Cache::keeping();
        let page = "writeups/l-1.html";
        rebuild(&preview, &opts, &mut cache);
        index_next(&preview);
        let first = served(&preview, page);

        // L-1's body becomes L-3's: its similar near misses change once the new index is made.
        let text = |name: &str| fs::read_to_string(dir.path().join("writeups").join(name)).unwrap();
        let split = |t: &str| t.len() - t[3..].split_once("\n---\n").unwrap().1.len();
        let (l1, l3) = (text("l-1.md"), text("l-3.md"));
        fs::write(dir.path().join("writeups/l-1.md"), format!("{}{}", &l1[..split(&l1)], &l3[split(&l3)..])).unwrap();
        let generation = rebuild(&preview, &opts, &mut cache);
        let early = served(&preview, page);
        assert_ne!(early, first, "the new body is shown at once");
        index_next(&preview);
        assert_eq!(preview.lock().generation, generation + 1, "the open pages are told");
        let late = served(&preview, page);
        assert_ne!(late, early, "the similar near misses of the new index");
        let scratch = site::run(&opts).unwrap().site.unwrap().render(page).unwrap().unwrap();
        assert!(late == scratch, "the page a build from scratch renders");

        // A draft's edit leaves the published writeups, and so the lists, as they were.
        fs::write(dir.path().join("writeups/d-1.md"), text("d-1.md").replace("title: ", "title: Edited ")).unwrap();
        let generation = rebuild(&preview, &opts, &mut cache);
        served(&preview, page);
        index_next(&preview);
        assert_eq!(preview.lock().generation, generation, "nothing changed: nothing to tell");
    }

    #[test]
    fn pages_get_the_reload_script_and_the_problems_escaped() {
        let page = inject("<html><body><p>x</p></body></html>", "7 1f", Some("a.md:1:1: error: <b>bad</b>"));
        assert!(page.contains("<script src=\"/__nearmiss/reload.js\" data-version=\"7 1f\"></script>"));
        assert!(page.contains("&lt;b&gt;bad&lt;/b&gt;"));
        assert!(page.ends_with("</div></body></html>"));
        assert!(!inject("<body></body>", "1 0", None).contains("nm-overlay"));
    }
}
