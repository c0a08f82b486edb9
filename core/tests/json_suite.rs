//! Core's JSON reader (`netready_core::json`) against the standard
//! conformance cases (tests/data/jsontestsuite, JSONTestSuite's
//! `test_parsing`; its README says what each kind of case requires), and
//! the parts of the reader that the cases do not pin down: integers as
//! `i64`, escapes, nesting, duplicate names, error positions.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // test helpers: a failed unwrap is the test failing

use netready_core::json::{self, Document, MAX_NESTING, Tree, Val, Value};
use proptest::prelude::*;
use std::path::PathBuf;

fn suite() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/jsontestsuite")
}

/// What became of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accept,
    Refuse,
    NotUtf8,
}

fn outcome(bytes: &[u8]) -> Outcome {
    match std::str::from_utf8(bytes) {
        Err(_) => Outcome::NotUtf8,
        Ok(text) => match Document::parse(text) {
            Ok(_) => Outcome::Accept,
            Err(_) => Outcome::Refuse,
        },
    }
}

/// Core's tree as a serde_json value (numbers read by serde_json from
/// their text), to compare with serde_json's own reading.
fn to_serde(v: Value<'_>) -> serde_json::Value {
    match v.val() {
        Val::Null => serde_json::Value::Null,
        Val::Bool(b) => serde_json::Value::Bool(b),
        Val::Num(n) => serde_json::from_str(n).expect("a JSON number's text"),
        Val::Str(s) => serde_json::Value::String(s.to_owned()),
        Val::Arr => serde_json::Value::Array(v.children().map(to_serde).collect()),
        // Inserting in order keeps the last of a repeated name, as
        // serde_json's map and `Value::get` do.
        Val::Obj => serde_json::Value::Object(
            v.children()
                .map(|m| (m.key().to_owned(), to_serde(m)))
                .collect(),
        ),
    }
}

#[test]
fn every_suite_case_has_its_outcome() {
    let table = std::fs::read_to_string(suite().join("implementation.tsv")).unwrap();
    let chosen: Vec<(&str, &str)> = table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            (cols.next().unwrap(), cols.next().unwrap())
        })
        .collect();
    let mut counts = [0usize; 3];
    let mut files: Vec<_> = std::fs::read_dir(suite())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let bytes = std::fs::read(&path).unwrap();
        let got = outcome(&bytes);
        match &name[..2] {
            "y_" => {
                counts[0] += 1;
                assert_eq!(got, Outcome::Accept, "{name}");
                let text = std::str::from_utf8(&bytes).unwrap();
                let ours = to_serde(Document::parse(text).unwrap().root());
                let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
                assert_eq!(ours, theirs, "{name}");
            }
            "n_" => {
                counts[1] += 1;
                assert_ne!(got, Outcome::Accept, "{name}");
            }
            "i_" => {
                counts[2] += 1;
                let want = chosen
                    .iter()
                    .find(|(f, _)| *f == name)
                    .unwrap_or_else(|| panic!("{name} is not in implementation.tsv"))
                    .1;
                let want = match want {
                    "accept" => Outcome::Accept,
                    "refuse" => Outcome::Refuse,
                    "not_utf8" => Outcome::NotUtf8,
                    other => panic!("{name}: unknown outcome {other}"),
                };
                assert_eq!(got, want, "{name}");
            }
            _ => panic!("{name}: not a suite case"),
        }
    }
    assert!(
        counts[0] >= 95 && counts[1] >= 188,
        "found the suite: {counts:?}"
    );
    assert_eq!(
        counts[2],
        chosen.len(),
        "implementation.tsv lists every i_ case"
    );
}

/// serde_json's reading of one number as an `i64` (float_roundtrip on).
fn serde_i64(text: &str) -> Option<Option<i64>> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Number(n)) => Some(n.as_i64()),
        Ok(other) => panic!("{text} read as {other:?}"),
        // Beyond f64: serde_json refuses it, core keeps it as text.
        Err(e) if e.to_string().starts_with("number out of range") => None,
        Err(e) => panic!("{text} is not a JSON number: {e}"),
    }
}

fn core_number(text: &str) -> &str {
    let doc = Document::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message(text)));
    match doc.root().val() {
        Val::Num(n) => {
            assert_eq!(n, text);
            text
        }
        other => panic!("{text} read as {other:?}"),
    }
}

#[test]
fn integers_read_as_serde_json_reads_them() {
    for n in [
        "0",
        "-0",
        "1",
        "-1",
        "6",
        "443",
        "65535",
        "65536",
        "-0.0",
        "0.0",
        "1.0",
        "1e2",
        "1E2",
        "-1e0",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "1e308",
        "1e309",
        "-1e999",
        "1.7976931348623157e308",
        "123456789012345678901234567890",
    ] {
        let core = json::as_i64(core_number(n));
        match serde_i64(n) {
            Some(serde) => assert_eq!(core, serde, "{n}"),
            None => assert_eq!(core, None, "{n}"),
        }
    }
}

