//! Reading JSON: one pass over a document's text that checks its syntax
//! and builds a flat tree of its values, whose strings are borrowed from the
//! text; the describe-* reader ([`crate::vpc::input`]) and the endpoint
//! policy reader ([`crate::policy`]) both read documents through it.
//!
//! Guarantees:
//! * RFC 8259, strictly: the four blanks, JSON's number grammar, only
//!   JSON's escapes, no control character inside a string, nothing after
//!   the value. The standard conformance suite's cases that must be
//!   accepted (`y_`) are, and those that must be refused (`n_`) are
//!   (`core/tests/json_suite.rs` replays them from `tests/data/jsontestsuite/`);
//! * implementation choices where RFC 8259 leaves them open (the suite's
//!   `i_` cases): a `\u` escape of half a UTF-16 surrogate pair without the
//!   other half is refused (a Rust string cannot hold it); numbers of any
//!   size are kept as their text (see [`as_i64`] for reading integers);
//!   duplicate member names are kept, and [`Value::get`] returns the last;
//!   any nesting depth is read, without recursion, and a reader that
//!   recurses asks [`Tree::nests_too_deep`] first;
//! * a syntax error says what was expected and what was found, at a line
//!   and column ([`SyntaxError::line_column`]: the column counts bytes, and
//!   points at the byte where the text stops being JSON);
//! * no input makes it panic; documents above 4 GiB are refused (positions
//!   are kept in 32 bits);
//! * one allocation per document for the values (a `Vec` of 24-byte nodes)
//!   and one for the strings that hold escapes (decoded once); every other
//!   string is a slice of the text.
//!
//! Not done here: floating-point values (a number is its text), or reading
//! the values into anything else (the readers do, through [`Tree`]).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The nesting a reader that recurses accepts: a container this many
/// levels below the value it reads (the value itself being the first) is
/// too deep ([`Tree::nests_too_deep`]).
pub const MAX_NESTING: u32 = 128;

/// What a JSON value is, with its text where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val<'t> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (see [`as_i64`]).
    Num(&'t str),
    /// A string, its escapes decoded.
    Str(&'t str),
    /// An array.
    Arr,
    /// An object.
    Obj,
}

impl Val<'_> {
    /// What the value is called in an error message ("a string", "null", …).
    pub fn kind(self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::Arr => "an array",
            Val::Obj => "an object",
        }
    }
}

/// A read-only JSON tree as the readers see it: core's own ([`Value`]), or
/// any other (the tests read the same documents through serde_json's, as
/// an oracle).
pub trait Tree<'t>: Copy {
    /// What this value is.
    fn val(self) -> Val<'t>;
    /// The member `key` of an object (the last one when it is repeated);
    /// `None` for a missing member or a value that is not an object.
    fn get(self, key: &str) -> Option<Self>;
    /// The elements of an array (nothing for any other value).
    fn items(self) -> impl Iterator<Item = Self>;
    /// The member names of an object (nothing for any other value), in no
    /// promised order; a repeated name may come once or more.
    fn keys(self) -> impl Iterator<Item = &'t str>;
    /// Whether a container lies [`MAX_NESTING`] or more levels below this
    /// value (this value being the first): what a recursive reader refuses.
    fn nests_too_deep(self) -> bool {
        false
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Null,
    False,
    True,
    Num,
    Str,
    Arr,
    Obj,
}

/// A piece of text: of the document, or of the decoded strings.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    tag: Tag,
    /// `text` is in [`Document::decoded`], not in the document's text.
    text_decoded: bool,
    /// The same for `key`.
    key_decoded: bool,
    /// The member name when the parent is an object (else empty).
    key: Span,
    /// A string's contents, a number's text.
    text: Span,
    /// One past the last node of this value's subtree (pre-order).
    end: u32,
}

/// A parsed JSON document: its values in pre-order, strings borrowed from
/// `text`.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    text: &'a str,
    /// The strings that held escapes, decoded, one after another.
    decoded: String,
    nodes: Vec<Node>,
    /// The deepest container (the root being depth 0).
    max_depth: u32,
}

