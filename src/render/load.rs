//! The tables the pages are rendered from, as typed columns plus the indexes the pages
//! need (the site's article order, each article's claims, figures and mentions). A table
//! that is not built yet is `None` here and its pages are left out.
//!
//! Indexes are flat arrays of row numbers ([`super::groups`]), built once, shared
//! read-only by every rendering thread; a page copies only the values it shows.

use std::collections::BTreeMap;
use std::path::Path;

use crate::text::FastMap;
use anyhow::{Context, Result, anyhow, bail};
use arrow::array::{
    Array, BooleanArray, Int32Array, ListArray, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};

use super::groups::{ByParent, GroupRows};
use super::id_col::Id;
use super::load_entities::EntityData;
use super::load_figures::{FigureIndex, Ledger, Variants};
use super::model::{ArticleRef, When, lang_code, lang_name};
use super::paging;
use super::tables::{
    Col, IdCol, ParentRows, StrCol, TableData, TableFiles, TextCol, check_resolved,
};
use crate::diff::DataDiff;
use crate::quality::Report;
use crate::tables::Table;
use rayon::prelude::*;

/// The registry names of tables that are on their way: their pages appear once a build
/// writes them (until then [`TableFiles::load_by_name`] gives `None`).
pub const FIGURE_LEDGER: &str = "figure_ledger";
pub const STATISTIC_VARIANTS: &str = "statistic_variants";

/// The tables as read from Parquet, and the build's reports; [`SiteData`] borrows its
/// columns from here.
pub struct Loaded {
    pub articles: TableData,
    pub claims: TableData,
    /// Each article row's claim rows, by ordinal (resolved from `article_id` as it was
    /// read).
    pub claims_by_article: ByParent,
    pub figures: Option<TableData>,
    /// Each article row's figure rows (none without figures).
    pub figures_by_article: ByParent,
    /// The claim row of each figure, [`NO_CLAIM`] in a title (resolved from `claim_id`,
    /// which is then dropped).
    pub figure_claim: Vec<u32>,
    /// The table the ledger pages point readers to: `figure_ledger` when it is built. The
    /// pages are built from `figures`, the same rows; `figure_ledger` adds their context,
    /// which the site has from the other tables, and it is the largest table.
    pub ledger_table: Option<&'static str>,
    pub entities: Option<TableData>,
    /// Read only with `entities`.
    pub mentions: Option<TableData>,
    /// Each article row's mentions (none without mentions).
    pub mentions_by_article: ByParent,
    /// The entity and claim row of each mention (empty without mentions).
    pub mention_entity: Vec<u32>,
    pub mention_claim: Vec<u32>,
    pub entity_cooccurrence: Option<TableData>,
    pub entity_timeline: Option<TableData>,
    pub statistic_variants: Option<TableData>,
    pub quality: Option<Report>,
    pub changelog: Option<DataDiff>,
}

