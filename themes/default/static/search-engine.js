// The search engine of the static bundle that `nearmiss build` writes into search/ (its format
// is documented beside the Rust code, in src/search/). It parses queries as `nearmiss search` does, tokenises and stems them as
// tantivy's en_stem analyzer does, and scores with tantivy's BM25 in 32-bit floats, so results
// and scores match the command line. No DOM here: the page's script is search.js.

import { stem } from "./stemmer.js";

export { stem };

const f32 = Math.fround;
const WORD = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]+/gu;
const ALNUM = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u;
const MAX_TOKEN_BYTES = 40;
const utf8 = new TextEncoder();

/** Lower-cases one code point at a time, as tantivy's LowerCaser does (no final-sigma rule). */
function lower(text) {
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let out = "";
  for (const c of text) out += c.toLowerCase();
  return out;
}

/** Stems of the words seen so far: texts repeat their words, and stemming is the slow part. */
const stems = new Map();

/** `stem(word)`, remembered. */
function cachedStem(word) {
  let s = stems.get(word);
  if (s === undefined) {
    if (stems.size > 100_000) stems.clear();
    s = stem(word);
    stems.set(word, s);
  }
  return s;
}

/**
 * The tokens of `text` as the index analyzer makes them: runs of letters and digits, those of 40
 * UTF-8 bytes or more dropped, lower-cased. Each is `{ word, stem, start, end }` (UTF-16 offsets);
 * `stem` is null for the words `stemmed(word)` declines, to save the work.
 */
