//! The optional TLS step (`--tls`): a rustls handshake with the endpoint's
//! host name (SNI), reporting the leaf certificate's issuer and whether the
//! chain leads to the public web roots (webpki-roots) and matches the name.
//!
//! Guarantees:
//! * a certificate that does not chain to the roots, or does not match the
//!   name, still lets the handshake finish (the peer must still prove it holds
//!   the key), and is reported [`TlsOutcome::Untrusted`] with the verifier's
//!   reason and the issuer: that is what a TLS-intercepting middlebox looks
//!   like;
//! * every reason is said in words ([`certificate_words`], [`error_words`]),
//!   never in the TLS library's Debug form;
//! * no application data is ever sent; the connection is closed right after
//!   the handshake;
//! * the step ends by the deadline ([`TlsOutcome::Failed`] otherwise).
//!
//! Not done here: revocation checks, certificate pinning, or any HTTP.

use netready_core::report::{TlsOutcome, TlsReport};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use tokio::time::{Instant, timeout_at};

/// The public web roots (webpki-roots), built once.
pub fn public_roots() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            Arc::new(RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            })
        })
        .clone()
}

/// Handshakes with `addr` presenting `server_name`, judged against the
/// public web roots.
pub async fn handshake(addr: SocketAddr, server_name: &str, deadline: Instant) -> TlsReport {
    handshake_with_roots(addr, server_name, deadline, public_roots()).await
}

