//! Charts as inline SVG, drawn at build time: they need no JavaScript and no external
//! resources. Every text that goes into a chart is XML-escaped here, so the result can
//! be handed to templates as a safe string. Colours come from the page's CSS classes
//! (`chart`, `bar`, `axis`, `grid`, `range`, `dot`), so charts follow the light and dark
//! themes. Coordinates are printed with one decimal: output is deterministic.

use std::fmt::Write;

use minijinja::Value;

const WIDTH: f64 = 720.0;

/// One bar: its label, its value and what the tooltip says.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tooltip: String,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: f64, unit: &str) -> Bar {
        let label = label.into();
        let tooltip = format!("{label}: {} {unit}", number(value));
        Bar {
            label,
            value,
            tooltip,
        }
    }
}

/// One row of a range chart: several values of the same quantity, each with a tooltip
/// (for "sources disagree": the values different sources give for one statistic).
#[derive(Debug, Clone)]
pub struct RangeRow {
    pub label: String,
    pub points: Vec<(f64, String)>,
}

/// Escapes text for SVG (and HTML) content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let _ = xml_escape_into(&mut out, s);
    out
}

/// [`xml_escape`] written into `out`: the templates print most values this way, without
/// a string per value. Control characters other than whitespace become U+FFFD (in HTML
/// they are parse errors, and they have no business in a page), and directional runs
/// the text opens are closed at its end, so that corpus text cannot reverse what the page
/// prints after it.
pub fn xml_escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut from = 0;
    // Whether `s` holds a directional formatting character, found by the same scan: a
    // separate pass over every text for the rare one was a fiftieth of a site's render.
    let mut directional = false;
    while let Some(i) = next_escaped(bytes, from) {
        from = i + 1;
        let rep = match bytes[i] {
            LEAD_E2 => {
                directional |= crate::text::is_bidi_control_at(bytes, i);
                continue;
            }
            b'\t' | b'\n' | b'\r' => &s[i..=i],
            b if b < 0x20 || b == 0x7F => "\u{FFFD}",
            b => ESCAPES
                .iter()
                .find(|(e, _)| *e == b)
                .map_or("", |(_, rep)| rep),
        };
        // `i` is an ASCII byte's position, so both slices end on character boundaries.
        out.write_str(&s[start..i])?;
        out.write_str(rep)?;
        start = i + 1;
    }
    out.write_str(&s[start..])?;
    if directional {
        out.write_str(&crate::text::bidi_closers(s))?;
    }
    Ok(())
}

/// The first byte of every directional formatting character (U+202A–U+202E,
/// U+2066–U+2069), which [`next_escaped`] stops at too.
const LEAD_E2: u8 = 0xE2;

/// The bytes [`xml_escape_into`] replaces, and what it writes instead: the five that text
/// and quoted attributes need.
const ESCAPES: [(u8, &str); 5] = [
    (b'&', "&amp;"),
    (b'<', "&lt;"),
    (b'>', "&gt;"),
    (b'"', "&quot;"),
    (b'\'', "&#39;"),
];

/// Whether [`xml_escape_into`] looks at byte `b`: the five above, the ASCII control
/// characters, and the first byte of the directional formatting characters.
fn is_escaped(b: u8) -> bool {
    b < 0x20 || b == 0x7F || b == LEAD_E2 || ESCAPES.iter().any(|(e, _)| *e == b)
}

/// The position of the first byte at or after `from` that [`xml_escape_into`] looks at.
/// Sixteen bytes at a time where the processor compares them at once: almost every
/// byte a site prints goes through here (2.5 GB at 100k articles), and byte by byte the
/// search was a twentieth of the pages' CPU time.
fn next_escaped(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= bytes.len() {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        // SAFETY: SSE2, which these intrinsics need, is part of every x86_64 processor;
        // the unaligned load reads bytes i..i + 16, within `bytes` by the loop's condition.
        let found = unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().add(i).cast());
            // Bytes up to 0x1F are those equal to their minimum with 0x1F (unsigned).
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
            let delete = _mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(LEAD_E2 as i8)),
            );
            let any = ESCAPES
                .iter()
                .fold(_mm_or_si128(control, delete), |any, &(c, _)| {
                    _mm_or_si128(any, _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8)))
                });
            _mm_movemask_epi8(any)
        };
        if found != 0 {
            return Some(i + found.trailing_zeros() as usize);
        }
        i += 16;
    }
    bytes[i..]
        .iter()
        .position(|&b| is_escaped(b))
        .map(|p| i + p)
}

