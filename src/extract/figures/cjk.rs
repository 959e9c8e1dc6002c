//! Chinese figures: numerals (`三`, `十五`, `一百二十点五`, `两`, financial `叁`/`拾`,
//! mixed `36.57亿`, `1万亿`), their units (`吨`, `美元`, `个月`, `倍`…), percentages
//! (`%`, `个百分点`, `百分之…`, `千分之…`, `成`, `折`) and money in major and minor units
//! (`五元三毛`, `两美元又三美分`). Spaces between the characters of an expression are
//! ignored (`一 百 五 十 个 百 分 点`).
//!
//! A number in Chinese numerals needs a unit or a classifier to be a figure (`一些`,
//! `统一`, `十分` are words); `一` with a classifier (`一个`, `一家`) is the indefinite
//! article. `第` makes an ordinal, `年` after a four-digit number a calendar year, `月`
//! without `个` a month name and `日`/`号` a day of the month: none of these are figures.

use super::lexicon::{self as lx, UnitDef, minor};
use super::number::{self, Decimal, digit_at};
use super::scan::{Prefix, Scanner, negated, simple};
use super::text::Text;
use super::{Figure, Kind, Qualifier};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cn {
    Digit(u8),
    /// 十, 百, 千
    Small(u32),
    /// 万, 亿, 兆
    Big(f64),
    Point,
}

fn cn(c: char) -> Option<Cn> {
    Some(match c {
        '零' | '〇' => Cn::Digit(0),
        '一' | '壹' => Cn::Digit(1),
        '二' | '贰' | '貳' | '两' | '兩' => Cn::Digit(2),
        '三' | '叁' | '參' => Cn::Digit(3),
        '四' | '肆' => Cn::Digit(4),
        '五' | '伍' => Cn::Digit(5),
        '六' | '陆' | '陸' => Cn::Digit(6),
        '七' | '柒' => Cn::Digit(7),
        '八' | '捌' => Cn::Digit(8),
        '九' | '玖' => Cn::Digit(9),
        '十' | '拾' => Cn::Small(10),
        '百' | '佰' => Cn::Small(100),
        '千' | '仟' => Cn::Small(1000),
        '万' | '萬' => Cn::Big(1e4),
        '亿' | '億' => Cn::Big(1e8),
        '兆' => Cn::Big(1e12),
        '点' | '點' => Cn::Point,
        _ => return None,
    })
}

/// Characters that start a Chinese figure.
pub(super) fn is_anchor(c: char) -> bool {
    matches!(cn(c), Some(x) if x != Cn::Point) || matches!(c, '半' | '对' | '對' | '翻')
}

