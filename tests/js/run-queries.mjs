// Runs search cases on a built site's bundle with the browser client's engine, under node.
// Usage: node run-queries.mjs <site dir> <cases.json>; prints one result per case as JSON.
// A case is { query, prefix, filters: { facet: [values] }, limit }; a result is { total, hits,
// counts }.
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const engine = new URL("../../themes/default/static/search-engine.js", import.meta.url);
const { SearchIndex } = await import(engine);

const [site, casesFile] = process.argv.slice(2);
const load = async (url) => new Uint8Array(await readFile(fileURLToPath(url)));
const index = await SearchIndex.open(pathToFileURL(`${site}/search/`), load);
await index.loadFacets();
const cases = JSON.parse(await readFile(casesFile, "utf8"));
const out = [];
for (const c of cases) {
  const r = await index.search(c.query, { prefix: c.prefix, filters: c.filters, limit: c.limit ?? 10 });
  out.push({ total: r.total, hits: r.hits.map((h) => ({ doc: h.doc, score: h.score })), counts: r.counts });
}
process.stdout.write(JSON.stringify(out));
