//! The derived datasets: computed by polars from the normalized tables, consistent with them.

use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;
use gazette::tables::Table;

use crate::support::*;

fn column_i64(batch: &arrow::array::RecordBatch, name: &str) -> Vec<i64> {
    batch
        .column_by_name(name)
        .unwrap()
        .as_primitive::<Int64Type>()
        .values()
        .to_vec()
}

#[test]
fn source_summary_counts_match_the_base_tables() {
    let out = shipped_build();
    let summary = read_table(&Table::SourceSummary.path(out));
    let articles = read_table(&Table::Articles.path(out));
    let claims = read_table(&Table::Claims.path(out));
    assert_eq!(
        column_i64(&summary, "n_articles").iter().sum::<i64>(),
        articles.num_rows() as i64
    );
    assert_eq!(
        column_i64(&summary, "n_claims").iter().sum::<i64>(),
        claims.num_rows() as i64
    );
    let sources = summary.column_by_name("source").unwrap().as_string::<i32>();
    let names: Vec<&str> = (0..sources.len()).map(|i| sources.value(i)).collect();
    assert_eq!(
        names,
        ["Sou Hu Cai Jing", "Guan Cha Zhe Wang", "日经中文网"]
    );
    assert_eq!(column_i64(&summary, "n_articles"), [5, 2, 1]);
}

#[test]
fn derive_alone_reproduces_the_build() {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    let (before, after) = rederive(out.path());
    assert_eq!(after, before);
}

/// String column values of a batch.
/// (article, claim, entity) of every mention, read from the mentions table.
fn mention_rows(out: &std::path::Path) -> Vec<(String, Option<String>, String)> {
    let m = read_table(&Table::Mentions.path(out));
    let (a, c, e) = (
        strings(&m, "article_id"),
        strings(&m, "claim_id"),
        strings(&m, "entity_id"),
    );
    a.into_iter()
        .zip(c)
        .zip(e)
        .map(|((a, c), e)| (a.unwrap(), c, e.unwrap()))
        .collect()
}

#[test]
fn cooccurrence_counts_claims_and_articles_sharing_both_entities() {
    use std::collections::{BTreeMap, BTreeSet};
    let out = shipped_build();
    let mut by_claim: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut by_article: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (article, claim, entity) in mention_rows(out) {
        if let Some(c) = claim {
            by_claim.entry(c).or_default().insert(entity.clone());
        }
        by_article.entry(article).or_default().insert(entity);
    }
    let count = |sets: &BTreeMap<String, BTreeSet<String>>, a: &str, b: &str| {
        sets.values()
            .filter(|s| s.contains(a) && s.contains(b))
            .count() as i64
    };
    let co = read_table(&Table::EntityCooccurrence.path(out));
    let (ea, eb) = (strings(&co, "entity_a"), strings(&co, "entity_b"));
    let (nc, na) = (column_i64(&co, "n_claims"), column_i64(&co, "n_articles"));
    let row = (0..co.num_rows())
        .find(|&i| ea[i].as_deref() == Some("country/CN") && eb[i].as_deref() == Some("country/JP"))
        .expect("China and Japan appear together");
    // Counted independently from the mentions table.
    assert_eq!(na[row], count(&by_article, "country/CN", "country/JP"));
    assert_eq!(nc[row], count(&by_claim, "country/CN", "country/JP"));
    assert_eq!((na[row], nc[row]), (3, 7));
    // Every pair of every article is there, once, smaller id first.
    let pairs: usize = by_article
        .values()
        .map(|s| s.len() * (s.len() - 1) / 2)
        .sum();
    assert!(co.num_rows() <= pairs);
    for i in 0..co.num_rows() {
        assert!(ea[i] < eb[i]);
        let (a, b) = (ea[i].as_deref().unwrap(), eb[i].as_deref().unwrap());
        assert_eq!(na[i], count(&by_article, a, b), "{a} {b}");
        assert_eq!(nc[i], count(&by_claim, a, b), "{a} {b}");
    }
}

