//! Turns parsed documents into typed writeups and patterns, reporting every schema problem.

pub mod fields;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::load::{Document, Kind};
use crate::memo::{fingerprint, Memo};
use crate::model::{Action, ActionState, Allowance, Keyword, Pattern, Severity, Status, StoppedBy, Tlp, Writeup};
use crate::roles::Role;
use crate::yaml::Node;
use fields::{did_you_mean, Fields, Need};

/// The six sections of a retrospective, in order.
pub const SECTIONS: [&str; 6] = [
    "What almost failed",
    "What stopped it",
    "What would have happened",
    "Why it happened",
    "What we learned",
    "How we make luck unnecessary",
];

/// The validated knowledge base; documents with errors are left out.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub writeups: Vec<Arc<Writeup>>,
    pub patterns: Vec<Pattern>,
    /// The allowances of each document that failed validation, by path, read leniently so that
    /// the gate honours them while its other problems are being fixed (a valid document's are
    /// in its record).
    pub lenient: HashMap<PathBuf, Vec<Allowance>>,
}

/// Validates every document, then what only the whole set can tell (unique ids, known patterns);
/// a writeup's roles are checked against `roles`, and `today` catches dates in the future.
/// Each document's front matter is parsed once, read, and dropped before the next: the trees
/// are never all held together.
/// `memo` keeps each writeup's result between runs, reused while the file, the pattern slugs,
/// the roles and `today` are unchanged.
pub fn validate(
    documents: &[Arc<Document>],
    today: Date,
    roles: &[Role],
    memo: &mut Memo<Checked<Arc<Writeup>>>,
    diags: &mut Diagnostics,
) -> Knowledge {
    let mut lenient = HashMap::new();
    let of_kind = |kind| documents.iter().filter(|d| d.kind == kind).collect::<Vec<_>>();
    let (pattern_docs, writeup_docs) = (of_kind(Kind::Pattern), of_kind(Kind::Writeup));
    let checked = pattern_docs.par_iter().map(|d| check(d, |front, found| pattern_in(d, front, found))).collect();
    let patterns: Vec<Pattern> = collect(&pattern_docs, checked, diags, &mut lenient);
    check_unique_slugs(&patterns, diags);
    // A writeup may name a catalogue pattern as it is (`catalog/<slug>`), unless the site has a
    // pattern of its own under that name.
    let catalogue: Vec<String> = crate::catalog::entries().iter().map(|e| e.reference()).collect();
    let slugs: Vec<&str> =
        patterns.iter().map(|p| p.slug.as_str()).chain(catalogue.iter().map(String::as_str)).collect();
    let known: Vec<&str> = roles.iter().map(|r| r.slug.as_str()).collect();
    let context = fingerprint((&slugs, &known, today));
    let checked = memo.get_all(
        &writeup_docs,
        |d| (d.path.as_path(), fingerprint((d.stamp(), context))),
        |d| {
            check(d, |front, found| {
                crate::roles::check(&d.path, front, &known, found);
                writeup_in(d, front, today, &slugs, found).map(Arc::new)
            })
        },
    );
    let writeups = collect(&writeup_docs, checked, diags, &mut lenient);
    check_unique_ids(&writeups, diags);
    let mut patterns = patterns;
    let mut named: Vec<&'static crate::catalog::Entry> = writeups
        .iter()
        .flat_map(|w| w.patterns.iter())
        .filter_map(|(slug, _)| crate::catalog::get(slug.strip_prefix(crate::catalog::PREFIX)?))
        .filter(|e| !patterns.iter().any(|p| p.slug == e.reference()))
        .collect();
    named.sort_by_key(|e| e.slug.as_str());
    named.dedup_by_key(|e| e.slug.as_str());
    patterns.extend(named.into_iter().map(Pattern::from_catalogue));
    Knowledge { writeups, patterns, lenient }
}

