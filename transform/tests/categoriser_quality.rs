//! Quality of the outcome categoriser on the development set (`tests/data/outcomes-dev.tsv`):
//! micro-averaged F1 over labels, `unclassified` counted as a label like the others.
//!
//! Run with `cargo test -p stf-transform --test categoriser_quality -- --nocapture` to see the
//! per-category table and the statements it gets wrong.

use std::collections::{BTreeSet, HashSet};

use stf_schemas::codes::{Category, CodeList};
use stf_schemas::taxonomy::Taxonomy;
use stf_transform::categorise::Categoriser;

const DEV_SET: &str = include_str!("data/outcomes-dev.tsv");
const MIN_MICRO_F1: f64 = 0.85;

/// One labelled statement.
struct Row {
    text: String,
    labels: BTreeSet<Category>,
}

fn dev_rows() -> Vec<Row> {
    DEV_SET
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (text, labels) = line.split_once('\t').expect("text<TAB>categories");
            let labels = labels
                .split(',')
                .map(|id| id.trim().parse::<Category>().expect("a category id"))
                .collect();
            Row {
                text: text.to_owned(),
                labels,
            }
        })
        .collect()
}

/// Label counts of one category.
#[derive(Default, Clone, Copy)]
struct Counts {
    true_positive: u32,
    false_positive: u32,
    false_negative: u32,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.true_positive += other.true_positive;
        self.false_positive += other.false_positive;
        self.false_negative += other.false_negative;
    }

    fn precision(self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_positive)
    }

    fn recall(self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_negative)
    }

    fn f1(self) -> f64 {
        ratio(
            2 * self.true_positive,
            2 * self.true_positive + self.false_positive + self.false_negative,
        )
    }
}

fn ratio(numerator: u32, denominator: u32) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        f64::from(numerator) / f64::from(denominator)
    }
}