/// (entity, month, source) → (mentions, articles).
type TimelineRow = ((String, String, String), (i64, i64));

#[test]
fn timeline_counts_mentions_per_entity_month_and_source() {
    use std::collections::{BTreeMap, BTreeSet};
    let out = shipped_build();
    let articles = read_table(&Table::Articles.path(out));
    let ids = strings(&articles, "article_id");
    let months = strings(&articles, "published_month");
    let sources = strings(&articles, "source");
    let info: BTreeMap<String, (String, String)> = (0..ids.len())
        .map(|i| {
            (
                ids[i].clone().unwrap(),
                (months[i].clone().unwrap(), sources[i].clone().unwrap()),
            )
        })
        .collect();
    let mut expected: BTreeMap<(String, String, String), (i64, BTreeSet<String>)> = BTreeMap::new();
    for (article, _, entity) in mention_rows(out) {
        let (month, source) = info[&article].clone();
        let e = expected.entry((entity, month, source)).or_default();
        e.0 += 1;
        e.1.insert(article);
    }
    let t = read_table(&Table::EntityTimeline.path(out));
    let (e, m, s) = (
        strings(&t, "entity_id"),
        strings(&t, "month"),
        strings(&t, "source"),
    );
    let (nm, na) = (column_i64(&t, "n_mentions"), column_i64(&t, "n_articles"));
    let got: Vec<TimelineRow> = (0..t.num_rows())
        .map(|i| {
            (
                (
                    e[i].clone().unwrap(),
                    m[i].clone().unwrap(),
                    s[i].clone().unwrap(),
                ),
                (nm[i], na[i]),
            )
        })
        .collect();
    let want: Vec<TimelineRow> = expected
        .into_iter()
        .map(|(k, (n, arts))| (k, (n, arts.len() as i64)))
        .collect();
    assert_eq!(got, want);
    // China is mentioned in every month of the corpus.
    let china_months: Vec<&str> = (0..t.num_rows())
        .filter(|&i| e[i].as_deref() == Some("country/CN"))
        .map(|i| m[i].as_deref().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(china_months, ["2025-08", "2025-10", "2025-12", "2026-01"]);
}

/// Every derived dataset of a small fixture corpus, row by row.
fn derived_snapshot(case: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    build(&fixture(&format!("derive/{case}")), out.path());
    let mut text = String::new();
    for table in Table::of_stage(gazette::tables::Stage::Derive) {
        text.push_str(&format!("== {}\n", table.name()));
        text.push_str(&render_rows(&read_table(&table.path(out.path()))));
    }
    text
}

#[test]
fn derived_datasets_of_a_single_article() {
    insta::assert_snapshot!(derived_snapshot("single"));
}

/// Three articles from two sources that quote China's refining share differently and
/// mention Japan, China, gallium and rare earths together: every dataset has rows.
#[test]
fn derived_datasets_of_a_small_corpus() {
    let text = derived_snapshot("small");
    assert!(text.contains("refining_share"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn derived_datasets_of_an_empty_corpus_are_empty_tables() {
    let text = derived_snapshot("empty");
    for table in Table::of_stage(gazette::tables::Stage::Derive) {
        let spec = table.spec();
        let header = spec
            .columns
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(" | ");
        assert!(
            text.contains(&format!("== {}\n{header}\n", spec.name)),
            "{text}"
        );
    }
    assert_eq!(
        text.lines().count(),
        2 * Table::of_stage(gazette::tables::Stage::Derive).count()
    );
}

/// Datasets computed batch by batch (bounded memory on a large corpus) are the same bytes
/// as computed in one go; polars too for the datasets gazette counts itself (their
/// queries combine batches).
#[test]
fn batched_derivation_equals_the_whole() {
    for (size, sql) in [("1", "0"), ("3", "0"), ("3", "1")] {
        let out = tempfile::tempdir().unwrap();
        let o = gazette()
            .env("GAZETTE_DERIVE_BATCH_ARTICLES", size)
            .env("GAZETTE_DERIVE_SQL", sql)
            .args(["build", "-v", "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("batches of articles"), "{}", stderr(&o));
        assert_same_files(
            &files_under(&out.path().join("data/derived")),
            &files_under(&shipped_build().join("data/derived")),
        );
    }
}

fn floats(batch: &arrow::array::RecordBatch, name: &str) -> Vec<Option<f64>> {
    primitives::<arrow::datatypes::Float64Type>(batch, name)
}

fn ints(batch: &arrow::array::RecordBatch, name: &str) -> Vec<Option<i32>> {
    primitives::<arrow::datatypes::Int32Type>(batch, name)
}

fn string_lists(batch: &arrow::array::RecordBatch, name: &str) -> Vec<Vec<String>> {
    let c = batch.column_by_name(name).unwrap().as_list::<i32>();
    (0..c.len())
        .map(|i| {
            let v = c.value(i);
            let s = v.as_string::<i32>();
            (0..s.len()).map(|j| s.value(j).to_string()).collect()
        })
        .collect()
}

#[test]
fn statistic_variants_put_chinas_refining_share_side_by_side() {
    let out = shipped_build();
    let v = read_table(&Table::StatisticVariants.path(out));
    let figures = read_table(&Table::Figures.path(out));
    let keys = strings(&v, "statistic_key");
    let (values, qualifiers) = (floats(&v, "value"), strings(&v, "qualifier"));
    let variants = |key: &str| -> Vec<(f64, String, Vec<String>)> {
        let articles = string_lists(&v, "article_ids");
        (0..v.num_rows())
            .filter(|&i| keys[i].as_deref() == Some(key))
            .map(|i| {
                (
                    values[i].unwrap(),
                    qualifiers[i].clone().unwrap(),
                    articles[i].clone(),
                )
            })
            .collect()
    };
    let refining = variants("country/CN|commodity/rare-earths|refining_share|%");
    let quoted: Vec<(f64, &str)> = refining.iter().map(|(v, q, _)| (*v, q.as_str())).collect();
    assert_eq!(
        quoted,
        [
            (92.0, "exact"),
            (90.0, "exact"),
            (90.0, "over"),
            (80.0, "over")
        ]
    );
    // The articles behind each value are the articles whose figures say so.
    let (f_article, f_subject, f_commodity, f_measure, f_value, f_qualifier) = (
        strings(&figures, "article_id"),
        strings(&figures, "subject_entity_id"),
        strings(&figures, "commodity_id"),
        strings(&figures, "measure"),
        floats(&figures, "value"),
        strings(&figures, "qualifier"),
    );
    for (value, qualifier, articles) in &refining {
        let mut expected: Vec<String> = (0..figures.num_rows())
            .filter(|&i| {
                f_subject[i].as_deref() == Some("country/CN")
                    && f_commodity[i].as_deref() == Some("commodity/rare-earths")
                    && f_measure[i].as_deref() == Some("refining_share")
                    && f_value[i] == Some(*value)
                    && f_qualifier[i].as_deref() == Some(qualifier.as_str())
            })
            .map(|i| f_article[i].clone().unwrap())
            .collect();
        expected.sort();
        expected.dedup();
        assert_eq!(articles, &expected, "articles quoting {qualifier} {value}");
    }
    // More than one source quotes the refining share: that is the point of the dataset.
    let sources: std::collections::BTreeSet<String> = (0..v.num_rows())
        .filter(|&i| {
            keys[i]
                .as_deref()
                .is_some_and(|k| k.ends_with("|refining_share|%"))
        })
        .flat_map(|i| string_lists(&v, "sources")[i].clone())
        .collect();
    assert!(sources.len() >= 2, "{sources:?}");
    let i = keys
        .iter()
        .position(|k| k.as_deref() == Some("country/CN|commodity/rare-earths|refining_share|%"))
        .unwrap();
    assert_eq!(floats(&v, "spread")[i], Some(12.0));
    assert_eq!(column_i64(&v, "n_claims")[i], 6);

    let magnets = variants("country/CN|commodity/rare-earths|magnet_share|%");
    let quoted: Vec<f64> = magnets.iter().map(|(v, _, _)| *v).collect();
    assert_eq!(quoted, [98.0, 90.0]);
}

/// A value for one year and a value for another (or for none) are two statistics, not a
/// disagreement: one article puts Australia's critical minerals at $53 billion and at AUD
/// 86.21 billion in 2024, and neither is quoted twice.
#[test]
fn statistic_variants_keep_a_years_value_apart() {
    let out = shipped_build();
    let v = read_table(&Table::StatisticVariants.path(out));
    let figures = read_table(&Table::Figures.path(out));
    let (measures, years) = (strings(&figures, "measure"), ints(&figures, "as_of_year"));
    let market = |year: Option<i32>| {
        (0..figures.num_rows())
            .any(|i| measures[i].as_deref() == Some("market_value") && years[i] == year)
    };
    assert!(market(None) && market(Some(2024)), "the corpus quotes both");
    let keys = strings(&v, "statistic_key");
    assert!(
        keys.iter()
            .all(|k| !k.as_deref().unwrap().contains("|market_value|")),
        "{keys:?}"
    );
    // The year column says what a key's last part does.
    for (k, year) in keys.iter().zip(ints(&v, "as_of_year")) {
        let k = k.as_deref().unwrap();
        let from_key = (k.split('|').count() == 5).then(|| k.rsplit('|').next().unwrap());
        assert_eq!(from_key, year.map(|y| y.to_string()).as_deref(), "{k}");
    }
}

#[test]
fn figure_ledger_has_every_figure_with_its_claim_and_article() {
    let out = shipped_build();
    let ledger = read_table(&Table::FigureLedger.path(out));
    let figures = read_table(&Table::Figures.path(out));
    let claims = read_table(&Table::Claims.path(out));
    let articles = read_table(&Table::Articles.path(out));
    assert_eq!(ledger.num_rows(), figures.num_rows());
    let mut ids = strings(&ledger, "figure_id");
    let mut figure_ids = strings(&figures, "figure_id");
    ids.sort();
    figure_ids.sort();
    assert_eq!(ids, figure_ids);

    let claim_text: std::collections::HashMap<_, _> = strings(&claims, "claim_id")
        .into_iter()
        .zip(strings(&claims, "text"))
        .collect();
    let article_source: std::collections::HashMap<_, _> = strings(&articles, "article_id")
        .into_iter()
        .zip(strings(&articles, "source"))
        .collect();
    let (claim, text, surface, article, source, field) = (
        strings(&ledger, "claim_id"),
        strings(&ledger, "claim_text"),
        strings(&ledger, "surface"),
        strings(&ledger, "article_id"),
        strings(&ledger, "source"),
        strings(&ledger, "field"),
    );
    let span = |name| {
        let c = ledger
            .column_by_name(name)
            .unwrap()
            .as_primitive::<arrow::datatypes::Int32Type>();
        c.values().to_vec()
    };
    let (start, end) = (span("char_start"), span("char_end"));
    for i in 0..ledger.num_rows() {
        assert_eq!(source[i], article_source[&article[i]]);
        if field[i].as_deref() == Some("title") {
            assert!(claim[i].is_none() && text[i].is_none());
            continue;
        }
        let t = text[i].as_deref().unwrap();
        assert_eq!(Some(&text[i]), claim_text.get(&claim[i]));
        let stated: String = t
            .chars()
            .skip(start[i] as usize)
            .take((end[i] - start[i]) as usize)
            .collect();
        assert_eq!(Some(stated), surface[i], "row {i}");
    }
}

#[test]
fn commodity_profile_counts_the_figures_about_each_commodity() {
    let out = shipped_build();
    let profile = read_table(&Table::CommodityProfile.path(out));
    let figures = read_table(&Table::Figures.path(out));
    let commodity = strings(&figures, "commodity_id");
    let ids = strings(&profile, "commodity_id");
    let n = column_i64(&profile, "n_figures");
    let lists = profile
        .column_by_name("measure_figures")
        .unwrap()
        .as_list::<i32>();
    for (i, id) in ids.iter().enumerate() {
        let expected = commodity.iter().filter(|c| *c == id).count() as i64;
        assert_eq!(n[i], expected, "{id:?}");
        if lists.is_valid(i) {
            let per_measure = lists.value(i);
            let per_measure = per_measure.as_primitive::<arrow::datatypes::Int32Type>();
            assert!(per_measure.values().iter().map(|&x| x as i64).sum::<i64>() <= n[i]);
        }
    }
    let i = ids
        .iter()
        .position(|c| c.as_deref() == Some("commodity/rare-earths"))
        .unwrap();
    assert_eq!(string_lists(&profile, "measures")[i][0], "refining_share");
}

/// `entity_cooccurrence` and `entity_timeline` are counted by gazette itself from the
/// mentions (polars' self-joins took most of the derive, and the timeline's join and
/// distinct counts a quarter of the rest): their rows, and the dataset built on them
/// (commodity_profile), are the same bytes as polars' run of the SQL that defines them, on
/// the shipped corpus and on a synthetic one (thousands of pairs, articles a few dozen
/// entities long, years of months and several sources), from single files and from
/// tables partitioned by month (whose month comes from the folders' names).
#[test]
fn counted_datasets_equal_polars_running_their_sql() {
    let dir = tempfile::tempdir().unwrap();
    let synthetic = dir.path().join("corpus");
    let o = gazette()
        .args(["synth", "-q", "--articles", "600", "--seed", "11", "--out"])
        .arg(&synthetic)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for (corpus, partitioned) in [
        (shipped_corpus(), false),
        (synthetic.clone(), false),
        (synthetic, true),
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut cmd = gazette();
        cmd.args(["build", "-v", "--no-reports", "--corpus"])
            .arg(&corpus)
            .arg("--out")
            .arg(out.path());
        if partitioned {
            cmd.args(["--partition-by", "month"]);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        for dataset in ["entity_cooccurrence", "entity_timeline"] {
            let counted = stderr(&o).lines().any(|l| {
                l.contains(&format!("Derived {dataset} ("))
                    && l.contains("counted from the mentions")
            });
            assert!(counted, "{dataset}: {}", stderr(&o));
        }
        let (counted, by_sql, log) = rederive_with(out.path(), &[("GAZETTE_DERIVE_SQL", "1")]);
        assert!(!log.contains("counted from the mentions"), "{log}");
        assert_same_files(&by_sql, &counted);
        let pairs = read_table(&Table::EntityCooccurrence.path(out.path()));
        assert!(pairs.num_rows() > 10, "{}", pairs.num_rows());
        let timeline = read_table(&Table::EntityTimeline.path(out.path()));
        assert!(timeline.num_rows() > 10, "{}", timeline.num_rows());
    }
}

/// Mentions that are not grouped by article (another tool wrote the table, sorted by
/// entity) cannot be counted article by article: polars runs the SQL instead, and the
/// datasets are the same bytes.
#[test]
fn mentions_in_any_order_derive_the_same_datasets() {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    let mentions_path = Table::Mentions.path(out.path());
    let mentions = read_table(&mentions_path);
    let entity = mentions.column_by_name("entity_id").unwrap();
    let order = arrow::compute::sort_to_indices(entity, None, None).unwrap();
    let columns = mentions
        .columns()
        .iter()
        .map(|c| arrow::compute::take(c, &order, None).unwrap())
        .collect();
    let shuffled = arrow::array::RecordBatch::try_new(mentions.schema(), columns).unwrap();
    let articles = strings(&shuffled, "article_id");
    assert!(
        articles.windows(3).any(|w| w[0] == w[2] && w[0] != w[1]),
        "the shipped corpus' mentions, sorted by entity, interleave articles"
    );
    gazette::tables::write_batches(Table::Mentions, &mentions_path, &[shuffled])
        .unwrap()
        .0
        .commit()
        .unwrap();
    let (before, after, log) = rederive_with(out.path(), &[]);
    assert!(!log.contains("counted from the mentions"), "{log}");
    assert_same_files(&after, &before);
}
