//! A read-only JSON tree of one resource, in a flat arena, with its strings
//! borrowed from the input.
//!
//! Guarantees:
//! * it reads text that the top-level pass (the `scan` module, which
//!   accepts what serde_json accepts) has already accepted, and refuses,
//!   with serde_json's own message, exactly what
//!   `serde_json::from_str::<serde_json::Value>` refuses on such text: a
//!   container nested 128 levels deep (serde_json's recursion limit), a
//!   lone UTF-16 surrogate in a `\u` escape, and a number whose value
//!   rounds to infinity as an `f64`;
//! * recursion is bounded by that limit, and no input makes it panic
//!   (text that is not JSON after all is refused as [`Refused::Syntax`]);
//! * no allocation per value: one `Vec` of nodes, reused from one resource
//!   to the next; only strings with escapes are copied;
//! * duplicate keys: [`Value::get`] returns the last, as serde_json's map
//!   keeps the last.
//!
//! Not done here: floating-point values (a number is kept as its text;
//! [`as_i64`] reads integers exactly as `serde_json::Number::as_i64`).

use super::InputError;
use super::scan::{simple_escape, surrogate_pair};
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// serde_json's recursion limit: a container at this nesting level (the
/// resource itself being level 1) is refused.
const DEPTH_LIMIT: u32 = 128;

/// A value as the tree keeps it.
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    /// The number's JSON text.
    Num(&'a str),
    Str(Cow<'a, str>),
    /// An array: its elements are the node's children.
    Arr,
    /// An object: its members are the node's children, each with its key.
    Obj,
}

struct Node<'a> {
    /// The member name when the parent is an object, else empty.
    key: Cow<'a, str>,
    val: Val<'a>,
    /// One past the last node of this value's subtree (pre-order).
    end: usize,
}

/// The nodes of the resource being read; reused between resources.
#[derive(Default)]
pub(crate) struct Arena<'a> {
    nodes: Vec<Node<'a>>,
}

/// Why serde_json would refuse a value (its messages, see [`Refused::message`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    Depth,
    LoneSurrogate,
    HexEscapeEnd,
    OutOfRange,
    /// Not JSON: cannot happen after the top-level pass.
    Syntax,
}

impl Refused {
    /// serde_json's description of the same error.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Refused::Depth => "recursion limit exceeded",
            Refused::LoneSurrogate => "lone leading surrogate in hex escape",
            Refused::HexEscapeEnd => "unexpected end of hex escape",
            Refused::OutOfRange => "number out of range",
            Refused::Syntax => "invalid JSON",
        }
    }
}

/// One value of the tree.
#[derive(Clone, Copy)]
pub(crate) struct Value<'t> {
    nodes: &'t [Node<'t>],
    at: usize,
}

const NULL_NODE: &Node<'static> = &Node {
    key: Cow::Borrowed(""),
    val: Val::Null,
    end: 0,
};

impl<'t> Value<'t> {
    fn node(&self) -> &'t Node<'t> {
        // `at` always indexes `nodes`: values are only made by `read_*` and
        // `Children`, which check it; `null` keeps the no-panic promise.
        self.nodes.get(self.at).unwrap_or(NULL_NODE)
    }

    pub(crate) fn val(&self) -> &'t Val<'t> {
        &self.node().val
    }

    /// The member name of this value when its parent is an object (empty
    /// otherwise).
    pub(crate) fn key(&self) -> &'t str {
        &self.node().key
    }

    /// What serde_json's `Value` would be called in an error message.
    pub(crate) fn kind(&self) -> &'static str {
        match self.val() {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::Arr => "an array",
            Val::Obj => "an object",
        }
    }

    /// The elements of an array or the members of an object.
    pub(crate) fn children(&self) -> Children<'t> {
        Children {
            nodes: self.nodes,
            next: self.at + 1,
            end: self.node().end,
        }
    }

    /// An empty iterator of the same type as [`Value::children`].
    pub(super) fn no_children(&self) -> Children<'t> {
        Children {
            nodes: self.nodes,
            next: 0,
            end: 0,
        }
    }

    /// The member `key` of an object (the last one when it is repeated).
    pub(crate) fn get(&self, key: &str) -> Option<Value<'t>> {
        if !matches!(self.val(), Val::Obj) {
            return None;
        }
        // Length and first byte before the full compare: most keys differ
        // there, and the full compare is a memcmp call in WebAssembly.
        let first = key.as_bytes().first();
        self.children()
            .filter(|c| {
                let k = c.node().key.as_bytes();
                k.len() == key.len() && k.first() == first && k == key.as_bytes()
            })
            .last()
    }
}

