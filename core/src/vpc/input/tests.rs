//! Unit tests of the reader's private parts. The reader as a whole is
//! tested against serde_json's tree in `core/tests/vpc_input.rs`.

use super::super::model::{BpaExclusionScope, ExclusionState};
use super::{KNOWN_KEYS, LISTS};
use alloc::format;
use proptest::prelude::*;

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

#[test]
fn exclusion_states_as_the_api_reference_lists_them() {
    for (state, want) in [
        ("create-in-progress", ExclusionState::Inactive),
        ("create-complete", ExclusionState::Active),
        ("create-failed", ExclusionState::Inactive),
        ("update-in-progress", ExclusionState::Active),
        ("update-complete", ExclusionState::Active),
        ("update-failed", ExclusionState::Active),
        ("delete-in-progress", ExclusionState::Inactive),
        ("delete-complete", ExclusionState::Inactive),
        ("disable-in-progress", ExclusionState::Inactive),
        ("disable-complete", ExclusionState::Inactive),
        ("some-future-state", ExclusionState::Inactive),
        ("CREATE-COMPLETE", ExclusionState::Inactive),
    ] {
        assert_eq!(super::exclusion_state(state), want, "{state}");
    }
}

#[test]
fn exclusion_scope_from_the_resource_arn() {
    let vpc = |id: &str| Some(BpaExclusionScope::Vpc(id.into()));
    let subnet = |id: &str| Some(BpaExclusionScope::Subnet(id.into()));
    for (arn, want) in [
        (
            "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0a1b2c3d4e5f60001",
            vpc("vpc-0a1b2c3d4e5f60001"),
        ),
        (
            "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0aaa",
            subnet("subnet-0aaa"),
        ),
        (
            "arn:aws-cn:ec2:cn-north-1:123456789012:vpc/vpc-1",
            vpc("vpc-1"),
        ),
        (
            "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:subnet/subnet-1",
            subnet("subnet-1"),
        ),
        (
            "arn:aws-iso-b:ec2:us-isob-east-1:123456789012:vpc/vpc-1",
            vpc("vpc-1"),
        ),
        ("arn:aws:ec2:eu-west-1:123456789012:instance/i-1", None),
        ("arn:aws:ec2:eu-west-1:123456789012:vpc/subnet-1", None),
        ("arn:aws:ec2:eu-west-1:123456789012:subnet/vpc-1", None),
        ("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-", None),
        ("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1/x", None),
        ("arn:aws:ec2:eu-west-1:123456789012:vpc-1", None),
        ("arn:aws:s3:eu-west-1:123456789012:vpc/vpc-1", None),
        ("arn::ec2:eu-west-1:123456789012:vpc/vpc-1", None),
        ("vpc-1", None),
        ("", None),
    ] {
        assert_eq!(super::bpa_exclusion_scope(arn), want, "{arn}");
    }
}

#[test]
fn lists_are_read_in_byte_order_and_cover_the_known_keys() {
    let mut sorted = LISTS;
    sorted.sort_unstable();
    assert_eq!(sorted, LISTS);
    for (key, _) in KNOWN_KEYS {
        // describe-vpc-attribute's keys are read after the lists.
        assert!(LISTS.contains(key) || key.starts_with("EnableDns"), "{key}");
    }
}
