//! The describe-* reader (`netready_core::vpc::input`) against an oracle:
//! the same readers (`vpc::input::Reader`) run over serde_json's tree
//! instead of core's own JSON reader must give the same model, or the same
//! error, on the scenarios of tests/data/validate, the fuzz corpus, and
//! documents mutated and damaged at random (values replaced by other types,
//! escapes, numbers at the edge of `i64` and `f64`, deep nesting, lone
//! surrogates, bytes changed). Syntax errors are core's own (RFC 8259, see
//! `json_suite.rs`): where serde_json refuses a document, core must refuse
//! it too, in the same document, but may say so in other words and at
//! another position. Two implementation choices differ from serde_json's,
//! and only those: numbers beyond `f64` are numbers (serde_json refuses
//! them), and deep nesting is refused only where it is read (serde_json
//! refuses a whole document nested 128 levels deep).
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // test helpers: a failed unwrap is the test failing

use netready_core::json::{Tree, Val};
use netready_core::net::Cidr;
use netready_core::vpc::input::Reader;
use netready_core::vpc::model::{
    BpaExclusion, BpaExclusionMode, BpaExclusionScope, BpaMode, ExclusionState, IpRange,
    PrefixList, VpcInput,
};
use netready_core::vpc::{InputError, parse};
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// serde_json's tree, each number kept as its text (as core's tree keeps
/// it; `serde_json::Number` prints an integer as written and a float as a
/// float, so `json::as_i64` reads both as serde_json's `as_i64` would).
enum Mirror {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Mirror>),
    /// serde_json's map: one member per name, the last one written.
    Obj(Vec<(String, Mirror)>),
}

impl From<&Value> for Mirror {
    fn from(v: &Value) -> Mirror {
        match v {
            Value::Null => Mirror::Null,
            Value::Bool(b) => Mirror::Bool(*b),
            Value::Number(n) => Mirror::Num(n.to_string()),
            Value::String(s) => Mirror::Str(s.clone()),
            Value::Array(a) => Mirror::Arr(a.iter().map(Mirror::from).collect()),
            Value::Object(m) => Mirror::Obj(m.iter().map(|(k, v)| (k.clone(), v.into())).collect()),
        }
    }
}

impl<'t> Tree<'t> for &'t Mirror {
    fn val(self) -> Val<'t> {
        match self {
            Mirror::Null => Val::Null,
            Mirror::Bool(b) => Val::Bool(*b),
            Mirror::Num(n) => Val::Num(n),
            Mirror::Str(s) => Val::Str(s),
            Mirror::Arr(_) => Val::Arr,
            Mirror::Obj(_) => Val::Obj,
        }
    }
    fn get(self, key: &str) -> Option<Self> {
        match self {
            Mirror::Obj(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn items(self) -> impl Iterator<Item = Self> {
        match self {
            Mirror::Arr(a) => a.iter(),
            _ => [].iter(),
        }
    }
    fn keys(self) -> impl Iterator<Item = &'t str> {
        let members: &'t [(String, Mirror)] = match self {
            Mirror::Obj(m) => m,
            _ => &[],
        };
        members.iter().map(|(k, _)| k.as_str())
    }
}

/// The readers over serde_json's tree: the model, the readers' error, or
/// serde_json's refusal of a document (its name and the error).
fn oracle(
    docs: &[(&str, &str)],
) -> Result<VpcInput, Result<InputError, (String, serde_json::Error)>> {
    if docs.is_empty() {
        return Err(Ok(InputError::NoDocuments));
    }
    let mut reader = Reader::default();
    for (name, text) in docs {
        if netready_core::vpc::input::blank(text) {
            reader.empty(name);
            continue;
        }
        let v: Value = serde_json::from_str(text).map_err(|e| Err((name.to_string(), e)))?;
        reader.read(name, &Mirror::from(&v)).map_err(Ok)?;
    }
    Ok(reader.finish())
}

/// Where serde_json refuses what RFC 8259 allows (see the module's doc).
fn serde_json_quirk(e: &serde_json::Error) -> bool {
    let m = e.to_string();
    m.starts_with("number out of range") || m.starts_with("recursion limit exceeded")
}

