//! The words and symbols of figures: units, currencies, scales, qualifiers, number
//! words. Every unit code the extractor can write is listed in [`UNIT_CODES`] (the
//! table's `OneOf` check uses it).

// The lookup tables are keyed by short, trusted words and only looked up, never
// iterated, so outputs do not depend on the hash.
use crate::text::FastMap;
use std::sync::LazyLock;

use super::Kind;

/// A unit as written, and what it means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct UnitDef {
    /// The unit code written to the table.
    pub code: &'static str,
    pub kind: Kind,
    /// Multiplies the written number to give a value in `code` (`cents` → 0.01 USD).
    pub factor: f64,
    /// The rate's denominator the unit word holds itself (`tpa`: tonnes a year).
    pub per: Option<&'static str>,
}

const fn u(code: &'static str, kind: Kind) -> UnitDef {
    UnitDef {
        code,
        kind,
        factor: 1.0,
        per: None,
    }
}

pub(super) const fn minor(code: &'static str, factor: f64) -> UnitDef {
    UnitDef {
        code,
        kind: Kind::Money,
        factor,
        per: None,
    }
}

/// A unit word that holds its rate's denominator: `tpa` is `t` per `year`, `mtpa`
/// a million of them.
const fn rate(code: &'static str, kind: Kind, factor: f64, per: &'static str) -> UnitDef {
    UnitDef {
        code,
        kind,
        factor,
        per: Some(per),
    }
}

const fn money(code: &'static str) -> UnitDef {
    u(code, Kind::Money)
}

pub(super) const PERCENT: UnitDef = u("%", Kind::Percent);
pub(super) const ITEM: UnitDef = u("item", Kind::Count);
pub(super) const TIMES: UnitDef = u("x", Kind::Multiplier);
pub(super) const FRACTION: UnitDef = u("fraction", Kind::Fraction);

/// Every unit code in the `figures` table, money codes first.
pub const UNIT_CODES: &[&str] = &[
    // ISO 4217 (FIM, FRF, DEM, ESP, NLG, ITL: pre-euro currencies in older texts) and
    // BTC for bitcoin.
    "USD", "AUD", "CAD", "HKD", "NZD", "SGD", "TWD", "MXN", "BRL", "EUR", "GBP", "JPY", "CNY",
    "KRW", "INR", "CHF", "FRF", "FIM", "DEM", "ESP", "NLG", "ITL", "TRY", "RUB", "ZAR", "THB",
    "MYR", "IDR", "VND", "NGN", "PLN", "HUF", "SAR", "AED", "ILS", "SEK", "NOK", "DKK", "CRC",
    "GEL", "LAK", "LKR", "PHP", "BTC", // percent: percent, percentage points, basis points
    "%", "pp", "bp", // mass
    "t", "kt", "kg", "g", "lb", "oz", "ozt", "jin", // area
    "ha", "km2", "m2", "mi2", "acre", "mu", // length
    "km", "m", "cm", "mm", "nm", "mi", "ft", "in", // volume
    "l", "m3", "bbl", "gal", "bcm", // energy
    "kWh", "MWh", "GWh", "TWh", // power
    "kW", "MW", "GW", "TW", // duration
    "hour", "day", "week", "month", "year", "decade", // the rest
    "item", "x", "fraction",
];

/// Denominators of rates (`per_unit`).
pub const PER_UNITS: &[&str] = &[
    "kg", "t", "lb", "oz", "ozt", "g", "bbl", "l", "gal", "m3", "kWh", "MWh", "share", "person",
    "item", "dozen", "hour", "day", "week", "month", "year",
];

pub const KINDS: &[&str] = &[
    "money",
    "percent",
    "mass",
    "area",
    "length",
    "volume",
    "energy",
    "power",
    "duration",
    "count",
    "rate",
    "multiplier",
    "fraction",
];

pub const QUALIFIERS: &[&str] = &[
    "exact", "approx", "over", "under", "at_least", "at_most", "up_to",
];

pub const ROLES: &[&str] = &["from", "to", "delta"];

