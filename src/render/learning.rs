//! The pages of the learning loop: each role's page, the periodic digests and their Atom feed,
//! and the two long lists people work from (the writeups index and the action tracker), each
//! split into pages a phone can hold, with the rows as JSON chunks the filters read.

use std::collections::BTreeMap;
use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;
use tera::Context;

use super::view::{ActionRow, PatternRef, WriteupCard};
use super::{paginate, Page, Site};
use crate::date::Date;
use crate::kri::metric::closed_by;
use crate::kri::period::Period;
use crate::kri::ActionStatus;
use crate::model::{Action, ActionState, Keyword, Severity, Writeup};
use crate::roles::Role;
use crate::Error;

/// Rows in one JSON chunk the filters load.
pub const CHUNK_SIZE: usize = 5000;
/// How many near misses and actions a role's page lists before pointing at the filtered lists.
const ROLE_LIST: usize = 50;
/// How many patterns a role's page names.
const ROLE_PATTERNS: usize = 5;
/// How many items each of a digest's lists shows at most: a period of thousands of near misses
/// still prints in a few pages.
const DIGEST_LIST: usize = 50;
/// How long a lesson a digest quotes, in characters.
const LESSON_CHARS: usize = 280;
/// The section a digest quotes the lesson from.
const LESSON: &str = "What we learned";

/// Which file of this module a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Learning {
    Roles,
    Role(usize),
    Digests,
    Digest(Period),
    DigestFeed,
    /// Page `n` (from 1) of the writeups index.
    WriteupsPage(usize),
    /// Chunk `n` (from 1) of the writeup rows.
    WriteupsChunk(usize),
    ActionsPage(usize),
    ActionsChunk(usize),
}

/// The first pages of the two long lists.
const WRITEUPS: &str = "writeups/index.html";
const ACTIONS: &str = "actions/index.html";

/// The JSON chunks (at least one) that hold the `rows` rows of the list in `dir`, for the filters.
fn chunks(dir: &str, rows: usize) -> impl Iterator<Item = (usize, String)> + '_ {
    (1..=rows.div_ceil(CHUNK_SIZE).max(1)).map(move |n| (n, format!("{dir}/rows-{n}.json")))
}

/// Every period of `kind` from the first near miss to the as-of date, oldest first.
fn digest_periods(site: &Site) -> Vec<Period> {
    let kind = site.facts.config.digest;
    let as_of = site.facts.as_of;
    let first = site.model.writeups.iter().map(|w| w.occurred).filter(|d| *d <= as_of).min();
    match first {
        Some(first) => Period::range(Period::containing(kind, first), Period::containing(kind, as_of)),
        None => Vec::new(),
    }
}

fn digest_path(p: Period) -> String {
    format!("digest/{}.html", p.id())
}

impl Site {
    /// Every file of this module, by path.
    pub(super) fn learning_paths(&self) -> Vec<(String, Page)> {
        let mut out = vec![("roles/index.html".to_string(), Page::Learning(Learning::Roles))];
        out.extend(
            self.facts.config.roles.iter().enumerate().map(|(i, r)| (r.url(), Page::Learning(Learning::Role(i)))),
        );
        let periods = digest_periods(self);
        out.push(("digest/index.html".into(), Page::Learning(Learning::Digests)));
        out.extend(periods.iter().map(|p| (digest_path(*p), Page::Learning(Learning::Digest(*p)))));
        if self.facts.config.has_absolute_base_url() {
            out.push(("digest.xml".into(), Page::Learning(Learning::DigestFeed)));
        }
        let writeups = self.model.writeups.len();
        out.extend(
            paginate::later_pages(WRITEUPS, writeups)
                .map(|(n, path)| (path, Page::Learning(Learning::WriteupsPage(n)))),
        );
        out.extend(chunks("writeups", writeups).map(|(n, path)| (path, Page::Learning(Learning::WriteupsChunk(n)))));
        let actions = self.facts.publication.published.iter().map(|w| w.actions.len()).sum();
        out.push((ACTIONS.to_string(), Page::Learning(Learning::ActionsPage(1))));
        out.extend(
            paginate::later_pages(ACTIONS, actions).map(|(n, path)| (path, Page::Learning(Learning::ActionsPage(n)))),
        );
        out.extend(chunks("actions", actions).map(|(n, path)| (path, Page::Learning(Learning::ActionsChunk(n)))));
        out
    }

