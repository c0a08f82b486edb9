//! The top-level pass: checks a whole document's JSON syntax, splits its
//! top-level object at the keys the parser reads, and describes any syntax
//! error with its position.
//!
//! Guarantees:
//! * it accepts exactly what serde_json accepts when it reads a document as
//!   a map of raw values (RFC 8259: the four blanks, no control character in
//!   a string, only JSON's escapes, JSON's number grammar, nothing after the
//!   value; a top-level key's `\u` escapes must pair as UTF-16 surrogates);
//!   a test compares the two on damaged documents;
//! * a syntax error is reported at the line and column serde_json reports
//!   (1-based line; the column counts bytes, so that it points at the same
//!   byte serde_json points at), with a message of its own that says what
//!   was expected and, where there is one, what was found instead;
//! * a top-level value that is well-formed but not an object is reported as
//!   such ([`TopLevel::NotObject`]), naming what it is (serde_json calls a
//!   bare number beyond `f64` a syntax error; here it is still "a number");
//! * iterative: any nesting depth, no recursion; no input makes it panic;
//! * the value of a repeated key is the last one, as a map keeps it; an
//!   escaped key is compared by what it decodes to.
//!
//! Not done here: reading the values (the private `tree` module does that,
//! one resource at a time).

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The eight bytes of `b` at `at` as one little-endian word, if there are eight.
#[inline(always)]
fn word(b: &[u8], at: usize) -> Option<u64> {
    let chunk: &[u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(*chunk))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// What is wrong at a syntax error's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    EofValue,
    EofObject,
    EofArray,
    EofString,
    ExpectedColon,
    ExpectedArrayCommaOrEnd,
    ExpectedObjectCommaOrEnd,
    ExpectedValue,
    /// The literal that was being read: `true`, `false` or `null`.
    ExpectedLiteral(&'static str),
    KeyMustBeAString,
    TrailingComma,
    TrailingCharacters,
    InvalidNumber,
    ControlCharacter,
    InvalidEscape,
    LoneSurrogate,
    HexEscapeEnd,
}

/// The character a one-letter JSON escape stands for (`n` in `\n`), or
/// `None` for `u` (four hex digits follow) and for anything JSON does not
/// allow. The scanner and the tree reader both decode escapes with it.
pub(super) fn simple_escape(c: u8) -> Option<char> {
    Some(match c {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// The code point of a UTF-16 surrogate pair (`high` in D800..=DBFF, `low`
/// in DC00..=DFFF, checked by the caller).
pub(super) fn surrogate_pair(high: u32, low: u32) -> u32 {
    (((high - 0xD800) << 10) | (low - 0xDC00)) + 0x1_0000
}

/// A syntax error: what, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(super) code: Code,
    /// The position as serde_json keeps it: the number of bytes read, so
    /// that the column is `at` minus the start of its line.
    at: usize,
    /// The byte offset of the character found instead of what was
    /// expected, when there is one (none at the end of the document).
    found: Option<usize>,
}

impl SyntaxError {
    /// 1-based line and column (in bytes) of the error in `text`.
    pub(crate) fn line_column(&self, text: &str) -> (usize, usize) {
        let before = text.as_bytes().get(..self.at).unwrap_or(text.as_bytes());
        let start_of_line = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let lines = before.iter().filter(|&&b| b == b'\n').count();
        (1 + lines, before.len() - start_of_line)
    }

    /// What was expected and, where there is one, what was found instead.
    pub(crate) fn message(&self, text: &str) -> String {
        let what = match self.code {
            Code::EofValue => "the document ends where a value was expected",
            Code::EofObject => {
                "the document ends inside an object (expected more members or its closing `}`)"
            }
            Code::EofArray => {
                "the document ends inside an array (expected more elements or its closing `]`)"
            }
            Code::EofString => "the document ends inside a string (expected its closing `\"`)",
            Code::ExpectedColon => "expected `:` after the member's name",
            Code::ExpectedArrayCommaOrEnd => "expected `,` or `]` after an array element",
            Code::ExpectedObjectCommaOrEnd => "expected `,` or `}` after an object member",
            Code::ExpectedValue => {
                "expected a value (an object, an array, a string, a number, true, false or null)"
            }
            Code::ExpectedLiteral(word) => {
                return self.with_found(text, &format!("expected `{word}`"));
            }
            Code::KeyMustBeAString => "expected a member name in double quotes",
            Code::TrailingComma => {
                return String::from(
                    "a comma after the last member (JSON allows no `,` before `}`)",
                );
            }
            Code::TrailingCharacters => "expected nothing after the top-level value",
            Code::InvalidNumber => "invalid number (JSON numbers look like 7, -12, 0.5 or 1e3)",
            Code::ControlCharacter => {
                "a control character (U+0000 to U+001F) inside a string: it must be written as an escape such as \\n or \\u0009"
            }
            Code::InvalidEscape => {
                "invalid escape in a string (JSON's escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u with four hex digits)"
            }
            Code::LoneSurrogate => {
                "a \\u escape holds half of a UTF-16 surrogate pair without the other half"
            }
            Code::HexEscapeEnd => {
                "a \\u escape of a leading surrogate (\\uD800 to \\uDBFF) must be followed by a \\u escape of a trailing one"
            }
        };
        self.with_found(text, what)
    }

    fn with_found(&self, text: &str, what: &str) -> String {
        let found = self
            .found
            .and_then(|i| text.get(i..))
            .and_then(|rest| rest.chars().next());
        match found {
            Some(c) if c.is_ascii_control() => {
                format!("{what}, found the control character U+{:04X}", c as u32)
            }
            Some(c) => format!("{what}, found `{c}`"),
            None => String::from(what),
        }
    }
}

type R<T> = Result<T, SyntaxError>;

/// A document's top level.
pub(crate) enum TopLevel<'a, const N: usize> {
    /// An object: the raw text of each of the keys asked for, if present.
    Object([Option<&'a str>; N]),
    /// Well-formed JSON, but not an object: what it is ("an array", …).
    NotObject(&'static str),
}

struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scan<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// An error about the byte at `pos`, not consumed (serde_json's
    /// `peek_error`: the position counts it).
    #[cold]
    fn at_peek(&self, code: Code) -> SyntaxError {
        let len = self.text.len();
        SyntaxError {
            code,
            at: (self.pos + 1).min(len),
            found: (self.pos < len).then_some(self.pos),
        }
    }

    /// An error about the byte just consumed, or the end of the document.
    #[cold]
    fn at_last(&self, code: Code) -> SyntaxError {
        SyntaxError {
            code,
            at: self.pos.min(self.text.len()),
            found: self
                .pos
                .checked_sub(1)
                .filter(|_| self.pos <= self.text.len()),
        }
    }

    /// An error at the end of the document.
    #[cold]
    fn at_end(&self, code: Code) -> SyntaxError {
        SyntaxError {
            code,
            at: self.text.len(),
            found: None,
        }
    }

    /// Consumes the next byte, if any, and reports an error about it.
    #[cold]
    fn bad_next(&mut self, code: Code) -> SyntaxError {
        match self.peek() {
            Some(_) => {
                self.pos += 1;
                self.at_last(code)
            }
            None => self.at_end(code),
        }
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

    /// Skips to the next quote, backslash or control character (or the end).
    #[inline(always)]
    fn skip_plain(&mut self) {
        let b = self.text.as_bytes();
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
                return;
            }
            self.pos += 8;
        }
        while let Some(&c) = b.get(self.pos) {
            if c == b'"' || c == b'\\' || c < 0x20 {
                return;
            }
            self.pos += 1;
        }
    }

    /// A string after its opening quote, through its closing quote, its
    /// escapes checked for syntax only (serde_json's `ignore_str`); `true`
    /// when it held an escape.
    fn string(&mut self) -> R<bool> {
        let mut escaped = false;
        loop {
            self.skip_plain();
            match self.peek() {
                None => return Err(self.at_end(Code::EofString)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    escaped = true;
                    match self.peek() {
                        None => return Err(self.at_end(Code::EofString)),
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1;
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            self.hex4()?;
                        }
                        Some(_) => return Err(self.bad_next(Code::InvalidEscape)),
                    }
                }
                // A control character: serde_json reports the byte before it.
                Some(_) => {
                    return Err(SyntaxError {
                        code: Code::ControlCharacter,
                        at: self.pos,
                        found: Some(self.pos),
                    });
                }
            }
        }
    }

    /// The four hex digits of a `\u` escape.
    fn hex4(&mut self) -> R<u32> {
        let Some(digits) = self.text.as_bytes().get(self.pos..self.pos + 4) else {
            self.pos = self.text.len();
            return Err(self.at_end(Code::EofString));
        };
        self.pos += 4;
        let mut n = 0;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => {
                    return Err(SyntaxError {
                        code: Code::InvalidEscape,
                        at: self.pos,
                        found: None,
                    });
                }
            };
            n = n * 16 + u32::from(v);
        }
        Ok(n)
    }

    /// A string after its opening quote, decoded, with its escapes checked
    /// as serde_json checks a string it returns (surrogates must pair).
    /// Borrowed unless it holds an escape.
    fn decoded_string(&mut self) -> R<Cow<'a, str>> {
        let start = self.pos;
        let mut out: Option<String> = None;
        let mut from = start;
        loop {
            self.skip_plain();
            match self.peek() {
                None => return Err(self.at_end(Code::EofString)),
                Some(b'"') => {
                    let tail = self.text.get(from..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(tail),
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                    });
                }
                Some(b'\\') => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(self.text.get(from..self.pos).unwrap_or_default());
                    self.pos += 1;
                    let c = self.escape()?;
                    s.push(c);
                    from = self.pos;
                }
                // Here serde_json reports the control character itself.
                Some(_) => {
                    self.pos += 1;
                    return Err(self.at_last(Code::ControlCharacter));
                }
            }
        }
    }

    /// One escape after its backslash, as serde_json's `parse_escape`
    /// checks it.
    fn escape(&mut self) -> R<char> {
        let Some(c) = self.peek() else {
            return Err(self.at_end(Code::EofString));
        };
        self.pos += 1;
        if let Some(ch) = simple_escape(c) {
            return Ok(ch);
        }
        Ok(match c {
            b'u' => {
                let n = self.hex4()?;
                if (0xDC00..=0xDFFF).contains(&n) {
                    return Err(self.at_last_no_found(Code::LoneSurrogate));
                }
                let code = if (0xD800..=0xDBFF).contains(&n) {
                    for next in [b'\\', b'u'] {
                        match self.peek() {
                            None => return Err(self.at_end(Code::EofString)),
                            Some(b) if b == next => self.pos += 1,
                            Some(_) => return Err(self.bad_next(Code::HexEscapeEnd)),
                        }
                    }
                    let n2 = self.hex4()?;
                    if !(0xDC00..=0xDFFF).contains(&n2) {
                        return Err(self.at_last_no_found(Code::LoneSurrogate));
                    }
                    surrogate_pair(n, n2)
                } else {
                    n
                };
                // Not a surrogate (checked above): always a char.
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => return Err(self.at_last(Code::InvalidEscape)),
        })
    }

    #[cold]
    fn at_last_no_found(&self, code: Code) -> SyntaxError {
        SyntaxError {
            code,
            at: self.pos.min(self.text.len()),
            found: None,
        }
    }

    /// The rest of a literal whose first byte is consumed.
    fn literal(&mut self, word: &'static str) -> R<()> {
        for &expected in word.as_bytes().get(1..).unwrap_or_default() {
            match self.peek() {
                None => return Err(self.at_end(Code::EofValue)),
                Some(c) => {
                    self.pos += 1;
                    if c != expected {
                        return Err(self.at_last(Code::ExpectedLiteral(word)));
                    }
                }
            }
        }
        Ok(())
    }

    fn digits(&mut self) -> bool {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos > start
    }

    /// A number after its optional minus sign, as serde_json skips one
    /// inside a value (`ignore_integer`); `top` gives the errors of
    /// serde_json's reading of a number at the top level, which differ at
    /// the end of the document.
    fn number(&mut self, top: bool) -> R<()> {
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.at_peek(Code::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None if top => return Err(self.at_end(Code::EofValue)),
            _ => return Err(self.bad_next(Code::InvalidNumber)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.digits() {
                return Err(match self.peek() {
                    None if top => self.at_end(Code::EofValue),
                    _ => self.at_peek(Code::InvalidNumber),
                });
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            match self.peek() {
                Some(b'0'..=b'9') => {
                    self.digits();
                }
                None if top => return Err(self.at_end(Code::EofValue)),
                _ => return Err(self.bad_next(Code::InvalidNumber)),
            }
        }
        Ok(())
    }

    /// One value, at `pos`, of any depth (serde_json's `ignore_value`,
    /// whose order of checks gives the errors and their positions).
    fn value(&mut self) -> R<()> {
        // The containers open around the current value, innermost last.
        let mut open: Vec<u8> = Vec::new();
        loop {
            self.ws();
            let opened = match self.peek() {
                None => return Err(self.at_peek(Code::EofValue)),
                Some(b'"') => {
                    self.pos += 1;
                    self.string()?;
                    None
                }
                Some(c @ (b'{' | b'[')) => {
                    self.pos += 1;
                    Some(c)
                }
                Some(b'n') => {
                    self.pos += 1;
                    self.literal("null")?;
                    None
                }
                Some(b't') => {
                    self.pos += 1;
                    self.literal("true")?;
                    None
                }
                Some(b'f') => {
                    self.pos += 1;
                    self.literal("false")?;
                    None
                }
                Some(b'-') => {
                    self.pos += 1;
                    self.number(false)?;
                    None
                }
                Some(b'0'..=b'9') => {
                    self.number(false)?;
                    None
                }
                Some(_) => return Err(self.at_peek(Code::ExpectedValue)),
            };
            // After an opening bracket, its first element (or its end);
            // after any other value, a comma or the end of its container.
            let (mut after_value, mut frame) = match opened {
                Some(c) => {
                    open.push(c);
                    (false, c)
                }
                None => match open.last() {
                    Some(&c) => (true, c),
                    None => return Ok(()),
                },
            };
            loop {
                self.ws();
                match self.peek() {
                    Some(b',') if after_value => {
                        self.pos += 1;
                        break;
                    }
                    Some(b']') if frame == b'[' => {}
                    Some(b'}') if frame == b'{' => {}
                    Some(_) if !after_value => break,
                    Some(_) if frame == b'[' => {
                        return Err(self.at_peek(Code::ExpectedArrayCommaOrEnd));
                    }
                    Some(_) => return Err(self.at_peek(Code::ExpectedObjectCommaOrEnd)),
                    None if frame == b'[' => return Err(self.at_peek(Code::EofArray)),
                    None => return Err(self.at_peek(Code::EofObject)),
                }
                // The container closes.
                self.pos += 1;
                open.pop();
                match open.last() {
                    Some(&c) => frame = c,
                    None => return Ok(()),
                }
                after_value = true;
            }
            if frame == b'{' {
                self.member_name()?;
            }
        }
    }

    /// An object member's quoted name (syntax only) and its colon.
    fn member_name(&mut self) -> R<()> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.pos += 1,
            Some(_) => return Err(self.at_peek(Code::KeyMustBeAString)),
            None => return Err(self.at_peek(Code::EofObject)),
        }
        self.string()?;
        self.colon()
    }

    fn colon(&mut self) -> R<()> {
        self.ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.at_peek(Code::ExpectedColon)),
            None => Err(self.at_peek(Code::EofObject)),
        }
    }

    /// A top-level value other than an object: checked for syntax, then
    /// named (serde_json reads it before it refuses its type).
    fn not_object(&mut self) -> R<&'static str> {
        let Some(c) = self.peek() else {
            return Err(self.at_peek(Code::EofValue));
        };
        self.pos += 1;
        match c {
            b'[' => Ok("an array"),
            b'n' => self.literal("null").map(|()| "null"),
            b't' => self.literal("true").map(|()| "a boolean"),
            b'f' => self.literal("false").map(|()| "a boolean"),
            b'-' => self.number(true).map(|()| "a number"),
            b'0'..=b'9' => {
                self.pos -= 1;
                self.number(true).map(|()| "a number")
            }
            b'"' => self.decoded_string().map(|_| "a string"),
            _ => {
                self.pos -= 1;
                Err(self.at_peek(Code::ExpectedValue))
            }
        }
    }
}