/// A coordinate or length, written as `{:.1}` writes it. Charts write a few of them per
/// bar or dot, tens of thousands of charts per site, and float formatting with a
/// precision (exact, digit by digit) was 2 % of the render's instructions. Below a
/// million, tenths are read off `v * 10` unless it lies near a tie, where the exact
/// value decides; those, and everything else, go through formatting.
struct Px(f64);

/// `a` (not negative) times `scale` (10 or 100), rounded as float formatting rounds the
/// exact value to that many decimals, when that is certain: below a million, `a * scale`
/// is within a millionth of its exact value, so unless it lies near a tie its rounding
/// is the exact value's. `None` near a tie, at a million or more, and for NaN: format.
pub fn scaled_unless_tie(a: f64, scale: f64) -> Option<u64> {
    let scaled = a * scale;
    ((0.0..1.0e6).contains(&a) && ((scaled - scaled.trunc()) - 0.5).abs() > 1e-4)
        .then(|| scaled.round() as u64)
}

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(t) = scaled_unless_tie(self.0.abs(), 10.0) {
            // `{:.1}` keeps the sign of negative values that round to zero (`-0.0`).
            let sign = if self.0.is_sign_negative() { "-" } else { "" };
            return write!(f, "{sign}{}.{}", t / 10, t % 10);
        }
        write!(f, "{:.1}", self.0)
    }
}

/// A number as a label: integers without decimals, others with up to two.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Round tick values from 0 (or below, for negative data) to at least `max`.
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    let (min, max) = (min.min(0.0), max.max(0.0));
    if max - min <= 0.0 {
        return vec![0.0, 1.0];
    }
    ticks_between(min, max, target)
}

/// Round tick values from at most `min` to at least `max`, not necessarily from zero:
/// a range chart zooms in on the values (80–100 for shares of 80% to 98%).
pub fn ticks_between(min: f64, max: f64, target: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max < min {
        return vec![0.0, 1.0];
    }
    if max == min {
        let pad = if min == 0.0 { 1.0 } else { min.abs() * 0.1 };
        return ticks_between(min - pad, max + pad, target);
    }
    let raw = (max - min) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (min / step).floor();
    let mut ticks = Vec::new();
    for i in 0..50 {
        let t = (start + i as f64) * step;
        ticks.push(t);
        if t >= max - step * 1e-9 {
            break;
        }
    }
    ticks
}

fn open(out: &mut String, id: &str, title: &str, desc: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">{}</desc>",
        xml_escape(title),
        xml_escape(desc)
    );
}

/// ` lang="zh"` for a label in Chinese (a publisher's name), so that a screen reader
/// reads it as such; nothing for English.
fn lang_attr(label: &str) -> &'static str {
    super::model::lang_attribute(super::model::lang_of(label))
}

/// Truncates a label to `max` characters, with an ellipsis.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// Vertical columns over an ordered axis (a timeline: one column per month). At most
/// about a dozen axis labels are printed; every column has a tooltip.
pub fn column_chart(id: &str, title: &str, desc: &str, bars: &[Bar]) -> Value {
    let (left, right, top, bottom) = (44.0, 8.0, 12.0, 28.0);
    let height = 220.0;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    // Counts get whole-number ticks (no "0.5 mentions").
    let whole = bars.iter().all(|b| b.value.fract() == 0.0);
    let target = if whole && max >= 1.0 {
        (max as usize).min(4)
    } else {
        4
    };
    let ticks = nice_ticks(0.0, max, target);
    let top_tick = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let y = |v: f64| top + plot_h - v / top_tick * plot_h;

    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    for t in &ticks {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            Px(left),
            Px(WIDTH - right),
            Px(y(*t)),
            Px(y(*t)),
            Px(left - 6.0),
            Px(y(*t) + 4.0),
            number(*t)
        );
    }
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let gap = (slot * 0.15).min(6.0);
    let label_every = (bars.len() as f64 / 12.0).ceil().max(1.0) as usize;
    for (i, b) in bars.iter().enumerate() {
        let x = left + i as f64 * slot;
        let h = (b.value.max(0.0) / top_tick * plot_h).max(0.0);
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">\
             <title>{}</title></rect>",
            Px(x + gap / 2.0),
            Px(top + plot_h - h),
            Px((slot - gap).max(0.5)),
            Px(h),
            xml_escape(&b.tooltip)
        );
        if i % label_every == 0 {
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                Px(x + slot / 2.0),
                Px(height - 8.0),
                xml_escape(&short(&b.label, 10))
            );
        }
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/></svg>",
        Px(left),
        Px(WIDTH - right),
        Px(top + plot_h),
        Px(top + plot_h)
    );
    Value::from_safe_string(out)
}

