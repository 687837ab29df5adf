//! A running `stf ingest --brokers` process, killed on drop.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Ingest {
    child: Option<Child>,
    pub metrics: String,
}

impl Ingest {
    pub fn start(brokers: &str, store: &Path, group: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let metrics = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_stf"))
            .args(["ingest", "--brokers", brokers, "--group", group])
            .args(["--store", store.to_str().expect("utf-8 path")])
            .args(["--flush-messages", "4000", "--flush-seconds", "1"])
            .args(["--metrics-addr", &metrics])
            // `STF_TEST_INGEST_LOG=warn,stf_ingest=debug` shows every commit and skipped re-delivery.
            .env(
                "STF_LOG",
                std::env::var("STF_TEST_INGEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("stf ingest starts");
        Self {
            child: Some(child),
            metrics,
        }
    }

    /// `kill -9`: no flush, no goodbye.
    pub fn kill(mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM, then waits for a clean exit (status 0), bounded.
    pub fn stop(mut self) {
        let mut c = self.child.take().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = c.try_wait().expect("wait works") {
                assert!(
                    status.success(),
                    "ingest exited with {status} after SIGTERM"
                );
                return;
            }
            assert!(
                Instant::now() < deadline,
                "ingest did not stop within 60 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The metrics page, or an empty string while the server is not up.
    pub fn scrape(&self) -> String {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(&self.metrics) else {
            return String::new();
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = s.write_all(b"GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }
}

impl Drop for Ingest {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
