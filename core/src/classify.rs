//! What an IP address is, as far as reaching an AWS endpoint goes.
//!
//! Guarantees:
//! * every IPv4 and IPv6 address gets exactly one [`AddressClass`];
//! * special-purpose addresses (loopback, unspecified, link-local, multicast,
//!   broadcast, documentation, benchmarking, reserved, discard-only, IETF
//!   protocol assignments) are [`AddressClass::Special`] whatever CIDRs the
//!   caller passes: they are never a real endpoint, so an answer holding one is
//!   a DNS sinkhole or a firewall's reply;
//! * RFC 1918, RFC 6598 (100.64.0.0/10, used for VPC secondary CIDRs) and IPv6
//!   unique-local (fc00::/7) are private, and so is any address inside a
//!   caller-given VPC CIDR (VPCs may use public ranges; IPv6 VPC ranges are
//!   global);
//! * an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) classifies exactly as its
//!   IPv4 address, and a NAT64 address (`64:ff9b::/96`) classifies as its
//!   embedded IPv4 address, with [`Translation::Nat64`] recording that the
//!   traffic goes through a NAT gateway's NAT64.
//!
//! How: the ranges are one rule list per family, compiled at build time into
//! a byte-wise trie. An address is read as four bytes (an IPv4 address,
//! native, mapped or NAT64, or the first four bytes of any other IPv6
//! address) without a branch on its family or kind, and the first byte's
//! entry decides its class for about 29 addresses in 30; the others finish
//! the walk out of line. A [`Classifier`] folds its VPC CIDRs into its own
//! copy of that first level. About 4 to 5 ns per address whatever the mix of
//! families (`BENCHMARKS.md`, "Core: address classification").
//!
//! Not done here: deciding the access type (that needs the task's context; see
//! [`crate::rules`]).

use crate::net::{Cidr, mask_v4, mask_v6};
use alloc::vec::Vec;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address counts as private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum PrivateRange {
    /// 10/8, 172.16/12, 192.168/16.
    Rfc1918,
    /// 100.64.0.0/10, carrier-grade NAT space, used for VPC secondary CIDRs.
    SharedAddressSpace,
    /// fc00::/7.
    UniqueLocal,
    /// Inside a CIDR the caller says belongs to the VPC.
    VpcCidr,
}

/// A special-purpose range: never the address of a real AWS endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum SpecialRange {
    /// 0.0.0.0 and ::.
    Unspecified,
    /// 0.0.0.0/8 other than 0.0.0.0 ("this network").
    ThisNetwork,
    /// 127.0.0.0/8 and ::1.
    Loopback,
    /// 169.254.0.0/16 and fe80::/10.
    LinkLocal,
    /// 224.0.0.0/4 and ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// 198.18.0.0/15.
    Benchmarking,
    /// 192.0.0.0/24 and 2001::/23 (IETF protocol assignments).
    ProtocolAssignment,
    /// 100::/64.
    DiscardOnly,
    /// 240.0.0.0/4, 192.88.99.0/24 and every IPv6 address outside the
    /// unicast, unique-local, link-local and multicast ranges (including
    /// 6to4 2002::/16 and the deprecated site-local fec0::/10).
    Reserved,
}

/// The class of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum AddressClass {
    /// Reached inside the VPC (an interface endpoint, a private NAT, a peer).
    Private(PrivateRange),
    /// A public address: reached through a NAT gateway, an internet gateway or
    /// a transit path.
    Public,
    /// Never a real endpoint.
    Special(SpecialRange),
}

/// How the address was written relative to the address it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Translation {
    /// The address is what it is.
    #[default]
    Native,
    /// `::ffff:a.b.c.d`: an IPv4 address written as IPv6.
    Ipv4Mapped,
    /// `64:ff9b::a.b.c.d`: reached through a NAT gateway's NAT64.
    Nat64,
}

/// The result of [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Classified {
    /// The class of the address the traffic is really for.
    pub class: AddressClass,
    /// Whether the address was mapped or translated.
    pub translation: Translation,
    /// The address the class was decided on (the embedded IPv4 address for
    /// mapped and NAT64 addresses, the address itself otherwise).
    pub effective: IpAddr,
}

