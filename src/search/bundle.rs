//! Exports the tantivy index as the static bundle the browser client reads (format: `FORMAT.md`).

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::TERMINATED;

use super::document::{Facet, FacetValue};
use super::encode::{content_hash, gzip, Bytes};
use super::index::{Index, SCORED};
use super::query::{COMPLETIONS, PREFIX_MAX_TERMS, PREFIX_MIN_CHARS};
use super::SearchError;

/// The bundle's folder in the site.
const DIR: &str = "search";
/// The one file of the bundle with a fixed name; it names all the others.
const MANIFEST: &str = "index.json";
/// A term shard is closed once its postings take this many bytes (before gzip).
const SHARD_BYTES: usize = 16 * 1024;
/// A metadata chunk is closed once its records take this many bytes (before gzip), so that the
/// records of ten results cost about ten small files whatever the documents' length.
const CHUNK_BYTES: usize = 4 * 1024;
/// At most this many bytes of a document's text go into its record for snippets.
pub(crate) const SNIPPET_TEXT: usize = 1_200;
/// Each line (paragraph) of that text keeps at least this much, so that snippets can come from
/// every section of a long writeup, not only its first.
const SNIPPET_LINE: usize = 160;
/// The bundle format's version; the client refuses any other.
const VERSION: u32 = 4;
/// The facets whose labels a result shows beside its title, in this order.
const LABELLED: [Facet; 2] = [Facet::Pattern, Facet::Severity];

/// `index.json`: everything the client needs before its first query.
#[derive(Serialize)]
struct Manifest {
    version: u32,
    docs: usize,
    k1: f32,
    b: f32,
    fields: Vec<FieldInfo>,
    /// `id_to_fieldnorm`: the field length each one-byte norm id stands for.
    norms: Vec<u32>,
    prefix: PrefixInfo,
    /// Field norms of every document, and where each metadata chunk starts.
    data: String,
    /// Facet values of every document, read only once filters are shown or used.
    facet_data: String,
    /// `[first term, terms file, positions file]`, in term order.
    shards: Vec<[String; 3]>,
    /// What the metadata chunks' names begin with: chunk `n` is `<chunks>.<n>.gz`. One hash
    /// names them all, so that the manifest stays small however many there are.
    chunks: String,
    facets: Vec<FacetInfo>,
}

/// A scored field as the client scores it.
#[derive(Serialize)]
struct FieldInfo {
    name: &'static str,
    boost: f32,
    /// Tokens in this field over all documents: the average length is this over `docs`.
    tokens: u64,
}

/// How a word being typed is expanded (see `Index::expand`).
#[derive(Serialize)]
struct PrefixInfo {
    min_chars: usize,
    max_terms: usize,
    /// The endings a word being typed may be completed with ([`super::query::COMPLETIONS`]).
    completions: &'static [&'static str],
}

/// A facet with its values in display order.
#[derive(Serialize)]
struct FacetInfo {
    name: &'static str,
    label: &'static str,
    /// `[value, label, documents]`.
    values: Vec<(String, String, usize)>,
}

/// What a result shows, from a metadata chunk.
#[derive(Serialize)]
struct Record<'a> {
    /// URL from the site root.
    u: &'a str,
    t: &'a str,
    /// `writeup` or `pattern`.
    k: &'static str,
    /// Writeup id or pattern slug.
    i: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    /// Its patterns and severity, as `[facet number, value number]` (the manifest's `facets`).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    l: &'a [[usize; 2]],
    /// The text snippets are cut from.
    x: &'a str,
}

/// The postings of one term in one field, encoded.
struct FieldPostings {
    field: usize,
    doc_freq: u32,
    postings: Bytes,
    positions: Bytes,
}

/// The exported bundle.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    /// Every file, by path from the site root.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The files for the search page to preload, so they download alongside its scripts.
    pub opening: Opening,
}

/// The files the search page preloads, by path from the site root.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Opening {
    /// What the client reads as it opens: the manifest, then the documents' norms.
    pub always: [String; 2],
    /// The facets' data, which the client reads before a first query only where the filters
    /// are shown beside the results (a wide screen).
    pub facets: String,
}

/// Exports `index` as the bundle, every file kept.
pub fn export(index: &Index) -> Result<Bundle, SearchError> {
    let mut files = BTreeMap::new();
    let opening = export_to(index, |path, bytes| {
        files.insert(path, bytes);
        Ok::<(), SearchError>(())
    })?;
    Ok(Bundle { files, opening })
}

