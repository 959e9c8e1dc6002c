//! Incremental builds: an unchanged build does nothing, a changed file re-reads only
//! itself, and the result is always what a clean full build gives.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;

fn build_verbose(corpus: &Path, out: &Path, extra: &[&str]) -> String {
    let o = gazette()
        .args(["build", "-v", "--corpus"])
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// Every output but the changelog (and the site's page of it), which records what
/// changed since the previous build in the same folder and so depends on history by
/// design.
fn without_changelog(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    strip_changelog(files_under(dir))
}

fn strip_changelog(mut files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    assert!(files.remove("data/changelog.json").is_some());
    assert!(files.remove("reports/site/changelog.html").is_some());
    files
}

/// Builds `corpus` into a fresh folder and checks that `out` holds the same files (but
/// the changelog); returns the fresh build.
fn assert_same_as_a_clean_build(corpus: &Path, out: &Path) -> tempfile::TempDir {
    let clean = tempfile::tempdir().unwrap();
    build_verbose(corpus, clean.path(), &[]);
    assert_same_files(&without_changelog(out), &without_changelog(clean.path()));
    clean
}

/// A corpus of two files: the shipped one and the format-variants fixture.
fn two_file_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        shipped_corpus().join("de-china-supply-chain.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    std::fs::copy(
        fixture("corpus/variants/lf/collection.txt"),
        dir.path().join("b.txt"),
    )
    .unwrap();
    dir
}

/// Changes one file of [`two_file_corpus`]: drops its last article (three lines).
fn drop_last_article(corpus: &Path) {
    let b = corpus.join("b.txt");
    let text = std::fs::read_to_string(&b).unwrap();
    let kept: Vec<&str> = text.lines().collect();
    std::fs::write(&b, kept[..kept.len() - 3].join("\n")).unwrap();
}

#[test]
fn unchanged_build_does_nothing_and_says_so() {
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    let first = build_verbose(corpus.path(), out.path(), &[]);
    assert!(first.contains("(2 of 2 file(s) re-read"), "{first}");
    let before = files_under(out.path());
    let second = build_verbose(corpus.path(), out.path(), &[]);
    assert!(second.contains("Nothing to do"), "{second}");
    assert!(!second.contains("Normalized"), "{second}");
    assert_eq!(files_under(out.path()), before);
}

#[test]
fn changed_file_renormalizes_only_itself_and_matches_a_clean_build() {
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    build_verbose(corpus.path(), out.path(), &[]);
    drop_last_article(corpus.path());
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(log.contains("(1 of 2 file(s) re-read"), "{log}");
    assert_same_as_a_clean_build(corpus.path(), out.path());
}

/// An edit that keeps the file's size and modification time (`touch -r`, `cp -p`,
/// `rsync -a` and `tar` restore the time of a file they rewrite) is still seen: the
/// file's change time and inode differ, so it is hashed again and re-read.
#[test]
fn an_edit_that_keeps_size_and_modification_time_is_rebuilt() {
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    build_verbose(corpus.path(), out.path(), &[]);
    let a = corpus.path().join("a.txt");
    let modified = std::fs::metadata(&a).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&a).unwrap();
    let edited = text.replacen("· 2025-", "· 2024-", 1);
    assert_ne!(edited, text);
    assert_eq!(edited.len(), text.len());
    // Written anew beside it and renamed over it, as `sed -i` does, then dated back.
    let tmp = corpus.path().join(".a.txt.new");
    std::fs::write(&tmp, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&tmp)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    std::fs::rename(&tmp, &a).unwrap();
    assert_eq!(std::fs::metadata(&a).unwrap().modified().unwrap(), modified);
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(log.contains("(1 of 2 file(s) re-read"), "{log}");
    assert_same_as_a_clean_build(corpus.path(), out.path());
}

/// What a killed build left staged is removed by the next build, even one with nothing
/// to do; a live process' staging, and files in folders gazette does not own (the
/// default corpus `data/raw`), are left alone.
#[test]
fn a_build_with_nothing_to_do_still_removes_what_a_killed_build_staged() {
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    build_verbose(corpus.path(), out.path(), &[]);
    // No process has this id (Linux' largest is 2^22).
    let gone = 4_294_967_294u32;
    let live = std::process::id();
    let stale = [
        format!(".reports.{gone}.tmp/site/index.html"),
        format!(".reports.{gone}.old.tmp/x"),
        format!("data/.quality.json.{gone}.tmp"),
        format!("data/tables/.claims.parquet.{gone}.tmp"),
        format!("data/derived/.figure_ledger.parquet.{gone}.tmp"),
        format!("data/.cache/.state.json.{gone}.tmp"),
    ];
    let kept = [
        format!("data/tables/.claims.parquet.{live}.tmp"),
        format!("data/raw/.notes.{gone}.tmp"),
        format!(".notes.{gone}.tmp"),
    ];
    for rel in stale.iter().chain(&kept) {
        let path = out.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "left by a killed build").unwrap();
    }
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(log.contains("Nothing to do"), "{log}");
    for rel in &stale {
        let top = rel.split('/').next().unwrap();
        let first_staged = if top.starts_with('.') {
            top
        } else {
            rel.as_str()
        };
        assert!(
            !out.path().join(first_staged).exists(),
            "{rel} is still there"
        );
    }
    for rel in &kept {
        assert!(out.path().join(rel).exists(), "{rel} was removed");
    }
}