impl Loaded {
    pub fn read(files: &TableFiles) -> Result<Self> {
        // The parents first (articles, entities: small), so that the child tables' ids
        // become row numbers as they are read.
        let (articles, entities) = rayon::join(
            || files.require(Table::Articles),
            || files.load(Table::Entities),
        );
        let (articles, entities) = (articles?, entities?);
        let article_rows = article_rows(&articles)?;
        let entity_rows = entities
            .as_ref()
            .map(|e| rows_by_id(&e.str("entity_id")?, e.len(), "entities"))
            .transpose()?;
        let by_article = || ParentRows::new("article_id", &article_rows);
        // The claims first (with the small derived tables beside them): figures and
        // mentions then resolve their claim ids to claim rows batch by batch as they are
        // read. Read beside the claims, their ids were 0.8 GB more of the peak at a
        // million articles.
        let (claims, rest) = rayon::join(
            || -> Result<_> {
                let mut parents = [by_article()];
                let claims = files
                    .load_resolving(Table::Claims, &mut parents, None)?
                    .ok_or_else(|| files.missing(Table::Claims))?;
                let [article] = parents;
                let by_article = claims_by_article(articles.len(), &claims, article.into_rows())?;
                Ok((claims, by_article))
            },
            || -> Result<_> {
                Ok((
                    files.load(Table::EntityCooccurrence)?,
                    files.load(Table::EntityTimeline)?,
                    files.load_by_name(STATISTIC_VARIANTS)?,
                    Table::by_name(FIGURE_LEDGER).is_some_and(|t| files.is_built(t)),
                ))
            },
        );
        let (claims, claims_by_article) = claims?;
        let (entity_cooccurrence, entity_timeline, statistic_variants, ledger_built) = rest?;
        // A child table with its parents' rows and its claim rows.
        let read_child = |table: Table, mut parents: Vec<ParentRows>| -> Result<_> {
            let mut claim = ClaimRows::new(&claims, &claims_by_article)?;
            let t = files.load_resolving(table, &mut parents, Some(&mut claim))?;
            let parents: Vec<Vec<u32>> = parents.into_iter().map(ParentRows::into_rows).collect();
            Ok(t.map(|t| (t, parents, claim.into_rows())))
        };
        let (figures, mentions) = rayon::join(
            || read_child(Table::Figures, vec![by_article()]),
            || match &entity_rows {
                Some(rows) => read_child(
                    Table::Mentions,
                    vec![by_article(), ParentRows::new("entity_id", rows)],
                ),
                None => Ok(None),
            },
        );
        let by_article =
            |parents: &mut Vec<Vec<u32>>| ByParent::new(articles.len(), parents.remove(0));
        let (figures, figures_by_article, figure_claim) = match figures? {
            Some((t, mut parents, c)) => (Some(t), by_article(&mut parents), c),
            None => (None, ByParent::empty(articles.len()), Vec::new()),
        };
        let (mentions, mentions_by_article, mention_entity, mention_claim) = match mentions? {
            Some((t, mut parents, c)) => {
                let entity = parents.pop().unwrap_or_default();
                (Some(t), by_article(&mut parents), entity, c)
            }
            None => (
                None,
                ByParent::empty(articles.len()),
                Vec::new(),
                Vec::new(),
            ),
        };
        Ok(Loaded {
            figure_claim,
            mention_claim,
            articles,
            claims,
            claims_by_article,
            figures,
            figures_by_article,
            ledger_table: ledger_built.then_some(FIGURE_LEDGER),
            entities,
            mentions,
            mentions_by_article,
            mention_entity,
            entity_cooccurrence,
            entity_timeline,
            statistic_variants,
            quality: files.quality()?,
            changelog: files.changelog()?,
        })
    }

    /// Just articles and claims, read whole (tests add the other tables they need with
    /// [`Loaded::with_figures`] and [`Loaded::with_entities`]).
    pub fn base(articles: TableData, claims: TableData) -> Result<Self> {
        let claim_article =
            ParentRows::new("article_id", &article_rows(&articles)?).of_table(&claims)?;
        let none = || ByParent::empty(articles.len());
        Ok(Loaded {
            claims_by_article: claims_by_article(articles.len(), &claims, claim_article)?,
            figures_by_article: none(),
            mentions_by_article: none(),
            articles,
            claims,
            figures: None,
            figure_claim: Vec::new(),
            ledger_table: None,
            entities: None,
            mentions: None,
            mention_entity: Vec::new(),
            mention_claim: Vec::new(),
            entity_cooccurrence: None,
            entity_timeline: None,
            statistic_variants: None,
            quality: None,
            changelog: None,
        })
    }

    /// With the figures (a table read whole, with its `article_id` and `claim_id`).
    pub fn with_figures(mut self, mut figures: TableData) -> Result<Self> {
        let article =
            ParentRows::new("article_id", &article_rows(&self.articles)?).of_table(&figures)?;
        self.figure_claim = self.claim_rows_of(&mut figures, &article)?;
        self.figures_by_article = ByParent::new(self.articles.len(), article);
        self.figures = Some(figures);
        Ok(self)
    }

