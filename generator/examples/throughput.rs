//! Measures generation speed without I/O:
//! `cargo run --release -p stf-generator --example throughput -- [plans] [seed]`.

use std::time::Instant;

use stf_generator::{Generator, GeneratorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let plans = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let seed = args.next().map(|a| a.parse()).transpose()?.unwrap_or(42);
    let start = Instant::now();
    let mut generator = Generator::new(GeneratorConfig {
        plans,
        seed,
        ..Default::default()
    })?;
    let (mut messages, mut bytes, mut hash) = (0u64, 0u64, 0xcbf2_9ce4_8422_2325u64);
    for m in generator.by_ref() {
        messages += 1;
        bytes += m.payload.len() as u64 + 1;
        for b in m.payload.iter().step_by(7) {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{messages} messages, {:.1} MB in {secs:.2}s: {:.0} messages/s, {:.0} MB/s",
        bytes as f64 / 1e6,
        messages as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    eprintln!("{:?} checksum {hash:016x}", generator.stats());
    Ok(())
}
