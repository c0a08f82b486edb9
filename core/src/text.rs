//! A document's bytes → its text, the way users' tools write files.
//!
//! `aws ec2 describe-* > file.json` writes UTF-8 from a POSIX shell, but
//! Windows PowerShell 5.1's `>` writes UTF-16 LE with a byte-order mark,
//! editors add a UTF-8 byte-order mark, and some tools write UTF-16 without
//! one. [`decode`] reads all of these, so the CLI and the page read the same
//! files the same way:
//!
//! * UTF-8, with or without a byte-order mark (`EF BB BF`);
//! * UTF-16 LE (`FF FE`) or BE (`FE FF`) with a byte-order mark;
//! * UTF-16 LE or BE without one, told from the first two bytes as RFC 4627
//!   §3 tells JSON's encodings: a JSON text starts with an ASCII character,
//!   so `xx 00` is UTF-16 LE and `00 xx` UTF-16 BE.
//!
//! The text returned never starts with the byte-order mark.
//!
//! Anything else is a [`DecodeError`] that says what the bytes look like:
//! UTF-32 (with a byte-order mark or by the same RFC 4627 rule), gzip or ZIP
//! data, binary data (a NUL where text starts), a UTF-16 text cut short or
//! holding an unpaired surrogate, or the first byte that is not UTF-8.
//!
//! Not done here: other encodings (Latin-1, Windows-1252, UTF-32) are not
//! read, and nothing beyond the first four bytes is used to guess; whether
//! the text is JSON is the parser's business.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The UTF-8 byte-order mark.
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Which end of a 16- or 32-bit code unit comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Least significant byte first (`LE`): what Windows writes.
    Little,
    /// Most significant byte first (`BE`).
    Big,
}

impl ByteOrder {
    /// `LE` or `BE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ByteOrder::Little => "LE",
            ByteOrder::Big => "BE",
        }
    }
}

/// Whether the bytes started with a byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bom {
    /// They did (it is not part of the text).
    Present,
    /// They did not.
    Absent,
}

/// The encoding a document was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8.
    Utf8(Bom),
    /// UTF-16 in the given byte order.
    Utf16(ByteOrder, Bom),
}

/// Compressed or archived data: not a document yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Container {
    /// gzip (`1F 8B`).
    Gzip,
    /// A ZIP archive (`PK 03 04`).
    Zip,
}

/// Why bytes are not a text [`decode`] reads; the message says what the
/// bytes look like and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// UTF-8 (no other encoding recognised) with a byte that cannot be
    /// there.
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
        /// That byte.
        byte: u8,
        /// Whether the bytes end inside a character (a file cut short)
        /// rather than holding a wrong byte.
        truncated: bool,
    },
    /// UTF-16 with an odd number of bytes: cut short.
    OddUtf16Length {
        /// The byte order.
        order: ByteOrder,
        /// The number of bytes (byte-order mark included).
        len: usize,
    },
    /// UTF-16 with a surrogate code unit that has no partner.
    UnpairedSurrogate {
        /// The byte order.
        order: ByteOrder,
        /// Offset of the code unit, in bytes from the start.
        offset: usize,
        /// The code unit.
        unit: u16,
    },
    /// UTF-32, which is not read.
    Utf32(ByteOrder),
    /// Compressed or archived data.
    Compressed(Container),
    /// A NUL byte where a text starts: binary data.
    Binary,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SAVE: &str = "save it as UTF-8 (or UTF-16)";
        match self {
            DecodeError::InvalidUtf8 {
                offset,
                truncated: true,
                ..
            } => write!(
                f,
                "not UTF-8 text: it ends inside a character (at byte {offset}): is the file cut short?"
            ),
            DecodeError::InvalidUtf8 { offset, byte, .. } => write!(
                f,
                "not UTF-8 text: byte {offset} (0x{byte:02X}) is not valid UTF-8 (no UTF-8 or UTF-16 byte-order mark either): {SAVE}"
            ),
            DecodeError::OddUtf16Length { order, len } => write!(
                f,
                "UTF-16 {} text with an odd number of bytes ({len}): is the file cut short?",
                order.as_str()
            ),
            DecodeError::UnpairedSurrogate {
                order,
                offset,
                unit,
            } => write!(
                f,
                "UTF-16 {} text with an unpaired surrogate (0x{unit:04X}) at byte {offset}: not valid UTF-16",
                order.as_str()
            ),
            DecodeError::Utf32(order) => write!(
                f,
                "UTF-32 {} text, which is not read: {SAVE}",
                order.as_str()
            ),
            DecodeError::Compressed(Container::Gzip) => {
                f.write_str("gzip-compressed data (it starts 1F 8B), not text: decompress it first")
            }
            DecodeError::Compressed(Container::Zip) => {
                f.write_str("a ZIP archive (it starts PK 03 04), not text: extract the JSON first")
            }
            DecodeError::Binary => f.write_str(
                "binary data (it starts with a NUL byte), not text: expected the JSON that aws ec2 describe-* prints",
            ),
        }
    }
}

