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

/// FNV-1a, for small tables of short words looked up once per word of a text (the
/// default SipHash costs more than the lookup it serves). Deterministic.
#[derive(Default)]
pub struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FnvBuildHasher = std::hash::BuildHasherDefault<FnvHasher>;

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
