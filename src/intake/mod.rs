//! `nearmiss intake FILE|-`: a near-miss report becomes a draft writeup with the next free id.
//! The report is either the markdown of an issue made with the near-miss issue form (answers
//! under `### Label` headings, as GitHub writes them) or a writeup file from the site's report
//! page. Every problem of the report is found in one run, at its line; nothing is written while
//! one remains. The draft is always `status: draft`, whatever the report says.

pub mod form;

use std::fs;
use std::path::{Path, PathBuf};

use crate::catalog;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::import::{self, Draft, Imported, PatternName};
use crate::model::{slugify, Action, ActionState};
use crate::scaffold::{next_id, Survey};
use crate::validate::is_slug;
use crate::Error;
use form::{Answer, Field, Place, ACTION_SEPARATOR, CONFIRM_LABEL};

/// What an intake wrote: the draft (none when the report has errors) and any pattern it needed.
#[derive(Debug, Default)]
pub struct Intake {
    pub writeup: Option<PathBuf>,
    pub patterns: Vec<PathBuf>,
    /// The report's problems, at lines of `name`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the report `text` (shown as `name` in messages) and, unless it has errors, writes the
/// draft into `content`.
pub fn intake(content: &Path, name: &Path, text: &str, today: Date) -> Result<Intake, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n").replace('\r', "\n");
    let text = clean(&text);
    let mut survey = Survey::of(content)?;
    let mut diags = Diagnostics::default();
    if text.len() as u64 > survey.config.max_file_size {
        diags.push(
            Diagnostic::error(name, Span::new(1, 1, 1), format!("the report is {} bytes, too long", text.len()))
                .with_hint(format!("a report may have at most {} bytes (`max_file_mb`)", survey.config.max_file_size)),
        );
        return Ok(Intake { diagnostics: diags.sorted(), ..Intake::default() });
    }
    if text.starts_with("---\n") {
        let writeup = writeup_file(content, name, &text, &mut survey, today, &mut diags)?;
        return Ok(Intake { writeup, diagnostics: diags.sorted(), ..Intake::default() });
    }
    let draft = read_issue(name, &text, &survey, today, &mut diags);
    let mut imported = Imported::default();
    if let (Some(draft), false) = (draft, diags.has_errors()) {
        import::write_drafts(content, vec![draft], &mut survey, today, &mut imported)?;
    }
    Ok(Intake { writeup: imported.writeups.pop(), patterns: imported.patterns, diagnostics: diags.sorted() })
}

/// `text` without control characters other than newlines and tabs (a terminal escape, a NUL),
/// nor bidirectional overrides, which have no place in a writeup.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)))
        .filter(|c| !('\u{2066}'..='\u{2069}').contains(c))
        .collect()
}

/// One answer of the issue: its text and the line of its `###` heading.
struct Answered {
    heading_line: usize,
    /// Line number and text of each line of the answer.
    lines: Vec<(usize, String)>,
}

impl Answered {
    /// The answer without surrounding blank lines; empty when GitHub wrote "_No response_".
    fn text(&self) -> String {
        let text: Vec<&str> = self.lines.iter().map(|(_, l)| l.as_str()).collect();
        let text = text.join("\n");
        let text = text.trim_matches('\n').trim_end();
        if text.trim() == "_No response_" {
            String::new()
        } else {
            text.to_string()
        }
    }

    /// The line of the first non-blank line of the answer, else the heading's.
    fn line(&self) -> usize {
        self.lines.iter().find(|(_, l)| !l.trim().is_empty()).map_or(self.heading_line, |(n, _)| *n)
    }
}

