//! The wasm exports under wasm-bindgen-test, in Node (see web/test.sh):
//! every address case of tests/data/classify.json through `classify`, the
//! catalog, `validate` on a scenario of tests/data/validate and on a
//! Terraform plan of tests/data/plan, and that every
//! kind of bad input throws a JavaScript `Error` carrying core's message and
//! the properties the page uses to place it.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Error, JSON, Object, Reflect};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const CLASSIFY_CASES: &str = include_str!("../../tests/data/classify.json");
const NAT_DIR: &str = "nat-gateway";
const NAT_FILES: &[(&str, &str)] = &[
    (
        "describe-vpcs.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-vpcs.json"),
    ),
    (
        "describe-subnets.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-subnets.json"),
    ),
    (
        "describe-route-tables.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-route-tables.json"),
    ),
    (
        "describe-vpc-endpoints.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-vpc-endpoints.json"),
    ),
    (
        "describe-security-groups.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-security-groups.json"),
    ),
    (
        "describe-network-acls.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-network-acls.json"),
    ),
    (
        "describe-nat-gateways.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-nat-gateways.json"),
    ),
    (
        "describe-internet-gateways.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-internet-gateways.json"),
    ),
    (
        "describe-dhcp-options.json",
        include_str!("../../tests/data/validate/nat-gateway/describe-dhcp-options.json"),
    ),
    (
        "describe-vpc-attribute-dns-support.json",
        include_str!(
            "../../tests/data/validate/nat-gateway/describe-vpc-attribute-dns-support.json"
        ),
    ),
    (
        "describe-vpc-attribute-dns-hostnames.json",
        include_str!(
            "../../tests/data/validate/nat-gateway/describe-vpc-attribute-dns-hostnames.json"
        ),
    ),
];
const NAT_EXPECTED: &str = include_str!("../../tests/data/validate/nat-gateway/expected.json");

/// A JS value as serde_json's `Value`, through `JSON.stringify`: what a page
/// script would see.
fn json(v: &JsValue) -> Value {
    let text = JSON::stringify(v).expect("results are plain JSON-compatible objects");
    serde_json::from_str(&String::from(text)).expect("JSON.stringify output parses")
}

fn prop(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).expect("Reflect.get on an object does not throw")
}

/// The thrown value must be an `Error` (so `instanceof Error` and `message`
/// work in the page); returns it.
fn as_error(thrown: JsValue) -> Error {
    assert!(
        thrown.is_instance_of::<Error>(),
        "thrown value is not an Error: {thrown:?}"
    );
    thrown.unchecked_into::<Error>()
}

fn docs(files: &[(&str, &str)]) -> JsValue {
    let arr = Array::new();
    for (name, text) in files {
        let o = Object::new();
        Reflect::set(&o, &"name".into(), &(*name).into()).expect("set on a fresh object");
        Reflect::set(&o, &"text".into(), &(*text).into()).expect("set on a fresh object");
        arr.push(&o);
    }
    arr.into()
}

fn options(v: Value) -> JsValue {
    JSON::parse(&v.to_string()).expect("serde_json output is JSON")
}

