//! The structure inside one summary line: a core section, headed sections, bullets and
//! citation markers.
//!
//! A summary is a single line in which everything is separated by ` - `:
//!
//! ```text
//! Core Viewpoint - claim [1][4]. Group 1: Heading - claim [2]. - claim [3] Agreement Details - …
//! ```
//!
//! The same ` - ` also appears inside sentences as a dash, and a heading runs straight on
//! after the previous bullet's citations. So the parser splits on every ` - ` and then
//! decides, delimiter by delimiter, whether it starts a bullet, starts a section, or is a
//! dash to be kept: a bullet never starts lowercase, and a bullet only ends after citation
//! markers or a sentence terminator that is not part of an abbreviation such as `U.S.`.

use std::borrow::Cow;
use std::ops::Range;

use crate::text::CharIndex;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// `Core Viewpoint`, `Core Points`, `Core Insights`… when the summary opens with one.
    pub core_label: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    /// 0 for the core section; headed sections are numbered 1, 2, … in order.
    pub ordinal: u32,
    /// `Group 2`, `Agreement Details`, or the core label.
    pub label: String,
    /// The text after `Group N:`; `None` for `Group N -`, bare headings and the core.
    pub heading: Option<String>,
    pub is_core: bool,
    pub bullets: Vec<Bullet>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bullet {
    /// The claim without its citation markers.
    pub text: String,
    /// Paragraph numbers cited, in the order written.
    pub citations: Vec<u32>,
    /// Span of the bullet as written (markers included) in the summary, in characters.
    pub char_start: u32,
    pub char_end: u32,
}

impl Summary {
    pub fn n_claims(&self) -> usize {
        self.sections.iter().map(|s| s.bullets.len()).sum()
    }
}

/// Why a summary could not be read; the caller adds file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureError {
    pub expected: String,
    pub found: String,
}

const DELIMITER: &str = " - ";

/// The longest claim gazette reads, in characters. The shipped corpus's longest has 306,
/// a synthetic corpus of 100k articles' 230: a bullet ten times that is a broken export
/// (summaries run together, a table pasted in), and what is found in it multiplies with
/// its length (every figure of the ledger carries its claim's text; at 400 KB a claim
/// with 15,000 figures made 6 GB of it).
pub const MAX_CLAIM_CHARS: usize = 2_000;

/// A heading recognised at the start of a summary or at the end of a bullet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heading {
    label: String,
    heading: Option<String>,
    is_core: bool,
}

/// The sections and claims of a summary line. Citation markers may be written in
/// full-width brackets (`［1］［4］`, `［２，３］`), as a Chinese interface may export them;
/// they are read as the ASCII ones.
pub fn parse(summary: &str) -> Result<Summary, StructureError> {
    parse_ascii_markers(&ascii_citation_markers(summary), summary)
}

