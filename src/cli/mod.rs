//! The command line: subcommands and their dispatch.

pub mod categorise;
pub mod demo;
pub mod generate;
pub mod ingest;
pub mod logging;
pub mod serve;
pub mod sql;
pub mod transform;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Shaping the Future Together: turns anonymised adult-social-care support plans into
/// commissioning intelligence — demand, gaps and spend by council and outcome.
#[derive(Debug, Parser)]
#[command(name = "stf", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub log: logging::LogArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate realistic synthetic support-plan and provider-service events.
    Generate(generate::GenerateArgs),
    /// Ingest events from Kafka (or NDJSON files) into the store, exactly once.
    Ingest(ingest::IngestArgs),
    /// Categorise desired-outcome statements (one per line on stdin) against the taxonomy.
    Categorise(categorise::CategoriseArgs),
    /// Build the derived tables and measures from the event tables (once, or with --watch).
    Transform(transform::TransformArgs),
    /// Run SQL over the store's tables (read-only), pinned to one publication: one query, or
    /// an interactive prompt.
    Sql(sql::SqlArgs),
    /// Serve the SQL API, the published aggregates and the dashboard over HTTP.
    Serve(serve::ServeArgs),
    /// Generate a realistic data set, ingest and transform it, and serve the dashboard: no
    /// Kafka needed.
    Demo(demo::DemoArgs),
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Generate(args) => runtime()?.block_on(generate::run(args))?,
        Command::Categorise(args) => categorise::run(args)?,
        Command::Ingest(args) => runtime()?.block_on(ingest::run(args))?,
        Command::Transform(args) => runtime()?.block_on(transform::run(args))?,
        Command::Sql(args) => return sql::run(args),
        Command::Serve(args) => runtime()?.block_on(serve::run(args))?,
        Command::Demo(args) => runtime()?.block_on(demo::run(args))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Resolves on SIGINT or SIGTERM: the graceful stop of every long-running command.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("Shutdown signal received; finishing the work in flight.");
}
