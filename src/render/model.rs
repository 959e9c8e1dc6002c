//! The view structs templates see. They are plain serializable data, built per page from
//! the loaded tables; the partials in `templates/partials/` render the shared ones
//! (a claim with its citations, a figure, an entity chip, a table of rows, a chart).
//! The markup repeated thousands of times a page set is also written here, held by tests
//! to what the partials write: a text with its figures highlighted and its entities
//! linked ([`Segments::write_html`], the `marked` filter), an entity chip
//! ([`Chip::write_html`], `chips`) and a claim ([`Claim::write_html`], `claims`). Those
//! three become template objects the filters read directly.

use crate::render::svg::scaled_unless_tie;
use std::borrow::Cow;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;

use super::id_col::Id;
use super::page_index::{KeyHasher, PageKey};

/// A publication time in the publisher's zone, formatted the ways the pages need.
#[derive(Debug, Clone, Serialize)]
pub struct When {
    /// `2026-01-09`
    pub date: String,
    /// `2026-01-09 15:06`
    pub minute: String,
    /// `2026-01-09T15:06:00+08:00`, for `<time datetime>`.
    pub iso: String,
    /// `2026-01`
    pub month: String,
    /// The publishers' offset from UTC then, as the pages print it: `UTC+8` (`UTC+9`
    /// in the summers Shanghai kept summer time, the last in 1991).
    pub zone: &'static str,
}

pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2025-10` → `October 2025`; anything else as it is.
pub fn month_label(month: &str) -> String {
    let named = month.split_once('-').and_then(|(year, m)| {
        let name = MONTH_NAMES.get(m.parse::<usize>().ok()?.checked_sub(1)?)?;
        Some(format!("{name} {year}"))
    });
    named.unwrap_or_else(|| month.to_string())
}

/// An article as it appears in lists and links.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRef<'a> {
    pub id: &'a str,
    /// Relative to the site root.
    pub url: String,
    pub title: &'a str,
    /// `lang` of the title when it is not English (`zh`, `ja`, `ko`).
    pub title_lang: Option<&'static str>,
    pub source: &'a str,
    pub when: When,
    pub collection: &'a str,
    pub collection_lang: Option<&'static str>,
    pub n_claims: i32,
}

/// One article's page.
#[derive(Debug, Clone, Serialize)]
pub struct ArticlePage<'a> {
    pub article: ArticleRef<'a>,
    /// The title with its figures and entity mentions.
    pub title_segments: Segments,
    /// The entities the article mentions, in order of first mention.
    pub entities: Vec<EntityChip>,
    pub n_figures: usize,
    pub core_label: Option<&'a str>,
    pub sections: Vec<SectionView<'a>>,
    pub n_cited: usize,
    pub source_file: &'a str,
    pub source_line: i32,
    pub summary_line: i32,
    pub newer: Option<ArticleRef<'a>>,
    pub older: Option<ArticleRef<'a>>,
}

/// A section of a summary with its claims.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView<'a> {
    pub anchor: String,
    pub ordinal: i32,
    pub label: &'a str,
    pub heading: Option<&'a str>,
    pub is_core: bool,
    pub claims: Vec<ClaimView<'a>>,
}

/// A claim with its citation markers, split into segments so that figures and entity
/// mentions can be highlighted and linked inside the text.
///
/// Into a template value it becomes a [`Claim`] (anywhere else, such as the page's key,
/// it serializes as these fields): the `claims` filter writes it from its fields, where
/// converting each claim into a map and looking its fields up by name was about a sixth
/// of the time spent rendering the pages at 100k articles (1.7 million claims on the
/// article and entity pages).
#[derive(Debug, Clone, Serialize)]
#[serde(remote = "Self")]
pub struct ClaimView<'a> {
    pub id: Id<'a>,
    /// The element id on the article page (`claim-<claim_id>`).
    pub anchor: String,
    /// Relative to the site root, with the anchor.
    pub url: String,
    pub ordinal: i32,
    pub text: Cow<'a, str>,
    pub segments: Segments,
    pub citations: Vec<i32>,
    /// Who says so and how surely; `None` for a plain statement of fact.
    pub attribution: Option<AttributionView<'a>>,
}

/// Implements [`Object`] for a view that templates read as a map: its `FIELDS` (the
/// keys, in order) and its `field(key)`.
macro_rules! map_object {
    ($t:ty) => {
        impl Object for $t {
            fn repr(self: &Arc<Self>) -> ObjectRepr {
                ObjectRepr::Map
            }

            fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
                self.field(key.as_str()?)
            }

            fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
                self.field(key)
            }

            fn enumerate(self: &Arc<Self>) -> Enumerator {
                Enumerator::Str(&Self::FIELDS)
            }

            fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
                Some(Self::FIELDS.len())
            }
        }
    };
}

impl Serialize for ClaimView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            return Value::from_object(Claim::of(self)).serialize(s);
        }
        ClaimView::serialize(self, s)
    }
}

/// A [`ClaimView`] as a template value: a map of the same fields, made when a page is
/// rendered (a page a rebuild keeps is never converted). Templates read its fields by
/// name; [`Claim::write_html`] reads them directly.
#[derive(Debug)]
pub struct Claim {
    id: String,
    anchor: String,
    url: String,
    ordinal: i32,
    text: String,
    segments: Segments,
    citations: Vec<i32>,
    attribution: Option<AttributionView<'static>>,
}

impl Claim {
    const FIELDS: [&'static str; 8] = [
        "id",
        "anchor",
        "url",
        "ordinal",
        "text",
        "segments",
        "citations",
        "attribution",
    ];

    /// The field `key`, as templates read it.
    fn field(&self, key: &str) -> Option<Value> {
        Some(match key {
            "id" => Value::from(self.id.as_str()),
            "anchor" => Value::from(self.anchor.as_str()),
            "url" => Value::from(self.url.as_str()),
            "ordinal" => Value::from(self.ordinal),
            "text" => Value::from(self.text.as_str()),
            "segments" => self.segments.0.clone(),
            "citations" => Value::from(self.citations.clone()),
            "attribution" => match &self.attribution {
                Some(a) => Value::from(minijinja::value::Serde(a)),
                None => Value::from(()),
            },
            _ => return None,
        })
    }

    fn of(c: &ClaimView) -> Self {
        Claim {
            id: c.id.to_string(),
            anchor: c.anchor.clone(),
            url: c.url.clone(),
            ordinal: c.ordinal,
            text: c.text.to_string(),
            segments: c.segments.clone(),
            citations: c.citations.clone(),
            attribution: c.attribution.as_ref().map(AttributionView::to_owned),
        }
    }

    /// Appends the claim's markup, as the embedded `partials/claim.html` writes it
    /// (`root` is the prefix from the page back to the site's root): its segments
    /// ([`Segments::write_html`]), citation markers, and who says so, how and how surely.
    pub fn write_html(&self, root: &str, out: &mut String) {
        use std::fmt::Write;
        // As the partial's `{% if %}`s: an empty string is false.
        fn given<'s>(s: &'s Option<Cow<str>>) -> Option<&'s str> {
            s.as_deref().filter(|s| !s.is_empty())
        }
        out.push_str(r#"<li class="claim" id=""#);
        push_escaped(out, &self.anchor);
        out.push_str(r#"">"#);
        if let Some(segments) = Segments::of_value(&self.segments.0) {
            Segments::write_html(segments, root, out);
        }
        if !self.citations.is_empty() {
            out.push_str(r#" <span class="cites">"#);
            for n in &self.citations {
                let _ = write!(out, "[{n}]");
            }
            out.push_str("</span>\n");
        }
        if let Some(a) = &self.attribution {
            out.push_str(r#" <span class="attribution">"#);
            match (given(&a.attributed_to), given(&a.cue)) {
                (Some(who), cue) => {
                    out.push_str(r#"<span class="who">"#);
                    push_escaped(out, who);
                    out.push_str("</span>");
                    if let Some(cue) = cue {
                        out.push_str(" (");
                        push_escaped(out, cue);
                        out.push(')');
                    }
                    out.push_str(" · ");
                }
                (None, Some(cue)) => {
                    out.push('(');
                    push_escaped(out, cue);
                    out.push_str(") · ");
                }
                (None, None) => {}
            }
            out.push_str(r#"<span class="modality">"#);
            push_escaped(out, &a.modality);
            out.push_str("</span>");
            if a.hedged {
                out.push_str(r#" · <span class="hedged">hedged</span>"#);
            }
            out.push_str("</span>\n");
        }
        out.push_str("</li>\n");
    }
}

map_object!(Claim);

/// A piece of a claim's text: plain, a figure or an entity mention.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Segment {
    pub text: String,
    pub figure: Option<FigureView>,
    pub entity: Option<EntityChip>,
}

/// A text cut into [`Segment`]s. Templates loop over it as a list of segments, or print
/// it with the `marked(root)` filter: figures highlighted (their meaning as a tooltip),
/// entity mentions linked to their pages, the rest escaped text.
///
/// The built-in templates use the filter. Looping over the segments in the template
/// language was 45 % of the time spent in the article pages' templates at 100k articles
/// (22 million segments, a few attribute lookups and branches each); the same markup
/// written here takes a fraction of that. The segments stay a lazily converted list
/// for templates that want other markup, and only those pay for converting them.
#[derive(Debug, Clone)]
pub struct Segments(Value);

/// Into a template value, the list itself (converted only if a template loops over
/// it); anywhere else (the page's key, [`super::page_index`]), its segments as they are.
impl Serialize for Segments {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            return self.0.serialize(s);
        }
        match Segments::of_value(&self.0) {
            Some(list) => list.serialize(s),
            None => self.0.serialize(s),
        }
    }
}

#[derive(Debug)]
struct SegmentList(Vec<Segment>);

impl Object for SegmentList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0
            .get(key.as_usize()?)
            .map(|s| Value::from(minijinja::value::Serde(s)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

impl Segments {
    /// `text` cut by its highlighted `spans` (see [`segments`]).
    pub fn of(text: &str, spans: &[Span]) -> Self {
        Segments(Value::from_object(SegmentList(segments(text, spans))))
    }

    /// The segments of a template value, if it is a [`Segments`].
    pub fn of_value(value: &Value) -> Option<&[Segment]> {
        value
            .downcast_object_ref::<SegmentList>()
            .map(|l| l.0.as_slice())
    }

    /// Appends the text as HTML to `out`: an entity mention as `<a class="entity">` to
    /// its page (`root` is the prefix from the page back to the site's root), a figure
    /// as `<mark class="figure figure-KIND" title="MEANING">`, every text and attribute
    /// escaped as the templates escape them.
    ///
    /// A mention or figure in another language than the text around it (a Chinese name
    /// in an English title) says so with `lang`, for screen readers.
    pub fn write_html(segments: &[Segment], root: &str, out: &mut String) {
        // The whole text's language, worked out only once a piece is not English.
        let mut whole: Option<Option<&'static str>> = None;
        let mut lang_attr = |out: &mut String, piece: &str| {
            let Some(lang) = lang_of(piece) else { return };
            let around = *whole.get_or_insert_with(|| {
                lang_of(&segments.iter().map(|s| s.text.as_str()).collect::<String>())
            });
            if around != Some(lang) {
                out.push_str(lang_attribute(Some(lang)));
            }
        };
        for s in segments {
            if let Some(e) = &s.entity {
                out.push_str(r#"<a class="entity" href=""#);
                push_escaped(out, root);
                push_escaped(out, &e.chip().url);
                out.push('"');
                lang_attr(out, &s.text);
                out.push('>');
                push_escaped(out, &s.text);
                out.push_str("</a>");
            } else if let Some(f) = &s.figure {
                out.push_str(r#"<mark class="figure figure-"#);
                push_escaped(out, &f.kind);
                out.push_str(r#"" title=""#);
                push_escaped(out, &f.title);
                out.push('"');
                lang_attr(out, &s.text);
                out.push('>');
                push_escaped(out, &s.text);
                out.push_str("</mark>");
            } else {
                push_escaped(out, &s.text);
            }
        }
    }
}

/// Appends `s` to `out` escaped as the templates escape text and quoted attributes.
pub fn push_escaped(out: &mut String, s: &str) {
    // Writing into a String cannot fail.
    let _ = crate::render::svg::xml_escape_into(out, s);
}

/// A figure highlighted in a text or listed in the ledger.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FigureView {
    pub surface: String,
    pub kind: String,
    /// What the figure means, in words (`money: 19.4 million USD`), shown as a tooltip.
    pub title: String,
}

/// An entity as a chip or an inline link to its page. Templates see `id`, `kind`,
/// `name`, `name_zh` and `url` (relative to the site root).
///
/// A chip is built once per entity and shared: it holds the template value itself, so a
/// page that mentions an entity many times neither copies its strings nor converts them
/// again when the page's view becomes a template value (at 100k articles, building
/// chips per mention was a large share of the render). The value is a [`Chip`], which
/// the `chips` filter and [`Segments::write_html`] read directly, without looking its
/// fields up by name.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityChip(Value);

/// Into a template value, the shared chip; anywhere else (the page's key), a hash of its
/// fields.
impl Serialize for EntityChip {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            return self.0.serialize(s);
        }
        self.chip().digest.0.serialize(s)
    }
}

/// The fields of an [`EntityChip`], as a template map. Shared strings: a template that
/// reads a field gets the string, not a copy (figure tables show a chip a row).
#[derive(Debug)]
pub struct Chip {
    pub id: Arc<str>,
    pub kind: Arc<str>,
    pub name: Arc<str>,
    pub name_zh: Option<Arc<str>>,
    /// The entity's page, relative to the site root.
    pub url: Arc<str>,
    /// A hash of the fields above, computed once: a page's key hashes this for each
    /// chip it shows instead of the five strings.
    digest: PageKey,
}

impl Chip {
    const FIELDS: [&'static str; 5] = ["id", "kind", "name", "name_zh", "url"];

    /// The field `key`, as templates read it.
    fn field(&self, key: &str) -> Option<Value> {
        Some(match key {
            "id" => Value::from(self.id.clone()),
            "kind" => Value::from(self.kind.clone()),
            "name" => Value::from(self.name.clone()),
            "name_zh" => Value::from(self.name_zh.clone()),
            "url" => Value::from(self.url.clone()),
            _ => return None,
        })
    }

    /// Appends the chip's markup, as `partials/entity.html`'s `entity_chip` writes it
    /// (`root` is the prefix from the page back to the site's root).
    pub fn write_html(&self, root: &str, out: &mut String) {
        out.push_str(r#"<a class="chip chip-"#);
        push_escaped(out, &self.kind);
        out.push_str(r#"" href=""#);
        push_escaped(out, root);
        push_escaped(out, &self.url);
        out.push_str(r#"">"#);
        push_escaped(out, &self.name);
        if let Some(zh) = self.name_zh.as_deref().filter(|zh| !zh.is_empty()) {
            out.push_str(r#" <span lang="zh">"#);
            push_escaped(out, zh);
            out.push_str("</span>");
        }
        out.push_str("</a>");
    }
}

map_object!(Chip);

impl EntityChip {
    pub fn new(id: &str, kind: &str, name: &str, name_zh: Option<&str>, url: &str) -> Self {
        let digest = KeyHasher::new()
            .value(&(id, kind, name, name_zh, url))
            .expect("strings serialize")
            .finish();
        EntityChip(Value::from_object(Chip {
            id: id.into(),
            kind: kind.into(),
            name: name.into(),
            name_zh: name_zh.map(Into::into),
            url: url.into(),
            digest,
        }))
    }

    pub fn chip(&self) -> &Chip {
        self.0
            .downcast_object_ref::<Chip>()
            .expect("an EntityChip holds a Chip")
    }
}

/// Who a claim is attributed to and how surely it is stated.
#[derive(Debug, Clone, Serialize, PartialEq)]
///
/// Its strings borrow the loaded tables in a page's view, and are owned in a [`Claim`]
/// (a template value must own what it holds).
pub struct AttributionView<'a> {
    /// The attributing word's lemma (`suggest`, `according to`), if any.
    pub cue: Option<Cow<'a, str>>,
    /// Who says so, as written (`Analysts`).
    pub attributed_to: Option<Cow<'a, str>>,
    pub hedged: bool,
    /// `fact`, `forecast`, `opinion` or `plan`.
    pub modality: Cow<'a, str>,
}

impl<'a> AttributionView<'a> {
    /// The attribution of a claim, or `None` when there is nothing to say: an
    /// unattributed, unhedged statement of fact.
    pub fn of(
        cue: Option<&'a str>,
        attributed_to: Option<&'a str>,
        hedged: bool,
        modality: &'a str,
    ) -> Option<Self> {
        (cue.is_some() || attributed_to.is_some() || hedged || modality != "fact").then_some(
            AttributionView {
                cue: cue.map(Cow::Borrowed),
                attributed_to: attributed_to.map(Cow::Borrowed),
                hedged,
                modality: Cow::Borrowed(modality),
            },
        )
    }

    /// The same attribution, owning its strings.
    pub fn to_owned(&self) -> AttributionView<'static> {
        let own = |s: &Cow<str>| Cow::Owned(s.to_string());
        AttributionView {
            cue: self.cue.as_ref().map(own),
            attributed_to: self.attributed_to.as_ref().map(own),
            hedged: self.hedged,
            modality: own(&self.modality),
        }
    }
}

/// A table of rows for the `table.html` / `table.md` partials.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TableView {
    pub caption: String,
    pub columns: Vec<ColumnHead>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnHead {
    pub label: String,
    pub numeric: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Cell {
    pub text: String,
    /// A link, relative to the site root.
    pub href: Option<String>,
    pub code: bool,
    pub numeric: bool,
    pub lang: Option<&'static str>,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            ..Cell::default()
        }
    }
    pub fn code(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            code: true,
            ..Cell::default()
        }
    }
    pub fn num(n: impl std::fmt::Display) -> Cell {
        Cell {
            text: n.to_string(),
            numeric: true,
            ..Cell::default()
        }
    }
    /// A count, its thousands separated as every count of the site is (`2,639`); line
    /// and row numbers stay [`Cell::num`].
    pub fn count(n: impl std::fmt::Display) -> Cell {
        Cell {
            text: grouped(n),
            numeric: true,
            ..Cell::default()
        }
    }
    pub fn link(mut self, href: impl Into<String>) -> Cell {
        self.href = Some(href.into());
        self
    }
    pub fn lang(mut self, lang: Option<&'static str>) -> Cell {
        self.lang = lang;
        self
    }
}

impl TableView {
    pub fn new(caption: impl Into<String>, columns: &[(&str, bool)]) -> Self {
        TableView {
            caption: caption.into(),
            columns: columns
                .iter()
                .map(|&(label, numeric)| ColumnHead {
                    label: label.to_string(),
                    numeric,
                })
                .collect(),
            rows: Vec::new(),
        }
    }
}

/// A chart: the SVG (already escaped, see [`super::svg`]) and the same data as a table
/// for readers who cannot see it.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub svg: Value,
    pub table: TableView,
}

/// An entry of the site's navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub key: &'static str,
    pub label: &'static str,
    /// Relative to the site root.
    pub url: String,
}

/// A highlighted span of a text, in characters (as the tables count them).
#[derive(Debug, Clone)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub figure: Option<FigureView>,
    pub entity: Option<EntityChip>,
}

/// A number for people: thousands separated, at most two decimals (four significant
/// digits below one): `19,400,000`, `30.44`, `0.0035`.
pub fn human_number(v: f64) -> String {
    let mut out = String::new();
    push_human_number(&mut out, v);
    out
}

/// Appends [`human_number`] of `v` to `out`: the figures' tooltips are built from several
/// numbers, one allocation for the lot.
pub fn push_human_number(out: &mut String, v: f64) {
    if !v.is_finite() {
        out.push('–');
        return;
    }
    let a = v.abs();
    // Most figures are whole numbers; `{a:.2}` of one is its digits and `.00`, trimmed.
    // Below 2^53 every whole f64 is exact as a u64, so this gives the same text without
    // float formatting (the largest cost of a figure's tooltip).
    if (1.0..9.0e15).contains(&a) && a.fract() == 0.0 {
        if v < 0.0 {
            out.push('-');
        }
        push_grouped(out, itoa::Buffer::new().format(a as u64));
        return;
    }
    // Most of the rest (a day count, an exchanged amount) are rounded to hundredths,
    // which integers give where float formatting would round the same way.
    if let Some(h) = (a >= 1.0).then(|| scaled_unless_tie(a, 100.0)).flatten() {
        let (int, frac) = (h / 100, h % 100);
        if v < 0.0 {
            out.push('-');
        }
        push_grouped(out, itoa::Buffer::new().format(int));
        if frac != 0 {
            out.push('.');
            out.push(char::from(b'0' + (frac / 10) as u8));
            if frac % 10 != 0 {
                out.push(char::from(b'0' + (frac % 10) as u8));
            }
        }
        return;
    }
    push_formatted(out, v);
}

/// [`push_human_number`] through float formatting, for any finite `v`.
fn push_formatted(out: &mut String, v: f64) {
    let a = v.abs();
    let start = out.len();
    if v < 0.0 {
        out.push('-');
    }
    let digits = if a != 0.0 && a < 1.0 {
        let decimals = (3 - a.log10().floor() as i32).clamp(2, 12) as usize;
        format!("{a:.decimals$}")
    } else {
        format!("{a:.2}")
    };
    let s = digits.trim_end_matches('0').trim_end_matches('.');
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    push_grouped(out, int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

/// An integer with its thousands separated (`2,639`, `-4,321`): every count the site
/// and the reports show (the `thousands` filter, [`Cell::count`]).
pub fn grouped(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    let digits = match digits.strip_prefix('-') {
        Some(rest) => {
            out.push('-');
            rest
        }
        None => &digits,
    };
    push_grouped(&mut out, digits);
    out
}

/// Appends `digits` (ASCII digits) with a comma between thousands: `19,400,000`.
pub fn push_grouped(out: &mut String, digits: &str) {
    for (i, c) in digits.char_indices() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// Splits `text` into plain segments and the highlighted `spans` (character offsets).
/// Spans are taken by start (the longer first on a tie); a span that overlaps one
/// already taken, is empty or lies outside the text is left out.
pub fn segments(text: &str, spans: &[Span]) -> Vec<Segment> {
    let mut order: Vec<&Span> = spans.iter().collect();
    order.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let n_chars = text.chars().count();
    // The spans taken only move forward through the text, so their character offsets
    // become byte offsets in one walk (a table of every character's offset, built per
    // text, was two fifths of the cutting's instructions: 22 million segments at 100k
    // articles).
    let mut at = CharCursor {
        text,
        chars: 0,
        byte: 0,
    };
    let mut out = Vec::with_capacity(2 * order.len() + 1);
    let mut pos = 0; // in chars
    for s in order {
        if s.start < pos || s.end <= s.start || s.end > n_chars {
            continue;
        }
        let here = at.byte_at(pos);
        let start = at.byte_at(s.start);
        if start > here {
            out.push(plain(&text[here..start]));
        }
        out.push(Segment {
            text: text[start..at.byte_at(s.end)].to_string(),
            figure: s.figure.clone(),
            entity: s.entity.clone(),
        });
        pos = s.end;
    }
    if pos < n_chars || out.is_empty() {
        out.push(plain(&text[at.byte_at(pos)..]));
    }
    out
}

/// Byte offsets of character offsets, asked for in increasing order.
struct CharCursor<'t> {
    text: &'t str,
    /// The last offset asked for, in characters and in bytes.
    chars: usize,
    byte: usize,
}

impl CharCursor<'_> {
    /// The byte offset of character `c` (the text's length past its end); `c` must not
    /// be below the previous call's.
    fn byte_at(&mut self, c: usize) -> usize {
        if c > self.chars {
            let rest = &self.text[self.byte..];
            self.byte += rest
                .char_indices()
                .nth(c - self.chars)
                .map_or(rest.len(), |(b, _)| b);
            self.chars = c;
        }
        self.byte
    }
}

fn plain(text: &str) -> Segment {
    Segment {
        text: text.to_string(),
        figure: None,
        entity: None,
    }
}

/// Han ideographs, kana and hangul: the scripts that search indexes by character pairs
/// and that get a `lang` attribute.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // hiragana, katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xAC00..=0xD7AF     // hangul syllables
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0x20000..=0x2FA1F) // CJK extensions B–F, compatibility supplement
}

/// The language of a text for its `lang` attribute when it is mostly CJK: `ja` when it
/// has kana, `ko` with hangul, else `zh`; `None` for (mostly) Latin text.
pub fn lang_of(text: &str) -> Option<&'static str> {
    lang_name(lang_code(text))
}

/// The languages [`lang_of`] names, by [`lang_code`].
const LANGS: [Option<&str>; 4] = [None, Some("zh"), Some("ja"), Some("ko")];

/// [`lang_of`] as one byte, to keep per row: the render names an article (its title's
/// and collection's language) several times per page that lists or links it.
pub fn lang_code(text: &str) -> u8 {
    let (mut cjk, mut latin, mut kana, mut hangul) = (0usize, 0usize, false, false);
    for c in text.chars() {
        if c.is_ascii() {
            latin += usize::from(c.is_ascii_alphabetic());
        } else if is_cjk(c) {
            cjk += 1;
            kana |= matches!(c as u32, 0x3040..=0x30FF);
            hangul |= matches!(c as u32, 0xAC00..=0xD7AF);
        } else if c.is_alphabetic() {
            latin += 1;
        }
    }
    if cjk == 0 || cjk < latin {
        0
    } else if kana {
        2
    } else if hangul {
        3
    } else {
        1
    }
}

/// ` lang="zh"` (`ja`, `ko`) as an element's attribute, for a language [`lang_of`] names;
/// nothing for none. Every writer of the attribute uses it.
pub fn lang_attribute(lang: Option<&str>) -> &'static str {
    match lang {
        Some("zh") => " lang=\"zh\"",
        Some("ja") => " lang=\"ja\"",
        Some("ko") => " lang=\"ko\"",
        _ => "",
    }
}

/// The language of a [`lang_code`].
pub fn lang_name(code: u8) -> Option<&'static str> {
    LANGS.get(usize::from(code)).copied().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            figure: Some(FigureView {
                surface: String::new(),
                kind: "money".into(),
                title: String::new(),
            }),
            entity: None,
        }
    }

    /// Counts in the site's tables read as the stat boxes write them; line numbers not.
    #[test]
    fn count_cells_separate_thousands() {
        assert_eq!(Cell::count(3179usize).text, "3,179");
        assert_eq!(Cell::count(1_234_567u64).text, "1,234,567");
        assert_eq!(Cell::count(-4321i64).text, "-4,321");
        assert_eq!(Cell::count(999).text, "999");
        assert!(Cell::count(5).numeric);
        assert_eq!(Cell::num(12345).text, "12345");
    }

    #[test]
    fn segments_cut_by_characters_and_skip_overlaps() {
        let text = "稀土 costs $5 “now”";
        let segs = segments(text, &[fig(9, 11), fig(3, 8), fig(4, 6), fig(15, 40)]);
        let texts: Vec<&str> = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["稀土 ", "costs", " ", "$5", " “now”"]);
        assert!(segs[1].figure.is_some() && segs[0].figure.is_none());
        assert_eq!(segments("", &[]), vec![plain("")]);
        assert_eq!(segments("abc", &[fig(0, 3)]).len(), 1);
    }

    /// Cutting by a table of every character's byte offset, as segments were cut before
    /// the cursor: the reference the cursor must agree with.
    fn segments_by_table(text: &str, spans: &[Span]) -> Vec<Segment> {
        let mut order: Vec<&Span> = spans.iter().collect();
        order.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .collect();
        let n_chars = bounds.len() - 1;
        let mut out = Vec::new();
        let mut pos = 0;
        for s in order {
            if s.start < pos || s.end <= s.start || s.end > n_chars {
                continue;
            }
            if s.start > pos {
                out.push(plain(&text[bounds[pos]..bounds[s.start]]));
            }
            out.push(Segment {
                text: text[bounds[s.start]..bounds[s.end]].to_string(),
                figure: s.figure.clone(),
                entity: s.entity.clone(),
            });
            pos = s.end;
        }
        if pos < n_chars || out.is_empty() {
            out.push(plain(&text[bounds[pos]..]));
        }
        out
    }

    #[test]
    fn segments_agree_with_cutting_by_a_table_of_offsets() {
        // One-, two-, three- and four-byte characters, spans anywhere (overlapping,
        // empty, past the end), texts of every length up to 40 characters.
        let alphabet = ['a', ' ', 'é', '稀', '土', '“', '𠀋', '$', '5'];
        let mut rng = crate::synth::Rng(0x5eed_5e95);
        for _ in 0..20_000 {
            let len = (rng.next() % 41) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect();
            let spans: Vec<Span> = (0..rng.next() % 6)
                .map(|_| {
                    let start = (rng.next() % (len as u64 + 3)) as usize;
                    fig(start, start + (rng.next() % 8) as usize)
                })
                .collect();
            assert_eq!(
                segments(&text, &spans),
                segments_by_table(&text, &spans),
                "{text:?} {:?}",
                spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(human_number(19_400_000.0), "19,400,000");
        assert_eq!(human_number(30.436875), "30.44");
        assert_eq!(human_number(0.5), "0.5");
        assert_eq!(human_number(0.0035123), "0.003512");
        assert_eq!(human_number(-1234.5), "-1,234.5");
        assert_eq!(human_number(0.0), "0");
        assert_eq!(human_number(999.999), "1,000");
        assert_eq!(human_number(f64::NAN), "–");
        assert_eq!(human_number(-0.001), "-0.001");
        assert_eq!(human_number(-0.0000001), "-0.0000001");
        assert_eq!(human_number(-1e-13), "0");
        assert_eq!(human_number(-0.0), "0");
        assert_eq!(human_number(-7.0), "-7");
        assert_eq!(human_number(1e15), "1,000,000,000,000,000");
        assert_eq!(human_number(1e20), "100,000,000,000,000,000,000");
    }

    #[test]
    fn whole_numbers_read_as_float_formatting_has_them() {
        let mut wholes = vec![1.0, 9.0, 10.0, 999.0, 1000.0, 6702.0, 338_300_000.0];
        wholes.extend((0..53).map(|p| 2f64.powi(p)));
        wholes.extend([2f64.powi(53) - 1.0, 8.999_999_999_999_998e15]);
        for v in wholes.iter().flat_map(|&v| [v, -v]) {
            let mut formatted = String::new();
            push_formatted(&mut formatted, v);
            assert_eq!(human_number(v), formatted, "{v}");
        }
    }

    #[test]
    fn hundredths_read_as_float_formatting_has_them() {
        // Ties and near-ties (x.xx5), values either side of whole numbers and of the
        // range's ends, and a spread of others.
        let mut values = vec![1.005, 2.675, 1.125, 0.995 + 1.0, 999_999.995, 999_999.994];
        values.extend([
            1.0 + 1e-9,
            2.0 - 1e-9,
            999_999.999,
            1_000_000.001,
            1.0 - 1e-9,
        ]);
        let mut rng = crate::synth::Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200_000 {
            // Log-uniform over 1 ..= 10^6, and on the grid of thousandths around ties.
            values.push(10f64.powf(rng.unit() * 6.0));
            values.push(((rng.next() % 1_000_000_000) as f64) / 1000.0 + 0.005);
        }
        for v in values.iter().flat_map(|&v| [v, -v]) {
            let mut formatted = String::new();
            push_formatted(&mut formatted, v);
            assert_eq!(human_number(v), formatted, "{v:?}");
        }
    }

    #[test]
    fn attribution_only_when_there_is_something_to_say() {
        assert!(AttributionView::of(None, None, false, "fact").is_none());
        let a = AttributionView::of(Some("suggest"), Some("Analysts"), true, "opinion").unwrap();
        assert_eq!(a.attributed_to.as_deref(), Some("Analysts"));
        assert!(AttributionView::of(None, None, false, "plan").is_some());
    }

    #[test]
    fn language_of_titles() {
        assert_eq!(
            lang_of("为了降低对华依赖,日本将启动深海稀土开采计划"),
            Some("zh")
        );
        assert_eq!(lang_of("レアアース"), Some("ja"));
        assert_eq!(lang_of("Rare earths: 稀土"), None);
        assert_eq!(lang_of("<script>alert(1)</script>"), None);
    }
}
