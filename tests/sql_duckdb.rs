//! `stf sql` end to end: the commissioner query set of `bench/queries` through the real binary,
//! checked against DuckDB reading the same Parquet files; and the command line itself (SQL from
//! an argument or stdin, formats, refused statements, time travel with `--as-of`).

mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use util::{python, stf, Scratch};

/// A store with `plans` generated plans, ingested and transformed by the real binary.
struct TestStore {
    scratch: Scratch,
    store: PathBuf,
}

impl TestStore {
    fn new(plans: u32, seed: u32) -> Self {
        let scratch = Scratch::new();
        let store = scratch.path("store");
        let t = Self { scratch, store };
        t.add(plans, seed);
        t
    }

    /// Generates, ingests and transforms `plans` more plans: one new publication.
    fn add(&self, plans: u32, seed: u32) {
        let events = self.scratch.path(&format!("events-{seed}"));
        let (plans, seed) = (plans.to_string(), seed.to_string());
        stf(&[
            "generate",
            "--plans",
            &plans,
            "--seed",
            &seed,
            "--bad-fraction",
            "0.02",
            "--out",
            path(&events),
        ]);
        stf(&["ingest", "--input", path(&events), "--store", self.path()]);
        stf(&["transform", "--store", self.path()]);
    }

    fn path(&self) -> &str {
        path(&self.store)
    }

    /// Runs `stf sql --store STORE ARGS` with `stdin`, whatever its exit status.
    fn sql(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stf"))
            .args(["sql", "--store", self.path()])
            .args(args)
            .env("STF_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("stf runs");
        if let Some(text) = stdin {
            use std::io::Write;
            child
                .stdin
                .as_mut()
                .expect("piped stdin")
                .write_all(text.as_bytes())
                .expect("stdin takes the SQL");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("stf finishes")
    }

    /// The CSV `stf sql` prints for a query that must succeed.
    fn csv(&self, args: &[&str]) -> String {
        let out = self.sql(&[&["--format", "csv"], args].concat(), None);
        assert!(
            out.status.success(),
            "stf sql {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 CSV")
    }

    /// The one error line of a query that must fail.
    fn error(&self, args: &[&str]) -> String {
        let out = self.sql(args, None);
        assert!(!out.status.success(), "stf sql {args:?} succeeded");
        let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
        assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
        assert!(out.stdout.is_empty(), "printed results on failure");
        stderr.trim().to_owned()
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn query_set_agrees_with_duckdb() {
    let store = TestStore::new(3000, 21);
    let queries = PathBuf::from(util::manifest_dir()).join("bench/queries");
    let out = python(
        "check_queries.py",
        &[Path::new(env!("CARGO_BIN_EXE_stf")), &store.store, &queries],
    );
    assert!(out.starts_with("OK "), "{out}");
}

#[test]
fn sql_reads_argument_or_stdin_refuses_writes_and_travels_in_time() {
    let store = TestStore::new(1500, 31);
    let count = "SELECT count(*) AS n FROM plans";
    let first = store.csv(&[count]);
    assert!(first.starts_with("n\n"), "{first}");
    let first_n: u64 = first[2..].trim().parse().expect("a count");
    assert!(first_n > 0);

    // The same query from stdin.
    let piped = store.sql(&["--format", "csv"], Some(count));
    assert!(piped.status.success());
    assert_eq!(String::from_utf8_lossy(&piped.stdout), first);

    // JSON is an array of objects; Parquet a file with its magic bytes.
    let json = store.sql(&["--format", "json", count], None);
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert_eq!(rows[0]["n"].as_u64(), Some(first_n), "{rows}");
    let parquet = store.scratch.path("out.parquet");
    let out = store.sql(
        &[
            "--format",
            "parquet",
            "--output",
            path(&parquet),
            "SELECT * FROM demand",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&parquet).expect("the Parquet file");
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));

    // Refused and invalid statements: one clear line, a failing exit code.
    let refused = store.error(&["COPY plans TO '/tmp/stf-copy.csv'"]);
    assert!(refused.starts_with("error: refused: COPY"), "{refused}");
    let unknown = store.error(&["SELECT * FROM '/etc/passwd'"]);
    assert!(
        unknown.contains("/etc/passwd") && unknown.contains("not found"),
        "{unknown}"
    );
    let empty = store.error(&[]);
    assert!(empty.contains("no SQL"), "{empty}");
    let missing = store.error(&["--as-of", "no-such-publication", count]);
    assert!(missing.contains("unknown publication"), "{missing}");
    let empty_store = store.scratch.path("empty");
    std::fs::create_dir_all(&empty_store).expect("an empty folder");
    let unpublished = Command::new(env!("CARGO_BIN_EXE_stf"))
        .args(["sql", "--store", path(&empty_store), count])
        .output()
        .expect("stf runs");
    assert!(!unpublished.status.success());
    let unpublished = String::from_utf8_lossy(&unpublished.stderr);
    assert!(unpublished.contains("no publication yet"), "{unpublished}");

    // A new publication: the old one stays reachable by its id and answers as before.
    let id_sql = "SELECT DISTINCT publication_id FROM plans";
    let first_id = store
        .csv(&[id_sql])
        .lines()
        .nth(1)
        .expect("an id")
        .to_owned();
    store.add(400, 32);
    let second_id = store
        .csv(&[id_sql])
        .lines()
        .nth(1)
        .expect("an id")
        .to_owned();
    assert_ne!(first_id, second_id);
    assert_ne!(store.csv(&[count]), first, "new plans are counted");
    assert_eq!(store.csv(&["--as-of", &first_id, count]), first);
    assert_eq!(
        store.csv(&["--as-of", &first_id, id_sql]),
        format!("publication_id\n{first_id}\n")
    );
}
