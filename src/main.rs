//! `stf`: one binary for every job of Shaping the Future Together. Each subcommand is a thin
//! shell over a library crate; this file only parses, sets up logging and maps errors to an
//! exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// jemalloc rather than the system allocator: the ingest allocates and frees a few small
/// values per event on several threads, and glibc's malloc took about 15% of its CPU (mimalloc
/// was slower than glibc's, and its peak RSS ~45 MiB higher).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::logging::init(&args.log);
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "Command failed.");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