impl AddressClass {
    /// The stable name used in the JSON report's `class` field.
    pub const fn as_str(&self) -> &'static str {
        match self {
            AddressClass::Private(_) => "private",
            AddressClass::Public => "public",
            AddressClass::Special(s) => s.as_str(),
        }
    }

    /// Parses a name produced by [`AddressClass::as_str`]. `private` parses to
    /// [`PrivateRange::Rfc1918`], since the name does not carry the range.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "private" => AddressClass::Private(PrivateRange::Rfc1918),
            "public" => AddressClass::Public,
            other => AddressClass::Special(SpecialRange::from_name(other)?),
        })
    }

    /// Whether an address of this class can be a real endpoint (and so may be
    /// dialled).
    pub const fn is_special(&self) -> bool {
        matches!(self, AddressClass::Special(_))
    }
}

impl PrivateRange {
    /// Every private range.
    pub const ALL: [PrivateRange; 4] = [
        PrivateRange::Rfc1918,
        PrivateRange::SharedAddressSpace,
        PrivateRange::UniqueLocal,
        PrivateRange::VpcCidr,
    ];

    /// The stable name used in the JSON report's `range` field.
    pub const fn as_str(&self) -> &'static str {
        match self {
            PrivateRange::Rfc1918 => "rfc1918",
            PrivateRange::SharedAddressSpace => "shared_address_space",
            PrivateRange::UniqueLocal => "unique_local",
            PrivateRange::VpcCidr => "vpc_cidr",
        }
    }
}

impl SpecialRange {
    /// Every special-purpose range.
    pub const ALL: [SpecialRange; 11] = [
        SpecialRange::Unspecified,
        SpecialRange::ThisNetwork,
        SpecialRange::Loopback,
        SpecialRange::LinkLocal,
        SpecialRange::Multicast,
        SpecialRange::Broadcast,
        SpecialRange::Documentation,
        SpecialRange::Benchmarking,
        SpecialRange::ProtocolAssignment,
        SpecialRange::DiscardOnly,
        SpecialRange::Reserved,
    ];

    /// The stable snake_case name.
    pub const fn as_str(&self) -> &'static str {
        match self {
            SpecialRange::Unspecified => "unspecified",
            SpecialRange::ThisNetwork => "this_network",
            SpecialRange::Loopback => "loopback",
            SpecialRange::LinkLocal => "link_local",
            SpecialRange::Multicast => "multicast",
            SpecialRange::Broadcast => "broadcast",
            SpecialRange::Documentation => "documentation",
            SpecialRange::Benchmarking => "benchmarking",
            SpecialRange::ProtocolAssignment => "protocol_assignment",
            SpecialRange::DiscardOnly => "discard_only",
            SpecialRange::Reserved => "reserved",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Translation {
    /// The stable name used in the JSON report's `via` field.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Translation::Native => "native",
            Translation::Ipv4Mapped => "ipv4_mapped",
            Translation::Nat64 => "nat64",
        }
    }
}

/// Classifies `ip`, counting addresses inside any of `vpc_cidrs` as private.
///
/// The order is: special-purpose ranges first (a VPC CIDR never makes a
/// loopback answer real), then the caller's VPC CIDRs, then the private
/// ranges, else public. Each CIDR costs a compare per address: to classify
/// many addresses against the same CIDRs, build a [`Classifier`] once, which
/// folds them into its tables.
#[inline]
pub fn classify(ip: IpAddr, vpc_cidrs: &[Cidr]) -> Classified {
    classify_in(ip, vpc_cidrs)
}

/// A set of VPC CIDRs prepared for classifying many addresses.
///
/// It holds its own copy of the first level of the classifier's tables with
/// the CIDRs applied: a first byte whose addresses all lie inside one of
/// the CIDRs (and are not special) maps straight to
/// [`PrivateRange::VpcCidr`], one that no CIDR touches keeps its class, and
/// only a first byte that a CIDR splits (10.0.0.0/16 splits 10) sends its
/// addresses down the slower path that compares them with the CIDRs. So a
/// classification costs the same with or without CIDRs for most addresses.
/// Building one costs under a microsecond with a few CIDRs (bench rows
/// `classifier_new/*`): for a handful of addresses, [`classify`] is cheaper.
///
/// `Classifier::new(cidrs).classify(ip)` always equals
/// `classify(ip, cidrs)` (a property test and the classify fuzz target
/// check it).
#[derive(Clone, PartialEq, Eq)]
pub struct Classifier {
    /// `ROOTS` with the CIDRs applied.
    roots: Roots,
    /// The IPv4 CIDRs as (mask, network).
    v4: Vec<(u32, u32)>,
    /// The IPv6 CIDRs as (mask, network).
    v6: Vec<(u128, u128)>,
}