fn same(docs: &[(&str, &str)]) {
    let ours = parse(docs);
    match (&ours, oracle(docs)) {
        (Ok(a), Ok(b)) => assert_eq!(a, &b, "documents: {docs:?}"),
        (Err(a), Err(Ok(b))) => assert_eq!(a, &b, "documents: {docs:?}"),
        (ours, Err(Err((document, e)))) if serde_json_quirk(&e) => {
            // serde_json stopped at what core reads; its syntax pass alone
            // (which skips values unread: no range, no depth) must agree
            // with core on that document, but for core's refusing half of
            // a surrogate pair anywhere.
            let text = docs
                .iter()
                .find(|(n, _)| *n == document)
                .map_or("", |d| d.1);
            let syntax = serde_json::from_str::<serde::de::IgnoredAny>(text);
            match ours {
                Err(InputError::Json {
                    document: d,
                    message,
                    ..
                }) if *d == document => {
                    assert!(
                        syntax.is_err() || message.contains("surrogate"),
                        "{message} where serde_json reads the syntax: {docs:?}"
                    );
                }
                _ => assert!(
                    syntax.is_ok(),
                    "core read what serde_json refuses ({syntax:?}): {docs:?}"
                ),
            }
        }
        (
            Err(InputError::Json {
                document, message, ..
            }),
            Err(Err((d, e))),
        ) => {
            assert_eq!(
                document, &d,
                "{message} where serde_json says {e}: {docs:?}"
            );
            assert!(!message.is_empty());
        }
        (ours, theirs) => panic!(
            "core: {ours:?}\nserde_json: {:?}\ndocuments: {docs:?}",
            theirs.map_err(|e| e.map_err(|(d, e)| format!("{d}: {e}")))
        ),
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("core/ sits in the repository")
        .to_path_buf()
}

/// Every scenario's documents: (directory, [(file name, text)]), and the
/// documents no scenario uses yet (tests/data/documents) as one more.
fn scenarios() -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let dir = repo().join("tests/data/validate");
    let mut dirs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/validate exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.push(repo().join("tests/data/documents"));
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
            .collect::<Vec<(String, String)>>();
        // Terraform plans are read by the plan reader, over core's own tree
        // only (core/tests/vpc_plan.rs, tests/tests/validate_plan.rs).
        let docs: Vec<(String, String)> = docs
            .into_iter()
            .filter(|(_, t)| !t.contains("\"resource_changes\""))
            .collect();
        if !docs.is_empty() {
            out.push((d.display().to_string(), docs));
        }
    }
    out
}

fn as_pairs(docs: &[(String, String)]) -> Vec<(&str, &str)> {
    docs.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect()
}

#[test]
fn scenarios_parse_as_the_oracle_does() {
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
fn fuzz_corpus_parses_as_the_oracle_does() {
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
        "\"pl-6da54004\"",
        "[{\"Cidr\":\"10.0.0.0/8\"}]",
        "\"block-ingress\"",
        "\"allow-egress\"",
        "\"create-complete\"",
        "\"update-failed\"",
        "\"delete-complete\"",
        "\"arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1\"",
        "\"arn:aws-us-gov:ec2:us-gov-west-1:1:subnet/subnet-1\"",
        "\"arn:aws:ec2:eu-west-1:1:instance/i-1\"",
        "\"arn:aws:ec2:eu-west-1:1:vpc/subnet-1\"",
        "\"2600:1f14::/35\"",
        "\"GLOBAL\"",
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

type Mutation = (prop::sample::Index, prop::sample::Index, bool);

/// One file of `docs` mutated: alone, and beside the others, the parser
/// and the oracle agree.
fn mutated_same(
    docs: &[(String, String)],
    file: prop::sample::Index,
    mutations: Vec<Mutation>,
    key_escape: bool,
) {
    let (name, text) = file.get(docs);
    if netready_core::vpc::input::blank(text) {
        // An empty file (a collect command that failed): nothing to mutate.
        same(&[(name, text)]);
        return;
    }
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
        for (key, escaped) in [
            ("\"SubnetId\"", "\"Subnet\\u0049d\""),
            ("\"PrefixListId\"", "\"PrefixList\\u0049d\""),
            ("\"ResourceArn\"", "\"Resource\\u0041rn\""),
            ("\"ip_prefix\"", "\"ip\\u005fprefix\""),
        ] {
            text = text.replacen(key, escaped, 1);
        }
    }
    let mut both: Vec<(&str, &str)> = as_pairs(docs);
    both.push((name, &text));
    same(&[(name, &text)]);
    same(&both);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]
    #[test]
    fn mutated_documents_parse_as_the_oracle_does(
        scenario in any::<prop::sample::Index>(),
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()), 1..4),
        key_escape in any::<bool>(),
    ) {
        let all = scenarios();
        let (_, docs) = scenario.get(&all);
        mutated_same(docs, file, mutations, key_escape);
    }

    /// The same, more often, on the documents no scenario uses yet.
    #[test]
    fn mutated_new_documents_parse_as_the_oracle_does(
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()), 1..4),
        key_escape in any::<bool>(),
    ) {
        let all = scenarios();
        let (_, docs) = all.last().expect("tests/data/documents is the last");
        mutated_same(docs, file, mutations, key_escape);
    }
}

#[test]
fn deep_and_odd_items_fail_as_the_oracle_does() {
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
        for key in [
            "PrefixLists",
            "VpcBlockPublicAccessExclusions",
            "prefixes",
            "ipv6_prefixes",
        ] {
            same(&[("o.json", &format!("{{\"{key}\": {odd}}}"))]);
            same(&[("o.json", &format!("{{\"{key}\": [{odd}]}}"))]);
        }
        same(&[(
            "o.json",
            &format!("{{\"PrefixListId\": {odd}, \"Entries\": [{{\"Cidr\": {odd}}}]}}"),
        )]);
        same(&[(
            "o.json",
            &format!("{{\"PrefixListId\": \"pl-1\", \"Entries\": {odd}}}"),
        )]);
        same(&[(
            "o.json",
            &format!("{{\"VpcBlockPublicAccessOptions\": {odd}}}"),
        )]);
        same(&[(
            "o.json",
            &format!(
                "{{\"VpcBlockPublicAccessOptions\": {{\"InternetGatewayBlockMode\": {odd}}}}}"
            ),
        )]);
    }
}

