//! YAML (front matter and `site.yaml`) parsed into a tree that remembers where every key and
//! value stands, so that later stages can point at `file:line:col`. The only user of serde_yaml.

use std::collections::HashMap;

use crate::diagnostic::Span;

/// A YAML value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

/// The shape of a YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    /// A word for the value's type, for messages such as "expected a list, found a number".
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "nothing",
            NodeKind::Bool(_) => "true/false",
            NodeKind::Int(_) | NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "text",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// The value as text, if it is a scalar (numbers and booleans as written).
    pub fn as_scalar(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A YAML syntax error, at its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Parses `text`, whose first line is line `first_line` of its file.
pub fn parse(text: &str, first_line: usize) -> Result<Node, SyntaxError> {
    check_depth(text, first_line)?;
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let span =
            e.location().map_or(Span::new(first_line, 1, 1), |l| Span::new(first_line + l.line() - 1, l.column(), 1));
        let full = e.to_string();
        let message = full.split(" at line ").next().unwrap_or(&full).to_string();
        SyntaxError { span, message }
    })?;
    let spans = locate(text, first_line);
    let whole = Span::new(first_line, 1, 1);
    let mut path = Vec::new();
    Ok(build(value, &spans, &mut path, whole))
}

/// How deeply `[…]` and `{…}` may nest: far beyond any front matter, and locating values
/// costs the square of the depth.
pub const MAX_DEPTH: usize = 64;

/// Refuses flow collections nested deeper than [`MAX_DEPTH`], before any parsing.
fn check_depth(text: &str, first_line: usize) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut previous = '\n';
    let (mut line, mut col) = (first_line, 0);
    for c in text.chars() {
        col += 1;
        let starts_scalar = previous.is_whitespace() || matches!(previous, '[' | '{' | ',' | ':');
        previous = c;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                col = 0;
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if starts_scalar => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError {
                        span: Span::new(line, col, 1),
                        message: format!("lists and mappings nested more than {MAX_DEPTH} deep"),
                    });
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Reads data embedded in the binary (such as the pattern catalogue) straight into typed values;
/// user files go through [`parse`], which keeps positions for messages.
pub fn deserialize<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Where a path's key (if any) and value are written.
#[derive(Debug, Clone, Copy)]
struct Loc {
    key: Option<Span>,
    value: Span,
}

fn build(value: serde_yaml::Value, spans: &HashMap<Vec<Seg>, Loc>, path: &mut Vec<Seg>, at: Span) -> Node {
    use serde_yaml::Value as V;
    let span = spans.get(path.as_slice()).map_or(at, |l| l.value);
    let kind = match value {
        V::Null => NodeKind::Null,
        V::Bool(b) => NodeKind::Bool(b),
        V::Number(n) => match n.as_i64() {
            Some(i) => NodeKind::Int(i),
            None => NodeKind::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        V::String(s) => NodeKind::Str(s),
        V::Sequence(items) => NodeKind::Seq(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    path.push(Seg::Index(i));
                    let node = build(item, spans, path, span);
                    path.pop();
                    node
                })
                .collect(),
        ),
        V::Mapping(map) => NodeKind::Map(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        V::String(s) => s,
                        other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_string(),
                    };
                    path.push(Seg::Key(key.clone()));
                    let loc = spans.get(path.as_slice()).copied();
                    let key_span = loc.and_then(|l| l.key).unwrap_or(span);
                    let value = build(v, spans, path, key_span);
                    path.pop();
                    Entry { key, key_span, value }
                })
                .collect(),
        ),
        V::Tagged(tagged) => return build(tagged.value, spans, path, at),
    };
    Node { kind, span }
}

/// An open block mapping or sequence while scanning lines.
struct Frame {
    indent: usize,
    path: Vec<Seg>,
    /// `Some(next index)` for a sequence, `None` for a mapping.
    seq_next: Option<usize>,
}

