// The search page in headless Chromium: the example site served on loopback under a sub-path
// and at the root; type a query, see highlighted results, apply a facet, follow a result by
// keyboard, share a URL, read the facets' data on a phone only once the filters are opened, and
// fall back to links without JavaScript.
// Usage: node browser.mjs <site dir>; prints "browser: N passed, M failed".
import assert from "node:assert/strict";
import { check, finish, watch } from "./checks.mjs";
import { launch, serve } from "./serve.mjs";

const site = process.argv[2];
const sub = await serve(site, "/kb/");
const root = await serve(site, "/");
const browser = await launch();
const context = await browser.newContext();
const page = await context.newPage();
const { errors, requested } = watch(context, page);

const done = (p) => p.evaluate(() => new Promise((r) => document.addEventListener("nm-search-done", r, { once: true })));

await check("typing a query shows highlighted results under a sub-path", async () => {
  await page.goto(`${sub.url}search.html`);
  await page.waitForSelector("#nm-q:focus");
  assert.equal(await page.isVisible("#nm-search-fallback"), false);
  await page.keyboard.type("certificate expiry", { delay: 30 });
  await page.waitForFunction(() => /^\d+ results?$/.test(document.querySelector("#nm-search-status").textContent));
  await page.waitForFunction(() => document.querySelector("#nm-results").textContent.includes("expir"));
  const titles = await page.$$eval(".search-result-title", (els) => els.map((e) => e.textContent));
  assert.ok(titles.length >= 2, `results: ${titles}`);
  assert.ok(titles.some((t) => /certificate/i.test(t)), `titles: ${titles}`);
  const marks = await page.$$eval("#nm-results mark", (els) => els.map((e) => e.textContent.toLowerCase()));
  assert.ok(marks.some((m) => m.startsWith("certificat")), `marks: ${marks}`);
  assert.ok(marks.some((m) => m.startsWith("expir")), `marks: ${marks}`);
  await page.waitForURL(/\/kb\/search\.html\?q=certificate\+expiry$/);
  for (const url of requested) assert.ok(url.startsWith(sub.url), `request outside the site: ${url}`);
});

await check("a facet narrows the results and its counts follow the query", async () => {
  // Set without an input event, so that Enter starts the only search: the status and the
  // facets are read once it has drawn both (the URL changes as a search starts, not as it ends).
  await page.$eval("#nm-q", (box) => {
    box.value = "review";
  });
  const searched = done(page);
  await page.press("#nm-q", "Enter");
  await searched;
  await page.waitForFunction(() => /review/.test(location.search) && document.querySelectorAll(".search-result").length > 0);
  const before = Number((await page.textContent("#nm-search-status")).split(" ")[0]);
  const legend = page.locator("fieldset.facet", { has: page.locator("legend", { hasText: "Severity" }) });
  const first = legend.locator("li").first();
  const count = Number(await first.locator(".facet-count").textContent());
  assert.ok(count > 0 && count < before, `facet count ${count} of ${before}`);
  const finished = done(page);
  await first.locator("input").check();
  await finished;
  const after = Number((await page.textContent("#nm-search-status")).split(" ")[0]);
  assert.equal(after, count);
  assert.match(page.url(), /[?&]f=severity%3A/);
  assert.equal(await first.locator("input").isChecked(), true);
});

await check("arrow keys reach the results and Enter follows one", async () => {
  await page.focus("#nm-q");
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement.className);
  assert.equal(focused, "search-result-link");
  const title = (await page.evaluate(() => document.activeElement.textContent)).trim();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  await Promise.all([page.waitForURL(/\/kb\/(writeups|patterns)\/[^/]+\.html$/), page.keyboard.press("Enter")]);
  assert.equal((await page.textContent("h1")).trim(), title);
});

await check("a shared URL shows the same results, at the site root too", async () => {
  for (const base of [sub.url, root.url]) {
    const p = await context.newPage();
    await p.goto(`${base}search.html?q=%22change+review%22&f=kind%3Awriteup`);
    await p.waitForSelector(".search-result");
    assert.equal(await p.inputValue("#nm-q"), '"change review"');
    const marks = await p.$$eval("#nm-results mark", (els) => els.map((e) => e.textContent.toLowerCase()));
    assert.ok(marks.includes("change") && marks.includes("review"), `marks: ${marks}`);
    const href = await p.getAttribute(".search-result-link", "href");
    assert.ok(href.startsWith(`${base}writeups/`), href);
    await p.close();
  }
});

await check("a query that matches nothing explains why and offers a way on", async () => {
  await page.goto(`${sub.url}search.html`);
  await page.fill("#nm-q", "firewall zzyzx");
  await page.press("#nm-q", "Enter");
  await page.waitForSelector("#nm-search-help:not([hidden])");
  const text = await page.textContent("#nm-search-help");
  assert.match(text, /No page contains “zzyzx”/);
  assert.ok(await page.isVisible('#nm-search-help a[href$="patterns/index.html"]'));
});

await check("on a phone the facets' data is read only once the filters are opened", async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p = await phone.newPage();
  const fetched = [];
  p.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  const facets = () => fetched.filter((path) => /\/search\/facets\.[0-9a-f]{16}\.gz$/.test(path));
  await p.goto(`${sub.url}search.html`);
  await p.waitForSelector("#nm-q:focus");
  const answered = done(p);
  await p.fill("#nm-q", "review");
  await answered;
  const labels = await p.$$eval(".search-result-meta", (els) => els.map((e) => e.textContent));
  assert.ok(labels.some((l) => /· (Low|Medium|High|Critical)\b/.test(l)), `results show their severity: ${labels}`);
  assert.deepEqual(facets(), [], "the first query did not read the facets' data");
  assert.equal(await p.isVisible("#nm-filters"), true);
  assert.equal(await p.isVisible("#nm-facets"), false, "the filters start closed");
  const counted = p.waitForFunction(() => document.querySelectorAll("#nm-facets .facet-count").length > 0);
  await p.click("#nm-filters summary");
  await counted;
  assert.equal(facets().length, 1, `fetched: ${fetched}`);
  const count = Number(await p.locator("#nm-facets .facet-count").first().textContent());
  assert.ok(count > 0, `a count: ${count}`);
  await phone.close();
});

await check("without JavaScript the page links to the patterns index", async () => {
  const off = await browser.newContext({ javaScriptEnabled: false });
  const p = await off.newPage();
  await p.goto(`${sub.url}search.html?q=firewall`);
  assert.ok(await p.isVisible('#nm-search-fallback a[href="patterns/index.html"]'));
  assert.equal(await p.isVisible("#nm-search"), false);
  await off.close();
});

await check("no script errors", async () => assert.deepEqual(errors, [], errors.join("\n")));

await browser.close();
await sub.close();
await root.close();
finish("browser");
