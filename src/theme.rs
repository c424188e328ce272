//! The theme: templates and static assets, embedded in the binary and overridable file by file.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use crate::Error;

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates by name (`writeup.html`) and assets by path under `static/` (`style.css`).
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The embedded default theme, with any file of the same path in `overrides` replacing its twin.
    pub fn load(overrides: Option<&Path>) -> Result<Theme, Error> {
        let mut theme = Theme::default();
        for (rel, bytes) in embedded_files() {
            theme.insert(&rel, bytes, Path::new("<embedded theme>"))?;
        }
        if let Some(dir) = overrides {
            if !dir.is_dir() {
                return Err(Error::NoTheme(dir.to_path_buf()));
            }
            for entry in WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                theme.insert(&rel, bytes, entry.path())?;
            }
        }
        Ok(theme)
    }

    fn insert(&mut self, rel: &str, bytes: Vec<u8>, from: &Path) -> Result<(), Error> {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::Theme(format!("{}: template {name} is not UTF-8", from.display())))?;
            self.templates.insert(name.to_string(), text);
        } else if let Some(name) = rel.strip_prefix("static/") {
            self.assets.insert(name.to_string(), bytes);
        }
        Ok(())
    }
}

fn embedded_files() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Dir<'static>, out: &mut Vec<(String, Vec<u8>)>) {
        for file in dir.files() {
            out.push((file.path().to_string_lossy().replace('\\', "/"), file.contents().to_vec()));
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&DEFAULT, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_theme_is_complete() {
        let theme = Theme::load(None).unwrap();
        for name in [
            "base.html",
            "index.html",
            "writeup.html",
            "pattern.html",
            "patterns.html",
            "404.html",
            "atom.xml",
            "sitemap.xml",
            "robots.txt",
            "kris.html",
            "kri.html",
            "summary.html",
            "actions.html",
            "search.html",
        ] {
            assert!(theme.templates.contains_key(name), "missing {name}");
        }
        for asset in ["style.css", "search.js", "search-engine.js", "stemmer.js"] {
            assert!(theme.assets.contains_key(asset), "missing {asset}");
        }
    }

    #[test]
    fn a_file_in_the_override_folder_replaces_the_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/style.css"), "body{}").unwrap();
        let theme = Theme::load(Some(dir.path())).unwrap();
        assert_eq!(theme.assets["style.css"], b"body{}");
        assert!(theme.templates.contains_key("base.html"));
    }
}
