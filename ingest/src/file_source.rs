//! The file source, the embedded default for users without Kafka: NDJSON files (or a folder
//! of them, or stdin), one event per line, both kinds told apart by their `schema` field.
//!
//! Each file is a stream `file:<canonical path>` whose position is the line number, recorded
//! in the tables like a Kafka offset: running again on the same files adds nothing, and a file
//! that has grown is read from where the last run stopped. Stdin has no identity and so no
//! such guarantee across runs.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Utc;
use stf_schemas::tables::Table;
use stf_schemas::validate::{Rejection, MAX_MESSAGE_BYTES};

use crate::batch::{Batch, FlushPolicy};
use crate::decode::judge_many;
use crate::metrics::Metrics;
use crate::pipeline::{apply, Handled, Message};
use crate::position::{Origin, StreamId};
use crate::sink::{Pace, Sink};
use crate::Error;

/// The tables a file stream writes to: files hold both kinds of event.
const FILE_TABLES: [Table; 3] = [
    Table::PlanEvents,
    Table::ServiceEvents,
    Table::RejectedEvents,
];

/// What to read.
#[derive(Debug, Clone)]
pub struct FileSourceConfig {
    /// Files, folders (every `*.ndjson`/`*.jsonl`/`*.json` inside, in name order) or `-`.
    pub inputs: Vec<PathBuf>,
    /// Where dead-letter files go: `<dir>/<input name>.dlq.ndjson`.
    pub dead_letter_dir: PathBuf,
    pub flush: FlushPolicy,
}

/// Totals of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileSummary {
    pub files: usize,
    pub lines: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub replayed: u64,
}

/// Progress reported while reading: bytes of the current file read so far, and its size.
pub type ProgressFn<'a> = dyn FnMut(&Path, u64, u64) + 'a;

/// Every input file, folders expanded.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" || input.is_file() {
            files.push(input.clone());
            continue;
        }
        let entries = std::fs::read_dir(input).map_err(|source| Error::Input {
            path: input.clone(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("ndjson" | "jsonl" | "json")
                    )
            })
            .collect();
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// Reads every input through the pipeline into the sink, committing as the policy says and
/// once more at the end of each file.
pub async fn ingest_files(
    sink: &mut Sink,
    config: &FileSourceConfig,
    metrics: &Metrics,
    progress: &mut ProgressFn<'_>,
) -> Result<FileSummary, Error> {
    let mut summary = FileSummary::default();
    for path in expand_inputs(&config.inputs)? {
        ingest_one(sink, config, metrics, &path, &mut summary, progress).await?;
        summary.files += 1;
    }
    Ok(summary)
}

async fn ingest_one(
    sink: &mut Sink,
    config: &FileSourceConfig,
    metrics: &Metrics,
    path: &Path,
    summary: &mut FileSummary,
    progress: &mut ProgressFn<'_>,
) -> Result<(), Error> {
    let input_err = |source| Error::Input {
        path: path.to_owned(),
        source,
    };
    let stdin = path.as_os_str() == "-";
    let (name, reader, size): (String, Box<dyn Read>, u64) = if stdin {
        ("stdin".to_owned(), Box::new(std::io::stdin()), 0)
    } else {
        let canonical = path.canonicalize().map_err(input_err)?;
        let file = File::open(&canonical).map_err(input_err)?;
        let size = file.metadata().map_err(input_err)?.len();
        (canonical.display().to_string(), Box::new(file), size)
    };
    let stream = StreamId::file(&name);
    sink.refresh(&[(stream.clone(), FILE_TABLES.to_vec())])
        .await?;
    let resume = sink
        .watermarks()
        .resume_at(&FILE_TABLES, &stream)
        .unwrap_or(1);
    if resume > 1 {
        tracing::info!(file = %name, line = resume, "Resuming file after the lines the tables hold.");
    }
    let mut dead_letters = DeadLetterFile::new(&config.dead_letter_dir, path);
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut batch = Batch::default();
    let mut line_no: i64 = 0;
    let mut read_bytes: u64 = 0;
    let mut chunk: Vec<Line> = Vec::with_capacity(CHUNK_LINES);
    let mut eof = false;
    while !eof {
        chunk.clear();
        while chunk.len() < CHUNK_LINES {
            let mut bytes = Vec::new();
            let (n, oversize) = read_line_bounded(&mut reader, &mut bytes).map_err(input_err)?;
            if n == 0 {
                eof = true;
                break;
            }
            line_no += 1;
            read_bytes += n as u64;
            if line_no < resume || is_blank(&bytes) {
                continue;
            }
            chunk.push(Line {
                no: line_no,
                bytes,
                consumed: n,
                oversize,
            });
        }
        let messages: Vec<Option<&[u8]>> = chunk
            .iter()
            .map(|l| (!l.oversize).then(|| trim_line_end(&l.bytes)))
            .collect();
        let verdicts = judge_many(&messages);
        // One ingestion time for the chunk: the clock read once, not once a line.
        let now = Utc::now();
        for (line, verdict) in chunk.iter().zip(verdicts) {
            summary.lines += 1;
            let origin = Origin::File {
                path: name.clone(),
                line: line.no,
            };
            let handled = match verdict {
                None => {
                    let rejection = Rejection::oversize(line.consumed);
                    batch.advance(&stream, &FILE_TABLES, &origin, line.consumed);
                    if sink
                        .watermarks()
                        .holds(Table::RejectedEvents, &stream, line.no)
                    {
                        Handled::Replayed
                    } else {
                        metrics.rejected(rejection.reason);
                        batch.push_rejected(&rejection, &origin, now);
                        Handled::Rejected(rejection)
                    }
                }
                Some(verdict) => {
                    let msg = Message {
                        stream: &stream,
                        tables: &FILE_TABLES,
                        origin,
                        bytes: trim_line_end(&line.bytes),
                    };
                    apply(&mut batch, sink.watermarks(), metrics, msg, verdict, now)
                }
            };
            match handled {
                Handled::Accepted => summary.accepted += 1,
                Handled::Replayed => summary.replayed += 1,
                Handled::Rejected(r) => {
                    summary.rejected += 1;
                    dead_letters.push(&name, line.no, &r, trim_line_end(&line.bytes))?;
                }
            }
            if batch.is_due(&config.flush) {
                dead_letters.sync()?;
                let pace = if batch.is_full(&config.flush) {
                    Pace::Backlog
                } else {
                    Pace::Steady
                };
                flush(sink, std::mem::take(&mut batch), metrics, pace).await?;
                progress(path, read_bytes, size);
            }
        }
    }
    dead_letters.sync()?;
    if !batch.is_empty() {
        // The end of a file: the input's pace no longer presses.
        flush(sink, batch, metrics, Pace::Steady).await?;
    }
    progress(path, read_bytes, size);
    Ok(())
}

