//! Renders the published knowledge base into pages: markdown to safe HTML, then the theme.

pub mod chart;
mod links;
pub mod markdown;
mod view;

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Tera};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::Diagnostics;
use crate::gate::Publication;
use crate::model::{slugify, Body, Pattern, Writeup};
use crate::theme::Theme;
use crate::Error;
use links::Links;
use view::{
    PageView, PatternRef, PatternView, Row, SiteView, SitemapUrl, Stats, TagView, Timeline, WriteupView, YearView,
};

/// The site's files by path from the output root.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What the renderer needs: the published writeups only, and the patterns.
pub struct Input<'a> {
    pub config: &'a Config,
    pub patterns: &'a [Pattern],
    pub publication: &'a Publication,
    /// The date "overdue" is judged against.
    pub as_of: Date,
}

const RECENT: usize = 10;
const FEED_ENTRIES: usize = 50;

/// Renders every page, feed and asset of the site.
pub fn render(input: &Input<'_>, theme: &Theme, diags: &mut Diagnostics) -> Result<Files, Error> {
    let mut tera = Tera::default();
    tera.set_escape_fn(escape);
    tera.add_raw_templates(theme.templates.iter().map(|(name, text)| (name.as_str(), text.as_str())))
        .map_err(template_error)?;
    let site = Site::new(input, diags);
    let mut out = Pages { tera: &tera, base: site.base_context(input.config), files: Files::new() };
    site.render_pages(input, &mut out)?;
    for (name, bytes) in &theme.assets {
        out.files.insert(format!("assets/{name}"), bytes.clone());
    }
    out.files.insert(".nojekyll".into(), Vec::new());
    Ok(out.files)
}

/// Escapes text for HTML and XML content and attributes (leaving `/` alone, unlike Tera's default).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Reports the link problems of documents that are not rendered (withheld writeups, documents
/// that failed validation), so that `check` catches them before a writeup is approved.
pub fn check_links<'a>(
    input: &Input<'_>,
    documents: impl IntoIterator<Item = (&'a Path, &'a Body)>,
    diags: &mut Diagnostics,
) {
    let links = Links::new(input.publication, input.patterns);
    for (path, body) in documents {
        markdown::render(body, path, "../", |dest| links.resolve(path, dest), diags);
    }
}

fn template_error(e: tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Theme(message)
}

/// The published knowledge base as views, newest first.
struct Site {
    writeups: Vec<WriteupView>,
    /// Full pages (html + toc) by index into `writeups`.
    bodies: Vec<(String, Vec<markdown::TocEntry>)>,
    patterns: Vec<PatternView>,
    tags: Vec<(TagView, Vec<usize>)>,
}

