//! Throughput of the outcome categoriser on one core: builds a corpus of varied statements by
//! recombining phrase templates (with typos and text-speak mixed in), categorises all of it on
//! one thread and prints statements per second.
//!
//! `bench/categorise.sh` runs it in release mode. Arguments: `[statements] [rounds]`.

use std::collections::BTreeMap;
use std::time::Instant;

use stf_transform::categorise::Categoriser;

const OPENERS: &[&str] = &[
    "I want to",
    "I'd like to",
    "I would love to",
    "Mum wants to",
    "He would like to",
    "She hopes to",
    "I wanna",
    "Help me to",
    "I need support to",
    "We want him to",
    "My goal is to",
    "i want 2",
    "I really want to",
    "Dad would like to",
    "They want to",
    "In the next year I want to",
    "",
];

const ASKS: &[&str] = &[
    "go swimming",
    "get a job in a shop",
    "see my friends",
    "go to college",
    "learn to cook my own tea",
    "manage my money better",
    "get the bus into town",
    "go to the pub on a Friday",
    "stay in my own home",
    "feel less anxious",
    "do some volunteering",
    "join a walking group",
    "get a paid job",
    "move into my own flat",
    "use my phone to text",
    "go on holiday to the seaside",
    "look after my grandchildren",
    "have a shower every day",
    "be safe at night",
    "choose my own PA",
    "go to the gym",
    "play footy",
    "go to church",
    "do an art class",
    "go fishing at the lake",
    "get my medication sorted",
    "do my own shopping at Tesco",
    "have a break from caring",
    "go to the library",
    "see my mam more",
    "get out of the house",
    "learn to drive",
    "go to the cinema",
    "get a stairlift",
    "sort out my benefits",
    "go dancing",
    "get better at reading",
    "do an apprenticeship",
    "go to the cafe",
    "video call my brother",
    "have my own say",
    "keep my tenancy",
    "get washed and dressed",
    "lose some weight",
    "go to the day centre",
    "get travel training",
    "go bowling",
    "sing in a choir",
    "help out at the food bank",
    "go to the football with my son",
    "be a good dad",
    "pay my bills on time",
    "go on the computer",
    "have a pendant alarm",
    "make new friends",
    "do the hoovering",
    "go to the mosque",
    "get to my appointments",
    "go camping",
    "have a quiet life",
];

const TAILS: &[&str] = &[
    "",
    "",
    "",
    " with my mates",
    " on a Saturday",
    " every week",
    " by myself",
    " again",
    " because I get lonely",
    ", not the day centre",
    " but I need help with the bus",
    " like I used to",
    " when I feel better",
    " with my support worker",
    " in the summer",
    " and I don't want to go back to the day centre",
    " so I can be more independent",
    " near where I live",
    " with my sister",
    " if I can",
];

const CONTEXTS: &[&str] = &[
    "",
    "",
    "",
    "Since my stroke ",
    "Now I'm older, ",
    "When I leave school ",
    "After my divorce ",
    "Because of my anxiety ",
    "Now the kids have grown up ",
    "Since Dad died ",
];

/// A small deterministic generator (xorshift64*), so every run benchmarks the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Swaps two neighbouring letters of one longer word: the commonest typo.
fn typo(text: &str, rng: &mut Rng) -> String {
    let mut words: Vec<String> = text.split(' ').map(str::to_owned).collect();
    let long: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].len() >= 6 && words[i].is_ascii())
        .collect();
    if long.is_empty() {
        return text.to_owned();
    }
    let i = long[rng.below(long.len())];
    let mut bytes = words[i].clone().into_bytes();
    let at = 1 + rng.below(bytes.len() - 2);
    bytes.swap(at, at + 1);
    words[i] = String::from_utf8(bytes).unwrap_or_else(|_| words[i].clone());
    words.join(" ")
}

fn corpus(size: usize) -> Vec<String> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    (0..size)
        .map(|_| {
            let mut statement = format!(
                "{}{} {}{}",
                rng.pick(CONTEXTS),
                rng.pick(OPENERS),
                rng.pick(ASKS),
                rng.pick(TAILS)
            );
            if rng.below(3) == 0 {
                statement.push_str(" and ");
                statement.push_str(rng.pick(ASKS));
            }
            if rng.below(10) == 0 {
                statement = typo(&statement, &mut rng);
            }
            if rng.below(8) == 0 {
                statement = statement.to_uppercase();
            }
            statement.trim().to_owned()
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let size: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(300_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);

    let started = Instant::now();
    let categoriser = match Categoriser::current() {
        Ok(categoriser) => categoriser,
        Err(err) => {
            eprintln!("cannot build the categoriser: {err}");
            std::process::exit(1);
        }
    };
    let stats = categoriser.stats();
    println!(
        "taxonomy v{}: {} phrases, {} words, {} typo entries, built in {:.1} ms",
        categoriser.version(),
        stats.phrases,
        stats.words,
        stats.typo_entries,
        started.elapsed().as_secs_f64() * 1e3
    );

    let statements = corpus(size);
    let bytes: usize = statements.iter().map(String::len).sum();
    println!(
        "corpus: {} statements, {:.1} MB, mean {} bytes",
        statements.len(),
        bytes as f64 / 1e6,
        bytes / statements.len().max(1)
    );

    let mut best = f64::MAX;
    let mut labels: BTreeMap<&'static str, usize> = BTreeMap::new();
    for round in 0..rounds.max(1) {
        labels.clear();
        let started = Instant::now();
        for statement in &statements {
            let result = categoriser.categorise(statement);
            for category in &result.categories {
                *labels.entry(category.as_str()).or_default() += 1;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        best = best.min(seconds);
        println!(
            "round {}: {:.3} s, {:.0} statements/s",
            round + 1,
            seconds,
            statements.len() as f64 / seconds
        );
    }
    println!("labels assigned (last round):");
    for (id, count) in &labels {
        println!("  {id:<16} {count}");
    }
    println!(
        "best: {:.0} statements/s on one core ({:.2} µs each)",
        statements.len() as f64 / best,
        best * 1e6 / statements.len() as f64
    );
}
