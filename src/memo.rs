//! Per-file results kept between rebuilds: recomputed only when what they depend on changes.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// A fingerprint of everything a result depends on.
pub fn fingerprint(parts: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// Results by file, each valid while its fingerprint is unchanged. A memo that does not keep
/// (the default, for one-off builds) only computes, in parallel, and holds no second copy.
#[derive(Debug)]
pub struct Memo<V> {
    entries: HashMap<PathBuf, (u64, V)>,
    keep: bool,
}

impl<V> Default for Memo<V> {
    fn default() -> Memo<V> {
        Memo { entries: HashMap::new(), keep: false }
    }
}

impl<V> Memo<V> {
    /// A memo that keeps results for the next run.
    pub fn keeping() -> Memo<V> {
        Memo { entries: HashMap::new(), keep: true }
    }
}

impl<V: Clone + Send + Sync> Memo<V> {
    /// The result for each item, in order: reused when its file's fingerprint matches, else
    /// computed (in parallel). Files not among `items` are forgotten.
    pub fn get_all<I: Sync>(
        &mut self,
        items: &[I],
        key: impl Fn(&I) -> (&Path, u64) + Sync,
        compute: impl Fn(&I) -> V + Sync,
    ) -> Vec<V> {
        if !self.keep {
            return items.par_iter().map(&compute).collect();
        }
        let fresh: Vec<Option<V>> = items
            .par_iter()
            .map(|item| {
                let (path, print) = key(item);
                match self.entries.get(path) {
                    Some((known, _)) if *known == print => None,
                    _ => Some(compute(item)),
                }
            })
            .collect();
        let mut kept = HashMap::with_capacity(items.len());
        let mut out = Vec::with_capacity(items.len());
        for (item, fresh) in items.iter().zip(fresh) {
            let (path, print) = key(item);
            let value = match fresh {
                Some(v) => v,
                None => match self.entries.remove(path) {
                    Some((_, v)) => v,
                    None => compute(item),
                },
            };
            out.push(value.clone());
            kept.insert(path.to_path_buf(), (print, value));
        }
        self.entries = kept;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn recomputes_only_what_changed_and_forgets_removed_files() {
        let calls = AtomicUsize::new(0);
        let mut memo: Memo<String> = Memo::keeping();
        let run = |memo: &mut Memo<String>, items: &[(&str, &str)]| {
            memo.get_all(
                items,
                |(path, text)| (Path::new(path), fingerprint(text)),
                |(_, text)| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    text.to_uppercase()
                },
            )
        };
        assert_eq!(run(&mut memo, &[("a", "x"), ("b", "y")]), ["X", "Y"]);
        assert_eq!(run(&mut memo, &[("a", "x"), ("b", "z")]), ["X", "Z"]);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(run(&mut memo, &[("b", "z")]), ["Z"]);
        assert_eq!(memo.entries.len(), 1);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_memo_that_does_not_keep_always_computes() {
        let mut memo: Memo<usize> = Memo::default();
        let items = [("a", 1), ("b", 2)];
        let run = |memo: &mut Memo<usize>| memo.get_all(&items, |(p, n)| (Path::new(p), *n as u64), |(_, n)| n * 10);
        assert_eq!(run(&mut memo), [10, 20]);
        assert_eq!(run(&mut memo), [10, 20]);
        assert!(memo.entries.is_empty());
    }
}
