//! Stage 1: corpus files → the normalized tables (`articles`, `claims`, …).
//!
//! Work happens in two steps:
//!
//! 1. **Per file** ([`normalize_file`]): the file is cut into chunks at article
//!    boundaries, chunks are parsed and extracted in parallel, and the rows are written,
//!    in order, as Parquet "parts" encoded as the published tables are into the build
//!    cache (`data/.cache/normalize/`), with what the file's mentions say about each
//!    entity. An article repeated within the file is dropped here (with a diagnostic).
//!    A file whose content (and the tool) did not change keeps its parts, so an
//!    incremental build re-normalizes only new or changed files.
//! 2. **Assembly** ([`assemble`]): the parts of every file are concatenated in file
//!    order into the published Parquet tables, their large row groups copied without
//!    decoding ([`TableWriter::append_file`]); an article repeated from an earlier file
//!    is dropped here (with a diagnostic).
//!
//! Memory stays bounded by a window of chunks, whatever the corpus size, and the output
//! is the same bytes whatever the number of threads or chunks: rows are always written
//! in file order and re-batched to fixed sizes by the Parquet writer.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use arrow::array::{Array, AsArray, BooleanArray, RecordBatch};
use chrono::Datelike;
use rayon::prelude::*;

use crate::corpus::{self, Article, CorpusFile, ParsedFile};
use crate::diagnostics::Diagnostic;
use crate::extract::about::{self, EntityKind, EntitySpan};
use crate::extract::attribution::{self, Attribution};
use crate::extract::entities::{EntityRef, Kind, Mention, Recognizer};
use crate::extract::figures::{self, Figure, Normalized};
use crate::ids::{self, Occurrences};
use crate::reference::fx;
use crate::tables::{RowBuilder, Table, TableWriter, Written, read_columns};
use crate::text::{CharIndex, FastMap};

/// Target size of the pieces a large file is cut into for parallel parsing.
pub const CHUNK_BYTES: usize = 4 << 20;

/// [`CHUNK_BYTES`], or `GAZETTE_CHUNK_BYTES` (the tests cut small corpora into many chunks
/// to show the output does not depend on the chunking or the thread count).
fn chunk_bytes() -> usize {
    std::env::var("GAZETTE_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(CHUNK_BYTES)
}

/// The tables written per file (and concatenated at assembly), in write order.
pub const PER_FILE_TABLES: &[Table] = &[
    Table::Articles,
    Table::Claims,
    Table::Figures,
    Table::Mentions,
];

/// One claim with its identity and position.
#[derive(Debug, Clone)]
pub struct ClaimRecord {
    pub claim_id: String,
    /// 1-based position in the article.
    pub ordinal: u32,
    /// Index into the article's `structure.sections`.
    pub section: usize,
    /// Index into that section's bullets.
    pub bullet: usize,
    /// Entities mentioned in the claim's text, in order (byte spans into the text).
    pub mentions: Vec<Mention>,
    pub attribution: Attribution,
}

/// Which text of an article a figure stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Claim,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Claim => "claim",
        }
    }
}

/// One figure with its identity, character span and normalized value: a row of the
/// `figures` table (and of `gazette extract`'s output).
#[derive(Debug, Clone)]
pub struct FigureRecord {
    pub figure_id: String,
    pub field: Field,
    /// Index into the article's claims; `None` for the title.
    pub claim: Option<usize>,
    pub surface: String,
    pub char_start: u32,
    pub char_end: u32,
    pub figure: Figure,
    pub normalized: Option<Normalized>,
    pub change_id: Option<String>,
    /// What the figure is about: subject, commodity, measure.
    pub about: AboutRecord,
}

/// A figure's subject, commodity and measure (see [`crate::extract::about`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AboutRecord {
    pub subject_entity_id: Option<String>,
    pub commodity_id: Option<String>,
    pub measure: Option<&'static str>,
    pub measure_rule: Option<&'static str>,
}

/// The recognizer's mentions as the classifier's input.
pub fn entity_spans<'a>(
    recognizer: &'a Recognizer,
    mentions: &'a [Mention],
) -> Vec<EntitySpan<'a>> {
    mentions
        .iter()
        .map(|m| {
            let (entity_id, kind, _) = recognizer.describe(&m.entity);
            EntitySpan {
                start: m.start,
                end: m.end,
                entity_id,
                kind: EntityKind::from_name(kind.as_str()),
                demonym: m.is_demonym,
            }
        })
        .collect()
}