impl core::error::Error for DecodeError {}

/// A decoded document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, without the byte-order mark; borrowed from the bytes when
    /// they were UTF-8.
    pub text: Cow<'a, str>,
    /// What it was read as.
    pub encoding: Encoding,
}

/// What the first bytes say, before any decoding.
enum Sniffed {
    Utf8(Bom),
    Utf16(ByteOrder, Bom),
}

fn sniff(bytes: &[u8]) -> Result<Sniffed, DecodeError> {
    let at = |i: usize| bytes.get(i).copied();
    // Byte-order marks, UTF-32's before UTF-16's (FF FE 00 00 starts both;
    // a JSON text never starts with U+0000, so it is UTF-32).
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => return Ok(Sniffed::Utf8(Bom::Present)),
        [0xFF, 0xFE, 0x00, 0x00, ..] => return Err(DecodeError::Utf32(ByteOrder::Little)),
        [0x00, 0x00, 0xFE, 0xFF, ..] => return Err(DecodeError::Utf32(ByteOrder::Big)),
        [0xFF, 0xFE, ..] => return Ok(Sniffed::Utf16(ByteOrder::Little, Bom::Present)),
        [0xFE, 0xFF, ..] => return Ok(Sniffed::Utf16(ByteOrder::Big, Bom::Present)),
        [0x1F, 0x8B, ..] => return Err(DecodeError::Compressed(Container::Gzip)),
        [b'P', b'K', 0x03, 0x04, ..] => return Err(DecodeError::Compressed(Container::Zip)),
        _ => {}
    }
    // No mark: RFC 4627 §3, from where the NULs are among the first bytes
    // (a JSON text's first character is ASCII, and it has no U+0000).
    let nul = |i: usize| at(i) == Some(0);
    let some = |i: usize| at(i).is_some_and(|b| b != 0);
    if bytes.len() >= 4 {
        if some(0) && nul(1) && nul(2) && nul(3) {
            return Err(DecodeError::Utf32(ByteOrder::Little));
        }
        if nul(0) && nul(1) && nul(2) && some(3) {
            return Err(DecodeError::Utf32(ByteOrder::Big));
        }
    }
    if some(0) && nul(1) {
        return Ok(Sniffed::Utf16(ByteOrder::Little, Bom::Absent));
    }
    if nul(0) && some(1) {
        return Ok(Sniffed::Utf16(ByteOrder::Big, Bom::Absent));
    }
    if nul(0) {
        return Err(DecodeError::Binary);
    }
    Ok(Sniffed::Utf8(Bom::Absent))
}

fn utf8_error(bytes: &[u8], base: usize, e: core::str::Utf8Error) -> DecodeError {
    let offset = e.valid_up_to();
    DecodeError::InvalidUtf8 {
        offset: base + offset,
        // valid_up_to < len whenever there is an error.
        byte: bytes.get(offset).copied().unwrap_or_default(),
        truncated: e.error_len().is_none(),
    }
}

fn utf16(bytes: &[u8], order: ByteOrder, bom: Bom) -> Result<String, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::OddUtf16Length {
            order,
            len: bytes.len(),
        });
    }
    let start = match bom {
        Bom::Present => 2,
        Bom::Absent => 0,
    };
    let body = bytes.get(start..).unwrap_or_default();
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        match order {
            ByteOrder::Little => u16::from_le_bytes(pair),
            ByteOrder::Big => u16::from_be_bytes(pair),
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    // Offsets of the units read so far, to name a bad one.
    let mut offset = start;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(e) => {
                return Err(DecodeError::UnpairedSurrogate {
                    order,
                    offset,
                    unit: e.unpaired_surrogate(),
                });
            }
        }
    }
    Ok(text)
}

/// Decodes a document's bytes (see the module documentation for what is
/// read). UTF-8 is borrowed, never copied.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    match sniff(bytes)? {
        Sniffed::Utf8(bom) => {
            let base = match bom {
                Bom::Present => UTF8_BOM.len(),
                Bom::Absent => 0,
            };
            let body = bytes.get(base..).unwrap_or_default();
            let text = core::str::from_utf8(body).map_err(|e| utf8_error(body, base, e))?;
            Ok(Decoded {
                text: Cow::Borrowed(text),
                encoding: Encoding::Utf8(bom),
            })
        }
        Sniffed::Utf16(order, bom) => Ok(Decoded {
            text: Cow::Owned(utf16(bytes, order, bom)?),
            encoding: Encoding::Utf16(order, bom),
        }),
    }
}

