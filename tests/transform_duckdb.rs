//! `stf transform` end to end: generated events through the real `stf ingest` and
//! `stf transform`, then every derived table checked by Python's deltalake and DuckDB, which
//! recompute `plans` from `plan_events` and each measure from measures.md on their own.

mod util;

use std::path::Path;

use util::{python, stf, Scratch};

/// The latest commit version of every table under `store` (the highest `NNN.json` in its log).
fn versions(store: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(store).expect("the store exists") {
        let dir = entry.expect("an entry").path();
        let log = dir.join("_delta_log");
        if !log.is_dir() {
            continue;
        }
        let latest = std::fs::read_dir(&log)
            .expect("a log")
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                name.strip_suffix(".json")?.parse::<u64>().ok()
            })
            .max()
            .expect("a table has commits");
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8")
            .to_owned();
        out.push((name, latest));
    }
    out.sort();
    out
}

#[test]
fn transform_agrees_with_duckdb_and_a_rerun_commits_nothing() {
    let s = Scratch::new();
    let (events, more, store) = (s.path("events"), s.path("more"), s.path("store"));
    let (events_s, more_s, store_s) = (
        events.to_str().unwrap(),
        more.to_str().unwrap(),
        store.to_str().unwrap(),
    );
    stf(&[
        "generate", "--plans", "3000", "--seed", "9", "--out", events_s,
    ]);
    stf(&["ingest", "--input", events_s, "--store", store_s]);
    stf(&["transform", "--store", store_s]);
    let first = python("check_measures.py", &[&store]);
    assert!(first.starts_with("OK "), "{first}");

    // Nothing new: the second run commits nothing to any table.
    let before = versions(&store);
    assert!(
        before.iter().any(|(t, _)| t == "demand_monthly"),
        "{before:?}"
    );
    stf(&["transform", "--store", store_s]);
    assert_eq!(versions(&store), before);

    // New events: a new publication, still in agreement with DuckDB.
    stf(&[
        "generate", "--plans", "400", "--seed", "10", "--out", more_s,
    ]);
    stf(&["ingest", "--input", more_s, "--store", store_s]);
    stf(&["transform", "--store", store_s]);
    let second = python("check_measures.py", &[&store]);
    assert!(second.starts_with("OK "), "{second}");
    let publication = |out: &str| {
        out.rsplit("publication=")
            .next()
            .map(str::trim)
            .map(str::to_owned)
    };
    assert_ne!(publication(&first), publication(&second));
}
