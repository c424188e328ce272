// Named checks for the browser scripts: each runs to the end whatever the others do, and the
// script closes with one "NAME: N passed, M failed" line and a matching exit code.

const results = [];

/** Runs the check `name`, keeping its failure (with the first lines of its stack) for the report. */
export async function check(name, fn) {
  try {
    await fn();
    results.push(`ok   ${name}`);
  } catch (e) {
    results.push(`FAIL ${name}\n     ${String(e.stack || e).split("\n").slice(0, 4).join("\n     ")}`);
  }
}

/** Prints every result and the closing line, and exits non-zero when a check failed. */
export function finish(label) {
  const failed = results.filter((r) => r.startsWith("FAIL")).length;
  console.log(results.join("\n"));
  console.log(`${label}: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** What a page did that a check looks at: its script errors and failed loads (`errors`), and
 * every URL it requested (`requested`). */
export function watch(context, page) {
  const errors = [];
  const requested = [];
  context.on("weberror", (e) => errors.push(String(e.error())));
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && errors.push(`${r.status()} ${r.url()}`));
  page.on("request", (r) => requested.push(r.url()));
  return { errors, requested };
}
