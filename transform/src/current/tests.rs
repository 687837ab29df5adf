//! The current-plan rule through the real query and row building: any arrival order, with
//! any events delivered twice, gives the same `plans`, `outcomes` and `planned_support` as a
//! plain reference implementation of events.md.

use std::sync::{Arc, OnceLock};

use arrow::array::RecordBatch;
use arrow::json::reader::ReaderBuilder;
use arrow::json::writer::{JsonArray, Writer};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use proptest::prelude::*;
use serde_json::{json, Value};
use stf_schemas::tables::Table;

use crate::categorise::Categoriser;
use futures::TryStreamExt;

use crate::rows::{add_plans, Cache, PlanWriters};

const DAY_MICROS: i64 = 86_400_000_000;

fn categoriser() -> &'static Categoriser {
    static CATEGORISER: OnceLock<Categoriser> = OnceLock::new();
    CATEGORISER.get_or_init(|| Categoriser::current().expect("the embedded taxonomy is valid"))
}

/// One event of the test's plans: just what the rule looks at, and content to tell events
/// apart by.
#[derive(Debug, Clone)]
struct Ev {
    plan: usize,
    event_id: String,
    kind: &'static str,
    day: i64,
    version: i64,
}

impl Ev {
    fn row(&self) -> Value {
        let closed = self.kind == "plan_closed";
        json!({
            "event_id": self.event_id,
            "event_type": self.kind,
            "occurred_at": self.day * DAY_MICROS,
            "event_date": self.day,
            "event_month": month_start(self.day),
            "plan_id": format!("plan-{:04}", self.plan),
            "plan_version": self.version,
            "local_authority": "E08000001",
            "locality": "BL1",
            "age_band": "25-44",
            "cohort": "new_entrant",
            "primary_support_reason": "learning_disability",
            "ethnicity_group": null,
            // The content tells which event won: the budget is the event's id number.
            "annual_budget_gbp": self.event_id[2..].parse::<f64>().expect("ids are ev<n>"),
            "delivery_mechanism": "direct_payment",
            "desired_outcomes": [
                {"text": format!("I want to go swimming ({})", self.event_id), "priority": 1},
                {"text": "see my friends and get a job", "priority": null}
            ],
            "planned_support": [{
                "description": format!("PA support ({})", self.event_id),
                "service_type": "personal_assistant",
                "provider_kind": "personal_assistant",
                "hours_per_week": 6.0,
                "annual_cost_gbp": 4000.5,
                "arranged": self.version % 2 == 0
            }],
            "closure_reason": if closed { Some("moved_area") } else { None },
            "redactions": 0,
            "ingested_at": 0
        })
    }
}

fn batch(events: &[Ev]) -> RecordBatch {
    let rows: Vec<Value> = events.iter().map(Ev::row).collect();
    let mut decoder = ReaderBuilder::new(Table::PlanEvents.schema())
        .build_decoder()
        .expect("the plan_events schema is readable");
    decoder.serialize(&rows).expect("rows match the schema");
    decoder
        .flush()
        .expect("rows decode")
        .unwrap_or_else(|| RecordBatch::new_empty(Table::PlanEvents.schema()))
}

/// Runs the real selection and row building over `parts` (batches in arrival order).
async fn derive(parts: Vec<Vec<Ev>>) -> (Vec<String>, Vec<String>, Vec<String>) {
    let ctx = SessionContext::new();
    let batches: Vec<Vec<RecordBatch>> = parts.iter().map(|p| vec![batch(p)]).collect();
    let table = MemTable::try_new(Table::PlanEvents.schema(), batches).expect("a table");
    ctx.register_table("plan_events", Arc::new(table))
        .expect("registered");
    let (mut sink, outcomes, planned_support) = PlanWriters::new();
    let mut cache = Cache::new(categoriser());
    let stream = super::plans(&ctx).await.expect("the query runs");
    let produce = async {
        add_plans(&mut sink, stream, &mut cache, "test").await?;
        Ok::<_, crate::Error>(sink.finish())
    };
    let collect = |s: stf_store::BatchStream| async move {
        s.try_collect::<Vec<_>>()
            .await
            .map_err(|e| crate::Error::Config(e.to_string()))
    };
    let (plans, outcomes, planned_support) =
        tokio::try_join!(produce, collect(outcomes), collect(planned_support)).expect("rows build");
    (lines(&plans), lines(&outcomes), lines(&planned_support))
}

/// Rows as sorted JSON lines.
fn lines(batches: &[RecordBatch]) -> Vec<String> {
    let mut writer = Writer::<_, JsonArray>::new(Vec::new());
    let refs: Vec<&RecordBatch> = batches.iter().collect();
    writer.write_batches(&refs).expect("writes");
    writer.finish().expect("finishes");
    let text = String::from_utf8(writer.into_inner()).expect("utf-8");
    let values: Vec<Value> = if text.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&text).expect("a JSON array")
    };
    let mut out: Vec<String> = values.iter().map(Value::to_string).collect();
    out.sort();
    out
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// What events.md says the plan looks like: (version, budget of the winning event, active,
/// agreed day, closed day).
fn reference(events: &[Ev], plan: usize) -> (i64, f64, bool, Option<i64>, Option<i64>) {
    let mine: Vec<&Ev> = events.iter().filter(|e| e.plan == plan).collect();
    let winner = mine
        .iter()
        .max_by(|a, b| (a.version, a.day, &a.event_id).cmp(&(b.version, b.day, &b.event_id)))
        .expect("the plan has events");
    let agreed = mine
        .iter()
        .filter(|e| e.kind == "plan_agreed")
        .map(|e| e.day)
        .min();
    let closed = mine
        .iter()
        .filter(|e| e.kind == "plan_closed")
        .map(|e| e.day)
        .min();
    let budget: f64 = winner.event_id[2..].parse().expect("ids are ev<n>");
    (
        winner.version,
        budget,
        agreed.is_some() && closed.is_none(),
        agreed,
        closed,
    )
}

