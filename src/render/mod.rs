//! Renders the published knowledge base into pages: markdown to safe HTML, then the theme.

mod alike;
pub mod chart;
mod export;
mod indicators;
mod learning;
mod links;
pub mod markdown;
mod paginate;
pub mod policy;
mod report;
mod view;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::feed::{self, SigningKey};
use crate::gate::Publication;
use crate::kri::Indicators;
use crate::load::StaticFile;
use crate::memo::{fingerprint, Kept, Memo};
use crate::model::{Body, Keyword, Pattern, SourceError, Tlp, Writeup};
use crate::search;
use crate::theme::Theme;
use crate::Error;
use links::Links;
use markdown::Html;
use view::{
    PageView, PatternRef, PatternView, Row, SiteView, SitemapUrl, Stats, TagView, Timeline, WriteupCard, WriteupView,
};

/// The site's files by path from the output root.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What writes one file of the site to the writer it is given.
type Fill<'f> = dyn FnMut(&mut dyn Write) -> Result<(), Error> + 'f;

/// What the renderer needs: the published writeups only, and the patterns.
pub struct Input<'a> {
    pub config: &'a Config,
    pub patterns: &'a [Pattern],
    pub publication: &'a Publication,
    /// The date "overdue" is judged against.
    pub as_of: Date,
    /// The KRIs, computed from the published writeups.
    pub indicators: &'a Indicators,
}

const RECENT: usize = 10;
/// How many similar near misses from other organisations a writeup page lists.
const SIMILAR: usize = 3;
const SIMILAR_SCAN: usize = 200;
const FEED_ENTRIES: usize = 50;

/// Prepares the site from `facts`: every view computed and every body rendered once (so link
/// problems are known and summaries made), pages rendered on demand by [`Site::render`] or all
/// at once by [`Site::write_to`]. The links of `unrendered` documents (withheld, or invalid) are
/// checked too. The `statics` files are copied as they are, unless one would replace a page.
pub fn prepare(
    facts: Facts,
    unrendered: &[(PathBuf, Body)],
    statics: Vec<StaticFile>,
    theme: &Theme,
    reuse: &mut Reuse,
    diags: &mut Diagnostics,
) -> Result<Site, Error> {
    let tera = reuse.templates.try_get(fingerprint(&theme.templates), || {
        let mut tera = Tera::default();
        tera.set_escape_fn(escape);
        tera.add_raw_templates(theme.templates.iter().map(|(name, text)| (name.as_str(), text.as_str())))
            .map_err(template_error)?;
        Ok::<_, Error>(Arc::new(tera))
    })?;
    let input = facts.input();
    let model = Model::new(&input, unrendered, reuse, diags);
    let mut base = model.base_context(input.config);
    let published = published_tlp(input.publication);
    base.insert("page_tlp", &TlpView::of(published));
    // TLP:GREEN and above are for a community, never the public: keep search engines out.
    base.insert("noindex", &(published > Tlp::Clear));
    let mut pages = model.pages(input.config, theme);
    pages.extend(indicators::paths(input.indicators).into_iter().map(|path| (path, Page::Indicator)));
    pages.extend(export::paths().into_iter().map(|path| (path, Page::Export)));
    pages.extend(crate::export::Index::aggregate_paths().map(|path| (path.to_string(), Page::Interchange)));
    let records = model.interchange.record_paths();
    pages.extend(records.into_iter().map(|path| (path, Page::Record)));
    pages.extend(feed::paths(facts.signing.is_some()).into_iter().map(|path| (path, Page::Share)));
    let assets = fingerprint(&theme.assets);
    let mut site = Site {
        tera,
        base,
        model,
        pages: BTreeMap::new(),
        facts,
        assets,
        bundle: OnceLock::new(),
        opening: OnceLock::new(),
        feed: OnceLock::new(),
        similar: OnceLock::new(),
        index: OnceLock::new(),
        followed: Mutex::default(),
        tracker: OnceLock::new(),
        behind: OnceLock::new(),
    };
    pages.extend(site.learning_paths());
    for file in statics {
        if pages.contains_key(&file.rel) || file.rel == crate::output::MARKER {
            diags.push(
                Diagnostic::error(
                    &file.path,
                    Span::new(1, 1, 1),
                    format!("would replace the site's own `{}`", file.rel),
                )
                .with_hint("rename or remove it: nearmiss writes this file itself"),
            );
        } else {
            pages.insert(file.rel, Page::Bytes(file.bytes));
        }
    }
    site.pages = pages;
    Ok(site)
}

/// What preparing a site keeps for the next run (for `serve`): each body's summary and link
/// problems, each writeup's card, and the compiled templates. The default keeps nothing.
#[derive(Default)]
pub struct Reuse {
    bodies: Memo<Result<(String, Diagnostics), Diagnostic>>,
    cards: Memo<Arc<WriteupCard>>,
    templates: Kept<Arc<Tera>>,
}

impl Reuse {
    pub fn keeping() -> Reuse {
        Reuse { bodies: Memo::keeping(), cards: Memo::keeping(), templates: Kept::keeping() }
    }
}

impl std::fmt::Debug for Reuse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reuse").finish_non_exhaustive()
    }
}

