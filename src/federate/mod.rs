//! Imports other knowledge bases' feeds (`sources:` in `site.yaml`): fetches and verifies each
//! feed ([`fetch`]), then treats every record as untrusted content of this site: validated,
//! gated under this site's rules and TLP limit, and namespaced by its source. A record that
//! fails is left out with a warning naming the source and the record, and leaves no trace.

pub mod fetch;
pub mod source;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::catalog;
use crate::date::Date;
use crate::diagnostic::{plural, Diagnostic, Diagnostics, Level};
use crate::feed::format::{PatternRecord, PatternsFile, WriteupRecord, WriteupsFile};
use crate::load::{self, Kind};
use crate::model::{Keyword, Member, Pattern, Status, Tlp, Writeup};
use crate::render::markdown;
use crate::scan::Scanner;
use crate::validate::{self, is_slug};
use fetch::{Failure, Provenance};
pub use source::Source;

/// Where the cached copies of the sources' feeds are kept, in the project folder.
pub const CACHE_DIR: &str = ".nearmiss/cache";

/// The most records taken from one source.
const MAX_RECORDS: usize = 200_000;
/// The longest org label shown.
const MAX_LABEL: usize = 64;
/// The longest markdown body of one record.
const MAX_BODY: usize = 1 << 20;

/// What importing needs from the site.
pub struct Settings<'a> {
    pub sources: &'a [Source],
    /// `site.yaml`, which diagnostics about sources point into.
    pub config_file: &'a Path,
    pub cache: PathBuf,
    pub offline: bool,
    pub today: Date,
    /// The site's own TLP limit; a source's `max_tlp` can only lower it.
    pub max_tlp: Tlp,
    /// The site's own patterns, which a source's patterns map to.
    pub own_patterns: &'a [Pattern],
    /// The site's own gate.
    pub scanner: &'a Scanner,
    pub strict_blameless: bool,
}

/// The records imported from every source, in the order of `sources:`.
#[derive(Debug, Default)]
pub struct Imported {
    pub writeups: Vec<Arc<Writeup>>,
    /// The sources' patterns that map to none of the site's own, namespaced (`member-a/slug`).
    pub patterns: Vec<Pattern>,
    /// Every member imported from, with the number of writeups taken.
    pub members: Vec<(Arc<Member>, usize)>,
    /// One line per source: what was taken and what left out.
    pub notes: Vec<String>,
}

/// Imports every source, in parallel; problems are reported in `diags` (a source that gives
/// no usable feed is an error; a record left out is a warning).
pub fn import(settings: &Settings<'_>, diags: &mut Diagnostics) -> Imported {
    let results: Vec<(Option<FromSource>, Diagnostics)> = settings
        .sources
        .par_iter()
        .map(|source| {
            let mut found = Diagnostics::default();
            (import_source(settings, source, &mut found), found)
        })
        .collect();
    let mut imported = Imported::default();
    let mut shared: Vec<&'static catalog::Entry> = Vec::new();
    for (from, found) in results {
        diags.extend(found);
        if let Some(from) = from {
            imported.members.push((from.member, from.writeups.len()));
            imported.writeups.extend(from.writeups);
            imported.patterns.extend(from.patterns);
            shared.extend(from.shared);
            imported.notes.push(from.note);
        }
    }
    shared.sort_by(|a, b| a.slug.cmp(&b.slug));
    shared.dedup_by(|a, b| a.slug == b.slug);
    shared.retain(|e| !settings.own_patterns.iter().any(|p| p.slug == e.reference()));
    imported.patterns.extend(shared.into_iter().map(Pattern::from_catalogue));
    imported
}

/// What one source gave.
struct FromSource {
    member: Arc<Member>,
    writeups: Vec<Arc<Writeup>>,
    patterns: Vec<Pattern>,
    /// The catalogue patterns its patterns point at, standing for them here.
    shared: Vec<&'static catalog::Entry>,
    note: String,
}