/// Iterates over the children of a node, skipping their subtrees.
pub(crate) struct Children<'t> {
    nodes: &'t [Node<'t>],
    next: usize,
    end: usize,
}

impl<'t> Iterator for Children<'t> {
    type Item = Value<'t>;
    fn next(&mut self) -> Option<Value<'t>> {
        if self.next >= self.end {
            return None;
        }
        let node = self.nodes.get(self.next)?;
        let v = Value {
            nodes: self.nodes,
            at: self.next,
        };
        // A subtree always ends after its root; `max` keeps a broken
        // arena from looping.
        self.next = node.end.max(self.next + 1);
        Some(v)
    }
}

/// Reads one JSON value (`raw`, accepted by the top-level pass).
pub(crate) fn read_one<'a, 't>(
    raw: &'a str,
    arena: &'t mut Arena<'a>,
) -> Result<Value<'t>, Refused> {
    arena.nodes.clear();
    let mut r = Reader {
        text: raw,
        pos: 0,
        nodes: &mut arena.nodes,
    };
    r.value(Cow::Borrowed(""), 0)?;
    Ok(Value {
        nodes: &arena.nodes,
        at: 0,
    })
}

/// Reads the JSON array `raw` (accepted by the top-level pass) one
/// element at a time, calling `f` with each element's index and tree, and
/// `refused` for an element serde_json would refuse.
pub(super) fn read_items<'a>(
    raw: &'a str,
    arena: &mut Arena<'a>,
    refused: &dyn Fn(usize, Refused) -> InputError,
    f: &mut dyn for<'t> FnMut(usize, Value<'t>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let mut r = Reader {
        text: raw,
        pos: 0,
        nodes: &mut arena.nodes,
    };
    let not_json = |i| refused(i, Refused::Syntax);
    if !r.eat(b'[') {
        return Err(not_json(0));
    }
    r.ws();
    if r.eat(b']') {
        return Ok(());
    }
    let mut i = 0;
    loop {
        r.ws();
        r.nodes.clear();
        r.value(Cow::Borrowed(""), 0)
            .map_err(|why| refused(i, why))?;
        f(
            i,
            Value {
                nodes: r.nodes,
                at: 0,
            },
        )?;
        i += 1;
        r.ws();
        if r.eat(b',') {
            continue;
        }
        if r.eat(b']') {
            return Ok(());
        }
        return Err(not_json(i));
    }
}

struct Reader<'a, 'n> {
    text: &'a str,
    pos: usize,
    nodes: &'n mut Vec<Node<'a>>,
}

