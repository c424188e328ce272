// The search page: a search box with results as you type, facet filters with live counts,
// highlighted snippets, keyboard navigation and the query in the URL (?q=…&f=facet:value).
// The bundle is found from this file's own URL, so the site works at a domain's root and under
// a sub-path alike. The engine is in search-engine.js.

import { SearchIndex, tokenize } from "./search-engine.js";

const ROOT = new URL("../", import.meta.url);
const PAGE = 10;
const SNIPPET_CHARS = 220;
const FACET_VALUES = 12;

const $ = (id) => document.getElementById(id);
const form = $("nm-search");
const input = $("nm-q");
const status = $("nm-search-status");
const list = $("nm-results");
const help = $("nm-search-help");
const more = $("nm-search-more");
const facetsBox = $("nm-facets");
const filtersBox = $("nm-filters");
/** Wide screens show the filters beside the results, open; phones show them first, collapsed. */
const wide = matchMedia("(min-width: 62rem)");

const state = { filters: {}, shown: PAGE, run: 0, urlTimer: 0, typing: false, more: 0 };
const opening = SearchIndex.open(new URL("../search/", import.meta.url));

/** An element with attributes (`class` and `text` set as properties) and children. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

/** Reads the query and filters from the page's URL. */
function readUrl() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  state.filters = {};
  for (const f of params.getAll("f")) {
    const at = f.indexOf(":");
    if (at > 0) (state.filters[f.slice(0, at)] ??= []).push(f.slice(at + 1));
  }
}

/** Puts the query and filters in the URL, so a search can be shared or bookmarked; while the
 * user types, only once they pause (browsers throttle history updates). */
