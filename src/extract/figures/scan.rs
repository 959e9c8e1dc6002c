//! The scanner: one pass over the text's bytes. Ordinary words are rejected by a table
//! read (see [`lx::number_word`]), so work starts only at an anchor — a digit, a number
//! word, a Chinese numeral — and reads the figure around it: a currency prefix and a
//! qualifier before, scales, a range, a unit, minor units and a rate's denominator after.

use super::cjk;
use super::lexicon::{self as lx, NumWord, UnitDef};
use super::number::{self, Decimal, Digits, digit_at};
use super::post;
use super::text::{Text, is_alpha, is_space};
use super::{Figure, Kind, Qualifier};

pub(super) struct Scanner<'a> {
    pub t: Text<'a>,
    pub out: Vec<Figure>,
    /// Lookbacks never reach below this: the end of the last figure.
    pub floor: usize,
    chinese: Option<bool>,
}

/// A currency written before the number.
#[derive(Debug, Clone, Copy)]
pub(super) struct Prefix {
    pub def: UnitDef,
    pub start: usize,
    /// Power of ten it implies (`MUSD` → 6).
    pub exp: i32,
}

/// A number read at an anchor, before its unit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Read {
    pub start: usize,
    pub end: usize,
    pub dec: Decimal,
    /// Written in words.
    pub words: bool,
    /// A plain 4-digit number from 1800 to 2100.
    pub year_like: bool,
    /// The word `one` or `zero` alone.
    pub lone_word: bool,
}

impl Read {
    fn from_digits(d: &Digits) -> Self {
        Read {
            start: d.start,
            end: d.end,
            dec: d.dec,
            words: false,
            year_like: d.year_like(),
            lone_word: false,
        }
    }
}

/// Lowercases an ASCII word into a stack buffer (words longer than 24 bytes are none of
/// ours).
pub(super) struct Lower {
    buf: [u8; 24],
    len: usize,
}