    /// [`ClaimRows`] of a child table whose article rows are `article`.
    fn claim_rows_of(&self, child: &mut TableData, article: &[u32]) -> Result<Vec<u32>> {
        ClaimRows::new(&self.claims, &self.claims_by_article)?.of_table(child, article)
    }

    /// With the entities and their mentions (read whole, with their ids).
    pub fn with_entities(mut self, entities: TableData, mut mentions: TableData) -> Result<Self> {
        let articles = article_rows(&self.articles)?;
        let by_id = rows_by_id(&entities.str("entity_id")?, entities.len(), "entities")?;
        let article = ParentRows::new("article_id", &articles).of_table(&mentions)?;
        self.mention_entity = ParentRows::new("entity_id", &by_id).of_table(&mentions)?;
        self.mention_claim = self.claim_rows_of(&mut mentions, &article)?;
        self.mentions_by_article = ByParent::new(self.articles.len(), article);
        self.entities = Some(entities);
        self.mentions = Some(mentions);
        Ok(self)
    }
}

/// Each of `n_articles` article rows' claim rows (`claim_article`: each claim's article
/// row), by ordinal.
fn claims_by_article(
    n_articles: usize,
    claims: &TableData,
    claim_article: Vec<u32>,
) -> Result<ByParent> {
    check_resolved(&claim_article, claims)?;
    let ordinal = claims.i32("ordinal")?;
    let mut by_article = ByParent::new(n_articles, claim_article);
    by_article.sort_each_by_key(|c| ordinal.get(c as usize));
    Ok(by_article)
}

/// A figure or mention in its article's title, not in a claim.
pub const NO_CLAIM: u32 = u32::MAX;

/// The claim row `claims[r]` (`None`: [`NO_CLAIM`], a title).
pub fn claim_row(claims: &[u32], r: usize) -> Option<usize> {
    Some(claims[r])
        .filter(|&c| c != NO_CLAIM)
        .map(|c| c as usize)
}

/// The claim row of each row of a child table (figures, mentions) from its `claim_id`,
/// looked up among the claims of the row's article; [`NO_CLAIM`] where it has none.
/// Resolved batch by batch as the table is read, so the ids are never held: at a
/// million articles the figures' and mentions' claim ids were 0.8 GB of the render's
/// memory, and their row numbers take a fifth of that.
pub struct ClaimRows<'c> {
    ids: IdCol<'c>,
    by_article: &'c ByParent,
    rows: Vec<u32>,
}

impl<'c> ClaimRows<'c> {
    pub fn new(claims: &'c TableData, by_article: &'c ByParent) -> Result<Self> {
        Ok(ClaimRows {
            ids: claims.id("claim_id")?,
            by_article,
            rows: Vec::new(),
        })
    }

    /// Resolves a batch of the table `what` (read from `path`) whose rows' article rows
    /// are `article`; returns the index of its `claim_id` column.
    pub fn push_batch(
        &mut self,
        batch: &RecordBatch,
        article: &[u32],
        what: &str,
        path: &Path,
    ) -> Result<usize> {
        let i = batch.schema().index_of("claim_id").ok();
        let ids = i.and_then(|i| batch.column(i).as_any().downcast_ref::<StringArray>());
        let (Some(i), Some(ids)) = (i, ids) else {
            bail!("'{}' has no column 'claim_id'", path.display());
        };
        if article.len() != ids.len() {
            bail!(
                "{what}: {} rows and {} article rows to resolve their claims",
                ids.len(),
                article.len()
            );
        }
        self.rows.reserve(ids.len());
        // A child table is in its articles' order, a claim's rows together.
        let mut last: Option<(Id, u32)> = None;
        for (r, &a) in article.iter().enumerate() {
            if !ids.is_valid(r) {
                self.rows.push(NO_CLAIM);
                continue;
            }
            let id = Id::of(ids.value(r));
            let row = match last {
                Some((l, c)) if l == id => c,
                _ => {
                    let c = self
                        .by_article
                        .of(a as usize)
                        .find(|&c| self.ids.get(c as usize) == id)
                        .ok_or_else(|| {
                            anyhow!(
                                "{what} row {}: claim '{id}' is not a claim of its article",
                                self.rows.len() + 1
                            )
                        })?;
                    last = Some((id, c));
                    c
                }
            };
            self.rows.push(row);
        }
        Ok(i)
    }