    /// The pages of this module the sitemap lists.
    pub(super) fn learning_sitemap(&self) -> Vec<String> {
        let mut out = vec!["roles/index.html".to_string(), "digest/index.html".into()];
        out.extend(self.facts.config.roles.iter().map(Role::url));
        out.extend(digest_periods(self).into_iter().map(digest_path));
        out
    }

    /// The home page's strip: KRIs red and amber, overdue actions, the luck share, the latest digest.
    pub(super) fn headline(&self) -> Headline {
        let kris = &self.facts.indicators.site;
        let status = |rag| kris.iter().filter(|s| s.rated && s.headline().status == Some(rag)).count();
        let published = &self.facts.publication.published;
        let luck = published.iter().filter(|w| w.stopped_by == crate::model::StoppedBy::Luck).count();
        let as_of = self.facts.as_of;
        Headline {
            red: status(crate::kri::def::Rag::Red),
            amber: status(crate::kri::def::Rag::Amber),
            overdue: published.iter().flat_map(|w| &w.actions).filter(|a| a.is_overdue(as_of)).count(),
            luck,
            luck_percent: (!published.is_empty()).then(|| (luck * 1000 / published.len() + 5) / 10),
            digest: self.latest_digest(),
        }
    }

    /// The latest digest, for the home page.
    pub(super) fn latest_digest(&self) -> Option<DigestLink> {
        digest_periods(self).last().map(|p| self.digest_link(*p))
    }

    fn digest_link(&self, p: Period) -> DigestLink {
        DigestLink { id: p.id(), label: p.to_string(), url: digest_path(p), complete: p.end() <= self.facts.as_of }
    }

    pub(super) fn learning_page(&self, path: &str, which: &Learning) -> Result<Vec<u8>, Error> {
        let mut ctx = Context::new();
        ctx.insert("as_of", &self.facts.as_of);
        match which {
            Learning::Roles => {
                let roles: Vec<RoleSummary> = self.facts.config.roles.iter().map(|r| self.role_summary(r)).collect();
                ctx.insert("roles", &roles);
                let description = "The roles people take in a near miss, what each does, and what each owns.";
                self.page(path, "roles", "Roles", description, "roles.html", ctx)
            }
            Learning::Role(i) => {
                let role = &self.facts.config.roles[*i];
                let summary = self.role_summary(role);
                let (open, overdue) = self.open_actions_of(&role.slug, ROLE_LIST);
                let writeups: Vec<&Arc<WriteupCard>> = self
                    .role_writeups(&role.slug)
                    .into_iter()
                    .take(ROLE_LIST)
                    .map(|i| &self.model.writeups[i])
                    .collect();
                ctx.insert("role", &summary);
                ctx.insert("writeups", &writeups);
                ctx.insert("overdue_actions", &overdue);
                ctx.insert("open_actions", &open);
                ctx.insert("list_limit", &ROLE_LIST);
                let description = format!("What the {} role does in a near miss, and what it owns.", role.name);
                self.page(path, "role", &role.name, &description, "role.html", ctx)
            }
            Learning::Digests => {
                let mut digests: Vec<DigestLink> =
                    digest_periods(self).into_iter().map(|p| self.digest_link(p)).collect();
                digests.reverse();
                ctx.insert("digests", &digests);
                let description = "Every digest of the knowledge base, newest first: what each period taught.";
                self.page(path, "digests", "Digests", description, "digests.html", ctx)
            }
            Learning::Digest(p) => {
                let digest = self.digest(*p)?;
                let title = format!("Digest {p}");
                let description = digest.headline.clone();
                ctx.insert("digest", &digest);
                self.page(path, "digest", &title, &description, "digest.html", ctx)
            }
            Learning::DigestFeed => {
                // Each digest only as its entry, from what it counts: its lists together would hold
                // every near miss and every overdue action once per period.
                let mut entries: Vec<DigestEntry> =
                    digest_periods(self).into_iter().map(|p| self.digest_entry(p, self.tally(p))).collect();
                entries.reverse();
                ctx.insert("updated", &entries.first().map_or(self.facts.as_of, |d| d.updated));
                ctx.insert("entries", &entries);
                let title = format!("{}: digests", self.facts.config.title);
                self.page(path, "digest-feed", &title, &self.facts.config.description, "digest.xml", ctx)
            }
            Learning::WriteupsPage(n) => self.writeups_page(path, *n),
            Learning::WriteupsChunk(n) => {
                let rows: Vec<WriteupFilterRow> = self
                    .model
                    .writeups
                    .iter()
                    .enumerate()
                    .skip((n - 1) * CHUNK_SIZE)
                    .take(CHUNK_SIZE)
                    .map(|(i, card)| self.writeup_filter_row(i, card))
                    .collect();
                json(&rows)
            }
            Learning::ActionsPage(n) => self.actions_page(path, *n),
            Learning::ActionsChunk(n) => {
                let items = &self.tracker().items;
                let rows: Vec<ActionFilterRow> = items
                    .iter()
                    .skip((n - 1) * CHUNK_SIZE)
                    .take(CHUNK_SIZE)
                    .map(|&item| ActionFilterRow::new(&self.action_row(item)))
                    .collect();
                json(&rows)
            }
        }
    }

