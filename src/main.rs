//! The `nearmiss` command line: parses arguments and reports; the work is in the library.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use nearmiss::date::Date;
use nearmiss::diagnostic::{plural, printable};
use nearmiss::feed;
use nearmiss::load::ContentSource;
use nearmiss::search::{self, Results};

use nearmiss::model::Keyword;
use nearmiss::site::{self, Options, Outcome};
use nearmiss::{import, intake, scaffold, serve, Error};

/// mimalloc hands freed memory back to the system, where the system allocator keeps it in
/// per-thread arenas: a large build peaks far lower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "nearmiss", version, about = "Builds a blameless near-miss knowledge base into a static site")]
#[command(
    after_help = "Examples:\n  nearmiss build                  build ./content (or the built-in example) into ./public\n  nearmiss check                  report every problem, write nothing\n  nearmiss serve                  preview at http://127.0.0.1:1111/, rebuilt on every change\n  nearmiss new \"Phishing mail reported before a click\"\n  nearmiss redact content/writeups/2025/phishing.md\n  nearmiss init my-near-misses    start a new knowledge base\n  nearmiss import --from veris vcdb/*.json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site; a failed build leaves the previous output untouched
    #[command(
        after_help = "Examples:\n  nearmiss build\n  nearmiss build --content kb/content --output site\n  nearmiss build --base-url https://org.github.io/kb/ --as-of 2026-01-31"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site (replaced as a whole)
        #[arg(short, long, value_name = "DIR", default_value = "public")]
        output: PathBuf,
        /// The URL the site is served from, overriding base_url in site.yaml
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Import every source from its cached copy in .nearmiss/cache/, fetching nothing
        #[arg(long)]
        offline: bool,
    },
    /// Preview the site on 127.0.0.1: rebuilds on every change and reloads open pages
    #[command(
        after_help = "Examples:\n  nearmiss serve                      then open the URL it prints\n  nearmiss serve --port 8080 --content kb/content\n\nThe site is served under the path of its base_url (e.g. /kb/). A change that does not\nbuild is reported here and over the page, while the last good site stays served."
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on at 127.0.0.1 (0 picks a free one)
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
    },
    /// Validate every writeup and report what would be published; write nothing
    #[command(after_help = "Examples:\n  nearmiss check\n  nearmiss check --content kb/content")]
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Write a draft writeup with the next free id, today's date and the six sections
    #[command(
        after_help = "Examples:\n  nearmiss new \"Hard-coded API key caught before merge\"\n  nearmiss new \"Backup restore would have failed\" --content kb/content"
    )]
    New {
        /// The writeup's title: what almost happened, without names
        title: String,
        /// The content folder
        #[arg(short, long, value_name = "DIR", default_value = "content")]
        content: PathBuf,
    },
    /// Print a writeup with personal data, secrets and internal names replaced by placeholders
    #[command(
        after_help = "Examples:\n  nearmiss redact content/writeups/2025/phishing.md\n  nearmiss redact content/writeups/2025/phishing.md --write   # keeps phishing.md.bak"
    )]
    Redact {
        /// The writeup (or pattern) to redact
        file: PathBuf,
        /// Rewrite the file in place, keeping the original as FILE.bak (or FILE.bak.2, … if that exists)
        #[arg(long)]
        write: bool,
        /// The content folder whose site.yaml holds blocked names and internal domains
        #[arg(short, long, value_name = "DIR", default_value = "content")]
        content: PathBuf,
        /// site.yaml to use instead of the one in the content folder
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Search the published writeups and patterns with the index the site's search uses
    #[command(
        after_help = "Examples:\n  nearmiss search \"certificate expiry\"\n  nearmiss search '\"change review\" firewall' --limit 5\n  nearmiss search backup --filter severity=high --filter severity=critical --json"
    )]
    Search {
        /// Words that must all match; \"quoted words\" must match as a phrase
        query: String,
        #[command(flatten)]
        site: SiteArgs,
        /// Print the results as JSON
        #[arg(long)]
        json: bool,
        /// How many results to print
        #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
        limit: usize,
        /// Keep results with this facet value (kind, pattern, severity, stopped_by, impact_area, year, team, tlp, organisation); repeat to allow several
        #[arg(long, value_name = "FACET=VALUE")]
        filter: Vec<String>,
    },
    /// Write one draft writeup per record of VERIS, MISP or STIX files, then check the knowledge base
    #[command(
        after_help = "Examples:\n  nearmiss import --from veris vcdb/*.json\n  nearmiss import --from misp misp/*.json --content kb/content\n  nearmiss import --from stix bundle.json\n\nEvery writeup is a draft (withheld until a review approves it). Patterns the records name\nare taken from the knowledge base, else from the built-in catalogue, else `unclassified`."
    )]
    Import {
        /// The format of the files: veris (records or an array of them), misp (event files) or stix (a bundle)
        #[arg(long, value_name = "FORMAT", value_parser = ["veris", "misp", "stix"])]
        from: String,
        /// The files to import
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The content folder to write the drafts into
        #[arg(short, long, value_name = "DIR", default_value = "content")]
        content: PathBuf,
    },
    /// Turn a near-miss report (an issue made with the near-miss issue form, or a file from the report page) into a draft writeup
    #[command(
        after_help = "Examples:\n  nearmiss intake issue.md\n  gh issue view 12 --json body --jq .body | nearmiss intake -\n\nThe draft gets the next free id and `status: draft`; every problem of the report is listed\nat its line and nothing is written while one remains. Then the knowledge base is checked."
    )]
    Intake {
        /// The report: a file, or `-` for standard input
        file: PathBuf,
        /// The content folder to write the draft into
        #[arg(short, long, value_name = "DIR", default_value = "content")]
        content: PathBuf,
    },
    /// Make a key pair for signing the site's feed (minisign, Ed25519)
    #[command(
        after_help = "Examples:\n  nearmiss keygen                 writes feed.key and feed.pub here\n  nearmiss keygen --dir keys\n\nStore feed.key as the CI secret NEARMISS_FEED_KEY (`nearmiss build` signs feed/manifest.json\nwith it); give the line in feed.pub to every site that imports yours (`public_key:`)."
    )]
    Keygen {
        /// The folder to write feed.key and feed.pub into (neither may exist yet)
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Create a knowledge base: config, an example writeup and pattern, a GitHub Pages workflow
    #[command(after_help = "Examples:\n  nearmiss init near-misses\n  cd near-misses && nearmiss build")]
    Init {
        /// A new or empty folder
        dir: PathBuf,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// The content folder (writeups/, patterns/, site.yaml); default ./content, else the built-in example
    #[arg(short, long, value_name = "DIR")]
    content: Option<PathBuf>,
    /// site.yaml to use instead of the one in the content folder
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A folder of templates/ and static/ files that override the default theme's [default: theme/ beside the content folder]
    #[arg(long, value_name = "DIR")]
    theme: Option<PathBuf>,
    /// The date overdue action items are judged against (YYYY-MM-DD; default today, or SOURCE_DATE_EPOCH)
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
}

impl SiteArgs {
    fn options(self, base_url: Option<String>) -> Options {
        let content = match self.content {
            Some(dir) => ContentSource::Dir(dir),
            None if Path::new("content").is_dir() => ContentSource::Dir("content".into()),
            None => {
                eprintln!("note: no ./content folder here; using the built-in example knowledge base");
                ContentSource::Example
            }
        };
        let theme = self.theme.or_else(|| match &content {
            ContentSource::Dir(dir) => {
                let beside = dir.parent().unwrap_or(Path::new("")).join("theme");
                beside.is_dir().then_some(beside)
            }
            ContentSource::Example => None,
        });
        Options {
            config: self.config,
            theme,
            base_url,
            ..Options::new(content, self.as_of.unwrap_or_else(Date::today))
        }
    }
}

fn main() -> ExitCode {
    nearmiss::memory::prefer_small_pages();
    match run(Cli::parse().command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// Runs a command; `Ok(false)` when the content has errors.
fn run(command: Command) -> Result<bool, Error> {
    match command {
        Command::Build { site, output, base_url, offline } => {
            let signing = match std::env::var(feed::KEY_VARIABLE) {
                Ok(text) if !text.trim().is_empty() => {
                    Some(Arc::new(feed::SigningKey::parse(&text).map_err(|e| Error::Feed(e.to_string()))?))
                }
                _ => None,
            };
            let options = Options { signing, offline, ..site.options(base_url) };
            let outcome = site::build(&options, &output)?;
            report(&outcome);
            match &outcome.site {
                Some(site) => eprintln!("wrote {} files to {}", site.len() + 1, output.display()),
                None => eprintln!("nothing written: the previous site in {} is untouched", output.display()),
            }
            let written = outcome.site.is_some();
            // The new site is in place and reported; the one it replaced (which may hold a
            // writeup since withdrawn) is gone before the command ends, not left beside it.
            outcome.retired.wait();
            Ok(written)
        }
        Command::Serve { site, port } => {
            let _ = ctrlc::set_handler(|| {
                eprintln!("\nstopped");
                std::process::exit(0);
            });
            // The preview never fetches: sources come from the cache `nearmiss build` keeps.
            serve::serve(Options { offline: true, ..site.options(None) }, port, |url| {
                println!("serving {url}");
                let _ = std::io::stdout().flush();
                eprintln!("watching for changes; Ctrl-C stops");
            })?;
            Ok(true)
        }
        Command::Check { site } => {
            let outcome = site::check(&site.options(None))?;
            report(&outcome);
            for w in &outcome.withheld {
                eprintln!("{}", printable(&format!("  withheld {} ({}): {}", w.id, w.reason, w.file.display())));
            }
            Ok(outcome.errors() == 0)
        }
        Command::Search { query, site, json, limit, filter } => {
            let outcome = site::run(&site.options(None))?;
            let Some(prepared) = &outcome.site else {
                report(&outcome);
                return Ok(false);
            };
            let index = prepared.search_index()?;
            let mut parsed = index.parse(&query, false)?;
            for f in &filter {
                let (facet, value) = search::parse_filter(f)?;
                parsed.filters.entry(facet).or_default().push(value);
            }
            let results = index.search(&parsed, limit)?;
            if json {
                println!("{}", search_json(&query, &results));
            } else {
                println!("{}", printable(&search_text(&query, &results)));
            }
            Ok(true)
        }
        Command::New { title, content } => {
            let path = scaffold::new_writeup(&content, &title, Date::today())?;
            println!("{}", path.display());
            eprintln!("created a draft; fill in the six sections, then run `nearmiss check`");
            Ok(true)
        }
        Command::Redact { file, write, content, config } => {
            let content = ContentSource::Dir(content);
            let redaction = if write {
                let (redaction, backup) = site::redact_in_place(&file, &content, config.as_deref())?;
                let count = redaction.replaced;
                match backup {
                    Some(backup) => {
                        eprintln!("redacted {count} finding{}; the original is in {}", plural(count), backup.display())
                    }
                    None => eprintln!("nothing to redact; {} is unchanged", file.display()),
                }
                redaction
            } else {
                let redaction = site::redact(&file, &content, config.as_deref())?;
                print!("{}", redaction.text);
                eprintln!("redacted {} finding{}", redaction.replaced, plural(redaction.replaced));
                redaction
            };
            for r in &redaction.rewordings {
                let at = format!("{}:{}:{}", file.display(), r.span.line, r.span.col);
                eprintln!("{}", printable(&format!("{at}: reword \"{}\": {}", r.blamed, r.suggestion)));
            }
            Ok(true)
        }
        Command::Import { from, files, content } => {
            let format = import::Format::parse(&from).ok_or_else(|| Error::Import(format!("unknown format {from}")))?;
            let today = Date::today();
            let imported = import::import(&content, format, &files, today)?;
            for path in imported.patterns.iter().chain(&imported.writeups) {
                println!("{}", path.display());
            }
            for why in &imported.skipped {
                eprintln!("skipped: {why}");
            }
            let n = imported.writeups.len();
            eprintln!("imported {n} draft{}; checking the knowledge base", plural(n));
            let outcome = site::check(&Options::new(ContentSource::Dir(content), today))?;
            report(&outcome);
            Ok(outcome.errors() == 0 && imported.skipped.is_empty())
        }
        Command::Intake { file, content } => {
            let (name, text) = if file.as_os_str() == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                    .map_err(|e| Error::io(Path::new("<stdin>"), e))?;
                (PathBuf::from("<stdin>"), text)
            } else {
                (file.clone(), std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?)
            };
            let today = Date::today();
            let intake = intake::intake(&content, &name, &text, today)?;
            let lines: Vec<&str> = text.lines().collect();
            for d in &intake.diagnostics {
                eprint!("{}", printable(&d.render(d.span.line.checked_sub(1).and_then(|i| lines.get(i)).copied())));
            }
            let Some(writeup) = &intake.writeup else {
                let n = intake.diagnostics.iter().filter(|d| d.level == nearmiss::diagnostic::Level::Error).count();
                eprintln!("nothing written: the report has {n} error{}", plural(n));
                return Ok(false);
            };
            for path in std::iter::once(writeup).chain(&intake.patterns) {
                println!("{}", path.display());
            }
            eprintln!("wrote the draft {}; checking the knowledge base", writeup.display());
            let outcome = site::check(&Options::new(ContentSource::Dir(content), today))?;
            report(&outcome);
            Ok(outcome.errors() == 0)
        }
        Command::Keygen { dir } => {
            let (secret, public) = feed::keygen().map_err(|e| Error::Feed(e.to_string()))?;
            let (key, public_file) = (dir.join("feed.key"), dir.join("feed.pub"));
            for path in [&key, &public_file] {
                if path.exists() {
                    return Err(Error::Scaffold(format!("{} exists; keygen never replaces a key", path.display())));
                }
            }
            write_private(&key, &secret)?;
            std::fs::write(&public_file, format!("{public}\n")).map_err(|e| Error::io(&public_file, e))?;
            println!("{}\n{}", key.display(), public_file.display());
            eprintln!(
                "public key (for importing sites' `public_key:`): {public}\nkeep {} secret: set it as {} where the site is built",
                key.display(),
                feed::KEY_VARIABLE
            );
            Ok(true)
        }
        Command::Init { dir } => {
            for path in scaffold::init(&dir, Date::today())? {
                println!("{}", path.display());
            }
            eprintln!("next: cd {} && nearmiss build", dir.display());
            Ok(true)
        }
    }
}

/// Writes a file only its owner can read (on Unix).
fn write_private(path: &Path, text: &str) -> Result<(), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    file.write_all(text.as_bytes()).map_err(|e| Error::io(path, e))
}

/// Prints every diagnostic with its source line, then the totals and the publication summary.
fn report(outcome: &Outcome) {
    eprint!("{}", outcome.report());
}

/// Results as lines: rank, score, id and title, URL.
fn search_text(query: &str, results: &Results<'_>) -> String {
    let mut out = format!("{} result{} for {query:?}", results.total, plural(results.total));
    for (i, hit) in results.hits.iter().enumerate() {
        out.push_str(&format!(
            "\n{:>3}. {:>8.4}  {}  {}\n               {}",
            i + 1,
            hit.score,
            hit.doc.key,
            hit.doc.title,
            hit.doc.url
        ));
    }
    out
}

/// Results as one JSON object: `{query, total, hits: [{rank, doc, score, kind, id, title, url}]}`.
fn search_json(query: &str, results: &Results<'_>) -> String {
    let hits: Vec<serde_json::Value> = results
        .hits
        .iter()
        .enumerate()
        .map(|(i, h)| {
            serde_json::json!({
                "rank": i + 1, "doc": h.doc_id, "score": h.score, "kind": h.doc.kind,
                "id": h.doc.key, "title": h.doc.title, "url": h.doc.url,
            })
        })
        .collect();
    serde_json::json!({ "query": query, "total": results.total, "hits": hits }).to_string()
}
