//! The `<publisher>· <YYYY-MM-DD HH:MM>` line under every title.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// The publishers in the export are in mainland China; their times are local.
/// `Asia/Shanghai` rather than a fixed `+08:00` because every reader we target (pyarrow,
/// pandas, polars, DuckDB, Spark) accepts an IANA zone, and polars rejects fixed offsets.
/// gazette reads and shows the times by this zone's rules ([`publisher_offset_at`]), so
/// that a reader's `published_at` shows the time the export gave.
pub const PUBLISHER_TIME_ZONE: &str = "Asia/Shanghai";

const HOUR: i64 = 3600;

/// The summers in which `Asia/Shanghai` kept UTC+9 (the rest of 1901–2099 is UTC+8), as
/// the IANA time zone database gives them: start and end, seconds since the epoch, UTC.
const SUMMER_TIME: [(i64, i64); 14] = [
    (-1_600_675_200, -1_585_904_400), // 1919-04-12 16:00 – 1919-09-30 15:00 UTC
    (-933_667_200, -922_093_200),     // 1940-05-31 16:00 – 1940-10-12 15:00 UTC
    (-908_870_400, -888_829_200),     // 1941-03-14 16:00 – 1941-11-01 15:00 UTC
    (-881_049_600, -767_869_200),     // 1942-01-30 16:00 – 1945-09-01 15:00 UTC
    (-745_833_600, -733_827_600),     // 1946-05-14 16:00 – 1946-09-30 15:00 UTC
    (-716_889_600, -699_613_200),     // 1947-04-14 16:00 – 1947-10-31 15:00 UTC
    (-683_884_800, -670_669_200),     // 1948-04-30 16:00 – 1948-09-30 15:00 UTC
    (-652_348_800, -650_019_600),     // 1949-04-30 16:00 – 1949-05-27 15:00 UTC
    (515_527_200, 527_014_800),       // 1986-05-03 18:00 – 1986-09-13 17:00 UTC
    (545_162_400, 558_464_400),       // 1987-04-11 18:00 – 1987-09-12 17:00 UTC
    (577_216_800, 589_914_000),       // 1988-04-16 18:00 – 1988-09-10 17:00 UTC
    (608_666_400, 621_968_400),       // 1989-04-15 18:00 – 1989-09-16 17:00 UTC
    (640_116_000, 653_418_000),       // 1990-04-14 18:00 – 1990-09-15 17:00 UTC
    (671_565_600, 684_867_600),       // 1991-04-13 18:00 – 1991-09-14 17:00 UTC
];

/// The publishers' offset from UTC, in seconds, at the instant `utc_seconds`: UTC+8,
/// UTC+9 in the summers of [`SUMMER_TIME`].
pub fn publisher_offset_at(utc_seconds: i64) -> i64 {
    let summer = utc_seconds < SUMMER_TIME[SUMMER_TIME.len() - 1].1
        && SUMMER_TIME
            .iter()
            .any(|&(start, end)| (start..end).contains(&utc_seconds));
    if summer { 9 * HOUR } else { 8 * HOUR }
}

/// The offset at which the publishers' clocks showed `local`. An hour the clocks skipped
/// in spring reads at UTC+8, as if they had not moved yet; an hour they showed twice in
/// autumn reads as its first time, in summer time (`ambiguous="earliest"` in pandas and
/// polars).
fn publisher_offset_of_local(local: NaiveDateTime) -> i64 {
    // The wall clock as if it were UTC: summer time showed from an hour after its start
    // at UTC+8 (the skipped hour) to its end at UTC+9.
    let wall = local.and_utc().timestamp();
    let summer = SUMMER_TIME
        .iter()
        .any(|&(start, end)| (start + 9 * HOUR..end + 9 * HOUR).contains(&wall));
    if summer { 9 * HOUR } else { 8 * HOUR }
}

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
        let offset = publisher_offset_of_local(self.local_time);
        (self.local_time.and_utc().timestamp() - offset) * 1_000_000
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