/// English unit phrases, lowercase, dots removed (`u.s.` → `us`). Plural and singular
/// are both listed; hyphenated adjectives (`10-year`, `12-cent`) use the singular.
#[rustfmt::skip]
static EN_UNITS: &[(&str, UnitDef)] = &[
    // money
    ("dollar", money("USD")), ("dollars", money("USD")), ("usd", money("USD")),
    ("us dollar", money("USD")), ("us dollars", money("USD")),
    ("american dollars", money("USD")), ("united states dollars", money("USD")),
    ("australian dollar", money("AUD")), ("australian dollars", money("AUD")), ("aud", money("AUD")),
    ("canadian dollar", money("CAD")), ("canadian dollars", money("CAD")), ("cad", money("CAD")),
    ("hong kong dollar", money("HKD")), ("hong kong dollars", money("HKD")), ("hkd", money("HKD")),
    ("new zealand dollar", money("NZD")), ("new zealand dollars", money("NZD")), ("nzd", money("NZD")),
    ("singapore dollar", money("SGD")), ("singapore dollars", money("SGD")), ("sgd", money("SGD")),
    ("taiwan dollar", money("TWD")), ("taiwan dollars", money("TWD")),
    ("new taiwan dollars", money("TWD")), ("twd", money("TWD")),
    ("mexican peso", money("MXN")), ("mexican pesos", money("MXN")), ("peso", money("MXN")),
    ("pesos", money("MXN")), ("mxn", money("MXN")),
    ("brazilian real", money("BRL")), ("brazilian reais", money("BRL")), ("reais", money("BRL")),
    ("brl", money("BRL")),
    ("euro", money("EUR")), ("euros", money("EUR")), ("eur", money("EUR")),
    ("pound", money("GBP")), ("pounds", money("GBP")), ("pounds sterling", money("GBP")),
    ("british pounds", money("GBP")), ("sterling", money("GBP")), ("gbp", money("GBP")),
    ("pence", minor("GBP", 0.01)), ("penny", minor("GBP", 0.01)), ("pennies", minor("GBP", 0.01)),
    ("cent", minor("USD", 0.01)), ("cents", minor("USD", 0.01)),
    ("yen", money("JPY")), ("japanese yen", money("JPY")), ("jpy", money("JPY")),
    ("sen", minor("JPY", 0.01)),
    ("yuan", money("CNY")), ("chinese yuan", money("CNY")), ("renminbi", money("CNY")),
    ("rmb", money("CNY")), ("cny", money("CNY")), ("kuai", money("CNY")),
    ("mao", minor("CNY", 0.1)), ("jiao", minor("CNY", 0.1)), ("fen", minor("CNY", 0.01)),
    ("won", money("KRW")), ("korean won", money("KRW")), ("south korean won", money("KRW")),
    ("krw", money("KRW")),
    ("rupee", money("INR")), ("rupees", money("INR")), ("indian rupees", money("INR")),
    ("inr", money("INR")),
    ("sri lankan rupees", money("LKR")), ("lkr", money("LKR")),
    ("swiss franc", money("CHF")), ("swiss francs", money("CHF")), ("chf", money("CHF")),
    ("franc", money("CHF")), ("francs", money("CHF")),
    ("french franc", money("FRF")), ("french francs", money("FRF")),
    ("finnish markka", money("FIM")), ("finnish markkaa", money("FIM")),
    ("markka", money("FIM")), ("markkaa", money("FIM")),
    ("deutsche mark", money("DEM")), ("deutsche marks", money("DEM")),
    ("deutschmark", money("DEM")), ("deutschmarks", money("DEM")), ("german marks", money("DEM")),
    ("peseta", money("ESP")), ("pesetas", money("ESP")),
    ("guilder", money("NLG")), ("guilders", money("NLG")), ("dutch guilders", money("NLG")),
    ("lira", money("TRY")), ("turkish lira", money("TRY")), ("lire", money("ITL")),
    ("italian lire", money("ITL")),
    ("ruble", money("RUB")), ("rubles", money("RUB")), ("rouble", money("RUB")),
    ("roubles", money("RUB")), ("rub", money("RUB")),
    ("rand", money("ZAR")), ("zar", money("ZAR")), ("baht", money("THB")), ("thb", money("THB")),
    ("ringgit", money("MYR")), ("myr", money("MYR")), ("rupiah", money("IDR")), ("idr", money("IDR")),
    ("dong", money("VND")), ("vnd", money("VND")), ("naira", money("NGN")), ("ngn", money("NGN")),
    ("zloty", money("PLN")), ("pln", money("PLN")), ("forint", money("HUF")), ("huf", money("HUF")),
    ("riyal", money("SAR")), ("riyals", money("SAR")), ("dirham", money("AED")),
    ("dirhams", money("AED")), ("shekel", money("ILS")), ("shekels", money("ILS")),
    ("krona", money("SEK")), ("kronor", money("SEK")), ("swedish kronor", money("SEK")),
    ("krone", money("NOK")), ("kroner", money("NOK")), ("norwegian kroner", money("NOK")),
    ("danish kroner", money("DKK")), ("dkk", money("DKK")),
    ("bitcoin", money("BTC")), ("bitcoins", money("BTC")), ("btc", money("BTC")),
    ("satoshi", minor("BTC", 1e-8)), ("satoshis", minor("BTC", 1e-8)),
    // percent
    ("percent", PERCENT), ("percents", PERCENT), ("per cent", PERCENT), ("percentage", PERCENT),
    ("pct", PERCENT),
    ("percentage point", u("pp", Kind::Percent)), ("percentage points", u("pp", Kind::Percent)),
    ("basis point", u("bp", Kind::Percent)), ("basis points", u("bp", Kind::Percent)),
    ("bps", u("bp", Kind::Percent)), ("bp", u("bp", Kind::Percent)),
    // mass
    ("ton", u("t", Kind::Mass)), ("tons", u("t", Kind::Mass)), ("tonne", u("t", Kind::Mass)),
    ("tonnes", u("t", Kind::Mass)), ("metric ton", u("t", Kind::Mass)),
    ("metric tons", u("t", Kind::Mass)), ("metric tonnes", u("t", Kind::Mass)), ("t", u("t", Kind::Mass)),
    ("kt", u("kt", Kind::Mass)), ("kilotons", u("kt", Kind::Mass)), ("kilotonnes", u("kt", Kind::Mass)),
    // tonnes a year, as the trade writes capacities
    ("tpa", rate("t", Kind::Mass, 1.0, "year")), ("tpy", rate("t", Kind::Mass, 1.0, "year")),
    ("ktpa", rate("kt", Kind::Mass, 1.0, "year")), ("ktpy", rate("kt", Kind::Mass, 1.0, "year")),
    ("mtpa", rate("t", Kind::Mass, 1e6, "year")), ("mtpy", rate("t", Kind::Mass, 1e6, "year")),
    ("kilogram", u("kg", Kind::Mass)), ("kilograms", u("kg", Kind::Mass)), ("kilo", u("kg", Kind::Mass)),
    ("kilos", u("kg", Kind::Mass)), ("kg", u("kg", Kind::Mass)), ("kgs", u("kg", Kind::Mass)),
    ("gram", u("g", Kind::Mass)), ("grams", u("g", Kind::Mass)), ("g", u("g", Kind::Mass)),
    ("lb", u("lb", Kind::Mass)), ("lbs", u("lb", Kind::Mass)),
    ("ounce", u("oz", Kind::Mass)), ("ounces", u("oz", Kind::Mass)), ("oz", u("oz", Kind::Mass)),
    ("troy ounce", u("ozt", Kind::Mass)), ("troy ounces", u("ozt", Kind::Mass)),
    // area
    ("hectare", u("ha", Kind::Area)), ("hectares", u("ha", Kind::Area)), ("ha", u("ha", Kind::Area)),
    ("acre", u("acre", Kind::Area)), ("acres", u("acre", Kind::Area)),
    // the Chinese 亩 in pinyin (lowercase only, a separate word: see `lowercase_only`)
    ("mu", u("mu", Kind::Area)),
    ("square kilometer", u("km2", Kind::Area)), ("square kilometers", u("km2", Kind::Area)),
    ("square kilometre", u("km2", Kind::Area)), ("square kilometres", u("km2", Kind::Area)),
    ("sq km", u("km2", Kind::Area)), ("km2", u("km2", Kind::Area)),
    ("square mile", u("mi2", Kind::Area)), ("square miles", u("mi2", Kind::Area)),
    ("square meter", u("m2", Kind::Area)), ("square meters", u("m2", Kind::Area)),
    ("square metre", u("m2", Kind::Area)), ("square metres", u("m2", Kind::Area)), ("m2", u("m2", Kind::Area)),
    // length
    ("kilometer", u("km", Kind::Length)), ("kilometers", u("km", Kind::Length)),
    ("kilometre", u("km", Kind::Length)), ("kilometres", u("km", Kind::Length)), ("km", u("km", Kind::Length)),
    ("meter", u("m", Kind::Length)), ("meters", u("m", Kind::Length)), ("metre", u("m", Kind::Length)),
    ("metres", u("m", Kind::Length)),
    ("centimeter", u("cm", Kind::Length)), ("centimeters", u("cm", Kind::Length)), ("cm", u("cm", Kind::Length)),
    ("millimeter", u("mm", Kind::Length)), ("millimeters", u("mm", Kind::Length)), ("mm", u("mm", Kind::Length)),
    ("nanometer", u("nm", Kind::Length)), ("nanometers", u("nm", Kind::Length)), ("nm", u("nm", Kind::Length)),
    ("mile", u("mi", Kind::Length)), ("miles", u("mi", Kind::Length)),
    ("foot", u("ft", Kind::Length)), ("feet", u("ft", Kind::Length)), ("ft", u("ft", Kind::Length)),
    ("inch", u("in", Kind::Length)), ("inches", u("in", Kind::Length)),
    // volume
    ("liter", u("l", Kind::Volume)), ("liters", u("l", Kind::Volume)), ("litre", u("l", Kind::Volume)),
    ("litres", u("l", Kind::Volume)),
    ("barrel", u("bbl", Kind::Volume)), ("barrels", u("bbl", Kind::Volume)), ("bbl", u("bbl", Kind::Volume)),
    ("bpd", rate("bbl", Kind::Volume, 1.0, "day")), ("kbpd", rate("bbl", Kind::Volume, 1e3, "day")),
    ("cubic meter", u("m3", Kind::Volume)), ("cubic meters", u("m3", Kind::Volume)),
    ("cubic metre", u("m3", Kind::Volume)), ("cubic metres", u("m3", Kind::Volume)), ("m3", u("m3", Kind::Volume)),
    ("gallon", u("gal", Kind::Volume)), ("gallons", u("gal", Kind::Volume)),
    ("bcm", u("bcm", Kind::Volume)),
    // energy and power
    ("kwh", u("kWh", Kind::Energy)), ("mwh", u("MWh", Kind::Energy)), ("gwh", u("GWh", Kind::Energy)),
    ("twh", u("TWh", Kind::Energy)),
    ("kw", u("kW", Kind::Power)), ("kilowatt", u("kW", Kind::Power)), ("kilowatts", u("kW", Kind::Power)),
    ("mw", u("MW", Kind::Power)), ("megawatt", u("MW", Kind::Power)), ("megawatts", u("MW", Kind::Power)),
    ("gw", u("GW", Kind::Power)), ("gigawatt", u("GW", Kind::Power)), ("gigawatts", u("GW", Kind::Power)),
    ("tw", u("TW", Kind::Power)), ("terawatts", u("TW", Kind::Power)),
    // duration
    ("hour", u("hour", Kind::Duration)), ("hours", u("hour", Kind::Duration)),
    ("day", u("day", Kind::Duration)), ("days", u("day", Kind::Duration)),
    ("week", u("week", Kind::Duration)), ("weeks", u("week", Kind::Duration)),
    ("month", u("month", Kind::Duration)), ("months", u("month", Kind::Duration)),
    ("year", u("year", Kind::Duration)), ("years", u("year", Kind::Duration)),
    ("yr", u("year", Kind::Duration)), ("yrs", u("year", Kind::Duration)),
    ("decade", u("decade", Kind::Duration)), ("decades", u("decade", Kind::Duration)),
    // multipliers
    ("times", TIMES), ("fold", TIMES),
];