impl fmt::Debug for Classifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The tables follow from the CIDRs; printing 512 bytes helps nobody.
        f.debug_struct("Classifier")
            .field("v4", &self.v4)
            .field("v6", &self.v6)
            .finish_non_exhaustive()
    }
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl Classifier {
    /// Prepares `vpc_cidrs`.
    pub fn new(vpc_cidrs: &[Cidr]) -> Self {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for cidr in vpc_cidrs {
            match cidr {
                Cidr::V4(c) => v4.push((mask_v4(c.prefix_len()), c.network().to_bits())),
                Cidr::V6(c) => v6.push((mask_v6(c.prefix_len()), c.network().to_bits())),
            }
        }
        // Per first byte: whether a CIDR of at most /8 covers its whole
        // block (a range of first bytes), and whether a longer one starts
        // inside it (one first byte).
        let mut covered = [[false; 256]; 2];
        let mut split = [[false; 256]; 2];
        // (row, prefix longer than /8, first and last first byte covered)
        let first_bytes = v4
            .iter()
            .map(|&(m, b)| (V4_ROW, m << 8 != 0, b >> 24, (b | !m) >> 24))
            .chain(v6.iter().map(|&(m, b)| {
                let last = (b | !m) >> 120;
                (V6_ROW, m << 8 != 0, (b >> 120) as u32, last as u32)
            }));
        for (row, longer_than_8, first, last) in first_bytes {
            if longer_than_8 {
                split[row][first as usize] = true;
            } else {
                for byte in first..=last {
                    covered[row][byte as usize] = true;
                }
            }
        }
        let mut roots = ROOTS;
        // (Without CIDRs there is nothing to fold.)
        let rows: &[usize] = if vpc_cidrs.is_empty() {
            &[]
        } else {
            &[V4_ROW, V6_ROW]
        };
        for &row in rows {
            for (byte, code) in roots[row].iter_mut().enumerate() {
                *code = with_cidrs(*code, covered[row][byte], split[row][byte]);
            }
        }
        roots[EMBEDDED_ROW] = roots[V4_ROW];
        Self { roots, v4, v6 }
    }

    /// Classifies `ip` as [`classify`] does with this classifier's CIDRs.
    #[inline]
    pub fn classify(&self, ip: IpAddr) -> Classified {
        classify_in(ip, self)
    }
}

/// A first-level code once the CIDRs of its block are known.
fn with_cidrs(code: u8, covered: bool, split: bool) -> u8 {
    if code >= CLASSES {
        // Decided further down the trie; the slow path looks at the CIDRs.
        code
    } else if split {
        UNDECIDED
    } else if covered && code <= PUBLIC {
        VPC_CIDR
    } else {
        code
    }
}

/// The caller's VPC CIDRs as the classifier consults them.
trait VpcRanges {
    /// The first level of the trie: the class code of each first byte (the
    /// CIDRs may already be applied), or a code of `CLASSES` or more where
    /// the first byte does not decide.
    fn roots(&self) -> &Roots;
    /// Whether a class code from `roots` still has to be checked against
    /// the CIDRs.
    fn check_decided(&self) -> bool;
    /// Whether the address is inside one of the CIDRs of its family (the
    /// IPv4 ones for an IPv4 address, native, mapped or NAT64).
    fn contains(&self, a: &Words) -> bool;
}

impl VpcRanges for [Cidr] {
    #[inline(always)]
    fn roots(&self) -> &Roots {
        &ROOTS
    }
    #[inline(always)]
    fn check_decided(&self) -> bool {
        !self.is_empty()
    }
    #[inline(always)]
    fn contains(&self, a: &Words) -> bool {
        // One branch on the family per address, then only that family's
        // CIDRs. (Comparing every CIDR without a branch, masking off the
        // wrong family, was measured slower: an IPv6 CIDR's mask is
        // computed from its length on every address.)
        if a.v4 {
            let v4 = Ipv4Addr::from_bits(a.v4_bits());
            self.iter()
                .any(|c| matches!(c, Cidr::V4(c) if c.contains(v4)))
        } else {
            let v6 = Ipv6Addr::from_bits(a.v6_bits());
            self.iter()
                .any(|c| matches!(c, Cidr::V6(c) if c.contains(v6)))
        }
    }
}

impl VpcRanges for Classifier {
    #[inline(always)]
    fn roots(&self) -> &Roots {
        &self.roots
    }
    #[inline(always)]
    fn check_decided(&self) -> bool {
        false
    }
    #[inline(always)]
    fn contains(&self, a: &Words) -> bool {
        if a.v4 {
            let v4 = a.v4_bits();
            self.v4.iter().any(|&(m, b)| v4 & m == b)
        } else {
            let v6 = a.v6_bits();
            self.v6.iter().any(|&(m, b)| v6 & m == b)
        }
    }
}

