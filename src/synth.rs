//! `gazette synth`: deterministic synthetic corpora in the export format, for benchmarks
//! and scale tests.
//!
//! The text is assembled from sentence templates whose slots draw on the kinds of things
//! the real corpus holds — countries, companies, agencies, people, laws, places,
//! commodities, money, shares, tonnages, durations, ranges, attributed and hedged
//! statements — in about the real density: some 1.7 kB per article, 8–13 claims, and per
//! claim about as many figures (more than half of the claims have none) and entity
//! mentions as the shipped corpus (a test compares them). Frequent names come from short
//! lists; a long tail comes from the whole embedded gazetteer, so that a large corpus
//! names thousands of entities, as years of digests across topics do.
//! Every section form appears (core labels, `Group N: Heading`, `Group N`, bare
//! headings), and a few articles per thousand are malformed the ways real exports are.
//! The same arguments always give the same bytes.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::extract::entities::Kind;
use crate::extract::entities::gazetteer::Gazetteer;
use crate::fsutil;

/// splitmix64: tiny, fast, and fully determined by its seed. Tests draw their
/// generated inputs from it too.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A number in [0, 1) from the next 53 bits.
    #[cfg(test)]
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, per_thousand: u64) -> bool {
        self.next() % 1000 < per_thousand
    }
    /// An index below `n`, index `i` about as often as `1 / (i + 1)`: a few names are
    /// in most digests, most names in a few, as word frequencies go. (Log-uniform over
    /// powers of two, in integers: no float function whose last bit may vary by machine.)
    fn skewed(&mut self, n: usize) -> usize {
        let bits = (usize::BITS - n.leading_zeros()) as usize;
        let span = 1usize << self.below(bits.max(1));
        self.below(span.min(n).max(1))
    }
}

/// The gazetteer's names by kind, in its order: the long tail the slots draw on.
struct Names {
    countries: Vec<String>,
    organizations: Vec<String>,
    people: Vec<String>,
    laws: Vec<String>,
    places: Vec<String>,
}

impl Names {
    fn embedded() -> Result<Self> {
        let gazetteer = Gazetteer::embedded()?;
        let of = |kind: Kind| -> Vec<String> {
            gazetteer
                .entries
                .iter()
                .filter(|e| e.kind == kind)
                // The first English alias is a string the recognizer matches.
                .map(|e| e.match_en.first().unwrap_or(&e.name_en))
                // Nothing that the export format reads as structure.
                .filter(|n| !n.contains(" - ") && !n.contains(['[', ']', '·', '\n']))
                .cloned()
                .collect()
        };
        Ok(Names {
            countries: of(Kind::Country),
            organizations: of(Kind::Organization),
            people: of(Kind::Person),
            laws: of(Kind::Law),
            places: of(Kind::Place),
        })
    }
}

/// `list`'s name most of the time, else one of the long `tail` (per thousand).
fn head_or_tail<'a>(
    rng: &mut Rng,
    list: &[&'a str],
    tail: &'a [String],
    per_thousand: u64,
) -> &'a str {
    if !tail.is_empty() && rng.chance(per_thousand) {
        &tail[rng.skewed(tail.len())]
    } else {
        rng.pick(list)
    }
}

const TOPICS: &[&str] = &[
    "去中国化供应链",
    "关键矿产",
    "稀土出口管制",
    "半导体供应链",
    "电池材料",
    "海底采矿",
    "贸易与关税",
    "产业政策",
];

const SOURCES: &[&str] = &[
    "Sou Hu Cai Jing",
    "Guan Cha Zhe Wang",
    "日经中文网",
    "Xin Lang Cai Jing",
    "Cai Lian She",
    "Di Yi Cai Jing",
    "Jie Mian Xin Wen",
    "Zhong Guo Zheng Quan Bao",
    "华尔街见闻",
    "Feng Huang Wang",
];

const TITLES: &[&str] = &[
    "{zc}加速布局稀土供应链，{zc2}面临新压力",
    "为了降低对华依赖，{zc}将启动新的采矿计划",
    "{zc}与{zc2}签署关键矿产协议，涉及{zn}亿美元投资",
    "稀土价格三个月内上涨，{zc}企业承压",
    "{zc}出口管制升级，全球供应链再受冲击",
    "{zc}发现超级大矿，储量约{zn}万吨",
    "{zc}半导体产业链加速转移，{zc2}受益",
];

