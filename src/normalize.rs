//! Stage 1: corpus files → the normalized tables (`articles`, `claims`, …).
//!
//! Each file is read and parsed on its own (in parallel); the rows are then written in
//! file order, so the tables come out the same whatever the thread count.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::corpus::{self, Article, CorpusFile, ParsedFile};
use crate::diagnostics::{Diagnostic, Severity};
use crate::extract::attribution::{self, Attribution};
use crate::extract::entities::{EntityRef, Mention, Recognizer};
use crate::fsutil::Staged;
use crate::ids::{self, Occurrences};
use crate::tables::{Table, TableWriter};
use crate::text::CharIndex;

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

/// A parsed article with its ids.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    pub article_id: String,
    pub content_hash: String,
    pub article: Article,
    pub claims: Vec<ClaimRecord>,
    /// Entities mentioned in the title, in order (byte spans into the title).
    pub title_mentions: Vec<Mention>,
}

impl ArticleRecord {
    fn new(collection: &str, article: Article, recognizer: &Recognizer) -> Self {
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
                claims.push(ClaimRecord {
                    claim_id: occurrences.id(&[&article_id, &bullet.text]),
                    ordinal: claims.len() as u32 + 1,
                    section: si,
                    bullet: bi,
                    mentions: recognizer.recognize(&bullet.text),
                    attribution: attribution::attribute(&bullet.text),
                });
            }
        }
        let title_mentions = recognizer.recognize(&article.title);
        ArticleRecord {
            article_id,
            content_hash,
            article,
            claims,
            title_mentions,
        }
    }
}

/// One corpus file, normalized.
#[derive(Debug, Clone)]
pub struct NormalizedFile {
    /// Path relative to the corpus directory, as recorded in the tables.
    pub name: String,
    /// Path as shown in diagnostics.
    pub display: String,
    pub topic: String,
    pub articles: Vec<ArticleRecord>,
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: usize,
    pub bytes: u64,
}

impl NormalizedFile {
    /// `parsed` must come from [`corpus::parse_file`] called with the display path.
    pub fn from_parsed(
        name: &str,
        parsed: ParsedFile,
        bytes: u64,
        recognizer: &Recognizer,
    ) -> Self {
        let ParsedFile {
            name: display,
            topic,
            articles,
            diagnostics,
            skipped,
        } = parsed;
        // Recognition is the costly part of a record: articles of one file in parallel (an
        // indexed parallel collect keeps their order).
        let articles = articles
            .into_par_iter()
            .map(|a| ArticleRecord::new(&topic, a, recognizer))
            .collect();
        NormalizedFile {
            name: name.to_string(),
            display,
            topic,
            articles,
            diagnostics,
            skipped,
            bytes,
        }
    }
}

/// Reads and normalizes one corpus file. `display` is how the file is named in
/// diagnostics (its path as the user gave it).
pub fn normalize_file(file: &CorpusFile, display: &str) -> Result<NormalizedFile> {
    let bytes = std::fs::read(&file.path)
        .with_context(|| format!("Failed to read corpus file '{}'", file.path.display()))?;
    let recognizer = Recognizer::global()?;
    let parsed = corpus::parse_file(display, &bytes);
    Ok(NormalizedFile::from_parsed(
        &file.name,
        parsed,
        bytes.len() as u64,
        recognizer,
    ))
}

/// Reads every file of the corpus, in parallel, keeping the files' order.
pub fn normalize_corpus(files: &[CorpusFile], corpus_dir: &Path) -> Result<Vec<NormalizedFile>> {
    files
        .par_iter()
        .map(|f| normalize_file(f, &display_path(corpus_dir, f)))
        .collect()
}

fn display_path(corpus_dir: &Path, f: &CorpusFile) -> String {
    corpus_dir.join(&f.name).to_string_lossy().into_owned()
}

