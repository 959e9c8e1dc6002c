//! Entities for the pages: the `entities` table with each entity's page, its mentions
//! (by article, for highlighting, and by entity, newest article first, for its page),
//! its children, its monthly counts (`entity_timeline`) and the entities mentioned with
//! it (`entity_cooccurrence`).

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use arrow::array::{Int32Array, Int64Array, ListArray, TimestampMicrosecondArray};

use super::groups::{ByParent, Grouped, NO_GROUP, starts_of_counts};
use super::load::{SiteData, claim_row, rows_by_id};
use super::model::{EntityChip, Span};
use super::paging;
use super::tables::{Col, ParentRows, StrCol, TableData, check_by_article, check_resolved};
use crate::extract::entities::Kind;
use crate::text::FastMap;

/// Articles listed per page of an entity (its first page and the pages after it).
pub const ENTITY_ARTICLES_PER_PAGE: usize = 50;
/// Pages of articles per entity at most. A country of a large corpus is mentioned in
/// hundreds of thousands of articles; thousands of pages of them would make the site
/// gigabytes and nobody would page through them. The newest articles are listed, and the
/// page points to the mentions table for the rest.
pub const MAX_ENTITY_PAGES: usize = 20;
/// Articles listed per entity at most: the newest, over [`MAX_ENTITY_PAGES`] pages.
const MAX_LISTED_ARTICLES: usize = MAX_ENTITY_PAGES * ENTITY_ARTICLES_PER_PAGE;
/// Co-mentioned entities shown on an entity's page.
pub const TOP_COMENTIONED: usize = 20;
/// Figures listed on an entity's page.
pub const ENTITY_FIGURES: usize = 50;

/// The `entities` columns the pages use.
pub struct EntityCols<'a> {
    pub id: StrCol<'a>,
    pub kind: StrCol<'a>,
    pub name_en: StrCol<'a>,
    pub name_zh: StrCol<'a>,
    pub aliases: Col<'a, ListArray>,
    pub wikidata: StrCol<'a>,
    pub parent: StrCol<'a>,
    pub source: StrCol<'a>,
    pub n_mentions: Col<'a, Int64Array>,
    pub n_articles: Col<'a, Int64Array>,
    pub first_seen: Col<'a, TimestampMicrosecondArray>,
    pub last_seen: Col<'a, TimestampMicrosecondArray>,
}

/// The `mentions` columns the pages use.
pub struct MentionCols<'a> {
    /// The claim row of each mention ([`NO_CLAIM`](super::load::NO_CLAIM) in a title).
    pub claim: &'a [u32],
    pub char_start: Col<'a, Int32Array>,
    pub char_end: Col<'a, Int32Array>,
}

impl MentionCols<'_> {
    /// The claim row mention `m` stands in (`None`: a title's).
    pub fn claim_of(&self, m: usize) -> Option<usize> {
        claim_row(self.claim, m)
    }
}

/// The `entity_timeline` columns.
pub struct TimelineCols<'a> {
    pub month: StrCol<'a>,
    pub n_mentions: Col<'a, Int64Array>,
}

/// The `entity_cooccurrence` columns.
pub struct CooccurrenceCols<'a> {
    pub entity_a: StrCol<'a>,
    pub entity_b: StrCol<'a>,
    pub n_claims: Col<'a, Int64Array>,
    pub n_articles: Col<'a, Int64Array>,
}

/// The entities of one kind, most mentioned first.
#[derive(Debug, Clone)]
pub struct KindGroup<'a> {
    pub kind: &'a str,
    pub rows: Vec<u32>,
}

