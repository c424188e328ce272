//! The whole pipeline, stage after stage: load → validate → gate (publication rules, leaks,
//! blame) → kri (indicators from the published set) → render → output.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{normalise_base_url, Config};
use crate::date::Date;
use crate::diagnostic::{plural, printable, Diagnostic, Diagnostics, Level, Span};
use crate::federate;
use crate::feed::SigningKey;
use crate::gate::leaks::{self, AllowanceUse, Exposure, LeakReport, Subject};
use crate::gate::{self, Publication, Withheld};
use crate::kri;
use crate::load::{self, ContentSource, Parsed, StaticFile};
use crate::memo::{fingerprint, Kept, Memo};
use crate::model::Body;
use crate::model::{Allowance, Member, Pattern, Source, Tlp, Writeup};
use crate::render::{self, Facts, Site};
use crate::scan::{Finding, ScanConfig, Scanner};
use crate::theme::Theme;
use crate::validate::{self, Checked};
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
    /// The key the feed's manifest is signed with (from [`feed::KEY_VARIABLE`]).
    pub signing: Option<Arc<SigningKey>>,
    /// Import every source from its cached copy, fetching nothing.
    pub offline: bool,
}

impl Options {
    /// Builds `content` as of `as_of`, with the defaults for everything else.
    pub fn new(content: ContentSource, as_of: Date) -> Options {
        Options { content, config: None, theme: None, base_url: None, as_of, signing: None, offline: false }
    }

    /// The `static/` folder beside the content folder (as `theme/` is), whose files are copied
    /// into the site as they are: `CNAME`, `.well-known/`, a logo.
    pub fn static_dir(&self) -> Option<PathBuf> {
        match &self.content {
            ContentSource::Dir(dir) => {
                let beside = dir.parent().unwrap_or(Path::new("")).join("static");
                beside.is_dir().then_some(beside)
            }
            ContentSource::Example => None,
        }
    }
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
    /// The (masked) text of the files diagnostics point at, to show their lines.
    pub sources: BTreeMap<PathBuf, Arc<str>>,
    /// "published N writeups; withheld M: …".
    pub summary: String,
    /// Things worth knowing that are not about one file.
    pub notes: Vec<String>,
    pub withheld: Vec<WithheldEntry>,
    /// Allowances that accepted gate findings.
    pub allowed: Vec<AllowanceUse>,
    /// The site ready to render, when there were no errors.
    pub site: Option<Site>,
    /// Wall time of each stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The site a build replaced, being deleted in the background (none for the other runs).
    pub retired: crate::output::Retired,
}

impl Outcome {
    /// Every diagnostic with its (masked) source line, then notes, the publication summary, the
    /// allowances used and the totals: what the terminal shows, and what `serve` overlays.
    pub fn report(&self) -> String {
        let mut out = String::new();
        // Each shown file split into lines once, not once per diagnostic.
        let mut lines: HashMap<&Path, Vec<&str>> = HashMap::new();
        for d in &self.diagnostics {
            let source = self.sources.get(&d.file).map(|s| &**s);
            let file_lines =
                lines.entry(d.file.as_path()).or_insert_with(|| source.map_or_else(Vec::new, |s| s.lines().collect()));
            let line = d.span.line.checked_sub(1).and_then(|i| file_lines.get(i)).copied();
            out.push_str(&d.render(line));
            out.push('\n');
        }
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        out.push_str(&format!("{}\n", self.summary));
        for a in &self.allowed {
            out.push_str(&format!(
                "  allowed: {}:{}: {} finding{} ({})\n",
                a.file.display(),
                a.line,
                a.findings,
                plural(a.findings),
                a.reason
            ));
        }
        let (errors, warnings) = (self.errors(), self.warnings());
        if errors + warnings > 0 {
            out.push_str(&format!("{errors} error{}, {warnings} warning{}\n", plural(errors), plural(warnings)));
        }
        printable(&out).into_owned()
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.level == Level::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.level == Level::Warning).count()
    }
}

