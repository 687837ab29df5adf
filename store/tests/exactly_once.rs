//! The store's exactly-once building blocks against a real Delta table on disk.

mod common;

use common::{rejected_batch, rejected_batch_on};
use stf_store::{AppTxn, Store, Table};

fn txn(version: i64) -> Vec<AppTxn> {
    vec![AppTxn {
        app_id: "g-support-plans-0".into(),
        version,
    }]
}

#[tokio::test]
async fn append_records_the_transaction_in_the_same_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(store.load(Table::RejectedEvents).await.unwrap().is_none());
    let table = store.load_or_create(Table::RejectedEvents).await.unwrap();
    assert_eq!(
        store
            .txn_version(&table, Table::RejectedEvents, "g-support-plans-0")
            .await
            .unwrap(),
        None
    );

    let (table, commit) = store
        .append(
            table,
            Table::RejectedEvents,
            vec![rejected_batch(0..10)],
            &txn(9),
        )
        .await
        .unwrap();
    assert_eq!(commit.rows, 10);
    assert_eq!(
        store
            .txn_version(&table, Table::RejectedEvents, "g-support-plans-0")
            .await
            .unwrap(),
        Some(9)
    );

    // A fresh reader sees the same position.
    let reopened = store.load(Table::RejectedEvents).await.unwrap().unwrap();
    assert_eq!(reopened.version(), table.version());
    assert_eq!(
        store
            .txn_version(&reopened, Table::RejectedEvents, "g-support-plans-0")
            .await
            .unwrap(),
        Some(9)
    );
}

#[tokio::test]
async fn a_stale_writer_loses_the_race_for_the_same_partition() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let base = store.load_or_create(Table::RejectedEvents).await.unwrap();
    let stale = store.load(Table::RejectedEvents).await.unwrap().unwrap();

    // Writer A commits offsets 0..10 of the partition.
    store
        .append(
            base,
            Table::RejectedEvents,
            vec![rejected_batch(0..10)],
            &txn(9),
        )
        .await
        .unwrap();
    // Writer B read the table before A committed and now commits the same partition.
    let err = store
        .append(
            stale,
            Table::RejectedEvents,
            vec![rejected_batch(0..20)],
            &txn(19),
        )
        .await
        .unwrap_err();
    assert!(err.is_concurrent_transaction(), "{err}");

    let now = store.load(Table::RejectedEvents).await.unwrap().unwrap();
    assert_eq!(
        store
            .txn_version(&now, Table::RejectedEvents, "g-support-plans-0")
            .await
            .unwrap(),
        Some(9)
    );
}

#[tokio::test]
async fn writers_of_different_partitions_both_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = store.load_or_create(Table::RejectedEvents).await.unwrap();
    let b = store.load(Table::RejectedEvents).await.unwrap().unwrap();
    store
        .append(
            a,
            Table::RejectedEvents,
            vec![rejected_batch(0..5)],
            &txn(4),
        )
        .await
        .unwrap();
    let other = vec![AppTxn {
        app_id: "g-support-plans-1".into(),
        version: 4,
    }];
    let (t, _) = store
        .append(b, Table::RejectedEvents, vec![rejected_batch(0..5)], &other)
        .await
        .unwrap();
    assert_eq!(
        store
            .txn_version(&t, Table::RejectedEvents, "g-support-plans-0")
            .await
            .unwrap(),
        Some(4)
    );
    assert_eq!(
        store
            .txn_version(&t, Table::RejectedEvents, "g-support-plans-1")
            .await
            .unwrap(),
        Some(4)
    );
}

#[tokio::test]
async fn a_commit_without_rows_still_moves_the_position() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let table = store.load_or_create(Table::RejectedEvents).await.unwrap();
    let before = table.version();
    let empty = rejected_batch(0..0);
    let (table, commit) = store
        .append(table, Table::RejectedEvents, vec![empty], &txn(41))
        .await
        .unwrap();
    assert_eq!(commit.rows, 0);
    assert!(table.version() > before);
    let reopened = store.load(Table::RejectedEvents).await.unwrap().unwrap();
    assert_eq!(
        store
            .txn_version(&reopened, Table::RejectedEvents, "g-support-plans-0")
            .await
            .unwrap(),
        Some(41)
    );
    assert_eq!(
        reopened.get_file_uris().unwrap().count(),
        0,
        "no data file for an empty commit"
    );
}