    /// Page `n` of the writeups index: newest first, with the filters' form and chunks.
    pub(super) fn writeups_page(&self, path: &str, n: usize) -> Result<Vec<u8>, Error> {
        let m = &self.model;
        let mut ctx = Context::new();
        let Some(pager) = paginate::pager(WRITEUPS, m.writeups.len(), n) else { return Ok(Vec::new()) };
        let cards: Vec<&Arc<WriteupCard>> = m.writeups[paginate::range(m.writeups.len(), n)].iter().collect();
        let mut years: Vec<super::view::YearView> = Vec::new();
        for w in &cards {
            match years.last_mut() {
                Some(y) if y.year == w.year => y.writeups.push(w),
                _ => years.push(super::view::YearView { year: w.year, writeups: vec![w] }),
            }
        }
        ctx.insert("years", &years);
        ctx.insert("pager", &pager);
        ctx.insert("chunks", &chunks("writeups", m.writeups.len()).map(|(_, path)| path).collect::<Vec<_>>());
        ctx.insert("filters", &self.filter_options());
        let description = format!("All {} published near-miss writeups, newest first.", m.writeups.len());
        let title = if n == 1 { "Writeups".to_string() } else { format!("Writeups, page {n}") };
        self.page(path, "writeups", &title, &description, "writeups.html", ctx)
    }

