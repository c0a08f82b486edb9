//! The parser against its reference (`reference.rs`, each resource read into
//! a `serde_json::Value`): the same model or the same error, on the
//! scenarios of tests/data/validate, the fuzz corpus, and documents mutated
//! at random (values replaced by other types, escapes, numbers at the edge
//! of `i64` and `f64`, deep nesting, lone surrogates). JSON syntax errors
//! are the parser's own: they must name the same document, line and column
//! as serde_json's, not say the same words.

extern crate std;

use super::{InputError, TOP_KEYS, parse, reference, scan, tree};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn same(docs: &[(&str, &str)]) {
    let new = parse(docs);
    let old = reference::parse(docs);
    match (&new, &old) {
        (Err(new), Err(old)) => same_error(new, old, docs),
        _ => assert_eq!(new, old, "documents: {docs:?}"),
    }
}

/// The same error, but for the words of a syntax error (the parser's own,
/// where the reference has serde_json's) and of a top-level value that is
/// not an object (the parser names what it is).
fn same_error(new: &InputError, old: &InputError, docs: &[(&str, &str)]) {
    match (new, old) {
        (
            InputError::Json {
                document,
                line,
                column,
                message,
            },
            InputError::Json {
                document: d,
                line: l,
                column: c,
                ..
            },
        ) => {
            assert_eq!(
                (document, line, column),
                (d, l, c),
                "{message}; documents: {docs:?}"
            );
            assert!(!message.is_empty());
        }
        (
            InputError::Shape {
                document,
                path,
                expected,
                found,
            },
            InputError::Shape {
                document: d,
                path: p,
                expected: e,
                found: f,
            },
        ) if path == "(top level)" && expected.starts_with("an object") => {
            assert_eq!((document, path, expected), (d, p, e), "documents: {docs:?}");
            assert_eq!(f, "another JSON value", "documents: {docs:?}");
            assert!(
                ["an array", "a string", "a number", "a boolean", "null"].contains(&found.as_str()),
                "{found}"
            );
        }
        // serde_json calls a bare number beyond f64 at the top level a
        // syntax error; the parser, a value that is not an object.
        (InputError::Shape { path, found, .. }, InputError::Json { message, .. })
            if path == "(top level)" && found == "a number" =>
        {
            assert!(message.starts_with("number out of range"), "{message}");
        }
        _ => assert_eq!(new, old, "documents: {docs:?}"),
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("core/ sits in the repository")
        .to_path_buf()
}

/// Every scenario's documents: (directory, [(file name, text)]).
fn scenarios() -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let dir = repo().join("tests/data/validate");
    let mut dirs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/validate exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .expect("scenario directory is readable")
            .map(|e| e.expect("readable directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let docs = files
            .iter()
            .map(|f| {
                let name = f
                    .file_name()
                    .expect("a file")
                    .to_string_lossy()
                    .into_owned();
                (
                    name,
                    std::fs::read_to_string(f).expect("scenario file is UTF-8"),
                )
            })
            .collect();
        out.push((d.display().to_string(), docs));
    }
    out
}

fn as_pairs(docs: &[(String, String)]) -> Vec<(&str, &str)> {
    docs.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect()
}

#[test]
fn scenarios_parse_as_the_reference_does() {
    let all = scenarios();
    assert!(all.len() > 20, "found the scenarios");
    for (_, docs) in &all {
        same(&as_pairs(docs));
        for d in as_pairs(docs) {
            same(&[d]);
        }
    }
}

#[test]
fn fuzz_corpus_parses_as_the_reference_does() {
    let mut n = 0;
    for dir in ["fuzz/corpus/vpc_parse", "fuzz/regressions/vpc_parse"] {
        let Ok(entries) = std::fs::read_dir(repo().join(dir)) else {
            continue;
        };
        for e in entries {
            let data = std::fs::read(e.expect("readable directory entry").path())
                .expect("corpus file is readable");
            // As the vpc_parse target reads its input: NUL-separated documents.
            let texts: Vec<String> = data
                .split(|b| *b == 0)
                .take(8)
                .map(|d| String::from_utf8_lossy(d).into_owned())
                .collect();
            let names: Vec<String> = (0..texts.len()).map(|i| format!("doc{i}.json")).collect();
            let docs: Vec<(&str, &str)> = names
                .iter()
                .map(String::as_str)
                .zip(texts.iter().map(String::as_str))
                .collect();
            same(&docs);
            n += 1;
        }
    }
    assert!(n > 10, "found the corpus ({n} inputs)");
}

/// serde_json's reading of one number, with float_roundtrip (the reference).
fn serde_number(text: &str) -> Result<Option<i64>, ()> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Number(n)) => Ok(n.as_i64()),
        Ok(other) => panic!("{text} read as {other:?}"),
        Err(e) if e.to_string().starts_with("number out of range") => Err(()),
        Err(e) => panic!("{text} is not a JSON number: {e}"),
    }
}