/// Whether `c`, right after a digit run, hands the number to the Chinese reader.
pub(super) fn starts_unit(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// A number read by the Chinese reader.
#[derive(Debug, Clone, Copy)]
struct CnNum {
    start: usize,
    end: usize,
    value: f64,
    /// ASCII or full-width digits were read.
    digits: bool,
    /// Two or more Chinese digits in a row with no multiplier (`三八`, `二〇二五`).
    sequence: bool,
    /// The number of digits of a plain integer (for calendar years).
    int_digits: usize,
    /// Just the numeral `一`.
    lone_one: bool,
}

impl CnNum {
    fn year_like(&self) -> bool {
        self.int_digits == 4 && (1000.0..=2100.0).contains(&self.value) && self.value.fract() == 0.0
    }
}

/// The next position after `j` skipping spaces, if what follows is part of a numeral.
fn continue_at(t: &Text<'_>, j: usize) -> usize {
    let k = t.skip_ws(j);
    if k == j {
        return j;
    }
    if digit_at(t.b, k).is_some() {
        return k;
    }
    match t.char_at(k) {
        Some((c, _)) if cn(c).is_some() => k,
        _ => j,
    }
}

/// `k`, `K`, `Ｋ` (thousand) after digits, possibly after spaces: its end.
fn k_suffix(t: &Text<'_>, j: usize) -> Option<usize> {
    let k = t.skip_ws(j);
    let (c, len) = t.char_at(k)?;
    if !matches!(c, 'k' | 'K' | 'Ｋ') {
        return None;
    }
    let after = k + len;
    match t.char_at(after) {
        Some((x, _)) if x.is_ascii_alphanumeric() => None,
        _ => Some(after),
    }
}

fn read_cn(t: &Text<'_>, i: usize) -> Option<CnNum> {
    let b = t.b;
    let mut result = 0f64;
    let mut section = 0f64;
    let mut number: Option<f64> = None;
    let mut exact: Option<Decimal> = None;
    let mut last_small = 0u32;
    let mut last_big = 0f64;
    let mut prev_cn_digit = false;
    let mut sequence = false;
    let mut seq_value = 0f64;
    let mut seq_len = 0;
    let mut multiplier = false;
    let mut digits = false;
    let mut int_digits = 0;
    let mut frac: Option<(f64, f64)> = None; // (integer part, fraction) once a point is read
    let mut big_after_point = 1f64;
    let mut j = i;
    let mut end = i;
    let mut n_tokens = 0;
    let mut lone_one = false;
    loop {
        let k = if j == i { j } else { continue_at(t, j) };
        if let Some(d) = digit_at(b, k).and_then(|_| number::read_digits(t, k)) {
            // digits after another number or a multiplier (`1万2000`): stop
            if number.is_some() || frac.is_some() || prev_cn_digit || multiplier {
                break;
            }
            let mut dec = d.dec;
            let mut e = d.end;
            if let Some(ke) = k_suffix(t, e) {
                dec.exp += 3;
                e = ke;
            }
            number = Some(dec.value());
            exact = Some(dec);
            digits = true;
            int_digits = if dec.exp == 0 && !dec.has_point() && !d.separators {
                d.int_digits
            } else {
                0
            };
            j = e;
            end = e;
            n_tokens += 1;
            continue;
        }
        let Some((c, len)) = t.char_at(k) else { break };
        let Some(x) = cn(c) else { break };
        let next = t.char_at(t.skip_ws(k + len)).map(|(c, _)| c);
        match x {
            Cn::Digit(dv) => {
                if frac.is_some() {
                    break;
                }
                if dv == 0 && multiplier {
                    // 零 as a placeholder: 一百零五
                    j = k + len;
                    end = j;
                    continue;
                }
                if prev_cn_digit {
                    sequence = true;
                    seq_value = seq_value * 10.0 + dv as f64;
                    seq_len += 1;
                } else if number.is_some() {
                    break;
                } else {
                    seq_value = dv as f64;
                    seq_len = 1;
                }
                lone_one = n_tokens == 0 && dv == 1;
                number = Some(dv as f64);
                exact = None;
                prev_cn_digit = true;
            }
            Cn::Small(m) => {
                if sequence {
                    return None; // 二三十: an approximation, not a number
                }
                // 千克, 千米, 千瓦 are units; 百分点 follows a number
                if (m == 1000 && matches!(next, Some('克' | '米' | '瓦')))
                    || (m == 100
                        && matches!(next, Some('分'))
                        && t.char_at(t.skip_ws(t.skip_ws(k + len) + 3))
                            .is_some_and(|(c, _)| matches!(c, '点' | '點')))
                    || frac.is_some()
                {
                    break;
                }
                if last_small != 0 && m >= last_small {
                    break;
                }
                if let (Some(d), true) = (exact, section == 0.0 && result == 0.0) {
                    let mut d = d;
                    d.exp += (m as f64).log10() as i32;
                    exact = Some(d);
                } else {
                    exact = None;
                }
                section += number.unwrap_or(1.0) * m as f64;
                number = None;
                last_small = m;
                multiplier = true;
                prev_cn_digit = false;
                lone_one = false;
            }
            Cn::Big(big) => {
                if sequence {
                    return None;
                }
                if big == 1e12 && matches!(next, Some('瓦' | '赫')) {
                    break;
                }
                if frac.is_some() {
                    big_after_point *= big;
                    j = k + len;
                    end = j;
                    multiplier = true;
                    continue;
                }
                let s = section
                    + number.unwrap_or(if section == 0.0 && result == 0.0 {
                        1.0
                    } else {
                        0.0
                    });
                if let Some(mut d) = exact.filter(|_| section == 0.0 || number.is_none()) {
                    d.exp += big.log10() as i32;
                    exact = Some(d);
                } else {
                    exact = None;
                }
                if last_big != 0.0 && big > last_big {
                    result = (result + s) * big;
                } else if last_big != 0.0 && big == last_big {
                    break;
                } else {
                    result += s * big;
                }
                section = 0.0;
                number = None;
                last_small = 0;
                last_big = big;
                multiplier = true;
                prev_cn_digit = false;
                lone_one = false;
            }
            Cn::Point => {
                if frac.is_some() || sequence {
                    break;
                }
                // fraction digits: Chinese digits or a digit run, after optional spaces
                let mut p = t.skip_ws(k + len);
                let mut f = String::new();
                if let Some(d) = digit_at(b, p).and_then(|_| number::read_digits(t, p)) {
                    if d.dec.has_point() || d.separators {
                        break;
                    }
                    let v = d.dec.value();
                    f = format!("{v}");
                    p = d.end;
                } else {
                    while let Some((c2, l2)) = t.char_at(p) {
                        match cn(c2) {
                            Some(Cn::Digit(dv)) => {
                                f.push((b'0' + dv) as char);
                                p = continue_at(t, p + l2);
                            }
                            _ => break,
                        }
                    }
                    p = t.skip_ws_back(p, k);
                }
                if f.is_empty() {
                    break;
                }
                let int = result + section + number.unwrap_or(0.0);
                let v: f64 = format!("{int}.{f}").parse().unwrap_or(int);
                frac = Some((int, v));
                exact = None;
                n_tokens += 1;
                j = p;
                end = p;
                lone_one = false;
                continue;
            }
        }
        n_tokens += 1;
        j = k + len;
        end = j;
    }
    if n_tokens == 0 {
        return None;
    }
    let value = if let Some((_, v)) = frac {
        v * big_after_point
    } else if let Some(d) = exact {
        d.value()
    } else if sequence {
        seq_value
    } else {
        result + section + number.unwrap_or(0.0)
    };
    Some(CnNum {
        start: i,
        end,
        value,
        digits,
        sequence,
        int_digits: if sequence { seq_len } else { int_digits },
        lone_one: lone_one && !digits,
    })
}

/// What a Chinese unit means.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CnUnit {
    Plain(UnitDef),
    /// 角, 毛, 分: only after a larger money unit.
    Minor(UnitDef),
    /// 块: yuan when no noun follows (`花费我三块`), else a classifier (`三块土地`).
    Kuai,
    /// 成: tenths (`七成` = 70%).
    Cheng,
    /// 折: a discount rate (`九折` = 90%, `七五折` = 75%).
    Zhe,
    /// 年: a duration, or a calendar year after four digits.
    Year,
    /// 月, 日, 号: a date.
    Date,
    /// A classifier: a count of things.
    Count,
}

