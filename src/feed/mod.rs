//! The site's feed (`feed/`), which other knowledge bases import: a manifest naming the
//! publisher and the SHA-256 of every file, the published writeups with their gated bodies,
//! the patterns, and the schemas. Optionally signed with minisign. See `FORMAT.md`.

pub mod format;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use sha2::{Digest, Sha256};

use crate::export::{pretty_json, Made, Stream};
use crate::model::{Keyword, Pattern, SourceError, Writeup};
use format::{
    Counts, FileEntry, Manifest, PatternRecord, PatternsFile, Publisher, WriteupFields, WriteupRecord, FORMAT_VERSION,
    MANIFEST, PATTERNS, SIGNATURE, WRITEUPS,
};

/// The folder of the site the feed is written to.
pub const DIR: &str = "feed";

/// The environment variable that holds the minisign secret key the feed is signed with.
pub const KEY_VARIABLE: &str = "NEARMISS_FEED_KEY";

/// The JSON Schemas of the feed's files, by file name under `feed/schemas/`.
pub const SCHEMAS: [(&str, &str); 3] = [
    ("manifest.schema.json", include_str!("schemas/manifest.schema.json")),
    ("writeups.schema.json", include_str!("schemas/writeups.schema.json")),
    ("patterns.schema.json", include_str!("schemas/patterns.schema.json")),
];

/// Why a feed could not be made, or a key read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("{KEY_VARIABLE} does not hold a usable minisign secret key ({0}); make one with `nearmiss keygen`")]
    BadKey(String),
    #[error("could not sign the feed: {0}")]
    Sign(String),
    #[error("could not write the feed: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// An unencrypted minisign secret key, as `nearmiss keygen` writes it.
pub struct SigningKey(minisign::SecretKey);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    /// Reads the two-line minisign secret key box (`untrusted comment: …` and the key).
    pub fn parse(text: &str) -> Result<SigningKey, FeedError> {
        let text = text.trim().replace("\\n", "\n");
        minisign::SecretKeyBox::from_string(&text)
            .and_then(|b| b.into_unencrypted_secret_key())
            .map(SigningKey)
            .map_err(|e| FeedError::BadKey(e.to_string()))
    }
}

/// A new key pair for signing a feed: the secret key box and the public key (one base64 line).
pub fn keygen() -> Result<(String, String), FeedError> {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().map_err(|e| FeedError::Sign(e.to_string()))?;
    let secret =
        pair.sk.to_box(Some("nearmiss feed secret key")).map_err(|e| FeedError::Sign(e.to_string()))?.into_string();
    Ok((secret, pair.pk.to_base64()))
}

/// The path from the site root of every file of the feed, with the signature when `signed`.
pub fn paths(signed: bool) -> Vec<String> {
    let mut names = vec![MANIFEST.to_string(), WRITEUPS.into(), PATTERNS.into()];
    names.extend(SCHEMAS.iter().map(|(name, _)| format!("schemas/{name}")));
    if signed {
        names.push(SIGNATURE.into());
    }
    names.into_iter().map(|name| format!("{DIR}/{name}")).collect()
}

/// The feed's files by path from the site root (`feed/…`).
pub type Files = BTreeMap<String, Vec<u8>>;

/// What goes into the feed: the site's own published writeups and its own patterns, each with
/// its body as it stands outside the site (links resolved). A writeup's body is made by `body`
/// as its record is written, so that the feed never holds every body at once.
pub struct Contents<'a> {
    pub publisher: Option<Publisher>,
    pub writeups: Vec<&'a Writeup>,
    pub body: &'a dyn Fn(&Writeup) -> Result<String, SourceError>,
    pub patterns: Vec<(&'a Pattern, String)>,
}