impl Site {
    fn new(input: &Input<'_>, diags: &mut Diagnostics) -> Site {
        let links = Links::new(input.publication, input.patterns);
        let mut published: Vec<&Writeup> = input.publication.published.iter().collect();
        published.sort_by(|a, b| b.occurred.cmp(&a.occurred).then_with(|| a.id.cmp(&b.id)));

        let pattern_ref = |slug: &str| {
            let p = input.patterns.iter().find(|p| p.slug == slug);
            PatternRef {
                slug: slug.to_string(),
                title: p.map_or_else(|| slug.to_string(), |p| p.title.clone()),
                url: p.map_or_else(String::new, Pattern::url),
            }
        };

        let mut tags: BTreeMap<String, (TagView, Vec<usize>)> = BTreeMap::new();
        let mut writeups = Vec::with_capacity(published.len());
        let mut bodies = Vec::with_capacity(published.len());
        for (i, w) in published.iter().enumerate() {
            let html = markdown::render(&w.body, &w.source, "../", |dest| links.resolve(&w.source, dest), diags);
            let mut tag_views = Vec::new();
            for name in &w.tags {
                let slug = tag_slug(name);
                let url = format!("tags/{slug}.html");
                let entry = tags
                    .entry(slug)
                    .or_insert_with(|| (TagView { name: name.clone(), url: url.clone(), count: Some(0) }, Vec::new()));
                if !entry.1.contains(&i) {
                    entry.1.push(i);
                    entry.0.count = Some(entry.1.len());
                }
                tag_views.push(TagView { name: name.clone(), url, count: None });
            }
            let patterns = w.patterns.iter().map(|(slug, _)| pattern_ref(slug)).collect();
            writeups.push(WriteupView::new(w, html.summary, patterns, tag_views, input.as_of));
            bodies.push((html.html, html.toc));
        }

        let quarters = quarter_range(&published);
        let mut patterns: Vec<PatternView> = input
            .patterns
            .iter()
            .map(|p| {
                let members: Vec<&Writeup> =
                    published.iter().copied().filter(|w| w.patterns.iter().any(|(s, _)| *s == p.slug)).collect();
                let mut view = PatternView::new(p, &members);
                let html = markdown::render(&p.body, &p.source, "../", |dest| links.resolve(&p.source, dest), diags);
                view.html = Some(html.html);
                view.timeline = Some(timeline(&p.slug, &p.title, &members, &quarters));
                view
            })
            .collect();
        patterns.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.title.cmp(&b.title)));
        Site { writeups, bodies, patterns, tags: tags.into_values().collect() }
    }

    fn base_context(&self, config: &Config) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &SiteView::new(config));
        ctx.insert("version", env!("CARGO_PKG_VERSION"));
        ctx.insert(
            "stats",
            &Stats { writeups: self.writeups.len(), patterns: self.patterns.len(), tags: self.tags.len() },
        );
        ctx
    }

    fn render_pages(&self, input: &Input<'_>, out: &mut Pages<'_>) -> Result<(), Error> {
        let config = input.config;
        let brief = |p: &PatternView| PatternView { html: None, writeups: None, timeline: None, ..p.clone() };
        let brief_patterns: Vec<PatternView> = self.patterns.iter().map(brief).collect();
        let all_stopped: Vec<_> = input.publication.published.iter().map(|w| w.stopped_by).collect();

        let mut ctx = Context::new();
        ctx.insert("recent", &self.writeups.iter().take(RECENT).collect::<Vec<_>>());
        ctx.insert("patterns", &brief_patterns);
        ctx.insert("stopped_by", &view::stopped_by_shares(&all_stopped));
        out.page("index.html", "home", &config.title, &config.description, "index.html", ctx)?;

        let mut years: Vec<YearView> = Vec::new();
        for w in &self.writeups {
            match years.last_mut() {
                Some(y) if y.year == w.year => y.writeups.push(w.clone()),
                _ => years.push(YearView { year: w.year, writeups: vec![w.clone()] }),
            }
        }
        let mut ctx = Context::new();
        ctx.insert("years", &years);
        let description = format!("All {} published near-miss writeups, newest first.", self.writeups.len());
        out.page("writeups/index.html", "writeups", "Writeups", &description, "writeups.html", ctx)?;

        for (w, (html, toc)) in self.writeups.iter().zip(&self.bodies) {
            let full = WriteupView { html: Some(html.clone()), toc: toc.clone(), ..w.clone() };
            let mut ctx = Context::new();
            ctx.insert("writeup", &full);
            ctx.insert("as_of", &input.as_of);
            out.page(&w.url, "writeup", &w.title, &w.summary, "writeup.html", ctx)?;
        }

        let mut ctx = Context::new();
        ctx.insert("patterns", &brief_patterns);
        let description = "Recurring classes of near miss, each tied to a risk, with early signals and controls.";
        out.page("patterns/index.html", "patterns", "Patterns", description, "patterns.html", ctx)?;

        for p in &self.patterns {
            let members: Vec<&WriteupView> =
                self.writeups.iter().filter(|w| w.patterns.iter().any(|r| r.slug == p.slug)).collect();
            let mut full = p.clone();
            full.writeups = Some(members.into_iter().cloned().collect());
            let mut ctx = Context::new();
            ctx.insert("pattern", &full);
            out.page(&p.url, "pattern", &p.title, &p.risk, "pattern.html", ctx)?;
        }

        let tag_views: Vec<&TagView> = self.tags.iter().map(|(t, _)| t).collect();
        let mut ctx = Context::new();
        ctx.insert("tags", &tag_views);
        out.page("tags/index.html", "tags", "Tags", "Every tag used in the published writeups.", "tags.html", ctx)?;
        for (tag, members) in &self.tags {
            let mut ctx = Context::new();
            ctx.insert("tag", tag);
            ctx.insert("writeups", &members.iter().map(|&i| &self.writeups[i]).collect::<Vec<_>>());
            let title = format!("Tagged “{}”", tag.name);
            let description = format!("Near-miss writeups tagged {}.", tag.name);
            out.page(&tag.url, "tag", &title, &description, "tag.html", ctx)?;
        }

        let description = "Full-text search of the published writeups and patterns.";
        out.page("search.html", "search", "Search", description, "search.html", Context::new())?;

        let mut ctx = Context::new();
        ctx.insert("root", config.base_path());
        out.page_at("404.html", "404", "Page not found", "This page does not exist.", "404.html", ctx)?;

        if !config.has_absolute_base_url() {
            return out.page("robots.txt", "robots", "robots.txt", "", "robots.txt", Context::new());
        }
        let mut entries: Vec<&WriteupView> = self.writeups.iter().collect();
        entries.sort_by(|a, b| b.reported.cmp(&a.reported).then_with(|| a.id.cmp(&b.id)));
        entries.truncate(FEED_ENTRIES);
        let mut ctx = Context::new();
        ctx.insert("updated", &entries.first().map_or(input.as_of, |w| w.reported));
        ctx.insert("entries", &entries);
        out.page("atom.xml", "feed", &config.title, &config.description, "atom.xml", ctx)?;

        let newest = self.writeups.iter().map(|w| w.reviewed.unwrap_or(w.reported)).max();
        let mut urls = vec![
            SitemapUrl { loc: String::new(), lastmod: newest },
            SitemapUrl { loc: "writeups/index.html".into(), lastmod: newest },
            SitemapUrl { loc: "patterns/index.html".into(), lastmod: newest },
            SitemapUrl { loc: "tags/index.html".into(), lastmod: newest },
            SitemapUrl { loc: "search.html".into(), lastmod: newest },
        ];
        urls.extend(
            self.writeups.iter().map(|w| SitemapUrl { loc: w.url.clone(), lastmod: w.reviewed.or(Some(w.reported)) }),
        );
        urls.extend(self.patterns.iter().map(|p| SitemapUrl { loc: p.url.clone(), lastmod: p.latest }));
        urls.extend(self.tags.iter().map(|(t, _)| SitemapUrl { loc: t.url.clone(), lastmod: None }));
        let mut ctx = Context::new();
        ctx.insert("urls", &urls);
        out.page("sitemap.xml", "sitemap", "Sitemap", "", "sitemap.xml", ctx)?;
        out.page("robots.txt", "robots", "robots.txt", "", "robots.txt", Context::new())
    }
}

