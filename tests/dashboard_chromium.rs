//! The dashboard in a real headless Chromium: the page served by `stf serve` over a
//! generated store loads the published datasets, draws its charts and tables, and every
//! number it shows is the API's. A screenshot is saved for people to look at.
//!
//! Chromium must be installed (`apt-get install chromium`; `scripts/test.sh` does it): the
//! test fails, never skips, without it.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use util::server::{build_store, get, Server};
use util::Scratch;

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn the_dashboard_draws_the_published_figures() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install it with `apt-get install -y chromium` (scripts/test.sh does)"
    );
    let s = Scratch::new();
    let store = build_store(&s, 3000, 11);
    let server = Server::start(&store, s.dir.path(), &[], &[]);
    let api: BTreeMap<&str, Value> = ["demand", "gap", "trends", "pooling", "mainstream_share"]
        .into_iter()
        .map(|d| {
            let r =
                get(server.addr, &format!("/api/v1/published/{d}"), &[]).expect("the API answers");
            assert_eq!(r.status, 200);
            (d, r.json())
        })
        .collect();
    let publication = api["gap"]["publication"]["id"].as_str().unwrap().to_owned();

    let council = busiest_council(&api["gap"]);
    let url = server.url(&format!("/?council={council}"));
    let dom = dump_dom(&s, &url);

    let body = tags(&dom, "body");
    assert_eq!(
        attr(&body[0], "data-ready"),
        Some("true"),
        "the page did not finish: {}",
        excerpt(&dom)
    );
    assert_eq!(attr(&body[0], "data-council"), Some(council.as_str()));
    assert_eq!(
        attr(&body[0], "data-publication"),
        Some(publication.as_str())
    );
    for nonsense in ["NaN", "undefined", "[object Object]"] {
        assert!(!dom.contains(nonsense), "the page shows {nonsense}");
    }
    let data_to = api["gap"]["publication"]["data_to"].as_str().unwrap();
    assert!(
        dom.contains(&format!("data up to {data_to}")),
        "no data date shown"
    );

    let rows = |d: &str| -> Vec<Value> {
        api[d]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["local_authority"] == council.as_str())
            .cloned()
            .collect()
    };
    let published = |row: &Value, column: &str| match &row[column] {
        Value::Null => String::new(),
        v => v.to_string(),
    };

    // Demand bars: one per category, each with the API's people.
    let demand = section(&dom, "id=\"demand-svg\"", "</svg>");
    let bars = by_category(tags(demand, "g"));
    let expected: BTreeMap<String, String> = rows("demand")
        .iter()
        .filter(|r| r["total"] == false)
        .map(|r| {
            (
                r["category"].as_str().unwrap().to_owned(),
                published(r, "people"),
            )
        })
        .collect();
    assert!(
        expected.len() >= 5,
        "too few categories to test: {expected:?}"
    );
    assert_eq!(
        bars.iter()
            .map(|(c, t)| (c.clone(), attr(t, "data-people").unwrap_or("").to_owned()))
            .collect::<BTreeMap<_, _>>(),
        expected
    );
    assert_eq!(tags(demand, "rect").len(), expected.len(), "one rect a bar");

    // Trend: a point a month of the chosen category, with the API's people.
    let trend = section(&dom, "id=\"trend-svg\"", "</svg>");
    let svg = &tags(trend, "svg")[0];
    let category = attr(svg, "data-category")
        .expect("the trend names its category")
        .to_owned();
    let months: Vec<(String, String)> = rows("trends")
        .iter()
        .filter(|r| r["category"] == category.as_str())
        .map(|r| {
            (
                r["month"].as_str().unwrap().to_owned(),
                published(r, "people"),
            )
        })
        .collect();
    let points: Vec<(String, String)> = tags(trend, "circle")
        .iter()
        .map(|t| {
            (
                attr(t, "data-month").unwrap().to_owned(),
                attr(t, "data-people").unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(months.len() >= 12, "a trend of {} months", months.len());
    assert_eq!(points, months);
    assert_eq!(tags(trend, "path").len(), 1, "the line is drawn");

    // Gap table: the API's rows, categories without a local service highlighted.
    let gap_table = section(&dom, "id=\"gap-table\"", "</table>");
    let body = section(gap_table, "<tbody>", "</tbody>");
    let table_rows = by_category(tags(body, "tr"));
    let gap_rows: Vec<Value> = rows("gap")
        .into_iter()
        .filter(|r| r["total"] == false)
        .collect();
    assert_eq!(table_rows.len(), gap_rows.len());
    let mut highlighted = 0;
    for r in &gap_rows {
        let tr = &table_rows[r["category"].as_str().unwrap()];
        assert_eq!(
            attr(tr, "data-people").unwrap_or(""),
            published(r, "people")
        );
        assert_eq!(
            attr(tr, "data-unmet-people").unwrap_or(""),
            published(r, "unmet_people")
        );
        assert_eq!(
            attr(tr, "data-services"),
            Some(r["services"].to_string().as_str())
        );
        let no_service = r["no_local_service"] == true;
        assert_eq!(
            attr(tr, "data-no-service"),
            Some(if no_service { "true" } else { "false" })
        );
        assert_eq!(attr(tr, "class") == Some("no-service"), no_service);
        highlighted += usize::from(no_service);
    }
    assert_eq!(
        body.matches("No local service").count(),
        highlighted,
        "each highlighted row says so in words"
    );

    // Key figures: the council's total row, shown and in data-value.
    let total = rows("gap")
        .into_iter()
        .find(|r| r["total"] == true)
        .expect("a total row");
    let key = tags(&dom, "div")
        .into_iter()
        .find(|t| attr(t, "data-key") == Some("people"))
        .expect("a key figure");
    assert_eq!(
        attr(&key, "data-value").unwrap_or(""),
        published(&total, "people")
    );
    if let Some(n) = total["people"].as_u64() {
        let shown = section(&dom, "data-key=\"people\"", "</div>");
        assert!(
            shown.contains(&format_thousands(n)),
            "key figure {n} not shown: {shown}"
        );
    }

    // Opportunities: each item's people and money are the gap row's, ranked by people.
    let list = section(&dom, "id=\"opportunities\"", "</ol>");
    let items = tags(list, "li");
    assert!(!items.is_empty(), "no opportunities listed");
    let mut last = u64::MAX;
    for li in &items {
        let category = attr(li, "data-category").expect("a category");
        let row = gap_rows
            .iter()
            .find(|r| r["category"] == category)
            .expect("a gap row");
        let (p, m) = match attr(li, "data-kind") {
            Some("no-local-service") => ("people", "budget_gbp"),
            Some("unarranged") => ("unmet_people", "unmet_budget_gbp"),
            other => panic!("unknown kind {other:?}"),
        };
        assert_eq!(attr(li, "data-people").unwrap_or(""), published(row, p));
        assert_eq!(attr(li, "data-money").unwrap_or(""), published(row, m));
        let people: u64 = attr(li, "data-people")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!(people <= last, "opportunities are not ranked by people");
        last = people;
    }

    // Mainstream share: a bar per category with the API's share; pooling rows are the API's.
    let mainstream = section(&dom, "id=\"mainstream-svg\"", "</svg>");
    let shares = by_category(tags(mainstream, "g"));
    for r in rows("mainstream_share")
        .iter()
        .filter(|r| r["total"] == false)
    {
        let g = &shares[r["category"].as_str().unwrap()];
        let expected = r["mainstream_share"]
            .as_f64()
            .map(|v| v.to_string())
            .unwrap_or_default();
        assert_eq!(attr(g, "data-share").unwrap_or(""), expected);
    }
    let pooling = section(&dom, "id=\"pooling-table\"", "</table>");
    let pooled = tags(section(pooling, "<tbody>", "</tbody>"), "tr");
    let api_pooling = rows("pooling");
    for tr in pooled.iter().filter(|t| attr(t, "data-locality").is_some()) {
        let found = api_pooling.iter().any(|r| {
            r["locality"] == attr(tr, "data-locality").unwrap()
                && r["category"] == attr(tr, "data-category").unwrap()
                && published(r, "people") == attr(tr, "data-people").unwrap_or("")
        });
        assert!(found, "pooling row not in the API: {tr}");
    }
    assert_eq!(
        pooled
            .iter()
            .filter(|t| attr(t, "data-locality").is_some())
            .count(),
        api_pooling.len().min(20)
    );

    let shot = screenshot(&url);
    println!("dashboard screenshot: {}", shot.display());
}

/// The council with the most people (its total row), to have most published figures to
/// compare.
fn busiest_council(gap: &Value) -> String {
    gap["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["total"] == true)
        .max_by_key(|r| r["people"].as_u64().unwrap_or(0))
        .and_then(|r| r["local_authority"].as_str())
        .expect("councils")
        .to_owned()
}

fn chromium(args: &[&str]) -> std::process::Output {
    let profile = tempfile::tempdir().expect("a profile dir");
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    let out = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=15000",
            &profile_arg,
        ])
        .args(args)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn dump_dom(_scratch: &Scratch, url: &str) -> String {
    String::from_utf8(chromium(&["--dump-dom", url]).stdout).expect("UTF-8 DOM")
}

/// Saves a full-page screenshot under the target directory and returns its path.
fn screenshot(url: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let _ = std::fs::remove_file(&path);
    let arg = format!("--screenshot={}", path.display());
    chromium(&[&arg, "--window-size=1280,2400", url]);
    let png = std::fs::read(&path).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "a suspiciously small screenshot ({} bytes)",
        png.len()
    );
    path
}

/// The text from the first `start` (from the start of its tag, when `start` is inside one)
/// to the next `end` after it.
fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let at = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the page: {}", excerpt(text)));
    let from = if start.starts_with('<') {
        at
    } else {
        text[..at].rfind('<').unwrap_or(at)
    };
    let to = text[from..].find(end).map_or(text.len(), |i| from + i);
    &text[from..to]
}

/// Every start tag `<name ...>` in `html`, as its text.
fn tags(html: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if after.starts_with([' ', '>', '/']) {
            let end = after.find('>').unwrap_or(after.len());
            out.push(format!("{open}{}", &after[..end]));
        }
        rest = after;
    }
    out
}

/// An attribute's value in a start tag (Chromium writes them double-quoted).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

/// Tags carrying `data-category`, by it.
fn by_category(tags: Vec<String>) -> BTreeMap<String, String> {
    tags.into_iter()
        .filter_map(|t| attr(&t, "data-category").map(|c| (c.to_owned(), t.clone())))
        .collect()
}

fn format_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn excerpt(text: &str) -> &str {
    &text[..text.len().min(3000)]
}
