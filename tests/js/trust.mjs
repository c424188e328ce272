// The example site in headless Chromium, page type by page type, at 1280 and 390 px, light and
// dark: chart text never under 10 px, no table cell clipped, the period in progress distinct,
// dark-mode bands apart, axe-core without violations, no failed request (favicon included);
// search that finds, for every part-typed prefix of a word, what the whole word finds, echoes a
// phrase as typed, puts filters first on a phone and announces "More results"; print-to-PDF
// with the TLP at the top and bottom of every sheet.
// Usage: node trust.mjs <site dir>; prints "trust: N passed, M failed".
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { check, finish } from "./checks.mjs";
import { launch, serve } from "./serve.mjs";

const site = process.argv[2];
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");

/** The first page of `dir` (a writeup, pattern, tag or KRI page). */
async function first(dir) {
  const names = (await readdir(`${site}/${dir}`)).filter((n) => n.endsWith(".html") && n !== "index.html").sort();
  return `${dir}/${names[0]}`;
}

const PAGES = [
  "index.html",
  "writeups/index.html",
  await first("writeups"),
  "patterns/index.html",
  "patterns/certificate-expiry.html",
  "tags/index.html",
  await first("tags"),
  "kri/index.html",
  "kri/luck-share.html",
  "summary.html",
  "actions/index.html",
  "search.html",
  "data.html",
  "404.html",
];
const WIDTHS = [1280, 390];

const server = await serve(site, "/kb/");
const browser = await launch();
const failed = [];

/** A page at `width` in `scheme`, with every failed request recorded. axe-core goes in as an
 * inline script, which 404.html's own policy refuses: the checks here bypass it (not-found.mjs
 * checks the page under its policy). */
async function open(path, width, scheme = "light") {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, bypassCSP: true });
  const page = await context.newPage();
  page.on("response", (r) => r.status() >= 400 && !(path === "404.html" && r.url().endsWith("404.html")) && failed.push(`${r.status()} ${r.url()} (${path})`));
  await page.goto(`${server.url}${path}`);
  return { page, close: () => context.close() };
}

await check("chart text never renders under 10 px, at 1280 and 390 px", async () => {
  for (const width of WIDTHS) {
    for (const path of ["kri/luck-share.html", "kri/reported.html", "patterns/certificate-expiry.html"]) {
      const { page, close } = await open(path, width);
      const small = await page.$$eval(".chart-svg svg text", (texts) =>
        texts
          .map((t) => {
            const m = t.getScreenCTM();
            const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
            return { text: t.textContent, px };
          })
          .filter((t) => t.px < 10),
      );
      assert.ok((await page.$$(".chart-svg svg text")).length > 5, `${path}: no chart text`);
      assert.deepEqual(small, [], `${path} at ${width}px`);
      await close();
    }
  }
});

await check("no table cell is clipped and no page scrolls sideways, at 1280 and 390 px", async () => {
  for (const width of WIDTHS) {
    for (const path of PAGES) {
      const { page, close } = await open(path, width);
      const clipped = await page.evaluate(() => {
        const out = [];
        const box = (el) => el.getBoundingClientRect();
        for (const cell of document.querySelectorAll("main td, main th")) {
          const r = box(cell);
          if (r.width === 0 && r.height === 0) continue;
          // Headers hidden on purpose (cards on a phone label their cells instead) are not clipped text.
          if (cell.closest("thead") && getComputedStyle(cell.closest("thead")).clipPath !== "none") continue;
          // Inside a region that scrolls sideways on purpose (the chart data), it may overflow.
          let clip = null;
          for (let a = cell.parentElement; a && a !== document.body; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX;
            if (o !== "visible") {
              clip = a;
              break;
            }
          }
          const limit = clip ? box(clip) : { left: 0, right: document.documentElement.clientWidth };
          if (r.left < limit.left - 1 || r.right > limit.right + 1) out.push(`${cell.textContent.trim().slice(0, 40)} [${Math.round(r.left)}, ${Math.round(r.right)}] in [${Math.round(limit.left)}, ${Math.round(limit.right)}]`);
        }
        if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) out.push(`page is ${document.documentElement.scrollWidth}px wide`);
        return out;
      });
      assert.deepEqual(clipped, [], `${path} at ${width}px`);
      await close();
    }
  }
});