impl<'a> Document<'a> {
    /// Checks `text`'s syntax and reads it, or says where and why it is not
    /// JSON.
    pub fn parse(text: &'a str) -> Result<Document<'a>, SyntaxError> {
        if u32::try_from(text.len()).is_err() {
            return Err(SyntaxError {
                code: Code::TooLarge,
                at: 0,
                found: None,
            });
        }
        let mut p = Parser {
            text,
            pos: 0,
            doc: Document {
                text,
                decoded: String::new(),
                nodes: Vec::new(),
                max_depth: 0,
            },
        };
        p.document()?;
        Ok(p.doc)
    }

    /// The top-level value.
    pub fn root(&self) -> Value<'_> {
        Value { doc: self, at: 0 }
    }

    fn str(&self, span: Span, decoded: bool) -> &str {
        let source = if decoded {
            self.decoded.as_str()
        } else {
            self.text
        };
        let (start, end) = (span.start as usize, span.start as usize + span.len as usize);
        source.get(start..end).unwrap_or_default()
    }
}

/// One value of a [`Document`].
#[derive(Clone, Copy)]
pub struct Value<'t> {
    doc: &'t Document<'t>,
    at: u32,
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value({:?})", self.val())
    }
}

const NULL_NODE: Node = Node {
    tag: Tag::Null,
    text_decoded: false,
    key_decoded: false,
    key: Span { start: 0, len: 0 },
    text: Span { start: 0, len: 0 },
    end: 0,
};

impl<'t> Value<'t> {
    fn node(self) -> Node {
        // `at` always indexes the nodes: values are only made by `root`
        // and `Children`, which check it; `null` keeps the no-panic promise.
        self.doc
            .nodes
            .get(self.at as usize)
            .copied()
            .unwrap_or(NULL_NODE)
    }

    /// What this value is.
    pub fn val(self) -> Val<'t> {
        let n = self.node();
        match n.tag {
            Tag::Null => Val::Null,
            Tag::False => Val::Bool(false),
            Tag::True => Val::Bool(true),
            Tag::Num => Val::Num(self.doc.str(n.text, n.text_decoded)),
            Tag::Str => Val::Str(self.doc.str(n.text, n.text_decoded)),
            Tag::Arr => Val::Arr,
            Tag::Obj => Val::Obj,
        }
    }

    /// What this value is called in an error message.
    pub fn kind(self) -> &'static str {
        self.val().kind()
    }

    /// The member name of this value when its parent is an object (empty
    /// otherwise).
    pub fn key(self) -> &'t str {
        let n = self.node();
        self.doc.str(n.key, n.key_decoded)
    }

    /// The elements of an array or the members of an object, in document
    /// order (nothing for any other value).
    pub fn children(self) -> Children<'t> {
        Children {
            doc: self.doc,
            next: self.at + 1,
            end: self.node().end,
        }
    }

    /// The member `key` of an object (the last one when it is repeated).
    pub fn get(self, key: &str) -> Option<Value<'t>> {
        if self.node().tag != Tag::Obj {
            return None;
        }
        // Length and first byte before the full compare: most keys differ
        // there, and the full compare is a memcmp call in WebAssembly.
        let first = key.as_bytes().first();
        self.children()
            .filter(|c| {
                let k = c.key().as_bytes();
                k.len() == key.len() && k.first() == first && k == key.as_bytes()
            })
            .last()
    }

    /// Whether a container lies [`MAX_NESTING`] or more levels below this
    /// value (this value being the first).
    pub fn nests_too_deep(self) -> bool {
        if self.doc.max_depth < MAX_NESTING - 1 {
            return false;
        }
        // Rare (only documents nested that deep anywhere): walk the
        // subtree, keeping the ends of the open containers.
        let mut open: Vec<u32> = Vec::new();
        let end = self.node().end;
        let mut i = self.at;
        while i < end {
            while open.last().is_some_and(|&e| i >= e) {
                open.pop();
            }
            let Some(n) = self.doc.nodes.get(i as usize) else {
                break;
            };
            if matches!(n.tag, Tag::Arr | Tag::Obj) {
                if open.len() as u32 + 1 >= MAX_NESTING {
                    return true;
                }
                open.push(n.end);
            }
            i += 1;
        }
        false
    }
}