/// The figures of one text, in text order. `parent_id` is the claim's id (the article's
/// for a title); `year` picks the exchange rates; `mentions` (the recognizer's, of the same
/// text) decide what each figure is about.
pub fn figure_records(
    text: &str,
    parent_id: &str,
    field: Field,
    claim: Option<usize>,
    year: Option<i32>,
    recognizer: &Recognizer,
    mentions: &[Mention],
) -> Vec<FigureRecord> {
    let found = figures::extract(text);
    if found.is_empty() {
        return Vec::new();
    }
    let spans = entity_spans(recognizer, mentions);
    let abouts = about::classify(text, &found, &spans);
    let fx = fx::shipped();
    let mut chars = CharIndex::new(text);
    let mut occurrences = Occurrences::default();
    found
        .into_iter()
        .zip(abouts)
        .map(|(f, a)| {
            let surface = text[f.start..f.end].to_string();
            let figure_id = occurrences.id(&[parent_id, field.as_str(), &surface]);
            let change_id = f.change.map(|(n, _)| {
                ids::stable_id(&[parent_id, field.as_str(), "change", &n.to_string()])
            });
            FigureRecord {
                figure_id,
                field,
                claim,
                char_start: chars.char_of(f.start) as u32,
                char_end: chars.char_of(f.end) as u32,
                normalized: figures::normalize(&f, year, fx),
                surface,
                figure: f,
                change_id,
                about: AboutRecord {
                    subject_entity_id: a.subject.map(str::to_string),
                    commodity_id: a.commodity.map(str::to_string),
                    measure: a.measure_id(),
                    measure_rule: a.measure_rule.map(|r| r.as_str()),
                },
            }
        })
        .collect()
}

/// A parsed article with its ids and everything extracted from it.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    pub article_id: String,
    pub content_hash: String,
    pub article: Article,
    pub claims: Vec<ClaimRecord>,
    /// Figures of the title, then of each claim in order.
    pub figures: Vec<FigureRecord>,
    /// Entities mentioned in the title, in order (byte spans into the title).
    pub title_mentions: Vec<Mention>,
}

impl ArticleRecord {
    pub fn new(collection: &str, article: Article, recognizer: &Recognizer) -> Self {
        let local_time = article.local_time.format("%Y-%m-%d %H:%M:%S").to_string();
        let article_id =
            ids::stable_id(&[collection, &article.source, &local_time, &article.title]);
        let content_hash = ids::content_hash(&[
            &article.title,
            &article.source,
            &local_time,
            &article.summary,
        ]);
        let mut occurrences = Occurrences::default();
        let mut claims = Vec::with_capacity(article.structure.n_claims());
        for (si, section) in article.structure.sections.iter().enumerate() {
            for (bi, bullet) in section.bullets.iter().enumerate() {
                let mentions = recognizer.recognize(&bullet.text);
                let names: Vec<_> = mentions.iter().map(|m| m.start..m.end).collect();
                claims.push(ClaimRecord {
                    claim_id: occurrences.id(&[&article_id, &bullet.text]),
                    ordinal: claims.len() as u32 + 1,
                    section: si,
                    bullet: bi,
                    attribution: attribution::attribute(&bullet.text, &names),
                    mentions,
                });
            }
        }
        let year = Some(article.local_time.year());
        let title_mentions = recognizer.recognize(&article.title);
        let mut figures = figure_records(
            &article.title,
            &article_id,
            Field::Title,
            None,
            year,
            recognizer,
            &title_mentions,
        );
        for (ci, c) in claims.iter().enumerate() {
            let text = &article.structure.sections[c.section].bullets[c.bullet].text;
            figures.extend(figure_records(
                text,
                &c.claim_id,
                Field::Claim,
                Some(ci),
                year,
                recognizer,
                &c.mentions,
            ));
        }
        ArticleRecord {
            article_id,
            content_hash,
            article,
            claims,
            figures,
            title_mentions,
        }
    }
}

/// What normalizing one file produced, besides its parts; stored next to them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PartMeta {
    /// Path relative to the corpus directory, as recorded in the tables.
    pub name: String,
    /// Path as shown in diagnostics.
    pub display: String,
    pub topic: String,
    pub bytes: u64,
    pub articles: u64,
    pub claims: u64,
    pub skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Entities found by pattern rules (not in the gazetteer): id → (kind, name), the
    /// first occurrence in the file naming them.
    pub pattern_entities: BTreeMap<String, (String, String)>,
    /// What the file's mentions say about each entity they name (empty for `check`,
    /// which writes no parts): assembly adds the files up instead of reading every
    /// mention again.
    pub entities: BTreeMap<String, EntityCounts>,
}