const fn pu(code: &'static str, kind: Kind) -> CnUnit {
    CnUnit::Plain(UnitDef {
        code,
        kind,
        factor: 1.0,
        per: None,
    })
}

const fn cur(code: &'static str) -> CnUnit {
    pu(code, Kind::Money)
}

/// Longest first (by characters).
#[rustfmt::skip]
static UNITS: &[(&str, CnUnit)] = &[
    ("个百分点", pu("pp", Kind::Percent)), ("個百分點", pu("pp", Kind::Percent)),
    ("瑞士法郎", cur("CHF")), ("新加坡元", cur("SGD")), ("新西兰元", cur("NZD")),
    ("个比特币", cur("BTC")), ("個比特幣", cur("BTC")), ("平方公里", pu("km2", Kind::Area)),
    ("平方千米", pu("km2", Kind::Area)),
    ("百分点", pu("pp", Kind::Percent)), ("百分點", pu("pp", Kind::Percent)),
    ("新台币", cur("TWD")), ("新台幣", cur("TWD")), ("人民币", cur("CNY")), ("人民幣", cur("CNY")),
    ("比特币", cur("BTC")), ("比特幣", cur("BTC")), ("日本銭", CnUnit::Minor(minor("JPY", 0.01))),
    ("日本钱", CnUnit::Minor(minor("JPY", 0.01))), ("平方米", pu("m2", Kind::Area)),
    ("立方米", pu("m3", Kind::Volume)), ("千瓦时", pu("kWh", Kind::Energy)),
    ("兆瓦时", pu("MWh", Kind::Energy)), ("个小时", pu("hour", Kind::Duration)),
    ("個小時", pu("hour", Kind::Duration)), ("个星期", pu("week", Kind::Duration)),
    ("個星期", pu("week", Kind::Duration)),
    ("美元", cur("USD")), ("美圆", cur("USD")), ("美金", cur("USD")),
    ("美分", CnUnit::Minor(minor("USD", 0.01))),
    ("欧元", cur("EUR")), ("歐元", cur("EUR")), ("日元", cur("JPY")), ("日圆", cur("JPY")),
    ("英镑", cur("GBP")), ("英鎊", cur("GBP")), ("港元", cur("HKD")), ("港币", cur("HKD")),
    ("港幣", cur("HKD")), ("台币", cur("TWD")), ("台幣", cur("TWD")), ("澳元", cur("AUD")),
    ("澳币", cur("AUD")), ("加元", cur("CAD")), ("韩元", cur("KRW")), ("韓元", cur("KRW")),
    ("卢布", cur("RUB")), ("盧布", cur("RUB")), ("法郎", cur("CHF")), ("奈拉", cur("NGN")),
    ("卢比", cur("INR")), ("泰铢", cur("THB")), ("马克", cur("DEM")), ("里拉", cur("TRY")),
    ("公吨", pu("t", Kind::Mass)), ("公斤", pu("kg", Kind::Mass)), ("千克", pu("kg", Kind::Mass)),
    ("盎司", pu("oz", Kind::Mass)), ("公顷", pu("ha", Kind::Area)), ("公頃", pu("ha", Kind::Area)),
    ("公里", pu("km", Kind::Length)), ("千米", pu("km", Kind::Length)), ("厘米", pu("cm", Kind::Length)),
    ("毫米", pu("mm", Kind::Length)), ("纳米", pu("nm", Kind::Length)), ("英里", pu("mi", Kind::Length)),
    ("千瓦", pu("kW", Kind::Power)), ("兆瓦", pu("MW", Kind::Power)), ("吉瓦", pu("GW", Kind::Power)),
    ("小时", pu("hour", Kind::Duration)), ("小時", pu("hour", Kind::Duration)),
    ("星期", pu("week", Kind::Duration)), ("个月", pu("month", Kind::Duration)),
    ("個月", pu("month", Kind::Duration)),
    ("元", cur("CNY")), ("圆", cur("CNY")), ("圓", cur("CNY")), ("块", CnUnit::Kuai), ("塊", CnUnit::Kuai),
    ("角", CnUnit::Minor(minor("CNY", 0.1))), ("毛", CnUnit::Minor(minor("CNY", 0.1))),
    ("分", CnUnit::Minor(minor("CNY", 0.01))),
    ("吨", pu("t", Kind::Mass)), ("噸", pu("t", Kind::Mass)), ("克", pu("g", Kind::Mass)),
    ("斤", pu("jin", Kind::Mass)), ("亩", pu("mu", Kind::Area)), ("畝", pu("mu", Kind::Area)),
    ("米", pu("m", Kind::Length)), ("桶", pu("bbl", Kind::Volume)), ("升", pu("l", Kind::Volume)),
    ("周", pu("week", Kind::Duration)), ("週", pu("week", Kind::Duration)), ("天", pu("day", Kind::Duration)),
    ("年", CnUnit::Year), ("倍", pu("x", Kind::Multiplier)),
    ("成", CnUnit::Cheng), ("折", CnUnit::Zhe),
    ("%", pu("%", Kind::Percent)), ("％", pu("%", Kind::Percent)),
    ("月", CnUnit::Date), ("日", CnUnit::Date), ("号", CnUnit::Date), ("號", CnUnit::Date),
    ("个", CnUnit::Count), ("個", CnUnit::Count), ("家", CnUnit::Count), ("座", CnUnit::Count),
    ("项", CnUnit::Count), ("項", CnUnit::Count), ("名", CnUnit::Count), ("人", CnUnit::Count),
    ("艘", CnUnit::Count), ("架", CnUnit::Count), ("辆", CnUnit::Count), ("輛", CnUnit::Count),
    ("台", CnUnit::Count), ("件", CnUnit::Count), ("次", CnUnit::Count), ("例", CnUnit::Count),
    ("所", CnUnit::Count), ("只", CnUnit::Count), ("位", CnUnit::Count), ("注", CnUnit::Count),
    ("颗", CnUnit::Count), ("座", CnUnit::Count),
];

