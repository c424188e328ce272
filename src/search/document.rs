//! What the search index holds for one published page: its text by field and its facet values.

use std::collections::HashSet;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::gate::Publication;
use crate::model::{Keyword, Pattern, SourceError, Writeup};

/// The facets a search can be narrowed by, in the order the bundle stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    Kind,
    Pattern,
    Severity,
    StoppedBy,
    ImpactArea,
    Year,
    Team,
    Tlp,
    /// The member a writeup was imported from (this site's own writeups have none).
    Organisation,
}

impl Facet {
    pub const ALL: [Facet; 9] = [
        Facet::Kind,
        Facet::Pattern,
        Facet::Severity,
        Facet::StoppedBy,
        Facet::ImpactArea,
        Facet::Year,
        Facet::Team,
        Facet::Tlp,
        Facet::Organisation,
    ];

    /// The name used on the command line (`--filter severity=high`) and in the bundle.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Pattern => "pattern",
            Facet::Severity => "severity",
            Facet::StoppedBy => "stopped_by",
            Facet::ImpactArea => "impact_area",
            Facet::Year => "year",
            Facet::Team => "team",
            Facet::Tlp => "tlp",
            Facet::Organisation => "organisation",
        }
    }

    /// The heading the search page shows above the facet's values.
    pub fn label(self) -> &'static str {
        match self {
            Facet::Kind => "Type",
            Facet::Pattern => "Pattern",
            Facet::Severity => "Severity",
            Facet::StoppedBy => "Stopped by",
            Facet::ImpactArea => "Impact area",
            Facet::Year => "Year",
            Facet::Team => "Team",
            Facet::Tlp => "TLP",
            Facet::Organisation => "Organisation",
        }
    }

    pub fn parse(name: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A facet value with the words the search page shows for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FacetValue {
    pub facet: Facet,
    pub value: String,
    pub label: String,
}

/// One published writeup or pattern, as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    /// Path from the site root.
    pub url: String,
    /// `writeup` or `pattern`.
    pub kind: &'static str,
    /// The writeup id (`NM-0042`) or the pattern slug.
    pub key: String,
    pub title: String,
    /// The day it occurred (writeups only), ISO.
    pub date: Option<String>,
    pub headings: Vec<String>,
    /// Plain text of the body and of the other prose fields, a paragraph a line.
    pub body: String,
    /// Patterns, tags, systems, team, impact areas and the id.
    pub keywords: Vec<String>,
    pub facets: Vec<FacetValue>,
}

/// What a result shows of an indexed document: all but its text, of which only the snippet
/// that results show is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Path from the site root.
    pub url: String,
    /// `writeup` or `pattern`.
    pub kind: &'static str,
    /// The writeup id or the pattern slug.
    pub key: String,
    pub title: String,
    /// The day it occurred (writeups only), ISO.
    pub date: Option<String>,
    /// The start of the body's plain text (see [`super::bundle::snippet_text`]).
    pub snippet: String,
    /// Shared with every other document of the same value: a site has few values, each on
    /// thousands of documents.
    pub facets: Vec<Arc<FacetValue>>,
}

impl SearchDoc {
    /// The bytes of text it holds.
    pub(super) fn text_len(&self) -> usize {
        let many = |texts: &[String]| texts.iter().map(String::len).sum::<usize>();
        self.title.len() + self.body.len() + many(&self.headings) + many(&self.keywords)
    }
}

impl Listing {
    /// What `doc` keeps once indexed, its facet values taken from `values` (and added to it).
    pub(super) fn of(doc: SearchDoc, values: &mut HashSet<Arc<FacetValue>>) -> Listing {
        let facets = doc
            .facets
            .into_iter()
            .map(|v| match values.get(&v) {
                Some(shared) => Arc::clone(shared),
                None => {
                    let shared = Arc::new(v);
                    values.insert(Arc::clone(&shared));
                    shared
                }
            })
            .collect();
        Listing {
            snippet: super::bundle::snippet_text(&doc.body).into_owned(),
            url: doc.url,
            kind: doc.kind,
            key: doc.key,
            title: doc.title,
            date: doc.date,
            facets,
        }
    }
}

#[cfg(test)]
impl SearchDoc {
    /// `n` writeups of one sentence, sharing their few words in overlapping groups: an index's
    /// worth for the search tests.
    pub(crate) fn numbered(n: usize) -> impl Iterator<Item = SearchDoc> {
        (0..n).map(|i| {
            let body = format!("Change {i} to the firewall rule {} was caught in review {}.", i % 7, i % 13);
            SearchDoc::plain(&format!("W-{i:03}"), &format!("Near miss {}", i % 11), &body)
        })
    }

    /// A writeup with only a key, a title and a body, for the search tests.
    pub(crate) fn plain(key: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            url: format!("writeups/{key}.html"),
            kind: "writeup",
            key: key.into(),
            title: title.into(),
            date: None,
            headings: vec![],
            body: body.into(),
            keywords: vec![],
            facets: vec![],
        }
    }
}

