// A static file server on loopback for the browser tests and the benchmark: serves a built site
// under a path prefix (such as /kb/, a GitHub Pages project site) with the types a host sends,
// over HTTP/1.1, or over HTTP/2 with a throwaway self-signed certificate as GitHub Pages serves;
// a missing file under the prefix gets the site's 404.html with status 404, and text (HTML, CSS,
// JavaScript, JSON, XML) is gzip'd for a client that accepts it, as GitHub Pages does.
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import { createSecureServer } from "node:http2";
import { mkdtempSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
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

/** Serves `dir` at http(s)://127.0.0.1:<port><prefix> from a child process, so that the
 * driver's work never delays a response; `http2` needs the openssl command. Resolves to
 * { url, close }. */
export function serve(dir, prefix = "/", { http2 = false } = {}) {
  const args = [fileURLToPath(import.meta.url), dir, prefix, http2 ? "h2" : "h1"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.stdout.once("data", (line) => {
      const url = String(line).trim();
      resolve({ url, close: () => new Promise((done) => child.once("exit", done).kill()) });
    });
  });
}

/** A self-signed certificate for 127.0.0.1, made for this run. */
function certificate() {
  const dir = mkdtempSync(join(tmpdir(), "nearmiss-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
}

/** The server itself, in this process. */
function listen(dir, prefix, protocol) {
  const handler = async (req, res) => {
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
      const type = TYPES[extname(rel)] || "application/octet-stream";
      const headers = { "content-type": type, "cache-control": "no-store" };
      const text = /^text\/|^application\/(json|xml)/.test(type);
      if (text && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
        res.writeHead(200, { ...headers, "content-encoding": "gzip", vary: "accept-encoding" });
        res.end(gzipSync(body));
      } else {
        res.writeHead(200, headers);
        res.end(body);
      }
    } catch {
      const page = await readFile(join(dir, "404.html")).catch(() => null);
      if (page) res.writeHead(404, { "content-type": TYPES[".html"], "cache-control": "no-store" }).end(page);
      else res.writeHead(404).end();
    }
  };
  const server = protocol === "h2" ? createSecureServer({ ...certificate(), allowHTTP1: true }, handler) : createServer(handler);
  // Without TCP_NODELAY, a small response waits for the client's delayed ACK (about 40 ms on
  // Linux), which no CDN does.
  server.on(protocol === "h2" ? "secureConnection" : "connection", (socket) => socket.setNoDelay(true));
  const scheme = protocol === "h2" ? "https" : "http";
  server.listen(0, "127.0.0.1", () => console.log(`${scheme}://127.0.0.1:${server.address().port}${prefix}`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) listen(process.argv[2], process.argv[3], process.argv[4]);

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