#[test]
fn top_level_keys_and_duplicates_as_the_oracle_does() {
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
        // Prefix lists: entries beside their list id, before or after the
        // list, repeated; entries without a list id.
        String::from("{\"Entries\": [{\"Cidr\": \"10.0.0.0/8\"}]}"),
        String::from("{\"PrefixListId\": \"pl-1\", \"Entries\": []}"),
        String::from("{\"PrefixListId\": \"pl-1\", \"Entries\": null}"),
        String::from(
            "{\"PrefixListId\": \"pl-1\", \"Entries\": [{\"Cidr\": \"10.0.0.1/8\"}], \"PrefixLists\": [{\"PrefixListId\": \"pl-1\", \"PrefixListName\": \"a\"}, {\"PrefixListId\": \"pl-1\", \"PrefixListName\": \"b\"}, {\"PrefixListId\": \"pl-2\"}]}",
        ),
        String::from("{\"PrefixListId\": 5, \"Entries\": []}"),
        String::from("{\"PrefixListId\": \"pl-1\"}"),
        // Block Public Access.
        String::from("{\"VpcBlockPublicAccessOptions\": {}}"),
        String::from("{\"VpcBlockPublicAccessOptions\": null}"),
        String::from(
            "{\"VpcBlockPublicAccessOptions\": {\"InternetGatewayBlockMode\": \"block-ingress\"}}",
        ),
        String::from(
            "{\"VpcBlockPublicAccessExclusions\": [{\"ExclusionId\": \"e\", \"InternetGatewayExclusionMode\": \"allow-egress\", \"ResourceArn\": \"arn:aws:ec2:r:1:vpc/vpc-1\", \"State\": \"x\"}, {\"ExclusionId\": \"e\"}]}",
        ),
        // Other AWS commands' output (skipped), and objects that are not
        // (errors).
        String::from("{\"NetworkInterfaces\": []}"),
        String::from("{\"NetworkInterfaces\": [{\"x\": 1}], \"NextToken\": \"t\"}"),
        String::from("{\"NetworkInterfaces\": [], \"NetworkInterfaces\": [1]}"),
        String::from("{\"NetworkInterfaces\": [], \"NetworkInterfaces\": 5}"),
        String::from("{\"NextToken\": \"t\"}"),
        String::from("{\"NetworkInterfaces\": {}}"),
        String::from("{\"networkInterfaces\": []}"),
        String::from("{\"Network_Interfaces\": []}"),
        String::from("{\"Reservations\": [], \"Instances\": []}"),
        String::from("{\"\\u0052eservations\": []}"),
        String::from("{\"Reservations\": [], \"\\uD800\": 1}"),
        // The same resource twice: identical (one), or not (a conflict).
        format!("{{\"Subnets\": [{a}, {a}]}}"),
        format!(
            "{{\"Subnets\": [{a}, {}]}}",
            a.replace("10.0.0.0/24", "10.0.1.0/24")
        ),
        format!(
            "{{\"Subnets\": [{a}], \"Vpcs\": [{{\"VpcId\": \"vpc-1\"}}, {{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}}]}}"
        ),
        // Subnets of two regions, by ARN or by zone.
        String::from(
            "{\"Subnets\": [{\"SubnetId\": \"s1\", \"VpcId\": \"v\", \"SubnetArn\": \"arn:aws:ec2:eu-west-1:1:subnet/s1\"}, {\"SubnetId\": \"s2\", \"VpcId\": \"v\", \"AvailabilityZone\": \"eu-west-2a\"}]}",
        ),
        String::from(
            "{\"Subnets\": [{\"SubnetId\": \"s1\", \"VpcId\": \"v\", \"AvailabilityZone\": \"eu-west-1b\"}, {\"SubnetId\": \"s2\", \"VpcId\": \"v\", \"SubnetArn\": \"arn:aws:ec2:eu-west-1:1:subnet/s2\", \"AvailabilityZone\": \"nowhere\"}]}",
        ),
        // ip-ranges.json.
        String::from(
            "{\"syncToken\": \"1\", \"prefixes\": [{\"ip_prefix\": \"3.5.0.0/16\", \"region\": \"GLOBAL\", \"service\": \"AMAZON\"}], \"ipv6_prefixes\": null}",
        ),
        String::from("{\"ipv6_prefixes\": [{\"ipv6_prefix\": \"3.5.0.0/16\"}]}"),
    ] {
        same(&[("t.json", &doc)]);
        same(&[("t.json", &doc), ("u.json", &doc)]);
    }
}

