//! Stage 1: corpus files → the normalized tables (`articles`, `claims`, …).
//!
//! Each file is read and parsed on its own (in parallel); the rows are then written in
//! file order, so the tables come out the same whatever the thread count.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::corpus::{self, Article, CorpusFile, ParsedFile};
use crate::diagnostics::{Diagnostic, Severity};
use crate::ids::{self, Occurrences};
use crate::tables::{Table, TableWriter, Written};

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

/// A parsed article with its ids.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    pub article_id: String,
    pub content_hash: String,
    pub article: Article,
    pub claims: Vec<ClaimRecord>,
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
        ArticleRecord {
            article_id,
            content_hash,
            article,
            claims,
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

/// Writes the normalized tables under `out_root`, staged: they replace the previous
/// tables when the returned files are committed.
pub fn write_tables(files: &[NormalizedFile], out_root: &Path) -> Result<Written> {
    let mut articles = TableWriter::create(Table::Articles, &Table::Articles.path(out_root))?;
    let mut claims = TableWriter::create(Table::Claims, &Table::Claims.path(out_root))?;
    for file in files {
        for rec in &file.articles {
            append_article(&mut articles, file, rec)?;
            append_claims(&mut claims, file, rec)?;
        }
    }
    let mut written = Written::default();
    written.add(Table::Articles, articles.finish()?);
    written.add(Table::Claims, claims.finish()?);
    Ok(written)
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

/// Errors (not warnings) among the diagnostics.
pub fn n_errors(files: &[NormalizedFile]) -> usize {
    files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .count()
}
