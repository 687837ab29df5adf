//! The catalog against a real store: every table registered and pinned to one publication,
//! refresh and time travel, the read-only guard, runaway queries and the result caps.

mod common;

use std::time::{Duration, Instant};

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::Int64Type;
use common::TestStore;
use stf_query::{Catalog, Error, Format, Limits, Snapshot};
use stf_schemas::tables::Table;

/// The single Int64 value a query returns.
async fn scalar(snapshot: &Snapshot, sql: &str) -> i64 {
    let out = snapshot
        .query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(out.rows, 1, "{sql}");
    out.batches[0]
        .column(0)
        .as_primitive::<Int64Type>()
        .value(0)
}

/// The distinct publication ids found in every derived table of a snapshot.
async fn publication_ids(snapshot: &Snapshot) -> Vec<String> {
    let derived = [
        "plans",
        "outcomes",
        "planned_support",
        "services",
        "demand",
        "gap",
        "demand_monthly",
        "mainstream_share",
        "pooling",
    ];
    let sql = derived
        .iter()
        .map(|t| format!("SELECT publication_id FROM {t}"))
        .collect::<Vec<_>>()
        .join(" UNION ");
    let out = snapshot.query(&sql).await.expect("ids query runs");
    let mut ids: Vec<String> = out
        .batches
        .iter()
        .flat_map(|b| {
            b.column(0)
                .as_string::<i32>()
                .iter()
                .flatten()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    ids.sort();
    ids
}

const PLANS: &str = "SELECT count(*) FROM plans";
const PEOPLE: &str = "SELECT CAST(sum(people) AS BIGINT) FROM demand";

#[tokio::test]
async fn a_snapshot_stays_on_its_publication_until_refresh_and_as_of_travels_back() {
    let store = TestStore::new(600, 1).await.expect("a store");
    let catalog = Catalog::open(store.store.clone(), Limits::default())
        .await
        .expect("catalog opens");
    let old = catalog.current();
    let old_id = old.publication_id().to_owned();

    // Every table of measures.md is there, and every derived table is of this publication.
    for table in Table::ALL {
        scalar(&old, &format!("SELECT count(*) FROM {}", table.name())).await;
    }
    assert!(scalar(&old, "SELECT count(*) FROM rejected_events").await > 0);
    assert_eq!(publication_ids(&old).await, vec![old_id.clone()]);
    let (old_plans, old_people) = (scalar(&old, PLANS).await, scalar(&old, PEOPLE).await);
    assert!(old_plans > 0 && old_people > 0);
    assert_eq!(catalog.refresh().await.expect("refresh").map(|_| ()), None);

    // Transform publishes again: the catalog and old snapshots stay where they were.
    let new_id = store.add(300, 2).await.expect("a second publication");
    assert_ne!(new_id, old_id);
    assert_eq!(catalog.current().publication_id(), old_id);
    assert_eq!(scalar(&catalog.current(), PLANS).await, old_plans);

    // Refresh moves to the new one; the old snapshot still answers as before.
    let new = catalog
        .refresh()
        .await
        .expect("refresh")
        .expect("a newer publication");
    assert_eq!(new.publication_id(), new_id);
    assert_eq!(catalog.current().publication_id(), new_id);
    assert!(scalar(&new, PLANS).await > old_plans);
    assert_eq!(publication_ids(&new).await, vec![new_id.clone()]);
    assert_eq!(scalar(&old, PLANS).await, old_plans);
    assert!(catalog.refresh().await.expect("refresh").is_none());

    // Time travel reproduces the old publication exactly, event tables included.
    let back = catalog.as_of(&old_id).await.expect("the old publication");
    assert_eq!(back.publication_id(), old_id);
    assert_eq!(back.table_versions(), old.table_versions());
    assert_eq!(scalar(&back, PLANS).await, old_plans);
    assert_eq!(scalar(&back, PEOPLE).await, old_people);
    assert_eq!(publication_ids(&back).await, vec![old_id.clone()]);
    assert_eq!(
        scalar(&back, "SELECT count(*) FROM plan_events").await,
        scalar(&old, "SELECT count(*) FROM plan_events").await
    );
    let unknown = catalog.as_of("20990101T000000.000000Z-p1-s1").await;
    assert!(
        matches!(&unknown, Err(e @ Error::UnknownPublication { .. }) if e.is_client_error()),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn only_reads_are_allowed() {
    let store = TestStore::new(200, 3).await.expect("a store");
    let catalog = Catalog::open(store.store.clone(), Limits::default())
        .await
        .expect("catalog opens");
    let snapshot = catalog.current();
    let target = tempfile::tempdir().expect("a temp dir");
    let copy_to = target.path().join("copy.csv");
    let refused = [
        format!("COPY plans TO '{}'", copy_to.display()),
        format!(
            "COPY (SELECT * FROM plans) TO '{}' STORED AS CSV",
            copy_to.display()
        ),
        "CREATE EXTERNAL TABLE pw (line VARCHAR) STORED AS CSV LOCATION '/etc/passwd'".into(),
        "INSERT INTO pooling SELECT * FROM pooling".into(),
        "SET datafusion.execution.target_partitions = 64".into(),
        "CREATE VIEW v AS SELECT * FROM plans".into(),
        "CREATE TABLE t AS SELECT * FROM plans".into(),
        "DROP TABLE plans".into(),
        "DELETE FROM plans".into(),
        "UPDATE plans SET active = false".into(),
        "EXPLAIN COPY plans TO '/tmp/x.csv'".into(),
    ];
    for sql in &refused {
        match snapshot.query(sql).await {
            Err(e @ Error::Refused { .. }) => {
                assert!(e.is_client_error());
                assert!(e.to_string().contains("read-only"), "{e}");
            }
            other => panic!("{sql} was not refused: {other:?}"),
        }
    }
    assert!(!copy_to.exists(), "COPY wrote a file");

    // Files by path are unknown tables: URL tables are never enabled.
    let passwd = snapshot.query("SELECT * FROM '/etc/passwd'").await;
    match passwd {
        Err(e @ Error::InvalidQuery { .. }) => {
            assert!(e.is_client_error());
            let message = e.to_string();
            assert!(
                message.contains("/etc/passwd") && message.contains("not found"),
                "{e}"
            );
        }
        other => panic!("a file was read: {other:?}"),
    }
    // Two statements at once, and plain bad SQL, are client errors too.
    for sql in [
        "SELECT 1; DROP TABLE plans",
        "SELEC 1",
        "SELECT no_such_column FROM plans",
    ] {
        let e = snapshot.query(sql).await.expect_err(sql);
        assert!(e.is_client_error(), "{sql}: {e:?}");
    }
    // Nothing changed; and the reads that look like statements still work.
    assert!(scalar(&snapshot, PLANS).await > 0);
    for sql in [
        "EXPLAIN SELECT count(*) FROM plans",
        "DESCRIBE plans",
        "SHOW TABLES",
    ] {
        let out = snapshot
            .query(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(out.rows > 0, "{sql}");
    }
}

#[tokio::test]
async fn runaway_queries_are_stopped_and_others_keep_running() {
    let store = TestStore::new(300, 4).await.expect("a store");
    let limits = Limits {
        memory_bytes: 16 << 20,
        timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let catalog = Catalog::open(store.store.clone(), limits)
        .await
        .expect("catalog opens");
    let snapshot = catalog.current();

    // Too long: billions of rows to count.
    let started = Instant::now();
    let bomb = snapshot
        .query("SELECT sum(a.priority + b.priority + c.priority) FROM outcomes a, outcomes b, outcomes c")
        .await;
    assert!(
        matches!(
            bomb,
            Err(Error::Timeout { .. } | Error::ResourcesExhausted { .. })
        ),
        "{bomb:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    // Too long, and sorted: a top-k over a cross join must still hear its timeout.
    let started = Instant::now();
    let sorted = snapshot
        .query(
            "SELECT a.text, b.text, c.text FROM outcomes a, outcomes b, outcomes c \
             ORDER BY 1 DESC, 2 DESC, 3 DESC LIMIT 5",
        )
        .await;
    assert!(matches!(sorted, Err(Error::Timeout { .. })), "{sorted:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    // Too big: every pair of outcome texts, grouped, needs far more than 16 MiB.
    let greedy = "SELECT t, count(*) FROM \
                  (SELECT a.text || b.text AS t FROM outcomes a, outcomes b) GROUP BY t";
    let (bomb, normal) = tokio::join!(snapshot.query(greedy), snapshot.query(PLANS));
    match bomb {
        Err(e @ Error::ResourcesExhausted { .. }) => {
            assert!(!e.is_client_error());
            assert!(e.to_string().contains("16 MiB"), "{e}");
        }
        other => panic!("the memory bomb was not stopped for memory: {other:?}"),
    }
    // The query beside it, and the next one, are unharmed.
    assert!(normal.expect("the query beside the bomb runs").rows == 1);
    assert!(scalar(&snapshot, PLANS).await > 0);
}

#[tokio::test]
async fn results_are_capped_and_written_in_every_format() {
    let store = TestStore::new(200, 5).await.expect("a store");
    let limits = Limits {
        max_rows: 10,
        ..Limits::default()
    };
    let catalog = Catalog::open(store.store.clone(), limits)
        .await
        .expect("catalog opens");
    let snapshot = catalog.current();

    let capped = snapshot
        .query("SELECT * FROM outcomes")
        .await
        .expect("runs");
    assert_eq!((capped.rows, capped.truncated), (10, true));
    let sorted = snapshot
        .query("SELECT plan_id FROM outcomes ORDER BY plan_id DESC")
        .await
        .expect("runs");
    assert_eq!((sorted.rows, sorted.truncated), (10, true));
    let exact = snapshot
        .query("SELECT * FROM outcomes LIMIT 10")
        .await
        .expect("runs");
    assert_eq!((exact.rows, exact.truncated), (10, false));

    let output = snapshot
        .query(
            "SELECT category, CAST(sum(people) AS BIGINT) AS people FROM demand \
             GROUP BY category ORDER BY category LIMIT 5",
        )
        .await
        .expect("runs");
    assert_eq!((output.rows, output.truncated), (5, false));

    let mut csv = Vec::new();
    stf_query::write(&output, Format::Csv, &mut csv).expect("csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    assert_eq!(csv.lines().next(), Some("category,people"));
    assert_eq!(csv.lines().count(), output.rows + 1);

    let mut json = Vec::new();
    stf_query::write(&output, "json".parse().expect("a format"), &mut json).expect("json");
    let json: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(output.rows));
    assert!(
        json[0]["category"].is_string() && json[0]["people"].is_i64(),
        "{json}"
    );

    let mut table = Vec::new();
    stf_query::write(&output, Format::Table, &mut table).expect("table");
    let table = String::from_utf8(table).expect("utf-8");
    assert!(
        table.starts_with("+--") && table.contains("| category"),
        "{table}"
    );

    let mut ipc = Vec::new();
    stf_query::write(&output, Format::ArrowIpc, &mut ipc).expect("ipc");
    let reader = arrow::ipc::reader::StreamReader::try_new(ipc.as_slice(), None).expect("ipc");
    let back: Vec<RecordBatch> = reader.collect::<Result<_, _>>().expect("batches");
    assert_eq!(
        back.iter().map(RecordBatch::num_rows).sum::<usize>(),
        output.rows
    );

    let mut parquet = Vec::new();
    stf_query::write(&output, Format::Parquet, &mut parquet).expect("parquet");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(parquet),
    )
    .expect("a Parquet file")
    .build()
    .expect("a reader");
    let rows: usize = reader.map(|b| b.expect("a batch").num_rows()).sum();
    assert_eq!(rows, output.rows);

    // An empty result keeps its columns.
    let empty = snapshot
        .query("SELECT plan_id FROM plans WHERE false")
        .await
        .expect("runs");
    let mut csv = Vec::new();
    stf_query::write(&empty, Format::Csv, &mut csv).expect("csv");
    assert_eq!(String::from_utf8_lossy(&csv).trim(), "plan_id");
    assert!(
        matches!("xml".parse::<Format>(), Err(e @ Error::UnknownFormat(_)) if e.is_client_error())
    );
}