/// Currency codes and names that may stand before the number (`USD 200`, `rmb 10`,
/// `AUD 8.67 billion`, `Rs 500`); `m` before a code means million (`MAUD 60`).
#[rustfmt::skip]
static PREFIX_WORDS: &[(&str, UnitDef)] = &[
    ("usd", money("USD")), ("aud", money("AUD")), ("cad", money("CAD")), ("hkd", money("HKD")),
    ("nzd", money("NZD")), ("sgd", money("SGD")), ("twd", money("TWD")), ("mxn", money("MXN")),
    ("brl", money("BRL")), ("eur", money("EUR")), ("gbp", money("GBP")), ("jpy", money("JPY")),
    ("cny", money("CNY")), ("rmb", money("CNY")), ("krw", money("KRW")), ("inr", money("INR")),
    ("rs", money("INR")), ("chf", money("CHF")), ("rub", money("RUB")), ("zar", money("ZAR")),
    ("idr", money("IDR")), ("thb", money("THB")), ("myr", money("MYR")), ("btc", money("BTC")),
    ("lkr", money("LKR")), ("sen", minor("JPY", 0.01)),
];

/// Letters before `$` naming the dollar (`US$`, `c $`, `HK$`, `Mex$`).
#[rustfmt::skip]
static DOLLAR_PREFIXES: &[(&str, &str)] = &[
    ("us", "USD"), ("usd", "USD"), ("a", "AUD"), ("au", "AUD"), ("aud", "AUD"), ("c", "CAD"),
    ("ca", "CAD"), ("can", "CAD"), ("cad", "CAD"), ("hk", "HKD"), ("hkd", "HKD"), ("nz", "NZD"),
    ("nzd", "NZD"), ("s", "SGD"), ("sg", "SGD"), ("sgd", "SGD"), ("nt", "TWD"), ("twd", "TWD"),
    ("r", "BRL"), ("mx", "MXN"), ("mex", "MXN"), ("mxn", "MXN"),
];