fn tree_number(text: &str) -> Result<Option<i64>, ()> {
    let mut arena = tree::Arena::default();
    match tree::read_one(text, &mut arena) {
        Ok(v) => match v.val() {
            tree::Val::Num(n) => Ok(tree::as_i64(n)),
            _ => panic!("{text} is not a number"),
        },
        Err(tree::Refused::OutOfRange) => Err(()),
        Err(e) => panic!("{text}: {e:?}"),
    }
}

const MAX_MIDPOINT: &str = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Numbers at the edges: i64's bounds, -0, f64::MAX and the midpoint above
/// it written in several ways.
fn edge_numbers() -> Vec<String> {
    let mut v: Vec<String> = [
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
        "-1e309",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "17976931348623157e292",
        "0.17976931348623157e309",
        "0e99999999999999999999",
        "0.0e999",
        "1e-99999999999999",
        "1e99999999999999",
        "1e+308",
        "10e307",
        "0.000001e314",
        "1.797693134862315807937289714053034150799e308",
        "1.797693134862315807937289714053034150798e308",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let mid = MAX_MIDPOINT;
    let minus_one = format!("{}1", &mid[..mid.len() - 1]);
    v.push(mid.to_string());
    v.push(minus_one.clone());
    v.push(format!("-{mid}"));
    v.push(format!("{mid}.0"));
    v.push(format!("{minus_one}.99999999999"));
    v.push(format!("{}.{}e1", &mid[..308], &mid[308..]));
    v.push(format!("0.{mid}e309"));
    v.push(format!("0.{minus_one}e309"));
    v.push(format!("{mid}0e-1"));
    v.push(format!("{minus_one}0e-1"));
    v.push(format!("{}e-1", &mid[..308]));
    v
}

#[test]
fn numbers_read_as_serde_json_reads_them() {
    for n in edge_numbers() {
        assert_eq!(tree_number(&n), serde_number(&n), "{n}");
    }
}

proptest! {
    #[test]
    fn numbers_near_the_edges(
        int in "[1-9][0-9]{0,20}",
        frac in proptest::option::of("[0-9]{1,20}"),
        exp in proptest::option::of(-400i32..400),
        neg in any::<bool>(),
        cut in 1usize..320,
        bump in 0u8..10,
    ) {
        let mut cases = vec![];
        let mut n = if neg { String::from("-") } else { String::new() };
        n.push_str(&int);
        if let Some(f) = &frac { n.push('.'); n.push_str(f); }
        if let Some(e) = exp { n.push_str(&format!("e{e}")); }
        cases.push(n);
        // The midpoint's digits, cut and changed in the last place.
        let cut = cut.min(MAX_MIDPOINT.len());
        let mut d: Vec<u8> = MAX_MIDPOINT.as_bytes()[..cut].to_vec();
        if let Some(last) = d.last_mut() { *last = b'0' + bump.max(u8::from(cut == 1)); }
        let d = String::from_utf8(d).expect("digits");
        cases.push(format!("{}e{}", d, 309 - cut as i32));
        if d.len() > 1 {
            cases.push(format!("{}.{}e{}", &d[..1], &d[1..], 308));
        }
        for c in cases {
            prop_assert_eq!(tree_number(&c), serde_number(&c), "{}", c);
        }
    }
}

/// Raw JSON put in place of a value by the mutations.
fn snippets() -> Vec<String> {
    let mut v: Vec<String> = [
        "null",
        "true",
        "false",
        "0",
        "-1",
        "6",
        "\"6\"",
        "\"-1\"",
        "\"ALL\"",
        "\"Tcp\"",
        "17",
        "443",
        "65536",
        "-0",
        "1.5",
        "32767",
        "32768",
        "\"\"",
        "[]",
        "{}",
        "[1]",
        "{\"a\":1}",
        "\"10.0.0.0/16\"",
        "\"10.0.0.1/16\"",
        "\"::/0\"",
        "\"bad\"",
        "\"\\uD800\"",
        "\"\\uDC00\"",
        "\"\\uD800\\u0041\"",
        "\"\\uD800\\n\"",
        "\"\\uD83D\\uDE00\"",
        "\"a\\u0000b\"",
        "\"sub\\u006eet-\\\"x\\\"\"",
        "\"\\/\\b\\f\\n\\r\\t\"",
        "1e309",
        "-1e400",
        "1.7976931348623157e308",
        "{\"a\":1,\"a\":\"x\"}",
        "\"available\"",
        "\"AVAILABLE\"",
        "\"blackhole\"",
        "\"local\"",
        "\"igw-1\"",
        "\"vpce-1\"",
        "\"Allow\"",
        "\"DENY\"",
        "\"interface\"",
        "\"Gateway\"",
        "\"dualstack\"",
        "\"private\"",
        "{\"State\":\"disassociated\"}",
        "{\"State\":5}",
        "{\"From\":443,\"To\":443}",
        "{\"From\":-1,\"To\":70000}",
        "[{\"CidrBlock\":\"10.1.0.0/16\"}]",
        "[{\"Ipv6CidrBlock\":\"2001:db8::/56\"}]",
        "[{\"GroupId\":\"sg-1\"}]",
        "[\"x\",1]",
        "[{\"Key\":\"domain-name-servers\",\"Values\":[{\"Value\":\"10.0.0.2\"}]}]",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for depth in [126, 127, 128, 129] {
        v.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        v.push(format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
    }
    v.extend(edge_numbers());
    v
}

/// Where a mutation puts its snippet, by a pre-order index over the values.
fn mutate(v: &mut Value, target: &mut usize, snippet: &str, escape: bool) -> bool {
    if *target == 0 {
        *v = if escape {
            match v {
                // The same string with every character escaped.
                Value::String(s) => Value::String(format!("@@ESC{s}@@")),
                _ => Value::String(format!("@@RAW{snippet}@@")),
            }
        } else {
            Value::String(format!("@@RAW{snippet}@@"))
        };
        return true;
    }
    *target -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| mutate(x, target, snippet, escape)),
        Value::Object(m) => m.values_mut().any(|x| mutate(x, target, snippet, escape)),
        _ => false,
    }
}

/// Replaces the markers `mutate` left with raw JSON.
fn splice(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\"@@") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let end = after.find("@@\"").expect("marker closes");
        let body = &after[..end];
        if let Some(raw) = body.strip_prefix("RAW") {
            // The marker went through serde_json's string escaping.
            out.push_str(&serde_json::from_str::<String>(&format!("\"{raw}\"")).expect("marker"));
        } else if let Some(s) = body.strip_prefix("ESC") {
            let s: String = serde_json::from_str(&format!("\"{s}\"")).expect("marker");
            out.push('"');
            for u in s.encode_utf16() {
                out.push_str(&format!("\\u{u:04X}"));
            }
            out.push('"');
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]
    #[test]
    fn mutated_documents_parse_as_the_reference_does(
        scenario in any::<prop::sample::Index>(),
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()), 1..4),
        key_escape in any::<bool>(),
    ) {
        let all = scenarios();
        let (_, docs) = scenario.get(&all);
        let (name, text) = file.get(docs);
        let mut v: Value = serde_json::from_str(text).expect("scenario files are JSON");
        fn count(v: &Value) -> usize {
            1 + match v {
                Value::Array(a) => a.iter().map(count).sum(),
                Value::Object(m) => m.values().map(count).sum(),
                _ => 0,
            }
        }
        let snippets = snippets();
        for (at, which, escape) in mutations {
            let mut target = at.index(count(&v));
            mutate(&mut v, &mut target, which.get(&snippets).as_str(), escape);
        }
        let mut text = splice(&serde_json::to_string_pretty(&v).expect("prints"));
        if key_escape {
            // An escaped key must still name its field.
            text = text.replacen("\"SubnetId\"", "\"Subnet\\u0049d\"", 1);
        }
        let mut both: Vec<(&str, &str)> = as_pairs(docs);
        both.push((name, &text));
        same(&[(name, &text)]);
        same(&both);
    }
}

