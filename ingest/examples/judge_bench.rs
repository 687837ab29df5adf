//! How much of judging a message is JSON parsing: times, on one core and side by side, a
//! parse that keeps nothing (the floor), a parse into `serde_json::Value`, `decode` (with and
//! without its quick path) and `judge` (parse, validate, redact), over the first lines of an
//! NDJSON file; `judge_many` on every core, 1,024 messages at a time as the Kafka source groups
//! them. Then what the ingest loop does with a verdict: `apply` it to a batch (rows into
//! columns), and the batch's columns made Arrow record batches, as a commit begins.
//!
//! `cargo run --release -p stf-ingest --example judge_bench -- FILE [LINES] [decode]`
//! (with `decode`: only decodes, five times over, and prints nothing: for a profiler)

use std::io::BufRead;
use std::time::{Duration, Instant};

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .context("usage: judge_bench FILE [LINES] [decode]")?;
    let limit: usize = args.next().map_or(Ok(100_000), |s| s.parse())?;
    let file = std::fs::File::open(&path).with_context(|| format!("opening {path}"))?;
    let lines: Vec<Vec<u8>> = std::io::BufReader::new(file)
        .split(b'\n')
        .take(limit)
        .collect::<Result<_, _>>()?;
    let bytes: usize = lines.iter().map(Vec::len).sum();
    println!("{} messages, {} bytes", lines.len(), bytes);

    if let Some("decode") = args.next().as_deref() {
        // For a profiler: decode only, many times.
        for _ in 0..5 {
            for l in &lines {
                let _ = std::hint::black_box(stf_schemas::validate::decode(l));
            }
        }
        return Ok(());
    }
    let floor = best_of(3, || {
        for l in &lines {
            let _ = serde_json::from_slice::<serde::de::IgnoredAny>(l);
        }
    });
    let value = best_of(3, || {
        for l in &lines {
            let _ = std::hint::black_box(serde_json::from_slice::<serde_json::Value>(l));
        }
    });
    let decoded = best_of(3, || {
        for l in &lines {
            let _ = std::hint::black_box(stf_schemas::validate::decode(l));
        }
    });
    let full = best_of(3, || {
        for l in &lines {
            let _ = std::hint::black_box(stf_schemas::validate::decode_fully(l));
        }
    });
    let judged = best_of(3, || {
        for l in &lines {
            let _ = std::hint::black_box(stf_ingest::decode::judge(l));
        }
    });
    let many = best_of(3, || {
        for chunk in lines.chunks(1024) {
            let messages: Vec<Option<&[u8]>> = chunk.iter().map(|l| Some(l.as_slice())).collect();
            let _ = std::hint::black_box(stf_ingest::decode::judge_many(&messages));
        }
    });
    let verdicts = || {
        lines
            .iter()
            .map(|l| stf_ingest::decode::judge(l))
            .collect::<Vec<_>>()
    };
    let applied = best_of_with(3, verdicts, |verdicts| {
        std::hint::black_box(apply_all(&lines, verdicts));
    });
    let finished = best_of_with(
        3,
        || apply_all(&lines, verdicts()),
        |mut batch| {
            let _ = std::hint::black_box(batch.plans.finish());
            let _ = std::hint::black_box(batch.services.finish());
            let _ = std::hint::black_box(batch.rejected.finish());
        },
    );
    let n = lines.len() as f64;
    for (name, d) in [
        ("parse, keep nothing", floor),
        ("parse into serde_json::Value", value),
        ("decode (parse, validate, type)", decoded),
        ("decode, full check only (tree)", full),
        ("judge (decode, redact)", judged),
        ("judge_many, 1024 at a time, all cores", many),
        ("apply a verdict to a batch", applied),
        ("batch columns to Arrow", finished),
    ] {
        println!(
            "{name:<34} {:>8.2} µs/message {:>9.0} messages/s  {:>5.2}× the floor",
            d.as_secs_f64() * 1e6 / n,
            n / d.as_secs_f64(),
            d.as_secs_f64() / floor.as_secs_f64()
        );
    }
    Ok(())
}

/// Applies `verdicts` (of `lines`, in order) to a new batch, as the Kafka source does.
fn apply_all(
    lines: &[Vec<u8>],
    verdicts: Vec<stf_ingest::decode::Verdict>,
) -> stf_ingest::batch::Batch {
    use stf_ingest::pipeline::{apply, Message};
    use stf_ingest::position::{tables_of, Origin, StreamId, Watermarks};
    let stream = StreamId::kafka("bench", "support-plans", 0);
    let tables = tables_of(stf_schemas::event::EventKind::SupportPlan);
    let (watermarks, metrics) = (Watermarks::default(), stf_ingest::Metrics::default());
    let mut batch = stf_ingest::batch::Batch::default();
    let now = chrono::Utc::now();
    for (offset, (line, verdict)) in lines.iter().zip(verdicts).enumerate() {
        let origin = Origin::Kafka {
            topic: "support-plans".to_owned(),
            partition: 0,
            offset: offset as i64,
        };
        let msg = Message {
            stream: &stream,
            tables: &tables,
            origin,
            bytes: line,
        };
        apply(&mut batch, &watermarks, &metrics, msg, verdict, now);
    }
    batch
}

/// The best time of `runs` runs of `f`, each on a fresh input from `input` (not timed).
fn best_of_with<T>(runs: usize, input: impl Fn() -> T, mut f: impl FnMut(T)) -> Duration {
    (0..runs)
        .map(|_| {
            let x = input();
            let t = Instant::now();
            f(x);
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    best_of_with(runs, || (), |()| f())
}
