//! After the scan: ranges written with `between … and …`, changes (`from X to Y`, with a
//! delta before `from`), and years attached to figures (`in 2014`).

use super::lexicon::{is_month, scale_word};
use super::scan::Lower;
use super::text::{Text, is_space};
use super::{Figure, Kind, Qualifier, Role};

pub(super) fn finish(t: &Text<'_>, mut figs: Vec<Figure>) -> Vec<Figure> {
    if figs
        .windows(2)
        .any(|w| (w[1].start, w[1].end) < (w[0].start, w[0].end))
    {
        figs.sort_by_key(|f| (f.start, f.end));
    }
    figs.dedup_by(|b, a| b.start < a.end); // drop overlaps, keeping the first
    between_ranges(t, &mut figs);
    for f in figs.iter_mut() {
        f.as_of_year = as_of_year(t, f.end).0;
    }
    changes(t, &mut figs);
    periods_after_amounts(t, &mut figs);
    figs
}

/// `$5 billion over five years`, `100,000 tonnes of lithium over five years`: `over`
/// right after an amount, or after a phrase of `of`, `in` or `to` that completes it,
/// spreads the amount across the period. Elsewhere it makes the period longer: `for
/// over five years`, `400 engineers with over five years of experience`, `has operated
/// over ten years`.
fn periods_after_amounts(t: &Text<'_>, figs: &mut [Figure]) {
    const LONGER: &[&str] = &[
        "for", "after", "since", "than", "in", "within", "of", "about", "around", "with", "aged",
        "ago", "been", "is", "was", "be",
    ];
    for i in 1..figs.len() {
        let (before, f) = (&figs[i - 1], &figs[i]);
        if f.kind != Kind::Duration
            || f.qualifier != Qualifier::Over
            || matches!(before.kind, Kind::Duration)
        {
            continue;
        }
        let Some(over) = word_just_before(t, f.start).filter(|&w| t.eq_ic(w, "over")) else {
            continue;
        };
        // What stands between the amount and `over`: words and at most one comma.
        let gap = &t.s[before.end..over.0];
        let words: Vec<&str> = gap.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        let plain = gap
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == ',' || c == '-')
            && gap.matches(',').count() <= 1;
        // `in over two years` is more than two years: a preposition needs its object
        let completes = words.is_empty()
            || (words.len() > 1
                && matches!(words[0].to_ascii_lowercase().as_str(), "of" | "in" | "to"));
        // `companies over five years old`
        let old = t.word_after(f.end).is_some_and(|w| t.eq_ic(w, "old"));
        let last_longer = words.len() > 1
            && words
                .last()
                .is_some_and(|w| LONGER.contains(&w.to_ascii_lowercase().as_str()));
        if plain && completes && !old && words.len() <= 5 && !last_longer {
            figs[i].qualifier = Qualifier::Exact;
        }
    }
}

fn only_spaces(t: &Text<'_>, a: usize, b: usize) -> bool {
    a <= b && t.b[a..b].iter().all(|&c| is_space(c))
}

/// The word right before `s` (only spaces between).
fn word_just_before(t: &Text<'_>, s: usize) -> Option<(usize, usize)> {
    let w = t.word_before(s, 0)?;
    only_spaces(t, w.1, s).then_some(w)
}

/// `between $2 billion and $3 billion`, `ranging from 5% to 8%`: one range.
fn between_ranges(t: &Text<'_>, figs: &mut Vec<Figure>) {
    let mut i = 0;
    while i + 1 < figs.len() {
        let (a, b) = (&figs[i], &figs[i + 1]);
        if a.value_max.is_none() && b.value_max.is_none() {
            let opener = word_just_before(t, a.start);
            let joiner = t.word_after(a.end);
            let is_between = opener.is_some_and(|w| t.eq_ic(w, "between"))
                && joiner.is_some_and(|w| t.eq_ic(w, "and") && only_spaces(t, w.1, b.start));
            let is_ranging = opener.is_some_and(|w| t.eq_ic(w, "from"))
                && word_just_before(t, opener.map_or(0, |w| w.0)).is_some_and(|w| {
                    Lower::new(&t.b[w.0..w.1]).is_some_and(|l| {
                        matches!(
                            l.as_str(),
                            "ranging" | "ranges" | "range" | "ranged" | "varying" | "varied"
                        )
                    })
                })
                && joiner.is_some_and(|w| t.eq_ic(w, "to") && only_spaces(t, w.1, b.start));
            // `between 1 and 2 million tonnes`: the unit and scale written once, after
            // the second number, are the first's too.
            let mut lo = a.clone();
            if lo.unit == "item" && b.unit != "item" {
                (lo.unit, lo.kind) = (b.unit, b.kind);
            }
            carry_scale(t, &mut lo, b);
            // `from $500 to $700 per tonne`: the denominator is both ends'
            if lo.per_unit.is_none() && b.per_unit.is_some() && lo.unit == b.unit {
                (lo.per_unit, lo.kind) = (b.per_unit, b.kind);
            }
            if (is_between || is_ranging)
                && lo.unit == b.unit
                && lo.kind == b.kind
                && b.value >= lo.value
            {
                let b = figs.remove(i + 1);
                lo.value_max = Some(b.value);
                lo.end = b.end;
                lo.per_unit = lo.per_unit.or(b.per_unit);
                figs[i] = lo;
            }
        }
        i += 1;
    }
}

