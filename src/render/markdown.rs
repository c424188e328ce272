//! Markdown to safe HTML: anchored headings, resolved internal links, then ammonia.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, Diagnostics, Locator, Span};
use crate::model::{slugify, Body, SourceError};

/// What a link in the content points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// Left as written: another site, an anchor on the same page.
    AsWritten,
    /// A published page, as a path from the site root (with any `#fragment`).
    Page(String),
    /// A writeup that exists but is not published: the link is dropped, its text kept.
    Unpublished,
    /// Nothing by that name; the message says what was tried.
    Broken(String),
}

/// An entry of a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html {
    /// Sanitised HTML, safe to embed.
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The plain text of the opening paragraph, shortened for lists and feeds.
    pub summary: String,
}

/// The prefix of every id the theme uses for itself; no id from content may start with it.
const THEME_ID_PREFIX: &str = "nm-";

/// The prefix of footnote ids, so that they never meet heading ids.
const FOOTNOTE_ID_PREFIX: &str = "fn-";

/// Section whose first paragraph makes the best summary of a retrospective.
const SUMMARY_SECTION: &str = "what-almost-failed";

/// The markdown extensions content may use, wherever it is read.
pub const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Why `body` cannot be published as it is, found without rendering it: an image (the site
/// hosts no attachments). The check [`render`] makes, for content checked before it is rendered.
pub fn unpublishable(markdown: &str) -> Option<String> {
    Parser::new_ext(markdown, OPTIONS).find_map(|event| match event {
        Event::Start(Tag::Image { dest_url, .. }) => Some(unpublishable_image(&dest_url)),
        _ => None,
    })
}

fn unpublishable_image(dest: &str) -> String {
    format!("image `{dest}` cannot be published")
}

/// Renders `body` (from `file`) for a page whose path to the site root is `root`.
pub fn render(
    body: &Body,
    file: &Path,
    root: &str,
    resolve: impl Fn(&str) -> Target,
    diags: &mut Diagnostics,
) -> Result<Html, SourceError> {
    walk(body, file, root, resolve, diags, Make::Page)
}

/// The summary of `body` (from `file`), with every problem [`render`] reports, without making
/// its HTML: what preparing the site needs of each body, whose page renders it again.
pub fn summarise(
    body: &Body,
    file: &Path,
    resolve: impl Fn(&str) -> Target,
    diags: &mut Diagnostics,
) -> Result<String, SourceError> {
    Ok(walk(body, file, "", resolve, diags, Make::Summary)?.summary)
}

/// What a walk over a body makes besides its problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Make {
    Page,
    Summary,
}

