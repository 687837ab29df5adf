//! Contract checks: each mutation of a valid event is rejected with its stable reason and path.

use serde_json::{json, Value};
use stf_schemas::event::Event;
use stf_schemas::reason::Reason;
use stf_schemas::validate::{decode, decode_fully, MAX_MESSAGE_BYTES};

fn plan() -> Value {
    json!({
        "schema": "stf.support_plan.v1",
        "event_id": "0b0e5b5e-9c1a-4f7e-8a39-6d2f1f3c9a11",
        "event_type": "plan_agreed",
        "occurred_at": "2024-03-05T10:15:00Z",
        "plan_id": "plan-000123",
        "plan_version": 1,
        "local_authority": "E08000004",
        "locality": "OL1",
        "person": {"age_band": "25-44", "cohort": "new_entrant",
                   "primary_support_reason": "learning_disability", "ethnicity_group": "white"},
        "budget": {"annual_gbp": 24500.5, "delivery_mechanism": "direct_payment"},
        "desired_outcomes": [{"text": "I want a job in a garden centre", "priority": 1}],
        "planned_support": [{"description": "Job coach 4 hrs/week", "service_type": "employment_support",
                             "provider_kind": "specialist", "hours_per_week": 4, "annual_cost_gbp": 5200,
                             "arranged": false}]
    })
}

fn service() -> Value {
    json!({
        "schema": "stf.provider_service.v1",
        "event_id": "1b0e5b5e-9c1a-4f7e-8a39-6d2f1f3c9a11",
        "event_type": "service_listed",
        "occurred_at": "2024-03-05T10:15:00+01:00",
        "service_id": "svc-1",
        "organization_id": "org-1",
        "organization_name": "Oldham Community Leisure",
        "provider_kind": "mainstream",
        "service_name": "Inclusive swimming",
        "description": "Quiet swimming sessions with changing places",
        "categories": ["sport_fitness"],
        "service_types": ["community_activity"],
        "local_authorities": ["E08000004"],
        "localities": ["OL1", "OL8"],
        "capacity": {"unit": "places", "available_per_week": 12},
        "cost": {"amount_gbp": 4.5, "per": "session"},
        "accepting_new": true
    })
}

/// Applies `edit` to a valid event and checks the rejection's reasons and paths.
fn check(mut event: Value, edit: impl FnOnce(&mut Value), expected: &[(Reason, &str)]) {
    edit(&mut event);
    let bytes = serde_json::to_vec(&event).unwrap();
    let rejection = decode(&bytes).expect_err("the edit breaks the contract");
    assert_eq!(
        Err(rejection.clone()),
        decode_fully(&bytes),
        "the full check differs"
    );
    let got: Vec<(Reason, &str)> = rejection
        .problems
        .iter()
        .map(|p| (p.reason, p.path.as_str()))
        .collect();
    assert_eq!(got, expected, "detail: {}", rejection.detail);
    assert_eq!(rejection.reason, expected[0].0);
}

#[test]
fn valid_events_decode() {
    let e = decode(&serde_json::to_vec(&plan()).unwrap()).unwrap();
    assert!(matches!(e, Event::SupportPlan(_)));
    let e = decode(&serde_json::to_vec(&service()).unwrap()).unwrap();
    assert!(matches!(e, Event::ProviderService(_)));
}

#[test]
fn valid_events_decode_as_serde_reads_them() {
    use stf_schemas::event::{ProviderServiceEvent, SupportPlanEvent};
    let mut p = plan();
    p["desired_outcomes"][0]["text"] = json!("Caf\u{e9} \"Lune\"\tand a \\ back\nslash");
    let bytes = serde_json::to_vec(&p).unwrap();
    let direct: SupportPlanEvent = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(decode(&bytes).unwrap(), Event::SupportPlan(direct));
    let bytes = serde_json::to_vec(&service()).unwrap();
    let direct: ProviderServiceEvent = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(decode(&bytes).unwrap(), Event::ProviderService(direct));
}

#[test]
fn unknown_fields_are_listed_in_name_order() {
    use Reason::UnknownField;
    check(
        plan(),
        |e| {
            e["zeta"] = json!(1);
            e["alpha"] = json!(2);
        },
        &[(UnknownField, "$.alpha"), (UnknownField, "$.zeta")],
    );
    // serde_json's `json!` sorts keys: spell the message out so `zeta` comes first.
    let text = serde_json::to_string(&plan()).unwrap();
    let text = text.replacen('{', r#"{"zeta": 1, "alpha": 2, "#, 1);
    let r = decode(text.as_bytes()).unwrap_err();
    let paths: Vec<&str> = r.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["$.alpha", "$.zeta"]);
}

