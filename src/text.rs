//! Small text utilities shared by the parser and the extractors.

/// Converts byte offsets into character (Unicode scalar value) offsets.
///
/// Published spans are in characters so that Python's `str` slicing (and polars'
/// `str.slice`) cut the same text the span names. Most summaries are ASCII, where the two
/// agree; otherwise offsets are converted incrementally, so asking for increasing offsets
/// costs one pass over the text.
pub struct CharIndex<'a> {
    text: &'a str,
    ascii: bool,
    last_byte: usize,
    last_char: usize,
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        CharIndex {
            text,
            ascii: text.is_ascii(),
            last_byte: 0,
            last_char: 0,
        }
    }

    /// The character offset of byte offset `byte` (which must be on a char boundary).
    pub fn char_of(&mut self, byte: usize) -> usize {
        if self.ascii {
            return byte;
        }
        if byte < self.last_byte {
            self.last_byte = 0;
            self.last_char = 0;
        }
        self.last_char += self.text[self.last_byte..byte].chars().count();
        self.last_byte = byte;
        self.last_char
    }
}

/// The hasher of gazette's own hash maps: foldhash with its fixed seed. The default
/// SipHash costs more than the lookups it serves (words of a text, ids of a table,
/// figures' values), and FNV-1a, used before, hashes a byte at a time: on the 16-character
/// ids and the multi-part keys of the render it was most of a lookup. Deterministic,
/// though no output depends on a map's order.
pub type FastBuildHasher = foldhash::fast::FixedState;
/// A hash map with [`FastBuildHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuildHasher>;
/// A hash set with [`FastBuildHasher`].
pub type FastSet<T> = std::collections::HashSet<T, FastBuildHasher>;

/// Unicode's explicit directional formatting characters that open a run: embeddings and
/// overrides (U+202A, U+202B, U+202D, U+202E), closed by U+202C, and isolates (U+2066 to
/// U+2068), closed by U+2069.
fn opens_bidi_run(c: char) -> Option<char> {
    match c {
        '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => Some('\u{202C}'),
        '\u{2066}'..='\u{2068}' => Some('\u{2069}'),
        _ => None,
    }
}

/// Whether `c` is one of the characters that change the direction of the text after it.
pub fn is_bidi_control(c: char) -> bool {
    opens_bidi_run(c).is_some() || matches!(c, '\u{202C}' | '\u{2069}')
}

/// Whether the UTF-8 `bytes` hold a [`is_bidi_control`] character at `i`: U+202A–U+202E
/// are `E2 80 AA`–`E2 80 AE`, U+2066–U+2069 are `E2 81 A6`–`E2 81 A9`.
pub fn is_bidi_control_at(bytes: &[u8], i: usize) -> bool {
    matches!(
        bytes.get(i..i + 3),
        Some([0xE2, 0x80, 0xAA..=0xAE] | [0xE2, 0x81, 0xA6..=0xA9])
    )
}

/// The characters that close the directional runs `s` leaves open, innermost first;
/// empty for almost every text. Corpus text printed with its runs closed cannot turn
/// what the page prints after it (a date, a citation, gazette's own words) right to left:
/// `Source\u{202E}` would otherwise show the time beside it reversed.
pub fn bidi_closers(s: &str) -> String {
    // Each of these characters is three bytes starting with 0xE2.
    if memchr::memchr(0xE2, s.as_bytes()).is_none() {
        return String::new();
    }
    let mut open: Vec<char> = Vec::new();
    for c in s.chars() {
        if let Some(closer) = opens_bidi_run(c) {
            open.push(closer);
        } else if c == '\u{202C}' {
            // A pop closes the last embedding, never past an isolate.
            if open.last() == Some(&'\u{202C}') {
                open.pop();
            }
        } else if c == '\u{2069}' {
            // A pop of an isolate closes it with every embedding opened inside it.
            if let Some(i) = open.iter().rposition(|&c| c == '\u{2069}') {
                open.truncate(i);
            }
        }
    }
    open.iter().rev().collect()
}