/// Runs every stage but writing; errors in the content are reported in the outcome, not as `Err`.
pub fn run(opts: &Options) -> Result<Outcome, Error> {
    run_cached(opts, &mut Cache::default())
}

/// What a run keeps for the next one (for `serve`): each file's parse, validation, gate findings
/// and body summary, the KRIs and the compiled templates, each reused while what it depends on
/// is unchanged. The default keeps nothing, for one-off builds.
#[derive(Debug, Default)]
pub struct Cache {
    parsed: Memo<Parsed>,
    checked: Memo<Checked<Arc<Writeup>>>,
    findings: Memo<Result<Vec<Finding>, Diagnostic>>,
    render: render::Reuse,
    /// The KRIs, which read only the published writeups' front matter, the patterns and the config.
    indicators: Kept<Arc<kri::Indicators>>,
}

impl Cache {
    /// A cache that keeps results between runs.
    pub fn keeping() -> Cache {
        Cache {
            parsed: Memo::keeping(),
            checked: Memo::keeping(),
            findings: Memo::keeping(),
            render: render::Reuse::keeping(),
            indicators: Kept::keeping(),
        }
    }
}

/// Like [`run`], reusing and refreshing `cache`.
pub fn run_cached(opts: &Options, cache: &mut Cache) -> Result<Outcome, Error> {
    let mut clock = Stopwatch::start();
    let mut diags = Diagnostics::default();
    let theme = Theme::load(opts.theme.as_deref())?;
    let mut loaded = load::load(&opts.content, opts.config.as_deref(), &mut diags, &mut cache.parsed)?;
    clock.lap("load");
    let mut config = loaded.config.clone();
    let statics = match opts.static_dir() {
        Some(dir) => load::static_files(&dir, config.max_file_size, &mut diags)?,
        None => Vec::new(),
    };
    if let Some(url) = &opts.base_url {
        config.base_url = normalise_base_url(url).ok_or_else(|| Error::BadBaseUrl(url.clone()))?;
    }
    let mut knowledge =
        validate::validate(&loaded.documents, opts.as_of, &config.roles, &mut cache.checked, &mut diags);
    clock.lap("validate");
    let mut publication = gate::decide(knowledge.writeups, config.max_tlp);
    let unrendered = unrendered_bodies(&loaded.documents, &publication, &knowledge.patterns);
    // The records now hold what the front matter says and the gate reads the files' texts, so
    // the documents go before it runs. In serve the cache still holds them for the next run.
    let files = gate_files(&loaded.documents, std::mem::take(&mut knowledge.lenient));
    drop(std::mem::take(&mut loaded.documents));
    let summary = publication.summary(config.max_tlp);
    let mut withheld: Vec<WithheldEntry> = publication
        .withheld
        .iter()
        .map(|(w, reason)| WithheldEntry { file: w.source.clone(), id: w.id.to_string(), reason: *reason })
        .collect();
    withheld.sort_by(|a, b| a.file.cmp(&b.file));

    let leaks =
        scan_for_leaks(&files, &statics, &knowledge.patterns, &publication, &config, &mut cache.findings, &mut diags);
    drop(files);
    clock.lap("gate");
    let mut notes = Vec::new();
    let mut members: Vec<Arc<Member>> = Vec::new();
    if let (Some(config_file), false) = (&loaded.config_path, config.sources.is_empty()) {
        let settings = federate::Settings {
            sources: &config.sources,
            config_file,
            cache: project_dir(&opts.content).join(federate::CACHE_DIR),
            offline: opts.offline,
            today: opts.as_of,
            max_tlp: config.max_tlp,
            own_patterns: &knowledge.patterns,
            scanner: &scanner(&config),
            strict_blameless: config.strict_blameless,
        };
        let imported = federate::import(&settings, &mut diags);
        publication.published.extend(imported.writeups);
        knowledge.patterns.extend(imported.patterns);
        notes.extend(imported.notes);
        members.extend(imported.members.into_iter().map(|(m, _)| m));
        clock.lap("import");
    }
    let slugs: Vec<&str> = knowledge.patterns.iter().map(|p| p.slug.as_str()).collect();
    if let Some(path) = &loaded.config_path {
        kri::def::check_patterns(path, &config.kris, &slugs, &mut diags);
    }
    let stamps: Vec<u64> = publication.published.iter().map(|w| w.front_stamp).collect();
    let indicators = cache.indicators.get(fingerprint((stamps, slugs, &config.kris, opts.as_of, &members)), || {
        let mut indicators = kri::compute(&publication.published, &knowledge.patterns, &config.kris, opts.as_of);
        indicators.community = kri::community::standings(&publication.published, &members, &config.kris, opts.as_of);
        Arc::new(indicators)
    });
    clock.lap("kri");
    if let (Some(path), false) = (&loaded.config_path, config.access_controlled) {
        exposure_warning(path, &loaded.sources, render::published_tlp(&publication), &mut diags);
    }
    let facts = Facts {
        config: config.clone(),
        patterns: knowledge.patterns,
        publication,
        as_of: opts.as_of,
        indicators,
        signing: opts.signing.clone(),
    };
    let site = render::prepare(facts, &unrendered, statics, &theme, &mut cache.render, &mut diags)?;
    clock.lap("render");
    if !config.has_absolute_base_url() {
        notes.push(format!(
            "base_url `{}` is not an absolute URL, so atom.xml, sitemap.xml and canonical links are left out; \
             set base_url in site.yaml or pass --base-url https://…",
            config.base_url
        ));
    }
    if config.org.is_anonymous() {
        notes.push(format!(
            "no `org:` in site.yaml: the MISP, STIX and VERIS exports name this site `{}`; add \
             `org: {{ id: member-7f3a, label: \"Member 7F3A\" }}` (a pseudonym, never the real name)",
            crate::config::Org::ANONYMOUS
        ));
    }
    let failed = diags.has_errors();
    let mut diagnostics = diags.sorted();
    leaks::mask_diagnostics(&mut diagnostics, &leaks.sensitive);
    // Only the files that diagnostics point at are shown again.
    let shown: HashSet<&Path> = diagnostics.iter().map(|d| d.file.as_path()).collect();
    let masked = leaks.masked.into_iter().map(|(path, text)| (path, Arc::from(text)));
    // Read again, and shown only if they still hold what the build read.
    let read =
        loaded.sources.into_iter().filter(|(path, _)| shown.contains(path.as_path())).filter_map(|(path, source)| {
            let text = source.text().ok()?;
            Some((path, Arc::from(&*text)))
        });
    let sources: BTreeMap<PathBuf, Arc<str>> = read.chain(masked).collect();
    Ok(Outcome {
        diagnostics,
        sources,
        summary,
        notes,
        withheld,
        allowed: leaks.allowed,
        site: (!failed).then_some(site),
        timings: clock.laps,
        retired: crate::output::Retired::default(),
    })
}

