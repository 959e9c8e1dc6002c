//! `gazette diff` and the published changelog: changes between releases, by stable id.

use std::path::Path;
use std::process::Command;

use crate::support::*;

/// A copy of the shipped corpus with one figure in one claim changed.
fn edited_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(shipped_corpus().join("de-china-supply-chain.txt")).unwrap();
    let edited = text.replace(
        "controlling over 80% of global processing capacity",
        "controlling over 85% of global processing capacity",
    );
    assert_ne!(text, edited);
    std::fs::write(dir.path().join("de-china-supply-chain.txt"), edited).unwrap();
    dir
}

fn diff_text(old: &Path, new: &Path) -> String {
    let o = gazette().arg("diff").arg(old).arg(new).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn identical_releases_have_no_changes() {
    let out = shipped_build();
    let text = diff_text(out, out);
    assert!(
        text.starts_with(
            "articles: 0 added, 0 removed, 0 changed\nclaims: 0 added, 0 removed, 0 changed\n"
        ),
        "{text}"
    );
}

/// Output that cannot be written (a full disk; a closed pipe, as `diff A B | head`) is
/// an error the user reads, not a panic.
#[cfg(target_os = "linux")]
#[test]
fn unwritable_output_is_an_error_not_a_panic() {
    let out = shipped_build();
    let o = gazette()
        .arg("diff")
        .arg(out)
        .arg(out)
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        "gazette: Failed to write the differences to standard output: \
         No space left on device (os error 28)"
    );
}

/// `gazette diff A B | head`: a reader that has gone is not an error. Nothing is said and
/// the exit code is 0, as ripgrep does.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let out = shipped_build();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = gazette()
        .arg("diff")
        .arg(out)
        .arg(out)
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    // `extract` too.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = gazette()
        .args(["extract", "README.md"])
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn an_edited_claim_shows_as_removed_and_added_and_its_article_as_changed() {
    let new = tempfile::tempdir().unwrap();
    build(edited_corpus().path(), new.path());
    let text = diff_text(shipped_build(), new.path());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "articles: 0 added, 0 removed, 1 changed");
    assert!(
        lines[1].starts_with("  ~ 877c835aef3ab2aa 韩国想挖稀土"),
        "{text}"
    );
    assert!(lines[1].ends_with("(summary, content_hash)"), "{text}");
    let claims = lines.iter().position(|l| l.starts_with("claims:")).unwrap();
    assert_eq!(lines[claims], "claims: 1 added, 1 removed, 0 changed");
    assert!(lines[claims + 1].contains("controlling over 85%"), "{text}");
    assert!(lines[claims + 2].contains("controlling over 80%"), "{text}");
}

#[test]
fn the_build_publishes_what_it_changed_and_keeps_it_when_nothing_changes() {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    let first: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("data/changelog.json")).unwrap())
            .unwrap();
    assert_eq!(first["tables"][0]["table"], "articles");
    assert_eq!(
        first["tables"][0]["n_added"], 8,
        "a first build adds everything"
    );

    let edited = edited_corpus();
    build(edited.path(), out.path());
    let changelog = std::fs::read(out.path().join("data/changelog.json")).unwrap();
    let second: serde_json::Value = serde_json::from_slice(&changelog).unwrap();
    assert_eq!(second["tables"][0]["n_changed"], 1);
    assert_eq!(second["tables"][1]["n_added"], 1);
    assert_eq!(second["tables"][1]["n_removed"], 1);

    // Rebuilding the same data (forced) leaves the changelog as it was.
    let o = gazette()
        .args(["build", "-q", "--force", "--corpus"])
        .arg(edited.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(out.path().join("data/changelog.json")).unwrap(),
        changelog
    );
}

#[test]
fn diff_against_a_git_revision() {
    let repo = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), repo.path());
    let git = |args: &[&str]| git_in(repo.path(), args);
    git(&["init", "-q"]);
    git(&["add", "data"]);
    git(&["commit", "-qm", "release 1"]);
    build(edited_corpus().path(), repo.path());
    let o = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .current_dir(repo.path())
        .args(["diff", "HEAD", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with("articles: 0 added, 0 removed, 1 changed\n"),
        "{text}"
    );
    // From a subfolder, as git itself works anywhere in its work tree: the revision is
    // the build at the repository's top.
    let sub = repo.path().join("notes");
    std::fs::create_dir(&sub).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .current_dir(&sub)
        .args(["diff", "HEAD", ".."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), text);
    let o = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .current_dir(&sub)
        .args(["diff", "no-such-revision", ".."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("neither a directory nor a git revision"),
        "{}",
        stderr(&o)
    );

    // In a git work tree the published changelog is the diff against the build committed
    // at HEAD, and rebuilding on top of a commit keeps it: a clean clone reproduces it.
    let changelog_of = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(repo.path().join("data/changelog.json")).unwrap())
            .unwrap()
    };
    let changelog = changelog_of();
    assert_eq!(changelog["tables"][0]["n_changed"], 1, "{changelog}");
    git(&["add", "data"]);
    git(&["commit", "-qm", "release 2"]);
    let o = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .current_dir(repo.path())
        .args(["build", "-q", "--force", "--corpus"])
        .arg(edited_corpus().path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(changelog_of(), changelog);
}