/// Finds the position of every key and value written in block style (and of the items of
/// one-line flow lists) by following indentation. serde_yaml keeps no positions, and front
/// matter is almost always this simple shape; anything unusual falls back to its parent's span.
fn locate(text: &str, first_line: usize) -> HashMap<Vec<Seg>, Loc> {
    let mut spans = HashMap::new();
    let mut stack = vec![Frame { indent: 0, path: Vec::new(), seq_next: None }];
    let mut pending: Option<(Vec<Seg>, usize)> = None;
    let mut block_scalar_above: Option<usize> = None;

    for (i, raw) in text.lines().enumerate() {
        let line = first_line + i;
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let content = &raw[indent..];
        if let Some(parent) = block_scalar_above {
            if content.trim().is_empty() || indent > parent {
                continue;
            }
            block_scalar_above = None;
        }
        if content.trim().is_empty() || content.starts_with('#') || content == "---" || content == "..." {
            continue;
        }
        let mut col = indent;
        let mut rest = content;
        let taken = pending.take();

        if rest == "-" || rest.starts_with("- ") {
            while stack.len() > 1 && stack.last().is_some_and(|f| f.indent > col) {
                stack.pop();
            }
            let top = stack.last_mut().expect("root frame stays");
            let seq_path = if top.indent == col && top.seq_next.is_some() {
                top.path.clone()
            } else if let Some((p, _)) = taken.filter(|(_, k)| *k <= col) {
                stack.push(Frame { indent: col, path: p.clone(), seq_next: Some(0) });
                p
            } else {
                continue;
            };
            let top = stack.last_mut().expect("sequence frame");
            let index = top.seq_next.unwrap_or(0);
            top.seq_next = Some(index + 1);
            let mut item = seq_path;
            item.push(Seg::Index(index));
            let after = rest[1..].trim_start_matches(' ');
            col += rest.len() - after.len();
            rest = after;
            if rest.is_empty() {
                pending = Some((item, col));
                continue;
            }
            spans.insert(item.clone(), Loc { key: None, value: value_span(line, col, rest) });
            if split_key(rest).is_none() {
                if rest.starts_with('[') {
                    locate_flow(&mut spans, &item, line, col, rest);
                }
                continue;
            }
            stack.push(Frame { indent: col, path: item, seq_next: None });
        } else {
            while stack.len() > 1
                && stack.last().is_some_and(|f| f.indent > col || (f.indent == col && f.seq_next.is_some()))
            {
                stack.pop();
            }
            let top = stack.last().expect("root frame stays");
            if top.indent != col || top.seq_next.is_some() {
                match taken.filter(|(_, k)| *k < col) {
                    Some((p, _)) => stack.push(Frame { indent: col, path: p, seq_next: None }),
                    None => continue,
                }
            }
        }

        let Some((key, key_len, value_at)) = split_key(rest) else { continue };
        let mut path = stack.last().expect("mapping frame").path.clone();
        path.push(Seg::Key(key));
        let key_span = Span::new(line, col + 1, key_len);
        let value = strip_comment(&rest[value_at..]);
        let value_col = col + rest[..value_at].chars().count();
        if value.is_empty() {
            spans.insert(path.clone(), Loc { key: Some(key_span), value: key_span });
            pending = Some((path, col));
            continue;
        }
        spans.insert(path.clone(), Loc { key: Some(key_span), value: value_span(line, value_col, value) });
        if value.starts_with('|') || value.starts_with('>') {
            block_scalar_above = Some(col);
        } else if value.starts_with('[') {
            locate_flow(&mut spans, &path, line, value_col, value);
        }
    }
    spans
}

fn value_span(line: usize, col: usize, value: &str) -> Span {
    Span::new(line, col + 1, strip_comment(value).chars().count())
}

/// Splits `key: value` into the unquoted key, the key's width, and the byte offset of the value.
fn split_key(s: &str) -> Option<(String, usize, usize)> {
    let (key, key_end) = match s.chars().next()? {
        q @ ('"' | '\'') => {
            let close = s[1..].find(q)? + 1;
            (s[1..close].to_string(), close + 1)
        }
        '[' | '{' | '|' | '>' | '&' | '*' | '!' => return None,
        _ => {
            let colon = s.find(": ").or_else(|| s.strip_suffix(':').map(str::len))?;
            (s[..colon].trim_end().to_string(), colon)
        }
    };
    if !s[key_end..].starts_with(':') {
        return None;
    }
    let after = &s[key_end + 1..];
    let value_at = key_end + 1 + (after.len() - after.trim_start().len());
    Some((key, s[..key_end].chars().count(), value_at))
}

/// Drops a trailing ` # comment` that is outside quotes.
fn strip_comment(s: &str) -> &str {
    let mut quote = None;
    let mut prev_space = true;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if prev_space || i == 0 => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if prev_space => return s[..i].trim_end(),
            _ => {}
        }
        prev_space = c == ' ';
    }
    s.trim_end()
}

