//! Each writeup page's similar near misses: the closest published writeups by content (from
//! the search index, built once for the whole site), each saying what it shares.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use super::view::WriteupCard;
use super::Site;
use crate::search;
use crate::Error;

/// How many similar near misses a writeup page lists.
pub const ALIKE: usize = 5;

/// A similar near miss and what it has in common with the page's.
#[derive(Debug, Serialize)]
pub(super) struct Alike {
    card: Arc<WriteupCard>,
    /// "pattern Backup gaps", "tag #ci", "stopped by monitoring"; empty when only the words are alike.
    shares: Vec<String>,
}

impl Site {
    /// The similar near misses of card `i`, most similar first.
    pub(super) fn alike(&self, i: usize) -> Result<Vec<Alike>, Error> {
        let found = match self.similar.get() {
            // A build found every card's at once, from the index it made the bundle of.
            Some(all) => all.as_ref().map_err(|e| Error::SearchBundle(e.clone()))?[i].clone(),
            // A page asked for on its own (serve, after an edit): this card's only.
            None => self.similar_of(i)?,
        };
        let card = &self.model.writeups[i];
        Ok(found
            .into_iter()
            .map(|j| &self.model.writeups[j])
            .map(|other| Alike { card: Arc::clone(other), shares: shares(card, other) })
            .collect())
    }

    /// Each card's similar near misses in `index` (card indexes, most similar first).
    pub(super) fn similar_in(&self, index: &search::Index) -> Result<Vec<Vec<usize>>, Error> {
        let cards = &self.model.writeups;
        let by_id = cards_by_id(cards);
        let by_key = index.similar_writeups(ALIKE, shared_count(cards, &by_id))?;
        Ok(cards
            .iter()
            .map(|c| {
                let ids = by_key.get(&c.id).map_or(&[][..], Vec::as_slice);
                ids.iter().filter_map(|id| by_id.get(id.as_str()).copied()).collect()
            })
            .collect())
    }

    /// Card `i`'s similar near misses (card indexes, most similar first), from the kept index
    /// (or the last site's, see [`Site::follow`]): one query, where [`Site::similar_in`] makes
    /// one for every card. Writeups the last site's index holds but this site does not publish
    /// are left out.
    fn similar_of(&self, i: usize) -> Result<Vec<usize>, Error> {
        let cards = &self.model.writeups;
        let by_id = cards_by_id(cards);
        let last = self.last_index();
        let index = match &last {
            Some(last) => last,
            None => self.kept_index()?,
        };
        let ids = index.similar_to(&cards[i].id, ALIKE, shared_count(cards, &by_id))?;
        Ok(ids.iter().filter_map(|id| by_id.get(id.as_str()).copied()).collect())
    }
}

fn cards_by_id(cards: &[Arc<WriteupCard>]) -> HashMap<&str, usize> {
    cards.iter().enumerate().map(|(i, w)| (w.id.as_str(), i)).collect()
}

/// How many patterns the writeups with ids `a` and `b` share: what breaks a tie in similarity.
fn shared_count<'a>(
    cards: &'a [Arc<WriteupCard>],
    by_id: &'a HashMap<&str, usize>,
) -> impl Fn(&str, &str) -> usize + Sync + 'a {
    move |a, b| match (by_id.get(a), by_id.get(b)) {
        (Some(&a), Some(&b)) => shared_patterns(&cards[a], &cards[b]).len(),
        _ => 0,
    }
}

fn shared_patterns<'a>(a: &'a WriteupCard, b: &WriteupCard) -> Vec<&'a str> {
    a.patterns.iter().filter(|p| b.patterns.iter().any(|q| q.slug == p.slug)).map(|p| p.title.as_str()).collect()
}

/// What `other` has in common with `w`, in words.
fn shares(w: &WriteupCard, other: &WriteupCard) -> Vec<String> {
    let mut out: Vec<String> = shared_patterns(w, other).into_iter().map(|t| format!("pattern {t}")).collect();
    let tags: HashSet<&str> = other.tags.iter().map(|t| t.slug.as_str()).collect();
    out.extend(w.tags.iter().filter(|t| tags.contains(t.slug.as_str())).map(|t| format!("tag #{}", t.name)));
    if w.stopped_by == other.stopped_by {
        out.push(format!("stopped by {}", w.stopped_by_label.to_lowercase()));
    }
    if w.severity == other.severity {
        out.push(format!("{} severity", w.severity));
    }
    out
}
