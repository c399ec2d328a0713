package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the sink writes row changes: {@link BatchWriter} writes them to PostgreSQL. The batch loop
 * (retries, bisection) sees this interface alone, so that its unit tests can give it a writer that
 * fails as they say.
 */
public interface ChangeWriter extends AutoCloseable {
  /**
   * Makes the target tables fit the changes (creating tables and adding columns when allowed) and
   * renders the values. Returns the changes ready for {@link #write}; the others go to {@code
   * rejected} with the reason.
   */
  List<RowChange> prepare(
      List<RowChange> changes, BiConsumer<RowChange, BadRecordException> rejected)
      throws SQLException;

  /** Writes prepared changes in one transaction; on failure rolls back and rethrows. */
  void write(List<RowChange> prepared) throws SQLException;

  /**
   * From now on the offsets ledger (exactly.once) stays below these offsets, by partition: records
   * at and after them are written, but the ledger does not say so, because a bad record there has
   * not reached the dead letter queue yet. Empty: no limit.
   */
  default void holdLedgerBelow(Map<TopicPartition, Long> offsets) {}

  /**
   * Moves the offsets ledger (exactly.once) up to these offsets, by partition, in a transaction of
   * its own: every record up to them is written or in the dead letter queue. A failure leaves the
   * ledger behind, which only makes records come again.
   */
  default void ledgerAt(Map<TopicPartition, Long> offsets) {}

  /** Drops the connection (after a lost connection or a failed batch) and what it cached. */
  void reset();

  @Override
  void close();
}