/// Every published writeup, then every pattern: withheld writeups are never looked at. Each is
/// made as it is asked for, so that the index takes them one at a time.
pub fn documents<'a>(
    publication: &'a Publication,
    patterns: &'a [Pattern],
) -> impl Iterator<Item = Result<SearchDoc, SourceError>> + 'a {
    let mut writeups: Vec<&Writeup> = publication.published.iter().map(|w| &**w).collect();
    // Writeups of one pattern sit side by side, so a query's results share metadata chunks.
    writeups.sort_by(|a, b| {
        let first = |w: &Writeup| w.patterns.first().map(|(s, _)| s.clone()).unwrap_or_default();
        first(a).cmp(&first(b)).then_with(|| b.occurred.cmp(&a.occurred)).then_with(|| a.id.cmp(&b.id))
    });
    let mut sorted_patterns: Vec<&Pattern> = patterns.iter().collect();
    sorted_patterns.sort_by(|a, b| a.slug.cmp(&b.slug));
    let title_of = |slug: &str| patterns.iter().find(|p| p.slug == slug).map_or(slug, |p| p.title.as_str()).to_string();
    writeups.into_iter().map(move |w| writeup_doc(w, &title_of)).chain(sorted_patterns.into_iter().map(pattern_doc))
}

fn writeup_doc(w: &Writeup, title_of: &dyn Fn(&str) -> String) -> Result<SearchDoc, SourceError> {
    let text = plain_text(&w.body.markdown()?);
    let mut body = Vec::new();
    body.extend(w.detection.clone());
    body.push(text.body);
    body.extend(w.actions.iter().map(|a| a.what.clone()));
    let pattern_titles: Vec<String> = w.patterns.iter().map(|(s, _)| title_of(s)).collect();
    let mut keywords = vec![w.id.to_string()];
    keywords.extend(pattern_titles.iter().cloned());
    keywords.extend(w.tags.iter().chain(&w.systems).chain(&w.impact_area).chain(&w.team).cloned());

    let value = |facet, value: &str, label: String| FacetValue { facet, value: value.to_string(), label };
    let mut facets = vec![value(Facet::Kind, "writeup", "Writeup".into())];
    for ((slug, _), title) in w.patterns.iter().zip(pattern_titles) {
        facets.push(value(Facet::Pattern, slug, title));
    }
    facets.push(value(Facet::Severity, w.severity.as_str(), capitalise(w.severity.as_str())));
    facets.push(value(Facet::StoppedBy, w.stopped_by.as_str(), w.stopped_by.label().to_string()));
    facets.extend(w.impact_area.iter().map(|a| value(Facet::ImpactArea, a, capitalise(a))));
    let year = w.occurred.year().to_string();
    facets.push(value(Facet::Year, &year, year.clone()));
    facets.extend(w.team.iter().map(|t| value(Facet::Team, t, t.clone())));
    facets.push(value(Facet::Tlp, w.tlp.as_str(), w.tlp.label()));
    facets.extend(w.origin.iter().map(|m| value(Facet::Organisation, &m.source, m.label.clone())));
    dedup_facets(&mut facets);

    Ok(SearchDoc {
        url: w.url(),
        kind: "writeup",
        key: w.id.to_string(),
        title: w.title.clone(),
        date: Some(w.occurred.to_string()),
        headings: text.headings,
        body: body.join("\n"),
        keywords,
        facets,
    })
}

fn pattern_doc(p: &Pattern) -> Result<SearchDoc, SourceError> {
    let text = plain_text(&p.body.markdown()?);
    let mut body = vec![p.risk.clone(), text.body];
    body.extend(p.signals.iter().chain(&p.controls).cloned());
    Ok(SearchDoc {
        url: p.url(),
        kind: "pattern",
        key: p.slug.clone(),
        title: p.title.clone(),
        date: None,
        headings: text.headings,
        body: body.join("\n"),
        keywords: vec![p.slug.clone()],
        facets: vec![
            FacetValue { facet: Facet::Kind, value: "pattern".into(), label: "Pattern".into() },
            FacetValue { facet: Facet::Pattern, value: p.slug.clone(), label: p.title.clone() },
        ],
    })
}

/// Drops repeated values (an impact area listed twice), keeping the first.
fn dedup_facets(facets: &mut Vec<FacetValue>) {
    let mut seen = std::collections::HashSet::new();
    facets.retain(|f| seen.insert((f.facet, f.value.clone())));
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A markdown body as plain text: headings apart, paragraphs a line each.
#[derive(Debug, Default, PartialEq)]
struct PlainText {
    headings: Vec<String>,
    body: String,
}

/// The text a reader sees; raw HTML (comments included) is left out, as the sanitiser drops it.
fn plain_text(markdown: &str) -> PlainText {
    let options = crate::render::markdown::OPTIONS;
    let mut out = PlainText::default();
    let mut heading: Option<String> = None;
    let mut line = String::new();
    let mut lines: Vec<String> = Vec::new();
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    out.headings.push(h.trim().to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => match &mut heading {
                Some(h) => h.push_str(&t),
                None => line.push_str(&t),
            },
            Event::SoftBreak | Event::HardBreak => line.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    lines.push(text);
                }
                line.clear();
            }
            _ => {}
        }
    }
    lines.extend(Some(line.trim().to_string()).filter(|l| !l.is_empty()));
    out.body = lines.join("\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_what_readers_see() {
        let md = "## What almost failed\n\nThe *rule* opened `ssh`.\n<!-- internal: ask Bob -->\n\n- one\n- two\n\n\
                  <div>raw</div>\n\n| a | b |\n|--|--|\n| c | d |\n";
        let text = plain_text(md);
        assert_eq!(text.headings, ["What almost failed"]);
        assert_eq!(text.body, "The rule opened ssh.\none\ntwo\na\nb\nc\nd");
        assert!(!text.body.contains("Bob") && !text.body.contains("raw"));
    }

    #[test]
    fn facets_parse_by_name() {
        for f in Facet::ALL {
            assert_eq!(Facet::parse(f.name()), Some(f));
        }
        assert_eq!(Facet::parse("colour"), None);
    }
}
