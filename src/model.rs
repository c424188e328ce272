//! The knowledge base's records once validated: writeups, patterns and their vocabulary.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Span};

/// A closed vocabulary written as lowercase words in front matter.
pub trait Keyword: Sized + Copy + 'static {
    /// Every value with its spelling, in display order.
    const ALL: &'static [(&'static str, Self)];

    fn parse(word: &str) -> Option<Self> {
        Self::ALL.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
    }

    fn as_str(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::ALL.iter().find(|(_, v)| *v == self).map_or("", |(w, _)| w)
    }

    /// "a, b or c", for hints.
    fn choices() -> String {
        let words: Vec<_> = Self::ALL.iter().map(|(w, _)| *w).collect();
        match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        }
    }
}

macro_rules! keyword {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl Keyword for $name {
            const ALL: &'static [(&'static str, Self)] = &[$(($word, $name::$variant)),+];
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

keyword!(
    /// Where a writeup is in its review workflow; only `approved` is ever published.
    Status { Draft = "draft", Review = "review", Approved = "approved", Retracted = "retracted" }
);

keyword!(
    /// FIRST Traffic Light Protocol 2.0 sharing level, ordered from most to least shareable.
    Tlp { Clear = "clear", Green = "green", Amber = "amber", AmberStrict = "amber+strict", Red = "red" }
);

keyword!(
    /// The potential impact had the near miss not been stopped.
    Severity { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
);

keyword!(
    /// What stopped the near miss from becoming an incident.
    StoppedBy { Human = "human", Monitoring = "monitoring", Automation = "automation", Process = "process", Luck = "luck" }
);

impl Tlp {
    /// The label as FIRST writes it, e.g. `TLP:AMBER+STRICT`.
    pub fn label(self) -> String {
        format!("TLP:{}", self.as_str().to_uppercase())
    }
}

impl StoppedBy {
    /// A human-friendly name for pages.
    pub fn label(self) -> &'static str {
        match self {
            StoppedBy::Human => "Human action",
            StoppedBy::Monitoring => "Monitoring",
            StoppedBy::Automation => "Automation",
            StoppedBy::Process => "Process",
            StoppedBy::Luck => "Luck",
        }
    }
}

/// Where an action item stands: still to do (open, in progress) or closed, either done or
/// decided against; a closed item always knows when it was closed, and a dropped one why.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionState {
    Open,
    InProgress,
    Done { closed: Date },
    WontDo { closed: Date, reason: String },
}

impl ActionState {
    /// Every status word as front matter writes it, in display order.
    pub const WORDS: [&'static str; 4] = ["open", "in-progress", "done", "wont-do"];

    /// The status word as front matter writes it.
    pub fn word(&self) -> &'static str {
        match self {
            ActionState::Open => "open",
            ActionState::InProgress => "in-progress",
            ActionState::Done { .. } => "done",
            ActionState::WontDo { .. } => "wont-do",
        }
    }

    /// The day it was closed (done or decided against); `None` while it is still to do.
    pub fn closed(&self) -> Option<Date> {
        match self {
            ActionState::Open | ActionState::InProgress => None,
            ActionState::Done { closed } | ActionState::WontDo { closed, .. } => Some(*closed),
        }
    }

    /// `status: s[; closed: c][; reason: r]`, as the MISP and VERIS exports write it (a `;` in
    /// the reason becomes `,`, so the fields stay apart).
    pub fn fields(&self) -> String {
        let mut out = format!("status: {}", self.word());
        if let Some(closed) = self.closed() {
            out.push_str(&format!("; closed: {closed}"));
        }
        if let Some(reason) = self.reason() {
            out.push_str(&format!("; reason: {}", reason.replace(';', ",")));
        }
        out
    }