/// Currency symbols and the code each stands for (`¥` is decided by the text).
pub(super) fn currency_symbol(c: char) -> Option<&'static str> {
    Some(match c {
        '$' | '＄' => "USD",
        '€' => "EUR",
        '£' | '￡' => "GBP",
        '¥' | '￥' => "JPY",
        '₩' => "KRW",
        '₹' => "INR",
        '₡' => "CRC",
        '₾' => "GEL",
        '₭' => "LAK",
        '₿' => "BTC",
        '₽' => "RUB",
        '₺' => "TRY",
        '₱' => "PHP",
        '₫' => "VND",
        '₦' => "NGN",
        _ => return None,
    })
}

pub(super) fn dollar_prefix(letters: &str) -> Option<&'static str> {
    DOLLAR_PREFIXES
        .iter()
        .find(|(p, _)| *p == letters)
        .map(|(_, c)| *c)
}

/// A code or name before the number; `(unit, power of ten)` (`MUSD` → USD, 6).
pub(super) fn prefix_word(lower: &str) -> Option<(UnitDef, i32)> {
    let find = |w: &str| PREFIX_WORDS.iter().find(|(p, _)| *p == w).map(|(_, d)| *d);
    if let Some(d) = find(lower) {
        return Some((d, 0));
    }
    let rest = lower.strip_prefix('m').filter(|r| r.len() == 3)?;
    let d = find(rest).filter(|d| d.factor == 1.0)?;
    Some((d, 6))
}

