//! Stable identifiers derived from content.
//!
//! Ids are the first 64 bits of a SHA-256 over the fields that identify a row, joined by
//! NUL bytes, written as 16 hex digits. They do not depend on build order, machine or
//! thread count, so the same article, claim or figure keeps its id from build to build
//! and `gazette diff` can follow it across releases.

use std::hash::{BuildHasherDefault, Hasher};

use sha2::{Digest, Sha256};

/// 16 hex digits identifying `parts`.
pub fn stable_id(parts: &[&str]) -> String {
    hex(&digest(parts)[..8])
}

/// Full SHA-256 of `parts`, hex.
pub fn content_hash(parts: &[&str]) -> String {
    hex(&digest(parts))
}

/// SHA-256 of `parts` joined by NUL bytes.
fn digest(parts: &[&str]) -> sha2::digest::Output<Sha256> {
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update([0u8]);
        }
        h.update(p.as_bytes());
    }
    h.finalize()
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The size and SHA-256 of a file, read a megabyte at a time: published tables run to
/// gigabytes at a million articles, and reading them whole to hash them, several at once,
/// was the build's peak memory.
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok((size, hex(&hasher.finalize())));
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Bytes, not chars: pushing a char encodes it as UTF-8 and checks the capacity, a
    // dozen instructions a digit for every id of every row.
    let mut digits = vec![0; bytes.len() * 2];
    for (pair, b) in digits.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 15)];
    }
    String::from_utf8(digits).expect("hex digits are ASCII")
}

/// Gives repeated keys distinct ids: the first occurrence of a key uses the key alone,
/// later ones add their occurrence number. Used where a text may repeat within one
/// parent (the same claim twice in a summary, the same figure twice in a claim).
#[derive(Default)]
pub struct Occurrences {
    // Keyed by the key's whole SHA-256, which the first occurrence's id is cut from
    // anyway: one hash per call, no joined copy of the parts.
    seen: std::collections::HashMap<[u8; 32], u32, BuildHasherDefault<DigestHasher>>,
}

/// Hashes a SHA-256 digest as its first eight bytes, which are already uniform: SipHash
/// of 32 bytes, for every claim and figure and again as each article's map grew, was
/// three times the map's own work.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        if let Some(head) = bytes.first_chunk::<8>() {
            self.0 ^= u64::from_le_bytes(*head);
        }
    }

    // The array's length, the same for every key.
    fn write_usize(&mut self, _: usize) {}

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Occurrences {
    pub fn id(&mut self, parts: &[&str]) -> String {
        let digest: [u8; 32] = digest(parts).into();
        let n = self.seen.entry(digest).or_insert(0);
        *n += 1;
        if *n == 1 {
            hex(&digest[..8])
        } else {
            let occurrence = n.to_string();
            let mut with = parts.to_vec();
            with.push(&occurrence);
            stable_id(&with)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_hash_as_their_bytes_do() {
        let dir = tempfile::tempdir().unwrap();
        // Past one read's megabyte, not a multiple of it.
        let bytes: Vec<u8> = (0..2_500_000u32).map(|i| (i % 251) as u8).collect();
        for (name, content) in [("big", &bytes[..]), ("empty", &[][..])] {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            assert_eq!(
                sha256_file(&path).unwrap(),
                (content.len() as u64, sha256_hex(content))
            );
        }
        assert!(sha256_file(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(stable_id(&["a", "b"]), stable_id(&["a", "b"]));
        assert_ne!(stable_id(&["a", "b"]), stable_id(&["ab"]));
        assert_eq!(stable_id(&["x"]).len(), 16);
        // Pinned: an id must never change between releases for the same content.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut occ = Occurrences::default();
        let first = occ.id(&["p", "t"]);
        let second = occ.id(&["p", "t"]);
        assert_eq!(first, stable_id(&["p", "t"]));
        assert_ne!(first, second);
    }
}