impl<'a> Reader<'a, '_> {
    // `inline(always)`: the page's module is built for size (opt-level
    // "z"), where these one-liners otherwise stay calls in the hottest
    // loops (a V8 profile of validate() showed ws, eat and peek as three
    // functions taking about 9 % of it).
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline(always)]
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.pos += usize::from(hit);
        hit
    }

    fn ws(&mut self) {
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

    fn literal(&mut self, word: &str) -> Result<(), Refused> {
        match self.text.get(self.pos..) {
            Some(rest) if rest.starts_with(word) => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(Refused::Syntax),
        }
    }

    /// Reads the value at `pos` (no leading whitespace) and its subtree,
    /// `depth` containers deep.
    fn value(&mut self, key: Cow<'a, str>, depth: u32) -> Result<(), Refused> {
        let val = match self.peek() {
            Some(c @ (b'[' | b'{')) => {
                // Checked before reading on, as serde_json does, so errors
                // come in the same order.
                if depth + 1 >= DEPTH_LIMIT {
                    return Err(Refused::Depth);
                }
                self.pos += 1;
                let at = self.nodes.len();
                let (val, close) = if c == b'[' {
                    (Val::Arr, b']')
                } else {
                    (Val::Obj, b'}')
                };
                self.nodes.push(Node { key, val, end: 0 });
                self.ws();
                if !self.eat(close) {
                    loop {
                        self.ws();
                        let key = if close == b'}' {
                            if !self.eat(b'"') {
                                return Err(Refused::Syntax);
                            }
                            let k = self.string()?;
                            self.ws();
                            if !self.eat(b':') {
                                return Err(Refused::Syntax);
                            }
                            self.ws();
                            k
                        } else {
                            Cow::Borrowed("")
                        };
                        self.value(key, depth + 1)?;
                        self.ws();
                        if self.eat(b',') {
                            continue;
                        }
                        if self.eat(close) {
                            break;
                        }
                        return Err(Refused::Syntax);
                    }
                }
                let end = self.nodes.len();
                if let Some(n) = self.nodes.get_mut(at) {
                    n.end = end;
                }
                return Ok(());
            }
            Some(b'"') => {
                self.pos += 1;
                Val::Str(self.string()?)
            }
            Some(b't') => {
                self.literal("true")?;
                Val::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Val::Bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                Val::Null
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
                let n = self.text.get(start..self.pos).ok_or(Refused::Syntax)?;
                if out_of_range(n) {
                    return Err(Refused::OutOfRange);
                }
                Val::Num(n)
            }
            _ => return Err(Refused::Syntax),
        };
        let end = self.nodes.len() + 1;
        self.nodes.push(Node { key, val, end });
        Ok(())
    }

    /// Reads a string's contents and its closing quote (the opening quote
    /// is read). Borrowed unless it holds an escape.
    fn string(&mut self) -> Result<Cow<'a, str>, Refused> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let stop = bytes
            .get(start..)
            .and_then(quote_or_backslash)
            .ok_or(Refused::Syntax)?;
        self.pos = start + stop;
        let head = self.text.get(start..self.pos).ok_or(Refused::Syntax)?;
        if self.eat(b'"') {
            return Ok(Cow::Borrowed(head));
        }
        let mut out = String::from(head);
        loop {
            // Copy up to the next quote or backslash (both ASCII, so the
            // slice ends on a character boundary).
            let from = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(from..self.pos).ok_or(Refused::Syntax)?);
            if self.eat(b'"') {
                return Ok(Cow::Owned(out));
            }
            if !self.eat(b'\\') {
                return Err(Refused::Syntax);
            }
            self.escape(&mut out)?;
        }
    }

    /// One escape after its backslash, checked as serde_json checks it when
    /// it reads a string (not bytes): surrogates must pair.
    fn escape(&mut self, out: &mut String) -> Result<(), Refused> {
        let c = self.peek().ok_or(Refused::Syntax)?;
        self.pos += 1;
        if let Some(ch) = simple_escape(c) {
            out.push(ch);
            return Ok(());
        }
        out.push(match c {
            b'u' => {
                let n = self.hex4()?;
                if (0xDC00..=0xDFFF).contains(&n) {
                    return Err(Refused::LoneSurrogate);
                }
                let code = if (0xD800..=0xDBFF).contains(&n) {
                    if !self.eat(b'\\') || !self.eat(b'u') {
                        return Err(Refused::HexEscapeEnd);
                    }
                    let n2 = self.hex4()?;
                    if !(0xDC00..=0xDFFF).contains(&n2) {
                        return Err(Refused::LoneSurrogate);
                    }
                    surrogate_pair(n, n2)
                } else {
                    n
                };
                char::from_u32(code).ok_or(Refused::Syntax)?
            }
            _ => return Err(Refused::Syntax),
        });
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Refused> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or(Refused::Syntax)?;
        // from_str_radix would also take a sign.
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Refused::Syntax);
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| Refused::Syntax)
    }
}

