//! The browser client, run under node on the built bundle, returns the same top ten documents
//! in the same order as tantivy, with scores within 1e-4, for a fixed set of queries over the
//! example content and over a generated corpus, and for every prefix of every word of them as
//! the search page sends it while the word is typed; and the same facet counts as tantivy's
//! totals with each value as its facet's filter.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use nearmiss::date::Date;
use nearmiss::load::ContentSource;
use nearmiss::search::{parse_filter, Facet, Index};
use nearmiss::site::{self, Options};
use serde_json::{json, Value};

use crate::common::{example_content, Fixture, AS_OF};
use crate::{corpus, js, node};

const TOLERANCE: f64 = 1e-4;

/// A query as the search page would send it: text, whether the last word is being typed, filters.
struct Case {
    query: Cow<'static, str>,
    prefix: bool,
    filters: &'static [&'static str],
}

const fn q(query: &'static str) -> Case {
    Case { query: Cow::Borrowed(query), prefix: false, filters: &[] }
}

const fn typing(query: &'static str) -> Case {
    Case { query: Cow::Borrowed(query), prefix: true, filters: &[] }
}

const fn filtered(query: &'static str, filters: &'static [&'static str]) -> Case {
    Case { query: Cow::Borrowed(query), prefix: false, filters }
}

const EXAMPLE: &[Case] = &[
    q("firewall"),
    q("certificate expiry"),
    q("phishing"),
    q("backup restore"),
    q("secret"),
    q("secrets scanning"),
    q("disk"),
    q("the"),
    q("access review"),
    q("\"change review\""),
    q("\"secret store\""),
    q("\"payment provider\" key"),
    q("Hard-coded API keys"),
    q("monitoring alert"),
    q("vendor bank details"),
    q("DNS"),
    q("rotation rotated rotating"),
    q("nm-0003"),
    q("team-lynx"),
    q("luck"),
    q("terraform workspace"),
    q("zzzz nothing matches"),
    typing("certif"),
    typing("firewall ru"),
    typing("pay"),
    typing("\"change review\" fire"),
    filtered("review", &["severity=high"]),
    filtered("access", &["stopped_by=human", "stopped_by=process"]),
    filtered("key", &["kind=writeup", "year=2025"]),
    filtered("data", &["impact_area=confidentiality"]),
];

const GENERATED: &[Case] = &[
    q("firewall rule"),
    q("backup job"),
    q("certificate"),
    q("production network"),
    q("customer records"),
    q("\"deploy pipeline\""),
    q("\"the payment service\""),
    q("restore test"),
    q("luck"),
    q("monitoring paged"),
    q("canary release error rate"),
    q("expired renewing"),
    q("zzwithheld3"),
    typing("ravel"),
    typing("deploy pip"),
    typing("stat"),
    filtered("token", &["severity=critical"]),
    filtered("dns record", &["pattern=dns-misconfiguration", "pattern=vendor-change"]),
    filtered("mail relay", &["year=2021", "stopped_by=luck"]),
    filtered("bucket", &["team=team-brack", "tlp=green"]),
];

/// Every prefix of the unfiltered `cases` that ends inside a word, as the search page sends it
/// while that word is typed: `c`, `ce`, … `certificate`, `certificate e`, … `certificate expiry`.
fn typed_prefixes(cases: &[Case]) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    for case in cases.iter().filter(|c| c.filters.is_empty()) {
        let ends: Vec<usize> = case.query.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        for end in ends {
            let prefix = &case.query[..end];
            if prefix.ends_with(char::is_alphanumeric) && !out.iter().any(|c| c.query == prefix) {
                out.push(Case { query: Cow::Owned(prefix.to_string()), prefix: true, filters: &[] });
            }
        }
    }
    out
}

