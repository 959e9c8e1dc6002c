//! Reading exported digest collections: files → articles with their summary structure.
//!
//! One file is one collection. It opens with a header (`Workflow`, the topic, `icon`,
//! `Search documents`) and then holds three lines per article: the title, the source line
//! (`<publisher>· YYYY-MM-DD HH:MM`) and the summary. The parser anchors every article on
//! its source line rather than counting lines, so a bad article costs only itself: the
//! lines around it are re-read as the next article.

pub mod source_line;
pub mod summary;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDateTime;

use crate::diagnostics::{Diagnostic, excerpt};
use source_line::{Classified, classify};
pub use source_line::{PUBLISHER_TIME_ZONE, publisher_offset_at};
pub use summary::{Bullet, Section, Summary};

/// A corpus file found under the corpus directory.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CorpusFile {
    /// Path relative to the corpus directory, with `/` separators: this is what the
    /// tables record, so that outputs do not depend on where the corpus lives.
    pub name: String,
    pub path: PathBuf,
}

/// Lists the collections in a corpus directory: every regular file not starting with a
/// dot, recursively, in byte order of their relative names. Symbolic links are followed
/// (a link back to a folder being listed is not); a link to nothing is an error, not a
/// file left out without a word.
pub fn discover(root: &Path) -> Result<Vec<CorpusFile>> {
    let mut out = Vec::new();
    let canonical = std::fs::canonicalize(root)
        .with_context(|| format!("Failed to list the corpus directory '{}'", root.display()))?;
    visit(root, root, &mut vec![canonical], &mut out)?;
    out.sort();
    Ok(out)
}

/// `listing`: the folders being listed, canonical, from the root down to `dir`.
fn visit(
    root: &Path,
    dir: &Path,
    listing: &mut Vec<PathBuf>,
    out: &mut Vec<CorpusFile>,
) -> Result<()> {
    let failed = || format!("Failed to list the corpus directory '{}'", dir.display());
    for entry in std::fs::read_dir(dir).with_context(failed)? {
        let entry = entry.with_context(failed)?;
        let file_name = entry.file_name();
        if file_name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let mut file_type = entry.file_type().with_context(failed)?;
        if file_type.is_symlink() {
            file_type = std::fs::metadata(&path)
                .with_context(|| {
                    format!(
                        "'{}' is a symbolic link to '{}', which cannot be read",
                        path.display(),
                        std::fs::read_link(&path).unwrap_or_default().display()
                    )
                })?
                .file_type();
        }
        if file_type.is_dir() {
            let canonical = std::fs::canonicalize(&path).with_context(failed)?;
            if listing.contains(&canonical) {
                continue; // a link back up: its files are listed already
            }
            listing.push(canonical);
            visit(root, &path, listing, out)?;
            listing.pop();
        } else if file_type.is_file() {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let name = rel
                .components()
                .map(|c| name_text(c.as_os_str()))
                .collect::<Vec<_>>()
                .join("/");
            out.push(CorpusFile { name, path });
        }
    }
    Ok(())
}

/// A file name as text, bytes that are not UTF-8 written `\xFF`: replaced by U+FFFD as
/// usual, `x\xff.txt` and `x\xfe.txt` were one name, whose inputs the next build could
/// never match.
fn name_text(name: &std::ffi::OsStr) -> String {
    let mut out = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// One article as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub source: String,
    /// The publisher's local time as printed.
    pub local_time: NaiveDateTime,
    /// The same instant in microseconds since the Unix epoch (UTC).
    pub published_at: i64,
    pub summary: String,
    pub structure: Summary,
    /// 1-based line numbers of the article's title and summary.
    pub title_line: u32,
    pub summary_line: u32,
}

/// The result of reading one collection file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub name: String,
    pub topic: String,
    pub articles: Vec<Article>,
    pub diagnostics: Vec<Diagnostic>,
    /// Articles (or stray lines) that were reported as errors and left out.
    pub skipped: usize,
    /// Export headers found after the first article (exports joined with `cat`): the
    /// line of each one's topic, and the topic. Skipped like the first header; one whose
    /// topic is not the file's is a warning ([`ParsedFile::resolve_headers`]), which a
    /// chunk after the first can only give once the file's topic is known.
    pub headers: Vec<(u32, String)>,
}

