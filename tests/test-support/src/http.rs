//! A fake HTTP/1.1 server with fixed routes, for ECS task metadata and EC2
//! instance metadata (IMDSv2) in tests.
//!
//! Guarantees: each request is answered from the route table (method and
//! path; 404 otherwise), after the route's delay, with `Content-Length` and
//! `Connection: close`; every request (method, path, headers) is recorded;
//! the server stops when dropped.
//!
//! Not done here: keep-alive, chunked request bodies, TLS.

use crate::thread::{Serve, ServerThread};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One canned response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: String,
    /// How long to wait before answering.
    pub delay: Duration,
    /// Send the body with `Transfer-Encoding: chunked` instead of a length.
    pub chunked: bool,
}

impl Route {
    /// 200 with this body, at once.
    pub fn ok(body: &str) -> Route {
        Route {
            status: 200,
            body: body.to_owned(),
            delay: Duration::ZERO,
            chunked: false,
        }
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// `GET`, `PUT`, …
    pub method: String,
    /// The request target.
    pub path: String,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct State {
    routes: HashMap<(String, String), Route>,
    seen: Vec<SeenRequest>,
}

/// A running fake HTTP server; it stops when dropped.
#[derive(Debug)]
pub struct HttpServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    _thread: ServerThread,
}

impl HttpServer {
    /// An instance metadata service on 127.0.0.1 that hands out an IMDSv2
    /// token at once and then never answers a metadata GET (each hangs for
    /// 30 s): what the probe meets behind a broken metadata hop limit.
    pub fn hanging_imds() -> Result<HttpServer, String> {
        let imds = HttpServer::start(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        imds.route("PUT", "/latest/api/token", Route::ok("T"));
        for path in [
            "/latest/meta-data/placement/region",
            "/latest/dynamic/instance-identity/document",
            "/latest/meta-data/public-ipv4",
            "/latest/meta-data/mac",
        ] {
            imds.route(
                "GET",
                path,
                Route {
                    delay: std::time::Duration::from_secs(30),
                    ..Route::ok("x")
                },
            );
        }
        Ok(imds)
    }

    /// Starts a server on `bind` (port 0 picks one).
    pub fn start(bind: SocketAddr) -> Result<HttpServer, String> {
        HttpServer::start_in(None, bind)
    }

    /// Starts a server on `bind` inside network namespace `netns` (or the
    /// current one).
    pub fn start_in(netns: Option<&str>, bind: SocketAddr) -> Result<HttpServer, String> {
        let state = Arc::new(Mutex::new(State::default()));
        let for_thread = state.clone();
        let (thread, addr) = ServerThread::start(netns, move || async move {
            let listener = TcpListener::bind(bind)
                .await
                .map_err(|e| format!("HTTP bind {bind}: {e}"))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let serve: Serve = Box::pin(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    tokio::task::spawn_local(handle(stream, for_thread.clone()));
                }
            });
            Ok((serve, addr))
        })?;
        Ok(HttpServer {
            addr,
            state,
            _thread: thread,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers `method path` with `route`.
    pub fn route(&self, method: &str, path: &str, route: Route) {
        self.lock()
            .routes
            .insert((method.to_owned(), path.to_owned()), route);
    }

    /// The requests received so far.
    pub fn seen(&self) -> Vec<SeenRequest> {
        self.lock().seen.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn handle(mut stream: tokio::net::TcpStream, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let route = {
        let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
        s.seen.push(SeenRequest {
            method: method.clone(),
            path: path.clone(),
            headers,
        });
        s.routes.get(&(method, path)).cloned()
    };
    let route = route.unwrap_or(Route {
        status: 404,
        body: String::new(),
        delay: Duration::ZERO,
        chunked: false,
    });
    if !route.delay.is_zero() {
        tokio::time::sleep(route.delay).await;
    }
    let mut response = format!(
        "HTTP/1.1 {} X\r\nContent-Type: text/plain\r\nConnection: close\r\n",
        route.status
    );
    if route.chunked {
        response.push_str("Transfer-Encoding: chunked\r\n\r\n");
        // Two chunks, to exercise the client's decoder.
        let (a, b) = route.body.split_at(route.body.len() / 2);
        for part in [a, b] {
            if !part.is_empty() {
                response.push_str(&format!("{:x}\r\n{part}\r\n", part.len()));
            }
        }
        response.push_str("0\r\n\r\n");
    } else {
        response.push_str(&format!(
            "Content-Length: {}\r\n\r\n{}",
            route.body.len(),
            route.body
        ));
    }
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
