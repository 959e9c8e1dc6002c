//! Reading numbers: digit runs (ASCII or full-width, with separators and decimals) and
//! English number words. Values are kept as decimal digits plus a power of ten and
//! turned into `f64` once, by the standard library's correctly rounded parser, so that
//! `8.67 billion` is exactly 8670000000.

use super::lexicon::{NumWord, number_word};
use super::text::{Text, is_alpha, is_space};

/// A decimal number as written: its digits (with at most one `.`), times a power of ten.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Decimal {
    buf: [u8; 40],
    len: u8,
    pub exp: i32,
}

impl Decimal {
    pub const MAX_DIGITS: usize = 32;

    pub fn empty() -> Self {
        Decimal {
            buf: [0; 40],
            len: 0,
            exp: 0,
        }
    }

    /// Appends a digit or the decimal point; false when full.
    pub fn push(&mut self, c: u8) -> bool {
        if (self.len as usize) < Self::MAX_DIGITS {
            self.buf[self.len as usize] = c;
            self.len += 1;
            true
        } else {
            false
        }
    }

    pub fn from_u64(mut n: u64) -> Self {
        let mut d = Decimal::empty();
        let mut tmp = [0u8; 20];
        let mut k = 0;
        loop {
            tmp[k] = b'0' + (n % 10) as u8;
            k += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        while k > 0 {
            k -= 1;
            d.push(tmp[k]);
        }
        d
    }

    /// The number for a value that is a small exact fraction (`0.5`, `0.25`).
    pub fn from_f64(v: f64) -> Self {
        let s = format!("{v}");
        let mut d = Decimal::empty();
        for c in s.bytes().filter(|c| c.is_ascii_digit() || *c == b'.') {
            d.push(c);
        }
        d
    }

    pub fn value(&self) -> f64 {
        if self.len == 0 {
            return 0.0;
        }
        let mut s = [0u8; 56];
        let n = self.len as usize;
        s[..n].copy_from_slice(&self.buf[..n]);
        let mut k = n;
        s[k] = b'e';
        k += 1;
        let mut e = self.exp;
        if e < 0 {
            s[k] = b'-';
            k += 1;
            e = -e;
        }
        let digits = e.to_string();
        s[k..k + digits.len()].copy_from_slice(digits.as_bytes());
        k += digits.len();
        std::str::from_utf8(&s[..k])
            .ok()
            .and_then(|x| x.parse::<f64>().ok())
            .unwrap_or(0.0)
    }

    pub fn has_point(&self) -> bool {
        self.buf[..self.len as usize].contains(&b'.')
    }
}

/// A digit run as read.
#[derive(Debug, Clone, Copy)]
pub(super) struct Digits {
    pub start: usize,
    pub end: usize,
    pub dec: Decimal,
    /// Digits before the decimal point.
    pub int_digits: usize,
    /// Thousands separators were used.
    pub separators: bool,
    /// Starts with `0` followed by another digit (`052`, `06`): a code, not a quantity.
    pub leading_zero: bool,
    pub fullwidth: bool,
}

impl Digits {
    /// A plain 4-digit integer from 1800 to 2100: reads as a calendar year.
    pub fn year_like(&self) -> bool {
        if self.separators || self.dec.has_point() || self.int_digits != 4 {
            return false;
        }
        let v = self.dec.value();
        (1800.0..=2100.0).contains(&v)
    }
}

/// The digit at `i` (ASCII or full-width) and its length in bytes.
#[inline]
pub(super) fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    if c.is_ascii_digit() {
        return Some((c - b'0', 1));
    }
    // U+FF10..U+FF19: EF BC 90..99
    if c == 0xEF && b.get(i + 1) == Some(&0xBC) {
        let d = *b.get(i + 2)?;
        if (0x90..=0x99).contains(&d) {
            return Some((d - 0x90, 3));
        }
    }
    None
}