/// A build folder inside a git work tree that does not track its tables (a scratch build
/// under `target/`, say) has no committed build: its changelog is the same as in a folder
/// outside git (not "everything added" against an empty commit).
#[test]
fn an_untracked_build_folder_inside_git_compares_with_its_own_previous_build() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| git_in(repo.path(), args);
    std::fs::write(repo.path().join("README"), "x").unwrap();
    git(&["init", "-q"]);
    git(&["add", "README"]);
    git(&["commit", "-qm", "no tables"]);
    let inside = repo.path().join("scratch/out");
    let outside = tempfile::tempdir().unwrap();
    for out in [&inside, &outside.path().to_path_buf()] {
        build(&shipped_corpus(), out);
        build(edited_corpus().path(), out);
    }
    let changelog = |out: &Path| std::fs::read(out.join("data/changelog.json")).unwrap();
    assert_eq!(changelog(&inside), changelog(outside.path()));
}

/// A first build (nothing published before) counts every row as added, and its changelog
/// lists no more than the changelog's cap per table (without holding every row).
#[test]
fn a_first_build_counts_every_row_added_and_lists_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let o = gazette()
        .args(["synth", "-q", "--articles", "300", "--out"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    build(&corpus, &out);
    let log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/changelog.json")).unwrap()).unwrap();
    let claims = log["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "claims")
        .unwrap();
    let table = read_table(&gazette::tables::Table::Claims.path(&out));
    let rows = table.num_rows();
    assert_eq!(claims["n_added"].as_u64().unwrap() as usize, rows);
    let listed = claims["added"].as_array().unwrap();
    assert!(
        !listed.is_empty() && listed.len() < rows,
        "{} of {rows} listed",
        listed.len()
    );
    // The rows listed are the table's first, in its order.
    let ids = table
        .column_by_name("claim_id")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow::array::StringArray>()
        .unwrap();
    for (i, row) in listed.iter().enumerate() {
        assert_eq!(row["id"], ids.value(i), "row {i} listed");
    }
}

/// Runs git in `dir` with a committer identity (CI machines have none configured).
fn git_in(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

/// The tables of a release as another tool rewrites them, the same rows in another
/// layout: strings as large strings and lists with their items named `element` (as
/// polars and pyarrow write them), compressed with Snappy (DuckDB's, Spark's and
/// pandas' default). `gazette diff` finds nothing changed, the data tests pass, and the
/// site's pages are rendered as from gazette's own files.
#[test]
fn tables_another_tool_rewrote_compare_by_value() {
    use std::sync::Arc;

    use arrow::array::{Array, ArrayRef, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};

    let original = shipped_build();
    let copy = tempfile::tempdir().unwrap();
    for (rel, bytes) in files_under(&original.join("data")) {
        let path = copy.path().join("data").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let tables = copy.path().join("data/tables");
    for table in gazette::tables::Table::of_stage(gazette::tables::Stage::Normalize) {
        let name = format!("{}.parquet", table.name());
        let (schema, batches) =
            gazette::tables::read_table(&original.join("data/tables").join(&name)).unwrap();
        let relaid = |t: &DataType| match t {
            DataType::Utf8 => DataType::LargeUtf8,
            DataType::List(item) => DataType::List(Arc::new(Field::new(
                "element",
                item.data_type().clone(),
                item.is_nullable(),
            ))),
            other => other.clone(),
        };
        let fields: Vec<Field> = schema
            .fields()
            .iter()
            .map(|f| f.as_ref().clone().with_data_type(relaid(f.data_type())))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build();
        let file = std::fs::File::create(tables.join(&name)).unwrap();
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
        for batch in batches {
            let columns: Vec<ArrayRef> = batch
                .columns()
                .iter()
                .zip(schema.fields())
                .map(|(c, f)| arrow::compute::cast(c, f.data_type()).unwrap())
                .collect();
            assert!(
                columns
                    .iter()
                    .any(|c| c.data_type() == &DataType::LargeUtf8)
            );
            writer
                .write(&RecordBatch::try_new(schema.clone(), columns).unwrap())
                .unwrap();
        }
        writer.close().unwrap();
    }
    let text = diff_text(original, copy.path());
    for table in ["articles", "claims", "figures", "entities"] {
        assert!(
            text.contains(&format!("{table}: 0 added, 0 removed, 0 changed\n")),
            "{table}: {text}"
        );
    }
    let o = gazette()
        .args(["check", "-q", "--out"])
        .arg(copy.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    render(copy.path());
    let pages = |root: &Path| {
        let site = root.join("reports/site");
        let mut pages = files_under(&site.join("articles"));
        pages.extend(files_under(&site.join("entities")));
        pages
    };
    let rendered = pages(copy.path());
    assert!(rendered.len() > 8);
    assert_same_files(&rendered, &pages(original));
}

/// The same corpus built flat and `--partition-by month` holds the same rows: the month a
/// partitioned claim or figure carries from its folder is its article's, not a change.
#[test]
fn a_partitioned_release_and_its_flat_build_have_no_changes() {
    let flat = shipped_build();
    let tmp = tempfile::tempdir().unwrap();
    build_partitioned(tmp.path());
    for (old, new) in [(flat, tmp.path()), (tmp.path(), flat)] {
        let text = diff_text(old, new);
        let counts: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
        assert!(!counts.is_empty(), "{text}");
        assert!(
            counts
                .iter()
                .all(|l| l.ends_with(": 0 added, 0 removed, 0 changed")),
            "{} → {}:\n{text}",
            old.display(),
            new.display()
        );
    }
}