fn import_source(settings: &Settings<'_>, source: &Source, diags: &mut Diagnostics) -> Option<FromSource> {
    let file = settings.config_file;
    let name = &source.name;
    let (feed, provenance) = match fetch::obtain(source, &settings.cache, settings.offline) {
        Ok(got) => got,
        Err(Failure::Unreachable(why)) => {
            diags.push(
                Diagnostic::error(file, source.span, format!("source `{name}` cannot be imported: {why}"))
                    .with_hint("check its url or path, or remove it from `sources:`"),
            );
            return None;
        }
        Err(Failure::Refused(why)) => {
            diags.push(
                Diagnostic::error(file, source.span, format!("source `{name}` refused: {why}"))
                    .with_hint("ask the source's maintainers; nothing of it is imported until its feed checks out"),
            );
            return None;
        }
    };
    if let Provenance::Cached(Some(why)) = &provenance {
        diags.push(
            Diagnostic::warning(
                file,
                source.span,
                format!("source `{name}` is unreachable ({why}); using its cached copy"),
            )
            .with_hint("the records are those of the last successful fetch"),
        );
    }
    let refuse = |diags: &mut Diagnostics, why: String| {
        diags.push(
            Diagnostic::error(file, source.span, format!("source `{name}` refused: {why}"))
                .with_hint("the feed passed its hash checks but is not a feed this nearmiss reads"),
        );
    };
    let records = serde_json::from_slice::<WriteupsFile>(&feed.writeups)
        .map_err(|e| format!("writeups.json: {e}"))
        .and_then(|w| {
            Ok((w, serde_json::from_slice::<PatternsFile>(&feed.patterns).map_err(|e| format!("patterns.json: {e}"))?))
        });
    let (writeups, patterns) = match records {
        Ok(records) => records,
        Err(why) => {
            refuse(diags, why);
            return None;
        }
    };
    if writeups.writeups.len() + patterns.patterns.len() > MAX_RECORDS {
        refuse(diags, format!("more than {MAX_RECORDS} records"));
        return None;
    }
    let label = match feed.manifest.org.as_ref().map(|o| o.label.trim()) {
        None | Some("") => name.clone(),
        Some(label) if label.chars().count() <= MAX_LABEL && settings.scanner.scan(label).is_empty() => {
            label.to_string()
        }
        Some(_) => {
            diags.push(
                Diagnostic::warning(file, source.span, format!("source `{name}`: its org label is not shown"))
                    .with_hint(format!(
                        "labels longer than {MAX_LABEL} characters, or that this site's gate flags, are replaced by the source's name"
                    )),
            );
            name.clone()
        }
    };
    let member = Arc::new(Member { source: name.clone(), label });
    let importer = Importer { settings, source, member: Arc::clone(&member) };
    let mut left_out = LeftOut::default();

    let (patterns, shared, slugs) = importer.patterns(patterns.patterns, &mut left_out, diags);
    let shared_slugs: Vec<String> = shared.iter().map(|e| e.reference()).collect();
    let mut known: Vec<&str> = settings.own_patterns.iter().map(|p| p.slug.as_str()).collect();
    known.extend(patterns.iter().map(|p| p.slug.as_str()).chain(shared_slugs.iter().map(String::as_str)));
    let writeups: Vec<Arc<Writeup>> = writeups
        .writeups
        .into_iter()
        .enumerate()
        .filter_map(|(n, record)| importer.writeup(n, record, &slugs, &known, &mut left_out, diags))
        .map(Arc::new)
        .collect();
    let from = match provenance {
        Provenance::Fresh => "",
        Provenance::Cached(_) => " (cached copy)",
    };
    let note = format!(
        "source `{name}` ({}{from}): imported {} writeup{} and {} pattern{}{}",
        member.label,
        writeups.len(),
        plural(writeups.len()),
        patterns.len(),
        plural(patterns.len()),
        left_out.summary(source.max_tlp.min(settings.max_tlp))
    );
    Some(FromSource { member, writeups, patterns, shared, note })
}

/// Counts of records left out, for the source's note.
#[derive(Default)]
struct LeftOut {
    above_tlp: usize,
    failed: usize,
}

impl LeftOut {
    fn summary(&self, limit: Tlp) -> String {
        let mut parts = Vec::new();
        if self.above_tlp > 0 {
            parts.push(format!("{} above {}", self.above_tlp, limit.label()));
        }
        if self.failed > 0 {
            parts.push(format!("{} that failed this site's checks", self.failed));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("; left out {}", parts.join(", "))
        }
    }
}

struct Importer<'a> {
    settings: &'a Settings<'a>,
    source: &'a Source,
    member: Arc<Member>,
}