await check("the period in progress is drawn distinct from complete ones", async () => {
  const { page, close } = await open("kri/luck-share.html", 1280);
  const looks = await page.$$eval(".kri-chart circle.point", (points) =>
    points.map((p) => ({ partial: p.classList.contains("point-partial"), fill: getComputedStyle(p).fill, stroke: getComputedStyle(p).stroke })),
  );
  const partial = looks.filter((p) => p.partial);
  assert.equal(partial.length, 1, JSON.stringify(looks));
  const complete = looks.find((p) => !p.partial);
  assert.notEqual(partial[0].fill, complete.fill, "hollow");
  assert.ok(await page.isVisible(".kri-chart .chart-partial-label"));
  const dash = await page.$eval(".kri-chart .chart-line-partial", (l) => getComputedStyle(l).strokeDasharray);
  assert.notEqual(dash, "none");
  await close();
});

await check("dark-mode bands are told apart", async () => {
  const { page, close } = await open("kri/luck-share.html", 1280, "dark");
  const colours = await page.evaluate(() => {
    const bg = getComputedStyle(document.querySelector(".chart")).backgroundColor;
    const rgba = (s) => s.match(/[\d.]+/g).map(Number);
    const over = (fg, base) => {
      const [r, g, b, a = 1] = rgba(fg);
      const [R, G, B] = rgba(base);
      return [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
    };
    const of = (name) => over(getComputedStyle(document.querySelector(`.band-${name}`)).fill, bg);
    return { green: of("green"), amber: of("amber"), red: of("red") };
  });
  const distance = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  assert.ok(distance(colours.green, colours.amber) >= 40, JSON.stringify(colours));
  assert.ok(distance(colours.amber, colours.red) >= 40, JSON.stringify(colours));
  await close();
});

await check("axe-core finds no violation on any page type, at both widths, light and dark", async () => {
  const found = [];
  for (const width of WIDTHS) {
    for (const scheme of ["light", "dark"]) {
      for (const path of PAGES) {
        const { page, close } = await open(path, width, scheme);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`));
        for (const v of violations) found.push(`${path} ${width}px ${scheme}: ${v}`);
        await close();
      }
    }
  }
  assert.deepEqual(found, []);
});

/** The results of `text` typed into the search box, as the page shows them. */
async function typed(page, text) {
  const finished = page.evaluate(() => new Promise((r) => document.addEventListener("nm-search-done", (e) => r(e.detail), { once: true })));
  await page.fill("#nm-q", text);
  const detail = await finished;
  return { total: detail.total, nothing: await page.isVisible("#nm-search-help") };
}

await check("every part-typed prefix finds what the whole word finds", async () => {
  const { page, close } = await open("search.html", 1280);
  await page.waitForSelector("#nm-q:focus");
  const engine = `${server.url}assets/search-engine.js`;
  for (const word of ["certificate", "monitoring", "deployment", "vulnerability", "firewall", "rotation", "phishing", "backup"]) {
    const whole = await typed(page, word);
    assert.ok(whole.total > 0, `${word} finds nothing`);
    const gaps = await page.evaluate(
      async ({ engine, word }) => {
        const { SearchIndex } = await import(engine);
        const index = await SearchIndex.open(new URL("search/", new URL("../", engine)));
        const docs = async (text) => new Set((await index.search(text, { prefix: true, limit: 1000 })).hits.map((h) => h.doc));
        const want = await docs(word);
        const out = [];
        for (let n = 3; n < word.length; n++) {
          const got = await docs(word.slice(0, n));
          const lost = [...want].filter((d) => !got.has(d));
          if (lost.length) out.push(`${word.slice(0, n)} misses ${lost.length} of ${want.size}`);
        }
        return out;
      },
      { engine, word },
    );
    assert.deepEqual(gaps, [], word);
    for (let n = 3; n < word.length; n++) {
      const part = await typed(page, word.slice(0, n));
      assert.ok(!part.nothing && part.total >= whole.total, `${word.slice(0, n)}: ${part.total} results, ${word}: ${whole.total}`);
    }
  }
  await close();
});

await check("a phrase that finds nothing is echoed as typed", async () => {
  const { page, close } = await open("search.html", 1280);
  await page.fill("#nm-q", '"Firewall changes zebra"');
  await page.press("#nm-q", "Enter");
  await page.waitForSelector("#nm-search-help:not([hidden])");
  assert.match(await page.textContent("#nm-search-help"), /No page contains “Firewall changes zebra”/);
  await close();
});

await check("on a phone the filters come first, collapsed; wide, they are open beside the results", async () => {
  for (const [width, open_] of [[390, false], [1280, true]]) {
    const { page, close } = await open("search.html?q=review", width);
    await page.waitForSelector(".search-result");
    await page.waitForSelector("#nm-filters:not([hidden])");
    const layout = await page.evaluate(() => {
      const filters = document.querySelector("#nm-filters");
      const results = document.querySelector("#nm-results");
      return {
        open: filters.open,
        before: Boolean(filters.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING),
        above: filters.getBoundingClientRect().top < results.getBoundingClientRect().top,
      };
    });
    assert.equal(layout.open, open_, `${width}px`);
    assert.ok(layout.before, "filters precede the results");
    if (width === 390) assert.ok(layout.above, "filters are above the results on a phone");
    await close();
  }
});

await check("More results moves focus to the first new result and says how many were added", async () => {
  const { page, close } = await open("search.html?q=the", 1280);
  await page.waitForSelector(".search-result");
  const before = await page.$$eval(".search-result", (r) => r.length);
  assert.equal(before, 10);
  const finished = page.evaluate(() => new Promise((r) => document.addEventListener("nm-search-done", r, { once: true })));
  await page.click("#nm-search-more");
  await finished;
  const after = await page.$$eval(".search-result", (r) => r.length);
  assert.ok(after > before, `${after} results`);
  const focused = await page.evaluate(() => [...document.querySelectorAll(".search-result-link")].indexOf(document.activeElement));
  assert.equal(focused, before);
  assert.match(await page.textContent("#nm-search-status"), new RegExp(`, ${after - before} more shown$`));
  await close();
});

/** The text of each sheet of `path` printed to PDF, with where each marking sits. */
async function printed(path) {
  const { page, close } = await open(path, 1280);
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  await close();
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: true }).promise;
  const sheets = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const sheet = await doc.getPage(n);
    const height = sheet.getViewport({ scale: 1 }).height;
    const items = (await sheet.getTextContent()).items;
    sheets.push({ height, items: items.map((i) => ({ str: i.str, y: i.transform[5] })) });
  }
  return sheets;
}

await check("print-to-PDF marks every sheet with the TLP at its top and bottom", async () => {
  const writeup = await first("writeups");
  for (const [path, label] of [["summary.html", "TLP:GREEN"], [writeup, null], ["patterns/certificate-expiry.html", null]]) {
    const html = await readFile(`${site}/${path}`, "utf8");
    const want = label ?? html.match(/data-tlp="([^"]+)"/)[1];
    const sheets = await printed(path);
    if (path === "summary.html") assert.equal(sheets.length, 1, "the summary fits one sheet");
    sheets.forEach((sheet, i) => {
      const marks = sheet.items.filter((it) => it.str.trim() === want).map((it) => it.y);
      assert.ok(marks.some((y) => y > sheet.height * 0.9), `${path} sheet ${i + 1}: no ${want} at the top`);
      assert.ok(marks.some((y) => y < sheet.height * 0.1), `${path} sheet ${i + 1}: no ${want} at the bottom`);
    });
  }
});

await check("no request fails on any page (a favicon included)", async () => {
  for (const path of PAGES) {
    const { close } = await open(path, 390);
    await close();
  }
  assert.deepEqual(failed, []);
});

await browser.close();
await server.close();
finish("trust");
