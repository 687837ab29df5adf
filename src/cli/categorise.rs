//! `stf categorise`: reads outcome statements, one a line, on standard input and writes each
//! with its taxonomy categories to standard output (TSV, or JSON lines with the evidence).
//!
//! The categoriser itself lives in `stf_transform::categorise`; this is only its command line.

use std::io::{self, BufRead, BufWriter, Write};

use anyhow::Context;
use stf_schemas::codes::Category;
use stf_transform::categorise::{Categorisation, Categoriser};

/// Output formats of `stf categorise`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `text<TAB>categories`, ids comma-separated and sorted.
    Tsv,
    /// One JSON object a line: text, categories, taxonomy_version and the matched terms.
    Json,
}

/// Categorise outcome statements read from standard input, one a line.
#[derive(Debug, clap::Args)]
pub struct CategoriseArgs {
    /// output format
    #[arg(long, value_enum, default_value = "tsv", env = "STF_FORMAT")]
    format: Format,
}

pub fn run(args: CategoriseArgs) -> anyhow::Result<()> {
    let categoriser = Categoriser::current().context("cannot build the categoriser")?;
    let stdin = io::stdin();
    let stdout = io::stdout();
    match categorise_lines(
        &categoriser,
        args.format,
        stdin.lock(),
        BufWriter::new(stdout.lock()),
    ) {
        // A closed pipe (`stf categorise | head`) is the reader's choice, not a failure.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot categorise standard input"),
    }
}

/// Categorises every line of `input` into `output`.
fn categorise_lines(
    categoriser: &Categoriser,
    format: Format,
    mut input: impl BufRead,
    mut output: impl Write,
) -> io::Result<()> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        let result = categoriser.categorise(text);
        match format {
            Format::Tsv => {
                let text = text.replace('\t', " ");
                writeln!(output, "{text}\t{}", result.ids())?;
            }
            Format::Json => {
                let json = serde_json::json!({
                    "text": text,
                    "categories": result.categories,
                    "taxonomy_version": categoriser.version(),
                    "terms": terms_by_category(&result),
                });
                serde_json::to_writer(&mut output, &json)?;
                output.write_all(b"\n")?;
            }
        }
    }
    output.flush()
}

/// Matched lexicon terms per category id, in order of position.
fn terms_by_category(result: &Categorisation) -> serde_json::Map<String, serde_json::Value> {
    result
        .categories
        .iter()
        .filter(|&&category| category != Category::Unclassified)
        .map(|&category| {
            let terms = result.terms_for(category);
            (category.as_str().to_owned(), serde_json::json!(terms))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(format: Format, input: &str) -> String {
        let categoriser = Categoriser::current().expect("taxonomy compiles");
        let mut output = Vec::new();
        categorise_lines(&categoriser, format, input.as_bytes(), &mut output).expect("runs");
        String::from_utf8(output).expect("utf-8")
    }

    #[test]
    fn tsv_has_one_line_per_statement() {
        let out = run_on(Format::Tsv, "go swimming with my mates\r\nsomething nice\n");
        assert_eq!(
            out,
            "go swimming with my mates\trelationships,sport_fitness\nsomething nice\tunclassified\n"
        );
    }

    #[test]
    fn json_carries_version_and_terms() {
        let out = run_on(Format::Json, "I want a job");
        let value: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
        assert_eq!(value["categories"], serde_json::json!(["employment"]));
        assert_eq!(value["taxonomy_version"], "1");
        assert_eq!(value["terms"]["employment"], serde_json::json!(["job"]));
    }
}
