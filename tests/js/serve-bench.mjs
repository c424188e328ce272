// Measures `nearmiss serve`'s edit-to-browser latency for the benchmark (benches/serve.rs): a
// writeup's page open in headless Chromium, its file edited one change at a time, alternately in
// the body and in the front matter (title and severity, which lists and indicators show), each
// timed from the write to the page showing the change (live reload swaps the page's body in).
// Usage: node serve-bench.mjs <page url> <markdown file> <edits>; prints JSON.
import { readFile, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { launch } from "./serve.mjs";

const [url, file, edits] = process.argv.slice(2);
const SEVERITIES = ["low", "medium", "high", "critical"];
const BENCH_LINE = /^Edited for the serve benchmark: .*$/m;
const TIMEOUT_MS = 10_000;
const PAUSE_MS = 300;

const original = await readFile(file, "utf8");
const title = original.match(/^title: "(.*)"$/m)?.[1];
if (title === undefined) throw new Error(`${file} has no quoted title`);

/** A body edit: the benchmark's sentence at the end of the writeup, carrying `marker`. */
function body(text, marker) {
  const line = `Edited for the serve benchmark: ${marker}.`;
  return BENCH_LINE.test(text) ? text.replace(BENCH_LINE, () => line) : `${text.trimEnd()}\n\n${line}\n`;
}

/** A front-matter edit: `marker` in the title, and the next severity. */
function front(text, marker) {
  return text
    .replace(/^title: .*$/m, () => `title: "${title} ${marker}"`)
    .replace(/^severity: (\w+)$/m, (_, s) => `severity: ${SEVERITIES[(SEVERITIES.indexOf(s) + 1) % SEVERITIES.length]}`);
}

/** Whether the page shows `marker` in a frame it paints within half a second; false if not, or
 * if the page is replaced first (a full reload). */
async function shows(page, marker) {
  try {
    return await page.evaluate(
      (m) =>
        new Promise((resolve) => {
          const until = performance.now() + 500;
          const tick = () => {
            if (document.body?.innerText.includes(m)) resolve(true);
            else if (performance.now() > until) resolve(false);
            else requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        }),
      marker,
    );
  } catch (e) {
    if (/context|navigat/i.test(e.message)) return false;
    throw e;
  }
}

/** Writes `text`, then watches the page (which swaps in the new version, or reloads) until it
 * shows `marker`: the milliseconds from the write to then. */
async function timed(page, text, marker) {
  const t0 = performance.now();
  await writeFile(file, text);
  while (performance.now() - t0 < TIMEOUT_MS) {
    if (await shows(page, marker)) return performance.now() - t0;
  }
  throw new Error(`${url} did not show ${marker} within ${TIMEOUT_MS} ms`);
}

const browser = await launch();
const ms = [];
const kinds = [];
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  const run = Date.now().toString(36).slice(-5);
  let text = original;
  for (let i = 0; i < Number(edits); i++) {
    const kind = i % 2 === 0 ? "body" : "front";
    const marker = `nmsb${run}x${i}`;
    text = kind === "body" ? body(text, marker) : front(text, marker);
    ms.push(await timed(page, text, marker));
    kinds.push(kind);
    await sleep(PAUSE_MS);
  }
} finally {
  await writeFile(file, original);
  await browser.close();
}
console.log(JSON.stringify({ ms, kinds }));
