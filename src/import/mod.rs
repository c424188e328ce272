//! `nearmiss import --from veris|misp|stix FILE…`: one **draft** writeup per record of files
//! kept in those formats, so that an organisation can start from the incidents it already
//! recorded. Front matter is mapped back from each format (see [`veris`], [`misp`], [`stix`]),
//! the six sections are filled from the record's summary, notes and corrective actions, and
//! every draft stays withheld (`status: draft`) until a review approves it. Patterns the
//! records name are taken from the site, else from the built-in catalogue (written into
//! `patterns/`), else filed under `unclassified`.

pub mod misp;
pub mod stix;
pub mod veris;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::catalog::{self, Entry};
use crate::date::Date;
use crate::export::sections;
use crate::model::{slugify, Action, ActionState, Keyword, Severity, StoppedBy, Tlp};
use crate::scaffold::{next_id, quote, Survey};
use crate::validate::SECTIONS;
use crate::Error;

/// The formats records are imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Veris,
    Misp,
    Stix,
}

impl Keyword for Format {
    const ALL: &'static [(&'static str, Self)] =
        &[("veris", Format::Veris), ("misp", Format::Misp), ("stix", Format::Stix)];
}

/// A pattern a record names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternName {
    /// By slug, as a nearmiss export writes it.
    Slug(String),
    /// By the catalogue entry its VERIS action corresponds to.
    Catalog(&'static Entry),
}

/// One record, mapped to a writeup's fields; what the record does not say is `None` or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// Where it came from, e.g. `veris.json#3`, for messages and the draft's comment.
    pub origin: String,
    /// The id it had, when the record was exported by nearmiss.
    pub id: Option<String>,
    pub title: String,
    pub tlp: Option<Tlp>,
    pub occurred: Option<Date>,
    pub detected: Option<Date>,
    pub reported: Option<Date>,
    pub patterns: Vec<PatternName>,
    pub severity: Option<Severity>,
    pub stopped_by: Option<StoppedBy>,
    pub detection: Option<String>,
    pub impact_area: Vec<String>,
    pub roles: Vec<String>,
    pub systems: Vec<String>,
    pub team: Option<String>,
    pub tags: Vec<String>,
    pub actions: Vec<Action>,
    /// The body: `##` sections by heading (an empty heading is text with no section yet).
    pub sections: Vec<(String, String)>,
}

impl Draft {
    /// Adds `markdown` to the body: its `##` sections where it has them, else all of it under `heading`.
    fn add_text(&mut self, heading: &str, markdown: &str) {
        for s in sections(markdown) {
            let heading = if s.heading.is_empty() { heading.to_string() } else { s.heading };
            if !s.markdown.is_empty() {
                self.sections.push((heading, s.markdown));
            }
        }
    }
}

/// What an import wrote, and what it left out.
#[derive(Debug, Default)]
pub struct Imported {
    pub writeups: Vec<PathBuf>,
    /// Patterns written from the catalogue (or `unclassified`).
    pub patterns: Vec<PathBuf>,
    /// Records that could not be read, with why.
    pub skipped: Vec<String>,
}

/// The slug of the pattern records with no known pattern are filed under.
pub const UNCLASSIFIED: &str = "unclassified";

/// Reads every record of `files` and writes one draft writeup each into `content`.
pub fn import(content: &Path, format: Format, files: &[PathBuf], today: Date) -> Result<Imported, Error> {
    let mut drafts = Vec::new();
    let mut imported = Imported::default();
    for file in files {
        let text = fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| Error::Import(format!("{}: not JSON: {e}", file.display())))?;
        let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
        let records = match format {
            Format::Veris => veris::read(&value, &name),
            Format::Misp => misp::read(&value, &name),
            Format::Stix => stix::read(&value, &name),
        };
        for record in records {
            match record {
                Ok(draft) => drafts.push(draft),
                Err(why) => imported.skipped.push(why),
            }
        }
    }
    let mut survey = Survey::of(content)?;
    write_drafts(content, drafts, &mut survey, today, &mut imported)?;
    Ok(imported)
}

