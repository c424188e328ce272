//! Exports in the formats security teams already run: a MISP feed ([`misp`]), a STIX 2.1
//! bundle ([`stix`]) and VERIS 1.4.1 records ([`veris`]). Only published writeups are
//! exported (withheld ones contribute nothing), each with its TLP. Output is deterministic:
//! ids are UUIDv5 from the site's `org` id and the writeup id, times come from the writeups'
//! dates, keys are sorted and records come oldest first, written one at a time.

pub mod misp;
pub mod stix;
pub mod veris;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::{Serialize, Serializer};
use uuid::Uuid;

use crate::catalog::Entry;
use crate::config::Config;
use crate::model::{Pattern, SourceError, Writeup};
use crate::Error;

/// The namespace of every UUID nearmiss derives: UUIDv5 of `https://nearmiss.dev/` in the URL namespace.
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://nearmiss.dev/")
}

/// A stable UUID for the thing named `name` (e.g. `incident/NM-0042`) of the site `org_id`;
/// writeup ids are matched case-insensitively, so names are lowercased.
pub fn uuid(org_id: &str, name: &str) -> Uuid {
    Uuid::new_v5(&namespace(), format!("{org_id}/{}", name.to_lowercase()).as_bytes())
}

/// One published writeup as the exports see it.
#[derive(Debug, Clone)]
pub struct Record {
    /// Its index in the publication's published writeups.
    pub index: usize,
    /// The UUID of its MISP event, STIX incident and VERIS incident.
    pub uuid: Uuid,
    /// The catalogue patterns its own patterns are the same as, in its order, without repeats.
    pub catalog: Vec<&'static Entry>,
}

/// What the exports need beyond the writeups, found once per build: each published writeup's
/// UUID and catalogue patterns, oldest first, and which file is whose.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub records: Vec<Record>,
    by_path: HashMap<String, usize>,
}

impl Index {
    pub fn new(config: &Config, published: &[Arc<Writeup>], patterns: &[Pattern]) -> Index {
        let same_as: HashMap<&str, &'static Entry> =
            patterns.iter().filter_map(|p| Some((p.slug.as_str(), p.same_as?))).collect();
        let mut order: Vec<usize> = (0..published.len()).collect();
        order.sort_by(|&a, &b| {
            (published[a].occurred, &published[a].id).cmp(&(published[b].occurred, &published[b].id))
        });
        let records: Vec<Record> = order
            .into_iter()
            .map(|index| {
                let w = &published[index];
                let mut catalog: Vec<&'static Entry> = Vec::new();
                for entry in w.patterns.iter().filter_map(|(slug, _)| same_as.get(slug.as_str())) {
                    if !catalog.iter().any(|e| e.slug == entry.slug) {
                        catalog.push(entry);
                    }
                }
                Record { index, uuid: uuid(&config.org.id, &format!("incident/{}", w.id)), catalog }
            })
            .collect();
        let mut by_path = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            by_path.insert(misp::event_path(r), i);
        }
        Index { records, by_path }
    }

    /// The files that hold every record (the MISP manifest and hashes, the STIX bundle, `veris.json`).
    pub fn aggregate_paths() -> impl Iterator<Item = &'static str> {
        misp::FILES.into_iter().chain(stix::FILES).chain(veris::FILES)
    }

    /// The files of one record each: a MISP event per published writeup.
    pub fn record_paths(&self) -> Vec<String> {
        self.records.iter().map(misp::event_path).collect()
    }

    /// Writes the export at `path` to `out` as it is made (`body` gives a writeup's markdown as it
    /// may be published: see [`crate::render::markdown::published_markdown`]), a record at a time, so that the
    /// files of every record are never held whole; `None` if there is no such export.
    pub fn write(
        &self,
        config: &Config,
        published: &[Arc<Writeup>],
        patterns: &[Pattern],
        body: &dyn Fn(&Writeup) -> Result<String, SourceError>,
        path: &str,
        out: &mut dyn Write,
    ) -> Option<Result<(), Error>> {
        let site = Site { config, published, patterns, body, index: self };
        match path {
            misp::MANIFEST => Some(misp::manifest(&site, out)),
            misp::HASHES => Some(misp::hashes(&site, out)),
            stix::BUNDLE => Some(stix::bundle(&site, out)),
            veris::ALL => Some(veris::all(&site, out)),
            _ => {
                let record = &self.records[*self.by_path.get(path)?];
                Some(misp::event_file(&site, record, out))
            }
        }
    }
}

/// What one export reads: the settings, the published writeups, their bodies, the patterns and the index.
struct Site<'a> {
    config: &'a Config,
    published: &'a [Arc<Writeup>],
    patterns: &'a [Pattern],
    body: &'a dyn Fn(&Writeup) -> Result<String, SourceError>,
    index: &'a Index,
}

impl<'a> Site<'a> {
    fn writeup(&self, record: &Record) -> &'a Writeup {
        &self.published[record.index]
    }

    /// The writeup's page, when the site has an absolute base URL.
    fn url(&self, w: &Writeup) -> Option<String> {
        self.config.has_absolute_base_url().then(|| format!("{}{}", self.config.base_url, w.url()))
    }

    fn pattern(&self, slug: &str) -> Option<&'a Pattern> {
        self.patterns.iter().find(|p| p.slug == slug)
    }
}