/// Drops articles whose id was already seen (the same article exported twice), with a
/// diagnostic pointing at the first copy.
pub fn drop_duplicates(files: &mut [NormalizedFile]) {
    let mut seen: HashMap<String, (String, u32)> = HashMap::new();
    for file in files.iter_mut() {
        let mut kept = Vec::with_capacity(file.articles.len());
        for rec in std::mem::take(&mut file.articles) {
            match seen.get(&rec.article_id) {
                Some((first_file, first_line)) => {
                    file.skipped += 1;
                    file.diagnostics.push(Diagnostic::error(
                        &file.display,
                        rec.article.title_line,
                        "each article once per collection",
                        format!(
                            "a duplicate of the article at {first_file}:{first_line} \
                             (same collection, source, time and title)"
                        ),
                    ));
                }
                None => {
                    seen.insert(
                        rec.article_id.clone(),
                        (file.display.clone(), rec.article.title_line),
                    );
                    kept.push(rec);
                }
            }
        }
        file.articles = kept;
        file.diagnostics.sort_by_key(|d| d.line);
    }
}

/// Counts written per table.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TableCounts {
    pub articles: u64,
    pub claims: u64,
    pub entities: u64,
    pub mentions: u64,
}

/// Writes the normalized tables under `out_root`, staged: they replace the previous
/// tables when the returned files are committed.
pub fn write_tables(
    files: &[NormalizedFile],
    out_root: &Path,
) -> Result<(Vec<Staged>, TableCounts)> {
    let mut articles = TableWriter::create(Table::Articles, &Table::Articles.path(out_root))?;
    let mut claims = TableWriter::create(Table::Claims, &Table::Claims.path(out_root))?;
    let mut mentions = TableWriter::create(Table::Mentions, &Table::Mentions.path(out_root))?;
    let recognizer = Recognizer::global()?;
    let mut seen = EntityStats::default();
    for file in files {
        for rec in &file.articles {
            append_article(&mut articles, file, rec)?;
            append_claims(&mut claims, file, rec)?;
            append_mentions(&mut mentions, file, rec, recognizer, &mut seen)?;
        }
    }
    let entities = write_entities(out_root, recognizer, seen)?;
    let (articles_file, n_articles) = articles.finish()?;
    let (claims_file, n_claims) = claims.finish()?;
    let (entities_file, n_entities) = entities.finish()?;
    let (mentions_file, n_mentions) = mentions.finish()?;
    Ok((
        vec![articles_file, claims_file, entities_file, mentions_file],
        TableCounts {
            articles: n_articles,
            claims: n_claims,
            entities: n_entities,
            mentions: n_mentions,
        },
    ))
}

fn append_article(w: &mut TableWriter, file: &NormalizedFile, rec: &ArticleRecord) -> Result<()> {
    let a = &rec.article;
    w.row()
        .str(&rec.article_id)
        .str(&file.topic)
        .str(&a.title)
        .str(&a.source)
        .timestamp(a.published_at)
        .str(&a.summary)
        .opt_str(a.structure.core_label.as_deref())
        .i32(a.structure.sections.len() as i32)
        .i32(rec.claims.len() as i32)
        .str(&file.name)
        .i32(a.title_line as i32)
        .i32(a.summary_line as i32)
        .str(&rec.content_hash);
    w.row_done()
}

fn append_claims(w: &mut TableWriter, file: &NormalizedFile, rec: &ArticleRecord) -> Result<()> {
    for c in &rec.claims {
        let section = &rec.article.structure.sections[c.section];
        let bullet = &section.bullets[c.bullet];
        w.row()
            .str(&c.claim_id)
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
            .str(&file.name)
            .i32(rec.article.summary_line as i32)
            .opt_str(c.attribution.cue)
            .opt_str(c.attribution.attributed_to.as_deref())
            .bool(c.attribution.hedged)
            .str(c.attribution.modality.as_str())
            .str(c.attribution.rule);
        w.row_done()?;
    }
    Ok(())
}

/// What the mentions say about one entity, for its `entities` row.
#[derive(Debug, Clone)]
struct EntitySeen {
    /// The pattern rule's entity (kind and name), `None` for gazetteer entities.
    pattern: Option<(crate::extract::entities::Kind, String)>,
    n_mentions: u64,
    n_articles: u64,
    /// The last article counted, so that an article counts once.
    last_article: usize,
    first_seen: i64,
    last_seen: i64,
}

