//! Writing outputs so that readers never see half a file: write to a temporary file next
//! to the target, then rename it over the target. A failed or killed build leaves the
//! previous output in place (a killed one at worst a stray `.tmp` file, which the next
//! build removes).

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
        remove_stale_staging(dir, &name)?;
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
            .with_context(|| format!("Failed to write '{}'", self.target.display()))?;
        file.sync_all()
            .with_context(|| format!("Failed to sync '{}'", self.target.display()))?;
        Ok(Staged {
            tmp: std::mem::take(&mut self.tmp),
            target: std::mem::take(&mut self.target),
            digest: std::sync::OnceLock::new(),
        })
    }
}

/// A file dropped before it was finished (its writing failed: a full disk, a bad row),
/// or whose finishing failed (its last bytes or its sync hit a full disk), is removed:
/// a failed build leaves no staging file behind, only a killed one may.
impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            // Its buffer is dropped, not flushed: the file is going anyway.
            drop(file.into_parts());
        }
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// A complete output waiting to replace its target; removed if never committed.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    /// Size and SHA-256, computed once (the manifest and the data package both need it).
    digest: std::sync::OnceLock<(u64, String)>,
}

impl Staged {
    /// The staged file's size and SHA-256 (hex), read once.
    pub fn digest(&self) -> Result<&(u64, String)> {
        if let Some(d) = self.digest.get() {
            return Ok(d);
        }
        let d = crate::ids::sha256_file(&self.tmp)
            .with_context(|| format!("Failed to read '{}'", self.tmp.display()))?;
        Ok(self.digest.get_or_init(|| d))
    }

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

/// A directory being built (the reports, the site): everything is written into a
/// temporary sibling `.NAME.PID.tmp`, which replaces `target` only on
/// [`StagedDir::commit`]. Dropped uncommitted, it is removed and `target` is untouched.
#[derive(Debug)]
pub struct StagedDir {
    tmp: PathBuf,
    target: PathBuf,
}

impl StagedDir {
    /// Creates an empty staging directory next to `target`, after removing the staging
    /// directories that killed builds left there (see [`remove_stale_staging`]).
    pub fn create(target: &Path) -> Result<Self> {
        let parent = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("Failed to create directory '{}'", parent.display()))?;
        remove_stale_staging(parent, &file_name(target))?;
        let tmp = parent.join(format!(".{}.{}.tmp", file_name(target), std::process::id()));
        fs::create_dir(&tmp).with_context(|| format!("Failed to create '{}'", tmp.display()))?;
        Ok(StagedDir {
            tmp,
            target: target.to_path_buf(),
        })
    }

    /// The directory to write into.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Swaps the staged directory into place and removes the previous `target`.
    ///
    /// Where the system can exchange two paths in one step (Linux), it does: a web
    /// server publishing `target` sees the previous tree or the new one, never neither.
    /// Elsewhere the previous `target` is renamed aside and the new one renamed in, each
    /// rename atomic; if the second fails, the previous directory is put back.
    pub fn commit(mut self) -> Result<()> {
        let tmp = std::mem::take(&mut self.tmp);
        if self.target.exists()
            && exchange(&tmp, &self.target).with_context(|| {
                format!(
                    "Failed to exchange '{}' with '{}'",
                    tmp.display(),
                    self.target.display()
                )
            })?
        {
            // The previous tree is now the staging one, which a later build would also
            // remove if this one were killed first.
            return remove_dir_all_parallel(&tmp).with_context(|| {
                format!("Failed to remove the previous '{}'", self.target.display())
            });
        }
        let parent = self.target.parent().unwrap_or(Path::new("."));
        let old = parent.join(format!(
            ".{}.{}.old.tmp",
            file_name(&self.target),
            std::process::id()
        ));
        let had_previous = self.target.exists();
        if had_previous {
            if old.exists() {
                fs::remove_dir_all(&old)
                    .with_context(|| format!("Failed to remove stale '{}'", old.display()))?;
            }
            fs::rename(&self.target, &old)
                .with_context(|| format!("Failed to move '{}' aside", self.target.display()))?;
        }
        if let Err(e) = fs::rename(&tmp, &self.target) {
            if had_previous {
                let _ = fs::rename(&old, &self.target);
            }
            let _ = fs::remove_dir_all(&tmp);
            return Err(e).with_context(|| {
                format!(
                    "Failed to move '{}' into place as '{}'",
                    tmp.display(),
                    self.target.display()
                )
            });
        }
        if had_previous {
            remove_dir_all_parallel(&old)
                .with_context(|| format!("Failed to remove the previous '{}'", old.display()))?;
        }
        Ok(())
    }
}

