//! Byte-level helpers over one text: words, spaces and characters around a position.
//! Positions are byte offsets on char boundaries; nothing here allocates.

/// A text with its bytes.
#[derive(Clone, Copy)]
pub(super) struct Text<'a> {
    pub s: &'a str,
    pub b: &'a [u8],
}

#[inline]
pub(super) fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

#[inline]
pub(super) fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl<'a> Text<'a> {
    pub fn new(s: &'a str) -> Self {
        Text { s, b: s.as_bytes() }
    }

    pub fn len(&self) -> usize {
        self.b.len()
    }

    /// End of the run of ASCII letters starting at `i`.
    pub fn letters_end(&self, mut i: usize) -> usize {
        while i < self.b.len() && is_alpha(self.b[i]) {
            i += 1;
        }
        i
    }

    /// Start of the run of ASCII letters ending at `i`.
    pub fn letters_start(&self, mut i: usize) -> usize {
        while i > 0 && is_alpha(self.b[i - 1]) {
            i -= 1;
        }
        i
    }

    /// First position at or after `i` that is not an ASCII space or tab.
    pub fn skip_ws(&self, mut i: usize) -> usize {
        while i < self.b.len() && is_space(self.b[i]) {
            i += 1;
        }
        i
    }

    /// Last position at or before `i` (but not below `floor`) preceded by something
    /// other than a space.
    pub fn skip_ws_back(&self, mut i: usize, floor: usize) -> usize {
        while i > floor && is_space(self.b[i - 1]) {
            i -= 1;
        }
        i
    }

    /// The word of letters that ends (after optional spaces) right before `i`.
    pub fn word_before(&self, i: usize, floor: usize) -> Option<(usize, usize)> {
        let end = self.skip_ws_back(i, floor);
        let start = self.letters_start(end).max(floor);
        (start < end).then_some((start, end))
    }

    /// The word of letters that starts (after optional spaces) at `i`.
    pub fn word_after(&self, i: usize) -> Option<(usize, usize)> {
        let start = self.skip_ws(i);
        let end = self.letters_end(start);
        (start < end).then_some((start, end))
    }

    /// Whether `[start, end)` equals `word`, ASCII case-insensitively.
    pub fn eq_ic(&self, (start, end): (usize, usize), word: &str) -> bool {
        self.b[start..end].eq_ignore_ascii_case(word.as_bytes())
    }

    /// Whether the text at `i` starts with `word` (case-insensitively) followed by a
    /// non-letter.
    pub fn word_at_is(&self, i: usize, word: &str) -> bool {
        let end = i + word.len();
        end <= self.b.len()
            && self.b[i..end].eq_ignore_ascii_case(word.as_bytes())
            && !self.b.get(end).is_some_and(|&c| is_alpha(c))
    }

    /// The char starting at byte `i`, with its length.
    pub fn char_at(&self, i: usize) -> Option<(char, usize)> {
        let c = self.s.get(i..)?.chars().next()?;
        Some((c, c.len_utf8()))
    }

    /// The char ending at byte `i`, with its length.
    pub fn char_before(&self, i: usize) -> Option<(char, usize)> {
        let c = self.s.get(..i)?.chars().next_back()?;
        Some((c, c.len_utf8()))
    }

    /// Whether the word `[start, end)` starts with a capital and has a lowercase letter
    /// (`Group`, `Type`), i.e. reads as a name rather than a sentence word or an acronym.
    pub fn is_capitalized(&self, (start, end): (usize, usize)) -> bool {
        self.b[start].is_ascii_uppercase()
            && self.b[start + 1..end].iter().any(u8::is_ascii_lowercase)
    }

    /// Whether the sentence starts at `i` (only spaces, or nothing, since the last
    /// sentence end or the start of the text).
    pub fn starts_sentence(&self, i: usize) -> bool {
        let j = self.skip_ws_back(i, 0);
        j == 0
            || matches!(
                self.b[j - 1],
                b'.' | b'!' | b'?' | b':' | b';' | b'"' | b'('
            )
    }

    /// Whether the text contains Han characters but no Japanese kana (decides `¥`).
    pub fn is_chinese(&self) -> bool {
        let mut han = false;
        for c in self.s.chars() {
            match c {
                '\u{3040}'..='\u{30FF}' => return false,
                '\u{4E00}'..='\u{9FFF}' => han = true,
                _ => {}
            }
        }
        han
    }
}
