//! The templates: embedded in the binary from `templates/`, each replaceable by a file of
//! the same name in a `--templates DIR`, compiled once per render and shared by every
//! rendering thread.
//!
//! Escaping is automatic and depends on the output: `.html` templates escape HTML, `.md`
//! templates escape markdown ([`escape_markdown`]): corpus text can never become markup
//! in either. Templates are only ever compiled from these files; corpus text is passed
//! as data and never compiled.

use std::path::Path;

use super::model::{Chip, Claim, Segments, push_escaped};
use super::page_index::{KeyHasher, PageKey};
use anyhow::{Context, Result, anyhow, bail};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)))),*]
    };
}

/// Every embedded file, by name (its path under `templates/`). Names under `assets/`
/// are copied into the site as they are; the others are templates.
pub const EMBEDDED: &[(&str, &str)] = embedded![
    "base.html",
    "index.html",
    "article.html",
    "articles.html",
    "article_months.html",
    "data.html",
    "search.html",
    "entity.html",
    "entities.html",
    "entity_list.html",
    "figures.html",
    "disagree.html",
    "quality.html",
    "changelog.html",
    "partials/article_item.html",
    "partials/chart.html",
    "partials/claim.html",
    "partials/entity.html",
    "partials/figure.html",
    "partials/pager.html",
    "partials/table.html",
    "overview.md",
    "data.md",
    "entities.md",
    "figures.md",
    "disagree.md",
    "quality.md",
    "partials/table.md",
    "assets/style.css",
    "assets/search.js",
];

/// The partial that lays out one claim, which the `claims` filter writes for each claim.
const CLAIM_PARTIAL: &str = "partials/claim.html";

/// The auto-escape mode name of markdown templates.
const MARKDOWN: &str = "markdown";

fn is_asset(name: &str) -> bool {
    name.starts_with("assets/")
}

/// The templates and assets of one render.
pub struct Templates {
    env: Environment<'static>,
    assets: Vec<(&'static str, String)>,
    /// A hash of every template and asset as loaded (after overrides).
    key: PageKey,
}

impl Templates {
    /// The embedded templates, with the files of `overrides` replacing those of the
    /// same name.
    pub fn load(overrides: Option<&Path>) -> Result<Self> {
        let mut sources: Vec<(&'static str, String)> = EMBEDDED
            .iter()
            .map(|&(name, src)| (name, src.to_string()))
            .collect();
        let mut claim_partial_replaced = false;
        // The templates an override replaced: their compile errors name its file.
        let mut replaced: Vec<&'static str> = Vec::new();
        if let Some(dir) = overrides {
            for name in override_names(dir).map_err(|e| anyhow!(e))? {
                let path = dir.join(&name);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("Failed to read the template '{}'", path.display()))?;
                // Overrides written for the macro this partial used to define would render
                // every claim as nothing: say so instead.
                if name == CLAIM_PARTIAL && text.contains("macro claim(") {
                    bail!(
                        "The template '{}' defines the macro 'claim', but the pages now \
                         render partials/claim.html once per claim (with 'c' and 'root' \
                         in scope): write the markup of one claim instead of the macro",
                        path.display()
                    );
                }
                claim_partial_replaced |= name == CLAIM_PARTIAL;
                if let Some(slot) = sources.iter_mut().find(|(n, _)| *n == name) {
                    slot.1 = text;
                    replaced.push(slot.0);
                }
            }
        }
        let mut hasher = KeyHasher::new();
        for (name, source) in &sources {
            hasher.str(name).str(source);
        }
        let key = hasher.finish();
        let mut env = Environment::new();
        // A line holding only a block tag leaves no blank line behind; files keep their
        // final newline.
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .context("Invalid template syntax settings")?,
        );
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else if name.ends_with(".md") {
                AutoEscape::Custom(MARKDOWN.into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(format_value);
        env.add_filter("md_code", md_code);
        env.add_filter("md_verbatim", md_verbatim);
        env.add_filter("thousands", thousands);
        env.add_filter("lang_attr", lang_attr);
        env.add_filter("in_lang", in_lang);
        env.add_filter("filesize", filesize);
        env.add_filter("marked", marked);
        env.add_filter("chips", chips);
        env.add_filter("figure_rows", figure_rows);
        env.add_filter(
            "claims",
            move |state: &State, claims: &Value, root: &str| {
                claims_filter(state, claims, root, !claim_partial_replaced)
            },
        );
        let mut assets = Vec::new();
        for (name, source) in sources {
            if is_asset(name) {
                assets.push((name, source));
            } else {
                env.add_template_owned(name, source).with_context(|| {
                    match overrides.filter(|_| replaced.contains(&name)) {
                        Some(dir) => format!(
                            "Failed to compile the template '{name}' (read from '{}')",
                            dir.join(name).display()
                        ),
                        None => format!("Failed to compile the template '{name}'"),
                    }
                })?;
            }
        }
        Ok(Templates { env, assets, key })
    }

    /// A hash of the templates and assets (after overrides): pages rendered with other
    /// templates are rendered again ([`super::page_index`]).
    pub fn key(&self) -> PageKey {
        self.key
    }

    /// A value every template sees (the site's name, its navigation…).
    pub fn add_global(&mut self, name: &'static str, value: Value) {
        self.env.add_global(name, value);
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String> {
        let mut out = Vec::new();
        self.render_into(name, ctx, &mut out)?;
        String::from_utf8(out).context("A template wrote text that is not UTF-8")
    }

    /// Renders into `out` (appending): a buffer reused from page to page has grown to
    /// the size of a page, where a new string grows by doubling, copying the page so far
    /// each time, for every page.
    pub fn render_into(&self, name: &str, ctx: Value, out: &mut Vec<u8>) -> Result<()> {
        let template = self
            .env
            .get_template(name)
            .with_context(|| format!("No template '{name}'"))?;
        template
            .render_captured_to(ctx, out)
            .map(drop)
            .map_err(|e| anyhow!("{e:#}"))
            .with_context(|| format!("Failed to render the template '{name}'"))
    }

    /// The asset files (`assets/…`), after overrides.
    pub fn assets(&self) -> &[(&'static str, String)] {
        &self.assets
    }
}

/// The files of a `--templates DIR`, relative to it with `/` separators. Each must be
/// the name of an embedded template: a misspelt name is an error, not silently ignored.
pub fn override_names(dir: &Path) -> std::result::Result<Vec<String>, String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
        Ok(())
    }
    let mut names = Vec::new();
    walk(dir, dir, &mut names).map_err(|e| format!("cannot read '{}': {e}", dir.display()))?;
    names.sort();
    for name in &names {
        if !EMBEDDED.iter().any(|(n, _)| n == name) {
            let known: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "'{}' is not a template name; a --templates directory holds files named like \
                 the embedded ones: {}",
                dir.join(name).display(),
                known.join(", ")
            ));
        }
    }
    Ok(names)
}