impl ParsedFile {
    /// Warns of each export header in `headers` whose topic is not `topic`, the file's:
    /// the articles after it are read into the file's collection all the same.
    pub fn resolve_headers(&mut self, topic: &str) {
        for (line, other) in std::mem::take(&mut self.headers) {
            if other == topic {
                continue;
            }
            let warning = Diagnostic::warning(
                &self.name,
                line,
                format!(
                    "one collection per file: a second export header (exports joined with \
                     `cat`) with the file's topic {}",
                    excerpt(topic, 60)
                ),
                format!(
                    "the topic {} (the articles after it are read into {})",
                    excerpt(&other, 60),
                    excerpt(topic, 60)
                ),
            );
            let at = self.diagnostics.partition_point(|d| d.line <= line);
            self.diagnostics.insert(at, warning);
        }
    }
}

/// A line with its number; `bad_utf8` describes where the line stopped being UTF-8.
struct Line<'a> {
    no: u32,
    text: Cow<'a, str>,
    bad_utf8: Option<String>,
    /// What the raw line right after this one is, for "found …" messages.
    next: Next,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    Line,
    Blank,
    EndOfFile,
}

const HEADER_FIRST_LINE: &str = "Workflow";
const HEADER_CHROME: &[&str] = &["icon", "Search documents"];

/// Splits raw bytes into non-blank lines: strips a UTF-8 BOM, `\r` before `\n`, and
/// surrounding whitespace; keeps each line's number and any UTF-8 error.
fn split_lines(bytes: &[u8], first_line: u32) -> Vec<Line<'_>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut no = first_line - 1;
    let mut pending_blank = false;
    let mut rest = bytes;
    while !rest.is_empty() {
        no += 1;
        let (raw, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        // Exports joined with `cat` carry the second one's byte-order mark mid-file.
        let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        let (text, bad_utf8) = match std::str::from_utf8(raw) {
            Ok(s) => (Cow::Borrowed(s), None),
            Err(e) => {
                let at = e.valid_up_to();
                let why = format!(
                    "invalid byte 0x{:02X} at column {} in {}",
                    raw[at],
                    String::from_utf8_lossy(&raw[..at]).chars().count() + 1,
                    excerpt(&String::from_utf8_lossy(raw), 60)
                );
                (String::from_utf8_lossy(raw), Some(why))
            }
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            pending_blank = true;
            continue;
        }
        if let Some(prev) = lines.last_mut() {
            prev.next = if pending_blank {
                Next::Blank
            } else {
                Next::Line
            };
        }
        pending_blank = false;
        let text = match text {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        };
        lines.push(Line {
            no,
            text,
            bad_utf8,
            next: Next::EndOfFile,
        });
    }
    if pending_blank && let Some(prev) = lines.last_mut() {
        prev.next = Next::Blank;
    }
    lines
}

/// Parses one collection file. Never fails: every problem becomes a diagnostic.
pub fn parse_file(name: &str, bytes: &[u8]) -> ParsedFile {
    parse_chunk(name, bytes, 1, true)
}

/// Whether a file is UTF-16: it opens with a UTF-16 byte-order mark, and what follows is
/// not UTF-8 text (UTF-16 has a zero byte in every ASCII character, the line ends among
/// them). Two stray bytes that look like a mark before UTF-8 text are only a bad first
/// line: calling the file UTF-16 would drop its articles and advise a conversion that
/// garbles it.
fn looks_utf16(bytes: &[u8]) -> bool {
    let Some(rest) = bytes
        .strip_prefix(&[0xFF, 0xFE])
        .or_else(|| bytes.strip_prefix(&[0xFE, 0xFF]))
    else {
        return false;
    };
    let head = &rest[..rest.len().min(4096)];
    // A cut through the last character of the head is not a sign of anything.
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    !utf8 || memchr::memchr(0, head).is_some()
}