impl Lower {
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > 24 {
            return None;
        }
        let mut buf = [0u8; 24];
        let mut len = 0;
        for &c in bytes {
            if c == b'.' {
                continue;
            }
            buf[len] = c.to_ascii_lowercase();
            len += 1;
        }
        Some(Lower { buf, len })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

fn lower_is(bytes: &[u8], words: &[&str]) -> bool {
    Lower::new(bytes).is_some_and(|l| words.contains(&l.as_str()))
}

const SKIP: u8 = 0;
const DIGIT: u8 = 1;
const ALPHA: u8 = 2;
const HIGH: u8 = 3;

/// What each byte can start: nothing (ASCII spaces and punctuation), a number, a word,
/// or a multi-byte character.
static CLASS: [u8; 256] = {
    let mut t = [SKIP; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'9' => DIGIT,
            b'a'..=b'z' | b'A'..=b'Z' => ALPHA,
            0x80..=0xFF => HIGH,
            _ => SKIP,
        };
        c += 1;
    }
    t
};

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Self {
        Scanner {
            t: Text::new(text),
            out: Vec::new(),
            floor: 0,
            chinese: None,
        }
    }

    pub fn run(mut self) -> Vec<Figure> {
        let b = self.t.b;
        let n = b.len();
        let mut i = 0;
        while i < n {
            // Spaces and punctuation: nothing starts there.
            while i < n && CLASS[b[i] as usize] == SKIP {
                i += 1;
            }
            if i >= n {
                break;
            }
            let c = b[i];
            let next = match CLASS[c as usize] {
                DIGIT => self.at_digits(i),
                ALPHA => {
                    let e = self.t.letters_end(i);
                    match lx::number_word(&b[i..e]) {
                        // A word glued to a preceding letter or digit is no number word.
                        Some(w) if i == 0 || !b[i - 1].is_ascii_alphanumeric() => {
                            self.at_word(i, e, w)
                        }
                        _ => e,
                    }
                }
                _ => match self.t.char_at(i) {
                    Some((ch, len)) => {
                        if digit_at(b, i).is_some() {
                            self.at_digits(i)
                        } else if cjk::is_anchor(ch) {
                            cjk::at_char(&mut self, i, ch)
                        } else {
                            i + len
                        }
                    }
                    None => i + 1,
                },
            };
            i = next.max(i + 1);
            // Stay on a char boundary.
            while i < n && !self.t.s.is_char_boundary(i) {
                i += 1;
            }
        }
        post::finish(&self.t, self.out)
    }

    /// Whether `¥` means yuan here (Chinese text) rather than yen.
    pub fn chinese(&mut self) -> bool {
        *self.chinese.get_or_insert_with(|| self.t.is_chinese())
    }

    pub fn push(&mut self, f: Figure) {
        self.floor = self.floor.max(f.end);
        self.out.push(f);
    }

    /// Skips a code-like token (`A100`, `052D`, `1111-2222`, `15:06`): letters, digits
    /// and inner `-./:`.
    fn skip_token(&self, i: usize) -> usize {
        let b = self.t.b;
        let mut j = i;
        while j < b.len() {
            let c = b[j];
            let inner = matches!(c, b'-' | b'.' | b'/' | b':' | b'_')
                && b.get(j + 1).is_some_and(|x| x.is_ascii_alphanumeric());
            if c.is_ascii_alphanumeric() || inner {
                j += 1;
            } else {
                break;
            }
        }
        j.max(i + 1)
    }

    /// `[12]`, `[1, 4]`, `[2-9]`: a citation marker starting at the digit `i`.
    fn citation_end(&self, i: usize) -> Option<usize> {
        let b = self.t.b;
        let mut j = i;
        while j < b.len() && j < i + 24 {
            match b[j] {
                b']' => return Some(j + 1),
                b'0'..=b'9' | b',' | b' ' | b'-' => j += 1,
                _ => return None,
            }
        }
        None
    }

    // ---------------------------------------------------------------- digits

    fn at_digits(&mut self, i: usize) -> usize {
        let t = self.t;
        let b = t.b;
        let mut prefix = None;
        if i > 0 {
            let p = b[i - 1];
            if is_alpha(p) {
                // Letters glued before the digits: a currency code (`USD115`) or a code.
                let ls = t.letters_start(i).max(self.floor);
                let clean = ls == 0 || !b[ls - 1].is_ascii_alphanumeric();
                match Lower::new(&b[ls..i]).and_then(|l| lx::prefix_word(l.as_str())) {
                    Some((def, exp)) if clean && ls < i => {
                        prefix = Some(Prefix {
                            def,
                            start: ls,
                            exp,
                        })
                    }
                    _ => return self.skip_token(i),
                }
            } else if p == b'[' {
                if let Some(e) = self.citation_end(i) {
                    return e;
                }
            } else if p == b'-' && i >= 2 && is_alpha(b[i - 2]) {
                return self.skip_token(i); // F-35, COVID-19
            } else if p == b'#' || p == b'_' {
                return self.skip_token(i);
            } else if matches!(p, b'/' | b':' | b'.') && i >= 2 && b[i - 2].is_ascii_digit() {
                return self.skip_token(i); // the rest of a date, time or version
            }
        }
        let Some(d) = number::read_digits(&t, i) else {
            return self.skip_token(i);
        };
        let e = d.end;
        match b.get(e) {
            Some(b':' | b'/') if digit_at(b, e + 1).is_some() => return self.skip_token(i),
            Some(b'.') if digit_at(b, e + 1).is_some() => return self.skip_token(i),
            Some(b'-') if digit_at(b, e + 1).is_some() => {
                if let Some(d2) = number::read_digits(&t, e + 1) {
                    let code = b.get(d2.end) == Some(&b'-') && digit_at(b, d2.end + 1).is_some();
                    let year_month = d.year_like() && d2.int_digits == 2 && !d2.dec.has_point();
                    if code || year_month {
                        return self.skip_token(i);
                    }
                }
            }
            _ => {}
        }
        if d.leading_zero && !d.dec.has_point() {
            return self.skip_token(i);
        }
        if d.fullwidth || self.cjk_after(e) {
            return cjk::at_number(self, i, prefix);
        }
        let mut r = Read::from_digits(&d);
        let mut unit0 = None;
        // Letters glued after the digits: a scale or unit (`10bn`, `15k`, `115USD`,
        // `20km`, `10x`), else a code (`052D`, `5G`, `1st`, `1990s`).
        if let Some((def, pe)) = power_unit_at(&t, e) {
            // `10km2`, `50m³`
            r.end = pe;
            r.year_like = false;
            unit0 = Some(def);
        } else if e < b.len() && is_alpha(b[e]) {
            let le = t.letters_end(e);
            if b.get(le).is_some_and(|c| c.is_ascii_digit()) {
                return self.skip_token(i);
            }
            // `1.2m tonnes`: a unit after it makes the glued `m` a scale, not metres
            let has_currency = prefix.is_some()
                || self.prefix_currency(i).is_some()
                || (matches!(&b[e..le], b"m" | b"b") && self.unit_word_at(t.skip_ws(le)));
            let suffix = Lower::new(&b[e..le]).filter(|l| {
                // `30bp`, but `30BP` is no unit
                !lx::lowercase_only(l.as_str()) || !b[e..le].iter().any(u8::is_ascii_uppercase)
            });
            match suffix.and_then(|l| glued_suffix(l.as_str(), has_currency)) {
                Some((exp, unit)) => {
                    r.dec.exp += exp;
                    r.end = le;
                    r.year_like = false;
                    unit0 = unit;
                }
                None => return self.skip_token(i),
            }
        }
        self.finish_en(r, prefix, unit0)
    }

    /// Whether a word of one space away at `k` is a unit other than a length (`tonnes`,
    /// `barrels`, `dollars`).
    fn unit_word_at(&self, k: usize) -> bool {
        let t = self.t;
        t.word_after(k).is_some_and(|w| {
            w.0 == k
                && k > 0
                && t.b[k - 1] == b' '
                && Lower::new(&t.b[w.0..w.1])
                    .and_then(|l| lx::lookup_unit_phrase(l.as_str()))
                    .is_some_and(|d| d.kind != Kind::Length)
        })
    }

    /// Whether Chinese (or full-width) text follows a number ending at `e`, so that the
    /// Chinese reader takes over (`15元`, `1600万`, `12k个百分点`).
    fn cjk_after(&self, e: usize) -> bool {
        let b = self.t.b;
        let mut k = e;
        if matches!(b.get(k), Some(b'k' | b'K')) {
            k += 1;
        }
        // `5-10年`: a range whose second end the Chinese unit follows
        if matches!(b.get(k), Some(b'-' | b'~')) && digit_at(b, k + 1).is_some() {
            let mut j = k + 1;
            while let Some((_, len)) = digit_at(b, j) {
                j += len;
            }
            if matches!(b.get(j), Some(b'.')) && digit_at(b, j + 1).is_some() {
                j += 1;
                while let Some((_, len)) = digit_at(b, j) {
                    j += len;
                }
            }
            k = j;
        }
        let k = self.t.skip_ws(k);
        match self.t.char_at(k) {
            Some((c, _)) => cjk::starts_unit(c),
            None => false,
        }
    }

    // ---------------------------------------------------------------- words

    fn at_word(&mut self, ws: usize, we: usize, w: NumWord) -> usize {
        let t = self.t;
        let b = t.b;
        match w {
            NumWord::Url => {
                let is_url = b[we..].starts_with(b"://") || (b.get(we) == Some(&b'.'));
                if !is_url {
                    return we;
                }
                let mut j = we;
                while j < b.len() && !b[j].is_ascii_whitespace() {
                    j += 1;
                }
                j
            }
            NumWord::Percent => self.percent_of(ws, we),
            NumWord::Small(_) | NumWord::Tens(_) => {
                let Some(words) = number::read_words(&t, ws, 0) else {
                    return we;
                };
                if let Some(e) = self.fraction_after(ws, words.end, words.value) {
                    return e;
                }
                let mut dec = Decimal::from_u64(words.value);
                let mut end = words.end;
                // `three quarters billion`, `one half million`
                if let Some((frac, e2)) = self.word_fraction_scale(words.end) {
                    dec = Decimal::from_f64(words.value as f64 * frac.0);
                    dec.exp = frac.1;
                    end = e2;
                } else if let Some((frac, e2)) = self.and_a_fraction(words.end) {
                    // `two and a half years`, `one and a half million tons`
                    dec = Decimal::from_f64(words.value as f64 + frac);
                    end = e2;
                    if let Some(big) = t.word_after(e2)
                        && let Some(NumWord::Big(x)) = lx::number_word(&b[big.0..big.1])
                    {
                        dec.exp = x;
                        end = big.1;
                    }
                }
                let r = Read {
                    start: ws,
                    end,
                    dec,
                    words: true,
                    year_like: false,
                    lone_word: words.n_words == 1 && words.value <= 1 && end == words.end,
                };
                self.finish_en(r, None, None)
            }
            NumWord::Hundred | NumWord::Big(_) | NumWord::Dozen => {
                // Only after `a`/`an`: `a hundred`, `a dozen`, `a million` (a bare
                // `thousands of` is vague).
                let Some(a) = t.word_before(ws, self.floor) else {
                    return we;
                };
                if !(t.eq_ic(a, "a") || t.eq_ic(a, "an")) {
                    return we;
                }
                let Some(words) = number::read_words(&t, ws, 1) else {
                    return we;
                };
                let r = Read {
                    start: a.0,
                    end: words.end,
                    dec: Decimal::from_u64(words.value),
                    words: true,
                    year_like: false,
                    lone_word: false,
                };
                self.finish_en(r, None, None)
            }
            NumWord::Half | NumWord::Quarter => {
                let frac = if w == NumWord::Half { 0.5 } else { 0.25 };
                let a = t
                    .word_before(ws, self.floor)
                    .filter(|&a| t.eq_ic(a, "a") || t.eq_ic(a, "an") || t.eq_ic(a, "one"));
                let plural = b[ws..we].ends_with(b"s");
                if plural {
                    return we;
                }
                // `half of`, `a quarter of`
                if let Some(of) = t.word_after(we)
                    && t.eq_ic(of, "of")
                    && (w == NumWord::Half || a.is_some())
                {
                    let start = if w == NumWord::Quarter {
                        a.map_or(ws, |a| a.0)
                    } else {
                        ws
                    };
                    let q = self.qualifier_before(start);
                    self.push(simple(start, we, Kind::Fraction, frac, lx::FRACTION, q));
                    return we;
                }
                // `half a million`, `a quarter million`, `half million`
                let mut k = we;
                if let Some(x) = t.word_after(k)
                    && (t.eq_ic(x, "a") || t.eq_ic(x, "an"))
                    && w == NumWord::Half
                {
                    k = x.1;
                }
                if let Some(big) = t.word_after(k)
                    && let Some(NumWord::Big(e)) = lx::number_word(&b[big.0..big.1])
                {
                    let mut dec = Decimal::from_f64(frac);
                    dec.exp = e;
                    let r = Read {
                        start: a.map_or(ws, |a| a.0),
                        end: big.1,
                        dec,
                        words: true,
                        year_like: false,
                        lone_word: false,
                    };
                    return self.finish_en(r, None, None);
                }
                we
            }
            NumWord::Ordinal { den, plural } => {
                // `a third of`, `one fifth of` (a numerator in digits or words is read
                // at its own anchor).
                if plural {
                    return we;
                }
                let Some(a) = t.word_before(ws, self.floor) else {
                    return we;
                };
                let joined = a.1 == ws || (a.1 + 1 == ws && matches!(b[a.1], b' ' | b'-'));
                if !joined || !(t.eq_ic(a, "a") || t.eq_ic(a, "one")) {
                    return we;
                }
                let Some(of) = t.word_after(we) else {
                    return we;
                };
                if !t.eq_ic(of, "of") {
                    return we;
                }
                let q = self.qualifier_before(a.0);
                self.push(simple(
                    a.0,
                    we,
                    Kind::Fraction,
                    1.0 / den as f64,
                    lx::FRACTION,
                    q,
                ));
                we
            }
            NumWord::Mult(n) => {
                let lower = Lower::new(&b[ws..we]);
                let base = lower
                    .as_ref()
                    .is_some_and(|l| matches!(l.as_str(), "double" | "triple" | "quadruple"));
                if base && !self.verb_like(ws, we) {
                    return we; // `double standards`
                }
                let q = self.qualifier_before(ws);
                self.push(simple(ws, we, Kind::Multiplier, n as f64, lx::TIMES, q));
                we
            }
            NumWord::Halved => {
                // `more than halved` is a factor below one half
                let q = match self.qualifier_before(ws) {
                    Qualifier::Over => Qualifier::Under,
                    Qualifier::Under => Qualifier::Over,
                    Qualifier::AtLeast => Qualifier::AtMost,
                    Qualifier::AtMost => Qualifier::AtLeast,
                    q => q,
                };
                self.push(simple(ws, we, Kind::Multiplier, 0.5, lx::TIMES, q));
                we
            }
            NumWord::Fold(n) => {
                let q = self.qualifier_before(ws);
                self.push(simple(ws, we, Kind::Multiplier, n as f64, lx::TIMES, q));
                we
            }
        }
    }

    /// `double` as a verb or adverb (`double the output`, `to double`), not an adjective
    /// (`double standards`).
    fn verb_like(&self, ws: usize, we: usize) -> bool {
        let t = self.t;
        let after_ok = match t.word_after(we) {
            None => true,
            Some(w) => {
                // punctuation right after the word
                if w.0 > we && !t.b[we..w.0].iter().all(|&c| is_space(c)) {
                    true
                } else {
                    lower_is(
                        &t.b[w.0..w.1],
                        &[
                            "the", "its", "their", "his", "her", "our", "that", "this", "in", "to",
                            "by", "from", "over", "within", "and", "or", "again",
                        ],
                    )
                }
            }
        };
        let after_punct =
            t.b.get(t.skip_ws(we))
                .is_none_or(|c| matches!(c, b'.' | b',' | b';' | b':' | b')'));
        let before_ok = t.word_before(ws, self.floor).is_some_and(|w| {
            lower_is(
                &t.b[w.0..w.1],
                &[
                    "to", "will", "would", "could", "may", "might", "can", "should", "nearly",
                    "almost", "more", "than",
                ],
            )
        });
        after_ok || after_punct || before_ok
    }

    /// `two-thirds`, `one third`, `three quarters` right after a numerator word.
    fn fraction_after(&mut self, ws: usize, numerator_end: usize, num: u64) -> Option<usize> {
        let t = self.t;
        let b = t.b;
        if !(1..=10).contains(&num) {
            return None;
        }
        let k = match b.get(numerator_end) {
            Some(b'-') => numerator_end + 1,
            Some(b' ') => numerator_end + 1,
            _ => return None,
        };
        // `one in five`, `nine in 10`, `one in every five`: a share; else `two thirds`
        let share = (b[numerator_end] == b' ')
            .then(|| self.one_in(ws, k))
            .flatten()
            .filter(|&(den, _)| den > num);
        let (den, de) = match share {
            Some(found) => found,
            None => {
                let de = t.letters_end(k);
                let den = match lx::number_word(&b[k..de])? {
                    NumWord::Ordinal { den, plural } if plural == (num > 1) => den as u64,
                    NumWord::Half if num == 1 => 2,
                    NumWord::Quarter => 4,
                    _ => return None,
                };
                if num >= den {
                    return None;
                }
                // `three quarters billion` is a number.
                if let Some(x) = t.word_after(de)
                    && matches!(lx::number_word(&b[x.0..x.1]), Some(NumWord::Big(_)))
                {
                    return None;
                }
                (den, de)
            }
        };
        let q = self.qualifier_before(ws);
        self.push(simple(
            ws,
            de,
            Kind::Fraction,
            num as f64 / den as f64,
            lx::FRACTION,
            q,
        ));
        Some(de)
    }

    /// After a numerator starting at `ws`, `in [every] N` at `k`: the denominator (words
    /// or digits, up to 1000) and where it ends. Not an ordinal's `in` (`phase one in three
    /// years`, `number one in five markets`) nor a period's (`one in two months`).
    fn one_in(&self, ws: usize, k: usize) -> Option<(u64, usize)> {
        let t = self.t;
        let b = t.b;
        if t.word_before(ws, self.floor).is_some_and(|w| {
            lower_is(
                &b[w.0..w.1],
                &[
                    "phase",
                    "stage",
                    "unit",
                    "number",
                    "no",
                    "tier",
                    "grade",
                    "level",
                    "round",
                    "part",
                    "step",
                    "group",
                    "class",
                    "category",
                    "type",
                    "chapter",
                    "section",
                    "line",
                    "block",
                    "train",
                    "reactor",
                    "term",
                    "generation",
                    "item",
                    "lot",
                ],
            )
        }) {
            return None;
        }
        let inw = t.word_after(k).filter(|w| w.0 == k && t.eq_ic(*w, "in"))?;
        let mut p = t.skip_ws(inw.1);
        if let Some(every) = t.word_after(p).filter(|w| w.0 == p && t.eq_ic(*w, "every")) {
            p = t.skip_ws(every.1);
        }
        if p == inw.1 {
            return None;
        }
        let (den, de) = match number::read_words(&t, p, 0) {
            Some(words) => (words.value, words.end),
            None => {
                let d = number::read_digits(&t, p)?;
                if d.dec.has_point() || d.leading_zero {
                    return None;
                }
                (d.dec.value() as u64, d.end)
            }
        };
        // `one in two months`: a period, not a share
        let period = t.word_after(de).is_some_and(|w| {
            w.0 == de + 1
                && Lower::new(&b[w.0..w.1])
                    .and_then(|l| lx::lookup_unit_phrase(l.as_str()))
                    .is_some_and(|d| d.kind == Kind::Duration)
        });
        (!period && (2..=1000).contains(&den) && !b.get(de).is_some_and(u8::is_ascii_alphanumeric))
            .then_some((den, de))
    }

    /// `quarters billion` after a numerator: (fraction, power of ten), end.
    /// `and a half`, `and one half`, `and a quarter`, `and three quarters` after a
    /// number in words ending at `e`: the fraction and where it ends.
    fn and_a_fraction(&self, e: usize) -> Option<(f64, usize)> {
        let t = self.t;
        let b = t.b;
        let and = t.word_after(e)?;
        if !t.eq_ic(and, "and") {
            return None;
        }
        let n = t.word_after(and.1)?;
        let f = t.word_after(n.1)?;
        let frac = match (lx::number_word(&b[f.0..f.1])?, &b[n.0..n.1]) {
            (NumWord::Half, n)
                if n.eq_ignore_ascii_case(b"a") || n.eq_ignore_ascii_case(b"one") =>
            {
                0.5
            }
            (NumWord::Quarter, n)
                if n.eq_ignore_ascii_case(b"a") || n.eq_ignore_ascii_case(b"one") =>
            {
                0.25
            }
            (NumWord::Quarter, n) if n.eq_ignore_ascii_case(b"three") => 0.75,
            _ => return None,
        };
        // `a quarters`, `three quarter` are not fractions.
        let plural = b[f.0..f.1].ends_with(b"s");
        (plural == (frac == 0.75)).then_some((frac, f.1))
    }

    fn word_fraction_scale(&self, e: usize) -> Option<((f64, i32), usize)> {
        let t = self.t;
        let b = t.b;
        let f = t.word_after(e)?;
        let frac = match lx::number_word(&b[f.0..f.1])? {
            NumWord::Quarter => 0.25,
            NumWord::Half => 0.5,
            _ => return None,
        };
        let big = t.word_after(f.1)?;
        match lx::number_word(&b[big.0..big.1])? {
            NumWord::Big(x) => Some(((frac, x), big.1)),
            _ => None,
        }
    }

    /// `percent of 10`, `per cent of twenty-two` (a percent word with no number before).
    fn percent_of(&mut self, ws: usize, we: usize) -> usize {
        let t = self.t;
        let b = t.b;
        let mut e = we;
        if t.eq_ic((ws, we), "per") {
            match t.word_after(we) {
                Some(c) if t.eq_ic(c, "cent") || t.eq_ic(c, "cents") => e = c.1,
                _ => return we,
            }
        }
        let Some(of) = t.word_after(e) else { return e };
        if !t.eq_ic(of, "of") {
            return e;
        }
        let k = t.skip_ws(of.1);
        let value = if digit_at(b, k).is_some() {
            number::read_digits(&t, k).map(|d| (d.dec.value(), d.end))
        } else {
            let le = t.letters_end(k);
            match lx::number_word(&b[k..le]) {
                Some(NumWord::Small(_) | NumWord::Tens(_)) => {
                    number::read_words(&t, k, 0).map(|w| (w.value as f64, w.end))
                }
                _ => None,
            }
        };
        let Some((v, ve)) = value else { return e };
        // The number must not go on with a unit of its own.
        if self.unit_after(ve, false).is_some() {
            return e;
        }
        let q = self.qualifier_before(ws);
        self.push(simple(ws, ve, Kind::Percent, v, lx::PERCENT, q));
        ve
    }

    // ---------------------------------------------------------------- the figure

    /// Everything after the number: scale, range, unit, minor units, rate; then the
    /// qualifier and sign before it, and the exclusions for bare numbers.
    pub(super) fn finish_en(
        &mut self,
        r: Read,
        prefix: Option<Prefix>,
        unit0: Option<UnitDef>,
    ) -> usize {
        let t = self.t;
        let b = t.b;
        let prefix = prefix.or_else(|| self.prefix_currency(r.start));
        let mut dec = r.dec;
        if let Some(p) = prefix {
            dec.exp += p.exp;
        }
        let mut end = r.end;
        let mut scaled = dec.exp != 0;
        // scale words: `16 million`, `5 hundred thousand`, and hyphenated as an
        // adjective: `a $1.5-billion deal`, `a 1.5-million-tonne plant`
        if !r.words {
            loop {
                let hyphenated = b.get(end) == Some(&b'-')
                    && b.get(end + 1).is_some_and(|c| c.is_ascii_alphabetic());
                let w = if hyphenated {
                    Some((end + 1, t.letters_end(end + 1)))
                } else {
                    t.word_after(end)
                };
                let Some(w) = w else { break };
                let Some(e) = Lower::new(&b[w.0..w.1]).and_then(|l| lx::scale_word(l.as_str()))
                else {
                    break;
                };
                dec.exp += e;
                end = w.1;
                scaled = true;
            }
        }
        let mut value = dec.value();
        let mut value_max = None;
        let mut unit = unit0;
        // range: `1-2`, `$50-$80`, `2-3 billion`, `8 to 10`
        if unit.is_none()
            && let Some((v2, exp2, e2, glued)) = self.range_end(&r, end, prefix.is_some())
        {
            let (lo, hi) = if !scaled && exp2 != 0 {
                let mut d = dec;
                d.exp += exp2;
                (d.value(), v2)
            } else {
                (value, v2)
            };
            if hi >= lo && !(r.year_like && exp2 == 0 && (1800.0..=2100.0).contains(&v2)) {
                value = lo;
                value_max = Some(hi);
                end = e2;
                scaled |= exp2 != 0;
                // `10-20kg`: the unit glued to the range's end is the range's
                if prefix.is_none() {
                    unit = glued.or(unit);
                }
            }
        }
        // unit after the number
        if unit.is_none()
            && let Some((def, ue, exp)) = self.unit_after(end, prefix.is_some())
            // `in 2020 bp said`: the company, not basis points
            && !(r.year_like && def.code == "bp")
        {
            // After a prefix currency, a unit word repeats it (`$10 dollars`): the
            // figure is `$10`.
            if prefix.is_none() {
                if exp != 0 {
                    let mut d = dec;
                    d.exp += exp;
                    value = d.value();
                    if let Some(m) = value_max {
                        value_max = Some(m * 10f64.powi(exp));
                    }
                    scaled = true;
                }
                unit = Some(def);
                end = ue;
            }
        }
        // `5%-7%`, `60%–70%`, `5%～7%`, `5%至7%`: a range with the unit at both ends
        if value_max.is_none()
            && prefix.is_none()
            && let Some(u) = unit
            && let Some((hi, e)) = self.unit_range_end(end, u)
            && hi >= value
        {
            value_max = Some(hi);
            end = e;
        }
        // `the 14th Five-Year Plan`: capitalised words before another, a name
        if r.words
            && b[r.start].is_ascii_uppercase()
            && t.word_after(end)
                .is_some_and(|w| b[w.0].is_ascii_uppercase())
        {
            return end;
        }
        let unit = unit.or(prefix.map(|p| p.def));
        let start = prefix.map_or(r.start, |p| p.start.min(r.start));
        let Some(def) = unit else {
            return self.bare(r, start, end, value, value_max);
        };
        value *= def.factor;
        value_max = value_max.map(|m| m * def.factor);
        // minor units: `3 dollars 50 cents`, `thirteen dollars forty-five`, `五元三毛`
        if def.kind == Kind::Money
            && def.factor == 1.0
            && !scaled
            && value_max.is_none()
            && value.fract() == 0.0
            && let Some((extra, e)) = self.minor_units(end, def)
        {
            value += extra;
            end = e;
        }
        // a rate's denominator: held by the unit word (`tpa`), or written after it
        let (per_unit, pe) = match def
            .per
            .map(|p| (p, end))
            .or_else(|| self.per_unit_after(end))
        {
            Some((p, e)) => (Some(p), e),
            None => (self.annual_before(start).then_some("year"), end),
        };
        end = pe;
        let mut kind = def.kind;
        if per_unit.is_some()
            && matches!(
                kind,
                Kind::Money
                    | Kind::Mass
                    | Kind::Volume
                    | Kind::Energy
                    | Kind::Count
                    | Kind::Length
                    | Kind::Area
            )
        {
            kind = Kind::Rate;
        }
        let (start, negative) = self.sign_before(start);
        if negative {
            (value, value_max) = negated(value, value_max);
        }
        // `90%以上`: a Chinese qualifier after the figure
        let qualifier =
            super::cjk::suffix_qualifier(&t, end).unwrap_or_else(|| self.qualifier_before(start));
        self.push(Figure {
            start,
            end,
            kind,
            value,
            value_max,
            unit: def.code,
            per_unit,
            qualifier,
            change: None,
            as_of_year: None,
        });
        end
    }

    /// A number with no unit: a count, unless it is a year, a day of a month, a label
    /// (`Group 3`, `Boeing 737`) or the word `one`.
    fn bare(
        &mut self,
        r: Read,
        start: usize,
        end: usize,
        value: f64,
        value_max: Option<f64>,
    ) -> usize {
        let t = self.t;
        let b = t.b;
        if r.lone_word {
            return end;
        }
        let qualifier = self.qualifier_before(start);
        if r.year_like && qualifier == Qualifier::Exact {
            return end;
        }
        // dates: `October 20`, `oct . 25`, `1 may`
        let mut j = t.skip_ws_back(start, self.floor);
        if j > self.floor && b[j - 1] == b'.' {
            j = t.skip_ws_back(j - 1, self.floor);
        }
        let before = {
            let ws = t.letters_start(j).max(self.floor);
            (ws < j).then_some((ws, j))
        };
        if let Some(w) = before
            && Lower::new(&b[w.0..w.1]).is_some_and(|l| lx::is_month(l.as_str()))
        {
            return end;
        }
        if value <= 31.0
            && let Some(w) = t.word_after(end)
            && Lower::new(&b[w.0..w.1]).is_some_and(|l| lx::is_month(l.as_str()))
        {
            return end;
        }
        // labels and names
        if let Some(w) = t.word_before(start, self.floor)
            && w.1 == t.skip_ws_back(start, self.floor)
        {
            let lower = Lower::new(&b[w.0..w.1]);
            let lower = lower.as_ref().map_or("", |l| l.as_str());
            if lx::is_label_word(lower) {
                return end;
            }
            if t.is_capitalized(w) && !lx::is_function_word(lower) && !t.starts_sentence(w.0) {
                return end;
            }
        }
        let (start, negative) = self.sign_before(start);
        let (value, value_max) = if negative {
            negated(value, value_max)
        } else {
            (value, value_max)
        };
        let (per_unit, end) = match self.per_unit_after(end) {
            Some((p, e)) if p == "year" || p == "month" || p == "week" || p == "day" => {
                (Some(p), e)
            }
            _ => (None, end),
        };
        self.push(Figure {
            start,
            end,
            kind: if per_unit.is_some() {
                Kind::Rate
            } else {
                Kind::Count
            },
            value,
            value_max,
            unit: "item",
            per_unit,
            qualifier,
            change: None,
            as_of_year: None,
        });
        end
    }

    /// The currency written right before a number starting at `s`.
    pub(super) fn prefix_currency(&mut self, s: usize) -> Option<Prefix> {
        let t = self.t;
        let b = t.b;
        let j = t.skip_ws_back(s, self.floor);
        if j <= self.floor {
            return None;
        }
        let (c, len) = t.char_before(j)?;
        if let Some(mut code) = lx::currency_symbol(c) {
            let sym = j - len;
            let mut start = sym;
            if c == '$' || c == '＄' {
                // `US$`, `A$`, `usd$` glued; `c $`, `hk $`, `us $`, `u.s $` with a space
                let k = t.skip_ws_back(sym, self.floor);
                let glued = k == sym;
                let mut ls = k;
                while ls > self.floor && (is_alpha(b[ls - 1]) || b[ls - 1] == b'.') {
                    ls -= 1;
                }
                let clean = ls == 0 || !b[ls - 1].is_ascii_alphanumeric();
                if ls < k
                    && clean
                    && let Some(l) = Lower::new(&b[ls..k])
                    && let Some(c2) = lx::dollar_prefix(l.as_str())
                    && (glued || l.as_str().len() > 1 || l.as_str() == "c")
                {
                    code = c2;
                    start = ls;
                }
            } else if c == '¥' || c == '￥' {
                code = if self.chinese() { "CNY" } else { "JPY" };
            }
            return Some(Prefix {
                def: UnitDef {
                    code,
                    kind: Kind::Money,
                    factor: 1.0,
                    per: None,
                },
                start,
                exp: 0,
            });
        }
        // a code or name: `USD 200`, `AUD 8.67`, `rmb 10`, `MAUD 60`, `Rs. 500`
        let k = if b[j - 1] == b'.' { j - 1 } else { j };
        let ws = t.letters_start(k).max(self.floor);
        if ws >= k || (ws > 0 && b[ws - 1].is_ascii_alphanumeric()) {
            return None;
        }
        let l = Lower::new(&b[ws..k])?;
        let (def, exp) = lx::prefix_word(l.as_str())?;
        // `TRY`-like codes that are English words must be upper case; all listed
        // codes are safe in lower case.
        Some(Prefix {
            def,
            start: ws,
            exp,
        })
    }

    /// The end of a range after the first number: `-2`, `–$80`, ` to 10`.
    /// The end of a range after `end` (`-20`, `~20`, `–20`, `to 20`): its value, the
    /// power of ten of its scale, where it ends, and a unit glued to it (`10-20kg`: the
    /// range's unit).
    #[allow(clippy::type_complexity)]
    fn range_end(
        &mut self,
        r: &Read,
        end: usize,
        has_prefix: bool,
    ) -> Option<(f64, i32, usize, Option<UnitDef>)> {
        let t = self.t;
        let b = t.b;
        let mut k = if b.get(end) == Some(&b'-') || b.get(end) == Some(&b'~') {
            end + 1
        } else if b[end..].starts_with("–".as_bytes()) {
            end + "–".len()
        } else {
            let w = t.word_after(end)?;
            if !t.eq_ic(w, "to") {
                return None;
            }
            // `from 5 to 10 years` is a change, read by the post pass.
            if t.word_before(r.start, self.floor)
                .is_some_and(|f| t.eq_ic(f, "from"))
                || (has_prefix && self.prefix_word_before_from(r.start))
            {
                return None;
            }
            t.skip_ws(w.1)
        };
        if k == end + 1 && b.get(k) == Some(&b' ') {
            // `30 - year`: a spaced dash is no range.
            return None;
        }
        // the same currency again: `$50-$80`
        if has_prefix
            && let Some((c, len)) = t.char_at(k)
            && lx::currency_symbol(c).is_some()
        {
            k = t.skip_ws(k + len);
        }
        let mut glued = None;
        let (v, mut exp, mut e) = if digit_at(b, k).is_some() {
            let d = number::read_digits(&t, k)?;
            if d.leading_zero && !d.dec.has_point() {
                return None;
            }
            if let Some((def, pe)) = power_unit_at(&t, d.end) {
                // `10-20km2`
                glued = Some(def);
                (d.dec, 0, pe)
            } else if b.get(d.end).is_some_and(|&c| is_alpha(c) || c == b'-') {
                // `1-2a` or a third group: a code
                let le = t.letters_end(d.end);
                let l = Lower::new(&b[d.end..le])?;
                let (exp, unit) = glued_suffix(l.as_str(), has_prefix)?;
                glued = unit;
                let mut dec = d.dec;
                dec.exp += exp;
                (dec, exp, le)
            } else {
                (d.dec, 0, d.end)
            }
        } else if r.words {
            let le = t.letters_end(k);
            match lx::number_word(&b[k..le]) {
                Some(NumWord::Small(_) | NumWord::Tens(_)) => {
                    let w = number::read_words(&t, k, 0)?;
                    (Decimal::from_u64(w.value), 0, w.end)
                }
                _ => return None,
            }
        } else {
            return None;
        };
        let mut dec = v;
        while let Some(w) = t.word_after(e)
            && let Some(x) = Lower::new(&b[w.0..w.1]).and_then(|l| lx::scale_word(l.as_str()))
        {
            dec.exp += x;
            exp += x;
            e = w.1;
        }
        Some((dec.value(), exp, e, glued))
    }

    /// Whether `from` stands before a currency prefix (`from $659 to`).
    fn prefix_word_before_from(&self, s: usize) -> bool {
        let t = self.t;
        let j = t.skip_ws_back(s, self.floor);
        let mut k = j;
        while k > self.floor && !is_space(t.b[k - 1]) {
            k -= 1;
        }
        t.word_before(k, self.floor)
            .is_some_and(|f| t.eq_ic(f, "from"))
    }

    /// The unit after position `e`: `%`, a currency symbol, or a unit phrase (after
    /// spaces, or one hyphen: `12-cent`, `10-year`). Returns the unit, its end and the
    /// power of ten of a scale after a currency code (`75 USD million`).
    /// The second end of a range whose first end, ending at `e`, carries `unit`: a
    /// dash, tilde, `至` or `到`, then a number with the same unit (`-7%`, `至7%`).
    fn unit_range_end(&mut self, e: usize, unit: UnitDef) -> Option<(f64, usize)> {
        let t = self.t;
        let (c, len) = t.char_at(e)?;
        if !matches!(c, '-' | '–' | '~' | '～' | '至' | '到') {
            return None;
        }
        let k = e + len;
        digit_at(t.b, k)?;
        let d = number::read_digits(&t, k)?;
        let (def, ue, exp) = self.unit_after(d.end, false)?;
        (def.code == unit.code && exp == 0).then(|| (d.dec.value(), ue))
    }

    pub(super) fn unit_after(
        &mut self,
        e: usize,
        has_prefix: bool,
    ) -> Option<(UnitDef, usize, i32)> {
        let t = self.t;
        let b = t.b;
        let k = t.skip_ws(e);
        match b.get(k) {
            Some(b'%') => Some((lx::PERCENT, k + 1, 0)),
            Some(b'-') if b.get(k + 1).is_some_and(|&c| is_alpha(c)) && k == e => {
                self.unit_words(k + 1)
            }
            Some(&c) if is_alpha(c) => {
                if k == e && e > 0 && b[e - 1].is_ascii_digit() {
                    return None; // glued letters are read by the digit anchor
                }
                self.unit_words(k)
            }
            Some(&c) if c >= 0x80 || c == b'$' => {
                let (ch, len) = t.char_at(k)?;
                if ch == '％' {
                    return Some((lx::PERCENT, k + len, 0));
                }
                if let Some(code) = lx::currency_symbol(ch) {
                    // a suffix (`10 $`, `100 ₡`) unless it opens the next amount (`$10`)
                    let glued_next = digit_at(b, k + len).is_some();
                    if has_prefix || glued_next {
                        return None;
                    }
                    let code = if ch == '¥' || ch == '￥' {
                        if self.chinese() { "CNY" } else { "JPY" }
                    } else {
                        code
                    };
                    return Some((
                        UnitDef {
                            code,
                            kind: Kind::Money,
                            factor: 1.0,
                            per: None,
                        },
                        k + len,
                        0,
                    ));
                }
                if t.s[k..].starts_with("ரூ") {
                    return Some((
                        UnitDef {
                            code: "LKR",
                            kind: Kind::Money,
                            factor: 1.0,
                            per: None,
                        },
                        k + "ரூ".len(),
                        0,
                    ));
                }
                None
            }
            _ => None,
        }
    }

    /// A unit phrase starting at the word at `k`.
    fn unit_words(&mut self, k: usize) -> Option<(UnitDef, usize, i32)> {
        let t = self.t;
        let b = t.b;
        // `km2`, `m²`, `m3`, `m³`
        if let Some((def, e)) = power_unit_at(&t, k) {
            return Some((def, e, 0));
        }
        // Up to four words; `u.s.` reads as `us`.
        let mut toks: [(usize, usize); 4] = [(0, 0); 4];
        let mut n = 0;
        let mut p = k;
        while n < 4 {
            let s = p;
            let mut e = s;
            while e < b.len()
                && (is_alpha(b[e])
                    || (b[e] == b'.' && e > s && b.get(e + 1).is_some_and(|&c| is_alpha(c))))
            {
                e += 1;
            }
            if e == s {
                break;
            }
            // a trailing abbreviation dot (`u.s.`)
            if b.get(e) == Some(&b'.') && e - s <= 3 && b[s..e].contains(&b'.') {
                e += 1;
            }
            toks[n] = (s, e);
            n += 1;
            let next = t.skip_ws(e);
            if next == e || next > e + 2 {
                break;
            }
            p = next;
        }
        if n == 0 {
            return None;
        }
        let first = Lower::new(&b[toks[0].0..toks[0].1])?;
        let mut found: Option<(UnitDef, usize)> = None;
        if let Some(cands) = lx::unit_phrases(first.as_str()) {
            for (rest, def) in cands {
                if rest.len() >= n {
                    continue;
                }
                let ok = rest.iter().enumerate().all(|(i, w)| {
                    let (s, e) = toks[i + 1];
                    Lower::new(&b[s..e]).is_some_and(|l| l.as_str() == *w)
                });
                if ok {
                    found = Some((*def, toks[rest.len()].1));
                    break;
                }
            }
        }
        if found.is_none()
            && let Some(def) = lx::million_code(first.as_str())
        {
            return Some((def, toks[0].1, 6));
        }
        let (mut def, mut e) = found?;
        // `BP`, `MU`: names, not units (`bp`, `mu` are)
        if e == toks[0].1
            && lx::lowercase_only(first.as_str())
            && b[toks[0].0..e].iter().any(u8::is_ascii_uppercase)
        {
            return None;
        }
        // `3 USD50`: a code glued to digits opens the next amount.
        if digit_at(b, e).is_some() {
            return None;
        }
        // `5 million pounds of copper` is a mass.
        if def.code == "GBP"
            && matches!(first.as_str(), "pound" | "pounds")
            && e == toks[0].1
            && t.word_after(e).is_some_and(|w| t.eq_ic(w, "of"))
        {
            def = UnitDef {
                code: "lb",
                kind: Kind::Mass,
                factor: 1.0,
                per: None,
            };
        }
        // a scale after a currency code: `75 USD million`
        let mut exp = 0;
        if def.kind == Kind::Money
            && let Some(w) = t.word_after(e)
            && let Some(x) = Lower::new(&b[w.0..w.1]).and_then(|l| lx::scale_word(l.as_str()))
            && x >= 3
        {
            exp = x;
            e = w.1;
        }
        // `-a-share` stays for the rate reader
        Some((def, e, exp))
    }

    /// Minor units after a whole amount: returns what they add and where they end.
    fn minor_units(&mut self, e: usize, major: UnitDef) -> Option<(f64, usize)> {
        let t = self.t;
        let b = t.b;
        let mut added = 0.0;
        let mut last_factor = 1.0f64;
        let mut end = e;
        let mut found = false;
        loop {
            let mut k = t.skip_ws(end);
            if let Some(w) = t.word_after(end)
                && t.eq_ic(w, "and")
            {
                k = t.skip_ws(w.1);
            }
            // the amount
            let (m, me) = if digit_at(b, k).is_some() {
                let d = number::read_digits(&t, k)?;
                if d.dec.has_point() || d.separators || d.leading_zero {
                    break;
                }
                (d.dec.value(), d.end)
            } else {
                let le = t.letters_end(k);
                match lx::number_word(&b[k..le]) {
                    Some(NumWord::Small(_) | NumWord::Tens(_)) => {
                        let w = number::read_words(&t, k, 0)?;
                        (w.value as f64, w.end)
                    }
                    _ => break,
                }
            };
            if k == end {
                break;
            }
            match self.unit_after(me, false) {
                Some((u, ue, 0)) if u.code == major.code && u.factor < last_factor => {
                    if m * u.factor >= last_factor {
                        break;
                    }
                    added += m * u.factor;
                    last_factor = u.factor;
                    end = ue;
                    found = true;
                }
                Some(_) => break,
                None => {
                    let implied = if major.code == "CNY" {
                        last_factor / 10.0
                    } else if last_factor == 1.0 {
                        0.01
                    } else {
                        break;
                    };
                    if m * implied >= last_factor || m == 0.0 {
                        break;
                    }
                    // the amount must end the phrase: `15 dollars 50.`, `… 50 more`
                    let after = t.skip_ws(me);
                    let ends = match b.get(after) {
                        None => true,
                        Some(b'.' | b',' | b';' | b'!' | b'?' | b')') => true,
                        Some(_) => t.word_after(me).is_some_and(|w| {
                            t.eq_ic(w, "and") || t.eq_ic(w, "more") || t.eq_ic(w, "less")
                        }),
                    };
                    if !ends {
                        break;
                    }
                    added += m * implied;
                    end = me;
                    found = true;
                    break;
                }
            }
        }
        found.then_some((added, end))
    }

    /// `per kilogram`, `/kg`, `a share`, `-a-share`, `annually`, `of gallium annually`.
    fn per_unit_after(&self, e: usize) -> Option<(&'static str, usize)> {
        let t = self.t;
        let b = t.b;
        let k = t.skip_ws(e);
        let unit_word = |s: usize| -> Option<(&'static str, usize)> {
            let w = t.word_after(s)?;
            if w.0 != s && w.0 > s + 1 {
                return None;
            }
            let l = Lower::new(&b[w.0..w.1])?;
            let l = l.as_str();
            let singular = l.strip_suffix('s').filter(|_| l.len() > 3).unwrap_or(l);
            lx::per_unit_word(l)
                .or_else(|| lx::per_unit_word(singular))
                .map(|p| (p, w.1))
        };
        if b.get(k) == Some(&b'/') {
            return unit_word(k + 1);
        }
        // `-a-share`
        let (k, dashed) = if b.get(k) == Some(&b'-') && k == e {
            (k + 1, true)
        } else {
            (k, false)
        };
        let w = t.word_after(k)?;
        if w.0 != k {
            return None;
        }
        let l = Lower::new(&b[w.0..w.1])?;
        match l.as_str() {
            "per" | "a" | "an" | "each" | "every" => {
                let s = if dashed && b.get(w.1) == Some(&b'-') {
                    w.1 + 1
                } else {
                    t.skip_ws(w.1)
                };
                let (p, pe) = unit_word(s)?;
                if matches!(l.as_str(), "a" | "an" | "each" | "every")
                    && !matches!(
                        p,
                        "share"
                            | "year"
                            | "month"
                            | "week"
                            | "day"
                            | "kg"
                            | "t"
                            | "oz"
                            | "bbl"
                            | "lb"
                            | "dozen"
                            | "person"
                    )
                {
                    return None;
                }
                Some((p, pe))
            }
            "of" if !dashed => {
                // `100 tons of gallium annually`: up to three words, then the adverb; the
                // parts of a hyphenated word are one (`of neodymium-iron-boron magnets
                // annually`)
                let mut p = w.1;
                let mut words = 0;
                while words < 4 {
                    let hyphenated = p > w.1 && b.get(p) == Some(&b'-');
                    let x = t.word_after(if hyphenated { p + 1 } else { p })?;
                    if hyphenated && x.0 != p + 1 {
                        return None;
                    }
                    if !hyphenated && !t.b[p..x.0].iter().all(|&c| is_space(c)) {
                        return None;
                    }
                    if !hyphenated {
                        words += 1;
                        if let Some(unit) =
                            Lower::new(&b[x.0..x.1]).and_then(|l| lx::per_time_adverb(l.as_str()))
                        {
                            return Some((unit, x.1));
                        }
                    }
                    p = x.1;
                }
                None
            }
            other if !dashed => lx::per_time_adverb(other).map(|p| (p, w.1)),
            _ => None,
        }
    }

    /// `an annual capacity of 100 tons`: `annual` up to three words before `of`.
    fn annual_before(&self, s: usize) -> bool {
        let t = self.t;
        let mut p = s;
        // skip a qualifier
        if let Some((_, qs)) = self.qualifier_match(p) {
            p = qs;
        }
        let Some(of) = t.word_before(p, self.floor) else {
            return false;
        };
        if !t.eq_ic(of, "of") || !t.b[of.1..p].iter().all(|&c| is_space(c)) {
            return false;
        }
        let mut q = of.0;
        for _ in 0..3 {
            let Some(w) = t.word_before(q, self.floor) else {
                return false;
            };
            if !t.b[w.1..q].iter().all(|&c| is_space(c)) {
                return false;
            }
            if t.eq_ic(w, "annual") || t.eq_ic(w, "yearly") {
                return true;
            }
            q = w.0;
        }
        false
    }

    /// A sign right before `s`: `-22.2%`, `－122％`, `minus five percent`, `负3.9%`.
    pub(super) fn sign_before(&self, s: usize) -> (usize, bool) {
        let t = self.t;
        let b = t.b;
        if s <= self.floor {
            return (s, false);
        }
        if let Some((c, len)) = t.char_before(s)
            && matches!(c, '-' | '−' | '－' | '负' | '負')
        {
            let p = s - len;
            let clean = t
                .char_before(p)
                .is_none_or(|(x, _)| !x.is_alphanumeric() && !matches!(x, '-' | '.' | ','))
                || matches!(c, '负' | '負');
            if clean && p >= self.floor {
                return (p, true);
            }
        }
        if let Some(w) = t.word_before(s, self.floor)
            && t.eq_ic(w, "minus")
            && b[w.1..s].iter().all(|&c| is_space(c))
        {
            return (w.0, true);
        }
        (s, false)
    }

    /// The qualifier phrase ending right before `s`, and where it starts.
    pub(super) fn qualifier_match(&self, s: usize) -> Option<(Qualifier, usize)> {
        let t = self.t;
        let b = t.b;
        let j = t.skip_ws_back(s, self.floor);
        if j > self.floor && b[j - 1] == b'~' {
            return Some((Qualifier::Approx, j - 1));
        }
        if let Some(q) = cjk::qualifier_before(&t, s, self.floor) {
            return Some(q);
        }
        // A quick gate: the word right before must end some qualifier phrase.
        let w0 = t.word_before(s, self.floor)?;
        if !b[w0.1..s].iter().all(|&c| is_space(c)) {
            return None;
        }
        let last = Lower::new(&b[w0.0..w0.1])?;
        if !lx::ends_qualifier(last.as_str()) {
            return None;
        }
        // the last three words before `s`, nearest first
        let mut words: [(usize, usize); 3] = [(0, 0); 3];
        let mut n = 0;
        let mut p = s;
        while n < 3 {
            let Some(w) = t.word_before(p, self.floor) else {
                break;
            };
            if !b[w.1..p].iter().all(|&c| is_space(c)) {
                break;
            }
            words[n] = w;
            n += 1;
            p = w.0;
        }
        let mut best: Option<(Qualifier, usize, usize)> = None;
        for (phrase, q) in lx::QUALIFIER_PHRASES {
            let m = phrase.len();
            if m > n {
                continue;
            }
            let ok = phrase
                .iter()
                .rev()
                .enumerate()
                .all(|(i, w)| t.eq_ic(words[i], w));
            if ok && best.is_none_or(|(_, len, _)| m > len) {
                best = Some((*q, m, words[m - 1].0));
            }
        }
        best.map(|(q, _, start)| (q, start))
    }

    pub(super) fn qualifier_before(&self, s: usize) -> Qualifier {
        self.qualifier_match(s).map_or(Qualifier::Exact, |(q, _)| q)
    }
}

