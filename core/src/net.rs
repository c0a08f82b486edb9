//! CIDR blocks and `HOST[:PORT]` targets.
//!
//! Guarantees: a [`Cidr`] is always canonical (no host bits set below its
//! prefix length), so printing and parsing round-trip exactly; membership is a
//! mask and a compare. Parsing never panics and reports what was expected.
//!
//! Not done here: anything about what an address *means* (see
//! [`crate::classify`](mod@crate::classify)).

use alloc::string::{String, ToString};
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::str::FromStr;

/// An IPv4 or IPv6 network in canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Cidr {
    /// An IPv4 network.
    V4(Ipv4Cidr),
    /// An IPv6 network.
    V6(Ipv6Cidr),
}

/// An IPv4 network: base address with the host bits cleared, and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Cidr {
    base: u32,
    len: u8,
}

/// An IPv6 network: base address with the host bits cleared, and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6Cidr {
    base: u128,
    len: u8,
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Ipv4Cidr {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = u.int_in_range(0..=32)?;
        Ok(Ipv4Cidr::new_truncating(
            Ipv4Addr::from(u32::arbitrary(u)?),
            len,
        ))
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Ipv6Cidr {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = u.int_in_range(0..=128)?;
        Ok(Ipv6Cidr::new_truncating(
            Ipv6Addr::from(u128::arbitrary(u)?),
            len,
        ))
    }
}

pub(crate) const fn mask_v4(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len as u32)
    }
}

pub(crate) const fn mask_v6(len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - len as u32)
    }
}

impl Ipv4Cidr {
    /// The network containing `addr` with prefix `len` (host bits are dropped).
    /// `len` above 32 is clamped to 32.
    pub const fn new_truncating(addr: Ipv4Addr, len: u8) -> Self {
        let len = if len > 32 { 32 } else { len };
        Self {
            base: addr.to_bits() & mask_v4(len),
            len,
        }
    }
    /// The first address of the network.
    pub const fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from_bits(self.base)
    }
    /// The prefix length, 0 to 32.
    pub const fn prefix_len(&self) -> u8 {
        self.len
    }
    /// Whether `addr` lies inside this network.
    #[inline]
    pub const fn contains(&self, addr: Ipv4Addr) -> bool {
        addr.to_bits() & mask_v4(self.len) == self.base
    }
}

impl Ipv6Cidr {
    /// The network containing `addr` with prefix `len` (host bits are dropped).
    /// `len` above 128 is clamped to 128.
    pub const fn new_truncating(addr: Ipv6Addr, len: u8) -> Self {
        let len = if len > 128 { 128 } else { len };
        Self {
            base: addr.to_bits() & mask_v6(len),
            len,
        }
    }
    /// The first address of the network.
    pub const fn network(&self) -> Ipv6Addr {
        Ipv6Addr::from_bits(self.base)
    }
    /// The prefix length, 0 to 128.
    pub const fn prefix_len(&self) -> u8 {
        self.len
    }
    /// Whether `addr` lies inside this network.
    #[inline]
    pub const fn contains(&self, addr: Ipv6Addr) -> bool {
        addr.to_bits() & mask_v6(self.len) == self.base
    }
}