#[test]
fn deep_and_odd_items_fail_as_the_reference_does() {
    for depth in [1usize, 126, 127, 128, 129, 10_000] {
        let item = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        same(&[("d.json", &format!("{{\"Subnets\": [{item}]}}"))]);
        same(&[("d.json", &format!("{{\"Subnets\": {item}}}"))]);
        let nested = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        same(&[(
            "d.json",
            &format!("{{\"Subnets\": [{{\"SubnetId\": \"s\", \"Tags\": {nested}}}]}}"),
        )]);
        same(&[(
            "d.json",
            &format!("{{\"VpcId\": {nested}, \"EnableDnsSupport\": {{\"Value\": true}}}}"),
        )]);
    }
    for odd in snippets() {
        same(&[("o.json", &format!("{{\"Subnets\": {odd}}}"))]);
        same(&[("o.json", &format!("{{\"Subnets\": [{odd}]}}"))]);
        same(&[(
            "o.json",
            &format!("{{\"VpcId\": {odd}, \"EnableDnsHostnames\": {{\"Value\": {odd}}}}}"),
        )]);
        same(&[("o.json", &format!("{{\"{odd}\": 1, \"Vpcs\": []}}"))]);
    }
}

#[test]
fn top_level_keys_and_duplicates_as_the_reference_does() {
    let subnet = |id: &str| {
        format!("{{\"SubnetId\": \"{id}\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/24\"}}")
    };
    let (a, b) = (subnet("subnet-a"), subnet("subnet-b"));
    for doc in [
        // A repeated key: the last one counts, as in a map.
        format!("{{\"Subnets\": [{a}], \"Subnets\": [{b}]}}"),
        format!("{{\"Subnets\": [{a}], \"Subnets\": 5}}"),
        format!("{{\"Subnets\": 5, \"Subnets\": [{a}]}}"),
        // Escaped keys name the same key.
        format!("{{\"Sub\\u006eets\": [{a}, {a}, {b}]}}"),
        // A lone surrogate in any key, even one not read, is an error.
        format!("{{\"\\uD800\": 1, \"Subnets\": [{a}]}}"),
        format!("{{\"x\\uDC00\": 1, \"Subnets\": [{a}]}}"),
        String::from("{\"Other\": {\"deep\": [[[[1e999]]]]}, \"Vpcs\": []}"),
        String::from("{\"Other\": 1}"),
        String::from("{}"),
        String::from("[]"),
        String::from("null"),
        String::from("{\"Vpcs\": []} x"),
        String::from(
            "{\"VpcId\": \"vpc-1\", \"EnableDnsSupport\": {\"Value\": true}, \"EnableDnsSupport\": {\"Value\": false}}",
        ),
        String::from("{\"VpcId\": 5, \"EnableDnsSupport\": {\"Value\": true}}"),
        String::from("{\"EnableDnsHostnames\": {\"Value\": true}}"),
        String::from("{\"VpcId\": \"v\", \"EnableDnsHostnames\": {}}"),
    ] {
        same(&[("t.json", &doc)]);
        same(&[("t.json", &doc), ("u.json", &doc)]);
    }
}