proptest! {
    /// Entries in any order, rule numbers repeated (one per direction is
    /// usual): the model keeps them sorted by rule number, stably.
    #[test]
    fn acl_entries_sort_stably(
        entries in prop::collection::vec((1u32..40, any::<bool>(), 0u8..4), 0..80),
    ) {
        let text: Vec<String> = entries
            .iter()
            .map(|(n, egress, cidr)| format!(
                "{{\"RuleNumber\": {n}, \"Egress\": {egress}, \"Protocol\": \"6\", \"RuleAction\": \"allow\", \"CidrBlock\": \"10.{cidr}.0.0/16\", \"PortRange\": {{\"From\": {n}, \"To\": 443}}}}"
            ))
            .collect();
        let doc = format!(
            "{{\"NetworkAcls\": [{{\"NetworkAclId\": \"acl-1\", \"VpcId\": \"vpc-1\", \"Entries\": [{}]}}]}}",
            text.join(",")
        );
        same(&[("n.json", &doc)]);
        let input = parse(&[("n.json", &doc)]).expect("valid entries");
        let got: Vec<(u32, u16)> = input.network_acls.items[0]
            .entries
            .iter()
            .map(|e| (e.rule_number, e.ports.from))
            .collect();
        let mut want = entries.clone();
        want.sort_by_key(|e| e.0);
        // From is the rule number: the same order, and the same entries.
        let want: Vec<(u32, u16)> = want.iter().map(|e| (e.0, e.0 as u16)).collect();
        prop_assert_eq!(got, want);
        let cidrs: Vec<String> = input.network_acls.items[0].entries.iter().map(|e| e.cidr.to_string()).collect();
        let mut order: Vec<(u32, String)> = entries.iter().map(|(n, _, c)| (*n, format!("10.{c}.0.0/16"))).collect();
        order.sort_by_key(|e| e.0);
        prop_assert_eq!(cidrs, order.into_iter().map(|e| e.1).collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Byte-level damage to real documents: core and the oracle agree.
    #[test]
    fn damaged_documents_parse_as_the_oracle_does(
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
        same(&[(name, &text)]);
    }
}

#[test]
fn syntax_edge_cases_as_the_oracle_reads_them() {
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
        same(&[("t.json", text)]);
    }
    let deep = format!(
        "{{\"Vpcs\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    same(&[("t.json", &deep)]);
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
            "line 1, column 31: not valid JSON: a comma after the last member (JSON allows no `,` before `}`)",
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
            "line 1, column 16: not valid JSON: a control character (U+0000 to U+001F) inside a string: it must be written as an escape such as \\n or \\u0009, found the control character U+0009",
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
    ] {
        same(&[("d.json", text)]);
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

// ---------------------------------------------------------------------------
// The documents beyond describe-*: prefix list entries, Block Public Access,
// ip-ranges.json.
// ---------------------------------------------------------------------------

fn cidr(s: &str) -> Cidr {
    s.parse().expect("a test CIDR")
}

/// The files of tests/data/documents, by name.
fn documents() -> Vec<(String, String)> {
    scenarios()
        .pop()
        .expect("tests/data/documents is listed last")
        .1
}

fn parse_ok(docs: &[(&str, &str)]) -> VpcInput {
    let input = parse(docs).expect("the documents parse");
    assert_eq!(
        Some(&input),
        oracle(docs).ok().as_ref(),
        "the oracle agrees"
    );
    input
}

/// The error `docs` give, checked against the oracle.
fn error(docs: &[(&str, &str)]) -> String {
    same(docs);
    parse(docs).expect_err("bad input").to_string()
}

fn sorted(mut lists: Vec<PrefixList>) -> Vec<PrefixList> {
    lists.sort_by(|a, b| a.id.cmp(&b.id));
    lists
}

#[test]
fn new_documents_read_into_the_model() {
    let docs = documents();
    assert_eq!(
        docs.len(),
        7,
        "{:?}",
        docs.iter().map(|d| &d.0).collect::<Vec<_>>()
    );
    let input = parse_ok(&as_pairs(&docs));
    assert!(input.prefix_lists.given);
    assert_eq!(
        sorted(input.prefix_lists.items.clone()),
        vec![
            PrefixList {
                id: "pl-0c0ffee0000000001".into(),
                name: Some("corp-egress".into()),
                entries: Some(vec![cidr("10.100.0.0/16"), cidr("192.0.2.0/24")]),
            },
            PrefixList {
                id: "pl-0e6e6e6e6e6e6e6e6".into(),
                name: Some("corp-egress-v6".into()),
                entries: Some(vec![cidr("2001:db8:1000::/40")]),
            },
            PrefixList {
                id: "pl-6da54004".into(),
                name: Some("com.amazonaws.eu-west-1.s3".into()),
                entries: Some(vec![
                    cidr("3.5.64.0/21"),
                    cidr("3.5.72.0/23"),
                    cidr("52.92.0.0/17"),
                    cidr("52.218.0.0/17"),
                ]),
            },
        ]
    );
    assert_eq!(input.bpa_options, Some(BpaMode::BlockBidirectional));
    assert!(input.bpa_exclusions.given);
    assert_eq!(
        input.bpa_exclusions.items,
        vec![
            BpaExclusion {
                id: "vpcbpa-exclude-0a1b2c3d4e5f60001".into(),
                mode: BpaExclusionMode::AllowEgress,
                scope: BpaExclusionScope::Subnet("subnet-0aaa000000000001".into()),
                state: ExclusionState::Active,
            },
            BpaExclusion {
                id: "vpcbpa-exclude-0a1b2c3d4e5f60002".into(),
                mode: BpaExclusionMode::AllowBidirectional,
                scope: BpaExclusionScope::Vpc("vpc-0a1b2c3d4e5f60001".into()),
                state: ExclusionState::Inactive,
            },
            BpaExclusion {
                id: "vpcbpa-exclude-0a1b2c3d4e5f60003".into(),
                mode: BpaExclusionMode::AllowBidirectional,
                scope: BpaExclusionScope::Vpc("vpc-0a1b2c3d4e5f60001".into()),
                state: ExclusionState::Active,
            },
        ]
    );
    let ranges = input.ip_ranges.expect("ip-ranges.json was given");
    assert_eq!(ranges.len(), 7);
    let range = |c: &str, region: &str, service: &str| IpRange {
        cidr: cidr(c),
        region: region.into(),
        service: service.into(),
    };
    for r in [
        range("3.5.64.0/21", "eu-west-1", "S3"),
        range("13.32.0.0/15", "GLOBAL", "CLOUDFRONT"),
        range("2a05:d07c:2000::/40", "eu-west-1", "AMAZON"),
    ] {
        assert!(ranges.contains(&r), "{r:?}");
    }
    // Nothing else is given by these documents.
    assert!(!input.vpcs.given && !input.subnets.given && !input.route_tables.given);
}

#[test]
fn each_new_document_alone() {
    let docs = documents();
    let doc = |name: &str| {
        docs.iter()
            .find(|(n, _)| n == name)
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .expect("the document exists")
    };
    let lists = parse_ok(&[doc("describe-managed-prefix-lists.json")]).prefix_lists;
    assert!(lists.given);
    assert_eq!(lists.items.len(), 3);
    assert!(
        lists
            .items
            .iter()
            .all(|l| l.entries.is_none() && l.name.is_some())
    );

    // One list's entries missing: that list has none, the others do.
    let without: Vec<(&str, &str)> = as_pairs(&docs)
        .into_iter()
        .filter(|(n, _)| *n != "prefix-list-pl-0e6e6e6e6e6e6e6e6.json")
        .collect();
    let lists = parse_ok(&without).prefix_lists;
    for l in &lists.items {
        assert_eq!(l.entries.is_none(), l.id == "pl-0e6e6e6e6e6e6e6e6", "{l:?}");
    }

    // The entries alone: the list exists, given, without a name.
    let lists = parse_ok(&[doc("prefix-list-pl-6da54004.json")]).prefix_lists;
    assert!(lists.given);
    assert_eq!(lists.items.len(), 1);
    assert_eq!(lists.items[0].id, "pl-6da54004");
    assert_eq!(lists.items[0].name, None);
    assert_eq!(lists.items[0].entries.as_ref().map(Vec::len), Some(4));

    let input = parse_ok(&[doc("describe-vpc-block-public-access-options.json")]);
    assert_eq!(input.bpa_options, Some(BpaMode::BlockBidirectional));
    assert!(!input.bpa_exclusions.given && !input.prefix_lists.given);
    assert_eq!(input.ip_ranges, None);

    let input = parse_ok(&[doc("describe-vpc-block-public-access-exclusions.json")]);
    assert_eq!(input.bpa_exclusions.items.len(), 3);
    assert_eq!(input.bpa_options, None);

    let input = parse_ok(&[doc("ip-ranges.json")]);
    assert_eq!(input.ip_ranges.as_ref().map(Vec::len), Some(7));
    assert_eq!(
        input,
        VpcInput {
            ip_ranges: input.ip_ranges.clone(),
            ..VpcInput::default()
        }
    );
}

#[test]
fn entries_merge_into_their_list_in_any_order() {
    let docs = documents();
    let forward = as_pairs(&docs);
    let mut backward = forward.clone();
    backward.reverse();
    let a = parse_ok(&forward);
    let b = parse_ok(&backward);
    assert_eq!(
        sorted(a.prefix_lists.items.clone()),
        sorted(b.prefix_lists.items.clone())
    );
    // The same documents twice: nothing changes.
    let twice: Vec<(&str, &str)> = forward.iter().chain(forward.iter()).copied().collect();
    assert_eq!(parse_ok(&twice), a);
}

#[test]
fn the_first_of_each_document_without_ids_counts() {
    // A prefix list's entries have an id (the list's): the same entries
    // in another order are one list, other entries a conflict.
    let entries = |cidrs: &[&str]| {
        let list: Vec<String> = cidrs
            .iter()
            .map(|c| format!(r#"{{"Cidr": "{c}"}}"#))
            .collect();
        format!(
            r#"{{"PrefixListId": "pl-1", "Entries": [{}]}}"#,
            list.join(", ")
        )
    };
    let (old, again) = (
        entries(&["10.0.0.0/8", "10.2.0.0/16"]),
        entries(&["10.2.0.0/16", "10.0.0.0/8"]),
    );
    let input = parse_ok(&[("a.json", &old), ("b.json", &again)]);
    assert_eq!(
        input.prefix_lists.items[0].entries,
        Some(vec![cidr("10.0.0.0/8"), cidr("10.2.0.0/16")])
    );
    let new = entries(&["10.1.0.0/16"]);
    assert_eq!(
        error(&[("a.json", &old), ("b.json", &new)]),
        "b.json: prefix list's entries pl-1 is also in a.json, with different contents: which one holds is unknown (files of two collects in one folder?); give the files of one collect"
    );

    let options = |mode: &str| {
        format!(r#"{{"VpcBlockPublicAccessOptions": {{"InternetGatewayBlockMode": "{mode}"}}}}"#)
    };
    let input = parse_ok(&[
        ("a.json", &options("off")),
        ("b.json", &options("block-ingress")),
    ]);
    assert_eq!(input.bpa_options, Some(BpaMode::Off));

    let ranges = |prefix: &str| {
        format!(
            r#"{{"prefixes": [{{"ip_prefix": "{prefix}", "region": "eu-west-1", "service": "S3"}}]}}"#
        )
    };
    let input = parse_ok(&[
        ("a.json", &ranges("3.5.0.0/16")),
        ("b.json", &ranges("52.0.0.0/8")),
    ]);
    assert_eq!(input.ip_ranges.map(|r| r.len()), Some(1));
    // A later ip-ranges document is still read: a broken one is an error.
    let e = error(&[
        ("a.json", &ranges("3.5.0.0/16")),
        ("b.json", &ranges("52.0.0.0/33")),
    ]);
    assert!(
        e.starts_with("b.json: prefixes[0].ip_prefix: expected a CIDR"),
        "{e}"
    );
    // An empty one still says the file was given.
    let input = parse_ok(&[(
        "a.json",
        r#"{"syncToken": "1", "prefixes": [], "ipv6_prefixes": []}"#,
    )]);
    assert_eq!(input.ip_ranges, Some(vec![]));
}

#[test]
fn bad_new_documents_name_the_path_and_what_was_expected() {
    for (doc, want) in [
        (
            r#"{"Entries": [{"Cidr": "10.0.0.0/8", "Description": "x"}]}"#,
            "d.json: PrefixListId: expected a string beside Entries: get-managed-prefix-list-entries does not print which list the entries belong to, so write the file as netready validate --collect does: aws ec2 get-managed-prefix-list-entries --region R --prefix-list-id pl-X --query \"{PrefixListId: 'pl-X', Entries: Entries}\" --output json > prefix-list-pl-X.json, found nothing",
        ),
        (
            r#"{"PrefixListId": ["pl-1"], "Entries": []}"#,
            "d.json: PrefixListId: expected a string, found an array",
        ),
        (
            r#"{"PrefixListId": "pl-1", "Entries": {"Cidr": "10.0.0.0/8"}}"#,
            "d.json: Entries: expected an array, found an object",
        ),
        (
            r#"{"PrefixListId": "pl-1", "Entries": [{"Cidr": "10.0.0.0/8"}, {"Description": "x"}]}"#,
            "d.json: Entries[1].Cidr: expected a string (the field is required), found nothing",
        ),
        (
            r#"{"PrefixListId": "pl-1", "Entries": [{"Cidr": "10.0.0.0/33"}]}"#,
            "d.json: Entries[0].Cidr: expected a CIDR such as 10.0.0.0/16 (the prefix length must be a number from 0 to 32), found a string that is not one",
        ),
        (
            r#"{"PrefixLists": [{"PrefixListName": "x"}]}"#,
            "d.json: PrefixLists[0].PrefixListId: expected a string (the field is required), found nothing",
        ),
        (
            r#"{"PrefixLists": [{"PrefixListId": "pl-1", "PrefixListName": 7}]}"#,
            "d.json: PrefixLists[0].PrefixListName: expected a string, found a number",
        ),
        (
            r#"{"VpcBlockPublicAccessOptions": {"AwsRegion": "eu-west-1"}}"#,
            "d.json: VpcBlockPublicAccessOptions.InternetGatewayBlockMode: expected \"off\", \"block-bidirectional\" or \"block-ingress\" (the field is required), found nothing",
        ),
        (
            r#"{"VpcBlockPublicAccessOptions": {"InternetGatewayBlockMode": "block-all"}}"#,
            "d.json: VpcBlockPublicAccessOptions.InternetGatewayBlockMode: expected \"off\", \"block-bidirectional\" or \"block-ingress\", found another string",
        ),
        (
            r#"{"VpcBlockPublicAccessOptions": null}"#,
            "d.json: VpcBlockPublicAccessOptions: expected an object, found null",
        ),
        (
            r#"{"VpcBlockPublicAccessOptions": [{"InternetGatewayBlockMode": "off"}]}"#,
            "d.json: VpcBlockPublicAccessOptions: expected an object, found an array",
        ),
        (
            r#"{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "e", "InternetGatewayExclusionMode": "allow-all", "ResourceArn": "arn:aws:ec2:r:1:vpc/vpc-1", "State": "create-complete"}]}"#,
            "d.json: VpcBlockPublicAccessExclusions[0].InternetGatewayExclusionMode: expected \"allow-bidirectional\" or \"allow-egress\", found another string",
        ),
        (
            r#"{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "e", "InternetGatewayExclusionMode": "allow-egress", "ResourceArn": "arn:aws:ec2:r:1:instance/i-1", "State": "create-complete"}]}"#,
            "d.json: VpcBlockPublicAccessExclusions[0].ResourceArn: expected the ARN of a VPC or a subnet, such as arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0123456789abcdef0 or …:subnet/subnet-0123456789abcdef0, found another string",
        ),
        (
            r#"{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "e", "InternetGatewayExclusionMode": "allow-egress", "ResourceArn": "arn:aws:ec2:r:1:vpc/vpc-1"}]}"#,
            "d.json: VpcBlockPublicAccessExclusions[0].State: expected a string (the field is required), found nothing",
        ),
        (
            r#"{"VpcBlockPublicAccessExclusions": {"ExclusionId": "e"}}"#,
            "d.json: VpcBlockPublicAccessExclusions: expected an array, found an object",
        ),
        (
            r#"{"prefixes": [{"ip_prefix": "2600:1f14::/35", "region": "eu-west-1", "service": "AMAZON"}]}"#,
            "d.json: prefixes[0].ip_prefix: expected an IPv4 CIDR such as 3.5.140.0/22, found an IPv6 CIDR",
        ),
        (
            r#"{"ipv6_prefixes": [{"ipv6_prefix": "3.5.140.0/22", "region": "eu-west-1", "service": "AMAZON"}]}"#,
            "d.json: ipv6_prefixes[0].ipv6_prefix: expected an IPv6 CIDR such as 2600:1f14::/35, found an IPv4 CIDR",
        ),
        (
            r#"{"prefixes": [{"ip_prefix": "3.5.140.0/22", "service": "AMAZON"}]}"#,
            "d.json: prefixes[0].region: expected a string (the field is required), found nothing",
        ),
        (
            r#"{"prefixes": [{"ip_prefix": "3.5.140.0/22", "region": "GLOBAL", "service": null}]}"#,
            "d.json: prefixes[0].service: expected a string, found null",
        ),
        (
            r#"{"syncToken": "1", "prefixes": "3.5.140.0/22"}"#,
            "d.json: prefixes: expected an array, found a string",
        ),
    ] {
        assert_eq!(error(&[("d.json", doc)]), want, "{doc}");
    }
}

/// A document without a value (what a collect command that failed
/// leaves) is listed as skipped, not refused; other space than JSON's
/// white space is not nothing.
#[test]
fn an_empty_document_is_skipped() {
    use netready_core::vpc::model::{SkipReason, SkippedDocument};
    for text in ["", " ", "\n", " \t\r\n  \n"] {
        let input = parse_ok(&[("a.json", text), ("b.json", r#"{"Vpcs": []}"#)]);
        assert_eq!(
            input.skipped,
            [SkippedDocument {
                name: "a.json".into(),
                reason: SkipReason::Empty
            }],
            "{text:?}"
        );
        assert!(input.vpcs.given, "the other document is read");
        same(&[("a.json", text)]);
    }
    for text in ["\u{a0}", "\u{feff}", "\u{b}", "\u{c}"] {
        assert!(
            error(&[("a.json", text)]).starts_with("a.json: line 1, column"),
            "{text:?}"
        );
    }
}

/// Another AWS command's output is listed as skipped, with its list's name.
#[test]
fn another_commands_output_is_skipped() {
    use netready_core::vpc::model::{SkipReason, SkippedDocument};
    for (text, key) in [
        (r#"{"NetworkInterfaces": []}"#, "NetworkInterfaces"),
        (
            r#"{"NextToken": "x", "Reservations": [{"Instances": []}]}"#,
            "Reservations",
        ),
        (
            r#"{"AccountAttributes": [], "NextToken": null}"#,
            "AccountAttributes",
        ),
        (r#"{"Ipv6Pools": [], "Ipv6Pools": []}"#, "Ipv6Pools"),
    ] {
        let input = parse_ok(&[("o.json", text)]);
        assert_eq!(
            input.skipped,
            [SkippedDocument {
                name: "o.json".into(),
                reason: SkipReason::OtherOutput { key: key.into() }
            }],
            "{text}"
        );
    }
    for text in [
        r#"{"NetworkInterfaces": [], "Reservations": []}"#,
        r#"{"NetworkInterfaces": {}}"#,
        r#"{"NetworkInterfaces": null}"#,
        r#"{"networkInterfaces": []}"#,
        r#"{"Network-Interfaces": []}"#,
        r#"{"NextToken": "x"}"#,
        r#"{"": []}"#,
        r#"{}"#,
    ] {
        assert!(
            error(&[("o.json", text)])
                .starts_with("o.json: (top level): expected the output of one of"),
            "{text}"
        );
    }
}

/// The same resource in two documents: one when identical as read, an
/// error naming both documents when not; whichever comes first.
#[test]
fn the_same_resource_twice_is_one_or_a_conflict() {
    let subnet = |cidr: &str| {
        format!(
            r#"{{"Subnets": [{{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "{cidr}", "Tags": [{{"Key": "Name", "Value": "{cidr}"}}]}}]}}"#
        )
    };
    let (a, b) = (subnet("10.0.0.0/24"), subnet("10.0.1.0/24"));
    let alone = parse_ok(&[("a.json", &a)]);
    assert_eq!(parse_ok(&[("a.json", &a), ("c.json", &a)]), alone);
    // What the model does not read (tags) may differ.
    let retagged = a.replace(r#""Value": "10.0.0.0/24""#, r#""Value": "other""#);
    assert_eq!(parse_ok(&[("a.json", &a), ("c.json", &retagged)]), alone);
    assert_eq!(
        error(&[("a.json", &a), ("b.json", &b)]),
        "b.json: subnet subnet-1 is also in a.json, with different contents: which one holds is unknown (files of two collects in one folder?); give the files of one collect"
    );
    assert!(
        error(&[("b.json", &b), ("a.json", &a)])
            .starts_with("a.json: subnet subnet-1 is also in b.json")
    );
    let both = format!(
        r#"{{"Subnets": [{}, {}]}}"#,
        &a[13..a.len() - 2],
        &b[13..b.len() - 2]
    );
    assert_eq!(
        error(&[("x.json", &both)]),
        "x.json: subnet subnet-1 appears twice, with different contents: which one holds is unknown"
    );
    // Each kind: a resource, and the same id read otherwise.
    for (doc, changed, kind) in [
        (
            r#"{"Vpcs": [{"VpcId": "i"}]}"#,
            r#"{"Vpcs": [{"VpcId": "i", "CidrBlock": "10.0.0.0/16"}]}"#,
            "VPC",
        ),
        (
            r#"{"RouteTables": [{"RouteTableId": "i", "VpcId": "v"}]}"#,
            r#"{"RouteTables": [{"RouteTableId": "i", "VpcId": "w"}]}"#,
            "route table",
        ),
        (
            r#"{"VpcEndpoints": [{"VpcEndpointId": "i", "VpcEndpointType": "Interface", "VpcId": "v", "ServiceName": "s"}]}"#,
            r#"{"VpcEndpoints": [{"VpcEndpointId": "i", "VpcEndpointType": "Interface", "VpcId": "v", "ServiceName": "s", "PrivateDnsEnabled": true}]}"#,
            "VPC endpoint",
        ),
        (
            r#"{"SecurityGroups": [{"GroupId": "i"}]}"#,
            r#"{"SecurityGroups": [{"GroupId": "i", "GroupName": "g"}]}"#,
            "security group",
        ),
        (
            r#"{"NetworkAcls": [{"NetworkAclId": "i", "VpcId": "v"}]}"#,
            r#"{"NetworkAcls": [{"NetworkAclId": "i", "VpcId": "v", "IsDefault": true}]}"#,
            "network ACL",
        ),
        (
            r#"{"NatGateways": [{"NatGatewayId": "i", "SubnetId": "s"}]}"#,
            r#"{"NatGateways": [{"NatGatewayId": "i", "SubnetId": "t"}]}"#,
            "NAT gateway",
        ),
        (
            r#"{"InternetGateways": [{"InternetGatewayId": "i"}]}"#,
            r#"{"InternetGateways": [{"InternetGatewayId": "i", "Attachments": [{"VpcId": "v"}]}]}"#,
            "internet gateway",
        ),
        (
            r#"{"DhcpOptions": [{"DhcpOptionsId": "i"}]}"#,
            r#"{"DhcpOptions": [{"DhcpOptionsId": "i", "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": "10.0.0.2"}]}]}]}"#,
            "DHCP option set",
        ),
        (
            r#"{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "i", "InternetGatewayExclusionMode": "allow-egress", "ResourceArn": "arn:aws:ec2:r:1:vpc/vpc-1", "State": "create-complete"}]}"#,
            r#"{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "i", "InternetGatewayExclusionMode": "allow-bidirectional", "ResourceArn": "arn:aws:ec2:r:1:vpc/vpc-1", "State": "create-complete"}]}"#,
            "Block Public Access exclusion",
        ),
    ] {
        assert_eq!(
            parse_ok(&[("a.json", doc), ("b.json", doc)]),
            parse_ok(&[("a.json", doc)]),
            "{kind}"
        );
        let e = error(&[("a.json", doc), ("b.json", changed)]);
        assert!(
            e.starts_with(&format!("b.json: {kind} i is also in a.json")),
            "{kind}: {e}"
        );
    }
}

/// Subnets of two regions are refused, naming a document of each.
#[test]
fn subnets_of_two_regions_are_refused() {
    let subnets = |id: &str, region: &str| {
        format!(
            r#"{{"Subnets": [{{"SubnetId": "{id}", "VpcId": "v", "AvailabilityZone": "{region}a", "SubnetArn": "arn:aws:ec2:{region}:123456789012:subnet/{id}"}}]}}"#
        )
    };
    let (a, b) = (subnets("s1", "eu-west-1"), subnets("s2", "us-east-1"));
    assert_eq!(
        error(&[("a.json", &a), ("b.json", &b)]),
        "two regions: eu-west-1 (a.json) and us-east-1 (b.json); validate one region at a time (the fixes name one region)"
    );
    // The zone counts where there is no ARN; a zone naming no region does not.
    let zone_only =
        r#"{"Subnets": [{"SubnetId": "s3", "VpcId": "v", "AvailabilityZone": "us-east-1b"}]}"#;
    assert!(
        error(&[("a.json", &a), ("z.json", zone_only)])
            .starts_with("two regions: eu-west-1 (a.json) and us-east-1 (z.json)")
    );
    let nowhere = r#"{"Subnets": [{"SubnetId": "s4", "VpcId": "v", "AvailabilityZone": "x"}]}"#;
    parse_ok(&[("a.json", &a), ("n.json", nowhere)]);
    parse_ok(&[("a.json", &a), ("c.json", &subnets("s5", "eu-west-1"))]);
}

#[test]
fn a_document_of_no_known_kind_names_every_kind() {
    let e = error(&[("d.json", r#"{"items": []}"#)]);
    for kind in [
        "describe-vpcs",
        "describe-managed-prefix-lists",
        "get-managed-prefix-list-entries",
        "describe-vpc-block-public-access-options",
        "describe-vpc-block-public-access-exclusions",
        "ip-ranges.json",
    ] {
        assert!(e.contains(kind), "{kind}: {e}");
    }
}
