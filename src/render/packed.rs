//! A long-text column held LZ4-compressed in small blocks ([`PackedStrs`]).
//!
//! The claims' text is the largest thing the site holds: 1.5 GB of the render's 5.5 GB
//! at a million articles. Pages read it a claim at a time, and an article's claims are
//! neighbouring rows, so blocks of a few kilobytes cost one decompression per article
//! page (a few microseconds) and hold the text in less than half its size (the synthetic
//! corpus packs to about 0.4 of it, real digests less well). Only a large table's text
//! is packed ([`super::tables::PACK_TEXT_ABOVE`]): at 100k articles unpacking cost a
//! tenth more of the render's CPU.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};
use arrow::array::{Array, StringArray};

/// Rows are packed into a block until its text reaches this many bytes. Smaller blocks
/// decompress faster and pack worse: 2 KB packs the synthetic claims to 0.70 of their
/// size, 8 KB to 0.42, 32 KB to 0.25.
const BLOCK_BYTES: usize = 8 * 1024;

/// Distinguishes columns in the per-thread cache of the last block read.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A string column, its rows concatenated into LZ4 blocks; a null reads as `""` (the
/// packed columns are required ones).
#[derive(Debug)]
pub struct PackedStrs {
    id: u64,
    blocks: Vec<Block>,
    /// First row of each block.
    block_starts: Vec<usize>,
    /// Each row's end within its block's text.
    ends: Vec<u32>,
    /// Bytes of text, unpacked.
    raw_bytes: usize,
}

#[derive(Debug)]
struct Block {
    packed: Box<[u8]>,
    raw_len: usize,
}

thread_local! {
    /// The last block this thread unpacked: (column id, block, text).
    static LAST: RefCell<(u64, usize, Vec<u8>)> = const { RefCell::new((0, 0, Vec::new())) };
}

impl PackedStrs {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes held (packed blocks and row offsets).
    pub fn packed_bytes(&self) -> usize {
        self.blocks.iter().map(|b| b.packed.len()).sum::<usize>() + self.ends.len() * 4
    }

    /// Bytes of the text unpacked.
    pub fn raw_bytes(&self) -> usize {
        self.raw_bytes
    }

    /// Calls `f` with row `i`'s text. Rows of the block this thread read last are served
    /// from it; another block is unpacked first.
    pub fn with<R>(&self, i: usize, f: impl FnOnce(&str) -> R) -> R {
        let b = self
            .block_starts
            .partition_point(|&s| s <= i)
            .saturating_sub(1);
        let start = if i == self.block_starts[b] {
            0
        } else {
            self.ends[i - 1] as usize
        };
        let end = self.ends[i] as usize;
        fn slice(raw: &[u8], start: usize, end: usize) -> &str {
            std::str::from_utf8(raw.get(start..end).unwrap_or_default()).unwrap_or_default()
        }
        LAST.with(|last| match last.try_borrow_mut() {
            Ok(mut last) => {
                if (last.0, last.1) != (self.id, b) {
                    self.unpack(b, &mut last.2);
                    (last.0, last.1) = (self.id, b);
                }
                f(slice(&last.2, start, end))
            }
            // `f` reads a packed column itself: unpack into a buffer of its own.
            Err(_) => {
                let mut raw = Vec::new();
                self.unpack(b, &mut raw);
                f(slice(&raw, start, end))
            }
        })
    }

    /// Row `i`'s text, copied.
    pub fn get(&self, i: usize) -> String {
        self.with(i, str::to_string)
    }

    fn unpack(&self, b: usize, into: &mut Vec<u8>) {
        let block = &self.blocks[b];
        into.clear();
        if block.raw_len == 0 {
            return;
        }
        into.resize(block.raw_len, 0);
        // The blocks were packed here from valid text; decompressing cannot fail short
        // of memory corruption, and then an empty text is what the page shows.
        if lz4::block::decompress_to_buffer(&block.packed, Some(block.raw_len as i32), into)
            .is_err()
        {
            into.clear();
        }
    }
}

/// Packs a column batch by batch as it is read.
#[derive(Debug, Default)]
pub struct PackedBuilder {
    blocks: Vec<Block>,
    block_starts: Vec<usize>,
    ends: Vec<u32>,
    raw: Vec<u8>,
    raw_bytes: usize,
    /// Whether rows have been pushed since the last block was sealed (they may all be
    /// empty texts).
    open: bool,
}

