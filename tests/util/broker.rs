//! A real Kafka-protocol broker (Tansu) on a free loopback port, stopped on drop.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Broker {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

fn tansu() -> String {
    let home = std::env::var("HOME").unwrap_or_default();
    let local = format!("{home}/.cargo/bin/tansu");
    if std::path::Path::new(&local).exists() {
        local
    } else {
        "tansu".to_owned()
    }
}

impl Broker {
    /// Starts Tansu with in-memory storage and waits (bounded) until it answers.
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let url = format!("tcp://127.0.0.1:{port}");
        let child = Command::new(tansu())
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
            ])
            .args(["--storage-engine", "memory://tansu/"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tansu starts (scripts/test.sh installs it)");
        let broker = Self {
            child,
            addr: format!("127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !broker.answers() {
            assert!(
                Instant::now() < deadline,
                "tansu did not answer within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        broker
    }

    fn url(&self) -> String {
        format!("tcp://{}", self.addr)
    }

    fn answers(&self) -> bool {
        Command::new(tansu())
            .args(["topic", "list", "--broker", &self.url()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn create_topic(&self, name: &str, partitions: u32) {
        let status = Command::new(tansu())
            .args([
                "topic",
                "create",
                name,
                "--partitions",
                &partitions.to_string(),
            ])
            .args(["--broker", &self.url()])
            .stdout(Stdio::null())
            .status()
            .expect("tansu topic create runs");
        assert!(status.success(), "cannot create topic {name}");
    }

    /// The input topics and their dead-letter topics, `partitions` each.
    pub fn create_stf_topics(&self, partitions: u32) {
        for t in [
            "support-plans",
            "provider-services",
            "support-plans.dlq",
            "provider-services.dlq",
        ] {
            self.create_topic(t, partitions);
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