/// Writes `value` to `out` as pretty JSON with a final newline, as it is serialised.
pub(crate) fn json_to(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Error> {
    pretty_json(out, value).map_err(|e| Error::Export(e.to_string()))
}

/// Writes `value` to `out` as pretty JSON with a final newline: the one JSON layout of every
/// file nearmiss writes, the feed's too.
pub(crate) fn pretty_json(out: &mut dyn Write, value: &impl Serialize) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

/// A list written out one item at a time as it is serialised, so that a large export never
/// holds all of its items as JSON at once.
pub(crate) struct Stream<I>(RefCell<Option<I>>);

impl<I> Stream<I> {
    pub(crate) fn new(items: I) -> Stream<I> {
        Stream(RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Stream<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.borrow_mut().take() {
            Some(items) => serializer.collect_seq(items),
            None => Err(serde::ser::Error::custom("an export list can be written once")),
        }
    }
}

/// An item of a [`Stream`] that could not be made (a body could not be read again) stops the
/// writing with that failure.
pub(crate) struct Made<T>(pub Result<T, SourceError>);

impl<T: Serialize> Serialize for Made<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(item) => item.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

/// A map written out one entry at a time as it is serialised, like [`Stream`].
pub(crate) struct StreamMap<I>(RefCell<Option<I>>);

impl<I> StreamMap<I> {
    pub(crate) fn new(entries: I) -> StreamMap<I> {
        StreamMap(RefCell::new(Some(entries)))
    }
}

impl<I: Iterator<Item = (K, V)>, K: Serialize, V: Serialize> Serialize for StreamMap<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.borrow_mut().take() {
            Some(entries) => serializer.collect_map(entries),
            None => Err(serde::ser::Error::custom("an export map can be written once")),
        }
    }
}

/// A `## heading` of a body and the markdown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub markdown: String,
}

/// The body's `##` sections in order; text before the first heading is a section with an empty heading.
pub fn sections(markdown: &str) -> Vec<Section> {
    let mut starts: Vec<(usize, usize, String)> = Vec::new();
    let mut current: Option<(usize, usize, String)> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, .. }) => {
                current = Some((range.start, range.end, String::new()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, h)) = current.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => starts.extend(current.take()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let first = starts.first().map_or(markdown.len(), |s| s.0);
    if !markdown[..first].trim().is_empty() {
        out.push(Section { heading: String::new(), markdown: markdown[..first].trim().to_string() });
    }
    for (i, (_, end, heading)) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(markdown.len(), |s| s.0);
        out.push(Section { heading: heading.trim().to_string(), markdown: markdown[*end..next].trim().to_string() });
    }
    out
}

/// The summary (the first section with text: for a retrospective, "What almost failed", else
/// the title) and the other sections.
fn summary_and_rest(w: &Writeup, sections: Vec<Section>) -> (String, Vec<Section>) {
    match sections.iter().position(|s| !s.markdown.is_empty()) {
        Some(i) => {
            let mut rest = sections;
            let first = rest.remove(i);
            (first.markdown, rest)
        }
        None => (w.title.clone(), sections),
    }
}

/// A day as an RFC 3339 time at midnight UTC, as STIX writes it.
fn timestamp(date: crate::date::Date) -> String {
    format!("{date}T00:00:00.000Z")
}

/// Seconds since the Unix epoch at midnight UTC of `date`, as MISP writes times.
fn epoch_seconds(date: crate::date::Date) -> i64 {
    date.days_since_epoch() * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_case_insensitive() {
        let a = uuid("member-7f3a", "incident/NM-0001");
        assert_eq!(a, uuid("member-7f3a", "incident/nm-0001"));
        assert_ne!(a, uuid("member-0000", "incident/NM-0001"));
        assert_eq!(a.get_version_num(), 5);
        assert_eq!(a.to_string(), uuid("member-7f3a", "incident/NM-0001").to_string());
    }

    #[test]
    fn sections_split_at_level_two_headings() {
        let md = "Intro.\n\n## What almost failed\n\nThe rule.\n\n```\n## not a heading\n```\n\n## What `stopped` it\n\nReview.\n### Sub\nmore\n";
        let s = sections(md);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], Section { heading: String::new(), markdown: "Intro.".into() });
        assert_eq!(s[1].heading, "What almost failed");
        assert!(s[1].markdown.starts_with("The rule.") && s[1].markdown.contains("## not a heading"));
        assert_eq!(s[2].heading, "What stopped it");
        assert_eq!(s[2].markdown, "Review.\n### Sub\nmore");
    }

    #[test]
    fn times_are_midnight_utc() {
        let d: crate::date::Date = "2025-01-14".parse().unwrap();
        assert_eq!(timestamp(d), "2025-01-14T00:00:00.000Z");
        assert_eq!(epoch_seconds(d), 1_736_812_800);
    }
}
