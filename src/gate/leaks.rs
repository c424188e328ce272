//! The leak and blame gate: scans every file that would be published for personal data,
//! infrastructure identifiers, secrets and blame, and reports each finding masked.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Level, Locator, Span};
use crate::model::Allowance;
use crate::scan::{mask, Finding, Scanner};

/// How far a file's text may travel, which decides how serious a finding in it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Published, or failing validation and so possibly about to be: findings are errors.
    Public,
    /// A draft, in review, retracted or above the TLP limit: findings are warnings.
    Withheld,
}

/// One file to scan.
pub struct Subject<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub allow: &'a [Allowance],
    pub exposure: Exposure,
}

/// An allowance that accepted findings, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowanceUse {
    pub file: PathBuf,
    pub line: usize,
    pub reason: String,
    pub findings: usize,
}

/// What the gate found besides diagnostics.
#[derive(Debug, Default)]
pub struct LeakReport {
    pub allowed: Vec<AllowanceUse>,
    /// Every text found that must not be printed, to mask wherever it could still appear.
    pub sensitive: Vec<String>,
    /// The text of each file with findings, masked: safe to quote.
    pub masked: Vec<(PathBuf, String)>,
}

/// Reports each subject's findings (but what its allowances accept), and masks them in its text.
/// `findings` holds the scanner's findings for each subject, in order.
pub fn scan(
    subjects: &[Subject<'_>],
    findings: &[Vec<Finding>],
    strict_blameless: bool,
    diags: &mut Diagnostics,
) -> LeakReport {
    let mut report = LeakReport::default();
    for (subject, findings) in subjects.iter().zip(findings) {
        let text = subject.text;
        if findings.is_empty() && subject.allow.is_empty() {
            continue;
        }
        let allowed = allowed_ranges(text, subject.allow);
        let mut uses = vec![0usize; subject.allow.len()];
        let mut masks = Vec::new();
        let mut reported = 0usize;
        let mut locate = Locator::new(text, 1);
        let mut first_unshown = None;
        for finding in findings {
            let matched = &text[finding.range.clone()];
            if let Some((i, own)) = allowed.iter().find(|(_, r)| contains(&r.0, &finding.range)).map(|(i, r)| (*i, r.1))
            {
                if !own {
                    uses[i] += 1;
                }
                continue;
            }
            reported += 1;
            if reported <= MAX_SHOWN_PER_FILE {
                let span = locate.span(finding.range.start, first_line(matched).chars().count());
                diags.push(diagnostic(subject, text, finding, span, strict_blameless));
            } else if first_unshown.is_none() {
                first_unshown = Some((locate.span(finding.range.start, 1), finding));
            }
            if !finding.kind.is_blame() {
                masks.push((finding.range.clone(), mask(finding.kind, matched)));
                report.sensitive.push(matched.to_string());
            }
        }
        if let Some((span, first)) = first_unshown {
            let more = reported - MAX_SHOWN_PER_FILE;
            let mut d = Diagnostic::error(
                subject.path,
                span,
                format!("and {more} more finding{} in this file, not shown", crate::diagnostic::plural(more)),
            )
            .with_hint("fix the findings above and run `nearmiss check` again, or `nearmiss redact` the file");
            d.level = diagnostic(subject, text, first, span, strict_blameless).level;
            diags.push(d);
        }
        let masked = splice(text, masks);
        for (allowance, used) in subject.allow.iter().zip(uses) {
            if used == 0 {
                diags.push(
                    Diagnostic::warning(
                        subject.path,
                        allowance.span,
                        format!("allowance `{}` matches nothing", allowance.text),
                    )
                    .with_hint("remove it, or copy the exact text the gate reports"),
                );
            } else {
                report.allowed.push(AllowanceUse {
                    file: subject.path.to_path_buf(),
                    line: allowance.span.line,
                    reason: allowance.reason.clone(),
                    findings: used,
                });
            }
        }
        report.masked.push((subject.path.to_path_buf(), masked));
    }
    report.sensitive.sort();
    report.sensitive.dedup();
    report
}

/// How many gate findings one file reports; the rest are counted in one more diagnostic.
pub const MAX_SHOWN_PER_FILE: usize = 100;

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

fn diagnostic(subject: &Subject<'_>, text: &str, finding: &Finding, span: Span, strict_blameless: bool) -> Diagnostic {
    let kind = finding.kind;
    let matched = &text[finding.range.clone()];
    let first_line = first_line(matched);
    let level = match subject.exposure {
        Exposure::Withheld => Level::Warning,
        Exposure::Public if kind.is_blame() && !strict_blameless => Level::Warning,
        Exposure::Public => Level::Error,
    };
    let (what, hint) = if kind.is_blame() {
        let hint = match finding.suggestion(text) {
            Some(s) => format!("reword it, e.g. \"{s}\""),
            None => kind.hint().to_string(),
        };
        (format!("{}: \"{first_line}\"", kind.describe()), hint)
    } else {
        let shown = mask(kind, matched);
        let shown = shown.lines().next().unwrap_or(&shown).to_string();
        (format!("{} `{shown}`", kind.describe()), kind.hint().to_string())
    };
    let withheld = if subject.exposure == Exposure::Withheld { " (not published while withheld)" } else { "" };
    let mut d = Diagnostic::error(subject.path, span, format!("{what}{withheld} [{}]", kind.id())).with_hint(hint);
    d.level = level;
    d
}

/// Every occurrence (case-insensitive) of each allowance's text, and whether it is the
/// allowance's own line in the front matter.
fn allowed_ranges(text: &str, allow: &[Allowance]) -> Vec<(usize, (Range<usize>, bool))> {
    let lower = text.to_lowercase();
    let same_length = lower.len() == text.len();
    let mut out = Vec::new();
    for (i, a) in allow.iter().enumerate() {
        let needle = a.text.to_lowercase();
        if needle.is_empty() || !same_length {
            if let Some(start) = text.find(&a.text) {
                out.push((i, occurrence(text, start, a.text.len(), a)));
            }
            continue;
        }
        let mut from = 0;
        while let Some(at) = lower[from..].find(&needle) {
            let start = from + at;
            out.push((i, occurrence(text, start, needle.len(), a)));
            from = start + needle.len().max(1);
        }
    }
    out
}

fn occurrence(text: &str, start: usize, len: usize, a: &Allowance) -> (Range<usize>, bool) {
    let line = text[..start].matches('\n').count() + 1;
    (start..start + len, line == a.span.line)
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Replaces every text in `sensitive` that appears in the diagnostics' messages and hints, in
/// one pass over each (longest secret first where two overlap).
pub fn mask_diagnostics(diagnostics: &mut [Diagnostic], sensitive: &[String]) {
    let sensitive: Vec<&String> = sensitive.iter().filter(|s| !s.is_empty()).collect();
    if sensitive.is_empty() {
        return;
    }
    let Ok(finder) = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&sensitive) else {
        return;
    };
    let hide = |s: &mut String| {
        if !finder.is_match(s.as_str()) {
            return;
        }
        let mut out = String::with_capacity(s.len());
        finder.replace_all_with(s, &mut out, |_, found, out| {
            out.extend(std::iter::repeat_n('*', found.chars().count()));
            true
        });
        *s = out;
    };
    for d in diagnostics {
        hide(&mut d.message);
        if let Some(h) = d.hint.as_mut() {
            hide(h);
        }
    }
}

/// `text` with each range (in order, not overlapping) replaced, built in one pass.
fn splice(text: &str, replacements: Vec<(Range<usize>, String)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, with) in replacements {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&with);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The file with each finding (but blame, and what is allowed) replaced by a typed placeholder.
pub fn redact(text: &str, scanner: &Scanner, allow: &[Allowance]) -> Redaction {
    let allowed = allowed_ranges(text, allow);
    let found: Vec<Finding> =
        scanner.scan(text).into_iter().filter(|f| !allowed.iter().any(|(_, (r, _))| contains(r, &f.range))).collect();
    let rewordings = found
        .iter()
        .filter(|f| f.kind.is_blame())
        .map(|f| Rewording {
            span: Span::at_offset(text, f.range.start, text[f.range.clone()].chars().count(), 1),
            blamed: text[f.range.clone()].split_whitespace().collect::<Vec<_>>().join(" "),
            suggestion: f.suggestion(text).unwrap_or_else(|| f.kind.hint().to_string()),
        })
        .collect();
    let replacements: Vec<(Range<usize>, String)> =
        found.iter().filter(|f| !f.kind.is_blame()).map(|f| (f.range.clone(), f.kind.placeholder())).collect();
    let replaced = replacements.len();
    Redaction { text: splice(text, replacements), replaced, rewordings }
}

/// A file with its findings replaced, and the blameless rewordings its blaming phrases want
/// (blame is reworded by a person, not replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub text: String,
    /// How many findings were replaced by placeholders.
    pub replaced: usize,
    pub rewordings: Vec<Rewording>,
}

/// A blaming phrase, where it is, and how to say it without blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewording {
    pub span: Span,
    pub blamed: String,
    pub suggestion: String,
}
