//! `nearmiss search`: the same index from the command line, as text or JSON, with filters.

use serde_json::Value;

use crate::common::*;

fn search(args: &[&str]) -> Run {
    let content = example_content();
    let mut all = vec!["search"];
    all.extend(args);
    all.extend(["--content", content.to_str().unwrap(), "--as-of", AS_OF]);
    run_in(&content, &all, &[])
}

#[test]
fn results_are_ranked_with_titles_and_urls() {
    let run = search(&["firewall"]);
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].ends_with("results for \"firewall\""), "{}", run.stdout);
    assert!(lines[1].trim_start().starts_with("1."), "{}", run.stdout);
    assert!(run.stdout.contains("patterns/firewall-change-drift.html"), "{}", run.stdout);
}

#[test]
fn json_output_has_scores_in_order_and_respects_the_limit() {
    let run = search(&["review", "--json", "--limit", "3"]);
    run.assert_success();
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    assert!(v["total"].as_u64().unwrap() > 3);
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(hits.iter().all(|h| h["url"].as_str().unwrap().ends_with(".html")));
}

#[test]
fn filters_narrow_and_phrases_match_words_in_a_row() {
    let all: Value = serde_json::from_str(&search(&["review", "--json", "-n", "100"]).stdout).unwrap();
    let high: Value =
        serde_json::from_str(&search(&["review", "--json", "-n", "100", "--filter", "severity=high"]).stdout).unwrap();
    assert!(high["total"].as_u64() < all["total"].as_u64());
    let phrase: Value = serde_json::from_str(&search(&["\"change review\"", "--json"]).stdout).unwrap();
    let words: Value = serde_json::from_str(&search(&["change review", "--json"]).stdout).unwrap();
    assert!(phrase["total"].as_u64() <= words["total"].as_u64());
    assert!(phrase["total"].as_u64().unwrap() > 0);
}

#[test]
fn an_unknown_filter_is_an_error_with_the_facets() {
    let run = search(&["x", "--filter", "colour=red"]);
    run.assert_failure();
    run.assert_contains("`colour=red` is not a filter; write facet=value with a facet among kind, pattern, severity");
}
