//! Where each member of a federation stands: every KRI's headline value for this site's own
//! near misses and for each source's, with the sources' median and quartiles.

use std::sync::Arc;

use rayon::prelude::*;

use super::def::KriDef;
use super::value::Tenths;
use super::{series, Series};
use crate::date::Date;
use crate::model::{Member, Writeup};

/// One KRI across the federation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub def: KriDef,
    /// The headline period's id, e.g. `2026-Q3`.
    pub period: String,
    /// The site's own value, when it has near misses of its own.
    pub own: Option<Option<Tenths>>,
    /// Each source's value, in the order of `sources:`.
    pub members: Vec<(Arc<Member>, Option<Tenths>)>,
    /// The first quartile, the median and the third quartile of the sources' values.
    pub quartiles: Option<[Tenths; 3]>,
}

/// Every KRI's standing, or nothing when no writeup was imported. `members` lists the sources
/// in order; `published` holds the site's own writeups and every imported one.
pub fn standings(published: &[Arc<Writeup>], members: &[Arc<Member>], defs: &[KriDef], as_of: Date) -> Vec<Standing> {
    if members.is_empty() {
        return Vec::new();
    }
    let of = |member: Option<&Member>| -> Vec<Arc<Writeup>> {
        published.iter().filter(|w| w.origin.as_deref() == member).cloned().collect()
    };
    let own = of(None);
    let groups: Vec<Vec<Arc<Writeup>>> = members.iter().map(|m| of(Some(m))).collect();
    defs.par_iter()
        .map(|def| {
            let headline = |s: Series| (s.headline().period.id(), s.headline().measure.value);
            let own_value = (!own.is_empty()).then(|| headline(series(def, &own, as_of, true)));
            let values: Vec<(String, Option<Tenths>)> =
                groups.iter().map(|g| headline(series(def, g, as_of, true))).collect();
            let period = values.first().map(|(p, _)| p.clone()).unwrap_or_default();
            let known: Vec<Tenths> = values.iter().filter_map(|(_, v)| *v).collect();
            Standing {
                def: def.clone(),
                period,
                own: own_value.map(|(_, v)| v),
                members: members.iter().cloned().zip(values.into_iter().map(|(_, v)| v)).collect(),
                quartiles: quartiles(&known),
            }
        })
        .collect()
}

/// Q1, median and Q3 of `values`, interpolated between ranks (as spreadsheets' QUARTILE.INC),
/// rounded half up to a tenth; `None` for no values.
pub fn quartiles(values: &[Tenths]) -> Option<[Tenths; 3]> {
    let mut sorted: Vec<i64> = values.iter().map(|v| v.tenths()).collect();
    sorted.sort_unstable();
    let last = sorted.len().checked_sub(1)?;
    // The rank of quarter `q` is q·last/4: a whole part and a remainder in quarters.
    let at = |q: usize| {
        let (i, rem) = ((q * last) / 4, (q * last) % 4);
        let (lo, hi) = (sorted[i], sorted[(i + 1).min(last)]);
        // lo + (hi − lo)·rem/4, to the nearest tenth, half up.
        Tenths::from_tenths((lo * 4 + (hi - lo) * rem as i64 + 2).div_euclid(4))
    };
    Some([at(1), at(2), at(3)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(values: &[i64]) -> Vec<Tenths> {
        values.iter().map(|v| Tenths::from_tenths(*v)).collect()
    }

    #[test]
    fn quartiles_interpolate_between_ranks() {
        assert_eq!(quartiles(&[]), None);
        assert_eq!(quartiles(&t(&[50])), Some([Tenths::from_tenths(50); 3]));
        // 10, 20, 30, 40: Q1 = 17.5, median 25, Q3 = 32.5 (in tenths: 175 → rounded 175).
        let q = quartiles(&t(&[400, 100, 300, 200])).unwrap();
        assert_eq!(q.map(Tenths::tenths), [175, 250, 325]);
        let q = quartiles(&t(&[120, 210, 330])).unwrap();
        assert_eq!(q.map(Tenths::tenths), [165, 210, 270]);
    }
}