/// Whether the text at `k` reads `word`, ignoring spaces between its characters;
/// returns the end.
fn spaced_match(t: &Text<'_>, k: usize, word: &str) -> Option<usize> {
    let mut p = k;
    for (n, c) in word.chars().enumerate() {
        if n > 0 {
            p = t.skip_ws(p);
        }
        let (x, len) = t.char_at(p)?;
        if x != c {
            return None;
        }
        p += len;
    }
    Some(p)
}

fn unit_at(t: &Text<'_>, k: usize) -> Option<(CnUnit, usize)> {
    let (first, _) = t.char_at(k)?;
    UNITS
        .iter()
        .filter(|(w, _)| w.starts_with(first))
        .find_map(|(w, u)| spaced_match(t, k, w).map(|e| (*u, e)))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
}

/// A figure starting at a digit run followed by Chinese text.
pub(super) fn at_number(sc: &mut Scanner<'_>, i: usize, prefix: Option<Prefix>) -> usize {
    let t = sc.t;
    match read_cn(&t, i) {
        Some(n) => finish(sc, n, prefix),
        None => {
            let mut j = i;
            while j < t.len() && digit_at(t.b, j).is_some() {
                j += digit_at(t.b, j).map_or(1, |(_, l)| l);
            }
            j
        }
    }
}

