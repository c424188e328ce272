// The filters of the writeups index and the action tracker in headless Chromium, on the
// learning fixture served on loopback under a sub-path: filter by owner role, status, pattern
// and severity, sort by severity, share the filtered URL, and see every row without JavaScript.
// Usage: node filters.mjs <site dir>; prints "filters: N passed, M failed".
import assert from "node:assert/strict";
import { launch, serve } from "./serve.mjs";

const site = process.argv[2];
const results = [];

async function check(name, fn) {
  try {
    await fn();
    results.push(`ok   ${name}`);
  } catch (e) {
    results.push(`FAIL ${name}\n     ${String(e.stack || e).split("\n").slice(0, 4).join("\n     ")}`);
  }
}

const sub = await serve(site, "/learning/");
const browser = await launch();
const errors = [];
const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
context.on("weberror", (e) => errors.push(String(e.error())));
const page = await context.newPage();
page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && errors.push(`${r.status()} ${r.url()}`));

const status = () => page.textContent("#nm-filters .filter-status");
const ids = () => page.$$eval("#nm-filter-results .writeup-item .id", (els) => els.map((e) => e.textContent));
const matched = (n) => page.waitForFunction((n) => document.querySelector("#nm-filters .filter-status").textContent.startsWith(`${n} of`), n);

await check("the writeups index filters by pattern and severity", async () => {
  await page.goto(`${sub.url}writeups/index.html`);
  await page.waitForSelector("#nm-filters:not([hidden])");
  await page.selectOption("#nm-filters select[name=pattern]", "certs");
  await matched(3);
  assert.deepEqual(await ids(), ["L-4", "L-3", "L-2"]);
  assert.equal(await page.isVisible("#nm-static-list"), false);
  await page.selectOption("#nm-filters select[name=severity]", "critical");
  await matched(1);
  assert.deepEqual(await ids(), ["L-2"]);
  assert.match(page.url(), /\?pattern=certs&severity=critical$/);
});

await check("the writeups index filters by owner role and action status", async () => {
  await page.goto(`${sub.url}writeups/index.html?role=sysadmin`);
  await matched(2);
  assert.deepEqual(await ids(), ["L-3", "L-1"]);
  await page.selectOption("#nm-filters select[name=status]", "overdue");
  await matched(1);
  assert.deepEqual(await ids(), ["L-3"]);
  assert.equal(await status(), "1 of 5 writeups match.");
});

await check("the writeups index sorts by severity and by date", async () => {
  await page.goto(`${sub.url}writeups/index.html`);
  await page.selectOption("#nm-filters select[name=sort]", "severity");
  await matched(5);
  // Critical, high, medium, then the two lows newest first.
  assert.deepEqual(await ids(), ["L-2", "L-1", "L-4", "L-3", "L-0"]);
  await page.selectOption("#nm-filters select[name=sort]", "date-asc");
  await matched(5);
  assert.deepEqual(await ids(), ["L-0", "L-1", "L-2", "L-3", "L-4"]);
  await page.click("#nm-filters button[type=reset]");
  await page.waitForSelector("#nm-static-list:not([hidden])");
  assert.equal(await page.isVisible("#nm-filter-results"), false);
});

await check("the tracker filters by owner role, status, pattern and severity", async () => {
  await page.goto(`${sub.url}actions/index.html`);
  await page.selectOption("#nm-filters select[name=role]", "sysadmin");
  await matched(3);
  const groups = await page.$$eval("#nm-filter-results section h2", (els) => els.map((e) => e.firstChild.textContent.trim()));
  assert.deepEqual(groups, ["Overdue", "Open", "Done"]);
  // Done items stay folded away.
  assert.equal(await page.isVisible("#nm-filter-results .group-done table"), false);
  await page.selectOption("#nm-filters select[name=status]", "done");
  await matched(1);
  await page.click("#nm-filter-results .group-done summary");
  const done = await page.textContent("#nm-filter-results .group-done tbody");
  assert.match(done, /Store the backup encryption key/);
  assert.match(done, /late/);
  await page.goto(`${sub.url}actions/index.html?pattern=backups&severity=critical`);
  await matched(2);
  const what = await page.$$eval("#nm-filter-results tbody th", (els) => els.map((e) => e.textContent));
  assert.deepEqual(what, ["Renew certificates and backup keys from one inventory", "Alert thirty days before any certificate expires"]);
});

await check("without JavaScript every row is listed and the form stays hidden", async () => {
  const off = await browser.newContext({ javaScriptEnabled: false });
  const p = await off.newPage();
  await p.goto(`${sub.url}actions/index.html?role=sysadmin`);
  assert.equal(await p.isVisible("#nm-filters"), false);
  assert.equal(await p.$$eval("#nm-static-list tbody tr", (els) => els.length), 6);
  await p.goto(`${sub.url}writeups/index.html`);
  assert.equal(await p.$$eval("#nm-static-list .writeup-item", (els) => els.length), 5);
  await off.close();
});

await check("no script errors", async () => assert.deepEqual(errors, [], errors.join("\n")));

await browser.close();
await sub.close();
const failed = results.filter((r) => r.startsWith("FAIL")).length;
console.log(results.join("\n"));
console.log(`filters: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
