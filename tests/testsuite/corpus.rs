//! The corpus parser: the shipped corpus read exactly, every format variant and trap, and
//! the exact diagnostic for every kind of bad input.

use gazette::corpus::{self, Article, ParsedFile};
use proptest::prelude::*;

use crate::support::*;

fn parse_fixture(rel: &str) -> ParsedFile {
    let path = fixture(rel);
    corpus::parse_file(rel, &std::fs::read(path).unwrap())
}

fn shipped() -> ParsedFile {
    let path = shipped_corpus().join("de-china-supply-chain.txt");
    corpus::parse_file("de-china-supply-chain.txt", &std::fs::read(path).unwrap())
}

fn claim<'a>(a: &'a Article, starts_with: &str) -> &'a gazette::corpus::Bullet {
    a.structure
        .sections
        .iter()
        .flat_map(|s| &s.bullets)
        .find(|b| b.text.starts_with(starts_with))
        .unwrap_or_else(|| panic!("no claim starting with {starts_with:?}"))
}

/// `gazette check --corpus DIR`: its exit code and what it printed.
fn check_corpus(dir: &std::path::Path) -> (Option<i32>, String) {
    let o = gazette()
        .args(["check", "--corpus"])
        .arg(dir)
        .output()
        .unwrap();
    (o.status.code(), stderr(&o))
}

/// A file name is the user's and may hold anything: printed raw, a newline in it would
/// forge a diagnostic of its own, and an escape sequence recolour or clear the terminal.
#[test]
fn file_names_cannot_forge_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let name = "bad\n\u{1b}[31mname\u{202E}.txt";
    std::fs::copy(
        fixture("corpus/bad/missing-header/collection.txt"),
        dir.path().join(name),
    )
    .unwrap();
    let (code, err) = check_corpus(dir.path());
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains(['\u{1b}', '\r', '\u{202E}']), "{err:?}");
    let warning = err.lines().next().unwrap();
    assert!(
        warning.ends_with(
            "bad\\n\\u{1b}[31mname\\u{202e}.txt:1: warning: expected the export header \
             ('Workflow', the topic, 'icon', 'Search documents'), found the first article \
             straight away (the file name 'bad\\n\\u{1b}[31mname\\u{202e}' is used as the topic)"
        ),
        "{err}"
    );
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "the warning, the summary, the data tests: {err}"
    );
    assert!(lines[1].starts_with("2 articles, 3 claims"), "{err}");
}

/// The same holds where a diagnostic names a second file: the first copy of an article
/// exported twice.
#[test]
fn duplicates_name_the_first_copys_file_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = shipped_corpus().join("de-china-supply-chain.txt");
    for name in ["a\nb\u{2028}.txt", "z.txt"] {
        std::fs::copy(&shipped, dir.path().join(name)).unwrap();
    }
    let (_, err) = check_corpus(dir.path());
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 8, "{err}");
    for e in errors {
        assert!(e.contains("z.txt:"), "{e}");
        assert!(
            e.contains("a duplicate of the article at ") && e.contains("a\\nb\\u{2028}.txt:"),
            "{e}"
        );
    }
    assert!(!err.contains(['\u{2028}']), "{err:?}");
}

#[test]
fn shipped_corpus_has_eight_articles_with_sources_times_and_claims() {
    let parsed = shipped();
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.topic, "去中国化供应链");
    let got: Vec<(&str, String, usize)> = parsed
        .articles
        .iter()
        .map(|a| {
            (
                a.source.as_str(),
                a.local_time.format("%Y-%m-%d %H:%M").to_string(),
                a.structure.n_claims(),
            )
        })
        .collect();
    let want = [
        ("Guan Cha Zhe Wang", "2026-01-09 15:06", 10),
        ("Guan Cha Zhe Wang", "2025-12-26 04:06", 8),
        ("Sou Hu Cai Jing", "2025-12-11 06:43", 13),
        ("Sou Hu Cai Jing", "2025-12-05 11:44", 13),
        ("Sou Hu Cai Jing", "2025-10-28 15:28", 11),
        ("日经中文网", "2025-10-24 03:11", 5),
        ("Sou Hu Cai Jing", "2025-10-22 13:35", 13),
        ("Sou Hu Cai Jing", "2025-08-16 11:13", 13),
    ];
    let want: Vec<(&str, String, usize)> = want
        .iter()
        .map(|(s, t, n)| (*s, t.to_string(), *n))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        parsed.articles[0].title,
        "为了降低对华依赖,日本将启动深海稀土开采计划"
    );
    // 2026-01-09 15:06 in UTC+8 is 07:06 UTC.
    assert_eq!(parsed.articles[0].published_at, 1_767_942_360_000_000);
}