/// Renders templates into files, each page with its path to the site root.
struct Pages<'a> {
    tera: &'a Tera,
    base: Context,
    files: Files,
}

impl Pages<'_> {
    fn page(
        &mut self,
        path: &str,
        kind: &'static str,
        title: &str,
        description: &str,
        template: &str,
        mut ctx: Context,
    ) -> Result<(), Error> {
        ctx.insert("root", &"../".repeat(path.matches('/').count()));
        self.page_at(path, kind, title, description, template, ctx)
    }

    /// Like `page`, but the context already says where the root is.
    fn page_at(
        &mut self,
        path: &str,
        kind: &'static str,
        title: &str,
        description: &str,
        template: &str,
        ctx: Context,
    ) -> Result<(), Error> {
        let mut full = self.base.clone();
        full.extend(ctx);
        full.insert(
            "page",
            &PageView { kind, title: title.into(), description: description.into(), path: path.into() },
        );
        let text = self.tera.render(template, &full).map_err(template_error)?;
        self.files.insert(path.to_string(), text.into_bytes());
        Ok(())
    }
}

/// The file name of a tag's page: never empty, and never `index`, the tag index's own name.
fn tag_slug(name: &str) -> String {
    match slugify(name) {
        s if s.is_empty() => "tag".to_string(),
        s if s == "index" => "index-tag".to_string(),
        s => s,
    }
}

/// Every quarter from the oldest to the newest published writeup, so all charts share an axis.
fn quarter_range(published: &[&Writeup]) -> Vec<(i32, u8)> {
    let first = published.iter().map(|w| (w.occurred.year(), w.occurred.quarter())).min();
    let last = published.iter().map(|w| (w.occurred.year(), w.occurred.quarter())).max();
    let (Some(mut q), Some(last)) = (first, last) else { return Vec::new() };
    let mut out = Vec::new();
    while q <= last {
        out.push(q);
        q = if q.1 == 4 { (q.0 + 1, 1) } else { (q.0, q.1 + 1) };
    }
    out
}

fn timeline(slug: &str, title: &str, members: &[&Writeup], quarters: &[(i32, u8)]) -> Timeline {
    let rows: Vec<Row> = quarters
        .iter()
        .map(|&(y, q)| Row {
            label: format!("{y} Q{q}"),
            count: members.iter().filter(|w| w.occurred.year() == y && w.occurred.quarter() == q).count(),
        })
        .collect();
    let bars: Vec<chart::Bar> = quarters
        .iter()
        .zip(&rows)
        .map(|(&(y, q), row)| chart::Bar {
            tick: (q == 1 || quarters.len() <= 4).then(|| {
                if quarters.len() <= 4 {
                    row.label.clone()
                } else {
                    y.to_string()
                }
            }),
            name: row.label.clone(),
            value: row.count,
        })
        .collect();
    let caption = format!("{title}: near misses per quarter");
    Timeline { svg: chart::bar_chart(&format!("timeline-{slug}"), &caption, &bars), caption, rows }
}
