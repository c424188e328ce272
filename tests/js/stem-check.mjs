// Compares the client's stemmer with rust-stemmers' stems.
// Usage: node stem-check.mjs <file of "word<TAB>stem" lines>; exits non-zero on any difference.
import { readFile } from "node:fs/promises";

const { stem } = await import(new URL("../../themes/default/static/stemmer.js", import.meta.url));
const lines = (await readFile(process.argv[2], "utf8")).split("\n").filter(Boolean);
const wrong = [];
for (const line of lines) {
  const [word, expected] = line.split("\t");
  const got = stem(word);
  if (got !== expected) wrong.push(`${word}: expected ${expected}, got ${got}`);
}
for (const w of wrong.slice(0, 40)) console.log(w);
console.log(`stemmer: ${lines.length - wrong.length} passed, ${wrong.length} failed`);
process.exit(wrong.length ? 1 : 0);
