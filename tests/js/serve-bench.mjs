// Measures `nearmiss serve`'s edit-to-browser latency for the benchmark (benches/serve.rs): a
// writeup's page open in headless Chromium, its file edited one change at a time, alternately in
// the body and in the front matter (title and severity, which lists and indicators show), each
// timed from the write to the page showing the change after its live reload.
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

/** Whether the page shows `marker` in the next frame it paints; false if it is replaced first. */
async function shows(page, marker) {
  try {
    return await page.evaluate(
      (m) => new Promise((resolve) => requestAnimationFrame(() => resolve(document.body.innerText.includes(m)))),
      marker,
    );
  } catch (e) {
    if (/context|navigat/i.test(e.message)) return false;
    throw e;
  }
}

/** Writes `text`, then checks every document the page loads (it reloads itself on each
 * rebuild) until one shows `marker`: the milliseconds from the write to then. */
function timed(page, text, marker) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const done = (error, ms) => {
      clearTimeout(timer);
      page.off("domcontentloaded", check);
      if (error) reject(error);
      else resolve(ms);
    };
    const check = () => shows(page, marker).then((yes) => yes && done(null, performance.now() - t0), done);
    const timer = setTimeout(() => done(new Error(`${url} did not show ${marker} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    page.on("domcontentloaded", check);
    writeFile(file, text).catch(done);
  });
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
