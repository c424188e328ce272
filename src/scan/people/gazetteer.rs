//! The name gazetteer: given names and surnames of many languages, and which of them are also
//! common English words, shipped compressed in the binary (see `data/SOURCES.md`).

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

/// The decompressed table: each word's byte range in `text` and its flags, sorted by word.
struct Table {
    text: String,
    lines: Vec<(u32, u32, Entry)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut text = String::new();
    // The data is part of the binary and checked by the tests: it always decompresses.
    GzDecoder::new(DATA).read_to_string(&mut text).expect("embedded gazetteer is valid gzip UTF-8");
    let mut lines = Vec::with_capacity(text.len() / 10);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let (word, flags) = line.trim_end_matches('\n').split_once('\t').unwrap_or((line, ""));
        let entry = Entry { given: flags.contains('g'), surname: flags.contains('s'), word: flags.contains('w') };
        lines.push((start as u32, (start + word.len()) as u32, entry));
        start += line.len();
    }
    Table { text, lines }
});

/// What the gazetteer says of `lower` (a lower-case word); all false when it is unknown.
pub(super) fn lookup(lower: &str) -> Entry {
    let table = &*TABLE;
    table
        .lines
        .binary_search_by(|&(s, e, _)| table.text[s as usize..e as usize].cmp(lower))
        .map_or(Entry::default(), |i| table.lines[i].2)
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
    fn the_table_is_sorted_and_lower_case() {
        let table = &*TABLE;
        let words: Vec<&str> = table.lines.iter().map(|&(s, e, _)| &table.text[s as usize..e as usize]).collect();
        assert!(words.len() > 100_000);
        assert!(words.windows(2).all(|w| w[0] < w[1]));
        assert!(words.iter().all(|w| *w == w.to_lowercase()));
    }
}