#[wasm_bindgen_test]
fn classify_matches_the_shared_table() {
    let table: Value =
        serde_json::from_str(CLASSIFY_CASES).expect("tests/data/classify.json parses");
    let cases = table["cases"].as_array().expect("cases is an array");
    assert!(cases.len() > 20);
    for case in cases {
        let ip = case["ip"].as_str().expect("ip is a string");
        let cidrs: Vec<String> = case["vpc_cidrs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| c.as_str().expect("a CIDR string").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let got = json(&netready_web::classify(ip, cidrs).expect("every table address parses"));
        assert_eq!(got["class"], case["class"], "class of {ip}");
        let via = case.get("via").and_then(Value::as_str).unwrap_or("native");
        assert_eq!(got["via"], via, "via of {ip}");
    }
}

#[wasm_bindgen_test]
fn classify_reports_range_and_effective_address() {
    let got =
        json(&netready_web::classify("54.1.2.3", vec!["54.1.0.0/16".into()]).expect("valid input"));
    assert_eq!(got["class"], "private");
    assert_eq!(got["range"], "vpc_cidr");
    let got = json(&netready_web::classify("64:ff9b::36.1.2.3", vec![]).expect("valid input"));
    assert_eq!(got["class"], "public");
    assert_eq!(got["via"], "nat64");
    assert_eq!(got["effective"], "36.1.2.3");
    assert_eq!(got["range"], Value::Null);
}

#[wasm_bindgen_test]
fn classify_errors_are_js_errors_with_core_messages() {
    let e = as_error(netready_web::classify("10.0.0.300", vec![]).expect_err("not an address"));
    assert!(String::from(e.message()).contains("expected an IPv4 or IPv6 address"));
    assert_eq!(prop(&e, "field"), "address");
    let e = as_error(
        netready_web::classify("10.0.0.1", vec!["10.0.0.1/16".into()]).expect_err("host bits"),
    );
    let msg = String::from(e.message());
    assert!(msg.contains("did you mean 10.0.0.0/16"), "{msg}");
    assert_eq!(prop(&e, "field"), "vpcCidrs");
}

#[wasm_bindgen_test]
fn catalog_lists_the_profile() {
    let got =
        json(&netready_web::catalog("eu-west-1", "runner").expect("valid region and profile"));
    assert_eq!(got["schema"], "netready.catalog/v1");
    assert_eq!(got["partition"], "aws");
    let services: Vec<&str> = got["services"]
        .as_array()
        .expect("services is an array")
        .iter()
        .map(|s| s["service"].as_str().expect("service is a string"))
        .collect();
    for needed in ["secretsmanager", "logs", "ecr.api", "ecr.dkr", "s3"] {
        assert!(
            services.contains(&needed),
            "{needed} missing from {services:?}"
        );
    }
    let cn = json(&netready_web::catalog("cn-north-1", "private").expect("valid"));
    let ecr = cn["services"]
        .as_array()
        .expect("services is an array")
        .iter()
        .find(|s| s["service"] == "ecr.api")
        .expect("ecr.api is in the private profile");
    assert_eq!(
        ecr["endpoint_service_name"],
        "cn.com.amazonaws.cn-north-1.ecr.api"
    );
}

#[wasm_bindgen_test]
fn catalog_errors_name_the_field() {
    let e = as_error(netready_web::catalog("Europe", "runner").expect_err("malformed region"));
    assert!(String::from(e.message()).contains("expected an AWS region name"));
    assert_eq!(prop(&e, "field"), "region");
    let e =
        as_error(netready_web::catalog("eu-west-1", "everything").expect_err("unknown profile"));
    assert!(String::from(e.message()).contains("runner or private"));
    assert_eq!(prop(&e, "field"), "profile");
}

#[wasm_bindgen_test]
fn validate_gives_the_expected_report() {
    let report = netready_web::validate(
        docs(NAT_FILES),
        options(serde_json::json!({ "subnets": ["subnet-0ccc000000000003"] })),
    )
    .expect("the nat-gateway scenario is valid input");
    let expected: Value = serde_json::from_str(NAT_EXPECTED).expect("expected.json parses");
    assert_eq!(json(&report), expected, "scenario {NAT_DIR}");
}

#[wasm_bindgen_test]
fn validate_reads_a_terraform_plan_like_any_other_document() {
    let plan = include_str!("../../tests/data/plan/private-endpoints/plan.json");
    let report = netready_web::validate(
        docs(&[("plan.json", plan)]),
        options(serde_json::json!({ "security_groups": ["aws_security_group.runner"] })),
    )
    .expect("the private-endpoints plan is valid input");
    let expected: Value = serde_json::from_str(include_str!(
        "../../tests/data/plan/private-endpoints/expected.json"
    ))
    .expect("expected.json parses");
    assert_eq!(json(&report), expected, "plan case private-endpoints");
}

#[wasm_bindgen_test]
fn validate_json_errors_name_the_document_and_position() {
    let files = [
        ("good.json", NAT_FILES[0].1),
        ("broken.json", "{\n  \"Subnets\": [\n    {\"SubnetId\": }\n"),
    ];
    let e =
        as_error(netready_web::validate(docs(&files), JsValue::UNDEFINED).expect_err("bad JSON"));
    assert_eq!(prop(&e, "kind"), "json");
    assert_eq!(prop(&e, "document"), "broken.json");
    assert_eq!(prop(&e, "line"), 3);
    let msg = String::from(e.message());
    assert!(msg.starts_with("broken.json: line 3"), "{msg}");
}

#[wasm_bindgen_test]
fn validate_shape_errors_name_the_json_path() {
    let files = [("subnets.json", r#"{"Subnets": [{"SubnetId": 7}]}"#)];
    let e =
        as_error(netready_web::validate(docs(&files), JsValue::UNDEFINED).expect_err("wrong type"));
    assert_eq!(prop(&e, "kind"), "shape");
    assert_eq!(prop(&e, "document"), "subnets.json");
    assert_eq!(prop(&e, "path"), "Subnets[0].SubnetId");
}

#[wasm_bindgen_test]
fn validate_option_errors() {
    let e = as_error(
        netready_web::validate(
            docs(NAT_FILES),
            options(serde_json::json!({ "subnets": ["subnet-nope"] })),
        )
        .expect_err("unknown subnet"),
    );
    assert_eq!(prop(&e, "kind"), "unknown_subnet");
    assert!(String::from(e.message()).contains("subnet-nope"));
    let e = as_error(
        netready_web::validate(
            docs(NAT_FILES),
            options(serde_json::json!({ "region": "mars-1" })),
        )
        .expect_err("bad region"),
    );
    assert!(
        String::from(e.message()).contains("region"),
        "{:?}",
        e.message()
    );
    let e = as_error(
        netready_web::validate(
            docs(NAT_FILES),
            options(serde_json::json!({ "colour": "blue" })),
        )
        .expect_err("unknown option"),
    );
    assert_eq!(prop(&e, "kind"), "options");
    let e = as_error(
        netready_web::validate(JsValue::from_str("not a list"), JsValue::UNDEFINED)
            .expect_err("not docs"),
    );
    assert_eq!(prop(&e, "kind"), "documents");
    let e =
        as_error(netready_web::validate(docs(&[]), JsValue::UNDEFINED).expect_err("no documents"));
    assert_eq!(prop(&e, "kind"), "no_documents");
}

/// Every number as f64: JSON.stringify writes 0.0 as `0`, serde_json as `0.0`.
fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        other => other,
    }
}

#[wasm_bindgen_test]
fn results_survive_the_tape_with_any_text() {
    // Ids from pasted JSON may hold anything: characters outside the BMP
    // (two UTF-16 units), combining marks, quotes, "__proto__", controls.
    let subnets = r#"{"Subnets": [
        {"SubnetId": "subnet-😀é\"'<b>", "VpcId": "__proto__", "AvailabilityZone": "eu-west-1a", "CidrBlock": "10.0.0.0/24"},
        {"SubnetId": "subnet-\u0000\u2028ﬀ", "VpcId": "vpc-ü", "AvailabilityZone": "eu-west-1b", "CidrBlock": "10.0.1.0/24"}
    ]}"#;
    let files = [("s.json", subnets)];
    let got = netready_web::validate(
        docs(&files),
        options(serde_json::json!({ "region": "eu-west-1" })),
    )
    .expect("valid input");
    let want = netready_core::vpc::validate(
        &files,
        &netready_core::vpc::ValidateOptions {
            region: Some(netready_core::catalog::Region::parse("eu-west-1").expect("a region")),
            ..Default::default()
        },
    )
    .expect("valid input");
    let want = serde_json::to_value(&want).expect("a report serialises");
    assert_eq!(numbers_as_f64(json(&got)), numbers_as_f64(want));
    let text = String::from(JSON::stringify(&got).expect("plain object"));
    assert!(text.contains(r#""subnet_id":"subnet-😀é\"'<b>""#), "{text}");
}