    /// Page `n` of the tracker: the rows in tracker order (overdue, in progress, open, then
    /// done and won't do), grouped by status, with the closed ones folded away.
    fn actions_page(&self, path: &str, n: usize) -> Result<Vec<u8>, Error> {
        let tracker = self.tracker();
        let total = tracker.items.len();
        let Some(pager) = paginate::pager(ACTIONS, total, n) else { return Ok(Vec::new()) };
        let slice: Vec<ActionRow> =
            tracker.items[paginate::range(total, n)].iter().map(|&item| self.action_row(item)).collect();
        let groups: Vec<ActionGroup> = TRACKER_GROUPS
            .iter()
            .map(|(status, label, folded)| ActionGroup {
                status,
                label,
                folded: *folded,
                total: tracker.counts.get(status).copied().unwrap_or(0),
                rows: slice.iter().filter(|r| r.status == *status).collect(),
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("as_of", &self.facts.as_of);
        ctx.insert("groups", &groups);
        ctx.insert("late", &tracker.late);
        ctx.insert("total", &total);
        ctx.insert("pager", &pager);
        ctx.insert("chunks", &chunks("actions", total).map(|(_, path)| path).collect::<Vec<_>>());
        ctx.insert("filters", &self.filter_options());
        let description = "Every action item of the published near misses: overdue, in progress, open and done.";
        let title = if n == 1 { "Action items".to_string() } else { format!("Action items, page {n}") };
        self.page(path, "actions", &title, description, "actions.html", ctx)
    }

    /// The values the filters offer: every catalogue role, status, pattern and severity.
    fn filter_options(&self) -> FilterOptions {
        FilterOptions {
            roles: self.facts.config.roles.iter().map(|r| (r.slug.clone(), r.name.clone())).collect(),
            statuses: TRACKER_GROUPS.iter().map(|(s, l, _)| (s.to_string(), l.to_string())).collect(),
            patterns: {
                let mut p: Vec<(String, String)> = self
                    .model
                    .patterns
                    .iter()
                    .filter(|p| p.count > 0)
                    .map(|p| (p.slug.clone(), p.title.clone()))
                    .collect();
                p.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
                p
            },
            severities: Severity::ALL.iter().rev().map(|(w, _)| (w.to_string(), super::view::capitalise(w))).collect(),
        }
    }

    /// The tracker, made the first time one of its pages or chunks is rendered.
    fn tracker(&self) -> &Tracker {
        self.tracker.get_or_init(|| self.sorted_tracker())
    }

    /// Every action item of every published writeup in tracker order, with the counts.
    fn sorted_tracker(&self) -> Tracker {
        let f = &self.facts;
        let published = &f.publication.published;
        let items = published
            .iter()
            .enumerate()
            .flat_map(|(writeup, w)| (0..w.actions.len()).map(move |action| ActionItem { writeup, action }));
        let rank = |s: &str| TRACKER_GROUPS.iter().position(|(g, _, _)| *g == s).unwrap_or(TRACKER_GROUPS.len());
        let action = |item: &ActionItem| &published[item.writeup].actions[item.action];
        let order = |item: &ActionItem| {
            let a = action(item);
            (a.due, &*published[item.writeup].id, a.what.as_str())
        };
        // Each item's status is worked out once, for the sort and the counts alike.
        let mut ranked: Vec<(usize, ActionStatus, ActionItem)> = items
            .map(|item| {
                let status = ActionStatus::on(action(&item), f.as_of);
                (rank(status.word()), status, item)
            })
            .collect();
        ranked.sort_by(|(rank_a, a, item_a), (rank_b, b, item_b)| {
            rank_a.cmp(rank_b).then_with(|| match (a.closed(), b.closed()) {
                // Closed items: most recently closed first; the others: soonest due first.
                (Some(x), Some(y)) => y.cmp(&x).then_with(|| order(item_a).cmp(&order(item_b))),
                _ => order(item_a).cmp(&order(item_b)),
            })
        });
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut late = 0;
        for (_, status, item) in &ranked {
            *counts.entry(status.word()).or_default() += 1;
            late += usize::from(matches!(status, ActionStatus::Done { closed } if *closed > action(item).due));
        }
        let items = ranked.into_iter().map(|(_, _, item)| item).collect();
        Tracker { items, counts, late }
    }

    /// The tracker's row for `item`.
    fn action_row(&self, item: ActionItem) -> ActionRow {
        let f = &self.facts;
        let w = &f.publication.published[item.writeup];
        ActionRow::new(w, &w.actions[item.action], f.as_of, &f.config.roles)
    }

    /// The first `n` open action items `role` owns that are not yet due, and the first `n` that
    /// are overdue, in writeup order: rows are made for those shown only.
    fn open_actions_of(&self, role: &str, n: usize) -> (Vec<ActionRow>, Vec<ActionRow>) {
        let f = &self.facts;
        let (mut open, mut overdue) = (Vec::new(), Vec::new());
        for w in &f.publication.published {
            for a in w.actions.iter().filter(|a| a.owner_role == role) {
                let status = ActionStatus::on(a, f.as_of);
                let list = match status {
                    ActionStatus::Overdue => &mut overdue,
                    _ if status.closed().is_some() => continue,
                    _ => &mut open,
                };
                if list.len() < n {
                    list.push(ActionRow::new(w, a, f.as_of, &f.config.roles));
                }
            }
        }
        (open, overdue)
    }

    /// The cards (indexes, newest first) of the near misses `role` took part in or owns an action of.
    fn role_writeups(&self, role: &str) -> Vec<usize> {
        (0..self.model.writeups.len()).filter(|&i| involves(self.writeup(i), role)).collect()
    }

    fn writeup(&self, card: usize) -> &Writeup {
        &self.facts.publication.published[self.model.published[card]]
    }

    fn role_summary(&self, role: &Role) -> RoleSummary {
        let cards = self.role_writeups(&role.slug);
        let mut per_pattern: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in &cards {
            for p in &self.model.writeups[i].patterns {
                *per_pattern.entry(&p.slug).or_default() += 1;
            }
        }
        let mut patterns: Vec<(&str, usize)> = per_pattern.into_iter().collect();
        patterns.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let as_of = self.facts.as_of;
        let owned =
            self.facts.publication.published.iter().flat_map(|w| &w.actions).filter(|a| a.owner_role == role.slug);
        let (mut open, mut overdue) = (0, 0);
        for a in owned.filter(|a| closed_by(a, as_of).is_none()) {
            if a.due < as_of {
                overdue += 1;
            } else {
                open += 1;
            }
        }
        RoleSummary {
            slug: role.slug.clone(),
            name: role.name.clone(),
            description: role.description.clone(),
            url: role.url(),
            writeups: cards.len(),
            open,
            overdue,
            patterns: patterns
                .into_iter()
                .take(ROLE_PATTERNS)
                .map(|(slug, count)| PatternCount { pattern: self.pattern_ref(slug), count })
                .collect(),
        }
    }

    fn pattern_ref(&self, slug: &str) -> PatternRef {
        let p = self.model.patterns.iter().find(|p| p.slug == slug);
        PatternRef {
            slug: slug.to_string(),
            title: p.map_or_else(|| slug.to_string(), |p| p.title.clone()),
            url: p.map_or_else(String::new, |p| p.url.clone()),
        }
    }

    fn writeup_filter_row(&self, i: usize, card: &WriteupCard) -> WriteupFilterRow {
        let w = self.writeup(i);
        let as_of = self.facts.as_of;
        let mut roles: Vec<&str> =
            w.roles.iter().chain(w.actions.iter().map(|a| &a.owner_role)).map(String::as_str).collect();
        roles.sort_unstable();
        roles.dedup();
        let mut statuses: Vec<&str> = w.actions.iter().map(|a| ActionStatus::on(a, as_of).word()).collect();
        statuses.sort_unstable();
        statuses.dedup();
        WriteupFilterRow(
            card.id.clone(),
            card.title.clone(),
            card.url.clone(),
            card.occurred,
            card.severity,
            card.stopped_by_label,
            card.patterns.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>().join(" "),
            roles.join(" "),
            statuses.join(" "),
        )
    }

    /// The cards (newest first) of the near misses that occurred in `p` and were reported by the
    /// as-of date: those a digest of `p` lists.
    fn occurred_in(&self, p: Period) -> impl Iterator<Item = usize> + '_ {
        let cards = &self.model.writeups;
        (0..cards.len()).rev().filter(move |&i| p.contains(cards[i].occurred) && cards[i].reported <= self.facts.as_of)
    }

    /// The action items closed in `p` (as the as-of date has them), with their writeups.
    fn closed_in(&self, p: Period) -> impl Iterator<Item = (&Writeup, &Action)> + '_ {
        let as_of = self.facts.as_of;
        self.facts
            .publication
            .published
            .iter()
            .flat_map(|w| w.actions.iter().map(move |a| (&**w, a)))
            .filter(move |(_, a)| ActionStatus::on(a, as_of).closed().is_some_and(|d| p.contains(d)))
    }