/// `summary` with each full-width citation marker written in ASCII (`［1］［２，３］` as
/// `[1][2,3]`), one character for one: the bullets' spans, counted in characters, are
/// then those of the line as written. A full-width bracket around anything that is not
/// a citation (`［注］`, `［0］`) stays as it is, text.
fn ascii_citation_markers(summary: &str) -> Cow<'_, str> {
    const OPEN: char = '［';
    const CLOSE: char = '］';
    if !summary.contains(OPEN) {
        return Cow::Borrowed(summary);
    }
    let mut out = String::with_capacity(summary.len());
    let mut rest = summary;
    while let Some(open) = rest.find(OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + OPEN.len_utf8()..];
        // The closing bracket is looked for only as far as a marker can reach, so that a
        // line of opening brackets without closing ones is read in linear time.
        let mut reach = after.len().min(MARKER_BYTES);
        while !after.is_char_boundary(reach) {
            reach -= 1;
        }
        let marker = after[..reach].find(CLOSE).and_then(|close| {
            let inner: String = after[..close]
                .chars()
                .map(ascii_in_marker)
                .collect::<Option<_>>()?;
            let marker = format!("[{inner}]");
            parse_citation_group(&marker).map(|_| (marker, close))
        });
        match marker {
            Some((marker, close)) => {
                out.push_str(&marker);
                rest = &after[close + CLOSE.len_utf8()..];
            }
            None => {
                out.push(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The most bytes between a full-width citation marker's brackets: twenty full-width
/// characters (`１，２，３…`) and some.
const MARKER_BYTES: usize = 96;

/// The ASCII character a citation marker's full-width character stands for (itself if
/// ASCII already), or `None` for a character no citation holds.
fn ascii_in_marker(c: char) -> Option<char> {
    match c {
        '0'..='9' | ',' | ' ' | '-' | '–' => Some(c),
        '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10),
        '，' | '、' => Some(','),
        '\u{3000}' => Some(' '),
        '－' => Some('-'),
        _ => None,
    }
}

/// Parses `summary`, the line `original` with its citation markers in ASCII; errors
/// quote `original`.
fn parse_ascii_markers(summary: &str, original: &str) -> Result<Summary, StructureError> {
    let summary_trimmed = summary.trim();
    if summary_trimmed.is_empty() {
        return Err(StructureError {
            expected: "a summary".into(),
            found: "an empty line".into(),
        });
    }
    let segments = split_segments(summary);
    let first = segments[0].clone();
    let opening = parse_heading(summary[first.clone()].trim()).filter(|_| segments.len() > 1);
    let Some(opening) = opening else {
        return Err(StructureError {
            expected: "the summary to open with a core label ('Core Viewpoint - '), \
                       'Group 1 - ' or a section heading followed by ' - '"
                .into(),
            found: crate::diagnostics::excerpt(original.trim(), 60),
        });
    };

    let mut builder = Builder::new(summary, original);
    builder.open_section(opening);
    // The bullet being accumulated, as a byte range into `summary`.
    let mut current: Option<Range<usize>> = None;
    for seg in segments.into_iter().skip(1) {
        if builder.error.is_some() {
            break;
        }
        // A bullet past the limit in bytes is past it in characters: reject it now, before
        // looking for its end in ever longer text.
        if current
            .as_ref()
            .is_some_and(|cur| cur.len() > 4 * MAX_CLAIM_CHARS)
        {
            break;
        }
        let text = &summary[seg.clone()];
        let Some(first_char) = text.trim_start().chars().next() else {
            continue; // ` -  - `: nothing between two delimiters
        };
        let Some(cur) = current.clone() else {
            current = Some(seg);
            continue;
        };
        if ends_in_cut_marker(&summary[cur.clone()]) {
            // A marker cut short where the bullet ends (`[4 - Next claim`): read on into
            // the next segment, its number would be lost and two claims run together.
            // As the bullet it is, it is reported.
            builder.push_bullet(cur);
            current = None;
            continue;
        }
        if first_char.is_lowercase() {
            // A dash inside a sentence: keep it in the bullet.
            current = Some(cur.start..seg.end);
            continue;
        }
        if builder.push_headed(cur.clone()) {
            current = Some(seg);
        } else if ends_bullet(&summary[cur.clone()]) {
            builder.push_bullet(cur);
            current = Some(seg);
        } else {
            current = Some(cur.start..seg.end);
        }
    }
    // A heading at the very end heads no claims (reported), and is not the last claim's
    // words.
    if let Some(cur) = current
        && !builder.push_headed(cur.clone())
    {
        builder.push_bullet(cur);
    }
    builder.finish()
}

/// The text of `range`, a byte range of `parsed` (the line `original` with its
/// citation markers in ASCII), as `original` writes it: the markers are rewritten one
/// character for one, so the same characters of `original` are the text as written.
fn as_written<'a>(
    parsed: &str,
    original: &'a str,
    chars: &mut CharIndex,
    range: Range<usize>,
) -> &'a str {
    if std::ptr::eq(parsed, original) {
        return &original[range];
    }
    let (start, end) = (chars.char_of(range.start), chars.char_of(range.end));
    let byte = |n| {
        original
            .char_indices()
            .nth(n)
            .map_or(original.len(), |(b, _)| b)
    };
    &original[byte(start)..byte(end)]
}

/// Byte ranges between ` - ` delimiters.
fn split_segments(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for pos in memchr::memmem::find_iter(s.as_bytes(), DELIMITER) {
        if pos < start {
            continue; // overlapping match in ` - - `
        }
        out.push(start..pos);
        start = pos + DELIMITER.len();
    }
    out.push(start..s.len());
    out
}

struct Builder<'a> {
    summary: &'a str,
    /// The line as written, which errors quote (`summary` has its markers in ASCII).
    original: &'a str,
    chars: CharIndex<'a>,
    out: Summary,
    next_ordinal: u32,
    /// The first bullet that cannot be a claim; the summary is then rejected.
    error: Option<StructureError>,
}

impl<'a> Builder<'a> {
    fn new(summary: &'a str, original: &'a str) -> Self {
        Builder {
            summary,
            original,
            chars: CharIndex::new(summary),
            out: Summary {
                core_label: None,
                sections: Vec::new(),
            },
            next_ordinal: 1,
            error: None,
        }
    }

    fn open_section(&mut self, h: Heading) {
        if let Some(last) = self.out.sections.last()
            && last.bullets.is_empty()
        {
            let found = format!(
                "the heading {} right after it",
                quote_heading(&h.label, h.heading.as_deref())
            );
            self.reject_empty(found);
        }
        let ordinal = if h.is_core && self.out.sections.is_empty() {
            self.out.core_label = Some(h.label.clone());
            0
        } else {
            self.next_ordinal += 1;
            self.next_ordinal - 1
        };
        self.out.sections.push(Section {
            ordinal,
            label: h.label,
            heading: h.heading,
            is_core: ordinal == 0,
            bullets: Vec::new(),
        });
    }

