//! Finds the knowledge base's files and splits each into front matter and a markdown body.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::memo::{fingerprint, Memo};
use crate::model::{Body, Source};
use crate::yaml::{self, Node};
use crate::Error;

/// The example knowledge base compiled into the binary, built when no content is given.
static EXAMPLE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// The name of the site configuration file inside the content folder.
pub const CONFIG_FILE: &str = "site.yaml";

/// Where the knowledge base is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentSource {
    Dir(PathBuf),
    /// The example knowledge base embedded in the binary.
    Example,
}

impl ContentSource {
    /// The path shown in messages for a file at `rel` inside the content.
    pub fn display_path(&self, rel: &Path) -> PathBuf {
        match self {
            ContentSource::Dir(dir) => dir.join(rel),
            ContentSource::Example => Path::new("<example>").join(rel),
        }
    }
}

/// What kind of document a file is, by the folder it sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Writeup,
    Pattern,
}

/// A file's parse: the document (unless its front matter is unreadable), the problems found,
/// and the text.
pub type Parsed = (Option<Arc<Document>>, Diagnostics, Source);

/// A markdown file split into its front matter and its body. The front matter is parsed when
/// asked for ([`Document::front`]), so that its tree lives only while it is read: the trees of
/// a large knowledge base would take more memory than its text. Nor is the body held: it is
/// read from the file again where it is used ([`Source`]).
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: Kind,
    /// The path shown in messages.
    pub path: PathBuf,
    /// The path relative to the content folder, with `/` separators.
    pub rel: String,
    /// The front matter's YAML, from line 2 of the file.
    front: String,
    /// The body's headings down to `###`, as text: what the sections it has are told by.
    pub headings: Vec<String>,
    pub body: Body,
    /// The file's whole text, for the gate.
    pub source: Source,
    /// A fingerprint of the front matter alone.
    pub front_stamp: u64,
}

impl Document {
    /// A fingerprint of the file's whole text: results derived from the document alone can be
    /// reused while it is unchanged.
    pub fn stamp(&self) -> u64 {
        self.source.print()
    }

    /// The front matter, parsed: a mapping whose span is the opening `---` (empty when the
    /// front matter is), or `None` with the syntax error reported.
    pub fn front(&self, diags: &mut Diagnostics) -> Option<Node> {
        let whole = Span::new(1, 1, 3);
        match yaml::parse(&self.front, 2) {
            Ok(Node { kind: yaml::NodeKind::Null, .. }) => {
                Some(Node { kind: yaml::NodeKind::Map(Vec::new()), span: whole })
            }
            Ok(node) => Some(Node { span: whole, ..node }),
            Err(e) => {
                diags.push(syntax_error(&self.path, e));
                None
            }
        }
    }

    /// This document, its text read from now on from `path`, which holds it.
    fn read_again_from(self, path: &Path) -> Document {
        let source = self.source.read_again_from(path);
        Document { body: self.body.read_from(source.clone()), source, ..self }
    }
}

/// Everything read from the content, and the text of every file for error snippets.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The settings (defaults when there is no `site.yaml`), and the file they came from.
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub documents: Vec<Arc<Document>>,
    /// The text of every file read, in order.
    pub sources: Vec<(PathBuf, Source)>,
}

