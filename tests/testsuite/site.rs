//! The reports and the site: links, HTML validity (Nu HTML Checker), accessibility
//! (axe-core in Chromium), search from disk, escaping, paging, atomic replacement and
//! reproducibility. Checks that need an outside tool skip with a `skipped:` line when
//! it is missing, and fail instead under `GAZETTE_REQUIRE_EXTERNAL=1` (CI).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use gazette::tables::Table;

use crate::support::*;

/// The site of the shipped corpus (built once per test process).
fn shipped_site() -> PathBuf {
    shipped_build().join("reports/site")
}

/// A corpus whose text is full of markup and template syntax.
fn escaping_build() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build(&fixture("site/escaping"), dir.path());
        dir
    })
    .path()
}

/// A synthetic corpus of 120 articles over two years, three sources: enough for three
/// list pages.
const SYNTHETIC_ARTICLES: usize = 120;

fn synthetic_build() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        build_collection((0..SYNTHETIC_ARTICLES).map(|i| {
            let day = start + chrono::Days::new(i as u64 * 6);
            let source = ["Alpha News", "Beta Daily", "Gamma Wire"][i % 3];
            format!(
                "测试文章{i}:稀土与镓\n{source}· {} {:02}:{:02}\n\
                 Core Viewpoint - Article {i} discusses gallium exports of {i} tons [1][2]. \
                 Group 1: Details - Detail one of article {i} [2]. - Detail two mentions germanium [3].\n",
                day.format("%Y-%m-%d"),
                i % 24,
                i % 60
            )
        }))
    })
    .path()
}

/// Builds one collection of `articles` (each its lines in the export format) into a
/// new folder, with the corpus in its `corpus/`.
fn build_collection(articles: impl IntoIterator<Item = String>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let mut text = String::from("Workflow\n合成语料\nicon\nSearch documents\n");
    text.extend(articles);
    std::fs::write(corpus.join("collection.txt"), text).unwrap();
    build(&corpus, dir.path());
    dir
}

/// Every site the checks look at.
fn all_sites() -> Vec<PathBuf> {
    vec![
        shipped_site(),
        escaping_build().join("reports/site"),
        synthetic_build().join("reports/site"),
    ]
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------
// Links

/// The values of `attr="…"` in an HTML text (entity `&amp;` decoded).
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest: &'a str = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].replace("&amp;", "&"));
        rest = &rest[end..];
    }
    out
}

/// `base/../x` → a normal path, or `None` when it climbs out of `root`.
fn resolve(root: &Path, from_dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut parts: Vec<Component> = Vec::new();
    let joined = from_dir.join(rel);
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            c => parts.push(c),
        }
    }
    let path: PathBuf = parts.iter().collect();
    path.starts_with(root).then_some(path)
}

/// Every problem with the links of a site: external URLs, missing files, missing
/// anchors, duplicate ids.
fn link_problems(site: &Path) -> Vec<String> {
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut problems = Vec::new();
    let pages = files_with_ext(site, "html");
    assert!(!pages.is_empty(), "no pages in {}", site.display());
    for page in &pages {
        let html = read(page);
        let mut seen = HashSet::new();
        for id in attr_values(&html, "id") {
            if !seen.insert(id.clone()) {
                problems.push(format!("{}: duplicate id '{id}'", page.display()));
            }
        }
        ids.insert(page.clone(), seen);
    }
    for page in &pages {
        let html = read(page);
        let dir = page.parent().unwrap();
        let links = ["href", "src", "action"]
            .iter()
            .flat_map(|a| attr_values(&html, a));
        for link in links {
            let where_ = format!("{}: '{link}'", page.display());
            if link.contains("://") || link.starts_with("//") || link.contains(':') {
                problems.push(format!("{where_} is not a relative link"));
                continue;
            }
            let (path, frag) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let path = path.split('?').next().unwrap_or("");
            let target = if path.is_empty() {
                page.clone()
            } else {
                match resolve(site, dir, path) {
                    Some(t) => t,
                    None => {
                        problems.push(format!("{where_} leaves the site"));
                        continue;
                    }
                }
            };
            if !target.is_file() {
                problems.push(format!("{where_} → missing {}", target.display()));
                continue;
            }
            if let Some(frag) = frag {
                match ids.get(&target) {
                    Some(set) if set.contains(frag) => {}
                    _ => problems.push(format!("{where_}: no id '{frag}' in {}", target.display())),
                }
            }
        }
    }
    problems
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    for site in all_sites() {
        let problems = link_problems(&site);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn the_link_check_catches_broken_links() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        r##"<a href="missing.html">x</a><a href="#nowhere">y</a><a href="https://cdn.example/x.js">z</a><p id="a"></p><p id="a"></p><a href="../out.html">o</a>"##,
    )
    .unwrap();
    let problems = link_problems(dir.path());
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

/// The pages load nothing from elsewhere: every `href`, `src` and `action` is relative
/// (checked with the links above), and the stylesheet and scripts name no URL and fetch
/// nothing.
#[test]
fn the_site_uses_no_external_resources() {
    for site in all_sites() {
        for file in files_under(&site.join("assets")).keys() {
            let text = read(&site.join("assets").join(file));
            for bad in [
                "http:",
                "https:",
                "@import",
                "url(",
                "fetch(",
                "XMLHttpRequest",
            ] {
                assert!(!text.contains(bad), "assets/{file} contains '{bad}'");
            }
        }
        for page in files_with_ext(&site, "html") {
            let html = read(&page);
            for attr in ["href", "src", "action", "srcset", "poster", "data"] {
                for v in attr_values(&html, attr) {
                    assert!(!v.contains(':'), "{}: {attr}=\"{v}\"", page.display());
                }
            }
        }
    }
}

/// Texts of a page in Chinese (Japanese, Korean) whose element, nor any around it, says
/// so: `(innermost tag, text)`. The page's `<head>` title is left out (it takes no
/// language of its own); so are texts that mix languages, which gazette marks as English.
fn texts_without_their_language(html: &str) -> Vec<(String, String)> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let mut stack: Vec<(String, Option<String>)> = Vec::new();
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let text = rest[..lt]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        let in_head_title = stack.iter().any(|(t, _)| t == "head");
        if !in_head_title && let Some(lang) = gazette::render::model::lang_of(&text) {
            let marked = stack.iter().rev().find_map(|(_, l)| l.as_deref());
            if marked.is_none_or(|m| m != lang) {
                let tag = stack.last().map_or("", |(t, _)| t.as_str());
                out.push((tag.to_string(), text.trim().to_string()));
            }
        }
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let gt = rest.find('>').expect("tags close");
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            while let Some((t, _)) = stack.pop() {
                if t == name.trim() {
                    break;
                }
            }
        } else if !tag.starts_with('!') && !tag.ends_with('/') {
            let name = tag.split([' ', '\n']).next().unwrap_or("").to_string();
            if !VOID.contains(&name.as_str()) {
                let lang = attr_values(&format!("<{tag}>"), "lang").into_iter().next();
                stack.push((name, lang));
            }
        }
    }
    out
}

/// Screen readers read a text in the language its element declares: Chinese titles,
/// names, publishers and figures quoted from Chinese titles say they are Chinese.
#[test]
fn chinese_text_carries_its_language() {
    let missing = texts_without_their_language(
        "<html lang=\"en\"><head><title>数据 · 稀土</title></head><body><p>稀土 \
         <span lang=\"zh\">稀土</span> rare earths 稀土 <svg><text>日经中文网</text></svg></p>",
    );
    assert_eq!(
        missing,
        [
            ("p".to_string(), "稀土".to_string()),
            ("text".to_string(), "日经中文网".to_string())
        ]
    );
    for site in all_sites() {
        for page in files_with_ext(&site, "html") {
            let missing = texts_without_their_language(&read(&page));
            assert!(missing.is_empty(), "{}: {missing:?}", page.display());
        }
    }
}