const COUNTRIES: &[&str] = &[
    "Japan",
    "China",
    "the U.S.",
    "Australia",
    "Vietnam",
    "Kazakhstan",
    "South Korea",
    "India",
    "Germany",
    "Canada",
    "Brazil",
    "Indonesia",
    "Malaysia",
    "Thailand",
    "Mexico",
    "France",
];
const COUNTRIES_ZH: &[&str] = &[
    "日本",
    "中国",
    "美国",
    "澳洲",
    "越南",
    "哈国",
    "韩国",
    "印度",
    "德国",
    "加拿大",
    "巴西",
];
const COMPANIES: &[&str] = &[
    "Lynas Rare Earths",
    "MP Materials",
    "LS Eco Energy",
    "POSCO",
    "JOGMEC",
    "Iluka Resources",
    "Arafura Rare Earths",
    "Neo Performance Materials",
    "Umicore",
    "Albemarle",
    "CATL",
    "China Northern Rare Earth Group",
    "Shenghe Resources",
    "Solvay",
    "Energy Fuels",
];
const AGENCIES: &[&str] = &[
    "the U.S. Department of Defense",
    "China's Ministry of Commerce",
    "the European Commission",
    "the US Export-Import Bank",
    "Japan's Ministry of Economy, Trade and Industry",
];
const COMMODITIES: &[&str] = &[
    "rare earths",
    "gallium",
    "germanium",
    "tungsten",
    "antimony",
    "dysprosium",
    "terbium",
    "neodymium-iron-boron magnets",
    "lithium",
    "cobalt",
    "graphite",
    "nickel",
    "antimony oxide",
];
const CORE_LABELS: &[&str] = &["Core Viewpoint", "Core Points", "Core Insights"];
const GROUP_HEADINGS: &[&str] = &[
    "Export Controls and Impact",
    "Investment and Market Dynamics",
    "Regulatory Environment",
    "Competitive Landscape",
    "Geopolitical Context",
    "Processing Challenges",
    "Future Implications",
    "U.S. Circumvention Tactics",
    "China's Position",
];
const BARE_HEADINGS: &[&str] = &[
    "Agreement Details",
    "Strategic Motivations",
    "Challenges Ahead",
    "Global Impact",
    "Market Reaction",
];

/// Claim templates with figures. Slots: {c} country, {co} company, {ag} agency, {m}
/// commodity, {money} an amount of money, {pct} a percentage, {mass} a tonnage, {dur} a
/// duration, {range} a range of months, {n} a count; a `2` (`{c2}`) is another draw.
const CLAIMS: &[&str] = &[
    "{c} has tightened export controls on {m}, affecting both military and civilian sectors, with reports of increased difficulty in obtaining export licenses",
    "{co} announced an investment of {money} in a {m} processing plant in {c}, aiming to supply its planned magnet factory",
    "{c} controls {pct} of global {m} refining capacity and {pct} of magnet production, presenting significant competition",
    "Analysts suggest that {c}'s efforts to establish alternative supply chains for {m} will take {dur} and cost more than {money}",
    "Experts highlight that {co} lacks the refining technology needed to process {mass} of {m} annually",
    "Predictions indicate that continued decoupling between {c} and {c2} could raise production costs by {pct} - a significant burden for manufacturers",
    "Procurement cycles for {m} are extending from {range}, according to {co}",
    "{ag} plans to invest {money} in {n} new projects in {c} over the next {dur}",
    "The price of {m} has reached historical highs, exceeding {money} per kilogram, raising costs for companies in {c}",
    "{c} imported {mass} of {m} from {c2}, surpassing the total of the previous three years",
    "The agreement between {c} and {c2} commits each side to at least {money} for {m} projects within {dur}",
    "New mining projects outside of {c} may take 8 to 10 years to develop, while refining capacity requires at least five years",
    "{co} shares rose {pct} over the past year as investors bet on a supply chain independent of {c}",
    "{c} is estimated to hold over {mass} of {m} reserves, ranking third globally",
    "Reports of {co} receiving approval from {ag} suggest that the project could start within {dur}",
];

/// Claim templates without figures (most claims of the real corpus have none), naming
/// other kinds of entities: {p} a person, {law} a law or agreement, {pl} a place, beside
/// the slots of [`CLAIMS`].
const PLAIN_CLAIMS: &[&str] = &[
    "{p} said {c} would coordinate with {c2} on strategic {m} stockpiles and on joint purchases from third countries",
    "{co} agreed to share its {m} processing technology with a local partner at a new plant near {pl}",
    "Officials in {c} argue that the {law} gives {co} a lasting edge in the {m} market over foreign competitors",
    "{ag} opened a review of {co}'s {m} supply contracts, citing concerns about concentration and pricing",
    "Shipments of {m} from {pl} were rerouted through {c} after {p} announced new restrictions on exports",
    "{p} met {p2} to discuss {m} supply chains, and industry associations are expected to join the next round of talks",
    "The {law} requires companies such as {co} to trace their {m} back to the mines that produced it",
    "Industry groups in {c} warn that local refiners still depend on imported {m}, despite the {law}",
];

/// Per thousand claims drawn from [`PLAIN_CLAIMS`]: with the few claims of [`CLAIMS`]
/// that have no figure, about the shipped corpus' share of claims without one (57 %).
const PLAIN_PER_THOUSAND: u64 = 540;