    /// The action items of near misses reported by `end` that were past due and still open then.
    fn overdue_at(&self, end: Date) -> impl Iterator<Item = (&Writeup, &Action)> + '_ {
        self.facts
            .publication
            .published
            .iter()
            .filter(move |w| w.reported <= end)
            .flat_map(|w| w.actions.iter().map(move |a| (&**w, a)))
            .filter(move |(_, a)| closed_by(a, end).is_none() && a.due < end)
    }

    /// The digest of `p` as its feed lists it, from what it counts.
    fn digest_entry(&self, p: Period, tally: Tally) -> DigestEntry {
        let link = self.digest_link(p);
        let Tally { near_misses, closed, overdue } = tally;
        let headline = format!(
            "{}: {near_misses} near miss{}, {closed} action item{} closed, {overdue} still overdue.",
            link.label,
            if near_misses == 1 { "" } else { "es" },
            if closed == 1 { "" } else { "s" },
        );
        DigestEntry { link, updated: p.end().min(self.facts.as_of), headline }
    }

    /// What the digest of `p` counts, without making its lists.
    fn tally(&self, p: Period) -> Tally {
        Tally {
            near_misses: self.occurred_in(p).count(),
            closed: self.closed_in(p).count(),
            overdue: self.overdue_at(p.end().min(self.facts.as_of)).count(),
        }
    }

    /// The digest of period `p`.
    fn digest(&self, p: Period) -> Result<Digest, Error> {
        let as_of = self.facts.as_of;
        let end = p.end().min(as_of);
        let m = &self.model;
        // A period's lists stay a few pages long: past `DIGEST_LIST`, the most severe near
        // misses (in the order they occurred), the first closed and the longest overdue items.
        let mut chosen: Vec<usize> = self.occurred_in(p).collect();
        let near_misses_total = chosen.len();
        if chosen.len() > DIGEST_LIST {
            let mut by_severity: Vec<(usize, usize)> = chosen.iter().copied().enumerate().collect();
            by_severity.sort_by_key(|&(order, card)| (std::cmp::Reverse(self.writeup(card).severity), order));
            by_severity.truncate(DIGEST_LIST);
            by_severity.sort_unstable();
            chosen = by_severity.into_iter().map(|(_, card)| card).collect();
        }
        let near_misses: Vec<DigestItem> = chosen
            .into_iter()
            .map(|i| {
                let (card, w) = (&m.writeups[i], self.writeup(i));
                Ok(DigestItem {
                    card: Arc::clone(card),
                    stopped: match &w.detection {
                        Some(d) => format!("{}: {d}", card.stopped_by_label),
                        None => card.stopped_by_label.to_string(),
                    },
                    lesson: section_text(&w.body.markdown()?, LESSON, LESSON_CHARS),
                })
            })
            .collect::<Result<_, Error>>()?;
        let previous = Period::containing(p.kind(), Date::from_days_since_epoch(p.start().days_since_epoch() - 1));
        let count = |period: Period, slug: &str| {
            m.writeups
                .iter()
                .filter(|w| period.contains(w.occurred) && w.patterns.iter().any(|r| r.slug == slug))
                .count()
        };
        let mut patterns: Vec<PatternTrend> = m
            .patterns
            .iter()
            .filter_map(|pv| {
                let now = count(p, &pv.slug);
                let before = count(previous, &pv.slug);
                let first = m
                    .writeups
                    .iter()
                    .filter(|w| w.patterns.iter().any(|r| r.slug == pv.slug))
                    .map(|w| w.occurred)
                    .min()?;
                let new = p.contains(first);
                (now > 0 && (new || now > before)).then(|| PatternTrend {
                    pattern: self.pattern_ref(&pv.slug),
                    count: now,
                    previous: before,
                    new,
                })
            })
            .collect();
        patterns.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.pattern.title.cmp(&b.pattern.title)));
        let kris: Vec<KriChange> = self
            .facts
            .indicators
            .site
            .iter()
            .filter_map(|s| {
                // The status of the last complete KRI period ending by `day`.
                let status_at = |day: Date| s.points().iter().rev().find(|pt| pt.complete && pt.period.end() <= day);
                let now = status_at(p.end()).filter(|pt| p.contains(pt.period.end()))?.status?;
                let before = status_at(previous.end())?.status?;
                (now != before).then(|| KriChange {
                    name: s.def.name.clone(),
                    url: format!("kri/{}.html", s.def.slug),
                    from: before.as_str(),
                    from_label: before.label(),
                    to: now.as_str(),
                    to_label: now.label(),
                    worse: now > before,
                })
            })
            .collect();
        let roles = &self.facts.config.roles;
        let mut closed: Vec<(&Writeup, &Action)> = self.closed_in(p).collect();
        closed.sort_by(|(w, a), (v, b)| {
            (closed_by(a, as_of), &w.id, &a.what).cmp(&(closed_by(b, as_of), &v.id, &b.what))
        });
        let late_closed = closed.iter().filter(|(_, a)| a.is_late()).count();
        let mut overdue: Vec<(&Writeup, &Action)> = self.overdue_at(end).collect();
        overdue.sort_by(|(w, a), (v, b)| (a.due, &w.id, &a.what).cmp(&(b.due, &v.id, &b.what)));
        let tally = Tally { near_misses: near_misses_total, closed: closed.len(), overdue: overdue.len() };
        let entry = self.digest_entry(p, tally);
        Ok(Digest {
            updated: entry.updated,
            link: entry.link,
            headline: entry.headline,
            near_misses,
            patterns,
            kris,
            late_closed,
            closed: closed.iter().take(DIGEST_LIST).map(|(w, a)| ActionRow::new(w, a, as_of, roles)).collect(),
            overdue: overdue
                .iter()
                .take(DIGEST_LIST)
                .map(|(w, a)| DigestOverdue {
                    row: ActionRow::new(w, a, end, roles),
                    days: a.due.days_until(end),
                    in_progress: a.state == ActionState::InProgress,
                })
                .collect(),
            totals: tally,
        })
    }
}

