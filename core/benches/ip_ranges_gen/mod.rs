//! A synthetic `ip-ranges.json` shaped like the one AWS publishes
//! (<https://ip-ranges.amazonaws.com/ip-ranges.json>; format: the VPC user
//! guide's "AWS IP address ranges"): deterministic, about 2 MB (1,956,824
//! bytes: 9,000 IPv4 and 3,600 IPv6 prefixes), printed as AWS prints it
//! (2-space indent, the fields of each prefix in AWS's order). There is no network here to fetch the real
//! file, and a benchmark must not depend on one.
//!
//! What makes it realistic for the parser: the counts, the sizes, the mix of
//! IPv4 and IPv6 prefixes and of prefix lengths, a prefix listed under
//! several services (`AMAZON` and `EC2`, as AWS lists every range under
//! `AMAZON` too), regions and network border groups (Local Zones) as AWS
//! names them. The addresses themselves are made up.

use std::fmt::Write as _;

/// How many prefixes of each family.
pub(crate) struct Size {
    pub(crate) v4: usize,
    pub(crate) v6: usize,
}

/// About the size of the published file: ~2 MB.
pub(crate) const PUBLISHED: Size = Size {
    v4: 9_000,
    v6: 3_600,
};

const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
    "GLOBAL",
];

/// Services and how often a prefix is theirs (in thousandths); every
/// prefix of another service is listed again under `AMAZON`, as AWS does.
const SERVICES: &[(&str, u32)] = &[
    ("AMAZON", 420),
    ("EC2", 330),
    ("S3", 40),
    ("CLOUDFRONT", 40),
    ("ROUTE53_HEALTHCHECKS", 15),
    ("API_GATEWAY", 25),
    ("DYNAMODB", 15),
    ("CLOUDFRONT_ORIGIN_FACING", 15),
    ("GLOBALACCELERATOR", 25),
    ("AMAZON_CONNECT", 10),
    ("EC2_INSTANCE_CONNECT", 10),
    ("CODEBUILD", 10),
    ("ROUTE53_RESOLVER", 15),
    ("KINESIS_VIDEO_STREAMS", 10),
    ("WORKSPACES_GATEWAYS", 10),
    ("EBS", 10),
];

/// Local Zones' network border groups, for a few regions.
const LOCAL_ZONES: &[(&str, &str)] = &[
    ("us-west-2", "us-west-2-lax-1"),
    ("us-west-2", "us-west-2-den-1"),
    ("us-east-1", "us-east-1-bos-1"),
    ("us-east-1", "us-east-1-mia-1"),
    ("eu-central-1", "eu-central-1-ham-1"),
    ("ap-northeast-1", "ap-northeast-1-tpe-1"),
];

/// First octets of AWS's IPv4 space.
const V4_FIRST: &[u32] = &[
    3, 13, 15, 16, 18, 23, 34, 35, 43, 44, 46, 50, 52, 54, 57, 63, 64, 99,
];

/// SplitMix64: a small, deterministic generator (no dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

fn service(rng: &mut Rng) -> &'static str {
    let mut x = rng.below(1000) as u32;
    for (s, share) in SERVICES {
        if x < *share {
            return s;
        }
        x -= share;
    }
    "AMAZON"
}

/// A region and its network border group.
fn place(rng: &mut Rng) -> (&'static str, &'static str) {
    if rng.below(40) == 0 {
        let (r, nbg) = rng.pick(LOCAL_ZONES);
        return (r, nbg);
    }
    let r = rng.pick(REGIONS);
    (r, r)
}

fn v4(rng: &mut Rng) -> String {
    // Mostly /16 to /28, as in the published file.
    let len = [
        12, 14, 15, 16, 16, 18, 19, 20, 21, 22, 22, 23, 24, 24, 24, 25, 26, 27, 28, 32,
    ][rng.below(20)];
    let addr = (rng.pick(V4_FIRST) << 24) | (rng.next() as u32 & 0x00ff_ffff);
    let addr = if len == 0 {
        0
    } else {
        addr & (u32::MAX << (32 - len))
    };
    let [a, b, c, d] = addr.to_be_bytes();
    format!("{a}.{b}.{c}.{d}/{len}")
}

fn v6(rng: &mut Rng) -> String {
    let len: u32 = [32, 36, 40, 40, 44, 48, 48, 52, 56, 56, 56, 64][rng.below(12)];
    let top: u128 = match rng.below(4) {
        0 => 0x2600_1f00,
        1 => 0x2a05_d000,
        2 => 0x2406_da00,
        _ => 0x2600_9000,
    };
    let addr = (top << 96) | (u128::from(rng.next()) << 32 & ((1u128 << 96) - 1));
    let addr = addr & (u128::MAX << (128 - len));
    format!("{}/{len}", std::net::Ipv6Addr::from(addr))
}

/// The document, as AWS prints it.
pub(crate) fn generate(n: &Size) -> String {
    let mut rng = Rng(0x1b2a_4e5d);
    let mut out = String::from(
        "{\n  \"syncToken\": \"1741080123\",\n  \"createDate\": \"2025-03-04-09-22-03\",\n  \"prefixes\": [",
    );
    let list = |out: &mut String, key: &str, count: usize, rng: &mut Rng, v6: bool| {
        let mut written = 0;
        while written < count {
            let cidr = if v6 { self::v6(rng) } else { v4(rng) };
            let (region, nbg) = place(rng);
            let s = service(rng);
            // Every range is an AMAZON range; most are listed only there or
            // under one more service.
            let services: &[&str] = if s == "AMAZON" {
                &["AMAZON"]
            } else {
                &["AMAZON", s]
            };
            for s in services {
                if written == count {
                    break;
                }
                if written > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    "\n    {{\n      \"{key}\": \"{cidr}\",\n      \"region\": \"{region}\",\n      \"service\": \"{s}\",\n      \"network_border_group\": \"{nbg}\"\n    }}"
                );
                written += 1;
            }
        }
    };
    list(&mut out, "ip_prefix", n.v4, &mut rng, false);
    out.push_str("\n  ],\n  \"ipv6_prefixes\": [");
    list(&mut out, "ipv6_prefix", n.v6, &mut rng, true);
    out.push_str("\n  ]\n}\n");
    out
}