proptest! {
    #[test]
    fn integers_of_any_digits(
        neg in any::<bool>(),
        digits in "[1-9][0-9]{0,24}",
        frac in proptest::option::of("[0-9]{1,4}"),
        exp in proptest::option::of(-20i32..20),
    ) {
        let mut n = if neg { String::from("-") } else { String::new() };
        n.push_str(&digits);
        if let Some(f) = &frac { n.push('.'); n.push_str(f); }
        if let Some(e) = exp { n.push_str(&format!("e{e}")); }
        let core = json::as_i64(core_number(&n));
        prop_assert_eq!(core, serde_i64(&n).flatten(), "{}", n);
    }

    /// Any string, written with or without escapes, reads back as itself.
    #[test]
    fn strings_read_back(s in "\\PC{0,40}|[\\x00-\\x7f\u{10000}-\u{10010}]{0,40}", escape_all in any::<bool>()) {
        let text = if escape_all {
            let mut t = String::from("\"");
            for u in s.encode_utf16() {
                t.push_str(&format!("\\u{u:04x}"));
            }
            t.push('"');
            t
        } else {
            serde_json::to_string(&s).unwrap()
        };
        let doc = Document::parse(&text).unwrap();
        prop_assert_eq!(doc.root().val(), Val::Str(&s));
    }

    /// A byte changed, added or removed in a valid document: core accepts
    /// it exactly when serde_json does (no numbers beyond f64 are made:
    /// the only digits inserted are single ones).
    #[test]
    fn damaged_text_accepted_as_serde_json_accepts_it(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, prop_oneof![
            Just(b'"'), Just(b'\\'), Just(b'{'), Just(b'}'), Just(b'['), Just(b']'), Just(b','),
            Just(b':'), Just(b' '), Just(b'\n'), Just(0x1f), Just(b'0'), Just(b'-'), Just(b'.'),
            Just(b'e'), Just(b'+'), Just(b'u'), Just(b'n'), Just(b't'), Just(b'x'),
        ]), 1..4),
    ) {
        let mut bytes = br#"{"a": [1, -2.5e3, true, false, null, "x\n\u00e9"], "b": {"c": "d"}, "e": []}"#.to_vec();
        for (at, op, b) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = b,
                1 => bytes.insert(i, b),
                _ => { bytes.remove(i); }
            }
        }
        let text = String::from_utf8(bytes).unwrap();
        let ours = Document::parse(&text);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?}", text, theirs.err());
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            prop_assert_eq!(to_serde(ours.root()), theirs);
        }
    }
}

#[test]
fn repeated_names_keep_the_last() {
    let doc = Document::parse(r#"{"a": 1, "b": 2, "a": [3]}"#).unwrap();
    let a = doc.root().get("a").unwrap();
    assert_eq!(a.val(), Val::Arr);
    assert_eq!(doc.root().children().count(), 3, "every member is kept");
    assert_eq!(doc.root().get("c").map(Value::val), None);
    // `items` is only an array's.
    assert_eq!(Tree::items(doc.root()).count(), 0);
    assert_eq!(Tree::items(a).count(), 1);
    // Escaped names are compared by what they say.
    let doc = Document::parse(r#"{"\u0061\n": 1}"#).unwrap();
    assert!(doc.root().get("a\n").is_some());
}

#[test]
fn nesting_is_read_at_any_depth_and_told() {
    for depth in [1u32, MAX_NESTING - 1, MAX_NESTING, 100_000] {
        let text = format!(
            "[{}{}]",
            "{\"a\":[".repeat(depth as usize),
            "]}".repeat(depth as usize)
        );
        let doc = Document::parse(&text).unwrap();
        // Containers below the root: 2 × depth + 1 levels in all.
        let levels = 2 * depth + 1;
        assert_eq!(
            doc.root().nests_too_deep(),
            levels >= MAX_NESTING,
            "{depth}"
        );
        let inner = doc.root().children().next().unwrap();
        assert_eq!(inner.nests_too_deep(), levels > MAX_NESTING, "{depth}");
    }
}

#[test]
fn errors_say_where() {
    for (text, line, column, message) in [
        ("", 1, 0, "the document ends where a value was expected"),
        ("{\"a\": 1,}", 1, 9, "a comma after the last member"),
        ("[1,\n 2,,]", 2, 4, "expected a value"),
        ("{\"a\" 1}", 1, 6, "expected `:`"),
        (
            "\"\\uD800\"",
            1,
            8,
            "must be followed by a \\u escape of a trailing one",
        ),
        ("\"\\uDC00\"", 1, 7, "half of a UTF-16 surrogate pair"),
        ("\"a\u{1}\"", 1, 3, "control character"),
        ("01", 1, 2, "invalid number"),
        (
            "[1] [2]",
            1,
            5,
            "expected nothing after the top-level value",
        ),
        ("\u{feff}{}", 1, 1, "expected a value"),
    ] {
        let e = Document::parse(text).expect_err(text);
        assert_eq!(e.line_column(text), (line, column), "{text:?}");
        assert!(
            e.message(text).contains(message),
            "{text:?}: {}",
            e.message(text)
        );
    }
}
