//! The questions of a near-miss report, in one place: the GitHub issue form `init` writes, the
//! report page of the site and `nearmiss intake` all ask and read the same fields.

use serde::Serialize;

use crate::model::{Keyword, Severity, StoppedBy, Tlp};
use crate::scaffold::{quote, PROMPTS};
use crate::validate::SECTIONS;

/// How a field is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// One line of text.
    Line,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A comma-separated list on one line.
    List,
    /// Paragraphs of markdown.
    Text,
    /// One of these words.
    Choice(Vec<&'static str>),
}

/// Where a field's answer goes in the writeup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// A front-matter key named like the field's id.
    Front,
    /// A `##` section of the body, named like the field's label.
    Section,
    /// The action items, one per line: `what | owner role | YYYY-MM-DD`.
    Actions,
}

/// One question.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The id in the issue form (and its prefill URL) and on the report page; for front-matter
    /// fields, also the writeup's key.
    pub id: &'static str,
    /// The question as shown, and the `###` heading GitHub gives its answer in an issue.
    pub label: &'static str,
    /// One line of help.
    pub help: &'static str,
    pub answer: Answer,
    pub place: Place,
    pub required: bool,
    pub placeholder: &'static str,
}

/// What a near miss is, as the form and the page say it.
pub const WHAT_COUNTS: &str = "A near miss is something that could have caused harm (an outage, a breach, lost data) \
     but did not: a person, a control or luck stopped it. Describe systems, conditions and decisions, never who did it.";

/// The first thing a reporter reads in the issue form: issues of a public repository are public.
const ISSUE_NOTE: &str = "An issue is visible to everyone who can see this repository: leave out names, e-mail \
     addresses, host names, customers and secrets (the review removes what remains before anything is published). \
     A maintainer labels the issue `near-miss`; a workflow then turns it into a draft writeup in a pull request, \
     which is checked and reviewed before it is published. If this must not be public, use the report page of the \
     knowledge base to write the file and send it to the team instead.";

/// The separator of an action item's parts.
pub const ACTION_SEPARATOR: char = '|';

/// Every field, in the order they are asked.
pub fn fields() -> Vec<Field> {
    let front = |id, label, help, answer, required, placeholder| Field {
        id,
        label,
        help,
        answer,
        place: Place::Front,
        required,
        placeholder,
    };
    let mut out = vec![
        front(
            "title",
            "Title",
            "One blameless line: what almost happened, e.g. \"Expiring certificate caught by external monitoring\".",
            Answer::Line,
            true,
            "Firewall rule opening SSH to the internet caught in change review",
        ),
        front("occurred", "Occurred", "When it almost happened (YYYY-MM-DD).", Answer::Date, true, "2025-03-04"),
        front("detected", "Detected", "When it was noticed, if later (YYYY-MM-DD).", Answer::Date, false, "2025-03-04"),
        front(
            "reported",
            "Reported",
            "When it was reported: today, if you report it now.",
            Answer::Date,
            true,
            "2025-03-06",
        ),
        front(
            "tlp",
            "TLP",
            "Who may read it once approved: clear (anyone), green (the community), amber (the organisation and those \
             who need it), amber+strict (the organisation only), red (the people named). Unsure? amber.",
            Answer::Choice(words::<Tlp>()),
            true,
            "",
        ),
        front(
            "severity",
            "Severity",
            "The impact had nothing stopped it.",
            Answer::Choice(words::<Severity>()),
            true,
            "",
        ),
        front(
            "stopped_by",
            "Stopped by",
            "What stopped it: a person's action (human), monitoring, automation, a process, or luck: nothing did, \
             it just did not happen, or happened where it did no harm.",
            Answer::Choice(words::<StoppedBy>()),
            true,
            "",
        ),
        front(
            "patterns",
            "Patterns",
            "Pattern slugs from the Patterns page, separated by commas; leave it empty and the review chooses.",
            Answer::List,
            false,
            "certificate-expiry",
        ),
        front("detection", "Detection", "How it was noticed, in one sentence.", Answer::Line, false, ""),
        front(
            "impact_area",
            "Impact areas",
            "What would have been hurt, separated by commas.",
            Answer::List,
            false,
            "availability, confidentiality",
        ),
        front(
            "roles",
            "Roles",
            "The roles involved, separated by commas. Roles, never names.",
            Answer::List,
            false,
            "on-call engineer, security-lead",
        ),
        front(
            "systems",
            "Systems",
            "The systems involved, by kind (\"edge firewall\"), never internal host names.",
            Answer::List,
            false,
            "edge firewall, change management",
        ),
        front("team", "Team", "A pseudonymous team name, if the site uses them.", Answer::Line, false, ""),
        front("tags", "Tags", "Words a reader would search for, separated by commas.", Answer::List, false, ""),
    ];
    for (i, (section, prompt)) in SECTIONS.iter().zip(PROMPTS).enumerate() {
        out.push(Field {
            id: SECTION_IDS[i],
            label: section,
            help: prompt,
            answer: Answer::Text,
            place: Place::Section,
            required: i == 0,
            placeholder: "",
        });
    }
    out.push(Field {
        id: "actions",
        label: "Action items",
        help: "One per line: what will be done | the owner's role | due date (YYYY-MM-DD). A role, never a person.",
        answer: Answer::Text,
        place: Place::Actions,
        required: false,
        placeholder: "Alert when a renewal job has not run for a week | platform-engineer | 2025-04-30",
    });
    out
}

