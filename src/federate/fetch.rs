//! Gets a source's feed, untrusted: over HTTPS (plain HTTP on loopback only) or from disk, with
//! size limits, time-outs and redirects only within the same scheme; checks the manifest's
//! signature and every file's SHA-256; keeps the last verified copy in the cache.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::source::{allowed_url, host_of, is_loopback, Location, Source};
use crate::feed::format::{FileEntry, Manifest, FORMAT_VERSION, MANIFEST, PATTERNS, SIGNATURE, WRITEUPS};
use crate::feed::{self, sha256};

/// The largest manifest or signature read.
const MAX_SMALL_FILE: u64 = 1 << 20;
/// The largest file of records read (a feed of 50,000 writeups fits).
pub const MAX_RECORDS_FILE: u64 = 256 << 20;
/// How long one request may take, from connecting to the last byte.
const TIME_OUT: Duration = Duration::from_secs(60);
const MAX_REDIRECTS: usize = 5;

/// A feed whose manifest and files have been checked.
#[derive(Debug)]
pub struct Verified {
    pub manifest: Manifest,
    pub writeups: Vec<u8>,
    pub patterns: Vec<u8>,
}

/// The bytes of a feed as fetched, not yet checked.
struct Raw {
    manifest: Vec<u8>,
    signature: Option<Vec<u8>>,
    writeups: Vec<u8>,
    patterns: Vec<u8>,
}

/// Why a source gave no usable feed.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// It could not be reached or read: the cached copy may stand in.
    Unreachable(String),
    /// It answered with something that must not be imported: tampered, unsigned, malformed.
    Refused(String),
}

/// Where the feed came from.
#[derive(Debug)]
pub enum Provenance {
    Fresh,
    /// The cached copy, with why the source itself was not used.
    Cached(Option<String>),
}

/// The source's verified feed: fetched (and cached) unless `offline`, else from the cache; when
/// the source cannot be reached, the cached copy with the reason. A refused feed never falls
/// back: the copy it would replace may be what an attacker wants kept.
pub fn obtain(source: &Source, cache: &Path, offline: bool) -> Result<(Verified, Provenance), Failure> {
    let dir = cache.join(&source.name);
    if offline {
        return from_cache(source, &dir, None);
    }
    match fetch(source).and_then(|raw| verify(source, &raw).map(|m| (m, raw)).map_err(Failure::Refused)) {
        Ok((manifest, raw)) => {
            store(&dir, &raw).map_err(|e| Failure::Unreachable(format!("cannot write the cache: {e}")))?;
            Ok((Verified { manifest, writeups: raw.writeups, patterns: raw.patterns }, Provenance::Fresh))
        }
        Err(Failure::Unreachable(why)) => from_cache(source, &dir, Some(why)),
        Err(refused) => Err(refused),
    }
}

fn from_cache(source: &Source, dir: &Path, why: Option<String>) -> Result<(Verified, Provenance), Failure> {
    let read = |name: &str| -> Result<Option<Vec<u8>>, String> {
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    };
    let missing = || match &why {
        Some(why) => Failure::Unreachable(format!("{why}, and there is no cached copy")),
        None => Failure::Unreachable("there is no cached copy to build from offline; build once online".into()),
    };
    let (Ok(Some(manifest)), Ok(Some(writeups)), Ok(Some(patterns))) = (read(MANIFEST), read(WRITEUPS), read(PATTERNS))
    else {
        return Err(missing());
    };
    let raw = Raw { manifest, signature: read(SIGNATURE).ok().flatten(), writeups, patterns };
    let manifest = verify(source, &raw).map_err(|e| Failure::Refused(format!("the cached copy: {e}")))?;
    Ok((Verified { manifest, writeups: raw.writeups, patterns: raw.patterns }, Provenance::Cached(why)))
}

/// Replaces the source's cached copy with `raw`, whole or not at all.
fn store(dir: &Path, raw: &Raw) -> io::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = parent.join(format!(".{name}.new"));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    fs::write(staging.join(MANIFEST), &raw.manifest)?;
    if let Some(signature) = &raw.signature {
        fs::write(staging.join(SIGNATURE), signature)?;
    }
    fs::write(staging.join(WRITEUPS), &raw.writeups)?;
    fs::write(staging.join(PATTERNS), &raw.patterns)?;
    let old = parent.join(format!(".{name}.old"));
    let _ = fs::remove_dir_all(&old);
    if dir.exists() {
        fs::rename(dir, &old)?;
    }
    fs::rename(&staging, dir)?;
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Checks what was fetched: the manifest's signature and format, then each records file's
/// size and SHA-256 against the manifest, which it returns.
fn verify(source: &Source, raw: &Raw) -> Result<Manifest, String> {
    if let Some(key) = &source.public_key {
        let Some(signature) = &raw.signature else {
            return Err(format!("the feed is not signed ({SIGNATURE} is missing), but the source has a public_key"));
        };
        let signature = std::str::from_utf8(signature).map_err(|_| format!("{SIGNATURE} is not text"))?;
        feed::verify(&raw.manifest, signature, key).map_err(|e| format!("bad signature of {MANIFEST}: {e}"))?;
    }
    let manifest = parse_manifest(&raw.manifest)?;
    for (name, bytes) in [(WRITEUPS, &raw.writeups), (PATTERNS, &raw.patterns)] {
        let entry = entry(&manifest, name)?;
        if entry.bytes != bytes.len() as u64 || entry.sha256 != sha256(bytes) {
            return Err(format!("{name} does not match the SHA-256 in {MANIFEST}: it was changed after publishing"));
        }
    }
    Ok(manifest)
}