/// Where one file's parts live in the cache.
#[derive(Debug, Clone)]
pub struct Part {
    pub meta: PartMeta,
    pub dir: PathBuf,
}

impl Part {
    pub fn table_path(dir: &Path, table: Table) -> PathBuf {
        dir.join(format!("{}.parquet", table.name()))
    }
}

/// Rows of one chunk, one builder per per-file table.
struct ChunkRows {
    builders: Vec<RowBuilder>,
}

impl ChunkRows {
    fn new() -> Self {
        ChunkRows {
            builders: PER_FILE_TABLES
                .iter()
                .map(|&t| RowBuilder::new(t))
                .collect(),
        }
    }

    fn of(&mut self, table: Table) -> &mut RowBuilder {
        let i = PER_FILE_TABLES
            .iter()
            .position(|&t| t == table)
            .expect("per-file table");
        &mut self.builders[i]
    }

    fn finish(mut self) -> Result<Vec<RecordBatch>> {
        self.builders.iter_mut().map(RowBuilder::finish).collect()
    }
}

/// Reads one corpus file and writes its parts into `part_dir` (replacing what was there).
pub fn normalize_file(file: &CorpusFile, display: &str, part_dir: &Path) -> Result<PartMeta> {
    let tmp_dir = part_dir.with_extension("tmp");
    let _ = std::fs::remove_dir_all(&tmp_dir);
    std::fs::create_dir_all(&tmp_dir)
        .with_context(|| format!("Failed to create '{}'", tmp_dir.display()))?;
    let mut writers = PER_FILE_TABLES
        .iter()
        .map(|&t| TableWriter::create(t, &Part::table_path(&tmp_dir, t)))
        .collect::<Result<Vec<_>>>()?;
    let mut entities = EntityStats::default();
    // An article repeated within the file is dropped here, chunk by chunk, so that the
    // part holds what the tables will (assembly then copies it without decoding); one
    // repeated from another file can only be dropped at assembly.
    let mut copies = Duplicates::default();
    let mut meta = process_file(file, display, |mut tables| {
        let articles = per_file_index(Table::Articles);
        copies.observe_file(display, &tables[articles..][..1]);
        let dropped = copies.dropped.last().expect("observed");
        if !dropped.is_empty() {
            for batch in &mut tables {
                *batch = drop_articles(batch.clone(), dropped)?;
            }
        }
        let published = article_times(&tables[articles..][..1]);
        entities.observe(&tables[per_file_index(Table::Mentions)], &published);
        for (writer, batch) in writers.iter_mut().zip(tables) {
            writer.write(batch)?;
        }
        Ok(())
    })?;
    for w in writers {
        w.finish()?.0.commit()?;
    }
    meta.entities = entities.counts();
    let repeated = copies.diagnostics.len();
    meta.articles -= repeated as u64;
    meta.claims -= copies.dropped_claims;
    meta.skipped += repeated;
    meta.diagnostics.extend(copies.diagnostics);
    let meta_json = serde_json::to_vec_pretty(&meta)?;
    let meta_path = tmp_dir.join("meta.json");
    std::fs::write(&meta_path, meta_json)
        .with_context(|| format!("Failed to write '{}'", meta_path.display()))?;
    let _ = std::fs::remove_dir_all(part_dir);
    std::fs::rename(&tmp_dir, part_dir)
        .with_context(|| format!("Failed to move '{}' into place", tmp_dir.display()))?;
    Ok(meta)
}

/// Position of a table in [`PER_FILE_TABLES`] (and in each chunk's batches).
fn per_file_index(table: Table) -> usize {
    PER_FILE_TABLES
        .iter()
        .position(|&t| t == table)
        .expect("per-file table")
}