/// Full-width `．` (EF BC 8E) or `，` (EF BC 8C) at `i`.
fn fullwidth_punct(b: &[u8], i: usize, which: u8) -> bool {
    b.get(i) == Some(&0xEF) && b.get(i + 1) == Some(&0xBC) && b.get(i + 2) == Some(&which)
}

/// Reads the digit run at `i`: `3,834`, `8.67`, `12,34,567.89`, `１．０７５３`.
pub(super) fn read_digits(t: &Text<'_>, i: usize) -> Option<Digits> {
    let b = t.b;
    let mut dec = Decimal::empty();
    let mut j = i;
    let mut int_digits = 0;
    let mut separators = false;
    let mut fullwidth = false;
    let first = digit_at(b, i)?;
    let leading_zero = first.0 == 0 && digit_at(b, i + first.1).is_some();
    // integer part with separators
    loop {
        match digit_at(b, j) {
            Some((d, len)) => {
                if !dec.push(b'0' + d) {
                    return None;
                }
                fullwidth |= len == 3;
                int_digits += 1;
                j += len;
            }
            None => {
                // `,ddd` (or Indian `,dd,`) continues the number; full-width `，` only
                // between full-width digits.
                let comma = if b.get(j) == Some(&b',') {
                    Some(1)
                } else if fullwidth && fullwidth_punct(b, j, 0x8C) {
                    Some(3)
                } else {
                    None
                };
                let Some(clen) = comma else { break };
                let mut k = j + clen;
                let mut n = 0;
                let mut group = Decimal::empty();
                while let Some((d, len)) = digit_at(b, k) {
                    group.push(b'0' + d);
                    n += 1;
                    k += len;
                    if n > 3 {
                        break;
                    }
                }
                let indian = n == 2 && (b.get(k) == Some(&b',') && digit_at(b, k + 1).is_some());
                if n == 3 || indian {
                    for &c in &group.buf[..group.len as usize] {
                        if !dec.push(c) {
                            return None;
                        }
                    }
                    int_digits += n;
                    separators = true;
                    j = k;
                } else {
                    break;
                }
            }
        }
    }
    // decimal part
    let point = if b.get(j) == Some(&b'.') {
        Some(1)
    } else if fullwidth_punct(b, j, 0x8E) {
        Some(3)
    } else {
        None
    };
    if let Some(plen) = point
        && digit_at(b, j + plen).is_some()
    {
        dec.push(b'.');
        j += plen;
        while let Some((d, len)) = digit_at(b, j) {
            if !dec.push(b'0' + d) {
                return None;
            }
            fullwidth |= len == 3;
            j += len;
        }
    }
    Some(Digits {
        start: i,
        end: j,
        dec,
        int_digits,
        separators,
        leading_zero,
        fullwidth,
    })
}

/// English number words as read: `twenty-two`, `two hundred fifty thousand`,
/// `one hundred and five`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Words {
    pub end: usize,
    pub value: u64,
    /// How many number words were read.
    pub n_words: usize,
}

