//! `text::decode` gives back the text that was encoded, in every encoding it
//! reads, and `decode_owned` agrees with it on any bytes.
//!
//! The texts hold no U+0000 (a JSON text never holds one raw, and the
//! detection relies on it); without a byte-order mark, UTF-8 texts do not
//! start with U+FEFF (that would be one) nor with ZIP's `PK\x03\x04`, and
//! UTF-16 texts start with a character below U+0100, as every JSON text
//! does (RFC 4627 §3).
#![allow(clippy::unwrap_used)] // a failed unwrap is the property failing

use netready_core::text::{Bom, ByteOrder, Encoding, decode, decode_owned};
use proptest::prelude::*;
use std::borrow::Cow;

fn no_nul() -> impl Strategy<Value = char> {
    any::<char>().prop_filter("JSON holds no raw U+0000", |c| *c != '\0')
}

/// Any text without U+0000.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(no_nul(), 0..120).prop_map(|v| v.into_iter().collect())
}

/// A text as a JSON text starts: its first character below U+0100.
fn json_like() -> impl Strategy<Value = String> {
    (
        (1u32..0x100).prop_map(|c| char::from_u32(c).unwrap()),
        text(),
    )
        .prop_map(|(first, rest)| {
            let mut s = String::from(first);
            s.push_str(&rest);
            s
        })
}

fn utf16(text: &str, order: ByteOrder, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut unit = |u: u16| match order {
        ByteOrder::Little => out.extend(u.to_le_bytes()),
        ByteOrder::Big => out.extend(u.to_be_bytes()),
    };
    if bom {
        unit(0xFEFF);
    }
    text.encode_utf16().for_each(&mut unit);
    out
}

fn check(bytes: Vec<u8>, text: &str, encoding: Encoding) -> Result<(), TestCaseError> {
    let d = decode(&bytes).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(d.text.as_ref(), text);
    prop_assert_eq!(d.encoding, encoding);
    prop_assert_eq!(decode_owned(bytes), Ok((text.to_owned(), encoding)));
    Ok(())
}

proptest! {
    #[test]
    fn utf8_without_bom(text in text().prop_filter("not a BOM or a ZIP header", |t| {
        !t.starts_with('\u{FEFF}') && !t.starts_with("PK\u{3}\u{4}")
    })) {
        check(text.clone().into_bytes(), &text, Encoding::Utf8(Bom::Absent))?;
        // UTF-8 is borrowed, never copied.
        prop_assert!(matches!(decode(text.as_bytes()).unwrap().text, Cow::Borrowed(_)));
    }

    #[test]
    fn utf8_with_bom(text in text()) {
        let bytes = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        check(bytes, &text, Encoding::Utf8(Bom::Present))?;
    }

    #[test]
    fn utf16_with_bom(text in text(), big in any::<bool>()) {
        let order = if big { ByteOrder::Big } else { ByteOrder::Little };
        check(utf16(&text, order, true), &text, Encoding::Utf16(order, Bom::Present))?;
    }

    #[test]
    fn utf16_without_bom(text in json_like(), big in any::<bool>()) {
        let order = if big { ByteOrder::Big } else { ByteOrder::Little };
        check(utf16(&text, order, false), &text, Encoding::Utf16(order, Bom::Absent))?;
    }

    #[test]
    fn owned_and_borrowed_agree_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let borrowed = decode(&bytes).map(|d| (d.text.into_owned(), d.encoding));
        prop_assert_eq!(decode_owned(bytes.clone()), borrowed);
    }
}
