// Screenshots of the main page types of a built site at desktop (1280 px) and phone (390 px)
// widths (and the charts on their own), for docs/: node screenshots.mjs <site dir> <out dir>. The README's home page shot is
// docs/screenshot.png; the rest are docs/screenshots/<page>-<width>.png.
import { mkdir, readdir } from "node:fs/promises";
import { launch, serve } from "./serve.mjs";

const [site, out] = process.argv.slice(2);
const first = async (dir) => `${dir}/${(await readdir(`${site}/${dir}`)).filter((n) => n !== "index.html").sort()[0]}`;
const shots = [
  ["home", "index.html"],
  ["writeup", await first("writeups")],
  ["pattern", "patterns/certificate-expiry.html"],
  ["timeline", "patterns/certificate-expiry.html", "section[aria-labelledby=nm-timeline-title]"],
  ["kris", "kri/index.html"],
  ["kri", "kri/luck-share.html"],
  ["kri-trend", "kri/luck-share.html", "section[aria-labelledby=nm-trend-title] figure"],
  ["summary", "summary.html"],
  ["search", "search.html?q=certifica"],
];
await mkdir(`${out}/screenshots`, { recursive: true });
const server = await serve(site, "/kb/");
const browser = await launch();
for (const width of [1280, 390]) {
  const context = await browser.newContext({ viewport: { width, height: width > 800 ? 900 : 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  for (const [name, path, part] of shots) {
    await page.goto(`${server.url}${path}`);
    if (name === "search") await page.waitForSelector(".search-result");
    const file = `${out}/screenshots/${name}-${width}.png`;
    if (part) await page.locator(part).screenshot({ path: file });
    else await page.screenshot({ path: file });
    if (name === "home" && width === 1280) {
      await page.setViewportSize({ width: 1200, height: 900 });
      await page.screenshot({ path: `${out}/screenshot.png` });
      await page.setViewportSize({ width, height: 900 });
    }
  }
  await context.close();
}
await browser.close();
await server.close();
console.log(`screenshots: ${shots.length * 2 + 1} written to ${out}`);