/// The longest publisher name a source line has. Longer text before a `·` and a time is
/// a title far more often than a publisher (`…唐纳德·特朗普 2025-…`).
pub const MAX_PUBLISHER_CHARS: usize = 80;

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
    {
        return Classified::Other;
    }
    let source_chars = source.chars().count();
    if source_chars > MAX_PUBLISHER_CHARS {
        // A long line before a dot is a title (`…·特朗普 2025`), unless a whole time
        // follows: then it is a source line whose publisher is too long to be one.
        if parse_local_time(tail).is_err() {
            return Classified::Other;
        }
        return Classified::Malformed {
            expected: format!(
                "a publisher name of at most {MAX_PUBLISHER_CHARS} characters before '·'"
            ),
            found: format!(
                "a name of {source_chars} characters, {}",
                crate::diagnostics::excerpt(&source, 40)
            ),
        };
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
    // Almost every name keeps every character: one pass to see that, without a copy.
    let mut prev = '\0';
    let clean = raw.chars().all(|c| {
        let kept = !unseen(c) && !(c.is_whitespace() && (c != ' ' || prev == ' '));
        prev = c;
        kept
    });
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

    /// Times of the summers when Shanghai kept UTC+9 are read at UTC+9; the hour the
    /// clocks skipped at UTC+8, the hour they repeated as its first time.
    #[test]
    fn times_follow_the_zones_summer_time() {
        let instant = |line: &str| {
            let Classified::Source(s) = classify(line) else {
                panic!("{line}")
            };
            let micros = s.published_at_micros();
            let utc = chrono::DateTime::from_timestamp_micros(micros).unwrap();
            (
                utc.format("%Y-%m-%d %H:%M").to_string(),
                publisher_offset_at(micros / 1_000_000),
            )
        };
        for (local, utc, offset) in [
            ("2025-07-01 12:00", "2025-07-01 04:00", 8),
            ("1988-07-01 12:00", "1988-07-01 03:00", 9),
            ("1988-04-17 01:59", "1988-04-16 17:59", 8),
            // 02:00–02:59 on 1988-04-17 never showed; read at UTC+8, it is summer time.
            ("1988-04-17 02:30", "1988-04-16 18:30", 9),
            ("1988-04-17 03:00", "1988-04-16 18:00", 9),
            // 01:00–01:59 on 1988-09-11 showed twice; the first time, in summer time.
            ("1988-09-11 01:30", "1988-09-10 16:30", 9),
            ("1988-09-11 02:00", "1988-09-10 18:00", 8),
            ("1945-08-15 12:00", "1945-08-15 03:00", 9),
            ("1991-09-15 12:00", "1991-09-15 04:00", 8),
            ("1901-01-01 00:00", "1900-12-31 16:00", 8),
        ] {
            assert_eq!(
                instant(&format!("X· {local}")),
                (utc.to_string(), offset * 3600),
                "{local}"
            );
        }
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

    /// A publisher longer than the limit, before a whole time, is a source line in error
    /// (saying so, at its own line); a long text before a dot and a number is a title.
    #[test]
    fn a_publisher_too_long_is_reported() {
        let long = "Guan Cha Zhe Wang International Edition ".repeat(3);
        match classify(&format!("{long}· 2025-10-01 10:00")) {
            Classified::Malformed { expected, found } => {
                assert_eq!(
                    expected,
                    "a publisher name of at most 80 characters before '·'"
                );
                assert!(
                    found.starts_with("a name of 119 characters, \"Guan"),
                    "{found}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(classify(&format!("{long}· 2025")), Classified::Other);
        let at_limit = "G".repeat(MAX_PUBLISHER_CHARS);
        assert!(matches!(
            classify(&format!("{at_limit}· 2025-10-01 10:00")),
            Classified::Source(_)
        ));
    }
}
