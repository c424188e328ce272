//! Exact figures: every KRI value is a whole number of tenths, so counts, day medians and
//! percentages to one decimal need no floating point, never print `NaN` and always round alike.

use std::fmt;

/// A figure in tenths of its unit (`125` is 12.5); "no data" is `Option::None`, never a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tenths(i64);

impl Tenths {
    /// A whole number of units.
    pub fn whole(n: i64) -> Tenths {
        Tenths(n * 10)
    }

    /// From a raw number of tenths.
    pub fn from_tenths(tenths: i64) -> Tenths {
        Tenths(tenths)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    /// The value as a float, for drawing and JSON; exact to one decimal.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }

    /// `self − other`, for the change from one period to the next.
    pub fn minus(self, other: Tenths) -> Tenths {
        Tenths(self.0 - other.0)
    }

    /// `numerator / denominator` as a percentage to one decimal, half up; `None` when the
    /// denominator is zero.
    pub fn percent(numerator: usize, denominator: usize) -> Option<Tenths> {
        ratio(numerator as i64 * 1000, denominator as i64).map(Tenths)
    }

    /// The mean of `values` to one decimal, half up; `None` for no values.
    pub fn mean(values: &[i64]) -> Option<Tenths> {
        ratio(values.iter().sum::<i64>() * 10, values.len() as i64).map(Tenths)
    }

    /// The median of `values`: the middle one, or the mean of the two middle ones for an even count.
    pub fn median(values: &[i64]) -> Option<Tenths> {
        let sorted = sorted(values);
        let n = sorted.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(Tenths::whole(sorted[n / 2])),
            _ => Some(Tenths((sorted[n / 2 - 1] + sorted[n / 2]) * 5)),
        }
    }

    /// The 90th percentile of `values` by nearest rank: the ⌈0.9·n⌉-th smallest.
    pub fn p90(values: &[i64]) -> Option<Tenths> {
        let sorted = sorted(values);
        let rank = (9 * sorted.len()).div_ceil(10);
        rank.checked_sub(1).map(|i| Tenths::whole(sorted[i]))
    }
}

fn sorted(values: &[i64]) -> Vec<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    v
}

/// `numerator / denominator` rounded half up (towards +∞ at exactly .5); `None` for a zero denominator.
fn ratio(numerator: i64, denominator: i64) -> Option<i64> {
    (denominator != 0).then(|| (2 * numerator + denominator).div_euclid(2 * denominator))
}

/// One decimal, always: `12.5`, `3.0`, `-0.5`.
impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{}", self.0.abs() / 10, self.0.abs() % 10)
    }
}

/// What a KRI's value counts, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Near misses or action items: whole numbers.
    Count,
    /// A share of a whole, to one decimal.
    Percent,
    /// A duration in days, to one decimal.
    Days,
    /// A weighted sum: whole numbers.
    Score,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "percent",
            Unit::Days => "days",
            Unit::Score => "score",
        }
    }

    /// Whether the value depends on how many near misses there are; such values cannot be
    /// judged against thresholds set for another scope (a pattern rather than the whole site).
    pub fn is_scale_free(self) -> bool {
        matches!(self, Unit::Percent | Unit::Days)
    }

    /// The number alone, as exports write it: `3`, `12.5`.
    pub fn number(self, v: Tenths) -> String {
        match self {
            Unit::Count | Unit::Score => (v.0.div_euclid(10)).to_string(),
            Unit::Percent | Unit::Days => v.to_string(),
        }
    }

    /// The value with its unit, as pages write it: `3`, `12.5%`, `2.0 days`.
    pub fn format(self, v: Tenths) -> String {
        match self {
            Unit::Count | Unit::Score => self.number(v),
            Unit::Percent => format!("{v}%"),
            Unit::Days if v == Tenths::whole(1) => "1.0 day".to_string(),
            Unit::Days => format!("{v} days"),
        }
    }

    /// A change between two values, signed: `+2`, `−5.0 points`, `+1.5 days`, `no change`.
    pub fn format_change(self, delta: Tenths) -> String {
        if delta.0 == 0 {
            return "no change".to_string();
        }
        let sign = if delta.0 > 0 { "+" } else { "−" };
        let size = Tenths(delta.0.abs());
        match self {
            Unit::Count | Unit::Score => format!("{sign}{}", self.number(size)),
            Unit::Percent => format!("{sign}{size} points"),
            Unit::Days => format!("{sign}{}", self.format(size)),
        }
    }

    /// The axis title of a chart of this unit.
    pub fn axis(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "percent",
            Unit::Days => "days",
            Unit::Score => "weighted score",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tenths: i64) -> Option<Tenths> {
        Some(Tenths(tenths))
    }

    #[test]
    fn percentages_round_half_up_to_one_decimal() {
        assert_eq!(Tenths::percent(1, 3), t(333));
        assert_eq!(Tenths::percent(2, 3), t(667));
        // 1/8 = 12.5% exactly; 1/16 = 6.25% rounds up to 6.3%; 1/80 = 1.25% to 1.3%.
        assert_eq!(Tenths::percent(1, 8), t(125));
        assert_eq!(Tenths::percent(1, 16), t(63));
        assert_eq!(Tenths::percent(1, 80), t(13));
        assert_eq!(Tenths::percent(0, 5), t(0));
        assert_eq!(Tenths::percent(5, 5), t(1000));
        assert_eq!(Tenths::percent(0, 0), None);
    }

    #[test]
    fn medians_take_the_mean_of_the_middle_pair() {
        assert_eq!(Tenths::median(&[]), None);
        assert_eq!(Tenths::median(&[7]), t(70));
        assert_eq!(Tenths::median(&[9, 1, 4]), t(40));
        assert_eq!(Tenths::median(&[1, 2, 4, 9]), t(30));
        assert_eq!(Tenths::median(&[1, 2]), t(15));
    }

    #[test]
    fn p90_is_the_nearest_rank() {
        assert_eq!(Tenths::p90(&[]), None);
        assert_eq!(Tenths::p90(&[5]), t(50));
        // n = 10: rank 9; n = 11: rank ⌈9.9⌉ = 10; n = 2: rank ⌈1.8⌉ = 2.
        assert_eq!(Tenths::p90(&[10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), t(90));
        assert_eq!(Tenths::p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), t(100));
        assert_eq!(Tenths::p90(&[3, 1]), t(30));
    }

    #[test]
    fn means_round_half_up() {
        assert_eq!(Tenths::mean(&[]), None);
        assert_eq!(Tenths::mean(&[1, 2]), t(15));
        assert_eq!(Tenths::mean(&[0, 0, 1]), t(3));
        assert_eq!(Tenths::mean(&[1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), t(1));
    }

    #[test]
    fn units_write_values_and_changes() {
        assert_eq!(Unit::Count.format(Tenths::whole(3)), "3");
        assert_eq!(Unit::Percent.format(Tenths(333)), "33.3%");
        assert_eq!(Unit::Days.format(Tenths(25)), "2.5 days");
        assert_eq!(Unit::Days.format(Tenths(10)), "1.0 day");
        assert_eq!(Unit::Percent.number(Tenths(0)), "0.0");
        assert_eq!(Unit::Count.format_change(Tenths(-20)), "−2");
        assert_eq!(Unit::Percent.format_change(Tenths(55)), "+5.5 points");
        assert_eq!(Unit::Days.format_change(Tenths(-5)), "−0.5 days");
        assert_eq!(Unit::Score.format_change(Tenths(0)), "no change");
        assert_eq!(Tenths(-5).to_string(), "-0.5");
    }
}
