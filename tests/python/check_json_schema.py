"""Validates generated events against our JSON Schema files with the independent `jsonschema`
package: every good event must be valid, and every bad event that is still a JSON object must
be invalid too (an oversize message may be well-formed, so it is not expected to fail).

usage: check_json_schema.py SCHEMA_DIR EVENTS_DIR
"""
import json
import os
import sys

import jsonschema

schema_dir, events_dir = sys.argv[1:3]
validators = {}
for name in ("stf.support_plan.v1", "stf.provider_service.v1"):
    with open(os.path.join(schema_dir, name + ".schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validators[name] = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

bad = {}
with open(os.path.join(events_dir, "expected-rejections.tsv")) as f:
    for row in f:
        parts = row.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[1].isdigit():
            bad[(os.path.basename(parts[0]), int(parts[1]))] = parts[2]

good_checked = bad_checked = 0
problems = []
for name in ("support-plans.ndjson", "provider-services.ndjson"):
    with open(os.path.join(events_dir, name), "rb") as f:
        for i, raw in enumerate(f, start=1):
            raw = raw.rstrip(b"\n")
            if not raw:
                continue
            reason = bad.get((name, i))
            try:
                event = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                if reason is None:
                    problems.append(f"{name}:{i} good event is not JSON")
                continue
            validator = validators.get(event.get("schema")) if isinstance(event, dict) else None
            if reason is None:
                errors = list(validator.iter_errors(event)) if validator else ["unknown schema"]
                if errors:
                    problems.append(f"{name}:{i} good event invalid: {str(errors[0])[:200]}")
                good_checked += 1
            elif reason not in ("oversize",) and validator is not None:
                if validator.is_valid(event):
                    problems.append(f"{name}:{i} bad event ({reason}) passes the JSON Schema")
                bad_checked += 1

if problems or good_checked < 1000:
    print("FAIL", good_checked, "\n".join(problems[:20]))
    sys.exit(1)
print(f"OK good={good_checked} bad={bad_checked}")