impl Importer<'_> {
    /// A warning that the record `id` is left out, and why (never quoting what was found).
    fn leave_out(&self, diags: &mut Diagnostics, what: &str, id: &str, why: &str) {
        diags.push(
            Diagnostic::warning(
                self.settings.config_file,
                self.source.span,
                format!("source `{}`: {what} `{id}` left out: {why}", self.source.name),
            )
            .with_hint("the source's maintainers can fix the record; this site publishes nothing of it"),
        );
    }

    /// The path imported records are known by in messages and links: `<source>/<id>`.
    fn path(&self, kind: &str, id: &str) -> PathBuf {
        PathBuf::from(format!("<{}>/{kind}/{id}", self.source.name))
    }

    /// The source's patterns that stand for none of this site's own, gated and namespaced; the
    /// catalogue entries the others point at; and the slug every source pattern has here.
    ///
    /// A source's pattern maps, in this order: as `sources:` maps it; to this site's pattern with
    /// the same `same_as`; to this site's pattern of the same slug; to the catalogue pattern it
    /// is the `same_as` of (shared by every source that points at it). Else it is kept under the
    /// source's name.
    fn patterns(
        &self,
        records: Vec<PatternRecord>,
        left_out: &mut LeftOut,
        diags: &mut Diagnostics,
    ) -> (Vec<Pattern>, Vec<&'static catalog::Entry>, HashMap<String, String>) {
        let own = self.settings.own_patterns;
        let own_slugs: Vec<&str> = own.iter().map(|p| p.slug.as_str()).collect();
        let mut slugs: HashMap<String, String> = HashMap::new();
        for (theirs, ours, span) in &self.source.patterns {
            if own_slugs.contains(&ours.as_str()) {
                slugs.insert(theirs.clone(), ours.clone());
            } else {
                diags.push(
                    Diagnostic::error(
                        self.settings.config_file,
                        *span,
                        format!(
                            "source `{}` maps `{theirs}` to `{ours}`, which is not a pattern of this site",
                            self.source.name
                        ),
                    )
                    .with_hint(format!("known patterns: {}", own_slugs.join(", "))),
                );
            }
        }
        let mut out = Vec::new();
        let mut shared: Vec<&'static catalog::Entry> = Vec::new();
        for (n, record) in records.into_iter().enumerate() {
            let slug = record.slug.clone();
            if !is_slug(&slug) {
                left_out.failed += 1;
                let why = "its slug is not lowercase words joined by `-`";
                self.leave_out(diags, "pattern", &format!("#{} of patterns.json", n + 1), why);
                continue;
            }
            if slugs.contains_key(&slug) {
                continue;
            }
            let entry = record.same_as.as_deref().and_then(|r| catalog::resolve(r).ok());
            let same = entry.and_then(|e| own.iter().find(|p| p.same_as.is_some_and(|o| o.slug == e.slug)));
            let ours =
                same.map(|p| p.slug.clone()).or_else(|| own_slugs.contains(&slug.as_str()).then(|| slug.clone()));
            if let Some(ours) = ours {
                slugs.insert(slug, ours);
                continue;
            }
            if let Some(entry) = entry {
                slugs.insert(slug, entry.reference());
                shared.push(entry);
                continue;
            }
            match self.pattern(record) {
                Ok(p) => {
                    slugs.insert(slug, p.slug.clone());
                    out.push(p);
                }
                Err(why) => {
                    left_out.failed += 1;
                    self.leave_out(diags, "pattern", &slug, &why);
                }
            }
        }
        out.sort_by(|a, b| a.slug.cmp(&b.slug));
        (out, shared, slugs)
    }

    fn pattern(&self, record: PatternRecord) -> Result<Pattern, String> {
        let front = serde_json::json!({
            "slug": record.slug, "title": record.title, "risk": record.risk,
            "signals": record.signals, "controls": record.controls, "same_as": record.same_as,
        });
        let path = self.path("patterns", &record.slug);
        let doc = self.document(Kind::Pattern, &path, &front, &record.body)?;
        let mut found = Diagnostics::default();
        let pattern = validate::pattern(&doc, &mut found);
        first_error(found)?;
        let mut pattern = pattern.ok_or("it is not a valid pattern")?;
        pattern.slug = format!("{}/{}", self.source.name, pattern.slug);
        pattern.origin = Some(Arc::clone(&self.member));
        Ok(pattern)
    }

    /// The record as a writeup of this site, or `None` (with a warning, or counted as above
    /// the TLP limit) when it may not be published here.
    fn writeup(
        &self,
        n: usize,
        record: WriteupRecord,
        slugs: &HashMap<String, String>,
        known: &[&str],
        left_out: &mut LeftOut,
        diags: &mut Diagnostics,
    ) -> Option<Writeup> {
        let id = record.fields.id.clone();
        let url_safe = id.len() <= 64
            && id.starts_with(|c: char| c.is_ascii_alphanumeric())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !url_safe {
            left_out.failed += 1;
            let why = "its id could leave the folder of the source's pages";
            self.leave_out(diags, "writeup", &format!("#{} of writeups.json", n + 1), why);
            return None;
        }
        let limit = self.source.max_tlp.min(self.settings.max_tlp);
        if Tlp::parse(&record.fields.tlp).is_some_and(|tlp| tlp > limit) {
            left_out.above_tlp += 1;
            return None;
        }
        match self.checked_writeup(record, slugs, known) {
            Ok(w) => Some(w),
            Err(why) => {
                left_out.failed += 1;
                self.leave_out(diags, "writeup", &id, &why);
                None
            }
        }
    }

    fn checked_writeup(
        &self,
        record: WriteupRecord,
        slugs: &HashMap<String, String>,
        known: &[&str],
    ) -> Result<Writeup, String> {
        let mut fields = record.fields;
        let mut patterns: Vec<String> = Vec::new();
        for theirs in &fields.patterns {
            let ours = slugs.get(theirs).ok_or_else(|| match is_slug(theirs) {
                true => format!("its pattern `{theirs}` is not in the feed"),
                false => "one of its patterns is not in the feed".to_string(),
            })?;
            if !patterns.contains(ours) {
                patterns.push(ours.clone());
            }
        }
        fields.patterns = patterns;
        let mut front = serde_json::to_value(&fields).map_err(|e| e.to_string())?;
        if let serde_json::Value::Object(map) = &mut front {
            map.insert("status".into(), Status::Approved.as_str().into());
        }
        let path = self.path("writeups", &fields.id);
        let doc = self.document(Kind::Writeup, &path, &front, &record.body)?;
        let mut found = Diagnostics::default();
        let writeup = validate::writeup(&doc, self.settings.today, known, &mut found);
        first_error(found)?;
        let mut w = writeup.ok_or("it is not a valid writeup")?;
        w.id = format!("{}/{}", self.source.name, w.id).into();
        w.origin = Some(Arc::clone(&self.member));
        Ok(w)
    }

    /// `front` and `body` as a document of this site, after this site's gate and the body's
    /// checks (no images) passed over them.
    fn document(
        &self,
        kind: Kind,
        path: &Path,
        front: &serde_json::Value,
        body: &str,
    ) -> Result<load::Document, String> {
        if body.len() > MAX_BODY {
            return Err(format!("its body is longer than {MAX_BODY} bytes"));
        }
        let front = serde_json::to_string_pretty(&without_nulls(front.clone())).map_err(|e| e.to_string())?;
        let text: Arc<str> = format!("---\n{front}\n---\n{body}").into();
        for finding in self.settings.scanner.scan(&text) {
            if !finding.kind.is_blame() || self.settings.strict_blameless {
                return Err(format!("{} [{}]", finding.kind.describe(), finding.kind.id()));
            }
        }
        let mut found = Diagnostics::default();
        let doc = load::parse_document(kind, path, &format!("{}.md", path.display()), &text, &mut found);
        first_error(found)?;
        let doc = doc.ok_or("its fields cannot be read")?;
        match markdown::unpublishable(&doc.body.markdown().map_err(|e| e.to_string())?) {
            Some(why) => Err(why),
            None => Ok(doc),
        }
    }
}

