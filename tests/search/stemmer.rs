//! The client's Porter2 stemmer gives rust-stemmers' stem (through tantivy) for every word of a
//! large list: the example content, a dictionary when the machine has one, and generated
//! inflections that walk every suffix rule.

use std::collections::BTreeSet;
use std::fs;

use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer};

use crate::common::example_content;
use crate::{js, node};

const SUFFIXES: &[&str] = &[
    "", "s", "es", "ies", "ied", "ss", "sses", "us", "ed", "eed", "eedly", "edly", "ing", "ingly", "ly", "y", "ys",
    "yed", "ying", "ation", "ational", "tional", "ations", "ize", "izer", "ization", "ise", "ism", "ist", "ity", "iti",
    "ive", "ively", "iveness", "iviti", "able", "ably", "abli", "ible", "al", "ally", "alli", "alism", "aliti",
    "alize", "ance", "anci", "ence", "enci", "ent", "entli", "ement", "ment", "er", "ers", "ous", "ously", "ousli",
    "ousness", "ic", "ical", "icate", "iciti", "ative", "ful", "fully", "fulli", "fulness", "ness", "less", "lessli",
    "bli", "biliti", "logi", "ogi", "li", "ator", "ion", "sion", "tion", "e", "le", "ll", "at", "bl", "iz", "bb", "dd",
    "ff", "gg", "mm", "nn", "pp", "rr", "tt",
];

const EXTRA: &[&str] = &[
    "y",
    "yy",
    "yes",
    "yay",
    "sayyid",
    "boy",
    "boys",
    "toy",
    "cry",
    "cries",
    "ties",
    "dying",
    "skies",
    "skis",
    "generously",
    "generate",
    "communal",
    "community",
    "arsenic",
    "arsenal",
    "inning",
    "innings",
    "outing",
    "canning",
    "herring",
    "earring",
    "proceed",
    "proceeding",
    "exceed",
    "succeeded",
    "news",
    "howe",
    "atlas",
    "cosmos",
    "bias",
    "andes",
    "sky",
    "only",
    "early",
    "ugly",
    "singly",
    "gently",
    "idly",
    "café",
    "naïve",
    "résumé",
    "straße",
    "ÿes",
    "façade",
    "x11",
    "2025s",
    "ipv6",
    "über",
    "coöperate",
    "naïvely",
    "fiancées",
];

/// Every lower-case alphanumeric word of `text`, as the tokenizer makes them.
fn words(text: &str, out: &mut BTreeSet<String>) {
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if !w.is_empty() && w.len() < 40 {
            out.insert(w.chars().flat_map(char::to_lowercase).collect());
        }
    }
}

fn word_list() -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for entry in walkdir::WalkDir::new(example_content()).into_iter().flatten() {
        if entry.file_type().is_file() {
            words(&fs::read_to_string(entry.path()).unwrap_or_default(), &mut all);
        }
    }
    if let Ok(dict) = fs::read_to_string("/usr/share/dict/words") {
        words(&dict, &mut all);
    }
    let candidates: Vec<&String> = all.iter().filter(|w| (3..=8).contains(&w.len())).collect();
    let step = (candidates.len() / 2000).max(1);
    let roots: Vec<String> = candidates.into_iter().step_by(step).cloned().collect();
    for root in &roots {
        for suffix in SUFFIXES {
            all.insert(format!("{root}{suffix}"));
        }
    }
    all.extend(EXTRA.iter().map(|w| w.to_string()));
    all
}

#[test]
#[ignore = "needs node"]
fn client_stemmer_matches_rust_stemmers() {
    let mut analyzer = TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build();
    let list = word_list();
    assert!(list.len() > 50_000, "only {} words", list.len());
    let mut lines = String::new();
    for word in &list {
        let mut stream = analyzer.token_stream(word);
        stream.advance();
        lines.push_str(&format!("{word}\t{}\n", stream.token().text));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stems.tsv");
    fs::write(&file, lines).unwrap();
    let out = node(&[js("stem-check.mjs").as_os_str(), file.as_os_str()]);
    println!("{out}");
}
