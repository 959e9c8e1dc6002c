//! Writing outputs so that readers never see half a file: write to a temporary file next
//! to the target, then rename it over the target. A failed or killed build leaves the
//! previous output in place (at worst a stray `.tmp` file, which the next build replaces).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A file being written; it replaces `target` only on [`AtomicFile::commit`].
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<Self> {
        let dir = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)
            .with_context(|| format!("Failed to create directory '{}'", dir.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file =
            File::create(&tmp).with_context(|| format!("Failed to create '{}'", tmp.display()))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp,
            file: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes and syncs the file, and renames it into place.
    pub fn commit(self) -> Result<()> {
        self.finish()?.commit()
    }

    /// Flushes and syncs the file without moving it into place yet: a build stages all
    /// its outputs this way and renames them together at the end, so a failure half-way
    /// leaves every previous output as it was.
    pub fn finish(mut self) -> Result<Staged> {
        let file = self.file.take().expect("finished once");
        let file = file
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("Failed to write '{}'", self.tmp.display()))?;
        file.sync_all()
            .with_context(|| format!("Failed to sync '{}'", self.tmp.display()))?;
        Ok(Staged {
            tmp: std::mem::take(&mut self.tmp),
            target: std::mem::take(&mut self.target),
        })
    }
}

/// A complete output waiting to replace its target; removed if never committed.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    target: PathBuf,
}

impl Staged {
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where the complete but uncommitted output can be read meanwhile.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    pub fn commit(mut self) -> Result<()> {
        let tmp = std::mem::take(&mut self.tmp);
        fs::rename(&tmp, &self.target).with_context(|| {
            format!(
                "Failed to move '{}' into place as '{}'",
                tmp.display(),
                self.target.display()
            )
        })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Commits staged outputs in order.
pub fn commit_all(staged: Vec<Staged>) -> Result<()> {
    staged.into_iter().try_for_each(Staged::commit)
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Removes the now empty folders above `path`, up to (not including) `root`.
pub fn remove_empty_parents(path: &Path, root: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Writes a whole file atomically.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes)
        .with_context(|| format!("Failed to write '{}'", target.display()))?;
    f.commit()
}

/// Writes a file only when its content differs, so that unchanged outputs keep their
/// modification times (and incremental tools downstream see no change).
pub fn write_if_changed(target: &Path, bytes: &[u8]) -> Result<bool> {
    if fs::read(target).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomic(target, bytes)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_file_leaves_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        fs::write(&target, "old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"new, but abandoned").unwrap();
        }
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file removed"
        );
        write_atomic(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    }
}
