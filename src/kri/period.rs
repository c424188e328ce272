//! Calendar months and quarters, the periods KRIs are measured over.

use std::fmt;

use crate::date::Date;
use crate::model::Keyword;

/// How long a KRI's period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    Month,
    Quarter,
}

impl Keyword for PeriodKind {
    const ALL: &'static [(&'static str, Self)] = &[("month", PeriodKind::Month), ("quarter", PeriodKind::Quarter)];
}

impl PeriodKind {
    /// Months in one period.
    fn months(self) -> u8 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
        }
    }
}

/// One calendar month or quarter; only made from a date inside it, so it is always valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    kind: PeriodKind,
    year: i32,
    /// The month (1–12) or the quarter (1–4).
    index: u8,
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl Period {
    /// The period of `kind` that `date` falls in.
    pub fn containing(kind: PeriodKind, date: Date) -> Period {
        let index = match kind {
            PeriodKind::Month => date.month(),
            PeriodKind::Quarter => date.quarter(),
        };
        Period { kind, year: date.year(), index }
    }

    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    /// The first day.
    pub fn start(self) -> Date {
        let month = (self.index - 1) * self.kind.months() + 1;
        Date::new(self.year, u32::from(month), 1).expect("the first day of a month exists")
    }

    /// The last day.
    pub fn end(self) -> Date {
        Date::from_days_since_epoch(self.next().start().days_since_epoch() - 1)
    }

    pub fn contains(self, date: Date) -> bool {
        Period::containing(self.kind, date) == self
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        let last = 12 / self.kind.months();
        match self.index {
            i if i == last => Period { year: self.year + 1, index: 1, ..self },
            i => Period { index: i + 1, ..self },
        }
    }

    /// Every period from `first` to `last`, both included.
    pub fn range(first: Period, last: Period) -> Vec<Period> {
        let mut out = Vec::new();
        let mut p = first;
        while p <= last {
            out.push(p);
            p = p.next();
        }
        out
    }

    /// A stable identifier for exports and ids: `2025-03` or `2025-Q1`.
    pub fn id(self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}-{:02}", self.year, self.index),
            PeriodKind::Quarter => format!("{}-Q{}", self.year, self.index),
        }
    }

    /// A short axis label: `Mar` or `Q1` (the year is shown separately).
    pub fn short(self) -> String {
        match self.kind {
            PeriodKind::Month => MONTHS[usize::from(self.index - 1)].to_string(),
            PeriodKind::Quarter => format!("Q{}", self.index),
        }
    }

    /// Whether this is the first period of its year, where charts print the year.
    pub fn starts_year(self) -> bool {
        self.index == 1
    }

    pub fn year(self) -> i32 {
        self.year
    }
}

/// The label pages show: `Mar 2025` or `2025 Q1` (as pattern timelines write quarters).
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{} {}", self.short(), self.year),
            PeriodKind::Quarter => write!(f, "{} Q{}", self.year, self.index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn months_and_quarters_have_their_first_and_last_days() {
        let feb = Period::containing(PeriodKind::Month, d("2024-02-29"));
        assert_eq!((feb.start(), feb.end()), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!(feb.id(), "2024-02");
        assert_eq!(feb.to_string(), "Feb 2024");
        let q4 = Period::containing(PeriodKind::Quarter, d("2025-12-31"));
        assert_eq!((q4.start(), q4.end()), (d("2025-10-01"), d("2025-12-31")));
        assert_eq!(q4.id(), "2025-Q4");
        assert_eq!(q4.to_string(), "2025 Q4");
        assert_eq!(q4.next().id(), "2026-Q1");
        assert!(q4.contains(d("2025-10-01")) && !q4.contains(d("2026-01-01")));
    }

    #[test]
    fn ranges_cross_years() {
        let first = Period::containing(PeriodKind::Month, d("2025-11-30"));
        let last = Period::containing(PeriodKind::Month, d("2026-02-01"));
        let ids: Vec<_> = Period::range(first, last).into_iter().map(Period::id).collect();
        assert_eq!(ids, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert!(Period::range(last, first).is_empty());
    }
}