    /// Resolves every row of a table in memory whose article rows are `article`, and
    /// drops its `claim_id` column (tests build their fixtures this way).
    pub fn of_table(mut self, child: &mut TableData, article: &[u32]) -> Result<Vec<u32>> {
        check_resolved(article, child)?;
        let mut start = 0;
        for b in child.batches() {
            let end = start + b.num_rows();
            self.push_batch(b, &article[start..end], &child.name, &child.path)?;
            start = end;
        }
        child.drop_column("claim_id");
        Ok(self.rows)
    }

    pub fn into_rows(self) -> Vec<u32> {
        self.rows
    }
}

/// Article row by id, each id checked (ids become file names).
pub fn article_rows(articles: &TableData) -> Result<FastMap<&str, u32>> {
    let ids = articles.str("article_id")?;
    for i in 0..articles.len() {
        paging::check_id(ids.get(i)).with_context(|| format!("articles row {}", i + 1))?;
    }
    rows_by_id(&ids, articles.len(), "articles")
}

/// Row by id of a table's `n` rows; an id twice is an error.
pub fn rows_by_id<'a>(ids: &StrCol<'a>, n: usize, table: &str) -> Result<FastMap<&'a str, u32>> {
    if n > u32::MAX as usize / 2 {
        bail!("Too many rows to render ({n} {table})");
    }
    let mut row_of = FastMap::with_capacity_and_hasher(n, Default::default());
    for i in 0..n {
        let id = ids.get(i);
        if row_of.insert(id, i as u32).is_some() {
            bail!("The {table} table has the id '{id}' twice");
        }
    }
    Ok(row_of)
}

/// The `articles` columns the pages use.
pub struct ArticleCols<'a> {
    pub id: StrCol<'a>,
    pub collection: StrCol<'a>,
    pub title: StrCol<'a>,
    pub source: StrCol<'a>,
    pub published_at: Col<'a, TimestampMicrosecondArray>,
    pub core_label: StrCol<'a>,
    pub n_claims: Col<'a, Int32Array>,
    pub source_file: StrCol<'a>,
    pub source_line: Col<'a, Int32Array>,
    pub summary_line: Col<'a, Int32Array>,
}

impl<'a> ArticleCols<'a> {
    fn new(t: &'a TableData) -> Result<Self> {
        Ok(ArticleCols {
            id: t.str("article_id")?,
            collection: t.str("collection")?,
            title: t.str("title")?,
            source: t.str("source")?,
            published_at: t.timestamp("published_at")?,
            core_label: t.str("core_label")?,
            n_claims: t.i32("n_claims")?,
            source_file: t.str("source_file")?,
            source_line: t.i32("source_line")?,
            summary_line: t.i32("summary_line")?,
        })
    }
}

/// The `claims` columns the pages use.
pub struct ClaimCols<'a> {
    pub id: IdCol<'a>,
    pub ordinal: Col<'a, Int32Array>,
    pub section_ordinal: Col<'a, Int32Array>,
    pub section_label: StrCol<'a>,
    pub section_heading: StrCol<'a>,
    pub is_core: Col<'a, BooleanArray>,
    pub text: TextCol<'a>,
    pub citations: Col<'a, ListArray>,
    pub attribution_cue: StrCol<'a>,
    pub attributed_to: StrCol<'a>,
    pub hedged: Col<'a, BooleanArray>,
    pub modality: StrCol<'a>,
}

