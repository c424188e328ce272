//! The site's feed (`feed/`), which other knowledge bases import: a manifest naming the
//! publisher and the SHA-256 of every file, the published writeups with their gated bodies,
//! the patterns, and the schemas. Optionally signed with minisign. See `FORMAT.md`.

pub mod format;

use std::collections::BTreeMap;
use std::io::Cursor;

use sha2::{Digest, Sha256};

use crate::model::{Keyword, Pattern, Writeup};
use format::{
    Counts, FileEntry, Manifest, PatternRecord, PatternsFile, Publisher, WriteupFields, WriteupRecord, WriteupsFile,
    FORMAT_VERSION, MANIFEST, PATTERNS, SIGNATURE, WRITEUPS,
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
/// its body as it stands outside the site (links resolved).
pub struct Contents<'a> {
    pub publisher: Option<Publisher>,
    pub writeups: Vec<(&'a Writeup, String)>,
    pub patterns: Vec<(&'a Pattern, String)>,
}

/// Makes every file of the feed; records are sorted by id and slug, so the bytes depend on the
/// content alone. With `key`, the manifest is signed.
pub fn publish(contents: Contents<'_>, key: Option<&SigningKey>) -> Result<Files, FeedError> {
    let mut writeups = contents.writeups;
    writeups.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let mut patterns = contents.patterns;
    patterns.sort_by(|a, b| a.0.slug.cmp(&b.0.slug));
    let mut tlp: BTreeMap<String, usize> = BTreeMap::new();
    for (w, _) in &writeups {
        *tlp.entry(w.tlp.as_str().to_string()).or_default() += 1;
    }
    let counts = Counts { writeups: writeups.len(), patterns: patterns.len(), tlp };

    let mut files = Files::new();
    let records = WriteupsFile {
        schema: "schemas/writeups.schema.json".into(),
        writeups: writeups.into_iter().map(|(w, body)| WriteupRecord { fields: WriteupFields::of(w), body }).collect(),
    };
    files.insert(WRITEUPS.into(), json(&records)?);
    drop(records);
    let records = PatternsFile {
        schema: "schemas/patterns.schema.json".into(),
        patterns: patterns.into_iter().map(|(p, body)| PatternRecord { body, ..PatternRecord::of(p) }).collect(),
    };
    files.insert(PATTERNS.into(), json(&records)?);
    for (name, text) in SCHEMAS {
        files.insert(format!("schemas/{name}"), text.as_bytes().to_vec());
    }
    let manifest = Manifest {
        schema: "schemas/manifest.schema.json".into(),
        format_version: FORMAT_VERSION,
        generator: format!("nearmiss {}", env!("CARGO_PKG_VERSION")),
        org: contents.publisher,
        records: counts,
        files: files
            .iter()
            .map(|(path, bytes)| FileEntry { path: path.clone(), bytes: bytes.len() as u64, sha256: sha256(bytes) })
            .collect(),
    };
    let manifest_bytes = json(&manifest)?;
    if let Some(key) = key {
        let who = manifest.org.as_ref().map_or("an unnamed publisher", |o| o.id.as_str());
        let signature = minisign::sign(
            None,
            &key.0,
            Cursor::new(&manifest_bytes),
            Some(&format!("nearmiss feed manifest of {who}")),
            Some("signature of feed/manifest.json by nearmiss"),
        )
        .map_err(|e| FeedError::Sign(e.to_string()))?;
        files.insert(SIGNATURE.into(), signature.into_string().into_bytes());
    }
    files.insert(MANIFEST.into(), manifest_bytes);
    Ok(files.into_iter().map(|(path, bytes)| (format!("{DIR}/{path}"), bytes)).collect())
}

/// SHA-256 of `bytes` in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn json(value: &impl serde::Serialize) -> Result<Vec<u8>, FeedError> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
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
        let contents = Contents { publisher: None, writeups: vec![], patterns: vec![] };
        let files = publish(contents, Some(&key)).unwrap();
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
        let files = publish(Contents { publisher: None, writeups: vec![], patterns: vec![] }, None).unwrap();
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
            let files = publish(Contents { publisher: None, writeups: vec![], patterns: vec![] }, signing).unwrap();
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
