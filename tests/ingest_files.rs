//! The file source end to end: generated events with bad ones and PII mixed in, through the
//! real `stf ingest`, checked by Python's deltalake and DuckDB reading our tables.

mod util;

use util::{python, stf, Scratch};

#[test]
fn files_are_ingested_exactly_once_with_every_rejection_explained() {
    let s = Scratch::new();
    let events = s.path("events");
    let store = s.path("store");
    let (events_s, store_s) = (events.to_str().unwrap(), store.to_str().unwrap());
    stf(&[
        "generate",
        "--plans",
        "1500",
        "--seed",
        "7",
        "--bad-fraction",
        "0.04",
        "--pii-fraction",
        "0.05",
        "--out",
        events_s,
    ]);
    stf(&[
        "ingest",
        "--input",
        events_s,
        "--store",
        store_s,
        "--flush-messages",
        "700",
    ]);
    let first = python("check_ingest.py", &[&events, &store]);
    assert!(first.contains("OK"), "{first}");

    // A second run over the same files adds nothing.
    stf(&["ingest", "--input", events_s, "--store", store_s]);
    let second = python("check_ingest.py", &[&events, &store]);
    assert_eq!(first, second);

    // Every rejection also reached the dead-letter files, with the original bytes.
    let dlq = std::fs::read_to_string(store.join("dead-letters/support-plans.ndjson.dlq.ndjson"))
        .expect("dead letters were written");
    assert!(dlq.lines().count() > 0);
    assert!(dlq
        .lines()
        .all(|l| l.contains("\"message_base64\"") && l.contains("\"reason\"")));
}
