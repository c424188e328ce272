//! People in prose, found without being told who they are: personal names (a gazetteer of many
//! languages, decided by the words around each candidate), `@handles`, and the people named on
//! attribution lines and under sign-offs.

mod attribution;
mod gazetteer;
mod handles;
mod lists;
mod names;

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

use super::text::Words;
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
    pub(super) fn scan(&self, text: &str, words: &Words, out: &mut Vec<Finding>) {
        let allowed = |range: &Range<usize>| {
            if self.allowed.is_empty() {
                return false;
            }
            let found = text[range.clone()].split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            self.allowed.contains(&found) || self.allowed.contains(found.trim_start_matches('@'))
        };
        let names = names::find(text, words, &self.allowed).into_iter().map(|range| (Kind::Person, range));
        let handles = handles::find(text).into_iter().map(|range| (Kind::Handle, range));
        let attributed = attribution::find(text, words);
        let again = user_names_again(text, &attributed);
        let attributed = attributed.into_iter().chain(again).map(|range| (Kind::Person, range));
        out.extend(
            names
                .chain(handles)
                .chain(attributed)
                .filter(|(_, r)| !allowed(r))
                .map(|(kind, range)| Finding { kind, range }),
        );
    }
}

/// Every other whole-word occurrence of the user names found on attribution lines ("ask
/// tmakinen" once "cc: tmakinen" named them), but in e-mail addresses.
fn user_names_again(text: &str, found: &[Range<usize>]) -> Vec<Range<usize>> {
    let user_names: HashSet<String> = found
        .iter()
        .map(|r| &text[r.clone()])
        .filter(|n| n.len() >= 3 && n.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
        .map(str::to_ascii_lowercase)
        .collect();
    if user_names.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let joins =
            matches!(c, '.' | '-') && start.is_some() && text[i + 1..].starts_with(|n: char| n.is_ascii_alphanumeric());
        match (c.is_ascii_alphanumeric() || c == '_' || joins, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                // Inside an e-mail address the address is the finding (or a documentation one).
                let mailbox = text[i..].starts_with('@');
                if !mailbox && user_names.contains(&text[s..i].to_ascii_lowercase()) && !found.contains(&(s..i)) {
                    out.push(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_name_on_an_attribution_line_is_found_wherever_it_recurs() {
        let text = "cc: tmakinen\n\nFrom: Tuomas <tmakinen@example.org>, TMakinen; ask tmakinen.\n";
        let mut out = Vec::new();
        People::new(&[]).scan(text, &Words::new(text), &mut out);
        let found: Vec<&str> = out.iter().map(|f| &text[f.range.clone()]).collect();
        assert!(found.iter().filter(|f| f.eq_ignore_ascii_case("tmakinen")).count() == 3, "{found:?}");
    }
}
