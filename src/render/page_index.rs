//! What each page of the last render was made from, so that a rebuild keeps the pages
//! whose inputs did not change without rendering them again.
//!
//! A page is a pure function of its template, its view and what every page sees (the
//! tool, the templates after `--templates` overrides, the site's globals). The render
//! hashes those into a [`PageKey`] per page and records, in the build's local cache,
//! each page's key with the identity of the file it wrote (size, modification time,
//! inode). A rebuild whose page has the key recorded, and whose previous file is still
//! that very file, links it instead of rendering its template and writing it.
//!
//! Why inputs and not output bytes: linking by bytes ([`super::site::OutputDir`]) still
//! renders every page and reads the previous one back. At 100k articles the templates
//! and views were most of the render's CPU, and at a million articles the previous site
//! (20 GB) is no longer in memory to compare with.
//!
//! An entry is a fact about one file: "the file with this identity is the page rendered
//! from inputs with this key". It stays true for as long as that file exists unchanged,
//! so an index left from a build that failed, or from an older release, is never wrong:
//! at worst its files are gone and the pages are rendered again.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Result;
use serde::{Serialize, ser};
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::fsutil;

/// A hash of everything a page is rendered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey(pub u128);

/// The identity of a file as written: a page edited or replaced by hand (or checked out
/// again by git) gets another modification time or inode, and is rendered again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub mtime_ns: i64,
    pub ino: u64,
}