/// The number of characters of `s` when it has more than `max`, counted only when its
/// bytes are more (most texts are far shorter in bytes than a limit in characters).
pub fn chars_beyond(s: &str, max: usize) -> Option<usize> {
    if s.len() <= max {
        return None;
    }
    Some(s.chars().count()).filter(|&n| n > max)
}

/// Whether a terminal would act on `c` rather than show it: a control character, a
/// directional formatting character, or a line or paragraph separator (U+2028, U+2029),
/// where editors and log viewers start a new line.
pub fn hidden(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` with control characters and directional formatting characters written as
/// escapes (`\u{1b}`), for a terminal: a file name or a text quoted in a message
/// cannot then move the cursor, change colours, start a new line or reverse the
/// message around it.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// JSON text made safe inside a JavaScript file: U+2028 and U+2029 are valid in JSON
/// strings but ended a string literal in JavaScript before ES2019, so browsers of that
/// age rejected the whole file.
pub fn js_line_separators_escaped(json: String) -> String {
    if memchr::memmem::find(json.as_bytes(), "\u{2028}".as_bytes()).is_none()
        && memchr::memmem::find(json.as_bytes(), "\u{2029}".as_bytes()).is_none()
    {
        return json;
    }
    json.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directional_characters_are_found_by_their_bytes() {
        for c in ('\u{2000}'..='\u{20FF}').chain(['a', '稀', '–', '’']) {
            let mut s = String::from("x");
            s.push(c);
            assert_eq!(
                is_bidi_control_at(s.as_bytes(), 1),
                is_bidi_control(c),
                "{c:?}"
            );
            assert!(!is_bidi_control_at(s.as_bytes(), 0));
        }
        // A cut-off character is none.
        assert!(!is_bidi_control_at(&[0xE2, 0x80], 0));
    }

    #[test]
    fn converts_in_any_order() {
        let s = "a“b”c";
        let mut idx = CharIndex::new(s);
        assert_eq!(idx.char_of(1), 1);
        assert_eq!(idx.char_of(5), 3);
        assert_eq!(idx.char_of(4), 2);
        assert_eq!(idx.char_of(s.len()), 5);
    }

    #[test]
    fn open_directional_runs_are_closed_innermost_first() {
        let (rlo, pdf, rli, pdi) = ('\u{202E}', '\u{202C}', '\u{2067}', '\u{2069}');
        assert_eq!(bidi_closers("plain “quoted” text"), "");
        assert_eq!(bidi_closers(&format!("a{rlo}b")), pdf.to_string());
        assert_eq!(bidi_closers(&format!("a{rlo}b{pdf}c")), "");
        assert_eq!(
            bidi_closers(&format!("{rli}x{rlo}y")),
            format!("{pdf}{pdi}")
        );
        // A pop of the isolate closes the override opened inside it.
        assert_eq!(bidi_closers(&format!("{rli}x{rlo}y{pdi}")), "");
        // A stray pop closes nothing it did not open.
        assert_eq!(bidi_closers(&format!("{pdf}{pdi}{rlo}")), pdf.to_string());
        // A pop of an embedding does not close an isolate.
        assert_eq!(bidi_closers(&format!("{rli}{pdf}")), pdi.to_string());
    }

    #[test]
    fn chars_beyond_counts_characters_not_bytes() {
        assert_eq!(chars_beyond("稀土", 2), None, "six bytes, two characters");
        assert_eq!(chars_beyond("稀土镓", 2), Some(3));
        assert_eq!(chars_beyond("abc", 3), None);
    }

    #[test]
    fn visible_escapes_what_a_terminal_would_act_on() {
        assert!(matches!(
            visible("稀土 news.txt"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(visible("a\nb\r\u{1b}[31mc"), "a\\nb\\r\\u{1b}[31mc");
        assert_eq!(visible("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(visible("x\u{2028}y\u{2029}"), "x\\u{2028}y\\u{2029}");
    }

    #[test]
    fn line_separators_are_escaped_for_javascript() {
        let json = serde_json::to_string("a\u{2028}b\u{2029}c").unwrap();
        let js = js_line_separators_escaped(json);
        assert_eq!(js, r#""a\u2028b\u2029c""#);
        assert_eq!(
            serde_json::from_str::<String>(&js).unwrap(),
            "a\u{2028}b\u{2029}c"
        );
    }
}
