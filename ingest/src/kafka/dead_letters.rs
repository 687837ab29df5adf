//! Dead letters on the broker: a rejected message's original bytes to `<topic>.dlq`, with
//! headers for the reason code, the detail and the source coordinates. A payload over
//! [`MAX_MESSAGE_BYTES`] (rejected as `oversize`) is cut to that size, with a header giving its
//! original length: the whole message stays at its source coordinates.

use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use stf_schemas::topics::dead_letter;
use stf_schemas::validate::{Rejection, MAX_MESSAGE_BYTES};

use crate::Error;

/// Sends dead letters; the batch that records them commits once they are acknowledged.
pub struct DeadLetters {
    producer: FutureProducer,
    pending: Vec<rdkafka::producer::DeliveryFuture>,
}

/// One rejected message and where it came from.
pub struct DeadLetter<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<&'a [u8]>,
    pub payload: &'a [u8],
    pub rejection: &'a Rejection,
}

impl DeadLetters {
    pub fn new(producer: FutureProducer) -> Self {
        Self {
            producer,
            pending: Vec::new(),
        }
    }

    /// Queues one dead letter; its delivery is awaited by the commit of its batch ([`DeadLetters::take`]).
    pub fn send(&mut self, letter: DeadLetter<'_>) -> Result<(), Error> {
        let topic = dead_letter(letter.topic);
        let partition = letter.partition.to_string();
        let offset = letter.offset.to_string();
        let original_len = letter.payload.len().to_string();
        let payload = &letter.payload[..letter.payload.len().min(MAX_MESSAGE_BYTES)];
        let mut headers = OwnedHeaders::new()
            .insert(Header {
                key: "stf-reason",
                value: Some(letter.rejection.reason.code()),
            })
            .insert(Header {
                key: "stf-detail",
                value: Some(letter.rejection.detail.as_str()),
            })
            .insert(Header {
                key: "stf-source-topic",
                value: Some(letter.topic),
            })
            .insert(Header {
                key: "stf-source-partition",
                value: Some(partition.as_str()),
            })
            .insert(Header {
                key: "stf-source-offset",
                value: Some(offset.as_str()),
            });
        if payload.len() < letter.payload.len() {
            headers = headers.insert(Header {
                key: "stf-truncated-from-bytes",
                value: Some(original_len.as_str()),
            });
        }
        let mut record = FutureRecord::to(&topic).payload(payload).headers(headers);
        if let Some(key) = letter.key {
            record = record.key(key);
        }
        match self.producer.send_result(record) {
            Ok(delivery) => {
                self.pending.push(delivery);
                Ok(())
            }
            Err((source, _)) => Err(Error::DeadLetterDelivery { topic, source }),
        }
    }

    /// The deliveries of the letters queued so far, for the commit of their batch to wait
    /// for (`committer`).
    pub fn take(&mut self) -> Vec<rdkafka::producer::DeliveryFuture> {
        std::mem::take(&mut self.pending)
    }

    /// Forgets queued letters whose batch was dropped (they will be sent again on re-read).
    pub fn discard(&mut self) {
        self.pending.clear();
    }
}
