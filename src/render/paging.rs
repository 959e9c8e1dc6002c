//! Where pages live: sharded per-row pages, paged lists, and relative links.
//!
//! Every URL a view holds is relative to the site root (`articles/3f/3f…a1.html`); a page
//! at depth `d` prefixes it with `root` = `../` × `d` (see [`root_of`]). Links stay valid
//! wherever the site is copied, and from `file://`.

use anyhow::{Result, bail};
use serde::Serialize;

/// Articles per list page.
pub const ARTICLES_PER_PAGE: usize = 50;

/// Checks that a row id can be used in a file name as it is (the tables' ids are hex).
pub fn check_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 128
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!("the id {id:?} is not made of letters, digits, '-' and '_'");
    }
    Ok(())
}

/// `DIR/<shard>/<file>.html` for a row id: shards keep folders small at a million pages.
/// Hex ids (articles, claims) shard on their first two digits; other ids (`country/JP`)
/// become a lowercase slug with a hash suffix (distinct ids never share a file, even on
/// case-insensitive file systems) and shard on the hash.
pub fn shard_path(dir: &str, id: &str) -> String {
    let is_hex = id.len() >= 2 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if is_hex {
        // Pushed, not format!ted: every link to an article names its page (a list page
        // fifty), and formatting cost ten times the pushes.
        let mut path = String::with_capacity(dir.len() + id.len() + 9);
        for piece in [dir, "/", &id[..2], "/", id, ".html"] {
            path.push_str(piece);
        }
        return path;
    }
    let hash = crate::ids::stable_id(&[id]);
    let mut slug = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        format!("{dir}/{}/{}.html", &hash[..2], &hash[..12])
    } else {
        format!("{dir}/{}/{slug}-{}.html", &hash[..2], &hash[..8])
    }
}

/// The page of one article.
pub fn article_path(id: &str) -> String {
    shard_path("articles", id)
}

/// Page `n` (1-based) of a paged list under `dir`: `DIR/index.html`, `DIR/page-2.html`…
pub fn list_page_path(dir: &str, n: usize) -> String {
    if n <= 1 {
        format!("{dir}/index.html")
    } else {
        format!("{dir}/page-{n}.html")
    }
}

/// The page listing every month's articles, with links into the article list.
pub const ARTICLE_MONTHS: &str = "articles/months.html";

/// The id of a month's heading in the article list: `month-2025-10`.
pub fn month_anchor(month: &str) -> String {
    format!("month-{month}")
}

/// The article list at the heading of `month`, whose newest article stands at
/// `position` (0-based) in the site's order.
pub fn article_list_at_month(position: usize, month: &str) -> String {
    let page = list_page_path("articles", position / ARTICLES_PER_PAGE + 1);
    format!("{page}#{}", month_anchor(month))
}

/// How many pages a list of `items` needs (at least one, so an empty list has a page).
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// The prefix that leads from a page at `path` (relative to the site root) back to
/// the root: `""`, `"../"`, `"../../"`…
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Navigation between the pages of a list: first, previous, a window of numbers around
/// the current page, next, last.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pager {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PagerLink>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PagerLink {
    /// The page number, or `None` for a gap (`…`).
    pub number: Option<usize>,
    pub url: Option<String>,
    pub current: bool,
}

impl Pager {
    /// The pager of page `current` (1-based) of `total` list pages under `dir`.
    pub fn new(dir: &str, current: usize, total: usize) -> Pager {
        Pager::with_urls(current, total, |n| list_page_path(dir, n))
    }

    /// The pager of page `current` of `total` pages whose URLs `url(n)` gives.
    pub fn with_urls(current: usize, total: usize, url: impl Fn(usize) -> String) -> Pager {
        const AROUND: usize = 2;
        // The numbers shown, in order: the first, a window around the current, the last
        // (not a walk over every page: a million articles make 20,000 list pages).
        let window = current.saturating_sub(AROUND).max(1)..=(current + AROUND).min(total);
        let mut shown: Vec<usize> = std::iter::once(1)
            .chain(window)
            .chain(std::iter::once(total))
            .filter(|&n| (1..=total).contains(&n))
            .collect();
        shown.dedup();
        let mut links = Vec::new();
        let mut last_shown = 0;
        for n in shown {
            if n > last_shown + 1 {
                links.push(PagerLink {
                    number: None,
                    url: None,
                    current: false,
                });
            }
            links.push(PagerLink {
                number: Some(n),
                url: Some(url(n)),
                current: n == current,
            });
            last_shown = n;
        }
        Pager {
            current,
            total,
            prev: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
            links,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sharded_and_safe() {
        assert_eq!(
            article_path("3fa85f6457174562"),
            "articles/3f/3fa85f6457174562.html"
        );
        let a = shard_path("entities", "country/JP");
        let b = shard_path("entities", "country/jp");
        assert!(
            a.starts_with("entities/") && a.contains("/country-jp-"),
            "{a}"
        );
        assert_ne!(a, b, "case-only differences get different files");
        assert_eq!(a.matches('/').count(), 2);
        let odd = shard_path("entities", "../../etc/passwd");
        assert!(!odd.contains(".."), "{odd}");
        assert!(check_id("../x").is_err() && check_id("").is_err());
        assert!(check_id("3fa85f6457174562").is_ok());
    }

    #[test]
    fn relative_roots() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("articles/index.html"), "../");
        assert_eq!(root_of("articles/3f/x.html"), "../../");
    }

    #[test]
    fn pager_windows() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(101, 50), 3);
        let p = Pager::new("articles", 6, 20);
        let shown: Vec<String> = p
            .links
            .iter()
            .map(|l| l.number.map_or("…".to_string(), |n| n.to_string()))
            .collect();
        assert_eq!(shown, ["1", "…", "4", "5", "6", "7", "8", "…", "20"]);
        assert_eq!(p.prev.as_deref(), Some("articles/page-5.html"));
        assert_eq!(p.next.as_deref(), Some("articles/page-7.html"));
        let first = Pager::new("articles", 1, 1);
        assert_eq!((first.prev, first.next), (None, None));
        assert_eq!(first.links[0].url.as_deref(), Some("articles/index.html"));
    }
}