/// Events of up to four plans, with versions, days and ids that often tie.
fn events() -> impl Strategy<Value = Vec<Ev>> {
    let kinds = prop::sample::select(vec![
        "plan_agreed",
        "plan_revised",
        "plan_reviewed",
        "plan_closed",
    ]);
    prop::collection::vec((0usize..4, kinds, 0i64..4, 1i64..4), 1..24).prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (plan, kind, day, version))| Ev {
                plan,
                // Ids whose order is unrelated to anything else ("ev10" < "ev9").
                event_id: format!("ev{}", (i * 7919) % 1000),
                kind,
                day,
                version,
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_arrival_order_and_duplicates_give_the_same_plans(
        events in events(),
        order in any::<prop::sample::Index>(),
        duplicates in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let baseline = run(derive(vec![events.clone()]));

        // Redeliver some events, shuffle everything, and split it into batches.
        let mut arrived = events.clone();
        for d in &duplicates {
            arrived.push(events[d.index(events.len())].clone());
        }
        let mut seed = order.index(usize::MAX) as u64 | 1;
        for i in (1..arrived.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            arrived.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(arrived.len() + 1)).collect();
        bounds.push(0);
        bounds.push(arrived.len());
        bounds.sort_unstable();
        let parts: Vec<Vec<Ev>> = bounds.windows(2).map(|w| arrived[w[0]..w[1]].to_vec()).collect();
        let shuffled = run(derive(parts));
        prop_assert_eq!(&shuffled, &baseline);

        // And it is what events.md says.
        let mut plans: Vec<usize> = events.iter().map(|e| e.plan).collect();
        plans.sort_unstable();
        plans.dedup();
        prop_assert_eq!(baseline.0.len(), plans.len());
        for line in &baseline.0 {
            let row: Value = serde_json::from_str(line).expect("json");
            let plan: usize = row["plan_id"].as_str().and_then(|id| id[5..].parse().ok())
                .expect("ids are plan-<n>");
            prop_assert!(plans.contains(&plan));
            let (version, budget, active, agreed, closed) = reference(&events, plan);
            prop_assert_eq!(row["plan_version"].as_i64(), Some(version));
            let got_budget: f64 = row["annual_budget_gbp"].as_str().and_then(|s| s.parse().ok())
                .or_else(|| row["annual_budget_gbp"].as_f64()).expect("a budget");
            prop_assert_eq!(got_budget, budget);
            prop_assert_eq!(row["active"].as_bool(), Some(active));
            prop_assert_eq!(row.get("agreed_at").is_some_and(|v| !v.is_null()), agreed.is_some());
            prop_assert_eq!(row.get("closed_at").is_some_and(|v| !v.is_null()), closed.is_some());
            prop_assert_eq!(
                row.get("closure_reason").and_then(Value::as_str),
                closed.map(|_| "moved_area")
            );
        }
        // Two outcomes and one item per plan, whichever event won.
        prop_assert_eq!(baseline.2.len(), plans.len());
        prop_assert!(baseline.1.len() >= 2 * plans.len());
    }
}

#[test]
fn a_close_with_an_older_version_still_closes_the_plan() {
    let events = vec![
        Ev {
            plan: 1,
            event_id: "ev1".into(),
            kind: "plan_agreed",
            day: 0,
            version: 1,
        },
        Ev {
            plan: 1,
            event_id: "ev2".into(),
            kind: "plan_closed",
            day: 2,
            version: 1,
        },
        // A revision of a higher version, dated after the close, arriving late.
        Ev {
            plan: 1,
            event_id: "ev3".into(),
            kind: "plan_revised",
            day: 3,
            version: 2,
        },
    ];
    let (plans, _, _) = run(derive(vec![events]));
    let row: Value = serde_json::from_str(&plans[0]).expect("json");
    assert_eq!(row["plan_version"], 2);
    assert_eq!(row["active"], false);
    assert_eq!(row["closure_reason"], "moved_area");
}

#[test]
fn a_plan_never_agreed_is_not_active() {
    let events = vec![Ev {
        plan: 1,
        event_id: "ev7".into(),
        kind: "plan_revised",
        day: 1,
        version: 2,
    }];
    let (plans, outcomes, _) = run(derive(vec![events]));
    let row: Value = serde_json::from_str(&plans[0]).expect("json");
    assert_eq!(row["active"], false);
    assert!(row.get("agreed_at").is_none_or(Value::is_null));
    // Its outcomes are still listed (they are the plan's current content).
    assert!(outcomes.len() >= 2);
}

/// The first day of the month of `day` (days since the Unix epoch), as the ingest writes it.
fn month_start(day: i64) -> i64 {
    use chrono::Datelike;
    let date = chrono::DateTime::from_timestamp(day * 86_400, 0)
        .expect("a day in range")
        .date_naive();
    day - i64::from(date.day0())
}
