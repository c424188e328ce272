// The report page in headless Chromium: fill the form, see each check fire next to its field
// and clear once fixed, download the writeup, copy it, and read the prefilled issue URL.
// Usage: node report.mjs <site dir> <download dir>; writes <download dir>/<file>.md and
// <download dir>/issue-url.txt, prints "report: N passed, M failed".
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, finish, watch } from "./checks.mjs";
import { launch, serve } from "./serve.mjs";

const [site, downloads] = process.argv.slice(2);
const server = await serve(site, "/kb/");
const browser = await launch();
const context = await browser.newContext({ acceptDownloads: true });
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(server.url).origin });
const page = await context.newPage();
const { errors, requested } = watch(context, page);

/** The problems listed under a field, as text. */
const problemsOf = (id) => page.$$eval(`#nm-f-${id}-problems li`, (els) => els.map((e) => e.textContent));

/** Waits until the field's problems include (or, with `present` false, lack) `text`. */
async function expectProblem(id, text, present = true) {
  await page.waitForFunction(
    ([id, text, present]) => {
      const all = [...document.querySelectorAll(`#nm-f-${id}-problems li`)].map((e) => e.textContent);
      return all.some((t) => t.includes(text)) === present;
    },
    [id, text, present],
    { timeout: 5000 },
  ).catch(async () => assert.fail(`${id}: expected ${present ? "" : "no "}problem "${text}", found ${JSON.stringify(await problemsOf(id))}`));
}

const ANSWERS = {
  title: "Expired signing key caught before the release was published",
  occurred: "2026-03-02",
  detected: "2026-03-03",
  reported: "2026-03-04",
  detection: "The release checklist's signature verification step failed.",
  impact_area: "integrity, availability",
  roles: "release-manager, security-lead",
  systems: "release pipeline, package registry",
  team: "team-kestrel",
  tags: "signing, releases",
  what_almost_failed: "The package signing key had expired, so the release would have shipped unsigned.\n\n## Details the reporter added\n\n- the key's expiry was not monitored",
  what_stopped_it: "The verification step of the release checklist.",
  what_would_have_happened: "Users would have installed packages that their tools could not verify.",
  why_it_happened: "Nothing tracked the key's expiry date.",
  what_we_learned: "The checklist works; key expiry needs its own alert.",
  luck: "An alert 30 days before any signing key expires.",
  actions: "Alert 30 days before a signing key expires | security-lead | 2026-04-30",
};

await check("the page is linked from every page and needs nothing from outside", async () => {
  await page.goto(`${server.url}index.html`);
  await Promise.all([page.waitForURL(/report\.html$/), page.click("nav >> text=Report a near miss")]);
  await page.waitForSelector("#nm-report");
  assert.equal(await page.getAttribute("nav a[href$='report.html']", "aria-current"), "page");
  const note = await page.textContent(".report-note");
  assert.match(note, /keeps nothing and sends nothing/);
  assert.match(note, /Reporting without your name/);
  assert.match(note, /Ask the security lead/);
  for (const url of requested) assert.ok(url.startsWith(server.url), `request outside the site: ${url}`);
});

await check("required fields are reported once touched, and cleared once answered", async () => {
  await page.focus("#nm-f-title");
  await page.focus("#nm-f-occurred");
  await expectProblem("title", "is required");
  assert.equal(await page.getAttribute("#nm-f-title", "aria-invalid"), "true");
  await page.fill("#nm-f-title", ANSWERS.title);
  await expectProblem("title", "is required", false);
  assert.equal(await page.getAttribute("#nm-f-title", "aria-invalid"), null);
});

await check("dates out of order are reported at the later one", async () => {
  await page.fill("#nm-f-occurred", "2026-03-05");
  await page.fill("#nm-f-detected", ANSWERS.detected);
  await expectProblem("detected", "is before occurred");
  await page.fill("#nm-f-occurred", ANSWERS.occurred);
  await expectProblem("detected", "is before occurred", false);
  await page.fill("#nm-f-reported", "2999-01-01");
  await expectProblem("reported", "is in the future");
  await page.fill("#nm-f-reported", ANSWERS.reported);
  await expectProblem("reported", "is in the future", false);
});