#[test]
fn bare_heading_sections() {
    let parsed = shipped();
    let a = &parsed.articles[6];
    let sections: Vec<(&str, Option<&str>, bool, usize)> = a
        .structure
        .sections
        .iter()
        .map(|s| {
            (
                s.label.as_str(),
                s.heading.as_deref(),
                s.is_core,
                s.bullets.len(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("Core Points", None, true, 3),
            ("Agreement Details", None, false, 3),
            ("Strategic Motivations", None, false, 2),
            ("Challenges Ahead", None, false, 2),
            ("Global Impact", None, false, 3),
        ]
    );
}

#[test]
fn group_dash_sections_without_core() {
    let parsed = shipped();
    let a = &parsed.articles[5];
    assert_eq!(a.source, "日经中文网");
    assert_eq!(a.structure.core_label, None);
    let sections: Vec<(&str, Option<&str>, u32, usize)> = a
        .structure
        .sections
        .iter()
        .map(|s| {
            (
                s.label.as_str(),
                s.heading.as_deref(),
                s.ordinal,
                s.bullets.len(),
            )
        })
        .collect();
    assert_eq!(sections, [("Group 1", None, 1, 3), ("Group 2", None, 2, 2)]);
}

#[test]
fn group_heading_sections_and_core_labels() {
    let parsed = shipped();
    let labels: Vec<Option<&str>> = parsed
        .articles
        .iter()
        .map(|a| a.structure.core_label.as_deref())
        .collect();
    assert_eq!(
        labels,
        [
            Some("Core Viewpoint"),
            Some("Core Viewpoint"),
            Some("Core Points"),
            Some("Core Viewpoint"),
            Some("Core Points"),
            None,
            Some("Core Points"),
            Some("Core Insights"),
        ]
    );
    let first = &parsed.articles[0].structure.sections;
    let headings: Vec<(&str, Option<&str>)> = first
        .iter()
        .map(|s| (s.label.as_str(), s.heading.as_deref()))
        .collect();
    assert_eq!(
        headings,
        [
            ("Core Viewpoint", None),
            ("Group 1", Some("Export Controls and Impact")),
            ("Group 2", Some("Japan's Deep-Sea Mining Initiative")),
            ("Group 3", Some("Strategic Responses and Industry Outlook")),
        ]
    );
    // A heading with abbreviations in it, run straight on after citations.
    let last = &parsed.articles[7].structure.sections;
    assert_eq!(
        last[1].heading.as_deref(),
        Some("U.S. Circumvention Tactics")
    );
    assert_eq!(
        last[5].heading.as_deref(),
        Some("Broader Implications for U.S. Military and Supply Chains")
    );
}

#[test]
fn citations_of_named_claims() {
    let parsed = shipped();
    let a = &parsed.articles;
    assert_eq!(claim(&a[0], "Japan is attempting").citations, [1, 4, 10]);
    assert_eq!(claim(&a[0], "Japan plans to launch").citations, [5, 6, 9]);
    assert_eq!(claim(&a[0], "Analysts suggest").citations, [11]);
    assert_eq!(
        claim(&a[2], "The market for critical minerals").citations,
        [17]
    );
    assert_eq!(claim(&a[3], "Predictions indicate").citations, [45, 49]);
    // Citations without a final period, then the next bullet.
    let c = claim(&a[2], "The signing of the");
    assert_eq!(c.citations, [1, 3]);
    assert!(
        c.text.ends_with("investment and collaboration"),
        "{}",
        c.text
    );
    // Text keeps hyphenated ranges and loses only the markers.
    let c = claim(&a[0], "Japanese companies are experiencing");
    assert!(
        c.text.ends_with("extending from 1-2 months to 3-4 months."),
        "{}",
        c.text
    );
}

#[test]
fn claim_spans_point_into_the_summary() {
    for a in shipped().articles {
        let chars: Vec<char> = a.summary.chars().collect();
        for b in a.structure.sections.iter().flat_map(|s| &s.bullets) {
            let written: String = chars[b.char_start as usize..b.char_end as usize]
                .iter()
                .collect();
            let (text, citations) = gazette::corpus::summary::strip_citations(&written).unwrap();
            assert_eq!(text, b.text);
            assert_eq!(citations, b.citations);
        }
    }
}

/// Articles without their line numbers, for comparing files that differ only in layout.
fn content(parsed: &ParsedFile) -> Vec<Article> {
    parsed
        .articles
        .iter()
        .map(|a| Article {
            title_line: 0,
            summary_line: 0,
            ..a.clone()
        })
        .collect()
}

#[test]
fn format_variants_parse_like_the_plain_file() {
    let plain = parse_fixture("corpus/variants/lf/collection.txt");
    assert!(plain.diagnostics.is_empty(), "{:?}", plain.diagnostics);
    assert_eq!(plain.articles.len(), 2);
    for case in [
        "crlf",
        "bom",
        "trailing-spaces",
        "no-final-newline",
        "blank-lines",
        "unseen-in-publisher",
    ] {
        let parsed = parse_fixture(&format!("corpus/variants/{case}/collection.txt"));
        assert!(
            parsed.diagnostics.is_empty(),
            "{case}: {:?}",
            parsed.diagnostics
        );
        assert_eq!(parsed.topic, plain.topic, "{case}");
        assert_eq!(content(&parsed), content(&plain), "{case}");
        if case != "blank-lines" {
            assert_eq!(parsed.articles, plain.articles, "{case}: line numbers");
        }
    }
}

/// Citation markers in full-width brackets and digits (`［１］［４］`) are the same
/// citations, and the claims' spans still point at them in the line as written.
#[test]
fn full_width_citation_markers_parse_like_ascii_ones() {
    let plain = parse_fixture("corpus/variants/lf/collection.txt");
    let wide = parse_fixture("corpus/variants/full-width-citations/collection.txt");
    assert!(wide.diagnostics.is_empty(), "{:?}", wide.diagnostics);
    assert_eq!(wide.articles.len(), plain.articles.len());
    for (w, p) in wide.articles.iter().zip(&plain.articles) {
        assert_ne!(
            w.summary, p.summary,
            "the fixture writes its markers full-width"
        );
        assert_eq!(w.structure, p.structure, "{}", w.title);
        let chars: Vec<char> = w.summary.chars().collect();
        for b in w.structure.sections.iter().flat_map(|s| &s.bullets) {
            let span: String = chars[b.char_start as usize..b.char_end as usize]
                .iter()
                .collect();
            if !b.citations.is_empty() {
                assert!(span.contains('［') && span.contains('］'), "{span}");
            }
        }
    }
}

/// Two exports joined with `cat`: the second one's byte-order mark starts a line in the
/// middle of the file, and is not part of its title.
#[test]
fn a_byte_order_mark_mid_file_is_not_text() {
    let text = std::fs::read_to_string(fixture("corpus/variants/lf/collection.txt")).unwrap();
    let title = shipped().articles[0].title.clone();
    let joined = format!("{text}\u{FEFF}{}\n", shipped().articles[0].title)
        + &std::fs::read_to_string(shipped_corpus().join("de-china-supply-chain.txt"))
            .unwrap()
            .lines()
            .skip_while(|l| *l != title)
            .skip(1)
            .take(2)
            .collect::<Vec<_>>()
            .join("\n");
    let parsed = corpus::parse_file("joined.txt", joined.as_bytes());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.articles.len(), 3);
    assert_eq!(parsed.articles[2].title, title);
}

/// Two whole exports joined with `cat`: the second one's header (`Workflow`, the topic,
/// `icon`, `Search documents`) follows the first one's last article. It is skipped, not
/// reported as an article without its source line; one with another topic is a warning
/// naming both (the articles after it join the file's collection), the same whether
/// the file is parsed whole or in chunks.
#[test]
fn exports_joined_with_cat_are_one_collection() {
    let shipped_text =
        std::fs::read_to_string(shipped_corpus().join("de-china-supply-chain.txt")).unwrap();
    let lines: Vec<&str> = shipped_text.lines().collect();
    let header = &lines[..4];
    assert_eq!(header[0], "Workflow");
    // The shipped export cut after its fourth article, each half with the header.
    let cut = 4 + 4 * 3;
    let halves = format!(
        "{}\n{}\n{}\n",
        lines[..cut].join("\n"),
        header.join("\n"),
        lines[cut..].join("\n")
    );
    let parsed = corpus::parse_file("halves.txt", halves.as_bytes());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.skipped, 0);
    assert_eq!(content(&parsed), content(&shipped()));

    let other = std::fs::read_to_string(fixture("corpus/variants/lf/collection.txt")).unwrap();
    assert!(other.ends_with('\n'));
    let joined = format!("{other}{shipped_text}");
    let parsed = corpus::parse_file("joined.txt", joined.as_bytes());
    assert_eq!(parsed.skipped, 0);
    assert_eq!(parsed.topic, "测试主题");
    let first = content(&corpus::parse_file("other.txt", other.as_bytes()));
    assert_eq!(
        content(&parsed),
        [first, content(&shipped())].concat(),
        "every article of both"
    );
    let topic_line = other.lines().count() as u32 + 2;
    let [warning] = parsed.diagnostics.as_slice() else {
        panic!("{:?}", parsed.diagnostics)
    };
    assert_eq!(warning.severity, gazette::diagnostics::Severity::Warning);
    assert_eq!(warning.line, topic_line);
    assert!(warning.expected.contains("测试主题"), "{warning:?}");
    assert!(warning.found.contains("去中国化供应链"), "{warning:?}");

    // Built in chunks that leave the second header to a chunk of its own.
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir(&corpus_dir).unwrap();
    std::fs::write(corpus_dir.join("joined.txt"), &joined).unwrap();
    let quality = |chunk: &str, name: &str| {
        let out = dir.path().join(name);
        let o = gazette()
            .env("GAZETTE_CHUNK_BYTES", chunk)
            .args(["build", "-q", "--no-reports", "--corpus"])
            .arg(&corpus_dir)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
        std::fs::read_to_string(out.join("data/quality.json")).unwrap()
    };
    let whole = quality("1000000000", "whole");
    assert!(whole.contains("去中国化供应链"), "{whole}");
    assert!(whole.contains("\"skipped\": 0"), "{whole}");
    assert_eq!(quality("300", "chunked"), whole);
}

