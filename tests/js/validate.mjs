// Validates every HTML page of a built site with html-validate (htmlvalidate.config.mjs):
// prints each error as `page:line:col: rule: message`, then "html-validate: N pages, M errors".
// Usage: node validate.mjs <site dir>; exits non-zero on any error.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { HtmlValidate } from "html-validate";
import config from "./htmlvalidate.config.mjs";

const site = process.argv[2];
const validator = new HtmlValidate(config);

async function* pages(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* pages(path);
    else if (entry.name.endsWith(".html")) yield path;
  }
}

let count = 0;
const errors = [];
for await (const path of pages(site)) {
  count++;
  const report = await validator.validateString(await readFile(path, "utf8"), relative(site, path));
  for (const result of report.results) {
    for (const m of result.messages) errors.push(`${result.filePath}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
  }
}
console.log(errors.join("\n"));
console.log(`html-validate: ${count} pages, ${errors.length} errors`);
process.exit(errors.length ? 1 : 0);
