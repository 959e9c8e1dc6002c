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

#[allow(dead_code)]
fn _unused(_: BTreeMap<(), ()>) {}
