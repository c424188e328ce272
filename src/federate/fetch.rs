//! Gets a source's feed, untrusted: over HTTPS (plain HTTP on loopback only) or from disk, with
//! size limits, time-outs and redirects only within the same scheme; checks the manifest's
//! signature and every file's SHA-256; keeps the last verified copy in the cache.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::source::{allowed_url, host_of, is_loopback, Location, Source};
use crate::feed::format::{Manifest, FORMAT_VERSION, MANIFEST, PATTERNS, SIGNATURE, WRITEUPS};
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
    let fetched = fetch(source).map_err(Failure::Unreachable);
    match fetched.and_then(|raw| verify(source, &raw).map(|v| (v, raw)).map_err(Failure::Refused)) {
        Ok((verified, raw)) => {
            store(&dir, &raw).map_err(|e| Failure::Unreachable(format!("cannot write the cache: {e}")))?;
            Ok((verified, Provenance::Fresh))
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
    let verified = verify(source, &raw).map_err(|e| Failure::Refused(format!("the cached copy: {e}")))?;
    Ok((verified, Provenance::Cached(why)))
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

/// Checks what was fetched: the manifest's format and signature, then each records file's
/// size and SHA-256 against the manifest.
fn verify(source: &Source, raw: &Raw) -> Result<Verified, String> {
    if let Some(key) = &source.public_key {
        let Some(signature) = &raw.signature else {
            return Err(format!("the feed is not signed ({SIGNATURE} is missing), but the source has a public_key"));
        };
        let signature = std::str::from_utf8(signature).map_err(|_| format!("{SIGNATURE} is not text"))?;
        feed::verify(&raw.manifest, signature, key).map_err(|e| format!("bad signature of {MANIFEST}: {e}"))?;
    }
    let manifest: Manifest = serde_json::from_slice(&raw.manifest)
        .map_err(|e| format!("{MANIFEST} is not a nearmiss feed manifest: {e}"))?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(format!(
            "feed format version {} is not one this nearmiss reads ({FORMAT_VERSION}); upgrade nearmiss",
            manifest.format_version
        ));
    }
    for (name, bytes) in [(WRITEUPS, &raw.writeups), (PATTERNS, &raw.patterns)] {
        let entry = manifest.files.iter().find(|f| f.path == name).ok_or(format!("{MANIFEST} does not list {name}"))?;
        if entry.bytes != bytes.len() as u64 || entry.sha256 != sha256(bytes) {
            return Err(format!("{name} does not match the SHA-256 in {MANIFEST}: it was changed after publishing"));
        }
    }
    Ok(Verified { manifest, writeups: raw.writeups.clone(), patterns: raw.patterns.clone() })
}

/// Fetches the manifest (and its signature when the source must be signed), then the records
/// files, no larger than the manifest says.
fn fetch(source: &Source) -> Result<Raw, String> {
    let get = |name: &str, limit: u64| -> Result<Vec<u8>, String> {
        get(&source.location, name, limit)?.ok_or_else(|| format!("{} is not there", source.location.display(name)))
    };
    let manifest = get(MANIFEST, MAX_SMALL_FILE)?;
    let signature = match source.public_key {
        Some(_) => self::get(&source.location, SIGNATURE, MAX_SMALL_FILE)?,
        None => None,
    };
    // The sizes the manifest announces bound the downloads; a manifest that cannot be read
    // is refused by `verify` later, so the records are only fetched when it can.
    let announced = |name: &str| -> u64 {
        serde_json::from_slice::<Manifest>(&manifest)
            .ok()
            .and_then(|m| m.files.into_iter().find(|f| f.path == name).map(|f| f.bytes))
            .unwrap_or(0)
            .min(MAX_RECORDS_FILE)
    };
    let writeups = get(WRITEUPS, announced(WRITEUPS))?;
    let patterns = get(PATTERNS, announced(PATTERNS))?;
    Ok(Raw { manifest, signature, writeups, patterns })
}

/// The file `name` of the feed at `location`, at most `limit` bytes; `None` when it is not there.
fn get(location: &Location, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
    match location {
        Location::Path(dir) => read_file(&dir.join(name), limit),
        Location::Url(base) => http_get(&format!("{base}{name}"), limit),
    }
}

fn read_file(path: &PathBuf, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    if meta.len() > limit {
        return Err(format!("{} is larger than {limit} bytes", path.display()));
    }
    fs::read(path).map(Some).map_err(|e| format!("{}: {e}", path.display()))
}

/// GET `url`, following at most a few redirects, none of which may change the scheme or leave
/// the URLs nearmiss fetches.
fn http_get(url: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let mut url = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        if !allowed_url(&url) {
            return Err(format!("{url}: only https:// (or http:// on 127.0.0.1) is fetched"));
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
        let mut response = agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        match status {
            200 => {
                return match response.body_mut().with_config().limit(limit).read_to_vec() {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(ureq::Error::BodyExceedsLimit(_)) => Err(format!("{url} is larger than {limit} bytes")),
                    Err(e) => Err(format!("{url}: {e}")),
                }
            }
            404 | 410 => return Ok(None),
            301 | 302 | 303 | 307 | 308 => {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or(format!("{url}: a redirect without a Location"))?;
                let next = join(&url, location);
                if scheme(&next) != scheme(&url) {
                    return Err(format!("{url}: redirected to another scheme ({next}); refused"));
                }
                url = next;
            }
            _ => return Err(format!("{url}: HTTP {status}")),
        }
    }
    Err(format!("{url}: more than {MAX_REDIRECTS} redirects"))
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

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        fs::write(&path, vec![b' '; 100]).unwrap();
        assert!(read_file(&path, 99).unwrap_err().contains("larger than 99 bytes"));
        assert_eq!(read_file(&path, 100).unwrap().map(|b| b.len()), Some(100));
        assert_eq!(read_file(&dir.path().join("none"), 1), Ok(None));
    }
}