/// What validating one document found: its record (unless it has errors), every problem, and
/// the allowances of a document with errors, read leniently.
#[derive(Debug, Clone)]
pub struct Checked<T> {
    record: Option<T>,
    found: Diagnostics,
    lenient: Vec<Allowance>,
}

/// Validates `doc` with `read`, which gets its parsed front matter.
fn check<T>(doc: &Document, read: impl FnOnce(&Node, &mut Diagnostics) -> Option<T>) -> Checked<T> {
    let mut found = Diagnostics::default();
    let Some(front) = doc.front(&mut found) else {
        return Checked { record: None, found, lenient: Vec::new() };
    };
    let record = read(&front, &mut found);
    let lenient = if record.is_none() { lenient_allowances(&doc.path, &front) } else { Vec::new() };
    Checked { record, found, lenient }
}

/// The valid records of `documents` from their `results`, in order, reporting every problem
/// found and keeping the lenient allowances of the documents that failed.
fn collect<T>(
    documents: &[&Arc<Document>],
    results: Vec<Checked<T>>,
    diags: &mut Diagnostics,
    lenient: &mut HashMap<PathBuf, Vec<Allowance>>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(results.len());
    for (doc, Checked { record, found, lenient: allowed }) in documents.iter().zip(results) {
        diags.extend(found);
        match record {
            Some(record) => out.push(record),
            None => {
                lenient.insert(doc.path.clone(), allowed);
            }
        }
    }
    out
}

/// Names that page files already use: `writeups/index.html`, `patterns/index.html`.
const RESERVED_NAMES: [&str; 1] = ["index"];

/// One writeup, its pattern references checked against `slugs`.
pub fn writeup(doc: &Document, today: Date, slugs: &[&str], diags: &mut Diagnostics) -> Option<Writeup> {
    writeup_in(doc, &doc.front(diags)?, today, slugs, diags)
}

/// One writeup whose front matter is `front`.
fn writeup_in(doc: &Document, front: &Node, today: Date, slugs: &[&str], diags: &mut Diagnostics) -> Option<Writeup> {
    let file = doc.path.as_path();
    let mut f = Fields::new(file, front, "the front matter", diags)?;
    let id = f.text("id", Need::Required, "give the writeup a unique id such as NM-0042");
    let title = f.text("title", Need::Required, "a one-line, blameless summary of what almost happened");
    let status = f.keyword::<Status>("status", Need::Required);
    let tlp = f.keyword::<Tlp>("tlp", Need::Required);
    let occurred = f.date("occurred", Need::Required);
    let detected = f.date("detected", Need::Optional);
    let reported = f.date("reported", Need::Required);
    let reviewed = f.date("reviewed", Need::Optional);
    let retrospective = f.date("retrospective", Need::Optional);
    let patterns =
        f.list("patterns", Need::Required, "list at least one pattern slug, e.g. `patterns: [firewall-change-drift]`");
    let severity = f.keyword::<Severity>("severity", Need::Required);
    let stopped_by = f.keyword::<StoppedBy>("stopped_by", Need::Required);
    let detection = f.text("detection", Need::Optional, "");
    let impact_area = f.list("impact_area", Need::Optional, "");
    let roles = f.list("roles", Need::Optional, "");
    let systems = f.list("systems", Need::Optional, "");
    let team = f.text("team", Need::Optional, "");
    let tags = f.list("tags", Need::Optional, "");
    let actions = actions(&mut f);
    let allow = allowances(&mut f);
    f.finish();

    if let Some((id, span)) = &id {
        let valid = id.len() <= 64
            && id.starts_with(|c: char| c.is_ascii_alphanumeric())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            diags.push(
                Diagnostic::error(file, *span, format!("id `{id}` cannot be used in a URL"))
                    .with_hint("use letters, digits, `-` and `_` only, e.g. NM-0042"),
            );
        } else if RESERVED_NAMES.contains(&id.to_lowercase().as_str()) {
            diags.push(
                Diagnostic::error(file, *span, format!("id `{id}` is reserved for the list of writeups"))
                    .with_hint("use an id such as NM-0042"),
            );
        }
    }
    for (slug, span) in patterns.iter().flatten() {
        check_pattern_ref(file, slug, *span, slugs, diags);
    }
    if let Some(patterns) = &patterns {
        if patterns.is_empty() {
            let span = front.span;
            diags.push(
                Diagnostic::error(file, span, "`patterns` is empty")
                    .with_hint("every writeup belongs to at least one pattern"),
            );
        }
    }
    check_dates(file, occurred, detected, reported, reviewed, today, diags);
    check_retrospective(file, retrospective, [("detected", detected), ("occurred", occurred)], reviewed, today, diags);
    if let (Some(Status::Approved), None) = (status, reviewed) {
        let span = front.span;
        diags.push(
            Diagnostic::error(file, span, "an approved writeup needs a `reviewed` date")
                .with_hint("add `reviewed: YYYY-MM-DD`, the day the review approved it for sharing"),
        );
    }
    check_sections(doc, diags);
    let too_many =
        too_many(file, "tags", &tags, MAX_TAGS, diags) | too_many(file, "patterns", &patterns, MAX_PATTERNS, diags);
    if too_many {
        return None;
    }

    Some(Writeup {
        source: doc.path.clone(),
        id_span: id.as_ref()?.1,
        id: id?.0.into(),
        title: title?.0,
        status: status?,
        tlp: tlp?,
        occurred: occurred?.0,
        detected: detected.map(|d| d.0),
        reported: reported?.0,
        reviewed: reviewed.map(|d| d.0),
        retrospective: retrospective.map(|d| d.0),
        patterns: patterns.filter(|p| !p.is_empty())?,
        severity: severity?,
        stopped_by: stopped_by?,
        detection: detection.map(|d| d.0),
        impact_area: texts(impact_area),
        roles: texts(roles),
        systems: texts(systems),
        team: team.map(|t| t.0),
        tags: texts(tags),
        actions: actions?,
        allow: allow?,
        body: doc.body.clone(),
        front_stamp: doc.front_stamp,
        origin: None,
    })
}

