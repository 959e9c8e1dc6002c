//! Stage 1: corpus files → the normalized tables (`articles`, `claims`, …).
//!
//! Each file is read and parsed on its own (in parallel); the rows are then written in
//! file order, so the tables come out the same whatever the thread count.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use chrono::Datelike;

use crate::corpus::{self, Article, CorpusFile, ParsedFile};
use crate::diagnostics::{Diagnostic, Severity};
use crate::extract::figures::{self, Figure, Normalized};
use crate::fsutil::Staged;
use crate::ids::{self, Occurrences};
use crate::reference::fx;
use crate::tables::{RowBuilder, Table, TableWriter};
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
}

/// The figures of one text, in text order. `parent_id` is the claim's id (the article's
/// for a title); `year` picks the exchange rates.
pub fn figure_records(
    text: &str,
    parent_id: &str,
    field: Field,
    claim: Option<usize>,
    year: Option<i32>,
) -> Vec<FigureRecord> {
    let found = figures::extract(text);
    if found.is_empty() {
        return Vec::new();
    }
    let fx = fx::shipped();
    let mut chars = CharIndex::new(text);
    let mut occurrences = Occurrences::default();
    found
        .into_iter()
        .map(|f| {
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
            }
        })
        .collect()
}

/// A parsed article with its ids.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    pub article_id: String,
    pub content_hash: String,
    pub article: Article,
    pub claims: Vec<ClaimRecord>,
    /// Figures of the title, then of each claim in order.
    pub figures: Vec<FigureRecord>,
}

impl ArticleRecord {
    fn new(collection: &str, article: Article) -> Self {
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
                });
            }
        }
        let year = Some(article.local_time.year());
        let mut figures = figure_records(&article.title, &article_id, Field::Title, None, year);
        for (ci, c) in claims.iter().enumerate() {
            let text = &article.structure.sections[c.section].bullets[c.bullet].text;
            figures.extend(figure_records(
                text,
                &c.claim_id,
                Field::Claim,
                Some(ci),
                year,
            ));
        }
        ArticleRecord {
            article_id,
            content_hash,
            article,
            claims,
            figures,
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
    pub fn from_parsed(name: &str, parsed: ParsedFile, bytes: u64) -> Self {
        let ParsedFile {
            name: display,
            topic,
            articles,
            diagnostics,
            skipped,
        } = parsed;
        let articles = articles
            .into_iter()
            .map(|a| ArticleRecord::new(&topic, a))
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
    let parsed = corpus::parse_file(display, &bytes);
    Ok(NormalizedFile::from_parsed(
        &file.name,
        parsed,
        bytes.len() as u64,
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
    pub figures: u64,
}

/// Writes the normalized tables under `out_root`, staged: they replace the previous
/// tables when the returned files are committed.
pub fn write_tables(
    files: &[NormalizedFile],
    out_root: &Path,
) -> Result<(Vec<Staged>, TableCounts)> {
    let mut articles = TableWriter::create(Table::Articles, &Table::Articles.path(out_root))?;
    let mut claims = TableWriter::create(Table::Claims, &Table::Claims.path(out_root))?;
    let mut figures = TableWriter::create(Table::Figures, &Table::Figures.path(out_root))?;
    for file in files {
        for rec in &file.articles {
            append_article(&mut articles, file, rec)?;
            append_claims(&mut claims, file, rec)?;
            append_figures(&mut figures, file, rec)?;
        }
    }
    let (articles_file, n_articles) = articles.finish()?;
    let (claims_file, n_claims) = claims.finish()?;
    let (figures_file, n_figures) = figures.finish()?;
    Ok((
        vec![articles_file, claims_file, figures_file],
        TableCounts {
            articles: n_articles,
            claims: n_claims,
            figures: n_figures,
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
            .i32(rec.article.summary_line as i32);
        w.row_done()?;
    }
    Ok(())
}

fn append_figures(w: &mut TableWriter, file: &NormalizedFile, rec: &ArticleRecord) -> Result<()> {
    for f in &rec.figures {
        let (claim_id, line) = match f.claim {
            Some(ci) => (
                Some(rec.claims[ci].claim_id.as_str()),
                rec.article.summary_line,
            ),
            None => (None, rec.article.title_line),
        };
        w.row()
            .str(&f.figure_id)
            .str(&rec.article_id)
            .opt_str(claim_id);
        figure_columns(w.row(), f);
        w.row().str(&file.name).i32(line as i32);
        w.row_done()?;
    }
    Ok(())
}

/// The columns of a figure row from `field` to `as_of_year`.
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
        .opt_i32(g.as_of_year);
}

/// Errors (not warnings) among the diagnostics.
pub fn n_errors(files: &[NormalizedFile]) -> usize {
    files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .count()
}
