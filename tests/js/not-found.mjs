// 404.html in headless Chromium, the three ways a reader meets it: opened from disk (file://),
// served by a GitHub Pages-like host for a deep missing URL under the base path, and by
// `nearmiss serve` (whose header policy adds to the page's own). Each time it must look like
// the rest of the site (the inline copy of the theme's style sheet applied, light and dark),
// with no Content-Security-Policy violation, and its way home must work.
// Usage: node not-found.mjs <site dir built with base path /kb/> [nearmiss serve URL]
// prints "not found: N passed, M failed".
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { check, finish } from "./checks.mjs";
import { launch, serve } from "./serve.mjs";

const [site, preview] = process.argv.slice(2);
const browser = await launch();

/** What the theme styles on every page, as the browser computes it. */
function looks() {
  const pick = (css, props) => {
    const el = document.querySelector(css);
    if (!el) return `no ${css}`;
    const style = getComputedStyle(el);
    return Object.fromEntries(props.map((p) => [p, style[p]]));
  };
  return {
    body: pick("body", ["fontFamily", "color", "backgroundColor", "margin"]),
    header: pick(".site-header", ["backgroundColor", "borderBottomWidth", "position"]),
    brand: pick(".brand-name", ["fontWeight", "color"]),
    nav: pick(".site-nav ul", ["display", "listStyleType"]),
    main: pick("main.container", ["maxWidth", "paddingLeft"]),
    footer: pick(".site-footer", ["backgroundColor", "borderTopWidth"]),
  };
}

/** Opens `url` in `scheme`, recording policy violations and console errors (but failed loads of
 * the `expected` URLs), then returns { page, status, violations, errors, close }. */
async function open(url, scheme = "light", expected = [url]) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
  const page = await context.newPage();
  const violations = [];
  const errors = [];
  await page.exposeFunction("nmViolation", (v) => violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) => window.nmViolation(`${e.violatedDirective} ${e.blockedURI}`)),
  );
  page.on("console", (m) => {
    const text = m.text();
    if (/Content.Security.Policy|Refused to/i.test(text)) violations.push(text);
    else if (m.type() === "error" && !(text.startsWith("Failed to load resource") && expected.includes(m.location().url))) {
      errors.push(`${text} (${m.location().url})`);
    }
  });
  context.on("weberror", (e) => errors.push(String(e.error())));
  const response = await page.goto(url);
  return { page, status: response?.status(), violations, errors, close: () => context.close() };
}

/** The same elements with no style sheet at all: what "unstyled" computes to. */
async function unstyled(scheme) {
  const context = await browser.newContext({ colorScheme: scheme });
  const page = await context.newPage();
  await page.setContent(
    '<header class="site-header"><span class="brand-name">x</span><nav class="site-nav"><ul><li>x</li></ul></nav></header>' +
      '<main class="container">x</main><footer class="site-footer">x</footer>',
  );
  const bare = await page.evaluate(looks);
  await context.close();
  return bare;
}

/** Checks that the 404 page at `url` looks like `home` (another page of the same site) and not
 * like an unstyled page, in light and dark, without a policy violation or a failed load but of
 * the `tolerated` URLs. */
async function styledLikeTheSite(url, home, expectStatus, tolerated = [url]) {
  const seen = {};
  for (const scheme of ["light", "dark"]) {
    const reference = await open(home, scheme);
    const expected = await reference.page.evaluate(looks);
    await reference.close();
    const lost = await open(url, scheme, tolerated);
    assert.equal(lost.status, expectStatus, `${url}: status`);
    assert.equal(await lost.page.locator("h1").textContent(), "This page is a near miss");
    assert.deepEqual(lost.violations, [], `${url}: policy violations in ${scheme}`);
    assert.deepEqual(lost.errors, [], `${url}: console errors in ${scheme}`);
    const got = await lost.page.evaluate(looks);
    assert.deepEqual(got, expected, `${url} in ${scheme} is not styled like ${home}`);
    const bare = await unstyled(scheme);
    for (const part of Object.keys(got)) assert.notDeepEqual(got[part], bare[part], `${url}: ${part} is unstyled in ${scheme}`);
    // The 404 page's own rules, from the same inline sheet.
    const list = await lost.page.$eval(".not-found .link-list", (l) => getComputedStyle(l).listStyleType);
    assert.equal(list, "none", `${url}: the link list keeps its bullets`);
    seen[scheme] = got.body.backgroundColor;
    await lost.close();
  }
  assert.notEqual(seen.light, seen.dark, `${url}: dark mode changes nothing`);
}

/** Follows the link named `name` on the 404 page at `url`; returns the URL and body class it lands on. */
async function follow(url, name) {
  const { page, close } = await open(url);
  await Promise.all([page.waitForURL((u) => u.href !== url), page.getByRole("link", { name, exact: true }).click()]);
  const landed = { url: page.url(), kind: await page.evaluate(() => document.body.className.split(" ")[0]) };
  await close();
  return landed;
}

const disk = pathToFileURL(join(site, "404.html")).href;

await check("404.html opened from disk is styled like the site, light and dark, with no policy violation", async () => {
  // Its links start with the base path, out of reach from disk: only the favicon is loaded by one.
  await styledLikeTheSite(disk, pathToFileURL(join(site, "index.html")).href, 200, ["file:///kb/assets/favicon.svg"]);
});

await check("from disk, the home page link next to 404.html opens the home page", async () => {
  const landed = await follow(disk, "index.html");
  assert.equal(landed.url, pathToFileURL(join(site, "index.html")).href);
  assert.equal(landed.kind, "kind-home");
});

const server = await serve(site, "/kb/");
const deep = `${server.url}no/such/deep/page.html`;

await check("served for a deep missing URL under /kb/, 404.html is styled like the site, with no policy violation", async () => {
  await styledLikeTheSite(deep, `${server.url}index.html`, 404);
});

await check("served for a deep missing URL, its links lead to the site's pages", async () => {
  assert.deepEqual(await follow(deep, "Go to the home page"), { url: `${server.url}index.html`, kind: "kind-home" });
  assert.deepEqual(await follow(deep, "Browse patterns"), { url: `${server.url}patterns/index.html`, kind: "kind-patterns" });
});
await server.close();

if (preview) {
  await check("under `nearmiss serve`, whose header policy adds to the page's own, 404.html is styled", async () => {
    await styledLikeTheSite(`${preview}no/such/deep/page.html`, `${preview}index.html`, 404);
  });
}

await browser.close();
finish("not found");