/// Splits the issue into answers by the form's labels, in order: a `###` heading that is not
/// the next label (or that is inside a fenced block) is part of the answer it is in.
fn answers(text: &str, fields: &[Field]) -> Vec<(usize, Answered)> {
    let labels: Vec<&str> = fields.iter().map(|f| f.label).chain([CONFIRM_LABEL]).collect();
    let mut out: Vec<(usize, Answered)> = Vec::new();
    let mut fence: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let trimmed = line.trim_start();
        let marker: String = trimmed.chars().take_while(|&c| c == '`' || c == '~').collect();
        if marker.len() >= 3 && (marker.chars().all(|c| c == '`') || marker.chars().all(|c| c == '~')) {
            match &fence {
                Some(open) if marker.starts_with(open.as_str()) && trimmed[marker.len()..].trim().is_empty() => {
                    fence = None
                }
                None => fence = Some(marker),
                _ => {}
            }
        } else if fence.is_none() {
            if let Some(label) = line.strip_prefix("### ").map(str::trim) {
                let after = out.last().map_or(0, |(index, _)| index + 1);
                let found = labels.iter().enumerate().skip(after).find(|(_, l)| l.eq_ignore_ascii_case(label));
                if let Some((index, _)) = found {
                    out.push((index, Answered { heading_line: number, lines: Vec::new() }));
                    continue;
                }
            }
        }
        if let Some((_, answer)) = out.last_mut() {
            answer.lines.push((number, line.to_string()));
        }
    }
    out
}

/// The draft an issue's answers make, reporting every problem of the answers.
fn read_issue(name: &Path, text: &str, survey: &Survey, today: Date, diags: &mut Diagnostics) -> Option<Draft> {
    let fields = form::fields();
    let answered = answers(text, &fields);
    if answered.is_empty() {
        diags.push(Diagnostic::error(name, Span::new(1, 1, 1), "no answer of the near-miss form found").with_hint(
            "give an issue made with .github/ISSUE_TEMPLATE/near-miss.yml (answers under `### Title`, \
                 `### Occurred`, …), or a writeup file saved from the site's report page",
        ));
        return None;
    }
    let mut draft = Draft { origin: format!("the near-miss report {}", name.display()), ..Draft::default() };
    let mut dates: Vec<(&str, Date, usize)> = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let Some((_, answer)) = answered.iter().find(|(i, _)| *i == index) else {
            if field.required {
                diags.push(
                    Diagnostic::error(name, Span::new(1, 1, 1), format!("the report has no \"{}\"", field.label))
                        .with_hint(format!("add `### {}` and the answer under it: {}", field.label, field.help)),
                );
            }
            continue;
        };
        let value = answer.text();
        // GitHub writes "None" for a dropdown left unchosen.
        let value = if matches!(field.answer, Answer::Choice(_)) && value == "None" { String::new() } else { value };
        let line = answer.line();
        if value.trim().is_empty() {
            if field.required {
                diags.push(
                    Diagnostic::error(
                        name,
                        Span::new(answer.heading_line, 5, field.label.chars().count()),
                        format!("\"{}\" has no answer", field.label),
                    )
                    .with_hint(field.help),
                );
            }
            continue;
        }
        let at = |len: usize| Span::new(line, 1, len.max(1));
        match (&field.answer, field.place) {
            (_, Place::Section) => draft.sections.push((field.label.to_string(), demote_headings(&value))),
            (_, Place::Actions) => draft.actions = actions(name, answer, diags),
            (Answer::Date, _) => match value.trim().parse::<Date>() {
                Ok(date) => dates.push((field.id, date, line)),
                Err(e) => diags.push(
                    Diagnostic::error(name, at(value.trim().len()), format!("`{}` is not a date: {e}", value.trim()))
                        .with_hint(format!("\"{}\" is a date written YYYY-MM-DD, e.g. {today}", field.label)),
                ),
            },
            (Answer::Choice(words), _) => {
                let word = value.trim().to_lowercase();
                if words.contains(&word.as_str()) {
                    set_choice(&mut draft, field.id, &word);
                } else {
                    diags.push(
                        Diagnostic::error(
                            name,
                            at(value.trim().chars().count()),
                            format!("`{}` is not a valid \"{}\"", value.trim(), field.label),
                        )
                        .with_hint(format!("use one of: {}", words.join(", "))),
                    );
                }
            }
            (Answer::List, _) => {
                let items = list(&value);
                match field.id {
                    "patterns" => draft.patterns = patterns(name, &items, answer, survey, diags),
                    "impact_area" => draft.impact_area = items,
                    "roles" => draft.roles = items,
                    "systems" => draft.systems = items,
                    _ => draft.tags = items,
                }
            }
            _ => {
                let one = value.split_whitespace().collect::<Vec<_>>().join(" ");
                match field.id {
                    "title" => draft.title = one,
                    "detection" => draft.detection = Some(one),
                    _ => draft.team = Some(one),
                }
            }
        }
    }
    check_order(name, &dates, diags);
    for (id, date, _) in dates {
        match id {
            "occurred" => draft.occurred = Some(date),
            "detected" => draft.detected = Some(date),
            _ => draft.reported = Some(date),
        }
    }
    Some(draft)
}

