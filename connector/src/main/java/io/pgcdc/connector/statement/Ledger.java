package io.pgcdc.connector.statement;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets ledger: per connector, topic and partition, the offset of the last record whose
 * statements were committed. Written in the transaction of the statements, so the database alone
 * says what ran; read with {@code FOR UPDATE} at the start of each transaction, so that two tasks
 * that both believe they own a partition (a zombie after a rebalance) take turns and the second
 * skips what the first applied.
 */
final class Ledger {
  private final TableId table;
  private final String connector;

  Ledger(TableId table, String connector) {
    this.table = table;
    this.connector = connector;
  }

  TableId table() {
    return table;
  }

  /** The DDL of the table; {@code IF NOT EXISTS}. */
  String createSql() {
    return "CREATE TABLE IF NOT EXISTS "
        + table.quoted()
        + " (connector text NOT NULL, topic text NOT NULL, kafka_partition integer NOT NULL,"
        + " kafka_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
        + " PRIMARY KEY (connector, topic, kafka_partition))";
  }

  /** Creates the table if it is missing, committed. */
  void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(createSql());
    }
    c.commit();
  }

  /**
   * Makes sure each partition has its row (offset -1 when new), so that {@link #lock} always finds
   * one to lock; then returns the stored offsets, committed.
   */
  Map<TopicPartition, Long> open(Connection c, Collection<TopicPartition> partitions)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table.quoted()
                + " (connector, topic, kafka_partition, kafka_offset) VALUES (?, ?, ?, -1)"
                + " ON CONFLICT (connector, topic, kafka_partition) DO NOTHING")) {
      for (TopicPartition tp : partitions) {
        ps.setString(1, connector);
        ps.setString(2, tp.topic());
        ps.setInt(3, tp.partition());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    Map<TopicPartition, Long> offsets = read(c, partitions, false);
    c.commit();
    return offsets;
  }

  /** The stored offsets of these partitions, their rows locked until the transaction ends. */
  Map<TopicPartition, Long> lock(Connection c, Collection<TopicPartition> partitions)
      throws SQLException {
    return read(c, partitions, true);
  }

  private Map<TopicPartition, Long> read(
      Connection c, Collection<TopicPartition> partitions, boolean forUpdate) throws SQLException {
    String[] topics = new String[partitions.size()];
    Integer[] numbers = new Integer[partitions.size()];
    int i = 0;
    for (TopicPartition tp : partitions) {
      topics[i] = tp.topic();
      numbers[i++] = tp.partition();
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT topic, kafka_partition, kafka_offset FROM "
                + table.quoted()
                + " WHERE connector = ? AND (topic, kafka_partition) IN"
                + " (SELECT * FROM unnest(?::text[], ?::integer[]))"
                + (forUpdate ? " FOR UPDATE" : ""))) {
      Array topicArray = c.createArrayOf("text", topics);
      Array partitionArray = c.createArrayOf("integer", numbers);
      ps.setString(1, connector);
      ps.setArray(2, topicArray);
      ps.setArray(3, partitionArray);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          offsets.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
        }
      }
    }
    return offsets;
  }

  /** Stores the last applied offset of each partition, in the caller's transaction. */
  void store(Connection c, Map<TopicPartition, Long> offsets) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table.quoted()
                + " (connector, topic, kafka_partition, kafka_offset) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (connector, topic, kafka_partition) DO UPDATE"
                + " SET kafka_offset = EXCLUDED.kafka_offset, updated_at = now()")) {
      for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
        ps.setString(1, connector);
        ps.setString(2, e.getKey().topic());
        ps.setInt(3, e.getKey().partition());
        ps.setLong(4, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** For messages: the quoted table name. */
  @Override
  public String toString() {
    return table.quoted() + " (connector " + Identifiers.literal(connector) + ")";
  }
}
