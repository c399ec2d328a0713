package io.pgcdc.connector.source.offset;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A record this task built, with a slot for its {@link OffsetTracker} entry: Connect hands the very
 * record it was given by {@code poll()} back to {@code commitRecord}, so the tracker finds its
 * entry here instead of looking the record up in a map for every acknowledgement.
 */
public final class ChangeRecord extends SourceRecord {
  /** Set by the tracker when the record is emitted; read when it is acknowledged. */
  Object tracking;

  public ChangeRecord(
      Map<String, ?> sourcePartition,
      Map<String, ?> sourceOffset,
      String topic,
      Schema keySchema,
      Object key,
      Schema valueSchema,
      Object value,
      Long timestamp) {
    super(
        sourcePartition, sourceOffset, topic, null, keySchema, key, valueSchema, value, timestamp);
  }
}
