"""Independent check of a Kafka ingest: kafka-python asks the broker how many messages each
partition holds, Python's deltalake + DuckDB read our tables, and the generator's truth file
says which messages were bad.

usage: check_kafka.py BROKER STORE TRUTH_DIR GROUP [--progress]
  --progress: print "covered N of M" and exit 0 (for polling); otherwise check everything.
"""
import os
import sys
from collections import Counter, defaultdict

import duckdb
from deltalake import DeltaTable
from kafka import KafkaConsumer, TopicPartition

broker, store, truth_dir, group = sys.argv[1:5]
progress_only = "--progress" in sys.argv
TOPICS = {"support-plans": "plan_events", "provider-services": "service_events"}

consumer = KafkaConsumer(bootstrap_servers=broker, group_id=None, enable_auto_commit=False)
ends = {}
for topic in TOPICS:
    parts = consumer.partitions_for_topic(topic) or set()
    tps = [TopicPartition(topic, p) for p in parts]
    for tp, end in consumer.end_offsets(tps).items():
        ends[(tp.topic, tp.partition)] = end
consumer.close()
# Tansu 0.6 answers ListOffsets(latest) with the base offset of the last record batch, not the
# end: take the generator's delivery reports (produced.tsv) where they go further.
produced = os.path.join(truth_dir, "produced.tsv")
if os.path.exists(produced):
    with open(produced) as f:
        for line in f:
            topic, partition, end = line.split()
            key = (topic, int(partition))
            ends[key] = max(ends.get(key, 0), int(end))
total = sum(ends.values())

con = duckdb.connect()


def rows(table, cols):
    path = os.path.join(store, table)
    if not os.path.isdir(os.path.join(path, "_delta_log")):
        return []
    fs = DeltaTable(path).file_uris()
    if not fs:
        return []
    return con.execute(f"select {cols} from read_parquet(?, filename = true)", [fs]).fetchall()


seen = defaultdict(list)  # (topic, partition) -> offsets
where = defaultdict(list)  # (topic, partition, offset) -> the tables (and files) holding it
for topic, table in TOPICS.items():
    for t, p, o, f in rows(table, "source_topic, source_partition, source_offset, filename"):
        seen[(t, p)].append(o)
        where[(t, p, o)].append(f"{table}:{os.path.basename(f)}")
rejected = {}
for t, p, o, reason, f in rows("rejected_events", "source_topic, source_partition, source_offset, reason, filename"):
    seen[(t, p)].append(o)
    where[(t, p, o)].append(f"rejected_events:{os.path.basename(f)}")
    rejected[(t, p, o)] = reason

covered = sum(len(set(v)) for v in seen.values())
if progress_only:
    print(f"covered {covered} of {total}")
    sys.exit(0)

problems = []
for key, end in sorted(ends.items()):
    offsets = seen.get(key, [])
    dups = len(offsets) - len(set(offsets))
    if dups:
        twice = sorted(o for o, n in Counter(offsets).items() if n > 1)
        problems.append(f"{key}: {dups} offsets appear more than once, offsets {twice[0]}..{twice[-1]}, "
                        f"e.g. {twice[0]} in {where[key + (twice[0],)]}")
    missing = set(range(end)) - set(offsets)
    if missing:
        problems.append(f"{key}: {len(missing)} offsets missing, e.g. {sorted(missing)[:5]}")

expected = {}
with open(os.path.join(truth_dir, "expected-rejections.tsv")) as f:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 4 and parts[1].isdigit():
            expected[(parts[0], int(parts[1]), int(parts[2]))] = parts[3]
if rejected != expected:
    wrong = [(k, expected.get(k), rejected.get(k)) for k in set(expected) | set(rejected)
             if expected.get(k) != rejected.get(k)]
    problems.append(f"rejected_events differs from the truth in {len(wrong)} places, e.g. {wrong[:5]}")

# Every bad message is on its dead-letter topic, with its reason and coordinates as headers.
dlq = KafkaConsumer(bootstrap_servers=broker, group_id=None, auto_offset_reset="earliest",
                    enable_auto_commit=False, consumer_timeout_ms=5000)
dlq.subscribe([t + ".dlq" for t in TOPICS])
letters = {}
for m in dlq:
    h = {k: v.decode() for k, v in (m.headers or [])}
    letters[(h["stf-source-topic"], int(h["stf-source-partition"]), int(h["stf-source-offset"]))] = h["stf-reason"]
dlq.close()
missing_letters = [k for k in expected if letters.get(k) != expected[k]]
if missing_letters:
    problems.append(f"{len(missing_letters)} bad messages not on the DLQ with their reason, e.g. {missing_letters[:5]}")

if problems:
    print("FAIL\n" + "\n".join(problems))
    sys.exit(1)
print(f"OK messages={total} rejected={len(rejected)} dead_letters={len(letters)}")
