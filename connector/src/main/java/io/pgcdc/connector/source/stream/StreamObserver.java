package io.pgcdc.connector.source.stream;

import io.pgcdc.connector.source.record.RecordBuilder;
import io.pgcdc.connector.source.record.TableSchema;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Sees the stream as the task delivers it, in commit order: every row change it turns into a
 * record, and the non-transactional messages of its own prefix, which become no record of their own
 * but may bring records to emit at their position. The copy of a table added to a running connector
 * ({@code io.pgcdc.connector.source.incremental}) is one.
 */
public interface StreamObserver {
  /**
   * The prefix of the watermark messages that copies write into the WAL. Logical messages reach
   * every slot of the database, so a connector also sees other connectors' watermarks: none of them
   * becomes a record.
   */
  String WATERMARK_PREFIX = "pgcdc-watermark";

  /**
   * The default prefix of signal messages (source.signal): like watermarks, they reach every slot
   * of the database, and become no record of a connector that does not read them.
   */
  String SIGNAL_PREFIX = "pgcdc-signal";

  /** Whether a non-transactional message with {@code prefix} is the observer's. */
  boolean owns(String prefix);

  /**
   * A message of the observer's prefix, decoded at {@code lsn}: the records to emit there, in order
   * (none for most).
   */
  List<SourceRecord> message(String prefix, byte[] content, long lsn, long now);

  /** A record for {@code row} (the after row, or the before row of a delete) of {@code t}. */
  void changed(TableSchema t, RecordBuilder.Row row);

  /** {@code t} was truncated. */
  void truncated(TableSchema t);
}
