// The report page: checks a near-miss report as it is typed, and turns it into a writeup file
// (downloaded or copied) or a prefilled issue. It keeps nothing and sends nothing: no request
// leaves the page, and the site's private lists (blocked names, internal domains) are never
// here; the checks are those a browser can make alone.

/** What a leak looks like, and how to fix it. `keep(match, text before it)` drops look-alikes
 * (dates, versions). */
export const LEAKS = [
  {
    kind: "e-mail address",
    re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    fix: "write the role instead, e.g. “the on-call engineer”, or “a shared mailbox”",
  },
  {
    kind: "IP address",
    re: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/\d{1,2})?(?![\w.])/g,
    // A dotted number after "version", "release", "Linux", "kernel" or "v" is a version.
    keep: (m, before) => !/(?:\b(?:version|release|linux|kernel)\s+|\bv)$/i.test(before),
    fix: "describe the host by its kind, e.g. “a database server”, or write [IP]",
  },
  {
    kind: "IP address",
    re: /(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}|(?:[0-9A-Fa-f]{1,4}:){1,7}:)(?![\w:])/g,
    keep: (m) => /\d/.test(m) && m.split(":").filter(Boolean).length >= 2,
    fix: "describe the host by its kind, e.g. “a database server”, or write [IP]",
  },
  {
    kind: "phone number",
    re: /(?<![\w.+-])\+?\(?\d[\d ().-]{7,18}\d(?![\w.-])/g,
    keep: (m) => {
      const digits = m.replace(/\D/g, "").length;
      const separated = m.startsWith("+") || (m.match(/[ ()-]+/g) || []).length >= 2;
      return digits >= 9 && digits <= 15 && separated && !/^\d{4}-\d{2}-\d{2}/.test(m);
    },
    fix: "leave the number out: write who to call by role, e.g. “the on-call phone”",
  },
  {
    kind: "internal host name",
    re: /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:internal|intranet|corp|local|lan|localdomain|priv|private|home\.arpa)\b|\b(?:[a-z0-9-]+\.)*(?:corp|internal|intranet|int|ad|lan|local)\.[a-z0-9-]+\.[a-z]{2,}\b/gi,
    fix: "describe the system by its kind, e.g. “the internal wiki” or “the build server”",
  },
  {
    kind: "secret",
    re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}\b|\bxox[abposr]-[A-Za-z0-9-]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b|\b[sr]k_live_[0-9A-Za-z]{16,}\b|\bglpat-[0-9A-Za-z_-]{20,}\b|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(?:password|passwd|pwd|secret|api[_-]?key|token)\s*[:=]\s*\S{6,}/gi,
    fix: "remove the secret (and rotate it: it has been seen); write [SECRET] or “an API key”",
  },
  {
    kind: "blaming phrase",
    re: /\bhuman error\b|\b(?:careless(?:ness)?|negligen(?:t|ce)|incompeten(?:t|ce)|sloppy|lazy|stupid|idiot)\b|\b(?:his|her|their|my|your) (?:fault|mistake)\b|\bfault of\b|\b(?:to blame|blamed?)\b|\bshould have known\b|\b(?:he|she|[A-Z][a-z]+) (?:forgot|failed to|neglected|messed up|screwed up|should have|didn'?t bother)\b|\bthe (?:intern|new hire|junior|contractor|temp) (?:forgot|broke|caused|failed|deleted|pushed|messed up)\b/g,
    fix: "describe the condition, not the person: “the change went out without a second review”, not who made it",
  },
];

