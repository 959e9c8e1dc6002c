//! Figures: the extractor against other projects' test cases (peer specs) and against a
//! hand-made list of every figure in the shipped corpus; the `figures` table; the
//! `gazette extract` command.

use std::collections::BTreeMap;

use gazette::extract::figures::{self, Figure, Kind};
use serde_json::Value;

use crate::support::*;

// ------------------------------------------------------------------ peer specs

/// One expected result of a peer case.
struct Expected {
    /// Character span in the input, `end` inclusive as in the specs.
    start: usize,
    end: usize,
    value: Option<f64>,
    /// Acceptable unit codes and the factor from the peer's unit to them (`Cent` → USD,
    /// 0.01); empty for percentages.
    codes: Vec<&'static str>,
    factor: f64,
    text: String,
}

struct Case {
    input: String,
    expected: Vec<Expected>,
    /// The reference implementation (`dotnet`) fails this case itself.
    reference_fails: bool,
}

/// The peer's currency names mapped to ISO codes. A peer result without an ISO code
/// names the unit only (`Dollar`, `Pound`, `Franc`): gazette's reading of those (`$` is
/// USD unless another dollar is named, `francs` alone is CHF) or, where the name is
/// ambiguous, any currency of that name agrees.
fn peer_unit(unit: &str, iso: Option<&str>) -> (Vec<&'static str>, f64) {
    if let Some(iso) = iso {
        let code: &'static str = Box::leak(iso.to_string().into_boxed_str());
        return (vec![code], 1.0);
    }
    match unit {
        "Dollar" => (vec!["USD"], 1.0),
        "Pound" | "British pound" => (vec!["GBP"], 1.0),
        "Cent" => (vec!["USD"], 0.01),
        "Pence" | "Penny" => (vec!["GBP"], 0.01),
        "Franc" => (vec!["CHF", "FRF"], 1.0),
        "Finnish markka" => (vec!["FIM"], 1.0),
        "Peseta" => (vec!["ESP"], 1.0),
        "Netherlands guilder" => (vec!["NLG"], 1.0),
        "Rupee" => (vec!["INR", "LKR"], 1.0),
        "Bitcoin" => (vec!["BTC"], 1.0),
        "Satoshi" => (vec!["BTC"], 1e-8),
        "Sen" => (vec!["JPY"], 0.01),
        other => panic!("peer unit {other:?} has no mapping: add it to peer_unit"),
    }
}

fn parse_value(v: &Value) -> Option<f64> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Number(n) => return n.as_f64(),
        _ => return None,
    };
    let s = s.trim_end_matches('%');
    if s == "null" {
        return None;
    }
    Some(s.parse().unwrap_or_else(|_| panic!("peer value {s:?}")))
}

fn load_cases(file: &str, percent: bool) -> Vec<Case> {
    let path = fixture(&format!("figures/peer-specs/{file}"));
    let raw = std::fs::read_to_string(&path).unwrap();
    let json: Value = serde_json::from_str(raw.trim_start_matches('\u{feff}')).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            input: c["Input"].as_str().unwrap().to_string(),
            reference_fails: c
                .get("NotSupported")
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains("dotnet")),
            expected: c["Results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let res = &r["Resolution"];
                    let (codes, factor) = if percent {
                        (Vec::new(), 1.0)
                    } else {
                        peer_unit(
                            res["unit"].as_str().unwrap_or(""),
                            res.get("isoCurrency").and_then(Value::as_str),
                        )
                    };
                    Expected {
                        start: r["Start"].as_u64().unwrap() as usize,
                        end: r["End"].as_u64().unwrap() as usize,
                        value: res.get("value").and_then(parse_value),
                        codes,
                        factor,
                        text: r["Text"].as_str().unwrap_or("").to_string(),
                    }
                })
                .collect(),
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
}

