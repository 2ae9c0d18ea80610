//! A TCP link to a real server that a test can make fall silent (the server seems to hang,
//! accepting connections and commands but never answering, which is the worst way for a
//! dependency to fail) or go down (connections cut and refused, as while it restarts).

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use tokio::{
    io::AsyncReadExt,
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

pub struct FaultyLink {
    addr: SocketAddr,
    silent: Arc<AtomicBool>,
    down: Arc<AtomicBool>,
    /// Writes the server would have received while silent (each is one or more commands).
    unanswered: Arc<AtomicUsize>,
    forwarding: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accepting: JoinHandle<()>,
}

impl FaultyLink {
    /// Starts forwarding to `upstream` (`host:port`).
    pub async fn to(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let silent = Arc::new(AtomicBool::new(false));
        let down = Arc::new(AtomicBool::new(false));
        let unanswered = Arc::new(AtomicUsize::new(0));
        let forwarding = Arc::new(Mutex::new(Vec::new()));
        let accepting = tokio::spawn({
            let (silent, down, unanswered, forwarding) = (
                silent.clone(),
                down.clone(),
                unanswered.clone(),
                forwarding.clone(),
            );
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    if down.load(Ordering::SeqCst) {
                        drop(client);
                        continue;
                    }
                    let task = if silent.load(Ordering::SeqCst) {
                        tokio::spawn(swallow(client, unanswered.clone()))
                    } else {
                        tokio::spawn(forward(client, upstream.clone()))
                    };
                    forwarding.lock().unwrap().push(task);
                }
            }
        });
        Self {
            addr,
            silent,
            down,
            unanswered,
            forwarding,
            accepting,
        }
    }

    /// A link to `app`'s Redis (PostgreSQL tests run with one).
    pub async fn to_redis_of(app: &crate::TestApp) -> Self {
        let redis = app
            .config
            .redis_url
            .as_deref()
            .expect("PostgreSQL runs with Redis");
        Self::to(
            redis
                .trim_start_matches("redis://")
                .trim_end_matches('/')
                .into(),
        )
        .await
    }

    pub fn redis_url(&self) -> String {
        format!("redis://{}", self.addr)
    }

    /// The link's own `host:port`, to put in a URL in place of the server's.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// From now on the server is gone: open connections are cut, new ones closed at once.
    pub fn go_down(&self) {
        self.down.store(true, Ordering::SeqCst);
        for task in self.forwarding.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// From now on nothing is answered: open connections are cut, new ones hang.
    pub fn fall_silent(&self) {
        self.silent.store(true, Ordering::SeqCst);
        for task in self.forwarding.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Forwards again, on new connections.
    pub fn speak_again(&self) {
        self.silent.store(false, Ordering::SeqCst);
        self.down.store(false, Ordering::SeqCst);
        for task in self.forwarding.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    pub fn unanswered_writes(&self) -> usize {
        self.unanswered.load(Ordering::SeqCst)
    }
}

impl Drop for FaultyLink {
    fn drop(&mut self) {
        self.accepting.abort();
        for task in self.forwarding.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

async fn forward(mut client: TcpStream, upstream: String) {
    if let Ok(mut server) = TcpStream::connect(upstream).await {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}

async fn swallow(mut client: TcpStream, unanswered: Arc<AtomicUsize>) {
    let mut buffer = [0; 4096];
    while let Ok(read) = client.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        unanswered.fetch_add(1, Ordering::SeqCst);
    }
}