/// Reads number words starting with the word `[start, end)`; `initial` is the value of
/// a preceding `a`/`an` (1) before `hundred`, `thousand`… or 0.
pub(super) fn read_words(t: &Text<'_>, start: usize, initial: u64) -> Option<Words> {
    let b = t.b;
    let mut total: u64 = 0;
    let mut current: u64 = initial;
    let mut last: Option<NumWord> = None;
    let mut pos = start;
    let mut end = start;
    let mut n_words = 0;
    loop {
        let ws = pos;
        let we = t.letters_end(ws);
        if we == ws {
            break;
        }
        let Some(w) = number_word(&b[ws..we]) else {
            break;
        };
        let ok = match (w, last) {
            (NumWord::Small(n), None) => {
                current += n as u64;
                true
            }
            (NumWord::Small(n), Some(NumWord::Tens(_))) if n < 10 && n > 0 => {
                current += n as u64;
                true
            }
            (NumWord::Small(n), Some(NumWord::Hundred | NumWord::Big(_))) if n > 0 => {
                current += n as u64;
                true
            }
            (NumWord::Tens(n), None | Some(NumWord::Hundred | NumWord::Big(_))) => {
                current += n as u64;
                true
            }
            (NumWord::Hundred, None | Some(NumWord::Small(_) | NumWord::Tens(_)))
                if current > 0 && current < 100 =>
            {
                current *= 100;
                true
            }
            (NumWord::Big(e), Some(NumWord::Small(_) | NumWord::Tens(_) | NumWord::Hundred))
                if current > 0 && current < 1000 =>
            {
                total += current * 10u64.pow(e as u32);
                current = 0;
                true
            }
            (NumWord::Big(e), None) if current > 0 => {
                total += current * 10u64.pow(e as u32);
                current = 0;
                true
            }
            (NumWord::Dozen, Some(NumWord::Small(_)) | None) if current > 0 && current < 20 => {
                current *= 12;
                true
            }
            _ => false,
        };
        if !ok {
            break;
        }
        last = Some(w);
        n_words += 1;
        end = we;
        // Separators: a hyphen (`twenty-two`), a space, or `and` after hundred/thousand.
        let mut next = we;
        if b.get(next) == Some(&b'-') && b.get(next + 1).is_some_and(|&c| is_alpha(c)) {
            next += 1;
        } else if b.get(next).is_some_and(|&c| is_space(c)) {
            next = t.skip_ws(next);
            if matches!(w, NumWord::Hundred | NumWord::Big(_)) && t.word_at_is(next, "and") {
                let after = t.skip_ws(next + 3);
                if after < b.len()
                    && number_word(&b[after..t.letters_end(after)])
                        .is_some_and(|x| matches!(x, NumWord::Small(_) | NumWord::Tens(_)))
                {
                    next = after;
                }
            }
        } else {
            break;
        }
        pos = next;
    }
    if n_words == 0 {
        return None;
    }
    Some(Words {
        end,
        value: total + current,
        n_words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Option<(u64, &str)> {
        let t = Text::new(s);
        let w = read_words(&t, 0, 0)?;
        Some((w.value, &s[..w.end]))
    }

    #[test]
    fn number_words() {
        assert_eq!(words("twenty-two cents"), Some((22, "twenty-two")));
        assert_eq!(
            words("two hundred fifty thousand tons"),
            Some((250_000, "two hundred fifty thousand"))
        );
        assert_eq!(
            words("one hundred and five days"),
            Some((105, "one hundred and five"))
        );
        assert_eq!(words("forty five"), Some((45, "forty five")));
        assert_eq!(words("five six"), Some((5, "five")));
        assert_eq!(words("two dozen eggs"), Some((24, "two dozen")));
        assert_eq!(words("ten and more"), Some((10, "ten")));
        assert_eq!(words("the"), None);
    }

    #[test]
    fn digit_runs() {
        let read = |s: &str| {
            let t = Text::new(s);
            let d = read_digits(&t, 0).unwrap();
            (d.dec.value(), d.end, d.separators)
        };
        assert_eq!(read("3,834 tons"), (3834.0, 5, true));
        assert_eq!(read("8.67 billion"), (8.67, 4, false));
        assert_eq!(read("12,34,567.89"), (1234567.89, 12, true));
        assert_eq!(read("1, 2"), (1.0, 1, false));
        assert_eq!(read("１．０７５３"), (1.0753, 18, false));
        assert_eq!(read("１１１，１１１个"), (111111.0, 21, true));
        assert_eq!(read("20，300"), (20.0, 2, false));
        let mut d = Decimal::empty();
        for c in b"8.67" {
            d.push(*c);
        }
        d.exp = 9;
        assert_eq!(d.value(), 8_670_000_000.0);
    }
}