/// Parses a piece of a collection file that starts at line `first_line` (see
/// [`chunk_ranges`]); only the file's first chunk holds the header (`with_header`), and
/// only its result has a topic.
pub fn parse_chunk(name: &str, bytes: &[u8], first_line: u32, with_header: bool) -> ParsedFile {
    let mut out = ParsedFile {
        name: name.to_string(),
        topic: String::new(),
        articles: Vec::new(),
        diagnostics: Vec::new(),
        skipped: 0,
        headers: Vec::new(),
    };
    // Some tools save text as UTF-16; read as UTF-8 it is a line of noise per article.
    let utf16 = with_header && looks_utf16(bytes);
    let lines = if utf16 {
        Vec::new()
    } else {
        split_lines(bytes, first_line)
    };
    if with_header && lines.is_empty() {
        // A file that holds no article gets one error: that it has no header either goes
        // without saying.
        let (expected, found) = if utf16 {
            (
                "UTF-8 text",
                "a UTF-16 byte-order mark: save the file as UTF-8 (`iconv -f UTF-16 -t UTF-8`)",
            )
        } else {
            (
                "an exported collection (header, then title, source line and summary per article)",
                "an empty file",
            )
        };
        out.topic = file_stem(name);
        out.diagnostics
            .push(Diagnostic::error(name, 1, expected, found));
        return out;
    }
    let kinds: Vec<Classified<'_>> = lines.iter().map(|l| classify(&l.text)).collect();
    let is_source = |i: usize| !matches!(kinds[i], Classified::Other);

    let sources: Vec<usize> = (0..lines.len()).filter(|&i| is_source(i)).collect();
    // The header is everything before the first article's title.
    let first_title = match sources.first() {
        Some(&s) if s > 0 && !is_source(s - 1) => s - 1,
        Some(&s) => s,
        None => lines.len(),
    };
    let mut cursor = if with_header {
        read_header(name, &lines[..first_title], &mut out)
    } else {
        0
    };
    if sources.is_empty() && !lines.is_empty() {
        let at = lines.get(cursor).unwrap_or(&lines[lines.len() - 1]);
        out.diagnostics.push(Diagnostic::error(
            name,
            at.no,
            "articles: a title, a source line '<publisher>· YYYY-MM-DD HH:MM' and a summary",
            format!(
                "no source line in the file; line {} is {}",
                at.no,
                excerpt(&at.text, 60)
            ),
        ));
        out.skipped += usize::from(cursor < lines.len());
        return out;
    }

    let mut k = 0;
    while k < sources.len() {
        let s = sources[k];
        if s < cursor {
            k += 1;
            continue;
        }
        let title = (s > cursor && !is_source(s - 1)).then(|| s - 1);
        skip_or_report_stray_lines(name, &lines[cursor..title.unwrap_or(s)], &mut out);
        let next_is_source = |i: usize| i < lines.len() && is_source(i);
        // The line after the source line is the summary, unless it is the next article's
        // title (the line after it is a source line) and does not read as a summary.
        let summary = (s + 1 < lines.len() && !is_source(s + 1))
            .then_some(s + 1)
            .filter(|&i| !next_is_source(i + 1) || summary::parse(&lines[i].text).is_ok());
        cursor = summary.map_or(s + 1, |i| i + 1);
        k += 1;

        let Some(title) = title else {
            out.skipped += 1;
            let found = match s.checked_sub(1) {
                Some(p) if is_source(p) => format!("another source line on line {}", lines[p].no),
                Some(p) => format!("the previous article's summary on line {}", lines[p].no),
                None => "the source line at the start of the file".to_string(),
            };
            let expected = format!(
                "a title line before the source line {}",
                excerpt(&lines[s].text, 60)
            );
            out.diagnostics
                .push(Diagnostic::error(name, lines[s].no, expected, found));
            continue;
        };
        let source_line = &lines[s];
        let Some(summary_idx) = summary else {
            out.skipped += 1;
            let found = match source_line.next {
                Next::EndOfFile => "the end of the file".to_string(),
                Next::Blank => "an empty line".to_string(),
                Next::Line if s + 1 < lines.len() && !is_source(s + 1) => {
                    format!(
                        "the next article's title {}",
                        excerpt(&lines[s + 1].text, 40)
                    )
                }
                Next::Line => format!("another source line {}", excerpt(&lines[s + 1].text, 40)),
            };
            // At the end of the file there is no line after the source line to point at.
            let line = match source_line.next {
                Next::EndOfFile => source_line.no,
                _ => source_line.no + 1,
            };
            out.diagnostics.push(Diagnostic::error(
                name,
                line,
                "the article's summary on the line after its source line",
                found,
            ));
            continue;
        };
        match read_article(
            name,
            &lines[title],
            source_line,
            &kinds[s],
            &lines[summary_idx],
        ) {
            Ok(article) => out.articles.push(article),
            Err(d) => {
                out.skipped += 1;
                out.diagnostics.push(d);
            }
        }
    }
    skip_or_report_stray_lines(name, &lines[cursor.min(lines.len())..], &mut out);
    if with_header {
        let topic = out.topic.clone();
        out.resolve_headers(&topic);
    }
    out
}

