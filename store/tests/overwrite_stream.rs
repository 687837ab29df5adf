//! Replacing a table from a stream of batches: written as they come, committed only when the
//! stream ends well.

use std::sync::Arc;

use deltalake::arrow::array::{ArrayRef, Int32Array, ListArray, RecordBatch, StringArray};
use deltalake::arrow::buffer::OffsetBuffer;
use deltalake::arrow::datatypes::{DataType, Field, Schema};
use deltalake::datafusion::error::DataFusionError;
use stf_store::{BatchStream, Store, Table};

/// `rows` rows of `outcomes`, its list of matched terms built with the item field named
/// `list_item` (Parquet readers call it `element`, Arrow writers `item`).
fn outcomes(rows: usize, list_item: &str) -> RecordBatch {
    let text = |s: &str| Arc::new(StringArray::from(vec![s; rows])) as ArrayRef;
    let item = Arc::new(Field::new(list_item, DataType::Utf8, false));
    let terms = ListArray::new(
        item.clone(),
        OffsetBuffer::from_lengths(vec![1; rows]),
        Arc::new(StringArray::from(vec!["swim"; rows])),
        None,
    );
    let table = Table::Outcomes.schema();
    let fields: Vec<Field> = table
        .fields()
        .iter()
        .map(|f| match f.name().as_str() {
            "matched_terms" => Field::new(f.name(), DataType::List(item.clone()), false),
            _ => f.as_ref().clone(),
        })
        .collect();
    let columns: Vec<ArrayRef> = vec![
        text("plan-1"),
        Arc::new(Int32Array::from(vec![0; rows])),
        text("I want to go swimming"),
        Arc::new(Int32Array::from(vec![Some(1); rows])),
        text("sport_and_fitness"),
        Arc::new(terms),
        text("2025.1"),
        text("pub-1"),
    ];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("a valid batch")
}

fn stream(items: Vec<Result<RecordBatch, DataFusionError>>) -> BatchStream {
    Box::pin(futures::stream::iter(items))
}

#[tokio::test]
async fn batches_are_written_in_the_tables_schema_and_replace_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let table = store.load_or_create(Table::Outcomes).await.unwrap();
    let batches = stream(vec![Ok(outcomes(3, "element")), Ok(outcomes(2, "item"))]);
    let (table, first) = store
        .overwrite_stream(table, Table::Outcomes, batches, Vec::new())
        .await
        .unwrap();
    assert_eq!((first.version, first.rows), (1, 5));
    let snapshot = table.snapshot().unwrap();
    let in_files: usize = snapshot
        .log_data()
        .iter()
        .filter_map(|f| f.num_records())
        .sum();
    assert_eq!(in_files, 5, "the files' own statistics hold every row");
    let (table, second) = store
        .overwrite_stream(table, Table::Outcomes, stream(vec![]), Vec::new())
        .await
        .unwrap();
    assert_eq!((second.version, second.rows), (2, 0));
    let files = table.snapshot().unwrap().log_data().num_files();
    assert_eq!(files, 0, "an empty stream leaves the table empty");
}

#[tokio::test]
async fn a_failed_stream_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let table = store.load_or_create(Table::Outcomes).await.unwrap();
    let failing = stream(vec![
        Ok(outcomes(3, "item")),
        Err(DataFusionError::Execution("the producer failed".into())),
    ]);
    let error = store
        .overwrite_stream(table, Table::Outcomes, failing, Vec::new())
        .await
        .expect_err("the failure reaches the caller");
    assert!(error.to_string().contains("the producer failed"), "{error}");
    let table = store.load(Table::Outcomes).await.unwrap().unwrap();
    assert_eq!(table.version(), Some(0), "nothing was committed");
}