/// Records the items of a one-line flow list such as `[a, "b", c]`.
fn locate_flow(spans: &mut HashMap<Vec<Seg>, Loc>, path: &[Seg], line: usize, col: usize, text: &str) {
    let mut depth = 0usize;
    let mut quote = None;
    let mut index = 0;
    let mut item_start: Option<usize> = None;
    let mut record = |start: usize, end: usize, index: usize| {
        let raw = text[start..end].trim_end();
        let mut p = path.to_vec();
        p.push(Seg::Index(index));
        let c = col + text[..start].chars().count();
        spans.insert(p, Loc { key: None, value: Span::new(line, c + 1, raw.chars().count()) });
    };
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '[' | '{' => {
                depth += 1;
                continue;
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some(s) = item_start.take() {
                        record(s, i, index);
                    }
                    break;
                }
            }
            ',' if depth == 1 => {
                if let Some(s) = item_start.take() {
                    record(s, i, index);
                }
                index += 1;
                continue;
            }
            _ => {}
        }
        if depth == 1 && item_start.is_none() && !c.is_whitespace() {
            item_start = Some(i);
            if c == '"' || c == '\'' {
                quote = Some(c);
            }
        } else if c == '"' || c == '\'' {
            quote = Some(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_bound_is_an_error_where_it_goes_too_deep() {
        let deep = format!("title: ok\ntags: {}{}\n", "[".repeat(70), "]".repeat(70));
        let e = parse(&deep, 2).unwrap_err();
        assert_eq!(e.message, "lists and mappings nested more than 64 deep");
        assert_eq!(e.span, Span::new(3, 7 + 64, 1));
        let quoted = format!("title: '{}'\ntags: [[a], {{b: c}}]\n", "[".repeat(100));
        assert!(parse(&quoted, 1).is_ok(), "brackets in plain text or quotes are not nesting");
    }

    fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
        match &node.kind {
            NodeKind::Map(entries) => &entries.iter().find(|e| e.key == key).unwrap().value,
            _ => panic!("not a map"),
        }
    }

    fn item(node: &Node, i: usize) -> &Node {
        match &node.kind {
            NodeKind::Seq(items) => &items[i],
            _ => panic!("not a list"),
        }
    }

    const DOC: &str = "\
title: \"A: quoted\"   # a comment
severity: hgh
patterns: [alpha, \"beta\", gamma]
tags:
- one
- two
actions:
  - what: Add a linter
    due: 2024-13-01
  - what: Rotate
    status: open
nested:
  inner: 3
text: |
  status: not a key
after: yes
";

    #[test]
    fn keys_and_values_carry_their_positions() {
        let root = parse(DOC, 2).unwrap();
        assert_eq!(get(&root, "title").span, Span::new(2, 8, 11));
        assert_eq!(get(&root, "severity").span, Span::new(3, 11, 3));
        let patterns = get(&root, "patterns");
        assert_eq!(item(patterns, 1).span, Span::new(4, 19, 6));
        assert_eq!(item(patterns, 2).span, Span::new(4, 27, 5));
        assert_eq!(item(get(&root, "tags"), 1).span, Span::new(7, 3, 3));
        let actions = get(&root, "actions");
        assert_eq!(get(item(actions, 0), "due").span, Span::new(10, 10, 10));
        assert_eq!(get(item(actions, 1), "status").span, Span::new(12, 13, 4));
        assert_eq!(get(get(&root, "nested"), "inner").span, Span::new(14, 10, 1));
        assert_eq!(get(&root, "after").span, Span::new(17, 8, 3));
        assert_eq!(get(&root, "after").kind, NodeKind::Str("yes".into()));
    }

    #[test]
    fn key_spans_point_at_the_key() {
        let root = parse(DOC, 1).unwrap();
        let NodeKind::Map(entries) = &root.kind else { panic!() };
        let sev = entries.iter().find(|e| e.key == "severity").unwrap();
        assert_eq!(sev.key_span, Span::new(2, 1, 8));
    }

    #[test]
    fn syntax_errors_are_located_in_the_file() {
        let err = parse("title: ok\n  bad: [unclosed\n", 2).unwrap_err();
        assert!(err.span.line >= 2, "{err:?}");
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn dates_stay_text() {
        let root = parse("occurred: 2024-03-04\n", 1).unwrap();
        assert_eq!(get(&root, "occurred").kind, NodeKind::Str("2024-03-04".into()));
    }
}