/// A figure starting at a Chinese character.
pub(super) fn at_char(sc: &mut Scanner<'_>, i: usize, ch: char) -> usize {
    let t = sc.t;
    let len = ch.len_utf8();
    match ch {
        '半' => {
            // 减半: halved; not 削减半导体, 缩减半成品 (减半成为共识 is halved)
            let rest = t.s.get(i + len..).unwrap_or("");
            if let Some((c, clen)) = t.char_before(i)
                && c == '减'
                && ![
                    "导", "導", "成品", "岛", "島", "径", "徑", "数以", "年", "小时", "个",
                ]
                .iter()
                .any(|w| rest.starts_with(w))
            {
                let q = sc.qualifier_before(i - clen);
                sc.push(simple(
                    i - clen,
                    i + len,
                    Kind::Multiplier,
                    0.5,
                    lx::TIMES,
                    q,
                ));
                return i + len;
            }
            let k = t.skip_ws(i + len);
            // 半成 is 5 %, but not in 半成品, 半成熟, 半成本
            let (value, unit, e) = if let Some(e) = spaced_match(&t, k, "成").filter(|&e| {
                t.char_at(e)
                    .is_none_or(|(c, _)| !is_han(c) || "的左以上多".contains(c))
            }) {
                (5.0, lx::PERCENT, e)
            } else if let Some(e) = spaced_match(&t, k, "折") {
                (50.0, lx::PERCENT, e)
            } else if let Some((CnUnit::Plain(u), e)) = unit_at(&t, k)
                && u.kind == Kind::Duration
            {
                (0.5, u, e)
            } else if let Some((CnUnit::Year, e)) = unit_at(&t, k) {
                (
                    0.5,
                    UnitDef {
                        code: "year",
                        kind: Kind::Duration,
                        factor: 1.0,
                        per: None,
                    },
                    e,
                )
            } else {
                return i + len;
            };
            // 半成以上: at least 5 %
            let q = suffix_qualifier(&t, e).unwrap_or_else(|| sc.qualifier_before(i));
            sc.push(simple(i, e, unit.kind, value, unit, q));
            return e;
        }
        '翻' => {
            // 翻番, 翻倍: doubled; 翻一番, 翻了两番: doubled once, twice (×2, ×4)
            // 翻了一倍, 翻了近一倍: doubled (about); 翻了一番多: more than doubled
            let k = t.skip_ws(i + len);
            let (factor, mut e, inner) =
                if let Some(e) = spaced_match(&t, k, "番").or_else(|| spaced_match(&t, k, "倍")) {
                    (2.0, e, None)
                } else {
                    let k = spaced_match(&t, k, "了").map_or(k, |e| t.skip_ws(e));
                    let (inner, k) = qualifier_at(&t, k).map_or((None, k), |(q, e)| (Some(q), e));
                    match read_cn(&t, k) {
                        Some(n) if matches!(n.value, 1.0 | 2.0 | 3.0) => {
                            match (spaced_match(&t, n.end, "番"), spaced_match(&t, n.end, "倍")) {
                                (Some(e), _) if !n.digits => (2f64.powf(n.value), e, inner),
                                (None, Some(e)) if n.value == 1.0 => (2.0, e, inner),
                                _ => return i + len,
                            }
                        }
                        _ => return i + len,
                    }
                };
            // 翻了一番多, 翻了一倍以上
            let q = match qualifier_after_multiplier(&t, e) {
                Some((after, end)) => {
                    e = end;
                    after
                }
                None => inner.unwrap_or_else(|| sc.qualifier_before(i)),
            };
            sc.push(simple(i, e, Kind::Multiplier, factor, lx::TIMES, q));
            return e;
        }
        '对' | '對' => {
            // 打对折: half price
            let after = t.skip_ws(i + len);
            if let Some(e) = spaced_match(&t, after, "折")
                && t.char_before(i).is_some_and(|(c, _)| c == '打')
            {
                sc.push(simple(
                    i,
                    e,
                    Kind::Percent,
                    50.0,
                    lx::PERCENT,
                    Qualifier::Exact,
                ));
                return e;
            }
            return i + len;
        }
        _ => {}
    }
    // 第二: an ordinal
    if t.char_before(i).is_some_and(|(c, _)| c == '第') {
        return read_cn(&t, i).map_or(i + len, |n| n.end);
    }
    // 百分之…, 千分之…, 万分之…, 百万分之…
    if let Some(e) = per_mille(sc, i) {
        return e;
    }
    match read_cn(&t, i) {
        Some(n) => finish(sc, n, None),
        None => {
            // skip the whole run of numerals (二三十)
            let mut j = i;
            while let Some((c, l)) = t.char_at(j) {
                if cn(c).is_none() {
                    break;
                }
                j += l;
            }
            j.max(i + len)
        }
    }
}

/// `百分之2.4`, `千分之一`, `万分之三`, `百 分 之 669`: a percentage written as a
/// denominator (a power of ten) and a numerator.
fn per_mille(sc: &mut Scanner<'_>, i: usize) -> Option<usize> {
    let t = sc.t;
    // a numeral before makes it a fraction (五百分之2.2), read from that numeral
    let mut den = 1f64;
    let mut p = i;
    let mut n = 0;
    while let Some((c, l)) = t.char_at(p) {
        match cn(c) {
            Some(Cn::Small(m)) => den *= m as f64,
            Some(Cn::Big(bg)) => den *= bg,
            _ => break,
        }
        n += 1;
        p = t.skip_ws(p + l);
    }
    if n == 0 {
        return None;
    }
    let after = spaced_match(&t, p, "分之")?;
    let k = t.skip_ws(after);
    let num = read_cn(&t, k)?;
    if num.sequence {
        return None;
    }
    let value = num.value * 100.0 / den;
    let (start, negative) = sc.sign_before(i);
    let q = sc.qualifier_before(start);
    sc.push(simple(
        start,
        num.end,
        Kind::Percent,
        if negative { -value } else { value },
        lx::PERCENT,
        q,
    ));
    Some(num.end)
}

/// Whether the 半 ending at `e` is "and a half", not the first character of a word
/// (`两年半导体`: two years of semiconductors; 半岛, 半数): what follows is not Chinese,
/// or is a word that follows a duration (`的`, `以来`, `后`, `内`, `时间`…).
fn half_ends_here(t: &Text<'_>, e: usize) -> bool {
    match t.char_at(e) {
        None => true,
        Some((c, _)) => !is_han(c) || "的以后後前内內来來时時之左多里中期间間".contains(c),
    }
}

/// The duration unit after the 半 of `三个半月` (month), `两个半小时` (hour), `一个半星期`
/// (week), and where it ends.
fn half_duration(t: &Text<'_>, k: usize) -> Option<(UnitDef, usize)> {
    [
        ("月", "month"),
        ("小时", "hour"),
        ("小時", "hour"),
        ("星期", "week"),
    ]
    .into_iter()
    .find_map(|(w, code)| {
        let e = spaced_match(t, k, w)?;
        let def = UnitDef {
            code,
            kind: Kind::Duration,
            factor: 1.0,
            per: None,
        };
        Some((def, e))
    })
}

