//! `netready catalog --format terraform|cloudformation`: one resource per
//! creatable endpoint of the profile, parameterised by VPC, subnets, security
//! groups and route tables, with user-given IDs escaped.

use netready::catalog_cmd::{CatalogArgs, CatalogFormat, render};
use netready_core::catalog::{self, Availability, EndpointType, Profile, Region};

fn args(format: CatalogFormat) -> CatalogArgs {
    CatalogArgs {
        region: None,
        profile: String::new(),
        format,
        ecr_account: None,
        vpc_id: Some("vpc-0abc".into()),
        subnets: vec!["subnet-a".into(), "subnet-b".into()],
        security_groups: vec!["sg-1".into()],
        route_tables: vec!["rtb-1".into()],
    }
}

fn creatable(region: &Region, profile: Profile) -> Vec<&'static catalog::Service> {
    catalog::endpoints(profile)
        .filter(|s| {
            matches!(
                s.availability(region),
                Availability::InRegion | Availability::CrossRegion { .. }
            )
        })
        .collect()
}

#[test]
fn cloudformation_has_every_endpoint() {
    for region in ["eu-west-1", "us-east-1", "cn-north-1"] {
        let region = Region::parse(region).expect("valid region");
        for profile in Profile::ALL {
            let text = render(&region, profile, None, &args(CatalogFormat::Cloudformation));
            let t: serde_json::Value = serde_json::from_str(&text).expect("the template is JSON");
            let resources = t["Resources"].as_object().expect("Resources");
            let wanted = creatable(&region, profile);
            assert_eq!(resources.len(), wanted.len(), "{region} {profile}");
            for s in wanted {
                let found = resources.values().any(|r| {
                    r["Type"] == "AWS::EC2::VPCEndpoint"
                        && r["Properties"]["ServiceName"] == s.service_name(&region).as_str()
                        && r["Properties"]["VpcEndpointType"] == s.endpoint_type.aws_name()
                });
                assert!(found, "{region} {profile}: {}", s.id);
            }
            assert_eq!(t["Parameters"]["VpcId"]["Default"], "vpc-0abc");
            assert_eq!(t["Parameters"]["SubnetIds"]["Default"], "subnet-a,subnet-b");
        }
    }
    let eu = Region::parse("eu-west-1").expect("valid");
    let t: serde_json::Value = serde_json::from_str(&render(
        &eu,
        Profile::Private,
        None,
        &args(CatalogFormat::Cloudformation),
    ))
    .expect("JSON");
    assert_eq!(
        t["Resources"]["ManagementPlaneEndpoint"]["Properties"]["ServiceRegion"],
        "us-east-1"
    );
    assert_eq!(
        t["Resources"]["S3Endpoint"]["Properties"]["RouteTableIds"]["Ref"],
        "RouteTableIds"
    );
    let use1 = Region::parse("us-east-1").expect("valid");
    let t: serde_json::Value = serde_json::from_str(&render(
        &use1,
        Profile::Private,
        None,
        &args(CatalogFormat::Cloudformation),
    ))
    .expect("JSON");
    // In us-east-1 cross-region support stays off.
    assert!(
        t["Resources"]["ManagementPlaneEndpoint"]["Properties"]
            .get("ServiceRegion")
            .is_none()
    );
}

#[test]
fn terraform_has_every_endpoint_and_escapes_ids() {
    let eu = Region::parse("eu-west-1").expect("valid");
    let text = render(&eu, Profile::Private, None, &args(CatalogFormat::Terraform));
    let wanted = creatable(&eu, Profile::Private);
    assert_eq!(
        text.matches("resource \"aws_vpc_endpoint\"").count(),
        wanted.len()
    );
    for s in &wanted {
        assert!(
            text.contains(&format!("= \"{}\"", s.service_name(&eu))),
            "{}",
            s.id
        );
    }
    assert!(text.contains("resource \"aws_vpc_endpoint\" \"ecr_api\""));
    assert!(text.contains("service_region      = \"us-east-1\""));
    assert!(text.contains("# Not created here: com.amazonaws.iam"));
    assert!(text.contains("default     = [\"subnet-a\", \"subnet-b\"]"));
    let runner = render(&eu, Profile::Runner, None, &args(CatalogFormat::Terraform));
    assert!(runner.contains("route_table_ids     = var.route_table_ids"));
    // A hostile VPC id cannot break out of its string or inject interpolation.
    let mut a = args(CatalogFormat::Terraform);
    a.vpc_id = Some("vpc-1\"\n}\nresource \"x\" \"y\" { a = \"${file(\"/etc/passwd\")}".into());
    let text = render(&eu, Profile::Runner, None, &a);
    let line = text
        .lines()
        .find(|l| l.contains("default") && l.contains("vpc-1"))
        .expect("the default line");
    assert_eq!(
        line,
        r#"  default     = "vpc-1\"\n}\nresource \"x\" \"y\" { a = \"$${file(\"/etc/passwd\")}""#
    );
    assert_eq!(
        text.matches("resource \"").count(),
        creatable(&eu, Profile::Runner).len()
    );
}

#[test]
fn gateway_parameters_only_when_needed() {
    let eu = Region::parse("eu-west-1").expect("valid");
    let text = render(
        &eu,
        Profile::Runner,
        None,
        &args(CatalogFormat::Cloudformation),
    );
    let t: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let gateways = creatable(&eu, Profile::Runner)
        .iter()
        .filter(|s| s.endpoint_type == EndpointType::Gateway)
        .count();
    assert_eq!(gateways, 1);
    assert!(t["Parameters"].get("RouteTableIds").is_some());
}