// ---------------------------------------------------------------------------
// Reading an address.
//
// Every address is read as the four bytes its class is decided on, `word`:
// an IPv4 address (native, mapped or NAT64) its own four bytes, any other
// IPv6 address its first four. The bytes are kept in memory order (a
// little-endian word whose low byte is the address's first byte): no byte
// swap on the hot path. Nothing branches on the address: a mix of families,
// or of IPv6 kinds, is data a branch predictor cannot learn.

/// Bytes 8..12 of `::ffff:a.b.c.d`, read as a little-endian word.
const MAPPED_WORD: u32 = u32::from_le_bytes([0, 0, 0xff, 0xff]);
/// Bytes 0..8 of `64:ff9b::a.b.c.d`, read as a little-endian word.
const NAT64_WORD: u64 = u64::from_le_bytes([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0]);

/// What an IPv4 address reads as in the IPv6 part of [`Words`].
static NO_IPV6: Ipv6Addr = Ipv6Addr::UNSPECIFIED;

/// An address as the classifier reads it.
#[derive(Clone, Copy)]
struct Words {
    /// Bytes 0..8 and 8..16 of an IPv6 address as little-endian words; zero
    /// for an IPv4 address.
    w0: u64,
    w1: u64,
    /// Bytes 0..4 of the IPv4 address the class is decided on, or of any
    /// other IPv6 address, as a little-endian word.
    word: u32,
    /// Whether `word` is an IPv4 address.
    v4: bool,
    /// `::ffff:0:0/96`.
    mapped: bool,
    /// `64:ff9b::/96`.
    nat64: bool,
}

impl Words {
    #[inline(always)]
    fn of(ip: &IpAddr) -> Self {
        // Both variants hold at least four bytes at the same place: one load.
        let first4 = match ip {
            IpAddr::V4(a) => u32::from_le_bytes(a.octets()),
            IpAddr::V6(a) => {
                let o = a.octets();
                u32::from_le_bytes([o[0], o[1], o[2], o[3]])
            }
        };
        // A reference, not the bytes, is chosen by the family: that is a
        // conditional move, and the loads after it do not wait on a branch.
        // (Matching on the family for the bytes compiled to a branch, which
        // a mix of families mispredicts.)
        let v6: &Ipv6Addr = match ip {
            IpAddr::V6(a) => a,
            IpAddr::V4(_) => &NO_IPV6,
        };
        let o = v6.octets();
        let w0 = u64::from_le_bytes([o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]]);
        let w1 = u64::from_le_bytes([o[8], o[9], o[10], o[11], o[12], o[13], o[14], o[15]]);
        // `&` and `|` rather than `&&` and `||`: no branch. An IPv4 address
        // has w0 = w1 = 0, so it is neither.
        let mapped = (w0 == 0) & (w1 as u32 == MAPPED_WORD);
        let nat64 = (w0 == NAT64_WORD) & (w1 as u32 == 0);
        let embedded = mapped | nat64;
        Words {
            w0,
            w1,
            word: if embedded { (w1 >> 32) as u32 } else { first4 },
            v4: embedded | !ip.is_ipv6(),
            mapped,
            nat64,
        }
    }

    /// The IPv6 address as a number.
    #[inline(always)]
    fn v6_bits(&self) -> u128 {
        u128::from_be_bytes((u128::from(self.w0) | u128::from(self.w1) << 64).to_le_bytes())
    }

    /// `word` as a number.
    #[inline(always)]
    fn v4_bits(&self) -> u32 {
        u32::from_be_bytes(self.word.to_le_bytes())
    }

    /// The embedded IPv4 address of a mapped or NAT64 address.
    #[inline(always)]
    fn embedded(&self) -> Option<Ipv4Addr> {
        (self.mapped | self.nat64).then(|| Ipv4Addr::from(self.word.to_le_bytes()))
    }
}