/// Everything after a Chinese-read number: `多`, a range, a fraction, the unit, minor
/// units, suffix qualifiers; then the sign and qualifier before it.
fn finish(sc: &mut Scanner<'_>, n: CnNum, prefix: Option<Prefix>) -> usize {
    let t = sc.t;
    let prefix = prefix.or_else(|| sc.prefix_currency(n.start));
    let mut end = n.end;
    let mut value = n.value;
    let mut value_max = None;
    let mut qualifier = None;
    // 1000多万, 3000余吨
    let k = t.skip_ws(end);
    if let Some((c, l)) = t.char_at(k)
        && matches!(c, '多' | '余' | '餘')
        && !n.sequence
    {
        qualifier = Some(Qualifier::Over);
        end = k + l;
        if let Some((c2, l2)) = t.char_at(end)
            && let Some(Cn::Big(bg)) = cn(c2)
        {
            value *= bg;
            end += l2;
        }
    }
    // a range: 3至5年, 1-2个月, 三到五年
    let k = t.skip_ws(end);
    if let Some((c, l)) = t.char_at(k)
        && matches!(c, '-' | '~' | '～' | '至' | '到' | '–')
        && let Some(n2) = read_cn(&t, t.skip_ws(k + l))
        && n2.value >= value
        && !n2.sequence
    {
        value_max = Some(n2.value);
        end = n2.end;
    }
    // a fraction: 三分之二, 五百分之2.2
    if let Some(after) = spaced_match(&t, t.skip_ws(end), "分之")
        && let Some(num) = read_cn(&t, t.skip_ws(after))
        && value > 0.0
    {
        let q = sc.qualifier_before(n.start);
        sc.push(simple(
            n.start,
            num.end,
            Kind::Fraction,
            num.value / value,
            lx::FRACTION,
            q,
        ));
        return num.end;
    }
    let k = t.skip_ws(end);
    let unit = unit_at(&t, k);
    // the unit decides the kind (and whether this is a figure at all)
    let (def, ue) = match unit {
        Some((CnUnit::Plain(def), ue)) => (def, ue),
        Some((CnUnit::Minor(_), _)) | None => {
            if let Some(p) = prefix {
                (p.def, end)
            } else if n.digits && !n.year_like() {
                (lx::ITEM, end)
            } else {
                return end;
            }
        }
        Some((CnUnit::Kuai, ue)) => {
            let next = t.char_at(ue).map(|(c, _)| c);
            let money = match next {
                None => true,
                Some(c) => !is_han(c) || matches!(c, '钱' | '錢' | '毛' | '角') || cn(c).is_some(),
            };
            if money {
                (
                    UnitDef {
                        code: "CNY",
                        kind: Kind::Money,
                        factor: 1.0,
                        per: None,
                    },
                    ue,
                )
            } else if n.lone_one {
                return ue;
            } else {
                (lx::ITEM, ue)
            }
        }
        Some((CnUnit::Cheng, ue)) => {
            if n.sequence || value > 10.0 || value <= 0.0 {
                return ue;
            }
            // 七成六, 三成半
            let mut v = value;
            let mut e = ue;
            let k2 = t.skip_ws(ue);
            if let Some((c, l)) = t.char_at(k2) {
                if c == '半' {
                    v += 0.5;
                    e = k2 + l;
                } else if let Some(Cn::Digit(d)) = cn(c)
                    && v.fract() == 0.0
                    && !t
                        .char_at(k2 + l)
                        .is_some_and(|(x, _)| cn(x).is_some() || unit_at(&t, k2 + l).is_some())
                {
                    v += d as f64 / 10.0;
                    e = k2 + l;
                }
            }
            value = v * 10.0;
            end = e;
            let qualifier = qualifier.or_else(|| suffix_qualifier(&t, end));
            return push_cn(sc, n, prefix, end, value, None, lx::PERCENT, qualifier);
        }
        Some((CnUnit::Zhe, ue)) => {
            let v = if n.sequence && n.int_digits == 2 {
                value
            } else if value > 0.0 && value < 10.0 && !n.sequence {
                value * 10.0
            } else if n.digits && value > 10.0 && value < 100.0 && value.fract() == 0.0 {
                value
            } else {
                return ue;
            };
            return push_cn(sc, n, prefix, ue, v, None, lx::PERCENT, qualifier);
        }
        Some((CnUnit::Year, ue)) => {
            if n.year_like() || n.sequence {
                return ue; // 2025年, 二〇二五年: a calendar year
            }
            (
                UnitDef {
                    code: "year",
                    kind: Kind::Duration,
                    factor: 1.0,
                    per: None,
                },
                ue,
            )
        }
        Some((CnUnit::Date, ue)) => return ue,
        Some((CnUnit::Count, ue)) => {
            // 三个半月, 两个半小时: and a half, of the duration after 半
            if !n.sequence
                && value_max.is_none()
                && value.fract() == 0.0
                && let Some(half) = spaced_match(&t, t.skip_ws(ue), "半")
                && let Some((def, e)) = half_duration(&t, t.skip_ws(half))
            {
                return push_cn(sc, n, prefix, e, value + 0.5, None, def, qualifier);
            }
            if n.lone_one {
                return ue;
            }
            (lx::ITEM, ue)
        }
    };
    if n.sequence {
        return ue.max(end);
    }
    // a prefix currency wins over a non-money unit
    let def = match prefix {
        Some(p) if def.kind != Kind::Money || def.code == "item" => p.def,
        _ => def,
    };
    let mut end = if def.kind == Kind::Money && prefix.is_some() && unit.is_none() {
        end
    } else {
        ue
    };
    // 元人民币, 块钱
    if def.kind == Kind::Money {
        for tail in ["人民币", "人民幣", "钱", "錢"] {
            if let Some(e) = spaced_match(&t, end, tail) {
                end = e;
                break;
            }
        }
        if def.factor == 1.0
            && value.fract() == 0.0
            && value_max.is_none()
            && let Some((extra, e)) = minor_units(&t, end, def)
        {
            value += extra;
            end = e;
        }
    }
    // 两年半, 一个月半: and a half
    if def.kind == Kind::Duration
        && value_max.is_none()
        && value.fract() == 0.0
        && let Some(e) = spaced_match(&t, t.skip_ws(end), "半")
        && half_ends_here(&t, e)
    {
        value += 0.5;
        end = e;
    }
    // 增长1倍: grew by one time its size, so a factor of 2 (as `doubled`); the verb
    // joins the surface so that the row shows what was read. 增长到3倍 is a factor of 3.
    // 增长了近1倍, 上涨超过1倍: the qualifier between the verb and the number is read too.
    let mut n = n;
    if def.kind == Kind::Multiplier && prefix.is_none() {
        let (inner, verb_end) = match qualifier_before(&t, n.start, sc.floor) {
            Some((q, qs)) => (Some(q), qs),
            None => (None, n.start),
        };
        let before = &t.s[..verb_end];
        let before = before.strip_suffix('了').unwrap_or(before);
        if let Some(verb) = GROWN_BY.iter().find(|v| before.ends_with(*v)) {
            value += 1.0;
            value_max = value_max.map(|m| m + 1.0);
            n.start = before.len() - verb.len();
            qualifier = qualifier.or(inner);
        }
    }
    // 2倍多: more than twice
    if def.kind == Kind::Multiplier
        && qualifier.is_none()
        && let Some((q, e)) = qualifier_after_multiplier(&t, end)
    {
        qualifier = Some(q);
        end = e;
    }
    qualifier = qualifier.or_else(|| suffix_qualifier(&t, end));
    push_cn(sc, n, prefix, end, value, value_max, def, qualifier)
}

