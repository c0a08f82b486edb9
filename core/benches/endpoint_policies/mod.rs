//! A realistic endpoint policy per service, for the benches: what a
//! careful customer attaches (the runner's calls allowed, scoped by VPC,
//! endpoint, account or organisation, with an explicit deny or two), so
//! that evaluating them costs what real ones cost. Every policy allows the
//! runner's calls when the account is given.

use serde_json::{Value, json};

/// The policy of an endpoint of catalog service `service`, as
/// `describe-vpc-endpoints` prints it in `PolicyDocument` (indented JSON).
pub(crate) fn endpoint_policy(
    service: &str,
    vpc: &str,
    endpoint: &str,
    account: &str,
    region: &str,
) -> String {
    let this_vpc = json!({"StringEquals": {"aws:SourceVpc": vpc}});
    let policy = match service {
        "s3" => json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "OrgIdentitiesToOrgResources", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": "*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:ResourceOrgID": "o-a1b2c3d4e5"}}},
            {"Sid": "AwsServicePrincipals", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}},
            {"Sid": "AwsOwnedResources", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject"],
             "Resource": [format!("arn:aws:s3:::amazonlinux-2-repos-{region}/*"), format!("arn:aws:s3:::al2023-repos-{region}-de612dc2/*"),
                          format!("arn:aws:s3:::aws-ssm-{region}/*"), format!("arn:aws:s3:::amazon-ssm-packages-{region}/*"),
                          format!("arn:aws:s3:::prod-{region}-starport-layer-bucket/*")]},
            {"Sid": "CorpBuckets", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::example-corp-data", "arn:aws:s3:::example-corp-data/*"], "Condition": this_vpc},
            {"Sid": "NoUnencryptedTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]}),
        "ecr.api" | "ecr.dkr" => json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowPull", "Effect": "Allow", "Principal": "*",
             "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
             "Resource": "*", "Condition": this_vpc},
            {"Sid": "PreventDelete", "Effect": "Deny", "Principal": "*", "Action": ["ecr:DeleteRepository", "ecr:BatchDeleteImage"],
             "Resource": format!("arn:aws:ecr:{region}:{account}:repository/*")}
        ]}),
        "logs" => json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "OwnAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "logs:*",
             "Resource": format!("arn:aws:logs:{region}:{account}:log-group:*"),
             "Condition": {"StringEquals": {"aws:PrincipalAccount": account}}},
            {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": ["logs:DeleteLogGroup", "logs:DeleteLogStream"], "Resource": "*"}
        ]}),
        "secretsmanager" => json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Everything", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
            {"Sid": "ThisEndpointOnly", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:sourceVpce": endpoint}}}
        ]}),
        other => {
            let prefix = match other {
                "ecs-agent" | "ecs-telemetry" => "ecs",
                p => p,
            };
            json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "ThisVpc", "Effect": "Allow", "Principal": "*", "Action": format!("{prefix}:*"), "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceVpc": vpc, "aws:RequestedRegion": region}}}
            ]})
        }
    };
    pretty(&policy)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("a Value prints")
}
