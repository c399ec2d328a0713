package io.pgcdc.connector.source.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.offset.SourceOffset;
import io.pgcdc.connector.source.record.Envelope;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SourceMetricsTest {
  private static final Schema SOURCE =
      SchemaBuilder.struct()
          .field(Envelope.TS_MS, Schema.INT64_SCHEMA)
          .field(Envelope.SCHEMA, Schema.STRING_SCHEMA)
          .field(Envelope.TABLE, Schema.STRING_SCHEMA)
          .build();

  /** Each table has an envelope schema object of its own, as the task's TableSchema gives it. */
  private static final Map<String, Schema> VALUES = new ConcurrentHashMap<>();

  private static Schema value(String table) {
    return VALUES.computeIfAbsent(
        table, t -> SchemaBuilder.struct().field(Envelope.SOURCE, SOURCE).build());
  }

  private static ConnectionSettings settings() {
    return new PostgresSourceConfig(
            Map.of(
                "name", "metrics-test",
                "connection.url", "postgresql://u:p@127.0.0.1:1/db",
                "table.include.list", "public.a"))
        .connection("test");
  }

  /** Sampling never runs within a test: the interval is an hour. */
  private static SourceMetrics metrics(String connector) {
    return new SourceMetrics(connector, settings(), "slot", 1L << 30, Duration.ofHours(1));
  }

  private static SourceRecord record(String schema, String table, long commitMillis, long lsn) {
    Struct source =
        new Struct(SOURCE)
            .put(Envelope.TS_MS, commitMillis)
            .put(Envelope.SCHEMA, schema)
            .put(Envelope.TABLE, table);
    return new SourceRecord(
        Map.of("slot", "slot"),
        Map.of(SourceOffset.LSN_KEY, lsn),
        "topic",
        value(schema + "." + table),
        new Struct(value(schema + "." + table)).put(Envelope.SOURCE, source));
  }

  private static SourceRecord tombstone() {
    return new SourceRecord(Map.of(), Map.of(), "topic", null, null);
  }

  @Test
  void countsSnapshotRowsByTableAndTakesTheLagFromTheLastChange() {
    try (SourceMetrics m = metrics("count-test")) {
      long now = System.currentTimeMillis();
      m.snapshotPolled(
          List.of(
              record("public", "a", now, 0),
              record("public", "a", now, 0),
              record("public", "b", now, 0)));
      m.snapshotPolled(List.of(record("public", "b", now, 0), tombstone()));
      m.streamPolled(List.of(record("public", "a", now - 5_000, 42)));

      assertThat(m.getSnapshotRowsDone()).isEqualTo(Map.of("public.a", 2L, "public.b", 2L));
      assertThat(m.getEventsTotal()).isEqualTo(6);
      assertThat(m.getMillisBehindSource()).isBetween(5_000L, 60_000L);
      assertThat(m.getLagBytes()).as("not sampled yet").isEqualTo(-1);
      assertThat(m.getLastConfirmedLsn()).isEmpty();
    }
  }

  @Test
  void aRestartedTaskReplacesTheMBeanAndOnlyItsOwnerRemovesIt() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = SourceMetrics.objectName("orders, \"prod\"");
    SourceMetrics old = metrics("orders, \"prod\"");
    SourceMetrics restarted = metrics("orders, \"prod\"");
    restarted.streamPolled(List.of(record("public", "a", System.currentTimeMillis(), 1)));

    assertThat(server.getAttribute(name, "EventsTotal")).isEqualTo(1L);
    old.close();
    assertThat(server.isRegistered(name)).isTrue();
    restarted.close();
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void showsEachAddedTablesCopyProgressOverJmx() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = SourceMetrics.objectName("copy-progress");
    try (SourceMetrics metrics = metrics("copy-progress")) {
      assertThat(((TabularData) server.getAttribute(name, "IncrementalCopyRowsDone")).isEmpty())
          .isTrue();
      Map<String, TableCopy> progress = new ConcurrentHashMap<>();
      metrics.copies(() -> Map.copyOf(progress));
      progress.put("public.b", new TableCopy(4096, "4096", false));
      progress.put("public.c", new TableCopy(3, "x,7", true));

      assertThat(row(server.getAttribute(name, "IncrementalCopyRowsDone"), "public.b"))
          .isEqualTo(4096L);
      assertThat(row(server.getAttribute(name, "IncrementalCopyLastKey"), "public.c"))
          .isEqualTo("x,7");
      assertThat(row(server.getAttribute(name, "IncrementalCopyDone"), "public.b"))
          .isEqualTo(false);
      assertThat(row(server.getAttribute(name, "IncrementalCopyDone"), "public.c")).isEqualTo(true);
    }
  }

  /** The value of {@code key} in an MXBean map attribute (a table of key and value). */
  private static Object row(Object tabular, String key) {
    for (Object row : ((TabularData) tabular).values()) {
      CompositeData entry = (CompositeData) row;
      if (key.equals(entry.get("key"))) {
        return entry.get("value");
      }
    }
    return null;
  }
}