/// A length unit with a power at `s` (`km2`, `m²`, `m3`, `m³`, see
/// [`lx::power_unit`]): the unit and its end. The power must end the token (`m23`,
/// `m2x` are codes).
fn power_unit_at(t: &Text<'_>, s: usize) -> Option<(UnitDef, usize)> {
    let b = t.b;
    let le = t.letters_end(s);
    if le == s {
        return None;
    }
    let (power, pe) = match b.get(le..)? {
        [c @ (b'2' | b'3'), ..] => (c - b'0', le + 1),
        [0xC2, 0xB2, ..] => (2, le + 2), // ²
        [0xC2, 0xB3, ..] => (3, le + 2), // ³
        _ => return None,
    };
    if b.get(pe).is_some_and(|c| c.is_ascii_alphanumeric()) || digit_at(b, pe).is_some() {
        return None;
    }
    Some((lx::power_unit(&b[s..le], power)?, pe))
}

/// Letters glued to digits: a scale and/or unit (`bn`, `k`, `m` after a currency,
/// `usd`, `km`, `kg`, `t`, `x`, `musd`). Returns the power of ten and the unit.
fn glued_suffix(lower: &str, has_currency: bool) -> Option<(i32, Option<UnitDef>)> {
    let scale = |s: &str| -> Option<i32> {
        Some(match s {
            "k" => 3,
            "m" | "mn" | "mln" if has_currency => 6,
            "b" | "bn" | "bln" if has_currency => 9,
            "bn" | "mn" => {
                if s == "bn" {
                    9
                } else {
                    6
                }
            }
            "tn" | "trn" => 12,
            _ => return None,
        })
    };
    if let Some(e) = scale(lower) {
        return Some((e, None));
    }
    if lower == "x" {
        return Some((0, Some(lx::TIMES)));
    }
    // `5pc`: per cent, as British newswire writes it
    if lower == "pc" {
        return Some((0, Some(lx::PERCENT)));
    }
    // `5G`, `3D`: a single glued letter other than `t` (tonnes) is a name; `mu` only as
    // a word of its own.
    if let Some(def) = lx::lookup_unit_phrase(lower)
        && !matches!(lower, "times" | "fold" | "g" | "mu")
    {
        return Some((0, Some(def)));
    }
    if let Some(def) = lx::million_code(lower) {
        return Some((6, Some(def)));
    }
    // a scale then a unit: `10bnusd`, `5kt` is kilotonnes (listed), `3kkg` is not.
    for cut in 1..lower.len() {
        let (a, u) = lower.split_at(cut);
        if let Some(e) = scale(a)
            && let Some(def) = lx::lookup_unit_phrase(u)
            && def.kind == Kind::Money
        {
            return Some((e, Some(def)));
        }
    }
    None
}

/// A negative value or range, bounds kept in order (`-5-3%` is -5 to -3).
pub(super) fn negated(value: f64, value_max: Option<f64>) -> (f64, Option<f64>) {
    match value_max {
        Some(m) => (-m, Some(-value)),
        None => (-value, None),
    }
}

/// A figure with a fixed value and unit.
pub(super) fn simple(
    start: usize,
    end: usize,
    kind: Kind,
    value: f64,
    unit: UnitDef,
    qualifier: Qualifier,
) -> Figure {
    Figure {
        start,
        end,
        kind,
        value,
        value_max: None,
        unit: unit.code,
        per_unit: None,
        qualifier,
        change: None,
        as_of_year: None,
    }
}