struct Article {
    title: String,
    source: &'static str,
    time: String,
    summary: String,
}

fn fill(template: &str, rng: &mut Rng, names: &Names) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("closed slot");
        let slot = &rest[open + 1..close];
        match slot {
            "c" | "c2" => out.push_str(head_or_tail(rng, COUNTRIES, &names.countries, 150)),
            "zc" | "zc2" => out.push_str(rng.pick(COUNTRIES_ZH)),
            "zn" => {
                let _ = write!(out, "{}", 10 + rng.below(990));
            }
            "co" | "co2" => {
                out.push_str(head_or_tail(rng, COMPANIES, &names.organizations, 250));
            }
            "ag" => out.push_str(rng.pick(AGENCIES)),
            "m" | "m2" => out.push_str(rng.pick(COMMODITIES)),
            "p" | "p2" => out.push_str(&names.people[rng.skewed(names.people.len())]),
            "law" => out.push_str(&names.laws[rng.skewed(names.laws.len())]),
            "pl" => out.push_str(&names.places[rng.skewed(names.places.len())]),
            "money" => {
                let amount = 1 + rng.below(999);
                let decimals = rng.below(10);
                let scale = rng.pick(&["million", "billion", "million", "trillion yen"]);
                let currency = if scale.ends_with("yen") {
                    ""
                } else {
                    rng.pick(&["$", "$", "AUD ", "US$"])
                };
                let scale = scale.trim_end_matches(" yen");
                if scale == "trillion" {
                    let _ = write!(out, "{amount} trillion yen");
                } else {
                    let _ = write!(out, "{currency}{amount}.{decimals} {scale}");
                }
            }
            "pct" => {
                let q = rng.pick(&["", "", "about ", "nearly ", "over "]);
                let _ = write!(out, "{q}{}%", 1 + rng.below(99));
            }
            "mass" => {
                let n = 1 + rng.below(9999);
                if n > 999 && rng.chance(500) {
                    let _ = write!(out, "{},{:03} tons", n / 1000, n % 1000);
                } else {
                    let _ = write!(
                        out,
                        "{n} {}",
                        rng.pick(&["tons", "million tons", "metric tons"])
                    );
                }
            }
            "dur" => out.push_str(rng.pick(&[
                "six months",
                "three years",
                "5 to 10 years",
                "ten years",
                "18 months",
                "two years",
            ])),
            "range" => {
                let a = 1 + rng.below(3);
                let _ = write!(out, "{a}-{} months to {}-{} months", a + 1, a + 2, a + 3);
            }
            "n" => {
                let _ = write!(out, "{}", 2 + rng.below(30));
            }
            _ => unreachable!("unknown slot {slot}"),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn citations(rng: &mut Rng) -> String {
    let n = 1 + rng.below(3);
    let mut first = 1 + rng.below(20);
    let mut s = String::new();
    for _ in 0..n {
        let _ = write!(s, "[{first}]");
        first += 1 + rng.below(4);
    }
    s
}

fn claim(rng: &mut Rng, names: &Names) -> String {
    let templates = if rng.chance(PLAIN_PER_THOUSAND) {
        PLAIN_CLAIMS
    } else {
        CLAIMS
    };
    let mut text = fill(rng.pick(templates), rng, names);
    // A bullet starts with a capital (`the U.S.` → `The U.S.`).
    if let Some(first) = text
        .get(..1)
        .filter(|f| f.chars().all(|c| c.is_ascii_lowercase()))
    {
        let upper = first.to_ascii_uppercase();
        text.replace_range(..1, &upper);
    }
    let cites = citations(rng);
    // Citations after the period, before it, or (rarely) none.
    match rng.below(10) {
        0 => format!("{text}. {cites}"),
        1 => format!("{text}."),
        2..=5 => format!("{text} {cites}."),
        _ => format!("{text} {cites}"),
    }
}

fn article(rng: &mut Rng, time: String, names: &Names) -> Article {
    let mut summary = String::with_capacity(1800);
    let with_core = !rng.chance(120);
    if with_core {
        let _ = write!(summary, "{} - ", rng.pick(CORE_LABELS));
        let n = 1 + rng.below(3);
        for i in 0..n {
            if i > 0 {
                summary.push_str(" - ");
            }
            summary.push_str(&claim(rng, names));
        }
    }
    let n_sections = 2 + rng.below(4);
    let bare = rng.chance(150);
    let bare_groups = rng.chance(100);
    for g in 1..=n_sections {
        if !summary.is_empty() {
            summary.push(' ');
        }
        if bare {
            let _ = write!(
                summary,
                "{} - ",
                BARE_HEADINGS[(g - 1) % BARE_HEADINGS.len()]
            );
        } else if bare_groups {
            let _ = write!(summary, "Group {g} - ");
        } else {
            let _ = write!(summary, "Group {g}: {} - ", rng.pick(GROUP_HEADINGS));
        }
        let n = 2 + rng.below(2);
        for i in 0..n {
            if i > 0 {
                summary.push_str(" - ");
            }
            summary.push_str(&claim(rng, names));
        }
    }
    Article {
        title: fill(rng.pick(TITLES), rng, names),
        source: SOURCES[rng.below(SOURCES.len())],
        time,
        summary,
    }
}

/// Renders one article, malformed now and then the ways real exports are.
fn render(out: &mut String, a: &Article, rng: &mut Rng) {
    if rng.chance(3) {
        match rng.below(4) {
            0 => {
                // Missing source line.
                let _ = writeln!(out, "{}\n{}", a.title, a.summary);
            }
            1 => {
                let _ = writeln!(
                    out,
                    "{}\n{}· 2025-13-45 25:61\n{}",
                    a.title, a.source, a.summary
                );
            }
            2 => {
                let _ = writeln!(out, "{}\n{}· {}\n", a.title, a.source, a.time);
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{}\n{}· {}\nthe summary was lost in the export, only this line remains.",
                    a.title, a.source, a.time
                );
            }
        }
        return;
    }
    let _ = writeln!(out, "{}\n{}· {}\n{}", a.title, a.source, a.time, a.summary);
}