impl Cidr {
    /// Whether `addr` lies inside this network. An IPv4 address is never inside
    /// an IPv6 network and vice versa (callers unwrap IPv4-mapped addresses
    /// first, see [`crate::classify`](mod@crate::classify)).
    #[inline]
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self, addr) {
            (Cidr::V4(c), IpAddr::V4(a)) => c.contains(a),
            (Cidr::V6(c), IpAddr::V6(a)) => c.contains(a),
            _ => false,
        }
    }
    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        match self {
            Cidr::V4(c) => c.len,
            Cidr::V6(c) => c.len,
        }
    }
    /// The first address of the network.
    pub fn network(&self) -> IpAddr {
        match self {
            Cidr::V4(c) => IpAddr::V4(c.network()),
            Cidr::V6(c) => IpAddr::V6(c.network()),
        }
    }
    /// Whether `other` lies entirely inside `self`.
    pub fn covers(&self, other: &Cidr) -> bool {
        self.prefix_len() <= other.prefix_len() && self.contains(other.network())
    }
    /// Whether the two networks share an address (one covers the other:
    /// CIDR blocks never overlap partly).
    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.covers(other) || other.covers(self)
    }
    /// The two halves one bit longer, or `None` for a single address.
    pub fn halves(&self) -> Option<(Cidr, Cidr)> {
        match self {
            Cidr::V4(c) if c.len < 32 => {
                let len = c.len + 1;
                let high = c.base | (1u32 << (32 - u32::from(len)));
                Some((
                    Cidr::V4(Ipv4Cidr { base: c.base, len }),
                    Cidr::V4(Ipv4Cidr { base: high, len }),
                ))
            }
            Cidr::V6(c) if c.len < 128 => {
                let len = c.len + 1;
                let high = c.base | (1u128 << (128 - u32::from(len)));
                Some((
                    Cidr::V6(Ipv6Cidr { base: c.base, len }),
                    Cidr::V6(Ipv6Cidr { base: high, len }),
                ))
            }
            _ => None,
        }
    }
    /// Whether this is an IPv6 network.
    pub fn is_v6(&self) -> bool {
        matches!(self, Cidr::V6(_))
    }
    /// The whole address space of this network's family (`0.0.0.0/0` or `::/0`).
    pub fn family_all(&self) -> Cidr {
        match self {
            Cidr::V4(_) => Cidr::V4(Ipv4Cidr { base: 0, len: 0 }),
            Cidr::V6(_) => Cidr::V6(Ipv6Cidr { base: 0, len: 0 }),
        }
    }
}

/// Why a CIDR did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CidrError {
    /// No `/` separating address and prefix length.
    MissingSlash,
    /// The part before `/` is not an IPv4 or IPv6 address.
    BadAddress,
    /// The prefix length is not a number within the address family's range.
    BadPrefixLength {
        /// The largest valid prefix length for the family (32 or 128).
        max: u8,
    },
    /// Bits are set below the prefix length; the canonical form is given.
    HostBitsSet {
        /// The network the user probably meant.
        canonical: Cidr,
    },
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CidrError::MissingSlash => {
                f.write_str("expected ADDRESS/PREFIX, e.g. 10.0.0.0/16 or 2600:1f18::/56")
            }
            CidrError::BadAddress => f.write_str("the part before '/' is not an IP address"),
            CidrError::BadPrefixLength { max } => {
                write!(f, "the prefix length must be a number from 0 to {max}")
            }
            CidrError::HostBitsSet { canonical } => {
                write!(
                    f,
                    "host bits are set below the prefix; did you mean {canonical}?"
                )
            }
        }
    }
}

impl core::error::Error for CidrError {}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, len) = s.trim().split_once('/').ok_or(CidrError::MissingSlash)?;
        let addr: IpAddr = addr.parse().map_err(|_| CidrError::BadAddress)?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        // Only plain decimal digits: "+8" or " 8" are not prefix lengths.
        if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CidrError::BadPrefixLength { max });
        }
        let len: u8 = len
            .parse()
            .map_err(|_| CidrError::BadPrefixLength { max })?;
        if len > max {
            return Err(CidrError::BadPrefixLength { max });
        }
        let cidr = match addr {
            IpAddr::V4(a) => Cidr::V4(Ipv4Cidr::new_truncating(a, len)),
            IpAddr::V6(a) => Cidr::V6(Ipv6Cidr::new_truncating(a, len)),
        };
        if cidr.network() != addr {
            return Err(CidrError::HostBitsSet { canonical: cidr });
        }
        Ok(cidr)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cidr::V4(c) => write!(f, "{}/{}", c.network(), c.len),
            Cidr::V6(c) => write!(f, "{}/{}", c.network(), c.len),
        }
    }
}

impl serde::Serialize for Cidr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cidr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: alloc::borrow::Cow<'de, str> = serde::Deserialize::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A `HOST[:PORT]` target as given to `--endpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostPort {
    /// A DNS name (lower-case, no trailing dot) or an IP address literal.
    pub host: String,
    /// The port, when one was given.
    pub port: Option<u16>,
}

/// Why a `HOST[:PORT]` did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostPortError {
    /// Nothing was given.
    Empty,
    /// The host is neither a valid DNS name nor an IP address.
    BadHost,
    /// The port is not a number from 1 to 65535.
    BadPort,
    /// An IPv6 literal with a port must be written in brackets: `[2001:db8::1]:443`.
    UnbracketedIpv6,
}

impl fmt::Display for HostPortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostPortError::Empty => "expected HOST[:PORT], got nothing",
            HostPortError::BadHost => {
                "the host must be a DNS name (letters, digits, '-', dots) or an IP address"
            }
            HostPortError::BadPort => "the port must be a number from 1 to 65535",
            HostPortError::UnbracketedIpv6 => {
                "write an IPv6 address with a port in brackets, e.g. [2001:db8::1]:443"
            }
        })
    }
}

