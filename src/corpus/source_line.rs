//! The `<publisher>· <YYYY-MM-DD HH:MM>` line under every title.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// The publishers in the export are in mainland China; their times are local (UTC+8).
/// `Asia/Shanghai` rather than a fixed `+08:00` because every reader we target (pyarrow,
/// pandas, polars, DuckDB, Spark) accepts an IANA zone, and polars rejects fixed offsets.
pub const PUBLISHER_TIME_ZONE: &str = "Asia/Shanghai";
const PUBLISHER_UTC_OFFSET_SECONDS: i64 = 8 * 3600;

/// U+00B7 MIDDLE DOT, the separator between publisher and time.
const SEPARATOR: char = '·';

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine<'a> {
    /// The publisher, as [`publisher_name`] cleans it.
    pub source: Cow<'a, str>,
    pub local_time: NaiveDateTime,
}

impl SourceLine<'_> {
    /// Microseconds since the Unix epoch, UTC.
    pub fn published_at_micros(&self) -> i64 {
        (self.local_time.and_utc().timestamp() - PUBLISHER_UTC_OFFSET_SECONDS) * 1_000_000
            + i64::from(self.local_time.and_utc().timestamp_subsec_micros())
    }
}

/// Whether a line has the shape of a source line, and if so whether it parses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified<'a> {
    /// Not a source line at all (a title or a summary).
    Other,
    Source(SourceLine<'a>),
    /// Looks like a source line (`something· 2025-…`) but does not parse; the string says
    /// what was expected and what was found.
    Malformed {
        expected: String,
        found: String,
    },
}

/// Recognises a source line by its shape: a short publisher, the middle dot, and a short
/// time-like tail with digits. Titles may contain a middle dot too (transliterated names
/// such as `唐纳德·特朗普`), which is why the tail must be short and carry a digit.
pub fn classify(line: &str) -> Classified<'_> {
    let Some(dot) = line.rfind(SEPARATOR) else {
        return Classified::Other;
    };
    let source = publisher_name(&line[..dot]);
    let tail = line[dot + SEPARATOR.len_utf8()..].trim();
    let tail_chars = tail.chars().count();
    if tail.is_empty()
        || tail_chars > 40
        || !tail.bytes().any(|b| b.is_ascii_digit())
        || tail.chars().any(is_cjk)
        || source.chars().count() > 80
    {
        return Classified::Other;
    }
    if source.is_empty() {
        return Classified::Malformed {
            expected: "a publisher name before '·'".into(),
            found: crate::diagnostics::excerpt(line, 80),
        };
    }
    match parse_local_time(tail) {
        Ok(local_time) => Classified::Source(SourceLine { source, local_time }),
        Err(why) => Classified::Malformed {
            expected: "a publication time 'YYYY-MM-DD HH:MM' after '·'".into(),
            found: format!("{} ({why})", crate::diagnostics::excerpt(tail, 40)),
        },
    }
}