/// Prints a value into a template's output: HTML-escaped in `.html` templates,
/// markdown-escaped in `.md` ones. `none` prints nothing.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), Error> {
    if value.is_none() {
        return Ok(());
    }
    if let AutoEscape::Custom(mode) = state.auto_escape()
        && mode == MARKDOWN
    {
        let text = match value.as_str() {
            Some(s) if value.is_safe() => return out.write_str(s).map_err(Error::from),
            Some(s) => escape_markdown(s),
            None => escape_markdown(&value.to_string()),
        };
        return out.write_str(&text).map_err(Error::from);
    }
    if matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe() {
        // minijinja's own HTML escaping also escapes `/`, which makes every URL
        // unreadable; these five characters are what text and quoted attributes need.
        return match value.as_str() {
            Some(s) => crate::render::svg::xml_escape_into(out, s),
            // Numbers and booleans need no escaping.
            None if value.is_number() || value.kind() == minijinja::value::ValueKind::Bool => {
                write!(out, "{value}")
            }
            None => crate::render::svg::xml_escape_into(out, &value.to_string()),
        }
        .map_err(Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

/// Refuses a filter that writes HTML outside an HTML template, where its markup would
/// be escaped or, in markdown, read as markup of another kind.
fn writes_html(state: &State, filter: &str) -> Result<(), Error> {
    if matches!(state.auto_escape(), AutoEscape::Html) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("the filter '{filter}' writes HTML: use it in .html templates"),
    ))
}

/// `{{ segments | marked(root) }}`: a text's [`Segments`] as HTML, figures highlighted
/// and entity mentions linked to their pages ([`Segments::write_html`]).
fn marked(state: &State, segments: &Value, root: &str) -> Result<Value, Error> {
    writes_html(state, "marked")?;
    let Some(segments) = Segments::of_value(segments) else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "the filter 'marked' takes the segments of a text (such as a claim's \
                 'segments'), not {}",
                segments.kind()
            ),
        ));
    };
    let mut html = String::with_capacity(segments.iter().map(|s| s.text.len() + 48).sum());
    Segments::write_html(segments, root, &mut html);
    Ok(Value::from_safe_string(html))
}

/// `{{ entities | chips(root) }}`: entity chips as HTML, separated by spaces, each as
/// `partials/entity.html`'s `entity_chip` macro writes it ([`Chip::write_html`]).
///
/// The article pages list their entities with it. The same markup in a template loop
/// cost a sixth of the time to render the article pages at 100k articles (two and a half
/// million chips, five lookups and six outputs each); this writes it for a fraction.
fn chips(state: &State, entities: &Value, root: &str) -> Result<Value, Error> {
    writes_html(state, "chips")?;
    let mut html = String::new();
    for (i, e) in entities.try_iter()?.enumerate() {
        let Some(chip) = e.downcast_object_ref::<Chip>() else {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "the filter 'chips' takes a list of entity chips (such as an article's \
                     'entities'), not a list holding {}",
                    e.kind()
                ),
            ));
        };
        if i > 0 {
            html.push(' ');
        }
        chip.write_html(root, &mut html);
    }
    Ok(Value::from_safe_string(html))
}

/// `{{ claims | claims(root) }}`: each claim as [`CLAIM_PARTIAL`] writes it, included
/// with the claim as `c` and `root` in scope (and the globals).
///
/// The article, entity and overview pages list their claims with it. With the embedded partial
/// the markup is written here ([`write_claim_html`], held to the partial by a test):
/// including the partial once per claim, a million times at 100k articles, was about a
/// tenth of the render's CPU time. A partial from `--templates` is rendered for each
/// claim instead, so an override changes every page that lists claims.
fn claims_filter(
    state: &State,
    claims: &Value,
    root: &str,
    embedded_partial: bool,
) -> Result<Value, Error> {
    writes_html(state, "claims")?;
    let mut html = String::new();
    if embedded_partial {
        for c in claims.try_iter()? {
            write_claim_html(&c, root, &mut html)?;
        }
    } else {
        let partial = state.env().get_template(CLAIM_PARTIAL)?;
        for c in claims.try_iter()? {
            html.push_str(&partial.render(minijinja::context! { c, root })?);
        }
    }
    Ok(Value::from_safe_string(html))
}

/// Appends what the embedded [`CLAIM_PARTIAL`] writes for the claim `c` (a [`Claim`]:
/// a `ClaimView` as a template value).
fn write_claim_html(c: &Value, root: &str, out: &mut String) -> Result<(), Error> {
    let claim = c
        .downcast_object_ref::<Claim>()
        .ok_or_else(|| not_a_claim(c))?;
    claim.write_html(root, out);
    Ok(())
}

/// `{{ rows | figure_rows(root, about) }}`: the rows of a figure table, each as
/// `partials/figure.html`'s `figure_row` macro writes it, followed by a newline (the
/// ledger's pages and the entity pages list their figures with it).
///
/// The rows are `FigureRow`s as template values, read by name like the macro reads
/// them. The same markup in a template loop took about two fifths of the time spent
/// rendering and writing the ledger's thousand pages of a hundred rows at 100k articles.
fn figure_rows(state: &State, rows: &Value, root: &str, about: bool) -> Result<Value, Error> {
    writes_html(state, "figure_rows")?;
    let mut html = String::new();
    for r in rows.try_iter()? {
        write_figure_row(&r, root, about, &mut html)?;
        html.push('\n');
    }
    Ok(Value::from_safe_string(html))
}

