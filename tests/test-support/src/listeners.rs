//! TCP listeners that accept and count connections.
//!
//! Guarantees: every accepted connection is counted (per listener) and then
//! closed after reading whatever the client sends within a short while (so a
//! proxy trap can record a `CONNECT` line); the listeners stop when dropped.
//!
//! Not done here: any protocol (see [`crate::http`] for HTTP).

use crate::thread::{Serve, ServerThread};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

#[derive(Debug, Default)]
struct Counts {
    accepted: Vec<AtomicUsize>,
    received: Mutex<Vec<u8>>,
}

/// A set of running listeners; they stop when dropped.
#[derive(Debug)]
pub struct Listeners {
    addrs: Vec<SocketAddr>,
    counts: Arc<Counts>,
    _thread: ServerThread,
}

impl Listeners {
    /// Listens on every address of `binds` (port 0 picks one) in the current
    /// network namespace.
    pub fn start(binds: &[SocketAddr]) -> Result<Listeners, String> {
        Listeners::start_in(None, binds)
    }

    /// Listens on every address of `binds` inside namespace `netns`.
    pub fn start_in(netns: Option<&str>, binds: &[SocketAddr]) -> Result<Listeners, String> {
        let counts = Arc::new(Counts {
            accepted: binds.iter().map(|_| AtomicUsize::new(0)).collect(),
            received: Mutex::new(Vec::new()),
        });
        let binds = binds.to_vec();
        let for_thread = counts.clone();
        let (thread, addrs) = ServerThread::start(netns, move || async move {
            let mut listeners = Vec::new();
            for b in &binds {
                let l = TcpListener::bind(b)
                    .await
                    .map_err(|e| format!("listen on {b}: {e}"))?;
                listeners.push(l);
            }
            let addrs: Vec<SocketAddr> = listeners
                .iter()
                .map(|l| l.local_addr().map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?;
            let serve: Serve = Box::pin(async move {
                for (i, l) in listeners.into_iter().enumerate() {
                    tokio::task::spawn_local(accept_loop(i, l, for_thread.clone()));
                }
                std::future::pending::<()>().await;
            });
            Ok((serve, addrs))
        })?;
        Ok(Listeners {
            addrs,
            counts,
            _thread: thread,
        })
    }

    /// The bound addresses, in the order given.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Connections accepted by listener `i`.
    pub fn accepted(&self, i: usize) -> usize {
        self.counts
            .accepted
            .get(i)
            .map_or(0, |c| c.load(Ordering::SeqCst))
    }

    /// Connections accepted by all listeners.
    pub fn accepted_total(&self) -> usize {
        self.counts
            .accepted
            .iter()
            .map(|c| c.load(Ordering::SeqCst))
            .sum()
    }

    /// Waits until listener `i` has accepted at least `n` connections or
    /// `within` has passed, and returns its count. (The kernel completes a
    /// handshake before the listener's accept loop sees it, so counts lag
    /// the client by a moment.)
    pub fn wait_accepted(&self, i: usize, n: usize, within: Duration) -> usize {
        let until = std::time::Instant::now() + within;
        loop {
            let count = self.accepted(i);
            if count >= n || std::time::Instant::now() >= until {
                return count;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Every byte clients sent, in arrival order (for proxy traps).
    pub fn received(&self) -> Vec<u8> {
        self.counts
            .received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

async fn accept_loop(i: usize, listener: TcpListener, counts: Arc<Counts>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        if let Some(c) = counts.accepted.get(i) {
            c.fetch_add(1, Ordering::SeqCst);
        }
        let counts = counts.clone();
        tokio::task::spawn_local(async move {
            let mut buf = [0u8; 4096];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await
            {
                counts
                    .received
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(&buf[..n]);
            }
        });
    }
}
