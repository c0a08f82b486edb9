//! What interface endpoints would cost for a VPC without internet egress.
//!
//! Guarantees: the count covers the profile's interface endpoints that can
//! be created in the region (IAM's outside its control-plane region and
//! services absent from the partition cost nothing here), times the task
//! subnets' AZs; endpoints already present count only when they serve this
//! region's names (a cross-region endpoint for another region's service
//! does not). Amounts are formatted without floats (the browser module
//! would carry `core::fmt`'s float code).
//!
//! Not done here: data processing charges, which depend on traffic.

use super::super::model::{Subnet, VpcEndpointKind};
use super::Ctx;
use super::endpoints::{CENTS_PER_ENDPOINT_AZ_MONTH, USD_PER_ENDPOINT_AZ_MONTH};
use super::index::IdIndex;
use crate::catalog::{self, Availability, EndpointType, Profile, Service};
use crate::report::CostSummary;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Dollars from cents without float formatting.
fn usd(cents: u32) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

impl Ctx<'_> {
    pub(super) fn cost(
        &self,
        profile: Profile,
        task_subnets: &[&Subnet],
        vpc_ids: &[&str],
    ) -> CostSummary {
        let mut azs = IdIndex::with_capacity(4);
        for s in task_subnets {
            azs.insert_first(s.availability_zone.as_deref().unwrap_or(&s.id), 0);
        }
        let az_count = azs.len().max(1) as u32;
        // The interface endpoints that can be created in this region (the
        // others are reached some other way and cost nothing here).
        let interface: Vec<&Service> = catalog::endpoints(profile)
            .filter(|s| {
                s.endpoint_type == EndpointType::Interface
                    && !matches!(
                        s.availability(&self.region),
                        Availability::ControlPlaneRegionOnly { .. } | Availability::NotInPartition
                    )
            })
            .collect();
        let needed = interface.len() as u32 * az_count;
        let mut present = 0u32;
        for s in &interface {
            for e in &self.endpoints {
                if e.ep.kind == VpcEndpointKind::Interface
                    && e.service_id == s.id
                    && self.serves(e, s)
                    && vpc_ids.contains(&e.ep.vpc_id.as_str())
                {
                    present += e.ep.subnet_ids.len() as u32;
                }
            }
        }
        let monthly_cents = needed.saturating_mul(CENTS_PER_ENDPOINT_AZ_MONTH);
        let monthly = usd(monthly_cents);
        let s3_interface = usd(az_count.saturating_mul(CENTS_PER_ENDPOINT_AZ_MONTH));
        CostSummary {
            interface_endpoint_azs_present: present,
            interface_endpoint_azs_needed: needed,
            monthly_usd_needed: f64::from(monthly_cents) / 100.0,
            message: format!(
                "Without internet egress the {profile} profile needs {} interface endpoints in {az_count} AZ(s): {needed} endpoint-AZs at about ${USD_PER_ENDPOINT_AZ_MONTH} a month each = about ${monthly} a month plus data processing ({present} exist). The S3 gateway endpoint is free: it saves about ${s3_interface} a month against an S3 interface endpoint in the same AZs (which ECR cannot use for layers anyway), and NAT data-processing charges on image layers.",
                interface.len()
            ),
        }
    }
}