/// Exports `index` as the bundle, handing each file to `sink` (its path from the site root, and
/// its bytes) as soon as it is made, so that no more than a shard or a chunk is held at once.
/// Returns the files the search page preloads.
pub fn export_to<E: From<SearchError>>(
    index: &Index,
    mut sink: impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<Opening, E> {
    let mut fields = Vec::new();
    let mut data = Bytes::default();
    // A site with nothing published has no segment at all.
    let segment = index.searcher.segment_readers().first();
    let mut inverted = Vec::new();
    for (field, scored) in index.scored.iter().zip(SCORED) {
        let Some(segment) = segment else {
            fields.push(FieldInfo { name: scored.name, boost: scored.boost, tokens: 0 });
            continue;
        };
        let reader = segment.inverted_index(*field).map_err(SearchError::from)?;
        fields.push(FieldInfo { name: scored.name, boost: scored.boost, tokens: reader.total_num_tokens() });
        let norms = segment.get_fieldnorms_reader(*field).map_err(SearchError::from)?;
        data.0.extend((0..segment.max_doc()).map(|d| norms.fieldnorm_id(d)));
        inverted.push(reader);
    }

    // The fields' dictionaries are merged in term order as they are read, each term's postings
    // going straight into its shard, so that no more than a shard is held encoded at once.
    let mut streams = Vec::new();
    for reader in &inverted {
        let mut stream = reader.terms().stream().map_err(SearchError::from)?;
        streams.push(stream.advance().then_some(stream));
    }
    let mut shards = Vec::new();
    let mut shard = Shard::default();
    while let Some(term) = streams.iter().flatten().map(|s| s.key()).min().map(<[u8]>::to_vec) {
        let mut postings = Vec::new();
        for (i, slot) in streams.iter_mut().enumerate() {
            let Some(stream) = slot.as_mut().filter(|s| s.key() == term.as_slice()) else { continue };
            let mut read = inverted[i]
                .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqsAndPositions)
                .map_err(SearchError::from)?;
            postings.push(encode_postings(&mut read, i));
            if !stream.advance() {
                *slot = None;
            }
        }
        shard.add(&term, &postings);
        if shard.postings_bytes >= SHARD_BYTES {
            shards.push(shard.finish(&mut sink)?);
            shard = Shard::default();
        }
    }
    if shard.count > 0 || shards.is_empty() {
        shards.push(shard.finish(&mut sink)?);
    }

    let mut facet_data = Bytes::default();
    let (facets, labels) = encode_facets(index, &mut facet_data);
    let facet_data = put(&mut sink, "facets", &facet_data.0)?;
    // The chunks are named by a hash of them all, so they are made twice: hashed, then written.
    let mut hashes = String::new();
    let chunk_starts = metadata_chunks(index, &labels, |_, chunk| {
        hashes.push_str(&content_hash(chunk));
        Ok::<(), E>(())
    })?;
    let chunks_name = format!("meta.{}", content_hash(hashes.as_bytes()));
    metadata_chunks(index, &labels, |n, chunk| sink(format!("{DIR}/{chunks_name}.{n}.gz"), gzip(chunk)))?;
    data.varint(chunk_starts.len() as u64);
    let mut previous = 0;
    for start in chunk_starts {
        data.varint((start - previous) as u64);
        previous = start;
    }
    let data = put(&mut sink, "docs", &data.0)?;

    let manifest = Manifest {
        version: VERSION,
        docs: index.docs.len(),
        k1: 1.2,
        b: 0.75,
        fields,
        norms: (0..=255u8).map(FieldNormReader::id_to_fieldnorm).collect(),
        prefix: PrefixInfo { min_chars: PREFIX_MIN_CHARS, max_terms: PREFIX_MAX_TERMS, completions: COMPLETIONS },
        data,
        facet_data,
        shards,
        chunks: chunks_name,
        facets,
    };
    let opening = Opening {
        always: [format!("{DIR}/{MANIFEST}"), format!("{DIR}/{}", manifest.data)],
        facets: format!("{DIR}/{}", manifest.facet_data),
    };
    sink(format!("{DIR}/{MANIFEST}"), serde_json::to_vec(&manifest).map_err(SearchError::from)?)?;
    Ok(opening)
}

/// What of a document's text its record keeps for snippets: each line cut to its share of
/// [`SNIPPET_TEXT`] (at least [`SNIPPET_LINE`]) at a word boundary, lines kept until the whole
/// reaches `SNIPPET_TEXT`; a cut line ends in `…`.
pub(super) fn snippet_text(body: &str) -> std::borrow::Cow<'_, str> {
    if body.len() <= SNIPPET_TEXT {
        return body.into();
    }
    let lines: Vec<&str> = body.lines().filter(|l| !l.trim().is_empty()).collect();
    let share = (SNIPPET_TEXT / lines.len().max(1)).max(SNIPPET_LINE);
    let mut out = String::with_capacity(SNIPPET_TEXT + 8);
    for line in lines {
        if !out.is_empty() {
            out.push('\n');
        }
        let room = share.min(SNIPPET_TEXT.saturating_sub(out.len()));
        if room < SNIPPET_LINE / 4 {
            out.pop();
            break;
        }
        if line.len() <= room {
            out.push_str(line);
            continue;
        }
        let mut end = room;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        let cut = line[..end].rfind(' ').filter(|&i| i > 0).unwrap_or(end);
        out.push_str(line[..cut].trim_end());
        out.push_str(" …");
    }
    out.into()
}

