//! The name gazetteer: given names and surnames of many languages, and which of them are also
//! common English words, shipped compressed in the binary (see `data/SOURCES.md`).

use std::collections::HashMap;
use std::io::Read;
use std::sync::LazyLock;

use flate2::read::GzDecoder;

/// What the gazetteer knows about a lower-case word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Entry {
    /// A given name in some language ("priya", "kwame", "will").
    pub given: bool,
    /// A surname in some language ("okafor", "nguyen", "smith").
    pub surname: bool,
    /// A common English word ("will", "smith", "access").
    pub word: bool,
}

impl Entry {
    /// A given name or surname.
    pub fn is_name(self) -> bool {
        self.given || self.surname
    }
}

/// `word<TAB>flags` lines sorted by word, built by `tools/gazetteer.py`.
static DATA: &[u8] = include_bytes!("data/names.tsv.gz");

/// The decompressed table: every word with its flags.
struct Table {
    index: HashMap<&'static str, Entry>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut text = String::new();
    // The data is part of the binary and checked by the tests: it always decompresses.
    GzDecoder::new(DATA).read_to_string(&mut text).expect("embedded gazetteer is valid gzip UTF-8");
    // The table lives for the whole process; leaking it lets the index borrow its words.
    let text: &'static str = Box::leak(text.into_boxed_str());
    let index = text
        .lines()
        .map(|line| {
            let (word, flags) = line.split_once('\t').unwrap_or((line, ""));
            (word, Entry { given: flags.contains('g'), surname: flags.contains('s'), word: flags.contains('w') })
        })
        .collect();
    Table { index }
});

/// What the gazetteer says of `lower` (a lower-case word); all false when it is unknown.
pub(super) fn lookup(lower: &str) -> Entry {
    TABLE.index.get(lower).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_many_languages() {
        for given in [
            "priya", "kwame", "hiroshi", "chinedu", "aditi", "deepak", "oksana", "emil", "josé", "wei", "fatima",
            "olga",
        ] {
            assert!(lookup(given).given, "{given}");
        }
        for surname in ["okafor", "nguyen", "zhang", "tanaka", "mensah", "smith", "müller", "kowalski"] {
            assert!(lookup(surname).surname, "{surname}");
        }
    }

    #[test]
    fn common_words_are_marked() {
        assert_eq!(lookup("will"), Entry { given: true, surname: true, word: true });
        assert!(lookup("access").word && !lookup("access").is_name());
        assert!(!lookup("priya").word);
        assert_eq!(lookup("zzzzqx"), Entry::default());
        assert_eq!(lookup(""), Entry::default());
    }

    #[test]
    fn the_table_is_lower_case_with_one_line_per_word() {
        let mut text = String::new();
        GzDecoder::new(DATA).read_to_string(&mut text).unwrap();
        let words: Vec<&str> = text.lines().map(|l| l.split('\t').next().unwrap()).collect();
        assert!(words.len() > 100_000);
        assert!(words.windows(2).all(|w| w[0] < w[1]), "sorted, no word twice");
        assert!(words.iter().all(|w| *w == w.to_lowercase()));
        assert_eq!(TABLE.index.len(), words.len());
    }
}