#[test]
fn traps_in_the_summary_structure() {
    let parsed = parse_fixture("corpus/variants/lf/collection.txt");
    type Shape = Vec<(String, Vec<(String, Vec<u32>)>)>;
    let shape: Shape = parsed.articles[0]
        .structure
        .sections
        .iter()
        .map(|s| {
            (
                format!(
                    "{}{}",
                    s.label,
                    s.heading
                        .as_ref()
                        .map(|h| format!(": {h}"))
                        .unwrap_or_default()
                ),
                s.bullets
                    .iter()
                    .map(|b| (b.text.clone(), b.citations.clone()))
                    .collect(),
            )
        })
        .collect();
    let expect = |label: &str, bullets: &[(&str, &[u32])]| {
        (
            label.to_string(),
            bullets
                .iter()
                .map(|(t, c)| (t.to_string(), c.to_vec()))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        shape,
        vec![
            // A dash inside a sentence (lowercase after it) and hyphenated words.
            expect(
                "Core Viewpoint",
                &[(
                    "Japan plans a trial - a first - of deep-sea mining near the U.S.-Australia route.",
                    &[1, 4]
                )]
            ),
            expect(
                "Group 1: Export Controls",
                &[
                    ("China tightened controls.", &[2]),
                    // Citations after the final period.
                    ("Citations come after the period.", &[3, 5]),
                    // No citations at all.
                    ("A bullet with no citations at all.", &[]),
                    // `U.S.` followed by ` - ` does not end the bullet.
                    ("The U.S. - China trade talks stalled", &[6]),
                ]
            ),
            // Headings that follow citations directly.
            expect(
                "Group 2",
                &[("Heading without words follows citations directly", &[7])]
            ),
            expect(
                "Agreement Details",
                &[(
                    "Bare title-case heading section, procurement cycles went from 1-2 months to 3-4 months",
                    &[8, 9]
                )]
            ),
        ]
    );
}

/// `gazette check` on each bad input: the exact diagnostic, and the exit code.
#[test]
fn bad_inputs_get_exact_diagnostics() {
    let title_too_long = format!(
        "collection.txt:8: error: expected a title of at most 500 characters, found 600 \
         characters, \"{}…\"",
        "标题".repeat(30)
    );
    let cases: &[(&str, &str, i32)] = &[
        (
            "missing-source-line",
            "collection.txt:9: error: expected a source line '<publisher>· YYYY-MM-DD HH:MM' after the title on line 8, found \"Core Points - The source line is missing [1].\"",
            1,
        ),
        (
            "bad-date",
            "collection.txt:9: error: expected a publication time 'YYYY-MM-DD HH:MM' after '·', found \"2025-13-01 10:00\" (2025-13-01 is not a calendar date)",
            1,
        ),
        (
            "empty-summary",
            "collection.txt:10: error: expected the article's summary on the line after its source line, found an empty line",
            1,
        ),
        (
            "missing-summary-at-end",
            "collection.txt:12: error: expected the article's summary on the line after its source line, found the end of the file",
            1,
        ),
        (
            "unstructured-summary",
            "collection.txt:10: error: expected the summary to open with a core label ('Core Viewpoint - '), 'Group 1 - ' or a section heading followed by ' - ', found \"this summary is one paragraph of text without any sections o…\"",
            1,
        ),
        (
            "citation-zero",
            "collection.txt:10: error: expected citation markers of paragraph numbers from 1 to 999 ('[1]', '[2, 4]', '[2-4]'), found \"[0]\" in \"A claim citing paragraph zero [0].\"",
            1,
        ),
        (
            "claim-without-text",
            "collection.txt:10: error: expected a claim's text before its citation markers, found only \"[4]\"",
            1,
        ),
        (
            "citation-cut-before-next-bullet",
            "collection.txt:10: error: expected citation markers of paragraph numbers from 1 to 999 ('[1]', '[2, 4]', '[2-4]'), found \"[4\" in \"A claim [1][4\"",
            1,
        ),
        (
            "heading-without-claims",
            "collection.txt:10: error: expected claims under the heading \"Group 2: Risks\", found the end of the summary",
            1,
        ),
        ("title-too-long", &title_too_long, 1),
        (
            "invalid-utf8",
            "collection.txt:8: error: expected UTF-8 text, found invalid byte 0xFF at column 5 in \"标题乙 \u{FFFD}\u{FFFD} broken\"",
            1,
        ),
        (
            "missing-title",
            "collection.txt:8: error: expected a title line before the source line \"Sou Hu Cai Jing· 2025-10-25 10:00\", found the previous article's summary on line 7",
            1,
        ),
        (
            "duplicate-article",
            "collection.txt:11: error: expected each article once per collection, found a duplicate of the article at tests/fixtures/corpus/bad/duplicate-article/collection.txt:5 (same collection, source, time and title)",
            1,
        ),
        (
            "blank-topic",
            "collection.txt:3: warning: expected the topic on the line after 'Workflow', found \"icon\" (the file name 'collection' is used as the topic)",
            0,
        ),
        (
            "topic-not-utf8",
            "collection.txt:2: warning: expected the topic after 'Workflow' as UTF-8 text, found invalid byte 0xFF at column 1 in \"\u{FFFD}\u{FFFD} topic\" (the file name 'collection' is used as the topic)",
            0,
        ),
        (
            "missing-header",
            "collection.txt:1: warning: expected the export header ('Workflow', the topic, 'icon', 'Search documents'), found the first article straight away (the file name 'collection' is used as the topic)",
            0,
        ),
    ];
    for (case, diagnostic, code) in cases {
        let dir = format!("tests/fixtures/corpus/bad/{case}");
        let o = run(&["check", "--corpus", &dir]);
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines[0], format!("{dir}/{diagnostic}"), "{case}");
        assert_eq!(o.status.code(), Some(*code), "{case}: {err}");
        // The bad article is skipped; the two good ones around it are kept.
        let summary = if *code == 0 {
            "2 articles, 3 claims, 0 skipped"
        } else {
            "2 articles, 3 claims, 1 skipped"
        };
        assert!(lines[1].starts_with(summary), "{case}: {err}");
    }
}

