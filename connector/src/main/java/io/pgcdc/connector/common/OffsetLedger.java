package io.pgcdc.connector.common;

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
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The offsets ledger of the sinks' exactly-once delivery: per connector, topic and partition, the
 * offset of the last record whose writes were committed. Written in the transaction of the writes,
 * so the database alone says what was applied; read with {@code FOR UPDATE} at the start of each
 * transaction, so that two tasks that both believe they own a partition (a zombie after a
 * rebalance) take turns and the second skips what the first applied. An offset never moves back.
 */
public final class OffsetLedger {
  /** A table name, {@code table} or {@code schema.table} (quoted parts allowed). */
  public static final ConfigDef.Validator TABLE_NAME =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          try {
            TableId.parse(String.valueOf(value), "public");
          } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
          }
        }

        @Override
        public String toString() {
          return "[schema.]table";
        }
      };

  private final TableId table;
  private final String connector;

  public OffsetLedger(TableId table, String connector) {
    this.table = table;
    this.connector = connector;
  }

  public TableId table() {
    return table;
  }

  /** The DDL of the table; {@code IF NOT EXISTS}. */
  public String createSql() {
    return "CREATE TABLE IF NOT EXISTS "
        + table.quoted()
        + " (connector text NOT NULL, topic text NOT NULL, kafka_partition integer NOT NULL,"
        + " kafka_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
        + " PRIMARY KEY (connector, topic, kafka_partition))";
  }

  /** Creates the table if it is missing, committed. */
  public void create(Connection c) throws SQLException {
    boolean exists;
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        exists = rs.getBoolean(1);
      }
    }
    if (!exists) { // CREATE ... IF NOT EXISTS needs CREATE on the schema even when it exists
      try (Statement s = c.createStatement()) {
        s.execute(createSql());
      } catch (SQLException e) {
        // Another task created it at the same moment (IF NOT EXISTS does not cover that race).
        c.rollback();
        if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
          throw e;
        }
      }
    }
    c.commit();
  }

  /**
   * Makes sure each partition has its row (offset -1 when new), so that {@link #lock} always finds
   * one to lock; then returns the stored offsets, committed.
   */
  public Map<TopicPartition, Long> open(Connection c, Collection<TopicPartition> partitions)
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
  public Map<TopicPartition, Long> lock(Connection c, Collection<TopicPartition> partitions)
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
  public void store(Connection c, Map<TopicPartition, Long> offsets) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table.quoted()
                + " AS ledger (connector, topic, kafka_partition, kafka_offset) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (connector, topic, kafka_partition) DO UPDATE SET kafka_offset ="
                + " greatest(ledger.kafka_offset, EXCLUDED.kafka_offset), updated_at = now()")) {
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

  /**
   * What keeps {@code user} from using the ledger table {@code table}, with what to do; null when
   * nothing does: the table exists and may be written, or the user may create it. {@code orElse}
   * ends each message with the way out (another table, or the setting that turns the ledger off).
   */
  public static String problem(Connection c, TableId table, String orElse) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_is_in_recovery(), current_user, to_regclass(?) IS NOT NULL,"
                + " has_table_privilege(to_regclass(?), 'SELECT, INSERT, UPDATE'),"
                + " (SELECT has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n"
                + " WHERE n.nspname = ?)")) {
      ps.setString(1, table.quoted());
      ps.setString(2, table.quoted());
      ps.setString(3, table.schema());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String user = Identifiers.quote(rs.getString(2));
        if (rs.getBoolean(1)) {
          return "The server is a read-only standby: the offsets ledger cannot be written there;"
              + " connect to the primary"
              + orElse;
        }
        if (rs.getBoolean(3)) {
          return rs.getBoolean(4)
              ? null
              : "User "
                  + user
                  + " may not write the ledger table "
                  + table.quoted()
                  + ": run GRANT SELECT, INSERT, UPDATE ON "
                  + table.quoted()
                  + " TO "
                  + user
                  + orElse;
        }
        if (rs.getObject(5) == null) {
          return "The schema "
              + Identifiers.quote(table.schema())
              + " of the ledger table does not exist"
              + orElse;
        }
        if (!rs.getBoolean(5)) {
          return "User "
              + user
              + " may not create the ledger table "
              + table.quoted()
              + ": run GRANT CREATE ON SCHEMA "
              + Identifiers.quote(table.schema())
              + " TO "
              + user
              + ", or create it as another user with "
              + new OffsetLedger(table, "").createSql()
              + " and GRANT SELECT, INSERT, UPDATE on it"
              + orElse;
        }
        return null;
      }
    }
  }

  /**
   * The partition a record was consumed from, as Connect names it in {@code open()} and in its
   * offsets: a transform may have renamed the record's topic. The ledger keys records by it, with
   * {@link SinkRecord#originalKafkaOffset()}.
   */
  public static TopicPartition partitionOf(SinkRecord r) {
    return new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
  }

  /**
   * {@link #partitionOf(SinkRecord)}, as {@code previous} when the record is of that partition:
   * records come in runs of one partition, and a loop over a batch that passes the last result back
   * hashes and compares one object per run instead of a new one per record.
   */
  public static TopicPartition partitionOf(SinkRecord r, TopicPartition previous) {
    if (previous != null
        && previous.partition() == r.originalKafkaPartition()
        && previous.topic().equals(r.originalTopic())) {
      return previous;
    }
    return partitionOf(r);
  }

  /** For messages: the quoted table name. */
  @Override
  public String toString() {
    return table.quoted() + " (connector " + Identifiers.literal(connector) + ")";
  }
}