proptest! {
    /// Entries in any order, rule numbers repeated (one per direction is
    /// usual): the model keeps them sorted stably, as the reference does.
    #[test]
    fn acl_entries_sort_as_the_reference_does(
        entries in prop::collection::vec((1u32..40, any::<bool>(), 0u8..4), 0..80),
    ) {
        let entries: Vec<String> = entries
            .iter()
            .map(|(n, egress, cidr)| format!(
                "{{\"RuleNumber\": {n}, \"Egress\": {egress}, \"Protocol\": \"6\", \"RuleAction\": \"allow\", \"CidrBlock\": \"10.{cidr}.0.0/16\", \"PortRange\": {{\"From\": {n}, \"To\": 443}}}}"
            ))
            .collect();
        let doc = format!(
            "{{\"NetworkAcls\": [{{\"NetworkAclId\": \"acl-1\", \"VpcId\": \"vpc-1\", \"Entries\": [{}]}}]}}",
            entries.join(",")
        );
        prop_assert_eq!(parse(&[("n.json", &doc)]), reference::parse(&[("n.json", &doc)]));
    }
}

proptest! {
    /// The eight-bytes-at-a-time scan finds what a byte loop finds.
    #[test]
    fn string_scan_finds_the_first_quote_or_backslash(
        bytes in prop::collection::vec(prop_oneof![Just(b'"'), Just(b'\\'), any::<u8>(), Just(b'a'), Just(0x22 ^ 0x80), Just(0x5c ^ 0x01)], 0..40),
    ) {
        let expected = bytes.iter().position(|&c| c == b'"' || c == b'\\');
        prop_assert_eq!(tree::quote_or_backslash(&bytes), expected);
    }
}