#[test]
fn build_skips_bad_articles_and_strict_fails_without_writing() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "build",
        "--corpus",
        "tests/fixtures/corpus/bad/bad-date",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 articles, 3 claims, 1 skipped"),
        "{}",
        stderr(&o)
    );
    let articles = read_table(&out.path().join("data/tables/articles.parquet"));
    assert_eq!(articles.num_rows(), 2);

    let strict_out = tempfile::tempdir().unwrap();
    let o = run(&[
        "build",
        "--strict",
        "--corpus",
        "tests/fixtures/corpus/bad/bad-date",
        "--out",
        strict_out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--strict"), "{}", stderr(&o));
    assert!(files_under(strict_out.path()).is_empty(), "nothing written");
}

/// A `--strict` build over a lenient build's output fails as it would have on a fresh
/// folder, instead of finding nothing to do.
#[test]
fn strict_build_after_a_lenient_one_still_fails() {
    let out = tempfile::tempdir().unwrap();
    let corpus = "tests/fixtures/corpus/bad/bad-date";
    let build = |extra: &[&str]| {
        gazette()
            .args(["build", "--corpus", corpus, "--out"])
            .arg(out.path())
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(build(&[]).status.success());
    let before = files_under(out.path());
    let o = build(&["--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(--strict: the build stops"),
        "{}",
        stderr(&o)
    );
    assert_same_files(&files_under(out.path()), &before);
    assert!(stderr(&build(&[])).contains("Nothing to do"));
}

/// Linked folders are read (an analyst links in another topic's exports), a link back
/// up is not read twice, and a link to nothing is an error naming it.
#[cfg(unix)]
#[test]
fn symbolic_links_in_the_corpus_are_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let (corpus, other) = (dir.path().join("corpus"), dir.path().join("other"));
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(
        shipped_corpus().join("de-china-supply-chain.txt"),
        other.join("a.txt"),
    )
    .unwrap();
    symlink(&other, corpus.join("linked")).unwrap();
    symlink(&corpus, corpus.join("loop")).unwrap();
    let (code, err) = check_corpus(&corpus);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.starts_with("8 articles, 86 claims, 0 skipped"), "{err}");

    symlink(dir.path().join("gone"), corpus.join("dangling.txt")).unwrap();
    let (code, err) = check_corpus(&corpus);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("dangling.txt' is a symbolic link to '") && err.contains("gone'"),
        "{err}"
    );
}

