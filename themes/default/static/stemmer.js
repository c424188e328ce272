// Snowball English ("Porter2") stemmer, matching rust-stemmers (and so tantivy's en_stem) word
// for word. It stems one lower-case token of letters and digits, as the tokenizer makes them.
// Positions are in code points, like Snowball's cursor.

const V = new Set("aeiouy");
const V_WXY = new Set("aeiouywxY");
const VALID_LI = new Set("cdeghkmnrt");

/** Whole words with a fixed stem (Snowball's exception1). */
const EXCEPTIONS = new Map([
  ["skis", "ski"], ["skies", "sky"], ["dying", "die"], ["lying", "lie"], ["tying", "tie"],
  ["idly", "idl"], ["gently", "gentl"], ["ugly", "ugli"], ["early", "earli"], ["only", "onli"],
  ["singly", "singl"], ["sky", "sky"], ["news", "news"], ["howe", "howe"], ["atlas", "atlas"],
  ["cosmos", "cosmos"], ["bias", "bias"], ["andes", "andes"],
]);

/** Words left alone after step 1a (exception2). */
const INVARIANT = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);

/** [suffix, replacement] of steps 2 and 3, longest first: only the longest match counts. */
const STEP2 = byLength([
  ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["abli", "able"], ["entli", "ent"],
  ["izer", "ize"], ["ization", "ize"], ["ational", "ate"], ["ation", "ate"], ["ator", "ate"],
  ["alism", "al"], ["aliti", "al"], ["alli", "al"], ["fulness", "ful"], ["ousli", "ous"],
  ["ousness", "ous"], ["iveness", "ive"], ["iviti", "ive"], ["biliti", "ble"], ["bli", "ble"],
  ["ogi", "og"], ["fulli", "ful"], ["lessli", "less"], ["li", ""],
]);
const STEP3 = byLength([
  ["tional", "tion"], ["ational", "ate"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
  ["ical", "ic"], ["ful", ""], ["ness", ""], ["ative", ""],
]);
const STEP4 = byLength(
  ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti",
    "ous", "ive", "ize", "ion"].map((s) => [s, ""]),
);
const DOUBLES = new Set(["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]);

/** [suffix, replacement] pairs as code point arrays, longest suffix first. */
function byLength(pairs) {
  return pairs.map(([s, r]) => [Array.from(s), Array.from(r)]).sort((a, b) => b[0].length - a[0].length);
}

/** Whether the code points `w` end with the code points `suffix`. */
function endsWith(w, suffix) {
  const n = w.length - suffix.length;
  if (n < 0) return false;
  for (let i = 0; i < suffix.length; i++) if (w[n + i] !== suffix[i]) return false;
  return true;
}

/** Whether the code points `w` end with `text`. */
function ends(w, text) {
  return endsWith(w, Array.from(text));
}

/** The longest [suffix, replacement] of `table` that `w` ends with. */
function longest(w, table) {
  return table.find(([suffix]) => endsWith(w, suffix));
}

/** After a vowel, then a non-vowel, from `i`: the index past them, or -1. */
function gopast(w, i) {
  while (i < w.length && !V.has(w[i])) i++;
  if (i >= w.length) return -1;
  i++;
  while (i < w.length && V.has(w[i])) i++;
  if (i >= w.length) return -1;
  return i + 1;
}

/** Whether w[0..end) ends in a short syllable. */
function shortv(w, end) {
  if (end >= 3 && !V_WXY.has(w[end - 1]) && V.has(w[end - 2]) && !V.has(w[end - 3])) return true;
  return end === 2 && !V.has(w[1]) && V.has(w[0]);
}

/** Whether w[0..end) has a vowel. */
function hasVowel(w, end) {
  for (let i = 0; i < end; i++) if (V.has(w[i])) return true;
  return false;
}

/** Stems one lower-cased token. */
export function stem(word) {
  const fixed = EXCEPTIONS.get(word);
  if (fixed !== undefined) return fixed;
  let w = Array.from(word);
  if (w.length < 3) return word;

  let yFound = false;
  if (w[0] === "y") {
    w[0] = "Y";
    yFound = true;
  }
  for (let i = 0; i + 1 < w.length; i++) {
    if (V.has(w[i]) && w[i + 1] === "y") {
      w[i + 1] = "Y";
      yFound = true;
    }
  }

  let p1 = w.length;
  let p2 = w.length;
  const prefix = ["gener", "commun", "arsen"].find((p) => w.slice(0, p.length).join("") === p);
  const r1 = prefix ? prefix.length : gopast(w, 0);
  if (r1 >= 0) {
    p1 = r1;
    const r2 = gopast(w, r1);
    if (r2 >= 0) p2 = r2;
  }

  w = step1a(w);
  if (!INVARIANT.has(w.join(""))) {
    w = step1b(w, p1);
    step1c(w);
    w = replaceIn(w, STEP2, p1, (w, n) => {
      if (n === "ogi") return w[w.length - 4] === "l";
      return n !== "li" || VALID_LI.has(w[w.length - 3]);
    });
    w = replaceIn(w, STEP3, p1, (w, n) => n !== "ative" || w.length - 5 >= p2);
    w = replaceIn(w, STEP4, p2, (w, n) => n !== "ion" || w[w.length - 4] === "s" || w[w.length - 4] === "t");
    w = step5(w, p1, p2);
  }
  const out = w.join("");
  return yFound ? out.replaceAll("Y", "y") : out;
}

/** Plurals: -sses, -ied/-ies, -s. */
function step1a(w) {
  if (ends(w, "sses")) return w.slice(0, -2);
  if (ends(w, "ied") || ends(w, "ies")) return w.length - 3 >= 2 ? [...w.slice(0, -3), "i"] : w.slice(0, -1);
  if (ends(w, "ss") || ends(w, "us")) return w;
  if (ends(w, "s") && w.length >= 2 && hasVowel(w, w.length - 2)) return w.slice(0, -1);
  return w;
}

/** -eed/-eedly in R1; -ed/-edly/-ing/-ingly after a vowel, then tidy the end. */
function step1b(w, p1) {
  const found = ["eedly", "ingly", "edly", "eed", "ing", "ed"].find((s) => ends(w, s));
  if (!found) return w;
  const start = w.length - found.length;
  if (found === "eed" || found === "eedly") return start >= p1 ? [...w.slice(0, start), "e", "e"] : w;
  if (!hasVowel(w, start)) return w;
  const rest = w.slice(0, start);
  if (ends(rest, "at") || ends(rest, "bl") || ends(rest, "iz")) return [...rest, "e"];
  if (rest.length >= 2 && DOUBLES.has(rest.slice(-2).join(""))) return rest.slice(0, -1);
  if (rest.length === p1 && shortv(rest, rest.length)) return [...rest, "e"];
  return rest;
}

/** A final y after a consonant (not the first letter) becomes i. */
function step1c(w) {
  const n = w.length;
  if (n > 2 && (w[n - 1] === "y" || w[n - 1] === "Y") && !V.has(w[n - 2])) w[n - 1] = "i";
}

/** Replaces the longest suffix of `table` when it starts in the region from `region` and `ok` agrees. */
function replaceIn(w, table, region, ok) {
  const match = longest(w, table);
  if (!match) return w;
  const [suffix, replacement] = match;
  const start = w.length - suffix.length;
  if (start < region || !ok(w, suffix.join(""))) return w;
  return [...w.slice(0, start), ...replacement];
}

/** A final e in R2 (or in R1 after no short syllable), a double l in R2. */
function step5(w, p1, p2) {
  const n = w.length;
  if (w[n - 1] === "e") {
    const start = n - 1;
    if (start >= p2 || (start >= p1 && !shortv(w, start))) return w.slice(0, -1);
  } else if (w[n - 1] === "l") {
    if (n - 1 >= p2 && w[n - 2] === "l") return w.slice(0, -1);
  }
  return w;
}