/// Not exactly-once, but the files every commit writes: a large commit is split into row
/// groups, so readers can scan it on every core.
#[tokio::test]
async fn a_large_commit_is_written_in_several_row_groups() {
    use deltalake::parquet::file::reader::{FileReader, SerializedFileReader};

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let table = store.load_or_create(Table::RejectedEvents).await.unwrap();
    let rows = 300_000;
    store
        .append(
            table,
            Table::RejectedEvents,
            vec![rejected_batch(0..rows)],
            &txn(rows - 1),
        )
        .await
        .unwrap();
    let mut files = Vec::new();
    let mut dirs = vec![dir.path().to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                files.push(path);
            }
        }
    }
    let groups: Vec<(usize, i64)> = files
        .iter()
        .flat_map(|f| {
            let reader = SerializedFileReader::new(std::fs::File::open(f).unwrap()).unwrap();
            let meta = reader.metadata().clone();
            (0..meta.num_row_groups())
                .map(|i| (i, meta.row_group(i).num_rows()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(groups.iter().map(|(_, n)| n).sum::<i64>(), rows);
    assert!(groups.len() >= 3, "row groups: {groups:?}");
    assert!(
        groups.iter().all(|(_, n)| *n <= 128 * 1024),
        "row groups: {groups:?}"
    );
}

/// A batch of one date goes to that date's partition as it is; a batch of several is split by
/// date. Either way every row is in the partition of its own date, and each file's `add`
/// action carries its partition value and statistics for readers to prune with.
#[tokio::test]
async fn rows_land_in_the_partition_of_their_date() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let table = store.load_or_create(Table::RejectedEvents).await.unwrap();
    let mixed = rejected_batch_on(0..4, vec![19_700, 19_701, 19_700, 19_701]);
    let single = rejected_batch_on(4..6, vec![19_702; 2]);
    let (_, commit) = store
        .append(table, Table::RejectedEvents, vec![mixed, single], &txn(5))
        .await
        .unwrap();
    assert_eq!(commit.rows, 6);

    let log = dir
        .path()
        .join("rejected_events/_delta_log")
        .join(format!("{:020}.json", commit.version));
    let mut by_date: Vec<(String, i64, Vec<i64>)> = Vec::new();
    for line in std::fs::read_to_string(log).unwrap().lines() {
        let action: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(add) = action.get("add") else {
            continue;
        };
        let date = add["partitionValues"]["rejected_date"]
            .as_str()
            .unwrap()
            .to_owned();
        let stats: serde_json::Value =
            serde_json::from_str(add["stats"].as_str().unwrap()).unwrap();
        let path = dir
            .path()
            .join("rejected_events")
            .join(add["path"].as_str().unwrap());
        assert!(
            path.to_string_lossy()
                .contains(&format!("rejected_date={date}/")),
            "{path:?} is in its partition's folder"
        );
        let offsets = source_offsets(&path);
        assert_eq!(stats["numRecords"], offsets.len());
        assert_eq!(stats["minValues"]["source_offset"], offsets[0]);
        by_date.push((date, stats["numRecords"].as_i64().unwrap(), offsets));
    }
    by_date.sort();
    assert_eq!(
        by_date,
        [
            ("2023-12-09".to_owned(), 2, vec![0, 2]),
            ("2023-12-10".to_owned(), 2, vec![1, 3]),
            ("2023-12-11".to_owned(), 2, vec![4, 5]),
        ]
    );
}

/// The `source_offset` column of a Parquet file, in file order.
fn source_offsets(path: &std::path::Path) -> Vec<i64> {
    use deltalake::arrow::array::AsArray;
    use deltalake::arrow::datatypes::Int64Type;
    use deltalake::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut offsets = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let column = batch.column_by_name("source_offset").unwrap();
        offsets.extend(column.as_primitive::<Int64Type>().values().iter().copied());
    }
    offsets
}