    /// The state from its word, closing date and reason; `None` unless they fit together.
    pub fn from_fields(word: &str, closed: Option<Date>, reason: Option<&str>) -> Option<ActionState> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        match (word, closed, reason) {
            ("open", None, None) => Some(ActionState::Open),
            ("in-progress", None, None) => Some(ActionState::InProgress),
            ("done", Some(closed), None) => Some(ActionState::Done { closed }),
            ("wont-do", Some(closed), Some(reason)) => Some(ActionState::WontDo { closed, reason: reason.into() }),
            _ => None,
        }
    }

    /// Why it will not be done, for `wont-do`.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ActionState::WontDo { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// A follow-up owned by a role (never a person) with a due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub what: String,
    pub owner_role: String,
    pub due: Date,
    pub state: ActionState,
}

impl Action {
    /// Still to do (open or in progress) and past its due date on `as_of`.
    pub fn is_overdue(&self, as_of: Date) -> bool {
        self.state.closed().is_none() && self.due < as_of
    }

    /// Done after its due date: a late completion.
    pub fn is_late(&self) -> bool {
        matches!(self.state, ActionState::Done { closed } if closed > self.due)
    }
}

/// A false positive of the publication gate, accepted explicitly for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowance {
    /// The exact text to accept (matched case-insensitively).
    pub text: String,
    /// Why it is not what the gate thinks it is.
    pub reason: String,
    pub span: Span,
}

/// A file's whole text: held, or read again from its file each time it is asked for. A build
/// holds no knowledge base's text for longer than a file takes to go through a stage: the texts
/// of a large one would take more memory than the rest of the build.
#[derive(Debug, Clone)]
pub struct Source {
    text: Text,
    len: usize,
    /// A fingerprint of the text as first read: what a text read again must match, and what
    /// results derived from it are reused under.
    print: u64,
}

/// Where a text is.
#[derive(Debug, Clone)]
enum Text {
    /// In memory: the embedded example's, an imported record's, or one made in a test.
    Held(Arc<str>),
    /// In this file; a text that is not the one first read is refused, so that what is
    /// published is what the gate read.
    File(Arc<Path>),
}

impl Source {
    pub fn held(text: Arc<str>) -> Source {
        Source { len: text.len(), print: quick_print(&text), text: Text::Held(text) }
    }

    /// This text, read from now on from `path`, which holds it.
    pub fn read_again_from(&self, path: &Path) -> Source {
        Source { text: Text::File(path.into()), ..*self }
    }

    /// A fingerprint of the text: it changes whenever the text does.
    pub fn print(&self) -> u64 {
        self.print
    }

    /// The text, refused if its file no longer holds it.
    pub fn text(&self) -> Result<Cow<'_, str>, SourceError> {
        let path = match &self.text {
            Text::Held(text) => return Ok(Cow::Borrowed(text)),
            Text::File(path) => path,
        };
        let unreadable = |source| SourceError::Unreadable { path: path.to_path_buf(), source };
        let mut text = String::with_capacity(self.len);
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text)).map_err(unreadable)?;
        if text.len() != self.len || quick_print(&text) != self.print {
            return Err(SourceError::Changed { path: path.to_path_buf() });
        }
        Ok(Cow::Owned(text))
    }
}

/// The markdown body of a document, the end of its file's text, and the line it starts on.
#[derive(Debug, Clone)]
pub struct Body {
    source: Source,
    /// Where the body starts in the text, on a character boundary.
    start: usize,
    pub first_line: usize,
    /// A fingerprint of the markdown and its first line, made once: what is derived from the
    /// body is reused while it holds.
    pub stamp: u64,
}

/// Why a file's text (a body, or what the gate reads) cannot be read again from the file.
#[derive(Debug)]
pub enum SourceError {
    Unreadable { path: PathBuf, source: std::io::Error },
    Changed { path: PathBuf },
}

impl SourceError {
    /// The failure as an error about its file, for the report.
    pub fn diagnostic(&self) -> Diagnostic {
        let (path, message) = self.parts();
        Diagnostic::error(path, Span::new(1, 1, 1), message).with_hint("build again once the file is saved")
    }

    fn parts(&self) -> (&Path, String) {
        match self {
            SourceError::Unreadable { path, source } => (path, format!("cannot read the file again: {source}")),
            SourceError::Changed { path } => (path, "the file changed while the site was being built".to_string()),
        }
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (path, message) = self.parts();
        write!(f, "{}: {message}; build again once it is saved", path.display())
    }
}

