//! Prometheus metrics of the server, in the text exposition format: requests by route and
//! status, SQL queries by outcome and duration, and the publication being served.
//!
//! Labels are of low cardinality: routes are the router's patterns (never raw paths),
//! outcomes a fixed list, and the publication info metric has one series at a time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the query-duration histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0,
];

/// Every metric of one server process.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    queries: Mutex<BTreeMap<&'static str, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    duration_micros: AtomicU64,
    duration_count: AtomicU64,
    publication: Mutex<Option<(String, String)>>,
    publication_switches: AtomicU64,
    published_compute_micros: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, route: &str, status: u16) {
        *lock(&self.requests)
            .entry((route.to_owned(), status))
            .or_default() += 1;
    }

    /// Counts one SQL query by outcome (`ok`, `refused`, `timeout`, ...) and, when it ran,
    /// its duration.
    pub fn query(&self, outcome: &'static str, elapsed: Option<Duration>) {
        *lock(&self.queries).entry(outcome).or_default() += 1;
        if let Some(elapsed) = elapsed {
            let seconds = elapsed.as_secs_f64();
            for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
                if seconds <= *bound {
                    bucket.fetch_add(1, Relaxed);
                }
            }
            self.duration_micros.fetch_add(
                u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
                Relaxed,
            );
            self.duration_count.fetch_add(1, Relaxed);
        }
    }

    /// Records the publication now served and how long its aggregates took.
    pub fn publication(&self, id: &str, data_to: &str, compute: Duration) {
        let mut current = lock(&self.publication);
        if current.as_ref().is_some_and(|(old, _)| old != id) {
            self.publication_switches.fetch_add(1, Relaxed);
        }
        *current = Some((id.to_owned(), data_to.to_owned()));
        self.published_compute_micros.store(
            u64::try_from(compute.as_micros()).unwrap_or(u64::MAX),
            Relaxed,
        );
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP stf_http_requests_total Requests answered, by route pattern and status.\n\
             # TYPE stf_http_requests_total counter"
        );
        for ((route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "stf_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP stf_sql_queries_total SQL queries, by outcome.\n\
             # TYPE stf_sql_queries_total counter"
        );
        for (outcome, n) in lock(&self.queries).iter() {
            let _ = writeln!(out, "stf_sql_queries_total{{outcome=\"{outcome}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP stf_sql_query_duration_seconds Time to run a query and collect its result.\n\
             # TYPE stf_sql_query_duration_seconds histogram"
        );
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "stf_sql_query_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Relaxed)
            );
        }
        let count = self.duration_count.load(Relaxed);
        let _ = writeln!(
            out,
            "stf_sql_query_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             stf_sql_query_duration_seconds_sum {}\n\
             stf_sql_query_duration_seconds_count {count}",
            self.duration_micros.load(Relaxed) as f64 / 1e6
        );
        if let Some((id, data_to)) = lock(&self.publication).as_ref() {
            let _ = writeln!(
                out,
                "# HELP stf_publication_info The publication served (value always 1).\n\
                 # TYPE stf_publication_info gauge\n\
                 stf_publication_info{{publication_id=\"{}\",data_to=\"{}\"}} 1",
                escape(id),
                escape(data_to)
            );
        }
        let _ = writeln!(
            out,
            "# HELP stf_publication_switches_total Moves to a newer publication without a restart.\n\
             # TYPE stf_publication_switches_total counter\n\
             stf_publication_switches_total {}\n\
             # HELP stf_published_compute_seconds Time to compute the current published aggregates.\n\
             # TYPE stf_published_compute_seconds gauge\n\
             stf_published_compute_seconds {}",
            self.publication_switches.load(Relaxed),
            self.published_compute_micros.load(Relaxed) as f64 / 1e6
        );
        out
    }
}

/// Escapes a label value.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_has_every_series() {
        let m = Metrics::default();
        m.request("/api/v1/sql", 200);
        m.request("/api/v1/sql", 200);
        m.request("/api/v1/sql", 401);
        m.query("ok", Some(Duration::from_millis(20)));
        m.query("refused", None);
        m.publication("p1", "2025-12-31", Duration::from_millis(5));
        m.publication("p2", "2025-12-31", Duration::from_millis(5));
        let text = m.render();
        for line in [
            "stf_http_requests_total{route=\"/api/v1/sql\",status=\"200\"} 2",
            "stf_http_requests_total{route=\"/api/v1/sql\",status=\"401\"} 1",
            "stf_sql_queries_total{outcome=\"refused\"} 1",
            "stf_sql_query_duration_seconds_bucket{le=\"0.01\"} 0",
            "stf_sql_query_duration_seconds_bucket{le=\"0.025\"} 1",
            "stf_sql_query_duration_seconds_count 1",
            "stf_publication_info{publication_id=\"p2\",data_to=\"2025-12-31\"} 1",
            "stf_publication_switches_total 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}:\n{text}");
        }
    }
}
