//! Normalized values: money in US dollars (annual exchange rates of the figure's year,
//! see [`crate::reference::fx`]), mass in tonnes, area in hectares, length in metres,
//! volume in cubic metres, energy in MWh, power in MW, durations in days (a month is
//! 365.2425 / 12 days, a year 365.2425), percentages as the percent number (`pp` for
//! percentage points, basis points converted to `pp`). Rates convert their numerator,
//! and a mass denominator to tonnes (`$3,000 per kilogram` → 3,000,000 USD/t).

use super::{Figure, Kind};
use crate::reference::fx::{FxRate, FxTable};

/// A figure's value in a common unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Normalized {
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// The exchange rate used, for money.
    pub fx: Option<FxRate>,
}

/// (common unit, factor) for a unit code.
fn base(code: &str) -> Option<(&'static str, f64)> {
    Some(match code {
        "%" => ("%", 1.0),
        "pp" => ("pp", 1.0),
        "bp" => ("pp", 0.01),
        "t" => ("t", 1.0),
        "kt" => ("t", 1e3),
        "kg" => ("t", 1e-3),
        "g" => ("t", 1e-6),
        "lb" => ("t", 0.000_453_592_37),
        "oz" => ("t", 0.000_028_349_523_125),
        "ozt" => ("t", 0.000_031_103_476_8),
        "jin" => ("t", 0.0005),
        "ha" => ("ha", 1.0),
        "km2" => ("ha", 100.0),
        "m2" => ("ha", 1e-4),
        "mi2" => ("ha", 258.998_811_033_6),
        "acre" => ("ha", 0.404_685_642_24),
        "mu" => ("ha", 1.0 / 15.0),
        "km" => ("m", 1e3),
        "m" => ("m", 1.0),
        "cm" => ("m", 1e-2),
        "mm" => ("m", 1e-3),
        "nm" => ("m", 1e-9),
        "mi" => ("m", 1_609.344),
        "ft" => ("m", 0.3048),
        "in" => ("m", 0.0254),
        "l" => ("m3", 1e-3),
        "m3" => ("m3", 1.0),
        "bbl" => ("m3", 0.158_987_294_928),
        "gal" => ("m3", 0.003_785_411_784),
        "bcm" => ("m3", 1e9),
        "kWh" => ("MWh", 1e-3),
        "MWh" => ("MWh", 1.0),
        "GWh" => ("MWh", 1e3),
        "TWh" => ("MWh", 1e6),
        "kW" => ("MW", 1e-3),
        "MW" => ("MW", 1.0),
        "GW" => ("MW", 1e3),
        "TW" => ("MW", 1e6),
        "hour" => ("day", 1.0 / 24.0),
        "day" => ("day", 1.0),
        "week" => ("day", 7.0),
        "month" => ("day", 365.2425 / 12.0),
        "year" => ("day", 365.2425),
        "decade" => ("day", 3_652.425),
        "item" => ("item", 1.0),
        "x" => ("x", 1.0),
        "fraction" => ("fraction", 1.0),
        _ => return None,
    })
}

/// The figure in common units; `year` picks the exchange rate (money needs one).
pub fn normalize(f: &Figure, year: Option<i32>, fx: &FxTable) -> Option<Normalized> {
    let is_money = f.kind == Kind::Money
        || (f.kind == Kind::Rate && base(f.unit).is_none() && f.unit.len() == 3);
    let (unit, factor, rate) = if is_money {
        let rate = fx.usd_per_unit(f.unit, year?)?;
        ("USD", rate.usd_per_unit, Some(rate))
    } else {
        let (u, k) = base(f.unit)?;
        (u, k, None)
    };
    let (unit, factor) = match f.per_unit {
        None => (unit.to_string(), factor),
        Some(per) => {
            let (per_unit, per_factor) = match base(per) {
                Some(("t", k)) => ("t", k),
                _ => (per, 1.0),
            };
            (format!("{unit}/{per_unit}"), factor / per_factor)
        }
    };
    let scale = |v: f64| {
        let x = v * factor;
        // Keep exact decimal values exact where the factor is 1.
        if factor == 1.0 { v } else { x }
    };
    Some(Normalized {
        value: scale(f.value),
        value_max: f.value_max.map(scale),
        unit,
        fx: rate,
    })
}

#[cfg(test)]
mod tests {
    use super::super::extract;
    use super::*;

    fn norm(text: &str, year: i32) -> Vec<(f64, String)> {
        let fx = FxTable::parse(
            "currency,year,usd_per_unit\nAUD,2014,0.9\nAUD,2024,0.66\nJPY,2025,0.0067\n",
        )
        .unwrap();
        extract(text)
            .iter()
            .filter_map(|f| normalize(f, Some(year), &fx))
            .map(|n| (n.value, n.unit))
            .collect()
    }

    #[test]
    fn converts_to_common_units() {
        assert_eq!(norm("16 million tons", 2025), [(16e6, "t".into())]);
        assert_eq!(norm("6,000 meters", 2025), [(6000.0, "m".into())]);
        assert_eq!(norm("six months", 2025), [(365.2425 / 2.0, "day".into())]);
        assert_eq!(norm("over 80%", 2025), [(80.0, "%".into())]);
        assert_eq!(norm("10 km²", 2025), [(1000.0, "ha".into())]);
        assert_eq!(norm("10 m2", 2025), [(10.0 * 1e-4, "ha".into())]);
        assert_eq!(norm("50 m³", 2025), [(50.0, "m3".into())]);
        assert_eq!(norm("150 mu", 2025), [(150.0 / 15.0, "ha".into())]);
        assert_eq!(norm("30 bp", 2025), [(30.0 * 0.01, "pp".into())]);
        let money = norm("10 trillion yen", 2025);
        assert_eq!(money.len(), 1);
        assert!((money[0].0 - 6.7e10).abs() < 1.0, "{money:?}");
        assert_eq!(money[0].1, "USD");
        let rate = norm("$3,000 per kilogram", 2025);
        assert_eq!(rate, [(3_000_000.0, "USD/t".into())]);
        // No rate for an earlier year than any: no normalized value.
        assert_eq!(norm("AUD 5 billion", 2010), []);
        // A later year uses the latest earlier one.
        let aud = norm("AUD 1 billion", 2025);
        assert!((aud[0].0 - 0.66e9).abs() < 1.0);
    }
}