/// Checks that `text` is one JSON value, an object, of any depth, or says
/// what it is instead: the syntax pass of `crate::policy` (endpoint policy
/// documents), one non-generic function beside the page's `top_level`.
pub(crate) fn object(text: &str) -> R<Option<&'static str>> {
    let mut s = Scan { text, pos: 0 };
    s.ws();
    if s.peek() != Some(b'{') {
        return s.not_object().map(Some);
    }
    s.value()?;
    s.ws();
    if s.pos < text.len() {
        return Err(s.at_peek(Code::TrailingCharacters));
    }
    Ok(None)
}

/// The raw text of each of `keys` in the document's top-level object (the
/// last one when a key is repeated), or what the document is when it is
/// not an object, or its first syntax error.
pub(crate) fn top_level<'a, const N: usize>(text: &'a str, keys: &[&str; N]) -> R<TopLevel<'a, N>> {
    let mut s = Scan { text, pos: 0 };
    let mut out = [None; N];
    s.ws();
    if s.peek() != Some(b'{') {
        return s.not_object().map(TopLevel::NotObject);
    }
    s.pos += 1;
    let mut first = true;
    loop {
        s.ws();
        match s.peek() {
            None => return Err(s.at_peek(Code::EofObject)),
            Some(b'}') => break,
            Some(b'"') if first => {}
            Some(_) if first => return Err(s.at_peek(Code::KeyMustBeAString)),
            Some(b',') => {
                s.pos += 1;
                s.ws();
                match s.peek() {
                    Some(b'"') => {}
                    Some(b'}') => return Err(s.at_peek(Code::TrailingComma)),
                    Some(_) => return Err(s.at_peek(Code::KeyMustBeAString)),
                    None => return Err(s.at_peek(Code::EofValue)),
                }
            }
            Some(_) => return Err(s.at_peek(Code::ExpectedObjectCommaOrEnd)),
        }
        first = false;
        s.pos += 1;
        let key = s.decoded_string()?;
        s.colon()?;
        s.ws();
        let from = s.pos;
        s.value()?;
        let raw = text.get(from..s.pos).unwrap_or_default();
        if let Some(slot) = keys
            .iter()
            .position(|k| *k == key)
            .and_then(|i| out.get_mut(i))
        {
            *slot = Some(raw);
        }
    }
    s.pos += 1;
    s.ws();
    if s.pos < text.len() {
        return Err(s.at_peek(Code::TrailingCharacters));
    }
    Ok(TopLevel::Object(out))
}
