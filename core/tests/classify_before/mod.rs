//! The classifier as it was before the table-driven rewrite (commit 214f763),
//! kept as a differential oracle for `classify_props.rs` and as a comparison
//! row of the classify bench (`core/benches/classify.rs`). It returns the same
//! `Classified` values (the bench asserts so before timing).
#![allow(dead_code, unreachable_pub)]

use netready_core::classify::{AddressClass, Classified, PrivateRange, SpecialRange, Translation};
use netready_core::net::Cidr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const fn mask_v4(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len as u32)
    }
}
const fn mask_v6(len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - len as u32)
    }
}

const NAT64_PREFIX: u128 = 0x0064_ff9b_0000_0000_0000_0000_0000_0000;
const MAPPED_PREFIX: u128 = 0x0000_0000_0000_0000_0000_ffff_0000_0000;

/// Classifies `ip`, counting addresses inside any of `vpc_cidrs` as private.
///
/// The order is: special-purpose ranges first (a VPC CIDR never makes a
/// loopback answer real), then the caller's VPC CIDRs, then the private
/// ranges, else public. To classify many addresses against the same CIDRs,
/// build a [`Classifier`] once: it holds the CIDRs as precomputed masks.
#[inline]
pub fn classify(ip: IpAddr, vpc_cidrs: &[Cidr]) -> Classified {
    classify_in(ip, vpc_cidrs)
}

/// The caller's VPC CIDRs as the classifier consults them.
trait VpcRanges {
    fn contains_v4(&self, a: u32) -> bool;
    fn contains_v6(&self, a: u128) -> bool;
}

impl VpcRanges for [Cidr] {
    #[inline]
    fn contains_v4(&self, a: u32) -> bool {
        self.iter()
            .any(|c| c.contains(IpAddr::V4(Ipv4Addr::from_bits(a))))
    }
    #[inline]
    fn contains_v6(&self, a: u128) -> bool {
        self.iter()
            .any(|c| c.contains(IpAddr::V6(Ipv6Addr::from_bits(a))))
    }
}

/// A set of VPC CIDRs prepared for classifying many addresses: the IPv4 and
/// IPv6 networks are kept apart as (mask, network) pairs in blocks of
/// four, so a membership test is a branch-free AND and compare per CIDR
/// of the address's family (VPCs have a handful of CIDRs: 5 per family by
/// default, 50 at most).
///
/// `Classifier::new(cidrs).classify(ip)` always equals
/// `classify(ip, cidrs)` (a property test checks it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classifier {
    v4: Vec<Block<u32>>,
    v6: Vec<Block<u128>>,
}

const LANES: usize = 4;

/// `LANES` networks as masks and bases. Unused lanes hold mask 0 and base 1,
/// which no address matches (`a & 0 == 0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block<T> {
    masks: [T; LANES],
    bases: [T; LANES],
}

macro_rules! block_impl {
    ($t:ty) => {
        impl Block<$t> {
            const EMPTY: Self = Self {
                masks: [0; LANES],
                bases: [1; LANES],
            };
            #[inline(always)]
            fn contains(&self, a: $t) -> bool {
                // `|` rather than `||`: all lanes are compared, no branch.
                let mut hit = false;
                for lane in 0..LANES {
                    hit |= a & self.masks[lane] == self.bases[lane];
                }
                hit
            }
        }
    };
}
block_impl!(u32);
block_impl!(u128);

fn push_lane<T: Copy>(blocks: &mut Vec<Block<T>>, empty: Block<T>, mask: T, base: T, used: usize) {
    let lane = used % LANES;
    if lane == 0 {
        blocks.push(empty);
    }
    let block = blocks
        .last_mut()
        .expect("a block was pushed when the previous one filled up");
    block.masks[lane] = mask;
    block.bases[lane] = base;
}

