// Filters and sort for the long lists (the writeups index and the action tracker). Without
// this script every row is still listed, on the lists' numbered pages; with it, the form reads
// the rows from the JSON chunks the page names and shows the matching ones, a batch at a time,
// so a list of 100,000 stays usable on a phone. Filters live in the URL (?role=…&status=…).

const BATCH = 100;
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };
const GROUPS = [
  ["overdue", "Overdue", false],
  ["in-progress", "In progress", false],
  ["open", "Open", false],
  ["done", "Done", true],
  ["wont-do", "Won’t do", true],
];
const FIELDS = ["role", "status", "pattern", "severity", "sort"];

/** The two kinds of rows: how each matches a filter and how it is shown. */
const KINDS = {
  writeups: {
    noun: ["writeup", "writeups"],
    matches(row, f) {
      const [, , , , severity, , patterns, roles, statuses] = row;
      return (
        (!f.role || words(roles).includes(f.role)) &&
        (!f.status || words(statuses).includes(f.status)) &&
        (!f.pattern || words(patterns).includes(f.pattern)) &&
        (!f.severity || severity === f.severity)
      );
    },
    sort(rows, f) {
      if (f.sort === "date-asc") return rows.slice().reverse();
      if (f.sort === "severity") {
        // Rows come newest first: a stable sort keeps that order within a severity.
        return rows.slice().sort((a, b) => SEVERITY_RANK[a[4]] - SEVERITY_RANK[b[4]]);
      }
      return rows;
    },
    render(rows, root, into) {
      const list = el("ul", { class: "writeup-list", role: "list" });
      for (const [id, title, url, occurred, severity, stopped] of rows) {
        const item = el("li", { class: "writeup-item" });
        const heading = el("h3", { class: "writeup-item-title" });
        heading.append(el("a", { href: root + url }, title));
        const meta = el("p", { class: "writeup-item-meta" });
        meta.append(el("span", { class: "id" }, id), " ", el("span", {}, `Occurred ${occurred}`));
        const badges = el("p", { class: "badges" });
        badges.append(
          el("span", { class: `badge sev sev-${severity}` }, `${capitalise(severity)} severity`),
          " ",
          el("span", { class: "badge stopped" }, `Stopped by: ${stopped}`),
        );
        item.append(heading, meta, badges);
        list.append(item);
      }
      into.append(list);
    },
  },
  actions: {
    noun: ["action item", "action items"],
    matches(row, f) {
      const [, role, , , , status, , , , , , severity, patterns] = row;
      return (
        (!f.role || role === f.role) &&
        (!f.status || status === f.status) &&
        (!f.pattern || words(patterns).includes(f.pattern)) &&
        (!f.severity || severity === f.severity)
      );
    },
    sort: (rows) => rows,
    render(rows, root, into) {
      for (const [status, label, folded] of GROUPS) {
        const group = rows.filter((r) => r[5] === status);
        if (group.length === 0) continue;
        const section = el("section", { class: `action-group group-${status}` });
        section.append(el("h2", {}, `${label} `, el("span", { class: "heading-count" }, String(group.length))));
        const table = actionTable(group, root, label);
        if (folded) {
          const details = el("details");
          details.append(el("summary", {}, `Show ${group.length} ${label.toLowerCase()}`), table);
          section.append(details);
        } else {
          section.append(table);
        }
        into.append(section);
      }
    },
  },
};

