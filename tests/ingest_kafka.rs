//! Ingest from a real Kafka-protocol broker (Tansu): exactly once through kill -9 crashes and
//! a rebalance, checked by kafka-python, deltalake and DuckDB.

mod util;

use std::path::Path;
use std::time::Duration;

use util::broker::Broker;
use util::ingest::Ingest;
use util::{python, stf, wait_until, Scratch};

fn covered(broker: &Broker, store: &Path, truth: &Path, group: &str) -> (u64, u64) {
    let out = python(
        "check_kafka.py",
        &[
            Path::new(&broker.addr),
            store,
            truth,
            Path::new(group),
            Path::new("--progress"),
        ],
    );
    let nums: Vec<u64> = out
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    eprintln!("[{group}] {}", out.trim());
    (nums[0], nums[1])
}

fn produce(broker: &Broker, plans: u32, seed: u32, truth: &Path) {
    stf(&[
        "generate",
        "--plans",
        &plans.to_string(),
        "--seed",
        &seed.to_string(),
        "--bad-fraction",
        "0.02",
        "--brokers",
        &broker.addr,
        "--truth",
        truth.to_str().unwrap(),
    ]);
}

/// A small deterministic sequence of pauses, so a failing drill can be rerun as it was.
fn pauses(seed: u64, n: usize) -> Vec<Duration> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            Duration::from_millis(1500 + (x >> 33) % 3000)
        })
        .collect()
}

#[test]
fn crash_drill_kill_9_five_times_loses_and_duplicates_nothing() {
    let broker = Broker::start();
    broker.create_stf_topics(4);
    let s = Scratch::new();
    let (store, truth) = (s.path("store"), s.path("truth"));
    // About 100k events, with bad ones of every kind mixed in.
    produce(&broker, 27_000, 11, &truth);

    for pause in pauses(11, 5) {
        let ingest = Ingest::start(&broker.addr, &store, "drill");
        std::thread::sleep(pause);
        ingest.kill();
    }
    let ingest = Ingest::start(&broker.addr, &store, "drill");
    wait_until(600, "the ingest to cover every message", || {
        let (done, total) = covered(&broker, &store, &truth, "drill");
        done >= total && total > 90_000
    });
    assert!(ingest.scrape().contains("stf_ingest_events_in_total"));
    // Lag comes from the client's statistics: the end of each partition less the offset
    // committed after the tables took the messages. All 8 partitions, all caught up.
    wait_until(60, "every partition's lag to be reported as 0", || {
        let metrics = ingest.scrape();
        let lags: Vec<&str> = metrics
            .lines()
            .filter(|l| l.starts_with("stf_ingest_consumer_lag{"))
            .collect();
        lags.len() == 8 && lags.iter().all(|l| l.ends_with("} 0"))
    });
    ingest.stop();
    let report = python(
        "check_kafka.py",
        &[Path::new(&broker.addr), &store, &truth, Path::new("drill")],
    );
    assert!(report.starts_with("OK"), "{report}");
}

#[test]
fn rebalance_two_instances_one_killed_midway_is_still_exactly_once() {
    let broker = Broker::start();
    broker.create_stf_topics(4);
    let s = Scratch::new();
    let (store, truth) = (s.path("store"), s.path("truth"));
    produce(&broker, 8_000, 21, &truth);

    let a = Ingest::start(&broker.addr, &store, "pair");
    let b = Ingest::start(&broker.addr, &store, "pair");
    wait_until(300, "some progress", || {
        covered(&broker, &store, &truth, "pair").0 > 2_000
    });
    a.kill();
    wait_until(600, "the survivor to cover every message", || {
        let (done, total) = covered(&broker, &store, &truth, "pair");
        done >= total && total > 20_000
    });
    b.stop();
    let report = python(
        "check_kafka.py",
        &[Path::new(&broker.addr), &store, &truth, Path::new("pair")],
    );
    assert!(report.starts_with("OK"), "{report}");
}
