// Measures search in headless Chromium for the benchmark (benches/search.rs): bytes and files a
// browser downloads for the first query and for ten results, time from typing to results on a
// fresh page, and query latency once loaded. Works for nearmiss's search page and for Pagefind
// (when the site was also indexed by it).
// Usage: node bench.mjs <site dir> <nearmiss|pagefind> <queries.json>; prints JSON.
import { readFile } from "node:fs/promises";
import { launch, serve } from "./serve.mjs";

const [site, engine, queriesFile] = process.argv.slice(2);
const queries = JSON.parse(await readFile(queriesFile, "utf8"));
const server = await serve(site, "/kb/");
const browser = await launch();

/** Search downloads so far: { bytes, files, metaBytes } from Resource Timing (body sizes). */
const downloads = (page, dir) =>
  page.evaluate((dir) => {
    const mine = performance.getEntriesByType("resource").filter((e) => {
      const path = new URL(e.name).pathname;
      return path.includes(`/${dir}/`) || (dir === "search" && /\/assets\/(search|search-engine|stemmer)\.js$/.test(path));
    });
    const size = (e) => e.encodedBodySize || e.transferSize;
    const meta = mine.filter((e) => /\/(meta\.[0-9a-f]+\.gz|fragment\/[^/]+\.pf_fragment)$/.test(new URL(e.name).pathname));
    return {
      bytes: mine.reduce((s, e) => s + size(e), 0),
      files: mine.length,
      metaBytes: meta.reduce((s, e) => s + size(e), 0),
      metaFiles: meta.length,
    };
  }, dir);

/** nearmiss: the real search page; typing is an input event, the answer the page's done event. */
async function nearmiss(page, query) {
  return page.evaluate(
    (query) =>
      new Promise((resolve) => {
        const input = document.getElementById("nm-q");
        const t0 = performance.now();
        document.addEventListener("nm-search-done", (e) => {
          if (e.detail.query === query) resolve({ ms: performance.now() - t0, total: e.detail.total });
        });
        input.value = query;
        input.dispatchEvent(new Event("input"));
      }),
    query,
  );
}

/** Pagefind: its JS API on a page of the site, the search plus the data of the first ten results. */
async function pagefind(page, query) {
  return page.evaluate(async (query) => {
    const t0 = performance.now();
    window.pf ??= await import(new URL("pagefind/pagefind.js", location.href).href);
    const r = await window.pf.search(query);
    await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
    return { ms: performance.now() - t0, total: r.results.length };
  }, query);
}

const run = engine === "pagefind" ? pagefind : nearmiss;
const dir = engine === "pagefind" ? "pagefind" : "search";
const start = engine === "pagefind" ? "index.html" : "search.html";

// First query on fresh pages: a new browser context each time, so nothing is cached.
const first = [];
const firstDownloads = [];
for (const query of queries.slice(0, 5)) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}${start}`, { waitUntil: "load" });
  if (engine === "nearmiss") await page.waitForSelector("#nm-q:focus");
  const r = await run(page, query);
  first.push(r.ms);
  firstDownloads.push({ query, total: r.total, ...(await downloads(page, dir)) });
  await context.close();
}

// Latency once loaded: every query once to load its shards, then timed.
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${server.url}${start}`, { waitUntil: "load" });
if (engine === "nearmiss") await page.waitForSelector("#nm-q:focus");
for (const q of queries) await run(page, q);
const times = [];
for (let round = 0; round < 3; round++) for (const q of queries) times.push((await run(page, q)).ms);
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
await browser.close();
await server.close();
console.log(JSON.stringify({ first, firstDownloads, p50: pct(50), p95: pct(95) }));