/// Short unit words that are names when capitalized (`BP`, `MU`): read as units only
/// when written in lowercase.
pub(super) fn lowercase_only(lower: &str) -> bool {
    matches!(lower, "bp" | "mu")
}

/// A length unit with a power, `2`/`²` or `3`/`³`: `km2`, `m²`, `m3`, `m³`. The
/// single-letter `m` only in lowercase (`M2` is the money supply); `km`, `mi` any case.
pub(super) fn power_unit(letters: &[u8], power: u8) -> Option<UnitDef> {
    let is = |w: &str| letters.eq_ignore_ascii_case(w.as_bytes());
    Some(match power {
        2 if is("km") => u("km2", Kind::Area),
        2 if is("mi") => u("mi2", Kind::Area),
        2 if letters == b"m" => u("m2", Kind::Area),
        3 if letters == b"m" => u("m3", Kind::Volume),
        _ => return None,
    })
}

/// A code after the number with a leading `m` for million (`30 MUSD`, `120 MEUR`).
pub(super) fn million_code(lower: &str) -> Option<UnitDef> {
    let rest = lower.strip_prefix('m').filter(|r| r.len() == 3)?;
    let d = lookup_unit_phrase(rest)?;
    (d.kind == Kind::Money && d.factor == 1.0).then_some(d)
}

/// Unit phrases sharing a first word: the remaining words and the unit.
type Phrases = Vec<(Vec<&'static str>, UnitDef)>;

/// English unit phrases by their first word.
static EN_INDEX: LazyLock<FastMap<&'static str, Phrases>> = LazyLock::new(|| {
    let mut map: FastMap<&'static str, Phrases> = FastMap::default();
    for (phrase, def) in EN_UNITS {
        let mut words = phrase.split(' ');
        let first = words.next().unwrap_or_default();
        map.entry(first).or_default().push((words.collect(), *def));
    }
    for entries in map.values_mut() {
        // Longest phrase first.
        entries.sort_by_key(|(rest, _)| std::cmp::Reverse(rest.len()));
    }
    map
});