/// Whether `role` took part in `w` or owns one of its actions.
fn involves(w: &Writeup, role: &str) -> bool {
    w.roles.iter().any(|r| r == role) || w.actions.iter().any(|a| a.owner_role == role)
}

/// An action item by its place: its writeup's in the published set, and its own in the writeup.
#[derive(Debug, Clone, Copy)]
pub(super) struct ActionItem {
    writeup: usize,
    action: usize,
}

/// The action tracker: every action item in tracker order (overdue, in progress, open, then done
/// and won't do), with the number of each status and of late completions. Its rows are made
/// only for the page or chunk being rendered, so that a large site's are never all held.
#[derive(Debug)]
pub(super) struct Tracker {
    items: Vec<ActionItem>,
    counts: BTreeMap<&'static str, usize>,
    late: usize,
}

/// The tracker's groups in order: status, heading, and whether it is folded away.
const TRACKER_GROUPS: [(&str, &str, bool); 5] = [
    ("overdue", "Overdue", false),
    ("in-progress", "In progress", false),
    ("open", "Open", false),
    ("done", "Done", true),
    ("wont-do", "Won’t do", true),
];

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::Theme(format!("filter rows: {e}")))
}

/// The first paragraph under the `## heading` section of `markdown` as plain text, at most
/// `max` characters (cut at a word, with an ellipsis).
pub fn section_text(markdown: &str, heading: &str, max: usize) -> Option<String> {
    let mut in_heading = false;
    let mut heading_text = String::new();
    let mut in_section = false;
    let mut in_paragraph = false;
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, .. }) => {
                if in_section {
                    break;
                }
                in_heading = true;
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                in_heading = false;
                in_section = heading_text.trim().eq_ignore_ascii_case(heading);
            }
            Event::Start(Tag::Paragraph) if in_section => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    heading_text.push_str(&t);
                } else if in_paragraph {
                    out.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak if in_paragraph => out.push(' '),
            _ => {}
        }
    }
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= max {
        return Some(text);
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head).trim_end_matches([',', ';', ':', '.']);
    Some(format!("{cut}…"))
}