/// Writes each draft into `content` with its own id when it is free, else the next free one,
/// taking the patterns it names from the site or the catalogue; `survey` learns what is written.
pub(crate) fn write_drafts(
    content: &Path,
    drafts: Vec<Draft>,
    survey: &mut Survey,
    today: Date,
    imported: &mut Imported,
) -> Result<(), Error> {
    for draft in drafts {
        let patterns = pattern_slugs(content, &draft, survey, &mut imported.patterns)?;
        let id = match &draft.id {
            Some(id) if is_id(id) && !survey.ids.iter().any(|t| t.eq_ignore_ascii_case(id)) => id.clone(),
            _ => next_id(&survey.config.id_prefix, &survey.ids),
        };
        survey.ids.push(id.clone());
        let text = writeup_text(&draft, &id, &patterns, today);
        // Named by id, not title: an imported title is untrusted and may hold what the gate withholds.
        let occurred = draft.occurred.unwrap_or(today);
        let path = free_path(&content.join("writeups").join(occurred.year().to_string()), &slugify(&id))?;
        fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        imported.writeups.push(path);
    }
    Ok(())
}

/// Whether `id` can be a writeup id (and a file name part).
fn is_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `dir/<stem>.md`, or `<stem>-2.md`…, whichever does not exist yet; the folder is created.
pub(crate) fn free_path(dir: &Path, stem: &str) -> Result<PathBuf, Error> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let stem: String = stem.chars().take(60).collect::<String>().trim_end_matches('-').to_string();
    let stem = if stem.is_empty() { "imported".to_string() } else { stem };
    (1..)
        .map(|n| if n == 1 { dir.join(format!("{stem}.md")) } else { dir.join(format!("{stem}-{n}.md")) })
        .find(|p| !p.exists())
        .ok_or_else(|| Error::Import(format!("no free file name for {stem} in {}", dir.display())))
}

/// The site's slugs for the patterns a draft names, writing catalogue patterns the site lacks.
fn pattern_slugs(
    content: &Path,
    draft: &Draft,
    survey: &mut Survey,
    written: &mut Vec<PathBuf>,
) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for name in &draft.patterns {
        let entry = match name {
            PatternName::Slug(slug) if survey.patterns.iter().any(|(s, _)| s == slug) => {
                push_unique(&mut out, slug);
                continue;
            }
            PatternName::Slug(slug) => match catalog::get(slug) {
                Some(entry) => entry,
                None => continue,
            },
            PatternName::Catalog(entry) => entry,
        };
        let reference = entry.reference();
        let known = survey.patterns.iter().find(|(s, same)| same.as_deref() == Some(&reference) || *s == entry.slug);
        let slug = match known {
            Some((slug, _)) => slug.clone(),
            None => {
                written.push(write_pattern(content, &entry.slug, &catalog_pattern(entry))?);
                survey.patterns.push((entry.slug.clone(), Some(reference)));
                entry.slug.clone()
            }
        };
        push_unique(&mut out, &slug);
    }
    if out.is_empty() {
        if !survey.patterns.iter().any(|(s, _)| s == UNCLASSIFIED) {
            written.push(write_pattern(content, UNCLASSIFIED, UNCLASSIFIED_PATTERN)?);
            survey.patterns.push((UNCLASSIFIED.into(), None));
        }
        out.push(UNCLASSIFIED.into());
    }
    Ok(out)
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

const UNCLASSIFIED_PATTERN: &str = "\
---
title: Unclassified imports
risk: Imported near misses whose pattern has not been chosen yet.
signals:
  - Imported drafts that name no known pattern.
controls:
  - Move each writeup to the pattern it belongs to during review.
---

Writeups imported from another format land here when their records name no pattern that this
knowledge base or the built-in catalogue knows. Choose a real pattern during review.
";

