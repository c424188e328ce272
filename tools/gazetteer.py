#!/usr/bin/env python3
"""Builds the gate's name gazetteer, src/scan/people/data/names.tsv.gz.

Sources (see src/scan/people/data/SOURCES.md for the licences):
  * PyPI `names` 0.3.0 (MIT): the 1990 US Census given-name and surname lists;
  * PyPI `Faker` (MIT): given names and surnames of its person providers, every locale:
    Latin-script and romanised lists as they are, Cyrillic, Greek and Devanagari ones
    transliterated;
  * Debian `wamerican` (SCOWL, permissive): which names are also common English words.

Usage (the packages are downloaded from PyPI and Debian, nothing else is fetched):
  pip download --no-deps names==0.3.0 Faker==40.63.0 -d /tmp/gaz
  pip install /tmp/gaz/faker-*.whl          # into a venv of your choice
  apt-get install wamerican
  python3 tools/gazetteer.py /tmp/gaz/names-0.3.0.tar.gz /usr/share/dict/american-english

Output: one line per lower-case word, `word<TAB>flags`, sorted; flags are `g` (a given name),
`s` (a surname) and `w` (a common English word: lower-case in the dictionary; the dictionary's
lower-case words that are no name are listed too, with `w` alone).
"""
import gzip
import importlib
import pkgutil
import re
import sys
import tarfile
import unicodedata

import faker.providers.person as person

# Cyrillic and Greek names are added transliterated too, as English prose writes them.
CYRILLIC = dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye")) | {
    "ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c",
    "ђ": "dj", "џ": "dz",
}
GREEK = dict(zip("αβγδεζηικλμνξοπρστυφω", "avgdeziiklmnxoprstyfo")) | {
    "θ": "th", "χ": "ch", "ψ": "ps", "ς": "s", "ά": "a", "έ": "e", "ή": "i", "ί": "i", "ό": "o", "ύ": "y",
    "ώ": "o", "ϊ": "i", "ϋ": "y", "ΐ": "i", "ΰ": "y",
}


# Devanagari (Hindi, Marathi, Nepali) romanised as names are written in English, with the
# final inherent vowel dropped and both spellings of long vowels ("dipak" and "deepak").
DEVANAGARI_CONSONANTS = dict(zip(
    "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसह",
    ["k", "kh", "g", "gh", "n", "ch", "chh", "j", "jh", "n", "t", "th", "d", "dh", "n", "t", "th", "d", "dh", "n",
     "p", "ph", "b", "bh", "m", "y", "r", "l", "v", "sh", "sh", "s", "h"],
))
DEVANAGARI_VOWELS = {"अ": "a", "आ": "a", "इ": "i", "ई": "I", "उ": "u", "ऊ": "U", "ऋ": "ri", "ए": "e", "ऐ": "ai",
                     "ओ": "o", "औ": "au"}
DEVANAGARI_SIGNS = {"ा": "a", "ि": "i", "ी": "I", "ु": "u", "ू": "U", "ृ": "ri", "े": "e", "ै": "ai", "ो": "o",
                    "ौ": "au"}
NUKTA = {"क": "q", "ख": "kh", "ग": "gh", "ज": "z", "फ": "f", "ड": "r", "ढ": "rh"}


def devanagari(word):
    """The romanised spellings of a Devanagari word, or [] when it holds other letters."""
    out, i, chars = [], 0, list(word)
    while i < len(chars):
        c = chars[i]
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if c in DEVANAGARI_CONSONANTS:
            sound = DEVANAGARI_CONSONANTS[c]
            if nxt == "\u093c":
                sound, i = NUKTA.get(c, sound), i + 1
                nxt = chars[i + 1] if i + 1 < len(chars) else ""
            out.append(sound)
            if nxt == "्":
                i += 2
                continue
            if nxt in DEVANAGARI_SIGNS:
                out.append(DEVANAGARI_SIGNS[nxt])
                i += 2
                continue
            out.append("A")  # the inherent vowel
        elif c in DEVANAGARI_VOWELS:
            out.append(DEVANAGARI_VOWELS[c])
        elif c in "ंँ":
            out.append("n")
        elif c == "ः":
            out.append("h")
        else:
            return []
        i += 1
    if out and out[-1] == "A" and len(out) > 2:
        out.pop()
    text = "".join(out).replace("A", "a")
    spellings = {text.replace("I", "i").replace("U", "u"), text.replace("I", "ee").replace("U", "oo")}
    return sorted(spellings)


def is_latin(word):
    return len(word) >= 2 and all(
        c in "'-" or (c.isalpha() and unicodedata.name(c, "").startswith("LATIN")) for c in word
    )


def transliterate(word):
    if all(c in CYRILLIC for c in word):
        return "".join(CYRILLIC[c] for c in word)
    if all(c in GREEK for c in word):
        return "".join(GREEK[c] for c in word)
    return word


def add(table, name, flag):
    word = name.strip().lower().replace("’", "'")
    for word in devanagari(word) or [transliterate(word)]:
        if is_latin(word) and not word.startswith(("'", "-")) and not word.endswith(("'", "-")):
            table.setdefault(word, set()).add(flag)


def census(table, tarball):
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            for suffix, flag in (("dist.male.first", "g"), ("dist.female.first", "g"), ("dist.all.last", "s")):
                if member.name.endswith(suffix):
                    for line in tar.extractfile(member).read().decode().splitlines():
                        if line.split():
                            add(table, line.split()[0], flag)


def faker_names(table):
    given_attrs = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
                   "first_romanized_names", "first_names_male_romanized", "first_names_female_romanized")
    surname_attrs = ("last_names", "last_names_male", "last_names_female", "last_romanized_names",
                     "last_names_romanized")
    for info in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{info.name}").Provider
        for attrs, flag in ((given_attrs, "g"), (surname_attrs, "s")):
            for attr in attrs:
                values = provider.__dict__.get(attr, ())
                if not isinstance(values, (tuple, list, dict)):
                    continue
                for name in values:
                    if isinstance(name, str) and " " not in name.strip():
                        add(table, name, flag)


def main():
    tarball, dictionary = sys.argv[1], sys.argv[2]
    table = {}
    census(table, tarball)
    faker_names(table)
    with open(dictionary, encoding="utf-8") as f:
        for line in f:
            word = line.strip()
            if word and word == word.lower() and "'" not in word and is_latin(word):
                table.setdefault(word, set()).add("w")
    lines = [f"{w}\t{''.join(sorted(flags))}\n" for w, flags in sorted(table.items())]
    with gzip.GzipFile("src/scan/people/data/names.tsv.gz", "wb", mtime=0) as out:
        out.write("".join(lines).encode())
    given = sum("g" in f for f in table.values())
    surnames = sum("s" in f for f in table.values())
    words = sum("w" in f for f in table.values())
    print(f"{len(table)} words: {given} given names, {surnames} surnames, {words} common words")


if __name__ == "__main__":
    main()