/// Candidate phrases starting with `first` (lowercase, dots removed): the remaining
/// words and the unit, longest first.
pub(super) fn unit_phrases(first: &str) -> Option<&'static [(Vec<&'static str>, UnitDef)]> {
    EN_INDEX.get(first).map(Vec::as_slice)
}

/// A one-word unit.
pub(super) fn lookup_unit_phrase(word: &str) -> Option<UnitDef> {
    unit_phrases(word)?
        .iter()
        .find(|(rest, _)| rest.is_empty())
        .map(|(_, d)| *d)
}

/// Scale words after a number: power of ten.
pub(super) fn scale_word(lower: &str) -> Option<i32> {
    Some(match lower {
        "hundred" => 2,
        "thousand" => 3,
        "lakh" | "lakhs" => 5,
        "million" | "mn" | "mln" => 6,
        "crore" | "crores" => 7,
        "billion" | "bn" | "bln" => 9,
        "trillion" | "tn" | "trn" => 12,
        _ => return None,
    })
}

/// Words that make a number a rate's denominator (`per kilogram`, `a share`).
pub(super) fn per_unit_word(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "kilogram" | "kilo" | "kg" => "kg",
        "ton" | "tonne" | "t" | "metric ton" => "t",
        "pound" | "lb" => "lb",
        "ounce" | "oz" => "oz",
        "gram" | "g" => "g",
        "barrel" | "bbl" => "bbl",
        "liter" | "litre" => "l",
        "gallon" => "gal",
        "kwh" | "kilowatt-hour" => "kWh",
        "mwh" | "megawatt-hour" => "MWh",
        "share" => "share",
        "capita" | "head" | "person" => "person",
        "unit" => "item",
        "dozen" => "dozen",
        "hour" => "hour",
        "day" => "day",
        "week" => "week",
        "month" => "month",
        "year" | "annum" | "yr" | "y" => "year",
        _ => return None,
    })
}

/// Adverbs that make a rate per time (`100 tons … annually`).
pub(super) fn per_time_adverb(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "annually" | "yearly" => "year",
        "monthly" => "month",
        "weekly" => "week",
        "daily" => "day",
        _ => return None,
    })
}

/// English number words (the scanner's word anchors).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum NumWord {
    /// zero … nineteen.
    Small(u8),
    /// twenty … ninety.
    Tens(u8),
    Hundred,
    /// thousand (3), million (6), billion (9), trillion (12).
    Big(i32),
    Dozen,
    Half,
    Quarter,
    /// third(s), fourth(s)… as the denominator of a fraction; `plural` for thirds.
    Ordinal {
        den: u8,
        plural: bool,
    },
    /// twice, thrice, double(d), triple(d), quadruple(d).
    Mult(u8),
    /// twofold, threefold…
    Fold(u8),
    /// halved, halving, halve: a multiplier of one half.
    Halved,
    /// percent, per (as in `per cent of twenty`).
    Percent,
    /// http, https, www: the start of a URL.
    Url,
}

