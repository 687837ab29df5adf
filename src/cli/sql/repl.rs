//! The interactive prompt of `stf sql`: line editing and history (rustyline), statements over
//! several lines ending at `;`, and a few backslash commands (`\d`, `\d TABLE`, `\q`).
//!
//! Before each statement the catalog moves to the latest publication (unless `--as-of` pinned
//! one), so a long session sees what transform publishes meanwhile. Ctrl-C cancels a running
//! query; Ctrl-D or `\q` leaves.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;
use stf_query::{Catalog, Format, Snapshot};

use super::{emit, snapshot, SqlArgs};

const PROMPT: &str = "stf> ";
const CONTINUATION: &str = "  -> ";
const HELP: &str = "End statements with ;   \\d lists tables   \\d TABLE describes one   \\q quits";

/// Runs the prompt until `\q` or end of input.
pub fn run(
    runtime: &tokio::runtime::Runtime,
    catalog: &Catalog,
    pinned: Option<&Arc<Snapshot>>,
    args: &SqlArgs,
) -> anyhow::Result<ExitCode> {
    let mut editor = DefaultEditor::new()?;
    let history = history_file();
    if let Some(path) = &history {
        // No history yet is fine.
        let _ = editor.load_history(path);
    }
    let first = snapshot(catalog, pinned);
    println!(
        "stf sql: publication {} of {}{}",
        first.publication_id(),
        catalog.store().root().display(),
        if pinned.is_some() {
            " (pinned by --as-of)"
        } else {
            ""
        }
    );
    println!("{HELP}");
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        if buffer.is_empty() && line.trim_start().starts_with('\\') {
            let _ = editor.add_history_entry(line.trim());
            match command(line.trim(), runtime, catalog, pinned, args) {
                Command::Quit => break,
                Command::Continue => continue,
            }
        }
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(&line);
        if !buffer.trim_end().ends_with(';') {
            continue;
        }
        let sql = std::mem::take(&mut buffer);
        let _ = editor.add_history_entry(sql.trim());
        execute(&sql, runtime, catalog, pinned, args);
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(ExitCode::SUCCESS)
}

enum Command {
    Quit,
    Continue,
}

fn command(
    line: &str,
    runtime: &tokio::runtime::Runtime,
    catalog: &Catalog,
    pinned: Option<&Arc<Snapshot>>,
    args: &SqlArgs,
) -> Command {
    let mut words = line.split_whitespace();
    match (words.next(), words.next()) {
        (Some("\\q"), _) => return Command::Quit,
        (Some("\\d"), None) => list_tables(&snapshot(catalog, pinned)),
        (Some("\\d"), Some(table)) => {
            // DESCRIBE goes through the same guard as any query; quoting keeps the name a name.
            let table = table.trim_end_matches(';');
            let sql = format!("DESCRIBE \"{}\"", table.replace('"', "\"\""));
            execute(&sql, runtime, catalog, pinned, args);
        }
        _ => println!("{HELP}"),
    }
    Command::Continue
}

/// Prints every table with the version it is pinned at and its column count.
fn list_tables(snapshot: &Snapshot) {
    println!("{:<18} {:>8} {:>8}", "table", "version", "columns");
    for ((name, schema), (_, version)) in snapshot.tables().iter().zip(snapshot.table_versions()) {
        let version = version.map_or_else(|| "none".to_owned(), |v| v.to_string());
        println!("{name:<18} {version:>8} {:>8}", schema.fields().len());
    }
}

/// Runs one statement and prints its result, or its error on one line; Ctrl-C cancels it.
fn execute(
    sql: &str,
    runtime: &tokio::runtime::Runtime,
    catalog: &Catalog,
    pinned: Option<&Arc<Snapshot>>,
    args: &SqlArgs,
) {
    let outcome = runtime.block_on(async {
        if pinned.is_none() {
            if let Err(e) = catalog.refresh().await {
                eprintln!("warning: cannot look for a newer publication: {e}");
            }
        }
        let snapshot = snapshot(catalog, pinned);
        tokio::select! {
            result = snapshot.query(sql) => Some(result),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    match outcome {
        None => eprintln!("cancelled"),
        Some(Err(e)) => eprintln!("error: {e}"),
        Some(Ok(output)) => {
            // Binary formats make no sense at a prompt; show those results as a table.
            let args = SqlArgs {
                format: if args.format.is_binary() && args.output.is_none() {
                    Format::Table
                } else {
                    args.format
                },
                ..args.clone()
            };
            if let Err(e) = emit(&output, &args) {
                eprintln!("error: {e:#}");
            }
        }
    }
}

/// `$STF_SQL_HISTORY`, else `~/.stf_sql_history`.
fn history_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STF_SQL_HISTORY") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".stf_sql_history"))
}