/// The publisher's name without the characters a copy from a web page leaves in it
/// unseen (zero-width spaces and joiners, soft hyphens, byte-order marks, directional
/// marks and controls), and with each run of spaces (any kind) made one space. The name
/// groups the articles (`source_summary`, the site's publisher counts): `Guan
/// Cha\u{200B} Zhe Wang` is the same publisher as `Guan Cha Zhe Wang`, and nothing on a
/// page would tell the two apart.
pub fn publisher_name(raw: &str) -> Cow<'_, str> {
    let raw = raw.trim_matches(|c: char| c.is_whitespace() || unseen(c));
    let clean = !raw.chars().any(unseen)
        && !raw
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b' ' && w[1] == b' ')
        && !raw.chars().any(|c| c.is_whitespace() && c != ' ');
    if clean {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars().filter(|&c| !unseen(c)) {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A character that takes no room on screen: a format character (zero-width space,
/// non-joiner and joiner, word joiner, soft hyphen, byte-order mark, directional marks
/// and runs) or a control character other than whitespace.
fn unseen(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    ) || crate::text::is_bidi_control(c)
        || (c.is_control() && !c.is_whitespace())
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

/// `YYYY-MM-DD HH:MM`, optionally with `:SS`.
fn parse_local_time(s: &str) -> Result<NaiveDateTime, String> {
    let (date, time) = s
        .split_once(' ')
        .ok_or_else(|| "no space between date and time".to_string())?;
    let date_parts = split_numbers(date, '-', &[4, 2, 2])
        .ok_or_else(|| format!("date {date:?} is not YYYY-MM-DD"))?;
    let time = time.trim();
    let time_parts = split_numbers(time, ':', &[2, 2])
        .or_else(|| split_numbers(time, ':', &[2, 2, 2]))
        .ok_or_else(|| format!("time {time:?} is not HH:MM"))?;
    let (y, m, d) = (date_parts[0], date_parts[1], date_parts[2]);
    // News of this century or the last, where the publisher's zone has kept its offset:
    // before 1901 Shanghai's clocks ran on local mean time (UTC+8:05:43), and years such
    // as 0000 are beyond what pandas reads back from Parquet's timestamps.
    if !(1901..=2099).contains(&y) {
        return Err(format!("the year {y:04} is outside 1901–2099"));
    }
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)
        .ok_or_else(|| format!("{y:04}-{m:02}-{d:02} is not a calendar date"))?;
    let sec = time_parts.get(2).copied().unwrap_or(0);
    let time = NaiveTime::from_hms_opt(time_parts[0], time_parts[1], sec)
        .ok_or_else(|| format!("{time} is not a time of day"))?;
    Ok(date.and_time(time))
}

/// Splits `s` on `sep` into all-digit parts of exactly the given widths.
fn split_numbers(s: &str, sep: char, widths: &[usize]) -> Option<Vec<u32>> {
    let parts: Vec<&str> = s.split(sep).collect();
    if parts.len() != widths.len() {
        return None;
    }
    parts
        .iter()
        .zip(widths)
        .map(|(p, &w)| {
            (p.len() == w && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_romanised_and_chinese_publishers() {
        let Classified::Source(s) = classify("Guan Cha Zhe Wang· 2026-01-09 15:06") else {
            panic!()
        };
        assert_eq!(s.source, "Guan Cha Zhe Wang");
        assert_eq!(s.local_time.to_string(), "2026-01-09 15:06:00");
        // 15:06 in UTC+8 is 07:06 UTC.
        assert_eq!(s.published_at_micros(), 1_767_942_360_000_000);
        let Classified::Source(s) = classify("日经中文网· 2025-10-24 03:11") else {
            panic!()
        };
        assert_eq!(s.source, "日经中文网");
        for (line, why) in [
            ("X· 0000-01-01 00:00", "the year 0000 is outside 1901–2099"),
            ("X· 1900-06-01 12:00", "the year 1900 is outside 1901–2099"),
            ("X· 2100-01-01 00:00", "the year 2100 is outside 1901–2099"),
        ] {
            let Classified::Malformed { found, .. } = classify(line) else {
                panic!("{line}")
            };
            assert!(found.ends_with(&format!("({why})")), "{found}");
        }
        assert!(matches!(
            classify("X· 1901-01-01 00:00"),
            Classified::Source(_)
        ));
    }

    /// The name groups a publisher's articles: characters a reader cannot see must not
    /// split one publisher into two.
    #[test]
    fn publisher_names_lose_what_cannot_be_seen() {
        for line in [
            "Guan Cha\u{200B} Zhe Wang· 2026-01-09 15:06",
            "\u{FEFF}Guan Cha Zhe Wang· 2026-01-09 15:06",
            "Guan  Cha\u{00A0}Zhe\tWang \u{200D}· 2026-01-09 15:06",
            "Guan Cha Zhe\u{00AD} Wang\u{202E}· 2026-01-09 15:06",
        ] {
            let Classified::Source(s) = classify(line) else {
                panic!("{line:?}")
            };
            assert_eq!(s.source, "Guan Cha Zhe Wang", "{line:?}");
        }
        let Classified::Source(s) = classify("日经\u{200B}中文网· 2025-10-24 03:11") else {
            panic!()
        };
        assert_eq!(s.source, "日经中文网");
        // A clean name is not copied.
        assert!(matches!(
            publisher_name(" 日经中文网 "),
            Cow::Borrowed("日经中文网")
        ));
        // Nothing left to name the publisher is no publisher.
        assert!(matches!(
            classify("\u{200B}· 2025-10-01 10:00"),
            Classified::Malformed { .. }
        ));
    }

    #[test]
    fn titles_with_a_middle_dot_are_not_source_lines() {
        assert_eq!(classify("唐纳德·特朗普再次发难"), Classified::Other);
        assert_eq!(
            classify("Plain summary text without a dot."),
            Classified::Other
        );
    }

    #[test]
    fn malformed_dates_are_reported() {
        match classify("Sou Hu Cai Jing· 2025-13-01 10:00") {
            Classified::Malformed { found, .. } => {
                assert!(
                    found.contains("2025-13-01 is not a calendar date"),
                    "{found}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify("Sou Hu Cai Jing· 2025/10/01 10:00"),
            Classified::Malformed { .. }
        ));
        assert!(matches!(
            classify("· 2025-10-01 10:00"),
            Classified::Malformed { .. }
        ));
    }
}
