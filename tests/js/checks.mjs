// Named checks for the browser scripts: each runs, its failure is recorded with the first lines
// of its stack, and `report(name)` prints every result and "<name>: N passed, M failed", then
// exits non-zero if any failed.
const results = [];

export async function check(name, fn) {
  try {
    await fn();
    results.push(`ok   ${name}`);
  } catch (e) {
    results.push(`FAIL ${name}\n     ${String(e.stack || e).split("\n").slice(0, 6).join("\n     ")}`);
  }
}

export function report(name) {
  const failed = results.filter((r) => r.startsWith("FAIL")).length;
  console.log(results.join("\n"));
  console.log(`${name}: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
