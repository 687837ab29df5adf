"""Produces NDJSON events to Kafka with kafka-python, a client that shares no code with
librdkafka, keyed by plan or service id as the contract says.

usage: produce_kafka_python.py BROKER EVENTS_DIR
"""
import json
import os
import sys

from kafka import KafkaProducer

broker, events_dir = sys.argv[1:3]
producer = KafkaProducer(bootstrap_servers=broker, acks="all")
sent = 0
for name, topic, key in (("support-plans.ndjson", "support-plans", "plan_id"),
                         ("provider-services.ndjson", "provider-services", "service_id")):
    with open(os.path.join(events_dir, name), "rb") as f:
        for line in f:
            line = line.rstrip(b"\n")
            if not line:
                continue
            producer.send(topic, key=json.loads(line)[key].encode(), value=line)
            sent += 1
producer.flush()
producer.close()
print(sent)