/// Handshakes with `addr` presenting `server_name`, judged against `roots`
/// (tests pass their own root).
pub async fn handshake_with_roots(
    addr: SocketAddr,
    server_name: &str,
    deadline: Instant,
    roots: Arc<RootCertStore>,
) -> TlsReport {
    let began = Instant::now();
    let ms = || Some(Instant::now().duration_since(began).as_secs_f64() * 1000.0);
    let failed = |detail: String, issuer: Option<String>| TlsReport {
        outcome: TlsOutcome::Failed,
        issuer,
        detail: Some(detail),
        ms: ms(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = match Recorder::new(roots, provider.clone()) {
        Ok(v) => Arc::new(v),
        Err(e) => return failed(format!("cannot set up certificate verification: {e}"), None),
    };
    let config = match rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
    {
        Ok(b) => b
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth(),
        Err(e) => return failed(format!("cannot set up TLS: {e}"), None),
    };
    let name = match ServerName::try_from(server_name.to_owned()) {
        Ok(n) => n,
        Err(e) => {
            return failed(
                format!("{server_name:?} is not a valid TLS server name: {e}"),
                None,
            );
        }
    };
    let stream = match super::dial::connect(addr, deadline).await {
        Ok(s) => s,
        Err(o) => {
            return failed(
                format!(
                    "the second TCP connection, made for the handshake, failed ({})",
                    o.as_str()
                ),
                None,
            );
        }
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let result = timeout_at(deadline, connector.connect(name, stream)).await;
    let seen = verifier
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    let issuer = seen.as_ref().and_then(|s| s.issuer.clone());
    match result {
        Err(_) => failed(
            "the TLS handshake did not finish before the deadline".to_owned(),
            issuer,
        ),
        Ok(Err(e)) => failed(io_words(&e), issuer),
        Ok(Ok(tls)) => {
            drop(tls);
            match seen.map(|s| s.verdict) {
                Some(Ok(())) => TlsReport {
                    outcome: TlsOutcome::Trusted,
                    issuer,
                    detail: None,
                    ms: ms(),
                },
                Some(Err(why)) => TlsReport {
                    outcome: TlsOutcome::Untrusted,
                    issuer,
                    detail: Some(match &why {
                        rustls::Error::InvalidCertificate(c) => certificate_words(c),
                        other => error_words(other),
                    }),
                    ms: ms(),
                },
                // rustls always verifies the certificate before finishing.
                None => failed(
                    "the handshake finished without a certificate".to_owned(),
                    issuer,
                ),
            }
        }
    }
}

/// What the verifier saw.
#[derive(Debug)]
struct Seen {
    issuer: Option<String>,
    verdict: Result<(), rustls::Error>,
}

/// Delegates to webpki's verifier, records its verdict and the issuer, and
/// lets the handshake go on either way (signatures are still checked).
#[derive(Debug)]
struct Recorder {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<Seen>>,
}

impl Recorder {
    fn new(roots: Arc<RootCertStore>, provider: Arc<CryptoProvider>) -> Result<Recorder, String> {
        let inner = WebPkiServerVerifier::builder_with_provider(roots, provider)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Recorder {
            inner,
            seen: Mutex::new(None),
        })
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ());
        let issuer = issuer_of(end_entity.as_ref());
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = Some(Seen { issuer, verdict });
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Why the public web roots do not vouch for a certificate, in words.
pub fn certificate_words(error: &CertificateError) -> String {
    use CertificateError as C;
    match error {
        C::UnknownIssuer => "it is issued by a certificate authority the public web roots do not include (a private or intercepting CA, or a self-signed certificate)".to_owned(),
        C::NotValidForNameContext { expected, presented } => format!(
            "it is not valid for {} (it names {})",
            expected.to_str(),
            if presented.is_empty() {
                "nothing".to_owned()
            } else {
                presented
                    .iter()
                    .map(|p| presented_name(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        C::NotValidForName => "it is not valid for this host name".to_owned(),
        C::Expired | C::ExpiredContext { .. } => "it has expired".to_owned(),
        C::NotValidYet | C::NotValidYetContext { .. } => {
            "it is not valid yet (or this host's clock is wrong)".to_owned()
        }
        C::Revoked => "it has been revoked".to_owned(),
        C::BadSignature => "its signature does not verify".to_owned(),
        C::BadEncoding => "it is malformed".to_owned(),
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
            "it is not meant for TLS servers".to_owned()
        }
        C::UnhandledCriticalExtension => {
            "it carries a critical extension the verifier does not know".to_owned()
        }
        C::UnsupportedSignatureAlgorithmContext { .. }
        | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "it is signed with an algorithm the verifier does not accept".to_owned()
        }
        other => format!("the verifier rejected it ({other})"),
    }
}

/// A name a certificate presents, as webpki lists it (its Debug form:
/// `DnsName("a.example")`, `IpAddress(10.0.0.1)`), as people write it.
fn presented_name(listed: &str) -> String {
    let Some((kind, rest)) = listed.split_once('(') else {
        return match listed {
            "DirectoryName" => "a directory name".to_owned(),
            other => other.to_owned(),
        };
    };
    let inner = rest.strip_suffix(')').unwrap_or(rest);
    let inner = inner
        .strip_prefix('"')
        .and_then(|i| i.strip_suffix('"'))
        .unwrap_or(inner);
    match kind {
        "UniformResourceIdentifier" => format!("the URI {inner}"),
        _ => inner.to_owned(),
    }
}

/// Why a handshake failed, in words.
pub fn error_words(error: &rustls::Error) -> String {
    use rustls::Error as E;
    match error {
        E::InvalidCertificate(c) => format!("the certificate was rejected: {}", certificate_words(c)),
        E::AlertReceived(alert) => format!(
            "the server ended the handshake with the TLS alert \"{}\"{}",
            alert_words(*alert),
            match alert {
                AlertDescription::HandshakeFailure | AlertDescription::ProtocolVersion => {
                    ": no TLS version or cipher suite in common, or a device that blocks this connection"
                }
                AlertDescription::UnrecognisedName => ": it does not serve this host name",
                _ => "",
            }
        ),
        E::InvalidMessage(_)
        | E::InappropriateMessage { .. }
        | E::InappropriateHandshakeMessage { .. } => "the answer is not a TLS handshake (something other than a TLS server listens there, or a device rewrites the traffic)".to_owned(),
        E::PeerIncompatible(_) => "the server offers no TLS version or cipher suite this probe accepts (TLS 1.2 or 1.3 with current cipher suites)".to_owned(),
        E::PeerMisbehaved(_) => "the server broke the TLS protocol during the handshake".to_owned(),
        E::NoCertificatesPresented => "the server presented no certificate".to_owned(),
        E::DecryptError => "the handshake did not decrypt (the server does not hold the certificate's key, or the traffic was altered)".to_owned(),
        other => format!("the handshake failed: {other}"),
    }
}

/// A TLS alert's name in lower-case words (`HandshakeFailure` →
/// `handshake failure`).
fn alert_words(alert: AlertDescription) -> String {
    let name = format!("{alert:?}");
    let mut words = String::new();
    let mut after_upper = true;
    for c in name.chars() {
        if c.is_ascii_uppercase() && !after_upper {
            words.push(' ');
        }
        after_upper = c.is_ascii_uppercase();
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// Why a handshake failed, from the I/O error tokio-rustls gives.
fn io_words(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if let Some(tls) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        return error_words(tls);
    }
    match error.kind() {
        K::UnexpectedEof => "the server closed the connection during the handshake (no TLS server there, or a firewall that ends TLS connections it does not allow)".to_owned(),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => "the connection was reset during the handshake (a firewall that blocks this TLS connection)".to_owned(),
        _ => format!("the handshake failed: {error}"),
    }
}

/// One DER element: tag, contents, and what follows it.
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;

/// The issuer of a DER certificate as an RFC 4514-style string
/// (`CN=…, O=…, C=…`, most specific first), or `None` when the certificate
/// does not parse. Written out by hand because only this field is needed.
pub fn issuer_of(cert: &[u8]) -> Option<String> {
    let (tag, certificate, _) = der(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = der(certificate)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut rest = tbs;
    // [0] version is optional.
    let (tag, _, after) = der(rest)?;
    if tag == 0xa0 {
        rest = after;
    }
    let (_, _, after) = der(rest)?; // serialNumber
    let (_, _, after) = der(after)?; // signature AlgorithmIdentifier
    let (tag, name, _) = der(after)?; // issuer
    if tag != SEQUENCE {
        return None;
    }
    let mut parts = Vec::new();
    let mut rdns = name;
    while !rdns.is_empty() {
        let (tag, set, next) = der(rdns)?;
        rdns = next;
        if tag != SET {
            return None;
        }
        let mut atvs = set;
        while !atvs.is_empty() {
            let (tag, atv, next) = der(atvs)?;
            atvs = next;
            if tag != SEQUENCE {
                return None;
            }
            let (tag, oid, value) = der(atv)?;
            if tag != OID {
                return None;
            }
            let (_, value, _) = der(value)?;
            let key = match oid {
                [0x55, 0x04, 0x03] => "CN".to_owned(),
                [0x55, 0x04, 0x06] => "C".to_owned(),
                [0x55, 0x04, 0x07] => "L".to_owned(),
                [0x55, 0x04, 0x08] => "ST".to_owned(),
                [0x55, 0x04, 0x0a] => "O".to_owned(),
                [0x55, 0x04, 0x0b] => "OU".to_owned(),
                other => format!(
                    "OID.{}",
                    other.iter().map(|b| format!("{b:02x}")).collect::<String>()
                ),
            };
            parts.push(format!("{key}={}", String::from_utf8_lossy(value)));
        }
    }
    // Certificates list the most general part first; people read CN first.
    parts.reverse();
    Some(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_of_garbage_is_none() {
        assert_eq!(issuer_of(b""), None);
        assert_eq!(issuer_of(&[0x30, 0x82, 0xff]), None);
        assert_eq!(issuer_of(&[0x30, 0x03, 0x02, 0x01, 0x00]), None);
    }

    /// `openssl req -x509 -subj "/C=US/O=Org Inc/CN=Some CA"`, whose
    /// `openssl x509 -issuer -nameopt RFC2253` is `CN=Some CA,O=Org Inc,C=US`.
    const OPENSSL_CERT_HEX: &[&str] = &[
        "308201b83082015da003020102021408d43f0483848c15a24f6897c88003b462a02f15300a06082a8648ce3d04030230",
        "31310b30090603550406130255533110300e060355040a0c074f726720496e633110300e06035504030c07536f6d6520",
        "4341301e170d3236313132383138333633395a170d3236313132393138333633395a3031310b30090603550406130255",
        "533110300e060355040a0c074f726720496e633110300e06035504030c07536f6d652043413059301306072a8648ce3d",
        "020106082a8648ce3d03010703420004b0af30d0e20cb3b07744af1cac232a364c2fb339c8cab462c91c0c6efc3b0653",
        "133a9d3fb572110e57ce6db9bc8ee1580cece38e2c816a303ce2beec10b5326aa3533051301d0603551d0e041604149d",
        "d436494145abf58feb217ee5b185a5b5f90e23301f0603551d230418301680149dd436494145abf58feb217ee5b185a5",
        "b5f90e23300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020349003046022100d255a80e9a7624",
        "54e640e6f2f8e9a8d4f43595cfead268dcdb5d1dc648b00570022100aeec503ea65d3058ab6e788b33f1e59b8dadbab3",
        "ca9d3bc01a7f822a764e9fd4",
    ];

    #[test]
    fn issuer_like_openssl_prints_it() {
        let hex: String = OPENSSL_CERT_HEX.concat();
        let der: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("test vector is hex"))
            .collect();
        assert_eq!(
            issuer_of(&der).as_deref(),
            Some("CN=Some CA, O=Org Inc, C=US")
        );
    }

    #[test]
    fn reasons_are_words_not_debug_forms() {
        let unknown = certificate_words(&CertificateError::UnknownIssuer);
        assert!(unknown.contains("certificate authority"), "{unknown}");
        let name = certificate_words(&CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("logs.eu-west-1.amazonaws.com").expect("valid name"),
            presented: vec!["proxy.corp.example".into()],
        });
        assert_eq!(
            name,
            "it is not valid for logs.eu-west-1.amazonaws.com (it names proxy.corp.example)"
        );
        // webpki lists presented names in their Debug form.
        assert_eq!(presented_name("DnsName(\"a.example\")"), "a.example");
        assert_eq!(presented_name("IpAddress(10.0.0.1)"), "10.0.0.1");
        assert_eq!(presented_name("DirectoryName"), "a directory name");
        let alert = error_words(&rustls::Error::AlertReceived(
            AlertDescription::HandshakeFailure,
        ));
        assert!(alert.contains("\"handshake failure\""), "{alert}");
        assert_eq!(alert_words(AlertDescription::UnknownCA), "unknown ca");
        let eof = io_words(&std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
        assert!(eof.contains("closed the connection"), "{eof}");
        let wrapped = io_words(&std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::Expired),
        ));
        assert_eq!(wrapped, "the certificate was rejected: it has expired");
        for text in [unknown, name, alert, eof, wrapped] {
            for debug in [
                "UnknownIssuer",
                "NotValidFor",
                "AlertReceived",
                "InvalidCertificate",
                "Kind(",
            ] {
                assert!(!text.contains(debug), "{text}");
            }
        }
    }

    #[test]
    fn webpki_roots_load() {
        assert!(public_roots().roots.len() > 50);
    }
}
