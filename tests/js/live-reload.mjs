// `nearmiss serve`'s live reload in headless Chromium: an edit swaps the open page's body in
// (no navigation, scroll kept), again after the first, a broken edit brings the overlay and the
// fix takes it away, and a theme asset change reloads the page.
// Usage: node live-reload.mjs <page url> <markdown file> <css file>; prints "live reload: ok".
import assert from "node:assert/strict";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { launch } from "./serve.mjs";

const [url, markdown, css] = process.argv.slice(2);
const TIMEOUT_MS = 10_000;

/** Waits until `test()` holds in the page, tolerating a reload on the way. */
async function until(page, what, test, arg) {
  const t0 = Date.now();
  while (Date.now() - t0 < TIMEOUT_MS) {
    try {
      if (await page.evaluate(test, arg)) return;
    } catch (e) {
      if (!/context|navigat/i.test(e.message)) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${url}: ${what} within ${TIMEOUT_MS} ms`);
}

const shows = (text) => document.body.innerText.includes(text);
const original = await readFile(markdown, "utf8");
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 800, height: 400 } });
  await page.goto(url, { waitUntil: "load" });
  // Long enough to scroll, then scrolled down; a mark that only a reload would clear.
  await writeFile(markdown, `${original.trimEnd()}\n\n${"A paragraph to scroll past.\n\n".repeat(60)}`);
  await until(page, "the long page", () => document.body.scrollHeight > 3000);
  await page.evaluate(() => {
    window.scrollTo(0, 1500);
    window.nmMark = "kept";
  });

  for (const words of ["First live edit.", "Second live edit."]) {
    await appendFile(markdown, `\n${words}\n`);
    await until(page, `"${words}" shown`, shows, words);
    assert.equal(await page.evaluate(() => window.nmMark), "kept", "the page was swapped, not reloaded");
    assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - 1500) < 5, "the scroll position is kept");
  }

  await appendFile(markdown, "\nThe token was sk_live_51Hx8Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Q.\n");
  await until(page, "the overlay", () => document.getElementById("nm-overlay") !== null);
  await writeFile(markdown, `${original.trimEnd()}\n\nFixed.\n`);
  await until(page, "the fix shown without the overlay", () => !document.getElementById("nm-overlay") && document.body.innerText.includes("Fixed."));
  assert.equal(await page.evaluate(() => window.nmMark), "kept");

  await appendFile(css, "\n.nm-live-reload-test { color: red; }\n");
  await until(page, "a reload for the new style sheet", () => window.nmMark === undefined);
} finally {
  await writeFile(markdown, original);
  await browser.close();
}
console.log("live reload: ok");
