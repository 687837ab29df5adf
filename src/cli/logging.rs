//! Structured logs: human-readable text on a terminal, JSON lines for log shippers.

use clap::{Args, ValueEnum};
use tracing_subscriber::EnvFilter;

/// Our crates at `info`, everything else at `warn`.
pub const DEFAULT_FILTER: &str =
    "warn,stf=info,stf_ingest=info,stf_store=info,stf_transform=info,stf_query=info,stf_generator=info";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Log filter, e.g. `info` or `stf_ingest=debug,info`. The default keeps the libraries
    /// underneath (delta-rs, DataFusion, librdkafka) to warnings.
    #[arg(long = "log", global = true, env = "STF_LOG", default_value = DEFAULT_FILTER)]
    pub filter: String,

    /// Log format.
    #[arg(
        long,
        global = true,
        value_enum,
        env = "STF_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

/// Installs the global subscriber; logs go to stderr so stdout stays for data.
pub fn init(args: &LogArgs) {
    let filter =
        EnvFilter::try_new(&args.filter).unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}