function writeUrl(typing) {
  clearTimeout(state.urlTimer);
  if (typing) {
    state.urlTimer = setTimeout(writeUrl, 400, false);
    return;
  }
  const params = new URLSearchParams();
  if (input.value) params.set("q", input.value);
  for (const [facet, values] of Object.entries(state.filters)) for (const v of values) params.append("f", `${facet}:${v}`);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

/** How to find the words a query matched in a result's text: `tokens(text)` and
 * `isMatch(token)`. A stem keeps its word's first letter, so only words that start like a
 * matched word are stemmed. */
function matcher(result) {
  const words = new Set(result.words);
  const typed = result.clauses.filter((c) => c.typed).map((c) => c.typed);
  const firsts = new Set([...words, ...typed].map((w) => w[0]));
  return {
    tokens: (text) => tokenize(text, (word) => firsts.has(word[0])),
    isMatch: (token) => words.has(token.stem) || typed.some((t) => token.word.startsWith(t)),
  };
}

/** `text` with the matched words in <mark>, as DOM nodes. */
function highlight(text, tokens, isMatch) {
  const out = [];
  let at = 0;
  for (const t of tokens) {
    if (!isMatch(t)) continue;
    if (t.start > at) out.push(text.slice(at, t.start));
    out.push(el("mark", { text: text.slice(t.start, t.end) }));
    at = t.end;
  }
  out.push(text.slice(at));
  return out;
}

/** The passage of `text` with the most distinct matched words, cut at word boundaries. */
function snippet(text, { tokens: tokenizer, isMatch }) {
  const hits = tokenizer(text).filter(isMatch);
  let start = 0;
  if (hits.length) {
    let best = -1;
    for (const h of hits) {
      const distinct = new Set(hits.filter((o) => o.start >= h.start && o.end <= h.start + SNIPPET_CHARS).map((o) => o.stem));
      if (distinct.size > best) {
        best = distinct.size;
        start = h.start;
      }
    }
    start = Math.max(0, start - 60);
  }
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  if (start > 0) start = text.indexOf(" ", start) + 1 || start;
  if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
  const passage = text.slice(start, end).replace(/\s+/g, " ");
  const nodes = highlight(passage, tokenizer(passage), isMatch);
  if (start > 0) nodes.unshift("… ");
  if (end < text.length) nodes.push(" …");
  return nodes;
}

/** Draws the results: title, id or kind, date, severity and patterns, snippet. */
function renderResults(index, result, records) {
  const match = matcher(result);
  list.replaceChildren(
    ...result.hits.map((hit, i) => {
      const r = records[i];
      const link = el("a", { href: new URL(r.u, ROOT).href, class: "search-result-link" }, ...highlight(r.t, match.tokens(r.t), match.isMatch));
      const meta = el("p", { class: "search-result-meta" });
      meta.append(el("span", { class: r.k === "pattern" ? "search-kind" : "id", text: r.k === "pattern" ? "Pattern" : r.i }));
      if (r.d) meta.append(" · ", el("time", { datetime: r.d, text: r.d }));
      for (const [facet, value] of r.l || []) meta.append(" · ", index.manifest.facets[facet].values[value][1]);
      return el("li", { class: "search-result" }, el("h2", { class: "search-result-title" }, link), meta, el("p", { class: "search-snippet" }, ...snippet(r.x, match)));
    }),
  );
}

/** Says why nothing matched and what to try: other words, no filters, browsing. */
function renderHelp(result) {
  const items = [];
  if (result.missing.length) {
    const words = result.missing.map((w) => `“${w}”`).join(", ");
    items.push(el("li", { text: `No page contains ${words}: check the spelling, or try another word for it.` }));
  } else {
    items.push(el("li", { text: "Every word must match: try fewer words, or more general ones." }));
  }
  if (Object.keys(state.filters).length) {
    const clear = el("button", { type: "button", class: "search-clear", text: "Remove all filters" });
    clear.addEventListener("click", () => {
      state.filters = {};
      update(state.typing);
      input.focus();
    });
    items.push(el("li", {}, "Filters narrow the results: ", clear));
  }
  const browse = el("li", {}, "Or browse the ", el("a", { href: new URL("patterns/index.html", ROOT).href, text: "patterns" }), " and ", el("a", { href: new URL("writeups/index.html", ROOT).href, text: "every writeup" }), ".");
  items.push(browse);
  help.replaceChildren(el("p", { text: `Nothing found for “${input.value.trim()}”.` }), el("ul", {}, ...items));
}

/** Draws a fieldset of checkboxes per facet, with the count each value would leave; until the
 * facets' data is read (on a phone, once the filters are opened), says they are loading. */
function renderFacets(index, result) {
  if (!index.facetsLoaded) {
    facetsBox.replaceChildren(...(result.total > 0 ? [el("p", { class: "muted", text: "Loading the filters…" })] : []));
    return;
  }
  const groups = [];
  for (const facet of index.facets) {
    const counts = result.counts[facet.name] || {};
    const selected = new Set(state.filters[facet.name] || []);
    const values = facet.values
      .filter(([value]) => counts[value] || selected.has(value))
      .sort((a, b) => (counts[b[0]] || 0) - (counts[a[0]] || 0))
      .slice(0, Math.max(FACET_VALUES, selected.size));
    if (values.length < 2 && selected.size === 0) continue;
    const boxes = values.map(([value, label]) => {
      const box = el("input", { type: "checkbox", name: facet.name, value });
      box.checked = selected.has(value);
      box.addEventListener("change", () => {
        const now = new Set(state.filters[facet.name] || []);
        if (box.checked) now.add(value);
        else now.delete(value);
        if (now.size) state.filters[facet.name] = [...now];
        else delete state.filters[facet.name];
        update(state.typing, { name: facet.name, value });
      });
      return el("li", {}, el("label", {}, box, ` ${label} `, el("span", { class: "facet-count", text: String(counts[value] || 0) })));
    });
    groups.push(el("fieldset", { class: "facet" }, el("legend", { text: facet.label }), el("ul", {}, ...boxes)));
  }
  facetsBox.replaceChildren(...groups);
}

/** Runs the search in the box; `typing` treats the last word as unfinished. `focus` names the
 * facet value whose checkbox keeps the focus once the filters are drawn again. */
async function update(typing, focus = null) {
  const run = ++state.run;
  state.typing = typing;
  const text = input.value;
  writeUrl(typing);
  const index = await opening.catch(() => null);
  if (!index) return; // the status line says why
  const result = await index.search(text, { prefix: typing, filters: state.filters, limit: state.shown });
  const records = await index.records(result.hits.map((h) => h.doc));
  if (run !== state.run) return;
  const blank = result.clauses.length === 0;
  const counted = blank ? "" : `${result.total} result${result.total === 1 ? "" : "s"}`;
  // After "More results": say how many were added and move to the first of them.
  const before = state.more;
  state.more = 0;
  const added = before ? result.hits.length - before : 0;
  status.textContent = added > 0 ? `${counted}, ${added} more shown` : counted;
  renderResults(index, result, records);
  if (added > 0) links()[before]?.focus();
  help.hidden = blank || result.total > 0;
  if (!help.hidden) renderHelp(result);
  more.hidden = result.total <= result.hits.length;
  renderFacets(index, result);
  filtersBox.hidden = facetsBox.childElementCount === 0;
  if (focus) facetsBox.querySelector(`input[name="${CSS.escape(focus.name)}"][value="${CSS.escape(focus.value)}"]`)?.focus();
  document.dispatchEvent(new CustomEvent("nm-search-done", { detail: { query: text, total: result.total } }));
}

/** The result links, in order. */
function links() {
  return [...list.querySelectorAll(".search-result-link")];
}

/** ↓/↑ move from the box through the results, Esc goes back to the box. */
function onKey(event) {
  const all = links();
  const at = all.indexOf(document.activeElement);
  if (event.key === "ArrowDown" && all.length) {
    all[Math.min(at + 1, all.length - 1)].focus();
  } else if (event.key === "ArrowUp" && at >= 0) {
    if (at === 0) input.focus();
    else all[at - 1].focus();
  } else if (event.key === "Escape" && at >= 0) {
    input.focus();
  } else {
    return;
  }
  event.preventDefault();
}

$("nm-search-fallback").hidden = true;
form.hidden = false;
$("nm-search-area").hidden = false;
readUrl();
input.addEventListener("input", () => {
  state.shown = PAGE;
  update(true);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  update(false);
});
more.addEventListener("click", () => {
  state.more = links().length;
  state.shown += PAGE;
  update(state.typing);
});
filtersBox.open = wide.matches;
wide.addEventListener("change", () => {
  filtersBox.open = wide.matches;
});
// The facets' data is read once the filters show (at once beside the results on a wide screen,
// when opened on a phone) or a shared URL filters; then the counts are drawn.
let facetsShown = null;
function showFacets() {
  facetsShown ??= opening
    .then(async (index) => {
      await index.loadFacets();
      if (input.value.trim()) update(state.typing);
    })
    .catch((e) => {
      facetsShown = null;
      facetsBox.replaceChildren(el("p", { text: `The filters are unavailable: ${e.message}` }));
    });
}
filtersBox.addEventListener("toggle", () => filtersBox.open && showFacets());
if (filtersBox.open || Object.keys(state.filters).length) showFacets();
input.addEventListener("keydown", onKey);
list.addEventListener("keydown", onKey);
if (input.value) update(true);
input.focus();
opening.catch((e) => {
  status.textContent = `Search is unavailable: ${e.message}`;
});