/// A page of the site removed by hand (or a file dropped into it) makes the next build
/// rebuild instead of saying there is nothing to do; the site comes back whole.
#[test]
fn a_damaged_site_is_rebuilt() {
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    build_verbose(corpus.path(), out.path(), &[]);
    let before = files_under(out.path());
    let page = before
        .keys()
        .find(|p| p.starts_with("reports/site/articles/") && p.matches('/').count() == 4)
        .expect("an article page")
        .clone();
    std::fs::remove_file(out.path().join(&page)).unwrap();
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(!log.contains("Nothing to do"), "{log}");
    assert_same_files(
        &without_changelog(out.path()),
        &strip_changelog(before.clone()),
    );
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(log.contains("Nothing to do"), "{log}");
    std::fs::write(out.path().join("reports/site/entities/stray.html"), "x").unwrap();
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(!log.contains("Nothing to do"), "{log}");
    assert_same_files(&without_changelog(out.path()), &strip_changelog(before));
}

/// A rebuild links each page it would write unchanged to the previous release's file
/// (so removing that release frees only what changed) and writes the others anew: a
/// page, report or search file keeps its file exactly when it keeps its bytes, and the
/// whole is what a clean build gives.
#[test]
fn a_rebuild_links_its_unchanged_reports_and_writes_the_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    build_verbose(corpus.path(), out.path(), &[]);
    let reports = out.path().join("reports");
    let inodes = || -> BTreeMap<String, u64> {
        files_under(&reports)
            .into_keys()
            .map(|rel| {
                let ino = std::fs::metadata(reports.join(&rel)).unwrap().ino();
                (rel, ino)
            })
            .collect()
    };
    let (before, before_ino) = (files_under(&reports), inodes());
    // The lists, counts and the dropped article's neighbours change.
    drop_last_article(corpus.path());
    let log = build_verbose(corpus.path(), out.path(), &[]);

    let (after, after_ino) = (files_under(&reports), inodes());
    let (mut linked, mut written) = (0, 0);
    // The downloads are written as the tables are read, whatever the previous ones held.
    for (rel, bytes) in after
        .iter()
        .filter(|(rel, _)| !rel.starts_with("site/downloads/"))
    {
        let Some(old) = before.get(rel) else { continue };
        if old == bytes {
            assert_eq!(
                after_ino[rel], before_ino[rel],
                "{rel} is unchanged: linked"
            );
            linked += 1;
        } else {
            assert_ne!(
                after_ino[rel], before_ino[rel],
                "{rel} changed: written anew"
            );
            written += 1;
        }
    }
    assert!(
        linked > 10 && written > 0,
        "{linked} linked, {written} written"
    );
    assert!(log.contains(&format!("({linked} unchanged")), "{log}");
    assert_same_as_a_clean_build(corpus.path(), out.path());
}

/// The number in "(N unchanged, K of them not rendered again)", or 0.
fn not_rendered(log: &str) -> usize {
    log.split(" of them not rendered again")
        .next()
        .filter(|head| head.len() < log.len())
        .and_then(|head| head.rsplit(' ').next())
        .map_or(0, |n| n.parse().unwrap())
}