/// A file whose findings or allowances the gate reports, with its text read again for them.
struct Reported<'a> {
    file: &'a GateFile,
    exposure: Exposure,
    allow: &'a [Allowance],
    text: Cow<'a, str>,
    found: Vec<Finding>,
}

/// What the gate reads of a content file once it is validated: its text, and the allowances of
/// a file that failed validation (read leniently, so that the gate honours them while its other
/// problems are being fixed; a valid file's are in its record).
struct GateFile {
    path: PathBuf,
    source: Source,
    lenient: Option<Vec<Allowance>>,
}

fn gate_files(documents: &[Arc<load::Document>], mut lenient: HashMap<PathBuf, Vec<Allowance>>) -> Vec<GateFile> {
    documents
        .iter()
        .map(|d| GateFile { path: d.path.clone(), source: d.source.clone(), lenient: lenient.remove(&d.path) })
        .collect()
}

/// The bodies of the documents not rendered (withheld writeups and documents that failed
/// validation), whose links are still checked so that `check` catches them before a writeup is
/// approved.
fn unrendered_bodies(
    documents: &[Arc<load::Document>],
    publication: &Publication,
    patterns: &[Pattern],
) -> Vec<(PathBuf, Body)> {
    let rendered: HashSet<&Path> = publication
        .published
        .iter()
        .map(|w| w.source.as_path())
        .chain(patterns.iter().map(|p| p.source.as_path()))
        .collect();
    documents
        .iter()
        .filter(|d| !rendered.contains(d.path.as_path()))
        .map(|d| (d.path.clone(), d.body.clone()))
        .collect()
}