impl PackedBuilder {
    pub fn push(&mut self, text: &str) -> Result<()> {
        if !self.open {
            self.block_starts.push(self.ends.len());
            self.open = true;
        }
        self.raw.extend_from_slice(text.as_bytes());
        self.raw_bytes += text.len();
        let Ok(end) = u32::try_from(self.raw.len()) else {
            bail!("A text of {} bytes is too long to hold", text.len());
        };
        self.ends.push(end);
        if self.raw.len() >= BLOCK_BYTES {
            self.seal()?;
        }
        Ok(())
    }

    /// Appends a batch's strings (nulls as empty texts).
    pub fn push_array(&mut self, array: &StringArray) -> Result<()> {
        for i in 0..array.len() {
            self.push(if array.is_valid(i) {
                array.value(i)
            } else {
                ""
            })?;
        }
        Ok(())
    }

    fn seal(&mut self) -> Result<()> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        let packed = if self.raw.is_empty() {
            Vec::new()
        } else {
            lz4::block::compress(&self.raw, None, false).context("Failed to pack a text")?
        };
        self.blocks.push(Block {
            packed: packed.into_boxed_slice(),
            raw_len: self.raw.len(),
        });
        self.raw.clear();
        Ok(())
    }

    pub fn finish(mut self) -> Result<PackedStrs> {
        self.seal()?;
        self.ends.shrink_to_fit();
        Ok(PackedStrs {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            blocks: self.blocks,
            block_starts: self.block_starts,
            ends: self.ends,
            raw_bytes: self.raw_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(texts: &[&str]) -> PackedStrs {
        let mut b = PackedBuilder::default();
        for t in texts {
            b.push(t).unwrap();
        }
        b.finish().unwrap()
    }

    /// Every row reads back as pushed, in any order of access, across blocks, and with
    /// two columns read in turn on one thread (the cache is per column).
    #[test]
    fn rows_read_back_across_blocks_and_columns() {
        let texts: Vec<String> = (0..5000)
            .map(|i| match i % 7 {
                0 => String::new(),
                1 => format!("稀土 claim {i} with 中文 text"),
                _ => format!("claim {i}: ").repeat(i % 13 + 1),
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let a = packed(&refs);
        let b = packed(&["only", "two"]);
        assert_eq!(a.len(), texts.len());
        assert!(a.blocks.len() > 10, "the test spans many blocks");
        assert!(a.packed_bytes() < a.raw_bytes());
        for i in (0..texts.len()).rev().step_by(3).chain(0..texts.len()) {
            assert_eq!(a.get(i), texts[i], "row {i}");
            assert_eq!(b.get(i % 2), ["only", "two"][i % 2]);
        }
        // Reading a packed column inside another's callback.
        a.with(1, |outer| {
            assert_eq!(outer, texts[1]);
            assert_eq!(a.get(4000), texts[4000]);
        });
    }

    /// A text longer than a block ends its block, and the rows after it are read from
    /// the next one.
    #[test]
    fn a_text_longer_than_a_block_ends_it() {
        let long = "x".repeat(3 * BLOCK_BYTES);
        let p = packed(&["a", &long, "b"]);
        assert_eq!(p.blocks.len(), 2);
        assert_eq!(
            (p.get(0), p.get(1), p.get(2)),
            ("a".into(), long, "b".into())
        );
    }

    /// A block of nothing but empty texts.
    #[test]
    fn empty_texts_alone_are_a_block() {
        let long = "x".repeat(BLOCK_BYTES);
        let p = packed(&["", "", &long, "", ""]);
        assert_eq!(p.blocks.len(), 2);
        let read: Vec<String> = (0..5).map(|i| p.get(i)).collect();
        assert_eq!(read, ["", "", &long, "", ""]);
        assert!(packed(&[]).is_empty());
    }

    #[test]
    fn nulls_read_as_empty_texts() {
        let mut b = PackedBuilder::default();
        b.push_array(&StringArray::from(vec![Some("a"), None, Some("c")]))
            .unwrap();
        let p = b.finish().unwrap();
        assert_eq!(
            (p.get(0), p.get(1), p.get(2)),
            ("a".into(), "".into(), "c".into())
        );
    }
}