impl Stamp {
    /// The stamp of a file's metadata (from `symlink_metadata`: a symbolic link is not
    /// a page gazette wrote). `None` where the platform does not give inodes.
    pub fn of(meta: &fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.is_file().then(|| Stamp {
                len: meta.len(),
                mtime_ns: meta
                    .mtime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.mtime_nsec()),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: PageKey,
    pub stamp: Stamp,
}

const MAGIC: &[u8] = b"gazette page index 1\n";
const ENTRY_BYTES: usize = 8 + 16 + 8 + 8 + 8;

/// Pages are looked up by a hash of their path: a million paths' strings would add
/// about a hundred megabytes to the render's peak. Two paths with one hash (about one
/// chance in ten million at a million pages) only cost a page rendered again: the key
/// covers the path too.
fn path_hash(rel: &str) -> u64 {
    xxh3_64(rel.as_bytes())
}

/// The previous render's entries, for one render key.
#[derive(Debug, Default)]
pub struct PageIndex {
    entries: HashMap<u64, Entry>,
}

impl PageIndex {
    /// The index at `path` if it was written under `render` (the same tool, templates
    /// and globals); `None` when there is none, it is unreadable, or it is of another
    /// render, whose pages all change.
    pub fn load(path: &Path, render: PageKey) -> Option<PageIndex> {
        let bytes = fs::read(path).ok()?;
        let rest = bytes.strip_prefix(MAGIC)?;
        let (head, body) = rest.split_at_checked(16 + 8)?;
        let stored = u128::from_le_bytes(head[..16].try_into().ok()?);
        let count = u64::from_le_bytes(head[16..].try_into().ok()?) as usize;
        if stored != render.0 || body.len() != count.checked_mul(ENTRY_BYTES)? {
            return None;
        }
        let mut entries = HashMap::with_capacity(count);
        for e in body.chunks_exact(ENTRY_BYTES) {
            let u64_at = |i: usize| u64::from_le_bytes(e[i..i + 8].try_into().expect("8 bytes"));
            let key = u128::from_le_bytes(e[8..24].try_into().expect("16 bytes"));
            let entry = Entry {
                key: PageKey(key),
                stamp: Stamp {
                    len: u64_at(24),
                    mtime_ns: u64_at(32) as i64,
                    ino: u64_at(40),
                },
            };
            entries.insert(u64_at(0), entry);
        }
        Some(PageIndex { entries })
    }

    pub fn get(&self, rel: &str) -> Option<&Entry> {
        self.entries.get(&path_hash(rel))
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The entries of the render under way, saved when it is done.
#[derive(Debug, Default)]
pub struct IndexWriter {
    entries: Mutex<Vec<(u64, Entry)>>,
}

impl IndexWriter {
    /// Room for `pages` entries: grown by doubling, a million pages' entries (56 MB)
    /// would be copied, and held twice, on the way.
    pub fn with_capacity(pages: usize) -> Self {
        IndexWriter {
            entries: Mutex::new(Vec::with_capacity(pages)),
        }
    }

    pub fn record(&self, rel: &str, entry: Entry) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.push((path_hash(rel), entry));
        }
    }

    /// Writes the entries to `path` (atomically), for the next render under `render`.
    pub fn save(&self, path: &Path, render: PageKey) -> Result<()> {
        let mut entries = match self.entries.lock() {
            Ok(mut e) => std::mem::take(&mut *e),
            Err(_) => return Ok(()),
        };
        entries.sort_unstable_by_key(|&(h, _)| h);
        let mut bytes = Vec::with_capacity(MAGIC.len() + 24 + entries.len() * ENTRY_BYTES);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&render.0.to_le_bytes());
        bytes.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for (h, e) in &entries {
            bytes.extend_from_slice(&h.to_le_bytes());
            bytes.extend_from_slice(&e.key.0.to_le_bytes());
            bytes.extend_from_slice(&e.stamp.len.to_le_bytes());
            bytes.extend_from_slice(&e.stamp.mtime_ns.to_le_bytes());
            bytes.extend_from_slice(&e.stamp.ino.to_le_bytes());
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fsutil::write_atomic(path, &bytes)
    }
}

/// Feeds values to a hash: tags, lengths and bytes, so that two different values (a
/// `None` and an empty string, `["ab"]` and `["a", "b"]`) never feed the same bytes.
/// The bytes are gathered, then hashed at once: xxh3 fed piece by piece (a tag, a
/// length, a short string) spent more than the walk itself.
pub struct KeyHasher {
    buf: Vec<u8>,
}

thread_local! {
    /// Each thread's buffer, kept at the size of its largest view: growing a new one for
    /// every page copied it over and over.
    static SPARE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl Default for KeyHasher {
    fn default() -> Self {
        let mut buf = SPARE.take();
        buf.clear();
        KeyHasher { buf }
    }
}

impl Drop for KeyHasher {
    fn drop(&mut self) {
        SPARE.set(std::mem::take(&mut self.buf));
    }
}

impl KeyHasher {
    pub fn new() -> Self {
        KeyHasher::default()
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(&(b.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(b);
        self
    }

    fn tag(&mut self, t: u8) {
        self.buf.push(t);
    }

    /// A value as its `Serialize` describes it. `None` when it refused (a custom error):
    /// a page whose view cannot be hashed whole is rendered every time.
    pub fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> Option<&mut Self> {
        v.serialize(&mut *self).ok().map(|()| self)
    }

    pub fn key(&mut self, k: PageKey) -> &mut Self {
        self.buf.extend_from_slice(&k.0.to_le_bytes());
        self
    }

    pub fn finish(&self) -> PageKey {
        PageKey(xxh3_128(&self.buf))
    }
}

/// Hashing never fails by itself; this carries a `Serialize` impl's own refusal.
#[derive(Debug)]
pub struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the value refused to be serialized")
    }
}

impl std::error::Error for Refused {}

impl ser::Error for Refused {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Refused
    }
}

// Tags of the shapes a value takes.
const T_BOOL: u8 = 1;
const T_INT: u8 = 2;
const T_UINT: u8 = 3;
const T_INT128: u8 = 4;
const T_UINT128: u8 = 5;
const T_FLOAT: u8 = 6;
const T_CHAR: u8 = 7;
const T_STR: u8 = 8;
const T_BYTES: u8 = 9;
const T_NONE: u8 = 10;
const T_SOME: u8 = 11;
const T_UNIT: u8 = 12;
const T_VARIANT: u8 = 13;
const T_SEQ: u8 = 14;
const T_MAP: u8 = 15;
const T_STRUCT: u8 = 16;
const T_END: u8 = 17;
const T_SKIPPED: u8 = 18;

/// Integers as a tag and their little-endian bytes, the narrower ones widened first: a
/// number hashes the same whichever integer type of its sign holds it.
macro_rules! numbers {
    ($($method:ident($t:ty) as $wide:ty => $tag:expr;)*) => {
        $(fn $method(self, v: $t) -> Result<(), Refused> {
            self.tag($tag);
            self.buf.extend_from_slice(&<$wide>::from(v).to_le_bytes());
            Ok(())
        })*
    };
}

/// An enum variant holding a tuple or fields: its enum and variant names, then the
/// compound's tag (its elements follow, then an end tag).
macro_rules! variants {
    ($($method:ident => $tag:expr;)*) => {
        $(fn $method(
            self,
            name: &'static str,
            _index: u32,
            variant: &'static str,
            _len: usize,
        ) -> Result<Self, Refused> {
            self.tag(T_VARIANT);
            self.str(name).str(variant);
            self.tag($tag);
            Ok(self)
        })*
    };
}

/// A struct's fields by position, without their names: a struct's name (fed before
/// them) fixes its fields and their order, and a field that `skip_serializing_if` leaves
/// out feeds a tag of its own, so the values that follow keep their places. The names
/// were a third of the bytes hashed for an article page.
macro_rules! fields {
    ($trait:ident) => {
        impl ser::$trait for &mut KeyHasher {
            type Ok = ();
            type Error = Refused;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Result<(), Refused> {
                value.serialize(&mut **self)
            }
            fn skip_field(&mut self, _key: &'static str) -> Result<(), Refused> {
                self.tag(T_SKIPPED);
                Ok(())
            }
            fn end(self) -> Result<(), Refused> {
                self.tag(T_END);
                Ok(())
            }
        }
    };
}

/// A compound value: its elements (or keys and values) in order, then an end tag.
macro_rules! compound {
    ($trait:ident, $($method:ident),+) => {
        impl ser::$trait for &mut KeyHasher {
            type Ok = ();
            type Error = Refused;
            $(fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refused> {
                value.serialize(&mut **self)
            })+
            fn end(self) -> Result<(), Refused> {
                self.tag(T_END);
                Ok(())
            }
        }
    };
}

impl ser::Serializer for &mut KeyHasher {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Refused> {
        self.tag(T_BOOL);
        self.buf.push(u8::from(v));
        Ok(())
    }
    numbers! {
        serialize_i8(i8) as i64 => T_INT;
        serialize_i16(i16) as i64 => T_INT;
        serialize_i32(i32) as i64 => T_INT;
        serialize_i64(i64) as i64 => T_INT;
        serialize_i128(i128) as i128 => T_INT128;
        serialize_u8(u8) as u64 => T_UINT;
        serialize_u16(u16) as u64 => T_UINT;
        serialize_u32(u32) as u64 => T_UINT;
        serialize_u64(u64) as u64 => T_UINT;
        serialize_u128(u128) as u128 => T_UINT128;
    }
    fn serialize_f32(self, v: f32) -> Result<(), Refused> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Refused> {
        self.tag(T_FLOAT);
        self.buf.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Refused> {
        self.tag(T_CHAR);
        self.buf.extend_from_slice(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Refused> {
        self.tag(T_STR);
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Refused> {
        self.tag(T_BYTES);
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Refused> {
        self.tag(T_NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Refused> {
        self.tag(T_SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Refused> {
        self.tag(T_UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), Refused> {
        self.tag(T_UNIT);
        self.str(name);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Refused> {
        self.tag(T_VARIANT);
        self.str(name).str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        self.tag(T_VARIANT);
        self.str(name).str(variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Refused> {
        self.tag(T_SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self, Refused> {
        self.tag(T_SEQ);
        Ok(self)
    }
    fn serialize_tuple_struct(self, name: &'static str, _len: usize) -> Result<Self, Refused> {
        self.tag(T_SEQ);
        self.str(name);
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Refused> {
        self.tag(T_MAP);
        Ok(self)
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Self, Refused> {
        self.tag(T_STRUCT);
        self.str(name);
        Ok(self)
    }
    variants! {
        serialize_tuple_variant => T_SEQ;
        serialize_struct_variant => T_STRUCT;
    }
}

compound!(SerializeSeq, serialize_element);
compound!(SerializeTuple, serialize_element);
compound!(SerializeTupleStruct, serialize_field);
compound!(SerializeTupleVariant, serialize_field);

compound!(SerializeMap, serialize_key, serialize_value);

fields!(SerializeStruct);
fields!(SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of<T: Serialize>(v: &T) -> PageKey {
        KeyHasher::new().value(v).expect("hashable").finish()
    }

    #[derive(Serialize)]
    struct View<'a> {
        title: &'a str,
        items: Vec<&'a str>,
        note: Option<&'a str>,
        n: i32,
    }

    #[test]
    fn keys_tell_apart_what_a_template_could_tell_apart() {
        let view = |title, items: Vec<&'static str>, note, n| View {
            title,
            items,
            note,
            n,
        };
        let base = key_of(&view("a", vec!["ab"], None, 1));
        assert_eq!(base, key_of(&view("a", vec!["ab"], None, 1)));
        for other in [
            view("a", vec!["a", "b"], None, 1),
            view("a", vec!["ab"], Some(""), 1),
            view("a", vec!["ab"], None, 2),
            view("ab", vec![], None, 1),
        ] {
            assert_ne!(base, key_of(&other));
        }
        assert_ne!(
            key_of(&(1i32,)),
            key_of(&(1u32,)),
            "signed and unsigned differ"
        );

        // Fields are fed by position: one left out by `skip_serializing_if` still holds
        // its place, so the same value in the other field hashes apart.
        #[derive(Serialize)]
        struct Sparse {
            #[serde(skip_serializing_if = "Option::is_none")]
            first: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            second: Option<&'static str>,
        }
        let sparse = |first, second| key_of(&Sparse { first, second });
        assert_ne!(sparse(Some("x"), None), sparse(None, Some("x")));
        assert_ne!(sparse(None, None), sparse(Some(""), None));
    }

    /// The segments and chips a view holds as template objects are hashed by what they
    /// show: a changed tooltip or link renders the page again. As template values they
    /// stay the objects the filters read.
    #[test]
    fn segments_and_chips_are_hashed_by_their_contents() {
        use crate::render::model::{EntityChip, FigureView, Segments, Span};
        let chip = |url: &str| EntityChip::new("country/JP", "country", "Japan", None, url);
        let segments = |title: &str, url: &str| {
            let spans = [
                Span {
                    start: 0,
                    end: 5,
                    figure: None,
                    entity: Some(chip(url)),
                },
                Span {
                    start: 10,
                    end: 13,
                    figure: Some(FigureView {
                        surface: "3 t".into(),
                        kind: "mass".into(),
                        title: title.into(),
                    }),
                    entity: None,
                },
            ];
            Segments::of("Japan has 3 t of it", &spans)
        };
        let base = key_of(&segments("mass: 3 t", "entities/a.html"));
        assert_eq!(base, key_of(&segments("mass: 3 t", "entities/a.html")));
        assert_ne!(base, key_of(&segments("mass: 3.0 t", "entities/a.html")));
        assert_ne!(base, key_of(&segments("mass: 3 t", "entities/b.html")));
        assert_ne!(
            key_of(&chip("entities/a.html")),
            key_of(&chip("entities/b.html"))
        );
        let value = minijinja::Value::from(minijinja::value::Serde(segments("mass: 3 t", "a")));
        assert!(
            Segments::of_value(&value).is_some(),
            "still the list object"
        );
    }

    #[test]
    fn an_index_round_trips_and_is_ignored_under_another_render() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/pages.bin");
        let render = PageKey(7);
        let entry = Entry {
            key: PageKey(u128::MAX - 3),
            stamp: Stamp {
                len: 12,
                mtime_ns: -5,
                ino: 99,
            },
        };
        let w = IndexWriter::default();
        w.record("site/a.html", entry);
        w.save(&path, render).unwrap();
        let index = PageIndex::load(&path, render).unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(index.get("site/a.html"), Some(&entry));
        assert_eq!(index.get("site/b.html"), None);
        assert!(PageIndex::load(&path, PageKey(8)).is_none());
        let mut bytes = fs::read(&path).unwrap();
        bytes.pop();
        fs::write(&path, bytes).unwrap();
        assert!(
            PageIndex::load(&path, render).is_none(),
            "a cut file is no index"
        );
    }
}