/// Runs `cases` through tantivy (the library) and the client (node); returns the largest score
/// difference, asserting the same totals and the same documents in the same order, and (when
/// `mostly_found`) that most cases find something.
fn compare(content: &Path, site: &Path, cases: &[Case], mostly_found: bool) -> f64 {
    let opts = Options::new(ContentSource::Dir(content.to_path_buf()), AS_OF.parse::<Date>().unwrap());
    let outcome = site::run(&opts).expect("pipeline");
    let index: Index =
        outcome.site.as_ref().expect("a site: the content has no errors").search_index().expect("an index");
    let index = &index;

    // Every facet's values, from the bundle's manifest.
    let manifest: Value = serde_json::from_slice(&fs::read(site.join("search/index.json")).unwrap()).unwrap();
    let values: Vec<(Facet, Vec<String>)> = manifest["facets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let facet = Facet::parse(f["name"].as_str().unwrap()).unwrap();
            (facet, f["values"].as_array().unwrap().iter().map(|v| v[0].as_str().unwrap().to_string()).collect())
        })
        .collect();

    let mut expected = Vec::new();
    let mut expected_counts = Vec::new();
    let mut input = Vec::new();
    for case in cases {
        let mut query = index.parse(&case.query, case.prefix).unwrap();
        let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in case.filters {
            let (facet, value) = parse_filter(f).unwrap();
            query.filters.entry(facet).or_default().push(value.clone());
            filters.entry(facet.name().to_string()).or_default().push(value);
        }
        let results = index.search(&query, 10).unwrap();
        expected.push(results.hits.iter().map(|h| (h.doc_id, f64::from(h.score))).collect::<Vec<_>>());
        expected.last_mut().unwrap().insert(0, (u32::MAX, results.total as f64));
        // A value's count is how many results it would leave, the other facets' filters kept.
        let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (facet, facet_values) in &values {
            let mut one = query.clone();
            for value in facet_values {
                one.filters.insert(*facet, vec![value.clone()]);
                let total = index.search(&one, 1).unwrap().total as u64;
                if total > 0 {
                    counts.entry(facet.name().to_string()).or_default().insert(value.clone(), total);
                }
            }
        }
        expected_counts.push(counts);
        input.push(json!({ "query": case.query, "prefix": case.prefix, "filters": filters }));
    }
    let dir = tempfile::tempdir().unwrap();
    let cases_file = dir.path().join("cases.json");
    fs::write(&cases_file, serde_json::to_string(&input).unwrap()).unwrap();
    let out = node(&[js("run-queries.mjs").as_os_str(), site.as_os_str(), cases_file.as_os_str()]);
    let actual: Vec<Value> = serde_json::from_str(&out).unwrap();

    let mut max_diff: f64 = 0.0;
    let mut nonempty = 0;
    for (((case, want), want_counts), got) in cases.iter().zip(&expected).zip(&expected_counts).zip(&actual) {
        let total = got["total"].as_u64().unwrap() as f64;
        assert_eq!(total, want[0].1, "{:?}: total", case.query);
        let got_counts: BTreeMap<String, BTreeMap<String, u64>> =
            serde_json::from_value(got["counts"].clone()).unwrap();
        let got_counts: BTreeMap<_, _> = got_counts.into_iter().filter(|(_, values)| !values.is_empty()).collect();
        assert_eq!(&got_counts, want_counts, "{:?} {:?}: facet counts", case.query, case.filters);
        let got_hits: Vec<(u32, f64)> = got["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["doc"].as_u64().unwrap() as u32, h["score"].as_f64().unwrap()))
            .collect();
        let want_docs: Vec<u32> = want[1..].iter().map(|h| h.0).collect();
        let got_docs: Vec<u32> = got_hits.iter().map(|h| h.0).collect();
        assert_eq!(got_docs, want_docs, "{:?} {:?}: documents or order differ", case.query, case.filters);
        for (w, g) in want[1..].iter().zip(&got_hits) {
            let diff = (w.1 - g.1).abs();
            assert!(diff <= TOLERANCE, "{:?}: doc {} scores {} (tantivy) vs {} (client)", case.query, w.0, w.1, g.1);
            max_diff = max_diff.max(diff);
        }
        nonempty += usize::from(!got_docs.is_empty());
    }
    if mostly_found {
        assert!(nonempty * 4 >= cases.len() * 3, "too few queries found anything: {nonempty} of {}", cases.len());
    }
    max_diff
}

#[test]
#[ignore = "needs node"]
fn client_matches_tantivy_on_the_example_content() {
    let f = Fixture::new();
    let content = example_content();
    let built = f.build_to("out", &["--content", content.to_str().unwrap()]);
    built.assert_success();
    let diff = compare(&content, &built.out, EXAMPLE, true);
    println!("example content: {} queries, max score difference {diff:e}", EXAMPLE.len());
    let prefixes = typed_prefixes(EXAMPLE);
    let diff = compare(&content, &built.out, &prefixes, false);
    println!("example content: {} typed prefixes, max score difference {diff:e}", prefixes.len());
}

#[test]
#[ignore = "needs node"]
fn client_matches_tantivy_on_a_generated_corpus() {
    let f = Fixture::new();
    corpus::write(&f.content(), 600, 7);
    let built = f.build();
    built.assert_success();
    let diff = compare(&f.content(), &built.out, GENERATED, true);
    println!("generated corpus (600 writeups): {} queries, max score difference {diff:e}", GENERATED.len());
    let prefixes = typed_prefixes(GENERATED);
    let diff = compare(&f.content(), &built.out, &prefixes, false);
    println!("generated corpus (600 writeups): {} typed prefixes, max score difference {diff:e}", prefixes.len());
}
