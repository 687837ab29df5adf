//! Incremental runs: what a run reads from the event tables.
//!
//! The rules of [`crate::current`] pick, per plan, a maximum (the current event), two minima
//! (the first `plan_agreed`, the first `plan_closed`) and per service a maximum — each over a
//! total order. A maximum over old and new events equals the maximum over *the old maximum*
//! and the new events, so a run needs, besides the events committed since the last
//! publication, only the few events that won last time: the **state** ([`Table::PlanState`],
//! [`Table::ServiceState`]), written with every publication and pinned by its manifest.
//!
//! "Committed since" is the set of data files in the event table's latest version that were
//! not in the version the last publication read. Ingest's compaction rewrites old events into
//! new files, so that set can hold events seen before: harmless, since the rules give the same
//! answer for a duplicated event (they are tested against duplicates), only slower.
//!
//! A run with no usable state (the first, or after the older log was cleaned away) reads every
//! event: a **full** run. The state does not depend on the taxonomy or the settings, so a new
//! taxonomy version re-categorises every current plan from the state without re-reading
//! history.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::prelude::SessionContext;
use stf_schemas::tables::Table;
use stf_store::{DeltaTable, Store};

use crate::publish::Manifest;
use crate::{session, Error, Result};

mod keep;

pub use keep::{service_state, write_plan_state};

/// How a run reads the event tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every event.
    Full,
    /// The last publication's state and the files committed since.
    Incremental {
        /// Data files of `plan_events` read this run.
        plan_files: usize,
        /// Data files of `service_events` read this run.
        service_files: usize,
    },
}

/// Registers `plan_events` and `service_events` for this run: in full, or as the state of
/// `last` plus the files committed since it, when `last` has a state this run can read.
pub async fn register_sources(
    ctx: &SessionContext,
    store: &Store,
    last: Option<&Manifest>,
    plan_events: &DeltaTable,
    service_events: &DeltaTable,
) -> Result<Mode> {
    if let Some(last) = last {
        match incremental(ctx, store, last, plan_events, service_events).await {
            Ok(mode) => return Ok(mode),
            Err(error) => tracing::warn!(
                error = %error,
                "Cannot read only the new events; reading them all."
            ),
        }
    }
    session::register_delta(ctx, Table::PlanEvents.name(), plan_events).await?;
    session::register_delta(ctx, Table::ServiceEvents.name(), service_events).await?;
    Ok(Mode::Full)
}

async fn incremental(
    ctx: &SessionContext,
    store: &Store,
    last: &Manifest,
    plan_events: &DeltaTable,
    service_events: &DeltaTable,
) -> Result<Mode> {
    let state_version = |table: Table| {
        last.tables.get(table.name()).copied().ok_or_else(|| {
            Error::Config(format!(
                "publication {} has no {} (made by an older version)",
                last.publication_id,
                table.name()
            ))
        })
    };
    let plan_state = store
        .load_version(Table::PlanState, state_version(Table::PlanState)?)
        .await?;
    let service_state = store
        .load_version(Table::ServiceState, state_version(Table::ServiceState)?)
        .await?;
    let plan_new = files_since(
        store,
        Table::PlanEvents,
        plan_events,
        last.sources.plan_events,
    )
    .await?;
    let service_new = files_since(
        store,
        Table::ServiceEvents,
        service_events,
        last.sources.service_events,
    )
    .await?;
    let mode = Mode::Incremental {
        plan_files: plan_new.len(),
        service_files: service_new.len(),
    };
    register_union(ctx, Table::PlanEvents, &plan_state, plan_events, plan_new).await?;
    register_union(
        ctx,
        Table::ServiceEvents,
        &service_state,
        service_events,
        service_new,
    )
    .await?;
    Ok(mode)
}

/// The data files of `latest` that the table did not hold at version `since`.
async fn files_since(
    store: &Store,
    table: Table,
    latest: &DeltaTable,
    since: u64,
) -> Result<Vec<String>> {
    let before = store.load_version(table, since).await?;
    let old: HashSet<String> = paths(table, &before)?.into_iter().collect();
    Ok(paths(table, latest)?
        .into_iter()
        .filter(|p| !old.contains(p))
        .collect())
}

fn paths(table: Table, delta: &DeltaTable) -> Result<Vec<String>> {
    let snapshot = delta.snapshot().map_err(|source| Error::Register {
        table: table.name(),
        source: Box::new(source),
    })?;
    Ok(snapshot
        .log_data()
        .into_iter()
        .map(|add| add.path().into_owned())
        .collect())
}

/// Registers `table`'s name as the state's events followed by the events in `new_files`.
async fn register_union(
    ctx: &SessionContext,
    table: Table,
    state: &DeltaTable,
    events: &DeltaTable,
    new_files: Vec<String>,
) -> Result<()> {
    let name = table.name();
    let state_name = format!("stf_state_{name}");
    let new_name = format!("stf_new_{name}");
    let register = |source| Error::Register {
        table: name,
        source: Box::new(source),
    };
    let columns = column_list(table);
    let mut sql = format!("SELECT {columns} FROM {state_name}");
    state
        .update_datafusion_session(&ctx.state())
        .map_err(register)?;
    let provider = state
        .table_provider()
        .with_session(Arc::new(ctx.state()))
        .await
        .map_err(Error::query("opening the transform state"))?;
    ctx.register_table(state_name.as_str(), provider)
        .map_err(Error::query("registering the transform state"))?;
    if !new_files.is_empty() {
        let provider = events
            .table_provider()
            .with_session(Arc::new(ctx.state()))
            .with_file_paths(new_files)
            .await
            .map_err(Error::query("opening the new event files"))?;
        ctx.register_table(new_name.as_str(), provider)
            .map_err(Error::query("registering the new event files"))?;
        sql.push_str(&format!(" UNION ALL SELECT {columns} FROM {new_name}"));
    }
    let view = ctx
        .sql(&sql)
        .await
        .map_err(Error::query("combining state and new events"))?
        .into_view();
    ctx.register_table(name, view)
        .map_err(Error::query("combining state and new events"))?;
    Ok(())
}

/// The table's columns, quoted, in schema order: the state and the event tables list them
/// alike (the Delta provider moves partition columns last, so `*` would not line up).
pub(crate) fn column_list(table: Table) -> String {
    table
        .schema()
        .fields()
        .iter()
        .map(|f| format!("\"{}\"", f.name()))
        .collect::<Vec<_>>()
        .join(", ")
}