/// A pattern file for a catalogue entry, pointing back at it.
fn catalog_pattern(e: &Entry) -> String {
    let list = |items: &[String]| items.iter().map(|i| format!("  - {}\n", quote(i))).collect::<String>();
    format!(
        "---\ntitle: {}\nsame_as: {}\nrisk: {}\nsignals:\n{}controls:\n{}---\n\n{}\n",
        quote(&e.title),
        e.reference(),
        quote(&e.risk),
        list(&e.signals),
        list(&e.controls),
        "Taken from the built-in catalogue by `nearmiss import`: describe how this pattern shows up here."
    )
}

fn write_pattern(content: &Path, slug: &str, text: &str) -> Result<PathBuf, Error> {
    let dir = content.join("patterns");
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(Error::Import(format!("{} exists but is not a pattern `{slug}`; rename it", path.display())));
    }
    fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// The draft as a writeup file: front matter, then the six sections (and any others).
pub(crate) fn writeup_text(d: &Draft, id: &str, patterns: &[String], today: Date) -> String {
    let occurred = d.occurred.unwrap_or(today);
    let detected = d.detected.filter(|&x| x >= occurred);
    let reported = d.reported.filter(|&r| r >= detected.unwrap_or(occurred)).unwrap_or(today.max(occurred));
    let mut out = format!("---\nid: {id}\ntitle: {}\n", quote(&d.title));
    out.push_str(&format!("status: draft          # imported from {}: review it, then approve\n", one_line(&d.origin)));
    match d.tlp {
        Some(tlp) => out.push_str(&format!("tlp: {}\n", tlp.as_str())),
        None => out.push_str("tlp: red               # the record had no TLP: choose one before approving\n"),
    }
    out.push_str(&format!("occurred: {occurred}\n"));
    if let Some(detected) = detected {
        out.push_str(&format!("detected: {detected}\n"));
    }
    out.push_str(&format!("reported: {reported}\n"));
    out.push_str(&format!("patterns: [{}]\n", patterns.join(", ")));
    out.push_str(&format!("severity: {}\n", d.severity.unwrap_or(Severity::Medium).as_str()));
    out.push_str(&format!("stopped_by: {}\n", d.stopped_by.unwrap_or(StoppedBy::Luck).as_str()));
    if let Some(detection) = &d.detection {
        out.push_str(&format!("detection: {}\n", quote(&one_line(detection))));
    }
    let list = |items: &[String]| items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(", ");
    if !d.impact_area.is_empty() {
        out.push_str(&format!("impact_area: [{}]\n", list(&d.impact_area)));
    }
    for (key, items) in [("roles", &d.roles), ("systems", &d.systems)] {
        if !items.is_empty() {
            out.push_str(&format!("{key}: [{}]\n", list(items)));
        }
    }
    if let Some(team) = &d.team {
        out.push_str(&format!("team: {}\n", quote(&one_line(team))));
    }
    if !d.tags.is_empty() {
        out.push_str(&format!("tags: [{}]\n", list(&d.tags)));
    }
    if !d.actions.is_empty() {
        out.push_str("actions:\n");
        for a in &d.actions {
            out.push_str(&format!(
                "  - what: {}\n    owner_role: {}\n    due: {}\n",
                quote(&a.what),
                quote(&a.owner_role),
                a.due
            ));
            out.push_str(&format!("    status: {}\n", a.state.word()));
            if let Some(closed) = a.state.closed() {
                out.push_str(&format!("    closed: {closed}\n"));
            }
            if let Some(reason) = a.state.reason() {
                out.push_str(&format!("    reason: {}\n", quote(reason)));
            }
        }
    }
    out.push_str("---\n");
    let mut unplaced: Vec<&(String, String)> = Vec::new();
    let mut placed = vec![false; d.sections.len()];
    for section in SECTIONS {
        let text: Vec<&str> = d
            .sections
            .iter()
            .enumerate()
            .filter(|(_, (h, _))| h.eq_ignore_ascii_case(section))
            .map(|(i, (_, t))| {
                placed[i] = true;
                t.as_str()
            })
            .collect();
        let text = if text.is_empty() { "_To be written during review._".to_string() } else { text.join("\n\n") };
        out.push_str(&format!("\n## {section}\n\n{text}\n"));
    }
    for (i, s) in d.sections.iter().enumerate() {
        if !placed[i] {
            unplaced.push(s);
        }
    }
    for (heading, text) in unplaced {
        let heading = if heading.is_empty() { "Notes" } else { heading.as_str() };
        out.push_str(&format!("\n## {heading}\n\n{text}\n"));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------- shared by the readers

/// A string field.
fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// A list of strings.
fn texts(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
}

fn date(v: &Value, key: &str) -> Option<Date> {
    v.get(key).and_then(Value::as_str).and_then(|s| s.get(..10)).and_then(|s| s.parse().ok())
}

/// The action items in `what (owner role: r; due: d; status: s[; closed: c])` lines, and the
/// lines that are not in that form.
fn action_lines(text: &str) -> (Vec<Action>, Vec<String>) {
    let mut actions = Vec::new();
    let mut other = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parsed = line.strip_suffix(')').and_then(|l| l.rsplit_once(" (owner role: ")).and_then(|(what, rest)| {
            let mut fields = rest.split("; ");
            let owner = fields.next()?.to_string();
            action(what, &owner, fields.map(|f| f.split_once(": ")).collect::<Option<Vec<_>>>()?)
        });
        match parsed {
            Some(a) => actions.push(a),
            None => other.push(line.to_string()),
        }
    }
    (actions, other)
}

/// An action from its text, owner role and `due`, `status`, `closed` fields.
fn action(what: &str, owner: &str, fields: Vec<(&str, &str)>) -> Option<Action> {
    let get = |k: &str| fields.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let due: Date = get("due")?.parse().ok()?;
    let closed = match get("closed") {
        Some(closed) => Some(closed.parse().ok()?),
        None => None,
    };
    let state = ActionState::from_fields(get("status")?, closed, get("reason"))?;
    let what = what.trim();
    (!what.is_empty() && !owner.trim().is_empty()).then(|| Action {
        what: what.to_string(),
        owner_role: owner.trim().to_string(),
        due,
        state,
    })
}

/// `records` one by one: an array, or a single object.
fn each(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_lines_read_back_what_the_exports_write() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let a = Action {
            what: "Rotate (twice)".into(),
            owner_role: "sre".into(),
            due: d("2025-02-01"),
            state: ActionState::Done { closed: d("2025-01-20") },
        };
        let text = format!("{}\nReview the process\n", crate::export::veris::action_line(&a));
        let (actions, other) = action_lines(&text);
        assert_eq!(actions, [a]);
        assert_eq!(other, ["Review the process"]);
    }

    #[test]
    fn drafts_are_written_with_every_section() {
        let draft = Draft {
            origin: "x.json#1".into(),
            title: "A \"quoted\" title".into(),
            occurred: "2025-01-02".parse().ok(),
            sections: vec![("What almost failed".into(), "It.".into()), (String::new(), "Loose notes.".into())],
            ..Draft::default()
        };
        let text = writeup_text(&draft, "NM-0001", &["unclassified".into()], "2025-03-01".parse().unwrap());
        assert!(text.starts_with("---\nid: NM-0001\ntitle: \"A \\\"quoted\\\" title\"\nstatus: draft"), "{text}");
        assert!(text.contains("tlp: red"), "{text}");
        assert!(text.contains("reported: 2025-03-01\n"), "{text}");
        for s in SECTIONS {
            assert!(text.contains(&format!("\n## {s}\n")), "{s}");
        }
        assert!(text.contains("## What almost failed\n\nIt.\n"));
        assert!(text.ends_with("## Notes\n\nLoose notes.\n"), "{text}");
    }

    #[test]
    fn ids_that_could_escape_are_refused() {
        assert!(is_id("NM-0001"));
        assert!(!is_id("../x") && !is_id("a/b") && !is_id(""));
    }
}