impl Classifier {
    /// Prepares `vpc_cidrs`.
    pub fn new(vpc_cidrs: &[Cidr]) -> Self {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        let (mut n4, mut n6) = (0, 0);
        for cidr in vpc_cidrs {
            match cidr {
                Cidr::V4(c) => {
                    let (mask, base) = (mask_v4(c.prefix_len()), c.network().to_bits());
                    push_lane(&mut v4, Block::<u32>::EMPTY, mask, base, n4);
                    n4 += 1;
                }
                Cidr::V6(c) => {
                    let (mask, base) = (mask_v6(c.prefix_len()), c.network().to_bits());
                    push_lane(&mut v6, Block::<u128>::EMPTY, mask, base, n6);
                    n6 += 1;
                }
            }
        }
        Self { v4, v6 }
    }

    /// Classifies `ip` as [`classify`] does with this classifier's CIDRs.
    #[inline]
    pub fn classify(&self, ip: IpAddr) -> Classified {
        classify_in(ip, self)
    }
}

impl VpcRanges for Classifier {
    #[inline]
    fn contains_v4(&self, a: u32) -> bool {
        self.v4.iter().any(|b| b.contains(a))
    }
    #[inline]
    fn contains_v6(&self, a: u128) -> bool {
        self.v6.iter().any(|b| b.contains(a))
    }
}

#[inline(always)]
fn classify_in<R: VpcRanges + ?Sized>(ip: IpAddr, vpc: &R) -> Classified {
    match ip {
        IpAddr::V4(v4) => Classified {
            class: classify_v4(v4.to_bits(), vpc),
            translation: Translation::Native,
            effective: ip,
        },
        IpAddr::V6(v6) => classify_v6(v6.to_bits(), vpc),
    }
}

/// The class of an IPv4 address by its first octet alone, or `None` where the
/// octet holds several classes. Random addresses hit `None` for 8 of 256
/// octets, so the common case is one load and no unpredictable branch.
static V4_BY_FIRST_OCTET: [Option<AddressClass>; 256] = {
    use AddressClass::{Private, Public, Special};
    let mut t = [Some(Public); 256];
    t[0] = None;
    t[10] = Some(Private(PrivateRange::Rfc1918));
    t[100] = None;
    t[127] = Some(Special(SpecialRange::Loopback));
    t[169] = None;
    t[172] = None;
    t[192] = None;
    t[198] = None;
    t[203] = None;
    let mut i = 224;
    while i < 240 {
        t[i] = Some(Special(SpecialRange::Multicast));
        i += 1;
    }
    while i < 255 {
        t[i] = Some(Special(SpecialRange::Reserved));
        i += 1;
    }
    t[255] = None;
    t
};

/// The class of an IPv6 address by its first byte alone, or `None` where the
/// byte holds several classes.
static V6_BY_FIRST_BYTE: [Option<AddressClass>; 256] = {
    use AddressClass::{Private, Public, Special};
    let mut t = [Some(Special(SpecialRange::Reserved)); 256];
    t[0x00] = None;
    t[0x01] = None;
    t[0x20] = None;
    let mut i = 0x21;
    while i < 0x3f {
        t[i] = Some(Public);
        i += 1;
    }
    t[0x3f] = None;
    t[0xfc] = Some(Private(PrivateRange::UniqueLocal));
    t[0xfd] = Some(Private(PrivateRange::UniqueLocal));
    t[0xfe] = None;
    t[0xff] = Some(Special(SpecialRange::Multicast));
    t
};

#[inline(always)]
fn classify_v4<R: VpcRanges + ?Sized>(a: u32, vpc: &R) -> AddressClass {
    let class = match V4_BY_FIRST_OCTET[(a >> 24) as usize] {
        Some(c) => c,
        None => classify_v4_slow(a),
    };
    // Both tests run unconditionally so the choice can compile to a
    // conditional move: whether an answer is special is data, and a
    // mispredicted branch costs more than the few compares.
    let in_vpc = vpc.contains_v4(a);
    if in_vpc & !class.is_special() {
        AddressClass::Private(PrivateRange::VpcCidr)
    } else {
        class
    }
}

