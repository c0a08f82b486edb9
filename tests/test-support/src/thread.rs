//! A server thread: its own current-thread tokio runtime, optionally inside a
//! network namespace, stopped and joined on drop.
//!
//! Guarantees: the serving future runs inside a `LocalSet` (servers may
//! `spawn_local` and use `Rc`); sockets created by the setup closure belong to the namespace
//! given (the thread enters it before creating anything, and a socket stays
//! in the namespace it was created in); [`ServerThread::start`] returns only
//! once setup has finished (so the sockets are bound and listening); drop
//! signals the serving future to stop and joins the thread.
//!
//! Not done here: anything protocol-specific.

use nix::sched::{CloneFlags, setns};
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// The future a server runs until stopped.
pub type Serve = Pin<Box<dyn Future<Output = ()> + 'static>>;

/// A running server thread.
#[derive(Debug)]
pub struct ServerThread {
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

/// Enters the network namespace `name` (as made by `ip netns add`) on the
/// calling thread.
pub fn enter_netns(name: &str) -> Result<(), String> {
    let path = format!("/var/run/netns/{name}");
    let file = std::fs::File::open(&path).map_err(|e| format!("cannot open {path}: {e}"))?;
    setns(&file, CloneFlags::CLONE_NEWNET).map_err(|e| format!("setns into {name}: {e}"))
}

impl ServerThread {
    /// Starts a thread (inside namespace `netns` when given) that runs
    /// `setup` on a fresh runtime; `setup` binds its sockets and returns the
    /// serving future plus a value handed back to the caller.
    pub fn start<T, S, Fut>(netns: Option<&str>, setup: S) -> Result<(ServerThread, T), String>
    where
        T: Send + 'static,
        S: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<(Serve, T), String>> + 'static,
    {
        let (ready_tx, ready_rx) = mpsc::channel::<Result<T, String>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let netns = netns.map(str::to_owned);
        let handle = std::thread::Builder::new()
            .name("netready-test-server".into())
            .spawn(move || {
                if let Some(ns) = &netns
                    && let Err(e) = enter_netns(ns)
                {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("tokio runtime: {e}")));
                        return;
                    }
                };
                // A LocalSet, so servers may use spawn_local and Rc.
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, async move {
                    match setup().await {
                        Ok((serve, value)) => {
                            let _ = ready_tx.send(Ok(value));
                            tokio::select! {
                                () = serve => {}
                                _ = stop_rx => {}
                            }
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| format!("spawning a server thread: {e}"))?;
        let value = ready_rx
            .recv()
            .map_err(|_| "the server thread died during setup".to_owned())??;
        Ok((
            ServerThread {
                stop: Some(stop_tx),
                handle: Some(handle),
            },
            value,
        ))
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