/// File names that are not UTF-8 keep their bytes apart (`\xFF`), where replacement
/// characters made two files one name.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_stay_distinct() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for b in [0xFF, 0xFE] {
        let bytes = [b'x', b, b'.', b't', b'x', b't'];
        let name = std::ffi::OsStr::from_bytes(&bytes);
        std::fs::write(dir.path().join(name), "").unwrap();
    }
    let names: Vec<String> = corpus::discover(dir.path())
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["x\\xFE.txt", "x\\xFF.txt"]);
}

/// A file that holds no article at all (empty, UTF-16) is an error for `check`, though no article of it
/// could be counted as skipped.
#[test]
fn check_fails_on_a_file_without_articles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        shipped_corpus().join("de-china-supply-chain.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.txt"), "").unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("Workflow\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(dir.path().join("c.txt"), utf16).unwrap();
    let (code, err) = check_corpus(dir.path());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("b.txt:1: error: expected an exported collection"),
        "{err}"
    );
    assert!(
        err.contains("c.txt:1: error: expected UTF-8 text, found a UTF-16 byte-order mark"),
        "{err}"
    );
    assert!(!err.contains("warning"), "one error a file: {err}");
    assert!(
        err.contains("8 articles, 86 claims, 0 skipped, 2 error(s)"),
        "{err}"
    );
    assert!(
        err.contains("gazette: 2 error(s) in the corpus, 0 bad article(s) skipped"),
        "{err}"
    );
}

