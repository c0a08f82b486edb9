//! What the runner calls through each endpoint of the catalog, as data.
//!
//! Keyed by the catalog's service id ([`crate::catalog::Service::id`]).
//! Resources are templates: `{partition}`, `{region}` are filled from the
//! region; `{account}` (the runner's account) and `{registry}` (the ECR
//! registry's account) from the facts when given; any other `{name}` is a
//! part the validator cannot know (a repository, log group or secret
//! name), matched as "any non-empty text" (`{name+}`: text that may hold
//! colons). The same templates serve every partition (`arn:aws`,
//! `arn:aws-cn`, `arn:aws-us-gov`, …): only `{partition}` and `{region}`
//! differ.

use super::eval::Caller;

/// One call the runner makes through an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call<'a> {
    /// The IAM action, `service:Action` (a template too: `ec2:{action}`
    /// stands for any action of `ec2`).
    pub action: &'a str,
    /// The resource the call is authorised against (a template, see the
    /// module docs); `*` for actions without resource-level permissions.
    pub resource: &'a str,
    /// Whose credentials sign the call.
    pub caller: Caller,
}

/// What a service's endpoint must let through (each entry of [`NEEDS`]
/// cites, in a comment, AWS's page that lists its calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Needs {
    /// Each of these calls.
    Calls(&'static [Call<'static>]),
    /// Calls this release does not catalogue: only a policy that lets
    /// every action of `prefix` through on every resource is known to
    /// allow the runner; one that lets none through denies it.
    AnyCall {
        /// The IAM service prefix (`ec2`).
        prefix: &'static str,
        /// Whether the service's calls name a region
        /// (`aws:RequestedRegion`); IAM's do not.
        regional: bool,
    },
    /// No endpoint policy applies: "When you create a VPC endpoint for an
    /// endpoint service other than an AWS service, we allow full access to
    /// the endpoint" (vpc/latest/privatelink/vpc-endpoints-access.html).
    NoPolicy,
}

const RUNNER: Caller = Caller::Runner;