#[test]
fn a_field_given_twice_keeps_its_last_value() {
    let text = serde_json::to_string(&plan()).unwrap();
    let twice = text.replace(
        r#""plan_version":1"#,
        r#""plan_version":1,"plan_version":7"#,
    );
    assert_ne!(text, twice);
    let Event::SupportPlan(e) = decode(twice.as_bytes()).unwrap() else {
        panic!("a support plan")
    };
    assert_eq!(e.plan_version, 7);
    let broken = text.replace(
        r#""plan_version":1"#,
        r#""plan_version":1,"plan_version":0"#,
    );
    assert_eq!(
        decode(broken.as_bytes()).unwrap_err().reason,
        Reason::NumberOutOfRange
    );
}

#[test]
fn structured_fields_break_with_their_reason() {
    use Reason::*;
    check(
        plan(),
        |e| e["local_authority"] = json!("E07000001"),
        &[(UnknownLocalAuthority, "$.local_authority")],
    );
    check(
        plan(),
        |e| e["locality"] = json!("OL1 1AA"),
        &[(FullPostcodeInLocality, "$.locality")],
    );
    check(
        plan(),
        |e| e["locality"] = json!("Oldham"),
        &[(InvalidLocality, "$.locality")],
    );
    check(
        plan(),
        |e| e["budget"]["annual_gbp"] = json!(1_000_001),
        &[(BudgetOutOfRange, "$.budget.annual_gbp")],
    );
    check(
        plan(),
        |e| e["budget"]["annual_gbp"] = json!(-1),
        &[(BudgetOutOfRange, "$.budget.annual_gbp")],
    );
    // Amounts above what the tables' money columns hold would stop a commit: set aside.
    check(
        plan(),
        |e| e["planned_support"][0]["annual_cost_gbp"] = json!(1e13),
        &[(NumberOutOfRange, "$.planned_support[0].annual_cost_gbp")],
    );
    check(
        service(),
        |e| e["cost"]["amount_gbp"] = json!(1_000_000_000.01),
        &[(NumberOutOfRange, "$.cost.amount_gbp")],
    );
    check(
        plan(),
        |e| e["person"]["age_band"] = json!("17"),
        &[(InvalidCode, "$.person.age_band")],
    );
    check(
        plan(),
        |e| e["event_id"] = json!("not-a-uuid"),
        &[(InvalidEventId, "$.event_id")],
    );
    check(
        plan(),
        |e| e["plan_id"] = json!("short"),
        &[(InvalidId, "$.plan_id")],
    );
    check(
        plan(),
        |e| e["occurred_at"] = json!("5 March 2024"),
        &[(InvalidTimestamp, "$.occurred_at")],
    );
    check(
        plan(),
        |e| e["plan_version"] = json!(0),
        &[(NumberOutOfRange, "$.plan_version")],
    );
    check(
        plan(),
        |e| e["desired_outcomes"][0]["priority"] = json!(6),
        &[(NumberOutOfRange, "$.desired_outcomes[0].priority")],
    );
    check(
        plan(),
        |e| e["desired_outcomes"][0]["text"] = json!(""),
        &[(TextLength, "$.desired_outcomes[0].text")],
    );
    check(
        plan(),
        |e| e["planned_support"][0]["annual_cost_gbp"] = json!("5200"),
        &[(WrongType, "$.planned_support[0].annual_cost_gbp")],
    );
    check(
        plan(),
        |e| {
            e["person"].as_object_mut().unwrap().remove("cohort");
        },
        &[(MissingField, "$.person.cohort")],
    );
    check(
        plan(),
        |e| e["name"] = json!("Jo Bloggs"),
        &[(UnknownField, "$.name")],
    );
    check(
        plan(),
        |e| e["desired_outcomes"] = json!(vec![json!({"text": "x"}); 31]),
        &[(ItemCount, "$.desired_outcomes")],
    );
    check(
        plan(),
        |e| e["event_type"] = json!("plan_closed"),
        &[(ClosureReasonMissing, "$.closure_reason")],
    );
    check(
        plan(),
        |e| e["closure_reason"] = json!("died"),
        &[(ClosureReasonUnexpected, "$.closure_reason")],
    );
    check(
        service(),
        |e| e["categories"] = json!(["swimming"]),
        &[(UnknownCategory, "$.categories[0]")],
    );
    check(
        service(),
        |e| e["local_authorities"] = json!([]),
        &[(ItemCount, "$.local_authorities")],
    );
    check(
        service(),
        |e| e["localities"] = json!(["OL1", "ol8 1aa"]),
        &[(FullPostcodeInLocality, "$.localities[1]")],
    );
}

/// `decode`'s quick path and the full check give the same verdict on `event` after `edit`.
fn same_verdict(mut event: Value, edit: impl FnOnce(&mut Value)) -> Result<Event, Reason> {
    edit(&mut event);
    let bytes = serde_json::to_vec(&event).unwrap();
    let (quick, full) = (decode(&bytes), decode_fully(&bytes));
    assert_eq!(quick, full, "{event}");
    quick.map_err(|r| r.reason)
}