/// Two bytes that look like a UTF-16 byte-order mark before UTF-8 text are a bad first
/// line, not a UTF-16 file: the articles are read, and no conversion is advised that
/// would garble them.
#[test]
fn a_stray_byte_order_mark_before_utf8_text_keeps_the_articles() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(shipped_corpus().join("de-china-supply-chain.txt")).unwrap();
    for mark in [[0xFF, 0xFE], [0xFE, 0xFF]] {
        let bytes: Vec<u8> = mark.into_iter().chain(text.iter().copied()).collect();
        std::fs::write(dir.path().join("a.txt"), bytes).unwrap();
        let (_, err) = check_corpus(dir.path());
        assert!(!err.contains("UTF-16"), "{err}");
        assert!(
            err.contains("a.txt:1:"),
            "the first line is reported: {err}"
        );
        assert!(err.contains("8 articles, 86 claims, 0 skipped"), "{err}");
    }
}

/// `source_line` of every row of a built table.
fn lines_of(out: &std::path::Path, table: &str) -> Vec<i32> {
    use arrow::array::AsArray;
    let t = read_table(&out.join(format!("data/tables/{table}.parquet")));
    let lines = t.column_by_name("source_line").unwrap();
    let lines = lines.as_primitive::<arrow::datatypes::Int32Type>();
    lines.values().to_vec()
}

