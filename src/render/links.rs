//! Resolves links written in content (by id or by relative path) to published pages.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::gate::Publication;
use crate::memo::fingerprint;
use crate::model::Pattern;
use crate::render::markdown::Target;

/// Every name a link may use, mapped to where it leads.
pub struct Links {
    by_name: HashMap<String, Target>,
    by_path: HashMap<PathBuf, Target>,
}

impl Links {
    pub fn new(publication: &Publication, patterns: &[Pattern]) -> Links {
        let mut by_name = HashMap::new();
        let mut by_path = HashMap::new();
        for p in patterns {
            by_name.insert(p.slug.clone(), Target::Page(p.url()));
            by_path.insert(normalise(&p.source), Target::Page(p.url()));
        }
        for (w, _) in &publication.withheld {
            by_name.insert(w.id.to_lowercase(), Target::Unpublished);
            by_path.insert(normalise(&w.source), Target::Unpublished);
        }
        for w in &publication.published {
            by_name.insert(w.id.to_lowercase(), Target::Page(w.url()));
            by_path.insert(normalise(&w.source), Target::Page(w.url()));
        }
        Links { by_name, by_path }
    }

    /// A fingerprint of every name and where it leads: when it changes, links may resolve differently.
    pub fn fingerprint(&self) -> u64 {
        let mut names: Vec<_> = self.by_name.iter().collect();
        names.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut paths: Vec<_> = self.by_path.iter().collect();
        paths.sort_unstable_by(|a, b| a.0.cmp(b.0));
        fingerprint((names, paths))
    }

    /// Where `dest`, written in the file `from`, leads.
    pub fn resolve(&self, from: &Path, dest: &str) -> Target {
        if dest.starts_with('#') || has_scheme(dest) {
            return Target::AsWritten;
        }
        if dest.starts_with('/') {
            return Target::Broken("absolute paths break when the site is served under a sub-path".into());
        }
        let (path, fragment) = match dest.find('#') {
            Some(i) => (&dest[..i], &dest[i..]),
            None => (dest, ""),
        };
        let found = if path.ends_with(".md") {
            let target = normalise(&from.parent().unwrap_or(Path::new("")).join(path));
            self.by_path.get(&target).ok_or("no writeup or pattern at that path")
        } else if path.contains('/') {
            Err("only `.md` files and ids can be linked")
        } else {
            self.by_name.get(&path.to_lowercase()).ok_or("no writeup or pattern has that id")
        };
        match found {
            Ok(Target::Page(url)) => Target::Page(format!("{url}{fragment}")),
            Ok(other) => other.clone(),
            Err(why) => Target::Broken(why.to_string()),
        }
    }
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Resolves `.` and `..` without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_dots() {
        assert_eq!(normalise(Path::new("c/writeups/2025/../../patterns/./x.md")), PathBuf::from("c/patterns/x.md"));
    }

    #[test]
    fn schemes_are_recognised() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a"));
        assert!(!has_scheme("NM-0001"));
        assert!(!has_scheme("../x.md"));
    }
}