/// Exchanges the paths `a` and `b` in one atomic step (`renameat2` with
/// `RENAME_EXCHANGE`): `Ok(true)` when done, `Ok(false)` where the system or the file
/// system cannot (another kernel, an older Linux, a file system without it).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are NUL-terminated paths that outlive the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    } == 0;
    if done {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Threads that remove files: more than the cores, because removing a file mostly waits
/// for the disk (here an ext4 mounted with `discard`, where each removal waits for its
/// blocks to be discarded). The previous site of 100k articles (111k files) took 7.6-8.8 s
/// to remove with 2 threads and 3.5-3.7 s with 8.
const REMOVE_THREADS: usize = 8;

/// Removes a directory tree, its entries in parallel: the previous site of a large
/// corpus is a hundred thousand files, and removing them one by one took 17 s of a
/// re-render at 100k articles. Symbolic links are removed, never followed.
pub fn remove_dir_all_parallel(dir: &Path) -> io::Result<()> {
    // A link is removed, not what it points to (as `fs::remove_dir_all` does): a
    // replaced `reports/` that was a link to a web root must not empty the web root.
    if fs::symlink_metadata(dir)?.file_type().is_symlink() {
        return fs::remove_file(dir);
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(REMOVE_THREADS)
        .build()
    {
        Ok(pool) => pool.install(|| remove_tree(dir)),
        Err(_) => remove_tree(dir),
    }
}

fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            fs::remove_file(e.path())
        }
    })?;
    fs::remove_dir(dir)
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Removes `.NAME.PID.tmp` and `.NAME.PID.old.tmp` in `parent` whose process is gone (or
/// is this one): a build stopped by a signal leaves its staging files and directories
/// behind (a table's, a report's; the site of a million articles is 20 GB), and nothing
/// else would ever remove them. Those of a live process (another build writing the same
/// folder) are left alone; where the OS does not list its processes in `/proc`, only this
/// process' own are removed.
fn remove_stale_staging(parent: &Path, name: &str) -> Result<()> {
    remove_stale_staging_in(parent, Some(name)).map(drop)
}

/// [`remove_stale_staging`] for the staging of any name (`None`) or of `name`; returns
/// the folders of `parent` that are not staging, for a caller walking a tree.
fn remove_stale_staging_in(parent: &Path, name: Option<&str>) -> Result<Vec<PathBuf>> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(Vec::new());
    };
    let own = std::process::id();
    let can_tell = Path::new("/proc/self").exists();
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        let Some(pid) = entry_name.to_str().and_then(|n| staging_pid(n, name)) else {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(entry.path());
            }
            continue;
        };
        let gone = pid == own || (can_tell && !Path::new("/proc").join(pid.to_string()).exists());
        if !gone {
            continue;
        }
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(t) if t.is_dir() => remove_dir_all_parallel(&path),
            _ => fs::remove_file(&path),
        };
        removed.with_context(|| format!("Failed to remove stale '{}'", path.display()))?;
    }
    Ok(folders)
}

/// The process of a staging entry's name, `.NAME.PID.tmp` or `.NAME.PID.old.tmp` (NAME
/// being `name` where given, any name otherwise).
fn staging_pid(entry: &str, name: Option<&str>) -> Option<u32> {
    let rest = entry.strip_prefix('.')?.strip_suffix(".tmp")?;
    let rest = rest.strip_suffix(".old").unwrap_or(rest);
    let (staged, pid) = rest.rsplit_once('.')?;
    let matches = match name {
        Some(name) => staged == name,
        None => !staged.is_empty(),
    };
    matches.then(|| pid.parse().ok()).flatten()
}