/// Escapes text for HTML and XML content and attributes (leaving `/` alone, unlike Tera's
/// default), dropping the characters XML 1.0 forbids (NUL, most C0 controls, U+FFFE, U+FFFF…)
/// so that every XML file stays well-formed whatever the content holds.
pub fn escape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Runs of bytes that need nothing are copied whole; `i` is always at the start of a
    // character, since only ASCII bytes and the lead byte 0xEF are acted on.
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let (len, with) = match bytes[i] {
            b'&' => (1, "&amp;"),
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&#39;"),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            // The other C0 controls, and U+FFFE and U+FFFF: characters XML does not allow.
            0..=0x1f => (1, ""),
            0xef if matches!(bytes.get(i + 1..i + 3), Some([0xbf, 0xbe | 0xbf])) => (3, ""),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[copied..i]);
        out.push_str(with);
        i += len;
        copied = i;
    }
    out.push_str(&text[copied..]);
    out
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

/// The published knowledge base as views, newest first. Bodies are rendered again when their
/// page is, so that no more than a page's worth of HTML is held at a time.
struct Model {
    writeups: Vec<Arc<WriteupCard>>,
    /// The index in `publication.published` of each card's writeup.
    published: Vec<usize>,
    patterns: Vec<PatternView>,
    tags: Vec<(TagView, Vec<usize>)>,
    /// By pattern slug, the cards of its writeups, newest first.
    by_pattern: HashMap<String, Vec<usize>>,
    links: Links,
    /// The MISP, STIX and VERIS exports' view of the published writeups.
    interchange: crate::export::Index,
    /// The site's own published writeups and patterns: what the MISP, STIX and VERIS exports
    /// hold (like the feed, they never pass on what was imported).
    own: Vec<Arc<Writeup>>,
    own_patterns: Vec<Pattern>,
}

