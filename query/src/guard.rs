//! Read-only by construction: the statements an untrusted query may be, checked on the parsed
//! SQL (for a clear message naming what was refused) and again on the logical plan with
//! DataFusion's own [`SQLOptions`] (so that nothing the parser check misses can write, define
//! or configure anything).
//!
//! Reading files by path (`SELECT * FROM '/etc/passwd'`) needs URL tables, which our sessions
//! never enable: such a name is an unknown table.

use datafusion::execution::context::SQLOptions;
use datafusion::logical_expr::LogicalPlan;
use datafusion::sql::parser::Statement;
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;

use crate::{Error, Result};

/// The most words of a refused statement its error message quotes.
const QUOTED_KEYWORDS: usize = 3;

/// Refuses every statement but a query, `EXPLAIN` of a query, `DESCRIBE` and `SHOW
/// TABLES`/`SHOW COLUMNS`.
pub(crate) fn check_statement(statement: &Statement) -> Result<()> {
    match statement {
        Statement::Statement(sql) => check_sql(sql),
        Statement::Explain(explain) => check_statement(&explain.statement),
        Statement::CreateExternalTable(_) => refuse("CREATE EXTERNAL TABLE"),
        Statement::CopyTo(_) => refuse("COPY"),
        Statement::Reset(_) => refuse("RESET"),
    }
}

fn check_sql(statement: &SqlStatement) -> Result<()> {
    match statement {
        SqlStatement::Query(_)
        | SqlStatement::ExplainTable { .. }
        | SqlStatement::ShowTables { .. }
        | SqlStatement::ShowColumns { .. } => Ok(()),
        SqlStatement::Explain { statement, .. } => check_sql(statement),
        other => refuse(&keywords(&other.to_string())),
    }
}

/// Refuses a plan that defines, changes or configures anything: the check DataFusion's
/// `sql_with_options` makes with DDL, DML (`COPY` included) and statements disallowed.
pub(crate) fn check_plan(plan: &LogicalPlan) -> Result<()> {
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
        .verify_plan(plan)
        .map_err(|e| Error::Refused {
            // "DDL not supported: CreateView" -> "DDL CreateView"
            statement: e.message().replace(" not supported:", ""),
        })
}

fn refuse(statement: &str) -> Result<()> {
    Err(Error::Refused {
        statement: statement.to_owned(),
    })
}

/// The leading keywords of a statement as the parser prints it (`INSERT INTO`, `DROP TABLE`,
/// `SET`): upper-case words, at most a few.
fn keywords(statement: &str) -> String {
    let words: Vec<&str> = statement
        .split_whitespace()
        .take_while(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .take(QUOTED_KEYWORDS)
        .collect();
    if words.is_empty() {
        "this statement".to_owned()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use datafusion::prelude::SessionContext;
    use datafusion::sql::parser::DFParser;

    use super::*;

    fn check(sql: &str) -> Result<()> {
        let mut statements = DFParser::parse_sql(sql).expect("test SQL parses");
        check_statement(&statements.pop_front().expect("one statement"))
    }

    fn refused(sql: &str) -> String {
        match check(sql) {
            Err(Error::Refused { statement }) => statement,
            other => panic!("{sql} was not refused: {other:?}"),
        }
    }

    #[test]
    fn queries_pass() {
        for sql in [
            "SELECT 1",
            "WITH a AS (SELECT 1 AS x) SELECT x FROM a",
            "EXPLAIN SELECT 1",
            "EXPLAIN ANALYZE SELECT 1",
            "DESCRIBE plans",
            "SHOW TABLES",
            "SHOW COLUMNS FROM plans",
            "SELECT * FROM '/etc/passwd'",
        ] {
            check(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    #[test]
    fn writes_definitions_and_settings_are_refused_by_name() {
        for (sql, name) in [
            ("COPY plans TO '/tmp/x.csv'", "COPY"),
            ("COPY (SELECT 1) TO '/tmp/x.parquet'", "COPY"),
            (
                "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '/etc/passwd'",
                "CREATE EXTERNAL TABLE",
            ),
            ("INSERT INTO plans VALUES (1)", "INSERT INTO"),
            ("SET datafusion.execution.batch_size = 1", "SET"),
            ("CREATE VIEW v AS SELECT 1", "CREATE VIEW"),
            ("DROP TABLE plans", "DROP TABLE"),
            ("DELETE FROM plans", "DELETE FROM"),
            ("CREATE TABLE t AS SELECT 1", "CREATE TABLE"),
            ("RESET datafusion.execution.batch_size", "RESET"),
            ("EXPLAIN COPY plans TO '/tmp/x.csv'", "COPY"),
            ("EXPLAIN INSERT INTO plans VALUES (1)", "INSERT INTO"),
        ] {
            assert_eq!(refused(sql), name, "{sql}");
        }
    }

    #[tokio::test]
    async fn plan_check_refuses_what_the_parser_check_would_miss() {
        let ctx = SessionContext::new();
        let plan = ctx
            .state()
            .create_logical_plan("CREATE VIEW v AS SELECT 1")
            .await
            .expect("plans");
        let Err(Error::Refused { statement }) = check_plan(&plan) else {
            panic!("CREATE VIEW plan passed");
        };
        assert!(statement.contains("DDL"), "{statement}");
        let plan = ctx
            .state()
            .create_logical_plan("SELECT 1")
            .await
            .expect("plans");
        check_plan(&plan).expect("a query passes");
    }
}
