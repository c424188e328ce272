//! The name gazetteer: given names and surnames of many languages, and which of them are also
//! common English words, shipped compressed in the binary (see `data/SOURCES.md`).

use rustc_hash::FxHashMap as HashMap;
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
    /// The entry of a table line's flags.
    fn parse(flags: &str) -> Entry {
        Entry { given: flags.contains('g'), surname: flags.contains('s'), word: flags.contains('w') }
    }

    /// The entry as the top byte of a [`Slot`].
    fn bits(self) -> u64 {
        [(self.given, GIVEN), (self.surname, SURNAME), (self.word, WORD)]
            .into_iter()
            .filter(|(on, _)| *on)
            .fold(0, |bits, (_, bit)| bits | bit)
    }

    /// The entry the top byte of a [`Slot`] holds.
    fn from_bits(bits: u64) -> Entry {
        Entry { given: bits & GIVEN != 0, surname: bits & SURNAME != 0, word: bits & WORD != 0 }
    }

    /// A given name or surname.
    pub fn is_name(self) -> bool {
        self.given || self.surname
    }
}

/// `word<TAB>flags` lines sorted by word, built by `tools/gazetteer.py`.
static DATA: &[u8] = include_bytes!("data/names.tsv.gz");

/// The decompressed table. A word of up to 15 bytes (all but a few hundred) lives in one
/// 16-byte slot of an open-addressed array, its bytes zero-padded, its length and flags in the
/// last byte: a lookup reads one cache line, where a map of strings reads three (the gazetteer is
/// far larger than the caches, and prose looks up every capitalised word).
struct Table {
    slots: Box<[Slot]>,
    /// The longer words.
    long: HashMap<&'static str, Entry>,
}

/// A word's bytes, little-endian, then a top byte with its length in the low four bits and its
/// flags above; all zero when empty (no word is empty, so a stored length is never zero).
type Slot = [u64; 2];

/// The most bytes a word in a [`Slot`] has.
const SLOT_BYTES: usize = 15;
const GIVEN: u64 = 0x10 << 56;
const SURNAME: u64 = 0x20 << 56;
const WORD: u64 = 0x40 << 56;
const FLAGS: u64 = GIVEN | SURNAME | WORD;

impl Table {
    fn build(text: &'static str) -> Table {
        let count = text.lines().count();
        // At most half full, so that a probe seldom leaves its first cache line.
        let mut slots = vec![[0; 2]; (count * 2).next_power_of_two()].into_boxed_slice();
        let mut long = HashMap::default();
        for line in text.lines() {
            let (word, flags) = line.split_once('\t').unwrap_or((line, ""));
            let entry = Entry::parse(flags);
            match slot_key(word) {
                Some(key) => {
                    let at = Table::probe(&slots, key);
                    slots[at] = [key[0], key[1] | entry.bits()];
                }
                None => {
                    long.insert(word, entry);
                }
            }
        }
        Table { slots, long }
    }

    /// The slot that holds `key`, or the empty one where it would go.
    fn probe(slots: &[Slot], key: Slot) -> usize {
        let mask = slots.len() - 1;
        let hash = (key[0].wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ key[1]).wrapping_mul(0xff51_afd7_ed55_8ccd);
        let mut at = (hash >> 32) as usize & mask;
        loop {
            let slot = slots[at];
            if slot[1] == 0 || (slot[0] == key[0] && slot[1] & !FLAGS == key[1]) {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    fn get(&self, lower: &str) -> Entry {
        let Some(key) = slot_key(lower) else {
            return self.long.get(lower).copied().unwrap_or_default();
        };
        Entry::from_bits(self.slots[Table::probe(&self.slots, key)][1])
    }
}

/// The [`Slot`] of `word` without flags, if it is short enough for one and not empty.
fn slot_key(word: &str) -> Option<Slot> {
    if word.is_empty() || word.len() > SLOT_BYTES {
        return None;
    }
    let length = [0, (word.len() as u64) << 56];
    Some(word.bytes().enumerate().fold(length, |mut key, (i, b)| {
        key[i / 8] |= u64::from(b) << (8 * (i % 8));
        key
    }))
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut text = String::new();
    // The data is part of the binary and checked by the tests: it always decompresses.
    GzDecoder::new(DATA).read_to_string(&mut text).expect("embedded gazetteer is valid gzip UTF-8");
    // The table lives for the whole process; leaking it lets the long words borrow from it.
    Table::build(Box::leak(text.into_boxed_str()))
});

/// What the gazetteer says of `lower` (a lower-case word); all false when it is unknown.
pub(super) fn lookup(lower: &str) -> Entry {
    TABLE.get(lower)
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
    fn only_whole_words_match() {
        assert!(lookup("priya").given);
        for near in ["priy", "priyaa", "priya\0", "\0", "xriya", "priya raman"] {
            assert_eq!(lookup(near), Entry::default(), "{near:?}");
        }
        let long = TABLE.long.keys().copied().find(|w| w.is_ascii()).unwrap();
        assert_eq!(lookup(long), TABLE.long[long]);
        assert_eq!(lookup(&long[..SLOT_BYTES]), Entry::default());
    }

    #[test]
    fn the_table_is_lower_case_with_one_line_per_word() {
        let mut text = String::new();
        GzDecoder::new(DATA).read_to_string(&mut text).unwrap();
        let lines: Vec<(&str, &str)> = text.lines().map(|l| l.split_once('\t').unwrap()).collect();
        let words: Vec<&str> = lines.iter().map(|(word, _)| *word).collect();
        assert!(words.len() > 100_000);
        assert!(words.windows(2).all(|w| w[0] < w[1]), "sorted, no word twice");
        assert!(words.iter().all(|w| *w == w.to_lowercase()));
        let stored = TABLE.slots.iter().filter(|slot| slot[1] != 0).count() + TABLE.long.len();
        assert_eq!(stored, words.len());
        assert!(!TABLE.long.is_empty(), "words longer than a slot are kept too");
        for (word, flags) in lines {
            assert_eq!(lookup(word), Entry::parse(flags), "{word}");
        }
    }
}
