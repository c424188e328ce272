//! Typed reading of a YAML mapping that reports every missing, mistyped or unknown key.

use std::path::Path;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::model::Keyword;
use crate::yaml::{Entry, Node, NodeKind};

/// Whether a key must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// Reads the keys of one mapping; every key read is "known", and `finish` reports the others.
pub struct Fields<'a> {
    file: &'a Path,
    entries: &'a [Entry],
    at: Span,
    known: Vec<&'static str>,
    diags: &'a mut Diagnostics,
}

impl<'a> Fields<'a> {
    /// Starts reading `node`, which must be a mapping (`what` names it in the error).
    pub fn new(file: &'a Path, node: &'a Node, what: &str, diags: &'a mut Diagnostics) -> Option<Fields<'a>> {
        match &node.kind {
            NodeKind::Map(entries) => Some(Fields { file, entries, at: node.span, known: Vec::new(), diags }),
            NodeKind::Null => Some(Fields { file, entries: &[], at: node.span, known: Vec::new(), diags }),
            _ => {
                diags.push(
                    Diagnostic::error(
                        file,
                        node.span,
                        format!("{what} must be a mapping of `key: value` lines, found {}", node.type_name()),
                    )
                    .with_hint("write one `key: value` per line"),
                );
                None
            }
        }
    }

    pub fn file(&self) -> &'a Path {
        self.file
    }

    pub fn diags(&mut self) -> &mut Diagnostics {
        self.diags
    }

    /// The raw value of `key`, reporting it when required and missing.
    pub fn node(&mut self, key: &'static str, need: Need, hint: &str) -> Option<&'a Node> {
        self.known.push(key);
        let found = self.entries.iter().find(|e| e.key == key).map(|e| &e.value);
        if found.is_none() && need == Need::Required {
            let mut d = Diagnostic::error(self.file, self.at, format!("missing required field `{key}`"));
            if !hint.is_empty() {
                d = d.with_hint(hint.to_string());
            }
            self.diags.push(d);
        }
        found.filter(|n| n.kind != NodeKind::Null || need == Need::Required)
    }

    /// Non-empty text (numbers are accepted as written).
    pub fn text(&mut self, key: &'static str, need: Need, hint: &str) -> Option<(String, Span)> {
        let node = self.node(key, need, hint)?;
        self.as_text(key, node)
    }

    fn as_text(&mut self, what: &str, node: &Node) -> Option<(String, Span)> {
        match &node.kind {
            NodeKind::Str(s) if s.trim().is_empty() => {
                self.diags.push(Diagnostic::error(self.file, node.span, format!("`{what}` is empty")));
                None
            }
            NodeKind::Str(_) | NodeKind::Int(_) | NodeKind::Float(_) => {
                node.as_scalar().map(|s| (s.trim().to_string(), node.span))
            }
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        node.span,
                        format!("`{what}` must be text, found {}", node.type_name()),
                    )
                    .with_hint("quote the value if it contains `: ` or starts with a special character"),
                );
                None
            }
        }
    }

    /// One word of a closed vocabulary.
    pub fn keyword<T: Keyword + PartialEq>(&mut self, key: &'static str, need: Need) -> Option<T> {
        let hint = format!("use one of: {}", T::choices());
        let (word, span) = self.text(key, need, &hint)?;
        let parsed = T::parse(&word);
        if parsed.is_none() {
            let mut hint = hint;
            let words: Vec<_> = T::ALL.iter().map(|(w, _)| *w).collect();
            if let Some(close) = did_you_mean(&word.to_lowercase(), &words) {
                hint = format!("did you mean `{close}`? {hint}");
            }
            self.diags
                .push(Diagnostic::error(self.file, span, format!("`{word}` is not a valid `{key}`")).with_hint(hint));
        }
        parsed
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, key: &'static str, need: Need) -> Option<(Date, Span)> {
        let node = self.node(key, need, "write the date as YYYY-MM-DD, e.g. 2025-03-14")?;
        self.as_date(key, node)
    }

    pub fn as_date(&mut self, what: &str, node: &Node) -> Option<(Date, Span)> {
        let (text, span) = self.as_text(what, node)?;
        match text.parse::<Date>() {
            Ok(d) => Some((d, span)),
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(self.file, span, format!("`{what}`: `{text}` is not a valid date: {e}"))
                        .with_hint("write the date as YYYY-MM-DD, e.g. 2025-03-14"),
                );
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn flag(&mut self, key: &'static str) -> Option<bool> {
        let node = self.node(key, Need::Optional, "")?;
        match node.kind {
            NodeKind::Bool(b) => Some(b),
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        node.span,
                        format!("`{key}` must be true or false, found {}", node.type_name()),
                    )
                    .with_hint(format!("write `{key}: true` or `{key}: false`")),
                );
                None
            }
        }
    }

    /// A list of non-empty texts; absent means empty.
    pub fn list(&mut self, key: &'static str, need: Need, hint: &str) -> Option<Vec<(String, Span)>> {
        let node = self.node(key, need, hint)?;
        let items = self.as_list(key, node)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.as_text(key, item)?);
        }
        Some(out)
    }

    pub fn as_list(&mut self, key: &str, node: &'a Node) -> Option<&'a [Node]> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        node.span,
                        format!("`{key}` must be a list, found {}", node.type_name()),
                    )
                    .with_hint(format!("write `{key}: [a, b]` or one `- item` per line")),
                );
                None
            }
        }
    }

    /// Reports every key that was never read, suggesting the closest known one.
    pub fn finish(self) {
        for entry in self.entries {
            if self.known.contains(&entry.key.as_str()) {
                continue;
            }
            let hint = match did_you_mean(&entry.key, &self.known) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("known fields: {}", self.known.join(", ")),
            };
            self.diags.push(
                Diagnostic::error(self.file, entry.key_span, format!("unknown field `{}`", entry.key)).with_hint(hint),
            );
        }
    }
}