#[test]
fn a_rebuild_renders_only_the_pages_whose_inputs_changed() {
    use std::os::unix::fs::MetadataExt;
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    let first = build_verbose(corpus.path(), out.path(), &[]);
    assert_eq!(not_rendered(&first), 0, "a first build renders every page");
    let pages = |dir: &Path| -> usize {
        files_under(&dir.join("reports"))
            .keys()
            .filter(|rel| rel.ends_with(".html") || rel.ends_with(".md"))
            .count()
    };
    let n_pages = pages(out.path());

    // Nothing changed: every page is the previous one, linked, none rendered.
    let log = build_verbose(corpus.path(), out.path(), &["--force"]);
    assert_eq!(not_rendered(&log), n_pages, "{log}");

    // One article fewer: its neighbours, the lists and the counts are rendered again,
    // the other pages kept; the whole is what a clean build gives.
    drop_last_article(corpus.path());
    let log = build_verbose(corpus.path(), out.path(), &[]);
    let kept = not_rendered(&log);
    assert!(
        kept > 10 && kept < n_pages - 1,
        "{kept} of {n_pages} kept: {log}"
    );
    assert_same_as_a_clean_build(corpus.path(), out.path());

    // A page edited by hand in the published site is not the page the index describes
    // (another modification time), even at the same size: it is rendered again.
    let site = out.path().join("reports/site");
    let n_pages = pages(out.path());
    let page = files_under(&site.join("articles"))
        .into_keys()
        .find(|rel| rel.len() > "index.html".len() && !rel.contains("index"))
        .map(|rel| site.join("articles").join(rel))
        .unwrap();
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text.replacen("<main", "<MAIN", 1);
    assert_eq!(edited.len(), text.len());
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&page, &edited).unwrap();
    let ino = std::fs::metadata(&page).unwrap().ino();
    let log = build_verbose(corpus.path(), out.path(), &["--force"]);
    assert_eq!(not_rendered(&log), n_pages - 1, "{log}");
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        text,
        "the edit is undone"
    );
    assert_ne!(std::fs::metadata(&page).unwrap().ino(), ino);

    // Other templates: every page is rendered with them, none kept from before.
    let templates = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("templates/base.html")).unwrap();
    std::fs::write(
        templates.path().join("base.html"),
        base.replace("Generated by gazette.", "Generated by gazette, by hand."),
    )
    .unwrap();
    let templates_arg = templates.path().to_str().unwrap();
    let log = build_verbose(corpus.path(), out.path(), &["--templates", templates_arg]);
    assert_eq!(not_rendered(&log), 0, "{log}");
    let html = files_under(&site);
    let restyled = html
        .iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains("by hand."))
        .count();
    assert!(restyled > 10, "{restyled} pages show the new footer");
    assert_eq!(
        restyled,
        html.keys().filter(|rel| rel.ends_with(".html")).count()
    );
}

#[test]
fn deleted_output_or_force_rebuilds() {
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    build_verbose(corpus.path(), out.path(), &[]);
    let before = files_under(out.path());
    std::fs::remove_file(out.path().join("data/tables/claims.parquet")).unwrap();
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(!log.contains("Nothing to do"), "{log}");
    assert_same_files(
        &without_changelog(out.path()),
        &strip_changelog(before.clone()),
    );
    let log = build_verbose(corpus.path(), out.path(), &["--force"]);
    assert!(log.contains("(2 of 2 file(s) re-read"), "{log}");
    assert!(!log.contains("Nothing to do"), "{log}");
    assert_same_files(&without_changelog(out.path()), &strip_changelog(before));
}