/// Entities seen so far, by id (a `BTreeMap`: the table is written in id order).
#[derive(Debug, Default)]
struct EntityStats {
    by_id: BTreeMap<String, EntitySeen>,
    articles: usize,
}

impl EntityStats {
    fn record(&mut self, recognizer: &Recognizer, m: &Mention, published_at: i64) {
        let (id, kind, name) = recognizer.describe(&m.entity);
        let article = self.articles;
        let pattern = matches!(m.entity, EntityRef::Pattern(_)).then(|| (kind, name.to_string()));
        let e = self.by_id.entry(id.to_string()).or_insert(EntitySeen {
            pattern,
            n_mentions: 0,
            n_articles: 0,
            last_article: usize::MAX,
            first_seen: published_at,
            last_seen: published_at,
        });
        e.n_mentions += 1;
        if e.last_article != article {
            e.last_article = article;
            e.n_articles += 1;
        }
        e.first_seen = e.first_seen.min(published_at);
        e.last_seen = e.last_seen.max(published_at);
    }
}

/// Mentions of one article: the title's, then each claim's, in text order.
fn append_mentions(
    w: &mut TableWriter,
    file: &NormalizedFile,
    rec: &ArticleRecord,
    recognizer: &Recognizer,
    seen: &mut EntityStats,
) -> Result<()> {
    let a = &rec.article;
    seen.articles += 1;
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
            Some(c.claim_id.as_str()),
            bullet.text.as_str(),
            &c.mentions,
            a.summary_line,
        )
    }));
    for (field, claim_id, text, mentions, line) in fields {
        let mut chars = CharIndex::new(text);
        for m in mentions {
            let (entity_id, ..) = recognizer.describe(&m.entity);
            let (start, end) = (chars.char_of(m.start), chars.char_of(m.end));
            let start_s = start.to_string();
            let mention_id =
                ids::stable_id(&[&rec.article_id, field, claim_id.unwrap_or(""), &start_s]);
            w.row()
                .str(&mention_id)
                .str(entity_id)
                .str(&rec.article_id)
                .opt_str(claim_id)
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
                .str(&file.name)
                .i32(line as i32);
            w.row_done()?;
            seen.record(recognizer, m, a.published_at);
        }
    }
    Ok(())
}

/// The `entities` table: every entity mentioned, and the ancestors of those from the
/// gazetteer (with no mentions), in id order.
fn write_entities(
    out_root: &Path,
    recognizer: &Recognizer,
    mut seen: EntityStats,
) -> Result<TableWriter> {
    let gaz = &recognizer.gazetteer;
    let mut ancestors = Vec::new();
    for id in seen.by_id.keys() {
        let mut parent = gaz.get(id).and_then(|e| e.parent.as_deref());
        while let Some(p) = parent {
            ancestors.push(p.to_string());
            parent = gaz.get(p).and_then(|e| e.parent.as_deref());
        }
    }
    let mut w = TableWriter::create(Table::Entities, &Table::Entities.path(out_root))?;
    let mut rows: BTreeMap<String, Option<EntitySeen>> =
        ancestors.into_iter().map(|id| (id, None)).collect();
    for (id, s) in std::mem::take(&mut seen.by_id) {
        rows.insert(id, Some(s));
    }
    for (id, s) in &rows {
        let row = w.row();
        match (gaz.get(id), s) {
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
            (
                None,
                Some(EntitySeen {
                    pattern: Some((kind, name)),
                    ..
                }),
            ) => {
                row.str(id)
                    .str(kind.as_str())
                    .str(name)
                    .opt_str(None)
                    .list_str(std::iter::empty())
                    .opt_str(None)
                    .opt_str(None)
                    .str("pattern");
            }
            (None, _) => anyhow::bail!("entity {id} is neither in the gazetteer nor a pattern's"),
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
    Ok(w)
}

/// Errors (not warnings) among the diagnostics.
pub fn n_errors(files: &[NormalizedFile]) -> usize {
    files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .count()
}