/// The search index's documents link to pages and anchors that exist.
#[test]
fn search_results_link_to_existing_pages() {
    for site in all_sites() {
        let manifest = read(&site.join("search/manifest.js"));
        let manifest: serde_json::Value = serde_json::from_str(
            manifest
                .trim()
                .strip_prefix("gazetteSearch.manifest(")
                .and_then(|s| s.strip_suffix(");"))
                .unwrap(),
        )
        .unwrap();
        // Every shard's files (one, or one per part) are there, and nothing else.
        let mut listed = BTreeSet::new();
        for key in manifest["shards"].as_array().unwrap() {
            let name = gazette::render::search::key_file_name(key.as_str().unwrap());
            match manifest["parts"].get(key.as_str().unwrap()) {
                Some(n) => (0..n.as_u64().unwrap()).for_each(|i| {
                    listed.insert(format!("{name}.{i}.js"));
                }),
                None => {
                    listed.insert(format!("{name}.js"));
                }
            }
        }
        let files: BTreeSet<String> = files_under(&site.join("search/terms"))
            .into_keys()
            .collect();
        assert_eq!(files, listed, "{}", site.display());
        let mut n_docs = 0;
        for chunk in files_with_ext(&site.join("search/docs"), "js") {
            let text = read(&chunk);
            let json = &text[text.find(',').unwrap() + 1..text.rfind(");").unwrap()];
            let groups: Vec<Vec<serde_json::Value>> = serde_json::from_str(json).unwrap();
            for group in &groups {
                for doc in group {
                    n_docs += 1;
                    let url = doc[1].as_str().unwrap();
                    let url = &match url.strip_prefix('#') {
                        Some(anchor) => format!("{}#{anchor}", group[0][1].as_str().unwrap()),
                        None => url.to_string(),
                    };
                    let (path, frag) = url.split_once('#').unwrap_or((url, ""));
                    let page = site.join(path);
                    assert!(page.is_file(), "{url}");
                    if !frag.is_empty() {
                        assert!(read(&page).contains(&format!("id=\"{frag}\"")), "{url}");
                    }
                }
            }
        }
        assert!(n_docs > 0, "{}", site.display());
    }
    // The shipped site indexes every article, claim and entity.
    let articles = read_table(&Table::Articles.path(shipped_build())).num_rows();
    let claims = read_table(&Table::Claims.path(shipped_build())).num_rows();
    let entities = read_table(&Table::Entities.path(shipped_build())).num_rows();
    let count = |kind: &str| -> usize {
        files_with_ext(&shipped_site().join("search/docs"), "js")
            .iter()
            .map(|f| read(f).matches(&format!("[\"{kind}\",")).count())
            .sum()
    };
    assert_eq!(count("a") + count("c"), articles + claims);
    assert_eq!(count("e"), entities);
}

// ---------------------------------------------------------------------------------------
// Nu HTML Checker

#[test]
fn every_page_passes_the_nu_html_checker() {
    let Some((java, jar)) = vnu() else { return };
    // A page with known errors proves the checker runs and reports.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("bad.html"),
        "<!DOCTYPE html><html><head><title>x</title></head><body><p><div></p></body></html>",
    )
    .unwrap();
    let mut cmd = std::process::Command::new(java);
    cmd.arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json", "--skip-non-html"]);
    for site in all_sites() {
        cmd.arg(site);
    }
    let out = cmd.arg(bad.path()).output().expect("java runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let messages = report["messages"].as_array().unwrap();
    let (known, ours): (Vec<_>, Vec<_>) = messages
        .iter()
        .partition(|m| m["url"].as_str().is_some_and(|u| u.ends_with("/bad.html")));
    assert!(
        !known.is_empty(),
        "the checker found nothing in a broken page"
    );
    let errors: Vec<String> = ours
        .iter()
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "{} error(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
    let pages: usize = all_sites()
        .iter()
        .map(|s| files_with_ext(s, "html").len())
        .sum();
    note(&format!("vnu: {pages} pages, 0 errors"));
}

// ---------------------------------------------------------------------------------------
// Chromium: accessibility and search

fn one_article(site: &Path) -> PathBuf {
    files_with_ext(&site.join("articles"), "html")
        .into_iter()
        .find(|p| p.parent().unwrap() != site.join("articles"))
        .expect("an article page")
}

#[test]
fn axe_finds_no_serious_or_critical_violations() {
    let Some(browser) = browser() else { return };
    let site = shipped_site();
    let bad = tempfile::tempdir().unwrap();
    let bad_page = bad.path().join("bad.html");
    std::fs::write(
        &bad_page,
        "<!DOCTYPE html><html><head><title>x</title></head><body><img src=\"x.png\"></body></html>",
    )
    .unwrap();
    let pages = [
        site.join("index.html"),
        one_article(&site),
        entity_page(&site, "country/CN"),
        site.join("data.html"),
        site.join("articles/index.html"),
        site.join("entities/index.html"),
        site.join("entities/country/index.html"),
        site.join("figures/by-value/index.html"),
        site.join("quality.html"),
        site.join("changelog.html"),
        site.join("search.html"),
        // Results, their hits marked, on the page's colours and the links'.
        site.join("search.html?q=rare"),
        one_article(&escaping_build().join("reports/site")),
        synthetic_build().join("reports/site/articles/page-2.html"),
        bad_page.clone(),
    ];
    let args: Vec<&Path> = pages.iter().map(PathBuf::as_path).collect();
    let report = browser.run("axe.mjs", &args);
    let mut serious = Vec::new();
    let mut minor = Vec::new();
    let mut caught = false;
    for p in report["pages"].as_array().unwrap() {
        let page = p["page"].as_str().unwrap();
        for v in p["violations"].as_array().unwrap() {
            let line = format!(
                "{page} ({}): {} [{}] {} {}",
                p["scheme"], v["id"], v["impact"], v["help"], v["targets"]
            );
            if page == bad_page.to_str().unwrap() {
                caught |= v["id"] == "image-alt";
            } else if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                serious.push(line);
            } else {
                minor.push(line);
            }
        }
    }
    assert!(
        caught,
        "axe did not flag an image without alt text: {report}"
    );
    assert!(serious.is_empty(), "{}", serious.join("\n"));
    assert_eq!(
        report["external"],
        serde_json::json!([]),
        "requests left the disk"
    );
    for m in &minor {
        note(&format!("axe (minor): {m}"));
    }
    note(&format!(
        "axe: {} pages in light and dark, 0 serious or critical violations, {} minor",
        pages.len() - 1,
        minor.len()
    ));
}

/// Article ids whose title or claims mention `word` (case-insensitive), from the tables.
fn articles_mentioning(out: &Path, word: &str) -> BTreeSet<String> {
    let claims = read_table(&Table::Claims.path(out));
    let articles = read_table(&Table::Articles.path(out));
    let col = |b: &arrow::array::RecordBatch, name: &str| {
        b.column_by_name(name)
            .unwrap()
            .as_any()
            .downcast_ref::<arrow::array::StringArray>()
            .unwrap()
            .clone()
    };
    let (text, cid) = (col(&claims, "text"), col(&claims, "article_id"));
    let (title, aid) = (col(&articles, "title"), col(&articles, "article_id"));
    let word = word.to_lowercase();
    let mut out: BTreeSet<String> = (0..claims.num_rows())
        .filter(|&i| text.value(i).to_lowercase().contains(&word))
        .map(|i| cid.value(i).to_string())
        .collect();
    out.extend(
        (0..articles.num_rows())
            .filter(|&i| title.value(i).to_lowercase().contains(&word))
            .map(|i| aid.value(i).to_string()),
    );
    out
}

/// The file names (without `.html`) of the search results whose page is under `dir/`:
/// article ids for `articles`, entity page names for `entities`.
fn result_ids(report: &serde_json::Value, dir: &str) -> BTreeSet<String> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["href"].as_str().unwrap())
        .filter(|href| href.contains(&format!("/{dir}/")))
        .map(|href| {
            href.rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".html")
                .to_string()
        })
        .collect()
}

/// The page of an entity in a site.
fn entity_page(site: &Path, id: &str) -> PathBuf {
    site.join(gazette::render::paging::shard_path("entities", id))
}

/// The entities with a name or alias holding a word that starts with `word`: what
/// search should find.
fn entities_named(out: &Path, word: &str) -> BTreeSet<String> {
    use gazette::render::search::tokens;
    let t = read_table(&Table::Entities.path(out));
    let strs = |name: &str| {
        t.column_by_name(name)
            .unwrap()
            .as_any()
            .downcast_ref::<arrow::array::StringArray>()
            .unwrap()
            .clone()
    };
    let (ids, en, zh) = (strs("entity_id"), strs("name_en"), strs("name_zh"));
    let aliases = t
        .column_by_name("aliases")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow::array::ListArray>()
        .unwrap()
        .clone();
    (0..t.num_rows())
        .filter(|&i| {
            let mut text = format!("{} {}", en.value(i), zh.value(i));
            let list = aliases.value(i);
            let list = list
                .as_any()
                .downcast_ref::<arrow::array::StringArray>()
                .unwrap();
            for a in list.iter().flatten() {
                text.push(' ');
                text.push_str(a);
            }
            tokens(&text).iter().any(|t| t.starts_with(word))
        })
        .map(|i| {
            let page = gazette::render::paging::shard_path("entities", ids.value(i));
            page.rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".html")
                .to_string()
        })
        .collect()
}

