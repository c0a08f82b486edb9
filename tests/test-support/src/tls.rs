//! TLS servers for tests: certificates made on the spot (self-signed, or
//! issued by a test "interception" CA, as a TLS-inspecting proxy presents),
//! served on loopback or inside a namespace.
//!
//! Guarantees: the server completes a handshake with any client, presenting
//! the given certificate for every server name, then closes the connection
//! (no application data); it counts completed handshakes; it stops when
//! dropped. Keys are made fresh per certificate and never written anywhere.
//!
//! Not done here: any protocol above TLS, client certificates.

use crate::thread::{Serve, ServerThread};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::TcpListener;

/// A certificate chain and its key.
#[derive(Debug)]
pub struct TestCert {
    /// The issuing CA's certificate (`None` for a self-signed one).
    pub ca: Option<CertificateDer<'static>>,
    /// The leaf certificate.
    pub leaf: CertificateDer<'static>,
    key: Vec<u8>,
}

impl TestCert {
    /// A self-signed certificate for `names` (subject alternative names),
    /// with `CN=<first name>`.
    pub fn self_signed(names: &[&str]) -> Result<TestCert, String> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = rcgen::CertificateParams::new(names.clone()).map_err(|e| e.to_string())?;
        if let Some(first) = names.first() {
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, first.as_str());
        }
        let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
        let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
        Ok(TestCert {
            ca: None,
            leaf: cert.der().clone(),
            key: key.serialize_der(),
        })
    }

    /// A certificate for `names` issued by a test CA named
    /// `CN=Netready Test Interception CA, O=Middlebox Inc`: what a
    /// TLS-inspecting proxy presents.
    pub fn from_interception_ca(names: &[&str]) -> Result<TestCert, String> {
        let mut ca_params =
            rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        // Most general first, as real CAs encode it (printed the other way).
        ca_params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Middlebox Inc");
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Netready Test Interception CA");
        let ca_key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
        let ca = ca_params.self_signed(&ca_key).map_err(|e| e.to_string())?;
        let leaf_params = rcgen::CertificateParams::new(
            names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
        )
        .map_err(|e| e.to_string())?;
        let leaf_key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
        let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
        let leaf = leaf_params
            .signed_by(&leaf_key, &issuer)
            .map_err(|e| e.to_string())?;
        Ok(TestCert {
            ca: Some(ca.der().clone()),
            leaf: leaf.der().clone(),
            key: leaf_key.serialize_der(),
        })
    }

    fn server_config(&self) -> Result<rustls::ServerConfig, String> {
        let key = PrivateKeyDer::try_from(self.key.clone()).map_err(|e| e.to_owned())?;
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![self.leaf.clone()], key)
        .map_err(|e| e.to_string())
    }
}

/// A running TLS server; it stops when dropped.
#[derive(Debug)]
pub struct TlsServer {
    addr: SocketAddr,
    handshakes: Arc<AtomicUsize>,
    _thread: ServerThread,
}

impl TlsServer {
    /// Serves `cert` on `bind` (port 0 picks one) inside namespace `netns`
    /// (or the current one).
    pub fn start_in(
        netns: Option<&str>,
        bind: SocketAddr,
        cert: &TestCert,
    ) -> Result<TlsServer, String> {
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cert.server_config()?));
        let handshakes = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&handshakes);
        let (thread, addr) = ServerThread::start(netns, move || async move {
            let listener = TcpListener::bind(bind)
                .await
                .map_err(|e| format!("TLS server bind {bind}: {e}"))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let serve: Serve = Box::pin(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (acceptor, counted) = (acceptor.clone(), Arc::clone(&counted));
                    tokio::task::spawn_local(async move {
                        if acceptor.accept(stream).await.is_ok() {
                            counted.fetch_add(1, Ordering::SeqCst);
                        }
                    });
                }
            });
            Ok((serve, addr))
        })?;
        Ok(TlsServer {
            addr,
            handshakes,
            _thread: thread,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Handshakes completed so far.
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}