impl<'t> Tree<'t> for Value<'t> {
    fn val(self) -> Val<'t> {
        Value::val(self)
    }
    fn get(self, key: &str) -> Option<Self> {
        Value::get(self, key)
    }
    fn items(self) -> impl Iterator<Item = Self> {
        let end = if self.node().tag == Tag::Arr {
            self.node().end
        } else {
            0
        };
        Children {
            doc: self.doc,
            next: self.at + 1,
            end,
        }
    }
    fn keys(self) -> impl Iterator<Item = &'t str> {
        let end = if self.node().tag == Tag::Obj {
            self.node().end
        } else {
            0
        };
        Children {
            doc: self.doc,
            next: self.at + 1,
            end,
        }
        .map(Value::key)
    }
    fn nests_too_deep(self) -> bool {
        Value::nests_too_deep(self)
    }
}

/// The children of a value, each skipping its own subtree.
pub struct Children<'t> {
    doc: &'t Document<'t>,
    next: u32,
    end: u32,
}

impl<'t> Iterator for Children<'t> {
    type Item = Value<'t>;
    fn next(&mut self) -> Option<Value<'t>> {
        if self.next >= self.end {
            return None;
        }
        let node = self.doc.nodes.get(self.next as usize)?;
        let v = Value {
            doc: self.doc,
            at: self.next,
        };
        // A subtree always ends after its root; `max` keeps a broken
        // arena from looping.
        self.next = node.end.max(self.next + 1);
        Some(v)
    }
}

/// The number as an `i64`, when it is an integer literal (no fraction, no
/// exponent) within `i64`; `-0` is not one (it can only be a float's).
pub fn as_i64(n: &str) -> Option<i64> {
    let (neg, digits) = match n.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, n),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: u64 = 0;
    for b in digits.bytes() {
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    if !neg {
        return i64::try_from(v).ok();
    }
    match v {
        0 => None,
        v if v <= 1 << 63 => Some(0i64.wrapping_sub_unsigned(v)),
        _ => None,
    }
}

/// What is wrong at a syntax error's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
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
    TooLarge,
}

/// Where and why a text is not JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    code: Code,
    /// The number of bytes read when the error was found: the column is
    /// `at` minus the start of its line.
    at: usize,
    /// The byte offset of the character found instead of what was
    /// expected, when there is one (none at the end of the text).
    found: Option<usize>,
}

impl SyntaxError {
    /// 1-based line and column (in bytes) of the error in `text` (the text
    /// that was parsed).
    pub fn line_column(&self, text: &str) -> (usize, usize) {
        let before = text.as_bytes().get(..self.at).unwrap_or(text.as_bytes());
        let start_of_line = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let lines = before.iter().filter(|&&b| b == b'\n').count();
        (1 + lines, before.len() - start_of_line)
    }

    /// What was expected and, where there is one, what was found instead.
    pub fn message(&self, text: &str) -> String {
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
                return self.with_found(text, &alloc::format!("expected `{word}`"));
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
            Code::TooLarge => "the document is larger than 4 GiB",
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
                alloc::format!("{what}, found the control character U+{:04X}", c as u32)
            }
            Some(c) => alloc::format!("{what}, found `{c}`"),
            None => String::from(what),
        }
    }
}

/// The eight bytes of `b` at `at` as one little-endian word, if there are eight.
#[inline(always)]
fn word(b: &[u8], at: usize) -> Option<u64> {
    let chunk: &[u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(*chunk))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

type R<T> = Result<T, SyntaxError>;

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    doc: Document<'a>,
}