fn walk(
    body: &Body,
    file: &Path,
    root: &str,
    resolve: impl Fn(&str) -> Target,
    diags: &mut Diagnostics,
    make: Make,
) -> Result<Html, SourceError> {
    let markdown = body.markdown()?;
    let markdown: &str = &markdown;
    let options = OPTIONS;
    // Diagnostics come in the order of the text: one walk locates them all.
    let mut locate = Locator::new(markdown, body.first_line);
    let mut span_of = |range: &std::ops::Range<usize>| {
        let len = markdown[range.clone()].lines().next().map_or(1, |l| l.chars().count());
        locate.span(range.start, len)
    };
    if let Some((offset, why)) = too_deep(markdown) {
        diags.push(refused(file, span_of(&(offset..offset)), why));
        return Ok(Html::default());
    }
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Vec::new();
    let (mut depth, mut cells) = (0usize, 0usize);
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match &event {
            Event::Start(tag) => {
                depth += 1;
                cells += usize::from(matches!(tag, Tag::TableCell));
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        let why = if depth > MAX_NESTING {
            format!("markup nested more than {MAX_NESTING} deep")
        } else if cells > MAX_TABLE_CELLS {
            format!("tables with more than {MAX_TABLE_CELLS} cells in all")
        } else {
            events.push((event, range));
            continue;
        };
        diags.push(refused(file, span_of(&range), why));
        return Ok(Html::default());
    }

    let footnotes = prefix_footnotes(&mut events);
    let toc = anchor_headings(&mut events, footnotes);
    let summary = summary(&events);

    let mut dropping_link = false;
    let mut kept = Vec::with_capacity(events.len());
    let mut notes = Footnotes::default();
    let mut run = 0;
    for (event, range) in events {
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                notes.open(label.to_string());
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                notes.close();
                continue;
            }
            Event::FootnoteReference(label) => Event::InlineHtml(CowStr::from(notes.reference(&label))),
            other => other,
        };
        // A footnote's text goes to the notes at the end, the rest of the body where it is.
        let kept = notes.sink().unwrap_or(&mut kept);
        run = match &event {
            Event::Text(t) => run + t.len(),
            _ => 0,
        };
        if run > TEXT_RUN {
            kept.push(Event::InlineHtml(CowStr::Borrowed("<wbr>")));
            run = 0;
        }
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => match resolve(&dest_url) {
                Target::AsWritten => kept.push(Event::Start(Tag::Link { link_type, dest_url, title, id })),
                Target::Page(url) => {
                    let dest_url = CowStr::from(format!("{root}{url}"));
                    kept.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
                Target::Unpublished => {
                    diags.push(
                        Diagnostic::warning(
                            file,
                            span_of(&range),
                            format!("`{dest_url}` is not published; the link is shown as plain text"),
                        )
                        .with_hint("link only to approved writeups within the site's TLP limit"),
                    );
                    dropping_link = true;
                }
                Target::Broken(why) => {
                    diags.push(
                        Diagnostic::error(file, span_of(&range), format!("broken link `{dest_url}`: {why}"))
                            .with_hint("link to a writeup by id (`NM-0042`), or to a file by relative path (`../../patterns/slug.md`)"),
                    );
                    kept.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
            },
            Event::End(TagEnd::Link) if dropping_link => dropping_link = false,
            Event::TaskListMarker(done) => kept.push(Event::InlineHtml(CowStr::from(if done {
                r#"<span class="task task-done">☑<span class="visually-hidden"> done:</span></span> "#
            } else {
                r#"<span class="task task-open">☐<span class="visually-hidden"> to do:</span></span> "#
            }))),
            Event::Start(Tag::Image { dest_url, .. }) => {
                diags.push(Diagnostic::error(file, span_of(&range), unpublishable_image(&dest_url)).with_hint(
                    "the site makes no external requests and does not host attachments yet; describe the image in text",
                ));
                kept.push(Event::Start(Tag::Image {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url: CowStr::from(""),
                    title: CowStr::from(""),
                    id: CowStr::from(""),
                }));
            }
            Event::Code(code) if code.len() > TEXT_RUN => {
                for (i, piece) in pieces(&code, TEXT_RUN).enumerate() {
                    if i > 0 {
                        kept.push(Event::InlineHtml(CowStr::Borrowed("<wbr>")));
                    }
                    kept.push(Event::Code(CowStr::from(piece.to_string())));
                }
            }
            other => kept.push(other),
        }
    }

    if make == Make::Summary {
        return Ok(Html { html: String::new(), toc, summary });
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, kept.into_iter());
    notes.push_section(&mut raw);
    // One look for the styles' common start, where three replacements would copy every body.
    if raw.contains(" style=\"text-align: ") {
        for (style, class) in ALIGNMENTS {
            raw = raw.replace(style, class);
        }
    }
    Ok(Html { html: label_code_blocks(&SANITIZER.clean(&raw).to_string()), toc, summary })
}