/// Doc ids as gaps (`gap << 1 | tf > 1`, then tf when above one), positions as gaps per document.
fn encode_postings(postings: &mut impl Postings, field: usize) -> FieldPostings {
    let mut out = FieldPostings { field, doc_freq: 0, postings: Bytes::default(), positions: Bytes::default() };
    let mut previous: i64 = -1;
    let mut positions = Vec::new();
    let mut doc = postings.doc();
    while doc != TERMINATED {
        let tf = postings.term_freq();
        let gap = (i64::from(doc) - previous) as u64;
        out.postings.varint(gap << 1 | u64::from(tf > 1));
        if tf > 1 {
            out.postings.varint(u64::from(tf));
        }
        postings.positions(&mut positions);
        let mut last = 0;
        for p in &positions {
            out.positions.varint(u64::from(p - last));
            last = *p;
        }
        out.doc_freq += 1;
        previous = i64::from(doc);
        doc = postings.advance();
    }
    out
}

/// Hands `each` the documents' records for results in chunks of about [`CHUNK_BYTES`] (JSON,
/// before gzip), with their numbers; returns the first document of each (ascending, the first 0).
fn metadata_chunks<E: From<SearchError>>(
    index: &Index,
    labels: &[Vec<[usize; 2]>],
    mut each: impl FnMut(usize, &[u8]) -> Result<(), E>,
) -> Result<Vec<usize>, E> {
    let mut starts = Vec::new();
    let mut chunk: Vec<u8> = Vec::new();
    for (n, (d, l)) in index.docs.iter().zip(labels).enumerate() {
        let record = Record { u: &d.url, t: &d.title, k: d.kind, i: &d.key, d: d.date.as_deref(), l, x: &d.snippet };
        if chunk.is_empty() {
            starts.push(n);
        }
        chunk.push(if chunk.is_empty() { b'[' } else { b',' });
        serde_json::to_writer(&mut chunk, &record).map_err(SearchError::from)?;
        if chunk.len() >= CHUNK_BYTES {
            chunk.push(b']');
            each(starts.len() - 1, &chunk)?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        chunk.push(b']');
        each(starts.len() - 1, &chunk)?;
    }
    Ok(starts)
}

/// Gzips `bytes` into a file named by `kind` and its hash, handed to `sink`; returns its name.
fn put<E>(sink: &mut impl FnMut(String, Vec<u8>) -> Result<(), E>, kind: &str, bytes: &[u8]) -> Result<String, E> {
    let gz = gzip(bytes);
    let name = format!("{kind}.{}.gz", content_hash(&gz));
    sink(format!("{DIR}/{name}"), gz)?;
    Ok(name)
}

/// Appends every document's facet values (a count, then value numbers) and returns the facets,
/// with each document's labels: `[facet number, value number]` of its [`LABELLED`] values, by facet
/// number.
fn encode_facets(index: &Index, data: &mut Bytes) -> (Vec<FacetInfo>, Vec<Vec<[usize; 2]>>) {
    let mut out = Vec::new();
    let mut labels: Vec<Vec<[usize; 2]>> = vec![Vec::new(); index.docs.len()];
    for (f, facet) in Facet::ALL.into_iter().enumerate() {
        let mut values: BTreeMap<&str, (&FacetValue, usize)> = BTreeMap::new();
        for v in index.docs.iter().flat_map(|d| &d.facets).filter(|v| v.facet == facet) {
            values.entry(&v.value).or_insert((&**v, 0)).1 += 1;
        }
        let mut sorted: Vec<(&FacetValue, usize)> = values.into_values().collect();
        sorted.sort_by(|(a, _), (b, _)| match facet {
            Facet::Year => b.value.cmp(&a.value),
            Facet::Pattern | Facet::ImpactArea | Facet::Team | Facet::Organisation => {
                a.label.cmp(&b.label).then(a.value.cmp(&b.value))
            }
            _ => rank(facet, &a.value).cmp(&rank(facet, &b.value)),
        });
        let number: BTreeMap<&str, usize> =
            sorted.iter().enumerate().map(|(i, (v, _))| (v.value.as_str(), i)).collect();
        let labelled = LABELLED.contains(&facet);
        for (doc, label) in index.docs.iter().zip(&mut labels) {
            let mine: Vec<usize> =
                doc.facets.iter().filter(|v| v.facet == facet).map(|v| number[v.value.as_str()]).collect();
            data.varint(mine.len() as u64);
            for &n in &mine {
                data.varint(n as u64);
            }
            if labelled {
                label.extend(mine.iter().map(|&n| [f, n]));
            }
        }
        out.push(FacetInfo {
            name: facet.name(),
            label: facet.label(),
            values: sorted.into_iter().map(|(v, n)| (v.value.clone(), v.label.clone(), n)).collect(),
        });
    }
    (out, labels)
}

/// The position of a closed-vocabulary value in its vocabulary, for display order.
fn rank(facet: Facet, value: &str) -> usize {
    use crate::model::{Keyword, Severity, StoppedBy, Tlp};
    let words: Vec<&str> = match facet {
        Facet::Kind => vec!["writeup", "pattern"],
        Facet::Severity => Severity::ALL.iter().rev().map(|(w, _)| *w).collect(),
        Facet::StoppedBy => StoppedBy::ALL.iter().map(|(w, _)| *w).collect(),
        Facet::Tlp => Tlp::ALL.iter().map(|(w, _)| *w).collect(),
        _ => Vec::new(),
    };
    words.iter().position(|w| *w == value).unwrap_or(usize::MAX)
}

/// A run of consecutive terms and their postings, being encoded.
#[derive(Default)]
struct Shard {
    first: String,
    previous: Vec<u8>,
    count: u64,
    terms: Bytes,
    positions: Bytes,
    postings_bytes: usize,
}

impl Shard {
    /// Term (front-coded against the previous one), field mask, then per field: df and a blob of
    /// postings, so a reader can skip to the term it wants.
    fn add(&mut self, term: &[u8], postings: &[FieldPostings]) {
        if self.count == 0 {
            self.first = String::from_utf8_lossy(term).into_owned();
        }
        let shared = self.previous.iter().zip(term).take_while(|(a, b)| a == b).count();
        self.terms.varint(shared as u64);
        self.terms.blob(&term[shared..]);
        let mask = postings.iter().fold(0u64, |m, p| m | 1 << p.field);
        self.terms.varint(mask);
        let mut positions = Bytes::default();
        for p in postings {
            self.terms.varint(u64::from(p.doc_freq));
            self.terms.blob(&p.postings.0);
            positions.0.extend_from_slice(&p.positions.0);
            self.postings_bytes += p.postings.0.len();
        }
        self.positions.blob(&positions.0);
        self.previous = term.to_vec();
        self.count += 1;
    }

    /// Hands the shard's terms and positions files to `sink`: `[first term, terms file, positions file]`.
    fn finish<E>(self, sink: &mut impl FnMut(String, Vec<u8>) -> Result<(), E>) -> Result<[String; 3], E> {
        let mut terms = Bytes::default();
        terms.varint(self.count);
        terms.0.extend(self.terms.0);
        Ok([self.first, put(sink, "terms", &terms.0)?, put(sink, "pos", &self.positions.0)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{SearchDoc, Store};

    #[test]
    fn an_index_kept_on_disk_exports_the_bundle_one_in_memory_does() {
        let docs = || SearchDoc::numbered(300);
        let folder = tempfile::tempdir().unwrap();
        let on_disk = Index::build(docs(), Store::Disk(folder.path())).unwrap();
        assert!(folder.path().join("meta.json").is_file(), "the index is written to its folder");
        let in_memory = Index::build(docs(), Store::Memory).unwrap();
        assert_eq!(export(&on_disk).unwrap().files, export(&in_memory).unwrap().files);
    }

    #[test]
    fn short_texts_are_kept_whole() {
        let text = "The rule opened ssh.\nIt was caught in review.";
        assert_eq!(snippet_text(text), text);
    }

    #[test]
    fn long_texts_keep_a_share_of_every_line_within_the_limit() {
        let line = |word: &str| vec![word; 200].join(" ");
        let body = [line("alpha"), line("bravo"), line("charlie"), line("delta")].join("\n");
        let kept = snippet_text(&body);
        assert!(kept.len() <= SNIPPET_TEXT + 4 * " …".len() + 4, "{} bytes", kept.len());
        for word in ["alpha", "bravo", "charlie", "delta"] {
            assert!(kept.contains(word), "{word} is missing from {kept}");
        }
        for l in kept.lines() {
            assert!(l.ends_with(" …"), "a cut line says so: {l}");
            assert!(
                !l.contains("alph …") && l.split(' ').all(|w| ["alpha", "bravo", "charlie", "delta", "…"].contains(&w)),
                "cut at a word boundary: {l}"
            );
        }
        let many = vec!["one short line of text here"; 400].join("\n");
        assert!(snippet_text(&many).len() <= SNIPPET_TEXT + " …".len());
        let wide = "é".repeat(2_000);
        assert!(snippet_text(&wide).len() <= SNIPPET_TEXT + 4, "multi-byte text is cut on a char boundary");
    }
}