/// The qualifier after a multiplier ending at `e`, and where the figure then ends: `多`
/// (`2倍多`, `翻了一番多`: more than, part of the surface), else `以上`, `左右`… (outside
/// it). Not a 多 that starts a word (`3倍多头`, a long position; `翻番多家企业`, several
/// firms).
fn qualifier_after_multiplier(t: &Text<'_>, e: usize) -> Option<(Qualifier, usize)> {
    let more = spaced_match(t, t.skip_ws(e), "多").filter(|&m| {
        t.char_at(m)
            .is_none_or(|(c, _)| !is_han(c) || matches!(c, '的' | '了' | '一' | '些' | '点' | '點'))
    });
    match more {
        Some(m) => Some((Qualifier::Over, m)),
        None => suffix_qualifier(t, e).map(|q| (q, e)),
    }
}

/// Verbs before `N倍` (and an optional 了) that make it an increase by N times: a factor
/// of N + 1.
const GROWN_BY: &[&str] = &["增长", "增加", "提高", "上涨", "上升", "扩大"];

/// Chinese denominators of rates, with their per-unit codes (as `per_unit_word` gives
/// them in English).
const CN_PER_UNITS: &[(&str, &str)] = &[
    ("公斤", "kg"),
    ("千克", "kg"),
    ("盎司", "oz"),
    ("吨", "t"),
    ("噸", "t"),
    ("克", "g"),
    ("桶", "bbl"),
    ("年", "year"),
    ("股", "share"),
];

/// `/吨`, `/年`, `每吨` right after a figure ending at `end`: the per-unit and where it ends.
fn cn_per_unit_after(t: &Text<'_>, end: usize) -> Option<(&'static str, usize)> {
    let k = t.skip_ws(end);
    let (c, len) = t.char_at(k)?;
    if !matches!(c, '/' | '／' | '每') {
        return None;
    }
    let k = t.skip_ws(k + len);
    CN_PER_UNITS
        .iter()
        .find_map(|&(w, code)| spaced_match(t, k, w).map(|e| (code, e)))
}