/// Runs the leak and blame gate over every document: published ones (and any that failed
/// validation) at error level, withheld ones as warnings. Patterns and the text files of
/// `static/` are always published.
fn scan_for_leaks(
    files: &[GateFile],
    statics: &[StaticFile],
    patterns: &[Pattern],
    publication: &Publication,
    config: &Config,
    findings: &mut Memo<Result<Vec<Finding>, Diagnostic>>,
    diags: &mut Diagnostics,
) -> LeakReport {
    let scanner = scanner(config);
    let settings = (
        &config.blocked_names,
        &config.blocked_orgs,
        &config.internal_domains,
        &config.internal_names,
        &config.allowed_names,
    );
    let mut known: HashMap<&Path, (Exposure, &[Allowance])> = HashMap::new();
    for w in &publication.published {
        known.insert(&w.source, (Exposure::Public, &w.allow));
    }
    for (w, _) in &publication.withheld {
        known.insert(&w.source, (Exposure::Withheld, &w.allow));
    }
    for p in patterns {
        known.insert(&p.source, (Exposure::Public, &p.allow));
    }
    // The static files' texts are held; a content file's is read again here, once for the
    // scanner and once more where its findings or allowances are reported, and not held.
    let statics: Vec<GateFile> = statics
        .iter()
        .filter_map(|f| Some(GateFile { path: f.path.clone(), source: Source::held(f.text()?.into()), lenient: None }))
        .collect();
    let files: Vec<&GateFile> = files.iter().chain(&statics).collect();
    let found = findings.try_get_all(
        &files,
        |f| (f.path.as_path(), fingerprint((f.source.print(), settings))),
        |f| f.source.text().map(|text| scanner.scan(&text)).map_err(|e| e.diagnostic()),
    );
    let mut reported: Vec<Reported<'_>> = Vec::new();
    for (file, found) in files.into_iter().zip(found) {
        let fallback = (Exposure::Public, file.lenient.as_deref().unwrap_or_default());
        let (exposure, allow) = known.get(file.path.as_path()).copied().unwrap_or(fallback);
        let found = match found {
            Ok(found) if found.is_empty() && allow.is_empty() => continue,
            Ok(found) => found,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match file.source.text() {
            Ok(text) => reported.push(Reported { file, exposure, allow, text, found }),
            Err(e) => diags.push(e.diagnostic()),
        }
    }
    let found: Vec<Vec<Finding>> = reported.iter_mut().map(|r| std::mem::take(&mut r.found)).collect();
    let subjects: Vec<Subject<'_>> = reported
        .iter()
        .map(|r| Subject { path: &r.file.path, text: &r.text, allow: r.allow, exposure: r.exposure })
        .collect();
    leaks::scan(&subjects, &found, config.strict_blameless, diags)
}

/// Runs the pipeline and renders every file without writing any: everything [`build`] can
/// refuse, `check` refuses too.
pub fn check(opts: &Options) -> Result<Outcome, Error> {
    let outcome = run(opts)?;
    if let Some(site) = &outcome.site {
        site.render_all()?;
    }
    Ok(outcome)
}

/// The folder of the project: the one holding the content folder (and `theme/`, `.nearmiss/`).
fn project_dir(content: &ContentSource) -> PathBuf {
    match content {
        ContentSource::Dir(dir) => dir.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        ContentSource::Example => PathBuf::from("."),
    }
}

/// Runs the pipeline and, only if it found no error, replaces `out` with the new site.
/// Old sites that earlier builds left to delete are deleted alongside (and gone when it
/// returns); the one this build replaces is being deleted when it returns
/// ([`Outcome::retired`]).
pub fn build(opts: &Options, out: &Path) -> Result<Outcome, Error> {
    let sweeping = crate::output::sweep(out);
    let mut outcome = run(opts)?;
    if let Some(site) = &outcome.site {
        let started = Instant::now();
        outcome.retired = crate::output::write(out, |dir, scratch| site.write_to(dir, scratch))?;
        outcome.timings.push(("write", started.elapsed()));
    }
    sweeping.wait();
    Ok(outcome)
}

/// Wall time per pipeline stage.
struct Stopwatch {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch { last: Instant::now(), laps: Vec::new() }
    }

    /// Records the time since the previous lap as `stage`.
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

/// `file` with every finding of the gate (but blame, and what its allowances accept) replaced
/// by a typed placeholder such as `[EMAIL]`, and the number replaced. The gate's settings come
/// from `config`, or from `site.yaml` in `content`.
pub fn redact(file: &Path, content: &ContentSource, config: Option<&Path>) -> Result<leaks::Redaction, Error> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    if text.trim().is_empty() {
        return Err(Error::EmptyInput(file.to_path_buf()));
    }
    let config = read_config(content, config)?;
    let mut ignored = Diagnostics::default();
    let allow = load::parse_document(load::Kind::Writeup, file, "", &text.as_str().into(), &mut ignored)
        .map(|doc| validate::allowances_of(&doc))
        .unwrap_or_default();
    Ok(leaks::redact(&text, &scanner(&config), &allow))
}

