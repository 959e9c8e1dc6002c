//! Problems found in the input, reported as `file:line: expected …, found …`.
//!
//! A diagnostic is data, not an error value: the normalizer collects them, skips the
//! article each one concerns, and the CLI decides (via `--strict`) whether they fail the
//! build. Keeping them as plain values lets `gazette check` list every problem in a corpus
//! in one run instead of stopping at the first.

use std::fmt;

/// How much of the input a diagnostic costs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported; the article is still published (e.g. a missing export header).
    Warning,
    /// The article (or lone line) it concerns is skipped.
    Error,
}

impl Severity {
    /// As diagnostics print it, and as `data/quality.json` and the quality pages show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path of the corpus file as shown to the user (relative to the working directory
    /// when possible).
    pub file: String,
    /// 1-based line number in the file.
    pub line: u32,
    /// What the parser expected, phrased for the person fixing the file.
    pub expected: String,
    /// What it found instead, usually with an excerpt of the offending text.
    pub found: String,
}

impl Diagnostic {
    pub fn error(
        file: &str,
        line: u32,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            expected: expected.into(),
            found: found.into(),
        }
    }

    pub fn warning(
        file: &str,
        line: u32,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, expected, found)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = self.severity.as_str();
        // The file name is the user's, and may hold anything a file name can.
        write!(
            f,
            "{}:{}: {level}: expected {}, found {}",
            crate::text::visible(&self.file),
            self.line,
            self.expected,
            self.found
        )
    }
}

/// Quotes a piece of input for a diagnostic: at most `max` characters, with an ellipsis
/// when cut, and control characters made visible so that one diagnostic stays one line.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4) + 2);
    out.push('"');
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            c if crate::text::hidden(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_and_escapes() {
        assert_eq!(excerpt("abc", 10), "\"abc\"");
        assert_eq!(excerpt("abcdef", 3), "\"abc…\"");
        assert_eq!(excerpt("a\tb\"c", 10), "\"a\\tb\\\"c\"");
    }
}