/// Appends what `figure_row(r, root, about)` writes.
fn write_figure_row(r: &Value, root: &str, about: bool, out: &mut String) -> Result<(), Error> {
    let not_a_row = || {
        Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "the filter 'figure_rows' takes a list of figure rows (such as the ledger's \
                 'rows'), not a list holding {}",
                r.kind()
            ),
        )
    };
    // A field the macro reads unconditionally: missing, it is an error there too.
    let field = |v: &Value, name: &str| -> Result<Value, Error> {
        let f = v.get_attr(name).map_err(|_| not_a_row())?;
        if f.is_undefined() {
            return Err(not_a_row());
        }
        Ok(f)
    };
    // A field the macro prints: as the templates print it (escaped, `none` as nothing).
    let text = |out: &mut String, v: &Value| {
        if let Some(s) = v.as_str() {
            push_escaped(out, s);
        } else if !v.is_none() {
            push_escaped(out, &v.to_string());
        }
    };
    // `{% if v %}before{{ v }}after{% endif %}`
    let wrapped = |out: &mut String, v: &Value, before: &str, after: &str| {
        if v.is_true() {
            out.push_str(before);
            text(out, v);
            out.push_str(after);
        }
    };
    let figure = field(r, "figure")?;
    let article = field(r, "article")?;
    let when = field(&article, "when")?;
    out.push_str(r#"<tr id="figure-"#);
    text(out, &field(r, "id")?);
    out.push_str(r#""><td"#);
    // `r.anchor is defined and r.anchor`
    let anchor = r.get_attr("anchor").unwrap_or_default();
    wrapped(out, &anchor, r#" id=""#, "\"");
    out.push_str(r#"><mark class="figure figure-"#);
    text(out, &field(&figure, "kind")?);
    out.push_str(r#"" title=""#);
    text(out, &field(&figure, "title")?);
    out.push('"');
    let surface = field(&figure, "surface")?;
    push_lang_attr(out, &surface);
    out.push('>');
    text(out, &surface);
    out.push_str("</mark></td><td>");
    text(out, &field(r, "kind")?);
    out.push_str(r#"</td><td class="num">"#);
    text(out, &field(r, "stated")?);
    let normalized = field(r, "normalized")?;
    wrapped(out, &normalized, r#"<br><span class="meta">= "#, "</span>");
    out.push_str("</td>");
    if about {
        out.push_str("<td>");
        for chip in ["subject", "commodity"] {
            let chip = field(r, chip)?;
            if chip.is_true() {
                let chip = chip.downcast_object_ref::<Chip>().ok_or_else(not_a_row)?;
                chip.write_html(root, out);
            }
        }
        let measure = field(r, "measure")?;
        wrapped(out, &measure, r#" <span class="measure">"#, "</span>");
        out.push_str("</td>");
    }
    out.push_str("<td>");
    if field(r, "in_title")?.is_true() {
        out.push_str(r#"<span class="meta">Title:</span> "#);
    }
    out.push_str(r#"<a class="figure-context" href=""#);
    push_escaped(out, root);
    text(out, &field(r, "context_url")?);
    out.push('"');
    let lang = field(r, "context_lang")?;
    wrapped(out, &lang, r#" lang=""#, "\"");
    out.push('>');
    let context = field(r, "context")?;
    Segments::write_html(
        Segments::of_value(&context).ok_or_else(not_a_row)?,
        root,
        out,
    );
    out.push_str(r#"</a></td><td><a href=""#);
    push_escaped(out, root);
    text(out, &field(&article, "url")?);
    out.push('"');
    let source = field(&article, "source")?;
    push_lang_attr(out, &source);
    out.push('>');
    text(out, &source);
    out.push_str(r#"</a><br><time datetime=""#);
    text(out, &field(&when, "iso")?);
    out.push_str(r#"">"#);
    text(out, &field(&when, "date")?);
    out.push_str("</time></td></tr>");
    Ok(())
}

fn not_a_claim(value: &Value) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "the filter 'claims' takes a list of claims (such as a section's 'claims'), \
             not a list holding {}",
            value.kind()
        ),
    )
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    crate::render::svg::xml_escape(s)
}

/// Escapes text so that markdown shows it literally: inline markup characters get a
/// backslash (`*`, `_`, `` ` ``, `[`, `]`, `<`, `>`, `|`, `~`, `&`, `\`), line breaks
/// become spaces (a value cannot end a table row or a list item), a leading block
/// marker (`#`, `-`, `+`, `=`, `1.`) is escaped, and so is a closing run of `#` (in a
/// heading, `稀土 ##` would lose it). Safe in table cells. The reports are also read in
/// terminals: control characters become U+FFFD, and directional runs the text opens
/// are closed at its end.
///
/// GitHub's markdown links bare addresses too (`www.example.com`, `https://…`): the `.`
/// after `www` and the `:` before `//` get a backslash, which stops it and shows the
/// same text. An e-mail address still becomes a `mailto:` link there: GitHub finds those
/// in the text after escapes are resolved, and only raw HTML (which markdown renderers
/// that refuse HTML would print) could split one.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let trimmed = s.trim_start();
    let lead = s.len() - trimmed.len();
    // A block marker at the start of the value: `# x`, `- x`, `---` (a rule), `+ x`,
    // `===` (a heading's underline), `1. x`, `1) x`.
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let after = |i: usize| trimmed[i..].chars().next();
    let marker_end = match trimmed.bytes().next() {
        Some(b'#') => Some(0),
        Some(m @ (b'-' | b'+' | b'='))
            if after(1).is_none_or(|c| matches!(c, ' ' | '\t') || c == char::from(m)) =>
        {
            Some(0)
        }
        _ if digits > 0
            && matches!(after(digits), Some('.' | ')'))
            && matches!(after(digits + 1), None | Some(' ' | '\t')) =>
        {
            Some(digits)
        }
        _ => None,
    };
    // A run of `#` at the end after a space closes an ATX heading.
    let body = s.trim_end();
    let hashes = body.len() - body.trim_end_matches('#').len();
    let closing = (hashes > 0 && body[..body.len() - hashes].ends_with([' ', '\t']))
        .then_some(body.len() - hashes);
    for (i, c) in s.char_indices() {
        let marker = marker_end.is_some_and(|m| i == lead + m) || closing == Some(i);
        if marker && !matches!(c, '\\' | '`' | '*' | '_') {
            out.push('\\');
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '.' if s[..i].ends_with("www") => out.push_str("\\."),
            ':' if s[i + 1..].starts_with("//") => out.push_str("\\:"),
            '\r' | '\n' => out.push(' '),
            c if c.is_control() && c != '\t' => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out.push_str(&crate::text::bidi_closers(s));
    out
}

/// `{{ name | md_code }}`: an inline code span that holds any text (the fence is longer
/// than any run of backticks inside; pipes are escaped so it can stand in a table cell).
fn md_code(value: &Value) -> Value {
    let s = value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string());
    let s = terminal_safe(&s).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    Value::from_safe_string(format!("{fence}{pad}{s}{pad}{fence}"))
}

/// `{{ name | md_verbatim }}`: text inside a fenced code block, where markdown shows
/// everything as it is; only line breaks (which could open a new fence) become spaces.
fn md_verbatim(value: &Value) -> Value {
    let s = value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string());
    Value::from_safe_string(terminal_safe(&s))
}

/// Text for a code span or block of a markdown report, which is shown as it is there
/// and in a terminal: line breaks (which could end the span, or open a new fence) become
/// spaces, other control characters U+FFFD (an escape sequence in a file name must not
/// drive the terminal of whoever runs `cat reports/quality.md`), and directional runs
/// the text opens are closed at its end, as [`escape_markdown`] does for text.
fn terminal_safe(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            '\r' | '\n' => ' ',
            c if c.is_control() && c != '\t' => '\u{FFFD}',
            c => c,
        })
        .collect();
    out.push_str(&crate::text::bidi_closers(s));
    out
}

/// `{{ 12345 | thousands }}` → `12,345`.
fn thousands(value: &Value) -> Result<String, Error> {
    let n = i64::try_from(value.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("thousands: {value} is not an integer"),
        )
    })?;
    Ok(super::model::grouped(n))
}

/// `<span{{ text | lang_attr }}>` → `<span lang="zh">` for a text that is mostly Chinese
/// (or Japanese, Korean), `<span>` otherwise: screen readers read it in its language.
/// Corpus text such as a publisher's name is either.
fn lang_attr(text: &str) -> Value {
    let lang = super::model::lang_of(text);
    Value::from_safe_string(super::model::lang_attribute(lang).to_string())
}

/// `{{ text | in_lang }}` → `<span lang="zh">日经中文网</span>` for a text that is mostly
/// Chinese (Japanese, Korean), the text alone otherwise; escaped either way. For corpus
/// text, such as a publisher's name, that is in either language inside English markup.
fn in_lang(state: &State, text: &str) -> Result<Value, Error> {
    writes_html(state, "in_lang")?;
    let mut out = String::with_capacity(text.len() + 20);
    match super::model::lang_of(text) {
        Some(lang) => {
            out.push_str("<span lang=\"");
            out.push_str(lang);
            out.push_str("\">");
            push_escaped(&mut out, text);
            out.push_str("</span>");
        }
        None => push_escaped(&mut out, text),
    }
    Ok(Value::from_safe_string(out))
}

/// What `{{ v | lang_attr }}` writes, for a filter that writes a macro's markup itself.
fn push_lang_attr(out: &mut String, v: &Value) {
    let lang = v.as_str().and_then(super::model::lang_of);
    out.push_str(super::model::lang_attribute(lang));
}

/// `{{ bytes | filesize }}` → `15.1 kB`.
fn filesize(value: &Value) -> Result<String, Error> {
    let n = f64::try_from(value.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("filesize: {value} is not a number"),
        )
    })?;
    Ok(match n {
        n if n < 1e3 => format!("{n:.0} B"),
        n if n < 1e6 => format!("{:.1} kB", n / 1e3),
        n if n < 1e9 => format!("{:.1} MB", n / 1e6),
        n => format!("{:.1} GB", n / 1e9),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::model::*;
    use minijinja::context;
    use minijinja::value::Serde;

    /// The embedded templates plus one test template, `name`.
    fn with(name: &'static str, source: &'static str) -> Templates {
        let mut t = Templates::load(None).unwrap();
        t.env.add_template(name, source).unwrap();
        t
    }

    /// A `--templates` folder that replaces `partials/claim.html` with `text`.
    fn claim_partial_override(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("partials")).unwrap();
        std::fs::write(dir.path().join(CLAIM_PARTIAL), text).unwrap();
        dir
    }

    /// What `source` renders with `xs` an empty list (of the type of `empty`).
    fn over_empty_list<T: serde::Serialize>(source: &'static str, empty: Serde<T>) -> String {
        with("e.html", source)
            .render("e.html", context! { xs => Value::from(empty) })
            .unwrap()
    }

    /// The error chain of rendering `source` (which must fail) as template `name`.
    fn render_error(name: &'static str, source: &'static str, ctx: Value) -> String {
        let e = with(name, source).render(name, ctx).unwrap_err();
        format!("{e:#}")
    }

    #[test]
    fn markdown_escaping_keeps_text_literal() {
        assert_eq!(
            escape_markdown(
                "<script>alert(1)</script> {{ 7*7 }} {% raw %} a|b `c` _d_ [e](f) & \\"
            ),
            "\\<script\\>alert(1)\\</script\\> {{ 7\\*7 }} {% raw %} a\\|b \\`c\\` \\_d\\_ \\[e\\](f) \\& \\\\"
        );
        assert_eq!(escape_markdown("# Title"), "\\# Title");
        assert_eq!(escape_markdown("- item"), "\\- item");
        assert_eq!(escape_markdown("-3 degrees"), "-3 degrees");
        assert_eq!(escape_markdown("2025. A year"), "2025\\. A year");
        assert_eq!(escape_markdown("2025 was"), "2025 was");
        assert_eq!(escape_markdown("two\nlines"), "two lines");
        // A rule, a heading's underline, a heading's closing hashes.
        assert_eq!(escape_markdown("---"), "\\---");
        assert_eq!(escape_markdown("==="), "\\===");
        assert_eq!(escape_markdown("+"), "\\+");
        assert_eq!(escape_markdown("稀土 ##"), "稀土 \\##");
        assert_eq!(escape_markdown("C# and F#"), "C# and F#");
        // What a terminal would act on.
        assert_eq!(escape_markdown("a\u{1b}c\tb"), "a\u{FFFD}c\tb");
        assert_eq!(escape_markdown("x\u{202E}y"), "x\u{202E}y\u{202C}");
        // Bare addresses GitHub would link.
        assert_eq!(
            escape_markdown("see www.example.com or https://example.org/a:b"),
            "see www\\.example.com or https\\://example.org/a:b"
        );
        assert_eq!(escape_markdown("WWW.X.COM 10:30"), "WWW.X.COM 10:30");
    }

    #[test]
    fn md_code_fences_any_text() {
        assert_eq!(md_code(&Value::from("a_b")).as_str(), Some("`a_b`"));
        assert_eq!(md_code(&Value::from("a`b")).as_str(), Some("``a`b``"));
        assert_eq!(md_code(&Value::from("`x`")).as_str(), Some("`` `x` ``"));
        assert_eq!(md_code(&Value::from("a|b")).as_str(), Some("`a\\|b`"));
        // A file name is corpus input too: what a terminal would act on is defused
        // inside code as it is in text.
        assert_eq!(
            md_code(&Value::from("new\nline\u{1b}[31m.txt")).as_str(),
            Some("`new line\u{FFFD}[31m.txt`")
        );
        assert_eq!(
            md_code(&Value::from("x\u{202E}y")).as_str(),
            Some("`x\u{202E}y\u{202C}`")
        );
        assert_eq!(
            md_verbatim(&Value::from("a\u{7}b\r\nc\td")).as_str(),
            Some("a\u{FFFD}b  c\td")
        );
    }

    #[test]
    fn numbers_format() {
        assert_eq!(thousands(&Value::from(1234567)).unwrap(), "1,234,567");
        assert_eq!(thousands(&Value::from(-999)).unwrap(), "-999");
        assert!(thousands(&Value::from("x")).is_err());
        assert_eq!(filesize(&Value::from(15088)).unwrap(), "15.1 kB");
    }

    #[test]
    fn html_and_markdown_templates_escape_by_extension() {
        let t = with("t.html", "{{ x }}|{{ none }}|{{ n }}");
        let t2 = with("t.md", "{{ x }}|{{ n }}|{{ x | md_code }}");
        let x = "<script>alert(1)</script> {{ 7*7 }} {% raw %}";
        assert_eq!(
            t.render("t.html", context! { x, n => 49, none => () })
                .unwrap(),
            "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %}||49"
        );
        assert_eq!(
            t2.render("t.md", context! { x, n => 49 }).unwrap(),
            "\\<script\\>alert(1)\\</script\\> {{ 7\\*7 }} {% raw %}|49|`<script>alert(1)</script> {{ 7*7 }} {% raw %}`"
        );
    }

    #[test]
    fn undefined_values_are_errors() {
        let t = with("t.html", "{{ missing }}");
        let e = t.render("t.html", context! {}).unwrap_err();
        assert!(format!("{e:#}").contains("t.html"), "{e:#}");
    }

    fn claim() -> ClaimView<'static> {
        let text = "Japan pays $5 for <b>gallium</b>";
        ClaimView {
            id: crate::render::id_col::Id::of("c1"),
            anchor: "claim-c1".into(),
            url: "articles/ab/ab.html#claim-c1".into(),
            ordinal: 1,
            text: text.into(),
            segments: Segments::of(
                text,
                &[
                    Span {
                        start: 0,
                        end: 5,
                        figure: None,
                        entity: Some(EntityChip::new(
                            "country/JP",
                            "country",
                            "Japan",
                            Some("日本"),
                            "entities/1a/country-jp-1a2b3c4d.html",
                        )),
                    },
                    Span {
                        start: 11,
                        end: 13,
                        figure: Some(FigureView {
                            surface: "$5".into(),
                            kind: "money".into(),
                            title: "money: 5 USD".into(),
                        }),
                        entity: None,
                    },
                ],
            ),
            citations: vec![1, 4],
            attribution: AttributionView::of(Some("suggest"), Some("Analysts"), true, "opinion"),
        }
    }

    #[test]
    fn claim_partial_links_entities_and_marks_figures() {
        let t = with(
            "t.html",
            "{% set root = '../../' %}{% include 'partials/claim.html' %}",
        );
        let html = t
            .render("t.html", context! { c => Value::from(Serde(claim())) })
            .unwrap();
        assert!(
            html.contains(
                r#"<a class="entity" href="../../entities/1a/country-jp-1a2b3c4d.html">Japan</a>"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<mark class="figure figure-money" title="money: 5 USD">$5</mark>"#),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;gallium&lt;/b&gt;"), "{html}");
        assert!(
            html.contains(r#"<span class="cites">[1][4]</span>"#),
            "{html}"
        );
        assert!(
            html.contains("Analysts") && html.contains("hedged"),
            "{html}"
        );
        assert!(html.contains(r#"id="claim-c1""#), "{html}");
    }

    /// A claim reaches templates as an object, not a map: templates that lay it out
    /// themselves (a replaced claim partial, the overview report) still read every field
    /// a `ClaimView` has, by name, and iterate over the same names.
    #[test]
    fn templates_read_every_field_of_a_claim() {
        let t = with(
            "t.html",
            "{{ c.id }}|{{ c.anchor }}|{{ c.url }}|{{ c.ordinal }}|{{ c.text }}|\
             {{ c.segments | map(attribute='text') | join('/') }}|{{ c.citations }}|\
             {% set a = c.attribution %}{{ a.cue }},{{ a.attributed_to }},{{ a.hedged }},\
             {{ a.modality }}|{{ c | list | join(',') }}|{{ c.note is undefined }}",
        );
        let html = t
            .render("t.html", context! { c => Value::from(Serde(claim())) })
            .unwrap();
        assert_eq!(
            html,
            "c1|claim-c1|articles/ab/ab.html#claim-c1|1|Japan pays $5 for &lt;b&gt;gallium&lt;/b&gt;|\
             Japan/ pays /$5/ for &lt;b&gt;gallium&lt;/b&gt;|[1, 4]|suggest,Analysts,True,opinion|\
             id,anchor,url,ordinal,text,segments,citations,attribution|True"
        );
        let plain = ClaimView {
            citations: vec![],
            attribution: None,
            ..claim()
        };
        let html = with(
            "t.html",
            "{{ c.citations }}|{{ c.attribution }}|{{ not c.attribution }}",
        )
        .render("t.html", context! { c => Value::from(Serde(plain)) })
        .unwrap();
        assert_eq!(html, "[]||True");
    }

    /// Templates that lay out a text's segments themselves see the same segments the
    /// `marked` filter writes: the filter is the loop of the templates before it, in Rust.
    #[test]
    fn marked_filter_writes_what_a_loop_over_the_segments_writes() {
        let t = with(
            "t.html",
            "{{ c.segments | marked(root) }}\n{% for s in c.segments %}{% if s.entity %}<a class=\"entity\" href=\"{{ root }}{{ s.entity.url }}\">{{ s.text }}</a>{% elif s.figure %}<mark class=\"figure figure-{{ s.figure.kind }}\" title=\"{{ s.figure.title }}\">{{ s.text }}</mark>{% else %}{{ s.text }}{% endif %}{% endfor %}",
        );
        let mut c = claim();
        c.segments = Segments::of(
            "\"Q\" & <i>Japan</i>'s $5",
            &[
                Span {
                    start: 9,
                    end: 14,
                    figure: None,
                    entity: Some(EntityChip::new(
                        "country/JP",
                        "country",
                        "Japan",
                        None,
                        "entities/1a/a\"b<c>.html",
                    )),
                },
                Span {
                    start: 21,
                    end: 23,
                    figure: Some(FigureView {
                        surface: "$5".into(),
                        kind: "money".into(),
                        title: "money: \"5\" USD & <more>".into(),
                    }),
                    entity: None,
                },
            ],
        );
        let html = t
            .render(
                "t.html",
                context! { c => Value::from(Serde(c)), root => "../'x'/" },
            )
            .unwrap();
        let (filtered, looped) = html.split_once('\n').unwrap();
        assert_eq!(filtered, looped);
        assert_eq!(
            filtered,
            "&quot;Q&quot; &amp; &lt;i&gt;<a class=\"entity\" href=\"../&#39;x&#39;/entities/1a/a&quot;b&lt;c&gt;.html\">Japan</a>&lt;/i&gt;&#39;s <mark class=\"figure figure-money\" title=\"money: &quot;5&quot; USD &amp; &lt;more&gt;\">$5</mark>"
        );
    }

    /// The `chips` filter writes what the `entity_chip` macro writes for each chip,
    /// escaped the same way, separated by spaces.
    #[test]
    fn chips_filter_writes_what_the_entity_chip_macro_writes() {
        let t = with(
            "t.html",
            "{% from 'partials/entity.html' import entity_chip %}{{ es | chips(root) }}\n\
             {% for e in es %}{{ entity_chip(e, root) }}{% if not loop.last %} {% endif %}{% endfor %}{{ '' }}\n\
             {{ es[0].name }}|{{ es[1].name_zh }}|{{ es[2].name_zh is none }}|{{ es[0] | length }}",
        );
        let es = vec![
            EntityChip::new(
                "commodity/gallium",
                "commodity",
                "Gallium <Ga> & \"co\"",
                Some("镓"),
                "entities/ab/commodity-gallium-00000000.html",
            ),
            // An empty Chinese name is no name, as `{% if e.name_zh %}` reads it.
            EntityChip::new(
                "org/x",
                "organization",
                "X'",
                Some(""),
                "entities/cd/x.html",
            ),
            EntityChip::new(
                "country/JP",
                "country",
                "Japan",
                None,
                "entities/1a/jp.html",
            ),
        ];
        let html = t
            .render(
                "t.html",
                context! { es => Value::from(Serde(&es)), root => "../'r'/" },
            )
            .unwrap();
        let mut lines = html.lines();
        let (filtered, looped) = (lines.next().unwrap(), lines.next().unwrap());
        assert_eq!(filtered, looped);
        assert_eq!(
            filtered,
            "<a class=\"chip chip-commodity\" href=\"../&#39;r&#39;/entities/ab/commodity-gallium-00000000.html\">Gallium &lt;Ga&gt; &amp; &quot;co&quot; <span lang=\"zh\">镓</span></a> \
             <a class=\"chip chip-organization\" href=\"../&#39;r&#39;/entities/cd/x.html\">X&#39;</a> \
             <a class=\"chip chip-country\" href=\"../&#39;r&#39;/entities/1a/jp.html\">Japan</a>"
        );
        // Templates still see the chip's fields by name.
        assert_eq!(
            lines.next().unwrap(),
            "Gallium &lt;Ga&gt; &amp; &quot;co&quot;||True|5"
        );
        assert_eq!(
            over_empty_list("[{{ xs | chips('') }}]", Serde(Vec::<EntityChip>::new())),
            "[]"
        );
    }

    /// The `figure_rows` filter writes, for every shape of row, with and without the
    /// "about" column, the bytes that calling the `figure_row` macro once per row writes.
    #[test]
    fn figure_rows_filter_writes_what_the_figure_row_macro_writes() {
        use crate::render::figure_pages::FigureRow;
        let t = with(
            "t.html",
            "{% from 'partials/figure.html' import figure_row %}\
             {% for about in [true, false] %}{{ rs | figure_rows(root, about) }}---\n\
             {% for r in rs %}{{ figure_row(r, root, about) }}\n{% endfor %}===\n{% endfor %}",
        );
        let chip = |name_zh| {
            EntityChip::new(
                "commodity/gallium",
                "commodity",
                "Gallium <Ga>",
                name_zh,
                "entities/ab/gallium.html",
            )
        };
        let text = "Japan's \"<b>\" & $5";
        let row = FigureRow {
            id: crate::render::id_col::Id::of("f1"),
            kind: "money",
            figure: FigureView {
                surface: "$5".into(),
                kind: "money".into(),
                title: "money: 5 <USD>".into(),
            },
            quoted: "about $5".into(),
            stated: "about 5 USD".into(),
            normalized: Some("5 USD & more".into()),
            subject: Some(chip(Some("镓"))),
            commodity: Some(chip(Some(""))),
            measure: Some("price's"),
            context: Segments::of(
                text,
                &[Span {
                    start: 18,
                    end: 20,
                    figure: None,
                    entity: Some(chip(None)),
                }],
            ),
            context_lang: Some("zh"),
            context_url: "articles/ab/ab.html#claim-c1".into(),
            in_title: true,
            article: ArticleRef {
                id: "a1",
                url: "articles/ab/a1.html".into(),
                title: "T",
                title_lang: None,
                source: "S&P <News>",
                when: When {
                    date: "2026-01-09".into(),
                    minute: "2026-01-09 15:06".into(),
                    iso: "2026-01-09T15:06:00+08:00".into(),
                    month: "2026-01".into(),
                    zone: "UTC+8",
                },
                collection: "c",
                collection_lang: None,
                n_claims: 1,
            },
            anchor: Some("kind-money".into()),
        };
        let rows = vec![
            row.clone(),
            FigureRow {
                normalized: None,
                subject: None,
                commodity: None,
                measure: None,
                context_lang: None,
                in_title: false,
                anchor: None,
                ..row.clone()
            },
            FigureRow {
                normalized: Some(String::new()),
                measure: Some(""),
                anchor: Some(String::new()),
                subject: None,
                ..row.clone()
            },
        ];
        let html = t
            .render(
                "t.html",
                context! { rs => Value::from(Serde(&rows)), root => "../'r'/" },
            )
            .unwrap();
        let tables: Vec<&str> = html.split("===\n").collect();
        assert_eq!(tables.len(), 3, "{html}");
        for (table, about) in tables[..2].iter().zip([true, false]) {
            let (filtered, looped) = table.split_once("---\n").unwrap();
            assert_eq!(filtered, looped, "about: {about}");
            assert_eq!(filtered.matches("<tr id=\"figure-f1\">").count(), 3);
            assert_eq!(filtered.contains("<td><a class=\"chip"), about);
        }
        assert!(
            tables[0].contains("S&amp;P &lt;News&gt;") && tables[0].contains("&#39;r&#39;"),
            "{html}"
        );
        assert_eq!(
            over_empty_list(
                "[{{ xs | figure_rows('', true) }}]",
                Serde(Vec::<FigureRow>::new())
            ),
            "[]"
        );
    }

    #[test]
    fn figure_rows_filter_refuses_markdown_and_other_values() {
        let error = |name, source| render_error(name, source, context! { xs => vec![1, 2] });
        let e = error("t.md", "{{ xs | figure_rows('', true) }}");
        assert!(e.contains("use it in .html templates"), "{e}");
        let e = error("t.html", "{{ xs | figure_rows('', true) }}");
        assert!(e.contains("takes a list of figure rows"), "{e}");
    }

    /// The `claims` filter writes, for every shape of claim, the bytes that including
    /// the embedded partial once per claim writes: the pages' markup does not depend on
    /// which of the two lists the claims.
    #[test]
    fn claims_filter_writes_what_including_the_claim_partial_writes() {
        let t = with(
            "t.html",
            "{{ cs | claims(root) }}---\n{% for c in cs %}{% include 'partials/claim.html' %}{% endfor %}",
        );
        let attribution = |cue: Option<&'static str>,
                           who: Option<&'static str>,
                           hedged,
                           modality: &'static str| {
            Some(AttributionView {
                cue: cue.map(Into::into),
                attributed_to: who.map(Into::into),
                hedged,
                modality: modality.into(),
            })
        };
        let mut claims = Vec::new();
        for citations in [vec![], vec![7], vec![1, 4, 12]] {
            for a in [
                None,
                attribution(Some("suggest"), Some("Analysts"), true, "opinion"),
                attribution(Some("say"), Some("<Tom> & \"Jerry\""), false, "fact"),
                attribution(None, Some("Officials"), false, "plan"),
                attribution(Some("according to"), None, true, "forecast"),
                attribution(None, None, true, "fact"),
                attribution(None, None, false, "o'pinion"),
            ] {
                let mut c = claim();
                c.anchor = format!("claim-{}<&\"'>", claims.len());
                c.citations = citations.clone();
                c.attribution = a;
                claims.push(c);
            }
        }
        // A claim with no text to mark, and one whose attribution names an empty speaker.
        let mut empty = claim();
        empty.segments = Segments::of("", &[]);
        claims.push(empty);
        claims.push(ClaimView {
            attribution: attribution(Some(""), Some(""), false, "opinion"),
            ..claim()
        });
        let html = t
            .render(
                "t.html",
                context! { cs => Value::from(Serde(&claims)), root => "../'r'/" },
            )
            .unwrap();
        let (filtered, included) = html.split_once("---\n").unwrap();
        assert_eq!(filtered, included);
        assert_eq!(
            filtered.matches("<li class=\"claim\"").count(),
            claims.len()
        );
        assert!(
            filtered.contains(r#"id="claim-0&lt;&amp;&quot;&#39;&gt;""#),
            "{filtered}"
        );
        assert!(
            filtered.contains(
                r#"<span class="who">&lt;Tom&gt; &amp; &quot;Jerry&quot;</span> (say) · "#
            ),
            "{filtered}"
        );
        assert_eq!(
            over_empty_list("[{{ xs | claims('') }}]", Serde(Vec::<ClaimView>::new())),
            "[]"
        );
    }

    /// A claim partial from --templates is what the `claims` filter renders, with the
    /// claim as `c`, `root` and the globals in scope.
    #[test]
    fn claims_filter_renders_a_replaced_claim_partial() {
        let dir = claim_partial_override(
            "<p data-site=\"{{ site }}\">{{ root }}{{ c.anchor }}: {{ c.text }}</p>",
        );
        let mut t = Templates::load(Some(dir.path())).unwrap();
        t.env
            .add_template("t.html", "{{ cs | claims(root) }}")
            .unwrap();
        t.add_global("site", Value::from("S&P"));
        let html = t
            .render(
                "t.html",
                context! { cs => Value::from(Serde(vec![claim()])), root => "../" },
            )
            .unwrap();
        assert_eq!(
            html,
            "<p data-site=\"S&amp;P\">../claim-c1: Japan pays $5 for &lt;b&gt;gallium&lt;/b&gt;</p>"
        );
    }

    #[test]
    fn claims_filter_refuses_markdown_and_other_values() {
        let error = |name, source| render_error(name, source, context! { c => Serde(claim()) });
        let e = error("t.md", "{{ [c] | claims('') }}");
        assert!(e.contains("use it in .html templates"), "{e}");
        let e = error("t.html", "{{ [c.text] | claims('') }}");
        assert!(e.contains("takes a list of claims"), "{e}");
        let e = error("t.html", "{{ c | claims('') }}");
        assert!(e.contains("takes a list of claims"), "{e}");
    }

    #[test]
    fn chips_filter_refuses_markdown_and_other_values() {
        let es = vec![EntityChip::new(
            "country/JP",
            "country",
            "Japan",
            None,
            "j.html",
        )];
        let error = |name, source| render_error(name, source, context! { es => Serde(&es) });
        let e = error("t.md", "{{ es | chips('') }}");
        assert!(e.contains("use it in .html templates"), "{e}");
        let e = error("t.html", "{{ ['Japan'] | chips('') }}");
        assert!(e.contains("takes a list of entity chips"), "{e}");
        let e = error("t.html", "{{ 3 | chips('') }}");
        assert!(e.contains("number is not iterable"), "{e}");
    }

    #[test]
    fn marked_filter_refuses_markdown_and_other_values() {
        let error = |name, source| render_error(name, source, context! { c => Serde(claim()) });
        let e = error("t.md", "{{ c.segments | marked('') }}");
        assert!(e.contains("use it in .html templates"), "{e}");
        let e = error("t.html", "{{ c.text | marked('') }}");
        assert!(e.contains("takes the segments of a text"), "{e}");
    }

    #[test]
    fn entity_and_figure_partials() {
        let t = with(
            "t.html",
            "{% from 'partials/entity.html' import entity_chip %}{% from 'partials/figure.html' import figure %}{{ entity_chip(e, '') }} {{ figure(f) }}",
        );
        let e = EntityChip::new(
            "commodity/gallium",
            "commodity",
            "Gallium <Ga>",
            Some("镓"),
            "entities/ab/commodity-gallium-00000000.html",
        );
        let f = FigureView {
            surface: "92%".into(),
            kind: "percent".into(),
            title: "percent: 92".into(),
        };
        let html = t
            .render(
                "t.html",
                context! { e => Value::from(Serde(e)), f => Value::from(Serde(f)) },
            )
            .unwrap();
        assert!(
            html.contains(r#"href="entities/ab/commodity-gallium-00000000.html""#),
            "{html}"
        );
        assert!(
            html.contains("Gallium &lt;Ga&gt;") && html.contains(r#"<span lang="zh">镓</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<mark class="figure figure-percent" title="percent: 92">92%</mark>"#),
            "{html}"
        );
    }

    #[test]
    fn table_partials_in_html_and_markdown() {
        let mut table = TableView::new("Rows <x>", &[("name", false), ("n", true)]);
        table
            .rows
            .push(vec![Cell::code("a|b").link("x/y.html"), Cell::num(3)]);
        table.rows.push(vec![Cell::text("<i>"), Cell::num(4)]);
        let t = with(
            "t.html",
            "{% from 'partials/table.html' import rows_table %}{{ rows_table(t, '../') }}",
        );
        let html = t
            .render("t.html", context! { t => Value::from(Serde(&table)) })
            .unwrap();
        assert!(html.contains("<caption>Rows &lt;x&gt;</caption>"), "{html}");
        assert!(
            html.contains(r#"<a href="../x/y.html"><code>a|b</code></a>"#),
            "{html}"
        );
        assert!(html.contains(r#"<td class="num">3</td>"#), "{html}");
        let t = with(
            "t.md",
            "{% from 'partials/table.md' import rows_table %}{{ rows_table(t) }}",
        );
        let md = t
            .render("t.md", context! { t => Value::from(Serde(&table)) })
            .unwrap();
        assert_eq!(
            md.trim(),
            "| name | n |\n| --- | ---: |\n| `a\\|b` | 3 |\n| \\<i\\> | 4 |"
        );
    }

    #[test]
    fn overrides_must_be_known_names() {
        let dir = claim_partial_override("{% macro claim(c, root) %}X{% endmacro %}");
        let e = Templates::load(Some(dir.path())).err().unwrap();
        assert!(format!("{e:#}").contains("once per claim"), "{e:#}");
        std::fs::write(dir.path().join("partials/claim.html"), "<li>X</li>").unwrap();
        assert_eq!(override_names(dir.path()).unwrap(), ["partials/claim.html"]);
        let t = Templates::load(Some(dir.path())).unwrap();
        assert!(
            t.env
                .get_template("partials/claim.html")
                .unwrap()
                .source()
                .contains('X')
        );
        std::fs::write(dir.path().join("artcle.html"), "").unwrap();
        let e = override_names(dir.path()).unwrap_err();
        assert!(
            e.contains("artcle.html") && e.contains("article.html"),
            "{e}"
        );
    }
}