#[test]
fn no_reports_builds_the_datasets_only_and_a_later_build_renders_them() {
    let corpus = two_file_corpus();
    let out = tempfile::tempdir().unwrap();
    let log = build_verbose(corpus.path(), out.path(), &["--no-reports"]);
    assert!(log.contains("Reports not rendered (--no-reports)"), "{log}");
    assert!(out.path().join("data/tables/claims.parquet").is_file());
    assert!(
        out.path()
            .join("data/derived/figure_ledger.parquet")
            .is_file()
    );
    assert!(!out.path().join("reports").exists());
    let datasets = files_under(out.path());
    let again = build_verbose(corpus.path(), out.path(), &["--no-reports"]);
    assert!(again.contains("Nothing to do"), "{again}");

    // The same build with reports is not a no-op, and gives what a clean build gives.
    let log = build_verbose(corpus.path(), out.path(), &[]);
    assert!(!log.contains("Nothing to do"), "{log}");
    assert!(log.contains("Rendered the reports"), "{log}");
    let clean = assert_same_as_a_clean_build(corpus.path(), out.path());
    let data: BTreeMap<String, Vec<u8>> = files_under(clean.path())
        .into_iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .collect();
    assert_same_files(&datasets, &data);

    // It is a flag of `build`: elsewhere it is refused before anything runs.
    let o = gazette()
        .args(["render", "--no-reports", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--no-reports applies to `gazette build` only"),
        "{}",
        stderr(&o)
    );
}

/// Two commands writing into one folder would stage, rename and remove each other's
/// files: while one holds the folder's lock, another says so and writes nothing.
#[test]
fn a_second_command_into_the_same_folder_is_refused() {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    let before = files_under(out.path());
    let lock = std::fs::File::open(out.path().join("data/.cache/lock")).unwrap();
    lock.lock().unwrap();
    for args in [
        vec!["build", "--force", "--corpus", "data/raw"],
        vec!["render"],
        vec!["derive"],
    ] {
        let o = gazette()
            .args(&args)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("Another gazette command is writing into"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_same_files(&files_under(out.path()), &before);
    lock.unlock().unwrap();
    let o = gazette()
        .args(["build", "--force", "-q", "--corpus", "data/raw", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A damaged published table (truncated, overwritten by hand) does not stop the build
/// that replaces it; the changelog, unable to compare, says why.
#[test]
fn a_damaged_previous_table_is_replaced() {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    std::fs::write(out.path().join("data/tables/claims.parquet"), "junk").unwrap();
    let o = gazette()
        .args(["build", "--corpus", "data/raw", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("gazette: warning: the previous build could not be read"),
        "{err}"
    );
    assert_same_as_a_clean_build(&shipped_corpus(), out.path());
}

/// A disk that fills up during a rebuild: the build fails naming the file it could not
/// write and saying what the system said once, the previous outputs stay as they were
/// (no half-written table or page), and no staging folder is left behind. The disk is a
/// small tmpfs in a mount namespace of the test's own (`unshare`), holding one build,
/// then filled until the room left is half of what the rebuild's datasets need.
#[test]
fn a_full_disk_fails_the_rebuild_and_keeps_the_previous_outputs() {
    let Some(unshare) = external(
        "unshare",
        which("unshare"),
        "Debian's util-linux; and a kernel that allows mount namespaces",
    ) else {
        return;
    };
    // How much disk a build takes: its files in whole pages, and a page per folder.
    let reference = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), reference.path());
    fn footprint(dir: &Path) -> u64 {
        let mut total = 4096;
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            total += if meta.is_dir() {
                footprint(&e.path())
            } else {
                meta.len().div_ceil(4096) * 4096
            };
        }
        total
    }
    let size_kb = footprint(reference.path()) * 3 / 2 / 1024;
    // A file fills the disk but for half the room the rebuild's datasets need: it runs
    // out there whatever its reports need (a rebuild links the reports it leaves
    // unchanged to the previous ones, which takes next to no room).
    let room_kb = footprint(&reference.path().join("data")) / 2 / 1024;

    let work = tempfile::tempdir().unwrap();
    let (out, first, second) = (
        work.path().join("out"),
        work.path().join("first"),
        work.path().join("second"),
    );
    std::fs::create_dir(&out).unwrap();
    // The mount lives as long as the namespace: the outputs are copied out of it after
    // each build (the filling file removed first), and the builds' stderr and exit codes
    // written beside them.
    let script = r#"
        mount -t tmpfs -o size="$1k" tmpfs "$2" || exit 90
        "$3" build -q --corpus "$4" --out "$2" 2> "$5.log"; echo $? > "$5.rc"; cp -a "$2" "$5"
        free=$(df -k --output=avail "$2" | tail -n 1)
        dd if=/dev/zero of="$2/.fill" bs=1k count=$((free - $7)) 2> /dev/null || exit 91
        "$3" build -q --force --corpus "$4" --out "$2" 2> "$6.log"; echo $? > "$6.rc"
        rm "$2/.fill"; cp -a "$2" "$6"
    "#;
    let o = std::process::Command::new(unshare)
        .args(["--mount", "--map-root-user", "sh", "-c", script, "sh"])
        .arg(size_kb.to_string())
        .arg(&out)
        .arg(env!("CARGO_BIN_EXE_gazette"))
        .arg(shipped_corpus())
        .args([&first, &second])
        .arg(room_kb.to_string())
        .output()
        .unwrap();
    if !o.status.success() {
        unavailable(&format!(
            "no tmpfs in a mount namespace of its own ({})",
            stderr(&o).trim()
        ));
        return;
    }
    let read = |p: &Path, ext: &str| std::fs::read_to_string(p.with_extension(ext)).unwrap();
    assert_eq!(read(&first, "rc").trim(), "0", "{}", read(&first, "log"));
    assert_eq!(read(&second, "rc").trim(), "1", "the rebuild fails");
    let log = read(&second, "log");
    assert!(
        log.starts_with("gazette: Failed to write")
            && log.contains(&format!("Failed to write '{}/", out.display())),
        "the error names the file:\n{log}"
    );
    assert_eq!(
        log.matches("No space left on device").count(),
        1,
        "and says why once:\n{log}"
    );
    assert_same_files(&files_under(&first), &files_under(&second));
    // Nothing staged is left: the only dot-names are the build cache's folder.
    fn dot_names(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                out.push(e.path().display().to_string());
            } else if e.file_type().unwrap().is_dir() {
                dot_names(&e.path(), out);
            }
        }
    }
    let mut staged = Vec::new();
    dot_names(&second, &mut staged);
    assert_eq!(staged, [second.join("data/.cache").display().to_string()]);
}