/// The alignment styles of table cells as pulldown-cmark writes them, and the classes that
/// replace them (a strict Content-Security-Policy allows no style attribute).
const ALIGNMENTS: [(&str, &str); 3] = [
    (r#" style="text-align: left""#, r#" class="align-left""#),
    (r#" style="text-align: center""#, r#" class="align-center""#),
    (r#" style="text-align: right""#, r#" class="align-right""#),
];

/// Makes every code block reachable by keyboard, in a labelled region, so that one wider than
/// the page can be scrolled without a mouse. `html` is sanitised: a `<pre>` has no attributes.
fn label_code_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<pre>") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "<pre>".len()..];
        let language = rest
            .strip_prefix(r#"<code class="language-"#)
            .and_then(|r| r.split('"').next())
            .filter(|lang| is_language_class(&format!("language-{lang}")));
        match language {
            Some(lang) => {
                let _ = write!(out, r#"<section class="code-block" aria-label="Code ({lang})"><pre tabindex="0">"#);
            }
            None => out.push_str(r#"<section class="code-block" aria-label="Code"><pre tabindex="0">"#),
        }
        let Some(end) = rest.find("</pre>") else { break };
        out.push_str(&rest[..end + "</pre>".len()]);
        out.push_str("</section>");
        rest = &rest[end + "</pre>".len()..];
    }
    out.push_str(rest);
    out
}

/// Footnotes gathered while rendering: numbered in the order they are first referenced, their
/// text kept apart, and written as one section at the end with a link back to the reference.
#[derive(Default)]
struct Footnotes<'a> {
    /// By label (`fn-…`), in order of first reference: how many times it is referenced.
    referenced: Vec<(String, usize)>,
    /// Each definition's label and events, in the order they appear.
    defined: Vec<(String, Vec<Event<'a>>)>,
    /// Whether a definition is being read.
    open: bool,
}

impl<'a> Footnotes<'a> {
    fn open(&mut self, label: String) {
        self.defined.push((label, Vec::new()));
        self.open = true;
    }

    fn close(&mut self) {
        self.open = false;
    }

    /// Where the events of the definition being read go, if one is.
    fn sink(&mut self) -> Option<&mut Vec<Event<'a>>> {
        self.open.then(|| self.defined.last_mut().map(|(_, events)| events)).flatten()
    }

    /// The reference mark for `label`: its number, linked to the note; the first one also
    /// anchors the note's way back.
    fn reference(&mut self, label: &str) -> String {
        let number = match self.referenced.iter().position(|(l, _)| l == label) {
            Some(i) => {
                self.referenced[i].1 += 1;
                i + 1
            }
            None => {
                self.referenced.push((label.to_string(), 1));
                self.referenced.len()
            }
        };
        let anchor = if self.referenced[number - 1].1 == 1 { format!(r#" id="{label}-ref""#) } else { String::new() };
        format!(r##"<sup class="footnote-reference"{anchor}><a href="#{label}">{number}</a></sup>"##)
    }

    /// Appends the notes section to `raw`: referenced notes by number, then any others.
    fn push_section(self, raw: &mut String) {
        if self.defined.is_empty() {
            return;
        }
        let rank = |label: &str| self.referenced.iter().position(|(l, _)| l == label).unwrap_or(usize::MAX);
        let mut defined = self.defined;
        defined.sort_by_key(|(label, _)| rank(label));
        raw.push_str("<section class=\"footnotes\">\n<h2>Notes</h2>\n<ol>\n");
        for (label, events) in defined {
            let mut text = String::new();
            html::push_html(&mut text, events.into_iter());
            if rank(&label) != usize::MAX {
                let back = format!(
                    r##" <a class="footnote-backref" href="#{label}-ref">↩<span class="visually-hidden"> back to the text</span></a>"##
                );
                match text.trim_end().strip_suffix("</p>") {
                    Some(before) => text = format!("{before}{back}</p>"),
                    None => text.push_str(&back),
                }
            }
            let _ = writeln!(raw, r#"<li id="{label}">{text}</li>"#);
        }
        raw.push_str("</ol>\n</section>\n");
    }
}

/// How deeply lists, quotes and other markup may nest in a body: far beyond any real writeup,
/// and the sanitiser's work grows with the square of the depth.
pub const MAX_NESTING: usize = 100;

/// The most table cells one body may hold: each costs hundreds of bytes while rendering.
pub const MAX_TABLE_CELLS: usize = 50_000;

/// The error for a body past one of the bounds; it is not rendered.
fn refused(file: &Path, span: Span, why: String) -> Diagnostic {
    Diagnostic::error(file, span, format!("the body has {why}; it is not rendered"))
        .with_hint("simplify the markup, or split the writeup")
}

/// The byte offset of the first line that opens more than [`MAX_NESTING`] lists or quotes
/// (`> - > 1. …`), found before parsing, since the parser itself slows down there.
fn too_deep(markdown: &str) -> Option<(usize, String)> {
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let mut rest = line.trim_start();
        let mut depth = 0;
        loop {
            let marker = if rest.starts_with(['>', '-', '*', '+']) {
                1
            } else {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                if digits > 0 && rest[digits..].starts_with(['.', ')']) {
                    digits + 1
                } else {
                    break;
                }
            };
            let after = &rest[marker..];
            if !(after.starts_with([' ', '\t', '>']) || after.trim().is_empty() && rest.starts_with('>')) {
                break;
            }
            depth += 1;
            if depth > MAX_NESTING {
                return Some((offset, format!("lists or quotes nested more than {MAX_NESTING} deep")));
            }
            rest = after.trim_start();
        }
        offset += line.len();
    }
    None
}

/// The longest run of text (in bytes) left as one text node: html5ever's serialiser looks ahead
/// to the end of a text node for each `&` or no-break space in it, so a long run of them costs
/// the square of its length. A `<wbr>` (a line-break opportunity, harmless in any text) ends
/// the node.
const TEXT_RUN: usize = 2048;

/// `text` in pieces of at most about `max` bytes, cut at character boundaries.
fn pieces(text: &str, max: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut cut = max.min(rest.len());
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (piece, after) = rest.split_at(cut);
        rest = after;
        Some(piece)
    })
}

/// Renames footnotes to `fn-<label>`, returning the ids they take.
fn prefix_footnotes(events: &mut [(Event, std::ops::Range<usize>)]) -> HashSet<String> {
    let mut ids = HashSet::new();
    for (event, _) in events.iter_mut() {
        let label = match event {
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => label,
            _ => continue,
        };
        let id = format!("{FOOTNOTE_ID_PREFIX}{}", slugify(label));
        *label = CowStr::from(id.clone());
        ids.insert(format!("{id}-ref"));
        ids.insert(id);
    }
    ids
}

/// Gives every heading a unique id from its text, and returns the h2/h3 ones as a table of contents.
fn anchor_headings(events: &mut [(Event, std::ops::Range<usize>)], mut used: HashSet<String>) -> Vec<TocEntry> {
    let mut toc = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i].0 {
            let level = *level;
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = match slugify(&text) {
                s if s.is_empty() => "section".to_string(),
                s if s.starts_with(THEME_ID_PREFIX) => format!("section-{s}"),
                s => s,
            };
            let mut anchor = base.clone();
            let mut n = 1;
            while used.contains(&anchor) {
                anchor = format!("{base}-{n}");
                n += 1;
            }
            used.insert(anchor.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(anchor.clone()));
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push(TocEntry { level: level as u8, id: anchor, text: text.trim().to_string() });
            }
            i = j;
        }
        i += 1;
    }
    toc
}

/// The markdown of a published body as other tools get it (the MISP, STIX and VERIS exports):
/// a link to a published page leads to its absolute URL (`base`, when it is one), any other
/// link within the site (to a withheld writeup, or with no absolute URL to point at) is
/// replaced by its text, so that nothing unpublished is named. Links to other sites stay.
pub fn published_markdown(markdown: &str, base: Option<&str>, resolve: impl Fn(&str) -> Target) -> String {
    let events = Parser::new_ext(markdown, OPTIONS).into_offset_iter();
    // Reference definitions (`[x]: NM-0009`) go: the links that use them are written inline.
    let mut edits: Vec<(std::ops::Range<usize>, String)> =
        events.reference_definitions().iter().map(|(_, def)| (def.span.clone(), String::new())).collect();
    /// A link being read: its source, its text's source so far, and where it now leads.
    struct Open {
        whole: std::ops::Range<usize>,
        text: Option<std::ops::Range<usize>>,
        dest: Option<String>,
    }
    let mut open: Vec<Open> = Vec::new();
    for (event, range) in events {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let dest = match resolve(&dest_url) {
                    Target::AsWritten if !dest_url.starts_with('#') => Some(dest_url.to_string()),
                    Target::Page(url) => base.map(|b| format!("{b}{url}")),
                    _ => None,
                };
                open.push(Open { whole: range, text: None, dest });
            }
            Event::End(TagEnd::Link) => {
                let Some(Open { whole, text, dest }) = open.pop() else { continue };
                let text = text.map_or("", |t| &markdown[t]);
                let replacement = match dest {
                    Some(dest) => format!("[{text}](<{}>)", dest.replace('>', "%3E")),
                    None => text.to_string(),
                };
                edits.push((whole, replacement));
            }
            _ => {
                if let Some(Open { text, .. }) = open.last_mut() {
                    let t = text.get_or_insert(range.clone());
                    t.start = t.start.min(range.start);
                    t.end = t.end.max(range.end);
                }
            }
        }
    }
    // Outer edits first where they start together; an edit inside one already made is dropped.
    edits.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out = String::with_capacity(markdown.len());
    let mut copied = 0;
    for (range, replacement) in edits {
        if range.start < copied {
            continue;
        }
        out.push_str(&markdown[copied..range.start]);
        out.push_str(&replacement);
        copied = range.end;
    }
    out.push_str(&markdown[copied..]);
    out
}