/// The scanner's split against serde_json's reading of the same document
/// as a map of raw values: the same values when both accept, the same
/// line and column when both refuse, and never one without the other.
fn scanner_agrees(text: &str) {
    let fast = scan::top_level(text, &TOP_KEYS);
    let slow: Result<BTreeMap<String, &serde_json::value::RawValue>, _> =
        serde_json::from_str(text);
    match (fast, slow) {
        (Ok(scan::TopLevel::Object(fast)), Ok(slow)) => {
            let slow = TOP_KEYS.map(|k| slow.get(k).map(|r| r.get()));
            assert_eq!(fast, slow, "{text:?}");
        }
        (Ok(scan::TopLevel::NotObject(_)), Err(e))
            if e.classify() == serde_json::error::Category::Data
                || e.to_string().starts_with("number out of range") => {}
        (Err(fast), Err(slow)) if slow.classify() != serde_json::error::Category::Data => {
            assert_eq!(
                fast.line_column(text),
                (slow.line(), slow.column()),
                "{:?} ({}) where serde_json says {slow}: {text:?}",
                fast.code,
                fast.message(text)
            );
        }
        (Ok(scan::TopLevel::NotObject(what)), Ok(_)) => {
            panic!("the scanner found {what} where serde_json reads an object: {text:?}")
        }
        (Ok(_), Err(e)) => panic!("the scanner accepted what serde_json refuses ({e}): {text:?}"),
        (Err(e), Ok(_)) => panic!(
            "the scanner refused what serde_json accepts ({}): {text:?}",
            e.message(text)
        ),
        (fast, Err(slow)) => panic!(
            "{:?} where serde_json says {slow}: {text:?}",
            fast.map(|_| ())
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Byte-level damage to real documents: the scanner and serde_json
    /// agree, and so do the parser and its reference.
    #[test]
    fn damaged_documents_scan_as_serde_json_does(
        scenario in any::<prop::sample::Index>(),
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, prop_oneof![
            Just(b'"'), Just(b'\\'), Just(b'{'), Just(b'}'), Just(b'['), Just(b']'), Just(b','),
            Just(b':'), Just(b' '), Just(b'\n'), Just(0x1f), Just(b'0'), Just(b'-'), Just(b'.'),
            Just(b'e'), Just(b'+'), Just(b'u'), Just(b'n'), Just(b't'), Just(b'x'), Just(0xc3),
        ]), 1..4),
    ) {
        let all = scenarios();
        let (_, docs) = scenario.get(&all);
        let (name, text) = file.get(docs);
        let mut bytes = text.clone().into_bytes();
        for (at, op, b) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = b,
                1 => bytes.insert(i, b),
                2 => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        scanner_agrees(&text);
        same(&[(name, &text)]);
    }
}

