//! Results to JavaScript objects through a compact "tape": a serde
//! serialiser writes the value as opcodes (`u32`), numbers (`f64`) and a
//! table of the distinct strings; one JavaScript function
//! (`decodeTape`, web/src/tape.js) rebuilds the objects from it in a single
//! pass over typed-array views of the wasm memory.
//!
//! Guarantees: the object is the one `JSON.parse` of serde_json's text
//! would give (same rules: `None` and unit → `null`, non-finite numbers →
//! `null`, enums externally tagged, map keys as strings, integers as
//! numbers), so `JSON.stringify(result)` equals the command line's JSON;
//! a test in web/tests/exports.rs compares them for every scenario.
//! Each distinct string crosses once (a 1,000-subnet report repeats a few
//! hundred strings 6,000 times).
//!
//! Why: for the 1,000-subnet benchmark report (1.4 MB of JSON), serde_json
//! text + `JSON.parse` took about 18 ms and serde-wasm-bindgen (one JS call
//! per field) about 30 ms; see BENCHMARKS.md, "Web".
//!
//! Not done here: deserialisation, or anything but conversion.

use core::fmt;
use serde::ser::{self, Serialize};
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

/// Opcodes, as web/src/tape.js reads them.
mod op {
    pub(super) const NULL: u32 = 0;
    pub(super) const FALSE: u32 = 1;
    pub(super) const TRUE: u32 = 2;
    /// Followed by an index into the numbers.
    pub(super) const NUMBER: u32 = 3;
    /// Followed by an index into the string table.
    pub(super) const STRING: u32 = 4;
    /// Values up to `END`.
    pub(super) const ARRAY: u32 = 5;
    /// (key, value) pairs up to `OBJECT_END`, each key its string index + 1.
    pub(super) const OBJECT: u32 = 6;
    /// The end of an array (where an opcode is read).
    pub(super) const END: u32 = 7;
    /// The end of an object (where a key is read).
    pub(super) const OBJECT_END: u32 = 0;
}

/// A serialised value, ready for `decodeTape`.
pub(crate) struct Tape {
    pub(crate) ops: Vec<u32>,
    pub(crate) numbers: Vec<f64>,
    /// Every distinct string, concatenated.
    pub(crate) text: String,
    /// UTF-16 offsets of each string in `text` (JavaScript slices in
    /// UTF-16 code units), plus the end.
    pub(crate) offsets: Vec<u32>,
    /// Byte ranges of each string in `text`, for the lookups.
    ranges: Vec<(u32, u32)>,
    /// Open-addressing hash table of string indexes.
    slots: Vec<u32>,
    utf16_len: u32,
    /// Field and variant names (`&'static str`) by address: a
    /// direct-mapped cache in front of the hash table, since every object
    /// repeats them (a miss only costs the hash lookup).
    statics: [(usize, usize, u32); 64],
}

const EMPTY: u32 = u32::MAX;

fn hash(s: &str) -> usize {
    let mut h: u64 = s.len() as u64;
    for chunk in s.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    (h ^ (h >> 29) ^ (h >> 47)) as usize
}