/// The home page's headline strip.
#[derive(Debug, Serialize)]
pub(super) struct Headline {
    red: usize,
    amber: usize,
    overdue: usize,
    luck: usize,
    /// The share of published near misses stopped only by luck, rounded; `None` without any.
    luck_percent: Option<usize>,
    digest: Option<DigestLink>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct DigestLink {
    id: String,
    label: String,
    url: String,
    complete: bool,
}

#[derive(Debug, Serialize)]
struct Digest {
    link: DigestLink,
    /// The last day it covers so far: its end, or the as-of date while it is in progress.
    updated: Date,
    headline: String,
    near_misses: Vec<DigestItem>,
    patterns: Vec<PatternTrend>,
    kris: Vec<KriChange>,
    closed: Vec<ActionRow>,
    late_closed: usize,
    overdue: Vec<DigestOverdue>,
    /// How many each list has in all; past [`DIGEST_LIST`] it shows only some.
    totals: Tally,
}

/// A digest as its feed lists it.
#[derive(Debug, Serialize)]
struct DigestEntry {
    link: DigestLink,
    updated: Date,
    headline: String,
}

/// How many near misses, closed and overdue action items a digest counts.
#[derive(Debug, Clone, Copy, Serialize)]
struct Tally {
    near_misses: usize,
    closed: usize,
    overdue: usize,
}

#[derive(Debug, Serialize)]
struct DigestItem {
    card: Arc<WriteupCard>,
    /// What stopped it, with how it was detected when the writeup says.
    stopped: String,
    lesson: Option<String>,
}

#[derive(Debug, Serialize)]
struct PatternTrend {
    pattern: PatternRef,
    count: usize,
    previous: usize,
    /// Its first near miss ever is in this period.
    new: bool,
}

#[derive(Debug, Serialize)]
struct KriChange {
    name: String,
    url: String,
    from: &'static str,
    from_label: &'static str,
    to: &'static str,
    to_label: &'static str,
    worse: bool,
}

#[derive(Debug, Serialize)]
struct DigestOverdue {
    row: ActionRow,
    /// Days past due at the end of the period.
    days: i64,
    in_progress: bool,
}

#[derive(Debug, Serialize)]
struct RoleSummary {
    slug: String,
    name: String,
    description: String,
    url: String,
    /// Near misses it took part in or owns an action of.
    writeups: usize,
    open: usize,
    overdue: usize,
    patterns: Vec<PatternCount>,
}

#[derive(Debug, Serialize)]
struct PatternCount {
    pattern: PatternRef,
    count: usize,
}

#[derive(Debug, Serialize)]
struct ActionGroup<'a> {
    status: &'static str,
    label: &'static str,
    folded: bool,
    /// Rows of this status in the whole tracker (not only this page).
    total: usize,
    rows: Vec<&'a ActionRow>,
}