/// The scale written in a figure's surface (`1.5 million tons` → 6, `$1.5bn` → 9,
/// `two hundred` → 2); 0 when there is none.
fn written_scale(t: &Text<'_>, f: &Figure) -> i32 {
    let s = &t.b[f.start..f.end];
    let mut exp = 0;
    let mut i = 0;
    while i < s.len() {
        let st = i;
        while i < s.len() && s[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i > st {
            exp += Lower::new(&s[st..i])
                .and_then(|l| scale_word(l.as_str()))
                .unwrap_or(0);
        } else {
            i += 1;
        }
    }
    exp
}

/// `from 1.2 to 1.5 million tonnes`, `between $1.2 and $1.5 billion`: a scale written
/// once, after the second number, is the first's too, when the first has none of its
/// own and, scaled, is of a size with the second (within a factor of 100: `from 800 to
/// 1.5 million` is eight hundred).
fn carry_scale(t: &Text<'_>, a: &mut Figure, b: &Figure) {
    let exp = written_scale(t, b);
    if exp == 0 || written_scale(t, a) != 0 || a.unit != b.unit || b.value == 0.0 {
        return;
    }
    let factor = 10f64.powi(exp);
    let ratio = (a.value * factor / b.value).abs();
    if (0.01..=100.0).contains(&ratio) {
        a.value *= factor;
        a.value_max = a.value_max.map(|m| m * factor);
    }
}

/// A year right after a figure: `in 2014`, `as of 2024`, `in October 2008`. Returns it
/// and where the phrase ends (the figure's end when there is none).
fn as_of_year(t: &Text<'_>, e: usize) -> (Option<i32>, usize) {
    let b = t.b;
    let Some(w) = t.word_after(e) else {
        return (None, e);
    };
    if !only_spaces(t, e, w.0) {
        return (None, e);
    }
    let mut k = if t.eq_ic(w, "in") || t.eq_ic(w, "by") || t.eq_ic(w, "during") {
        w.1
    } else if t.eq_ic(w, "as") {
        match t.word_after(w.1) {
            Some(of) if t.eq_ic(of, "of") => of.1,
            _ => return (None, e),
        }
    } else {
        return (None, e);
    };
    // an optional month
    if let Some(m) = t.word_after(k)
        && Lower::new(&b[m.0..m.1]).is_some_and(|l| is_month(l.as_str()))
    {
        k = m.1;
        if b.get(k) == Some(&b'.') {
            k += 1;
        }
    }
    let y = t.skip_ws(k);
    if y + 4 <= b.len()
        && b[y..y + 4].iter().all(u8::is_ascii_digit)
        && !b.get(y + 4).is_some_and(|c| c.is_ascii_alphanumeric())
    {
        let year: i32 = std::str::from_utf8(&b[y..y + 4])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if (1800..=2100).contains(&year) {
            return (Some(year), y + 4);
        }
    }
    (None, e)
}

/// `from X to Y` (and a delta right before `from`): a change.
fn changes(t: &Text<'_>, figs: &mut [Figure]) {
    let mut next_id = 0u32;
    for i in 0..figs.len().saturating_sub(1) {
        let (a, b) = (&figs[i], &figs[i + 1]);
        if a.change.is_some() {
            continue;
        }
        let Some(from) = word_just_before(t, a.start) else {
            continue;
        };
        // a qualifier may stand between `from` and the figure; keep it simple
        if !t.eq_ic(from, "from") {
            continue;
        }
        let tail = as_of_year(t, a.end).1;
        let Some(to) = t.word_after(tail) else {
            continue;
        };
        if !t.eq_ic(to, "to") || !only_spaces(t, tail, to.0) || !only_spaces(t, to.1, b.start) {
            continue;
        }
        let compatible = a.unit == b.unit || a.unit == "item" || b.unit == "item";
        if !compatible {
            continue;
        }
        let id = next_id;
        next_id += 1;
        // a bare `from 5 to 10 years` takes the unit of the other end
        if a.unit == "item" && b.unit != "item" {
            let (unit, kind) = (b.unit, b.kind);
            figs[i].unit = unit;
            figs[i].kind = kind;
        }
        // and `from 1.2 to 1.5 million tonnes` its scale
        let (head, tail) = figs.split_at_mut(i + 1);
        carry_scale(t, &mut head[i], &tail[0]);
        // `from $50 to $40 per barrel`: the denominator applies to both ends
        if figs[i].per_unit.is_none()
            && figs[i + 1].per_unit.is_some()
            && figs[i].unit == figs[i + 1].unit
        {
            figs[i].per_unit = figs[i + 1].per_unit;
            figs[i].kind = figs[i + 1].kind;
        }
        figs[i].change = Some((id, Role::From));
        figs[i + 1].change = Some((id, Role::To));
        if i > 0 && figs[i - 1].change.is_none() {
            let d = &figs[i - 1];
            let between_ok = only_spaces(t, d.end, from.0)
                || t.word_after(d.end).is_some_and(|w| {
                    (t.eq_ic(w, "by") || t.eq_ic(w, "of")) && only_spaces(t, w.1, from.0)
                });
            if between_ok {
                figs[i - 1].change = Some((id, Role::Delta));
            }
        }
    }
}