    fn push_bullet(&mut self, range: Range<usize>) {
        let raw = &self.summary[range.clone()];
        let lead = raw.len() - raw.trim_start().len();
        // A bullet of only spaces (two headings in a row) trims to nothing: its leading
        // and trailing spaces are the same ones.
        let end = range.start + raw.trim_end().len();
        let range = (range.start + lead).min(end)..end;
        if self.error.is_some() {
            return;
        }
        let written = &self.summary[range.clone()];
        let excerpt = |s: &str| crate::diagnostics::excerpt(s, 60);
        // The bullet as the line wrote it, for an error to quote (found only when one
        // is reported: it moves the cursor that the claim's span reads).
        let (summary, original, chars) = (self.summary, self.original, &mut self.chars);
        let mut quoted = || excerpt(as_written(summary, original, chars, range.clone()));
        let mut reject = |expected: String, found: String| {
            self.error.get_or_insert(StructureError { expected, found });
        };
        if let Some(n) = crate::text::chars_beyond(written, MAX_CLAIM_CHARS) {
            return reject(
                format!("claims of at most {MAX_CLAIM_CHARS} characters"),
                format!("a claim of {n} characters, {}", quoted()),
            );
        }
        let (text, citations) = match strip_citations(written) {
            Ok(stripped) => stripped,
            Err(marker) => {
                return reject(
                    "citation markers of paragraph numbers from 1 to 999 \
                     ('[1]', '[2, 4]', '[2-4]')"
                        .into(),
                    format!("{} in {}", excerpt(&marker), quoted()),
                );
            }
        };
        // Punctuation alone (`. [1]`) is no claim either.
        if !text.chars().any(char::is_alphanumeric) {
            if !citations.is_empty() {
                reject(
                    "a claim's text before its citation markers".into(),
                    format!("only {}", quoted()),
                );
            } else if !text.is_empty() {
                reject("a claim's text".into(), format!("only {}", quoted()));
            }
            return;
        }
        let bullet = Bullet {
            text,
            citations,
            char_start: self.chars.char_of(range.start) as u32,
            char_end: self.chars.char_of(range.end) as u32,
        };
        self.out
            .sections
            .last_mut()
            .expect("a section is opened before any bullet")
            .bullets
            .push(bullet);
    }

    /// If the bullet in `range` ends with the next section's heading, pushes the bullet
    /// before it and opens that section: `true`.
    fn push_headed(&mut self, range: Range<usize>) -> bool {
        let Some((bullet_end, heading)) = trailing_heading(self.summary, range.clone()) else {
            return false;
        };
        if bullet_end > range.start {
            self.push_bullet(range.start..bullet_end);
        }
        self.open_section(heading);
        true
    }

    /// A section that ends with no claims: an export cut short after its heading, or
    /// two headings in a row. Its label would be in no table.
    fn reject_empty(&mut self, found: String) {
        let last = self.out.sections.last().expect("a section to check");
        let expected = format!(
            "claims under the heading {}",
            quote_heading(&last.label, last.heading.as_deref())
        );
        self.error.get_or_insert(StructureError { expected, found });
    }

    fn finish(mut self) -> Result<Summary, StructureError> {
        if self
            .out
            .sections
            .last()
            .is_some_and(|s| s.bullets.is_empty())
        {
            self.reject_empty("the end of the summary".into());
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.out),
        }
    }
}

/// A section's heading as an error quotes it: `"Group 2: Outlook"`.
fn quote_heading(label: &str, heading: Option<&str>) -> String {
    let text = match heading {
        Some(h) => format!("{label}: {h}"),
        None => label.to_string(),
    };
    crate::diagnostics::excerpt(&text, 60)
}

/// Whether `text` ends in a `[` left open whose rest reads as a citation (`[4`, `[1-`,
/// `[`): a marker cut short.
fn ends_in_cut_marker(text: &str) -> bool {
    let t = text.trim_end();
    t.rfind('[')
        .is_some_and(|open| unclosed_marker(&t[open..]).is_some())
}

/// What may end a sentence after a marker cut short (`[3.`).
const SENTENCE_STOPS: &[char] = &['.', '!', '?', ';'];

