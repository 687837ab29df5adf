//! Writing results: an aligned text table, CSV, JSON (an array of objects), Parquet or Arrow
//! IPC (stream format).

use std::io::Write;
use std::str::FromStr;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;

use crate::{Error, QueryOutput, Result};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned text table, for people.
    Table,
    /// CSV with a header line.
    Csv,
    /// A JSON array of objects, one per row.
    Json,
    /// One Parquet file (binary).
    Parquet,
    /// The Arrow IPC stream format (binary).
    ArrowIpc,
}

impl Format {
    /// The format's name, as [`FromStr`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Parquet => "parquet",
            Self::ArrowIpc => "arrow",
        }
    }

    /// The media type of the format, for HTTP.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Table => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Parquet => "application/vnd.apache.parquet",
            Self::ArrowIpc => "application/vnd.apache.arrow.stream",
        }
    }

    /// Whether the format is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Parquet | Self::ArrowIpc)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "table" => Ok(Self::Table),
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            "parquet" => Ok(Self::Parquet),
            "arrow" | "arrow-ipc" | "arrow_ipc" | "ipc" => Ok(Self::ArrowIpc),
            _ => Err(Error::UnknownFormat(s.to_owned())),
        }
    }
}

/// Writes a query's result to `out` in `format`.
pub fn write(output: &QueryOutput, format: Format, out: impl Write) -> Result<()> {
    write_batches(&output.schema, &output.batches, format, out)
}

/// Writes batches of `schema` to `out` in `format`. An empty result still carries its
/// columns (a header line, an empty table, a Parquet or IPC file with the schema).
pub fn write_batches(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: Format,
    mut out: impl Write,
) -> Result<()> {
    let failed = Error::write(format.name());
    match format {
        Format::Table => {
            let table =
                arrow::util::pretty::pretty_format_batches_with_schema(schema.clone(), batches)
                    .map_err(|e| failed(e.into()))?;
            writeln!(out, "{table}").map_err(|e| failed(e.into()))?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut out);
            if batches.is_empty() {
                writer
                    .write(&RecordBatch::new_empty(schema.clone()))
                    .map_err(|e| failed(e.into()))?;
            }
            for batch in batches {
                writer.write(batch).map_err(|e| failed(e.into()))?;
            }
        }
        Format::Json => {
            let mut writer = arrow::json::ArrayWriter::new(&mut out);
            for batch in batches {
                writer.write(batch).map_err(|e| failed(e.into()))?;
            }
            // `[]` for no rows.
            writer.finish().map_err(|e| failed(e.into()))?;
        }
        Format::Parquet => {
            // The Parquet writer needs a `Send` sink; a terminal's lock is not one.
            let mut buffer = Vec::new();
            let mut writer = ArrowWriter::try_new(&mut buffer, schema.clone(), None)
                .map_err(|e| failed(e.into()))?;
            for batch in batches {
                writer.write(batch).map_err(|e| failed(e.into()))?;
            }
            writer.close().map_err(|e| failed(e.into()))?;
            out.write_all(&buffer).map_err(|e| failed(e.into()))?;
        }
        Format::ArrowIpc => {
            let mut writer = arrow::ipc::writer::StreamWriter::try_new(&mut out, schema)
                .map_err(|e| failed(e.into()))?;
            for batch in batches {
                writer.write(batch).map_err(|e| failed(e.into()))?;
            }
            writer.finish().map_err(|e| failed(e.into()))?;
        }
    }
    out.flush().map_err(|e| failed(e.into()))?;
    Ok(())
}
