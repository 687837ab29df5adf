//! Prints a few generated messages, one per line, to eyeball the data:
//! `cargo run -p stf-generator --example peek -- [plans] [seed] [bad_fraction]`.

use stf_generator::{Generator, GeneratorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let plans = args.next().map(|a| a.parse()).transpose()?.unwrap_or(20);
    let seed = args.next().map(|a| a.parse()).transpose()?.unwrap_or(42);
    let bad_fraction = args.next().map(|a| a.parse()).transpose()?.unwrap_or(0.0);
    let config = GeneratorConfig {
        plans,
        seed,
        bad_fraction,
        ..Default::default()
    };
    let mut generator = Generator::new(config)?;
    for message in generator.by_ref() {
        let text = String::from_utf8_lossy(&message.payload);
        let text: String = text.chars().take(2000).collect();
        let flags = match (message.broken, message.redelivery, message.late) {
            (Some(r), _, _) => format!("BAD {r}"),
            (None, true, _) => "DUP".to_owned(),
            (None, _, true) => "LATE".to_owned(),
            _ => String::new(),
        };
        println!("{flags}\t{text}");
    }
    eprintln!("{:?}", generator.stats());
    Ok(())
}