/// Figures of the kind the file is about: money (money rates too: `$98 a share`) or
/// percentages.
fn of_kind(figs: &[Figure], percent: bool) -> Vec<&Figure> {
    figs.iter()
        .filter(|f| {
            if percent {
                f.kind == Kind::Percent
            } else {
                f.kind == Kind::Money
                    || (f.kind == Kind::Rate && figures::UNIT_CODES[..44].contains(&f.unit))
            }
        })
        .collect()
}

fn agrees(f: &Figure, e: &Expected) -> bool {
    let Some(v) = e.value else { return false };
    let v = v * e.factor;
    let value_ok = close(f.value, v) || f.value_max.is_some_and(|m| close(m, v));
    value_ok && (e.codes.is_empty() || e.codes.contains(&f.unit))
}

/// Whether a case passes: every expected figure is found (value or a range bound, and
/// currency, agree); an expected result without a value (`dollar`, `a small percent`)
/// names no quantity, and passes when no figure of the kind covers it; and no figure of
/// the kind is found that the case does not expect.
fn case_passes(case: &Case, percent: bool) -> (bool, Vec<Figure>) {
    let figs = figures::extract(&case.input);
    let relevant = of_kind(&figs, percent);
    let char_of = |byte: usize| case.input[..byte].chars().count();
    let mut used = vec![false; relevant.len()];
    let mut ok = true;
    for e in &case.expected {
        match e.value {
            Some(_) => match (0..relevant.len()).find(|&k| !used[k] && agrees(relevant[k], e)) {
                Some(k) => used[k] = true,
                None => ok = false,
            },
            None => {
                let covered = relevant
                    .iter()
                    .any(|f| char_of(f.start) <= e.end && char_of(f.end) > e.start);
                ok &= !covered;
            }
        }
    }
    // a figure matching an expected one that is already matched is not an extra
    for (k, f) in relevant.iter().enumerate() {
        if !used[k] && !case.expected.iter().any(|e| agrees(f, e)) {
            ok = false;
        }
    }
    (ok, figs)
}

struct Rate {
    passed: usize,
    total: usize,
    reference_passed: usize,
    reference_total: usize,
}

fn peer_rate(file: &str, percent: bool) -> Rate {
    let cases = load_cases(file, percent);
    let mut rate = Rate {
        passed: 0,
        total: cases.len(),
        reference_passed: 0,
        reference_total: 0,
    };
    for case in &cases {
        let (ok, figs) = case_passes(case, percent);
        rate.passed += ok as usize;
        if !case.reference_fails {
            rate.reference_total += 1;
            rate.reference_passed += ok as usize;
        }
        if !ok {
            let want: Vec<String> = case
                .expected
                .iter()
                .map(|e| format!("{:?}={:?}{:?}", e.text, e.value, e.codes))
                .collect();
            let got: Vec<String> = figs
                .iter()
                .map(|f| {
                    format!(
                        "{:?}={} {}{}",
                        &case.input[f.start..f.end],
                        f.value,
                        f.unit,
                        f.value_max.map(|m| format!("..{m}")).unwrap_or_default()
                    )
                })
                .collect();
            eprintln!(
                "  FAIL{} {:?}\n    want {}\n    got  {}",
                if case.reference_fails {
                    " (reference fails too)"
                } else {
                    ""
                },
                case.input,
                want.join(", "),
                got.join(", ")
            );
        }
    }
    eprintln!(
        "{file}: {}/{} = {:.3} (cases the reference passes: {}/{} = {:.3})",
        rate.passed,
        rate.total,
        rate.passed as f64 / rate.total as f64,
        rate.reference_passed,
        rate.reference_total,
        rate.reference_passed as f64 / rate.reference_total as f64
    );
    rate
}

fn assert_rate(file: &str, percent: bool, min: f64) {
    let r = peer_rate(file, percent);
    let rate = r.passed as f64 / r.total as f64;
    println!("{file}: pass rate {rate:.3} ({}/{})", r.passed, r.total);
    assert!(
        rate >= min,
        "{file}: pass rate {rate:.3} is below {min} (see the failures above)"
    );
}

#[test]
fn peer_specs_english_currency() {
    assert_rate("NumberWithUnit__English__CurrencyModel.json", false, 0.95);
}