#[test]
fn chromium_searches_the_site_from_disk() {
    let Some(browser) = browser() else { return };
    let site = shipped_site();
    let shot = artifacts_dir().join("search-gallium.png");
    let report = browser.run(
        "search.mjs",
        &[&site.join("index.html"), Path::new("gallium"), &shot],
    );
    assert!(
        report["url"].as_str().unwrap().starts_with("file://"),
        "{report}"
    );
    assert_eq!(report["state"], "done", "{report}");
    let want = articles_mentioning(shipped_build(), "gallium");
    assert!(!want.is_empty());
    assert_eq!(result_ids(&report, "articles"), want, "{report}");
    // Entities come first: gallium itself, and any entity with a name that holds it.
    let entities = entities_named(shipped_build(), "gallium");
    assert!(!entities.is_empty());
    assert_eq!(result_ids(&report, "entities"), entities, "{report}");
    let results = report["results"].as_array().unwrap();
    assert!(results[0]["href"].as_str().unwrap().contains("/entities/"));
    for r in results
        .iter()
        .filter(|r| r["href"].as_str().unwrap().contains("/articles/"))
    {
        let hits = r["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "a result shows the matching claims: {r}");
        for h in hits {
            assert!(
                h["text"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("gallium"),
                "{h}"
            );
            assert!(h["href"].as_str().unwrap().contains("#claim-"), "{h}");
        }
    }
    assert_eq!(report["external"], serde_json::json!([]), "{report}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    assert!(shot.is_file());
    note(&format!(
        "search: 'gallium' found {} entities and {} articles from file://; screenshot: {}",
        entities.len(),
        want.len(),
        shot.display()
    ));
}

/// One Chinese character finds every article that holds it, wherever it stands in a
/// run of characters: 土 ends 稀土 in some titles (a pair starts with 稀 there).
#[test]
fn chromium_finds_one_chinese_character_anywhere() {
    let Some(browser) = browser() else { return };
    let site = shipped_site();
    let shot = artifacts_dir().join("search-tu.png");
    let want = articles_mentioning(shipped_build(), "土");
    assert!(want.len() >= 2, "{want:?}");
    for query in ["土", "稀土"] {
        let report = browser.run(
            "search.mjs",
            &[&site.join("index.html"), Path::new(query), &shot],
        );
        assert_eq!(report["state"], "done", "{report}");
        let found = result_ids(&report, "articles");
        if query == "稀土" {
            assert!(found.is_subset(&want), "{query}: {report}");
        } else {
            assert_eq!(found, want, "{query}: {report}");
        }
    }
}

/// A corpus text wider than a phone screen (a URL, a word of 300 letters) wraps: no page
/// that shows it scrolls sideways at 375 pixels. Ordinary words do not: no one-word
/// button or table header is broken across lines.
#[test]
fn chromium_pages_with_long_words_fit_a_phone_screen() {
    let Some(browser) = browser() else { return };
    let long_word = "A".repeat(300);
    let dir = build_collection([format!(
        "澳洲稀土报告发布\nPub One· 2025-04-01 10:00\n\
         Core Viewpoint - Australia published its strategy at \
         https://www.industry.gov.au/publications/critical-minerals-strategy-2023-2030-final-report.pdf \
         for investors [1]. - Japan welcomed it with {long_word} [2].\n"
    )]);
    let site = dir.path().join("reports/site");
    // The article's page: in a folder of its own (`articles/1f/…`), not a list page.
    let mut pages = files_with_ext(&site.join("articles"), "html");
    pages.retain(|p| p.parent() != Some(&site.join("articles")));
    assert_eq!(pages.len(), 1, "{pages:?}");
    pages.extend(
        ["changelog.html", "search.html", "quality.html", "data.html"].map(|p| site.join(p)),
    );
    let mut args: Vec<&Path> = vec![Path::new("375")];
    args.extend(pages.iter().map(PathBuf::as_path));
    let report = browser.run("overflow.mjs", &args);
    let shown = report["pages"].as_array().unwrap();
    assert_eq!(shown.len(), pages.len(), "{report}");
    for p in shown {
        assert!(
            p["scrollWidth"].as_u64() <= p["clientWidth"].as_u64(),
            "the page scrolls sideways: {p}"
        );
        assert_eq!(p["broken"], serde_json::json!([]), "words broken: {p}");
    }
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
}

/// A common word's postings grow with the corpus, so its shard comes in parts by ranges
/// of groups; a query reads the parts only as far as the results it shows. The index is
/// written by `SearchIndex` with small files (a large corpus's layout from a small one)
/// into a copy of the shipped site's search page.
#[test]
fn search_reads_a_common_word_a_part_at_a_time() {
    use gazette::render::search::{Doc, DocKind, SearchIndex};
    let Some(browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for page in [
        "index.html",
        "search.html",
        "assets/search.js",
        "assets/style.css",
    ] {
        std::fs::create_dir_all(site.join(page).parent().unwrap()).unwrap();
        std::fs::copy(shipped_site().join(page), site.join(page)).unwrap();
    }
    // Group g: article g, "companies" in its claim; "gallium" too every 50 groups, and
    // "zirconium" in the last group only.
    let groups = 400;
    let claim = |g: usize| match g {
        399 => "companies buy zirconium".to_string(),
        g if g % 50 == 0 => format!("companies buy gallium {g}"),
        _ => "companies buy".to_string(),
    };
    let index = SearchIndex::new(
        groups,
        |_| 2,
        |g| {
            Ok(vec![
                Doc {
                    kind: DocKind::Article,
                    url: format!("articles/{g}.html").into(),
                    text: format!("Article {g}").into(),
                    meta: "".into(),
                    extra: "".into(),
                },
                Doc {
                    kind: DocKind::Claim,
                    url: format!("#claim-{g}").into(),
                    text: claim(g).into(),
                    meta: "".into(),
                    extra: "".into(),
                },
            ])
        },
    )
    .with_shard_bytes(256);
    index
        .write(&gazette::render::site::OutputDir::new(&site))
        .unwrap();
    let manifest = read(&site.join("search/manifest.js"));
    // The shard that holds "companies": the longest key that is a prefix of it.
    let key = serde_json::from_str::<serde_json::Value>(
        &manifest[manifest.find('(').unwrap() + 1..manifest.rfind(");").unwrap()],
    )
    .unwrap()["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .filter(|k| "companies".starts_with(k.as_str()))
        .max_by_key(|k| k.len())
        .unwrap();
    let part_file = format!("terms/{key}.");
    let parts = files_under(&site.join("search/terms"))
        .into_keys()
        .filter(|f| f.starts_with(&part_file[6..]))
        .count();
    assert!(parts >= 4, "the shard of 'companies' in parts: {manifest}");

    let search_then = |query: &str, more: usize, then: Option<&str>| {
        let shot = artifacts_dir().join("search-parts.png");
        let more = more.to_string();
        let mut args = vec![
            site.join("index.html"),
            PathBuf::from(query),
            shot,
            PathBuf::from(&more),
        ];
        args.extend(then.map(PathBuf::from));
        let report = browser.run(
            "search.mjs",
            &args.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
        );
        assert_eq!(report["errors"], serde_json::json!([]), "{report}");
        assert_eq!(report["state"], "done", "{report}");
        let articles: Vec<usize> = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let href = r["href"].as_str().unwrap();
                href[href.rfind('/').unwrap() + 1..href.len() - 5]
                    .parse()
                    .unwrap()
            })
            .collect();
        let loaded: Vec<String> = report["loaded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        (report, articles, loaded)
    };
    let search = |query: &str, more: usize| search_then(query, more, None);
    let comp_parts =
        |loaded: &[String]| loaded.iter().filter(|f| f.starts_with(&part_file)).count();

    // A common word: the first page, then one more, from the first parts only.
    let (report, articles, loaded) = search("companies", 1);
    assert_eq!(articles, (0..40).collect::<Vec<_>>(), "{report}");
    assert_eq!(
        report["status"], "More than 40 results for “companies”; showing 40.",
        "{report}"
    );
    assert_eq!(report["more"], true, "{report}");
    assert!(
        (1..parts).contains(&comp_parts(&loaded)),
        "{} of {parts} parts read for two pages: {loaded:?}",
        comp_parts(&loaded)
    );

    // Read to the end, the count is exact.
    let (report, articles, loaded) = search("companies", 30);
    assert_eq!(articles, (0..groups).collect::<Vec<_>>());
    assert_eq!(
        report["status"],
        "400 results for “companies” (400 matches in titles, claims and entities).",
        "{report}"
    );
    assert_eq!(report["more"], false, "{report}");
    assert_eq!(comp_parts(&loaded), parts, "{loaded:?}");

    // With a word known in full (its shard is one file), the walk skips to its groups:
    // the last group's part, without the parts between.
    let (report, articles, loaded) = search("companies zirconium", 0);
    assert_eq!(articles, [399], "{report}");
    assert_eq!(
        report["status"],
        "1 result for “companies zirconium” (1 match in titles, claims and entities).",
        "{report}"
    );
    assert!(comp_parts(&loaded) <= 2, "{loaded:?}");

    // Two words, intersected part by part; and the same search submitted right after
    // another, which it makes stale: the stale one adds nothing.
    for first in [None, Some("companies")] {
        let (report, articles, _) = match first {
            None => search("gallium companies", 0),
            Some(stale) => search_then(stale, 0, Some("gallium companies")),
        };
        assert_eq!(
            articles,
            (0..8).map(|i| i * 50).collect::<Vec<_>>(),
            "{report}"
        );
        assert_eq!(
            report["status"],
            "8 results for “gallium companies” (8 matches in titles, claims and entities).",
            "{report}"
        );
    }
    note(&format!(
        "search: 'companies' in {parts} parts; two pages read {} of them",
        comp_parts(&search("companies", 1).2)
    ));
}

#[test]
fn search_results_show_markup_as_text() {
    let Some(browser) = browser() else { return };
    let out = escaping_build();
    let shot = artifacts_dir().join("search-escaping.png");
    let report = browser.run(
        "search.mjs",
        &[
            &out.join("reports/site/index.html"),
            Path::new("alert"),
            &shot,
        ],
    );
    assert_eq!(
        result_ids(&report, "articles"),
        articles_mentioning(out, "alert(1)"),
        "{report}"
    );
    let shown = report["results"][0]["text"].as_str().unwrap();
    assert_eq!(
        shown, "<script>alert(1)</script> 标题 {{ 7*7 }}",
        "{report}"
    );
    assert_eq!(
        report["dialogs"],
        serde_json::json!([]),
        "a script ran: {report}"
    );
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
}

// ---------------------------------------------------------------------------------------
// Escaping

const PAYLOADS: [&str; 3] = ["<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}"];

#[test]
fn html_shows_corpus_markup_literally() {
    let site = escaping_build().join("reports/site");
    let mut checked = 0;
    for page in files_with_ext(&site, "html") {
        let html = read(&page);
        assert!(!html.contains("<script>alert"), "{}", page.display());
        assert!(!html.contains("<b>"), "{}", page.display());
        if html.contains("标题") {
            checked += 1;
            assert!(
                html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "{}",
                page.display()
            );
            assert!(html.contains("{{ 7*7 }}"), "{}", page.display());
        }
    }
    assert!(
        checked >= 3,
        "overview, list and article pages show the title"
    );
    let article = read(&one_article_with(&site, "标题"));
    for p in [
        "{% raw %}",
        "{% endraw %}",
        "{{ site }}",
        "| pipes",
        "`backticks`",
        "*stars*",
    ] {
        assert!(article.contains(p), "{p} missing");
    }
}

fn one_article_with(site: &Path, needle: &str) -> PathBuf {
    files_with_ext(&site.join("articles"), "html")
        .into_iter()
        .filter(|p| p.parent().unwrap() != site.join("articles"))
        .find(|p| read(p).contains(needle))
        .expect("an article page with the text")
}

/// The text a markdown renderer shows, and whether the markdown holds raw HTML.
fn markdown_text(md: &str) -> (String, bool) {
    use pulldown_cmark::{Event, Options, Parser};
    let mut text = String::new();
    let mut html = false;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Html(_) | Event::InlineHtml(_) => html = true,
            _ => {}
        }
    }
    (text, html)
}

#[test]
fn markdown_shows_corpus_markup_literally() {
    let md = read(&escaping_build().join("reports/overview.md"));
    let (text, has_html) = markdown_text(&md);
    assert!(!has_html, "raw HTML in the markdown:\n{md}");
    for p in PAYLOADS {
        assert!(
            text.contains(p),
            "'{p}' is not shown literally:\n{text}\n\n{md}"
        );
    }
    assert!(text.contains("{{ 7*7 }} News <b>"), "{text}");
    // The table of sources survives a pipe-free but markup-full source name.
    assert!(md.contains("| {{ 7\\*7 }} News \\<b\\> | 1 |"), "{md}");
    // And the data dictionary renders every column name as code.
    let data = read(&escaping_build().join("reports/data.md"));
    let (text, has_html) = markdown_text(&data);
    assert!(!has_html);
    for c in Table::Claims.spec().columns {
        assert!(text.contains(c.name), "{}", c.name);
    }
}

/// GitHub renders the committed reports with its own markdown (cmark-gfm), which also
/// links bare addresses: the escaping fixture's fourth article has them in its title and
/// claims, and GitHub's renderer must show them as text, not links. (An e-mail address
/// it would still link: see `escape_markdown`.)
#[test]
fn github_markdown_links_no_bare_address_of_the_corpus() {
    let Some(py) = python_with("GAZETTE_PYTHON", ".venv/bin/python", &["cmarkgfm"]) else {
        return;
    };
    let reports = escaping_build().join("reports");
    let pages = files_with_ext(&reports, "md");
    assert!(pages.len() >= 5, "{pages:?}");
    let mut args = vec![root().join("tests/python/github_markdown.py")];
    args.extend(pages.iter().cloned());
    let html: Vec<String> = serde_json::from_str(&run_python(&py, &args)).unwrap();
    let mut shown = 0;
    for (page, html) in pages.iter().zip(&html) {
        for address in [
            "www.example.com",
            "https://example.org/report",
            "http://mirror.example.net/x",
            "ftp://files.example.net",
        ] {
            assert!(
                !html.contains(&format!("\"{address}"))
                    && !html.contains(&format!("//{address}\"")),
                "{}: GitHub links {address}:\n{html}",
                page.display()
            );
        }
        // Shown as written.
        if html.contains("Links 链接 www.example.com and https://example.org/report") {
            shown += 1;
        }
    }
    assert!(shown >= 1, "the overview shows the fourth article's title");
}

/// The escaping fixture's third article: a title and a source that start like
/// spreadsheet formulas, a title ending like a heading's closing hashes, a source with
/// a right-to-left override (which its name drops), a claim with a terminal escape
/// sequence that opens an override, a claim with a line separator, and a claim that is a
/// markdown rule.
#[test]
fn hostile_text_is_inert_in_every_output() {
    let out = escaping_build();
    let site = out.join("reports/site");

    // CSV: no cell a spreadsheet would run; the Parquet keeps the text exactly.
    let articles = read(&site.join("downloads/articles.csv"));
    assert!(
        articles.contains(r#","'=HYPERLINK(""x"") 第三篇 ##","#),
        "{articles}"
    );
    // The publisher's name loses its override (it names the same publisher without it).
    assert!(articles.contains(",'@Formula Wire,"), "{articles}");
    let claims = read(&site.join("downloads/claims.csv"));
    assert!(claims.contains(r#","'=SUM(1+1) is how"#), "{claims}");
    assert!(
        claims.contains(",'--- opens this claim as a markdown rule would,"),
        "{claims}"
    );
    for csv in files_with_ext(&site.join("downloads"), "csv") {
        for line in read(&csv).lines() {
            let cells = line.split(',').map(|c| c.trim_start_matches('"'));
            for cell in cells {
                assert!(
                    !cell.starts_with(['=', '+', '@']),
                    "{}: {line}",
                    csv.display()
                );
            }
        }
    }
    // Every CSV has its header, a table without rows too (this corpus pairs no entities).
    assert_eq!(
        read_table(&Table::EntityCooccurrence.path(out)).num_rows(),
        0
    );
    for table in Table::ALL {
        let spec = table.spec();
        let csv = read(&site.join(format!("downloads/{}.csv", spec.name)));
        let names: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        assert_eq!(csv.lines().next(), Some(&*names.join(",")), "{}", spec.name);
    }
    let titles = strings(&read_table(&Table::Articles.path(out)), "title");
    assert!(titles.contains(&Some("=HYPERLINK(\"x\") 第三篇 ##".to_string())));

    // HTML: no control character, and the override closed before the page goes on.
    let page = read(&one_article_with(&site, "Formula Wire"));
    assert!(!page.contains('\u{1b}'), "an escape sequence in the page");
    assert!(page.contains("\u{FFFD}[31m is a terminal colour"), "{page}");
    assert!(page.contains("@Formula Wire · <time"), "{page}");
    assert!(
        page.contains("terminal colour\u{202E}.\u{202C} <span class=\"cites\">[1]"),
        "the claim's override is not closed: {page}"
    );

    // Markdown: the closing hashes and the terminal's escape are text.
    let md = read(&out.join("reports/overview.md"));
    assert!(md.contains("### =HYPERLINK(\"x\") 第三篇 \\##\n"), "{md}");
    assert!(!md.contains('\u{1b}'), "{md}");
    let (text, has_html) = markdown_text(&md);
    assert!(!has_html);
    assert!(text.contains("第三篇 ##"), "{text}");

    // The search index: line separators escaped, so that older browsers parse the file.
    let docs: String = files_with_ext(&site.join("search/docs"), "js")
        .iter()
        .map(|f| read(f))
        .collect();
    assert!(docs.contains(r"a line\u2028separator"), "{docs}");
    assert!(!docs.contains('\u{2028}'));
}

// ---------------------------------------------------------------------------------------
// Paging and sharding

#[test]
fn article_lists_are_paged_and_pages_sharded() {
    let out = synthetic_build();
    let site = out.join("reports/site");
    let lists = [
        "articles/index.html",
        "articles/page-2.html",
        "articles/page-3.html",
    ];
    assert!(!site.join("articles/page-4.html").exists());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, list) in lists.iter().enumerate() {
        let html = read(&site.join(list));
        for href in attr_values(&html, "href") {
            if let Some(id) = href
                .strip_prefix("../articles/")
                .filter(|h| h.len() == "xx/0123456789abcdef.html".len())
            {
                let (shard, file) = id.split_once('/').unwrap();
                assert!(file.starts_with(shard), "{href}: sharded by id prefix");
                *seen.entry(file.to_string()).or_default() += 1;
            }
        }
        assert_eq!(html.contains("rel=\"prev\""), i > 0, "{list}");
        assert_eq!(html.contains("rel=\"next\""), i < 2, "{list}");
        assert!(
            html.contains(&format!("aria-current=\"page\">{}</a>", i + 1)),
            "{list}"
        );
    }
    assert_eq!(
        seen.len(),
        SYNTHETIC_ARTICLES,
        "every article is listed once"
    );
    assert!(seen.values().all(|&n| n == 1));
    let pages = files_with_ext(&site.join("articles"), "html").len();
    // The articles, their list pages and the page of months.
    assert_eq!(pages, SYNTHETIC_ARTICLES + lists.len() + 1);
    // Newest first: the first list page starts with the last article of the corpus.
    let first = read(&site.join("articles/index.html"));
    let newest = first.find("测试文章119").unwrap();
    assert!(newest < first.find("测试文章118").unwrap());
}

/// What an article list page shows, in order: month headings (`month`, their id) and
/// articles (their title's number in the synthetic corpus, and their month).
#[derive(Debug, PartialEq)]
enum ListItem {
    Heading(String, Option<String>),
    Article(usize, String),
}

fn list_items(html: &str) -> Vec<ListItem> {
    let mut items = Vec::new();
    let mut rest = html;
    loop {
        let heading = rest.find("<h2 class=\"month\"");
        let article = rest.find("测试文章");
        match (heading, article) {
            (Some(h), a) if a.is_none_or(|a| h < a) => {
                rest = &rest[h..];
                let id = rest
                    .split_once('>')
                    .unwrap()
                    .0
                    .split_once(" id=\"")
                    .map(|(_, v)| v.trim_end_matches('"').to_string());
                let label = rest.split_once('>').unwrap().1;
                let label = label[..label.find(['<', '\n']).unwrap()].trim().to_string();
                items.push(ListItem::Heading(label, id));
                rest = &rest[1..];
            }
            (_, Some(a)) => {
                rest = &rest[a + "测试文章".len()..];
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let time = &rest[rest.find("datetime=\"").unwrap() + 10..];
                items.push(ListItem::Article(
                    digits.parse().unwrap(),
                    time[..7].to_string(),
                ));
            }
            _ => return items,
        }
    }
}

#[test]
fn articles_by_month_lead_to_each_months_newest_article() {
    let out = synthetic_build();
    let site = out.join("reports/site");
    // The corpus: article i on 2024-01-01 + 6i days.
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let month_of = |i: usize| {
        (start + chrono::Days::new(i as u64 * 6))
            .format("%Y-%m")
            .to_string()
    };
    let mut expected: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for i in 0..SYNTHETIC_ARTICLES {
        let e = expected.entry(month_of(i)).or_insert((0, i));
        e.0 += 1;
        e.1 = e.1.max(i);
    }

    // The list pages: each article under the heading of its month, headings newest first,
    // and the id on the heading above each month's newest article.
    let mut anchors: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for n in 1..=3 {
        let page = if n == 1 {
            "index.html".to_string()
        } else {
            format!("page-{n}.html")
        };
        let items = list_items(&read(&site.join("articles").join(&page)));
        assert!(
            matches!(items.first(), Some(ListItem::Heading(..))),
            "{page}: {items:?}"
        );
        let mut heading: Option<(String, Option<String>)> = None;
        for item in items {
            match item {
                ListItem::Heading(label, id) => heading = Some((label, id)),
                ListItem::Article(i, month) => {
                    assert_eq!(
                        month,
                        month_of(i),
                        "{page}: article {i} is shown in its month"
                    );
                    let (label, id) = heading.as_mut().unwrap();
                    let date =
                        chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                            .unwrap();
                    assert_eq!(
                        *label,
                        date.format("%B %Y").to_string(),
                        "{page}: article {i}"
                    );
                    if let Some(id) = id.take() {
                        assert_eq!(id, format!("month-{month}"));
                        assert_eq!(
                            i, expected[&month].1,
                            "{page}: {id} heads the month's newest article"
                        );
                        assert!(
                            anchors.insert(month, (page.clone(), i)).is_none(),
                            "one anchor per month"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(
        anchors.len(),
        expected.len(),
        "every month has an anchor: {anchors:?}"
    );

    // The months page links each month, with its count, to that anchor.
    let months = read(&site.join("articles/months.html"));
    let mut linked: BTreeMap<String, usize> = BTreeMap::new();
    for href in attr_values(&months, "href")
        .into_iter()
        .filter(|h| h.contains("#month-"))
    {
        let (page, anchor) = href
            .strip_prefix("../articles/")
            .unwrap()
            .split_once('#')
            .unwrap();
        let month = anchor.strip_prefix("month-").unwrap().to_string();
        assert_eq!(page, anchors[&month].0, "{href}");
        let after = &months[months.find(&format!("href=\"{href}\"")).unwrap()..];
        let count = after[after.find('>').unwrap() + 1..after.find("</a>").unwrap()]
            .parse()
            .unwrap();
        linked.insert(month, count);
    }
    let counts: BTreeMap<String, usize> =
        expected.iter().map(|(m, &(n, _))| (m.clone(), n)).collect();
    assert_eq!(linked, counts);
    // The overview's table of months links to the same places.
    let overview = read(&site.join("index.html"));
    for (month, (page, _)) in &anchors {
        let href = format!("href=\"articles/{page}#month-{month}\"");
        assert!(overview.contains(&href), "{href}");
    }
}

// ---------------------------------------------------------------------------------------
// Reproducibility and atomicity

fn reports_of(out: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(&out.join("reports"))
}

fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: files differ"
    );
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{what}: {name} differs");
    }
}

#[test]
fn reports_do_not_depend_on_the_thread_count() {
    let mut runs = Vec::new();
    for threads in ["1", "3"] {
        let dir = tempfile::tempdir().unwrap();
        let o = gazette()
            .env("RAYON_NUM_THREADS", threads)
            .args(["build", "-q", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        runs.push(reports_of(dir.path()));
    }
    assert!(runs[0].len() > 10);
    assert_same(&runs[0], &runs[1], "1 thread vs 3");
    assert_same(
        &runs[0],
        &reports_of(shipped_build()),
        "1 thread vs default",
    );
}

/// The committed `reports/` is what the committed data renders to, nothing missing,
/// nothing stale: a build of the shipped corpus, rendered with the committed changelog
/// (the one output that depends on the build's history: CI rebuilds in the repository,
/// where the previous build is the one committed at HEAD).
#[test]
fn committed_reports_reproduce() {
    let dir = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), dir.path());
    std::fs::copy(
        root().join("data/changelog.json"),
        dir.path().join("data/changelog.json"),
    )
    .unwrap();
    render(dir.path());
    let built = reports_of(dir.path());
    let committed = reports_of(&root());
    for name in built.keys() {
        assert!(
            committed.contains_key(name),
            "reports/{name} is built but not committed: run `cargo run -- build` and commit reports/"
        );
    }
    for (name, bytes) in &committed {
        let Some(b) = built.get(name) else {
            panic!("reports/{name} is committed but no longer built: remove it");
        };
        assert!(
            b == bytes,
            "reports/{name} differs from a fresh build: rebuild and commit it"
        );
    }
}

#[test]
fn render_rerenders_from_the_tables_alone() {
    let dir = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), dir.path());
    std::fs::remove_dir_all(dir.path().join("reports")).unwrap();
    // From another working directory, without a corpus: render reads only the tables.
    let o = gazette()
        .current_dir(dir.path())
        .args(["render", "-q", "--out", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same(
        &reports_of(dir.path()),
        &reports_of(shipped_build()),
        "render vs build",
    );

    let o = run(&["render", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("Example") && help.contains("--templates"),
        "{help}"
    );

    let empty = tempfile::tempdir().unwrap();
    let o = gazette()
        .args(["render", "--out"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("run `gazette build` first"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn templates_can_be_overridden_by_name() {
    let tpl = tempfile::tempdir().unwrap();
    std::fs::create_dir(tpl.path().join("partials")).unwrap();
    std::fs::create_dir(tpl.path().join("assets")).unwrap();
    std::fs::write(tpl.path().join("assets/style.css"), "/* my style */\n").unwrap();
    std::fs::write(
        tpl.path().join("partials/claim.html"),
        "<li class=\"my-claim\" id=\"{{ c.anchor }}\">{{ c.text }}</li>\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = gazette()
        .args(["build", "-q", "--out"])
        .arg(out.path())
        .arg("--templates")
        .arg(tpl.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let site = out.path().join("reports/site");
    assert_eq!(read(&site.join("assets/style.css")), "/* my style */\n");
    let article = read(&one_article(&site));
    assert!(article.contains("class=\"my-claim\""), "{article}");
    assert!(!article.contains("class=\"claim\""));

    std::fs::write(tpl.path().join("artcle.html"), "").unwrap();
    let o = gazette()
        .args(["build", "--out"])
        .arg(out.path())
        .arg("--templates")
        .arg(tpl.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("artcle.html") && stderr(&o).contains("article.html"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_template_that_does_not_compile_stops_the_build_before_it_starts() {
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(
        tpl.path().join("article.html"),
        "{% extends \"base.html\" %}{% block main %}\n{% for c in %}{% endfor %}{% endblock %}",
    )
    .unwrap();
    let with_templates = |args: &[&str], out: &Path| {
        gazette()
            .args(args)
            .arg("--out")
            .arg(out)
            .arg("--templates")
            .arg(tpl.path())
            .output()
            .unwrap()
    };
    let out = tempfile::tempdir().unwrap();
    // `--no-reports` renders nothing, so the broken template does not stop it.
    let o = with_templates(&["build", "-q", "--no-reports"], out.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let before = files_under(out.path());
    for command in ["build", "render"] {
        let o = with_templates(&[command], out.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{command}: {err}");
        let path = tpl.path().join("article.html");
        assert!(
            err.contains("Failed to compile the template 'article.html'")
                && err.contains(&path.display().to_string())
                && err.contains("article.html:2"),
            "{command}: {err}"
        );
        // Refused before anything ran.
        assert_same(&before, &files_under(out.path()), command);
    }
}

#[test]
fn a_failed_render_leaves_the_previous_outputs() {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    let before = files_under(out.path());
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(
        tpl.path().join("article.html"),
        "{% extends \"base.html\" %}{% block main %}{{ no_such_value }}{% endblock %}",
    )
    .unwrap();
    // A different corpus, so that the tables would change if they were committed.
    let o = gazette()
        .args(["build", "--corpus"])
        .arg(fixture("site/escaping"))
        .arg("--out")
        .arg(out.path())
        .arg("--templates")
        .arg(tpl.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("Failed to render page 'site/articles/"),
        "{err}"
    );
    assert!(
        err.contains("no_such_value") || err.contains("undefined"),
        "{err}"
    );
    let after = files_under(out.path());
    assert_same(&before, &after, "after a failed build");
    let stray: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "staging left behind: {stray:?}");
}

// ---------------------------------------------------------------------------------------
// Downloads

#[test]
fn csv_downloads_hold_every_row() {
    let site = shipped_site();
    for table in Table::ALL {
        let spec = table.spec();
        let rows = read_table(&table.path(shipped_build())).num_rows();
        let csv = read(&site.join(format!("downloads/{}.csv", spec.name)));
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let names: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        assert_eq!(header, names);
        // Quoted fields may hold commas, never line breaks (summaries are one line).
        assert_eq!(lines.count(), rows, "{}", spec.name);
        let parquet = std::fs::read(site.join(format!("downloads/{}.parquet", spec.name))).unwrap();
        assert!(parquet == std::fs::read(table.path(shipped_build())).unwrap());
    }
    let claims = read(&site.join("downloads/claims.csv"));
    assert!(
        claims.contains(",\"[1,4,10]\","),
        "citations as JSON arrays"
    );
    let articles = read(&site.join("downloads/articles.csv"));
    assert!(
        articles.contains(",2026-01-09T15:06:00+08:00,"),
        "times with their offset"
    );
}

// ---------------------------------------------------------------------------------------
// Snapshots

#[test]
fn article_page_snapshot() {
    // 韩国想挖稀土“抗衡中国”,但越南想要更多: a core section and three groups.
    let page = read(&shipped_site().join("articles/87/877c835aef3ab2aa.html"));
    insta::assert_snapshot!(page);
}

#[test]
fn overview_markdown_snapshot() {
    insta::assert_snapshot!(read(&shipped_build().join("reports/overview.md")));
}

#[test]
fn entity_page_snapshot() {
    // Gallium: a commodity with a parent, Chinese and English names, mentions in titles
    // and claims, figures in the claims that mention it.
    let page = read(&entity_page(&shipped_site(), "commodity/gallium"));
    insta::assert_snapshot!(page);
}

// ---------------------------------------------------------------------------------------
// Entities, figures, attribution

fn strs(batch: &arrow::array::RecordBatch, name: &str) -> Vec<Option<String>> {
    let a = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_any()
        .downcast_ref::<arrow::array::StringArray>()
        .unwrap();
    a.iter().map(|v| v.map(str::to_string)).collect()
}

/// `text` as it appears in HTML text (the five escaped characters).
fn html_text(text: &str) -> String {
    gazette::render::templates::escape_html(text)
}

fn article_page(site: &Path, id: &str) -> PathBuf {
    site.join(gazette::render::paging::article_path(id))
}

/// Every figure of a claim or title is highlighted on its article's page, every mention
/// links to its entity's page, and every attribution shows who says so.
#[test]
fn article_pages_highlight_figures_link_entities_and_show_attribution() {
    for out in [shipped_build(), escaping_build()] {
        let site = out.join("reports/site");
        let figures = read_table(&Table::Figures.path(out));
        let (ids, surfaces) = (strs(&figures, "article_id"), strs(&figures, "surface"));
        let kinds = strs(&figures, "kind");
        assert!(figures.num_rows() > 0);
        for i in 0..figures.num_rows() {
            let html = read(&article_page(&site, ids[i].as_deref().unwrap()));
            let mark = format!(
                "<mark class=\"figure figure-{}\" title=\"",
                kinds[i].as_deref().unwrap()
            );
            let surface = format!("\">{}</mark>", html_text(surfaces[i].as_deref().unwrap()));
            assert!(
                html.split(&mark).skip(1).any(|rest| rest
                    .split_once("</mark>")
                    .is_some_and(|(m, _)| format!("{m}</mark>").ends_with(&surface))),
                "figure {:?} of article {:?} is not highlighted",
                surfaces[i],
                ids[i]
            );
        }

        let mentions = read_table(&Table::Mentions.path(out));
        let (m_article, m_entity, m_surface) = (
            strs(&mentions, "article_id"),
            strs(&mentions, "entity_id"),
            strs(&mentions, "surface"),
        );
        let mut linked = 0;
        for i in 0..mentions.num_rows() {
            let page = article_page(&site, m_article[i].as_deref().unwrap());
            let html = read(&page);
            let target =
                gazette::render::paging::shard_path("entities", m_entity[i].as_deref().unwrap());
            let open = format!("<a class=\"entity\" href=\"../../{target}\"");
            let text = format!("{}</a>", html_text(m_surface[i].as_deref().unwrap()));
            // A Chinese name in an English text says its language.
            let is_link = |(at, _): (usize, &str)| {
                let rest = &html[at + open.len()..];
                let rest = rest.strip_prefix(" lang=\"zh\"").unwrap_or(rest);
                rest.strip_prefix('>').is_some_and(|r| r.starts_with(&text))
            };
            // A mention that overlaps a figure (rare) shows as the figure instead.
            linked += usize::from(html.match_indices(&open).any(is_link));
            assert!(site.join(&target).is_file(), "{target}");
        }
        assert!(
            linked * 100 >= mentions.num_rows() * 95,
            "only {linked} of {} mentions are linked",
            mentions.num_rows()
        );

        let claims = read_table(&Table::Claims.path(out));
        let (c_article, who, modality) = (
            strs(&claims, "article_id"),
            strs(&claims, "attributed_to"),
            strs(&claims, "modality"),
        );
        let mut shown = 0;
        for i in 0..claims.num_rows() {
            if let Some(w) = &who[i] {
                let html = read(&article_page(&site, c_article[i].as_deref().unwrap()));
                assert!(
                    html.contains(&format!("<span class=\"who\">{}</span>", html_text(w))),
                    "attribution to {w:?} is not shown"
                );
                shown += 1;
            }
            if modality[i].as_deref() != Some("fact") {
                let html = read(&article_page(&site, c_article[i].as_deref().unwrap()));
                assert!(html.contains(&format!(
                    "<span class=\"modality\">{}</span>",
                    modality[i].as_deref().unwrap()
                )));
            }
        }
        if out == shipped_build() {
            assert!(shown > 0, "the shipped corpus attributes some claims");
        }
    }
}

/// The ids of the claims shown on a page (`id="claim-…"`).
fn claim_ids_on(html: &str) -> Vec<String> {
    attr_values(html, "id")
        .into_iter()
        .filter_map(|id| id.strip_prefix("claim-").map(str::to_string))
        .collect()
}

/// An entity's pages: the first, then `-p2.html`… while they exist.
fn entity_pages(site: &Path, id: &str) -> Vec<PathBuf> {
    let first = entity_page(site, id);
    let mut pages = vec![first.clone()];
    for n in 2.. {
        let p = PathBuf::from(format!(
            "{}-p{n}.html",
            first.to_string_lossy().trim_end_matches(".html")
        ));
        if !p.is_file() {
            break;
        }
        pages.push(p);
    }
    pages
}

/// Every entity has a page, and its pages show every claim that mentions it, once.
#[test]
fn entity_pages_show_every_claim_that_mentions_them() {
    let out = shipped_build();
    let site = out.join("reports/site");
    let entities = read_table(&Table::Entities.path(out));
    let mentions = read_table(&Table::Mentions.path(out));
    let (m_entity, m_claim) = (strs(&mentions, "entity_id"), strs(&mentions, "claim_id"));
    let mut want: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in 0..mentions.num_rows() {
        if let Some(c) = &m_claim[i] {
            want.entry(m_entity[i].clone().unwrap())
                .or_default()
                .insert(c.clone());
        }
    }
    let names = strs(&entities, "name_en");
    for (i, id) in strs(&entities, "entity_id").iter().enumerate() {
        let id = id.as_deref().unwrap();
        let pages = entity_pages(&site, id);
        let first = read(&pages[0]);
        assert!(
            first.contains(&html_text(names[i].as_deref().unwrap())),
            "{id}"
        );
        let mut shown: Vec<String> = Vec::new();
        for p in &pages {
            shown.extend(claim_ids_on(&read(p)));
        }
        let set: BTreeSet<String> = shown.iter().cloned().collect();
        assert_eq!(set.len(), shown.len(), "{id}: a claim shown twice");
        assert_eq!(set, want.remove(id).unwrap_or_default(), "{id}");
    }
    assert!(want.is_empty(), "mentions of entities without a page");

    // China's page: its parent-less facts, a timeline, co-mentioned entities, figures.
    let china = read(&entity_page(&site, "country/CN"));
    for part in [
        "<span lang=\"zh\">中国</span>",
        "id=\"entity-timeline-title\"",
        "Mentioned with",
        // figures say what they are about: China's are those whose subject it is
        "Figures about it",
        "<code>Q148</code>",
    ] {
        assert!(china.contains(part), "{part}");
    }
    // Dysprosium's parents lead to rare earths.
    let dy = read(&entity_page(&site, "commodity/dysprosium"));
    assert!(dy.contains(&format!(
        "href=\"../../{}\"",
        gazette::render::paging::shard_path("entities", "commodity/heavy-rare-earths")
    )));
}

/// An entity mentioned in many articles gets its articles over several pages, each
/// article once, newest first; the kind lists and the index cover every entity.
#[test]
fn entity_pages_are_paged_and_listed_by_kind() {
    let out = synthetic_build();
    let site = out.join("reports/site");
    let pages = entity_pages(&site, "commodity/gallium");
    assert_eq!(pages.len(), 3, "120 articles, 50 per page");
    let mut seen: Vec<String> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let html = read(p);
        assert_eq!(html.contains("rel=\"prev\""), i > 0);
        assert_eq!(html.contains("rel=\"next\""), i + 1 < pages.len());
        assert_eq!(html.contains("Mentions over time"), i == 0);
        // The list's items, not the figures' links to their articles.
        for item in html
            .split("<a class=\"article-title\" href=\"../../articles/")
            .skip(1)
        {
            seen.push(item[..item.find('"').unwrap()].to_string());
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), SYNTHETIC_ARTICLES);
    assert_eq!(seen.len(), SYNTHETIC_ARTICLES, "each article once");
    let first = read(&pages[0]);
    assert!(first.find("测试文章119").unwrap() < first.find("测试文章118").unwrap());

    // Every entity of the shipped build is in its kind's list and has a page.
    let shipped = shipped_site();
    let entities = read_table(&Table::Entities.path(shipped_build()));
    let index = read(&shipped.join("entities/index.html"));
    for (id, kind) in strs(&entities, "entity_id")
        .iter()
        .zip(strs(&entities, "kind"))
    {
        let (id, kind) = (id.as_deref().unwrap(), kind.unwrap());
        let list = read(&shipped.join(format!("entities/{kind}/index.html")));
        let href = format!(
            "href=\"../../{}\"",
            gazette::render::paging::shard_path("entities", id)
        );
        assert!(list.contains(&href), "{id} not in its kind's list");
        assert!(index.contains(&format!("href=\"../entities/{kind}/index.html\"")));
    }
}

/// An entity mentioned in more articles than its pages list: the newest 1,000 are listed
/// over 20 pages, each with every claim of it that mentions the entity, the count says
/// how many there are in all, and its figures list the newest 50 of all of them.
#[test]
fn entity_pages_list_the_newest_thousand_articles_of_many() {
    const ARTICLES: usize = 1_030;
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let dir = build_collection((0..ARTICLES).map(|i| {
        format!(
            "测试文章{i}\nAlpha News· {} 08:00\n\
             Core Viewpoint - Gallium exports reached {} tons in article {i} [1]. \
             Group 1: Details - Officials discussed gallium prices again [2]. - Nothing else happened [3].\n",
            (start + chrono::Days::new(i as u64)).format("%Y-%m-%d"),
            i + 1
        )
    }));
    let site = dir.path().join("reports/site");

    // The claims that mention gallium, by article, newest article first.
    let mentions = read_table(&Table::Mentions.path(dir.path()));
    let articles = read_table(&Table::Articles.path(dir.path()));
    let titles: HashMap<String, String> = strs(&articles, "article_id")
        .into_iter()
        .zip(strs(&articles, "title"))
        .map(|(id, t)| (id.unwrap(), t.unwrap()))
        .collect();
    let mut claims_of: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for ((e, a), c) in strs(&mentions, "entity_id")
        .into_iter()
        .zip(strs(&mentions, "article_id"))
        .zip(strs(&mentions, "claim_id"))
    {
        if e.as_deref() == Some("commodity/gallium")
            && let Some(c) = c
        {
            let n: usize = titles[&a.unwrap()]["测试文章".len()..].parse().unwrap();
            claims_of.entry(n).or_default().insert(c);
        }
    }
    assert_eq!(claims_of.len(), ARTICLES, "every article mentions gallium");
    let want: BTreeSet<String> = claims_of
        .iter()
        .rev()
        .take(1_000)
        .flat_map(|(_, c)| c.iter().cloned())
        .collect();

    let pages = entity_pages(&site, "commodity/gallium");
    assert_eq!(pages.len(), 20);
    let mut shown = Vec::new();
    let mut listed = Vec::new();
    for p in &pages {
        let html = read(p);
        shown.extend(claim_ids_on(&html));
        for item in html
            .split("<a class=\"article-title\" href=\"../../articles/")
            .skip(1)
        {
            let title = &item[item.find('>').unwrap() + 1..item.find("</a>").unwrap()];
            listed.push(title["测试文章".len()..].parse::<usize>().unwrap());
        }
    }
    let newest: Vec<usize> = (ARTICLES - 1_000..ARTICLES).rev().collect();
    assert_eq!(listed, newest, "the newest 1,000, newest first, each once");
    let set: BTreeSet<String> = shown.iter().cloned().collect();
    assert_eq!(set.len(), shown.len(), "a claim shown twice");
    assert_eq!(set, want);

    let first = read(&pages[0]);
    assert!(
        first.contains("in 1,030 articles"),
        "the count is of all articles"
    );
    assert!(first.contains("These pages list the newest 1,000"));
    // Its figures: the newest 50 of the 1,030 whose commodity it is.
    assert!(first.contains("Figures about it"));
    let figures = &first[first.find("Figures about it").unwrap()..];
    let figures = &figures[..figures.find("</table>").unwrap()];
    assert!(figures.contains("newest first (the latest 50 of 1030)"));
    let amounts: Vec<usize> = figures
        .split("<tr id=\"figure-")
        .skip(1)
        .map(|row| {
            let surface = &row[..row.find(" tons</mark>").unwrap()];
            surface[surface.rfind('>').unwrap() + 1..].parse().unwrap()
        })
        .collect();
    let want: Vec<usize> = (ARTICLES - 49..=ARTICLES).rev().collect();
    assert_eq!(amounts, want);
}

/// Each of the ledger's orderings lists every figure once; by value, each kind's
/// figures come together, largest (or smallest) first within a unit.
#[test]
fn the_ledger_lists_every_figure_in_each_ordering() {
    use arrow::array::Array;
    let out = shipped_build();
    let site = out.join("reports/site");
    let figures = read_table(&Table::Figures.path(out));
    let ids = strs(&figures, "figure_id");
    let kinds = strs(&figures, "kind");
    let units = strs(&figures, "normalized_unit");
    let values = figures
        .column_by_name("normalized_value")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow::array::Float64Array>()
        .unwrap()
        .clone();
    let row: HashMap<String, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone().unwrap(), i))
        .collect();
    for (dir, largest_first) in [
        ("figures", None),
        ("figures/by-value", Some(true)),
        ("figures/by-value-asc", Some(false)),
    ] {
        let mut listed: Vec<usize> = Vec::new();
        for page in files_with_ext(&site.join(dir), "html")
            .into_iter()
            .filter(|p| p.parent().unwrap() == site.join(dir))
        {
            for id in attr_values(&read(&page), "id") {
                if let Some(f) = id.strip_prefix("figure-") {
                    listed.push(row[f]);
                }
            }
        }
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(sorted, (0..ids.len()).collect::<Vec<_>>(), "{dir}");
        let Some(largest_first) = largest_first else {
            continue;
        };
        // One page here (54 figures): `listed` is the ordering.
        for w in listed.windows(2) {
            let (a, b) = (w[0], w[1]);
            if kinds[a] != kinds[b] {
                continue;
            }
            if units[a] == units[b] && values.is_valid(a) && values.is_valid(b) {
                let (va, vb) = (values.value(a), values.value(b));
                assert!(
                    if largest_first { va >= vb } else { va <= vb },
                    "{dir}: {va} before {vb}"
                );
            }
        }
        let mut kind_runs: Vec<&str> = listed
            .iter()
            .map(|&i| kinds[i].as_deref().unwrap())
            .collect();
        kind_runs.dedup();
        let distinct: BTreeSet<&&str> = kind_runs.iter().collect();
        assert_eq!(
            distinct.len(),
            kind_runs.len(),
            "{dir}: kinds come together"
        );
    }
}

/// The quality page shows every check of the build's data tests with its counts.
#[test]
fn quality_page_lists_every_check() {
    let out = shipped_build();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/quality.json")).unwrap()).unwrap();
    let results = report["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let html = read(&out.join("reports/site/quality.html"));
    let md = read(&out.join("reports/quality.md"));
    let rows = html.matches("<tr><td><code>").count();
    assert_eq!(rows, results.len(), "one row per check");
    assert!(
        html.contains(&format!("ran {} checks", results.len())),
        "{html}"
    );
    assert!(html.contains("all passed"));
    for r in results {
        let description = html_text(r["description"].as_str().unwrap());
        assert!(html.contains(&description), "{description}");
        let table = r["table"].as_str().unwrap();
        assert!(md.contains(&format!("## `{table}`")), "{table}");
    }
    let (text, has_html) = markdown_text(&md);
    assert!(!has_html);
    assert!(text.contains("all passed"));
}

/// The changelog page lists what the build added, by id, linking each row that has a
/// page to it (the link check covers that every link resolves).
#[test]
fn changelog_page_links_rows_to_their_pages() {
    let out = shipped_build();
    let diff: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/changelog.json")).unwrap()).unwrap();
    let html = read(&out.join("reports/site/changelog.html"));
    let mut linked = 0;
    for t in diff["tables"].as_array().unwrap() {
        let table = t["table"].as_str().unwrap();
        for r in t["added"].as_array().unwrap() {
            let id = r["id"].as_str().unwrap();
            let expected = match table {
                "articles" => Some(gazette::render::paging::article_path(id)),
                "entities" => Some(gazette::render::paging::shard_path("entities", id)),
                "claims" => Some(format!("#claim-{id}")),
                _ => None,
            };
            let at = html
                .find(&format!("<code>{}</code>", html_text(id)))
                .unwrap_or_else(|| panic!("{table} {id} is not listed"));
            if let Some(e) = expected {
                let line = &html[at..at + html[at..].find('\n').unwrap()];
                assert!(line.contains(&e), "{table} {id}: {line}");
                linked += 1;
            }
        }
    }
    assert!(linked > 0, "a fresh build adds every row");
}

/// Every markdown report shows corpus markup literally, and holds no HTML.
#[test]
fn every_markdown_report_shows_corpus_markup_literally() {
    let out = escaping_build();
    let reports = files_with_ext(&out.join("reports"), "md");
    let names: Vec<String> = reports
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in [
        "overview.md",
        "data.md",
        "entities.md",
        "figures.md",
        "quality.md",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} missing: {names:?}");
    }
    for path in &reports {
        let md = read(path);
        let (text, has_html) = markdown_text(&md);
        assert!(!has_html, "raw HTML in {}:\n{md}", path.display());
        assert!(
            !text.contains("{{ 49 }}") && !text.contains(" 49 "),
            "{}",
            path.display()
        );
    }
    let (figures, _) = markdown_text(&read(&out.join("reports/figures.md")));
    assert!(
        figures.contains(
            "Analysts <i>said</i> gallium prices may rise 50% to $3,000 per kilogram, {{ 7*7 }}."
        ),
        "{figures}"
    );
}