export function tokenize(text, stemmed = () => true) {
  const out = [];
  for (const m of text.matchAll(WORD)) {
    // Fewer than 14 UTF-16 units are fewer than 40 UTF-8 bytes.
    if (m[0].length >= 14 && utf8.encode(m[0]).length >= MAX_TOKEN_BYTES) continue;
    const word = lower(m[0]);
    out.push({ word, stem: stemmed(word) ? cachedStem(word) : null, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * A query as clauses: `{ term }`, `{ phrase: [...] }` or, while typing (`prefix`), the last word
 * of at least `minChars` characters as `{ typed, stem }`. Duplicate clauses are dropped.
 * Mirrors `Index::parse` in Rust.
 */
export function parse(text, prefix = false, minChars = 3) {
  const segments = text
    .split('"')
    .map((part, i) => [part, i % 2 === 1])
    .filter(([part]) => part.length > 0);
  const chars = Array.from(text);
  const openEnd = prefix && chars.length > 0 && ALNUM.test(chars[chars.length - 1]);
  const clauses = [];
  segments.forEach(([segment, quoted], i) => {
    const tokens = tokenize(segment);
    // `text` is the clause as typed, for saying what matched nothing; it is not part of the query.
    const typedText = (from, to) => segment.slice(tokens[from].start, tokens[to].end);
    if (quoted) {
      if (tokens.length === 1) clauses.push({ term: tokens[0].stem, text: typedText(0, 0) });
      else if (tokens.length > 1) clauses.push({ phrase: tokens.map((t) => t.stem), text: typedText(0, tokens.length - 1) });
      return;
    }
    const typing = openEnd && i + 1 === segments.length;
    tokens.forEach((t, j) => {
      if (typing && j === tokens.length - 1 && Array.from(t.word).length >= minChars) {
        clauses.push({ typed: t.word, stem: t.stem, text: typedText(j, j) });
      } else {
        clauses.push({ term: t.stem, text: typedText(j, j) });
      }
    });
  });
  const seen = new Set();
  return clauses.filter((c) => {
    const key = JSON.stringify({ ...c, text: undefined });
    return !seen.has(key) && seen.add(key);
  });
}

/**
 * Every word `typed` could still become by finishing one of `endings`: for each ending and each
 * way `typed` may already end with its start, `typed` plus the rest. Mirrors `completions` in Rust.
 */
export function completions(typed, endings) {
  const out = [];
  for (const ending of endings) {
    for (let cut = 0; cut < ending.length; cut++) {
      const word = typed + ending.slice(cut);
      if (typed.endsWith(ending.slice(0, cut)) && !out.includes(word)) out.push(word);
    }
  }
  return out;
}

/** Compares strings in UTF-8 byte order, the order of the index's term dictionary. */
export function compareBytes(a, b) {
  // For ASCII, and any text without astral characters, UTF-16 order is byte order.
  if (!/[\ud800-\udfff]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Reads LEB128 varints from bytes. */
class Reader {
  constructor(bytes, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }
  varint() {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.bytes[this.pos++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  }
  blob() {
    const len = this.varint();
    const out = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

/** Gunzips `bytes`, unless the host already sent them decompressed. */
async function gunzip(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // the host already decompressed it
  const stream = new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The bytes at `url`, by fetch: the default way to read the bundle. */
async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** One term's postings in one field, decoded from their bytes when first read. */
class Postings {
  constructor(field, df, bytes) {
    this.field = field;
    this.df = df;
    this.bytes = bytes;
    this.decoded = null;
    this.cached = null;
  }

  /** Each posting's BM25 in `index` (boost included), computed once: a term's weight and a
   * document's norm do not change between queries. */
  scored(index) {
    if (!this.cached) {
      const field = index.fields[this.field];
      const weight = f32(f32(index.idf(this.df) * index.k1Plus1) * field.boost);
      const { docs, tfs } = this.lists;
      this.cached = new Float32Array(docs.length);
      for (let k = 0; k < docs.length; k++) this.cached[k] = index.score(weight, field, docs[k], tfs[k]);
    }
    return this.cached;
  }

  /** Doc ids (ascending) and term frequencies, as two Int32Arrays. */
  get lists() {
    if (!this.decoded) {
      const r = new Reader(this.bytes);
      const docs = new Int32Array(this.df);
      const tfs = new Int32Array(this.df);
      let doc = -1;
      for (let k = 0; k < this.df; k++) {
        const v = r.varint();
        doc += v >>> 1;
        docs[k] = doc;
        tfs[k] = v & 1 ? r.varint() : 1;
      }
      this.decoded = { docs, tfs };
      this.bytes = null;
    }
    return this.decoded;
  }

  get docs() {
    return this.lists.docs;
  }

  get tfs() {
    return this.lists.tfs;
  }
}

/** A loaded term shard: terms in byte order, their postings, and (on demand) positions. */
class Shard {
  constructor(index, number, bytes) {
    this.number = number;
    this.terms = new Map();
    const r = new Reader(bytes);
    const count = r.varint();
    let previous = new Uint8Array(0);
    const decoder = new TextDecoder();
    for (let i = 0; i < count; i++) {
      const shared = r.varint();
      const suffix = r.blob();
      const key = new Uint8Array(shared + suffix.length);
      key.set(previous.subarray(0, shared));
      key.set(suffix, shared);
      previous = key;
      const mask = r.varint();
      const fields = [];
      for (let f = 0; f < index.fields.length; f++) {
        if (!(mask & (1 << f))) continue;
        const df = r.varint();
        fields.push(new Postings(f, df, r.blob()));
      }
      this.terms.set(decoder.decode(key), { rank: i, fields, positions: null });
    }
    this.positionsFile = null;
  }
}

/** The search index of a built site, read from its `search/` folder. */
export class SearchIndex {
  /**
   * Opens the bundle at `base` (a URL ending in `search/`). `load(url)` returns the bytes of a
   * file; by default it uses fetch. Only the manifest and the documents' norms are read now; the
   * facets' data when [`loadFacets`] asks for it, or a query filters.
   */
  static async open(base, load = fetchBytes) {
    const index = new SearchIndex();
    index.base = new URL(base);
    index.bytesLoaded = 0;
    index.filesLoaded = 0;
    index.load = async (name) => {
      const raw = await load(new URL(name, index.base));
      index.bytesLoaded += raw.length;
      index.filesLoaded += 1;
      return gunzip(raw);
    };
    const manifest = JSON.parse(new TextDecoder().decode(await index.load("index.json")));
    if (manifest.version !== 4) throw new Error(`search bundle version ${manifest.version} is not supported`);
    index.init(manifest, await index.load(manifest.data));
    return index;
  }

  init(m, data) {
    this.manifest = m;
    this.n = m.docs;
    const k1 = f32(m.k1);
    const b = f32(m.b);
    this.k1Plus1 = f32(1 + k1);
    this.fields = m.fields.map((f, i) => {
      const avg = f32(f32(f.tokens) / f32(this.n));
      const cache = new Float32Array(256);
      for (let id = 0; id < 256; id++) {
        cache[id] = f32(k1 * f32(f32(1 - b) + f32(f32(b * f32(m.norms[id])) / avg)));
      }
      return { name: f.name, boost: f32(f.boost), cache, norms: data.subarray(i * this.n, (i + 1) * this.n) };
    });
    const r = new Reader(data, this.fields.length * this.n);
    /** 32-bit words in a set of documents as bits. */
    this.words = wordsFor(this.n);
    /** The facets with each value's documents, empty until `loadFacets` has read them. */
    this.facets = [];
    this.facetsLoading = null;
    /** The first document of each metadata chunk, ascending. */
    this.chunkStarts = new Uint32Array(r.varint());
    for (let c = 0, d = 0; c < this.chunkStarts.length; c++) {
      d += r.varint();
      this.chunkStarts[c] = d;
    }
    this.shards = new Map();
    this.chunks = new Map();
    /** Score buffers of finished queries, reused to spare the garbage collector. */
    this.pool = [];
  }

  /** Reads the facets' data once (into `facets`); resolves when it is there. */
  loadFacets() {
    this.facetsLoading ??= this.load(this.manifest.facet_data).then(
      (data) => {
        this.facets = decodeFacets(this.manifest.facets, data, this.n, this.words);
      },
      (error) => {
        this.facetsLoading = null; // to try again next time
        throw error;
      },
    );
    return this.facetsLoading;
  }

  /** Whether `facets` holds the facets, so that results can be counted by value. */
  get facetsLoaded() {
    return this.facets.length > 0 || this.manifest.facets.length === 0;
  }

  /** The number of the shard whose term range holds `term`. */
  shardOf(term) {
    const shards = this.manifest.shards;
    let lo = 0;
    let hi = shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareBytes(shards[mid][0], term) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The shards that may hold words beginning with `prefix`. */
  shardsOfPrefix(prefix) {
    const first = this.shardOf(prefix);
    const out = [first];
    const shards = this.manifest.shards;
    for (let i = first + 1; i < shards.length && shards[i][0].startsWith(prefix); i++) out.push(i);
    return out;
  }

  async shard(number) {
    if (!this.shards.has(number)) {
      this.shards.set(
        number,
        this.load(this.manifest.shards[number][1]).then((bytes) => new Shard(this, number, bytes)),
      );
    }
    return this.shards.get(number);
  }

  /** The entry of `term`, or undefined, loading its shard. */
  async entry(term) {
    return (await this.shard(this.shardOf(term))).terms.get(term);
  }

  /** The positions of `term` in field `field`, one Int32Array per posting, loading them once. */
  async positions(term, field) {
    const number = this.shardOf(term);
    const shard = await this.shard(number);
    const entry = shard.terms.get(term);
    if (!entry) return null;
    if (!shard.positionsFile) {
      shard.positionsFile = this.load(this.manifest.shards[number][2]).then((bytes) => {
        const blobs = [];
        const r = new Reader(bytes);
        while (r.pos < bytes.length) blobs.push(r.blob());
        return blobs;
      });
    }
    const blobs = await shard.positionsFile;
    if (!entry.positions) {
      const r = new Reader(blobs[entry.rank]);
      entry.positions = new Map();
      for (const p of entry.fields) {
        const lists = [];
        for (let k = 0; k < p.docs.length; k++) {
          const list = new Int32Array(p.tfs[k]);
          let last = 0;
          for (let j = 0; j < list.length; j++) {
            last += r.varint();
            list[j] = last;
          }
          lists.push(list);
        }
        entry.positions.set(p.field, lists);
      }
    }
    return entry.positions.get(field) || null;
  }

  /** tantivy's idf: ln(1 + (N - n + 0.5) / (n + 0.5)), in 32-bit floats. */
  idf(df) {
    const x = f32(f32(f32(this.n - df) + 0.5) / f32(df + 0.5));
    return f32(Math.log(f32(1 + x)));
  }

  /** BM25 of a term frequency in one document and field, for a weight that includes the boost. */
  score(weight, field, doc, tf) {
    const norm = field.cache[field.norms[doc]];
    return f32(weight * f32(tf / f32(tf + norm)));
  }

  /** The words standing for a word being typed, as `Index::expand` picks them: its stem, the
   * words beginning with it and the stems of the words it could still become. */
  async expand(typed, stemmed) {
    const numbers = this.shardsOfPrefix(typed);
    const stemShard = this.shardOf(stemmed);
    // Words of 40 UTF-8 bytes or more are not indexed (see `tokenize`).
    const words = completions(typed, this.manifest.prefix.completions || []).filter((w) => utf8.encode(w).length < MAX_TOKEN_BYTES);
    const completed = [...new Set(words.map(cachedStem))].filter((s) => !s.startsWith(typed));
    const wanted = new Set([...numbers, stemShard, ...completed.map((s) => this.shardOf(s))]);
    const shards = await Promise.all([...wanted].map((n) => this.shard(n)));
    const candidates = [];
    const df = (entry) => entry.fields.reduce((sum, p) => sum + p.df, 0);
    for (const shard of shards) {
      if (!numbers.includes(shard.number)) continue;
      for (const [term, entry] of shard.terms) {
        if (term !== stemmed && term.startsWith(typed)) {
          candidates.push({ term, df: df(entry), shard: shard.number, rank: entry.rank });
        }
      }
    }
    for (const term of completed) {
      const entry = term !== stemmed && (await this.entry(term));
      if (entry) candidates.push({ term, df: df(entry), shard: this.shardOf(term), rank: entry.rank });
    }
    candidates.sort((a, b) => b.df - a.df || a.shard - b.shard || a.rank - b.rank);
    const out = (await this.entry(stemmed)) ? [stemmed] : [];
    for (const c of candidates) out.push(c.term);
    return out.slice(0, this.manifest.prefix.max_terms);
  }

  /** Scores of one clause by document: per word and field, BM25 times the field's boost, summed. */
  async clauseScores(clause) {
    const scores = this.pool.pop() || new Scores(this.n);
    if (clause.phrase) {
      const entries = await Promise.all(clause.phrase.map((t) => this.entry(t)));
      if (entries.some((e) => !e)) return { scores, words: clause.phrase };
      for (let f = 0; f < this.fields.length; f++) {
        const lists = entries.map((e) => e.fields.find((p) => p.field === f));
        if (lists.some((p) => !p)) continue;
        let idf = 0;
        for (const p of lists) idf = f32(idf + this.idf(p.docs.length));
        const positions = await Promise.all(clause.phrase.map((t) => this.positions(t, f)));
        const field = this.fields[f];
        const weight = f32(f32(idf * this.k1Plus1) * field.boost);
        for (const [doc, count] of phraseCounts(lists, positions)) scores.add(doc, this.score(weight, field, doc, count));
      }
      return { scores, words: clause.phrase };
    }
    const words = clause.typed !== undefined ? await this.expand(clause.typed, clause.stem) : [clause.term];
    for (const word of words) {
      const entry = await this.entry(word);
      if (!entry) continue;
      for (const p of entry.fields) scores.addAll(p.docs, p.scored(this));
    }
    return { scores, words };
  }

  /**
   * Runs a query. `filters` maps a facet name to the values allowed (the facets' data is read
   * first if need be). Returns `{ total, hits: [{ doc, score }], counts, words, missing }`:
   * `counts[facet][value]` is how many results that value would leave with the other facets'
   * filters applied (empty until the facets' data is read), `words` the indexed words that
   * matched (for highlighting), `missing` the query words found nowhere.
   */
  async search(text, { prefix = false, filters = {}, limit = 10, offset = 0 } = {}) {
    const clauses = parse(text, prefix, this.manifest.prefix.min_chars);
    if (clauses.length === 0) return noResults(clauses, []);
    const filtering = Object.values(filters).some((values) => values.length > 0);
    const [results] = await Promise.all([
      Promise.all(clauses.map((c) => this.clauseScores(c))),
      filtering ? this.loadFacets() : null,
    ]);
    try {
      return this.combine(clauses, results, filters, limit, offset);
    } finally {
      for (const r of results) this.pool.push(r.scores.clear());
    }
  }

  /** Intersects the clauses' scores, applies and counts the facets, and keeps the best. */
  combine(clauses, results, filters, limit, offset) {
    const missing = clauses.filter((c, i) => results[i].scores.empty).map((c) => c.text);
    if (missing.length) return noResults(clauses, missing);
    const all = results.map((r) => r.scores);
    const { docs, scores, set: matchedSet, matched } = intersection(all);
    // Each filtered facet's allowed documents: those with any of its chosen values.
    const active = [];
    this.facets.forEach((facet, i) => {
      const chosen = new Set((filters[facet.name] || []).map(String));
      if (chosen.size === 0) return;
      const allowed = new Uint32Array(this.words);
      facet.names.forEach((name, v) => chosen.has(name) && facet.sets[v].addTo(allowed));
      active.push({ i, allowed });
    });
    /** The matched documents that pass every filter but facet `except`'s, as bits. */
    const passing = (except) => {
      let set = matchedSet;
      for (const a of active) if (a.i !== except) set = intersect(set, a.allowed);
      return set;
    };
    const hitSet = passing(-1);
    const words = [...new Set(results.flatMap((r) => r.words))];
    const { total, top } = best(matched, docs, scores, hitSet, offset + limit);
    const hits = top.slice(offset).map((m) => ({ doc: docs[m], score: scores[m] }));
    // The results' records download while the facets are counted.
    for (const hit of hits) this.chunk(this.chunkOf(hit.doc));
    const counts = {};
    for (const [i, f] of this.facets.entries()) {
      const within = active.some((a) => a.i === i) ? passing(i) : hitSet;
      counts[f.name] = {};
      f.sets.forEach((set, v) => {
        const n = set.countIn(within);
        if (n) counts[f.name][f.names[v]] = n;
      });
    }
    return { total, hits, counts, words, missing: [], clauses };
  }

  /** The records (`{ u, t, k, i, d, l, x }`) of documents, loading only the chunks that hold them. */
  async records(docs) {
    const numbers = [...new Set(docs.map((d) => this.chunkOf(d)))];
    const byChunk = new Map(await Promise.all(numbers.map(async (c) => [c, await this.chunk(c)])));
    const starts = this.chunkStarts;
    return docs.map((d) => {
      const c = this.chunkOf(d);
      return byChunk.get(c)[d - starts[c]];
    });
  }

  /** The number of the metadata chunk holding document `d`: the last one starting at or before it. */
  chunkOf(d) {
    const starts = this.chunkStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= d) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Metadata chunk `c` (its records), downloading it once; a failure is reported to whoever
   * awaits it, not as an unhandled rejection. */
  chunk(c) {
    if (!this.chunks.has(c)) {
      const loading = this.load(`${this.manifest.chunks}.${c}.gz`).then((b) => JSON.parse(new TextDecoder().decode(b)));
      loading.catch(() => {});
      this.chunks.set(c, loading);
    }
    return this.chunks.get(c);
  }
}

/** An empty result, saying which words matched nothing. */
function noResults(clauses, missing) {
  return { total: 0, hits: [], counts: {}, words: [], missing, clauses };
}

/** Each facet of `infos` (the manifest's) with each value's documents (`sets`), from the
 * facets' data. */
function decodeFacets(infos, data, n, words) {
  const r = new Reader(data);
  return infos.map((facet) => {
    const sets = facet.values.map(([, , df]) => (df * 32 >= n ? new DocBits(words) : new DocList(df)));
    for (let d = 0; d < n; d++) {
      const count = r.varint();
      for (let k = 0; k < count; k++) sets[r.varint()].add(d);
    }
    return { ...facet, names: facet.values.map((v) => v[0]), sets };
  });
}

/** The number of the `matched` documents in `set`, and the `k` best of them as indexes into
 * docs and scores, best first: higher score, then lower document number (tantivy's order). */
function best(matched, docs, scores, set, k) {
  const top = [];
  let total = 0;
  const before = (a, b) => scores[a] > scores[b] || (scores[a] === scores[b] && docs[a] < docs[b]);
  for (let h = 0; h < matched; h++) {
    const doc = docs[h];
    if (!hasBit(set, doc)) continue;
    total++;
    if (top.length === k && !before(h, top[k - 1])) continue;
    let i = top.length;
    while (i > 0 && before(h, top[i - 1])) i--;
    top.splice(i, 0, h);
    if (top.length > k) top.pop();
  }
  return { total, top };
}

/** The documents in every clause's scores, ascending, with their scores summed in clause
 * order, as lists and as bits. */
function intersection(all) {
  const set = Uint32Array.from(all[0].set);
  for (let c = 1; c < all.length; c++) {
    const other = all[c].set;
    for (let w = 0; w < set.length; w++) set[w] &= other[w];
  }
  let matched = 0;
  for (let w = 0; w < set.length; w++) matched += popcount(set[w]);
  const docs = new Int32Array(matched);
  const scores = new Float32Array(matched);
  let m = 0;
  for (let w = 0; w < set.length; w++) {
    for (let bits = set[w]; bits !== 0; bits &= bits - 1) {
      const doc = (w << 5) | (31 - Math.clz32(bits & -bits));
      let score = 0;
      for (let c = 0; c < all.length; c++) score = f32(score + all[c].score[doc]);
      docs[m] = doc;
      scores[m++] = score;
    }
  }
  return { docs, scores, set, matched };
}

/** The 32-bit words a set of `n` documents takes as bits. */
function wordsFor(n) {
  return (n + 31) >>> 5;
}

/** Puts document `doc` in `set` (bits). */
function addBit(set, doc) {
  set[doc >>> 5] |= 1 << (doc & 31);
}

/** Whether document `doc` is in `set` (bits). */
function hasBit(set, doc) {
  return (set[doc >>> 5] & (1 << (doc & 31))) !== 0;
}

/** The documents in both sets of bits. */
function intersect(a, b) {
  const out = new Uint32Array(a.length);
  for (let w = 0; w < a.length; w++) out[w] = a[w] & b[w];
  return out;
}

/** The number of bits set in a 32-bit word. */
function popcount(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** A facet value's documents when many have it: a bit per document. */
class DocBits {
  constructor(words) {
    this.bits = new Uint32Array(words);
  }
  add(doc) {
    addBit(this.bits, doc);
  }
  /** Adds these documents to `set` (bits). */
  addTo(set) {
    for (let w = 0; w < set.length; w++) set[w] |= this.bits[w];
  }
  /** How many of these documents are in `set` (bits). */
  countIn(set) {
    let n = 0;
    for (let w = 0; w < set.length; w++) n += popcount(set[w] & this.bits[w]);
    return n;
  }
}

/** A facet value's documents when few have it (under one in 32): their numbers, ascending, so
 * that counting costs what the value has, not what the site has. */
class DocList {
  constructor(capacity) {
    this.docs = new Int32Array(capacity);
    this.length = 0;
  }
  add(doc) {
    if (this.length < this.docs.length && this.docs[this.length - 1] !== doc) this.docs[this.length++] = doc;
  }
  addTo(set) {
    for (let k = 0; k < this.length; k++) addBit(set, this.docs[k]);
  }
  countIn(set) {
    let n = 0;
    for (let k = 0; k < this.length; k++) if (hasBit(set, this.docs[k])) n++;
    return n;
  }
}

/** One clause's scores: a float per document, and the documents it matched as bits. */
class Scores {
  constructor(n) {
    this.score = new Float32Array(n);
    this.set = new Uint32Array(wordsFor(n));
    this.empty = true;
  }
  /** Empties the buffers for another query. */
  clear() {
    this.score.fill(0);
    this.set.fill(0);
    this.empty = true;
    return this;
  }

  add(doc, score) {
    this.score[doc] += score;
    addBit(this.set, doc);
    this.empty = false;
  }

  /** Adds `scored[k]` to document `docs[k]`, for every k. */
  addAll(docs, scored) {
    for (let k = 0; k < docs.length; k++) this.add(docs[k], scored[k]);
  }
}

/** Documents where the words follow each other, with how many times: tantivy's phrase count. */
function phraseCounts(lists, positions) {
  const out = new Map();
  const [first, ...rest] = lists;
  const index = rest.map(() => 0);
  for (let k = 0; k < first.docs.length; k++) {
    const doc = first.docs[k];
    const at = [];
    let all = true;
    rest.forEach((p, i) => {
      while (index[i] < p.docs.length && p.docs[index[i]] < doc) index[i]++;
      if (index[i] < p.docs.length && p.docs[index[i]] === doc) at.push(index[i]);
      else all = false;
    });
    if (!all) continue;
    let starts = new Set(positions[0][k]);
    rest.forEach((p, i) => {
      const next = new Set();
      for (const pos of positions[i + 1][at[i]]) if (starts.has(pos - (i + 1))) next.add(pos - (i + 1));
      starts = next;
    });
    if (starts.size > 0) out.set(doc, starts.size);
  }
  return out;
}