/// Reads the content (and `config`, or `site.yaml` inside the content), reporting unreadable
/// files and front matter as diagnostics. `parsed` keeps each file's text and parse between
/// runs: a file whose size and modification time are unchanged is neither read nor parsed again.
pub fn load(
    source: &ContentSource,
    config: Option<&Path>,
    diags: &mut Diagnostics,
    parsed: &mut Memo<Parsed>,
) -> Result<Loaded, Error> {
    let mut loaded = Loaded::default();
    if let Some((path, text)) = config_file(source, config, diags)? {
        match yaml::parse(&text, 1) {
            Ok(node) => loaded.config = Config::from_node(&path, &node, diags),
            Err(e) => diags.push(syntax_error(&path, e)),
        }
        loaded.sources.push((path.clone(), Source::held(text.into())));
        loaded.config_path = Some(path);
    }
    let limit = loaded.config.max_file_size;
    let files = match source {
        ContentSource::Dir(dir) => list_dir(dir, diags)?,
        ContentSource::Example => list_example(),
    };
    let items: Vec<(Kind, PathBuf, ContentFile)> = files
        .into_iter()
        .filter_map(|file| {
            let kind = if file.rel.starts_with("writeups/") {
                Kind::Writeup
            } else if file.rel.starts_with("patterns/") {
                Kind::Pattern
            } else {
                return None;
            };
            Some((kind, source.display_path(Path::new(&file.rel)), file))
        })
        .collect();
    let results = parsed.get_all(
        &items,
        |(kind, path, file)| (path.as_path(), fingerprint((*kind as u8, file.stamp, limit))),
        |(kind, path, file)| {
            let mut found = Diagnostics::default();
            let text = match &file.origin {
                Origin::Disk(_) if file.size > limit => {
                    found.push(too_large(path, file.size, limit));
                    String::new()
                }
                Origin::Disk(at) => std::fs::read_to_string(at).unwrap_or_else(|e| {
                    found.push(Diagnostic::error(path, Span::new(1, 1, 1), format!("cannot read the file: {e}")));
                    String::new()
                }),
                Origin::Embedded(text) => text.to_string(),
            };
            let text: Arc<str> = text.into();
            let doc = if found.has_errors() {
                None
            } else {
                parse_document(*kind, path, &file.rel, &text, &mut found).map(|doc| match &file.origin {
                    // A file's text is read again where it is used, so that it is held no longer.
                    Origin::Disk(at) => Arc::new(doc.read_again_from(at)),
                    Origin::Embedded(_) => Arc::new(doc),
                })
            };
            let source = doc.as_ref().map_or_else(|| Source::held(text), |d| d.source.clone());
            (doc, found, source)
        },
    );
    let config_source = loaded.sources.pop();
    for ((_, path, _), (doc, found, source)) in items.into_iter().zip(results) {
        diags.extend(found);
        loaded.documents.extend(doc);
        loaded.sources.push((path, source));
    }
    loaded.sources.extend(config_source);
    Ok(loaded)
}

/// The error for a file over the size limit.
fn too_large(path: &Path, size: u64, limit: u64) -> Diagnostic {
    let mb = |n: u64| format!("{:.1} MB", n as f64 / 1_000_000.0);
    Diagnostic::error(path, Span::new(1, 1, 1), format!("the file is {}, over the limit of {}", mb(size), mb(limit)))
        .with_hint("split it into several writeups, or raise `max_file_mb` in site.yaml")
}

/// A file copied into the site as it is, from the `static/` folder beside the content.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The path shown in messages.
    pub path: PathBuf,
    /// The path inside the site, with `/` separators.
    pub rel: String,
    pub bytes: Vec<u8>,
}

impl StaticFile {
    /// The file as text when it is text (UTF-8 without NUL), for the gate.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok().filter(|t| !t.contains('\0'))
    }
}

/// Every regular file below `dir` (hidden ones included: `.well-known/`), over-large ones
/// reported instead of read.
pub fn static_files(dir: &Path, limit: u64, diags: &mut Diagnostics) -> Result<Vec<StaticFile>, Error> {
    let mut out = Vec::new();
    for (path, rel) in regular_files(dir, true, diags)? {
        let size = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
        if size > limit {
            diags.push(too_large(&path, size, limit));
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        out.push(StaticFile { path, rel, bytes });
    }
    Ok(out)
}

/// The site configuration's path and text: `explicit`, else `site.yaml` in the content, if any.
/// A `site.yaml` in the content that is a symbolic link or a special file is not read: a warning.
pub fn config_file(
    source: &ContentSource,
    explicit: Option<&Path>,
    diags: &mut Diagnostics,
) -> Result<Option<(PathBuf, String)>, Error> {
    let read = |path: &Path| std::fs::read_to_string(path).map_err(|e| Error::io(path, e));
    match (explicit, source) {
        (Some(path), _) => Ok(Some((path.to_path_buf(), read(path)?))),
        (None, ContentSource::Dir(dir)) => {
            let path = dir.join(CONFIG_FILE);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_file() => Ok(Some((path.clone(), read(&path)?))),
                Ok(meta) if !meta.is_dir() => {
                    diags.push(skipped(&path, meta.file_type()));
                    Ok(None)
                }
                _ => Ok(None),
            }
        }
        (None, ContentSource::Example) => Ok(EXAMPLE
            .get_file(CONFIG_FILE)
            .and_then(|f| f.contents_utf8())
            .map(|text| (source.display_path(Path::new(CONFIG_FILE)), text.to_string()))),
    }
}