impl core::error::Error for HostPortError {}

/// Whether `name` is a syntactically valid DNS host name: 1 to 253 characters,
/// labels of 1 to 63 letters, digits or hyphens, not starting or ending with a
/// hyphen. A single trailing dot is not accepted (callers strip it).
pub fn is_valid_dns_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

fn parse_port(s: &str) -> Result<u16, HostPortError> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HostPortError::BadPort);
    }
    match s.parse::<u16>() {
        Ok(0) | Err(_) => Err(HostPortError::BadPort),
        Ok(p) => Ok(p),
    }
}

impl FromStr for HostPort {
    type Err = HostPortError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(HostPortError::Empty);
        }
        if let Some(rest) = s.strip_prefix('[') {
            let (inside, after) = rest.split_once(']').ok_or(HostPortError::BadHost)?;
            let addr: Ipv6Addr = inside.parse().map_err(|_| HostPortError::BadHost)?;
            let port = match after {
                "" => None,
                p => Some(parse_port(
                    p.strip_prefix(':').ok_or(HostPortError::BadPort)?,
                )?),
            };
            return Ok(HostPort {
                host: addr.to_string(),
                port,
            });
        }
        if s.matches(':').count() > 1 {
            return match s.parse::<Ipv6Addr>() {
                Ok(a) => Ok(HostPort {
                    host: a.to_string(),
                    port: None,
                }),
                Err(_) => Err(HostPortError::UnbracketedIpv6),
            };
        }
        let (host, port) = match s.split_once(':') {
            Some((h, p)) => (h, Some(parse_port(p)?)),
            None => (s, None),
        };
        let host = host.strip_suffix('.').unwrap_or(host);
        if let Ok(a) = host.parse::<Ipv4Addr>() {
            return Ok(HostPort {
                host: a.to_string(),
                port,
            });
        }
        if !is_valid_dns_name(host) {
            return Err(HostPortError::BadHost);
        }
        Ok(HostPort {
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bracket = self.host.contains(':');
        match (bracket, self.port) {
            (true, Some(p)) => write!(f, "[{}]:{p}", self.host),
            (false, Some(p)) => write!(f, "{}:{p}", self.host),
            (_, None) => f.write_str(&self.host),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_parse_and_print() {
        for s in [
            "10.0.0.0/16",
            "0.0.0.0/0",
            "2600:1f18:abcd::/56",
            "::/0",
            "1.2.3.4/32",
        ] {
            let c: Cidr = s.parse().unwrap();
            assert_eq!(c.to_string(), s);
        }
        assert_eq!(
            "10.0.1.5/16".parse::<Cidr>().unwrap_err().to_string(),
            "host bits are set below the prefix; did you mean 10.0.0.0/16?"
        );
        assert_eq!(
            "10.0.0.0/33".parse::<Cidr>(),
            Err(CidrError::BadPrefixLength { max: 32 })
        );
        assert_eq!("10.0.0.0".parse::<Cidr>(), Err(CidrError::MissingSlash));
        assert_eq!(
            "10.0.0.0/+8".parse::<Cidr>(),
            Err(CidrError::BadPrefixLength { max: 32 })
        );
        assert_eq!("x/8".parse::<Cidr>(), Err(CidrError::BadAddress));
    }

    #[test]
    fn host_port() {
        let hp: HostPort = "Example.COM:8443".parse().unwrap();
        assert_eq!(
            hp,
            HostPort {
                host: "example.com".into(),
                port: Some(8443)
            }
        );
        let hp: HostPort = "[::1]:443".parse().unwrap();
        assert_eq!(hp.to_string(), "[::1]:443");
        assert_eq!("::1".parse::<HostPort>().unwrap().port, None);
        assert_eq!(
            "fe80::1:443x".parse::<HostPort>(),
            Err(HostPortError::UnbracketedIpv6)
        );
        assert_eq!("a..b".parse::<HostPort>(), Err(HostPortError::BadHost));
        assert_eq!("host:0".parse::<HostPort>(), Err(HostPortError::BadPort));
        assert_eq!("host:".parse::<HostPort>(), Err(HostPortError::BadPort));
        assert_eq!("".parse::<HostPort>(), Err(HostPortError::Empty));
    }
}
