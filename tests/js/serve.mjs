// A static file server on loopback for the browser tests and the benchmark: serves a built site
// under a path prefix (such as /kb/, a GitHub Pages project site) with the types a host sends.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".gz": "application/gzip",
  ".xml": "application/xml",
  ".txt": "text/plain",
  ".pf_meta": "application/octet-stream",
  ".pf_index": "application/octet-stream",
  ".pf_fragment": "application/octet-stream",
  ".pf_filter": "application/octet-stream",
  ".wasm": "application/wasm",
};

/** Serves `dir` at http://127.0.0.1:<port><prefix> from a child process, so that the driver's
 * work never delays a response; resolves to { url, close }. */
export function serve(dir, prefix = "/") {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), dir, prefix], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.stdout.once("data", (line) => {
      const url = String(line).trim();
      resolve({ url, close: () => new Promise((done) => child.once("exit", done).kill()) });
    });
  });
}

/** The server itself, in this process. */
function listen(dir, prefix) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    let rel = normalize(path.slice(prefix.length));
    if (rel.startsWith("..")) {
      res.writeHead(403).end();
      return;
    }
    if (rel === "." || rel.endsWith("/")) rel = join(rel, "index.html");
    try {
      const body = await readFile(join(dir, rel));
      res.writeHead(200, { "content-type": TYPES[extname(rel)] || "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}${prefix}`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) listen(process.argv[2], process.argv[3]);

/** Headless Chromium from Debian's package, with a fresh profile and no background traffic. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    chromiumSandbox: false,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
