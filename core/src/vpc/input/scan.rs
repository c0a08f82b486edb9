//! The fast path of the top-level pass: checks a whole document's JSON
//! syntax and splits its top-level object at the keys the parser reads.
//!
//! Guarantees:
//! * it accepts only what serde_json accepts (RFC 8259: the four blanks,
//!   no control character in a string, only JSON's escapes, JSON's number
//!   grammar, nothing after the value) and only an object at the top with
//!   keys free of escapes; on anything else it answers `None` and the caller
//!   runs serde_json's own pass, which then finds the error and describes it
//!   (or, where this scanner was merely cautious, accepts);
//! * iterative: any nesting depth, no recursion;
//! * the value of a repeated key is the last one, as a map keeps it.
//!
//! Not done here: error messages (serde_json's), or reading the values.

use alloc::vec::Vec;

/// The eight bytes of `b` at `at` as one little-endian word, if there are eight.
#[inline(always)]
fn word(b: &[u8], at: usize) -> Option<u64> {
    let chunk: &[u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(*chunk))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scan<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    #[inline(always)]
    fn ws(&mut self) {
        // Compact JSON has no blanks between tokens: one test.
        if !matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            return;
        }
        self.blanks();
    }

    fn blanks(&mut self) {
        let b = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = b.get(self.pos) {
            self.pos += 1;
            while word(b, self.pos) == Some(u64::from_le_bytes(*b"        ")) {
                self.pos += 8;
            }
        }
    }

    /// A string after its opening quote, through its closing quote; `true`
    /// when it held an escape.
    fn string(&mut self) -> Option<bool> {
        let b = self.text.as_bytes();
        let mut escaped = false;
        loop {
            // Eight bytes at a time while none is a quote, a backslash or a
            // control character.
            while let Some(w) = word(b, self.pos) {
                let q = w ^ (ONES * u64::from(b'"'));
                let s = w ^ (ONES * u64::from(b'\\'));
                let special = (q.wrapping_sub(ONES) & !q)
                    | (s.wrapping_sub(ONES) & !s)
                    | (w.wrapping_sub(ONES * 0x20) & !w);
                if special & HIGH != 0 {
                    // The lowest marked byte is exact (a borrow only runs
                    // upwards): go straight to it.
                    self.pos += ((special & HIGH).trailing_zeros() / 8) as usize;
                    break;
                }
                self.pos += 8;
            }
            let c = self.peek()?;
            self.pos += 1;
            match c {
                b'"' => return Some(escaped),
                b'\\' => {
                    escaped = true;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 1,
                        b'u' => {
                            let hex = b.get(self.pos + 1..self.pos + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.pos += 5;
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => {}
            }
        }
    }

    fn digits(&mut self) -> Option<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    fn number(&mut self) -> Option<()> {
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
        }
        Some(())
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let rest = self.text.get(self.pos..)?;
        rest.starts_with(word).then(|| self.pos += word.len())
    }

    /// An object member's key and colon (the opening quote is next).
    fn member_key(&mut self) -> Option<()> {
        self.eat(b'"')?;
        self.string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(())
    }

    /// One value, at `pos` (no blanks before it), of any depth.
    fn value(&mut self) -> Option<()> {
        // The closing bracket each open container waits for.
        let mut open: Vec<u8> = Vec::new();
        loop {
            match self.peek()? {
                c @ (b'{' | b'[') => {
                    self.pos += 1;
                    self.ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if self.eat(close).is_none() {
                        open.push(close);
                        if close == b'}' {
                            self.member_key()?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    self.pos += 1;
                    self.string()?;
                }
                b't' => self.literal("true")?,
                b'f' => self.literal("false")?,
                b'n' => self.literal("null")?,
                _ => self.number()?,
            }
            // After a value: close containers, or go on to the next element.
            loop {
                let Some(&close) = open.last() else {
                    return Some(());
                };
                self.ws();
                if self.eat(b',').is_some() {
                    self.ws();
                    if close == b'}' {
                        self.member_key()?;
                    }
                    break;
                }
                self.eat(close)?;
                open.pop();
            }
        }
    }
}

/// The raw text of each of `keys` in the document's top-level object, or
/// `None` when the document is not plain valid JSON of that shape (see the
/// module docs: the caller then asks serde_json).
pub(super) fn top_level<'a, const N: usize>(
    text: &'a str,
    keys: &[&str; N],
) -> Option<[Option<&'a str>; N]> {
    let mut s = Scan { text, pos: 0 };
    let mut out = [None; N];
    s.ws();
    s.eat(b'{')?;
    s.ws();
    if s.eat(b'}').is_none() {
        loop {
            s.eat(b'"')?;
            let start = s.pos;
            if s.string()? {
                // An escaped key: serde_json decodes (and checks) it.
                return None;
            }
            let key = text.get(start..s.pos - 1)?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            let from = s.pos;
            s.value()?;
            let raw = text.get(from..s.pos)?;
            if let Some(i) = keys.iter().position(|k| *k == key) {
                *out.get_mut(i)? = Some(raw);
            }
            s.ws();
            if s.eat(b',').is_some() {
                s.ws();
                continue;
            }
            s.eat(b'}')?;
            break;
        }
    }
    s.ws();
    (s.pos == text.len()).then_some(out)
}