impl Model {
    fn new(input: &Input<'_>, unrendered: &[(PathBuf, Body)], reuse: &mut Reuse, diags: &mut Diagnostics) -> Model {
        let links = Links::new(input.publication, input.patterns);
        let published = &input.publication.published;
        let mut order: Vec<usize> = (0..published.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&published[a], &published[b]);
            b.occurred.cmp(&a.occurred).then_with(|| a.id.cmp(&b.id))
        });
        let by_date: Vec<&Writeup> = order.iter().map(|&i| &*published[i]).collect();

        let sources: Vec<(&Path, &Body)> = by_date
            .iter()
            .map(|w| (w.source.as_path(), &w.body))
            .chain(input.patterns.iter().map(|p| (p.source.as_path(), &p.body)))
            .chain(unrendered.iter().map(|(path, body)| (path.as_path(), body)))
            .collect();
        let targets = links.fingerprint();
        let summaries: Vec<String> = reuse
            .bodies
            .try_get_all(
                &sources,
                |(path, body)| (*path, fingerprint((body.stamp, targets))),
                |(path, body)| {
                    let mut found = Diagnostics::default();
                    let summary = markdown::summarise(body, path, |dest| links.resolve(path, dest), &mut found);
                    summary.map(|summary| (summary, found)).map_err(|e| e.diagnostic())
                },
            )
            .into_iter()
            .zip(&sources)
            .map(|(summarised, (path, _))| match summarised {
                Ok((summary, found)) => {
                    // An imported record's link problems are its source's to fix; it was checked on import.
                    if !links.is_imported(path) {
                        diags.extend(found);
                    }
                    summary
                }
                Err(unreadable) => {
                    diags.push(unreadable);
                    String::new()
                }
            })
            .collect();

        let pattern_ref = |slug: &str| {
            let p = input.patterns.iter().find(|p| p.slug == slug);
            PatternRef {
                slug: slug.to_string(),
                title: p.map_or_else(|| slug.to_string(), |p| p.title.clone()),
                url: p.map_or_else(String::new, Pattern::url),
            }
        };
        // Each pattern's and tag's view is made once and shared by the cards that show it: a
        // site has few, each on thousands of cards.
        let mut shared_patterns: HashMap<&str, Arc<PatternRef>> = HashMap::new();
        let mut shared_tags: HashMap<&str, Arc<TagView>> = HashMap::new();
        for w in &by_date {
            for (slug, _) in &w.patterns {
                shared_patterns.entry(slug).or_insert_with(|| Arc::new(pattern_ref(slug)));
            }
            for name in &w.tags {
                shared_tags.entry(name).or_insert_with(|| Arc::new(TagView::new(name, None)));
            }
        }
        let pattern_titles: Vec<(&str, &str)> = input.patterns.iter().map(|p| (&*p.slug, &*p.title)).collect();
        let context = fingerprint(pattern_titles);
        let items: Vec<(&Writeup, String)> = by_date.iter().copied().zip(summaries).collect();
        let writeups = reuse.cards.get_all(
            &items,
            |(w, _)| (w.source.as_path(), fingerprint((w.front_stamp, w.body.stamp, context))),
            |(w, summary)| {
                let patterns = w.patterns.iter().map(|(slug, _)| Arc::clone(&shared_patterns[slug.as_str()])).collect();
                let tags = w.tags.iter().map(|name| Arc::clone(&shared_tags[name.as_str()])).collect();
                Arc::new(WriteupCard::new(w, summary.clone(), patterns, tags))
            },
        );
        let mut tags: BTreeMap<&str, (TagView, Vec<usize>)> = BTreeMap::new();
        for (i, card) in writeups.iter().enumerate() {
            for tag in &card.tags {
                let entry = tags.entry(&tag.slug).or_insert_with(|| (TagView::new(&tag.name, Some(0)), Vec::new()));
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                    entry.0.count = Some(entry.1.len());
                }
            }
        }
        let tags = tags.into_values().collect();

        let mut by_pattern: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, w) in by_date.iter().enumerate() {
            for (slug, _) in &w.patterns {
                let cards = by_pattern.entry(slug.clone()).or_default();
                if cards.last() != Some(&i) {
                    cards.push(i);
                }
            }
        }
        let quarters = quarter_range(&by_date);
        let mut patterns: Vec<PatternView> = input
            .patterns
            .iter()
            .map(|p| {
                let cards = by_pattern.get(&p.slug).map_or(&[][..], Vec::as_slice);
                let members: Vec<&Writeup> = cards.iter().map(|&i| by_date[i]).collect();
                let mut view = PatternView::new(p, &members);
                view.timeline = Some(timeline(&p.slug, &p.title, &members, &quarters, input.as_of));
                view
            })
            .collect();
        patterns.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.title.cmp(&b.title)));

        let own: Vec<Arc<Writeup>> = published.iter().filter(|w| w.origin.is_none()).cloned().collect();
        let own_patterns: Vec<Pattern> = input.patterns.iter().filter(|p| p.is_own()).cloned().collect();
        let interchange = crate::export::Index::new(input.config, &own, &own_patterns);
        Model { writeups, published: order, patterns, tags, by_pattern, links, interchange, own, own_patterns }
    }

    /// Up to [`SIMILAR`] of the newest writeups from other organisations that share a pattern
    /// with card `i`, looking at no more than [`SIMILAR_SCAN`] of each pattern's writeups.
    fn similar(&self, i: usize, publication: &Publication) -> Vec<&Arc<WriteupCard>> {
        let origin = |card: usize| publication.published[self.published[card]].origin.as_ref().map(|m| &m.source);
        let own = origin(i);
        let w = &publication.published[self.published[i]];
        let mut found: Vec<usize> = w
            .patterns
            .iter()
            .filter_map(|(slug, _)| self.by_pattern.get(slug))
            .flat_map(|cards| cards.iter().take(SIMILAR_SCAN).copied().filter(|&c| origin(c) != own).take(SIMILAR))
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().take(SIMILAR).map(|c| &self.writeups[c]).collect()
    }

    /// The body of the document at `path` for the page at `page` (its problems were reported
    /// when the site was prepared).
    fn body(&self, path: &Path, body: &Body, page: &str) -> Result<Html, SourceError> {
        let root = "../".repeat(page.matches('/').count());
        markdown::render(body, path, &root, |dest| self.links.resolve(path, dest), &mut Diagnostics::default())
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

    /// The cards a tag's or a pattern's pages list, newest first.
    fn members(&self, list: List) -> Vec<&Arc<WriteupCard>> {
        let indices = match list {
            List::Tag(i) => &self.tags[i].1[..],
            List::Pattern(i) => self.by_pattern.get(&self.patterns[i].slug).map_or(&[][..], Vec::as_slice),
        };
        indices.iter().map(|&c| &self.writeups[c]).collect()
    }

    /// The pages after the first of every tag and pattern, by path.
    fn later_pages(&self) -> Vec<(String, Page)> {
        let tags = self.tags.iter().enumerate().map(|(i, (t, cards))| (&t.url, cards.len(), List::Tag(i)));
        let patterns = self
            .patterns
            .iter()
            .enumerate()
            .map(|(i, p)| (&p.url, self.by_pattern.get(&p.slug).map_or(0, Vec::len), List::Pattern(i)));
        tags.chain(patterns)
            .flat_map(|(url, items, list)| {
                paginate::later_pages(url, items).map(move |(number, path)| (path, Page::Later(list, number)))
            })
            .collect()
    }

    /// Every file of the site, by path.
    fn pages(&self, config: &Config, theme: &Theme) -> BTreeMap<String, Page> {
        let mut pages = BTreeMap::new();
        pages.insert("index.html".to_string(), Page::Home);
        pages.insert("writeups/index.html".to_string(), Page::Writeups);
        pages.extend(self.writeups.iter().enumerate().map(|(i, w)| (w.url.clone(), Page::Writeup(i))));
        pages.insert("patterns/index.html".to_string(), Page::Patterns);
        pages.extend(self.patterns.iter().enumerate().map(|(i, p)| (p.url.clone(), Page::Pattern(i))));
        pages.insert("tags/index.html".to_string(), Page::Tags);
        pages.extend(self.tags.iter().enumerate().map(|(i, (t, _))| (t.url.clone(), Page::Tag(i))));
        pages.extend(self.later_pages());
        pages.insert("search.html".to_string(), Page::Search);
        pages.insert("data.html".to_string(), Page::Data);
        pages.insert("report.html".to_string(), Page::Report);
        pages.insert("404.html".to_string(), Page::NotFound);
        if config.has_absolute_base_url() {
            pages.insert("atom.xml".to_string(), Page::Feed);
            pages.insert("sitemap.xml".to_string(), Page::Sitemap);
        }
        pages.insert("robots.txt".to_string(), Page::Robots);
        pages.extend(theme.assets.iter().map(|(name, bytes)| (format!("assets/{name}"), Page::Bytes(bytes.clone()))));
        pages.insert(".nojekyll".to_string(), Page::Bytes(Vec::new()));
        pages
    }
}

/// What a file of the site is made from.
#[derive(Debug, Clone)]
enum Page {
    Home,
    Writeups,
    Writeup(usize),
    Patterns,
    Pattern(usize),
    Tags,
    Tag(usize),
    /// A page after the first of a tag's or a pattern's list, by number.
    Later(List, usize),
    Search,
    NotFound,
    Feed,
    Sitemap,
    Robots,
    /// The KRI dashboard, a KRI, the summary or the action tracker.
    Indicator,
    /// A data export or its schema.
    Export,
    /// A MISP, STIX or VERIS export of every record.
    Interchange,
    /// A MISP or VERIS export of one record.
    Record,
    /// The page that lists every export.
    Data,
    /// A file of the feed other knowledge bases import.
    Share,
    /// The page that writes a near-miss report in the browser.
    Report,
    /// A file as it is: an asset.
    Bytes(Vec<u8>),
    /// A role page, a digest, the digest feed, or a page or chunk of the long lists.
    Learning(learning::Learning),
}