/// Reads a part's metadata, if the part is complete.
pub fn load_part(dir: &Path) -> Option<PartMeta> {
    let bytes = std::fs::read(dir.join("meta.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Parses and extracts one file chunk by chunk (chunks of a window in parallel) and hands
/// each chunk's rows, in file order, to `sink`. Used by the build (which writes parts)
/// and by `gazette check` (which writes nothing).
pub fn process_file(
    file: &CorpusFile,
    display: &str,
    mut sink: impl FnMut(Vec<RecordBatch>) -> Result<()>,
) -> Result<PartMeta> {
    let bytes = std::fs::read(&file.path)
        .with_context(|| format!("Failed to read corpus file '{}'", file.path.display()))?;
    let mut meta = PartMeta {
        name: file.name.clone(),
        display: display.to_string(),
        topic: String::new(),
        bytes: bytes.len() as u64,
        articles: 0,
        claims: 0,
        skipped: 0,
        diagnostics: Vec::new(),
        pattern_entities: BTreeMap::new(),
        entities: BTreeMap::new(),
    };
    let recognizer = Recognizer::global()?;
    let chunks = corpus::chunk_ranges(&bytes, chunk_bytes());
    // A window of chunks is in memory at a time: enough to keep every thread busy.
    let window = 2 * rayon::current_num_threads().max(1);
    for (w, group) in chunks.chunks(window).enumerate() {
        let parsed: Vec<ParsedFile> = group
            .par_iter()
            .enumerate()
            .map(|(i, c)| {
                let first = w == 0 && i == 0;
                corpus::parse_chunk(display, &bytes[c.range.clone()], c.first_line, first)
            })
            .collect();
        if w == 0 {
            meta.topic = parsed[0].topic.clone();
        }
        let topic = meta.topic.as_str();
        let batches: Vec<(Vec<RecordBatch>, ParsedStats)> = parsed
            .into_par_iter()
            .map(|p| chunk_batches(topic, &file.name, p, recognizer))
            .collect::<Result<_>>()?;
        for (tables, stats) in batches {
            sink(tables)?;
            meta.articles += stats.articles;
            meta.claims += stats.claims;
            meta.skipped += stats.skipped;
            meta.diagnostics.extend(stats.diagnostics);
            for (id, entity) in stats.pattern_entities {
                meta.pattern_entities.entry(id).or_insert(entity);
            }
        }
    }
    Ok(meta)
}

struct ParsedStats {
    articles: u64,
    claims: u64,
    skipped: usize,
    diagnostics: Vec<Diagnostic>,
    pattern_entities: BTreeMap<String, (String, String)>,
}

/// Ids, extraction and rows for one parsed chunk.
fn chunk_batches(
    topic: &str,
    source_file: &str,
    parsed: ParsedFile,
    recognizer: &Recognizer,
) -> Result<(Vec<RecordBatch>, ParsedStats)> {
    let mut parsed = parsed;
    parsed.resolve_headers(topic);
    let ParsedFile {
        articles,
        diagnostics,
        skipped,
        ..
    } = parsed;
    let mut rows = ChunkRows::new();
    let mut stats = ParsedStats {
        articles: 0,
        claims: 0,
        skipped,
        diagnostics,
        pattern_entities: BTreeMap::new(),
    };
    for article in articles {
        let rec = ArticleRecord::new(topic, article, recognizer);
        stats.articles += 1;
        stats.claims += rec.claims.len() as u64;
        append_article(rows.of(Table::Articles), topic, source_file, &rec);
        append_claims(rows.of(Table::Claims), source_file, &rec);
        append_figures(rows.of(Table::Figures), source_file, &rec);
        append_mentions(
            rows.of(Table::Mentions),
            source_file,
            &rec,
            recognizer,
            &mut stats.pattern_entities,
        );
    }
    Ok((rows.finish()?, stats))
}

fn append_article(b: &mut RowBuilder, topic: &str, source_file: &str, rec: &ArticleRecord) {
    let a = &rec.article;
    b.str(&rec.article_id)
        .str(topic)
        .str(&a.title)
        .str(&a.source)
        .timestamp(a.published_at)
        .str(&a.local_time.format("%Y-%m").to_string())
        .str(&a.summary)
        .opt_str(a.structure.core_label.as_deref())
        .i32(a.structure.sections.len() as i32)
        .i32(rec.claims.len() as i32)
        .str(source_file)
        .i32(a.title_line as i32)
        .i32(a.summary_line as i32)
        .str(&rec.content_hash)
        .end_row();
}

fn append_claims(b: &mut RowBuilder, source_file: &str, rec: &ArticleRecord) {
    for c in &rec.claims {
        let section = &rec.article.structure.sections[c.section];
        let bullet = &section.bullets[c.bullet];
        b.str(&c.claim_id)
            .str(&rec.article_id)
            .i32(c.ordinal as i32)
            .i32(section.ordinal as i32)
            .str(&section.label)
            .opt_str(section.heading.as_deref())
            .bool(section.is_core)
            .str(&bullet.text)
            .list_i32(bullet.citations.iter().map(|&n| n as i32))
            .i32(bullet.char_start as i32)
            .i32(bullet.char_end as i32)
            .str(source_file)
            .i32(rec.article.summary_line as i32)
            .opt_str(c.attribution.cue)
            .opt_str(c.attribution.attributed_to.as_deref())
            .bool(c.attribution.hedged)
            .str(c.attribution.modality.as_str())
            .str(c.attribution.rule)
            .end_row();
    }
}

/// Mentions of one article: the title's, then each claim's, in text order. Entities
/// found by pattern rules are noted in `patterns` (their rows are written at assembly).
fn append_mentions(
    b: &mut RowBuilder,
    source_file: &str,
    rec: &ArticleRecord,
    recognizer: &Recognizer,
    patterns: &mut BTreeMap<String, (String, String)>,
) {
    let a = &rec.article;
    let fields = std::iter::once((
        "title",
        None,
        a.title.as_str(),
        &rec.title_mentions,
        a.title_line,
    ))
    .chain(rec.claims.iter().map(|c| {
        let bullet = &a.structure.sections[c.section].bullets[c.bullet];
        (
            "claim",
            Some((c.claim_id.as_str(), c.ordinal)),
            bullet.text.as_str(),
            &c.mentions,
            a.summary_line,
        )
    }));
    for (field, claim, text, mentions, line) in fields {
        let claim_id = claim.map(|(id, _)| id);
        let mut chars = CharIndex::new(text);
        for m in mentions {
            let (entity_id, kind, name) = recognizer.describe(&m.entity);
            if matches!(m.entity, EntityRef::Pattern(_)) && !patterns.contains_key(entity_id) {
                patterns.insert(
                    entity_id.to_string(),
                    (kind.as_str().to_string(), name.to_string()),
                );
            }
            let (start, end) = (chars.char_of(m.start), chars.char_of(m.end));
            let start_s = start.to_string();
            let mention_id =
                ids::stable_id(&[&rec.article_id, field, claim_id.unwrap_or(""), &start_s]);
            b.str(&mention_id)
                .str(entity_id)
                .str(&rec.article_id)
                .opt_str(claim_id)
                .opt_i32(claim.map(|(_, ordinal)| ordinal as i32))
                .str(field)
                .str(&text[m.start..m.end])
                .i32(start as i32)
                .i32(end as i32)
                .bool(m.is_demonym)
                .str(m.rule.as_str())
                .str(if m.rule.is_pattern() {
                    "pattern"
                } else {
                    "gazetteer"
                })
                .str(source_file)
                .i32(line as i32)
                .end_row();
        }
    }
}

fn append_figures(b: &mut RowBuilder, source_file: &str, rec: &ArticleRecord) {
    for f in &rec.figures {
        let (claim_id, line) = match f.claim {
            Some(ci) => (
                Some(rec.claims[ci].claim_id.as_str()),
                rec.article.summary_line,
            ),
            None => (None, rec.article.title_line),
        };
        b.str(&f.figure_id).str(&rec.article_id).opt_str(claim_id);
        figure_columns(b, f);
        b.str(source_file).i32(line as i32).end_row();
    }
}

fn figure_columns(row: &mut RowBuilder, f: &FigureRecord) {
    let g = &f.figure;
    let n = f.normalized.as_ref();
    row.str(f.field.as_str())
        .str(&f.surface)
        .i32(f.char_start as i32)
        .i32(f.char_end as i32)
        .str(g.kind.as_str())
        .f64(g.value)
        .opt_f64(g.value_max)
        .str(g.unit)
        .opt_str(g.per_unit)
        .str(g.qualifier.as_str())
        .opt_f64(n.map(|n| n.value))
        .opt_f64(n.and_then(|n| n.value_max))
        .opt_str(n.map(|n| n.unit.as_str()))
        .opt_f64(n.and_then(|n| n.fx).map(|r| r.usd_per_unit))
        .opt_i32(n.and_then(|n| n.fx).map(|r| r.year))
        .opt_str(f.change_id.as_deref())
        .opt_str(g.change.map(|(_, r)| r.as_str()))
        .opt_i32(g.as_of_year)
        .opt_str(f.about.subject_entity_id.as_deref())
        .opt_str(f.about.commodity_id.as_deref())
        .opt_str(f.about.measure)
        .opt_str(f.about.measure_rule);
}

/// Some columns of one table of a part.
fn read_part_columns(dir: &Path, table: Table, columns: &[&str]) -> Result<Vec<RecordBatch>> {
    let path = Part::table_path(dir, table);
    read_columns(&path, columns)?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("Failed to read '{}'", path.display()))
}

/// What assembly produced besides the tables.
#[derive(Debug, Default)]
pub struct Assembled {
    pub written: Written,
    /// Articles dropped as duplicates of an earlier one, with their diagnostics.
    pub duplicates: Vec<Diagnostic>,
}

/// Copies of articles to drop from one file, by article id: the lines each copy spans
/// (its title's to its summary's). By lines, not by id alone: a copy repeated within a
/// file has the id of the first, which is kept.
pub type DroppedCopies = HashMap<String, Vec<(i32, i32)>>;

/// Finds articles exported more than once (same collection, source, time and title),
/// possibly in different files. The first copy, in file order, is kept.
#[derive(Debug, Default)]
pub struct Duplicates {
    seen: HashMap<String, (String, i32)>,
    /// Per file (in the order observed): the copies of articles to drop.
    pub dropped: Vec<DroppedCopies>,
    /// Claims of the dropped articles.
    pub dropped_claims: u64,
    pub diagnostics: Vec<Diagnostic>,
}

impl Duplicates {
    /// Observes the `articles` rows of the next file; call once per file, in file order,
    /// with all of that file's batches.
    pub fn observe_file<'a>(
        &mut self,
        display: &str,
        batches: impl IntoIterator<Item = &'a RecordBatch>,
    ) {
        let mut dropped = DroppedCopies::new();
        for batch in batches {
            let ids = batch
                .column_by_name("article_id")
                .expect("article_id")
                .as_string::<i32>();
            let int_column = |name: &str| {
                batch
                    .column_by_name(name)
                    .unwrap_or_else(|| panic!("articles.{name}"))
                    .as_primitive::<arrow::datatypes::Int32Type>()
                    .clone()
            };
            let (lines, n_claims) = (int_column("source_line"), int_column("n_claims"));
            let last_lines = int_column("summary_line");
            for row in 0..batch.num_rows() {
                let (id, line) = (ids.value(row), lines.value(row));
                match self.seen.get(id) {
                    Some((first_file, first_line)) => {
                        dropped
                            .entry(id.to_string())
                            .or_default()
                            .push((line, last_lines.value(row)));
                        self.dropped_claims += n_claims.value(row) as u64;
                        self.diagnostics.push(Diagnostic::error(
                            display,
                            line as u32,
                            "each article once per collection",
                            format!(
                                "a duplicate of the article at {}:{first_line} \
                                 (same collection, source, time and title)",
                                crate::text::visible(first_file)
                            ),
                        ));
                    }
                    None => {
                        self.seen
                            .insert(id.to_string(), (display.to_string(), line));
                    }
                }
            }
        }
        self.dropped.push(dropped);
    }
}

/// Concatenates the parts, in order, into the published tables under `out_root`
/// (staged: they replace the previous tables when committed).
pub fn assemble(parts: &[Part], out_root: &Path) -> Result<Assembled> {
    let mut out = Assembled::default();
    let mut duplicates = Duplicates::default();
    for part in parts {
        let keys = ["article_id", "source_line", "summary_line", "n_claims"];
        let articles = read_part_columns(&part.dir, Table::Articles, &keys)?;
        duplicates.observe_file(&part.meta.display, &articles);
    }
    // One table per task: each streams its parts into its own Parquet writer. Only the
    // row groups holding a dropped copy (by their lines' statistics) are decoded and
    // written again without it; the others are appended as they were encoded.
    let tables = PER_FILE_TABLES
        .par_iter()
        .map(|&table| -> Result<_> {
            let mut writer = TableWriter::create(table, &table.path(out_root))?;
            for (part, dropped) in parts.iter().zip(&duplicates.dropped) {
                writer.append_file_filtered(
                    &Part::table_path(&part.dir, table),
                    |group| holds_a_copy(group, dropped),
                    |batch| drop_articles(batch, dropped),
                )?;
            }
            Ok((table, writer.finish()?))
        })
        .collect::<Result<Vec<_>>>()?;
    for (table, written) in tables {
        out.written.add(table, written);
    }
    // A part's counts include its dropped copies' mentions: those parts count again
    // without them, from the columns that counting reads.
    let recounted = parts
        .par_iter()
        .zip(&duplicates.dropped)
        .map(|(part, dropped)| -> Result<_> {
            if dropped.is_empty() {
                return Ok(None);
            }
            let times = ["article_id", "published_at"];
            let published = article_times(&read_part_columns(&part.dir, Table::Articles, &times)?);
            let mut stats = EntityStats::default();
            let columns = ["entity_id", "article_id", "source_line"];
            for batch in read_part_columns(&part.dir, Table::Mentions, &columns)? {
                stats.observe(&drop_articles(batch, dropped)?, &published);
            }
            Ok(Some(stats.counts()))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut entities = BTreeMap::<String, EntityCounts>::new();
    let mut patterns = BTreeMap::new();
    for (part, recounted) in parts.iter().zip(&recounted) {
        for (id, c) in recounted.as_ref().unwrap_or(&part.meta.entities) {
            entities
                .entry(id.clone())
                .and_modify(|e| e.add(c))
                .or_insert(*c);
        }
        for (id, entity) in &part.meta.pattern_entities {
            patterns.entry(id.clone()).or_insert_with(|| entity.clone());
        }
    }
    out.written.add(
        Table::Entities,
        write_entities(out_root, Recognizer::global()?, &entities, &patterns)?,
    );
    out.duplicates = duplicates.diagnostics;
    Ok(out)
}

/// Publication time of each article of a part's (or a chunk's) `articles` batches.
fn article_times(articles: &[RecordBatch]) -> HashMap<String, i64> {
    let mut out = HashMap::new();
    for batch in articles {
        let ids = batch
            .column_by_name("article_id")
            .expect("article_id")
            .as_string::<i32>();
        let times = batch
            .column_by_name("published_at")
            .expect("published_at")
            .as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
        for row in 0..batch.num_rows() {
            out.insert(ids.value(row).to_string(), times.value(row));
        }
    }
    out
}

/// What the mentions of one file (or of all) say about one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EntityCounts {
    pub n_mentions: u64,
    /// Articles mentioning it: an article is in one file only (duplicates are dropped),
    /// so the files' counts add up.
    pub n_articles: u64,
    pub first_seen: i64,
    pub last_seen: i64,
}

impl EntityCounts {
    fn add(&mut self, other: &EntityCounts) {
        self.n_mentions += other.n_mentions;
        self.n_articles += other.n_articles;
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
    }
}

/// What the mentions say about one entity, for its `entities` row.
#[derive(Debug, Clone)]
struct EntitySeen {
    n_mentions: u64,
    n_articles: u64,
    /// The serial number of the last article counted, so that an article counts once.
    last_article: u64,
    first_seen: i64,
    last_seen: i64,
}

/// Entities seen in a stream of mentions, by id.
#[derive(Debug, Default)]
struct EntityStats {
    /// Hashed, not ordered: every mention looks its entity up (at 100k articles three
    /// million lookups, where a `BTreeMap` compared a dozen ids each on the assembly's
    /// longest task); the table is put in id order when it is written.
    by_id: FastMap<String, EntitySeen>,
    /// Serial number of the current article in the mention stream (rows come grouped by
    /// article, in order).
    article_serial: u64,
    last_article_id: String,
    /// The publication time of that article.
    last_published: i64,
}

impl EntityStats {
    fn counts(self) -> BTreeMap<String, EntityCounts> {
        self.by_id
            .into_iter()
            .map(|(id, e)| {
                let counts = EntityCounts {
                    n_mentions: e.n_mentions,
                    n_articles: e.n_articles,
                    first_seen: e.first_seen,
                    last_seen: e.last_seen,
                };
                (id, counts)
            })
            .collect()
    }

    fn observe(&mut self, mentions: &RecordBatch, published: &HashMap<String, i64>) {
        let col = |name: &str| {
            mentions
                .column_by_name(name)
                .unwrap_or_else(|| panic!("mentions.{name}"))
                .as_string::<i32>()
                .clone()
        };
        let (entity_ids, article_ids) = (col("entity_id"), col("article_id"));
        // Per row only lookups: a key is allocated once per entity, a publication time
        // looked up once per article (at a million articles, 20 million mentions).
        for row in 0..mentions.num_rows() {
            let article = article_ids.value(row);
            if article != self.last_article_id {
                self.article_serial += 1;
                self.last_article_id.clear();
                self.last_article_id.push_str(article);
                self.last_published = published.get(article).copied().unwrap_or_default();
            }
            let at = self.last_published;
            let serial = self.article_serial;
            let id = entity_ids.value(row);
            let e = match self.by_id.get_mut(id) {
                Some(e) => e,
                None => self.by_id.entry(id.to_string()).or_insert(EntitySeen {
                    n_mentions: 0,
                    n_articles: 0,
                    last_article: 0,
                    first_seen: at,
                    last_seen: at,
                }),
            };
            e.n_mentions += 1;
            if e.last_article != serial {
                e.last_article = serial;
                e.n_articles += 1;
            }
            e.first_seen = e.first_seen.min(at);
            e.last_seen = e.last_seen.max(at);
        }
    }
}

/// The `entities` table: every entity mentioned, and the ancestors of those from the
/// gazetteer (with no mentions), in id order.
fn write_entities(
    out_root: &Path,
    recognizer: &Recognizer,
    seen: &BTreeMap<String, EntityCounts>,
    patterns: &BTreeMap<String, (String, String)>,
) -> Result<(crate::fsutil::Staged, u64)> {
    let gaz = &recognizer.gazetteer;
    let mut rows: BTreeMap<&str, Option<&EntityCounts>> = BTreeMap::new();
    for id in seen.keys() {
        let mut parent = gaz.get(id).and_then(|e| e.parent.as_deref());
        while let Some(p) = parent {
            rows.insert(p, None);
            parent = gaz.get(p).and_then(|e| e.parent.as_deref());
        }
    }
    for (id, s) in seen {
        rows.insert(id, Some(s));
    }
    let mut w = TableWriter::create(Table::Entities, &Table::Entities.path(out_root))?;
    for (id, s) in &rows {
        let row = w.row();
        match (gaz.get(id), patterns.get(*id)) {
            (Some(e), _) => {
                row.str(id)
                    .str(e.kind.as_str())
                    .str(&e.name_en)
                    .opt_str(e.name_zh.as_deref())
                    .list_str(e.aliases())
                    .opt_str(e.wikidata.as_deref())
                    .opt_str(e.parent.as_deref())
                    .str("gazetteer");
            }
            (None, Some((kind, name))) => {
                debug_assert!(Kind::parse(kind).is_some());
                row.str(id)
                    .str(kind)
                    .str(name)
                    .opt_str(None)
                    .list_str(std::iter::empty())
                    .opt_str(None)
                    .opt_str(None)
                    .str("pattern");
            }
            (None, None) => {
                anyhow::bail!("entity {id} is neither in the gazetteer nor a pattern's")
            }
        }
        match s {
            Some(s) => row
                .i64(s.n_mentions as i64)
                .i64(s.n_articles as i64)
                .opt_timestamp(Some(s.first_seen))
                .opt_timestamp(Some(s.last_seen)),
            None => row.i64(0).i64(0).opt_timestamp(None).opt_timestamp(None),
        };
        w.row_done()?;
    }
    w.finish()
}

/// Removes the rows of dropped copies of articles.
fn drop_articles(batch: RecordBatch, dropped: &DroppedCopies) -> Result<RecordBatch> {
    if dropped.is_empty() {
        return Ok(batch);
    }
    let ids = batch
        .column_by_name("article_id")
        .expect("article_id")
        .as_string::<i32>();
    let lines = batch
        .column_by_name("source_line")
        .expect("source_line")
        .as_primitive::<arrow::datatypes::Int32Type>();
    let keep: BooleanArray = (0..ids.len())
        .map(|i| {
            let copies = dropped.get(ids.value(i)).map_or(&[][..], Vec::as_slice);
            let line = lines.value(i);
            Some(
                !copies
                    .iter()
                    .any(|&(first, last)| (first..=last).contains(&line)),
            )
        })
        .collect();
    Ok(arrow::compute::filter_record_batch(&batch, &keep)?)
}

/// Whether a row group of a part may hold rows of a dropped copy: whether the lines its
/// rows come from (its `source_line` statistics) meet a copy's lines. Without
/// statistics, it may.
fn holds_a_copy(
    group: &parquet::file::metadata::RowGroupMetaData,
    dropped: &DroppedCopies,
) -> bool {
    use parquet::file::statistics::Statistics;
    if dropped.is_empty() {
        return false;
    }
    let range = group
        .columns()
        .iter()
        .find(|c| c.column_path().string() == "source_line")
        .and_then(|c| match c.statistics() {
            Some(Statistics::Int32(s)) => Some((*s.min_opt()?, *s.max_opt()?)),
            _ => None,
        });
    let Some((min, max)) = range else {
        return true;
    };
    dropped
        .values()
        .flatten()
        .any(|&(first, last)| first <= max && min <= last)
}