/// Writes `n_articles` articles spread over one file per topic into `out_dir`.
/// Returns the number of bytes written.
pub fn write_corpus(n_articles: usize, seed: u64, out_dir: &Path) -> Result<u64> {
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("Failed to create '{}'", out_dir.display()))?;
    let names = Names::embedded()?;
    let n_files = TOPICS.len().min(n_articles.div_ceil(1000)).max(1);
    let mut total = 0u64;
    for (f, topic) in TOPICS.iter().enumerate().take(n_files) {
        let mut rng = Rng(seed ^ (f as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
        let count = n_articles / n_files + usize::from(f < n_articles % n_files);
        let path = out_dir.join(synthetic_file(f));
        let mut file = fsutil::AtomicFile::create(&path)?;
        let failed = || format!("Failed to write '{}'", path.display());
        // Written article by article (a file of a hundred million articles would not fit
        // in memory), the last held back: the real export has no final newline, and
        // neither has one file in five hundred.
        let mut text = format!("Workflow\n{topic}\nicon\nSearch documents\n");
        // Newest first, spread over about seven years before 2026-06-30.
        let end_minutes: i64 = 2026 * 525_600;
        let span = 7 * 525_600;
        let mut minute = end_minutes;
        for _ in 0..count {
            file.write_all(text.as_bytes()).with_context(failed)?;
            total += text.len() as u64;
            text.clear();
            minute -= (span / count.max(1) as i64).max(1) * (1 + rng.below(2) as i64) / 2 + 1;
            let time = synthetic_time(minute);
            let a = article(&mut rng, time, &names);
            render(&mut text, &a, &mut rng);
        }
        if text.ends_with('\n') && rng.chance(500) {
            text.pop();
        }
        file.write_all(text.as_bytes()).with_context(failed)?;
        total += text.len() as u64;
        file.commit()?;
    }
    // The files of an earlier, larger corpus in the same folder would be read with it.
    for f in n_files..TOPICS.len() {
        let stale = out_dir.join(synthetic_file(f));
        if stale.is_file() {
            std::fs::remove_file(&stale)
                .with_context(|| format!("Failed to remove '{}'", stale.display()))?;
        }
    }
    Ok(total)
}

/// The name of the synthetic corpus' file `f` (0-based).
fn synthetic_file(f: usize) -> String {
    format!("synthetic-{:02}.txt", f + 1)
}

/// A plausible local time for a minute counter (the calendar is approximate on purpose:
/// only the format and the ordering matter).
fn synthetic_time(minute: i64) -> String {
    let year = minute / 525_600;
    let in_year = minute % 525_600;
    let day = in_year / 1440;
    let month = (day / 31).min(11) + 1;
    let dom = (day % 28) + 1;
    let hour = (in_year % 1440) / 60;
    let min = in_year % 60;
    format!("{year:04}-{month:02}-{dom:02} {hour:02}:{min:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_it_parses() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write_corpus(300, 7, a.path()).unwrap();
        write_corpus(300, 7, b.path()).unwrap();
        let read = |d: &Path| std::fs::read(d.join("synthetic-01.txt")).unwrap();
        assert_eq!(read(a.path()), read(b.path()));
        let parsed = crate::corpus::parse_file("s.txt", &read(a.path()));
        assert!(parsed.articles.len() >= 290, "{}", parsed.articles.len());
        assert!(parsed.articles.iter().all(|a| a.structure.n_claims() >= 4));
    }
}