const LEAKS = [
  ["what_almost_failed", "Mail ops-lead@example.com about it.", "e-mail address"],
  ["what_stopped_it", "Call +44 20 7946 0958 first.", "phone number"],
  ["why_it_happened", "The host 10.20.30.40 was open.", "IP address"],
  ["systems", "build01.corp.example.com", "internal host name"],
  ["what_we_learned", "The key AKIAIOSFODNN7EXAMPLE was in the log.", "secret"],
  ["luck", "It was human error, Dave forgot the step.", "blaming phrase"],
];

for (const [id, text, kind] of LEAKS) {
  await check(`${kind}: reported next to its field with a fix, and cleared`, async () => {
    await page.fill(`#nm-f-${id}`, text);
    await expectProblem(id, kind);
    const [problem] = (await problemsOf(id)).filter((p) => p.includes(kind));
    assert.match(problem, /Fix: /, problem);
    await page.fill(`#nm-f-${id}`, ANSWERS[id]);
    await expectProblem(id, kind, false);
  });
}

await check("dates, versions and plain numbers are not mistaken for leaks", async () => {
  await page.fill("#nm-f-why_it_happened", "On 2026-03-02 version 1.2.3.4 of the tool ran job 123456789 at 10:30:00.");
  await page.waitForTimeout(100);
  assert.deepEqual(await problemsOf("why_it_happened"), []);
  await page.fill("#nm-f-why_it_happened", ANSWERS.why_it_happened);
});

await check("an action item not in the form `what | role | date` is reported", async () => {
  await page.fill("#nm-f-actions", "Do better next time");
  await expectProblem("actions", "is not an action item");
  await page.fill("#nm-f-actions", ANSWERS.actions);
  await expectProblem("actions", "is not an action item", false);
});

await check("downloading with problems left says so and downloads nothing", async () => {
  let downloaded = false;
  page.once("download", () => (downloaded = true));
  await page.click("#nm-report-download");
  await page.waitForFunction(() => /problems? to fix first/.test(document.querySelector("#nm-report-status").textContent));
  for (const id of ["tlp", "severity", "stopped_by", "patterns"]) assert.ok((await problemsOf(id)).length > 0, `${id} not reported`);
  assert.equal(downloaded, false);
});

await check("a complete report downloads as a .md file and copies to the clipboard", async () => {
  for (const [id, value] of Object.entries(ANSWERS)) await page.fill(`#nm-f-${id}`, value);
  await page.selectOption("#nm-f-tlp", "green");
  await page.selectOption("#nm-f-severity", "high");
  await page.selectOption("#nm-f-stopped_by", "process");
  await page.check("input[name=patterns] >> nth=0");
  const problems = await page.$$eval(".report-problems li", (els) => els.map((e) => e.textContent));
  assert.deepEqual(problems, []);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#nm-report-download")]);
  assert.equal(download.suggestedFilename(), "expired-signing-key-caught-before-the-release-was-published.md");
  await download.saveAs(join(downloads, download.suggestedFilename()));
  await page.click("#nm-report-copy");
  await page.waitForFunction(() => /Copied/.test(document.querySelector("#nm-report-status").textContent));
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.textContent("#nm-report-preview"));
  assert.match(copied, /^---\nid: NM-report-\d{8}-[0-9a-f]{4} /);
});

await check("the issue button opens the repository's issue form with every answer", async () => {
  const href = await page.getAttribute("#nm-report-issue", "href");
  const url = new URL(href);
  assert.equal(`${url.origin}${url.pathname}`, "https://github.com/example-org/near-misses/issues/new");
  assert.equal(url.searchParams.get("template"), "near-miss.yml");
  writeFileSync(join(downloads, "issue-url.txt"), href);
});

await check("no script error, and no request outside the site", async () => {
  assert.deepEqual(errors, []);
  for (const url of requested) assert.ok(url.startsWith(server.url), `request outside the site: ${url}`);
});
await browser.close();
await server.close();
finish("report");
