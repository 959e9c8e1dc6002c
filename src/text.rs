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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_in_any_order() {
        let s = "a“b”c";
        let mut idx = CharIndex::new(s);
        assert_eq!(idx.char_of(1), 1);
        assert_eq!(idx.char_of(5), 3);
        assert_eq!(idx.char_of(4), 2);
        assert_eq!(idx.char_of(s.len()), 5);
    }
}
