//! The five columns that say where a row came from: Kafka coordinates or a file and line.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int32Builder, Int64Builder, StringBuilder};

use super::append_opt_str;
use crate::position::Origin;

#[derive(Default)]
pub(super) struct SourceColumns {
    topic: StringBuilder,
    partition: Int32Builder,
    offset: Int64Builder,
    file: StringBuilder,
    line: Int64Builder,
}

impl SourceColumns {
    pub(super) fn append(&mut self, origin: &Origin) {
        match origin {
            Origin::Kafka {
                topic,
                partition,
                offset,
            } => {
                self.topic.append_value(topic);
                self.partition.append_value(*partition);
                self.offset.append_value(*offset);
                append_opt_str(&mut self.file, None);
                self.line.append_null();
            }
            Origin::File { path, line } => {
                append_opt_str(&mut self.topic, None);
                self.partition.append_null();
                self.offset.append_null();
                self.file.append_value(path);
                self.line.append_value(*line);
            }
        }
    }

    /// `source_topic`, `source_partition`, `source_offset`, `source_file`, `source_line`.
    pub(super) fn finish(&mut self) -> [ArrayRef; 5] {
        [
            Arc::new(self.topic.finish()),
            Arc::new(self.partition.finish()),
            Arc::new(self.offset.finish()),
            Arc::new(self.file.finish()),
            Arc::new(self.line.finish()),
        ]
    }
}