#[inline(always)]
fn classify_in<R: VpcRanges + ?Sized>(ip: IpAddr, vpc: &R) -> Classified {
    let a = Words::of(&ip);
    // V4_ROW + 0, V6_ROW + 0 or V6_ROW + 1 (= EMBEDDED_ROW, IPv4 again): an
    // embedded address is always IPv6. (An add measured faster than a
    // choice between two rows.)
    let row = usize::from(ip.is_ipv6()) + usize::from(a.mapped | a.nat64);
    let mut code = vpc.roots()[row][usize::from(a.word as u8)];
    if code >= CLASSES {
        // About 1 first byte in 30 (10 of 256 IPv4 ones, 5 of 256 IPv6
        // ones, and those a prepared CIDR splits): rare enough to predict.
        code = undecided(a.w0, a.w1, a.word, a.v4, vpc);
    } else if vpc.check_decided() && code <= PUBLIC && vpc.contains(&a) {
        code = VPC_CIDR;
    }
    let translation = if a.nat64 {
        Translation::Nat64
    } else if a.mapped {
        Translation::Ipv4Mapped
    } else {
        Translation::Native
    };
    Classified {
        class: CLASS_OF[usize::from(code) & (CLASS_OF.len() - 1)],
        translation,
        effective: a.embedded().map_or(ip, IpAddr::V4),
    }
}

/// The class code of an address whose first byte did not decide: the rest
/// of the trie walk, then the CIDRs. Out of line (and given the address as
/// scalars) so that the hot path keeps its registers.
#[inline(never)]
fn undecided<R: VpcRanges + ?Sized>(w0: u64, w1: u64, word: u32, v4: bool, vpc: &R) -> u8 {
    let a = Words {
        w0,
        w1,
        word,
        v4,
        mapped: false,
        nat64: false,
    };
    // Rules are at most /32, so the walk ends within the word's four bytes.
    let mut code = ROOTS[if v4 { V4_ROW } else { V6_ROW }][usize::from(word as u8)];
    for shift in [8, 16, 24] {
        if code < FIRST_STATE {
            break;
        }
        code = TRIE[usize::from(code - FIRST_STATE)][usize::from((word >> shift) as u8)];
    }
    match code {
        ZERO_PENDING => code = zero_pending(a.v6_bits()),
        DISCARD_PENDING => code = discard_pending(a.v6_bits()),
        _ => {}
    }
    if code <= PUBLIC && vpc.contains(&a) {
        code = VPC_CIDR;
    }
    code
}

/// An IPv6 address in ::/32 (not mapped: that was read as IPv4).
fn zero_pending(a: u128) -> u8 {
    match a {
        0 => UNSPECIFIED,
        1 => LOOPBACK,
        _ => RESERVED,
    }
}

/// An IPv6 address in 100::/32.
fn discard_pending(a: u128) -> u8 {
    if a >> 64 == 0x0100_0000_0000_0000 {
        DISCARD_ONLY
    } else {
        RESERVED
    }
}

// ---------------------------------------------------------------------------
// The ranges, as a byte-wise trie built at compile time.
//
// The rule lists below are the single statement of the ranges. From them a
// trie over the four bytes of `word` is built: row `s` maps the next byte to
// a class code, or to the next row where a longer rule splits the block.
// Every IPv4 range is at most /32, so four bytes decide; every IPv6 range
// is decided by the first four bytes except `::`, `::1` (in ::/32) and
// 100::/64 (in 100::/32), which the trie leaves as two pending codes that
// the rest of the address settles. The first row of each family is all the
// hot path reads; a random address is decided there 29 times in 30.

/// A class as a byte: an index into `CLASS_OF`. Codes up to `PUBLIC` are
/// not special (a VPC CIDR may claim them).
const RFC1918: u8 = 0;
const SHARED: u8 = 1;
const ULA: u8 = 2;
const VPC_CIDR: u8 = 3;
const PUBLIC: u8 = 4;
const fn special(s: SpecialRange) -> u8 {
    // The declaration order of SpecialRange, as in `SpecialRange::ALL`.
    5 + s as u8
}
const UNSPECIFIED: u8 = special(SpecialRange::Unspecified);
const THIS_NETWORK: u8 = special(SpecialRange::ThisNetwork);
const LOOPBACK: u8 = special(SpecialRange::Loopback);
const LINK_LOCAL: u8 = special(SpecialRange::LinkLocal);
const MULTICAST: u8 = special(SpecialRange::Multicast);
const BROADCAST: u8 = special(SpecialRange::Broadcast);
const DOCUMENTATION: u8 = special(SpecialRange::Documentation);
const BENCHMARKING: u8 = special(SpecialRange::Benchmarking);
const PROTOCOL_ASSIGNMENT: u8 = special(SpecialRange::ProtocolAssignment);
const DISCARD_ONLY: u8 = special(SpecialRange::DiscardOnly);
const RESERVED: u8 = special(SpecialRange::Reserved);
/// How many class codes there are: a power of two, so that `code & 15`
/// indexes `CLASS_OF` without a bounds check.
const CLASSES: u8 = 16;
/// IPv6 ::/32 once the trie is done: `::`, `::1` or reserved.
const ZERO_PENDING: u8 = 16;
/// IPv6 100::/32 once the trie is done: 100::/64 (discard-only) or reserved.
const DISCARD_PENDING: u8 = 17;
/// Code of the trie's row 0; row `r` is code `FIRST_STATE + r`.
const FIRST_STATE: u8 = 18;
/// A first byte that one of a [`Classifier`]'s CIDRs splits.
const UNDECIDED: u8 = u8::MAX;
/// The root rows of `TRIE` and of [`Roots`]: IPv4, then IPv6; [`Roots`]
/// repeats the IPv4 row third, for embedded addresses.
const V4_ROW: usize = 0;
const V6_ROW: usize = 1;
const EMBEDDED_ROW: usize = 2;