fn set_choice(draft: &mut Draft, id: &str, word: &str) {
    use crate::model::Keyword;
    match id {
        "tlp" => draft.tlp = Keyword::parse(word),
        "severity" => draft.severity = Keyword::parse(word),
        _ => draft.stopped_by = Keyword::parse(word),
    }
}

/// Dates must follow the story: occurred ≤ detected ≤ reported.
fn check_order(name: &Path, dates: &[(&str, Date, usize)], diags: &mut Diagnostics) {
    for pair in dates.windows(2) {
        let ((before, earlier, _), (after, later, line)) = (pair[0], pair[1]);
        if later < earlier {
            diags.push(
                Diagnostic::error(
                    name,
                    Span::new(line, 1, 10),
                    format!("`{after}` ({later}) is before `{before}` ({earlier})"),
                )
                .with_hint("a near miss occurs, then is detected, then reported, in that order"),
            );
        }
    }
}

/// The items of a comma- or line-separated list, bullets and blanks dropped.
fn list(value: &str) -> Vec<String> {
    value
        .split([',', '\n'])
        .map(|item| item.trim().trim_start_matches(['-', '*']).trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// The patterns named, each a slug of the site or of the catalogue; others are reported (the
/// draft is then filed under `unclassified` until the review chooses).
fn patterns(
    name: &Path,
    items: &[String],
    answer: &Answered,
    survey: &Survey,
    diags: &mut Diagnostics,
) -> Vec<PatternName> {
    let mut out = Vec::new();
    for item in items {
        let slug = item.strip_prefix(catalog::PREFIX).unwrap_or(item).to_lowercase();
        let known = survey.patterns.iter().any(|(s, _)| *s == slug) || catalog::get(&slug).is_some();
        if is_slug(&slug) && known {
            out.push(PatternName::Slug(slug));
        } else {
            let choices: Vec<&str> = survey.patterns.iter().map(|(s, _)| s.as_str()).collect();
            let len = item.chars().count();
            let span = answer
                .lines
                .iter()
                .find_map(|(n, l)| l.find(item.as_str()).map(|at| Span::new(*n, l[..at].chars().count() + 1, len)))
                .unwrap_or(Span::new(answer.line(), 1, len));
            diags.push(Diagnostic::warning(name, span, format!("unknown pattern `{item}`")).with_hint(
                if choices.is_empty() {
                    "the review chooses a pattern for it".to_string()
                } else {
                    format!("this site's patterns are: {}; the review chooses", choices.join(", "))
                },
            ));
        }
    }
    out
}

/// The action items: one per line, `what | owner role | due date`.
fn actions(name: &Path, answer: &Answered, diags: &mut Diagnostics) -> Vec<Action> {
    let mut out = Vec::new();
    for (line, text) in &answer.lines {
        let item = text.trim().trim_start_matches(['-', '*']).trim();
        if item.is_empty() || item == "_No response_" {
            continue;
        }
        let parts: Vec<&str> = item.split(ACTION_SEPARATOR).map(str::trim).collect();
        let due = parts.get(2).map(|d| d.parse::<Date>());
        match (parts.as_slice(), due) {
            ([what, owner, _], Some(Ok(due))) if !what.is_empty() && !owner.is_empty() => out.push(Action {
                what: what.to_string(),
                owner_role: owner.to_string(),
                due,
                state: ActionState::Open,
            }),
            _ => diags.push(
                Diagnostic::error(
                    name,
                    Span::new(*line, 1, text.chars().count()),
                    "an action item needs what, the owner's role and a due date",
                )
                .with_hint("write `what will be done | owner role | YYYY-MM-DD`, one item per line"),
            ),
        }
    }
    out
}

/// Markdown of an answer with its `#` and `##` headings made `###`, so that it stays inside
/// the section it answers.
fn demote_headings(markdown: &str) -> String {
    let mut fence: Option<char> = None;
    let mut out = Vec::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let c = trimmed.chars().next().unwrap_or('`');
            fence = match fence {
                Some(open) if open == c => None,
                None => Some(c),
                other => other,
            };
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        let heading = fence.is_none() && (1..=2).contains(&hashes) && line[hashes..].starts_with([' ', '\t']);
        out.push(if heading { format!("###{}", &line[hashes..]) } else { line.to_string() });
    }
    out.join("\n")
}

/// A writeup file (from the report page): written with the next free id and `status: draft`.
fn writeup_file(
    content: &Path,
    name: &Path,
    text: &str,
    survey: &mut Survey,
    today: Date,
    diags: &mut Diagnostics,
) -> Result<Option<PathBuf>, Error> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---").map(|i| i + 1) else {
        diags.push(
            Diagnostic::error(name, Span::new(1, 1, 3), "the front matter has no closing `---`")
                .with_hint("end the front matter with a line of `---`, then write the six sections"),
        );
        return Ok(None);
    };
    let id = next_id(&survey.config.id_prefix, &survey.ids);
    let mut front: Vec<String> = Vec::new();
    let mut year = today.year();
    for line in &lines[1..end] {
        if line.starts_with("id:") || line.starts_with("status:") {
            continue;
        }
        if let Some(date) = line.strip_prefix("occurred:").and_then(|d| d.trim().get(..10)?.parse::<Date>().ok()) {
            year = date.year();
        }
        front.push(line.to_string());
    }
    let mut out = format!("---\nid: {id}\nstatus: draft          # from a near-miss report: review it, then approve\n");
    for line in front {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("---\n");
    for line in &lines[end + 1..] {
        out.push_str(line);
        out.push('\n');
    }
    let path = import::free_path(&content.join("writeups").join(year.to_string()), &slugify(&id))?;
    fs::write(&path, out).map_err(|e| Error::io(&path, e))?;
    survey.ids.push(id);
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_inside_answers_stay_inside_them() {
        assert_eq!(
            demote_headings("# A\ntext\n## B\n### C\n```\n# code\n```"),
            "### A\ntext\n### B\n### C\n```\n# code\n```"
        );
        assert_eq!(demote_headings("#hashtag"), "#hashtag");
    }

    #[test]
    fn lists_take_commas_lines_and_bullets() {
        assert_eq!(list("a, b\n- c\n\n* d,"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn answers_split_on_the_labels_in_order_outside_fences() {
        let fields = form::fields();
        let text = "### Title\n\nX\n\n### What almost failed\n\n```\n### Title\n```\n### Occurred\n\nlate\n";
        let found = answers(text, &fields);
        let labels: Vec<&str> = found.iter().map(|(i, _)| fields[*i].label).collect();
        // "Occurred" comes before the sections in the form: here it is part of the answer.
        assert_eq!(labels, ["Title", "What almost failed"]);
        assert!(found[1].1.text().contains("### Occurred"));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("a\u{1b}[31mb\u{0}\u{202e}c\td\n"), "a[31mbc\td\n");
    }
}
