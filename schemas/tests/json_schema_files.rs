//! The JSON Schema files under `schemas/json/` are exactly what the code lists say.
//! `STF_BLESS=1 cargo test -p stf-schemas --test json_schema_files` rewrites them.

use std::path::PathBuf;
use stf_schemas::json_schema::{
    provider_service, render, support_plan, PROVIDER_SERVICE_FILE, SUPPORT_PLAN_FILE,
};

fn check_file(name: &str, doc: serde_json::Value) {
    let path = PathBuf::from(manifest_dir()).join("json").join(name);
    let want = render(&doc);
    if std::env::var_os("STF_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with STF_BLESS=1 to write it)", path.display()));
    assert!(
        have == want,
        "{} is out of step with the Rust code lists; rerun with STF_BLESS=1",
        path.display()
    );
}

#[test]
fn support_plan_schema_file_is_in_step() {
    check_file(SUPPORT_PLAN_FILE, support_plan());
}

#[test]
fn provider_service_schema_file_is_in_step() {
    check_file(PROVIDER_SERVICE_FILE, provider_service());
}

/// The package's folder: from the environment the test runner sets, so that a test binary
/// built for a checkout elsewhere (a shared build cache) still reads this one's files.
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned())
}