/// The runner's calls per service (see [`needs`]).
pub const NEEDS: &[(&str, Needs)] = &[
    (
        "secretsmanager",
        Needs::Calls(
            // The runner reads its token and configuration secrets.
            // Resource: secretsmanager's `secret` type
            // (service-authorization/latest/reference/list_awssecretsmanager.html);
            // endpoint policy example: secretsmanager/latest/userguide/vpc-endpoint-overview.html.
            &[Call {
                action: "secretsmanager:GetSecretValue",
                resource: "arn:{partition}:secretsmanager:{region}:{account}:secret:{secret}",
                caller: RUNNER,
            }],
        ),
    ),
    (
        "logs",
        Needs::Calls(
            // The awslogs driver and the runner ship logs. Resources:
            // "arn:aws:logs:region:account-id:log-group:log_group_name" and
            // "…:log-group:log_group_name:log-stream:log-stream-name"
            // (AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html);
            // CreateLogStream and DescribeLogStreams act on the log group,
            // PutLogEvents on the stream (list_amazoncloudwatchlogs.html).
            &[
                Call {
                    action: "logs:CreateLogStream",
                    resource: "arn:{partition}:logs:{region}:{account}:log-group:{group}",
                    caller: RUNNER,
                },
                Call {
                    action: "logs:PutLogEvents",
                    resource: "arn:{partition}:logs:{region}:{account}:log-group:{group}:log-stream:{stream}",
                    caller: RUNNER,
                },
                Call {
                    action: "logs:DescribeLogStreams",
                    resource: "arn:{partition}:logs:{region}:{account}:log-group:{group}",
                    caller: RUNNER,
                },
            ],
        ),
    ),
    (
        "ecr.api",
        Needs::Calls(
            // "Amazon ECR requires that users have allow permissions to the
            // ecr:GetAuthorizationToken API … before they can authenticate
            // to a registry and push or pull any images"
            // (AmazonECR/latest/userguide/docker-pull-ecr-image.html); the
            // action has no resource type, so its resource is "*"; the
            // endpoint policy example of AmazonECR/latest/userguide/vpc-endpoints.html
            // ("Create an endpoint policy") allows it with Resource "*".
            &[Call {
                action: "ecr:GetAuthorizationToken",
                resource: "*",
                caller: RUNNER,
            }],
        ),
    ),
    (
        "ecr.dkr",
        Needs::Calls(
            // Image pulls: BatchGetImage and GetDownloadUrlForLayer
            // (the pull example of vpc-endpoints.html), and
            // BatchCheckLayerAvailability, which the ECS task execution
            // role's managed policy (AmazonECSTaskExecutionRolePolicy)
            // grants with them. Resource: the repository,
            // arn:…:ecr:region:account:repository/name.
            &[
                Call {
                    action: "ecr:BatchGetImage",
                    resource: "arn:{partition}:ecr:{region}:{registry}:repository/{repository}",
                    caller: RUNNER,
                },
                Call {
                    action: "ecr:GetDownloadUrlForLayer",
                    resource: "arn:{partition}:ecr:{region}:{registry}:repository/{repository}",
                    caller: RUNNER,
                },
                Call {
                    action: "ecr:BatchCheckLayerAvailability",
                    resource: "arn:{partition}:ecr:{region}:{registry}:repository/{repository}",
                    caller: RUNNER,
                },
            ],
        ),
    ),
    (
        "s3",
        Needs::Calls(
            // "Minimum Amazon S3 Bucket Permissions for Amazon ECR":
            // s3:GetObject on arn:aws:s3:::prod-region-starport-layer-bucket/*
            // (AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms),
            // through a URL an ECR account signed (see `Caller`). The object
            // key may hold colons.
            &[Call {
                action: "s3:GetObject",
                resource: "arn:{partition}:s3:::prod-{region}-starport-layer-bucket/{key+}",
                caller: Caller::EcrPresignedUrl,
            }],
        ),
    ),
    (
        "ssmmessages",
        Needs::Calls(
            // SSM Agent's Session Manager channels
            // (systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html);
            // these actions have no resource type
            // (service-authorization/latest/reference/list_amazonmessagegatewayservice.html).
            &[
                Call {
                    action: "ssmmessages:CreateControlChannel",
                    resource: "*",
                    caller: RUNNER,
                },
                Call {
                    action: "ssmmessages:CreateDataChannel",
                    resource: "*",
                    caller: RUNNER,
                },
                Call {
                    action: "ssmmessages:OpenControlChannel",
                    resource: "*",
                    caller: RUNNER,
                },
                Call {
                    action: "ssmmessages:OpenDataChannel",
                    resource: "*",
                    caller: RUNNER,
                },
            ],
        ),
    ),
    (
        "ec2messages",
        Needs::Calls(
            // SSM Agent's message calls (systems-manager-setting-up-messageAPIs.html).
            // Their resource is not pinned down here: any resource, so that
            // only Resource "*" (or a pattern covering every ARN) counts.
            &[
                Call {
                    action: "ec2messages:GetMessages",
                    resource: "{resource+}",
                    caller: RUNNER,
                },
                Call {
                    action: "ec2messages:AcknowledgeMessage",
                    resource: "{resource+}",
                    caller: RUNNER,
                },
                Call {
                    action: "ec2messages:SendReply",
                    resource: "{resource+}",
                    caller: RUNNER,
                },
                Call {
                    action: "ec2messages:DeleteMessage",
                    resource: "{resource+}",
                    caller: RUNNER,
                },
                Call {
                    action: "ec2messages:FailMessage",
                    resource: "{resource+}",
                    caller: RUNNER,
                },
                Call {
                    action: "ec2messages:GetEndpoint",
                    resource: "{resource+}",
                    caller: RUNNER,
                },
            ],
        ),
    ),
    // The runner stack's calls through these are not catalogued (which EC2,
    // CloudFormation, ECS, … actions its components make is not in AWS's
    // documentation): a policy must let every call of the service through
    // to be known to allow them.
    any("ec2"),
    any("ssm"),
    any("sts"),
    any("cloudformation"),
    ("ecs", any("ecs").1),
    ("ecs-agent", any("ecs").1),
    ("ecs-telemetry", any("ecs").1),
    (
        "iam",
        Needs::AnyCall {
            prefix: "iam",
            regional: false,
        },
    ),
    any("elasticloadbalancing"),
    any("acm"),
    any("dynamodb"),
    ("management-plane", Needs::NoPolicy),
];

const fn any(prefix: &'static str) -> (&'static str, Needs) {
    (
        prefix,
        Needs::AnyCall {
            prefix,
            regional: true,
        },
    )
}

/// What the endpoint of catalog service `service_id` must let through;
/// `None` for a service the catalog does not know.
pub fn needs(service_id: &str) -> Option<Needs> {
    NEEDS
        .iter()
        .find(|(id, _)| *id == service_id)
        .map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Profile, endpoints};

    #[test]
    fn every_catalogued_endpoint_has_needs() {
        for profile in Profile::ALL {
            for s in endpoints(profile) {
                assert!(needs(s.id).is_some(), "{} has no entry in NEEDS", s.id);
            }
        }
        for (id, _) in NEEDS {
            assert!(
                crate::catalog::service_by_id(id).is_some(),
                "{id} is not a catalog service"
            );
        }
    }
}