#[test]
fn micro_f1_on_the_development_set() {
    let categoriser = Categoriser::current().expect("taxonomy v1 compiles");
    let rows = dev_rows();
    assert!(
        rows.len() >= 200,
        "the development set has {} rows",
        rows.len()
    );
    let mut counts = vec![Counts::default(); Category::ALL.len()];
    let mut wrong = Vec::new();
    for row in &rows {
        let result = categoriser.categorise(&row.text);
        let predicted: BTreeSet<Category> = result.categories.iter().copied().collect();
        for (i, category) in Category::ALL.iter().enumerate() {
            let (p, g) = (predicted.contains(category), row.labels.contains(category));
            counts[i].add(Counts {
                true_positive: u32::from(p && g),
                false_positive: u32::from(p && !g),
                false_negative: u32::from(!p && g),
            });
        }
        if predicted != row.labels {
            let ids = |set: &BTreeSet<Category>| {
                set.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
            };
            wrong.push(format!(
                "  want {:<40} got {:<40} {}",
                ids(&row.labels),
                ids(&predicted),
                row.text
            ));
        }
    }

    let mut total = Counts::default();
    println!(
        "{:<16} {:>5} {:>5} {:>5} {:>9} {:>9} {:>9}",
        "category", "tp", "fp", "fn", "precision", "recall", "f1"
    );
    for (category, c) in Category::ALL.iter().zip(&counts) {
        total.add(*c);
        println!(
            "{:<16} {:>5} {:>5} {:>5} {:>9.3} {:>9.3} {:>9.3}",
            category.as_str(),
            c.true_positive,
            c.false_positive,
            c.false_negative,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    let micro = total.f1();
    println!(
        "{:<16} {:>5} {:>5} {:>5} {:>9.3} {:>9.3} {:>9.3}",
        "micro",
        total.true_positive,
        total.false_positive,
        total.false_negative,
        total.precision(),
        total.recall(),
        micro
    );
    println!(
        "{} of {} statements exactly right; the others:",
        rows.len() - wrong.len(),
        rows.len()
    );
    for line in &wrong {
        println!("{line}");
    }
    assert!(
        micro >= MIN_MICRO_F1,
        "micro-F1 {micro:.3} is below {MIN_MICRO_F1}"
    );
}

/// Normalised words of `text`, clause breaks left out.
fn normalised(categoriser: &Categoriser, text: &str) -> String {
    categoriser
        .normalised(text)
        .split(' ')
        .filter(|w| *w != "|")
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lexicon must be written from knowledge of support plans, not from the statements it is
/// tested on: no development statement may be a lexicon entry, and no entry of five words or
/// more may be lifted from one. Entries with slots are templates (`see [my] {people}`), so they
/// are checked as written, not as every phrase they stand for.
#[test]
fn no_development_statement_is_a_lexicon_phrase() {
    let taxonomy = Taxonomy::current().expect("taxonomy v1 parses");
    let categoriser = Categoriser::new(&taxonomy).expect("taxonomy v1 compiles");
    let mut entries: HashSet<String> = HashSet::new();
    let written = taxonomy
        .categories
        .iter()
        .flat_map(|l| {
            l.terms
                .iter()
                .chain(&l.fixed)
                .chain(&l.negatable_terms)
                .chain(&l.weak)
        })
        .chain(taxonomy.frames.iter().flat_map(|f| &f.cues))
        .chain(&taxonomy.neutral);
    for term in written {
        entries.insert(normalised(&categoriser, term));
        if !term.contains('{') {
            for phrase in taxonomy.expand(term).expect("terms expand") {
                entries.insert(normalised(&categoriser, &phrase));
            }
        }
    }
    let long: Vec<&String> = entries
        .iter()
        .filter(|e| e.split(' ').count() >= 5)
        .collect();
    for row in dev_rows() {
        let statement = normalised(&categoriser, &row.text);
        assert!(
            !entries.contains(&statement),
            "development statement {:?} is a lexicon entry",
            row.text
        );
        let padded = format!(" {statement} ");
        for entry in &long {
            assert!(
                !padded.contains(&format!(" {entry} ")),
                "lexicon entry {entry:?} is lifted from development statement {:?}",
                row.text
            );
        }
    }
}

/// A term that is only a function word ("with", "to", "my") would fire on nearly every
/// statement; rewrites make this easy to do by accident ("wi" is read as "with").
#[test]
fn no_term_is_only_a_function_word() {
    const FUNCTION_WORDS: &[&str] = &[
        "i", "me", "my", "to", "with", "and", "for", "of", "in", "on", "at", "go", "get", "want",
        "like", "be", "have", "do", "help", "need", "you", "it", "so", "more", "out", "up", "can",
        "would", "some", "time", "day", "week", "people", "thing", "things", "make", "take",
    ];
    let categoriser = Categoriser::current().expect("taxonomy v1 compiles");
    let function: HashSet<String> = FUNCTION_WORDS
        .iter()
        .map(|word| categoriser.normalised(word))
        .collect();
    for (phrase, category) in categoriser.term_phrases() {
        assert!(
            !function.contains(phrase),
            "{category} term {phrase:?} is only a function word"
        );
    }
}

/// Prints the words of a system word list that the typo matcher would wrongly "correct" into a
/// lexicon word; these belong in `schemas/taxonomy/v1-known-words.txt`. Regenerate after
/// adding lexicon words:
///
/// ```text
/// cargo test -p stf-transform --test categoriser_quality -- --ignored --nocapture \
///     known_word_candidates
/// ```
#[test]
#[ignore = "reads a system word list (Debian's wbritish) to regenerate the known-words file"]
fn known_word_candidates() {
    let path = std::env::var("STF_WORD_LIST")
        .unwrap_or_else(|_| "/usr/share/dict/british-english".to_owned());
    let list = std::fs::read_to_string(&path).expect("a word list, one word a line");
    let taxonomy = Taxonomy::parse(stf_schemas::taxonomy::V1_TOML).expect("v1 parses");
    let categoriser = Categoriser::new(&taxonomy).expect("v1 compiles");
    let mut words: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|w| w.len() >= taxonomy.fuzzy.min_len && w.bytes().all(|b| b.is_ascii_lowercase()))
        .filter(|w| categoriser.correction(w).is_some())
        .collect();
    words.sort_unstable();
    words.dedup();
    println!("# Known words for taxonomy v1: real English words that are never typo-corrected.");
    println!("# Generated from {path} by the ignored test `known_word_candidates`.");
    for word in words {
        println!("{word}");
    }
}
