//! Bad input to the validator: clear errors naming the document, the JSON
//! path and what was expected; never a panic, never a stack overflow.

use netready::validate_cmd::{execute, parse_args};
use netready_core::vpc::{self, InputError, ValidateOptions};

fn opts() -> ValidateOptions {
    ValidateOptions {
        region: Some("eu-west-1".parse().expect("valid region")),
        ..ValidateOptions::default()
    }
}

fn err(docs: &[(&str, &str)]) -> InputError {
    vpc::validate(docs, &opts()).expect_err("bad input must be an error")
}

#[test]
fn truncated_json_names_file_and_position() {
    let e = err(&[(
        "subnets.json",
        "{\"Subnets\": [{\"SubnetId\": \"subnet-1\",",
    )]);
    match &e {
        InputError::Json { document, line, .. } => {
            assert_eq!(document, "subnets.json");
            assert_eq!(*line, 1);
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
    assert!(
        e.to_string().starts_with("subnets.json: line 1, column"),
        "{e}"
    );
}

#[test]
fn wrong_type_names_the_json_path() {
    let doc = r#"{"RouteTables": [
        {"RouteTableId": "rtb-0", "VpcId": "vpc-1"},
        {"RouteTableId": "rtb-1", "VpcId": "vpc-1"},
        {"RouteTableId": "rtb-2", "VpcId": "vpc-1"},
        {"RouteTableId": "rtb-3", "VpcId": "vpc-1", "Routes": [{"DestinationCidrBlock": 5, "GatewayId": "local"}]}
    ]}"#;
    let e = err(&[("rt.json", doc)]);
    assert_eq!(
        e,
        InputError::Shape {
            document: "rt.json".into(),
            path: "RouteTables[3].Routes[0].DestinationCidrBlock".into(),
            expected: "a string".into(),
            found: "a number".into(),
        }
    );
    assert_eq!(
        e.to_string(),
        "rt.json: RouteTables[3].Routes[0].DestinationCidrBlock: expected a string, found a number"
    );
}

#[test]
fn other_shapes() {
    let cases: &[(&str, &str)] = &[
        (r#"[1, 2]"#, "(top level): expected an object"),
        (
            r#"{"reservations": []}"#,
            "(top level): expected the output of one of",
        ),
        (
            r#"{"Subnets": {"SubnetId": "x"}}"#,
            "Subnets: expected an array, found an object",
        ),
        (
            r#"{"Subnets": [{"VpcId": "vpc-1"}]}"#,
            "Subnets[0].SubnetId: expected a string (the field is required), found nothing",
        ),
        (
            r#"{"Subnets": [{"SubnetId": "s", "VpcId": "v", "CidrBlock": "10.0.0.0/33"}]}"#,
            "Subnets[0].CidrBlock: expected a CIDR",
        ),
        (
            r#"{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": "yes"}}"#,
            "EnableDnsSupport.Value: expected true or false, found a string",
        ),
        (
            r#"{"EnableDnsSupport": {"Value": true}}"#,
            "VpcId: expected a string beside",
        ),
        (
            r#"{"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "v", "Entries": [{"RuleNumber": 100, "Egress": true, "Protocol": "-1", "RuleAction": "maybe", "CidrBlock": "0.0.0.0/0"}]}]}"#,
            "NetworkAcls[0].Entries[0].RuleAction: expected \"allow\" or \"deny\"",
        ),
        (
            r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 70000, "ToPort": 443}]}]}"#,
            "SecurityGroups[0].IpPermissions[0].FromPort: expected a port from 0 to 65535",
        ),
    ];
    for (doc, want) in cases {
        let e = err(&[("d.json", doc)]).to_string();
        assert!(
            e.starts_with(&format!("d.json: {want}")),
            "{doc}\n got: {e}\nwant: {want}"
        );
    }
}