/// Builds `corpus` into a new folder, expecting `summary` on stderr.
fn build_expecting(corpus: &std::path::Path, summary: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let (corpus, out_dir) = (corpus.to_str().unwrap(), out.path().to_str().unwrap());
    let o = run(&["build", "--corpus", corpus, "--out", out_dir]);
    assert!(stderr(&o).contains(summary), "{}", stderr(&o));
    out
}

#[test]
fn a_duplicate_article_is_dropped_and_its_first_copy_kept() {
    // Within a file: the copy at line 11 repeats the article at line 5, whose rows
    // (same id) stay.
    let corpus = std::path::Path::new("tests/fixtures/corpus/bad/duplicate-article");
    let out = build_expecting(corpus, "2 articles, 3 claims, 1 skipped");
    assert_eq!(lines_of(out.path(), "articles"), [5, 8]);
    assert_eq!(lines_of(out.path(), "claims"), [7, 10, 10]);

    // Across files: the second file is the first again, so all of its articles go.
    let twice = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt"] {
        std::fs::copy(corpus.join("collection.txt"), twice.path().join(name)).unwrap();
    }
    let out = build_expecting(twice.path(), "2 articles, 3 claims, 4 skipped");
    assert_eq!(lines_of(out.path(), "articles"), [5, 8]);
    use arrow::array::AsArray;
    let claims = read_table(&out.path().join("data/tables/claims.parquet"));
    let files = claims
        .column_by_name("source_file")
        .unwrap()
        .as_string::<i32>();
    assert!(files.iter().all(|f| f == Some("a.txt")), "{files:?}");
}

/// Every page and report names the topic: one longer than a title may be is a warning,
/// and the file's name stands for it.
#[test]
fn an_overlong_topic_is_a_warning_and_the_file_name_stands_for_it() {
    let text = std::fs::read_to_string(shipped_corpus().join("de-china-supply-chain.txt")).unwrap();
    let long = "稀".repeat(corpus::MAX_TITLE_CHARS + 1);
    let edited = text.replacen("去中国化供应链", &long, 1);
    let parsed = corpus::parse_file("long-topic.txt", edited.as_bytes());
    assert_eq!(parsed.topic, "long-topic");
    assert_eq!(parsed.articles.len(), 8);
    let [warning] = parsed.diagnostics.as_slice() else {
        panic!("{:?}", parsed.diagnostics)
    };
    assert_eq!(warning.line, 2);
    assert!(
        warning.expected.contains("at most 500 characters"),
        "{warning:?}"
    );
    let fits = text.replacen("去中国化供应链", &long[..long.len() - '稀'.len_utf8()], 1);
    assert!(
        corpus::parse_file("t.txt", fits.as_bytes())
            .diagnostics
            .is_empty()
    );
}