/// The closest candidate to a misspelt word, if one is close enough to be a typo.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::yaml;

    #[test]
    fn reports_missing_mistyped_and_unknown_keys_in_one_pass() {
        let node = yaml::parse("title: [a]\nseverty: high\ndue: 2023-02-30\n", 2).unwrap();
        let mut diags = Diagnostics::default();
        let mut f = Fields::new(Path::new("w.md"), &node, "front matter", &mut diags).unwrap();
        assert!(f.text("title", Need::Required, "").is_none());
        assert!(f.keyword::<Severity>("severity", Need::Required).is_none());
        assert!(f.date("due", Need::Optional).is_none());
        f.finish();
        let msgs: Vec<_> = diags.sorted().into_iter().map(|d| (d.span.line, d.message, d.hint)).collect();
        assert_eq!(msgs[0].0, 2);
        assert!(msgs.iter().any(|m| m.1 == "`title` must be text, found a list"));
        assert!(msgs.iter().any(|m| m.1 == "missing required field `severity`"));
        assert!(msgs.iter().any(|m| m.0 == 3
            && m.1 == "unknown field `severty`"
            && m.2.as_deref() == Some("did you mean `severity`?")));
        assert!(msgs.iter().any(|m| m.0 == 4 && m.1.contains("has only 28 days")));
    }

    #[test]
    fn bad_keywords_list_the_choices() {
        let node = yaml::parse("severity: hihg\n", 1).unwrap();
        let mut diags = Diagnostics::default();
        let mut f = Fields::new(Path::new("w.md"), &node, "front matter", &mut diags).unwrap();
        assert_eq!(f.keyword::<Severity>("severity", Need::Required), None);
        f.finish();
        let d = &diags.sorted()[0];
        assert_eq!(d.span, Span::new(1, 11, 4));
        assert_eq!(d.hint.as_deref(), Some("did you mean `high`? use one of: low, medium, high or critical"));
    }
}
