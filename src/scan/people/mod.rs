//! People in prose, found without being told who they are: personal names (a gazetteer of many
//! languages, decided by the words around each candidate), `@handles`, and the people named on
//! attribution lines and under sign-offs.

mod attribution;
mod gazetteer;
mod handles;
mod lists;
mod names;

use std::collections::HashSet;
use std::ops::Range;

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
        let allowed = |range: &Range<usize>| {
            let found = text[range.clone()].split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            self.allowed.contains(&found) || self.allowed.contains(found.trim_start_matches('@'))
        };
        let names = names::find(text, &self.allowed).into_iter().map(|range| (Kind::Person, range));
        let handles = handles::find(text).into_iter().map(|range| (Kind::Handle, range));
        let attributed = attribution::find(text);
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
        People::new(&[]).scan(text, &mut out);
        let found: Vec<&str> = out.iter().map(|f| &text[f.range.clone()]).collect();
        assert!(found.iter().filter(|f| f.eq_ignore_ascii_case("tmakinen")).count() == 3, "{found:?}");
    }
}

#[cfg(test)]
mod timing {
    #[test]
    #[ignore]
    fn per_detector() {
        let path = std::env::var("DOC").unwrap_or("tests/gate/prose/people/01-sre-postmortem-ledger-quota.md".into());
        let doc = std::fs::read_to_string(path).unwrap();
        for n in [20usize, 40, 80] {
            let text = doc.repeat(n);
            let t = std::time::Instant::now();
            let a = super::names::find(&text, &Default::default()).len();
            let names = t.elapsed();
            let t = std::time::Instant::now();
            let b = super::handles::find(&text).len();
            let handles = t.elapsed();
            let t = std::time::Instant::now();
            let c = super::attribution::find(&text).len();
            let attr = t.elapsed();
            let t = std::time::Instant::now();
            let mut blamed = Vec::new();
            crate::scan::blame::scan(&text, &[], &mut blamed);
            let blame = t.elapsed();
            let t = std::time::Instant::now();
            let d = crate::scan::Scanner::new(&Default::default()).scan(&text).len();
            let all = t.elapsed();
            println!("{n}x ({} kB): names {names:?} ({a}), handles {handles:?} ({b}), attribution {attr:?} ({c}), blame {blame:?}, all {all:?} ({d})", text.len() / 1000);
        }
    }
}