/** Every leak in `text`: [{ kind, match, fix }]. */
export function leaks(text) {
  const out = [];
  for (const leak of LEAKS) {
    for (const m of text.matchAll(leak.re)) {
      if (leak.keep && !leak.keep(m[0], text.slice(Math.max(0, m.index - 12), m.index))) continue;
      if (!out.some((o) => o.match === m[0])) out.push({ kind: leak.kind, match: m[0], fix: leak.fix });
    }
  }
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today as YYYY-MM-DD, in the reporter's time zone. */
export function today(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The action items of the answer: [{ what, owner, due }] and the lines that are not items. */
export function actionItems(text, separator = "|") {
  const items = [];
  const bad = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim().replace(/^[-*]\s*/, "");
    if (!line) continue;
    const parts = line.split(separator).map((p) => p.trim());
    if (parts.length === 3 && parts[0] && parts[1] && DATE.test(parts[2])) items.push({ what: parts[0], owner: parts[1], due: parts[2] });
    else bad.push(line);
  }
  return { items, bad };
}

/** The problems of a report, by field id: [{ message, fix }]. `fields` as the page lists them. */
export function problems(values, fields, { now = today(), separator = "|" } = {}) {
  const out = {};
  const add = (id, message, fix) => (out[id] ||= []).push({ message, fix });
  for (const f of fields) {
    const value = values[f.id];
    const empty = Array.isArray(value) ? value.length === 0 : !String(value ?? "").trim();
    if (empty) {
      if (f.required) add(f.id, `“${f.label}” is required.`, f.id === "patterns" ? "choose at least one pattern" : "answer it; the help above says how");
      continue;
    }
    if (f.answer === "date") {
      if (!DATE.test(value)) add(f.id, `“${value}” is not a date.`, "write it as YYYY-MM-DD");
      else if (value > now) add(f.id, `${f.label} (${value}) is in the future.`, `today is ${now}; check the year`);
    }
    if (["line", "list", "text"].includes(f.answer) && !Array.isArray(value)) {
      for (const l of leaks(value)) add(f.id, `This looks like ${/^[aeiou]/i.test(l.kind) ? "an" : "a"} ${l.kind}: “${l.match}”.`, l.fix);
    }
    if (f.place === "actions") {
      for (const line of actionItems(value, separator).bad) {
        add(f.id, `“${line}” is not an action item.`, `write what will be done ${separator} the owner's role ${separator} YYYY-MM-DD`);
      }
    }
  }
  const order = ["occurred", "detected", "reported"].filter((id) => DATE.test(values[id] || ""));
  for (let i = 1; i < order.length; i++) {
    const [before, after] = [order[i - 1], order[i]];
    if (values[after] < values[before]) {
      add(after, `${label(fields, after)} (${values[after]}) is before ${label(fields, before).toLowerCase()} (${values[before]}).`,
        "a near miss occurs, then is detected, then reported, in that order");
    }
  }
  return out;
}

const label = (fields, id) => fields.find((f) => f.id === id)?.label ?? id;

/** A YAML double-quoted string. */
export function quote(text) {
  let out = '"';
  for (const c of text) {
    const n = c.codePointAt(0);
    if (c === '"') out += '\\"';
    else if (c === "\\") out += "\\\\";
    else if (n < 0x20 || (n >= 0x7f && n < 0xa0)) out += `\\u${n.toString(16).padStart(4, "0")}`;
    else out += c;
  }
  return out + '"';
}

/** Items of a comma- or line-separated answer. */
export function listItems(value) {
  if (Array.isArray(value)) return value;
  return String(value).split(/[,\n]/).map((s) => s.trim().replace(/^[-*]\s*/, "")).filter(Boolean);
}

/** Markdown of an answer with its `#` and `##` headings made `###`, so it stays in its section. */
export function demoteHeadings(markdown) {
  let fence = null;
  return markdown.split("\n").map((line) => {
    const t = line.trimStart();
    if (t.startsWith("```") || t.startsWith("~~~")) fence = fence === null ? t[0] : fence === t[0] ? null : fence;
    return fence === null && /^#{1,2}[ \t]/.test(line) ? line.replace(/^#{1,2}/, "###") : line;
  }).join("\n");
}

const oneLine = (s) => String(s).split(/\s+/).filter(Boolean).join(" ");

/** The writeup file: front matter, then the six sections, as `nearmiss check` reads it. */
export function toMarkdown(values, fields, { id, separator = "|" }) {
  const v = (k) => String(values[k] ?? "").trim();
  let front = `---\nid: ${id}          # \`nearmiss intake\` gives it the next free id\n`;
  front += `title: ${quote(oneLine(v("title")))}\nstatus: draft\n`;
  for (const f of fields) {
    if (f.place !== "front" || f.id === "title") continue;
    const value = values[f.id];
    if (f.answer === "list") {
      const items = listItems(value ?? "");
      if (items.length) front += `${f.id}: [${items.map(quote).join(", ")}]\n`;
    } else if (v(f.id)) {
      front += `${f.id}: ${f.answer === "line" ? quote(oneLine(v(f.id))) : v(f.id)}\n`;
    }
  }
  const { items } = actionItems(v("actions"), separator);
  if (items.length) {
    front += "actions:\n";
    for (const a of items) front += `  - what: ${quote(a.what)}\n    owner_role: ${quote(a.owner)}\n    due: ${a.due}\n    status: open\n`;
  }
  front += "---\n";
  let body = "";
  for (const f of fields.filter((f) => f.place === "section")) {
    const text = v(f.id) ? demoteHeadings(v(f.id)) : "_To be written during review._";
    body += `\n## ${f.label}\n\n${text}\n`;
  }
  return front + body;
}

/** The issue form's URL with every answer in its query, by field id. */
export function issueUrl(base, values, fields) {
  const url = new URL(base);
  for (const f of fields) {
    const value = values[f.id];
    const text = Array.isArray(value) ? value.join(", ") : String(value ?? "").trim();
    if (text) url.searchParams.set(f.id, text);
  }
  return url.toString();
}

/** A file name from the title: lowercase words joined by `-`. */
export function fileName(title) {
  const slug = oneLine(title).toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  return `${slug || "near-miss"}.md`;
}

// ---------------------------------------------------------------- the page

function start() {
  const form = document.getElementById("nm-report");
  if (!form) return;
  const separator = form.dataset.separator || "|";
  const rows = [...form.querySelectorAll(".report-field")];
  const fields = rows.map((row) => ({
    id: row.dataset.field,
    label: row.dataset.label,
    answer: row.dataset.answer,
    place: row.dataset.place,
    required: row.hasAttribute("data-required"),
  }));
  const random = crypto.getRandomValues(new Uint16Array(1))[0].toString(16).padStart(4, "0");
  const id = `${form.dataset.prefix || "NM"}-report-${today().replaceAll("-", "")}-${random}`;
  const touched = new Set();
  const status = document.getElementById("nm-report-status");
  const preview = document.getElementById("nm-report-preview");
  const issue = document.getElementById("nm-report-issue");
  const reported = document.getElementById("nm-f-reported");
  if (reported && !reported.value) reported.value = today();

  const values = () => {
    const out = {};
    for (const row of rows) {
      const f = row.dataset.field;
      const boxes = row.querySelectorAll("input[type=checkbox]");
      out[f] = boxes.length ? [...boxes].filter((b) => b.checked).map((b) => b.value) : row.querySelector("input, textarea, select").value;
    }
    return out;
  };

  let found = {};
  const refresh = () => {
    const v = values();
    found = problems(v, fields, { separator });
    for (const row of rows) {
      const f = row.dataset.field;
      const list = row.querySelector(".report-problems");
      const shown = touched.has(f) ? found[f] || [] : (found[f] || []).filter((p) => !p.message.endsWith("is required."));
      list.replaceChildren(...shown.map((p) => {
        const li = document.createElement("li");
        const message = document.createElement("span");
        message.className = "report-problem";
        message.textContent = p.message;
        const fix = document.createElement("span");
        fix.className = "report-fix";
        fix.textContent = ` Fix: ${p.fix}.`;
        li.append(message, fix);
        return li;
      }));
      const control = row.querySelector("input:not([type=checkbox]), textarea, select") || row.querySelector("fieldset");
      if (shown.length) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
    const text = toMarkdown(v, fields, { id, separator });
    preview.textContent = text;
    if (issue) issue.href = issueUrl(form.dataset.issueForm, v, fields);
    return text;
  };

  const ready = () => {
    for (const f of fields) touched.add(f.id);
    const text = refresh();
    const count = Object.values(found).reduce((n, list) => n + list.length, 0);
    if (count === 0) return text;
    status.textContent = `${count} problem${count === 1 ? "" : "s"} to fix first: see the notes under the fields.`;
    const first = rows.find((row) => found[row.dataset.field]);
    first?.querySelector("input, textarea, select")?.focus();
    return null;
  };

  form.addEventListener("input", (e) => {
    const row = e.target.closest(".report-field");
    if (row) touched.add(row.dataset.field);
    refresh();
  });
  form.addEventListener("focusout", (e) => {
    const row = e.target.closest(".report-field");
    if (row) {
      touched.add(row.dataset.field);
      refresh();
    }
  });

  // Submitting the form (its button, or Enter in a field) downloads the file; nothing is sent.
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = ready();
    if (text === null) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
    link.download = fileName(values().title);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    status.textContent = `Saved ${link.download}: put it in content/writeups/, or give it to nearmiss intake.`;
  });

  document.getElementById("nm-report-copy").addEventListener("click", async () => {
    const text = ready();
    if (text === null) return;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied the writeup to the clipboard.";
    } catch {
      status.textContent = "The browser did not allow copying: select the text of the file below and copy it.";
      preview.closest("details").open = true;
    }
  });

  issue?.addEventListener("click", (e) => {
    if (ready() === null) e.preventDefault();
    else status.textContent = "The issue form opens in a new tab, filled in: read it once more, then submit it there.";
  });

  refresh();
}

if (typeof document !== "undefined") start();