/// Lines judged together, on as many threads as there are cores.
const CHUNK_LINES: usize = 4096;

/// One non-blank line read, not yet judged.
struct Line {
    no: i64,
    /// The line as read (at most `MAX_MESSAGE_BYTES + 2` bytes of it).
    bytes: Vec<u8>,
    /// Bytes the whole line took in the input.
    consumed: usize,
    oversize: bool,
}

async fn flush(sink: &mut Sink, batch: Batch, metrics: &Metrics, pace: Pace) -> Result<(), Error> {
    let started = Instant::now();
    let report = sink.commit(batch).await?;
    for (table, rows) in &report.rows {
        metrics.written(table, *rows);
    }
    metrics.flushed(started.elapsed(), report.commits);
    sink.maintain_if_due(pace).await
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// Reads one line into `buf`, keeping at most `MAX_MESSAGE_BYTES + 1` bytes of it: a longer
/// line is consumed to its end but not held in memory. Returns the bytes consumed and
/// whether the line was over the limit.
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
) -> std::io::Result<(usize, bool)> {
    let limit = MAX_MESSAGE_BYTES + 2;
    let mut consumed = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok((consumed, buf.len() > MAX_MESSAGE_BYTES + 1));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let len = chunk.len();
        reader.consume(len);
        consumed += len;
        if done {
            let content = trim_line_end(buf).len();
            return Ok((consumed, content > MAX_MESSAGE_BYTES || buf.len() >= limit));
        }
    }
}

/// The dead-letter file of one input: one JSON object per rejected line, with the original
/// message in base64 (the one place the raw message is kept, outside the tables).
struct DeadLetterFile {
    path: PathBuf,
    file: Option<std::io::BufWriter<File>>,
}

impl DeadLetterFile {
    fn new(dir: &Path, input: &Path) -> Self {
        let stem = input
            .file_name()
            .map_or_else(|| "stdin".to_owned(), |n| n.to_string_lossy().into_owned());
        Self {
            path: dir.join(format!("{stem}.dlq.ndjson")),
            file: None,
        }
    }

    fn push(
        &mut self,
        source: &str,
        line: i64,
        r: &Rejection,
        original: &[u8],
    ) -> Result<(), Error> {
        use base64::Engine as _;
        let err = |source| Error::DeadLetterFile {
            path: self.path.clone(),
            source,
        };
        if self.file.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir).map_err(err)?;
            }
            let f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(err)?;
            self.file = Some(std::io::BufWriter::new(f));
        }
        let record = serde_json::json!({
            "source_file": source,
            "source_line": line,
            "reason": r.reason.code(),
            "detail": r.detail,
            "event_id": r.event_id,
            "message_base64": base64::engine::general_purpose::STANDARD.encode(original),
        });
        let file = self.file.as_mut().expect("opened above");
        serde_json::to_writer(&mut *file, &record).map_err(|e| err(e.into()))?;
        file.write_all(b"\n").map_err(err)?;
        Ok(())
    }

    /// Makes what was written durable before the commit that records the rejections.
    fn sync(&mut self) -> Result<(), Error> {
        if let Some(f) = self.file.as_mut() {
            let result = f.flush().and_then(|()| f.get_ref().sync_data());
            result.map_err(|source| Error::DeadLetterFile {
                path: self.path.clone(),
                source,
            })?;
        }
        Ok(())
    }
}