/// The index of the first `"` or `\\` in `b`, eight bytes at a time: the
/// reader's hottest loop (ids, ARNs and keys, mostly without escapes).
pub(super) fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (chunks, rest) = b.as_chunks::<8>();
    let mut at = 0;
    for chunk in chunks {
        // One 64-bit load (a copy_from_slice stays a memcpy call at opt-level "z").
        let w = u64::from_le_bytes(*chunk);
        // Bytes of q (s) are zero where w holds a quote (backslash). The
        // classic has-a-zero-byte test marks the first zero byte exactly;
        // only bytes after it can be marked falsely, and they do not count.
        let (q, s) = (w ^ (ONES * u64::from(b'"')), w ^ (ONES * u64::from(b'\\')));
        let zero = ((q.wrapping_sub(ONES) & !q) | (s.wrapping_sub(ONES) & !s)) & HIGH;
        if zero != 0 {
            return Some(at + (zero.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    rest.iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|p| at + p)
}

/// The eight bytes of `b` at `at` as one little-endian word, if there are eight.
#[inline(always)]
fn word(b: &[u8], at: usize) -> Option<u64> {
    let chunk: &[u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(*chunk))
}

/// The number as `serde_json::Number::as_i64` reads it: an integer literal
/// (no fraction, no exponent) within `i64`; `-0` is a float to serde_json.
pub(super) fn as_i64(n: &str) -> Option<i64> {
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

/// The digits of the smallest magnitude that rounds to infinity as an
/// `f64` (2^1024 − 2^970, the midpoint between `f64::MAX` and 2^1024; the
/// tie rounds to even, i.e. up). 309 digits: it lies in [10^308, 10^309).
const INFINITY_DIGITS: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether a JSON number (valid syntax) is beyond `f64`, i.e. serde_json's
/// "number out of range": its exact value, correctly rounded, is infinite.
fn out_of_range(n: &str) -> bool {
    // Fast path: no exponent and at most 308 digits before any point, i.e.
    // below 10^308 (ports, rule numbers, counts: every number AWS prints).
    if n.len() <= 308 && !n.bytes().any(|b| b | 0x20 == b'e') {
        return false;
    }
    let n = n.strip_prefix('-').unwrap_or(n);
    let (mantissa, exp) = match n.find(['e', 'E']) {
        Some(i) => (n.get(..i).unwrap_or(""), n.get(i + 1..).unwrap_or("")),
        None => (n, ""),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if exp.is_empty() && int.len() <= 308 {
        return false;
    }
    let digits = || int.bytes().chain(frac.bytes());
    let Some(first) = digits().position(|d| d != b'0') else {
        return false; // zero
    };
    // The value is 0.D × 10^k with D the digits from the first non-zero one.
    let exp: i64 = {
        let (neg, e) = match exp.as_bytes().first() {
            Some(b'-') => (true, exp.get(1..).unwrap_or("")),
            Some(b'+') => (false, exp.get(1..).unwrap_or("")),
            _ => (false, exp),
        };
        // Saturate far beyond any input length: only the sign matters then.
        let e = e.bytes().fold(0i64, |acc, d| {
            (acc * 10 + i64::from(d.wrapping_sub(b'0'))).min(1 << 40)
        });
        if neg { -e } else { e }
    };
    let k = int.len() as i64 - first as i64 + exp;
    let limit = INFINITY_DIGITS.len() as i64;
    if k != limit {
        return k > limit;
    }
    // Same magnitude: compare digit by digit (missing digits are zeros).
    let mut d = digits().skip(first);
    for &t in INFINITY_DIGITS {
        let x = d.next().unwrap_or(b'0');
        if x != t {
            return x > t;
        }
    }
    true // equal to the midpoint: rounds to infinity
}