/// [`decode`] for bytes the caller owns: UTF-8 becomes the `String` in
/// place (no second copy of a large document).
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<(String, Encoding), DecodeError> {
    match sniff(&bytes)? {
        Sniffed::Utf8(bom) => {
            let base = match bom {
                Bom::Present => UTF8_BOM.len(),
                Bom::Absent => 0,
            };
            bytes.drain(..base);
            String::from_utf8(bytes)
                .map(|text| (text, Encoding::Utf8(bom)))
                .map_err(|e| utf8_error(e.as_bytes(), base, e.utf8_error()))
        }
        Sniffed::Utf16(order, bom) => {
            utf16(&bytes, order, bom).map(|text| (text, Encoding::Utf16(order, bom)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    #[test]
    fn reads_each_encoding() {
        let text = "{\"Vpcs\": [{\"Tags\": [{\"Value\": \"café ☕ 𝄞\"}]}]}";
        let mut cases: Vec<(Vec<u8>, Encoding)> = vec![
            (text.as_bytes().to_vec(), Encoding::Utf8(Bom::Absent)),
            (
                [UTF8_BOM, text.as_bytes()].concat(),
                Encoding::Utf8(Bom::Present),
            ),
            (le(text), Encoding::Utf16(ByteOrder::Little, Bom::Absent)),
            (be(text), Encoding::Utf16(ByteOrder::Big, Bom::Absent)),
        ];
        cases.push((
            [&[0xFF, 0xFE][..], &le(text)].concat(),
            Encoding::Utf16(ByteOrder::Little, Bom::Present),
        ));
        cases.push((
            [&[0xFE, 0xFF][..], &be(text)].concat(),
            Encoding::Utf16(ByteOrder::Big, Bom::Present),
        ));
        for (bytes, encoding) in cases {
            let d = decode(&bytes).expect("decodes");
            assert_eq!(d.text, text, "{encoding:?}");
            assert_eq!(d.encoding, encoding);
            assert_eq!(
                decode_owned(bytes.clone()),
                Ok((text.to_string(), encoding))
            );
        }
        assert!(matches!(
            decode(text.as_bytes()).map(|d| d.text),
            Ok(Cow::Borrowed(_))
        ));
        assert_eq!(decode(b"").map(|d| d.text), Ok(Cow::Borrowed("")));
        assert_eq!(decode(UTF8_BOM).map(|d| d.text), Ok(Cow::Borrowed("")));
        assert_eq!(
            decode(&[0xFF, 0xFE]).map(|d| d.text.into_owned()),
            Ok(String::new())
        );
    }

    #[test]
    fn says_what_other_bytes_look_like() {
        let cases: &[(&[u8], DecodeError)] = &[
            (
                b"{\"a\": \"caf\xE9\"}",
                DecodeError::InvalidUtf8 {
                    offset: 10,
                    byte: 0xE9,
                    truncated: false,
                },
            ),
            (
                b"\xEF\xBB\xBF{\"a\": \xC3",
                DecodeError::InvalidUtf8 {
                    offset: 9,
                    byte: 0xC3,
                    truncated: true,
                },
            ),
            (
                &[0xFF, 0xFE, b'{'],
                DecodeError::OddUtf16Length {
                    order: ByteOrder::Little,
                    len: 3,
                },
            ),
            (
                &[b'{', 0, 0x00, 0xD8, b'}', 0],
                DecodeError::UnpairedSurrogate {
                    order: ByteOrder::Little,
                    offset: 2,
                    unit: 0xD800,
                },
            ),
            (
                &[0xFE, 0xFF, 0, b'{', 0xDC, 0x00],
                DecodeError::UnpairedSurrogate {
                    order: ByteOrder::Big,
                    offset: 4,
                    unit: 0xDC00,
                },
            ),
            (
                &[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0],
                DecodeError::Utf32(ByteOrder::Little),
            ),
            (&[b'{', 0, 0, 0], DecodeError::Utf32(ByteOrder::Little)),
            (&[0, 0, 0, b'{'], DecodeError::Utf32(ByteOrder::Big)),
            (&[0, 0, 0xFE, 0xFF], DecodeError::Utf32(ByteOrder::Big)),
            (
                &[0x1F, 0x8B, 8, 0],
                DecodeError::Compressed(Container::Gzip),
            ),
            (b"PK\x03\x04rest", DecodeError::Compressed(Container::Zip)),
            (&[0], DecodeError::Binary),
            (&[0, 0, 1], DecodeError::Binary),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decode(bytes).as_ref().err(), Some(expected), "{bytes:02x?}");
            assert_eq!(
                decode_owned(bytes.to_vec()).err().as_ref(),
                Some(expected),
                "{bytes:02x?}"
            );
        }
        assert_eq!(
            DecodeError::InvalidUtf8 {
                offset: 10,
                byte: 0xE9,
                truncated: false
            }
            .to_string(),
            "not UTF-8 text: byte 10 (0xE9) is not valid UTF-8 (no UTF-8 or UTF-16 byte-order mark either): save it as UTF-8 (or UTF-16)"
        );
        assert_eq!(
            DecodeError::Utf32(ByteOrder::Little).to_string(),
            "UTF-32 LE text, which is not read: save it as UTF-8 (or UTF-16)"
        );
    }
}