/// The first paragraph of "What almost failed" (or of the body), as plain text of ≤ 240 characters.
fn summary(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let start = events
        .iter()
        .position(
            |(e, _)| matches!(e, Event::Start(Tag::Heading { id: Some(id), .. }) if id.as_ref() == SUMMARY_SECTION),
        )
        .unwrap_or(0);
    let mut text = String::new();
    let mut inside = false;
    for (event, _) in &events[start..] {
        match event {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if inside => break,
            Event::Text(t) | Event::Code(t) if inside => text.push_str(t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    shorten(text.trim(), 240)
}

/// Cuts `text` at a word boundary so it fits in `max` characters, marking the cut with `…`.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The HTML allowed from content: CommonMark's output, nothing that runs, loads or restyles.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .add_tags(["section"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("section", ["class"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("a", ["class"])
        .add_tag_attributes("th", ["class"])
        .add_tag_attributes("td", ["class"])
        .set_tag_attribute_value("th", "scope", "col");
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(heading, ["id"]);
    }
    b.attribute_filter(|element, attribute, value| {
        let keep = match (element, attribute) {
            ("code", "class") => is_language_class(value),
            ("sup", "class") => value == "footnote-reference",
            ("section", "class") => value == "footnotes",
            ("a", "class") => value == "footnote-backref",
            ("th" | "td", "class") => ALIGNMENTS.iter().any(|(_, class)| class.contains(&format!("\"{value}\""))),
            ("span", "class") => {
                value.split(' ').all(|c| matches!(c, "task" | "task-done" | "task-open" | "visually-hidden"))
            }
            ("sup" | "li", "id") => value.starts_with(FOOTNOTE_ID_PREFIX),
            (_, "id") => !value.starts_with(THEME_ID_PREFIX),
            _ => true,
        };
        keep.then_some(Cow::Borrowed(value))
    });
    b
});