/// The class of each code.
static CLASS_OF: [AddressClass; CLASSES as usize] = {
    use AddressClass::{Private, Public, Special};
    let mut t = [Public; CLASSES as usize];
    t[RFC1918 as usize] = Private(PrivateRange::Rfc1918);
    t[SHARED as usize] = Private(PrivateRange::SharedAddressSpace);
    t[ULA as usize] = Private(PrivateRange::UniqueLocal);
    t[VPC_CIDR as usize] = Private(PrivateRange::VpcCidr);
    let mut i = 0;
    while i < SpecialRange::ALL.len() {
        let s = SpecialRange::ALL[i];
        t[special(s) as usize] = Special(s);
        i += 1;
    }
    t
};

/// Addresses whose top `len` bits equal `prefix`'s have class `code`, unless
/// a longer rule says otherwise.
struct Rule {
    prefix: u32,
    len: u8,
    code: u8,
}

const fn rule(prefix: u32, len: u8, code: u8) -> Rule {
    Rule { prefix, len, code }
}

/// IPv4, whole addresses.
const V4_RULES: &[Rule] = &[
    rule(0x0000_0000, 0, PUBLIC),
    rule(0x0000_0000, 8, THIS_NETWORK),
    rule(0x0000_0000, 32, UNSPECIFIED),
    rule(0x0a00_0000, 8, RFC1918),
    rule(0x6440_0000, 10, SHARED),
    rule(0x7f00_0000, 8, LOOPBACK),
    rule(0xa9fe_0000, 16, LINK_LOCAL),
    rule(0xac10_0000, 12, RFC1918),
    rule(0xc000_0000, 24, PROTOCOL_ASSIGNMENT),
    rule(0xc000_0200, 24, DOCUMENTATION),
    rule(0xc058_6300, 24, RESERVED),
    rule(0xc0a8_0000, 16, RFC1918),
    rule(0xc612_0000, 15, BENCHMARKING),
    rule(0xc633_6400, 24, DOCUMENTATION),
    rule(0xcb00_7100, 24, DOCUMENTATION),
    rule(0xe000_0000, 4, MULTICAST),
    rule(0xf000_0000, 4, RESERVED),
    rule(0xffff_ffff, 32, BROADCAST),
];

/// IPv6, the top 32 bits. IPv4-mapped `::ffff:0:0/96` and NAT64
/// `64:ff9b::/96` never get here: they are read as their IPv4 address.
const V6_RULES: &[Rule] = &[
    rule(0x0000_0000, 0, RESERVED),
    rule(0x0000_0000, 32, ZERO_PENDING),
    rule(0x0100_0000, 32, DISCARD_PENDING),
    rule(0x2000_0000, 3, PUBLIC),
    rule(0x2001_0000, 23, PROTOCOL_ASSIGNMENT),
    rule(0x2001_0db8, 32, DOCUMENTATION),
    rule(0x2002_0000, 16, RESERVED),
    rule(0x3fff_0000, 20, DOCUMENTATION),
    rule(0xfc00_0000, 7, ULA),
    rule(0xfe80_0000, 10, LINK_LOCAL),
    rule(0xff00_0000, 8, MULTICAST),
];

/// Every IPv4 block that is not public (private or special-purpose), from
/// the rule list classification itself uses: where no AWS service has an
/// address. The blocks may nest (0.0.0.0/8 holds 0.0.0.0/32).
pub fn non_public_v4() -> impl Iterator<Item = Cidr> {
    V4_RULES.iter().skip(1).map(|r| {
        Cidr::V4(crate::net::Ipv4Cidr::new_truncating(
            Ipv4Addr::from_bits(r.prefix),
            r.len,
        ))
    })
}

