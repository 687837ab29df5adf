//! `stf serve` end to end, the real binary on a free port over a generated store:
//! - the SQL API: 401 without a valid token, every writing or file-reading statement refused
//!   with a 400 and a message, results in JSON, CSV, Arrow IPC and Parquet that agree, audit
//!   lines that name the token but never show it, and a cross-join bomb that ends in a
//!   memory-limit or timeout error while `/health` and other queries keep answering;
//! - the published aggregates: no published count of people from 1 to 7, every one a
//!   multiple of 5, money only behind 8 or more people and in whole thousands, no lone
//!   suppressed cell beside a published total, figures equal to the rules applied to
//!   `stf sql`'s raw measures, ETag/304, CSV, and a move to a new publication without a
//!   restart.

mod util;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use util::server::{build_store, get, post, Server};
use util::{stf, Scratch};

const ALICE: &str = "alice-0123456789abcdef";
const BOB: &str = "bob-0123456789abcdef-xyz";

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn sql_api_is_authenticated_read_only_and_answers_in_four_formats() {
    let s = Scratch::new();
    let store = build_store(&s, 3000, 5);
    let tokens = format!("alice:{ALICE},bob:{BOB}");
    let server = Server::start(
        &store,
        s.dir.path(),
        &["--memory-limit-mib", "64", "--timeout-secs", "3"],
        &[("STF_API_TOKENS", &tokens)],
    );
    let sql = "SELECT local_authority, count(*) AS plans, sum(annual_budget_gbp) AS budget \
               FROM plans WHERE active GROUP BY local_authority ORDER BY local_authority";

    // No token, a wrong one, another scheme: 401 with a JSON error.
    for headers in [
        vec![],
        vec![("Authorization", bearer("not-a-configured-token"))],
        vec![("Authorization", format!("Basic {ALICE}"))],
    ] {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = post(server.addr, "/api/v1/sql", &h, sql.as_bytes()).expect("answers");
        assert_eq!(r.status, 401, "{}", r.text());
        assert_eq!(r.json()["error"]["code"], "unauthorized");
        assert!(r.header("www-authenticate").is_some());
    }

    // Statements that would write, configure or read files: 400 with a message.
    let alice = bearer(ALICE);
    let auth = [("Authorization", alice.as_str())];
    let target = s.path("copied.csv");
    let statements = [
        format!("COPY (SELECT * FROM plans) TO '{}'", target.display()),
        "CREATE EXTERNAL TABLE pw STORED AS CSV LOCATION '/etc/passwd'".to_owned(),
        "INSERT INTO plans SELECT * FROM plans".to_owned(),
        "SET datafusion.execution.target_partitions = 1".to_owned(),
        "SELECT * FROM '/etc/passwd'".to_owned(),
        "DROP TABLE plans".to_owned(),
        "CREATE VIEW v AS SELECT 1".to_owned(),
    ];
    for statement in &statements {
        let r = post(server.addr, "/api/v1/sql", &auth, statement.as_bytes()).expect("answers");
        assert_eq!(r.status, 400, "{statement}: {}", r.text());
        let error = r.json()["error"].clone();
        let code = error["code"].as_str().expect("a code");
        assert!(
            ["refused", "invalid_query"].contains(&code),
            "{statement}: {error}"
        );
        assert!(
            error["message"].as_str().is_some_and(|m| m.len() > 10),
            "{error}"
        );
        assert!(!r.text().contains("root:"), "{statement} leaked a file");
    }
    assert!(!target.exists(), "COPY wrote a file");
    let r = post(
        server.addr,
        "/api/v1/sql",
        &auth,
        b"COPY (SELECT 1) TO '/tmp/x.csv'",
    )
    .unwrap();
    assert_eq!(r.json()["error"]["code"], "refused", "{}", r.text());

    // A valid query in every format: the same rows.
    let json = query(&server, &auth, sql, "application/json");
    let publication = json
        .header("x-stf-publication")
        .expect("names its publication");
    let health = get(server.addr, "/health", &[]).unwrap().json();
    assert_eq!(health["sql_publication_id"], publication);
    let rows: Vec<Value> = serde_json::from_slice(&json.body).expect("a JSON array");
    assert_eq!(rows.len(), 10, "ten councils: {rows:?}");
    assert_eq!(json.header("x-stf-rows"), Some("10"));
    let councils: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["local_authority"].as_str())
        .collect();
    let plans: Vec<i64> = rows.iter().filter_map(|r| r["plans"].as_i64()).collect();
    assert_eq!(plans.len(), 10);

    let csv = query(&server, &auth, sql, "text/csv");
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let csv_text = csv.text();
    let mut lines = csv_text.lines();
    assert_eq!(lines.next(), Some("local_authority,plans,budget"));
    let csv_rows: Vec<(String, i64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), f[1].parse().expect("a count"))
        })
        .collect();
    assert_eq!(
        csv_rows,
        councils
            .iter()
            .map(|c| c.to_string())
            .zip(plans.clone())
            .collect::<Vec<_>>()
    );

    let arrow = query(&server, &auth, sql, "application/vnd.apache.arrow.stream");
    assert_eq!(
        arrow.header("content-type"),
        Some("application/vnd.apache.arrow.stream")
    );
    let reader = arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(arrow.body), None)
        .expect("an Arrow IPC stream");
    let batches: Vec<_> = reader.collect::<Result<_, _>>().expect("batches");
    assert_eq!(int_column(&batches, "plans"), plans);

    let parquet = query(&server, &auth, sql, "application/vnd.apache.parquet");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(parquet.body),
    )
    .expect("a Parquet file")
    .build()
    .expect("a reader");
    let batches: Vec<_> = reader.collect::<Result<_, _>>().expect("batches");
    assert_eq!(int_column(&batches, "plans"), plans);

    let r = post(
        server.addr,
        "/api/v1/sql",
        &[auth[0], ("Accept", "image/png")],
        sql.as_bytes(),
    )
    .unwrap();
    assert_eq!(r.status, 406, "{}", r.text());

    // A cross-join bomb ends in a memory-limit or timeout error; meanwhile others are served.
    let bob = bearer(BOB);
    let addr = server.addr;
    let bomb = std::thread::spawn(move || {
        let sql = "SELECT a.plan_id, b.plan_id, c.plan_id FROM plan_events a \
                   CROSS JOIN plan_events b CROSS JOIN plan_events c ORDER BY 1, 2, 3";
        let started = Instant::now();
        let r = post(
            addr,
            "/api/v1/sql",
            &[("Authorization", bob.as_str())],
            sql.as_bytes(),
        )
        .unwrap();
        (r, started.elapsed())
    });
    let mut served_during = 0;
    while !bomb.is_finished() {
        let started = Instant::now();
        let health = get(server.addr, "/health", &[]).expect("health answers");
        assert_eq!(health.status, 200);
        let small = query(
            &server,
            &auth,
            "SELECT count(*) AS n FROM gap",
            "application/json",
        );
        assert_eq!(small.status, 200);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "others waited {took:?} behind the bomb"
        );
        if !bomb.is_finished() {
            served_during += 1;
        }
    }
    let (r, took) = bomb.join().expect("the bomb thread");
    assert_eq!(r.status, 503, "{}", r.text());
    let code = r.json()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        ["memory_limit", "timeout"].contains(&code.as_str()),
        "{}",
        r.text()
    );
    assert!(took < Duration::from_secs(20), "the bomb ran {took:?}");
    assert!(served_during >= 1, "nothing was served while the bomb ran");

    // The audit log names each token, never its value; metrics count the outcomes.
    let log = server.log();
    assert!(log.contains("\"token\":\"alice\""), "{log}");
    assert!(log.contains("\"token\":\"bob\""), "{log}");
    assert!(
        log.contains("\"outcome\":\"timeout\"") || log.contains("\"outcome\":\"memory_limit\"")
    );
    assert!(
        !log.contains(ALICE) && !log.contains(BOB),
        "a token value was logged"
    );
    let metrics = get(server.addr, "/metrics", &[]).unwrap().text();
    assert!(
        metrics.contains("stf_sql_queries_total{outcome=\"refused\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!("stf_sql_queries_total{{outcome=\"{code}\"}} 1")),
        "{metrics}"
    );
    assert!(
        metrics.contains("stf_http_requests_total{route=\"/api/v1/sql\",status=\"401\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("stf_publication_info{publication_id=\""),
        "{metrics}"
    );
}

fn query(
    server: &Server,
    auth: &[(&str, &str)],
    sql: &str,
    accept: &str,
) -> util::server::Response {
    let r = post(
        server.addr,
        "/api/v1/sql",
        &[auth[0], ("Accept", accept)],
        sql.as_bytes(),
    )
    .expect("answers");
    assert_eq!(r.status, 200, "{accept}: {}", r.text());
    r
}

fn int_column(batches: &[arrow::array::RecordBatch], name: &str) -> Vec<i64> {
    use arrow::array::AsArray;
    let mut out = Vec::new();
    for batch in batches {
        let column = arrow::compute::cast(
            batch.column_by_name(name).expect("the column"),
            &arrow::datatypes::DataType::Int64,
        )
        .expect("an integer column");
        out.extend(
            column
                .as_primitive::<arrow::datatypes::Int64Type>()
                .values()
                .iter()
                .copied(),
        );
    }
    out
}

const DATASETS: [&str; 5] = ["demand", "gap", "trends", "pooling", "mainstream_share"];

#[test]
fn published_aggregates_obey_the_rules_cache_by_publication_and_follow_transform() {
    let s = Scratch::new();
    let store = build_store(&s, 3000, 7);
    let server = Server::start(&store, s.dir.path(), &["--refresh-secs", "0.3"], &[]);

    let first_id = get(server.addr, "/health", &[]).unwrap().json()["publication_id"]
        .as_str()
        .expect("a publication")
        .to_owned();
    let mut etags = BTreeMap::new();
    for name in DATASETS {
        let r = get(server.addr, &format!("/api/v1/published/{name}"), &[]).unwrap();
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert_eq!(r.header("x-stf-publication"), Some(first_id.as_str()));
        assert!(r
            .header("cache-control")
            .is_some_and(|c| c.contains("max-age")));
        let doc = r.json();
        assert_eq!(doc["publication"]["id"], first_id.as_str());
        assert!(doc["publication"]["data_to"]
            .as_str()
            .is_some_and(|d| d.starts_with("20")));
        assert!(doc["publication"]["tables"]
            .as_object()
            .is_some_and(|t| !t.is_empty()));
        check_rules(name, &doc);
        check_csv(server.addr, name, &doc);
        etags.insert(name, r.header("etag").expect("an ETag").to_owned());
    }
    check_against_raw_measures(&store, server.addr);

    // Conditional requests: 304 while the publication is the same.
    let r = get(
        server.addr,
        "/api/v1/published/gap",
        &[("If-None-Match", &etags["gap"])],
    )
    .unwrap();
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), Some(etags["gap"].as_str()));
    let r = get(
        server.addr,
        "/api/v1/published/gap?format=csv",
        &[("If-None-Match", &etags["gap"])],
    )
    .unwrap();
    assert_eq!(r.status, 200, "the CSV has a tag of its own");
    assert_eq!(
        get(server.addr, "/api/v1/published/nonsense", &[])
            .unwrap()
            .status,
        404
    );
    assert_eq!(
        get(server.addr, "/api/v1/published/gap?format=xml", &[])
            .unwrap()
            .status,
        400
    );

    // New events and a new transform: the server moves on by itself.
    let more = s.path("more");
    stf(&[
        "generate",
        "--plans",
        "500",
        "--seed",
        "8",
        "--out",
        more.to_str().unwrap(),
    ]);
    stf(&[
        "ingest",
        "--input",
        more.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
    ]);
    stf(&["transform", "--store", store.to_str().unwrap()]);
    util::wait_until(60, "the new publication to be served", || {
        get(server.addr, "/health", &[])
            .is_ok_and(|r| r.json()["publication_id"].as_str() != Some(first_id.as_str()))
    });
    let r = get(
        server.addr,
        "/api/v1/published/gap",
        &[("If-None-Match", &etags["gap"])],
    )
    .unwrap();
    assert_eq!(r.status, 200, "the old tag no longer matches");
    let new_tag = r.header("etag").expect("an ETag").to_owned();
    assert_ne!(new_tag, etags["gap"]);
    let doc = r.json();
    let new_id = doc["publication"]["id"].as_str().expect("an id").to_owned();
    assert_ne!(new_id, first_id);
    check_rules("gap", &doc);
    let metrics = get(server.addr, "/metrics", &[]).unwrap().text();
    assert!(
        metrics.contains(&format!(
            "stf_publication_info{{publication_id=\"{new_id}\""
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("stf_publication_switches_total 1"),
        "{metrics}"
    );
}

/// The small-number rules, checked on every row of a published document.
fn check_rules(name: &str, doc: &Value) {
    let columns = doc["columns"].as_array().expect("columns");
    let kind = |c: &str| {
        columns
            .iter()
            .find(|x| x["name"] == c)
            .and_then(|x| x["kind"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let rows = doc["rows"].as_array().expect("rows");
    assert!(!rows.is_empty() || name == "pooling", "{name} has no rows");
    for row in rows {
        let suppressed: Vec<&str> = row["suppressed"]
            .as_array()
            .expect("a suppressed list")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for column in columns {
            let c = column["name"].as_str().unwrap();
            let value = &row[c];
            match column["kind"].as_str().unwrap() {
                "people" => match value.as_u64() {
                    Some(n) => {
                        assert!(!(1..=7).contains(&n), "{name}.{c} = {n}: {row}");
                        assert_eq!(n % 5, 0, "{name}.{c} = {n} is not a multiple of 5");
                    }
                    None => {
                        assert!(
                            value.is_null() && suppressed.contains(&c),
                            "{name}.{c}: {row}"
                        )
                    }
                },
                "money" => {
                    let people = column["people_column"]
                        .as_str()
                        .expect("money names its people");
                    assert_eq!(kind(people), "people");
                    if let Some(m) = value.as_i64() {
                        assert_eq!(m % 1000, 0, "{name}.{c} = {m}");
                        let behind = row[people].as_u64().expect("published people behind money");
                        assert!(behind >= 10, "{name}.{c} published behind {behind} people");
                    } else {
                        assert!(
                            suppressed.contains(&c),
                            "{name}.{c} null but not withheld: {row}"
                        );
                    }
                }
                _ => {}
            }
        }
    }
    // Where a council's total is published, never exactly one of its cells is suppressed.
    if rows.iter().any(|r| r["total"] == true) {
        for people in columns.iter().filter(|c| c["kind"] == "people") {
            let c = people["name"].as_str().unwrap();
            let mut groups: BTreeMap<&str, (bool, usize)> = BTreeMap::new();
            for row in rows {
                let la = row["local_authority"].as_str().unwrap();
                let entry = groups.entry(la).or_default();
                if row["total"] == true {
                    entry.0 = !row[c].is_null();
                } else if row[c].is_null() {
                    entry.1 += 1;
                }
            }
            for (la, (total_published, hidden)) in groups {
                assert!(
                    !(total_published && hidden == 1),
                    "{name}.{c} in {la}: one lone suppressed cell"
                );
            }
        }
    }
}

/// The CSV has the JSON's rows: same columns, same people.
fn check_csv(addr: std::net::SocketAddr, name: &str, doc: &Value) {
    let r = get(addr, &format!("/api/v1/published/{name}?format=csv"), &[]).unwrap();
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let text = r.text();
    let records = parse_csv(&text);
    let header = &records[0];
    let columns: Vec<&str> = doc["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(header[..columns.len()], columns[..], "{name}");
    assert_eq!(header[columns.len()..], ["publication_id", "suppressed"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(records.len() - 1, rows.len(), "{name}");
    let people = columns.iter().position(|c| *c == "people");
    for (record, row) in records[1..].iter().zip(rows) {
        assert_eq!(
            record[columns.len()],
            doc["publication"]["id"].as_str().unwrap()
        );
        if let Some(p) = people {
            let expected = row["people"]
                .as_u64()
                .map(|n| n.to_string())
                .unwrap_or_default();
            assert_eq!(record[p], expected, "{name}");
        }
    }
}

/// A CSV parser for the tests: quoted fields with doubled quotes, no newlines inside.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let mut fields = vec![String::new()];
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(ch) = chars.next() {
                match ch {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        chars.next();
                        fields.last_mut().unwrap().push('"');
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(String::new()),
                    _ => fields.last_mut().unwrap().push(ch),
                }
            }
            fields
        })
        .collect()
}

/// Published `demand` equals the rules applied to the raw `demand` measure, read through
/// `stf sql` at the same publication.
fn check_against_raw_measures(store: &std::path::Path, addr: std::net::SocketAddr) {
    let doc = get(addr, "/api/v1/published/demand", &[]).unwrap().json();
    let publication = doc["publication"]["id"].as_str().unwrap();
    let out = stf(&[
        "sql",
        "--store",
        store.to_str().unwrap(),
        "--as-of",
        publication,
        "--format",
        "json",
        "SELECT local_authority, category, people, unmet_people FROM demand",
    ]);
    let raw: Vec<Value> = serde_json::from_slice(&out.stdout).expect("stf sql prints JSON");
    let raw: BTreeMap<(String, String), (u64, u64)> = raw
        .iter()
        .map(|r| {
            (
                (
                    r["local_authority"].as_str().unwrap().to_owned(),
                    r["category"].as_str().unwrap().to_owned(),
                ),
                (
                    r["people"].as_u64().unwrap(),
                    r["unmet_people"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    let mut checked = 0;
    let mut rounded = 0;
    for row in doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["total"] == false)
    {
        let key = (
            row["local_authority"].as_str().unwrap().to_owned(),
            row["category"].as_str().unwrap().to_owned(),
        );
        let (people, _) = raw[&key];
        match row["people"].as_u64() {
            Some(p) => {
                assert!(
                    p.abs_diff(people) <= 2 && p % 5 == 0,
                    "{key:?}: raw {people}, published {p}"
                );
                assert!(
                    people == 0 || people >= 8,
                    "{key:?}: raw {people} published as {p}"
                );
                rounded += usize::from(p != people);
            }
            // Suppressed: small, or the next smallest beside a small one.
            None => assert!(people > 0, "{key:?}: zero suppressed"),
        }
        checked += 1;
    }
    assert_eq!(checked, raw.len(), "every raw row is published");
    assert!(
        rounded > 0,
        "nothing needed rounding: the check proves little"
    );
}
