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