#[cfg(test)]
impl Contents<'static> {
    /// A feed of nothing: no publisher, writeups or patterns.
    pub(crate) fn empty() -> Contents<'static> {
        fn as_written(w: &Writeup) -> Result<String, SourceError> {
            Ok(w.body.markdown()?.into_owned())
        }
        Contents { publisher: None, writeups: vec![], body: &as_written, patterns: vec![] }
    }
}

impl From<FeedError> for crate::Error {
    fn from(e: FeedError) -> crate::Error {
        crate::Error::Feed(e.to_string())
    }
}

/// What writes one file of the feed to the writer it is given.
pub type Fill<'f> = dyn FnMut(&mut dyn Write) -> Result<(), FeedError> + 'f;

/// Makes every file of the feed; records are sorted by id and slug, so the bytes depend on the
/// content alone. With `key`, the manifest is signed.
pub fn publish(contents: Contents<'_>, key: Option<&SigningKey>) -> Result<Files, FeedError> {
    let mut files = Files::new();
    publish_to(contents, key, &mut |path, fill| {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        files.insert(path.to_string(), bytes);
        Ok::<(), FeedError>(())
    })?;
    Ok(files)
}

/// Like [`publish`], but hands each file to `sink` (its path from the site root and what writes
/// it) to be written where it goes as it is made: the records first, then the manifest with
/// their sizes and hashes, taken as they were written, and its signature.
pub fn publish_to<E: From<FeedError>>(
    contents: Contents<'_>,
    key: Option<&SigningKey>,
    sink: &mut dyn FnMut(&str, &mut Fill<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut writeups = contents.writeups;
    writeups.sort_by(|a, b| a.id.cmp(&b.id));
    let mut patterns = contents.patterns;
    patterns.sort_by(|a, b| a.0.slug.cmp(&b.0.slug));
    let mut tlp: BTreeMap<String, usize> = BTreeMap::new();
    for w in &writeups {
        *tlp.entry(w.tlp.as_str().to_string()).or_default() += 1;
    }
    let counts = Counts { writeups: writeups.len(), patterns: patterns.len(), tlp };

    let mut entries: Vec<FileEntry> = Vec::new();
    let mut hashed = |name: &str, sink: &mut dyn FnMut(&str, &mut Fill<'_>) -> Result<(), E>, write: &mut Fill<'_>| {
        sink(&format!("{DIR}/{name}"), &mut |out| {
            let mut tee = Hashing { inner: out, hash: Sha256::new(), bytes: 0 };
            write(&mut tee)?;
            entries.push(FileEntry { path: name.into(), bytes: tee.bytes, sha256: hex(&tee.hash.finalize()) });
            Ok(())
        })
    };
    let body = contents.body;
    let records =
        writeups.iter().map(|w| Made(body(w).map(|body| WriteupRecord { fields: WriteupFields::of(w), body })));
    let records = Streamed { schema: "schemas/writeups.schema.json", writeups: Stream::new(records) };
    hashed(WRITEUPS, sink, &mut |out| Ok(pretty_json(out, &records)?))?;
    let records = PatternsFile {
        schema: "schemas/patterns.schema.json".into(),
        patterns: patterns.into_iter().map(|(p, body)| PatternRecord::of(p, body)).collect(),
    };
    hashed(PATTERNS, sink, &mut |out| Ok(pretty_json(out, &records)?))?;
    for (name, text) in SCHEMAS {
        hashed(&format!("schemas/{name}"), sink, &mut |out| out.write_all(text.as_bytes()).map_err(io_error))?;
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        schema: "schemas/manifest.schema.json".into(),
        format_version: FORMAT_VERSION,
        generator: format!("nearmiss {}", env!("CARGO_PKG_VERSION")),
        org: contents.publisher,
        records: counts,
        files: entries,
    };
    let mut manifest_bytes = Vec::new();
    pretty_json(&mut manifest_bytes, &manifest).map_err(FeedError::from)?;
    if let Some(key) = key {
        let who = manifest.org.as_ref().map_or("an unnamed publisher", |o| o.id.as_str());
        let signature = minisign::sign(
            None,
            &key.0,
            Cursor::new(&manifest_bytes),
            Some(&format!("nearmiss feed manifest of {who}")),
            Some("signature of feed/manifest.json by nearmiss"),
        )
        .map_err(|e| FeedError::Sign(e.to_string()))?
        .into_string();
        sink(&format!("{DIR}/{SIGNATURE}"), &mut |out| out.write_all(signature.as_bytes()).map_err(io_error))?;
    }
    sink(&format!("{DIR}/{MANIFEST}"), &mut |out| out.write_all(&manifest_bytes).map_err(io_error))
}

/// `feed/writeups.json` as [`WriteupsFile`] writes it, its records made as they are written.
#[derive(serde::Serialize)]
struct Streamed<I> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    writeups: I,
}

/// A writer that passes bytes on, counting and hashing those written.
struct Hashing<'w> {
    inner: &'w mut dyn Write,
    hash: Sha256,
    bytes: u64,
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn io_error(e: std::io::Error) -> FeedError {
    FeedError::Json(serde_json::Error::io(e))
}

/// SHA-256 of `bytes` in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the minisign `signature` of `manifest` against `public_key` (the base64 line).
pub fn verify(manifest: &[u8], signature: &str, public_key: &str) -> Result<(), String> {
    let key = minisign::PublicKey::from_base64(public_key.trim()).map_err(|e| format!("bad public key: {e}"))?;
    let signature = minisign::SignatureBox::from_string(signature).map_err(|e| format!("unreadable signature: {e}"))?;
    minisign::verify(&key, &signature, Cursor::new(manifest), true, false, false).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_signed_manifest_verifies_only_with_its_key_and_bytes() {
        let (secret, public) = keygen().unwrap();
        let (_, other) = keygen().unwrap();
        let key = SigningKey::parse(&secret).unwrap();
        let files = publish(Contents::empty(), Some(&key)).unwrap();
        let manifest = &files["feed/manifest.json"];
        let signature = String::from_utf8(files["feed/manifest.json.minisig"].clone()).unwrap();
        assert_eq!(verify(manifest, &signature, &public), Ok(()));
        assert!(verify(manifest, &signature, &other).is_err());
        let mut tampered = manifest.clone();
        tampered[3] ^= 1;
        assert!(verify(&tampered, &signature, &public).is_err());
    }

    #[test]
    fn the_manifest_lists_every_other_file_with_its_hash() {
        let files = publish(Contents::empty(), None).unwrap();
        let manifest: Manifest = serde_json::from_slice(&files["feed/manifest.json"]).unwrap();
        let listed: Vec<String> = manifest.files.iter().map(|f| format!("feed/{}", f.path)).collect();
        let others: Vec<&String> = files.keys().filter(|p| !p.ends_with("manifest.json")).collect();
        assert_eq!(listed.iter().collect::<Vec<_>>(), others);
        for f in &manifest.files {
            assert_eq!(f.sha256, sha256(&files[&format!("feed/{}", f.path)]));
        }
        assert!(!files.contains_key("feed/manifest.json.minisig"));
    }

    #[test]
    fn paths_are_the_files_published() {
        let (secret, _) = keygen().unwrap();
        let key = SigningKey::parse(&secret).unwrap();
        for signing in [None, Some(&key)] {
            let files = publish(Contents::empty(), signing).unwrap();
            let mut expected = paths(signing.is_some());
            expected.sort();
            assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn a_key_passed_with_escaped_newlines_is_read() {
        let (secret, _) = keygen().unwrap();
        assert!(SigningKey::parse(&secret.replace('\n', "\\n")).is_ok());
        assert!(matches!(SigningKey::parse("nonsense"), Err(FeedError::BadKey(_))));
    }

    #[test]
    fn schemas_are_json_schemas() {
        for (name, text) in SCHEMAS {
            let schema: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        }
    }
}