/// Removes what killed commands left staged in an output root (see
/// [`remove_stale_staging`]): the reports' staging folders in the root (nothing else
/// there: the root may be a repository holding anything), whatever is staged beside the
/// files of `data/`, and anywhere under the folders gazette alone writes (`owned`: the
/// tables with their partitions, the derived datasets, the cache). Folders a user may
/// keep files in, such as the default corpus `data/raw`, are not entered. Each writer
/// sweeps its own target's folder as it stages, but a build with nothing to do stages
/// nothing, so every command that writes into a root calls this first.
pub fn remove_stale_staging_under(root: &Path, owned: &[&str]) -> Result<()> {
    remove_stale_staging_in(root, Some("reports"))?;
    remove_stale_staging_in(&root.join("data"), None)?;
    let mut folders: Vec<PathBuf> = owned.iter().map(|dir| root.join(dir)).collect();
    while let Some(dir) = folders.pop() {
        folders.extend(remove_stale_staging_in(&dir, None)?);
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
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

/// `root` and every folder under it, each folder before the ones it holds; nothing when
/// `root` is no folder. Links to folders are not followed.
pub fn folders_under(root: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = Vec::new();
    if root.is_dir() {
        folders.push(root.to_path_buf());
    }
    let mut i = 0;
    while i < folders.len() {
        for e in fs::read_dir(&folders[i]).into_iter().flatten().flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(e.path());
            }
        }
        i += 1;
    }
    folders
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

    #[cfg(unix)]
    #[test]
    fn removing_a_link_to_a_folder_leaves_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (target, link) = (dir.path().join("www"), dir.path().join("reports"));
        fs::create_dir_all(target.join("sub")).unwrap();
        fs::write(target.join("sub/page.html"), "mine").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        remove_dir_all_parallel(&link).unwrap();
        assert!(!link.exists() && !link.is_symlink());
        assert!(target.join("sub/page.html").is_file());
        remove_dir_all_parallel(&target).unwrap();
        assert!(!target.exists());
    }

    use super::*;

    /// A reader of the published tree finds it at every moment of a commit, and then
    /// finds the new tree; the previous one and the staging are gone.
    #[test]
    fn a_commit_never_leaves_the_target_missing() {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("index.html"), "0").unwrap();
        let done = AtomicBool::new(false);
        let (missing, looks) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|s| {
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    looks.fetch_add(1, Ordering::Relaxed);
                    if fs::metadata(target.join("index.html")).is_err() {
                        missing.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
            for i in 1..=200 {
                let staged = StagedDir::create(&target).unwrap();
                fs::write(staged.path().join("index.html"), i.to_string()).unwrap();
                staged.commit().unwrap();
            }
            done.store(true, Ordering::Relaxed);
        });
        assert!(looks.load(Ordering::Relaxed) > 0);
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "200"
        );
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the published tree is left: {left:?}");
        // Where the file system cannot exchange paths, the commit falls back to two
        // renames, and a reader may find nothing between them.
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        if !exchange(&a, &b).unwrap() {
            eprintln!("skipped: this file system cannot exchange two paths in one step");
        } else {
            assert_eq!(
                missing.load(Ordering::Relaxed),
                0,
                "the reader found no tree {} times in {}",
                missing.load(Ordering::Relaxed),
                looks.load(Ordering::Relaxed)
            );
        }
    }

    #[test]
    fn staging_removes_what_killed_builds_left_and_keeps_live_ones() {
        if !Path::new("/proc/self").exists() {
            eprintln!("skipped: this OS does not list its processes in /proc");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        // A process that has ended, and one that lives for the whole test (pid 1).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".reports.{dead}.tmp"));
        let stale_old = dir.path().join(format!(".reports.{dead}.old.tmp"));
        let live = dir.path().join(".reports.1.tmp");
        let other = dir.path().join(format!(".data.{dead}.tmp"));
        for d in [&stale, &stale_old, &live, &other] {
            fs::create_dir_all(d.join("site")).unwrap();
            fs::write(d.join("site/page.html"), "x").unwrap();
        }
        let staged = StagedDir::create(&dir.path().join("reports")).unwrap();
        assert!(
            !stale.exists() && !stale_old.exists(),
            "a dead build's staging is removed"
        );
        assert!(live.exists(), "a live process' staging is kept");
        assert!(
            other.exists(),
            "another target's staging is not this one's to remove"
        );
        assert!(staged.path().is_dir());

        // The same for a file's staging copies: a table a killed build was writing.
        let stale = dir.path().join(format!(".claims.parquet.{dead}.tmp"));
        let live = dir.path().join(".claims.parquet.1.tmp");
        let other = dir.path().join(format!(".figures.parquet.{dead}.tmp"));
        for f in [&stale, &live, &other] {
            fs::write(f, "half a table").unwrap();
        }
        let mut f = AtomicFile::create(&dir.path().join("claims.parquet")).unwrap();
        f.write_all(b"a table").unwrap();
        f.commit().unwrap();
        assert!(
            !stale.exists(),
            "a dead build's half-written table is removed"
        );
        assert!(live.exists() && other.exists());
        assert_eq!(
            fs::read(dir.path().join("claims.parquet")).unwrap(),
            b"a table"
        );
    }

    #[test]
    fn parallel_removal_removes_the_tree_and_never_follows_links() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("kept.txt"), "kept").unwrap();
        let tree = dir.path().join("tree");
        for i in 0..20 {
            let sub = tree.join(format!("{i:02}")).join("deeper");
            fs::create_dir_all(&sub).unwrap();
            fs::write(sub.join("page.html"), "x").unwrap();
            fs::write(tree.join(format!("{i:02}/index.html")), "y").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, tree.join("link")).unwrap();
        remove_dir_all_parallel(&tree).unwrap();
        assert!(!tree.exists());
        assert_eq!(
            fs::read_to_string(outside.join("kept.txt")).unwrap(),
            "kept"
        );
        assert!(remove_dir_all_parallel(&tree).is_err());
    }

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

    #[test]
    fn staged_dir_replaces_the_target_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("reports");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.md"), "old").unwrap();
        {
            let staged = StagedDir::create(&target).unwrap();
            fs::write(staged.path().join("new.md"), "new").unwrap();
        }
        assert!(
            target.join("old.md").is_file(),
            "abandoned: target untouched"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "staging removed"
        );
        let staged = StagedDir::create(&target).unwrap();
        fs::write(staged.path().join("new.md"), "new").unwrap();
        staged.commit().unwrap();
        assert!(!target.join("old.md").exists());
        assert_eq!(fs::read_to_string(target.join("new.md")).unwrap(), "new");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing left aside"
        );
    }
}