#[test]
fn the_quick_path_and_the_full_check_agree_at_every_edge() {
    use Reason::*;
    let long = |n: usize| json!("é".repeat(n));
    let mut outcomes: Vec<Result<Event, Reason>> = Vec::new();
    let mut plan_edit = |edit: &dyn Fn(&mut Value)| outcomes.push(same_verdict(plan(), edit));
    // Within the rules, at their edges: accepted.
    plan_edit(&|e| e["desired_outcomes"][0]["text"] = long(1000));
    plan_edit(&|e| e["desired_outcomes"][0]["priority"] = json!(5));
    plan_edit(&|e| e["desired_outcomes"][0]["priority"] = Value::Null);
    plan_edit(&|e| e["locality"] = Value::Null);
    plan_edit(&|e| e["person"]["ethnicity_group"] = Value::Null);
    plan_edit(&|e| e["budget"]["annual_gbp"] = json!(1_000_000));
    plan_edit(&|e| e["budget"]["annual_gbp"] = json!(0));
    plan_edit(&|e| e["plan_version"] = json!(u32::MAX));
    plan_edit(&|e| e["planned_support"][0]["hours_per_week"] = json!(0.0));
    plan_edit(&|e| e["planned_support"][0]["description"] = long(500));
    plan_edit(&|e| e["plan_id"] = json!("a".repeat(64)));
    plan_edit(&|e| e["occurred_at"] = json!("2024-03-05T10:15:00.123456+05:30"));
    plan_edit(&|e| e["occurred_at"] = json!("2024-03-05 10:15:00z")); // RFC 3339 allows both
    plan_edit(&|e| e["desired_outcomes"] = json!(vec![json!({"text": "x"}); 30]));
    plan_edit(&|e| {
        e["event_type"] = json!("plan_closed");
        e["closure_reason"] = json!("died");
    });
    // Just past them: rejected, by both.
    plan_edit(&|e| e["desired_outcomes"][0]["text"] = long(1001));
    plan_edit(&|e| e["desired_outcomes"][0]["priority"] = json!(0));
    plan_edit(&|e| e["desired_outcomes"][0]["priority"] = json!(2.5));
    plan_edit(&|e| e["budget"]["annual_gbp"] = json!(1_000_000.01));
    plan_edit(&|e| e["plan_version"] = json!(u64::from(u32::MAX) + 1));
    plan_edit(&|e| e["plan_version"] = json!(1.0));
    plan_edit(&|e| e["planned_support"][0]["hours_per_week"] = json!(-0.5));
    plan_edit(&|e| e["planned_support"][0]["description"] = long(501));
    plan_edit(&|e| e["planned_support"] = json!(vec![e["planned_support"][0].clone(); 51]));
    plan_edit(&|e| e["plan_id"] = json!("a".repeat(65)));
    plan_edit(&|e| e["plan_id"] = json!("plan 000123"));
    plan_edit(&|e| e["occurred_at"] = json!("2024-02-30T10:15:00Z"));
    plan_edit(&|e| e["occurred_at"] = json!("2024-03-05T10:15:00"));
    plan_edit(&|e| e["event_id"] = json!("0B0E5B5E9C1A4F7E8A396D2F1F3C9A11"));
    plan_edit(&|e| e["schema"] = json!("stf.support_plan.v2"));
    plan_edit(&|e| e["local_authority"] = Value::Null);
    plan_edit(&|e| e["desired_outcomes"] = Value::Null);
    plan_edit(&|e| e["person"]["age_band"] = json!(25));
    let (accepted, rejected) = outcomes.split_at(15);
    assert!(accepted.iter().all(Result::is_ok), "{accepted:?}");
    assert!(rejected.iter().all(Result::is_err), "{rejected:?}");

    let service_edit = |edit: &dyn Fn(&mut Value)| same_verdict(service(), edit);
    for edit in [
        &(|_: &mut Value| {}) as &dyn Fn(&mut Value),
        &|e| e["categories"] = Value::Null,
        &|e| e["localities"] = json!([]),
        &|e| e["capacity"] = json!({}),
        &|e| e["cost"] = json!({"amount_gbp": null, "per": null}),
        &|e| e["description"] = json!(""),
        &|e| e["organization_name"] = long(200),
        &|e| e["service_types"] = json!(vec!["community_activity"; 17]),
    ] {
        assert!(service_edit(edit).is_ok());
    }
    for (edit, reason) in [
        (
            &(|e: &mut Value| e["organization_name"] = json!("")) as &dyn Fn(&mut Value),
            TextLength,
        ),
        (&|e| e["service_name"] = long(201), TextLength),
        (&|e| e["description"] = long(2001), TextLength),
        (&|e| e["service_id"] = json!("svc/1"), InvalidId),
        (&|e| e["organization_id"] = json!(""), InvalidId),
        (&|e| e["service_types"] = json!([]), ItemCount),
        (
            &|e| e["service_types"] = json!(vec!["community_activity"; 18]),
            ItemCount,
        ),
        (
            &|e| e["categories"] = json!(vec!["sport_fitness"; 20]),
            ItemCount,
        ),
        (
            &|e| e["local_authorities"] = json!(["E08000004", "E07000001"]),
            UnknownLocalAuthority,
        ),
        (&|e| e["localities"] = json!(vec!["OL1"; 501]), ItemCount),
        (&|e| e["localities"] = json!(["Oldham"]), InvalidLocality),
        (
            &|e| e["capacity"]["available_per_week"] = json!(-1),
            NumberOutOfRange,
        ),
        (
            &|e| e["cost"]["amount_gbp"] = json!(-0.01),
            NumberOutOfRange,
        ),
        (
            &|e| e["schema"] = json!("stf.support_plan.v1"),
            UnknownField,
        ),
    ] {
        assert_eq!(service_edit(edit).map(|_| ()), Err(reason));
    }
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    use Reason::*;
    check(
        plan(),
        |e| {
            e["local_authority"] = json!("X");
            e["budget"]["annual_gbp"] = json!(2e6);
            e["planned_support"][0]["service_type"] = json!("swimming");
        },
        &[
            (UnknownLocalAuthority, "$.local_authority"),
            (BudgetOutOfRange, "$.budget.annual_gbp"),
            (InvalidCode, "$.planned_support[0].service_type"),
        ],
    );
}