impl<'a> ClaimCols<'a> {
    fn new(t: &'a TableData) -> Result<Self> {
        Ok(ClaimCols {
            id: t.id("claim_id")?,
            ordinal: t.i32("ordinal")?,
            section_ordinal: t.i32("section_ordinal")?,
            section_label: t.str("section_label")?,
            section_heading: t.str("section_heading")?,
            is_core: t.bool("is_core")?,
            text: t.text("text")?,
            citations: t.list("citations")?,
            attribution_cue: t.str("attribution_cue")?,
            attributed_to: t.str("attributed_to")?,
            hedged: t.bool("hedged")?,
            modality: t.str("modality")?,
        })
    }
}

/// Counts and distributions shown on the overview.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub n_articles: usize,
    pub n_claims: usize,
    /// Claims citing at least one paragraph.
    pub n_cited: usize,
    /// Collections by name, with their article counts.
    pub collections: Vec<(String, usize)>,
    /// Sources by article count (most first), then name.
    pub sources: Vec<(String, usize)>,
    /// Every month from the first article's to the last's (`2025-10`), with its articles.
    pub months: Vec<(String, MonthCount)>,
    pub first: Option<When>,
    pub last: Option<When>,
}

/// A month's articles, and where the newest of them stands in the site's order (none
/// for a month without articles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthCount {
    pub n: usize,
    pub newest: Option<usize>,
}

/// Everything the pages are rendered from.
pub struct SiteData<'a> {
    pub articles: ArticleCols<'a>,
    pub claims: ClaimCols<'a>,
    /// Article rows in the site's order: newest first, then by id.
    pub order: Vec<u32>,
    /// Position in `order` of each article row.
    pub position: Vec<u32>,
    /// Article row by id.
    pub row_of: FastMap<&'a str, u32>,
    /// Each article row's claim rows, by ordinal.
    claims_by_article: &'a ByParent,
    /// Each article row's title's and collection's [`lang_code`].
    langs: Vec<[u8; 2]>,
    /// Figures (spans in titles and claims), when the table is built.
    pub figures: Option<FigureIndex<'a>>,
    /// Entities with their mentions, pages and derived tables, when built.
    pub entities: Option<EntityData<'a>>,
    /// The figure ledger's rows and orderings (from `figures`).
    pub ledger: Option<Ledger<'a>>,
    /// Statistics that sources quote differently (`statistic_variants`).
    pub variants: Option<Variants<'a>>,
    pub quality: Option<&'a Report>,
    pub changelog: Option<&'a DataDiff>,
    pub stats: Stats,
}

