//! What a build read and produced, for incremental builds.
//!
//! Two records:
//! - `data/manifest.json` (published, committed): the tool version, every input file with
//!   its size and SHA-256, and every output with its size and SHA-256. Deterministic: no
//!   times, no machine paths, so it reproduces like the data.
//! - `data/.cache/state.json` (local, not committed): what this machine needs to decide
//!   quickly that nothing changed — the identity of the gazette binary that built, and
//!   the size and modification time of every input and output it saw.
//!
//! A build is skipped when the tool, the options, every input and every output are as the
//! state recorded them. File contents are hashed only when their size or time changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::corpus::CorpusFile;
use crate::fsutil;

pub const MANIFEST_PATH: &str = "data/manifest.json";
pub const CACHE_DIR: &str = "data/.cache";
const STATE_FILE: &str = "state.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The published manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    /// SHA-256 over the reference data (gazetteer, exchange rates…) the tool embeds.
    pub reference_data: String,
    /// Corpus files, by name relative to the corpus directory.
    pub inputs: Vec<FileRecord>,
    /// Outputs, by path relative to the output root.
    pub outputs: Vec<FileRecord>,
}

impl Manifest {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("manifest serializes");
        v.push(b'\n');
        v
    }
}

/// Size, modification time, change time and inode: a cheap stand-in for the content
/// while all are unchanged (what git's index compares). Size and modification time alone
/// miss an edit that kept both, as `touch -r`, `cp -p`, `rsync -a` or `tar` restore the
/// time of a file they rewrote; its change time and, when it was written anew, its inode
/// still differ, since no tool can set those back. A file whose stat differs is hashed
/// again, so a stat that changed for nothing (`chmod`, a hard link) costs a read, not a
/// rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    pub bytes: u64,
    pub mtime_ns: u128,
    /// Zero where the platform has no change time (and in states written before it was
    /// recorded: those files are hashed again once).
    #[serde(default)]
    pub ctime_ns: i128,
    #[serde(default)]
    pub ino: u64,
}

impl Stat {
    pub fn of(path: &Path) -> Option<Stat> {
        let m = std::fs::metadata(path).ok()?;
        let mtime_ns = m
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
                m.ino(),
            )
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (0, 0);
        Some(Stat {
            bytes: m.len(),
            mtime_ns,
            ctime_ns,
            ino,
        })
    }
}

/// The local record of the last build (see module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub tool_id: String,
    /// Options that change the outputs (corpus directory, templates…), as given.
    pub options: String,
    /// Corpus file name → its stat and hash when last read.
    pub inputs: BTreeMap<String, (Stat, String)>,
    /// Output path → its stat when written.
    pub outputs: BTreeMap<String, Stat>,
    /// Errors the build reported (bad articles skipped): a `--strict` build over it is
    /// not up to date, it must fail as that build would have.
    #[serde(default)]
    pub errors: usize,
}

/// The lock a command writing into an output root holds while it runs
/// (`data/.cache/lock`); released when dropped, or by the OS when the process ends
/// however it ends.
pub struct OutLock(#[allow(dead_code)] std::fs::File);

/// Locks `out_root` for a command that writes into it. Two builds into one folder would
/// otherwise stage, rename and remove each other's files: one failed in three runs of
/// ten, and when both succeeded the last writer won without a word. `None` where nothing
/// was ever built (no `data/`): a render or derive there fails on the missing tables,
/// and must not leave folders behind; a build opens its cache first.
pub fn lock_out(out_root: &Path) -> Result<Option<OutLock>> {
    if !out_root.join("data").is_dir() {
        return Ok(None);
    }
    let dir = out_root.join(CACHE_DIR);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("Failed to create the build cache '{}'", dir.display()))?;
    let path = dir.join("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("Failed to open the lock '{}'", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(OutLock(file))),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "Another gazette command is writing into '{}' (it holds '{}'); \
             wait for it to finish",
            out_root.display(),
            path.display()
        ),
        // Some network file systems lock nothing: build unguarded there, as before.
        Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            Ok(None)
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("Failed to lock '{}'", path.display()))
        }
    }
}

/// The build cache under an output root.
pub struct Cache {
    pub dir: PathBuf,
    pub tool_id: String,
}

impl Cache {
    pub fn open(out_root: &Path) -> Result<Cache> {
        let dir = out_root.join(CACHE_DIR);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("Failed to create the build cache '{}'", dir.display()))?;
        Ok(Cache {
            dir,
            tool_id: tool_id(),
        })
    }

    pub fn load_state(&self) -> State {
        std::fs::read(self.dir.join(STATE_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save_state(&self, state: &State) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(state)?;
        fsutil::write_atomic(&self.dir.join(STATE_FILE), &bytes)
    }

    /// Directory of one file's normalized parts.
    pub fn part_dir(&self, key: &str) -> PathBuf {
        self.dir.join("normalize").join(key)
    }

    /// Removes cached parts that the current build did not use.
    pub fn collect_garbage(&self, used: &[PathBuf]) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("normalize")) else {
            return;
        };
        for e in entries.flatten() {
            if !used.contains(&e.path()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Identifies the tool: its version and a fingerprint of the sources that determine its
/// output (code, templates, reference data, locked dependency versions; see `build.rs`),
/// so that results of another tool are never reused.
pub fn tool_id() -> String {
    format!(
        "gazette {} {}",
        env!("CARGO_PKG_VERSION"),
        &env!("GAZETTE_SOURCE_HASH")[..16]
    )
}

/// SHA-256 over the reference data (`data/reference/`) the tool was built with.
pub const REFERENCE_HASH: &str = env!("GAZETTE_REFERENCE_HASH");

/// SHA-256 of every corpus file, reusing the state's hash where size and time match.
pub fn hash_inputs(files: &[CorpusFile], state: &State) -> Result<Vec<(FileRecord, Stat)>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|f| {
            let stat = Stat::of(&f.path)
                .with_context(|| format!("Failed to read '{}'", f.path.display()))?;
            let sha256 = match state.inputs.get(&f.name) {
                Some((s, h)) if *s == stat => h.clone(),
                _ => {
                    crate::ids::sha256_file(&f.path)
                        .with_context(|| format!("Failed to read '{}'", f.path.display()))?
                        .1
                }
            };
            Ok((
                FileRecord {
                    path: f.name.clone(),
                    bytes: stat.bytes,
                    sha256,
                },
                stat,
            ))
        })
        .collect()
}

/// `path` relative to `root`, with `/` separators.
pub fn rel(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