impl Parser<'_> {
    // `inline(always)`: the page's module is built for size (opt-level
    // "z"), where one-liners otherwise stay calls in the hottest loops.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// An error about the byte at `pos`, not consumed.
    #[cold]
    fn at_peek(&self, code: Code) -> SyntaxError {
        let len = self.text.len();
        SyntaxError {
            code,
            at: (self.pos + 1).min(len),
            found: (self.pos < len).then_some(self.pos),
        }
    }

    /// An error about the byte just consumed, or the end of the text.
    #[cold]
    fn at_last(&self, code: Code, found: bool) -> SyntaxError {
        SyntaxError {
            code,
            at: self.pos.min(self.text.len()),
            found: self
                .pos
                .checked_sub(1)
                .filter(|_| found && self.pos <= self.text.len()),
        }
    }

    /// An error at the end of the text.
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
                self.at_last(code, true)
            }
            None => self.at_end(code),
        }
    }

    #[inline(always)]
    fn ws(&mut self) {
        // Compact JSON has no blanks between tokens: one test.
        if matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            self.blanks();
        }
    }

    fn blanks(&mut self) {
        let b = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = b.get(self.pos) {
            self.pos += 1;
            // The AWS CLI indents by four spaces a level: skip whole runs
            // of eight at a time (one 64-bit compare).
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

    /// A span of the text (positions fit in 32 bits: checked in `parse`).
    fn span(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            len: (end - start) as u32,
        }
    }

    /// A string after its opening quote, through its closing quote: where
    /// its contents are, and whether they are decoded (it held an escape).
    fn string(&mut self) -> R<(Span, bool)> {
        let start = self.pos;
        self.skip_plain();
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok((Self::span(start, self.pos - 1), false));
        }
        let out_start = self.doc.decoded.len();
        let mut from = start;
        loop {
            match self.peek() {
                None => return Err(self.at_end(Code::EofString)),
                Some(b'"') => {
                    let out = &mut self.doc.decoded;
                    out.push_str(self.text.get(from..self.pos).unwrap_or_default());
                    self.pos += 1;
                    return Ok((Self::span(out_start, out.len()), true));
                }
                Some(b'\\') => {
                    let plain = self.text.get(from..self.pos).unwrap_or_default();
                    self.doc.decoded.push_str(plain);
                    self.pos += 1;
                    let c = self.escape()?;
                    self.doc.decoded.push(c);
                    from = self.pos;
                }
                Some(_) => {
                    self.pos += 1;
                    return Err(self.at_last(Code::ControlCharacter, true));
                }
            }
            self.skip_plain();
        }
    }

    /// One escape after its backslash.
    fn escape(&mut self) -> R<char> {
        let Some(c) = self.peek() else {
            return Err(self.at_end(Code::EofString));
        };
        self.pos += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let n = self.hex4()?;
                if (0xDC00..=0xDFFF).contains(&n) {
                    return Err(self.at_last(Code::LoneSurrogate, false));
                }
                let code = if (0xD800..=0xDBFF).contains(&n) {
                    for next in [b'\\', b'u'] {
                        match self.peek() {
                            None => return Err(self.at_end(Code::EofString)),
                            Some(b) if b == next => self.pos += 1,
                            Some(_) => return Err(self.bad_next(Code::HexEscapeEnd)),
                        }
                    }
                    let low = self.hex4()?;
                    if !(0xDC00..=0xDFFF).contains(&low) {
                        return Err(self.at_last(Code::LoneSurrogate, false));
                    }
                    (((n - 0xD800) << 10) | (low - 0xDC00)) + 0x1_0000
                } else {
                    n
                };
                // Not a lone surrogate (checked above): always a char.
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => return Err(self.at_last(Code::InvalidEscape, true)),
        })
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
                _ => return Err(self.at_last(Code::InvalidEscape, false)),
            };
            n = n * 16 + u32::from(v);
        }
        Ok(n)
    }

    /// The rest of a literal whose first byte is consumed.
    fn literal(&mut self, word: &'static str) -> R<()> {
        for &expected in word.as_bytes().get(1..).unwrap_or_default() {
            match self.peek() {
                None => return Err(self.at_end(Code::EofValue)),
                Some(c) => {
                    self.pos += 1;
                    if c != expected {
                        return Err(self.at_last(Code::ExpectedLiteral(word), true));
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

    /// A number after its optional minus sign.
    fn number(&mut self) -> R<()> {
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
            _ => return Err(self.bad_next(Code::InvalidNumber)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.digits() {
                return Err(self.bad_next(Code::InvalidNumber));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !self.digits() {
                return Err(self.bad_next(Code::InvalidNumber));
            }
        }
        Ok(())
    }

    /// An object member's quoted name and its colon (after a comma: a `}`
    /// here is a trailing comma).
    fn member_name(&mut self) -> R<(Span, bool)> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.pos += 1,
            Some(b'}') => return Err(self.at_peek(Code::TrailingComma)),
            Some(_) => return Err(self.at_peek(Code::KeyMustBeAString)),
            None => return Err(self.at_peek(Code::EofObject)),
        }
        let key = self.string()?;
        self.ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(key)
            }
            Some(_) => Err(self.at_peek(Code::ExpectedColon)),
            None => Err(self.at_peek(Code::EofObject)),
        }
    }

    fn push(&mut self, tag: Tag, key: (Span, bool), text: (Span, bool)) -> u32 {
        let nodes = &mut self.doc.nodes;
        // At most one node per byte of a text below 4 GiB: fits.
        let at = nodes.len() as u32;
        nodes.push(Node {
            tag,
            text_decoded: text.1,
            key_decoded: key.1,
            key: key.0,
            text: text.0,
            end: at + 1,
        });
        at
    }

    /// The whole text: one value and nothing after it. Iterative: the
    /// open containers are a stack of node indices, not a recursion.
    fn document(&mut self) -> R<()> {
        let mut open: Vec<u32> = Vec::new();
        let mut key = (Span::default(), false);
        let none = (Span::default(), false);
        loop {
            self.ws();
            let start = self.pos;
            let tag = match self.peek() {
                None => return Err(self.at_peek(Code::EofValue)),
                Some(b'"') => {
                    self.pos += 1;
                    let text = self.string()?;
                    self.push(Tag::Str, key, text);
                    None
                }
                Some(c @ (b'{' | b'[')) => {
                    self.pos += 1;
                    let tag = if c == b'{' { Tag::Obj } else { Tag::Arr };
                    let at = self.push(tag, key, none);
                    // Below 2^32 bytes, below 2^32 levels.
                    let depth = open.len() as u32;
                    self.doc.max_depth = self.doc.max_depth.max(depth);
                    open.push(at);
                    Some(tag)
                }
                Some(b'n') => {
                    self.pos += 1;
                    self.literal("null")?;
                    self.push(Tag::Null, key, none);
                    None
                }
                Some(b't') => {
                    self.pos += 1;
                    self.literal("true")?;
                    self.push(Tag::True, key, none);
                    None
                }
                Some(b'f') => {
                    self.pos += 1;
                    self.literal("false")?;
                    self.push(Tag::False, key, none);
                    None
                }
                Some(c @ (b'-' | b'0'..=b'9')) => {
                    self.pos += usize::from(c == b'-');
                    self.number()?;
                    self.push(Tag::Num, key, (Self::span(start, self.pos), false));
                    None
                }
                Some(_) => return Err(self.at_peek(Code::ExpectedValue)),
            };
            // After an opening bracket, its first element (or its end);
            // after any other value, a comma or the end of its container.
            let (mut after_value, mut frame) = match tag {
                Some(t) => (false, t),
                None => match open.last() {
                    Some(&i) => (true, self.tag(i)),
                    None => break,
                },
            };
            loop {
                self.ws();
                match self.peek() {
                    Some(b',') if after_value => {
                        self.pos += 1;
                        break;
                    }
                    Some(b']') if frame == Tag::Arr => {}
                    Some(b'}') if frame == Tag::Obj => {}
                    Some(_) if !after_value => break,
                    Some(_) if frame == Tag::Arr => {
                        return Err(self.at_peek(Code::ExpectedArrayCommaOrEnd));
                    }
                    Some(_) => return Err(self.at_peek(Code::ExpectedObjectCommaOrEnd)),
                    None if frame == Tag::Arr => return Err(self.at_peek(Code::EofArray)),
                    None => return Err(self.at_peek(Code::EofObject)),
                }
                // The container closes.
                self.pos += 1;
                let end = self.doc.nodes.len() as u32;
                if let Some(n) = open.pop().and_then(|i| self.doc.nodes.get_mut(i as usize)) {
                    n.end = end;
                }
                match open.last() {
                    Some(&i) => frame = self.tag(i),
                    None => return self.end(),
                }
                after_value = true;
            }
            key = if frame == Tag::Obj {
                self.member_name()?
            } else {
                none
            };
        }
        self.end()
    }

    fn tag(&self, at: u32) -> Tag {
        self.doc.nodes.get(at as usize).map_or(Tag::Null, |n| n.tag)
    }

    /// After the top-level value: nothing but blanks.
    fn end(&mut self) -> R<()> {
        self.ws();
        if self.pos < self.text.len() {
            return Err(self.at_peek(Code::TrailingCharacters));
        }
        Ok(())
    }
}
