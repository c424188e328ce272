//! Resolves links written in content (by id or by relative path) to published pages.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};

use crate::gate::Publication;
use crate::model::Pattern;
use crate::render::markdown::Target;

/// Every name a link may use, mapped to where it leads.
pub struct Links {
    by_name: HashMap<String, Target>,
    /// The source name of each imported record, by its path: its links resolve among its source's.
    imported: HashMap<PathBuf, String>,
    by_path: HashMap<PathBuf, Target>,
    /// A fingerprint of every name and where it leads, in the order they were added.
    print: u64,
}

impl Links {
    pub fn new(publication: &Publication, patterns: &[Pattern]) -> Links {
        let mut links = Links { by_name: HashMap::new(), imported: HashMap::new(), by_path: HashMap::new(), print: 0 };
        let origins = patterns
            .iter()
            .map(|p| (&p.source, &p.origin))
            .chain(publication.published.iter().map(|w| (&w.source, &w.origin)));
        for (source, origin) in origins {
            if let Some(member) = origin {
                links.imported.insert(source.clone(), member.source.clone());
            }
        }
        let mut hasher = DefaultHasher::new();
        let mut add = |name: String, source: &Path, target: Target| {
            (&name, source, &target).hash(&mut hasher);
            links.by_path.insert(normalise(source), target.clone());
            links.by_name.insert(name, target);
        };
        for p in patterns {
            add(p.slug.clone(), &p.source, Target::Page(p.url()));
        }
        for (w, _) in &publication.withheld {
            add(w.id.to_lowercase(), &w.source, Target::Unpublished);
        }
        for w in &publication.published {
            add(w.id.to_lowercase(), &w.source, Target::Page(w.url()));
        }
        links.print = hasher.finish();
        links
    }

    /// A fingerprint of every name and where it leads: when it changes, links may resolve differently.
    pub fn fingerprint(&self) -> u64 {
        self.print
    }

    /// Whether the document at `path` was imported from another site.
    pub fn is_imported(&self, path: &Path) -> bool {
        self.imported.contains_key(path)
    }

    /// Where `dest`, written in the file `from`, leads.
    pub fn resolve(&self, from: &Path, dest: &str) -> Target {
        if dest.starts_with('#') || has_scheme(dest) {
            return Target::AsWritten;
        }
        // An imported record links by id to its own source's records, if imported too; any
        // other link of its pointed into a site that is not this one, and becomes text.
        if let Some(source) = self.imported.get(from) {
            let (id, fragment) = dest.split_once('#').map_or((dest, ""), |(id, f)| (id, f));
            let found = (!id.contains(['/', '.'])).then(|| self.by_name.get(&format!("{source}/{id}").to_lowercase()));
            return match found.flatten() {
                Some(Target::Page(url)) if fragment.is_empty() => Target::Page(url.clone()),
                Some(Target::Page(url)) => Target::Page(format!("{url}#{fragment}")),
                _ => Target::Unpublished,
            };
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