/// The manifest, if it is one of a feed format this nearmiss reads.
fn parse_manifest(bytes: &[u8]) -> Result<Manifest, String> {
    let manifest: Manifest =
        serde_json::from_slice(bytes).map_err(|e| format!("{MANIFEST} is not a nearmiss feed manifest: {e}"))?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(format!(
            "feed format version {} is not one this nearmiss reads ({FORMAT_VERSION}); upgrade nearmiss",
            manifest.format_version
        ));
    }
    Ok(manifest)
}

/// The manifest's entry for the records file `name`, no larger than a records file may be.
fn entry<'m>(manifest: &'m Manifest, name: &str) -> Result<&'m FileEntry, String> {
    let entry = manifest.files.iter().find(|f| f.path == name).ok_or(format!("{MANIFEST} does not list {name}"))?;
    if entry.bytes > MAX_RECORDS_FILE {
        return Err(format!("{name} is {} bytes, more than the {MAX_RECORDS_FILE} nearmiss reads", entry.bytes));
    }
    Ok(entry)
}

/// Fetches the manifest (and its signature when the source must be signed), then the records
/// files, no larger than the manifest says: a feed that cannot be reached is
/// [`Failure::Unreachable`]; one whose manifest cannot be read, or whose files are larger than
/// it says, is [`Failure::Refused`].
fn fetch(source: &Source) -> Result<Raw, Failure> {
    let get = |name: &str, limit: u64| -> Result<Option<Vec<u8>>, Failure> {
        get(&source.location, name, limit).map_err(|e| match e {
            Fetch::TooLarge(why) => Failure::Refused(why),
            Fetch::Failed(why) => Failure::Unreachable(why),
        })
    };
    let needed = |name: &str, limit: u64| -> Result<Vec<u8>, Failure> {
        get(name, limit)?.ok_or_else(|| Failure::Unreachable(format!("{} is not there", source.location.display(name))))
    };
    let manifest = needed(MANIFEST, MAX_SMALL_FILE)?;
    // A missing signature is refused when the feed is verified, naming what is missing.
    let signature = match source.public_key {
        Some(_) => get(SIGNATURE, MAX_SMALL_FILE)?,
        None => None,
    };
    let parsed = parse_manifest(&manifest).map_err(Failure::Refused)?;
    let limit = |name: &str| entry(&parsed, name).map(|e| e.bytes).map_err(Failure::Refused);
    let writeups = needed(WRITEUPS, limit(WRITEUPS)?)?;
    let patterns = needed(PATTERNS, limit(PATTERNS)?)?;
    Ok(Raw { manifest, signature, writeups, patterns })
}

/// Why a file could not be fetched.
enum Fetch {
    /// Larger than it may be: refused.
    TooLarge(String),
    /// Unreachable, unreadable, or an HTTP error.
    Failed(String),
}

/// The file `name` of the feed at `location`, at most `limit` bytes; `None` when it is not there.
fn get(location: &Location, name: &str, limit: u64) -> Result<Option<Vec<u8>>, Fetch> {
    match location {
        Location::Path(dir) => read_file(&dir.join(name), limit),
        Location::Url(base) => http_get(&format!("{base}{name}"), limit),
    }
}

fn read_file(path: &PathBuf, limit: u64) -> Result<Option<Vec<u8>>, Fetch> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Fetch::Failed(format!("{}: {e}", path.display()))),
    };
    if meta.len() > limit {
        return Err(Fetch::TooLarge(format!("{} is larger than {limit} bytes", path.display())));
    }
    fs::read(path).map(Some).map_err(|e| Fetch::Failed(format!("{}: {e}", path.display())))
}

/// GET `url`, following at most a few redirects, none of which may change the scheme or leave
/// the URLs nearmiss fetches.
fn http_get(url: &str, limit: u64) -> Result<Option<Vec<u8>>, Fetch> {
    let failed = |why: String| Fetch::Failed(why);
    let mut url = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        if !allowed_url(&url) {
            return Err(failed(format!("{url}: only https:// (or http:// on 127.0.0.1) is fetched")));
        }
        let loopback = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")).map(host_of);
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(TIME_OUT))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(format!("nearmiss/{}", env!("CARGO_PKG_VERSION")));
        if loopback.is_some_and(is_loopback) {
            config = config.proxy(None);
        }
        let agent: ureq::Agent = config.build().into();
        let mut response = agent.get(&url).call().map_err(|e| failed(format!("{url}: {e}")))?;
        let status = response.status().as_u16();
        match status {
            200 => {
                return match response.body_mut().with_config().limit(limit).read_to_vec() {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(ureq::Error::BodyExceedsLimit(_)) => {
                        Err(Fetch::TooLarge(format!("{url} is larger than {limit} bytes")))
                    }
                    Err(e) => Err(failed(format!("{url}: {e}"))),
                }
            }
            404 | 410 => return Ok(None),
            301 | 302 | 303 | 307 | 308 => {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| failed(format!("{url}: a redirect without a Location")))?;
                let next = join(&url, location);
                if scheme(&next) != scheme(&url) {
                    return Err(failed(format!("{url}: redirected to another scheme ({next}); refused")));
                }
                url = next;
            }
            _ => return Err(failed(format!("{url}: HTTP {status}"))),
        }
    }
    Err(failed(format!("{url}: more than {MAX_REDIRECTS} redirects")))
}