#[test]
fn deep_nesting_is_a_clean_error() {
    const DEPTH: usize = 10_000;
    let deep = |open: &str, close: &str| format!("{}{}", open.repeat(DEPTH), close.repeat(DEPTH));
    // Deep inside a resource the validator reads.
    let inside = format!(
        r#"{{"Subnets": [{{"SubnetId": "s", "VpcId": "v", "Tags": {}}}]}}"#,
        deep("[", "]")
    );
    let e = err(&[("deep.json", &inside)]).to_string();
    assert!(
        e.contains("Subnets[0]") && e.contains("nested at most 128 levels"),
        "{e}"
    );
    // Deep as the collection itself.
    let collection = format!(r#"{{"Vpcs": {}}}"#, deep("[", "]"));
    let e = err(&[("deep.json", &collection)]).to_string();
    assert!(e.starts_with("deep.json: Vpcs"), "{e}");
    // Deep at the top level, and deep under a key nobody reads.
    let top = deep("[", "]");
    assert!(
        err(&[("deep.json", &top)])
            .to_string()
            .starts_with("deep.json:")
    );
    // An unknown key is skipped without recursion: the document is fine.
    let unknown_ok = vpc::parse(&[(
        "deep.json",
        &format!(r#"{{"Subnets": [], "Other": {}}}"#, deep("[", "]")),
    )]);
    assert!(unknown_ok.is_ok(), "{unknown_ok:?}");
    let objects = format!(
        r#"{{"Subnets": [], "Other": {}1{}}}"#,
        "{\"a\":".repeat(DEPTH),
        "}".repeat(DEPTH)
    );
    assert!(vpc::parse(&[("deep.json", &objects)]).is_ok());
}

#[test]
fn fifty_megabytes() {
    // A describe-subnets output of about 50 MB: many subnets with long tags.
    let tag = "x".repeat(400);
    let mut doc = String::from("{\"Subnets\": [");
    let mut i = 0u32;
    while doc.len() < 50 * 1024 * 1024 {
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(&format!(
            r#"{{"SubnetId": "subnet-{i:08x}", "VpcId": "vpc-1", "CidrBlock": "10.{}.{}.0/24", "AvailabilityZone": "eu-west-1a", "Tags": [{{"Key": "Name", "Value": "{tag}"}}]}}"#,
            (i >> 8) & 0xff,
            i & 0xff
        ));
        i += 1;
    }
    doc.push_str("]}");
    let input = vpc::parse(&[("big.json", &doc)]).expect("a large valid document parses");
    assert!(input.subnets.items.len() > 50_000);
    // One huge string value, truncated: a clean JSON error at the end.
    let huge = format!(
        "{{\"Vpcs\": [{{\"VpcId\": \"{}",
        "v".repeat(50 * 1024 * 1024)
    );
    assert!(matches!(
        err(&[("huge.json", &huge)]),
        InputError::Json { .. }
    ));
}

#[test]
fn dangling_and_unknown_ids() {
    let subnets = r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "eu-west-1a"}]}"#;
    let mut o = opts();
    o.subnets = vec!["subnet-9".into()];
    let e = vpc::validate(&[("s.json", subnets)], &o).expect_err("unknown subnet");
    assert_eq!(
        e,
        InputError::UnknownSubnet {
            id: "subnet-9".into()
        }
    );
    assert!(
        e.to_string()
            .contains("aws ec2 describe-subnets --subnet-ids subnet-9"),
        "{e}"
    );
    let sgs =
        r#"{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default", "VpcId": "vpc-1"}]}"#;
    let mut o = opts();
    o.security_groups = vec!["sg-2".into()];
    let e = vpc::validate(&[("s.json", subnets), ("g.json", sgs)], &o).expect_err("unknown group");
    assert_eq!(e, InputError::UnknownSecurityGroup { id: "sg-2".into() });
    // A route to a NAT gateway that describe-nat-gateways lacks: unknown, with
    // a finding naming the command, never a guess.
    let rt = r#"{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
        "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-404", "State": "active"}]}],
        "NatGateways": [], "VpcEndpoints": [], "NetworkAcls": [], "VpcId": "vpc-1",
        "EnableDnsSupport": {"Value": true}, "EnableDnsHostnames": {"Value": true}}"#;
    // The group as described has no egress rule at all: the path is
    // blocked whatever lies behind the route (unknown ∧ blocked = blocked).
    let report = vpc::validate(
        &[("s.json", subnets), ("g.json", sgs), ("rt.json", rt)],
        &opts(),
    )
    .expect("evaluates");
    let path = &report.subnets[0].endpoints[0];
    assert_eq!(
        path.reachable,
        netready_core::report::Reachability::Unreachable
    );
    assert!(
        path.findings
            .iter()
            .any(|f| f.code == netready_core::report::FindingCode::TaskSgEgress443),
        "{path:?}"
    );
    // With AWS's default allow-all egress the dangling NAT decides: unknown.
    let sgs = r#"{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default", "VpcId": "vpc-1",
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}"#;
    let report = vpc::validate(
        &[("s.json", subnets), ("g.json", sgs), ("rt.json", rt)],
        &opts(),
    )
    .expect("evaluates");
    let path = &report.subnets[0].endpoints[0];
    assert_eq!(path.reachable, netready_core::report::Reachability::Unknown);
    assert!(
        path.findings.iter().any(|f| f.message.contains("nat-404")
            && f.fix
                .as_deref()
                .is_some_and(|c| c.contains("describe-nat-gateways"))),
        "{path:?}"
    );
}

#[test]
fn region_must_be_known() {
    let subnets = r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"}]}"#;
    let e =
        vpc::validate(&[("s.json", subnets)], &ValidateOptions::default()).expect_err("no region");
    assert_eq!(e, InputError::NoRegion);
    // From an AZ name.
    let subnets = r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "ap-southeast-2c"}]}"#;
    let r = vpc::validate(&[("s.json", subnets)], &ValidateOptions::default())
        .expect("region from the AZ");
    assert_eq!(r.region.as_deref(), Some("ap-southeast-2"));
    assert!(vpc::validate(&[], &opts()).is_err());
}

