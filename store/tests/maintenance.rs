//! Compaction against a real Delta table on disk: many small appended files of a partition
//! become one, no row is lost, and the compacted file is written to last (zstd) while
//! appends are written fast (LZ4).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::rejected_batch;
use parquet::basic::Compression;
use parquet::file::reader::{FileReader, SerializedFileReader};
use stf_store::{AppTxn, Maintenance, Store, Table};

/// The table's live data files, as paths on disk.
fn live_files(dir: &Path, table: &deltalake::DeltaTable) -> BTreeSet<PathBuf> {
    let snapshot = table.snapshot().expect("a snapshot");
    let root = dir.join(Table::RejectedEvents.name());
    snapshot
        .log_data()
        .iter()
        // Partition values here are dates: nothing in the paths is percent-encoded.
        .map(|f| root.join(f.path().as_ref()))
        .collect()
}

/// Every column chunk's compression in a Parquet file, each named once.
fn codecs(path: &Path) -> Vec<Compression> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = SerializedFileReader::new(file).expect("a Parquet file");
    let metadata = reader.metadata();
    metadata
        .row_groups()
        .iter()
        .flat_map(|rg| rg.columns().iter().map(|c| c.compression()))
        .fold(Vec::new(), |mut seen, c| {
            if !seen.contains(&c) {
                seen.push(c);
            }
            seen
        })
}

#[tokio::test]
async fn many_small_appends_are_compacted_to_one_lasting_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut table = store.load_or_create(Table::RejectedEvents).await.unwrap();
    let appends = 17;
    for i in 0..appends {
        let txn = [AppTxn {
            app_id: "g-support-plans-0".into(),
            version: i * 10 + 9,
        }];
        let batch = rejected_batch(i * 10..i * 10 + 10);
        (table, _) = store
            .append(table, Table::RejectedEvents, vec![batch], &txn)
            .await
            .unwrap();
    }
    let appended = live_files(dir.path(), &table);
    assert_eq!(appended.len(), appends as usize);
    for file in &appended {
        assert_eq!(codecs(file), [Compression::LZ4_RAW], "{file:?}");
    }

    let (table, report) = store
        .maintain(table, Table::RejectedEvents, Maintenance::default())
        .await
        .unwrap();
    assert_eq!(report.files_removed, appends as u64);
    assert_eq!(report.files_added, 1);
    assert!(report.checkpointed);
    let compacted = live_files(dir.path(), &table);
    assert_eq!(compacted.len(), 1);
    let file = compacted.iter().next().unwrap();
    let lasting = codecs(file);
    assert!(matches!(lasting[..], [Compression::ZSTD(_)]), "{lasting:?}");
    let rows: i64 = SerializedFileReader::new(std::fs::File::open(file).unwrap())
        .unwrap()
        .metadata()
        .file_metadata()
        .num_rows();
    assert_eq!(rows, appends * 10, "no row lost");
    // Compaction moves no position.
    assert_eq!(
        store
            .txn_version(&table, Table::RejectedEvents, "g-support-plans-0")
            .await
            .unwrap(),
        Some((appends - 1) * 10 + 9)
    );
}