impl std::error::Error for SourceError {}

impl Body {
    /// A body of its own, starting at line `first_line` of its file.
    pub fn new(markdown: String, first_line: usize) -> Body {
        Body::within(markdown.into(), 0, first_line)
    }

    /// The part of the file `text` from byte `start` (a character boundary; else the body is
    /// empty), which is line `first_line`.
    pub fn within(text: Arc<str>, start: usize, first_line: usize) -> Body {
        let start = if text.is_char_boundary(start) { start } else { text.len() };
        let stamp = crate::memo::fingerprint((&text[start..], first_line));
        Body { source: Source::held(text), start, first_line, stamp }
    }

    /// This body, read from now on from `source` (the same text).
    pub fn read_from(self, source: Source) -> Body {
        Body { source, ..self }
    }

    /// The markdown.
    pub fn markdown(&self) -> Result<Cow<'_, str>, SourceError> {
        Ok(match self.source.text()? {
            Cow::Borrowed(text) => Cow::Borrowed(&text[self.start..]),
            Cow::Owned(mut text) => {
                text.replace_range(..self.start, "");
                Cow::Owned(text)
            }
        })
    }
}

/// A fingerprint of a file's text, quick to take each time it is read again: it tells an edit
/// made during a build, not a forgery (whoever can write the content can change it anyway).
fn quick_print(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.first_line == other.first_line && self.stamp == other.stamp
    }
}

impl Eq for Body {}

/// A validated near-miss retrospective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writeup {
    pub source: PathBuf,
    /// Shared, so the many lists of ids (KRI periods) cost a pointer each.
    pub id: Arc<str>,
    pub id_span: Span,
    pub title: String,
    pub status: Status,
    pub tlp: Tlp,
    pub occurred: Date,
    pub detected: Option<Date>,
    pub reported: Date,
    pub reviewed: Option<Date>,
    /// The day the retrospective was held.
    pub retrospective: Option<Date>,
    pub patterns: Vec<(String, Span)>,
    pub severity: Severity,
    pub stopped_by: StoppedBy,
    pub detection: Option<String>,
    pub impact_area: Vec<String>,
    pub roles: Vec<String>,
    pub systems: Vec<String>,
    pub team: Option<String>,
    pub tags: Vec<String>,
    pub actions: Vec<Action>,
    pub allow: Vec<Allowance>,
    pub body: Body,
    /// A fingerprint of the front matter, which every field but `body` is read from: what does
    /// not read the body (the KRIs) is reused while it is unchanged.
    pub front_stamp: u64,
    /// The member it was imported from; `None` for the site's own writeups.
    pub origin: Option<Arc<Member>>,
}

/// A member organisation of a federation, as an importing site knows it: the name of its entry
/// in `sources:` (which namespaces its ids and slugs) and its pseudonymous label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Member {
    pub source: String,
    pub label: String,
}

impl Writeup {
    /// The page's path from the site root; ids are matched case-insensitively, so URLs are lowercase.
    pub fn url(&self) -> String {
        writeup_url(&self.id)
    }
}

/// The page of the writeup with `id`, from the site root.
pub fn writeup_url(id: &str) -> String {
    format!("writeups/{}.html", id.to_lowercase())
}

/// A recurring class of near miss, tied to a risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub source: PathBuf,
    pub slug: String,
    pub title: String,
    pub risk: String,
    pub signals: Vec<String>,
    pub controls: Vec<String>,
    /// The catalogue pattern this one is (`same_as: catalog/<slug>`).
    pub same_as: Option<&'static crate::catalog::Entry>,
    pub allow: Vec<Allowance>,
    pub body: Body,
    /// The member it was imported from, when no pattern of the site's own stands for it.
    pub origin: Option<Arc<Member>>,
}