/// Why a value cannot be written (only a map key that is not a string or
/// a number, which serde_json refuses too).
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl Tape {
    /// Serialises `value`.
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> Result<Tape, Error> {
        let mut tape = Tape {
            ops: Vec::with_capacity(1024),
            numbers: Vec::new(),
            text: String::new(),
            offsets: vec![0],
            ranges: Vec::new(),
            slots: vec![EMPTY; 1024],
            utf16_len: 0,
            statics: [(0, 0, 0); 64],
        };
        value.serialize(&mut tape)?;
        Ok(tape)
    }

    /// The index of `s` in the string table, added when new.
    fn intern(&mut self, s: &str) -> u32 {
        let mut mask = self.slots.len() - 1;
        let mut i = hash(s) & mask;
        loop {
            let k = self.slots[i];
            if k == EMPTY {
                break;
            }
            let (a, b) = self.ranges[k as usize];
            // `get`, not indexing: a str index's panic path formats a
            // char with `Debug`, which links the Unicode printable tables
            // (about 3 KB gzipped) into the module. The ranges are always
            // in bounds, on character boundaries.
            if self.text.get(a as usize..b as usize) == Some(s) {
                return k;
            }
            i = (i + 1) & mask;
        }
        let k = self.ranges.len() as u32;
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.ranges.push((start, self.text.len() as u32));
        self.utf16_len += s.encode_utf16().count() as u32;
        self.offsets.push(self.utf16_len);
        if self.ranges.len() * 2 > self.slots.len() {
            // Grow and re-insert every string.
            self.slots = vec![EMPTY; self.slots.len() * 2];
            mask = self.slots.len() - 1;
            for (k, (a, b)) in self.ranges.iter().enumerate() {
                let mut j =
                    hash(self.text.get(*a as usize..*b as usize).unwrap_or_default()) & mask;
                while self.slots[j] != EMPTY {
                    j = (j + 1) & mask;
                }
                self.slots[j] = k as u32;
            }
        } else {
            self.slots[i] = k;
        }
        k
    }

    fn string(&mut self, s: &str) {
        let k = self.intern(s);
        self.ops.extend([op::STRING, k]);
    }

    fn number(&mut self, n: f64) {
        if n.is_finite() {
            self.ops.extend([op::NUMBER, self.numbers.len() as u32]);
            self.numbers.push(n);
        } else {
            self.ops.push(op::NULL);
        }
    }

    fn key(&mut self, key: &str) {
        let k = self.intern(key);
        self.ops.push(k + 1);
    }

    /// The index of a `&'static str` (a field or variant name).
    fn intern_static(&mut self, s: &'static str) -> u32 {
        let addr = s.as_ptr() as usize;
        let slot = (addr >> 2) & 63;
        let (a, len, k) = self.statics[slot];
        if a == addr && len == s.len() {
            return k;
        }
        let k = self.intern(s);
        self.statics[slot] = (addr, s.len(), k);
        k
    }

    fn static_key(&mut self, key: &'static str) {
        let k = self.intern_static(key);
        self.ops.push(k + 1);
    }
}

type R = Result<(), Error>;

impl ser::Serializer for &mut Tape {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> R {
        self.ops.push(if v { op::TRUE } else { op::FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> R {
        // As JSON.parse reads a large integer: the nearest double.
        self.number(v as f64);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.number(v as f64);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.number(f64::from(v));
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> R {
        self.number(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.ops.push(op::ARRAY);
        for b in v {
            self.number(f64::from(*b));
        }
        self.ops.push(op::END);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.ops.push(op::NULL);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.ops.push(op::NULL);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        let k = self.intern_static(variant);
        self.ops.extend([op::STRING, k]);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        self.ops.push(op::OBJECT);
        self.static_key(variant);
        value.serialize(&mut *self)?;
        self.ops.push(op::OBJECT_END);
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        self.ops.push(op::ARRAY);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.ops.push(op::OBJECT);
        self.static_key(variant);
        self.ops.push(op::ARRAY);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
        self.ops.push(op::OBJECT);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.ops.push(op::OBJECT);
        self.static_key(variant);
        self.ops.push(op::OBJECT);
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.ops.push(op::END);
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.ops.push(op::END);
        Ok(())
    }
}

impl ser::SerializeTupleStruct for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.ops.push(op::END);
        Ok(())
    }
}

impl ser::SerializeTupleVariant for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        // The array, then the one-key object around it.
        self.ops.extend([op::END, op::OBJECT_END]);
        Ok(())
    }
}

impl ser::SerializeMap for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        key.serialize(MapKey(self))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.ops.push(op::OBJECT_END);
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.static_key(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.ops.push(op::OBJECT_END);
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.static_key(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.ops.extend([op::OBJECT_END, op::OBJECT_END]);
        Ok(())
    }
}

/// A map key, written as the string serde_json would write.
struct MapKey<'t>(&'t mut Tape);

fn key_error() -> Error {
    Error("a map key must be a string or a number".to_string())
}

impl MapKey<'_> {
    fn text(self, s: &str) -> R {
        self.0.key(s);
        Ok(())
    }
}

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> R {
        self.text(v)
    }
    fn serialize_char(self, v: char) -> R {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_bool(self, v: bool) -> R {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> R {
        self.text(&v.to_string())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.text(&v.to_string())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.text(&v.to_string())
    }
    fn serialize_i64(self, v: i64) -> R {
        self.text(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.text(&v.to_string())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.text(&v.to_string())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.text(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.text(&v.to_string())
    }
    fn serialize_f32(self, _: f32) -> R {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> R {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> R {
        Err(key_error())
    }
    fn serialize_none(self) -> R {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> R {
        Err(key_error())
    }
    fn serialize_unit(self) -> R {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> R {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}