const fn mask32(len: u32) -> u32 {
    if len == 0 { 0 } else { u32::MAX << (32 - len) }
}

/// Checks a rule list: a default rule first, canonical prefixes, no two
/// rules for the same block. (A failed check fails the build.)
const fn check_rules(rules: &[Rule]) {
    assert!(rules[0].len == 0, "the first rule is the default");
    let mut i = 0;
    while i < rules.len() {
        let r = &rules[i];
        assert!(r.len <= 32, "a rule is at most /32");
        assert!(
            r.prefix & !mask32(r.len as u32) == 0,
            "a rule's prefix is canonical"
        );
        let mut j = i + 1;
        while j < rules.len() {
            assert!(
                !(rules[j].len == r.len && rules[j].prefix == r.prefix),
                "one rule per block"
            );
            j += 1;
        }
        i += 1;
    }
}

/// Builds the trie into `rows` (when given) and returns how many rows it
/// has: row 0 is the IPv4 root, row 1 the IPv6 root, then every block a
/// longer rule splits, breadth first.
const fn build_trie(mut rows: Option<&mut [[u8; 256]]>) -> usize {
    check_rules(V4_RULES);
    check_rules(V6_RULES);
    // Per row: which rules, the bits seen, how many bytes.
    const MAX: usize = 64;
    let mut v6 = [false; MAX];
    let mut prefix = [0u32; MAX];
    let mut depth = [0u32; MAX];
    v6[V6_ROW] = true;
    let mut next = 2;
    let mut row = 0;
    while row < next {
        let rules = if v6[row] { V6_RULES } else { V4_RULES };
        let bits = 8 * (depth[row] + 1);
        let mut byte = 0;
        while byte < 256 {
            let block = prefix[row] | (byte as u32) << (32 - bits);
            // The longest rule covering the whole block, and whether a
            // longer one splits it.
            let mut best = 0;
            let mut split = false;
            let mut i = 0;
            while i < rules.len() {
                let r = &rules[i];
                let len = r.len as u32;
                if len <= bits && block & mask32(len) == r.prefix {
                    if len >= rules[best].len as u32 {
                        best = i;
                    }
                } else if len > bits && r.prefix & mask32(bits) == block {
                    split = true;
                }
                i += 1;
            }
            let code = if split {
                assert!(next < MAX, "the trie has at most MAX rows");
                assert!(
                    FIRST_STATE as usize + next < UNDECIDED as usize,
                    "row codes stay below UNDECIDED"
                );
                v6[next] = v6[row];
                prefix[next] = block;
                depth[next] = depth[row] + 1;
                next += 1;
                FIRST_STATE + (next - 1) as u8
            } else {
                rules[best].code
            };
            if let Some(rows) = &mut rows {
                rows[row][byte] = code;
            }
            byte += 1;
        }
        row += 1;
    }
    next
}

/// The trie's rows (30 of them: 7.5 KB).
static TRIE: [[u8; 256]; build_trie(None)] = {
    let mut rows = [[0; 256]; build_trie(None)];
    build_trie(Some(&mut rows));
    rows
};

/// The root rows, indexed by `V4_ROW`, `V6_ROW` and `EMBEDDED_ROW` (a copy
/// of the IPv4 row): the row of an address is then `is_v6 + embedded`,
/// an addition rather than a choice.
type Roots = [[u8; 256]; 3];