/// Redacts `file` in place, keeping the original in a new numbered backup (`FILE.bak`, then
/// `FILE.bak.2`, …, never one that exists): the redaction, and the backup (none when there was
/// nothing to replace and the file is left as it is).
pub fn redact_in_place(
    file: &Path,
    content: &ContentSource,
    config: Option<&Path>,
) -> Result<(leaks::Redaction, Option<PathBuf>), Error> {
    let redaction = redact(file, content, config)?;
    if redaction.replaced == 0 {
        return Ok((redaction, None));
    }
    let backup = crate::output::backup(file)?;
    crate::output::replace_file(file, redaction.text.as_bytes())?;
    Ok((redaction, Some(backup)))
}

/// The site configuration alone, for commands that need no content; `check` reports its problems.
pub fn read_config(content: &ContentSource, explicit: Option<&Path>) -> Result<Config, Error> {
    let Some((path, text)) = load::config_file(content, explicit, &mut Diagnostics::default())? else {
        return Ok(Config::default());
    };
    let node = crate::yaml::parse(&text, 1).map_err(|_| Error::BadConfig(path.clone()))?;
    Ok(Config::from_node(&path, &node, &mut Diagnostics::default()))
}

fn scanner(config: &Config) -> Scanner {
    Scanner::new(&ScanConfig {
        blocked_names: config.blocked_names.clone(),
        blocked_orgs: config.blocked_orgs.clone(),
        internal_domains: config.internal_domains.clone(),
        internal_names: config.internal_names.clone(),
        allowed_names: config.allowed_names.clone(),
    })
}

/// Warns that a site publishing above TLP:CLEAR would expose community-only material on a
/// public host, at the `max_tlp` line of `site.yaml` (which `sources` holds).
fn exposure_warning(config: &Path, sources: &[(PathBuf, Source)], published: Tlp, diags: &mut Diagnostics) {
    if published == Tlp::Clear {
        return;
    }
    let text = sources.iter().find(|(p, _)| p == config).and_then(|(_, s)| s.text().ok()).unwrap_or_default();
    let line = text.lines().position(|l| l.starts_with("max_tlp:")).map_or(1, |i| i + 1);
    diags.push(
        Diagnostic::warning(
            config,
            Span::new(line, 1, "max_tlp".len()),
            format!(
                "the site publishes {} writeups, which are for a community, never the public: a public host \
                 such as GitHub Pages would expose them (pages are marked noindex and kept out of the sitemap)",
                published.label()
            ),
        )
        .with_hint("serve the site only to its community and set `access_controlled: true` in site.yaml, or set `max_tlp: clear`"),
    );
}
