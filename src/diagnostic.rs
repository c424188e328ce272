//! Problems found in the content, each pinned to a file, line and column, with a fix hint.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a source file: 1-based line and column (in characters), and a width for carets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Span {
    pub line: usize,
    pub col: usize,
    pub len: usize,
}

impl Span {
    pub fn new(line: usize, col: usize, len: usize) -> Span {
        Span { line, col, len }
    }

    /// The span of `len` characters at byte `offset` of `text`, whose first line is `first_line`.
    pub fn at_offset(text: &str, offset: usize, len: usize, first_line: usize) -> Span {
        let before = &text[..offset.min(text.len())];
        let line = first_line + before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Span { line, col, len }
    }
}

/// Turns byte offsets of a text into spans walking the text once when they are asked for in
/// increasing order (each `Span::at_offset` walks from the start), as diagnostics of one file are.
pub struct Locator<'a> {
    text: &'a str,
    first_line: usize,
    offset: usize,
    line: usize,
    col: usize,
}

impl<'a> Locator<'a> {
    /// A locator over `text`, whose first line is line `first_line` of its file.
    pub fn new(text: &'a str, first_line: usize) -> Locator<'a> {
        Locator { text, first_line, offset: 0, line: first_line, col: 1 }
    }

    /// The span of `len` characters at byte `offset`.
    pub fn span(&mut self, offset: usize, len: usize) -> Span {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            return Span::at_offset(self.text, offset, len, self.first_line);
        }
        for c in self.text[self.offset..offset].chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
        self.offset = offset;
        Span::new(self.line, self.col, len)
    }
}

/// How serious a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// One problem, in one file, at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub file: PathBuf,
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { level: Level::Error, file: file.to_path_buf(), span, message: message.into(), hint: None }
    }

    pub fn warning(file: &Path, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { level: Level::Warning, ..Diagnostic::error(file, span, message) }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Renders the diagnostic like a compiler: location, the offending line (`line_text`, the
    /// text of line `span.line`), a caret and the hint.
    pub fn render(&self, line_text: Option<&str>) -> String {
        let mut out = format!("{self}\n");
        if let Some(text) = line_text {
            let gutter = self.span.line.to_string().len();
            let pad = " ".repeat(gutter);
            let (text, col) = window(text, self.span.col.saturating_sub(1), self.span.len.max(1));
            let caret_at = " ".repeat(col);
            let carets = "^".repeat(self.span.len.clamp(1, WINDOW));
            out.push_str(&format!("{pad} |\n{} | {text}\n{pad} | {caret_at}{carets}\n", self.span.line));
            if let Some(hint) = &self.hint {
                out.push_str(&format!("{pad} = hint: {hint}\n"));
            }
        } else if let Some(hint) = &self.hint {
            out.push_str(&format!("  = hint: {hint}\n"));
        }
        out
    }
}

/// About how many characters of a line a snippet shows: real writeups have lines of thousands.
const WINDOW: usize = 100;

/// The part of `line` around the `len` characters at character `col`: the whole line when it
/// is short, else about [`WINDOW`] characters with "…" where it is cut. Returns the text and
/// the column of the match in it.
fn window(line: &str, col: usize, len: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WINDOW + 20 {
        return (line.to_string(), col);
    }
    let context = WINDOW.saturating_sub(len.min(WINDOW)) / 2;
    let start = col.saturating_sub(context).min(chars.len());
    let end = (col + len.min(WINDOW) + context).min(chars.len()).max(start);
    let mut text = String::new();
    let mut at = col - start;
    if start > 0 {
        text.push('…');
        at += 1;
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push('…');
    }
    (text, at)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}: {}", self.file.display(), self.span.line, self.span.col, self.level, self.message)
    }
}

/// `text` safe to print on a terminal: control characters (but tab and newline), C1 controls
/// and bidirectional overrides from content or file names are shown as `\u{1b}` escapes, so a
/// writeup cannot move the cursor, retitle the window or reorder what a reviewer reads.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    let plain_ascii = |b: &u8| (0x20..0x7f).contains(b) || *b == b'\n' || *b == b'\t';
    if text.bytes().all(|b| plain_ascii(&b)) || !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// "s" unless there is exactly one, for counts in reports.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Every problem found in one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.level == Level::Error)
    }

    pub fn count(&self, level: Level) -> usize {
        self.0.iter().filter(|d| d.level == level).count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorted by file, then position (keeping the order found within one place), without repeats.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| (&a.file, a.span).cmp(&(&b.file, b.span)));
        self.0.dedup();
        self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_at_offset_counts_lines_and_characters() {
        let text = "ab\ncdé fg\n";
        let off = text.find('f').unwrap();
        assert_eq!(Span::at_offset(text, off, 2, 10), Span::new(11, 5, 2));
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_match() {
        let line = format!("{}Dave broke it{}", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::error(Path::new("a.md"), Span::new(1, 5001, 4), "a person's name");
        let out = d.render(Some(&line));
        let shown = out.lines().nth(2).unwrap();
        assert!(shown.chars().count() < 130, "{shown}");
        assert!(shown.contains("…aaaa") && shown.contains("Dave broke it") && shown.ends_with("bbb…"), "{shown}");
        let caret_line = out.lines().nth(3).unwrap();
        let caret = caret_line.chars().position(|c| c == '^').unwrap();
        assert_eq!(shown.chars().nth(caret), Some('D'), "the caret points at the match:\n{out}");
        let short = Diagnostic::error(Path::new("a.md"), Span::new(1, 1, 4), "x").render(Some("Dave broke it"));
        assert!(short.contains("1 | Dave broke it\n"));
    }

    #[test]
    fn a_locator_agrees_with_span_at_offset_in_any_order() {
        let text = "ab\ncdé fg\n\nh";
        let mut locate = Locator::new(text, 4);
        for offset in [0, 1, 3, 7, 9, 11, 12, 2, 13, 40] {
            let offset = offset.min(text.len());
            assert_eq!(locate.span(offset, 2), Span::at_offset(text, offset, 2, 4), "at {offset}");
        }
    }

    #[test]
    fn render_points_at_the_column_and_shows_the_hint() {
        let d = Diagnostic::error(Path::new("a.md"), Span::new(2, 11, 3), "unknown severity `hgh`")
            .with_hint("use one of: low, medium, high, critical");
        let out = d.render(Some("severity: hgh"));
        assert!(out.starts_with("a.md:2:11: error: unknown severity `hgh`\n"));
        assert!(out.contains("2 | severity: hgh\n  |           ^^^\n"));
        assert!(out.contains("= hint: use one of: low, medium, high, critical"));
    }

    #[test]
    fn printable_escapes_terminal_controls_and_keeps_text() {
        assert_eq!(printable("a.md:1:1: plain café\tand tab\n"), "a.md:1:1: plain café\tand tab\n");
        let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{9b}1m\u{202e}cod.exe";
        let shown = printable(evil);
        assert!(!shown.chars().any(|c| c.is_control() || c == '\u{202e}'), "{shown:?}");
        assert_eq!(shown, "x\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{d}\\u{9b}1m\\u{202e}cod.exe");
    }

    #[test]
    fn sorted_orders_by_file_then_position() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::warning(Path::new("b.md"), Span::new(1, 1, 1), "w"));
        ds.push(Diagnostic::error(Path::new("a.md"), Span::new(9, 1, 1), "late"));
        ds.push(Diagnostic::error(Path::new("a.md"), Span::new(2, 1, 1), "early"));
        let msgs: Vec<_> = ds.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(msgs, ["early", "late", "w"]);
    }
}