#[derive(Debug, Serialize)]
struct FilterOptions {
    roles: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    patterns: Vec<(String, String)>,
    severities: Vec<(String, String)>,
}

/// A writeup as the filters read it: id, title, url, occurred, severity, stopped-by label,
/// pattern slugs, roles (taking part or owning an action) and its actions' statuses, the lists
/// space-separated.
#[derive(Debug, Serialize)]
struct WriteupFilterRow(String, String, String, Date, &'static str, &'static str, String, String, String);

/// An action item as the filters read it: what, owner role, owner name, due, closed, status,
/// late, reason, writeup id, title and url, severity, pattern slugs (space-separated).
#[derive(Debug, Serialize)]
struct ActionFilterRow(
    String,
    String,
    String,
    Date,
    Option<Date>,
    &'static str,
    bool,
    Option<String>,
    String,
    String,
    String,
    &'static str,
    String,
);

impl ActionFilterRow {
    fn new(a: &ActionRow) -> ActionFilterRow {
        ActionFilterRow(
            a.what.clone(),
            a.owner_role.clone(),
            a.owner.name.clone(),
            a.due,
            a.closed,
            a.status,
            a.late,
            a.reason.clone(),
            a.writeup_id.clone(),
            a.writeup_title.clone(),
            a.writeup_url.clone(),
            a.severity,
            a.patterns.join(" "),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lesson_is_the_first_paragraph_of_its_section() {
        let md = "## What stopped it\n\nA check.\n\n## What we learned\n\nBackups are only\nreal once restored.\n\nMore.\n\n## Next\n\nX.\n";
        assert_eq!(section_text(md, LESSON, 100).as_deref(), Some("Backups are only real once restored."));
        assert_eq!(section_text(md, LESSON, 20).as_deref(), Some("Backups are only…"));
        assert_eq!(section_text("## Other\n\nx\n", LESSON, 100), None);
    }

    #[test]
    fn every_row_is_in_one_chunk() {
        let of = |rows| chunks("actions", rows).map(|(_, path)| path).collect::<Vec<_>>();
        assert_eq!(of(0), ["actions/rows-1.json"]);
        assert_eq!(of(CHUNK_SIZE), ["actions/rows-1.json"]);
        assert_eq!(of(CHUNK_SIZE + 1), ["actions/rows-1.json", "actions/rows-2.json"]);
    }
}