/// The warning for a symbolic link or special file found in the content, which is never read.
fn skipped(path: &Path, kind: std::fs::FileType) -> Diagnostic {
    let what = special_kind(kind);
    Diagnostic::warning(path, Span::new(1, 1, 1), format!("skipped: {what}, not a regular file"))
        .with_hint("nearmiss reads only regular files from the content; copy the file in instead of linking it")
}

#[cfg(unix)]
fn special_kind(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(kind: std::fs::FileType) -> &'static str {
    if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// A markdown file of the content, not yet read.
struct ContentFile {
    /// The path relative to the content folder, with `/` separators.
    rel: String,
    origin: Origin,
    /// Changes whenever the file may have changed: its size and modification time, or its text.
    stamp: u64,
    /// In bytes.
    size: u64,
}

enum Origin {
    Disk(PathBuf),
    Embedded(&'static str),
}

/// The markdown files below `dir`, sorted, with their size and modification time.
fn list_dir(dir: &Path, diags: &mut Diagnostics) -> Result<Vec<ContentFile>, Error> {
    if !dir.is_dir() {
        return Err(Error::NoContent(dir.to_path_buf()));
    }
    let found: Vec<(PathBuf, String)> =
        regular_files(dir, false, diags)?.into_iter().filter(|(_, rel)| rel.ends_with(".md")).collect();
    // Reading each file's size and time is most of the work: in parallel.
    found
        .into_par_iter()
        .map(|(path, rel)| {
            let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
            let stamp = fingerprint((meta.len(), meta.modified().ok()));
            Ok(ContentFile { rel, origin: Origin::Disk(path), stamp, size: meta.len() })
        })
        .collect()
}

/// The regular files below `dir`, sorted, each with its path relative to `dir` (`/`-separated);
/// hidden files and folders only when `hidden`. Symbolic links and special files are never
/// followed or read: each gets a warning.
fn regular_files(dir: &Path, hidden: bool, diags: &mut Diagnostics) -> Result<Vec<(PathBuf, String)>, Error> {
    let mut found = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || hidden || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(&path, e.into())
        })?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            diags.push(skipped(entry.path(), kind));
            continue;
        }
        let path = entry.into_path();
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        found.push((path, rel));
    }
    Ok(found)
}