impl<'a> SiteData<'a> {
    pub fn new(loaded: &'a Loaded) -> Result<Self> {
        let articles = ArticleCols::new(&loaded.articles)?;
        let claims = ClaimCols::new(&loaded.claims)?;
        let n = loaded.articles.len();
        if n > u32::MAX as usize / 2 || loaded.claims.len() > u32::MAX as usize / 2 {
            bail!("Too many rows to render ({n} articles)");
        }

        // Built again (the reading's map is gone): a few milliseconds per 100k articles.
        let row_of = article_rows(&loaded.articles)?;

        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            articles
                .published_at
                .get(b)
                .cmp(&articles.published_at.get(a))
                .then_with(|| articles.id.get(a).cmp(articles.id.get(b)))
        });
        let langs: Vec<[u8; 2]> = (0..n)
            .into_par_iter()
            .map(|r| {
                [
                    lang_code(articles.title.get(r)),
                    lang_code(articles.collection.get(r)),
                ]
            })
            .collect();
        let mut position = vec![0u32; n];
        for (pos, &row) in order.iter().enumerate() {
            position[row as usize] = pos as u32;
        }

        let mut data = SiteData {
            articles,
            claims,
            order,
            position,
            row_of,
            claims_by_article: &loaded.claims_by_article,
            langs,
            figures: None,
            entities: None,
            ledger: None,
            variants: None,
            quality: loaded.quality.as_ref(),
            changelog: loaded.changelog.as_ref(),
            stats: Stats::default(),
        };
        data.stats = data.compute_stats()?;
        // The figure spans and the ledger are indexed independently; the entities need
        // the ledger (the figures about each entity).
        let (figures, ledger) = {
            let data = &data;
            rayon::join(
                || {
                    loaded
                        .figures
                        .as_ref()
                        .map(|f| {
                            FigureIndex::new(
                                f,
                                &loaded.figures_by_article,
                                &loaded.figure_claim,
                                data,
                            )
                            .context("figures")
                        })
                        .transpose()
                },
                || {
                    loaded
                        .figures
                        .as_ref()
                        .map(|t| {
                            let claim = &loaded.figure_claim;
                            let mut ledger =
                                Ledger::new(t, &loaded.figures_by_article, claim, data)
                                    .context("the figure ledger")?;
                            if let Some(name) = loaded.ledger_table {
                                ledger.table = name.to_string();
                            }
                            anyhow::Ok(ledger)
                        })
                        .transpose()
                },
            )
        };
        data.figures = figures?;
        data.ledger = ledger?;
        // Both need the ledger, not each other.
        let (entities, variants) = {
            let data = &data;
            rayon::join(
                || match (&loaded.entities, &loaded.mentions) {
                    (Some(e), Some(m)) => EntityData::new(
                        e,
                        m,
                        (
                            &loaded.mentions_by_article,
                            &loaded.mention_entity,
                            &loaded.mention_claim,
                        ),
                        loaded.entity_timeline.as_ref(),
                        loaded.entity_cooccurrence.as_ref(),
                        data,
                    )
                    .context("entities")
                    .map(Some),
                    _ => Ok(None),
                },
                || {
                    loaded
                        .statistic_variants
                        .as_ref()
                        .map(|v| Variants::new(v, data).context("statistic variants"))
                        .transpose()
                },
            )
        };
        data.entities = entities?;
        data.variants = variants?;
        Ok(data)
    }

    pub fn n_articles(&self) -> usize {
        self.order.len()
    }

    /// The claim rows of article row `row`, by ordinal.
    pub fn claims_of(&self, row: usize) -> GroupRows<'a> {
        self.claims_by_article.of(row)
    }

    /// The article row of an article id.
    pub fn article_row(&self, id: &str) -> Option<usize> {
        self.row_of.get(id).map(|&r| r as usize)
    }

    /// When article row `row` was published.
    pub fn when(&self, row: usize) -> Result<When> {
        when(self.articles.published_at.get(row))
            .with_context(|| format!("article '{}'", self.articles.id.get(row)))
    }

    /// The articles of `month` (`2025-10`), as [`Stats::months`] counts them.
    pub fn month_count(&self, month: &str) -> MonthCount {
        // In order, as their names sort when their years have four digits; searched
        // one by one for the far past and future.
        let months = &self.stats.months;
        let found = months
            .binary_search_by(|(m, _)| m.as_str().cmp(month))
            .ok()
            .or_else(|| months.iter().position(|(m, _)| m == month));
        found.map_or_else(MonthCount::default, |i| months[i].1)
    }

    /// Article row `row` as it appears in lists and links.
    pub fn article_ref(&self, row: usize) -> Result<ArticleRef<'a>> {
        let a = &self.articles;
        let id = a.id.get(row);
        let title = a.title.get(row);
        let collection = a.collection.get(row);
        Ok(ArticleRef {
            id,
            url: paging::article_path(id),
            title,
            title_lang: lang_name(self.langs[row][0]),
            source: a.source.get(row),
            when: self.when(row)?,
            collection,
            collection_lang: lang_name(self.langs[row][1]),
            n_claims: a.n_claims.get(row),
        })
    }

    fn compute_stats(&self) -> Result<Stats> {
        let n = self.n_articles();
        let mut collections: BTreeMap<&str, usize> = BTreeMap::new();
        let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
        // Counted by (year, month), each month named from one of its articles: naming
        // every article's month formatted four strings an article, a second at a
        // million articles on the loading's one thread.
        // Each month's count, the row that names it, and its newest article's position
        // in the site's order (where the article list shows the month's heading).
        let mut by_month: BTreeMap<(i32, u32), (usize, usize, usize)> = BTreeMap::new();
        for row in 0..n {
            *collections
                .entry(self.articles.collection.get(row))
                .or_default() += 1;
            *sources.entry(self.articles.source.get(row)).or_default() += 1;
            let (t, ..) = local_time(self.articles.published_at.get(row))
                .with_context(|| format!("article '{}'", self.articles.id.get(row)))?;
            let position = self.position[row] as usize;
            let month = by_month
                .entry((t.year(), t.month()))
                .or_insert((0, row, position));
            month.0 += 1;
            month.2 = month.2.min(position);
        }
        let mut months: BTreeMap<String, MonthCount> = BTreeMap::new();
        for (n, row, newest) in by_month.into_values() {
            let newest = Some(newest);
            months.insert(self.when(row)?.month, MonthCount { n, newest });
        }
        let mut sources: Vec<(String, usize)> = sources
            .into_iter()
            .map(|(s, c)| (s.to_string(), c))
            .collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let n_claims = self.claims_by_article.n_rows();
        let n_cited = (0..n_claims)
            .filter(|&c| self.claims.citations.has_values(c))
            .count();
        let (first, last) = match (self.order.last(), self.order.first()) {
            (Some(&f), Some(&l)) => (Some(self.when(f as usize)?), Some(self.when(l as usize)?)),
            _ => (None, None),
        };
        Ok(Stats {
            n_articles: n,
            n_claims,
            n_cited,
            collections: collections
                .into_iter()
                .map(|(s, c)| (s.to_string(), c))
                .collect(),
            sources,
            months: fill_months(&months),
            first,
            last,
        })
    }
}