#[test]
fn message_level_breaks() {
    let reason = |bytes: &[u8]| decode(bytes).unwrap_err().reason;
    assert_eq!(reason(b"{\"schema\": "), Reason::MalformedJson);
    assert_eq!(reason(b"\xff\xfe{}"), Reason::InvalidUtf8);
    assert_eq!(reason(b"[1, 2]"), Reason::NotAnObject);
    assert_eq!(
        reason(br#"{"schema": "stf.support_plan.v2"}"#),
        Reason::UnknownSchema
    );
    assert_eq!(reason(br#"{"event_id": "x"}"#), Reason::UnknownSchema);
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(reason(nested(32).as_bytes()), Reason::NotAnObject);
    assert_eq!(reason(nested(33).as_bytes()), Reason::TooDeep);
    // Deeper than serde_json's own recursion limit: the parse fails, and says why.
    assert_eq!(reason(nested(200).as_bytes()), Reason::TooDeep);
    let mut bad_text = serde_json::to_vec(&plan()).unwrap();
    let at = bad_text.windows(6).position(|w| w == b"garden").unwrap();
    bad_text[at] = 0xff;
    assert_eq!(reason(&bad_text), Reason::InvalidUtf8);
    let mut big = plan();
    big["desired_outcomes"][0]["text"] = json!("a".repeat(MAX_MESSAGE_BYTES));
    assert_eq!(reason(&serde_json::to_vec(&big).unwrap()), Reason::Oversize);
}

#[test]
fn a_message_breaking_a_rule_many_times_lists_a_bounded_number_of_problems() {
    use stf_schemas::validate::MAX_LISTED_PROBLEMS;
    let mut p = plan();
    p["desired_outcomes"] = json!(vec![1; 100_000]);
    let bytes = serde_json::to_vec(&p).unwrap();
    assert!(bytes.len() < MAX_MESSAGE_BYTES);
    let r = decode(&bytes).unwrap_err();
    assert_eq!(r.reason, Reason::ItemCount);
    assert_eq!(r.problems.len(), MAX_LISTED_PROBLEMS + 1);
    let last = r.problems.last().unwrap();
    assert_eq!((last.reason, last.path.as_str()), (Reason::WrongType, "$"));
    let unlisted = 100_000 + 1 - MAX_LISTED_PROBLEMS;
    assert_eq!(last.detail, format!("{unlisted} more problems, not listed"));
    // Small enough for a dead letter's header (64 KiB of room) and a table cell.
    assert!(r.detail.len() < 4096, "{} bytes", r.detail.len());
}

#[test]
fn details_never_repeat_the_message() {
    let mut e = plan();
    e["locality"] = json!("SW1A 2AA");
    e["Jo Bloggs 07700 900123"] = json!(1);
    let r = decode(&serde_json::to_vec(&e).unwrap()).unwrap_err();
    assert!(!r.detail.contains("SW1A"), "{}", r.detail);
    assert!(!r.detail.contains("Bloggs"), "{}", r.detail);
    assert_eq!(
        r.event_id.as_deref(),
        Some("0b0e5b5e-9c1a-4f7e-8a39-6d2f1f3c9a11")
    );
}
