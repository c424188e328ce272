// Measures search in headless Chromium for the benchmark (benches/search.rs), the site served
// on loopback over HTTP/2: bytes and files a browser downloads for the first query and for ten
// results, time from typing to results on a fresh page (the query at once, and typed a key at a
// time), and query latency once loaded; for nearmiss, the first query also on a phone's screen,
// where the filters start closed. Works for nearmiss's search page and for Pagefind (when the
// site was also indexed by it).
// Usage: node bench.mjs <site dir> <nearmiss|pagefind> <queries.json>; prints JSON.
import { readFile } from "node:fs/promises";
import { launch, serve } from "./serve.mjs";

const [site, engine, queriesFile] = process.argv.slice(2);
const queries = JSON.parse(await readFile(queriesFile, "utf8"));
// HTTP/2 over TLS, as GitHub Pages serves: requests are not queued behind six connections.
const server = await serve(site, "/kb/", { http2: true });
const browser = await launch();

/** Counts what a page downloads for search (workers included), from the network events. */
function track(context, dir) {
  const seen = { bytes: 0, files: 0, metaBytes: 0, metaFiles: 0 };
  context.on("requestfinished", async (request) => {
    const path = new URL(request.url()).pathname;
    const search = path.includes(`/${dir}/`) || (dir === "search" && /\/assets\/(search|search-engine|stemmer)\.js$/.test(path));
    if (!search) return;
    const size = (await request.sizes()).responseBodySize;
    seen.bytes += size;
    seen.files += 1;
    if (/\/(meta\.[0-9a-f]+\.\d+\.gz|fragment\/[^/]+\.pf_fragment)$/.test(path)) {
      seen.metaBytes += size;
      seen.metaFiles += 1;
    }
  });
  return seen;
}

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

const REACTION_MS = 500;
const run = engine === "pagefind" ? pagefind : nearmiss;
const dir = engine === "pagefind" ? "pagefind" : "search";
const start = engine === "pagefind" ? "index.html" : "search.html";

/** nearmiss, typed into the search box a key at a time (`delay` ms apart): the time from the
 * last key to the answer to the whole query. */
async function typed(page, query, delay) {
  const answered = page.evaluate(
    (query) =>
      new Promise((resolve) => {
        const input = document.getElementById("nm-q");
        let last = 0;
        input.addEventListener("input", () => (last = performance.now()));
        document.addEventListener("nm-search-done", (e) => {
          if (e.detail.query === query) resolve({ ms: performance.now() - last, total: e.detail.total });
        });
      }),
    query,
  );
  await page.keyboard.type(query, { delay });
  return answered;
}

/** A fresh page: a new browser context, so nothing is cached, loaded and shown for as long as a
 * person takes to start typing (half a second, a quick reaction). */
async function fresh(seen, viewport = undefined) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport });
  const counted = seen ? track(context, dir) : null;
  const page = await context.newPage();
  await page.goto(`${server.url}${start}`, { waitUntil: "load" });
  if (engine === "nearmiss") await page.waitForSelector("#nm-q:focus");
  await new Promise((resolve) => setTimeout(resolve, REACTION_MS));
  return { context, page, counted };
}

// First query on fresh pages, the whole query at once (as if pasted), with what it downloads;
// then, on nearmiss's page, typed at 80 ms a key (a fast typist).
const first = [];
const firstTyped = [];
const firstDownloads = [];
for (const query of queries.slice(0, 5)) {
  const { context, page, counted } = await fresh(true);
  const r = await run(page, query);
  first.push(r.ms);
  await new Promise((resolve) => setTimeout(resolve, 300));
  firstDownloads.push({ query, total: r.total, ...counted });
  await context.close();
  if (engine === "nearmiss") {
    const { context, page } = await fresh(false);
    firstTyped.push((await typed(page, query, 80)).ms);
    await context.close();
  }
}

// nearmiss on a phone: the filters start closed, so the facets' data is not read.
const phone = [];
const phoneDownloads = [];
if (engine === "nearmiss") {
  for (const query of queries.slice(0, 5)) {
    const { context, page, counted } = await fresh(true, { width: 390, height: 844 });
    phone.push((await run(page, query)).ms);
    await new Promise((resolve) => setTimeout(resolve, 300));
    phoneDownloads.push({ query, ...counted });
    await context.close();
  }
}

// Latency once loaded: every query once to load its shards, then timed.
const context = await browser.newContext({ ignoreHTTPSErrors: true });
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
console.log(JSON.stringify({ first, firstTyped, firstDownloads, phone, phoneDownloads, p50: pct(50), p95: pct(95) }));
