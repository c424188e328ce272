//! The whole pipeline, stage after stage: load → validate → gate → render → output.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::{normalise_base_url, Config};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Level};
use crate::gate::{self, Withheld};
use crate::load::{self, ContentSource};
use crate::render::{self, Files, Input};
use crate::search;
use crate::theme::Theme;
use crate::validate;
use crate::Error;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub content: ContentSource,
    /// `site.yaml` elsewhere than in the content folder.
    pub config: Option<PathBuf>,
    /// A folder whose files override the default theme's.
    pub theme: Option<PathBuf>,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
    /// The date overdue actions are judged against, and future dates caught.
    pub as_of: Date,
}

/// A writeup kept out of the site, for the report.
#[derive(Debug, Clone)]
pub struct WithheldEntry {
    pub file: PathBuf,
    pub id: String,
    pub reason: Withheld,
}

/// Everything a run found and made.
#[derive(Debug)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file read, to show the lines diagnostics point at.
    pub sources: BTreeMap<PathBuf, String>,
    /// "published N writeups; withheld M: …", once the gate has run.
    pub summary: Option<String>,
    /// Things worth knowing that are not about one file.
    pub notes: Vec<String>,
    pub withheld: Vec<WithheldEntry>,
    /// The rendered site, when there were no errors.
    pub files: Option<Files>,
    /// The search index of the published pages, when there were no errors.
    pub search: Option<search::Index>,
}

impl Outcome {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.level == Level::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.level == Level::Warning).count()
    }
}

/// Runs every stage but writing; errors in the content are reported in the outcome, not as `Err`.
pub fn run(opts: &Options) -> Result<Outcome, Error> {
    let mut diags = Diagnostics::default();
    let theme = Theme::load(opts.theme.as_deref())?;
    let loaded = load::load(&opts.content, opts.config.as_deref(), &mut diags)?;
    let mut config = match &loaded.config {
        Some((path, node)) => Config::from_node(path, node, &mut diags),
        None => Config::default(),
    };
    if let Some(url) = &opts.base_url {
        config.base_url = normalise_base_url(url).ok_or_else(|| Error::BadBaseUrl(url.clone()))?;
    }
    let knowledge = validate::validate(&loaded.documents, opts.as_of, &mut diags);
    let publication = gate::decide(knowledge.writeups, config.max_tlp);
    let summary = publication.summary(config.max_tlp);
    let mut withheld: Vec<WithheldEntry> = publication
        .withheld
        .iter()
        .map(|(w, reason)| WithheldEntry { file: w.source.clone(), id: w.id.clone(), reason: *reason })
        .collect();
    withheld.sort_by(|a, b| a.file.cmp(&b.file));

    let input = Input { config: &config, patterns: &knowledge.patterns, publication: &publication, as_of: opts.as_of };
    let mut files = render::render(&input, &theme, &mut diags)?;
    let index = search::index(&publication, &knowledge.patterns)?;
    files.extend(search::export(&index)?);
    let rendered: HashSet<&Path> = publication
        .published
        .iter()
        .map(|w| w.source.as_path())
        .chain(knowledge.patterns.iter().map(|p| p.source.as_path()))
        .collect();
    let unrendered = loaded.documents.iter().filter(|d| !rendered.contains(d.path.as_path()));
    render::check_links(&input, unrendered.map(|d| (d.path.as_path(), &d.body)), &mut diags);
    let mut notes = Vec::new();
    if !config.has_absolute_base_url() {
        notes.push(format!(
            "base_url `{}` is not an absolute URL, so atom.xml, sitemap.xml and canonical links are left out; \
             set base_url in site.yaml or pass --base-url https://…",
            config.base_url
        ));
    }
    let failed = diags.has_errors();
    Ok(Outcome {
        diagnostics: diags.sorted(),
        sources: loaded.sources,
        summary: Some(summary),
        notes,
        withheld,
        files: (!failed).then_some(files),
        search: (!failed).then_some(index),
    })
}

/// Runs the pipeline and, only if it found no error, replaces `out` with the new site.
pub fn build(opts: &Options, out: &Path) -> Result<Outcome, Error> {
    let outcome = run(opts)?;
    if let Some(files) = &outcome.files {
        crate::output::write(out, files)?;
    }
    Ok(outcome)
}