#[test]
fn cli_reports_bad_files() {
    let dir = std::env::temp_dir().join(format!("netready-validate-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bin = dir.join("binary.json");
    std::fs::write(&bin, b"{\"Vpcs\": [\xff]}").expect("write");
    let run = |args: Vec<String>| {
        execute(&parse_args(args).expect("args parse"))
            .map(|_| ())
            .expect_err("must fail")
            .to_string()
    };
    let e = run(vec![bin.to_string_lossy().into_owned()]);
    assert!(
        e.contains("binary.json: not UTF-8 text: byte 10 (0xFF) is not valid UTF-8"),
        "{e}"
    );
    // A UTF-16 byte-order mark and an odd number of bytes: cut short.
    let cut = dir.join("cut.json");
    std::fs::write(&cut, [0xff, 0xfe, b'{']).expect("write");
    let e = run(vec![cut.to_string_lossy().into_owned()]);
    assert!(
        e.contains("cut.json: UTF-16 LE text with an odd number of bytes (3)"),
        "{e}"
    );
    let e = run(vec![dir.join("absent.json").to_string_lossy().into_owned()]);
    assert!(e.contains("absent.json: cannot read"), "{e}");
    let e = run(vec![
        "--assign-public-ip".into(),
        "maybe".into(),
        bin.to_string_lossy().into_owned(),
    ]);
    assert!(e.contains("--assign-public-ip"), "{e}");
    let e = run(vec!["-".into(), "-".into()]);
    assert!(e.contains("only once"), "{e}");
    assert!(
        parse_args(Vec::<String>::new()).is_err(),
        "FILE is required"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ip_ranges_flag_takes_only_ip_ranges_json() {
    let data = crate::data();
    let scenario = data.join("validate/nat-gateway");
    let mut files: Vec<String> = std::fs::read_dir(&scenario)
        .expect("the scenario exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("expected.json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    let ip_ranges = data
        .join("documents/ip-ranges.json")
        .to_string_lossy()
        .into_owned();
    let run = |extra: &[&str]| {
        let mut argv: Vec<String> = extra.iter().map(|a| (*a).to_owned()).collect();
        argv.extend(files.iter().cloned());
        execute(&parse_args(argv).expect("args parse"))
    };
    // Read as one more document: the same VPC, the same verdict (its routes
    // are default routes, which the published ranges do not change).
    let (without, _) = run(&[]).expect("the scenario validates");
    let (with, _) = run(&["--ip-ranges", &ip_ranges]).expect("with --ip-ranges too");
    assert_eq!(with.status, without.status);

    let dir = std::env::temp_dir().join(format!("netready-ip-ranges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let broken = dir.join("ip-ranges.json");
    std::fs::write(
        &broken,
        r#"{"syncToken": "1", "prefixes": [{"ip_prefix": "3.5.0.0/16", "region": "eu-west-1", "service": "S3"}, {"ip_prefix": "3.5.0.0", "region": "eu-west-1", "service": "S3"}]}"#,
    )
    .expect("write");
    let broken = broken.to_string_lossy().into_owned();
    let e = run(&["--ip-ranges", &broken])
        .map(|_| ())
        .expect_err("a bad prefix")
        .to_string();
    assert!(
        e.starts_with(&format!("{broken}: prefixes[1].ip_prefix: expected a CIDR")),
        "{e}"
    );
    // Another document given as --ip-ranges: said so, with where to get it.
    let subnets = files
        .iter()
        .find(|f| f.ends_with("describe-subnets.json"))
        .expect("the scenario has subnets")
        .clone();
    let e = run(&["--ip-ranges", &subnets])
        .map(|_| ())
        .expect_err("not ip-ranges")
        .to_string();
    assert!(
        e.contains("--ip-ranges")
            && e.contains("not AWS's ip-ranges.json")
            && e.contains("https://ip-ranges.amazonaws.com/ip-ranges.json"),
        "{e}"
    );
    let absent = dir.join("absent.json").to_string_lossy().into_owned();
    let e = run(&["--ip-ranges", &absent])
        .map(|_| ())
        .expect_err("absent")
        .to_string();
    assert!(e.contains("absent.json: cannot read"), "{e}");
    let e = execute(
        &parse_args(["--ip-ranges".to_owned(), "-".to_owned(), "-".to_owned()])
            .expect("args parse"),
    )
    .map(|_| ())
    .expect_err("stdin twice")
    .to_string();
    assert!(e.contains("only once"), "{e}");
    assert!(
        parse_args(
            [
                "--collect",
                "vpc-01234567",
                "--region",
                "eu-west-1",
                "--ip-ranges",
                "x.json"
            ]
            .map(String::from)
        )
        .is_err(),
        "--collect prints commands: it takes no --ip-ranges"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