/// A publication time (µs since the epoch, UTC) on the publishers' clocks (the tables'
/// zone, [`crate::corpus::PUBLISHER_TIME_ZONE`]), and their offset from UTC then: the
/// label of `<time datetime>` (`+08:00`) and the one the pages print (`UTC+8`).
fn local_time(micros: i64) -> Result<(NaiveDateTime, &'static str, &'static str)> {
    let offset = crate::corpus::publisher_offset_at(micros.div_euclid(1_000_000));
    let labels = if offset == 9 * 3600 {
        ("+09:00", "UTC+9")
    } else {
        ("+08:00", "UTC+8")
    };
    let local = micros
        .checked_add(offset * 1_000_000)
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| anyhow!("publication time {micros} µs is out of range"))?
        .naive_utc();
    Ok((local, labels.0, labels.1))
}

/// Formats an instant (microseconds since the epoch, UTC) in the publishers' zone.
pub fn when(micros: i64) -> Result<When> {
    let (local, offset, zone) = local_time(micros)?;
    // Years of four digits (all but the far past and future) without chrono's format
    // strings, parsed anew on every call: an article page shows three times, a list
    // page fifty. The rest as chrono writes them.
    if !(0..=9999).contains(&local.year()) {
        return Ok(When {
            date: local.format("%Y-%m-%d").to_string(),
            minute: local.format("%Y-%m-%d %H:%M").to_string(),
            iso: format!("{}{offset}", local.format("%Y-%m-%dT%H:%M:%S")),
            month: local.format("%Y-%m").to_string(),
            zone,
        });
    }
    // Digits written one by one: `format!` with widths was most of naming an article
    // (a list page names fifty, every page its neighbours).
    let mut iso = String::with_capacity(19 + offset.len());
    let year = u32::try_from(local.year()).expect("a year of four digits");
    for (sep, value, width) in [
        ("", year, 4),
        ("-", local.month(), 2),
        ("-", local.day(), 2),
        ("T", local.hour(), 2),
        (":", local.minute(), 2),
        (":", local.second(), 2),
    ] {
        iso.push_str(sep);
        for place in (0..width).rev() {
            iso.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
    }
    iso.push_str(offset);
    let mut minute = String::with_capacity(16);
    minute.push_str(&iso[..10]);
    minute.push(' ');
    minute.push_str(&iso[11..16]);
    Ok(When {
        date: iso[..10].to_string(),
        minute,
        month: iso[..7].to_string(),
        iso,
        zone,
    })
}

/// The months between the first and the last key (`YYYY-MM`), gaps filled with zeros.
pub fn fill_months<N: Copy + Default>(counts: &BTreeMap<String, N>) -> Vec<(String, N)> {
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse().ok()?, mo.parse().ok()?))
    };
    let (Some(first), Some(last)) = (
        counts.keys().next().and_then(|m| parse(m)),
        counts.keys().next_back().and_then(|m| parse(m)),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let key = format!("{y:04}-{m:02}");
        out.push((key.clone(), counts.get(&key).copied().unwrap_or_default()));
        if m == 12 {
            (y, m) = (y + 1, 1);
        } else {
            m += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_the_publishers_zone() {
        // 2026-01-09 15:06 in Shanghai is 07:06 UTC.
        let micros = DateTime::parse_from_rfc3339("2026-01-09T07:06:00Z")
            .unwrap()
            .timestamp_micros();
        let w = when(micros).unwrap();
        assert_eq!(w.minute, "2026-01-09 15:06");
        assert_eq!(w.iso, "2026-01-09T15:06:00+08:00");
        assert_eq!(w.month, "2026-01");
        assert!(when(i64::MAX).is_err());
    }

    #[test]
    fn times_read_as_chrono_formats_them() {
        // Across the four-digit years, leap days, the turn of a day in the publishers'
        // zone, and past them (where chrono's own formatting is used).
        let mut instants: Vec<i64> = (0..2000)
            .map(|i| -62_167_219_200_000_000 + i * 127_219_507_000_000 + i * 61_000_000)
            .collect();
        instants.extend(
            [
                "2024-02-29T16:00:00Z",
                "1970-01-01T00:00:00Z",
                "9999-12-31T16:00:00Z",
            ]
            .map(|t| DateTime::parse_from_rfc3339(t).unwrap().timestamp_micros()),
        );
        // In Shanghai's summer time too (1988-07-01 03:00 UTC).
        instants.push(583_729_200_000_000);
        let mut summers = 0;
        for micros in instants {
            let w = when(micros).unwrap();
            let hours = crate::corpus::publisher_offset_at(micros.div_euclid(1_000_000)) / 3600;
            summers += usize::from(hours == 9);
            let local = DateTime::from_timestamp_micros(micros + hours * 3600 * 1_000_000)
                .unwrap()
                .naive_utc();
            assert_eq!(w.date, local.format("%Y-%m-%d").to_string(), "{micros}");
            assert_eq!(w.minute, local.format("%Y-%m-%d %H:%M").to_string());
            assert_eq!(
                w.iso,
                format!("{}+{hours:02}:00", local.format("%Y-%m-%dT%H:%M:%S"))
            );
            assert_eq!(w.month, local.format("%Y-%m").to_string());
            assert_eq!(w.zone, format!("UTC+{hours}"));
        }
        assert!(summers >= 1);
        assert_eq!(
            when(583_729_200_000_000).unwrap().minute,
            "1988-07-01 12:00"
        );
    }

    #[test]
    fn months_are_contiguous() {
        let counts: BTreeMap<String, usize> = [("2025-11".to_string(), 2), ("2026-02".into(), 1)]
            .into_iter()
            .collect();
        let months = fill_months(&counts);
        let keys: Vec<&str> = months.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(keys, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(months[1].1, 0);
    }
}