#[test]
fn header_topic_is_the_collection() {
    let parsed = parse_fixture("corpus/variants/lf/collection.txt");
    assert_eq!(parsed.topic, "测试主题");
    let parsed = parse_fixture("corpus/bad/missing-header/collection.txt");
    assert_eq!(parsed.topic, "collection");
}

/// Pieces of the export format, so that random inputs reach deep into the parser.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" - ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("Workflow\n".to_string()),
        Just("Group 1: ".to_string()),
        Just("Group 12 - ".to_string()),
        Just("Core Viewpoint - ".to_string()),
        Just("Agreement Details - ".to_string()),
        Just("[1][4]".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("[2-9]".to_string()),
        Just(". ".to_string()),
        Just("U.S.".to_string()),
        Just("·".to_string()),
        Just("Sou Hu Cai Jing· 2025-10-28 15:28\n".to_string()),
        Just("· 2025-99-99 99:99".to_string()),
        Just("\u{FEFF}".to_string()),
        Just("标题".to_string()),
        "[a-zA-Z ]{0,12}",
        "\\PC{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let parsed = corpus::parse_file("fuzz.txt", &bytes);
        // Every article that is kept has a well-formed structure.
        for a in &parsed.articles {
            prop_assert!(!a.structure.sections.is_empty());
        }
    }

    #[test]
    fn parser_never_panics_on_format_pieces(tokens in proptest::collection::vec(token(), 0..60)) {
        let text = tokens.concat();
        let parsed = corpus::parse_file("fuzz.txt", text.as_bytes());
        for a in &parsed.articles {
            let n_chars = a.summary.chars().count() as u32;
            for b in a.structure.sections.iter().flat_map(|s| &s.bullets) {
                prop_assert!(b.char_start <= b.char_end && b.char_end <= n_chars);
            }
        }
    }
}

/// Articles, good and bad, to assemble corpora from.
fn article_pool() -> Vec<String> {
    let shipped =
        std::fs::read_to_string(shipped_corpus().join("de-china-supply-chain.txt")).unwrap();
    let lines: Vec<&str> = shipped.lines().collect();
    let mut pool: Vec<String> = lines[4..].chunks(3).map(|a| a.join("\n") + "\n").collect();
    pool.extend([
        "标题乙\nCore Points - The source line is missing [1].\n".to_string(),
        "标题乙\nSou Hu Cai Jing· 2025-13-01 10:00\nCore Points - The month is 13 [1].\n"
            .to_string(),
        "标题乙\nSou Hu Cai Jing· 2025-10-25 10:00\n\n".to_string(),
        "标题乙\nSou Hu Cai Jing· 2025-10-25 10:00\nno structure here\n".to_string(),
        "\n\n".to_string(),
    ]);
    pool
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Cutting a file into chunks and parsing them separately gives exactly what parsing
    /// the whole file gives: same articles, same diagnostics, same line numbers.
    #[test]
    fn chunked_parsing_equals_whole_file_parsing(
        picks in proptest::collection::vec(0usize..13, 1..40),
        target in 1usize..6000,
    ) {
        let pool = article_pool();
        let mut text = "Workflow\n主题\nicon\nSearch documents\n".to_string();
        for p in picks {
            text.push_str(&pool[p % pool.len()]);
        }
        let bytes = text.as_bytes();
        let whole = corpus::parse_file("c.txt", bytes);
        let chunks = corpus::chunk_ranges(bytes, target);
        prop_assert_eq!(chunks.first().map(|c| c.range.start), Some(0));
        prop_assert_eq!(chunks.last().map(|c| c.range.end), Some(bytes.len()));
        let mut articles = Vec::new();
        let mut diagnostics = Vec::new();
        let mut skipped = 0;
        for (i, c) in chunks.iter().enumerate() {
            let p = corpus::parse_chunk("c.txt", &bytes[c.range.clone()], c.first_line, i == 0);
            if i == 0 {
                prop_assert_eq!(&p.topic, &whole.topic);
            }
            articles.extend(p.articles);
            diagnostics.extend(p.diagnostics);
            skipped += p.skipped;
        }
        prop_assert_eq!(articles, whole.articles);
        prop_assert_eq!(diagnostics, whole.diagnostics);
        prop_assert_eq!(skipped, whole.skipped);
    }
}
