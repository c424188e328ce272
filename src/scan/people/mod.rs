//! People in prose, found without being told who they are: personal names (a gazetteer of many
//! languages, decided by the words around each candidate), `@handles`, and the people named on
//! attribution lines and under sign-offs.

mod attribution;
mod gazetteer;
mod handles;
mod lists;
mod names;

use std::collections::HashSet;

use super::{Finding, Kind};

/// Finds people; names in `allowed_names` are never reported.
pub(super) struct People {
    /// Lower-case names and phrases that the site allows.
    allowed: HashSet<String>,
}

impl People {
    pub(super) fn new(allowed_names: &[String]) -> People {
        let allowed = allowed_names
            .iter()
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        People { allowed }
    }

    /// Every name, handle and attributed person in `text`.
    pub(super) fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        let allowed = |range: &std::ops::Range<usize>| {
            let found = text[range.clone()].split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            self.allowed.contains(&found) || self.allowed.contains(found.trim_start_matches('@'))
        };
        let names = names::find(text, &self.allowed).into_iter().map(|range| (Kind::Person, range));
        let handles = handles::find(text).into_iter().map(|range| (Kind::Handle, range));
        let attributed = attribution::find(text).into_iter().map(|range| (Kind::Person, range));
        out.extend(
            names
                .chain(handles)
                .chain(attributed)
                .filter(|(_, r)| !allowed(r))
                .map(|(kind, range)| Finding { kind, range }),
        );
    }
}