#[test]
fn peer_specs_chinese_currency() {
    assert_rate("NumberWithUnit__Chinese__CurrencyModel.json", false, 0.85);
}

#[test]
fn peer_specs_english_percent() {
    assert_rate("Number__English__PercentModel.json", true, 0.95);
}

#[test]
fn peer_specs_chinese_percent() {
    assert_rate("Number__Chinese__PercentModel.json", true, 0.90);
}

// ------------------------------------------------------------------ the shipped corpus

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Float64Type, Int32Type};

fn col_str(b: &RecordBatch, name: &str, row: usize) -> Option<String> {
    let a = b.column_by_name(name).unwrap().as_string::<i32>();
    (!a.is_null(row)).then(|| a.value(row).to_string())
}

fn col_f64(b: &RecordBatch, name: &str, row: usize) -> Option<f64> {
    let a = b
        .column_by_name(name)
        .unwrap()
        .as_primitive::<Float64Type>();
    (!a.is_null(row)).then(|| a.value(row))
}

fn col_i32(b: &RecordBatch, name: &str, row: usize) -> Option<i32> {
    let a = b.column_by_name(name).unwrap().as_primitive::<Int32Type>();
    (!a.is_null(row)).then(|| a.value(row))
}

fn fmt_num(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

/// The figures table as fixture rows: article, text, surface, kind, value, value_max,
/// unit, per_unit, qualifier, role, as_of_year.
fn table_rows(dir: &std::path::Path) -> Vec<Vec<String>> {
    let articles = read_table(&gazette::tables::Table::Articles.path(dir));
    let claims = read_table(&gazette::tables::Table::Claims.path(dir));
    let figs = read_table(&gazette::tables::Table::Figures.path(dir));
    let article_pos: BTreeMap<String, usize> = (0..articles.num_rows())
        .map(|r| (col_str(&articles, "article_id", r).unwrap(), r + 1))
        .collect();
    let claim_ordinal: BTreeMap<String, i32> = (0..claims.num_rows())
        .map(|r| {
            (
                col_str(&claims, "claim_id", r).unwrap(),
                col_i32(&claims, "ordinal", r).unwrap(),
            )
        })
        .collect();
    (0..figs.num_rows())
        .map(|r| {
            let text = match col_str(&figs, "claim_id", r) {
                Some(c) => format!("claim {}", claim_ordinal[&c]),
                None => "title".to_string(),
            };
            vec![
                article_pos[&col_str(&figs, "article_id", r).unwrap()].to_string(),
                text,
                col_str(&figs, "surface", r).unwrap(),
                col_str(&figs, "kind", r).unwrap(),
                fmt_num(col_f64(&figs, "value", r)),
                fmt_num(col_f64(&figs, "value_max", r)),
                col_str(&figs, "unit", r).unwrap(),
                col_str(&figs, "per_unit", r).unwrap_or_default(),
                col_str(&figs, "qualifier", r).unwrap(),
                col_str(&figs, "role", r).unwrap_or_default(),
                col_i32(&figs, "as_of_year", r)
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect()
}

/// The hand-made list of the shipped corpus's figures.
fn fixture_rows() -> Vec<Vec<String>> {
    let raw = std::fs::read_to_string(fixture("figures/shipped.tsv")).unwrap();
    let mut lines = raw.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
    let header = lines.next().unwrap();
    assert!(header.starts_with("article\ttext\tsurface"), "{header}");
    lines
        .map(|l| {
            let mut cells: Vec<String> = l.split('\t').map(str::to_string).collect();
            cells.resize(11, String::new());
            // numbers as the table prints them
            for k in [4, 5] {
                if !cells[k].is_empty() {
                    cells[k] = format!("{}", cells[k].parse::<f64>().unwrap());
                }
            }
            cells
        })
        .collect()
}

#[test]
fn shipped_corpus_figures_are_the_hand_made_list() {
    let got = table_rows(shipped_build());
    let want = fixture_rows();
    let missing: Vec<_> = want.iter().filter(|r| !got.contains(r)).collect();
    let extra: Vec<_> = got.iter().filter(|r| !want.contains(r)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "figures missing from the table:\n{}\nfigures not in tests/fixtures/figures/shipped.tsv:\n{}",
        missing
            .iter()
            .map(|r| r.join("\t"))
            .collect::<Vec<_>>()
            .join("\n"),
        extra
            .iter()
            .map(|r| r.join("\t"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    // Same order too: article order, title first, claims by ordinal, text position.
    assert_eq!(got, want);
}

// ------------------------------------------------------------------ the table

/// The declared checks of the figures table hold, keys are unique and resolve, and every
/// span cuts its surface out of the claim's text or the article's title.
#[test]
fn figures_table_keeps_its_contract() {
    use gazette::tables::{Check, Table};
    let dir = shipped_build();
    let figs = read_table(&Table::Figures.path(dir));
    let claims = read_table(&Table::Claims.path(dir));
    let articles = read_table(&Table::Articles.path(dir));
    assert!(figs.num_rows() > 0);
    let spec = Table::Figures.spec();
    for check in spec.checks {
        for r in 0..figs.num_rows() {
            match *check {
                Check::OneOf { column, values } => {
                    if let Some(v) = col_str(&figs, column, r) {
                        assert!(values.contains(&v.as_str()), "{column} = {v:?}");
                    }
                }
                Check::Finite { column } => {
                    if let Some(v) = col_f64(&figs, column, r) {
                        assert!(v.is_finite(), "{column} = {v}");
                    }
                }
                Check::NotGreater { low, high } => {
                    let get = |c: &str| {
                        if figs.column_by_name(c).unwrap().data_type().is_floating() {
                            col_f64(&figs, c, r)
                        } else {
                            col_i32(&figs, c, r).map(f64::from)
                        }
                    };
                    let (l, h) = (get(low), get(high));
                    if let (Some(l), Some(h)) = (l, h) {
                        assert!(l <= h, "{low} {l} > {high} {h}");
                    }
                }
                Check::AtLeast { column, min } => {
                    let v = col_i32(&figs, column, r).unwrap();
                    assert!(f64::from(v) >= min, "{column} = {v}");
                }
                ref other => panic!("no evaluation for {other:?}: add one here"),
            }
        }
    }
    let claim_text: BTreeMap<String, String> = (0..claims.num_rows())
        .map(|r| {
            (
                col_str(&claims, "claim_id", r).unwrap(),
                col_str(&claims, "text", r).unwrap(),
            )
        })
        .collect();
    let title: BTreeMap<String, String> = (0..articles.num_rows())
        .map(|r| {
            (
                col_str(&articles, "article_id", r).unwrap(),
                col_str(&articles, "title", r).unwrap(),
            )
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for r in 0..figs.num_rows() {
        assert!(
            ids.insert(col_str(&figs, "figure_id", r).unwrap()),
            "duplicate figure_id"
        );
        let article = col_str(&figs, "article_id", r).unwrap();
        let text = match col_str(&figs, "claim_id", r) {
            Some(c) => {
                assert_eq!(col_str(&figs, "field", r).unwrap(), "claim");
                &claim_text[&c]
            }
            None => {
                assert_eq!(col_str(&figs, "field", r).unwrap(), "title");
                &title[&article]
            }
        };
        let (s, e) = (
            col_i32(&figs, "char_start", r).unwrap() as usize,
            col_i32(&figs, "char_end", r).unwrap() as usize,
        );
        let cut: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(cut, col_str(&figs, "surface", r).unwrap());
        // money has a rate and a year; the role comes with a change id
        if col_str(&figs, "kind", r).unwrap() == "money" {
            assert!(col_f64(&figs, "fx_rate", r).is_some());
            assert_eq!(col_str(&figs, "normalized_unit", r).unwrap(), "USD");
        }
        assert_eq!(
            col_str(&figs, "role", r).is_some(),
            col_str(&figs, "change_id", r).is_some()
        );
    }
}

/// Money is converted at the article's year: the AUD figures of a 2025 article use the
/// 2025 rate, not the as_of years 2014 and 2024.
#[test]
fn money_uses_the_rate_of_the_articles_year() {
    let dir = shipped_build();
    let figs = read_table(&gazette::tables::Table::Figures.path(dir));
    let fx = gazette::reference::fx::shipped();
    let mut seen = 0;
    for r in 0..figs.num_rows() {
        if col_str(&figs, "unit", r).as_deref() == Some("AUD") {
            let rate = fx.usd_per_unit("AUD", 2025).unwrap();
            assert_eq!(col_i32(&figs, "fx_year", r), Some(2025));
            assert_eq!(col_f64(&figs, "fx_rate", r), Some(rate.usd_per_unit));
            let v = col_f64(&figs, "value", r).unwrap();
            let n = col_f64(&figs, "normalized_value", r).unwrap();
            assert!((n - v * rate.usd_per_unit).abs() < 1e-3 * n.abs());
            seen += 1;
        }
    }
    assert_eq!(seen, 2);
}

// ------------------------------------------------------------------ gazette extract

fn extract_lines(
    args: &[&str],
    stdin: &str,
    cwd: &std::path::Path,
) -> (Vec<Value>, std::process::Output) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("extract")
        .args(args)
        .current_dir(cwd)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let lines = String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, o)
}

#[test]
fn extract_writes_one_json_line_per_input_line_without_a_corpus() {
    // An empty working directory: no data/raw, so no corpus is needed.
    let cwd = tempfile::tempdir().unwrap();
    let (lines, o) = extract_lines(
        &["--year", "2025"],
        "investment of over $3 billion\n\n3834吨稀土, rising 895% from AUD 8.67 billion in 2014 to AUD 86.21 billion\r\n",
        cwd.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["text"], "investment of over $3 billion");
    let f = &lines[0]["figures"][0];
    assert_eq!(f["surface"], "$3 billion");
    assert_eq!(f["kind"], "money");
    assert_eq!(f["value"], 3e9);
    assert_eq!(f["qualifier"], "over");
    assert_eq!(f["normalized_unit"], "USD");
    assert_eq!(f["fx_year"], 2025);
    assert_eq!(f["char_start"], 19);
    assert_eq!(lines[1]["figures"].as_array().unwrap().len(), 0);
    let figs = lines[2]["figures"].as_array().unwrap();
    let surfaces: Vec<&str> = figs
        .iter()
        .map(|f| f["surface"].as_str().unwrap())
        .collect();
    assert_eq!(
        surfaces,
        ["3834吨", "895%", "AUD 8.67 billion", "AUD 86.21 billion"]
    );
    // character spans: 3834吨 is 5 characters (7 bytes)
    assert_eq!(
        (figs[0]["char_start"].as_u64(), figs[0]["char_end"].as_u64()),
        (Some(0), Some(5))
    );
    let roles: Vec<&str> = figs[1..]
        .iter()
        .map(|f| f["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["delta", "from", "to"]);
    assert_eq!(figs[1]["change_id"], figs[3]["change_id"]);
    assert_eq!(figs[2]["as_of_year"], 2014);
    // every table column that does not name an article is there
    let keys: Vec<&str> = figs[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for c in gazette::tables::Table::Figures.spec().columns {
        let named_elsewhere = [
            "article_id",
            "claim_id",
            "field",
            "source_file",
            "source_line",
        ];
        assert!(
            named_elsewhere.contains(&c.name) || keys.contains(&c.name),
            "extract output lacks {}",
            c.name
        );
    }
}

#[test]
fn extract_reads_a_file_and_rejects_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "prices doubled\n").unwrap();
    let (lines, o) = extract_lines(&[file.to_str().unwrap()], "", dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(lines[0]["figures"][0]["kind"], "multiplier");
    let o = run(&["extract", "no/such/file.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "gazette: FILE 'no/such/file.txt' is not a file"
    );
    let o = run(&["extract", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Example"));
}

/// A line of many figures gives each its own id (hashed with the line's id, not the
/// line); a line past the limit is an error naming it, after the lines before it.
#[test]
fn extract_reads_long_lines_and_names_one_too_long() {
    let dir = tempfile::tempdir().unwrap();
    // From a file: fed through a pipe, the input would fill it while the output filled
    // the other one.
    let file = dir.path().join("long.txt");
    let many = "1,".repeat(2_000);
    let too_long = "x".repeat(100_001);
    std::fs::write(&file, format!("{many}\n{too_long}\n")).unwrap();
    let (lines, o) = extract_lines(&["long.txt"], "", dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        "gazette: long.txt:2: expected a line of at most 100000 characters, found 100001 \
         characters (split the text into sentences or paragraphs)"
    );
    let figures = lines[0]["figures"].as_array().unwrap();
    let ids: std::collections::HashSet<&str> = figures
        .iter()
        .map(|f| f["figure_id"].as_str().unwrap())
        .collect();
    assert!(figures.len() > 1_000, "{}", figures.len());
    assert_eq!(ids.len(), figures.len(), "every figure its own id");
}

/// A measure's cue inside a name is part of the name: the Export-Import Bank's projects
/// are not imports, Iluka Resources' shipment is not reserves. The same words outside a
/// name still make the measure.
#[test]
fn a_cue_inside_a_name_does_not_make_the_measure() {
    let cwd = tempfile::tempdir().unwrap();
    let (lines, o) = extract_lines(
        &["--year", "2025"],
        "The US Export-Import Bank funded 3 new projects.\n\
         The US imported 3 million tons of gallium in 2024.\n\
         Iluka Resources shipped 500 tons of gallium to Japan.\n\
         Australia holds 500 tons of gallium resources.\n",
        cwd.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let measure = |line: usize| lines[line]["figures"][0]["measure"].clone();
    assert_eq!(measure(0), Value::Null, "{}", lines[0]);
    assert_eq!(lines[0]["figures"][0]["subject_entity_id"], "org/us-exim");
    assert_eq!(measure(1), "imports", "{}", lines[1]);
    assert_eq!(measure(2), Value::Null, "{}", lines[2]);
    assert_eq!(measure(3), "reserves", "{}", lines[3]);
}

/// Two coordinated names own a figure jointly, in Chinese as in English (where no space
/// sets the coordinator apart: `德国与加拿大`): no single subject. One name governing
/// another (`中国对加拿大`) is still the subject.
#[test]
fn coordinated_subjects_in_chinese_are_joint() {
    let cwd = tempfile::tempdir().unwrap();
    let (lines, o) = extract_lines(
        &["--year", "2025"],
        "德国与加拿大签署关键矿产协议，涉及805亿美元投资\n\
         美国和澳大利亚将投资85亿美元\n\
         中国对加拿大出口稀土3000吨\n\
         Germany and Canada plan to jointly invest $80.5 billion\n",
        cwd.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let subject = |line: usize| lines[line]["figures"][0]["subject_entity_id"].clone();
    assert_eq!(subject(0), Value::Null, "{}", lines[0]);
    assert_eq!(subject(1), Value::Null, "{}", lines[1]);
    assert_eq!(subject(2), "country/CN", "{}", lines[2]);
    assert_eq!(subject(3), Value::Null, "{}", lines[3]);
}

/// Cues side by side are one noun phrase, and its last is its head: a share of NdFeB
/// magnets' refining capacity is a refining share; a share of magnet production alone
/// a magnet share.
#[test]
fn the_head_of_a_noun_phrase_of_cues_makes_the_measure() {
    let cwd = tempfile::tempdir().unwrap();
    let (lines, o) = extract_lines(
        &["--year", "2025"],
        "Malaysia controls 55% of global NdFeB magnets refining capacity and 71% of magnet production.\n",
        cwd.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let figures = &lines[0]["figures"];
    assert_eq!(figures[0]["measure"], "refining_share", "{}", lines[0]);
    assert_eq!(figures[1]["measure"], "magnet_share", "{}", lines[0]);
}