/// The root rows without CIDRs.
static ROOTS: Roots = [TRIE[V4_ROW], TRIE[V6_ROW], TRIE[V4_ROW]];

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn c(s: &str) -> AddressClass {
        classify(s.parse().unwrap(), &[]).class
    }

    #[test]
    fn spot_checks() {
        assert_eq!(c("10.1.2.3"), AddressClass::Private(PrivateRange::Rfc1918));
        assert_eq!(
            c("172.31.255.255"),
            AddressClass::Private(PrivateRange::Rfc1918)
        );
        assert_eq!(c("172.32.0.1"), AddressClass::Public);
        assert_eq!(
            c("100.127.0.1"),
            AddressClass::Private(PrivateRange::SharedAddressSpace)
        );
        assert_eq!(c("100.128.0.1"), AddressClass::Public);
        assert_eq!(
            c("198.18.0.1"),
            AddressClass::Special(SpecialRange::Benchmarking)
        );
        assert_eq!(
            c("198.19.255.1"),
            AddressClass::Special(SpecialRange::Benchmarking)
        );
        assert_eq!(c("198.20.0.1"), AddressClass::Public);
        assert_eq!(
            c("192.88.99.1"),
            AddressClass::Special(SpecialRange::Reserved)
        );
        assert_eq!(
            c("2001:db8::1"),
            AddressClass::Special(SpecialRange::Documentation)
        );
        assert_eq!(
            c("2001:1ff::1"),
            AddressClass::Special(SpecialRange::ProtocolAssignment)
        );
        assert_eq!(c("2001:200::1"), AddressClass::Public);
        assert_eq!(
            c("3fff:fff::1"),
            AddressClass::Special(SpecialRange::Documentation)
        );
        assert_eq!(
            c("fd00::1"),
            AddressClass::Private(PrivateRange::UniqueLocal)
        );
        assert_eq!(
            c("100::1"),
            AddressClass::Special(SpecialRange::DiscardOnly)
        );
        assert_eq!(
            c("::ffff:127.0.0.1"),
            AddressClass::Special(SpecialRange::Loopback)
        );
    }

    #[test]
    fn vpc_cidr_never_rescues_special() {
        let vpc = vec!["0.0.0.0/0".parse().unwrap(), "::/0".parse().unwrap()];
        let got = classify("127.0.0.1".parse().unwrap(), &vpc).class;
        assert_eq!(got, AddressClass::Special(SpecialRange::Loopback));
        let got = classify("54.1.2.3".parse().unwrap(), &vpc).class;
        assert_eq!(got, AddressClass::Private(PrivateRange::VpcCidr));
        let got = classify("2600:1f18::1".parse().unwrap(), &vpc).class;
        assert_eq!(got, AddressClass::Private(PrivateRange::VpcCidr));
    }

    #[test]
    fn codes_name_their_classes() {
        for (i, s) in SpecialRange::ALL.into_iter().enumerate() {
            // `special` relies on the declaration order being ALL's.
            assert_eq!(s as usize, i);
            assert_eq!(CLASS_OF[usize::from(special(s))], AddressClass::Special(s));
        }
        for (code, range) in [
            (RFC1918, PrivateRange::Rfc1918),
            (SHARED, PrivateRange::SharedAddressSpace),
            (ULA, PrivateRange::UniqueLocal),
            (VPC_CIDR, PrivateRange::VpcCidr),
        ] {
            assert_eq!(CLASS_OF[usize::from(code)], AddressClass::Private(range));
        }
        assert_eq!(CLASS_OF[usize::from(PUBLIC)], AddressClass::Public);
        // Codes up to PUBLIC are exactly the non-special ones.
        for (code, class) in CLASS_OF.iter().enumerate() {
            assert_eq!(class.is_special(), code > usize::from(PUBLIC));
        }
    }

    #[test]
    fn trie_shape() {
        // Row codes must stay clear of the class, pending and UNDECIDED codes.
        assert!(FIRST_STATE as usize + TRIE.len() < usize::from(UNDECIDED));
        assert_eq!(
            TRIE.len(),
            30,
            "rows of the trie (update the docs if this changes)"
        );
        // Every entry is a class, a pending code (IPv6 rows only) or a row.
        for (r, row) in TRIE.iter().enumerate() {
            for &code in row {
                assert!(
                    code < CLASSES
                        || (code >= FIRST_STATE && usize::from(code - FIRST_STATE) < TRIE.len())
                        || code == ZERO_PENDING
                        || code == DISCARD_PENDING,
                    "row {r} holds {code}"
                );
            }
        }
        // The root rows decide nearly everything.
        let undecided = |row: &[u8; 256]| row.iter().filter(|&&c| c >= CLASSES).count();
        assert_eq!(undecided(&ROOTS[V4_ROW]), 8); // 0 100 169 172 192 198 203 255
        assert_eq!(undecided(&ROOTS[V6_ROW]), 5); // 00 01 20 3f fe
        assert_eq!(ROOTS[EMBEDDED_ROW], ROOTS[V4_ROW]);
        assert_eq!(V6_ROW + 1, EMBEDDED_ROW);
    }

    #[test]
    fn classifier_debug_names_its_cidrs() {
        let c = Classifier::new(&["10.0.0.0/16".parse().unwrap()]);
        let text = alloc::format!("{c:?}");
        assert!(text.contains("v4: [(4294901760, 167772160)]"), "{text}");
    }

    #[test]
    fn nat64_classifies_by_embedded() {
        let got = classify("64:ff9b::36.1.2.3".parse().unwrap(), &[]);
        assert_eq!(got.class, AddressClass::Public);
        assert_eq!(got.translation, Translation::Nat64);
        assert_eq!(got.effective, "36.1.2.3".parse::<IpAddr>().unwrap());
    }
}
