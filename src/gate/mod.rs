//! The publication gate: decides which writeups may leave the building, and says why not.

pub mod leaks;

use std::fmt;
use std::sync::Arc;

use crate::diagnostic::plural;
use crate::model::{Keyword, Status, Tlp, Writeup};

/// Why a writeup is kept out of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Withheld {
    /// Not approved: draft, in review or retracted.
    Status(Status),
    /// Approved, but more sensitive than the site may publish.
    AboveTlp(Tlp),
}

impl fmt::Display for Withheld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Withheld::Status(Status::Review) => f.write_str("in review"),
            Withheld::Status(s) => f.write_str(s.as_str()),
            Withheld::AboveTlp(tlp) => write!(f, "{} above the site's limit", tlp.label()),
        }
    }
}

/// The writeups split into those published and those withheld with their reason.
#[derive(Debug, Default)]
pub struct Publication {
    pub published: Vec<Arc<Writeup>>,
    pub withheld: Vec<(Arc<Writeup>, Withheld)>,
}

/// Publishes only approved writeups at or below `max_tlp`.
pub fn decide(writeups: Vec<Arc<Writeup>>, max_tlp: Tlp) -> Publication {
    let mut publication = Publication::default();
    for w in writeups {
        match reason_to_withhold(&w, max_tlp) {
            None => publication.published.push(w),
            Some(reason) => publication.withheld.push((w, reason)),
        }
    }
    publication
}

fn reason_to_withhold(w: &Writeup, max_tlp: Tlp) -> Option<Withheld> {
    if w.status != Status::Approved {
        Some(Withheld::Status(w.status))
    } else if w.tlp > max_tlp {
        Some(Withheld::AboveTlp(w.tlp))
    } else {
        None
    }
}

impl Publication {
    /// One line for the terminal: "published 24 writeups; withheld 5 (2 draft, 1 in review, …)".
    pub fn summary(&self, max_tlp: Tlp) -> String {
        let published = format!(
            "published {} writeup{} (up to {})",
            self.published.len(),
            plural(self.published.len()),
            max_tlp.label()
        );
        if self.withheld.is_empty() {
            return format!("{published}; withheld none");
        }
        let mut reasons: Vec<Withheld> = self.withheld.iter().map(|(_, r)| *r).collect();
        reasons.sort();
        let mut parts: Vec<String> = Vec::new();
        for reason in &reasons {
            let n = reasons.iter().filter(|r| *r == reason).count();
            let part = format!("{n} {reason}");
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        format!("{published}; withheld {}: {}", self.withheld.len(), parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, Severity, StoppedBy};

    fn w(id: &str, status: Status, tlp: Tlp) -> Arc<Writeup> {
        let d = "2025-01-01".parse().unwrap();
        Arc::new(Writeup {
            source: format!("{id}.md").into(),
            id: id.into(),
            id_span: Default::default(),
            title: id.into(),
            status,
            tlp,
            occurred: d,
            detected: None,
            reported: d,
            reviewed: Some(d),
            retrospective: None,
            patterns: vec![("p".into(), Default::default())],
            severity: Severity::Low,
            stopped_by: StoppedBy::Luck,
            detection: None,
            impact_area: vec![],
            roles: vec![],
            systems: vec![],
            team: None,
            tags: vec![],
            actions: vec![],
            allow: vec![],
            body: Body::new(String::new(), 1),
            front_stamp: 0,
            origin: None,
        })
    }

    #[test]
    fn only_approved_writeups_within_the_tlp_limit_are_published() {
        let all = vec![
            w("a", Status::Approved, Tlp::Clear),
            w("b", Status::Approved, Tlp::Green),
            w("c", Status::Approved, Tlp::Amber),
            w("d", Status::Draft, Tlp::Clear),
            w("e", Status::Review, Tlp::Clear),
            w("f", Status::Retracted, Tlp::Clear),
            w("g", Status::Approved, Tlp::AmberStrict),
        ];
        let p = decide(all, Tlp::Green);
        let ids: Vec<_> = p.published.iter().map(|w| &*w.id).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(
            p.summary(Tlp::Green),
            "published 2 writeups (up to TLP:GREEN); withheld 5: 1 draft, 1 in review, 1 retracted, \
             1 TLP:AMBER above the site's limit, 1 TLP:AMBER+STRICT above the site's limit"
        );
    }

    #[test]
    fn the_default_limit_is_clear() {
        let p = decide(vec![w("a", Status::Approved, Tlp::Green)], Tlp::Clear);
        assert!(p.published.is_empty());
    }
}