pub struct EntityData<'a> {
    pub cols: EntityCols<'a>,
    pub mentions: MentionCols<'a>,
    row_of: FastMap<&'a str, u32>,
    /// Each entity's first page (relative to the site root).
    urls: Vec<String>,
    /// Each entity's chip, shared by every page that shows it.
    chips: Vec<EntityChip>,
    /// The entity row of each mention.
    mention_entity: &'a [u32],
    /// Each article row's mentions, in table order (title, then claims by ordinal).
    by_article: &'a ByParent,
    /// Each entity's mentions in the articles its pages list, newest article first (all
    /// its mentions where figures do not say what they are about: see
    /// [`EntityData::mentions_of`]).
    by_entity: Grouped,
    /// For each entity, where its articles start in its mentions (`by_entity.of(e)`).
    article_runs: Grouped,
    /// How many articles mention each entity (from the mentions themselves).
    n_articles: Vec<u32>,
    /// Each entity's children (entities whose parent it is), most mentioned first.
    children: Grouped,
    /// Entity rows, most mentioned first (then most articles, then id).
    pub ranked: Vec<u32>,
    pub kinds: Vec<KindGroup<'a>>,
    /// `page_starts[e]`: the number of entity pages before entity row `e`'s first.
    page_starts: Vec<usize>,
    pub timeline: Option<(TimelineCols<'a>, Grouped)>,
    /// Each entity's most co-mentioned entities: rows of the co-occurrence table.
    pub cooccurrence: Option<(CooccurrenceCols<'a>, Vec<Vec<u32>>)>,
    /// Figures about each entity (subject or commodity), once figures say so.
    pub figures_about: Option<FiguresAbout>,
}

/// The figures about each entity: the newest [`ENTITY_FIGURES`], which its page lists,
/// and how many there are.
pub struct FiguresAbout {
    /// Ledger rows, newest first.
    pub newest: Grouped,
    pub total: Vec<u32>,
}

impl<'a> EntityData<'a> {
    pub fn new(
        entities: &'a TableData,
        mentions: &'a TableData,
        // Each article row's mentions, and the entity and claim row of each mention.
        parents: (&'a ByParent, &'a [u32], &'a [u32]),
        timeline: Option<&'a TableData>,
        cooccurrence: Option<&'a TableData>,
        data: &SiteData<'a>,
    ) -> Result<Self> {
        let cols = EntityCols {
            id: entities.str("entity_id")?,
            kind: entities.str("kind")?,
            name_en: entities.str("name_en")?,
            name_zh: entities.str("name_zh")?,
            aliases: entities.list("aliases")?,
            wikidata: entities.str("wikidata")?,
            parent: entities.str("parent")?,
            source: entities.str("source")?,
            n_mentions: entities.i64("n_mentions")?,
            n_articles: entities.i64("n_articles")?,
            first_seen: entities.timestamp("first_seen")?,
            last_seen: entities.timestamp("last_seen")?,
        };
        let m = MentionCols {
            claim: parents.2,
            char_start: mentions.i32("char_start")?,
            char_end: mentions.i32("char_end")?,
        };
        let n = entities.len();
        if n > u32::MAX as usize / 2 || mentions.len() > u32::MAX as usize / 2 {
            bail!("Too many entities or mentions to render");
        }
        let row_of = rows_by_id(&cols.id, n, "entities")?;
        let urls: Vec<String> = (0..n)
            .map(|e| paging::shard_path("entities", cols.id.get(e)))
            .collect();

        let (by_article, mention_entity, mention_claim) = parents;
        check_by_article(by_article, mentions, data.n_articles())?;
        check_resolved(mention_entity, mentions)?;
        check_resolved(mention_claim, mentions)?;
        // Each entity's mentions by their article's position in the site, then row, and
        // where each article starts among them. Only the mentions in the articles its
        // pages list are kept: at a million articles all 31.7 million were, four bytes
        // each and four more per article, and the render held about 250 MiB more after
        // loading (with the figures about each entity, below, all kept too). Where
        // figures do not say what they are about, the page finds the entity's figures in
        // the claims that mention it, all of them: then every mention is kept.
        let has_about = data.ledger.as_ref().is_some_and(|l| l.cols.has_about());
        let listed = if has_about {
            MAX_LISTED_ARTICLES
        } else {
            usize::MAX
        };
        // Visits the mentions in that order, with whether each is the first of its
        // article and that article's place among the entity's articles (1-based).
        let visit = |f: &mut dyn FnMut(usize, u32, bool, usize)| {
            let mut last = vec![NO_GROUP; n];
            let mut seen = vec![0usize; n];
            for &a in &data.order {
                for m in by_article.of(a as usize) {
                    let e = mention_entity[m as usize] as usize;
                    let first = last[e] != a;
                    seen[e] += usize::from(first);
                    last[e] = a;
                    f(e, m, first, seen[e]);
                }
            }
        };
        let mut n_articles = vec![0u32; n];
        let mut mention_counts = vec![0u32; n + 1];
        visit(&mut |e, _, first, place| {
            n_articles[e] += u32::from(first);
            mention_counts[e + 1] += u32::from(place <= listed);
        });
        let mention_offsets = starts_of_counts(mention_counts);
        let run_counts = std::iter::once(0)
            .chain(n_articles.iter().map(|&a| (a as usize).min(listed) as u32))
            .collect();
        let run_offsets = starts_of_counts(run_counts);
        let mut rows = vec![0u32; mention_offsets[n] as usize];
        let mut starts = vec![0u32; run_offsets[n] as usize];
        let (mut next_mention, mut next_run) = (mention_offsets.clone(), run_offsets.clone());
        visit(&mut |e, m, first, place| {
            if place > listed {
                return;
            }
            if first {
                starts[next_run[e] as usize] = next_mention[e] - mention_offsets[e];
                next_run[e] += 1;
            }
            rows[next_mention[e] as usize] = m;
            next_mention[e] += 1;
        });
        let by_entity = Grouped::from_parts(mention_offsets, rows);
        let article_runs = Grouped::from_parts(run_offsets, starts);

        let mut ranked: Vec<u32> = (0..n as u32).collect();
        ranked.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            cols.n_mentions
                .get(b)
                .cmp(&cols.n_mentions.get(a))
                .then(cols.n_articles.get(b).cmp(&cols.n_articles.get(a)))
                .then_with(|| cols.id.get(a).cmp(cols.id.get(b)))
        });
        let mut rank = vec![0u32; n];
        for (i, &e) in ranked.iter().enumerate() {
            rank[e as usize] = i as u32;
        }
        let mut by_kind: BTreeMap<(usize, &str), Vec<u32>> = BTreeMap::new();
        for &e in &ranked {
            let kind = cols.kind.get(e as usize);
            let order = Kind::NAMES
                .iter()
                .position(|k| *k == kind)
                .unwrap_or(Kind::NAMES.len());
            by_kind.entry((order, kind)).or_default().push(e);
        }
        let kinds = by_kind
            .into_iter()
            .map(|((_, kind), rows)| {
                paging::check_id(kind)
                    .map_err(|e| anyhow!("entity kind: {e}"))
                    .map(|_| KindGroup { kind, rows })
            })
            .collect::<Result<Vec<_>>>()?;

        let parents: Vec<u32> = (0..n)
            .map(|e| {
                cols.parent
                    .opt(e)
                    .and_then(|p| row_of.get(p).copied())
                    .unwrap_or(NO_GROUP)
            })
            .collect();
        let mut children = Grouped::new(n, &parents);
        children.sort_each_by_key(|c| rank[c as usize]);

        let mut page_starts = Vec::with_capacity(n + 1);
        let mut total = 0;
        for &articles in &n_articles {
            page_starts.push(total);
            let listed = (articles as usize).min(MAX_LISTED_ARTICLES);
            total += paging::page_count(listed, ENTITY_ARTICLES_PER_PAGE);
        }
        page_starts.push(total);

        let timeline = match timeline {
            Some(t) => {
                let rows = ParentRows::new("entity_id", &row_of).of_table(t)?;
                let cols = TimelineCols {
                    month: t.str("month")?,
                    n_mentions: t.i64("n_mentions")?,
                };
                Some((cols, Grouped::new(n, &rows)))
            }
            None => None,
        };
        let cooccurrence = match cooccurrence {
            Some(t) => {
                let c = CooccurrenceCols {
                    entity_a: t.str("entity_a")?,
                    entity_b: t.str("entity_b")?,
                    n_claims: t.i64("n_claims")?,
                    n_articles: t.i64("n_articles")?,
                };
                let a = ParentRows::new("entity_a", &row_of).of_table(t)?;
                let b = ParentRows::new("entity_b", &row_of).of_table(t)?;
                // The table is ordered by shared articles, most first: the first rows
                // of each entity are its most co-mentioned.
                let mut top: Vec<Vec<u32>> = vec![Vec::new(); n];
                for r in 0..t.len() {
                    for e in [a[r], b[r]] {
                        let list = &mut top[e as usize];
                        if list.len() < TOP_COMENTIONED {
                            list.push(r as u32);
                        }
                    }
                }
                Some((c, top))
            }
            None => None,
        };
        let figures_about = match &data.ledger {
            Some(l) if l.cols.has_about() => {
                // A figure is about its subject and its commodity; a ledger row may be
                // listed under two entities. Only the rows a page lists are kept.
                let mut total = vec![0u32; n];
                let mut keys = Vec::new();
                let mut rows = Vec::new();
                for &r in &l.newest {
                    let mut last = NO_GROUP;
                    for col in [&l.cols.subject, &l.cols.commodity].into_iter().flatten() {
                        if let Some(&e) = col.opt(r as usize).and_then(|id| row_of.get(id))
                            && e != last
                        {
                            total[e as usize] += 1;
                            if total[e as usize] as usize <= ENTITY_FIGURES {
                                keys.push(e);
                                rows.push(r);
                            }
                            last = e;
                        }
                    }
                }
                Some(FiguresAbout {
                    newest: Grouped::new(n, &keys).with_values(&rows),
                    total,
                })
            }
            _ => None,
        };

        let chips = (0..n)
            .map(|e| {
                EntityChip::new(
                    cols.id.get(e),
                    cols.kind.get(e),
                    cols.name_en.get(e),
                    cols.name_zh.opt(e),
                    &urls[e],
                )
            })
            .collect();
        Ok(EntityData {
            cols,
            mentions: m,
            row_of,
            chips,
            urls,
            mention_entity,
            by_article,
            by_entity,
            article_runs,
            n_articles,
            children,
            ranked,
            kinds,
            page_starts,
            timeline,
            cooccurrence,
            figures_about,
        })
    }

    pub fn len(&self) -> usize {
        self.urls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }

    pub fn row(&self, id: &str) -> Option<usize> {
        self.row_of.get(id).map(|&r| r as usize)
    }

    /// The entity's page `page` (1-based).
    pub fn url(&self, e: usize, page: usize) -> String {
        if page <= 1 {
            self.urls[e].clone()
        } else {
            let first = &self.urls[e];
            format!("{}-p{page}.html", first.trim_end_matches(".html"))
        }
    }

    pub fn chip(&self, e: usize) -> EntityChip {
        self.chips[e].clone()
    }

    /// The spans of the mentions in a claim (or the title, for `None`) of article `row`.
    /// Entity pages ask this for each claim they list: the article's other mentions
    /// (nine in ten) are skipped before their spans are built.
    pub fn spans(&self, row: usize, claim: Option<usize>) -> Vec<Span> {
        self.by_article
            .of(row)
            .map(|m| m as usize)
            .filter(|&m| self.mentions.claim_of(m) == claim)
            .map(|m| self.span(m))
            .collect()
    }

    /// The spans of every mention of article `row`, with the claim row each is in
    /// (`None`: the title).
    pub fn spans_of_article(&self, row: usize) -> impl Iterator<Item = (Option<usize>, Span)> + '_ {
        self.by_article.of(row).map(|m| {
            let m = m as usize;
            (self.mentions.claim_of(m), self.span(m))
        })
    }

    /// Mention `m`'s span in its text, linked to its entity.
    fn span(&self, m: usize) -> Span {
        Span {
            start: self.mentions.char_start.get(m).max(0) as usize,
            end: self.mentions.char_end.get(m).max(0) as usize,
            figure: None,
            entity: Some(self.chip(self.mention_entity[m] as usize)),
        }
    }

    /// The entities mentioned in article `row`, in order of first mention.
    pub fn entities_in(&self, row: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for m in self.by_article.of(row) {
            let e = self.mention_entity[m as usize] as usize;
            if !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }

    /// Entity `e`'s mentions, newest article first: those in the articles its pages list,
    /// or all of them where figures do not say what they are about.
    pub fn mentions_of(&self, e: usize) -> &[u32] {
        self.by_entity.of(e)
    }

    /// The article row of mention `m`.
    pub fn mention_article(&self, m: usize) -> usize {
        self.by_article.parent(m) as usize
    }

    /// How many articles mention entity `e` (from the mentions themselves).
    pub fn n_articles_of(&self, e: usize) -> usize {
        self.n_articles[e] as usize
    }

    /// The articles of entity `e` its pages list (the newest, at most
    /// [`MAX_ENTITY_PAGES`] pages of them).
    pub fn n_listed_of(&self, e: usize) -> usize {
        self.n_articles_of(e).min(MAX_LISTED_ARTICLES)
    }

    /// The mentions of entity `e` shown on its page `page` (1-based): whole articles,
    /// [`ENTITY_ARTICLES_PER_PAGE`] of them.
    pub fn mentions_on_page(&self, e: usize, page: usize) -> &[u32] {
        let runs = self.article_runs.of(e);
        let all = self.by_entity.of(e);
        let first = (page - 1) * ENTITY_ARTICLES_PER_PAGE;
        let start = runs.get(first).map_or(all.len(), |&s| s as usize);
        let end = runs
            .get(first + ENTITY_ARTICLES_PER_PAGE)
            .map_or(all.len(), |&s| s as usize);
        &all[start..end]
    }

    pub fn pages_of(&self, e: usize) -> usize {
        self.page_starts[e + 1] - self.page_starts[e]
    }

    /// Every entity page: the total count, and entity page `i` as (entity row, page).
    pub fn n_pages(&self) -> usize {
        self.page_starts.last().copied().unwrap_or(0)
    }

    pub fn page_at(&self, i: usize) -> (usize, usize) {
        let e = self.page_starts.partition_point(|&s| s <= i) - 1;
        (e, i - self.page_starts[e] + 1)
    }

    pub fn children_of(&self, e: usize) -> &[u32] {
        self.children.of(e)
    }

    pub fn parent_of(&self, e: usize) -> Option<usize> {
        self.cols.parent.opt(e).and_then(|p| self.row(p))
    }
}