fn texts(list: Option<Vec<(String, Span)>>) -> Vec<String> {
    list.unwrap_or_default().into_iter().map(|(t, _)| t).collect()
}

/// Reads `actions:`; `None` when any item is invalid.
fn actions(f: &mut Fields<'_>) -> Option<Vec<Action>> {
    let Some(node) = f.node("actions", Need::Optional, "") else {
        return Some(Vec::new());
    };
    let items = f.as_list("actions", node)?;
    let file = f.file();
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let mut a = Fields::new(file, item, "an action item", f.diags())?;
        let what =
            a.text("what", Need::Required, "what will be done, e.g. `what: Add a policy linter to the pipeline`");
        let owner = a.text(
            "owner_role",
            Need::Required,
            "the role that owns it (never a person), e.g. `owner_role: security-lead`",
        );
        let due = a.date("due", Need::Required);
        #[derive(Clone, Copy, PartialEq)]
        enum Word {
            Open,
            InProgress,
            Done,
            WontDo,
        }
        impl Keyword for Word {
            const ALL: &'static [(&'static str, Self)] = &[
                ("open", Word::Open),
                ("in-progress", Word::InProgress),
                ("done", Word::Done),
                ("wont-do", Word::WontDo),
            ];
        }
        let status = a.keyword::<Word>("status", Need::Required);
        let closed = a.date("closed", Need::Optional);
        let reason = a.text("reason", Need::Optional, "");
        a.finish();
        let misplaced = status.is_some_and(|w| w != Word::WontDo);
        if let (true, Some((_, span))) = (misplaced, &reason) {
            f.diags().push(
                Diagnostic::error(file, *span, "only a `wont-do` action item has a `reason`")
                    .with_hint("set `status: wont-do`, or remove `reason`"),
            );
        }
        let state = match (status, closed) {
            (Some(word @ (Word::Open | Word::InProgress)), Some((_, span))) => {
                let name = if word == Word::Open { "an open" } else { "an in-progress" };
                f.diags().push(
                    Diagnostic::error(file, span, format!("{name} action item has a `closed` date"))
                        .with_hint("set `status: done` (or `wont-do`), or remove `closed`"),
                );
                None
            }
            (Some(Word::Open), None) => Some(ActionState::Open),
            (Some(Word::InProgress), None) => Some(ActionState::InProgress),
            (Some(Word::Done), Some((closed, _))) => Some(ActionState::Done { closed }),
            (Some(Word::WontDo), Some((closed, _))) => match &reason {
                Some((reason, _)) if !reason.trim().is_empty() => {
                    Some(ActionState::WontDo { closed, reason: reason.trim().to_string() })
                }
                _ => {
                    f.diags().push(
                        Diagnostic::error(file, item.span, "a wont-do action item needs a `reason`")
                            .with_hint("say why it will not be done, e.g. `reason: the service was retired`"),
                    );
                    None
                }
            },
            (Some(word @ (Word::Done | Word::WontDo)), None) => {
                let (name, what) = if word == Word::Done { ("done", "done") } else { ("wont-do", "decided against") };
                f.diags().push(
                    Diagnostic::error(file, item.span, format!("a {name} action item needs a `closed` date"))
                        .with_hint(format!("add `closed: YYYY-MM-DD`, the day it was {what}")),
                );
                None
            }
            (None, _) => None,
        }
        .filter(|_| !(misplaced && reason.is_some()));
        match (what, owner, due, state) {
            (Some(what), Some(owner), Some(due), Some(state)) => {
                out.push(Action { what: what.0, owner_role: owner.0, due: due.0, state })
            }
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// The allowances of any document, even one that fails validation (none while one is malformed),
/// so the gate can honour them while other problems are being fixed.
pub fn allowances_of(doc: &Document) -> Vec<Allowance> {
    doc.front(&mut Diagnostics::default()).map_or_else(Vec::new, |front| lenient_allowances(&doc.path, &front))
}

/// The allowances in `front`, whatever else is wrong with it (none while one is malformed).
fn lenient_allowances(file: &Path, front: &Node) -> Vec<Allowance> {
    let mut scratch = Diagnostics::default();
    let Some(mut f) = Fields::new(file, front, "the front matter", &mut scratch) else {
        return Vec::new();
    };
    allowances(&mut f).unwrap_or_default()
}

/// Reads `allow:`, the gate findings accepted as false positives; `None` when any item is invalid.
fn allowances(f: &mut Fields<'_>) -> Option<Vec<Allowance>> {
    let Some(node) = f.node("allow", Need::Optional, "") else {
        return Some(Vec::new());
    };
    let items = f.as_list("allow", node)?;
    let file = f.file();
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let mut a = Fields::new(file, item, "an allowance", f.diags())?;
        let text = a.text("text", Need::Required, "the exact text the gate may accept, e.g. `text: 10.0.0.0/8`");
        let reason = a.text(
            "reason",
            Need::Required,
            "why it is safe to publish, e.g. `reason: a private range named in a policy`",
        );
        a.finish();
        match (text, reason) {
            (Some((text, span)), Some((reason, _))) => out.push(Allowance { text, reason, span }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// Dates must follow the story: occurred ≤ detected ≤ reported ≤ reviewed, none in the future.
fn check_dates(
    file: &Path,
    occurred: Option<(Date, Span)>,
    detected: Option<(Date, Span)>,
    reported: Option<(Date, Span)>,
    reviewed: Option<(Date, Span)>,
    today: Date,
    diags: &mut Diagnostics,
) {
    let chain = [("occurred", occurred), ("detected", detected), ("reported", reported), ("reviewed", reviewed)];
    let mut previous: Option<(&str, Date)> = None;
    for (name, value) in chain {
        let Some((date, span)) = value else { continue };
        if let Some((before, earlier)) = previous {
            if date < earlier {
                diags.push(
                    Diagnostic::error(file, span, format!("`{name}` ({date}) is before `{before}` ({earlier})"))
                        .with_hint("a near miss occurs, then is detected, reported and reviewed, in that order"),
                );
            }
        }
        if date > today {
            diags.push(
                Diagnostic::warning(file, span, format!("`{name}` ({date}) is in the future"))
                    .with_hint(format!("today is {today}; check the year")),
            );
        }
        previous = Some((name, date));
    }
}

/// The retrospective is held once the near miss is known (on or after `detected`, else
/// `occurred`) and before the writeup is reviewed; never in the future.
fn check_retrospective(
    file: &Path,
    retrospective: Option<(Date, Span)>,
    known: [(&str, Option<(Date, Span)>); 2],
    reviewed: Option<(Date, Span)>,
    today: Date,
    diags: &mut Diagnostics,
) {
    let Some((date, span)) = retrospective else { return };
    let hint = "the retrospective is held after the near miss is detected and before the writeup is reviewed";
    if let Some((name, (earlier, _))) = known.iter().find_map(|(n, d)| Some((*n, (*d)?))) {
        if date < earlier {
            diags.push(
                Diagnostic::error(file, span, format!("`retrospective` ({date}) is before `{name}` ({earlier})"))
                    .with_hint(hint),
            );
        }
    }
    if let Some((later, _)) = reviewed.filter(|(r, _)| *r < date) {
        diags.push(
            Diagnostic::error(file, span, format!("`retrospective` ({date}) is after `reviewed` ({later})"))
                .with_hint(hint),
        );
    }
    if date > today {
        diags.push(
            Diagnostic::warning(file, span, format!("`retrospective` ({date}) is in the future"))
                .with_hint(format!("today is {today}; check the year")),
        );
    }
}

/// The most tags one writeup may have: each makes a page, and a long list is a mistake.
pub const MAX_TAGS: usize = 50;
/// The most patterns one writeup may belong to.
pub const MAX_PATTERNS: usize = 20;

/// Reports a list longer than `max` at its first item too many; whether it is.
fn too_many(file: &Path, key: &str, list: &Option<Vec<(String, Span)>>, max: usize, diags: &mut Diagnostics) -> bool {
    let Some(list) = list.as_ref().filter(|l| l.len() > max) else { return false };
    diags.push(
        Diagnostic::error(
            file,
            list[max].1,
            format!("`{key}` lists {} items; a writeup may have at most {max}", list.len()),
        )
        .with_hint(format!("keep the {key} that help a reader find similar near misses")),
    );
    true
}

/// Warns about each retrospective section the body lacks.
fn check_sections(doc: &Document, diags: &mut Diagnostics) {
    let found: Vec<String> = doc.headings.iter().map(|h| normalise(h)).collect();
    for section in SECTIONS {
        if !found.contains(&normalise(section)) {
            diags.push(
                Diagnostic::warning(
                    &doc.path,
                    Span::new(doc.body.first_line, 1, 1),
                    format!("missing section \"{section}\""),
                )
                .with_hint(format!("add a `## {section}` heading; `nearmiss new` writes all six")),
            );
        }
    }
}

fn normalise(heading: &str) -> String {
    heading.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// One pattern, its slug from `slug:` or the file name.
pub fn pattern(doc: &Document, diags: &mut Diagnostics) -> Option<Pattern> {
    pattern_in(doc, &doc.front(diags)?, diags)
}

/// One pattern whose front matter is `front`.
fn pattern_in(doc: &Document, front: &Node, diags: &mut Diagnostics) -> Option<Pattern> {
    let file = doc.path.as_path();
    let stem = doc.rel.rsplit('/').next().unwrap_or(&doc.rel).trim_end_matches(".md").to_string();
    let mut f = Fields::new(file, front, "the front matter", diags)?;
    let title = f.text("title", Need::Required, "the pattern's name, e.g. `title: Firewall change drift`");
    let slug = f.text("slug", Need::Optional, "");
    let risk = f.text("risk", Need::Required, "the risk this pattern relates to, in one sentence");
    let signals = f.list("signals", Need::Optional, "");
    let controls = f.list("controls", Need::Optional, "");
    let same_as = f.text("same_as", Need::Optional, "");
    let allow = allowances(&mut f);
    f.finish();
    let same_as = match same_as {
        None => Some(None),
        Some((reference, span)) => match crate::catalog::resolve(&reference) {
            Ok(entry) => Some(Some(entry)),
            Err((message, hint)) => {
                diags.push(Diagnostic::error(file, span, message).with_hint(hint));
                None
            }
        },
    };
    let slug = match slug {
        Some((slug, span)) if !is_slug(&slug) => {
            diags.push(
                Diagnostic::error(file, span, format!("slug `{slug}` is not lowercase words joined by `-`"))
                    .with_hint("use a slug such as `firewall-change-drift`"),
            );
            None
        }
        Some((slug, span)) if RESERVED_NAMES.contains(&slug.as_str()) => {
            diags.push(
                Diagnostic::error(file, span, format!("slug `{slug}` is reserved for the list of patterns"))
                    .with_hint("choose another slug"),
            );
            None
        }
        Some((slug, _)) => Some(slug),
        None if RESERVED_NAMES.contains(&stem.as_str()) => {
            diags.push(
                Diagnostic::error(file, front.span, format!("`{stem}` is reserved for the list of patterns"))
                    .with_hint("rename the file, or add `slug: another-name`"),
            );
            None
        }
        None if is_slug(&stem) => Some(stem),
        None => {
            diags.push(
                Diagnostic::error(file, front.span, format!("file name `{stem}` is not a usable slug"))
                    .with_hint("add `slug: lowercase-words`, or rename the file"),
            );
            None
        }
    };
    for (name, list) in [("signals", &signals), ("controls", &controls)] {
        if list.as_ref().is_some_and(Vec::is_empty) || list.is_none() {
            diags.push(Diagnostic::warning(file, front.span, format!("the pattern lists no {name}")).with_hint(
                if name == "signals" {
                    "add `signals:`, the early warnings that show this pattern building up"
                } else {
                    "add `controls:`, the controls that make luck unnecessary"
                },
            ));
        }
    }
    Some(Pattern {
        source: doc.path.clone(),
        slug: slug?,
        title: title?.0,
        risk: risk?.0,
        signals: texts(signals),
        controls: texts(controls),
        same_as: same_as?,
        allow: allow?,
        body: doc.body.clone(),
        origin: None,
    })
}

/// Lowercase ASCII words and digits joined by `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn check_unique_ids(writeups: &[Arc<Writeup>], diags: &mut Diagnostics) {
    let mut seen: HashMap<String, &Writeup> = HashMap::new();
    for w in writeups {
        if let Some(first) = seen.get(&w.id.to_lowercase()) {
            diags.push(
                Diagnostic::error(
                    &w.source,
                    w.id_span,
                    format!("duplicate id `{}`: {} uses it too", w.id, first.source.display()),
                )
                .with_hint(format!(
                    "ids must be unique; {}:{}:{} has it first",
                    first.source.display(),
                    first.id_span.line,
                    first.id_span.col
                )),
            );
        } else {
            seen.insert(w.id.to_lowercase(), w);
        }
    }
}

fn check_unique_slugs(patterns: &[Pattern], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Pattern> = HashMap::new();
    for p in patterns {
        if let Some(first) = seen.insert(&p.slug, p) {
            diags.push(
                Diagnostic::error(
                    &p.source,
                    Span::new(1, 1, 3),
                    format!("duplicate pattern slug `{}`: {} uses it too", p.slug, first.source.display()),
                )
                .with_hint("give each pattern its own slug"),
            );
        }
    }
}

fn check_pattern_ref(file: &Path, slug: &str, span: Span, slugs: &[&str], diags: &mut Diagnostics) {
    if slugs.contains(&slug) {
        return;
    }
    let hint = match did_you_mean(slug, slugs) {
        Some(close) => format!("did you mean `{close}`?"),
        None if slugs.is_empty() => "add the pattern as content/patterns/<slug>.md".to_string(),
        None => format!("known patterns: {}", slugs.join(", ")),
    };
    diags.push(Diagnostic::error(file, span, format!("unknown pattern `{slug}`")).with_hint(hint));
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
id: NM-0001
title: Rule caught in review
status: approved
tlp: clear
occurred: 2025-01-02
detected: 2025-01-02
reported: 2025-01-03
reviewed: 2025-01-10
patterns: [firewall]
severity: high
stopped_by: process
tags: [firewall]
actions:
  - what: Add a linter
    owner_role: network-engineer
    due: 2025-02-01
    status: done
    closed: 2025-01-20
";

    fn body() -> String {
        SECTIONS.iter().map(|s| format!("## {s}\n\ntext\n\n")).collect()
    }

    fn doc(kind: Kind, rel: &str, front: &str, body: &str) -> Document {
        let text = format!("---\n{front}---\n{body}").into();
        let mut diags = Diagnostics::default();
        let doc = crate::load::parse_document(kind, Path::new(rel), rel, &text, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        doc.unwrap()
    }

    fn pattern_doc() -> Document {
        doc(Kind::Pattern, "patterns/firewall.md", "title: Firewall\nrisk: Exposure\nsignals: [a]\ncontrols: [b]\n", "")
    }

    fn run(docs: &[Document]) -> (Knowledge, Vec<Diagnostic>) {
        let mut diags = Diagnostics::default();
        let docs: Vec<Arc<Document>> = docs.iter().cloned().map(Arc::new).collect();
        let roles =
            [Role { slug: "network-engineer".into(), name: "Network engineer".into(), description: String::new() }];
        let k = validate(&docs, "2026-01-01".parse().unwrap(), &roles, &mut Memo::default(), &mut diags);
        (k, diags.sorted())
    }

    #[test]
    fn a_complete_writeup_validates() {
        let (k, d) = run(&[doc(Kind::Writeup, "w.md", GOOD, &body()), pattern_doc()]);
        assert!(d.is_empty(), "{d:#?}");
        assert_eq!(k.writeups.len(), 1);
        assert_eq!(k.writeups[0].actions[0].state, ActionState::Done { closed: "2025-01-20".parse().unwrap() });
        assert_eq!(k.patterns[0].slug, "firewall");
    }

    #[test]
    fn too_many_tags_or_patterns_are_an_error_at_the_first_one_too_many() {
        let tags: Vec<String> = (0..10_000).map(|i| format!("t{i}")).collect();
        let front = GOOD.replace("tags: [firewall]", &format!("tags: [{}]", tags.join(", ")));
        let (k, d) = run(&[doc(Kind::Writeup, "w.md", &front, &body()), pattern_doc()]);
        assert!(k.writeups.is_empty());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "`tags` lists 10000 items; a writeup may have at most 50");
        let col = front.lines().nth(11).unwrap().find("t50,").unwrap() + 1;
        assert_eq!((d[0].span.line, d[0].span.col), (13, col));
        let front = GOOD.replace("patterns: [firewall]", &format!("patterns: [{}]", vec!["firewall"; 21].join(", ")));
        let (_, d) = run(&[doc(Kind::Writeup, "w.md", &front, &body()), pattern_doc()]);
        assert_eq!(d[0].message, "`patterns` lists 21 items; a writeup may have at most 20");
    }

    #[test]
    fn date_order_and_review_rules() {
        let front = GOOD.replace("reported: 2025-01-03", "reported: 2024-12-30").replace("reviewed: 2025-01-10\n", "");
        let (k, d) = run(&[doc(Kind::Writeup, "w.md", &front, &body()), pattern_doc()]);
        assert!(k.writeups.len() == 1);
        let msgs: Vec<_> = d.iter().map(|d| (d.span.line, d.message.as_str())).collect();
        assert!(msgs.contains(&(8, "`reported` (2024-12-30) is before `detected` (2025-01-02)")), "{msgs:?}");
        assert!(msgs.contains(&(1, "an approved writeup needs a `reviewed` date")), "{msgs:?}");
    }

    #[test]
    fn action_items_need_consistent_status() {
        let front = GOOD.replace("    closed: 2025-01-20\n", "");
        let (k, d) = run(&[doc(Kind::Writeup, "w.md", &front, &body()), pattern_doc()]);
        assert!(k.writeups.is_empty());
        assert_eq!(d[0].message, "a done action item needs a `closed` date");
        assert_eq!(d[0].span.line, 15);
    }

    #[test]
    fn duplicate_ids_name_both_files_and_unknown_patterns_suggest() {
        let other = GOOD.replace("patterns: [firewall]", "patterns: [firewal]").replace("NM-0001", "nm-0001");
        let (_, d) = run(&[
            doc(Kind::Writeup, "a.md", GOOD, &body()),
            doc(Kind::Writeup, "b.md", &other, &body()),
            pattern_doc(),
        ]);
        let dup = d.iter().find(|d| d.message.starts_with("duplicate id")).unwrap();
        assert_eq!(dup.to_string(), "b.md:2:5: error: duplicate id `nm-0001`: a.md uses it too");
        let unknown = d.iter().find(|d| d.message == "unknown pattern `firewal`").unwrap();
        assert_eq!((unknown.span.line, unknown.span.col), (10, 12));
        assert_eq!(unknown.hint.as_deref(), Some("did you mean `firewall`?"));
    }

    #[test]
    fn patterns_point_at_the_catalogue() {
        let front =
            "title: Firewall\nrisk: Exposure\nsignals: [a]\ncontrols: [b]\nsame_as: catalog/firewall-change-drift\n";
        let (k, d) = run(&[doc(Kind::Pattern, "patterns/firewall.md", front, "")]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(k.patterns[0].same_as.map(|e| e.slug.as_str()), Some("firewall-change-drift"));
        let typo = front.replace("change-drift", "change-drfit");
        let (k, d) = run(&[doc(Kind::Pattern, "patterns/firewall.md", &typo, "")]);
        assert!(k.patterns.is_empty());
        assert_eq!(
            d[0].to_string(),
            "patterns/firewall.md:6:10: error: the catalogue has no pattern `firewall-change-drfit`"
        );
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `catalog/firewall-change-drift`?"));
    }

    #[test]
    fn allowances_need_text_and_reason() {
        let front = format!("{GOOD}allow:\n  - text: 10.0.0.0/8\n    reason: a range named in policy\n  - text: x\n");
        let (k, d) = run(&[doc(Kind::Writeup, "w.md", &front, &body()), pattern_doc()]);
        assert!(k.writeups.is_empty());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "missing required field `reason`");
        let front = format!("{GOOD}allow:\n  - text: 10.0.0.0/8\n    reason: a range named in policy\n");
        let (k, _) = run(&[doc(Kind::Writeup, "w.md", &front, &body()), pattern_doc()]);
        assert_eq!(k.writeups[0].allow[0].text, "10.0.0.0/8");
        assert_eq!(k.writeups[0].allow[0].span.line, 21);
    }

    #[test]
    fn missing_sections_are_warnings() {
        let (k, d) = run(&[doc(Kind::Writeup, "w.md", GOOD, "## What almost failed\n\nx\n"), pattern_doc()]);
        assert_eq!(k.writeups.len(), 1);
        assert_eq!(d.len(), 5);
        assert!(d.iter().all(|d| d.level == crate::diagnostic::Level::Warning));
        assert_eq!(d[0].message, "missing section \"What stopped it\"");
    }
}