/// If the bullet in `range` ends with a heading for the next section, returns where the
/// bullet proper ends and the heading.
fn trailing_heading(summary: &str, range: Range<usize>) -> Option<(usize, Heading)> {
    let text = &summary[range.clone()];
    // `Group N[: heading]` is unmistakable, so it is recognised even after a bullet that
    // has neither citations nor a final period.
    let mut search_end = text.len();
    while let Some(pos) = text[..search_end].rfind("Group ") {
        let before_ok = text[..pos]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ']' | '.' | '!' | '?' | '"' | '”'));
        if before_ok && let Some(h) = parse_group_heading(text[pos..].trim_end()) {
            return Some((range.start + pos, h));
        }
        search_end = pos;
    }
    // Other headings must follow the end of a bullet: its citations or its final period.
    let end = bullet_end_before_tail(text)?;
    let tail = text[end..].trim();
    if tail.is_empty() {
        return None;
    }
    let h = parse_heading(tail)?;
    Some((range.start + end, h))
}

/// The byte offset just after the last citation group or sentence terminator.
fn bullet_end_before_tail(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        match b[i] {
            b']' if citation_group_ending_at(text, i + 1).is_some() => return Some(i + 1),
            b'.' | b'!' | b'?' if !is_abbreviation(&text[..i + 1]) => {
                let mut end = i + 1;
                // Keep a closing quote or parenthesis with the sentence.
                while let Some(c) = text[end..].chars().next() {
                    if matches!(c, '"' | '”' | '’' | '\'' | ')') {
                        end += c.len_utf8();
                    } else {
                        break;
                    }
                }
                return Some(end);
            }
            _ => {}
        }
    }
    None
}

/// Whether a bullet's text, as accumulated so far, can end here.
fn ends_bullet(text: &str) -> bool {
    let t = text.trim_end();
    let t = t.trim_end_matches(['"', '”', '’', '\'', ')']);
    if t.ends_with(']') && citation_group_ending_at(t, t.len()).is_some() {
        return true;
    }
    (t.ends_with('.') || t.ends_with('!') || t.ends_with('?')) && !is_abbreviation(t)
}

/// Whether the period that ends `text` belongs to an abbreviation (`U.S.`, `Inc.`),
/// which ends a word, not a sentence.
fn is_abbreviation(text: &str) -> bool {
    if !text.ends_with('.') {
        return false;
    }
    let word = text[..text.len() - 1]
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .next()
        .unwrap_or("");
    // U.S., U.K., E.U.: single letters joined by periods.
    let dotted = word.len() >= 3
        && word
            .split('.')
            .all(|p| p.len() == 1 && p.chars().all(|c| c.is_ascii_alphabetic()));
    dotted
        || matches!(
            word,
            "Inc"
                | "Co"
                | "Corp"
                | "Ltd"
                | "Mr"
                | "Mrs"
                | "Ms"
                | "Dr"
                | "St"
                | "No"
                | "vs"
                | "Jr"
                | "Sr"
                | "Gov"
                | "Gen"
                | "Sen"
                | "Rep"
                | "Prof"
                | "approx"
                | "e.g"
                | "i.e"
        )
}

/// Parses a label standing on its own: a `Group N` heading, a core label, or a bare
/// title-case heading.
fn parse_heading(s: &str) -> Option<Heading> {
    if let Some(h) = parse_group_heading(s) {
        return Some(h);
    }
    if !is_title_case_heading(s) {
        return None;
    }
    let is_core = s.starts_with("Core ") && s.split_whitespace().count() <= 3;
    Some(Heading {
        label: s.to_string(),
        heading: None,
        is_core,
    })
}

