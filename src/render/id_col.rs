//! Row ids held as numbers.
//!
//! gazette's ids are 16 lowercase hex digits ([`crate::ids::stable_id`]): as Arrow
//! strings they take 20 bytes a row (the digits and an offset), as the 64-bit number
//! they spell, 8. At a million articles the claims' and figures' ids were 0.5 GB of the
//! site's memory. A batch whose ids are all of that form is held as numbers and written
//! back as the same digits wherever a page shows one; any other batch (a table written
//! by something else) keeps its strings, so every id prints as it was read.

use std::fmt;
use std::sync::Arc;

use anyhow::Result;
use arrow::array::{Array, ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow::datatypes::{DataType, Schema};
use serde::{Serialize, Serializer};

/// One id: the number 16 hex digits spell, or the id as read when it is anything else
/// (so that two ids are equal exactly when they print the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Id<'a> {
    Hex(u64),
    Str(&'a str),
}

impl<'a> Id<'a> {
    /// `s` as an id: its number where it is 16 lowercase hex digits.
    pub fn of(s: &'a str) -> Self {
        parse_hex(s).map_or(Id::Str(s), Id::Hex)
    }
}

impl fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Hex(v) => write!(f, "{v:016x}"),
            Id::Str(s) => f.write_str(s),
        }
    }
}

impl Serialize for Id<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Hex(_) => s.collect_str(self),
            Id::Str(id) => s.serialize_str(id),
        }
    }
}

/// Each byte's value as a lowercase hex digit, or 0xFF for a byte that is not one.
const HEX_DIGITS: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut d = 0;
    while d < 16 {
        t[b"0123456789abcdef"[d] as usize] = d as u8;
        d += 1;
    }
    t
};

/// The number 16 lowercase hex digits spell (`None` for anything else: uppercase
/// digits would print back differently).
///
/// Without a branch per digit: whether a digit of a hash is a number or a letter is a
/// coin toss that a branch mispredicts, and the loading reads tens of millions of ids.
fn parse_hex(s: &str) -> Option<u64> {
    let b: &[u8; 16] = s.as_bytes().try_into().ok()?;
    let (mut v, mut seen) = (0u64, 0u8);
    for &c in b {
        let d = HEX_DIGITS[c as usize];
        seen |= d;
        v = v << 4 | u64::from(d & 0xF);
    }
    (seen & 0xF0 == 0).then_some(v)
}

/// `batch` with each of `columns` held as numbers where every id in it is 16 lowercase
/// hex digits (and none is null); other columns and batches as they are.
pub fn ids_as_numbers(batch: RecordBatch, columns: &[&str]) -> Result<RecordBatch> {
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut arrays = Vec::with_capacity(schema.fields().len());
    let mut changed = false;
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let numbers = columns
            .contains(&field.name().as_str())
            .then(|| array.as_any().downcast_ref::<StringArray>())
            .flatten()
            .filter(|s| s.null_count() == 0)
            .and_then(|s| {
                s.iter()
                    .map(|v| v.and_then(parse_hex))
                    .collect::<Option<Vec<u64>>>()
            });
        match numbers {
            Some(n) => {
                changed = true;
                fields.push(field.as_ref().clone().with_data_type(DataType::UInt64));
                arrays.push(Arc::new(UInt64Array::from(n)) as ArrayRef);
            }
            None => {
                fields.push(field.as_ref().clone());
                arrays.push(array.clone());
            }
        }
    }
    if !changed {
        return Ok(batch);
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    Ok(RecordBatch::try_new(schema, arrays)?)
}

