//! What figures are about: subject, commodity and measure of every figure of the shipped
//! corpus against the hand-made list (`tests/fixtures/figures/about.tsv`).

use std::collections::BTreeMap;

use gazette::extract::about::{self, EntityKind, EntitySpan};
use gazette::extract::figures;

use crate::support::*;

/// One row of about.tsv: article, text, surface, subject, commodity, measure.
type Row = [String; 6];

/// The hand-made list: every figure of the shipped corpus with what it is about.
fn expected() -> Vec<Row> {
    let raw = std::fs::read_to_string(fixture("figures/about.tsv")).unwrap();
    let mut lines = raw.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
    let header = lines.next().unwrap();
    assert_eq!(
        header,
        "article\ttext\tsurface\tsubject_entity_id\tcommodity_id\tmeasure"
    );
    lines
        .map(|l| {
            let mut cells: Vec<String> = l.split('\t').map(str::to_string).collect();
            assert!(cells.len() <= 6, "{l:?}");
            cells.resize(6, String::new());
            cells.try_into().unwrap()
        })
        .collect()
}

/// Rows missing from `got` and rows of `got` missing from `want`, formatted for a failure.
fn compare(got: &[Row], want: &[Row]) -> Option<String> {
    let missing: Vec<String> = want
        .iter()
        .filter(|r| !got.contains(r))
        .map(|r| r.join("\t"))
        .collect();
    let extra: Vec<String> = got
        .iter()
        .filter(|r| !want.contains(r))
        .map(|r| r.join("\t"))
        .collect();
    (!missing.is_empty() || !extra.is_empty()).then(|| {
        format!(
            "{} expected rows not produced:\n{}\n{} produced rows not expected:\n{}",
            missing.len(),
            missing.join("\n"),
            extra.len(),
            extra.join("\n")
        )
    })
}

/// (surface, entity id, demonym) of the hand-written mentions of each (article, text).
type Mentions = BTreeMap<(String, String), Vec<(String, String, bool)>>;

/// The hand-written mentions of the corpus's texts.
fn fixture_mentions() -> Mentions {
    let raw = std::fs::read_to_string(fixture("figures/about-mentions.tsv")).unwrap();
    let mut out: BTreeMap<_, Vec<_>> = BTreeMap::new();
    let mut lines = raw.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
    assert_eq!(
        lines.next().unwrap(),
        "article\ttext\tsurface\tentity_id\tdemonym"
    );
    for l in lines {
        let c: Vec<&str> = l.split('\t').collect();
        assert_eq!(c.len(), 5, "{l:?}");
        out.entry((c[0].to_string(), c[1].to_string()))
            .or_default()
            .push((c[2].to_string(), c[3].to_string(), c[4] == "yes"));
    }
    out
}

/// The kind of an entity id, from its prefix (`org/…` → organization).
fn kind_of(id: &str) -> EntityKind {
    match id.split('/').next().unwrap() {
        "org" => EntityKind::Organization,
        k => EntityKind::from_name(k),
    }
}

/// The classifier alone, on the corpus's texts with hand-written mentions: it must give
/// the hand-made list. (The table test below adds the recognizer.)
#[test]
fn classifier_gives_the_hand_made_list_from_hand_written_mentions() {
    let bytes = std::fs::read(shipped_corpus().join("de-china-supply-chain.txt")).unwrap();
    let parsed = gazette::corpus::parse_file("de-china-supply-chain.txt", &bytes);
    let mentions = fixture_mentions();
    let mut used = 0;
    let mut got: Vec<Row> = Vec::new();
    for (ai, article) in parsed.articles.iter().enumerate() {
        let mut texts = vec![("title".to_string(), article.title.as_str())];
        let bullets = article.structure.sections.iter().flat_map(|s| &s.bullets);
        for (n, b) in bullets.enumerate() {
            texts.push((format!("claim {}", n + 1), b.text.as_str()));
        }
        for (label, text) in texts {
            let figs = figures::extract(text);
            if figs.is_empty() {
                continue;
            }
            let key = ((ai + 1).to_string(), label.clone());
            let mut spans = Vec::new();
            let mut pos = 0;
            for (surface, id, demonym) in mentions.get(&key).into_iter().flatten() {
                let start = pos
                    + text[pos..]
                        .find(surface.as_str())
                        .unwrap_or_else(|| panic!("{key:?}: no {surface:?} after byte {pos}"));
                pos = start + surface.len();
                spans.push(EntitySpan {
                    start,
                    end: pos,
                    entity_id: id,
                    kind: kind_of(id),
                    demonym: *demonym,
                });
                used += 1;
            }
            for (a, f) in about::classify(text, &figs, &spans).iter().zip(&figs) {
                got.push([
                    key.0.clone(),
                    key.1.clone(),
                    text[f.start..f.end].to_string(),
                    a.subject.unwrap_or_default().to_string(),
                    a.commodity.unwrap_or_default().to_string(),
                    a.measure_id().unwrap_or_default().to_string(),
                ]);
            }
        }
    }
    // every hand-written mention belongs to a text with figures
    assert_eq!(used, mentions.values().map(Vec::len).sum::<usize>());
    let want = expected();
    assert_eq!(want.len(), 54);
    if let Some(diff) = compare(&got, &want) {
        panic!("{diff}");
    }
}