#[rustfmt::skip]
const NUM_WORDS: &[(&str, NumWord)] = &[
    ("zero", NumWord::Small(0)), ("one", NumWord::Small(1)), ("two", NumWord::Small(2)),
    ("three", NumWord::Small(3)), ("four", NumWord::Small(4)), ("five", NumWord::Small(5)),
    ("six", NumWord::Small(6)), ("seven", NumWord::Small(7)), ("eight", NumWord::Small(8)),
    ("nine", NumWord::Small(9)), ("ten", NumWord::Small(10)), ("eleven", NumWord::Small(11)),
    ("twelve", NumWord::Small(12)), ("thirteen", NumWord::Small(13)),
    ("fourteen", NumWord::Small(14)), ("fifteen", NumWord::Small(15)),
    ("sixteen", NumWord::Small(16)), ("seventeen", NumWord::Small(17)),
    ("eighteen", NumWord::Small(18)), ("nineteen", NumWord::Small(19)),
    ("twenty", NumWord::Tens(20)), ("thirty", NumWord::Tens(30)), ("forty", NumWord::Tens(40)),
    ("fifty", NumWord::Tens(50)), ("sixty", NumWord::Tens(60)), ("seventy", NumWord::Tens(70)),
    ("eighty", NumWord::Tens(80)), ("ninety", NumWord::Tens(90)),
    ("hundred", NumWord::Hundred), ("thousand", NumWord::Big(3)), ("million", NumWord::Big(6)),
    ("billion", NumWord::Big(9)), ("trillion", NumWord::Big(12)),
    ("dozen", NumWord::Dozen), ("half", NumWord::Half), ("quarter", NumWord::Quarter),
    ("quarters", NumWord::Quarter),
    ("third", NumWord::Ordinal { den: 3, plural: false }),
    ("thirds", NumWord::Ordinal { den: 3, plural: true }),
    ("fourth", NumWord::Ordinal { den: 4, plural: false }),
    ("fourths", NumWord::Ordinal { den: 4, plural: true }),
    ("fifth", NumWord::Ordinal { den: 5, plural: false }),
    ("fifths", NumWord::Ordinal { den: 5, plural: true }),
    ("sixth", NumWord::Ordinal { den: 6, plural: false }),
    ("sixths", NumWord::Ordinal { den: 6, plural: true }),
    ("seventh", NumWord::Ordinal { den: 7, plural: false }),
    ("sevenths", NumWord::Ordinal { den: 7, plural: true }),
    ("eighth", NumWord::Ordinal { den: 8, plural: false }),
    ("eighths", NumWord::Ordinal { den: 8, plural: true }),
    ("ninth", NumWord::Ordinal { den: 9, plural: false }),
    ("ninths", NumWord::Ordinal { den: 9, plural: true }),
    ("tenth", NumWord::Ordinal { den: 10, plural: false }),
    ("tenths", NumWord::Ordinal { den: 10, plural: true }),
    ("twice", NumWord::Mult(2)), ("thrice", NumWord::Mult(3)),
    ("double", NumWord::Mult(2)), ("doubled", NumWord::Mult(2)), ("doubles", NumWord::Mult(2)),
    ("doubling", NumWord::Mult(2)), ("triple", NumWord::Mult(3)), ("tripled", NumWord::Mult(3)),
    ("triples", NumWord::Mult(3)), ("tripling", NumWord::Mult(3)),
    ("quadruple", NumWord::Mult(4)), ("quadrupled", NumWord::Mult(4)),
    ("twofold", NumWord::Fold(2)), ("threefold", NumWord::Fold(3)), ("fourfold", NumWord::Fold(4)),
    ("fivefold", NumWord::Fold(5)), ("sixfold", NumWord::Fold(6)), ("tenfold", NumWord::Fold(10)),
    ("hundredfold", NumWord::Fold(100)),
    ("halved", NumWord::Halved), ("halve", NumWord::Halved), ("halving", NumWord::Halved),
    ("percent", NumWord::Percent), ("percents", NumWord::Percent), ("per", NumWord::Percent),
    ("http", NumWord::Url), ("https", NumWord::Url), ("www", NumWord::Url),
];

/// Bitmask prefilter: for the first and last letter of a word, the lengths of number
/// words with those letters. Rejects almost every ordinary word with one table read.
static PREFILTER: [u16; 26 * 26] = prefilter();

const fn prefilter() -> [u16; 26 * 26] {
    let mut t = [0u16; 26 * 26];
    let mut k = 0;
    while k < NUM_WORDS.len() {
        let b = NUM_WORDS[k].0.as_bytes();
        let idx = (b[0] - b'a') as usize * 26 + (b[b.len() - 1] - b'a') as usize;
        t[idx] |= 1 << b.len();
        k += 1;
    }
    t
}

static NUM_WORD_INDEX: LazyLock<FastMap<&'static [u8], NumWord>> =
    LazyLock::new(|| NUM_WORDS.iter().map(|(w, n)| (w.as_bytes(), *n)).collect());

/// The number word `w` (ASCII letters, any case), if it is one.
#[inline]
pub(super) fn number_word(w: &[u8]) -> Option<NumWord> {
    let n = w.len();
    if !(3..=11).contains(&n) {
        return None;
    }
    let first = (w[0] | 0x20).wrapping_sub(b'a') as usize;
    let last = (w[n - 1] | 0x20).wrapping_sub(b'a') as usize;
    if first >= 26 || last >= 26 || PREFILTER[first * 26 + last] & (1 << n) == 0 {
        return None;
    }
    let mut buf = [0u8; 11];
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    NUM_WORD_INDEX.get(&buf[..n]).copied()
}