function actionTable(rows, root, label) {
  const table = el("table", { class: "actions-table tracker-table", role: "table" });
  table.append(el("caption", {}, `${label} action items`));
  const head = el("tr", { role: "row" });
  for (const h of ["What", "Writeup", "Owner role", "Due", "Status"]) {
    head.append(el("th", { scope: "col", role: "columnheader" }, h));
  }
  table.append(el("thead", { role: "rowgroup" }, head));
  const body = el("tbody", { role: "rowgroup" });
  for (const [what, , owner, due, closed, status, late, reason, id, title, url] of rows) {
    const tr = el("tr", { role: "row", class: `is-${status}${late ? " is-late" : ""}` });
    tr.append(el("th", { scope: "row", role: "rowheader" }, what));
    const writeup = el("td", { role: "cell", "data-label": "Writeup" });
    writeup.append(el("a", { href: root + url }, el("span", { class: "id" }, id), ` ${title}`));
    tr.append(writeup, el("td", { role: "cell", "data-label": "Owner role" }, owner));
    tr.append(el("td", { role: "cell", "data-label": "Due" }, due));
    const text = {
      done: `Done ${closed}${late ? " (late)" : ""}`,
      "wont-do": `Won’t do ${closed}${reason ? `: ${reason}` : ""}`,
      overdue: "Overdue",
      "in-progress": "In progress",
      open: "Open",
    }[status];
    tr.append(el("td", { role: "cell", "data-label": "Status" }, el("span", { class: `status status-${status}` }, text)));
    body.append(tr);
  }
  table.append(body);
  return table;
}

function words(text) {
  return text ? text.split(" ") : [];
}

function capitalise(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** An element with attributes and children (text children are set as text, never as HTML). */
function el(name, attrs = {}, ...children) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function setUp(form) {
  const kind = KINDS[form.dataset.kind];
  if (!kind) return;
  const root = form.dataset.root || "";
  const chunks = (form.dataset.chunks || "").split(" ").filter(Boolean);
  const results = document.getElementById("nm-filter-results");
  const staticList = document.getElementById("nm-static-list");
  const status = form.querySelector(".filter-status");
  let rows = null;
  let shown = 0;
  let matched = [];

  const load = async () => {
    if (rows) return rows;
    const parts = await Promise.all(
      chunks.map((c) =>
        fetch(root + c).then((r) => {
          if (!r.ok) throw new Error(`${c}: ${r.status}`);
          return r.json();
        }),
      ),
    );
    rows = parts.flat();
    return rows;
  };

  const values = () => {
    const f = {};
    for (const name of FIELDS) {
      const field = form.elements.namedItem(name);
      if (field && field.value) f[name] = field.value;
    }
    return f;
  };

  const showMore = () => {
    const next = matched.slice(shown, shown + BATCH);
    shown += next.length;
    results.replaceChildren();
    kind.render(matched.slice(0, shown), root, results);
    if (shown < matched.length) {
      const more = el("button", { type: "button", class: "show-more" }, `Show ${Math.min(BATCH, matched.length - shown)} more`);
      more.addEventListener("click", showMore);
      results.append(more);
    }
  };

  const apply = async () => {
    const f = values();
    const params = new URLSearchParams(location.search);
    for (const name of FIELDS) {
      if (f[name] && !(name === "sort" && f[name] === "date")) params.set(name, f[name]);
      else params.delete(name);
    }
    const query = params.toString();
    history.replaceState(null, "", query ? `?${query}${location.hash}` : location.pathname + location.hash);
    const active = FIELDS.some((n) => f[n] && !(n === "sort" && f[n] === "date"));
    if (!active) {
      results.hidden = true;
      staticList.hidden = false;
      status.textContent = "";
      return;
    }
    status.textContent = "Loading…";
    try {
      const all = await load();
      matched = kind.sort(all.filter((r) => kind.matches(r, f)), f);
    } catch (e) {
      status.textContent = `The list could not be loaded (${e.message}); every item is still on the pages below.`;
      return;
    }
    const [one, many] = kind.noun;
    status.textContent = `${matched.length} of ${rows.length} ${rows.length === 1 ? one : many} match.`;
    shown = 0;
    staticList.hidden = true;
    results.hidden = false;
    showMore();
  };

  const params = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    const field = form.elements.namedItem(name);
    const value = params.get(name);
    if (field && value && [...field.options].some((o) => o.value === value)) field.value = value;
  }
  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("reset", () => setTimeout(apply, 0));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    apply();
  });
  if (FIELDS.some((n) => params.get(n))) apply();
}

const form = document.getElementById("nm-filters");
if (form) setUp(form);