fn scheme(url: &str) -> &str {
    url.split("://").next().unwrap_or("")
}

/// `location` (absolute, scheme-relative, root-relative or relative) resolved against `base`.
fn join(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let scheme = scheme(base);
    let rest = &base[scheme.len() + 3..];
    let origin_end = rest.find('/').unwrap_or(rest.len());
    if let Some(path) = location.strip_prefix("//") {
        return format!("{scheme}://{path}");
    }
    if location.starts_with('/') {
        return format!("{scheme}://{}{location}", &rest[..origin_end]);
    }
    let dir = &base[..base.rfind('/').map_or(base.len(), |i| i + 1)];
    format!("{dir}{location}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_resolve_against_the_url() {
        let base = "https://a.example/kb/feed/manifest.json";
        assert_eq!(join(base, "https://b.example/x"), "https://b.example/x");
        assert_eq!(join(base, "//c.example/y"), "https://c.example/y");
        assert_eq!(join(base, "/feed/manifest.json"), "https://a.example/feed/manifest.json");
        assert_eq!(join(base, "other.json"), "https://a.example/kb/feed/other.json");
    }

    /// A published (empty) feed in a folder, and a source reading it.
    fn feed_on_disk() -> (tempfile::TempDir, Source) {
        let dir = tempfile::tempdir().unwrap();
        for (path, bytes) in feed::publish(feed::Contents::empty(), None).unwrap() {
            let target = dir.path().join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
        let source = Source {
            name: "member".into(),
            location: Location::Path(dir.path().join("feed")),
            public_key: None,
            max_tlp: crate::model::Tlp::Clear,
            patterns: vec![],
            span: Default::default(),
        };
        (dir, source)
    }

    #[test]
    fn a_feed_is_cached_and_its_copy_stands_in_when_it_is_gone() {
        let (dir, source) = feed_on_disk();
        let cache = tempfile::tempdir().unwrap();
        assert!(matches!(obtain(&source, cache.path(), false), Ok((_, Provenance::Fresh))));
        assert!(cache.path().join("member/manifest.json").is_file());
        assert!(matches!(obtain(&source, cache.path(), true), Ok((_, Provenance::Cached(None)))));
        fs::remove_dir_all(dir.path().join("feed")).unwrap();
        let Ok((_, Provenance::Cached(Some(why)))) = obtain(&source, cache.path(), false) else {
            panic!("the cached copy should stand in");
        };
        assert!(why.contains("manifest.json is not there"), "{why}");
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(obtain(&source, empty.path(), false), Err(Failure::Unreachable(_))));
    }

    #[test]
    fn untrusted_manifests_are_refused() {
        let (dir, source) = feed_on_disk();
        let cache = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("feed/manifest.json");
        let original = fs::read_to_string(&manifest).unwrap();
        let refused = |text: &str| {
            fs::write(&manifest, text).unwrap();
            match obtain(&source, cache.path(), false) {
                Err(Failure::Refused(why)) => why,
                other => panic!("{other:?}"),
            }
        };
        let why = refused(&original.replace("\"format_version\": 1", "\"format_version\": 2"));
        assert!(why.contains("feed format version 2"), "{why}");
        let why = refused(&format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)));
        assert!(why.contains("is not a nearmiss feed manifest"), "{why}");
        let why = refused(&original.replace("\"path\": \"writeups.json\"", "\"path\": \"../writeups.json\""));
        assert!(why.contains("does not list writeups.json"), "{why}");
        let bigger = original.replacen("\"bytes\": ", "\"bytes\": 999999999999", 1);
        assert!(refused(&bigger).contains("more than the"), "a file announced too large is refused");
        // Files larger than the manifest says are not read in full.
        let records = dir.path().join("feed/patterns.json");
        fs::write(&manifest, &original).unwrap();
        let text = fs::read_to_string(&records).unwrap();
        fs::write(&records, format!("{text} ")).unwrap();
        assert!(
            matches!(obtain(&source, cache.path(), false), Err(Failure::Refused(why)) if why.contains("larger than"))
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        fs::write(&path, vec![b' '; 100]).unwrap();
        assert!(matches!(read_file(&path, 99), Err(Fetch::TooLarge(why)) if why.contains("larger than 99 bytes")));
        assert_eq!(read_file(&path, 100).ok().flatten().map(|b| b.len()), Some(100));
        assert!(matches!(read_file(&dir.path().join("none"), 1), Ok(None)));
    }
}
