//! The feed's wire format: the manifest and the records, as published and as read back.
//! Reading is strict (unknown fields refused), so a record is exactly what the schemas describe.

use serde::{Deserialize, Serialize};

use crate::model::{Keyword, Pattern, Writeup};

/// The version of the feed format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The manifest's file name inside `feed/`.
pub const MANIFEST: &str = "manifest.json";
/// The minisign signature of the manifest, when the site signs its feed.
pub const SIGNATURE: &str = "manifest.json.minisig";
/// The records' file names inside `feed/`.
pub const WRITEUPS: &str = "writeups.json";
pub const PATTERNS: &str = "patterns.json";

/// `feed/manifest.json`: what the feed is, who publishes it, and the SHA-256 of every file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "$schema")]
    pub schema: String,
    pub format_version: u32,
    pub generator: String,
    /// The publishing site's pseudonymous identity, when `site.yaml` gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Publisher>,
    pub records: Counts,
    pub files: Vec<FileEntry>,
}

/// A publisher's pseudonymous identity: a stable id and the label other sites show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub id: String,
    pub label: String,
}

/// How many records the feed holds, with the writeups counted by TLP level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub writeups: usize,
    pub patterns: usize,
    /// Writeups per TLP level (`clear`, `green`, …), levels with none left out.
    pub tlp: std::collections::BTreeMap<String, usize>,
}

/// One file of the feed with its size and SHA-256 (lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// `feed/writeups.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteupsFile {
    #[serde(rename = "$schema")]
    pub schema: String,
    pub writeups: Vec<WriteupRecord>,
}

/// `feed/patterns.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternsFile {
    #[serde(rename = "$schema")]
    pub schema: String,
    pub patterns: Vec<PatternRecord>,
}

/// A published writeup: its published front-matter fields and its gated markdown body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteupRecord {
    pub fields: WriteupFields,
    pub body: String,
}

/// The fields a writeup's page publishes, spelt as in front matter (`status` is always
/// `approved`, so it is left out). Dates are `YYYY-MM-DD`; words are the front matter's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteupFields {
    pub id: String,
    pub title: String,
    pub tlp: String,
    pub occurred: String,
    #[serde(default)]
    pub detected: Option<String>,
    pub reported: String,
    #[serde(default)]
    pub reviewed: Option<String>,
    /// The day the retrospective was held; left out when it was not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrospective: Option<String>,
    pub patterns: Vec<String>,
    pub severity: String,
    pub stopped_by: String,
    #[serde(default)]
    pub detection: Option<String>,
    #[serde(default)]
    pub impact_area: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub actions: Vec<ActionRecord>,
}

/// An action item: what, the owner role, the due date, `open` or `done` (with `closed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRecord {
    pub what: String,
    pub owner_role: String,
    pub due: String,
    pub status: String,
    #[serde(default)]
    pub closed: Option<String>,
    /// Why a `wont-do` item will not be done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A pattern: its slug, title, risk, early signals, controls and markdown body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternRecord {
    pub slug: String,
    pub title: String,
    pub risk: String,
    #[serde(default)]
    pub signals: Vec<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    /// The catalogue pattern it is, `catalog/<slug>`.
    #[serde(default)]
    pub same_as: Option<String>,
    pub body: String,
}

impl WriteupFields {
    /// The published fields of `w`.
    pub fn of(w: &Writeup) -> WriteupFields {
        WriteupFields {
            id: w.id.to_string(),
            title: w.title.clone(),
            tlp: w.tlp.as_str().into(),
            occurred: w.occurred.to_string(),
            detected: w.detected.map(|d| d.to_string()),
            reported: w.reported.to_string(),
            reviewed: w.reviewed.map(|d| d.to_string()),
            retrospective: w.retrospective.map(|d| d.to_string()),
            patterns: w.patterns.iter().map(|(p, _)| p.clone()).collect(),
            severity: w.severity.as_str().into(),
            stopped_by: w.stopped_by.as_str().into(),
            detection: w.detection.clone(),
            impact_area: w.impact_area.clone(),
            roles: w.roles.clone(),
            systems: w.systems.clone(),
            team: w.team.clone(),
            tags: w.tags.clone(),
            actions: w
                .actions
                .iter()
                .map(|a| ActionRecord {
                    what: a.what.clone(),
                    owner_role: a.owner_role.clone(),
                    due: a.due.to_string(),
                    status: a.state.word().into(),
                    closed: a.state.closed().map(|d| d.to_string()),
                    reason: a.state.reason().map(String::from),
                })
                .collect(),
        }
    }
}

impl PatternRecord {
    /// The record of `p`, with `body`.
    pub fn of(p: &Pattern, body: String) -> PatternRecord {
        PatternRecord {
            slug: p.slug.clone(),
            title: p.title.clone(),
            risk: p.risk.clone(),
            signals: p.signals.clone(),
            controls: p.controls.clone(),
            same_as: p.same_as.map(|e| e.reference()),
            body,
        }
    }
}
