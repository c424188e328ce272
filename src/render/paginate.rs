//! Long lists of writeups (a tag's, a pattern's, the near misses behind a KRI) split into pages
//! of [`PAGE_SIZE`], so that a page's size, and the site's size per writeup, stay bounded
//! however many writeups share a tag. The first page keeps the list's own URL; page `n` of
//! `tags/dns.html` is `tags/dns/n.html`. Pages link each other with `rel=prev` and `rel=next`.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;
use tera::Context;

use super::view::WriteupCard;

/// Writeups a list page shows.
pub const PAGE_SIZE: usize = 100;
/// Page links shown on each side of the current page (besides the first and the last).
const AROUND: usize = 2;

/// Where a page is in its list, for the templates (URLs from the site root).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pager {
    /// This page's number, from 1.
    pub number: usize,
    pub pages: usize,
    /// Items in the whole list.
    pub total: usize,
    /// The positions (from 1) of the first and last item shown.
    pub from: usize,
    pub to: usize,
    /// The list's first page: the URL it always had.
    pub first: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The page links to show, in order; `None` stands for a gap.
    pub links: Vec<Option<PageLink>>,
}

/// A link to one page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// What a later page says about its list.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// The list's name, as its first page's heading has it: `Tagged “dns”`.
    pub name: String,
    /// What the writeups have in common, after "Writeups 101–200 of 900": `tagged dns`.
    pub what: String,
    /// The section the list belongs to, and its index page.
    pub section: &'static str,
    pub section_url: &'static str,
}

/// The title and the context of page `number` (from 2) of `listing`, whose first page is
/// `first`, with its share of `cards`; `None` past the last page.
pub fn later_page(
    listing: Listing,
    first: &str,
    cards: &[&Arc<WriteupCard>],
    number: usize,
) -> Option<(String, Context)> {
    let pager = pager(first, cards.len(), number).filter(|p| p.number > 1)?;
    let mut ctx = Context::new();
    let title = format!("{}, page {} of {}", listing.name, pager.number, pager.pages);
    ctx.insert("writeups", &cards[range(cards.len(), number)]);
    ctx.insert("pager", &pager);
    ctx.insert("listing", &listing);
    Some((title, ctx))
}

/// How many pages a list of `items` takes: at least one, so an empty list has its page.
pub fn page_count(items: usize) -> usize {
    items.div_ceil(PAGE_SIZE).max(1)
}

/// The URL of page `number` of the list whose first page is `first` (`tags/dns.html`).
pub fn page_url(first: &str, number: usize) -> String {
    if number <= 1 {
        return first.to_string();
    }
    let stem = first.strip_suffix(".html").unwrap_or(first);
    format!("{stem}/{number}.html")
}

/// The URLs of every page but the first, of a list of `items` whose first page is `first`.
pub fn later_pages(first: &str, items: usize) -> impl Iterator<Item = (usize, String)> + '_ {
    (2..=page_count(items)).map(move |n| (n, page_url(first, n)))
}

/// The first page and page number of `path` when it is a later page (`tags/dns/3.html`).
pub fn parse_later(path: &str) -> Option<(String, usize)> {
    let stem = path.strip_suffix(".html")?;
    let (list, number) = stem.rsplit_once('/')?;
    let number: usize = number.parse().ok().filter(|n| *n >= 2)?;
    // `tags/dns/03.html` is no page: only the canonical spelling of a number is.
    (number.to_string() == stem[list.len() + 1..]).then(|| (format!("{list}.html"), number))
}

