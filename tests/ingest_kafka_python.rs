//! Interoperability: events produced by Python's kafka-python are ingested.

mod util;

use std::path::Path;

use util::broker::Broker;
use util::ingest::Ingest;
use util::{python, stf, wait_until, Scratch};

#[test]
fn events_from_kafka_python_are_ingested() {
    let broker = Broker::start();
    broker.create_stf_topics(2);
    let s = Scratch::new();
    let (events, store) = (s.path("events"), s.path("store"));
    stf(&[
        "generate",
        "--plans",
        "300",
        "--seed",
        "5",
        "--out",
        events.to_str().unwrap(),
    ]);
    let sent: u64 = python(
        "produce_kafka_python.py",
        &[Path::new(&broker.addr), &events],
    )
    .trim()
    .parse()
    .expect("a count");
    assert!(sent > 1000, "{sent}");

    let ingest = Ingest::start(&broker.addr, &store, "interop");
    wait_until(300, "every kafka-python message accepted", || {
        ingest
            .scrape()
            .lines()
            .find_map(|l| l.strip_prefix("stf_ingest_rows_written_total{table=\"plan_events\"} "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|plans| plans + 1000 > sent && plans > 0)
            && python("count_rows.py", &[&store])
                .trim()
                .parse::<u64>()
                .unwrap_or(0)
                == sent
    });
    ingest.stop();
}