impl Pattern {
    /// The catalogue's `entry` as a pattern (`catalog/<slug>`): for writeups that name it as it
    /// is, and for the federation, where it stands for every member's pattern that is its
    /// `same_as`.
    pub fn from_catalogue(entry: &'static crate::catalog::Entry) -> Pattern {
        let body = format!(
            "A pattern of the built-in catalogue: near misses whose patterns are the same as `{}` are shown here together.\n",
            entry.reference()
        );
        Pattern {
            source: PathBuf::from(format!("<catalog>/{}", entry.slug)),
            slug: entry.reference(),
            title: entry.title.clone(),
            risk: entry.risk.clone(),
            signals: entry.signals.clone(),
            controls: entry.controls.clone(),
            same_as: Some(entry),
            allow: Vec::new(),
            body: Body::new(body, 1),
            origin: None,
        }
    }

    /// Whether the pattern is the site's own, not imported or the catalogue's: only its own
    /// have plain slugs (the others are `<source>/<slug>` and `catalog/<slug>`).
    pub fn is_own(&self) -> bool {
        self.origin.is_none() && !self.slug.contains('/')
    }

    pub fn url(&self) -> String {
        format!("patterns/{}.html", self.slug)
    }
}

/// Lowercase words joined by `-`, for URLs of tags and generated file names.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_read_again_is_the_one_first_read_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.md");
        let text = "\u{feff}---\nid: x\n---\n## Body é\n";
        std::fs::write(&path, text).unwrap();
        let held = Body::within(text.into(), text.find("## ").unwrap(), 4);
        let source = Source::held(text.into()).read_again_from(&path);
        assert_eq!(source.print(), Source::held(text.into()).print(), "the file's text is the one held");
        assert_ne!(source.print(), Source::held(text.replace("Body", "Bady").into()).print());
        let body = held.clone().read_from(source);
        assert_eq!(body.markdown().unwrap(), "## Body é\n");
        assert_eq!((body.stamp, body.first_line), (held.stamp, held.first_line));
        assert_eq!(body, held);

        // An edit of the same length is caught as surely as one that changes it.
        std::fs::write(&path, text.replace("Body", "Bady")).unwrap();
        assert!(matches!(body.markdown(), Err(SourceError::Changed { .. })));
        std::fs::write(&path, format!("{text}more\n")).unwrap();
        let changed = body.markdown().unwrap_err();
        assert_eq!(changed.diagnostic().message, "the file changed while the site was being built");
        assert!(changed.to_string().starts_with(&format!("{}: ", path.display())), "{changed}");
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(body.markdown(), Err(SourceError::Unreadable { .. })));
    }

    #[test]
    fn keywords_parse_and_print() {
        assert_eq!(Tlp::parse("amber+strict"), Some(Tlp::AmberStrict));
        assert_eq!(Tlp::AmberStrict.label(), "TLP:AMBER+STRICT");
        assert_eq!(Severity::parse("High"), None);
        assert_eq!(Severity::choices(), "low, medium, high or critical");
        assert!(Tlp::Clear < Tlp::Green && Tlp::AmberStrict < Tlp::Red);
    }

    #[test]
    fn overdue_means_open_and_past_due() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let mut a =
            Action { what: "x".into(), owner_role: "sre".into(), due: d("2025-01-10"), state: ActionState::Open };
        assert!(!a.is_overdue(d("2025-01-10")));
        assert!(a.is_overdue(d("2025-01-11")));
        a.state = ActionState::InProgress;
        assert!(a.is_overdue(d("2025-01-11")));
        a.state = ActionState::Done { closed: d("2025-02-01") };
        assert!(!a.is_overdue(d("2025-03-01")));
        assert!(a.is_late());
        a.state = ActionState::WontDo { closed: d("2025-01-05"), reason: "superseded".into() };
        assert!(!a.is_overdue(d("2025-03-01")) && !a.is_late());
        assert_eq!(a.state.closed(), Some(d("2025-01-05")));
    }

    #[test]
    fn slugify_keeps_words() {
        assert_eq!(slugify("Change Review / CAB"), "change-review-cab");
        assert_eq!(slugify("  TLS & certs!  "), "tls-certs");
    }
}