/// The first error among `found`, as the reason a record is left out.
fn first_error(found: Diagnostics) -> Result<(), String> {
    match found.sorted().into_iter().find(|d| d.level == Level::Error) {
        Some(d) => Err(d.message),
        None => Ok(()),
    }
}

/// `value` without its `null` fields, at every depth: front matter leaves absent fields out.
fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federate::source::Location;
    use crate::feed::format::{Counts, FileEntry, Manifest, WriteupFields, FORMAT_VERSION};
    use crate::scan::ScanConfig;
    use crate::validate::SECTIONS;

    fn record(id: &str, tlp: &str, body_extra: &str) -> WriteupRecord {
        let body: String = SECTIONS.iter().map(|s| format!("## {s}\n\nA sentence about it.\n\n")).collect();
        WriteupRecord {
            fields: WriteupFields {
                id: id.into(),
                title: "A backup restore nearly failed".into(),
                tlp: tlp.into(),
                occurred: "2025-03-04".into(),
                detected: None,
                reported: "2025-03-06".into(),
                reviewed: Some("2025-03-12".into()),
                retrospective: None,
                patterns: vec!["backups".into()],
                severity: "high".into(),
                stopped_by: "process".into(),
                detection: None,
                impact_area: vec![],
                roles: vec![],
                systems: vec![],
                team: None,
                tags: vec![],
                actions: vec![],
            },
            body: format!("{body}{body_extra}"),
        }
    }

    /// A feed on disk by `label` holding `writeups` and one pattern, `backups`, with a correct manifest.
    fn feed(label: Option<&str>, writeups: Vec<WriteupRecord>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let pattern = PatternRecord {
            slug: "backups".into(),
            title: "Backups".into(),
            risk: "Restores fail.".into(),
            signals: vec!["Untested restores".into()],
            controls: vec!["Restore tests".into()],
            same_as: None,
            body: "Backups.\n".into(),
        };
        let files = [
            ("writeups.json", serde_json::to_vec(&WriteupsFile { schema: String::new(), writeups }).unwrap()),
            (
                "patterns.json",
                serde_json::to_vec(&PatternsFile { schema: String::new(), patterns: vec![pattern] }).unwrap(),
            ),
        ];
        let manifest = Manifest {
            schema: String::new(),
            format_version: FORMAT_VERSION,
            generator: "test".into(),
            org: label.map(|label| crate::feed::format::Publisher { id: "m-1".into(), label: label.into() }),
            records: Counts { writeups: 0, patterns: 1, tlp: Default::default() },
            files: files
                .iter()
                .map(|(p, b)| FileEntry { path: p.to_string(), bytes: b.len() as u64, sha256: crate::feed::sha256(b) })
                .collect(),
        };
        std::fs::write(dir.path().join("manifest.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
        for (path, bytes) in files {
            std::fs::write(dir.path().join(path), bytes).unwrap();
        }
        dir
    }

    fn import_from(dir: &Path) -> (Imported, Vec<Diagnostic>) {
        let cache = tempfile::tempdir().unwrap();
        let sources = [Source {
            name: "member".into(),
            location: Location::Path(dir.to_path_buf()),
            public_key: None,
            max_tlp: Tlp::Clear,
            patterns: vec![],
            span: Default::default(),
        }];
        let scanner = Scanner::new(&ScanConfig { blocked_orgs: vec!["Globex".into()], ..Default::default() });
        let settings = Settings {
            sources: &sources,
            config_file: Path::new("site.yaml"),
            cache: cache.path().to_path_buf(),
            offline: false,
            today: "2026-01-01".parse().unwrap(),
            max_tlp: Tlp::Green,
            own_patterns: &[],
            scanner: &scanner,
            strict_blameless: false,
        };
        let mut diags = Diagnostics::default();
        let imported = import(&settings, &mut diags);
        (imported, diags.sorted())
    }

    #[test]
    fn records_are_namespaced_and_only_those_passing_this_sites_checks_are_kept() {
        let dir = feed(
            None,
            vec![
                record("NM-0001", "clear", ""),
                record("../../escape", "clear", ""),
                record("NM-0002", "clear", "Globex asked us to keep quiet.\n"),
                record("NM-0003", "green", ""),
                record("NM-0004", "clear", "![diagram](https://example.org/x.png)\n"),
            ],
        );
        let (imported, diags) = import_from(dir.path());
        let ids: Vec<&str> = imported.writeups.iter().map(|w| &*w.id).collect();
        assert_eq!(ids, ["member/NM-0001"]);
        assert_eq!(imported.writeups[0].url(), "writeups/member/nm-0001.html");
        assert_eq!(imported.patterns.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(), ["member/backups"]);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("source `member`: writeup `#2 of writeups.json` left out: its id could leave"));
        assert!(messages[1].starts_with("source `member`: writeup `NM-0002` left out: "), "{}", messages[1]);
        assert!(!messages[1].contains("Globex"), "the reason never quotes what was found");
        assert!(messages[2].starts_with("source `member`: writeup `NM-0004` left out: image"), "{}", messages[2]);
        assert!(diags.iter().all(|d| d.level == Level::Warning));
        assert_eq!(
            imported.notes,
            ["source `member` (member): imported 1 writeup and 1 pattern; left out 1 above TLP:CLEAR, 3 that failed this site's checks"]
        );
    }

    #[test]
    fn the_org_label_is_shown_only_when_this_sites_gate_passes_it() {
        let (imported, diags) = import_from(feed(Some("Member 7F3A"), vec![]).path());
        assert_eq!(imported.members[0].0.label, "Member 7F3A");
        assert!(diags.is_empty(), "{diags:?}");
        let (imported, diags) = import_from(feed(Some("Globex Security Team"), vec![]).path());
        assert_eq!(imported.members[0].0.label, "member");
        assert_eq!(diags[0].message, "source `member`: its org label is not shown");
    }

    #[test]
    fn absent_fields_are_left_out_of_front_matter() {
        let v = serde_json::json!({"a": null, "b": [{"c": null, "d": 1}], "e": "x"});
        assert_eq!(without_nulls(v).to_string(), r#"{"b":[{"d":1}],"e":"x"}"#);
    }
}