/// English month names and abbreviations (a number next to one is a date).
pub(super) fn is_month(lower: &str) -> bool {
    matches!(
        lower,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// Words before a bare number that make it a label, not a quantity (`Group 3`).
pub(super) fn is_label_word(lower: &str) -> bool {
    matches!(
        lower,
        "group"
            | "section"
            | "chapter"
            | "part"
            | "article"
            | "phase"
            | "round"
            | "item"
            | "table"
            | "figure"
            | "fig"
            | "stage"
            | "level"
            | "tier"
            | "no"
            | "number"
            | "type"
            | "model"
            | "series"
            | "version"
            | "page"
            | "paragraph"
            | "clause"
            | "step"
            | "option"
            | "class"
            | "grade"
            | "line"
            | "route"
            | "block"
            | "unit"
            | "vol"
            | "volume"
            | "issue"
            | "episode"
            | "season"
            | "act"
    )
}

/// Capitalized words before a bare number that do not make it a name (`In 2024`,
/// `About 20`, `All 70`).
pub(super) fn is_function_word(lower: &str) -> bool {
    matches!(
        lower,
        "the"
            | "a"
            | "an"
            | "in"
            | "on"
            | "at"
            | "by"
            | "for"
            | "from"
            | "to"
            | "with"
            | "of"
            | "and"
            | "or"
            | "but"
            | "all"
            | "some"
            | "only"
            | "just"
            | "its"
            | "their"
            | "these"
            | "those"
            | "each"
            | "every"
            | "another"
            | "about"
            | "over"
            | "under"
            | "nearly"
            | "around"
            | "almost"
            | "roughly"
            | "approximately"
            | "than"
            | "after"
            | "before"
            | "since"
            | "until"
            | "within"
            | "between"
            | "among"
            | "during"
            | "into"
            | "are"
            | "were"
            | "is"
            | "was"
            | "have"
            | "has"
            | "had"
            | "buy"
            | "sell"
            | "give"
            | "take"
            | "pay"
            | "costs"
            | "cost"
            | "earn"
            | "win"
            | "ranked"
            | "top"
            | "first"
            | "last"
            | "next"
            | "past"
            | "total"
            | "totalling"
            | "totaling"
            | "us"
            | "we"
            | "they"
            | "he"
            | "she"
            | "i"
            | "you"
            | "it"
    )
}

/// Whether `lower` is the last word of a qualifier phrase (a quick gate before
/// [`QUALIFIER_PHRASES`]).
pub(super) fn ends_qualifier(lower: &str) -> bool {
    matches!(
        lower,
        "about"
            | "around"
            | "roughly"
            | "nearly"
            | "near"
            | "approximately"
            | "almost"
            | "some"
            | "circa"
            | "estimated"
            | "approx"
            | "over"
            | "than"
            | "above"
            | "exceeding"
            | "of"
            | "under"
            | "below"
            | "least"
            | "most"
            | "to"
            | "as"
            | "within"
            | "at"
            | "from"
    )
}

/// Qualifier phrases before a figure, lowercase words in reading order; longest first
/// is not needed: the matcher tries every phrase and keeps the longest.
#[rustfmt::skip]
pub(super) static QUALIFIER_PHRASES: &[(&[&str], super::Qualifier)] = {
    use super::Qualifier::*;
    &[
        (&["about"], Approx), (&["around"], Approx), (&["roughly"], Approx), (&["nearly"], Approx),
        (&["near"], Approx), (&["approximately"], Approx), (&["almost"], Approx),
        (&["some"], Approx), (&["circa"], Approx), (&["estimated"], Approx),
        (&["close", "to"], Approx), (&["north", "of"], Over), (&["south", "of"], Under),
        (&["an", "estimated"], Approx), (&["approx"], Approx),
        (&["over"], Over), (&["more", "than"], Over), (&["above"], Over), (&["exceeding"], Over),
        (&["in", "excess", "of"], Over), (&["upwards", "of"], Over),
        (&["under"], Under), (&["less", "than"], Under), (&["fewer", "than"], Under),
        (&["below"], Under),
        (&["at", "least"], AtLeast), (&["no", "less", "than"], AtLeast),
        (&["starting", "at"], AtLeast), (&["starting", "from"], AtLeast),
        (&["no", "fewer", "than"], AtLeast), (&["a", "minimum", "of"], AtLeast),
        (&["at", "most"], AtMost), (&["no", "more", "than"], AtMost),
        (&["a", "maximum", "of"], AtMost), (&["within"], AtMost),
        (&["up", "to"], UpTo), (&["as", "much", "as"], UpTo), (&["as", "many", "as"], UpTo),
        (&["as", "high", "as"], UpTo),
    ]
};