fn classify_v4_slow(a: u32) -> AddressClass {
    use AddressClass::{Private, Public, Special};
    match a >> 24 {
        0 if a == 0 => Special(SpecialRange::Unspecified),
        0 => Special(SpecialRange::ThisNetwork),
        100 if a & 0xffc0_0000 == 0x6440_0000 => Private(PrivateRange::SharedAddressSpace),
        169 if a >> 16 == 0xa9fe => Special(SpecialRange::LinkLocal),
        172 if a & 0xfff0_0000 == 0xac10_0000 => Private(PrivateRange::Rfc1918),
        192 => match a >> 8 {
            0x00c0_0000 => Special(SpecialRange::ProtocolAssignment),
            0x00c0_0002 => Special(SpecialRange::Documentation),
            0x00c0_5863 => Special(SpecialRange::Reserved),
            _ if a >> 16 == 0xc0a8 => Private(PrivateRange::Rfc1918),
            _ => Public,
        },
        198 if a >> 17 == 0xc612 >> 1 => Special(SpecialRange::Benchmarking),
        198 if a >> 8 == 0x00c6_3364 => Special(SpecialRange::Documentation),
        203 if a >> 8 == 0x00cb_0071 => Special(SpecialRange::Documentation),
        255 if a == u32::MAX => Special(SpecialRange::Broadcast),
        255 => Special(SpecialRange::Reserved),
        _ => Public,
    }
}

#[inline(always)]
fn classify_v6<R: VpcRanges + ?Sized>(a: u128, vpc: &R) -> Classified {
    let class = match V6_BY_FIRST_BYTE[(a >> 120) as usize] {
        Some(c) => c,
        // 2000::/8 is nearly all global unicast: only 2001::/16 and 2002::/16
        // hold special blocks, so test the second byte before the slow path.
        None if a >> 120 == 0x20 && ((a >> 112) as u16).wrapping_sub(0x2001) > 1 => {
            AddressClass::Public
        }
        None => {
            if a >> 32 == MAPPED_PREFIX >> 32 || a >> 32 == NAT64_PREFIX >> 32 {
                let v4 = a as u32;
                let translation = if a >> 32 == NAT64_PREFIX >> 32 {
                    Translation::Nat64
                } else {
                    Translation::Ipv4Mapped
                };
                return Classified {
                    class: classify_v4(v4, vpc),
                    translation,
                    effective: IpAddr::V4(Ipv4Addr::from_bits(v4)),
                };
            }
            classify_v6_slow(a)
        }
    };
    let in_vpc = vpc.contains_v6(a);
    let class = if in_vpc & !class.is_special() {
        AddressClass::Private(PrivateRange::VpcCidr)
    } else {
        class
    };
    Classified {
        class,
        translation: Translation::Native,
        effective: IpAddr::V6(Ipv6Addr::from_bits(a)),
    }
}

fn classify_v6_slow(a: u128) -> AddressClass {
    use AddressClass::{Public, Special};
    let top16 = (a >> 112) as u16;
    if a == 0 {
        Special(SpecialRange::Unspecified)
    } else if a == 1 {
        Special(SpecialRange::Loopback)
    } else if top16 & 0xe000 == 0x2000 {
        // Global unicast 2000::/3, less its special-purpose blocks.
        // 3fff::/20 is the top 20 bits 0x3fff0 (a mask on the top 16 bits
        // alone took in all of 3ff0::/12; found by the classify fuzz target).
        if a >> 96 == 0x2001_0db8 || a >> 108 == 0x3fff0 {
            Special(SpecialRange::Documentation)
        } else if a >> 105 == 0x2001_0000 >> 9 {
            Special(SpecialRange::ProtocolAssignment)
        } else if top16 == 0x2002 {
            Special(SpecialRange::Reserved)
        } else {
            Public
        }
    } else if top16 & 0xffc0 == 0xfe80 {
        Special(SpecialRange::LinkLocal)
    } else if a >> 64 == 0x0100_0000_0000_0000 {
        Special(SpecialRange::DiscardOnly)
    } else {
        Special(SpecialRange::Reserved)
    }
}