/// Page `number` of a list of `items` whose first page is `first`; `None` past the last page.
pub fn pager(first: &str, items: usize, number: usize) -> Option<Pager> {
    let pages = page_count(items);
    if number == 0 || number > pages {
        return None;
    }
    let shown = range(items, number);
    let link = |n: usize| PageLink { number: n, url: page_url(first, n), current: n == number };
    let mut links = Vec::new();
    let mut last = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(number) <= AROUND {
            if n > last + 1 {
                links.push(None);
            }
            links.push(Some(link(n)));
            last = n;
        }
    }
    Some(Pager {
        number,
        pages,
        total: items,
        from: if items == 0 { 0 } else { shown.start + 1 },
        to: shown.end,
        first: first.to_string(),
        prev: (number > 1).then(|| page_url(first, number - 1)),
        next: (number < pages).then(|| page_url(first, number + 1)),
        links,
    })
}

/// The positions of the items page `number` shows (empty past the end).
pub fn range(items: usize, number: usize) -> Range<usize> {
    let start = (number.max(1) - 1).saturating_mul(PAGE_SIZE).min(items);
    start..(start + PAGE_SIZE).min(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_page_keeps_the_lists_url() {
        assert_eq!(page_url("tags/dns.html", 1), "tags/dns.html");
        assert_eq!(page_url("tags/dns.html", 2), "tags/dns/2.html");
        assert_eq!(page_url("kri/mttd.html", 12), "kri/mttd/12.html");
    }

    #[test]
    fn later_pages_are_parsed_back_and_nothing_else_is() {
        assert_eq!(parse_later("tags/dns/2.html"), Some(("tags/dns.html".into(), 2)));
        assert_eq!(parse_later("patterns/stale-access/17.html"), Some(("patterns/stale-access.html".into(), 17)));
        for not_a_page in ["tags/dns.html", "tags/dns/1.html", "tags/dns/0.html", "tags/dns/02.html", "tags/dns/x.html"]
        {
            assert_eq!(parse_later(not_a_page), None, "{not_a_page}");
        }
    }

    #[test]
    fn pages_hold_a_fixed_number_of_items() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(PAGE_SIZE), 1);
        assert_eq!(page_count(PAGE_SIZE + 1), 2);
        assert_eq!(range(250, 1), 0..100);
        assert_eq!(range(250, 3), 200..250);
        assert_eq!(range(250, 4), 250..250);
        let all: Vec<usize> = (1..=page_count(250)).flat_map(|n| range(250, n)).collect();
        assert_eq!(all, (0..250).collect::<Vec<_>>(), "every item on exactly one page, in order");
        assert_eq!(
            later_pages("tags/dns.html", 250).collect::<Vec<_>>(),
            [(2, "tags/dns/2.html".to_string()), (3, "tags/dns/3.html".to_string())]
        );
    }

    #[test]
    fn a_pager_links_its_neighbours_and_the_ends() {
        let p = pager("tags/dns.html", 1_000, 5).unwrap();
        assert_eq!((p.number, p.pages, p.from, p.to), (5, 10, 401, 500));
        assert_eq!(p.prev.as_deref(), Some("tags/dns/4.html"));
        assert_eq!(p.next.as_deref(), Some("tags/dns/6.html"));
        let shown: Vec<Option<usize>> = p.links.iter().map(|l| l.as_ref().map(|l| l.number)).collect();
        assert_eq!(shown, [Some(1), None, Some(3), Some(4), Some(5), Some(6), Some(7), None, Some(10)]);
        assert!(p.links.iter().flatten().filter(|l| l.current).all(|l| l.number == 5));

        let first = pager("tags/dns.html", 1_000, 1).unwrap();
        assert_eq!((first.prev, first.next.as_deref()), (None, Some("tags/dns/2.html")));
        let last = pager("tags/dns.html", 1_000, 10).unwrap();
        assert_eq!((last.prev.as_deref(), last.next), (Some("tags/dns/9.html"), None));
        assert_eq!(pager("tags/dns.html", 1_000, 11), None);
        assert_eq!(pager("tags/dns.html", 1_000, 0), None);
        let empty = pager("tags/dns.html", 0, 1).unwrap();
        assert_eq!((empty.pages, empty.from, empty.to), (1, 0, 0));
    }
}