#[test]
fn scanner_edge_cases_agree_with_serde_json() {
    for text in [
        "{}",
        " {} ",
        "{} x",
        "{\"Vpcs\": []}",
        "{\"Vpcs\": [],}",
        "{\"Vpcs\" []}",
        "{\"Vpcs\": [1,]}",
        "{\"Vpcs\": [01]}",
        "{\"Vpcs\": [-]}",
        "{\"Vpcs\": [1.]}",
        "{\"Vpcs\": [1e]}",
        "{\"Vpcs\": [1e+]}",
        "{\"Vpcs\": [-0.5E-3]}",
        "{\"Vpcs\": [tru]}",
        "{\"Vpcs\": [nul]}",
        "{\"Vpcs\": \"a\u{1}b\"}",
        "{\"Vpcs\": \"a\\qb\"}",
        "{\"Vpcs\": \"\\u12G4\"}",
        "{\"Vpcs\": \"\\uD800\"}",
        "{\"Vpcs\": \"\\/\"}",
        "{\"Vp\\u0063s\": []}",
        "{\"\\uD800\": 1}",
        "{\"Vpcs\": [], \"Vpcs\": null}",
        "{\"a\": {\"b\": [{}, [], {\"c\": [[]]}]}, \"Subnets\": []}",
        "{\"Vpcs\": [}",
        "{\"Vpcs\": [[[[[[]]]]]]]}",
        "{\"Vpcs\": {\"a\" 1}}",
        "{\"Vpcs\": {1: 2}}",
        "\u{feff}{}",
        "",
        "   ",
        "[]",
        "\"x\"",
        "{\"Vpcs\": [\"\u{e9}\u{1F600}\"]}",
        "{\"Vpcs\":[{\"VpcId\":\"v\"}]}\n",
        "{\"Vpcs\": [1 2]}",
        "{\"Vpcs\": 1}}",
        // Cut short anywhere, and the top-level value's own errors.
        "{",
        "{\"Vp",
        "{\"Vpcs\"",
        "{\"Vpcs\":",
        "{\"Vpcs\": [",
        "{\"Vpcs\": [{",
        "{\"Vpcs\": [{\"a\"",
        "{\"Vpcs\": [{\"a\":",
        "{\"Vpcs\": [{\"a\": 1",
        "{\"Vpcs\": [{\"a\": 1}",
        "{\"Vpcs\": [{\"a\": 1}]",
        "{\"Vpcs\": [{\"a\": 1}],",
        "{\"Vpcs\": \"\\u12",
        "{\"Vpcs\": \"\\",
        "{\"Vpcs\": -",
        "{\"Vpcs\": 1.",
        "{\"Vpcs\": 1e",
        "{\"Vpcs\": 1e-",
        "{\"Vpcs\": 0",
        "{\"Vpcs\": tr",
        "{\"Vpcs\": [1,]}",
        "{\"Vpcs\": {\"a\": 1,}}",
        "{\"Vpcs\": {,}}",
        "{\"Vpcs\": [,]}",
        "{\"Vpcs\": [1}",
        "{\"Vpcs\": {\"a\": 1]}",
        "{\"Vpcs\": [\"a\nb\"]}",
        "{\"Vpcs\": x}",
        "{\"Vpcs\": \u{e9}}",
        "{\"Vpcs\": [], x}",
        "{\"Vpcs\": [] \"x\": 1}",
        "{\"Vpcs\": [],\n}",
        "{\"Vpcs\": [],\n",
        "{1: 2}",
        "{\"a\nb\": 1}",
        "{\"\\q\": 1}",
        "{\"\\uD800\\n\": 1}",
        "{\"\\uD800x\": 1}",
        "{\"\\uD800\\uD800\": 1}",
        "{\"\\uD800\\uDC00\": 1}",
        "{\"\\uD80\": 1}",
        "{\"\\uD800\\u00",
        "{\"\\uD800\\",
        "{\"\\uD800",
        "{\"\\",
        "\n\n  x",
        "\n\n  {} {}",
        "-",
        "-x",
        "01",
        "1.",
        "1.x",
        "1e",
        "1ex",
        "1e+",
        "1e999",
        "-1e999",
        "123 x",
        "tru",
        "trux",
        "nul",
        "null",
        "false",
        "\"abc",
        "\"abc\"",
        "\"a\nb\"",
        "\"\\uDC00\"",
        "\"\\q\"",
        "[1, 2",
        "}",
        "]",
        "{\"Vpcs\": [\"\\u00e9\\uD83D\\uDE00\"]}",
    ] {
        scanner_agrees(text);
        same(&[("t.json", text)]);
    }
    let deep = format!(
        "{{\"Vpcs\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    scanner_agrees(&deep);
    same(&[("t.json", &deep)]);
}

#[test]
fn scanner_accepts_every_scenario_document() {
    for (dir, docs) in scenarios() {
        for (name, text) in &docs {
            assert!(
                matches!(
                    scan::top_level(text, &TOP_KEYS),
                    Ok(scan::TopLevel::Object(_))
                ),
                "{dir}/{name}: the fast path refused a valid document"
            );
        }
    }
}

/// The words of syntax errors: what was expected, and what was found.
#[test]
fn syntax_errors_say_what_was_expected_and_what_was_found() {
    for (text, want) in [
        (
            "{\n  \"Subnets\": [\n    {\"SubnetId\": }\n",
            "line 3, column 18: not valid JSON: expected a value (an object, an array, a string, a number, true, false or null), found `}`",
        ),
        (
            "{\"Subnets\": [{\"SubnetId\": \"s\",}]}",
            "line 1, column 31: not valid JSON: expected a member name in double quotes, found `}`",
        ),
        (
            "{\"Subnets\": [],}",
            "line 1, column 16: not valid JSON: a comma after the last member (JSON allows no `,` before `}`)",
        ),
        (
            "{\"Subnets\": [1 2]}",
            "line 1, column 16: not valid JSON: expected `,` or `]` after an array element, found `2`",
        ),
        (
            "{\"Subnets\": [] \"Vpcs\": []}",
            "line 1, column 16: not valid JSON: expected `,` or `}` after an object member, found `\"`",
        ),
        (
            "{\"Subnets\" []}",
            "line 1, column 12: not valid JSON: expected `:` after the member's name, found `[`",
        ),
        (
            "{\"Subnets\": [{\"SubnetId\": \"s\"",
            "line 1, column 29: not valid JSON: the document ends inside an object (expected more members or its closing `}`)",
        ),
        (
            "{\"Subnets\": [",
            "line 1, column 13: not valid JSON: the document ends inside an array (expected more elements or its closing `]`)",
        ),
        (
            "{\"Subnets\": [1,",
            "line 1, column 15: not valid JSON: the document ends where a value was expected",
        ),
        (
            "{\"Subnets\": [1",
            "line 1, column 14: not valid JSON: the document ends inside an array (expected more elements or its closing `]`)",
        ),
        (
            "{\"Subnets\": \"subnet-",
            "line 1, column 20: not valid JSON: the document ends inside a string (expected its closing `\"`)",
        ),
        (
            "{\"Subnets\": [tru]}",
            "line 1, column 17: not valid JSON: expected `true`, found `]`",
        ),
        (
            "{\"Subnets\": [01]}",
            "line 1, column 15: not valid JSON: invalid number (JSON numbers look like 7, -12, 0.5 or 1e3), found `1`",
        ),
        (
            "{\"Subnets\": [\"a\tb\"]}",
            "line 1, column 15: not valid JSON: a control character (U+0000 to U+001F) inside a string: it must be written as an escape such as \\n or \\u0009, found the control character U+0009",
        ),
        (
            "{\"Subnets\": [\"a\\qb\"]}",
            "line 1, column 17: not valid JSON: invalid escape in a string (JSON's escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u with four hex digits), found `q`",
        ),
        (
            "{\"\\uDC00\": 1}",
            "line 1, column 8: not valid JSON: a \\u escape holds half of a UTF-16 surrogate pair without the other half",
        ),
        (
            "{\"Subnets\": []}\n}",
            "line 2, column 1: not valid JSON: expected nothing after the top-level value, found `}`",
        ),
        (
            "",
            "line 1, column 0: not valid JSON: the document ends where a value was expected",
        ),
    ] {
        let e = parse(&[("d.json", text)]).expect_err("a syntax error");
        assert!(matches!(e, InputError::Json { .. }), "{e:?}");
        assert_eq!(e.to_string(), format!("d.json: {want}"), "{text:?}");
    }
    // A well-formed document that is not an object says what it is.
    for (text, found) in [
        ("[1, 2]", "an array"),
        ("\"x\"", "a string"),
        ("12", "a number"),
        ("null", "null"),
        ("true", "a boolean"),
    ] {
        assert_eq!(
            parse(&[("d.json", text)])
                .expect_err("not an object")
                .to_string(),
            format!(
                "d.json: (top level): expected an object, as aws ec2 describe-* prints, found {found}"
            )
        );
    }
}

proptest! {
    /// `Quoted` writes ASCII as `{:?}` does, and escapes the rest.
    #[test]
    fn quoted_ascii_is_debug(s in "[\\x00-\\x7f]{0,24}") {
        prop_assert_eq!(format!("{}", super::Quoted(&s)), format!("{s:?}"));
    }
}

#[test]
fn quoted_escapes_every_non_ascii_character() {
    assert_eq!(
        format!("{}", super::Quoted("subnet-1\u{200b}é\"\\\n")),
        "\"subnet-1\\u{200b}\\u{e9}\\\"\\\\\\n\""
    );
    assert_eq!(format!("{}", super::Quoted("")), "\"\"");
}
