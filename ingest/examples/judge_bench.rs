//! How much of judging a message is JSON parsing: times, on one core and side by side, a
//! parse that keeps nothing (the floor), a parse into `serde_json::Value`, and `judge`
//! (parse, validate, redact), over the first lines of an NDJSON file.
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
    let judged = best_of(3, || {
        for l in &lines {
            let _ = std::hint::black_box(stf_ingest::decode::judge(l));
        }
    });
    let n = lines.len() as f64;
    for (name, d) in [
        ("parse, keep nothing", floor),
        ("parse into serde_json::Value", value),
        ("decode (parse, validate, type)", decoded),
        ("judge (decode, redact)", judged),
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

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}