/// `每吨` right before a figure starting at `start`: its per-unit.
fn cn_per_unit_before(t: &Text<'_>, start: usize) -> Option<&'static str> {
    let before = t.s.get(..start)?.trim_end();
    CN_PER_UNITS.iter().find_map(|&(w, code)| {
        before
            .strip_suffix(w)
            .is_some_and(|rest| rest.ends_with('每'))
            .then_some(code)
    })
}

/// A qualifier written after a figure ending at `end`: `以上` (at least), `以下`, `以内`
/// (at most), `左右`, `上下` (about). It stays out of the figure's surface.
pub(super) fn suffix_qualifier(t: &Text<'_>, end: usize) -> Option<Qualifier> {
    let k = t.skip_ws(end);
    [
        ("以上", Qualifier::AtLeast),
        ("以下", Qualifier::AtMost),
        ("以内", Qualifier::AtMost),
        ("左右", Qualifier::Approx),
        ("上下", Qualifier::Approx),
    ]
    .into_iter()
    .find_map(|(w, q)| spaced_match(t, k, w).map(|_| q))
}

#[allow(clippy::too_many_arguments)]
fn push_cn(
    sc: &mut Scanner<'_>,
    n: CnNum,
    prefix: Option<Prefix>,
    end: usize,
    value: f64,
    value_max: Option<f64>,
    def: UnitDef,
    qualifier: Option<Qualifier>,
) -> usize {
    let t = sc.t;
    let start = prefix.map_or(n.start, |p| p.start.min(n.start));
    // a rate: `60万元/吨`, `100吨/年` after the figure, `每吨60万元` before it
    let rated = matches!(
        def.kind,
        Kind::Money | Kind::Mass | Kind::Volume | Kind::Energy | Kind::Length | Kind::Area
    );
    let (per_unit, end) = match cn_per_unit_after(&t, end).filter(|_| rated) {
        Some((p, e)) => (Some(p), e),
        None => (cn_per_unit_before(&t, start).filter(|_| rated), end),
    };
    let kind = if per_unit.is_some() {
        Kind::Rate
    } else {
        def.kind
    };
    let (start, negative) = sc.sign_before(start);
    let q = qualifier.unwrap_or_else(|| sc.qualifier_before(start));
    let (value, value_max) = (value * def.factor, value_max.map(|m| m * def.factor));
    let (value, value_max) = if negative {
        negated(value, value_max)
    } else {
        (value, value_max)
    };
    sc.push(Figure {
        start,
        end,
        kind,
        value,
        value_max,
        unit: def.code,
        per_unit,
        qualifier: q,
        change: None,
        as_of_year: None,
    });
    end
}

/// Minor units after a whole amount: 五元三毛, 50元6角三分, 两美元又三美分, 10日元5日本銭.
fn minor_units(t: &Text<'_>, e: usize, major: UnitDef) -> Option<(f64, usize)> {
    let mut added = 0.0;
    let mut last = 1.0f64;
    let mut end = e;
    let mut found = false;
    loop {
        let mut k = t.skip_ws(end);
        if let Some((c, l)) = t.char_at(k)
            && matches!(c, '又' | '零' | '和')
        {
            k = t.skip_ws(k + l);
        }
        let Some(m) = read_cn(t, k) else { break };
        if m.sequence || m.value.fract() != 0.0 || m.value <= 0.0 {
            break;
        }
        match unit_at(t, t.skip_ws(m.end)) {
            Some((CnUnit::Minor(u), ue)) if u.code == major.code && u.factor < last => {
                if m.value * u.factor >= last {
                    break;
                }
                added += m.value * u.factor;
                last = u.factor;
                end = ue;
                found = true;
            }
            Some(_) => break,
            None => {
                // a trailing amount in the next minor unit: 一块五, 五毛五
                let implied = if major.code == "CNY" {
                    last / 10.0
                } else if last == 1.0 {
                    0.01
                } else {
                    break;
                };
                let next = t.char_at(t.skip_ws(m.end)).map(|(c, _)| c);
                if next.is_some_and(is_han) || m.value * implied >= last {
                    break;
                }
                added += m.value * implied;
                end = m.end;
                found = true;
                break;
            }
        }
    }
    found.then_some((added, end))
}

/// Chinese qualifiers right before `s`.
pub(super) fn qualifier_before(t: &Text<'_>, s: usize, floor: usize) -> Option<(Qualifier, usize)> {
    let j = t.skip_ws_back(s, floor);
    let (c, _) = t.char_before(j)?;
    if !is_han(c) {
        return None;
    }
    for (w, q) in CN_QUALIFIERS {
        if j >= floor + w.len() && t.s.get(j - w.len()..j) == Some(*w) {
            return Some((*q, j - w.len()));
        }
    }
    None
}

/// A Chinese qualifier starting at `k` (`翻了近一倍`), and where it ends.
fn qualifier_at(t: &Text<'_>, k: usize) -> Option<(Qualifier, usize)> {
    CN_QUALIFIERS
        .iter()
        .find(|(w, _)| t.s.get(k..).is_some_and(|rest| rest.starts_with(w)))
        .map(|(w, q)| (*q, t.skip_ws(k + w.len())))
}

/// Qualifiers written before a Chinese figure, longer phrases before their parts.
const CN_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("不超过", Qualifier::AtMost),
    ("大约", Qualifier::Approx),
    ("将近", Qualifier::Approx),
    ("接近", Qualifier::Approx),
    ("约合", Qualifier::Approx),
    ("超过", Qualifier::Over),
    ("多于", Qualifier::Over),
    ("高于", Qualifier::Over),
    ("不到", Qualifier::Under),
    ("不足", Qualifier::Under),
    ("低于", Qualifier::Under),
    ("少于", Qualifier::Under),
    ("至少", Qualifier::AtLeast),
    ("最多", Qualifier::AtMost),
    ("高达", Qualifier::UpTo),
    ("约有", Qualifier::Approx),
    ("约为", Qualifier::Approx),
    ("约", Qualifier::Approx),
    ("几乎", Qualifier::Approx),
    ("近乎", Qualifier::Approx),
    ("近", Qualifier::Approx),
    ("超", Qualifier::Over),
    ("逾", Qualifier::Over),
];