fn list_example() -> Vec<ContentFile> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<ContentFile>) {
        for file in dir.files() {
            let rel = file.path().to_string_lossy().replace('\\', "/");
            if let (true, Some(text)) = (rel.ends_with(".md"), file.contents_utf8()) {
                out.push(ContentFile {
                    rel,
                    origin: Origin::Embedded(text),
                    stamp: fingerprint(text),
                    size: text.len() as u64,
                });
            }
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&EXAMPLE, &mut out);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Splits `---` front matter from the body; its YAML is parsed by [`Document::front`].
pub fn parse_document(
    kind: Kind,
    path: &Path,
    rel: &str,
    whole: &Arc<str>,
    diags: &mut Diagnostics,
) -> Option<Document> {
    let text = whole.strip_prefix('\u{feff}').unwrap_or(whole);
    // Offsets into `text` become offsets into `whole` past its byte order mark, if it has one.
    let mark = whole.len() - text.len();
    let mut lines = text.split_inclusive('\n');
    let opening = lines.next().unwrap_or("");
    if opening.trim_end() != "---" {
        diags.push(
            Diagnostic::error(path, Span::new(1, 1, 3), "missing front matter")
                .with_hint("start the file with a `---` line, the YAML fields, and another `---` line"),
        );
        return None;
    }
    let mut offset = opening.len();
    let front_start = offset;
    let mut line = 1;
    for l in lines {
        line += 1;
        if l.trim_end() == "---" {
            let body_start = offset + l.len();
            return Some(Document {
                kind,
                path: path.to_path_buf(),
                rel: rel.to_string(),
                front: text[front_start..offset].to_string(),
                headings: headings(&text[body_start..]),
                body: Body::within(Arc::clone(whole), mark + body_start, line + 1),
                source: Source::held(Arc::clone(whole)),
                front_stamp: fingerprint(&text[front_start..offset]),
            });
        }
        offset += l.len();
    }
    diags.push(
        Diagnostic::error(path, Span::new(1, 1, 3), "the front matter is never closed")
            .with_hint("end the YAML fields with a line containing only `---`"),
    );
    None
}

/// The text of each heading of `markdown` down to `###`, in order.
fn headings(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H3 => current = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

fn syntax_error(path: &Path, e: yaml::SyntaxError) -> Diagnostic {
    Diagnostic::error(path, e.span, format!("invalid YAML: {}", e.message))
        .with_hint("check indentation and quote values that contain `: ` or start with a special character")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_line_numbers() {
        let mut diags = Diagnostics::default();
        let doc = parse_document(
            Kind::Writeup,
            Path::new("a.md"),
            "writeups/a.md",
            &"---\ntitle: x\n---\n## Body\n".into(),
            &mut diags,
        )
        .unwrap();
        assert!(diags.is_empty());
        assert_eq!(doc.body.markdown().unwrap(), "## Body\n");
        assert_eq!(doc.body.first_line, 4);
        // A byte order mark is not part of the front matter, and the body is found after it.
        let marked = "\u{feff}---\ntitle: é\n---\n## Corps\n".into();
        let doc = parse_document(Kind::Writeup, Path::new("a.md"), "a", &marked, &mut diags).unwrap();
        assert_eq!((doc.body.markdown().unwrap().as_ref(), doc.body.first_line), ("## Corps\n", 4));
        assert_eq!(doc.headings, ["Corps"]);
        let title = |doc: &Document| match doc.front(&mut Diagnostics::default()).map(|n| n.kind) {
            Some(yaml::NodeKind::Map(entries)) => {
                entries.iter().find(|e| e.key == "title").and_then(|e| e.value.as_scalar())
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(title(&doc).as_deref(), Some("é"));
        // Empty front matter is an empty mapping.
        let empty = parse_document(Kind::Writeup, Path::new("a.md"), "a", &"---\n---\nx\n".into(), &mut diags).unwrap();
        assert_eq!(title(&empty), None);
        assert!(diags.is_empty());
    }

    #[test]
    fn reports_missing_and_unclosed_front_matter() {
        let mut diags = Diagnostics::default();
        assert!(parse_document(Kind::Writeup, Path::new("a.md"), "a", &"# no front\n".into(), &mut diags).is_none());
        assert!(parse_document(Kind::Writeup, Path::new("b.md"), "b", &"---\ntitle: x\n".into(), &mut diags).is_none());
        let msgs: Vec<_> = diags.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(msgs, ["missing front matter", "the front matter is never closed"]);
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let mut diags = Diagnostics::default();
        let text = "\u{feff}---\ntitle: ok\nseverity: [high\n---\n";
        let doc = parse_document(Kind::Writeup, Path::new("a.md"), "a", &text.into(), &mut diags).unwrap();
        assert!(diags.is_empty());
        assert!(doc.front(&mut diags).is_none());
        let d = &diags.sorted()[0];
        assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
        assert!(d.span.line >= 3, "{:?}", d.span);
    }

    #[test]
    fn the_example_is_embedded() {
        let files = list_example();
        assert!(config_file(&ContentSource::Example, None, &mut Diagnostics::default()).unwrap().is_some());
        assert!(files.iter().filter(|f| f.rel.starts_with("writeups/")).count() >= 24);
    }
}