/// Horizontal bars, one row per item, labelled on the left and valued on the right
/// (top sources, top entities).
pub fn bar_chart(id: &str, title: &str, desc: &str, bars: &[Bar]) -> Value {
    let (label_w, value_w, row_h, top) = (200.0, 56.0, 24.0, 4.0);
    let height = top * 2.0 + row_h * bars.len().max(1) as f64;
    let plot_w = WIDTH - label_w - value_w;
    let max = bars
        .iter()
        .map(|b| b.value)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let w = (b.value.max(0.0) / max * plot_w).max(1.0);
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\"{}>{}</text>\
             <rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">\
             <title>{}</title></rect>\
             <text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
            Px(label_w - 8.0),
            Px(y + row_h * 0.68),
            lang_attr(&b.label),
            xml_escape(&short(&b.label, 26)),
            Px(label_w),
            Px(y + 3.0),
            Px(w),
            Px(row_h - 6.0),
            xml_escape(&b.tooltip),
            Px(label_w + w + 6.0),
            Px(y + row_h * 0.68),
            number(b.value)
        );
    }
    out.push_str("</svg>");
    Value::from_safe_string(out)
}

/// One row per quantity: a line from its lowest to its highest value and a dot per
/// value, on a shared axis (the values sources give for one statistic).
pub fn range_chart(id: &str, title: &str, desc: &str, rows: &[RangeRow], unit: &str) -> Value {
    let (label_w, right, row_h, top, axis_h) = (200.0, 16.0, 28.0, 6.0, 24.0);
    let height = top + row_h * rows.len().max(1) as f64 + axis_h;
    let plot_w = WIDTH - label_w - right;
    let values = rows.iter().flat_map(|r| r.points.iter().map(|p| p.0));
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let ticks = if lo.is_finite() {
        ticks_between(lo, hi, 4)
    } else {
        vec![0.0, 1.0]
    };
    let (t0, t1) = (
        ticks.first().copied().unwrap_or(0.0),
        ticks.last().copied().unwrap_or(1.0),
    );
    let span = (t1 - t0).max(f64::MIN_POSITIVE);
    let x = |v: f64| label_w + (v - t0) / span * plot_w;
    let axis_y = top + row_h * rows.len().max(1) as f64;

    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    for t in &ticks {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}{}</text>",
            Px(x(*t)),
            Px(x(*t)),
            Px(top),
            Px(axis_y),
            Px(x(*t)),
            Px(axis_y + 16.0),
            number(*t),
            xml_escape(unit)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h + row_h / 2.0;
        let finite: Vec<&(f64, String)> = r.points.iter().filter(|p| p.0.is_finite()).collect();
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\"{}>{}</text>",
            Px(label_w - 8.0),
            Px(y + 4.0),
            lang_attr(&r.label),
            xml_escape(&short(&r.label, 26))
        );
        let (rlo, rhi) = finite
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.0), hi.max(p.0))
            });
        if rlo.is_finite() {
            let _ = write!(
                out,
                "<line class=\"range\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>",
                Px(x(rlo)),
                Px(x(rhi)),
                Px(y),
                Px(y)
            );
        }
        for (v, tip) in finite {
            let _ = write!(
                out,
                "<circle class=\"dot\" cx=\"{}\" cy=\"{}\" r=\"5\"><title>{}</title></circle>",
                Px(x(*v)),
                Px(y),
                xml_escape(tip)
            );
        }
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/></svg>",
        Px(label_w),
        Px(WIDTH - right),
        Px(axis_y),
        Px(axis_y)
    );
    Value::from_safe_string(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Escaping as it reads, byte by byte.
    fn escaped_byte_by_byte(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                '\t' | '\n' | '\r' => c.to_string(),
                c if c.is_ascii_control() => "\u{FFFD}".to_string(),
                c => c.to_string(),
            })
            .chain([crate::text::bidi_closers(s)])
            .collect()
    }

    #[test]
    fn escaping_finds_every_special_character_wherever_it_falls() {
        // Each special character (and none) at every position of texts of 0 to 70 bytes,
        // so that it falls in every lane of a 16-byte block, in the tail after the last
        // block, and right after another; around it ASCII, Chinese (3 bytes a character)
        // and characters whose bytes are close to the special ones'.
        let fillers = ["a", "稀", "%", "=", ";", "\u{a2}", " ", "\u{9f}", "–"];
        for filler in fillers {
            for len in 0..70 {
                let base: Vec<&str> = (0..len).map(|_| filler).collect();
                let specials = [
                    "", "&", "<", ">", "\"", "'", "\u{1b}", "\0", "\u{7f}", "\n", "\u{202E}",
                    "\u{2067}", "\u{202C}", "\u{2069}", "’",
                ];
                for special in specials {
                    for at in 0..=len {
                        let mut parts = base.clone();
                        parts.insert(at, special);
                        parts.insert(at / 2, special);
                        let s: String = parts.concat();
                        assert_eq!(xml_escape(&s), escaped_byte_by_byte(&s), "{s:?}");
                    }
                }
            }
        }
        assert_eq!(
            xml_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        // Control characters show as U+FFFD, whitespace stays, open runs are closed.
        assert_eq!(xml_escape("a\u{1b}[2Jb\tc\n"), "a\u{FFFD}[2Jb\tc\n");
        assert_eq!(xml_escape("Src\u{202E} x"), "Src\u{202E} x\u{202C}");
    }

    #[test]
    fn coordinates_read_as_float_formatting_has_them() {
        // Ties and near-ties (x.x5), negative values near zero, the range's ends, NaN and
        // infinities, and a spread of others.
        let mut values = vec![0.05, 0.25, 12.25, 2.675, -0.04, -0.05, -0.0, 0.0, 0.049_999];
        values.extend([
            999_999.95,
            999_999.96,
            1.0e6,
            3.0e9,
            f64::NAN,
            f64::INFINITY,
        ]);
        let mut rng = crate::synth::Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..200_000 {
            values.push(rng.unit() * 1_200.0);
            values.push(((rng.next() % 10_000_000) as f64) / 100.0 + 0.05);
        }
        for v in values.iter().flat_map(|&v| [v, -v]) {
            assert_eq!(Px(v).to_string(), format!("{v:.1}"), "{v:?}");
        }
    }

    /// Every special character is replaced wherever it stands (first, last, next to
    /// another, among multi-byte characters) and nothing else changes.
    #[test]
    fn escaping_replaces_every_special_character() {
        let pieces = [
            "&", "<", ">", "\"", "'", "a", "稀土", " ", "é", "\u{1f}", "\u{202e}",
        ];
        let mut texts = vec![
            String::new(),
            "China's \"rare\" <earths> & more".to_string(),
        ];
        // Every string of up to four pieces.
        for n in 1..=4u32 {
            for k in 0..pieces.len().pow(n) {
                let (mut t, mut k) = (String::new(), k);
                for _ in 0..n {
                    t.push_str(pieces[k % pieces.len()]);
                    k /= pieces.len();
                }
                texts.push(t);
            }
        }
        for t in &texts {
            assert_eq!(xml_escape(t), escaped_byte_by_byte(t), "{t:?}");
        }
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ticks(0.0, 7.0, 4), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 4), [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(
            nice_ticks(80.0, 98.0, 5),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 0.0, 4), [0.0, 1.0]);
        assert_eq!(
            ticks_between(80.0, 98.0, 4),
            [80.0, 85.0, 90.0, 95.0, 100.0]
        );
        assert_eq!(ticks_between(90.0, 90.0, 4).first(), Some(&80.0));
        assert_eq!(ticks_between(0.0, 0.0, 4), [-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.50), "2.5");
    }

    #[test]
    fn charts_escape_their_text_and_are_deterministic() {
        let bars = vec![
            Bar::new("<script>alert(1)</script>", 3.0, "articles"),
            Bar::new("{{ 7*7 }}", 0.0, "articles"),
        ];
        for svg in [
            column_chart("c", "T <b>", "D", &bars),
            bar_chart("b", "T", "D & more", &bars),
            range_chart(
                "r",
                "T",
                "D",
                &[RangeRow {
                    label: "China's \"share\"".into(),
                    points: vec![
                        (90.0, "A <x>".into()),
                        (98.0, "B".into()),
                        (f64::NAN, "C".into()),
                    ],
                }],
                "%",
            ),
        ] {
            let s = svg.as_str().unwrap();
            assert!(svg.is_safe());
            assert!(
                !s.contains("<script>") && !s.contains("<b>") && !s.contains("<x>"),
                "{s}"
            );
            assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
            assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
        }
        let s = column_chart("c", "T", "D", &bars);
        assert!(
            s.as_str()
                .unwrap()
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;: 3 articles")
        );
        assert_eq!(s, column_chart("c", "T", "D", &bars));
        // An empty chart is still a valid picture.
        assert!(
            bar_chart("e", "T", "D", &[])
                .as_str()
                .unwrap()
                .ends_with("</svg>")
        );
    }
}