/// A list of writeups long enough to be paginated.
#[derive(Debug, Clone, Copy)]
enum List {
    Tag(usize),
    Pattern(usize),
}

/// What pages are made from, owned by the prepared site: the settings, the patterns, the
/// publication (only its published writeups are read), the as-of date and the KRIs.
pub struct Facts {
    pub config: Config,
    pub patterns: Vec<Pattern>,
    pub publication: Publication,
    pub as_of: Date,
    pub indicators: Arc<Indicators>,
    /// The key the feed's manifest is signed with, if any.
    pub signing: Option<Arc<SigningKey>>,
}

impl Facts {
    /// A borrowed view, as the page modules take it.
    pub fn input(&self) -> Input<'_> {
        Input {
            config: &self.config,
            patterns: &self.patterns,
            publication: &self.publication,
            as_of: self.as_of,
            indicators: &self.indicators,
        }
    }
}

/// A prepared site: its views, its templates and the list of its files, each rendered on demand.
pub struct Site {
    tera: Arc<Tera>,
    base: Context,
    model: Model,
    pages: BTreeMap<String, Page>,
    facts: Facts,
    /// A fingerprint of the theme's assets (style sheet, scripts).
    assets: u64,
    /// The search bundle, once asked for (errors kept as text so the cell can be shared).
    bundle: OnceLock<Result<search::Bundle, String>>,
    /// The files the search page preloads, once a build made the bundle without keeping it.
    opening: OnceLock<search::Opening>,
    /// The feed's files, once asked for.
    feed: OnceLock<Result<feed::Files, String>>,
    /// Each card's similar near misses (card indexes, most similar first), once a build found them all.
    similar: OnceLock<Result<Vec<Vec<usize>>, String>>,
    /// The search index, kept for the files asked for one at a time (serve): the search bundle
    /// and each writeup page's similar near misses.
    index: OnceLock<Result<Arc<search::Index>, String>>,
    /// The search index of the site this one follows in `serve` (see [`Site::follow`]).
    followed: Mutex<LastIndex>,
    /// The action tracker, made once for all its pages and chunks.
    tracker: OnceLock<learning::Tracker>,
    /// For each site KRI, the cards behind its current value, made once for all its pages.
    behind: OnceLock<Vec<Vec<usize>>>,
}

/// The search index of the site a served one follows, and whether a page was rendered from it.
#[derive(Default)]
struct LastIndex {
    index: Option<Arc<search::Index>>,
    used: bool,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("files", &self.pages.len()).finish()
    }
}