fn is_language_class(class: &str) -> bool {
    class.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(markdown: &str) -> (Html, Vec<Diagnostic>) {
        let mut diags = Diagnostics::default();
        let html =
            render(&Body::new(markdown.to_string(), 1), Path::new("a.md"), "", |_| Target::AsWritten, &mut diags)
                .unwrap();
        (html, diags.sorted())
    }

    #[test]
    fn long_runs_of_entities_are_cut_into_short_text_nodes_and_kept_whole() {
        let (html, diags) = rendered(&format!("{}\n\n`{}`\n", "&amp;".repeat(10_000), "&".repeat(5_000)));
        assert!(diags.is_empty(), "{diags:?}");
        assert!(html.html.matches("<wbr>").count() >= 6, "{}", &html.html[..200]);
        assert_eq!(html.html.replace("<wbr>", "").matches("&amp;").count(), 15_000);
    }

    #[test]
    fn deep_nesting_and_huge_tables_are_refused_at_their_line() {
        for (markdown, line, why) in [
            (format!("intro\n\n{}x\n", "- ".repeat(200)), 3, "lists or quotes nested more than 100 deep"),
            (format!("intro\n\n{}x\n", "> ".repeat(200)), 3, "lists or quotes nested more than 100 deep"),
            (format!("{}x\n", "1. ".repeat(150)), 1, "lists or quotes nested more than 100 deep"),
            (
                format!("| a | b |\n|---|---|\n{}", "| x | y |\n".repeat(30_000)),
                25_002,
                "tables with more than 50000 cells in all",
            ),
        ] {
            let (html, diags) = rendered(&markdown);
            assert_eq!(html, Html::default());
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert_eq!(diags[0].message, format!("the body has {why}; it is not rendered"));
            assert_eq!(diags[0].span.line, line);
        }
        let (_, diags) = rendered("- a\n  - b\n    > c\n\n---\n\n- - -\n");
        assert!(diags.is_empty(), "{diags:?}");
    }

    fn html(md: &str) -> (Html, Vec<Diagnostic>) {
        let mut diags = Diagnostics::default();
        let body = Body::new(md.into(), 10);
        let resolve = |dest: &str| match dest {
            "NM-0002" => Target::Page("writeups/nm-0002.html".into()),
            "NM-0009" => Target::Unpublished,
            d if d.starts_with("https:") => Target::AsWritten,
            _ => Target::Broken("no writeup or pattern has that id".into()),
        };
        let out = render(&body, Path::new("w.md"), "../", resolve, &mut diags).unwrap();
        (out, diags.sorted())
    }

    #[test]
    fn a_summary_reports_what_the_page_reports() {
        let md = "Opening [one](NM-0002), [two](NM-0009) and [three](nowhere).\n\n![a](x.png)\n\n## Next\n";
        let (page, from_page) = html(md);
        let mut diags = Diagnostics::default();
        let resolve = |dest: &str| match dest {
            "NM-0002" => Target::Page("writeups/nm-0002.html".into()),
            "NM-0009" => Target::Unpublished,
            _ => Target::Broken("no writeup or pattern has that id".into()),
        };
        let summary = summarise(&Body::new(md.into(), 10), Path::new("w.md"), resolve, &mut diags).unwrap();
        assert_eq!(summary, page.summary);
        assert_eq!(diags.sorted(), from_page);
        assert_eq!(from_page.len(), 3, "{from_page:?}");
    }

    #[test]
    fn headings_get_unique_anchors_and_a_toc() {
        let (out, _) = html("## What almost failed\n\nThe rule.\n\n### Detail\n\n## Detail\n\n## Main\n\n## NM-0004\n");
        assert!(out.html.contains(r#"<h2 id="what-almost-failed">"#), "{}", out.html);
        let ids: Vec<_> = out.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["what-almost-failed", "detail", "detail-1", "main", "section-nm-0004"]);
        assert_eq!(out.summary, "The rule.");
    }

    #[test]
    fn gfm_features_render() {
        let md = "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n- [ ] todo\n\nNote[^1].\n\n[^1]: A footnote.\n\n```rust\nfn main() {}\n```\n";
        let (out, d) = html(md);
        assert!(d.is_empty());
        for needle in [
            "<table>",
            r#"<th class="align-left" scope="col">"#,
            "<del>old</del>",
            r#"<span class="task task-done">☑"#,
            r#"<span class="task task-open">☐"#,
            r##"<sup class="footnote-reference" id="fn-1-ref"><a href="#fn-1" rel="noopener noreferrer">1</a></sup>"##,
            r#"<section class="code-block" aria-label="Code (rust)"><pre tabindex="0"><code class="language-rust">"#,
        ] {
            assert!(out.html.contains(needle), "missing {needle} in {}", out.html);
        }
        assert!(!out.html.contains("style="), "{}", out.html);
    }

    #[test]
    fn footnotes_are_gathered_at_the_end_numbered_by_first_reference_with_a_way_back() {
        let md = "First[^b] then[^a], again[^b].\n\n[^a]: Note A.\n\n[^b]: Note B.\n\nLast paragraph.\n";
        let (out, d) = html(md);
        assert!(d.is_empty());
        let notes = out.html.find(r#"<section class="footnotes">"#).expect("a notes section");
        assert!(out.html[..notes].contains("Last paragraph."), "the notes come last: {}", out.html);
        let (b, a) = (out.html.find(r#"<li id="fn-b">"#).unwrap(), out.html.find(r#"<li id="fn-a">"#).unwrap());
        assert!(b < a, "numbered by first reference");
        assert!(out.html.contains(r##"<a href="#fn-b" rel="noopener noreferrer">1</a>"##), "{}", out.html);
        assert!(out.html.contains(r##"<a href="#fn-a" rel="noopener noreferrer">2</a>"##));
        assert_eq!(out.html.matches(r#"id="fn-b-ref""#).count(), 1, "one anchor per note");
        assert!(
            out.html.contains(r##"Note B. <a class="footnote-backref" href="#fn-b-ref" rel="noopener noreferrer">↩"##),
            "{}",
            out.html
        );
    }

    #[test]
    fn scripts_handlers_and_dangerous_urls_are_removed() {
        let md = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n<a href=\"javascript:alert(3)\" onclick=\"x()\">a</a> \
                  [b](javascript:alert(4)) [c](data:text/html,hi)\n\n<p style=\"background:url(x)\">s</p>\n\n<iframe src=x></iframe>\n\n```\" onmouseover=\"x\n```\n";
        let (out, _) = html(md);
        for bad in ["<script", "alert(1)", "onerror", "javascript:", "onclick", "data:", "style=", "<iframe", "<img"] {
            assert!(!out.html.contains(bad), "{bad} survived: {}", out.html);
        }
    }

    #[test]
    fn published_markdown_names_only_published_pages() {
        let resolve = |dest: &str| match dest {
            "NM-0002" => Target::Page("writeups/nm-0002.html".into()),
            "NM-0009" => Target::Unpublished,
            d if d.starts_with("https:") || d.starts_with('#') => Target::AsWritten,
            _ => Target::Broken("no writeup or pattern has that id".into()),
        };
        let md = "See [the *other* one](NM-0002), [a draft](NM-0009 \"t\"), [docs](https://example.org/a) and [above](#x).\n";
        let base = Some("https://kb.example/");
        assert_eq!(
            published_markdown(md, base, resolve),
            "See [the *other* one](<https://kb.example/writeups/nm-0002.html>), a draft, [docs](<https://example.org/a>) and above.\n"
        );
        assert_eq!(
            published_markdown(md, None, resolve),
            "See the *other* one, a draft, [docs](<https://example.org/a>) and above.\n"
        );
        assert_eq!(published_markdown("[](NM-0009) and `[x](NM-0009)`", None, resolve), " and `[x](NM-0009)`");
        let by_reference = "A [draft][d] and [one][o].\n\n[d]: NM-0009\n[o]: NM-0002\n";
        let out = published_markdown(by_reference, base, resolve);
        assert_eq!(out.trim_end(), "A draft and [one](<https://kb.example/writeups/nm-0002.html>).");
    }

    #[test]
    fn links_resolve_or_are_reported_at_their_line() {
        let (out, d) =
            html("See [two](NM-0002), [nine](NM-0009) and [gone](NM-9999).\n\n[out](https://example.org/x)\n");
        assert!(out.html.contains(r#"href="../writeups/nm-0002.html""#), "{}", out.html);
        assert!(!out.html.contains("NM-0009"));
        assert!(out.html.contains("nine"));
        assert!(out.html.contains(r#"href="https://example.org/x""#));
        let msgs: Vec<_> = d.iter().map(|d| (d.level, d.span.line, d.span.col, d.message.as_str())).collect();
        assert_eq!(msgs[0].1, 10);
        assert_eq!(msgs[0].2, 21);
        assert!(msgs
            .iter()
            .any(|m| m.0 == crate::diagnostic::Level::Error && m.3.starts_with("broken link `NM-9999`")));
        assert!(msgs
            .iter()
            .any(|m| m.0 == crate::diagnostic::Level::Warning && m.3.starts_with("`NM-0009` is not published")));
    }

    #[test]
    fn images_are_refused() {
        let (out, d) = html("![diagram](https://tracker.example/x.png)\n");
        assert!(!out.html.contains("tracker.example"));
        assert_eq!(d[0].message, "image `https://tracker.example/x.png` cannot be published");
    }

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 12), "one two…");
    }
}
