//! An incremental transform (events arriving in two halves, a run after each) publishes the same
//! tables as one run over all the events, as DuckDB sees them; and the second run read only
//! the new events.

mod util;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use util::{python, stf, Scratch};

/// Splits `file` at its middle line into `first` and `second`.
fn split(file: &Path, first: &Path, second: &Path) {
    let lines: Vec<String> = BufReader::new(std::fs::File::open(file).expect("events exist"))
        .lines()
        .collect::<Result<_, _>>()
        .expect("readable");
    let half = lines.len() / 2;
    for (path, part) in [(first, &lines[..half]), (second, &lines[half..])] {
        let mut out = std::fs::File::create(path).expect("writable");
        for line in part {
            writeln!(out, "{line}").expect("writable");
        }
    }
}

fn transform(store: &str) -> String {
    let out = util::stf_logged(&["transform", "--store", store, "--log", "stf_transform=info"]);
    String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout)
}

#[test]
fn incremental_runs_publish_what_one_full_run_does() {
    let s = Scratch::new();
    let (events, part1, part2) = (s.path("events"), s.path("part1"), s.path("part2"));
    let (split_store, whole_store) = (s.path("split"), s.path("whole"));
    let str_of = |p: &Path| p.to_str().expect("utf-8").to_owned();
    stf(&[
        "generate",
        "--plans",
        "2500",
        "--seed",
        "31",
        "--late-fraction",
        "0.1",
        "--duplicate-fraction",
        "0.05",
        "--out",
        &str_of(&events),
    ]);
    std::fs::create_dir_all(&part1).unwrap();
    std::fs::create_dir_all(&part2).unwrap();
    // Plans' histories straddle the cut: later versions, reviews and closes of plans first
    // seen in part 1 arrive in part 2.
    split(
        &events.join("support-plans.ndjson"),
        &part1.join("plans-1.ndjson"),
        &part2.join("plans-2.ndjson"),
    );
    split(
        &events.join("provider-services.ndjson"),
        &part1.join("services-1.ndjson"),
        &part2.join("services-2.ndjson"),
    );

    let split_s = str_of(&split_store);
    stf(&["ingest", "--input", &str_of(&part1), "--store", &split_s]);
    let first = transform(&split_s);
    assert!(
        first.contains("Full"),
        "the first run reads everything: {first}"
    );
    stf(&["ingest", "--input", &str_of(&part2), "--store", &split_s]);
    let second = transform(&split_s);
    assert!(
        second.contains("Incremental"),
        "the second run reads only new events: {second}"
    );

    let whole_s = str_of(&whole_store);
    stf(&["ingest", "--input", &str_of(&events), "--store", &whole_s]);
    transform(&whole_s);

    let report = python("compare_stores.py", &[&split_store, &whole_store]);
    assert!(report.starts_with("OK "), "{report}");
    // And the split store's measures agree with DuckDB's own recomputation.
    let measures = python("check_measures.py", &[&split_store]);
    assert!(measures.starts_with("OK "), "{measures}");
}