/// `Group 3` or `Group 3: Strategic Responses and Industry Outlook`.
fn parse_group_heading(s: &str) -> Option<Heading> {
    let rest = s.strip_prefix("Group ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let label = format!("Group {}", &rest[..digits]);
    let after = rest[digits..].trim_start();
    if after.is_empty() {
        return Some(Heading {
            label,
            heading: None,
            is_core: false,
        });
    }
    let heading = after.strip_prefix(':')?.trim();
    if heading.is_empty() || heading.len() > 120 || heading.contains('[') {
        return None;
    }
    Some(Heading {
        label,
        heading: Some(heading.to_string()),
        is_core: false,
    })
}

/// A short phrase in title case: `Agreement Details`, `China's Position`,
/// `Strategic Responses and Industry Outlook`.
fn is_title_case_heading(s: &str) -> bool {
    const SMALL: &[&str] = &[
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to",
        "vs", "with", "&",
    ];
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 || s.len() > 100 {
        return false;
    }
    if s.ends_with(['.', ',', ';', ':']) || s.contains(['[', ']']) {
        return false;
    }
    let starts_upper = |w: &str| {
        w.trim_start_matches(['"', '“', '(', '\''])
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    starts_upper(words[0])
        && words[0].chars().next().is_some_and(|c| c.is_uppercase())
        && words.iter().all(|w| starts_upper(w) || SMALL.contains(w))
}

/// The longest citation marker looked for, in bytes: `[1, 2, 3, 4, 5, 6, 7, 8]` is 24.
const MAX_MARKER_BYTES: usize = 128;

/// Length in bytes of the citation group(s) `[1][4]` ending exactly at byte `end`.
///
/// The `[` is looked for only among the last [`MAX_MARKER_BYTES`] bytes: the bullet's
/// end is found by trying each `]` from the back, and a search to the start of the text
/// from each made a line of a million `]` after a marker take minutes.
fn citation_group_ending_at(text: &str, end: usize) -> Option<usize> {
    let window = &text.as_bytes()[end.saturating_sub(MAX_MARKER_BYTES)..end];
    // `[` is ASCII: its position is a character boundary.
    let open = end - window.len() + memchr::memrchr(b'[', window)?;
    parse_citation_group(&text[open..end]).map(|_| end - open)
}

/// Parses one `[1]`, `[1, 4]` or `[2-4]` marker (the whole of `s`).
fn parse_citation_group(s: &str) -> Option<Vec<u32>> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for part in inner.split(',') {
        let part = part.trim();
        let number = |p: &str| -> Option<u32> {
            let p = p.trim();
            (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok().filter(|&n| n >= 1))?
        };
        if let Some((a, b)) = part.split_once(['-', '–']) {
            let (a, b) = (number(a)?, number(b)?);
            if b < a || b - a > 50 {
                return None;
            }
            out.extend(a..=b);
        } else {
            out.push(number(part)?);
        }
    }
    Some(out)
}

/// Removes citation markers from a bullet, returning the clean text and the numbers.
/// Whitespace left before punctuation by a removed marker goes too, so that
/// `licenses [1][4].` becomes `licenses.`. A marker that is a citation's shape but not a
/// paragraph number (`[0]`, `[1000]`, `[]`, `[3-1]`, a `[7` the bullet ends in or that
/// another marker follows, as in `[1-[2]`) is returned as the error: read as text, it
/// would also hide where its bullet ends.
pub fn strip_citations(raw: &str) -> Result<(String, Vec<u32>), String> {
    let mut text = String::with_capacity(raw.len());
    let mut citations = Vec::new();
    let mut rest = raw;
    // Each `]` closes at most one marker, the one the last `[` before it opens: looking
    // back from each `]` keeps this linear in the bullet's length, whatever its brackets.
    while let Some(close) = rest.find(']') {
        let Some(open) = rest[..close].rfind('[') else {
            text.push_str(&rest[..=close]);
            rest = &rest[close + 1..];
            continue;
        };
        // The `[`s before this one are never closed: one shaped like a citation is a
        // marker cut short (`[1-[2]`), not text, as it is at the bullet's end.
        if let Some(cut) = unclosed_marker(&rest[..open]) {
            return Err(cut.to_string());
        }
        let marker = &rest[open..=close];
        let Some(numbers) = parse_citation_group(marker) else {
            if citation_shaped(&marker[1..marker.len() - 1]) {
                return Err(marker.to_string());
            }
            text.push_str(&rest[..=close]);
            rest = &rest[close + 1..];
            continue;
        };
        text.push_str(&rest[..open]);
        citations.extend(numbers);
        rest = &rest[close + 1..];
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        // Keep one space between words that the marker separated.
        if rest.starts_with(|c: char| c.is_alphanumeric()) && !text.is_empty() {
            text.push(' ');
        }
    }
    if let Some(cut) = unclosed_marker(rest) {
        return Err(cut.to_string());
    }
    text.push_str(rest);
    Ok((text.trim().to_string(), citations))
}

/// The first `[` of `text`, whose brackets are all left open, that starts a citation's
/// shape up to the next `[` or the end (`[7`, `[1-`, `[`, `[3.` at a sentence's end),
/// without the spaces after it.
fn unclosed_marker(text: &str) -> Option<&str> {
    let mut opens = memchr::memchr_iter(b'[', text.as_bytes()).peekable();
    while let Some(open) = opens.next() {
        let end = opens.peek().copied().unwrap_or(text.len());
        let cut = text[open..end].trim_end();
        if citation_shaped(cut[1..].trim_end_matches(SENTENCE_STOPS)) {
            return Some(cut);
        }
    }
    None
}

/// Whether the inside of a bracket that is not a citation still reads as one: digits,
/// commas, spaces and dashes (`0`, `99999999999`, an empty marker, `3-1`). Four digits
/// read as a year (`[2024]`, `[2024-25]`) and stay text.
fn citation_shaped(inner: &str) -> bool {
    let shaped = inner
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | ',' | '-' | '–'));
    shaped
        && !inner
            .split(|c: char| !c.is_ascii_digit())
            .any(|number| number.len() == 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &Summary) -> Vec<(String, Option<String>, Vec<String>)> {
        s.sections
            .iter()
            .map(|sec| {
                (
                    sec.label.clone(),
                    sec.heading.clone(),
                    sec.bullets.iter().map(|b| b.text.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn core_and_group_sections() {
        let s = parse(
            "Core Viewpoint - Japan acts [1][4]. Group 1: Export Controls - China tightened [1]. - Firms wait [4][5]. Group 2 - More [6].",
        )
        .unwrap();
        assert_eq!(s.core_label.as_deref(), Some("Core Viewpoint"));
        assert_eq!(
            shape(&s),
            vec![
                ("Core Viewpoint".into(), None, vec!["Japan acts.".into()]),
                (
                    "Group 1".into(),
                    Some("Export Controls".into()),
                    vec!["China tightened.".into(), "Firms wait.".into()]
                ),
                ("Group 2".into(), None, vec!["More.".into()]),
            ]
        );
        assert_eq!(s.sections[1].bullets[1].citations, vec![4, 5]);
        assert_eq!(
            s.sections.iter().map(|s| s.ordinal).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }

    /// Found by the integration suite's property test: a bullet of only spaces between
    /// two headings sliced the summary backwards and panicked.
    #[test]
    fn a_bullet_of_only_spaces_is_no_bullet() {
        for summary in [
            "Group 12 -  Group 12 - Workflow",
            "Core Viewpoint -  Group 12 -  - Workflow",
        ] {
            if let Ok(s) = parse(summary) {
                assert!(
                    s.sections.iter().flat_map(|sec| &sec.bullets).all(|b| !b
                        .text
                        .trim()
                        .is_empty()
                        || !b.citations.is_empty()),
                    "{summary}"
                );
            }
        }
    }

    #[test]
    fn headings_run_on_after_citations_without_period() {
        let s = parse(
            "Core Points - A [1][3] - B [5] Agreement Details - C [3] - D. Global Impact - E",
        )
        .unwrap();
        assert_eq!(
            shape(&s),
            vec![
                ("Core Points".into(), None, vec!["A".into(), "B".into()]),
                (
                    "Agreement Details".into(),
                    None,
                    vec!["C".into(), "D.".into()]
                ),
                ("Global Impact".into(), None, vec!["E".into()]),
            ]
        );
    }

    #[test]
    fn dash_inside_sentence_and_abbreviations() {
        let s = parse(
            "Group 1 - Trade - which grew - rose [1]. - Ties with the U.S. - China talks stalled [2]. - Last one.",
        )
        .unwrap();
        assert_eq!(
            shape(&s)[0].2,
            vec![
                "Trade - which grew - rose.",
                "Ties with the U.S. - China talks stalled.",
                "Last one."
            ]
        );
    }

    #[test]
    fn citations_before_or_after_period_or_none() {
        let s =
            parse("Group 1 - One [1]. - Two. [2][3] - Three. - Four [4, 5] - Five [6-8]").unwrap();
        let b = &s.sections[0].bullets;
        let got: Vec<(&str, &[u32])> = b
            .iter()
            .map(|b| (b.text.as_str(), &b.citations[..]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("One.", &[1][..]),
                ("Two.", &[2, 3][..]),
                ("Three.", &[][..]),
                ("Four", &[4, 5][..]),
                ("Five", &[6, 7, 8][..]),
            ]
        );
    }

    /// Full-width markers are read as ASCII ones, and the spans still index the line as
    /// written (one character for one).
    #[test]
    fn full_width_citation_markers_are_citations() {
        let ascii =
            parse("Core Viewpoint - One [1][4]. - Two [2, 3]. Group 1 - Three [5-7]").unwrap();
        let text = "Core Viewpoint - One ［1］［4］. - Two ［２，３］. Group 1 - Three ［５－７］";
        let wide = parse(text).unwrap();
        assert_eq!(shape(&wide), shape(&ascii));
        let citations = |s: &Summary| -> Vec<Vec<u32>> {
            s.sections
                .iter()
                .flat_map(|s| &s.bullets)
                .map(|b| b.citations.clone())
                .collect()
        };
        assert_eq!(citations(&wide), [vec![1, 4], vec![2, 3], vec![5, 6, 7]]);
        let chars: Vec<char> = text.chars().collect();
        let b = &wide.sections[0].bullets[1];
        assert_eq!(
            chars[b.char_start as usize..b.char_end as usize]
                .iter()
                .collect::<String>(),
            "Two ［２，３］."
        );
        // A marker as long as one can be, and one a character longer.
        let long = format!("［{}1］", "１，".repeat(15));
        let s = parse(&format!("Core Viewpoint - A{long} - B [2].")).unwrap();
        assert_eq!(s.sections[0].bullets[0].citations, [1; 16]);
        let longer = format!("［{}1］", "１，".repeat(16));
        let s = parse(&format!("Core Viewpoint - A{longer} - B [2].")).unwrap();
        assert!(s.sections[0].bullets[0].text.contains(&longer));
        assert_eq!(s.sections[0].bullets[0].citations, [2]);
        // A line of opening brackets that no bracket closes is read in linear time:
        // looking for each one's closing bracket to the end of the line took 20 s here.
        let e = parse(&format!(
            "Core Viewpoint - A {}[1].",
            "［1 ".repeat(300_000)
        ))
        .unwrap_err();
        assert!(e.expected.starts_with("claims of at most"), "{e:?}");
        // Full-width brackets around anything else are text, as ASCII ones are.
        let s = parse("Core Viewpoint - A ［注］ note ［0］ here [1]. - B [2].").unwrap();
        assert_eq!(s.sections[0].bullets[0].text, "A ［注］ note ［0］ here.");
        assert_eq!(s.sections[0].bullets[0].citations, [1]);
    }

    /// An error quotes the line as written, its full-width markers as they are, whichever
    /// bullet it names (the markers before it shift its bytes, not its characters).
    #[test]
    fn errors_quote_full_width_markers_as_written() {
        let e = parse("Core Viewpoint - 甲 ［1］. - ［４］ - Another ［2］.").unwrap_err();
        assert_eq!(e.expected, "a claim's text before its citation markers");
        assert_eq!(e.found, "only \"［４］\"");
        let e = parse("Core Viewpoint - 甲 ［1］. - Two ［２］ cut [7").unwrap_err();
        assert!(e.expected.starts_with("citation markers"), "{e:?}");
        assert_eq!(e.found, "\"[7\" in \"Two ［２］ cut [7\"");
        let e = parse("Group 2 ［1］ and no delimiter").unwrap_err();
        assert_eq!(e.found, "\"Group 2 ［1］ and no delimiter\"");
    }

    #[test]
    fn spans_cover_the_bullet_as_written() {
        let text = "Core Viewpoint - “Quoted” claim [1]. - Next [2].";
        let s = parse(text).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let b = &s.sections[0].bullets;
        let slice = |b: &Bullet| {
            chars[b.char_start as usize..b.char_end as usize]
                .iter()
                .collect::<String>()
        };
        assert_eq!(slice(&b[0]), "“Quoted” claim [1].");
        assert_eq!(slice(&b[1]), "Next [2].");
    }

    /// A run of brackets after a marker is text, read as fast as any: looking for each
    /// `]`'s marker back to the start of the bullet made a megabyte of them take minutes
    /// before the claim's length was found too long.
    #[test]
    fn a_run_of_closing_brackets_after_a_marker_is_text() {
        let summary = parse("Core Viewpoint - A claim one [1].]]]").unwrap();
        let bullet = &summary.sections[0].bullets[0];
        assert_eq!(
            (bullet.text.as_str(), &bullet.citations[..]),
            ("A claim one.]]]", &[1][..])
        );
        let run = "]".repeat(1 << 20);
        let e = parse(&format!("Core Viewpoint - A claim one [1].{run}")).unwrap_err();
        assert_eq!(e.expected, "claims of at most 2000 characters");
        assert!(
            e.found.starts_with("a claim of 1048592 characters"),
            "{}",
            e.found
        );
    }

    #[test]
    fn unstructured_summaries_are_rejected() {
        assert!(parse("just some text without structure").is_err());
        assert!(parse("").is_err());
        assert!(parse("This is a sentence - and another one.").is_err());
    }

    /// Markers shaped like citations but naming no paragraph reject the summary, naming
    /// the marker; read as text they also hid where their bullet ended.
    #[test]
    fn malformed_citations_are_rejected() {
        for (bullet, marker) in [
            ("A claim [0]. - Next claim [2].", "[0]"),
            ("A claim [10000]. - Next claim [2].", "[10000]"),
            ("A claim [99999999999] - Next claim [2].", "[99999999999]"),
            ("A claim [] - Next claim [2].", "[]"),
            ("A claim [3-1]. - Next claim [2].", "[3-1]"),
            ("A claim [1][", "["),
            ("A claim cut short [7", "[7"),
            // Cut short before another marker: its number was lost, its text kept.
            ("A claim [1-[2]. - Next claim [2].", "[1-"),
            ("A claim [1-［2］. - Next claim [2].", "[1-"),
            ("A claim [3, [4] and more [5]. - Next claim [2].", "[3,"),
            // Cut short where the bullet ends, before the next one: read on, the next
            // claim ran into this one and the number was lost.
            ("A claim [1][4 - B claim [2].", "[4"),
            ("A claim [3 - B claim [2].", "[3"),
            ("A claim [1][4 - and a dash [2].", "[4"),
            ("A claim [3. - B claim [2].", "[3."),
            ("A claim [1][2.", "[2."),
        ] {
            let e = parse(&format!("Core Viewpoint - {bullet}")).unwrap_err();
            assert!(
                e.expected.starts_with("citation markers"),
                "{bullet}: {e:?}"
            );
            assert!(
                e.found.starts_with(&format!("\"{marker}\" in ")),
                "{bullet}: {e:?}"
            );
        }
        // Brackets that are not citations stay text.
        let s = parse("Core Viewpoint - A [sic] quote and [a](b) [1]. - The [2024-25] plan [2].")
            .unwrap();
        let texts: Vec<&str> = s.sections[0].bullets.iter().map(|b| &*b.text).collect();
        assert_eq!(texts, ["A [sic] quote and [a](b).", "The [2024-25] plan."]);
        assert!(parse("Core Viewpoint - In [2024] it rose [1].").is_ok());
        // An open bracket before words is text, whatever marker follows.
        let s = parse("Core Viewpoint - A [1 note, see [2] here [3]. - Next [2].").unwrap();
        assert_eq!(s.sections[0].bullets[0].text, "A [1 note, see here.");
        assert_eq!(s.sections[0].bullets[0].citations, [2, 3]);
    }

    #[test]
    fn claims_without_text_or_too_long_are_rejected() {
        let e = parse("Core Viewpoint - A claim [1]. - [4] - Another [2].").unwrap_err();
        assert_eq!(e.expected, "a claim's text before its citation markers");
        assert_eq!(e.found, "only \"[4]\"");
        // Punctuation is no text.
        let e = parse("Core Viewpoint - A claim [1]. - . [4] - Another [2].").unwrap_err();
        assert_eq!(e.expected, "a claim's text before its citation markers");
        assert_eq!(e.found, "only \". [4]\"");
        let e = parse("Core Viewpoint - A claim [1]. - ... - Another [2].").unwrap_err();
        assert_eq!(
            (&*e.expected, &*e.found),
            ("a claim's text", "only \"...\"")
        );
        assert!(parse("Core Viewpoint - 稀土 [1]. - 42 [2].").is_ok());

        let long = "Word ".repeat(MAX_CLAIM_CHARS / 5 + 1);
        let e = parse(&format!("Core Viewpoint - A claim [1]. - {long}[2].")).unwrap_err();
        assert_eq!(
            e.expected,
            format!("claims of at most {MAX_CLAIM_CHARS} characters")
        );
        assert!(
            e.found
                .starts_with("a claim of 2009 characters, \"Word Word"),
            "{e:?}"
        );
        // Within the limit, the same claim is read.
        let ok = "Word ".repeat(MAX_CLAIM_CHARS / 5 - 1);
        assert!(parse(&format!("Core Viewpoint - A claim [1]. - {ok}[2].")).is_ok());
        // A run of segments that never ends a bullet is cut off as soon as it is too long.
        let run = "The cost of x - ".repeat(200_000);
        let e = parse(&format!("Core Viewpoint - {run}")).unwrap_err();
        assert_eq!(
            e.expected,
            format!("claims of at most {MAX_CLAIM_CHARS} characters")
        );
    }

    #[test]
    fn a_heading_without_claims_is_rejected() {
        for (summary, heading, found) in [
            // An export cut short after a heading: the heading was the last claim's words.
            (
                "Core Viewpoint - A claim [1]. Group 1: Foo - B claim [2]. Group 2: Bar",
                "\"Group 2: Bar\"",
                "the end of the summary",
            ),
            (
                "Core Viewpoint - A claim [1] Agreement Details",
                "\"Agreement Details\"",
                "the end of the summary",
            ),
            (
                "Core Viewpoint - A [1]. - Group 3",
                "\"Group 3\"",
                "the end of the summary",
            ),
            (
                "Core Viewpoint - ",
                "\"Core Viewpoint\"",
                "the end of the summary",
            ),
            // Two headings in a row.
            (
                "Core Viewpoint - A [1]. Group 1: Foo - Group 2: Bar - C [3].",
                "\"Group 1: Foo\"",
                "the heading \"Group 2: Bar\" right after it",
            ),
            (
                "Core Viewpoint - Group 1 - C [3].",
                "\"Core Viewpoint\"",
                "the heading \"Group 1\" right after it",
            ),
        ] {
            let e = parse(summary).unwrap_err();
            assert_eq!(
                e.expected,
                format!("claims under the heading {heading}"),
                "{summary}"
            );
            assert_eq!(e.found, found, "{summary}");
        }
        // Words after a last claim's citations that are no heading stay its text.
        let s = parse("Core Viewpoint - A claim [1] and more").unwrap();
        assert_eq!(s.sections[0].bullets[0].text, "A claim and more");
    }

    #[test]
    fn group_heading_after_a_bullet_without_terminator() {
        let s = parse("Group 1 - A claim without end Group 2: Next Part - B [1]").unwrap();
        assert_eq!(
            shape(&s),
            vec![
                ("Group 1".into(), None, vec!["A claim without end".into()]),
                ("Group 2".into(), Some("Next Part".into()), vec!["B".into()]),
            ]
        );
    }
}