/// Lines between articles: an export header, as exports joined with `cat` hold after
/// each file's last article (`Workflow`, the topic, then `icon` and `Search documents`
/// where the export has them), is skipped and recorded in `out.headers`; anything else
/// is reported ([`report_stray_lines`]).
fn skip_or_report_stray_lines(name: &str, stray: &[Line<'_>], out: &mut ParsedFile) {
    let is_chrome = |l: &Line<'_>| HEADER_CHROME.iter().any(|c| l.text.eq_ignore_ascii_case(c));
    let header = match stray {
        [first, topic, chrome @ ..]
            if first.text.eq_ignore_ascii_case(HEADER_FIRST_LINE)
                && topic.bad_utf8.is_none()
                && !is_chrome(topic)
                && chrome.len() <= HEADER_CHROME.len()
                && chrome.iter().all(is_chrome) =>
        {
            Some(topic)
        }
        _ => None,
    };
    match header {
        Some(topic) => out.headers.push((topic.no, topic.text.to_string())),
        None => report_stray_lines(name, stray, out),
    }
}

/// Reads the header lines; returns how many lines it took. Whatever is left before the
/// first article is reported as stray lines by the caller.
fn read_header(name: &str, header: &[Line<'_>], out: &mut ParsedFile) -> usize {
    let well_formed = header.len() >= 2 && header[0].text.eq_ignore_ascii_case(HEADER_FIRST_LINE);
    if !well_formed {
        out.topic = file_stem(name);
        let ignored = match header.len() {
            0 => String::new(),
            n => format!("; {n} line(s) before the first article ignored"),
        };
        let (line, found) = match header.first() {
            Some(l) => (l.no, excerpt(&l.text, 60)),
            None => (1, "the first article straight away".to_string()),
        };
        out.diagnostics.push(Diagnostic::warning(
            name,
            line,
            "the export header ('Workflow', the topic, 'icon', 'Search documents')",
            format!(
                "{found} (the file name '{}' is used as the topic{ignored})",
                crate::text::visible(&out.topic)
            ),
        ));
        return header.len();
    }
    let is_chrome = |l: &Line<'_>| HEADER_CHROME.iter().any(|c| l.text.eq_ignore_ascii_case(c));
    // The topic names the collection and goes into every article's id: a header whose
    // topic line is missing (blank, so `icon` follows `Workflow`) or not text must not
    // make one up silently.
    let topic_missing = is_chrome(&header[1]);
    let topic_problem = if topic_missing {
        Some((
            "the topic on the line after 'Workflow'".to_string(),
            excerpt(&header[1].text, 60),
        ))
    } else if let Some(why) = header[1].bad_utf8.clone() {
        Some(("the topic after 'Workflow' as UTF-8 text".to_string(), why))
    } else {
        // Every page and report names the topic: one of a megabyte (a summary pasted on
        // its line) made 180 MB of reports from 8 articles.
        crate::text::chars_beyond(&header[1].text, MAX_TITLE_CHARS).map(|n| {
            (
                format!("a topic of at most {MAX_TITLE_CHARS} characters"),
                format!("{n} characters, {}", excerpt(&header[1].text, 60)),
            )
        })
    };
    if let Some((expected, found)) = topic_problem {
        out.topic = file_stem(name);
        out.diagnostics.push(Diagnostic::warning(
            name,
            header[1].no,
            expected,
            format!(
                "{found} (the file name '{}' is used as the topic)",
                crate::text::visible(&out.topic)
            ),
        ));
    } else {
        out.topic = header[1].text.to_string();
    }
    let mut used = if topic_missing { 1 } else { 2 };
    for chrome in HEADER_CHROME {
        if header
            .get(used)
            .is_some_and(|l| l.text.eq_ignore_ascii_case(chrome))
        {
            used += 1;
        }
    }
    used
}

/// The topic of a file without a header: its name without the extension.
fn file_stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

/// Lines that belong to no article: a title without source line, or leftovers.
fn report_stray_lines(name: &str, stray: &[Line<'_>], out: &mut ParsedFile) {
    let Some(first) = stray.first() else { return };
    out.skipped += 1;
    let d = match stray.get(1) {
        Some(second) => Diagnostic::error(
            name,
            second.no,
            format!(
                "a source line '<publisher>· YYYY-MM-DD HH:MM' after the title on line {}",
                first.no
            ),
            excerpt(&second.text, 60),
        ),
        None => Diagnostic::error(
            name,
            first.no,
            "an article: a title, a source line and a summary",
            format!("a lone line {}", excerpt(&first.text, 60)),
        ),
    };
    out.diagnostics.push(d);
}

/// The longest title gazette reads, in characters (the shipped corpus's longest has 40).
pub const MAX_TITLE_CHARS: usize = 500;

fn read_article(
    name: &str,
    title: &Line<'_>,
    source: &Line<'_>,
    kind: &Classified<'_>,
    summary: &Line<'_>,
) -> Result<Article, Diagnostic> {
    for line in [title, source, summary] {
        if let Some(why) = &line.bad_utf8 {
            return Err(Diagnostic::error(name, line.no, "UTF-8 text", why.clone()));
        }
    }
    let parsed = match kind {
        Classified::Source(s) => s,
        Classified::Malformed { expected, found } => {
            return Err(Diagnostic::error(
                name,
                source.no,
                expected.clone(),
                found.clone(),
            ));
        }
        Classified::Other => unreachable!("articles are anchored on source lines"),
    };
    // A title goes into every row of the figure ledger: one of 80 KB (a summary pasted
    // on the title's line) overflowed the ledger's text column and failed the whole
    // build instead of its article. (A publisher's name past 80 characters makes no
    // source line.)
    if let Some(n) = crate::text::chars_beyond(&title.text, MAX_TITLE_CHARS) {
        return Err(Diagnostic::error(
            name,
            title.no,
            format!("a title of at most {MAX_TITLE_CHARS} characters"),
            format!("{n} characters, {}", excerpt(&title.text, 60)),
        ));
    }
    let structure = summary::parse(&summary.text)
        .map_err(|e| Diagnostic::error(name, summary.no, e.expected, e.found))?;
    Ok(Article {
        title: title.text.to_string(),
        source: parsed.source.to_string(),
        local_time: parsed.local_time,
        published_at: parsed.published_at_micros(),
        summary: summary.text.to_string(),
        structure,
        title_line: title.no,
        summary_line: summary.no,
    })
}

/// A piece of a corpus file: a byte range that starts at an article's title line (or at
/// the start of the file) and the line number it starts at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub range: std::ops::Range<usize>,
    pub first_line: u32,
}

/// Splits a file into chunks of about `target` bytes that can be parsed independently
/// and in parallel with the same result as parsing the whole file: every cut is placed
/// before the title of a well-formed article whose predecessor is complete (source line,
/// summary, title, source line), so no article and no diagnostic straddles a cut.
pub fn chunk_ranges(bytes: &[u8], target: usize) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut line = 1u32;
    while bytes.len() - start > target {
        let Some(cut) = find_cut(bytes, start + target) else {
            break;
        };
        chunks.push(Chunk {
            range: start..cut,
            first_line: line,
        });
        line += memchr::memchr_iter(b'\n', &bytes[start..cut]).count() as u32;
        start = cut;
    }
    chunks.push(Chunk {
        range: start..bytes.len(),
        first_line: line,
    });
    chunks
}

/// The start of a title line at or after `from` that follows a complete article.
fn find_cut(bytes: &[u8], from: usize) -> Option<usize> {
    // Start at the first line beginning at or after `from`.
    let mut pos = match memchr::memrchr(b'\n', &bytes[..from]) {
        Some(nl) if nl + 1 == from => from,
        _ => from + memchr::memchr(b'\n', &bytes[from..])? + 1,
    };
    // The last four non-blank lines: (start offset, is a source line).
    let mut recent: [(usize, bool); 4] = [(0, false); 4];
    let mut seen = 0usize;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let raw = &bytes[pos..end];
        let text = String::from_utf8_lossy(raw);
        if !text.trim().is_empty() {
            let is_source = !matches!(classify(text.trim()), Classified::Other);
            recent.rotate_left(1);
            recent[3] = (pos, is_source);
            seen += 1;
            // previous source line, its summary, a title, then a source line.
            if seen >= 4 && recent[0].1 && !recent[1].1 && !recent[2].1 && recent[3].1 {
                return Some(recent[2].0);
            }
        }
        pos = end + 1;
    }
    None
}
