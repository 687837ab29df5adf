//! Our JSON Schema files agree with our validation, judged by an independent validator
//! (Python's `jsonschema`) over thousands of generated events, good and bad.

mod util;

use std::path::PathBuf;

use util::{python, stf, Scratch};

#[test]
fn generated_events_validate_against_the_json_schema_files() {
    let s = Scratch::new();
    let events = s.path("events");
    stf(&[
        "generate",
        "--plans",
        "2000",
        "--seed",
        "3",
        "--bad-fraction",
        "0.05",
        "--out",
        events.to_str().unwrap(),
    ]);
    let schemas = PathBuf::from(util::manifest_dir()).join("schemas/json");
    let report = python("check_json_schema.py", &[&schemas, &events]);
    assert!(report.starts_with("OK"), "{report}");
}