/// One batch of an id column.
#[derive(Clone, Copy)]
pub enum IdChunk<'a> {
    Numbers(&'a UInt64Array),
    Strings(&'a StringArray),
}

impl<'a> IdChunk<'a> {
    pub fn of(array: &'a dyn Array) -> Option<Self> {
        let any = array.as_any();
        if let Some(n) = any.downcast_ref::<UInt64Array>() {
            return Some(IdChunk::Numbers(n));
        }
        any.downcast_ref::<StringArray>().map(IdChunk::Strings)
    }

    pub fn get(self, r: usize) -> Id<'a> {
        match self {
            IdChunk::Numbers(n) => Id::Hex(n.value(r)),
            IdChunk::Strings(s) => Id::of(s.value(r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(ids: Vec<Option<&str>>) -> RecordBatch {
        RecordBatch::try_from_iter([
            ("claim_id", Arc::new(StringArray::from(ids)) as ArrayRef),
            (
                "label",
                Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef,
            ),
        ])
        .unwrap()
    }

    fn ids_of(b: &RecordBatch) -> Vec<String> {
        let chunk = IdChunk::of(b.column(0).as_ref()).unwrap();
        (0..b.num_rows())
            .map(|r| chunk.get(r).to_string())
            .collect()
    }

    #[test]
    fn hex_ids_become_numbers_and_print_back_the_same() {
        let ids = ["00000000000000ff", "ffffffffffffffff"];
        let b = ids_as_numbers(batch(ids.map(Some).to_vec()), &["claim_id"]).unwrap();
        assert_eq!(b.column(0).data_type(), &DataType::UInt64);
        assert_eq!(
            b.column(1).data_type(),
            &DataType::Utf8,
            "other columns as they were"
        );
        assert_eq!(ids_of(&b), ids);
        assert_eq!(
            serde_json::to_string(&Id::Hex(255)).unwrap(),
            "\"00000000000000ff\""
        );
    }

    #[test]
    fn a_batch_with_any_other_id_keeps_its_strings() {
        for odd in [
            "00000000000000FF",
            "abc",
            "0000000000000000a",
            "000000000000000g",
        ] {
            let b = ids_as_numbers(
                batch(vec![Some("00000000000000ff"), Some(odd)]),
                &["claim_id"],
            )
            .unwrap();
            assert_eq!(b.column(0).data_type(), &DataType::Utf8, "{odd}");
            assert_eq!(ids_of(&b), ["00000000000000ff", odd]);
        }
        let nulls = ids_as_numbers(batch(vec![Some("00000000000000ff"), None]), &["claim_id"]);
        assert_eq!(nulls.unwrap().column(0).data_type(), &DataType::Utf8);
    }

    #[test]
    fn only_sixteen_lowercase_hex_digits_are_a_number() {
        assert_eq!(parse_hex("0123456789abcdef"), Some(0x0123_4567_89ab_cdef));
        assert_eq!(parse_hex("fedcba9876543210"), Some(0xfedc_ba98_7654_3210));
        for c in (0u8..128).map(char::from) {
            for at in [0, 7, 15] {
                let mut id: Vec<char> = "0000000000000000".chars().collect();
                id[at] = c;
                let id: String = id.into_iter().collect();
                let expected = (c.is_ascii_digit() || ('a'..='f').contains(&c))
                    .then(|| u64::from_str_radix(&id, 16).unwrap());
                assert_eq!(parse_hex(&id), expected, "{id:?}");
            }
        }
        // Sixteen bytes, not sixteen characters; and not ASCII.
        assert_eq!(parse_hex("00000000000000é"), None);
        assert_eq!(parse_hex("000000000000000"), None);
    }

    #[test]
    fn ids_compare_by_what_they_print() {
        let n = Id::of("00000000000000ff");
        assert!(matches!(n, Id::Hex(255)));
        assert_eq!(n, Id::of("00000000000000ff"));
        assert_ne!(n, Id::of("00000000000000FF"));
        assert_ne!(n, Id::of("ff"));
        assert!(matches!(Id::of("00000000000000FF"), Id::Str(_)));
        // A batch of strings gives the same ids as one of numbers.
        let strings = batch(vec![Some("00000000000000ff"), Some("x")]);
        let chunk = IdChunk::of(strings.column(0).as_ref()).unwrap();
        assert_eq!(chunk.get(0), n);
        assert_eq!(chunk.get(1), Id::Str("x"));
    }
}