// ------------------------------------------------------------------ the table

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Float64Type, Int32Type};
use gazette::tables::Table;

fn col_str(b: &RecordBatch, name: &str, row: usize) -> Option<String> {
    let a = b
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_string::<i32>();
    (!a.is_null(row)).then(|| a.value(row).to_string())
}

/// The figures table as about.tsv rows (article position, text, surface, subject,
/// commodity, measure), with each row's measure_rule, article id, qualifier and value.
fn table_rows() -> Vec<(Row, Option<String>, String, String, f64)> {
    let dir = shipped_build();
    let articles = read_table(&Table::Articles.path(dir));
    let claims = read_table(&Table::Claims.path(dir));
    let figs = read_table(&Table::Figures.path(dir));
    let article_pos: BTreeMap<String, usize> = (0..articles.num_rows())
        .map(|r| (col_str(&articles, "article_id", r).unwrap(), r + 1))
        .collect();
    let ordinals = claims
        .column_by_name("ordinal")
        .unwrap()
        .as_primitive::<Int32Type>();
    let claim_ordinal: BTreeMap<String, i32> = (0..claims.num_rows())
        .map(|r| (col_str(&claims, "claim_id", r).unwrap(), ordinals.value(r)))
        .collect();
    let values = figs
        .column_by_name("value")
        .unwrap()
        .as_primitive::<Float64Type>();
    (0..figs.num_rows())
        .map(|r| {
            let article = col_str(&figs, "article_id", r).unwrap();
            let text = match col_str(&figs, "claim_id", r) {
                Some(c) => format!("claim {}", claim_ordinal[&c]),
                None => "title".to_string(),
            };
            let row = [
                article_pos[&article].to_string(),
                text,
                col_str(&figs, "surface", r).unwrap(),
                col_str(&figs, "subject_entity_id", r).unwrap_or_default(),
                col_str(&figs, "commodity_id", r).unwrap_or_default(),
                col_str(&figs, "measure", r).unwrap_or_default(),
            ];
            (
                row,
                col_str(&figs, "measure_rule", r),
                article,
                col_str(&figs, "qualifier", r).unwrap(),
                values.value(r),
            )
        })
        .collect()
}

/// The acceptance test of the built table: every figure of the shipped corpus is about
/// what the hand-made list says; misses and extras both fail.
#[test]
fn figures_table_says_what_each_figure_is_about() {
    let got: Vec<Row> = table_rows().into_iter().map(|r| r.0).collect();
    let want = expected();
    if let Some(diff) = compare(&got, &want) {
        panic!("figures table vs tests/fixtures/figures/about.tsv:\n{diff}");
    }
    assert_eq!(got.len(), want.len());
}

/// China's shares of rare earth refining, magnet making and mining, as different articles
/// quote them, each on its (subject, commodity, measure) key.
#[test]
fn chinas_rare_earth_shares_land_on_their_keys() {
    let rows = table_rows();
    let quotes = |measure: &str| {
        let mut values: Vec<String> = Vec::new();
        let mut articles: Vec<&str> = Vec::new();
        for (row, _, article, qualifier, value) in &rows {
            if row[3] == "country/CN" && row[4] == "commodity/rare-earths" && row[5] == measure {
                let q = if qualifier == "over" { "over " } else { "" };
                values.push(format!("{q}{value}%"));
                articles.push(article);
            }
        }
        values.sort();
        values.dedup();
        articles.sort();
        articles.dedup();
        (values, articles.len())
    };
    let (refining, n) = quotes("refining_share");
    assert_eq!(refining, ["90%", "92%", "over 80%", "over 90%"]);
    assert!(n >= 4, "refining shares from {n} articles");
    let (magnets, n) = quotes("magnet_share");
    assert_eq!(magnets, ["90%", "98%"]);
    assert_eq!(n, 2);
    assert_eq!(quotes("mining_share").0, ["69%"]);
}

/// measure_rule comes with measure; subjects and commodities are entities of the right kind.
#[test]
fn subjects_and_commodities_are_entities_of_the_right_kind() {
    let dir = shipped_build();
    let entities = read_table(&Table::Entities.path(dir));
    let kind: BTreeMap<String, String> = (0..entities.num_rows())
        .map(|r| {
            (
                col_str(&entities, "entity_id", r).unwrap(),
                col_str(&entities, "kind", r).unwrap(),
            )
        })
        .collect();
    let rows = table_rows();
    assert!(rows.iter().any(|r| r.1.is_some()));
    for (row, rule, ..) in &rows {
        assert_eq!(row[5].is_empty(), rule.is_none(), "{row:?} {rule:?}");
        if !row[3].is_empty() {
            let k = &kind[&row[3]];
            assert!(
                ["country", "region", "organization", "place"].contains(&k.as_str()),
                "{row:?}: subject of kind {k}"
            );
        }
        if !row[4].is_empty() {
            assert_eq!(kind[&row[4]], "commodity", "{row:?}");
        }
    }
    // the column description names every measure of the vocabulary
    let spec = Table::Figures.spec();
    let described = spec.column("measure").unwrap().description;
    for id in gazette::reference::measures::MEASURE_IDS {
        assert!(described.contains(id), "figures.measure does not name {id}");
    }
}
