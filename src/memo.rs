//! Per-file results kept between rebuilds: recomputed only when what they depend on changes.

use std::collections::hash_map::DefaultHasher;
use std::convert::Infallible;
use std::ffi::OsString;
use std::hash::{Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

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
    /// By file (its path's bytes, quicker to hash than a `Path`): the fingerprint, the run that
    /// last asked for it, the result.
    entries: HashMap<OsString, (u64, u64, V)>,
    runs: u64,
    keep: bool,
}

impl<V> Default for Memo<V> {
    fn default() -> Memo<V> {
        Memo { entries: HashMap::default(), runs: 0, keep: false }
    }
}

impl<V> Memo<V> {
    /// A memo that keeps results for the next run.
    pub fn keeping() -> Memo<V> {
        Memo { keep: true, ..Memo::default() }
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
        self.get_all_keeping(items, key, compute, |_| true)
    }

    /// [`Memo::get_all`], keeping for the next run only the results `keep` accepts.
    fn get_all_keeping<I: Sync>(
        &mut self,
        items: &[I],
        key: impl Fn(&I) -> (&Path, u64) + Sync,
        compute: impl Fn(&I) -> V + Sync,
        keep: impl Fn(&V) -> bool,
    ) -> Vec<V> {
        if !self.keep {
            return items.par_iter().map(&compute).collect();
        }
        self.runs += 1;
        let run = self.runs;
        // Each key is worked out once: a fingerprint can cost as much as a lookup.
        let fresh: Vec<(&Path, u64, Option<V>)> = items
            .par_iter()
            .map(|item| {
                let (path, print) = key(item);
                let fresh = match self.entries.get(path.as_os_str()) {
                    Some((known, _, _)) if *known == print => None,
                    _ => Some(compute(item)),
                };
                (path, print, fresh)
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (item, (path, print, fresh)) in items.iter().zip(fresh) {
            match (fresh, self.entries.get_mut(path.as_os_str())) {
                (None, Some(entry)) => {
                    entry.1 = run;
                    out.push(entry.2.clone());
                }
                // A result not kept leaves its entry with an earlier run: it is forgotten below.
                (Some(value), Some(entry)) => {
                    out.push(value.clone());
                    if keep(&value) {
                        *entry = (print, run, value);
                    }
                }
                // A file new to the memo (its result was computed above).
                (fresh, None) => {
                    let value = fresh.unwrap_or_else(|| compute(item));
                    out.push(value.clone());
                    if keep(&value) {
                        self.entries.insert(path.as_os_str().to_owned(), (print, run, value));
                    }
                }
            }
        }
        self.entries.retain(|_, (_, used, _)| *used == run);
        out
    }
}

impl<T: Clone + Send + Sync, E: Clone + Send + Sync> Memo<Result<T, E>> {
    /// Like [`Memo::get_all`] for a computation that may fail; as with [`Kept::try_get`], a
    /// failure is not kept, so the next run tries again under the same fingerprint (a file read
    /// while an editor was saving it reads well once it is saved, with the text it had).
    pub fn try_get_all<I: Sync>(
        &mut self,
        items: &[I],
        key: impl Fn(&I) -> (&Path, u64) + Sync,
        compute: impl Fn(&I) -> Result<T, E> + Sync,
    ) -> Vec<Result<T, E>> {
        self.get_all_keeping(items, key, compute, Result::is_ok)
    }
}

/// One result kept between runs, recomputed when its fingerprint changes. Like [`Memo`], the
/// default keeps nothing.
#[derive(Debug)]
pub struct Kept<V> {
    entry: Option<(u64, V)>,
    keep: bool,
}

impl<V> Default for Kept<V> {
    fn default() -> Kept<V> {
        Kept { entry: None, keep: false }
    }
}

impl<V: Clone> Kept<V> {
    /// A cell that keeps its result for the next run.
    pub fn keeping() -> Kept<V> {
        Kept { entry: None, keep: true }
    }

    /// The result for `print`: the kept one if its fingerprint matches, else `compute()`'s.
    pub fn get(&mut self, print: u64, compute: impl FnOnce() -> V) -> V {
        match self.try_get(print, || Ok::<V, Infallible>(compute())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Like [`Kept::get`] for a computation that may fail; a failure is not kept.
    pub fn try_get<E>(&mut self, print: u64, compute: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        match &self.entry {
            Some((known, value)) if *known == print => Ok(value.clone()),
            _ => {
                let value = compute()?;
                if self.keep {
                    self.entry = Some((print, value.clone()));
                }
                Ok(value)
            }
        }
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
    fn a_failure_is_computed_again_under_the_same_fingerprint() {
        let calls = AtomicUsize::new(0);
        let mut memo: Memo<Result<u64, String>> = Memo::keeping();
        let readable = std::sync::atomic::AtomicBool::new(false);
        let mut run = || {
            memo.try_get_all(
                &[("a", 1u64), ("b", 2)],
                |(path, n)| (Path::new(path), *n),
                |(path, n)| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    match (*path, readable.load(Ordering::SeqCst)) {
                        ("a", false) => Err(format!("{path} is being saved")),
                        _ => Ok(n * 10),
                    }
                },
            )
        };
        assert_eq!(run(), [Err("a is being saved".to_string()), Ok(20)]);
        assert_eq!(run(), [Err("a is being saved".to_string()), Ok(20)]);
        assert_eq!(calls.load(Ordering::SeqCst), 3, "b's result is kept, a's failure is not");
        readable.store(true, Ordering::SeqCst);
        assert_eq!(run(), [Ok(10), Ok(20)]);
        assert_eq!(run(), [Ok(10), Ok(20)]);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_kept_result_is_reused_while_its_fingerprint_holds() {
        let calls = AtomicUsize::new(0);
        let mut kept: Kept<u64> = Kept::keeping();
        let mut get = |print| {
            kept.get(print, || {
                calls.fetch_add(1, Ordering::SeqCst);
                print * 2
            })
        };
        assert_eq!((get(1), get(1), get(2), get(2)), (2, 2, 4, 4));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        let mut once: Kept<u64> = Kept::default();
        assert_eq!((once.get(1, || 5), once.get(1, || 6)), (5, 6));
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