impl Site {
    /// The path of every file, from the output root.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.pages.keys().map(String::as_str)
    }

    /// The search index of the published writeups and patterns, in memory.
    pub fn search_index(&self) -> Result<search::Index, Error> {
        self.index_in(search::Store::Memory)
    }

    /// The search index of the published writeups and patterns, kept in `store`.
    fn index_in(&self, store: search::Store<'_>) -> Result<search::Index, Error> {
        Ok(search::index(&self.facts.publication, &self.facts.patterns, store)?)
    }

    /// For each site KRI, the cards behind its current value (see [`view::behind_cards`]).
    fn behind(&self) -> &[Vec<usize>] {
        self.behind.get_or_init(|| {
            self.facts.indicators.site.iter().map(|s| view::behind_cards(s, &self.model.writeups)).collect()
        })
    }

    /// The index [`Site::search_index`] makes, made the first time it is asked for and kept.
    fn kept_index(&self) -> Result<&search::Index, Error> {
        let kept = self.index.get_or_init(|| self.search_index().map(Arc::new).map_err(|e| e.to_string()));
        kept.as_deref().map_err(|e| Error::SearchBundle(e.clone()))
    }

    /// The last site's index, while this site's own is not made, or could not be: a file read
    /// again for it may have changed since this site was built (see [`Site::follow`]).
    fn last_index(&self) -> Option<Arc<search::Index>> {
        let mut last = self.followed();
        let index = last.index.clone().filter(|_| !matches!(self.index.get(), Some(Ok(_))));
        last.used |= index.is_some();
        index
    }

    fn followed(&self) -> MutexGuard<'_, LastIndex> {
        self.followed.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Lets this site's pages, until its own search index is made, list the similar near misses
    /// that `last`'s index finds (or the one `last` itself was using): a preview shows an edit
    /// at once, without waiting for the whole site to be indexed again.
    pub fn follow(&mut self, last: &Site) {
        let index = match last.index.get() {
            Some(Ok(index)) => Some(Arc::clone(index)),
            _ => last.followed().index.clone(),
        };
        *self.followed() = LastIndex { index, used: false };
    }

    /// Makes this site's own search index if it is not made yet and says whether the pages
    /// change for it: whether one was rendered from the last site's index, which is let go.
    /// If this site's cannot be made, the pages keep to the last site's.
    pub fn make_search_index(&self) -> bool {
        if self.kept_index().is_err() {
            return false;
        }
        let mut last = self.followed();
        last.index = None;
        last.used
    }

    /// Whether this site's own search index is made (or failed).
    pub fn has_search_index(&self) -> bool {
        self.index.get().is_some()
    }

    /// The search bundle (`search/…`), made from the kept index the first time it is asked for.
    fn bundle(&self) -> Result<&search::Bundle, Error> {
        let made = self
            .bundle
            .get_or_init(|| self.kept_index().and_then(|index| Ok(search::export(index)?)).map_err(|e| e.to_string()));
        made.as_ref().map_err(|e| Error::SearchBundle(e.clone()))
    }

    /// Makes the search bundle afresh from an index in `store` and hands each of its files to
    /// `put` as it is made, for a build that writes each once and keeps none: every card's
    /// similar near misses are found from the same index (and kept), where each would otherwise
    /// build its own, and the files the search page preloads are kept.
    fn fresh_bundle(
        &self,
        store: search::Store<'_>,
        put: impl Fn(&str, &[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let failed = |e: Error| Error::SearchBundle(e.to_string());
        let index = self.index_in(store).map_err(failed)?;
        self.similar.get_or_init(|| self.similar_in(&index).map_err(|e| e.to_string()));
        let opening = search::export_to(&index, |path, bytes| put(&path, &bytes))?;
        self.opening.get_or_init(|| opening);
        Ok(())
    }

    /// The files the search page preloads.
    fn opening(&self) -> Result<&search::Opening, Error> {
        match self.opening.get() {
            Some(opening) => Ok(opening),
            None => Ok(&self.bundle()?.opening),
        }
    }

    /// The feed (`feed/…`): the site's own published writeups and patterns, made the first time
    /// one of its files is asked for.
    fn feed(&self) -> Result<&feed::Files, Error> {
        let made = self.feed.get_or_init(|| self.fresh_feed().map_err(|e| e.to_string()));
        made.as_ref().map_err(|e| Error::Feed(e.clone()))
    }

    /// The feed's files, made afresh.
    fn fresh_feed(&self) -> Result<feed::Files, feed::FeedError> {
        self.with_feed(|contents| feed::publish(contents, self.facts.signing.as_deref()))
    }

    /// Hands `make` what the feed holds: the site's own published writeups and patterns.
    fn with_feed<T, E: From<SourceError>>(
        &self,
        make: impl FnOnce(feed::Contents<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let org = &self.facts.config.org;
        let patterns = self.model.own_patterns.iter().map(|p| Ok((p, self.portable(&p.source, &p.body)?)));
        make(feed::Contents {
            publisher: (!org.is_anonymous())
                .then(|| feed::format::Publisher { id: org.id.clone(), label: org.label.clone() }),
            writeups: self.model.own.iter().map(|w| &**w).collect(),
            body: &|w| self.portable(&w.source, &w.body),
            patterns: patterns.collect::<Result<_, SourceError>>()?,
        })
    }

    /// The markdown of `body` (of the file at `path`) as it may stand outside the site, in the
    /// feed and the exports: see [`markdown::published_markdown`].
    fn portable(&self, path: &Path, body: &Body) -> Result<String, SourceError> {
        let config = &self.facts.config;
        let base = config.has_absolute_base_url().then_some(config.base_url.as_str());
        Ok(markdown::published_markdown(&body.markdown()?, base, |dest| self.model.links.resolve(path, dest)))
    }

    /// A fingerprint of the theme's assets: a page shown with other assets needs a full reload.
    pub fn assets_fingerprint(&self) -> u64 {
        self.assets
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether the site has no files (never true of a prepared site).
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Renders every file into `dir` (which must exist), in parallel, holding one page at a time
    /// per thread; the exports of every record are written to disk as they are made. The search
    /// index is kept in `scratch`, an empty folder that is never published.
    pub fn write_to(&self, dir: &Path, scratch: &Path) -> Result<(), Error> {
        let sink = |path: &str, fill: &mut Fill<'_>| crate::output::write_streamed(&dir.join(path), fill);
        self.each_file(search::Store::Disk(scratch), sink)
    }

    /// Renders every file and drops it: what `check` runs, so that it fails wherever a build would.
    pub fn render_all(&self) -> Result<(), Error> {
        self.each_file(search::Store::Memory, |_, fill| fill(&mut std::io::sink()))
    }

    /// Renders every file and hands it to `sink` with what writes it, stopping at the first
    /// error; the search index is kept in `store` while the bundle is made.
    fn each_file(
        &self,
        store: search::Store<'_>,
        sink: impl Fn(&str, &mut Fill<'_>) -> Result<(), Error> + Sync,
    ) -> Result<(), Error> {
        let put = |path: &str, bytes: &[u8]| {
            sink(path, &mut |out| out.write_all(bytes).map_err(|e| Error::io(Path::new(path), e)))
        };
        let (share, pages): (Vec<_>, Vec<_>) = self.pages.iter().partition(|(_, page)| matches!(page, Page::Share));
        // Two chains run side by side. The pages that list every writeup are large: they are
        // rendered one at a time, so that memory holds at most one large context, and the exports
        // of every record are written as they are made, never held whole. Beside them, the search
        // bundle, whose making also finds every writeup's similar near misses, then the many small
        // pages in parallel: writeups, records and the search page that preloads two of the
        // bundle's files (which need those), and the pages of tags' and patterns' lists, at most
        // a page of cards each. The index is built on one thread and the bundle encoded on one,
        // so the lists keep the other core busy meanwhile.
        let (small, mut large): (Vec<_>, Vec<_>) = pages.into_iter().partition(|(_, page)| {
            matches!(
                page,
                Page::Writeup(_) | Page::Record | Page::Search | Page::Tag(_) | Page::Pattern(_) | Page::Later(..)
            )
        });
        // The exports written as they are made go first, beside the index: they hold almost
        // nothing, where a rendered list page's context is held with the index.
        large.sort_by_key(|(_, page)| !matches!(page, Page::Export | Page::Interchange));
        let lists = || -> Result<(), Error> {
            if !share.is_empty() {
                self.with_feed(|contents| {
                    feed::publish_to(contents, self.facts.signing.as_deref(), &mut |path, fill| {
                        sink(path, &mut |out| Ok(fill(out)?))
                    })
                })?;
            }
            large.into_iter().try_for_each(|(path, page)| match page {
                Page::Export | Page::Interchange => sink(path, &mut |out| self.write_streamed(path, page, out)),
                _ => put(path, &self.render_page(path, page)?),
            })
        };
        let each = || -> Result<(), Error> {
            // Each of the bundle's files is asked for once here: handed on as it is made and
            // dropped, not kept for the next request as `render` keeps them; the index goes once
            // the bundle is made.
            self.fresh_bundle(store, put)?;
            small.par_iter().try_for_each(|(path, page)| put(path, &self.render_page(path, page)?))
        };
        let (listed, made) = rayon::join(lists, each);
        listed.and(made)
    }

    /// Writes an export at `path` to `out` as it is made, record by record: the published
    /// dataset (`kri.json`, `writeups.json`…) or a MISP, STIX or VERIS file (nothing for no such
    /// export).
    fn write_streamed(&self, path: &str, page: &Page, out: &mut dyn Write) -> Result<(), Error> {
        let m = &self.model;
        let written = match page {
            Page::Export => export::write(&self.facts.input(), &m.writeups, path, out),
            _ => {
                let body = |w: &Writeup| self.portable(&w.source, &w.body);
                m.interchange.write(&self.facts.config, &m.own, &m.own_patterns, &body, path, out)
            }
        };
        written.unwrap_or(Ok(()))
    }

    /// The bytes of the file at `path`, or `None` if the site has no such file.
    pub fn render(&self, path: &str) -> Option<Result<Vec<u8>, Error>> {
        if path.starts_with("search/") {
            return match self.bundle() {
                Ok(bundle) => bundle.files.get(path).cloned().map(Ok),
                Err(e) => Some(Err(e)),
            };
        }
        let page = self.pages.get(path)?;
        Some(self.render_page(path, page))
    }

    fn render_page(&self, path: &str, page: &Page) -> Result<Vec<u8>, Error> {
        let m = &self.model;
        let config = &self.facts.config;
        let mut ctx = Context::new();
        match page {
            Page::Home => {
                ctx.insert("recent", &m.writeups.iter().take(RECENT).collect::<Vec<_>>());
                ctx.insert("patterns", &self.brief_patterns());
                ctx.insert("headline", &self.headline());
                ctx.insert(
                    "stopped_by",
                    &view::stopped_by_shares(
                        &self.facts.publication.published.iter().map(|w| w.stopped_by).collect::<Vec<_>>(),
                    ),
                );
                self.page(path, "home", &config.title, &config.description, "index.html", ctx)
            }
            Page::Writeups => self.writeups_page(path, 1),
            Page::Learning(which) => self.learning_page(path, which),
            Page::Writeup(i) => {
                let (card, w) = (&m.writeups[*i], &self.facts.publication.published[m.published[*i]]);
                let full =
                    WriteupView::new(w, card, m.body(&w.source, &w.body, path)?, self.facts.as_of, &config.roles);
                ctx.insert("writeup", &full);
                ctx.insert("page_tlp", &TlpView::of(w.tlp));
                ctx.insert("as_of", &self.facts.as_of);
                ctx.insert("similar", &m.similar(*i, &self.facts.publication));
                ctx.insert("alike", &self.alike(*i)?);
                self.page(path, "writeup", &card.title, &card.summary, "writeup.html", ctx)
                    .map_err(|e| e.about(&w.source))
            }
            Page::Patterns => {
                ctx.insert("patterns", &self.brief_patterns());
                let description =
                    "Recurring classes of near miss, each tied to a risk, with early signals and controls.";
                self.page(path, "patterns", "Patterns", description, "patterns.html", ctx)
            }
            Page::Pattern(i) => {
                let p = &m.patterns[*i];
                let members = m.members(List::Pattern(*i));
                let source = self.facts.patterns.iter().find(|s| s.slug == p.slug);
                let html = source.map(|s| m.body(&s.source, &s.body, path)).transpose()?.map(|b| b.html);
                let first: Vec<_> = members[paginate::range(members.len(), 1)].iter().map(|&c| c.clone()).collect();
                ctx.insert("page_tlp", &TlpView::of_cards(first.iter().map(|w| &**w)));
                let full = PatternView { writeups: Some(first), html, ..p.clone() };
                ctx.insert("pattern", &full);
                ctx.insert("pager", &paginate::pager(&p.url, members.len(), 1));
                ctx.insert("kris", &indicators::pattern_panel(&self.facts.indicators, &p.slug, config.kri_min_records));
                let rendered = self.page(path, "pattern", &p.title, &p.risk, "pattern.html", ctx);
                rendered.map_err(|e| match source {
                    Some(s) => e.about(&s.source),
                    None => e,
                })
            }
            Page::Tags => {
                ctx.insert("tags", &m.tags.iter().map(|(t, _)| t).collect::<Vec<_>>());
                self.page(path, "tags", "Tags", "Every tag used in the published writeups.", "tags.html", ctx)
            }
            Page::Tag(i) => {
                let (tag, members) = &m.tags[*i];
                ctx.insert("tag", tag);
                let first = &members[paginate::range(members.len(), 1)];
                ctx.insert("page_tlp", &TlpView::of_cards(first.iter().map(|&i| &*m.writeups[i])));
                ctx.insert("writeups", &first.iter().map(|&i| &m.writeups[i]).collect::<Vec<_>>());
                ctx.insert("pager", &paginate::pager(&tag.url, members.len(), 1));
                let title = format!("Tagged “{}”", tag.name);
                let description = format!("Near-miss writeups tagged {}.", tag.name);
                self.page(path, "tag", &title, &description, "tag.html", ctx)
            }
            Page::Later(list, number) => {
                let (first, listing) = match *list {
                    List::Tag(i) => {
                        let name = &m.tags[i].0.name;
                        let listing = paginate::Listing {
                            name: format!("Tagged “{name}”"),
                            what: format!("tagged {name}"),
                            section: "Tags",
                            section_url: "tags/index.html",
                        };
                        (&m.tags[i].0.url, listing)
                    }
                    List::Pattern(i) => {
                        let p = &m.patterns[i];
                        let listing = paginate::Listing {
                            name: p.title.clone(),
                            what: "in this pattern".into(),
                            section: "Patterns",
                            section_url: "patterns/index.html",
                        };
                        (&p.url, listing)
                    }
                };
                let kind = if matches!(list, List::Tag(_)) { "tag" } else { "pattern" };
                let Some((title, ctx)) = paginate::later_page(listing, first, &m.members(*list), *number) else {
                    return Ok(Vec::new());
                };
                self.page(path, kind, &title, "", "listing.html", ctx)
            }
            Page::Search => {
                ctx.insert("preload", self.opening()?);
                let description = "Full-text search of the published writeups and patterns.";
                self.page(path, "search", "Search", description, "search.html", ctx)
            }
            Page::NotFound => self.not_found_page(path),
            Page::Feed => {
                let mut entries: Vec<&WriteupCard> = m.writeups.iter().map(|w| &**w).collect();
                entries.sort_by(|a, b| b.reported.cmp(&a.reported).then_with(|| a.id.cmp(&b.id)));
                entries.truncate(FEED_ENTRIES);
                ctx.insert("updated", &entries.first().map_or(self.facts.as_of, |w| w.reported));
                ctx.insert("entries", &entries);
                self.page(path, "feed", &config.title, &config.description, "atom.xml", ctx)
            }
            Page::Sitemap => {
                let newest = m.writeups.iter().map(|w| w.reviewed.unwrap_or(w.reported)).max();
                let mut urls: Vec<SitemapUrl> = [
                    "",
                    "writeups/index.html",
                    "patterns/index.html",
                    "tags/index.html",
                    "search.html",
                    "data.html",
                    "report.html",
                ]
                .into_iter()
                .map(|loc| SitemapUrl { loc: loc.to_string(), lastmod: newest })
                .collect();
                urls.extend(
                    m.writeups
                        .iter()
                        .map(|w| SitemapUrl { loc: w.url.clone(), lastmod: w.reviewed.or(Some(w.reported)) }),
                );
                urls.extend(m.patterns.iter().map(|p| SitemapUrl { loc: p.url.clone(), lastmod: p.latest }));
                urls.extend(m.tags.iter().map(|(t, _)| SitemapUrl { loc: t.url.clone(), lastmod: None }));
                urls.extend(m.later_pages().into_iter().map(|(loc, _)| SitemapUrl { loc, lastmod: None }));
                urls.extend(
                    indicators::paths(&self.facts.indicators).into_iter().map(|loc| SitemapUrl { loc, lastmod: None }),
                );
                urls.extend(self.learning_sitemap().into_iter().map(|loc| SitemapUrl { loc, lastmod: None }));
                // A site above TLP:CLEAR lists nothing for search engines (see `noindex`).
                if published_tlp(&self.facts.publication) > Tlp::Clear {
                    urls.clear();
                }
                ctx.insert("urls", &urls);
                self.page(path, "sitemap", "Sitemap", "", "sitemap.xml", ctx)
            }
            Page::Robots => self.page(path, "robots", "robots.txt", "", "robots.txt", ctx),
            Page::Indicator => {
                let Some((template, kind, title, description, ctx)) =
                    indicators::page(&self.facts.input(), &m.writeups, self.behind(), &m.patterns, path)
                else {
                    return Ok(Vec::new());
                };
                self.page(path, kind, &title, &description, template, ctx)
            }
            Page::Export | Page::Interchange | Page::Record => {
                let mut bytes = Vec::new();
                self.write_streamed(path, page, &mut bytes)?;
                Ok(bytes)
            }
            Page::Data => {
                ctx.insert("exports", &view::exports(config, m.interchange.records.len()));
                let description = "Every export of this knowledge base, who uses it and how to pull it.";
                self.page(path, "data", "Data and feeds", description, "data.html", ctx)
            }
            Page::Share => Ok(self.feed()?.get(path).cloned().unwrap_or_default()),
            Page::Report => {
                let ctx = report::context(config, &self.brief_patterns());
                let description = "Report a near miss: the questions, checks as you type, and a file to share.";
                self.page(path, "report", "Report a near miss", description, "report.html", ctx)
            }
            Page::Bytes(bytes) => Ok(bytes.clone()),
        }
    }

    /// 404.html, served at any depth: links from the base path, and the theme's style sheet
    /// inline so that it is styled opened from disk too. Its policy allows the `<style>`
    /// elements of a first rendering by their hashes, so a theme's own 404 template or style
    /// sheet gets exactly what it emits.
    fn not_found_page(&self, path: &str) -> Result<Vec<u8>, Error> {
        let css = match self.pages.get("assets/style.css") {
            Some(Page::Bytes(bytes)) => String::from_utf8_lossy(bytes),
            _ => Default::default(),
        };
        if css.to_ascii_lowercase().contains("</style") {
            return Err(Error::Theme(format!(
                "static/style.css holds `</style`, which would end {path}'s inline copy early"
            )));
        }
        let render = |policy: Option<&str>| {
            let mut ctx = Context::new();
            ctx.insert("root", self.facts.config.base_path());
            ctx.insert("stylesheet", &css);
            if let Some(policy) = policy {
                ctx.insert("content_security_policy", policy);
            }
            let page = self.page(path, "404", "Page not found", "This page does not exist.", "404.html", ctx)?;
            Ok::<_, Error>(String::from_utf8_lossy(&page).into_owned())
        };
        let draft = render(None)?;
        let page = render(Some(&policy::for_meta(&policy::of_page(path, &draft))))?;
        if policy::inline_styles(&page) != policy::inline_styles(&draft) {
            return Err(Error::Theme(format!("{path}: its `<style>` elements change with `content_security_policy`")));
        }
        Ok(page.into_bytes())
    }

    /// Patterns without their bodies, charts and writeups, for lists.
    fn brief_patterns(&self) -> Vec<PatternView> {
        let brief = |p: &PatternView| PatternView { html: None, writeups: None, timeline: None, ..p.clone() };
        self.model.patterns.iter().map(brief).collect()
    }

    /// Renders `template` for `path`; the root is `../` per folder level unless `ctx` sets it.
    fn page(
        &self,
        path: &str,
        kind: &'static str,
        title: &str,
        description: &str,
        template: &str,
        ctx: Context,
    ) -> Result<Vec<u8>, Error> {
        let mut full = self.base.clone();
        full.insert("root", &"../".repeat(path.matches('/').count()));
        full.extend(ctx);
        full.insert(
            "page",
            &PageView { kind, title: title.into(), description: description.into(), path: path.into() },
        );
        Ok(self.tera.render(template, &full).map_err(template_error)?.into_bytes())
    }
}

/// The most restrictive TLP of the published writeups (TLP:CLEAR when there are none): what
/// the pages that gather every writeup (lists, search, indicators) contain.
pub fn published_tlp(publication: &Publication) -> Tlp {
    publication.published.iter().map(|w| w.tlp).max().unwrap_or(Tlp::Clear)
}

/// A TLP level as pages mark it.
#[derive(Debug, Clone, serde::Serialize)]
struct TlpView {
    value: &'static str,
    label: String,
}

impl TlpView {
    fn of(tlp: Tlp) -> TlpView {
        TlpView { value: tlp.as_str(), label: tlp.label() }
    }

    /// The most restrictive level of `cards` (TLP:CLEAR for none).
    fn of_cards<'a>(cards: impl IntoIterator<Item = &'a WriteupCard>) -> TlpView {
        TlpView::of(cards.into_iter().filter_map(|c| Tlp::parse(c.tlp)).max().unwrap_or(Tlp::Clear))
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

/// A pattern's near misses per quarter; the quarter holding `as_of` is drawn as in progress.
fn timeline(slug: &str, title: &str, members: &[&Writeup], quarters: &[(i32, u8)], as_of: Date) -> Timeline {
    let rows: Vec<Row> = quarters
        .iter()
        .map(|&(y, q)| Row {
            label: format!("{y} Q{q}"),
            count: members.iter().filter(|w| w.occurred.year() == y && w.occurred.quarter() == q).count(),
        })
        .collect();
    let running = (as_of.year(), as_of.quarter());
    let bars: Vec<chart::Bar> = quarters
        .iter()
        .zip(&rows)
        .map(|(&(y, q), row)| chart::Bar {
            tick: format!("Q{q}"),
            group: y.to_string(),
            name: row.label.clone(),
            value: row.count,
            in_progress: (y, q) == running,
        })
        .collect();
    let caption = format!("{title}: near misses per quarter");
    Timeline { svg: chart::bar_chart(&format!("timeline-{slug}"), &caption, &bars), caption, rows }
}

#[cfg(test)]
mod tests {
    use super::escape;

    /// Whether XML 1.0 allows `c` in a document (its `Char` production): what `escape` keeps.
    fn allowed_in_xml(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    }

    #[test]
    fn escape_replaces_markup_and_drops_what_xml_does_not_allow() {
        assert_eq!(escape("a < b && \"c\" > 'd'"), "a &lt; b &amp;&amp; &quot;c&quot; &gt; &#39;d&#39;");
        assert_eq!(escape("tab\tline\ncr\r bell\u{7} nul\0 esc\u{1b}"), "tab\tline\ncr\r bell nul esc");
        assert_eq!(escape("\u{fffe}x\u{ffff}y\u{fffd}\u{efbf}"), "xy\u{fffd}\u{efbf}");
        assert_eq!(escape("Zoë, 東京, 🦀 & ☃"), "Zoë, 東京, 🦀 &amp; ☃");
        assert_eq!(escape(""), "");
        // Every character on its own agrees with the XML `Char` production.
        for c in (0..0x11_0000).filter_map(char::from_u32).filter(|c| !"&<>\"'".contains(*c)) {
            let expected = if allowed_in_xml(c) { c.to_string() } else { String::new() };
            assert_eq!(escape(&format!("{c}")), expected, "U+{:04X}", c as u32);
        }
    }
}