/// The words of a keyword, in order.
fn words<K: Keyword>() -> Vec<&'static str> {
    K::ALL.iter().map(|(w, _)| *w).collect()
}

/// The ids of the six sections' fields, in [`SECTIONS`] order.
const SECTION_IDS: [&str; 6] =
    ["what_almost_failed", "what_stopped_it", "what_would_have_happened", "why_it_happened", "what_we_learned", "luck"];

/// The label of the confirmation the issue form asks for (not part of the writeup).
pub const CONFIRM_LABEL: &str = "Before you submit";

/// The GitHub issue form (`.github/ISSUE_TEMPLATE/near-miss.yml`) asking every field.
pub fn issue_form() -> String {
    let mut out = String::from(
        "# A near-miss report as a GitHub issue form. `nearmiss intake` reads the issues it makes;\n\
         # keep the labels as they are (the answers are found by them).\n\
         name: Near miss\n\
         description: Report something that almost went wrong, blamelessly, to learn from it.\n\
         title: \"Near miss: \"\n\
         body:\n",
    );
    let note = format!("{WHAT_COUNTS}\n\n{ISSUE_NOTE}");
    out.push_str(&format!("  - type: markdown\n    attributes:\n      value: {}\n", quote(&note)));
    for f in fields() {
        let kind = match (&f.answer, f.place) {
            (Answer::Choice(_), _) => "dropdown",
            (Answer::Text, _) => "textarea",
            _ => "input",
        };
        out.push_str(&format!("  - type: {kind}\n    id: {}\n    attributes:\n", f.id));
        out.push_str(&format!("      label: {}\n      description: {}\n", quote(f.label), quote(f.help)));
        if !f.placeholder.is_empty() {
            out.push_str(&format!("      placeholder: {}\n", quote(f.placeholder)));
        }
        if let Answer::Choice(words) = &f.answer {
            out.push_str("      options:\n");
            for w in words {
                out.push_str(&format!("        - {}\n", quote(w)));
            }
        }
        out.push_str(&format!("    validations:\n      required: {}\n", f.required));
    }
    out.push_str(&format!(
        "  - type: checkboxes\n    id: confirm\n    attributes:\n      label: {}\n      options:\n        - label: {}\n          required: true\n",
        quote(CONFIRM_LABEL),
        quote("This report names no person, customer, e-mail address, internal host or secret.")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_labels_are_unique_and_every_field_is_in_the_issue_form() {
        let fields = fields();
        let form = issue_form();
        for (i, f) in fields.iter().enumerate() {
            assert!(fields[i + 1..].iter().all(|g| g.id != f.id && g.label != f.label), "{} twice", f.id);
            assert!(form.contains(&format!("    id: {}\n", f.id)), "{}", f.id);
            assert_ne!(f.label, CONFIRM_LABEL);
        }
        let sections: Vec<&str> = fields.iter().filter(|f| f.place == Place::Section).map(|f| f.label).collect();
        assert_eq!(sections, SECTIONS);
    }
}
